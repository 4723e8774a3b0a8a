#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vmlinux-h.sh OUT
#
# The vmlinux.h check of make check, in TAP form: first the real check of
# the committed vmlinux.h against the BTF of the built kernel (OUT/kbuild),
# then the checker's own tests, which prove that it fails on what it exists
# to catch and only notes drift it cannot control:
#   - a member added to struct node_private_ops fails;
#   - a changed value of an enumerator the series adds (N_MEMORY_PRIVATE)
#     fails;
#   - a type of the series missing from vmlinux.h fails;
#   - a changed type the series does not touch passes, with a notice;
#   - a BPF object whose kfunc prototype differs from the kernel's fails.
set -u
out=$(readlink -f "$1")
top=$(dirname "$(dirname "$(dirname "$(readlink -f "$0")")")")
cd "$top" || exit 2
bpftool=$out/bpftool/bpftool
vmlinux=$out/kbuild/vmlinux
built=$out/vmlinux.h
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0

# Objects whose kfunc references are checked: the policies, and the test
# policy the VM tests load (the other test objects are meant to be refused).
objs=$(ls "$out"/bpf/*.bpf.o | while read -r o; do
	b=$(basename "$o" .bpf.o)
	if [ -f "bpf/$b.bpf.c" ] || [ "$b" = np_testpol ]; then echo "$o"; fi
done)

# Every kfunc include/np.bpf.h declares, called from one object, so that
# the prototypes a vendor's policy would get are checked too, not only the
# ones our policies happen to call.
gen_all_kfuncs() {
	echo '#include "np.bpf.h"'
	echo 'char _license[] SEC("license") = "GPL";'
	echo 'SEC("struct_ops/x") int x(void *ctx) { long r = 0;'
	sed -n 's/^extern .*[ *]\([a-z_0-9]*\)(\(.*\)) __ksym;$/\1 \2/p' \
		include/np.bpf.h | while read -r fn args; do
		if [ "$args" = void ]; then
			echo "r += $fn();"
		else
			zeros=$(echo "$args" | tr -cd , | sed 's/,/, 0/g')
			echo "r += $fn(0$zeros);"
		fi
	done
	echo 'return r; }'
}
gen_all_kfuncs >"$tmp/allkf.bpf.c"
if clang-19 -g -O2 -target bpf -D__TARGET_ARCH_x86 -I"$top" -I"$top/include" \
	-I"$out/libbpf/include" -c "$tmp/allkf.bpf.c" -o "$tmp/np_bpf_h.bpf.o" \
	>"$tmp/log" 2>&1; then
	objs="$objs $tmp/np_bpf_h.bpf.o"
else
	n=$((n + 1)) failed=$((failed + 1))
	echo "not ok $n - include/np.bpf.h: every kfunc it declares compiles"
	sed 's/^/    # /' "$tmp/log"
fi

chk() {
	# shellcheck disable=SC2086
	scripts/vmlinux-h.py check --committed "$1" --built "$built" \
		--patches kernel-patch --vmlinux "$vmlinux" --bpftool "$bpftool" \
		--objs ${2:-$objs}
}

# tap STATUS DESCRIPTION [always]: a TAP line, and the checker's output
# when the test failed (or always).
tap() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
	if [ "$1" != 0 ] || [ -n "${3:-}" ]; then
		sed 's/^/    # /' "$tmp/log"
	fi
}

chk vmlinux.h >"$tmp/log" 2>&1
tap $? "vmlinux.h: the series' types and kfuncs match the built kernel" \
	always

# expect RC PATTERN DESCRIPTION: the last check exited RC and said PATTERN.
expect() {
	local rc=$? st=0
	[ "$rc" = "$1" ] || st=1
	grep -q -- "$2" "$tmp/log" || st=1
	[ $st = 0 ] || echo "(exit $rc, wanted $1 and '$2')" >>"$tmp/log"
	tap $st "vmlinux.h checker: $3"
}

cp "$built" "$tmp/h"
sed -i '/^struct node_private_ops {/a\	int np_test_extra;' "$tmp/h"
chk "$tmp/h" >"$tmp/log" 2>&1
expect 1 "FAIL: struct node_private_ops differs" \
	"an edited struct node_private_ops fails"

cp "$built" "$tmp/h"
sed -i 's/^\tN_MEMORY_PRIVATE = \([0-9]*\),/\tN_MEMORY_PRIVATE = 99,/' "$tmp/h"
chk "$tmp/h" >"$tmp/log" 2>&1
expect 1 "FAIL: enum node_states differs" \
	"a changed N_MEMORY_PRIVATE fails"

cp "$built" "$tmp/h"
sed -i '/^enum np_verdict {/,/^};/d' "$tmp/h"
chk "$tmp/h" >"$tmp/log" 2>&1
expect 1 "FAIL: enum np_verdict: in the kernel's BTF, missing" \
	"a missing enum np_verdict fails"

cp "$built" "$tmp/h"
sed -i '/^struct file_operations {/a\	int np_test_drift;' "$tmp/h"
chk "$tmp/h" >"$tmp/log" 2>&1
expect 0 "NOTICE: 1 other definitions .*struct file_operations" \
	"drift in a type the series does not add passes with a notice"

# A policy whose kfunc prototype is not the kernel's: bpf_np_request's
# count as a 32-bit argument.
cat >"$tmp/badproto.bpf.c" <<'SRC'
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
char _license[] SEC("license") = "GPL";
extern int bpf_np_request(s32 nid, enum np_request what, u32 nr) __ksym;
SEC("struct_ops/x") int x(void *ctx) { return bpf_np_request(0, 0, 1); }
SRC
clang-19 -g -O2 -target bpf -D__TARGET_ARCH_x86 -I"$top" \
	-I"$out/libbpf/include" -c "$tmp/badproto.bpf.c" \
	-o "$tmp/badproto.bpf.o" >"$tmp/log" 2>&1 &&
	chk "$built" "$tmp/badproto.bpf.o" >"$tmp/log" 2>&1
expect 1 "FAIL: kfunc prototype: badproto.bpf.o: bpf_np_request" \
	"a kfunc declared with another prototype fails"

echo "1..$n"
[ $failed = 0 ]
