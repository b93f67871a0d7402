#include "base/signames.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
    const char *name;
    int number;
} table[] = {
    {"HUP", SIGHUP},       {"INT", SIGINT},       {"QUIT", SIGQUIT},     {"ILL", SIGILL},
    {"TRAP", SIGTRAP},     {"ABRT", SIGABRT},     {"IOT", SIGIOT},       {"BUS", SIGBUS},
    {"FPE", SIGFPE},       {"KILL", SIGKILL},     {"USR1", SIGUSR1},     {"SEGV", SIGSEGV},
    {"USR2", SIGUSR2},     {"PIPE", SIGPIPE},     {"ALRM", SIGALRM},     {"TERM", SIGTERM},
    {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD},     {"CLD", SIGCHLD},      {"CONT", SIGCONT},
    {"STOP", SIGSTOP},     {"TSTP", SIGTSTP},     {"TTIN", SIGTTIN},     {"TTOU", SIGTTOU},
    {"URG", SIGURG},       {"XCPU", SIGXCPU},     {"XFSZ", SIGXFSZ},     {"VTALRM", SIGVTALRM},
    {"PROF", SIGPROF},     {"WINCH", SIGWINCH},   {"IO", SIGIO},         {"POLL", SIGPOLL},
    {"PWR", SIGPWR},       {"SYS", SIGSYS},
};

/* Strict decimal: no sign, no spaces, no trailing junk. */
static int parse_number(const char *text, long max)
{
    char *end;
    if (text[0] < '0' || text[0] > '9')
        return -1;
    long v = strtol(text, &end, 10);
    if (*end != '\0' || v > max)
        return -1;
    return (int)v;
}

static int parse_realtime(const char *text)
{
    int base, sign = 0, offset = 0;
    if (strncasecmp(text, "RTMIN", 5) == 0)
        base = SIGNAL_RTMIN;
    else if (strncasecmp(text, "RTMAX", 5) == 0)
        base = SIGNAL_RTMAX;
    else
        return -1;
    text += 5;
    if (*text == '+' || *text == '-') {
        sign = *text == '+' ? 1 : -1;
        offset = parse_number(text + 1, SIGNAL_MAX);
        if (offset < 0)
            return -1;
    } else if (*text != '\0') {
        return -1;
    }
    int sig = base + sign * offset;
    return sig >= SIGNAL_RTMIN && sig <= SIGNAL_RTMAX ? sig : -1;
}

int signal_parse(const char *text, int allow_zero)
{
    if (text == NULL || *text == '\0')
        return -1;
    if (text[0] >= '0' && text[0] <= '9') {
        int sig = parse_number(text, SIGNAL_MAX);
        if (sig == 0 && !allow_zero)
            return -1;
        return sig;
    }
    if (strncasecmp(text, "SIG", 3) == 0)
        text += 3;
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcasecmp(text, table[i].name) == 0)
            return table[i].number;
    return parse_realtime(text);
}
