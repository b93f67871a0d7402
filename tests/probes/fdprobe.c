/* fdprobe PATH...: for each PATH (typically /proc/PID/fd/N), print one line
 *   PATH readlink=OK:TARGET|ERRNO read=OK:N|ERRNO write=OK|ERRNO
 * readlink(2); open O_RDONLY and read up to 64 bytes; open O_WRONLY|O_APPEND
 * and write "fdprobe\n". Errors print as symbolic errno names (EACCES, ...).
 * Exit status 0 when every access was refused, 1 when any succeeded, 2 usage. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "errnames.h"

int main(int argc, char **argv)
{
    int leaked = 0;
    if (argc < 2) {
        fprintf(stderr, "usage: fdprobe PATH...\n");
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        const char *p = argv[i];
        char target[512], buf[64];
        ssize_t n = readlink(p, target, sizeof target - 1);
        printf("%s", p);
        if (n >= 0) {
            target[n] = 0;
            printf(" readlink=OK:%s", target);
            leaked = 1;
        } else {
            printf(" readlink=%s", errname(errno));
        }
        int fd = open(p, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd >= 0) {
            n = read(fd, buf, sizeof buf);
            printf(" read=OK:%zd", n);
            close(fd);
            leaked = 1;
        } else {
            printf(" read=%s", errname(errno));
        }
        fd = open(p, O_WRONLY | O_APPEND | O_NONBLOCK | O_CLOEXEC);
        if (fd >= 0) {
            n = write(fd, "fdprobe\n", 8);
            printf(" write=OK:%zd", n);
            close(fd);
            leaked = 1;
        } else {
            printf(" write=%s", errname(errno));
        }
        printf("\n");
    }
    return leaked;
}
