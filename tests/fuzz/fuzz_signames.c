/* libFuzzer harness: signal names.
 * Oracle: a signal that parses is in range, and its number, its RTMIN+N form
 * and the text with "SIG" put before it or in other case parse to it again;
 * "0" is only a signal where zero is allowed. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/signames.h"
#include "tests/fuzz/oracle.h"


static void check_forms(const char *text, int sig)
{
    char form[64];
    MUST(sig >= 0 && sig <= SIGNAL_MAX);
    MUST(signal_parse(text, 0) == (sig == 0 ? -1 : sig));
    snprintf(form, sizeof form, "%d", sig);
    MUST(signal_parse(form, 1) == sig);
    if (sig >= SIGNAL_RTMIN && sig <= SIGNAL_RTMAX) {
        snprintf(form, sizeof form, "RTMIN+%d", sig - SIGNAL_RTMIN);
        MUST(signal_parse(form, 0) == sig);
        snprintf(form, sizeof form, "SIGRTMAX-%d", SIGNAL_RTMAX - sig);
        MUST(signal_parse(form, 0) == sig);
    }
    size_t len = strlen(text);
    if (len >= sizeof form - 4 || isdigit((unsigned char)text[0]))
        return;
    char *flipped = form;
    for (size_t i = 0; i <= len; i++)
        flipped[i] = (char)(islower((unsigned char)text[i]) ? toupper((unsigned char)text[i])
                                                             : tolower((unsigned char)text[i]));
    MUST(signal_parse(flipped, 1) == sig);
    if (strncasecmp(text, "SIG", 3) != 0) {
        snprintf(form, sizeof form, "SIG%s", text);
        MUST(signal_parse(form, 1) == sig);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    int sig = signal_parse(text, 1);
    MUST(sig >= -1 && sig <= SIGNAL_MAX);
    if (sig >= 0)
        check_forms(text, sig);
    free(text);
    return 0;
}
