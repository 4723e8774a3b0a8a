#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-report.sh: the tests of scripts/bench-report.sh, in TAP form.
# A run's tables, and only they, replace the run section of the document,
# with the versions of what measured them; the rest of the document stays.
set -u
top=$(dirname "$(dirname "$(dirname "$(readlink -f "$0")")")")
report=$top/scripts/bench-report.sh
TAP_NAME=bench-report.sh
. "$top/tests/host/tap.sh"
TAP_LOGS="$tmp/log"

mkdir -p "$tmp/out/bench-wall" "$tmp/out/bench-icount"
printf '# progress\n| a | b |\n|---|---|\n| wall-fig | 1 |\nFaults: PASS\n' \
	>"$tmp/out/bench-wall/bpf.out"
printf '# progress\n| a | b |\n|---|---|\n| icount-fig | 2 |\n' \
	>"$tmp/out/bench-icount/bpf.out"
printf '| t | u |\n|---|---|\n| tax-fig | 3 |\n' \
	>"$tmp/out/bench-icount/tax.out"
cat >"$tmp/doc.md" <<'DOC'
# Title
before
<!-- bench-run:begin -->
stale-line
<!-- bench-run:end -->
after
DOC

chmod 644 "$tmp/doc.md"
BENCHES="bpf tax" "$report" "$tmp/out" "$tmp/doc.md" >"$tmp/log" 2>&1
tap $? "a whole run is written"
sec=$(sed -n '/^<!-- bench-run:begin -->$/,/^<!-- bench-run:end -->$/p' \
	"$tmp/doc.md")
grep -q '^# Title$' "$tmp/doc.md" && grep -q '^before$' "$tmp/doc.md" &&
	grep -q '^after$' "$tmp/doc.md" && ! grep -q stale-line "$tmp/doc.md" &&
	[ "$(stat -c %a "$tmp/doc.md")" = 644 ]
tap $? "the run section is replaced, the rest and the mode of the document kept"
echo "$sec" | grep -q '| wall-fig | 1 |' && echo "$sec" |
	grep -q '| icount-fig | 2 |' && echo "$sec" | grep -q '| tax-fig | 3 |' &&
	echo "$sec" | grep -q '^Faults: PASS$' && ! echo "$sec" | grep -q progress
tap $? "every table and verdict of the run, no progress line"
echo "$sec" | grep -q "^- .*QEMU emulator version\|^- unknown, TCG" &&
	echo "$sec" | grep -q '^- kernel compiler: ' &&
	echo "$sec" | grep -q "^- guest kernel: linux-source-6.12 .* with the [0-9]* patches"
tap $? "the machine, kernel, QEMU and compiler versions are named"
w=$(echo "$sec" | grep -n '^### bpf, wall clock$' | cut -d: -f1)
i=$(echo "$sec" | grep -n '^### bpf, guest instructions' | cut -d: -f1)
[ -n "$w" ] && [ -n "$i" ] && [ "$w" -lt "$i" ]
tap $? "wall clock, then instruction counts, per benchmark"

# A benchmark that did not run, or ran and printed no table: the report
# says so, and the document keeps the last whole run.
cp "$tmp/doc.md" "$tmp/good.md"
! BENCHES="bpf cram tax" "$report" "$tmp/out" "$tmp/doc.md" >"$tmp/log" 2>&1 &&
	grep -q 'no table from cram' "$tmp/log" && cmp -s "$tmp/doc.md" "$tmp/good.md"
tap $? "a benchmark that did not run leaves the document alone"
printf '# booting\n' >"$tmp/out/bench-wall/cram.out"
! BENCHES="bpf cram tax" "$report" "$tmp/out" "$tmp/doc.md" >"$tmp/log" 2>&1 &&
	grep -q '^(no table: the benchmark failed)$' "$tmp/out/benchmarks-run.md" &&
	cmp -s "$tmp/doc.md" "$tmp/good.md"
tap $? "a benchmark that printed no table is reported, the document left alone"
rm "$tmp/out/bench-wall/cram.out"

# The traced benchmark runs once, and is not called wall clock.
printf '| piece | n |\n|---|---|\n| trampoline | 29 |\n' \
	>"$tmp/out/bench-wall/path.out"
BENCHES="bpf path" "$report" "$tmp/out" >"$tmp/log" 2>&1 &&
	grep -q '^### path, single-stepped (gdb)$' \
		"$tmp/out/benchmarks-run.md" &&
	! grep -q '^### path, wall' "$tmp/out/benchmarks-run.md" &&
	grep -q '| trampoline | 29 |' "$tmp/out/benchmarks-run.md"
tap $? "the traced benchmark's table is headed as what it is"

# With both the -icount fault and the traced decision of the run, the
# bound the decision puts on the fault target is given, under a heading
# of its own.
printf '| Guest instructions per fault: built-in / BPF (the same four rounds) | 3800 | 3910 | | |\n' \
	>>"$tmp/out/bench-icount/bpf.out"
printf '| **BPF over the built-in policy** | | **116** |\n' \
	>>"$tmp/out/bench-wall/path.out"
bound='Faults, bounded by the traced decision: .* 3800 .* 116 more .* keep'
BENCHES="bpf path" "$report" "$tmp/out" >"$tmp/log" 2>&1 &&
	grep -q "$bound at most 0.9704 of the throughput" \
		"$tmp/out/benchmarks-run.md" &&
	grep -q "$bound at most 0.9704 " "$tmp/log" &&
	grep -q '^### The fault target, bounded by the traced decision$' \
		"$tmp/out/benchmarks-run.md"
tap $? "the bound the traced decision puts on the fault target: report, stdout"
BENCHES="path" "$report" "$tmp/out" >"$tmp/log" 2>&1 &&
	! grep -q 'traced decision' "$tmp/out/benchmarks-run.md"
tap $? "no such bound from a stale bpf output of another run"
rm "$tmp/out/bench-wall/path.out"
BENCHES="bpf" "$report" "$tmp/out" >"$tmp/log" 2>&1 &&
	! grep -q 'traced decision' "$tmp/out/benchmarks-run.md"
tap $? "no such bound without the path benchmark"

for bad in 'no markers' \
	'<!-- bench-run:begin -->\nno end\n' \
	'<!-- bench-run:end -->\n<!-- bench-run:begin -->\n' \
	'<!-- bench-run:begin -->\n<!-- bench-run:end -->\n<!-- bench-run:begin -->\n<!-- bench-run:end -->\n'; do
	printf "$bad" >"$tmp/bad.md"
	cp "$tmp/bad.md" "$tmp/bad.orig"
	! BENCHES="bpf tax" "$report" "$tmp/out" "$tmp/bad.md" >"$tmp/log" 2>&1 &&
		grep -q 'needs one <!-- bench-run:begin --> line' "$tmp/log" &&
		cmp -s "$tmp/bad.md" "$tmp/bad.orig"
	tap $? "markers refused and the document left alone: $(printf "$bad" | tr '\n' ' ')"
done
! "$report" "$tmp/nonexistent" >"$tmp/log" 2>&1
tap $? "a missing run directory is refused"

tap_end
