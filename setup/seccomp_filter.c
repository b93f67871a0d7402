#include "setup/seccomp_filter.h"

#include <errno.h>
#include <seccomp.h>

/* Each is denied by Docker's default profile (moby/profiles seccomp/default.json,
 * 2026-05) for a container without the matching capability, and none is needed
 * to build nested namespaces: kernel keyrings (not namespaced), kexec and
 * kernel modules, handle-based opens that escape bind mounts, raw I/O ports,
 * swap, reboot, process accounting, eBPF and perf (kernel attack surface),
 * userfaultfd (exploit primitive), quotas, the kernel log, the clocks, and
 * obsolete calls. Denied by both Docker's and Podman's (containers/common
 * pkg/seccomp/seccomp.json, 2025-04) whatever the capabilities: io_uring
 * (its rings run calls seccomp never sees; Docker dropped it in moby#46762),
 * NUMA page migration of other processes (migrate_pages, move_pages) and the
 * obsolete sysfs and ustat. Left allowed: pivot_root, which Docker denies but
 * bwrap and container runtimes in the payload need. */
static const char *const seccomp_denied_syscalls[] = {
    "keyctl", "add_key", "request_key",
    "kexec_load", "kexec_file_load",
    "init_module", "finit_module", "delete_module", "create_module", "query_module", "get_kernel_syms",
    "open_by_handle_at",
    "iopl", "ioperm",
    "swapon", "swapoff",
    "reboot",
    "acct",
    "bpf", "perf_event_open", "lookup_dcookie", "fanotify_init",
    "userfaultfd",
    "io_uring_setup", "io_uring_enter", "io_uring_register",
    "migrate_pages", "move_pages",
    "quotactl", "quotactl_fd",
    "syslog",
    "settimeofday", "clock_settime", "clock_settime64", "stime", "clock_adjtime", "clock_adjtime64",
    "vhangup",
    "uselib", "nfsservctl", "_sysctl", "sysfs", "ustat", "vm86", "vm86old",
    NULL,
};

/* 32-bit and x32 calls reach an x86_64 kernel too: filter them as well. */
static void add_compat_arches(scmp_filter_ctx ctx)
{
    if (seccomp_arch_native() == SCMP_ARCH_X86_64) {
        seccomp_arch_add(ctx, SCMP_ARCH_X86);
        seccomp_arch_add(ctx, SCMP_ARCH_X32);
    } else if (seccomp_arch_native() == SCMP_ARCH_AARCH64) {
        seccomp_arch_add(ctx, SCMP_ARCH_ARM);
    }
}

int seccomp_filter_load(bool no_new_privs, struct nerr *e)
{
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    int rc;
    if (ctx == NULL)
        return nerr_set(e, ENOMEM, "--seccomp default: create the filter");
    /* no_new_privs only when asked: as root of the new namespace we may load without it. */
    seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, no_new_privs ? 1 : 0);
    seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1); /* the kernel's errno, not ECANCELED */
    add_compat_arches(ctx);
    for (const char *const *name = seccomp_denied_syscalls; *name; name++) {
        int nr = seccomp_syscall_resolve_name(*name);
        if (nr == __NR_SCMP_ERROR)
            continue; /* not a call of this architecture */
        rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0);
        if (rc < 0 && rc != -EDOM) { /* EDOM: no such call on one of the arches */
            seccomp_release(ctx);
            return nerr_set(e, -rc, "--seccomp default: add the rule for %s", *name);
        }
    }
    rc = seccomp_load(ctx);
    seccomp_release(ctx);
    if (rc < 0)
        return nerr_set(e, -rc, "--seccomp default: load the filter (needs CAP_SYS_ADMIN in the namespace or --no-new-privs)");
    return 0;
}
