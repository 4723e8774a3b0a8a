#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: 1000 atomic policy swaps under a faulting and migrating load
# also: dax
# timeout: 600
. "$NP_TESTS/lib.sh"
N=$NP_NODE
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf

# load: fault memory onto the node and move memory into it, until stopped.
load() {
	while :; do
		"$NP_BIN/npops" fault "$N" bind 8 >/dev/null
		"$NP_BIN/npops" move "$N" 4 >/dev/null
	done
}

objects0=$(bpf_objects)
errors0=$(np_stat policy_errors)
load &
loader=$!
sleep 2

# 1 ms apart, so that the swaps spread over the load.  The kernel counts
# every policy it enables on the node (enable_seq): one attach, then one
# per update that really replaced the policy.
seq0=$(np_sys enable_seq)
out=$("$NP_BIN/npswap" -i 1000 "$N" 1000 update np_testpol)
rc=$?
seq1=$(np_sys enable_seq)
echo "# update:   $out"
ok "$([ $rc = 0 ] && [ "$(kv swaps "$out")" = 1000 ] &&
	[ "$(kv errors "$out")" = 0 ] && [ $((seq1 - seq0)) = 1001 ] &&
	echo 0 || echo 1)" \
	"1000 swaps through the link, no error; the kernel enabled $((seq1 - seq0)) policies (1 attach + 1000 updates)"
ok "$([ "$(kv admitted "$out")" -gt 0 ] && echo 0 || echo 1)" \
	"the load was placing memory on node $N meanwhile ($(kv admitted "$out") pages admitted)"
ok "$([ "$(kv builtin_decisions "$out")" = 0 ] && echo 0 || echo 1)" \
	"no decision fell to the built-in policy during the swaps"

# The same counter sees the gap of detach-then-attach: it has teeth.
out=$("$NP_BIN/npswap" "$N" 200 reattach np_testpol)
echo "# reattach: $out"
ok "$([ "$(kv builtin_decisions "$out")" -gt 0 ] && echo 0 || echo 1)" \
	"detach-then-attach lets decisions fall to the built-in policy ($(kv builtin_decisions "$out") in 200)"

kill $loader
wait $loader 2>/dev/null
ok "$([ "$(np_stat policy_errors)" = "$errors0" ] &&
	[ "$(np_sys state)" = none ] && echo 0 || echo 1)" \
	"no policy errors, node back to the built-in policy ($(np_sys state))"
check_no_leak "$objects0"
done_testing
