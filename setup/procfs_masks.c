#include "setup/procfs_masks.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "base/files.h"
#include "setup/mounts.h"

static bool id_in(const int *ids, int n, int id)
{
    for (int i = 0; i < n; i++)
        if (ids[i] == id)
            return true;
    return false;
}

static int keep_mask(struct proc_mask_set *s, const struct mount_entry *m, struct nerr *e)
{
    if (s->count == PROC_MASKS_MAX)
        return nerr_set(e, E2BIG, "carry the container's /proc masks over: more than %d mounts on /proc", PROC_MASKS_MAX);
    struct proc_mask *k = &s->masks[s->count];
    snprintf(k->path, sizeof k->path, "%s", m->mount_point);
    if (mount_locked_flags(m->mount_point, &k->flags, e) < 0) /* read while the mask is still on top */
        return -1;
    k->fd = -1;
    k->proc_root[0] = '\0';
    if (strcmp(m->fstype, "proc") == 0)
        snprintf(k->proc_root, sizeof k->proc_root, "%s", m->root);
    else if ((k->fd = open(m->mount_point, O_PATH | O_NOFOLLOW | O_CLOEXEC)) < 0)
        return nerr_set(e, errno, "carry the container's /proc masks over: open %s", m->mount_point);
    s->count++;
    return 0;
}

int proc_masks_save(struct proc_mask_set *s, struct nerr *e)
{
    static char mountinfo[131072];
    int ids[PROC_MASKS_MAX + 1], n = 0;
    struct mount_entry m;
    s->count = 0;
    if (file_read_all("/proc/self/mountinfo", mountinfo, sizeof mountinfo) < 0)
        return nerr_set(e, errno, "read /proc/self/mountinfo for the container's /proc masks");
    if ((ids[n++] = mountinfo_topmost_proc(mountinfo)) < 0)
        return nerr_set(e, 0, "no procfs is mounted at /proc, so there are no masks to carry over");
    /* mountinfo lists a mount after its parent: one pass collects the tree. */
    for (const char *l = mountinfo; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        if (!id_in(ids, n, mountinfo_line_parent(l)) || mountinfo_parse_line(l, &m) < 0 || !id_in(ids, n, m.parent) ||
            id_in(ids, n, m.id))
            continue;
        if (keep_mask(s, &m, e) < 0) {
            proc_masks_release(s);
            return -1;
        }
        ids[n++] = m.id;
    }
    return 0;
}

static int apply_one(const struct proc_mask *k, struct nerr *e)
{
    char source[MOUNTINFO_PATH_MAX + 32];
    /* A procfs bind is rebound from the new procfs; anything else (a /dev/null
     * bind, a tmpfs) is bound again from the fd that pins the old mask. */
    if (k->fd < 0)
        snprintf(source, sizeof source, "/proc%s", strcmp(k->proc_root, "/") == 0 ? "" : k->proc_root);
    else
        snprintf(source, sizeof source, "/proc/self/fd/%d", k->fd);
    if (mount(source, k->path, NULL, MS_BIND, NULL) < 0)
        return nerr_set(e, errno, "put the container's mask back on %s (bind %s)", k->path, k->fd < 0 ? source : "the old mask");
    if (k->flags && mount(NULL, k->path, NULL, MS_REMOUNT | MS_BIND | k->flags, NULL) < 0)
        return nerr_set(e, errno, "put the container's mask back on %s (remount with flags 0x%lx)", k->path, k->flags);
    return 0;
}

int proc_masks_apply(struct proc_mask_set *s, struct nerr *e)
{
    int rc = 0;
    for (int i = 0; i < s->count && rc == 0; i++)
        rc = apply_one(&s->masks[i], e);
    proc_masks_release(s);
    return rc;
}

void proc_masks_release(struct proc_mask_set *s)
{
    for (int i = 0; i < s->count; i++)
        if (s->masks[i].fd >= 0) {
            close(s->masks[i].fd);
            s->masks[i].fd = -1;
        }
}
