# Release: --version's build facts, reproducible flags, the man page,
# make install/uninstall and make dist (included at the end of the Makefile).

VERSION := $(shell sed -n 's/^\#define NESTINIT_VERSION "\(.*\)"/\1/p' init/version.h)
COMMIT  ?= $(shell sh mk/commit.sh)
# Recursive: read once the deps are built (mk/musl-deps.sh writes the file).
LIBCAP_VERSION ?= $(shell cat $(DEPS)/libcap.version 2>/dev/null || echo unknown)

# Reproducible: no build folder in the objects, no __DATE__/__TIME__ (-Wdate-time
# with -Werror), dates from the commit for any tool that asks (gcc, tar, gzip).
SOURCE_DATE_EPOCH ?= $(shell sh mk/commit.sh epoch)
export SOURCE_DATE_EPOCH
# No unwind tables (C, no exceptions; aarch64 makes them by default).
CFLAGS_REL += -ffile-prefix-map=$(CURDIR)=. -Wdate-time -fno-unwind-tables
# No RELRO: musl applies none to a static, non-PIE binary (only its dynamic
# loader mprotects PT_GNU_RELRO), and the page its end is padded to costs up
# to 4 kB on x86_64, more on aarch64 (ld aligns segments to 64 KiB pages
# there, as kernels with 64 KiB pages exist).
LDFLAGS_REL += -Wl,-z,norelro
# aarch64: the tiny code model (one ADR instead of ADRP+ADD per address;
# mk/musl-deps.sh builds the deps with it too) suits a binary under 1 MiB:
# about 5 kB less.
ifeq ($(ARCH),aarch64)
CFLAGS_REL  += -mcmodel=tiny
endif

VERSION_DEFS = -DNESTINIT_COMMIT='"$(COMMIT)"' -DNESTINIT_LIBCAP_VERSION='"$(LIBCAP_VERSION)"'
$(BUILD)/obj/init/version.o: CFLAGS_REL += $(VERSION_DEFS)
$(BUILD)/obj/init/version.o: $(BUILD)/version.defs
# Rewritten only when the commit or libcap changes, so version.o follows them.
$(BUILD)/version.defs: FORCE $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo '$(VERSION_DEFS)' | cmp -s - $@ || echo '$(VERSION_DEFS)' >$@

# ------------------------------------------------------------------ man page
$(BUILD)/nestinit.1: doc/nestinit.1.scd FORCE
	@mkdir -p $(@D)
	@sed 's|PREFIX/share/nestinit|$(DATADIR)|g' doc/nestinit.1.scd | scdoc >$@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || { mv $@.tmp $@; echo "  SCDOC   $@"; }

man: $(BUILD)/nestinit.1

# ------------------------------------------------------------------ install
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/nestinit

install: $(BUILD)/nestinit $(BUILD)/nestinit.1
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(DATADIR)
	install -m 0755 $(BUILD)/nestinit $(DESTDIR)$(BINDIR)/nestinit
	install -m 0644 $(BUILD)/nestinit.1 $(DESTDIR)$(MANDIR)/man1/nestinit.1
	install -m 0644 contrib/seccomp/nestinit.json $(DESTDIR)$(DATADIR)/nestinit.json

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/nestinit $(DESTDIR)$(MANDIR)/man1/nestinit.1 \
	    $(DESTDIR)$(DATADIR)/nestinit.json
	-rmdir $(DESTDIR)$(DATADIR) 2>/dev/null

# ------------------------------------------------------------------ dist
# Built from the source tarball itself (git archive of HEAD), so a release
# binary is what anyone gets from that tarball; deps are reused from here.
DIST        ?= $(BUILD)/dist
# x86_64 machines also cross-build aarch64 (mk/musl-deps.sh knows that cross only)
DIST_ARCHES ?= $(HOST_ARCH) $(if $(filter x86_64,$(HOST_ARCH)),aarch64)
DIST_NAME    = nestinit-$(VERSION)

dist:
	@test -z "$$(git status --porcelain --untracked-files=no)" || \
	    echo "dist: warning: uncommitted changes are not in the release (it is built from HEAD)" >&2
	rm -rf $(DIST) && mkdir -p $(DIST)/src
	git archive --format=tar.gz --prefix=$(DIST_NAME)/ -o $(DIST)/$(DIST_NAME).tar.gz HEAD
	tar -xzf $(DIST)/$(DIST_NAME).tar.gz -C $(DIST)/src
	@set -e; for a in $(DIST_ARCHES); do \
	    if [ $$a = $(HOST_ARCH) ]; then b=build; else b=build/$$a; fi; \
	    $(MAKE) --no-print-directory -C $(DIST)/src/$(DIST_NAME) ARCH=$$a \
	        DEPS=$(CURDIR)/$$b/deps SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH); \
	    cp $(DIST)/src/$(DIST_NAME)/$$b/nestinit $(DIST)/$(DIST_NAME)-$$a; \
	done
	rm -rf $(DIST)/src
	cd $(DIST) && sha256sum $(DIST_NAME).tar.gz $(foreach a,$(DIST_ARCHES),$(DIST_NAME)-$(a)) >SHA256SUMS
	@cat $(DIST)/SHA256SUMS

.PHONY: FORCE man install uninstall dist
FORCE:

# make print-VAR: a variable's value, for tests (tests/release/aarch64.sh)
print-%:
	@echo $($*)
