/* errno -> symbolic name, shared by the static probes and test helpers
 * (tests/probes, tests/helpers; only the names tests expect). */
#ifndef PROBE_ERRNAMES_H
#define PROBE_ERRNAMES_H
#include <errno.h>
#include <stdio.h>

static const char *errname(int e)
{
    static char buf[16];
    switch (e) {
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case ESRCH: return "ESRCH";
    case EBADF: return "EBADF";
    case EACCES: return "EACCES";
    case EBUSY: return "EBUSY";
    case EINVAL: return "EINVAL";
    case ENOSYS: return "ENOSYS";
    case ENOTDIR: return "ENOTDIR";
    case ELOOP: return "ELOOP";
    case EROFS: return "EROFS";
    case ENOSPC: return "ENOSPC";
    case EUSERS: return "EUSERS";
    case ENXIO: return "ENXIO";
    case EFAULT: return "EFAULT";
    case ENOEXEC: return "ENOEXEC";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case ENODEV: return "ENODEV";
    case ENOKEY: return "ENOKEY";
    }
    snprintf(buf, sizeof buf, "E%d", e);
    return buf;
}
#endif
