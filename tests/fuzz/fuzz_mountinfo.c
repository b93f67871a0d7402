/* libFuzzer harness: mountinfo line parsing and /proc mask detection. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "setup/mountinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    struct mount_entry m;
    struct proc_masks masks;
    memcpy(text, data, size);
    text[size] = '\0';
    (void)mountinfo_parse_line(text, &m);
    (void)proc_masks_find(text, &masks);
    (void)mount_option_has(text, "ro");
    free(text);
    return 0;
}
