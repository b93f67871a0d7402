#include "init/outer.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/files.h"
#include "base/log.h"
#include "init/info.h"
#include "init/sequence.h"
#include "init/supervise.h"
#include "reaper/reaper.h"

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

/* --fallback plain: what the payload gets when namespaces cannot be made. */
static int run_plain(struct setup *st, const char *why)
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

static int namespaces_failed(struct setup *st, struct nerr *e)
{
    char text[NERR_LINE];
    if (st->options->fallback != FALLBACK_PLAIN)
        return setup_failed(e);
    e->fix[0] = '\0'; /* the fix would be the --fallback plain we are following */
    nerr_format(e, text, sizeof text);
    return run_plain(st, text);
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
static void log_setup(const struct setup *st, const struct proc_result *proc, enum map_mode map)
{
    char list[128];
    log_info("%s %d: namespaces %s (%s), id map %s, /proc %s, payload '%s'",
             st->plan.route == ROUTE_NO_PIDNS ? "payload" : "inner init", (int)st->inner,
             unshare_flags_text(st->plan.flags, list, sizeof list), plan_route_name(st->plan.route),
             !plan_has(&st->plan, CLONE_NEWUSER) ? "none" : map == MAP_FULL ? "full" : "root",
             proc_mode_name(proc->used), st->options->command[0]);
}

static int write_info(struct setup *st, const struct inner_report *report, enum map_mode map, struct nerr *e)
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
static int adopt_payload(struct setup *st)
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

static int run_nested(struct setup *st)
{
    struct nerr e;
    int rc = setup_run(st, &e);
    if (rc == SETUP_BAD_INPUT)
        return fail(&e);
    if (rc == SETUP_FAILED)
        return setup_failed(&e);
    if (rc != 0)
        return namespaces_failed(st, &e);
    warn_proc_fallback(&st->report.proc);
    log_setup(st, &st->report.proc, st->map);
    if (st->info_fd >= 0 && write_info(st, &st->report, st->map, &e) < 0) {
        setup_stop_inner(st);
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
    struct setup st = {.options = o, .info_fd = -1, .channel = {{-1, -1}, {-1, -1}}};

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
