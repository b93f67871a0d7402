/* The kernel's signal mask, all 64 signals. libc keeps 32-34 (musl) or 32-33
 * (glibc) for its own thread machinery: musl's sigfillset leaves them out and
 * its sigprocmask drops them from the mask it returns. An init must receive,
 * forward and pass on every signal (34 is glibc's SIGRTMIN, which `docker kill
 * -s RTMIN` sends), so it asks the kernel directly. */
#ifndef NESTINIT_KSIGSET_H
#define NESTINIT_KSIGSET_H

#include <signal.h>
#include <stdint.h>

typedef uint64_t ksigset;

#define KSIGSET_ALL (~(ksigset)0) /* KILL and STOP are ignored by the kernel */

/* rt_sigprocmask; 0 or -1 with errno. */
int ksig_mask(int how, const ksigset *set, ksigset *old);

#endif
