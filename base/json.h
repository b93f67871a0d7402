/* A fixed-size JSON text builder for the two objects nestinit prints. */
#ifndef NESTINIT_JSON_H
#define NESTINIT_JSON_H

#include <stddef.h>

struct json {
    char buf[16384];
    size_t used;
};

__attribute__((format(printf, 2, 3))) void json_raw(struct json *j, const char *fmt, ...);

/* A quoted, escaped string value (or null when value is NULL). */
void json_string(struct json *j, const char *value);

/* ,"key":"value" (the leading comma unless first). */
void json_member_string(struct json *j, const char *key, const char *value, int first);

#endif
