#include "setup/caps.h"

#include <fcntl.h>
#include <linux/nsfs.h>
#include <stddef.h>
#include <sys/capability.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

bool caps_have(int cap)
{
    cap_flag_value_t value = CAP_CLEAR;
    cap_t caps = cap_get_proc();
    if (caps == NULL)
        return false;
    if (cap_get_flag(caps, (cap_value_t)cap, CAP_EFFECTIVE, &value) != 0)
        value = CAP_CLEAR;
    cap_free(caps);
    return value == CAP_SET;
}

bool caps_admin_over_mount_ns(void)
{
    struct stat owner, ours;
    if (!caps_have(CAP_SYS_ADMIN))
        return false;
    int mnt = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
    if (mnt < 0)
        return false;
    /* EPERM: the owner lies outside our user namespace, so it is not ours. */
    int user = ioctl(mnt, NS_GET_USERNS);
    close(mnt);
    if (user < 0)
        return false;
    bool same = fstat(user, &owner) == 0 && stat("/proc/self/ns/user", &ours) == 0 && owner.st_ino == ours.st_ino &&
                owner.st_dev == ours.st_dev;
    close(user);
    return same;
}
