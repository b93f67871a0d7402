#include "init/version.h"

#include <seccomp.h>

/* Given by the Makefile: the commit from git or from a release tarball's
 * mk/source-commit, libcap's version from the source it was built from. */
#ifndef NESTINIT_COMMIT
#define NESTINIT_COMMIT "unknown"
#endif
#ifndef NESTINIT_LIBCAP_VERSION
#define NESTINIT_LIBCAP_VERSION "unknown"
#endif

#if defined(__x86_64__)
#define NESTINIT_ARCH "x86_64"
#elif defined(__aarch64__)
#define NESTINIT_ARCH "aarch64"
#elif defined(__i386__)
#define NESTINIT_ARCH "i386"
#elif defined(__arm__)
#define NESTINIT_ARCH "arm"
#else
#define NESTINIT_ARCH "unknown"
#endif

void version_print(FILE *f)
{
    /* libseccomp reports the version linked in, not the header's. */
    const struct scmp_version *sv = seccomp_version();
    fprintf(f, "nestinit %s\n", NESTINIT_VERSION);
    fprintf(f, "commit: %s\n", NESTINIT_COMMIT);
    fprintf(f, "arch: %s\n", NESTINIT_ARCH);
    fprintf(f, "libcap: %s\n", NESTINIT_LIBCAP_VERSION);
    if (sv)
        fprintf(f, "libseccomp: %u.%u.%u\n", sv->major, sv->minor, sv->micro);
    else
        fprintf(f, "libseccomp: unknown\n");
}
