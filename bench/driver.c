/* driver: the measuring side of bench/run.sh's signal, reaping and idle runs.
 *
 *   driver signal ROUNDS GAP_US OUT FIFO -- INIT... sig_payload FIFO
 *       Starts INIT (its own process group), waits for the payload's "R", then
 *       ROUNDS times: sleeps GAP_US, takes t0 (CLOCK_MONOTONIC), kill(top,
 *       SIGUSR1), reads the handler's "S t1" and writes t1 - t0 in microseconds
 *       to OUT. If no "S" comes within 1 s (the init does not forward SIGUSR1, or
 *       died of it) writes "NA <reason>" and stops.
 *   driver reap stream|burst N OUT FIFO GOFIFO -- INIT... orphans MODE N FIFO GOFIFO
 *       Finds the payload's parent: pid 1 of its namespace, the init that reaps.
 *       stream: lets the payload make its N orphans while the init reaps them.
 *       burst: stops that init with SIGSTOP, lets the payload make N zombies,
 *       then takes t0 and sends SIGCONT.
 *       Appends "elapsed_ns drain_ns init_cpu_ns" to OUT: elapsed from the first
 *       fork (stream) or from SIGCONT (burst) to all reaped; drain from the
 *       last fork; the init's CPU time meanwhile (/proc/PID/schedstat).
 *   driver idle SECONDS OUT FIFO -- INIT... sig_payload FIFO
 *       Once the payload is ready and 0.5 s have passed, reads VmRSS and
 *       voluntary+nonvoluntary context switches of every process of the init
 *       (the top process and its descendants, less the payload), again SECONDS
 *       later, and writes "pid comm rss_kb switches anon_kb" lines to OUT
 *       (VmRSS, context switches in between, RssAnon: the part not shared
 *       with the page cache).
 *
 * Every run's processes are in one process group; the driver ends them with
 * SIGTERM to the top, then SIGKILL to the group. It is a child subreaper, so
 * whatever a run leaves behind becomes its child, which it kills and reaps.
 * It signals no process it did not start. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define REC 24

static long long now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void sleep_us(long us)
{
    struct timespec t = {us / 1000000, (us % 1000000) * 1000};
    while (nanosleep(&t, &t) < 0 && errno == EINTR)
        ;
}

static int open_fifo(const char *path)
{
    if (mkfifo(path, 0600) < 0 && errno != EEXIST)
        return -1;
    return open(path, O_RDWR | O_CLOEXEC); /* never blocks, never sees EOF */
}

/* Reads one record; 0 on success, -1 on timeout. */
static int read_rec(int fd, int timeout_ms, char *tag, long long *value)
{
    char buf[REC + 1];
    size_t have = 0;
    long long limit = now_ns() + timeout_ms * 1000000LL;
    while (have < REC) {
        long long left = (limit - now_ns()) / 1000000;
        struct pollfd p = {fd, POLLIN, 0};
        if (left < 0 || poll(&p, 1, (int)left) <= 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        ssize_t n = read(fd, buf + have, REC - have);
        if (n > 0)
            have += (size_t)n;
    }
    buf[REC] = 0;
    *tag = buf[0];
    *value = atoll(buf + 2);
    return 0;
}

static volatile pid_t current_top;

/* SIGINT/SIGTERM (Ctrl-C, or bench/run.sh cleaning up): kill this run's group
 * (the payloads die with their parent: PR_SET_PDEATHSIG) and go. */
static void on_stop(int sig)
{
    if (current_top > 0)
        kill(-current_top, SIGKILL); /* SIGKILL ends stopped processes too */
    _exit(128 + sig);
}

static pid_t spawn(char **argv)
{
    pid_t pid = fork();
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        setpgid(0, 0);
        dup2(devnull, 1);
        execv(argv[0], argv);
        _exit(127);
    }
    if (pid > 0) {
        setpgid(pid, pid);
        current_top = pid;
    }
    return pid;
}

static void kill_own_children(void)
{
    char path[300], buf[512];
    DIR *d = opendir("/proc");
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        ssize_t len = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
        if (fd >= 0)
            close(fd);
        if (len <= 0)
            continue;
        buf[len] = 0;
        char *r = strrchr(buf, ')');
        if (r && r[1] == ' ' && atoi(r + 4) == getpid())
            kill(atoi(buf), SIGKILL);
    }
    if (d)
        closedir(d);
}

/* Ends the run: up to grace_ms for the top to exit by itself, then SIGTERM to it
 * (inits forward it; the payloads die of it), up to 2 s, then SIGKILL to the
 * run's process group. Returns the top's wait status. */
static int finish(pid_t top, int grace_ms)
{
    int status = -1;
    for (int i = -grace_ms / 10; i < 200; i++) {
        pid_t p = waitpid(top, &status, WNOHANG);
        if (p == top)
            break;
        if (i == 0)
            kill(top, SIGTERM);
        if (i == 199) {
            kill(-top, SIGKILL);
            waitpid(top, &status, 0);
        }
        sleep_us(10000);
    }
    kill(-top, SIGKILL); /* stragglers that stayed in the group (none, normally) */
    /* We are a child subreaper: whatever the run left behind (an init that died
     * of a signal orphans its children) is now our child. End and reap it. */
    for (int i = 0; i < 500; i++) {
        pid_t p;
        while ((p = waitpid(-1, NULL, WNOHANG)) > 0)
            ;
        if (p < 0 && errno == ECHILD)
            break;
        kill_own_children();
        sleep_us(2000);
    }
    return status;
}

struct proc {
    int pid, ppid;
    char comm[32];
};

static int scan(struct proc *ps, int max)
{
    int n = 0;
    DIR *d = opendir("/proc");
    struct dirent *e;
    while (d && n < max && (e = readdir(d))) {
        char path[300], buf[512];
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            continue;
        ssize_t len = read(fd, buf, sizeof buf - 1);
        close(fd);
        if (len <= 0)
            continue;
        buf[len] = 0;
        char *l = strchr(buf, '('), *r = strrchr(buf, ')');
        if (!l || !r || r[1] != ' ')
            continue;
        ps[n].pid = atoi(buf);
        snprintf(ps[n].comm, sizeof ps[n].comm, "%.*s", (int)(r - l - 1), l + 1);
        ps[n].ppid = atoi(r + 4); /* ") S ppid" */
        n++;
    }
    if (d)
        closedir(d);
    return n;
}

static int parent_of(const struct proc *ps, int n, int pid)
{
    for (int i = 0; i < n; i++)
        if (ps[i].pid == pid)
            return ps[i].ppid;
    return 0;
}

static int descends(const struct proc *ps, int n, int pid, int top)
{
    for (int depth = 0; pid > 1 && depth < 64; depth++) {
        if (pid == top)
            return 1;
        pid = parent_of(ps, n, pid);
    }
    return pid == top;
}

static struct proc procs[65536];

static int find_payload(pid_t top, const char *comm)
{
    int n = scan(procs, 65536);
    for (int i = 0; i < n; i++)
        if (strcmp(procs[i].comm, comm) == 0 && descends(procs, n, procs[i].pid, top))
            return procs[i].pid;
    return 0;
}

static char state_of(int pid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t len = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
    if (fd >= 0)
        close(fd);
    if (len <= 0)
        return '?';
    buf[len] = 0;
    char *r = strrchr(buf, ')');
    return r ? r[2] : '?';
}

static int cmd_signal(int argc, char **argv)
{
    if (argc < 7)
        return 2;
    long rounds = atol(argv[2]), gap = atol(argv[3]);
    FILE *out = fopen(argv[4], "w");
    int fd = open_fifo(argv[5]);
    char tag;
    long long v;
    if (!out || fd < 0)
        return 2;
    pid_t top = spawn(argv + 7);
    if (top < 0 || read_rec(fd, 10000, &tag, &v) < 0 || tag != 'R') {
        fprintf(stderr, "driver signal: %s: the payload did not start\n", argv[7]);
        finish(top, 0);
        fclose(out);
        return 1;
    }
    sleep_us(100000);
    for (long i = -20; i < rounds; i++) { /* 20 warm-up rounds */
        sleep_us(gap);
        long long t0 = now_ns();
        kill(top, SIGUSR1);
        if (read_rec(fd, 1000, &tag, &v) < 0 || tag != 'S') {
            int status;
            if (waitpid(top, &status, WNOHANG) == top && WIFSIGNALED(status))
                fprintf(out, "NA %s died of SIGUSR1: it does not forward it\n", argv[7]);
            else
                fprintf(out, "NA %s did not forward SIGUSR1 to the payload\n", argv[7]);
            break;
        }
        if (i >= 0)
            fprintf(out, "%.3f\n", (v - t0) / 1000.0);
    }
    fclose(out);
    finish(top, 0);
    return 0;
}

/* Nanoseconds the process has run on a CPU (first field of /proc/PID/schedstat). */
static long long cpu_ns(int pid)
{
    char path[64], buf[128];
    snprintf(path, sizeof path, "/proc/%d/schedstat", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t len = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
    if (fd >= 0)
        close(fd);
    if (len <= 0)
        return -1;
    buf[len] = 0;
    return atoll(buf);
}

static int expect(int fd, int timeout_ms, char want, long long *value, const char *what)
{
    char tag = '?';
    if (read_rec(fd, timeout_ms, &tag, value) == 0 && tag == want)
        return 0;
    fprintf(stderr, "driver reap: %s: got '%c' %lld instead of '%c'\n", what, tag, *value, want);
    return -1;
}

static int cmd_reap(int argc, char **argv)
{
    if (argc < 8)
        return 2;
    int burst = strcmp(argv[2], "burst") == 0;
    FILE *out = fopen(argv[4], "a");
    int fd = open_fifo(argv[5]), go = open_fifo(argv[6]);
    long long v = 0, tb, tf, te, t0 = 0, c0, c1;
    int init = 0, stopped = 0, rc = 1;
    if (!out || fd < 0 || go < 0)
        return 2;
    pid_t top = spawn(argv + 8);
    if (top < 0) {
        fclose(out);
        return 1;
    }
    if (expect(fd, 10000, 'R', &v, "payload start") < 0)
        goto done;
    int payload = find_payload(top, "orphans");
    init = payload ? parent_of(procs, scan(procs, 65536), payload) : 0;
    if (!init) {
        fprintf(stderr, "driver reap: cannot find the payload's init\n");
        goto done;
    }
    if (burst) {
        kill(init, SIGSTOP);
        stopped = 1;
        for (int i = 0; i < 1000 && state_of(init) != 'T'; i++)
            sleep_us(1000);
    }
    c0 = cpu_ns(init);
    if ((void)!write(go, "g", 1), expect(fd, 10000, 'B', &tb, "begin") < 0 ||
        expect(fd, 300000, 'F', &tf, "orphans made") < 0)
        goto done;
    if (burst) {
        t0 = now_ns();
        kill(init, SIGCONT);
        stopped = 0;
    }
    if (expect(fd, 120000, 'T', &te, "all reaped") < 0)
        goto done;
    c1 = cpu_ns(init);
    (void)!write(go, "e", 1); /* the payload may end now */
    /* elapsed, drain (last fork to all reaped), the reaping init's CPU time */
    fprintf(out, "%lld %lld %lld\n", burst ? te - t0 : te - tb, te - tf, c1 - c0);
    rc = 0;
done:
    if (stopped)
        kill(init, SIGCONT);
    fclose(out);
    int status = finish(top, rc == 0 ? 10000 : 0);
    if (rc == 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
        fprintf(stderr, "driver reap: %s ended with status 0x%x\n", argv[8], status);
        rc = 1;
    }
    return rc;
}

struct sample {
    int pid;
    char comm[32];
    long rss_kb, anon_kb, switches;
};

static void read_status(struct sample *s)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", s->pid);
    FILE *f = fopen(path, "r");
    s->rss_kb = s->anon_kb = s->switches = -1;
    if (!f)
        return;
    long v, sw = 0;
    while (fgets(line, sizeof line, f)) {
        if (sscanf(line, "VmRSS: %ld", &v) == 1)
            s->rss_kb = v;
        else if (sscanf(line, "RssAnon: %ld", &v) == 1)
            s->anon_kb = v;
        else if (sscanf(line, "voluntary_ctxt_switches: %ld", &v) == 1 ||
                 sscanf(line, "nonvoluntary_ctxt_switches: %ld", &v) == 1)
            sw += v;
    }
    s->switches = sw;
    fclose(f);
}

static int cmd_idle(int argc, char **argv)
{
    if (argc < 6)
        return 2;
    long seconds = atol(argv[2]);
    FILE *out = fopen(argv[3], "w");
    int fd = open_fifo(argv[4]);
    char tag;
    long long v;
    struct sample s[16];
    int ns = 0;
    if (!out || fd < 0)
        return 2;
    pid_t top = spawn(argv + 6);
    if (top < 0 || read_rec(fd, 10000, &tag, &v) < 0 || tag != 'R') {
        fprintf(stderr, "driver idle: %s: the payload did not start\n", argv[6]);
        finish(top, 0);
        fclose(out);
        return 1;
    }
    sleep_us(500000);
    int n = scan(procs, 65536);
    for (int i = 0; i < n && ns < 16; i++)
        if (descends(procs, n, procs[i].pid, top) && strcmp(procs[i].comm, "sig_payload") != 0) {
            s[ns].pid = procs[i].pid;
            snprintf(s[ns].comm, sizeof s[ns].comm, "%s", procs[i].comm);
            read_status(&s[ns]);
            ns++;
        }
    sleep_us(seconds * 1000000L);
    for (int i = 0; i < ns; i++) {
        struct sample after = s[i];
        read_status(&after);
        fprintf(out, "%d %s %ld %ld %ld\n", s[i].pid, s[i].comm, after.rss_kb,
                after.switches < 0 ? -1 : after.switches - s[i].switches, after.anon_kb);
    }
    fclose(out);
    finish(top, 0);
    return 0;
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    signal(SIGINT, on_stop);
    signal(SIGTERM, on_stop);
    signal(SIGHUP, on_stop);
    if (argc > 1 && strcmp(argv[1], "signal") == 0)
        return cmd_signal(argc, argv);
    if (argc > 1 && strcmp(argv[1], "reap") == 0)
        return cmd_reap(argc, argv);
    if (argc > 1 && strcmp(argv[1], "idle") == 0)
        return cmd_idle(argc, argv);
    fprintf(stderr, "usage: driver signal|reap|idle ... (see bench/driver.c)\n");
    return 2;
}
