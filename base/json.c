#include "base/json.h"

#include <stdarg.h>
#include <stdio.h>

void json_raw(struct json *j, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(j->buf + j->used, sizeof j->buf - j->used, fmt, ap);
    va_end(ap);
    if (n > 0)
        j->used = j->used + (size_t)n < sizeof j->buf ? j->used + (size_t)n : sizeof j->buf - 1;
}

void json_string(struct json *j, const char *value)
{
    if (value == NULL) {
        json_raw(j, "null");
        return;
    }
    json_raw(j, "\"");
    for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
        if (*p == '"' || *p == '\\')
            json_raw(j, "\\%c", *p);
        else if (*p == '\n')
            json_raw(j, "\\n");
        else if (*p < 0x20)
            json_raw(j, "\\u%04x", *p);
        else
            json_raw(j, "%c", *p);
    }
    json_raw(j, "\"");
}

void json_member_string(struct json *j, const char *key, const char *value, int first)
{
    json_raw(j, "%s\"%s\":", first ? "" : ",", key);
    json_string(j, value);
}
