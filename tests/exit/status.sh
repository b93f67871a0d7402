#!/bin/bash
# Exit status: the payload's own (0-255), 128+N when a signal N ends it, and
# -e/--expect-exit mapping CODE to 0 (and its bad values, 125). The 126/127 of
# a payload that cannot be executed: tests/faults/input.sh.
. "$(dirname "$0")/../lib.sh"
require_binary
require_root

test_code() { # CODE
    ni sh -c "exit $1" && want_rc "$1" || return 1
    want_no_stderr
}

test_signal() { # SIG WANT
    ni sh -c "kill -$1 \$\$; sleep 5" && want_rc "$2"
}

# -e/--expect-exit CODE (repeatable, 0-255, or NESTINIT_EXPECT_EXIT): CODE
# becomes 0, any other status is kept; nothing on stderr
test_expect() { # WANT CODE NESTINIT-OPTIONS...
    local want=$1 code=$2; shift 2
    ni "$@" sh -c "exit $code" && want_rc "$want" && want_no_stderr
}

test_expect_env() { # VALUE CODE WANT
    run env NESTINIT_EXPECT_EXIT="$1" "$NESTINIT" sh -c "exit $2" && want_rc "$3" && want_no_stderr
}

test_expect_bad() { # OPTIONS...
    ni "$@" sh -c 'exit 3' && want_rc 125 && want_error
}

t exit_code_0 test_code 0
t exit_code_7 test_code 7
t exit_code_255 test_code 255
t exit_signal_term_143 test_signal TERM 143
t exit_signal_kill_137 test_signal KILL 137
t exit_signal_segv_139 test_signal SEGV 139
t exit_expect_3_exit_3_gives_0 test_expect 0 3 -e 3
t exit_expect_long_option test_expect 0 3 --expect-exit 3
t exit_expect_long_equals_form test_expect 0 3 --expect-exit=3
t exit_expect_4_exit_3_gives_3 test_expect 3 3 -e 4
t exit_expect_3_and_5_exit_5_gives_0 test_expect 0 5 -e 3 -e 5
t exit_expect_3_and_5_exit_3_gives_0 test_expect 0 3 -e 3 -e 5
t exit_expect_3_and_5_exit_4_gives_4 test_expect 4 4 -e 3 -e 5
t exit_expect_255 test_expect 0 255 -e 255
t exit_expect_0_exit_0 test_expect 0 0 -e 0
t exit_expect_plain_init test_expect 0 3 --unshare none -e 3
t exit_expect_plain_init_other_code test_expect 3 3 --unshare none -e 4
t exit_expect_env test_expect_env 3 3 0
t exit_expect_env_other_code test_expect_env 3 5 5
t exit_expect_256_is_125 test_expect_bad -e 256
t exit_expect_negative_is_125 test_expect_bad -e -1
t exit_expect_empty_is_125 test_expect_bad -e ''
t exit_expect_trailing_junk_is_125 test_expect_bad -e 3x
t exit_expect_bad_letters_125 test_expect_bad -e abc
