#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: the device interface of nodeN/private/ with a device that is not cram_emu (the test driver's): device_counters, device_alert raised and cleared with poll(2) wake-ups and device_alerts counted; npd watches it and reacts with no knowledge of the device
# timeout: 300
. "$NP_TESTS/lib.sh"
P=$NP_NODE
NPD=$NP_BIN/../loader/npd
run=$NP_OUT/devalert
sock=/run/npd-devalert.sock
mkdir -p "$run"
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
D=/sys/devices/system/node/node$P/private

# counter NAME: a counter of nodeN/private/device_counters.
counter() {
	awk -v k="$1" '$1 == k { print $2 }' "$D/device_counters"
}

# --- the files -------------------------------------------------------------
echo "# device $(np_sys device); device_counters:"
sed 's/^/#   /' "$D/device_counters"
managed=$(($(node_mem "$P" MemTotal) * 1024))
ok "$([ "$(np_sys device)" = np-test ] &&
	[ "$(awk '{ print $1 }' "$D/device_counters" | tr '\n' ' ')" = \
		"logical_bytes physical_bytes physical_capacity " ] &&
	[ "$(counter physical_capacity)" = "$managed" ] &&
	[ "$(counter logical_bytes)" = "$(counter physical_bytes)" ]; echo $?)" \
	"device_counters: the three counters of the test device, capacity = $managed bytes managed, logical = physical"
ok "$([ "$(np_sys device_alert)" = normal ] &&
	[ "$(stat -c %a "$D/device_alert")" = 444 ]; echo $?)" \
	"device_alert reads normal, mode 0444"
out=$(as_nobody sh -c "echo high >$D/device_alert" 2>&1)
ok "$([ $? != 0 ] && [ "$(np_sys device_alert)" = normal ]; echo $?)" \
	"an unprivileged write is refused: $out"

alerts0=$(np_stat device_alerts)
poll_arm "$D/device_alert" "$run/poll1"
echo "$P 1" >"$NP_DBG/alert"
wait "$POLLER"
ok "$(grep -qx 'woke high' "$run/poll1" &&
	[ "$(np_stat device_alerts)" = $((alerts0 + 1)) ]; echo $?)" \
	"raised: the poller woke and read '$(tail -n 1 "$run/poll1")', device_alerts $alerts0 -> $(np_stat device_alerts)"
poll_arm "$D/device_alert" "$run/poll-same" 3
echo "$P 1" >"$NP_DBG/alert"
wait "$POLLER"
ok "$([ "$(np_stat device_alerts)" = $((alerts0 + 1)) ] &&
	grep -qx timeout "$run/poll-same"; echo $?)" \
	"raising it again counts nothing ($(np_stat device_alerts)) and wakes no poller ($(tail -n 1 "$run/poll-same"))"
poll_arm "$D/device_alert" "$run/poll2"
echo "$P 0" >"$NP_DBG/alert"
wait "$POLLER"
ok "$(grep -qx 'woke normal' "$run/poll2" &&
	[ "$(np_stat device_alerts)" = $((alerts0 + 1)) ]; echo $?)" \
	"cleared: the poller woke and read '$(tail -n 1 "$run/poll2")'; clearing is not counted"

# --- npd: the same episode as for CRAM, from these two files ----------------
cat >"$run/npd.conf" <<EOF
[global]
metrics = $sock
on_exit = detach
[node $P]
policy = minimal
min_ratio = 1.5
react = swap isolate
EOF
check "npd watches the test device's alert" -- \
	npd_start "$run/npd.conf" "$run/npd.log" \
	"node $P: watching $D/device_alert \\(alert normal\\)"
# 16 MiB of data: the test device does not compress, ratio 1.00 < 1.5.
check "16 MiB held on node $P under minimal" -- \
	held "$NP_BIN/npops" hold "$P" 16
ok "$([ "$(np_sys policy)" = minimal ]; echo $?)" \
	"no alert, no episode: policy $(np_sys policy)"
echo "$P 1" >"$NP_DBG/alert"
check "alert raised: npd logs it with the device's counters" -- \
	wait_grep "node $P: device alert high: physical [0-9]+ of $managed bytes, ratio [01]\.[0-9][0-9]" \
	"$run/npd.log"
check "and reacts: swap isolate" -- \
	wait_grep "node $P: ratio [01]\.[0-9][0-9] < 1.50, alert high: swap isolate" \
	"$run/npd.log"
ok "$([ "$(np_sys policy)" = isolate ]; echo $?)" \
	"the node's policy is $(np_sys policy)"
"$NPCTL" -j stats --node "$P" >"$run/stats.json"
np_metrics "$sock" >"$run/metrics.txt"
ok "$(python3 - "$run/stats.json" "$run/metrics.txt" "$P" <<'EOF2'
import json, sys
n, = json.loads(open(sys.argv[1]).read())["nodes"]
dev = n["device"]
assert dev["name"] == "np-test" and dev["alert"] == "high", dev
assert dev["logical_bytes"] >= 16 << 20, dev
m = {}
for l in open(sys.argv[2]):
    if not l.startswith("#"):
        k, v = l.rsplit(" ", 1)
        m[k] = float(v)
node = '{node="%s"}' % sys.argv[3]
assert m["np_device_alert" + node] == 1, m
assert abs(m["np_device_ratio" + node] - 1) < 0.05, m
assert m["np_device_physical_capacity_bytes" + node] == dev["physical_capacity"], m
assert m["np_device_logical_bytes" + node] >= 16 << 20, m
assert m["np_node_device_alerts_total" + node] >= 2, m
print(0)
EOF2
)" "npctl -j stats and the metrics show the device's name, counters and alert"
check "the holder exits" -- release
echo "$P 0" >"$NP_DBG/alert"
check "alert cleared: npd logs it" -- \
	wait_grep "node $P: device alert normal" "$run/npd.log"
kill -TERM "$NPD_PID"
wait "$NPD_PID"
ok "$([ $? = 0 ] && [ "$(np_sys state)" = none ]; echo $?)" \
	"npd exits on SIGTERM and detaches (state $(np_sys state))"
echo "# npd log:"
sed 's/^/#   /' "$run/npd.log"
done_testing
