/* Job control across nestinit: what a stop of the payload (Ctrl-Z on its
 * terminal, or any stop signal) does to nestinit's caller, and how the
 * terminal gets back to the payload when the job is continued. */
#ifndef NESTINIT_JOBCTL_H
#define NESTINIT_JOBCTL_H

#include <stdbool.h>
#include <sys/types.h>

#include "reaper/reaper.h"

/* True when our caller runs us as a job under job control: stdin is a
 * terminal whose foreground process group is ours, and we do not lead its
 * session (a shell does, or the engine's pid 1 under `docker run -it`). */
bool jobctl_caller_does_job_control(void);

/* The payload (our child) stopped with `sig`: apply cfg->payload_stops.
 * Sets *job_stopped when the stop was passed on to our caller. */
void jobctl_payload_stopped(const struct reaper_config *cfg, pid_t payload, int sig, bool *job_stopped);

/* Before SIGCONT is forwarded: when our own process group holds the terminal
 * (the caller's `fg` gave it to the job), hand it to the payload's group;
 * after a stop we passed on, wait (bounded) for that and continue the
 * payload's whole group, as the shell's `fg` would have. */
void jobctl_before_continue(const struct reaper_config *cfg, pid_t child, bool *job_stopped);

#endif
