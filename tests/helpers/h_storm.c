/* h_storm: payload for the signal-storm and orphan-storm fault tests.
 *
 *   h_storm count DIR
 *       blocks USR1 and TERM, writes DIR/ready, counts every USR1 it takes
 *       (sigtimedwait); on TERM prints "usr1=N pid=P" and exits 7; after 20 s
 *       without TERM prints "timeout usr1=N" and exits 99.
 *
 *   h_storm orphans N DIR
 *       USR1 handler that counts (no SA_RESTART, so fork/waitpid see EINTR).
 *       Control first: one child of its own left unreaped must show up as a
 *       zombie in the /proc scan. Writes DIR/ready, then makes N orphans (a
 *       child forks a grandchild and exits at once; the grandchild exits and
 *       is reparented to pid 1 of the namespace, which must reap it), then
 *       scans /proc until no zombie is left (bounded, 5 s), prints
 *       "control=C orphans=N usr1=K zombies=Z pid=P", writes DIR/done, exits 3.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void touch(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd >= 0) {
        char buf[32];
        int n = snprintf(buf, sizeof buf, "%d\n", (int)getpid());
        if (write(fd, buf, (size_t)n) < 0) {}
        close(fd);
    }
}

static void nap_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {}
}

/* zombies in /proc (the payload's fresh /proc holds only its namespace) */
static int count_zombies(void)
{
    DIR *d = opendir("/proc");
    struct dirent *de;
    int n = 0;
    if (!d) return -1;
    while ((de = readdir(d)) != NULL) {
        char path[300], buf[512];
        if (de->d_name[0] < '0' || de->d_name[0] > '9') continue;
        snprintf(path, sizeof path, "/proc/%s/stat", de->d_name);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) continue;
        ssize_t len = read(fd, buf, sizeof buf - 1);
        close(fd);
        if (len <= 0) continue;
        buf[len] = '\0';
        char *p = strrchr(buf, ')');
        if (p && p[1] == ' ' && p[2] == 'Z') n++;
    }
    closedir(d);
    return n;
}

static volatile sig_atomic_t usr1;
static void on_usr1(int sig) { (void)sig; usr1++; }

static int mode_count(const char *dir)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGTERM);
    sigprocmask(SIG_BLOCK, &set, NULL);
    touch(dir, "ready");
    long n = 0;
    time_t end = time(NULL) + 20;
    while (time(NULL) < end) {
        struct timespec ts = {1, 0};
        int s = sigtimedwait(&set, NULL, &ts);
        if (s == SIGUSR1) n++;
        if (s == SIGTERM) {
            printf("usr1=%ld pid=%d\n", n, (int)getpid());
            return 7;
        }
    }
    printf("timeout usr1=%ld\n", n);
    return 99;
}

static pid_t fork_retry(void)
{
    for (int i = 0; i < 2000; i++) {
        pid_t p = fork();
        if (p >= 0) return p;
        if (errno != EAGAIN && errno != EINTR && errno != ENOMEM) return -1;
        nap_ms(1);
    }
    return -1;
}

static int mode_orphans(long n, const char *dir)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1; /* no SA_RESTART */
    sigaction(SIGUSR1, &sa, NULL);

    /* control: our own unreaped child must be seen as a zombie */
    int control = 0;
    pid_t c = fork_retry();
    if (c == 0) _exit(0);
    for (int i = 0; i < 200 && control < 1; i++) {
        control = count_zombies();
        if (control < 1) nap_ms(10);
    }
    while (waitpid(c, NULL, 0) < 0 && errno == EINTR) {}

    touch(dir, "ready");
    long made = 0;
    for (long i = 0; i < n; i++) {
        pid_t p = fork_retry();
        if (p < 0) break;
        if (p == 0) {
            pid_t g = fork();
            if (g == 0) _exit(0);
            _exit(g > 0 ? 0 : 1);
        }
        int st = 0;
        pid_t w;
        while ((w = waitpid(p, &st, 0)) < 0 && errno == EINTR) {}
        if (w == p && WIFEXITED(st) && WEXITSTATUS(st) == 0) made++;
    }
    int z = count_zombies();
    for (int i = 0; i < 100 && z != 0; i++) {
        nap_ms(50);
        z = count_zombies();
    }
    printf("control=%d orphans=%ld usr1=%ld zombies=%d pid=%d\n", control, made, (long)usr1, z, (int)getpid());
    fflush(stdout);
    touch(dir, "done");
    return 3;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc == 3 && strcmp(argv[1], "count") == 0) return mode_count(argv[2]);
    if (argc == 4 && strcmp(argv[1], "orphans") == 0) return mode_orphans(atol(argv[2]), argv[3]);
    fprintf(stderr, "usage: h_storm count DIR | h_storm orphans N DIR\n");
    return 2;
}
