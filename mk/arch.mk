# Target architecture (included at the top of the Makefile, before BUILD is used).
#   make                 native: build/nestinit, deps in build/deps, musl-gcc
#   make ARCH=aarch64    cross: build/aarch64/nestinit, deps in build/aarch64/deps,
#                        compiled with the musl-gcc wrapper mk/musl-deps.sh makes there
HOST_ARCH := $(shell uname -m)
ARCH ?= $(HOST_ARCH)
ifneq ($(ARCH),$(HOST_ARCH))
BUILD   ?= build/$(ARCH)
CC_MUSL ?= $(DEPS)/bin/musl-gcc
endif
