#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: NP_OPS_MIGRATION and NP_OPS_MEMPOLICY gate moves into and out of the private node; offlining ignores them
# timeout: 500
. "$NP_TESTS/lib.sh"
P=$NP_NODE
pages=2048	# 8 MB

# moves_in EXPECT: move_pages(2), migrate_pages(2) and mbind(MPOL_MF_MOVE)
# move 8 MB into node P (EXPECT=all) or leave it where it is (EXPECT=none).
moves_in() {
	local what r n want
	for what in move migrate mbindmove; do
		r=$("$NP_BIN/npops" "$what" "$P" 8)
		n=$(kv on_node "$r")
		want=$([ "$1" = all ] && echo $pages || echo 0)
		ok $([ "$n" = "$want" ]; echo $?) \
			"$what into node $P under flags $(np_sys flags | tr ' ' ,): $n of $pages pages moved ($r)"
	done
}

echo "# built-in policy: migration mempolicy"
in=$(np_stat migrated_in)
hooks=$(awk -v n="$P" '$1 == n { print $3 }' "$NP_DBG/device")
moves_in all
ok $([ $(($(np_stat migrated_in) - in)) -ge $((3 * pages)) ]; echo $?) \
	"migrated_in counted the moves ($in -> $(np_stat migrated_in))"
now=$(awk -v n="$P" '$1 == n { print $3 }' "$NP_DBG/device")
ok $([ $((${now#folio_migrate=} - ${hooks#folio_migrate=})) -ge $((3 * pages)) ]; echo $?) \
	"the device's folio_migrate hook saw every folio ($hooks -> $now)"

echo "# MIGRATION without MEMPOLICY"
check "policy 0x1" -- np_policy 0x1
r=$("$NP_BIN/npops" fault "$P" bind 4)
ok $([ "$(kv mbind "$r")" = EINVAL ]; echo $?) "mbind names node $P: EINVAL ($r)"
denied=$(np_stat migrate_denied)
moves_in none
ok $([ "$(np_stat migrate_denied)" -gt "$denied" ]; echo $?) \
	"migrate_denied counted the refusals ($denied -> $(np_stat migrate_denied))"
r=$("$NP_BIN/npops" move "$P" 8)
ok $([ "$(kv ret "$r")" = $pages ]; echo $?) \
	"move_pages reports all $pages pages as not migrated ($r)"

echo "# no flags at all"
check "policy 0x0" -- np_policy 0x0
moves_in none

echo "# the policy's migrate callback"
check "policy 0x3 migrate=deny" -- np_policy 0x3 migrate=deny
moves_in none
calls=$(np_calls migrate)
ok $([ "$calls" -ge $pages ]; echo $?) "migrate callback asked $calls times"
check "policy 0x3 migrate=allow" -- np_policy 0x3 migrate=allow
moves_in all

# hold_then FLAGS TARGET: fill 16 MB on node P under the built-in policy,
# switch to FLAGS, then move the range to TARGET; prints npops' result.
hold_then() {
	local line res
	np_policy none
	coproc HOLD { "$NP_BIN/npops" hold "$P" 16 "$2"; }
	read -r -t 120 line <&"${HOLD[0]}"
	np_policy "$1"
	echo go >&"${HOLD[1]}"
	read -r -t 120 res <&"${HOLD[0]}"
	wait "$HOLD_PID"
	echo "$line $res"
}

echo "# moves out of node $P"
r=$(hold_then 0x0 0)
ok $([ "$(kv on_node "$r")" = 4096 ] && [ "$(kv on_target "$r")" = 0 ] &&
	[ "$(kv intact "$r")" = 1 ]; echo $?) \
	"without MIGRATION nothing leaves node $P ($r)"
out=$(np_stat migrated_out)
r=$(hold_then 0x1 0)
ok $([ "$(kv on_target "$r")" = 4096 ] && [ "$(kv intact "$r")" = 1 ]; echo $?) \
	"with MIGRATION the pages move to node 0 ($r)"
ok $([ $(($(np_stat migrated_out) - out)) -ge 4096 ]; echo $?) \
	"migrated_out counted them ($out -> $(np_stat migrated_out))"

echo "# offlining ignores the policy"
np_policy none
coproc HOLD { "$NP_BIN/npops" hold "$P" 64; }
read -r -t 120 line <&"${HOLD[0]}"
check "policy 0x0: no migration at all" -- np_policy 0x0
ok $([ "$(kv on_node "$line")" = 16384 ]; echo $?) "64 MB held on node $P ($line)"
check "the private range is offlined and removed" -- \
	sh -c "echo '$P $NP_START $NP_SIZE' >$NP_DBG/remove"
echo go >&"${HOLD[1]}"
read -r -t 120 res <&"${HOLD[0]}"
wait "$HOLD_PID"
ok $([ "$(kv intact "$res")" = 1 ] && [ "$(kv on_node "$res")" = 0 ]; echo $?) \
	"the held pages were evacuated intact ($res)"
check "node $P is no longer private" -- \
	sh -c "! grep -qw $P /sys/devices/system/node/has_private_memory"
done_testing
