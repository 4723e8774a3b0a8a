#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: where a BPF policy's faults spend their instructions
# timeout: 900
# trace: profile
# cmdline: nokaslr
#
# Runs in the VM (make bench B=profile, under -icount); QEMU counts every
# guest instruction by translated block (tests/vm/bench/tbprof.c, loaded
# by run.sh for a bench with "trace: profile") and writes the counts out
# each time the guest enters sysfs(2), a system call nothing else makes.
# The guest marks each run of faults on the private node, built-in
# policy and bpf/isolate in rounds ordered ABBA, so that the host
# (tests/vm/bench/profile-report.py) can tell, function by function, what
# a BPF policy's faults run that the built-in policy's do not.  Every
# instruction counts, on both vCPUs: interrupts, softirqs and the work of
# other tasks are in the profile as well as the faults.
. "$NP_TESTS/lib.sh"
N=$NP_NODE
ROUNDS=${NP_BENCH_ROUNDS:-8}
MB=64
abba_rounds profile "$ROUNDS" || exit 1
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
echo 1 >/proc/sys/net/core/bpf_jit_kallsyms || exit 1

# mark: enter sysfs(2); the host starts a new section of counts there.
mark() {
	perl -e 'syscall(139, 3) >= 0 or exit 1' || {
		echo "profile: sysfs(2) failed" >&2
		exit 1
	}
}

: >"$NP_OUT/sections"
: >"$NP_OUT/kallsyms-bpf"
# As the bpf benchmark: the vmstat work held off, four runs first, not
# counted.
hold_vmstat || exit 1
echo "# profile: four runs first, not counted" >&2
bench_warmup "$N" $MB || exit 1
# Then rounds in the order ABBA, so that each policy runs as often first
# as second after the other: the state of the page allocator's lists that
# one run leaves the next depends on the position.  The first section is
# everything up to the first mark; then each run of faults has a
# section, and so has each gap between them.
s=1
echo "# profile: $ROUNDS rounds of $MB MB, built-in and BPF" >&2
for r in $(seq "$ROUNDS"); do
	for mode in $(abba_order "$r"); do
		if [ $mode = bpf ]; then
			"$NPCTL" attach isolate --node "$N" >/dev/null || exit 1
			# Its program and trampoline by name, while they
			# exist: each attach loads them anew, elsewhere.
			grep -E '\[bpf\]' /proc/kallsyms \
				>>"$NP_OUT/kallsyms-bpf" || exit 1
		fi
		sleep 2
		mark
		out=$(bench_fault "$N" $MB) || exit 1
		mark
		echo "$s $mode $r $(kv pages "$out") $(kv ns "$out")" \
			>>"$NP_OUT/sections"
		s=$((s + 2))
		[ $mode = bpf ] &&
			{ "$NPCTL" detach --node "$N" >/dev/null || exit 1; }
	done
done
cp /proc/kallsyms "$NP_OUT/kallsyms" || exit 1
echo "# profile: $((s / 2)) runs marked" >&2
