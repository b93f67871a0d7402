/* libFuzzer harness: uid_map/gid_map parsing and the full-map computation.
 * Oracle: an accepted map printed as text reads back equal, and its full map
 * is written (whatever its size, up to the kernel's 340 lines) and reads back
 * as every owned range mapped to itself, sorted. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "setup/idmap.h"
#include "tests/fuzz/oracle.h"


/* Room for IDMAP_MAX_RANGES lines of three 10-digit numbers. */
#define MAP_TEXT (IDMAP_MAX_RANGES * 33 + 1)

static void print_map(const struct id_range *r, int n, char *text, size_t size)
{
    size_t used = 0;
    text[0] = '\0';
    for (int i = 0; i < n; i++) {
        int w = snprintf(text + used, size - used, "%lu %lu %lu\n", r[i].inside, r[i].outside, r[i].count);
        MUST(w > 0 && (size_t)w < size - used);
        used += (size_t)w;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    static struct id_range ranges[IDMAP_MAX_RANGES], again[IDMAP_MAX_RANGES];
    static char out[MAP_TEXT];
    memcpy(text, data, size);
    text[size] = '\0';
    int n = idmap_parse(text, ranges, IDMAP_MAX_RANGES);
    if (n > 0) {
        print_map(ranges, n, out, sizeof out);
        MUST(idmap_parse(out, again, IDMAP_MAX_RANGES) == n);
        MUST(memcmp(ranges, again, (size_t)n * sizeof *ranges) == 0);

        MUST(idmap_full_text(ranges, n, out, sizeof out) == 0);
        MUST(idmap_parse(out, again, IDMAP_MAX_RANGES) == n);
        unsigned long covered = 0, owned = 0;
        for (int i = 0; i < n; i++) {
            MUST(again[i].inside == again[i].outside);
            MUST(i == 0 || again[i - 1].inside <= again[i].inside);
            covered += again[i].count;
            owned += ranges[i].count;
        }
        MUST(covered == owned);
    }
    free(text);
    return 0;
}
