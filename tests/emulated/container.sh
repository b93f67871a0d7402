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
t emu_container_setup emulation_works
t emu_kernel_fact_fresh_procfs_refused test_kernel_fact
if [ "$EMU_OK" != 1 ]; then
    echo "########## EMULATED CONTAINER IS BROKEN: see emu_kernel_fact_fresh_procfs_refused ##########" >&2
fi

need_emu() {
    [ "$EMU_OK" = 1 ] && return 0
    WHY="emulated container is broken or does not reproduce the masked /proc (see emu_container_setup, emu_kernel_fact_fresh_procfs_refused)"
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
    # stderr: exactly one warning line, naming bind and a masked path
    want_eq "number of 'nestinit: warning: ' lines" "$(warnings)" 1 || return 1
    want_no_match "stderr" "$ERR" '^nestinit: error: ' || return 1
    local w; w=$(printf '%s\n' "$ERR" | grep '^nestinit: warning: ')
    want_match "warning" "$w" 'bind' || return 1
    want_match "warning (must name a masked path)" "$w" "$MASK_RE" || return 1
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
    want_eq "info proc_reason type" "$(json "$d/info" 'type(d["proc_reason"]).__name__')" str || return 1
    want_ne "info proc_reason" "$(json "$d/info" 'd["proc_reason"].strip()')" "" || return 1
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
    emu "$NESTINIT" --proc bind --info-file "$d/info" sh -c "$PROBE" && want_rc 0 && want_no_stderr || return 1
    want_ne "/proc/self" "$(pv self)" 2 || return 1
    want_eq "/proc/keys" "$(pv keys)" "character special file:1:3" || return 1
    want_eq "info proc" "$(json "$d/info" 'd["proc"]')" bind
}

test_quiet_auto() {
    need_emu || return 1
    emu "$NESTINIT" -q awk '$1 == "NSpid:" { $1 = ""; print }' /proc/self/status && want_rc 0 || return 1
    want_no_match "stderr with -q" "$ERR" '^nestinit: error: ' || return 1
    want_match "NSpid (bind: container pid, then 2)" "$(fields "$OUT")" '^[0-9]+ 2$' 
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

test_zombies() {
    need_emu || return 1
    # bind /proc shows the container's pid namespace, which holds only us
    emu "$NESTINIT" sh -c '
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
    want_eq "zombies" "$OUT" "zombies=0 pid=2"
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

test_pid1_forwards_term() {
    # `docker stop`: SIGTERM from outside the container to its pid 1
    need_emu || return 1
    local d unsh outer
    d=$(newtmp)
    spawn "$d/out" "$d/err" "${EMU[@]}" "$NESTINIT" sh -c '
        trap "echo TERM >>\"$1/log\"; exit 7" TERM
        echo $$ >"$1/pid"
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
    want_rc 7 && want_pid2 "$d" || return 1
    want_eq "payload log" "$(cat "$d/log" 2>/dev/null)" TERM
}

test_outer_reaps_exec_orphans() {
    # `docker exec`: a process joins the container's pid namespace from outside
    # and leaves orphans; they are reparented to the container's pid 1 (the
    # outer), which must reap them
    need_emu || return 1
    local d unsh outer
    d=$(newtmp)
    spawn "$d/out" "$d/err" "${EMU[@]}" "$NESTINIT" sh -c '
        echo $$ >"$1/pid"; touch "$1/ready"
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
    want_rc 0 && want_pid2 "$d"
}

test_nested() {
    # nestinit in the payload of nestinit, in the container: the first level
    # gives a bind of the container's /proc; the second must still work
    need_emu || return 1
    emu "$NESTINIT" -- "$NESTINIT" -- sh -c 'echo $$' && want_rc 0 || return 1
    want_eq "nested payload pid" "$OUT" 2 || return 1
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

test_nonroot_user() {
    # `docker run --user 65534`: map root, bind fallback, masks intact
    need_emu || return 1
    local d; d=$(newtmp shared)
    emu "${AS_NOBODY[@]}" "$NESTINIT" --info-file "$d/info" sh -c "$PROBE"'
        echo "uid_map=$(cat /proc/self/uid_map)"' && want_rc 0 || return 1
    want_eq "number of warning lines" "$(warnings)" 1 || return 1
    want_eq "uid_map" "$(fields "$(pv uid_map)")" "0 65534 1" || return 1
    want_eq "NSpid via the bind" "$(fields "$(pv nspid)")" "$(pv self) 2" || return 1
    want_eq "/proc/keys" "$(pv keys)" "character special file:1:3" || return 1
    want_eq "info map" "$(json "$d/info" 'd["map"]')" root || return 1
    want_eq "info proc" "$(json "$d/info" 'd["proc"]')" bind
}

t emu_auto_falls_back_to_bind test_auto
t emu_default_is_auto test_default_is_auto
t emu_fresh_fails_125 test_fresh_fails
t emu_fresh_env_fails_125 test_fresh_env_fails
t emu_bind_no_warning test_bind
t emu_quiet_still_runs test_quiet_auto
t emu_bind_fd_isolation test_fd_isolation
t emu_exit_status test_exit_status
t emu_zombies_reaped test_zombies
t emu_unmasked_procfs_gives_fresh test_unmasked_fresh
t emu_pid1_forwards_docker_stop_term test_pid1_forwards_term
t emu_outer_reaps_exec_orphans test_outer_reaps_exec_orphans
t emu_nested_nestinit test_nested
t emu_nonroot_user test_nonroot_user
t emu_cap_drop_all_125 test_cap_drop_all
t emu_cap_drop_all_fallback_plain test_cap_drop_all_plain
kill_tracked
