#include "base/error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int nerr_set(struct nerr *e, int errnum, const char *fmt, ...)
{
    va_list ap;
    e->errnum = errnum;
    e->hint[0] = '\0';
    va_start(ap, fmt);
    vsnprintf(e->what, sizeof e->what, fmt, ap);
    va_end(ap);
    return -1;
}

void nerr_hint(struct nerr *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->hint, sizeof e->hint, fmt, ap);
    va_end(ap);
}

int nerr_prefix(struct nerr *e, const char *prefix)
{
    char what[NERR_TEXT];
    memcpy(what, e->what, sizeof what);
    int n = snprintf(e->what, sizeof e->what, "%s: ", prefix);
    if (n > 0 && (size_t)n < sizeof e->what)
        memcpy(e->what + n, what, sizeof e->what - (size_t)n - 1);
    e->what[sizeof e->what - 1] = '\0';
    return -1;
}

void nerr_format(const struct nerr *e, char *buf, size_t size)
{
    int n;
    if (e->errnum)
        n = snprintf(buf, size, "%s: %s (%s)", e->what, strerror(e->errnum), errno_name(e->errnum));
    else
        n = snprintf(buf, size, "%s", e->what);
    if (e->hint[0] && n >= 0 && (size_t)n < size)
        snprintf(buf + n, size - (size_t)n, "; %s", e->hint);
}

/* musl has no strerrorname_np; users search the web for these names. */
const char *errno_name(int errnum)
{
    switch (errnum) {
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case ESRCH: return "ESRCH";
    case EINTR: return "EINTR";
    case EIO: return "EIO";
    case E2BIG: return "E2BIG";
    case ENOEXEC: return "ENOEXEC";
    case EBADF: return "EBADF";
    case ECHILD: return "ECHILD";
    case EAGAIN: return "EAGAIN";
    case ENOMEM: return "ENOMEM";
    case EACCES: return "EACCES";
    case EFAULT: return "EFAULT";
    case EBUSY: return "EBUSY";
    case EEXIST: return "EEXIST";
    case ENODEV: return "ENODEV";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case EINVAL: return "EINVAL";
    case EMFILE: return "EMFILE";
    case ENOSPC: return "ENOSPC";
    case EROFS: return "EROFS";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case ENOSYS: return "ENOSYS";
    case ELOOP: return "ELOOP";
    case EUSERS: return "EUSERS";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case ETXTBSY: return "ETXTBSY";
    case ECANCELED: return "ECANCELED";
    default: return "errno";
    }
}
