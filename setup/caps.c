#include "setup/caps.h"

#include <stddef.h>
#include <sys/capability.h>

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
