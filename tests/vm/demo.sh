#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The demo run by `make demo`, inside the VM: compressed memory that
# cannot overflow.  The memory-only node was claimed by the CRAM emulator
# (cram_emu): 1 GiB advertised, here backed by 64 MiB of "physical"
# memory.  npd attaches bpf/cram to it and watches the device; a workload
# pushes compressible, then incompressible data down to it by demotion;
# the policy closes admission at the high watermark in the kernel, npd
# reacts to the ratio collapse, a stricter policy is swapped in with no
# gap, and writes promote data back.  Ends with a summary.
set -u
. "$NP_TESTS/lib.sh"
P=$NP_NODE
C=/sys/kernel/cram_emu/node$P
NPD=$NP_BIN/../loader/npd
CG=/sys/fs/cgroup/demo
run=/run/npd-demo

cram() { cat "$C/$1"; }
mib() { echo $(($1 / 1048576)); }
section() { printf '\n== %s ==\n' "$*"; }
# line: one status line of the device and the policy.
line() {
	printf '  logical %4s MiB  physical %3s MiB of %s  ratio %5s  watermark %-6s  overflow %s  admitted %s  refused %s\n' \
		"$(mib "$(cram logical_bytes)")" \
		"$(mib "$(cram physical_bytes)")" \
		"$(mib "$(cram physical_capacity)")" "$(cram ratio)" \
		"$(cram watermark)" "$(cram overflow_events)" \
		"$(np_stat migrated_in)" "$(np_stat migrate_denied)"
}

mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
mountpoint -q /sys/fs/cgroup || mount -t cgroup2 none /sys/fs/cgroup
echo +memory >/sys/fs/cgroup/cgroup.subtree_control
mkdir -p "$CG" "$run"
echo 1 >/sys/kernel/mm/numa/demotion_enabled
echo 64M >"$C/physical_capacity"

section "Node $P is compressed memory (cram_emu)"
printf '  %-26s %s\n' "device" "$(np_sys device)" \
	"capabilities" "$(np_sys caps)" \
	"advertised" "$(mib "$(cram logical_capacity)") MiB" \
	"physical" "$(mib "$(cram physical_capacity)") MiB" \
	"watermarks (low/high)" "$(cram low_watermark)% / $(cram high_watermark)%" \
	"has_private_memory" "$(cat /sys/devices/system/node/has_private_memory)" \
	"has_memory" "$(cat /sys/devices/system/node/has_memory)"

section "npd takes the node"
cat >"$run/npd.conf" <<EOF
[global]
metrics = $run/metrics.sock
on_exit = keep

[node $P]
policy = cram
set = high_pct=80
set = low_pct=60
min_ratio = 2.2
react = tighten high_pct=70 low_pct=50
react = evacuate 2048
EOF
sed 's/^/  | /' "$run/npd.conf"
"$NPD" -c "$run/npd.conf" >"$run/npd.log" 2>&1 &
npd=$!
wait_state enabled 30
echo "  npd (pid $npd) attached policy '$(np_sys policy)' to node $P: state $(np_sys state)"

# push MIB MODE: a workload in cgroup "demo" writes MIB MiB of MODE data
# on node 0; memory.reclaim of the cgroup then demotes it to node P (a
# storm, see lib.sh).  The workload keeps its data until storm_end; a
# "write" line on its stdin writes every page.
push() {
	storm_fill demo "$P" "$1" "$2" || {
		echo "  the workload did not start: $(cat "$STORM_LOG")"
		return 1
	}
	storm_reclaim
	line
	storm_reclaim
	line
	storm_reclaim
	line
	storm_go
	echo "  workload: $STORM_LINE (pages on node $P)"
}

section "96 MiB of text (compresses about 2:1) pushed down by reclaim"
push 96 text
text_pid=$STORM_PID text_in=$STORM_FD text_log=$STORM_LOG

section "64 MiB of random data (incompressible) pushed down"
push 64 random
rand_pid=$STORM_PID rand_in=$STORM_FD rand_log=$STORM_LOG
echo "  cram closed admission $(bpf_var cram.bss closings) time(s) in the kernel," \
	"refused $(bpf_var cram.bss denied) demotions"
sleep 2
echo "  npd's log:"
sed 's/^/  | /' "$run/npd.log"

section "Hot-swap: a stricter cram (high 50%, low 30%) replaces the running one"
b0=$(np_stat builtin_decisions) s0=$(np_sys enable_seq)
"$NPCTL" swap cram --node "$P" --set high_pct=50 --set low_pct=30 |
	sed 's/^/  /'
echo "  enable_seq $s0 -> $(np_sys enable_seq), decisions by the built-in" \
	"policy during the swap: $(($(np_stat builtin_decisions) - b0))"
line

section "The workloads write to their data: each write promotes a page"
w0=$(np_stat write_promoted)
echo write >&"$text_in"
echo write >&"$rand_in"
for i in $(seq 300); do
	grep -q '^written' "$text_log" && grep -q '^written' "$rand_log" &&
		break
	sleep 0.2
done
echo "  pages promoted on write: $(($(np_stat write_promoted) - w0))"
line

section "Metrics (OpenMetrics, from npd's socket)"
np_metrics "$run/metrics.sock" | grep -E '^np_device|^np_node_device_alerts|^npd_actions' |
	sed 's/^/  /'

storm_end "$text_pid" "$text_in" "$text_log"
storm_end "$rand_pid" "$rand_in" "$rand_log"
kill -TERM "$npd"
wait "$npd"
echo "  npd stopped (on_exit = keep): node $P still runs '$(np_sys policy)'"
"$NPCTL" detach --node "$P" >/dev/null

section "Summary"
printf '  %-40s %s\n' \
	"peak physical use / physical capacity" \
	"$(mib "$(cram peak_physical_bytes)") MiB / $(mib "$(cram physical_capacity)") MiB" \
	"overflow events (poison on hardware)" "$(cram overflow_events)" \
	"pages demoted onto node $P" "$(np_stat migrated_in)" \
	"demotions refused by the policy" "$(np_stat migrate_denied)" \
	"pages promoted on write" "$(np_stat write_promoted)" \
	"pages evacuated at the policy's request" "$(np_stat move_evacuated)" \
	"watermark crossings" "$(cram watermark_events)"
[ "$(cram overflow_events)" = 0 ]
