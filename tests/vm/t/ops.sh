#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: node policies: sysfs, flag validation at attach, device capabilities, admission callbacks and counters, the built-in policy's flags, chosen in sysfs and with npctl flags
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

# reject FLAGS MESSAGE: attaching the test policy with FLAGS is refused,
# the kernel log names the conflict, and the node keeps the built-in
# policy with no BPF policy left attached.
reject() {
	local err rc
	log_mark
	err=$(np_policy "$1" 2>&1)
	rc=$?
	ok $([ $rc != 0 ] &&
		log_since | grep -qF "node $P: policy np_testpol: $2" &&
		[ "$(np_sys policy)" = isolated ] &&
		[ "$(np_sys state)" = none ]; echo $?) \
		"flags $1 refused: $2 (${err##*: })"
}
# npctl checks the flags before loading; bpftool does not, so the kernel
# refuses on its own what npctl would not have sent.
err=$(np_policy 0x100 2>&1)
rc=$?
ok $([ $rc != 0 ] && [[ $err == *"0x100"* ]] &&
	[ "$(np_sys state)" = none ]; echo $?) \
	"npctl refuses flags 0x100 before loading (${err##*: })"
# np_badflags is built for node 2 (-DNP_NID), the guest's private node.
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
mkdir -p /sys/fs/bpf/ops
log_mark
"$BPFTOOL" struct_ops register "$NP_BPF/np_badflags.bpf.o" /sys/fs/bpf/ops \
	>/dev/null 2>&1
rc=$?
ok $([ $rc != 0 ] && [ "$P" = 2 ] &&
	log_since | grep -qF "node $P: policy np_badflags: unknown flags 0x100" &&
	[ "$(np_sys state)" = none ] && [ "$(np_sys policy)" = isolated ]
	echo $?) \
	"the kernel refuses flags 0x100 from bpftool struct_ops register (np_badflags is built for node 2; the private node is $P)"
rm -rf /sys/fs/bpf/ops
reject 0x2 "MEMPOLICY, NUMA_BALANCING and COMPACTION need MIGRATION"
reject 0x20 "MEMPOLICY, NUMA_BALANCING and COMPACTION need MIGRATION"
reject 0x40 "MEMPOLICY, NUMA_BALANCING and COMPACTION need MIGRATION"
reject 0xb "MEMPOLICY and PROTECT_WRITE exclude each other"
check "device without RECLAIM" -- np_caps 0xef
reject 0x11 "flags 0x10 are not capabilities of the device (0xef)"
check "every capability again" -- np_caps 0xff

check "policy 0x13 (migration mempolicy reclaim) accepted" -- np_policy 0x13
check "policy: np_testpol" -- test "$(np_sys policy)" = np_testpol
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

ok $([ "$(trace_count 'policy=np_testpol flags=0x13 attach err=0')" = 1 ] &&
	[ "$(trace_count 'policy=np_testpol flags=0x13 detach err=0')" = 1 ] &&
	[ "$(trace_count ' error err=-22')" = 5 ]; echo $?) \
	"np_ops traced 1 attach, 1 detach and 5 errors (the refusals at attach; np_badflags is refused earlier, as its map is filled)"

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

# An invalid verdict is an error of the policy: it is disabled at the
# first one (its link stays, its exit says why), and the fault it was
# asked about, like every later one, gets the built-in policy's decision.
check "policy with admit=bad (invalid verdicts)" -- np_policy 0x3 admit=bad
errors=$(np_stat policy_errors)
log_mark
r=$("$NP_BIN/npops" fault "$P" bind 4)
ok $([ "$(kv on_node "$r")" = $pages ]; echo $?) \
	"invalid verdicts fall back to the built-in decision: placed ($r)"
ok $([ $(($(np_stat policy_errors) - errors)) = 1 ] &&
	[ "$(np_calls admit)" = 1 ] && wait_state error &&
	[ "$(np_exit kind)" = error ] &&
	log_since | grep -q "node $P: BPF policy np_testpol disabled: admit returned invalid verdict 42"
	echo $?) \
	"the first invalid verdict disables the policy: 1 error, 1 call, state $(np_sys state), exit $(np_exit kind)"
check "back to the built-in policy" -- np_policy none

# The built-in policy's services, chosen by root in nodeN/private/flags:
# checked as the flags of any policy, kept while a BPF policy decides and
# back when it goes (also after an error), reset by a device that lacks
# one of them and by the node's removal.  (There is no C registration of
# policies to test: BPF is the only other kind.)
# flags_err NAME...: the error of writing NAME... to the flags file.
flags_err() {
	np_flags "$@" 2>&1 >/dev/null | sed 's/.*: //'
}
log_mark
err=$(flags_err mempolicy)
ok $([ "$err" = "Invalid argument" ] &&
	[ "$(np_sys flags)" = "migration mempolicy" ] &&
	log_since | grep -qF "node $P: policy isolated: MEMPOLICY, NUMA_BALANCING and COMPACTION need MIGRATION"
	echo $?) "built-in flags 'mempolicy' refused ($err), the reason logged"
log_mark
err=$(flags_err migration bogus)
ok $([ "$err" = "Invalid argument" ] &&
	[ "$(np_sys flags)" = "migration mempolicy" ] &&
	log_since | grep -qF "node $P: no service is named bogus"
	echo $?) "an unknown service name refused ($err), and logged"
command -v setpriv >/dev/null && id nobody >/dev/null
ok $? "setpriv and user nobody exist"
err=$(as_nobody sh -c "echo migration >$D/flags" 2>&1)
ok $([[ $err == *"Permission denied"* ]] &&
	[ "$(np_sys flags)" = "migration mempolicy" ]
	echo $?) "user nobody cannot choose the built-in policy's flags (${err##*: })"
check "built-in flags: migration" -- np_flags migration
check "flags: migration, policy still isolated" -- \
	test "$(np_sys flags),$(np_sys policy)" = migration,isolated
r=$("$NP_BIN/npops" fault "$P" bind 4)
ok $([ "$(kv mbind "$r")" = EINVAL ]; echo $?) \
	"mbind to node $P once root took MEMPOLICY away: EINVAL ($r)"
check "built-in flags: no service (an empty line)" -- np_flags ""
check "flags: empty" -- test -z "$(np_sys flags)"
check "built-in flags: migration mempolicy reclaim demotion" -- \
	np_flags migration mempolicy demotion reclaim
check "flags: migration mempolicy demotion reclaim" -- \
	test "$(np_sys flags)" = "migration mempolicy demotion reclaim"
check "node $P joined a memory tier with DEMOTION" -- in_tier "$P"
check "a BPF policy (0x3) replaces the built-in one" -- np_policy 0x3
check "node $P left the memory tiers: the BPF policy has no DEMOTION" -- \
	eval '! in_tier "$P"'
err=$(flags_err default)
ok $([ "$err" = "Device or resource busy" ] &&
	[ "$(np_sys flags)" = "migration mempolicy" ]
	echo $?) "the built-in flags cannot change while a BPF policy decides ($err)"
check "BPF policy detached" -- np_policy none
check "the chosen flags are back: migration mempolicy demotion reclaim" -- \
	test "$(np_sys flags)" = "migration mempolicy demotion reclaim"
check "node $P is in a memory tier again" -- in_tier "$P"
# A BPF policy that fails hands the node back to the chosen flags at
# once, not to the default ones.
check "policy 0x3 with admit=bad" -- np_policy 0x3 admit=bad
r=$("$NP_BIN/npops" fault "$P" bind 1)
ok $(wait_state error &&
	[ "$(np_sys flags)" = "migration mempolicy demotion reclaim" ]
	echo $?) "after the BPF policy's error: the chosen flags ($(np_sys flags))"
check "its link detached" -- np_policy none
log_mark
check "a device without RECLAIM is accepted" -- np_caps 0xef
ok $([ "$(np_sys flags)" = "migration mempolicy" ] &&
	log_since | grep -qF "node $P: device np-test lacks services chosen for policy isolated, which gets its default flags back"
	echo $?) "it returned the built-in policy to its default flags, with a warning"
check "every capability again" -- np_caps 0xff
check "built-in flags: migration reclaim" -- np_flags migration reclaim
counts=
for ev in 'flags=0x2 error err=-22' 'flags=0x1 set err=0' 'flags=0x0 set err=0' \
	'flags=0x17 set err=0' 'flags=0x11 set err=0'; do
	counts="$counts $(trace_count "policy=isolated $ev")"
done
ok $([ "$counts" = " 1 1 1 1 1" ]; echo $?) \
	"np_ops traced the built-in policy's refusal and its four choices, once each:$counts"
# npctl flags: the same choice for operators, its refusals explained.
# fjson PYTHON: npctl's -j output in $js is one object (d) for which
# PYTHON holds, and npctl wrote nothing on stderr.
fjson() {
	[ ! -s "$NP_OUT/flags.err" ] &&
		python3 -c 'import json, sys; d = json.loads(sys.argv[1]); '"$1" \
			"$js"
}
js=$("$NPCTL" -j flags --node "$P" migration,compaction \
	2>"$NP_OUT/flags.err")
ok $([ $? = 0 ] && fjson "assert d['node'] == $P and d['action'] == 'set'
assert d['policy'] == 'isolated', d
assert d['flags'] == 'migration compaction', d" &&
	[ "$(np_sys flags)" = "migration compaction" ]
	echo $?) "npctl -j flags --node $P migration,compaction: set ($js)"
out=$("$NPCTL" flags --node "$P")
ok $([ "$out" = "node $P: policy isolated, flags migration compaction" ]
	echo $?) "npctl flags --node $P prints them ($out)"
js=$("$NPCTL" -j flags 2>"$NP_OUT/flags.err")
ok $([ $? = 0 ] && fjson "n = [e for e in d['nodes'] if e['node'] == $P]
assert n == [{'node': $P, 'policy': 'isolated',
              'flags': 'migration compaction'}], d"
	echo $?) "npctl -j flags lists node $P among the private nodes"
out=$("$NPCTL" flags --node "$P" mempolicy 2>&1)
ok $([ $? = 1 ] &&
	[ "$out" = "flags: node $P: the kernel refused 'mempolicy' for the built-in policy (the device's capabilities: $(np_sys caps)); the kernel log says why" ] &&
	[ "$(np_sys flags)" = "migration compaction" ]
	echo $?) "npctl flags mempolicy: refused, the device's capabilities named, flags kept"
out=$("$NPCTL" flags --node "$P" "" 2>&1)
ok $([ $? = 2 ] && [[ $out == *"names no service"* ]] &&
	[ "$(np_sys flags)" = "migration compaction" ]
	echo $?) "npctl flags '' (an empty variable) is refused, not taken for none"
out=$("$NPCTL" flags --node "$P" none)
ok $([ $? = 0 ] && [ "$out" = "node $P: policy isolated, flags (none)" ] &&
	[ -z "$(np_sys flags)" ]
	echo $?) "npctl flags none: no service ($out)"
out=$("$NPCTL" flags --node "$P" default)
ok $([ $? = 0 ] && [ "$(np_sys flags)" = "migration mempolicy" ]
	echo $?) "npctl flags default: the default services ($out)"
out=$(as_nobody "$NPCTL" flags --node "$P" none 2>&1)
ok $([ $? = 1 ] && [[ $out == *"needs root"* ]] &&
	[ "$(np_sys flags)" = "migration mempolicy" ]
	echo $?) "npctl flags as nobody: refused ($out)"
check "a BPF policy (0x1) decides" -- np_policy 0x1
out=$("$NPCTL" flags --node "$P" reclaim 2>&1)
ok $([ $? = 1 ] && [[ $out == *"BPF policy np_testpol decides"* ]] &&
	[ "$(np_sys flags)" = migration ]
	echo $?) "npctl flags while a BPF policy decides: refused ($out)"
js=$("$NPCTL" -j flags --node "$P" reclaim 2>"$NP_OUT/flags.err")
ok $([ $? = 1 ] && fjson "assert list(d) == ['version', 'error'], d
assert 'np_testpol decides' in d['error'], d"
	echo $?) "the same under -j: one error object, exit 1 ($js)"
check "BPF policy detached" -- np_policy none
out=$("$NPCTL" flags --node 0 migration 2>&1)
ok $([ $? = 1 ] && [ "$out" = "node 0 is not private" ]; echo $?) \
	"npctl flags on node 0: $out"
# The choice goes with the node: removed and claimed again, it has the
# default flags.
echo "$P $NP_START $NP_SIZE" >"$NP_DBG/remove"
ok $? "node $P's memory removed"
echo "$P $NP_START $NP_SIZE" >"$NP_DBG/add"
ok $? "and claimed again"
check "flags of the node claimed again: migration mempolicy" -- \
	test "$(np_sys flags)" = "migration mempolicy"
done_testing
