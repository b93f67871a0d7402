#!/usr/bin/env bash
# bench/run.sh: nestinit beside its peers, on this machine, in one command
# (`make bench`). Root only: the peers that make namespaces do so as root here.
#
# Installs the peers from Debian's packages when missing (tini, dumb-init,
# catatonit, bubblewrap, util-linux's unshare, gnuplot-nox, musl-tools), builds
# the programs below with the Makefile (`make bench-programs`: build/bench/ and
# the tests' build/helpers/orphans; BUILD= as for make) and copies them into a
# temporary folder, measures, prints a Markdown table and writes
# bench/results.md and bench/results.png.
#
#   floor.c        the reference, one per route of nestinit's (init/plan.h):
#                  user+pid+mount namespaces, uid/gid maps from the parent, a
#                  fresh /proc, fork+exec+wait, nothing else; --pidns-first and
#                  --no-pidns do the same for the other two routes
#   spawn_timer.c  startup: fork/exec `INIT... /bin/true` N times, wall time each
#   sig_payload.c  signal latency and idle: SIGUSR1 handler, timestamps to a FIFO
#   tests/helpers/orphans.c (stream|burst)
#                  reaping: N double-forked orphans, waits until all are reaped
#   driver.c       runs the signal, reaping and idle measurements
#
# Rows: each init on the host (nestinit's default route, user namespace
# first), and nestinit, its floor and the peers that can run there in two
# emulated containers (mk/docker-like-proc.sh, a /proc masked as Docker masks
# it): with Docker's capabilities + SYS_ADMIN (pid namespace first, masks
# carried) and with Docker's capabilities alone (the container fallback, no
# pid namespace). There the measuring program is the container's pid 1.
#
# Metrics (median and p90 of many runs; a ratio to the floor of the same place
# or the best host peer, of the same run):
#   startup   `INIT -- /bin/true`, fork to reaped exit, microseconds.
#   signal    kill(top process, SIGUSR1) to the payload's handler running,
#             microseconds (CLOCK_MONOTONIC on both sides); 1 ms between rounds.
#   reaping   20000 double-forked orphans. "stream": the orphans come while the
#             init reaps, first fork to zero zombies (mostly the payload's own
#             forking: the init only has to keep up). "burst": the init is held
#             with SIGSTOP while the 20000 zombies pile up, then SIGCONT to zero
#             zombies: the init's reaping rate alone. Also the reaping init's CPU
#             time per orphan (/proc/PID/schedstat), which machine load
#             disturbs less than wall time.
#             Inits without a pid namespace (tini, tini-static, dumb-init,
#             catatonit) run as pid 1 of a fresh pid namespace made by
#             `unshare -pf --mount-proc` (as in a container), so the orphans
#             really are reparented to them and the payload's /proc is its
#             namespace's. `unshare -Umpfr` has no init at all (the payload is
#             pid 1 and would have to reap), so it has no reaping figure.
#   idle      VmRSS of every process of each init (both nestinit processes,
#             both bwrap processes, ...) and its voluntary+nonvoluntary context
#             switches over 5 s while the payload sleeps in pause().
#   size      bytes of each binary; dynamic ones are marked (libc not counted).
#
# Counts (environment): BENCH_STARTUP_RUNS (1000 per init) in
# BENCH_STARTUP_BLOCKS (25) interleaved blocks, BENCH_SIGNAL_ROUNDS (1000), BENCH_REAP_N (20000), BENCH_REAP_RUNS
# (5, interleaved), BENCH_IDLE_SECONDS (5). NESTINIT=path overrides the binary.
# Everything the run starts is in process groups of its own, ended by the
# drivers (child subreapers) or by the trap below; temporary files go at exit.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
BUILD_DIR=${BUILD:-build}
case $BUILD_DIR in /*) ;; *) BUILD_DIR=$root/$BUILD_DIR ;; esac
NESTINIT=${NESTINIT:-$BUILD_DIR/nestinit}
STARTUP_RUNS=${BENCH_STARTUP_RUNS:-1000}
STARTUP_BLOCKS=${BENCH_STARTUP_BLOCKS:-25}
SIGNAL_ROUNDS=${BENCH_SIGNAL_ROUNDS:-1000}
REAP_N=${BENCH_REAP_N:-20000}
REAP_RUNS=${BENCH_REAP_RUNS:-5}
IDLE_SECONDS=${BENCH_IDLE_SECONDS:-5}
RESULTS_MD=${BENCH_RESULTS_MD:-$here/results.md}
RESULTS_PNG=${BENCH_RESULTS_PNG:-$here/results.png}

say() { printf '== %s\n' "$*" >&2; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (bwrap, unshare and the floor make namespaces as root here)"
[ -x "$NESTINIT" ] || die "$NESTINIT is missing: run make first"

# --- peers and tools, from Debian's packages ---------------------------------
declare -A pkg_of=([/usr/bin/tini]=tini [/usr/bin/tini-static]=tini [/usr/bin/dumb-init]=dumb-init
    [/usr/bin/catatonit]=catatonit [/usr/bin/bwrap]=bubblewrap [/usr/bin/unshare]=util-linux
    [/usr/bin/gnuplot]=gnuplot-nox [/usr/bin/musl-gcc]=musl-tools)
missing=()
for f in "${!pkg_of[@]}"; do [ -x "$f" ] || missing+=("${pkg_of[$f]}"); done
if [ ${#missing[@]} -gt 0 ]; then
    mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
    say "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 ||
        { apt-get update -qq >/dev/null && apt-get install -y -qq "${missing[@]}" >/dev/null; } ||
        die "apt-get install ${missing[*]} failed"
fi

# --- workspace, cleanup -------------------------------------------------------
work=$(mktemp -d /tmp/nestinit-bench.XXXXXX)
bg_pids=()
cleanup() {
    local p
    for p in "${bg_pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    for p in "${bg_pids[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

bin=$work/bin
mkdir -p "$bin" "$work/data"
# A copy, so that a rebuild of build/nestinit during the run changes nothing.
cp "$NESTINIT" "$bin/nestinit"
nestinit_src=$NESTINIT
NESTINIT=$bin/nestinit
make -s -C "$root" BUILD="$BUILD_DIR" bench-programs >/dev/null || die "cannot build the bench programs (make bench-programs)"
for f in floor spawn_timer sig_payload driver; do cp "$BUILD_DIR/bench/$f" "$bin/$f"; done
cp "$BUILD_DIR/helpers/orphans" "$bin/orphans" # the driver finds the payload by this name
log=$work/driver.log
: >"$log"

# --- the inits ------------------------------------------------------------------
# Three places, one per route nestinit can take (init/plan.h):
#   host      user namespace first: one clone makes user+pid+mount namespaces.
#   sysadmin  mk/docker-like-proc.sh, Docker's capabilities + SYS_ADMIN: pid and
#             mount namespaces first, a fresh /proc with the container's masks
#             carried over, then the user namespace.
#   docker    mk/docker-like-proc.sh, Docker's capabilities: the container's
#             own /proc, new user+mount namespaces, no pid namespace.
# In the two emulated containers the measuring program (spawn_timer, driver)
# is the container's pid 1 and starts the init under test, as `docker exec`
# would (the emulation itself is not timed); the init is not pid 1 there.
DOCKER_CAPS=-all,+chown,+dac_override,+fowner,+fsetid,+kill,+setgid,+setuid,+setpcap,+net_bind_service,+net_raw,+sys_chroot,+mknod,+audit_write,+setfcap
EMU=$root/mk/docker-like-proc.sh
[ -x "$EMU" ] || die "$EMU is missing"
declare -A place_pre=([host]="" [sysadmin]="env EMU_CAPS=$DOCKER_CAPS,+sys_admin $EMU" [docker]="env EMU_CAPS=$DOCKER_CAPS $EMU")
declare -A place_title=([host]="host: user namespace first (nestinit's default path)"
    [sysadmin]="emulated container with Docker's capabilities + SYS_ADMIN (masked /proc): pid namespace first"
    [docker]="emulated container with Docker's capabilities (masked /proc): the container fallback, no pid namespace")
places=(host sysadmin docker)

# id | place | label | chart label | namespaces | command prefix | binary | reaping command
ids=(floor nestinit bwrap unshare tini tini-static dumb-init catatonit
    sa-floor sa-nestinit sa-unshare sa-bwrap
    ct-floor ct-nestinit ct-unshare ct-tini)
declare -A place label short cmd reapcmd nsdesc binary floor_of
wrap="/usr/bin/unshare -pf --mount-proc"
label[floor]="floor (bench/floor.c)";   cmd[floor]="$bin/floor"
label[nestinit]="nestinit";             cmd[nestinit]="$NESTINIT --"
label[bwrap]="bwrap";                   cmd[bwrap]="/usr/bin/bwrap --bind / / --unshare-user --unshare-pid --proc /proc --"
label[unshare]="unshare -Umpfr";        cmd[unshare]="/usr/bin/unshare -Umpfr --mount-proc"
label[tini]="tini";                     cmd[tini]="/usr/bin/tini -s --"
label[tini-static]="tini-static";       cmd[tini-static]="/usr/bin/tini-static -s --"
label[dumb-init]="dumb-init";           cmd[dumb-init]="/usr/bin/dumb-init"
label[catatonit]="catatonit";           cmd[catatonit]="/usr/bin/catatonit --"
for i in floor nestinit bwrap unshare; do nsdesc[$i]="user+pid+mount, fresh /proc"; reapcmd[$i]=${cmd[$i]}; done
reapcmd[unshare]=""
for i in tini tini-static dumb-init catatonit; do nsdesc[$i]="none (reaping: pid 1 under unshare -pf)"; reapcmd[$i]="$wrap ${cmd[$i]}"; done
# SYS_ADMIN container. A user namespace first is refused there (the masks are
# locked: unshare -Umpfr and bwrap --unshare-user fail with EPERM), so the
# peers are the same steps by hand, without carrying the masks over.
label[sa-floor]="floor --pidns-first (bench/floor.c)"; cmd[sa-floor]="$bin/floor --pidns-first"
label[sa-nestinit]="nestinit";          cmd[sa-nestinit]="$NESTINIT --"
label[sa-unshare]="unshare -mpf --mount-proc unshare -Urm"; cmd[sa-unshare]="/usr/bin/unshare -mpf --mount-proc /usr/bin/unshare -Urm"
label[sa-bwrap]="bwrap --unshare-pid (no user namespace)"; cmd[sa-bwrap]="/usr/bin/bwrap --bind / / --unshare-pid --proc /proc --"
nsdesc[sa-floor]="pid+mount, fresh /proc, masks put back, then user+mount"
nsdesc[sa-nestinit]="pid+mount, fresh /proc, masks carried, then user+mount"
nsdesc[sa-unshare]="pid+mount, fresh /proc, then user+mount"
nsdesc[sa-bwrap]="pid+mount, fresh /proc (root with the container's capabilities)"
# Docker's capabilities: no fresh procfs anywhere; no pid namespace.
label[ct-floor]="floor --no-pidns (bench/floor.c)"; cmd[ct-floor]="$bin/floor --no-pidns"
label[ct-nestinit]="nestinit";          cmd[ct-nestinit]="$NESTINIT --"
label[ct-unshare]="unshare -Umr";       cmd[ct-unshare]="/usr/bin/unshare -Umr"
label[ct-tini]="tini-static -s (what docker run --init runs)"; cmd[ct-tini]="/usr/bin/tini-static -s --"
nsdesc[ct-floor]="user+mount, the container's /proc"
nsdesc[ct-nestinit]="user+mount, the container's /proc"
nsdesc[ct-unshare]="user+mount, the container's /proc; no init (unshare execs the payload)"
nsdesc[ct-tini]="none"
# Reaping in the containers: nestinit only (the host's floor is the reference;
# the run stays within about ten minutes).
for i in sa-nestinit ct-nestinit; do reapcmd[$i]=${cmd[$i]}; done
for i in sa-floor sa-unshare sa-bwrap ct-floor ct-unshare ct-tini; do reapcmd[$i]=""; done
for i in "${ids[@]}"; do
    case $i in sa-*) place[$i]=sysadmin floor_of[$i]=sa-floor ;; ct-*) place[$i]=docker floor_of[$i]=ct-floor ;;
    *) place[$i]=host floor_of[$i]=floor ;; esac
    short[$i]=${label[$i]%% (*}
done
short[sa-floor]="floor --pidns-first"; short[sa-nestinit]="nestinit (SYS_ADMIN)"; short[sa-unshare]="unshare -mpf + -Urm"
short[sa-bwrap]="bwrap (no userns)"; short[ct-floor]="floor --no-pidns"; short[ct-nestinit]="nestinit (container)"
short[ct-unshare]="unshare -Umr"; short[ct-tini]="tini-static (container)"
for i in "${ids[@]}"; do
    c=${cmd[$i]#/usr/bin/unshare -mpf --mount-proc }
    b=${c%% *}; binary[$i]=$b
done
peers=(bwrap unshare tini tini-static dumb-init catatonit)
# in_place ID COMMAND...: runs COMMAND where ID's init runs (shellcheck: word splitting wanted)
in_place() {
    local i=$1; shift
    # shellcheck disable=SC2086
    ${place_pre[${place[$i]}]} "$@"
}

# A smoke test of each: it must run /bin/true, and the payload's /proc must
# agree with its pid (the directory /proc/self names the shell itself).
# Where the container masks /proc, whether the masks are still there for the
# payload is measured (/proc/keys reads empty), not assumed.
declare -A masks_of
for i in "${ids[@]}"; do
    # shellcheck disable=SC2086
    in_place "$i" ${cmd[$i]} /bin/true >/dev/null 2>&1 || die "${label[$i]} (${place[$i]}): '${cmd[$i]} /bin/true' fails there"
    # shellcheck disable=SC2016,SC2086
    got=$(in_place "$i" ${cmd[$i]} /bin/sh -c 'cd -P /proc/self && echo "${PWD#/proc/} $$ $(wc -c </proc/keys)"' 2>/dev/null) || true
    read -r self pid keys <<<"$got"
    if [ -z "$self" ] || [ "$self" != "$pid" ]; then
        die "${label[$i]} (${place[$i]}): the payload's /proc does not match its pid (/proc/self '$self', pid '$pid')"
    fi
    if [ "${place[$i]}" != host ]; then
        if [ "$keys" = 0 ]; then masks_of[$i]="masks kept"; else masks_of[$i]="masks lost: /proc/keys readable"; fi
        nsdesc[$i]="${nsdesc[$i]}; ${masks_of[$i]}"
    fi
done
# nestinit must take the route its place is there for (-v names it).
declare -A route_of=([nestinit]="user namespace first" [sa-nestinit]="pid namespace first" [ct-nestinit]="no pid namespace")
for i in nestinit sa-nestinit ct-nestinit; do
    got=$(in_place "$i" "$NESTINIT" -v -- /bin/true 2>&1 >/dev/null) || true
    case $got in *"(${route_of[$i]})"*) ;; *) die "nestinit (${place[$i]}) did not take the route '${route_of[$i]}': $got" ;; esac
done

# --- statistics -----------------------------------------------------------------
# stats FILE [COLUMN]: "median p90 count" of the numbers in COLUMN (default 1),
# nearest rank; lines that are not numbers are skipped.
stats() {
    awk -v c="${2:-1}" '$c ~ /^[0-9.]+$/ {print $c}' "$1" 2>/dev/null | sort -g |
        awk '{a[NR] = $1} END {
            if (NR == 0) { print "NA NA 0"; exit }
            m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
            r = int(0.9 * NR); if (r < 0.9 * NR) r++
            printf "%.6g %.6g %d\n", m, a[r], NR }'
}
# p10 FILE [COLUMN]: the 10th percentile (for rates: p90 of the time is the p10 of the rate)
p10() {
    awk -v c="${2:-1}" '$c ~ /^[0-9.]+$/ {print $c}' "$1" 2>/dev/null | sort -g |
        awk '{a[NR] = $1} END { if (NR == 0) { print "NA"; exit }
            r = int(0.1 * NR); if (r < 0.1 * NR) r++; if (r < 1) r = 1; printf "%.6g\n", a[r] }'
}
fmt() { # fmt NUMBER DECIMALS: NA stays NA
    if [ "$1" = NA ]; then echo NA; else printf "%.${2}f" "$1"; fi
}
ratio() { # ratio A B -> "1.23x" or NA
    if [ "$1" = NA ] || [ "$2" = NA ]; then echo NA; else awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; fi
}
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; }

D=$work/data
start=$(date +%s)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
awk '{ exit !($1 > 0.5) }' /proc/loadavg &&
    say "warning: load average ${load_before%% *}: other work on this machine will make the numbers noisy"

# --- startup ------------------------------------------------------------------
# Many short blocks, each init's block next to the floor of its place: the
# load of a shared machine drifts, and a ratio of neighbouring blocks (a
# paired ratio) moves with it far less than a ratio of overall medians.
blocks=$STARTUP_BLOCKS
per_block=$(( (STARTUP_RUNS + blocks - 1) / blocks ))
say "startup: $((per_block * blocks)) runs of INIT /bin/true per init, in $blocks interleaved blocks"
for k in $(seq "$blocks"); do
    for i in none "${ids[@]}"; do
        if [ "$i" = none ]; then c="" p=floor; else c=${cmd[$i]} p=$i; fi
        # shellcheck disable=SC2086
        in_place "$p" "$bin/spawn_timer" "$per_block" 5 "$D/startup.$i.b$k" $c /bin/true 2>>"$log" ||
            die "startup of ${label[$i]:-/bin/true} (${place[$p]}) failed: $(tail -3 "$log")"
        cat "$D/startup.$i.b$k" >>"$D/startup.$i"
    done
done

# --- signal latency ----------------------------------------------------------------
say "signal latency: $SIGNAL_ROUNDS rounds per init, in 4 interleaved blocks"
for _ in 1 2 3 4; do
    for i in "${ids[@]}"; do
        grep -qs '^NA' "$D/signal.$i" && continue # known not to forward
        rm -f "$work/fifo"
        # shellcheck disable=SC2086
        in_place "$i" "$bin/driver" signal $(( (SIGNAL_ROUNDS + 3) / 4 )) 1000 "$D/signal.$i.part" "$work/fifo" -- ${cmd[$i]} \
            "$bin/sig_payload" "$work/fifo" 2>>"$log" || echo "NA the run failed: $(tail -1 "$log")" >"$D/signal.$i.part"
        cat "$D/signal.$i.part" >>"$D/signal.$i"
    done
done

# --- reaping --------------------------------------------------------------------------
say "reaping: $REAP_N orphans, $REAP_RUNS interleaved runs per init and mode (the longest part)"
for r in $(seq "$REAP_RUNS"); do
    for i in "${ids[@]}"; do
        [ -n "${reapcmd[$i]}" ] || continue
        for mode in stream burst; do
            rm -f "$work/fifo" "$work/go"
            # shellcheck disable=SC2086
            in_place "$i" "$bin/driver" reap $mode "$REAP_N" "$D/reap.$mode.$i" "$work/fifo" "$work/go" -- \
                ${reapcmd[$i]} "$bin/orphans" $mode "$REAP_N" "$work/fifo" "$work/go" 2>>"$log" ||
                say "reaping ($mode) under ${label[$i]} failed once: $(tail -1 "$log")"
        done
    done
    say "  run $r/$REAP_RUNS done"
done

# --- idle ---------------------------------------------------------------------------
say "idle: RSS and context switches over ${IDLE_SECONDS} s, all inits at once"
for i in "${ids[@]}"; do
    rm -f "$work/fifo.$i"
    # shellcheck disable=SC2086
    ${place_pre[${place[$i]}]} "$bin/driver" idle "$IDLE_SECONDS" "$D/idle.$i" "$work/fifo.$i" -- ${cmd[$i]} "$bin/sig_payload" "$work/fifo.$i" \
        2>>"$log" &
    bg_pids+=($!)
done
for p in "${bg_pids[@]}"; do wait "$p" || true; done
bg_pids=()
elapsed=$(( $(date +%s) - start ))
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# --- results ---------------------------------------------------------------------------
declare -A st_med st_p90 sg_med sg_p90 sg_na rs_med rs_p10 rb_med rb_p10 cpu_med idle_rss idle_sw idle_anon size_kb
for i in none "${ids[@]}"; do read -r st_med["$i"] st_p90["$i"] _ < <(stats "$D/startup.$i"); done
for i in "${ids[@]}"; do
    read -r sg_med["$i"] sg_p90["$i"] _ < <(stats "$D/signal.$i")
    sg_na[$i]=$(sed -n 's/^NA //p' "$D/signal.$i" 2>/dev/null | head -1)
    for mode in stream burst; do
        f=$D/reap.$mode.$i
        if [ -s "$f" ]; then
            # orphans per second from each run's elapsed ns
            awk -v n="$REAP_N" '{ printf "%.3f %.3f\n", n / ($1 / 1e9), $3 / n / 1000 }' "$f" >"$f.rate"
            read -r med _ < <(stats "$f.rate" 1)
            lo=$(p10 "$f.rate" 1)
        else
            med=NA lo=NA
        fi
        if [ $mode = stream ]; then rs_med[$i]=$med rs_p10[$i]=$lo; else rb_med[$i]=$med rb_p10[$i]=$lo
            if [ -s "$f" ]; then read -r cpu_med["$i"] _ < <(stats "$f.rate" 2); else cpu_med[$i]=NA; fi
        fi
    done
    # idle: "pid comm rss_kb switches" per process
    if [ -s "$D/idle.$i" ]; then
        idle_rss[$i]=$(awk '{ printf "%s%s", (NR > 1 ? " + " : ""), $3 }' "$D/idle.$i")
        idle_sw[$i]=$(awk '{ printf "%s%s", (NR > 1 ? " + " : ""), $4 }' "$D/idle.$i")
        idle_anon[$i]=$(awk '{ printf "%s%s", (NR > 1 ? " + " : ""), $5 }' "$D/idle.$i")
    else
        idle_rss[$i]=NA idle_sw[$i]=NA idle_anon[$i]=NA
    fi
    sz=$(stat -c %s "${binary[$i]}")
    size_kb[$i]=$(awk -v s="$sz" 'BEGIN { printf "%.1f", s / 1024 }')
done

best_of() { # best_of ARRAYNAME low|high: the peer (not floor, not nestinit) with the best value
    local -n arr=$1
    local best="" bv="" p
    for p in "${peers[@]}"; do
        [ "${arr[$p]:-NA}" = NA ] && continue
        if [ -z "$best" ] || { [ "$2" = low ] && le "${arr[$p]}" "$bv"; } ||
            { [ "$2" = high ] && ! le "${arr[$p]}" "$bv"; }; then best=$p bv=${arr[$p]}; fi
    done
    echo "$best"
}
best_sig=$(best_of sg_med low)
best_rs=$(best_of rs_med high)
best_rb=$(best_of rb_med high)

is_dynamic() { readelf -lW "$1" 2>/dev/null | grep -q 'program interpreter'; }

# Why a row has no reaping figure.
declare -A reap_na=([unshare]="n/a: no init (the payload is pid 1)" [sa-unshare]="n/a: no init (the payload is pid 1)"
    [sa-bwrap]="not measured here (see the host's bwrap row)" [ct-unshare]="n/a: no init (unshare execs the payload)"
    [ct-tini]="not measured here (see the host's tini-static row)"
    [sa-floor]="not measured here (see the host's floor row)" [ct-floor]="not measured here (see the host's floor row)")
table=$work/table.md
{
    echo "| init | new namespaces | startup µs: median / p90 (× floor of its place) | signal µs: median / p90 (× best host peer) | reaping, stream: orphans/s median / p10 (× best host peer) | reaping, burst: orphans/s median / p10 (× best host peer) | reaping init CPU µs/orphan (burst) | idle VmRSS KiB per process (of it anonymous) | idle wake-ups in ${IDLE_SECONDS} s per process | size KiB |"
    echo "|---|---|---|---|---|---|---|---|---|---|"
    for pl in "${places[@]}"; do
        echo "| **${place_title[$pl]}** | | | | | | | | | |"
        [ "$pl" = host ] &&
            echo "| (none: /bin/true alone) | none | $(fmt "${st_med[none]}" 0) / $(fmt "${st_p90[none]}" 0) ($(ratio "${st_med[none]}" "${st_med[floor]}")) | | | | | | | |"
        for i in "${ids[@]}"; do
            [ "${place[$i]}" = "$pl" ] || continue
            case ${sg_na[$i]} in
            *"died of"*) sig="n/a: dies of SIGUSR1 (does not forward it)" ;;
            *"did not forward"*) sig="n/a: does not forward SIGUSR1" ;;
            ?*) sig="n/a: the run failed (see its log)" ;;
            esac
            if [ -n "${sg_na[$i]}" ]; then :
            else sig="$(fmt "${sg_med[$i]}" 1) / $(fmt "${sg_p90[$i]}" 1) ($(ratio "${sg_med[$i]}" "${sg_med[$best_sig]}"))"; fi
            [ "$i" = ct-unshare ] && [ -z "${sg_na[$i]}" ] && sig="$sig: no hop (the payload itself is signalled)"
            if [ -z "${reapcmd[$i]}" ]; then rs=${reap_na[$i]} rb=$rs cpu=n/a
            else
                rs="$(fmt "${rs_med[$i]}" 0) / $(fmt "${rs_p10[$i]}" 0) ($(ratio "${rs_med[$i]}" "${rs_med[$best_rs]}"))"
                rb="$(fmt "${rb_med[$i]}" 0) / $(fmt "${rb_p10[$i]}" 0) ($(ratio "${rb_med[$i]}" "${rb_med[$best_rb]}"))"
                cpu=$(fmt "${cpu_med[$i]}" 2)
            fi
            if [ "${idle_rss[$i]}" = NA ]; then idle="n/a: no process of its own" sw=n/a
            else idle="${idle_rss[$i]} (${idle_anon[$i]})" sw=${idle_sw[$i]}; fi
            sz=${size_kb[$i]}; if is_dynamic "${binary[$i]}"; then sz="$sz (dynamic)"; else sz="$sz (static)"; fi
            nf=$(grep -c '^FAIL' "$D/startup.$i" || true)
            fails=""; [ "$nf" -gt 0 ] && fails=", $nf of $((per_block * blocks)) runs failed and are left out"
            echo "| ${label[$i]} | ${nsdesc[$i]} | $(fmt "${st_med[$i]}" 0) / $(fmt "${st_p90[$i]}" 0) ($(ratio "${st_med[$i]}" "${st_med[${floor_of[$i]}]}")$fails) | $sig | $rs | $rb | $cpu | $idle | $sw | $sz |"
        done
    done
} >"$table"

# --- issue 4's and 11's targets for nestinit -----------------------------------------------------
verdict() { if "$@"; then echo met; else echo MISSED; fi; }
# spread VALUE OTHER_SLOW_TAIL low|high: after a miss, whether VALUE still lies
# within the other's run-to-run spread (its p90 time, p10 rate), i.e. the
# difference is not above this machine's noise.
spread() {
    if { [ "$3" = low ] && le "$1" "$2"; } || { [ "$3" = high ] && le "$2" "$1"; }; then
        echo " (within the spread of runs: the other's slow tail is $(fmt "$2" 1))"
    fi
}
all_le() { # all_le "a + b" LIMIT
    local v
    for v in ${1//+/ }; do [ "$v" != NA ] && le "$v" "$2" || return 1; done
}
n_size=$(stat -c %s "$NESTINIT")
targets=$work/targets.md
# paired ID: "median p10 p90" of ID's block medians over its floor's, block by block
paired() {
    local f=${floor_of[$1]} k
    for k in $(seq "$blocks"); do
        a=$(stats "$D/startup.$1.b$k" | cut -d' ' -f1) b=$(stats "$D/startup.$f.b$k" | cut -d' ' -f1)
        [ "$a" = NA ] || [ "$b" = NA ] || awk -v a="$a" -v b="$b" 'BEGIN { printf "%.4f\n", a / b }'
    done >"$D/paired.$1"
    read -r pm p9 _ < <(stats "$D/paired.$1")
    echo "$pm $(p10 "$D/paired.$1") $p9"
}
# route_ratio ID: the medians, their ratio and the paired ratio against the floor of ID's place
route_ratio() {
    local f=${floor_of[$1]}
    read -r pm plo phi <<<"$(paired "$1")"
    echo "$(fmt "${st_med[$1]}" 0) µs vs ${short[$f]} $(fmt "${st_med[$f]}" 0) µs: $(ratio "${st_med[$1]}" "${st_med[$f]}"); paired, block by block: $(fmt "$pm" 2)x (p10-p90 of $blocks blocks: $(fmt "$plo" 2)-$(fmt "$phi" 2))"
}
{
    echo "| target (issue) | nestinit | verdict |"
    echo "|---|---|---|"
    read -r pm _ <<<"$(paired nestinit)"
    echo "| startup on the host, default path (user namespace first) <= 1.10x the floor (paired ratio, median of the blocks; issue 11) | $(route_ratio nestinit) | $(verdict le "$pm" 1.10) |"
    echo "| startup, pid namespace first (SYS_ADMIN container), beside its floor (issue 11: reported, no target) | $(route_ratio sa-nestinit) | reported |"
    echo "| startup, container fallback (no pid namespace), beside its floor (issue 11: reported, no target) | $(route_ratio ct-nestinit) | reported |"
    for i in nestinit sa-nestinit ct-nestinit; do
        r=${route_of[$i]}
        echo "| idle ($r): RSS < 150 KiB per nestinit process (issues 4, 11) | ${idle_rss[$i]} KiB | $(verdict all_le "${idle_rss[$i]}" 149) |"
        echo "| idle ($r): 0 wake-ups in ${IDLE_SECONDS} s per nestinit process (issues 4, 11) | ${idle_sw[$i]} | $(verdict all_le "${idle_sw[$i]}" 0) |"
    done
    echo "| size <= 200 KiB (issue 4) | $n_size bytes ($(fmt "$(awk -v s="$n_size" 'BEGIN{print s/1024}')" 1) KiB) | $(verdict le "$n_size" 204800) |"
    echo "| startup below bwrap and unshare on the host (median; issue 4) | $(fmt "${st_med[nestinit]}" 0) µs vs bwrap $(fmt "${st_med[bwrap]}" 0), unshare $(fmt "${st_med[unshare]}" 0) | $(verdict eval "le ${st_med[nestinit]} ${st_med[bwrap]} && le ${st_med[nestinit]} ${st_med[unshare]}") |"
    lim=$(awk -v f="${sg_med[tini]}" 'BEGIN { print 1.5 * f }')
    v=$(verdict le "${sg_med[nestinit]}" "$lim")
    [ "$v" = met ] || v="$v$(spread "${sg_med[nestinit]}" "$(awk -v f="${sg_p90[tini]}" 'BEGIN { print 1.5 * f }')" low)"
    echo "| signal latency <= 1.5x tini's (median, host; issue 4) | $(fmt "${sg_med[nestinit]}" 1) µs vs tini $(fmt "${sg_med[tini]}" 1) µs: $(ratio "${sg_med[nestinit]}" "${sg_med[tini]}") (p90 $(fmt "${sg_p90[nestinit]}" 1) vs $(fmt "${sg_p90[tini]}" 1)) | $v |"
    v=$(verdict le "${rs_med[$best_rs]}" "${rs_med[nestinit]}")
    [ "$v" = met ] || v="$v$(spread "${rs_med[nestinit]}" "${rs_p10[$best_rs]}" high)"
    echo "| reaping >= the best peer (stream, median, host; issue 4) | $(fmt "${rs_med[nestinit]}" 0)/s vs ${label[$best_rs]} $(fmt "${rs_med[$best_rs]}" 0)/s: $(ratio "${rs_med[nestinit]}" "${rs_med[$best_rs]}") | $v |"
    v=$(verdict le "${rb_med[$best_rb]}" "${rb_med[nestinit]}")
    [ "$v" = met ] || v="$v$(spread "${rb_med[nestinit]}" "${rb_p10[$best_rb]}" high)"
    echo "| reaping >= the best peer (burst, median, host; issue 4) | $(fmt "${rb_med[nestinit]}" 0)/s vs ${label[$best_rb]} $(fmt "${rb_med[$best_rb]}" 0)/s: $(ratio "${rb_med[nestinit]}" "${rb_med[$best_rb]}"); reaping CPU $(fmt "${cpu_med[nestinit]}" 2) vs $(fmt "${cpu_med[$best_rb]}" 2) µs/orphan | $v |"
} >"$targets"

# --- chart ------------------------------------------------------------------------------
G=$work/gp
mkdir -p "$G"
for i in "${ids[@]}"; do
    lb=${short[$i]}
    printf '"%s" %s %s\n' "$lb" "${st_med[$i]}" "${st_p90[$i]}" >>"$G/startup"
    if [ -z "${sg_na[$i]}" ]; then printf '"%s" %s %s\n' "$lb" "${sg_med[$i]}" "${sg_p90[$i]}" >>"$G/signal"; fi
    if [ -n "${reapcmd[$i]}" ]; then
        printf '"%s" %s %s\n' "$lb" "$(awk -v v="${rs_med[$i]}" 'BEGIN{print v/1000}')" "$(awk -v v="${rs_p10[$i]}" 'BEGIN{print v/1000}')" >>"$G/stream"
        printf '"%s" %s %s\n' "$lb" "$(awk -v v="${rb_med[$i]}" 'BEGIN{print v/1000}')" "$(awk -v v="${rb_p10[$i]}" 'BEGIN{print v/1000}')" >>"$G/burst"
    fi
    [ "${idle_rss[$i]}" = NA ] || printf '"%s" %s\n' "$lb" "$(awk '{ s += $3; if ($3 > m) m = $3 } END { print s, m }' "$D/idle.$i")" >>"$G/rss"
    [ "${place[$i]}" = host ] && printf '"%s" %s\n' "$lb" "${size_kb[$i]}" >>"$G/size"
done
when=$(date -u '+%Y-%m-%d %H:%M UTC')
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
target() { # target Y TEXT: a dashed red line at Y, named in the key
    printf ', %s with lines dt 2 lw 1.5 lc rgb "#cc0000" title "%s"' "$1" "$2"
}
t_startup=$(target "$(awk -v f="${st_med[floor]}" 'BEGIN { print 1.10 * f }')" "nestinit on the host: target 1.10 x floor")
t_signal=$(target "$(awk -v f="${sg_med[tini]}" 'BEGIN { print 1.5 * f }')" "nestinit target: 1.5 x tini")
t_rss=$(target 150 "nestinit target: 150 KiB per process")
t_size=$(target 200 "nestinit target: 200 KiB")
cat >"$G/plot.gp" <<EOF
set terminal pngcairo size 1800,1050 font "DejaVu Sans,10" noenhanced
set output "$RESULTS_PNG"
set multiplot layout 2,3 title "nestinit beside its peers: $when, kernel $(uname -r), $(nproc) x $cpu" font ",12"
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics
set xtics rotate by -40 scale 0 font ",8"
set key top left font ",9"
set yrange [0:*]
set offsets 0, 0, graph 0.12, 0
set title "startup: INIT /bin/true (µs, lower is better)"
plot "$G/startup" using 2:xtic(1) title "median" lc rgb "#3465a4", '' using 3 title "p90" lc rgb "#9fb8d9", \
     '' using 0:2:(sprintf("%.0f", \$2)) with labels offset -1.2,0.6 font ",7" notitle$t_startup
set title "signal latency to the payload (µs, lower is better)"
plot "$G/signal" using 2:xtic(1) title "median" lc rgb "#4e9a06", '' using 3 title "p90" lc rgb "#b5d99c", \
     '' using 0:2:(sprintf("%.1f", \$2)) with labels offset -1.2,0.6 font ",8" notitle$t_signal
set title "reaping, stream: $REAP_N orphans (k orphans/s, higher is better)"
plot "$G/stream" using 2:xtic(1) title "median" lc rgb "#c4a000", '' using 3 title "p10" lc rgb "#ecdc8c", \
     '' using 0:2:(sprintf("%.1f", \$2)) with labels offset -1.2,0.6 font ",8" notitle
set title "reaping, burst: $REAP_N zombies at once (k orphans/s, higher is better)"
plot "$G/burst" using 2:xtic(1) title "median" lc rgb "#ce5c00", '' using 3 title "p10" lc rgb "#f3bd8c", \
     '' using 0:2:(sprintf("%.0f", \$2)) with labels offset -1.2,0.6 font ",8" notitle
set title "idle VmRSS (KiB, log scale, lower is better)"
set logscale y
set yrange [10:20000]
plot "$G/rss" using 2:xtic(1) title "all processes of the init" lc rgb "#75507b", '' using 3 title "largest process" lc rgb "#c9b3cc", \
     '' using 0:2:(sprintf("%.0f", \$2)) with labels offset -1.2,0.6 font ",8" notitle$t_rss
unset logscale y
set yrange [0:*]
set title "binary size (KiB; dynamic ones without their libraries)"
plot "$G/size" using 2:xtic(1) title "size" lc rgb "#555753", \
     '' using 0:2:(sprintf("%.0f", \$2)) with labels offset 0,0.6 font ",8" notitle$t_size
unset multiplot
EOF
gnuplot "$G/plot.gp" 2>>"$log" || say "gnuplot failed: $(tail -2 "$log")"

# --- report -----------------------------------------------------------------------------
versions=$(dpkg-query -W -f '${Package} ${Version}, ' tini dumb-init catatonit bubblewrap util-linux 2>/dev/null | sed 's/, $//')
{
    echo "# nestinit benchmark"
    echo
    echo "$when; kernel $(uname -r); CPU $cpu, $(nproc) cores; load average before / after: $load_before / $load_after;"
    echo "$("$NESTINIT" --version 2>/dev/null | head -1) ($n_size bytes, built $(date -u -r "$nestinit_src" "+%H:%M UTC")); peers: $versions. Made by \`make bench\` (bench/run.sh) in ${elapsed} s."
    echo
    cat "$table"
    echo
    echo "## Targets (issues 4 and 11)"
    echo
    cat "$targets"
    echo
    echo "## How each was run"
    echo
    for i in "${ids[@]}"; do
        c=${cmd[$i]//"$bin/nestinit"/"$nestinit_src"}
        c=${c//"$root/"/}
        pre=${place_pre[${place[$i]}]//"$root/"/}
        pre=${pre//"$DOCKER_CAPS"/"DOCKER_CAPS"}
        echo "- ${label[$i]} (${place[$i]}): \`${pre:+$pre ... }${c//"$bin/"/} CMD\`"
    done
    echo "- the emulated containers: \`mk/docker-like-proc.sh\` (new mount and pid namespaces, a procfs masked as Docker masks it: /proc/keys and /proc/timer_list bound from /dev/null, /proc/acpi a tmpfs, /proc/bus, fs, irq, sys, sysrq-trigger read-only; the capability set of EMU_CAPS, where DOCKER_CAPS is Docker's default set: $DOCKER_CAPS). \`...\` is the measuring program (spawn_timer or driver), which runs as the container's pid 1 and starts the init as \`docker exec\` would, so the emulation's own setup is not timed and the init there is not pid 1 (nestinit, floor --no-pidns and tini-static make themselves child subreapers)."
    echo "- SYS_ADMIN container: \`unshare -Umpfr --mount-proc\` and \`bwrap --unshare-user --unshare-pid --proc /proc\` are refused there (EPERM: the masks are locked after a new user namespace), so the peers are the route's steps by hand (\`unshare -mpf --mount-proc unshare -Urm\`) and bwrap as root without a user namespace; neither carries the masks over (see \"masks lost\": measured by reading /proc/keys in the payload)."
    echo "- container without SYS_ADMIN: no peer makes a fresh /proc there (every one that tries gets EPERM); \`unshare -Umr\` makes the same namespaces as nestinit's fallback but has no init (it execs the payload), tini-static is what \`docker run --init\` would put there."
    echo "- reaping with tini, tini-static, dumb-init, catatonit: \`$wrap INIT... orphans\`: they make no pid namespace, so they run as pid 1 of one (as in a container) and the orphans are reparented to them; floor, nestinit and bwrap reap in their own namespace; \`unshare -Umpfr\` execs the payload as pid 1, so nothing but the payload could reap."
    echo "- bwrap's \`--bind / /\` comes before \`--proc /proc\`: in the other order the recursive bind of / covers the fresh /proc with the host's."
    echo
    echo "Counts: startup $((per_block * blocks)) runs per init ($blocks interleaved blocks of $per_block, 5 warm-up runs each; nestinit's block right after its place's floor's); signal $(( (SIGNAL_ROUNDS + 3) / 4 * 4 )) rounds per init (4 interleaved blocks, each after 20 warm-up rounds; 1 ms apart); reaping $REAP_N orphans x $REAP_RUNS interleaved runs per mode; idle ${IDLE_SECONDS} s."
    echo "Ratios: startup to the floor of the same place (bench/floor.c: the host's route, --pidns-first, --no-pidns); signal and reaping to the best host peer (tini, tini-static, dumb-init, catatonit, bwrap, unshare) of this run. p10 of a rate is the rate of the p90 run time."
    echo "Startup includes /bin/true itself (dynamic, glibc), given alone in the first row. Idle RSS of dynamic inits counts their shared libc pages."
    echo "Wall times on a shared 2-core VM move with its load (see the load average): compare within one run; the reaping init's CPU time per orphan moves less."
    echo "The best of six peers is the largest of six noisy numbers, so it is biased upwards: the floor's own ratio (a blocking wait() loop, the least an init can do) shows how far noise alone goes."
    echo "Signal latency depends on where the scheduler wakes each hop: a wake-up on the same CPU costs a few µs, one that has to wake the other, idle vCPU (an IPI) tens of µs; each forwarding hop is one more chance of that."
} >"$RESULTS_MD"

cat "$table"
echo
cat "$targets"
echo
say "wrote $RESULTS_MD and $RESULTS_PNG in ${elapsed} s"
