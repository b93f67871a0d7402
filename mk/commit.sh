#!/bin/sh
# mk/commit.sh [epoch]: print the commit nestinit is built from (for --version),
# or with "epoch" its commit time (the default SOURCE_DATE_EPOCH).
# In a release tarball (git archive) mk/source-commit holds both, filled in by
# git's export-subst (.gitattributes); in a git checkout ask git, and mark
# uncommitted changes to tracked files with -dirty.
cd "$(dirname "$0")/.." || exit 1
read -r hash epoch <mk/source-commit 2>/dev/null
case $hash in
    *Format*|'') ;;
    *) if [ "${1:-}" = epoch ]; then echo "$epoch"; else echo "$hash" | cut -c1-12; fi; exit 0 ;;
esac
if [ "$(git rev-parse --show-toplevel 2>/dev/null)" = "$(pwd -P)" ] &&
   c=$(git rev-parse --short=12 HEAD 2>/dev/null); then
    if [ "${1:-}" = epoch ]; then git log -1 --format=%ct; exit 0; fi
    git diff --quiet HEAD -- 2>/dev/null || c=$c-dirty
    echo "$c"
elif [ "${1:-}" = epoch ]; then
    echo 0
else
    echo unknown
fi
