#!/bin/bash
# What dies with nestinit: SIGKILL of the outer in each configuration (the
# payload never outlives it; its grandchild dies where a pid namespace ends
# with it, lives on where there is none), SIGKILL of the inner or the payload
# (the whole namespace goes, exit 137), and -p/--pdeathsig: the outer's parent
# dying ends the run, the signal is forwarded like any other, also when the
# parent died just before the prctl.
. "$(dirname "$0")/../lib.sh"
require_binary
require_root
ERR="" # the want_* helpers quote it; these tests assert before their run ends

SIGREC=$HELPERS/sigrecord
build_helper sigrecord || SIGREC=""

children() { local c; c=$(cat "/proc/$1/task/$1/children" 2>/dev/null); echo $c; }
nspid() { awk '$1 == "NSpid:" { print $NF }' "/proc/$1/status" 2>/dev/null; }
ppid_of() { awk '/^PPid:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }

# ---------------------------------------------------------------- SIGKILL of the outer

# The payload starts a grandchild (sleep TOKEN1), then execs sleep TOKEN2;
# both are found from here by their command lines. GC says what happens to
# the grandchild: "dies" where a pid namespace ends with its pid 1 (nestinit's
# inner, or nestinit itself as pid 1), "lives" where there is none: it is
# reparented and keeps running (README, "As a pid 1"). Where an inner init
# stands between the killed nestinit and the payload, it must be pid 1 and the
# payload pid 2 of their namespace, and the inner goes too. Where the outer
# itself is killed, the run ends with 137 (128 + SIGKILL).
test_outer_killed() { # GC [PREFIX... --] NESTINIT-OPTIONS...
    local gc_want=$1 d token payload gc killed inner end; shift
    d=$(newtmp shared)
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
    inner=$(ppid_of "$payload")
    if [ "$inner" != "$killed" ]; then
        track "$inner"
        want_eq "the payload's parent (the inner init)" "$(cat "/proc/$inner/comm" 2>/dev/null)" nestinit || return 1
        want_eq "the inner's parent" "$(ppid_of "$inner")" "$killed" || return 1
        want_eq "inner NSpid" "$(nspid "$inner")" 1 || return 1
        want_eq "payload NSpid" "$(nspid "$payload")" 2 || return 1
    fi
    kill -KILL "$killed"
    wait_gone "$killed" 2 || { WHY="nestinit still alive after SIGKILL"; return 1; }
    if [ "$inner" != "$killed" ]; then
        wait_gone "$inner" 2 || { WHY="inner $inner still alive 2s after the outer was SIGKILLed ($*)"; return 1; }
    fi
    wait_gone "$payload" 2 || { WHY="payload $payload still alive 2s after nestinit was SIGKILLed ($*)"; return 1; }
    if [ "$gc_want" = dies ]; then
        wait_gone "$gc" 2 || { WHY="grandchild $gc still alive 2s after nestinit was SIGKILLed ($*)"; return 1; }
    else
        alive "$gc" || { WHY="grandchild $gc died with nestinit ($*); README says it lives on here"; return 1; }
        kill -KILL "$gc"
    fi
    bg_wait
    [ "$killed" != "$OUTER" ] || want_rc 137
}

t signals_outer_sigkill_kills_all test_outer_killed dies
t signals_outer_sigkill_unprivileged_kills_all test_outer_killed dies "${AS_NOBODY[@]}" --
t signals_outer_sigkill_kills_all_proc_bind test_outer_killed dies -- --proc bind
t signals_outer_sigkill_no_pid_namespace_payload_dies test_outer_killed lives -- --unshare user,mount
t signals_outer_sigkill_no_user_namespace_kills_all test_outer_killed dies -- --unshare pid,mount
t signals_outer_sigkill_plain_init_payload_dies test_outer_killed lives -- --unshare none
t signals_outer_sigkill_plain_init_pid1_kills_all test_outer_killed dies unshare -pf --mount-proc -- --unshare none
if test_nouserns_control; then
    t signals_outer_sigkill_fallback_plain_payload_dies test_outer_killed lives unshare -Ur sh -c "$NOUSERNS" x -- --fallback plain
else
    fail signals_outer_sigkill_fallback_plain_payload_dies "$WHY"
fi

# ---------------------------------------------------------------- SIGKILL of the inner or the payload

# start a payload that has a child of its own; sets INNER PAYLOAD GRANDCHILD
start_tree() { # DIR [nestinit options]
    local d=$1; shift
    bg_ni -- "$@" sh -c 'sleep 30 & echo $! >"$1/bg"; echo $$ >"$1/pid"; touch "$1/ready"; wait' x "$d" ||
        { WHY="outer pid not found"; return 1; }
    wait_file "$d/ready" 10 || { WHY="payload never ready; stderr: $(cat "$BG_ERR")"; return 1; }
    INNER=$(children "$OUTER") PAYLOAD="" GRANDCHILD=""
    [ -n "$INNER" ] && PAYLOAD=$(children "$INNER")
    [ -n "$PAYLOAD" ] && GRANDCHILD=$(first_child "$PAYLOAD" 3)
    track $INNER $PAYLOAD $GRANDCHILD
    if [ -z "$INNER" ] || [ -z "$PAYLOAD" ] || [ -z "$GRANDCHILD" ]; then
        WHY="process tree not found: outer=$OUTER inner='$INNER' payload='$PAYLOAD' grandchild='$GRANDCHILD'"
        return 1
    fi
    # control: they are what we think (the payload is pid 2 of the namespace)
    want_eq "payload NSpid" "$(nspid "$PAYLOAD")" 2 || return 1
    want_eq "inner NSpid" "$(nspid "$INNER")" 1
}

all_gone() { # PIDS...: each gone (or a zombie about to be reaped) within 3 s
    local p bad=""
    for p in "$@"; do wait_gone "$p" 3 || bad="$bad $p($(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null))"; done
    [ -z "$bad" ] && return 0
    WHY="still running:$bad"
    return 1
}

test_kill() { # VICTIM: INNER or PAYLOAD gets SIGKILL; the whole tree goes, status 137
    local d; d=$(newtmp)
    start_tree "$d" || { bg_wait; return 1; }
    kill -KILL "${!1}"
    bg_wait
    all_gone "$OUTER" "$INNER" "$PAYLOAD" "$GRANDCHILD" || return 1
    want_rc 137
}

t signals_inner_sigkill_nothing_survives test_kill INNER
t signals_payload_sigkill_137_namespace_gone test_kill PAYLOAD

# ---------------------------------------------------------------- --pdeathsig

# wait_child PID COMM [SECONDS]: print the child of PID whose comm is COMM
wait_child() {
    local p=$1 comm=$2 s=${3:-5} end c
    end=$(($(now_ms) + s * 1000))
    while :; do
        for c in $(children "$p"); do
            [ "$(cat "/proc/$c/comm" 2>/dev/null)" = "$comm" ] && { echo "$c"; return 0; }
        done
        [ "$(now_ms)" -ge "$end" ] && return 1
        sleep 0.01
    done
}

# A parent sh starts nestinit with the pdeathsig (an option, or the
# environment through `env VAR=VALUE`, which execs nestinit) and gets SIGKILL:
# the outer, the inner and the payload must all be gone within 2 s.
test_pdeathsig_kills() { # [env VAR=VALUE] | PDEATHSIG-OPTION VALUE
    local d parent outer inner payload
    d=$(newtmp)
    spawn "$d/out" "$d/err" sh -c 'd=$1 ni=$2; shift 2
        case $1 in env) "$1" "$2" "$ni" -- sleep 100 ;; *) "$ni" "$1" "$2" -- sleep 100 ;; esac & echo $! >"$d/outer"; wait' \
        x "$d" "$NESTINIT" "$@" || { WHY="could not start"; return 1; }
    parent=$(first_child "$BG_TPID" 5) || { WHY="parent sh not found"; return 1; }
    wait_file "$d/outer" 5 || { WHY="no outer pid"; return 1; }
    outer=$(cat "$d/outer"); track "$outer"
    inner=$(wait_child "$outer" nestinit 5) || { WHY="inner not found; stderr: $(cat "$d/err")"; return 1; }
    track "$inner"
    payload=$(wait_child "$inner" sleep 5) || { WHY="payload sleep not found; stderr: $(cat "$d/err")"; return 1; }
    track "$payload"
    want_eq "outer's parent" "$(ppid_of "$outer")" "$parent" || return 1
    kill -KILL "$parent"
    local t0; t0=$(now_ms)
    wait_gone "$outer" 2 || { WHY="outer $outer alive 2s after its parent was killed ($*)"; return 1; }
    wait_gone "$inner" 1 || { WHY="inner $inner alive after the outer's parent died ($*)"; return 1; }
    wait_gone "$payload" 1 || { WHY="payload $payload alive after the outer's parent died ($*)"; return 1; }
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

t signals_pdeathsig_term_name test_pdeathsig_kills -p TERM
t signals_pdeathsig_number_long test_pdeathsig_kills --pdeathsig 15
t signals_pdeathsig_sig_prefix test_pdeathsig_kills -p SIGHUP
t signals_pdeathsig_kill test_pdeathsig_kills -p KILL
t signals_pdeathsig_env test_pdeathsig_kills env NESTINIT_PDEATHSIG=KILL
t signals_pdeathsig_forwarded_to_payload test_pdeathsig_forwarded
t signals_pdeathsig_bad_name_125 test_pdeathsig_bad NOTASIG
t signals_pdeathsig_bad_number_125 test_pdeathsig_bad 99
t signals_pdeathsig_zero_125 test_pdeathsig_bad 0
if command -v strace >/dev/null; then
    t signals_pdeathsig_parent_died_before_prctl test_pdeathsig_parent_died_before_prctl
else
    skip signals_pdeathsig_parent_died_before_prctl "strace not installed (apt-get install strace): it holds nestinit at the prctl"
fi

kill_tracked
