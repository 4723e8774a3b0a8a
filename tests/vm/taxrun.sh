#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# taxrun.sh --kernel BZIMAGE --base-kernel BZIMAGE --bin DIR --out DIR
#           [--boots N] [--icount]
#
# The tax on ordinary memory: boots the unpatched kernel (--base-kernel,
# make baseline builds it from np-base with the same configuration) and
# the patched one in turn, N times each (2 by default), and runs
# tests/vm/bench/tax.sh in each guest: taxbench's workloads, on ordinary
# memory only, on the unpatched kernel, and on the patched one with no
# private node and with two private nodes that have bpf/isolate
# attached.  Prints a markdown table of the median cost per operation
# and the throughput of each patched state relative to the unpatched
# kernel.  With --icount the guests run under -icount shift=0 and the
# costs are guest instructions; the target (0.995 of the unpatched
# kernel for every workload) is judged only then.  Exit status 0 when
# every guest measured, 1 otherwise (a missed target is reported, not
# failed).
set -u
here=$(dirname "$(readlink -f "$0")")
kernel= base= bin= out= boots=2 icount=

usage() {
	sed -n 's/^# \?//p' "$0" | sed -n '4,5p' >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=$2; shift ;;
	--base-kernel) base=$2; shift ;;
	--bin) bin=$2; shift ;;
	--out) out=$2; shift ;;
	--boots) boots=$2; shift ;;
	--icount) icount=--icount ;;
	-h|--help) sed -n 's/^# \?//p' "$0" | sed -n '4,20p'; exit 0 ;;
	*) echo "taxrun.sh: unknown argument '$1'" >&2; usage ;;
	esac
	shift
done
[ -n "$kernel" ] && [ -n "$base" ] && [ -n "$bin" ] && [ -n "$out" ] ||
	usage
for k in "$kernel" "$base"; do
	if [ ! -f "$k" ]; then
		echo "taxrun.sh: no kernel image $k${base:+ (make baseline builds the unpatched one)}" >&2
		exit 1
	fi
done
case $boots in
''|*[!0-9]*|0) echo "taxrun.sh: --boots takes a positive number" >&2
	exit 2 ;;
esac
mkdir -p "$out"
out=$(readlink -f "$out")
: >"$out/results"

# boot KIND I: one guest, its result lines appended to results.
boot() {
	local kind=$1 i=$2 k=$kernel np= dir
	[ "$kind" = base ] && k=$base np=--no-private
	dir=$out/$kind-$i
	echo "tax: boot $i of $boots, $kind kernel..." >&2
	if ! "$here/run.sh" --kernel "$k" --bin "$bin" --out "$dir" \
		--bench tax $np $icount >"$dir.log" 2>&1; then
		echo "tax: the $kind guest failed, see $dir.log" >&2
		return 1
	fi
	grep -E '^(base|none|bpf) [0-9]+ [a-z]+ ' "$dir.log" |
		sed "s/^/$i /" >>"$out/results"
}

fail=0
for i in $(seq "$boots"); do
	if [ $((i % 2)) = 1 ]; then order="base patched"; else order="patched base"; fi
	for kind in $order; do
		boot "$kind" "$i" || fail=1
	done
done
[ $fail = 0 ] || exit 1

python3 - "$out/results" "${icount:+1}" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
icount = sys.argv[2] == "1"
units = {"anon": "anonymous fault, per 4 KiB page",
         "fork": "fork + exit + wait, 16 MiB mapped",
         "mmap": "mmap + touch + munmap, 64 KiB",
         "read": "page cache read, per 4 KiB page",
         "mix": "file create/write/read/unlink + 256 KiB anon"}
cost = {}
for boot, state, rnd, work, med, mn in rows:
    cost.setdefault((state, work), []).append(float(med))
what = "guest instructions" if icount else "ns"
print(f"| per operation ({what}, median of rounds) | unpatched | patched, no private node | patched, 2 private nodes + BPF | target |")
print("|---|---|---|---|---|")
missed = []
for work in units:
    try:
        b = statistics.median(cost[("base", work)])
        n = statistics.median(cost[("none", work)])
        p = statistics.median(cost[("bpf", work)])
    except KeyError:
        print(f"tax: no figures for {work}", file=sys.stderr)
        sys.exit(1)
    rn, rp = b / n, b / p
    for state, r in (("no private node", rn), ("private nodes", rp)):
        if r < 0.995:
            missed.append(f"{work} with {state} ({r:.3f})")
    fmt = lambda v: f"{v:.0f}" if v >= 100 else f"{v:.1f}"
    print(f"| {units[work]} | {fmt(b)} | {fmt(n)} ({rn:.3f}) | {fmt(p)} ({rp:.3f}) | {'>= 0.995' if icount else 'judged under -icount'} |")
print()
print(f"{len(rows)} figures from {len({r[0] for r in rows})} boot(s) of each kernel; ratios are the unpatched kernel's cost over the state's (throughput relative to unpatched).")
if icount:
    print("Tax target (>= 0.995 of unpatched): " +
          ("met" if not missed else "missed: " + ", ".join(missed)))
# A missed target (judged under -icount) fails the run, after the table.
sys.exit(1 if icount and missed else 0)
PY
