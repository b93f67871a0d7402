#include "setup/idmap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int idmap_parse(const char *text, struct id_range *ranges, int max)
{
    int n = 0;
    const char *p = text;
    while (*p) {
        char *end;
        unsigned long v[3];
        while (*p == ' ' || *p == '\t' || *p == '\n')
            p++;
        if (*p == '\0')
            break;
        for (int i = 0; i < 3; i++) {
            while (*p == ' ' || *p == '\t')
                p++;
            if (*p < '0' || *p > '9')
                return -1;
            errno = 0;
            v[i] = strtoul(p, &end, 10);
            if (errno || v[i] > 4294967295UL)
                return -1;
            p = end;
        }
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p != '\n' && *p != '\0')
            return -1;
        if (n == max || v[2] == 0 || v[0] + v[2] > 4294967296UL)
            return -1;
        ranges[n++] = (struct id_range){v[0], v[1], v[2]};
    }
    return n;
}

static int by_inside(const void *a, const void *b)
{
    const struct id_range *x = a, *y = b;
    return x->inside < y->inside ? -1 : x->inside > y->inside;
}

int idmap_full_text(const struct id_range *current, int n, char *text, size_t size)
{
    struct id_range sorted[IDMAP_MAX_RANGES];
    size_t used = 0;
    if (n <= 0 || n > IDMAP_MAX_RANGES)
        return -1;
    memcpy(sorted, current, (size_t)n * sizeof *current);
    qsort(sorted, (size_t)n, sizeof *sorted, by_inside);
    text[0] = '\0';
    /* The ids we own are the inside column; the child sees each as itself.
     * Adjacent ranges stay separate lines: the kernel wants every line of a
     * child's map inside one line of the parent's (rootless Podman's
     * "0 1000 1" + "1 100000 65536" cannot become "0 0 65537"). */
    for (int i = 0; i < n; i++) {
        int w = snprintf(text + used, size - used, "%lu %lu %lu\n", sorted[i].inside, sorted[i].inside, sorted[i].count);
        if (w < 0 || (size_t)w >= size - used)
            return -1;
        used += (size_t)w;
    }
    return 0;
}

void idmap_root_text(unsigned long id, char *text, size_t size)
{
    snprintf(text, size, "0 %lu 1\n", id);
}
