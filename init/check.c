#include "init/check.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/files.h"
#include "init/sequence.h"
#include "reaper/ksigset.h"
#include "setup/caps.h"
#include "setup/conditions.h"
#include "setup/procfs.h"
#include "setup/seccomp_probe.h"

const char *check_status_name(enum check_status s)
{
    static const char *const names[] = {"ok", "info", "warn", "FAIL", "skip"};
    return names[s];
}

__attribute__((format(printf, 4, 5))) static struct check_step *add(struct check_report *r, const char *name,
                                                                    enum check_status status, const char *fmt, ...)
{
    struct check_step *s = &r->steps[r->count < CHECK_MAX_STEPS - 1 ? r->count++ : r->count];
    va_list ap;
    s->name = name;
    s->status = status;
    s->fix[0] = '\0';
    va_start(ap, fmt);
    vsnprintf(s->detail, sizeof s->detail, fmt, ap);
    va_end(ap);
    return s;
}

static void set_fix(struct check_step *s, const char *fix)
{
    snprintf(s->fix, sizeof s->fix, "%s", fix);
}

/* A failed step: what failed, its errno and cause in the detail, the fix apart. */
static void add_error(struct check_report *r, const char *name, const struct nerr *e)
{
    struct nerr shown = *e;
    char text[NERR_LINE];
    shown.fix[0] = '\0';
    nerr_format(&shown, text, sizeof text);
    set_fix(add(r, name, CHECK_FAIL, "%s", text), e->fix);
}

static void check_seccomp(struct check_report *r)
{
    struct seccomp_state sc;
    seccomp_state_read(&sc);
    if (sc.mode == 2 && seccomp_filter_refuses_mounts())
        set_fix(add(r, "seccomp", CHECK_WARN,
                    "mode 2 (filter), %d filter(s), kernel API level %u: the filter refuses mount-family calls "
                    "(umount2 of a missing path gives EPERM where the kernel says ENOENT), as Docker's default "
                    "profile does; cause: %s",
                    sc.filters, sc.api, condition_cause(COND_SECCOMP_NAMESPACES)),
                condition_fix(COND_SECCOMP_NAMESPACES));
    else if (sc.mode == 2)
        add(r, "seccomp", CHECK_OK, "mode 2 (filter), %d filter(s), kernel API level %u: mount-family calls pass",
            sc.filters, sc.api);
    else
        add(r, "seccomp", CHECK_OK, "mode %d (no filter), kernel API level %u", sc.mode, sc.api);
}

static void check_capabilities(struct check_report *r)
{
    char *text = NULL;
    cap_t caps = cap_get_proc();
    if (caps)
        text = cap_to_text(caps, NULL);
    bool setid = caps_have(CAP_SETUID) && caps_have(CAP_SETGID);
    if (geteuid() == 0 && !caps_have(CAP_SETFCAP))
        set_fix(add(r, "capabilities", CHECK_WARN, "%s: root without CAP_SETFCAP; cause: %s", text ? text : "unknown",
                    condition_cause(COND_NO_SETFCAP)),
                condition_fix(COND_NO_SETFCAP));
    else
        add(r, "capabilities", CHECK_OK, "%s; id map: %s", text ? text : "unknown",
            setid ? "full (CAP_SETUID and CAP_SETGID held)" : "root only (no CAP_SETUID/CAP_SETGID)");
    if (text)
        cap_free(text);
    if (caps)
        cap_free(caps);
}

static void check_sysctls(struct check_report *r)
{
    long users = file_read_long("/proc/sys/user/max_user_namespaces");
    long pids = file_read_long("/proc/sys/user/max_pid_namespaces");
    long mnts = file_read_long("/proc/sys/user/max_mnt_namespaces");
    long clone = file_read_long("/proc/sys/kernel/unprivileged_userns_clone");
    if (users == 0 || pids == 0 || mnts == 0)
        set_fix(add(r, "sysctls", CHECK_FAIL,
                    "user.max_user_namespaces=%ld, max_pid_namespaces=%ld, max_mnt_namespaces=%ld: disabled", users,
                    pids, mnts),
                condition_fix(COND_USERNS_DISABLED));
    else if (clone == 0 && geteuid() != 0)
        set_fix(add(r, "sysctls", CHECK_FAIL, "%s", condition_cause(COND_UNPRIV_USERNS_OFF)),
                condition_fix(COND_UNPRIV_USERNS_OFF));
    else
        add(r, "sysctls", CHECK_OK, "user.max_user_namespaces=%ld, max_pid_namespaces=%ld, max_mnt_namespaces=%ld%s",
            users, pids, mnts, clone < 0 ? "" : clone ? ", kernel.unprivileged_userns_clone=1" : ", kernel.unprivileged_userns_clone=0");
}

static void check_apparmor(struct check_report *r)
{
    char label[256] = "";
    long restrict_userns = file_read_long("/proc/sys/kernel/apparmor_restrict_unprivileged_userns");
    if (file_read_all("/proc/self/attr/apparmor/current", label, sizeof label) <= 0)
        file_read_all("/proc/self/attr/current", label, sizeof label);
    label[strcspn(label, "\n")] = '\0';
    if (restrict_userns == 1)
        set_fix(add(r, "apparmor", CHECK_WARN, "profile '%s'; cause: %s", label, condition_cause(COND_APPARMOR_USERNS)),
                condition_fix(COND_APPARMOR_USERNS));
    else
        add(r, "apparmor", CHECK_OK, "%s%s%s", label[0] ? "profile '" : "no AppArmor label", label, label[0] ? "'" : "");
}

static void describe_flags(unsigned long flags, char *buf, size_t size)
{
    snprintf(buf, size, "%s%s%s%s%s", flags & ST_RDONLY ? "ro" : "rw", flags & ST_NOSUID ? ",nosuid" : "",
             flags & ST_NODEV ? ",nodev" : "", flags & ST_NOEXEC ? ",noexec" : "",
             flags & ST_NOATIME ? ",noatime" : flags & ST_RELATIME ? ",relatime" : "");
}

/* The namespaces and the maps: the run's first two steps. */
static void report_namespaces(struct check_report *r, const struct setup *s)
{
    char list[128];
    add(r, "userns", CHECK_OK, "new %s namespaces created (%s)",
        unshare_flags_text(s->plan.flags, list, sizeof list), plan_route_name(s->plan.route));
    if (s->report.step == STEP_MAPS)
        return;
    if (!plan_has(&s->plan, CLONE_NEWUSER))
        add(r, "maps", CHECK_INFO, "no user namespace (--unshare), no id map");
    else
        add(r, "maps", CHECK_OK, "%s id map written (setgroups %s)", s->map == MAP_FULL ? "full 1:1" : "root-only",
            s->map == MAP_FULL ? "allowed" : "denied");
}

/* /proc: what the run's step gave, and the choices it did not take, tried in
 * the payload's namespaces. */
static void report_proc(struct check_report *r, const struct setup *s)
{
    const struct inner_probe *p = &s->report.probe;
    enum proc_mode used = s->report.proc.used;
    if (!plan_has(&s->plan, CLONE_NEWNS))
        return (void)add(r, "proc-fresh", CHECK_INFO, "no mount namespace (--unshare): /proc stays as it is");
    if (used == PROC_FRESH || used == PROC_UNMASKED)
        add(r, "proc-fresh", CHECK_OK, "a fresh procfs for the new pid namespace is mounted (%s)",
            proc_mode_name(used));
    else if (p->fresh.what[0])
        set_fix(add(r, "proc-fresh", CHECK_WARN, "%s (tried in the payload's namespaces; see proc-auto)",
                    p->fresh_reason),
                PROC_FRESH_FIX);
    else
        add(r, "proc-fresh", CHECK_OK, "a fresh procfs can be mounted in the payload's namespaces");
    if (used == PROC_BIND)
        add(r, "proc-bind", CHECK_OK, "/proc is a recursive bind of the container's (--proc bind)");
    else if (p->bind.what[0])
        set_fix(add(r, "proc-bind", CHECK_WARN, "%s", p->bind.what), "leave --proc at auto");
    else
        add(r, "proc-bind", CHECK_OK, "a recursive bind of /proc works (masks stay in place)");
}

/* What a failed step was, named as --check names its steps. */
static const char *failed_step_name(const struct setup *s)
{
    static const char *const names[] = {"proc-auto", "userns", "maps", "mountns", "proc-fresh", "payload"};
    if (s->report.step == STEP_PROC && s->plan.proc.mount == PROC_BIND)
        return "proc-bind";
    return names[s->report.step];
}

/* The steps a run would take, up to the one that failed. */
static void report_setup(struct check_report *r, const struct setup *s, const struct nerr *e, bool failed)
{
    char root[64], proc[64];
    if (s->report.step > STEP_NAMESPACES || !failed)
        report_namespaces(r, s);
    if (!failed && plan_has(&s->plan, CLONE_NEWPID))
        add(r, "pidns", s->report.probe.pid == 1 ? CHECK_OK : CHECK_FAIL,
            "the inner init is pid %d of the new pid namespace", s->report.probe.pid);
    else if (!failed)
        add(r, "pidns", CHECK_INFO, "no new pid namespace: the payload keeps the container's pids (see proc-auto)");
    if (!plan_has(&s->plan, CLONE_NEWNS) && !failed)
        add(r, "mountns", CHECK_INFO, "no new mount namespace (--unshare)");
    else if (s->report.step > STEP_MOUNT_NS || !failed)
        add(r, "mountns", CHECK_OK, "/ made recursively private in the new mount namespace");
    if (failed) {
        add_error(r, failed_step_name(s), e);
        return;
    }
    report_proc(r, s);
    describe_flags(s->report.probe.root_flags, root, sizeof root);
    describe_flags(s->report.probe.proc_flags, proc, sizeof proc);
    add(r, "locked-flags", CHECK_INFO,
        "/ is %s, /proc is %s in the new user namespace, where these flags are locked: new mounts and remounts keep them",
        root, proc);
    add(r, "payload", CHECK_OK, "its mounts (%d --ro/--tmpfs in the order given%s), user, hostname and network "
        "are set up as asked; stopped before the payload", s->options->mount_count,
        s->options->ro_root ? ", then --ro-root" : "");
}

/* What --proc auto (or the --proc given) gives here: the plan the run followed. */
static void report_proc_route(struct check_report *r, const struct plan *plan)
{
    r->proc_auto = plan->proc.mount;
    if (plan->proc.mount == PROC_CONTAINER)
        set_fix(add(r, "proc-auto", CHECK_WARN,
                    "container: no new pid namespace, the payload keeps the container's /proc and pids: %s",
                    plan->reason),
                PROC_FRESH_FIX);
    else if (plan->route == ROUTE_PIDNS_FIRST)
        add(r, "proc-auto", CHECK_OK,
            "%s: pid and mount namespaces first (CAP_SYS_ADMIN over this mount namespace), a fresh procfs%s, "
            "then the user namespace",
            proc_mode_name(plan->proc.mount),
            plan->proc.carry_masks ? " with the container's masks carried over and locked" : " without the masks");
    else if (plan->proc.mount == PROC_FRESH || plan->proc.mount == PROC_UNMASKED)
        add(r, "proc-auto", CHECK_OK, "%s: a fresh procfs in the new user namespace (nothing masks /proc)",
            proc_mode_name(plan->proc.mount));
    else if (plan->proc.mount == PROC_BIND)
        set_fix(add(r, "proc-auto", CHECK_WARN, "bind (as --proc asks): the payload's pids and /proc disagree"),
                "leave --proc at auto");
    else
        add(r, "proc-auto", CHECK_INFO, "%s (as --proc asks)", proc_mode_name(plan->proc.mount));
}

static void conclude(struct check_report *r, bool works)
{
    int failed = 0;
    while (failed < r->count - 1 && r->steps[failed].status != CHECK_FAIL)
        failed++;
    r->defaults_work = works;
    if (!works)
        snprintf(r->result, sizeof r->result, "the defaults would fail at step %s", r->steps[failed].name);
    else
        snprintf(r->result, sizeof r->result, "the defaults work, with %s",
                 r->proc_auto == PROC_FRESH || r->proc_auto == PROC_UNMASKED ? "a fresh /proc"
                 : r->proc_auto == PROC_CONTAINER ? "the container's /proc and no new pid namespace (see proc-auto)"
                                                  : "/proc as --proc asks (see proc-auto)");
}

/* The run's own setup sequence, stopped before the payload. */
static void check_setup(const struct options *o, struct check_report *r)
{
    static struct setup s; /* large; --check runs it once */
    struct nerr e;
    memset(&s, 0, sizeof s);
    s.options = o;
    s.info_fd = -1;
    s.check = true;
    s.channel = (struct channel){{-1, -1}, {-1, -1}};
    r->proc_auto = PROC_NONE;
    if (o->unshare_flags == 0) {
        add(r, "userns", CHECK_INFO, "--unshare none: a plain init, no new namespaces");
        return conclude(r, true);
    }
    if (payload_spec_init(&s.spec, o, &e) < 0) {
        add_error(r, "payload", &e);
        return conclude(r, false);
    }
    int rc = setup_run(&s, &e);
    if (rc == SETUP_BAD_INPUT && s.report.step == STEP_PLAN) {
        add_error(r, "proc-auto", &e);
    } else {
        report_setup(r, &s, &e, rc != 0);
        report_proc_route(r, &s.plan);
    }
    setup_stop_inner(&s); /* it has exited after its report: this collects it */
    conclude(r, rc == 0);
}

void check_run(const struct options *o, struct check_report *r)
{
    const ksigset all = KSIGSET_ALL;
    ksigset old;
    memset(r, 0, sizeof *r);
    /* The probe's death must reach waitpid, not a handler of ours. */
    ksig_mask(SIG_BLOCK, &all, &old);
    check_seccomp(r);
    check_capabilities(r);
    check_sysctls(r);
    check_apparmor(r);
    check_setup(o, r);
    ksig_mask(SIG_SETMASK, &old, NULL);
}
