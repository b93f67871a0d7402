/* h_ptrace TARGET...: can this process act through another one? For each
 * TARGET prints one line
 *   TARGET pid=P seize=R attach=R mem=R environ=R fd=R vm=R getfd=R
 * R is OK, or the symbolic errno of the refusal:
 *   seize, attach  ptrace(PTRACE_SEIZE / PTRACE_ATTACH) (detached again at once)
 *   mem, environ   open /proc/P/mem (read-write), /proc/P/environ
 *   fd             readlink /proc/P/fd/0..2 (OK if any worked)
 *   vm             process_vm_readv of an unmapped address: EFAULT means the
 *                  access check passed, so it prints OK
 *   getfd          pidfd_getfd(pidfd_open(P), 0)
 * TARGET: a pid; "parent" (getppid()); "grandparent" (the parent's PPid in
 * /proc); "proc-up:K" (K steps up the PPid chain of /proc/self/status, in
 * the pid namespace of /proc: only the /proc checks run, the others print
 * "n/a" unless /proc is this process's own pid namespace); "child" (a child
 * of the probe: the control, everything must be OK).
 * Exit status: 0 when everything was refused, 1 when anything worked, 2 when a
 * target could not be resolved. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../probes/errnames.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

static int worked;

static const char *result(int ok, int err)
{
    if (ok) {
        worked = 1;
        return "OK";
    }
    return errname(err);
}

/* PPid of /proc/P/status (pid as /proc names it), or -1 */
static int proc_ppid(int pid)
{
    char path[64], line[256];
    int ppid = -1;
    snprintf(path, sizeof path, "/proc/%d/status", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "PPid: %d", &ppid) == 1)
            break;
    fclose(f);
    return ppid;
}

static int proc_is_ours(void)
{
    char buf[32];
    ssize_t n = readlink("/proc/self", buf, sizeof buf - 1);
    if (n <= 0)
        return 0;
    buf[n] = 0;
    return atoi(buf) == (int)getpid();
}

static void sleep_ms(int ms)
{
    struct timespec t = {0, ms * 1000000L};
    nanosleep(&t, NULL);
}

/* After a successful attach: wait (bounded) for the stop, then detach. */
static void undo_attach(int pid, int seized)
{
    int st;
    if (seized)
        ptrace(PTRACE_INTERRUPT, pid, 0, 0);
    for (int i = 0; i < 1000; i++) {
        if (waitpid(pid, &st, __WALL | WNOHANG) == pid)
            break;
        sleep_ms(1);
    }
    ptrace(PTRACE_DETACH, pid, 0, 0); /* else our exit detaches it */
}

static const char *try_ptrace(int pid, int request)
{
    long rc = ptrace(request, pid, 0, 0);
    int err = errno;
    if (rc == 0)
        undo_attach(pid, request == PTRACE_SEIZE);
    return result(rc == 0, err);
}

/* The access check is made at open (proc_mem_open, fs/proc/base.c): an open
 * that succeeds is the leak, whatever a read at offset 0 then says. */
static const char *try_open(int pid, const char *name, int flags)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/%s", pid, name);
    int fd = open(path, flags | O_CLOEXEC);
    if (fd < 0)
        return result(0, errno);
    close(fd);
    return result(1, 0);
}

static const char *try_fds(int pid)
{
    char path[64], target[256];
    int err = 0;
    for (int fd = 0; fd <= 2; fd++) {
        snprintf(path, sizeof path, "/proc/%d/fd/%d", pid, fd);
        if (readlink(path, target, sizeof target) >= 0)
            return result(1, 0);
        err = errno;
    }
    return result(0, err);
}

static const char *try_vm(int pid)
{
    char byte;
    struct iovec local = {&byte, 1}, remote = {(void *)1, 1};
    ssize_t n = process_vm_readv(pid, &local, 1, &remote, 1, 0);
    return result(n >= 0 || errno == EFAULT, errno);
}

static const char *try_getfd(int pid)
{
    int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (pidfd < 0)
        return result(0, errno);
    int fd = (int)syscall(SYS_pidfd_getfd, pidfd, 0, 0);
    int err = errno;
    close(pidfd);
    if (fd >= 0)
        close(fd);
    return result(fd >= 0, err);
}

/* pid: as this process names it (0: not in its pid namespace); procpid: as
 * /proc names it (0: not there) */
static void probe(const char *name, int pid, int procpid)
{
    printf("%s pid=%d", name, pid ? pid : procpid);
    if (pid) {
        printf(" seize=%s", try_ptrace(pid, PTRACE_SEIZE));
        printf(" attach=%s", try_ptrace(pid, PTRACE_ATTACH));
    } else {
        printf(" seize=n/a attach=n/a");
    }
    if (procpid) {
        printf(" mem=%s", try_open(procpid, "mem", O_RDWR));
        printf(" environ=%s", try_open(procpid, "environ", O_RDONLY));
        printf(" fd=%s", try_fds(procpid));
    } else {
        printf(" mem=n/a environ=n/a fd=n/a");
    }
    if (pid) {
        printf(" vm=%s", try_vm(pid));
        printf(" getfd=%s\n", try_getfd(pid));
    } else {
        printf(" vm=n/a getfd=n/a\n");
    }
    fflush(stdout);
}

/* our own pid as /proc names it */
static int proc_self(void)
{
    char buf[32];
    ssize_t n = readlink("/proc/self", buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    return atoi(buf);
}

/* the first child of ours as /proc names it */
static int proc_first_child(void)
{
    char path[64];
    int self = proc_self(), kid = 0;
    snprintf(path, sizeof path, "/proc/%d/task/%d/children", self, self);
    FILE *f = fopen(path, "r");
    if (f) {
        if (fscanf(f, "%d", &kid) != 1)
            kid = 0;
        fclose(f);
    }
    return kid;
}

int main(int argc, char **argv)
{
    int ours = proc_is_ours(), bad = 0;
    if (argc < 2) {
        fprintf(stderr, "usage: h_ptrace TARGET...\n");
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int pid = -1, procpid = -1;
        pid_t kid = 0;
        if (strcmp(a, "parent") == 0) {
            pid = (int)getppid();
        } else if (strcmp(a, "grandparent") == 0) {
            pid = ours ? proc_ppid((int)getppid()) : -1;
        } else if (strncmp(a, "proc-up:", 8) == 0) {
            procpid = proc_self();
            for (int k = atoi(a + 8); k > 0 && procpid > 0; k--)
                procpid = proc_ppid(procpid);
            pid = ours ? procpid : 0;
        } else if (strcmp(a, "child") == 0) {
            kid = fork();
            if (kid == 0) {
                pause();
                _exit(0);
            }
            pid = (int)kid;
            if (!ours) {
                sleep_ms(20); /* it shows in children once it exists */
                procpid = proc_first_child();
            }
        } else {
            pid = atoi(a);
        }
        if (procpid < 0)
            procpid = ours ? pid : 0;
        if (pid < 0 || (pid == 0 && procpid <= 0)) {
            printf("%s unresolved (/proc is %s pid namespace)\n", a, ours ? "this" : "another");
            bad = 1;
            continue;
        }
        int worked_before = worked;
        probe(a, pid, procpid);
        if (kid > 0) {
            kill(kid, SIGKILL);
            waitpid(kid, NULL, 0);
            worked = worked_before; /* the control's successes do not count */
        }
    }
    return bad ? 2 : worked;
}
