# SPDX-License-Identifier: GPL-2.0
# Helpers for the VM test scripts in tests/vm/t/; sourced, not run.
# guest.sh exports NP_NODE (the private node), NP_START, NP_SIZE (its
# physical range), NP_BIN (test programs) and NP_OUT (results).

NP_FAILS=0

# ok CONDITION-STATUS DESCRIPTION: print a TAP-style line for the check.
ok() {
	local status=$1
	shift
	if [ "$status" = 0 ]; then
		echo "ok - $*"
	else
		echo "not ok - $*"
		NP_FAILS=$((NP_FAILS + 1))
	fi
}

# check DESCRIPTION -- COMMAND...: run COMMAND, report its status.
check() {
	local what=$1
	shift
	[ "$1" = -- ] && shift
	"$@"
	ok $? "$what"
}

# node_mem NODE FIELD: a field of nodeN/meminfo, in kB.
node_mem() {
	awk -v f="$2:" '$3 == f { print $4 }' \
		"/sys/devices/system/node/node$1/meminfo"
}

# node_used_pages NODE: MemUsed of a node in pages.
node_used_pages() {
	echo $(($(node_mem "$1" MemUsed) / 4))
}

# run_traced OUTFILE COMMAND...: run COMMAND under alloc_trace for the
# private node's range; OUTFILE gets total_pages=, private_pages= and
# unflagged_pages= for sourcing.
run_traced() {
	local outfile=$1
	shift
	"$NP_BIN/alloc_trace" -o "$outfile" "$NP_START" "$NP_SIZE" -- "$@"
}

# done_testing: exit status for the test.
done_testing() {
	echo "# $NP_FAILS check(s) failed"
	[ "$NP_FAILS" = 0 ]
}

# in_list N LIST: whether N is in a kernel node list such as "0-1,3".
in_list() {
	local part lo hi
	for part in ${2//,/ }; do
		lo=${part%-*} hi=${part#*-}
		[ "$1" -ge "$lo" ] && [ "$1" -le "$hi" ] && return 0
	done
	return 1
}
