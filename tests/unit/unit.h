/* Minimal unit-test harness: prints "PASS name" / "FAIL name: why" lines that
 * tests/run.sh counts, and exits non-zero when anything failed. */
#ifndef NESTINIT_UNIT_H
#define NESTINIT_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_failures;
static int unit_checks_failed_in_case;

#define CHECK(cond)                                                                             \
    do {                                                                                        \
        if (!(cond)) {                                                                          \
            printf("  %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);                   \
            unit_checks_failed_in_case++;                                                       \
        }                                                                                       \
    } while (0)

#define CHECK_STR(a, b)                                                                         \
    do {                                                                                        \
        const char *a_ = (a), *b_ = (b);                                                        \
        if (a_ == NULL || b_ == NULL || strcmp(a_, b_) != 0) {                                  \
            printf("  %s:%d: '%s' != '%s'\n", __FILE__, __LINE__, a_ ? a_ : "(null)", b_ ? b_ : "(null)"); \
            unit_checks_failed_in_case++;                                                       \
        }                                                                                       \
    } while (0)

#define RUN(fn)                                                                                 \
    do {                                                                                        \
        unit_checks_failed_in_case = 0;                                                         \
        fn();                                                                                   \
        if (unit_checks_failed_in_case) {                                                       \
            printf("FAIL unit/%s: %d check(s)\n", #fn, unit_checks_failed_in_case);             \
            unit_failures++;                                                                    \
        } else {                                                                                \
            printf("PASS unit/%s\n", #fn);                                                      \
        }                                                                                       \
    } while (0)

#define UNIT_EXIT() return unit_failures ? 1 : 0

#endif
