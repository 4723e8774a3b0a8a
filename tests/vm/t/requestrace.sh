#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: evacuations a BPF policy requested race the removal of its node: the removal completes, nothing acts on the node once it is gone, the policy gets its exit
# timeout: 900
. "$NP_TESTS/lib.sh"
P=$NP_NODE
ctl=/sys/kernel/debug/private_node_test
rounds=4

# A holder keeps 64M on the node through mbind(); its faults are admitted
# by np_testpol, whose first admit asks for 1G to be evacuated: the work
# item runs while the node's memory is being removed.
for i in $(seq 1 $rounds); do
	"$NPCTL" attach np_testpol --node "$P" --set request_pages=262144 \
		--set request_what=0 >/dev/null || {
		ok 1 "round $i: attach np_testpol"
		break
	}
	held "$NP_BIN/nptest" hold "$P" 64
	echo "$P $NP_START $NP_SIZE" >"$ctl/remove"
	removed=$?
	release
	grep -q "^ok - contents intact" "$HELD_LOG"
	intact=$?
	"$NPCTL" detach --node "$P" >/dev/null 2>&1
	echo "$P $NP_START $NP_SIZE" >"$ctl/add"
	readded=$?
	ev=$(np_stat move_evacuated)
	sleep 2
	ok $([ $removed = 0 ] && [ $intact = 0 ] && [ $readded = 0 ] &&
		[ "$(np_stat move_evacuated)" = "$ev" ] &&
		[ "$(np_sys state)" = none ]; echo $?) \
		"round $i: removed while evacuating, data intact, node claimed again, no evacuation since (move_evacuated $ev -> $(np_stat move_evacuated))"
done
ok $([ "$(np_exit kind)" = node_gone ] || [ "$(np_exit kind)" = unreg ]; echo $?) \
	"the policy's exit was recorded ($(np_exit kind))"
done_testing
