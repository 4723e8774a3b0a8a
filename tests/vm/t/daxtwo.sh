#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: two dax devices on one node: a private node has one owner, takes no ordinary memory, and a node with ordinary memory cannot become private
# device: dax2
# timeout: 900
. "$NP_TESTS/lib.sh"
P=$NP_NODE
read -r A B <<<"$NP_DAXES"
sys=/sys/devices/system/node
bus=/sys/bus/dax/devices

# ram DEV PRIVATE: hand DEV to dax/kmem with private_node=PRIVATE.
ram() {
	echo "$2" >"$bus/$1/private_node" &&
		daxctl reconfigure-device --mode=system-ram "$1" \
			>"$NP_OUT/daxctl.log" 2>&1
}
# devdax DEV: back to device-dax, offlining what kmem added.
devdax() {
	daxctl reconfigure-device --mode=devdax -f "$1" \
		>"$NP_OUT/daxctl.log" 2>&1
}
mode() {
	daxctl list -d "$1" | python3 -c 'import json, sys
print(json.load(sys.stdin)[0].get("mode", "none"))'
}
private() {
	cat "$sys/has_private_memory"
}
# refused_beside_ordinary WHAT: B cannot make node P private while A
# gives it WHAT, and the kernel says why.
refused_beside_ordinary() {
	log_mark
	! ram "$B" 1
	ok $? "$B cannot make node $P private while it has $1"
	log_since |
		grep -q "node $P has ordinary memory or CPUs, it cannot become private"
	ok $? "the kernel says why"
	ok $([ -z "$(private)" ] && [ ! -d "$sys/node$P/private" ]; echo $?) \
		"node $P is not private"
}
kmem_ranges() {
	grep -c 'System RAM (kmem)' /proc/iomem
}

ok $([ -n "$A" ] && [ -n "$B" ] &&
	[ "$(cat "$bus/$B/target_node")" = "$P" ]; echo $?) \
	"two dax devices on node $P: $A (private, added) and $B"
ok $([ "$(private)" = "$P" ] &&
	[ "$(cat "$sys/node$P/private/device")" = "$A" ]; echo $?) \
	"node $P is private with device $A"
total=$(node_mem "$P" MemTotal)

log_mark
! ram "$B" 0
ok $? "$B as ordinary memory on private node $P is refused"
log_since | grep -q "node $P is private: ordinary memory cannot be added to it"
ok $? "the kernel says why"
ok $([ "$(private)" = "$P" ] && ! in_list "$P" "$(cat $sys/has_memory)" &&
	[ "$(node_mem "$P" MemTotal)" = "$total" ] &&
	[ "$(kmem_ranges)" = 1 ]; echo $?) \
	"node $P is still private, whole ($total kB), not in has_memory; one kmem range"
ok $([ "$(mode "$B")" != system-ram ]; echo $?) "$B is not in system-ram mode ($(mode "$B"))"

log_mark
! ram "$B" 1
ok $? "$B as a second private device of node $P is refused"
log_since | grep -q "node $P is already private to another owner"
ok $? "the kernel says why"
ok $([ "$(cat "$sys/node$P/private/device")" = "$A" ] &&
	[ "$(node_mem "$P" MemTotal)" = "$total" ]; echo $?) \
	"node $P keeps device $A and its memory"

devdax "$A"
ok $? "$A removed"
ok $([ -z "$(private)" ]; echo $?) "node $P is no longer private"
devdax "$B" 2>/dev/null
ram "$B" 1
ok $? "$B now makes node $P private"
ok $([ "$(private)" = "$P" ] &&
	[ "$(cat "$sys/node$P/private/device")" = "$B" ]; echo $?) \
	"node $P is private with device $B"
"$NP_BIN/npops" fault "$P" bind 16 >"$NP_OUT/fault.log" 2>&1
ok $(grep -q "on_node=4096 pages=4096" "$NP_OUT/fault.log"; echo $?) \
	"memory is placed on node $P through $B"
devdax "$B"
ok $? "$B removed"

# Ordinary memory that is offline would turn private when onlined.
echo 0 >"$bus/$A/private_node" &&
	daxctl reconfigure-device --mode=system-ram --no-online "$A" \
		>"$NP_OUT/daxctl.log" 2>&1
ok $? "$A as ordinary memory, left offline (daxctl --no-online)"
refused_beside_ordinary "offline ordinary memory"
devdax "$A"
ok $? "$A removed"
devdax "$B" 2>/dev/null

ram "$A" 0
ok $? "$A as ordinary memory: node $P is an ordinary node"
ok $(in_list "$P" "$(cat $sys/has_memory)"; echo $?) \
	"node $P is in has_memory ($(cat $sys/has_memory))"
refused_beside_ordinary "ordinary memory"
devdax "$A"
ok $? "$A removed"
done_testing
