#!/bin/sh
# ./make.sh run | check | build [MAKE ARGUMENTS...]
#
# From a fresh Debian 12 or Ubuntu machine with nothing but sh and apt-get:
#   run    installs what the build and the demo need, builds build/nestinit, runs the demo
#   check  installs everything the tests need too, then runs make lint and make check
#   build  installs what the build needs and runs make (ARCH=aarch64: cross-build)
# The packages are the lines of mk/packages (the one list). As root they are
# installed with apt-get (named first); otherwise it prints the sudo line and stops.
# MAKE_SH_INSTALL_ONLY=1: install, run no make (the Dockerfile's cached layer).
# People who have the packages can call make run / make check directly.
set -eu
cd "$(dirname "$0")"

usage() { echo "usage: ./make.sh run|check|build [MAKE ARGUMENTS...]" >&2; exit 2; }
[ $# -ge 1 ] || usage
goal=$1
shift
case $goal in
    build) groups=build target= ;;
    run) groups="build run" target=run ;;
    check) groups="build run cross check" target=check ;;
    *) usage ;;
esac
for a in "$@"; do
    case $a in ARCH=*) [ "${a#ARCH=}" = "$(uname -m)" ] || groups="$groups cross" ;; esac
done

arch=$(dpkg --print-architecture 2>/dev/null || echo unknown)
# packages GROUP...: the packages of those groups' lines for this architecture
packages() {
    sed 's/#.*//' mk/packages | while read -r tag rest; do
        [ -n "$tag" ] || continue
        for g in "$@"; do
            case $tag in "$g" | "$g:$arch") echo "$rest" ;; esac
        done
    done | tr -s ' \t' '\n\n' | grep . | sort -u | tr '\n' ' '
}

installed() { dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null | grep -qx installed; }

if [ "$goal" = check ]; then
    # The tests run nestinit and its helpers as nobody too: every folder above
    # this one must be searchable by other users (root's home is often 0700).
    d=$(pwd -P)
    while [ "$d" != / ]; do
        if [ -z "$(find "$d" -maxdepth 0 -perm -o+x 2>/dev/null)" ]; then
            echo "make.sh: error: $d (mode $(stat -c %a "$d")) is not searchable by other users, and the tests run nestinit as an unprivileged user; fix: put the source where every user can search (e.g. /usr/local/src/nestinit), or chmod o+x $d" >&2
            exit 1
        fi
        d=$(dirname "$d")
    done
fi

command -v apt-get >/dev/null || {
    echo "make.sh: error: no apt-get: this script knows Debian and Ubuntu only; install the packages of mk/packages by hand and run make $target" >&2
    exit 1
}
# shellcheck disable=SC2086  # word splitting of the package list is wanted
set -- $(packages $groups) -- "$@"
missing=
while [ "$1" != -- ]; do
    installed "$1" || missing="$missing $1"
    shift
done
shift
missing=${missing# }

if [ -n "$missing" ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "make.sh: error: these packages are missing and only root can install them; run, then ./make.sh $goal again:" >&2
        echo "sudo apt-get update && sudo apt-get install -y --no-install-recommends $missing"
        exit 1
    fi
    echo "make.sh: installing with apt-get: $missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $missing
else
    echo "make.sh: every package of mk/packages for '$goal' is installed"
fi

[ "${MAKE_SH_INSTALL_ONLY:-}" != 1 ] || exit 0
if [ "$goal" = check ]; then
    echo "make.sh: make lint"
    make lint "$@"
fi
echo "make.sh: make $target $*"
# shellcheck disable=SC2086  # no target word for build: make's default goal
exec make $target "$@"
