#!/bin/bash
# An emulated Docker container without an engine: new mount+pid namespaces,
# a fresh /proc masked the way Docker masks it, Docker's default capability
# set; nestinit runs as pid 1 there.
. "$(dirname "$0")/../lib.sh"
require_binary
require_root

# Docker's default capabilities (no SYS_ADMIN), as a bounding-set mask
DOCKER_CAPBND=00000000a80425fb
MASK_RE='/proc/(keys|timer_list|kcore|acpi|sys|bus|fs|irq|sysrq-trigger|latency_stats|sched_debug|scsi)'

# The emulation (mk/docker-like-proc.sh, also behind `make run`): pid 1 of
# new mount and pid namespaces, /proc set up like an engine does, Docker's
# capabilities; EMU_CAPS and EMU_VISIBLE vary it.
EMU=("$REPO/mk/docker-like-proc.sh")
emu() { run "${EMU[@]}" "$@"; }

# ---- the emulation itself, and the kernel fact it must reproduce

test_emulation() {
    emu sh -c 'grep ^CapBnd /proc/self/status; awk '\''$5 ~ /^\/proc\// { print $5 }'\'' /proc/self/mountinfo | sort; echo $$' &&
        want_rc 0 || return 1
    want_match "bounding set" "$OUT" "CapBnd:[[:space:]]+$DOCKER_CAPBND" || return 1
    want_match "masked paths" "$OUT" '/proc/keys' || return 1
    want_match "masked paths" "$OUT" '/proc/timer_list' || return 1
    want_match "masked paths" "$OUT" '/proc/sys' || return 1
    want_eq "pid of the container's first process" "$(printf '%s\n' "$OUT" | tail -n1)" 1
}

EMU_OK=1
test_kernel_fact() {
    # outside the emulation a fresh procfs in a new userns+pidns is fine ...
    run unshare -Umpfr --mount-proc true
    if [ "$RC" != 0 ]; then
        WHY="control failed: on the host 'unshare -Umpfr --mount-proc true' exited $RC: $ERR"
        EMU_OK=0
        return 1
    fi
    # ... inside it must be refused, or the emulation is wrong
    emu unshare -Umpfr --mount-proc true
    if [ "$RC" = 0 ]; then
        WHY="EMULATION IS WRONG: 'unshare -Umpfr --mount-proc true' succeeded inside the emulated container; these tests prove nothing"
        EMU_OK=0
        return 1
    fi
    if [ "$RC" = 90 ] || [ "$TIMED_OUT" = 1 ]; then
        WHY="emulated container setup failed (rc $RC): $ERR"
        EMU_OK=0
        return 1
    fi
    want_match "unshare's complaint" "$ERR" 'Operation not permitted'
}

# a broken emulation fails this and marks every test below as meaningless
emulation_works() { test_emulation && return 0; EMU_OK=0; return 1; }
t proc_container_setup emulation_works
t proc_container_kernel_fact_fresh_procfs_refused test_kernel_fact
if [ "$EMU_OK" != 1 ]; then
    echo "########## EMULATED CONTAINER IS BROKEN: see proc_container_kernel_fact_fresh_procfs_refused ##########" >&2
fi

need_emu() {
    [ "$EMU_OK" = 1 ] && return 0
    WHY="emulated container is broken or does not reproduce the masked /proc (see proc_container_setup, proc_container_kernel_fact_fresh_procfs_refused)"
    return 1
}

# ---- nestinit inside

# payload report for the /proc the payload got
PROBE='
echo "pid=$$"
cd -P /proc/self && echo "self=${PWD#/proc/}"; cd /
while read -r k v; do [ "$k" = NSpid: ] && echo "nspid=$v"; done </proc/self/status
echo "procdev=$(stat -c %d /proc)"
echo "containerprocdev=$EMU_PROC_DEV"
echo "keys=$(stat -c %F:%t:%T /proc/keys 2>&1)"
echo "keysbytes=$(wc -c </proc/keys 2>&1)"
echo "keysmount=$(awk '\''$5 == "/proc/keys"'\'' /proc/self/mountinfo | wc -l)"
echo "timer_listmount=$(awk '\''$5 == "/proc/timer_list"'\'' /proc/self/mountinfo | wc -l)"
echo "pid1=$(tr "\0" "\n" </proc/1/cmdline | head -n1)"
'
pv() { printf '%s\n' "$OUT" | sed -n "s/^$1=//p"; }

warnings() { printf '%s\n' "$ERR" | grep -c '^nestinit: warning: '; }

test_auto() {
    need_emu || return 1
    local d; d=$(newtmp)
    emu "$NESTINIT" --proc auto --info-file "$d/info" sh -c "$PROBE" && want_rc 0 || return 1
    # stderr: exactly one warning line: no new pid namespace, why, the fixes
    want_eq "number of 'nestinit: warning: ' lines" "$(warnings)" 1 || return 1
    want_no_match "stderr" "$ERR" '^nestinit: error: ' || return 1
    local w; w=$(printf '%s\n' "$ERR" | grep '^nestinit: warning: ')
    want_match "warning" "$w" "no new pid namespace, the payload keeps the container's /proc" || return 1
    want_match "warning (must name a masked path)" "$w" "$MASK_RE" || return 1
    want_match "warning (names --cap-add SYS_ADMIN)" "$w" 'cap-add SYS_ADMIN' || return 1
    want_match "warning (names systempaths=unconfined)" "$w" 'systempaths=unconfined' || return 1
    # the payload's pids and /proc agree: the container's /proc, masks intact
    want_eq "/proc/self is the payload" "$(pv self)" "$(pv pid)" || return 1
    want_ne "payload pid (no new pid namespace)" "$(pv pid)" 2 || return 1
    want_eq "NSpid (one level)" "$(fields "$(pv nspid)")" "$(pv pid)" || return 1
    want_eq "st_dev of /proc (the container's procfs)" "$(pv procdev)" "$(pv containerprocdev)" || return 1
    want_eq "/proc/1 seen by the payload (the container's pid 1, the outer)" "$(pv pid1)" "$NESTINIT" || return 1
    want_eq "/proc/keys (must still be /dev/null)" "$(pv keys)" "character special file:1:3" || return 1
    want_eq "bytes read from /proc/keys" "$(pv keysbytes)" 0 || return 1
    want_ne "mountinfo entries for /proc/keys" "$(pv keysmount)" 0 || return 1
    want_info_json "$d/info" || return 1
    want_eq "info proc" "$(json "$d/info" 'd["proc"]')" container || return 1
    want_eq "info pid_namespace" "$(json "$d/info" 'd["pid_namespace"]')" false || return 1
    want_match "info proc_reason" "$(json "$d/info" 'd["proc_reason"]')" 'masks /proc' || return 1
    want_eq "info payload_pid (the payload, seen from the container)" "$(json "$d/info" 'd["payload_pid"]')" "$(pv pid)" || return 1
    want_eq "info map (root with CAP_SETUID/SETGID)" "$(json "$d/info" 'd["map"]')" full
}

test_bind_fallback() { # --proc bind: today's fallback, on request
    need_emu || return 1
    local d; d=$(newtmp)
    emu "$NESTINIT" --proc bind --info-file "$d/info" sh -c "$PROBE" && want_rc 0 || return 1
    want_bind_warning || return 1
    # the payload got the bind of the container's /proc, masks intact
    want_eq "payload pid" "$(pv pid)" 2 || return 1
    want_match "/proc/self (a container pid)" "$(pv self)" '^[0-9]+$' || return 1
    want_ne "/proc/self" "$(pv self)" 2 || return 1
    want_eq "NSpid via the bind (container pid, nested pid)" "$(fields "$(pv nspid)")" "$(pv self) 2" || return 1
    want_eq "st_dev of /proc (container's procfs, no new one)" "$(pv procdev)" "$(pv containerprocdev)" || return 1
    want_eq "/proc/1 seen by the payload (the container's pid 1, the outer)" "$(pv pid1)" "$NESTINIT" || return 1
    want_eq "/proc/keys (must still be /dev/null)" "$(pv keys)" "character special file:1:3" || return 1
    want_eq "bytes read from /proc/keys" "$(pv keysbytes)" 0 || return 1
    want_ne "mountinfo entries for /proc/keys" "$(pv keysmount)" 0 || return 1
    want_ne "mountinfo entries for /proc/timer_list" "$(pv timer_listmount)" 0 || return 1
    # info JSON
    want_info_json "$d/info" || return 1
    want_eq "info proc" "$(json "$d/info" 'd["proc"]')" bind || return 1
    want_eq "info pid_namespace" "$(json "$d/info" 'd["pid_namespace"]')" true || return 1
    want_eq "info mode" "$(json "$d/info" 'd["mode"]')" nested || return 1
    want_eq "info map (root with CAP_SETUID/SETGID)" "$(json "$d/info" 'd["map"]')" full || return 1
    want_eq "info outer_pid (pid 1 of the container)" "$(json "$d/info" 'd["outer_pid"]')" 1
}

test_default_is_auto() {
    need_emu || return 1
    emu "$NESTINIT" readlink /proc/self && want_rc 0 || return 1
    want_eq "number of warning lines" "$(warnings)" 1 || return 1
    want_ne "/proc/self" "$OUT" 2
}

test_fresh_fails() {
    need_emu || return 1
    emu "$NESTINIT" --proc fresh sh -c 'echo payload-ran' && want_rc 125 && want_error || return 1
    want_match "error line (names the masked /proc)" "$ERR" '/proc' || return 1
    want_match "error line (Docker flag)" "$ERR" 'systempaths=unconfined' || return 1
    want_match "error line (Podman flag)" "$ERR" 'unmask=ALL'
}

test_fresh_env_fails() {
    need_emu || return 1
    emu env NESTINIT_PROC=fresh "$NESTINIT" true && want_rc 125 && want_error
}

test_bind() {
    need_emu || return 1
    local d; d=$(newtmp)
    emu "$NESTINIT" --proc bind --info-file "$d/info" sh -c "$PROBE" && want_rc 0 && want_bind_warning || return 1
    want_ne "/proc/self" "$(pv self)" 2 || return 1
    want_eq "/proc/keys" "$(pv keys)" "character special file:1:3" || return 1
    want_eq "info proc" "$(json "$d/info" 'd["proc"]')" bind
}

test_quiet_auto() {
    need_emu || return 1
    emu "$NESTINIT" -q awk '$1 == "NSpid:" { $1 = ""; print }' /proc/self/status && want_rc 0 || return 1
    want_no_match "stderr with -q" "$ERR" '^nestinit: error: ' || return 1
    want_match "NSpid (no new pid namespace: one level)" "$(fields "$OUT")" '^[0-9]+$' || return 1
    want_eq "stderr with -q" "$ERR" ""
}

test_fd_isolation() {
    # the payload sees the container's pid 1 (the outer) through the bind,
    # but must not get at its fds or environment
    need_emu || return 1
    emu "$NESTINIT" sh -c '
        [ -d /proc/1/fd ] && echo sees-outer
        readlink /proc/self/fd/1 >/dev/null && echo self-ok
        if readlink /proc/1/fd/0 >/dev/null 2>&1; then echo LEAK-readlink; fi
        if cat /proc/1/environ >/dev/null 2>&1; then echo LEAK-environ; fi
        true' && want_rc 0 || return 1
    want_eq "payload report" "$(fields "$OUT")" "sees-outer self-ok"
}

test_exit_status() {
    need_emu || return 1
    emu "$NESTINIT" sh -c 'exit 3' && want_rc 3 || return 1
    emu "$NESTINIT" sh -c 'kill -TERM $$; sleep 5' && want_rc 143
}

test_zombies() { # WANT-PID-RE nestinit options...
    local want=$1; shift
    need_emu || return 1
    # /proc (bound or the container's) shows the container's pid namespace, which holds only us
    emu "$NESTINIT" "$@" sh -c '
        i=0; while [ $i -lt 500 ]; do (true &); i=$((i+1)); done
        t=0
        while :; do
            n=0
            for f in /proc/[0-9]*/stat; do
                { read -r l <"$f"; } 2>/dev/null || continue
                s=${l##*) }; s=${s%% *}; [ "$s" = Z ] && n=$((n+1))
            done
            [ $n -eq 0 ] || [ $t -ge 40 ] && break
            sleep 0.05; t=$((t+1))
        done
        echo "zombies=$n pid=$$"' && want_rc 0 || return 1
    want_match "zombies" "$OUT" "^zombies=0 pid=$want\$"
}

test_unmasked_fresh() {
    # with an unmasked procfs in the mount namespace a fresh mount is legal
    # again: auto must then pick fresh, without a warning
    need_emu || return 1
    local d; d=$(newtmp)
    mkdir "$d/visible"
    run env EMU_VISIBLE="$d/visible" "${EMU[@]}" unshare -Umpfr --mount-proc true
    if [ "$RC" != 0 ]; then
        WHY="control: with an unmasked procfs on $d/visible, unshare --mount-proc still fails (rc $RC): $ERR"
        return 1
    fi
    run env EMU_VISIBLE="$d/visible" "${EMU[@]}" "$NESTINIT" --info-file "$d/info" readlink /proc/self &&
        want_rc 0 && want_no_stderr || return 1
    want_eq "/proc/self" "$OUT" 2 || return 1
    want_eq "info proc" "$(json "$d/info" 'd["proc"]')" fresh
}

test_pid1_forwards_term() { # CHECK nestinit options... (CHECK: want_pid2 or want_pid_self)
    local check=$1; shift
    # `docker stop`: SIGTERM from outside the container to its pid 1
    need_emu || return 1
    local d unsh outer
    d=$(newtmp)
    spawn "$d/out" "$d/err" "${EMU[@]}" "$NESTINIT" "$@" sh -c '
        trap "echo TERM >>\"$1/log\"; exit 7" TERM
        echo $$ >"$1/pid"; cd -P /proc/self && echo "${PWD#/proc/}" >"$1/self"; cd /
        touch "$1/ready"
        i=0; while [ $i -lt 1000 ]; do sleep 0.01; i=$((i+1)); done; exit 99' x "$d" ||
        { WHY="could not start"; return 1; }
    wait_file "$d/ready" 10 || { WHY="payload never ready: $(cat "$d/err")"; return 1; }
    unsh=$(pgrep -o -P "$BG_TPID"); outer=$(pgrep -o -P "$unsh")
    track "$outer"
    want_eq "container pid 1's NSpid" "$(awk '/^NSpid:/ { print $3 }' /proc/"$outer"/status)" 1 || return 1
    kill -TERM "$outer"
    wait "$BG_WPID"
    RC=$? OUT=$(cat "$d/out") ERR=$(cat "$d/err") TIMED_OUT=0
    want_rc 7 && "$check" "$d" || return 1
    want_eq "payload log" "$(cat "$d/log" 2>/dev/null)" TERM
}

test_outer_reaps_exec_orphans() { # CHECK nestinit options... (CHECK: want_pid2 or want_pid_self)
    local check=$1; shift
    # `docker exec`: a process joins the container's pid namespace from outside
    # and leaves orphans; they are reparented to the container's pid 1 (the
    # outer), which must reap them
    need_emu || return 1
    local d unsh outer
    d=$(newtmp)
    spawn "$d/out" "$d/err" "${EMU[@]}" "$NESTINIT" "$@" sh -c '
        echo $$ >"$1/pid"; cd -P /proc/self && echo "${PWD#/proc/}" >"$1/self"; cd /; touch "$1/ready"
        i=0; while [ ! -e "$1/stop" ] && [ $i -lt 1000 ]; do sleep 0.01; i=$((i+1)); done' x "$d" ||
        { WHY="could not start"; return 1; }
    wait_file "$d/ready" 10 || { WHY="payload never ready: $(cat "$d/err")"; return 1; }
    unsh=$(pgrep -o -P "$BG_TPID"); outer=$(pgrep -o -P "$unsh")
    track "$outer"
    # the orphans sleep a little so they are surely reparented before exiting
    timeout 10 nsenter -t "$outer" -p -m -- sh -c 'i=0; while [ $i -lt 100 ]; do (sleep 0.05 &); i=$((i+1)); done' ||
        { WHY="nsenter failed"; touch "$d/stop"; return 1; }
    # seen from the host: children of the outer that are zombies
    local t=0 z reaped=0 seen=0 c l
    while [ $t -lt 60 ]; do
        z=0
        for c in $(pgrep -P "$outer"); do
            seen=1
            { read -r l <"/proc/$c/stat"; } 2>/dev/null || continue
            l=${l##*) }
            [ "${l%% *}" = Z ] && z=$((z + 1))
        done
        alive "$outer" || { WHY="the container's pid 1 (outer) died"; touch "$d/stop"; return 1; }
        [ $t -gt 5 ] && [ $z = 0 ] && { reaped=1; break; }
        sleep 0.05; t=$((t + 1))
    done
    touch "$d/stop"
    wait "$BG_WPID"
    RC=$? OUT=$(cat "$d/out") ERR=$(cat "$d/err") TIMED_OUT=0
    [ "$reaped" = 1 ] || { WHY="$z zombie children of the container's pid 1 (the outer) after 3s"; return 1; }
    want_rc 0 && "$check" "$d"
}

test_nested() {
    # nestinit in the payload of nestinit, in the container: the first level
    # gives a bind of the container's /proc; the second must still work
    need_emu || return 1
    emu "$NESTINIT" --proc bind -- "$NESTINIT" --proc bind -- sh -c 'echo $$' && want_rc 0 || return 1
    want_eq "nested payload pid" "$OUT" 2 || return 1
    want_no_match "stderr" "$ERR" '^nestinit: error: '
}

test_nested_default() {
    # the same with the defaults: both levels keep the container's /proc, and
    # the innermost payload's pid and /proc still agree. The second level holds
    # CAP_SYS_ADMIN over its mount namespace, but the masks there were locked
    # when the first level crossed into its user namespace, so its pid-first
    # try is refused and it falls back too.
    need_emu || return 1
    emu "$NESTINIT" -- "$NESTINIT" -- sh -c 'echo $$; cd -P /proc/self && echo ${PWD#/proc/}' && want_rc 0 || return 1
    want_eq "nested payload: \$\$ and /proc/self" "$(printf '%s\n' "$OUT" | sed -n 1p)" "$(printf '%s\n' "$OUT" | sed -n 2p)" || return 1
    want_ne "nested payload pid" "$(printf '%s\n' "$OUT" | sed -n 1p)" 2 || return 1
    want_no_match "stderr" "$ERR" '^nestinit: error: '
}

test_cap_drop_all() {
    # `docker run --cap-drop ALL`: without CAP_SETFCAP root cannot map uid 0
    need_emu || return 1
    run env EMU_CAPS=-all "${EMU[@]}" "$NESTINIT" sh -c 'echo payload-ran' && want_rc 125 && want_error || return 1
    want_match "error line (names the missing capability)" "$ERR" 'SETFCAP'
}

test_cap_drop_all_plain() {
    need_emu || return 1
    run env EMU_CAPS=-all "${EMU[@]}" "$NESTINIT" --fallback plain sh -c 'echo ran; exit 4' && want_rc 4 || return 1
    want_eq "payload output" "$OUT" ran || return 1
    want_eq "number of warning lines" "$(warnings)" 1 || return 1
    want_no_match "stderr" "$ERR" '^nestinit: error: '
}

test_nonroot_user_default() {
    # `docker run --user 65534`: map root, the container's /proc, masks intact
    need_emu || return 1
    local d; d=$(newtmp shared)
    emu "${AS_NOBODY[@]}" "$NESTINIT" --info-file "$d/info" sh -c "$PROBE"'
        echo "uid_map=$(cat /proc/self/uid_map)"' && want_rc 0 || return 1
    want_eq "number of warning lines" "$(warnings)" 1 || return 1
    want_eq "uid_map" "$(fields "$(pv uid_map)")" "0 65534 1" || return 1
    want_eq "/proc/self is the payload" "$(pv self)" "$(pv pid)" || return 1
    want_eq "/proc/keys" "$(pv keys)" "character special file:1:3" || return 1
    want_eq "info map" "$(json "$d/info" 'd["map"]')" root || return 1
    want_eq "info proc" "$(json "$d/info" 'd["proc"]')" container
}

test_nonroot_user() {
    # `docker run --user 65534` with --proc bind: map root, bind, masks intact
    need_emu || return 1
    local d; d=$(newtmp shared)
    emu "${AS_NOBODY[@]}" "$NESTINIT" --proc bind --info-file "$d/info" sh -c "$PROBE"'
        echo "uid_map=$(cat /proc/self/uid_map)"' && want_rc 0 || return 1
    want_eq "number of warning lines" "$(warnings)" 1 || return 1
    want_eq "uid_map" "$(fields "$(pv uid_map)")" "0 65534 1" || return 1
    want_eq "NSpid via the bind" "$(fields "$(pv nspid)")" "$(pv self) 2" || return 1
    want_eq "/proc/keys" "$(pv keys)" "character special file:1:3" || return 1
    want_eq "info map" "$(json "$d/info" 'd["map"]')" root || return 1
    want_eq "info proc" "$(json "$d/info" 'd["proc"]')" bind
}

# ---- the /proc routes: --cap-add SYS_ADMIN (pid namespace first), --proc unmasked, tools

# Docker's default set plus SYS_ADMIN: `docker run --cap-add SYS_ADMIN`
SYSADMIN_CAPS="-all,+chown,+dac_override,+fowner,+fsetid,+kill,+setgid,+setuid,+setpcap,+net_bind_service,+net_raw,+sys_chroot,+mknod,+audit_write,+setfcap,+sys_admin"

# what the payload's own tools say about its pids and /proc
TOOLS='
sleep 30 & bg=$!
echo "pid=$$"
cd -P /proc/self && echo "self=${PWD#/proc/}"; cd /
echo "ps_self=$(ps -o pid= -p $$ | tr -d " ")"
ps -e >/dev/null 2>&1; echo "ps_e=$?"
top -bn1 >/dev/null 2>&1; echo "top=$?"
echo "pgrep=$(pgrep -x sleep | tr "\n" " ")"
echo "bg=$bg"
echo "py=$(python3 -c "import os; print(os.getpid() == int(os.readlink(\"/proc/self\")))" 2>&1)"
if command -v bwrap >/dev/null; then
    timeout 10 bwrap --unshare-user --ro-bind / / --dev /dev true >/dev/null 2>&1 </dev/null; echo "bwrap=$?"
else echo "bwrap=absent"; fi
kill $bg
'

want_tools_work() { # what: every tool agrees with the payload's pids
    want_eq "$1: /proc/self" "$(pv self)" "$(pv pid)" || return 1
    want_eq "$1: ps -o pid= -p \$\$" "$(pv ps_self)" "$(pv pid)" || return 1
    want_eq "$1: ps -e" "$(pv ps_e)" 0 || return 1
    want_eq "$1: top -bn1" "$(pv top)" 0 || return 1
    want_match "$1: pgrep -x sleep finds the payload's sleep" " $(pv pgrep)" " $(pv bg) " || return 1
    want_eq "$1: python getpid() == /proc/self" "$(pv py)" True || return 1
    if [ "$(pv bwrap)" = absent ]; then
        [ "${CI:-}" = true ] && { WHY="bwrap is not installed (CI installs bubblewrap)"; return 1; }
        echo "#### bwrap not installed: its check is left out" >&2
        return 0
    fi
    want_eq "$1: bwrap --unshare-user --ro-bind / / --dev /dev true" "$(pv bwrap)" 0
}

test_tools_control() { # the same tools in the emulated container without nestinit
    need_emu || return 1
    emu sh -c "$TOOLS" && want_rc 0 || return 1
    want_tools_work "without nestinit"
}

test_tools() { # EMU_CAPS-or-empty nestinit options...
    local caps=$1; shift
    need_emu || return 1
    run env ${caps:+EMU_CAPS=$caps} "${EMU[@]}" "$NESTINIT" "$@" sh -c "$TOOLS" && want_rc 0 || return 1
    want_tools_work "under nestinit $*"
}

test_bind_breaks_tools() {
    # kernel fact pinned: under a bind of the container's /proc in a new pid
    # namespace, the payload's pid and /proc/self disagree (why auto does not bind)
    need_emu || return 1
    emu "$NESTINIT" --proc bind sh -c "$TOOLS" && want_rc 0 || return 1
    want_ne "/proc/self under --proc bind" "$(pv self)" "$(pv pid)" || return 1
    want_eq "python getpid() == /proc/self under --proc bind" "$(pv py)" False
}

test_sysadmin_fresh() {
    # `docker run --cap-add SYS_ADMIN`: pid and mount namespaces first, a fresh
    # procfs with the container's masks carried over, locked for the payload
    need_emu || return 1
    local d; d=$(newtmp)
    run env EMU_CAPS="$SYSADMIN_CAPS" "${EMU[@]}" "$NESTINIT" --info-file "$d/info" sh -c "$PROBE"'
        echo "sysrw=$( (echo x >/proc/sys/kernel/hostname) 2>/dev/null && echo writable || echo refused)"
        echo "umount=$(umount /proc/keys 2>/dev/null && echo unmounted || echo refused)"
        echo "nested=$(unshare -Urmpf --mount-proc true 2>/dev/null && echo mounted || echo refused)"
        echo "nprocmounts=$(awk '\''$5 == "/proc" && $9 == "proc"'\'' /proc/self/mountinfo | wc -l)"' &&
        want_rc 0 && want_no_stderr || return 1
    want_eq "payload pid" "$(pv pid)" 2 || return 1
    want_eq "/proc/self" "$(pv self)" 2 || return 1
    want_ne "st_dev of /proc (a new procfs)" "$(pv procdev)" "$(pv containerprocdev)" || return 1
    want_eq "/proc/keys (masked again: /dev/null)" "$(pv keys)" "character special file:1:3" || return 1
    want_eq "bytes read from /proc/keys" "$(pv keysbytes)" 0 || return 1
    want_ne "mountinfo entries for /proc/timer_list" "$(pv timer_listmount)" 0 || return 1
    want_eq "write to /proc/sys (read-only again)" "$(pv sysrw)" refused || return 1
    want_eq "umount /proc/keys in the payload (the mask is locked)" "$(pv umount)" refused || return 1
    want_eq "a nested procfs under the locked masks" "$(pv nested)" refused || return 1
    want_info_json "$d/info" || return 1
    want_eq "info proc" "$(json "$d/info" 'd["proc"]')" fresh || return 1
    want_eq "info pid_namespace" "$(json "$d/info" 'd["pid_namespace"]')" true || return 1
    want_eq "info map" "$(json "$d/info" 'd["map"]')" full
}

test_sysadmin_unmasked() {
    # --proc unmasked where the container's root could lift the masks itself:
    # a procfs without them, so the payload can nest further
    need_emu || return 1
    local d; d=$(newtmp)
    run env EMU_CAPS="$SYSADMIN_CAPS" "${EMU[@]}" "$NESTINIT" --proc unmasked --info-file "$d/info" sh -c '
        echo "pid=$$"
        echo "keysmount=$(awk '\''$5 == "/proc/keys"'\'' /proc/self/mountinfo | tail -n1 | wc -l)"
        unshare -Urmpf --mount-proc sh -c "echo nested=\$\$"' && want_rc 0 && want_no_stderr || return 1
    want_eq "payload pid" "$(pv pid)" 2 || return 1
    want_eq "nested unshare -Urmpf --mount-proc: pid" "$(pv nested)" 1 || return 1
    want_eq "info proc" "$(json "$d/info" 'd["proc"]')" unmasked
}

test_unmasked_refused() {
    # without CAP_SYS_ADMIN the masks stay: 125, the reason, the fix, nothing ran
    need_emu || return 1
    emu "$NESTINIT" --proc unmasked sh -c 'echo payload-ran' && want_rc 125 && want_error || return 1
    want_eq "stdout" "$OUT" "" || return 1
    want_match "error (names the masks)" "$ERR" "$MASK_RE" || return 1
    want_match "error (names the fix)" "$ERR" 'cap-add SYS_ADMIN'
}

test_check_routes() {
    need_emu || return 1
    emu "$NESTINIT" --check && want_rc 0 || return 1
    want_match "--check proc-auto (no SYS_ADMIN)" "$OUT" '^warn proc-auto: container: no new pid namespace.*fix: .*cap-add SYS_ADMIN' || return 1
    want_match "--check result" "$OUT" "^result: the defaults work, with the container's /proc" || return 1
    run env EMU_CAPS="$SYSADMIN_CAPS" "${EMU[@]}" "$NESTINIT" --check && want_rc 0 || return 1
    want_match "--check proc-auto (SYS_ADMIN)" "$OUT" '^ok proc-auto: fresh: pid and mount namespaces first' || return 1
    want_match "--check result (SYS_ADMIN)" "$OUT" '^result: the defaults work, with a fresh /proc'
}

test_check_fresh_refused() {
    # --proc fresh under masks without CAP_SYS_ADMIN: the run refuses it (125)
    # and --check, driving the same steps, fails at the same one
    need_emu || return 1
    emu "$NESTINIT" --proc fresh true && want_rc 125 || return 1
    want_match "the run's error" "$ERR" 'a fresh procfs was refused' || return 1
    emu "$NESTINIT" --check --proc fresh && want_rc 1 || return 1
    want_match "--check proc-fresh" "$OUT" '^FAIL proc-fresh: .*a fresh procfs was refused.*; fix: ' || return 1
    want_match "--check result" "$OUT" '^result: the defaults would fail at step proc-fresh$'
}

t proc_container_tools_control_without_nestinit test_tools_control
t proc_container_tools_container_proc test_tools ""
t proc_container_tools_sysadmin_fresh test_tools "$SYSADMIN_CAPS"
t proc_container_bind_breaks_tools test_bind_breaks_tools
t proc_container_sysadmin_fresh_masks_carried test_sysadmin_fresh
t proc_container_sysadmin_unmasked_nests test_sysadmin_unmasked
t proc_container_unmasked_refused_125 test_unmasked_refused
t proc_container_check_reports_route test_check_routes
t proc_container_check_proc_fresh_same_verdict_as_run test_check_fresh_refused
t proc_container_auto_gives_container_proc test_auto
t proc_container_proc_bind_on_request test_bind_fallback
t proc_container_default_is_auto test_default_is_auto
t proc_container_fresh_fails_125 test_fresh_fails
t proc_container_fresh_env_fails_125 test_fresh_env_fails
t proc_container_bind_warns test_bind
t proc_container_quiet_still_runs test_quiet_auto
t proc_container_fd_isolation test_fd_isolation
t proc_container_bind_fd_isolation test_fd_isolation --proc bind
t proc_container_exit_status test_exit_status
t proc_container_zombies_reaped test_zombies '[0-9]+'
t proc_container_bind_zombies_reaped test_zombies 2 --proc bind
t proc_container_unmasked_procfs_gives_fresh test_unmasked_fresh
t proc_container_pid1_forwards_docker_stop_term test_pid1_forwards_term want_pid_self
t proc_container_bind_pid1_forwards_docker_stop_term test_pid1_forwards_term want_pid2 --proc bind
t proc_container_outer_reaps_exec_orphans test_outer_reaps_exec_orphans want_pid_self
t proc_container_bind_outer_reaps_exec_orphans test_outer_reaps_exec_orphans want_pid2 --proc bind
t proc_container_nested_nestinit test_nested_default
t proc_container_bind_nested_nestinit test_nested
t proc_container_nonroot_user test_nonroot_user_default
t proc_container_bind_nonroot_user test_nonroot_user
t proc_container_cap_drop_all_125 test_cap_drop_all
t proc_container_cap_drop_all_fallback_plain test_cap_drop_all_plain
kill_tracked
