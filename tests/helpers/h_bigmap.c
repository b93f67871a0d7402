/* h_bigmap RANGES INSIDE OUTSIDE CMD [ARG...]: runs CMD as root of a new user
 * namespace whose uid_map and gid_map have RANGES lines: "0 0 1", then for
 * i = 1 .. RANGES-1 "INSIDE+2i OUTSIDE+2i 1" (one id each, never adjacent, so
 * nothing can merge them). Written by this process, as root of the parent
 * namespace, which may write any map of up to 340 lines (user_namespaces(7))
 * in one write of less than a page (kernel/user_namespace.c map_write): keep
 * the numbers short. Exits with CMD's status (125 when setup fails). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int write_map(pid_t pid, const char *name, int ranges, unsigned long in, unsigned long out)
{
    static char text[16384];
    char path[64];
    size_t used = (size_t)snprintf(text, sizeof text, "0 0 1\n");
    for (int i = 1; i < ranges && used < sizeof text; i++)
        used += (size_t)snprintf(text + used, sizeof text - used, "%lu %lu 1\n", in + 2UL * i, out + 2UL * i);
    snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, name);
    int fd = open(path, O_WRONLY | O_CLOEXEC); /* one write(2): stdio would split it */
    if (fd < 0 || write(fd, text, used) != (ssize_t)used || close(fd) != 0) {
        fprintf(stderr, "h_bigmap: write %zu bytes to %s: %m\n", used, path);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    int ready[2], go[2];
    char c = 0;
    if (argc < 5 || pipe(ready) < 0 || pipe(go) < 0)
        return fprintf(stderr, "usage: h_bigmap RANGES INSIDE OUTSIDE CMD [ARG...]\n"), 125;
    pid_t pid = fork();
    if (pid == 0) {
        if (unshare(CLONE_NEWUSER) < 0 || write(ready[1], "u", 1) != 1 || read(go[0], &c, 1) != 1)
            _exit(125);
        execvp(argv[4], argv + 4);
        fprintf(stderr, "h_bigmap: exec %s: %m\n", argv[4]);
        _exit(127);
    }
    if (pid < 0 || read(ready[0], &c, 1) != 1)
        return 125;
    int n = atoi(argv[1]);
    unsigned long in = strtoul(argv[2], NULL, 10), out = strtoul(argv[3], NULL, 10);
    if (write_map(pid, "uid_map", n, in, out) < 0 || write_map(pid, "gid_map", n, in, out) < 0 ||
        write(go[1], "g", 1) != 1) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        return 125;
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
