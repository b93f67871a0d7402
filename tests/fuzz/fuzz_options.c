/* libFuzzer harness: command line and NESTINIT_* environment parsing.
 * Input: lines (an empty line is an empty argument); "NESTINIT_X=v" lines are
 * the environment, the rest argv.
 * Oracle: what is accepted obeys every rule the unit tests check (values in
 * range, paths absolute, no conflicting pair, ...), and printed back as a
 * plain command line it parses again, without the environment, to the same
 * options. */
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "init/options.h"
#include "tests/fuzz/oracle.h"

#define MAX_ITEMS 64
#define MAX_OUT 1024

static char *env_names[MAX_ITEMS], *env_values[MAX_ITEMS];
static int env_count;

static const char *fake_getenv(const char *name)
{
    for (int i = 0; i < env_count; i++)
        if (strcmp(env_names[i], name) == 0)
            return env_values[i];
    return NULL;
}


static bool same_str(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

/* The rules of options_parse and tests/unit/test_options.c, for an accepted run. */
static void check_valid(const struct options *o)
{
    const int known = CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET |
                      CLONE_NEWCGROUP;
    MUST((o->unshare_flags & ~known) == 0);
    MUST(o->verbosity >= LOG_ERROR);
    MUST(o->pdeathsig >= 0 && o->pdeathsig <= SIGNAL_MAX);
    MUST(o->grace_seconds <= 86400);
    MUST(o->info_fd >= -1);
    MUST(!(o->info_fd >= 0 && o->info_file));
    MUST(o->info_file == NULL || o->info_file[0] != '\0');
    MUST(o->hostname == NULL || (o->hostname[0] != '\0' && strlen(o->hostname) <= 64));
    MUST(o->user == NULL || (o->user[0] != '\0' && o->user[0] != ':'));
    MUST(o->cap_drop == NULL || o->cap_drop[0] != '\0');
    MUST(o->cap_add == NULL || o->cap_add[0] != '\0');
    MUST(o->mount_count >= 0 && o->mount_count <= MOUNTS_MAX);
    for (int i = 0; i < o->mount_count; i++)
        MUST(o->mounts[i].path[0] == '/' && (o->mounts[i].kind == MOUNT_TMPFS || o->mounts[i].kind == MOUNT_READ_ONLY));
    for (int i = 0; i <= SIGNAL_MAX; i++)
        MUST(o->rewrite[i] == REWRITE_NONE || (o->rewrite[i] >= 0 && o->rewrite[i] <= SIGNAL_MAX));
    MUST(o->rewrite[0] == REWRITE_NONE && o->rewrite[SIGKILL] == REWRITE_NONE &&
         o->rewrite[SIGSTOP] == REWRITE_NONE && o->rewrite[SIGCHLD] == REWRITE_NONE);
    MUST(!o->json || o->check);
    MUST(o->command != NULL);
    if (o->show_help || o->show_version || o->check)
        return;
    MUST(o->command[0] != NULL);
    MUST(!o->hostname || (o->unshare_flags & CLONE_NEWUTS));
    if (!(o->unshare_flags & CLONE_NEWNS))
        MUST(!o->ro_root && !o->mount_count);
    if (!(o->unshare_flags & CLONE_NEWUSER))
        MUST(o->map == MAP_AUTO);
}

/* The word that parses to `value` for a choice option, found by asking the
 * parser itself, so this harness does not fix the list of modes. */
static const char *choice_word(const char *opt, int value, const char *const *words, int n)
{
    for (int i = 0; i < n; i++) {
        static struct options probe;
        struct nerr e;
        char *argv[] = {"nestinit", (char *)opt, (char *)words[i], "--check", NULL};
        if (options_parse(&probe, 4, argv, NULL, &e) < 0)
            continue;
        int got = strcmp(opt, "--proc") == 0  ? (int)probe.proc
                  : strcmp(opt, "--map") == 0 ? (int)probe.map
                  : strcmp(opt, "--fallback") == 0 ? (int)probe.fallback
                                                  : (int)probe.seccomp;
        if (got == value)
            return words[i];
    }
    MUST(!"no word parses to this value");
    return NULL;
}

struct out {
    char *argv[MAX_OUT];
    int argc;
    char text[8192]; /* numbers printed for argv */
    size_t used;
};

static void push(struct out *w, const char *arg)
{
    MUST(w->argc < MAX_OUT - 1);
    w->argv[w->argc++] = (char *)arg;
}

/* "A" or, with b >= 0, "A:B" */
static void push_num(struct out *w, int a, int b)
{
    char *p = w->text + w->used;
    int n = b >= 0 ? snprintf(p, sizeof w->text - w->used, "%d:%d", a, b)
                   : snprintf(p, sizeof w->text - w->used, "%d", a);
    MUST(n > 0 && (size_t)n < sizeof w->text - w->used);
    w->used += (size_t)n + 1;
    push(w, p);
}

static void print_options(const struct options *o, struct out *w)
{
    static const char *const procs[] = {"auto", "fresh", "unmasked", "bind", "container", "none"};
    static const char *const maps[] = {"auto", "root", "full"};
    static const char *const fallbacks[] = {"fail", "plain"};
    static const char *const seccomps[] = {"none", "default"};
    static char unshare[128];
    push(w, "nestinit");
    push(w, "--proc"), push(w, choice_word("--proc", (int)o->proc, procs, 6));
    push(w, "--map"), push(w, choice_word("--map", (int)o->map, maps, 3));
    push(w, "--fallback"), push(w, choice_word("--fallback", (int)o->fallback, fallbacks, 2));
    push(w, "--seccomp"), push(w, choice_word("--seccomp", (int)o->seccomp, seccomps, 2));
    push(w, "--unshare"), push(w, unshare_flags_text(o->unshare_flags, unshare, sizeof unshare));
    if (o->kill_group) push(w, "-g");
    if (o->subreaper) push(w, "-s");
    if (o->no_new_privs) push(w, "--no-new-privs");
    if (o->ro_root) push(w, "--ro-root");
    if (o->show_version) push(w, "--version");
    if (o->show_help) push(w, "--help");
    if (o->check) push(w, "--check");
    if (o->json) push(w, "--json");
    if (o->verbosity == LOG_ERROR) push(w, "-q");
    for (int v = o->verbosity; v > LOG_WARN; v--) push(w, "-v");
    for (int i = 0; i <= SIGNAL_MAX; i++)
        if (o->rewrite[i] != REWRITE_NONE) push(w, "-r"), push_num(w, i, o->rewrite[i]);
    for (int code = 0; code < 256; code++)
        if (options_expects_exit(o, code)) push(w, "-e"), push_num(w, code, -1);
    if (o->pdeathsig) push(w, "-p"), push_num(w, o->pdeathsig, -1);
    push(w, "--grace"), push_num(w, (int)o->grace_seconds, -1);
    if (o->info_fd >= 0) push(w, "--info-fd"), push_num(w, o->info_fd, -1);
    if (o->info_file) push(w, "--info-file"), push(w, o->info_file);
    if (o->hostname) push(w, "--hostname"), push(w, o->hostname);
    if (o->user) push(w, "--user"), push(w, o->user);
    if (o->cap_drop) push(w, "--cap-drop"), push(w, o->cap_drop);
    if (o->cap_add) push(w, "--cap-add"), push(w, o->cap_add);
    for (int i = 0; i < o->mount_count; i++)
        push(w, o->mounts[i].kind == MOUNT_TMPFS ? "--tmpfs" : "--ro"), push(w, o->mounts[i].path);
    push(w, "--");
    for (char **c = o->command; *c; c++) push(w, *c);
    w->argv[w->argc] = NULL;
}

static void check_same(const struct options *a, const struct options *b)
{
    MUST(a->proc == b->proc && a->map == b->map && a->fallback == b->fallback && a->seccomp == b->seccomp);
    MUST(a->unshare_flags == b->unshare_flags);
    MUST(a->kill_group == b->kill_group && a->subreaper == b->subreaper && a->no_new_privs == b->no_new_privs);
    MUST(a->ro_root == b->ro_root && a->show_version == b->show_version && a->show_help == b->show_help);
    MUST(a->check == b->check && a->json == b->json && a->verbosity == b->verbosity);
    MUST(memcmp(a->rewrite, b->rewrite, sizeof a->rewrite) == 0);
    MUST(memcmp(a->expect_exit, b->expect_exit, sizeof a->expect_exit) == 0);
    MUST(a->pdeathsig == b->pdeathsig && a->grace_seconds == b->grace_seconds && a->info_fd == b->info_fd);
    MUST(same_str(a->info_file, b->info_file) && same_str(a->hostname, b->hostname));
    MUST(same_str(a->user, b->user) && same_str(a->cap_drop, b->cap_drop) && same_str(a->cap_add, b->cap_add));
    MUST(a->mount_count == b->mount_count);
    for (int i = 0; i < a->mount_count; i++)
        MUST(a->mounts[i].kind == b->mounts[i].kind && same_str(a->mounts[i].path, b->mounts[i].path));
    int i = 0;
    for (; a->command[i] && b->command[i]; i++)
        MUST(strcmp(a->command[i], b->command[i]) == 0);
    MUST(a->command[i] == NULL && b->command[i] == NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    char *argv[MAX_ITEMS + 2];
    int argc = 1;
    struct options *o = malloc(sizeof *o), *again = malloc(sizeof *again);
    struct out *w = malloc(sizeof *w);
    struct nerr e;
    memcpy(text, data, size);
    text[size] = '\0';
    argv[0] = "nestinit";
    env_count = 0;
    for (char *line = text; line && (size_t)(line - text) < size;) {
        char *nl = strchr(line, '\n'), *eq = strchr(line, '=');
        if (nl)
            *nl = '\0';
        if (strncmp(line, "NESTINIT_", 9) == 0 && eq && env_count < MAX_ITEMS) {
            *eq = '\0';
            env_names[env_count] = line;
            env_values[env_count++] = eq + 1;
        } else if (argc < MAX_ITEMS) {
            argv[argc++] = line;
        }
        line = nl ? nl + 1 : NULL;
    }
    argv[argc] = NULL;
    if (options_parse(o, argc, argv, fake_getenv, &e) == 0) {
        check_valid(o);
        memset(w, 0, sizeof *w);
        print_options(o, w);
        if (options_parse(again, w->argc, w->argv, NULL, &e) != 0) {
            fprintf(stderr, "oracle: accepted options printed back are refused: %s\n", e.what);
            abort();
        }
        check_same(o, again);
    }
    free(w);
    free(again);
    free(o);
    free(text);
    return 0;
}
