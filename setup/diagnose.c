#include "setup/diagnose.h"

#include <errno.h>
#include <sched.h>
#include <unistd.h>

#include "base/files.h"
#include "setup/caps.h"
#include "setup/conditions.h"
#include "setup/seccomp_probe.h"

static void diagnose_eperm(struct nerr *e, int flags)
{
    struct seccomp_state sc;
    seccomp_state_read(&sc);
    if (sc.mode == 2 && seccomp_filter_refuses_mounts())
        nerr_condition(e, COND_SECCOMP_NAMESPACES);
    else if (!(flags & CLONE_NEWUSER) && !caps_have(CAP_SYS_ADMIN))
        nerr_condition(e, COND_NEEDS_USERNS);
    else if (file_read_long("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == 1)
        nerr_condition(e, COND_APPARMOR_USERNS);
    else if (file_read_long("/proc/sys/kernel/unprivileged_userns_clone") == 0)
        nerr_condition(e, COND_UNPRIV_USERNS_OFF);
    else {
        nerr_cause(e, "refused by %s (seccomp mode %d, %d filter(s))",
                   sc.mode == 2 ? "a seccomp filter or a security module" : "a security module or a chroot", sc.mode,
                   sc.filters);
        nerr_fix(e, "allow clone/unshare with namespace flags (docker run --security-opt seccomp=unconfined)");
    }
}

static void diagnose_limit(struct nerr *e)
{
    long users = file_read_long("/proc/sys/user/max_user_namespaces");
    if (users == 0) {
        nerr_condition(e, COND_USERNS_DISABLED);
        return;
    }
    nerr_cause(e, "a namespace limit is reached (user.max_user_namespaces=%ld; see also max_pid_namespaces, "
                  "max_mnt_namespaces in /proc/sys/user) or the user namespace nesting depth of 32", users);
    nerr_fix(e, "raise the limit on the host");
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
        nerr_condition(e, COND_KERNEL_LACKS_NS);
        break;
    case ENOSYS:
        nerr_condition(e, COND_SECCOMP_ENOSYS);
        break;
    default:
        break;
    }
    nerr_add_fix(e, PLAIN_FIX);
}
