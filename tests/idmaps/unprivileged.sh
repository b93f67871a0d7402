#!/bin/bash
# Id maps for an unprivileged caller (uid/gid 65534 via setpriv): --map auto
# is root, --map full fails with 125, the outer stays unprivileged, /proc and
# exit statuses still work; a caller that is root of a user namespace whose
# map has 340 ranges (--map full/auto copy them, --user in the last range),
# and a map longer than the kernel takes in one write (one clear error line).
. "$(dirname "$0")/../lib.sh"
require_binary
require_root

if ! timeout 5 "${AS_NOBODY[@]}" test -x "$NESTINIT"; then
    skip unpriv "uid $NOBODY_UID cannot execute $NESTINIT (a parent directory is not searchable?)"
    exit 0
fi
if ! timeout 5 "${AS_NOBODY[@]}" unshare -U true 2>/dev/null; then
    skip unpriv "uid $NOBODY_UID cannot create a user namespace on this machine"
    exit 0
fi

test_maps() { # nestinit-options...
    ni_nobody "$@" sh -c 'cat /proc/self/uid_map; echo .; cat /proc/self/gid_map; echo .; cat /proc/self/setgroups; id -u; id -g' &&
        want_rc 0 || return 1
    want_eq "uid_map . gid_map . setgroups uid gid" "$(fields "$OUT")" "0 65534 1 . 0 65534 1 . deny 0 0"
}

test_map_full_fails() {
    ni_nobody --map full true && want_rc 125 && want_error
}

test_map_full_env_fails() {
    run env NESTINIT_MAP=full "${AS_NOBODY[@]}" "$NESTINIT" true && want_rc 125 && want_error
}

test_info() {
    local d; d=$(newtmp shared)
    ni_nobody --info-file "$d/info" readlink /proc/self && want_rc 0 || return 1
    want_info_json "$d/info" || return 1
    want_eq map "$(json "$d/info" 'd["map"]')" root || return 1
    want_eq proc "$(json "$d/info" 'd["proc"]')" fresh || return 1
    want_eq uid_map "$(fields "$(json "$d/info" 'd["uid_map"]')")" "0 65534 1" || return 1
    want_eq gid_map "$(fields "$(json "$d/info" 'd["gid_map"]')")" "0 65534 1" || return 1
    want_eq "/proc/self" "$OUT" 2
}

test_fresh() {
    ni_nobody sh -c 'echo $$; cd -P /proc/self && echo ${PWD#/proc/}; cd /; for p in /proc/[0-9]*; do printf "%s " "${p#/proc/}"; done' && want_rc 0 || return 1
    want_eq "\$\$ /proc/self pids" "$(fields "$OUT")" "2 2 1 2" || return 1
    want_no_stderr
}

test_exit() {
    ni_nobody sh -c 'exit 5' && want_rc 5 || return 1
    ni_nobody sh -c 'kill -TERM $$; sleep 5' && want_rc 143
}

test_not_found() {
    ni_nobody no-such-command-nestinit-test && want_rc 127 && want_error
}

test_outer_is_nobody() {
    # the outer keeps running as the caller; only the inner is "root"
    local d; d=$(newtmp shared)
    bg_ni "${AS_NOBODY[@]}" -- sh -c 'echo $$ >"$1/pid"; touch "$1/ready"; i=0; while [ ! -e "$1/stop" ] && [ $i -lt 1000 ]; do sleep 0.01; i=$((i+1)); done' x "$d" ||
        { WHY="outer pid not found"; return 1; }
    wait_file "$d/ready" 10 || { WHY="payload never ready"; touch "$d/stop"; bg_wait; return 1; }
    local uid; uid=$(awk '/^Uid:/ { print $2, $3, $4, $5 }' /proc/"$OUTER"/status)
    touch "$d/stop"
    bg_wait
    want_rc 0 && want_pid2 "$d" || return 1
    want_eq "outer's uids (real eff saved fs)" "$uid" "65534 65534 65534 65534"
}

test_proc_bind_unpriv() {
    ni_nobody --proc bind awk '$1 == "NSpid:" { $1 = ""; print }' /proc/self/status && want_rc 0 && want_bind_warning || return 1
    # through the bind of the outer /proc: host pid, then pid 2 in the new ns
    want_match "NSpid with --proc bind" "$(fields "$OUT")" '^[0-9]+ 2$'
}

# ---- a caller that is root of a user namespace whose map has many ranges (a
# rootless engine with many subuid ranges): tests/helpers/h_bigmap runs
# nestinit there. The kernel shows up to 340 lines per map (user_namespaces(7)),
# each padded to 33 bytes: more than 248 overflowed nestinit's 8 KiB buffers.
bigmap_want() { # RANGES INSIDE: the full 1:1 map nestinit must give the inner
    local i
    echo "0 0 1"
    for ((i = 1; i < $1; i++)); do echo "$(($2 + 2 * i)) $(($2 + 2 * i)) 1"; done
}

bigmap() { # RANGES INSIDE OUTSIDE CMD...
    build_helper h_bigmap || return 1
    run "$HELPERS/h_bigmap" "$@"
}

test_bigmap_control() {
    bigmap 340 0 1000 sh -c 'wc -l </proc/self/uid_map; wc -l </proc/self/gid_map; id -u' && want_rc 0 || return 1
    want_eq "lines of the helper's uid_map, gid_map; uid" "$(fields "$OUT")" "340 340 0"
}

test_bigmap_full() { # MAP-MODE
    local d; d=$(newtmp)
    bigmap 340 0 1000 "$NESTINIT" --map "$1" --info-file "$d/info" cat /proc/self/uid_map /proc/self/gid_map &&
        want_rc 0 && want_no_stderr || return 1
    local want; want=$(fields "$(bigmap_want 340 0) $(bigmap_want 340 0)")
    want_eq "payload's uid_map and gid_map (340 lines each)" "$(fields "$OUT")" "$want" || return 1
    want_eq "info map" "$(json "$d/info" 'd["map"]')" full || return 1
    want_eq "info uid_map" "$(fields "$(json "$d/info" 'd["uid_map"]')")" "$(fields "$(bigmap_want 340 0)")"
}

test_bigmap_user() {
    # a --user from the last range: the mapped check reads the whole map
    bigmap 340 0 1000 "$NESTINIT" --user 678:678 sh -c 'id -u; id -g' && want_rc 0 && want_no_stderr || return 1
    want_eq "id -u -g of --user 678:678" "$(fields "$OUT")" "678 678"
}

test_bigmap_too_long() {
    # 260 ranges of 6-digit ids: the 1:1 map is 4150 bytes, and the kernel
    # takes a map in one write of less than a page: a clear line, not EINVAL
    [ "$(getconf PAGESIZE)" = 4096 ] || { WHY="page size $(getconf PAGESIZE), this test assumes 4096"; return 1; }
    bigmap 260 100000 1 "$NESTINIT" --map full true && want_rc 125 && want_error || return 1
    want_match "error line" "$ERR" "has 260 ranges, 4150 bytes .*less than 4096 bytes.*fix: --map root" || return 1
    local d; d=$(newtmp)
    bigmap 260 100000 1 "$NESTINIT" -v --info-file "$d/info" true && want_rc 0 || return 1
    want_eq "info map under --map auto" "$(json "$d/info" 'd["map"]')" root || return 1
    want_match "the fallback says why" "$ERR" "full id map refused \(.*has 260 ranges.*\), using the root map"
}

t unpriv_map_auto_is_root test_maps
t unpriv_map_root_explicit test_maps --map root
t unpriv_map_full_fails_125 test_map_full_fails
t unpriv_map_full_env_fails_125 test_map_full_env_fails
t unpriv_info_json test_info
t unpriv_fresh_proc test_fresh
t unpriv_exit_status test_exit
t unpriv_not_found_127 test_not_found
t unpriv_outer_stays_unprivileged test_outer_is_nobody
t unpriv_proc_bind test_proc_bind_unpriv
t bigmap_control_helper_maps_340_ranges test_bigmap_control
t bigmap_340_ranges_map_full test_bigmap_full full
t bigmap_340_ranges_map_auto test_bigmap_full auto
t bigmap_340_ranges_user_in_last_range test_bigmap_user
t bigmap_map_over_a_page_clear_line test_bigmap_too_long
