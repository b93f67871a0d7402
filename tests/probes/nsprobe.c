/* nsprobe: print what a payload sees, one "key=value" per line:
 *   pid, ppid, uid, gid, unshare_user (OK or errno of unshare(CLONE_NEWUSER) in
 *   a child), unshare_userpidns, seccomp (Seccomp: field of /proc/self/status),
 *   nnp (NoNewPrivs), capeff (CapEff).
 * Exit status 0. */
#define _GNU_SOURCE /* unshare(2), CLONE_NEW* */
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "errnames.h"

static void try_unshare(const char *key, int flags)
{
    int fds[2];
    if (pipe(fds) < 0) return;
    pid_t c = fork();
    if (c == 0) {
        int e = unshare(flags) == 0 ? 0 : errno;
        (void)!write(fds[1], &e, sizeof e);
        _exit(0);
    }
    close(fds[1]);
    int e = -1;
    if (read(fds[0], &e, sizeof e) != sizeof e) e = -1;
    close(fds[0]);
    if (c > 0) waitpid(c, NULL, 0);
    printf("%s=%s\n", key, e == 0 ? "OK" : e < 0 ? "?" : errname(e));
}

static void status_field(const char *field, const char *key)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    size_t n = strlen(field);
    if (!f) return;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, field, n) == 0 && line[n] == ':') {
            char *v = line + n + 1;
            v += strspn(v, " \t");
            v[strcspn(v, "\n")] = 0;
            printf("%s=%s\n", key, v);
        }
    }
    fclose(f);
}

int main(void)
{
    printf("pid=%d\nppid=%d\nuid=%d\ngid=%d\n", (int)getpid(), (int)getppid(), (int)getuid(), (int)getgid());
    try_unshare("unshare_user", CLONE_NEWUSER);
    try_unshare("unshare_userpidns", CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS);
    status_field("Seccomp", "seccomp");
    status_field("NoNewPrivs", "nnp");
    status_field("CapEff", "capeff");
    fflush(stdout);
    return 0;
}
