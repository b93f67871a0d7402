/* Raw system calls for the idle loop. It lives in pages of its own (see
 * reaper/idle.h), so it must not call into libc, whose wrappers sit elsewhere
 * in the binary: each call would fault a 64 kB window of code back in. Other
 * architectures fall back to libc's syscall(): correct, a little more RSS. */
#ifndef NESTINIT_RAWSYS_H
#define NESTINIT_RAWSYS_H

#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
static inline long rawsys(long n, long a1, long a2, long a3, long a4)
{
    long ret;
    register long r10 __asm__("r10") = a4;
    __asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a1), "S"(a2), "d"(a3), "r"(r10) : "rcx", "r11", "memory");
    return ret;
}
#elif defined(__aarch64__)
static inline long rawsys(long n, long a1, long a2, long a3, long a4)
{
    register long x8 __asm__("x8") = n;
    register long x0 __asm__("x0") = a1;
    register long x1 __asm__("x1") = a2;
    register long x2 __asm__("x2") = a3;
    register long x3 __asm__("x3") = a4;
    __asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3) : "memory");
    return x0;
}
#else
static inline long rawsys(long n, long a1, long a2, long a3, long a4)
{
    long ret = syscall(n, a1, a2, a3, a4);
    return ret < 0 ? -errno : ret;
}
#endif

/* Returns -errno on failure, like the kernel. */
#define RAWSYS(n, a1, a2, a3, a4) rawsys((n), (long)(a1), (long)(a2), (long)(a3), (long)(a4))

#endif
