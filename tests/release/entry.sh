#!/bin/bash
# ./make.sh, the README's two commands: the package list is mk/packages only;
# without root a missing package gives the one sudo apt-get line and exit 1;
# with everything installed it runs make (check: lint, then check) with the
# arguments given; .ci/run goes through it.
. "$(dirname "$0")/../lib.sh"

# sandbox PACKAGES-LINES: a copy of make.sh beside its own mk/packages, and a
# fake make on PATH that records its arguments
sandbox() {
    local d; d=$(newtmp shared)
    mkdir -p "$d/mk" "$d/bin"
    cp "$REPO/make.sh" "$d/"
    printf '%s\n' "$@" >"$d/mk/packages"
    printf '#!/bin/sh\necho "make $*" >>"%s/make.log"\n' "$d" >"$d/bin/make"
    chmod 0755 "$d/bin/make" "$d/make.sh"
    chmod 0777 "$d"
    echo "$d"
}

test_usage() {
    run sh "$REPO/make.sh" bogus && want_rc 2 || return 1
    want_match "usage" "$ERR" 'usage: ./make.sh run\|check\|build'
}

test_nonroot_missing() {
    local d; d=$(sandbox "run coreutils nestinit-no-such-package   # a comment" "check also-missing-package")
    run "${AS_NOBODY[@]}" env PATH="$d/bin:$SAFE_PATH" sh "$d/make.sh" run && want_rc 1 || return 1
    want_eq "stdout: the one sudo line" "$OUT" \
        "sudo apt-get update && sudo apt-get install -y --no-install-recommends nestinit-no-such-package" || return 1
    want_match "stderr says why" "$ERR" 'error: .*missing.*root' || return 1
    [ ! -f "$d/make.log" ] || { WHY="make ran although packages are missing"; return 1; }
    run "${AS_NOBODY[@]}" env PATH="$d/bin:$SAFE_PATH" sh "$d/make.sh" check && want_rc 1 || return 1
    want_match "check adds the check lines" "$OUT" ' also-missing-package nestinit-no-such-package$'
}

test_arch_lines() { # GOAL:ARCH lines only on that dpkg architecture
    local a; a=$(dpkg --print-architecture)
    local d; d=$(sandbox "run:$a pkg-for-this-arch" "run:no-such-arch pkg-for-other-arch")
    run "${AS_NOBODY[@]}" env PATH="$d/bin:$SAFE_PATH" sh "$d/make.sh" run && want_rc 1 || return 1
    want_match "this arch's line" "$OUT" 'pkg-for-this-arch$' || return 1
    want_no_match "other arch's line" "$OUT" 'pkg-for-other-arch'
}

test_installed_runs_make() {
    local d; d=$(sandbox "run coreutils" "check bash")
    run env PATH="$d/bin:$PATH" sh "$d/make.sh" check V=1 && want_rc 0 || return 1
    want_eq "make calls" "$(cat "$d/make.log" 2>/dev/null)" "$(printf 'make lint V=1\nmake check V=1')" || return 1
    rm -f "$d/make.log"
    run env PATH="$d/bin:$PATH" sh "$d/make.sh" run && want_rc 0 || return 1
    want_eq "make calls" "$(cat "$d/make.log" 2>/dev/null)" "make run"
}

test_build_goal_and_cross() { # build: make's default goal; ARCH=aarch64 adds the cross lines
    local d; d=$(sandbox "build coreutils" "cross:$(dpkg --print-architecture) cross-only-package" "run run-only-package")
    run env PATH="$d/bin:$PATH" sh "$d/make.sh" build && want_rc 0 || return 1
    want_eq "make calls" "$(cat "$d/make.log" 2>/dev/null)" "make " || return 1
    run "${AS_NOBODY[@]}" env PATH="$d/bin:$SAFE_PATH" sh "$d/make.sh" build ARCH=aarch64 && want_rc 1 || return 1
    want_match "cross line added" "$OUT" 'no-install-recommends cross-only-package$' || return 1
    run env PATH="$d/bin:$PATH" MAKE_SH_INSTALL_ONLY=1 sh "$d/make.sh" build && want_rc 0 || return 1
    [ "$(cat "$d/make.log" 2>/dev/null)" = "make " ] || { WHY="MAKE_SH_INSTALL_ONLY=1 ran make"; return 1; }
}

test_check_needs_searchable_folder() { # nobody must reach the tree, or check says so first
    local d; d=$(sandbox "check nestinit-no-such-package")
    mkdir -p "$d/private" && mv "$d/make.sh" "$d/mk" "$d/private/" && chmod 0700 "$d/private"
    run env PATH="$d/bin:$PATH" sh "$d/private/make.sh" check && want_rc 1 || return 1
    want_match "error" "$ERR" "error: $d/private \(mode 700\) is not searchable by other users.*fix:" || return 1
    want_no_match "before apt-get" "$OUT" 'apt-get' || return 1
    [ ! -f "$d/make.log" ] || { WHY="make ran"; return 1; }
}

test_ci_run_uses_it() {
    grep -q 'sh ./make.sh check' "$REPO/.ci/run" || { WHY=".ci/run does not call ./make.sh check"; return 1; }
    # no second package list anywhere
    local other
    other=$(grep -rl -e 'apt-get install' "$REPO/.ci" "$REPO/Makefile" "$REPO/mk" 2>/dev/null | grep -v '/mk/packages$')
    want_eq "files with their own apt-get install" "$other" ""
}

test_packages_exist() { # every name in mk/packages is a package apt knows
    command -v apt-cache >/dev/null || { WHY="no apt-cache"; return 1; }
    local p unknown=""
    for p in $(sed 's/#.*//' "$REPO/mk/packages" | awk '{ for (i = 2; i <= NF; i++) print $i }' | sort -u); do
        apt-cache show -q "$p" >/dev/null 2>&1 || unknown="$unknown $p"
    done
    want_eq "unknown to apt-cache (run apt-get update?)" "$unknown" ""
}

t entry_usage_2 test_usage
t entry_nonroot_prints_sudo_line test_nonroot_missing
t entry_arch_specific_lines test_arch_lines
t entry_installed_runs_make_lint_check test_installed_runs_make
t entry_build_goal_cross_install_only test_build_goal_and_cross
t entry_check_refuses_unsearchable_folder test_check_needs_searchable_folder
t entry_ci_run_goes_through_make_sh test_ci_run_uses_it
t entry_packages_known_to_apt test_packages_exist
