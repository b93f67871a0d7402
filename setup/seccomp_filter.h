/* --seccomp default: a libseccomp filter that re-denies, for the payload, what
 * a container's default profile denies and a nested-namespace payload never
 * needs, while unshare/clone/mount/pivot_root stay allowed. */
#ifndef NESTINIT_SECCOMP_FILTER_H
#define NESTINIT_SECCOMP_FILTER_H

#include <stdbool.h>

#include "base/error.h"

/* Loads the filter into the calling process (inherited across fork/exec). */
int seccomp_filter_load(bool no_new_privs, struct nerr *e);

#endif
