#include "base/log.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int log_threshold = LOG_WARN;

void log_set_level(int level) { log_threshold = level; }

/* Length of the well-formed UTF-8 sequence at p, or 0 for a stray byte or a
 * C1 control (U+0080..U+009F, which some terminals obey like ESC sequences). */
static size_t utf8_length(const unsigned char *p)
{
    size_t len = p[0] >= 0xf5 ? 0 : p[0] >= 0xf0 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc2 ? 2 : 0;
    for (size_t i = 1; i < len; i++)
        if ((p[i] & 0xc0) != 0x80)
            return 0;
    return len == 2 && p[0] == 0xc2 && p[1] <= 0x9f ? 0 : len;
}

/* Copies text into out (size bytes, NUL included), every byte a terminal or a
 * log reader would act on written as \xHH: control bytes (a newline would
 * forge a second line, ESC starts terminal sequences), DEL, bytes that are not
 * UTF-8 text, and the backslash itself, so an escape is never ambiguous.
 * Messages carry text the caller controls (command names, NESTINIT_* values). */
size_t log_escape(const char *text, char *out, size_t size)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        size_t len = *p >= 0x80 ? utf8_length(p) : *p >= 0x20 && *p != 0x7f && *p != '\\';
        if (len > 0) {
            if (n + len >= size)
                break;
            for (size_t i = 0; i < len; i++)
                out[n++] = (char)p[i];
            p += len - 1;
            continue;
        }
        if (n + 4 >= size)
            break;
        out[n++] = '\\';
        out[n++] = 'x';
        out[n++] = hex[*p >> 4];
        out[n++] = hex[*p & 15];
    }
    out[n] = '\0';
    return n;
}

/* The failed write left a SIGPIPE pending (SIGPIPE is blocked around it). Take
 * it when it is ours (fs/pipe.c: send_sig(SIGPIPE, current, 0), SI_USER with
 * our own pid); one someone else sent (the kernel keeps one of each standard
 * signal) goes back, for the event loop to forward. */
static void drop_own_sigpipe(void)
{
    sigset_t pipe_only;
    siginfo_t info;
    const struct timespec now = {0, 0};
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    if (sigtimedwait(&pipe_only, &info, &now) != SIGPIPE)
        return;
    if (info.si_code == SI_USER && info.si_pid == getpid())
        return;
    syscall(SYS_rt_sigqueueinfo, getpid(), SIGPIPE, &info);
}

/* Writes the line with SIGPIPE blocked, so that a stderr whose reader is gone
 * kills nobody, before the event loop blocks every signal too (a usage error
 * still ends with 125). Then logging stops: it must never fail the payload. */
static void write_line(const char *line, size_t len)
{
    sigset_t pipe_only, old;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    sigprocmask(SIG_BLOCK, &pipe_only, &old);
    if (write(STDERR_FILENO, line, len) < 0 && errno == EPIPE) {
        log_threshold = -1;
        drop_own_sigpipe();
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
}

/* One write(2) per line, so lines of the outer and the inner never interleave. */
void nlog(enum log_level level, const char *fmt, ...)
{
    static const char *const prefix[] = {"error: ", "warning: ", "", "debug: "};
    char text[2048], line[2048];
    int saved_errno = errno;
    if ((int)level > log_threshold)
        return;
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (m < 0)
        text[0] = '\0';
    int n = snprintf(line, sizeof line, "nestinit: %s", prefix[level]);
    size_t len = (size_t)n + log_escape(text, line + n, sizeof line - (size_t)n - 1);
    line[len++] = '\n';
    write_line(line, len);
    errno = saved_errno;
}
