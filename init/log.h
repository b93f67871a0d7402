/* Logging: everything goes to stderr, one line per message, "nestinit: " prefixed. */
#ifndef NESTINIT_LOG_H
#define NESTINIT_LOG_H

enum log_level { LOG_ERROR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

/* The one piece of process-wide state: set once from the options. */
void log_set_level(int level);
int log_level(void);

__attribute__((format(printf, 2, 3))) void nlog(enum log_level level, const char *fmt, ...);

#define log_error(...) nlog(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) nlog(LOG_WARN, __VA_ARGS__)
#define log_info(...) nlog(LOG_INFO, __VA_ARGS__)
#define log_debug(...) nlog(LOG_DEBUG, __VA_ARGS__)

#endif
