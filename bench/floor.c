/* floor: the least a pid-1 shim can do to give COMMAND what `nestinit -- COMMAND`
 * gives it by default, on each of nestinit's routes: the reference that
 * bench/run.sh divides by. No option parsing, no diagnostics, no signal
 * forwarding, no mountinfo: what the route needs and nothing else.
 *
 *   floor CMD...                user namespace first (a host, an unmasked
 *       engine): new user, pid and mount namespaces in one clone, uid/gid maps
 *       written by the parent (0 -> 0 over every id, as nestinit's --map full
 *       does as root), a fresh /proc, and a pid 1 that forks, execs and reaps.
 *   floor --pidns-first CMD...  pid namespace first (a container that grants
 *       CAP_SYS_ADMIN): new pid and mount namespaces, / made private, a fresh
 *       /proc with bench/run.sh's emulated container's masks put back (a fixed
 *       list: nestinit reads them from mountinfo), then new user and mount
 *       namespaces (which lock those masks), the maps, fork, exec, reap.
 *   floor --no-pidns CMD...     no pid namespace (a container that masks /proc
 *       and grants no CAP_SYS_ADMIN): new user and mount namespaces, the maps;
 *       the clone child execs CMD under the container's /proc, the parent
 *       reaps (as a child subreaper when it is not pid 1).
 *
 * Build: musl-gcc -static -Os -o floor floor.c */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int put(pid_t pid, const char *name, const char *text)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, name);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = write(fd, text, strlen(text));
    close(fd);
    return n == (ssize_t)strlen(text) ? 0 : -1;
}

static int code(int status)
{
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Reaps every child until `cmd` exits; returns its exit code. */
static int reap_until(pid_t cmd)
{
    int status;
    for (;;) {
        pid_t p = wait(&status);
        if (p == cmd)
            return code(status);
        if (p < 0 && errno != EINTR)
            return 125;
    }
}

/* pid 1 of the new pid namespace: fork, exec, reap. */
static void init_of(char **argv)
{
    pid_t cmd = fork();
    if (cmd == 0) {
        execvp(argv[0], argv);
        _exit(127);
    }
    _exit(cmd < 0 ? 125 : reap_until(cmd));
}

/* The masks of mk/docker-like-proc.sh, put back on the fresh /proc. */
static int put_masks(void)
{
    static const char *const null_files[] = {"/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
                                             "/proc/timer_stats", "/proc/sched_debug"};
    static const char *const dirs[] = {"/proc/acpi", "/proc/scsi"};
    static const char *const ro[] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"};
    struct stat st;
    for (unsigned i = 0; i < sizeof null_files / sizeof *null_files; i++)
        if (stat(null_files[i], &st) == 0 && mount("/dev/null", null_files[i], NULL, MS_BIND, NULL) < 0)
            return -1;
    for (unsigned i = 0; i < sizeof dirs / sizeof *dirs; i++)
        if (stat(dirs[i], &st) == 0 && mount("tmpfs", dirs[i], "tmpfs", MS_RDONLY, NULL) < 0)
            return -1;
    for (unsigned i = 0; i < sizeof ro / sizeof *ro; i++)
        if (stat(ro[i], &st) == 0 && (mount(ro[i], ro[i], NULL, MS_BIND, NULL) < 0 ||
                                      mount(NULL, ro[i], NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0))
            return -1;
    return 0;
}

enum route { USERNS_FIRST, PIDNS_FIRST, NO_PIDNS };

/* The clone child. `crossed` tells the parent that the user namespace exists
 * (pid-first route); EOF on `go` says the maps are written. */
static void child(enum route r, int crossed, int go, char **argv)
{
    char c;
    if (r == PIDNS_FIRST) {
        if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
            mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0 || put_masks() < 0 ||
            unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
            _exit(125);
        close(crossed);
    }
    if (read(go, &c, 1) != 0)
        _exit(125);
    if (r == NO_PIDNS) {
        execvp(argv[0], argv);
        _exit(127);
    }
    if (r == USERNS_FIRST && mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
        _exit(125);
    init_of(argv);
}

int main(int argc, char **argv)
{
    static const int flags[] = {CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS, CLONE_NEWPID | CLONE_NEWNS,
                                CLONE_NEWUSER | CLONE_NEWNS};
    enum route r = USERNS_FIRST;
    int sync[2], crossed[2] = {-1, -1};
    char c;
    if (argc > 1 && strcmp(argv[1], "--pidns-first") == 0)
        r = PIDNS_FIRST;
    else if (argc > 1 && strcmp(argv[1], "--no-pidns") == 0)
        r = NO_PIDNS;
    argv += r == USERNS_FIRST ? 1 : 2;
    /* `crossed` only where the route needs it: the floor does nothing extra. */
    if (!argv[0] || pipe2(sync, O_CLOEXEC) < 0 || (r == PIDNS_FIRST && pipe2(crossed, O_CLOEXEC) < 0))
        return 125;
    if (r == NO_PIDNS && getpid() != 1)
        prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); /* the payload's orphans come to us */
    pid_t pid = (pid_t)syscall(SYS_clone, flags[r] | SIGCHLD, 0, 0, 0, 0);
    if (pid < 0)
        return 125;
    if (pid == 0) {
        close(sync[1]);
        if (r == PIDNS_FIRST)
            close(crossed[0]);
        child(r, crossed[1], sync[0], argv);
    }
    close(sync[0]);
    if (r == PIDNS_FIRST)
        close(crossed[1]);
    if ((r == PIDNS_FIRST && read(crossed[0], &c, 1) != 0) || put(pid, "uid_map", "0 0 4294967295") < 0 ||
        put(pid, "gid_map", "0 0 4294967295") < 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        return 125;
    }
    close(sync[1]);
    return reap_until(pid);
}
