#!/bin/bash
# --unshare uts,ipc,net,cgroup and --hostname NAME, with
# readbacks: hostname, network links (netlink and a fresh sysfs), lo up,
# namespace inodes, SysV IPC visibility, /proc/self/cgroup paths, and the
# --info-file namespaces against outer_namespaces.
. "$(dirname "$0")/../lib.sh"
require_binary
require_root

ALL=user,pid,mount,uts,ipc,net,cgroup

test_hostname() { # nestinit options (with --hostname)
    local before; before=$(cat /proc/sys/kernel/hostname)
    ni "$@" sh -c 'cat /proc/sys/kernel/hostname; uname -n' && want_rc 0 && want_no_stderr || return 1
    want_eq "hostname inside (kernel, uname)" "$(fields "$OUT")" "ni-test-host ni-test-host" || return 1
    want_eq "host's hostname after the run" "$(cat /proc/sys/kernel/hostname)" "$before" || return 1
    want_ne "host's hostname (control)" "$before" ni-test-host
}

test_hostname_bad() { # NAME: too long for the kernel (64)
    ni --hostname "$1" true && want_rc 125 && want_error
}

NET_PAYLOAD='ip -o link | awk -F": " "{ print \$2 }" | tr "\n" " "; echo
ip -o link show lo | grep -o "<[^>]*>"
d=$(mktemp -d) && mount -t sysfs sysfs "$d" && ls "$d/class/net" | tr "\n" " " && echo && cat "$d/class/net/lo/flags"; umount "$d"; rmdir "$d"'

test_net() { # runner (ni|ni_nobody) nestinit options
    local runner=$1; shift
    "$runner" "$@" sh -c "$NET_PAYLOAD" && want_rc 0 && want_no_stderr || return 1
    local links flags sysnet sysflags
    links=$(printf '%s\n' "$OUT" | sed -n 1p)
    flags=$(printf '%s\n' "$OUT" | sed -n 2p)
    sysnet=$(printf '%s\n' "$OUT" | sed -n 3p)
    sysflags=$(printf '%s\n' "$OUT" | sed -n 4p)
    want_eq "links (ip -o link)" "$(fields "$links")" lo || return 1
    want_match "lo flags (ip)" "$flags" '[<,]UP[,>]' || return 1
    want_eq "links in a fresh sysfs (class/net)" "$(fields "$sysnet")" lo || return 1
    want_match "lo flags file" "$sysflags" '^0x[0-9a-f]+$' || return 1
    [ $((sysflags & 1)) = 1 ] || { WHY="lo flags $sysflags lack IFF_UP (0x1)"; return 1; }
}

test_net_control() {
    # the host has more than lo, so "only lo" above says something
    local n; n=$(ip -o link | wc -l)
    [ "$n" -gt 1 ] && return 0
    WHY="the host has only $n link(s): the net test cannot tell a new namespace from the host's"
    return 1
}

test_ns_inodes() { # NSLIST-that-must-differ NSLIST-that-must-match nestinit options...
    local differ=$1 same=$2 d ns host got inner outer bad=""; shift 2
    d=$(newtmp)
    ni --info-file "$d/info" "$@" sh -c 'for n in user pid mnt uts ipc net cgroup; do echo "$n $(readlink /proc/self/ns/$n)"; done' &&
        want_rc 0 && want_no_stderr || return 1
    want_info_json "$d/info" || return 1
    # "ns inner outer" per namespace, from the info JSON
    json "$d/info" '"\n".join("%s %s %s" % (n, d["namespaces"][n], d["outer_namespaces"][n]) for n in d["namespaces"])' >"$d/ns"
    for ns in $differ $same; do
        host=$(readlink "/proc/self/ns/$ns")
        got=$(printf '%s\n' "$OUT" | awk -v n="$ns" '$1 == n { print $2 }')
        inner=$(awk -v n="$ns" '$1 == n { print $2 }' "$d/ns")
        outer=$(awk -v n="$ns" '$1 == n { print $3 }' "$d/ns")
        [ "$ns:[$inner]" = "$got" ] || bad="$bad $ns:info($inner)!=payload($got)"
        [ "$ns:[$outer]" = "$host" ] || bad="$bad $ns:info-outer($outer)!=host($host)"
        case " $differ " in
            *" $ns "*) [ -n "$got" ] && [ "$got" != "$host" ] && [ "$inner" != "$outer" ] ||
                bad="$bad $ns:not-new(payload=$got,host=$host)" ;;
            *) [ "$got" = "$host" ] && [ "$inner" = "$outer" ] ||
                bad="$bad $ns:new-but-not-asked(payload=$got,host=$host)" ;;
        esac
    done
    [ -z "$bad" ] && return 0
    WHY="namespace mismatch:$bad"
    return 1
}

test_ipc_visibility() { # nestinit options
    # a message queue made on the host is listed by ipcs there, not inside
    local id
    id=$(ipcmk -Q -p 0600 2>/dev/null | awk '{ print $NF }') || true
    [ -n "$id" ] || { WHY="ipcmk -Q failed"; return 1; }
    ipcs -q | awk '{ print $2 }' | grep -qx "$id" || { ipcrm -q "$id"; WHY="control: ipcs does not list queue $id on the host"; return 1; }
    ni "$@" sh -c 'ipcs -q | awk "NR > 3 && NF { print \$2 }" | tr "\n" " "; echo .' 
    local rc=$RC out=$OUT
    ipcrm -q "$id" 2>/dev/null
    RC=$rc
    want_rc 0 || return 1
    want_eq "message queues visible inside" "$(fields "$out")" "."
}

# run nestinit from a fresh cgroup-v2 child, so the host sees a non-/ path
CG2=""
for c in /sys/fs/cgroup/unified /sys/fs/cgroup; do
    [ "$(stat -f -c %T "$c" 2>/dev/null)" = cgroup2fs ] && { CG2=$c; break; }
done

in_cgroup() { # CMD...: run in $CG2/nestinit-test.$$ (RC/OUT/ERR as run)
    local cg=$CG2/nestinit-test.$$
    mkdir -p "$cg" || { WHY="cannot create $cg"; return 1; }
    run sh -c 'echo $$ >"$1/cgroup.procs" || exit 91; shift; exec "$@"' x "$cg" "$@"
    rmdir "$cg" 2>/dev/null
    [ "$RC" = 91 ] && { WHY="cannot move into $cg"; return 1; }
    return 0
}

test_cgroup() {
    [ -n "$CG2" ] || { WHY="no cgroup2 mount found"; return 1; }
    # control: without a cgroup namespace the payload sees its real v2 path
    in_cgroup "$NESTINIT" cat /proc/self/cgroup || return 1
    want_rc 0 || return 1
    want_match "v2 line without a cgroup namespace (control)" "$(printf '%s\n' "$OUT" | grep '^0::')" "^0::/nestinit-test\.$$\$" || return 1
    in_cgroup "$NESTINIT" --unshare "$ALL" cat /proc/self/cgroup || return 1
    want_rc 0 && want_no_stderr || return 1
    local bad; bad=$(printf '%s\n' "$OUT" | awk -F: 'NF >= 3 && $3 != "/"' | tr '\n' ' ')
    [ -z "$bad" ] || { WHY="cgroup lines inside not at '/': $bad"; return 1; }
    want_match "a v2 line inside" "$OUT" '^0::/$' || return 1
    want_match "v1 lines inside" "$OUT" '^[1-9][0-9]*:[^:]+:/$'
}

test_literal_no_user() {
    # --unshare uts,ipc,net,cgroup alone (root: no user namespace needed)
    ni --unshare uts,ipc,net,cgroup --hostname ni-test-host sh -c 'cat /proc/sys/kernel/hostname; ip -o link | wc -l; echo $$' &&
        want_rc 0 && want_no_stderr || return 1
    local h n p
    h=$(printf '%s\n' "$OUT" | sed -n 1p) n=$(printf '%s\n' "$OUT" | sed -n 2p) p=$(printf '%s\n' "$OUT" | sed -n 3p)
    want_eq "hostname" "$h" ni-test-host || return 1
    want_eq "links" "$(fields "$n")" 1 || return 1
    want_ne "payload pid (no pid namespace asked)" "$p" 2
}

t unshare_net_control_host_has_links test_net_control
t unshare_hostname test_hostname --hostname ni-test-host
t unshare_hostname_with_all test_hostname --unshare "$ALL" --hostname ni-test-host
t unshare_hostname_too_long_125 test_hostname_bad "$(printf 'h%.0s' $(seq 1 80))"
t unshare_net_only_lo_up test_net ni --unshare user,pid,mount,net
t unshare_net_all test_net ni --unshare "$ALL"
t unshare_net_unprivileged test_net ni_nobody --unshare "$ALL"
t unshare_all_ns_inodes_and_info test_ns_inodes "user pid mnt uts ipc net cgroup" "" --unshare "$ALL"
t unshare_uts_ipc_only_ns_inodes_and_info test_ns_inodes "user pid mnt uts ipc" "net cgroup" --unshare user,pid,mount,uts,ipc
t unshare_literal_uts_ipc_net_cgroup_ns test_ns_inodes "uts ipc net cgroup" "user pid mnt" --unshare uts,ipc,net,cgroup
t unshare_literal_uts_ipc_net_cgroup_readbacks test_literal_no_user
t unshare_ipc_hides_host_queue test_ipc_visibility --unshare "$ALL"
t unshare_cgroup_paths_root test_cgroup
