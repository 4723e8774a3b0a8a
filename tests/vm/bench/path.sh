#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: a BPF admission decision, instruction by instruction
# timeout: 600
# trace: gdb
# cmdline: nowatchdog
#
# Runs in the VM (make bench); the host single-steps the guest through
# QEMU's gdb stub (tests/vm/bench/path-trace.py, started by run.sh for a
# bench with a "trace:" header).  Protocol, through this test's output
# directory, which host and guest share:
#  - the guest writes trace-at: the address of the function to trace
#    (node_private_admit, which every admission decision runs), how
#    many calls to trace, the CPU they run on and the address of the
#    page fault's entry;
#  - the host attaches (the guest stops), sets a breakpoint there, writes
#    armed and lets the guest go on;
#  - the guest makes TRACE_PAGES faults on the private node under the
#    built-in policy, attaches bpf/isolate (the same decisions, as a BPF
#    program) and makes TRACE_PAGES more: each fault asks the policy
#    once; the host steps through every other call, one instruction at
#    a time, until it returns, and through the whole of the fault after
#    it, then detaches;
#  - the guest leaves kallsyms (with the BPF programs and trampolines in
#    it) for the host to name each instruction, and the host prints the
#    table (tests/vm/bench/path-report.py).
# The soft-lockup watchdog is off: a CPU stepped by the host takes no
# interrupt for many seconds of guest time, which it would report.
# While QEMU single-steps it masks interrupts and timers, so a trace is
# the decision's own path and nothing else: a path taken again counts the
# same (the report gives every call's total).
. "$NP_TESTS/lib.sh"
N=$NP_NODE
TRACE_PAGES=4
# The faults run there; the host traces the calls on that CPU only.
TRACE_CPU=1
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
# BPF programs and trampolines in kallsyms, to name their instructions.
echo 1 >/proc/sys/net/core/bpf_jit_kallsyms || exit 1

at=$(awk '$3 == "node_private_admit" { print $1; exit }' /proc/kallsyms)
[ -n "$at" ] && [ "$at" != 0000000000000000 ] || {
	echo "path: node_private_admit not in /proc/kallsyms" >&2
	exit 1
}
pf=$(awk '$3 == "asm_exc_page_fault" { print $1; exit }' /proc/kallsyms)
[ -n "$pf" ] || { echo "path: no asm_exc_page_fault in kallsyms" >&2; exit 1; }
# Whole or not at all: the host reads it as soon as it is there.  Every
# other fault's decision is traced, and the fault after it whole.
echo "$at $TRACE_PAGES $TRACE_CPU $pf" >"$NP_OUT/trace-at.tmp" &&
	mv "$NP_OUT/trace-at.tmp" "$NP_OUT/trace-at" || exit 1
sync
echo "# waiting for the host to set its breakpoint" >&2
for _ in $(seq $((600 * NP_SLOW))); do
	[ -f "$NP_OUT/armed" ] && break
	sleep 0.2
done
[ -f "$NP_OUT/armed" ] || {
	echo "path: the host did not attach within $((120 * NP_SLOW)) s" >&2
	exit 1
}

# faults MODE: TRACE_PAGES decisions on TRACE_CPU.
faults() {
	local out
	out=$(taskset -c $TRACE_CPU "$NP_BIN/npops" pages "$N" $TRACE_PAGES) ||
		return 1
	[ "$(kv on_node "$out")" = $TRACE_PAGES ] || {
		echo "path: $1 faults did not land on node $N: $out" >&2
		return 1
	}
	echo "# $1: $TRACE_PAGES faults traced" >&2
}
faults built-in || exit 1
"$NPCTL" attach isolate --node "$N" >/dev/null || exit 1
faults bpf || exit 1
cat /proc/kallsyms >"$NP_OUT/kallsyms" || exit 1
"$NPCTL" detach --node "$N" >/dev/null || exit 1
echo "# faults: $TRACE_PAGES built-in, then $TRACE_PAGES bpf/isolate"
