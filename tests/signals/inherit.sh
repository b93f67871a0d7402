#!/bin/bash
# What the payload inherits from the caller: exactly its signal mask and
# dispositions (blocked, ignored, realtime), its cwd and inherited fds (while
# both inits chdir("/") and hold no fd >= 3), and socket activation's
# LISTEN_PID, rewritten to the payload's pid when it named nestinit.
. "$(dirname "$0")/../lib.sh"
require_binary
require_root

# ---------------------------------------------------------------- mask and dispositions

# launcher MODE CMD...: every disposition to SIG_DFL and an empty mask, then
# MODE's blocks (b:N) and ignores (i:N), comma separated; then exec CMD.
cat >"$TMPD/launch.py" <<'EOS'
import os, signal, sys
mode, argv = sys.argv[1], sys.argv[2:]
for s in range(1, signal.NSIG):
    if s in (signal.SIGKILL, signal.SIGSTOP):
        continue
    try:
        signal.signal(s, signal.SIG_DFL)
    except (OSError, ValueError, RuntimeError):
        pass
signal.pthread_sigmask(signal.SIG_SETMASK, [])
for item in filter(None, mode.split(",")):
    kind, num = item.split(":")
    if kind == "b":
        signal.pthread_sigmask(signal.SIG_BLOCK, [int(num)])
    else:
        signal.signal(int(num), signal.SIG_IGN)
os.execv(argv[0], argv)
EOS

# mask_of N...: the /proc/PID/status hex mask with bits for signals N...
mask_of() {
    local m=0 s
    for s in "$@"; do m=$((m | (1 << (s - 1)))); done
    printf '%016x' "$m"
}

test_inherit() { # MODE WANT-BLK WANT-IGN NESTINIT-OPTIONS...
    local mode=$1 blk=$2 ign=$3; shift 3
    run "$PY" "$TMPD/launch.py" "$mode" "$NESTINIT" "$@" grep -E '^Sig(Blk|Ign):' /proc/self/status
    want_rc 0 && want_no_stderr || return 1
    local gb gi
    gb=$(printf '%s\n' "$OUT" | awk '/^SigBlk:/ { print $2 }')
    gi=$(printf '%s\n' "$OUT" | awk '/^SigIgn:/ { print $2 }')
    want_eq "payload SigBlk (caller mode $mode)" "$gb" "$blk" || return 1
    want_eq "payload SigIgn (caller mode $mode)" "$gi" "$ign"
}

# control: the launcher itself hands over what it is told (no nestinit)
test_launcher_control() {
    run "$PY" "$TMPD/launch.py" "b:10,i:2,i:13" /bin/grep -E '^Sig(Blk|Ign):' /proc/self/status
    want_rc 0 || return 1
    want_eq "launcher control" "$(fields "$OUT")" "SigBlk: $(mask_of 10) SigIgn: $(ign 2 13)"
}

Z=0000000000000000
# Signals 32 and 33 belong to glibc, whose sigaction refuses them, so the
# launcher cannot reset them: an ignored 32/33 from whoever started the suite
# (seen under CI's runner) is part of what the caller hands over, and the
# payload must show it too.
LAUNCH_ENV_IGN=$("$PY" "$TMPD/launch.py" "" /bin/grep '^SigIgn:' /proc/self/status | awk '{ print $2 }')
LAUNCH_ENV_IGN=$(printf '%016x' $((0x${LAUNCH_ENV_IGN:-0} & 0x$(mask_of 32 33))))
# ign N...: the SigIgn mask a caller ignoring N... hands over
ign() { printf '%016x' $((0x$(mask_of "$@") | 0x$LAUNCH_ENV_IGN)); }
t inherit_launcher_control test_launcher_control
t inherit_usr1_blocked_int_pipe_ignored test_inherit "b:10,i:2,i:13" "$(mask_of 10)" "$(ign 2 13)"
t inherit_nothing_blocked_or_ignored test_inherit "" $Z "$(ign)"
t inherit_usr1_int_pipe_plain_init test_inherit "b:10,i:2,i:13" "$(mask_of 10)" "$(ign 2 13)" --unshare none
t inherit_nothing_plain_init test_inherit "" $Z "$(ign)" --unshare none
t inherit_chld_ignored test_inherit "i:17" $Z "$(ign 17)"
t inherit_term_hup_blocked_quit_ignored test_inherit "b:15,b:1,i:3" "$(mask_of 1 15)" "$(ign 3)"
t inherit_realtime_blocked_40_64 test_inherit "b:40,b:64,i:50" "$(mask_of 40 64)" "$(ign 50)"
# 34: glibc's SIGRTMIN, one of the three musl keeps for itself
t inherit_signal_34_blocked test_inherit "b:34" "$(mask_of 34)" "$(ign)"

# ---------------------------------------------------------------- cwd and fds

# children_of PID: its child pids
children_of() { local c; c=$(cat "/proc/$1/task/$1/children" 2>/dev/null); echo $c; }

# fds_of PID: its open fd numbers, sorted, space separated; the outer's own
# pidfd of the payload (its one-hop signal path) is named "pidfd" instead of
# its number: it is not an inherited fd, but there must be at most one.
fds_of() {
    local fd out=""
    for fd in $(ls "/proc/$1/fd" 2>/dev/null | sort -n); do
        if [ "$(readlink "/proc/$1/fd/$fd" 2>/dev/null)" = "anon_inode:[pidfd]" ]; then
            out="$out pidfd"
        else
            out="$out $fd"
        fi
    done
    echo "${out# }"
}

# wait_fds PID WANT: wait (2 s) until PID's fds are WANT; prints the last seen
wait_fds() {
    local end=$(($(now_ms) + 2000)) f
    while :; do
        f=$(fds_of "$1")
        [ "$f" = "$2" ] && break
        [ "$(now_ms)" -ge "$end" ] && break
        sleep 0.01
    done
    echo "$f"
}

test_hygiene() { # NESTINIT-OPTIONS...
    local d w inner rootid; d=$(newtmp); w=$(newtmp)
    # cwd $w and fd 3 (a file) and fd 7 (a pipe end) for the caller
    bg_ni bash -c 'cd "$1" && exec 3>"$2/fd3" 7</dev/null && shift 2 && exec "$@"' x "$w" "$d" -- "$@" \
        sh -c 'pwd >"$1/pwd"; echo via-fd3 >&3; ls /proc/$$/fd | sort -n | tr "\n" " " >"$1/payload-fds"; touch "$1/ready"
               i=0; while [ ! -e "$1/stop" ] && [ $i -lt 1000 ]; do sleep 0.01; i=$((i+1)); done' x "$d" ||
        { WHY="outer pid not found"; return 1; }
    wait_file "$d/ready" 10 || { touch "$d/stop"; bg_wait; WHY="payload never ready; stderr $ERR"; return 1; }
    inner=$(children_of "$OUTER")
    local ocwd icwd ofds ifds
    ocwd=$(readlink "/proc/$OUTER/cwd")
    local want_outer="0 1 2 pidfd"
    rootid=$(stat -L -c '%d:%i' /)
    if [ "$*" = "--unshare none" ]; then
        # plain init: the outer is the init, its child the payload
        inner=$OUTER
        want_outer="0 1 2"
    fi
    ofds=$(wait_fds "$OUTER" "$want_outer")
    icwd=$(stat -L -c '%d:%i' "/proc/$inner/cwd" 2>/dev/null)
    ifds=$(wait_fds "$inner" "0 1 2")
    touch "$d/stop"
    bg_wait
    want_rc 0 || return 1
    want_eq "payload's cwd" "$(cat "$d/pwd")" "$w" || return 1
    want_eq "what the payload wrote to the inherited fd 3" "$(cat "$d/fd3")" via-fd3 || return 1
    want_match "payload's fds" "$(cat "$d/payload-fds")" '^0 1 2 3 ' || return 1
    want_match "payload's fds" "$(cat "$d/payload-fds")" ' 7 ' || return 1
    want_eq "outer's cwd" "$ocwd" / || return 1
    want_eq "outer's fds" "$ofds" "$want_outer" || return 1
    [ -n "$inner" ] || { WHY="no inner init found under the outer"; return 1; }
    want_eq "inner's cwd (device:inode, must be the root's)" "$icwd" "$rootid" || return 1
    want_eq "inner's fds" "$ifds" "0 1 2"
}

# the --info-file's fd is not kept either
test_hygiene_info() {
    local d; d=$(newtmp)
    bg_ni -- --info-file "$d/info.json" sh -c 'touch "$1/ready"; i=0; while [ ! -e "$1/stop" ] && [ $i -lt 1000 ]; do sleep 0.01; i=$((i+1)); done' x "$d" ||
        { WHY="outer pid not found"; return 1; }
    wait_file "$d/ready" 10 || { touch "$d/stop"; bg_wait; WHY="payload never ready; stderr $ERR"; return 1; }
    local inner ofds ifds
    inner=$(children_of "$OUTER")
    ofds=$(wait_fds "$OUTER" "0 1 2 pidfd")
    ifds=$(wait_fds "$inner" "0 1 2")
    touch "$d/stop"
    bg_wait
    want_rc 0 || return 1
    want_eq "outer's fds with --info-file" "$ofds" "0 1 2 pidfd" || return 1
    want_eq "inner's fds with --info-file" "$ifds" "0 1 2"
}

t inherit_hygiene_cwd_and_fds test_hygiene
t inherit_hygiene_cwd_and_fds_plain_init test_hygiene --unshare none
t inherit_hygiene_info_file_fd_closed test_hygiene_info

# ---------------------------------------------------------------- LISTEN_PID

# wrapper: LISTEN_PID=$$ (the pid nestinit will have) or OTHER, LISTEN_FDS=1, fd 3 open
test_listen() { # ours|other WANT-MODE NESTINIT-OPTIONS...
    local which=$1 want=$2; shift 2
    local pay='printf "%s %s %s %s\n" "$LISTEN_PID" "$$" "$LISTEN_FDS" "$(test -e /proc/self/fd/3 && echo fd3)"'
    if [ "$which" = ours ]; then
        run bash -c 'export LISTEN_PID=$$ LISTEN_FDS=1; exec 3</dev/null; exec "$@"' x "$NESTINIT" "$@" sh -c "$pay"
    else
        run bash -c 'export LISTEN_PID=$PPID LISTEN_FDS=1; exec 3</dev/null; exec "$@"' x "$NESTINIT" "$@" sh -c "$pay"
    fi
    want_rc 0 && want_no_stderr || return 1
    set -- $OUT
    case $want in
        own-2) want_eq "LISTEN_PID, the payload's pid, LISTEN_FDS, fd 3" "$OUT" "2 2 1 fd3" ;;
        own) want_eq "LISTEN_PID seen by the payload" "$1" "$2" && want_eq "LISTEN_FDS, fd 3" "$3 $4" "1 fd3" ;;
        other)
            want_ne "LISTEN_PID seen by the payload" "$1" "$2" || return 1
            [ "$1" -gt 2 ] 2>/dev/null || { WHY="LISTEN_PID '$1' was changed (want the caller's parent's pid)"; return 1; }
            want_eq "LISTEN_FDS, fd 3" "$3 $4" "1 fd3" ;;
    esac
}

test_listen_other_exact() {
    local other=$$ # this shell: not nestinit's pid
    run env LISTEN_PID=$other LISTEN_FDS=1 "$NESTINIT" sh -c 'echo "$LISTEN_PID"'
    want_rc 0 && want_no_stderr || return 1
    want_eq "LISTEN_PID of another process" "$OUT" "$other"
}

t inherit_listen_pid_ours_becomes_2 test_listen ours own-2
t inherit_listen_pid_ours_plain_init test_listen ours own --unshare none
t inherit_listen_pid_other_unchanged test_listen_other_exact
t inherit_listen_pid_other_unchanged_plain_init test_listen other other --unshare none
kill_tracked
