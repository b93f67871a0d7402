#ifndef NESTINIT_LOOPBACK_H
#define NESTINIT_LOOPBACK_H
#include "base/error.h"
/* Brings up "lo" in a fresh network namespace, where it starts down. */
int loopback_up(struct nerr *e);
#endif
