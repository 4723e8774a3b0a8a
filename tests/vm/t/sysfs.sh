#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: node states, sysfs, cpuset mems, the allocator gate, re-onlining
# timeout: 240
. "$NP_TESTS/lib.sh"
P=$NP_NODE
sys=/sys/devices/system/node

echo "# has_memory=$(cat $sys/has_memory)" \
	"has_private_memory=$(cat $sys/has_private_memory)" \
	"has_normal_memory=$(cat $sys/has_normal_memory)"
ok $([ "$(cat $sys/has_private_memory)" = "$P" ]; echo $?) \
	"has_private_memory lists node $P"
! in_list "$P" "$(cat $sys/has_memory)"
ok $? "has_memory does not list node $P"
! in_list "$P" "$(cat $sys/has_normal_memory)"
ok $? "has_normal_memory does not list node $P"
total=$(node_mem "$P" MemTotal)
ok $([ "$total" -ge $((900 * 1024)) ]; echo $?) \
	"node $P has its memory (MemTotal ${total} kB)"

mems=$(sed -n 's/^Mems_allowed_list:\t//p' /proc/self/status)
echo "# Mems_allowed_list=$mems"
ok $([ "$mems" = "0-$P" ]; echo $?) "tasks may use node $P (cpuset mems)"

numactl --hardware | sed 's/^/# /'
ok $(numactl --hardware | grep -q "^node $P size: [1-9]"; echo $?) \
	"numactl --hardware shows node $P with memory"

# The gate: __GFP_THISNODE alone fails, GFP_PRIVATE lands on the node,
# and a plain allocation aimed at the node falls back to an ordinary one.
probe=/sys/kernel/debug/private_node_test/probe
echo "$P" >$probe
res=$(cat $probe)
echo "# probe node $P: $res"
ok $([ "$(echo "$res" | sed -n 's/.*thisnode=\([-0-9]*\).*/\1/p')" = -1 ]; echo $?) \
	"__GFP_THISNODE without __GFP_PRIVATE fails on node $P"
ok $([ "$(echo "$res" | sed -n 's/.*private=\([-0-9]*\).*/\1/p')" = "$P" ]; echo $?) \
	"GFP_PRIVATE allocates on node $P"
fb=$(echo "$res" | sed -n 's/.*fallback=\([-0-9]*\).*/\1/p')
ok $([ "$fb" -ge 0 ] && [ "$fb" != "$P" ]; echo $?) \
	"a plain allocation for node $P falls back to ordinary node $fb"
echo 0 >$probe
res=$(cat $probe)
ok $([ "$res" = "thisnode=0 private=0 fallback=0" ]; echo $?) \
	"ordinary node 0 is unaffected ($res)"

# Private-ness belongs to the node: blocks onlined again through sysfs,
# as kernel or movable memory, stay private.
blocks=$(ls -d $sys/node$P/memory* | head -n 2)
for type in online_kernel online_movable; do
	for b in $blocks; do
		echo offline >"$b/state" || ok 1 "offline $(basename "$b")"
	done
	for b in $blocks; do
		echo "$type" >"$b/state" || ok 1 "$type $(basename "$b")"
	done
	[ "$(cat $sys/has_private_memory)" = "$P" ] &&
		! in_list "$P" "$(cat $sys/has_memory)"
	ok $? "node $P stays private after $type through sysfs"
	echo "$P" >$probe
	ok $(grep -q "thisnode=-1 private=$P" $probe; echo $?) \
		"the gate still holds after $type ($(cat $probe))"
done

# Offlining every block takes the node out of the state; onlining brings
# it back as private.
for b in $sys/node$P/memory*; do echo offline >"$b/state"; done
ok $([ -z "$(cat $sys/has_private_memory)" ]; echo $?) \
	"offlining all of node $P clears has_private_memory"
for b in $sys/node$P/memory*; do echo online_movable >"$b/state"; done
ok $([ "$(cat $sys/has_private_memory)" = "$P" ]; echo $?) \
	"onlining node $P again makes it private again"
done_testing
