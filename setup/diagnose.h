/* Cause and fix for the failures users meet most: the kernel refusing to make
 * namespaces (DESIGN.md fact 7). Adds a hint to an error already recorded. */
#ifndef NESTINIT_DIAGNOSE_H
#define NESTINIT_DIAGNOSE_H

#include "base/error.h"

/* The fix for a seccomp filter that refuses namespaces, shared with --check. */
#define SECCOMP_PROFILE_FIX                                                                        \
    "docker run --security-opt seccomp=nestinit.json (contrib/seccomp in nestinit's source; or "   \
    "seccomp=unconfined)"

void diagnose_namespace_failure(struct nerr *e, int clone_flags);

#endif
