#!/bin/bash
# Bad input and faults: each must end with one clear
# "nestinit: error: ..." line and the documented status (125 setup, 126 not
# executable, 127 not found), with nothing left running. Leftovers are found
# by a unique marker in nestinit's command line (outer and inner share it).
. "$(dirname "$0")/../lib.sh"
require_binary
require_root

MARK_N=0
new_mark() { MARK_N=$((MARK_N + 1)); MARK="nestinit-fault-mark-$$-$MARK_N"; }

# pids (other than this scanner) whose command line holds $1
marked() {
    printf '%s\n' "$1" >"$TMPD/mark"
    grep -laF -f "$TMPD/mark" /proc/[0-9]*/cmdline 2>/dev/null | sed 's#^/proc/##; s#/cmdline$##' | tr '\n' ' '
}
want_no_leftover() { # MARK: none left after 1 s at most
    local left _
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        left=$(marked "$1")
        [ -z "$left" ] && return 0
        sleep 0.1
    done
    local p desc=""
    for p in $left; do desc="$desc $p($(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | cut -c1-80))"; done
    WHY="left running after nestinit exited:$desc"
    return 1
}

# fault RC [WANT-ERR-ERE] -- CMD...: run it with a marker argument appended to
# the payload; want RC, one error line (matching ERE), no leftover, no hang
fault() {
    local want=$1 ere=${2:-.}; shift 2
    [ "$1" = -- ] && shift
    new_mark
    run "$@" "$MARK"
    want_rc "$want" && want_error || return 1
    want_match "error line" "$ERR" "$ere" || return 1
    [ "$ELAPSED_MS" -lt 5000 ] || { WHY="took ${ELAPSED_MS} ms"; return 1; }
    want_no_leftover "$MARK"
}

test_marker_control() {
    # the leftover check sees a running outer + inner + payload
    local d; d=$(newtmp)
    new_mark
    bg_ni -- sh -c 'touch "$1/ready"; i=0; while [ ! -e "$1/stop" ] && [ $i -lt 1000 ]; do sleep 0.01; i=$((i+1)); done' x "$d" "$MARK" ||
        { WHY="outer pid not found"; return 1; }
    wait_file "$d/ready" 10 || { touch "$d/stop"; bg_wait; WHY="payload never ready"; return 1; }
    local n; n=$(marked "$MARK" | wc -w)
    touch "$d/stop"
    bg_wait
    want_rc 0 || return 1
    [ "$n" -ge 3 ] || { WHY="marker scan found $n processes while outer, inner and payload ran, want >= 3"; return 1; }
    want_no_leftover "$MARK"
}

# ---- payload
test_missing() { fault 127 "cannot execute '/nonexistent/nestinit-payload'.*ENOENT" -- "$NESTINIT" /nonexistent/nestinit-payload; }
test_missing_path() { fault 127 "no-such-command-nestinit" -- "$NESTINIT" no-such-command-nestinit; }
test_not_exec() {
    local d; d=$(newtmp)
    printf '#!/bin/sh\necho ran\n' >"$d/script"
    chmod 0644 "$d/script"
    fault 126 "cannot execute '$d/script'.*EACCES" -- "$NESTINIT" "$d/script"
}
test_not_exec_dir() { local d; d=$(newtmp); fault 126 "cannot execute" -- "$NESTINIT" "$d"; }
test_bad_format() {
    local d; d=$(newtmp)
    printf '\x7fELF garbage' >"$d/bin"
    chmod 0755 "$d/bin"
    fault 126 "cannot execute '$d/bin'" -- "$NESTINIT" "$d/bin"
}
test_noexec_mount() {
    # the payload lies on a mount made noexec in a namespace the test owns
    local d; d=$(newtmp)
    cp /bin/true "$d/true"
    new_mark
    run unshare --mount sh -c 'mount --bind "$1" "$1" && mount -o remount,bind,noexec "$1" || exit 90; shift; exec "$@"' x "$d" \
        "$NESTINIT" "$d/true" "$MARK"
    want_rc 126 && want_error || return 1
    want_match "error line" "$ERR" "noexec|EACCES" || return 1
    want_no_leftover "$MARK"
}

# ---- /proc
test_proc_absent() { # [nestinit options]: chroot without /proc
    local d; d=$(newtmp)
    cp "$NESTINIT" "$d/nestinit" && cp /bin/busybox "$d/busybox" || { WHY="cannot prepare the chroot"; return 1; }
    fault 125 "/proc is missing" -- chroot "$d" /nestinit "$@" /busybox true
}
test_proc_absent_fallback() {
    # --fallback plain is for namespaces the kernel or the engine refuses; a
    # root without /proc is a broken environment that it does not hide: the
    # same one error line and 125 as without it, and the payload never runs
    local d; d=$(newtmp)
    cp "$NESTINIT" "$d/nestinit" && cp /bin/busybox "$d/busybox" || { WHY="cannot prepare the chroot"; return 1; }
    fault 125 "/proc is missing" -- chroot "$d" /nestinit --fallback plain /busybox echo payload-ran || return 1
    want_no_match "stdout (the payload must not run)" "$OUT" payload-ran
}
test_proc_tmpfs() {
    fault 125 "/proc is not a procfs" -- unshare --mount sh -c 'mount -t tmpfs tmpfs /proc || exit 90; exec "$@"' x \
        "$NESTINIT" true
}
test_proc_unmounted() {
    fault 125 "/proc is not a procfs" -- unshare --mount sh -c 'umount -l /proc || exit 90; exec "$@"' x \
        "$NESTINIT" true
}
RO_PROC='mount -t proc proc /proc && mount -o remount,bind,ro /proc || exit 90; exec "$@"'
test_proc_ro() {
    # what happens: the id maps cannot be written through a read-only /proc
    fault 125 "/proc/[0-9]+/(setgroups|uid_map|gid_map).*(Read-only file system|EROFS)" -- \
        unshare --mount --propagation private sh -c "$RO_PROC" x "$NESTINIT" true
}
test_proc_ro_control() {
    # control: the same fresh procfs, not read-only, works
    new_mark
    run unshare --mount --propagation private sh -c 'mount -t proc proc /proc || exit 90; exec "$@"' x "$NESTINIT" sh -c 'echo $$' "$MARK"
    want_rc 0 && want_no_stderr || return 1
    want_eq "payload pid" "$OUT" 2
}
test_proc_ro_fallback() {
    new_mark
    run unshare --mount --propagation private sh -c "$RO_PROC" x "$NESTINIT" --fallback plain sh -c 'echo payload-ran; exit 4' "$MARK"
    want_rc 4 || return 1
    want_eq "stdout" "$OUT" payload-ran || return 1
    want_eq "stderr" "$(printf '%s\n' "$ERR" | grep -c '^nestinit: warning: .*Read-only')" 1 || return 1
    want_eq "stderr lines" "$(printf '%s\n' "$ERR" | grep -c .)" 1 || return 1
    want_no_leftover "$MARK"
}

# ---- ids
test_user_unknown() { fault 125 "nosuchuser" -- "$NESTINIT" --user nosuchuser true; }
test_map_full_unpriv() { fault 125 "uid_map|full" -- "${AS_NOBODY[@]}" "$NESTINIT" --map full true; }
test_user_unmapped_unpriv() { fault 125 "1000.*not mapped" -- "${AS_NOBODY[@]}" "$NESTINIT" --user 1000 true; }

# ---- user namespaces disabled (inside a user namespace the test owns)
test_nouserns() {
    fault 125 "user\.max_user_namespaces" -- unshare -Ur sh -c "$NOUSERNS" x "$NESTINIT" sh -c 'echo payload-ran'
}
# A refused clone must not leave a pid of -1 that a later kill() would turn
# into "every process we may signal": a bystander outside survives.
test_nouserns_spares_bystanders() {
    setsid sleep 60 </dev/null >/dev/null 2>&1 &
    local bystander=$!
    run unshare -Ur sh -c "$NOUSERNS" x "$NESTINIT" --proc auto sh -c 'echo payload-ran'
    local alive=no
    kill -0 "$bystander" 2>/dev/null && alive=yes
    kill "$bystander" 2>/dev/null
    wait "$bystander" 2>/dev/null
    want_rc 125 || return 1
    want_eq "bystander alive after a refused clone" "$alive" yes
}
test_nouserns_plain() {
    new_mark
    run unshare -Ur sh -c "$NOUSERNS" x "$NESTINIT" --fallback plain sh -c 'echo payload-ran $$; exit 5' "$MARK"
    want_rc 5 || return 1
    want_match "stdout" "$OUT" '^payload-ran [0-9]+$' || return 1
    want_ne "payload pid (no new pid namespace)" "${OUT#payload-ran }" 2 || return 1
    want_eq "stderr lines" "$(printf '%s\n' "$ERR" | grep -c .)" 1 || return 1
    want_match "warning" "$ERR" '^nestinit: warning: .*user\.max_user_namespaces' || return 1
    want_no_leftover "$MARK"
}
test_check_ok_control() {
    ni --check && want_rc 0 || return 1
    want_no_match "--check on the host" "$OUT" '^FAIL ' || return 1
    ni --check --json && want_rc 0 || return 1
    want_eq "--check --json ok on the host" "$(printf '%s' "$OUT" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["ok"])')" True
}
test_check_nouserns() {
    run unshare -Ur sh -c "$NOUSERNS" x "$NESTINIT" --check
    want_rc 1 || return 1
    want_match "--check output" "$OUT" '^FAIL (userns|sysctls)' || return 1
    want_match "--check names the sysctl" "$OUT" 'max_user_namespaces'
}
test_check_json_nouserns() {
    run unshare -Ur sh -c "$NOUSERNS" x "$NESTINIT" --check --json
    want_rc 1 || return 1
    local r
    r=$(printf '%s' "$OUT" | "$PY" -c '
import json, sys
d = json.load(sys.stdin)
assert isinstance(d, dict), "not an object"
assert d.get("ok") is False, "ok is %r" % d.get("ok")
failed = [s["name"] for s in d["steps"] if s["status"] == "FAIL"]
assert set(failed) & {"userns", "sysctls"}, "failed steps: %r" % failed
print("ok")' 2>&1) || { WHY="--check --json: $(oneline "$r"); output: ${OUT:0:300}"; return 1; }
}

# ---- the inner's setup failing half-way
test_tmpfs_missing() { fault 125 "tmpfs.*/nonexistent/dir.*ENOENT" -- "$NESTINIT" --tmpfs /nonexistent/dir true; }
test_tmpfs_file() { fault 125 "tmpfs.*/etc/hostname.*ENOTDIR" -- "$NESTINIT" --tmpfs /etc/hostname true; }
test_ro_missing() { fault 125 "/nonexistent/ro.*ENOENT" -- "$NESTINIT" --ro /nonexistent/ro true; }
test_tmpfs_missing_unpriv() { fault 125 "/nonexistent/dir" -- "${AS_NOBODY[@]}" "$NESTINIT" --tmpfs /nonexistent/dir true; }
test_tmpfs_after_good() {
    # a good --tmpfs then a bad one: still one error line, nothing half-done outside
    local d; d=$(newtmp)
    fault 125 "/nonexistent/dir" -- "$NESTINIT" --tmpfs "$d" --tmpfs /nonexistent/dir true || return 1
    [ "$(stat -f -c %T "$d")" != tmpfs ] || { WHY="$d is a tmpfs on the host after the failed run"; return 1; }
}
test_payload_side_failure() {
    # the payload's own setup fails after the fork (a capability outside the
    # bounding set cannot be raised): one error line, 125
    fault 125 "capabilit" -- setpriv --bounding-set -sys_admin -- "$NESTINIT" --unshare none --cap-drop all --cap-add sys_admin true
}

t input_leftover_scan_control test_marker_control
t input_payload_missing_127 test_missing
t input_payload_not_in_path_127 test_missing_path
t input_payload_not_executable_126 test_not_exec
t input_payload_directory_126 test_not_exec_dir
t input_payload_bad_format_126 test_bad_format
t input_payload_on_noexec_mount_126 test_noexec_mount
t input_proc_absent_125 test_proc_absent
t input_proc_absent_map_root_125 test_proc_absent --map root
t input_proc_absent_fallback_plain test_proc_absent_fallback
t input_proc_tmpfs_not_procfs_125 test_proc_tmpfs
t input_proc_unmounted_125 test_proc_unmounted
t input_proc_fresh_control test_proc_ro_control
t input_proc_read_only_125 test_proc_ro
t input_proc_read_only_fallback_plain test_proc_ro_fallback
t input_user_unknown_125 test_user_unknown
t input_map_full_unprivileged_125 test_map_full_unpriv
t input_user_unmapped_unprivileged_125 test_user_unmapped_unpriv
t input_nouserns_control test_nouserns_control
t input_nouserns_125_names_sysctl test_nouserns
t input_nouserns_spares_bystanders test_nouserns_spares_bystanders
t input_nouserns_fallback_plain_warns test_nouserns_plain
t input_check_host_ok_control test_check_ok_control
t input_check_nouserns_fail_1 test_check_nouserns
t input_check_json_nouserns_ok_false test_check_json_nouserns
t input_inner_tmpfs_nonexistent_125 test_tmpfs_missing
t input_inner_tmpfs_on_file_125 test_tmpfs_file
t input_inner_ro_nonexistent_125 test_ro_missing
t input_inner_tmpfs_nonexistent_unprivileged_125 test_tmpfs_missing_unpriv
t input_inner_tmpfs_good_then_bad_125 test_tmpfs_after_good
t input_payload_side_cap_failure_125 test_payload_side_failure
