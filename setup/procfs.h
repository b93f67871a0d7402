/* /proc for the payload: a fresh procfs for the new pid namespace (with the
 * container's masks carried over, or without them), a recursive bind of the
 * current one, or the container's own (kernel facts in procfs.c). */
#ifndef NESTINIT_PROCFS_H
#define NESTINIT_PROCFS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"

/* --proc: what the payload's /proc is. AUTO is only ever asked for; the
 * others are also what was done. */
enum proc_mode { PROC_AUTO, PROC_FRESH, PROC_UNMASKED, PROC_BIND, PROC_CONTAINER, PROC_NONE };
#define PROC_MODE_COUNT 6

static inline const char *proc_mode_name(enum proc_mode m)
{
    static const char *const names[PROC_MODE_COUNT] = {"auto", "fresh", "unmasked", "bind", "container", "none"};
    return (unsigned)m < PROC_MODE_COUNT ? names[m] : "?";
}

/* What the inner mounts, decided by its caller before anything is made. */
struct proc_step {
    enum proc_mode mount; /* FRESH, UNMASKED, BIND; CONTAINER and NONE mount nothing */
    enum proc_mode asked; /* the user's --proc, for messages */
    bool carry_masks;     /* put the container's masks back on the fresh procfs */
};

struct proc_result {
    enum proc_mode used;
    bool refused;      /* the fresh procfs (or its masks) could not be mounted */
    char reason[1536]; /* why /proc is not fresh; empty otherwise */
};

/* Must run in the new mount namespace, in a process of the new pid namespace. */
int procfs_setup(const struct proc_step *step, struct proc_result *r, struct nerr *e);

/* The single steps, for --check. */
int procfs_mount_fresh(struct nerr *e);
int procfs_mount_bind(struct nerr *e);
void procfs_explain_refusal(int errnum, char *reason, size_t size);

/* Whether /proc is the procfs of the caller's own pid namespace, so that it
 * names a child by the pid fork or clone returned. proc(5): the NSpid line of
 * /proc/self/status lists the pids from the procfs's pid namespace down to
 * ours: exactly one means they are the same. false when unsure. */
bool procfs_is_own_pidns(void);

/* "masked: /proc/keys, ...; read-only: /proc/sys, ..." from mountinfo text, or "". */
void procfs_describe_masks(const char *mountinfo, char *text, size_t size);

/* The engine flags that lift the container's masks, for messages. */
#define PROC_UNMASK_FIX                                                                 \
    "docker run --security-opt systempaths=unconfined, podman run --security-opt unmask=ALL, " \
    "Kubernetes securityContext procMount: Unmasked (with hostUsers: false)"

/* The flags that give a fresh /proc: SYS_ADMIN keeps the masks, the rest lift them. */
#define PROC_FRESH_FIX                                                                                    \
    "docker/podman run --cap-add SYS_ADMIN, Kubernetes securityContext capabilities: add: [SYS_ADMIN] "   \
    "(masks kept); or " PROC_UNMASK_FIX " (no masks)"

#endif
