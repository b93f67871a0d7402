/* Mount-namespace preparation shared by every mount step. */
#ifndef NESTINIT_MOUNTS_H
#define NESTINIT_MOUNTS_H

#include "init/error.h"

/* Makes every mount private so nothing the payload mounts leaks back out. */
int mounts_make_private(struct nerr *e);

/* The MS_* flags of the mount at `path` that the kernel may have locked when
 * the mount crossed into this user namespace (kernel fact 3): ro, nosuid,
 * nodev, noexec and the atime mode. A new mount or remount must keep them. */
int mount_locked_flags(const char *path, unsigned long *flags, struct nerr *e);

#endif
