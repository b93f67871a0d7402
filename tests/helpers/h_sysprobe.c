/* h_sysprobe: calls syscalls that nestinit's --seccomp default denies, each
 * with arguments the kernel rejects before doing anything (wrong magic,
 * unknown command, invalid flags, nonexistent path, bad fd, NULL pointer),
 * and prints one line per call: "NAME ERRNO" (symbolic), or "NAME OK" if it
 * returned success, "NAME SIG<n>" if it killed the probe child.
 * Every call runs in a forked child, so a trap or kill cannot end the probe.
 *
 * Harmless as real root too: reboot gets wrong magic numbers, acct and
 * swapon/swapoff a nonexistent path, kexec_* invalid flags, *_module a
 * NULL/empty image or unknown module name, iopl/ioperm out-of-range values.
 *
 * Extra lines (not in the filter list): "getpid OK" (control: ordinary calls
 * pass), "i386_keyctl" via int $0x80 and "x32_keyctl" (compat entry points
 * on x86_64). Built by the Makefile: build/helpers/h_sysprobe for
 * tests/privileges/seccomp.sh, build/probes/h_sysprobe for the engine images. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../probes/errnames.h"


#define NOPATH "/nonexistent/nestinit-h_sysprobe"

static long call(const char *name)
{
    if (!strcmp(name, "keyctl")) return syscall(SYS_keyctl, 99999, 0, 0, 0, 0);
    if (!strcmp(name, "add_key")) return syscall(SYS_add_key, "", "x", NULL, 0, -2);
    if (!strcmp(name, "request_key")) return syscall(SYS_request_key, "", "x", NULL, 0);
    if (!strcmp(name, "kexec_load")) return syscall(SYS_kexec_load, 0UL, 0UL, NULL, 0x4000UL);
#ifdef SYS_kexec_file_load
    if (!strcmp(name, "kexec_file_load")) return syscall(SYS_kexec_file_load, -1, -1, 0UL, NULL, 0x80000000UL);
#endif
    if (!strcmp(name, "init_module")) return syscall(SYS_init_module, NULL, 0UL, "");
    if (!strcmp(name, "finit_module")) return syscall(SYS_finit_module, -1, "", 0);
    if (!strcmp(name, "delete_module")) return syscall(SYS_delete_module, "nestinit_no_such_module", O_NONBLOCK);
    if (!strcmp(name, "open_by_handle_at")) return syscall(SYS_open_by_handle_at, -1, NULL, 0);
#ifdef SYS_iopl
    if (!strcmp(name, "iopl")) return syscall(SYS_iopl, 4);
    if (!strcmp(name, "ioperm")) return syscall(SYS_ioperm, 65536UL, 1UL, 0);
#endif
    if (!strcmp(name, "swapon")) return syscall(SYS_swapon, NOPATH, 0);
    if (!strcmp(name, "swapoff")) return syscall(SYS_swapoff, NOPATH);
    if (!strcmp(name, "reboot")) return syscall(SYS_reboot, 0, 0, 0, NULL); /* wrong magic */
    if (!strcmp(name, "acct")) return syscall(SYS_acct, NOPATH);           /* never NULL: that turns accounting off */
    if (!strcmp(name, "bpf")) return syscall(SYS_bpf, 99999, NULL, 0);
    if (!strcmp(name, "perf_event_open")) return syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0UL);
    if (!strcmp(name, "userfaultfd")) return syscall(SYS_userfaultfd, 1 | 0x40000000); /* USER_MODE_ONLY + bad bit */
    if (!strcmp(name, "io_uring_setup")) return syscall(SYS_io_uring_setup, 0U, NULL); /* 0 entries: EINVAL */
    if (!strcmp(name, "io_uring_enter")) return syscall(SYS_io_uring_enter, -1, 0U, 0U, 0U, NULL, 0UL);
    if (!strcmp(name, "io_uring_register")) return syscall(SYS_io_uring_register, -1, 0U, NULL, 0U);
    if (!strcmp(name, "migrate_pages")) return syscall(SYS_migrate_pages, -1, 0UL, NULL, NULL); /* no such pid */
    if (!strcmp(name, "move_pages")) return syscall(SYS_move_pages, 0, 0UL, NULL, NULL, NULL, 0x80000000); /* bad flag */
    if (!strcmp(name, "sysfs")) return syscall(SYS_sysfs, 99); /* unknown option */
    if (!strcmp(name, "ustat")) return syscall(SYS_ustat, 0U, NULL); /* no such device */
    if (!strcmp(name, "clock_settime")) return syscall(SYS_clock_settime, -1, NULL); /* invalid clock */
    if (!strcmp(name, "getpid")) return syscall(SYS_getpid) > 0 ? 0 : -1;
#if defined(__x86_64__)
    if (!strcmp(name, "i386_keyctl")) { /* i386 keyctl = 288, via the compat entry */
        long ret = 288;
        __asm__ volatile("int $0x80" : "+a"(ret) : "b"(99999), "c"(0), "d"(0), "S"(0), "D"(0)
                         : "r8", "r9", "r10", "r11", "memory");
        if (ret < 0 && ret > -4096) { errno = (int)-ret; return -1; }
        return ret;
    }
    if (!strcmp(name, "x32_keyctl")) return syscall(0x40000000L | 250, 99999, 0, 0, 0, 0);
#endif
    errno = ENOSYS;
    return -2;
}

int main(int argc, char **argv)
{
    static const char *const all[] = {
        "keyctl", "add_key", "request_key", "kexec_load", "kexec_file_load", "init_module", "finit_module",
        "delete_module", "open_by_handle_at", "iopl", "ioperm", "swapon", "swapoff", "reboot", "acct", "bpf",
        "perf_event_open", "userfaultfd", "io_uring_setup", "io_uring_enter", "io_uring_register", "migrate_pages",
        "move_pages", "sysfs", "ustat", "clock_settime", "getpid", "i386_keyctl", "x32_keyctl", NULL,
    };
    const char *const *names = argc > 1 ? (const char *const *)argv + 1 : all;
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (; *names; names++) {
        int pfd[2];
        if (pipe(pfd) < 0) return 2;
        pid_t pid = fork();
        if (pid < 0) return 2;
        if (pid == 0) {
            close(pfd[0]);
            long r = call(*names);
            int e = r < 0 ? errno : 0;
            char buf[64];
            int n = snprintf(buf, sizeof buf, "%s", r == -2 ? "UNKNOWN" : r < 0 ? errname(e) : "OK");
            if (write(pfd[1], buf, (size_t)n) < 0) _exit(3);
            _exit(0);
        }
        close(pfd[1]);
        char res[64] = "";
        ssize_t n = read(pfd[0], res, sizeof res - 1);
        close(pfd[0]);
        int status = 0;
        waitpid(pid, &status, 0);
        if (n > 0)
            res[n] = '\0';
        else if (WIFSIGNALED(status))
            snprintf(res, sizeof res, "SIG%d", WTERMSIG(status));
        else
            snprintf(res, sizeof res, "NORESULT");
        printf("%s %s\n", *names, res);
    }
    return 0;
}
