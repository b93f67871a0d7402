/* Signal names <-> numbers: "TERM", "SIGTERM", "sigterm", "15", "RTMIN+2". */
#ifndef NESTINIT_SIGNAMES_H
#define NESTINIT_SIGNAMES_H

#define SIGNAL_MAX 64 /* highest signal number nestinit handles (Linux _NSIG - 1) */

/* RTMIN as users and their tools mean it: glibc's, `kill -l`'s and Docker's
 * 34, not musl's 35 (libc reserves the first real-time signals differently;
 * 32 and 33 go by number only). */
#define SIGNAL_RTMIN 34
#define SIGNAL_RTMAX 64

/* Returns the signal number, or -1 when the text names no signal. 0 only when
 * allow_zero is set ("0" = no signal, used by --rewrite FROM:0 to drop). */
int signal_parse(const char *text, int allow_zero);

#endif
