/* The conditions users meet most, each with its likely cause and its fix per
 * engine, in one table: the run's diagnosis and --check say the same. */
#ifndef NESTINIT_CONDITIONS_H
#define NESTINIT_CONDITIONS_H

#include "base/error.h"

enum condition {
    COND_SECCOMP_NAMESPACES,   /* a seccomp filter refuses namespace flags (Docker's default profile) */
    COND_SECCOMP_ENOSYS,       /* a filter answers ENOSYS for clone */
    COND_NEEDS_USERNS,         /* pid/mount namespaces without a user namespace need CAP_SYS_ADMIN */
    COND_APPARMOR_USERNS,      /* kernel.apparmor_restrict_unprivileged_userns=1 */
    COND_UNPRIV_USERNS_OFF,    /* kernel.unprivileged_userns_clone=0 */
    COND_USERNS_DISABLED,      /* user.max_user_namespaces=0 */
    COND_KERNEL_LACKS_NS,      /* EINVAL from clone */
    COND_NO_SETFCAP,           /* root without CAP_SETFCAP cannot map uid 0 (Linux >= 5.12) */
    COND_PROC_READ_ONLY,       /* the maps are written through a read-only /proc */
    COND_FULL_MAP_CAPS,        /* a full map needs CAP_SETUID and CAP_SETGID */
    COND_MAP_TOO_LONG,         /* the full map's text exceeds a page */
    COND_PROC_FOREIGN,         /* /proc belongs to a pid namespace not containing ours */
    COND_MASKS_NEED_SYS_ADMIN, /* --proc unmasked under masks without CAP_SYS_ADMIN */
    COND_COUNT
};

const char *condition_cause(enum condition c);
const char *condition_fix(enum condition c);

/* Records c's cause and fix on e (replacing any). */
void nerr_condition(struct nerr *e, enum condition c);

/* The fix when the payload may also run without nesting. */
#define PLAIN_FIX "or add --fallback plain to run the payload without nesting"

#endif
