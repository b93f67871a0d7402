#include "init/options.h"

#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/log.h"
#include "init/version.h"

enum {
    OPT_PROC = 256, OPT_MAP, OPT_UNSHARE, OPT_FALLBACK, OPT_GRACE, OPT_HOSTNAME,
    OPT_INFO_FD, OPT_INFO_FILE, OPT_NO_NEW_PRIVS, OPT_VERSION, OPT_CHECK, OPT_JSON,
    OPT_USER, OPT_CAP_DROP, OPT_CAP_ADD, OPT_SECCOMP, OPT_RO_ROOT, OPT_RO, OPT_TMPFS,
};

/* One row per option: getopt's entry plus the environment variable that mirrors it. */
struct option_spec {
    const char *name;
    int has_arg;
    int id;
    const char *env;
};

static const struct option_spec specs[] = {
    {"proc", required_argument, OPT_PROC, "NESTINIT_PROC"},
    {"map", required_argument, OPT_MAP, "NESTINIT_MAP"},
    {"unshare", required_argument, OPT_UNSHARE, "NESTINIT_UNSHARE"},
    {"fallback", required_argument, OPT_FALLBACK, "NESTINIT_FALLBACK"},
    {"kill-group", no_argument, 'g', "NESTINIT_KILL_GROUP"},
    {"rewrite", required_argument, 'r', "NESTINIT_REWRITE"},
    {"expect-exit", required_argument, 'e', "NESTINIT_EXPECT_EXIT"},
    {"subreaper", no_argument, 's', "NESTINIT_SUBREAPER"},
    {"pdeathsig", required_argument, 'p', "NESTINIT_PDEATHSIG"},
    {"grace", required_argument, OPT_GRACE, "NESTINIT_GRACE"},
    {"hostname", required_argument, OPT_HOSTNAME, "NESTINIT_HOSTNAME"},
    {"no-new-privs", no_argument, OPT_NO_NEW_PRIVS, "NESTINIT_NO_NEW_PRIVS"},
    {"user", required_argument, OPT_USER, "NESTINIT_USER"},
    {"cap-drop", required_argument, OPT_CAP_DROP, "NESTINIT_CAP_DROP"},
    {"cap-add", required_argument, OPT_CAP_ADD, "NESTINIT_CAP_ADD"},
    {"seccomp", required_argument, OPT_SECCOMP, "NESTINIT_SECCOMP"},
    {"ro-root", no_argument, OPT_RO_ROOT, "NESTINIT_RO_ROOT"},
    {"ro", required_argument, OPT_RO, "NESTINIT_RO"},
    {"tmpfs", required_argument, OPT_TMPFS, "NESTINIT_TMPFS"},
    {"info-fd", required_argument, OPT_INFO_FD, "NESTINIT_INFO_FD"},
    {"info-file", required_argument, OPT_INFO_FILE, "NESTINIT_INFO_FILE"},
    {"verbose", no_argument, 'v', "NESTINIT_VERBOSE"},
    {"quiet", no_argument, 'q', "NESTINIT_QUIET"},
    {"check", no_argument, OPT_CHECK, NULL},
    {"json", no_argument, OPT_JSON, NULL},
    {"version", no_argument, OPT_VERSION, NULL},
    {"help", no_argument, 'h', NULL},
};
#define NSPECS (sizeof specs / sizeof specs[0])

static const struct {
    const char *name;
    int flag;
} namespace_names[] = {
    {"user", CLONE_NEWUSER}, {"pid", CLONE_NEWPID}, {"mount", CLONE_NEWNS},
    {"uts", CLONE_NEWUTS},   {"ipc", CLONE_NEWIPC}, {"net", CLONE_NEWNET},
    {"cgroup", CLONE_NEWCGROUP},
};
#define NNAMESPACES (sizeof namespace_names / sizeof namespace_names[0])

static int namespace_flag(const char *name, size_t len)
{
    if (len == 3 && strncmp(name, "mnt", 3) == 0)
        return CLONE_NEWNS;
    for (size_t i = 0; i < NNAMESPACES; i++)
        if (strlen(namespace_names[i].name) == len && strncmp(name, namespace_names[i].name, len) == 0)
            return namespace_names[i].flag;
    return 0;
}

/* Every item must name a namespace: an empty list or item ("," or "user,,pid")
 * is an error, not a silent plain init. */
int unshare_flags_parse(const char *text, int *flags, struct nerr *e)
{
    int result = 0;
    if (strcmp(text, "none") == 0) {
        *flags = 0;
        return 0;
    }
    for (const char *p = text;; p++) {
        size_t len = strcspn(p, ",");
        int flag = namespace_flag(p, len);
        if (len == 0)
            return nerr_set(e, 0, "--unshare: expected a comma list of user,pid,mount,uts,ipc,net,cgroup or 'none', "
                                  "got '%.200s' (an empty item)", text);
        if (flag == 0)
            return nerr_set(e, 0, "--unshare: unknown namespace '%.*s' (known: user,pid,mount,uts,ipc,net,cgroup, or none)",
                            (int)(len > 64 ? 64 : len), p);
        result |= flag;
        p += len;
        if (*p == '\0')
            break;
    }
    *flags = result;
    return 0;
}

const char *unshare_flags_text(int flags, char *buf, unsigned size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < NNAMESPACES; i++) {
        if (!(flags & namespace_names[i].flag))
            continue;
        int n = snprintf(buf + used, size - used, "%s%s", used ? "," : "", namespace_names[i].name);
        if (n < 0 || (size_t)n >= size - used)
            break;
        used += (size_t)n;
    }
    return used ? buf : "none";
}

static int parse_uint(const char *text, unsigned long max, unsigned long *out)
{
    char *end;
    if (text[0] < '0' || text[0] > '9')
        return -1;
    unsigned long v = strtoul(text, &end, 10);
    if (*end != '\0' || v > max)
        return -1;
    *out = v;
    return 0;
}

/* NESTINIT_* booleans: 1/0, true/false, yes/no, on/off (any case); anything else is an
 * error (an empty value never gets here: it means unset). */
static int parse_bool(const char *text, bool *out)
{
    static const char *const yes[] = {"1", "true", "yes", "on"};
    static const char *const no[] = {"0", "false", "no", "off"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        if (strcasecmp(text, yes[i]) == 0)
            return *out = true, 0;
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        if (strcasecmp(text, no[i]) == 0)
            return *out = false, 0;
    return -1;
}

static int parse_choice(const char *opt, const char *text, const char *const *choices, int n, int *out, struct nerr *e)
{
    for (int i = 0; i < n; i++)
        if (strcmp(text, choices[i]) == 0)
            return *out = i, 0;
    char list[128] = "";
    for (int i = 0; i < n; i++) {
        strncat(list, choices[i], sizeof list - strlen(list) - 2);
        if (i + 1 < n)
            strncat(list, "|", sizeof list - strlen(list) - 1);
    }
    return nerr_set(e, 0, "--%s: expected %s, got '%s'", opt, list, text);
}

static int add_rewrite(struct options *o, const char *spec, struct nerr *e)
{
    char from_text[32];
    const char *colon = strchr(spec, ':');
    size_t len = colon ? (size_t)(colon - spec) : 0;
    if (!colon || len == 0 || len >= sizeof from_text)
        return nerr_set(e, 0, "--rewrite: expected FROM:TO (signal names or numbers, TO may be 0 to drop), got '%s'", spec);
    memcpy(from_text, spec, len);
    from_text[len] = '\0';
    int from = signal_parse(from_text, 0);
    int to = signal_parse(colon + 1, 1);
    if (from < 0 || to < 0)
        return nerr_set(e, 0, "--rewrite: unknown signal in '%s'", spec);
    if (from == SIGKILL || from == SIGSTOP || from == SIGCHLD)
        return nerr_set(e, 0, "--rewrite: %s can never be forwarded, so it cannot be rewritten ('%s')",
                        from == SIGCHLD ? "SIGCHLD" : "SIGKILL or SIGSTOP", spec);
    o->rewrite[from] = to;
    return 0;
}

static int add_expect_exit(struct options *o, const char *text, struct nerr *e)
{
    unsigned long code;
    if (parse_uint(text, 255, &code) < 0)
        return nerr_set(e, 0, "--expect-exit: expected an exit code 0-255, got '%s'", text);
    o->expect_exit[code / 8] |= (unsigned char)(1u << (code % 8));
    return 0;
}

/* Mount targets must be absolute: they are resolved inside the new mount namespace. */
static int add_mount(struct options *o, enum mount_kind kind, const char *path, struct nerr *e)
{
    const char *opt = kind == MOUNT_TMPFS ? "tmpfs" : "ro";
    if (path[0] != '/')
        return nerr_set(e, 0, "--%s: expected an absolute path, got '%s'", opt, path);
    if (o->mount_count == MOUNTS_MAX)
        return nerr_set(e, 0, "--%s: at most %d --ro and --tmpfs paths together", opt, MOUNTS_MAX);
    o->mounts[o->mount_count++] = (struct mount_request){kind, path};
    return 0;
}

static int add_ro_path(struct options *o, const char *path, struct nerr *e)
{
    return add_mount(o, MOUNT_READ_ONLY, path, e);
}

static int add_tmpfs_path(struct options *o, const char *path, struct nerr *e)
{
    return add_mount(o, MOUNT_TMPFS, path, e);
}

/* Environment lists ("USR1:USR2,TERM:INT") feed the same per-item setter. The
 * items are kept in o->env_storage, since paths are stored by pointer. */
static int for_each_item(struct options *o, const char *list, int (*fn)(struct options *, const char *, struct nerr *), struct nerr *e)
{
    size_t len = strlen(list);
    if (len >= sizeof o->env_storage - o->env_used)
        return nerr_set(e, 0, "value too long: '%.40s...'", list);
    char *buf = o->env_storage + o->env_used;
    memcpy(buf, list, len + 1);
    o->env_used += len + 1;
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
        if (fn(o, tok, e) < 0)
            return -1;
    return 0;
}

/* -g, -s, -q, --no-new-privs, --ro-root (booleans in the environment), -v. */
static int apply_switch(struct options *o, int id, const char *arg, bool from_env, struct nerr *e)
{
    unsigned long n;
    bool flag = true;
    if (id == 'v') {
        if (!from_env) {
            o->verbosity = o->verbosity < LOG_WARN ? LOG_INFO : o->verbosity + 1;
            return 0;
        }
        if (parse_uint(arg, 3, &n) < 0)
            return nerr_set(e, 0, "NESTINIT_VERBOSE: expected 0-3, got '%s'", arg);
        o->verbosity = LOG_WARN + (int)n;
        return 0;
    }
    if (from_env && parse_bool(arg, &flag) < 0)
        return nerr_set(e, 0, "expected 1/0, true/false or yes/no, got '%s'", arg);
    if (id == 'g') o->kill_group = flag;
    if (id == 's') o->subreaper = flag;
    if (id == OPT_NO_NEW_PRIVS) o->no_new_privs = flag;
    if (id == OPT_RO_ROOT) o->ro_root = flag;
    if (id == 'q' && flag) o->verbosity = LOG_ERROR;
    return 0;
}

/* --proc, --map, --fallback, --seccomp: one word of a fixed list. */
static int apply_choice(struct options *o, int id, const char *arg, struct nerr *e)
{
    static const char *const proc_modes[] = {"auto", "fresh", "unmasked", "bind", "none"};
    static const enum proc_mode proc_values[] = {PROC_AUTO, PROC_FRESH, PROC_UNMASKED, PROC_BIND, PROC_NONE};
    static const char *const map_modes[] = {"auto", "root", "full"};
    static const char *const fallbacks[] = {"fail", "plain"};
    static const char *const seccomp_modes[] = {"none", "default"};
    int choice = 0;
    switch (id) {
    case OPT_PROC:
        if (parse_choice("proc", arg, proc_modes, 5, &choice, e) < 0) return -1;
        o->proc = proc_values[choice];
        return 0;
    case OPT_MAP:
        if (parse_choice("map", arg, map_modes, 3, &choice, e) < 0) return -1;
        o->map = (enum map_mode)choice;
        return 0;
    case OPT_FALLBACK:
        if (parse_choice("fallback", arg, fallbacks, 2, &choice, e) < 0) return -1;
        o->fallback = (enum fallback_mode)choice;
        return 0;
    default: /* OPT_SECCOMP */
        if (parse_choice("seccomp", arg, seccomp_modes, 2, &choice, e) < 0) return -1;
        o->seccomp = (enum seccomp_mode)choice;
        return 0;
    }
}

/* -p, --grace, --info-fd: a signal or a number. */
static int apply_number(struct options *o, int id, const char *arg, struct nerr *e)
{
    unsigned long n;
    if (id == 'p') {
        o->pdeathsig = signal_parse(arg, 0);
        return o->pdeathsig < 0 ? nerr_set(e, 0, "--pdeathsig: unknown signal '%s'", arg) : 0;
    }
    if (id == OPT_GRACE) {
        if (parse_uint(arg, 86400, &n) < 0)
            return nerr_set(e, 0, "--grace: expected whole seconds 0-86400, got '%s'", arg);
        o->grace_seconds = (unsigned)n;
        return 0;
    }
    if (parse_uint(arg, INT_MAX, &n) < 0)
        return nerr_set(e, 0, "--info-fd: expected a file descriptor number, got '%s'", arg);
    o->info_fd = (int)n;
    return 0;
}

/* --hostname, --info-file, --user, --cap-drop, --cap-add: text checked later
 * where it is used, refused here only when empty or malformed. */
static int apply_text(struct options *o, int id, const char *arg, struct nerr *e)
{
    switch (id) {
    case OPT_HOSTNAME:
        if (arg[0] == '\0' || strlen(arg) > 64)
            return nerr_set(e, 0, "--hostname: expected 1-64 characters, got '%s'", arg);
        o->hostname = arg;
        return 0;
    case OPT_INFO_FILE:
        if (arg[0] == '\0')
            return nerr_set(e, 0, "--info-file: empty path");
        o->info_file = arg;
        return 0;
    case OPT_USER:
        if (arg[0] == '\0' || arg[0] == ':')
            return nerr_set(e, 0, "--user: expected UID[:GID] or NAME[:GROUP], got '%s'", arg);
        o->user = arg;
        return 0;
    default: /* OPT_CAP_DROP, OPT_CAP_ADD */
        if (arg[0] == '\0')
            return nerr_set(e, 0, "--%s: empty capability list", id == OPT_CAP_DROP ? "cap-drop" : "cap-add");
        *(id == OPT_CAP_DROP ? &o->cap_drop : &o->cap_add) = arg;
        return 0;
    }
}

/* Applies one option's value; from_env selects the environment's value syntax
 * (lists comma-separated, booleans spelled out). */
static int apply(struct options *o, int id, const char *arg, bool from_env, struct nerr *e)
{
    switch (id) {
    case 'g': case 's': case 'q': case 'v': case OPT_NO_NEW_PRIVS: case OPT_RO_ROOT:
        return apply_switch(o, id, arg, from_env, e);
    case OPT_PROC: case OPT_MAP: case OPT_FALLBACK: case OPT_SECCOMP:
        return apply_choice(o, id, arg, e);
    case 'p': case OPT_GRACE: case OPT_INFO_FD:
        return apply_number(o, id, arg, e);
    case OPT_HOSTNAME: case OPT_INFO_FILE: case OPT_USER: case OPT_CAP_DROP: case OPT_CAP_ADD:
        return apply_text(o, id, arg, e);
    case OPT_UNSHARE:
        return unshare_flags_parse(arg, &o->unshare_flags, e);
    case 'r':
        return from_env ? for_each_item(o, arg, add_rewrite, e) : add_rewrite(o, arg, e);
    case 'e':
        return from_env ? for_each_item(o, arg, add_expect_exit, e) : add_expect_exit(o, arg, e);
    case OPT_RO:
        return from_env ? for_each_item(o, arg, add_ro_path, e) : add_ro_path(o, arg, e);
    case OPT_TMPFS:
        return from_env ? for_each_item(o, arg, add_tmpfs_path, e) : add_tmpfs_path(o, arg, e);
    case OPT_VERSION: o->show_version = true; return 0;
    case OPT_CHECK: o->check = true; return 0;
    case OPT_JSON: o->json = true; return 0;
    case 'h': o->show_help = true; return 0;
    default:
        return nerr_set(e, 0, "internal: unhandled option %d", id);
    }
}

static void set_defaults(struct options *o)
{
    memset(o, 0, sizeof *o);
    o->proc = PROC_AUTO;
    o->map = MAP_AUTO;
    o->unshare_flags = CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS;
    o->fallback = FALLBACK_FAIL;
    o->info_fd = -1;
    o->verbosity = LOG_WARN;
    for (int i = 0; i <= SIGNAL_MAX; i++)
        o->rewrite[i] = REWRITE_NONE;
}

/* Options that set one thing between them: --info-fd/--info-file (where the
 * info goes), -q/-v (verbosity). One of a pair on the command line replaces the
 * variables of both; both in one source is a conflict. */
enum setting { SETTING_OWN, SETTING_INFO, SETTING_VERBOSITY, NSETTINGS };

static enum setting setting_of(int id)
{
    if (id == OPT_INFO_FD || id == OPT_INFO_FILE)
        return SETTING_INFO;
    if (id == 'q' || id == 'v')
        return SETTING_VERBOSITY;
    return SETTING_OWN;
}

static int spec_index(int id)
{
    for (size_t i = 0; i < NSPECS; i++)
        if (specs[i].id == id)
            return (int)i;
    return -1;
}

/* What the command line gives, found before anything is applied. */
struct given {
    bool option[NSPECS];
    bool setting[NSETTINGS];
};

static bool overridden(const struct given *cl, size_t i)
{
    enum setting setting = setting_of(specs[i].id);
    return cl->option[i] || (setting != SETTING_OWN && cl->setting[setting]);
}

/* Each variable the command line does not override, unless empty (= unset). */
static int apply_environment(struct options *o, getenv_fn env, const struct given *cl, struct nerr *e)
{
    int first_of_setting[NSETTINGS] = {-1, -1, -1};
    for (size_t i = 0; env && i < NSPECS; i++) {
        const char *value = specs[i].env && !overridden(cl, i) ? env(specs[i].env) : NULL;
        enum setting setting = setting_of(specs[i].id);
        if (value == NULL || value[0] == '\0')
            continue;
        if (setting != SETTING_OWN && first_of_setting[setting] >= 0)
            return nerr_set(e, 0, "%s and %s conflict: set only one of them", specs[first_of_setting[setting]].env,
                            specs[i].env);
        first_of_setting[setting] = (int)i;
        if (apply(o, specs[i].id, value, true, e) < 0) {
            char prefix[256];
            snprintf(prefix, sizeof prefix, "%s=%.200s", specs[i].env, value);
            return nerr_prefix(e, prefix);
        }
    }
    return 0;
}

/* getopt's error return, named from argv[at], the element getopt was reading:
 * optind after the call is no guide (musl leaves it past argc when a value is
 * missing at the end, and inside "-xg" it still points at "-xg"). */
static int option_error(int c, const char *arg, struct nerr *e)
{
    if (arg[0] == '-' && arg[1] == '-') {
        int len = (int)strcspn(arg, "=");
        if (c == ':')
            return nerr_set(e, 0, "option '%.*s' needs a value (see --help)", len > 200 ? 200 : len, arg);
        if (arg[len] == '=')
            return nerr_set(e, 0, "unknown option '%.*s', or one that takes no value (see --help)",
                            len > 200 ? 200 : len, arg);
        return nerr_set(e, 0, "unknown or ambiguous option '%.200s' (see --help)", arg);
    }
    /* musl returns ':' for "-:" too: only r, e and p take a value. */
    if (c == ':' && (optopt == 'r' || optopt == 'e' || optopt == 'p'))
        return nerr_set(e, 0, "option '-%c' needs a value (see --help)", optopt);
    if (optopt > ' ' && optopt < 127 && strlen(arg) > 2)
        return nerr_set(e, 0, "unknown option '-%c' in '%.200s' (see --help)", optopt, arg);
    if (optopt > ' ' && optopt < 127)
        return nerr_set(e, 0, "unknown option '-%c' (see --help)", optopt);
    return nerr_set(e, 0, "unknown option in '%.200s' (see --help)", arg);
}

/* One getopt pass; with cl set only records what is given (and finds usage
 * errors and conflicts), else applies each option to o. */
static int walk_command_line(struct options *o, int argc, char **argv, struct given *cl, struct nerr *e)
{
    struct option longopts[NSPECS + 1];
    int first_of_setting[NSETTINGS] = {0, 0, 0}; /* the option id first seen */
    memset(longopts, 0, sizeof longopts);
    for (size_t i = 0; i < NSPECS; i++)
        longopts[i] = (struct option){specs[i].name, specs[i].has_arg, NULL, specs[i].id};

    opterr = 0;
    optind = 0; /* full re-initialisation on both glibc and musl */
    for (;;) {
        int at = optind > 0 ? optind : 1;
        /* '+': options stop at the first non-option, so the payload's own flags
         * are its own; ':': a missing value is told from an unknown option. */
        int c = getopt_long(argc, argv, "+:gr:e:sp:vqh", longopts, NULL);
        if (c == -1)
            break;
        if (c == '?' || c == ':')
            return option_error(c, argv[at], e);
        if (cl == NULL) {
            if (apply(o, c, optarg, false, e) < 0)
                return -1;
            continue;
        }
        enum setting setting = setting_of(c);
        int i = spec_index(c), first = first_of_setting[setting];
        if (i < 0)
            return nerr_set(e, 0, "internal: unhandled option %d", c);
        if (setting != SETTING_OWN && first && first != c)
            return nerr_set(e, 0, "--%s and --%s conflict: give only one of them (see --help)",
                            specs[spec_index(first)].name, specs[i].name);
        first_of_setting[setting] = c;
        cl->setting[setting] = true;
        cl->option[i] = true;
    }
    o->command = argv + optind;
    return 0;
}

/* The command line wins: what it gives replaces the environment's value, which
 * is then not even parsed (so an invalid one cannot fail the run). */
static int apply_all(struct options *o, int argc, char **argv, getenv_fn env, struct nerr *e)
{
    struct given cl;
    memset(&cl, 0, sizeof cl);
    if (walk_command_line(o, argc, argv, &cl, e) < 0)
        return -1;
    if (apply_environment(o, env, &cl, e) < 0)
        return -1;
    return walk_command_line(o, argc, argv, NULL, e);
}

int options_parse(struct options *o, int argc, char **argv, getenv_fn env, struct nerr *e)
{
    set_defaults(o);
    if (apply_all(o, argc, argv, env, e) < 0)
        return -1;
    if (o->json && !o->check)
        return nerr_set(e, 0, "--json goes with --check");
    if (o->show_help || o->show_version || o->check)
        return 0;
    if (o->command[0] == NULL)
        return nerr_set(e, 0, "no command given: usage: nestinit [OPTIONS] [--] COMMAND [ARG...] (see --help)");
    if (o->unshare_flags == 0 && o->hostname)
        return nerr_set(e, 0, "--hostname needs a uts namespace, but --unshare none was given");
    if (o->hostname)
        o->unshare_flags |= CLONE_NEWUTS;
    if (!(o->unshare_flags & CLONE_NEWNS) && o->proc != PROC_AUTO && o->proc != PROC_NONE)
        return nerr_set(e, 0, "--proc %s needs a mount namespace: add mount to --unshare", proc_mode_name(o->proc));
    if (!(o->unshare_flags & CLONE_NEWNS) && (o->ro_root || o->mount_count))
        return nerr_set(e, 0, "--ro-root, --ro and --tmpfs need a mount namespace: add mount to --unshare");
    if (!(o->unshare_flags & CLONE_NEWUSER) && o->map != MAP_AUTO)
        return nerr_set(e, 0, "--map needs a user namespace: add user to --unshare");
    return 0;
}

bool options_expects_exit(const struct options *o, int code)
{
    return code >= 0 && code <= 255 && (o->expect_exit[code / 8] & (1u << (code % 8)));
}

void options_usage(int to_stdout)
{
    FILE *f = to_stdout ? stdout : stderr;
    fprintf(f,
        "nestinit %s: pid 1 for containers whose payload needs nested namespaces\n"
        "usage: nestinit [OPTIONS] [--] COMMAND [ARG...]\n"
        "\n"
        "  --proc auto|fresh|unmasked|bind|none\n"
        "                               /proc for the payload (auto: fresh, else the container's own\n"
        "                               without a new pid namespace, and say why)\n"
        "  --map auto|root|full         id map (auto: full 1:1 when allowed, else root = your ids only)\n"
        "  --unshare LIST|none          namespaces: user,pid,mount[,uts,ipc,net,cgroup]\n"
        "  --fallback fail|plain        when namespaces cannot be made: fail (125) or run as plain init\n"
        "  --hostname NAME              set the hostname (implies uts)\n"
        "  -g, --kill-group             forward signals to the payload's process group\n"
        "  -r, --rewrite FROM:TO        rewrite a forwarded signal (TO=0 drops it); repeatable\n"
        "  -e, --expect-exit CODE       treat this payload exit code as 0; repeatable\n"
        "  -s, --subreaper              be a child subreaper (automatic when not pid 1)\n"
        "  -p, --pdeathsig SIG          signal nestinit gets when its parent dies\n"
        "  --grace SECONDS              after the payload exits, TERM the rest and wait this long\n"
        "  --no-new-privs               set no_new_privs for the payload\n"
        "  --info-fd FD, --info-file PATH  write one JSON object describing the setup\n"
        "  --check [--json]             run no payload: probe every step, print ok or cause and fix\n"
        "  -v (repeatable), -q, --version, -h, --help\n"
        "\n"
        "Every long option also reads NESTINIT_<NAME> (e.g. NESTINIT_PROC=bind); the command line wins\n"
        "and replaces the variable unread; an empty variable is unset. --info-fd/--info-file and -q/-v\n"
        "are one setting each: both on the command line, or both variables, is an error (125).\n"
        "Exit: the payload's status, 128+N if it died of signal N, 125 nestinit failed,\n"
        "126 payload not executable, 127 payload not found.\n",
        NESTINIT_VERSION);
}
