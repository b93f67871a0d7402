#!/bin/bash
# Reaping by the inner init (pid 1 of the new pid namespace): 10000
# double-forked orphans leave no zombie, also while USR1 keeps arriving; the
# SIGCHLD coalescing race (payload and an orphan exiting together) never hangs.
. "$(dirname "$0")/../lib.sh"
require_binary
require_root

ORPHANS=$HELPERS/orphans
build_helper orphans || ORPHANS=""
need_orphans() { [ -n "$ORPHANS" ] && return 0; WHY="cannot build tests/helpers/orphans.c: $HELPER_ERR"; return 1; }
STORM=""
if build_helper h_storm; then STORM=$HELPERS/h_storm; else STORM_WHY=$WHY; fi

children() { local c; c=$(cat "/proc/$1/task/$1/children" 2>/dev/null); echo $c; }

# the payload (pid 2) checks its zombie counter on a zombie of its own
# (control=1), makes 10000 double-forked orphans and counts the zombies in the
# namespace (its fresh /proc) until none are left, for at most 2 s
test_10000_orphans() {
    need_orphans || return 1
    ni sh -c '"$1" control; "$1" double 10000 || exit 90; "$1" count 2; echo "pid=$$"' x "$ORPHANS"
    want_rc 0 || return 1
    want_eq "payload pid" "$(printf '%s\n' "$OUT" | sed -n 's/^pid=//p')" 2 || return 1
    want_eq "zombie count method control (a zombie of the payload's own)" "$(printf '%s\n' "$OUT" | sed -n 's/^control=//p')" 1 || return 1
    want_eq "zombies in the namespace 2 s after 10000 orphans" "$(printf '%s\n' "$OUT" | sed -n 's/^zombies=//p')" 0
}

# the same while USR1 keeps arriving (h_storm makes the orphans, counts USR1
# and zombies, exits 3); nothing is left running afterwards
test_orphans_under_usr1() { # N
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
    local p bad=""
    for p in "$OUTER" $inner $payload; do wait_gone "$p" 3 || bad="$bad $p"; done
    [ -z "$bad" ] || { WHY="still running 3 s after the run ended:$bad"; return 1; }
}

# The payload exits ~8.7 ms in, an orphan (sleep 0.01) ~10 ms in: their SIGCHLDs
# coalesce. 200 runs, each under timeout 5, must all end with 0.
test_coalescing_race() {
    local i rc bad="" hung=0
    for i in $(seq 1 200); do
        timeout -k 1 5 "$NESTINIT" bash -c "bash -c 'sleep 0.01 & kill -9 \$BASHPID'; sleep 0.0087" </dev/null >/dev/null 2>"$TMPD/race.err"
        rc=$?
        case $rc in
            0) ;;
            124 | 137) hung=$((hung + 1)); bad="$bad #$i:hung($rc)" ;;
            *) bad="$bad #$i:rc=$rc:$(head -c 100 "$TMPD/race.err")" ;;
        esac
        [ ${#bad} -gt 300 ] && break
    done
    [ -z "$bad" ] && return 0
    WHY="runs that did not end with 0 ($hung hung):$bad"
    return 1
}

t reaping_10000_orphans test_10000_orphans
t reaping_10000_orphans_under_usr1 test_orphans_under_usr1 10000
t reaping_coalescing_race_200 test_coalescing_race
kill_tracked
