#!/bin/sh
# mk/commit.sh: print the commit nestinit is built from (for --version).
# In a release tarball (git archive) mk/source-commit holds it, filled in by
# git's export-subst (.gitattributes); in a git checkout ask git, and mark
# uncommitted changes to tracked files with -dirty.
cd "$(dirname "$0")/.." || exit 1
c=$(cat mk/source-commit 2>/dev/null)
case $c in
    *Format*|'') ;;
    *) echo "$c" | cut -c1-12; exit 0 ;;
esac
if [ "$(git rev-parse --show-toplevel 2>/dev/null)" = "$(pwd -P)" ] &&
   c=$(git rev-parse --short=12 HEAD 2>/dev/null); then
    git diff --quiet HEAD -- 2>/dev/null || c=$c-dirty
    echo "$c"
else
    echo unknown
fi
