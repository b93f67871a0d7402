#include "base/error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/log.h"

int nerr_set(struct nerr *e, int errnum, const char *fmt, ...)
{
    va_list ap;
    e->errnum = errnum;
    e->cause[0] = e->fix[0] = '\0';
    va_start(ap, fmt);
    vsnprintf(e->what, sizeof e->what, fmt, ap);
    va_end(ap);
    return -1;
}

void nerr_cause(struct nerr *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->cause, sizeof e->cause, fmt, ap);
    va_end(ap);
}

void nerr_fix(struct nerr *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->fix, sizeof e->fix, fmt, ap);
    va_end(ap);
}

void nerr_add_fix(struct nerr *e, const char *fmt, ...)
{
    va_list ap;
    size_t n = strlen(e->fix);
    if (n > 0 && n + 2 < sizeof e->fix) {
        memcpy(e->fix + n, "; ", 3);
        n += 2;
    }
    va_start(ap, fmt);
    vsnprintf(e->fix + n, sizeof e->fix - n, fmt, ap);
    va_end(ap);
}

int nerr_prefix(struct nerr *e, const char *prefix)
{
    char what[NERR_TEXT];
    memcpy(what, e->what, sizeof what);
    snprintf(e->what, sizeof e->what, "%s: %.1900s", prefix, what); /* the end of a long one may go */
    return -1;
}

void nerr_format(const struct nerr *e, char *buf, size_t size)
{
    int n = e->errnum ? snprintf(buf, size, "%s: %s (%s)", e->what, strerror(e->errnum), errno_name(e->errnum))
                      : snprintf(buf, size, "%s", e->what);
    if (e->cause[0] && n >= 0 && (size_t)n < size)
        n += snprintf(buf + n, size - (size_t)n, "; cause: %s", e->cause);
    if (e->fix[0] && n >= 0 && (size_t)n < size)
        snprintf(buf + n, size - (size_t)n, "; fix: %s", e->fix);
}

void nerr_print(const struct nerr *e)
{
    char line[NERR_LINE];
    nerr_format(e, line, sizeof line);
    log_error("%s", line);
}

/* musl has no strerrorname_np; users search the web for these names. */
const char *errno_name(int errnum)
{
    switch (errnum) {
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case ESRCH: return "ESRCH";
    case EINTR: return "EINTR";
    case EIO: return "EIO";
    case E2BIG: return "E2BIG";
    case ENOEXEC: return "ENOEXEC";
    case EBADF: return "EBADF";
    case ECHILD: return "ECHILD";
    case EAGAIN: return "EAGAIN";
    case ENOMEM: return "ENOMEM";
    case EACCES: return "EACCES";
    case EFAULT: return "EFAULT";
    case EBUSY: return "EBUSY";
    case EEXIST: return "EEXIST";
    case ENODEV: return "ENODEV";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case EINVAL: return "EINVAL";
    case EMFILE: return "EMFILE";
    case ENOSPC: return "ENOSPC";
    case EROFS: return "EROFS";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case ENOSYS: return "ENOSYS";
    case ELOOP: return "ELOOP";
    case EUSERS: return "EUSERS";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case ETXTBSY: return "ETXTBSY";
    case ECANCELED: return "ECANCELED";
    default: return "errno";
    }
}
