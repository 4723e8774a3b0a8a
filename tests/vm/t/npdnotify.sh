#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: npd under systemd's protocols: READY=1 once the node is set up, RELOADING=1 then READY=1 around SIGHUP, STOPPING=1 on SIGTERM, each with STATUS=; log lines with journald priorities when stderr is the journal's stream
# timeout: 300
. "$NP_TESTS/lib.sh"
P=$NP_NODE
NPD=$NP_BIN/../loader/npd
run=$NP_OUT/npdnotify
sock=/run/npd-notify.sock
mkdir -p "$run"
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
cat >"$run/npd.conf" <<EOF2
[global]
on_exit = detach
[node $P]
policy = minimal
EOF2

# --check on a valid file: no privilege needed, nothing attached.
out=$(as_nobody "$NPD" --check -c "$run/npd.conf" 2>&1)
rc=$?
ok "$([ $rc = 0 ] && [ "$out" = "npd: $run/npd.conf: valid, 1 node" ] &&
	[ "$(np_sys state)" = none ]; echo $?)" \
	"npd --check of a valid file, as nobody: exit $rc, '$out'"

# A listener for sd_notify(3) datagrams, one line per message ("|" for
# newlines), in /run (the output directory is 9p: no sockets there).
notify_listen "$sock" /run/npd-notify.out
listener=$NOTIFY_PID

# wait_msg REGEX: wait for a notification matching REGEX.
wait_msg() {
	wait_grep "$1" /run/npd-notify.out
}

# stderr is a file whose device and inode JOURNAL_STREAM names.
: >/run/npd-notify.log
js="$(stat -c %d /run/npd-notify.log):$(stat -c %i /run/npd-notify.log)"
NOTIFY_SOCKET=$sock JOURNAL_STREAM=$js "$NPD" -c "$run/npd.conf" \
	2>>/run/npd-notify.log &
npd=$!
check "READY=1 with STATUS=1 node managed, once the policy is attached" -- \
	eval 'wait_msg "^READY=1\|STATUS=1 node managed, on_exit detach$" &&
		[ "$(np_sys policy)" = minimal ]'
kill -HUP "$npd"
check "SIGHUP: RELOADING=1 (with MONOTONIC_USEC), then READY=1 again" -- \
	eval 'wait_msg "^RELOADING=1\|MONOTONIC_USEC=[0-9]+\|STATUS=reloading " &&
		[ "$(grep -c "^READY=1" /run/npd-notify.out)" -ge 2 ] &&
		[ "$(grep -n "" /run/npd-notify.out | grep -m1 RELOADING | cut -d: -f1)" -lt \
		  "$(grep -n "^READY=1" /run/npd-notify.out | tail -1 | cut -d: -f1)" ]'
kill -TERM "$npd"
wait "$npd"
ok $? "npd exits 0 on SIGTERM"
check "STOPPING=1 with STATUS=exiting on SIGTERM" -- \
	wait_msg "^STOPPING=1\|STATUS=exiting on SIGTERM$"
sed 's/^/# notify: /' /run/npd-notify.out
ok "$(grep -q "^<6>npd .* starting with" /run/npd-notify.log &&
	grep -q "^<6>node $P: attached policy minimal" /run/npd-notify.log &&
	! grep -q "npd: " /run/npd-notify.log; echo $?)" \
	"journal stream: lines carry <priority>, no \"npd: \" prefix"
# An error goes out at LOG_ERR.
printf '[node 99]\npolicy = minimal\n' >"$run/bad.conf"
: >/run/npd-notify.log
js="$(stat -c %d /run/npd-notify.log):$(stat -c %i /run/npd-notify.log)"
JOURNAL_STREAM=$js "$NPD" -c "$run/bad.conf" 2>>/run/npd-notify.log
rc=$?
ok "$([ $rc = 1 ] && grep -q "^<3>.*node 99 is not private" /run/npd-notify.log; echo $?)" \
	"a bad configuration is logged at <3> (exit $rc: $(head -c 100 /run/npd-notify.log))"
# Without JOURNAL_STREAM (or a stream that is not stderr): "npd: " lines.
"$NPD" -c "$run/bad.conf" 2>/run/npd-notify.log
ok "$(grep -q "^npd: .*node 99 is not private" /run/npd-notify.log; echo $?)" \
	"without the journal: \"npd: \" lines"
sed 's/^/# /' /run/npd-notify.log
kill "$listener"
wait_state none
done_testing
