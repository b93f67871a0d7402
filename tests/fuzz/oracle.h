/* The fuzz harnesses' oracle check: a property that must hold for every input
 * the parser accepts; a failure names it and aborts, which libFuzzer (and the
 * musl corpus replay) reports as a crash with the input that caused it. */
#ifndef NESTINIT_FUZZ_ORACLE_H
#define NESTINIT_FUZZ_ORACLE_H

#include <stdio.h>
#include <stdlib.h>

#define MUST(cond)                                                                                  \
    do {                                                                                            \
        if (!(cond)) {                                                                              \
            fprintf(stderr, "oracle: %s:%d: %s\n", __FILE__, __LINE__, #cond);                     \
            abort();                                                                                \
        }                                                                                           \
    } while (0)

#endif
