# shellcheck shell=bash
# Real tools as nestinit's payload, in real engines: the
# body of tools-docker.sh, tools-podman.sh and tools-podman-rootless.sh, which
# set TOOLS_ENGINE (docker | podman-rootful | podman-rootless) and source it.
#
# The image: debootstrap --variant=minbase --include=procps,bubblewrap,
# python3,util-linux bookworm (cached as build/engines/bookworm-minbase+...tar)
# plus /nestinit (ENTRYPOINT ["/nestinit","--"]), the probes and the scripts
# of tests/engines/tools/ in /usr/local/bin:
#   battery OUTDIR [bwrap_pid] [nested]  ps, top, pgrep, bwrap, python3
#   maskcheck                            the /proc masks as the payload sees them
#   waiter OUTDIR                        battery again after the test's execs
#   pidcheck                             python: /proc/self and /proc/<pid> are us
#
# Each configuration of the engine matrix (run flags, nestinit defaults) gets:
#   tools_E_C_mode       the mode in --info-file JSON (proc, pid_namespace,
#                        reason), the namespaces it says, the stderr line
#   tools_E_C_TOOL       one line per tool; the same tool also runs in the same
#                        container without nestinit (--entrypoint battery) as a
#                        control: where the control fails too, the line says so
#                        and the tool is not held against nestinit
#   tools_E_C_masks      masks intact (masked configs) or absent (unmasked)
#   tools_E_C_after_exec three execs and a healthcheck, then a new process
#                        still finds itself in /proc, and the tools still work
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-engines.sh"
require_root
eng_prepare

TOOLS_ENGINE=${TOOLS_ENGINE:-docker}
TOOLS_INCLUDE=procps,bubblewrap,python3,util-linux
TOOLS_SRC=$ENG_SELF_DIR/tools
# seconds for one tool in the battery (a hang is a failure, not a wait)
export BATTERY_T=${BATTERY_T:-10}
BATTERY_TOOLS="ps_self ps_e top pgrep bwrap py"

T0=$(now_ms)

# tools_image_tar: $ENGDIR/tools.tar, the cached debootstrap tar with our
# files appended (tar -r: no unpacking of the 170 MB tree)
tools_image_tar() {
    local st=$ENGDIR/tools-add f files=(./nestinit)
    eng_debootstrap_tar "$TOOLS_INCLUDE" || return 1
    mkdir -p "$st/usr/local/bin" || return 1
    cp "$ENGDIR/bin/nestinit" "$st/nestinit"
    for f in battery maskcheck waiter pidcheck sysmount; do cp "$TOOLS_SRC/$f" "$st/usr/local/bin/$f"; done
    cp "$PROBES_DIR/fdprobe" "$PROBES_DIR/nsprobe" "$st/usr/local/bin/"
    chmod 0755 "$st/nestinit" "$st"/usr/local/bin/*
    for f in battery maskcheck waiter pidcheck sysmount fdprobe nsprobe; do files+=("./usr/local/bin/$f"); done
    if ! cp "$ENG_DEBOOT_TAR" "$ENGDIR/tools.tar" ||
        ! tar -C "$st" --numeric-owner --owner=0 --group=0 -rf "$ENGDIR/tools.tar" "${files[@]}"; then
        WHY="cannot make the tools image tar"
        return 1
    fi
    chmod 0644 "$ENGDIR/tools.tar"
}

TOOLS_CHANGES=(--change 'ENTRYPOINT ["/nestinit","--"]' --change 'CMD ["bash"]'
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin')

tools_image_tar || { fail "tools_${TOOLS_ENGINE}_image" "$WHY"; exit 1; }
case $TOOLS_ENGINE in
    docker)
        E=docker
        docker_start || engine_unavailable "tools_$E" "cannot start dockerd: $WHY"
        TIMG=$ENG_TAG-tools
        dk_import "$ENGDIR/tools.tar" "$TIMG" "${TOOLS_CHANGES[@]}" || { fail "tools_${E}_image" "$WHY"; exit 1; }
        CLI=$DK
        e_run() { dk_run "$@"; E_LAST=$DK_LAST; }
        e_start() { dk_start "$@"; local r=$?; E_LAST=$DK_LAST; return $r; }
        UNMASK_FIX='systempaths=unconfined'
        ;;
    podman-rootful | podman-rootless)
        E=podman_${TOOLS_ENGINE#podman-}
        podman_start "${TOOLS_ENGINE#podman-}" || engine_unavailable "tools_$E" "cannot run podman: $WHY"
        TIMG=localhost/$ENG_TAG-tools
        pm_import "$ENGDIR/tools.tar" "$TIMG" "${TOOLS_CHANGES[@]}" || { fail "tools_${E}_image" "$WHY"; exit 1; }
        CLI=$PM
        e_run() { pm_run "$@"; E_LAST=$PM_LAST; }
        e_start() { pm_start "$@"; local r=$?; E_LAST=$PM_LAST; return $r; }
        UNMASK_FIX='unmask=ALL'
        ;;
    *) fail tools "TOOLS_ENGINE must be docker, podman-rootful or podman-rootless, not $TOOLS_ENGINE"; exit 1 ;;
esac
echo "# tools_$E: engine up and tools image imported in $(($(now_ms) - T0)) ms" >&2

if [ -r "$PROFILE" ]; then HAVE_PROFILE=1; else HAVE_PROFILE=0; fi
PROF=(--security-opt "seccomp=$PROFILE")

# ---------------------------------------------------------------- judging the battery

# tool_ok TOOL KVTEXT DIR: 0 when TOOL worked in that battery output (its
# own output in DIR/TOOL.out); DETAIL says what it printed
tool_ok() {
    local tool=$1 out=$2 dir=$3 v
    OUT=$out
    v=$(kv "$tool")
    case $tool in
        ps_self) DETAIL="ps -o pid= -p \$\$ printed '$(kv ps_self)' (rc $(kv ps_self_rc)), \$\$ is $(kv pid)"
            [ "$(kv ps_self_rc)" = 0 ] && [ -n "$v" ] && [ "$v" = "$(kv pid)" ] ;;
        pgrep) v=$(printf '%s' "$v" | tr -s ' ' | sed 's/^ //; s/ $//')
            DETAIL="pgrep -x sleep printed '$v' (rc $(kv pgrep_rc)), \$! is $(kv sleep_pid)"
            [ -n "$v" ] && [ "$v" = "$(kv sleep_pid)" ] ;;
        *) DETAIL="exit $v"
            [ "$v" = 124 ] && DETAIL="timed out (hang) after ${BATTERY_T}s"
            [ -z "$v" ] && DETAIL="did not run"
            [ "$v" = 0 ] ;;
    esac
    local r=$? f=$dir/$tool.out
    [ "$r" = 0 ] || [ ! -s "$f" ] || DETAIL="$DETAIL: $(head -c 300 "$f")"
    return "$r"
}

# judge_tools CONF NI_KV NI_DIR CT_KV CT_DIR TOOLS...: one line per tool.
# A tool that fails under nestinit fails the test unless the control failed
# too (then the line says so). `nested` has no control (the container's own
# /proc is masked where nestinit's is unmasked): it must work; `bwrap_pid`
# is held to the control's plain bwrap (Docker's default seccomp refuses
# bwrap's pivot_root in any case).
judge_tools() {
    local conf=$1 ni=$2 nd=$3 ct=$4 cd=$5 tool name nd_detail ctool
    shift 5
    for tool in "$@"; do
        name=tools_${E}_${conf}_$tool
        if tool_ok "$tool" "$ni" "$nd"; then
            echo "PASS $name"
            continue
        fi
        nd_detail=$DETAIL
        OUT=$ni
        if [ -z "$(kv pid)" ]; then
            fail "$name" "the battery did not run under nestinit: $(oneline "${NI_ERR:0:300}")"
            continue
        fi
        case $tool in nested) ctool="" ;; bwrap_pid) ctool=bwrap ;; *) ctool=$tool ;; esac
        OUT=$ct
        if [ -n "$ctool" ] && [ -z "$(kv pid)" ]; then
            fail "$name" "under nestinit: $nd_detail; and the control without nestinit did not run: $(oneline "${ct:0:300}")"
            continue
        fi
        if [ -n "$ctool" ] && ! tool_ok "$ctool" "$ct" "$cd"; then
            echo "PASS $name (not counted against nestinit: the control without nestinit fails too: $(oneline "$DETAIL"); under nestinit: $(oneline "$nd_detail"))"
            continue
        fi
        fail "$name" "under nestinit: $nd_detail${ctool:+ (the control without nestinit works)}"
    done
}

# want_mode INFOFILE PROC PIDNS: the --info-file JSON reports PROC
# (fresh|unmasked|bind|container|none) and pid_namespace PIDNS (true|false),
# a reason when it fell back to container, and namespaces that agree
want_mode() {
    local r
    r=$("$PY" - "$1" "$2" "$3" <<'EOF' 2>&1
import json, sys
try:
    d = json.loads(open(sys.argv[1]).read())
except Exception as e:
    print("no info JSON: %s" % e); sys.exit(1)
want, pidns = sys.argv[2], sys.argv[3] == "true"
if d.get("proc") != want:
    print("proc is %r, want %r (reason %r)" % (d.get("proc"), want, d.get("proc_reason"))); sys.exit(1)
if "pid_namespace" not in d:
    print("no pid_namespace key (proc %r)" % d.get("proc")); sys.exit(1)
if d["pid_namespace"] is not pidns:
    print("pid_namespace is %r, want %r" % (d["pid_namespace"], pidns)); sys.exit(1)
reason = d.get("proc_reason")
if want == "container" and not (isinstance(reason, str) and reason.strip()):
    print("fell back to container without a reason: proc_reason %r" % reason); sys.exit(1)
ns, outer = d["namespaces"], d["outer_namespaces"]
if (ns["pid"] != outer["pid"]) != pidns:
    print("pid namespace %s vs outer %s, but pid_namespace %r" % (ns["pid"], outer["pid"], pidns)); sys.exit(1)
for k in ("user", "mnt"):
    if ns[k] == outer[k]:
        print("no new %s namespace (%s)" % (k, ns[k])); sys.exit(1)
EOF
    ) && return 0
    WHY="$r; stderr: $(oneline "$ERR")"
    return 1
}

# want_stderr_for MODE: what nestinit says on stderr in that mode
want_stderr_for() {
    case $1 in
        container) want_one_stderr warning 'SYS_ADMIN' "$UNMASK_FIX" ;;
        bind) want_one_stderr warning 'recursive bind' ;;
        *) want_no_stderr ;;
    esac
}

# want_masks masked|unmasked|lifted KVTEXT: the payload's /proc masks (maskcheck)
want_masks() {
    OUT=$2
    # the payload is root of its own user namespace, which owns its mount
    # namespace: it may mount (what it gets mounted over stays locked)
    want_match "mount -t tmpfs on /mnt in the payload (it owns its mount namespace)" \
        "$(kv mount_tmpfs)" '^0 ' || return 1
    if [ "$1" = unmasked ] || [ "$1" = lifted ]; then
        want_kv keys_mount no || return 1
        want_kv timer_list_mount no || return 1
        # lifted (the CAP_SYS_ADMIN route): the payload's pid namespace is
        # owned by the container's user namespace, so the payload cannot
        # mount a procfs for it (nested namespaces of its own can)
        [ "$1" = lifted ] && return 0
        want_match "mount -t proc in the payload" "$(kv mount_proc)" '^0 ' || return 1
        return 0
    fi
    want_kv keys_bytes 0 || return 1
    want_kv keys_mount yes || return 1
    want_kv timer_list_bytes 0 || return 1
    want_kv timer_list_mount yes || return 1
    want_kv sys_ro yes || return 1
    # EINVAL: the mask is a locked mount (EPERM would only say "no privilege")
    want_match "umount /proc/keys in the payload (must fail: a locked mount)" "$(kv umount_keys)" '^1 EINVAL' || return 1
    want_kv keys_after 0 || return 1
    want_match "mount -t proc in the payload (must fail: it would reveal what the masks hide)" \
        "$(kv mount_proc)" '^[1-9]' || return 1
    want_match "unshare -Urmpf --mount-proc in the payload (must fail: it would reveal what the masks hide)" \
        "$(kv nested_proc)" '^[1-9]'
}

# ---------------------------------------------------------------- one configuration

# tools_config CONF MODE PIDNS MASKS EXTRAS -- RUNFLAGS...: the whole battery
# for one configuration. MODE/PIDNS: what --info-file must say; MASKS:
# masked|unmasked|lifted (unmasked by the CAP_SYS_ADMIN route)|-; EXTRAS: "bwrap_pid nested" where /proc is fresh and
# unmasked, or "-"; RUNFLAGS: engine flags (-e NESTINIT_PROC=... included).
tools_config() {
    local conf=$1 mode=$2 pidns=$3 masks=$4 extras=$5 ni ct nd cd tools
    shift 6
    [ "$extras" = - ] && extras=""
    tools="$BATTERY_TOOLS $extras"
    nd=$(newtmp shared)
    cd=$(newtmp shared)
    local payload="battery /m $extras; maskcheck"
    # under nestinit (the image's ENTRYPOINT, its defaults)
    T_TIMEOUT=150 e_run -v "$nd:/m" -e NESTINIT_INFO_FILE=/m/info.json "$@" "$TIMG" bash -c "$payload"
    ni=$OUT
    local nrc=$RC nerr=$ERR
    NI_ERR=$ERR
    WHY=""
    if want_rc 0 && want_mode "$nd/info.json" "$mode" "$pidns" && want_stderr_for "$mode"; then
        pass "tools_${E}_${conf}_mode"
    else
        fail "tools_${E}_${conf}_mode" "$WHY; stdout: $(oneline "${ni:0:300}")"
    fi
    if [ "$masks" != - ]; then
        WHY=""
        if want_masks "$masks" "$ni"; then
            OUT=$ni
            echo "PASS tools_${E}_${conf}_masks (umount /proc/keys: $(kv umount_keys | sed 's/ *$//'); mount -t proc: $(kv mount_proc | sed 's/ *$//'); nested --mount-proc: $(kv nested_proc | cut -c1-60 | sed 's/ *$//'))"
        else
            fail "tools_${E}_${conf}_masks" "$WHY"
        fi
    fi
    [ "$mode" = bind ] && return 0 # bind breaks these tools by design (its warning says so)
    # the control: the same container, the battery as its entrypoint
    # shellcheck disable=SC2086 # a word list
    T_TIMEOUT=150 e_run -v "$cd:/m" --entrypoint /usr/local/bin/battery "$@" "$TIMG" /m $extras
    ct=$OUT
    [ "$RC" = 0 ] || ct="control exited $RC: $ERR"
    OUT=$ni RC=$nrc ERR=$nerr
    # shellcheck disable=SC2086 # a word list
    judge_tools "$conf" "$ni" "$nd" "$ct" "$cd" $tools
    tools_after_exec "$conf" "$@"
}

# health_tick NAME: make the engine's healthcheck run once and wait (bounded)
# for the status it reports to change from "starting" to "healthy"
health_tick() {
    local n=$1 end st
    if [ "$E" != docker ]; then
        # podman has no timer without systemd: run the check as its timer would
        T_TIMEOUT=30 run "$CLI" healthcheck run "$n"
        [ "$RC" = 0 ] || { WHY="podman healthcheck run: $RC $OUT $ERR"; return 1; }
    fi
    end=$(($(now_ms) + 30000))
    while :; do
        st=$("$CLI" inspect -f '{{.State.Health.Status}}' "$n" 2>&1)
        [ "$st" = healthy ] && return 0
        [ "$(now_ms)" -ge "$end" ] && { WHY="health status still '$st' after 30 s"; return 1; }
        sleep 0.2
    done
}

# tools_after_exec CONF RUNFLAGS...: the payload waits; three execs and a
# healthcheck run in the container; then a newly started process in the
# payload still satisfies readlink /proc/self == getpid() == /proc/<pid>, and
# the battery still works
tools_after_exec() {
    local conf=$1 m i name
    shift
    name=tools_${E}_${conf}_after_exec
    m=$(newtmp shared)
    WHY=""
    e_start -v "$m:/m" --health-cmd true --health-interval 1s "$@" "$TIMG" waiter /m ||
        { fail "$name" "$WHY"; return; }
    wait_file "$m/ready" 30 || { fail "$name" "payload never started: $("$CLI" logs "$E_LAST" 2>&1 | tail -n 3)"; return; }
    for i in 1 2 3; do
        T_TIMEOUT=20 run "$CLI" exec "$E_LAST" sh -c 'echo exec $$ >/dev/null'
        [ "$RC" = 0 ] || { fail "$name" "exec $i failed ($RC): $ERR"; return; }
    done
    health_tick "$E_LAST" || { fail "$name" "$WHY"; return; }
    touch "$m/go"
    wait_file "$m/done" 120 || { fail "$name" "payload did not finish: $("$CLI" logs "$E_LAST" 2>&1 | tail -n 3)"; return; }
    OUT=$(cat "$m/after.txt")
    if ! tool_ok py "$OUT" "$m/after"; then
        fail "$name" "after 3 execs and a healthcheck, python's check in a new process: $DETAIL"
        return
    fi
    tool_ok ps_self "$OUT" "$m/after" || { fail "$name" "after the execs: $DETAIL"; return; }
    tool_ok pgrep "$OUT" "$m/after" || { fail "$name" "after the execs: $DETAIL"; return; }
    echo "PASS $name ($(head -c 60 "$m/after/py.out"))"
}

# ---------------------------------------------------------------- refusals

# tools_refused CONF PROCMODE REGEX... -- RUNFLAGS...: --proc PROCMODE is
# impossible there: 125, nothing run, one error line matching every REGEX
tools_refused() {
    local conf=$1 pm=$2 res=()
    shift 2
    while [ "$1" != -- ]; do res+=("$1"); shift; done
    shift
    e_run -e "NESTINIT_PROC=$pm" "$@" "$TIMG" sh -c 'echo payload-ran'
    WHY=""
    if want_rc 125 && want_eq stdout "$OUT" "" && want_one_stderr error "${res[@]}"; then
        pass "tools_${E}_${conf}_proc_${pm}_refused"
    else
        fail "tools_${E}_${conf}_proc_${pm}_refused" "$WHY"
    fi
}

need_profile_or_skip() {
    [ "$HAVE_PROFILE" = 1 ] && return 0
    skip "tools_${E}_$1" "seccomp profile $PROFILE not found"
    return 1
}

# ---------------------------------------------------------------- the matrix

# TOOLS_ONLY=CONF runs only that configuration (development)
want_conf() { [ -z "${TOOLS_ONLY:-}" ] || [ "$TOOLS_ONLY" = "$1" ]; }
SA=(--cap-add SYS_ADMIN)

if [ "$E" = docker ]; then
    if want_conf profile && need_profile_or_skip profile; then
        tools_config profile container false masked - -- "${PROF[@]}"
    fi
    if want_conf profile_systempaths && need_profile_or_skip profile_systempaths; then
        tools_config profile_systempaths fresh true unmasked "bwrap_pid nested" -- \
            "${PROF[@]}" --security-opt systempaths=unconfined
    fi
    # Docker's default seccomp profile: it allows namespaces with CAP_SYS_ADMIN
    want_conf sys_admin && tools_config sys_admin fresh true masked - -- "${SA[@]}"
    want_conf sys_admin_unmasked &&
        tools_config sys_admin_unmasked unmasked true lifted "bwrap_pid nested" -- "${SA[@]}" -e NESTINIT_PROC=unmasked
    if want_conf profile_user_1000 && need_profile_or_skip profile_user_1000; then
        tools_config profile_user_1000 container false masked - -- "${PROF[@]}" --user 1000:1000
    fi
    if want_conf profile_read_only && need_profile_or_skip profile_read_only; then
        tools_config profile_read_only container false masked - -- "${PROF[@]}" --read-only
    fi
    if want_conf profile_bind && need_profile_or_skip profile_bind; then
        tools_config profile_bind bind true masked - -- "${PROF[@]}" -e NESTINIT_PROC=bind
    fi
    if want_conf refused && need_profile_or_skip refused; then
        tools_refused profile fresh '--proc fresh' 'SYS_ADMIN' 'systempaths=unconfined' -- "${PROF[@]}"
        tools_refused profile unmasked '--proc unmasked' 'SYS_ADMIN|systempaths=unconfined' -- "${PROF[@]}"
    fi
else
    want_conf default && tools_config default container false masked - --
    want_conf sys_admin && tools_config sys_admin fresh true masked - -- "${SA[@]}"
    want_conf unmask_all &&
        tools_config unmask_all fresh true unmasked "bwrap_pid nested" -- --security-opt unmask=ALL
    want_conf sys_admin_unmasked &&
        tools_config sys_admin_unmasked unmasked true lifted "bwrap_pid nested" -- "${SA[@]}" -e NESTINIT_PROC=unmasked
    want_conf bind && tools_config bind bind true masked - -- -e NESTINIT_PROC=bind
    if want_conf refused; then
        tools_refused default fresh '--proc fresh' 'SYS_ADMIN' 'unmask=ALL' --
        tools_refused default unmasked '--proc unmasked' 'SYS_ADMIN|unmask=ALL' --
    fi
fi
echo "# tools_$E: done in $(($(now_ms) - T0)) ms" >&2
