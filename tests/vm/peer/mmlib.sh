# SPDX-License-Identifier: GPL-2.0
# The kernel's tools/testing/selftests/mm through its run_vmtests.sh, one
# category at a time; sourced by the mm-*.sh peer tests.  The selftests are
# built on the host (make check-peer) into NP_MMSEL, next to the test
# programs; run_vmtests.sh writes next to its programs, so a copy in /tmp
# runs.
#
# mm_run [PREFIX...]: run every category of MM_CATEGORIES, each under
# PREFIX (such as numactl --membind=2) and within MM_TIMEOUT seconds, and
# write NP_OUT/results.txt: one "CATEGORY|TEST|RESULT" line per test,
# RESULT being PASS, SKIP, FAIL or TIMEOUT.  Prints one TAP line per
# category: a category fails here only if it could not be run at all;
# whether its results are regressions is decided on the host against the
# unpatched kernel (tests/peer/compare.py).

MM_CATEGORIES=${MM_CATEGORIES:-"mmap gup_test compaction migration madv_populate mlock mremap ksm thp hugetlb memfd_secret userfaultfd mdwe"}
MM_TIMEOUT=${MM_TIMEOUT:-900}
NP_MMSEL=${NP_MMSEL:-$NP_BIN/../peer/mm}

mm_run() {
	local cat start secs rc res=$NP_OUT/results.txt dir=/tmp/mmsel
	: >"$res"
	if [ ! -x "$NP_MMSEL/run_vmtests.sh" ]; then
		ok 1 "the mm selftests are built in $NP_MMSEL (make check-peer builds them)"
		return 1
	fi
	rm -rf "$dir"
	cp -a "$NP_MMSEL" "$dir" || return 1
	for cat in $MM_CATEGORIES; do
		start=$(date +%s)
		(cd "$dir" && timeout -k 10 "$MM_TIMEOUT" "$@" \
			./run_vmtests.sh -t "$cat") >"$NP_OUT/mm-$cat.log" 2>&1
		rc=$?
		secs=$(($(date +%s) - start))
		# "ok N name", "ok N name # SKIP", "not ok N name # exit=R"
		sed -n -e "s/^ok [0-9]* \(.*\) # SKIP$/$cat|\1|SKIP/p" \
			-e "/# SKIP$/!s/^ok [0-9]* \(.*\)$/$cat|\1|PASS/p" \
			-e "s/^not ok [0-9]* \(.*\) # exit=.*$/$cat|\1|FAIL/p" \
			"$NP_OUT/mm-$cat.log" >>"$res"
		if [ $rc = 124 ] || [ $rc = 137 ]; then
			echo "$cat|(category)|TIMEOUT" >>"$res"
		fi
		echo "# mm $cat: $(grep -c "^$cat|.*|PASS$" "$res") passed," \
			"$(grep -c "^$cat|.*|SKIP$" "$res") skipped," \
			"$(($(grep -c "^$cat|.*|FAIL$" "$res") +
			    $(grep -c "^$cat|.*|TIMEOUT$" "$res"))) failed" \
			"in ${secs}s (run_vmtests exit $rc)"
		ok $([ -s "$NP_OUT/mm-$cat.log" ]; echo $?) "mm $cat ran"
	done
}
