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
# each with bpf/isolate attached.  Prints one line per state, round and
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

# measure STATE ROUND: the workloads once, as result lines.
measure() {
	local out
	echo 3 >/proc/sys/vm/drop_caches
	out=$(taskset -c 1 "$NP_BIN/taxbench" -d $dir -r "$REPS" $WORK) || {
		echo "tax: taxbench failed in state $1" >&2
		exit 1
	}
	echo "$out" | sed -n "s/^\([a-z]*\) median=\([0-9.]*\) min=\([0-9.]*\) .*/$1 $2 \1 \2 \3/p"
}

if [ "$NP_KIND" = noclaim ]; then
	for r in $(seq "$ROUNDS"); do
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
