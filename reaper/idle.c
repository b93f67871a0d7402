#include "reaper/idle.h"

#include <stdint.h>
#include <sys/mman.h>

#include "reaper/rawsys.h"

/* Linker-defined: the first byte of the image, the start of the writable
 * segment (on a page of its own after read-only data), and the bounds of the
 * idle section. The range between the first two is code and read-only data
 * only because the Makefile links with -z noseparate-code (one R+X segment);
 * with separate code segments it would hold holes, and madvise stops there. */
extern const char __executable_start[];
extern const char __init_array_start[];
extern const char __start_nestinit_idle[];
extern const char __stop_nestinit_idle[];

#define PAGE 4096UL

IDLE_CODE void idle_shed_pages(void)
{
    uintptr_t idle_start = (uintptr_t)__start_nestinit_idle & ~(PAGE - 1);
    uintptr_t idle_end = ((uintptr_t)__stop_nestinit_idle + PAGE - 1) & ~(PAGE - 1);
    uintptr_t start = (uintptr_t)__executable_start & ~(PAGE - 1);
    uintptr_t end = (uintptr_t)__init_array_start & ~(PAGE - 1);
    volatile char here = 0;
    uintptr_t below = ((uintptr_t)&here & ~(PAGE - 1)) - PAGE;

    RAWSYS(SYS_madvise, idle_start, idle_end - idle_start, MADV_RANDOM, 0);
    if (end > start)
        RAWSYS(SYS_madvise, start, end - start, MADV_DONTNEED, 0);
    /* The stack below this frame held setup's large buffers and is dead now.
     * Holes in the range only make madvise say ENOMEM. */
    RAWSYS(SYS_madvise, below - 64 * PAGE, 64 * PAGE, MADV_DONTNEED, 0);
}
