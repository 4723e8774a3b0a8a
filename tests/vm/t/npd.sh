#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: npd attaches, survives kill -9 (a new npd adopts the pin), reacts to a ratio collapse, reloads, refuses bad input; npctl -j status, tune and stats and the metrics parse
# device: cram
# timeout: 600
. "$NP_TESTS/lib.sh"
P=$NP_NODE
C=/sys/kernel/cram_emu/node$P
NPD=$NP_BIN/../loader/npd
run=$NP_OUT/npd
# The unix socket needs a local file system (the output is shared 9p).
sock=/run/npd-test.sock
mkdir -p "$run"
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
mountpoint -q /sys/fs/cgroup || mount -t cgroup2 none /sys/fs/cgroup
echo +memory >/sys/fs/cgroup/cgroup.subtree_control
mkdir -p /sys/fs/cgroup/storm
echo 1 >/sys/kernel/mm/numa/demotion_enabled
echo 32M >"$C/physical_capacity"
objs=$(bpf_objects)

# conf FILE [EXTRA LINE...]: a config for node P with policy cram.
conf() {
	local f=$1
	shift
	{
		echo "[global]"
		echo "metrics = $sock"
		echo "on_exit = keep"
		echo "[node $P]"
		echo "policy = cram"
		echo "set = high_pct=80"
		echo "min_ratio = 1.5"
		echo "react = tighten high_pct=70 low_pct=40"
		printf '%s\n' "$@"
	} >"$f"
}

# start_npd CONF: start npd in the background; NPD_PID, log in npd.log.
start_npd() {
	"$NPD" -c "$1" >>"$run/npd.log" 2>&1 &
	NPD_PID=$!
}

# tune KEY: the value of tunable KEY of the node's policy.
tune() {
	"$NPCTL" tune --node "$P" | awk -v k="$1" '$1 == k { print $2 }'
}

# wait_log REGEX: wait for REGEX (extended; these are plain words) in
# npd's log.
wait_log() {
	wait_grep "$1" "$run/npd.log" 20
}

conf "$run/good.conf"
start_npd "$run/good.conf"
check "npd attaches cram to node $P" -- wait_state enabled 30
ok "$([ "$(np_sys policy)" = cram ] && [ -e "/sys/fs/bpf/np/node$P" ] &&
	echo 0 || echo 1)" "policy $(np_sys policy), link pinned"
check "npd applied set = high_pct=80" -- test "$(tune high_pct)" = 80

# --- npctl -j status, tune and stats against sysfs, and the metrics ------
version=$("$NPCTL" version | awk '{ print $2 }')
"$NPCTL" -j status >"$run/status.json" 2>"$run/json.err"
ok "$([ ! -s "$run/json.err" ] &&
	python3 - "$run/status.json" "$P" "$version" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert list(d) == ["version", "nodes"] and d["version"] == sys.argv[3], d
node = [n for n in d["nodes"] if n["node"] == int(sys.argv[2])][0]
base = "/sys/devices/system/node/node%s/private/" % sys.argv[2]
rd = lambda f: open(base + f).read().strip()
assert node["state"] == rd("state"), (node["state"], rd("state"))
assert node["policy"] == rd("policy")
assert node["enable_seq"] == int(rd("enable_seq"))
print(0)
EOF
)" "npctl -j status parses as JSON and matches sysfs"
# Writing the value npd set changes nothing npd relies on.
"$NPCTL" -j tune --node "$P" high_pct=80 >"$run/tune.json" 2>"$run/json.err"
ok "$([ ! -s "$run/json.err" ] &&
	python3 - "$run/tune.json" "$P" "$version" \
		"$("$NPCTL" tune --node "$P")" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["version"] == sys.argv[3] and d["node"] == int(sys.argv[2]), d
assert d["policy"] == "cram" and d["tunables"]["high_pct"] == 80, d
# Every tunable as the text output has it, in its order.
text = [l.split() for l in sys.argv[4].splitlines()[1:]]
assert [[k, str(v)] for k, v in d["tunables"].items()] == text, (d, text)
assert d["changed"] == {"high_pct": {"old": 80, "new": 80}}, d
print(0)
EOF
)" "npctl -j tune high_pct=80: tunables as the text has them, old and new"
"$NPCTL" -j stats --node "$P" >"$run/stats.json" 2>"$run/json.err"
ok "$([ ! -s "$run/json.err" ] &&
	python3 - "$run/stats.json" "$P" "$version" "$C" <<'EOF'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 1, lines
d = json.loads(lines[0])
assert list(d) == ["version", "time", "interval", "nodes"], d
assert d["version"] == sys.argv[3] and d["interval"] is None, d
n, = d["nodes"]
assert n["node"] == int(sys.argv[2]) and n["policy"] == "cram", n
cap = int(open(sys.argv[4] + "/physical_capacity").read())
assert n["device"]["physical_capacity"] == cap, (n["device"], cap)
assert n["device"]["alert"] in ("high", "normal"), n["device"]
assert isinstance(n["stat"]["admitted"], int), n
print(0)
EOF
)" "npctl -j stats: one sample on one line, the device's counters as numbers"
np_metrics "$sock" >"$run/metrics.txt"
ok "$(python3 - "$run/metrics.txt" "$P" "$(cat "$C/physical_capacity")" <<'EOF'
import re, sys
lines = open(sys.argv[1]).read().splitlines()
assert lines[-1] == "# EOF", lines[-1]
samples = {}
for l in lines[:-1]:
    if l.startswith("#"):
        assert re.match(r"# (TYPE|HELP|UNIT) [a-zA-Z_:][a-zA-Z0-9_:]* .+", l), l
        continue
    m = re.match(r'([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$', l)
    assert m, l
    float(m.group(3))
    samples[m.group(1) + (m.group(2) or "")] = float(m.group(3))
key = 'np_device_physical_capacity_bytes{node="%s"}' % sys.argv[2]
assert samples[key] == float(sys.argv[3]), samples.get(key)
print(0)
EOF
)" "metrics parse as OpenMetrics, capacity matches ($(wc -l <"$run/metrics.txt") lines)"

# --- kill -9 leaves the policy; a new npd adopts it ----------------------
seq0=$(np_sys enable_seq)
kill -9 "$NPD_PID"
wait "$NPD_PID" 2>/dev/null
ok "$([ "$(np_sys state)" = enabled ] && [ "$(np_sys policy)" = cram ] &&
	echo 0 || echo 1)" "after kill -9 of npd the policy stays attached"
start_npd "$run/good.conf"
check "a restarted npd adopts the pinned policy" -- wait_log "adopted"
ok "$([ "$(np_sys enable_seq)" = "$seq0" ] && echo 0 || echo 1)" \
	"no re-attach: enable_seq still $seq0"

# --- a ratio collapse: npd tightens the thresholds -----------------------
storm storm "$P" 48 random
echo "# storm: $STORM_LINE, ratio $(cat "$C/ratio"), watermark $(cat "$C/watermark")"
check "npd logged the collapse and tightened" -- wait_log "tighten"
ok "$([ "$(tune high_pct)" = 70 ] && [ "$(tune low_pct)" = 40 ] &&
	echo 0 || echo 1)" "tunables now high_pct=$(tune high_pct) low_pct=$(tune low_pct)"
grep -E "ratio|tighten" "$run/npd.log" | sed 's/^/# /'
storm_end

# --- SIGHUP reloads; a broken config is refused with its line ------------
conf "$run/good.conf" "set = evacuate_pages=512"
kill -HUP "$NPD_PID"
# "reloaded" ends the reload ("SIGHUP: reloading" starts it).
check "SIGHUP: new tunables applied" -- wait_log "reloaded "
check "evacuate_pages=512 after the reload" -- test "$(tune evacuate_pages)" = 512
cp "$run/good.conf" "$run/saved.conf"
# A broken file changes nothing: same policy, same link update count,
# same tunables, and the next valid reload still works.
seq1=$(np_sys enable_seq) tun1=$(tune evacuate_pages):$(tune high_pct)
echo "polcy = cram" >>"$run/good.conf"
sed -i 's/evacuate_pages=512/evacuate_pages=64/' "$run/good.conf"
n=$(wc -l <"$run/good.conf")
kill -HUP "$NPD_PID"
check "SIGHUP with a broken config logs its line ($n)" -- \
	wait_log "good.conf:$n:"
sleep 1
tun2=$(tune evacuate_pages):$(tune high_pct)
ok "$(kill -0 "$NPD_PID" && [ "$(np_sys policy)" = cram ] &&
	[ "$(np_sys enable_seq)" = "$seq1" ] && [ "$tun2" = "$tun1" ]; echo $?)" \
	"npd still runs and nothing changed: policy $(np_sys policy), enable_seq $seq1 -> $(np_sys enable_seq), tunables $tun1 -> $tun2"
cp "$run/saved.conf" "$run/good.conf"

# --- bad input: a clear error, non-zero exit, the policy stays -----------
seq0=$(np_sys enable_seq)
# bad NAME EXPECTED CONF-LINES...: npd on a config with the node's policy
# line replaced must fail with EXPECTED in its message.
bad() {
	local name=$1 want=$2 out rc
	shift 2
	printf '%s\n' "$@" >"$run/bad.conf"
	out=$("$NPD" -c "$run/bad.conf" 2>&1)
	rc=$?
	echo "$out" | head -n 3 | sed 's/^/#   /'
	ok "$([ $rc != 0 ] && echo "$out" | grep -qi -- "$want" &&
		[ "$(np_sys policy)" = cram ] && [ "$(np_sys state)" = enabled ] &&
		[ "$(np_sys enable_seq)" = "$seq0" ] && echo 0 || echo 1)" \
		"$name: exit $rc, '$want', cram still attached"
}
bad "unknown policy" "nosuch" "[node $P]" "policy = nosuch"
bad "node not private" "node 0" "[node 0]" "policy = cram"
bad "flags the device lacks" "numa_balancing" "[node $P]" \
	"policy = cram" "flags = migration,numa_balancing"
bad "malformed line" "bad.conf:2:" "[node $P]" "policy cram"
bad "missing object" "/nonexistent/x.bpf.o" "[node $P]" \
	"policy = /nonexistent/x.bpf.o"
# --check applies the tunables' rules to set and tighten, as a start-up
# would, without loading anything.
checkbad() {
	local name=$1 want=$2 out rc
	shift 2
	printf '%s\n' "$@" >"$run/bad.conf"
	out=$("$NPD" --check -c "$run/bad.conf" 2>&1)
	rc=$?
	echo "$out" | head -n 3 | sed 's/^/#   /'
	ok "$([ $rc = 1 ] && echo "$out" | grep -q -- "$want"; echo $?)" \
		"npd --check, $name: exit $rc, '$want'"
}
checkbad "a set past a tunable's maximum" "high_pct=101: high_pct is at most 100" \
	"[node $P]" "policy = cram" "set = high_pct=101"
checkbad "a set that is not below another" "low_pct (70) must be below high_pct (60)" \
	"[node $P]" "policy = cram" "set = high_pct=60" "set = low_pct=70"
checkbad "a tighten that breaks a rule" "bad.conf:5: react tighten: breaks a rule" \
	"[node $P]" "policy = cram" "set = low_pct=50" "min_ratio = 1.5" \
	"react = tighten high_pct=40"
printf '%s\n' "[node $P]" "policy = cram" "set = low_pct=50" \
	"min_ratio = 1.5" "react = tighten high_pct=60 low_pct=40" >"$run/ok.conf"
check "npd --check accepts the same rules kept" -- \
	"$NPD" --check -c "$run/ok.conf"
out=$("$NPCTL" attach nosuch --node "$P" 2>&1)
ok "$([ $? != 0 ] && [ "$(np_sys enable_seq)" = "$seq0" ] && echo 0 || echo 1)" \
	"npctl attach of an unknown policy fails: $out"

# --- SIGTERM with on_exit = keep, then detach ----------------------------
kill -TERM "$NPD_PID"
wait "$NPD_PID"
rc=$?
ok "$([ $rc = 0 ] && [ "$(np_sys state)" = enabled ] && echo 0 || echo 1)" \
	"SIGTERM (on_exit = keep): npd exits 0, policy stays"
conf "$run/detach.conf"
sed -i 's/on_exit = keep/on_exit = detach/' "$run/detach.conf"
start_npd "$run/detach.conf"
check "an npd with on_exit = detach adopts the policy" -- \
	wait_log "running: 1 node, on_exit detach"
kill -TERM "$NPD_PID"
wait "$NPD_PID"
ok "$([ "$(np_sys state)" = none ] && [ ! -e "/sys/fs/bpf/np/node$P" ] &&
	echo 0 || echo 1)" "SIGTERM (on_exit = detach): node back to the built-in policy"
echo "# npd log:"
sed 's/^/#   /' "$run/npd.log"
check_no_leak "$objs"
done_testing
