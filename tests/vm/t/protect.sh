#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: NP_OPS_PROTECT_WRITE: pages demoted to the private node are read-only there and a write copies them to an ordinary node
# timeout: 600
. "$NP_TESTS/lib.sh"
P=$NP_NODE

# demote_then_write FLAGS: hold 64 MB on node 0, push it down to node P
# under policy FLAGS with memory pressure on node 0, then read and write
# it; prints npops' findings.
demote_then_write() {
	np_policy "$1" || return 1
	push_down_and_write
}

hook_calls() {
	awk -v n="$P" '$1 == n { sub("write_fault=", "", $4); print $4 }' \
		"$NP_DBG/device"
}

echo 1 >/sys/kernel/mm/numa/demotion_enabled

r=$(demote_then_write 0x5)
n=$(kv before "$r")
ok $([ "$n" -gt 1000 ] && [ "$(kv read "$r")" = "$n" ] &&
	[ "$(kv written "$r")" = "$n" ] && [ "$(kv intact "$r")" = 1 ]; echo $?) \
	"without PROTECT_WRITE demoted pages are written in place ($r)"

promoted=$(np_stat write_promoted) calls=$(hook_calls)
r=$(demote_then_write 0xd)
n=$(kv before "$r")
ok $([ "$n" -gt 1000 ] && [ "$(kv read "$r")" = "$n" ]; echo $?) \
	"with PROTECT_WRITE pages demote to node $P and reads leave them there ($r)"
ok $([ "$(kv written "$r")" = 0 ] && [ "$(kv intact "$r")" = 1 ]; echo $?) \
	"a write copies each page to an ordinary node, contents intact ($r)"
ok $([ $(($(np_stat write_promoted) - promoted)) -ge "$n" ] &&
	[ $(($(hook_calls) - calls)) -ge "$n" ]; echo $?) \
	"write_promoted and the device hook counted them ($promoted -> $(np_stat write_promoted), hook $calls -> $(hook_calls))"

check "device takes writes in place" -- np_caps "0xff write=allow"
inplace=$(np_stat write_in_place)
r=$(demote_then_write 0xd)
n=$(kv before "$r")
ok $([ "$n" -gt 1000 ] && [ "$(kv written "$r")" = "$n" ] &&
	[ "$(kv intact "$r")" = 1 ] &&
	[ $(($(np_stat write_in_place) - inplace)) -ge "$n" ]; echo $?) \
	"when the device's hook allows it, writes stay in place ($r)"
r=$(demote_then_write "0xd write=deny")
n=$(kv before "$r")
ok $([ "$n" -gt 1000 ] && [ "$(kv written "$r")" = 0 ] &&
	[ "$(kv intact "$r")" = 1 ] && [ "$(np_calls write)" -ge "$n" ]; echo $?) \
	"the policy's write_fault can still have them copied ($r, $(np_calls write) calls)"
np_caps 0xff

! np_policy 0x8d
ok $? "LONGTERM_PIN with PROTECT_WRITE is refused"

# A read-only long-term pin on a write-protected page must keep seeing the
# page its task writes to: demote under PROTECT_WRITE, pin while the policy
# allows long-term pins on the node, write under PROTECT_WRITE again.  A
# long-term pin never stays in ZONE_MOVABLE: online the node's memory as
# kernel memory, so that the flag decides.
np_policy none
for b in /sys/devices/system/node/node$P/memory[0-9]*; do
	echo offline >"$b/state" || break
done
for b in /sys/devices/system/node/node$P/memory[0-9]*; do
	echo online_kernel >"$b/state" || break
done
check "node $P onlined as kernel memory, still private" -- \
	grep -qw "$P" /sys/devices/system/node/has_private_memory
pin_then_write() {
	local line res
	np_policy 0xd || return 1
	coproc PW { "$NP_BIN/npops" pinwrite 0 16 "$P"; }
	read -r -t 120 line <&"${PW[0]}"
	numactl --membind=0 memhog -r1 1000M >/dev/null 2>&1
	echo go >&"${PW[1]}"
	read -r -t 120 line <&"${PW[0]}"
	np_policy 0x85 || return 1
	echo go >&"${PW[1]}"
	read -r -t 120 line <&"${PW[0]}"
	np_policy 0xd || return 1
	echo go >&"${PW[1]}"
	read -r -t 120 res <&"${PW[0]}"
	wait "$PW_PID"
	echo "$res"
}
inplace=$(np_stat write_in_place)
r=$(pin_then_write)
ok $([ "$(kv pin "$r")" = 0 ] && [ "$(kv pinned "$r")" -gt 100 ]; echo $?) \
	"pages demoted to node $P and pinned there read-only ($r)"
ok $([ "$(kv stale "$r")" = 0 ]; echo $?) \
	"every pin sees the task's write: pinned pages are not copied away ($r)"
ok $([ "$(kv written "$r")" -ge "$(kv pinned "$r")" ] &&
	[ $(($(np_stat write_in_place) - inplace)) -ge "$(kv pinned "$r")" ]; echo $?) \
	"pinned pages are written in place and counted ($inplace -> $(np_stat write_in_place))"
np_policy none
done_testing
