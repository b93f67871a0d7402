/* Small whole-file helpers for /proc and /sys files. */
#ifndef NESTINIT_FILES_H
#define NESTINIT_FILES_H

#include <stddef.h>

/* Reads up to size-1 bytes, NUL-terminates; returns the length or -1 (errno). */
long file_read_all(const char *path, char *buf, size_t size);

/* Writes text in one write(2) (proc map files need that); 0 or -1 (errno). */
int file_write_all(const char *path, const char *text);

/* Reads a small integer file such as a sysctl; -1 when absent or unreadable. */
long file_read_long(const char *path);

#endif
