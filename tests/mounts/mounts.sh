#!/bin/bash
# --ro PATH, --ro-root and --tmpfs PATH, keeping the
# mount flags the kernel locks across a user-namespace boundary (the youki
# bug: a read-only remount that drops nodev/nosuid gets EPERM there). Checked
# by the payload's /proc/self/mountinfo and by real writes.
. "$(dirname "$0")/../lib.sh"
require_binary
require_root

# mnt_line MOUNTPOINT: from $OUT (a mountinfo dump), "OPTS FSTYPE" of the
# last (topmost) mount at MOUNTPOINT
mnt_line() {
    printf '%s\n' "$OUT" | awk -v m="$1" '$5 == m { for (i = 7; $i != "-"; i++); r = $6 " " $(i+1) } END { print r }'
}
# has_opts "OPTS" o1 o2 ...: every oN is in the comma list OPTS
want_opts() { # WHAT OPTS WANTED...
    local what=$1 opts=$2 o; shift 2
    for o in "$@"; do
        case ",$opts," in *",$o,"*) ;; *) WHY="$what: mount options '$opts' lack '$o'"; return 1 ;; esac
    done
}

# the payload writes a marker and reports the errno of the write, in words
WRITE_PROBE='w() { if (echo x >"$1") 2>/dev/null; then echo "write $1: ok"; else m=$( (echo x >"$1") 2>&1 ); echo "write $1: ${m##*: }"; fi; }'

# ---- the youki case: a bind mount with nodev,nosuid[,noexec] made in a user
# namespace the test owns; nestinit's own user namespace locks those flags
# payload for the youki case: mountinfo, a write, and a naive remount
write_youki_payload() { # FILE
    cat >"$1" <<EOF
$WRITE_PROBE
cat /proc/self/mountinfo; echo =====
w "\$1/file"
python3 -c '
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
MS_RDONLY, MS_REMOUNT, MS_BIND = 1, 32, 4096
# a read-only remount that does not repeat nodev/nosuid: locked flags refuse it
r = libc.mount(None, sys.argv[1].encode(), None, MS_REMOUNT | MS_BIND | MS_RDONLY, None)
print("naive remount:", "ok" if r == 0 else os.strerror(ctypes.get_errno()))
' "\$1"
EOF
}

youki() { # EXTRA-FLAGS (e.g. ",noexec"): nestinit --ro D in a namespace the test owns
    local t d; t=$(newtmp); d=$(newtmp)
    YD=$d
    write_youki_payload "$t/payload.sh"
    cat >"$t/wrap.sh" <<'EOF'
d=$1 flags=$2; shift 2
mount --bind "$d" "$d" && mount -o "remount,bind,$flags" "$d" || exit 90
awk -v m="$d" '$5 == m { print "before:", $6 }' /proc/self/mountinfo >&2
exec "$@"
EOF
    run unshare --user --map-root-user --mount sh "$t/wrap.sh" "$d" "nodev,nosuid$1" \
        "$NESTINIT" --ro "$d" -- sh "$t/payload.sh" "$d"
    [ "$RC" = 90 ] && { WHY="could not prepare the nodev,nosuid bind mount in a user namespace: $ERR"; return 1; }
    return 0
}

test_youki() { # EXTRA-FLAGS EXPECTED-OPTS...
    local extra=$1; shift
    youki "$extra" || return 1
    want_rc 0 || return 1
    local before; before=$(printf '%s\n' "$ERR" | sed -n 's/^before: //p')
    want_opts "mount before nestinit (test setup)" "$before" rw "$@" || return 1
    ERR=$(printf '%s\n' "$ERR" | grep -v '^before: ')
    want_no_stderr || return 1
    local line; line=$(mnt_line "$YD")
    want_opts "payload's mount at $YD" "${line% *}" ro "$@" || return 1
    want_match "write into the --ro directory" "$OUT" "write $YD/file: Read-only file system" || return 1
    # control: the flags really are locked there (else the test proves nothing)
    want_match "naive remount without nodev/nosuid in the payload" "$OUT" "naive remount: Operation not permitted" || return 1
    [ ! -e "$YD/file" ] || { WHY="the write reached the host directory"; return 1; }
}

test_locked_atime() { # MOUNT-FLAGS WANTED-OPTS...: set in a plain mount namespace
    # (root, so any atime mode can be chosen), then locked by nestinit's userns
    local flags=$1 t d; shift
    t=$(newtmp); d=$(newtmp)
    cat >"$t/wrap.sh" <<'EOF'
d=$1 flags=$2; shift 2
mount --bind "$d" "$d" && mount -o "remount,bind,$flags" "$d" || exit 90
exec "$@"
EOF
    run unshare --mount --propagation private sh "$t/wrap.sh" "$d" "$flags" \
        "$NESTINIT" --ro "$d" -- sh -c "$WRITE_PROBE"'; cat /proc/self/mountinfo; w "$1/file"' x "$d"
    [ "$RC" = 90 ] && { WHY="could not prepare the $flags bind mount: $ERR"; return 1; }
    want_rc 0 && want_no_stderr || return 1
    local opts; opts=$(mnt_line "$d" | cut -d' ' -f1)
    want_opts "payload's mount at $d" "$opts" ro "$@" || return 1
    case " $* " in *" noatime "*) ;; *) want_no_match "atime mode kept" "$opts" noatime || return 1 ;; esac
    case " $* " in *" relatime "*) ;; *) want_no_match "atime mode kept" "$opts" relatime || return 1 ;; esac
    want_match "write into the --ro directory" "$OUT" "write $d/file: Read-only file system"
}

test_ro_plain() {
    local d; d=$(newtmp)
    ni --ro "$d" sh -c "$WRITE_PROBE"'; cat /proc/self/mountinfo; w "$1/file"' x "$d" && want_rc 0 && want_no_stderr || return 1
    local line; line=$(mnt_line "$d")
    want_opts "payload's mount at $d" "${line% *}" ro || return 1
    want_match "write into the --ro directory" "$OUT" "write $d/file: Read-only file system" || return 1
    # the host's directory stays writable (the remount stayed in the namespace)
    echo x >"$d/host-file" 2>/dev/null || { WHY="the host's $d became read-only"; return 1; }
}

test_ro_unpriv() {
    local d; d=$(newtmp shared)
    ni_nobody --ro "$d" sh -c "$WRITE_PROBE"'; cat /proc/self/mountinfo; w "$1/file"' x "$d" && want_rc 0 && want_no_stderr || return 1
    local line; line=$(mnt_line "$d")
    want_opts "payload's mount at $d (uid $NOBODY_UID)" "${line% *}" ro || return 1
    want_match "write into the --ro directory" "$OUT" "write $d/file: Read-only file system"
}

test_ro_control() {
    # without --ro the same directory is writable inside: the probe can say "ok"
    local d; d=$(newtmp)
    ni sh -c "$WRITE_PROBE"'; w "$1/file"' x "$d" && want_rc 0 || return 1
    want_eq "write without --ro" "$OUT" "write $d/file: ok"
}

test_ro_root() {
    local f=/nestinit-ro-root-test.$$
    rm -f "$f"
    ni --ro-root sh -c "$WRITE_PROBE"'; cat /proc/self/mountinfo; w "$1"' x "$f" && want_rc 0 && want_no_stderr || return 1
    local line; line=$(mnt_line /)
    want_opts "payload's / mount" "${line% *}" ro || return 1
    want_match "write to / under --ro-root" "$OUT" "write $f: Read-only file system" || return 1
    if [ -e "$f" ]; then rm -f "$f"; WHY="the write reached the host's /"; return 1; fi
    # control: the host's / is still writable
    if ! : >"$f" 2>/dev/null; then WHY="the host's / is read-only after the run"; return 1; fi
    rm -f "$f"
}

test_ro_root_locked() {
    # --ro-root where / carries locked flags (nestinit run in a user namespace
    # the test owns, so / is locked relatime in nestinit's namespace)
    local f=/nestinit-ro-root-test.$$
    run unshare --user --map-root-user --mount "$NESTINIT" --ro-root sh -c "$WRITE_PROBE"'; cat /proc/self/mountinfo; w "$1"' x "$f"
    want_rc 0 && want_no_stderr || return 1
    local line; line=$(mnt_line /)
    want_opts "payload's / mount" "${line% *}" ro || return 1
    want_match "write to / under --ro-root" "$OUT" "write $f: Read-only file system"
}

test_tmpfs() { # runner: ni|ni_nobody
    local d; d=$(newtmp shared)
    echo host >"$d/host-file"
    "$1" --tmpfs "$d" sh -c 'cat /proc/self/mountinfo; echo =====; ls -A "$1"; echo inside >"$1/new" && cat "$1/new"' x "$d" && want_rc 0 && want_no_stderr || return 1
    local line; line=$(mnt_line "$d")
    want_eq "fs type at $d" "${line#* }" tmpfs || return 1
    want_opts "tmpfs at $d" "${line% *}" rw || return 1
    want_eq "tmpfs contents then the file written" "$(fields "$(printf '%s\n' "$OUT" | sed '1,/^=====$/d')")" inside || return 1
    [ ! -e "$d/new" ] || { WHY="the file written on the tmpfs is on the host"; return 1; }
    want_eq "host file untouched" "$(cat "$d/host-file")" host
}

test_tmpfs_under_ro_root() {
    local d; d=$(newtmp)
    ni --ro-root --tmpfs "$d" sh -c 'cat /proc/self/mountinfo; echo =====; echo ok >"$1/f" && cat "$1/f"' x "$d" && want_rc 0 && want_no_stderr || return 1
    want_opts "/ with --ro-root" "$(mnt_line / | cut -d' ' -f1)" ro || return 1
    want_eq "fs type at $d" "$(mnt_line "$d" | cut -d' ' -f2)" tmpfs || return 1
    want_eq "write on the tmpfs under a read-only /" "$(printf '%s\n' "$OUT" | sed '1,/^=====$/d')" ok
}

# --ro and --tmpfs apply in the order given: the later one is on top
test_order() { # FIRST SECOND WANTED-OPTS: e.g. --ro --tmpfs rw
    local d; d=$(newtmp)
    ni "$1" "$d" "$2" "$d" sh -c 'cat /proc/self/mountinfo; echo =====; { echo ok >"$1/f"; } 2>/dev/null && cat "$1/f" || echo refused' x "$d" && want_rc 0 && want_no_stderr || return 1
    local line; line=$(mnt_line "$d")
    want_eq "fs type at $d after $1 then $2" "${line#* }" tmpfs || return 1
    want_opts "$d after $1 then $2" "${line% *}" "$3" || return 1
    want_eq "write at $d after $1 then $2" "$(printf '%s\n' "$OUT" | sed '1,/^=====$/d')" "$([ "$3" = rw ] && echo ok || echo refused)"
}

test_fresh_proc_flags() { # runner
    "$1" cat /proc/self/mountinfo && want_rc 0 || return 1
    local line; line=$(mnt_line /proc)
    want_eq "fs type of /proc" "${line#* }" proc || return 1
    want_opts "fresh /proc" "${line% *}" nosuid nodev noexec
}

test_env_ro() {
    local d1 d2; d1=$(newtmp) d2=$(newtmp)
    run env NESTINIT_RO="$d1,$d2" "$NESTINIT" cat /proc/self/mountinfo && want_rc 0 || return 1
    want_opts "$d1 via NESTINIT_RO" "$(mnt_line "$d1" | cut -d' ' -f1)" ro || return 1
    want_opts "$d2 via NESTINIT_RO" "$(mnt_line "$d2" | cut -d' ' -f1)" ro
}

# ---- --ro and --ro-root are recursive: submounts made
# before nestinit, in a private mount namespace the test owns, become
# read-only too, each keeping the flags nestinit's user namespace locks

# ro_all_under TOP: every mount of $OUT (mountinfo, up to =====) at or under
# TOP that a path reaches is ro; the mount point KEEP_RW must be rw instead.
# Unreachable is a mount covered by a later one: on its own mount point (the
# container's /proc under the fresh one) or on a directory above it in the
# same parent (the originals under nestinit's bind of TOP); and what hangs
# from an unreachable mount.
ro_all_under() {
    local bad
    bad=$(printf '%s\n' "$OUT" | sed '/^=====$/,$d' | awk -v top="$1" -v keep="${KEEP_RW:-}" '
        { id[NR] = $1; par[$1] = $2; mp[$1] = $5; opt[$1] = $6 }
        function covered(i,   n, j, pre) {
            for (n = 1; n <= NR; n++) {
                j = id[n]; pre = mp[j] == "/" ? "/" : mp[j] "/"
                if (j == i) continue
                if (par[j] == i && mp[j] == mp[i]) return 1
                if (par[j] == par[i] && index(mp[i], pre) == 1) return 1
            }
            return 0
        }
        function up(i,   p) { p = par[i]; if (!(p in mp)) return 1; return mp[p] == mp[i] ? up(p) : reach(p) }
        function reach(i) { return !covered(i) && up(i) }
        END {
            for (n = 1; n <= NR; n++) {
                i = id[n]; m = mp[i]
                if (!(top == "/" || m == top || index(m, top "/") == 1) || !reach(i)) continue
                if (m == keep) { if ((","opt[i]",") !~ /,rw,/) print m ":" opt[i] "(want rw)"; continue }
                if ((","opt[i]",") !~ /,ro,/) print m ":" opt[i]
            }
        }')
    [ -z "$bad" ] && return 0
    WHY="not read-only under $1: $(oneline "$bad")"
    return 1
}

write_submount_payload() { # FILE
    cat >"$1" <<EOF
$WRITE_PROBE
cat /proc/self/mountinfo; echo =====
w "\$1/file"; w "\$1/sub/file"; w "\$1/sub/deeper/file"
python3 -c '
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
MS_RDONLY, MS_REMOUNT, MS_BIND = 1, 32, 4096
r = libc.mount(None, sys.argv[1].encode(), None, MS_REMOUNT | MS_BIND | MS_RDONLY, None)
print("naive remount of sub:", "ok" if r == 0 else os.strerror(ctypes.get_errno()))
' "\$1/sub"
EOF
}

test_ro_submounts() { # PREFIX-COMMAND... -- (e.g. the mount_setattr-less helper)
    local pre=() t d
    while [ "$1" != -- ]; do pre+=("$1"); shift; done
    t=$(newtmp); d=$(newtmp)
    write_submount_payload "$t/payload.sh"
    cat >"$t/wrap.sh" <<'EOF'
d=$1; shift
mkdir -p "$d/sub" && mount -t tmpfs -o nosuid,nodev,noexec tmpfs "$d/sub" &&
    mkdir "$d/sub/deeper" && mount -t tmpfs tmpfs "$d/sub/deeper" || exit 90
exec "$@"
EOF
    run unshare --mount --propagation private sh "$t/wrap.sh" "$d" "${pre[@]}" "$NESTINIT" -vv --ro "$d" -- sh "$t/payload.sh" "$d"
    [ "$RC" = 90 ] && { WHY="could not prepare the submounts: $ERR"; return 1; }
    want_rc 0 || return 1
    local n; n=$(printf '%s\n' "$OUT" | sed '/^=====$/,$d' | awk -v top="$d" '$5 == top || index($5, top "/") == 1' | wc -l)
    [ "$n" -ge 3 ] || { WHY="payload sees $n mounts under $d, want 3 (the bind and two tmpfs)"; return 1; }
    ro_all_under "$d" || return 1
    want_opts "payload's $d/sub (locked flags kept)" "$(mnt_line "$d/sub" | cut -d' ' -f1)" ro nosuid nodev noexec || return 1
    local w
    for w in file sub/file sub/deeper/file; do
        want_match "write $w" "$OUT" "write $d/$w: Read-only file system" || return 1
    done
    want_match "naive remount without nosuid/nodev/noexec (they are locked)" "$OUT" "naive remount of sub: Operation not permitted"
}

test_ro_submounts_paths() {
    # which way it went: mount_setattr by default, the mountinfo walk when the
    # call is ENOSYS (tests/helpers/h_nosetattr)
    test_ro_submounts -- || return 1
    want_no_match "stderr (mount_setattr worked, no fallback)" "$ERR" "mount_setattr: " || return 1
    build_helper h_nosetattr || return 1
    test_ro_submounts "$HELPERS/h_nosetattr" -- || return 1
    want_match "stderr (the fallback ran)" "$ERR" "mount_setattr: Function not implemented; remounting each mount"
}

RO_ROOT_PAYLOAD='cat /proc/self/mountinfo; echo =====; w /dev/shm/nestinit-ro-root; w /etc/nestinit-ro-root
unshare -Ur sh -c "echo nested uid_map: \$(cat /proc/self/uid_map)"'

test_ro_root_recursive() { # PREFIX-COMMAND... --
    local pre=()
    while [ "$1" != -- ]; do pre+=("$1"); shift; done
    [ ${#pre[@]} = 0 ] || build_helper h_nosetattr || return 1
    run "${pre[@]}" "$NESTINIT" --ro-root sh -c "$WRITE_PROBE; $RO_ROOT_PAYLOAD"
    want_rc 0 || return 1
    # every mount but the payload's /proc, which nested namespaces write through
    KEEP_RW=/proc ro_all_under / || return 1
    want_match "write to /dev/shm under --ro-root" "$OUT" "write /dev/shm/nestinit-ro-root: Read-only file system" || return 1
    want_match "write to /etc under --ro-root" "$OUT" "write /etc/nestinit-ro-root: Read-only file system" || return 1
    want_match "a nested user namespace still gets its map through /proc" "$OUT" "nested uid_map: 0 0 1"
}

test_ro_root_tmpfs_kept() { # PREFIX-COMMAND... --
    # --tmpfs stays writable under --ro-root, unless --ro made it read-only
    local pre=() d1 d2
    while [ "$1" != -- ]; do pre+=("$1"); shift; done
    [ ${#pre[@]} = 0 ] || build_helper h_nosetattr || return 1
    d1=$(newtmp) d2=$(newtmp)
    run "${pre[@]}" "$NESTINIT" --tmpfs "$d1" --tmpfs "$d2" --ro "$d2" --ro-root sh -c "$WRITE_PROBE"'; w "$1/f"; w "$2/f"' x "$d1" "$d2"
    want_rc 0 || return 1
    want_eq "writes to --tmpfs D1 and to --tmpfs D2 --ro D2 under --ro-root" "$OUT" \
        "$(printf 'write %s/f: ok\nwrite %s/f: Read-only file system' "$d1" "$d2")"
}

t mounts_ro_youki_nodev_nosuid_locked test_youki "" nodev nosuid
t mounts_ro_youki_nodev_nosuid_noexec_locked test_youki ",noexec" nodev nosuid noexec
t mounts_ro_locked_noatime test_locked_atime noatime noatime
t mounts_ro_locked_strictatime test_locked_atime strictatime
t mounts_ro_locked_nodiratime_relatime test_locked_atime nodiratime,relatime nodiratime relatime
t mounts_ro_locked_all_flags test_locked_atime nosuid,nodev,noexec,noatime nosuid nodev noexec noatime
t mounts_ro_write_probe_control test_ro_control
t mounts_ro_path test_ro_plain
t mounts_ro_path_unprivileged test_ro_unpriv
t mounts_ro_root test_ro_root
t mounts_ro_root_locked_userns test_ro_root_locked
t mounts_tmpfs test_tmpfs ni
t mounts_tmpfs_unprivileged test_tmpfs ni_nobody
t mounts_tmpfs_under_ro_root test_tmpfs_under_ro_root
t mounts_order_ro_then_tmpfs_writable test_order --ro --tmpfs rw
t mounts_order_tmpfs_then_ro_read_only test_order --tmpfs --ro ro
t mounts_fresh_proc_nosuid_nodev_noexec test_fresh_proc_flags ni
t mounts_fresh_proc_flags_unprivileged test_fresh_proc_flags ni_nobody
t mounts_env_ro_list test_env_ro
t mounts_ro_recursive_submounts_setattr_and_walk test_ro_submounts_paths
t mounts_ro_root_recursive test_ro_root_recursive --
t mounts_ro_root_recursive_walk test_ro_root_recursive "$HELPERS/h_nosetattr" --
t mounts_ro_root_keeps_tmpfs_writable_not_ro test_ro_root_tmpfs_kept --
t mounts_ro_root_keeps_tmpfs_writable_not_ro_walk test_ro_root_tmpfs_kept "$HELPERS/h_nosetattr" --
