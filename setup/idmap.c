#include "setup/idmap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "setup/caps.h"
#include "setup/conditions.h"
#include "base/files.h"

static int write_proc_file(pid_t child, const char *name, const char *text, struct nerr *e)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/%s", (int)child, name);
    if (file_write_all(path, text) < 0) {
        nerr_set(e, errno, "write %s of the inner init (%s)", name, path);
        if (e->errnum == EROFS)
            nerr_condition(e, COND_PROC_READ_ONLY);
        return -1;
    }
    return 0;
}

static int full_map_text(const char *self_map, char *text, size_t size, struct nerr *e)
{
    char current[IDMAP_TEXT_SIZE];
    struct id_range ranges[IDMAP_MAX_RANGES];
    long len = file_read_all(self_map, current, sizeof current);
    if (len < 0)
        return nerr_set(e, errno, "read %s", self_map);
    if ((size_t)len + 1 >= sizeof current)
        return nerr_set(e, 0, "read %s: longer than %d lines of map", self_map, IDMAP_MAX_RANGES);
    int n = idmap_parse(current, ranges, IDMAP_MAX_RANGES);
    if (n <= 0 || idmap_full_text(ranges, n, text, size) < 0)
        return nerr_set(e, EINVAL, "parse %s ('%.60s')", self_map, current);
    /* The kernel takes a map in one write of less than a page
     * (kernel/user_namespace.c map_write), whatever its line count. */
    long page = getpagesize();
    if (page > 0 && strlen(text) >= (size_t)page) {
        nerr_set(e, E2BIG, "the full map of %s has %d ranges, %zu bytes of text; the kernel takes a map of "
                 "less than %ld bytes", self_map, n, strlen(text), page);
        nerr_condition(e, COND_MAP_TOO_LONG);
        return -1;
    }
    return 0;
}

static int write_full_map(pid_t child, struct nerr *e)
{
    char uid_text[IDMAP_TEXT_SIZE], gid_text[IDMAP_TEXT_SIZE];
    if (full_map_text("/proc/self/uid_map", uid_text, sizeof uid_text, e) < 0 ||
        full_map_text("/proc/self/gid_map", gid_text, sizeof gid_text, e) < 0)
        return -1;
    if (write_proc_file(child, "uid_map", uid_text, e) < 0 || write_proc_file(child, "gid_map", gid_text, e) < 0) {
        nerr_condition(e, COND_FULL_MAP_CAPS);
        return -1;
    }
    return 0;
}

static int write_root_map(pid_t child, struct nerr *e)
{
    char uid_text[64], gid_text[64];
    idmap_root_text((unsigned long)geteuid(), uid_text, sizeof uid_text);
    idmap_root_text((unsigned long)getegid(), gid_text, sizeof gid_text);
    /* Unprivileged gid_map writes need setgroups denied first (user_namespaces(7), "The /proc/[pid]/setgroups file");
     * a kernel without the file (before 3.19) does not need it. */
    if (write_proc_file(child, "setgroups", "deny", e) < 0 && e->errnum != ENOENT)
        return -1;
    if (write_proc_file(child, "uid_map", uid_text, e) < 0) {
        if (e->errnum == EPERM && geteuid() == 0 && !caps_have(CAP_SETFCAP))
            nerr_condition(e, COND_NO_SETFCAP);
        return -1;
    }
    return write_proc_file(child, "gid_map", gid_text, e);
}

int idmap_apply(pid_t child, enum map_mode mode, enum map_mode *used, struct nerr *e)
{
    if (mode == MAP_FULL || (mode == MAP_AUTO && caps_have(CAP_SETUID) && caps_have(CAP_SETGID))) {
        if (write_full_map(child, e) == 0) {
            *used = MAP_FULL;
            return 0;
        }
        if (mode == MAP_FULL)
            return -1;
        char why[2 * NERR_TEXT + 64];
        nerr_format(e, why, sizeof why);
        log_info("full id map refused (%s), using the root map", why);
    }
    *used = MAP_ROOT;
    return write_root_map(child, e);
}
