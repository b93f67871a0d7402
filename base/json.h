/* A fixed-size JSON text builder for the two objects nestinit prints. */
#ifndef NESTINIT_JSON_H
#define NESTINIT_JSON_H

#include <stddef.h>

/* Room for the info object at its largest: two id maps (each written in one
 * write of less than a page, user_namespaces(7); compacted, then escaped:
 * under 5 kB each), a /proc and a fallback reason (under 3 kB). Text past the
 * end is dropped, and `used` then stays at sizeof buf - 1: json_full. */
struct json {
    char buf[16384];
    size_t used;
};

static inline int json_full(const struct json *j)
{
    return j->used >= sizeof j->buf - 1;
}

__attribute__((format(printf, 2, 3))) void json_raw(struct json *j, const char *fmt, ...);

/* A quoted, escaped string value (or null when value is NULL). */
void json_string(struct json *j, const char *value);

/* ,"key":"value" (the leading comma unless first). */
void json_member_string(struct json *j, const char *key, const char *value, int first);

#endif
