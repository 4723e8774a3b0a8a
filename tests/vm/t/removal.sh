#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: removing the private node's memory evacuates its pages; bad removals change nothing
# timeout: 600
. "$NP_TESTS/lib.sh"
P=$NP_NODE
ctl=/sys/kernel/debug/private_node_test
sys=/sys/devices/system/node

# A process holds 64M of data on the private node through MPOL_BIND.
mkfifo /tmp/np-go
"$NP_BIN/nptest" hold "$P" 64 </tmp/np-go >/tmp/np-hold.log 2>&1 &
holder=$!
exec 3>/tmp/np-go
for _ in $(seq 1 120); do
	grep -q ready /tmp/np-hold.log && break
	sleep 1
done
ok $(grep -q "^ok - holding" /tmp/np-hold.log; echo $?) \
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

echo go >&3
exec 3>&-
wait $holder
ok $? "the holder's data is intact"
sed 's/^/# hold: /' /tmp/np-hold.log
after=$(sed -n 's/^# after://p' /tmp/np-hold.log)
[ -n "$after" ] && ! echo "$after" | grep -q " N$P="
ok $? "its pages were moved to ordinary nodes:$after"

# The node can be claimed again and used.
echo "$P $NP_START $NP_SIZE" >$ctl/add
ok $? "node $P can be claimed again"
"$NP_BIN/nptest" place "$P" 16 >/tmp/np-place.log 2>&1
ok $? "memory can be placed on node $P again"
done_testing
