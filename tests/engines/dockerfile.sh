#!/bin/bash
# The repository's Dockerfile on a dockerd of our own, without a registry:
# a local debian:bookworm-slim made by debootstrap (--variant=minbase, cached
# as build/engines/bookworm-minbase.tar, see eng_debootstrap_tar), `docker build` of the Dockerfile
# (its build stage needs the Debian mirror: --network host), the result must
# hold only /nestinit; then the README's two-stage image (COPY --from=) runs
# with Debian's own sh and util-linux unshare as the payload.
#
#   bash tests/engines/dockerfile.sh    (root; docker.io debootstrap; ~30 s
#                                        of debootstrap once, ~1 min of build)
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-engines.sh"
require_root
eng_prepare

T0=$(now_ms)
BUILT=$ENG_TAG-nestinit:latest
TWO=$ENG_TAG-twostage:latest

# ---------------------------------------------------------------- base image (cached)

make_base_tar() {
    eng_debootstrap_tar || return 1
    BASE_TAR=$ENG_DEBOOT_TAR
}

make_base_tar || { fail dockerfile_base_image "$WHY"; exit 1; }
docker_start || engine_unavailable dockerfile "cannot start dockerd: $WHY"
dk_import "$BASE_TAR" debian:bookworm-slim --change 'CMD ["bash"]' ||
    { fail dockerfile_base_image "$WHY"; exit 1; }
echo "# dockerfile: base image ready in $(($(now_ms) - T0)) ms" >&2

if [ -r "$PROFILE" ]; then
    SEC=(--security-opt "seccomp=$PROFILE")
else
    SEC=(--security-opt seccomp=unconfined)
    echo "# dockerfile: $PROFILE missing: using seccomp=unconfined" >&2
fi

# ---------------------------------------------------------------- the repository's Dockerfile

BUILD_OK=0
test_build() {
    local t0 ms d layers
    t0=$(now_ms)
    DK_IMAGES+=("$BUILT")
    run_long 900 "$DK" build --network host -t "$BUILT" "$REPO"
    ms=$(($(now_ms) - t0))
    echo "# dockerfile: docker build of the Dockerfile took $ms ms" >&2
    if [ "$RC" != 0 ]; then
        WHY="docker build exited $RC: $(printf '%s\n' "$OUT" "$ERR" | tail -n 12)"
        return 1
    fi
    # the final image: one layer holding exactly the file nestinit
    d=$ENGDIR/saved
    mkdir -p "$d"
    dk save "$BUILT" | tar -C "$d" -xf - || { WHY="docker save failed"; return 1; }
    layers=$("$PY" -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))[0]["Layers"]))' "$d/manifest.json") ||
        { WHY="cannot read the saved manifest"; return 1; }
    want_eq "number of layers" "$(wc -w <<<"$layers")" 1 || return 1
    want_eq "files in the image" "$(tar -tf "$d/$layers" | sed 's|^\./||; /^$/d' | sort | tr '\n' ' ')" "nestinit " || return 1
    tar -C "$d" -xf "$d/$layers" nestinit || { WHY="cannot extract nestinit from the layer"; return 1; }
    if LC_ALL=C readelf -l "$d/nestinit" | grep -q 'program interpreter'; then
        WHY="the image's /nestinit is not static"
        return 1
    fi
    want_eq "ENTRYPOINT" "$(dk image inspect -f '{{json .Config.Entrypoint}}' "$BUILT")" '["/nestinit","--"]' || return 1
    T_TIMEOUT=30 run "$DK" run --rm --network none --entrypoint /nestinit "$BUILT" --version
    want_rc 0 || return 1
    want_match "--version" "$OUT" '^nestinit [0-9]+\.[0-9]+\.[0-9]+' || return 1
    BUILD_OK=1
}

# ---------------------------------------------------------------- the README's two-stage image

test_two_stage_build() {
    [ "$BUILD_OK" = 1 ] || { WHY="the Dockerfile image did not build"; return 1; }
    local d=$ENGDIR/twostage
    mkdir -p "$d"
    cat >"$d/Dockerfile" <<EOF
FROM $BUILT AS nestinit
FROM debian:bookworm-slim
COPY --from=nestinit /nestinit /nestinit
ENTRYPOINT ["/nestinit", "--"]
CMD ["sh", "-c", "echo hello from \$(cat /etc/debian_version)"]
EOF
    DK_IMAGES+=("$TWO")
    T_TIMEOUT=120 run "$DK" build --network none -t "$TWO" "$d"
    [ "$RC" = 0 ] || { WHY="docker build of the two-stage image exited $RC: $(printf '%s\n' "$OUT" "$ERR" | tail -n 8)"; return 1; }
    cmp -s <(timeout 30 "$DK" run --rm --network none --entrypoint cat "$TWO" /nestinit) "$ENGDIR/saved/nestinit" ||
        { WHY="/nestinit in the two-stage image differs from the built image's"; return 1; }
}

test_two_stage_default_seccomp() {
    [ "$BUILD_OK" = 1 ] || { WHY="the Dockerfile image did not build"; return 1; }
    dk_run "$TWO"
    want_rc 125 || return 1
    want_one_stderr error 'seccomp='
}

test_two_stage_container() {
    [ "$BUILD_OK" = 1 ] || { WHY="the Dockerfile image did not build"; return 1; }
    # the default under the profile: the container's own /proc, with a warning
    dk_run "${SEC[@]}" "$TWO"
    want_rc 0 || return 1
    want_match stdout "$OUT" '^hello from 12\.' || return 1
    want_one_stderr warning 'SYS_ADMIN' 'systempaths=unconfined'
}

test_two_stage_bind() {
    [ "$BUILD_OK" = 1 ] || { WHY="the Dockerfile image did not build"; return 1; }
    dk_run "${SEC[@]}" -e NESTINIT_PROC=bind "$TWO"
    want_rc 0 || return 1
    want_match stdout "$OUT" '^hello from 12\.' || return 1
    want_one_stderr warning 'recursive bind' 'systempaths=unconfined'
}

test_two_stage_fresh_nested() {
    [ "$BUILD_OK" = 1 ] || { WHY="the Dockerfile image did not build"; return 1; }
    # Debian's dash and util-linux unshare as the payload; a nested
    # user+pid+mount namespace with its own /proc works inside
    dk_run "${SEC[@]}" --security-opt systempaths=unconfined "$TWO" sh -c \
        'echo pid=$$; echo nested=$(unshare -Umpfr --mount-proc sh -c "echo \$\$; ls /proc >/tmp/nested.ls; grep -c -E \"^[0-9]+\$\" /tmp/nested.ls" 2>&1 | tr "\n" " "); exit 6'
    want_rc 6 || return 1
    want_no_stderr || return 1
    want_kv pid 2 || return 1
    want_kv nested "1 2"
}

t dockerfile_build_holds_only_nestinit test_build
t dockerfile_two_stage_build test_two_stage_build
t dockerfile_two_stage_default_seccomp test_two_stage_default_seccomp
t dockerfile_two_stage_container_proc test_two_stage_container
t dockerfile_two_stage_bind_proc test_two_stage_bind
t dockerfile_two_stage_fresh_nested test_two_stage_fresh_nested
echo "# dockerfile: done in $(($(now_ms) - T0)) ms" >&2
