#!/bin/bash
# Make install / uninstall with PREFIX and DESTDIR, and the man page generated
# from doc/nestinit.1.scd: renders without groff warnings, and covers every
# option, environment variable, /proc mode and exit status of the code.
. "$(dirname "$0")/../lib.sh"

SCD=$REPO/doc/nestinit.1.scd

need_tools() {
    local t
    for t in scdoc man make; do
        command -v "$t" >/dev/null || { WHY="$t not installed (mk/packages)"; return 1; }
    done
}

# make -C REPO ARGS...: bounded, quiet; sets RC, OUT, ERR
mk() { T_TIMEOUT=300 run make --no-print-directory -C "$REPO" "$@"; }

test_install_uninstall() {
    local d; d=$(newtmp)
    mk install DESTDIR="$d" PREFIX=/usr || true
    want_rc 0 || return 1
    local f
    for f in usr/bin/nestinit usr/share/man/man1/nestinit.1 usr/share/nestinit/nestinit.json; do
        [ -f "$d/$f" ] || { WHY="make install did not write $f; out: $OUT $ERR"; return 1; }
    done
    want_eq "binary mode" "$(stat -c %a "$d/usr/bin/nestinit")" 755 || return 1
    want_eq "man page mode" "$(stat -c %a "$d/usr/share/man/man1/nestinit.1")" 644 || return 1
    cmp -s "$d/usr/share/nestinit/nestinit.json" "$REPO/contrib/seccomp/nestinit.json" ||
        { WHY="installed profile differs from contrib/seccomp/nestinit.json"; return 1; }
    run "$d/usr/bin/nestinit" --version && want_rc 0 || return 1
    want_match "installed --version" "$OUT" '^nestinit [0-9]+\.[0-9]+\.[0-9]+' || return 1
    # the page names the profile where this PREFIX put it
    MANWIDTH=300 man -l "$d/usr/share/man/man1/nestinit.1" 2>/dev/null |
        grep -q '/usr/share/nestinit/nestinit.json' ||
        { WHY="man page does not name /usr/share/nestinit/nestinit.json"; return 1; }
    mk uninstall DESTDIR="$d" PREFIX=/usr || true
    want_rc 0 || return 1
    local left; left=$(cd "$d" && find . -type f -o -type l -o -type d -path './usr/share/nestinit')
    want_eq "files left after make uninstall" "$left" ""
}

test_default_prefix() { # PREFIX defaults to /usr/local
    local d; d=$(newtmp)
    mk install DESTDIR="$d" || true
    want_rc 0 || return 1
    [ -x "$d/usr/local/bin/nestinit" ] && [ -f "$d/usr/local/share/man/man1/nestinit.1" ] &&
        [ -f "$d/usr/local/share/nestinit/nestinit.json" ] ||
        { WHY="default PREFIX: $(cd "$d" && find . -type f | tr '\n' ' ')"; return 1; }
}

# man_warnings PAGE: groff's warnings (all of them) when man renders PAGE
man_warnings() { MANWIDTH=80 LC_ALL=C.UTF-8 man --warnings=w -l "$1" 2>&1 >/dev/null; }

test_man_renders_clean() {
    local d; d=$(newtmp)
    mk man BUILD="$d" || true
    want_rc 0 || return 1
    local w; w=$(man_warnings "$d/nestinit.1")
    want_eq "man -l warnings" "$w" "" || return 1
    run env MANWIDTH=80 man -l "$d/nestinit.1" && want_rc 0 || return 1
    want_match "rendered page" "$OUT" 'EXIT STATUS' || return 1
    # control: the same check sees a warning in a broken page
    printf '.TH X 1\n.SH NAME\n.nosuchmacro x\n' >"$d/broken.1"
    w=$(man_warnings "$d/broken.1")
    want_match "control: warning for an undefined macro" "$w" 'warning'
}

test_man_covers_options() {
    local name missing=""
    # every long option of init/options.c's table: {"name", ..., "NESTINIT_..."}
    for name in $(sed -n 's/^ *{"\([a-z-]*\)", *\(no\|required\|optional\)_argument.*/\1/p' "$REPO/init/options.c"); do
        grep -q -- "\*--$name\*" "$SCD" || missing="$missing --$name"
    done
    [ -n "$(sed -n 's/^ *{"\([a-z-]*\)", *\(no\|required\)_argument.*/\1/p' "$REPO/init/options.c")" ] ||
        { WHY="no options found in init/options.c (table format changed?)"; return 1; }
    for name in $(grep -o '"NESTINIT_[A-Z_]*"' "$REPO/init/options.c" | tr -d '"' | sort -u); do
        grep -q -- "\*$name\*" "$SCD" || missing="$missing $name"
    done
    for name in auto fresh unmasked bind none; do
        sed -n '/^# PROC MODES/,/^# ENVIRONMENT/p' "$SCD" | grep -q "^_${name}_" || missing="$missing proc:$name"
    done
    for name in 125 126 127 128; do
        sed -n '/^# EXIT STATUS/,/^# ENGINE/p' "$SCD" | grep -q "$name" || missing="$missing exit:$name"
    done
    want_eq "not in doc/nestinit.1.scd" "$missing" ""
}

if ! need_tools; then
    skip install "$WHY"
    exit 0
fi
t install_destdir_prefix_uninstall test_install_uninstall
t install_default_prefix_usr_local test_default_prefix
t man_renders_without_warnings test_man_renders_clean
t man_covers_every_option_env_mode_exit test_man_covers_options
