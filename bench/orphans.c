/* orphans MODE N FIFO GOFIFO: the payload of the reaping benchmark.
 * Forks N children; each forks a grandchild and exits at once, so the
 * grandchildren are reparented to pid 1 of this pid namespace (the init under
 * test), which must reap them. This process reaps only its own children.
 * The children put the grandchildren's pids in shared memory; "reaped" is when
 * kill(pid, 0) says ESRCH for every one, then this namespace's own /proc must
 * list no more processes than before the first fork and none in state Z.
 * Protocol (MODE is for the reader of `ps`; the driver makes the difference):
 * writes "R <pid>", waits for a byte on GOFIFO (in burst mode the driver has
 * stopped the init with SIGSTOP by then), writes "B <t>", forks all N, writes
 * "F <t>", waits until all N are reaped, writes "T <t>" (CLOCK_MONOTONIC ns) and
 * exits after one more byte on GOFIFO (so the init is still there to be measured).
 * Errors: "X <code>" (1: /proc is not this namespace's, 2000+errno: fork
 * failed, 3: not all reaped within 60 s, 4: a zombie left after all that).
 * Records: fixed 24-byte lines, as in sig_payload.c. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define REC 24
static int out = -1, procfd = -1;
static char dents[1 << 20];
static pid_t *gc; /* the grandchildren's pids, written by the children */

static void record(char tag, long long value)
{
    char buf[REC + 1];
    snprintf(buf, sizeof buf, "%c %021lld\n", tag, value);
    (void)!write(out, buf, REC);
}

static long long now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* Number of processes /proc lists (entries whose name starts with a digit). */
static long count_pids(void)
{
    long n = 0;
    lseek(procfd, 0, SEEK_SET);
    for (;;) {
        long got = syscall(SYS_getdents64, procfd, dents, sizeof dents);
        if (got <= 0)
            return n;
        for (long off = 0; off < got;) {
            struct dirent64 *d = (struct dirent64 *)(dents + off);
            if (d->d_name[0] >= '0' && d->d_name[0] <= '9')
                n++;
            off += d->d_reclen;
        }
    }
}

static long count_zombies(void)
{
    long z = 0;
    DIR *dir = opendir("/proc");
    struct dirent *d;
    while (dir && (d = readdir(dir))) {
        char path[300], buf[512];
        if (d->d_name[0] < '0' || d->d_name[0] > '9')
            continue;
        snprintf(path, sizeof path, "/proc/%s/stat", d->d_name);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            continue;
        ssize_t n = read(fd, buf, sizeof buf - 1);
        close(fd);
        if (n <= 0)
            continue;
        buf[n] = 0;
        char *p = strrchr(buf, ')');
        if (p && p[1] == ' ' && p[2] == 'Z')
            z++;
    }
    if (dir)
        closedir(dir);
    return z;
}

static void make_orphans(long n)
{
    for (long i = 0; i < n; i++) {
        pid_t child = fork();
        if (child == 0) {
            pid_t grandchild = fork();
            if (grandchild == 0) {
                /* A process group of its own for each orphan: otherwise each
                 * exit walks the payload's whole group, zombies included, in
                 * the kernel's orphaned-pgrp check (kill_orphaned_pgrp), which
                 * makes N pending zombies cost O(N^2) when the init is in
                 * another group than the payload (nestinit and tini setpgid
                 * it; the floor does not). Its own pid as pgid: no extra pid. */
                setpgid(0, 0);
                _exit(0);
            }
            gc[i] = grandchild;
            _exit(grandchild < 0);
        }
        if (child < 0) {
            record('X', 2000 + errno);
            exit(1);
        }
        int status;
        while (waitpid(child, &status, 0) < 0)
            ;
    }
}

/* kill(pid, 0) succeeds on a zombie and fails with ESRCH once it is reaped; no
 * pid is reused meanwhile, as nothing forks in this namespace any more. The
 * init reaps in about the order the orphans came; a scan of /proc confirms. */
static long long wait_reaped(long n, long base)
{
    long long limit = now_ns() + 60 * 1000000000LL;
    for (long i = 0; i < n; i++) {
        while (gc[i] > 0 && kill(gc[i], 0) == 0) {
            /* Sleep rather than spin: on 2 cores a spinning payload would take
             * the CPU the init needs. 50 us is small beside 20000 reaps. */
            const struct timespec gap = {0, 50000};
            nanosleep(&gap, NULL);
            if (now_ns() > limit) {
                record('X', 3);
                exit(1);
            }
        }
    }
    long long t = now_ns();
    while (count_pids() > base) /* stragglers reaped out of order */
        t = now_ns();
    if (count_zombies() != 0) {
        record('X', 4);
        exit(1);
    }
    return t;
}

int main(int argc, char **argv)
{
    char self[32], mine[32], c;
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0); /* no stray payload if the init is killed */
    if (argc < 5 || (out = open(argv[3], O_WRONLY | O_CLOEXEC)) < 0)
        return 2;
    long n = atol(argv[2]);
    gc = mmap(NULL, (size_t)(n > 0 ? n : 1) * sizeof *gc, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (gc == MAP_FAILED)
        return 2;
    procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ssize_t len = readlink("/proc/self", self, sizeof self - 1);
    snprintf(mine, sizeof mine, "%d", (int)getpid());
    if (procfd < 0 || len <= 0 || (self[len] = 0, strcmp(self, mine) != 0)) {
        record('X', 1); /* /proc is not this pid namespace's: orphans could not be counted */
        return 1;
    }
    long base = count_pids();
    int go = open(argv[4], O_RDONLY | O_CLOEXEC);
    record('R', getpid());
    if (go < 0 || read(go, &c, 1) != 1)
        return 1;
    record('B', now_ns());
    make_orphans(n);
    record('F', now_ns());
    record('T', wait_reaped(n, base));
    (void)!read(go, &c, 1); /* the driver reads the init's CPU time before we (and so it) end */
    return 0;
}
