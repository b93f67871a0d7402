#!/usr/bin/env bash
# `make run`: the main job on this machine. The payload runs as pid 2 under
# nestinit (pid 1) in new user, pid and mount namespaces with a fresh /proc;
# then inside an emulated Docker container whose masked /proc refuses that:
# with Docker's capabilities nestinit keeps the container's /proc (no new pid
# namespace, so pids and /proc agree) and says why; with --cap-add SYS_ADMIN
# it mounts a fresh /proc first and carries the masks over.
set -uo pipefail
nestinit=$(realpath "${1:-build/nestinit}")
here=$(dirname "$(realpath "$0")")
info=$(mktemp)

payload=$(mktemp)
trap 'rm -f "$info" "$payload"' EXIT
cat > "$payload" <<'SH'
echo "payload: pid $$, parent $PPID, uid $(id -u), readlink /proc/self: $(readlink /proc/self)"
echo "pid 1: $(tr '\0' ' ' < /proc/1/cmdline | cut -d' ' -f1-3)"
echo "uid_map: $(tr -s ' ' < /proc/self/uid_map)"
echo "/proc: $(grep ' /proc ' /proc/self/mountinfo | tail -n 1 | cut -d' ' -f5,6,9)"
echo "processes visible in /proc: $(ls /proc | grep -c '^[0-9]*$')"
SH

show_info() {
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("info: " + " ".join("%s=%s" % (k, d[k] if isinstance(d[k], str) else json.dumps(d[k])) for k in ("proc", "pid_namespace", "map", "outer_pid", "inner_pid", "payload_pid")))' "$info"
}

echo "== $nestinit --info-file INFO -- sh payload.sh   (this machine, $(id -un))"
"$nestinit" --info-file "$info" -- sh "$payload"
echo "exit status: $?"
show_info

if [ "$(id -u)" -eq 0 ]; then
    echo
    echo "== the same inside an emulated Docker container (masked /proc, Docker's capabilities)"
    "$here/docker-like-proc.sh" "$nestinit" --info-file "$info" -- sh "$payload"
    echo "exit status: $?"
    show_info
    echo
    echo "== the same container with --cap-add SYS_ADMIN: a fresh /proc, the masks carried over"
    EMU_CAPS=-all,+chown,+dac_override,+fowner,+fsetid,+kill,+setgid,+setuid,+setpcap,+net_bind_service,+net_raw,+sys_chroot,+mknod,+audit_write,+setfcap,+sys_admin \
        "$here/docker-like-proc.sh" "$nestinit" --info-file "$info" -- sh -c '. "$1"; echo "masks: $(awk '\''$5 ~ /^\/proc\// { print $5 }'\'' /proc/self/mountinfo | sort -u | tr "\n" " ")"' sh "$payload"
    echo "exit status: $?"
    show_info
    echo
    echo "== --proc fresh without SYS_ADMIN: refused, with the reason and the fix"
    "$here/docker-like-proc.sh" "$nestinit" --proc fresh -- true
    echo "exit status: $?"
else
    echo "(run as root to also see the emulated Docker container)"
fi
