# nestinit: static musl build, shipped in an otherwise empty image.
ARG BASE=debian:bookworm-slim

FROM ${BASE} AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        build-essential musl-tools dpkg-dev gperf file ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Static libcap/libseccomp first, in their own layer, so source edits reuse it.
COPY mk/musl-deps.sh mk/
RUN mk/musl-deps.sh build/deps
COPY . .
RUN make

FROM scratch
COPY --from=build /src/build/nestinit /nestinit
ENTRYPOINT ["/nestinit", "--"]
