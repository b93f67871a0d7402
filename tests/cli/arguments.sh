#!/bin/bash
# Options stop at the first non-option, `--` is still
# accepted, the payload's flags are its own; -e/--expect-exit.
. "$(dirname "$0")/../lib.sh"
require_binary
require_root

# --- 1. arguments stop at the first non-option

test_no_dashdash() {
    ni sh -c 'exit 3' && want_rc 3 && want_no_stderr
}

test_dashdash() {
    ni -- sh -c 'exit 3' && want_rc 3 && want_no_stderr
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

# nestinit's own option letters after the command are the payload's arguments
test_trailing_options_are_payload_args() {
    ni sh -c 'printf "[%s]" "$0" "$@"; exit 3' -e 3 -g --grace 9 -- -v && want_rc 3 && want_no_stderr || return 1
    want_eq "payload argv" "$OUT" "[-e][3][-g][--grace][9][--][-v]"
}

# with `--`, a command that looks like an option is the command
test_dashdash_then_dash_command() {
    local d; d=$(newtmp)
    printf '#!/bin/sh\necho "ran:$*"\n' >"$d/-g"
    chmod +x "$d/-g"
    run env PATH="$d:$SAFE_PATH" "$NESTINIT" -- -g -e 1 && want_rc 0 && want_no_stderr || return 1
    want_eq "output of the command named -g" "$OUT" "ran:-e 1"
}

t pid1_args_no_dashdash_exit_3 test_no_dashdash
t pid1_args_dashdash_exit_3 test_dashdash
t pid1_args_options_then_dashdash test_options_then_dashdash
t pid1_args_payload_ls_dash_g test_payload_short_flag
t pid1_args_trailing_options_are_payload_args test_trailing_options_are_payload_args
t pid1_args_dashdash_dash_named_command test_dashdash_then_dash_command

# --- 5. -e/--expect-exit CODE, repeatable, 0-255

test_expect() { # WANT CODE NESTINIT-OPTIONS...
    local want=$1 code=$2; shift 2
    ni "$@" sh -c "exit $code" && want_rc "$want" && want_no_stderr
}

test_expect_bad() { # OPTIONS...
    ni "$@" sh -c 'exit 3' && want_rc 125 && want_error
}

t pid1_expect_3_exit_3_gives_0 test_expect 0 3 -e 3
t pid1_expect_4_exit_3_gives_3 test_expect 3 3 -e 4
t pid1_expect_3_and_5_exit_5_gives_0 test_expect 0 5 -e 3 -e 5
t pid1_expect_3_and_5_exit_3_gives_0 test_expect 0 3 -e 3 -e 5
t pid1_expect_3_and_5_exit_4_gives_4 test_expect 4 4 -e 3 -e 5
t pid1_expect_long_equals_form test_expect 0 3 --expect-exit=3
t pid1_expect_255 test_expect 0 255 -e 255
t pid1_expect_0_exit_0 test_expect 0 0 -e 0
t pid1_expect_plain_init test_expect 0 3 --unshare none -e 3
t pid1_expect_plain_init_other_code test_expect 3 3 --unshare none -e 4
t pid1_expect_256_is_125 test_expect_bad -e 256
t pid1_expect_negative_is_125 test_expect_bad -e -1
t pid1_expect_empty_is_125 test_expect_bad -e ''
t pid1_expect_trailing_junk_is_125 test_expect_bad -e 3x
kill_tracked
