/* The outer process: stays in the container's namespaces, makes the inner init
 * in new ones, writes its id maps, reports its setup, then forwards signals to
 * it, reaps what reparents to us, and exits with its status. */
#ifndef NESTINIT_OUTER_H
#define NESTINIT_OUTER_H

#include "init/options.h"

/* Returns the exit code for main. */
int outer_run(const struct options *o);

#endif
