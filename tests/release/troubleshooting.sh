#!/bin/bash
# README's troubleshooting table covers every error and warning line the code
# can print: each format string given to nerr_set, log_error and log_warn in
# base/, init/, setup/ and reaper/ must begin with the text of some row's
# first cell (`...`), and every row must still match a message.
. "$(dirname "$0")/../lib.sh"

# the code's messages, one format string per line (their first literal)
messages() {
    grep -ohE '(nerr_set\([^,]+, *[^,]+, *|log_(error|warn)\()"([^"\\]|\\.)*"' \
        "$REPO"/base/*.c "$REPO"/init/*.c "$REPO"/setup/*.c "$REPO"/reaper/*.c |
        sed -E 's/^(nerr_set\([^,]+, *[^,]+, *|log_(error|warn)\()"//; s/"$//' |
        grep -vx '%s' | sort -u
}

# the first cell of each row of the table under "## Troubleshooting"
row_keys() {
    awk '/^## Troubleshooting/ { on = 1; next } /^## / { on = 0 } on && /^\| `/' "$REPO/README.md" |
        sed -E 's/^\| `([^`]*)`.*/\1/'
}

test_every_message_has_a_row() {
    local d; d=$(newtmp)
    messages >"$d/messages"
    row_keys >"$d/keys"
    [ -s "$d/messages" ] || { WHY="found no messages in the code (the pattern is broken)"; return 1; }
    [ "$(wc -l <"$d/keys")" -ge 20 ] || { WHY="found $(wc -l <"$d/keys") rows under ## Troubleshooting"; return 1; }
    "$PY" - "$d/messages" "$d/keys" <<'PYEOF' >"$d/result"
import sys
messages = [l.rstrip("\n") for l in open(sys.argv[1]) if l.strip()]
keys = [l.rstrip("\n") for l in open(sys.argv[2]) if l.strip()]
missing = [m for m in messages if not any(m.startswith(k) for k in keys)]
stale = [k for k in keys if not any(m.startswith(k) for m in messages)]
for m in missing:
    print("no row for: %s" % m)
for k in stale:
    print("a row no message begins with: %s" % k)
print("# troubleshooting: %d messages checked against %d rows" % (len(messages), len(keys)), file=sys.stderr)
PYEOF
    if [ -s "$d/result" ]; then
        WHY=$(cat "$d/result")
        return 1
    fi
}

# the check itself must fail on a message without a row
test_control_catches_a_missing_row() {
    printf '%s\n' 'a message nobody documented: %s' | "$PY" -c '
import sys
keys = [l.strip() for l in open(sys.argv[1]) if l.strip()]
m = sys.stdin.read().strip()
sys.exit(0 if not any(m.startswith(k) for k in keys) else 1)' <(row_keys) || { WHY="an undocumented message matched a row"; return 1; }
}

t troubleshooting_every_message_has_a_row test_every_message_has_a_row
t troubleshooting_control test_control_catches_a_missing_row
