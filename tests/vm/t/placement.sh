#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: mbind, set_mempolicy, migrate_pages, move_pages and numactl place memory on the private node
# also: dax
# timeout: 600
. "$NP_TESTS/lib.sh"
P=$NP_NODE
t=/tmp/np-placement.env

# Automatic NUMA balancing may move pages that have no explicit policy
# (after move_pages, say) back to the CPU's node between two checks.  It
# is not what this test is about; private nodes and NUMA balancing are
# covered on their own.
echo 0 >/proc/sys/kernel/numa_balancing

run_traced $t "$NP_BIN/nptest" place "$P" 64
ok $? "mbind to node $P: pages land there, numa_maps and move_pages agree"
. $t
ok $([ "$private_pages" -ge 16384 ] && [ "$unflagged_pages" = 0 ]; echo $?) \
	"$private_pages pages on node $P, all with __GFP_PRIVATE ($unflagged_pages without)"

run_traced $t "$NP_BIN/nptest" policy "$P"
ok $? "set_mempolicy BIND/PREFERRED/INTERLEAVE, mbind move, move_pages, migrate_pages"
. $t
ok $([ "$unflagged_pages" = 0 ] && [ "$unmovable_pages" = 0 ]; echo $?) \
	"every page on node $P was a movable GFP_PRIVATE page ($unflagged_pages, $unmovable_pages)"

run_traced $t numactl --membind="$P" memhog -r1 128M >/dev/null
ok $? "numactl --membind=$P memhog 128M"
. $t
ok $([ "$private_pages" -ge 32768 ]; echo $?) \
	"memhog's 128M landed on node $P ($private_pages pages)"

run_traced $t memhog -r1 128M >/dev/null
ok $? "memhog 128M without a policy"
. $t
ok $([ "$private_pages" = 0 ]; echo $?) \
	"without a policy nothing lands on node $P ($private_pages pages)"

# Kernel memory allocated under a task policy bound to the private node
# (page tables, slab, pipes, vmalloc'd BPF maps) never lands there.
cat >/tmp/np-kernel-load.sh <<'LOAD'
mkdir -p /tmp/np-k && cd /tmp/np-k || exit 1
for i in $(seq 1 500); do mkdir -p d$i && : >d$i/f; done
stress-ng --pipe 1 --pipe-ops 2000 --fork 1 --fork-ops 200 -q --timeout 20s
dd if=/dev/zero bs=1M count=16 status=none | cat >/dev/null
LOAD
run_traced $t numactl --membind="$P" bash /tmp/np-kernel-load.sh
ok $? "kernel-heavy load under numactl --membind=$P"
. $t
ok $([ "$unmovable_pages" = 0 ] && [ "$unflagged_pages" = 0 ]; echo $?) \
	"no kernel or unmovable page landed on node $P ($unmovable_pages)"
done_testing
