/* Cause and fix for the failures users meet most: the kernel refusing to make
 * namespaces (DESIGN.md fact 7). Adds a hint to an error already recorded. */
#ifndef NESTINIT_DIAGNOSE_H
#define NESTINIT_DIAGNOSE_H

#include "init/error.h"

void diagnose_namespace_failure(struct nerr *e, int clone_flags);

#endif
