#include "setup/mounts.h"

#include <errno.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statvfs.h>

int mounts_make_private(struct nerr *e)
{
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        return nerr_set(e, errno, "make / recursively private in the new mount namespace");
    return 0;
}

int mount_locked_flags(const char *path, unsigned long *flags, struct nerr *e)
{
    static const struct {
        unsigned long st, ms;
    } map[] = {
        {ST_RDONLY, MS_RDONLY},     {ST_NOSUID, MS_NOSUID},         {ST_NODEV, MS_NODEV},
        {ST_NOEXEC, MS_NOEXEC},     {ST_NOATIME, MS_NOATIME},       {ST_NODIRATIME, MS_NODIRATIME},
        {ST_RELATIME, MS_RELATIME},
    };
    struct statvfs sv;
    if (statvfs(path, &sv) < 0)
        return nerr_set(e, errno, "read the mount flags of %s", path);
    *flags = 0;
    for (unsigned i = 0; i < sizeof map / sizeof map[0]; i++)
        if (sv.f_flag & map[i].st)
            *flags |= map[i].ms;
    return 0;
}

int mount_tmpfs(const char *path, struct nerr *e)
{
    if (mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
        return nerr_set(e, errno, "--tmpfs: mount a tmpfs on %s", path);
    return 0;
}

int mount_read_only(const char *path, struct nerr *e)
{
    unsigned long flags = 0;
    if (strcmp(path, "/") != 0 && mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0)
        return nerr_set(e, errno, "--ro: bind %s onto itself", path);
    if (mount_locked_flags(path, &flags, e) < 0)
        return -1;
    if (mount(NULL, path, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | flags, NULL) < 0)
        return nerr_set(e, errno, "remount %s read-only (keeping its flags 0x%lx)", path, flags);
    return 0;
}
