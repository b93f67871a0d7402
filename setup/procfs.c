#include "setup/procfs.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

#include "base/log.h"
#include "base/files.h"
#include "setup/mountinfo.h"
#include "setup/mounts.h"
#include "setup/procfs_masks.h"

void procfs_describe_masks(const char *mountinfo, char *text, size_t size)
{
    struct proc_masks masks;
    text[0] = '\0';
    if (proc_masks_find(mountinfo, &masks) < 0)
        return;
    if (masks.masked || masks.readonly)
        snprintf(text, size, "%s%s%s%s%s", masks.masked ? "masked: " : "", masks.masked_paths,
                 masks.masked && masks.readonly ? "; " : "", masks.readonly ? "read-only: " : "", masks.readonly_paths);
}

/* Explains a refused fresh mount from what mountinfo shows over /proc. */
void procfs_explain_refusal(int errnum, char *reason, size_t size)
{
    static char mountinfo[65536];
    char masks[1100] = "";
    int n = snprintf(reason, size, "a fresh procfs was refused (%s, %s)", strerror(errnum), errno_name(errnum));
    if (n < 0 || (size_t)n >= size)
        return;
    if (file_read_all("/proc/self/mountinfo", mountinfo, sizeof mountinfo) >= 0)
        procfs_describe_masks(mountinfo, masks, sizeof masks);
    if (masks[0])
        snprintf(reason + n, size - (size_t)n,
                 " because the container masks /proc (%s) and the kernel will not mount a procfs "
                 "in a user namespace that would reveal what those masks hide", masks);
    else if (errnum == EPERM)
        snprintf(reason + n, size - (size_t)n,
                 " although /proc shows no masked sub-mount (is a procfs hidden elsewhere, or /proc read-only?)");
}

bool procfs_is_own_pidns(void)
{
    char status[4096];
    if (file_read_all("/proc/self/status", status, sizeof status) <= 0)
        return false;
    const char *line = strstr(status, "\nNSpid:");
    if (line == NULL)
        return false; /* before Linux 4.1 */
    line += strlen("\nNSpid:");
    size_t fields = 0;
    for (const char *p = line; *p && *p != '\n'; p++)
        fields += (*p >= '0' && *p <= '9') && (p[-1] == ' ' || p[-1] == '\t');
    return fields == 1;
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

/* A refused fresh procfs, said once: the reason for the report, and the
 * error the inner stops with when fresh was required. */
static int refused(const struct proc_step *step, struct proc_result *r, struct nerr *e)
{
    r->refused = true;
    if (r->reason[0] == '\0')
        procfs_explain_refusal(e->errnum, r->reason, sizeof r->reason);
    nerr_set(e, 0, "--proc %s: %s", proc_mode_name(step->asked), r->reason);
    nerr_fix(e, "%s", step->mount == PROC_UNMASKED ? PROC_UNMASK_FIX : PROC_FRESH_FIX);
    if (step->asked != PROC_AUTO)
        nerr_add_fix(e, "or use --proc auto to fall back to the container's /proc");
    return -1;
}

static int mount_fresh(const struct proc_step *step, struct proc_result *r, struct nerr *e)
{
    /* Not initialised: the set is ~50 KB, which `= {0}` would clear (13 fresh
     * stack pages) on every fresh mount, masks or not. On the stack, not
     * static: the idle loop drops these pages (reaper/idle.c), not BSS's. */
    struct proc_mask_set masks;
    masks.count = 0;
    if (step->carry_masks && proc_masks_save(&masks, e) < 0)
        return -1;
    if (procfs_mount_fresh(e) < 0) {
        proc_masks_release(&masks);
        return refused(step, r, e);
    }
    if (step->carry_masks && proc_masks_apply(&masks, e) < 0) {
        char text[2 * NERR_TEXT];
        nerr_format(e, text, sizeof text);
        snprintf(r->reason, sizeof r->reason, "the container's masks could not be carried onto a fresh procfs (%.1400s)", text);
        return refused(step, r, e);
    }
    return 0;
}

int procfs_setup(const struct proc_step *step, struct proc_result *r, struct nerr *e)
{
    r->used = step->mount;
    r->refused = false;
    switch (step->mount) {
    case PROC_BIND:
        return procfs_mount_bind(e);
    case PROC_FRESH:
    case PROC_UNMASKED:
        r->reason[0] = '\0';
        return mount_fresh(step, r, e);
    default:
        return 0; /* the caller may have said why in r->reason */
    }
}
