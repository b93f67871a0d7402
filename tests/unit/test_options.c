#include <sched.h>
#include <signal.h>
#include <stdlib.h>

#include "base/log.h"
#include "init/options.h"
#include "tests/unit/unit.h"

/* A fake environment: NULL-terminated name=value pairs. */
static const char *const *fake_env;
static const char *lookup(const char *name)
{
    for (const char *const *p = fake_env; p && *p; p += 2)
        if (strcmp(p[0], name) == 0)
            return p[1];
    return NULL;
}

static int parse(struct options *o, struct nerr *e, const char *const *env, char **argv)
{
    int argc = 0;
    while (argv[argc])
        argc++;
    fake_env = env;
    return options_parse(o, argc, argv, lookup, e);
}

/* Only for calls that do not read o.command afterwards: the literal dies with the CHECK. */
#define ARGV(...) ((char *[]){"nestinit", __VA_ARGS__, NULL})

static void defaults(void)
{
    struct options o;
    struct nerr e;
    char *argv[] = {"nestinit", "sh", "-c", "true", NULL};
    CHECK(parse(&o, &e, NULL, argv) == 0);
    CHECK(o.proc == PROC_AUTO && o.map == MAP_AUTO && o.fallback == FALLBACK_FAIL);
    CHECK(o.unshare_flags == (CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS));
    CHECK_STR(o.command[0], "sh");
    CHECK_STR(o.command[1], "-c");
    CHECK(o.verbosity == LOG_WARN && o.info_fd == -1 && o.rewrite[SIGTERM] == REWRITE_NONE);
}

static void options_stop_at_first_non_option(void)
{
    struct options o;
    struct nerr e;
    char *argv1[] = {"nestinit", "-g", "ls", "-g", "--proc", "x", NULL};
    char *argv2[] = {"nestinit", "--proc", "bind", "--", "--proc", NULL};
    CHECK(parse(&o, &e, NULL, argv1) == 0);
    CHECK(o.kill_group);
    CHECK_STR(o.command[0], "ls");
    CHECK_STR(o.command[1], "-g");
    CHECK(parse(&o, &e, NULL, argv2) == 0);
    CHECK(o.proc == PROC_BIND);
    CHECK_STR(o.command[0], "--proc");
}

static void bad_values_are_usage_errors(void)
{
    struct options o;
    struct nerr e;
    CHECK(parse(&o, &e, NULL, ARGV("--proc", "banana", "true")) < 0);
    CHECK(strstr(e.what, "banana") != NULL);
    CHECK(parse(&o, &e, NULL, ARGV("--map", "half", "true")) < 0);
    CHECK(parse(&o, &e, NULL, ARGV("--unshare", "user,time", "true")) < 0);
    CHECK(strstr(e.what, "'time'") != NULL);
    CHECK(parse(&o, &e, NULL, ARGV("--rewrite", "USR1", "true")) < 0);
    CHECK(parse(&o, &e, NULL, ARGV("--rewrite", "BOGUS:TERM", "true")) < 0);
    CHECK(parse(&o, &e, NULL, ARGV("-e", "256", "true")) < 0);
    CHECK(parse(&o, &e, NULL, ARGV("-e", "-1", "true")) < 0);
    CHECK(parse(&o, &e, NULL, ARGV("--grace", "1.5", "true")) < 0);
    CHECK(parse(&o, &e, NULL, ARGV("--info-fd", "x", "true")) < 0);
    CHECK(parse(&o, &e, NULL, ARGV("--bogus", "true")) < 0);
    CHECK(strstr(e.what, "--bogus") != NULL);
    CHECK(parse(&o, &e, NULL, ARGV("-Z", "true")) < 0);
    CHECK(strstr(e.what, "-Z") != NULL);
    CHECK(parse(&o, &e, NULL, ARGV("--proc")) < 0);
    CHECK(parse(&o, &e, NULL, (char *[]){"nestinit", NULL}) < 0);
    CHECK(strstr(e.what, "no command") != NULL);
    CHECK(parse(&o, &e, NULL, ARGV("--unshare", "user,pid", "--proc", "fresh", "true")) < 0);
    CHECK(parse(&o, &e, NULL, ARGV("--unshare", "none", "--hostname", "h", "true")) < 0);
}

static void unshare_lists(void)
{
    struct options o;
    struct nerr e;
    char buf[128];
    CHECK(parse(&o, &e, NULL, ARGV("--unshare", "none", "true")) == 0);
    CHECK(o.unshare_flags == 0);
    CHECK(parse(&o, &e, NULL, ARGV("--unshare", "user,pid,mnt,net", "--hostname", "box", "true")) == 0);
    CHECK(o.unshare_flags == (CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWUTS));
    CHECK_STR(unshare_flags_text(o.unshare_flags, buf, sizeof buf), "user,pid,mount,uts,net");
    CHECK_STR(unshare_flags_text(0, buf, sizeof buf), "none");
}

static void rewrite_and_expect(void)
{
    struct options o;
    struct nerr e;
    CHECK(parse(&o, &e, NULL, ARGV("-r", "USR1:USR2", "--rewrite", "15:0", "-r", "sighup:RTMIN+1", "-e", "3", "-e", "255", "x")) == 0);
    CHECK(o.rewrite[SIGUSR1] == SIGUSR2);
    CHECK(o.rewrite[SIGTERM] == 0);
    CHECK(o.rewrite[SIGHUP] == SIGNAL_RTMIN + 1);
    CHECK(o.rewrite[SIGINT] == REWRITE_NONE);
    CHECK(options_expects_exit(&o, 3) && options_expects_exit(&o, 255));
    CHECK(!options_expects_exit(&o, 0) && !options_expects_exit(&o, 4) && !options_expects_exit(&o, 256));
}

static void environment_and_precedence(void)
{
    struct options o;
    struct nerr e;
    const char *const env[] = {"NESTINIT_PROC", "bind", "NESTINIT_KILL_GROUP", "yes", "NESTINIT_EXPECT_EXIT", "3,4",
                               "NESTINIT_REWRITE", "USR1:USR2,TERM:INT", "NESTINIT_VERBOSE", "2", "NESTINIT_GRACE", "5",
                               NULL};
    CHECK(parse(&o, &e, env, ARGV("true")) == 0);
    CHECK(o.proc == PROC_BIND && o.kill_group && o.grace_seconds == 5);
    CHECK(options_expects_exit(&o, 3) && options_expects_exit(&o, 4));
    CHECK(o.rewrite[SIGUSR1] == SIGUSR2 && o.rewrite[SIGTERM] == SIGINT);
    CHECK(o.verbosity == LOG_DEBUG);
    /* The command line wins, and a repeatable option replaces the env's list. */
    CHECK(parse(&o, &e, env, ARGV("--proc", "fresh", "-e", "7", "-q", "true")) == 0);
    CHECK(o.proc == PROC_FRESH && options_expects_exit(&o, 7) && !options_expects_exit(&o, 3));
    CHECK(o.verbosity == LOG_ERROR);
}

static void environment_garbage(void)
{
    struct options o;
    struct nerr e;
    const char *const bad_bool[] = {"NESTINIT_KILL_GROUP", "maybe", NULL};
    const char *const bad_proc[] = {"NESTINIT_PROC", "banana", NULL};
    const char *const no_bool[] = {"NESTINIT_SUBREAPER", "FALSE", NULL};
    CHECK(parse(&o, &e, bad_bool, ARGV("true")) < 0);
    CHECK(strstr(e.what, "NESTINIT_KILL_GROUP=maybe") != NULL);
    CHECK(parse(&o, &e, bad_proc, ARGV("true")) < 0);
    CHECK(strstr(e.what, "NESTINIT_PROC") != NULL);
    CHECK(parse(&o, &e, no_bool, ARGV("true")) == 0 && !o.subreaper);
}

static void hardening_options(void)
{
    struct options o;
    struct nerr e;
    const char *const env[] = {"NESTINIT_RO", "/usr,/etc", "NESTINIT_TMPFS", "/tmp", "NESTINIT_RO_ROOT", "1",
                               "NESTINIT_SECCOMP", "default", NULL};
    char *argv[] = {"nestinit", "--user", "1000:100", "--cap-drop", "all", "--cap-add", "net_admin", "--ro", "/opt",
                    "--no-new-privs", "true", NULL};
    CHECK(parse(&o, &e, env, argv) == 0);
    CHECK_STR(o.user, "1000:100");
    CHECK_STR(o.cap_drop, "all");
    CHECK_STR(o.cap_add, "net_admin");
    CHECK(o.seccomp == SECCOMP_DEFAULT && o.ro_root && o.no_new_privs);
    /* --ro on the command line replaces NESTINIT_RO, as every option does */
    /* the environment's items first, then the command line's, in order */
    CHECK(o.mount_count == 2 && o.mounts[0].kind == MOUNT_TMPFS && o.mounts[1].kind == MOUNT_READ_ONLY);
    CHECK_STR(o.mounts[0].path, "/tmp");
    CHECK_STR(o.mounts[1].path, "/opt");
    CHECK(parse(&o, &e, env, ARGV("true")) == 0);
    CHECK(o.mount_count == 3 && o.mounts[2].kind == MOUNT_TMPFS);
    CHECK_STR(o.mounts[0].path, "/usr");
    CHECK_STR(o.mounts[1].path, "/etc");
    /* the command line's --ro and --tmpfs keep the order they were given in */
    CHECK(parse(&o, &e, NULL, ARGV("--ro", "/x", "--tmpfs", "/x", "--ro", "/y", "true")) == 0);
    CHECK(o.mount_count == 3 && o.mounts[0].kind == MOUNT_READ_ONLY && o.mounts[1].kind == MOUNT_TMPFS &&
          o.mounts[2].kind == MOUNT_READ_ONLY);
    CHECK_STR(o.mounts[2].path, "/y");
    CHECK(parse(&o, &e, NULL, ARGV("--ro", "relative", "true")) < 0);
    CHECK(strstr(e.what, "absolute") != NULL);
    CHECK(parse(&o, &e, NULL, ARGV("--seccomp", "strict", "true")) < 0);
    CHECK(parse(&o, &e, NULL, ARGV("--user", ":5", "true")) < 0);
    CHECK(parse(&o, &e, NULL, ARGV("--unshare", "user,pid", "--tmpfs", "/x", "true")) < 0);
    CHECK(parse(&o, &e, NULL, ARGV("--json", "true")) < 0);
    char *check[] = {"nestinit", "--check", "--json", NULL};
    CHECK(parse(&o, &e, NULL, check) == 0 && o.check && o.json);
}

/* Every option that takes a value, given without one (last, after a flag, or
 * glued to -g): a usage error naming the option, never a crash (musl's getopt). */
static const char *const value_options[] = {
    "--proc", "--map", "--unshare", "--fallback", "--rewrite", "-r", "--expect-exit", "-e", "--pdeathsig", "-p",
    "--grace", "--hostname", "--user", "--cap-drop", "--cap-add", "--seccomp", "--ro", "--tmpfs", "--info-fd",
    "--info-file",
};

static void missing_values_name_the_option(void)
{
    struct options o;
    struct nerr e;
    for (size_t i = 0; i < sizeof value_options / sizeof value_options[0]; i++) {
        const char *opt = value_options[i];
        char *alone[] = {"nestinit", (char *)opt, NULL};
        char *after_flag[] = {"nestinit", "-v", (char *)opt, NULL};
        char glued[8] = "-g";
        CHECK(parse(&o, &e, NULL, alone) < 0);
        CHECK(strstr(e.what, "needs a value") != NULL && strstr(e.what, opt) != NULL);
        CHECK(parse(&o, &e, NULL, after_flag) < 0);
        CHECK(strstr(e.what, "needs a value") != NULL && strstr(e.what, opt) != NULL);
        if (opt[1] == '-')
            continue;
        glued[2] = opt[1];
        char *cluster[] = {"nestinit", glued, NULL};
        CHECK(parse(&o, &e, NULL, cluster) < 0);
        CHECK(strstr(e.what, "needs a value") != NULL && strstr(e.what, opt) != NULL);
    }
}

static void unknown_options_are_named(void)
{
    struct options o;
    struct nerr e;
    CHECK(parse(&o, &e, NULL, ARGV("-xg", "true")) < 0);
    CHECK(strstr(e.what, "'-x'") != NULL && strstr(e.what, "nestinit") == NULL);
    CHECK(parse(&o, &e, NULL, ARGV("-gx", "true")) < 0);
    CHECK(strstr(e.what, "'-x'") != NULL);
    CHECK(parse(&o, &e, NULL, ARGV("-:", "true")) < 0);
    CHECK(strstr(e.what, "unknown option '-:'") != NULL);
    CHECK(parse(&o, &e, NULL, ARGV("--kill-group=1", "true")) < 0);
    CHECK(strstr(e.what, "--kill-group") != NULL && strstr(e.what, "no value") != NULL);
    CHECK(parse(&o, &e, NULL, ARGV("--info", "x", "true")) < 0); /* --info-fd or --info-file? */
    CHECK(strstr(e.what, "'--info'") != NULL);
    CHECK(parse(&o, &e, NULL, ARGV("-g", "--bogus=3", "true")) < 0);
    CHECK(strstr(e.what, "'--bogus'") != NULL);
}

static void empty_unshare_lists_are_errors(void)
{
    struct options o;
    struct nerr e;
    static const char *const bad[] = {"", ",", ",,", "user,,pid", ",user", "user,"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK(parse(&o, &e, NULL, ARGV("--unshare", (char *)bad[i], "true")) < 0);
        CHECK(strstr(e.what, "--unshare") != NULL);
    }
    const char *const env[] = {"NESTINIT_UNSHARE", ",", NULL};
    CHECK(parse(&o, &e, env, ARGV("true")) < 0);
    CHECK(strstr(e.what, "NESTINIT_UNSHARE") != NULL);
}

/* The rule for empty and conflicting values (README, "Empty values and conflicts"). */
static void empty_environment_values_mean_unset(void)
{
    static const char *const names[] = {
        "NESTINIT_PROC", "NESTINIT_MAP", "NESTINIT_UNSHARE", "NESTINIT_FALLBACK", "NESTINIT_KILL_GROUP",
        "NESTINIT_REWRITE", "NESTINIT_EXPECT_EXIT", "NESTINIT_SUBREAPER", "NESTINIT_PDEATHSIG", "NESTINIT_GRACE",
        "NESTINIT_HOSTNAME", "NESTINIT_NO_NEW_PRIVS", "NESTINIT_USER", "NESTINIT_CAP_DROP", "NESTINIT_CAP_ADD",
        "NESTINIT_SECCOMP", "NESTINIT_RO_ROOT", "NESTINIT_RO", "NESTINIT_TMPFS", "NESTINIT_INFO_FD",
        "NESTINIT_INFO_FILE", "NESTINIT_VERBOSE", "NESTINIT_QUIET",
    };
    static struct options o, defaults;
    struct nerr e;
    char *argv[] = {"nestinit", "true", NULL};
    CHECK(parse(&defaults, &e, NULL, argv) == 0);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const char *const env[] = {names[i], "", NULL};
        int rc = parse(&o, &e, env, argv);
        if (rc != 0 || memcmp(&o, &defaults, sizeof o) != 0)
            printf("  %s= is not the same as unset: %s\n", names[i], rc ? e.what : "options differ");
        CHECK(rc == 0 && memcmp(&o, &defaults, sizeof o) == 0);
    }
}

static void command_line_overrides_without_parsing(void)
{
    struct options o;
    struct nerr e;
    const char *const env[] = {"NESTINIT_PROC", "banana", "NESTINIT_PDEATHSIG", "NOSIG", "NESTINIT_INFO_FD", "x",
                               "NESTINIT_QUIET", "maybe", "NESTINIT_REWRITE", "BOGUS", NULL};
    CHECK(parse(&o, &e, env, ARGV("true")) < 0);
    CHECK(parse(&o, &e, env, ARGV("--proc", "bind", "-p", "TERM", "--info-file", "/i", "-v", "-r", "1:2", "true")) == 0);
    CHECK(o.proc == PROC_BIND && o.pdeathsig == SIGTERM && o.info_fd == -1 && o.verbosity == LOG_INFO);
    CHECK_STR(o.info_file, "/i");
    CHECK(o.rewrite[1] == 2);
    /* one of a pair replaces the variables of both */
    const char *const info_env[] = {"NESTINIT_INFO_FILE", "/env", NULL};
    CHECK(parse(&o, &e, info_env, ARGV("--info-fd", "3", "true")) == 0);
    CHECK(o.info_fd == 3 && o.info_file == NULL);
    const char *const verbose_env[] = {"NESTINIT_VERBOSE", "3", NULL};
    CHECK(parse(&o, &e, verbose_env, ARGV("-q", "true")) == 0);
    CHECK(o.verbosity == LOG_ERROR);
}

static void conflicts_are_usage_errors(void)
{
    struct options o;
    struct nerr e;
    CHECK(parse(&o, &e, NULL, ARGV("--info-fd", "5", "--info-file", "/x", "true")) < 0);
    CHECK(strstr(e.what, "--info-fd") && strstr(e.what, "--info-file") && strstr(e.what, "conflict"));
    CHECK(parse(&o, &e, NULL, ARGV("--info-file", "/x", "--info-fd", "5", "true")) < 0);
    CHECK(strstr(e.what, "--info-fd") && strstr(e.what, "--info-file"));
    CHECK(parse(&o, &e, NULL, ARGV("-q", "-v", "true")) < 0);
    CHECK(strstr(e.what, "--quiet") && strstr(e.what, "--verbose"));
    CHECK(parse(&o, &e, NULL, ARGV("-vq", "true")) < 0);
    CHECK(parse(&o, &e, NULL, ARGV("-v", "-v", "--verbose", "true")) == 0 && o.verbosity == LOG_WARN + 3);
    CHECK(parse(&o, &e, NULL, ARGV("-q", "--quiet", "true")) == 0 && o.verbosity == LOG_ERROR);
    const char *const info_env[] = {"NESTINIT_INFO_FD", "5", "NESTINIT_INFO_FILE", "/x", NULL};
    CHECK(parse(&o, &e, info_env, ARGV("true")) < 0);
    CHECK(strstr(e.what, "NESTINIT_INFO_FD") && strstr(e.what, "NESTINIT_INFO_FILE"));
    const char *const verbose_env[] = {"NESTINIT_VERBOSE", "2", "NESTINIT_QUIET", "1", NULL};
    CHECK(parse(&o, &e, verbose_env, ARGV("true")) < 0);
    CHECK(strstr(e.what, "NESTINIT_VERBOSE") && strstr(e.what, "NESTINIT_QUIET"));
    /* an empty one of the pair is unset, so no conflict */
    const char *const half_env[] = {"NESTINIT_INFO_FD", "", "NESTINIT_INFO_FILE", "/x", NULL};
    CHECK(parse(&o, &e, half_env, ARGV("true")) == 0 && o.info_fd == -1);
}

int main(void)
{
    RUN(defaults);
    RUN(options_stop_at_first_non_option);
    RUN(bad_values_are_usage_errors);
    RUN(unshare_lists);
    RUN(rewrite_and_expect);
    RUN(environment_and_precedence);
    RUN(environment_garbage);
    RUN(hardening_options);
    RUN(missing_values_name_the_option);
    RUN(unknown_options_are_named);
    RUN(empty_unshare_lists_are_errors);
    RUN(empty_environment_values_mean_unset);
    RUN(command_line_overrides_without_parsing);
    RUN(conflicts_are_usage_errors);
    UNIT_EXIT();
}
