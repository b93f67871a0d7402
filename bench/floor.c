/* floor: the least a pid-1 shim can do to give COMMAND what `nestinit -- COMMAND`
 * gives it by default: new user, pid and mount namespaces (uid/gid maps written
 * by the parent, 0 -> 0 over every id, as nestinit's --map full does as root), a
 * fresh /proc, and a pid 1 that forks, execs and reaps. No option parsing, no
 * diagnostics, no signal forwarding, no /-rprivate remount: the reference that
 * bench/run.sh divides by.  Build: musl-gcc -static -Os -o floor floor.c */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
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

int main(int argc, char **argv)
{
    int sync[2], status;
    char c;
    if (argc < 2 || pipe2(sync, O_CLOEXEC) < 0)
        return 125;
    pid_t pid = (pid_t)syscall(SYS_clone, CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | SIGCHLD, 0, 0, 0, 0);
    if (pid < 0)
        return 125;
    if (pid == 0) { /* pid 1 of the new namespace */
        close(sync[1]);
        if (read(sync[0], &c, 1) != 0) /* EOF: the maps are written */
            _exit(125);
        if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
            _exit(125);
        pid_t cmd = fork();
        if (cmd == 0) {
            execvp(argv[1], argv + 1);
            _exit(127);
        }
        for (;;) { /* reaps every orphan of the namespace, returns with the command */
            pid_t p = wait(&status);
            if (p == cmd)
                _exit(code(status));
            if (p < 0 && errno != EINTR)
                _exit(125);
        }
    }
    close(sync[0]);
    if (put(pid, "uid_map", "0 0 4294967295") < 0 || put(pid, "gid_map", "0 0 4294967295") < 0) {
        kill(pid, SIGKILL);
        return 125;
    }
    close(sync[1]);
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return 125;
    return code(status);
}
