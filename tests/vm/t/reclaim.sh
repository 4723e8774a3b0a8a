#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: NP_OPS_RECLAIM gates direct reclaim, node_reclaim and MADV_PAGEOUT of a private node; its budget caps kswapd without making it give up; collapse leaves private folios alone
# timeout: 900
. "$NP_TESTS/lib.sh"
P=$NP_NODE
img=/tmp/reclaim.img mnt=/tmp/reclaim

truncate -s 400M "$img" && mkfs.ext4 -q -F "$img" && mkdir -p "$mnt" &&
	mount -o loop "$img" "$mnt" &&
	dd if=/dev/urandom of="$mnt/data" bs=1M count=256 status=none && sync
ok $? "a 256M file on ext4"

file_kb() { node_mem "$P" FilePages; }

# cache_on_node: the file's page cache on the private node.
cache_on_node() {
	echo 3 >/proc/sys/vm/drop_caches
	numactl --membind="$P" cat "$mnt/data" >/dev/null
}

# fill_rest: anonymous memory bound to the node until it is full.
fill_rest() {
	"$NP_BIN/npops" fault "$P" bind 1200
}

# node_unreclaimable: kswapd gave up on the node (/proc/zoneinfo).
node_unreclaimable() {
	awk -v n="Node $P," '$0 ~ "^"n { on = 1; next } /^Node / { on = 0 }
		on && $1 == "node_unreclaimable:" { print $2; exit }' /proc/zoneinfo
}

# try_fill FLAGS: page cache of the file on the node, then anonymous
# memory until the node is full, under policy FLAGS; prints the node's
# page cache in kB before and after.
try_fill() {
	local before r
	np_policy "$1" || return 1
	cache_on_node
	before=$(file_kb)
	r=$(fill_rest)
	echo "before=$before after=$(file_kb) $r"
}

r=$(try_fill 0x3)
ok $([ "$(kv before "$r")" -gt 150000 ] && [ "$(kv sigbus "$r")" = 1 ] &&
	[ "$(kv after "$r")" -ge $(($(kv before "$r") * 95 / 100)) ]; echo $?) \
	"without RECLAIM, direct reclaim leaves the node's page cache ($r)"

echo 1 >/proc/sys/vm/zone_reclaim_mode
r=$(try_fill 0x3)
echo 0 >/proc/sys/vm/zone_reclaim_mode
ok $([ "$(kv before "$r")" -gt 150000 ] &&
	[ "$(kv after "$r")" -ge $(($(kv before "$r") * 95 / 100)) ]; echo $?) \
	"without RECLAIM, node_reclaim (zone_reclaim_mode) leaves it too ($r)"

r=$(try_fill 0x13)
ok $([ "$(kv before "$r")" -gt 150000 ] &&
	[ "$(kv after "$r")" -lt $(($(kv before "$r") / 2)) ]; echo $?) \
	"with RECLAIM, direct reclaim takes it (the test can tell) ($r)"

# MADV_PAGEOUT of the file mapped by a task bound to the node.
pageout() {
	np_policy "$1" || return 1
	echo 3 >/proc/sys/vm/drop_caches
	numactl --membind="$P" "$NP_BIN/npops" pageout "$P" "$mnt/data"
}
r=$(pageout 0x3)
ok $([ "$(kv on_node "$r")" -gt 30000 ] &&
	[ "$(kv resident_after "$r")" = "$(kv resident "$r")" ]; echo $?) \
	"without RECLAIM, MADV_PAGEOUT leaves the node's pages ($r)"
r=$(pageout 0x13)
ok $([ "$(kv on_node "$r")" -gt 30000 ] &&
	[ "$(kv resident_after "$r")" -lt $(($(kv resident "$r") / 2)) ]; echo $?) \
	"with RECLAIM, MADV_PAGEOUT pages them out ($r)"

# kswapd, with a budget of 0: the node is left alone, not given up on.
# Every allocation that finds the node short wakes kswapd, which then asks
# the policy once (pageoutrun counts kswapd passes, on every node).
vmstat() { awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat; }
check "policy 0x13 budget=0" -- np_policy "0x13 budget=0"
cache_on_node
calls=$(np_calls budget) runs=$(vmstat pageoutrun)
r=$(fill_rest)
sleep 3
calls=$(($(np_calls budget) - calls)) runs=$(($(vmstat pageoutrun) - runs))
ok $([ "$(node_unreclaimable)" = 0 ] && [ "$calls" -ge 1 ] &&
	[ "$calls" -le "$runs" ]; echo $?) \
	"budget 0: kswapd asks once per pass and does not give the node up ($calls calls in $runs passes, node_unreclaimable $(node_unreclaimable))"

# A budget caps one kswapd pass, whatever the number of LRUs.
check "policy 0x13 budget=64" -- np_policy "0x13 budget=64"
cache_on_node
calls=$(np_calls budget)
steal=$(vmstat pgsteal_kswapd)
r=$(fill_rest)
sleep 3
calls=$(($(np_calls budget) - calls))
steal=$(($(vmstat pgsteal_kswapd) - steal))
ok $([ "$calls" -ge 1 ] && [ "$steal" -le $((calls * (64 + 32))) ]; echo $?) \
	"budget 64: at most 64 pages per pass (+ one batch): $steal pages in $calls passes"

# Collapse: a range with folios on the node stays as it is.
np_policy 0x3
r=$("$NP_BIN/npops" collapse "$P" 4)
ok $([ "$(kv before "$r")" -gt 400 ] && [ "$(kv collapse "$r")" != 0 ] &&
	[ "$(kv after "$r")" = "$(kv before "$r")" ]; echo $?) \
	"MADV_COLLAPSE leaves a range with private folios alone ($r)"

np_policy none
umount "$mnt"
done_testing
