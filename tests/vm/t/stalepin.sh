#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: a pin whose link no longer holds the node's policy (a crash between detach and unlink) is reported and replaced by npctl attach and by npd at start-up, refused by swap, removed by detach; a tunables pin of another policy's map is refused by tune and repaired by npd; temporary pins of dead processes are cleaned
# device: cram
# timeout: 300
. "$NP_TESTS/lib.sh"
P=$NP_NODE
NPD=$NP_BIN/../loader/npd
pins=/sys/fs/bpf/np
pin=$pins/node$P
run=$NP_OUT/stalepin
mkdir -p "$run"
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf

# stale: attach cram with a pin, then detach its link behind npctl's back,
# as a crash between detach and unlink would leave it.
stale() {
	local id
	"$NPCTL" attach cram --node "$P" >/dev/null || return 1
	id=$("$BPFTOOL" -j link show pinned "$pin" |
		python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
	"$BPFTOOL" link detach id "$id" || return 1
	wait_state none && [ -e "$pin" ]
}

check "a stale pin: link detached, node without policy, pin still there" -- stale
"$NPCTL" swap minimal --node "$P" 2>"$run/err"
rc=$?
ok "$([ $rc = 1 ] && grep -q "is stale (its link was detached)" "$run/err" &&
	[ "$(np_sys state)" = none ]; echo $?)" \
	"npctl swap refuses it (exit $rc: $(head -c 140 "$run/err"))"
"$NPCTL" attach cram --node "$P" >/dev/null 2>"$run/err"
rc=$?
ok "$([ $rc = 0 ] && grep -q "removing the stale pin $pin: its link was detached" "$run/err" &&
	[ "$(np_sys state)" = enabled ]; echo $?)" \
	"npctl attach replaces it (exit $rc: $(head -c 140 "$run/err"))"

# A temporary tunables pin of a process that is gone.
tid=$("$BPFTOOL" -j map show pinned "${pin}_tunables" |
	python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
sleep 60 &
alive=$!
"$BPFTOOL" map pin id "$tid" "${pin}_tunables_new$alive"
"$BPFTOOL" map pin id "$tid" "${pin}_tunables_new4000000"
"$NPCTL" detach --node "$P" >/dev/null 2>"$run/err"
rc=$?
ok "$([ $rc = 0 ] && [ ! -e "${pin}_tunables_new4000000" ] &&
	[ -e "${pin}_tunables_new$alive" ] && [ ! -e "$pin" ]; echo $?)" \
	"detach removed the dead process's temporary pin, kept a live one's (exit $rc: $(head -c 120 "$run/err"))"
kill "$alive"
rm -f "${pin}_tunables_new$alive"

check "another stale pin" -- stale
"$NPCTL" detach --node "$P" >/dev/null 2>"$run/err"
rc=$?
ok "$([ $rc = 0 ] && [ ! -e "$pin" ] && [ ! -e "${pin}_tunables" ]; echo $?)" \
	"npctl detach of a stale pin removes it and its tunables pin (exit $rc)"

# A stale tunables pin: the link holds the policy, but the tunables pin
# holds an earlier policy's map (as a crash between a swap and the move of
# the pin would leave it).  Writes to it would reach no running program.
map_id() {
	"$BPFTOOL" -j map show pinned "$1" |
		python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])'
}
"$NPCTL" attach cram --node "$P" >/dev/null
old=$(map_id "${pin}_tunables")
"$BPFTOOL" map pin id "$old" /sys/fs/bpf/np-stalepin-keep
"$NPCTL" swap cram --node "$P" >/dev/null
new=$(map_id "${pin}_tunables")
rm "${pin}_tunables"
"$BPFTOOL" map pin id "$old" "${pin}_tunables"
rm /sys/fs/bpf/np-stalepin-keep
"$NPCTL" tune --node "$P" high_pct=70 >/dev/null 2>"$run/err"
rc=$?
ok "$([ $rc = 1 ] && [ "$old" != "$new" ] &&
	grep -q "are not those of the policy attached to the node (a stale pin" "$run/err"; echo $?)" \
	"npctl tune refuses another policy's tunables pin (maps $old, $new; exit $rc: $(head -c 160 "$run/err"))"
cat >"$run/npd2.conf" <<EOF
[global]
on_exit = keep
[node $P]
policy = cram
set = high_pct=75
EOF
npd_start "$run/npd2.conf" "$run/npd2.log" "adopted policy cram"
kill -TERM "$NPD_PID"
wait "$NPD_PID"
sed 's/^/# /' "$run/npd2.log"
ok "$(grep -q "held another policy's tunables (map $old); now the attached policy's (map $new)" "$run/npd2.log" &&
	grep -q "adopted policy cram" "$run/npd2.log" &&
	[ "$(map_id "${pin}_tunables")" = "$new" ] &&
	[ "$("$NPCTL" tune --node "$P" | awk '$1 == "high_pct" { print $2 }')" = 75 ]; echo $?)" \
	"npd repairs the pin when it adopts the policy, then writes its tunables through it"
"$NPCTL" detach --node "$P" >/dev/null

check "a stale pin before npd starts" -- stale
cat >"$run/npd.conf" <<EOF
[global]
metrics = /run/npd-stalepin.sock
on_exit = detach
[node $P]
policy = cram
EOF
npd_start "$run/npd.conf" "$run/npd.log" "attached policy cram"
npd=$NPD_PID
ok "$(grep -q "removing the stale pin $pin" "$run/npd.log" &&
	grep -q "attached policy cram" "$run/npd.log" && kill -0 "$npd" &&
	[ "$(np_sys state)" = enabled ]; echo $?)" \
	"npd reports the stale pin, attaches and keeps running"
sed 's/^/# /' "$run/npd.log"
kill -TERM "$npd"
wait "$npd"
ok $? "npd exits 0 on SIGTERM"
check "on_exit = detach: no policy, no pin" -- \
	eval 'wait_state none && [ ! -e "$pin" ]'
done_testing
