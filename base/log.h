/* Logging: everything goes to stderr, one line per message, "nestinit: " prefixed,
 * control bytes escaped (\xHH) so caller-controlled text cannot forge lines or
 * drive the terminal. A stderr whose reader is gone (EPIPE) ends all logging. */
#ifndef NESTINIT_LOG_H
#define NESTINIT_LOG_H

#include <stddef.h>

enum log_level { LOG_ERROR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

/* The one piece of process-wide state: set once from the options. Read
 * inline by the macros, so a silenced message costs no call (the idle loop
 * must not touch code outside its own pages, see reaper/idle.h). */
extern int log_threshold;
void log_set_level(int level);

/* text into out (size bytes, NUL included) with every byte a terminal or a
 * line reader would act on as \xHH (control bytes, DEL, non-UTF-8, the
 * backslash); returns the length. For text lines nestinit prints elsewhere. */
size_t log_escape(const char *text, char *out, size_t size);

__attribute__((format(printf, 2, 3))) void nlog(enum log_level level, const char *fmt, ...);

#define LOG_AT(level, ...)                                                                         \
    do {                                                                                           \
        if ((int)(level) <= log_threshold)                                                         \
            nlog((level), __VA_ARGS__);                                                            \
    } while (0)
#define log_error(...) LOG_AT(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) LOG_AT(LOG_WARN, __VA_ARGS__)
#define log_info(...) LOG_AT(LOG_INFO, __VA_ARGS__)
#define log_debug(...) LOG_AT(LOG_DEBUG, __VA_ARGS__)

#endif
