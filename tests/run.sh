#!/bin/bash
# Suite runner: unit test binaries in build/tests/, then the behaviour folders
# on this machine (BEHAVIOURS below), tests/engines/*.sh (real Docker and
# Podman), a short libFuzzer round over build/fuzz/* (mk/fuzz.sh, the loop
# `make fuzz` runs too) and tests/release/*.sh. Streams their output, counts
# their PASS/FAIL/SKIP lines and ends with exactly one line
# "N passed, N failed, N skipped" (people and tests/release/fresh-machine.sh
# read it). Exit status: non-zero when anything failed; it is the judge.
#
# Report format: the same results also go to a TAP file (TAP version 13,
# build/test-results.tap: "ok N - name", "not ok N - name # FAIL: why",
# "ok N - name # SKIP why", plan "1..N" last), the standard format CI tools
# read; when prove(1) (Debian: perl) is installed it reads the file back and
# prints its summary before the count line; a verdict of prove's that differs
# from the counts is one more FAIL (a bug of this runner).
#
# Environment: NESTINIT (binary, default build/nestinit), BUILD (the Makefile's
# build folder, default build), TAP_FILE (default BUILD/test-results.tap),
# CI=true (skips count as failures), SCRIPT_TIMEOUT (seconds per script,
# default 120), FUZZ_SECONDS (per fuzzer, default 10).

set -u
TESTS_DIR=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$TESTS_DIR/.." && pwd)
BUILD_DIR=${BUILD:-build}
case $BUILD_DIR in /*) ;; *) BUILD_DIR=$REPO/$BUILD_DIR ;; esac
export NESTINIT=${NESTINIT:-$BUILD_DIR/nestinit}
SCRIPT_TIMEOUT=${SCRIPT_TIMEOUT:-120}
TAP_FILE=${TAP_FILE:-$BUILD_DIR/test-results.tap}

npass=0 nfail=0 nskip=0 ntap=0
RCFILE=$(mktemp /tmp/nestinit-run.XXXXXX)
TAP_BODY=$(mktemp /tmp/nestinit-tap.XXXXXX)
trap 'rm -f "$RCFILE" "$TAP_BODY"' EXIT

# tap_line ok|not-ok|skip TEXT: one TAP test line. TEXT is "name" or
# "name: why"; a '#' in it is escaped and a failure's reason follows
# "# FAIL:", so the only directive a reader sees is the SKIP we write.
tap_line() {
    local text=${2//#/\\#} name why
    name=${text%%: *} why=${text#*: }
    [ "$name" = "$text" ] && why=""
    ntap=$((ntap + 1))
    case $1 in
        ok) echo "ok $ntap - $text" ;;
        not-ok) echo "not ok $ntap - $name # FAIL: ${why:-failed}" ;;
        skip) echo "ok $ntap - $name # SKIP ${why:-skipped}" ;;
    esac >>"$TAP_BODY"
}

count_line() {
    case $1 in
        "PASS "*) npass=$((npass + 1)); tap_line ok "${1#PASS }" ;;
        "FAIL "*) nfail=$((nfail + 1)); tap_line not-ok "${1#FAIL }" ;;
        "SKIP "*)
            if [ "${CI:-}" = true ]; then
                nfail=$((nfail + 1)); tap_line not-ok "${1#SKIP }: skipped under CI=true"
            else
                nskip=$((nskip + 1)); tap_line skip "${1#SKIP }"
            fi ;;
    esac
}

report() { # own result line, counted like the others
    echo "$1"
    count_line "$1"
}

loud_skip() { # NAME REASON
    if [ "${CI:-}" = true ]; then
        report "FAIL $1: skipped under CI=true: $2"
    else
        report "SKIP $1: $2"
    fi
    echo "#### SKIPPED: $1: $2" >&2
}

# run_one NAME CMD...: stream output, count lines, judge the exit status
run_one() {
    local name=$1; shift
    local line fails=0 results=0 rc
    echo "=== $name"
    : >"$RCFILE"
    while IFS= read -r line || [ -n "$line" ]; do
        echo "$line"
        case $line in
            "PASS "* | "FAIL "* | "SKIP "*) results=$((results + 1)); count_line "$line" ;;
        esac
        case $line in "FAIL "*) fails=$((fails + 1)) ;; esac
    done < <(cd "$REPO" && timeout -k 5 "$SCRIPT_TIMEOUT" "$@" 2>&1; echo $? >"$RCFILE")
    rc=$(cat "$RCFILE")
    if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
        report "FAIL $name: timed out after ${SCRIPT_TIMEOUT}s (rc $rc)"
    elif [ "$rc" != 0 ] && [ "$fails" = 0 ]; then
        report "FAIL $name: exited with status $rc without a FAIL line"
    elif [ "$results" = 0 ]; then
        report "FAIL $name: reported no results"
    fi
}

if [ "$(id -u)" != 0 ]; then
    echo "########################################################" >&2
    echo "### NOT ROOT: most nestinit tests need root and will SKIP" >&2
    echo "########################################################" >&2
fi

# 1. unit test binaries
if [ -d "$BUILD_DIR/tests" ]; then
    for f in "$BUILD_DIR"/tests/*; do
        [ -f "$f" ] && [ -x "$f" ] || continue
        run_one "unit/$(basename "$f")" "$f"
    done
else
    loud_skip unit_tests "no build/tests directory (run make)"
fi

# 2. one folder per behaviour, run on this machine (the /proc routes in an
# emulated container); README's "Where each behaviour is tested" maps them
BEHAVIOURS="cli exit signals reaping namespaces proc idmaps privileges mounts info faults"
if [ ! -x "$NESTINIT" ]; then
    report "FAIL nestinit_binary: $NESTINIT not found or not executable (run make)"
else
    for f in $(for b in $BEHAVIOURS; do echo "$TESTS_DIR/$b"/*.sh; done); do
        [ -f "$f" ] || continue
        rel=${f#"$TESTS_DIR"/}
        run_one "${rel%.sh}" bash "$f"
    done
fi

# 3. real engines (Docker, Podman rootful and rootless): slower, own timeout
if [ -x "$NESTINIT" ] && [ "${NESTINIT_SKIP_ENGINES:-}" != 1 ]; then
    for f in "$TESTS_DIR"/engines/*.sh; do
        [ -f "$f" ] || continue
        case $f in */lib-*.sh | */build-*.sh) continue ;; esac
        rel=${f#"$TESTS_DIR"/}
        SCRIPT_TIMEOUT=${ENGINE_TIMEOUT:-900} run_one "${rel%.sh}" bash "$f"
    done
elif [ "${NESTINIT_SKIP_ENGINES:-}" = 1 ]; then
    loud_skip engines "NESTINIT_SKIP_ENGINES=1"
fi

# 4. a short fuzzing round over the parsers (mk/fuzz.sh; make fuzz runs longer ones)
fuzzers=()
for f in "$BUILD_DIR"/fuzz/fuzz_*; do [ -f "$f" ] && [ -x "$f" ] && fuzzers+=("$f"); done
if [ ${#fuzzers[@]} -gt 0 ]; then
    s=${FUZZ_SECONDS:-10}
    SCRIPT_TIMEOUT=$((${#fuzzers[@]} * (s + 60))) run_one fuzz bash "$REPO/mk/fuzz.sh" "$s" "${fuzzers[@]}"
fi

# 5. release: make install and the man page, ./make.sh, reproducible builds and
#    make dist, the arm64 binary under qemu (tests/release; builds, so own timeout)
for f in "$TESTS_DIR"/release/*.sh; do
    [ -f "$f" ] || continue
    rel=${f#"$TESTS_DIR"/}
    t=${RELEASE_TIMEOUT:-900}
    case $f in */fresh-machine.sh) t=${FRESH_TIMEOUT:-5000} ;; esac # the whole suite, inside
    SCRIPT_TIMEOUT=$t run_one "${rel%.sh}" bash "$f"
done

# the TAP file, and prove's reading of it (a second opinion on the counts)
write_tap() {
    mkdir -p "$(dirname "$TAP_FILE")" &&
        { echo "TAP version 13"; cat "$TAP_BODY"; echo "1..$ntap"; } >"$TAP_FILE.tmp.$$" &&
        mv -f "$TAP_FILE.tmp.$$" "$TAP_FILE"
}
if ! write_tap; then
    rm -f "$TAP_FILE.tmp.$$"
    report "FAIL tap_file: cannot write $TAP_FILE"
elif command -v prove >/dev/null; then
    echo "=== prove $TAP_FILE"
    prove --exec cat "$TAP_FILE" 2>&1
    prove_rc=$?
    if { [ "$prove_rc" = 0 ] && [ "$nfail" != 0 ]; } || { [ "$prove_rc" != 0 ] && [ "$nfail" = 0 ]; }; then
        report "FAIL tap_file: prove exits $prove_rc on $TAP_FILE but $nfail tests failed"
    fi
else
    echo "=== $TAP_FILE written (prove not installed: apt-get install perl for its summary)"
fi

echo "$npass passed, $nfail failed, $nskip skipped"
[ "$nfail" = 0 ]
