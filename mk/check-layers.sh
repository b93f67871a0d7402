#!/bin/sh
# Layers point one way: init/ -> setup/, reaper/ -> base/. Fails (and names the
# line) when a file includes a header of its own layer's caller.
#   base/   may include base/ only
#   setup/  may include base/ and setup/
#   reaper/ may include base/ and reaper/
#   init/   may include anything
# Run from the top of the tree. The whole graph: grep -n "^#include \"" */*.[ch]
set -u
bad=0
allowed() {
    case "$1" in
    base) echo "base" ;;
    setup) echo "base setup" ;;
    reaper) echo "base reaper" ;;
    *) echo "base setup reaper init" ;;
    esac
}
for dir in base setup reaper init; do
    ok=$(allowed "$dir")
    for f in "$dir"/*.c "$dir"/*.h; do
        [ -f "$f" ] || continue
        grep -n '^#include "' "$f" | while IFS= read -r line; do
            target=${line#*\"}
            target=${target%%/*}
            case " $ok " in
            *" $target "*) ;;
            *) echo "layers: $f:${line%%:*}: $dir/ must not include ${line#*#include }" >&2; echo x ;;
            esac
        done
    done
done | grep -q x && bad=1
[ "$bad" = 0 ] && echo "layers: every include points down (init -> setup, reaper -> base)"
exit "$bad"
