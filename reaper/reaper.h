/* The one event loop of both inits: wait for a signal, reap every zombie on
 * SIGCHLD, forward everything else to the child. Blocks in sigwaitinfo, so an
 * idle init never wakes up. */
#ifndef NESTINIT_REAPER_H
#define NESTINIT_REAPER_H

#include <stdbool.h>
#include <sys/types.h>

#include "base/signames.h"
#include "reaper/ksigset.h"

/* A --rewrite table entry that forwards the signal unchanged. */
#define REWRITE_NONE (-1)

/* What the payload's parent does when the payload stops (jobctl.h). */
enum stop_policy {
    STOPS_IGNORED = 0,   /* not our child, or no terminal: nothing */
    STOPS_PASSED_ON,     /* our caller does job control: the job stops with it */
    STOPS_TSTP_RESUMED,  /* a terminal but no job control above us: a Ctrl-Z is undone */
};

struct reaper_config {
    bool kill_group;    /* forward to the child's process group */
    const int *rewrite; /* indexed by signal: REWRITE_NONE, or target (0 = drop); may be NULL */
    unsigned grace_seconds; /* seconds after a forwarded SIGTERM until SIGKILL; 0 = never */
    int target_pidfd; /* >= 0: signals go to this process (the outer's shortcut to the
                         payload) instead of `child`, whose exit still ends the loop */
    bool child_is_payload; /* `child` is the payload itself, not the inner init */
    enum stop_policy payload_stops; /* only with child_is_payload */
};

/* Blocks every signal (the caller's mask goes to *old, for the payload) and
 * makes sure SIGCHLD is not ignored, which would make children unreapable.
 * *chld_ignored tells whether the caller had it ignored. */
void reaper_block_signals(ksigset *old, bool *chld_ignored);

/* Runs the loop until `child` has exited; returns its wait status. */
int reaper_run(const struct reaper_config *cfg, pid_t child);

/* After the payload: SIGTERM every other process of our pid namespace (only
 * when we are its pid 1) and reap for up to `seconds`. */
void reaper_grace(unsigned seconds);

/* Wait status -> exit code: the code, or 128+N for death by signal N. */
int reaper_exit_code(int status);

#endif
