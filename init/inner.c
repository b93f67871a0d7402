#include "init/inner.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "base/log.h"
#include "init/supervise.h"
#include "setup/diagnose.h"
#include "setup/loopback.h"
#include "setup/mounts.h"
#include "setup/procfs.h"

/* /proc, in the mount namespace the payload will have (or, on the pid-first
 * route, in the one it is copied from). */
static int prepare_proc(const struct plan *plan, struct proc_result *proc, struct nerr *e)
{
    if (plan_has(plan, CLONE_NEWNS) && mounts_make_private(e) < 0)
        return -1;
    if (plan->reason[0])
        snprintf(proc->reason, sizeof proc->reason, "%s", plan->reason);
    return procfs_setup(&plan->proc, proc, e);
}

/* ROUTE_PIDNS_FIRST: /proc is mounted while this mount namespace still
 * belongs to the container's user namespace; the user namespace made now
 * locks it, masks included, for the payload. */
static int cross_into_user_ns(const struct plan *plan, struct proc_result *proc, struct nerr *e)
{
    char list[128];
    if (prepare_proc(plan, proc, e) < 0)
        return -1;
    if (unshare(plan->late_flags) < 0) {
        nerr_set(e, errno, "cannot create namespaces after /proc (unshare %s)",
                 unshare_flags_text(plan->late_flags, list, sizeof list));
        diagnose_namespace_failure(e, plan->late_flags);
        proc->refused = true;
        snprintf(proc->reason, sizeof proc->reason, "the user namespace could not be made after /proc");
        return -1;
    }
    return 0;
}

static int prepare(const struct inner_context *ctx, struct proc_result *proc, struct nerr *e)
{
    const struct options *o = ctx->options;
    if (ctx->plan->route != ROUTE_PIDNS_FIRST && prepare_proc(ctx->plan, proc, e) < 0)
        return -1;
    for (int i = 0; i < o->tmpfs_count; i++)
        if (mount_tmpfs(o->tmpfs_paths[i], e) < 0)
            return -1;
    for (int i = 0; i < o->ro_count; i++)
        if (mount_read_only(o->ro_paths[i], e) < 0)
            return -1;
    if (o->ro_root && mount_read_only("/", e) < 0)
        return -1;
    if (privileges_check_mapped(&ctx->spec->privileges, e) < 0)
        return -1;
    if (o->hostname && sethostname(o->hostname, strlen(o->hostname)) < 0)
        return nerr_set(e, errno, "set the hostname to '%s'", o->hostname);
    if (plan_has(ctx->plan, CLONE_NEWNET) && loopback_up(e) < 0)
        return -1;
    return 0;
}

static __attribute__((noreturn)) void report_failure(const struct inner_context *ctx, struct inner_report *report)
{
    report->kind = REPORT_ERROR;
    channel_send(ctx->channel, report, sizeof *report);
    _exit(125);
}

void inner_main(const struct inner_context *ctx)
{
    struct inner_report report;
    memset(&report, 0, sizeof report);

    /* If the outer dies, so do we, and with us (pid 1) the whole namespace.
     * Set before waiting: an outer that died earlier shows up as EOF below. */
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    if (ctx->info_fd > STDERR_FILENO)
        close(ctx->info_fd);
    channel_keep_inner_ends(ctx->channel);
    if (!channel_send_proc_pid(ctx->channel))
        _exit(125);
    if (ctx->plan->route == ROUTE_PIDNS_FIRST) {
        if (cross_into_user_ns(ctx->plan, &report.proc, &report.error) < 0)
            report_failure(ctx, &report);
        report.kind = REPORT_CROSSED; /* the outer writes our maps now */
        if (!channel_send(ctx->channel, &report, sizeof report))
            _exit(125);
    }
    if (!channel_wait_release(ctx->channel))
        _exit(125); /* the outer failed (and says why) or died */
    if (prepare(ctx, &report.proc, &report.error) < 0)
        report_failure(ctx, &report);
    report.kind = REPORT_READY;
    if (!channel_send(ctx->channel, &report, sizeof report))
        _exit(125);
    /* With --info-*, the payload starts only once the outer has written it. */
    if (ctx->info_fd >= 0 && !channel_wait_release(ctx->channel))
        _exit(125);
    if (ctx->plan->route == ROUTE_NO_PIDNS) {
        channel_close(ctx->channel);
        payload_exec(ctx->spec, ctx->outer); /* no pid namespace: the outer is the payload's init */
    }
    supervise_payload(ctx->options, ctx->spec, ctx->channel);
}
