#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: a task bound to a full private node: page cache and __GFP_NOFAIL allocations fall back to ordinary nodes, no ENOMEM, no OOM kill
# timeout: 600
. "$NP_TESTS/lib.sh"
P=$NP_NODE
img=/tmp/boundio.img mnt=/tmp/boundio
nfiles=4000

truncate -s 96M "$img" && mkfs.ext4 -q -F "$img" && mkdir -p "$mnt" &&
	mount -o loop "$img" "$mnt"
ok $? "an ext4 file system on a loop device"
# printf is a builtin: no fork per file.
for ((i = 0; i < nfiles; i++)); do
	printf '%2047d\n' "$i" >"$mnt/f$i"
done
chmod -R a+rX "$mnt"
umount "$mnt" && mount -o loop,ro "$img" "$mnt"
ok $? "$nfiles small files written, cache dropped by a remount"
sleep 1000 &
bystander=$!

# An unprivileged task fills the node, binds itself to it and reads files
# that are not in the page cache.
as_nobody "$NP_BIN/nptest" boundio "$P" "$mnt" "$nfiles"
ok $? "unprivileged: reads under a bind to the full private node succeed"

# __GFP_NOFAIL allocations made through such a policy (root, for debugfs).
timeout 120 "$NP_BIN/nptest" boundio "$P" "$mnt" 0 "$NP_DBG/nofail"
ok $? "__GFP_NOFAIL allocations under a bind to the full node find room (no hang, no OOM kill)"

kill -0 "$bystander" 2>/dev/null
ok $? "an unrelated task is still alive"
kill "$bystander" 2>/dev/null
umount "$mnt"
done_testing
