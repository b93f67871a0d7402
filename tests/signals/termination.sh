#!/bin/bash
# Termination: TERM to the outer ends a payload that does not catch it (exit
# 143); --grace: leftovers get TERM when the payload exits and nestinit returns
# as soon as they are gone, a payload that ignores TERM gets SIGKILL after the
# grace, a leftover that ignores it dies with the namespace after the grace.
. "$(dirname "$0")/../lib.sh"
require_binary
require_root

test_term_kills_payload() {
    local d; d=$(newtmp)
    bg_ni -- sh -c 'echo $$ >"$1/pid"; touch "$1/ready"; i=0; while [ $i -lt 1000 ]; do sleep 0.01; i=$((i+1)); done; exit 99' x "$d" ||
        { WHY="outer pid not found"; return 1; }
    wait_file "$d/ready" 10 || { WHY="payload never ready"; return 1; }
    kill -TERM "$OUTER"
    bg_wait
    want_rc 143 && want_pid2 "$d"
}
t signals_term_uncaught_exit_143 test_term_kills_payload

# the payload exits 4 and leaves a helper that logs TERM and exits
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

# --grace 5: the leftover gets TERM (once) and nestinit returns with the
# payload's status as soon as it is gone, well before the grace is up
test_grace_terms() {
    local d; d=$(newtmp)
    write_grace_payload "$d"
    ni --grace 5 sh "$d/payload.sh" "$d"
    want_rc 4 || return 1
    want_eq "the leftover helper's log" "$(cat "$d/log" 2>/dev/null)" TERM || return 1
    [ "$ELAPSED_MS" -lt 2500 ] || { WHY="took ${ELAPSED_MS}ms with --grace 5: waited out the grace although the helper left at once"; return 1; }
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

# a payload that ignores SIGTERM: TERM to the outer, SIGKILL after the grace
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

# a leftover that ignores SIGTERM: nestinit waits the grace, then exits
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

t signals_grace_terms_leftovers test_grace_terms
t signals_no_grace_no_term_for_leftovers test_no_grace_no_term
t signals_grace_sigkills_payload_ignoring_term test_grace_kills_payload
t signals_grace_waits_for_leftover_ignoring_term test_grace_leftover_ignores_term
kill_tracked
