#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Itemise traced admission decisions: tests/vm/bench/path.sh's table.

path-report.py DIR VMLINUX

DIR holds what the path benchmark left: trace (path-trace.py: a line
of PCs per call of node_private_admit(), each maybe followed by one of
the whole fault that made the next decision) and kallsyms (the guest's,
with its BPF programs and trampolines).  The calls that ran BPF code were
decided by bpf/isolate, the others, all before them, by the built-in
policy.  Each instruction is named by the function it belongs to: in
node_private_admit() itself, by the function inlined there that it comes
from (addr2line -i on VMLINUX, the guest kernel with its debug
information); in a function node_private_admit() or a BPF trampoline
calls, by that function, callees included.  Prints a markdown table of
instructions per piece, built-in against BPF, then one of the whole
faults, and fails if the traces are not what the benchmark made (BPF
code run outside the program's trampoline, a policy missing, a
built-in decision after a BPF one, a fault without one decision).
"""

import bisect
import os
import statistics
import subprocess
import sys

TRACED = "node_private_admit"

# Pieces of a decision: the first pattern that matches a function's name
# gives its label; a pattern ending in "*" matches a prefix.  Kernel text
# and JIT images (kallsyms module "bpf") have labels of their own.
KERNEL_LABELS = [
    (("np_policy",), "policy and flags in force (np_policy)"),
    (("np_call_begin", "np_call_end"),
     "recursion guard, kfunc context (np_call_begin/np_call_end)"),
    (("np_verdict",), "verdict check (np_verdict)"),
    (("np_count",), "decision counters (np_count)"),
    (("trace_np_*",), "tracepoint (off: a NOP)"),
    (("rcu_read_lock", "rcu_read_unlock", "__rcu_read_lock",
      "__rcu_read_unlock"), "RCU read section of the dispatch"),
    (("__x86_indirect_thunk_*",), "indirect call: retpoline thunk"),
    (("__bpf_prog_enter*",),
     "__bpf_prog_enter (RCU read lock, migrate_disable, run context)"),
    (("__bpf_prog_exit*",),
     "__bpf_prog_exit (run context, stats, migrate_enable, RCU)"),
    ((TRACED,), "node_private_admit: entry, flag test, return"),
]
JIT_LABELS = [
    (("bpf__*", "bpf_trampoline_*"), "struct_ops trampoline (JIT)"),
    (("bpf_prog_*",), "the BPF program (bpf/isolate's admit)"),
]
TRAMPOLINE, PROGRAM = (text for _, text in JIT_LABELS)


def label(name, jit=False):
    for patterns, text in JIT_LABELS if jit else KERNEL_LABELS:
        for p in patterns:
            if name == p or (p.endswith("*") and name.startswith(p[:-1])):
                return text
    return name


def fail(msg):
    sys.stderr.write("path-report: %s\n" % msg)
    sys.exit(1)


def read_kallsyms(path):
    """Sorted (address, name, module) of the guest's text symbols."""
    syms = []
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) < 3 or parts[1] not in "tTwW":
                continue
            mod = parts[3].strip("[]") if len(parts) > 3 else ""
            syms.append((int(parts[0], 16), parts[2], mod))
    syms.sort()
    return syms


def symbol(syms, addrs, pc):
    i = bisect.bisect_right(addrs, pc) - 1
    if i < 0:
        return ("?", "")
    return syms[i][1], syms[i][2]


def inlined_in_traced(vmlinux, offset, pcs):
    """For PCs in the traced function: the function inlined into it."""
    if not pcs:
        return {}
    args = ["addr2line", "-a", "-i", "-f", "-e", vmlinux]
    args += ["0x%x" % (pc - offset) for pc in pcs]
    res = subprocess.run(args, capture_output=True, text=True, check=True)
    # Per address: the address, then a function and file:line pair per
    # level of inlining, innermost first, the traced function last.
    chains = []
    for line in res.stdout.splitlines():
        if line.startswith("0x"):
            chains.append([])
        elif chains:
            chains[-1].append(line)
    if len(chains) != len(pcs):
        fail("addr2line named %d addresses of %d" % (len(chains), len(pcs)))
    out = {}
    for pc, chain in zip(pcs, chains):
        names = chain[0::2]
        if names[-1] != TRACED:
            fail("addr2line puts 0x%x in %s, kallsyms in %s"
                 % (pc, names[-1], TRACED))
        out[pc] = names[-2] if len(names) > 1 else TRACED
    return out


def main():
    if len(sys.argv) > 1 and sys.argv[1] in ("-h", "--help"):
        sys.stdout.write(__doc__ + "\n")
        sys.exit(0)
    if len(sys.argv) != 3:
        sys.stderr.write("usage: path-report.py DIR VMLINUX\n")
        sys.exit(2)
    d, vmlinux = sys.argv[1], sys.argv[2]
    for f in (d + "/kallsyms", d + "/trace", vmlinux):
        if not os.path.isfile(f):
            fail("no %s" % f)

    syms = read_kallsyms(d + "/kallsyms")
    addrs = [s[0] for s in syms]
    text = [s[0] for s in syms if s[1] == "_text"]
    if not text:
        fail("no _text in the guest's kallsyms")
    nm = subprocess.run(["nm", vmlinux], capture_output=True, text=True,
                        check=True).stdout
    vtext = [int(l.split()[0], 16) for l in nm.splitlines()
             if l.endswith(" _text")]
    if not vtext:
        fail("no _text in %s" % vmlinux)
    offset = text[0] - vtext[0]

    calls, faults = [], []
    with open(d + "/trace") as f:
        for line in f:
            parts = line.split()
            if parts and parts[0] in ("call", "fault"):
                (calls if parts[0] == "call" else faults).append(
                    [int(p, 16) for p in parts[2:]])
    if not calls:
        fail("no call traced")
    if faults and len(faults) != len(calls):
        fail("%d calls but %d faults traced" % (len(calls), len(faults)))

    in_traced = sorted({pc for c in calls for pc in c
                        if symbol(syms, addrs, pc)[0] == TRACED})
    inl = inlined_in_traced(vmlinux, offset, in_traced)

    def pieces(pcs):
        """Instructions per piece, in order of first appearance."""
        counts, call, site = {}, None, None
        for pc in pcs:
            name, mod = symbol(syms, addrs, pc)
            if name == TRACED:
                key, call, site = label(inl[pc]), None, inl[pc]
            elif mod == "bpf":
                key, call, site = label(name, jit=True), None, None
            else:
                # A call out of the traced function counts, callees
                # included, to the function inlined there that made it
                # (np_policy's own RCU section is np_policy's); made by
                # the traced function itself or by a trampoline, to the
                # function called.
                if call is None:
                    call = label(site if site not in (None, TRACED)
                                 else name)
                key = call
            counts[key] = counts.get(key, 0) + 1
        return counts

    # A decision is BPF's when it ran BPF code: through the trampoline
    # into the program, or it is not one the benchmark made.
    counted = [pieces(c) for c in calls]
    is_bpf = [PROGRAM in c or TRAMPOLINE in c for c in counted]
    for n, c in enumerate(counted, 1):
        if is_bpf[n - 1] and not (PROGRAM in c and TRAMPOLINE in c):
            fail("call %d ran BPF code, but not the program through its "
                 "trampoline" % n)
    builtin = [c for c, b in zip(counted, is_bpf) if not b]
    bpf = [c for c, b in zip(counted, is_bpf) if b]
    if not builtin or not bpf:
        fail("%d built-in and %d BPF decisions traced: both are needed"
             % (len(builtin), len(bpf)))
    if is_bpf != sorted(is_bpf):
        fail("a built-in decision traced after a BPF one")

    def typical(runs):
        """The run with the median total; all totals."""
        totals = [sum(r.values()) for r in runs]
        med = statistics.median_low(totals)
        return runs[totals.index(med)], totals

    b, btot = typical(builtin)
    p, ptot = typical(bpf)
    rows = list(p) + [k for k in b if k not in p]
    print("| piece of an admission decision (guest instructions) "
          "| built-in policy | bpf/isolate |")
    print("|---|---|---|")
    for k in rows:
        print("| %s | %s | %s |" % (k, b.get(k, ""), p.get(k, "")))
    print("| **a decision, in all** | **%d** | **%d** |"
          % (sum(b.values()), sum(p.values())))
    print("| **BPF over the built-in policy** | | **%d** |"
          % (sum(p.values()) - sum(b.values())))
    print()
    print("Traced by single-stepping node_private_admit() through QEMU's "
          "gdb stub, interrupts masked: %d decisions under the built-in "
          "policy and %d under BPF, totals %s and %s; the table itemises "
          "the call with the median total of each."
          % (len(btot), len(ptot), ", ".join(map(str, btot)),
             ", ".join(map(str, ptot))))
    if faults:
        ran_bpf = [any(symbol(syms, addrs, pc)[1] == "bpf" for pc in f)
                   for f in faults]
        whole_faults(faults, calls[0][0], ran_bpf)


def decision_in(fault, at):
    """Instructions of @fault inside its one call of the traced function
    at @at (called directly: it returns 5 bytes past the call)."""
    starts = [i for i, pc in enumerate(fault) if pc == at]
    if len(starts) != 1 or starts[0] == 0:
        fail("a traced fault made %d decisions, not one" % len(starts))
    i = starts[0]
    ret = fault[i - 1] + 5
    for j in range(i + 1, len(fault)):
        if fault[j] == ret:
            return j - i
    fail("the decision in a traced fault did not return")


def whole_faults(faults, at, is_bpf):
    """The whole faults traced after the decisions, each under the policy
    whose decision it made (BPF when it ran BPF code)."""
    rows = []
    for bpf in (False, True):
        mode = [f for f, b in zip(faults, is_bpf) if b == bpf]
        total = [len(f) for f in mode]
        dec = [decision_in(f, at) for f in mode]
        rows.append((total, dec, [t - d for t, d in zip(total, dec)]))
    fmt = lambda v: ", ".join(map(str, v))
    print()
    print("| a whole page fault (guest instructions, from the exception to "
          "the return to user mode) | built-in policy | bpf/isolate |")
    print("|---|---|---|")
    for k, text in enumerate(("the fault, in all",
                              "its admission decision",
                              "the rest of the fault")):
        print("| %s | %s | %s |" % (text, fmt(rows[0][k]), fmt(rows[1][k])))
    rest_b, rest_p = sorted(rows[0][2]), sorted(rows[1][2])
    print()
    if rest_b == rest_p:
        print("Outside the decision the faults traced ran as many "
              "instructions under both policies.")
    else:
        print("Outside the decision the faults ran %s instructions under "
              "the built-in policy and %s under BPF."
              % (fmt(rest_b), fmt(rest_p)))


if __name__ == "__main__":
    main()
