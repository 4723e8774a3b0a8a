#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: memcg limit reclaim reaches page cache on the private node only with NP_OPS_RECLAIM
# timeout: 600
. "$NP_TESTS/lib.sh"
P=$NP_NODE
CG=/sys/fs/cgroup

# A file system whose page cache can go anywhere: ext4 on a loop device.
dd if=/dev/zero of=/tmp/np-ext4.img bs=1M count=320 status=none
mkfs.ext4 -q -F /tmp/np-ext4.img
mkdir -p /tmp/np-mnt && mount -o loop /tmp/np-ext4.img /tmp/np-mnt
dd if=/dev/urandom of=/tmp/np-mnt/data bs=1M count=256 status=none
sync
echo 3 >/proc/sys/vm/drop_caches

mountpoint -q "$CG" || mount -t cgroup2 none "$CG"
echo +memory >"$CG/cgroup.subtree_control"
mkdir -p "$CG/np"
echo 64M >"$CG/np/memory.max"

# read_in_cgroup: read the 256 MB file inside the 64 MB cgroup with its
# page cache bound to node P; prints the status and what happened.
read_in_cgroup() {
	local rc oom0 oom1
	oom0=$(awk '$1 == "oom_kill" { print $2 }' "$CG/np/memory.events")
	echo 3 >/proc/sys/vm/drop_caches
	sh -c "echo \$\$ >$CG/np/cgroup.procs &&
		exec numactl --membind=$P cat /tmp/np-mnt/data" >/dev/null 2>&1
	rc=$?
	oom1=$(awk '$1 == "oom_kill" { print $2 }' "$CG/np/memory.events")
	echo "rc=$rc oom_kills=$((oom1 - oom0))" \
		"file_on_node=$(awk -v k="N$P=" '$1 == "file" {
			for (i = 2; i <= NF; i++) if (index($i, k) == 1)
				print substr($i, length(k) + 1) }' "$CG/np/memory.numa_stat")"
}

check "policy 0x3 (no RECLAIM)" -- np_policy 0x3
r=$(read_in_cgroup)
ok $([ "$(kv rc "$r")" != 0 ]; echo $?) \
	"without RECLAIM the cgroup cannot reclaim its page cache on node $P ($r)"

check "policy 0x13 (migration mempolicy reclaim)" -- np_policy 0x13
r=$(read_in_cgroup)
ok $([ "$(kv rc "$r")" = 0 ] && [ "$(kv oom_kills "$r")" = 0 ] &&
	[ "$(kv file_on_node "$r")" -gt 0 ]; echo $?) \
	"with RECLAIM memcg reclaim recycles the page cache on node $P ($r)"
check "policy 0x13 budget=0: RECLAIM, but no pages granted" -- \
	np_policy 0x13 budget=0
limited=$(np_stat reclaim_limited)
r=$(read_in_cgroup)
ok $([ "$(kv rc "$r")" != 0 ] && [ "$(np_calls budget)" -gt 0 ] &&
	[ "$(np_stat reclaim_limited)" -gt "$limited" ]; echo $?) \
	"a zero reclaim budget keeps memcg reclaim off node $P ($r, $(np_calls budget) calls)"
np_policy none
umount /tmp/np-mnt
done_testing
