#!/bin/bash
# Build the tiny static probes (tests/probes/*.c) into build/probes/ with
# musl-gcc -static -Os (the Makefile does not know them), and check that each
# is static and runs. Prints one line, PASS/FAIL engines_probes_build, so the
# suite runner can run it like a test script; exit status 0 on success.
#   bash tests/engines/build-probes.sh [OUTDIR]
set -u
REPO=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${1:-$REPO/build/probes}
CC=${PROBE_CC:-musl-gcc}
NAME=engines_probes_build

die() {
    echo "FAIL $NAME: $*" | tr '\n' '|'
    echo
    exit 1
}

command -v "$CC" >/dev/null || die "$CC not found (apt-get install musl-tools)"
mkdir -p "$OUT" || die "cannot create $OUT"
# tests/helpers/h_sysprobe.c (the denied-syscall probe of the host tests) goes
# into the images too, to check what the shipped seccomp profile still denies.
for src in "$REPO"/tests/probes/*.c "$REPO"/tests/helpers/h_sysprobe.c; do
    bin=$OUT/$(basename "$src" .c)
    if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ] || [ "$REPO/tests/probes/errnames.h" -nt "$bin" ]; then
        log=$("$CC" -static -Os -s -Wall -Wextra -Werror -D_GNU_SOURCE -o "$bin.tmp.$$" "$src" 2>&1) ||
            { rm -f "$bin.tmp.$$"; die "$CC $src: $log"; }
        mv -f "$bin.tmp.$$" "$bin" || die "cannot write $bin"
    fi
    if LC_ALL=C readelf -l "$bin" 2>/dev/null | grep -q 'program interpreter'; then
        die "$bin is not static"
    fi
done
"$OUT/nsprobe" </dev/null | grep -q '^pid=[0-9]' || die "nsprobe does not run"
"$OUT/fdprobe" /proc/self/fd/0 </dev/null | grep -q '^/proc/self/fd/0 readlink=OK:/dev/null read=OK:0 ' ||
    die "fdprobe does not run"
"$OUT/h_sysprobe" </dev/null | grep -q '^getpid OK' || die "h_sysprobe does not run"
echo "PASS $NAME"
