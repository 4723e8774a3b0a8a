#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: BPF policies: attach, detach, rejections, failures, kfuncs, bpftool
# timeout: 600
. "$NP_TESTS/lib.sh"
N=$NP_NODE
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
objects0=$(bpf_objects)

# fault MB: place MB on the private node through mbind; prints npops' line.
fault() {
	"$NP_BIN/npops" fault "$N" bind "$1"
}

echo "# bpftool as the loader"
mkdir -p /sys/fs/bpf/bt
# bpftool cannot set the node: a policy built without one is refused.
log_mark
out=$("$BPFTOOL" struct_ops register "$NP_BPF/minimal.bpf.o" /sys/fs/bpf/bt 2>&1)
rc=$?
ok "$([ $rc != 0 ] && log_since | grep -q 'BPF policy minimal names no node (nid -1)' &&
	[ "$(np_sys state)" = none ]; echo $?)" \
	"bpftool struct_ops register of bpf/minimal (no node) is refused: $(log_since | grep -m1 'names no node')"
rm -f /sys/fs/bpf/bt/*
check "bpftool struct_ops register of minimal built for node 2 (-DNP_NID=2)" -- \
	"$BPFTOOL" struct_ops register "$NP_BPF/np_node2.bpf.o" /sys/fs/bpf/bt
ok "$([ "$(np_sys state)" = enabled ] && [ "$(np_sys policy)" = minimal ] &&
	echo 0 || echo 1)" "node $N: state enabled, policy minimal ($(np_sys state), $(np_sys policy))"
seq1=$(np_sys enable_seq)
list=$("$BPFTOOL" struct_ops list)
echo "$list" | sed 's/^/#   /'
ok "$(echo "$list" | grep -q 'minimal_ops *node_private_ops' && echo 0 || echo 1)" \
	"bpftool struct_ops list shows minimal_ops of type node_private_ops"
dump=$("$BPFTOOL" struct_ops dump name minimal_ops)
nid=$(echo "$dump" | sed -n 's/.*"nid": \([0-9]*\).*/\1/p')
flags=$(echo "$dump" | sed -n 's/.*"flags": \([0-9]*\).*/\1/p')
name=$(echo "$dump" | sed -n 's/.*"name": "\([^"]*\)".*/\1/p' | tail -n 1)
ok "$([ "$nid" = "$N" ] && [ "$flags" = 3 ] && [ "$name" = minimal ] &&
	echo 0 || echo 1)" "bpftool struct_ops dump: nid=$nid flags=$flags name=$name"
builtin0=$(np_stat builtin_decisions)
line=$(fault 16)
calls=$(bpf_var np_node2.bss calls)
echo "# $line calls=$calls"
admits=$(echo "$calls" | tr -d '[] ' | cut -d, -f1)
inits=$(echo "$calls" | tr -d '[] ' | cut -d, -f6)
ok "$([ "$(kv on_node "$line")" = 4096 ] && [ "${admits:-0}" -ge 4096 ] &&
	[ "$inits" = 1 ] && echo 0 || echo 1)" \
	"minimal decides: 4096 pages admitted, admit called $admits times, init once"
ok "$([ "$(np_stat builtin_decisions)" = "$builtin0" ] && echo 0 || echo 1)" \
	"no decision by the built-in policy while minimal is attached"
line=$("$NP_BIN/npops" move "$N" 4)
migrates=$(bpf_var np_node2.bss calls | tr -d '[] ' | cut -d, -f2)
ok "$([ "$(kv on_node "$line")" = 1024 ] && [ "${migrates:-0}" -ge 1024 ] &&
	echo 0 || echo 1)" \
	"minimal's migrate callback allowed move_pages(2) in ($line, $migrates calls)"
# Keep its data after the detach, to see what exit got.
"$BPFTOOL" map pin name np_node2.bss /sys/fs/bpf/bt/bss
rm /sys/fs/bpf/bt/minimal_ops
check "unpinning the last link detaches: state none" -- wait_state none
exits=$(bpf_var np_node2.bss calls | tr -d '[] ' | cut -d, -f7)
uei=$(bpf_var np_node2.bss uei)
ok "$([ "$exits" = 1 ] && echo "$uei" | grep -q '"kind": 1,' && echo 0 || echo 1)" \
	"minimal's exit callback ran once, with kind unreg ($uei)"
rm /sys/fs/bpf/bt/bss
ok "$([ "$(np_sys policy)" = isolated ] && [ "$(np_exit kind)" = unreg ] &&
	[ "$(np_exit seq)" = "$seq1" ] && echo 0 || echo 1)" \
	"back to isolated, exit kind=$(np_exit kind) seq=$(np_exit seq)"

echo "# npctl attach, status, stats, detach, with -j"
version=$("$NPCTL" version | awk '{ print $2 }')
# json_ok DESCRIPTION PYTHON [ARG...]: each line of $js (the output of an
# npctl -j, its stderr in $NP_OUT/json.err, which must be empty) is one
# JSON object whose version is npctl's, and PYTHON holds: d is the first
# object, ds all of them, rd(F) reads nodeN/private/F, the ARGs are
# sys.argv[5:].
json_ok() {
	[ ! -s "$NP_OUT/json.err" ] &&
		python3 -c '
import json, sys
ds = [json.loads(l) for l in sys.argv[1].splitlines()]
for d in ds:
    assert isinstance(d, dict) and d.get("version") == sys.argv[2], d
d = ds[0]
base = "/sys/devices/system/node/node%s/private/" % sys.argv[3]
rd = lambda f: open(base + f).read().rstrip("\n")
exec(sys.argv[4])' "$js" "$version" "$N" "$2" "${@:3}" >"$NP_OUT/json.py" 2>&1
	ok $? "$1"
	sed 's/^/#   /' "$NP_OUT/json.err" "$NP_OUT/json.py"
}
js=$("$NPCTL" -j attach np_testpol --node "$N" 2>"$NP_OUT/json.err")
json_ok "npctl -j attach np_testpol: one object, the policy attached" '
assert len(ds) == 1 and d["object"].endswith("/np_testpol.bpf.o"), ds
assert d == {"version": d["version"], "node": int(sys.argv[3]),
             "policy": "np_testpol", "object": d["object"],
             "enable_seq": int(rd("enable_seq")), "action": "attached"}, d'
ok "$([ -e "/sys/fs/bpf/np/node$N" ] && echo 0 || echo 1)" "link pinned at /sys/fs/bpf/np/node$N"
js=$("$NPCTL" -j status --node "$N" 2>"$NP_OUT/json.err")
json_ok "npctl -j status: {version, nodes: [...]}, each file as sysfs has it" '
assert len(ds) == 1 and list(d) == ["version", "nodes"], ds
assert len(d["nodes"]) == 1 and d["nodes"][0]["node"] == int(sys.argv[3]), d
n = d["nodes"][0]
for f in ("device", "caps", "policy", "flags", "state"):
    assert n[f] == rd(f), (f, n[f], rd(f))
assert n["policy"] == "np_testpol" and n["state"] == "enabled", n
assert n["enable_seq"] == int(rd("enable_seq")), n
kv = lambda f: dict(l.split(" ", 1) for l in rd(f).splitlines())
text = lambda v: v if isinstance(v, str) else str(v)
assert {k: text(v) for k, v in n["exit"].items()} == kv("exit"), n
stat = kv("stat")
assert set(n["stat"]) == set(stat), n
for k, v in n["stat"].items():
    assert isinstance(v, int) and 0 <= v <= int(stat[k]), (k, v, stat[k])
assert n["stat"]["admitted"] >= 4096, n'
js=$(timeout -s INT 2.5 "$NPCTL" -j stats --node "$N" --monitor 0.5 \
	2>"$NP_OUT/json.err")
json_ok "npctl -j stats --monitor: a sample per line, deltas from the second" '
assert len(ds) >= 2, ds
for i, s in enumerate(ds):
    assert list(s)[:3] == ["version", "time", "interval"], s
    assert (s["interval"] is None) == (i == 0), s
    n, = s["nodes"]
    assert n["node"] == int(sys.argv[3]) and n["policy"] == "np_testpol", n
    assert n["stat"]["admitted"] >= 4096 and ("delta" in n) == (i > 0), n
assert ds[1]["nodes"][0]["delta"]["admitted"] >= 0, ds[1]'
js=$("$NPCTL" -j detach --node "$N" 2>"$NP_OUT/json.err")
json_ok "npctl -j detach: {version, node, detached: true}" '
assert ds == [{"version": d["version"], "node": int(sys.argv[3]),
               "detached": True}], ds'
ok "$([ "$(np_sys state)" = none ] && [ ! -e "/sys/fs/bpf/np/node$N" ] &&
	echo 0 || echo 1)" "detached and unpinned"
js=$("$NPCTL" -j detach --node "$N" 2>"$NP_OUT/json.err")
rc=$?
json_ok "npctl -j detach with nothing attached: an error object (exit $rc)" '
assert sys.argv[5] == "1" and list(d) == ["version", "error"], d
assert "node %s" % sys.argv[3] in d["error"], d' "$rc"

echo "# a loader that dies without pinning"
"$NPCTL" attach np_testpol --node "$N" --no-pin >"$NP_OUT/holder" 2>&1 &
holder=$!
check "npctl attach --no-pin holds the policy" -- wait_state enabled
kill -9 $holder
wait $holder 2>/dev/null
check "kill -9 of the loader returns the node to the built-in policy" -- \
	wait_state none
line=$(fault 8)
ok "$([ "$(kv on_node "$line")" = 2048 ] && [ "$(np_sys policy)" = isolated ] &&
	echo 0 || echo 1)" "the built-in policy decides again ($line)"

echo "# rejections"
# expect_refusal DESCRIPTION PATTERN -- COMMAND...: COMMAND fails, and its
# output or the kernel log has PATTERN; the node keeps its policy.
expect_refusal() {
	local what=$1 pattern=$2 out before rc
	shift 3
	before="$(np_sys policy) $(np_sys enable_seq)"
	log_mark
	out=$("$@" 2>&1)
	rc=$?
	out="$out
$(log_since)"
	echo "$out" | grep -E -m 2 "$pattern" | sed 's/^/#   /'
	ok "$([ $rc != 0 ] && echo "$out" | grep -qE "$pattern" &&
		[ "$(np_sys policy) $(np_sys enable_seq)" = "$before" ] &&
		echo 0 || echo 1)" "$what is refused (exit $rc), node unchanged"
}
check "attach np_testpol to hold the node" -- \
	"$NPCTL" attach np_testpol --node "$N"
expect_refusal "an unknown kfunc" \
	"'bpf_np_no_such_kfunc': not found in kernel" -- \
	"$NPCTL" swap np_badkfunc --node "$N"
# A sleepable decision callback and our kfuncs in another struct_ops
# type are the kernel's BPF selftest's (bpfselftest).
expect_refusal "a second attach to node $N" \
	"node $N already has policy np_testpol" -- \
	"$NPCTL" attach minimal --node "$N"
expect_refusal "a policy for node 0, which is not private" \
	'node 0 is not private, BPF policy np_testpol refused' -- \
	"$NPCTL" attach np_testpol --node 0
expect_refusal "a swap to a policy built for another node (the kernel's check)" \
	"node $N: BPF policy swap_x is for node 1, update refused" -- \
	"$NP_BIN/npswap" -x 1 "$N" np_testpol
expect_refusal "npctl swap on a node without a pinned link" \
	"no policy link pinned" -- \
	"$NPCTL" swap np_testpol --node 1
check "detach" -- "$NPCTL" detach --node "$N"
check "the device loses DEMOTION" -- np_caps 0x3
expect_refusal "flags the device lacks (demotion)" \
	'flags 0x4 are not capabilities of the device' -- \
	"$NPCTL" attach np_testpol --node "$N" --flags migration,mempolicy,demotion
check "the device gets every capability back" -- np_caps 0xff
expect_refusal "a struct_ops map attached without a link" \
	'must be attached with a link' -- \
	"$BPFTOOL" struct_ops register "$NP_BPF/np_nolink.bpf.o"

echo "# an invalid verdict disables the policy"
check "attach np_testpol with admit_verdict=7" -- \
	"$NPCTL" attach np_testpol --node "$N" --set admit_verdict=7
errors0=$(np_stat policy_errors)
line=$(fault 8)
check "state error after the first invalid verdict" -- wait_state error
ok "$([ "$(np_exit kind)" = error ] && [ "$(np_exit reason)" = 7 ] &&
	np_exit message | grep -q 'admit returned invalid verdict 7' && echo 0 || echo 1)" \
	"exit: kind=$(np_exit kind) reason=$(np_exit reason) message='$(np_exit message)'"
ok "$([ "$(kv on_node "$line")" = 2048 ] && [ "$(np_sys policy)" = isolated ] &&
	[ "$(np_stat policy_errors)" -gt "$errors0" ] && echo 0 || echo 1)" \
	"the node keeps working under the built-in policy ($line)"
uei=$(bpf_var np_testp.bss uei)
ok "$(echo "$uei" | grep -q '"kind": 1024' && echo 0 || echo 1)" \
	"the policy's exit callback got the exit information ($uei)"
line=$(fault 8)
ok "$([ "$(kv on_node "$line")" = 2048 ] && echo 0 || echo 1)" \
	"a later fault is decided by the built-in policy ($line)"
check "swapping in a working policy re-enables the node" -- \
	"$NPCTL" swap np_testpol --node "$N"
ok "$([ "$(np_sys state)" = enabled ] && [ "$(np_sys policy)" = np_testpol ] &&
	echo 0 || echo 1)" "state $(np_sys state), policy $(np_sys policy)"
check "detach" -- "$NPCTL" detach --node "$N"

echo "# bpf_np_error() disables the policy"
check "attach np_testpol with error_after=3" -- \
	"$NPCTL" attach np_testpol --node "$N" --set error_after=3
line=$(fault 8)
check "state error after bpf_np_error()" -- wait_state error
ok "$([ "$(np_exit kind)" = error_bpf ] && [ "$(np_exit reason)" = 4242 ] &&
	np_exit message | grep -q 'error_after reached' && echo 0 || echo 1)" \
	"exit: kind=$(np_exit kind) reason=$(np_exit reason) message='$(np_exit message)'"
eret=$(bpf_var np_testp.data error_ret)
ok "$([ "$eret" = 0 ] && [ "$(kv on_node "$line")" = 2048 ] &&
	echo 0 || echo 1)" \
	"bpf_np_error() returned ${eret:-?} and the faults were served ($line)"
check "detach" -- "$NPCTL" detach --node "$N"
ok "$([ "$(np_exit kind)" = error_bpf ] && echo 0 || echo 1)" \
	"detaching keeps the error as the exit information"

echo "# kfuncs"
mountpoint -q /sys/fs/cgroup || mount -t cgroup2 none /sys/fs/cgroup
mkdir -p /sys/fs/cgroup/nptest
echo $$ >/sys/fs/cgroup/nptest/cgroup.procs
cgid=$(stat -c %i /sys/fs/cgroup/nptest)
# A holder keeps 64 MB on the node for the evacuation request below.
(sleep 600) | "$NP_BIN/npops" hold "$N" 64 >"$NP_OUT/hold.out" 2>&1 &
for i in $(seq 100); do grep -q ready "$NP_OUT/hold.out" && break; sleep 0.2; done
check "attach np_testpol asking to evacuate 1024 pages" -- \
	"$NPCTL" attach np_testpol --node "$N" --set request_pages=1024 \
	--set request_what=0
# holder_pages [NODE]: pages of the holder on NODE (default: the private
# node), from its numa_maps.
holder_pages() {
	local pid
	pid=$(pgrep -f "npops hold $N" | head -n 1)
	tr ' ' '\n' <"/proc/$pid/numa_maps" |
		awk -F= -v k="N${1:-$N}" '$1 == k { s += $2 } END { print s + 0 }'
}
used0=$(node_used_pages "$N")
held0=$(holder_pages)
near0=$(holder_pages 0)
line=$(fault 1)
for i in $(seq 50); do
	[ "$(np_stat move_evacuated)" -ge 1024 ] && break
	sleep 0.2
done
held1=$(holder_pages)
near1=$(holder_pages 0)
managed=$(bpf_var np_testp.bss managed_pages)
used=$(bpf_var np_testp.bss used_pages)
free=$(bpf_var np_testp.bss free_pages)
logical=$(bpf_var np_testp.bss logical_bytes)
physical=$(bpf_var np_testp.bss physical_bytes)
capacity=$(bpf_var np_testp.bss capacity_bytes)
echo "# managed=$managed used=$used free=$free logical=$logical physical=$physical capacity=$capacity"
ok "$([ "$managed" = $(($(node_mem "$N" MemTotal) / 4)) ] &&
	[ $((used + free)) = "$managed" ] && echo 0 || echo 1)" \
	"bpf_np_node_stat: managed pages match meminfo, used + free = managed"
# The evacuation may run during the fault, and freed pages wait on the
# per-CPU lists before they count as free: used is within 2048 pages.
ok "$([ "$used" -ge $((used0 - 2048)) ] &&
	[ "$used" -le $((used0 + 2048)) ] && echo 0 || echo 1)" \
	"bpf_np_node_stat: used $used pages, meminfo said $used0 before the fault"
ok "$([ $((logical / 4096)) -ge $((used - 16)) ] &&
	[ $((logical / 4096)) -le $((used + 16)) ] &&
	[ "$physical" = "$logical" ] && [ "$capacity" = $((managed * 4096)) ] &&
	echo 0 || echo 1)" "bpf_np_device_counter: logical = physical = used bytes, capacity = managed bytes"
ok "$([ "$(bpf_var np_testp.bss cgroup_id)" = "$cgid" ] && echo 0 || echo 1)" \
	"bpf_get_current_cgroup_id: the faulting task's cgroup ($cgid)"
rret=$(bpf_var np_testp.data request_ret)
echo "# request_ret=$rret move_requested=$(np_stat move_requested) move_evacuated=$(np_stat move_evacuated)"
ok "$([ "$rret" = 0 ] &&
	[ "$(np_stat move_requested)" = 1024 ] &&
	[ "$(np_stat move_evacuated)" -ge 1024 ] &&
	[ $((held0 - held1)) -ge 768 ] && [ $((held0 - held1)) -le 1024 ] &&
	echo 0 || echo 1)" \
	"bpf_np_request: 1024 pages asked, $(np_stat move_evacuated) evacuated; the holder's pages on node $N: $held0 -> $held1"
ecalls=$(bpf_var np_testp.bss evacuate_calls)
epages=$(bpf_var np_testp.bss evacuate_pages)
ok "$([ "$ecalls" = 2 ] && [ "$epages" = 1024 ] &&
	[ $((near1 - near0)) -ge 768 ] && echo 0 || echo 1)" \
	"evacuate_target said NUMA_NO_NODE for $ecalls batches of $epages pages: the nearest node 0 got $((near1 - near0)) pages"
wrong=$(bpf_var np_testp.bss wrong_nid)
ok "$([ "$wrong" = 0 ] && echo 0 || echo 1)" \
	"every callback was for node $N (${wrong:-?} for another)"
check "detach" -- "$NPCTL" detach --node "$N"

# evacuate TARGET: attach np_testpol with evacuate_to=TARGET asking for
# 1024 pages to be evacuated; one fault triggers it.  Sets ev_far (pages
# the holder gained on node 1) and ev_near (on node 0).
evacuate() {
	local moved0 far0 near0 i
	moved0=$(np_stat move_evacuated)
	far0=$(holder_pages 1)
	near0=$(holder_pages 0)
	check "attach np_testpol with evacuate_to=$1" -- \
		"$NPCTL" attach np_testpol --node "$N" --set request_pages=1024 \
		--set request_what=0 --set evacuate_to="$1"
	fault 1 >/dev/null
	for i in $(seq 50); do
		[ $(($(np_stat move_evacuated) - moved0)) -ge 1024 ] && break
		sleep 0.2
	done
	ev_far=$(($(holder_pages 1) - far0))
	ev_near=$(($(holder_pages 0) - near0))
}
echo "# evacuate_target"
evacuate 1
ok "$([ "$ev_far" -ge 768 ] && [ "$ev_near" -le 64 ] &&
	[ "$(bpf_var np_testp.bss evacuate_calls)" = 2 ] &&
	[ "$(np_sys state)" = enabled ] && echo 0 || echo 1)" \
	"evacuate_target said node 1: node 1 got $ev_far pages, node 0 $ev_near"
check "detach" -- "$NPCTL" detach --node "$N"
evacuate 7
check "state error after evacuate_target named a node without memory" -- \
	wait_state error
ok "$([ "$(np_exit kind)" = error ] && [ "$(np_exit reason)" = 7 ] &&
	np_exit message | grep -q 'evacuate_target returned invalid node 7' &&
	echo 0 || echo 1)" \
	"exit: kind=$(np_exit kind) reason=$(np_exit reason) message='$(np_exit message)'"
ok "$([ "$ev_near" -ge 768 ] && echo 0 || echo 1)" \
	"the evacuation went on to the nearest node: node 0 got $ev_near pages, node 1 $ev_far"
check "detach" -- "$NPCTL" detach --node "$N"

echo "# bpf_np_request past 1 GiB pending"
# Four requests of 1 GiB in a row from one callback: the first fits, the
# next find it still pending (the work item has had no time to take it)
# and are refused whole; the kernel counts only what it accepted.
kreq0=$(np_stat move_requested)
check "attach np_testpol asking four times for 262144 pages" -- \
	"$NPCTL" attach np_testpol --node "$N" --set request_pages=262144 \
	--set request_what=0 --set request_times=4
fault 1 >/dev/null
rok=$(bpf_var np_testp.bss request_ok)
rbusy=$(bpf_var np_testp.bss request_busy)
kreq=$(($(np_stat move_requested) - kreq0))
ok "$([ "$rok" -ge 1 ] && [ "$rbusy" -ge 1 ] &&
	[ $((rok + rbusy)) = 4 ] && [ "$kreq" = $((rok * 262144)) ] &&
	echo 0 || echo 1)" \
	"bpf_np_request: $rok of 4 accepted, $rbusy refused with -EBUSY; the kernel counted $kreq pages requested"
check "detach" -- "$NPCTL" detach --node "$N"
pkill -f "npops hold" 2>/dev/null
echo $$ >/sys/fs/cgroup/cgroup.procs

echo "# nothing leaked"
check_no_leak "$objects0"
done_testing
