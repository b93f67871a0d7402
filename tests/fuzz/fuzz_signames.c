/* libFuzzer harness: signal names. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/signames.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    (void)signal_parse(text, 1);
    free(text);
    return 0;
}
