/* The bytes of the outer <-> inner channel: two pipes. The outer releases the
 * inner with one byte at each point where it must wait (the id maps written,
 * the --info written, the payload adopted); the inner sends fixed-size
 * messages (its /proc pid, its setup report, the payload's pid). EOF means the
 * other side died, so neither can hang on the other. What the messages mean is
 * the callers' business (init/). */
#ifndef NESTINIT_CHANNEL_H
#define NESTINIT_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"

struct channel {
    int to_inner[2];
    int from_inner[2];
};

int channel_open(struct channel *c, struct nerr *e);
void channel_keep_outer_ends(struct channel *c);
void channel_keep_inner_ends(struct channel *c);
void channel_close(struct channel *c);

/* One byte outer -> inner; returns false when the peer is gone. */
bool channel_release(struct channel *c);
bool channel_wait_release(struct channel *c);

/* The inner's first message: its pid as /proc shows it (or -errno). /proc may
 * belong to an ancestor pid namespace (a nestinit nested under a bound /proc),
 * where the pid clone returned to the outer names some other process. */
bool channel_send_proc_pid(struct channel *c);
bool channel_read_proc_pid(struct channel *c, int *proc_pid);

/* Any fixed-size message inner -> outer. */
bool channel_send(struct channel *c, const void *msg, size_t len);
bool channel_recv(struct channel *c, void *msg, size_t len);

#endif
