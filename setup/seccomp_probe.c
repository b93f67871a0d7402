#include "setup/seccomp_probe.h"

#include <errno.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "base/files.h"

static int status_field(const char *status, const char *name)
{
    const char *p = strstr(status, name);
    return p ? atoi(p + strlen(name)) : -1;
}

void seccomp_state_read(struct seccomp_state *s)
{
    char status[4096];
    s->mode = s->filters = -1;
    if (file_read_all("/proc/self/status", status, sizeof status) > 0) {
        s->mode = status_field(status, "\nSeccomp:");
        s->filters = status_field(status, "\nSeccomp_filters:");
    }
    s->api = (unsigned)seccomp_api_get();
}

bool seccomp_filter_refuses_mounts(void)
{
    /* The kernel looks the path up first (ENOENT) before any permission check. */
    return umount2("/nonexistent-nestinit-probe", 0) < 0 && errno == EPERM;
}
