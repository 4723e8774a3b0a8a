#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: the kernel's mm selftests (run_vmtests.sh) with a private node present
# timeout: 9000
# cpus: 4
. "$NP_TESTS/lib.sh"
. "$NP_TESTS/peer/mmlib.sh"
grep -qw "$NP_NODE" /sys/devices/system/node/has_private_memory
ok $? "node $NP_NODE is private"
used=$(node_used_pages "$NP_NODE")
mm_run
# Nothing of the selftests may land on the node by itself.
ok $([ "$(node_used_pages "$NP_NODE")" -le $((used + 256)) ]; echo $?) \
	"the private node's used pages did not grow ($used -> $(node_used_pages "$NP_NODE"))"
done_testing
