/* The inner init: pid 1 of the new pid namespace. Waits for the outer to write
 * its id maps, prepares mounts and /proc, reports back, starts the payload and
 * runs the reaper until the payload exits. Never returns. */
#ifndef NESTINIT_INNER_H
#define NESTINIT_INNER_H

#include <signal.h>
#include <stdbool.h>

#include "init/channel.h"
#include "init/options.h"

struct inner_context {
    const struct options *options;
    struct channel *channel;
    int info_fd;                 /* the outer's; closed here */
    const sigset_t *caller_mask; /* for the payload */
    bool caller_ignored_chld;
};

__attribute__((noreturn)) void inner_main(const struct inner_context *ctx);

/* Payload, reaper, exit code: shared with the outer's plain mode. */
__attribute__((noreturn)) void supervise_payload(const struct options *o, const sigset_t *caller_mask,
                                                 bool caller_ignored_chld);

#endif
