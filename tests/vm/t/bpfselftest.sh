#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: the series' BPF selftest node_private_ops (tools/testing/selftests/bpf: an ordinary node refused, one policy per node, init and exit, link update, an init error; the verifier refusing a sleepable decision callback and our kfuncs in another struct_ops type) passes with no subtest skipped
# timeout: 300
. "$NP_TESTS/lib.sh"
P=$NP_NODE
tp=$NP_BIN/bpf-selftests/test_progs
subtests="np_sleepable_admit np_kfunc_elsewhere not_private attach update
init_error"

if [ ! -x "$tp" ]; then
	ok 1 "test_progs is built ($tp: missing; make progs builds it)"
	done_testing
	exit
fi
# Its run starts from the node's own policy.
ok "$([ "$(np_sys policy)" = isolated ]; echo $?)" "node $P has no policy"
out=$(cd "$(dirname "$tp")" && ./test_progs -t node_private_ops 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
ok $rc "test_progs -t node_private_ops exits 0"
n=0
for s in $subtests; do
	n=$((n + 1))
	ok "$(echo "$out" |
		grep -qE "^#[0-9]+/[0-9]+ +node_private_ops/$s:OK\$"; echo $?)" \
		"subtest $s passed"
done
ok "$(echo "$out" | grep -qxF "Summary: 1/$n PASSED, 0 SKIPPED, 0 FAILED"; echo $?)" \
	"summary: 1 test, $n subtests, none skipped or failed"
ok "$([ "$(np_sys policy)" = isolated ]; echo $?)" \
	"node $P has no policy after it"
done_testing
