#include "setup/diagnose.h"

#include <errno.h>
#include <sched.h>
#include <unistd.h>

#include "setup/caps.h"
#include "base/files.h"
#include "setup/seccomp_probe.h"

#define PLAIN_FIX "or add --fallback plain to run the payload without nesting"

static void diagnose_eperm(struct nerr *e, int flags)
{
    struct seccomp_state sc;
    seccomp_state_read(&sc);
    if (sc.mode == 2 && seccomp_filter_refuses_mounts()) {
        nerr_hint(e, "cause: the container's seccomp filter refuses it (Docker's default profile blocks unshare/clone "
                     "with namespace flags unless CAP_SYS_ADMIN); fix: " SECCOMP_PROFILE_FIX ", " PLAIN_FIX);
        return;
    }
    if (!(flags & CLONE_NEWUSER) && !caps_have(CAP_SYS_ADMIN)) {
        nerr_hint(e, "cause: without a user namespace these namespaces need CAP_SYS_ADMIN; fix: keep user in --unshare");
        return;
    }
    if (file_read_long("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == 1) {
        nerr_hint(e, "cause: AppArmor restricts unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns=1); "
                     "fix: on the host, sysctl -w kernel.apparmor_restrict_unprivileged_userns=0 or an AppArmor profile "
                     "that allows userns, " PLAIN_FIX);
        return;
    }
    if (file_read_long("/proc/sys/kernel/unprivileged_userns_clone") == 0) {
        nerr_hint(e, "cause: unprivileged user namespaces are disabled (kernel.unprivileged_userns_clone=0); "
                     "fix: on the host, sysctl -w kernel.unprivileged_userns_clone=1, " PLAIN_FIX);
        return;
    }
    nerr_hint(e, "cause: refused by %s (seccomp mode %d, %d filter(s)); fix: allow clone/unshare with namespace "
                 "flags (docker run --security-opt seccomp=unconfined), " PLAIN_FIX,
              sc.mode == 2 ? "a seccomp filter or a security module" : "a security module or a chroot", sc.mode, sc.filters);
}

static void diagnose_limit(struct nerr *e)
{
    long users = file_read_long("/proc/sys/user/max_user_namespaces");
    if (users == 0)
        nerr_hint(e, "cause: user namespaces are disabled here (user.max_user_namespaces=0); fix: on the host, "
                     "sysctl -w user.max_user_namespaces=15000, " PLAIN_FIX);
    else
        nerr_hint(e, "cause: a namespace limit is reached (user.max_user_namespaces=%ld; see also max_pid_namespaces, "
                     "max_mnt_namespaces in /proc/sys/user) or the user namespace nesting depth of 32; fix: raise the "
                     "limit on the host, " PLAIN_FIX, users);
}

void diagnose_namespace_failure(struct nerr *e, int flags)
{
    switch (e->errnum) {
    case EPERM:
    case EACCES:
        diagnose_eperm(e, flags);
        break;
    case ENOSPC:
    case EUSERS:
        diagnose_limit(e);
        break;
    case EINVAL:
        nerr_hint(e, "cause: this kernel lacks one of the namespaces asked for (CONFIG_USER_NS, CONFIG_PID_NS, ...); "
                     "fix: drop it from --unshare, " PLAIN_FIX);
        break;
    case ENOSYS:
        nerr_hint(e, "cause: a seccomp filter answers ENOSYS for clone; fix: docker run --security-opt "
                     "seccomp=unconfined, " PLAIN_FIX);
        break;
    default:
        nerr_hint(e, PLAIN_FIX);
        break;
    }
}
