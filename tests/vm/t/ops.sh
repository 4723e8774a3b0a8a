#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: node policies: sysfs, flag validation, device capabilities, admission callbacks and counters
# timeout: 400
. "$NP_TESTS/lib.sh"
P=$NP_NODE
D=/sys/devices/system/node/node$P/private

check "node $P has a private/ directory" -- test -d "$D"
check "node 0 has none" -- test ! -e /sys/devices/system/node/node0/private
check "device: np-test" -- test "$(np_sys device)" = np-test
check "caps: every service" -- test "$(np_sys caps)" = \
	"migration mempolicy demotion protect_write reclaim numa_balancing compaction longterm_pin"
check "policy: the built-in isolated" -- test "$(np_sys policy)" = isolated
check "flags of isolated: migration mempolicy" -- \
	test "$(np_sys flags)" = "migration mempolicy"

trace_start node_private/np_ops

# reject FLAGS MESSAGE: the policy is refused with EINVAL, the kernel log
# names the conflict, and the node keeps the built-in policy.
reject() {
	local err
	log_mark
	err=$(echo "$P $1" 2>&1 >"$NP_DBG/policy")
	ok $([[ $err == *"Invalid argument"* ]] &&
		log_since | grep -qF "node $P: policy np-test: $2" &&
		[ "$(np_sys policy)" = isolated ]; echo $?) \
		"flags $1 refused: $2"
}
reject 0x100 "unknown flags 0x100"
reject 0x2 "MEMPOLICY, NUMA_BALANCING and COMPACTION need MIGRATION"
reject 0x20 "MEMPOLICY, NUMA_BALANCING and COMPACTION need MIGRATION"
reject 0x40 "MEMPOLICY, NUMA_BALANCING and COMPACTION need MIGRATION"
reject 0xb "MEMPOLICY and PROTECT_WRITE exclude each other"
check "device without RECLAIM" -- np_caps 0xef
reject 0x11 "flags 0x10 are not capabilities of the device (0xef)"
check "every capability again" -- np_caps 0xff

check "policy 0x13 (migration mempolicy reclaim) accepted" -- np_policy 0x13
check "policy: np-test" -- test "$(np_sys policy)" = np-test
check "flags: migration mempolicy reclaim" -- \
	test "$(np_sys flags)" = "migration mempolicy reclaim"
ok $(np_caps 0xef; [ $? != 0 ] && [ "$(np_sys caps | wc -w)" = 8 ]; echo $?) \
	"capabilities that drop a flag in use are refused"
check "back to the built-in policy" -- np_policy none
check "policy: isolated" -- test "$(np_sys policy)" = isolated

# The built-in policy only takes what the device offers.
check "device with MIGRATION only" -- np_caps 0x1
check "flags of isolated follow: migration" -- test "$(np_sys flags)" = migration
r=$("$NP_BIN/npops" fault "$P" bind 4)
ok $([ "$(kv mbind "$r")" = EINVAL ]; echo $?) \
	"mbind to node $P without MEMPOLICY: EINVAL ($r)"
check "every capability again" -- np_caps 0xff

ok $([ "$(trace_count 'policy=np-test flags=0x13 set err=0')" = 1 ] &&
	[ "$(trace_count 'policy=np-test flags=0x13 clear err=0')" = 1 ] &&
	[ "$(trace_count ' error err=-22')" = 6 ]; echo $?) \
	"np_ops traced 1 set, 1 clear and 6 errors"

# Admission: the policy's callback decides each fault.
pages=1024
check "policy with admit=deny" -- np_policy 0x3 admit=deny
denied=$(np_stat denied)
r=$("$NP_BIN/npops" fault "$P" preferred 4)
ok $([ "$(kv mbind "$r")" = 0 ] && [ "$(kv sigbus "$r")" = 0 ] &&
	[ "$(kv on_node "$r")" = 0 ]; echo $?) \
	"PREFERRED, admission denied: every fault fell back ($r)"
r=$("$NP_BIN/npops" fault "$P" bind 4)
ok $([ "$(kv sigbus "$r")" = 1 ] && [ "$(kv on_node "$r")" = 0 ]; echo $?) \
	"BIND to node $P only, admission denied: SIGBUS, nothing placed ($r)"
ok $([ $(($(np_stat denied) - denied)) -ge $pages ]; echo $?) \
	"denied counter grew by at least $pages ($denied -> $(np_stat denied))"
calls=$(np_calls admit)
ok $([ "$calls" -ge $pages ]; echo $?) "admit callback called $calls times"

check "policy with admit=allow" -- np_policy 0x3 admit=allow
admitted=$(np_stat admitted)
r=$("$NP_BIN/npops" fault "$P" bind 4)
ok $([ "$(kv on_node "$r")" = $pages ]; echo $?) \
	"admission allowed: all $pages pages on node $P ($r)"
ok $([ $(($(np_stat admitted) - admitted)) -ge $pages ]; echo $?) \
	"admitted counter grew by at least $pages"

check "policy with admit=bad (invalid verdicts)" -- np_policy 0x3 admit=bad
errors=$(np_stat policy_errors)
log_mark
r=$("$NP_BIN/npops" fault "$P" bind 4)
ok $([ "$(kv on_node "$r")" = $pages ]; echo $?) \
	"invalid verdicts fall back to the flags' decision: placed ($r)"
ok $([ $(($(np_stat policy_errors) - errors)) -ge $pages ] &&
	log_since | grep -q "node $P: policy np-test: admit returned invalid verdict 42"; echo $?) \
	"invalid verdicts counted and logged ($errors -> $(np_stat policy_errors))"
check "back to the built-in policy" -- np_policy none
done_testing
