#ifndef NESTINIT_VERSION_H
#define NESTINIT_VERSION_H
#include <stdio.h>

#define NESTINIT_VERSION "0.1.0"

/* --version: the version, then the commit, architecture and library versions
 * the binary was built with (the commit is baked in by the Makefile). */
void version_print(FILE *f);
#endif
