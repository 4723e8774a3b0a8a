#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# profile-report.sh: the tests of tests/vm/bench/profile-report.py, in TAP
# form, on made-up counts: four runs of 100 faults (ABBA), where every
# BPF run executes a trampoline and a retpoline thunk the built-in runs do
# not, and the page allocator's work varies from run to run.  The table
# must name each block by its function, give each difference its spread,
# and tell the code only BPF runs from what merely varies.
set -u
top=$(dirname "$(dirname "$(dirname "$(readlink -f "$0")")")")
report=$top/tests/vm/bench/profile-report.py
TAP_NAME=profile-report.sh
. "$top/tests/host/tap.sh"
TAP_LOGS="$tmp/log"

d=$tmp/out
mkdir -p "$d"
cat >"$tmp/System.map" <<'EOF'
ffffffff81000000 T node_private_admit
ffffffff81001000 T __rmqueue_pcplist
ffffffff81002000 T __softirqentry_text_end
ffffffff81002000 T __x86_indirect_thunk_array
ffffffff81003000 T clear_page_erms
ffffffff81004000 D some_data
EOF
# The guest's kallsyms has the same functions, the label last.
{ sed -n '1,2p;4,6p' "$tmp/System.map"; sed -n 3p "$tmp/System.map"; } \
	>"$d/kallsyms"
printf 'ffffffffc0000000 t bpf__node_private_ops_admit\t[bpf]\n' \
	>"$d/kallsyms-bpf"
cat >"$d/sections" <<'EOF'
1 builtin 1 100 1000
3 bpf 1 100 1000
5 bpf 2 100 1000
7 builtin 2 100 1000
EOF
# run SECTION ALLOC MODE: one run's blocks; ALLOC instructions per fault in
# the page allocator, in two blocks of the function.
run() {
	echo "section $1"
	echo "ffffffff81000000 10 100"
	echo "ffffffff81001000 1 $((100 * $2 / 2))"
	echo "ffffffff81001010 1 $((100 * $2 / 2))"
	echo "ffffffff81003000 200 100"
	echo "400000 5 100"
	if [ "$3" = bpf ]; then
		echo "ffffffff81002000 3 100"
		echo "ffffffffc0000010 29 100"
	fi
}
{
	echo "section 0"
	echo "ffffffff81003000 7 1000"
	run 1 40 builtin
	echo "section 2"
	echo "ffffffff81003000 7 1000"
	run 3 36 bpf
	echo "section 4"
	run 5 44 bpf
	echo "section 6"
	run 7 50 builtin
} >"$tmp/counts"

"$report" "$d" "$tmp/counts" "$tmp/System.map" >"$tmp/table" 2>"$tmp/log"
tap $? "four runs are reported"
TAP_LOGS="$tmp/table $tmp/log"
row() {
	grep -F "| $1 |" "$tmp/table" | head -n 1
}
# Built-in: 10 + 40 or 50 + 200 + 5; BPF: 3 + 29 more, 36 or 44 (all per
# fault); the standard error: sqrt(50 / 2 + 32 / 2).
[ "$(row 'everything executed during a run')" = \
	"| everything executed during a run | 260 | 287 | +27.0 ± 6.4 |" ]
tap $? "the totals per fault, their difference and its standard error"
[ "$(row bpf__node_private_ops_admit)" = \
	"| bpf__node_private_ops_admit | 0.0 | 29.0 | +29.0 ± 0.0 |" ]
tap $? "a block of a BPF trampoline is named by the kallsyms of the BPF run"
[ "$(row __x86_indirect_thunk_array)" = \
	"| __x86_indirect_thunk_array | 0.0 | 3.0 | +3.0 ± 0.0 |" ]
tap $? "of two names at one address, the function's wins over a label's"
[ "$(row __rmqueue_pcplist)" = \
	"| __rmqueue_pcplist | 45.0 | 40.0 | -5.0 ± 6.4 |" ]
tap $? "blocks inside a function count to it, with the spread of the runs"
! grep -q -e clear_page_erms -e node_private_admit -e 'user space' \
	"$tmp/table"
tap $? "functions that do not differ are left out of the table"
grep -q '^| every other function | 215 | 215 | +0.0 ± 0.0 |$' "$tmp/table"
tap $? "what the table leaves out is summed"
grep -q '^Code only a BPF decision runs, the same in every run: +32\.0 per' \
	"$tmp/table"
tap $? "the code only BPF runs, steady in every run, is told apart"
grep -q 'whose count varies from run to run: -5.0 per fault (1 functions)' \
	"$tmp/table"
tap $? "from what varies from run to run"
grep -q 'built-in 255, 265; BPF 283, 291; medians 260 and 287, +27\.$' \
	"$tmp/table"
tap $? "every run's total is listed"
grep -q $'^__rmqueue_pcplist\t45.00\t40.00\t-5.00\t6.40$' "$d/profile.tsv"
tap $? "profile.tsv has every function"
TAP_LOGS="$tmp/log"

# Input it cannot use.
sed '$d' "$d/sections" >"$tmp/s" && mv "$tmp/s" "$d/sections"
echo "9 bpf 3 100 1000" >>"$d/sections"
"$report" "$d" "$tmp/counts" "$tmp/System.map" >/dev/null 2>"$tmp/log"
[ $? = 1 ] && grep -q 'section 9 was not written' "$tmp/log"
tap $? "a run whose section is missing is an error"
grep -v builtin "$d/sections" | sed '$d' >"$tmp/s" && mv "$tmp/s" "$d/sections"
"$report" "$d" "$tmp/counts" "$tmp/System.map" >/dev/null 2>"$tmp/log"
[ $? = 1 ] && grep -q 'two runs of each policy' "$tmp/log"
tap $? "runs of one policy only are an error"
echo "ffffffff81000000 10" >>"$tmp/counts"
printf '1 builtin 1 100 1\n3 bpf 1 100 1\n' >"$d/sections"
"$report" "$d" "$tmp/counts" "$tmp/System.map" >/dev/null 2>"$tmp/log"
[ $? = 1 ] && grep -q 'not a count' "$tmp/log"
tap $? "a malformed count is an error, with its line"
"$report" "$d" "$tmp/counts" >/dev/null 2>"$tmp/log"
[ $? = 1 ] && grep -q usage "$tmp/log"
tap $? "missing arguments: usage, exit 1"
tap_end
