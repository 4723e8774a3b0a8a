#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The second part of `make demo`, inside its own VM: real device memory
# the way an operator gets it.  The memory-only node's range is a legacy
# PMEM region (memmap=!); ndctl made it a devdax namespace, and daxctl
# handed it to dax/kmem with the device's private_node set, so the node is
# private (guest.sh, "dax").  npd attaches a policy by the device's name
# (isolate: placement by memory policy only, nothing automatic) and
# follows the node as daxctl removes it and adds it back.  A workload
# bound to the node with numactl runs beside an ordinary one that never
# touches it; the numbers come from numa_maps and the node's meminfo.
set -u
. "$NP_TESTS/lib.sh"
P=$NP_NODE
D=$NP_DAX
NPD=$NP_BIN/../loader/npd
run=/run/npd-demo-dax
sys=/sys/devices/system/node

section() { printf '\n== %s ==\n' "$*"; }
mib_used() { echo $(($(node_mem "$1" MemUsed) / 1024)); }

# A workload: fills MIB of memory, prints "ready", waits for a line, then
# checks its data and prints its pages per node (numa_maps): its own,
# anonymous ones, and those of the files it maps (shared with every
# process that maps them: python's libraries).
workload='
import re, sys
b = bytearray(b"\x5a") * (int(sys.argv[1]) << 20)
print("ready", flush=True)
sys.stdin.readline()
kinds = {"anon": {}, "file": {}}
for line in open("/proc/self/numa_maps"):
    k = kinds["file" if " file=" in line else "anon"]
    for n, c in re.findall(r" N(\d+)=(\d+)", line):
        k[n] = k.get(n, 0) + int(c)
print("intact=%d" % (b.count(0x5a) == len(b)), end="")
for name, k in kinds.items():
    print(" %s:" % name, " ".join("N%s=%d" % kv for kv in sorted(k.items())),
          end="")
print()
'
# node_pages "intact=1 anon: N0=1 N2=3 file: N0=5" KIND NODE: the KIND
# (anon or file) pages on NODE.
node_pages() {
	local v
	v=$(echo "$1" | sed -n "s/.* $2:\([^:]*\).*/\1/p" | tr ' ' '\n' |
		sed -n "s/^N$3=//p")
	echo "${v:-0}"
}
# all_pages LINE KIND: the KIND pages on every node.
all_pages() {
	echo "$1" | sed -n "s/.* $2:\([^:]*\).*/\1/p" | tr ' ' '\n' |
		awk -F= '/^N/ { t += $2 } END { print t + 0 }'
}

mkdir -p "$run"
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf

section "Node $P is PMEM, made private by ndctl, daxctl and dax/kmem"
grep '^+ ' "$NP_OUT/setup" | sed 's/^+ /  # /'
daxctl list -d "$D" | sed 's/^/  /'
printf '  %-22s %s\n' "has_memory" "$(cat $sys/has_memory)" \
	"has_private_memory" "$(cat $sys/has_private_memory)" \
	"node $P device" "$(cat $sys/node$P/private/device)" \
	"node $P capabilities" "$(cat $sys/node$P/private/caps)"
numactl --hardware | grep -E "^node $P (size|free)" | sed 's/^/  /'

section "npd attaches a policy by the device's name"
cat >"$run/npd.conf" <<EOF
[global]
on_exit = detach

[device $D]
policy = isolate
EOF
sed 's/^/  | /' "$run/npd.conf"
"$NPD" -c "$run/npd.conf" >"$run/npd.log" 2>&1 &
npd=$!
wait_grep "running: " "$run/npd.log" || {
	echo "npd did not start:" >&2
	cat "$run/npd.log" >&2
	exit 1
}
sed 's/^/  /' "$run/npd.log"
echo "  node $P policy: $(cat $sys/node$P/private/policy)"

section "A workload bound to node $P beside an ordinary one"
used0=$(mib_used "$P")
held numactl --membind="$P" python3 -c "$workload" 256 || {
	echo "the bound workload did not start:" >&2
	cat "$HELD_LOG" >&2
	exit 1
}
bound_pid=$HELD_PID bound_fd=$HELD_FD bound_log=$HELD_LOG
echo "  numactl --membind=$P: 256 MiB filled (pid $bound_pid)"
held python3 -c "$workload" 512 || {
	echo "the ordinary workload did not start:" >&2
	cat "$HELD_LOG" >&2
	exit 1
}
plain_pid=$HELD_PID plain_fd=$HELD_FD plain_log=$HELD_LOG
echo "  ordinary, no policy: 512 MiB filled (pid $plain_pid)"
dd if=/dev/zero of=/tmp/demo-dax-cache bs=1M count=256 status=none
cat /tmp/demo-dax-cache >/dev/null
stress-ng --temp-path /tmp --fork 2 -t 5s >/dev/null 2>&1
echo "  ordinary page cache (256 MiB file) and fork+exit (stress-ng, 5 s)"
used1=$(mib_used "$P")
echo "  node $P MemUsed: $used0 MiB before, $used1 MiB with both running"

echo go >&"$plain_fd"
exec {plain_fd}>&-
wait "$plain_pid"
plain=$(tail -n 1 "$plain_log")
echo "  ordinary workload's pages by node: $plain"

section "daxctl removes the node under the bound workload"
start=$(date +%s)
daxctl reconfigure-device --mode=devdax -f "$D" 2>&1 | tail -n 1 | sed 's/^/  /'
echo "  took $(($(date +%s) - start)) s; has_private_memory now:" \
	"'$(cat $sys/has_private_memory)'"
wait_grep "no longer private" "$run/npd.log"
grep -E "no longer private|stale pin" "$run/npd.log" | sed 's/^/  /'

echo go >&"$bound_fd"
exec {bound_fd}>&-
wait "$bound_pid"
bound=$(tail -n 1 "$bound_log")
echo "  bound workload's pages by node, after the removal: $bound"

section "daxctl adds it back; npd follows"
echo 1 >"/sys/bus/dax/devices/$D/private_node"
daxctl reconfigure-device --mode=system-ram "$D" 2>&1 | tail -n 1 |
	sed 's/^/  /'
wait_grep "attached policy isolate" "$run/npd.log"
tail -n 3 "$run/npd.log" | sed 's/^/  /'
echo "  node $P policy: $(cat $sys/node$P/private/policy)"
kill -TERM "$npd"
wait "$npd"
rm -f /tmp/demo-dax-cache

section "Summary"
on_p=$(node_pages "$plain" anon "$P")
file_p=$(node_pages "$plain" file "$P")
printf '  %-56s %s\n' \
	"node $P used by the bound workload (MemUsed)" "$((used1 - used0)) MiB of 256" \
	"ordinary workload's own pages on node $P" "$on_p of $(all_pages "$plain" anon)" \
	"its file pages on node $P (read first by the bound one)" "$file_p of $(all_pages "$plain" file)" \
	"bound workload's pages on node $P after the removal" "$(node_pages "$bound" anon "$P") (${bound%% *})" \
	"policy after re-adding" "$(cat $sys/node$P/private/policy) (npd detached on exit)"
[ "$on_p" = 0 ] && [ $((used1 - used0)) -ge 240 ] &&
	echo "$bound" | grep -q "^intact=1" &&
	[ "$(node_pages "$bound" anon "$P")" = 0 ] &&
	[ "$(node_pages "$bound" file "$P")" = 0 ]
