#!/bin/bash
# Build the tiny static probes (tests/probes/*.c and tests/helpers/h_sysprobe.c)
# with the Makefile (`make probes`: static musl, stripped) into build/probes/
# (or BUILD/probes with the Makefile's BUILD, or OUTDIR), and check that each
# is static and runs. Prints one line, PASS/FAIL engines_probes_build, so the
# suite runner can run it like a test script; exit status 0 on success.
#   bash tests/engines/build-probes.sh [OUTDIR]      (PROBE_CC: the compiler)
set -u
REPO=$(cd "$(dirname "$0")/../.." && pwd)
BUILD_DIR=${BUILD:-build}
case $BUILD_DIR in /*) ;; *) BUILD_DIR=$REPO/$BUILD_DIR ;; esac
OUT=${1:-$BUILD_DIR/probes}
case $OUT in /*) ;; *) OUT=$PWD/$OUT ;; esac
NAME=engines_probes_build

die() {
    echo "FAIL $NAME: $*" | tr '\n' '|'
    echo
    exit 1
}

CC=${PROBE_CC:-musl-gcc}
command -v "$CC" >/dev/null || die "$CC not found (apt-get install musl-tools)"
command -v make >/dev/null || die "make not found (apt-get install build-essential)"
# h_sysprobe (the denied-syscall probe of the host tests) goes into the images
# too, to check what the shipped seccomp profile still denies.
log=$(make -s -C "$REPO" PROBES_DIR="$OUT" CC_MUSL="$CC" probes 2>&1 >/dev/null) ||
    die "$(printf '%s\n' "$log" | grep -Ev '^make(\[[0-9]+\])?: \*\*\* \[')"
for src in "$REPO"/tests/probes/*.c "$REPO"/tests/helpers/h_sysprobe.c; do
    bin=$OUT/$(basename "$src" .c)
    if LC_ALL=C readelf -l "$bin" 2>/dev/null | grep -q 'program interpreter'; then
        die "$bin is not static"
    fi
done
"$OUT/nsprobe" </dev/null | grep -q '^pid=[0-9]' || die "nsprobe does not run"
"$OUT/fdprobe" /proc/self/fd/0 </dev/null | grep -q '^/proc/self/fd/0 readlink=OK:/dev/null read=OK:0 ' ||
    die "fdprobe does not run"
"$OUT/h_sysprobe" </dev/null | grep -q '^getpid OK' || die "h_sysprobe does not run"
echo "PASS $NAME"
