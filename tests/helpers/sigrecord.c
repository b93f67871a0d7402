/* sigrecord: a payload that records every signal it receives.
 *
 * usage: sigrecord LOG READY STOP [--kill1 SIG]
 *
 * Resets every disposition to SIG_DFL, blocks every signal but KILL and STOP
 * (so TSTP/TTIN/TTOU do not stop it and nothing ends it) and reads them from a
 * signalfd; appends each signal number, one per line, to LOG (O_APPEND, one
 * write per line). Raw syscalls are used so that signals 32-34, which musl
 * keeps for itself, are recorded too. When set up it writes "pid=N" to READY
 * (atomically, via rename). Exits 0 once the file STOP exists, 99 after 30 s.
 * --kill1 SIG: once ready, send SIG to pid 1 (only when running as pid 2 of a
 * pid namespace, never the host's init).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

struct ksigaction {
    void *handler;
    unsigned long flags;
    void *restorer;
    uint64_t mask;
};

static __attribute__((noreturn)) void die(const char *what)
{
    perror(what);
    _exit(97);
}

int main(int argc, char **argv)
{
    if (argc != 4 && argc != 6) {
        fprintf(stderr, "usage: sigrecord LOG READY STOP [--kill1 SIG]\n");
        return 2;
    }
    const char *log = argv[1], *ready = argv[2], *stop = argv[3];
    int kill1 = argc == 6 ? atoi(argv[5]) : 0;

    struct ksigaction dfl = {0};
    for (int s = 1; s <= 64; s++)
        if (s != SIGKILL && s != SIGSTOP)
            syscall(SYS_rt_sigaction, s, &dfl, NULL, 8);
    uint64_t mask = ~0ULL & ~(1ULL << (SIGKILL - 1)) & ~(1ULL << (SIGSTOP - 1));
    if (syscall(SYS_rt_sigprocmask, SIG_SETMASK, &mask, NULL, 8) < 0)
        die("rt_sigprocmask");
    int sfd = (int)syscall(SYS_signalfd4, -1, &mask, 8, SFD_CLOEXEC);
    if (sfd < 0)
        die("signalfd4");
    int lfd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (lfd < 0)
        die(log);

    char tmp[4096], line[64];
    snprintf(tmp, sizeof tmp, "%s.tmp", ready);
    FILE *f = fopen(tmp, "w");
    if (!f)
        die(tmp);
    fprintf(f, "pid=%d\n", (int)getpid());
    fclose(f);
    if (rename(tmp, ready) < 0)
        die("rename");

    if (kill1) {
        if (getpid() != 2) {
            fprintf(stderr, "sigrecord: --kill1 only as pid 2 (am %d)\n", (int)getpid());
            return 98;
        }
        kill(1, kill1);
    }

    struct timespec t0, now;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        struct pollfd p = {.fd = sfd, .events = POLLIN};
        int n = poll(&p, 1, 20);
        if (n > 0) {
            struct signalfd_siginfo si;
            if (read(sfd, &si, sizeof si) == (ssize_t)sizeof si) {
                int len = snprintf(line, sizeof line, "%u\n", si.ssi_signo);
                if (write(lfd, line, (size_t)len) != len)
                    die("write");
            }
            continue;
        }
        if (access(stop, F_OK) == 0)
            return 0;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec - t0.tv_sec > 30)
            return 99;
    }
}
