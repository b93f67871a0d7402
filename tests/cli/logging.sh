#!/bin/bash
# Logs go to stderr only, -v adds lines, -q silences the
# /proc fallback warning (emulated container), NESTINIT_VERBOSE=2,
# NESTINIT_* booleans accept 1/0/true/false/yes/no and reject garbage.
. "$(dirname "$0")/../lib.sh"
require_binary
require_root

EMU=$REPO/mk/docker-like-proc.sh
emu() { run "$EMU" "$@"; }
lines() { printf '%s' "$1" | grep -c .; }

# every stderr line is nestinit's, and nothing of nestinit's is on stdout
want_only_log_lines() {
    local bad
    bad=$(printf '%s\n' "$ERR" | grep -v '^nestinit: ' | grep .)
    [ -z "$bad" ] || { WHY="stderr lines that are not nestinit's: $bad"; return 1; }
}

test_stdout_empty() { # OPTIONS...
    ni "$@" true && want_rc 0 || return 1
    want_eq "stdout of nestinit $* true" "$OUT" "" && want_only_log_lines
}

test_payload_output_only() {
    ni -v -v -v sh -c 'echo out; echo err >&2' && want_rc 0 || return 1
    want_eq "stdout" "$OUT" out || return 1
    want_eq "stderr apart from nestinit's lines" "$(printf '%s\n' "$ERR" | grep -v '^nestinit: ')" err
}

test_default_silent() {
    ni true && want_rc 0 && want_no_stderr
}

test_v_adds_lines() {
    ni true; local n0; n0=$(lines "$ERR")
    ni -v true && want_rc 0 || return 1
    local n1; n1=$(lines "$ERR")
    [ "$n1" -gt "$n0" ] || { WHY="nestinit -v true wrote $n1 stderr lines, nestinit true $n0: -v added nothing"; return 1; }
    want_only_log_lines
}

test_vv_adds_lines() {
    ni -v true; local n1; n1=$(lines "$ERR")
    ni -v -v true && want_rc 0 || return 1
    local n2; n2=$(lines "$ERR")
    [ "$n2" -gt "$n1" ] || { WHY="-v -v wrote $n2 lines, -v $n1: -v -v added nothing (stderr: $ERR)"; return 1; }
    want_only_log_lines
}

# The outer and the inner both log, so lines may come in either order, and
# they name pids: compare them sorted, with numbers masked.
normalized_log() { printf '%s\n' "$1" | sed -E 's/[0-9]+/N/g' | sort; }

test_env_verbose_2() {
    ni -v -v true && want_rc 0 || return 1
    local want
    want=$(normalized_log "$ERR")
    [ -n "$ERR" ] || { WHY="-v -v wrote nothing to compare with"; return 1; }
    run env NESTINIT_VERBOSE=2 "$NESTINIT" true && want_rc 0 || return 1
    want_eq "stderr with NESTINIT_VERBOSE=2 (vs -v -v)" "$(normalized_log "$ERR")" "$want" || return 1
    want_eq "stdout" "$OUT" ""
}

test_env_verbose_0() {
    run env NESTINIT_VERBOSE=0 "$NESTINIT" true && want_rc 0 && want_no_stderr
}

test_env_bad() { # VAR=VALUE
    run env "$1" "$NESTINIT" true && want_rc 125 && want_error || return 1
    want_match "error line names the variable" "$ERR" "${1%%=*}"
}

t cli_log_stdout_empty_v test_stdout_empty -v
t cli_log_stdout_empty_vvv test_stdout_empty -v -v -v
t cli_log_stdout_is_payload_only test_payload_output_only
t cli_log_default_silent test_default_silent
t cli_log_v_adds_lines test_v_adds_lines
t cli_log_vv_adds_lines test_vv_adds_lines
t cli_log_env_verbose_2_like_vv test_env_verbose_2
t cli_log_env_verbose_0_silent test_env_verbose_0
t cli_log_env_verbose_garbage_125 test_env_bad NESTINIT_VERBOSE=loud
t cli_log_env_verbose_too_big_125 test_env_bad NESTINIT_VERBOSE=9

# ---- -q and the /proc fallback warning in the emulated container (no new
# pid namespace, the container's /proc)

WARN_RE='^nestinit: warning: /proc: no new pid namespace, the payload keeps the container.s /proc.*--cap-add SYS_ADMIN'

# emu_ran PREFIX... (env VAR=... or nothing) -- OPTIONS...: nestinit runs
# `echo ran` in the emulated container, exit 0 and that output
emu_ran() {
    local pre=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do pre+=("$1"); shift; done
    [ "${1:-}" = -- ] && shift
    run "${pre[@]}" "$EMU" "$NESTINIT" "$@" sh -c 'echo ran'
    want_rc 0 || return 1
    want_eq "stdout" "$OUT" ran
}

test_emu_warns() { # PREFIX... -- OPTIONS...
    emu_ran "$@" || return 1
    want_match "stderr (the /proc fallback warning)" "$ERR" "$WARN_RE" || return 1
    want_eq "stderr lines" "$(lines "$ERR")" 1
}

test_emu_quiet() { # PREFIX... -- OPTIONS...
    emu_ran "$@" || return 1
    want_no_stderr
}

test_emu_quiet_error_kept() {
    emu "$NESTINIT" -q --proc fresh true && want_rc 125 && want_error
}

if [ ! -x "$EMU" ] || ! command -v unshare >/dev/null || ! command -v setpriv >/dev/null; then
    skip cli_log_emulated_container "mk/docker-like-proc.sh, unshare or setpriv missing"
else
    t cli_log_bind_fallback_warns test_emu_warns env --
    t cli_log_q_silences_bind_warning test_emu_quiet env -- -q
    t cli_log_quiet_long_silences_bind_warning test_emu_quiet env -- --quiet
    t cli_log_q_keeps_errors test_emu_quiet_error_kept
    for v in 1 true yes TRUE; do
        t "cli_log_env_quiet_${v}_silences" test_emu_quiet env NESTINIT_QUIET=$v --
    done
    for v in 0 false no; do
        t "cli_log_env_quiet_${v}_warns" test_emu_warns env NESTINIT_QUIET=$v --
    done
fi

# ---- NESTINIT_* booleans

test_bool_ok() { # VAR VALUE
    run env "$1=$2" "$NESTINIT" sh -c 'exit 0' && want_rc 0 && want_no_stderr
}

for v in 1 0 true false yes no; do
    t "cli_env_bool_kill_group_$v" test_bool_ok NESTINIT_KILL_GROUP "$v"
done
t cli_env_bool_subreaper_yes test_bool_ok NESTINIT_SUBREAPER yes
t cli_env_bool_no_new_privs_true test_bool_ok NESTINIT_NO_NEW_PRIVS true
t cli_env_bool_kill_group_maybe_125 test_env_bad NESTINIT_KILL_GROUP=maybe
t cli_env_bool_kill_group_2_125 test_env_bad NESTINIT_KILL_GROUP=2
t cli_env_bool_subreaper_garbage_125 test_env_bad NESTINIT_SUBREAPER=sure
t cli_env_bool_quiet_garbage_125 test_env_bad NESTINIT_QUIET=maybe
t cli_env_bool_no_new_privs_garbage_125 test_env_bad NESTINIT_NO_NEW_PRIVS=yess
# ---- stderr whose reader is gone
# nestinit's own log line then raises SIGPIPE in nestinit (its signals are
# blocked): that signal is its own and must never reach the payload, and
# logging stops instead of failing anything. The payload traps TERM (the
# control the test sends once it is ready) and exits 7; SIGPIPE would kill it
# (141). At -vv each "forwarded" line used to raise the next SIGPIPE: the outer
# spun and never reaped, so the run is bounded and its CPU time measured.
BROKEN_STDERR_PY='
import os, signal, sys, time
d, command = sys.argv[1], sys.argv[2:]
payload = "trap \"exit 7\" TERM; touch \"$1/ready\"; i=0; while [ $i -lt 1000 ]; do sleep 0.01; i=$((i+1)); done; exit 99"
r, w = os.pipe()
os.close(r)
pid = os.fork()
if pid == 0:
    os.dup2(w, 2)
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    os.execvp(command[0], command + ["sh", "-c", payload, "x", d])
os.close(w)
def reap(deadline):
    while time.time() < deadline:
        p, status, ru = os.wait4(pid, os.WNOHANG)
        if p == pid:
            return status, ru
        time.sleep(0.01)
    return None, None
status = ru = None
deadline = time.time() + 5
while time.time() < deadline and not os.path.exists(d + "/ready"):
    status, ru = reap(time.time() + 0.01)
    if status is not None:
        break
if status is None:
    if os.path.exists(d + "/ready"):
        os.kill(pid, signal.SIGTERM)
    status, ru = reap(time.time() + 3)
if status is None:
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    print("rc=hang")
    sys.exit(0)
rc = os.waitstatus_to_exitcode(status)
print("rc=%d cpu_ms=%d" % (rc if rc >= 0 else 128 - rc, (ru.ru_utime + ru.ru_stime) * 1000))
'

test_stderr_reader_gone() { # COMMAND... (nestinit and its options, maybe behind a wrapper)
    local d; d=$(newtmp)
    run "$PY" -c "$BROKEN_STDERR_PY" "$d" "$@"
    want_rc 0 || return 1
    local rc cpu
    rc=$(printf '%s' "$OUT" | sed -n 's/^rc=\([^ ]*\).*/\1/p')
    cpu=$(printf '%s' "$OUT" | sed -n 's/.*cpu_ms=\([0-9]*\).*/\1/p')
    want_eq "payload's exit (7 = it got the TERM control, 141 = a SIGPIPE reached it)" "$rc" 7 || return 1
    [ "$cpu" -lt 1500 ] || { WHY="nestinit used ${cpu} ms of CPU for a sub-second run (spinning on SIGPIPE?)"; return 1; }
}

# a warning: user namespaces are off, --fallback plain warns and runs the payload
t cli_log_stderr_gone_nouserns_control test_nouserns_control
t cli_log_stderr_gone_warning test_stderr_reader_gone unshare -Ur sh -c "$NOUSERNS" x "$NESTINIT" --fallback plain
t cli_log_stderr_gone_v test_stderr_reader_gone "$NESTINIT" -v
t cli_log_stderr_gone_vv_bounded test_stderr_reader_gone "$NESTINIT" -v -v
t cli_log_stderr_gone_plain_vv_bounded test_stderr_reader_gone "$NESTINIT" --unshare none -v -v

kill_tracked
