#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: removing the private node's memory evacuates its pages; bad removals change nothing
# timeout: 600
. "$NP_TESTS/lib.sh"
P=$NP_NODE
ctl=/sys/kernel/debug/private_node_test
sys=/sys/devices/system/node

# A process holds 64M of data on the private node through MPOL_BIND.
held "$NP_BIN/nptest" hold "$P" 64
ok $(grep -q "^ok - holding" "$HELD_LOG"; echo $?) \
	"a process holds 64M on node $P"

# Part of a range that was added is refused by the kernel (the driver
# passes it on as it is) and nothing changes.
total=$(node_mem "$P" MemTotal)
! echo "$P $NP_START 0x8000000" >$ctl/remove 2>/dev/null
ok $? "removing part of a range fails"
ok $([ "$(cat $sys/has_private_memory)" = "$P" ] &&
	[ -f "$sys/node$P/private/state" ] &&
	[ "$(node_mem "$P" MemTotal)" = "$total" ]; echo $?) \
	"node $P is still private, registered and whole after the refused removal ($total kB)"
! dmesg | grep -q "which was not added as such"
ok $? "the kernel removed nothing it was not given whole"

start=$(date +%s)
echo "$P $NP_START $NP_SIZE" >$ctl/remove
ok $? "removing all of node $P's memory succeeds ($(($(date +%s) - start))s)"
ok $([ -z "$(cat $sys/has_private_memory)" ]; echo $?) \
	"has_private_memory is empty afterwards"
ok $([ -z "$(cat $ctl/ranges)" ]; echo $?) "the driver holds no range"

release
ok $? "the holder's data is intact"
sed 's/^/# hold: /' "$HELD_LOG"
after=$(sed -n 's/^# after://p' "$HELD_LOG")
[ -n "$after" ] && ! echo "$after" | grep -q " N$P="
ok $? "its pages were moved to ordinary nodes:$after"

# The node can be claimed again and used.
echo "$P $NP_START $NP_SIZE" >$ctl/add
ok $? "node $P can be claimed again"
"$NP_BIN/nptest" place "$P" 16 >/tmp/np-place.log 2>&1
ok $? "memory can be placed on node $P again"
done_testing
