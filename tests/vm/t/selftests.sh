#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: the kernel's mm selftests migration and ksm_numa pass with a private node present
# timeout: 900
# cpus: 4
. "$NP_TESTS/lib.sh"
S=$NP_BIN/selftests

# kselftest PROGRAM ARGS...: run one selftest program; exit 4 means it
# skipped, which counts as a failure here: every one of them must run.
kselftest() {
	local rc
	(cd "$S" && "./$@") >"$NP_OUT/selftest.log" 2>&1
	rc=$?
	sed 's/^/#   /' "$NP_OUT/selftest.log" | tail -n 25
	ok $rc "selftests/mm $* (exit $rc$([ $rc = 4 ] && echo ', skipped'))"
}

# migration needs three threads, and free huge pages on both CPU nodes
# (hugetlb pools never include a private node).
echo 16 >/proc/sys/vm/nr_hugepages
kselftest migration
# ksm_numa, as run_vmtests.sh runs it: merging across nodes on and off.
kselftest ksm_tests -N -m 1
kselftest ksm_tests -N -m 0
done_testing
