#!/bin/bash
# Signal forwarding of every signal one at a
# time and in order, kill 1 from inside, -g/--kill-group, -r/--rewrite,
# -p/--pdeathsig, --grace.
. "$(dirname "$0")/../lib.sh"
require_binary
require_root

SIGREC=$HELPERS/sigrecord
build_helper sigrecord || SIGREC=""

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

# rec_log: the recorded signal numbers, space separated
rec_log() { fields "$(cat "$REC_D/log" 2>/dev/null)"; }

# rec_send SIG WANT: send SIG to the outer, wait until WANT (a number, or "-"
# for nothing) is the last line of the log; adds to REC_MISSING on failure
rec_send() {
    local sig=$1 want=$2
    if ! alive "$OUTER"; then REC_MISSING="$REC_MISSING $sig(outer gone)"; return 1; fi
    kill -"$sig" "$OUTER" 2>/dev/null || { REC_MISSING="$REC_MISSING $sig(kill failed)"; return 1; }
    [ "$want" = - ] && return 0
    rec_wait "$want" 3 || { REC_MISSING="$REC_MISSING $sig"; return 1; }
}

# rec_wait NUMBER SECONDS: wait for NUMBER in the log; gives up early when the
# outer is gone
rec_wait() {
    local end=$(($(now_ms) + $2 * 1000))
    until grep -qx -- "$1" "$REC_D/log" 2>/dev/null; do
        if [ "$(now_ms)" -ge "$end" ] || ! alive "$OUTER"; then
            sleep 0.05
            grep -qx -- "$1" "$REC_D/log" 2>/dev/null
            return
        fi
        sleep 0.01
    done
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

# sends every signal in LIST, one at a time, each waited for; the log must be
# exactly LIST, in order, and the run end with 0
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

t pid1_forward_signals_1_to_31 test_forward_list "$STD_SIGS"
t pid1_forward_realtime_35_to_64 test_forward_list "$(seq 35 64)"
# 34 is glibc's SIGRTMIN: `kill -s RTMIN`, `docker kill --signal RTMIN`
t pid1_forward_signal_34_glibc_rtmin test_forward_list 34
t pid1_forward_signal_33 test_forward_list 33
t pid1_forward_signal_32 test_forward_list 32

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
t pid1_forward_kill_term_1_from_inside test_kill_1_from_inside

# ---------------------------------------------------------------- 4. --rewrite

# test_rewrite "SENT:WANT ..." EXPECTED-LOG NESTINIT-ARGS... ; WANT "-" = dropped.
# TERM (15) is sent last as a marker: a signal number above the rewritten ones,
# so any stray delivery of an earlier signal is dequeued (lowest first) before it.
test_rewrite() {
    local pairs=$1 expected=$2 p d; shift 2
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
    want_rc 0
}

t pid1_rewrite_usr1_usr2_names test_rewrite "10:12" "12 15" -r USR1:USR2
t pid1_rewrite_10_12_numbers test_rewrite "10:12" "12 15" -r 10:12
t pid1_rewrite_long_sig_prefix test_rewrite "10:12" "12 15" --rewrite SIGUSR1:SIGUSR2
t pid1_rewrite_to_0_drops test_rewrite "10:-" "15" -r USR1:0
t pid1_rewrite_swap_is_not_chained test_rewrite "10:12 12:10" "12 10 15" -r USR1:USR2 -r USR2:USR1
t pid1_rewrite_others_untouched test_rewrite "1:1 12:12" "1 12 15" -r USR1:0
t pid1_rewrite_env_list test_rewrite "10:- 1:12" "12 15" env NESTINIT_REWRITE=USR1:0,HUP:USR2 --
t pid1_rewrite_plain_init test_rewrite "10:12" "12 15" --unshare none -r USR1:USR2
t pid1_rewrite_plain_init_drop test_rewrite "10:- 1:1" "1 15" --unshare none -r 10:0

test_rewrite_bad() { # OPTIONS...
    ni "$@" true && want_rc 125 && want_error
}
test_rewrite_bad_env() { # VALUE
    run env NESTINIT_REWRITE="$1" "$NESTINIT" true && want_rc 125 && want_error || return 1
    want_match "error line" "$ERR" NESTINIT_REWRITE
}
t pid1_rewrite_bad_no_colon test_rewrite_bad -r USR1
t pid1_rewrite_bad_names test_rewrite_bad -r FOO:BAR
t pid1_rewrite_bad_number_99 test_rewrite_bad -r 99:1
t pid1_rewrite_bad_target_99 test_rewrite_bad -r USR1:99
t pid1_rewrite_bad_empty_from test_rewrite_bad -r :USR1
t pid1_rewrite_bad_empty_to test_rewrite_bad -r USR1:
t pid1_rewrite_bad_kill test_rewrite_bad -r KILL:TERM
t pid1_rewrite_bad_long test_rewrite_bad --rewrite USR1
t pid1_rewrite_bad_env test_rewrite_bad_env USR1

# ---------------------------------------------------------------- 3. --kill-group

# payload: a background grandchild (a sh loop, USR1 default) in the payload's
# process group; the payload then ignores USR1, waits for the grandchild and
# records its wait status, exits 7. The grandchild writes DIR/gc when it ends
# normally (DIR/stop appeared). WINCH, the control a test sends after USR1,
# makes the payload write DIR/control (a trap would cut `wait` short, so the
# payload polls; sh reaps the grandchild meanwhile and keeps its status).
write_group_payload() {
    cat >"$1/g.sh" <<'EOS'
d=$1
sh -c 'i=0; while [ ! -e "$1/stop" ] && [ $i -lt 1000 ]; do sleep 0.02; i=$((i+1)); done; echo finished >"$1/gc"' x "$d" &
gc=$!
trap '' USR1
trap 'echo control >"$d/control"' WINCH
echo $$ >"$d/pid"
touch "$d/ready"
while kill -0 $gc 2>/dev/null; do sleep 0.02; done
wait $gc
echo "gcstatus=$?" >"$d/status"
exit 7
EOS
}

test_kill_group() { # yes|no NESTINIT-ARGS-BEFORE-DASHDASH...
    local want=$1 d pid2=want_pid2; shift
    case " $* " in *" none "*) pid2=true ;; esac # plain init: no pid namespace
    d=$(newtmp)
    write_group_payload "$d"
    bg_ni "$@" sh "$d/g.sh" "$d" || { WHY="outer pid not found"; return 1; }
    wait_file "$d/ready" 10 || { touch "$d/stop"; bg_wait; WHY="payload never ready; stderr: $ERR"; return 1; }
    kill -USR1 "$OUTER"
    if [ "$want" = yes ]; then
        if ! wait_file "$d/status" 3; then
            touch "$d/stop"; bg_wait
            WHY="grandchild still running 3s after USR1 with --kill-group (rc $RC; stderr $ERR)"
            return 1
        fi
        bg_wait
        want_rc 7 && $pid2 "$d" || return 1
        want_eq "grandchild's wait status (killed by USR1 = 138)" "$(cat "$d/status")" "gcstatus=138" || return 1
        [ ! -e "$d/gc" ] || { WHY="grandchild ended normally, it should have died of USR1"; return 1; }
    else
        # control: WINCH goes to the payload alone, after USR1 was handled (a
        # group delivery of USR1 would have ended the grandchild by then)
        kill -WINCH "$OUTER"
        wait_file "$d/control" 3 || { touch "$d/stop"; bg_wait; WHY="the WINCH control never reached the payload (rc $RC; stderr $ERR)"; return 1; }
        if [ -e "$d/status" ]; then
            touch "$d/stop"; bg_wait
            WHY="grandchild ended after USR1 without --kill-group: $(cat "$d/status")"
            return 1
        fi
        alive "$OUTER" || { touch "$d/stop"; bg_wait; WHY="nestinit gone after USR1 (rc $RC)"; return 1; }
        touch "$d/stop"
        bg_wait
        want_rc 7 && $pid2 "$d" || return 1
        want_eq "grandchild's wait status" "$(cat "$d/status" 2>/dev/null)" "gcstatus=0" || return 1
        want_eq "grandchild's own record" "$(cat "$d/gc" 2>/dev/null)" finished
    fi
}

t pid1_kill_group_short test_kill_group yes -- -g
t pid1_kill_group_long test_kill_group yes -- --kill-group
t pid1_kill_group_plain_init test_kill_group yes -- --unshare none -g
t pid1_no_kill_group_child_only test_kill_group no --
t pid1_no_kill_group_plain_init test_kill_group no -- --unshare none

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
t pid1_kill_group_signal_during_setup_plain_init test_kill_group_signal_during_setup 10 --unshare none -g
t pid1_kill_group_signal_during_setup test_kill_group_signal_during_setup 10 -g

# ---------------------------------------------------------------- 7. --pdeathsig

# children_of PID: its child pids (from /proc/PID/task/PID/children)
children_of() { cat "/proc/$1/task/$1/children" 2>/dev/null; }

# wait_child PID COMM [SECONDS]: print the child of PID whose comm is COMM
wait_child() {
    local p=$1 comm=$2 s=${3:-5} end c
    end=$(($(now_ms) + s * 1000))
    while :; do
        for c in $(children_of "$p"); do
            [ "$(cat "/proc/$c/comm" 2>/dev/null)" = "$comm" ] && { echo "$c"; return 0; }
        done
        [ "$(now_ms)" -ge "$end" ] && return 1
        sleep 0.01
    done
}

test_pdeathsig_kills() { # PDEATHSIG-OPTION VALUE
    local d parent outer inner payload
    d=$(newtmp)
    spawn "$d/out" "$d/err" sh -c '"$1" "$3" "$4" -- sleep 100 & echo $! >"$2/outer"; wait' x "$NESTINIT" "$d" "$1" "$2" ||
        { WHY="could not start"; return 1; }
    parent=$(first_child "$BG_TPID" 5) || { WHY="parent sh not found"; return 1; }
    wait_file "$d/outer" 5 || { WHY="no outer pid"; return 1; }
    outer=$(cat "$d/outer"); track "$outer"
    inner=$(wait_child "$outer" nestinit 5) || { WHY="inner not found; stderr: $(cat "$d/err")"; return 1; }
    track "$inner"
    payload=$(wait_child "$inner" sleep 5) || { WHY="payload sleep not found; stderr: $(cat "$d/err")"; return 1; }
    track "$payload"
    want_eq "outer's parent" "$(awk '/^PPid:/ { print $2 }' "/proc/$outer/status")" "$parent" || return 1
    kill -KILL "$parent"
    local t0; t0=$(now_ms)
    wait_gone "$outer" 2 || { WHY="outer $outer alive 2s after its parent was killed ($1 $2)"; return 1; }
    wait_gone "$inner" 1 || { WHY="inner $inner alive after the outer's parent died ($1 $2)"; return 1; }
    wait_gone "$payload" 1 || { WHY="payload $payload alive after the outer's parent died ($1 $2)"; return 1; }
    [ $(($(now_ms) - t0)) -le 2000 ] || { WHY="took $(($(now_ms) - t0))ms, want <= 2000"; return 1; }
    wait "$BG_WPID"
    return 0
}

# the pdeathsig is a signal like any other: forwarded, the payload handles it
test_pdeathsig_forwarded() {
    local d parent outer
    d=$(newtmp)
    cat >"$d/p.sh" <<'EOS'
trap 'echo USR1 >"$1/got"; exit 0' USR1
touch "$1/ready"
i=0; while [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done
EOS
    spawn "$d/out" "$d/err" sh -c '"$1" -p 10 sh "$2/p.sh" "$2" & echo $! >"$2/outer"; wait' x "$NESTINIT" "$d" ||
        { WHY="could not start"; return 1; }
    parent=$(first_child "$BG_TPID" 5) || { WHY="parent sh not found"; return 1; }
    wait_file "$d/ready" 10 || { WHY="payload never ready; stderr: $(cat "$d/err")"; return 1; }
    outer=$(cat "$d/outer"); track "$outer"
    kill -KILL "$parent"
    wait_file "$d/got" 2 || { WHY="payload did not get USR1 (-p 10) after the parent died"; return 1; }
    wait_gone "$outer" 2 || { WHY="outer alive 2s after the payload exited"; return 1; }
    wait "$BG_WPID"
    return 0
}

test_pdeathsig_bad() { # VALUE
    ni -p "$1" true && want_rc 125 && want_error
}

# A parent that dies just before the prctl is never
# signalled by the kernel (prctl(2)); nestinit looks at getppid() again and
# queues the signal itself. strace holds the outer at the entry of exactly that
# prctl (the Kth, counted in a first run), the test kills strace (the parent)
# there, and the payload must still get -p's USR1, forwarded.
test_pdeathsig_parent_died_before_prctl() {
    local d k ni i
    [ -n "$SIGREC" ] || { WHY="cannot build sigrecord: $HELPER_ERR"; return 1; }
    d=$(newtmp)
    # USR1 stays blocked for the payload (the caller's mask), so it is
    # recorded even when forwarded before sigrecord has set itself up
    local block='import os, signal, sys
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
os.execv(sys.argv[1], sys.argv[1:])'
    run strace -o "$d/count" -e trace=prctl "$PY" -c "$block" "$NESTINIT" -p USR1 -- true
    k=$(grep '^prctl(' "$d/count" | grep -n 'PR_SET_PDEATHSIG' | head -n1 | cut -d: -f1)
    [ -n "$k" ] || { WHY="no PR_SET_PDEATHSIG in the trace (rc $RC): $(head -c 300 "$d/count")"; return 1; }
    spawn "$d/out" "$d/err" strace -o /dev/null -e trace=prctl -e inject=prctl:delay_enter=5000000:when="$k" \
        "$PY" -c "$block" "$NESTINIT" -p USR1 -- "$SIGREC" "$d/log" "$d/ready" "$d/stop" || { WHY="could not start"; return 1; }
    local tracer; tracer=$(first_child "$BG_TPID" 5) || { WHY="strace not found"; return 1; }
    ni=$(first_child "$tracer" 5) || { WHY="nestinit not found under strace"; return 1; }
    track "$ni"
    for i in $(seq 1 400); do # held at the entry of prctl(PR_SET_PDEATHSIG=1, ...)
        case $(cat "/proc/$ni/syscall" 2>/dev/null) in "157 0x1 "*) break ;; esac
        sleep 0.01
    done
    case $(cat "/proc/$ni/syscall" 2>/dev/null) in
        "157 0x1 "*) ;;
        *) WHY="nestinit never reached prctl(PR_SET_PDEATHSIG): $(cat "/proc/$ni/syscall" 2>&1)"; return 1 ;;
    esac
    kill -KILL "$tracer"
    REC_D=$d OUTER=$ni
    wait_file "$d/ready" 10 || { WHY="payload never ready; stderr: $(cat "$d/err")"; return 1; }
    rec_wait 10 3
    local log; log=$(rec_log)
    touch "$d/stop"
    wait_gone "$ni" 5 || { WHY="nestinit did not end after the payload"; return 1; }
    wait "$BG_WPID" 2>/dev/null
    want_eq "signals the payload got after the parent died before -p was set" "$log" 10
}

t pid1_pdeathsig_term_name test_pdeathsig_kills -p TERM
t pid1_pdeathsig_number_long test_pdeathsig_kills --pdeathsig 15
t pid1_pdeathsig_sig_prefix test_pdeathsig_kills -p SIGHUP
t pid1_pdeathsig_forwarded_to_payload test_pdeathsig_forwarded
t pid1_pdeathsig_bad_name_125 test_pdeathsig_bad NOTASIG
t pid1_pdeathsig_bad_number_125 test_pdeathsig_bad 99
t pid1_pdeathsig_zero_125 test_pdeathsig_bad 0
if command -v strace >/dev/null; then
    t pid1_pdeathsig_parent_died_before_prctl test_pdeathsig_parent_died_before_prctl
else
    skip pid1_pdeathsig_parent_died_before_prctl "strace not installed (apt-get install strace): it holds nestinit at the prctl"
fi

# ---------------------------------------------------------------- 8. --grace

# (a) the payload exits 4 and leaves a helper that logs TERM and exits
write_grace_payload() {
    cat >"$1/helper.sh" <<'EOS'
trap 'echo TERM >>"$1/log"; exit 0' TERM
touch "$1/hready"
sleep 100
EOS
    cat >"$1/payload.sh" <<'EOS'
sh "$1/helper.sh" "$1" &
i=0; while [ ! -e "$1/hready" ] && [ $i -lt 500 ]; do sleep 0.01; i=$((i+1)); done
exit 4
EOS
}

test_grace_terms() {
    local d; d=$(newtmp)
    write_grace_payload "$d"
    ni --grace 3 sh "$d/payload.sh" "$d"
    want_rc 4 || return 1
    want_eq "the leftover helper's log" "$(cat "$d/log" 2>/dev/null)" TERM || return 1
    [ "$ELAPSED_MS" -lt 2500 ] || { WHY="took ${ELAPSED_MS}ms with --grace 3: waited out the grace although the helper left at once"; return 1; }
}

# control: without --grace, the leftover is killed with the namespace, no TERM
test_no_grace_no_term() {
    local d; d=$(newtmp)
    write_grace_payload "$d"
    ni sh "$d/payload.sh" "$d"
    want_rc 4 || return 1
    want_eq "the leftover helper's log" "$(cat "$d/log" 2>/dev/null)" "" || return 1
    [ "$ELAPSED_MS" -lt 2500 ] || { WHY="took ${ELAPSED_MS}ms"; return 1; }
}

# (b) a payload that ignores SIGTERM: TERM to the outer, SIGKILL after the grace
test_grace_kills_payload() {
    local d t0 dt; d=$(newtmp)
    bg_ni -- --grace 1 sh -c 'trap "" TERM; touch "$1/ready"; exec sleep 100' x "$d" || { WHY="outer pid not found"; return 1; }
    wait_file "$d/ready" 10 || { bg_wait; WHY="payload never ready; stderr $ERR"; return 1; }
    sleep 0.05 # let sh exec sleep (the ignore is inherited)
    t0=$(now_ms)
    kill -TERM "$OUTER"
    bg_wait
    dt=$(($(now_ms) - t0))
    want_rc 137 || return 1
    [ "$dt" -ge 1000 ] || { WHY="SIGKILLed ${dt}ms after TERM, before the 1s grace"; return 1; }
    [ "$dt" -lt 4000 ] || { WHY="ended ${dt}ms after TERM, want < 4000 (grace 1s)"; return 1; }
}

# (c) a leftover that ignores SIGTERM: nestinit waits the grace, then exits
# with the payload's status and the leftover dies with the namespace
test_grace_leftover_ignores_term() {
    local d token pid dt; d=$(newtmp)
    token=$((RANDOM % 9000 + 1000)).$$
    bg_ni -- --grace 1 sh -c '(trap "" TERM; exec sleep "$2") & sleep 0.1; exit 5' x "$d" "$token" || { WHY="outer pid not found"; return 1; }
    local end=$(($(now_ms) + 3000))
    while :; do
        pid=$(pgrep -f -x "sleep $token" | head -n1)
        [ -n "$pid" ] && break
        [ "$(now_ms)" -ge "$end" ] && break
        sleep 0.01
    done
    track "$pid"
    bg_wait
    want_rc 5 || return 1
    [ -n "$pid" ] || { WHY="the leftover 'sleep $token' was never seen"; return 1; }
    [ "$ELAPSED_MS" -ge 1000 ] || { WHY="exited after ${ELAPSED_MS}ms, before the 1s grace, though a leftover was still running"; return 1; }
    [ "$ELAPSED_MS" -lt 4000 ] || { WHY="exited after ${ELAPSED_MS}ms, want < 4000 (grace 1s)"; return 1; }
    wait_gone "$pid" 1 || { WHY="leftover $pid still alive after nestinit exited"; return 1; }
}

t pid1_grace_terms_leftovers test_grace_terms
t pid1_no_grace_no_term_for_leftovers test_no_grace_no_term
t pid1_grace_sigkills_payload_ignoring_term test_grace_kills_payload
t pid1_grace_waits_for_leftover_ignoring_term test_grace_leftover_ignores_term
kill_tracked
