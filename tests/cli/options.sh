#!/bin/bash
# The command line: --version, --help, usage errors (exit 125 and one error
# line, escaped), missing and conflicting values, the environment twins and
# which wins, stdio passed through, -q/-v. Where options end: arguments.sh.
. "$(dirname "$0")/../lib.sh"
require_binary

# --- parsing-only tests (no namespaces needed) ---

test_version() {
    ni --version && want_rc 0 || return 1
    want_match "--version output" "$OUT" '^nestinit [0-9]+\.[0-9]+\.[0-9]+$'
}

test_help() { # $1 = -h or --help
    ni "$1" && want_rc 0 || return 1
    want_match "$1 output" "$OUT" '[Uu]sage' || return 1
    want_match "$1 output" "$OUT" '--proc' || return 1
    want_match "$1 output" "$OUT" '--map'
}

test_usage_error() { # ARGS... must exit 125 with exactly one error line
    ni "$@" && want_rc 125 && want_error
}

test_env_usage_error() { # VAR=VALUE ARGS...
    local v=$1; shift
    run env "$v" "$NESTINIT" "$@" && want_rc 125 && want_error
}

t cli_version test_version
t cli_help_short test_help -h
t cli_help_long test_help --help
t cli_no_command test_usage_error
t cli_no_command_after_dashdash test_usage_error --
t cli_unknown_option test_usage_error --no-such-option true
t cli_unknown_short_option test_usage_error -Z true
t cli_bad_proc_value test_usage_error --proc banana true
t cli_bad_map_value test_usage_error --map banana true
t cli_bad_unshare_value test_usage_error --unshare user,banana true
t cli_bad_fallback_value test_usage_error --fallback banana true
t cli_missing_option_value test_usage_error --proc
t cli_bad_grace test_usage_error --grace abc true
t cli_env_garbage_proc test_env_usage_error NESTINIT_PROC=banana true
t cli_env_garbage_map test_env_usage_error NESTINIT_MAP=banana true
t cli_env_garbage_unshare test_env_usage_error NESTINIT_UNSHARE=banana true

# Every option that takes a value, without one: last, after a flag, glued to
# -g. One error line naming the option, 125, never a crash (the musl build
# used to die of SIGSEGV, 139, on -p, -r, -e, -gp, -v -e).
VALUE_OPTIONS="--proc --map --unshare --fallback --rewrite -r --expect-exit -e --pdeathsig -p --grace --hostname
--user --cap-drop --cap-add --seccomp --ro --tmpfs --info-fd --info-file"
test_missing_value() { # OPTION
    local opt=$1 how
    for how in last after-flag glued; do
        case $how in
            last) ni "$opt" ;;
            after-flag) ni -v "$opt" ;;
            glued) [ "${opt#--}" = "$opt" ] || continue; ni "-g${opt#-}" ;;
        esac
        want_rc 125 && want_error || { WHY="$how: $WHY"; return 1; }
        want_match "$how: error line" "$ERR" "option '$opt' needs a value" || return 1
    done
}

test_names_bad_option() {
    ni -xg true && want_rc 125 && want_error || return 1
    want_match "error line" "$ERR" "unknown option '-x' in '-xg'" || return 1
    want_no_match "error line (must not name the binary)" "$ERR" "$NESTINIT"
}

test_error_names() { # ERE ARGS...: 125, one error line matching ERE
    local ere=$1; shift
    ni "$@" && want_rc 125 && want_error || return 1
    want_match "error line" "$ERR" "$ere"
}

test_env_error_names() { # ERE VAR=VALUE... -- ARGS...
    local ere=$1 vars=(); shift
    while [ "$1" != -- ]; do vars+=("$1"); shift; done
    shift
    run env "${vars[@]}" "$NESTINIT" "$@" && want_rc 125 && want_error || return 1
    want_match "error line" "$ERR" "$ere"
}

# Caller-controlled text is escaped: one line, no raw control bytes.
test_escaped() { # 125|127 VAR=VALUE... -- ARGS...
    local want=$1 vars=(); shift
    while [ "$1" != -- ]; do vars+=("$1"); shift; done
    shift
    run env "${vars[@]}" "$NESTINIT" "$@" && want_rc "$want" && want_error || return 1
    if printf '%s' "$ERR" | LC_ALL=C grep -q '[[:cntrl:]]'; then
        WHY="stderr holds raw control bytes: $(printf '%s' "$ERR" | od -c | head -3)"
        return 1
    fi
    want_match "escaped text" "$ERR" '\\x(0a|1b)'
}

# A usage error with stderr on a pipe whose reader is gone, before any signal
# is blocked: still 125, not death by SIGPIPE (141).
test_usage_error_stderr_gone() {
    run "$PY" -c '
import os, signal, subprocess, sys
r, w = os.pipe()
os.close(r)
p = subprocess.run([sys.argv[1], "--proc", "banana", "true"], stderr=w, restore_signals=True)
print(p.returncode if p.returncode >= 0 else 128 - p.returncode)' "$NESTINIT"
    want_rc 0 || return 1
    want_eq "nestinit's exit with stderr gone (141 = killed by SIGPIPE)" "$OUT" 125
}

for o in $VALUE_OPTIONS; do
    t "cli_missing_value_${o##*-}_$([ "${o#--}" = "$o" ] && echo short || echo long)" test_missing_value "$o"
done
t cli_unknown_option_named_not_argv0 test_names_bad_option
t cli_usage_error_stderr_gone_125 test_usage_error_stderr_gone
t cli_unshare_empty_list_comma test_error_names "--unshare: .*empty item" --unshare , true
t cli_unshare_empty_list_commas test_error_names "--unshare: .*empty item" --unshare ,, true
t cli_unshare_empty_item test_error_names "--unshare: .*empty item" --unshare user,,pid true
t cli_unshare_env_empty_list test_env_error_names "NESTINIT_UNSHARE=," NESTINIT_UNSHARE=, -- true
t cli_conflict_info_fd_info_file test_error_names "--info-fd and --info-file conflict" --info-fd 5 --info-file /tmp/x true
t cli_conflict_quiet_verbose test_error_names "--quiet and --verbose conflict" -q -v true
t cli_conflict_env_info test_env_error_names "NESTINIT_INFO_FD and NESTINIT_INFO_FILE conflict" \
    NESTINIT_INFO_FD=5 NESTINIT_INFO_FILE=/tmp/x -- true
t cli_conflict_env_verbosity test_env_error_names "NESTINIT_VERBOSE and NESTINIT_QUIET conflict" \
    NESTINIT_VERBOSE=2 NESTINIT_QUIET=1 -- true
t cli_escape_command_newline test_escaped 127 -- $'no-such-cmd\nnestinit: error: forged line'
t cli_escape_command_terminal test_escaped 127 -- $'no-such-cmd\e[2J\e]0;title\a'
t cli_escape_env_value test_escaped 125 NESTINIT_PROC=$'bad\nnestinit: warning: forged' -- true
t cli_escape_option_value test_escaped 125 -- --map $'x\e[31m' true

# --- the rest creates namespaces ---
require_root

test_clean_run() {
    ni true && want_rc 0 && want_no_stderr || return 1
    want_eq "stdout" "$OUT" ""
}

test_stdio() {
    local d; d=$(newtmp)
    echo "from-stdin" >"$d/in"
    STDIN_FILE=$d/in ni sh -c 'read -r x; echo "got:$x"; echo to-stderr >&2' || true
    want_rc 0 || return 1
    want_eq "stdout" "$OUT" "got:from-stdin" || return 1
    want_eq "stderr" "$ERR" "to-stderr"
}




test_quiet() {
    ni -q sh -c 'echo hi' && want_rc 0 && want_no_stderr || return 1
    want_eq "stdout" "$OUT" "hi"
}

test_verbose() {
    ni -v -v sh -c 'echo hi' && want_rc 0 || return 1
    want_eq "stdout (payload output only)" "$OUT" "hi" || return 1
    want_no_match "stderr" "$ERR" '^nestinit: error: '
}

test_env_proc() { # env alone selects, and the command line wins over env
    local d; d=$(newtmp)
    run env NESTINIT_PROC=bind "$NESTINIT" --info-file "$d/a" readlink /proc/self && want_rc 0 || return 1
    want_eq "NESTINIT_PROC=bind: info proc" "$(json "$d/a" 'd["proc"]')" bind || return 1
    want_ne "NESTINIT_PROC=bind: /proc/self" "$OUT" 2 || return 1
    run env NESTINIT_PROC=bind "$NESTINIT" --proc fresh --info-file "$d/b" readlink /proc/self && want_rc 0 || return 1
    want_eq "NESTINIT_PROC=bind --proc fresh: info proc" "$(json "$d/b" 'd["proc"]')" fresh || return 1
    want_eq "NESTINIT_PROC=bind --proc fresh: /proc/self" "$OUT" 2
}

test_env_map() {
    run env NESTINIT_MAP=root "$NESTINIT" cat /proc/self/uid_map && want_rc 0 || return 1
    want_eq "NESTINIT_MAP=root uid_map" "$(fields "$OUT")" "0 0 1"
}

test_env_unshare_hostname() {
    run env NESTINIT_HOSTNAME=envhost "$NESTINIT" cat /proc/sys/kernel/hostname && want_rc 0 || return 1
    want_eq "NESTINIT_HOSTNAME hostname" "$OUT" envhost
}

test_env_passthrough() {
    run env NESTINIT_TEST_VAR='a b' "$NESTINIT" sh -c 'printf "%s" "$NESTINIT_TEST_VAR"' && want_rc 0 || return 1
    want_eq "payload environment" "$OUT" "a b"
}

test_hostname_implies_uts() {
    local before; before=$(cat /proc/sys/kernel/hostname)
    ni --unshare user,pid,mount --hostname implied-uts cat /proc/sys/kernel/hostname && want_rc 0 || return 1
    want_eq "hostname inside" "$OUT" implied-uts || return 1
    want_eq "host hostname unchanged" "$(cat /proc/sys/kernel/hostname)" "$before"
}

test_info_fd_closed() {
    # fd 9 is not open: nestinit cannot write its info, a setup failure
    run bash -c 'exec 9>&-; exec "$@"' x "$NESTINIT" --info-fd 9 sh -c 'echo payload-ran' && want_rc 125 && want_error
}

test_info_file_bad_dir() {
    ni --info-file /nonexistent-dir/info.json sh -c 'echo payload-ran' && want_rc 125 && want_error
}

# The rule for empty and conflicting values (README, "Empty values and conflicts")
test_env_overridden_not_parsed() {
    local d; d=$(newtmp)
    run env NESTINIT_PROC=banana NESTINIT_PDEATHSIG=NOSIG "$NESTINIT" --proc bind -p TERM --info-file "$d/i" readlink /proc/self &&
        want_rc 0 || return 1
    want_eq "info proc (the command line's --proc bind)" "$(json "$d/i" 'd["proc"]')" bind
}

test_env_empty_is_unset() {
    run env NESTINIT_PDEATHSIG= NESTINIT_INFO_FILE= NESTINIT_INFO_FD= NESTINIT_PROC= NESTINIT_KILL_GROUP= NESTINIT_USER= \
        NESTINIT_GRACE= NESTINIT_UNSHARE= "$NESTINIT" sh -c 'echo $$' && want_rc 0 && want_no_stderr || return 1
    want_eq "payload pid (defaults: new pid namespace)" "$OUT" 2
}

test_info_pair_command_line_wins() {
    # --info-fd on the command line replaces NESTINIT_INFO_FILE: the info goes to the fd only
    local d; d=$(newtmp)
    run env NESTINIT_INFO_FILE="$d/env.json" bash -c 'exec 3>"$1"; shift; exec "$@"' x "$d/fd.json" "$NESTINIT" --info-fd 3 true &&
        want_rc 0 || return 1
    want_info_json "$d/fd.json" || return 1
    [ ! -e "$d/env.json" ] || { WHY="NESTINIT_INFO_FILE was written although --info-fd was given"; return 1; }
}

t cli_env_overridden_value_not_parsed test_env_overridden_not_parsed
t cli_env_empty_values_mean_unset test_env_empty_is_unset
t cli_info_fd_replaces_env_info_file test_info_pair_command_line_wins
t cli_clean_default_run test_clean_run
t cli_env_passthrough test_env_passthrough
t cli_hostname_implies_uts test_hostname_implies_uts
t cli_info_fd_not_open_125 test_info_fd_closed
t cli_info_file_bad_dir_125 test_info_file_bad_dir
t cli_stdio_passthrough test_stdio
t cli_quiet test_quiet
t cli_verbose test_verbose
t cli_env_proc_and_cmdline_wins test_env_proc
t cli_env_map test_env_map
t cli_env_hostname test_env_unshare_hostname
