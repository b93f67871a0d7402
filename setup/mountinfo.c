#include "setup/mountinfo.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Copies one space-separated field, decoding the kernel's \ooo escapes. */
static const char *take_field(const char *p, char *out, size_t size)
{
    size_t n = 0;
    while (*p == ' ')
        p++;
    if (*p == '\0' || *p == '\n')
        return NULL;
    while (*p && *p != ' ' && *p != '\n') {
        char c = *p++;
        if (c == '\\' && p[0] >= '0' && p[0] <= '3' && p[1] >= '0' && p[1] <= '7' && p[2] >= '0' && p[2] <= '7') {
            c = (char)(((p[0] - '0') << 6) | ((p[1] - '0') << 3) | (p[2] - '0'));
            p += 3;
        }
        if (n + 1 >= size)
            return NULL;
        out[n++] = c;
    }
    out[n] = '\0';
    return p;
}

/* A mount id: a decimal that fits an int, or -1 (a huge one must not wrap to
 * -1, which proc_masks_find reads as "no /proc"). */
static int mount_id(const char *field)
{
    char *end;
    if (field[0] < '0' || field[0] > '9')
        return -1;
    errno = 0;
    long v = strtol(field, &end, 10);
    return *end || errno || v > INT_MAX ? -1 : (int)v;
}

int mountinfo_parse_line(const char *line, struct mount_entry *m)
{
    char field[MOUNTINFO_PATH_MAX];
    const char *p = line;

    memset(m, 0, sizeof *m);
    if (!(p = take_field(p, field, sizeof field)))
        return -1;
    if ((m->id = mount_id(field)) < 0)
        return -1;
    if (!(p = take_field(p, field, sizeof field)))
        return -1;
    if ((m->parent = mount_id(field)) < 0)
        return -1;
    if (!(p = take_field(p, field, sizeof field)) || /* major:minor */
        !(p = take_field(p, m->root, sizeof m->root)))
        return -1;
    if (!(p = take_field(p, m->mount_point, sizeof m->mount_point)) ||
        !(p = take_field(p, m->options, sizeof m->options)))
        return -1;
    /* Optional fields (shared:N, master:N, ...) until the lone "-". */
    do {
        if (!(p = take_field(p, field, sizeof field)))
            return -1;
    } while (strcmp(field, "-") != 0);
    if (!(p = take_field(p, m->fstype, sizeof m->fstype)))
        return -1;
    if (!take_field(p, m->source, sizeof m->source))
        m->source[0] = '\0';
    return 0;
}

int mountinfo_line_parent(const char *line)
{
    char *end;
    (void)strtol(line, &end, 10);
    return (int)strtol(end, NULL, 10);
}

bool mountinfo_line_mentions(const char *line, const char *text)
{
    /* A plain scan: memmem would link musl's two-way search (800 bytes). */
    size_t len = strlen(text);
    for (const char *p = line; *p && *p != '\n'; p++)
        if (*p == text[0] && strncmp(p, text, len) == 0)
            return true;
    return false;
}

bool mount_option_has(const char *options, const char *word)
{
    size_t len = strlen(word);
    for (const char *p = options; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
        if (strncmp(p, word, len) == 0 && (p[len] == ',' || p[len] == '\0'))
            return true;
    return false;
}

static void append_path(char *list, size_t size, const char *path)
{
    size_t used = strlen(list);
    snprintf(list + used, size - used, "%s%s", used ? ", " : "", path);
}

int mountinfo_topmost_proc(const char *mountinfo)
{
    struct mount_entry m;
    int id = -1;
    for (const char *line = mountinfo; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
        if (mountinfo_line_mentions(line, " /proc ") && mountinfo_parse_line(line, &m) == 0 &&
            strcmp(m.mount_point, "/proc") == 0)
            id = strcmp(m.fstype, "proc") == 0 ? m.id : -1; /* the last one is on top */
    return id;
}

/* Each line is parsed twice (find /proc, then its children) to keep no table. */
int proc_masks_find(const char *mountinfo, struct proc_masks *masks)
{
    struct mount_entry m;
    int proc_id = mountinfo_topmost_proc(mountinfo);
    memset(masks, 0, sizeof *masks);
    if (proc_id < 0)
        return -1;

    for (const char *line = mountinfo; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (mountinfo_parse_line(line, &m) < 0 || m.parent != proc_id)
            continue;
        if (strcmp(m.fstype, "proc") == 0 && mount_option_has(m.options, "ro")) {
            masks->readonly++;
            append_path(masks->readonly_paths, sizeof masks->readonly_paths, m.mount_point);
        } else {
            masks->masked++;
            append_path(masks->masked_paths, sizeof masks->masked_paths, m.mount_point);
        }
    }
    return 0;
}

/* Is `child`'s mount point one of procfs's permanently empty directories
 * (register_sysctl_mount_point in fs/proc/proc_sysctl.c) under `proc`? */
static bool on_empty_proc_dir(const char *proc, const char *child)
{
    size_t n = strlen(proc);
    if (strcmp(proc, "/") == 0)
        n = 0;
    return strncmp(child, proc, n) == 0 && strcmp(child + n, "/sys/fs/binfmt_misc") == 0;
}


static bool fully_visible(const char *mountinfo, const struct mount_entry *proc)
{
    struct mount_entry m;
    for (const char *line = mountinfo; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
        if (mountinfo_line_parent(line) == proc->id && mountinfo_parse_line(line, &m) == 0 && m.parent == proc->id &&
            m.id != proc->id && !on_empty_proc_dir(proc->mount_point, m.mount_point))
            return false;
    return true;
}

bool procfs_visible_in_new_userns(const char *mountinfo)
{
    struct mount_entry m;
    for (const char *line = mountinfo; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
        if (mountinfo_line_mentions(line, "proc") && mountinfo_parse_line(line, &m) == 0 && strcmp(m.fstype, "proc") == 0 &&
            strcmp(m.root, "/") == 0 && fully_visible(mountinfo, &m))
            return true;
    return false;
}
