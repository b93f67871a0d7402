/* Capability queries through libcap (the outer decides --map auto with these). */
#ifndef NESTINIT_CAPS_H
#define NESTINIT_CAPS_H

#include <linux/capability.h>
#include <stdbool.h>

/* True when `cap` is in this process's effective set. */
bool caps_have(int cap);

/* True when this process may administer its own mount namespace: CAP_SYS_ADMIN
 * in its effective set, and the mount namespace owned by its own user
 * namespace (ioctl_ns(2) NS_GET_USERNS), as capabilities(7) requires for
 * mount(2). A rootful container with --cap-add SYS_ADMIN, or a rootless one
 * whose user namespace made its mounts. */
bool caps_admin_over_mount_ns(void);

#endif
