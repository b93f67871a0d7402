#include "base/channel.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/* Our signals are blocked, so a write to a dead peer leaves a SIGPIPE pending
 * that the event loop would later forward to the payload: consume it here. */
static void drop_pending_sigpipe(void)
{
    sigset_t pipe_only;
    const struct timespec now = {0, 0};
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    sigtimedwait(&pipe_only, NULL, &now);
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

int channel_open(struct channel *c, struct nerr *e)
{
    if (pipe2(c->to_inner, O_CLOEXEC) < 0)
        return nerr_set(e, errno, "create the outer/inner pipe");
    if (pipe2(c->from_inner, O_CLOEXEC) < 0) {
        int saved = errno;
        close_fd(&c->to_inner[0]);
        close_fd(&c->to_inner[1]);
        return nerr_set(e, saved, "create the outer/inner pipe");
    }
    return 0;
}

void channel_keep_outer_ends(struct channel *c)
{
    close_fd(&c->to_inner[0]);
    close_fd(&c->from_inner[1]);
}

void channel_keep_inner_ends(struct channel *c)
{
    close_fd(&c->to_inner[1]);
    close_fd(&c->from_inner[0]);
}

void channel_close(struct channel *c)
{
    close_fd(&c->to_inner[0]);
    close_fd(&c->to_inner[1]);
    close_fd(&c->from_inner[0]);
    close_fd(&c->from_inner[1]);
}

static bool write_full(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EPIPE)
            drop_pending_sigpipe();
        if (n <= 0)
            return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}

static bool read_full(int fd, void *buf, size_t len)
{
    char *p = buf;
    while (len > 0) {
        ssize_t n = read(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}

bool channel_release(struct channel *c)
{
    return write_full(c->to_inner[1], "g", 1);
}

bool channel_wait_release(struct channel *c)
{
    char byte;
    return read_full(c->to_inner[0], &byte, 1);
}

bool channel_send_proc_pid(struct channel *c)
{
    char link[32];
    ssize_t n = readlink("/proc/self", link, sizeof link - 1);
    int pid = n > 0 ? (link[n] = '\0', atoi(link)) : -errno;
    return channel_send(c, &pid, sizeof pid);
}

bool channel_read_proc_pid(struct channel *c, int *proc_pid)
{
    return channel_recv(c, proc_pid, sizeof *proc_pid);
}

bool channel_send(struct channel *c, const void *msg, size_t len)
{
    return write_full(c->from_inner[1], msg, len);
}

bool channel_recv(struct channel *c, void *msg, size_t len)
{
    return read_full(c->from_inner[0], msg, len);
}
