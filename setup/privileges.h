/* What the payload may do inside the new user namespace, where it starts as
 * root with every capability: --user, --cap-drop/--cap-add (through libcap),
 * --seccomp default and --no-new-privs. */
#ifndef NESTINIT_PRIVILEGES_H
#define NESTINIT_PRIVILEGES_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/error.h"

struct privileges {
    bool set_ids;
    uid_t uid;
    gid_t gid;
    bool set_caps;
    uint64_t caps; /* the capabilities the payload keeps (bit = CAP_*) */
    bool seccomp_default;
    bool no_new_privs;
};

/* What the caller asked for, as text still to resolve (any field may be NULL). */
struct privilege_request {
    const char *user;     /* UID[:GID] or NAME[:GROUP] */
    const char *cap_drop; /* comma lists of capability names or numbers, or "all" */
    const char *cap_add;
    bool seccomp_default;
    bool no_new_privs;
};

/* Resolves names (/etc/passwd, /etc/group) and capability lists before
 * anything is set up, so bad input fails early (125) naming the bad part. */
int privileges_resolve(const struct privilege_request *o, struct privileges *p, struct nerr *e);

/* In the inner, after the maps are written: the ids must be mapped. */
int privileges_check_mapped(const struct privileges *p, struct nerr *e);

/* In the payload child, just before exec. */
int privileges_apply(const struct privileges *p, struct nerr *e);

#endif
