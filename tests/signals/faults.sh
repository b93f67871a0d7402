#!/bin/bash
# SIGKILL of the outer / the inner / the payload (nothing of
# the namespace may survive), a signal storm (5000 USR1, then TERM must still
# arrive), and 10000 orphans reaped while USR1 keeps arriving.
# Processes are found by pid through /proc/PID/task/PID/children.
. "$(dirname "$0")/../lib.sh"
require_binary
require_root

STORM=""
if build_helper h_storm; then STORM=$HELPERS/h_storm; else STORM_WHY=$WHY; fi

children() { local c; c=$(cat "/proc/$1/task/$1/children" 2>/dev/null); echo $c; }

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
    want_eq "payload NSpid" "$(awk '$1 == "NSpid:" { print $NF }' "/proc/$PAYLOAD/status")" 2 || return 1
    want_eq "inner NSpid" "$(awk '$1 == "NSpid:" { print $NF }' "/proc/$INNER/status")" 1
}

all_gone() { # PIDS...: each gone (or a zombie about to be reaped) within 3 s
    local p bad=""
    for p in "$@"; do wait_gone "$p" 3 || bad="$bad $p($(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null))"; done
    [ -z "$bad" ] && return 0
    WHY="still running:$bad"
    return 1
}

test_kill() { # VICTIM: OUTER, INNER or PAYLOAD gets SIGKILL; the whole tree goes, status 137
    local d; d=$(newtmp)
    start_tree "$d" || { bg_wait; return 1; }
    kill -KILL "${!1}"
    bg_wait
    all_gone "$OUTER" "$INNER" "$PAYLOAD" "$GRANDCHILD" || return 1
    want_rc 137
}

test_kill_outer_unpriv() {
    local d; d=$(newtmp shared)
    start_tree "$d" "${AS_NOBODY[@]}" || { bg_wait; return 1; }
    kill -KILL "$OUTER"
    bg_wait
    all_gone "$OUTER" "$INNER" "$PAYLOAD" "$GRANDCHILD"
}

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
    all_gone "$OUTER" $inner $payload
}

test_orphans() { # N
    [ -n "$STORM" ] || { WHY="$STORM_WHY"; return 1; }
    local n=$1 d sent=0 end
    d=$(newtmp)
    bg_ni -- "$STORM" orphans "$n" "$d" || { WHY="outer pid not found"; return 1; }
    wait_file "$d/ready" 10 || { WHY="payload never ready; stderr: $(cat "$BG_ERR")"; bg_wait; return 1; }
    local inner payload; inner=$(children "$OUTER"); payload=$(children "$inner")
    end=$(($(now_ms) + 40000))
    while [ ! -e "$d/done" ] && [ "$(now_ms)" -lt "$end" ]; do
        kill -USR1 "$OUTER" 2>/dev/null || break
        sent=$((sent + 1))
    done
    bg_wait
    want_rc 3 || return 1
    local r=$OUT
    want_match "payload report" "$r" '^control=[0-9]+ orphans=[0-9]+ usr1=[0-9]+ zombies=[0-9]+ pid=2$' || return 1
    want_match "zombie count control (an unreaped child is seen)" "$r" '^control=[1-9]' || return 1
    want_match "orphans made" "$r" " orphans=$n " || return 1
    want_match "zombies left in the namespace" "$r" ' zombies=0 ' || return 1
    want_no_match "USR1 received by the payload (of $sent sent)" "$r" ' usr1=0 ' || return 1
    want_no_stderr || return 1
    all_gone "$OUTER" $inner $payload
}

t fault_outer_sigkill_nothing_survives test_kill OUTER
t fault_inner_sigkill_nothing_survives test_kill INNER
t fault_payload_sigkill_137_namespace_gone test_kill PAYLOAD
t fault_outer_sigkill_unprivileged test_kill_outer_unpriv
t fault_signal_storm_5000_usr1_then_term test_storm 5000
t fault_signal_storm_5000_usr1_then_term_kill_group test_storm 5000 --kill-group
t fault_orphans_10000_under_usr1 test_orphans 10000
