/* orphans: make orphans and count zombies, fast.
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
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what)
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
        int fd = open(path, O_RDONLY);
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
    fprintf(stderr, "usage: orphans double N | zombies N | live PIDFILE STOP | count [SECONDS] | control\n");
    return 2;
}
