# SPDX-License-Identifier: GPL-2.0
#
# bpf-selftests.mk: a subset build of the kernel's BPF selftest runner
# test_progs, for the struct_ops tests.
#
# Why: the series registers a new BPF struct_ops type (node_private_ops).
# The kernel's own struct_ops selftests show that the existing struct_ops
# machinery (bpf_dummy_ops, tcp_congestion_ops, libbpf's struct_ops maps
# and links) still works with it. The full tools/testing/selftests/bpf
# build compiles ~800 BPF programs, several modules and helper binaries,
# and many of the programs do not compile against this kernel's reduced
# BTF (no IPv6, netfilter, net/sched). So this recipe builds test_progs
# from the tree's own sources with only the prog_tests listed in TESTS,
# the BPF programs whose skeletons those tests include, and the runner's
# helper objects. No code is copied here: this file is only a recipe.
#
# Default TESTS (subtests that cannot pass here: RUN_DENY below):
#   dummy_st_ops    in-kernel bpf_dummy_ops: load, BPF_PROG_TEST_RUN on
#                   struct_ops programs, fentry on a struct_ops program,
#                   verifier rejections (RUN_TESTS(dummy_st_ops_fail))
#   bpf_tcp_ca      BPF tcp_congestion_ops: load, verifier checks, links,
#                   link update/replace (traffic subtests need IPv6)
#   bad_struct_ops  libbpf's handling of an unused struct_ops program
#                   (subtest unused_program; the other needs bpf_testmod)
# Left out: struct_ops_autocreate, test_struct_ops_{module,maybe_null,
# multi_pages,no_cfi}, pro_epilogue (need bpf_testmod.ko or
# bpf_test_no_cfi.ko), bpf_iter_setsockopt (IPv6 only), token (needs
# CONFIG_USER_NS and BPF LSM).
#
# Nothing is written into KSRC: the generated vmlinux.h, tests.h,
# BPF objects, skeletons and objects all go to OUT. The skeletons embed
# their BPF objects, so test_progs needs no other file at run time; it
# warns that bpf_testmod.ko is missing, which the chosen tests do not use.
#
# Usage, from the project root (defaults shown):
#   nice -n 19 make -j2 -f tests/peer/bpf-selftests.mk \
#     KSRC=build/linux KOUT=build/kbuild LIBBPF_OUT=build/libbpf \
#     BPFTOOL=build/bpftool/bpftool CLANG=clang-19 OUT=build/peer-bpf
# Run as root in a guest of the kernel in KOUT; `make -f ... run-cmd`
# prints the command line:
#   cd OUT && ./test_progs -t $(TESTS, comma-separated) -d $(RUN_DENY)
# test_progs prints "#N/M test/subtest:OK|SKIP|FAIL", "#N test:OK|..." and
# "Summary: T/S PASSED, K SKIPPED, F FAILED" (T tests, S subtests); it exits
# non-zero on a failure. -J FILE writes the same results as JSON.

BUILD ?= build
KSRC ?= $(BUILD)/linux
KOUT ?= $(BUILD)/kbuild
LIBBPF_OUT ?= $(BUILD)/libbpf
BPFTOOL ?= $(BUILD)/bpftool/bpftool
CLANG ?= clang-19
OUT ?= $(BUILD)/peer-bpf
HOSTCC ?= gcc
TESTS ?= dummy_st_ops bpf_tcp_ca bad_struct_ops

override KSRC := $(abspath $(KSRC))
override KOUT := $(abspath $(KOUT))
override LIBBPF_OUT := $(abspath $(LIBBPF_OUT))
override BPFTOOL := $(abspath $(BPFTOOL))
override OUT := $(abspath $(OUT))

ST := $(KSRC)/tools/testing/selftests/bpf
TOOLS := $(KSRC)/tools
VMLINUX := $(KOUT)/vmlinux
LIBBPF_A := $(LIBBPF_OUT)/libbpf.a
OBJ := $(OUT)/obj

ifeq ($(wildcard $(ST)/test_progs.c),)
$(error KSRC=$(KSRC) has no tools/testing/selftests/bpf)
endif

# The runner's helper sources (TRUNNER_EXTRA_SOURCES of the selftests
# Makefile, less xsk.c and netlink_helpers.c, which only network tests use).
HELPERS := test_progs cgroup_helpers trace_helpers network_helpers \
	testing_helpers btf_helpers cap_helpers unpriv_helpers \
	jit_disasm_helpers test_loader disasm disasm_helpers json_writer

TEST_SRCS := $(patsubst %,$(ST)/prog_tests/%.c,$(TESTS))
# The BPF programs: every "<name>.skel.h" that the chosen tests include.
PROGS := $(sort $(shell sed -n 's/^\#include "\(.*\)\.skel\.h".*/\1/p' \
	$(TEST_SRCS)))
SKELS := $(patsubst %,$(OUT)/%.skel.h,$(PROGS))
TEST_OBJS := $(patsubst %,$(OBJ)/%.test.o,$(TESTS))
HELPER_OBJS := $(patsubst %,$(OBJ)/%.o,$(HELPERS))

# As the selftests Makefile: user space at -O0 with the tools headers;
# -I$(OUT) first so that <prog_tests/tests.h> is the generated subset list.
CFLAGS := -g -O0 -rdynamic -Wall -Werror -fno-omit-frame-pointer \
	-DHAVE_GENHDR -I$(OUT) -I$(ST) -I$(LIBBPF_OUT)/include \
	-I$(KOUT)/include/generated -I$(TOOLS)/lib -I$(TOOLS)/include \
	-I$(TOOLS)/arch/x86/include -I$(TOOLS)/include/uapi
LDLIBS := -lelf -lz -lrt -lpthread

# As CLANG_BPF_BUILD_RULE with TRUNNER_BPF_CFLAGS of test_progs.
CLANG_SYS_INCLUDES := $(shell $(CLANG) -v -E - </dev/null 2>&1 | sed -n \
	'/<...> search starts here:/,/End of search list./{ s| \(/.*\)|-idirafter \1|p }')
BPF_CFLAGS := -g -Wall -Werror -D__TARGET_ARCH_x86 -mlittle-endian \
	-I$(OUT) -I$(LIBBPF_OUT)/include -I$(ST) -I$(TOOLS)/include/uapi \
	-I$(KOUT)/usr/include -Wno-compare-distinct-pointer-types \
	$(CLANG_SYS_INCLUDES) -DENABLE_ATOMICS_TESTS

# Subtests of TESTS that cannot pass on this kernel, left out of the run:
#  bad_struct_ops/invalid_prog_reuse  needs bpf_testmod.ko
#  bpf_tcp_ca/{dctcp,cubic,dctcp_fallback,update_ca,update_wrong,
#   mixed_links,cc_cubic,dctcp_autoattach_map}  send TCP traffic over
#   AF_INET6 (::1), and the kernel has CONFIG_IPV6=n
#  bpf_tcp_ca/tcp_ca_kfunc  calls the bbr_* and dctcp_* kfuncs, and
#   TCP_CONG_BBR and TCP_CONG_DCTCP are not built
RUN_DENY ?= bad_struct_ops/invalid_prog_reuse,bpf_tcp_ca/dctcp,$\
bpf_tcp_ca/cubic,bpf_tcp_ca/dctcp_fallback,bpf_tcp_ca/update_ca,$\
bpf_tcp_ca/update_wrong,bpf_tcp_ca/mixed_links,bpf_tcp_ca/cc_cubic,$\
bpf_tcp_ca/dctcp_autoattach_map,bpf_tcp_ca/tcp_ca_kfunc
comma := ,
empty :=
space := $(empty) $(empty)

.DELETE_ON_ERROR:
.SECONDARY:
.PHONY: all clean list run-cmd

all: $(OUT)/test_progs

list:
	@echo "tests: $(TESTS)"
	@echo "progs: $(PROGS)"

run-cmd:
	@echo "cd $(OUT) && ./test_progs -t $(subst $(space),$(comma),$(TESTS)) -d $(RUN_DENY)"

$(OUT) $(OBJ) $(OUT)/prog_tests:
	mkdir -p $@

$(OUT)/vmlinux.h: $(VMLINUX) | $(OUT)
	$(BPFTOOL) btf dump file $(VMLINUX) format c > $@.tmp
	cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

# The list of tests, as the TEST-HDR rule makes it, from TESTS only.
$(OUT)/prog_tests/tests.h: $(TEST_SRCS) $(MAKEFILE_LIST) | $(OUT)/prog_tests
	{ echo '/* Generated header, do not edit */'; \
	  sed -n -E 's/^void (serial_)?test_([a-zA-Z0-9_]+)\((void)?\).*/DEFINE_TEST(\2)/p' \
		$(TEST_SRCS) | sort; } > $@

$(OUT)/%.bpf.o: $(ST)/progs/%.c $(OUT)/vmlinux.h | $(OUT)
	$(CLANG) $(BPF_CFLAGS) -O2 --target=bpf -mcpu=v3 -MMD -MP \
		-c $< -o $@

# Linked once through bpftool gen object, as the selftests do.
$(OUT)/%.skel.h: $(OUT)/%.bpf.o
	$(BPFTOOL) gen object $(OUT)/$*.linked.o $<
	$(BPFTOOL) gen skeleton $(OUT)/$*.linked.o name $* > $@.tmp
	rm -f $(OUT)/$*.linked.o
	mv $@.tmp $@

$(OBJ)/%.test.o: $(ST)/prog_tests/%.c $(SKELS) | $(OBJ)
	$(HOSTCC) $(CFLAGS) -MMD -MP -c $< -o $@

$(OBJ)/%.o: $(ST)/%.c $(OUT)/prog_tests/tests.h | $(OBJ)
	$(HOSTCC) $(CFLAGS) -MMD -MP -c $< -o $@

$(OUT)/test_progs: $(TEST_OBJS) $(HELPER_OBJS) $(LIBBPF_A)
	$(HOSTCC) $(CFLAGS) $^ $(LDLIBS) -o $@

clean:
	rm -rf $(OUT)

-include $(wildcard $(OBJ)/*.d $(OUT)/*.bpf.d)
