#!/bin/bash
# Real tools (procps, bubblewrap, python3, util-linux) as nestinit's payload
# in podman-rootless, in every configuration of the engine matrix; see lib-tools.sh.
#   bash tests/engines/tools-podman-rootless.sh   (root; TOOLS_ONLY=CONF runs one configuration)
# shellcheck disable=SC2034 # read by lib-tools.sh
TOOLS_ENGINE=podman-rootless
. "$(dirname "$0")/lib-tools.sh"
