# SPDX-License-Identifier: GPL-2.0
# The struct_ops tests of the kernel's BPF selftests (test_progs, built on
# the host from the same tree by tests/peer/bpf-selftests.mk into
# NP_BPFSEL); sourced by the bpf-*.sh peer tests.
#
# bpf_run: run them all (the subtests that need IPv6 or bpf_testmod fail
# on the unpatched kernel as on the patched one; the host compares) and
# write NP_OUT/results.txt: one "bpf|TEST/SUBTEST|RESULT" line per subtest
# (test_progs prints a failed subtest twice: inline and in its error
# summary; it is counted once).

NP_BPFSEL=${NP_BPFSEL:-$NP_BIN/../peer-bpf}
BPF_TESTS=${BPF_TESTS:-dummy_st_ops,bpf_tcp_ca,bad_struct_ops}

bpf_run() {
	local res=$NP_OUT/results.txt log=$NP_OUT/test_progs.log
	: >"$res"
	if [ ! -x "$NP_BPFSEL/test_progs" ]; then
		ok 1 "test_progs is built in $NP_BPFSEL (make check-peer builds it)"
		return 1
	fi
	(cd "$NP_BPFSEL" && timeout -k 10 1200 ./test_progs -t "$BPF_TESTS") \
		>"$log" 2>&1
	echo "# test_progs exit $?: $(grep '^Summary:' "$log")"
	sed -n -e 's/^#[0-9]*\/[0-9]* *\([^:]*\):OK$/bpf|\1|PASS/p' \
		-e 's/^#[0-9]*\/[0-9]* *\([^:]*\):SKIP$/bpf|\1|SKIP/p' \
		-e 's/^#[0-9]*\/[0-9]* *\([^:]*\):FAIL$/bpf|\1|FAIL/p' \
		"$log" | awk '!seen[$0]++' >"$res"
	ok $([ -s "$res" ]; echo $?) "test_progs ran $(wc -l <"$res") subtests"
}
