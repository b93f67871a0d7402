#ifndef NESTINIT_NSCLONE_H
#define NESTINIT_NSCLONE_H

#include <sys/types.h>

/* clone(2) without a stack behaves like fork: the child continues on a copy of
 * the caller's stack, already inside the new namespaces (as bubblewrap does).
 * Returns like fork; -1 with errno on failure. In the child, avoid libc calls
 * that rely on the cached thread id (raise, pthread_*): it is the parent's. */
pid_t nsclone(int clone_flags);

#endif
