#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: CRAM: admission past the high watermark, in-kernel against a daemon's reaction; npd's CPU use
# timeout: 900
# device: cramall
# nodes: 2
#
# Runs in the VM (make bench), with both private nodes claimed by
# cram_emu, 32 MiB of physical capacity each.  Every figure is measured
# here, in this one run:
#  - an incompressible storm (64 MiB of random data demoted by memcg
#    reclaim) against bpf/cram, which closes admission in the kernel at
#    the high watermark (80%), and against a daemon-only reaction: a
#    policy that admits every demotion (bpf/minimal) while a user-space
#    watcher poll()s the watermark attribute and, when it turns high,
#    swaps in a closed cram policy.  Pages stored past the watermark:
#    peak physical use minus the watermark, one storm on each node;
#  - the CPU time npd spends watching both nodes through storms.
. "$NP_TESTS/lib.sh"
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
mountpoint -q /sys/fs/cgroup || mount -t cgroup2 none /sys/fs/cgroup
echo +memory >/sys/fs/cgroup/cgroup.subtree_control
mkdir -p /sys/fs/cgroup/bench
echo 1 >/sys/kernel/mm/numa/demotion_enabled
NPD=$NP_BIN/../loader/npd
set -- $NP_NODES
A=$1 B=${2:-}
fails=0

cram() { cat "/sys/kernel/cram_emu/node$1/$2"; }

# bstorm NODE MIB MODE: demote MIB MiB of MODE data to NODE and free it
# (a storm, see lib.sh).
bstorm() {
	storm bench "$@"
	cp "$STORM_LOG" "$NP_OUT/storm.$1"
	storm_end
}

# setup NODE: a 32 MiB device.
setup() {
	echo 32M >"/sys/kernel/cram_emu/node$1/physical_capacity"
}

# past NODE: pages stored past the high watermark at the peak.
past() {
	local cap high peak
	cap=$(cram "$1" physical_capacity)
	high=$((cap * $(cram "$1" high_watermark) / 100))
	peak=$(cram "$1" peak_physical_bytes)
	echo $(((peak - high + 4095) / 4096))
}

# In-kernel on node A, daemon-only on node B: each node's peak is kept
# for the run, so each takes one storm.
setup "$A"
"$NPCTL" attach cram --node "$A" >/dev/null || fails=1
bstorm "$A" 64 random
k=$(past "$A")
"$NPCTL" detach --node "$A" >/dev/null
echo "# in-kernel, node $A: $k pages past, overflow $(cram "$A" overflow_events)" >&2

setup "$B"
"$NPCTL" attach minimal --node "$B" \
	--flags migration,demotion,protect_write,reclaim >/dev/null || fails=1
python3 - "/sys/kernel/cram_emu/node$B/watermark" "$NPCTL" "$B" <<'WATCH' &
import select, subprocess, sys
f = open(sys.argv[1])
p = select.poll()
p.register(f, select.POLLPRI | select.POLLERR)
for _ in range(10):
    f.seek(0)
    if f.read().strip() == "high":
        break
    p.poll(60000)
# A closed cram: admission shut from 2% of the capacity (low_pct must
# stay below high_pct, and 0 means the default).
r = subprocess.run([sys.argv[2], "swap", "cram", "--node", sys.argv[3],
                    "--set", "high_pct=2", "--set", "low_pct=1"],
                   stdout=subprocess.DEVNULL)
sys.exit(r.returncode)
WATCH
watcher=$!
bstorm "$B" 64 random
if ! wait $watcher; then
	echo "cram: the watcher could not swap in the closed cram" >&2
	fails=1
fi
d=$(past "$B")
"$NPCTL" detach --node "$B" >/dev/null
echo "# daemon-only, node $B: $d pages past, overflow $(cram "$B" overflow_events)" >&2

# npd watching both nodes while storms run on them.
cat >"$NP_OUT/npd.conf" <<EOF
[node $A]
policy = cram
min_ratio = 1.5
react = tighten high_pct=70 low_pct=50
EOF
[ -n "$B" ] && cat >>"$NP_OUT/npd.conf" <<EOF
[node $B]
policy = cram
min_ratio = 1.5
react = tighten high_pct=70 low_pct=50
EOF
"$NPD" -c "$NP_OUT/npd.conf" >"$NP_OUT/npd.log" 2>&1 &
npd=$!
sleep 3
read -r -a st </proc/$npd/stat
c0=$((st[13] + st[14]))
t0=$(date +%s%N)
e0=$(($(cram "$A" watermark_events) + $(cram "$B" watermark_events)))
# Both nodes cross their watermarks: npd wakes, reads, reacts.
for N in $A $B; do
	echo 32M >"/sys/kernel/cram_emu/node$N/physical_capacity"
	bstorm "$N" 64 random
done
read -r -a st </proc/$npd/stat
c1=$((st[13] + st[14]))
t1=$(date +%s%N)
events=$(($(cram "$A" watermark_events) + $(cram "$B" watermark_events) - e0))
actions=$(grep -c ': tighten\|: evacuate\|: swap\|restore' "$NP_OUT/npd.log")
kill -TERM $npd
wait $npd
hz=$(getconf CLK_TCK)
ms=$(((t1 - t0) / 1000000))
cpu_ms=$(((c1 - c0) * 1000 / hz))

ncpu=$(nproc)
echo "| Benchmark (TCG, $ncpu CPUs) | In-kernel (bpf/cram) | Daemon-only (poll, then swap) | Target |"
echo "|---|---|---|---|"
echo "| Pages stored past the high watermark, 64 MiB of random data, 32 MiB device | $k | $d | in-kernel <= $ncpu (one per CPU) |"
echo "| npd CPU time watching 2 nodes through $((ms / 1000)) s of storms ($events watermark events, $actions actions) | | ${cpu_ms} ms ($((cpu_ms * 1000 / (ms ? ms : 1)))‰ of one CPU, ${hz} Hz ticks) | report |"
[ "${k:-99}" -le "$ncpu" ] || { echo "bench: in-kernel admitted $k pages past the watermark" >&2; fails=1; }
[ $fails = 0 ]
