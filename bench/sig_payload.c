/* sig_payload FIFO: the payload of the signal-latency and idle benchmarks.
 * Opens FIFO for writing, installs a SIGUSR1 handler, writes "R <pid>" (ready),
 * then sleeps in pause(). On each SIGUSR1 the handler writes "S <ns>", the
 * CLOCK_MONOTONIC time at which it runs (system-wide clock, so the driver can
 * subtract the time it sent the signal). Records are fixed 24-byte lines, one
 * write each (atomic on a pipe). SIGTERM ends it (default action), and so does
 * the death of its parent (PR_SET_PDEATHSIG), so that a killed init leaves no payload. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#define REC 24
static int fd = -1;

static void record(char tag, long long value)
{
    char buf[REC + 1];
    snprintf(buf, sizeof buf, "%c %021lld\n", tag, value);
    (void)!write(fd, buf, REC);
}

static void on_usr1(int sig)
{
    struct timespec t;
    (void)sig;
    clock_gettime(CLOCK_MONOTONIC, &t);
    record('S', t.tv_sec * 1000000000LL + t.tv_nsec);
}

int main(int argc, char **argv)
{
    struct sigaction sa;
    sigset_t none;
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0); /* no stray payload if the init is killed */
    if (argc != 2 || (fd = open(argv[1], O_WRONLY | O_CLOEXEC)) < 0)
        return 2;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGUSR1, &sa, NULL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL); /* whatever the init left blocked */
    record('R', getpid());
    for (;;)
        pause();
}
