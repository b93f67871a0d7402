/* The command-line contract (README "Options", nestinit(1)): options, their NESTINIT_* environment
 * twins (the command line wins), validation. Pure: no side effects beyond *o. */
#ifndef NESTINIT_OPTIONS_H
#define NESTINIT_OPTIONS_H

#include <stdbool.h>

#include "base/error.h"
#include "base/signames.h"
#include "reaper/reaper.h"
#include "setup/idmap.h"
#include "setup/mounts.h"
#include "setup/procfs.h"

enum fallback_mode { FALLBACK_FAIL, FALLBACK_PLAIN };
enum seccomp_mode { SECCOMP_NONE, SECCOMP_DEFAULT };


struct options {
    enum proc_mode proc;
    enum map_mode map;
    int unshare_flags; /* CLONE_NEW* bits; 0 = plain init */
    enum fallback_mode fallback;
    bool kill_group;
    bool subreaper;
    bool no_new_privs;
    int pdeathsig;                    /* 0 = none */
    int rewrite[SIGNAL_MAX + 1];      /* REWRITE_NONE, or the target (0 = drop) */
    unsigned char expect_exit[256 / 8]; /* bitmap of exit codes treated as 0 */
    unsigned grace_seconds;
    const char *hostname;
    const char *user;     /* --user UID[:GID] or NAME[:GROUP], resolved by setup/privileges */
    const char *cap_drop; /* comma lists, validated by setup/caps */
    const char *cap_add;
    enum seccomp_mode seccomp;
    bool ro_root;
    struct mount_request mounts[MOUNTS_MAX]; /* --tmpfs, --ro: the environment's, then the command line's, in order */
    int mount_count;
    int info_fd; /* -1 = none */
    const char *info_file;
    int verbosity; /* a log_level */
    bool show_version;
    bool show_help;
    bool check; /* --check: probe, run no payload */
    bool json;  /* --check output as JSON */
    char **command; /* NULL-terminated, the payload's argv */
    char env_storage[2048]; /* items of NESTINIT_* lists, which o points into */
    unsigned env_used;
};

typedef const char *(*getenv_fn)(const char *name);

/* Fills *o from the environment (through env, may be NULL) and then argv.
 * Returns 0, or -1 with *e describing the bad input (usage error, exit 125). */
int options_parse(struct options *o, int argc, char **argv, getenv_fn env, struct nerr *e);

bool options_expects_exit(const struct options *o, int code);

/* "user,pid,mount" into buf, for messages and the info JSON. */
const char *unshare_flags_text(int flags, char *buf, unsigned size);

/* Parses "user,pid,mount" or "none"; -1 on an unknown name (named in *e). */
int unshare_flags_parse(const char *text, int *flags, struct nerr *e);

void options_usage(int to_stdout);

#endif
