/* orphans: make orphans and count zombies, fast. The reaping tests' helper
 * (tests/reaping, tests/signals) and the reaping benchmark's payload (bench/),
 * built once by the Makefile into build/helpers/orphans.
 *
 *   orphans double N          N double-forked orphans: each child forks a
 *                             grandchild and exits at once (the caller reaps
 *                             the children); the grandchildren exit at once,
 *                             orphaned, for whoever reaps orphans here.
 *   orphans zombies N         a non-reaping intermediate process forks N
 *                             children that exit at once, waits until all have
 *                             exited (zombies of its own), then exits: the N
 *                             zombies are reparented in one go.
 *   orphans live PIDFILE STOP a double-forked orphan that writes its pid to
 *                             PIDFILE (atomically) and lives until STOP exists
 *                             (at most 30 s).
 *   orphans count [SECONDS]   print "zombies=N", the processes in state Z in
 *                             /proc; with SECONDS, retry until N is 0 or the
 *                             time is up.
 *   orphans control           make one zombie child of our own, print
 *                             "control=N" with N the zombies count() sees
 *                             (waiting up to 2 s for >= 1), then reap it.
 *   orphans stream|burst N FIFO GOFIFO
 *                             the benchmark's payload (bench/driver.c finds it
 *                             by this name): N double-forked orphans, timed.
 *
 * Benchmark protocol (the mode is for the reader of `ps`; the driver makes the
 * difference): writes "R <pid>" to FIFO, waits for a byte on GOFIFO (in burst
 * mode the driver has stopped the init with SIGSTOP by then), writes "B <t>",
 * forks all N, writes "F <t>", waits until all N are reaped (kill(pid, 0) says
 * ESRCH for every one, then this namespace's /proc lists no more processes than
 * before the first fork and none in state Z), writes "T <t>" (CLOCK_MONOTONIC
 * ns) and exits after one more byte on GOFIFO (so the init is still there to be
 * measured). Errors: "X <code>" (1: /proc is not this namespace's, 2000+errno:
 * fork failed, 3: not all reaped within 60 s, 4: a zombie left after all that).
 * Records: fixed 24-byte lines, as in bench/sig_payload.c.
 */
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

static __attribute__((noreturn)) void die(const char *what)
{
    perror(what);
    exit(97);
}

static void nap(long ms)
{
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

static long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

static int count_zombies(void)
{
    DIR *d = opendir("/proc");
    if (!d)
        die("/proc");
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        char path[300], buf[512];
        snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            continue;
        ssize_t r = read(fd, buf, sizeof buf - 1);
        close(fd);
        if (r <= 0)
            continue;
        buf[r] = '\0';
        char *p = strrchr(buf, ')');
        if (p && p[1] == ' ' && p[2] == 'Z')
            n++;
    }
    closedir(d);
    return n;
}

static void make_double(long n)
{
    for (long i = 0; i < n; i++) {
        pid_t c = fork();
        if (c < 0) {
            if (errno == EAGAIN) { nap(1); i--; continue; }
            die("fork");
        }
        if (c == 0) {
            if (fork() < 0)
                _exit(1);
            _exit(0);
        }
        int st;
        while (waitpid(c, &st, 0) < 0 && errno == EINTR)
            ;
    }
}

static void make_zombies(long n)
{
    pid_t mid = fork();
    if (mid < 0)
        die("fork");
    if (mid == 0) {
        int p[2];
        if (pipe(p) < 0)
            _exit(1);
        for (long i = 0; i < n; i++) {
            pid_t c = fork();
            if (c < 0) {
                if (errno == EAGAIN) { nap(1); i--; continue; }
                _exit(1);
            }
            if (c == 0)
                _exit(0); /* closes its copy of p[1] */
        }
        close(p[1]);
        char b;
        while (read(p[0], &b, 1) > 0) /* EOF: every child has exited */
            ;
        _exit(0); /* never reaped them */
    }
    int st;
    while (waitpid(mid, &st, 0) < 0 && errno == EINTR)
        ;
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        fprintf(stderr, "orphans: intermediate failed\n");
        exit(1);
    }
}

static void make_live(const char *pidfile, const char *stop)
{
    pid_t c = fork();
    if (c < 0)
        die("fork");
    if (c == 0) {
        pid_t g = fork();
        if (g != 0)
            _exit(g < 0);
        /* grandchild, orphaned once its parent is gone */
        int st_wait = 0;
        while (getppid() == c && st_wait++ < 3000)
            nap(1);
        char tmp[4096];
        snprintf(tmp, sizeof tmp, "%s.tmp", pidfile);
        FILE *f = fopen(tmp, "w");
        if (!f)
            _exit(1);
        fprintf(f, "%d\n", (int)getpid());
        fclose(f);
        rename(tmp, pidfile);
        long end = now_ms() + 30000;
        while (access(stop, F_OK) != 0 && now_ms() < end)
            nap(10);
        _exit(0);
    }
    int st;
    while (waitpid(c, &st, 0) < 0 && errno == EINTR)
        ;
}

/* ---- the benchmark's payload (stream|burst) ---- */

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

static int bench_payload(int argc, char **argv)
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

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "double") == 0) {
        make_double(atol(argv[2]));
        return 0;
    }
    if (argc >= 3 && strcmp(argv[1], "zombies") == 0) {
        make_zombies(atol(argv[2]));
        return 0;
    }
    if (argc >= 4 && strcmp(argv[1], "live") == 0) {
        make_live(argv[2], argv[3]);
        return 0;
    }
    if (argc >= 2 && strcmp(argv[1], "count") == 0) {
        long end = now_ms() + (argc >= 3 ? atol(argv[2]) * 1000L : 0);
        int n = count_zombies();
        while (n > 0 && now_ms() < end) {
            nap(20);
            n = count_zombies();
        }
        printf("zombies=%d\n", n);
        return 0;
    }
    if (argc >= 2 && strcmp(argv[1], "control") == 0) {
        pid_t c = fork();
        if (c < 0)
            die("fork");
        if (c == 0)
            _exit(0);
        long end = now_ms() + 2000;
        int n = count_zombies();
        while (n < 1 && now_ms() < end) {
            nap(5);
            n = count_zombies();
        }
        printf("control=%d\n", n);
        waitpid(c, NULL, 0);
        return 0;
    }
    if (argc >= 2 && (strcmp(argv[1], "stream") == 0 || strcmp(argv[1], "burst") == 0))
        return bench_payload(argc, argv);
    fprintf(stderr, "usage: orphans double N | zombies N | live PIDFILE STOP | count [SECONDS] | control | stream|burst N FIFO GOFIFO\n");
    return 2;
}
