#!/usr/bin/env bash
# Runs "$@" in an emulated Docker container without an engine: a new mount and
# pid namespace whose /proc is masked the way Docker and Podman mask it, and
# capabilities cut to Docker's default set. Used by `make run` and the tests.
# Needs root. Usage: mk/docker-like-proc.sh COMMAND [ARG...]
set -euo pipefail
if [ "${1:-}" != "--inside" ]; then
    exec unshare --mount --pid --fork --propagation private "$0" --inside "$@"
fi
shift
mount -t proc -o nosuid,nodev,noexec proc /proc
# Masked paths: /dev/null over files, a read-only tmpfs over directories.
for path in /proc/kcore /proc/keys /proc/latency_stats /proc/timer_list /proc/timer_stats /proc/sched_debug; do
    [ -f "$path" ] && mount --bind /dev/null "$path"
done
for path in /proc/acpi /proc/scsi; do
    [ -d "$path" ] && mount -t tmpfs -o ro tmpfs "$path"
done
# Read-only paths.
for path in /proc/bus /proc/fs /proc/irq /proc/sys /proc/sysrq-trigger; do
    [ -e "$path" ] && mount --bind "$path" "$path" && mount -o remount,bind,ro "$path"
done
docker_caps=chown,dac_override,fowner,fsetid,kill,setgid,setuid,setpcap,net_bind_service,net_raw,sys_chroot,mknod,audit_write,setfcap
exec setpriv --bounding-set "-all,+${docker_caps//,/,+}" --inh-caps -all -- "$@"
