#!/bin/bash
# Where nestinit's options end: at the first non-option or at `--`; what
# follows (the payload's own flags, words that look like nestinit's options,
# a command named like an option) is the payload's.
. "$(dirname "$0")/../lib.sh"
require_binary
require_root

# `--` before the command: the command runs, a later `--` and --version are
# its arguments
test_dashdash() {
    ni -- sh -c 'printf "[%s]" "$@"; exit 3' x -- --version && want_rc 3 && want_no_stderr || return 1
    want_eq "payload argv" "$OUT" "[--][--version]"
}

test_options_then_dashdash() {
    ni -q -e 9 -- sh -c 'exit 3' && want_rc 3 && want_no_stderr
}

# `ls -g` is ls's -g (long listing without the owner), not --kill-group
test_payload_short_flag() {
    local d want; d=$(newtmp)
    echo hello >"$d/file"
    want=$(cd "$d" && ls -g --time-style=+X file)
    ni ls -g --time-style=+X "$d/file" && want_rc 0 && want_no_stderr || return 1
    want_eq "ls -g output under nestinit" "$OUT" "${want/file/$d/file}" || return 1
    want_match "ls -g output" "$OUT" '^-rw'
}

# nestinit's own options after the command (even invalid ones) are the
# payload's arguments
test_trailing_options_are_payload_args() {
    ni sh -c 'printf "[%s]" "$0" "$@"; exit 3' -e 3 -g --grace 9 --proc banana -h -- -v && want_rc 3 && want_no_stderr || return 1
    want_eq "payload argv" "$OUT" "[-e][3][-g][--grace][9][--proc][banana][-h][--][-v]"
}

# with `--`, a command that looks like an option is the command
test_dashdash_then_dash_command() {
    local d; d=$(newtmp)
    printf '#!/bin/sh\necho "ran:$*"\n' >"$d/-g"
    chmod +x "$d/-g"
    run env PATH="$d:$SAFE_PATH" "$NESTINIT" -- -g -e 1 && want_rc 0 && want_no_stderr || return 1
    want_eq "output of the command named -g" "$OUT" "ran:-e 1"
}

test_dashdash_version_is_command() {
    # after --, "--version" is the command (not found), not the option
    ni -- --version && want_rc 127 && want_error
}

t cli_args_dashdash_then_command test_dashdash
t cli_args_options_then_dashdash test_options_then_dashdash
t cli_args_payload_ls_dash_g test_payload_short_flag
t cli_args_trailing_options_are_payload_args test_trailing_options_are_payload_args
t cli_args_dashdash_dash_named_command test_dashdash_then_dash_command
t cli_args_dashdash_version_is_command test_dashdash_version_is_command

kill_tracked
