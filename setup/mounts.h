/* Mount-namespace preparation shared by every mount step. */
#ifndef NESTINIT_MOUNTS_H
#define NESTINIT_MOUNTS_H

#include "base/error.h"

/* Makes every mount private so nothing the payload mounts leaks back out. */
int mounts_make_private(struct nerr *e);

/* The MS_* flags of the mount at `path` that the kernel may have locked when
 * the mount crossed into this user namespace (mount_namespaces(7), "Restrictions
 * on mount namespaces"; fs/namespace.c lock_mnt_tree): ro, nosuid,
 * nodev, noexec and the atime mode. A new mount or remount must keep them. */
int mount_locked_flags(const char *path, unsigned long *flags, struct nerr *e);

/* --tmpfs: a fresh tmpfs (nosuid,nodev) on path. */
int mount_tmpfs(const char *path, struct nerr *e);

/* --ro, --ro-root: bind path onto itself (unless it is "/", already a mount of
 * its own here) and make every mount of the tree read-only, each keeping its
 * locked flags (a remount that would clear nodev/nosuid/noexec/atime is EPERM
 * in a user namespace): mount_setattr(AT_RECURSIVE) where the kernel has it,
 * else a remount of each mount of /proc/self/mountinfo under path. Writable
 * mounts strictly under path stay so when nestinit made them for the payload:
 * /proc and mount_tmpfs's. */
int mount_read_only(const char *path, struct nerr *e);

#endif
