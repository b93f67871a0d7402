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
#include "setup/loopback.h"
#include "setup/mounts.h"
#include "setup/procfs.h"

/* The /proc step to take. Without a mount namespace /proc cannot be touched
 * (and auto says so when it no longer matches the pid namespace); without a
 * pid namespace it already matches, so auto leaves it. */
static enum proc_mode effective_proc_mode(const struct options *o, struct proc_result *proc)
{
    if (!(o->unshare_flags & CLONE_NEWNS)) {
        if ((o->unshare_flags & CLONE_NEWPID) && o->proc == PROC_AUTO)
            snprintf(proc->reason, sizeof proc->reason,
                     "without a mount namespace (mount not in --unshare) /proc cannot be replaced and shows the "
                     "processes of the outer pid namespace");
        return PROC_NONE;
    }
    if (!(o->unshare_flags & CLONE_NEWPID) && o->proc == PROC_AUTO)
        return PROC_NONE;
    return o->proc;
}

static int prepare(const struct options *o, const struct payload_spec *spec, struct proc_result *proc, struct nerr *e)
{
    if (o->unshare_flags & CLONE_NEWNS) {
        if (mounts_make_private(e) < 0)
            return -1;
    }
    enum proc_mode mode = effective_proc_mode(o, proc);
    if (procfs_setup(mode, proc, e) < 0)
        return -1;
    for (int i = 0; i < o->tmpfs_count; i++)
        if (mount_tmpfs(o->tmpfs_paths[i], e) < 0)
            return -1;
    for (int i = 0; i < o->ro_count; i++)
        if (mount_read_only(o->ro_paths[i], e) < 0)
            return -1;
    if (o->ro_root && mount_read_only("/", e) < 0)
        return -1;
    if (privileges_check_mapped(&spec->privileges, e) < 0)
        return -1;
    if (o->hostname && sethostname(o->hostname, strlen(o->hostname)) < 0)
        return nerr_set(e, errno, "set the hostname to '%s'", o->hostname);
    if ((o->unshare_flags & CLONE_NEWNET) && loopback_up(e) < 0)
        return -1;
    if (!(o->unshare_flags & CLONE_NEWPID))
        prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    return 0;
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
    if (!channel_send_proc_pid(ctx->channel) || !channel_wait_release(ctx->channel))
        _exit(125); /* the outer failed (and says why) or died */

    if (prepare(ctx->options, ctx->spec, &report.proc, &report.error) < 0) {
        report.kind = REPORT_ERROR;
        channel_send(ctx->channel, &report, sizeof report);
        _exit(125);
    }
    report.kind = REPORT_READY;
    if (!channel_send(ctx->channel, &report, sizeof report))
        _exit(125);
    /* With --info-*, the payload starts only once the outer has written it. */
    if (ctx->info_fd >= 0 && !channel_wait_release(ctx->channel))
        _exit(125);
    supervise_payload(ctx->options, ctx->spec, ctx->channel);
}
