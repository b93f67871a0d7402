#include "setup/privileges.h"

#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "base/files.h"
#include "setup/idmap.h"
#include "setup/seccomp_filter.h"

static uint64_t all_caps(void)
{
    int bits = cap_max_bits();
    return bits >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << bits) - 1);
}

static int parse_one_cap(const char *name, cap_value_t *cap, struct nerr *e)
{
    char lower[64];
    size_t n = strlen(name);
    if (n == 0 || n >= sizeof lower - 4)
        return nerr_set(e, 0, "unknown capability '%s'", name);
    /* libcap knows "cap_net_admin" and numbers; accept CAP_NET_ADMIN and net_admin too. */
    int has_prefix = strncasecmp(name, "cap_", 4) == 0 || isdigit((unsigned char)name[0]);
    snprintf(lower, sizeof lower, "%s%s", has_prefix ? "" : "cap_", name);
    for (char *c = lower; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    if (cap_from_name(lower, cap) != 0 || *cap < 0 || *cap >= cap_max_bits())
        return nerr_set(e, 0, "unknown capability '%s' (names like CAP_NET_ADMIN or net_admin, numbers 0-%d, or all)",
                        name, cap_max_bits() - 1);
    return 0;
}

/* "CAP_NET_ADMIN,net_admin,12" or "all" into a mask. */
static int caps_parse_list(const char *list, uint64_t *mask, struct nerr *e)
{
    char buf[1024];
    char *save = NULL;
    *mask = 0;
    if (strlen(list) >= sizeof buf)
        return nerr_set(e, 0, "capability list too long");
    strcpy(buf, list);
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        cap_value_t cap = 0;
        if (strcasecmp(tok, "all") == 0) {
            *mask = all_caps();
            continue;
        }
        if (parse_one_cap(tok, &cap, e) < 0)
            return -1;
        *mask |= (uint64_t)1 << cap;
    }
    return 0;
}

/* "1000", "1000:1000", "user", "user:group". A bare UID takes the GID of its
 * passwd entry when there is one, else the same number. */
/* A whole decimal id below 2^32 - 1 (which means "no id" to the kernel). */
static bool parse_id(const char *text, unsigned long *id)
{
    char *end;
    if (!isdigit((unsigned char)text[0]))
        return false;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (*end != '\0')
        return false;
    *id = (unsigned long)v;
    return errno == 0 && v < 4294967295ULL;
}

/* Names come from the container's own files, read with fgetpwent/fgetgrent:
 * no name service is asked inside a container, and musl's getpwnam would link
 * its nscd client (3 kB of a binary kept under 200 kB). Both return a static
 * entry that outlives fclose. */
static const struct passwd *find_user(const char *name, uid_t uid)
{
    FILE *f = fopen("/etc/passwd", "re");
    const struct passwd *pw = NULL;
    if (f == NULL)
        return NULL;
    while ((pw = fgetpwent(f)) != NULL && (name ? strcmp(pw->pw_name, name) != 0 : pw->pw_uid != uid))
        ;
    fclose(f);
    return pw;
}

static const struct group *find_group(const char *name)
{
    FILE *f = fopen("/etc/group", "re");
    const struct group *gr = NULL;
    if (f == NULL)
        return NULL;
    while ((gr = fgetgrent(f)) != NULL && strcmp(gr->gr_name, name) != 0)
        ;
    fclose(f);
    return gr;
}

static int resolve_user(const char *spec, struct privileges *p, struct nerr *e)
{
    char user[256];
    const char *colon = strchr(spec, ':');
    size_t len = colon ? (size_t)(colon - spec) : strlen(spec);
    if (len >= sizeof user)
        return nerr_set(e, 0, "--user: '%s' is too long", spec);
    memcpy(user, spec, len);
    user[len] = '\0';

    const struct passwd *pw = NULL;
    unsigned long uid = 0;
    if (isdigit((unsigned char)user[0]) && !parse_id(user, &uid))
        return nerr_set(e, 0, "--user: '%s' is not a valid uid (0-4294967294)", user);
    if (!isdigit((unsigned char)user[0])) {
        pw = find_user(user, 0);
        if (pw == NULL)
            return nerr_set(e, 0, "--user: no user '%s' in this container's /etc/passwd (use a numeric UID)", user);
        uid = pw->pw_uid;
    } else {
        pw = find_user(NULL, (uid_t)uid);
    }
    p->uid = (uid_t)uid;
    p->gid = pw ? pw->pw_gid : (gid_t)uid;
    if (colon) {
        const char *group = colon + 1;
        unsigned long gid = 0;
        if (*group == '\0')
            return nerr_set(e, 0, "--user: empty group in '%s'", spec);
        if (isdigit((unsigned char)group[0]) && !parse_id(group, &gid))
            return nerr_set(e, 0, "--user: '%s' is not a valid gid (0-4294967294)", group);
        if (!isdigit((unsigned char)group[0])) {
            const struct group *gr = find_group(group);
            if (gr == NULL)
                return nerr_set(e, 0, "--user: no group '%s' in this container's /etc/group (use a numeric GID)", group);
            gid = gr->gr_gid;
        }
        p->gid = (gid_t)gid;
    }
    p->set_ids = true;
    return 0;
}

int privileges_resolve(const struct privilege_request *o, struct privileges *p, struct nerr *e)
{
    uint64_t drop = 0, add = 0;
    memset(p, 0, sizeof *p);
    p->seccomp_default = o->seccomp_default;
    p->no_new_privs = o->no_new_privs;
    if (o->user && resolve_user(o->user, p, e) < 0)
        return -1;
    if (o->cap_drop && caps_parse_list(o->cap_drop, &drop, e) < 0)
        return nerr_prefix(e, "--cap-drop");
    if (o->cap_add && caps_parse_list(o->cap_add, &add, e) < 0)
        return nerr_prefix(e, "--cap-add");
    if (o->cap_drop || o->cap_add || (p->set_ids && p->uid != 0)) {
        /* Without --cap-drop, root keeps everything and any other user nothing, as usual. */
        uint64_t base = o->cap_drop ? all_caps() & ~drop : (p->set_ids && p->uid != 0 ? 0 : all_caps());
        p->caps = base | add;
        p->set_caps = true;
    }
    return 0;
}

static bool id_mapped(const char *map_file, unsigned long id)
{
    char text[IDMAP_TEXT_SIZE];
    struct id_range ranges[IDMAP_MAX_RANGES];
    if (file_read_all(map_file, text, sizeof text) < 0)
        return false;
    int n = idmap_parse(text, ranges, IDMAP_MAX_RANGES);
    for (int i = 0; i < n; i++)
        if (id >= ranges[i].inside && id - ranges[i].inside < ranges[i].count)
            return true;
    return false;
}

int privileges_check_mapped(const struct privileges *p, struct nerr *e)
{
    if (!p->set_ids)
        return 0;
    if (!id_mapped("/proc/self/uid_map", p->uid))
        return nerr_set(e, 0, "--user: uid %u is not mapped in the new user namespace (only the ids of the id map "
                              "exist there; with a root-only map that is 0); fix: --map full as a user with "
                              "CAP_SETUID/CAP_SETGID, or a --user that is mapped", (unsigned)p->uid);
    if (!id_mapped("/proc/self/gid_map", p->gid))
        return nerr_set(e, 0, "--user: gid %u is not mapped in the new user namespace; fix: --map full, or a mapped gid",
                        (unsigned)p->gid);
    return 0;
}

static int set_ids(const struct privileges *p, struct nerr *e)
{
    /* With setgroups denied (root-only map) the groups cannot change, and need not. */
    if (setgroups(0, NULL) < 0 && errno != EPERM)
        return nerr_set(e, errno, "--user: setgroups");
    if (setresgid(p->gid, p->gid, p->gid) < 0)
        return nerr_set(e, errno, "--user: setresgid(%u)", (unsigned)p->gid);
    if (setresuid(p->uid, p->uid, p->uid) < 0)
        return nerr_set(e, errno, "--user: setresuid(%u)", (unsigned)p->uid);
    return 0;
}

/* Bounding, permitted, effective, inheritable and (for non-root) ambient all
 * equal to p->caps, so exactly those survive execve. */
static int set_caps(const struct privileges *p, struct nerr *e)
{
    cap_t caps = cap_init();
    if (caps == NULL)
        return nerr_set(e, errno, "allocate a capability set");
    for (cap_value_t c = 0; c < cap_max_bits(); c++) {
        if (!(p->caps & ((uint64_t)1 << c)))
            continue;
        cap_set_flag(caps, CAP_PERMITTED, 1, &c, CAP_SET);
        cap_set_flag(caps, CAP_EFFECTIVE, 1, &c, CAP_SET);
        cap_set_flag(caps, CAP_INHERITABLE, 1, &c, CAP_SET);
    }
    int rc = cap_set_proc(caps);
    int err = errno;
    cap_free(caps);
    if (rc < 0)
        return nerr_set(e, err, "set the payload's capabilities");
    if (cap_reset_ambient() < 0 && errno != EINVAL)
        return nerr_set(e, errno, "clear the ambient capabilities");
    if (p->set_ids && p->uid != 0)
        for (cap_value_t c = 0; c < cap_max_bits(); c++)
            if ((p->caps & ((uint64_t)1 << c)) && cap_set_ambient(c, CAP_SET) < 0)
                return nerr_set(e, errno, "raise ambient capability %d", (int)c);
    return 0;
}

static int drop_bounding(const struct privileges *p, struct nerr *e)
{
    for (cap_value_t c = 0; c < cap_max_bits(); c++)
        if (!(p->caps & ((uint64_t)1 << c)) && cap_drop_bound(c) < 0 && errno != EINVAL)
            return nerr_set(e, errno, "drop capability %d from the bounding set", (int)c);
    return 0;
}

/* Without a user namespace of our own, an unprivileged nestinit holds no
 * capability to change ids or capability sets: say so instead of a bare EPERM. */
static int explain(const struct privileges *p, struct nerr *e)
{
    if (e->errnum == EPERM) {
        nerr_cause(e, "%s needs capabilities this process lacks (no user namespace of its own, e.g. --unshare "
                      "none as a non-root user)", p->set_ids ? "--user" : "--cap-drop/--cap-add");
        nerr_fix(e, "keep user in --unshare, or run as root");
    }
    return -1;
}

int privileges_apply(const struct privileges *p, struct nerr *e)
{
    /* The filter goes first, while we still have CAP_SYS_ADMIN to load it. */
    if (p->seccomp_default && seccomp_filter_load(p->no_new_privs, e) < 0)
        return -1;
    if (p->set_caps || p->set_ids) {
        if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
            return nerr_set(e, errno, "keep capabilities across the id change");
        if ((p->set_caps && drop_bounding(p, e) < 0) || (p->set_ids && set_ids(p, e) < 0) ||
            (p->set_caps && set_caps(p, e) < 0))
            return explain(p, e);
    }
    if (p->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return nerr_set(e, errno, "set no_new_privs for the payload");
    return 0;
}
