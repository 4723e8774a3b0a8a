#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: a vendor's policy made as bpf/minimal.bpf.c says: copied, renamed, built outside the tree with clang against np.bpf.h and vmlinux.h, attached by path with npctl, deciding, detached with its exit recorded
# timeout: 300
. "$NP_TESTS/lib.sh"
P=$NP_NODE
top=$(dirname "$(dirname "$NP_TESTS")")
work=/tmp/np-vendor
rm -rf "$work"
mkdir -p "$work"
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf

# The copy: every "minimal" becomes "acme".
sed 's/minimal/acme/g' "$top/bpf/minimal.bpf.c" >"$work/acme.bpf.c"
ok "$(grep -q '\.name[[:space:]]*= "acme"' "$work/acme.bpf.c"; echo $?)" \
	"copied and renamed: bpf/minimal.bpf.c -> acme.bpf.c"
clang-19 -g -O2 -target bpf -D__TARGET_ARCH_x86 -I"$top" -I"$top/include" \
	-I"$NP_BIN/../libbpf/include" -c "$work/acme.bpf.c" \
	-o "$work/acme.bpf.o" 2>"$work/cc.log"
ok $? "built outside the tree with clang-19 ($(head -c 200 "$work/cc.log"))"
check "npctl attach $work/acme.bpf.o --node $P" -- \
	"$NPCTL" attach "$work/acme.bpf.o" --node "$P"
ok "$([ "$(np_sys policy)" = acme ] && [ "$(np_sys state)" = enabled ]; echo $?)" \
	"node $P: policy $(np_sys policy), state $(np_sys state)"
line=$("$NP_BIN/npops" fault "$P" bind 16)
admits=$(bpf_var acme.bss calls | tr -d '[] ' | cut -d, -f1)
inits=$(bpf_var acme.bss calls | tr -d '[] ' | cut -d, -f6)
ok "$([ "$(kv on_node "$line")" = 4096 ] && [ "${admits:-0}" -ge 4096 ] &&
	[ "$inits" = 1 ]; echo $?)" \
	"acme decides: $line, admit called ${admits:-0} times, init ${inits:-0}"
"$BPFTOOL" map pin name acme.bss /sys/fs/bpf/acme_bss
check "npctl detach" -- "$NPCTL" detach --node "$P"
uei=$(bpf_var acme.bss uei)
ok "$(echo "$uei" | grep -q '"kind": 1,'; echo $?)" \
	"its exit callback recorded kind 1 (detached): $uei"
rm -f /sys/fs/bpf/acme_bss
done_testing
