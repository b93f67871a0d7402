#include "reaper/ksigset.h"

#include <sys/syscall.h>
#include <unistd.h>

int ksig_mask(int how, const ksigset *set, ksigset *old)
{
    return (int)syscall(SYS_rt_sigprocmask, how, set, old, sizeof(ksigset));
}

int ksig_wait(const ksigset *set, siginfo_t *info, const struct timespec *timeout)
{
    return (int)syscall(SYS_rt_sigtimedwait, set, info, timeout, sizeof(ksigset));
}
