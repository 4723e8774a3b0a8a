#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: two private nodes run two BPF policies, each for its own node
# timeout: 300
# nodes: 2
. "$NP_TESTS/lib.sh"
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
set -- $NP_NODES
A=$1 B=$2
ok "$([ -n "$A" ] && [ -n "$B" ] && echo 0 || echo 1)" \
	"two private nodes: ${A:-?} and ${B:-?}"

# node_sys NODE FILE: a file of NODE's private sysfs directory.
node_sys() {
	cat "/sys/devices/system/node/node$1/private/$2"
}

check "node $A: np_testpol, denying every allocation" -- \
	"$NPCTL" attach np_testpol --node "$A" --set admit_verdict=0
check "node $B: minimal, admitting every allocation" -- \
	"$NPCTL" attach minimal --node "$B"
ok "$([ "$(node_sys "$A" policy)" = np_testpol ] &&
	[ "$(node_sys "$B" policy)" = minimal ] &&
	[ "$(node_sys "$A" state)" = enabled ] &&
	[ "$(node_sys "$B" state)" = enabled ] && echo 0 || echo 1)" \
	"sysfs: node $A runs $(node_sys "$A" policy), node $B runs $(node_sys "$B" policy)"
list=$("$BPFTOOL" struct_ops list)
echo "$list" | sed 's/^/#   /'
ok "$([ "$(echo "$list" | grep -c node_private_ops)" = 2 ] && echo 0 || echo 1)" \
	"bpftool struct_ops list shows both policies"

ra=$("$NP_BIN/npops" fault "$A" bind 8)
min_before=$(bpf_var minimal.bss calls | tr -d '[] ' | cut -d, -f1)
rb=$("$NP_BIN/npops" fault "$B" bind 8)
min_after=$(bpf_var minimal.bss calls | tr -d '[] ' | cut -d, -f1)
echo "# node $A: $ra"
echo "# node $B: $rb"
ok "$([ "$(kv sigbus "$ra")" = 1 ] && [ "$(kv on_node "$ra")" = 0 ] &&
	echo 0 || echo 1)" \
	"node $A's policy denies: a bind-only fault there gets SIGBUS"
ok "$([ "$(kv on_node "$rb")" = 2048 ] && echo 0 || echo 1)" \
	"node $B's policy admits: 2048 pages placed there"
calls=$(bpf_var np_testp.bss admit_calls)
wrong=$(bpf_var np_testp.bss wrong_nid)
ok "$([ "$calls" -ge 1 ] && [ "$wrong" = 0 ] && echo 0 || echo 1)" \
	"np_testpol was asked $calls times, only for node $A (wrong nid: $wrong)"
ok "$([ "$min_before" = 0 ] && [ "$min_after" -ge 2048 ] && echo 0 || echo 1)" \
	"minimal was asked only for node $B's faults ($min_before, then $min_after)"
ok "$([ "$(node_sys "$A" state)" = enabled ] &&
	[ "$(node_sys "$B" state)" = enabled ] && echo 0 || echo 1)" \
	"both policies still enabled"

check "swap node $B to np_testpol; node $A keeps its own" -- \
	"$NPCTL" swap np_testpol --node "$B"
ok "$([ "$(node_sys "$A" policy)" = np_testpol ] &&
	[ "$(node_sys "$A" enable_seq)" = 1 ] &&
	[ "$(node_sys "$B" enable_seq)" = 2 ] && echo 0 || echo 1)" \
	"enable_seq: node $A $(node_sys "$A" enable_seq), node $B $(node_sys "$B" enable_seq)"
check "detach node $A" -- "$NPCTL" detach --node "$A"
check "detach node $B" -- "$NPCTL" detach --node "$B"
ok "$([ "$(node_sys "$A" state)" = none ] &&
	[ "$(node_sys "$B" state)" = none ] && echo 0 || echo 1)" \
	"both nodes back to the built-in policy"
done_testing
