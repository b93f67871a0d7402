#!/usr/bin/env bash
# mk/musl-deps.sh OUTDIR
#
# Build static libcap.a and libseccomp.a with musl-gcc from Debian bookworm's
# source packages and install them into OUTDIR:
#   OUTDIR/include/{sys/capability.h,seccomp.h,seccomp-syscalls.h}
#   OUTDIR/lib/{libcap.a,libseccomp.a}
#   OUTDIR/kinclude/{linux,asm-generic,asm} -> the system's kernel headers
# Consumers compile with  musl-gcc -I OUTDIR/include -I OUTDIR/kinclude
# and link            OUTDIR/lib/libcap.a OUTDIR/lib/libseccomp.a
#
# Sources come from a private deb-src list (derived from the machine's apt
# sources); the system's apt configuration, lists and caches are not touched.
# Needs: build-essential, musl-tools, dpkg-dev (dpkg-source), gperf (libseccomp
# regenerates its syscall table because Debian's patch updates syscalls.csv), file.
set -Eeuo pipefail   # -E: the ERR trap also fires inside functions

if [ $# -ne 1 ]; then
    echo "usage: $0 OUTDIR" >&2
    exit 2
fi
mkdir -p "$1"
OUT=$(cd "$1" && pwd)
SRC=$OUT/src
KINC=$OUT/kinclude
STEP=start
LOG=

say() { echo "musl-deps: $*"; }

on_err() {
    local rc=$?
    echo "musl-deps: FAILED at step: $STEP (exit $rc)" >&2
    if [ -n "$LOG" ] && [ -f "$LOG" ]; then
        echo "musl-deps: last lines of $LOG:" >&2
        tail -n 40 "$LOG" >&2
    fi
    exit "$rc"
}
trap on_err ERR

# run LOGNAME DIR CMD...: run CMD in DIR quietly, output to $SRC/LOGNAME.log
run() {
    LOG=$SRC/$1.log
    local dir=$2
    shift 2
    : >"$LOG"
    (trap - ERR; cd "$dir" && "$@") >>"$LOG" 2>&1
}

# The stamp holds this script's checksum: new flags here rebuild the libraries.
RECIPE=$(sha256sum "$0" | cut -c1-64)
if [ "$(cat "$OUT/.stamp" 2>/dev/null)" = "$RECIPE" ] && [ -f "$OUT/lib/libcap.a" ] && [ -f "$OUT/lib/libseccomp.a" ]; then
    say "up to date ($OUT)"
    exit 0
fi

STEP="check tools"
for t in gcc musl-gcc dpkg-source make gperf file apt-get; do
    command -v "$t" >/dev/null || { echo "musl-deps: missing tool: $t" >&2; false; }
done
JOBS=$(nproc 2>/dev/null || echo 2)
rm -f "$OUT/.stamp"
mkdir -p "$SRC" "$OUT/include/sys" "$OUT/lib"

# ---------------------------------------------------------------- kinclude
STEP="kernel header links"
MULTIARCH=$(gcc -print-multiarch 2>/dev/null || true)
[ -n "$MULTIARCH" ] || MULTIARCH=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
[ -d "/usr/include/$MULTIARCH/asm" ] || { echo "musl-deps: no /usr/include/$MULTIARCH/asm (install linux-libc-dev)" >&2; false; }
mkdir -p "$KINC"
ln -sfn /usr/include/linux "$KINC/linux"
ln -sfn /usr/include/asm-generic "$KINC/asm-generic"
ln -sfn "/usr/include/$MULTIARCH/asm" "$KINC/asm"
say "kernel headers: $KINC (asm -> /usr/include/$MULTIARCH/asm)"

# ---------------------------------------------------------- apt sources
STEP="derive deb-src list from system apt sources"
APTDIR=$SRC/apt
rm -rf "$APTDIR"
mkdir -p "$APTDIR/sources.list.d" "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial"
# Collect "URI SUITE [SIGNED-BY]" for every deb entry whose suite is
# bookworm, bookworm-updates or bookworm-security, from both formats.
{
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        # one-line format: deb [opts] URI SUITE COMPONENTS...
        awk '$1=="deb" {
                so=""; i=2
                if ($2 ~ /^\[/) {
                    while (i <= NF) {
                        if ($i ~ /^\[?signed-by=/) { s=$i; sub(/^\[?signed-by=/,"",s); sub(/\]$/,"",s); so=s }
                        if ($i ~ /\]$/) { i++; break }
                        i++
                    }
                }
                print $i, $(i+1), so
            }' "$f"
    done
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        # deb822 format: stanzas separated by blank lines
        awk 'function flush() {
                 if (types ~ /(^| )deb( |$)/ && enabled != "no")
                     for (u in uris) for (s in suites) print uris[u], suites[s], signed
                 types=""; enabled=""; signed=""; delete uris; delete suites
             }
             /^[ \t]*#/ { next }
             /^[ \t]*$/ { flush(); next }
             {
                 key=tolower($1); sub(/:$/,"",key)
                 if (key=="types") { types=""; for (i=2;i<=NF;i++) types=types" "$i; types=types" " }
                 else if (key=="enabled") enabled=tolower($2)
                 else if (key=="uris") for (i=2;i<=NF;i++) uris[i]=$i
                 else if (key=="suites") for (i=2;i<=NF;i++) suites[i]=$i
                 else if (key=="signed-by" && NF==2) signed=$2
             }
             END { flush() }' "$f"
    done
} | awk '$2=="bookworm" || $2=="bookworm-updates" || $2=="bookworm-security"' \
  | sort -u >"$APTDIR/entries"

if ! grep -q ' bookworm ' "$APTDIR/entries" && ! grep -q ' bookworm$' "$APTDIR/entries"; then
    echo "musl-deps: no 'deb ... bookworm' entry found in the system's apt sources" >&2
    false
fi
# A suite missing from the system list is derived from the bookworm mirror
# (bookworm-updates on the same URI, bookworm-security on URI-security).
main_uri=$(awk '$2=="bookworm" {print $1; exit}' "$APTDIR/entries")
main_sig=$(awk '$2=="bookworm" {print $3; exit}' "$APTDIR/entries")
grep -q ' bookworm-updates' "$APTDIR/entries" ||
    echo "$main_uri bookworm-updates $main_sig" >>"$APTDIR/entries"
grep -q ' bookworm-security' "$APTDIR/entries" ||
    echo "${main_uri%/}-security bookworm-security $main_sig" >>"$APTDIR/entries"

while read -r uri suite sig; do
    if [ -n "$sig" ]; then
        echo "deb-src [signed-by=$sig] $uri $suite main"
    else
        echo "deb-src $uri $suite main"
    fi
done <"$APTDIR/entries" >"$APTDIR/sources.list.d/bookworm-src.list"
say "deb-src list: $(awk '{printf "%s %s; ", $(NF-2), $(NF-1)}' "$APTDIR/sources.list.d/bookworm-src.list")"

APTOPTS=(
    -o Dir::Etc::SourceList=/dev/null
    -o "Dir::Etc::SourceParts=$APTDIR/sources.list.d"
    -o "Dir::State::Lists=$APTDIR/lists"
    -o "Dir::Cache=$APTDIR/cache"
    -o Dir::Cache::pkgcache=
    -o Dir::Cache::srcpkgcache=
    -o APT::Sandbox::User=root
    -o Acquire::Languages=none
)

STEP="apt-get update (private lists)"
say "apt-get update (private lists in $APTDIR)"
run apt-update "$SRC" apt-get -q "${APTOPTS[@]}" update

# ---------------------------------------------------------- fetch sources
STEP="apt-get source libseccomp libcap2"
say "apt-get source libseccomp libcap2"
find "$SRC" -mindepth 1 -maxdepth 1 -type d \( -name 'libseccomp-*' -o -name 'libcap2-*' \) -exec rm -rf {} +
run apt-source "$SRC" apt-get -q "${APTOPTS[@]}" source libseccomp libcap2
SECCOMP_DIR=$(find "$SRC" -mindepth 1 -maxdepth 1 -type d -name 'libseccomp-*' | head -n1)
LIBCAP_DIR=$(find "$SRC" -mindepth 1 -maxdepth 1 -type d -name 'libcap2-*' | head -n1)
if [ -z "$SECCOMP_DIR" ] || [ -z "$LIBCAP_DIR" ]; then
    echo "musl-deps: unpacked sources not found in $SRC" >&2
    false
fi
say "sources: $(basename "$SECCOMP_DIR") $(basename "$LIBCAP_DIR")"

# No unwind tables: nothing unwinds a static C binary, and they cost 5 kB.
KCFLAGS="-Os -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables -fno-unwind-tables -I$KINC"

# ---------------------------------------------------------- libseccomp
STEP="libseccomp configure"
say "building libseccomp"
run seccomp-configure "$SECCOMP_DIR" ./configure CC=musl-gcc \
    CFLAGS="$KCFLAGS" --enable-static --disable-shared --disable-python
STEP="libseccomp make"
run seccomp-make "$SECCOMP_DIR" make -j"$JOBS" -C src libseccomp.la
STEP="libseccomp install"
cp "$SECCOMP_DIR/src/.libs/libseccomp.a" "$OUT/lib/libseccomp.a"
cp "$SECCOMP_DIR/include/seccomp.h" "$SECCOMP_DIR/include/seccomp-syscalls.h" "$OUT/include/"

# ---------------------------------------------------------- libcap
# libcap's Make.Rules: "COPTS ?= -O2; CFLAGS ?= $(COPTS)"; its own -I (its
# uapi copy of linux/capability.h) goes in CPPFLAGS, so our flags go in CFLAGS
# (which, given on the command line, also drops its -W list). _makenames is
# built with BUILD_CC (host gcc) and BUILD_COPTS, which must not see kinclude.
STEP="libcap make"
say "building libcap"
run libcap-make "$LIBCAP_DIR/libcap" make -j"$JOBS" libcap.a \
    CC=musl-gcc BUILD_CC=gcc SHARED=no USE_GPERF=no GOLANG=no PAM_CAP=no \
    COPTS="$KCFLAGS" CFLAGS="$KCFLAGS" BUILD_COPTS=-O2
STEP="libcap install"
cp "$LIBCAP_DIR/libcap/libcap.a" "$OUT/lib/libcap.a"
cp "$LIBCAP_DIR/libcap/include/sys/capability.h" "$OUT/include/sys/capability.h"

# ---------------------------------------------------------- verify
STEP="verify (static test program)"
say "verifying"
T=$SRC/verify
mkdir -p "$T"
cat >"$T/t.c" <<'EOF'
#include <stdio.h>
#include <sys/capability.h>
#include <seccomp.h>
int main(void)
{
    cap_t c = cap_get_proc();
    cap_flag_value_t v = CAP_CLEAR;
    if (!c || cap_get_flag(c, CAP_SYS_ADMIN, CAP_EFFECTIVE, &v) != 0)
        return 1;
    cap_free(c);
    const struct scmp_version *ver = seccomp_version();
    unsigned api = seccomp_api_get();
    if (!ver)
        return 1;
    printf("libseccomp %u.%u.%u api %u cap_sys_admin %d\n",
           ver->major, ver->minor, ver->micro, api, v == CAP_SET);
    return 0;
}
EOF
echo 'int main(void){return 0;}' >"$T/empty.c"
LDFLAGS_STATIC=(-static '-Wl,--gc-sections' -s)
LOG=$SRC/verify.log
: >"$LOG"
musl-gcc -Os -ffunction-sections -fdata-sections -I"$OUT/include" -I"$KINC" \
    "${LDFLAGS_STATIC[@]}" -o "$T/t" "$T/t.c" "$OUT/lib/libcap.a" "$OUT/lib/libseccomp.a" >>"$LOG" 2>&1
musl-gcc -Os "${LDFLAGS_STATIC[@]}" -o "$T/empty" "$T/empty.c" >>"$LOG" 2>&1
"$T/t" | tee -a "$LOG" | sed 's/^/musl-deps: test: /'
file "$T/t" | tee -a "$LOG" | grep -q 'statically linked'
s_t=$(stat -c %s "$T/t")
s_e=$(stat -c %s "$T/empty")
say "stripped static sizes: empty $s_e B, with libcap+libseccomp $s_t B (+$((s_t - s_e)) B)"
LOG=

echo "$RECIPE" >"$OUT/.stamp"
say "done: -I $OUT/include -I $KINC; $OUT/lib/libcap.a $OUT/lib/libseccomp.a"
