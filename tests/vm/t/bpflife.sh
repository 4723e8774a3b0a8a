#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: BPF policy life cycle: init results, a sleeping init or exit never blocks the node, a new policy's first error counts
# timeout: 300
. "$NP_TESTS/lib.sh"
P=$NP_NODE

"$NP_BIN/nplife" "$P" initret
ok $? "init: a positive return is refused on attach and update, an errno passes"
"$NP_BIN/nplife" "$P" initblock
ok $? "init sleeps without holding the node: sysfs answers meanwhile"
"$NP_BIN/nplife" "$P" updateerror
ok $? "update: the new policy's first error counts while the old one exits"
ok $([ "$(np_sys state)" = none ]; echo $?) "no policy is left attached"
done_testing
