/* /proc/PID/mountinfo parsing and the detection of masked /proc sub-mounts
 * (their presence is why a fresh procfs is refused in a new user namespace:
 * fs/namespace.c mount_too_revealing). Pure. */
#ifndef NESTINIT_MOUNTINFO_H
#define NESTINIT_MOUNTINFO_H

#include <stdbool.h>
#include <stddef.h>

#define MOUNTINFO_PATH_MAX 512

struct mount_entry {
    int id, parent;
    char root[MOUNTINFO_PATH_MAX];        /* the path inside its filesystem ("/" = the whole of it) */
    char mount_point[MOUNTINFO_PATH_MAX]; /* octal escapes (\040) decoded */
    char options[128];                    /* per-mount options: "rw,nosuid,..." */
    char fstype[32];
    char source[128];
};

/* Parses one line; 0 on success, -1 on a malformed line. */
int mountinfo_parse_line(const char *line, struct mount_entry *m);

/* Cheap tests that spare a line the full parse (which clears and fills a
 * 1.3 KB entry) when it cannot matter; the full parse still decides.
 * The parent id (the line's second number; garbage on a malformed line) and
 * whether `text` occurs on the line (up to its newline). */
int mountinfo_line_parent(const char *line);
bool mountinfo_line_mentions(const char *line, const char *text);

/* True when the comma list `options` contains exactly `word`. */
bool mount_option_has(const char *options, const char *word);

/* What covers parts of the topmost procfs at /proc. */
struct proc_masks {
    int masked;   /* sub-mounts hiding a path (a /dev/null bind, a tmpfs) */
    int readonly; /* procfs sub-mounts made read-only (/proc/sys, ...) */
    char masked_paths[512];
    char readonly_paths[512];
};

/* The id of the mount on top at /proc when it is a procfs, else -1. */
int mountinfo_topmost_proc(const char *mountinfo);

/* Scans mountinfo text for sub-mounts of the topmost /proc. Returns 0, or -1
 * when no procfs is mounted at /proc. */
int proc_masks_find(const char *mountinfo, struct proc_masks *masks);

/* Whether a fresh procfs could be mounted in a new user namespace made from
 * this mount namespace: the kernel (fs/namespace.c mnt_already_visible) wants
 * one procfs mount of the whole filesystem whose sub-mounts, all locked once
 * they cross into the new user namespace, cover nothing but permanently empty
 * directories (in procfs only /proc/sys/fs/binfmt_misc). A prediction that
 * lets the common paths avoid a trial; the mount itself still decides. */
bool procfs_visible_in_new_userns(const char *mountinfo);

#endif
