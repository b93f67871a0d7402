#!/bin/bash
# Nestinit as the ENTRYPOINT (and as `docker run --init`) of real Docker
# containers, on a dockerd of our own (own data-root, exec-root, socket;
# --bridge=none, every container --network none).
#
#   bash tests/engines/docker.sh        (root; docker.io installed)
#
# The seccomp profile for nesting is contrib/seccomp/nestinit.json
# (NESTINIT_SECCOMP_PROFILE overrides). Tests about the profile itself skip
# without it; the others then use seccomp=unconfined and say so on stderr.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-engines.sh"
require_root
eng_prepare

T0=$(now_ms)
eng_image_tars || { fail docker_images "$WHY"; exit 1; }
# dockerd's init (docker run --init) is our nestinit: no image change
docker_start --init-path "$ENGDIR/bin/nestinit" ||
    engine_unavailable docker "cannot start dockerd: $WHY"
IMG=$ENG_TAG-img
PLAIN=$ENG_TAG-plain
dk_import "$ENGDIR/img.tar" "$IMG" "${IMG_CHANGES[@]}" || { fail docker_images "$WHY"; exit 1; }
dk_import "$ENGDIR/plain.tar" "$PLAIN" "${PLAIN_CHANGES[@]}" || { fail docker_images "$WHY"; exit 1; }
echo "# docker: dockerd up and images imported in $(($(now_ms) - T0)) ms" >&2

if [ -r "$PROFILE" ]; then
    HAVE_PROFILE=1
    PROF=(--security-opt "seccomp=$PROFILE")
    SEC=("${PROF[@]}")
else
    HAVE_PROFILE=0
    PROF=()
    SEC=(--security-opt seccomp=unconfined)
    echo "# docker: $PROFILE missing: profile tests skip, the others use seccomp=unconfined" >&2
fi
FRESH=(--security-opt systempaths=unconfined)

need_profile() {
    [ "$HAVE_PROFILE" = 1 ] && return 0
    WHY="seccomp profile $PROFILE not found (contrib/seccomp/nestinit.json)"
    return 2
}

# tp NAME FUNC: like t, but a test that returns 2 is a SKIP (profile missing)
tp() {
    local name=$1 rc
    shift
    WHY=""
    "$@"
    rc=$?
    case $rc in
        0) pass "$name" ;;
        2) skip "$name" "$WHY" ;;
        *) fail "$name" "${WHY:-assertion failed}" ;;
    esac
}

# ---------------------------------------------------------------- 1. default seccomp

test_default_seccomp_fails() {
    dk_run "$IMG" sh -c 'echo payload-ran'
    want_rc 125 || return 1
    want_one_stderr error 'seccomp' 'seccomp=' || return 1
    want_eq stdout "$OUT" ""
}

test_default_seccomp_no_args() {
    # the image's own CMD (sh) through the ENTRYPOINT, as a user would run it
    dk_run "$IMG"
    want_rc 125 || return 1
    want_one_stderr error 'seccomp='
}

PLAIN_PAYLOAD='echo pid=$$; echo ppid=$PPID; echo init=$(tr "\0" " " </proc/1/cmdline); exit 7'
test_fallback_plain_env() {
    dk_run -e NESTINIT_FALLBACK=plain "$IMG" sh -c "$PLAIN_PAYLOAD"
    want_rc 7 || return 1
    want_one_stderr warning 'plain init' 'seccomp' || return 1
    # a plain init: nestinit is pid 1 of the container and the payload's parent
    want_kv ppid 1 || return 1
    want_match "container pid 1" "$(kv init)" '^/nestinit -- sh -c ' || return 1
    local p
    p=$(kv pid)
    [ -n "$p" ] && [ "$p" -gt 1 ] || { WHY="payload pid '$p', want > 1"; return 1; }
}

test_fallback_plain_option() {
    dk_run --entrypoint /nestinit "$IMG" --fallback plain -- sh -c "$PLAIN_PAYLOAD"
    want_rc 7 || return 1
    want_one_stderr warning 'plain init' || return 1
    want_kv ppid 1 || return 1
    want_match "container pid 1" "$(kv init)" '^/nestinit --fallback plain -- sh -c '
}

test_fallback_plain_stop_term() {
    # a plain init still forwards docker stop's SIGTERM and passes the status on
    local m
    m=$(newtmp shared)
    dk_start -e NESTINIT_FALLBACK=plain -v "$m:/m" "$IMG" sh -c "$SIG_PAYLOAD" || return 1
    want_stop_delivers_term "$DK" "$DK_LAST" "$m"
}

# ---------------------------------------------------------------- 2. profile: bind /proc

test_profile_bind_proc() {
    need_profile || return 2
    dk_run "${PROF[@]}" -e NESTINIT_PROC=bind "$IMG" sh -c "$CONTAINER_REPORT"
    want_rc 0 || return 1
    # asked for, not a fallback: the warning says what it breaks and the fixes
    want_one_stderr warning 'recursive bind' 'SYS_ADMIN' 'systempaths=unconfined' || return 1
    want_kv pid 2 || return 1
    want_kv ppid 1 || return 1
    want_masks_reported || return 1
    # a bind of the container's /proc: its pid 1 is the outer nestinit
    want_match "/proc/1/cmdline in the bind" "$(kv init)" '^/nestinit -- sh -c ' || return 1
    want_kv uid_map "0 0 4294967295"
}

# The masks stay: /proc/keys and /proc/timer_list are still mounts over the
# payload's /proc and read empty, /proc/sys too, /proc/kcore absent or empty
# (the report of PROC_REPORT and the lines after it).
want_masks_reported() {
    want_match "sub-mounts of the payload's /proc" "$(kv procsubs)" '/proc/keys .*' || return 1
    want_match "sub-mounts of the payload's /proc" "$(kv procsubs)" '/proc/timer_list' || return 1
    want_match "sub-mounts of the payload's /proc" "$(kv procsubs)" '/proc/sys' || return 1
    want_kv procfstype proc || return 1
    want_kv keys 0 || return 1
    want_kv timer_list 0 || return 1
    case $(kv kcore) in absent | 0) ;; *) WHY="/proc/kcore readable: $(kv kcore) bytes"; return 1 ;; esac
}

# The default under the profile (--proc auto): no fresh procfs is possible,
# so no new pid namespace: the payload gets the container's own /proc (its
# pids are the payload's), masks kept, in new user and mount namespaces, and
# one warning naming the fixes. (The bind test above reads the same report.)
CONTAINER_REPORT='read -r self _ </proc/self/stat; echo pid=$$; echo self=$self; echo ppid=$PPID
'"$PROC_REPORT"'
echo keys=$(wc -c </proc/keys)
echo timer_list=$(wc -c </proc/timer_list)
if [ -e /proc/kcore ]; then echo kcore=$(head -c 64 /proc/kcore | wc -c); else echo kcore=absent; fi
echo uid_map=$(awk '\''{ print $1, $2, $3 }'\'' /proc/self/uid_map)
echo init=$(tr "\0" " " </proc/1/cmdline)'
# want_container_proc_report INIT_ERE: the checks of CONTAINER_REPORT
want_container_proc_report() {
    want_rc 0 || return 1
    want_one_stderr warning 'SYS_ADMIN' 'systempaths=unconfined' || return 1
    local p
    p=$(kv pid)
    [ -n "$p" ] && [ "$p" -gt 1 ] || { WHY="payload pid '$p', want > 1 (the container's pid namespace)"; return 1; }
    want_kv self "$p" || return 1
    want_kv ppid 1 || return 1
    want_masks_reported || return 1
    want_match "/proc/1/cmdline: the container's pid 1, the payload's parent" "$(kv init)" "$1" || return 1
    want_kv uid_map "0 0 4294967295"
}

test_profile_container_proc() {
    need_profile || return 2
    dk_run "${PROF[@]}" "$IMG" sh -c "$CONTAINER_REPORT"
    want_container_proc_report '^/nestinit -- sh -c '
}

# The shipped profile relaxes only namespace and mount calls: everything
# Docker's default denies is still EPERM (the probe passes arguments the
# kernel itself would reject, so anything but EPERM means the filter let it
# through), and the relaxations are real (unshare of user and pid namespaces).
DENIED_BY_DOCKER="keyctl add_key request_key kexec_load kexec_file_load init_module finit_module delete_module
open_by_handle_at iopl ioperm swapon swapoff reboot acct bpf perf_event_open userfaultfd clock_settime"

test_profile_still_denies() {
    need_profile || return 2
    local name profile
    for profile in default profile; do
        if [ "$profile" = default ]; then
            dk_run --entrypoint /bin/sysprobe "$IMG"
        else
            dk_run "${PROF[@]}" --entrypoint /bin/sysprobe "$IMG"
        fi
        want_rc 0 || return 1
        want_match "the probe's control call ($profile)" "$OUT" '^getpid OK$' || return 1
        for name in $DENIED_BY_DOCKER; do
            want_match "$name under the $profile profile" "$OUT" "^$name EPERM\$" || return 1
        done
    done
    dk_run "${PROF[@]}" --entrypoint /bin/nsprobe "$IMG"
    want_rc 0 || return 1
    want_kv unshare_user OK || return 1
    want_kv unshare_userpidns OK
}

# ---------------------------------------------------------------- 3. profile + systempaths: fresh /proc

test_profile_fresh_proc() {
    need_profile || return 2
    dk_run "${PROF[@]}" "${FRESH[@]}" "$IMG" sh -c "$FRESH_PAYLOAD"
    want_fresh_proc_report
}

# ---------------------------------------------------------------- 4. signals

# The modes every existing check runs in (MODE -> flags in MF): the default
# under the profile (auto: container), an explicit --proc bind, and
# --cap-add SYS_ADMIN with Docker's default seccomp (auto: fresh, the
# container's masks re-applied).
mode_flags() {
    case $1 in
        container) MF=("${SEC[@]}") ;;
        bind) MF=("${SEC[@]}" -e NESTINIT_PROC=bind) ;;
        sys_admin) MF=(--cap-add SYS_ADMIN) ;;
        *) WHY="unknown mode $1"; return 1 ;;
    esac
}
MODES="container bind sys_admin"

test_stop_term() {
    local m
    mode_flags "$1" || return 1
    m=$(newtmp shared)
    dk_start -v "$m:/m" "${MF[@]}" "$IMG" sh -c "$SIG_PAYLOAD" || return 1
    want_stop_delivers_term "$DK" "$DK_LAST" "$m"
}

test_kill_usr1() {
    local m
    mode_flags "$1" || return 1
    m=$(newtmp shared)
    dk_start -v "$m:/m" "${MF[@]}" "$IMG" sh -c "$SIG_PAYLOAD" || return 1
    wait_file "$m/ready" 10 || { WHY="payload never started"; return 1; }
    T_TIMEOUT=10 run "$DK" kill -s USR1 "$DK_LAST"
    want_rc 0 || return 1
    wait_file "$m/usr1" 5 || { WHY="USR1 never reached the payload (no marker)"; return 1; }
    want_eq "USR1 marker" "$(cat "$m/usr1")" USR1 || return 1
    # still running after USR1, shown by a positive answer rather than a fixed
    # wait: only a payload that survived USR1 can exit 42 from its TERM trap
    # (one killed by USR1 would end with 138)
    T_TIMEOUT=10 run "$DK" kill -s TERM "$DK_LAST"
    T_TIMEOUT=15 run "$DK" wait "$DK_LAST"
    want_eq "exit code after TERM" "$OUT" 42 || return 1
    want_eq "TERM marker" "$(cat "$m/term" 2>/dev/null)" TERM
}

test_exit_status_passthrough() {
    mode_flags "$1" || return 1
    dk_run "${MF[@]}" "$IMG" sh -c 'exit 3'
    want_rc 3 || return 1
    dk_run "${MF[@]}" "$IMG" sh -c 'kill -USR2 $$'
    want_rc $((128 + 12)) || return 1
    dk_run "${MF[@]}" "$IMG" /no/such/payload
    want_rc 127 || return 1
    want_match stderr "$ERR" '^nestinit: error: .*/no/such/payload'
}

# ---------------------------------------------------------------- 5. orphans of docker exec

test_exec_orphans_reaped() {
    mode_flags "$1" || return 1
    dk_start "${MF[@]}" "$IMG" sh -c '(sleep 1001 &) ; (sleep 1001 &) ; exec sleep 60' || return 1
    want_exec_orphans_reaped "$DK" "$DK_LAST" "$1"
}

# ---------------------------------------------------------------- 6. --user, --read-only

test_user_1000() {
    local mode=$1
    mode_flags "$mode" || return 1
    dk_run --user 1000:1000 "${MF[@]}" "$IMG" sh -c 'echo uid=$(id -u); echo gid=$(id -g)
read -r self _ </proc/self/stat; echo self=$self
echo uid_map=$(awk "{ print \$1, \$2, \$3 }" /proc/self/uid_map); echo gid_map=$(awk "{ print \$1, \$2, \$3 }" /proc/self/gid_map)
echo setgroups=$(cat /proc/self/setgroups); echo pid=$$
echo outer_uid=$(awk "/^Uid:/ { print \$2 }" /proc/1/status)'
    want_rc 0 || return 1
    if [ "$mode" = bind ]; then
        want_one_stderr warning 'recursive bind' || return 1
    else
        want_one_stderr warning 'SYS_ADMIN' || return 1
    fi
    # not root in the container: the inner namespace maps only its own ids
    want_kv uid 0 || return 1
    want_kv gid 0 || return 1
    want_kv uid_map "0 1000 1" || return 1
    want_kv gid_map "0 1000 1" || return 1
    want_kv setgroups deny || return 1
    want_pid_for_mode "$mode"
}

# want_pid_for_mode MODE: the payload's pid (kv pid) and /proc/self (kv self,
# read by the shell itself): 2 under an inner init (bind); in container mode
# the container's pid, which /proc/self agrees with
want_pid_for_mode() {
    if [ "$1" = bind ]; then
        want_kv pid 2
        return
    fi
    local p
    p=$(kv pid)
    [ -n "$p" ] && [ "$p" -gt 1 ] || { WHY="payload pid '$p', want > 1"; return 1; }
    want_kv self "$p"
}

test_read_only() {
    mode_flags "$1" || return 1
    dk_run --read-only "${MF[@]}" "$IMG" sh -c 'echo rootopts=$(awk '\''$5 == "/" { o = $6 } END { print o }'\'' /proc/self/mountinfo)
touch /x 2>/dev/null; echo touch=$?; echo pid=$$; read -r self _ </proc/self/stat; echo self=$self'
    want_rc 0 || return 1
    want_match "options of / in the payload's mountinfo" "$(kv rootopts)" '^ro(,|$)' || return 1
    want_kv touch 1 || return 1
    want_pid_for_mode "$1"
}

# ---------------------------------------------------------------- 7. /proc/PID/fd across the userns boundary

# (container and bind modes: a fresh /proc does not show the outer processes at all)
test_proc_fd_isolation() {
    local m
    mode_flags "$1" || return 1
    m=$(newtmp shared)
    dk_start -v "$m:/m" "${MF[@]}" "$IMG" sh -c "$FD_PAYLOAD" || return 1
    want_proc_fd_isolated "$DK" "$DK_LAST" "$m"
}

# ---------------------------------------------------------------- other failing configurations

test_cap_drop_all() {
    # root without CAP_SETFCAP cannot map uid 0 (Linux >= 5.12)
    dk_run --cap-drop ALL "${SEC[@]}" "$IMG" sh -c 'echo payload-ran'
    want_rc 125 || return 1
    want_eq stdout "$OUT" "" || return 1
    want_one_stderr error 'uid_map' 'SETFCAP' 'fix: .*--cap-add SETFCAP'
}

test_proc_fresh_refused() {
    need_profile || return 2
    dk_run -e NESTINIT_PROC=fresh "${PROF[@]}" "$IMG" sh -c 'echo payload-ran'
    want_rc 125 || return 1
    want_eq stdout "$OUT" "" || return 1
    want_one_stderr error '--proc fresh' 'masked: ' 'systempaths=unconfined' || return 1
    # and with the fix it works
    dk_run -e NESTINIT_PROC=fresh "${PROF[@]}" "${FRESH[@]}" "$IMG" sh -c 'echo payload-ran'
    want_rc 0 || return 1
    want_no_stderr || return 1
    want_eq stdout "$OUT" payload-ran
}

# ---------------------------------------------------------------- 9. docker run --init (dockerd --init-path)

test_init_path_default_seccomp() {
    dk_run --init "$PLAIN"
    want_rc 125 || return 1
    want_one_stderr error 'seccomp='
}

test_init_path_entrypoint_cmd() {
    dk_run --init "${SEC[@]}" "$PLAIN"
    want_rc 0 || return 1
    want_eq stdout "$OUT" entrypoint-and-cmd || return 1
    want_one_stderr warning 'SYS_ADMIN' || return 1
    dk_run --init "${SEC[@]}" -e NESTINIT_PROC=bind "$PLAIN"
    want_rc 0 || return 1
    want_eq stdout "$OUT" entrypoint-and-cmd || return 1
    want_one_stderr warning 'recursive bind'
}

test_init_path_payload_container() {
    need_profile || return 2
    dk_run --init "${PROF[@]}" "$PLAIN" "$CONTAINER_REPORT"
    want_container_proc_report '^/sbin/docker-init -- /bin/sh -c read -r self'
}

test_init_path_payload() {
    dk_run --init "${SEC[@]}" -e NESTINIT_PROC=bind "$PLAIN" 'echo pid=$$; echo init=$(tr "\0" " " </proc/1/cmdline); echo inner=$(cat /proc/$PPID/cmdline | tr "\0" " "); exit 9'
    want_rc 9 || return 1
    want_kv pid 2 || return 1
    # /proc is the container's (bind): its pid 1 is dockerd's init, i.e. nestinit
    want_match "container pid 1" "$(kv init)" '^/sbin/docker-init -- /bin/sh -c echo pid' || return 1
    want_one_stderr warning 'recursive bind'
}

test_init_path_stop_term() {
    local m
    m=$(newtmp shared)
    # the image's ENTRYPOINT is sh -c, so the trap script is its CMD
    dk_start --init -v "$m:/m" "${SEC[@]}" "$PLAIN" "$SIG_PAYLOAD" || return 1
    want_stop_delivers_term "$DK" "$DK_LAST" "$m"
}

# ---------------------------------------------------------------- 10. --check

CHECK=(--entrypoint /nestinit "$IMG" --check)
test_check_default_seccomp() {
    dk_run "${CHECK[@]}"
    want_rc 1 || return 1
    want_check_lines || return 1
    want_check userns FAIL 'seccomp' || return 1
    want_check userns FAIL 'fix:.*seccomp='
}

test_check_profile() {
    need_profile || return 2
    dk_run "${PROF[@]}" "${CHECK[@]}"
    want_rc 0 || return 1
    want_check_lines || return 1
    want_check userns ok || return 1
    want_check proc-bind ok || return 1
    want_check proc-fresh 'warn|FAIL' 'systempaths=unconfined' || return 1
    # what --proc auto gives here, and the fixes for a fresh /proc
    want_check proc-auto warn '^warn proc-auto: container\b.*SYS_ADMIN'
}

test_check_profile_fresh() {
    need_profile || return 2
    dk_run "${PROF[@]}" "${FRESH[@]}" "${CHECK[@]}"
    want_rc 0 || return 1
    want_check_lines || return 1
    want_check proc-fresh ok || return 1
    want_check proc-auto ok '^ok proc-auto: fresh\b'
}

test_check_sys_admin() {
    # Docker's default seccomp with CAP_SYS_ADMIN: the pid-namespace-first route
    dk_run --cap-add SYS_ADMIN "${CHECK[@]}"
    want_rc 0 || return 1
    want_check_lines || return 1
    want_check proc-auto ok '^ok proc-auto: fresh\b'
}

test_check_cap_drop_all() {
    dk_run --cap-drop ALL "${SEC[@]}" "${CHECK[@]}"
    want_rc 1 || return 1
    want_check_lines || return 1
    want_check capabilities 'warn|FAIL' 'SETFCAP' || return 1
    want_check maps FAIL 'SETFCAP'
}

test_check_json() {
    dk_run "${CHECK[@]}" --json
    want_rc 1 || return 1
    want_check_json false || return 1
    if [ "$HAVE_PROFILE" = 1 ]; then
        dk_run "${PROF[@]}" "${FRESH[@]}" "${CHECK[@]}" --json
        want_rc 0 || return 1
        want_check_json true
    fi
}

t docker_default_seccomp_fails test_default_seccomp_fails
t docker_default_seccomp_image_cmd test_default_seccomp_no_args
t docker_fallback_plain_env test_fallback_plain_env
t docker_fallback_plain_option test_fallback_plain_option
t docker_fallback_plain_stop_term test_fallback_plain_stop_term
tp docker_profile_bind_proc test_profile_bind_proc
tp docker_profile_container_proc test_profile_container_proc
tp docker_profile_systempaths_fresh_proc test_profile_fresh_proc
t docker_profile_still_denies test_profile_still_denies
for mode in $MODES; do
    t docker_stop_term_$mode test_stop_term $mode
    t docker_kill_usr1_$mode test_kill_usr1 $mode
    t docker_exit_status_passthrough_$mode test_exit_status_passthrough $mode
    t docker_exec_orphans_reaped_$mode test_exec_orphans_reaped $mode
done
t docker_user_1000_container test_user_1000 container
t docker_user_1000_bind test_user_1000 bind
t docker_read_only_container test_read_only container
t docker_read_only_bind test_read_only bind
t docker_proc_fd_isolation_container test_proc_fd_isolation container
t docker_proc_fd_isolation_bind test_proc_fd_isolation bind
t docker_cap_drop_all_fails test_cap_drop_all
tp docker_proc_fresh_refused test_proc_fresh_refused
t docker_init_path_default_seccomp test_init_path_default_seccomp
t docker_init_path_entrypoint_cmd test_init_path_entrypoint_cmd
t docker_init_path_payload_bind test_init_path_payload
tp docker_init_path_payload_container test_init_path_payload_container
t docker_init_path_stop_term test_init_path_stop_term
t docker_check_default_seccomp test_check_default_seccomp
tp docker_check_profile test_check_profile
tp docker_check_profile_systempaths test_check_profile_fresh
t docker_check_sys_admin test_check_sys_admin
t docker_check_cap_drop_all test_check_cap_drop_all
t docker_check_json test_check_json
echo "# docker: done in $(($(now_ms) - T0)) ms" >&2
