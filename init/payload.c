#include "init/payload.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "base/log.h"

/* execvp reports EACCES when any PATH entry refused the search, even if the
 * command exists nowhere; tell "not found" (127) from "not executable" (126). */
static bool found_in_path(const char *name)
{
    const char *path = getenv("PATH");
    char candidate[4096];
    if (path == NULL)
        path = "/usr/local/bin:/bin:/usr/bin";
    while (*path) {
        size_t len = strcspn(path, ":");
        if (snprintf(candidate, sizeof candidate, "%.*s%s%s", (int)len, path, len ? "/" : "", name) < (int)sizeof candidate &&
            access(candidate, F_OK) == 0)
            return true;
        path += len + (path[len] == ':');
    }
    return false;
}

/* The payload must not outlive the process that forked it (the inner, or the
 * outer without one): a parent-death signal, then a look at getppid() for a
 * parent that died before the prctl (prctl(2): the signal is only sent on a
 * death after it is set). Set last, just before execve: commit_creds()
 * (kernel/cred.c) clears it whenever the euid/egid/fsuid/fsgid change or caps
 * are gained, which privileges_apply may do; execve of a set-user-ID or
 * file-capability binary clears it again (begin_new_exec, fs/exec.c). */
static void die_with_parent(pid_t parent)
{
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
        log_warn("cannot set the payload's parent-death signal: %s", strerror(errno));
    if (getppid() != parent)
        raise(SIGKILL); /* what the signal would have done */
}

/* Runs in the child: signals are still all blocked, so tcsetpgrp from what is
 * now a background group cannot stop us with SIGTTOU. `parent` is the pid of
 * the process that forked us, as getppid() names it. */
void payload_exec(const struct payload_spec *spec, pid_t parent)
{
    setpgid(0, 0);
    if (isatty(STDIN_FILENO))
        tcsetpgrp(STDIN_FILENO, getpgrp());
    if (spec->caller_ignored_chld)
        signal(SIGCHLD, SIG_IGN);
    struct nerr e;
    if (privileges_apply(&spec->privileges, &e) < 0) {
        nerr_print(&e);
        _exit(125);
    }
    if (spec->listen_pid_ours) {
        char pid[16];
        snprintf(pid, sizeof pid, "%d", (int)getpid());
        setenv("LISTEN_PID", pid, 1);
    }
    die_with_parent(parent);
    ksig_mask(SIG_SETMASK, &spec->caller_mask, NULL);
    execvp(spec->argv[0], spec->argv);

    int err = errno;
    if (err == EACCES && !strchr(spec->argv[0], '/') && !found_in_path(spec->argv[0]))
        err = ENOENT; /* an unreadable PATH entry, not our command, said EACCES */
    if (err == ENOENT)
        log_error("cannot execute '%s': %s (ENOENT); cause: no such file%s", spec->argv[0], strerror(err),
                  strchr(spec->argv[0], '/') ? "" : " in PATH");
    else
        log_error("cannot execute '%s': %s (%s); cause: the file is not an executable this process may run "
                  "(mode, noexec mount, or format)",
                  spec->argv[0], strerror(err), errno_name(err));
    _exit(err == ENOENT ? 127 : 126);
}

int payload_spec_init(struct payload_spec *spec, const struct options *o, struct nerr *e)
{
    const char *listen_pid = getenv("LISTEN_PID");
    spec->argv = o->command;
    spec->listen_pid_ours = listen_pid && atoi(listen_pid) == (int)getpid();
    spec->payload_stops = jobctl_caller_does_job_control() ? STOPS_PASSED_ON
                          : isatty(STDIN_FILENO)          ? STOPS_TSTP_RESUMED
                                                          : STOPS_IGNORED;
    const struct privilege_request asked = {
        .user = o->user, .cap_drop = o->cap_drop, .cap_add = o->cap_add,
        .seccomp_default = o->seccomp == SECCOMP_DEFAULT, .no_new_privs = o->no_new_privs,
    };
    return privileges_resolve(&asked, &spec->privileges, e);
}

pid_t payload_spawn(const struct payload_spec *spec, struct nerr *e)
{
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0)
        return nerr_set(e, errno, "fork the payload");
    if (pid == 0)
        payload_exec(spec, parent);
    /* Both sides set the group (the classic race, as a shell does): a signal
     * for -g may be forwarded to it before the child has run at all. EACCES:
     * the child has already exec'd, after doing it itself. */
    if (setpgid(pid, pid) < 0 && errno != EACCES)
        log_debug("setpgid of the payload %d: %s", (int)pid, strerror(errno));
    log_debug("payload '%s' started as pid %d", spec->argv[0], (int)pid);
    return pid;
}
