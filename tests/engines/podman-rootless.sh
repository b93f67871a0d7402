#!/bin/bash
# The Podman engine tests (podman.sh), rootless: podman runs as the test user
# (nestinit-test, created with /etc/subuid and /etc/subgid ranges if missing).
#   bash tests/engines/podman-rootless.sh   (as root)
# shellcheck disable=SC2034 # read by podman.sh
PODMAN_MODE=rootless
. "$(dirname "$0")/podman.sh"
