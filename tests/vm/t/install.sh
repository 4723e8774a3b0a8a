#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: make install's files in the guest (a tmpfs over /usr/local): npd started from its installed unit, in the unit's sandbox (read-only system, bounded capabilities, no new privileges), attaches an installed policy, says READY=1, serves OpenMetrics over HTTP that Prometheus's parser accepts and over its socket, reloads, and detaches on SIGTERM; the installed npctl and man pages work
# timeout: 300
. "$NP_TESTS/lib.sh"
P=$NP_NODE
top=$(dirname "$(dirname "$NP_TESTS")")
out=$(readlink -f "$NP_BIN/..")
PY=/usr/bin/python3
run=/run/npd-install
mkdir -p "$run"
. "$out/paths.env"

# Install into the guest's own view: /usr/local (and /etc, if the guest
# cannot write it) on tmpfs, so nothing reaches the host.
mount -t tmpfs tmpfs /usr/local
if ! touch /etc/.np-install 2>/dev/null; then
	mkdir -p "$run/etc-up" "$run/etc-work"
	mount -t overlay overlay \
		-o "lowerdir=/etc,upperdir=$run/etc-up,workdir=$run/etc-work" /etc
fi
rm -f /etc/.np-install
DESTDIR= "$top/scripts/install.sh" install "$out" >"$run/install.log" 2>&1
ok $? "scripts/install.sh install into / ($(wc -l <"$run/install.log") files)"
unit=$UNITDIR/npd.service
npctl=$SBINDIR/npctl
ok "$([ -x "$SBINDIR/npd" ] && [ -x "$npctl" ] && [ -f "$unit" ] &&
	[ -f "$POLICYDIR/minimal.bpf.o" ]; echo $?)" \
	"npd, npctl, the unit and the policies are in $SBINDIR, $UNITDIR, $POLICYDIR"
conf=$(sed -n 's/^ExecStart=[^ ]* -c //p' "$unit")
ok "$([ "$conf" = "$SYSCONFDIR/npd.conf" ]; echo $?)" "the unit reads $conf"
cat >"$conf" <<EOF2
[global]
metrics = /run/npd/metrics.sock
http = 127.0.0.1:9464
on_exit = detach
[node $P]
policy = minimal
EOF2

# The installed npctl finds the installed policies, not the build tree's.
list=$(env -u NP_POLICY_DIR "$npctl" list 2>&1)
ok "$(echo "$list" | grep -q "$POLICYDIR/minimal.bpf.o" &&
	! echo "$list" | grep -q "$out"; echo $?)" \
	"the installed npctl lists the installed policies"
MANPATH=$MANDIR man -w npd.conf >/dev/null 2>&1
ok $? "man npd.conf finds the installed page"

# sd_notify(3) datagrams, one line per message.
sock=/run/npd-install-notify.sock
notify_listen "$sock" "$run/notify"
listener=$NOTIFY_PID
wait_msg() {
	wait_grep "$1" "$run/notify"
}

mountpoint -q /sys/fs/bpf || mount -t bpf -o mode=0700 bpf /sys/fs/bpf
NOTIFY_SOCKET=$sock "$NP_TESTS/unit-exec.sh" "$unit" \
	>"$run/npd.log" 2>&1 &
npd=$!
check "npd from the unit: READY=1 once node $P has the installed minimal" -- \
	eval 'wait_msg "^READY=1" && [ "$(np_sys policy)" = minimal ]'
sed 's/^/# npd: /' "$run/npd.log"
# What the sandbox was: the process's own view.
# unit-exec.sh, unshare and setpriv each exec the next: npd has that pid.
pid=$npd
bnd=$(awk '/^CapBnd/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
nnp=$(awk '/^NoNewPrivs/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
ok "$([ "$bnd" = 000000c000200000 ] && [ "$nnp" = 1 ]; echo $?)" \
	"npd runs with the bounding set CAP_SYS_ADMIN, CAP_PERFMON, CAP_BPF ($bnd) and no new privileges ($nnp)"
ro=$(nsenter -t "$pid" -m sh -c 'touch /run/x 2>&1; touch /usr/local/x 2>&1' | grep -c "Read-only")
ok "$([ "$ro" = 2 ]; echo $?)" "/run and /usr/local are read-only for npd ($ro of 2 refused)"
ok "$([ -f /run/npd/npd.lock ] && [ "$(cat /run/npd/npd.lock)" = "$pid" ]; echo $?)" \
	"its lock is /run/npd/npd.lock, in the unit's RuntimeDirectory, and holds its pid"

# Metrics: HTTP, parsed by Prometheus's own OpenMetrics parser, and the
# unix socket, the same families.
curl -sS -D "$run/headers" -o "$run/http.txt" http://127.0.0.1:9464/metrics
rc=$?
type=$(sed -n 's/^Content-Type: \(.*\)\r$/\1/Ip' "$run/headers")
ok "$([ $rc = 0 ] && [ "$type" = "application/openmetrics-text; version=1.0.0; charset=utf-8" ]; echo $?)" \
	"curl GET /metrics: exit $rc, $(head -n 1 "$run/headers" | tr -d '\r'), $type"
fams=$($PY - "$run/http.txt" "$P" <<'EOF2'
import sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families
text = open(sys.argv[1]).read()
names = []
for f in text_string_to_metric_families(text):
    for s in f.samples:
        if s.labels.get("node") == sys.argv[2]:
            names.append(f.name)
            break
print(" ".join(sorted(set(names))))
EOF2
)
rc=$?
ok "$([ $rc = 0 ] && echo " $fams " | grep -q " np_node " &&
	echo " $fams " | grep -q " np_node_admitted "; echo $?)" \
	"Prometheus's OpenMetrics parser accepts the text: node $P in $(echo $fams | wc -w) families ($rc)"
np_metrics /run/npd/metrics.sock >"$run/sock.txt"
ok "$(grep -q '^# TYPE np_node_admitted counter' "$run/sock.txt" &&
	cmp -s <(grep '^# ' "$run/http.txt") <(grep '^# ' "$run/sock.txt"); echo $?)" \
	"the unix socket serves the same families"
code404=$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:9464/)
code405=$(curl -s -o /dev/null -w '%{http_code}' -X POST -d x=1 http://127.0.0.1:9464/metrics)
ok "$([ "$code404" = 404 ] && [ "$code405" = 405 ] && [ "$(np_sys policy)" = minimal ]; echo $?)" \
	"GET / is $code404, POST /metrics $code405, the policy unchanged"
# A client that connects and says nothing holds npd up for no one.
exec 7<>/dev/tcp/127.0.0.1/9464
t0=$(date +%s%N)
curl -s -o /dev/null --max-time 20 http://127.0.0.1:9464/metrics
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
exec 7<&-
# A server that waited on the silent client would answer only when its
# 5 s idle timeout closed it; under TCG and load a scrape takes 0.5-2.3 s.
ok "$([ $rc = 0 ] && [ $ms -lt 4000 ]; echo $?)" \
	"a silent connection does not stall another scrape (${ms} ms)"

# SIGHUP (ExecReload) with the HTTP address moved.
sed -i 's/^http = .*/http = 127.0.0.1:9465/' "$conf"
kill -HUP "$pid"
check "reload: RELOADING=1, READY=1, HTTP moved to port 9465" -- \
	eval 'wait_msg "^RELOADING=1" &&
		[ "$(grep -c "^READY=1" "$run/notify")" -ge 2 ] &&
		curl -sf -o /dev/null --retry 5 --retry-connrefused http://127.0.0.1:9465/metrics &&
		! curl -sf -o /dev/null http://127.0.0.1:9464/metrics'

kill -TERM "$pid"
wait "$npd"
rc=$?
ok "$([ $rc = 0 ] && wait_state none && [ "$(np_sys policy)" != minimal ]; echo $?)" \
	"SIGTERM: exit $rc, on_exit = detach detached the node"
check "STOPPING=1 sent" -- wait_msg "^STOPPING=1"
kill "$listener" 2>/dev/null
DESTDIR= "$top/scripts/install.sh" uninstall "$out" >/dev/null 2>&1
left=$(find /usr/local -type f | wc -l)
ok "$([ "$left" = 0 ]; echo $?)" "scripts/install.sh uninstall leaves nothing ($left files)"
umount /usr/local
done_testing
