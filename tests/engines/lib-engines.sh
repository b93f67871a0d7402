# shellcheck shell=bash
# Shellcheck disable=SC2034 # variables for the scripts that source this
# Real Docker and Podman engines for tests/engines/*.sh. Source it after
# tests/lib.sh:
#     . "$(dirname "$0")/../lib.sh"
#     . "$(dirname "$0")/lib-engines.sh"
#
# Everything lives under one private directory ($ENGDIR): a dockerd of our own
# (own data-root, exec-root, socket, containerd namespace), podman with its own
# --root/--runroot/--tmpdir and file locks, the images' rootfs and tars. Every
# container and image is named "$ENG_TAG-..." and removed by name at exit; only
# processes started here are stopped, by pid. Nothing is written to the
# machine's Docker or Podman storage.
#
# Executed directly (bash tests/engines/lib-engines.sh) it checks the engine
# prerequisites and prints one PASS/FAIL/SKIP line.
#
# Environment: ENG_T (seconds per engine command, default 40), ENG_CACHE
# (cache folder for the debootstrap tarball, default build/engines),
# NESTINIT_SECCOMP_PROFILE (default contrib/seccomp/nestinit.json),
# ENG_USER (rootless podman user, default nestinit-test), DOCKER_CLI.

ENG_SELF=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    # run directly: become a tiny test script
    . "$(dirname "$0")/../lib.sh"
    ENG_STANDALONE_CHECK=1
fi

ENG_T=${ENG_T:-40}
ENG_TAG=nestinit-eng-$$
ENG_CACHE=${ENG_CACHE:-$REPO/build/engines}
PROBES_DIR=$REPO/build/probes
PROFILE=${NESTINIT_SECCOMP_PROFILE:-$REPO/contrib/seccomp/nestinit.json}
ENG_USER=${ENG_USER:-nestinit-test}
ENG_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# the container-side PATH of the test images
IMG_PATH=/bin
# check steps named by the --check contract
CHECK_STEPS="seccomp capabilities sysctls apparmor userns maps pidns mountns proc-fresh proc-bind locked-flags payload proc-auto"

# ---------------------------------------------------------------- private dir, cleanup

ENGDIR=$(mktemp -d /tmp/nestinit-eng.XXXXXX)
chmod 0755 "$ENGDIR"
mkdir -p "$ENGDIR/bin"
chmod 0755 "$ENGDIR/bin"
ENG_DEFERS=()

# eng_defer 'COMMAND': run COMMAND at exit (last deferred runs first).
eng_defer() { ENG_DEFERS+=("$1"); }

# eng_unmount_under DIR: unmount whatever engines left mounted below DIR,
# deepest first (overlay layers, podman's private bind of its storage).
eng_unmount_under() {
    local d=$1 m
    awk -v d="$d/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r | uniq |
        while read -r m; do
            umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null ||
                echo "lib-engines: warning: cannot unmount $m" >&2
        done
}

eng_cleanup() {
    local i end
    # a long command still running (the script was interrupted): TERM it
    # (timeout passes it on) and give it a moment before unmounting
    if [ -n "${ENG_LONG_PID:-}" ] && kill -TERM "$ENG_LONG_PID" 2>/dev/null; then
        end=$(($(now_ms) + 10000))
        while kill -0 "$ENG_LONG_PID" 2>/dev/null && [ "$(now_ms)" -lt "$end" ]; do sleep 0.1; done
    fi
    for ((i = ${#ENG_DEFERS[@]} - 1; i >= 0; i--)); do
        eval "${ENG_DEFERS[$i]}" </dev/null || true
    done
    ENG_DEFERS=()
    if [ -d "$ENGDIR" ]; then
        eng_unmount_under "$ENGDIR"
        if awk -v d="$ENGDIR/" 'index($5, d) == 1 { f = 1 } END { exit !f }' /proc/self/mountinfo; then
            echo "lib-engines: warning: mounts remain under $ENGDIR; not removing it" >&2
        else
            rm -rf --one-file-system "$ENGDIR"
        fi
    fi
}
trap 'eng_cleanup; cleanup' EXIT

# engine_unavailable NAME REASON: one loud SKIP (a FAIL under CI=true) for a
# whole script whose engine cannot run, then exit.
engine_unavailable() {
    skip "$1" "$2"
    if [ "${CI:-}" = true ]; then exit 1; fi
    exit 0
}

# kv KEY: the value of "KEY=VALUE" in $OUT (first match)
kv() { printf '%s\n' "$OUT" | sed -n "s/^$1=//p" | head -n1; }

# want_kv KEY WANT
want_kv() {
    local got
    got=$(kv "$1")
    [ "$got" = "$2" ] && return 0
    WHY="$1: got '$got', want '$2'; stdout: $(oneline "${OUT:0:600}"); stderr: $ERR"
    return 1
}

# want_one_stderr KIND REGEX...: stderr is exactly one line starting
# "nestinit: KIND: " and matching every REGEX.
want_one_stderr() {
    local kind=$1 n re
    shift
    n=$(printf '%s\n' "$ERR" | grep -c .)
    if [ "$n" != 1 ]; then
        WHY="stderr has $n lines, want exactly one 'nestinit: $kind:' line: '$(oneline "$ERR")'"
        return 1
    fi
    case $ERR in
        "nestinit: $kind: "?*) ;;
        *) WHY="stderr does not start with 'nestinit: $kind: ': '$ERR'"; return 1 ;;
    esac
    for re in "$@"; do
        printf '%s' "$ERR" | grep -Eq -- "$re" || {
            WHY="the $kind line does not match /$re/: '$ERR'"
            return 1
        }
    done
}

# ---------------------------------------------------------------- probes, nestinit copy, images

# eng_prepare: build the probes and snapshot build/nestinit (other engineers
# rebuild it while tests run). Fails the script when either is missing.
eng_prepare() {
    if [ ! -x "$NESTINIT" ]; then
        fail "$SCRIPT_NAME" "nestinit binary not found: $NESTINIT (run make)"
        exit 1
    fi
    cp "$NESTINIT" "$ENGDIR/bin/nestinit"
    chmod 0755 "$ENGDIR/bin/nestinit"
    local log
    if ! log=$(bash "$ENG_SELF_DIR/build-probes.sh" "$PROBES_DIR" 2>&1); then
        fail "$SCRIPT_NAME" "building the probes failed: $log"
        exit 1
    fi
}
ENG_SELF_DIR=$(dirname "$ENG_SELF")

# static_busybox: print the path of a statically linked busybox
static_busybox() {
    local b
    for b in /bin/busybox /usr/bin/busybox "$(command -v busybox 2>/dev/null)"; do
        [ -n "$b" ] && [ -x "$b" ] || continue
        if LC_ALL=C readelf -l "$b" 2>/dev/null | grep -q 'program interpreter'; then continue; fi
        echo "$b"
        return 0
    done
    return 1
}

# eng_rootfs DIR [nonestinit]: a tiny rootfs: static busybox with its applet
# links in /bin, the probes, /nestinit (unless "nonestinit"), /etc/passwd with
# root, nobody and tester (1000).
eng_rootfs() {
    local r=$1 bb a
    bb=$(static_busybox) || { WHY="no static busybox (apt-get install busybox-static)"; return 1; }
    mkdir -p "$r"/bin "$r"/proc "$r"/sys "$r"/dev "$r"/etc "$r"/m "$r"/run "$r"/root "$r"/tmp
    chmod 1777 "$r/tmp"
    cp "$bb" "$r/bin/busybox"
    for a in $("$bb" --list); do
        [ "$a" = busybox ] || ln -sf busybox "$r/bin/$a"
    done
    cp "$PROBES_DIR"/fdprobe "$PROBES_DIR"/nsprobe "$r/bin/"
    cp "$PROBES_DIR"/h_sysprobe "$r/bin/sysprobe"
    [ "${2:-}" = nonestinit ] || cp "$ENGDIR/bin/nestinit" "$r/nestinit"
    printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'tester:x:1000:1000:tester:/tmp:/bin/sh' \
        'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' >"$r/etc/passwd"
    printf '%s\n' 'root:x:0:' 'tester:x:1000:' 'nogroup:x:65534:' >"$r/etc/group"
}

# eng_image_tars: build $ENGDIR/img.tar (with /nestinit) and $ENGDIR/plain.tar
# (without), world-readable for the rootless user.
eng_image_tars() {
    [ -s "$ENGDIR/img.tar" ] && return 0
    eng_rootfs "$ENGDIR/rootfs" || return 1
    eng_rootfs "$ENGDIR/rootfs-plain" nonestinit || return 1
    tar -C "$ENGDIR/rootfs" --numeric-owner --owner=0 --group=0 -cf "$ENGDIR/img.tar" . &&
        tar -C "$ENGDIR/rootfs-plain" --numeric-owner --owner=0 --group=0 -cf "$ENGDIR/plain.tar" . ||
        { WHY="tar of the test rootfs failed"; return 1; }
    chmod 0644 "$ENGDIR/img.tar" "$ENGDIR/plain.tar"
}

# the import changes of the two test images
IMG_CHANGES=(--change 'ENTRYPOINT ["/nestinit","--"]' --change "ENV PATH=$IMG_PATH" --change 'CMD ["sh"]')
# no nestinit inside: ENTRYPOINT + CMD, so "nestinit -- ENTRYPOINT CMD" shows both
PLAIN_CHANGES=(--change 'ENTRYPOINT ["/bin/sh","-c"]' --change "ENV PATH=$IMG_PATH"
    --change 'CMD ["echo entrypoint-and-cmd; exit 0"]')

# ---------------------------------------------------------------- Debian images (debootstrap, cached)

# apt_mirror: the Debian mirror this machine's apt uses for bookworm
apt_mirror() {
    local m
    m=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '
        /^$/ { if (deb && uri != "" && suites ~ /(^| )bookworm( |$)/) { print uri; exit } deb = 0; uri = ""; suites = "" }
        /^Types:/ { deb = ($0 ~ /[ \t]deb([ \t]|$)/) }
        /^URIs:/ { uri = $2 }
        /^Suites:/ { $1 = ""; suites = $0 " " }
        END { if (deb && uri != "" && suites ~ /(^| )bookworm( |$)/) print uri }' | head -n1)
    [ -n "$m" ] || m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
        awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) { if ($(i + 1) == "bookworm") { print $i; exit } } }')
    echo "${m:-http://deb.debian.org/debian}"
}

# eng_debootstrap_tar [INCLUDE]: print the path of a cached tarball of
# `debootstrap --variant=minbase [--include=INCLUDE] bookworm`, making it on
# first use. The cache key is the file name: bookworm-minbase.tar, or
# bookworm-minbase+INCLUDE.tar (INCLUDE a comma list). Returns 1 with WHY.
eng_debootstrap_tar() {
    local inc=${1:-} tar root mirror t0 ms
    tar=$ENG_CACHE/bookworm-minbase${inc:++$inc}.tar
    ENG_DEBOOT_TAR=$tar
    [ -s "$tar" ] && return 0
    command -v debootstrap >/dev/null || { WHY="debootstrap not installed (apt-get install debootstrap)"; return 1; }
    root=$ENGDIR/deboot
    mirror=$(apt_mirror)
    t0=$(now_ms)
    run_long 900 debootstrap --variant=minbase ${inc:+--include="$inc"} bookworm "$root" "$mirror"
    if [ "$RC" != 0 ]; then
        WHY="debootstrap --variant=minbase ${inc:+--include=$inc }bookworm $mirror exited $RC: $(printf '%s\n' "$OUT" "$ERR" | tail -n 5)"
        return 1
    fi
    ms=$(($(now_ms) - t0))
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
    mkdir -p "$ENG_CACHE"
    tar -C "$root" --numeric-owner -cf "$tar.tmp.$$" . && mv -f "$tar.tmp.$$" "$tar" ||
        { rm -f "$tar.tmp.$$"; WHY="tar of the debootstrap tree failed"; return 1; }
    rm -rf --one-file-system "$root"
    echo "# debootstrap --variant=minbase ${inc:+--include=$inc }bookworm ($mirror) took $ms ms; cached as $tar" >&2
}

# ---------------------------------------------------------------- Docker

DK_DIR=$ENGDIR/docker
DK_SOCK=$DK_DIR/docker.sock
DK_PID=""
DK_CONTAINERS=()
DK_IMAGES=()
DK_N=0

docker_cli() {
    local c
    if [ -n "${DOCKER_CLI:-}" ]; then echo "$DOCKER_CLI"; return 0; fi
    # prefer docker.io's client (it matches the daemon and builds without buildx)
    for c in /usr/bin/docker "$(command -v docker 2>/dev/null)"; do
        [ -n "$c" ] && [ -x "$c" ] && { echo "$c"; return 0; }
    done
    return 1
}

# $DK ARGS... (an executable, so timeout can run it): the docker client
# against our daemon only
DK=$DK_DIR/dk
dk() { "$DK" "$@"; }

# docker_start [DOCKERD_ARGS...]: start our own dockerd; sets DK_PID.
# Returns 1 with the reason in WHY.
docker_start() {
    DOCKER_CLI=$(docker_cli) || { WHY="no docker client (apt-get install docker.io)"; return 1; }
    command -v dockerd >/dev/null || { WHY="dockerd not installed (apt-get install docker.io)"; return 1; }
    mkdir -p "$DK_DIR"/data "$DK_DIR"/exec "$DK_DIR"/config
    cat >"$DK" <<EOF
#!/bin/sh
DOCKER_CONFIG='$DK_DIR/config' DOCKER_BUILDKIT=0 DOCKER_CLI_HINTS=false
export DOCKER_CONFIG DOCKER_BUILDKIT DOCKER_CLI_HINTS
exec '$DOCKER_CLI' -H 'unix://$DK_SOCK' "\$@"
EOF
    chmod 0755 "$DK"
    # --pdeathsig: if this script is killed, the daemon goes with it
    setpriv --pdeathsig TERM -- dockerd --iptables=false --ip-forward=false --ip-masq=false \
        --bridge=none --userland-proxy=false \
        --data-root "$DK_DIR/data" --exec-root "$DK_DIR/exec" --pidfile "$DK_DIR/dockerd.pid" \
        -H "unix://$DK_SOCK" --containerd-namespace "$ENG_TAG" \
        --containerd-plugins-namespace "$ENG_TAG-plugins" "$@" \
        >"$DK_DIR/dockerd.log" 2>&1 </dev/null &
    DK_PID=$!
    eng_defer docker_stop
    local end=$(($(now_ms) + 30000))
    until timeout 5 "$DOCKER_CLI" -H "unix://$DK_SOCK" version >/dev/null 2>&1; do
        if ! kill -0 "$DK_PID" 2>/dev/null; then
            WHY="dockerd exited during startup: $(tail -n 8 "$DK_DIR/dockerd.log")"
            DK_PID=""
            return 1
        fi
        if [ "$(now_ms)" -ge "$end" ]; then
            WHY="dockerd did not answer on $DK_SOCK within 30s: $(tail -n 8 "$DK_DIR/dockerd.log")"
            return 1
        fi
        sleep 0.1
    done
}

docker_stop() {
    local c i end cpid
    [ -n "$DK_PID" ] || return 0
    for c in "${DK_CONTAINERS[@]}"; do
        timeout 30 "$DK" rm -f "$c" >/dev/null 2>&1
    done
    for i in "${DK_IMAGES[@]}"; do
        timeout 30 "$DK" rmi -f "$i" >/dev/null 2>&1
    done
    cpid=$(cat "$DK_DIR/exec/containerd/containerd.pid" 2>/dev/null)
    kill -TERM "$DK_PID" 2>/dev/null
    end=$(($(now_ms) + 20000))
    while kill -0 "$DK_PID" 2>/dev/null && [ "$(now_ms)" -lt "$end" ]; do sleep 0.1; done
    if kill -0 "$DK_PID" 2>/dev/null; then
        echo "lib-engines: dockerd $DK_PID did not stop in 20s; killing it" >&2
        kill -KILL "$DK_PID" 2>/dev/null
    fi
    wait "$DK_PID" 2>/dev/null
    # the containerd dockerd started for itself (its config is under our dir)
    if [ -n "$cpid" ] && grep -q "$DK_DIR" "/proc/$cpid/cmdline" 2>/dev/null; then
        end=$(($(now_ms) + 10000))
        while kill -0 "$cpid" 2>/dev/null && [ "$(now_ms)" -lt "$end" ]; do sleep 0.1; done
        kill -KILL "$cpid" 2>/dev/null
    fi
    DK_PID=""
}

# dk_name: a fresh container name, removed at exit
dk_name() {
    DK_N=$((DK_N + 1))
    DK_LAST=$ENG_TAG-$DK_N
    DK_CONTAINERS+=("$DK_LAST")
}

# dk_run ARGS...: docker run --rm --network none --name NEW ARGS (bounded by
# ENG_T; sets RC OUT ERR like run); the name is in $DK_LAST.
dk_run() {
    dk_name
    T_TIMEOUT=$ENG_T run "$DK" run --rm --network none --name "$DK_LAST" "$@"
}

# dk_start ARGS...: docker run -d (not --rm) ... ; name in $DK_LAST
dk_start() {
    dk_name
    T_TIMEOUT=$ENG_T run "$DK" run -d --network none --name "$DK_LAST" "$@"
    [ "$RC" = 0 ] || { WHY="docker run -d failed ($RC): $ERR"; return 1; }
}

# dk_import TAR NAME CHANGES...: import an image, removed at exit
dk_import() {
    local tar=$1 name=$2
    shift 2
    DK_IMAGES+=("$name")
    T_TIMEOUT=$ENG_T run "$DK" import "$@" "$tar" "$name"
    [ "$RC" = 0 ] || { WHY="docker import $name failed ($RC): $ERR"; return 1; }
}

# ---------------------------------------------------------------- Podman

PM_MODE=""
PM_DIR=""
PM_CONTAINERS=()
PM_IMAGES=()
PM_N=0
PM_RUN_FLAGS=(--network none --ulimit nofile=20000:20000 --ulimit nproc=4096:4096)

# eng_rootless_user: make sure $ENG_USER exists with subordinate id ranges
eng_rootless_user() {
    if ! id -u "$ENG_USER" >/dev/null 2>&1; then
        useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
            --comment "nestinit engine tests (rootless podman)" "$ENG_USER" ||
            { WHY="useradd $ENG_USER failed"; return 1; }
    fi
    local f start
    for f in /etc/subuid /etc/subgid; do
        [ -e "$f" ] || touch "$f"
        grep -q "^$ENG_USER:" "$f" && continue
        # after every existing range, at least 1065536
        start=$(awk -F: 'BEGIN { m = 1065536 } NF >= 3 && $2 + $3 > m { m = $2 + $3 } END { print m }' "$f")
        echo "$ENG_USER:$start:65536" >>"$f" || { WHY="cannot add a range to $f"; return 1; }
    done
    command -v newuidmap >/dev/null && command -v newgidmap >/dev/null ||
        { WHY="newuidmap/newgidmap missing (apt-get install uidmap)"; return 1; }
}

# $PM ARGS... (an executable): podman with private storage, runc, cgroupfs,
# file locks; as $ENG_USER when rootless
pm() { "$PM" "$@"; }

pm_write_wrapper() {
    local g="--root '$PM_DIR/root' --runroot '$PM_DIR/runroot' --tmpdir '$PM_DIR/tmp'"
    g="$g --network-config-dir '$PM_DIR/net' --runtime runc --cgroup-manager cgroupfs --events-backend none"
    if [ "$PM_MODE" = rootless ]; then
        cat >"$PM" <<EOF
#!/bin/sh
cd / || exit 125
exec setpriv --reuid='$ENG_USER' --regid='$ENG_USER' --init-groups \\
    env -i HOME='$PM_DIR/home' XDG_RUNTIME_DIR='$PM_DIR/xdg' PATH='$ENG_PATH' \\
    USER='$ENG_USER' LOGNAME='$ENG_USER' CONTAINERS_CONF='$PM_DIR/containers.conf' \\
    podman $g --storage-driver vfs "\$@"
EOF
    else
        cat >"$PM" <<EOF
#!/bin/sh
CONTAINERS_CONF='$PM_DIR/containers.conf'
export CONTAINERS_CONF
exec podman $g --storage-driver overlay "\$@"
EOF
    fi
    chmod 0755 "$PM"
}

# podman_start rootful|rootless: set up private storage; returns 1 with WHY
podman_start() {
    PM_MODE=$1
    PM_DIR=$ENGDIR/podman-$PM_MODE
    PM=$PM_DIR/pm
    command -v podman >/dev/null || { WHY="podman not installed (apt-get install podman)"; return 1; }
    command -v runc >/dev/null || { WHY="runc not installed (apt-get install runc)"; return 1; }
    mkdir -p "$PM_DIR"/root "$PM_DIR"/runroot "$PM_DIR"/tmp "$PM_DIR"/net "$PM_DIR"/home "$PM_DIR"/xdg
    printf '%s\n' '[engine]' 'lock_type = "file"' 'events_logger = "none"' >"$PM_DIR/containers.conf"
    chmod 0755 "$PM_DIR"
    chmod 0644 "$PM_DIR/containers.conf"
    if [ "$PM_MODE" = rootless ]; then
        eng_rootless_user || return 1
        chown -R "$ENG_USER:" "$PM_DIR"/root "$PM_DIR"/runroot "$PM_DIR"/tmp "$PM_DIR"/net \
            "$PM_DIR"/home "$PM_DIR"/xdg
        chmod 0700 "$PM_DIR/xdg"
    fi
    pm_write_wrapper
    eng_defer podman_stop
    run_bounded 60 "$PM" info --format '{{.Host.OCIRuntime.Name}} {{.Store.GraphDriverName}}'
    [ "$RC" = 0 ] || { WHY="podman info failed ($RC): $ERR"; return 1; }
}

podman_stop() {
    local c i pid
    [ -n "$PM_MODE" ] || return 0
    for c in "${PM_CONTAINERS[@]}"; do
        timeout 30 "$PM" rm -f -t 0 "$c" >/dev/null 2>&1
    done
    for i in "${PM_IMAGES[@]}"; do
        timeout 30 "$PM" rmi -f "$i" >/dev/null 2>&1
    done
    if [ "$PM_MODE" = rootless ]; then
        # the rootless pause process podman started for us (it holds the user namespace)
        pid=$(cat "$PM_DIR/tmp/pause.pid" 2>/dev/null)
        if [ -n "$pid" ] && [ "$(stat -c %U "/proc/$pid" 2>/dev/null)" = "$ENG_USER" ]; then
            kill -KILL "$pid" 2>/dev/null
        fi
    fi
    PM_MODE=""
}

# run_long SECONDS CMD...: like lib's run, but in the background and waited
# for, so that a TERM to this script (the suite runner's timeout) runs the
# cleanup at once instead of after the command. Sets RC OUT ERR TIMED_OUT.
run_long() {
    local s=$1 o=$ENGDIR/long.out e=$ENGDIR/long.err
    shift
    timeout -k 5 "$s" "$@" >"$o" 2>"$e" </dev/null &
    ENG_LONG_PID=$!
    wait "$ENG_LONG_PID"
    RC=$?
    ENG_LONG_PID=""
    TIMED_OUT=0
    [ "$RC" = 124 ] && TIMED_OUT=1
    OUT=$(cat "$o")
    ERR=$(cat "$e")
}

# run_bounded SECONDS CMD...: lib's run with another timeout
run_bounded() {
    local s=$1
    shift
    T_TIMEOUT=$s run "$@"
}

pm_name() {
    PM_N=$((PM_N + 1))
    PM_LAST=$ENG_TAG-$PM_N
    PM_CONTAINERS+=("$PM_LAST")
}

# pm_run ARGS...: podman run --rm --network none --ulimit ... --name NEW ARGS
pm_run() {
    pm_name
    T_TIMEOUT=$ENG_T run "$PM" run --rm "${PM_RUN_FLAGS[@]}" --name "$PM_LAST" "$@"
}

pm_start() {
    pm_name
    T_TIMEOUT=$ENG_T run "$PM" run -d "${PM_RUN_FLAGS[@]}" --name "$PM_LAST" "$@"
    [ "$RC" = 0 ] || { WHY="podman run -d failed ($RC): $ERR"; return 1; }
}

pm_import() {
    local tar=$1 name=$2
    shift 2
    PM_IMAGES+=("$name")
    T_TIMEOUT=$ENG_T run "$PM" import -q "$@" "$tar" "$name"
    [ "$RC" = 0 ] || { WHY="podman import $name failed ($RC): $ERR"; return 1; }
}

# ---------------------------------------------------------------- shared payload pieces

# (busybox sh inside the containers)
# the topmost /proc mount of the caller, its sub-mounts, masked files
PROC_REPORT='
top=$(awk '\''$5 == "/proc" { id = $1; dev = $3 } END { print id }'\'' /proc/self/mountinfo)
echo procsubs=$(awk -v t="$top" '\''$2 == t { print $5 }'\'' /proc/self/mountinfo | sort | tr "\n" " ")
echo procfstype=$(awk -v t="$top" '\''$1 == t { for (i = 7; $i != "-"; i++); print $(i + 1) }'\'' /proc/self/mountinfo)
'
# The fresh-/proc case in any engine: the payload reports its pid, its /proc,
# what `ps` lists and what a nested `unshare -Umpfr --mount-proc` sees ...
FRESH_PAYLOAD='echo pid=$$
'"$PROC_REPORT"'
ps -o pid,ppid,comm >/tmp/ps.txt
echo ps=$(tail -n +2 /tmp/ps.txt | tr -s " \n" "  ")
echo nested=$(unshare -Umpfr --mount-proc sh -c "echo \$\$; ls /proc >/tmp/nested.ls; grep -c -E \"^[0-9]+\$\" /tmp/nested.ls" 2>&1 | tr "\n" " ")'
# ... and this checks it: pid 2 under a fresh procfs with nothing over it,
# only the inner nestinit (1), the payload (2) and its ps in /proc, and the
# nested namespace works (it prints its pid, 1, and counts its sh and ls).
want_fresh_proc_report() {
    want_rc 0 || return 1
    want_no_stderr || return 1
    want_kv pid 2 || return 1
    want_kv procfstype proc || return 1
    want_kv procsubs "" || return 1
    want_match "processes in the payload's /proc" "$(kv ps)" '^ ?1 0 nestinit 2 1 sh [0-9]+ 2 ps ?$' || return 1
    want_kv nested "1 2"
}
ZOMBIES='awk '\''{ sub(/.*\) /, ""); print $1 }'\'' /proc/[0-9]*/stat 2>/dev/null | grep -c "^Z" '
# pids of the orphans test's sleeps (busybox-static has no pgrep)
ORPHANS='ps -o pid,args | awk '\''$2 == "sleep" && $3 ~ /^100[12]$/ { print $1 }'\'''

# a payload that traps TERM (marker, exit 42) and USR1 (marker, goes on)
SIG_PAYLOAD='trap "echo TERM >/m/term; exit 42" TERM
trap "echo USR1 >>/m/usr1" USR1
echo ready >/m/ready
while :; do sleep 1 & wait $!; done'

# ptrace_may_access (proc(5), /proc/PID/fd): the payload, in its own user namespace, must not read or
# write /proc/PID/fd of processes outside it, even through the bound /proc.
# FD_PAYLOAD (run in the container, MARKDIR at /m) waits for /m/go, then probes
# the fds of the container's pid 1 (the outer) and of an exec'd holder of
# /tmp/held; want_proc_fd_isolated CLI NAME MARKDIR starts that holder and
# checks: EACCES everywhere, nothing written, while `exec` itself may.
FD_PAYLOAD='while [ ! -e /m/go ]; do sleep 0.05; done
h=$(cat /m/heldpid)
fdprobe /proc/1/fd/0 /proc/1/fd/1 /proc/1/fd/2 /proc/$h/fd/7 >/m/result 2>&1
echo $? >/m/done; exec sleep 60'

want_proc_fd_isolated() {
    local cli=$1 name=$2 m=$3 held res
    T_TIMEOUT=10 run "$cli" exec -d "$name" sh -c 'exec 7<>/tmp/held; echo $$ >/m/heldpid.tmp; mv /m/heldpid.tmp /m/heldpid; exec sleep 60'
    wait_file "$m/heldpid" 10 || { WHY="exec'd holder did not start: $ERR"; return 1; }
    held=$(cat "$m/heldpid")
    touch "$m/go"
    wait_file "$m/done" 10 || { WHY="payload probe did not finish: $("$cli" logs "$name" 2>&1 | tail -n 3)"; return 1; }
    res=$(cat "$m/result")
    want_eq "fdprobe exit (1 = something leaked)" "$(cat "$m/done")" 0 || { WHY="$WHY: $res"; return 1; }
    want_eq "probe of pid 1" "$(grep '^/proc/1/fd/1 ' <<<"$res")" \
        "/proc/1/fd/1 readlink=EACCES read=EACCES write=EACCES" || return 1
    want_eq "probe of the exec'd holder" "$(grep "^/proc/$held/fd/7 " <<<"$res")" \
        "/proc/$held/fd/7 readlink=EACCES read=EACCES write=EACCES" || return 1
    # nothing was written through the fd
    T_TIMEOUT=10 run "$cli" exec "$name" sh -c 'wc -c </tmp/held'
    want_eq "size of /tmp/held" "$OUT" 0 || return 1
    # control: outside the user namespace (exec) the same access works
    T_TIMEOUT=10 run "$cli" exec "$name" fdprobe "/proc/$held/fd/7"
    want_match "control from exec" "$OUT" "readlink=OK:/tmp/held read=OK:0 write=OK:8"
}

# want_stop_delivers_term CLI NAME MARKDIR: container NAME runs $SIG_PAYLOAD
# with MARKDIR at /m. `CLI stop -t 10` must reach its TERM trap at once (far
# sooner than the engine's SIGKILL after 10 s) and the container must exit with
# the trap's status, 42.
want_stop_delivers_term() {
    local cli=$1 name=$2 m=$3 t0 ms
    wait_file "$m/ready" 10 || { WHY="payload never started: $("$cli" logs "$name" 2>&1 | tail -n 3)"; return 1; }
    t0=$(now_ms)
    T_TIMEOUT=30 run "$cli" stop -t 10 "$name"
    ms=$(($(now_ms) - t0))
    want_rc 0 || return 1
    [ "$ms" -lt 5000 ] || { WHY="stop -t 10 took $ms ms (SIGTERM not delivered?)"; return 1; }
    want_eq "marker written by the TERM trap" "$(cat "$m/term" 2>/dev/null)" TERM || return 1
    want_eq ".State.ExitCode" "$("$cli" inspect -f '{{.State.ExitCode}}' "$name")" 42
}

# want_exec_orphans_reaped CLI NAME [MODE]: container NAME runs
# `sh -c '(sleep 1001 &) ; (sleep 1001 &) ; exec sleep 60'`. Orphans of the
# payload (sleep 1001) go to the inner nestinit, those of `exec` (sleep 1002)
# to the container's pid 1, the outer; once killed, both must reap them.
# MODE container (no new pid namespace, no inner): the outer adopts both.
want_exec_orphans_reaped() {
    local cli=$1 name=$2 mode=${3:-} inner sleeps want=" 2 1001<inner 3 1002<outer "
    [ "$mode" = container ] && want=" 2 1001<outer 3 1002<outer "
    T_TIMEOUT=10 run "$cli" exec "$name" sh -c '(sleep 1002 &) ; (sleep 1002 &) ; (sleep 1002 &)'
    want_rc 0 || return 1
    sleep 0.2
    T_TIMEOUT=10 run "$cli" exec "$name" ps -o pid,ppid,args
    inner=$(printf '%s\n' "$OUT" | awk '$3 == "sleep" && $4 == 60 { print $2 }')
    sleeps=$(printf '%s\n' "$OUT" | awk -v i="$inner" '$3 == "sleep" && $4 ~ /^100[12]$/ {
        print $4 "<" ($2 == 1 ? "outer" : $2 == i ? "inner" : $2) }' | sort | uniq -c | tr -s ' \n' '  ')
    want_eq "orphans: count sleep-arg<new parent>" "$sleeps" "$want" || return 1
    T_TIMEOUT=10 run "$cli" exec "$name" sh -c "kill -KILL \$($ORPHANS)"
    want_rc 0 || return 1
    sleep 0.3
    T_TIMEOUT=10 run "$cli" exec "$name" sh -c "echo zombies=\$($ZOMBIES); echo left=\$($ORPHANS | wc -l)"
    want_rc 0 || return 1
    want_kv zombies 0 || return 1
    want_kv left 0
}


# ---------------------------------------------------------------- shared assertions

# want_check_lines: $OUT follows the --check contract: an optional first line
# "nestinit VERSION --check ..."; then lines "STATUS STEP: detail" (STATUS
# ok|FAIL|warn|info; STEP from $CHECK_STEPS, each at most once, in that
# order: every step when nestinit exits 0, up to the failing one otherwise);
# FAIL/warn lines carry "fix:"; the last line is "result: ...". Uses $RC.
want_check_lines() {
    local r
    r=$(printf '%s\n' "$OUT" | awk -v steps="$CHECK_STEPS" -v rc="$RC" '
        BEGIN { n = split(steps, s, " "); for (i = 1; i <= n; i++) pos[s[i]] = i }
        NF == 0 { next }
        { lines[++L] = $0 }
        END {
            first = 1
            if (lines[1] ~ /^nestinit [^ ]+ --check/) first = 2
            if (L < first + 1) { print "no step lines"; exit 1 }
            if (lines[L] !~ /^result: /) { print "last line is not \"result: ...\": " lines[L]; exit 1 }
            last = 0; fails = 0
            for (i = first; i < L; i++) {
                if (!match(lines[i], /^(ok|FAIL|warn|info) [a-z-]+: /)) { print "malformed line: " lines[i]; exit 1 }
                split(lines[i], f, " "); st = f[1]; step = f[2]; sub(/:$/, "", step)
                if (!(step in pos)) { print "unknown step: " step; exit 1 }
                if (pos[step] <= last) { print "step out of order or repeated: " step; exit 1 }
                last = pos[step]
                if (st == "FAIL") fails++
                if ((st == "FAIL" || st == "warn") && lines[i] !~ /fix:/) { print "no fix: in " lines[i]; exit 1 }
            }
            if (rc == 0 && (L - first) != n) { print "exit 0 but " (L - first) " of " n " steps"; exit 1 }
            if (rc == 0 && fails) { print "exit 0 with a FAIL step"; exit 1 }
            if (rc != 0 && !fails) { print "exit " rc " without a FAIL step"; exit 1 }
        }') && return 0
    WHY="--check output: $r; stdout: $(oneline "${OUT:0:800}"); stderr: $ERR"
    return 1
}

# check_line STEP: the --check line of STEP
check_line() { printf '%s\n' "$OUT" | grep -E "^(ok|FAIL|warn|info) $1: " | head -n1; }

# want_check STEP STATUS_ERE [DETAIL_ERE]
want_check() {
    local l
    l=$(check_line "$1")
    if [ -z "$l" ]; then
        WHY="no --check line for step $1; stdout: $(oneline "${OUT:0:800}"); stderr: $ERR"
        return 1
    fi
    printf '%s' "$l" | grep -Eq -- "^($2) $1: " ||
        { WHY="--check $1: status is not /$2/: '$l'"; return 1; }
    [ -z "${3:-}" ] && return 0
    printf '%s' "$l" | grep -Eq -- "$3" ||
        { WHY="--check $1 line does not match /$3/: '$l'"; return 1; }
}

# want_check_json FILE_OR_TEXT OK(true|false): one JSON object per the contract
want_check_json() {
    local r
    r=$(printf '%s' "$OUT" | "$PY" -c '
import json, sys
want_ok = sys.argv[1] == "true"
steps = sys.argv[2].split()
text = sys.stdin.read()
lines = [l for l in text.split("\n") if l.strip()]
if len(lines) != 1:
    print("want one line of JSON, got %d" % len(lines)); sys.exit(1)
d = json.loads(lines[0])
for k in ("version", "ok", "steps"):
    if k not in d:
        print("missing key %s" % k); sys.exit(1)
if d["ok"] is not want_ok:
    print("ok is %r, want %r" % (d["ok"], want_ok)); sys.exit(1)
names = []
for s in d["steps"]:
    for k in ("name", "status", "detail", "fix"):
        if k not in s:
            print("step lacks %s: %r" % (k, s)); sys.exit(1)
    if s["status"] not in ("ok", "FAIL", "warn", "info"):
        print("bad status %r" % s["status"]); sys.exit(1)
    names.append(s["name"])
if names != [n for n in steps if n in names]:
    print("steps out of order or unknown: %s" % names); sys.exit(1)
if want_ok and names != steps:
    print("ok but not every step: %s" % names); sys.exit(1)
if not want_ok and "FAIL" not in [s["status"] for s in d["steps"]]:
    print("not ok but no FAIL step"); sys.exit(1)
' "$1" "$CHECK_STEPS" 2>&1) && return 0
    WHY="--check --json: $(oneline "$r"); stdout: $(oneline "${OUT:0:400}")"
    return 1
}

# ---------------------------------------------------------------- direct run: prerequisites

if [ "${ENG_STANDALONE_CHECK:-}" = 1 ]; then
    SCRIPT_NAME=engines_prerequisites
    missing=()
    for c in dockerd containerd containerd-shim-runc-v2 podman runc conmon newuidmap newgidmap \
        setpriv musl-gcc debootstrap readelf python3; do
        command -v "$c" >/dev/null || missing+=("$c")
    done
    static_busybox >/dev/null || missing+=("static busybox")
    docker_cli >/dev/null || missing+=("docker")
    if [ ${#missing[@]} = 0 ]; then
        pass engines_prerequisites
    else
        skip engines_prerequisites "missing: ${missing[*]} (apt-get install docker.io podman runc uidmap debootstrap busybox-static musl-tools binutils)"
    fi
    exit 0
fi
