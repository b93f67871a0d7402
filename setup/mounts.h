/* Mount-namespace preparation shared by every mount step. */
#ifndef NESTINIT_MOUNTS_H
#define NESTINIT_MOUNTS_H

#include <stdbool.h>

#include "base/error.h"

/* One --tmpfs or --ro, kept in the order the options gave them. */
enum mount_kind { MOUNT_TMPFS, MOUNT_READ_ONLY };
struct mount_request {
    enum mount_kind kind;
    const char *path;
};
#define MOUNTS_MAX 32

/* Makes every mount private so nothing the payload mounts leaks back out. */
int mounts_make_private(struct nerr *e);

/* The MS_* flags of the mount at `path` that the kernel may have locked when
 * the mount crossed into this user namespace (mount_namespaces(7), "Restrictions
 * on mount namespaces"; fs/namespace.c lock_mnt_tree): ro, nosuid,
 * nodev, noexec and the atime mode. A new mount or remount must keep them. */
int mount_locked_flags(const char *path, unsigned long *flags, struct nerr *e);

/* The requests in their order, then / read-only when ro_root. A --tmpfs is a
 * fresh tmpfs (nosuid,nodev). A --ro binds its path onto itself (unless it is
 * "/", already a mount of its own here) and makes every mount of the tree
 * read-only, each keeping its locked flags (a remount that would clear
 * nodev/nosuid/noexec/atime is EPERM in a user namespace):
 * mount_setattr(AT_RECURSIVE) where the kernel has it, else a remount of each
 * mount of /proc/self/mountinfo under the path. Writable mounts strictly under
 * it stay so when nestinit made them for the payload: /proc and the tmpfs
 * mounts of earlier requests. So "--ro /x --tmpfs /x" gives a writable tmpfs
 * and "--tmpfs /x --ro /x" a read-only one. */
int mounts_apply(const struct mount_request *requests, int count, bool ro_root, struct nerr *e);

#endif
