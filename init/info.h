/* --info-fd / --info-file: one JSON object describing what was set up. */
#ifndef NESTINIT_INFO_H
#define NESTINIT_INFO_H

#include <stdbool.h>
#include <sys/types.h>

#include "base/error.h"
#include "init/options.h"
#include "setup/privileges.h"
#include "setup/procfs.h"

/* Opens (or validates) the destination before anything is set up, so bad input
 * fails early. Returns the fd, -1 when no info was asked for, -2 on error. */
int info_open(const struct options *o, struct nerr *e);

struct info {
    const struct options *options;
    const char *mode;  /* "nested" or "plain" */
    int flags;         /* the namespaces made (CLONE_NEW*) */
    pid_t child;       /* the outer's clone child; 0 in plain mode */
    bool child_is_payload; /* no pid namespace: the child is the payload, there is no inner */
    int proc_pid;      /* the child's pid in /proc */
    enum proc_mode proc;
    const char *proc_reason;
    enum map_mode map; /* MAP_AUTO here means "none" */
    const char *fallback_reason; /* why plain mode was used, or NULL */
    const struct privileges *privileges; /* what the payload gets */
};

/* Writes the object to fd and closes it. */
int info_write(int fd, const struct info *info, struct nerr *e);

#endif
