#include "reaper/reaper.h"

#include <errno.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "reaper/idle.h"
#include "reaper/jobctl.h"
#include "reaper/rawsys.h"

void reaper_block_signals(ksigset *old, bool *chld_ignored)
{
    const ksigset all = KSIGSET_ALL;
    struct sigaction sa;
    ksig_mask(SIG_BLOCK, &all, old);
    *chld_ignored = sigaction(SIGCHLD, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN;
    if (*chld_ignored) {
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = SIG_DFL;
        sigaction(SIGCHLD, &sa, NULL);
    }
}

int reaper_exit_code(int status)
{
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return 125;
}

/* Sweeps every zombie: SIGCHLDs coalesce, so one signal may stand for many.
 * As the payload's parent (cfg, with a stop policy) also its stops. */
IDLE_CODE static bool reap_all(const struct reaper_config *cfg, pid_t child, int *child_status, bool *job_stopped)
{
    bool child_done = false;
    int flags = WNOHANG | (cfg && cfg->payload_stops != STOPS_IGNORED ? WUNTRACED : 0);
    for (;;) {
        int status = 0; /* written by the kernel, unseen by the analyzer */
        pid_t pid = (pid_t)RAWSYS(SYS_wait4, -1, &status, flags, 0);
        if (pid == -EINTR)
            continue;
        if (pid <= 0)
            return child_done;
        if (WIFSTOPPED(status)) {
            if (pid == child)
                jobctl_payload_stopped(cfg, child, WSTOPSIG(status), job_stopped);
        } else if (pid == child) {
            *child_status = status;
            child_done = true;
        } else {
            log_debug("reaped orphan %d (exit code %d)", (int)pid, reaper_exit_code(status));
        }
    }
}

IDLE_CODE static long send_signal(const struct reaper_config *cfg, pid_t child, int sig)
{
    if (cfg->target_pidfd >= 0)
        return RAWSYS(SYS_pidfd_send_signal, cfg->target_pidfd, sig, 0, 0);
    return RAWSYS(SYS_kill, cfg->kill_group ? -child : child, sig, 0, 0);
}

/* Forwards sig (after --rewrite); returns the signal actually sent, or 0. */
IDLE_CODE static int forward(const struct reaper_config *cfg, pid_t child, int sig, bool *job_stopped)
{
    int target = sig;
    if (cfg->rewrite && sig >= 0 && sig <= SIGNAL_MAX && cfg->rewrite[sig] != REWRITE_NONE)
        target = cfg->rewrite[sig];
    if (target == 0) {
        log_debug("dropped signal %d (--rewrite)", sig);
        return 0;
    }
    if (target == SIGCONT)
        jobctl_before_continue(cfg, child, job_stopped);
    long rc = send_signal(cfg, child, target);
    if (rc == -ESRCH) /* gone, or (-g) its group is: nothing was delivered */
        log_debug("signal %d not delivered: %s%d no longer exists", target, cfg->kill_group ? "process group " : "",
                  (int)child);
    else if (rc < 0)
        log_warn("forwarding signal %d to %s%d: %s", target, cfg->kill_group ? "process group " : "", (int)child,
                 strerror((int)-rc));
    else
        log_debug("forwarded signal %d to %s%d", target, cfg->kill_group ? "group " : "", (int)child);
    return target;
}

/* The raw call, not the vDSO: only used with a deadline armed, and it keeps
 * the loop inside its own pages. */
IDLE_CODE static void monotonic_now(struct timespec *t)
{
    RAWSYS(SYS_clock_gettime, CLOCK_MONOTONIC, t, 0, 0);
}

IDLE_CODE static struct timespec deadline_after(unsigned seconds)
{
    struct timespec t = {0, 0};
    monotonic_now(&t);
    t.tv_sec += (time_t)seconds;
    return t;
}

IDLE_CODE static bool deadline_left(const struct timespec *deadline, struct timespec *left)
{
    struct timespec now = {0, 0};
    monotonic_now(&now);
    left->tv_sec = deadline->tv_sec - now.tv_sec;
    left->tv_nsec = deadline->tv_nsec - now.tv_nsec;
    if (left->tv_nsec < 0) {
        left->tv_nsec += 1000000000L;
        left->tv_sec--;
    }
    return left->tv_sec >= 0;
}

/* A signal this process raised itself: SIGPIPE from a write to a pipe or
 * socket whose reader is gone (fs/pipe.c pipe_write), SIGXFSZ from one past
 * RLIMIT_FSIZE: send_sig(sig, current, 0), which kernel/signal.c records as
 * SI_USER from our own pid (a kill(2) from anyone else carries their pid, or 0
 * from outside our pid namespace). It is ours, never the payload's:
 * forwarding it would kill a payload that did nothing. Only these two: any
 * other signal from our own pid was sent before nestinit was exec'd (a
 * caller's `kill -USR1 $$; exec nestinit`), and belongs to the payload. */
IDLE_CODE static bool own_signal(int sig, const siginfo_t *info)
{
    if (sig == SIGPIPE && info->si_code == SI_KERNEL)
        return true;
    return (sig == SIGPIPE || sig == SIGXFSZ) && info->si_code == SI_USER &&
           info->si_pid == (pid_t)RAWSYS(SYS_getpid, 0, 0, 0, 0);
}

/* Blocks until a signal arrives. Only with a deadline armed is there a timeout
 * (returning 0 when it passes): the idle init never wakes up. */
IDLE_CODE static int wait_signal(const ksigset *set, const struct timespec *deadline)
{
    struct timespec left;
    siginfo_t info;
    info.si_code = 0; /* written by the kernel, unseen by the analyzer; pid 0 is nobody's */
    info.si_pid = 0;
    for (;;) {
        int sig;
        if (deadline == NULL)
            sig = (int)RAWSYS(SYS_rt_sigtimedwait, set, &info, 0, sizeof *set);
        else if (!deadline_left(deadline, &left))
            return 0;
        else
            sig = (int)RAWSYS(SYS_rt_sigtimedwait, set, &info, &left, sizeof *set);
        if (sig > 0 && !own_signal(sig, &info))
            return sig;
        /* EINTR (a stop/continue of this process), EAGAIN or a signal of our own: look again. */
    }
}

IDLE_CODE int reaper_run(const struct reaper_config *cfg, pid_t child)
{
    const ksigset all = KSIGSET_ALL;
    int status = 0;
    struct timespec kill_deadline;
    bool armed = false, job_stopped = false;
    idle_shed_pages();
    for (;;) {
        int sig = wait_signal(&all, armed ? &kill_deadline : NULL);
        if (sig == 0) {
            /* --grace: the payload sat on SIGTERM too long; end it before the engine's own SIGKILL. */
            log_warn("payload still running %us after SIGTERM (--grace), sending SIGKILL", cfg->grace_seconds);
            send_signal(cfg, child, SIGKILL);
            armed = false;
            continue;
        }
        if (sig == SIGCHLD) {
            if (reap_all(cfg, child, &status, &job_stopped))
                return status;
            continue;
        }
        if (forward(cfg, child, sig, &job_stopped) == SIGTERM && cfg->grace_seconds && !armed) {
            kill_deadline = deadline_after(cfg->grace_seconds);
            armed = true;
        }
    }
}

void reaper_grace(unsigned seconds)
{
    sigset_t chld;
    struct timespec deadline, left;
    int unused;
    /* kill(-1) outside our own pid namespace would hit everything we may signal. */
    if (seconds == 0 || getpid() != 1)
        return;
    if (kill(-1, SIGTERM) < 0 && errno == ESRCH)
        return; /* nobody left */
    deadline = deadline_after(seconds);
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    while (deadline_left(&deadline, &left)) {
        reap_all(NULL, 0, &unused, NULL);
        if (waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD)
            return;
        sigtimedwait(&chld, NULL, &left);
    }
    log_info("grace period of %us over, the rest is killed", seconds);
}
