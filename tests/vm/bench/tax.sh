#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: the tax on ordinary memory: the same workloads with and without private nodes
# timeout: 1500
# nodes: 2
#
# Runs in the VM, on the patched kernel or (run.sh --no-private) on the
# unpatched one; tests/vm/taxrun.sh boots both in turn and compares.
# Every workload of taxbench runs on CPU 1 and touches ordinary memory
# only.  On the patched kernel it runs in two states, alternated within
# the guest: "none", no private node at all (the test driver's ranges
# removed: the static key is off), and "bpf", both private nodes claimed,
# each with bpf/isolate attached; on the unpatched kernel, in state
# "base", twice as many rounds.  Prints one line per state, round and
# workload: STATE ROUND WORKLOAD MEDIAN_NS MIN_NS.
. "$NP_TESTS/lib.sh"
ROUNDS=${NP_TAX_ROUNDS:-3}
REPS=${NP_TAX_REPS:-5}
WORK="anon fork mmap read mix"
ctl=/sys/kernel/debug/private_node_test
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf

# The files of read and mix: a tmpfs of the guest's own, nothing that
# waits on the host.
dir=/run/taxbench
mkdir -p $dir && mount -t tmpfs -o size=256M taxbench $dir || exit 1
# As the other benchmarks: the vmstat work held off for the guest's life.
hold_vmstat || exit 1

# measure STATE ROUND: the workloads once, as result lines, each in a
# process of its own: what one workload leaves in the address space then
# changes nothing in the next one's (taxbench itself turns the layout's
# randomisation off and works in a directory of its own).
measure() {
	local out w
	local pat='^\([a-z]*\) median=\([0-9.]*\) min=\([0-9.]*\) .*'
	for w in $WORK; do
		echo 3 >/proc/sys/vm/drop_caches
		out=$(taskset -c 1 "$NP_BIN/taxbench" -d $dir -r "$REPS" \
			$w) || {
			echo "tax: taxbench $w failed in state $1" >&2
			exit 1
		}
		echo "$out" | sed -n "s/$pat/$1 $2 \1 \2 \3/p"
	done
}

# One round first, not counted: on the unpatched kernel the first round
# after boot measured the file mix 0.4% longer than the later rounds.
echo "# tax: one round first, not counted" >&2
out=$(measure warmup 0) || exit 1
echo "$out" | sed 's/^/#   not counted: /' >&2

if [ "$NP_KIND" = noclaim ]; then
	# As many measurements as the patched kernel's two states make.
	for r in $(seq $((2 * ROUNDS))); do
		measure base "$r"
	done
	exit 0
fi

# The ranges the driver claimed at boot, to remove and add again.
ranges=$(cat $ctl/ranges)
[ "$(echo "$ranges" | wc -l)" = 2 ] || {
	echo "tax: expected two private nodes, the driver holds: $ranges" >&2
	exit 1
}

state_none() {
	local nid start size
	while read -r nid start size; do
		grep -q "^$nid " $ctl/ranges || continue
		# Nothing is attached before the first "bpf" state.
		"$NPCTL" detach --node "$nid" >/dev/null 2>&1
		echo "$nid $start $size" >$ctl/remove || return 1
	done <<<"$ranges"
	[ -z "$(cat /sys/devices/system/node/has_private_memory)" ]
}

state_bpf() {
	local nid start size
	while read -r nid start size; do
		if ! grep -q "^$nid " $ctl/ranges; then
			echo "$nid $start $size" >$ctl/add || return 1
		fi
		"$NPCTL" detach --node "$nid" >/dev/null 2>&1
		"$NPCTL" attach isolate --node "$nid" >/dev/null || return 1
	done <<<"$ranges"
	[ -n "$(cat /sys/devices/system/node/has_private_memory)" ]
}

for r in $(seq "$ROUNDS"); do
	if [ $((r % 2)) = 1 ]; then order="none bpf"; else order="bpf none"; fi
	for s in $order; do
		if [ "$s" = none ]; then
			state_none || { echo "tax: cannot remove the nodes" >&2; exit 1; }
		else
			state_bpf || { echo "tax: cannot claim the nodes" >&2; exit 1; }
		fi
		measure "$s" "$r"
	done
done
