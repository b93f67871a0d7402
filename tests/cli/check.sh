#!/bin/bash
# --check drives the run's own setup (plan, namespaces, maps, /proc, the
# payload's mounts and user) and stops before the payload: its verdict is the
# run's, its steps come in the documented order, and it leaves nothing behind
# (no mount in the caller's namespace, no process).
. "$(dirname "$0")/../lib.sh"
require_binary
require_root

STEPS="seccomp capabilities sysctls apparmor userns maps pidns mountns proc-fresh proc-bind locked-flags payload proc-auto"

# the JSON step names of $OUT, space-separated
json_steps() { printf '%s' "$OUT" | "$PY" -c 'import json,sys; print(" ".join(s["name"] for s in json.load(sys.stdin)["steps"]))'; }

test_steps_in_order() {
    ni --check --json && want_rc 0 || return 1
    want_eq "--check --json steps on the host" "$(json_steps)" "$STEPS" || return 1
    ni --check && want_rc 0 || return 1
    want_match "--check payload step" "$OUT" '^ok payload: .*stopped before the payload' || return 1
    want_match "--check pidns step" "$OUT" '^ok pidns: the inner init is pid 1 of the new pid namespace'
}

# the same option fails the run with 125 and --check at the same step with 1
test_same_verdict() { # STEP ERROR-ERE OPTIONS...
    local step=$1 re=$2; shift 2
    ni "$@" true && want_rc 125 || return 1
    want_match "the run's error" "$ERR" "$re" || return 1
    ni --check "$@" && want_rc 1 || return 1
    want_match "--check $step" "$OUT" "^FAIL $step: .*$re" || return 1
    want_match "--check result" "$OUT" "^result: the defaults would fail at step $step\$"
}

test_mounts_in_order() {
    # the run's mounts happen in --check too: a tmpfs then a read-only bind of it
    local d; d=$(newtmp)
    ni --check --tmpfs "$d" --ro "$d" && want_rc 0 || return 1
    want_match "--check payload" "$OUT" '^ok payload: its mounts \(2 --ro/--tmpfs in the order given\)'
}

test_leaves_no_mount() { # OPTIONS...: nothing --check mounts reaches the caller's namespace
    # the caller is a mount namespace of the test's own, so a leak stays there
    local d; d=$(newtmp)
    run unshare --mount sh -c 'd=$1; shift
        m() { awk "{ print \$5, \$6, \$9 }" /proc/self/mountinfo | sort; }
        m >"$d/before"; "$@" >"$d/out"; echo "rc $?"; m >"$d/after" 2>&1' x "$d" "$NESTINIT" --check "$@"
    want_rc 0 || return 1
    want_eq "--check $* in the caller's namespace" "$OUT" "rc 0" || return 1
    want_eq "mounts after --check $*" "$(cat "$d/after")" "$(cat "$d/before")"
}

test_one_line_per_step() {
    # an option value with a newline cannot forge a step line
    ni --check --ro $'/nonexistent\nok forged: x' && want_rc 1 || return 1
    want_no_match "--check output" "$OUT" '^ok forged' || return 1
    want_match "--check payload" "$OUT" '^FAIL payload: --ro: bind /nonexistent\\x0aok forged: x onto itself'
}

test_leaves_no_process() {
    # as a subreaper, any process --check leaves behind becomes our child
    run "$PY" -c '
import ctypes, os, subprocess, sys
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)
try:
    pid, _ = os.waitpid(-1, os.WNOHANG)
    print("left running" if pid == 0 else "left a zombie %d" % pid)
except ChildProcessError:
    print("none left, rc %d" % r.returncode)
' "$NESTINIT" --check
    want_rc 0 || return 1
    want_eq "processes left by --check" "$OUT" "none left, rc 0"
}

t check_steps_in_order test_steps_in_order
t check_ro_missing_same_verdict_as_run test_same_verdict payload '--ro: bind /nonexistent/check onto itself.*ENOENT' --ro /nonexistent/check
t check_user_unknown_same_verdict_as_run test_same_verdict payload "no user 'nosuchuser-check'" --user nosuchuser-check
t check_runs_mounts_in_order test_mounts_in_order
t check_leaves_no_mount test_leaves_no_mount
t check_leaves_no_mount_without_mountns test_leaves_no_mount --unshare user,pid
t check_leaves_no_mount_pidns_only test_leaves_no_mount --unshare pid
t check_leaves_no_process test_leaves_no_process
t check_option_text_cannot_forge_a_step test_one_line_per_step
