#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: concurrent npctl tune writers and npd-style requests while the cram policy takes them: no evacuation request lost or taken twice, no writer undoes another's member; thresholds and globals out of range are refused before anything is written
# device: cram
# timeout: 1200
. "$NP_TESTS/lib.sh"
P=$NP_NODE
C=/sys/kernel/cram_emu/node$P
run=$NP_OUT/tunerace
mkdir -p "$run"
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
echo 64M >"$C/physical_capacity"

tune() {
	"$NPCTL" tune --node "$P" | awk -v k="$1" '$1 == k { print $2 }'
}

# --- rules, refused before anything is written ---------------------------
expect_refused() {
	local what=$1 pattern=$2
	shift 2
	"$@" >/dev/null 2>"$run/err"
	rc=$?
	ok "$([ $rc != 0 ] && grep -q "$pattern" "$run/err"; echo $?)" \
		"$what: refused (exit $rc: $(head -c 120 "$run/err"))"
}
expect_refused "attach --set high_pct=101" "high_pct is at most 100" \
	"$NPCTL" attach cram --node "$P" --set high_pct=101
expect_refused "attach --set low_pct=85 (default high_pct 80)" \
	"low_pct (85) must be below high_pct (80, its default)" \
	"$NPCTL" attach cram --node "$P" --set low_pct=85
expect_refused "attach --set admit_verdict=4294967296 on a 4-byte global" \
	"does not fit admit_verdict" \
	"$NPCTL" attach np_testpol --node "$P" --set admit_verdict=4294967296
ok "$([ "$(np_sys state)" = none ]; echo $?)" "nothing was attached"
check "attach cram --set high_pct=100 --set low_pct=90" -- \
	"$NPCTL" attach cram --node "$P" --set high_pct=100 --set low_pct=90
expect_refused "tune high_pct=200" "high_pct is at most 100" \
	"$NPCTL" tune --node "$P" high_pct=200
expect_refused "tune low_pct=100" "low_pct (100) must be below high_pct (100)" \
	"$NPCTL" tune --node "$P" low_pct=100
expect_refused "tune high_pct=50 (under low_pct 90)" \
	"low_pct (90) must be below high_pct (50)" \
	"$NPCTL" tune --node "$P" high_pct=50
ok "$([ "$(tune high_pct)" = 100 ] && [ "$(tune low_pct)" = 90 ]; echo $?)" \
	"the refused writes changed nothing (high_pct $(tune high_pct), low_pct $(tune low_pct))"

# --- the race ------------------------------------------------------------
# Decisions that take evacuate_now: storms of 8 MiB demoted onto the node
# by memory.reclaim, one after the other, until told to stop.
mountpoint -q /sys/fs/cgroup || mount -t cgroup2 none /sys/fs/cgroup
echo +memory >/sys/fs/cgroup/cgroup.subtree_control
mkdir -p /sys/fs/cgroup/storm
echo 1 >/sys/kernel/mm/numa/demotion_enabled
(
	while [ ! -e "$run/stop" ]; do
		storm_fill storm "$P" 8 text >/dev/null || break
		storm_reclaim
		storm_reclaim
		storm_end
	done
) >"$run/decider.out" 2>&1 &
decider=$!
taken0=$(bpf_var cram.bss requests_passed)
W=4 N=100
writers=()
for w in $(seq $W); do
	(
		for i in $(seq $N); do
			"$NPCTL" tune --node "$P" evacuate_now=$w >/dev/null ||
				echo "writer $w: tune $i failed"
		done
	) >"$run/writer$w.out" 2>&1 &
	writers+=($!)
done
# Two writers of two other members, each with its own final value.
(
	for i in $(seq $N); do
		"$NPCTL" tune --node "$P" evacuate_pct=$((50 + i % 40)) >/dev/null
	done
	"$NPCTL" tune --node "$P" evacuate_pct=97
) >"$run/pct.out" 2>&1 &
pct=$!
(
	for i in $(seq $N); do
		"$NPCTL" tune --node "$P" evacuate_pages=$((100 + i)) >/dev/null
	done
	"$NPCTL" tune --node "$P" evacuate_pages=4321
) >"$run/pages.out" 2>&1 &
pages=$!
wait "$pct" "$pages" "${writers[@]}"
taken_mid=$(bpf_var cram.bss requests_passed)
# Let the storms take what is left.
for i in $(seq 150); do
	[ "$(tune evacuate_now)" = 0 ] && break
	sleep 0.2
done
taken=$(bpf_var cram.bss requests_passed)
left=$(tune evacuate_now)
# A request past what the kernel holds at once (1 GiB): passed on in
# parts; a part the kernel has no room for yet is refused whole (-EBUSY)
# and goes back into evacuate_now.  The policy's count of accepted pages
# and the kernel's move_requested agree (read once the decisions stop).
# That the kernel drops nothing is bpf's check (-EBUSY seen in one call).
pending=$(tune evacuate_now)
passed0=$(bpf_var cram.bss requests_passed)
busy0=$(bpf_var cram.bss requests_busy)
asked0=$(bpf_var cram.bss evacuated_requested)
kreq0=$(np_stat move_requested)
"$NPCTL" tune --node "$P" evacuate_now=300000 >/dev/null
for i in $(seq 300); do
	[ "$(tune evacuate_now)" = 0 ] && break
	sleep 0.2
done
touch "$run/stop"
wait "$decider"
passed=$(($(bpf_var cram.bss requests_passed) - passed0))
busy=$(($(bpf_var cram.bss requests_busy) - busy0))
failed=$(bpf_var cram.bss requests_failed)
asked=$(($(bpf_var cram.bss evacuated_requested) - asked0))
kreq=$(($(np_stat move_requested) - kreq0))
ok "$([ "$passed" -ge 300000 ] && [ "$passed" -le $((300000 + pending)) ] &&
	[ "$(tune evacuate_now)" = 0 ] && [ "$failed" = 0 ]; echo $?)" \
	"evacuate_now=300000, over 1 GiB: $passed pages accepted by bpf_np_request() in parts ($busy parts refused for now and passed on later, $failed pages refused for good), $(tune evacuate_now) left"
ok "$([ "$kreq" = "$asked" ] && [ "$kreq" -ge "$passed" ]; echo $?)" \
	"the kernel counted $kreq pages requested, the policy $asked accepted"
want=$((N * W * (W + 1) / 2))
got=$((taken - taken0 + left))
cat "$run"/writer*.out "$run/pct.out" "$run/pages.out" | sed 's/^/# /'
ok "$([ "$taken_mid" -gt "$taken0" ]; echo $?)" \
	"the policy took requests while they were written ($((taken_mid - taken0)) pages by the time the writers were done)"
ok "$([ "$got" = "$want" ]; echo $?)" \
	"evacuate_now: $want pages requested by $((N * W)) writes, $((taken - taken0)) taken by the policy + $left left = $got"
ok "$([ "$(tune evacuate_pct)" = 97 ] && [ "$(tune evacuate_pages)" = 4321 ] &&
	[ "$(tune high_pct)" = 100 ] && [ "$(tune low_pct)" = 90 ]; echo $?)" \
	"no writer undid another: evacuate_pct $(tune evacuate_pct) (97), evacuate_pages $(tune evacuate_pages) (4321), high/low $(tune high_pct)/$(tune low_pct)"
ok "$([ "$(np_sys state)" = enabled ]; echo $?)" "the policy ran throughout"
check "detach" -- "$NPCTL" detach --node "$P"
done_testing
