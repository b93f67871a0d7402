/* libFuzzer harness: command line and NESTINIT_* environment parsing.
 * Input: lines; "NESTINIT_X=v" lines are the environment, the rest argv. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "init/options.h"

#define MAX_ITEMS 64

static char *env_names[MAX_ITEMS], *env_values[MAX_ITEMS];
static int env_count;

static const char *fake_getenv(const char *name)
{
    for (int i = 0; i < env_count; i++)
        if (strcmp(env_names[i], name) == 0)
            return env_values[i];
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    char *argv[MAX_ITEMS + 2];
    int argc = 1;
    struct options *o = malloc(sizeof *o);
    struct nerr e;
    memcpy(text, data, size);
    text[size] = '\0';
    argv[0] = "nestinit";
    env_count = 0;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *eq = strchr(line, '=');
        if (strncmp(line, "NESTINIT_", 9) == 0 && eq && env_count < MAX_ITEMS) {
            *eq = '\0';
            env_names[env_count] = line;
            env_values[env_count++] = eq + 1;
        } else if (argc < MAX_ITEMS) {
            argv[argc++] = line;
        }
    }
    argv[argc] = NULL;
    if (options_parse(o, argc, argv, fake_getenv, &e) == 0 && o->command && o->command[0])
        (void)strlen(o->command[0]);
    free(o);
    free(text);
    return 0;
}
