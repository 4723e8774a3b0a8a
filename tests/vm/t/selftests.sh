#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: the kernel's mm selftests private_nodes, migration and ksm_numa pass with a private node present (migration.shared_anon_htlb not under single-threaded TCG)
# timeout: 900
# cpus: 4
. "$NP_TESTS/lib.sh"
S=$NP_BIN/selftests

# run_selftest PROGRAM ARGS...: run one selftest program, show the end of
# its output, and return its exit status.
run_selftest() {
	local rc
	(cd "$S" && "./$@") >"$NP_OUT/selftest.log" 2>&1
	rc=$?
	sed 's/^/#   /' "$NP_OUT/selftest.log" | tail -n 25
	return $rc
}

# kselftest [-a ATTEMPTS] PROGRAM ARGS...: run one selftest program up to
# ATTEMPTS times (1 by default) until it passes; exit 4 means it skipped,
# which counts as a failure here: every one of them must run.
kselftest() {
	local attempts=1 n rc
	if [ "$1" = -a ]; then
		attempts=$2
		shift 2
	fi
	for n in $(seq "$attempts"); do
		run_selftest "$@"
		rc=$?
		[ $rc = 0 ] && break
		echo "# attempt $n of $attempts failed (exit $rc)"
	done
	ok $rc "selftests/mm $* (exit $rc$([ $rc = 4 ] && echo ', skipped'), attempt $n)"
}

# migration needs three threads, and free huge pages on both CPU nodes
# (hugetlb pools never include a private node).
echo 16 >/proc/sys/vm/nr_hugepages
if [ "${NP_ACCEL:-}" = tcg ]; then
	# One host thread runs the vCPUs in turn, for up to 100 ms each: a
	# process that holds a transient reference to the shared huge page
	# (faulting on its migration entry) keeps it through all of
	# migrate_pages()'s retries on the other vCPU, and shared_anon_htlb
	# fails at its first unmigrated page.  The unpatched kernel fails it
	# the same way there (make baseline); the other cases run.
	echo "# migration.shared_anon_htlb left out: it fails under single-threaded TCG, unpatched kernel included"
	kselftest migration -t private_anon -t shared_anon \
		-t private_anon_thp -t shared_anon_thp -t private_anon_htlb
	totals=$(grep '^# Totals:' "$NP_OUT/selftest.log")
	ok "$(echo "$totals" | grep -q 'pass:5 fail:0 xfail:0 xpass:0 skip:0 error:0' &&
		echo 0 || echo 1)" "selftests/mm migration ran 5 cases ($totals)"
else
	kselftest migration
fi
# ksm_numa, as run_vmtests.sh runs it: merging across nodes on and off.
# With merging on, the test madvises its second page and then waits for
# two full scans; when ksmd has already passed that page in the scan under
# way, the page is only checksummed in the next scan and merged in the one
# after, which the test does not wait for.  CI hit this race in the test
# once, so that case gets three attempts; the unmerged case cannot race.
kselftest -a 3 ksm_tests -N -m 1
kselftest ksm_tests -N -m 0

# private_nodes, the series' own selftest, on the node the guest set up.
# The harness exits 0 when cases skip: each of its cases must pass.
echo 0 >/proc/sys/kernel/numa_balancing
kselftest private_nodes
totals=$(grep '^# Totals:' "$NP_OUT/selftest.log")
ok "$(echo "$totals" | grep -q 'pass:7 fail:0 xfail:0 xpass:0 skip:0 error:0' &&
	echo 0 || echo 1)" "selftests/mm private_nodes ran all 7 cases ($totals)"
done_testing
