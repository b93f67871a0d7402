#!/bin/bash
# Zombie reaping by the inner init (pid 1 of the new pid namespace).
. "$(dirname "$0")/../lib.sh"
require_binary
require_root

D=$(newtmp)
# count(): zombies among /proc/[0-9]*/stat, builtins only (forks nothing, so
# the shell never reaps while counting). The fresh /proc holds only the namespace.
cat >"$D/zombies.sh" <<'EOF'
count() {
    N=0
    for f in /proc/[0-9]*/stat; do
        { read -r l <"$f"; } 2>/dev/null || continue
        s=${l##*) }; s=${s%% *}
        [ "$s" = Z ] && N=$((N + 1))
    done
}
# control: count() must see a zombie that nobody reaps: the child of a
# process that exec'd sleep (sleep never waits)
sh -c 'true & exec sleep 5' &
ctl=$!
t=0; N=0
while [ $N -lt 1 ] && [ $t -lt 200 ]; do count; [ $N -ge 1 ] || sleep 0.01; t=$((t + 1)); done
echo "control=$N"
kill $ctl; wait $ctl
# 2000 double-forked orphans, reparented to pid 1 (the inner init)
i=0
while [ $i -lt 2000 ]; do (true &); i=$((i + 1)); done
sleep 0.2
# retry up to ~2 s
t=0; count
while [ $N -gt 0 ] && [ $t -lt 40 ]; do sleep 0.05; count; t=$((t + 1)); done
echo "zombies=$N"
echo "pid=$$"
EOF

ni sh "$D/zombies.sh"
ZRC=$RC ZOUT=$OUT ZERR=$ERR ZTO=$TIMED_OUT

test_ran() {
    RC=$ZRC OUT=$ZOUT ERR=$ZERR TIMED_OUT=$ZTO
    want_rc 0 || return 1
    want_eq "payload pid" "$(printf '%s\n' "$ZOUT" | sed -n 's/^pid=//p')" 2
}
test_control() {
    test_ran || return 1
    want_eq "zombie count of the payload's own unreaped child (method control)" \
        "$(printf '%s\n' "$ZOUT" | sed -n 's/^control=//p')" 1
}
test_reaped() {
    test_ran || return 1
    want_eq "zombies left in the namespace" "$(printf '%s\n' "$ZOUT" | sed -n 's/^zombies=//p')" 0
}

t zombies_payload_ran test_ran
t zombies_count_method_control test_control
t zombies_2000_orphans_reaped test_reaped
