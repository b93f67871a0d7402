#ifndef NESTINIT_CHECK_PRINT_H
#define NESTINIT_CHECK_PRINT_H

#include <stdbool.h>

#include "init/check.h"

/* One line per step ("STATUS STEP: detail") and a result line, or one JSON object. */
void check_print(const struct check_report *r, bool json);

#endif
