#include "reaper/reaper.h"

#include <errno.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "init/log.h"
#include "init/options.h"

void reaper_block_signals(sigset_t *old, bool *chld_ignored)
{
    sigset_t all;
    struct sigaction sa;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, old);
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

/* Sweeps every zombie: SIGCHLDs coalesce, so one signal may stand for many. */
static bool reap_all(pid_t child, int *child_status)
{
    bool child_done = false;
    for (;;) {
        int status;
        pid_t pid = waitpid(-1, &status, WNOHANG);
        if (pid < 0 && errno == EINTR)
            continue;
        if (pid <= 0)
            return child_done;
        if (pid == child) {
            *child_status = status;
            child_done = true;
        } else {
            log_debug("reaped orphan %d (exit code %d)", (int)pid, reaper_exit_code(status));
        }
    }
}

static void forward(const struct reaper_config *cfg, pid_t child, int sig)
{
    int target = sig;
    if (cfg->rewrite && sig >= 0 && sig <= SIGNAL_MAX && cfg->rewrite[sig] != REWRITE_NONE)
        target = cfg->rewrite[sig];
    if (target == 0) {
        log_debug("dropped signal %d (--rewrite)", sig);
        return;
    }
    if (kill(cfg->kill_group ? -child : child, target) < 0 && errno != ESRCH)
        log_warn("forwarding signal %d to %d: %s", target, (int)child, strerror(errno));
    else
        log_debug("forwarded signal %d to %s%d", target, cfg->kill_group ? "group " : "", (int)child);
}

int reaper_run(const struct reaper_config *cfg, pid_t child)
{
    sigset_t all;
    siginfo_t info;
    int status = 0;
    sigfillset(&all);
    for (;;) {
        int sig = sigwaitinfo(&all, &info);
        if (sig < 0)
            continue; /* EINTR: a stop/continue of this process */
        if (sig == SIGCHLD) {
            if (reap_all(child, &status))
                return status;
            continue;
        }
        forward(cfg, child, sig);
    }
}

static bool deadline_left(const struct timespec *deadline, struct timespec *left)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    left->tv_sec = deadline->tv_sec - now.tv_sec;
    left->tv_nsec = deadline->tv_nsec - now.tv_nsec;
    if (left->tv_nsec < 0) {
        left->tv_nsec += 1000000000L;
        left->tv_sec--;
    }
    return left->tv_sec >= 0;
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
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += seconds;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    while (deadline_left(&deadline, &left)) {
        reap_all(0, &unused);
        if (waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD)
            return;
        sigtimedwait(&chld, NULL, &left);
    }
    log_info("grace period of %us over, the rest is killed", seconds);
}
