#include "init/supervise.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "init/log.h"
#include "reaper/reaper.h"

void close_inherited_fds(void)
{
#ifdef SYS_close_range
    if (syscall(SYS_close_range, 3U, ~0U, 0U) == 0)
        return;
#endif
    /* Before Linux 5.9: walk /proc/self/fd, collecting first (closing while
     * reading would close the directory's own fd). */
    int fds[1024], n = 0;
    DIR *dir = opendir("/proc/self/fd");
    if (dir == NULL)
        return;
    const struct dirent *d;
    while ((d = readdir(dir)) != NULL && n < 1024) {
        int fd = atoi(d->d_name);
        if (fd >= 3 && fd != dirfd(dir))
            fds[n++] = fd;
    }
    closedir(dir);
    while (n > 0)
        close(fds[--n]);
}

/* Linker-defined bounds: the first byte of the image, and the start of the
 * writable segment, which begins on a page of its own after read-only data. */
extern const char __executable_start[];
extern const char __init_array_start[];

void shed_startup_pages(void)
{
    const uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t start = (uintptr_t)__executable_start & ~(page - 1);
    uintptr_t end = (uintptr_t)__init_array_start & ~(page - 1);
    if (end > start && madvise((void *)start, end - start, MADV_DONTNEED) < 0)
        log_debug("madvise: %s", strerror(errno));
    /* The stack below us held setup's large buffers and is dead now; keep one
     * page under this frame. Holes in the range only make madvise say ENOMEM. */
    volatile char here = 0;
    uintptr_t top = ((uintptr_t)&here & ~(page - 1)) - page;
    madvise((void *)(top - 64 * page), 64 * page, MADV_DONTNEED);
}

void supervise_payload(const struct options *o, const struct payload_spec *spec)
{
    struct nerr e;
    const struct reaper_config cfg = {
        .kill_group = o->kill_group, .rewrite = o->rewrite, .kill_after_term = o->grace_seconds,
    };
    char text[2 * NERR_TEXT];

    pid_t payload = payload_spawn(spec, &e);
    if (payload < 0) {
        nerr_format(&e, text, sizeof text);
        log_error("%s", text);
        _exit(125);
    }
    /* The payload keeps its cwd and fds; the init pins neither a mount nor a file. */
    if (chdir("/") < 0)
        log_debug("chdir /: %s", strerror(errno));
    close_inherited_fds();
    shed_startup_pages();
    int code = reaper_exit_code(reaper_run(&cfg, payload));
    reaper_grace(o->grace_seconds);
    if (options_expects_exit(o, code)) {
        log_debug("payload exit code %d expected, exiting 0", code);
        code = 0;
    }
    _exit(code);
}
