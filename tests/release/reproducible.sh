#!/bin/bash
# Reproducible release builds: the source tarball of HEAD (git archive, as
# make dist makes it) built twice, in two different folders at different
# times, with another TZ and umask, each with its own libcap/libseccomp build
# (mk/musl-deps.sh), gives byte-identical binaries for every architecture this
# machine can build; no build folder is named in them; --version names the
# commit (from mk/source-commit, filled in by git archive). Then make dist:
# binaries per architecture, the tarball and SHA256SUMS that verify, the
# binaries identical to the ones built here, each <= 200 kB.
. "$(dirname "$0")/../lib.sh"

MAX_BYTES=200000
ARCHES=$(uname -m)
command -v aarch64-linux-gnu-gcc >/dev/null && [ "$(uname -m)" != aarch64 ] && ARCHES="$ARCHES aarch64"
HEAD12=$(git -C "$REPO" rev-parse --short=12 HEAD 2>/dev/null)

# build_tree DIR ARCH...: unpack HEAD's tarball into DIR and build each ARCH there
build_tree() {
    local dir=$1 a; shift
    mkdir -p "$dir"
    git -C "$REPO" archive --format=tar HEAD | tar -x -C "$dir" || { WHY="git archive into $dir failed"; return 1; }
    for a in "$@"; do
        T_TIMEOUT=600 run make -C "$dir" ARCH="$a" -j2
        want_rc 0 || { WHY="build of $a in $dir: $(tail -n 5 <<<"$OUT$ERR")"; return 1; }
    done
}

bin_of() { if [ "$2" = "$(uname -m)" ]; then echo "$1/build/nestinit"; else echo "$1/build/$2/nestinit"; fi; }

A= B=
test_two_builds_identical() {
    [ -n "$HEAD12" ] || { WHY="not a git checkout: $REPO"; return 1; }
    A=$(newtmp)/first
    B=$(newtmp)/a-longer/second-folder
    build_tree "$A" $ARCHES || return 1
    (umask 077; TZ=Asia/Kolkata build_tree "$B" $ARCHES) || { WHY="second build failed"; return 1; }
    local a ha hb
    for a in $ARCHES; do
        ha=$(sha256sum <"$(bin_of "$A" "$a")" | cut -d' ' -f1)
        hb=$(sha256sum <"$(bin_of "$B" "$a")" | cut -d' ' -f1)
        echo "  $a: $ha / $hb"
        want_eq "sha256 of the two $a builds" "$hb" "$ha" || return 1
    done
}

test_no_paths() {
    [ -n "$A" ] || { WHY="no build (previous test failed)"; return 1; }
    local a f
    for a in $ARCHES; do
        f=$(bin_of "$A" "$a")
        if grep -a -q -e "$A" -e "$TMPD" -e "$REPO" "$f"; then
            WHY="$a binary names a build folder: $(strings "$f" | grep -e "$TMPD" -e "$REPO" | head -n 3)"
            return 1
        fi
    done
}

test_version_commit() {
    [ -n "$A" ] || { WHY="no build (previous test failed)"; return 1; }
    run "$(bin_of "$A" "$(uname -m)")" --version && want_rc 0 || return 1
    want_match "--version" "$OUT" "^commit: $HEAD12\$" || return 1
    want_match "--version" "$OUT" "^arch: $(uname -m)\$" || return 1
    want_match "--version" "$OUT" '^libcap: 2\.[0-9]+$' || return 1
    want_match "--version" "$OUT" '^libseccomp: 2\.[0-9]+\.[0-9]+$'
}

test_dist() {
    [ -n "$A" ] || { WHY="no build (previous test failed)"; return 1; }
    local d a v; d=$(newtmp)/dist
    v=$(sed -n 's/^#define NESTINIT_VERSION "\(.*\)"/\1/p' "$REPO/init/version.h")
    T_TIMEOUT=600 run make --no-print-directory -C "$REPO" dist DIST="$d" DIST_ARCHES="$ARCHES"
    want_rc 0 || { WHY="make dist: $(tail -n 5 <<<"$OUT$ERR")"; return 1; }
    [ -f "$d/nestinit-$v.tar.gz" ] && [ -f "$d/SHA256SUMS" ] ||
        { WHY="make dist wrote: $(ls "$d")"; return 1; }
    (cd "$d" && sha256sum -c --quiet SHA256SUMS) >/dev/null 2>&1 ||
        { WHY="SHA256SUMS does not verify"; return 1; }
    want_eq "SHA256SUMS lines" "$(wc -l <"$d/SHA256SUMS")" "$(($(wc -w <<<"$ARCHES") + 1))" || return 1
    for a in $ARCHES; do
        cmp -s "$d/nestinit-$v-$a" "$(bin_of "$A" "$a")" ||
            { WHY="dist's nestinit-$v-$a differs from the tarball build"; return 1; }
        local size; size=$(stat -c %s "$d/nestinit-$v-$a")
        echo "  nestinit-$v-$a: $size bytes"
        [ "$size" -le "$MAX_BYTES" ] || { WHY="nestinit-$v-$a is $size bytes (> $MAX_BYTES)"; return 1; }
    done
    # the tarball is itself reproducible: git archive of the same commit
    cmp -s "$d/nestinit-$v.tar.gz" <(git -C "$REPO" archive --format=tar.gz --prefix="nestinit-$v/" HEAD) ||
        { WHY="source tarball differs from git archive of HEAD"; return 1; }
}

command -v git >/dev/null || { skip reproducible "git not installed"; exit 0; }
echo "architectures: $ARCHES"
t reproducible_two_folders_identical_sha256 test_two_builds_identical
t reproducible_no_build_paths_in_binary test_no_paths
t version_names_commit_arch_libs test_version_commit
t dist_binaries_tarball_sha256sums test_dist
