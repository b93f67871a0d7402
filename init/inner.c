#include "init/inner.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "base/log.h"
#include "init/supervise.h"
#include "setup/diagnose.h"
#include "setup/loopback.h"
#include "setup/mounts.h"
#include "setup/procfs.h"

/* /proc, in the mount namespace the payload will have (or, on the pid-first
 * route, in the one it is copied from). */
static int prepare_proc(const struct plan *plan, struct inner_report *r)
{
    r->step = STEP_MOUNT_NS;
    if (plan_has(plan, CLONE_NEWNS) && mounts_make_private(&r->error) < 0)
        return -1;
    r->step = STEP_PROC;
    if (plan->reason[0])
        snprintf(r->proc.reason, sizeof r->proc.reason, "%s", plan->reason);
    return procfs_setup(&plan->proc, &r->proc, &r->error);
}

/* ROUTE_PIDNS_FIRST: /proc is mounted while this mount namespace still
 * belongs to the container's user namespace; the user namespace made now
 * locks it, masks included, for the payload. */
static int cross_into_user_ns(const struct plan *plan, struct inner_report *r)
{
    char list[128];
    if (prepare_proc(plan, r) < 0)
        return -1;
    r->step = STEP_NAMESPACES;
    if (unshare(plan->late_flags) < 0) {
        nerr_set(&r->error, errno, "cannot create namespaces after /proc (unshare %s)",
                 unshare_flags_text(plan->late_flags, list, sizeof list));
        diagnose_namespace_failure(&r->error, plan->late_flags);
        r->proc.refused = true;
        snprintf(r->proc.reason, sizeof r->proc.reason, "the user namespace could not be made after /proc");
        return -1;
    }
    return 0;
}

/* What the payload would get besides /proc: its mounts in the order given,
 * its user, hostname and network. */
static int prepare(const struct inner_context *ctx, struct inner_report *r)
{
    const struct options *o = ctx->options;
    struct nerr *e = &r->error;
    if (ctx->plan->route != ROUTE_PIDNS_FIRST && prepare_proc(ctx->plan, r) < 0)
        return -1;
    r->step = STEP_PAYLOAD;
    if (mounts_apply(o->mounts, o->mount_count, o->ro_root, e) < 0)
        return -1;
    if (privileges_check_mapped(&ctx->spec->privileges, e) < 0)
        return -1;
    if (o->hostname && sethostname(o->hostname, strlen(o->hostname)) < 0)
        return nerr_set(e, errno, "set the hostname to '%s'", o->hostname);
    if (plan_has(ctx->plan, CLONE_NEWNET) && loopback_up(e) < 0)
        return -1;
    return 0;
}

/* --check: the payload's view, then the /proc choices it did not get tried
 * here, where they would be: only in a mount namespace of our own, which is
 * thrown away (without one these mounts would land in the caller's). */
static void probe(const struct plan *plan, struct inner_report *r)
{
    struct statvfs sv;
    struct inner_probe *p = &r->probe;
    p->pid = (int)getpid();
    p->root_flags = statvfs("/", &sv) == 0 ? sv.f_flag : 0;
    p->proc_flags = statvfs("/proc", &sv) == 0 ? sv.f_flag : 0;
    if (!plan_has(plan, CLONE_NEWNS))
        return;
    if (r->proc.used != PROC_BIND)
        procfs_mount_bind(&p->bind);
    bool fresh = r->proc.used == PROC_FRESH || r->proc.used == PROC_UNMASKED;
    if (!fresh && procfs_mount_fresh(&p->fresh) < 0)
        procfs_explain_refusal(p->fresh.errnum, p->fresh_reason, sizeof p->fresh_reason);
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
    if (ctx->send_proc_pid && !channel_send_proc_pid(ctx->channel))
        _exit(125);
    if (ctx->plan->route == ROUTE_PIDNS_FIRST) {
        if (cross_into_user_ns(ctx->plan, &report) < 0)
            report_failure(ctx, &report);
        report.kind = REPORT_CROSSED; /* the outer writes our maps now */
        if (!channel_send(ctx->channel, &report, sizeof report))
            _exit(125);
    }
    if (!channel_wait_release(ctx->channel))
        _exit(125); /* the outer failed (and says why) or died */
    if (prepare(ctx, &report) < 0)
        report_failure(ctx, &report);
    if (ctx->check)
        probe(ctx->plan, &report);
    report.kind = REPORT_READY;
    if (!channel_send(ctx->channel, &report, sizeof report) || ctx->check)
        _exit(ctx->check ? 0 : 125);
    /* With --info-*, the payload starts only once the outer has written it. */
    if (ctx->info_fd >= 0 && !channel_wait_release(ctx->channel))
        _exit(125);
    if (ctx->plan->route == ROUTE_NO_PIDNS) {
        channel_close(ctx->channel);
        payload_exec(ctx->spec, ctx->outer); /* no pid namespace: the outer is the payload's init */
    }
    supervise_payload(ctx->options, ctx->spec, ctx->channel);
}
