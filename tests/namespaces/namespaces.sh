#!/bin/bash
# Namespaces, process model, /proc modes and id maps, as root on the host.
. "$(dirname "$0")/../lib.sh"
require_binary
require_root

host_ns() { ns_ino "/proc/self/ns/$1"; }

test_payload_pid2() {
    ni sh -c 'echo $$' && want_rc 0 || return 1
    want_eq "payload \$\$" "$OUT" 2
}

test_inner_pid1() {
    ni sh -c 'tr "\0" "\n" </proc/1/cmdline | head -n1' && want_rc 0 || return 1
    want_eq "argv[0] of pid 1" "$OUT" "$NESTINIT"
}

test_fresh_proc_self() { # ARGS...
    ni "$@" readlink /proc/self && want_rc 0 || return 1
    want_eq "/proc/self" "$OUT" 2 || return 1
    want_no_stderr
}

test_fresh_proc_pids() {
    # glob with builtins only: no child of the payload exists while listing
    ni sh -c 'for p in /proc/[0-9]*; do printf "%s " "${p#/proc/}"; done' && want_rc 0 || return 1
    want_eq "pids visible in /proc" "$(fields "$OUT")" "1 2"
}

test_fresh_proc_child_visible() {
    ni sh -c 'sleep 2 & c=$!; [ -d /proc/$c ] && [ "$c" -gt 2 ] && echo child-visible; kill $c; echo $$' && want_rc 0 || return 1
    want_eq "payload report" "$(fields "$OUT")" "child-visible 2"
}

test_fresh_mountinfo() {
    # mount point is field 5; the fs type follows the " - " separator
    # fields: 3 = st_dev major:minor, 5 = mount point; fs type follows " - "
    local prog='$5 == "/proc" { for (i = 7; $i != "-"; i++); t = $(i+1); dev = $3 } END { print t, dev }'
    local hostdev; hostdev=$(awk "$prog" /proc/self/mountinfo | cut -d' ' -f2)
    ni awk "$prog" /proc/self/mountinfo && want_rc 0 || return 1
    want_eq "fs type of the last /proc mount" "${OUT% *}" proc || return 1
    want_ne "device of the last /proc mount (host's is $hostdev)" "${OUT#* }" "$hostdev"
}

test_fresh_proc_is_new_sb() {
    # the fresh procfs is a new superblock, not the host's /proc
    local hostdev; hostdev=$(stat -c %d /proc)
    ni stat -c %d /proc && want_rc 0 || return 1
    want_ne "st_dev of /proc inside (host: $hostdev)" "$OUT" "$hostdev"
}

test_ns_differs() { # NS (user pid mnt ...): differs from the host
    ni readlink "/proc/self/ns/$1" && want_rc 0 || return 1
    want_ne "$1 namespace" "$OUT" "$(readlink "/proc/self/ns/$1")" || return 1
    want_match "$1 namespace" "$OUT" "^$1:\[[0-9]+\]$"
}

test_ns_same() { # NS: same as the host (default --unshare)
    ni readlink "/proc/self/ns/$1" && want_rc 0 || return 1
    want_eq "$1 namespace" "$OUT" "$(readlink "/proc/self/ns/$1")"
}

test_stat_ns_pid() {
    # the readback from the brief, with -L (the link's own inode says nothing)
    ni stat -L -c %i /proc/self/ns/pid && want_rc 0 || return 1
    want_match "pid ns inode" "$OUT" '^[0-9]+$' || return 1
    want_ne "pid ns inode" "$OUT" "$(stat -L -c %i /proc/self/ns/pid)"
}

test_unshare_all() {
    local d ns host got bad=""
    d=$(newtmp)
    ni --unshare user,pid,mount,uts,ipc,net,cgroup sh -c \
        'for n in user pid mnt uts ipc net cgroup; do echo "$n $(readlink /proc/self/ns/$n)"; done' && want_rc 0 || return 1
    for ns in $NS_KEYS; do
        host=$(readlink "/proc/self/ns/$ns")
        got=$(printf '%s\n' "$OUT" | awk -v n="$ns" '$1 == n { print $2 }')
        [ -n "$got" ] && [ "$got" != "$host" ] || bad="$bad $ns($got)"
    done
    [ -z "$bad" ] && return 0
    WHY="namespaces not new:$bad"
    return 1
}

test_unshare_net() {
    # a new net namespace has only lo
    ni --unshare user,pid,mount,net sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1' && want_rc 0 || return 1
    want_eq "interfaces" "$(fields "$OUT")" lo
}

test_hostname() {
    local before after
    before=$(cat /proc/sys/kernel/hostname)
    ni --hostname nestinit-test-host sh -c 'cat /proc/sys/kernel/hostname; readlink /proc/self/ns/uts' && want_rc 0 || return 1
    after=$(cat /proc/sys/kernel/hostname)
    want_eq "hostname inside" "$(printf '%s\n' "$OUT" | head -n1)" nestinit-test-host || return 1
    want_ne "uts ns inside" "$(printf '%s\n' "$OUT" | sed -n 2p)" "$(readlink /proc/self/ns/uts)" || return 1
    want_eq "host hostname unchanged" "$after" "$before"
}

test_map_full() { # ARGS...
    ni "$@" sh -c 'readlink /proc/self/ns/user; cat /proc/self/uid_map; echo .; cat /proc/self/gid_map; echo .; id -u; id -g' && want_rc 0 || return 1
    # a new user namespace (the host's own map reads the same)
    want_ne "user namespace" "$(printf '%s\n' "$OUT" | head -n1)" "$(readlink /proc/self/ns/user)" || return 1
    want_eq "uid_map . gid_map . uid gid" "$(fields "$(printf '%s\n' "$OUT" | tail -n +2)")" "0 0 4294967295 . 0 0 4294967295 . 0 0"
}

test_map_through_foreign_proc() {
    # under `unshare -pf` nestinit is pid 1 of a pid namespace whose /proc is
    # still the parent's: there the clone's pid does not name the inner, which
    # must look itself up (NSpid has two entries); the maps land all the same
    run unshare -pf -- "$NESTINIT" --info-file "$TMPD/foreign.json" sh -c 'echo $$; cat /proc/self/uid_map' &&
        want_rc 0 && want_no_stderr || return 1
    want_eq "payload pid, uid_map" "$(fields "$OUT")" "2 0 0 4294967295" || return 1
    local inner
    inner=$(json "$TMPD/foreign.json" 'd["inner_pid"]')
    want_eq "the outer is pid 1 there" "$(json "$TMPD/foreign.json" 'd["outer_pid"]')" 1 || return 1
    want_match "the inner's pid in the outer's namespace" "$inner" '^[0-9]+$'
}

test_map_root_as_root() {
    ni --map root sh -c 'cat /proc/self/uid_map; echo .; cat /proc/self/gid_map; echo .; cat /proc/self/setgroups; id -u' && want_rc 0 || return 1
    want_eq "uid_map . gid_map . setgroups uid" "$(fields "$OUT")" "0 0 1 . 0 0 1 . deny 0"
}

test_proc_bind() {
    ni --proc bind sh -c 'echo $$; cd -P /proc/self && echo ${PWD#/proc/}; cd /; stat -c %d /proc; while read -r k v; do [ "$k" = NSpid: ] && echo $v; done </proc/self/status; true' && want_rc 0 && want_bind_warning || return 1
    local pid self dev nspid
    pid=$(printf '%s\n' "$OUT" | sed -n 1p)
    self=$(printf '%s\n' "$OUT" | sed -n 2p)
    dev=$(printf '%s\n' "$OUT" | sed -n 3p)
    nspid=$(printf '%s\n' "$OUT" | sed -n 4p)
    want_eq "payload \$\$" "$pid" 2 || return 1
    want_match "/proc/self (a host pid)" "$self" '^[0-9]+$' || return 1
    want_ne "/proc/self" "$self" 2 || return 1
    want_eq "NSpid through the bind (host pid, ns pid)" "$(fields "$nspid")" "$self 2" || return 1
    want_eq "st_dev of /proc (the host's procfs)" "$dev" "$(stat -c %d /proc)"
}

test_proc_none() {
    local d; d=$(newtmp)
    ni --proc none --info-file "$d/info" sh -c 'cd -P /proc/self && echo ${PWD#/proc/}; cd /; stat -c %d /proc' && want_rc 0 && want_no_stderr || return 1
    want_ne "/proc/self" "$(printf '%s\n' "$OUT" | sed -n 1p)" 2 || return 1
    want_eq "st_dev of /proc" "$(printf '%s\n' "$OUT" | sed -n 2p)" "$(stat -c %d /proc)" || return 1
    want_eq "info proc" "$(json "$d/info" 'd["proc"]')" none
}

test_unshare_none() {
    local d; d=$(newtmp)
    ni --unshare none --info-file "$d/info" sh -c 'for n in user pid mnt; do readlink /proc/self/ns/$n; done; exit 9' && want_rc 9 || return 1
    local host
    host=$(for n in user pid mnt; do readlink /proc/self/ns/$n; done)
    want_eq "namespaces with --unshare none" "$(fields "$OUT")" "$(fields "$host")" || return 1
    want_eq "info mode" "$(json "$d/info" 'd["mode"]')" plain
}

test_no_new_privs() {
    ni sh -c 'grep NoNewPrivs /proc/self/status' && want_rc 0 || return 1
    want_eq "without --no-new-privs" "$(fields "$OUT")" "NoNewPrivs: 0" || return 1
    ni --no-new-privs sh -c 'grep NoNewPrivs /proc/self/status' && want_rc 0 || return 1
    want_eq "with --no-new-privs" "$(fields "$OUT")" "NoNewPrivs: 1"
}

test_mount_private() {
    # a mount made by the payload must not appear in the host's mount table
    local d; d=$(newtmp)
    mkdir "$d/mnt"
    ni sh -c 'mount -t tmpfs nestinit-leak-test "$1" && grep -c nestinit-leak-test /proc/self/mountinfo; grep -c nestinit-leak-test /proc/1/mountinfo' x "$d/mnt" && want_rc 0 || return 1
    want_eq "tmpfs visible inside / to pid 1" "$(fields "$OUT")" "1 1" || return 1
    if grep -q nestinit-leak-test /proc/self/mountinfo; then
        WHY="the payload's tmpfs mount leaked into the host mount namespace"
        umount "$d/mnt" 2>/dev/null
        return 1
    fi
}

test_bind_fd_isolation() {
    # ptrace_may_access (proc(5), /proc/PID/fd): through a bind of the outer /proc the payload sees the outer's
    # pid, but must not resolve its fds (ptrace_may_access across userns)
    local d; d=$(newtmp)
    ni --proc bind --info-file "$d/info" sh -c '
        o=$(sed -n "s/.*\"outer_pid\": *\([0-9]*\).*/\1/p" "$1")
        [ -n "$o" ] && [ -d "/proc/$o" ] && echo "sees-outer"
        readlink /proc/self/fd/1 >/dev/null && echo "self-ok"
        if readlink /proc/$o/fd/0 >/dev/null 2>&1; then echo "LEAK-readlink"; fi
        if cat /proc/$o/environ >/dev/null 2>&1; then echo "LEAK-environ"; fi
        true' x "$d/info" && want_rc 0 || return 1
    want_eq "payload report" "$(fields "$OUT")" "sees-outer self-ok"
}

test_no_fd_leak() { # nestinit options...
    # the payload has exactly the fds a plain sh started from here has
    local d; d=$(newtmp)
    run sh -c 'cd /proc/self/fd && echo *'
    local want=$OUT
    ni "$@" sh -c 'cd /proc/self/fd && echo *' && want_rc 0 || return 1
    want_eq "payload fds (args: $*)" "$OUT" "$want"
}

t ns_payload_is_pid2 test_payload_pid2
t ns_inner_is_pid1_nestinit test_inner_pid1
t ns_fresh_proc_self_default test_fresh_proc_self
t ns_fresh_proc_self_auto test_fresh_proc_self --proc auto
t ns_fresh_proc_self_fresh test_fresh_proc_self --proc fresh
t ns_fresh_proc_only_ns_pids test_fresh_proc_pids
t ns_fresh_proc_child_visible test_fresh_proc_child_visible
t ns_fresh_proc_mountinfo test_fresh_mountinfo
t ns_fresh_proc_new_superblock test_fresh_proc_is_new_sb
t ns_pid_stat_inode_differs test_stat_ns_pid
for n in user pid mnt; do t "ns_default_new_$n" test_ns_differs "$n"; done
for n in uts ipc net cgroup; do t "ns_default_keeps_$n" test_ns_same "$n"; done
t ns_unshare_all test_unshare_all
t ns_unshare_net_only_lo test_unshare_net
t ns_hostname test_hostname
t ns_map_auto_full_as_root test_map_full
t ns_map_full_explicit test_map_full --map full
t ns_map_root_as_root test_map_root_as_root
t ns_map_through_a_proc_of_another_pid_namespace test_map_through_foreign_proc
t ns_proc_bind test_proc_bind
t ns_proc_none test_proc_none
t ns_unshare_none_plain test_unshare_none
t ns_no_new_privs test_no_new_privs
t ns_mount_private test_mount_private
t ns_bind_proc_fd_isolation test_bind_fd_isolation
t ns_no_fd_leak_fresh test_no_fd_leak
t ns_no_fd_leak_bind test_no_fd_leak --proc bind
t ns_no_fd_leak_info_file test_no_fd_leak --info-file /dev/null
t ns_no_fd_leak_plain test_no_fd_leak --unshare none
