# SPDX-License-Identifier: GPL-2.0
# Helpers for the VM test scripts in tests/vm/t/; sourced, not run.
# guest.sh exports NP_NODE (the private node), NP_START, NP_SIZE (its
# physical range), NP_BIN (test programs) and NP_OUT (results).

NP_FAILS=0

# ok CONDITION-STATUS DESCRIPTION: print a TAP-style line for the check.
ok() {
	local status=$1
	shift
	if [ "$status" = 0 ]; then
		echo "ok - $*"
	else
		echo "not ok - $*"
		NP_FAILS=$((NP_FAILS + 1))
	fi
}

# check DESCRIPTION -- COMMAND...: run COMMAND, report its status.
check() {
	local what=$1
	shift
	[ "$1" = -- ] && shift
	"$@"
	ok $? "$what"
}

# node_mem NODE FIELD: a field of nodeN/meminfo, in kB.
node_mem() {
	awk -v f="$2:" '$3 == f { print $4 }' \
		"/sys/devices/system/node/node$1/meminfo"
}

# node_used_pages NODE: MemUsed of a node in pages.
node_used_pages() {
	echo $(($(node_mem "$1" MemUsed) / 4))
}

# node_pcp_pages NODE: free pages that the per-CPU lists of NODE's zones
# hold; MemUsed counts them as used.
node_pcp_pages() {
	awk -v n="Node $1," '
		/^Node/ { on = index($0, n) == 1 }
		on && $1 == "count:" { c += $2 }
		END { print c + 0 }' /proc/zoneinfo
}

# node_in_use NODE: the kinds of memory in use on NODE, " NAME: kB" each.
node_in_use() {
	awk -v kinds="FilePages Shmem AnonPages Mapped Mlocked Unevictable \
SUnreclaim SReclaimable PageTables KernelStack HugePages_Total" '
		BEGIN { n = split(kinds, k); for (i = 1; i <= n; i++) want[k[i] ":"] }
		$4 != 0 && ($3 in want) { printf " %s %s", $3, $4 }' \
		"/sys/devices/system/node/node$1/meminfo"
}

# node_held_pages NODE: pages of NODE in use, free pages on per-CPU lists
# not counted.
node_held_pages() {
	echo $(($(node_used_pages "$1") - $(node_pcp_pages "$1")))
}

# run_traced OUTFILE COMMAND...: run COMMAND under alloc_trace for the
# private node's range; OUTFILE gets total_pages=, private_pages= and
# unflagged_pages= for sourcing.
run_traced() {
	local outfile=$1
	shift
	"$NP_BIN/alloc_trace" -o "$outfile" "$NP_START" "$NP_SIZE" -- "$@"
}

# done_testing: exit status for the test.
done_testing() {
	echo "# $NP_FAILS check(s) failed"
	[ "$NP_FAILS" = 0 ]
}

# in_list N LIST: whether N is in a kernel node list such as "0-1,3".
in_list() {
	local part lo hi
	for part in ${2//,/ }; do
		lo=${part%-*} hi=${part#*-}
		[ "$1" -ge "$lo" ] && [ "$1" -le "$hi" ] && return 0
	done
	return 1
}

# --- node policies and devices (BPF test policy, test driver's debugfs) ----

NP_DBG=/sys/kernel/debug/private_node_test
NP_TRACE=/sys/kernel/tracing

# np_policy "FLAGS [admit=V] [migrate=V] [write=V] [demote=keep|none|NODE]
# [budget=PAGES]" | none: give the private node the BPF test policy
# tests/bpf/np_testpol with the NP_OPS_* mask FLAGS, its verdict callbacks
# answering V (allow, deny, or bad: an invalid verdict), demote_target
# keeping the node (default), refusing, or naming another node, and
# reclaim_budget granting at most PAGES (default: all); or detach the
# node's policy, giving it the built-in one back.  Any policy the node
# had is detached first.  Fails as npctl does (the reason on stderr).
np_policy() {
	local a k v args=()

	set -- $*
	mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
	if [ "$(np_sys state)" != none ]; then
		"$NPCTL" detach --node "$NP_NODE" >/dev/null || return 1
	fi
	[ "$1" = none ] && return 0
	args=(--flags "$1")
	shift
	for a; do
		k=${a%%=*} v=${a#*=}
		case $k in
		admit | migrate | write)
			case $v in
			allow) v=1 ;;
			deny) v=0 ;;
			bad) v=42 ;;
			*) echo "np_policy: $a: allow, deny or bad" >&2; return 2 ;;
			esac
			args+=(--set "${k}_verdict=$v") ;;
		demote)
			case $v in
			keep) ;;
			none) args+=(--set demote_to=-1) ;;
			*) args+=(--set "demote_to=$v") ;;
			esac ;;
		budget) args+=(--set "budget=$v") ;;
		*) echo "np_policy: unknown setting $a" >&2; return 2 ;;
		esac
	done
	"$NPCTL" attach np_testpol --node "$NP_NODE" "${args[@]}" >/dev/null
}

# np_flags [NAME...] | default: choose the services of the private node's
# built-in policy (nodeN/private/flags); no NAME for no service.  Fails
# as the write does, the error on stderr.
np_flags() {
	echo "$*" >"/sys/devices/system/node/node$NP_NODE/private/flags"
}

# as_nobody CMD...: CMD as user nobody (uid and gid 65534 in the guest's
# passwd), with no supplementary group and no capability.
as_nobody() {
	setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
		--inh-caps=-all -- "$@"
}

# np_caps CAPS: declare the capabilities of the private node's device.
np_caps() {
	echo "$NP_NODE $1" 2>/dev/null >"$NP_DBG/device"
}

# np_sys FILE: a file of the private node's sysfs directory.
np_sys() {
	cat "/sys/devices/system/node/node$NP_NODE/private/$1"
}

# tier_of NODE: the number of the memory tier that holds NODE, or nothing.
tier_of() {
	local t
	for t in /sys/devices/virtual/memory_tiering/memory_tier*; do
		in_list "$1" "$(cat "$t/nodelist")" && echo "${t##*memory_tier}"
	done
}

# in_tier NODE: whether NODE is in a memory tier (a demotion target).
in_tier() {
	[ -n "$(tier_of "$1")" ]
}

# np_calls NAME: calls of np_policy's callback NAME (admit, migrate,
# write, demote, budget) since the policy was attached: from the newest
# np_testpol object, as the maps of a detached one go only a while later.
np_calls() {
	local id
	id=$("$BPFTOOL" -j map show 2>/dev/null | python3 -c '
import json, sys
ids = [m["id"] for m in json.load(sys.stdin) if m.get("name") == "np_testp.bss"]
print(max(ids) if ids else "")')
	[ -n "$id" ] || return 1
	"$BPFTOOL" -j map dump id "$id" 2>/dev/null | bpf_dump_var "$1_calls"
}

# np_stat NAME: a counter of the private node.
np_stat() {
	np_sys stat | awk -v k="$1" '$1 == k { print $2 }'
}

# abba_rounds NAME ROUNDS: fails, saying why, unless ROUNDS is a positive
# multiple of four, as rounds ordered ABBA twice are.
abba_rounds() {
	case $2 in
	'' | *[!0-9]*) ;;
	*) [ $(($2 % 4)) = 0 ] && [ "$2" -gt 0 ] && return 0 ;;
	esac
	echo "$1: rounds come in fours (ABBA twice), not '$2'" >&2
	return 1
}

# abba_order ROUND: the built-in policy and BPF in the order of ROUND
# (from 1) of rounds ABBA: over four rounds each runs as often first as
# second, after the other policy's run.
abba_order() {
	case $(($1 % 4)) in
	1 | 0) echo "builtin bpf" ;;
	*) echo "bpf builtin" ;;
	esac
}

# hold_vmstat: the periodic vmstat work off for the rest of the guest's
# life (a benchmark's guest is its own and thrown away after it): the
# interval set to an hour, which the pending work takes up when it next
# runs; writing the old value back would wait for that too.  The work
# decays and drains the per-CPU free lists from a deferrable timer that
# fires when a CPU happens to wake, so between runs of faults it leaves
# the lists in one state or another at random, tens of instructions per
# fault apart.  Held off, their state follows from the runs alone (in
# the bpf benchmark's runs of 64 MiB it alternates from one run to the
# next, which rounds ordered ABBA balance: the profile benchmark shows
# it).
hold_vmstat() {
	echo 3600 >/proc/sys/vm/stat_interval || {
		echo "bench: cannot hold off the vmstat work" >&2
		return 1
	}
}

# bench_warmup NODE MB: four runs of faults, not counted, as the rounds
# make them, each one's cost per fault on stderr: the first takes the
# node's memory from the buddy allocator's large blocks, which no later
# run does, and the per-CPU lists take two more to settle.
bench_warmup() {
	local i out cost
	for i in 1 2 3 4; do
		sleep 2
		out=$(bench_fault "$1" "$2") || return 1
		cost=$(($(kv ns "$out") / $(kv pages "$out")))
		echo "#   not counted: $cost guest ns per fault" >&2
	done
}

# bench_fault NODE MB: fault MB under MPOL_BIND to NODE on CPU 1 (the
# same CPU for every run: less noise under TCG); prints npops' line
# (pages=, ns=, on_node=...), fails unless every page landed on NODE.
bench_fault() {
	local out
	out=$(taskset -c 1 "$NP_BIN/npops" fault "$1" bind "$2")
	[ "$(kv on_node "$out")" = $(($2 * 256)) ] || {
		echo "bench: fault did not land on node $1: $out" >&2
		return 1
	}
	echo "$out"
}

# kv KEY LINE: the value of KEY=VALUE in LINE; fails if it is not there.
kv() {
	local w
	for w in $2; do
		if [ "${w%%=*}" = "$1" ]; then
			echo "${w#*=}"
			return 0
		fi
	done
	return 1
}

# trace_start EVENT [FILTER]: record tracepoint EVENT ("system/name") from
# an empty buffer, with an optional filter.
trace_start() {
	mountpoint -q "$NP_TRACE" || mount -t tracefs nodev "$NP_TRACE"
	echo "${2:-0}" >"$NP_TRACE/events/$1/filter"
	echo 1 >"$NP_TRACE/events/$1/enable"
	echo >"$NP_TRACE/trace"
}

# trace_count PATTERN: lines of the trace buffer that match PATTERN.
trace_count() {
	grep -c -- "$1" "$NP_TRACE/trace"
}

# log_mark, then log_since: the kernel log lines printed in between.  The
# log itself is kept whole for the scan that follows every test.
log_mark() {
	NP_LOG_MARK=$(dmesg | wc -l)
}

log_since() {
	dmesg | tail -n +$((NP_LOG_MARK + 1))
}

# --- BPF policies ----------------------------------------------------------

NPCTL=$NP_BIN/../loader/npctl
BPFTOOL=$NP_BIN/../bpftool/bpftool
NP_BPF=$NP_BIN/../bpf

# bpf_dump_var VAR: global VAR of the BPF data section whose dump
# (bpftool -j map dump) is on stdin.
bpf_dump_var() {
	python3 -c '
import json, sys
d = json.load(sys.stdin)
d = d[0] if isinstance(d, list) and d and isinstance(d[0], dict) and "value" in d[0] else d
for entry in (d if isinstance(d, list) else [d]):
    sec = entry.get("formatted", entry).get("value", {})
    for name, vars in sec.items():
        for v in vars:
            if sys.argv[1] in v:
                val = v[sys.argv[1]]
                print(val if not isinstance(val, dict) else json.dumps(val))
                sys.exit(0)
sys.exit(1)' "$1"
}

# bpf_var MAP VAR: global VAR of the loaded BPF data section MAP (such as
# np_testp.bss), from the first map of that name.
bpf_var() {
	"$BPFTOOL" -j map dump name "$1" 2>/dev/null | bpf_dump_var "$2"
}

# np_exit FIELD: a field (kind, reason, seq, message) of nodeN/private/exit.
np_exit() {
	np_sys exit | sed -n "s/^$1 //p"
}

# wait_state STATE [SECONDS]: wait until the node's BPF state is STATE.
wait_state() {
	local i
	for i in $(seq $((${2:-5} * 10))); do
		[ "$(np_sys state)" = "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

# bpf_objects: how many BPF maps and links exist, as "maps=N links=N",
# once two counts a moment apart agree: the kernel frees a map from a
# work item after its last user (bpftool's own feature probes included),
# which takes a while on a slow kernel.
bpf_objects() {
	local a b i
	b=$(bpf_count)
	for i in $(seq 20); do
		sleep 0.3
		a=$b b=$(bpf_count)
		[ "$a" = "$b" ] && break
	done
	echo "$b"
}

# bpf_count: bpf_objects at this moment.  Not counted: the map of the
# iterator bpftool loads to name each object's processes (pid_iter),
# which is there only when that load succeeds, and is bpftool's own.
bpf_count() {
	echo "maps=$("$BPFTOOL" map list | grep '^[0-9]*:' |
		grep -vc ' name pid_iter\.')" \
		"links=$("$BPFTOOL" link list | grep -c '^[0-9]*:')"
}

# check_no_leak OBJECTS: no more BPF maps and links than OBJECTS (an
# earlier bpf_objects), once the kernel has released what was detached.
# Fewer is fine: something alive at the first count went away since.
check_no_leak() {
	local i now
	for i in $(seq 30); do
		now=$(bpf_objects)
		bpf_not_more "$now" "$1" && break
	done
	ok "$(bpf_not_more "$now" "$1"; echo $?)" \
		"BPF maps and links before and after: $1 / $now"
}

# bpf_not_more "maps=A links=B" "maps=C links=D": A <= C and B <= D.
bpf_not_more() {
	local a b c d
	a=${1#maps=} a=${a%% *} b=${1##*links=}
	c=${2#maps=} c=${c%% *} d=${2##*links=}
	[ "$a" -le "$c" ] && [ "$b" -le "$d" ]
}

# push_down_and_write: hold 64 MB on node 0, push it down to the private
# node with memory pressure on node 0 (demotion), then read and write it;
# prints npops wprotect's findings.
push_down_and_write() {
	local line res
	coproc WP { "$NP_BIN/npops" wprotect 0 64 "$NP_NODE"; }
	read -r -t 120 line <&"${WP[0]}"
	numactl --membind=0 memhog -r1 1000M >/dev/null 2>&1
	echo go >&"${WP[1]}"
	read -r -t 120 res <&"${WP[0]}"
	wait "$WP_PID"
	echo "$res"
}

# pfns PID ADDR LEN: the page frame number of each page of PID's range
# [ADDR, ADDR + LEN), one per line, from /proc/PID/pagemap (root sees real
# PFNs); "-" for a page that is not present.
pfns() {
	python3 - "$@" <<'EOF'
import struct, sys
pid, addr, length = sys.argv[1], int(sys.argv[2], 0), int(sys.argv[3])
with open("/proc/%s/pagemap" % pid, "rb") as f:
    f.seek(addr // 4096 * 8)
    data = f.read(length // 4096 * 8)
for (e,) in struct.iter_unpack("<Q", data):
    print(e & ((1 << 55) - 1) if e >> 63 else "-")
EOF
}

# wait_grep REGEX FILE [SECONDS]: wait until FILE has a line matching the
# extended REGEX, at most SECONDS (30) times NP_SLOW (the debug kernel's
# factor); fails if it does not come.
wait_grep() {
	local i
	for i in $(seq $((${3:-30} * ${NP_SLOW:-1} * 5))); do
		grep -qE -- "$1" "$2" 2>/dev/null && return 0
		sleep 0.2
	done
	return 1
}

# npd_start CONF LOG REGEX: start npd on CONF with its output in LOG and
# wait for REGEX there; NPD_PID is its pid.  Fails if REGEX does not come.
npd_start() {
	"$NP_BIN/../loader/npd" -c "$1" >"$2" 2>&1 &
	NPD_PID=$!
	wait_grep "$3" "$2"
}

# notify_listen SOCKET OUT: receive sd_notify(3) datagrams on the unix
# SOCKET (in /run: 9p has no sockets), one line per message in OUT ("|"
# for its newlines), in the background; NOTIFY_PID is the listener.
notify_listen() {
	local i
	rm -f "$1" "$2"
	python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
open(sys.argv[2], "w").close()
while True:
    m = s.recv(4096).decode()
    with open(sys.argv[2], "a") as f:
        f.write(m.replace("\n", "|") + "\n")
' "$1" "$2" &
	NOTIFY_PID=$!
	for i in $(seq 50); do
		[ -S "$1" ] && [ -e "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

# poll_arm FILE OUT [SECONDS]: poll(2) a sysfs FILE in the background
# (POLLER is the poller).  It reads FILE first, so that no notification
# after that is missed (kernfs compares its event count with the
# reader's), says "armed" in OUT, then waits up to SECONDS (60) times
# NP_SLOW and writes "woke VALUE" (FILE read again) or "timeout".  Fails
# if it is not armed in time (Python starts slowly under TCG).
poll_arm() {
	python3 - "$1" "$((${3:-60} * ${NP_SLOW:-1} * 1000))" >"$2" 2>&1 <<'EOF' &
import select, sys
f = open(sys.argv[1])
f.read()
print("armed", flush=True)
p = select.poll()
p.register(f, select.POLLPRI | select.POLLERR)
if p.poll(int(sys.argv[2])):
    f.seek(0)
    print("woke", f.read().strip(), flush=True)
else:
    print("timeout", flush=True)
EOF
	POLLER=$!
	wait_grep '^armed$' "$2" 60
}

# np_metrics SOCKET: what npd serves on its metrics socket.
np_metrics() {
	python3 - "$1" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
data = b""
while True:
    b = s.recv(65536)
    if not b:
        break
    data += b
sys.stdout.write(data.decode())
EOF
}

# Holders: a program that fills memory, prints "ready" and waits for a
# line on stdin before it goes on (nptest hold, npops hold ...).
#
# held CMD...: start CMD in the background and wait up to 180 s for its
# "ready".  Sets HELD_PID, HELD_FD (its stdin, open for writing) and
# HELD_LOG (its output).  Fails if CMD ends or is not ready in time.
held() {
	local fifo i
	fifo=$(mktemp -u /run/np-held.XXXXXX)
	mkfifo "$fifo" || return 1
	HELD_LOG=$fifo.out
	"$@" <"$fifo" >"$HELD_LOG" 2>&1 &
	HELD_PID=$!
	exec {HELD_FD}>"$fifo"
	rm -f "$fifo"
	for i in $(seq 1 720); do
		grep -q ready "$HELD_LOG" && return 0
		kill -0 "$HELD_PID" 2>/dev/null || break
		sleep 0.25
	done
	grep -q ready "$HELD_LOG"
}

# release: send the holder its line, close its stdin and wait for it to
# end; returns its exit status.
release() {
	echo go >&"$HELD_FD"
	exec {HELD_FD}>&-
	wait "$HELD_PID"
}

# Storms: cramstorm (tests/vm/progs/cramstorm.c) fills memory bound to
# node 0 inside a memory cgroup; memory.reclaim of the cgroup then demotes
# what the private node's policy lets through.  Its stdin is a fifo and
# its output a file, both in /run: fifos do not work on the 9p output
# directory.
#
# storm_fill CGROUP NODE MIB MODE [OPTION...]: start cramstorm --hold
# [OPTION...] NODE MIB MODE in /sys/fs/cgroup/CGROUP (which must exist)
# and wait until its memory is filled.  Sets STORM_PID, STORM_FD (its
# stdin, open for writing) and STORM_LOG (its output).  Fails if it does
# not fill in 300 s.
storm_fill() {
	local cg=/sys/fs/cgroup/$1 node=$2 mib=$3 mode=$4 fifo
	shift 4
	fifo=$(mktemp -u /run/np-storm.XXXXXX)
	mkfifo "$fifo" || return 1
	# No line of an earlier storm may stand for this one.
	STORM_LOG=$fifo.out STORM_CG=$cg STORM_MIB=$mib STORM_LINE=
	# $0 is the cgroup, "$@" the command.
	bash -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$cg" \
		"$NP_BIN/cramstorm" --hold "$@" "$node" "$mib" "$mode" \
		<"$fifo" >"$STORM_LOG" 2>&1 &
	STORM_PID=$!
	exec {STORM_FD}>"$fifo"
	rm -f "$fifo"
	storm_wait '^filled' 300 && return 0
	echo "# the storm did not fill its memory: $(head -c 300 "$STORM_LOG")"
	return 1
}

# storm_wait REGEX SECONDS: wait for a line of the storm's output.
storm_wait() {
	local i
	for i in $(seq $(($2 * 5))); do
		grep -q "$1" "$STORM_LOG" && return 0
		kill -0 "$STORM_PID" 2>/dev/null || break
		sleep 0.2
	done
	grep -q "$1" "$STORM_LOG"
}

# storm_reclaim: one memory.reclaim of the storm's size from its cgroup.
# The kernel's EAGAIN when it falls short is expected.
storm_reclaim() {
	echo "${STORM_MIB}M" >"$STORM_CG/memory.reclaim" 2>/dev/null
	return 0
}

# storm_go: let the storm count its pages; sets STORM_LINE to its
# "on_node=N pages=N".
storm_go() {
	echo go >&"$STORM_FD"
	storm_wait '^on_node=' 120 || return 1
	STORM_LINE=$(grep -m1 '^on_node=' "$STORM_LOG")
}

# storm CGROUP NODE MIB MODE [OPTION...]: fill, three rounds of reclaim,
# count; the storm keeps its memory until storm_end.
storm() {
	storm_fill "$@" || return 1
	storm_reclaim
	storm_reclaim
	storm_reclaim
	storm_go
}

# storm_end [PID FD LOG]: end a storm (the last one by default) and free
# its memory.
storm_end() {
	local pid=${1:-$STORM_PID} fd=${2:-$STORM_FD} log=${3:-$STORM_LOG}

	exec {fd}>&-
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rm -f "$log"
	return 0
}
