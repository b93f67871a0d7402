#include "init/info.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "base/json.h"
#include "init/version.h"
#include "base/files.h"
#include "setup/idmap.h"
#include "setup/seccomp_probe.h"

/* --info-file is opened by container root before the payload exists, at a path
 * a payload of an earlier run (even one with --user 1000) may have prepared.
 * So the file is written in place, never through a link: O_NOFOLLOW refuses a
 * symlink as the last component, O_NONBLOCK makes a FIFO without a reader fail
 * at once (ENXIO) instead of blocking, and fstat must then show a regular file
 * with one link (a hard link to another file would be overwritten through it).
 * A symlink among the parent directories is still followed (legitimate ones
 * such as /var/run are common), so what guards a redirected parent is the
 * content rule: an existing file is truncated only when it is empty (the
 * placeholder of a bind mount) or holds an earlier info object, so no other
 * file can be destroyed, whatever the path resolved to. In place rather than
 * a temporary file renamed over the path: rename fails on a bind-mounted file
 * (EBUSY), the usual way to get the object out of a container. */
static int info_file_refused(const char *path, const char *why, const char *fix, struct nerr *e)
{
    nerr_set(e, 0, "--info-file %s: refused, %s", path, why);
    nerr_fix(e, "%s", fix);
    return -2;
}

static int info_file_refuse_kind(const char *path, mode_t mode, struct nerr *e)
{
    if (S_ISLNK(mode))
        return info_file_refused(path, "it is a symbolic link, and nestinit does not write through one (a payload "
                                 "could plant it to have another file overwritten)", "give the path of the file itself", e);
    if (S_ISDIR(mode))
        return info_file_refused(path, "it is a directory", "name a file in it, e.g. DIR/info.json", e);
    return info_file_refused(path, "it is not a regular file (a FIFO, socket or device)",
                             "--info-fd N to write to a pipe or another open file", e);
}

/* Writing /dev/null destroys nothing: it stays allowed (and is not truncated). */
static bool is_null_device(const struct stat *st)
{
    return S_ISCHR(st->st_mode) && st->st_rdev == makedev(1, 3);
}

/* 0: a regular file to truncate, 1: /dev/null, -2: refused (e set). */
static int info_file_check(int fd, const char *path, struct nerr *e)
{
    static const char earlier[] = "{\"version\":";
    char head[sizeof earlier - 1];
    struct stat st;
    if (fstat(fd, &st) < 0)
        return nerr_set(e, errno, "--info-file %s: fstat", path), -2;
    if (is_null_device(&st))
        return 1;
    if (!S_ISREG(st.st_mode))
        return info_file_refuse_kind(path, st.st_mode, e);
    if (st.st_nlink != 1)
        return info_file_refused(path, "it has more than one hard link, and writing it would change the other names too",
                                 "remove it or choose another path", e);
    if (st.st_size == 0)
        return 0;
    ssize_t n = pread(fd, head, sizeof head, 0);
    if (n != (ssize_t)sizeof head || memcmp(head, earlier, sizeof head) != 0)
        return info_file_refused(path, "it exists and holds something other than an earlier --info object (nestinit "
                                 "only replaces such a file or an empty one)", "remove it or choose another path", e);
    return 0;
}

static int info_file_open(const char *path, struct nerr *e)
{
    struct stat st;
    /* Refused before open(2) touches it (opening a device can act); fstat then
     * decides, since the path may change in between. */
    if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode) && !is_null_device(&st))
        return info_file_refuse_kind(path, st.st_mode, e);
    int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0644);
    if (fd < 0 && (errno == ELOOP || errno == EISDIR || errno == ENXIO))
        return info_file_refuse_kind(path, errno == ELOOP ? S_IFLNK : errno == EISDIR ? S_IFDIR : S_IFIFO, e);
    if (fd < 0)
        return nerr_set(e, errno, "--info-file: open %s", path), -2;
    int kind = info_file_check(fd, path, e);
    if (kind < 0) {
        close(fd);
        return -2;
    }
    if (kind == 0 && ftruncate(fd, 0) < 0) {
        int err = errno;
        close(fd);
        return nerr_set(e, err, "--info-file %s: truncate", path), -2;
    }
    return fd;
}

int info_open(const struct options *o, struct nerr *e)
{
    if (o->info_file)
        return info_file_open(o->info_file, e);
    if (o->info_fd >= 0) {
        int flags = fcntl(o->info_fd, F_GETFL);
        if (flags < 0 || (flags & O_ACCMODE) == O_RDONLY)
            return nerr_set(e, flags < 0 ? errno : EBADF, "--info-fd %d: not open for writing", o->info_fd), -2;
        return o->info_fd;
    }
    return -1;
}

static void put_string(struct json *j, const char *key, const char *value)
{
    json_member_string(j, key, value, 0);
}

static void put_namespaces(struct json *j, const char *key, const char *proc_dir)
{
    static const char *const names[] = {"user", "pid", "mnt", "uts", "ipc", "net", "cgroup"};
    json_raw(j, ",\"%s\":{", key);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char path[64];
        struct stat st;
        snprintf(path, sizeof path, "%s/ns/%s", proc_dir, names[i]);
        if (stat(path, &st) == 0)
            json_raw(j, "%s\"%s\":%lu", i ? "," : "", names[i], (unsigned long)st.st_ino);
        else
            json_raw(j, "%s\"%s\":null", i ? "," : "", names[i]);
    }
    json_raw(j, "}");
}

static void put_map(struct json *j, const char *key, const char *proc_dir, const char *file)
{
    char path[64], text[IDMAP_TEXT_SIZE];
    snprintf(path, sizeof path, "%s/%s", proc_dir, file);
    if (file_read_all(path, text, sizeof text) < 0) {
        put_string(j, key, NULL);
        return;
    }
    /* The kernel pads columns; keep one space between fields. */
    char compact[IDMAP_TEXT_SIZE];
    size_t n = 0;
    for (const char *p = text; *p && n + 1 < sizeof compact; p++) {
        if (*p == ' ' && (n == 0 || compact[n - 1] == ' ' || compact[n - 1] == '\n'))
            continue;
        if (*p == '\n' && n > 0 && compact[n - 1] == ' ')
            n--;
        compact[n++] = *p;
    }
    while (n > 0 && (compact[n - 1] == '\n' || compact[n - 1] == ' '))
        n--;
    compact[n] = '\0';
    put_string(j, key, compact);
}

/* What the payload runs with, beyond the namespaces. */
static void put_payload(struct json *j, const struct privileges *p)
{
    json_raw(j, ",\"payload\":{");
    if (p->set_ids)
        json_raw(j, "\"uid\":%u,\"gid\":%u", (unsigned)p->uid, (unsigned)p->gid);
    else
        json_raw(j, "\"uid\":null,\"gid\":null");
    if (p->set_caps)
        json_raw(j, ",\"caps\":\"0x%016llx\"", (unsigned long long)p->caps);
    else
        json_raw(j, ",\"caps\":null");
    json_raw(j, ",\"seccomp\":\"%s\",\"no_new_privs\":%s}", p->seccomp_default ? "default" : "none",
             p->no_new_privs ? "true" : "false");
}

int info_write(int fd, const struct info *info, struct nerr *e)
{
    static const char *const map_names[] = {"none", "root", "full"};
    struct json j = {.used = 0};
    struct seccomp_state sc;
    char unshare[128], inner_dir[32];

    snprintf(inner_dir, sizeof inner_dir, "/proc/%d", info->child ? info->proc_pid : (int)getpid());
    seccomp_state_read(&sc);
    json_raw(&j, "{\"version\":\"%s\"", NESTINIT_VERSION);
    put_string(&j, "mode", info->mode);
    put_string(&j, "fallback_reason", info->fallback_reason);
    json_raw(&j, ",\"outer_pid\":%d", (int)getpid());
    if (info->child && !info->child_is_payload)
        json_raw(&j, ",\"inner_pid\":%d,\"payload_pid\":null", (int)info->child);
    else if (info->child)
        json_raw(&j, ",\"inner_pid\":null,\"payload_pid\":%d", (int)info->child);
    else
        json_raw(&j, ",\"inner_pid\":null,\"payload_pid\":null");
    put_string(&j, "unshare", unshare_flags_text(info->flags, unshare, sizeof unshare));
    put_string(&j, "proc", proc_mode_name(info->proc));
    json_raw(&j, ",\"pid_namespace\":%s", info->flags & CLONE_NEWPID ? "true" : "false");
    put_string(&j, "proc_reason", info->proc_reason && info->proc_reason[0] ? info->proc_reason : NULL);
    put_string(&j, "map", map_names[info->map]);
    put_map(&j, "uid_map", inner_dir, "uid_map");
    put_map(&j, "gid_map", inner_dir, "gid_map");
    put_namespaces(&j, "namespaces", inner_dir);
    put_namespaces(&j, "outer_namespaces", "/proc/self");
    json_raw(&j, ",\"seccomp\":{\"mode\":%d,\"filters\":%d,\"api\":%u}", sc.mode, sc.filters, sc.api);
    put_payload(&j, info->privileges);
    json_raw(&j, "}\n");
    if (json_full(&j)) { /* never a cut object: a reader would parse half of it */
        if (fd > STDERR_FILENO)
            close(fd);
        return nerr_set(e, E2BIG, "write the --info output: it would exceed %zu bytes", sizeof j.buf - 1);
    }

    ssize_t n = write(fd, j.buf, j.used);
    int saved = errno;
    if (fd > STDERR_FILENO) /* --info-fd 1 must leave the payload its stdout */
        close(fd);
    if (n != (ssize_t)j.used)
        return nerr_set(e, n < 0 ? saved : EIO, "write the --info output");
    return 0;
}
