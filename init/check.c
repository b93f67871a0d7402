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

#include "base/channel.h"
#include "init/plan.h"
#include "reaper/ksigset.h"
#include "setup/caps.h"
#include "setup/conditions.h"
#include "setup/diagnose.h"
#include "base/files.h"
#include "setup/idmap.h"
#include "setup/mounts.h"
#include "setup/nsclone.h"
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
                "on the host, sysctl -w user.max_user_namespaces=15000 (and the others at 0)");
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

/* What the probe child found, sent back over the channel's report pipe. */
struct probe_result {
    int pid_in_namespace;
    struct nerr mountns, fresh, bind;
    char fresh_reason[1536];
    unsigned long root_flags, proc_flags;
};

static void describe_flags(unsigned long flags, char *buf, size_t size)
{
    snprintf(buf, size, "%s%s%s%s%s", flags & ST_RDONLY ? "ro" : "rw", flags & ST_NOSUID ? ",nosuid" : "",
             flags & ST_NODEV ? ",nodev" : "", flags & ST_NOEXEC ? ",noexec" : "",
             flags & ST_NOATIME ? ",noatime" : flags & ST_RELATIME ? ",relatime" : "");
}

static __attribute__((noreturn)) void probe_child(struct channel *c)
{
    struct probe_result res;
    struct statvfs sv;
    memset(&res, 0, sizeof res);
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    channel_keep_inner_ends(c);
    if (!channel_send_proc_pid(c) || !channel_wait_release(c))
        _exit(1);
    res.pid_in_namespace = (int)getpid();
    res.root_flags = statvfs("/", &sv) == 0 ? sv.f_flag : 0;
    res.proc_flags = statvfs("/proc", &sv) == 0 ? sv.f_flag : 0;
    if (mounts_make_private(&res.mountns) == 0) {
        if (procfs_mount_fresh(&res.fresh) < 0)
            procfs_explain_refusal(res.fresh.errnum, res.fresh_reason, sizeof res.fresh_reason);
        procfs_mount_bind(&res.bind);
    }
    _exit(channel_send(c, &res, sizeof res) ? 0 : 1);
}

static void report_probe(struct check_report *r, const struct probe_result *res)
{
    char root[64], proc[64];
    add(r, "pidns", res->pid_in_namespace == 1 ? CHECK_OK : CHECK_FAIL, "the inner init is pid %d of the new pid namespace",
        res->pid_in_namespace);
    if (res->mountns.what[0]) {
        add_error(r, "mountns", &res->mountns);
        return;
    }
    add(r, "mountns", CHECK_OK, "/ made recursively private in the new mount namespace");
    if (res->fresh.what[0])
        set_fix(add(r, "proc-fresh", CHECK_WARN, "%s (with the user namespace made first; see proc-auto)",
                    res->fresh_reason),
                PROC_FRESH_FIX);
    else
        add(r, "proc-fresh", CHECK_OK, "a fresh procfs for the new pid namespace can be mounted");
    if (res->bind.what[0])
        add_error(r, "proc-bind", &res->bind);
    else
        add(r, "proc-bind", CHECK_OK, "a recursive bind of /proc works (masks stay in place)");
    describe_flags(res->root_flags, root, sizeof root);
    describe_flags(res->proc_flags, proc, sizeof proc);
    add(r, "locked-flags", CHECK_INFO, "/ is %s, /proc is %s in the new user namespace, where these flags are locked: new mounts and remounts keep them", root, proc);
}

/* When the three together are refused, tells whether the user namespace alone is. */
static void report_clone_failure(struct check_report *r, int err, int flags)
{
    struct nerr e;
    pid_t alone = nsclone(CLONE_NEWUSER);
    if (alone == 0)
        _exit(0);
    if (alone > 0) {
        waitpid(alone, NULL, 0);
        add(r, "userns", CHECK_OK, "a user namespace can be created, but not with pid and mount namespaces");
        nerr_set(&e, err, "clone(CLONE_NEWUSER|CLONE_NEWPID|CLONE_NEWNS)");
        diagnose_namespace_failure(&e, flags);
        add_error(r, "pidns", &e);
        return;
    }
    nerr_set(&e, err, "clone(CLONE_NEWUSER|CLONE_NEWPID|CLONE_NEWNS)");
    diagnose_namespace_failure(&e, flags);
    add_error(r, "userns", &e);
}

static void check_namespaces(const struct options *o, struct check_report *r)
{
    const int flags = CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS;
    struct channel c = {{-1, -1}, {-1, -1}};
    struct nerr e;
    struct probe_result res;
    enum map_mode used;

    if (channel_open(&c, &e) < 0)
        return add_error(r, "userns", &e);
    pid_t pid = nsclone(flags);
    if (pid < 0) {
        int err = errno;
        channel_close(&c);
        report_clone_failure(r, err, flags);
        return;
    }
    if (pid == 0)
        probe_child(&c);
    channel_keep_outer_ends(&c);
    add(r, "userns", CHECK_OK, "new user, pid and mount namespaces can be created");
    int proc_pid = 0;
    if (!channel_read_proc_pid(&c, &proc_pid) || proc_pid <= 0) {
        nerr_set(&e, proc_pid < 0 ? -proc_pid : 0, "the probe cannot find itself in /proc (a procfs of another pid namespace?)");
        add_error(r, "maps", &e);
        kill(pid, SIGKILL);
    } else if (idmap_apply(proc_pid, o->map, &used, &e) < 0) {
        add_error(r, "maps", &e);
        kill(pid, SIGKILL);
    } else {
        add(r, "maps", CHECK_OK, "%s id map written (setgroups %s)", used == MAP_FULL ? "full 1:1" : "root-only",
            used == MAP_FULL ? "allowed" : "denied");
        channel_release(&c);
        if (channel_recv(&c, &res, sizeof res))
            report_probe(r, &res);
        else
            add(r, "pidns", CHECK_FAIL, "the probe in the new namespaces died");
    }
    waitpid(pid, NULL, 0);
    channel_close(&c);
}

/* What --proc auto (or the --proc given) would give here: the plan a run makes. */
static void check_proc_route(const struct options *o, struct check_report *r)
{
    struct plan plan;
    struct nerr e;
    r->proc_auto = PROC_NONE;
    if (plan_make(o, &plan, &e) < 0)
        return add_error(r, "proc-auto", &e);
    r->proc_auto = plan.proc.mount;
    if (plan.proc.mount == PROC_CONTAINER)
        set_fix(add(r, "proc-auto", CHECK_WARN,
                    "container: no new pid namespace, the payload keeps the container's /proc and pids: %s",
                    plan.reason),
                PROC_FRESH_FIX);
    else if (plan.route == ROUTE_PIDNS_FIRST)
        add(r, "proc-auto", CHECK_OK,
            "%s: pid and mount namespaces first (CAP_SYS_ADMIN over this mount namespace), a fresh procfs%s, "
            "then the user namespace",
            proc_mode_name(plan.proc.mount),
            plan.proc.carry_masks ? " with the container's masks carried over and locked" : " without the masks");
    else if (plan.proc.mount == PROC_FRESH || plan.proc.mount == PROC_UNMASKED)
        add(r, "proc-auto", CHECK_OK, "%s: a fresh procfs in the new user namespace (nothing masks /proc)",
            proc_mode_name(plan.proc.mount));
    else
        add(r, "proc-auto", plan.proc.mount == PROC_BIND ? CHECK_WARN : CHECK_INFO, "%s (as --proc asks)",
            proc_mode_name(plan.proc.mount));
}

static const struct check_step *find(const struct check_report *r, const char *name)
{
    for (int i = 0; i < r->count; i++)
        if (strcmp(r->steps[i].name, name) == 0)
            return &r->steps[i];
    return NULL;
}

static void conclude(struct check_report *r)
{
    static const char *const required[] = {"userns", "maps", "mountns", "proc-auto"};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++) {
        const struct check_step *s = find(r, required[i]);
        if (s == NULL || s->status == CHECK_FAIL) {
            r->defaults_work = false;
            snprintf(r->result, sizeof r->result, "the defaults would fail at step %s%s", required[i],
                     s ? "" : " (not reached)");
            return;
        }
    }
    bool fresh = r->proc_auto == PROC_FRESH || r->proc_auto == PROC_UNMASKED;
    r->defaults_work = true;
    snprintf(r->result, sizeof r->result, "the defaults work, with %s",
             fresh ? "a fresh /proc"
                   : r->proc_auto == PROC_CONTAINER ? "the container's /proc and no new pid namespace (see proc-auto)"
                                                    : "/proc as --proc asks (see proc-auto)");
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
    check_namespaces(o, r);
    check_proc_route(o, r);
    conclude(r);
    ksig_mask(SIG_SETMASK, &old, NULL);
}
