#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: private memory is out of MemTotal/MemFree/MemAvailable and sysinfo(2) (PrivateTotal/PrivateFree instead), CommitLimit, dirty limits and tmpfs sizes; the OOM killer's total and a task's badness count it whatever the flags, so oom_score_adj keeps its range
# timeout: 300
. "$NP_TESTS/lib.sh"
P=$NP_NODE

kb() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }
thresh() { awk '$1 == "nr_dirty_threshold" { print $2 }' /proc/vmstat; }
# settled_thresh: the dirty threshold once it stops moving.  Free pages
# reach the global counters from per-CPU ones about once a second, so
# right after a large free (the holders below) it lags behind.
settled_thresh() {
	local a b d i
	b=$(thresh)
	for i in $(seq 15); do
		sleep 1
		a=$b b=$(thresh) d=$((a - b))
		[ "${d#-}" -lt 200 ] && break
	done
	echo "$b"
}

total=$(kb MemTotal) priv=$(node_mem "$P" MemTotal) swap=$(kb SwapTotal)
# /proc/meminfo and sysinfo(2) describe ordinary memory: the sum of the
# other nodes; the private node is PrivateTotal and PrivateFree.
ordinary=0 ofree=0
for n in /sys/devices/system/node/node[0-9]*; do
	n=${n##*node}
	[ "$n" = "$P" ] && continue
	ordinary=$((ordinary + $(node_mem "$n" MemTotal)))
	ofree=$((ofree + $(node_mem "$n" MemFree)))
done
free=$(kb MemFree) pfree=$(node_mem "$P" MemFree)
ok "$([ "$total" = "$ordinary" ] && [ "$(kb PrivateTotal)" = "$priv" ]; echo $?)" \
	"MemTotal $total kB is the ordinary nodes' $ordinary kB; PrivateTotal $(kb PrivateTotal) kB is node $P's $priv kB"
ok "$([ $((free - ofree)) -le $((ofree / 50)) ] &&
	[ $((ofree - free)) -le $((ofree / 50)) ] &&
	[ "$(kb MemAvailable)" -le $((ofree + $(kb Cached))) ]; echo $?)" \
	"MemFree $free kB and MemAvailable $(kb MemAvailable) kB leave out node $P's $pfree kB free (ordinary nodes: $ofree kB; PrivateFree $(kb PrivateFree) kB)"
phys=$(python3 -c 'import os; print(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") // 1024)')
ok "$([ "$phys" = "$total" ]; echo $?)" \
	"sysinfo(2) totalram ($phys kB) is MemTotal"
ratio=$(cat /proc/sys/vm/overcommit_ratio)
want=$((total / 4 * ratio / 100 * 4 + swap))
got=$(kb CommitLimit)
ok $([ $((got - want)) -le 4 ] && [ $((want - got)) -le 4 ]; echo $?) \
	"CommitLimit ${got} kB leaves out node $P's ${priv} kB (expected ${want} kB)"

# tmpfs_size [OPTS]: "BLOCKS INODES" of a fresh tmpfs mount (4 KiB blocks).
tmpfs_size() {
	local d r
	d=$(mktemp -d /run/nptmpfs.XXXXXX)
	mount -t tmpfs ${1:+-o "$1"} none "$d" || { rmdir "$d"; return 1; }
	r=$(stat -f -c '%b %c' "$d")
	umount "$d"
	rmdir "$d"
	echo "$r"
}
half=$((total / 4 / 2))
read -r blocks inodes < <(tmpfs_size)
ok $([ "$blocks" = "$half" ] && [ "$inodes" = "$half" ]; echo $?) \
	"tmpfs default: $blocks blocks, $inodes inodes: half of the ordinary $((total / 4)) pages (expected $half)"
# size=N% rounds the bytes up to whole pages.
up=$((total / 4 * 50 * 4096 / 100))
up=$(((up + 4095) / 4096))
read -r blocks inodes < <(tmpfs_size size=50%)
ok $([ "$blocks" = "$up" ]; echo $?) \
	"tmpfs size=50%: $blocks blocks (expected $up)"

# oom_score is (1000 + 1000 * badness / total) * 2 / 3, where badness
# is the task's RSS plus oom_score_adj * total / 1000.  The total counts
# all memory and swap, the private node included, whatever its flags:
# badness counts the pages a task maps there (the kernel keeps no RSS
# per node), and a total without them would let a score leave its range
# and oom_score_adj lose its reach.
# near A B: A and B differ by 2 at most (rounding, the task's own pages).
near() { [ $(($1 - $2)) -le 2 ] && [ $(($2 - $1)) -le 2 ]; }
all=$(((total + $(kb PrivateTotal) + swap) / 4))
# score PAGES ADJ: the oom_score of a task with PAGES resident.
score() { echo $(((1000 + ($1 + $2 * all / 1000) * 1000 / all) * 2 / 3)); }
coproc HOLD { exec "$NP_BIN/npops" hold 0 256; }
read -r -t 120 line <&"${HOLD[0]}"
s_iso=$(cat "/proc/$HOLD_PID/oom_score")
check "policy 0x5 (migration demotion)" -- np_policy 0x5
s_pol=$(cat "/proc/$HOLD_PID/oom_score")
predict=$(score 65536 0)
ok $(near "$s_iso" "$predict" && near "$s_pol" "$predict"; echo $?) \
	"256 MB on node 0: oom_score $s_iso isolated, $s_pol with policy 0x5 (predicted $predict from all $all pages, private ones included)"
np_policy none
echo go >&"${HOLD[1]}"
wait "$HOLD_PID"

# Pages on the private node count in a task's badness, and in that of a
# forked child that shares them, whatever the flags say; oom_score_adj
# takes its share of the whole total off.
coproc FH { exec "$NP_BIN/npops" forkhold "$P" 256 0; }
read -r -t 120 line <&"${FH[0]}"
child=$(kv child "$line")
echo "# $line"
p_iso=$(cat "/proc/$FH_PID/oom_score") c_iso=$(cat "/proc/$child/oom_score")
check "policy 0x5 (migration demotion)" -- np_policy 0x5
p_pol=$(cat "/proc/$FH_PID/oom_score") c_pol=$(cat "/proc/$child/oom_score")
ok $(near "$p_iso" "$predict" && near "$c_iso" "$predict" &&
	near "$p_pol" "$predict" && near "$c_pol" "$predict"; echo $?) \
	"256 MB on node $P: oom_score $p_iso/$c_iso (parent/child) isolated, $p_pol/$c_pol with policy 0x5, predicted $predict"
echo -300 >"/proc/$child/oom_score_adj"
c_adj=$(cat "/proc/$child/oom_score")
predict=$(score 65536 -300)
ok $(near "$c_adj" "$predict"; echo $?) \
	"oom_score_adj -300 takes 300/1000 of all $all pages off: child's oom_score $c_adj (predicted $predict)"
np_policy none
echo go >&"${FH[1]}"
read -r -t 120 line <&"${FH[0]}"
wait "$FH_PID"
ok $([ "$(kv ret "$line")" = 0 ] && [ "$(kv on_target "$line")" = 65536 ] &&
	[ "$(kv intact "$line")" = 1 ]; echo $?) \
	"the pages moved off node $P after the child ended ($line)"

# Removing the private node changes neither limit: neither counted it.
# Had the dirty threshold counted the node's free memory, the removal
# would take dirty_ratio percent of it away; free memory elsewhere moves
# it by thousands of pages on a slow kernel (KASAN's quarantine, the
# holder's pages freed just now), so the test is that it lost less than
# half of that.
free_kb=$(awk '$3 == "MemFree:" { print $4 }' "/sys/devices/system/node/node$P/meminfo")
counted=$((free_kb / 4 * $(cat /proc/sys/vm/dirty_ratio) / 100))
c1=$(kb CommitLimit) t1=$(settled_thresh) s1=$(tmpfs_size)
check "private range removed" -- \
	sh -c "echo '$P $NP_START $NP_SIZE' >$NP_DBG/remove"
c2=$(kb CommitLimit) t2=$(settled_thresh) s2=$(tmpfs_size)
ok $([ "$c1" = "$c2" ]; echo $?) "CommitLimit unchanged by the removal ($c1 -> $c2 kB)"
ok $([ "$s1" = "$s2" ]; echo $?) \
	"tmpfs default size unchanged by the removal ($s1 -> $s2 blocks, inodes)"
ok $([ "$counted" -gt 10000 ] && [ $((t1 - t2)) -lt $((counted / 2)) ]; echo $?) \
	"dirty threshold did not lose node $P's $((free_kb / 1024)) MB free by the removal ($t1 -> $t2 pages; counting them would take $counted)"
done_testing
