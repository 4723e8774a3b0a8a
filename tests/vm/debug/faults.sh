#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: fault injection into private memory hot-add and removal, cram_emu, policy attach and update, requested evacuations and migration: the error reaches the caller, nothing leaks, an attached policy stays and works
# timeout: 1500
#
# Runs on the debug kernel only (make check-debug: CONFIG_FAIL_FUNCTION,
# FAILSLAB, FAIL_PAGE_ALLOC with the stack trace filter), where run.sh
# also has kmemleak scan after the test.
#
# fail_function makes a function of the series that is marked
# ALLOW_ERROR_INJECTION() return an error.  failslab and fail_page_alloc
# are limited by the stack trace filter (require-start/end) to allocations
# made under one kernel function (the debugfs handler of the test driver,
# cram_emu's add, the request work item, move_pages(2)) and by task-filter
# to the task under test, so that nothing else in the guest fails or pays
# for a stack walk.  Syscalls fail their Nth such allocation (fail-nth, N
# from 1 to deep into the operation); the work item, which runs in a
# kworker, fails its first allocation that draws a probability rising from
# round to round.  Each "# fault:" line reports attempts and outcomes.
. "$NP_TESTS/lib.sh"
P=$NP_NODE
DBG=/sys/kernel/debug
FF=$DBG/fail_function
ctl=$DBG/private_node_test
sys=/sys/devices/system/node
range="$P $NP_START $NP_SIZE"
ALLOC="failslab fail_page_alloc"

if [ ! -d "$FF" ] || [ ! -f "$DBG/failslab/require-start" ] ||
	[ ! -f "$DBG/fail_page_alloc/require-start" ]; then
	ok 1 "fault injection with the stack trace filter is configured (the debug kernel of make check-debug)"
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

# The text ranges of the functions the stack trace filter aims at, read
# in one pass: /proc/kallsyms lists the kernel's own symbols in address
# order, so a function ends where the next symbol (its successor's __pfx_
# padding) begins.  Reading it is slow on this kernel (minutes under TCG
# for a sort of it), so it is read once.
FUNCS="add_write remove_write add_store np_request_workfn kernel_move_pages
	add_pages arch_add_memory"
declare -A RANGE
while read -r f start end; do
	RANGE[$f]="$start $end"
done < <(awk -v want=" $(echo $FUNCS) " '
	on { print f, "0x" s, "0x" $1; on = 0 }
	($2 == "t" || $2 == "T") && index(want, " " $3 " ") {
		if (seen[$3]++) { print $3, "dup", "dup"; next }
		f = $3; s = $1; on = 1
	}' /proc/kallsyms)

# fn_range NAME: "START END" of the text of kernel function NAME; fails
# unless NAME is exactly one function.
fn_range() {
	case "${RANGE[$1]:-}" in
	""|dup*) return 1 ;;
	esac
	echo "${RANGE[$1]}"
}

# fn_span "NAME...": "START END" of functions NAME... that follow each
# other in the kernel text (only the 16-byte __pfx_ padding between them).
fn_span() {
	local f r start= end=
	for f in $1; do
		r=$(fn_range "$f") || return 1
		if [ -n "$end" ] && [ $((${r% *} - end)) -gt 16 ]; then
			return 1
		fi
		[ -n "$start" ] || start=${r% *}
		end=${r#* }
	done
	printf '%#x %#x\n' "$start" "$end"
}

# filter FUNC ["NOT..."]: failslab and fail_page_alloc consider only
# allocations made under kernel function FUNC and not under the adjacent
# functions NOT... (the stack trace filter), and only by tasks marked for
# it (task-filter): /proc/PID/fail-nth, or make-it-fail with a
# probability (chance).  Nothing fails by chance until chance is called.
#
# Hot-add passes NOT="add_pages arch_add_memory" (arch_add_memory() calls
# add_pages() as a tail call, so that no frame of its own is on the
# stack): x86 does not survive an allocation failure there, whoever adds
# memory.  The direct map's page tables for new memory come from
# alloc_low_pages(), whose result phys_pmd_init() and its siblings use
# unchecked after boot (a NULL dereference); and when sparse_add_section()
# fails, __add_pages() keeps the sections it already added (add_pages()
# warns), so that every later add of the range fails with EEXIST.  Both
# are upstream's; the series does not change them.
filter() {
	local t r start end rstart=0 rend=0
	r=$(fn_range "$1") || return 1
	start=${r% *} end=${r#* }
	if [ -n "${2:-}" ]; then
		r=$(fn_span "$2") || return 1
		rstart=${r% *} rend=${r#* }
	fi
	for t in $ALLOC; do
		echo 0 >"$DBG/$t/probability"
		echo Y >"$DBG/$t/task-filter"
		echo "$start" >"$DBG/$t/require-start"
		echo "$end" >"$DBG/$t/require-end"
		echo "$rstart" >"$DBG/$t/reject-start"
		echo "$rend" >"$DBG/$t/reject-end"
		echo 32 >"$DBG/$t/stacktrace-depth"
		echo -1 >"$DBG/$t/times"
		echo 0 >"$DBG/$t/interval"
		echo 0 >"$DBG/$t/space"
		echo 2 >"$DBG/$t/verbose"
		echo N >"$DBG/$t/ignore-gfp-wait"
	done
	echo N >"$DBG/fail_page_alloc/ignore-gfp-highmem"
	echo 0 >"$DBG/fail_page_alloc/min-order"
}

filter_off() {
	local t
	for t in $ALLOC; do
		echo 0 >"$DBG/$t/probability"
		echo 0 >"$DBG/$t/require-start"
		echo 0xffffffffffffffff >"$DBG/$t/require-end"
		echo 0 >"$DBG/$t/reject-start"
		echo 0 >"$DBG/$t/reject-end"
	done
}

# Outputs go through a file, not a pipe from a process substitution: that
# child can end while the shell is in its next system call, and offlining
# memory gives up with EINTR on a pending signal (SIGCHLD).
NTH_OUT=/run/np-faults.out

# nth_write N FILE TEXT: write TEXT to FILE from a task whose Nth
# allocation under the filtered function fails (fail-nth: deterministic,
# counted only where the filter matches).  Prints "STATUS HIT ERROR": the
# write's exit status, 1 if the failure was injected (N was reached), and
# the error the writer saw.
nth_write() {
	(
		local left err=/run/np-nth.$BASHPID
		echo "$1" >/proc/thread-self/fail-nth || exit
		echo "$3" 2>"$err" >"$2"
		st=$?
		read -r left </proc/thread-self/fail-nth
		echo 0 >/proc/thread-self/fail-nth
		echo "$st $([ "$left" = 0 ] && echo 1 || echo 0)" \
			"$(sed -n '$s/.*: //p' "$err")"
		rm -f "$err"
	)
}

# nth_try FUNC "NOT..." N FILE TEXT: nth_write N FILE TEXT under filter
# FUNC NOT...; sets st, hit and err as nth_write prints them.
nth_try() {
	filter "$1" "$2" || return 1
	nth_write "$3" "$4" "$5" >"$NTH_OUT"
	read -r st hit err <"$NTH_OUT"
	filter_off
}

# chance KWORKERS PERCENT: the marked tasks KWORKERS (make-it-fail) fail
# the first filtered allocation that draws the chance of PERCENT (times 1).
chance() {
	local t pid
	for pid in $1; do
		echo 1 >"/proc/$pid/make-it-fail" 2>/dev/null
	done
	for t in $ALLOC; do
		echo 1 >"$DBG/$t/times"
		echo "$2" >"$DBG/$t/probability"
	done
}

# chance_off KWORKERS: no more failures; prints how many were injected.
chance_off() {
	local t pid n=0
	for t in $ALLOC; do
		echo 0 >"$DBG/$t/probability"
		[ "$(cat "$DBG/$t/times")" = 0 ] && n=$((n + 1))
	done
	for pid in $1; do
		echo 0 >"/proc/$pid/make-it-fail" 2>/dev/null
	done
	echo $n
}

# The probability of round I of N: from 1% up, so that early rounds fail
# deep into the operation and late ones at its start.
percent() {
	local p=(1 2 3 5 8 12 20 35 60 100)
	echo "${p[$(($1 * ${#p[@]} / ($2 + 1)))]}"
}

# The N of round I: the allocations that fail, from the first one to deep
# into the operation.
NTH=(1 2 3 5 8 16 32 64 128 256 512 1024 2048 4000)

node_is_private() {
	in_list "$P" "$(cat $sys/has_private_memory)"
}

# clean_removed: node P has no memory block and is not private.
clean_removed() {
	! node_is_private && ! ls -d "$sys/node$P"/memory[0-9]* >/dev/null 2>&1
}

NOT_ARCH="add_pages arch_add_memory"
all_ranges() {
	local f
	for f in $FUNCS; do
		fn_range "$f" >/dev/null || return 1
	done
	fn_span "$NOT_ARCH" >/dev/null
}
check "the stack trace filter finds the functions it aims at" -- all_ranges

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

# Round I fails the NTH[I]th allocation under the debugfs handler: from
# the first one to deep into the hot-add of 1G (memmap, KASAN shadow).
rounds=12 adds=0 refused=0 removed=0 rm_refused=0 injected=0 unclean=0
for i in $(seq 0 $((rounds - 1))); do
	nth_try add_write "$NOT_ARCH" "${NTH[$i]}" "$ctl/add" "$range"
	injected=$((injected + hit))
	if [ "$st" = 0 ]; then
		adds=$((adds + 1))
		node_is_private || unclean=$((unclean + 1))
	else
		refused=$((refused + 1))
		[ "$hit" = 1 ] || unclean=$((unclean + 1))
		clean_removed || unclean=$((unclean + 1))
		echo "# fault: add with allocation ${NTH[$i]} failing refused: $err"
		continue
	fi
	nth_try remove_write "" "${NTH[$i]}" "$ctl/remove" "$range"
	injected=$((injected + hit))
	if [ "$st" = 0 ]; then
		removed=$((removed + 1))
	else
		rm_refused=$((rm_refused + 1))
		echo "# fault: removal with allocation ${NTH[$i]} failing refused: $err"
		# Still whole and private, and removable once nothing fails.
		node_is_private || unclean=$((unclean + 1))
		echo "$range" >"$ctl/remove" || unclean=$((unclean + 1))
	fi
	clean_removed || unclean=$((unclean + 1))
done
echo "# fault: hot-add and removal, $rounds rounds, $injected allocation failures injected: $adds added, $refused add(s) refused; $removed removed, $rm_refused removal(s) refused then done"
ok $([ $unclean = 0 ]; echo $?) \
	"every refused add or removal failed with an error and left the node as it was ($unclean not)"
ok $([ $refused -gt 0 ]; echo $?) \
	"an allocation failure during hot-add reaches the writer ($refused of $rounds)"

# --- cram_emu -------------------------------------------------------------
C=/sys/kernel/cram_emu
rounds=8 c_ok=0 c_refused=0 c_unclean=0 injected=0
for i in $(seq 0 $((rounds - 1))); do
	nth_try add_store "$NOT_ARCH" "${NTH[$i]}" "$C/add" "$range"
	injected=$((injected + hit))
	if [ "$st" = 0 ]; then
		c_ok=$((c_ok + 1))
		echo "$P" >"$C/remove" || c_unclean=$((c_unclean + 1))
	else
		c_refused=$((c_refused + 1))
		[ "$hit" = 1 ] || c_unclean=$((c_unclean + 1))
		echo "# fault: cram_emu add with allocation ${NTH[$i]} failing refused: $err"
	fi
	{ clean_removed && [ ! -d "$C/node$P" ]; } || c_unclean=$((c_unclean + 1))
done
echo "# fault: cram_emu add, $rounds rounds, $injected allocation failures injected: $c_ok added, $c_refused refused"
ok $([ $c_unclean = 0 ] && [ $c_refused -gt 0 ]; echo $?) \
	"every refused cram_emu add failed with an error and left nothing behind ($c_unclean not, $c_refused refused)"

check "claim the node again" -- sh -c "echo '$range' >'$ctl/add'"

# --- policy attach and update -------------------------------------------
maps0=$("$BPFTOOL" map list 2>/dev/null | grep -c '^[0-9]')
links0=$("$BPFTOOL" link list 2>/dev/null | grep -c '^[0-9]')
inject np_bpf_init_policy -12
out=$("$NPCTL" attach np_testpol --node "$P" 2>&1)
st=$?
inject
echo "# fault: attach with init failing -ENOMEM: exit $st, $(echo "$out" | tail -n 1)"
ok $([ $st != 0 ] && [ "$(np_sys state)" = none ] &&
	echo "$out" | grep -qi "memory"; echo $?) \
	"fail_function on init: attach fails with its error, no policy attached"
check "attach np_testpol" -- "$NPCTL" attach np_testpol --node "$P"
inject np_bpf_init_policy -12
out=$("$NPCTL" swap minimal --node "$P" 2>&1)
st=$?
inject
echo "# fault: swap with the new init failing -ENOMEM: exit $st, $(echo "$out" | tail -n 1)"
calls0=$(bpf_var np_testp.bss admit_calls)
"$NP_BIN/nptest" place "$P" 4 >/dev/null 2>&1
ok $([ $st != 0 ] && [ "$(np_sys state)" = enabled ] &&
	[ "$(np_sys policy)" = np_testpol ] &&
	[ "$(bpf_var np_testp.bss admit_calls)" -gt "$calls0" ]; echo $?) \
	"fail_function on init: the update fails, the old policy stays and decides"
"$NPCTL" detach --node "$P" >/dev/null

# --- requested evacuations --------------------------------------------
# A holder fills 128M of the node; in each round np_testpol, attached
# with a request to evacuate 16M on its first admit, is asked by a fault:
# the work item runs with its allocations failing.
used0=$(node_used_pages "$P")
check "np_testpol admits a holder of 128M" -- "$NPCTL" attach np_testpol \
	--node "$P"
held "$NP_BIN/nptest" hold "$P" 128
ok $? "a process holds 128M on node $P"
"$NPCTL" detach --node "$P" >/dev/null
rounds=6 injected=0 moved=0 intact=0 stayed=0
for i in $(seq 1 $rounds); do
	ev0=$(np_stat move_evacuated)
	"$NPCTL" attach np_testpol --node "$P" --set request_pages=4096 \
		--set request_what=0 >/dev/null || break
	kw=$(pgrep '^kworker/u')
	filter np_request_workfn
	chance "$kw" "$(percent "$i" $rounds)"
	"$NP_BIN/nptest" place "$P" 1 >/dev/null 2>&1
	# Until the work item has run (nothing moves for a while).
	last=-1
	for _ in $(seq 1 60); do
		sleep 1
		now=$(np_stat move_evacuated)
		[ "$now" = "$last" ] && [ "$now" != "$ev0" ] && break
		last=$now
	done
	n=$(chance_off "$kw")
	filter_off
	injected=$((injected + n))
	moved=$((moved + $(np_stat move_evacuated) - ev0))
	{ [ "$(np_sys state)" = enabled ] &&
		[ "$(np_sys policy)" = np_testpol ]; } && stayed=$((stayed + 1))
	"$NPCTL" detach --node "$P" >/dev/null
done
release
grep -q "^ok - contents intact" "$HELD_LOG" && intact=1
echo "# fault: requested evacuations, $rounds rounds of 16M, $injected allocation failures injected in the work item, $moved pages moved"
ok $([ $intact = 1 ]; echo $?) \
	"the holder's data is intact after evacuations with failing allocations"
ok $([ $stayed = $rounds ] && node_is_private; echo $?) \
	"the policy stayed attached and enabled through each ($stayed of $rounds), the node private"
ok $([ $moved -gt 0 ]; echo $?) "the work item moved pages ($moved)"

# --- migration in and out -------------------------------------------------
# np_testpol admits and lets pages migrate; move_pages(2) into the node
# and back out, each with one of its allocations failing.
check "attach np_testpol" -- "$NPCTL" attach np_testpol --node "$P"
mig0=$(bpf_var np_testp.bss migrate_calls)
MIG_IDX=(0 2 4 6 8 10 12 13)
rounds=8 injected=0 in_ok=0 out_ok=0 intact=0
for i in $(seq 0 $((rounds - 1))); do
	n=${NTH[${MIG_IDX[$i]}]}
	for dir in in out; do
		if [ $dir = in ]; then
			held "$NP_BIN/npops" hold 0 16 "$P"
		else
			held "$NP_BIN/npops" hold "$P" 16 0
		fi
		filter kernel_move_pages
		echo "$n" >"/proc/$HELD_PID/fail-nth"
		log_mark
		release
		filter_off
		hit=$(log_since | grep -c "FAULT_INJECTION: forcing a failure")
		injected=$((injected + hit))
		r=$(grep "intact=" "$HELD_LOG")
		case "$r" in
		ret=*intact=1) eval "${dir}_ok=\$((${dir}_ok + 1))" ;;
		esac
		echo "# fault: move_pages(2) of 4096 pages $dir of node $P, allocation $n failing ($hit injected): $r"
	done
done
echo "# fault: migration, $((2 * rounds)) move_pages(2) calls, $injected allocation failures injected"
ok $([ $in_ok = $rounds ] && [ $out_ok = $rounds ] && [ $injected -gt 0 ]; echo $?) \
	"move_pages(2) in and out with failing allocations ($injected) return and keep the data ($in_ok and $out_ok of $rounds)"
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
