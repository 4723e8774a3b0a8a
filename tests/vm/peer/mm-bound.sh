#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: the kernel's mm selftests (run_vmtests.sh) bound to a private node with numactl --membind, under its built-in policy, which admits them
# timeout: 9000
# cpus: 4
. "$NP_TESTS/lib.sh"
. "$NP_TESTS/peer/mmlib.sh"
grep -qw "$NP_NODE" /sys/devices/system/node/has_private_memory
ok $? "node $NP_NODE is private"
admitted=$(np_stat admitted)
mm_run numactl --membind="$NP_NODE"
# The binding must have placed memory there, or this run proves nothing.
ok $([ "$(np_stat admitted)" -gt $((admitted + 1000)) ]; echo $?) \
	"the selftests' memory was placed on node $NP_NODE (admitted $admitted -> $(np_stat admitted))"
done_testing
