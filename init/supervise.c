#include "init/supervise.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/log.h"
#include "reaper/reaper.h"

void init_make_undumpable(void)
{
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
        log_warn("cannot make nestinit non-dumpable: %s; a root payload may ptrace it", strerror(errno));
}

void set_parent_death_signal(int sig)
{
    pid_t parent = getppid();
    if (prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0) < 0) {
        log_warn("--pdeathsig: %s", strerror(errno));
        return;
    }
    if (getppid() == parent)
        return;
    /* The parent died before the prctl, which then never fires (prctl(2)).
     * Deliver what the kernel would have sent (forget_original_parent in
     * kernel/exit.c: SEND_SIG_NOINFO, i.e. SI_USER from the dying parent),
     * so the loop forwards it like the real one; a process may queue any
     * si_code to itself (rt_sigqueueinfo(2)). */
    siginfo_t info;
    memset(&info, 0, sizeof info);
    info.si_signo = sig;
    info.si_code = SI_USER;
    info.si_pid = parent;
    info.si_uid = getuid();
    log_debug("parent %d died before --pdeathsig was set: signal %d now", (int)parent, sig);
    if (syscall(SYS_rt_sigqueueinfo, getpid(), sig, &info) < 0)
        kill(getpid(), sig);
}

void close_inherited_fds(int keep)
{
#ifdef SYS_close_range
    if (keep < 3 && syscall(SYS_close_range, 3U, ~0U, 0U) == 0)
        return;
    if (keep >= 3 && (keep == 3 || syscall(SYS_close_range, 3U, (unsigned)keep - 1, 0U) == 0) &&
        syscall(SYS_close_range, (unsigned)keep + 1, ~0U, 0U) == 0)
        return;
#endif
    /* Before Linux 5.9: walk /proc/self/fd, collecting first (closing while
     * reading would close the directory's own fd). */
    int fds[1024], n = 0;
    DIR *dir = opendir("/proc/self/fd");
    if (dir == NULL)
        return;
    const struct dirent *d;
    while ((d = readdir(dir)) != NULL && n < 1024) {
        int fd = atoi(d->d_name);
        if (fd >= 3 && fd != dirfd(dir) && fd != keep)
            fds[n++] = fd;
    }
    closedir(dir);
    while (n > 0)
        close(fds[--n]);
}

int supervise_until_exit(const struct options *o, const struct payload_spec *spec, pid_t payload)
{
    const struct reaper_config cfg = {
        .kill_group = o->kill_group, .rewrite = o->rewrite, .grace_seconds = o->grace_seconds,
        .target_pidfd = -1, .child_is_payload = true, .payload_stops = spec->payload_stops,
    };
    /* The payload keeps its cwd and fds; the init pins neither a mount nor a file. */
    if (chdir("/") < 0)
        log_debug("chdir /: %s", strerror(errno));
    close_inherited_fds(-1);
    int code = reaper_exit_code(reaper_run(&cfg, payload));
    reaper_grace(o->grace_seconds);
    if (options_expects_exit(o, code)) {
        log_debug("payload exit code %d expected, exiting 0", code);
        code = 0;
    }
    return code;
}

void supervise_payload(const struct options *o, const struct payload_spec *spec, struct channel *handshake)
{
    struct nerr e;
    init_make_undumpable();
    pid_t payload = payload_spawn(spec, &e);
    if (payload < 0) {
        nerr_print(&e);
        _exit(125);
    }
    /* Until the outer has its pidfd, the payload cannot be reaped, so its pid
     * cannot name another process when the outer looks it up. */
    if (handshake) {
        channel_send(handshake, &payload, sizeof payload);
        channel_wait_release(handshake);
        channel_close(handshake);
    }
    _exit(supervise_until_exit(o, spec, payload));
}
