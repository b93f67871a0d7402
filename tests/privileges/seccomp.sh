#!/bin/bash
# --no-new-privs and --seccomp default. A static probe
# (tests/helpers/h_sysprobe.c) calls each denied syscall with arguments the
# kernel rejects before acting, and prints "name ERRNO". Under the filter every
# one must be EPERM; without it the kernel's own answers differ (ENOSYS,
# EINVAL, EFAULT, ...), which also proves the probe reaches the kernel at all.
. "$(dirname "$0")/../lib.sh"
require_binary
require_root

if ! build_helper h_sysprobe; then
    fail seccomp_probe_build "$WHY"
    exit 1
fi
PROBE=$HELPERS/h_sysprobe

# the syscalls the brief and the README name; the probe also does
# clock_settime (in the filter list), getpid (control) and i386/x32 keyctl
DENIED="keyctl add_key request_key kexec_load kexec_file_load init_module finit_module delete_module
open_by_handle_at iopl ioperm swapon swapoff reboot acct bpf perf_event_open userfaultfd clock_settime
io_uring_setup io_uring_enter io_uring_register migrate_pages move_pages sysfs ustat"

errno_of() { printf '%s\n' "$OUT" | awk -v n="$1" '$1 == n { print $2; exit }'; }

probe_all_eperm() { # names that must be EPERM under the filter
    local n bad=""
    for n in $DENIED i386_keyctl; do
        [ "$(errno_of "$n")" = EPERM ] || bad="$bad $n=$(errno_of "$n")"
    done
    [ -z "$bad" ] && return 0
    WHY="not EPERM under --seccomp default:$bad"
    return 1
}

test_filter() { # nestinit options before the probe
    ni "$@" "$PROBE" && want_rc 0 && want_no_stderr || return 1
    probe_all_eperm || return 1
    want_eq "getpid under the filter (ordinary calls pass)" "$(errno_of getpid)" OK
}

test_no_filter_nested() {
    ni "$PROBE" && want_rc 0 && want_no_stderr || return 1
    # in the new user namespace (no filter) the kernel answers for itself
    local n bad=""
    for n in keyctl kexec_load add_key request_key reboot bpf perf_event_open userfaultfd i386_keyctl; do
        case $(errno_of "$n") in EPERM | "") bad="$bad $n=$(errno_of "$n")" ;; esac
    done
    [ -z "$bad" ] && return 0
    WHY="without --seccomp these were EPERM (or missing), so the filter test could not tell:$bad"
    return 1
}

test_no_filter_plain() {
    # real root without namespaces or filter: no call of the list is EPERM, so
    # every EPERM under the filter (test seccomp_default_plain) is the filter's
    ni --unshare none "$PROBE" && want_rc 0 && want_no_stderr || return 1
    local n bad="" list=$DENIED
    # kernel.io_uring_disabled=2 makes the kernel itself answer EPERM
    [ "$(cat /proc/sys/kernel/io_uring_disabled 2>/dev/null)" = 2 ] && list=${list/io_uring_setup/}
    for n in $list; do
        case $(errno_of "$n") in EPERM | "") bad="$bad $n=$(errno_of "$n")" ;; esac
    done
    [ -z "$bad" ] && return 0
    WHY="EPERM (or missing) without any filter as real root:$bad"
    return 1
}

status_of() { # FIELD from $OUT (a status dump)
    printf '%s\n' "$OUT" | awk -v k="$1:" '$1 == k { print $2; exit }'
}

test_status() { # WANT-SECCOMP WANT-NNP nestinit-options...
    local ws=$1 wn=$2; shift 2
    ni "$@" cat /proc/self/status && want_rc 0 && want_no_stderr || return 1
    want_eq "Seccomp" "$(status_of Seccomp)" "$ws" || return 1
    want_eq "NoNewPrivs" "$(status_of NoNewPrivs)" "$wn"
}

test_nnp_blocks_setuid() {
    # no_new_privs is enforced, not just displayed: a setuid-root copy of id
    # run as uid 1000 keeps euid 1000 with it, gets euid 0 without it
    local d; d=$(newtmp shared)
    cp /usr/bin/id "$d/suid-id" && chown 0:0 "$d/suid-id" && chmod 4755 "$d/suid-id" ||
        { WHY="cannot make a setuid copy of id"; return 1; }
    ni --user 1000 "$d/suid-id" -u && want_rc 0 || return 1
    want_eq "euid of a setuid-root program run by uid 1000 (control, no --no-new-privs)" "$OUT" 0 || return 1
    ni --user 1000 --no-new-privs "$d/suid-id" -u && want_rc 0 || return 1
    want_eq "euid of a setuid-root program under --no-new-privs" "$OUT" 1000
}

test_nested_userns_under_filter() { # nestinit options
    ni "$@" unshare -Umpfr --mount-proc sh -c 'echo $$' && want_rc 0 || return 1
    want_eq "pid printed by the nested unshare -Umpfr --mount-proc" "$OUT" 1
}

test_nested_nestinit_under_filter() {
    # nestinit inside nestinit: clone with namespace flags and mount of a fresh
    # procfs still work for the payload under the filter
    ni --seccomp default -- "$NESTINIT" -- sh -c 'echo $$; grep "^Seccomp:" /proc/self/status' && want_rc 0 && want_no_stderr || return 1
    want_eq "nested nestinit payload pid, Seccomp" "$(fields "$OUT")" "2 Seccomp: 2"
}

test_filter_inherited() {
    # the filter stays for the payload's descendants (a grandchild probe)
    ni --seccomp default sh -c '(sh -c "exec \"$1\" keyctl kexec_load getpid" x "$1") & wait $!' x "$PROBE" && want_rc 0 || return 1
    want_eq "grandchild probe" "$(fields "$OUT")" "keyctl EPERM kexec_load EPERM getpid OK"
}

test_env_seccomp() {
    run env NESTINIT_SECCOMP=default NESTINIT_NO_NEW_PRIVS=1 "$NESTINIT" cat /proc/self/status && want_rc 0 || return 1
    want_eq "Seccomp NoNewPrivs via environment" "$(status_of Seccomp) $(status_of NoNewPrivs)" "2 1"
}

test_bad_mode() {
    ni --seccomp strict true && want_rc 125 && want_error || return 1
    want_match "error names the bad mode" "$ERR" strict
}

test_info_seccomp() {
    local d; d=$(newtmp)
    ni --seccomp default --info-file "$d/info" true && want_rc 0 || return 1
    want_info_json "$d/info" || return 1
    want_eq "info has a seccomp object" "$(json "$d/info" 'type(d.get("seccomp")).__name__')" dict
}

test_unpriv_plain_nnp() {
    # as uid 65534 without namespaces: the filter needs no_new_privs, and works with it
    ni_nobody --unshare none --seccomp default --no-new-privs "$PROBE" keyctl getpid && want_rc 0 && want_no_stderr || return 1
    want_eq "probe as uid $NOBODY_UID" "$(fields "$OUT")" "keyctl EPERM getpid OK"
}

test_unpriv_plain_no_nnp() {
    # without --no-new-privs the kernel refuses the filter with EACCES: one
    # clear line naming the fix, with the kernel's errno (not libseccomp's
    # ECANCELED placeholder)
    ni_nobody --unshare none --seccomp default "$PROBE" keyctl && want_rc 125 && want_error || return 1
    want_match "error names the fix" "$ERR" 'no-new-privs' || return 1
    want_no_match "error line (libseccomp's ECANCELED instead of the kernel's EACCES)" "$ERR" 'Operation canceled|\(errno\)'
}

t seccomp_unpriv_plain_with_nnp test_unpriv_plain_nnp
t seccomp_unpriv_plain_without_nnp_125_clear test_unpriv_plain_no_nnp
t seccomp_default_all_eperm test_filter --seccomp default
t seccomp_default_nnp_all_eperm test_filter --seccomp default --no-new-privs
t seccomp_default_user_1000_all_eperm test_filter --seccomp default --user 1000
t seccomp_default_plain_all_eperm test_filter --unshare none --seccomp default
t seccomp_none_nested_kernel_errnos test_no_filter_nested
t seccomp_none_plain_no_eperm test_no_filter_plain
t seccomp_status_default test_status 2 0 --seccomp default
t seccomp_status_default_nnp test_status 2 1 --seccomp default --no-new-privs
t seccomp_status_none_control test_status 0 0
t seccomp_status_explicit_none test_status 0 0 --seccomp none
t nnp_status test_status 0 1 --no-new-privs
t nnp_status_user_1000 test_status 0 1 --no-new-privs --user 1000
t nnp_blocks_setuid_gain test_nnp_blocks_setuid
t seccomp_nested_unshare_mount_proc test_nested_userns_under_filter --seccomp default
t seccomp_nested_unshare_mount_proc_nnp_user test_nested_userns_under_filter --seccomp default --no-new-privs --user 1000
t seccomp_nested_nestinit test_nested_nestinit_under_filter
t seccomp_filter_inherited_by_grandchild test_filter_inherited
t seccomp_env_variables test_env_seccomp
t seccomp_bad_mode_125 test_bad_mode
t seccomp_info_json test_info_seccomp
