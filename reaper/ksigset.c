#include "reaper/ksigset.h"

#include <sys/syscall.h>
#include <unistd.h>

int ksig_mask(int how, const ksigset *set, ksigset *old)
{
    return (int)syscall(SYS_rt_sigprocmask, how, set, old, sizeof(ksigset));
}
