#!/bin/bash
# Signal forwarding (outer -> inner -> payload): every signal sent to the outer
# reaches the payload, one at a time and in order (1-64 but KILL, STOP, CHLD);
# kill -TERM 1 from inside; -r/--rewrite (and its bad values); -g/--kill-group,
# also for a signal that arrives during setup; a storm of 5000 signals.
. "$(dirname "$0")/../lib.sh"
require_binary
require_root

SIGREC=$HELPERS/sigrecord
build_helper sigrecord || SIGREC=""
STORM=""
if build_helper h_storm; then STORM=$HELPERS/h_storm; else STORM_WHY=$WHY; fi

children() { local c; c=$(cat "/proc/$1/task/$1/children" 2>/dev/null); echo $c; }

# ---------------------------------------------------------------- sigrecord runs
# rec_start DIR [PREFIX... --] NESTINIT-OPTIONS... : start nestinit with the
# sigrecord payload (log DIR/log, ready DIR/ready, stop DIR/stop); wait until ready.
rec_start() {
    local d=$1; shift
    REC_D=$d
    [ -n "$SIGREC" ] || { WHY="cannot build tests/helpers/sigrecord.c: $HELPER_ERR"; return 1; }
    case " $* " in *" -- "*) ;; *) set -- -- "$@" ;; esac
    bg_ni "$@" "$SIGREC" "$d/log" "$d/ready" "$d/stop" || { WHY="outer pid not found"; return 1; }
    if ! wait_file "$d/ready" 10; then
        touch "$d/stop"; bg_wait
        WHY="payload never ready (rc $RC); stderr: $ERR"
        return 1
    fi
    : >>"$d/log"
}

# rec_send SIG WANT: send SIG to the outer, wait until WANT (a number, or "-"
# for nothing) is the last line of the log; adds to REC_MISSING on failure
rec_send() {
    local sig=$1 want=$2
    if ! alive "$OUTER"; then REC_MISSING="$REC_MISSING $sig(outer gone)"; return 1; fi
    kill -"$sig" "$OUTER" 2>/dev/null || { REC_MISSING="$REC_MISSING $sig(kill failed)"; return 1; }
    [ "$want" = - ] && return 0
    rec_wait "$want" 3 || { REC_MISSING="$REC_MISSING $sig"; return 1; }
}

# rec_finish: stop the payload and collect; RC must be 0 and the payload pid 2
rec_finish() {
    touch "$REC_D/stop"
    bg_wait
}

want_rec_pid2() {
    local p; p=$(sed -n 's/^pid=//p' "$REC_D/ready" 2>/dev/null)
    want_eq "payload pid" "$p" 2
}


# ---------------------------------------------------------------- every signal

# sends every signal in LIST, one at a time, each waited for; the log must be
# exactly LIST, in order, the run end with 0 and the payload be pid 2
test_forward_list() { # LIST (numbers)
    local list=$1 s d
    d=$(newtmp)
    rec_start "$d" || return 1
    REC_MISSING=""
    for s in $list; do
        rec_send "$s" "$s" || { case $REC_MISSING in *gone*) break ;; esac; }
        [ "$(echo "$REC_MISSING" | wc -w)" -ge 4 ] && break
    done
    local log; log=$(rec_log)
    local alive_after=yes; alive "$OUTER" || alive_after=no
    rec_finish
    [ -z "$REC_MISSING" ] || { WHY="signals not recorded by the payload:$REC_MISSING (outer alive after: $alive_after; rc $RC; log: $log; stderr: $ERR)"; return 1; }
    want_eq "signals recorded, in order" "$log" "$(fields "$list")" || return 1
    want_rc 0 && want_rec_pid2
}

STD_SIGS=""
for s in $(seq 1 31); do
    case $s in 9 | 17 | 19) ;; *) STD_SIGS="$STD_SIGS $s" ;; esac
done

t signals_forward_1_to_31 test_forward_list "$STD_SIGS"
t signals_forward_realtime_35_to_64 test_forward_list "$(seq 35 64)"
# 34 is glibc's SIGRTMIN: `kill -s RTMIN`, `docker kill --signal RTMIN`
t signals_forward_34_glibc_rtmin test_forward_list 34
t signals_forward_33 test_forward_list 33
t signals_forward_32 test_forward_list 32

# kill -TERM 1 from inside the namespace reaches the payload
test_kill_1_from_inside() {
    local d; d=$(newtmp)
    [ -n "$SIGREC" ] || { WHY="cannot build sigrecord: $HELPER_ERR"; return 1; }
    bg_ni -- "$SIGREC" "$d/log" "$d/ready" "$d/stop" --kill1 15 || { WHY="outer pid not found"; return 1; }
    REC_D=$d
    wait_file "$d/ready" 10 || { touch "$d/stop"; bg_wait; WHY="payload never ready; stderr: $ERR"; return 1; }
    rec_wait 15 3
    local log; log=$(rec_log)
    rec_finish
    want_rc 0 && want_rec_pid2 || return 1
    want_eq "signals the payload got after kill -TERM 1" "$log" 15
}
t signals_forward_kill_term_1_from_inside test_kill_1_from_inside

# 5000 USR1 as fast as kill(1) can send them, then TERM must still arrive: the
# payload counts USR1, exits 7 on TERM and reports its pid
test_storm() { # COUNT [nestinit options]
    [ -n "$STORM" ] || { WHY="$STORM_WHY"; return 1; }
    local n=$1 d i sent=0; shift
    d=$(newtmp)
    bg_ni -- "$@" "$STORM" count "$d" || { WHY="outer pid not found"; return 1; }
    wait_file "$d/ready" 10 || { WHY="payload never ready; stderr: $(cat "$BG_ERR")"; bg_wait; return 1; }
    local inner payload; inner=$(children "$OUTER"); payload=$(children "$inner")
    for ((i = 0; i < n; i++)); do
        kill -USR1 "$OUTER" 2>/dev/null || break
        sent=$((sent + 1))
    done
    if ! alive "$OUTER"; then bg_wait; WHY="outer died during the storm after $sent USR1 (rc $RC): $ERR"; return 1; fi
    kill -TERM "$OUTER"
    bg_wait
    want_rc 7 || return 1
    want_match "payload report" "$OUT" '^usr1=[0-9]+ pid=2$' || return 1
    local got=${OUT#usr1=}; got=${got%% *}
    [ "$got" -ge 1 ] || { WHY="the payload counted no USR1 of $sent sent"; return 1; }
    local p bad=""
    for p in "$OUTER" $inner $payload; do wait_gone "$p" 3 || bad="$bad $p"; done
    [ -z "$bad" ] || { WHY="still running 3 s after the run ended:$bad"; return 1; }
}
t signals_forward_storm_5000_usr1_then_term test_storm 5000
t signals_forward_storm_5000_usr1_then_term_kill_group test_storm 5000 --kill-group

# ---------------------------------------------------------------- --rewrite

# test_rewrite "SENT:WANT ..." EXPECTED-LOG NESTINIT-ARGS... ; WANT "-" = dropped.
# TERM (15) is sent last as a control: a signal number above the rewritten
# ones, so any stray delivery of an earlier signal (a second, wrong one for a
# rewritten signal) is dequeued (lowest first) before it. The payload is pid 2
# unless there is no pid namespace (--unshare none).
test_rewrite() {
    local pairs=$1 expected=$2 p d pid2=want_rec_pid2; shift 2
    case " $* " in *" none "*) pid2=true ;; esac
    d=$(newtmp)
    rec_start "$d" "$@" || return 1
    REC_MISSING=""
    for p in $pairs 15:15; do
        rec_send "${p%%:*}" "${p#*:}"
    done
    local log; log=$(rec_log)
    rec_finish
    [ -z "$REC_MISSING" ] || { WHY="not recorded:$REC_MISSING (log: $log; stderr: $ERR)"; return 1; }
    want_eq "signals the payload got" "$log" "$expected" || return 1
    want_rc 0 && $pid2
}

t signals_rewrite_usr1_to_usr2 test_rewrite "10:12" "12 15" -r USR1:USR2
t signals_rewrite_10_12_numbers test_rewrite "10:12" "12 15" -r 10:12
t signals_rewrite_long_numbers test_rewrite "10:12" "12 15" --rewrite 10:12
t signals_rewrite_long_sig_prefix test_rewrite "10:12" "12 15" --rewrite SIGUSR1:SIGUSR2
t signals_rewrite_to_0_drops test_rewrite "10:-" "15" -r USR1:0
t signals_rewrite_swap_is_not_chained test_rewrite "10:12 12:10" "12 10 15" -r USR1:USR2 -r USR2:USR1
t signals_rewrite_others_untouched test_rewrite "1:1 12:12" "1 12 15" -r USR1:0
t signals_rewrite_env test_rewrite "10:12" "12 15" env NESTINIT_REWRITE=USR1:USR2 --
t signals_rewrite_env_list test_rewrite "10:- 1:12" "12 15" env NESTINIT_REWRITE=USR1:0,HUP:USR2 --
t signals_rewrite_plain_init test_rewrite "10:12" "12 15" --unshare none -r USR1:USR2
t signals_rewrite_plain_init_drop test_rewrite "10:- 1:1" "1 15" --unshare none -r 10:0

test_rewrite_bad() { # OPTIONS...
    ni "$@" true && want_rc 125 && want_error
}
test_rewrite_bad_env() { # VALUE
    run env NESTINIT_REWRITE="$1" "$NESTINIT" true && want_rc 125 && want_error || return 1
    want_match "error line" "$ERR" NESTINIT_REWRITE
}
t signals_rewrite_bad_no_colon test_rewrite_bad -r USR1
t signals_rewrite_bad_names test_rewrite_bad -r FOO:BAR
t signals_rewrite_bad_number_99 test_rewrite_bad -r 99:1
t signals_rewrite_bad_target_99 test_rewrite_bad -r USR1:99
t signals_rewrite_bad_empty_from test_rewrite_bad -r :USR1
t signals_rewrite_bad_empty_to test_rewrite_bad -r USR1:
t signals_rewrite_bad_kill test_rewrite_bad -r KILL:TERM
t signals_rewrite_bad_long test_rewrite_bad --rewrite USR1
t signals_rewrite_bad_long_unknown_target test_rewrite_bad --rewrite USR1:NOTASIG
t signals_rewrite_bad_env test_rewrite_bad_env USR1

# ---------------------------------------------------------------- --kill-group

# payload: a background grandchild (a sh loop, SIG at its default: it dies of
# it) in the payload's process group; the payload traps SIG (writes
# DIR/payload), waits for the grandchild and records its wait status, exits 7.
# The grandchild writes DIR/gc when it ends normally (DIR/stop appeared).
# WINCH, the control a test sends after SIG, makes the payload write
# DIR/control. The payload polls (kill -0) rather than `wait`, which a trap
# would cut short; sh reaps the grandchild meanwhile and keeps its status.
write_group_payload() { # DIR (the script takes DIR SIG)
    cat >"$1/g.sh" <<'EOS'
d=$1 sig=$2
sh -c 'i=0; while [ ! -e "$1/stop" ] && [ $i -lt 1000 ]; do sleep 0.02; i=$((i+1)); done; echo finished >"$1/gc"' x "$d" &
gc=$!
trap 'echo payload >>"$d/payload"' "$sig"
trap 'echo control >"$d/control"' WINCH
echo $$ >"$d/pid"
touch "$d/ready"
while kill -0 $gc 2>/dev/null; do sleep 0.02; done
wait $gc
echo "gcstatus=$?" >"$d/status"
exit 7
EOS
}

# SIG to the outer: with --kill-group the payload (its trap) and the
# grandchild (killed: wait status 128+N) both get it; without, the payload
# alone, and the grandchild ends normally once DIR/stop appears.
test_kill_group() { # yes|no SIG NESTINIT-ARGS-BEFORE-DASHDASH...
    local want=$1 sig=$2 d pid2=want_pid2 num; shift 2
    num=$(kill -l "$sig")
    case " $* " in *" none "*) pid2=true ;; esac # plain init: no pid namespace
    d=$(newtmp)
    write_group_payload "$d"
    bg_ni "$@" sh "$d/g.sh" "$d" "$sig" || { WHY="outer pid not found"; return 1; }
    wait_file "$d/ready" 10 || { touch "$d/stop"; bg_wait; WHY="payload never ready; stderr: $ERR"; return 1; }
    kill -"$sig" "$OUTER"
    if [ "$want" = yes ]; then
        if ! wait_file "$d/status" 3; then
            touch "$d/stop"; bg_wait
            WHY="grandchild still running 3s after $sig with --kill-group (rc $RC; stderr $ERR)"
            return 1
        fi
        bg_wait
        want_rc 7 && $pid2 "$d" || return 1
        want_eq "grandchild's wait status (killed by $sig = $((128 + num)))" "$(cat "$d/status")" "gcstatus=$((128 + num))" || return 1
        [ ! -e "$d/gc" ] || { WHY="grandchild ended normally, it should have died of $sig"; return 1; }
    else
        # control: WINCH goes to the payload alone, after SIG was handled (a
        # group delivery of SIG would have ended the grandchild by then)
        kill -WINCH "$OUTER"
        wait_file "$d/control" 3 || { touch "$d/stop"; bg_wait; WHY="the WINCH control never reached the payload (rc $RC; stderr $ERR)"; return 1; }
        if [ -e "$d/status" ]; then
            touch "$d/stop"; bg_wait
            WHY="grandchild ended after $sig without --kill-group: $(cat "$d/status")"
            return 1
        fi
        alive "$OUTER" || { touch "$d/stop"; bg_wait; WHY="nestinit gone after $sig (rc $RC)"; return 1; }
        touch "$d/stop"
        bg_wait
        want_rc 7 && $pid2 "$d" || return 1
        want_eq "grandchild's wait status" "$(cat "$d/status" 2>/dev/null)" "gcstatus=0" || return 1
        want_eq "grandchild's own record" "$(cat "$d/gc" 2>/dev/null)" finished || return 1
    fi
    want_eq "the payload's record of $sig (one delivery)" "$(cat "$d/payload" 2>/dev/null)" payload
}

t signals_kill_group_short test_kill_group yes TERM -- -g
t signals_kill_group_long test_kill_group yes USR1 -- --kill-group
t signals_kill_group_env test_kill_group yes TERM env NESTINIT_KILL_GROUP=1 --
t signals_kill_group_plain_init test_kill_group yes USR1 -- --unshare none -g
t signals_no_kill_group_payload_only test_kill_group no TERM --
t signals_no_kill_group_usr1_payload_only test_kill_group no USR1 --
t signals_no_kill_group_plain_init test_kill_group no USR1 -- --unshare none

# A signal that reaches nestinit during setup, before the
# payload has run at all, must still reach the payload's group with -g. The
# signal is made pending before nestinit starts (blocked, sent to itself,
# then exec: the pending set and mask survive execve, signal(7)), so the loop
# dequeues it right after the fork: deterministic, no sleep. With only the
# child calling setpgid, kill(-pid) found no such group (ESRCH) and the signal
# was lost while the log said it was forwarded.
PENDING_EXEC='import os, signal, sys
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
os.kill(os.getpid(), signal.SIGUSR1)
os.execv(sys.argv[1], sys.argv[1:])'

test_kill_group_signal_during_setup() { # ROUNDS NESTINIT-OPTIONS...
    local rounds=$1 i d lost=""; shift
    [ -n "$SIGREC" ] || { WHY="cannot build sigrecord: $HELPER_ERR"; return 1; }
    for i in $(seq 1 "$rounds"); do
        d=$(newtmp)
        REC_D=$d
        bg_ni "$PY" -c "$PENDING_EXEC" -- "$@" -vv -- "$SIGREC" "$d/log" "$d/ready" "$d/stop" ||
            { WHY="round $i: outer pid not found"; return 1; }
        wait_file "$d/ready" 10 || { touch "$d/stop"; bg_wait; WHY="round $i: payload never ready; stderr: $ERR"; return 1; }
        rec_wait 10 3 || lost="$lost $i"
        rec_finish
        want_rc 0 || { WHY="round $i: $WHY"; return 1; }
        if [ -n "$lost" ] && printf '%s\n' "$ERR" | grep -q 'forwarded signal 10 to group'; then
            WHY="round $i: USR1 never reached the payload, yet the log says: $(printf '%s\n' "$ERR" | grep 'signal 10')"
            return 1
        fi
    done
    [ -z "$lost" ] && return 0
    WHY="USR1 sent during setup never reached the payload in rounds:$lost of $rounds"
    return 1
}
t signals_kill_group_signal_during_setup_plain_init test_kill_group_signal_during_setup 10 --unshare none -g
t signals_kill_group_signal_during_setup test_kill_group_signal_during_setup 10 -g

kill_tracked
