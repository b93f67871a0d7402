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

/* With `payload` our child: the reaper until it exits (--kill-group,
 * --rewrite, --grace, job control applied here), the grace for the rest of
 * the namespace, --expect-exit. Returns the exit code. The outer uses it too
 * when its clone child became the payload (no pid namespace). */
int supervise_until_exit(const struct options *o, const struct payload_spec *spec, pid_t payload);

/* PR_SET_DUMPABLE 0 for an init: afterwards ptrace_may_access (kernel/ptrace.c)
 * refuses PTRACE_ATTACH/SEIZE, /proc/PID/mem, environ, fd/N, process_vm_*
 * and pidfd_getfd on it to anyone without CAP_SYS_PTRACE in its
 * mm->user_ns. An init never execs, so that is the user namespace nestinit
 * was started in, where a payload in a new user namespace has no capability
 * at all. Call it only once nothing needs this process's /proc files owned by
 * its own uid (they become root's, task_dump_owner in fs/proc/base.c), and
 * before a child is cloned whose /proc/PID map files another must write: the
 * flag is inherited through fork and cleared only by execve. */
void init_make_undumpable(void);

/* -p: PR_SET_PDEATHSIG, and when the parent died before it was set, the
 * signal is queued to ourselves now, as the kernel would have sent it. */
void set_parent_death_signal(int sig);

/* Closes every fd >= 3 but `keep` (-1: none): an init must not hold what its
 * caller passed down. */
void close_inherited_fds(int keep);

#endif
