#!/bin/bash
# --user UID[:GID] and --cap-drop/--cap-add, checked by
# reading the payload's own /proc/self/status (Uid, Gid, Groups, CapInh,
# CapPrm, CapEff, CapBnd, CapAmb), and in a grandchild after two more
# execve()s (ambient capabilities must carry a non-root user's set over exec).
. "$(dirname "$0")/../lib.sh"
require_binary
require_root

LAST_CAP=$(cat /proc/sys/kernel/cap_last_cap)
FULL=$(((1 << (LAST_CAP + 1)) - 1))
hex() { printf '%016x' "$1"; }
# the five sets as "Inh=.. Prm=.. Eff=.. Bnd=.. Amb=.."
want_sets() { # INH PRM EFF BND AMB (numbers)
    printf 'Inh=%s Prm=%s Eff=%s Bnd=%s Amb=%s' "$(hex "$1")" "$(hex "$2")" "$(hex "$3")" "$(hex "$4")" "$(hex "$5")"
}
sets_of() { # STATUS-TEXT
    printf '%s\n' "$1" | awk '/^Cap(Inh|Prm|Eff|Bnd|Amb):/ { n = substr($1, 4, 3); v[n] = $2 }
        END { printf "Inh=%s Prm=%s Eff=%s Bnd=%s Amb=%s", v["Inh"], v["Prm"], v["Eff"], v["Bnd"], v["Amb"] }'
}
field_of() { # STATUS-TEXT NAME: the values after "NAME:" (whitespace-normalised)
    printf '%s\n' "$1" | awk -v k="$2:" '$1 == k { $1 = ""; sub(/^ /, ""); print; exit }'
}

# payload: its own status, then the status of a grandchild (sh -> sh -> cat)
PAYLOAD=(sh -c 'cat /proc/self/status; echo =====; (sh -c "cat /proc/self/status; :") & wait $!')
split_status() { # sets SELF and GRAND from $OUT
    SELF=$(printf '%s\n' "$OUT" | sed '/^=====$/,$d')
    GRAND=$(printf '%s\n' "$OUT" | sed '1,/^=====$/d')
}

# check ARGS... ; then compare: want_ids UID GID, want_caps SELF-SETS GRAND-SETS
run_status() {
    ni "$@" "${PAYLOAD[@]}" && want_rc 0 && want_no_stderr || return 1
    split_status
    [ -n "$SELF" ] && [ -n "$GRAND" ] && return 0
    WHY="payload printed no status: $OUT"
    return 1
}
want_ids() { # UID GID (real, effective, saved, fs all equal)
    want_eq "Uid line" "$(field_of "$SELF" Uid)" "$(fields "$1 $1 $1 $1")" || return 1
    want_eq "Gid line" "$(field_of "$SELF" Gid)" "$(fields "$2 $2 $2 $2")" || return 1
    want_eq "grandchild Uid line" "$(field_of "$GRAND" Uid)" "$(fields "$1 $1 $1 $1")" || return 1
    want_eq "grandchild Gid line" "$(field_of "$GRAND" Gid)" "$(fields "$2 $2 $2 $2")"
}
want_caps() { # SELF-WANT GRAND-WANT
    want_eq "payload capability sets" "$(sets_of "$SELF")" "$1" || return 1
    want_eq "grandchild capability sets (after two more execve)" "$(sets_of "$GRAND")" "$2"
}

# ---- control: the readback sees a change at all (default run = full caps)
test_default_full() {
    run_status || return 1
    want_ids 0 0 || return 1
    want_caps "$(want_sets 0 $FULL $FULL $FULL 0)" "$(want_sets 0 $FULL $FULL $FULL 0)"
}

test_user_uid_gid() {
    run_status --user 1000:1000 || return 1
    want_ids 1000 1000 || return 1
    want_eq "supplementary groups" "$(field_of "$SELF" Groups)" "" || return 1
    want_caps "$(want_sets 0 0 0 0 0)" "$(want_sets 0 0 0 0 0)"
}

test_user_cap_add() { # CAPLIST
    local m=$(((1 << 12) | (1 << 21))) # net_admin, sys_admin
    run_status --user 1000 --cap-add "$1" || return 1
    want_ids 1000 1000 || return 1
    want_caps "$(want_sets $m $m $m $m $m)" "$(want_sets $m $m $m $m $m)"
}

test_root_drop_all_add() { # CAP (names/numbers for net_admin)
    local m=$((1 << 12))
    run_status --cap-drop all --cap-add "$1" || return 1
    want_ids 0 0 || return 1
    # root: exec gives it back its bounding set (legacy root semantics), the
    # inheritable set is kept, ambient stays 0
    want_caps "$(want_sets $m $m $m $m 0)" "$(want_sets $m $m $m $m 0)"
}

test_root_drop_one() { # LIST MASK-DROPPED
    local m=$((FULL & ~$2))
    run_status --cap-drop "$1" || return 1
    want_ids 0 0 || return 1
    want_caps "$(want_sets $m $m $m $m 0)" "$(want_sets $m $m $m $m 0)"
}

test_env_caps() {
    local m=$((1 << 12))
    run env NESTINIT_CAP_DROP=all NESTINIT_CAP_ADD=net_admin NESTINIT_USER=1000:1000 "$NESTINIT" "${PAYLOAD[@]}" &&
        want_rc 0 && want_no_stderr || return 1
    split_status
    want_ids 1000 1000 || return 1
    want_caps "$(want_sets $m $m $m $m $m)" "$(want_sets $m $m $m $m $m)"
}

test_user_name() { # NAME UID GID
    run_status --user "$1" || return 1
    want_ids "$2" "$3" || return 1
    want_caps "$(want_sets 0 0 0 0 0)" "$(want_sets 0 0 0 0 0)"
}

test_cap_really_works() {
    # the capability is effective, not just a number: with only CAP_NET_ADMIN as
    # uid 1000, bringing lo down in a new net namespace works; without it, EPERM
    ni --unshare user,pid,mount,net --user 1000 --cap-add net_admin ip link set lo down && want_rc 0 || return 1
    ni --unshare user,pid,mount,net --user 1000 ip link set lo down
    [ "$RC" != 0 ] && [ "$TIMED_OUT" = 0 ] && return 0
    WHY="uid 1000 without capabilities could change lo (rc $RC): the readback is not what the kernel enforces"
    return 1
}

test_bad() { # ARGS... : exit 125, one error line, naming the culprit ($BAD)
    ni "$@" sh -c 'echo payload-ran' && want_rc 125 && want_error || return 1
    want_match "error names '$BAD'" "$ERR" "$BAD"
}

test_bad_env() { # VAR=VALUE
    run env "$1" "$NESTINIT" sh -c 'echo payload-ran' && want_rc 125 && want_error || return 1
    want_match "error names '$BAD'" "$ERR" "$BAD"
}

test_unpriv_user_not_mapped() {
    ni_nobody --user 1000 sh -c 'echo payload-ran' && want_rc 125 && want_error || return 1
    want_match "error says uid 1000 is not mapped" "$ERR" '1000.*not mapped'
}

test_unpriv_user_0_ok() {
    # the mapped id (0 = the caller) works, and --cap-drop all applies there too
    ni_nobody --user 0 --cap-drop all "${PAYLOAD[@]}" && want_rc 0 && want_no_stderr || return 1
    split_status
    want_ids 0 0 || return 1
    want_caps "$(want_sets 0 0 0 0 0)" "$(want_sets 0 0 0 0 0)"
}

test_user_out_of_range() { # SPEC: a uid beyond 32 bits must be refused, not wrapped
    ni --user "$1" sh -c 'id -u; id -g' || true
    if [ "$RC" = 125 ] && [ "$TIMED_OUT" = 0 ]; then want_error; return; fi
    WHY="--user $1 ran the payload (rc $RC) as uid/gid '$(fields "$OUT")' instead of exit 125: the id was truncated to 32 bits"
    return 1
}

test_unpriv_plain_user() {
    # uid 65534 without namespaces cannot become uid 1000: one line that
    # names --user (not an internal step like the bounding set)
    ni_nobody --unshare none --user 1000 sh -c 'echo payload-ran' && want_rc 125 && want_error || return 1
    want_match "error names the option at fault" "$ERR" '--user'
}

t privs_default_root_full_caps_control test_default_full
t privs_user_1000_1000_no_caps test_user_uid_gid
t privs_user_1000_cap_add_mixed_names test_user_cap_add net_admin,CAP_SYS_ADMIN
t privs_user_1000_cap_add_numbers test_user_cap_add 12,21
t privs_root_drop_all_add_12 test_root_drop_all_add 12
t privs_root_drop_all_add_CAP_NET_ADMIN test_root_drop_all_add CAP_NET_ADMIN
t privs_root_drop_all_add_net_admin test_root_drop_all_add net_admin
t privs_root_drop_all_add_cap_net_admin test_root_drop_all_add cap_net_admin
t privs_root_drop_net_raw test_root_drop_one net_raw $((1 << 13))
t privs_root_drop_CAP_NET_RAW_and_21 test_root_drop_one CAP_NET_RAW,21 $(((1 << 13) | (1 << 21)))
t privs_env_user_and_caps test_env_caps
t privs_user_name_nobody test_user_name nobody 65534 65534
t privs_user_name_nobody_nogroup test_user_name nobody:nogroup 65534 65534
t privs_cap_enforced_by_kernel test_cap_really_works
BAD=bogus t privs_cap_add_unknown_125 test_bad --cap-add bogus
BAD=bogus t privs_cap_add_unknown_in_list_125 test_bad --cap-add net_admin,bogus
BAD=nonsense t privs_cap_drop_unknown_125 test_bad --cap-drop nonsense
BAD=$((LAST_CAP + 1)) t privs_cap_add_number_beyond_last_125 test_bad --cap-add $((LAST_CAP + 1))
BAD=nosuchuser t privs_user_unknown_name_125 test_bad --user nosuchuser
BAD=nosuchgroup t privs_user_unknown_group_125 test_bad --user 1000:nosuchgroup
BAD=nosuchuser t privs_user_unknown_env_125 test_bad_env NESTINIT_USER=nosuchuser
BAD=bogus t privs_cap_add_unknown_env_125 test_bad_env NESTINIT_CAP_ADD=bogus
t privs_unpriv_user_1000_not_mapped_125 test_unpriv_user_not_mapped
t privs_unpriv_user_0_cap_drop_all test_unpriv_user_0_ok
t privs_unpriv_plain_user_1000_125_names_user test_unpriv_plain_user
t privs_user_4294967296_refused test_user_out_of_range 4294967296
t privs_user_99999999999_refused test_user_out_of_range 99999999999
