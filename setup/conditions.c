#include "setup/conditions.h"

#include "setup/procfs.h"

#define SECCOMP_PROFILE_FIX                                                                                    \
    "docker run --security-opt seccomp=nestinit.json (contrib/seccomp in nestinit's source; or "               \
    "seccomp=unconfined), Kubernetes securityContext.seccompProfile {type: Localhost, localhostProfile: "      \
    "nestinit.json}, or docker run --cap-add SYS_ADMIN (Docker's profile then allows namespaces)"

static const struct {
    const char *cause, *fix;
} conditions[COND_COUNT] = {
    [COND_SECCOMP_NAMESPACES] = {"the container's seccomp filter refuses it (Docker's default profile blocks "
                                 "unshare/clone with namespace flags unless CAP_SYS_ADMIN)",
                                 SECCOMP_PROFILE_FIX},
    [COND_SECCOMP_ENOSYS] = {"a seccomp filter answers ENOSYS for clone", SECCOMP_PROFILE_FIX},
    [COND_NEEDS_USERNS] = {"without a user namespace these namespaces need CAP_SYS_ADMIN", "keep user in --unshare"},
    [COND_APPARMOR_USERNS] = {"AppArmor restricts unprivileged user namespaces "
                              "(kernel.apparmor_restrict_unprivileged_userns=1)",
                              "on the host, sysctl -w kernel.apparmor_restrict_unprivileged_userns=0 or an AppArmor "
                              "profile that allows userns, or docker run --security-opt apparmor=unconfined"},
    [COND_UNPRIV_USERNS_OFF] = {"unprivileged user namespaces are disabled (kernel.unprivileged_userns_clone=0)",
                                "on the host, sysctl -w kernel.unprivileged_userns_clone=1"},
    [COND_USERNS_DISABLED] = {"user namespaces are disabled here (user.max_user_namespaces=0)",
                              "on the host, sysctl -w user.max_user_namespaces=15000"},
    [COND_KERNEL_LACKS_NS] = {"this kernel lacks one of the namespaces asked for (CONFIG_USER_NS, CONFIG_PID_NS, ...)",
                              "drop it from --unshare"},
    [COND_NO_SETFCAP] = {"mapping uid 0 needs CAP_SETFCAP (Linux >= 5.12) and this process lacks it",
                         "docker/podman run --cap-add SETFCAP (in Docker's default set; --cap-drop ALL removes it), "
                         "or run the container as a non-root --user"},
    [COND_PROC_READ_ONLY] = {"/proc is mounted read-only, and the id maps of a new user namespace are written through it",
                             "mount /proc read-write (engines do), or --unshare without user"},
    [COND_FULL_MAP_CAPS] = {"a full map needs CAP_SETUID and CAP_SETGID over every id of this namespace", "--map root"},
    [COND_MAP_TOO_LONG] = {"this namespace's map has many ranges with long ids", "--map root"},
    [COND_PROC_FOREIGN] = {"the procfs at /proc belongs to a pid namespace that does not contain this one",
                           "mount this container's procfs at /proc"},
    [COND_MASKS_NEED_SYS_ADMIN] = {"only a process that may unmount the masks itself (CAP_SYS_ADMIN over its mount "
                                   "namespace) may have a procfs without them",
                                   "docker/podman run --cap-add SYS_ADMIN, or " PROC_UNMASK_FIX},
};

const char *condition_cause(enum condition c)
{
    return conditions[c].cause;
}

const char *condition_fix(enum condition c)
{
    return conditions[c].fix;
}

void nerr_condition(struct nerr *e, enum condition c)
{
    nerr_cause(e, "%s", conditions[c].cause);
    nerr_fix(e, "%s", conditions[c].fix);
}
