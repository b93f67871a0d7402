/* The container's masks over /proc, carried onto a fresh procfs mounted over
 * it: what an engine hid (/proc/keys bound from /dev/null, /proc/acpi a tmpfs,
 * /proc/sys read-only, ...) stays hidden for the payload. Read from mountinfo,
 * so whatever an engine masks is kept, not a fixed list. */
#ifndef NESTINIT_PROCFS_MASKS_H
#define NESTINIT_PROCFS_MASKS_H

#include "base/error.h"
#include "setup/mountinfo.h"

#define PROC_MASKS_MAX 48

struct proc_mask {
    char path[MOUNTINFO_PATH_MAX];      /* its mount point: "/proc/keys" */
    char proc_root[MOUNTINFO_PATH_MAX]; /* a procfs bind ("/sys" for /proc/sys): rebound from the new procfs */
    unsigned long flags;                /* MS_RDONLY, MS_NOSUID, ... of the mount */
    int fd;                             /* O_PATH of any other mask, to bind it again; -1 for procfs binds */
};

struct proc_mask_set {
    int count;
    struct proc_mask masks[PROC_MASKS_MAX];
};

/* Before the fresh mount: every mount stacked on the topmost /proc (and on
 * those, in mount order). Returns 0 or -1 with *e set. */
int proc_masks_save(struct proc_mask_set *s, struct nerr *e);

/* After the fresh mount: puts each back in the same order, with its flags,
 * and closes the fds. Returns 0 or -1 naming the mask that failed. */
int proc_masks_apply(struct proc_mask_set *s, struct nerr *e);

/* Closes what save opened (after a failure). */
void proc_masks_release(struct proc_mask_set *s);

#endif
