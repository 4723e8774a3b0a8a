#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: NP_OPS_COMPACTION, NUMA_BALANCING, RECLAIM and LONGTERM_PIN, each on and off
# timeout: 600
. "$NP_TESTS/lib.sh"
P=$NP_NODE

echo "# COMPACTION"
trace_start node_private/np_migrate "src_nid == $P && dst_nid == $P"
coproc FRAG { exec "$NP_BIN/npops" frag "$P" 128; }
read -r -t 120 line <&"${FRAG[0]}"
ok $([ "$(kv on_node "$line")" = 16384 ]; echo $?) \
	"every other page of 128 MB left on node $P ($line)"
faddr=$(kv addr "$line") flen=$(kv len "$line")
# compact WHERE: compact node P (node) or every node (all); prints how many
# of the range's pages changed page frame (from its pagemap, not from the
# code under test) and the compaction events traced for node P.
compact() {
	local before after
	before=$(pfns "$FRAG_PID" "$faddr" "$flen")
	echo >"$NP_TRACE/trace"
	if [ "$1" = node ]; then
		echo 1 >"/sys/devices/system/node/node$P/compact"
	else
		echo 1 >/proc/sys/vm/compact_memory
	fi
	after=$(pfns "$FRAG_PID" "$faddr" "$flen")
	echo "moved=$(paste <(echo "$before") <(echo "$after") |
		awk '$1 != "-" && $1 != $2' | wc -l)" \
		"present=$(echo "$after" | grep -vc -- -)" \
		"traced=$(trace_count "reason=compaction")"
}
r=$(compact node)
ok $([ "$(kv moved "$r")" = 0 ] && [ "$(kv present "$r")" = 16384 ] &&
	[ "$(kv traced "$r")" = 0 ]; echo $?) \
	"isolated (no COMPACTION): nodeN/compact leaves node $P alone ($r)"
r=$(compact all)
ok $([ "$(kv moved "$r")" = 0 ] && [ "$(kv traced "$r")" = 0 ]; echo $?) \
	"isolated: compact_memory leaves node $P alone ($r)"
check "policy 0x41 (migration compaction)" -- np_policy 0x41
r=$(compact node)
ok $([ "$(kv moved "$r")" -gt 0 ] && [ "$(kv present "$r")" = 16384 ] &&
	[ "$(kv traced "$r")" -gt 0 ] && [ "$(trace_count denied)" = 0 ]; echo $?) \
	"with COMPACTION nodeN/compact moves pages within node $P ($r)"
echo go >&"${FRAG[1]}"
wait "$FRAG_PID"
echo 0 >"$NP_TRACE/events/node_private/np_migrate/enable"

echo "# NUMA_BALANCING"
echo 1 >/proc/sys/kernel/numa_balancing
check "policy 0x3 (migration mempolicy)" -- np_policy 0x3
r=$("$NP_BIN/npops" numab "$P" 16 30)
ok $([ "$(kv start "$r")" = 4096 ] && [ "$(kv end "$r")" = 4096 ]; echo $?) \
	"without NUMA_BALANCING pages stay on node $P while touched from a CPU node ($r)"
check "policy 0x23 (migration mempolicy numa_balancing)" -- np_policy 0x23
r=$("$NP_BIN/npops" numab "$P" 16 30)
ok $([ "$(kv start "$r")" = 4096 ] && [ "$(kv end "$r")" -lt 4096 ]; echo $?) \
	"with NUMA_BALANCING hinting faults pull pages to the CPU's node ($r)"
echo 0 >/proc/sys/kernel/numa_balancing

echo "# RECLAIM"
# kswapd_wakes: kswapd wake-ups of node P while node P is overfilled.
kswapd_wakes() {
	echo >"$NP_TRACE/trace"
	"$NP_BIN/nptest" fill "$P" preferred >/dev/null
	trace_count "mm_vmscan_kswapd_wake"
}
trace_start vmscan/mm_vmscan_kswapd_wake "nid == $P"
kpid=$(pgrep -x "kswapd$P")
cpu0=$(awk '{ print $14 + $15 }' "/proc/$kpid/stat")
check "policy 0x3 (no RECLAIM)" -- np_policy 0x3
refused=$(np_stat kswapd_denied)
n=$(kswapd_wakes)
ok $([ "$n" = 0 ] && [ "$(np_stat kswapd_denied)" -gt "$refused" ]; echo $?) \
	"without RECLAIM kswapd$P is never woken ($n wake-ups, $refused -> $(np_stat kswapd_denied) refused)"
cpu1=$(awk '{ print $14 + $15 }' "/proc/$kpid/stat")
ok $([ $((cpu1 - cpu0)) -le 10 ]; echo $?) \
	"kswapd$P did not spin ($((cpu1 - cpu0)) ticks)"
check "policy 0x13 (migration mempolicy reclaim)" -- np_policy 0x13
n=$(kswapd_wakes)
ok $([ "$n" -gt 0 ]; echo $?) "with RECLAIM kswapd$P is woken ($n wake-ups)"
echo 0 >"$NP_TRACE/events/vmscan/mm_vmscan_kswapd_wake/enable"

echo "# LONGTERM_PIN"
np_policy none
# Pages on ZONE_MOVABLE are never long-term pinned in place; online the
# node's memory as kernel memory so that the flag decides.
for b in /sys/devices/system/node/node$P/memory[0-9]*; do
	echo offline >"$b/state" || break
done
for b in /sys/devices/system/node/node$P/memory[0-9]*; do
	echo online_kernel >"$b/state" || break
done
check "node $P onlined as kernel memory, still private" -- \
	grep -qw "$P" /sys/devices/system/node/has_private_memory
check "policy 0x3 (no LONGTERM_PIN)" -- np_policy 0x3
r=$("$NP_BIN/npops" pin "$P" 16)
ok $([ "$(kv pin "$r")" = 0 ] && [ "$(kv before "$r")" = 4096 ] &&
	[ "$(kv after "$r")" = 0 ]; echo $?) \
	"without LONGTERM_PIN a long-term pin moves the pages off node $P ($r)"
check "policy 0x83 (migration mempolicy longterm_pin)" -- np_policy 0x83
r=$("$NP_BIN/npops" pin "$P" 16)
ok $([ "$(kv pin "$r")" = 0 ] && [ "$(kv after "$r")" = 4096 ]; echo $?) \
	"with LONGTERM_PIN the pinned pages stay on node $P ($r)"
np_policy none
done_testing
