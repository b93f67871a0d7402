/* What seccomp does to us: the mode and filter count from /proc/self/status,
 * the kernel's seccomp API level through libseccomp, and whether a filter (not
 * the kernel) refuses mount-family calls (Docker's default profile answers
 * umount2 of a missing path with EPERM where the kernel says ENOENT). */
#ifndef NESTINIT_SECCOMP_PROBE_H
#define NESTINIT_SECCOMP_PROBE_H

#include <stdbool.h>

struct seccomp_state {
    int mode;          /* 0 disabled, 1 strict, 2 filter; -1 unknown */
    int filters;       /* number of filters attached; -1 unknown */
    unsigned api;      /* libseccomp's seccomp_api_get() */
};

void seccomp_state_read(struct seccomp_state *s);

/* True when a seccomp filter answers EPERM for calls the kernel would not refuse. */
bool seccomp_filter_refuses_mounts(void);

#endif
