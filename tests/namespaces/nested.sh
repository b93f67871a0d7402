#!/bin/bash
# Nestinit inside nestinit (the use case: nested namespaces), and --fallback
# when no user namespace can be made (user.max_user_namespaces=0 set inside a
# throwaway user namespace, so the host's sysctl is untouched).
. "$(dirname "$0")/../lib.sh"
require_binary
require_root

test_nested() {
    local d; d=$(newtmp)
    ni -- "$NESTINIT" --info-file "$d/info" -- sh -c 'echo $$; readlink /proc/self/ns/pid' && want_rc 0 && want_no_stderr || return 1
    want_eq "nested payload pid" "$(printf '%s\n' "$OUT" | sed -n 1p)" 2 || return 1
    want_info_json "$d/info" || return 1
    want_eq "nested info proc" "$(json "$d/info" 'd["proc"]')" fresh || return 1
    want_eq "nested info mode" "$(json "$d/info" 'd["mode"]')" nested || return 1
    want_eq "nested outer_pid (the first payload, pid 2)" "$(json "$d/info" 'd["outer_pid"]')" 2 || return 1
    want_eq "nested uid_map" "$(fields "$(json "$d/info" 'd["uid_map"]')")" "0 0 4294967295" || return 1
    want_eq "nested pid ns (from info)" "pid:[$(json "$d/info" 'd["namespaces"]["pid"]')]" "$(printf '%s\n' "$OUT" | sed -n 2p)" || return 1
    want_ne "nested outer pid ns vs inner" "$(json "$d/info" 'd["outer_namespaces"]["pid"]')" "$(json "$d/info" 'd["namespaces"]["pid"]')" || return 1
    want_ne "nested pid ns vs host" "$(printf '%s\n' "$OUT" | sed -n 2p)" "$(readlink /proc/self/ns/pid)"
}

test_nested_exit() {
    ni -- "$NESTINIT" -- sh -c 'exit 42' && want_rc 42 || return 1
    ni -- "$NESTINIT" -- sh -c 'kill -TERM $$' && want_rc 143
}

test_nested_map_root() {
    # under --map root the parent namespace has one id: nested auto maps it
    ni --map root -- "$NESTINIT" -- sh -c 'cat /proc/self/uid_map; echo .; cat /proc/self/gid_map' && want_rc 0 || return 1
    want_eq "nested uid_map . gid_map" "$(fields "$OUT")" "0 0 1 . 0 0 1"
}

test_nested_nobody() {
    ni_nobody -- "$NESTINIT" -- readlink /proc/self && want_rc 0 && want_no_stderr || return 1
    want_eq "nested /proc/self as uid $NOBODY_UID" "$OUT" 2
}

test_nested_under_proc() { # MODE: the first level gives its payload --proc MODE
    # the second nestinit sees a /proc of another pid namespace than its own
    # (the host's): it must still set up its own inner, not touch /proc/<pid>
    # of an unrelated host process
    ni --proc "$1" -- "$NESTINIT" -- sh -c 'echo $$' && want_rc 0 || return 1
    want_eq "nested payload pid" "$OUT" 2
}


test_fallback_fail() { # extra args (none, or --fallback fail)
    run unshare -Ur sh -c "$NOUSERNS" x "$NESTINIT" "$@" sh -c 'echo payload-ran' && want_rc 125 && want_error
}

test_fallback_plain() { # how: option|env
    local d; d=$(newtmp)
    if [ "$1" = env ]; then
        run unshare -Ur sh -c "$NOUSERNS" x env NESTINIT_FALLBACK=plain "$NESTINIT" --info-file "$d/info" sh -c 'echo $$; exit 6'
    else
        run unshare -Ur sh -c "$NOUSERNS" x "$NESTINIT" --fallback plain --info-file "$d/info" sh -c 'echo $$; exit 6'
    fi
    want_rc 6 || return 1
    want_eq "number of warning lines" "$(printf '%s\n' "$ERR" | grep -c '^nestinit: warning: ')" 1 || return 1
    want_no_match "stderr" "$ERR" '^nestinit: error: ' || return 1
    want_match "payload ran (pid)" "$OUT" '^[0-9]+$' || return 1
    want_ne "payload pid (no new pid namespace)" "$OUT" 2 || return 1
    want_eq "info mode" "$(json "$d/info" 'd["mode"]')" plain
}

t nested_nestinit_fresh test_nested
t nested_nestinit_exit_status test_nested_exit
t nested_nestinit_under_map_root test_nested_map_root
t nested_nestinit_unprivileged test_nested_nobody
t nested_nestinit_under_proc_bind test_nested_under_proc bind
t nested_nestinit_under_proc_none test_nested_under_proc none
t fallback_control_userns_disabled test_nouserns_control
t fallback_fail_default_125 test_fallback_fail
t fallback_fail_explicit_125 test_fallback_fail --fallback fail
t fallback_plain_runs_with_warning test_fallback_plain option
t fallback_plain_env test_fallback_plain env
