#include "init/supervise.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/log.h"
#include "reaper/reaper.h"

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

void supervise_payload(const struct options *o, const struct payload_spec *spec, struct channel *handshake)
{
    struct nerr e;
    const struct reaper_config cfg = {
        .kill_group = o->kill_group, .rewrite = o->rewrite, .kill_after_term = o->grace_seconds,
        .target_pidfd = -1,
    };

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
    _exit(code);
}
