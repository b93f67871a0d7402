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

# ---- --info-file is opened by root before the payload: never through a link,
# never blocking, never destroying a file it did not write

PRECIOUS="root:x:0:0:precious line"
# want_refused WHAT-REGEX FILE: exit 125, one error line naming the refusal,
# FILE (the planted target) still holds $PRECIOUS
want_refused() {
    want_rc 125 && want_error || return 1
    want_match "error line" "$ERR" "--info-file .*refused, $1" || return 1
    want_eq "content of the planted target $2" "$(cat "$2")" "$PRECIOUS"
}

test_info_symlink_planted() {
    # an earlier payload run as uid 1000 plants a link in a directory it can
    # write (not sticky, so fs.protected_symlinks does not stop root following)
    local d t; d=$(newtmp shared) t=$(newtmp)
    printf '%s\n' "$PRECIOUS" >"$t/precious"
    run setpriv --reuid=1000 --regid=1000 --clear-groups ln -s "$t/precious" "$d/info"
    [ "$RC" = 0 ] || { WHY="uid 1000 could not plant the link: $ERR"; return 1; }
    ni --info-file "$d/info" true
    want_refused "it is a symbolic link" "$t/precious"
}

test_info_hardlink() {
    local d; d=$(newtmp)
    printf '%s\n' "$PRECIOUS" >"$d/precious"
    ln "$d/precious" "$d/info" || { WHY="cannot make a hard link"; return 1; }
    ni --info-file "$d/info" true
    want_refused "it has more than one hard link" "$d/precious"
}

test_info_parent_symlink() {
    # the parent directory is a link to another directory holding a file of
    # the same name: the content rule keeps that file
    local d t; d=$(newtmp shared) t=$(newtmp)
    printf '%s\n' "$PRECIOUS" >"$t/info"
    ln -s "$t" "$d/sub"
    ni --info-file "$d/sub/info" true
    want_refused "it exists and holds something other than an earlier --info object" "$t/info"
}

test_info_fifo() { # with-reader: 0 or 1
    local d; d=$(newtmp)
    mkfifo "$d/info" || { WHY="mkfifo failed"; return 1; }
    local T_TIMEOUT=5
    if [ "$1" = 1 ]; then # a reader holds it open: open(2) succeeds, fstat refuses
        run bash -c 'exec 3<>"$1"; shift; exec "$@"' x "$d/info" "$NESTINIT" --info-file "$d/info" true
    else # no reader: open(2) would block without O_NONBLOCK
        ni --info-file "$d/info" true
    fi
    want_rc 125 && want_error || return 1
    want_match "error line" "$ERR" "--info-file .*refused, it is not a regular file" || return 1
    [ "$ELAPSED_MS" -lt 2000 ] || { WHY="refusal took ${ELAPSED_MS} ms"; return 1; }
}

test_info_directory() {
    local d; d=$(newtmp)
    mkdir "$d/info"
    ni --info-file "$d/info" true
    want_rc 125 && want_error || return 1
    want_match "error line" "$ERR" "--info-file .*refused, it is a directory"
}

test_info_foreign_content() {
    local d; d=$(newtmp)
    printf '%s\n' "$PRECIOUS" >"$d/info"
    ni --info-file "$d/info" true
    want_refused "it exists and holds something other" "$d/info"
}

test_info_regular_reuse() {
    # a new file, then the same path again (an earlier info object), then an
    # empty placeholder (what a bind mount of a fresh file looks like)
    local d; d=$(newtmp)
    ni --info-file "$d/info" true && want_rc 0 && want_info_json "$d/info" || return 1
    local first; first=$(json "$d/info" 'd["outer_pid"]')
    ni --info-file "$d/info" true && want_rc 0 && want_info_json "$d/info" || return 1
    want_ne "outer_pid of the second run (file rewritten)" "$(json "$d/info" 'd["outer_pid"]')" "$first" || return 1
    : >"$d/empty"
    ni --info-file "$d/empty" true && want_rc 0 && want_info_json "$d/empty" || return 1
    want_eq "mode of the created file" "$(stat -c %a "$d/info")" 644 || return 1
    # /dev/null, the one device allowed: writing it destroys nothing
    ni --info-file /dev/null true && want_rc 0 && want_no_stderr
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
t info_file_symlink_planted_by_uid_1000_refused test_info_symlink_planted
t info_file_hardlink_refused test_info_hardlink
t info_file_symlinked_parent_keeps_other_file test_info_parent_symlink
t info_file_fifo_no_reader_refused_at_once test_info_fifo 0
t info_file_fifo_with_reader_refused test_info_fifo 1
t info_file_directory_refused test_info_directory
t info_file_foreign_content_refused test_info_foreign_content
t info_file_regular_new_rewrite_empty test_info_regular_reuse
