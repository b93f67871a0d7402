#!/usr/bin/env bash
# mk/musl-deps.sh OUTDIR [ARCH]
#
# Build static libcap.a and libseccomp.a with musl-gcc from Debian bookworm's
# (SUITE: the machine's release, VERSION_CODENAME of /etc/os-release)
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
#
# ARCH (default: this machine's, uname -m) other than this machine's cross-builds:
# aarch64 needs Debian's gcc-aarch64-linux-gnu; musl, musl-dev and linux-libc-dev
# for arm64 are fetched with apt-get download from the same private lists
# (no dpkg --add-architecture) and unpacked under OUTDIR/sysroot, and
# OUTDIR/bin/musl-gcc is a wrapper like Debian's musl-gcc pointing at them.
# OUTDIR/libcap.version holds libcap's version (for nestinit --version).
set -Eeuo pipefail   # -E: the ERR trap also fires inside functions

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: $0 OUTDIR [ARCH]" >&2
    exit 2
fi
HOST_ARCH=$(uname -m)
ARCH=${2:-$HOST_ARCH}
case $ARCH in
    "$HOST_ARCH") CROSS= ;;
    aarch64) CROSS=aarch64-linux-gnu DEB_ARCH=arm64 ;;
    *) echo "musl-deps: cannot cross-build for $ARCH (known: aarch64)" >&2; exit 2 ;;
esac
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

# The stamp names this script's checksum and ARCH: a changed script rebuilds.
STAMP_ID="$ARCH $(sha256sum "$0" | cut -c1-16)"
if [ -f "$OUT/lib/libcap.a" ] && [ -f "$OUT/lib/libseccomp.a" ] &&
   [ "$(sed -n 2p "$OUT/.stamp" 2>/dev/null)" = "$STAMP_ID" ]; then
    say "up to date ($OUT)"
    touch "$OUT/.stamp"   # newer than this script, so make stops asking
    exit 0
fi

STEP="check tools"
if [ -z "$CROSS" ]; then
    TOOLS="gcc musl-gcc dpkg-source make gperf file apt-get"
else
    TOOLS="gcc $CROSS-gcc $CROSS-ar $CROSS-ranlib dpkg-source dpkg-deb make gperf file apt-get"
fi
for t in $TOOLS; do
    command -v "$t" >/dev/null || { echo "musl-deps: missing tool: $t (see mk/packages)" >&2; false; }
done
JOBS=$(nproc 2>/dev/null || echo 2)
rm -f "$OUT/.stamp"
mkdir -p "$SRC" "$OUT/include/sys" "$OUT/lib"

# ---------------------------------------------------------------- kinclude
# kernel_header_links ROOT MULTIARCH: KINC/{linux,asm-generic,asm} -> ROOT/usr/include/...
kernel_header_links() {
    local inc=$1/usr/include
    [ -d "$inc/$2/asm" ] || { echo "musl-deps: no $inc/$2/asm (install linux-libc-dev)" >&2; false; }
    mkdir -p "$KINC"
    ln -sfn "$inc/linux" "$KINC/linux"
    ln -sfn "$inc/asm-generic" "$KINC/asm-generic"
    ln -sfn "$inc/$2/asm" "$KINC/asm"
    say "kernel headers: $KINC (asm -> $inc/$2/asm)"
}
if [ -z "$CROSS" ]; then
    STEP="kernel header links"
    MULTIARCH=$(gcc -print-multiarch 2>/dev/null || true)
    [ -n "$MULTIARCH" ] || MULTIARCH=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
    kernel_header_links "" "$MULTIARCH"
    MUSL_CC=musl-gcc
fi

# ---------------------------------------------------------- apt sources
STEP="derive deb-src list from system apt sources"
APTDIR=$SRC/apt
rm -rf "$APTDIR"
mkdir -p "$APTDIR/sources.list.d" "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial"
# Collect "URI SUITE [SIGNED-BY]" for every deb entry whose suite is
# $S, $S-updates or $S-security (S=bookworm on Debian 12), from both formats.
S=${SUITE:-$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")}
S=${S:-bookworm}
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
} | awk -v s="$S" '$2==s || $2==s"-updates" || $2==s"-security"' \
  | sort -u >"$APTDIR/entries"

if ! grep -q " $S " "$APTDIR/entries" && ! grep -q " $S\$" "$APTDIR/entries"; then
    echo "musl-deps: no 'deb ... $S' entry found in the system's apt sources" >&2
    false
fi
# A suite missing from the system list is derived from the $S mirror
# ($S-updates on the same URI, $S-security on URI-security, Debian's layout).
main_uri=$(awk -v s="$S" '$2==s {print $1; exit}' "$APTDIR/entries")
main_sig=$(awk -v s="$S" '$2==s {print $3; exit}' "$APTDIR/entries")
grep -q " $S-updates" "$APTDIR/entries" ||
    echo "$main_uri $S-updates $main_sig" >>"$APTDIR/entries"
grep -q " $S-security" "$APTDIR/entries" ||
    echo "${main_uri%/}-security $S-security $main_sig" >>"$APTDIR/entries"

while read -r uri suite sig; do
    if [ -n "$sig" ]; then
        echo "deb-src [signed-by=$sig] $uri $suite main"
    else
        echo "deb-src $uri $suite main"
    fi
done <"$APTDIR/entries" >"$APTDIR/sources.list.d/$S-src.list"
say "deb-src list: $(awk '{printf "%s %s; ", $(NF-2), $(NF-1)}' "$APTDIR/sources.list.d/$S-src.list")"

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

# ---------------------------------------------------------- cross: musl for ARCH
if [ -n "$CROSS" ]; then
    STEP="musl for $DEB_ARCH (apt-get download)"
    say "musl, musl-dev, linux-libc-dev for $DEB_ARCH (apt-get download, private lists)"
    while read -r uri suite sig; do
        if [ -n "$sig" ]; then
            echo "deb [arch=$DEB_ARCH signed-by=$sig] $uri $suite main"
        else
            echo "deb [arch=$DEB_ARCH] $uri $suite main"
        fi
    done <"$APTDIR/entries" >"$APTDIR/sources.list.d/$S-$DEB_ARCH.list"
    XOPTS=("${APTOPTS[@]}" -o "APT::Architecture=$DEB_ARCH" -o "APT::Architectures::=$DEB_ARCH"
           -o Dir::State::status=/dev/null)
    run apt-update-$DEB_ARCH "$SRC" apt-get -q "${XOPTS[@]}" update
    rm -rf "$SRC/debs-$DEB_ARCH" "$OUT/sysroot"
    mkdir -p "$SRC/debs-$DEB_ARCH" "$OUT/sysroot" "$OUT/bin"
    run apt-download-$DEB_ARCH "$SRC/debs-$DEB_ARCH" apt-get -q "${XOPTS[@]}" download \
        "musl:$DEB_ARCH" "musl-dev:$DEB_ARCH" "linux-libc-dev:$DEB_ARCH"
    for deb in "$SRC/debs-$DEB_ARCH"/*.deb; do
        dpkg-deb -x "$deb" "$OUT/sysroot"
    done
    say "sysroot: $(cd "$SRC/debs-$DEB_ARCH" && echo *.deb)"
    # Debian's musl-gcc: the cross gcc with a specs file naming musl's crt,
    # libc.a and headers; here they live under the sysroot.
    MLIB=/usr/lib/$ARCH-linux-musl
    MINC=/usr/include/$ARCH-linux-musl
    sed -e "s|$MLIB|$OUT/sysroot$MLIB|g" -e "s|$MINC|$OUT/sysroot$MINC|g" \
        "$OUT/sysroot$MLIB/musl-gcc.specs" >"$OUT/musl-gcc.specs"
    printf '#!/bin/sh\nexec %s-gcc "$@" -specs "%s"\n' "$CROSS" "$OUT/musl-gcc.specs" >"$OUT/bin/musl-gcc"
    chmod +x "$OUT/bin/musl-gcc"
    MUSL_CC=$OUT/bin/musl-gcc
    STEP="kernel header links ($DEB_ARCH)"
    kernel_header_links "$OUT/sysroot" "$CROSS"
fi

# No build folder in the objects (reproducible builds from any folder).
KCFLAGS="-Os -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables -fno-unwind-tables -ffile-prefix-map=$SRC=. -I$KINC"
# aarch64: the tiny code model (one ADR instead of ADRP+ADD per address) is
# enough for a binary under 1 MiB and keeps it under 200 kB.
[ "$ARCH" != aarch64 ] || KCFLAGS="$KCFLAGS -mcmodel=tiny"

# ---------------------------------------------------------- libseccomp
STEP="libseccomp configure"
say "building libseccomp"
SECCOMP_HOST=()
[ -z "$CROSS" ] || SECCOMP_HOST=(--host="$CROSS" AR="$CROSS-ar" RANLIB="$CROSS-ranlib")
run seccomp-configure "$SECCOMP_DIR" ./configure CC="$MUSL_CC" "${SECCOMP_HOST[@]}" \
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
    CC="$MUSL_CC" BUILD_CC=gcc AR="${CROSS:+$CROSS-}ar" RANLIB="${CROSS:+$CROSS-}ranlib" \
    SHARED=no USE_GPERF=no GOLANG=no PAM_CAP=no \
    COPTS="$KCFLAGS" CFLAGS="$KCFLAGS" BUILD_COPTS=-O2
STEP="libcap install"
cp "$LIBCAP_DIR/libcap/libcap.a" "$OUT/lib/libcap.a"
cp "$LIBCAP_DIR/libcap/include/sys/capability.h" "$OUT/include/sys/capability.h"
sed -n 's/^VERSION=//p; s/^MINOR=//p' "$LIBCAP_DIR/Make.Rules" | paste -sd. >"$OUT/libcap.version"
say "libcap $(cat "$OUT/libcap.version")"

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
"$MUSL_CC" -Os -ffunction-sections -fdata-sections -I"$OUT/include" -I"$KINC" \
    "${LDFLAGS_STATIC[@]}" -o "$T/t" "$T/t.c" "$OUT/lib/libcap.a" "$OUT/lib/libseccomp.a" >>"$LOG" 2>&1
"$MUSL_CC" -Os "${LDFLAGS_STATIC[@]}" -o "$T/empty" "$T/empty.c" >>"$LOG" 2>&1
RUN_T=()
[ -z "$CROSS" ] || RUN_T=("qemu-$ARCH-static")
if [ -z "$CROSS" ] || command -v "qemu-$ARCH-static" >/dev/null; then
    "${RUN_T[@]}" "$T/t" | tee -a "$LOG" | sed 's/^/musl-deps: test: /'
else
    say "test program not run: no qemu-$ARCH-static"
fi
file "$T/t" | tee -a "$LOG" | grep -q 'statically linked'
s_t=$(stat -c %s "$T/t")
s_e=$(stat -c %s "$T/empty")
say "stripped static sizes: empty $s_e B, with libcap+libseccomp $s_t B (+$((s_t - s_e)) B)"
LOG=

{ date -u +%Y-%m-%dT%H:%M:%SZ; echo "$STAMP_ID"; } >"$OUT/.stamp"
say "done: -I $OUT/include -I $KINC; $OUT/lib/libcap.a $OUT/lib/libseccomp.a"
