#!/bin/sh
# Lists C functions longer than LIMIT lines (default 60), from a function's
# opening brace at column 0 to its closing brace at column 0; exits 1 if any.
limit=${LIMIT:-60}
awk -v limit="$limit" '
    FNR == 1 { start = 0 }
    /^[a-zA-Z].*\)$/ || /^[a-zA-Z].*\) *\{$/ { name = $0 }
    /^\{/ || (/^[a-zA-Z].*\) *\{$/) { start = FNR; fname = name }
    /^\}/ && start { n = FNR - start + 1; if (n > limit) { printf "%s:%d: %d lines: %s\n", FILENAME, start, n, fname; bad = 1 } start = 0 }
    END { if (!bad) printf "functions: none over %d lines\n", limit; exit bad }' "$@"
