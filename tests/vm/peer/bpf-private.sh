#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: the struct_ops tests of the kernel's BPF selftests while a node_private_ops policy is attached to a private node
# timeout: 1500
. "$NP_TESTS/lib.sh"
. "$NP_TESTS/peer/bpflib.sh"
check "attach bpf/minimal to node $NP_NODE" -- \
	"$NPCTL" attach minimal --node "$NP_NODE"
bpf_run
ok $([ "$(np_sys state)" = enabled ]; echo $?) \
	"the node's policy is still enabled ($(np_sys state))"
check "detach it" -- "$NPCTL" detach --node "$NP_NODE"
done_testing
