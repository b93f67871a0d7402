#include "init/sequence.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/log.h"
#include "init/supervise.h"
#include "reaper/reaper.h"
#include "setup/conditions.h"
#include "setup/diagnose.h"
#include "setup/idmap.h"
#include "setup/nsclone.h"
#include "setup/procfs.h"

#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif

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

void setup_stop_inner(struct setup *s)
{
    if (s->inner > 0) { /* never kill(-1) or kill(0): that is everything we may signal */
        kill(s->inner, SIGKILL);
        waitpid(s->inner, NULL, 0);
    }
    channel_close(&s->channel);
    s->inner = 0;
}

static int start_inner(struct setup *s, struct nerr *e)
{
    char list[128];
    int flags = s->plan.clone_flags;
    pid_t outer = getpid();
    if (channel_open(&s->channel, e) < 0)
        return -1;
    s->inner = nsclone(flags);
    if (s->inner < 0) {
        s->inner = 0;
        channel_close(&s->channel);
        nerr_set(e, errno, "cannot create namespaces (clone %s)", unshare_flags_text(flags, list, sizeof list));
        diagnose_namespace_failure(e, flags);
        return -1;
    }
    if (s->inner == 0) {
        const struct inner_context ctx = {
            .options = s->options, .plan = &s->plan, .channel = &s->channel, .info_fd = s->info_fd,
            .spec = &s->spec, .outer = outer, .check = s->check, .send_proc_pid = !s->own_proc,
        };
        inner_main(&ctx);
    }
    channel_keep_outer_ends(&s->channel);
    init_make_undumpable(); /* after the clone: the child must stay dumpable until its maps are written */
    return 0;
}

/* Waits for a report of the inner: `want`, or the error that stopped it. */
static int await_inner(struct setup *s, int want, struct nerr *e)
{
    if (!channel_recv(&s->channel, &s->report, sizeof s->report)) {
        int status = 0;
        waitpid(s->inner, &status, 0);
        s->inner = 0;
        return nerr_set(e, 0, "the inner init ended during setup without a report (exit status %d)",
                        reaper_exit_code(status));
    }
    if (s->report.kind != want) {
        *e = s->report.error;
        setup_stop_inner(s);
        return -1;
    }
    return 0;
}

/* The clone, the maps (after the inner crossed into its user namespace on the
 * pid-first route) and the inner's report. */
static int set_up_inner(struct setup *s, struct nerr *e)
{
    s->report.step = STEP_NAMESPACES;
    if (start_inner(s, e) < 0)
        return SETUP_NO_NAMESPACES;
    s->report.step = STEP_MAPS;
    /* With our own /proc the clone's pid names the inner there: no round
     * trip before the maps. Else the inner looks itself up and tells us. */
    if (s->own_proc)
        s->proc_pid = (int)s->inner;
    else if (!channel_read_proc_pid(&s->channel, &s->proc_pid) || s->proc_pid <= 0) {
        nerr_set(e, s->proc_pid < 0 ? -s->proc_pid : 0, "the inner init cannot find itself in /proc");
        nerr_condition(e, COND_PROC_FOREIGN);
        return SETUP_FAILED;
    }
    if (s->plan.route == ROUTE_PIDNS_FIRST && await_inner(s, REPORT_CROSSED, e) < 0)
        return SETUP_FAILED;
    s->report.step = STEP_MAPS; /* the crossed report brought the inner's last step */
    if (plan_has(&s->plan, CLONE_NEWUSER) && idmap_apply(s->proc_pid, s->options->map, &s->map, e) < 0)
        return SETUP_NO_NAMESPACES;
    channel_release(&s->channel); /* a dead inner shows up as EOF below */
    return await_inner(s, REPORT_READY, e) < 0 ? SETUP_FAILED : 0;
}

int setup_run(struct setup *s, struct nerr *e)
{
    memset(&s->report, 0, sizeof s->report);
    s->map = MAP_AUTO;
    if (plan_make(s->options, &s->plan, e) < 0)
        return SETUP_BAD_INPUT;
    s->report.step = STEP_NAMESPACES; /* nothing is made without it */
    if (plan_has(&s->plan, CLONE_NEWUSER) && require_procfs(e) < 0)
        return SETUP_BAD_INPUT;
    s->own_proc = procfs_is_own_pidns();
    for (;;) {
        memset(&s->report, 0, sizeof s->report);
        int rc = set_up_inner(s, e);
        if (rc == 0)
            return 0;
        setup_stop_inner(s); /* also closes the channel of an inner that died on its own */
        /* A refused fresh procfs, or a pid-first clone that the container's
         * filter refuses although it grants CAP_SYS_ADMIN. */
        bool no_clone = rc == SETUP_NO_NAMESPACES && s->report.step == STEP_NAMESPACES;
        if (!s->plan.may_fall_back || !(s->report.proc.refused || (no_clone && s->plan.route == ROUTE_PIDNS_FIRST)))
            return rc;
        char text[NERR_LINE];
        nerr_format(e, text, sizeof text);
        log_debug("fresh /proc failed (%s), falling back to the container's", text);
        plan_no_pidns(&s->plan, s->report.proc.refused ? s->report.proc.reason : text);
    }
}
