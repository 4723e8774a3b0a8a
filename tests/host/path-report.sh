#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# path-report.sh: the tests of tests/vm/bench/path-report.py, in TAP form,
# on a made-up kernel: a program whose node_private_admit() inlines
# np_policy() and np_verdict() and which has a __bpf_prog_enter() that
# calls migrate_disable(), its kallsyms moved as KASLR would move them,
# plus a trampoline and a program "JITed" elsewhere.  The traces walk
# those functions' instructions as the decisions of the path benchmark
# would; the table must count each instruction once, in its piece.
set -u
top=$(dirname "$(dirname "$(dirname "$(readlink -f "$0")")")")
report=$top/tests/vm/bench/path-report.py
TAP_NAME=path-report.sh
. "$top/tests/host/tap.sh"
TAP_LOGS="$tmp/log"

cat >"$tmp/k.c" <<'EOF'
asm(".text\n.globl _text\n_text:\n\tnop\n");
volatile int sink;
__attribute__((noinline)) void __rcu_read_lock(void)
{
	sink += 2;
}
static inline __attribute__((always_inline)) int np_policy(int n)
{
	__rcu_read_lock();
	return sink * n + 7;
}
static inline __attribute__((always_inline)) int np_verdict(int v)
{
	return v == 3 ? 1 : sink;
}
__attribute__((noinline)) int node_private_admit(int n)
{
	int f;

	__rcu_read_lock();
	f = np_policy(n);
	sink = f;
	return np_verdict(sink);
}
__attribute__((noinline)) void migrate_disable(void)
{
	sink++;
}
__attribute__((noinline)) void __bpf_prog_enter(void)
{
	migrate_disable();
	sink--;
}
int main(void)
{
	__bpf_prog_enter();
	return node_private_admit(sink);
}
EOF
gcc -O2 -g -no-pie -o "$tmp/vmlinux" "$tmp/k.c" 2>"$tmp/log"
tap $? "the made-up kernel builds" || { tap_end; exit; }

# insns FUNC: the addresses of FUNC's instructions, moved by 0x1000000,
# each call of __rcu_read_lock followed by that function's: the path a
# CPU takes through FUNC (the made-up functions have no branch).
insns() {
	awk -v f="<$1>:" '$1 == f { print $2;
		if ($0 ~ /call.*<__rcu_read_lock>/) print "RCU" }' "$tmp/dis" |
		while read -r a; do
			if [ "$a" = RCU ]; then
				insns __rcu_read_lock
			else
				printf '%x\n' $((0x$a + 0x1000000))
			fi
		done
}
objdump -d --no-show-raw-insn "$tmp/vmlinux" |
	awk '/^[0-9a-f]+ <.*>:$/ { f = $2; next }
		/^ +[0-9a-f]+:/ { sub(":", "", $1); print f, $0 }' >"$tmp/dis"
nm "$tmp/vmlinux" | awk '$2 ~ /^[tTwW]$/' |
	while read -r a t s; do
		printf '%x %s %s\n' $((0x$a + 0x1000000)) "$t" "$s"
	done >"$tmp/kallsyms"
printf 'ffffffffc0000000 t bpf__node_private_ops_admit\t[bpf]\n' >>"$tmp/kallsyms"
printf 'ffffffffc0001000 t bpf_prog_0123456789abcdef_isolate_admit\t[bpf]\n' \
	>>"$tmp/kallsyms"
admit=$(insns node_private_admit | tr '\n' ' ')
enter=$(insns __bpf_prog_enter | tr '\n' ' ')
md=$(insns migrate_disable | tr '\n' ' ')
nr=$(insns __rcu_read_lock | wc -l)
na=$(echo $admit | wc -w)
ne=$(echo $enter $md | wc -w)
[ "$na" -gt $((2 * nr + 3)) ] && [ "$ne" -gt 3 ] && [ "$nr" -gt 1 ]
tap $? "the made-up functions have instructions ($na, $ne, $nr)"

# A built-in decision: node_private_admit() alone; a BPF one: 4 of the
# trampoline, then __bpf_prog_enter() with migrate_disable(), 2 of the
# program, 1 more of the trampoline, inside it.
tramp="ffffffffc0000000 ffffffffc0000004 ffffffffc0000008 ffffffffc000000c"
prog="ffffffffc0001000 ffffffffc0001004"
bpf="$admit $tramp $enter $md ffffffffc0000010 $prog ffffffffc0000014"
nb=$(echo $bpf | wc -w)
{
	for i in 1 2 3; do echo "call $i $admit"; done
	for i in 4 5 6; do echo "call $i $bpf"; done
} >"$tmp/trace"
"$report" "$tmp" "$tmp/vmlinux" >"$tmp/table" 2>"$tmp/log"
tap $? "a trace of 3 built-in and 3 BPF decisions is reported"
TAP_LOGS="$tmp/table $tmp/log"

row() {
	grep -F "| $1 |" "$tmp/table" | head -n 1
}
[ "$(row 'the BPF program (bpf/isolate'"'"'s admit)')" = \
	"| the BPF program (bpf/isolate's admit) |  | 2 |" ]
tap $? "the program's instructions, in BPF's column only"
echo "$(row 'struct_ops trampoline (JIT)')" | grep -q '|  | 6 |$'
tap $? "the trampoline's instructions on both sides of the calls it makes"
echo "$(row '__bpf_prog_enter (RCU read lock, migrate_disable, run context)')" |
	grep -q "|  | $ne |\$"
tap $? "a call out of the trampoline counts its callees as its own"
grep -q "np_verdict" "$tmp/table" &&
	[ "$(row 'policy and flags in force (np_policy)' | cut -d'|' -f3)" \
		-gt "$nr" ]
tap $? "instructions inlined in node_private_admit are named by their function"
[ "$(row 'RCU read section of the dispatch' | cut -d'|' -f3)" = " $nr " ]
tap $? "an out-of-line call counts to its call site: the dispatch's, np_policy's"
tot_b=$(grep -F '**a decision, in all**' "$tmp/table" | cut -d'|' -f3 | tr -d ' *')
tot_p=$(grep -F '**a decision, in all**' "$tmp/table" | cut -d'|' -f4 | tr -d ' *')
add=$(grep -F '**BPF over the built-in policy**' "$tmp/table" | cut -d'|' -f4 | tr -d ' *')
[ "$tot_b" = "$na" ] && [ "$tot_p" = "$(echo $bpf | wc -w)" ] &&
	[ "$add" = $((tot_p - tot_b)) ]
tap $? "totals: every instruction once ($tot_b, $tot_p, +$add)"
TAP_LOGS="$tmp/log"

# With the whole fault after each traced decision: the fault's total, its
# decision and the rest, and whether the rest differs between policies.
site=ffffffff81000000 ret=ffffffff81000005 after=ffffffff81000010
{
	echo "call 1 $admit"
	echo "fault 1 $site $admit $ret $after"
	echo "call 2 $bpf"
	echo "fault 2 $site $bpf $ret $after"
} >"$tmp/trace"
"$report" "$tmp" "$tmp/vmlinux" >"$tmp/table" 2>"$tmp/log" &&
	grep -qF "| the fault, in all | $((na + 3)) | $((nb + 3)) |" "$tmp/table" &&
	grep -qF "| its admission decision | $na | $nb |" "$tmp/table" &&
	grep -qF "| the rest of the fault | 3 | 3 |" "$tmp/table" &&
	grep -q "^Outside the decision the faults traced ran as many instructions" \
		"$tmp/table"
tap $? "a whole fault: its decision found in it, the rest compared"
sed -i "4s/ $after\$/ $after $after/" "$tmp/trace"
"$report" "$tmp" "$tmp/vmlinux" >"$tmp/table" 2>"$tmp/log" &&
	grep -q "^Outside the decision the faults ran 3 instructions under the built-in policy and 4 under BPF" \
		"$tmp/table"
tap $? "a fault longer outside its decision is reported so"
sed -i "2s/.*/fault 1 $site $after/" "$tmp/trace"
! "$report" "$tmp" "$tmp/vmlinux" >/dev/null 2>"$tmp/log" &&
	grep -q 'a traced fault made 0 decisions, not one' "$tmp/log"
tap $? "a traced fault without the decision is refused"

# Traces the benchmark could not have made are refused.
{
	echo "call 1 $admit"
	echo "call 2 $admit ffffffffc0001000"
	echo "call 3 $bpf"
} >"$tmp/trace"
! "$report" "$tmp" "$tmp/vmlinux" >/dev/null 2>"$tmp/log" &&
	grep -q 'call 2 ran BPF code, but not the program through its trampoline' \
		"$tmp/log"
tap $? "a decision that ran BPF code but not through the trampoline is refused"
{
	for i in 1 2 3; do echo "call $i $admit"; done
} >"$tmp/trace"
! "$report" "$tmp" "$tmp/vmlinux" >/dev/null 2>"$tmp/log" &&
	grep -q '3 built-in and 0 BPF decisions traced: both are needed' \
		"$tmp/log"
tap $? "a trace without a BPF decision is refused"
{
	echo "call 1 $bpf"
	echo "call 2 $admit"
} >"$tmp/trace"
! "$report" "$tmp" "$tmp/vmlinux" >/dev/null 2>"$tmp/log" &&
	grep -q 'a built-in decision traced after a BPF one' "$tmp/log"
tap $? "a built-in decision after a BPF one is refused"
! "$report" "$tmp/nonexistent" "$tmp/vmlinux" >/dev/null 2>"$tmp/log" &&
	grep -q "^path-report: no $tmp/nonexistent/kallsyms\$" "$tmp/log"
tap $? "a missing directory is refused, named"

tap_end
