/* Starting the payload: its own process group (the terminal's foreground when
 * there is one), the caller's signal mask and dispositions back, then exec. */
#ifndef NESTINIT_PAYLOAD_H
#define NESTINIT_PAYLOAD_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "base/error.h"
#include "init/options.h"
#include "reaper/jobctl.h"
#include "reaper/ksigset.h"
#include "setup/privileges.h"

struct payload_spec {
    char **argv;
    ksigset caller_mask;      /* restored before exec */
    bool caller_ignored_chld; /* SIGCHLD was SIG_IGN for our caller */
    struct privileges privileges; /* applied just before exec */
    bool listen_pid_ours; /* socket activation aimed at us: LISTEN_PID becomes the payload's */
    enum stop_policy payload_stops; /* from our caller's terminal, seen at start (reaper/jobctl.c) */
};

/* Fills argv, the privileges (resolving names: bad ones fail here, before
 * anything starts) and LISTEN_PID; reaper_block_signals fills the caller's
 * signal state. */
int payload_spec_init(struct payload_spec *spec, const struct options *o, struct nerr *e);

/* Returns the payload's pid, or -1 with *e set when fork fails. Exec failures
 * are reported by the child itself: 127 not found, 126 not executable. */
pid_t payload_spawn(const struct payload_spec *spec, struct nerr *e);

/* Becomes the payload in this process: its process group and terminal, the
 * privileges, a parent-death signal (`parent`: the pid of the process that
 * forked us, as getppid() names it), the caller's signal state, execvp.
 * Exits 125/126/127 on failure. */
__attribute__((noreturn)) void payload_exec(const struct payload_spec *spec, pid_t parent);

#endif
