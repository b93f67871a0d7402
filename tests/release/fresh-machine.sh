#!/bin/bash
# The README's two commands on a fresh machine: a clean debian:bookworm
# container (debootstrap --variant=minbase, cached as build/engines/
# bookworm-minbase.tar like tests/engines/dockerfile.sh's) on a dockerd of our
# own, nothing preinstalled, a git clone of this repository copied in (at
# /usr/local/src/nestinit, where the README says: root's home is 0700); then
# exactly the two commands of the README's "Two commands" block, one after the
# other, as root. Both must exit 0; the first must show the demo, the second
# must end with "N passed, 0 failed, ...". Anything they need that mk/packages
# does not name makes them fail, since the image has nothing else.
#
# The container gets what the demo and the engine tests inside need: all
# capabilities but CAP_SYS_RESOURCE (not in this machine's bounding set, so
# --privileged fails), seccomp, AppArmor and /proc paths unconfined, the host's
# network (apt reaches the registry as the host's does), the host's cgroups
# (the inner dockerd and Podman make their own), a writable sysfs (the host's:
# the tests mount a fresh sysfs in new net namespaces, which the kernel refuses
# under the container's read-only /sys) and /tmp on a host folder (the inner
# engines' data roots: overlayfs does not stack on the container's root).
#
# Heavy (apt-get of every test package, then the whole suite inside: tens of
# minutes): NESTINIT_SKIP_FRESH=1 leaves it out (a loud SKIP). Inside, the
# variable NESTINIT_FRESH_INNER=1 stops this test from starting itself again.
. "$(dirname "$0")/../lib.sh"

if [ "${NESTINIT_FRESH_INNER:-}" = 1 ]; then
    # inside the fresh container: the outer run is this test; do not recurse
    echo "PASS fresh_machine_inner_does_not_recurse"
    exit 0
fi
require_root
if [ "${NESTINIT_SKIP_FRESH:-}" = 1 ]; then
    skip fresh_machine "NESTINIT_SKIP_FRESH=1"
    exit 0
fi
. "$(dirname "$0")/../engines/lib-engines.sh"

RUN_T=${FRESH_RUN_TIMEOUT:-1800}     # ./make.sh run: apt-get of the build packages, build, demo
CHECK_T=${FRESH_CHECK_TIMEOUT:-3000} # ./make.sh check: apt-get of the rest, lint, every test
BASE_TAR=$ENG_CACHE/bookworm-minbase.tar
IMAGE=$ENG_TAG-bookworm:latest
LOGS=$REPO/build/fresh-machine
mkdir -p "$LOGS"

# the_two_commands: the command lines of the first sh block under "## Two commands"
the_two_commands() {
    awk '/^## Two commands/ { s = 1; next }
         s == 1 && /^```sh/ { s = 2; next }
         s == 2 && /^```/ { exit }
         s == 2 { sub(/[ \t]*#.*/, ""); if ($0 != "") print }' "$REPO/README.md"
}

apt_mirror() { # the mirror this machine's apt uses for bookworm
    local m
    m=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '
        /^URIs:/ { uri = $2 } /^Suites:/ && / bookworm( |$)/ { if (uri != "") { print uri; exit } }')
    [ -n "$m" ] || m=$(awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }' /etc/apt/sources.list 2>/dev/null)
    echo "${m:-http://deb.debian.org/debian}"
}

make_base_tar() {
    local root=$ENGDIR/deboot
    [ -s "$BASE_TAR" ] && return 0
    command -v debootstrap >/dev/null || { WHY="debootstrap not installed (mk/packages)"; return 1; }
    run_long 900 debootstrap --variant=minbase bookworm "$root" "$(apt_mirror)"
    [ "$RC" = 0 ] || { WHY="debootstrap exited $RC: $(tail -n 5 <<<"$OUT$ERR")"; return 1; }
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
    mkdir -p "$ENG_CACHE"
    tar -C "$root" --numeric-owner -cf "$BASE_TAR.tmp.$$" . && mv -f "$BASE_TAR.tmp.$$" "$BASE_TAR" ||
        { rm -f "$BASE_TAR.tmp.$$"; WHY="tar of the debootstrap tree failed"; return 1; }
    rm -rf --one-file-system "$root"
}

NAME=
SRC=/usr/local/src/nestinit
start_container() {
    local hosttmp=$ENGDIR/fresh-tmp src=$ENGDIR/clone
    mkdir -p "$hosttmp" && chmod 1777 "$hosttmp"
    git clone -q "$REPO" "$src/nestinit" || { WHY="git clone of $REPO failed"; return 1; }
    dk_name
    NAME=$DK_LAST
    T_TIMEOUT=60 run "$DK" run -d --name "$NAME" --network host \
        --cap-add ALL --cap-drop SYS_RESOURCE \
        --security-opt seccomp=unconfined --security-opt apparmor=unconfined \
        --security-opt systempaths=unconfined \
        --cgroupns host -v /sys:/sys:rw -v /sys/fs/cgroup:/sys/fs/cgroup:rw \
        -v "$hosttmp:/tmp" -e NESTINIT_FRESH_INNER=1 \
        "$IMAGE" sleep infinity
    [ "$RC" = 0 ] || { WHY="docker run failed ($RC): $ERR"; return 1; }
    tar -C "$src" -cf "$ENGDIR/clone.tar" nestinit || { WHY="tar of the clone failed"; return 1; }
    T_TIMEOUT=30 run "$DK" exec "$NAME" mkdir -p /usr/local/src
    STDIN_FILE=$ENGDIR/clone.tar T_TIMEOUT=120 run "$DK" cp - "$NAME:/usr/local/src/"
    [ "$RC" = 0 ] || { WHY="docker cp of the clone failed: $ERR"; return 1; }
    T_TIMEOUT=30 run "$DK" exec "$NAME" test -x "$SRC/make.sh"
    [ "$RC" = 0 ] || { WHY="the clone is not in the container ($SRC/make.sh)"; return 1; }
}

# in_container SECONDS LOG COMMAND: run COMMAND (sh) in the clone as root
in_container() {
    local s=$1 log=$2
    run_long "$s" "$DK" exec -w "$SRC" "$NAME" sh -c "$3"
    printf '%s\n%s\n' "$OUT" "$ERR" >"$log"
}

CMDS=()
test_readme_has_two_commands() {
    mapfile -t CMDS < <(the_two_commands)
    want_eq "commands in the README's block" "${#CMDS[@]}" 2 || return 1
    want_match "first" "${CMDS[0]}" 'run$' || return 1
    want_match "second" "${CMDS[1]}" 'check$'
}

test_first_command() {
    [ -n "$NAME" ] || { WHY="no container"; return 1; }
    local t0; t0=$(now_ms)
    in_container "$RUN_T" "$LOGS/run.log" "${CMDS[0]}"
    echo "# fresh_machine: '${CMDS[0]}' exited $RC after $((($(now_ms) - t0) / 1000)) s; log: $LOGS/run.log" >&2
    want_rc 0 || { WHY="'${CMDS[0]}' exited $RC: $(tail -n 8 "$LOGS/run.log")"; return 1; }
    want_match "demo output" "$OUT" 'payload: pid 2, parent 1' || return 1
    want_match "demo's exit status" "$OUT" 'exit status: 0'
}

test_second_command() {
    [ -n "$NAME" ] || { WHY="no container"; return 1; }
    local t0 last; t0=$(now_ms)
    in_container "$CHECK_T" "$LOGS/check.log" "${CMDS[1]}"
    echo "# fresh_machine: '${CMDS[1]}' exited $RC after $((($(now_ms) - t0) / 1000)) s; log: $LOGS/check.log" >&2
    last=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$LOGS/check.log" | tail -n 1)
    echo "  inside: ${last:-no result line}"
    want_rc 0 || { WHY="'${CMDS[1]}' exited $RC ($last): $(grep -E '^(FAIL|SKIP) ' "$LOGS/check.log" | head -n 8)"; return 1; }
    want_match "result line" "$last" '^[1-9][0-9]* passed, 0 failed'
}

t fresh_machine_readme_two_commands test_readme_has_two_commands
make_base_tar || { fail fresh_machine_base_image "$WHY"; exit 1; }
docker_start || engine_unavailable fresh_machine "cannot start dockerd: $WHY"
dk_import "$BASE_TAR" "$IMAGE" --change 'CMD ["bash"]' || { fail fresh_machine_base_image "$WHY"; exit 1; }
start_container || { fail fresh_machine_container "$WHY"; exit 1; }
t fresh_machine_first_command_builds_and_runs_demo test_first_command
t fresh_machine_second_command_runs_every_test test_second_command
