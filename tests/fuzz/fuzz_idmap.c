/* libFuzzer harness: uid_map/gid_map parsing and the full-map computation. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "setup/idmap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    struct id_range ranges[IDMAP_MAX_RANGES];
    char out[8192];
    memcpy(text, data, size);
    text[size] = '\0';
    int n = idmap_parse(text, ranges, IDMAP_MAX_RANGES);
    if (n > 0)
        (void)idmap_full_text(ranges, n, out, sizeof out);
    free(text);
    return 0;
}
