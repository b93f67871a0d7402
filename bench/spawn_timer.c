/* spawn_timer: fork/exec COMMAND WARMUP+N times, one after the other, and write
 * the wall time of each of the last N runs (fork to reaped exit,
 * CLOCK_MONOTONIC) in microseconds, one per line, appended to OUT. The command's stdout
 * and stderr go to /dev/null. A run that exits non-zero (on a machine shared
 * with other work, a peer may fail now and then) is written as "FAIL <status>"
 * instead, and said on stderr; more than 1% of failed runs abort (exit 1).
 * usage: spawn_timer N WARMUP OUT COMMAND [ARG...] */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: spawn_timer N WARMUP OUT COMMAND [ARG...]\n");
        return 2;
    }
    long n = atol(argv[1]), warm = atol(argv[2]);
    FILE *out = fopen(argv[3], "a");
    int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (!out || devnull < 0 || n <= 0 || warm < 0) {
        perror("spawn_timer");
        return 2;
    }
    long long *t = calloc((size_t)n, sizeof *t);
    long failed = 0;
    for (long i = 0; i < warm + n; i++) {
        long long t0 = now_ns();
        pid_t pid = fork();
        if (pid == 0) {
            dup2(devnull, 1);
            dup2(devnull, 2);
            execv(argv[4], argv + 4);
            _exit(127);
        }
        int status;
        if (pid < 0 || waitpid(pid, &status, 0) != pid) {
            perror("spawn_timer: fork/wait");
            return 1;
        }
        long long t1 = now_ns();
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fprintf(stderr, "spawn_timer: %s failed (status 0x%x) on run %ld\n", argv[4], status, i);
            if (++failed > (warm + n) / 100)
                return 1;
            t1 = -1 - status; /* negative: a failed run */
            t0 = 0;
        }
        if (i >= warm)
            t[i - warm] = t1 - t0;
    }
    for (long i = 0; i < n; i++)
        if (t[i] < 0)
            fprintf(out, "FAIL 0x%llx\n", -1 - t[i]);
        else
            fprintf(out, "%.3f\n", t[i] / 1000.0);
    return fclose(out) == 0 ? 0 : 1;
}
