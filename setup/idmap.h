/* User namespace id maps: parse /proc/PID/{uid,gid}_map text, compute the map the
 * inner gets (full 1:1 or root-only), write it from the outer: only a process with CAP_SETUID/CAP_SETGID in the
 * parent user namespace may write a map of more than its own ids (user_namespaces(7)). */
#ifndef NESTINIT_IDMAP_H
#define NESTINIT_IDMAP_H

#include <stddef.h>
#include <sys/types.h>

#include "base/error.h"

enum map_mode { MAP_AUTO, MAP_ROOT, MAP_FULL };

#define IDMAP_MAX_RANGES 340 /* the kernel's limit of lines per map since 4.15 */
/* Room for a whole map file as the kernel shows it: at most IDMAP_MAX_RANGES
 * lines of "%10u %10u %10u\n" (kernel/user_namespace.c uid_m_show), one byte
 * more to tell a longer file, and the NUL. */
#define IDMAP_TEXT_SIZE (IDMAP_MAX_RANGES * 33 + 2)

struct id_range {
    unsigned long inside, outside, count;
};

/* Parses map text ("0 1000 1\n1 100000 65536\n"); returns the number of ranges or -1. */
int idmap_parse(const char *text, struct id_range *ranges, int max);

/* The child map that maps every id of the current namespace to itself, one
 * line per range of ours, sorted. Returns 0, or -1 when text does not fit. */
int idmap_full_text(const struct id_range *current, int n, char *text, size_t size);

/* Map of the child's 0 to `id` only. */
void idmap_root_text(unsigned long id, char *text, size_t size);

/* Writes setgroups (root mode) and both maps of `child`. Tries the full map when
 * mode is auto and the caller holds CAP_SETUID+CAP_SETGID, falls back to root
 * on EPERM. *used says which was written. */
int idmap_apply(pid_t child, enum map_mode mode, enum map_mode *used, struct nerr *e);

#endif
