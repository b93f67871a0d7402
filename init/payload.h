/* Starting the payload: its own process group (the terminal's foreground when
 * there is one), the caller's signal mask and dispositions back, then exec. */
#ifndef NESTINIT_PAYLOAD_H
#define NESTINIT_PAYLOAD_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "init/error.h"

struct payload_spec {
    char **argv;
    const sigset_t *caller_mask; /* restored before exec */
    bool caller_ignored_chld;    /* SIGCHLD was SIG_IGN for our caller */
    bool no_new_privs;
};

/* Returns the payload's pid, or -1 with *e set when fork fails. Exec failures
 * are reported by the child itself: 127 not found, 126 not executable. */
pid_t payload_spawn(const struct payload_spec *spec, struct nerr *e);

#endif
