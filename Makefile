# nestinit: static musl build, unit tests (also under ASan/UBSan), host tests.
#
#   make          build/nestinit (static, stripped; builds libcap+libseccomp for musl once)
#   make run      demo: the main job on this machine
#   make check    every test (what CI runs)
#   make lint     cppcheck + clang-tidy
#   make fuzz     libFuzzer over option, environment, mountinfo, id map and signal parsing
#   make helpers  the tests' static helpers (build/helpers/), make probes the engine
#                 tests' probes (build/probes/), make bench-programs build/bench/
#   make bench    startup, signal latency, reaping, idle cost and size beside tini, dumb-init, ...
#   make install  binary, man page nestinit(1), seccomp profile (PREFIX=/usr/local, DESTDIR)
#   make dist     reproducible release: binaries per architecture, source tarball, SHA256SUMS
#   make ARCH=aarch64   cross-build build/aarch64/nestinit (mk/arch.mk)
#
# Other distributions: point the build at your own static musl libraries, e.g.
#   make DEPS_INCLUDE="-I/usr/include" DEPS_LIBS="/usr/lib/libcap.a /usr/lib/libseccomp.a"
# (Alpine: apk add libcap-static libseccomp-static linux-headers).

# ---- release (mk/arch.mk: ARCH, BUILD and CC_MUSL for cross builds) ----
include mk/arch.mk
# ---- end release ----
CC_MUSL ?= musl-gcc
CC      ?= cc
BUILD   ?= build
DEPS    ?= $(BUILD)/deps

DEPS_INCLUDE ?= -I$(DEPS)/include -I$(DEPS)/kinclude
DEPS_LIBS    ?= $(DEPS)/lib/libcap.a $(DEPS)/lib/libseccomp.a
DEPS_STAMP   ?= $(if $(filter $(DEPS)/%,$(DEPS_LIBS)),$(DEPS)/.stamp)

WARN    = -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes
CFLAGS_COMMON = -std=c11 -D_GNU_SOURCE -I. $(WARN)
# -Oz: the binary's size target (200 KiB) matters more than a few cycles here;
# startup and signal latency are dominated by system calls (bench/).
# -z noseparate-code keeps code and read-only data in one mapping, which the
# idle loop's page shedding relies on (reaper/idle.h: the first image byte up to
# the writable segment is one range).
CFLAGS_REL = $(CFLAGS_COMMON) -Oz -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables \
             -fno-stack-protector -fno-ident
LDFLAGS_REL = -static -Wl,--gc-sections -Wl,--build-id=none -Wl,-z,noseparate-code -s

SRCS := $(wildcard base/*.c init/*.c setup/*.c reaper/*.c)
HDRS := $(wildcard base/*.h init/*.h setup/*.h reaper/*.h)
OBJS := $(SRCS:%.c=$(BUILD)/obj/%.o)

# Pure parts, tested without libcap/libseccomp under the host compiler.
UNIT_SRCS := init/options.c base/error.c base/log.c base/signames.c setup/mountinfo.c setup/idmap_parse.c
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

# libFuzzer (clang) over the parsers; FUZZ_SECONDS each, new inputs kept in build/fuzz/.
FUZZ_SECONDS ?= 60
FUZZERS := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))

.PHONY: all deps run check unit lint bench fuzz helpers probes bench-programs clean distclean
all: $(BUILD)/nestinit

deps: $(DEPS_STAMP)

$(DEPS)/.stamp: mk/musl-deps.sh
	bash mk/musl-deps.sh $(DEPS) $(ARCH)

# Each object depends on the headers it includes (-MMD writes them to .d files).
$(BUILD)/obj/%.o: %.c Makefile | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC_MUSL) $(CFLAGS_REL) -MMD -MP $(DEPS_INCLUDE) -c $< -o $@

-include $(OBJS:.o=.d)

$(BUILD)/nestinit: $(OBJS) $(DEPS_STAMP)
	@echo "  LD      $@"
	@$(CC_MUSL) $(LDFLAGS_REL) -o $@ $(OBJS) $(DEPS_LIBS)
	@file $@ | grep -q 'statically linked' || { echo "$@ is not static" >&2; exit 1; }
	@echo "built $@: $$(stat -c %s $@) bytes, static"

$(BUILD)/tests/%: tests/unit/%.c $(UNIT_SRCS) tests/unit/unit.h $(HDRS)
	@mkdir -p $(dir $@)
	@echo "  CC      $@ (ASan/UBSan)"
	@$(CC) $(CFLAGS_COMMON) -g -O1 $(SAN) -Wno-missing-prototypes -o $@ $< $(UNIT_SRCS)

unit: $(UNIT_TESTS)

run: $(BUILD)/nestinit
	@bash mk/demo.sh $(BUILD)/nestinit

check: $(BUILD)/nestinit $(UNIT_TESTS) $(FUZZERS) helpers probes
	BUILD=$(BUILD) bash tests/run.sh

$(BUILD)/fuzz/%: tests/fuzz/%.c tests/fuzz/oracle.h $(UNIT_SRCS) $(HDRS)
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	@clang $(CFLAGS_COMMON) -g -O1 -fsanitize=fuzzer,address,undefined -o $@ $< $(UNIT_SRCS)

# mk/fuzz.sh is the one fuzz loop (tests/run.sh runs it too, for 10 s each).
fuzz: $(FUZZERS)
	@bash mk/fuzz.sh $(FUZZ_SECONDS) $(FUZZERS)

bench: $(BUILD)/nestinit bench-programs
	BUILD=$(BUILD) bash bench/run.sh

lint: $(DEPS_STAMP)
	sh mk/check-layers.sh
	sh mk/long-functions.sh base/*.c init/*.c setup/*.c reaper/*.c
	sh mk/no-float-format.sh
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability --inline-suppr \
	    --std=c11 -I. --suppress=missingIncludeSystem base init setup reaper tests/unit tests/helpers tests/probes bench
	clang-tidy --quiet $(SRCS) -- $(CFLAGS_COMMON) $(DEPS_INCLUDE)

clean:
	rm -rf $(BUILD)/obj $(BUILD)/tests $(BUILD)/nestinit $(BUILD)/helpers $(BUILD)/probes $(BUILD)/bench

distclean:
	rm -rf $(BUILD)

# ---- test helpers, engine probes, bench programs: small static musl programs ---------
# One flag set per kind, header dependencies from -MMD (NAME.d beside NAME):
#   helpers  tests/helpers/NAME.c -> $(BUILD)/helpers/NAME (tests/lib.sh build_helper
#            runs `make build/helpers/NAME`; bench/ uses orphans too)
#   probes   tests/probes/*.c and tests/helpers/h_sysprobe.c -> $(PROBES_DIR)/NAME,
#            stripped: they go into the engine tests' images (tests/engines/build-probes.sh)
#   bench    bench/NAME.c -> $(BUILD)/bench/NAME (bench/run.sh)
AUX_CFLAGS    = -std=c11 -static -Wall -Wextra -Werror
HELPER_CFLAGS = $(AUX_CFLAGS) -O2
PROBE_CFLAGS  = $(AUX_CFLAGS) -Os -s
BENCH_CFLAGS  = $(AUX_CFLAGS) -Os -s
PROBES_DIR   ?= $(BUILD)/probes

HELPER_BINS := $(patsubst tests/helpers/%.c,$(BUILD)/helpers/%,$(wildcard tests/helpers/*.c))
PROBE_BINS  := $(patsubst tests/probes/%.c,$(PROBES_DIR)/%,$(wildcard tests/probes/*.c)) $(PROBES_DIR)/h_sysprobe
BENCH_BINS  := $(patsubst bench/%.c,$(BUILD)/bench/%,$(wildcard bench/*.c))

# aux_cc FLAGS: one program from its one source; a missing compiler is one clear line
define aux_cc
	@command -v $(CC_MUSL) >/dev/null || { echo "$(CC_MUSL) not found: ./make.sh build installs it (musl-tools, mk/packages)" >&2; exit 1; }
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC_MUSL) $(1) -MMD -MP -MT $@ -MF $@.d -o $@ $<
endef

$(HELPER_BINS): $(BUILD)/helpers/%: tests/helpers/%.c Makefile
	$(call aux_cc,$(HELPER_CFLAGS))
$(filter-out %/h_sysprobe,$(PROBE_BINS)): $(PROBES_DIR)/%: tests/probes/%.c Makefile
	$(call aux_cc,$(PROBE_CFLAGS))
$(PROBES_DIR)/h_sysprobe: tests/helpers/h_sysprobe.c Makefile
	$(call aux_cc,$(PROBE_CFLAGS))
$(BENCH_BINS): $(BUILD)/bench/%: bench/%.c Makefile
	$(call aux_cc,$(BENCH_CFLAGS))

-include $(HELPER_BINS:=.d) $(PROBE_BINS:=.d) $(BENCH_BINS:=.d)

helpers: $(HELPER_BINS)
probes: $(PROBE_BINS)
bench-programs: $(BENCH_BINS) $(BUILD)/helpers/orphans
# ---- end of the helpers, probes and bench programs -------------------------------------

# ---- musl builds of the unit tests and fuzz harnesses --------------------------------
# nestinit ships on musl, whose getopt differs from glibc's: the option unit tests and
# every fuzz harness (with its oracle, replaying tests/fuzz/corpus/NAME and the inputs
# `make fuzz` kept) also run on a static musl build. musl has no ASan, so UBSan traps.
# tests/run.sh runs whatever is in build/tests/.
MUSL_SAN := -fsanitize=undefined -fsanitize-undefined-trap-on-error
MUSL_UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%-musl,$(wildcard tests/unit/test_*.c))
MUSL_REPLAYS := $(patsubst tests/fuzz/fuzz_%.c,$(BUILD)/tests/fuzz_%-musl,$(wildcard tests/fuzz/fuzz_*.c))

.PHONY: musl-tests
musl-tests: $(MUSL_UNIT_TESTS) $(MUSL_REPLAYS)

$(BUILD)/tests/%-musl: tests/unit/%.c $(UNIT_SRCS) tests/unit/unit.h $(HDRS) | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $@ (musl, UBSan traps)"
	@$(CC_MUSL) -static $(CFLAGS_COMMON) $(DEPS_INCLUDE) -g -O1 $(MUSL_SAN) -Wno-missing-prototypes -o $@ $< $(UNIT_SRCS)

$(BUILD)/tests/fuzz_%-musl: tests/fuzz/fuzz_%.c tests/fuzz/oracle.h tests/fuzz/replay.c $(UNIT_SRCS) $(HDRS) | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $@ (musl corpus replay, UBSan traps)"
	@$(CC_MUSL) -static $(CFLAGS_COMMON) $(DEPS_INCLUDE) -g -O1 $(MUSL_SAN) -DREPLAY_NAME='"$*"' \
	    -DREPLAY_CORPUS='"tests/fuzz/corpus/$*"' -o $@ $< tests/fuzz/replay.c $(UNIT_SRCS)

unit: $(MUSL_UNIT_TESTS)
check: musl-tests
# ---- end of the musl test builds ------------------------------------------------------

# ---- release (mk/release.mk: --version facts, reproducible flags, man page,
# install/uninstall, dist) ----
include mk/release.mk
# ---- end release ----
