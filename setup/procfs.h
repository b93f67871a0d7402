/* /proc for the new pid namespace: a fresh procfs, or a recursive bind of the
 * current one when the kernel refuses (kernel facts 1 and 2). */
#ifndef NESTINIT_PROCFS_H
#define NESTINIT_PROCFS_H

#include <stddef.h>

#include "base/error.h"

enum proc_mode { PROC_AUTO, PROC_FRESH, PROC_BIND, PROC_NONE };

struct proc_result {
    enum proc_mode used; /* PROC_FRESH, PROC_BIND or PROC_NONE */
    char reason[1536];   /* why auto fell back to bind; empty otherwise */
};

/* Must run in the new mount namespace, in a process of the new pid namespace. */
int procfs_setup(enum proc_mode mode, struct proc_result *r, struct nerr *e);

/* The single steps, for --check. */
int procfs_mount_fresh(struct nerr *e);
int procfs_mount_bind(struct nerr *e);
void procfs_explain_refusal(int errnum, char *reason, size_t size);

/* The engine flags that let a fresh procfs be mounted, for messages. */
#define PROC_UNMASK_FIX                                                                 \
    "docker run --security-opt systempaths=unconfined, podman run --security-opt unmask=ALL, " \
    "Kubernetes securityContext procMount: Unmasked (with hostUsers: false)"

#endif
