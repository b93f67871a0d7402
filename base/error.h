/* Errors carried up the call chain (as crun carries them): what failed, with
 * the context each caller wraps around it, its errno and, where we know them,
 * the likely cause and the fix, each in a field of its own. Printed once, at
 * the top, by nerr_print. */
#ifndef NESTINIT_ERROR_H
#define NESTINIT_ERROR_H

#include <stddef.h>

#define NERR_TEXT 2048
#define NERR_NOTE 1024
/* Room for the whole line nerr_format writes. */
#define NERR_LINE (NERR_TEXT + 2 * NERR_NOTE + 128)

struct nerr {
    int errnum;            /* 0 when the failure has no errno */
    char what[NERR_TEXT];  /* "--proc fresh: mount a fresh /proc" */
    char cause[NERR_NOTE]; /* why it likely failed, or empty */
    char fix[NERR_NOTE];   /* what to do about it, or empty */
};

/* Record a failure (no cause, no fix yet); always returns -1 so callers can
 * `return nerr_set(...)`. */
__attribute__((format(printf, 3, 4))) int nerr_set(struct nerr *e, int errnum, const char *fmt, ...);
__attribute__((format(printf, 2, 3))) void nerr_cause(struct nerr *e, const char *fmt, ...);
__attribute__((format(printf, 2, 3))) void nerr_fix(struct nerr *e, const char *fmt, ...);

/* One more fix after those recorded ("A; B"), or the first one. */
__attribute__((format(printf, 2, 3))) void nerr_add_fix(struct nerr *e, const char *fmt, ...);

/* Wraps context around what is recorded: "PREFIX: what"; returns -1. */
int nerr_prefix(struct nerr *e, const char *prefix);

/* "WHAT: strerror (ENAME); cause: CAUSE; fix: FIX" into buf. */
void nerr_format(const struct nerr *e, char *buf, size_t size);

/* The one place an error reaches the user: one "nestinit: error: " line. */
void nerr_print(const struct nerr *e);

const char *errno_name(int errnum);

#endif
