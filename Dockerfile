# nestinit: static musl build, shipped in an otherwise empty image.
#   docker build -t nestinit .
#   (a release tarball's tree, git archive, already names its commit)
#   docker buildx build --platform linux/arm64 -t nestinit:arm64 .
# The build stage runs on the target platform (emulated by buildx/qemu when it
# is not the machine's), so the binary is that platform's native build: the
# same Makefile (ARCH from uname -m) as build/nestinit or build/aarch64/nestinit.
ARG BASE=debian:bookworm-slim

FROM ${BASE} AS build
WORKDIR /src
# The packages (mk/packages, the one list) and static libcap/libseccomp first,
# in their own layers, so source edits reuse them.
COPY make.sh ./
COPY mk/packages mk/musl-deps.sh mk/
RUN MAKE_SH_INSTALL_ONLY=1 ./make.sh build && rm -rf /var/lib/apt/lists/*
RUN bash mk/musl-deps.sh build/deps
COPY . .
# No .git in the context (.dockerignore): give the commit for --version with
#   docker build --build-arg COMMIT=$(git rev-parse --short=12 HEAD) ...
ARG COMMIT=
RUN make ${COMMIT:+COMMIT=$COMMIT} && ./build/nestinit --version

FROM scratch
COPY --from=build /src/build/nestinit /nestinit
ENTRYPOINT ["/nestinit", "--"]
