# SPDX-License-Identifier: GPL-2.0
#
# kradar top-level build.
#
#   make            module (kmod/kradar_probe.ko), host tools (build/) and
#                   the BPF backend (build/guest/kradar-agent, agent/)
#   make check      every test suite, also the host unit tests built with
#                   ASan+UBSan; ends with "N passed, N failed, N skipped"
#   make demo       boot a guest, reproduce the taprio timer storm, show evidence
#   make deps       install the Debian packages the above need (as root)
#   make fuzz       run the libFuzzer targets for a bounded time (FUZZ_SECONDS)
#   make bench      run the benchmarks and print their table (BENCHMARKS.md)
#   make stress     only the module stress suite: 125 probe load/unload
#                   cycles and the port tests in guests (also in check)
#   make check-kernels  the guest suites on every kernel of the matrix
#                   (Documentation/kernels.rst), the debug kernel included;
#                   make check runs test_guest on CHECK_KERNELS (6.12
#                   7.2) besides the default 6.1
#   make man        manual pages from Documentation/man/*.rst into build/man
#   make install    the commands, their man pages and bash completion under
#                   DESTDIR + PREFIX (default /usr/local); Documentation/cli.rst
#
# KDIR: kernel build tree for the module. Default: the running kernel's
# build dir when it exists, else the newest /lib/modules/*/build.

KDIR ?= $(shell tools/kradar-kdir)
BUILD ?= $(CURDIR)/build
CC ?= cc
export KDIR BUILD CC

# Host-side C, each directory with its own Makefile (targets: all, clean)
# writing binaries to $(BUILD)/ and unit tests to $(BUILD)/tests/test_*.
SUBDIRS := host/lib host/kradar host/collect host/rundir host/console host/run host/report \
	host/compare host/vcpus tools/config tools/lore agent \
	selftests/guest selftests/e2e selftests/fuzz selftests/faults

.PHONY: all module host san check check-host check-kernels demo deps fuzz bench stress clean \
	man install $(SUBDIRS)

all: module host

module:
	@test -n "$(KDIR)" -a -d "$(KDIR)" || { \
		echo "kradar: no kernel build tree (KDIR='$(KDIR)'); run 'make deps' or pass KDIR=" >&2; exit 2; }
	$(MAKE) -C "$(KDIR)" M=$(CURDIR)/kmod modules

host: $(SUBDIRS)

# libkradar first: every other directory links it. The parsers' and the
# run model's libraries (mk/host.mk) before the directories that link
# them: host/console (parser) and host/run (model) before host/report.
$(filter-out host/lib,$(SUBDIRS)): host/lib
host/run: host/console host/rundir
host/report: host/run host/console host/rundir
host/compare: host/console host/rundir
selftests/faults: host/collect
selftests/fuzz: host/collect host/console host/rundir tools/lore

$(SUBDIRS):
	@if [ -f $@/Makefile ]; then $(MAKE) -C $@; fi

deps:
	tools/kradar-deps

# Sanitizer lane: the host tools and their unit tests built again with
# ASan+UBSan in $(BUILD)/san; selftests/run-all runs those tests too.
HOST_SUBDIRS := host/lib host/kradar host/collect host/rundir host/console host/run host/report \
	host/compare host/vcpus tools/config tools/lore \
	selftests/fuzz selftests/faults

san:
	for d in $(HOST_SUBDIRS); do [ -f $$d/Makefile ] || continue; \
		$(MAKE) -C $$d SAN=1 BUILD=$(BUILD)/san || exit 1; done

# Long fuzzing runs (the corpora are replayed by make check).
fuzz: deps
	$(MAKE) -C selftests/fuzz fuzz

bench: all
	$(MAKE) -C bench all bench

# The kernels make check smokes besides the default one (test_guest on
# each), and the whole matrix of make check-kernels. On 7.2 the taprio
# storm can wedge both vCPUs of the 2-CPU guest on a loaded host
# (Documentation/kernels.rst, "Results"); the suite then skips the gap
# checks, naming the console's soft-lockup line.
CHECK_KERNELS ?= 6.12 7.2
# and the suites run on each of them. make check runs every suite on the
# default 6.1, the BPF backend's (Documentation/bpf.rst) included; the
# matrix runs it on every kernel. CI's 60 minutes leave no room for more.
CHECK_SUITES ?= test_guest
MATRIX_KERNELS ?= 6.1 6.1-rt 6.12 6.12-rt 7.2 7.2-rt debug
MATRIX_SUITES ?= test_guest test_guest_vhost test_guest_panic test_guest_bpf \
	test_guest_lockup

check: deps all san
	KRADAR_MATRIX_SUITES="$(CHECK_SUITES)" selftests/run-all --kernels "$(CHECK_KERNELS)"

check-kernels: deps all
	KRADAR_MATRIX_SUITES="$(MATRIX_SUITES)" selftests/run-all --matrix-only \
		--kernels "$(MATRIX_KERNELS)"

# The module stress suite alone (Documentation/robustness.rst).
stress: deps all
	$(BUILD)/tests/test_guest_stress

check-host: host
	selftests/run-all --host-only

# The demo succeeds when the storm is found (kradar-run exits 1: finding).
# It ends with kradar-report's text report of the run and where the
# email text, the Perfetto trace and the picture are.
demo: deps all
	@tools/kradar-run --scenario taprio-storm --timeout 60 --out runs/demo; \
	rc=$$?; [ $$rc -eq 1 ] || { \
		echo "demo: expected kradar to report the storm (exit 1), got exit $$rc" >&2; exit 1; }; \
	echo; $(BUILD)/kradar-report runs/demo; rc=$$?; [ $$rc -le 1 ] || { \
		echo "demo: kradar-report failed (exit $$rc)" >&2; exit 1; }; \
	echo; echo "demo: email text (paste under a lore reply): runs/demo/report-email.txt"; \
	echo "demo: Perfetto trace (open in https://ui.perfetto.dev): runs/demo/trace.perfetto.json"; \
	echo "demo: picture of the run: runs/demo/timeline.svg; all of it as JSON: runs/demo/report.json"

# Manual pages: each Documentation/man/NAME.rst includes its command's
# section of Documentation/ and becomes $(BUILD)/man/NAME.1 (rst2man, from
# python3-docutils), the version filled in.
RST2MAN ?= rst2man
MAN_SRCS := $(wildcard Documentation/man/*.rst)
MAN_PAGES := $(MAN_SRCS:Documentation/man/%.rst=$(BUILD)/man/%.1)
KRADAR_VERSION = $(shell git describe --always --dirty 2>/dev/null || echo unknown)

man: $(MAN_PAGES)

# (version.h changes with the describe string: the pages follow it)
$(BUILD)/man/%.1: Documentation/man/%.rst Documentation/*.rst $(wildcard $(BUILD)/obj/lib/version.h)
	@command -v $(RST2MAN) >/dev/null || { \
		echo "kradar: no $(RST2MAN): apt-get install python3-docutils (or 'make deps')" >&2; exit 2; }
	@mkdir -p $(@D)
	$(RST2MAN) --halt=warning $< >$@.tmp
	sed 's/@VERSION@/$(KRADAR_VERSION)/' $@.tmp >$@ && rm -f $@.tmp

# make install PREFIX=/usr/local DESTDIR=: the C commands into bin/; the
# shell tools with what they read at run time (scenarios, config
# fragments, the probe's source) into share/kradar/, linked from bin/ (they
# find their tree through the link); man pages; bash completion.
PREFIX ?= /usr/local
bindir := $(PREFIX)/bin
datadir := $(PREFIX)/share/kradar
man1dir := $(PREFIX)/share/man/man1
bashcompdir := $(PREFIX)/share/bash-completion/completions
C_CMDS := kradar kradar-collect kradar-report kradar-compare kradar-vcpus kradar-lore \
	kradar-config-check
SH_CMDS := kradar-run kradar-kernel kradar-build-kernel kradar-qemu kradar-validate-taprio \
	kradar-apt kradar-kdir kradar-deps

# the commands only: not the guest modules and test helpers of make host
INSTALL_SUBDIRS := host/lib host/kradar host/collect host/rundir host/console host/run \
	host/report host/compare host/vcpus \
	tools/config tools/lore

install: $(INSTALL_SUBDIRS) man
	install -d $(DESTDIR)$(bindir) $(DESTDIR)$(man1dir) $(DESTDIR)$(bashcompdir) \
		$(DESTDIR)$(datadir)/tools/scenarios $(DESTDIR)$(datadir)/configs \
		$(DESTDIR)$(datadir)/kmod/compat $(DESTDIR)$(datadir)/include \
		$(DESTDIR)$(datadir)/patches/taprio
	install -m 0755 $(C_CMDS:%=$(BUILD)/%) $(DESTDIR)$(bindir)/
	install -m 0755 $(SH_CMDS:%=tools/%) $(DESTDIR)$(datadir)/tools/
	install -m 0644 tools/cli.sh $(DESTDIR)$(datadir)/tools/
	install -m 0755 tools/scenarios/* $(DESTDIR)$(datadir)/tools/scenarios/
	install -m 0644 configs/* $(DESTDIR)$(datadir)/configs/
	install -m 0644 $(filter-out %.mod.c,$(wildcard kmod/*.c)) kmod/*.h kmod/Kbuild $(DESTDIR)$(datadir)/kmod/
	install -m 0644 kmod/compat/*.h $(DESTDIR)$(datadir)/kmod/compat/
	install -m 0644 include/*.h $(DESTDIR)$(datadir)/include/
	install -m 0644 patches/taprio/* $(DESTDIR)$(datadir)/patches/taprio/
	echo '$(KRADAR_VERSION)' >$(DESTDIR)$(datadir)/VERSION
	for t in $(SH_CMDS); do \
		ln -sfr $(DESTDIR)$(datadir)/tools/$$t $(DESTDIR)$(bindir)/$$t || exit 1; done
	install -m 0644 $(MAN_PAGES) $(DESTDIR)$(man1dir)/
	install -m 0644 tools/kradar-completion.bash $(DESTDIR)$(bashcompdir)/kradar
	for t in $(filter-out kradar,$(C_CMDS)) $(SH_CMDS); do \
		ln -sf kradar $(DESTDIR)$(bashcompdir)/$$t || exit 1; done

clean:
	-$(MAKE) -C "$(KDIR)" M=$(CURDIR)/kmod clean 2>/dev/null
	for d in $(SUBDIRS); do [ -f $$d/Makefile ] && $(MAKE) -C $$d clean; done; true
	rm -rf $(BUILD)
