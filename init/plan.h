/* The setup plan: the options and what the kernel and mountinfo say, compiled
 * once into the namespaces to make, in which order, and what /proc gets. The
 * outer and the inner then only follow it (no option is re-decided later, no
 * trial on the common paths). */
#ifndef NESTINIT_PLAN_H
#define NESTINIT_PLAN_H

#include <stdbool.h>

#include "base/error.h"
#include "init/options.h"
#include "setup/procfs.h"

enum ns_route {
    /* One clone makes every namespace; the maps; then /proc. On a host and in
     * engines that do not mask /proc: the payload may mount procfs itself. */
    ROUTE_USERNS_FIRST,
    /* Pid and mount namespaces first, a fresh procfs with the container's
     * masks carried over, then the user namespace (and with it a mount
     * namespace that locks those masks). Needs CAP_SYS_ADMIN over our mount
     * namespace: a mount namespace that does not cross a user-namespace
     * boundary locks nothing, and one owned by the initial user namespace is
     * never checked (fs/namespace.c mount_too_revealing, lock_mnt_tree). */
    ROUTE_PIDNS_FIRST,
    /* No new pid namespace: the clone's child becomes the payload, in new
     * user and mount namespaces, under the container's own /proc, which then
     * matches its pids. The outer is its init. */
    ROUTE_NO_PIDNS,
};

/* The steps of a setup in the order they run (--check reports each by name):
 * the plan itself, the namespaces (the clone; on the pid-first route also the
 * user namespace after /proc), the id maps, the payload's mount namespace,
 * /proc, then the payload's own mounts, user, hostname and network. */
enum setup_step { STEP_PLAN, STEP_NAMESPACES, STEP_MAPS, STEP_MOUNT_NS, STEP_PROC, STEP_PAYLOAD };

struct plan {
    enum ns_route route;
    int flags;       /* every namespace the payload gets (CLONE_NEW*) */
    int clone_flags; /* made by the outer's clone */
    int late_flags;  /* unshared by the inner after /proc (ROUTE_PIDNS_FIRST), else 0 */
    struct proc_step proc;
    bool may_fall_back; /* --proc auto: a refused fresh procfs retries as ROUTE_NO_PIDNS */
    char reason[1536];  /* why /proc is not fresh, when it is not */
};

/* Returns 0, or -1 with *e set when the --proc asked for cannot be had here
 * (--proc unmasked under masks without CAP_SYS_ADMIN). */
int plan_make(const struct options *o, struct plan *p, struct nerr *e);

/* --proc auto after a refused fresh procfs: the container's /proc, no new pid
 * namespace; `why` becomes the reason. */
void plan_no_pidns(struct plan *p, const char *why);

bool plan_has(const struct plan *p, int clone_flag);

/* "user namespace first", "pid namespace first", "no pid namespace". */
const char *plan_route_name(enum ns_route route);

#endif
