/* The setup sequence, one for the run and for --check: the plan, the clone,
 * the id maps and the inner's steps (init/inner.c), up to the payload. A run
 * then starts the payload; --check has the inner report what it found and
 * stop before it. */
#ifndef NESTINIT_SEQUENCE_H
#define NESTINIT_SEQUENCE_H

#include <stdbool.h>
#include <sys/types.h>

#include "base/channel.h"
#include "init/inner.h"
#include "init/options.h"
#include "init/payload.h"
#include "init/plan.h"

struct setup {
    const struct options *options;
    struct payload_spec spec;
    int info_fd; /* -1: none */
    bool check;  /* --check: the inner stops before the payload */
    struct channel channel;
    struct plan plan;
    pid_t inner;  /* in our pid namespace: the inner init, or the payload without a pid namespace */
    int proc_pid; /* the inner as /proc names it: where its map files are */
    bool own_proc; /* /proc is our pid namespace's: proc_pid is inner */
    struct inner_report report;
    enum map_mode map; /* the id map written */
};

/* setup_run's failures: bad input (exit 125, nothing to diagnose), a step
 * that failed, namespaces that could not be made (--fallback plain applies). */
enum { SETUP_BAD_INPUT = -1, SETUP_FAILED = -2, SETUP_NO_NAMESPACES = -3 };

/* Follows the plan made from s->options; --proc auto falls back once to the
 * container's /proc when a fresh one is refused after all. Returns 0 with the
 * inner waiting for its release, or a SETUP_* with *e set and s->report.step
 * naming the failed step. */
int setup_run(struct setup *s, struct nerr *e);

/* Kills and collects the inner (never pid <= 0) and closes the channel. */
void setup_stop_inner(struct setup *s);

#endif
