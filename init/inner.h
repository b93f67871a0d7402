/* The inner init: pid 1 of the new pid namespace. Waits for the outer to write
 * its id maps, prepares mounts and /proc, reports back, starts the payload and
 * runs the reaper until the payload exits. Never returns. */
#ifndef NESTINIT_INNER_H
#define NESTINIT_INNER_H

#include "base/channel.h"
#include "setup/procfs.h"
#include "init/options.h"
#include "init/payload.h"

/* The inner's answer once its setup is done: ready (and how /proc was set
 * up) or the error that stopped it. */
enum report_kind { REPORT_READY = 1, REPORT_ERROR = 2 };

struct inner_report {
    int kind;
    struct proc_result proc;
    struct nerr error;
};

struct inner_context {
    const struct options *options;
    struct channel *channel;
    int info_fd;                 /* the outer's; closed here */
    const struct payload_spec *spec;
};

__attribute__((noreturn)) void inner_main(const struct inner_context *ctx);

#endif
