#include <stdio.h>
#include <stdlib.h>

#include "init/check_print.h"
#include "base/log.h"
#include "init/options.h"
#include "init/outer.h"
#include "init/version.h"

static const char *environment(const char *name) { return getenv(name); }

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
