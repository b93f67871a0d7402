/* libFuzzer harness: mountinfo line parsing and /proc mask detection.
 * Oracle: a parsed line printed back the way the kernel prints it (fs/
 * proc_namespace.c show_mountinfo, octal escapes from mangle()) parses to the
 * same entry; every item of its options is found by mount_option_has; a /proc
 * found by proc_masks_find is the last /proc line, and a procfs. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "setup/mountinfo.h"
#include "tests/fuzz/oracle.h"


/* One field, octal-escaping what would end or alter it; an empty one as \000. */
static char *put_field(char *p, const char *s)
{
    *p++ = ' ';
    if (*s == '\0')
        return p + sprintf(p, "\\000");
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\\')
            p += sprintf(p, "\\%03o", c);
        else
            *p++ = (char)c;
    }
    return p;
}

static void check_round_trip(const struct mount_entry *m)
{
    static char line[4 * (MOUNTINFO_PATH_MAX + 128 + 32 + 128) + 64];
    static struct mount_entry again;
    char *p = line + sprintf(line, "%d %d 0:0 /", m->id, m->parent);
    p = put_field(p, m->mount_point);
    p = put_field(p, m->options);
    p += sprintf(p, " -");
    p = put_field(p, m->fstype);
    if (m->source[0])
        p = put_field(p, m->source);
    *p++ = '\n';
    *p = '\0';
    MUST(mountinfo_parse_line(line, &again) == 0);
    MUST(again.id == m->id && again.parent == m->parent);
    MUST(strcmp(again.mount_point, m->mount_point) == 0 && strcmp(again.options, m->options) == 0);
    MUST(strcmp(again.fstype, m->fstype) == 0 && strcmp(again.source, m->source) == 0);
}

static void check_options(const char *options)
{
    char item[sizeof ((struct mount_entry *)0)->options + 2];
    for (const char *p = options; *p;) {
        size_t len = strcspn(p, ",");
        if (len > 0) {
            memcpy(item, p, len);
            item[len] = '\0';
            MUST(mount_option_has(options, item));
        }
        p += len;
        if (*p == ',')
            p++;
    }
}

/* proc_masks_find's /proc: the last line mounted at /proc, which is a procfs. */
static void check_masks(const char *text)
{
    static struct proc_masks masks;
    static struct mount_entry m;
    int last_proc = -1;
    for (const char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
        if (mountinfo_parse_line(line, &m) == 0 && strcmp(m.mount_point, "/proc") == 0)
            last_proc = strcmp(m.fstype, "proc") == 0;
    int rc = proc_masks_find(text, &masks);
    MUST((rc == 0) == (last_proc == 1));
    MUST(masks.masked >= 0 && masks.readonly >= 0);
    MUST(strlen(masks.masked_paths) < sizeof masks.masked_paths);
    MUST(strlen(masks.readonly_paths) < sizeof masks.readonly_paths);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    static struct mount_entry m;
    memcpy(text, data, size);
    text[size] = '\0';
    if (mountinfo_parse_line(text, &m) == 0) {
        check_round_trip(&m);
        check_options(m.options);
    }
    check_masks(text);
    (void)mount_option_has(text, "ro");
    free(text);
    return 0;
}
