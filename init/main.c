#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "init/check_print.h"
#include "base/log.h"
#include "init/options.h"
#include "init/outer.h"
#include "init/version.h"

/* Each of the ~25 options looks up its NESTINIT_ variable, and each getenv
 * walks the whole environment: one pass first tells whether any is set. */
static const char *environment(const char *name)
{
    static int any = -1;
    if (any < 0) {
        any = 0;
        for (char **v = environ; v && *v && !any; v++)
            any = strncmp(*v, "NESTINIT_", 9) == 0;
    }
    return any ? getenv(name) : NULL;
}

int main(int argc, char **argv)
{
    struct options o;
    struct nerr e;
    if (options_parse(&o, argc, argv, environment, &e) < 0) {
        nerr_print(&e);
        return 125;
    }
    log_set_level(o.verbosity);
    if (o.show_help) {
        options_usage(1);
        return 0;
    }
    if (o.show_version) {
        version_print(stdout);
        return 0;
    }
    if (o.check) {
        static struct check_report report;
        check_run(&o, &report);
        check_print(&report, o.json);
        return report.defaults_work ? 0 : 1;
    }
    return outer_run(&o);
}
