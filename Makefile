# SPDX-License-Identifier: GPL-2.0
#
# Private memory nodes: kernel series, BPF programs, tools and tests.
# `make help` lists the targets.

ifeq ($(O),)
OUT := $(CURDIR)/build
else
OUT := $(abspath $(O))
endif

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

CLANG ?= clang-19
LLVM_STRIP ?= llvm-strip-19
CC ?= gcc
HOSTCC := gcc
NPROC := $(shell nproc)
JOBS ?= $(shell echo $$(($(NPROC) + 1)))

# Kernel: Debian's linux-source-6.12 plus kernel-patch/, built out of tree.
KSRC := $(OUT)/linux
KOUT := $(OUT)/kbuild
BZIMAGE := $(KOUT)/arch/x86/boot/bzImage
# The debug kernel of make check-debug: same tree, its own output.
KOUT_DEBUG := $(OUT)/kbuild-debug
BZIMAGE_DEBUG := $(KOUT_DEBUG)/arch/x86/boot/bzImage
VMLINUX := $(KOUT)/vmlinux
PATCHES := $(sort $(wildcard kernel-patch/*.patch))
SRC_STAMP := $(OUT)/.kernel-src.stamp
# A fixed timestamp keeps the build reproducible: ccache hits across
# clones, and pahole emits BTF in a stable order, so vmlinux.h is stable.
KMAKE := $(MAKE) -C $(KSRC) O=$(KOUT) CC="ccache gcc" \
	KBUILD_BUILD_TIMESTAMP=2000-01-01 KBUILD_BUILD_USER=np \
	KBUILD_BUILD_HOST=np $(if $(filter 1,$(V)),V=1,-s)

# libbpf and bpftool from the same tree.
LIBBPF_OUT := $(OUT)/libbpf
LIBBPF_A := $(LIBBPF_OUT)/libbpf.a
LIBBPF_INC := $(LIBBPF_OUT)/include
BPFTOOL_OUT := $(OUT)/bpftool
BPFTOOL := $(BPFTOOL_OUT)/bpftool
TOOLS_MAKE := $(MAKE) -s CLANG=$(CLANG) LLVM_STRIP=$(LLVM_STRIP) \
	EXTRA_CFLAGS=-Wno-unused-command-line-argument

# BPF programs: policies in bpf/, test-only programs in tests/bpf/.
BPF_SRCS := $(wildcard bpf/*.bpf.c tests/bpf/*.bpf.c)
BPF_OBJS := $(patsubst %.bpf.c,$(OUT)/bpf/%.bpf.o,$(notdir $(BPF_SRCS)))
BPF_SKELS := $(BPF_OBJS:.bpf.o=.skel.h)
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_x86 -Wall -Werror \
	-I$(CURDIR) -I$(CURDIR)/include -I$(LIBBPF_INC)

# User space: the loader and the test programs that run in the VM.
USER_CFLAGS := -g -O2 -Wall -Wextra -Werror -Wno-unused-parameter \
	-I$(CURDIR)/include -I$(LIBBPF_INC) -I$(OUT)/bpf -I$(OUT)/loader
TEST_PROGS := $(patsubst tests/vm/progs/%.c,$(OUT)/tests/%,\
	$(wildcard tests/vm/progs/*.c))
# The loader: npctl (and the library the tests share with it), npd and
# the modules of npd that the host unit tests build too.
NPCTL := $(OUT)/loader/npctl
NPCTL_OBJS := $(patsubst loader/%.c,$(OUT)/loader/%.o,\
	$(wildcard loader/npctl*.c))
# libnp, the library npctl, npd and the test programs share.
NPLIB_SRCS := $(wildcard loader/libnp*.c)
NPLIB_O := $(OUT)/loader/libnp.a
# bpftool's JSON writer, for npctl -j (see loader/np_json.h).
JSON_WRITER_C := $(KSRC)/tools/bpf/bpftool/json_writer.c
JSON_WRITER_O := $(OUT)/loader/json_writer.o
NPD := $(OUT)/loader/npd
NPD_MODS := npd_config npd_rules npd_metrics
# Where make install puts things (DESTDIR stages them).  The tools are
# built knowing these paths (np_paths.h), so a PREFIX given to make install
# rebuilds what depends on it.
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
NPLIBDIR ?= $(PREFIX)/lib/np
POLICYDIR ?= $(NPLIBDIR)/bpf
UNITDIR ?= $(PREFIX)/lib/systemd/system
SYSCONFDIR ?= /etc
MANDIR ?= $(PREFIX)/share/man
DOCDIR ?= $(PREFIX)/share/doc/np
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
INCLUDEDIR ?= $(PREFIX)/include
NP_PATHS := $(OUT)/loader/np_paths.h
PATHS_ENV := $(OUT)/paths.env
# The policies make install ships (tests/bpf has test programs only).
POLICY_OBJS := $(patsubst bpf/%.bpf.c,$(OUT)/bpf/%.bpf.o,$(wildcard bpf/*.bpf.c))
MAN_PAGES := $(patsubst docs/man/%,$(OUT)/man/%,$(wildcard docs/man/*.[0-9]))
NPD_UNIT := $(OUT)/systemd/npd.service
UNIT_TESTS := $(patsubst tests/unit/%.c,$(OUT)/tests/unit/%,\
	$(wildcard tests/unit/test_*.c))
# The kernel's own mm selftests that the VM runs, from the same tree.
SELFTESTS := $(addprefix $(OUT)/tests/selftests/,migration ksm_tests \
	private_nodes)
# The BPF selftest the series adds (tools/testing/selftests/bpf), alone in
# a test_progs built with check-peer's recipe.
BPF_SELFTEST := $(OUT)/tests/bpf-selftests/test_progs
KHDR := $(KOUT)/usr/include

vpath %.bpf.c bpf tests/bpf

.DELETE_ON_ERROR:
.SECONDARY:
.PHONY: all help deps kernel kernel-debug tools vmlinux-h progs check \
	check-debug check-peer vmtest demo clean distclean checkpatch \
	check-series posting \
	baseline bench unit hosttest install uninstall FORCE

all:
	$(Q)$(MAKE) --no-print-directory vmlinux-h
	$(Q)$(MAKE) --no-print-directory progs

help:
	@echo 'Targets (output in $(OUT); O=DIR moves it, V=1 shows commands):'
	@echo '  deps        install the Debian packages and virtme-ng (root);'
	@echo '              vmtest, check*, bench, baseline, demo, checkpatch'
	@echo '              and posting start with it (NODEPS=1: they do not),'
	@echo '              and only one of them goes in a make run'
	@echo '  kernel      unpack linux-source-6.12, apply kernel-patch/ with'
	@echo '              git am, configure and build bzImage (ccache)'
	@echo '  tools       build libbpf and bpftool from the same tree'
	@echo '  vmlinux-h   regenerate the top-level vmlinux.h from the kernel BTF'
	@echo '  progs       BPF objects, skeletons and test programs'
	@echo '  all         vmlinux-h and progs (default)'
	@echo '  vmtest      run the VM tests; T=name runs one'
	@echo '  unit        host unit tests of npd, libnp'"'"'s parsers and npctl'"'"'s'
	@echo '              JSON (no root or VM), built plain and with ASan+UBSan'
	@echo '  hosttest    host tests of npctl (its -j output), no VM'
	@echo '  check       everything: deps, builds, host checks, VM tests'
	@echo '  kernel-debug  the same tree with lockdep, KASAN, UBSAN, kmemleak,'
	@echo '              fault injection (kernel-patch/config-debug)'
	@echo '  check-debug every VM test and the demo on the debug kernel, leak'
	@echo '              reports of the series failing a test (about 5 hours;'
	@echo '              T=name,name runs some)'
	@echo '  check-peer  mm selftests, BPF struct_ops selftests, numactl tests'
	@echo '              and trinity, compared with the unpatched kernel'
	@echo '              (SUITES=mm,bpf runs some of mm, bpf, numactl, trinity)'
	@echo '  checkpatch  run checkpatch.pl on kernel-patch/'
	@echo '  check-series  the build matrix of the series: each patch, the'
	@echo '              tip with options off, W=1, sparse, kernel-doc (about'
	@echo '              2 hours cold; STAGES=bisect,matrix,patches,warn: some)'
	@echo '  posting     the three parts of the series with cover letters,'
	@echo '              in $(OUT)/posting'
	@echo '  baseline    the kernel selftests on the unpatched kernel (full build)'
	@echo '  bench       benchmarks in VMs (B=bpf, path, profile, cram, scale or tax: one);'
	@echo '              bpf, scale and tax run twice: wall clock, and -icount'
	@echo '              (instructions); tax builds the unpatched kernel too;'
	@echo '              path single-steps admission decisions (gdb); profile'
	@echo '              counts instructions by function (-icount only)'
	@echo '  demo        boot a VM with an emulated CRAM node run by npd (workload, swap, summary)'
	@echo '  install     npctl, npd, the policies, the unit, man pages, bash'
	@echo '              completion and the headers for building policies'
	@echo '              under PREFIX (/usr/local), staged in DESTDIR'
	@echo '  uninstall   remove what install put there'
	@echo '  clean       remove build products but keep the kernel build'
	@echo '  distclean   remove $(OUT) entirely'

# NODEPS=1 skips it, for a machine set up otherwise (not root, vng from
# pip): the targets below then trust what is installed.
deps:
	$(Q)$(if $(NODEPS),echo "  DEPS     skipped (NODEPS=1)",scripts/deps.sh)

# The entry targets build the kernel and programs they need each in a
# make of its own (as check always did), so two of them in one run could
# build the same tree at once under -j: one per run.
ENTRY_TARGETS := check check-debug check-peer check-series demo bench \
	baseline vmtest checkpatch posting
ifneq ($(word 2,$(filter $(ENTRY_TARGETS),$(MAKECMDGOALS))),)
$(error give one of $(ENTRY_TARGETS) per make run, not $(filter $(ENTRY_TARGETS),$(MAKECMDGOALS)))
endif

# --- kernel ---------------------------------------------------------------

# What identifies the base tarball (its package version), rewritten only
# when it changes, so that a new Debian release re-imports the tree.
BASE_ID := $(OUT)/.base-id
$(BASE_ID): FORCE
	$(Q)mkdir -p $(@D)
	$(Q)scripts/base.sh id >$@.tmp && \
		{ cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@; }

$(SRC_STAMP): kernel-patch/series $(PATCHES) kernel-patch/base \
		scripts/kernel-src.sh $(BASE_ID)
	$(Q)scripts/kernel-src.sh $(OUT) kernel-patch
	$(Q)touch $@

$(KOUT)/.config: $(SRC_STAMP) kernel-patch/config
	$(call msg,CONFIG,vng --kconfig + kernel-patch/config)
	$(Q)mkdir -p $(KOUT)
	$(Q)cd $(KSRC) && vng --kconfig --config $(CURDIR)/kernel-patch/config \
		O=$(KOUT) >$(OUT)/kconfig.log 2>&1 || \
		{ cat $(OUT)/kconfig.log; exit 1; }
	$(Q)scripts/check-config.sh $(KOUT)/.config kernel-patch/config

$(KOUT_DEBUG)/.config: $(SRC_STAMP) kernel-patch/config kernel-patch/config-debug
	$(call msg,CONFIG,vng --kconfig + kernel-patch/config + config-debug)
	$(Q)mkdir -p $(KOUT_DEBUG)
	$(Q)cd $(KSRC) && vng --kconfig --config $(CURDIR)/kernel-patch/config \
		--config $(CURDIR)/kernel-patch/config-debug O=$(KOUT_DEBUG) \
		>$(OUT)/kconfig-debug.log 2>&1 || \
		{ cat $(OUT)/kconfig-debug.log; exit 1; }
	$(Q)scripts/check-config.sh $@ kernel-patch/config
	$(Q)scripts/check-config.sh $@ kernel-patch/config-debug

kernel-debug: $(KOUT_DEBUG)/.config
	$(Q)scripts/base.sh report
	$(call msg,KERNEL,debug bzImage (a cold build takes about 25 minutes on 2 cores))
	$(Q)+$(MAKE) -C $(KSRC) O=$(KOUT_DEBUG) CC="ccache gcc" \
		KBUILD_BUILD_TIMESTAMP=2000-01-01 KBUILD_BUILD_USER=np \
		KBUILD_BUILD_HOST=np $(if $(filter 1,$(V)),V=1,-s) -j$(JOBS) bzImage

kernel: $(KOUT)/.config
	$(Q)scripts/base.sh report
	$(call msg,KERNEL,bzImage (a cold build takes 25-35 minutes on 2 cores))
	$(Q)+$(KMAKE) -j$(JOBS) bzImage

$(VMLINUX) $(BZIMAGE):
	$(Q)$(MAKE) --no-print-directory kernel

# --- libbpf, bpftool, vmlinux.h -------------------------------------------

$(LIBBPF_A): $(SRC_STAMP)
	$(call msg,LIB,libbpf.a)
	$(Q)mkdir -p $(LIBBPF_OUT)
	$(Q)+$(TOOLS_MAKE) -C $(KSRC)/tools/lib/bpf OUTPUT=$(LIBBPF_OUT)/ \
		BUILD_STATIC_ONLY=1 $(LIBBPF_A)
	$(Q)+$(TOOLS_MAKE) -C $(KSRC)/tools/lib/bpf OUTPUT=$(LIBBPF_OUT)/ \
		DESTDIR=$(LIBBPF_OUT) prefix= install_headers
	$(Q)touch $@

$(BPFTOOL): $(SRC_STAMP)
	$(call msg,BPFTOOL,bpftool)
	$(Q)mkdir -p $(BPFTOOL_OUT)
	$(Q)+$(TOOLS_MAKE) -C $(KSRC)/tools/bpf/bpftool \
		OUTPUT=$(BPFTOOL_OUT)/ $(BPFTOOL)
	$(Q)touch $@

tools: $(LIBBPF_A) $(BPFTOOL)

$(OUT)/vmlinux.h: $(VMLINUX) $(BPFTOOL)
	$(call msg,GEN,$@)
	$(Q)$(BPFTOOL) btf dump file $(VMLINUX) format c > $@.tmp
	$(Q)mv $@.tmp $@

# `make` refreshes the committed copy; `make check` only compares.
vmlinux-h: $(OUT)/vmlinux.h
	$(Q)cmp -s $< vmlinux.h || { cp $< vmlinux.h; \
		echo "  UPDATE   vmlinux.h (commit it)"; }

# --- BPF programs and user space ------------------------------------------

progs: $(BPF_SKELS) $(NPCTL) $(NPD) $(TEST_PROGS) $(SELFTESTS) \
	$(BPF_SELFTEST) $(NPD_UNIT) $(MAN_PAGES) $(PATHS_ENV)

$(OUT)/bpf/%.bpf.o: %.bpf.c vmlinux.h $(LIBBPF_A) | $(OUT)/bpf
	$(call msg,CLNG-BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -MMD -MP -c $< -o $@

$(OUT)/bpf/%.skel.h: $(OUT)/bpf/%.bpf.o $(BPFTOOL)
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen object $(@:.skel.h=.linked.o) $<
	$(Q)$(BPFTOOL) gen skeleton $(@:.skel.h=.linked.o) name $* > $@.tmp
	$(Q)mv $@.tmp $@

# The BPF UAPI headers of the tree, next to libbpf's: user space sees the
# same struct bpf_link_info as libbpf, not the older one of the system.
BPF_UAPI := $(LIBBPF_INC)/linux/bpf.h
$(BPF_UAPI): $(LIBBPF_A)
	$(Q)mkdir -p $(@D)
	$(Q)cp $(KSRC)/tools/include/uapi/linux/bpf.h \
		$(KSRC)/tools/include/uapi/linux/bpf_common.h \
		$(KSRC)/tools/include/uapi/linux/btf.h $(@D)/

# The install paths, rewritten only when they change.
$(NP_PATHS): FORCE | $(OUT)/loader
	$(Q){ echo '/* Generated by make from PREFIX and friends. */'; \
	  echo '#define NP_LIB_DIR "$(POLICYDIR)"'; \
	  echo '#define NPD_DEFAULT_CONF "$(SYSCONFDIR)/npd.conf"'; } >$@.tmp
	$(Q)cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

# Every install path, for install.sh; rewritten only when one changes,
# so that the unit and the man pages follow SBINDIR, DOCDIR and the rest.
$(PATHS_ENV): FORCE
	$(Q)mkdir -p $(@D)
	$(Q){ echo 'SBINDIR=$(SBINDIR)'; echo 'POLICYDIR=$(POLICYDIR)'; \
	  echo 'UNITDIR=$(UNITDIR)'; echo 'SYSCONFDIR=$(SYSCONFDIR)'; \
	  echo 'MANDIR=$(MANDIR)'; echo 'DOCDIR=$(DOCDIR)'; \
	  echo 'COMPLETIONDIR=$(COMPLETIONDIR)'; \
	  echo 'INCLUDEDIR=$(INCLUDEDIR)'; } >$@.tmp
	$(Q)cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

# The unit and the man pages name the installed paths and the version.
NP_VERSION = $(shell sed -n 's/^\#define NP_VERSION[[:space:]]*"\(.*\)"/\1/p' \
	include/np_version.h)
SUBST = sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
	-e 's|@POLICYDIR@|$(POLICYDIR)|g' -e 's|@DOCDIR@|$(DOCDIR)|g' \
	-e 's|@VERSION@|$(NP_VERSION)|g'

$(NPD_UNIT): systemd/npd.service.in $(PATHS_ENV) include/np_version.h
	$(Q)mkdir -p $(@D)
	$(Q)$(SUBST) $< >$@

$(OUT)/man/%: docs/man/% $(PATHS_ENV) include/np_version.h
	$(Q)mkdir -p $(@D)
	$(Q)$(SUBST) $< >$@

$(NPLIB_SRCS:loader/%.c=$(OUT)/loader/%.o) $(OUT)/loader/npd.o \
	$(OUT)/loader/npd_node.o $(NPCTL_OBJS): $(NP_PATHS)

$(NPLIB_O): $(NPLIB_SRCS:loader/%.c=$(OUT)/loader/%.o)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

install: $(NPCTL) $(NPD) $(POLICY_OBJS) $(NPD_UNIT) $(MAN_PAGES) $(PATHS_ENV)
	$(Q)DESTDIR="$(DESTDIR)" scripts/install.sh install $(OUT)

uninstall: $(PATHS_ENV)
	$(Q)DESTDIR="$(DESTDIR)" scripts/install.sh uninstall $(OUT)

$(OUT)/loader/%.o: loader/%.c $(LIBBPF_A) $(BPF_UAPI) | $(OUT)/loader
	$(call msg,CC,$@)
	$(Q)$(HOSTCC) $(USER_CFLAGS) -MMD -MP -c -o $@ $<

# The JSON writer alone gets the tree's tools/include (for its
# <linux/compiler.h>): for other files it would shadow system headers.
# np_json.h, which declares what npctl uses, is included first, so that a
# prototype that differs from json_writer.h's fails here.
$(JSON_WRITER_O): $(SRC_STAMP) loader/np_json.h | $(OUT)/loader
	$(call msg,CC,$@)
	$(Q)$(HOSTCC) -g -O2 -Wall -Werror -I$(KSRC)/tools/include \
		-include $(CURDIR)/loader/np_json.h -MMD -MP -c -o $@ \
		$(JSON_WRITER_C)

$(NPCTL): $(NPCTL_OBJS) $(JSON_WRITER_O) $(NPLIB_O) $(LIBBPF_A)
	$(call msg,LD,$@)
	$(Q)$(HOSTCC) -o $@ $^ -lelf -lz

$(NPD): $(OUT)/loader/npd.o $(OUT)/loader/npd_node.o \
		$(NPD_MODS:%=$(OUT)/loader/%.o) $(OUT)/loader/npd_http.o \
		$(NPLIB_O) $(LIBBPF_A)
	$(call msg,LD,$@)
	$(Q)$(HOSTCC) -o $@ $^ -lelf -lz -lsystemd -lmicrohttpd

# `make build/loader/npd` as well as the absolute path.
ifeq ($(O),)
build/loader/npctl build/loader/npd: build/loader/%: $(OUT)/loader/%
	@:
endif

$(OUT)/tests/%: tests/vm/progs/%.c $(NPLIB_O) $(LIBBPF_A) $(BPF_UAPI) \
		$(BPF_SKELS) \
		| $(OUT)/tests
	$(call msg,CC,$@)
	$(Q)$(HOSTCC) $(USER_CFLAGS) -Iloader -MMD -MP -o $@ $< $(NPLIB_O) \
		$(LIBBPF_A) -lelf -lz -lnuma

$(KHDR)/linux/mempolicy.h: $(KOUT)/.config
	$(call msg,HEADERS,$(KHDR))
	$(Q)$(KMAKE) headers

$(OUT)/tests/selftests/%: $(KSRC)/tools/testing/selftests/mm/%.c \
		$(KHDR)/linux/mempolicy.h | $(OUT)/tests/selftests
	$(call msg,SELFTEST,$@)
	$(Q)$(MAKE) -s -C $(KSRC)/tools/testing/selftests/mm \
		OUTPUT=$(@D) KHDR_INCLUDES="-isystem $(KHDR)" $@ \
		>$@.log 2>&1 || { cat $@.log; exit 1; }

$(BPF_SELFTEST): $(VMLINUX) $(LIBBPF_A) $(BPFTOOL) $(SRC_STAMP) \
		tests/peer/bpf-selftests.mk
	$(call msg,SELFTEST,$@)
	$(Q)$(MAKE) -s -f tests/peer/bpf-selftests.mk KSRC=$(KSRC) \
		KOUT=$(KOUT) LIBBPF_OUT=$(LIBBPF_OUT) BPFTOOL=$(BPFTOOL) \
		CLANG=$(CLANG) OUT=$(@D) TESTS=node_private_ops \
		>$(@D).log 2>&1 || { cat $(@D).log; exit 1; }

# Host unit tests: npd's modules on their own, with the host compiler;
# test_json with the JSON writer npctl links.
$(OUT)/tests/unit/%: tests/unit/%.c tests/unit/unit.h \
		$(NPD_MODS:%=loader/%.c) $(NPD_MODS:%=loader/%.h) \
		| $(OUT)/tests/unit
	$(call msg,CC,$@)
	$(Q)$(HOSTCC) $(USER_CFLAGS) -Iloader -o $@ $< $(NPD_MODS:%=loader/%.c)

$(OUT)/tests/unit/test_json: tests/unit/test_json.c tests/unit/unit.h \
		loader/np_json.h $(JSON_WRITER_O) | $(OUT)/tests/unit
	$(call msg,CC,$@)
	$(Q)$(HOSTCC) $(USER_CFLAGS) -Iloader -o $@ $< $(JSON_WRITER_O)

$(OUT)/tests/unit/test_libnp: tests/unit/test_libnp.c tests/unit/unit.h \
		$(NPLIB_O) $(LIBBPF_A) $(BPF_UAPI) | $(OUT)/tests/unit
	$(call msg,CC,$@)
	$(Q)$(HOSTCC) $(USER_CFLAGS) -Iloader -o $@ $< $(NPLIB_O) \
		$(LIBBPF_A) -lelf -lz

# The same unit tests built with AddressSanitizer and UBSan (the code
# under test too, libbpf aside): any report ends the program non-zero.
SAN_CFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
UNIT_SAN := $(patsubst $(OUT)/tests/unit/%,$(OUT)/tests/unit-san/%,\
	$(UNIT_TESTS))
$(OUT)/tests/unit-san/%: tests/unit/%.c tests/unit/unit.h \
		$(NPD_MODS:%=loader/%.c) $(NPD_MODS:%=loader/%.h) \
		| $(OUT)/tests/unit-san
	$(call msg,CC-SAN,$@)
	$(Q)$(HOSTCC) $(USER_CFLAGS) $(SAN_CFLAGS) -Iloader -o $@ $< \
		$(NPD_MODS:%=loader/%.c)

$(OUT)/tests/unit-san/test_json: tests/unit/test_json.c tests/unit/unit.h \
		loader/np_json.h $(SRC_STAMP) | $(OUT)/tests/unit-san
	$(call msg,CC-SAN,$@)
	$(Q)$(HOSTCC) -g -O1 -Wall -Werror $(SAN_CFLAGS) \
		-I$(KSRC)/tools/include -include $(CURDIR)/loader/np_json.h \
		-c -o $(@D)/json_writer.o $(JSON_WRITER_C)
	$(Q)$(HOSTCC) $(USER_CFLAGS) $(SAN_CFLAGS) -Iloader -o $@ $< \
		$(@D)/json_writer.o

$(OUT)/tests/unit-san/test_libnp: tests/unit/test_libnp.c tests/unit/unit.h \
		$(NPLIB_SRCS) loader/libnp.h loader/libnp_internal.h \
		$(NP_PATHS) $(LIBBPF_A) $(BPF_UAPI) | $(OUT)/tests/unit-san
	$(call msg,CC-SAN,$@)
	$(Q)$(HOSTCC) $(USER_CFLAGS) $(SAN_CFLAGS) -Iloader -o $@ $< \
		$(NPLIB_SRCS) $(LIBBPF_A) -lelf -lz

unit: $(UNIT_TESTS) $(UNIT_SAN) $(BPF_OBJS)
	$(Q)fail=0; for t in $(UNIT_TESTS) $(UNIT_SAN); do \
		$$t || fail=1; done; exit $$fail

# Host tests of the tools that need no VM: tests/host/npctl-*.sh OUT.
HOST_TESTS := $(wildcard tests/host/npctl-*.sh)
hosttest: $(NPCTL) $(BPF_OBJS)
	$(Q)fail=0; for t in $(HOST_TESTS); do \
		$$t $(OUT) || fail=1; done; exit $$fail

$(OUT)/bpf $(OUT)/loader $(OUT)/tests $(OUT)/tests/selftests \
		$(OUT)/tests/unit $(OUT)/tests/unit-san:
	$(Q)mkdir -p $@

-include $(wildcard $(OUT)/bpf/*.d $(OUT)/loader/*.d $(OUT)/tests/*.d)

# --- tests and demo -------------------------------------------------------

# Every target a fresh machine may start with installs what it needs
# first (deps, which only checks when all is there), then builds in
# order, as check does; those that run a kernel (bench, baseline, vmtest)
# bring it and the programs up to date first rather than use what an
# earlier build left.

# The kernel, then the programs built against its BTF, each brought up
# to date by a sub-make of its own (the "+": make cannot see $(MAKE) in
# a variable, and would not hand the sub-make its jobs otherwise).
define kernel_then_progs
	$(Q)+$(MAKE) --no-print-directory kernel
	$(Q)+$(MAKE) --no-print-directory progs
endef

checkpatch: deps
	$(Q)$(MAKE) --no-print-directory $(SRC_STAMP)
	$(Q)scripts/checkpatch.sh $(KSRC) kernel-patch

# bisect and warn build what the project kernel compiles of the series:
# it is built first.
check-series: deps
	$(Q)$(MAKE) --no-print-directory kernel
	$(Q)scripts/series-parts.sh --stat $(OUT)
	$(Q)scripts/check-series-builds.sh $(if $(STAGES),--stages $(STAGES)) $(OUT)

# The three parts of the series as postings, with their cover letters.
posting: deps
	$(Q)$(MAKE) --no-print-directory $(SRC_STAMP)
	$(Q)scripts/series-parts.sh --stat --out $(OUT)/posting $(OUT)

baseline: deps
	$(kernel_then_progs)
	$(Q)scripts/baseline.sh $(OUT)

# B=name runs one benchmark of tests/vm/bench/ (or tax).
BENCHES := $(if $(B),$(B),bpf path profile cram scale tax)
# Those also run under -icount, where guest time counts instructions;
# profile counts them by block, and only runs so.
ICOUNT_BENCHES := bpf profile scale tax
ICOUNT_ONLY_BENCHES := profile
BZIMAGE_BASE := $(OUT)/kbase/arch/x86/boot/bzImage
bench: deps
	$(kernel_then_progs)
	$(Q)case " $(BENCHES) " in *" tax "*) \
		scripts/baseline.sh $(OUT) --build-only ;; esac
	$(Q)fail=0; commit=$$(scripts/bench-report.sh --commit); \
	for b in $(BENCHES); do \
		for mode in wall icount; do \
		[ $$mode = wall ] || case " $(ICOUNT_BENCHES) " in \
			*" $$b "*) ;; *) continue ;; esac; \
		[ $$mode = icount ] || case " $(ICOUNT_ONLY_BENCHES) " in \
			*" $$b "*) continue ;; esac; \
		opt=; [ $$mode = icount ] && opt=--icount; \
		mkdir -p $(OUT)/bench-$$mode; \
		rm -f $(OUT)/bench-$$mode/$$b.out; \
		if [ $$b = tax ]; then \
			tests/vm/taxrun.sh --kernel $(BZIMAGE) \
				--base-kernel $(BZIMAGE_BASE) \
				--bin $(OUT)/tests --out $(OUT)/bench-$$mode/tax \
				$$opt >$(OUT)/bench-$$mode/$$b.out || fail=1; \
		else \
			tests/vm/run.sh --kernel $(BZIMAGE) --bin $(OUT)/tests \
				--out $(OUT)/bench-$$mode --bench $$b $$opt \
				>$(OUT)/bench-$$mode/$$b.out || fail=1; \
		fi; \
		cat $(OUT)/bench-$$mode/$$b.out; \
		done; \
	done; \
	BENCH_COMMIT="$$commit" BENCHES="$(BENCHES)" CLANG=$(CLANG) \
		scripts/bench-report.sh $(OUT) \
		$(if $(B),,docs/benchmarks.md) || fail=1; \
	exit $$fail

vmtest: deps
	$(kernel_then_progs)
	$(Q)tests/vm/run.sh --kernel $(BZIMAGE) --bin $(OUT)/tests \
		--out $(OUT)/vmtest $(if $(T),--only $(T))

check-debug: deps
	$(kernel_then_progs)
	$(Q)$(MAKE) --no-print-directory kernel-debug
	$(Q)tests/check-debug.sh --out $(OUT) --kernel $(BZIMAGE_DEBUG) \
		--bin $(OUT)/tests $(if $(T),--only $(T))

check-peer: deps
	$(Q)$(MAKE) --no-print-directory kernel
	$(Q)$(MAKE) --no-print-directory tools progs
	$(Q)tests/check-peer.sh --out $(OUT) $(if $(SUITES),--suites $(SUITES))

check: deps
	$(Q)$(MAKE) --no-print-directory kernel
	$(Q)$(MAKE) --no-print-directory tools $(OUT)/vmlinux.h
	$(Q)$(MAKE) --no-print-directory progs $(UNIT_TESTS) $(UNIT_SAN)
	$(Q)tests/check.sh --out $(OUT) --kernel $(BZIMAGE) --bin $(OUT)/tests

demo: deps
	$(kernel_then_progs)
	$(Q)tests/vm/run.sh --kernel $(BZIMAGE) --bin $(OUT)/tests \
		--out $(OUT)/demo --demo

clean:
	$(Q)rm -rf $(OUT)/bpf $(OUT)/tests $(OUT)/vmtest $(OUT)/demo \
		$(OUT)/vmlinux.h

distclean:
	$(Q)rm -rf $(OUT)
