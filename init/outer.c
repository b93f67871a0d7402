#include "init/outer.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/channel.h"
#include "init/info.h"
#include "init/inner.h"
#include "init/plan.h"
#include "init/supervise.h"
#include "base/log.h"
#include "reaper/reaper.h"
#include "setup/conditions.h"
#include "setup/diagnose.h"
#include "base/files.h"
#include "setup/idmap.h"
#include "setup/nsclone.h"

#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif

struct outer {
    const struct options *options;
    struct payload_spec spec;
    int info_fd;
    struct channel channel;
    struct plan plan;
    pid_t inner;    /* in our pid namespace: the inner init, or the payload without a pid namespace */
    int proc_pid;   /* the inner as /proc names it: where its map files are */
};

static int fail(const struct nerr *e)
{
    nerr_print(e);
    return 125;
}

/* A failed setup step: --check tells about every other step too. */
static int setup_failed(struct nerr *e)
{
    nerr_add_fix(e, "nestinit --check probes every step");
    return fail(e);
}

/* The id maps are written through /proc/PID of the inner (user_namespaces(7)). */
static int require_procfs(struct nerr *e)
{
    struct statfs sf;
    if (statfs("/proc", &sf) < 0)
        return nerr_set(e, errno, "/proc is missing; cause: nestinit writes the new namespace's id maps through "
                                  "/proc; fix: run it where a procfs is mounted at /proc (engines always mount one)");
    if (sf.f_type != PROC_SUPER_MAGIC)
        return nerr_set(e, 0, "/proc is not a procfs (filesystem type 0x%lx); fix: mount proc at /proc, do not cover it",
                        (unsigned long)sf.f_type);
    return 0;
}

static void stop_inner(struct outer *st)
{
    if (st->inner > 0) { /* never kill(-1) or kill(0): that is everything we may signal */
        kill(st->inner, SIGKILL);
        waitpid(st->inner, NULL, 0);
    }
    channel_close(&st->channel);
    st->inner = 0;
}

/* --fallback plain: what the payload gets when namespaces cannot be made. */
static int run_plain(struct outer *st, const char *why)
{
    if (why)
        log_warn("running as a plain init without new namespaces (--fallback plain): %s", why);
    else
        log_info("plain init (--unshare none), payload '%s'", st->options->command[0]);
    if (st->info_fd >= 0) {
        struct nerr e;
        const struct info info = {.options = st->options, .mode = "plain", .proc = PROC_NONE, .map = MAP_AUTO, .flags = 0,
                                  .fallback_reason = why, .privileges = &st->spec.privileges};
        if (info_write(st->info_fd, &info, &e) < 0)
            return fail(&e);
    }
    supervise_payload(st->options, &st->spec, NULL);
}

static int namespaces_failed(struct outer *st, struct nerr *e)
{
    char text[NERR_LINE];
    if (st->options->fallback != FALLBACK_PLAIN)
        return setup_failed(e);
    e->fix[0] = '\0'; /* the fix would be the --fallback plain we are following */
    nerr_format(e, text, sizeof text);
    return run_plain(st, text);
}

static int start_inner(struct outer *st, struct nerr *e)
{
    char list[128];
    int flags = st->plan.clone_flags;
    pid_t outer = getpid();
    if (channel_open(&st->channel, e) < 0)
        return -1;
    st->inner = nsclone(flags);
    if (st->inner < 0) {
        st->inner = 0;
        channel_close(&st->channel);
        nerr_set(e, errno, "cannot create namespaces (clone %s)", unshare_flags_text(flags, list, sizeof list));
        diagnose_namespace_failure(e, flags);
        return -1;
    }
    if (st->inner == 0) {
        const struct inner_context ctx = {
            .options = st->options, .plan = &st->plan, .channel = &st->channel, .info_fd = st->info_fd,
            .spec = &st->spec, .outer = outer,
        };
        inner_main(&ctx);
    }
    channel_keep_outer_ends(&st->channel);
    init_make_undumpable(); /* after the clone: the child must stay dumpable until its maps are written */
    return 0;
}

/* One line when the payload's /proc is not a fresh one of its own. */
static void warn_proc_fallback(const struct proc_result *proc)
{
    if (proc->used == PROC_NONE && proc->reason[0])
        log_warn("/proc is not this pid namespace's: %s", proc->reason);
    if (proc->used == PROC_CONTAINER && proc->reason[0])
        log_warn("/proc: no new pid namespace, the payload keeps the container's /proc and pids (so ps, bwrap and "
                 "/proc/self agree): %s; for a fresh /proc in a pid namespace of its own: %s",
                 proc->reason, PROC_FRESH_FIX);
    if (proc->used == PROC_BIND)
        log_warn("/proc is a recursive bind of the container's /proc (--proc bind), so it lists the container's "
                 "processes with the container's pids: getpid() differs from /proc/self, and ps, top, pgrep and "
                 "bwrap misread it%s%s; for a fresh /proc: %s",
                 proc->reason[0] ? ": " : "", proc->reason, PROC_FRESH_FIX);
}

/* -v: what was set up, in one line. */
static void log_setup(const struct outer *st, const struct proc_result *proc, enum map_mode map)
{
    static const char *const routes[] = {"user namespace first", "pid namespace first", "no pid namespace"};
    char list[128];
    log_info("%s %d: namespaces %s (%s), id map %s, /proc %s, payload '%s'",
             st->plan.route == ROUTE_NO_PIDNS ? "payload" : "inner init", (int)st->inner,
             unshare_flags_text(st->plan.flags, list, sizeof list), routes[st->plan.route],
             !plan_has(&st->plan, CLONE_NEWUSER) ? "none" : map == MAP_FULL ? "full" : "root",
             proc_mode_name(proc->used), st->options->command[0]);
}

/* Waits for a report of the inner: `want`, or the error that stopped it. */
static int await_inner(struct outer *st, int want, struct inner_report *report, struct nerr *e)
{
    if (!channel_recv(&st->channel, report, sizeof *report)) {
        int status = 0;
        waitpid(st->inner, &status, 0);
        st->inner = 0;
        return nerr_set(e, 0, "the inner init ended during setup without a report (exit status %d)",
                        reaper_exit_code(status));
    }
    if (report->kind != want) {
        *e = report->error;
        stop_inner(st);
        return -1;
    }
    return 0;
}

static int write_info(struct outer *st, const struct inner_report *report, enum map_mode map, struct nerr *e)
{
    const struct info info = {
        .options = st->options, .mode = "nested", .flags = st->plan.flags, .child = st->inner,
        .child_is_payload = st->plan.route == ROUTE_NO_PIDNS, .proc_pid = st->proc_pid,
        .proc = report->proc.used, .proc_reason = report->proc.reason, .privileges = &st->spec.privileges,
        .map = plan_has(&st->plan, CLONE_NEWUSER) ? map : MAP_AUTO,
    };
    if (info_write(st->info_fd, &info, e) < 0)
        return -1;
    return channel_release(&st->channel) ? 0 : nerr_set(e, EPIPE, "release the inner init after --info");
}

/* The inner reports the payload's fork and waits: the payload is its only
 * child, and as long as the inner waits it cannot be reaped. Through /proc the
 * outer finds its pid in our namespace and takes a pidfd of it, so forwarded
 * signals go straight to the payload: one wake-up instead of two. Returns the
 * pidfd, or -1 to leave forwarding to the inner (--kill-group, which needs the
 * payload's process group; a /proc of another pid namespace; no pidfd_open). */
static int adopt_payload(struct outer *st)
{
    char path[64], text[64];
    int payload_in_ns, fd = -1;
    if (!channel_recv(&st->channel, &payload_in_ns, sizeof payload_in_ns))
        return -1; /* the inner died; the loop collects it */
    snprintf(path, sizeof path, "/proc/%d/task/%d/children", st->proc_pid, st->proc_pid);
    if (!st->options->kill_group && st->proc_pid == (int)st->inner && file_read_all(path, text, sizeof text) > 0) {
        char *end;
        long pid = strtol(text, &end, 10);
        while (*end == ' ' || *end == '\n')
            end++;
#ifdef SYS_pidfd_open
        if (pid > 0 && *end == '\0') /* exactly one child */
            fd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
#endif
        log_debug("payload is %ld here (%d in its namespace), pidfd %d", pid, payload_in_ns, fd);
    }
    channel_release(&st->channel);
    return fd < 0 ? -1 : fd;
}

/* The clone, the maps (after the inner crossed into its user namespace on the
 * pid-first route) and the inner's report. -1 with *e set; report->proc says
 * whether a fresh /proc was what failed. */
enum { SETUP_FAILED = -1, SETUP_NO_NAMESPACES = -2, SETUP_NO_CLONE = -3 };

static int set_up_inner(struct outer *st, struct inner_report *report, enum map_mode *map, struct nerr *e)
{
    if (start_inner(st, e) < 0)
        return SETUP_NO_CLONE;
    if (!channel_read_proc_pid(&st->channel, &st->proc_pid) || st->proc_pid <= 0) {
        nerr_set(e, st->proc_pid < 0 ? -st->proc_pid : 0, "the inner init cannot find itself in /proc");
        nerr_condition(e, COND_PROC_FOREIGN);
        stop_inner(st);
        return SETUP_FAILED;
    }
    if (st->plan.route == ROUTE_PIDNS_FIRST && await_inner(st, REPORT_CROSSED, report, e) < 0)
        return SETUP_FAILED;
    if (plan_has(&st->plan, CLONE_NEWUSER) && idmap_apply(st->proc_pid, st->options->map, map, e) < 0) {
        stop_inner(st);
        return SETUP_NO_NAMESPACES;
    }
    channel_release(&st->channel); /* a dead inner shows up as EOF below */
    return await_inner(st, REPORT_READY, report, e);
}

/* Namespaces, maps and /proc, following the plan; --proc auto falls back once
 * to the container's /proc when a fresh one is refused after all. */
static int set_up(struct outer *st, struct inner_report *report, enum map_mode *map)
{
    struct nerr e;
    for (;;) {
        memset(report, 0, sizeof *report);
        int rc = set_up_inner(st, report, map, &e);
        if (rc == 0)
            return 0;
        stop_inner(st); /* also closes the channel of an inner that died on its own */
        /* A refused fresh procfs, or a pid-first clone that the container's
         * filter refuses although it grants CAP_SYS_ADMIN. */
        bool proc_failed = report->proc.refused || (rc == SETUP_NO_CLONE && st->plan.route == ROUTE_PIDNS_FIRST);
        if (st->plan.may_fall_back && proc_failed) {
            char text[NERR_LINE];
            nerr_format(&e, text, sizeof text);
            log_debug("fresh /proc failed (%s), falling back to the container's", text);
            plan_no_pidns(&st->plan, report->proc.refused ? report->proc.reason : text);
            continue;
        }
        return rc == SETUP_FAILED ? setup_failed(&e) : namespaces_failed(st, &e);
    }
}

static int run_nested(struct outer *st)
{
    struct nerr e;
    struct inner_report report;
    enum map_mode map = MAP_AUTO;

    if (plan_make(st->options, &st->plan, &e) < 0)
        return fail(&e);
    if (plan_has(&st->plan, CLONE_NEWUSER) && require_procfs(&e) < 0)
        return fail(&e);
    int rc = set_up(st, &report, &map);
    if (rc != 0)
        return rc;
    warn_proc_fallback(&report.proc);
    log_setup(st, &report.proc, map);
    if (st->info_fd >= 0 && write_info(st, &report, map, &e) < 0) {
        stop_inner(st);
        return fail(&e);
    }
    if (st->plan.route == ROUTE_NO_PIDNS) {
        /* The clone child is the payload and we are its init. Its group is
         * set on both sides, as payload_spawn does: -g reaches it at once. */
        channel_close(&st->channel);
        setpgid(st->inner, st->inner);
        return supervise_until_exit(st->options, &st->spec, st->inner);
    }
    int payload_fd = adopt_payload(st);
    channel_close(&st->channel);
    if (chdir("/") < 0)
        log_debug("chdir /: %s", strerror(errno));
    close_inherited_fds(payload_fd);

    /* With a pidfd, signals take one hop, with --rewrite and --grace applied
     * here; else the inner passes them on. The inner's exit ends the loop. */
    const struct reaper_config cfg = {
        .kill_group = false,
        .rewrite = payload_fd >= 0 ? st->options->rewrite : NULL,
        .grace_seconds = payload_fd >= 0 ? st->options->grace_seconds : 0,
        .target_pidfd = payload_fd,
    };
    return reaper_exit_code(reaper_run(&cfg, st->inner));
}

int outer_run(const struct options *o)
{
    struct nerr e;
    struct outer st = {.options = o, .info_fd = -1, .channel = {{-1, -1}, {-1, -1}}};

    if (payload_spec_init(&st.spec, o, &e) < 0)
        return fail(&e);
    st.info_fd = info_open(o, &e);
    if (st.info_fd == -2)
        return fail(&e);
    reaper_block_signals(&st.spec.caller_mask, &st.spec.caller_ignored_chld);
    if (o->pdeathsig)
        set_parent_death_signal(o->pdeathsig);
    /* Orphans of our own descendants must come to us when we are not pid 1. */
    if ((o->subreaper || getpid() != 1) && prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
        log_warn("cannot become a child subreaper: %s", strerror(errno));
    if (o->unshare_flags == 0)
        return run_plain(&st, NULL);
    return run_nested(&st);
}
