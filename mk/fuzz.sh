#!/bin/bash
# The one fuzz loop: `make fuzz` (60 s each) and tests/run.sh (10 s each) run it.
#   bash mk/fuzz.sh SECONDS FUZZER...      (FUZZER: build/fuzz/fuzz_NAME)
# Each libFuzzer binary runs for SECONDS over tests/fuzz/corpus/NAME and the
# inputs kept beside it (DIR/corpus-NAME, where it adds new ones; the musl
# replays read them too), its log in DIR/NAME.log. One line per fuzzer:
#   PASS fuzz/NAME: N runs, no crash
#   FAIL fuzz/NAME: crash or leak, see the log above (after the log's tail)
# Exit status 1 when any failed; every fuzzer runs.
set -u
[ $# -ge 1 ] || { echo "usage: mk/fuzz.sh SECONDS FUZZER..." >&2; exit 2; }
seconds=$1; shift
REPO=$(cd "$(dirname "$0")/.." && pwd)
failed=0
for f in "$@"; do
    name=${f##*/fuzz_} dir=$(dirname "$f")
    kept=$dir/corpus-$name log=$dir/$name.log
    mkdir -p "$kept" || { echo "FAIL fuzz/$name: cannot create $kept"; failed=1; continue; }
    if "$f" -max_total_time="$seconds" -max_len=4096 -print_final_stats=0 \
        "$kept" "$REPO/tests/fuzz/corpus/$name" >"$log" 2>&1; then
        echo "PASS fuzz/$name: $(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#') runs in ${seconds}s, no crash"
    else
        tail -30 "$log"
        echo "FAIL fuzz/$name: crash or leak, see the log above ($log)"
        failed=1
    fi
done
exit "$failed"
