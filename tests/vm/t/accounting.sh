#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: private memory is out of CommitLimit and dirty limits; NP_OPS_OOM_ELIGIBLE decides whether it scales oom_score
# timeout: 300
. "$NP_TESTS/lib.sh"
P=$NP_NODE

kb() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }
thresh() { awk '$1 == "nr_dirty_threshold" { print $2 }' /proc/vmstat; }

total=$(kb MemTotal) priv=$(node_mem "$P" MemTotal) swap=$(kb SwapTotal)
ratio=$(cat /proc/sys/vm/overcommit_ratio)
want=$(((total - priv) / 4 * ratio / 100 * 4 + swap))
got=$(kb CommitLimit)
ok $([ $((got - want)) -le 4 ] && [ $((want - got)) -le 4 ]; echo $?) \
	"CommitLimit ${got} kB leaves out node $P's ${priv} kB (expected ${want} kB)"

# oom_score is (1000 + 1000 * badness / total) * 2 / 3.
coproc HOLD { exec "$NP_BIN/npops" hold 0 256; }
read -r -t 120 line <&"${HOLD[0]}"
s_iso=$(cat "/proc/$HOLD_PID/oom_score")
check "policy 0x5 (migration demotion: OOM eligible)" -- np_policy 0x5
s_elig=$(cat "/proc/$HOLD_PID/oom_score")
all=$((total + swap))
share=$((s_iso * 3 / 2 - 1000))
predict=$(((1000 + share * (all - priv) / all) * 2 / 3))
ok $([ "$s_iso" -gt "$s_elig" ] && [ $((s_elig - predict)) -le 2 ] &&
	[ $((predict - s_elig)) -le 2 ]; echo $?) \
	"oom_score $s_iso without, $s_elig with OOM_ELIGIBLE (predicted $predict)"
np_policy none
echo go >&"${HOLD[1]}"
wait "$HOLD_PID"

# Removing the private node changes neither limit: neither counted it.
c1=$(kb CommitLimit) t1=$(thresh)
check "private range removed" -- \
	sh -c "echo '$P $NP_START $NP_SIZE' >$NP_DBG/remove"
c2=$(kb CommitLimit) t2=$(thresh)
ok $([ "$c1" = "$c2" ]; echo $?) "CommitLimit unchanged by the removal ($c1 -> $c2 kB)"
d=$((t1 - t2))
ok $([ "${d#-}" -lt 5000 ]; echo $?) \
	"dirty threshold unchanged by the removal of 1 GB free ($t1 -> $t2 pages)"
done_testing
