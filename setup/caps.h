/* Capability queries through libcap (the outer decides --map auto with these). */
#ifndef NESTINIT_CAPS_H
#define NESTINIT_CAPS_H

#include <linux/capability.h>
#include <stdbool.h>

/* True when `cap` is in this process's effective set. */
bool caps_have(int cap);

#endif
