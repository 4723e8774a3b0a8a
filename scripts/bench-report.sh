#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-report.sh - collect one `make bench` run into docs/benchmarks.md
#
# Usage: scripts/bench-report.sh OUT [DOC]
#
# Reads what each benchmark of the run printed (OUT/bench-MODE/NAME.out,
# written by `make bench`), and writes OUT/benchmarks-run.md: the
# machine, the kernel base and series, QEMU, virtme-ng and the compilers,
# then every table of the run with its verdict lines, wall clock and
# instruction counts side by side per benchmark.  With DOC (make bench
# passes docs/benchmarks.md), the part of DOC between the markers
# "<!-- bench-run:begin -->" and "<!-- bench-run:end -->" is replaced by
# it; the rest of DOC, the reading of the figures, is left alone.
set -euo pipefail

usage() {
	sed -n 's/^# \{0,1\}//; 4,15p' "$0"
}

case "${1:-}" in
-h | --help) usage; exit 0 ;;
'') echo "bench-report: no OUT directory given" >&2; usage >&2; exit 2 ;;
esac
out=$1 doc=${2:-}
here=$(cd "$(dirname "$0")/.." && pwd)
report=$out/benchmarks-run.md

[ -d "$out" ] || { echo "bench-report: no directory $out" >&2; exit 1; }
[ -z "$doc" ] || grep -q '^<!-- bench-run:begin -->$' "$doc" || {
	echo "bench-report: $doc has no <!-- bench-run:begin --> marker" >&2
	exit 1
}

# first: the first line of a command's output, or "unknown".
first() {
	local line
	line=$("$@" 2>/dev/null | head -n 1) || true
	echo "${line:-unknown}"
}

cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
mem=$(awk '/^MemTotal:/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
commit=$(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -z "$(git -C "$here" status --porcelain -- kernel-patch bpf loader \
	tests include Makefile 2>/dev/null)" ] || commit="$commit (modified)"
patches=$(grep -c '\.patch$' "$here/kernel-patch/series")
base=$("$here/scripts/base.sh" installed 2>/dev/null || true)

{
	echo "Run of $(date -u +%F) (\`make bench\`, commit $commit):"
	echo
	echo "- machine: ${cpu:-unknown CPU}, $(nproc) CPUs, $mem," \
		"$(uname -r) host kernel"
	echo "- guest kernel: linux-source-6.12 ${base:-unknown} with the" \
		"$patches patches of kernel-patch/; unpatched baseline: the" \
		"same source and configuration"
	echo "- $(first qemu-system-x86_64 --version), TCG, one thread;" \
		"$(first vng --version)"
	echo "- kernel compiler: $(first gcc --version);" \
		"BPF compiler: $(first "${CLANG:-clang-19}" --version)"
	for b in ${BENCHES:-bpf cram scale tax}; do
		for mode in wall icount; do
			f=$out/bench-$mode/$b.out
			[ -f "$f" ] || continue
			echo
			case $mode in
			wall) echo "### $b, wall clock" ;;
			icount) echo "### $b, guest instructions (-icount)" ;;
			esac
			echo
			# The tables and verdicts; progress lines start "#".
			grep -v '^#' "$f" | grep -v '^[[:space:]]*$' |
				awk '{ t = /^\|/ } NR > 1 && t != pt { print "" }
				     { print; pt = t }'
		done
	done
} >"$report"
echo "bench-report: $report"

[ -n "$doc" ] || exit 0
tmp=$(mktemp "$doc.XXXXXX")
awk -v report="$report" '
	/^<!-- bench-run:begin -->$/ {
		print; while ((getline line < report) > 0) print line
		skip = 1; next
	}
	/^<!-- bench-run:end -->$/ { skip = 0 }
	!skip' "$doc" >"$tmp"
mv "$tmp" "$doc"
echo "bench-report: the run is in $doc"
