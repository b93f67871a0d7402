#!/bin/bash
# Nestinit as the ENTRYPOINT (and as `podman run --init --init-path`) of real
# Podman containers, rootful (this script) or rootless (podman-rootless.sh,
# which sets PODMAN_MODE=rootless and sources this file), with Podman's
# default seccomp profile. Private --root/--runroot/--tmpdir, runc, cgroupfs,
# file locks, --network none.
#
#   bash tests/engines/podman.sh            (root; podman runc installed)
#   bash tests/engines/podman-rootless.sh   (root, which runs podman as the
#                                            nestinit-test user; + uidmap)
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-engines.sh"
require_root
eng_prepare

MODE=${PODMAN_MODE:-rootful}
case $MODE in
    rootful) P=podman ;;
    rootless) P=podman_rootless ;;
    *) fail "$SCRIPT_NAME" "PODMAN_MODE must be rootful or rootless, not $MODE"; exit 1 ;;
esac

T0=$(now_ms)
eng_image_tars || { fail ${P}_images "$WHY"; exit 1; }
podman_start "$MODE" || engine_unavailable "$P" "cannot run podman ($MODE): $WHY"
IMG=localhost/$ENG_TAG-img
PLAIN=localhost/$ENG_TAG-plain
pm_import "$ENGDIR/img.tar" "$IMG" "${IMG_CHANGES[@]}" || { fail ${P}_images "$WHY"; exit 1; }
pm_import "$ENGDIR/plain.tar" "$PLAIN" "${PLAIN_CHANGES[@]}" || { fail ${P}_images "$WHY"; exit 1; }
echo "# $P: storage ready and images imported in $(($(now_ms) - T0)) ms" >&2

UNMASK=(--security-opt unmask=ALL)
INIT=(--init --init-path "$ENGDIR/bin/nestinit")
# the id map nestinit should write: every id of the container's namespace, 1:1
if [ "$MODE" = rootless ]; then
    WANT_UID_MAP="0 0 1 1 1 65536"
    WANT_GID_MAP="0 0 1 1 1 65536"
else
    WANT_UID_MAP="0 0 4294967295"
    WANT_GID_MAP="0 0 4294967295"
fi

# ---------------------------------------------------------------- default seccomp: bind /proc

# The modes every existing check runs in (MODE -> flags in MF): the default
# (auto: container), an explicit --proc bind, and --cap-add SYS_ADMIN (auto:
# fresh, the container's masks re-applied).
mode_flags() {
    case $1 in
        container) MF=() ;;
        bind) MF=(-e NESTINIT_PROC=bind) ;;
        sys_admin) MF=(--cap-add SYS_ADMIN) ;;
        *) WHY="unknown mode $1"; return 1 ;;
    esac
}
MODES="container bind sys_admin"

test_default_bind() {
    pm_run -e NESTINIT_PROC=bind "$IMG" sh -c 'echo pid=$$; echo ppid=$PPID
'"$PROC_REPORT"'
echo keys=$(wc -c </proc/keys)
echo timer_list=$(wc -c </proc/timer_list)
echo unshare=$(unshare -Ur sh -c "echo ok" 2>&1)'
    want_rc 0 || return 1
    # asked for, not a fallback: the warning says what it breaks and the fixes
    want_one_stderr warning 'recursive bind' 'SYS_ADMIN' 'unmask=ALL' || return 1
    want_kv pid 2 || return 1
    want_kv ppid 1 || return 1
    want_kv procfstype proc || return 1
    want_match "sub-mounts of the payload's /proc" "$(kv procsubs)" '/proc/keys .*/proc/timer_list' || return 1
    want_kv keys 0 || return 1
    want_kv timer_list 0 || return 1
    # Podman's default seccomp profile allows nested user namespaces
    want_kv unshare ok
}

# The default (--proc auto): no fresh procfs is possible, so no new pid
# namespace: the container's own /proc, masks kept, one warning with the fixes
CONTAINER_REPORT='read -r self _ </proc/self/stat; echo pid=$$; echo self=$self; echo ppid=$PPID
'"$PROC_REPORT"'
echo keys=$(wc -c </proc/keys)
echo timer_list=$(wc -c </proc/timer_list)
echo init=$(tr "\0" " " </proc/1/cmdline)
echo unshare=$(unshare -Ur sh -c "echo ok" 2>&1)'
want_container_proc_report() {
    want_rc 0 || return 1
    want_one_stderr warning 'SYS_ADMIN' 'unmask=ALL' || return 1
    local p
    p=$(kv pid)
    [ -n "$p" ] && [ "$p" -gt 1 ] || { WHY="payload pid '$p', want > 1 (the container's pid namespace)"; return 1; }
    want_kv self "$p" || return 1
    want_kv ppid 1 || return 1
    want_kv procfstype proc || return 1
    want_match "sub-mounts of the payload's /proc" "$(kv procsubs)" '/proc/keys .*/proc/timer_list' || return 1
    want_kv keys 0 || return 1
    want_kv timer_list 0 || return 1
    want_match "/proc/1/cmdline: the container's pid 1, the payload's parent" "$(kv init)" "$1" || return 1
    want_kv unshare ok
}

test_default_container() {
    pm_run "$IMG" sh -c "$CONTAINER_REPORT"
    want_container_proc_report '^/nestinit -- sh -c '
}

test_id_map() {
    pm_run --entrypoint /nestinit "$IMG" --info-file /tmp/info -q -- sh -c \
        'echo uid_map=$(awk "{ print \$1, \$2, \$3 }" /proc/self/uid_map); echo gid_map=$(awk "{ print \$1, \$2, \$3 }" /proc/self/gid_map)
echo map=$(sed -n "s/.*\"map\":\"\([a-z]*\)\".*/\1/p" /tmp/info)'
    want_rc 0 || return 1
    want_no_stderr || return 1
    want_kv map full || return 1
    want_kv uid_map "$WANT_UID_MAP" || return 1
    want_kv gid_map "$WANT_GID_MAP" || return 1
    # and --check says what a run does
    pm_run "${CHECK[@]}"
    want_check maps ok 'full'
}

test_unmask_fresh() {
    pm_run "${UNMASK[@]}" "$IMG" sh -c "$FRESH_PAYLOAD"
    want_fresh_proc_report
}

test_stop_term() {
    local m
    mode_flags "$1" || return 1
    m=$(newtmp shared)
    pm_start -v "$m:/m" "${MF[@]}" "$IMG" sh -c "$SIG_PAYLOAD" || return 1
    want_stop_delivers_term "$PM" "$PM_LAST" "$m"
}

test_kill_usr1() {
    local m
    mode_flags "$1" || return 1
    m=$(newtmp shared)
    pm_start -v "$m:/m" "${MF[@]}" "$IMG" sh -c "$SIG_PAYLOAD" || return 1
    wait_file "$m/ready" 10 || { WHY="payload never started"; return 1; }
    T_TIMEOUT=10 run "$PM" kill -s USR1 "$PM_LAST"
    want_rc 0 || return 1
    wait_file "$m/usr1" 5 || { WHY="USR1 never reached the payload (no marker)"; return 1; }
    want_eq "USR1 marker" "$(cat "$m/usr1")" USR1 || return 1
    T_TIMEOUT=10 run "$PM" kill -s TERM "$PM_LAST"
    T_TIMEOUT=15 run "$PM" wait "$PM_LAST"
    want_eq "exit code after TERM" "$OUT" 42
}

test_exit_status() {
    mode_flags "$1" || return 1
    pm_run "${MF[@]}" "$IMG" sh -c 'exit 7'
    want_rc 7 || return 1
    pm_run "${MF[@]}" "$IMG" sh -c 'kill -USR2 $$'
    want_rc $((128 + 12)) || return 1
    pm_run "${MF[@]}" "$IMG" /no/such/payload
    want_rc 127 || return 1
    want_match stderr "$ERR" '^nestinit: error: .*/no/such/payload'
}

test_exec_orphans_reaped() {
    mode_flags "$1" || return 1
    pm_start "${MF[@]}" "$IMG" sh -c '(sleep 1001 &) ; (sleep 1001 &) ; exec sleep 60' || return 1
    want_exec_orphans_reaped "$PM" "$PM_LAST" "$1"
}

# (container and bind modes: a fresh /proc does not show the outer processes at all)
test_proc_fd_isolation() {
    local m
    mode_flags "$1" || return 1
    m=$(newtmp shared)
    pm_start -v "$m:/m" "${MF[@]}" "$IMG" sh -c "$FD_PAYLOAD" || return 1
    want_proc_fd_isolated "$PM" "$PM_LAST" "$m"
}

# ---------------------------------------------------------------- podman run --init --init-path

test_init_path_entrypoint_cmd() {
    pm_run "${INIT[@]}" "$PLAIN"
    want_rc 0 || return 1
    want_eq stdout "$OUT" entrypoint-and-cmd || return 1
    want_one_stderr warning 'SYS_ADMIN' || return 1
    pm_run "${INIT[@]}" -e NESTINIT_PROC=bind "$PLAIN"
    want_rc 0 || return 1
    want_eq stdout "$OUT" entrypoint-and-cmd || return 1
    want_one_stderr warning 'recursive bind'
}

test_init_path_payload_container() {
    pm_run "${INIT[@]}" "$PLAIN" "$CONTAINER_REPORT"
    want_container_proc_report '^/run/podman-init -- /bin/sh -c read -r self'
}

test_init_path_payload() {
    pm_run "${INIT[@]}" -e NESTINIT_PROC=bind "$PLAIN" 'echo pid=$$; echo init=$(tr "\0" " " </proc/1/cmdline); exit 9'
    want_rc 9 || return 1
    want_kv pid 2 || return 1
    want_match "container pid 1" "$(kv init)" '^/run/podman-init -- /bin/sh -c echo pid' || return 1
    want_one_stderr warning 'recursive bind'
}

test_init_path_unmask() {
    pm_run "${INIT[@]}" "${UNMASK[@]}" "$PLAIN" 'echo pid=$$; echo init=$(tr "\0" " " </proc/1/cmdline); exit 4'
    want_rc 4 || return 1
    want_no_stderr || return 1
    want_kv pid 2 || return 1
    # a fresh /proc: its pid 1 is the inner nestinit (same command line)
    want_match "pid 1 of the payload's namespace" "$(kv init)" '^/run/podman-init -- /bin/sh -c echo pid'
}

# ---------------------------------------------------------------- --check

CHECK=(--entrypoint /nestinit "$IMG" --check)
test_check_default() {
    pm_run "${CHECK[@]}"
    want_rc 0 || return 1
    want_check_lines || return 1
    want_check userns ok || return 1
    want_check maps ok || return 1
    want_check proc-bind ok || return 1
    want_check proc-fresh 'warn|FAIL' 'unmask=ALL' || return 1
    want_check proc-auto warn '^warn proc-auto: container\b.*SYS_ADMIN'
}

test_check_sys_admin() {
    pm_run --cap-add SYS_ADMIN "${CHECK[@]}"
    want_rc 0 || return 1
    want_check_lines || return 1
    want_check proc-auto ok '^ok proc-auto: fresh\b'
}

test_check_unmask() {
    pm_run "${UNMASK[@]}" "${CHECK[@]}"
    want_rc 0 || return 1
    want_check_lines || return 1
    want_check userns ok || return 1
    want_check proc-fresh ok || return 1
    want_check proc-auto ok '^ok proc-auto: fresh\b'
}

test_check_json() {
    pm_run "${UNMASK[@]}" "${CHECK[@]}" --json
    want_rc 0 || return 1
    want_check_json true
}

t ${P}_default_container_proc test_default_container
t ${P}_bind_proc test_default_bind
t ${P}_full_id_map test_id_map
t ${P}_unmask_all_fresh_proc test_unmask_fresh
for mode in $MODES; do
    t ${P}_stop_term_$mode test_stop_term $mode
    t ${P}_kill_usr1_$mode test_kill_usr1 $mode
    t ${P}_exit_status_passthrough_$mode test_exit_status $mode
    t ${P}_exec_orphans_reaped_$mode test_exec_orphans_reaped $mode
done
t ${P}_proc_fd_isolation_container test_proc_fd_isolation container
t ${P}_proc_fd_isolation_bind test_proc_fd_isolation bind
t ${P}_init_path_entrypoint_cmd test_init_path_entrypoint_cmd
t ${P}_init_path_payload_bind test_init_path_payload
t ${P}_init_path_payload_container test_init_path_payload_container
t ${P}_init_path_unmask test_init_path_unmask
t ${P}_check_default test_check_default
t ${P}_check_unmask_all test_check_unmask
t ${P}_check_sys_admin test_check_sys_admin
t ${P}_check_json test_check_json
echo "# $P: done in $(($(now_ms) - T0)) ms" >&2
