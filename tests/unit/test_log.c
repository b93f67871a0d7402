#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "tests/unit/unit.h"

/* Runs one nlog with stderr on a pipe and returns what it wrote. */
static const char *logged(const char *text)
{
    static char buf[4096];
    int p[2], saved = dup(STDERR_FILENO);
    ssize_t n = -1;
    if (pipe(p) == 0) {
        dup2(p[1], STDERR_FILENO);
        close(p[1]);
        nlog(LOG_WARN, "%s", text);
        dup2(saved, STDERR_FILENO);
        n = read(p[0], buf, sizeof buf - 1);
        close(p[0]);
    }
    close(saved);
    buf[n > 0 ? n : 0] = '\0';
    return buf;
}

static void control_bytes_are_escaped(void)
{
    log_set_level(LOG_WARN);
    CHECK_STR(logged("plain 'text' / UTF-8: caf\xc3\xa9 \xe2\x9c\x93"),
              "nestinit: warning: plain 'text' / UTF-8: caf\xc3\xa9 \xe2\x9c\x93\n");
    /* a forged second line, a terminal sequence, a tab, DEL, a backslash */
    CHECK_STR(logged("cmd\nnestinit: error: forged\x1b[31m\t\x7f\\x41"),
              "nestinit: warning: cmd\\x0anestinit: error: forged\\x1b[31m\\x09\\x7f\\x5cx41\n");
    /* C1 controls in UTF-8 (U+009B is CSI), stray and cut-off bytes */
    CHECK_STR(logged("a\xc2\x9b" "b\xc2\xa0" "c\xff" "d\xe2\x9c"),
              "nestinit: warning: a\\xc2\\x9bb\xc2\xa0" "c\\xffd\\xe2\\x9c\n");
    /* however long, one line */
    char longtext[3000];
    memset(longtext, '\n', sizeof longtext - 1);
    longtext[sizeof longtext - 1] = '\0';
    const char *out = logged(longtext);
    CHECK(strchr(out, '\n') == out + strlen(out) - 1);
}

static bool sigpipe_pending(siginfo_t *info)
{
    sigset_t set;
    const struct timespec now = {0, 0};
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    return sigtimedwait(&set, info, &now) == SIGPIPE;
}

/* A stderr whose reader is gone: the write's own SIGPIPE is taken, one sent by
 * another process is kept, and logging stops. */
static void broken_stderr_stops_logging(void)
{
    sigset_t set;
    siginfo_t info;
    int p[2], saved = dup(STDERR_FILENO);
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    sigprocmask(SIG_BLOCK, &set, NULL);
    CHECK(pipe(p) == 0);
    close(p[0]);
    dup2(p[1], STDERR_FILENO);
    close(p[1]);

    log_set_level(LOG_WARN);
    nlog(LOG_WARN, "first");
    CHECK(log_threshold < LOG_ERROR); /* stopped */
    CHECK(!sigpipe_pending(&info));   /* our own SIGPIPE taken */

    /* another process's SIGPIPE, pending when our write fails, stays */
    log_set_level(LOG_WARN);
    pid_t child = fork();
    if (child == 0) {
        kill(getppid(), SIGPIPE);
        _exit(0);
    }
    waitpid(child, NULL, 0);
    nlog(LOG_WARN, "second");
    CHECK(sigpipe_pending(&info) && info.si_pid == child);
    CHECK(!sigpipe_pending(&info));

    dup2(saved, STDERR_FILENO);
    close(saved);
    log_set_level(LOG_WARN);
}

int main(void)
{
    RUN(control_bytes_are_escaped);
    RUN(broken_stderr_stops_logging);
    UNIT_EXIT();
}
