#include "init/check_print.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/json.h"
#include "base/log.h"
#include "init/version.h"

static void print_json(const struct check_report *r)
{
    static struct json j;
    j.used = 0;
    json_raw(&j, "{\"version\":\"%s\",\"ok\":%s,\"result\":", NESTINIT_VERSION, r->defaults_work ? "true" : "false");
    json_string(&j, r->result);
    json_raw(&j, ",\"steps\":[");
    for (int i = 0; i < r->count; i++) {
        json_raw(&j, "%s{", i ? "," : "");
        json_member_string(&j, "name", r->steps[i].name, 1);
        json_member_string(&j, "status", check_status_name(r->steps[i].status), 0);
        /* The fix travels in its own member; in text it ends the line. */
        json_member_string(&j, "fix", r->steps[i].fix[0] ? r->steps[i].fix : NULL, 0);
        json_member_string(&j, "detail", r->steps[i].detail, 0);
        json_raw(&j, "}");
    }
    json_raw(&j, "]}\n");
    fputs(j.buf, stdout);
}

void check_print(const struct check_report *r, bool json)
{
    if (json) {
        print_json(r);
        return;
    }
    printf("nestinit %s --check (uid %d, pid %d)\n", NESTINIT_VERSION, (int)getuid(), (int)getpid());
    /* details carry option values (paths): one step, one line */
    static char detail[4 * sizeof r->steps[0].detail], fix[4 * sizeof r->steps[0].fix];
    for (int i = 0; i < r->count; i++) {
        log_escape(r->steps[i].detail, detail, sizeof detail);
        log_escape(r->steps[i].fix, fix, sizeof fix);
        printf("%s %s: %s%s%s\n", check_status_name(r->steps[i].status), r->steps[i].name, detail,
               fix[0] ? "; fix: " : "", fix);
    }
    printf("result: %s\n", r->result);
}
