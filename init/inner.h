/* The outer's clone child, in the new namespaces. On the routes with a pid
 * namespace it is the inner init, pid 1 there: it waits for the outer to write
 * its id maps, prepares mounts and /proc (on the pid-first route /proc comes
 * before the user namespace, see init/plan.h), reports back, starts the
 * payload and runs the reaper until the payload exits. Without a pid
 * namespace it prepares the same way and then becomes the payload. Never
 * returns. */
#ifndef NESTINIT_INNER_H
#define NESTINIT_INNER_H

#include "base/channel.h"
#include "setup/procfs.h"
#include "init/options.h"
#include "init/payload.h"
#include "init/plan.h"

/* The inner's answer once its setup is done: ready (and how /proc was set
 * up) or the error that stopped it. */
enum report_kind { REPORT_READY = 1, REPORT_ERROR = 2, REPORT_CROSSED = 3 };

/* --check: what the inner found in the payload's namespaces before it would
 * have started the payload. */
struct inner_probe {
    int pid;                              /* its own pid there (1 in a new pid namespace) */
    unsigned long root_flags, proc_flags; /* statvfs f_flag of / and /proc */
    struct nerr fresh, bind;              /* the trials of what the run did not mount; what[0] == 0: it worked */
    char fresh_reason[1024];
};

struct inner_report {
    int kind;
    enum setup_step step; /* the step that failed, with REPORT_ERROR */
    struct proc_result proc;
    struct nerr error;
    struct inner_probe probe;
};

struct inner_context {
    const struct options *options;
    const struct plan *plan;
    struct channel *channel;
    int info_fd;                 /* the outer's; closed here */
    const struct payload_spec *spec;
    pid_t outer; /* the outer's pid, as getppid() names it here without a new pid namespace */
    bool check;  /* --check: report what the namespaces give and exit before the payload */
    bool send_proc_pid; /* the outer's /proc is another pid namespace's: say how it names us */
};

__attribute__((noreturn)) void inner_main(const struct inner_context *ctx);

#endif
