/* Errors carried up the call chain (crun style): the step that failed, its errno
 * and, where we know it, the likely cause and the fix. Printed once, at the top. */
#ifndef NESTINIT_ERROR_H
#define NESTINIT_ERROR_H

#include <stddef.h>

#define NERR_TEXT 2048

struct nerr {
    int errnum;           /* 0 when the failure has no errno */
    char what[NERR_TEXT]; /* "mount a fresh /proc" */
    char hint[NERR_TEXT]; /* "cause: ...; fix: ..." or empty */
};

/* Record a failure; always returns -1 so callers can `return nerr_set(...)`. */
__attribute__((format(printf, 3, 4))) int nerr_set(struct nerr *e, int errnum, const char *fmt, ...);
__attribute__((format(printf, 2, 3))) void nerr_hint(struct nerr *e, const char *fmt, ...);

/* Puts "PREFIX: " before what is recorded; returns -1. */
int nerr_prefix(struct nerr *e, const char *prefix);

/* "WHAT: strerror (ENAME); HINT" into buf. */
void nerr_format(const struct nerr *e, char *buf, size_t size);

const char *errno_name(int errnum);

#endif
