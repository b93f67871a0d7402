#!/bin/bash
# Real tools (procps, bubblewrap, python3, util-linux) as nestinit's payload
# in podman, in every configuration of the engine matrix; see lib-tools.sh.
#   bash tests/engines/tools-podman.sh   (root; TOOLS_ONLY=CONF runs one configuration)
# shellcheck disable=SC2034 # read by lib-tools.sh
TOOLS_ENGINE=podman-rootful
. "$(dirname "$0")/lib-tools.sh"
