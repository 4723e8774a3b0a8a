#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: cost of a BPF admission decision against the number of private nodes and the policy's work
# timeout: 1500
# nodes: 4
#
# Runs in the VM (make bench).  Faults placed on the first private node
# by mbind, one admission decision each, pinned to CPU 1:
#  - with 1, 2 and 4 private nodes registered, each with np_lookups
#    (bpf/isolate's decisions) attached, lookups=0, against the built-in
#    policy on the same node;
#  - with one private node, np_lookups doing 0, 1, 4 and 16 hash map
#    lookups per decision.
# Rounds interleave the cases, and order each case's two runs ABBA.
# With the vmstat work held off (hold_vmstat) the page allocator's lists
# still change state here, some 20 instructions per fault apart, but
# slowly, over several cases (not from run to run as in bpf.sh): a
# case's two runs, adjacent, mostly share one, and ABBA with means over
# the rounds (under -icount; medians on the wall clock, whose outliers
# are the host's) spreads what is left evenly over both policies.
# Prints a table and writes scale.data
# (CASE NODES LOOKUPS INSNS_OR_NS_PER_FAULT) and scale.svg, the plot,
# into the output directory.
. "$NP_TESTS/lib.sh"
N=$NP_NODE
ctl=/sys/kernel/debug/private_node_test
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
ROUNDS=${NP_BENCH_ROUNDS:-8}
abba_rounds scale "$ROUNDS" || exit 1
MB=32

ranges=$(cat $ctl/ranges)
[ "$(echo "$ranges" | wc -l)" = 4 ] || {
	echo "scale: expected four private nodes, the driver holds: $ranges" >&2
	exit 1
}
nodes_of() { echo "$ranges" | head -n "$1" | cut -d' ' -f1 | tr '\n' ' '; }

# nodes K: exactly the first K ranges claimed, nothing attached.
nodes() {
	local nid start size i=0
	while read -r nid start size; do
		i=$((i + 1))
		"$NPCTL" detach --node "$nid" >/dev/null 2>&1
		if [ $i -le "$1" ]; then
			grep -q "^$nid " $ctl/ranges ||
				echo "$nid $start $size" >$ctl/add || return 1
		elif grep -q "^$nid " $ctl/ranges; then
			echo "$nid $start $size" >$ctl/remove || return 1
		fi
	done <<<"$ranges"
}

# attach L NIDS: np_lookups with L lookups on each node of NIDS.
attach() {
	local l=$1 nid
	shift
	for nid in "$@"; do
		"$NPCTL" attach np_lookups --node "$nid" --set "lookups=$l" \
			>/dev/null || return 1
	done
}

# cost: guest instructions (-icount) or ns per fault on node N, x10.
cost() {
	local out
	out=$(bench_fault "$N" $MB) || return 1
	echo $(($(kv ns "$out") * 10 / $(kv pages "$out")))
}

# As the bpf benchmark: the vmstat work held off, four runs first, not
# counted (the first faults after boot cost more).
hold_vmstat || exit 1
bench_warmup "$N" $MB || exit 1
: >"$NP_OUT/scale.raw"
for r in $(seq "$ROUNDS"); do
	cases="n1 n2 n4 l1 l4 l16"
	[ $((r % 2)) = 0 ] && cases="l16 l4 l1 n4 n2 n1"
	for c in $cases; do
		case $c in
		n*) k=${c#n} l=0 ;;
		l*) k=1 l=${c#l} ;;
		esac
		b='' p=''
		for mode in $(abba_order "$r"); do
			# nodes detaches every policy; BPF's run attaches.
			nodes "$k" || {
				echo "scale: cannot claim $k nodes" >&2
				exit 1
			}
			# shellcheck disable=SC2046
			[ $mode = builtin ] || attach "$l" $(nodes_of "$k") || {
				echo "scale: cannot attach np_lookups" >&2
				exit 1
			}
			# As bpf.sh: what a change set going finishes first,
			# or the other vCPU's work counts in the fault's
			# guest time.
			sleep 2
			if [ $mode = builtin ]; then
				b=$(cost) || exit 1
			else
				p=$(cost) || exit 1
			fi
		done
		[ -n "$b" ] && [ -n "$p" ] ||
			{ echo "scale: case $c lost a run" >&2; exit 1; }
		echo "$c $k $l $b $p" >>"$NP_OUT/scale.raw"
		echo "#   round $r: $k node(s), $l lookups: built-in $b, BPF $p (x10)" >&2
	done
done

python3 - "$NP_OUT" "${NP_ICOUNT:-0}" <<'PY'
import statistics, sys
out, icount = sys.argv[1], sys.argv[2] == "1"
rows = [l.split() for l in open(f"{out}/scale.raw")]
unit = "guest instructions" if icount else "ns"
# The figures are tenths, rounded half up at the end, so that the table
# and the plot agree.  Under -icount, means over all rounds: ordered
# ABBA, they spread the allocator's states evenly over both policies.
# On the wall clock, medians (and the median of the rounds' differences):
# there the outliers are the host's.
agg, how = (statistics.mean, "means") if icount else (statistics.median, "medians")
per = {}
for c, k, l, b, p in rows:
    per.setdefault((int(k), int(l)), []).append((int(b), int(p)))
res = {}
for key, v in per.items():
    b = agg(x[0] for x in v) / 10
    p = agg(x[1] for x in v) / 10
    res[key] = (b, p, agg(x[1] - x[0] for x in v) / 10)
r = lambda v: int(v + 0.5)
print(f"| private nodes | map lookups per decision | per fault, built-in ({unit}) | per fault, BPF ({unit}) | a decision adds ({unit}, {how} of rounds ABBA) | decisions per {'10^9 guest instructions' if icount else 'second'} |")
print("|---|---|---|---|---|---|")
with open(f"{out}/scale.data", "w") as f:
    for (k, l) in sorted(res, key=lambda x: (x[1] > 0, x[0], x[1])):
        b, p, d = res[(k, l)]
        # Under -icount the means' difference is the difference of the
        # means: from the rounded figures, so that the row adds up.
        shown = r(p) - r(b) if icount else r(d)
        print(f"| {k} | {l} | {r(b)} | {r(p)} | {shown} | {r(1e9 / p)} |")
        f.write(f"{k} {l} {b:.2f} {p:.2f} {d:.2f}\n")
PY
"$NP_TESTS/bench/plot-scale.py" "$NP_OUT/scale.data" "$NP_OUT/scale.svg" \
	"$([ "${NP_ICOUNT:-0}" = 1 ] && echo "guest instructions" || echo ns)" ||
	exit 1
echo
echo "# the plot: $NP_OUT/scale.svg"
