#include "setup/mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/files.h"
#include "base/log.h"
#include "setup/mountinfo.h"

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

static int mount_tmpfs(const char *path, struct nerr *e)
{
    if (mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
        return nerr_set(e, errno, "--tmpfs: mount a tmpfs on %s", path);
    return 0;
}

/* p is top or below it (both canonical). */
static bool path_under(const char *p, const char *top)
{
    size_t n = strlen(top);
    return strcmp(top, "/") == 0 || (strncmp(p, top, n) == 0 && (p[n] == '\0' || p[n] == '/'));
}

static bool is_read_only(const char *path)
{
    struct statvfs sv;
    return statvfs(path, &sv) == 0 && (sv.f_flag & ST_RDONLY);
}

/* Writable mounts strictly under top that stay writable: the payload's /proc
 * (nested user namespaces write their id maps through it) and the tmpfs
 * mounts of the requests made before. */
static int kept_writable(const char *top, const struct mount_request *made, int nmade,
                         char kept[][MOUNTINFO_PATH_MAX], int max)
{
    int n = 0;
    for (int i = -1; i < nmade && n < max; i++) {
        char real[PATH_MAX];
        if (i >= 0 && made[i].kind != MOUNT_TMPFS)
            continue;
        if (realpath(i < 0 ? "/proc" : made[i].path, real) && strlen(real) < MOUNTINFO_PATH_MAX &&
            strcmp(real, top) != 0 && path_under(real, top) && !is_read_only(real))
            strcpy(kept[n++], real);
    }
    return n;
}

/* mount_setattr(2), Linux >= 5.12; musl has no wrapper. */
static int set_read_only(const char *path, unsigned flags, bool clear)
{
    struct {
        uint64_t attr_set, attr_clr, propagation, userns_fd;
    } attr = {clear ? 0 : 1, clear ? 1 : 0, 0, 0}; /* MOUNT_ATTR_RDONLY */
    return (int)syscall(SYS_mount_setattr, AT_FDCWD, path, flags, &attr, sizeof attr);
}

static int remount_one(const char *path, const char *top, struct nerr *e)
{
    unsigned long flags = 0;
    if (mount_locked_flags(path, &flags, e) == 0 &&
        mount(NULL, path, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | flags, NULL) == 0)
        return 0;
    /* Covered by a later mount, so no path reaches it: EINVAL (not a mount
     * root there) or ENOENT. The top itself must always succeed. */
    if (strcmp(path, top) != 0 && (errno == EINVAL || errno == ENOENT))
        return 0;
    return nerr_set(e, errno, "remount %s read-only (keeping its flags 0x%lx)", path, flags);
}

/* Without mount_setattr: every mount of /proc/self/mountinfo under top, each
 * with its own locked flags. A line that does not parse fails the step. */
static int remount_tree(const char *top, char kept[][MOUNTINFO_PATH_MAX], int nkept, struct nerr *e)
{
    size_t size = 16384;
    char *text = NULL;
    long len;
    do { /* no size to stat: grow until the file fits */
        free(text);
        size *= 2;
        if (!(text = malloc(size)))
            return nerr_set(e, ENOMEM, "read /proc/self/mountinfo");
    } while ((len = file_read_all("/proc/self/mountinfo", text, size)) >= 0 && (size_t)len + 1 >= size);
    int rc = len < 0 ? nerr_set(e, errno, "read /proc/self/mountinfo") : 0;
    for (char *line = text, *next; rc == 0 && len >= 0 && *line; line = next) {
        struct mount_entry m;
        next = line + strcspn(line, "\n");
        if (*next)
            *next++ = '\0';
        if (mountinfo_parse_line(line, &m) < 0)
            rc = nerr_set(e, 0, "parse /proc/self/mountinfo ('%.80s')", line);
        int k = 0;
        while (k < nkept && strcmp(kept[k], m.mount_point) != 0)
            k++;
        if (rc == 0 && k == nkept && path_under(m.mount_point, top))
            rc = remount_one(m.mount_point, top, e);
    }
    free(text);
    return rc;
}

static int mount_read_only(const char *path, const struct mount_request *made, int nmade, struct nerr *e)
{
    char top[PATH_MAX], kept[MOUNTS_MAX + 1][MOUNTINFO_PATH_MAX];
    if (strcmp(path, "/") != 0 && mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0)
        return nerr_set(e, errno, "--ro: bind %s onto itself", path);
    if (!realpath(path, top)) /* mountinfo names mounts by their real path */
        return nerr_set(e, errno, "--ro: resolve %s", path);
    int nkept = kept_writable(top, made, nmade, kept, MOUNTS_MAX + 1);
    /* mount_setattr only raises MOUNT_ATTR_RDONLY on each mount of the tree:
     * the rest of each mount's flags stays (fs/namespace.c recalc_flags), so
     * the locked nodev/nosuid/noexec/atime of can_change_locked_flags hold and
     * no EPERM comes from them; nor from clearing our own RDONLY again on the
     * kept mounts, which were writable and so not locked read-only. */
    if (set_read_only(top, AT_RECURSIVE, false) < 0) {
        log_debug("--ro %s: mount_setattr: %s; remounting each mount", top, strerror(errno));
        return remount_tree(top, kept, nkept, e);
    }
    for (int i = 0; i < nkept; i++)
        if (set_read_only(kept[i], 0, true) < 0 && errno != EINVAL) /* EINVAL: no mount of its own */
            return nerr_set(e, errno, "keep %s writable under read-only %s", kept[i], top);
    return 0;
}

int mounts_apply(const struct mount_request *requests, int count, bool ro_root, struct nerr *e)
{
    for (int i = 0; i < count; i++) {
        const char *path = requests[i].path;
        if (requests[i].kind == MOUNT_TMPFS ? mount_tmpfs(path, e) : mount_read_only(path, requests, i, e))
            return -1;
    }
    return ro_root ? mount_read_only("/", requests, count, e) : 0;
}
