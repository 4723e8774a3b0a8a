#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The demo run by `make demo`, inside the VM.
P=$NP_NODE
sys=/sys/devices/system/node
echo "== The memory-only node $P was claimed as a private node =="
printf '  %-22s %s\n' has_memory "$(cat $sys/has_memory)" \
	has_normal_memory "$(cat $sys/has_normal_memory)" \
	has_private_memory "$(cat $sys/has_private_memory)"
echo
echo "== numactl --hardware =="
numactl --hardware | sed 's/^/  /'
echo
echo "== A plain allocation never lands on node $P =="
"$NP_BIN/alloc_trace" -o /tmp/t1 "$NP_START" "$NP_SIZE" -- memhog -r1 256M >/dev/null
echo "  memhog 256M:                      $(cat /tmp/t1)"
"$NP_BIN/alloc_trace" -o /tmp/t2 "$NP_START" "$NP_SIZE" -- \
	numactl --membind="$P" memhog -r1 256M >/dev/null
echo "  numactl --membind=$P memhog 256M:   $(cat /tmp/t2)"
echo
echo "== A workload bound with mbind(MPOL_BIND, {$P}) =="
mkfifo /tmp/demo-go
"$NP_BIN/nptest" hold "$P" 128 </tmp/demo-go >/tmp/demo-hold 2>&1 &
pid=$!
exec 3>/tmp/demo-go
for _ in $(seq 1 60); do grep -q ready /tmp/demo-hold && break; sleep 1; done
echo "  its 128M mapping in /proc/$pid/numa_maps:"
grep -E "N$P=" /proc/$pid/numa_maps | sed 's/^/    /'
echo "  numastat -p $pid (MB per node):"
numastat -p $pid 2>/dev/null | grep -E 'Node 0|^(Total|Private)' |
	sed 's/^/    /'
echo "  node $P meminfo:"
grep -E 'MemTotal|MemUsed' $sys/node$P/meminfo | sed 's/^/    /'
echo go >&3
exec 3>&-
wait $pid
st=$?

plain=$(sed -n 's/.*private_pages=\([0-9]*\).*/\1/p' /tmp/t1)
bound=$(sed -n 's/.*private_pages=\([0-9]*\).*/\1/p' /tmp/t2)
echo
echo "== Summary =="
echo "  node $P is private: has_private_memory=$(cat $sys/has_private_memory)," \
	"has_memory=$(cat $sys/has_memory)"
echo "  memhog 256M without a policy put $plain pages on node $P"
echo "  numactl --membind=$P memhog 256M put $bound pages on node $P"
echo "  the mbind-bound 128M workload had every page on node $P:" \
	"$([ $st = 0 ] && echo yes || echo NO)"
[ "$plain" = 0 ] && [ "$bound" -ge 65536 ] && [ $st = 0 ]
