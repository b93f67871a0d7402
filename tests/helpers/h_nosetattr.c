/* h_nosetattr CMD [ARG...]: runs CMD under a seccomp filter that answers
 * mount_setattr(2) with ENOSYS, as a kernel before 5.12 (or a container
 * profile that does not know the call) would, so nestinit's fallback for
 * read-only trees is what runs. Sets no_new_privs only when the kernel wants
 * it (no CAP_SYS_ADMIN). Kernel headers are not visible to musl-gcc: the few BPF
 * definitions are spelled out (linux/filter.h, linux/seccomp.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>

struct sock_filter { uint16_t code; uint8_t jt, jf; uint32_t k; };
struct sock_fprog { unsigned short len; struct sock_filter *filter; };

#define LD_NR 0x20           /* BPF_LD|BPF_W|BPF_ABS, seccomp_data.nr at offset 0 */
#define JEQ 0x15             /* BPF_JMP|BPF_JEQ|BPF_K */
#define RET 0x06             /* BPF_RET|BPF_K */
#define RET_ERRNO 0x00050000U
#define RET_ALLOW 0x7fff0000U
#define NR_MOUNT_SETATTR 442 /* the same on every architecture */

int main(int argc, char **argv)
{
    struct sock_filter code[] = {
        {LD_NR, 0, 0, 0},
        {JEQ, 0, 1, NR_MOUNT_SETATTR},
        {RET, 0, 0, RET_ERRNO | ENOSYS},
        {RET, 0, 0, RET_ALLOW},
    };
    struct sock_fprog prog = {sizeof code / sizeof code[0], code};
    if (argc < 2)
        return fprintf(stderr, "usage: h_nosetattr CMD [ARG...]\n"), 125;
    /* without CAP_SYS_ADMIN (an emulated container) the kernel wants no_new_privs */
    if (prctl(PR_SET_SECCOMP, 2 /* SECCOMP_MODE_FILTER */, &prog) < 0 &&
        (errno != EACCES || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || prctl(PR_SET_SECCOMP, 2, &prog) < 0))
        return perror("h_nosetattr: load the filter"), 125;
    execvp(argv[1], argv + 1);
    perror("h_nosetattr: exec");
    return 127;
}
