#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: cram_emu charges compressed sizes; bpf/cram keeps an incompressible storm from overflowing it
# device: cram
# timeout: 600
. "$NP_TESTS/lib.sh"
P=$NP_NODE
C=/sys/kernel/cram_emu/node$P
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
NCPU=$(nproc)
objs=$(bpf_objects)

cram() { cat "$C/$1"; }
bss() { bpf_var cram.bss "$1"; }

mountpoint -q /sys/fs/cgroup || mount -t cgroup2 none /sys/fs/cgroup
echo +memory >/sys/fs/cgroup/cgroup.subtree_control
mkdir -p /sys/fs/cgroup/storm

# cstorm MIB MODE: a storm (lib.sh) in cgroup "storm" against node P.
cstorm() {
	storm storm "$P" "$1" "$2"
	echo "# storm $1 MiB $2: $STORM_LINE"
}

# unstorm: free the storm's memory and wait for the charges to go.
unstorm() {
	local i
	storm_end
	for i in $(seq 100); do
		[ "$(cram logical_bytes)" = 0 ] && return 0
		sleep 0.1
	done
	return 1
}

check "cram_emu drives node $P" -- test -d "$C"
ok "$([ "$(np_sys device)" = cram_emu ] &&
	[ "$(np_sys caps)" = "migration demotion protect_write reclaim" ] &&
	echo 0 || echo 1)" \
	"device cram_emu, capabilities: $(np_sys caps)"
ok "$([ "$(cram physical_capacity)" = $(($(cram logical_capacity) / 2)) ] &&
	echo 0 || echo 1)" \
	"physical capacity starts at half of $(cram logical_capacity) bytes"

# --- input the emulator refuses, leaving everything as it was -----------
# refused WHAT FILE VALUE: writing VALUE to FILE of /sys/kernel/cram_emu
# fails with EINVAL.
refused() {
	local out
	out=$( (echo "$3" >"/sys/kernel/cram_emu/$2") 2>&1)
	ok "$([ $? != 0 ] && echo "$out" | grep -q "Invalid argument";
		echo $?)" "$1: refused ($out)"
}
refused "low_watermark 0 (use never falls below it)" node$P/low_watermark 0
refused "low_watermark at high_watermark" node$P/low_watermark \
	"$(cram high_watermark)"
refused "high_watermark 101" node$P/high_watermark 101
# Node P's own range: without the fourth word it is EBUSY (P has it).
refused "add with a fourth word" add "$P $NP_START $NP_SIZE extra"
ok "$([ "$(cram low_watermark)" = 60 ] && [ "$(cram high_watermark)" = 80 ] &&
	[ "$(np_sys device)" = cram_emu ]; echo $?)" \
	"nothing changed: watermarks $(cram low_watermark)/$(cram high_watermark), node $P still cram_emu's"

# --- accounting: pages demoted by cram's admission are charged ---------
echo 1 >/sys/kernel/mm/numa/demotion_enabled
check "attach cram" -- "$NPCTL" attach cram --node "$P"
cstorm 16 text
n=$(kv on_node "$STORM_LINE")
lb=$(cram logical_bytes) pb=$(cram physical_bytes)
echo "# text: logical=$lb physical=$pb ratio=$(cram ratio)"
# The cgroup's other pages (the process's own) may come along.
ok "$([ "${n:-0}" -gt 3000 ] && [ "$lb" -ge $((n * 4096)) ] &&
	[ "$lb" -le $((n * 4096 + 1048576)) ] &&
	[ "$pb" -gt 0 ] && [ $((pb * 2)) -lt "$lb" ] && echo 0 || echo 1)" \
	"$n text pages demoted: logical $lb bytes, physical $pb (ratio $(cram ratio) > 2)"
check "freeing them releases every charge" -- unstorm
ok "$([ "$(cram physical_bytes)" = 0 ] && echo 0 || echo 1)" \
	"physical bytes back to 0"

cstorm 16 random
n=$(kv on_node "$STORM_LINE")
lb=$(cram logical_bytes) pb=$(cram physical_bytes)
echo "# random: logical=$lb physical=$pb ratio=$(cram ratio)"
ok "$([ "${n:-0}" -gt 3000 ] && [ "$pb" -ge $((n * 4096)) ] &&
	[ "$pb" -le "$lb" ] && echo 0 || echo 1)" \
	"$n random pages take their full size (ratio $(cram ratio))"
unstorm

# --- an incompressible storm against a 32 MiB device, with bpf/cram ------
echo 32M >"$C/physical_capacity"
cap=$(cram physical_capacity)
high=$((cap * 80 / 100))
ev0=$(cram watermark_events) of0=$(cram overflow_events)
alerts0=$(np_stat device_alerts)
trace_start cram_emu/cram_emu_watermark
# The storm starts only once the poller is armed.
poll_arm "$C/watermark" "$NP_OUT/poll.out" 120
poller=$POLLER
cstorm 64 random
n=$(kv on_node "$STORM_LINE")
peak=$(cram peak_physical_bytes)
echo "# peak=$peak high=$high capacity=$cap closings=$(bss closings) denied=$(bss denied)"
ok "$([ "$(cram overflow_events)" = "$of0" ] && echo 0 || echo 1)" \
	"no overflow event ($(cram overflow_events)) after 64 MiB of random data"
ok "$([ "${n:-0}" -gt 0 ] && [ "$n" -lt 16384 ] &&
	[ "$(bss closings)" -ge 1 ] && echo 0 || echo 1)" \
	"cram admitted $n of 16384 pages and closed ($(bss denied) refusals)"
ok "$([ "$peak" -ge "$high" ] &&
	[ "$peak" -le $((high + NCPU * 4096)) ] && echo 0 || echo 1)" \
	"at most one page per CPU past the high watermark: peak $peak, high $high"
ok "$([ "$(cram watermark)" = high ] &&
	[ "$(cram watermark_events)" = $((ev0 + 1)) ] && echo 0 || echo 1)" \
	"watermark high, one crossing"
ok "$([ "$(np_sys device_alert)" = high ] &&
	[ "$(np_stat device_alerts)" = $((alerts0 + 1)) ] &&
	[ "$(awk '$1 == "physical_capacity" { print $2 }' \
		"/sys/devices/system/node/node$P/private/device_counters")" = "$cap" ]
	echo $?)" \
	"the node's device interface: device_alert $(np_sys device_alert), device_alerts +$(($(np_stat device_alerts) - alerts0)), physical_capacity as cram_emu's"
wait $poller
ok "$(grep -q '^woke high$' "$NP_OUT/poll.out" && echo 0 || echo 1)" \
	"poll() on the watermark attribute woke: $(cat "$NP_OUT/poll.out")"
ok "$([ "$(trace_count "cram_emu_watermark: nid=$P watermark=high")" = 1 ] &&
	echo 0 || echo 1)" "cram_emu_watermark traced the crossing"
unstorm
ok "$([ "$(cram watermark)" = normal ] &&
	[ "$(cram watermark_events)" = $((ev0 + 2)) ] && echo 0 || echo 1)" \
	"freed: back below the low watermark (normal)"

# --- the same storm under a policy blind to the ratio overflows ----------
# Detached, the node would take no demotion at all (the built-in policy
# has no DEMOTION); minimal admits every demotion, as a plain slow tier.
check "swap cram for minimal (admits every demotion)" -- \
	"$NPCTL" swap minimal --node "$P" \
	--flags migration,demotion,protect_write,reclaim
log_mark
cstorm 64 random
of=$(cram overflow_events)
ok "$([ "$of" -gt "$of0" ] && echo 0 || echo 1)" \
	"without cram the storm overflows the device: $of overflow events, peak $(cram peak_physical_bytes) of $cap"
ok "$(log_since | grep -q "node $P: pfn .* stored past the physical capacity" &&
	echo 0 || echo 1)" "the overflow is logged"
unstorm
check "detach" -- "$NPCTL" detach --node "$P"

# --- evacuation of the folios that compress worst ------------------------
# 16 MiB demoted, text and random pages alternating; past evacuate_pct
# cram asks, while the demotions go on, for the costly folios to go: the
# random ones.  What stays compresses like the text alone.
echo 64M >"$C/physical_capacity"
check "attach cram with evacuate_pct=10" -- "$NPCTL" attach cram \
	--node "$P" --set evacuate_pct=10 --set evacuate_pages=4096
ev=$(np_stat move_evacuated)
cstorm 16 mixed
for i in $(seq 100); do
	[ "$(np_stat move_evacuated)" -ge $((ev + 1000)) ] && break
	sleep 0.2
done
lb=$(cram logical_bytes) pb=$(cram physical_bytes)
echo "# after evacuation: logical=$lb physical=$pb evacuated=$(($(np_stat move_evacuated) - ev)) requests=$(bss evacuations)"
ok "$([ "$(bss evacuations)" -ge 1 ] &&
	[ "$(np_stat move_evacuated)" -ge $((ev + 1000)) ] &&
	[ $((pb * 2)) -lt "$lb" ] && echo 0 || echo 1)" \
	"costly folios evacuated: $(($(np_stat move_evacuated) - ev)) pages, physical $pb of logical $lb"
check "detach" -- "$NPCTL" detach --node "$P"
unstorm
check_no_leak "$objs"
done_testing
