#!/bin/bash
# Terminals: with a real pty as the controlling terminal the payload's process
# group is the terminal's foreground group, bash -m gets job control, Ctrl-C
# ends a foreground loop (exit 130) and reaches the payload's group directly,
# Ctrl-Z stops a shell's job and `fg` resumes it (a session leader goes on);
# no TTY, or a pty that is not the controlling terminal, is not an error.
. "$(dirname "$0")/../lib.sh"
require_binary
require_root

# ptyrun.py MODE SECONDS CMD...: runs CMD in a new session on a fresh pty.
#   ctty:    the pty is the controlling terminal (setsid + TIOCSCTTY)
#   ctrlc:   like ctty; once "READY" shows in the output, writes ^C (\x03)
#   noctty:  the pty is stdin/stdout/stderr but not the controlling terminal
#   steps:   like ctty; $PTY_STEPS holds lines "WAIT<TAB>SEND": once WAIT shows
#            in the output (after the previous step's), writes SEND (Python
#            escapes: \x1a is ^Z, \n a newline)
# Prints what the pty showed (\r removed), then "PTYRC=N" (128+N for signal N,
# "PTYRC=timeout" after SECONDS, the child then SIGKILLed).
cat >"$TMPD/ptyrun.py" <<'EOS'
import errno, fcntl, os, select, signal, sys, termios, time
mode, limit, cmd = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
master, slave = os.openpty()
pid = os.fork()
if pid == 0:
    try:
        os.close(master)
        os.setsid()
        if mode != "noctty":
            fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
        for fd in (0, 1, 2):
            os.dup2(slave, fd)
        if slave > 2:
            os.close(slave)
        for s in range(1, signal.NSIG):
            if s in (signal.SIGKILL, signal.SIGSTOP):
                continue
            try:
                signal.signal(s, signal.SIG_DFL)
            except (OSError, ValueError, RuntimeError):
                pass
        os.execv(cmd[0], cmd)
    finally:
        os._exit(120)
os.close(slave)
out = b""
sent = False
steps = []
if mode == "steps":
    for line in os.environ.get("PTY_STEPS", "").splitlines():
        wait, send = line.split("\t", 1)
        steps.append((wait.encode(), send.encode().decode("unicode_escape").encode("latin-1")))
seen = 0
deadline = time.monotonic() + limit
status = None

def drain(wait):
    global out
    while True:
        r, _, _ = select.select([master], [], [], wait)
        if not r:
            return
        try:
            data = os.read(master, 4096)
        except OSError as e:
            if e.errno == errno.EIO:
                return
            raise
        if not data:
            return
        out += data

while True:
    drain(0.02)
    if mode == "ctrlc" and not sent and b"READY" in out:
        time.sleep(0.1)
        os.write(master, b"\x03")
        sent = True
    if steps and steps[0][0] in out[seen:]:
        seen = out.index(steps[0][0], seen) + len(steps[0][0])
        os.write(master, steps.pop(0)[1])
    wpid, st = os.waitpid(pid, os.WNOHANG)
    if wpid:
        status = st
        break
    if time.monotonic() > deadline:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        break
drain(0.05)
text = out.decode("utf-8", "replace").replace("\r", "")
sys.stdout.write(text if text == "" or text.endswith("\n") else text + "\n")
if status is None:
    print("PTYRC=timeout")
elif os.WIFSIGNALED(status):
    print("PTYRC=%d" % (128 + os.WTERMSIG(status)))
else:
    print("PTYRC=%d" % os.WEXITSTATUS(status))
EOS

# pty MODE CMD...: sets OUT (the pty's text, without the PTYRC line) and PRC
pty() {
    local mode=$1; shift
    run "$PY" "$TMPD/ptyrun.py" "$mode" 10 "$@"
    PRC=$(printf '%s\n' "$OUT" | sed -n 's/^PTYRC=//p' | tail -n1)
    OUT=$(printf '%s\n' "$OUT" | grep -v '^PTYRC=')
}

want_prc() {
    [ "$RC" = 0 ] || { WHY="ptyrun.py failed (rc $RC): $ERR $OUT"; return 1; }
    want_eq "exit status on the pty (output: $(oneline "$OUT"))" "$PRC" "$1"
}

# stat_fields: "pgrp tty_nr tpgid" from a /proc/PID/stat line in $OUT
stat_fields() {
    local l rest
    l=$(printf '%s\n' "$OUT" | grep -m1 '^[0-9]* (')
    rest=${l##*) }
    set -- $rest
    echo "${3:-} ${5:-} ${6:-}"
}

# control: without nestinit, the same check sees the foreground group
test_control() {
    pty ctty /bin/cat /proc/self/stat
    want_prc 0 || return 1
    set -- $(stat_fields)
    [ -n "${3:-}" ] || { WHY="no stat line: $OUT"; return 1; }
    want_ne "tty_nr" "$2" 0 && want_eq "tpgid (foreground group) vs pgrp" "$3" "$1"
}

# (a) the payload's process group is the terminal's foreground group
test_foreground() { # NESTINIT-OPTIONS...
    pty ctty "$NESTINIT" "$@" cat /proc/self/stat
    want_prc 0 || return 1
    set -- $(stat_fields)
    [ -n "${3:-}" ] || { WHY="no stat line: $OUT"; return 1; }
    want_ne "payload's tty_nr (controlling terminal)" "$2" 0 || return 1
    want_eq "terminal's foreground group (tpgid) vs the payload's pgrp" "$3" "$1"
}

test_foreground_pid2() {
    test_foreground || return 1
    set -- $(stat_fields)
    want_eq "payload's pgrp (its own group, pid 2)" "$1" 2
}

# (b) bash -m has job control
test_bash_job_control() {
    local bash; bash=$(command -v bash) || { WHY="bash not found"; return 1; }
    pty ctty "$NESTINIT" "$bash" --norc --noprofile -m -c 'echo "flags=$-"'
    want_prc 0 || return 1
    local flags; flags=$(printf '%s\n' "$OUT" | sed -n 's/^flags=//p')
    want_match "bash -m's \$- under nestinit" "$flags" m || return 1
    want_no_match "bash's messages" "$OUT" 'no job control|cannot set terminal process group'
}

# control: bash -m without a terminal has no job control (so the check above means something)
test_bash_job_control_control() {
    local bash; bash=$(command -v bash) || { WHY="bash not found"; return 1; }
    run setsid -w "$bash" --norc --noprofile -m -c 'echo "flags=$-"'
    want_no_match "bash -m's \$- without a terminal" "$(printf '%s\n' "$OUT" | sed -n 's/^flags=//p')" m
}

# (c) Ctrl-C ends a foreground loop; nestinit exits 130
test_ctrl_c() { # NESTINIT-OPTIONS...
    pty ctrlc "$NESTINIT" "$@" sh -c 'echo READY; i=0; while [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done; exit 42'
    want_prc 130
}

# (d) no terminal is not an error
test_no_tty() {
    ni sh -c 'echo ok' && want_rc 0 && want_no_stderr || return 1
    want_eq "stdout" "$OUT" ok
}
test_no_ctty_session() {
    run setsid -w "$NESTINIT" sh -c 'echo ok; cat /proc/self/stat' && want_rc 0 && want_no_stderr || return 1
    want_match "stdout" "$OUT" '^ok'
}
test_pty_not_controlling() {
    pty noctty "$NESTINIT" sh -c 'echo ok'
    want_prc 0 || return 1
    want_eq "output" "$OUT" ok
}

t tty_control_foreground_check test_control
t tty_payload_is_foreground_group test_foreground_pid2
t tty_payload_is_foreground_group_plain_init test_foreground --unshare none
t tty_bash_m_control_without_tty test_bash_job_control_control
t tty_bash_m_has_job_control test_bash_job_control
t tty_ctrl_c_exit_130 test_ctrl_c
t tty_ctrl_c_exit_130_plain_init test_ctrl_c --unshare none
# with INT forwarding dropped, only the terminal can deliver ^C's SIGINT: it
# must go to the payload's group, the terminal's foreground group
t tty_ctrl_c_reaches_payload_group_directly test_ctrl_c -r INT:0
t tty_ctrl_c_reaches_payload_group_directly_plain_init test_ctrl_c --unshare none -r INT:0
# (e) Ctrl-Z. Under a job-control shell the job stops
# as a whole and the shell gets its terminal back (it prints STOPPED at once);
# `fg` gives the terminal back to the payload, which then reads the line typed
# after the stop. Without nestinit's stop the shell waits for ever (timeout).
CTRLZ_PAYLOAD='echo READY; read line; echo "GOT $line"; exit 3'
test_ctrl_z_shell_job() { # NESTINIT-OPTIONS...
    local bash; bash=$(command -v bash) || { WHY="bash not found"; return 1; }
    PTY_STEPS=$(printf 'READY\t\\x1a\nSTOPPED\thello\\n\n') \
        pty steps "$bash" --norc --noprofile -m -c \
        '"$@"; echo "STOPPED rc=$?"; fg >/dev/null; echo "FG rc=$?"' x "$NESTINIT" "$@" sh -c "$CTRLZ_PAYLOAD"
    want_prc 0 || return 1
    want_match "the shell's view after ^Z" "$OUT" 'STOPPED rc=(147|148)' || return 1
    want_match "the payload after fg" "$OUT" 'GOT hello' || return 1
    want_match "fg's status (the payload's exit)" "$OUT" 'FG rc=3'
}
# control: the same shell and steps with a plain job stop and resume it
test_ctrl_z_shell_job_control() {
    local bash; bash=$(command -v bash) || { WHY="bash not found"; return 1; }
    PTY_STEPS=$(printf 'READY\t\\x1a\nSTOPPED\thello\\n\n') \
        pty steps "$bash" --norc --noprofile -m -c \
        '"$@"; echo "STOPPED rc=$?"; fg >/dev/null; echo "FG rc=$?"' x sh -c "$CTRLZ_PAYLOAD"
    want_prc 0 && want_match "output" "$OUT" 'STOPPED rc=148' || return 1
    want_match "output" "$OUT" 'GOT hello' && want_match "output" "$OUT" 'FG rc=3'
}
# nestinit leads the terminal's session (as under `docker run -it`): nobody
# can take the terminal back, so a Ctrl-Z is undone and the payload goes on
test_ctrl_z_session_leader() { # NESTINIT-OPTIONS...
    PTY_STEPS=$(printf 'READY\t\\x1ahello\\n\n') pty steps "$NESTINIT" "$@" sh -c "$CTRLZ_PAYLOAD"
    want_prc 3 && want_match "the payload after ^Z" "$OUT" 'GOT hello'
}

t tty_ctrl_z_control_plain_shell_job test_ctrl_z_shell_job_control
t tty_ctrl_z_stops_the_shell_job test_ctrl_z_shell_job
t tty_ctrl_z_stops_the_shell_job_kill_group test_ctrl_z_shell_job -g
t tty_ctrl_z_stops_the_shell_job_no_pid_namespace test_ctrl_z_shell_job --unshare user,mount
t tty_ctrl_z_stops_the_shell_job_plain_init test_ctrl_z_shell_job --unshare none
t tty_ctrl_z_session_leader_goes_on test_ctrl_z_session_leader
t tty_ctrl_z_session_leader_goes_on_plain_init test_ctrl_z_session_leader --unshare none
t tty_none_stdin_devnull test_no_tty
t tty_none_no_controlling_terminal test_no_ctty_session
t tty_pty_stdio_not_controlling test_pty_not_controlling
kill_tracked
