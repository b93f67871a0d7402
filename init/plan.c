#include "init/plan.h"

#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "base/files.h"
#include "setup/caps.h"
#include "setup/conditions.h"
#include "setup/mountinfo.h"

#define LATE_NAMESPACES (CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWCGROUP)

bool plan_has(const struct plan *p, int clone_flag)
{
    return (p->flags & clone_flag) != 0;
}

const char *plan_route_name(enum ns_route route)
{
    static const char *const names[] = {"user namespace first", "pid namespace first", "no pid namespace"};
    return names[route];
}

void plan_no_pidns(struct plan *p, const char *why)
{
    p->route = ROUTE_NO_PIDNS;
    p->flags &= ~CLONE_NEWPID;
    p->clone_flags = p->flags;
    p->late_flags = 0;
    p->proc.mount = PROC_CONTAINER;
    p->proc.carry_masks = false;
    p->may_fall_back = false;
    if (why != p->reason)
        snprintf(p->reason, sizeof p->reason, "%s", why);
}

/* Pid and mount namespaces first; the user namespace, and the namespaces it
 * should own (so the payload may still set its hostname, configure its
 * network), once /proc is mounted. */
static void pidns_first(struct plan *p, enum proc_mode mount)
{
    p->route = ROUTE_PIDNS_FIRST;
    p->clone_flags = p->flags & (CLONE_NEWPID | CLONE_NEWNS);
    p->late_flags = CLONE_NEWUSER | CLONE_NEWNS | (p->flags & LATE_NAMESPACES);
    p->proc.mount = mount;
    p->proc.carry_masks = mount == PROC_FRESH;
}

static void why_masked(struct plan *p, const char *masks)
{
    snprintf(p->reason, sizeof p->reason,
             "the container masks /proc (%s), which a new user namespace locks, so the kernel refuses a fresh procfs "
             "there; and nestinit lacks CAP_SYS_ADMIN over its mount namespace to mount one before that",
             masks);
}

/* --proc auto, fresh, unmasked with every namespace asked for. */
static int plan_fresh(const struct options *o, struct plan *p, struct nerr *e)
{
    static char mountinfo[65536];
    char masks[1100];
    enum proc_mode mount = o->proc == PROC_UNMASKED ? PROC_UNMASKED : PROC_FRESH;
    bool visible = file_read_all("/proc/self/mountinfo", mountinfo, sizeof mountinfo) >= 0 &&
                   procfs_visible_in_new_userns(mountinfo);

    p->proc.mount = mount;
    if (!plan_has(p, CLONE_NEWUSER) || visible)
        return 0; /* ROUTE_USERNS_FIRST: nothing to lock, or nothing to cross */
    if (caps_admin_over_mount_ns()) {
        pidns_first(p, mount);
        return 0;
    }
    procfs_describe_masks(mountinfo, masks, sizeof masks);
    why_masked(p, masks[0] ? masks : "a procfs hidden elsewhere");
    if (o->proc == PROC_AUTO) {
        plan_no_pidns(p, p->reason);
        return 0;
    }
    if (o->proc == PROC_UNMASKED) {
        nerr_set(e, 0, "--proc unmasked: %s", p->reason);
        nerr_condition(e, COND_MASKS_NEED_SYS_ADMIN);
        return -1;
    }
    return 0; /* --proc fresh: try, and say what the kernel answered */
}

int plan_make(const struct options *o, struct plan *p, struct nerr *e)
{
    memset(p, 0, sizeof *p);
    p->route = ROUTE_USERNS_FIRST;
    p->flags = p->clone_flags = o->unshare_flags;
    p->proc.asked = o->proc;
    p->proc.mount = o->proc == PROC_AUTO ? PROC_NONE : o->proc;
    p->may_fall_back = o->proc == PROC_AUTO;
    if (!plan_has(p, CLONE_NEWNS)) {
        p->proc.mount = PROC_NONE;
        p->may_fall_back = false;
        if (plan_has(p, CLONE_NEWPID) && o->proc == PROC_AUTO)
            snprintf(p->reason, sizeof p->reason,
                     "without a mount namespace (mount not in --unshare) /proc cannot be replaced and shows the "
                     "processes of the outer pid namespace");
        if (!plan_has(p, CLONE_NEWPID))
            p->route = ROUTE_NO_PIDNS;
        return 0;
    }
    if (!plan_has(p, CLONE_NEWPID)) {
        p->route = ROUTE_NO_PIDNS;
        if (o->proc == PROC_AUTO)
            p->proc.mount = PROC_CONTAINER; /* it already matches: no new pid namespace */
        p->may_fall_back = false;
        return 0;
    }
    if (o->proc == PROC_AUTO || o->proc == PROC_FRESH || o->proc == PROC_UNMASKED)
        return plan_fresh(o, p, e);
    return 0;
}
