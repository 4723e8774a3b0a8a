#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: exhausting ordinary memory (anon, page cache, tmpfs, slab) to OOM never touches the private node
# also: dax
# timeout: 900
. "$NP_TESTS/lib.sh"
P=$NP_NODE
work=/tmp/np-isolation

# Keep the test itself out of the OOM killer's reach; the hogs below are
# made the preferred victims with choom.
echo -1000 >/proc/self/oom_score_adj

mkdir -p $work/tmpfs $work/ext4
mount -t tmpfs -o size=2G none $work/tmpfs || ok 1 "mount tmpfs"
truncate -s 700M $work/tmpfs/disk.img
loop=$(losetup --find --show $work/tmpfs/disk.img) || ok 1 "losetup"
mkfs.ext4 -q -F "$loop" && mount "$loop" $work/ext4 || ok 1 "mkfs.ext4 on $loop"

used_before=$(node_used_pages "$P")
oom_before=$(awk '$1 == "oom_kill" { print $2 }' /proc/vmstat)
echo "# node $P MemUsed before: $used_before pages"

cat >$work/load.sh <<'LOAD'
set -e
w=$1
cd $w/tmpfs
echo "page cache: 400M written to and read back from ext4"
dd if=/dev/urandom of=$w/ext4/file bs=1M count=400 status=none
sync
echo 3 >/proc/sys/vm/drop_caches
cat $w/ext4/file >/dev/null
echo "tmpfs: 500M"
dd if=/dev/zero of=$w/tmpfs/fill bs=1M count=500 status=none
echo "slab: dentries and inodes"
choom -n 1000 -- stress-ng --temp-path $w/tmpfs --dentry 2 \
	--dentries 20000 --timeout 20s -q
mkdir -p $w/tmpfs/many
for i in $(seq 1 3000); do : >$w/tmpfs/many/f$i; done
# Anonymous memory past what the ordinary nodes have: the OOM killer
# must act, and must not find the private node.
echo "anon: stress-ng --vm, then memhog 2500M until the OOM killer acts"
choom -n 1000 -- stress-ng --temp-path $w/tmpfs --vm 2 --vm-bytes 90% \
	--vm-keep --timeout 40s -q || echo "stress-ng --vm ended: $?"
choom -n 1000 -- memhog 2500M >/dev/null || echo "memhog ended: $?"
LOAD
run_traced $work/trace.env bash $work/load.sh $work >$work/load.log 2>&1
ok $? "the load ran to its end"
sed 's/^/# load: /' $work/load.log | tail -n 25
. $work/trace.env

used_after=$(node_used_pages "$P")
oom_after=$(awk '$1 == "oom_kill" { print $2 }' /proc/vmstat)
echo "# node $P MemUsed after: $used_after pages; oom kills: $((oom_after - oom_before))"
echo "# pages allocated: $total_pages in all, $private_pages on node $P"

ok $([ "$oom_after" -gt "$oom_before" ]; echo $?) \
	"the OOM killer acted ($((oom_after - oom_before)) kills)"
ok $([ "$used_after" -le "$used_before" ]; echo $?) \
	"node $P used pages did not grow ($used_before -> $used_after)"
ok $([ "$private_pages" = 0 ]; echo $?) \
	"no page was allocated on node $P ($private_pages of $total_pages)"
ok $([ "$total_pages" -gt 500000 ]; echo $?) \
	"the load did allocate ($total_pages pages), the tracer saw it"
timeout 30 sh -c 'cat /proc/meminfo >/dev/null && ls / >/dev/null'
ok $? "the machine is responsive after the OOM kills"

umount $work/ext4
losetup -d "$loop"
umount $work/tmpfs
done_testing
