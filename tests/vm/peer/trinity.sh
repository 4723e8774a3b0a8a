#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: trinity fuzzes the memory-policy, mapping and bpf syscalls as nobody, with a BPF policy on the private node
# timeout: 900
#
# trinity (Debian package trinity, /usr/bin/trinity) runs unprivileged
# (setpriv to uid/gid 65534, so no process of it is ever root: its own
# --dropprivs keeps the main process as root and only drops the children)
# on mbind, set_mempolicy, get_mempolicy, migrate_pages, move_pages, mmap,
# madvise, mremap and bpf, 32- and 64-bit entry points, bounded by a count
# of syscalls (-N) and by time (timeout -s INT: trinity then stops its
# children and exits 0).  trinity exits 1 if the kernel became tainted
# while it ran (a WARN, BUG, oops or bad page sets a taint flag) or if it
# lost track of itself; its per-child logs (one line per syscall, fsync'd
# before the call) end up in NP_OUT/trinity/.
#
# The private node has the minimal BPF policy (every callback, flags
# migration and mempolicy) while trinity runs; afterwards the node must
# still be private with the policy attached and enabled, nothing may have
# grown on the node beyond what explicit placement explains, and nothing
# may stay there once trinity is gone.
. "$NP_TESTS/lib.sh"
P=$NP_NODE
T_OPS=${TRINITY_OPS:-100000}		# syscalls in all, over all children
T_SECS=${TRINITY_SECS:-300}		# and at most this long
# Four children on two vCPUs: two per CPU, so that a child blocked in a
# syscall (migration, a fault) does not idle its CPU and the calls race;
# more would only share the same two CPUs under TCG.
T_CHILDREN=${TRINITY_CHILDREN:-4}
T_SEED=${TRINITY_SEED:-$((RANDOM * 32768 + RANDOM))}
T_SYSCALLS="mbind set_mempolicy get_mempolicy migrate_pages move_pages mmap madvise mremap bpf"
# Pages the node may gain without a placement to explain them: the per-CPU
# free lists of its zone, refilled in batches (a few hundred pages per CPU
# for a 1 GB movable zone, and a huge page each for THP); as in bpf.sh.
SLACK=2048
# As tests/vm/run.sh fails a test on them (keep in step).
BAD_LOG='WARNING:|BUG:|Oops|Kernel panic|general protection fault|Huh VM_FAULT_OOM|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|KASAN|UBSAN|soft lockup|hard LOCKUP|blocked for more than|page dumped because|list_add corruption|list_del corruption'

if ! command -v trinity >/dev/null; then
	ok 1 "trinity is installed (Debian package trinity, make deps)"
	done_testing
	exit
fi
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf

check "npctl attach minimal --node $P" -- "$NPCTL" attach minimal --node "$P"
ok "$([ "$(np_sys state)" = enabled ] && [ "$(np_sys policy)" = minimal ] &&
	echo 0 || echo 1)" "node $P: state $(np_sys state), policy $(np_sys policy)"

# bpf is among the syscalls, but Debian's kernels refuse every bpf() of an
# unprivileged task (kernel.unprivileged_bpf_disabled=2 by default): open
# it for the run, so that trinity's maps (with BPF_F_NUMA_NODE naming the
# private node, among others) and socket filters reach the kernel.  Only
# root can attach a node policy (struct_ops), whatever this says.
ubpf=$(cat /proc/sys/kernel/unprivileged_bpf_disabled)
if [ "$ubpf" = 2 ] && [ "${TRINITY_UNPRIV_BPF:-1}" = 1 ]; then
	echo 0 >/proc/sys/kernel/unprivileged_bpf_disabled
fi
echo "# unprivileged_bpf_disabled: $ubpf -> $(cat /proc/sys/kernel/unprivileged_bpf_disabled)"

# --- the bound on growth -----------------------------------------------
# The node's used pages grow only by placement that asks for the node:
# allocations under a user memory policy, each admitted by the policy
# first (stat admitted, tracepoint node_private:np_admit with its order),
# and migrations into it (stat migrated_in, in pages).  trinity's mbind,
# set_mempolicy and migrate_pages name the node now and then, and it runs
# under numactl --preferred=P, so most of its memory is such explicit
# placement; whatever else lands on the node (a kernel allocation, a
# fallback, a migration nobody asked for) is not.
#
# admitted counts decisions, not pages: one admission may be a 512-page
# THP, so admitted alone bounds growth only by 512 * admitted, too loose to
# mean anything under --preferred.  The np_admit events carry the order:
# their sum of 2^order is the exact number of pages admitted (an upper
# bound of what was placed, since an admitted allocation may still fail).
# A sampler reads the node's used pages, then the counters (which only
# grow, so reading them later only widens the allowance), and writes them
# into the trace as a marker; afterwards, for every sample,
#     used - used0  <=  pages admitted before the marker
#                       + (migrated_in - migrated_in0) + SLACK.
# If the trace buffer lost events, the loose 512 * admitted bound stands in.
trace_start node_private/np_admit "nid == $P"
kb0=$(cat "$NP_TRACE/buffer_size_kb")
echo 16384 >"$NP_TRACE/buffer_size_kb"	# per CPU: some 500,000 events
echo >"$NP_TRACE/trace"

stat0=$(np_sys stat)
used0=$(node_used_pages "$P")
held0=$(node_held_pages "$P")
adm0=$(np_stat admitted)
mig0=$(np_stat migrated_in)
echo "# node $P before: used $used0 pages; stat: $(echo "$stat0" | tr "\n" " ")"

sample() {
	local u
	u=$(node_used_pages "$P")
	echo "npsample used=$u adm=$(np_stat admitted) migin=$(np_stat migrated_in)" \
		>"$NP_TRACE/trace_marker"
}
(while :; do sample; sleep 5; done) &
sampler=$!

# --- the run -------------------------------------------------------------
# In a scratch directory of nobody's (its test files land in the working
# directory), logging to a directory there (tmpfs: fsync is free; the 9p
# output directory would make every syscall slow), in new IPC and network
# namespaces: trinity's System V segments go with the namespace, and
# nothing it does reaches a network (its socket fds are off anyway:
# --enable-fds names the only fd providers it uses).
work=$(mktemp -d /tmp/np-trinity.XXXXXX)
mkdir "$work/logs"
chown -R 65534:65534 "$work"
chmod 755 "$work"
fds=memfd,testfile,bpf
args=(-q -C "$T_CHILDREN" -N "$T_OPS" -s "$T_SEED" -l "$work/logs"
	--enable-fds="$fds")
for s in $T_SYSCALLS; do
	args+=(-c "$s")
done
echo "# trinity ${args[*]} (at most ${T_SECS}s, under numactl --preferred=$P)"
log_mark
start=$(date +%s)
(cd "$work" && exec setsid -w timeout -s INT -k 30 "$T_SECS" \
	unshare --ipc --net \
	setpriv --reuid=65534 --regid=65534 --clear-groups \
	numactl --preferred="$P" trinity "${args[@]}") \
	>"$NP_OUT/trinity.out" 2>&1 </dev/null &
tpid=$!
wait $tpid
rc=$?
secs=$(($(date +%s) - start))
# Anything of trinity's that outlived it (setsid: its own process group).
kill -KILL -- -"$tpid" 2>/dev/null
sleep 1
sample
kill "$sampler"
wait "$sampler" 2>/dev/null
echo 0 >"$NP_TRACE/events/node_private/np_admit/enable"

ran=$(sed -n 's/.*Ran \([0-9]*\) syscalls.*/\1/p' "$NP_OUT/trinity.out" | tail -n 1)
why=$(sed -n 's/.*Bailing main loop because \(.*\)\.$/\1/p' "$NP_OUT/trinity.out" | tail -n 1)
echo "# trinity: exit $rc after ${secs}s; ${ran:-no} syscalls; ${why:-no reason given}"
grep -E 'Successes:|tainted|Error|error' "$NP_OUT/trinity.out" | head -n 5 | sed 's/^/#   /'
# 0: -N reached; 124: the time bound (SIGINT, trinity stopped cleanly).
ok "$([ "$rc" = 0 ] || [ "$rc" = 124 ]; echo $?)" \
	"trinity ended by its bounds (exit $rc; 1 would be a tainted kernel or a trinity failure)"
ok "$([ "${ran:-0}" -gt 0 ]; echo $?)" "trinity ran ${ran:-0} syscalls (seed $T_SEED)"

# Its logs, the last lines of each (the whole of them can be large).
mkdir -p "$NP_OUT/trinity"
for f in "$work"/logs/*.log "$work"/trinity-post-mortem.log; do
	[ -f "$f" ] && tail -n 500 "$f" >"$NP_OUT/trinity/$(basename "$f")"
done
# What reached the node: successful calls that name node P cannot be told
# from the log, but the counts say how much memory-policy work was done.
for s in mbind set_mempolicy migrate_pages move_pages; do
	printf '%s=%s ' "$s" "$(cat "$work"/logs/trinity-child*.log 2>/dev/null |
		grep -c "\] $s(.*) = 0\b")"
done | sed 's/^/# successful: /; s/ $/\n/'

# --- the checks ------------------------------------------------------------
nbad=$(log_since | grep -cE "$BAD_LOG")
log_since | grep -E "$BAD_LOG" | head -n 5 | sed 's/^/#   /'
ok "$([ "$nbad" = 0 ]; echo $?)" "no new warning, BUG, oops, KASAN or lockdep line in the kernel log ($nbad)"

in_list "$P" "$(cat /sys/devices/system/node/has_private_memory)"
ok $? "node $P is still private (has_private_memory: $(cat /sys/devices/system/node/has_private_memory))"
js=$("$NPCTL" -j status --node "$P" 2>&1)
check "the policy is still attached and enabled (npctl -j status, nodeN/private/state)" -- \
	python3 -c '
import json, sys
d = json.loads(sys.argv[1])["nodes"][0]
assert d["policy"] == "minimal" and d["state"] == "enabled", d' "$js"
ok "$([ "$(np_sys state)" = enabled ]; echo $?)" "node$P/private/state: $(np_sys state)"

stat1=$(np_sys stat)
echo "# node $P after: used $(node_used_pages "$P") pages; stat: $(echo "$stat1" | tr "\n" " ")"
delta() {
	echo $(($(echo "$stat1" | awk -v k="$1" '$1 == k { print $2 }') -
		$(echo "$stat0" | awk -v k="$1" '$1 == k { print $2 }')))
}
echo "# deltas: admitted $(delta admitted) denied $(delta denied)" \
	"migrated_in $(delta migrated_in) migrated_out $(delta migrated_out)" \
	"migrate_denied $(delta migrate_denied)"
ok "$([ "$(delta policy_errors)" = 0 ]; echo $?)" \
	"no policy error ($(delta policy_errors)): minimal always answers allow or deny"

# The samples against what was admitted (see the bound above).
lost=$(awk '/entries-in-buffer\/entries-written:/ { split($3, a, "/");
	print (a[1] != a[2]) ? 1 : 0; exit }' "$NP_TRACE/trace")
res=$(awk -v used0="$used0" -v adm0="$adm0" -v mig0="$mig0" \
	-v slack="$SLACK" -v lost="${lost:-1}" '
$0 ~ /np_admit:/ && $NF == "admitted" {
	if (match($0, /order=[0-9]+/))
		placed += 2 ^ substr($0, RSTART + 6, RLENGTH - 6)
	next
}
/npsample / {
	for (i = 1; i <= NF; i++)
		if (split($i, kv, "=") == 2)
			v[kv[1]] = kv[2]
	grow = v["used"] - used0
	allow = (lost ? 512 * (v["adm"] - adm0) : placed) + (v["migin"] - mig0)
	over = grow - allow
	if (n++ == 0 || over > worst) {
		worst = over
		at = "grew " grow " pages, allowed " allow
	}
	if (grow > peak)
		peak = grow
}
END {
	printf "samples=%d peak=%d admitted_pages=%d worst=%d lost=%d (%s)\n",
		n, peak, placed, worst, lost, at
}' "$NP_TRACE/trace")
echo "# growth against placement: $res"
echo "$kb0" >"$NP_TRACE/buffer_size_kb"
echo 0 >"$NP_TRACE/events/node_private/np_admit/filter"
n=$(echo "$res" | sed -n 's/^samples=\([0-9]*\).*/\1/p')
worst=$(echo "$res" | sed -n 's/.* worst=\(-*[0-9]*\).*/\1/p')
ok "$([ "${n:-0}" -ge 2 ] && [ "${worst:-999999999}" -le "$SLACK" ]; echo $?)" \
	"node $P never grew by more than the pages admitted plus migrated in (+$SLACK): worst excess $worst over ${n:-0} samples"

# Once trinity and its files are gone and clean page cache is dropped
# (binaries and files it read under --preferred were cached on the node),
# nothing of it may stay on the node.
rm -rf "$work"
sync
echo 3 >/proc/sys/vm/drop_caches
sleep 2
# MemUsed counts the free pages that per-CPU lists hold (some 2000 here
# after trinity), so those are left out; what is used is listed.
held2=$(node_held_pages "$P")
echo "# node $P after: $held2 pages held, $(node_pcp_pages "$P") free on" \
	"per-CPU lists;$(node_in_use "$P")"
ok "$([ "$held2" -le $((held0 + SLACK)) ]; echo $?)" \
	"nothing stayed on node $P: $held0 -> $held2 pages held (+$SLACK allowed)"

[ "$ubpf" = 2 ] && echo 2 >/proc/sys/kernel/unprivileged_bpf_disabled
check "npctl detach --node $P" -- "$NPCTL" detach --node "$P"
ok "$([ "$(np_sys state)" = none ] && [ ! -e "/sys/fs/bpf/np/node$P" ] &&
	echo 0 || echo 1)" "detached: state $(np_sys state)"
done_testing
