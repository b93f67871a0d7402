#include "setup/procfs.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

#include "base/log.h"
#include "base/files.h"
#include "setup/mountinfo.h"
#include "setup/mounts.h"

/* Explains a refused fresh mount from what mountinfo shows over /proc. */
void procfs_explain_refusal(int errnum, char *reason, size_t size)
{
    static char mountinfo[65536];
    struct proc_masks masks;
    int n = snprintf(reason, size, "a fresh procfs was refused (%s, %s)", strerror(errnum), errno_name(errnum));
    if (n < 0 || (size_t)n >= size)
        return;
    if (file_read_all("/proc/self/mountinfo", mountinfo, sizeof mountinfo) < 0 || proc_masks_find(mountinfo, &masks) < 0)
        return;
    if (masks.masked || masks.readonly) {
        snprintf(reason + n, size - (size_t)n,
                 " because the container masks /proc (%s%s%s%s%s) and the kernel will not mount a procfs "
                 "in a user namespace that would reveal what those masks hide",
                 masks.masked ? "masked: " : "", masks.masked_paths, masks.masked && masks.readonly ? "; " : "",
                 masks.readonly ? "read-only: " : "", masks.readonly_paths);
    } else if (errnum == EPERM) {
        snprintf(reason + n, size - (size_t)n,
                 " although /proc shows no masked sub-mount (is a procfs hidden elsewhere, or /proc read-only?)");
    }
}

int procfs_mount_fresh(struct nerr *e)
{
    unsigned long flags = 0;
    if (mount_locked_flags("/proc", &flags, e) < 0)
        return -1;
    flags |= MS_NOSUID | MS_NODEV | MS_NOEXEC;
    if (mount("proc", "/proc", "proc", flags, NULL) < 0)
        return nerr_set(e, errno, "mount a fresh /proc for the new pid namespace");
    return 0;
}

int procfs_mount_bind(struct nerr *e)
{
    /* MS_REC keeps the locked masks; a non-recursive bind would be refused. */
    if (mount("/proc", "/proc", NULL, MS_BIND | MS_REC, NULL) < 0)
        return nerr_set(e, errno, "bind the container's /proc recursively");
    return 0;
}

int procfs_setup(enum proc_mode mode, struct proc_result *r, struct nerr *e)
{
    r->used = mode;
    if (mode == PROC_NONE)
        return 0; /* the caller may have said why in r->reason */
    r->reason[0] = '\0';
    if (mode == PROC_BIND)
        return procfs_mount_bind(e);
    if (procfs_mount_fresh(e) == 0) {
        r->used = PROC_FRESH;
        return 0;
    }
    procfs_explain_refusal(e->errnum, r->reason, sizeof r->reason);
    if (mode == PROC_FRESH) {
        snprintf(e->what, sizeof e->what, "--proc fresh: %s", r->reason);
        e->errnum = 0;
        nerr_hint(e, "fix: " PROC_UNMASK_FIX "; or use --proc auto to fall back to a bind of the container's /proc");
        return -1;
    }
    if (procfs_mount_bind(e) < 0)
        return -1;
    r->used = PROC_BIND;
    return 0;
}
