/* The job of whichever init is the payload's parent (the inner, or the only
 * one in plain mode): start it, run the reaper until it exits, give the rest
 * of the namespace its grace, exit with the payload's status. */
#ifndef NESTINIT_SUPERVISE_H
#define NESTINIT_SUPERVISE_H

#include "base/channel.h"
#include "init/options.h"
#include "init/payload.h"

/* handshake (the inner's channel, or NULL in plain mode): after the fork, tell
 * the outer and wait until it holds a pidfd of the payload (outer.c). */
__attribute__((noreturn)) void supervise_payload(const struct options *o, const struct payload_spec *spec,
                                                 struct channel *handshake);

/* Closes every fd >= 3 but `keep` (-1: none): an init must not hold what its
 * caller passed down. */
void close_inherited_fds(int keep);

#endif
