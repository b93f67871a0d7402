/* Cause and fix for the failures users meet most: the kernel refusing to make
 * namespaces (a seccomp filter, a security module, a sysctl, a limit; see
 * clone(2) and user_namespaces(7) ERRORS). Adds them to an error already
 * recorded, from setup/conditions.c. */
#ifndef NESTINIT_DIAGNOSE_H
#define NESTINIT_DIAGNOSE_H

#include "base/error.h"

void diagnose_namespace_failure(struct nerr *e, int clone_flags);

#endif
