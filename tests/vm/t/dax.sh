#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: a PMEM range made a private node by ndctl, daxctl and dax/kmem: truthful tools, isolation, numactl placement, tiers, removal and re-adding with daxctl
# device: dax
# timeout: 900
. "$NP_TESTS/lib.sh"
P=$NP_NODE
D=$NP_DAX
sys=/sys/devices/system/node
dax=/sys/bus/dax/devices/$D
NPCTL=$NP_BIN/../loader/npctl
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf

sed 's/^/# setup: /' "$NP_OUT/setup"
echo "# numactl --hardware:"
numactl --hardware | sed 's/^/#   /'
echo "# ndctl list -N:"
ndctl list -N | sed 's/^/#   /'

# json_ok DESCRIPTION PYTHON < JSON: PYTHON holds for d, the document.
json_ok() {
	python3 -c "import json, sys
d = json.load(sys.stdin)
sys.exit(0 if ($2) else 1)"
	ok $? "$1"
}

# daxctl_dev: the object daxctl list gives for the device.
daxctl_dev() {
	daxctl list -d "$D" | python3 -c 'import json, sys
print(json.dumps(json.load(sys.stdin)[0]))'
}

# --- what the tools and sysfs say ---------------------------------------

echo "# daxctl list -d $D:"
daxctl list -d "$D" | sed 's/^/#   /'
daxctl_dev | json_ok "daxctl: $D is in system-ram mode on target node $P, every block online and movable" \
	"d['mode'] == 'system-ram' and d['target_node'] == $P and
	 d['online_memblocks'] == d['total_memblocks'] > 0 and
	 d.get('movable', True)"
ndctl list -N | json_ok "ndctl: the namespace is in devdax mode" \
	"(d if isinstance(d, list) else [d])[0]['mode'] == 'devdax'"
ok $([ "$(cat $sys/has_private_memory)" = "$P" ]; echo $?) \
	"has_private_memory is node $P"
! in_list "$P" "$(cat $sys/has_memory)"
ok $? \
	"node $P is not in has_memory ($(cat $sys/has_memory))"
ok $([ "$(cat $sys/node$P/private/device)" = "$D" ]; echo $?) \
	"the node's device is $D"
caps=$(cat $sys/node$P/private/caps)
ok $([ "$caps" = "migration mempolicy demotion reclaim numa_balancing compaction" ]; echo $?) \
	"dax/kmem declares every capability but protect_write and longterm_pin ($caps)"
ok $([ "$(cat $sys/node$P/private/policy)" = isolated ]; echo $?) \
	"with no policy attached the node is isolated"
ok $([ "$(cat "$dax/private_node")" = 1 ]; echo $?) "$D: private_node is 1"
! echo 0 >"$dax/private_node" 2>/tmp/dax.err
ok $? "private_node cannot change while kmem holds $D ($(cat /tmp/dax.err))"
ok $([ "$(cat "$dax/target_node")" = "$P" ] &&
	[ "$(cat "$dax/numa_node")" -ge 0 ]; echo $?) \
	"$D: target_node $P, numa_node $(cat "$dax/numa_node")"
kmem=$(grep -c 'System RAM (kmem)' /proc/iomem)
ok $([ "$kmem" -ge 1 ]; echo $?) "/proc/iomem lists $kmem System RAM (kmem) range(s) under $D"

# Memory tiers: a private node is in a tier only while its policy lets
# ordinary nodes demote to it.
tiers() {
	cat /sys/devices/virtual/memory_tiering/memory_tier*/nodelist 2>/dev/null |
		tr '\n' ' '
}
! in_tier "$P"
ok $? "isolated, node $P is in no memory tier (tiers: $(tiers))"
"$NPCTL" attach tier --node "$P" >/tmp/dax-attach.log 2>&1
ok $? "npctl attach tier (demotion) to node $P"
in_tier "$P"
ok $? "with demotion allowed node $P joins a tier (tiers: $(tiers))"
"$NPCTL" detach --node "$P" >/dev/null 2>&1
ok $? "npctl detach"
! in_tier "$P"
ok $? "detached, node $P leaves the tiers again (tiers: $(tiers))"

# --- isolation and placement ----------------------------------------------

# Ordinary work: anonymous memory, page cache, fork, well beyond what a
# quiet node holds.  None of it may land on node P.
before=$(node_held_pages "$P")
stress-ng --temp-path /tmp --vm 2 --vm-bytes 400M --vm-populate --fork 2 -t 15s \
	>"$NP_OUT/stress.log" 2>&1
ok $? "stress-ng on ordinary memory (2 x 400M, fork): $(tail -n 1 "$NP_OUT/stress.log")"
dd if=/dev/zero of=/tmp/dax-cache bs=1M count=300 status=none && sync
cat /tmp/dax-cache >/dev/null
rm -f /tmp/dax-cache
after=$(node_held_pages "$P")
ok $([ "$after" -le "$before" ]; echo $?) \
	"ordinary work placed nothing on node $P (held pages $before -> $after)"

# numactl --membind, with a program that knows nothing of private nodes.
placed=$(numactl --membind="$P" python3 -c '
import re, sys
b = b"\x5a" * (64 << 20)
n = 0
for line in open("/proc/self/numa_maps"):
    m = re.search(r" N%s=(\d+)" % sys.argv[1], line)
    if m:
        n += int(m.group(1))
print(n)' "$P")
ok $([ "${placed:-0}" -ge 16384 ]; echo $?) \
	"numactl --membind=$P places a 64M buffer on node $P ($placed pages)"
"$NP_BIN/npops" fault "$P" bind 32 >/tmp/dax-fault.log 2>&1
ok $(grep -q "on_node=8192 pages=8192" /tmp/dax-fault.log; echo $?) \
	"mbind(MPOL_BIND) faults 32M onto node $P ($(tr '\n' ' ' </tmp/dax-fault.log))"

# --- removal with daxctl, pages in use -------------------------------------

held "$NP_BIN/nptest" hold "$P" 64
ok $(grep -q "^ok - holding" "$HELD_LOG"; echo $?) \
	"a process holds 64M on node $P"
start=$(date +%s)
daxctl offline-memory "$D" >/tmp/dax-off.log 2>&1
ok $? "daxctl offline-memory $D evacuates and offlines ($(($(date +%s) - start))s: $(tail -n 1 /tmp/dax-off.log))"
daxctl reconfigure-device --mode=devdax "$D" >/tmp/dax-re.log 2>&1
ok $? "daxctl reconfigure-device --mode=devdax $D"
ok $([ ! -d "$sys/node$P/private" ] &&
	[ -z "$(cat $sys/has_private_memory)" ]; echo $?) \
	"node $P is no longer private"
daxctl_dev | json_ok "daxctl: $D is back in devdax mode" "d['mode'] == 'devdax'"
ok $([ "$(grep -c 'System RAM (kmem)' /proc/iomem)" = 0 ]; echo $?) \
	"no System RAM (kmem) range is left"
release
ok $? "the holder's data is intact"
after=$(sed -n 's/^# after://p' "$HELD_LOG")
[ -n "$after" ] && ! echo "$after" | grep -q " N$P="
ok $? "its pages were moved to ordinary nodes:$after"

# --- again, then the plain kmem path is unchanged --------------------------

echo 1 >"$dax/private_node" &&
	daxctl reconfigure-device --mode=system-ram "$D" >/tmp/dax-re.log 2>&1
ok $? "private again through daxctl reconfigure-device --mode=system-ram"
ok $([ "$(cat $sys/has_private_memory)" = "$P" ] &&
	[ "$(cat $sys/node$P/private/device)" = "$D" ]; echo $?) \
	"node $P is private with device $D again"
"$NP_BIN/npops" fault "$P" bind 16 >/tmp/dax-fault.log 2>&1
ok $(grep -q "on_node=4096 pages=4096" /tmp/dax-fault.log; echo $?) \
	"memory is placed on node $P again"
daxctl reconfigure-device --mode=devdax -f "$D" >/tmp/dax-re.log 2>&1
ok $? "daxctl reconfigure-device --mode=devdax -f $D (offlines by itself)"
ok $([ -z "$(cat $sys/has_private_memory)" ]; echo $?) \
	"node $P is no longer private"
echo 0 >"$dax/private_node" &&
	daxctl reconfigure-device --mode=system-ram "$D" >/tmp/dax-re.log 2>&1
ok $? "private_node=0: daxctl reconfigure-device --mode=system-ram"
ok $(in_list "$P" "$(cat $sys/has_memory)" &&
	[ -z "$(cat $sys/has_private_memory)" ] &&
	[ ! -d "$sys/node$P/private" ]; echo $?) \
	"without private_node, kmem adds ordinary memory as before (has_memory $(cat $sys/has_memory))"
done_testing
