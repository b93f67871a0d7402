#!/bin/bash
# A root payload must not act through nestinit's own
# processes (ptrace them, open their /proc/PID/mem, environ, fd/N, read their
# memory with process_vm_readv, take their fds with pidfd_getfd), which would
# run what --seccomp default / --no-new-privs deny for the payload. The inits
# are non-dumpable before the payload exists (PR_SET_DUMPABLE 0): then
# ptrace_may_access (kernel/ptrace.c) wants CAP_SYS_PTRACE in the target's
# mm->user_ns, the user namespace nestinit was started in.
#
# tests/helpers/h_ptrace.c runs as the payload and prints one line per target;
# every field must be a refusal (EPERM/EACCES; n/a where a pid of another pid
# namespace cannot be named), and its control target "child" (a child of the
# probe itself) must show OK everywhere, or the probe proves nothing.
#
# Where the payload shares nestinit's user namespace (plain init, --unshare
# without user) nestinit runs with CAP_SYS_PTRACE out of its bounding set, as
# in a Docker container (whose default capabilities lack it): a payload with
# CAP_SYS_PTRACE over nestinit's namespace may ptrace anything there, which no
# init can prevent (--cap-drop sys_ptrace does). CAP_SYS_ADMIN and
# CAP_PERFMON go too where nestinit does not need them: with either in the
# initial user namespace, mm_access (kernel/fork.c, may_access_mm) lets any
# process read another's environ and maps (PTRACE_MODE_READ) whatever its
# dumpability.
. "$(dirname "$0")/../lib.sh"
require_binary
require_root

PROBE=$HELPERS/h_ptrace
build_helper h_ptrace || PROBE=""
NO_PTRACE=(setpriv --bounding-set -sys_ptrace --inh-caps=-all --)
NO_PTRACE_ADMIN=(setpriv --bounding-set -sys_ptrace,-sys_admin,-perfmon --inh-caps=-all --)

# want_refused SKIP-FIELDS: every target line in $OUT refused (fields named in
# SKIP-FIELDS, space separated, are not checked), the control line all OK, and
# the probe's exit 0
want_refused() {
    local skip=" $1 " line name field value n=0
    [ -n "$OUT" ] || { WHY="no output from the probe (rc $RC); stderr: $ERR"; return 1; }
    while read -r line; do
        name=${line%% *}
        case $line in *" unresolved "*) WHY="target $line"; return 1 ;; esac
        for field in ${line#* }; do
            value=${field#*=}
            field=${field%%=*}
            [ "$field" = pid ] && continue
            if [ "$name" = child ]; then
                [ "$value" = OK ] || { WHY="control: the probe's own child gave $field=$value, want OK: $line"; return 1; }
                continue
            fi
            case $skip in *" $field "*) continue ;; esac
            case $value in
                EPERM | EACCES | n/a) ;;
                *) WHY="$name: $field=$value, want EPERM or EACCES (all: $(oneline "$OUT"))"; return 1 ;;
            esac
        done
        n=$((n + 1))
    done <<<"$OUT"
    [ -n "${1:-}" ] && [ "$RC" = 1 ] && return 0 # a skipped field worked: the probe says 1
    want_rc 0
}

# probe_run [PREFIX... ::] NESTINIT-OPTIONS... -- TARGETS... : nestinit runs
# the probe (with --seccomp default --no-new-privs, what a bypass would escape)
probe_run() {
    local pre=() opts=()
    [ -n "$PROBE" ] || { WHY="cannot build h_ptrace: $HELPER_ERR"; return 1; }
    case " $* " in *" :: "*) while [ "$1" != :: ]; do pre+=("$1"); shift; done; shift ;; esac
    while [ "$1" != -- ]; do opts+=("$1"); shift; done
    shift
    run "${pre[@]}" "$NESTINIT" --seccomp default --no-new-privs "${opts[@]}" -- "$PROBE" "$@" child
}

test_nested() { probe_run -- 1 && want_refused ""; }
# /proc is the container's: the inner and the outer are named by their pids there
test_nested_bind() { probe_run --proc bind -- parent proc-up:1 proc-up:2 && want_refused ""; }
test_no_pidns() { probe_run --unshare user,mount -- parent grandparent && want_refused ""; }
test_no_userns() { probe_run "${NO_PTRACE[@]}" :: --unshare pid,mount --proc bind -- 1 proc-up:2 && want_refused environ; }
test_plain() { probe_run "${NO_PTRACE_ADMIN[@]}" :: --unshare none -- parent && want_refused ""; }
test_fallback_plain() {
    test_nouserns_control || return 1
    probe_run unshare -Ur sh -c "$NOUSERNS" x "${NO_PTRACE_ADMIN[@]}" :: --fallback plain -- parent && want_refused ""
}
test_unprivileged() { probe_run "${AS_NOBODY[@]}" :: -- 1 && want_refused ""; }
test_unprivileged_no_pidns() { probe_run "${AS_NOBODY[@]}" :: --unshare user,mount -- parent grandparent && want_refused ""; }

t privileges_ptrace_nested_pid1_refused test_nested
t privileges_ptrace_nested_proc_bind_inner_and_outer_refused test_nested_bind
t privileges_ptrace_no_pid_namespace_inits_refused test_no_pidns
t privileges_ptrace_no_user_namespace_inits_refused test_no_userns
t privileges_ptrace_plain_init_refused test_plain
t privileges_ptrace_fallback_plain_refused test_fallback_plain
t privileges_ptrace_unprivileged_pid1_refused test_unprivileged
t privileges_ptrace_unprivileged_no_pid_namespace_refused test_unprivileged_no_pidns
kill_tracked
