#include "init/info.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/json.h"
#include "init/version.h"
#include "base/files.h"
#include "setup/seccomp_probe.h"

int info_open(const struct options *o, struct nerr *e)
{
    if (o->info_file) {
        int fd = open(o->info_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0)
            return nerr_set(e, errno, "--info-file: open %s", o->info_file), -2;
        return fd;
    }
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
    char path[64], text[8192];
    snprintf(path, sizeof path, "%s/%s", proc_dir, file);
    if (file_read_all(path, text, sizeof text) < 0) {
        put_string(j, key, NULL);
        return;
    }
    /* The kernel pads columns; keep one space between fields. */
    char compact[8192];
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

    ssize_t n = write(fd, j.buf, j.used);
    int saved = errno;
    if (fd > STDERR_FILENO) /* --info-fd 1 must leave the payload its stdout */
        close(fd);
    if (n != (ssize_t)j.used)
        return nerr_set(e, n < 0 ? saved : EIO, "write the --info output");
    return 0;
}
