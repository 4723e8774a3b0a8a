#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-report.sh - collect one `make bench` run into docs/benchmarks.md
#
# Usage: scripts/bench-report.sh OUT [DOC]
#        scripts/bench-report.sh --commit
#
# Reads what each benchmark of the run printed (OUT/bench-MODE/NAME.out,
# written by `make bench`), and writes OUT/benchmarks-run.md: the
# machine, the kernel base and series, QEMU, virtme-ng and the compilers,
# then every table of the run with its verdict lines, wall clock and
# instruction counts side by side per benchmark, and the bound the
# decision the path benchmark traced puts on the fault target.  With DOC
# (make bench passes docs/benchmarks.md), the part of DOC between the
# markers "<!-- bench-run:begin -->" and "<!-- bench-run:end -->" is
# replaced by it, unless a benchmark left no table; the rest of DOC, the
# reading of the figures, is left alone.  --commit prints the label of
# the commit a run starts from, which make bench passes back in
# BENCH_COMMIT.
set -euo pipefail

usage() {
	sed -n 's/^# \{0,1\}//; 4,20p' "$0"
}

here=$(cd "$(dirname "$0")/.." && pwd)

# commit_label: HEAD, "(modified)" when what a run builds is not committed.
commit_label() {
	local c
	c=$(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo unknown)
	[ -z "$(git -C "$here" status --porcelain -- kernel-patch bpf \
		loader tests include Makefile 2>/dev/null)" ] ||
		c="$c (modified)"
	echo "$c"
}

case "${1:-}" in
-h | --help) usage; exit 0 ;;
--commit) commit_label; exit 0 ;;
'') echo "bench-report: no OUT directory given" >&2; usage >&2; exit 2 ;;
esac
out=$1 doc=${2:-}
report=$out/benchmarks-run.md

[ -d "$out" ] || { echo "bench-report: no directory $out" >&2; exit 1; }
# DOC must have one begin marker and one end marker after it.
if [ -n "$doc" ] && ! awk '
	/^<!-- bench-run:begin -->$/ { b++; if (e) bad = 1 }
	/^<!-- bench-run:end -->$/ { e++; if (!b) bad = 1 }
	END { exit !(b == 1 && e == 1 && !bad) }' "$doc"; then
	echo "bench-report: $doc needs one <!-- bench-run:begin --> line" \
		"and one <!-- bench-run:end --> line after it" >&2
	exit 1
fi

# first: the first line of a command's output, or "unknown".
first() {
	local line
	line=$("$@" 2>/dev/null | head -n 1) || true
	echo "${line:-unknown}"
}

# exact_bound: what the fault target would give if a BPF policy cost a
# fault its traced decision and nothing else: the built-in policy's
# fault from the bpf benchmark (-icount, an average over many faults)
# and what the path benchmark traced a decision to add, both of this
# run.  A bound, not the verdict: work that a BPF policy adds to the
# faults it does not trace (once per batch of faults) would lower it.
# Nothing unless both ran.
exact_bound() {
	local f= d=
	local icount=$out/bench-icount/bpf.out path=$out/bench-wall/path.out
	case " ${BENCHES:-} " in *" bpf "*) ;; *) return 0 ;; esac
	case " ${BENCHES:-} " in *" path "*) ;; *) return 0 ;; esac
	[ -f "$icount" ] && [ -f "$path" ] || return 0
	f=$(awk -F'|' '/^\| Guest instructions per fault: built-in/ {
		gsub(/ /, "", $3); print $3 }' "$icount")
	d=$(awk -F'|' '/^\| \*\*BPF over the built-in policy\*\*/ {
		gsub(/[ *]/, "", $4); print $4 }' "$path")
	case "$f,$d" in
	,* | *, | *[!0-9,]*) return 0 ;;
	esac
	awk -v f="$f" -v d="$d" 'BEGIN {
		printf "Faults, bounded by the traced decision: a built-in" \
			" fault of %d guest instructions (bpf, -icount) and %d" \
			" more for a BPF decision (path) keep at most %.4f of" \
			" the throughput (target >= 0.97)\n", f, d, f / (f + d) }'
}

cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
mem=$(awk '/^MemTotal:/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
# The commit the run started from (make bench passes it), else now's.
commit=${BENCH_COMMIT:-$(commit_label)}
patches=$(grep -c '\.patch$' "$here/kernel-patch/series")
base=$("$here/scripts/base.sh" installed 2>/dev/null || true)
exact=$(exact_bound)
tcg="one thread"
[ "${NP_TCG:-}" = multi ] && tcg="multi-threaded"
missing=

{
	echo "Run of $(date -u +%F) (\`make bench\`, commit $commit):"
	echo
	echo "- machine: ${cpu:-unknown CPU}, $(nproc) CPUs, $mem," \
		"$(uname -r) host kernel"
	echo "- guest kernel: linux-source-6.12 ${base:-unknown} with the" \
		"$patches patches of kernel-patch/; unpatched baseline: the" \
		"same source and configuration without the series' options"
	echo "- $(first qemu-system-x86_64 --version), TCG ($tcg);" \
		"$(first vng --version)"
	echo "- kernel compiler: $(first gcc --version);" \
		"BPF compiler: $(first "${CLANG:-clang-19}" --version)"
	for b in ${BENCHES:-bpf path cram scale tax}; do
		[ -f "$out/bench-wall/$b.out" ] ||
			[ -f "$out/bench-icount/$b.out" ] ||
			missing="$missing $b"
		for mode in wall icount; do
			f=$out/bench-$mode/$b.out
			[ -f "$f" ] || continue
			echo
			case $b/$mode in
			path/*) echo "### $b, single-stepped (gdb)" ;;
			profile/*) echo "### $b, guest instructions by" \
				"function (QEMU plugin, -icount)" ;;
			*/wall) echo "### $b, wall clock" ;;
			*/icount) echo "### $b, guest instructions (-icount)" ;;
			esac
			echo
			# The tables and verdicts; progress lines start "#".
			if ! grep -q '^|' "$f"; then
				missing="$missing $b ($mode)"
				echo "(no table: the benchmark failed)"
				continue
			fi
			grep -v -e '^#' -e '^[[:space:]]*$' "$f" |
				awk '{ t = /^\|/ } NR > 1 && t != pt { print "" }
				     { print; pt = t }'
		done
	done
	if [ -n "$exact" ]; then
		echo
		echo "### The fault target, bounded by the traced decision"
		echo
		echo "$exact"
	fi
} >"$report"
echo "bench-report: $report"
[ -z "$exact" ] || echo "$exact"

[ -n "$doc" ] || exit 0
# A run that lost a benchmark's tables does not replace the last whole one.
if [ -n "$missing" ]; then
	echo "bench-report: no table from$missing: $doc left as it was" >&2
	exit 1
fi
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
awk -v report="$report" '
	/^<!-- bench-run:begin -->$/ {
		print; while ((getline line < report) > 0) print line
		skip = 1; next
	}
	/^<!-- bench-run:end -->$/ { skip = 0 }
	!skip' "$doc" >"$tmp"
cat "$tmp" >"$doc"
echo "bench-report: the run is in $doc"
