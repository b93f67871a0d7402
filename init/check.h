/* --check: probe every step nestinit needs without running a payload, and say
 * per step ok, or the cause and the fix (the engine flag to add). */
#ifndef NESTINIT_CHECK_H
#define NESTINIT_CHECK_H

#include <stdbool.h>

#include "init/options.h"
#include "setup/procfs.h"

enum check_status { CHECK_OK, CHECK_INFO, CHECK_WARN, CHECK_FAIL, CHECK_SKIP };

struct check_step {
    const char *name;
    enum check_status status;
    char detail[1536];
    char fix[1024]; /* the engine flag or host setting to change; empty when none */
};

#define CHECK_MAX_STEPS 16

struct check_report {
    struct check_step steps[CHECK_MAX_STEPS];
    int count;
    bool defaults_work;
    enum proc_mode proc_auto; /* what the run's plan gives /proc here */
    char result[512];
};

void check_run(const struct options *o, struct check_report *r);

const char *check_status_name(enum check_status s);

#endif
