#!/bin/bash
# Signal forwarding (outer -> inner -> payload), --rewrite, --kill-group,
# --grace, --pdeathsig, and the outer's death taking everything with it.
. "$(dirname "$0")/../lib.sh"
require_binary
require_root

# the contract's list, then other catchable signals ("every catchable signal")
SIGS="TERM INT HUP USR1 USR2 QUIT ALRM WINCH PIPE CONT URG PWR"

# payload: trap each signal in $SIGS to append its name to $1/log; ready file;
# exits 0 when $1/stop appears (bounded).
write_trapper() { # DIR
    cat >"$1/trapper.sh" <<'EOF'
for s in TERM INT HUP USR1 USR2 QUIT ALRM WINCH PIPE CONT URG PWR; do
    trap "echo $s >>\"$1/log\"" "$s"
done
echo $$ >"$1/pid"
touch "$1/ready"
i=0
while [ ! -e "$1/stop" ] && [ $i -lt 1000 ]; do sleep 0.01; i=$((i+1)); done
[ -e "$1/stop" ] && exit 0
exit 99
EOF
}

test_forward_all() {
    local d s missing=""
    d=$(newtmp)
    write_trapper "$d"
    bg_ni -- sh "$d/trapper.sh" "$d" || { WHY="outer pid not found"; return 1; }
    wait_file "$d/ready" 10 || { WHY="payload never ready"; touch "$d/stop"; bg_wait; return 1; }
    for s in $SIGS; do
        kill -"$s" "$OUTER" 2>/dev/null || { missing="$missing $s(outer gone)"; break; }
        wait_grep "$d/log" "^$s\$" 3 || missing="$missing $s"
    done
    touch "$d/stop"
    bg_wait
    SIG_LOG=$(cat "$d/log" 2>/dev/null)
    SIG_MISSING=$missing
    SIG_RC=$RC SIG_TIMED_OUT=$TIMED_OUT SIG_ERR=$ERR
    want_pid2 "$d" || SIG_GENERAL=$WHY
    return 0
}

# one run for all signals; one result line per signal
SIG_LOG="" SIG_MISSING="" SIG_GENERAL="" SIG_RC=none SIG_TIMED_OUT=0 SIG_ERR="" WHY=""
test_forward_all || SIG_GENERAL="$WHY"
for s in $SIGS; do
    if [ -n "$SIG_GENERAL" ]; then
        fail "sig_forward_$s" "$SIG_GENERAL"
    elif [ "${SIG_MISSING/ $s/}" = "$SIG_MISSING" ] && printf '%s\n' "$SIG_LOG" | grep -qx "$s"; then
        pass "sig_forward_$s"
    else
        fail "sig_forward_$s" "payload did not record SIG$s sent to the outer (log: $SIG_LOG; stderr: $SIG_ERR)"
    fi
done
if [ "$SIG_TIMED_OUT" = 0 ] && [ "$SIG_RC" = 0 ] && [ -z "$SIG_GENERAL" ]; then
    pass sig_forward_survivable_exit_0
else
    fail sig_forward_survivable_exit_0 "after trapped signals the run ended with $SIG_RC (timed out: $SIG_TIMED_OUT), want 0; $SIG_GENERAL; stderr: $SIG_ERR"
fi

test_rewrite() { # nestinit options...
    local d; d=$(newtmp)
    write_trapper "$d"
    bg_ni "$@" sh "$d/trapper.sh" "$d" || { WHY="outer pid not found"; return 1; }
    wait_file "$d/ready" 10 || { WHY="payload never ready"; touch "$d/stop"; bg_wait; return 1; }
    kill -USR1 "$OUTER"
    wait_grep "$d/log" . 3
    # control: WINCH, forwarded as it is, after USR1 was handled; a second
    # (wrong) delivery for USR1 would reach the payload before it
    kill -WINCH "$OUTER"
    wait_grep "$d/log" '^WINCH$' 3
    touch "$d/stop"
    bg_wait
    want_rc 0 && want_pid2 "$d" || return 1
    want_eq "signals the payload got for USR1, then the WINCH control" "$(fields "$(cat "$d/log" 2>/dev/null)")" "USR2 WINCH"
}

test_term_kills_payload() {
    local d; d=$(newtmp)
    bg_ni -- sh -c 'echo $$ >"$1/pid"; touch "$1/ready"; i=0; while [ $i -lt 1000 ]; do sleep 0.01; i=$((i+1)); done; exit 99' x "$d" ||
        { WHY="outer pid not found"; return 1; }
    wait_file "$d/ready" 10 || { WHY="payload never ready"; return 1; }
    kill -TERM "$OUTER"
    bg_wait
    want_rc 143 && want_pid2 "$d"
}

# payload sh in the foreground and a background sh child in the same process
# group; both log TERM. The payload keeps running after its trap fires, and
# then sends the child WINCH, a control the child logs: a TERM for the child
# (a group delivery) was sent before it and, lower in number, is trapped first.
write_group() {
    cat >"$1/group.sh" <<'EOF'
sh -c 'trap "echo child >>\"$1/log\"; exit 0" TERM; trap "echo control >>\"$1/log\"" WINCH; touch "$1/child-ready"
       i=0; while [ $i -lt 1000 ]; do sleep 0.01; i=$((i+1)); done' x "$1" &
child=$!
trap 'echo payload >>"$1/log"; kill -WINCH $child 2>/dev/null' TERM
i=0; while [ ! -e "$1/child-ready" ] && [ $i -lt 500 ]; do sleep 0.01; i=$((i+1)); done
echo $$ >"$1/pid"
touch "$1/ready"
i=0; while [ ! -e "$1/stop" ] && [ $i -lt 1000 ]; do sleep 0.01; i=$((i+1)); done
exit 0
EOF
}

test_kill_group() { # yes|no nestinit-options...
    local want=$1 d; shift
    d=$(newtmp)
    write_group "$d"
    bg_ni "$@" sh "$d/group.sh" "$d" || { WHY="outer pid not found"; return 1; }
    wait_file "$d/ready" 10 || { WHY="payload never ready"; touch "$d/stop"; bg_wait; return 1; }
    kill -TERM "$OUTER"
    wait_grep "$d/log" '^payload$' 3
    if [ "$want" = yes ]; then wait_grep "$d/log" '^child$' 3; else wait_grep "$d/log" '^control$' 3; fi
    local log; log=$(grep -v '^control$' "$d/log" 2>/dev/null | sort | tr '\n' ' ')
    local control; control=$(grep -c '^control$' "$d/log" 2>/dev/null)
    touch "$d/stop"
    bg_wait
    want_rc 0 && want_pid2 "$d" || return 1
    if [ "$want" = yes ]; then
        want_eq "TERM received by" "$(fields "$log")" "child payload"
    else
        want_eq "the child's WINCH control (sent after the payload's TERM)" "$control" 1 || return 1
        want_eq "TERM received by" "$(fields "$log")" "payload"
    fi
}

test_grace() {
    # the payload exits at once, leaving a child that needs TERM to finish:
    # with --grace 5 it gets TERM and nestinit returns as soon as it is gone
    local d; d=$(newtmp)
    cat >"$d/child.sh" <<'EOF2'
trap 'echo graced >>"$1/log"; exit 0' TERM
touch "$1/child-ready"
i=0; while [ $i -lt 2000 ]; do sleep 0.01; i=$((i+1)); done
EOF2
    cat >"$d/grace.sh" <<'EOF2'
sh "$1/child.sh" "$1" &
i=0; while [ ! -e "$1/child-ready" ] && [ $i -lt 500 ]; do sleep 0.01; i=$((i+1)); done
exit 4
EOF2
    ni --grace 5 sh "$d/grace.sh" "$d"
    want_rc 4 || return 1
    want_eq "leftover child log" "$(cat "$d/log" 2>/dev/null)" graced || return 1
    [ "$ELAPSED_MS" -lt 4000 ] || { WHY="took ${ELAPSED_MS}ms: waited for the whole grace period instead of the child"; return 1; }
}

# SIGKILL of the outer: the payload never outlives it.
# The payload starts a grandchild (sleep TOKEN1), then execs sleep TOKEN2;
# both are found from here by their command lines. GC says what happens to
# the grandchild: "dies" where a pid namespace ends with its pid 1 (nestinit's
# inner, or nestinit itself as pid 1), "lives" where there is none: it is
# reparented and keeps running (README, "As a pid 1").
test_outer_killed() { # GC [PREFIX... --] NESTINIT-OPTIONS...
    local gc_want=$1 d token payload gc killed end; shift
    d=$(newtmp)
    token=$((RANDOM % 9000 + 1000)).$$
    case " $* " in *" -- "*) ;; *) set -- -- "$@" ;; esac
    bg_ni "$@" sh -c 'sleep "${2}1" & touch "$1/ready"; exec sleep "${2}2"' x "$d" "$token" ||
        { WHY="outer pid not found"; return 1; }
    wait_file "$d/ready" 10 || { WHY="payload never ready; $(cat "$BG_ERR")"; return 1; }
    end=$(($(now_ms) + 3000))
    while [ -z "${payload:-}" ] || [ -z "${gc:-}" ]; do
        payload=$(pgrep -f -x "sleep ${token}2") gc=$(pgrep -f -x "sleep ${token}1")
        [ "$(now_ms)" -ge "$end" ] && break
        sleep 0.01
    done
    track "$payload" "$gc"
    [ -n "$payload" ] && [ -n "$gc" ] || { WHY="payload ($payload) or grandchild ($gc) not found"; return 1; }
    # the process to kill: the outer; under `unshare -pf` its child, pid 1 there
    killed=$OUTER
    [ "$(cat "/proc/$OUTER/comm")" = unshare ] && killed=$(first_child "$OUTER" 2)
    want_eq "the process to kill" "$(cat "/proc/$killed/comm")" nestinit || return 1
    kill -KILL "$killed"
    wait_gone "$killed" 2 || { WHY="nestinit still alive after SIGKILL"; return 1; }
    wait_gone "$payload" 2 || { WHY="payload $payload still alive 2s after nestinit was SIGKILLed ($*)"; return 1; }
    if [ "$gc_want" = dies ]; then
        wait_gone "$gc" 2 || { WHY="grandchild $gc still alive 2s after nestinit was SIGKILLed ($*)"; return 1; }
    else
        alive "$gc" || { WHY="grandchild $gc died with nestinit ($*); README says it lives on here"; return 1; }
        kill -KILL "$gc"
    fi
    bg_wait
}

test_pdeathsig() { # option|env: the parent (sh) of `nestinit -p KILL` (or with
    # NESTINIT_PDEATHSIG=KILL) gets SIGKILL: the outer must die with it
    local d parent outer env="" opt="-p KILL"
    [ "$1" = env ] && env="NESTINIT_PDEATHSIG=KILL " opt=""
    d=$(newtmp)
    spawn "$d/out" "$d/err" sh -c "$env"'"$1" '"$opt"' sh -c "touch \"$2/ready\"; exec sleep 1000" & echo $! >"$2/outer"; wait' \
        x "$NESTINIT" "$d" || { WHY="could not start"; return 1; }
    wait_file "$d/ready" 10 || { WHY="payload never ready"; return 1; }
    outer=$(cat "$d/outer"); parent=$(pgrep -o -P "$BG_TPID")
    track "$outer"
    want_eq "outer's parent" "$(awk '/^PPid:/ { print $2 }' /proc/"$outer"/status)" "$parent" || return 1
    kill -KILL "$parent"
    wait_gone "$outer" 2 || { WHY="outer $outer still alive 2s after its parent died (${env}${opt})"; return 1; }
    wait "$BG_WPID"
    return 0
}

t sig_rewrite_usr1_to_usr2 test_rewrite -- -r USR1:USR2
t sig_rewrite_long_numbers test_rewrite -- --rewrite 10:12
t sig_rewrite_env test_rewrite env NESTINIT_REWRITE=USR1:USR2 --
t sig_term_uncaught_exit_143 test_term_kills_payload
t sig_kill_group test_kill_group yes -- -g
t sig_kill_group_env test_kill_group yes env NESTINIT_KILL_GROUP=1 --
t sig_no_kill_group_payload_only test_kill_group no --
t sig_grace_terms_leftovers test_grace
t sig_outer_sigkill_kills_all test_outer_killed dies
t sig_outer_sigkill_kills_all_proc_bind test_outer_killed dies -- --proc bind
t sig_outer_sigkill_no_pid_namespace_payload_dies test_outer_killed lives -- --unshare user,mount
t sig_outer_sigkill_no_user_namespace_kills_all test_outer_killed dies -- --unshare pid,mount
t sig_outer_sigkill_plain_init_payload_dies test_outer_killed lives -- --unshare none
t sig_outer_sigkill_plain_init_pid1_kills_all test_outer_killed dies unshare -pf --mount-proc -- --unshare none
if test_nouserns_control; then
    t sig_outer_sigkill_fallback_plain_payload_dies test_outer_killed lives unshare -Ur sh -c "$NOUSERNS" x -- --fallback plain
else
    fail sig_outer_sigkill_fallback_plain_payload_dies "$WHY"
fi
t sig_pdeathsig test_pdeathsig option
t sig_pdeathsig_env test_pdeathsig env
kill_tracked
