#!/bin/bash
# --info-file / --info-fd: one JSON object, written before the payload starts,
# whose pids and namespace inodes match what the host sees.
. "$(dirname "$0")/../lib.sh"
require_binary
require_root

# payload: copy the info file as it is when the payload starts, report ready,
# then wait (bounded) for the stop file.
WAITER='cp "$1/info" "$1/info.atstart" 2>/dev/null; touch "$1/ready"
i=0; while [ ! -e "$1/stop" ] && [ $i -lt 1000 ]; do sleep 0.01; i=$((i+1)); done; exit 0'

# Run once with the waiter and collect everything the tests below look at.
D=$(newtmp)
INNER="" PAYLOAD=""
collect() {
    bg_ni -- --info-file "$D/info" sh -c "$WAITER" x "$D" || { COLLECT_ERR="could not find the outer pid"; return 1; }
    if ! wait_file "$D/ready" 10; then
        COLLECT_ERR="payload never became ready; stderr: $(cat "$BG_ERR")"
        return 1
    fi
    INNER=$(pgrep -o -P "$OUTER")
    PAYLOAD=$(pgrep -o -P "$INNER")
    track "$INNER" "$PAYLOAD"
    # everything the host can read about the running processes
    {
        echo "inner_ppid=$(awk '/^PPid:/ { print $2 }' /proc/"$INNER"/status)"
        echo "inner_nspid=$(awk '/^NSpid:/ { $1 = ""; print }' /proc/"$INNER"/status)"
        echo "payload_nspid=$(awk '/^NSpid:/ { $1 = ""; print }' /proc/"$PAYLOAD"/status)"
        for n in $NS_KEYS; do
            echo "inner_$n=$(ns_ino /proc/"$INNER"/ns/$n)"
            echo "outer_$n=$(ns_ino /proc/"$OUTER"/ns/$n)"
        done
    } >"$D/host"
    touch "$D/stop"
    bg_wait
    COLLECT_ERR=""
    [ "$RC" = 0 ] || COLLECT_ERR="run failed: exit $RC; stderr: $ERR"
    [ "$TIMED_OUT" = 1 ] && COLLECT_ERR="run timed out"
    [ -z "$COLLECT_ERR" ]
}
collect
COLLECTED=$?
hv() { sed -n "s/^$1=//p" "$D/host"; }

need_collected() {
    [ "$COLLECTED" = 0 ] && return 0
    WHY="$COLLECT_ERR"
    return 1
}

test_valid() {
    need_collected || return 1
    want_info_json "$D/info"
}

test_version() {
    need_collected || return 1
    local v; v=$(timeout 5 "$NESTINIT" --version | head -n 1)   # line 1: nestinit VERSION
    want_eq "info version (vs --version)" "nestinit $(json "$D/info" 'd["version"]')" "$v"
}

test_outer_pid() {
    need_collected || return 1
    want_eq "outer_pid" "$(json "$D/info" 'd["outer_pid"]')" "$OUTER"
}

test_inner_pid() {
    need_collected || return 1
    want_eq "inner_pid (the outer's child)" "$(json "$D/info" 'd["inner_pid"]')" "$INNER" || return 1
    want_eq "inner's parent" "$(hv inner_ppid)" "$OUTER" || return 1
    want_eq "inner NSpid (host pid, ns pid)" "$(fields "$(hv inner_nspid)")" "$INNER 1" || return 1
    want_eq "payload NSpid" "$(fields "$(hv payload_nspid)")" "$PAYLOAD 2"
}

test_fields() {
    need_collected || return 1
    want_eq mode "$(json "$D/info" 'd["mode"]')" nested || return 1
    want_eq proc "$(json "$D/info" 'd["proc"]')" fresh || return 1
    want_eq proc_reason "$(json "$D/info" 'd["proc_reason"]')" null || return 1
    want_eq map "$(json "$D/info" 'd["map"]')" full || return 1
    want_eq uid_map "$(fields "$(json "$D/info" 'd["uid_map"]')")" "0 0 4294967295" || return 1
    want_eq gid_map "$(fields "$(json "$D/info" 'd["gid_map"]')")" "0 0 4294967295"
}

test_namespaces() {
    need_collected || return 1
    local n bad="" got want
    for n in $NS_KEYS; do
        got=$(json "$D/info" "str(d['namespaces']['$n'])")
        want=$(hv "inner_$n")
        [ -n "$want" ] && [ "$got" = "$want" ] || bad="$bad namespaces.$n=$got(host:$want)"
        got=$(json "$D/info" "str(d['outer_namespaces']['$n'])")
        want=$(hv "outer_$n")
        [ -n "$want" ] && [ "$got" = "$want" ] || bad="$bad outer_namespaces.$n=$got(host:$want)"
    done
    [ -z "$bad" ] || { WHY="mismatch:$bad"; return 1; }
    for n in user pid mnt; do
        [ "$(hv "inner_$n")" != "$(hv "outer_$n")" ] || bad="$bad $n-not-new"
    done
    for n in uts ipc net cgroup; do
        [ "$(hv "inner_$n")" = "$(hv "outer_$n")" ] || bad="$bad $n-unshared-by-default"
    done
    [ -z "$bad" ] || { WHY="namespaces:$bad"; return 1; }
}

test_before_payload() {
    need_collected || return 1
    if [ ! -e "$D/info.atstart" ]; then
        WHY="the info file did not exist when the payload started"
        return 1
    fi
    want_info_json "$D/info.atstart"
}

test_info_fd() {
    local d; d=$(newtmp)
    run bash -c 'exec "$@" 3>"$0"' "$d/fd3" "$NESTINIT" --info-fd 3 sh -c 'exit 0' && want_rc 0 || return 1
    want_info_json "$d/fd3" || return 1
    want_eq "proc via --info-fd" "$(json "$d/fd3" 'd["proc"]')" fresh
}

test_info_fd_pipe() {
    # typical use: a reader on a pipe sees the object before the payload ends
    local d; d=$(newtmp)
    run bash -c '
        exec 4> >(head -n1 >"$1/fromfd"; touch "$1/done")
        "$2" --info-fd 4 sh -c "i=0; while [ ! -e \"$1/done\" ] && [ \$i -lt 500 ]; do sleep 0.01; i=\$((i+1)); done; [ -e \"$1/done\" ]"' x "$d" "$NESTINIT"
    want_rc 0 || { WHY="$WHY (the info line did not reach a pipe reader while the payload ran)"; return 1; }
    want_info_json "$d/fromfd"
}

test_info_env() {
    local d; d=$(newtmp)
    run env NESTINIT_INFO_FILE="$d/info" "$NESTINIT" true && want_rc 0 || return 1
    want_info_json "$d/info"
}

test_info_map_root() {
    local d; d=$(newtmp)
    ni --map root --info-file "$d/info" true && want_rc 0 || return 1
    want_eq map "$(json "$d/info" 'd["map"]')" root || return 1
    want_eq uid_map "$(fields "$(json "$d/info" 'd["uid_map"]')")" "0 0 1"
}

test_info_plain() {
    local d; d=$(newtmp)
    ni --unshare none --info-file "$d/info" true && want_rc 0 || return 1
    want_eq mode "$(json "$d/info" 'd["mode"]')" plain || return 1
    want_eq map "$(json "$d/info" 'd["map"]')" none
}

t info_valid_single_line_json test_valid
t info_version_matches test_version
t info_outer_pid test_outer_pid
t info_inner_pid test_inner_pid
t info_fields_fresh_full test_fields
t info_namespace_inodes test_namespaces
t info_written_before_payload test_before_payload
t info_fd_file test_info_fd
t info_fd_pipe test_info_fd_pipe
t info_env_file test_info_env
t info_map_root test_info_map_root
t info_mode_plain test_info_plain
