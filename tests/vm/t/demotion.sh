#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: NP_OPS_DEMOTION: the private node joins the memory tiers and receives demoted pages only with the flag
# timeout: 600
. "$NP_TESTS/lib.sh"
P=$NP_NODE

demoted() {
	awk '/^pgdemote_/ { n += $2 } END { print n + 0 }' /proc/vmstat
}

oom_kills() {
	awk '$1 == "oom_kill" { print $2 }' /proc/vmstat
}

# pressure: touch 1300 MB bound to node 0 (1 GB), where only demotion can
# make room; prints the exit status of memhog, how many tasks the OOM
# killer killed meanwhile, and what was demoted.
pressure() {
	local d0 in0 rc k0
	d0=$(demoted) in0=$(np_stat migrated_in) k0=$(oom_kills)
	echo >"$NP_TRACE/trace"
	numactl --membind=0 memhog -r1 1300M >/dev/null 2>&1
	rc=$?
	echo "rc=$rc oom_kills=$(($(oom_kills) - k0))" \
		"pgdemote=$(($(demoted) - d0))" \
		"migrated_in=$(($(np_stat migrated_in) - in0))" \
		"traced=$(trace_count 'reason=demotion allowed')"
}

echo 1 >/sys/kernel/mm/numa/demotion_enabled
trace_start node_private/np_migrate "dst_nid == $P"

check "isolated: node $P is in no memory tier" -- test -z "$(tier_of "$P")"
r=$(pressure)
ok $([ "$(kv pgdemote "$r")" = 0 ] && [ "$(kv migrated_in "$r")" = 0 ] &&
	[ "$(kv traced "$r")" = 0 ] && [ "$(kv rc "$r")" = 137 ] &&
	[ "$(kv oom_kills "$r")" -ge 1 ]; echo $?) \
	"without DEMOTION nothing demotes to node $P and memhog is OOM-killed ($r)"

log_mark
check "policy 0x5 (migration demotion)" -- np_policy 0x5
t0=$(tier_of 0) tp=$(tier_of "$P")
ok $([ -n "$tp" ] && [ "$tp" -gt "$t0" ]; echo $?) \
	"node $P joined memory tier $tp, below node 0's tier $t0"
ok $(log_since | grep -q "Demotion targets for Node 0: preferred: $P,"; echo $?) \
	"node $P is node 0's demotion target"
r=$(pressure)
ok $([ "$(kv rc "$r")" = 0 ] && [ "$(kv oom_kills "$r")" = 0 ] &&
	[ "$(kv pgdemote "$r")" -gt 0 ] &&
	[ "$(kv migrated_in "$r")" -gt 0 ] && [ "$(kv traced "$r")" -gt 0 ]; echo $?) \
	"with DEMOTION cold pages demote to node $P and memhog completes ($r)"

check "policy 0x5 demote=none: the policy refuses every demotion" -- \
	np_policy 0x5 demote=none
r=$(pressure)
ok $([ "$(kv pgdemote "$r")" = 0 ] && [ "$(kv rc "$r")" = 137 ] &&
	[ "$(kv oom_kills "$r")" -ge 1 ] && [ "$(np_calls demote)" -gt 0 ]; echo $?) \
	"demote_target said none: nothing demoted, memhog OOM-killed ($r, $(np_calls demote) calls)"

check "policy 0x1 (migration)" -- np_policy 0x1
ok $([ -z "$(tier_of "$P")" ]; echo $?) "without the flag node $P left the tiers"
r=$(pressure)
ok $([ "$(kv pgdemote "$r")" = 0 ] && [ "$(kv traced "$r")" = 0 ]; echo $?) \
	"and nothing demotes to it any more ($r)"
np_policy none
done_testing
