/* Outer <-> inner synchronisation over two pipes. The outer releases the inner
 * once its id maps are written; the inner answers with one report: ready (and
 * how /proc was set up) or the error that stopped it. EOF means the other side
 * died, so neither can hang on the other. */
#ifndef NESTINIT_CHANNEL_H
#define NESTINIT_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>

#include "init/error.h"
#include "setup/procfs.h"

enum report_kind { REPORT_READY = 1, REPORT_ERROR = 2 };

struct inner_report {
    int kind;
    struct proc_result proc;
    struct nerr error;
};

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

bool channel_send_report(struct channel *c, const struct inner_report *r);

/* Any fixed-size message inner -> outer (--check's probe sends its findings). */
bool channel_send(struct channel *c, const void *msg, size_t len);
bool channel_recv(struct channel *c, void *msg, size_t len);
bool channel_read_report(struct channel *c, struct inner_report *r);

#endif
