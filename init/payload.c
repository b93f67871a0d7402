#include "init/payload.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "init/log.h"

/* Runs in the child: signals are still all blocked, so tcsetpgrp from what is
 * now a background group cannot stop us with SIGTTOU. */
static __attribute__((noreturn)) void exec_payload(const struct payload_spec *spec)
{
    setpgid(0, 0);
    if (isatty(STDIN_FILENO))
        tcsetpgrp(STDIN_FILENO, getpgrp());
    if (spec->caller_ignored_chld)
        signal(SIGCHLD, SIG_IGN);
    if (spec->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
        log_error("set no_new_privs for the payload: %s", strerror(errno));
        _exit(125);
    }
    sigprocmask(SIG_SETMASK, spec->caller_mask, NULL);
    execvp(spec->argv[0], spec->argv);

    int err = errno;
    if (err == ENOENT)
        log_error("cannot execute '%s': %s (ENOENT); cause: no such file%s", spec->argv[0], strerror(err),
                  strchr(spec->argv[0], '/') ? "" : " in PATH");
    else
        log_error("cannot execute '%s': %s (%s); cause: the file is not an executable this process may run "
                  "(mode, noexec mount, or format)",
                  spec->argv[0], strerror(err), errno_name(err));
    _exit(err == ENOENT ? 127 : 126);
}

pid_t payload_spawn(const struct payload_spec *spec, struct nerr *e)
{
    pid_t pid = fork();
    if (pid < 0)
        return nerr_set(e, errno, "fork the payload");
    if (pid == 0)
        exec_payload(spec);
    log_debug("payload '%s' started as pid %d", spec->argv[0], (int)pid);
    return pid;
}
