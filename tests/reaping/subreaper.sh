#!/bin/bash
# Subreaping without a pid namespace (plain init, --unshare none): the outer is
# the orphans' subreaper by itself and with -s/--subreaper or
# NESTINIT_SUBREAPER, and reaps 500 zombies handed over at once.
. "$(dirname "$0")/../lib.sh"
require_binary
require_root

ORPHANS=$HELPERS/orphans
build_helper orphans || ORPHANS=""
need_orphans() { [ -n "$ORPHANS" ] && return 0; WHY="cannot build tests/helpers/orphans.c: $HELPER_ERR"; return 1; }

# zombies_of PID: how many processes in state Z have PID as their parent
zombies_of() {
    local f l rest n=0
    for f in /proc/[0-9]*/stat; do
        { read -r l <"$f"; } 2>/dev/null || continue
        rest=${l##*) }
        set -- $rest
        [ "$1" = Z ] && [ "$2" = "$PID_ARG" ] && n=$((n + 1))
    done
    echo $n
}
count_zombies_of() { PID_ARG=$1 zombies_of; }

# method control: a zombie under a parent that never reaps (it exec'd sleep)
test_zombie_count_control() {
    local d parent n end; d=$(newtmp)
    spawn "$d/out" "$d/err" sh -c 'true & exec sleep 5' || { WHY="could not start"; return 1; }
    parent=$(first_child "$BG_TPID" 5) || { WHY="sh not found"; return 1; }
    end=$(($(now_ms) + 2000)); n=0
    while [ "$n" -lt 1 ] && [ "$(now_ms)" -lt "$end" ]; do n=$(count_zombies_of "$parent"); sleep 0.01; done
    kill "$parent"; wait "$BG_WPID" 2>/dev/null
    want_eq "zombies counted under a parent that never reaps" "$n" 1
}

# payload: one live orphan (pid in DIR/live, lives until DIR/stop), 500 zombies
# handed over by a non-reaping intermediate, then ready; waits for DIR/stop.
test_subreaper() { # [PREFIX...] -- NESTINIT-OPTIONS...
    need_orphans || return 1
    local d live n end pre=(); d=$(newtmp)
    while [ $# -gt 0 ] && [ "$1" != -- ]; do pre+=("$1"); shift; done
    [ "${1:-}" = -- ] && shift
    bg_ni "${pre[@]}" -- --unshare none "$@" sh -c '
        "$1" live "$2/live" "$2/stop" || exit 90
        "$1" zombies 500 || exit 91
        touch "$2/ready"
        i=0; while [ ! -e "$2/stop" ] && [ $i -lt 1000 ]; do sleep 0.01; i=$((i+1)); done' x "$ORPHANS" "$d" ||
        { WHY="outer pid not found"; return 1; }
    if ! wait_file "$d/ready" 10 || ! wait_file "$d/live" 5; then
        touch "$d/stop"; bg_wait
        WHY="payload never ready (rc $RC); stderr: $ERR"
        return 1
    fi
    live=$(cat "$d/live"); track "$live"
    local lppid; lppid=$(awk '/^PPid:/ { print $2 }' "/proc/$live/status" 2>/dev/null)
    end=$(($(now_ms) + 3000))
    n=$(count_zombies_of "$OUTER")
    while [ "$n" -gt 0 ] && [ "$(now_ms)" -lt "$end" ]; do sleep 0.05; n=$(count_zombies_of "$OUTER"); done
    touch "$d/stop"
    bg_wait
    want_rc 0 || return 1
    want_eq "parent of the orphan (must be the nestinit outer $OUTER, a subreaper)" "$lppid" "$OUTER" || return 1
    want_eq "zombies left under nestinit (pid $OUTER) 3s after 500 orphans" "$n" 0
}

t reaping_subreaper_zombie_count_control test_zombie_count_control
t reaping_subreaper_automatic_plain_init test_subreaper --
t reaping_subreaper_short_option test_subreaper -- -s
t reaping_subreaper_long_option test_subreaper -- --subreaper
t reaping_subreaper_env test_subreaper env NESTINIT_SUBREAPER=1 --

kill_tracked
