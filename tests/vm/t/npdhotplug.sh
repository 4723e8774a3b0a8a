#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: npd follows a dax-backed private node as daxctl adds and removes it: attaches by device name or node id, drops state and pins when it goes, without polling
# device: dax
# timeout: 900
. "$NP_TESTS/lib.sh"
P=$NP_NODE
D=$NP_DAX
sys=/sys/devices/system/node
dax=/sys/bus/dax/devices/$D
pin=/sys/fs/bpf/np/node$P
conf=/run/npd-hotplug.conf
log=$NP_OUT/npd.log
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf

add() {
	echo 1 >"$dax/private_node" &&
		daxctl reconfigure-device --mode=system-ram "$D" \
			>>"$NP_OUT/daxctl.log" 2>&1
}
remove() {
	daxctl reconfigure-device --mode=devdax -f "$D" \
		>>"$NP_OUT/daxctl.log" 2>&1
}
# lines LOG: how many lines LOG has now, to look after them.
lines() {
	wc -l <"$log"
}
# after N REGEX: wait for REGEX in the log past its first N lines.
after() {
	local _
	for _ in $(seq $((30 * ${NP_SLOW:-1} * 5))); do
		tail -n +$(($1 + 1)) "$log" | grep -qE -- "$2" && return 0
		sleep 0.2
	done
	return 1
}
policy() {
	cat "$sys/node$P/private/policy" 2>/dev/null
}
# reload REGEX < CONF: SIGHUP npd with CONF; wait for REGEX in its log.
reload() {
	local n
	cat >"$conf"
	n=$(lines)
	kill -HUP "$NPD_PID"
	after "$n" "$1"
}
# wakeups: voluntary context switches of npd so far.
wakeups() {
	awk '/^voluntary_ctxt_switches/ { print $2 }' "/proc/$NPD_PID/status"
}

remove
ok $? "daxctl takes node $P away before npd starts"
ok $([ ! -d "$sys/node$P/private" ]; echo $?) "node $P is not private"
base=$(bpf_objects)

cat >"$conf" <<EOF
[global]
on_exit = detach
[device $D]
policy = tier
EOF
npd_start "$conf" "$log" "running: 1 node"
ok $? "npd starts with [device $D] while no node has it"
grep -q "\[device $D\]: no such private node yet; waiting for it" "$log"
ok $? "npd says it waits for the device"
w0=$(wakeups)
sleep 3
w1=$(wakeups)
ok $([ "$w0" = "$w1" ]; echo $?) \
	"npd sleeps while nothing happens (voluntary context switches $w0 -> $w1 in 3 s)"

for round in 1 2; do
	n=$(lines)
	add
	ok $? "round $round: daxctl reconfigure-device --mode=system-ram $D (private_node=1)"
	after "$n" "node $P: attached policy tier"
	ok $? "round $round: npd attaches tier to node $P as it appears"
	after "$n" "node $P: private, device $D: set up for \[device $D\]"
	ok $? "round $round: npd matched the node by its device name"
	ok $([ "$(policy)" = tier ] && [ -e "$pin" ]; echo $?) \
		"round $round: node $P runs tier, its link pinned at $pin"
	n=$(lines)
	remove
	ok $? "round $round: daxctl reconfigure-device --mode=devdax -f $D"
	after "$n" "node $P: no longer private or no longer \[device $D\]: its state is dropped"
	ok $? "round $round: npd drops the node's state when it goes"
	after "$n" "removing the stale pin $pin"
	ok $? "round $round: npd removes the node's stale pin"
	ok $([ ! -e "$pin" ] && [ ! -e "${pin}_tunables" ]; echo $?) \
		"round $round: no pin of node $P is left"
	check_no_leak "$base"
	kill -0 "$NPD_PID"
	ok $? "round $round: npd runs on"
done

# A [node N] section follows its node the same way once it is running.
add
reload "reloaded " <<EOF
[global]
on_exit = detach
[node $P]
policy = tier
EOF
ok $? "SIGHUP: [node $P] instead of [device $D]"
ok $([ "$(policy)" = tier ]; echo $?) "node $P runs tier"
n=$(lines)
remove
after "$n" "node $P: no longer private or no longer \[node $P\]: its state is dropped"
ok $? "[node $P]: npd drops the node when it goes"
n=$(lines)
add
after "$n" "node $P: attached policy tier"
ok $? "[node $P]: npd attaches again when the node comes back"

# The node goes and comes back while npd does not run (one batch of
# uevents when it does): its policy went with it, and npd sets it up
# again instead of trusting its stale pin.
kill -STOP "$NPD_PID"
remove && add
ok $? "node $P removed and added again while npd is stopped"
n=$(lines)
kill -CONT "$NPD_PID"
after "$n" "node $P: attached policy tier"
ok $? "npd sees that the node went and came back, and attaches again"
ok $([ "$(policy)" = tier ] && [ -e "$pin" ]; echo $?) \
	"node $P runs tier, pinned"

# [node N] added beside a [device] that holds the node: [node N] takes
# it, the policy stays (adopted, not detached and attached again).
reload "reloaded " <<EOF
[global]
on_exit = detach
[device $D]
policy = tier
EOF
ok $? "SIGHUP: back to [device $D]"
seq0=$(cat "$sys/node$P/private/enable_seq")
reload "reloaded " <<EOF
[global]
on_exit = detach
[device $D]
policy = tier
[node $P]
policy = tier
EOF
ok $? "SIGHUP: [node $P] beside [device $D]"
grep -q "node $P: now configured by \[node $P\], not \[device $D\]" "$log"
ok $? "the [device] section lets go of node $P for [node $P]"
ok $([ "$(policy)" = tier ] &&
	[ "$(cat "$sys/node$P/private/enable_seq")" = "$seq0" ]; echo $?) \
	"node $P keeps its policy, never detached (enable_seq $seq0)"

# A configuration naming a node that is not there and not running is
# refused: a typo is not left waiting.
reload "node 7 is not private" <<EOF
[node 7]
policy = tier
EOF
ok $? "SIGHUP with [node 7], which is not private, is refused"
ok $([ "$(policy)" = tier ]; echo $?) "node $P keeps its policy"

kill -TERM "$NPD_PID"
wait "$NPD_PID"
ok $? "npd exits on SIGTERM"
ok $([ "$(policy)" = isolated ] && [ ! -e "$pin" ]; echo $?) \
	"on_exit detach: node $P is back to the built-in policy, no pin left"
sed 's/^/# npd: /' "$log"
done_testing
