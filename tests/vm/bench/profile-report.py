#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Name and compare the instruction counts of the profile benchmark.

profile-report.py DIR COUNTS SYSTEM_MAP

DIR is the benchmark's output directory (sections: "SECTION MODE ROUND
PAGES NS" per run of faults; kallsyms: the guest's; kallsyms-bpf: its
BPF programs and trampolines, taken while they were attached); COUNTS is
what tbprof.c wrote: "section K" lines, each followed by "VADDR INSNS
EXECS" per translated block executed since the last mark.  Each block's
instructions count to the guest function it starts in.

Prints, per fault placed on the private node, what each policy's runs
executed in all and in the functions where the policies differ most,
each difference with its standard error over the runs (a function the
runs execute the same number of times has none); writes every
function's figures to DIR/profile.tsv.  Exits 1 on input it cannot use.
"""
import bisect
import collections
import math
import statistics
import sys

MODES = ("builtin", "bpf")
SHOWN = 25
STEADY = 0.5


def marker(name):
    """A section or padding label rather than a function."""
    return name.startswith("__pfx_") or name.endswith(
        ("_text_start", "_text_end", "_start", "_end"))


def load_symbols(paths):
    """Sorted addresses of the guest's code and their names.  Of several
    names at one address, a function's wins over a section label's."""
    syms = {}
    for path, needed in paths:
        try:
            f = open(path)
        except OSError as e:
            if needed:
                sys.exit(f"profile-report: {e}")
            continue
        with f:
            for line in f:
                w = line.split()
                if len(w) < 3 or w[1] not in "tTwW":
                    continue
                addr = int(w[0], 16)
                if addr and (addr not in syms or marker(syms[addr])):
                    syms[addr] = w[2]
    addrs = sorted(syms)
    return addrs, [syms[a] for a in addrs]


def load_counts(path):
    """Per section: {block address: instructions executed}."""
    sections = []
    cur = None
    try:
        with open(path) as f:
            for n, line in enumerate(f, 1):
                if line.startswith("section "):
                    cur = collections.Counter()
                    sections.append(cur)
                    continue
                w = line.split()
                if cur is None or len(w) != 3:
                    sys.exit(f"profile-report: {path}:{n}: not a count")
                cur[int(w[0], 16)] += int(w[1]) * int(w[2])
    except (OSError, ValueError) as e:
        sys.exit(f"profile-report: {path}: {e}")
    return sections


def load_runs(path):
    runs = []
    try:
        with open(path) as f:
            for line in f:
                s, mode, rnd, pages, _ns = line.split()
                if mode not in MODES or int(pages) <= 0:
                    raise ValueError(f"bad run: {line.strip()}")
                runs.append((int(s), mode, int(rnd), int(pages)))
    except (OSError, ValueError) as e:
        sys.exit(f"profile-report: {path}: {e}")
    return runs


def diff_se(a, b):
    """Standard error of mean(b) - mean(a)."""
    return math.sqrt(statistics.variance(a) / len(a) +
                     statistics.variance(b) / len(b))


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: profile-report.py DIR COUNTS SYSTEM_MAP")
    out, counts, system_map = sys.argv[1:]
    addrs, names = load_symbols([(system_map, False),
                                 (f"{out}/kallsyms", True),
                                 (f"{out}/kallsyms-bpf", False)])
    sections = load_counts(counts)
    runs = load_runs(f"{out}/sections")

    def name(addr):
        if addr < 1 << 47:
            return "[user space]"
        i = bisect.bisect_right(addrs, addr) - 1
        return names[i] if i >= 0 else "[unknown]"

    # Per mode: one {function: instructions per fault} per run.
    per = {m: [] for m in MODES}
    for s, mode, rnd, pages in runs:
        if s >= len(sections):
            sys.exit(f"profile-report: section {s} was not written")
        funcs = collections.Counter()
        for addr, n in sections[s].items():
            funcs[name(addr)] += n
        per[mode].append({fn: n / pages for fn, n in funcs.items()})
    if any(len(per[m]) < 2 for m in MODES):
        sys.exit("profile-report: needs two runs of each policy at least")

    def values(mode, fn):
        return [r.get(fn, 0.0) for r in per[mode]]

    fns = set().union(*(r for m in MODES for r in per[m]))
    rows = []
    for fn in fns:
        b, p = values("builtin", fn), values("bpf", fn)
        rows.append((statistics.mean(p) - statistics.mean(b), fn,
                     statistics.mean(b), statistics.mean(p),
                     diff_se(b, p)))
    rows.sort(key=lambda r: (-abs(r[0]), r[1]))
    with open(f"{out}/profile.tsv", "w") as f:
        f.write("function\tbuiltin\tbpf\tbpf-builtin\tstderr\n")
        for d, fn, mb, mp, se in rows:
            f.write(f"{fn}\t{mb:.2f}\t{mp:.2f}\t{d:.2f}\t{se:.2f}\n")

    tot = {m: [sum(r.values()) for r in per[m]] for m in MODES}
    tb, tp = (statistics.mean(tot[m]) for m in MODES)
    mb_, mp_ = (statistics.median(tot[m]) for m in MODES)
    print("| guest instructions per fault placed on the private node "
          "(both vCPUs, mean of runs) | built-in policy | bpf/isolate | "
          "BPF - built-in (± standard error) |")
    print("|---|---|---|---|")
    print(f"| everything executed during a run | {tb:.0f} | {tp:.0f} | "
          f"{tp - tb:+.1f} ± {diff_se(tot['builtin'], tot['bpf']):.1f} |")
    shown = [r for r in rows if abs(r[0]) >= 0.5][:SHOWN]
    for d, fn, mb, mp, se in shown:
        print(f"| {fn} | {mb:.1f} | {mp:.1f} | {d:+.1f} ± {se:.1f} |")
    rest = [[sum(v for fn, v in r.items()
                 if fn not in {s[1] for s in shown}) for r in per[m]]
            for m in MODES]
    print(f"| every other function | {statistics.mean(rest[0]):.0f} | "
          f"{statistics.mean(rest[1]):.0f} | "
          f"{statistics.mean(rest[1]) - statistics.mean(rest[0]):+.1f}"
          f" ± {diff_se(*rest):.1f} |")

    # What only a BPF decision runs, against what the runs vary in.
    # Steady: varies by less than half an instruction per fault.  Only
    # BPF's: run less than once per 20 faults by the built-in policy's
    # runs (another task may call migrate_disable(), for instance).
    steady = [r for r in rows if r[4] < STEADY]
    only = [r for r in steady if r[2] < 0.05 and r[0] >= 0.5]
    varying = [r for r in rows if r[4] >= STEADY]
    print()
    print(f"Runs: {len(per['builtin'])} built-in, {len(per['bpf'])} BPF "
          "(rounds ABBA); instructions per fault, run by run: built-in "
          + ", ".join(f"{t:.0f}" for t in tot["builtin"])
          + "; BPF " + ", ".join(f"{t:.0f}" for t in tot["bpf"])
          + f"; medians {mb_:.0f} and {mp_:.0f}, {mp_ - mb_:+.0f}.")
    print(f"Code only a BPF decision runs, the same in every run: "
          f"{sum(r[0] for r in only):+.1f} per fault "
          f"({', '.join(f'{r[1]} {r[0]:.0f}' for r in only)}).")
    print(f"Every function steady (within {STEADY} per fault) in the "
          f"runs of each policy: "
          f"{sum(r[0] for r in steady):+.1f} per fault; the functions "
          f"whose count varies from run to run: "
          f"{sum(r[0] for r in varying):+.1f} per fault "
          f"({len(varying)} functions).")


if __name__ == "__main__":
    main()
