#!/usr/bin/env bash
# Runs "$@" in an emulated Docker container without an engine: a new mount and
# pid namespace whose /proc is masked the way Docker and Podman mask it, and
# capabilities cut to Docker's default set. Used by `make run` and the tests.
# Needs root. Usage: mk/docker-like-proc.sh COMMAND [ARG...]
# Environment:
#   EMU_CAPS=SPEC     replaces Docker's capability set (setpriv --bounding-set syntax)
#   EMU_VISIBLE=DIR   also mounts an unmasked procfs on DIR (like `-v /proc:/somewhere`),
#                     which makes a fresh procfs mount legal again
# Exports EMU_PROC_DEV (the device of the container's /proc) to COMMAND; a
# failed setup step prints EMU-SETUP-FAILED and exits 90.
set -euo pipefail
if [ "${1:-}" != "--inside" ]; then
    exec unshare --mount --pid --fork --propagation private --kill-child "$0" --inside "$@"
fi
shift
trap 'echo "EMU-SETUP-FAILED at line $LINENO" >&2; exit 90' ERR
# A container sees no procfs of the host: drop any other one this mount
# namespace inherited (a debootstrap's chroot/proc, say), which would let the
# kernel mount a fresh procfs after all (it looks for any fully visible one).
awk '$9 == "proc" && $5 != "/proc" { print $5 }' /proc/self/mountinfo | sort -r | while IFS= read -r other; do
    umount -l "$other"
done
mount -t proc -o nosuid,nodev,noexec proc /proc
if [ -n "${EMU_VISIBLE:-}" ]; then mount -t proc proc "$EMU_VISIBLE"; fi
# Masked paths: /dev/null over files, a read-only tmpfs over directories.
for path in /proc/kcore /proc/keys /proc/latency_stats /proc/timer_list /proc/timer_stats /proc/sched_debug; do
    if [ -f "$path" ]; then mount --bind /dev/null "$path"; fi
done
for path in /proc/acpi /proc/scsi; do
    if [ -d "$path" ]; then mount -t tmpfs -o ro tmpfs "$path"; fi
done
# Read-only paths.
for path in /proc/bus /proc/fs /proc/irq /proc/sys /proc/sysrq-trigger; do
    if [ -e "$path" ]; then mount --bind "$path" "$path" && mount -o remount,bind,ro "$path"; fi
done
EMU_PROC_DEV=$(stat -c %d /proc)
export EMU_PROC_DEV
trap - ERR
docker_caps=chown,dac_override,fowner,fsetid,kill,setgid,setuid,setpcap,net_bind_service,net_raw,sys_chroot,mknod,audit_write,setfcap
exec setpriv --bounding-set "${EMU_CAPS:--all,+${docker_caps//,/,+}}" --inh-caps -all -- "$@"
