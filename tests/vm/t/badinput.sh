#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: invalid nodes, masks, modes and flags fail with EINVAL/ENODEV and allocate nothing
# timeout: 240
. "$NP_TESTS/lib.sh"
P=$NP_NODE
t=/tmp/np-badinput.env

run_traced $t "$NP_BIN/nptest" badinput "$P"
ok $? "every invalid request failed with the documented error"
. $t
ok $([ "$private_pages" = 0 ]; echo $?) \
	"nothing was allocated on node $P ($private_pages pages)"

out=$(numactl --membind=7 true 2>&1)
st=$?
ok $([ $st != 0 ]; echo $?) \
	"numactl --membind=7 (no such node) fails: $(echo "$out" | head -n 1)"
done_testing
