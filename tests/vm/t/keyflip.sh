#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: the node becomes private and ordinary again (test driver, cram_emu), and static keys flip, while both CPUs allocate
# timeout: 300
#
# Registering the first private node and unregistering the last flip
# node_private_key, which patches the page allocator's and mempolicy's
# hot paths (text_poke_bp()) while other CPUs run them; a device that
# wants to hear of frees (cram_emu) flips node_private_free_key, in the
# path of every page freed.  The guest must
# survive many flips, of that key and of an upstream one (vm.numa_stat,
# in the same paths), with the allocator busy on both CPUs.  Under
# QEMU's multi-threaded TCG it does not (run.sh explains, and
# NP_TCG=multi shows it): this test keeps the harness honest too.
. "$NP_TESTS/lib.sh"
P=$NP_NODE
ctl=/sys/kernel/debug/private_node_test
sys=/sys/devices/system/node
# One memory block (block_size_bytes is hexadecimal without 0x).
size=0x$(cat /sys/devices/system/memory/block_size_bytes)
flips=${NP_KEYFLIPS:-25}
stat_flips=${NP_STATFLIPS:-500}

echo "$P $NP_START $NP_SIZE" >$ctl/remove
ok $? "node $P starts ordinary: its range is removed"
ok $([ -z "$(cat $sys/has_private_memory)" ]; echo $?) \
	"no node is private"

# Both CPUs allocate and free: anonymous memory, page tables and forks.
stress-ng --temp-path /tmp --vm 2 --vm-bytes 64M --fork 1 --timeout 600 \
	-q >"$NP_OUT/stress.log" 2>&1 &
stress=$!
sleep 2

i=0 bad=0
start=$(date +%s)
while [ $i -lt "$flips" ]; do
	echo "$P $NP_START $size" >$ctl/add || { bad=1; break; }
	"$NP_BIN/nptest" place "$P" 4 >"$NP_OUT/place.log" 2>&1 ||
		{ bad=2; break; }
	echo "$P $NP_START $size" >$ctl/remove || { bad=3; break; }
	i=$((i + 1))
done
ok $bad "node $P made private ($size bytes), used and made ordinary" \
	"$i times under load ($(($(date +%s) - start))s)"
# After a failure the block may still be claimed.
grep -q "^$P " $ctl/ranges && echo "$P $NP_START $size" >$ctl/remove

# cram_emu's device has the free_pages hook: adding its node flips
# node_private_free_key on, in the path of every page freed, and
# removing it flips it off (the cram test shows the hook at work).
cram=/sys/kernel/cram_emu
i=0 bad=0
start=$(date +%s)
while [ $i -lt "$flips" ]; do
	echo "$P $NP_START $size" >$cram/add || { bad=1; break; }
	[ "$(cat $sys/node$P/private/device 2>/dev/null)" = cram_emu ] ||
		{ bad=2; break; }
	echo "$P" >$cram/remove || { bad=3; break; }
	i=$((i + 1))
done
ok $bad "node $P added by cram_emu (its device declared) and removed" \
	"$i times under load ($(($(date +%s) - start))s)"
[ -d "$sys/node$P/private" ] && grep -qw "$P" $sys/has_private_memory &&
	echo "$P" >$cram/remove

i=0 bad=0
start=$(date +%s)
while [ $i -lt "$stat_flips" ]; do
	echo 0 >/proc/sys/vm/numa_stat && echo 1 >/proc/sys/vm/numa_stat ||
		{ bad=1; break; }
	i=$((i + 1))
done
ok $bad "vm.numa_stat turned off and on $i times under load" \
	"($(($(date +%s) - start))s)"

kill -0 $stress 2>/dev/null
ok $? "the load was still running at the end"
kill $stress 2>/dev/null
wait $stress 2>/dev/null

echo "$P $NP_START $NP_SIZE" >$ctl/add
ok $? "node $P can be claimed whole again"
"$NP_BIN/nptest" place "$P" 16 >"$NP_OUT/place.log" 2>&1
ok $? "memory is placed on node $P"
done_testing
