/* Replays fuzz inputs through a harness without libFuzzer. The harnesses are
 * built with glibc for libFuzzer; this driver runs the same harness (and its
 * oracle) on the musl build, the libc nestinit ships with (musl has no ASan:
 * UBSan traps instead). tests/run.sh runs it from build/tests/ without
 * arguments: then it replays REPLAY_CORPUS and build/fuzz/corpus-REPLAY_NAME
 * (inputs kept by `make fuzz`), else the files or folders given. */
#include <dirent.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char current[1024];

static void crashed(int sig)
{
    char line[1200];
    int n = snprintf(line, sizeof line, "FAIL fuzz-musl/%s: signal %d on input %s\n", REPLAY_NAME, sig, current);
    if (n > 0)
        (void)!write(STDOUT_FILENO, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
    _exit(1);
}

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    static uint8_t data[1 << 16];
    if (!f)
        return 0;
    size_t n = fread(data, 1, sizeof data, f);
    fclose(f);
    snprintf(current, sizeof current, "%s", path);
    LLVMFuzzerTestOneInput(data, n);
    return 1;
}

static int replay(const char *path)
{
    struct stat st;
    int count = 0;
    if (stat(path, &st) < 0)
        return 0;
    if (!S_ISDIR(st.st_mode))
        return replay_file(path);
    DIR *d = opendir(path);
    for (struct dirent *de; d && (de = readdir(d));) {
        char file[1024];
        if (de->d_name[0] == '.')
            continue;
        snprintf(file, sizeof file, "%s/%s", path, de->d_name);
        if (stat(file, &st) == 0 && S_ISREG(st.st_mode))
            count += replay_file(file);
    }
    if (d)
        closedir(d);
    return count;
}

int main(int argc, char **argv)
{
    static const int fatal[] = {SIGABRT, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP};
    int count = 0;
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
        signal(fatal[i], crashed);
    if (argc > 1) {
        for (int i = 1; i < argc; i++)
            count += replay(argv[i]);
    } else {
        count += replay(REPLAY_CORPUS);
        count += replay("build/fuzz/corpus-" REPLAY_NAME);
    }
    if (count == 0) {
        printf("FAIL fuzz-musl/%s: no inputs found (run from the repository, or name files)\n", REPLAY_NAME);
        return 1;
    }
    printf("PASS fuzz-musl/%s: %d inputs replayed on musl, oracle held\n", REPLAY_NAME, count);
    return 0;
}
