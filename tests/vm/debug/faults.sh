#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: fault injection into private memory hot-add and removal, cram_emu, policy attach and update, requested evacuations and migration: the error reaches the caller, nothing leaks, an attached policy stays and works
# timeout: 1200
#
# Runs on the debug kernel only (make check-debug: CONFIG_FAIL_FUNCTION,
# FAILSLAB, FAIL_PAGE_ALLOC), where run.sh also has kmemleak scan after
# the test.  fail_function makes a function of the series that is marked
# ALLOW_ERROR_INJECTION() return an error; failslab and fail_page_alloc
# fail the slab and page allocations of one task (make-it-fail), or, for
# the work item that carries out a policy's request, of everybody for a
# few allocations.  Each "# fault:" line reports attempts and outcomes.
. "$NP_TESTS/lib.sh"
P=$NP_NODE
DBG=/sys/kernel/debug
FF=$DBG/fail_function
ctl=$DBG/private_node_test
sys=/sys/devices/system/node
range="$P $NP_START $NP_SIZE"

if [ ! -d "$FF" ] || [ ! -d "$DBG/failslab" ] || [ ! -d "$DBG/fail_page_alloc" ]; then
	ok 1 "fault injection is configured (the debug kernel of make check-debug)"
	done_testing
	exit
fi

# inject FUNC ERRNO: every call of FUNC returns ERRNO; inject: none.
inject() {
	echo >"$FF/inject"
	[ $# = 0 ] && return 0
	echo "$1" >"$FF/inject" || return 1
	printf '%#x' "$2" >"$FF/$1/retval"
	echo N >"$FF/task-filter"
	echo 100 >"$FF/probability"
	echo 0 >"$FF/interval"
	echo -1 >"$FF/times"
	echo 0 >"$FF/space"
}

# allocfail PERCENT TIMES [global]: failslab and fail_page_alloc fail that
# share of the allocations, at most TIMES each, of tasks that set
# /proc/self/make-it-fail (or of everybody with "global").
allocfail() {
	local t
	for t in failslab fail_page_alloc; do
		echo "$1" >"$DBG/$t/probability"
		echo "$2" >"$DBG/$t/times"
		echo 0 >"$DBG/$t/interval"
		echo 0 >"$DBG/$t/space"
		echo 0 >"$DBG/$t/verbose"
		echo N >"$DBG/$t/ignore-gfp-wait"
		if [ "${3:-}" = global ]; then
			echo N >"$DBG/$t/task-filter"
		else
			echo Y >"$DBG/$t/task-filter"
		fi
	done
	echo N >"$DBG/fail_page_alloc/ignore-gfp-highmem"
	echo 0 >"$DBG/fail_page_alloc/min-order"
}
allocfail_off() {
	echo 0 >"$DBG/failslab/probability"
	echo 0 >"$DBG/fail_page_alloc/probability"
}

# failing CMD...: run CMD with make-it-fail set.
failing() {
	bash -c 'echo 1 >/proc/self/make-it-fail && exec "$@"' failing "$@"
}

node_is_private() {
	in_list "$P" "$(cat $sys/has_private_memory)"
}

# clean_removed: node P has no memory block and is not private.
clean_removed() {
	! node_is_private && ! ls -d "$sys/node$P"/memory[0-9]* >/dev/null 2>&1
}

# --- hot-add and removal --------------------------------------------------
echo "$range" >"$ctl/remove"
check "the node's memory is removed to begin with" -- clean_removed

inject node_private_register -12
log_mark
! echo "$range" >"$ctl/add" 2>/dev/null
st=$?
inject
ok $([ $st = 0 ] && clean_removed &&
	log_since | grep -q "to node $P failed: -12"; echo $?) \
	"fail_function node_private_register -ENOMEM: add fails, logs -12, leaves nothing"

adds_ok=0 adds_failed=0 rm_ok=0 rm_failed=0 unclean=0
for i in $(seq 1 12); do
	allocfail 15 20
	if failing sh -c "echo '$range' >'$ctl/add'" 2>/dev/null; then
		adds_ok=$((adds_ok + 1))
		allocfail 15 20
		if failing sh -c "echo '$range' >'$ctl/remove'" 2>/dev/null; then
			rm_ok=$((rm_ok + 1))
		else
			rm_failed=$((rm_failed + 1))
			allocfail_off
			echo "$range" >"$ctl/remove" || unclean=$((unclean + 1))
		fi
	else
		adds_failed=$((adds_failed + 1))
	fi
	allocfail_off
	clean_removed || unclean=$((unclean + 1))
done
echo "# fault: hot-add under failslab+fail_page_alloc (15%): $adds_ok added, $adds_failed refused; removal: $rm_ok removed, $rm_failed failed then removed cleanly"
ok $([ $unclean = 0 ]; echo $?) \
	"every failed add or removal leaves the node clean ($unclean not)"

# --- cram_emu -------------------------------------------------------------
C=/sys/kernel/cram_emu
c_ok=0 c_failed=0 c_unclean=0
for i in $(seq 1 8); do
	allocfail 15 20
	if failing sh -c "echo '$range' >$C/add" 2>/dev/null; then
		c_ok=$((c_ok + 1))
		allocfail_off
		echo "$P" >"$C/remove" || c_unclean=$((c_unclean + 1))
	else
		c_failed=$((c_failed + 1))
	fi
	allocfail_off
	{ clean_removed && [ ! -d "$C/node$P" ]; } || c_unclean=$((c_unclean + 1))
done
echo "# fault: cram_emu add under failslab+fail_page_alloc (15%): $c_ok added, $c_failed refused"
ok $([ $c_unclean = 0 ]; echo $?) "every failed cram_emu add leaves nothing behind ($c_unclean not)"

check "claim the node again" -- sh -c "echo '$range' >'$ctl/add'"

# --- policy attach and update -------------------------------------------
maps0=$("$BPFTOOL" map list 2>/dev/null | grep -c '^[0-9]')
links0=$("$BPFTOOL" link list 2>/dev/null | grep -c '^[0-9]')
inject np_bpf_init_policy -12
out=$("$NPCTL" attach np_testpol --node "$P" 2>&1)
st=$?
inject
ok $([ $st != 0 ] && [ "$(np_sys state)" = none ] &&
	echo "$out" | grep -qi "memory"; echo $?) \
	"fail_function on init: attach fails with its error ($(echo "$out" | tail -n 1))"
check "attach np_testpol" -- "$NPCTL" attach np_testpol --node "$P"
inject np_bpf_init_policy -12
out=$("$NPCTL" swap minimal --node "$P" 2>&1)
st=$?
inject
calls0=$(bpf_var np_testp.bss admit_calls)
"$NP_BIN/nptest" place "$P" 4 >/dev/null 2>&1
ok $([ $st != 0 ] && [ "$(np_sys state)" = enabled ] &&
	[ "$(np_sys policy)" = np_testpol ] &&
	[ "$(bpf_var np_testp.bss admit_calls)" -gt "$calls0" ]; echo $?) \
	"fail_function on init: the update fails, the old policy stays and decides ($(echo "$out" | tail -n 1))"

# --- a requested evacuation under allocation failures ---------------------
"$NPCTL" detach --node "$P" >/dev/null
check "attach np_testpol asking to evacuate 16M" -- "$NPCTL" attach np_testpol \
	--node "$P" --set request_pages=4096 --set request_what=0
used0=$(node_used_pages "$P")
held "$NP_BIN/nptest" hold "$P" 32
# The work item runs in a kworker: fail a few allocations of everybody.
allocfail 30 40 global
sleep 3
allocfail_off
sleep 2
release
grep -q "^ok - contents intact" "$HELD_LOG"
ok $? "the holder's data is intact after evacuation under allocation failures"
echo "# fault: evacuation under global failslab+fail_page_alloc (30%, 40 times): move_evacuated $(np_stat move_evacuated)"
ok $([ "$(np_sys state)" = enabled ] && node_is_private; echo $?) \
	"the policy is still attached and enabled, the node private"
"$NPCTL" detach --node "$P" >/dev/null

# --- migration in and out -------------------------------------------------
# np_testpol admits and lets pages migrate; move_pages(2) into the node and
# back out, each under failing allocations of the moving task.
check "attach np_testpol" -- "$NPCTL" attach np_testpol --node "$P"
mig0=$(bpf_var np_testp.bss migrate_calls)
in_ok=0 out_ok=0 intact=0 rounds=6
for i in $(seq 1 $rounds); do
	allocfail 20 200
	r=$(failing "$NP_BIN/npops" move "$P" 16)
	allocfail_off
	case "$r" in ret=*) in_ok=$((in_ok + 1)) ;; esac
	echo "# fault: move_pages(2) of 4096 pages into node $P, failslab+fail_page_alloc 20%: $r"
	held failing "$NP_BIN/npops" hold "$P" 16 0
	allocfail 20 200
	release
	allocfail_off
	r=$(grep "intact=" "$HELD_LOG")
	case "$r" in ret=*) out_ok=$((out_ok + 1)) ;; esac
	case "$r" in *intact=1*) intact=$((intact + 1)) ;; esac
	echo "# fault: move_pages(2) of 4096 pages out of node $P, same faults: $r"
done
ok $([ $in_ok = $rounds ] && [ $out_ok = $rounds ]; echo $?) \
	"move_pages(2) in and out under allocation failures return ($in_ok and $out_ok of $rounds)"
ok $([ $intact = $rounds ]; echo $?) \
	"the data moved out of the node under allocation failures is intact ($intact of $rounds)"
calls0=$(bpf_var np_testp.bss admit_calls)
"$NP_BIN/nptest" place "$P" 4 >/dev/null 2>&1
ok $([ "$(np_sys state)" = enabled ] && [ "$(np_sys policy)" = np_testpol ] &&
	[ "$(bpf_var np_testp.bss migrate_calls)" -gt "$mig0" ] &&
	[ "$(bpf_var np_testp.bss admit_calls)" -gt "$calls0" ]; echo $?) \
	"the policy stayed attached, was asked about the moves and still decides"
"$NPCTL" detach --node "$P" >/dev/null
sleep 1
ok $([ "$(node_used_pages "$P")" -le $((used0 + 2048)) ]; echo $?) \
	"the node's used pages came back ($used0 -> $(node_used_pages "$P"))"
ok $([ "$("$BPFTOOL" map list 2>/dev/null | grep -c '^[0-9]')" -le "$maps0" ] &&
	[ "$("$BPFTOOL" link list 2>/dev/null | grep -c '^[0-9]')" -le "$links0" ]; echo $?) \
	"no BPF map or link left behind"
done_testing
