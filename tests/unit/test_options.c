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
    CHECK(o.ro_count == 3 && o.tmpfs_count == 1);
    CHECK_STR(o.ro_paths[0], "/usr");
    CHECK_STR(o.ro_paths[1], "/etc");
    CHECK_STR(o.ro_paths[2], "/opt");
    CHECK_STR(o.tmpfs_paths[0], "/tmp");
    CHECK(parse(&o, &e, NULL, ARGV("--ro", "relative", "true")) < 0);
    CHECK(strstr(e.what, "absolute") != NULL);
    CHECK(parse(&o, &e, NULL, ARGV("--seccomp", "strict", "true")) < 0);
    CHECK(parse(&o, &e, NULL, ARGV("--user", ":5", "true")) < 0);
    CHECK(parse(&o, &e, NULL, ARGV("--unshare", "user,pid", "--tmpfs", "/x", "true")) < 0);
    CHECK(parse(&o, &e, NULL, ARGV("--json", "true")) < 0);
    char *check[] = {"nestinit", "--check", "--json", NULL};
    CHECK(parse(&o, &e, NULL, check) == 0 && o.check && o.json);
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
    UNIT_EXIT();
}
