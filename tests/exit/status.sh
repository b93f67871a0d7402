#!/bin/bash
# Exit status: the payload's, 128+N for signal N, 126/127 for exec failures,
# -e/--expect-exit mapping.
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

test_not_executable() {
    local d; d=$(newtmp)
    printf '#!/bin/sh\nexit 0\n' >"$d/noexec"
    chmod 0644 "$d/noexec"
    ni "$d/noexec" && want_rc 126 && want_error
}

test_directory() {
    local d; d=$(newtmp)
    ni "$d" && want_rc 126 && want_error
}

test_not_found() { # CMD
    ni "$1" && want_rc 127 && want_error
}

test_expect_exit() { # ARGS... (expect-exit options) ; CODE ; WANT
    local want=${*: -1} code=${*: -2:1}
    local opts=("${@:1:$#-2}")
    ni "${opts[@]}" sh -c "exit $code" && want_rc "$want"
}

test_expect_exit_env() { # VALUE CODE WANT
    run env NESTINIT_EXPECT_EXIT="$1" "$NESTINIT" sh -c "exit $2" && want_rc "$3"
}

t exit_code_0 test_code 0
t exit_code_7 test_code 7
t exit_code_255 test_code 255
t exit_signal_term_143 test_signal TERM 143
t exit_signal_kill_137 test_signal KILL 137
t exit_signal_segv_139 test_signal SEGV 139
t exit_not_executable_126 test_not_executable
t exit_directory_126 test_directory
t exit_not_found_127 test_not_found no-such-command-nestinit-test
t exit_not_found_path_127 test_not_found /nonexistent/dir/cmd
t expect_exit_maps_to_0 test_expect_exit -e 3 3 0
t expect_exit_long_option test_expect_exit --expect-exit 3 3 0
t expect_exit_other_code_kept test_expect_exit -e 3 4 4
t expect_exit_repeatable test_expect_exit -e 3 -e 4 4 0
t expect_exit_env test_expect_exit_env 3 3 0
t expect_exit_env_other_code test_expect_exit_env 3 5 5
