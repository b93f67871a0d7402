#include "reaper/jobctl.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/files.h"
#include "base/log.h"

/* Why this policy. tini and catatonit never stop themselves (both ignore
 * SIGTTIN/SIGTTOU; catatonit also drops a TSTP/TTIN/TTOU sent to it) and never
 * look at their child's stops (waitpid without WUNTRACED): after a Ctrl-Z the
 * child sits stopped, its group owns the terminal, and whoever waits for the
 * init waits for ever. Two callers expect two things:
 * - A shell, whose foreground job nestinit is: Ctrl-Z must give the shell its
 *   terminal back and `fg` resume the program, as for any job. So the
 *   payload's parent stops nestinit's own process group (the shell's job)
 *   with SIGSTOP. A pid 1 of a pid namespace ignores that signal from inside
 *   (SIGNAL_UNKILLABLE, sig_task_ignored in kernel/signal.c), so in nested
 *   mode it stops the outer, which is what the shell waits for. `fg` gives the
 *   terminal to that group and sends it SIGCONT: the outer hands the terminal
 *   on to the payload's group, the payload's parent continues that group.
 * - Nobody above us doing job control (`docker run -it`: the engine's pid 1
 *   leads the session, there is no shell to return to). A program that is a
 *   container's pid 1 without an init is not stopped by Ctrl-Z at all (the
 *   kernel ignores the terminal's SIGTSTP for it, same function), and a user
 *   of `docker run -it` expects that rather than a frozen terminal that only
 *   `docker kill -s CONT` brings back: a stop by SIGTSTP is undone at once.
 *   Other stops (SIGSTOP, TTIN, TTOU) stay: someone asked for them. */

bool jobctl_caller_does_job_control(void)
{
    pid_t fg = tcgetpgrp(STDIN_FILENO);
    return fg > 0 && fg == getpgrp() && getsid(0) != getpid();
}

void jobctl_payload_stopped(const struct reaper_config *cfg, pid_t payload, int sig, bool *job_stopped)
{
    if (cfg->payload_stops == STOPS_PASSED_ON) {
        log_debug("payload stopped by signal %d: stopping our caller's job with it", sig);
        *job_stopped = true;
        kill(0, SIGSTOP);
    } else if (cfg->payload_stops == STOPS_TSTP_RESUMED && sig == SIGTSTP) {
        pid_t group = getpgid(payload);
        log_debug("payload stopped by SIGTSTP and nobody above us does job control: continued");
        kill(group > 0 ? -group : payload, SIGCONT); /* the terminal stopped its whole group */
    }
}

/* The payload's pid in our pid namespace: `child` itself, or (the outer over
 * an inner) from the pidfd's fdinfo or the inner's only child. */
static pid_t payload_pid(const struct reaper_config *cfg, pid_t child)
{
    char path[64], text[512];
    const char *field = text;
    if (cfg->child_is_payload)
        return child;
    if (cfg->target_pidfd >= 0) {
        snprintf(path, sizeof path, "/proc/self/fdinfo/%d", cfg->target_pidfd);
        if (file_read_all(path, text, sizeof text) <= 0 || (field = strstr(text, "\nPid:")) == NULL)
            return -1;
        field += strlen("\nPid:");
    } else {
        snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)child, (int)child);
        if (file_read_all(path, text, sizeof text) <= 0)
            return -1;
    }
    return (pid_t)strtol(field, NULL, 10);
}

void jobctl_before_continue(const struct reaper_config *cfg, pid_t child, bool *job_stopped)
{
    pid_t payload = payload_pid(cfg, child);
    pid_t group = payload > 0 ? getpgid(payload) : -1;
    pid_t ours = getpgrp(); /* 0: our group's leader is outside our pid namespace */
    if (group <= 0)
        return;
    /* With every signal blocked, tcsetpgrp from a background group is not
     * stopped by SIGTTOU (tty_check_change, drivers/tty/tty_jobctrl.c). */
    if (ours > 0 && tcgetpgrp(STDIN_FILENO) == ours && tcsetpgrp(STDIN_FILENO, group) == 0)
        log_debug("terminal handed back to the payload's group %d", (int)group);
    if (!*job_stopped)
        return;
    *job_stopped = false;
    /* In nested mode the outer hands the terminal on: wait for it (up to
     * 200 ms; after `bg` it never comes, and the job continues without it). */
    const struct timespec ms = {0, 1000000L};
    for (int i = 0; i < 200 && tcgetpgrp(STDIN_FILENO) != group; i++)
        nanosleep(&ms, NULL);
    kill(-group, SIGCONT);
}
