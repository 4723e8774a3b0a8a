#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the VM tests: one virtme-ng guest per test, TAP on stdout.
#
#   run.sh --kernel BZIMAGE --bin DIR --out DIR [--only NAME[,NAME]] [--demo]
#         [--bench NAME] [--list] [--no-private] [--slow FACTOR]
#         [--kmemleak SYMBOLS] [--suite DIR] [--icount]
#
# --no-private leaves the memory-only node alone, for a kernel without
# private nodes (the unpatched baseline); only tests that do not use the
# private node make sense then.
#
# --suite DIR runs the tests of tests/vm/DIR instead of tests/vm/t: peer
# runs the suites we did not write (make check-peer).
# --icount runs the guests with QEMU's -icount shift=0 (TCG only): guest
# time then advances one nanosecond per executed guest instruction, so
# that a benchmark's throughput in guest time measures path length,
# whatever the load of the host and the cost of TCG's translation.
# --slow FACTOR multiplies every timeout, for a kernel built with the
# debugging options (KASAN, lockdep) that make it several times slower.
# --kmemleak SYMBOLS asks kmemleak to scan after each test (the kernel needs
# CONFIG_DEBUG_KMEMLEAK) and fails the test on a leak report whose
# allocation backtrace goes through a function of SYMBOLS, the list that
# scripts/series-symbols.py makes; other reports are listed, not failed.
#
# NP_KVM=0 or 1 skips the KVM probe; NP_TCG=multi runs TCG guests with
# QEMU's thread per vCPU, under which a vCPU can run stale kernel text
# after a static key is patched (see tcg_opts): only to show that.
#
# Each guest (TCG, or KVM where a probe shows that it works: see
# kvm_probe) has two nodes with one CPU each and a third,
# memory-only node whose range is reserved with memmap=, so that the test
# driver can claim it as a private node (tests/vm/guest.sh).  A test is a
# script tests/vm/t/NAME.sh whose header gives a description and may give
# a timeout in seconds:
#   # description: ...
#   # timeout: 300
#   # cpus: 4          (2 by default: one per CPU node)
#   # nodes: 2         private nodes (1 by default; 2 or 4 share the 1G)
#   # device: cram     the first private node is claimed by the CRAM
#                      emulator (cram_emu) instead of the test driver;
#                      "cramall": every private node is; "dax": the
#                      node's range is a legacy PMEM region that ndctl,
#                      daxctl and dax/kmem make a private node (1 node);
#                      "dax2": two PMEM regions on that node
#   # also: dax        the test runs a second time as NAME@dax, on a
#                      dax-backed private node (--only NAME@dax runs it)
#   # cmdline: ARGS    added to the guest kernel's command line
# A test fails if it exits non-zero, times out, or if the guest kernel log
# shows a warning, BUG, oops, lockdep or KASAN report, or a leaked
# VM_FAULT_OOM.  Exit status: 0 all passed, 1 a test failed, 4 nothing ran.
set -u
here=$(dirname "$(readlink -f "$0")")
kernel= bin= out= only= demo=0 bench= list=0 claim=claim slow=1 leaksyms=
cmdline=
icount=0
suite=t

usage() {
	sed -n 's/^#   \?//p' "$0" | sed -n '2,5p'
}

while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=$2; shift ;;
	--bin) bin=$2; shift ;;
	--out) out=$2; shift ;;
	--only) only=$2; shift ;;
	--demo) demo=1 ;;
	--bench) bench=$2; shift ;;
	--list) list=1 ;;
	--no-private) claim=noclaim ;;
	--slow) slow=$2; shift ;;
	--suite) suite=$2; shift ;;
	--kmemleak) leaksyms=$(readlink -f "$2"); shift ;;
	--icount) icount=1 ;;
	-h|--help) usage; exit 0 ;;
	*) echo "run.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
	esac
	shift
done

case "$suite" in
''|*/*|.*) echo "run.sh: --suite takes a directory of tests/vm, not '$suite'" >&2
	exit 2 ;;
esac
if [ ! -d "$here/$suite" ]; then
	echo "run.sh: no test suite $here/$suite" >&2
	exit 2
fi
tests=$(cd "$here/$suite" && ls -- *.sh | grep -v 'lib\.sh$' | sed 's/\.sh$//')
# Second passes: NAME@KIND for each kind a test's "also:" header names.
tests=$(for t in $tests; do
	echo "$t"
	for k in $(sed -n 's/^# also: //p' "$here/$suite/$t.sh"); do
		echo "$t@$k"
	done
done)
if [ $list = 1 ]; then
	for t in $tests; do
		printf '%-16s %s\n' "$t" \
			"$(sed -n 's/^# description: //p' "$here/$suite/${t%@*}.sh")"
	done
	exit 0
fi
if [ -z "$kernel" ] || [ -z "$bin" ] || [ -z "$out" ]; then
	usage >&2
	exit 2
fi
case "$slow" in
''|*[!0-9]*|0) echo "run.sh: --slow takes a positive integer, not '$slow'" >&2
	exit 2 ;;
esac
if [ -n "$leaksyms" ] && [ ! -s "$leaksyms" ]; then
	echo "run.sh: --kmemleak: no symbol list in '$leaksyms'" >&2
	exit 2
fi
if [ ! -f "$kernel" ]; then
	echo "run.sh: kernel image $kernel not found (make kernel)" >&2
	exit 2
fi
if ! command -v vng >/dev/null; then
	echo "run.sh: vng not found (make deps)" >&2
	exit 2
fi
if [ -n "$only" ]; then
	for t in ${only//,/ }; do
		if [ ! -f "$here/$suite/${t%@*}.sh" ] ||
		   { [ "${t#*@}" != "$t" ] && [ "${t#*@}" != dax ]; }; then
			echo "run.sh: no test '$t'; tests are:" $tests >&2
			exit 2
		fi
	done
	tests=${only//,/ }
fi
kernel=$(readlink -f "$kernel")
bin=$(readlink -f "$bin")
mkdir -p "$out"
out=$(readlink -f "$out")

# KVM is used only where a guest proves it boots under it: on some
# machines /dev/kvm exists but the hypervisor behind it cannot boot a
# stock kernel and the guest hangs silently.  The probe boots this kernel
# with KVM and asks it for kvm-clock, within NP_KVM_PROBE seconds (10: a
# KVM guest runs it in a few, a TCG one needs longer to boot, and a hung
# one never ends), once per kernel image and host boot (the answer is
# kept in /tmp).  NP_KVM=0 skips the probe, NP_KVM=1 skips it and uses
# KVM.  Benchmarks always run under TCG, which they are calibrated for.
kvm_probe() {
	local pid _ limit=${NP_KVM_PROBE:-10}
	[ -w /dev/kvm ] || { echo "no writable /dev/kvm"; return 1; }
	# q35 as the tests (with --numa vng would pick microvm otherwise).
	setsid vng --run "$kernel" --cpus 1 --memory 512M --disable-microvm \
		--exec 'grep -qw kvm-clock /sys/devices/system/clocksource/clocksource0/available_clocksource' \
		</dev/null >"$out/kvm-probe.log" 2>&1 &
	pid=$!
	for _ in $(seq $((limit * 5))); do
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid" && return 0
			echo "the probe guest failed or ran without KVM"
			return 1
		fi
		sleep 0.2
	done
	kill -KILL -- "-$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	echo "the probe guest did not finish in ${limit}s"
	return 1
}
accel=tcg
if [ $icount = 1 ]; then
	accel_why="TCG with -icount shift=0 (guest time counts instructions)"
elif [ -n "$bench" ] || [ "${NP_KVM:-}" = 0 ]; then
	accel_why="TCG (NP_KVM=0)"
	[ -n "$bench" ] && accel_why="TCG (benchmarks run under TCG)"
elif [ "${NP_KVM:-}" = 1 ]; then
	accel=kvm accel_why="KVM (NP_KVM=1)"
else
	key=$(printf '%s %s %s' "$(cat /proc/sys/kernel/random/boot_id)" \
		"$kernel" "$(stat -c %Y "$kernel")" | md5sum | cut -c1-16)
	cache=/tmp/np-kvm-probe.$key
	if [ ! -f "$cache" ]; then
		start=$(date +%s)
		if why=$(kvm_probe); then
			echo "kvm" >"$cache"
		else
			echo "tcg $why" >"$cache"
		fi
		echo "($(($(date +%s) - start))s)" >>"$cache"
	fi
	read -r accel why <"$cache"
	# Anything but a positive answer is TCG, and TCG's single thread.
	[ "$accel" = kvm ] || accel=tcg
	if [ "$accel" = kvm ]; then
		accel_why="KVM (a probe guest booted with it $(tail -n 1 "$cache"))"
	else
		accel_why="TCG (KVM probe: $why $(tail -n 1 "$cache"))"
	fi
fi
echo "run.sh: VMs run under $accel_why" >&2
# The build tree of the kernel (arch/x86/boot/bzImage in it): its
# modules.builtin tells the guest's libkmod (daxctl) what is built in.
kbuild=$(readlink -f "$(dirname "$kernel")/../../..")
[ -f "$kbuild/modules.builtin" ] || kbuild=
mkdir -p "$out"
out=$(readlink -f "$out")

# vm_args CPUS NODES [DEVICE]: two ordinary nodes with CPUS/2 CPUs each,
# and NODES memory-only nodes (1, 2 or 4) farther away that share 1G.
# On q35 with 3G the first 2G sit below 4G and the memory-only
# nodes at 4G: reserve them (memmap=$), or with DEVICE "dax" make them a
# legacy PMEM region (memmap=!).  One socket per node, or the guest warns
# that CPUs sharing a cache sit on different nodes.
vm_args() {
	local half=$(($1 / 2)) memmap='memmap=1G$0x100000000'
	local n0=0 n1=$half
	[ "${3:-}" = dax ] && memmap='memmap=1G!0x100000000'
	# Two PMEM regions on the node with a reserved gap between them
	# (adjacent ones would merge into one).
	[ "${3:-}" = dax2 ] && memmap='memmap=384M!0x100000000 memmap=128M$0x118000000 memmap=512M!0x120000000'
	[ "$half" -gt 1 ] && n0=0-$((half - 1)) n1=$half-$(($1 - 1))
	VM_ARGS=(--cpus "$1" --memory 3G
		--numa "1G,cpus=$n0" --numa "1G,cpus=$n1")
	[ "$accel" = kvm ] || VM_ARGS+=(--disable-kvm)
	# NODES memory-only nodes share the 1G, 20 from each other and 30
	# from the CPU nodes.
	local i j
	for i in $(seq 2 $(($2 + 1))); do
		VM_ARGS+=(--numa "$((1024 / $2))M" --numa-distance "0,$i=30"
			--numa-distance "1,$i=30")
		for j in $(seq 2 $((i - 1))); do
			VM_ARGS+=(--numa-distance "$j,$i=20")
		done
	done
	VM_ARGS+=(--numa-distance 0,1=20
		--qemu-opts="-smp $1,sockets=2,cores=$half,threads=1${tcg_opts}"
		--append "$memmap")
}
BOOT_ALLOWANCE=$((120 * slow))
# Under TCG one host thread runs all vCPUs in turn.  QEMU's
# multi-threaded TCG (its default, a thread per vCPU) lets a vCPU run
# stale code while another patches kernel text: a guest that flips a
# static key under load dies in "Oops: int3" on the breakpoint that
# text_poke_bp() had already removed.  Upstream keys (vm.numa_stat) die
# the same way as node_private_key, which flips when the first node
# becomes private and the last stops being so.  The keyflip test shows
# it with NP_TCG=multi.  One thread is also faster on two host cores.
# -icount implies the single thread.  The price: vCPUs take turns of up
# to 100 ms, so races between CPUs that need both to run at the same
# instant (the race tests, keyflip's load) are hit less often than on
# hardware or under KVM, which runs them truly in parallel.
tcg_opts=
[ "$accel" = tcg ] && [ "${NP_TCG:-}" != multi ] &&
	tcg_opts=" -accel tcg,thread=single"
[ $icount = 1 ] && tcg_opts=" -icount shift=0,align=off,sleep=off"
# What the guest runs on, for tests that the single thread changes:
# kvm, tcg (one thread for all vCPUs) or tcg-multi.
guest_accel=$accel
[ "$accel" = tcg ] && [ -z "$tcg_opts" ] && guest_accel=tcg-multi

# Patterns in the guest kernel log that fail a test.
# What a test asks the kernel to print on purpose: the mm selftests'
# gup_test dumps pages (dump_page()) with this reason.
EXPECTED_LOG='page dumped because: gup_test: dump_pages\(\) test'
BAD_LOG='WARNING:|BUG:|Oops|Kernel panic|general protection fault|Huh VM_FAULT_OOM|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|KASAN|UBSAN|soft lockup|hard LOCKUP|blocked for more than|page dumped because|list_add corruption|list_del corruption'

# run_one NAME TIMEOUT DIR [CPUS [NODES [DEVICE]]]: boot a guest for one
# test; DEVICE "cram" has the first private node claimed by cram_emu,
# "cramall" every one.
run_one() {
	local name=$1 tmo=$(($2 * slow)) dir=$3 how=$claim
	[ -n "${6:-}" ] && [ "$claim" = claim ] && how=${6}
	vm_args "${4:-2}" "${5:-1}" "$how"
	[ -n "$cmdline" ] && VM_ARGS+=(--append "$cmdline")
	rm -rf "$dir"
	mkdir -p "$dir"
	timeout -k 20 $((tmo + BOOT_ALLOWANCE)) \
		vng --run "$kernel" "${VM_ARGS[@]}" --verbose \
		--rwdir="$dir=$dir" \
		--exec "env NP_SLOW=$slow NP_ICOUNT=$icount NP_ACCEL=$guest_accel NP_KBUILD=$kbuild $here/guest.sh $name $dir $bin $tmo $how ${leaksyms:+kmemleak}" \
		</dev/null >"$dir/console" 2>&1
	echo $? >"$dir/vng-rc"
}

# trace_bench_start DIR: gdb, beside the guest about to boot, waits for
# it to say what to trace and steps through it (bench/path-trace.py).
# QEMU opens its gdb stub on a socket in a directory of the host's own,
# which also keeps gdb's log (run_one empties DIR); both go at exit.
trace_bench_start() {
	if ! command -v gdb >/dev/null || ! command -v addr2line >/dev/null
	then
		echo "run.sh: tracing needs gdb and addr2line (make deps)" >&2
		return 1
	fi
	if [ ! -f "$kbuild/vmlinux" ]; then
		echo "run.sh: no vmlinux beside $kernel to name what" \
			"is traced" >&2
		return 1
	fi
	trace_tmp=$(mktemp -d)
	tcg_opts="$tcg_opts -gdb unix:$trace_tmp/gdb,server=on,wait=off"
	NP_TRACE_SOCK=$trace_tmp/gdb NP_TRACE_DIR=$1 NP_SLOW=$slow \
		timeout -k 10 $((900 * slow)) gdb -batch -nx \
		-x "$here/bench/path-trace.py" >"$trace_tmp/log" 2>&1 &
	trace_pid=$!
	# timeout runs in a process group of its own: a signal to run.sh
	# does not reach it.
	trap 'kill "$trace_pid" 2>/dev/null; rm -rf "$trace_tmp"' EXIT
}

# trace_bench_end DIR: the tracer's verdict, then the table it leads to.
# Returns the tracer's exit status if it failed (3: a fault waited for
# the stopped vCPU), 1 if the table could not be made.
trace_bench_end() {
	local rc=0
	wait "$trace_pid" || rc=$?
	cp "$trace_tmp/log" "$1/trace.log"
	if [ $rc != 0 ]; then
		echo "bench: the tracer failed (exit $rc):" \
			"$(tail -n 1 "$1/trace.log")" >&2
		return $rc
	fi
	"$here/bench/path-report.py" "$1" "$kbuild/vmlinux"
}

# profile_bench_start DIR: QEMU counts the guest's instructions by block
# (bench/tbprof.c, built here) and writes them out at each entry of
# sysfs(2) in the guest (KASLR off: System.map gives the address).
profile_bench_start() {
	local mark
	if [ $icount != 1 ]; then
		echo "run.sh: the profile benchmark runs under --icount only:" \
			"its interrupts must come by instruction count" >&2
		return 1
	fi
	mark=$(awk '$3 == "__x64_sys_sysfs" { print $1; exit }' \
		"$kbuild/System.map" 2>/dev/null)
	if [ -z "$mark" ]; then
		echo "run.sh: no __x64_sys_sysfs in $kbuild/System.map" >&2
		return 1
	fi
	trace_tmp=$(mktemp -d)
	trap 'rm -rf "$trace_tmp"' EXIT
	if ! gcc -shared -fPIC -O2 -fvisibility=hidden -Wall -Werror \
		-o "$trace_tmp/tbprof.so" "$here/bench/tbprof.c"; then
		echo "run.sh: cannot build the profiling plugin" >&2
		return 1
	fi
	tcg_opts="$tcg_opts -plugin $trace_tmp/tbprof.so"
	tcg_opts="$tcg_opts,out=$trace_tmp/counts,mark=$mark"
}

# profile_bench_end DIR: the table of what the profile found.
profile_bench_end() {
	gzip -c "$trace_tmp/counts" >"$1/counts.gz" &&
	"$here/bench/profile-report.py" "$1" "$trace_tmp/counts" \
		"$kbuild/System.map"
}

# A benchmark (tests/vm/bench/NAME.sh) prints its table; no TAP.  Its
# header gives timeout:, nodes:, device: and cmdline: as a test's does,
# and with "trace: gdb" the host single-steps the guest
# (trace_bench_start); with "trace: profile" QEMU counts its
# instructions (profile_bench_start).
if [ -n "$bench" ]; then
	if [ ! -f "$here/bench/$bench.sh" ]; then
		echo "run.sh: no benchmark '$bench'" >&2
		exit 2
	fi
	tmo=$(sed -n 's/^# timeout: //p' "$here/bench/$bench.sh")
	device=$(sed -n 's/^# device: //p' "$here/bench/$bench.sh")
	nodes=$(sed -n 's/^# nodes: //p' "$here/bench/$bench.sh")
	trace=$(sed -n 's/^# trace: //p' "$here/bench/$bench.sh")
	cmdline=$(sed -n 's/^# cmdline: //p' "$here/bench/$bench.sh")
	dir=$out/bench-$bench
	tcg_base=$tcg_opts
	# A traced benchmark boots a second time if the tracer found a
	# fault waiting for the vCPU that stepping kept stopped.
	rm -rf "$dir.try1"
	for attempt in 1 2; do
		rm -rf "$dir"
		mkdir -p "$dir"
		tcg_opts=$tcg_base
		# The host single-steps the guest through QEMU's gdb stub,
		# or QEMU counts its instructions.
		case $trace in
		gdb) trace_bench_start "$dir" || exit 1 ;;
		profile) profile_bench_start "$dir" || exit 1 ;;
		'') ;;
		*) echo "run.sh: $bench: unknown trace: $trace" >&2; exit 2 ;;
		esac
		echo "Benchmark $bench: booting a VM (TCG)," \
			"then measuring..." >&2
		run_one "bench/$bench" "${tmo:-900}" "$dir" 2 "${nodes:-1}" \
			"$device"
		rc=0
		[ "$(cat "$dir/rc" 2>/dev/null)" = 0 ] || rc=1
		bad=$(grep -hE "$BAD_LOG" "$dir/dmesg" 2>/dev/null |
			grep -vE "$EXPECTED_LOG" | head -n 1)
		traced=0
		[ "$trace" = gdb ] &&
			{ trace_bench_end "$dir" >"$dir/report" || traced=$?; }
		# Only when the guest's own run was clean: a fault that never
		# returns because the kernel broke is a failure, not a wait.
		if [ $traced = 3 ] && [ $attempt = 1 ] && [ $rc = 0 ] &&
			[ -z "$bad" ]; then
			echo "bench: a traced fault waited for the vCPU that" \
				"stepping kept stopped (see $dir.try1);" \
				"booting the guest again" >&2
			rm -rf "$trace_tmp"
			mv "$dir" "$dir.try1"
			retried="# booted twice: the first boot's tracer gave up"
			retried="$retried on a fault (see $dir.try1/trace.log)"
			continue
		fi
		break
	done
	[ -n "${retried:-}" ] && echo "$retried"
	cat "$dir/output" 2>/dev/null
	if [ -n "$bad" ]; then
		echo "bench: kernel log: $bad" >&2
		rc=1
	fi
	case $trace in
	gdb) cat "$dir/report"; [ $traced = 0 ] || rc=1 ;;
	profile) profile_bench_end "$dir" || rc=1 ;;
	esac
	exit $rc
fi

# demo_part NAME TIMEOUT DIR DEVICE WHAT: one part of the demo, in a VM
# of its own; prints what it showed, and fails if it failed.
demo_part() {
	run_one "$1" "$2" "$3" 2 1 "$4"
	if [ ! -f "$3/output" ]; then
		echo "demo: the VM did not run $5, see $3/console" >&2
		return 1
	fi
	cat "$3/output"
	[ "$(cat "$3/rc" 2>/dev/null)" = 0 ]
}

if [ $demo = 1 ]; then
	rc=0
	echo "Part 1: booting a VM with a CRAM node (about a minute)..."
	demo_part demo 900 "$out" cram "the demo" || rc=1
	echo
	echo "Part 2: booting a VM with a PMEM node made private by daxctl..."
	demo_part demo-dax 600 "$out/dax" dax "the dax demo" || rc=1
	exit $rc
fi

n=0 failed=0
total=$(echo $tests | wc -w)
echo "TAP version 13"
echo "1..$total"
for t in $tests; do
	n=$((n + 1))
	file=$here/$suite/${t%@*}.sh
	tmo=$(sed -n 's/^# timeout: //p' "$file")
	tmo=${tmo:-300}
	cpus=$(sed -n 's/^# cpus: //p' "$file")
	nodes=$(sed -n 's/^# nodes: //p' "$file")
	device=$(sed -n 's/^# device: //p' "$file")
	cmdline=$(sed -n 's/^# cmdline: //p' "$file")
	# NAME@KIND: the test again, on a node of that kind.
	if [ "${t#*@}" != "$t" ]; then
		device=${t#*@}
		nodes=1
	fi
	# vng takes no '@' in a shared directory's path.
	dir=$out/${t/@/_}
	echo "# [$n/$total] $t: booting (timeout $((tmo * slow))s)" >&2
	start=$(date +%s)
	name=${t%@*}
	[ "$suite" = t ] || name=$suite/$name
	run_one "$name" "$tmo" "$dir" "${cpus:-2}" "${nodes:-1}" "$device"
	secs=$(($(date +%s) - start))
	reason=
	if [ ! -f "$dir/rc" ]; then
		reason="the VM did not finish (vng exit $(cat "$dir/vng-rc")), see $dir/console"
	elif [ "$(cat "$dir/rc")" = 124 ]; then
		reason="timed out after $((tmo * slow))s"
	elif [ "$(cat "$dir/rc")" = 3 ]; then
		reason="could not claim the private node: $(tail -n 1 "$dir/setup")"
	elif [ "$(cat "$dir/rc")" != 0 ]; then
		reason="exit status $(cat "$dir/rc")"
	fi
	bad=$(grep -hE "$BAD_LOG" "$dir/dmesg" "$dir/console" 2>/dev/null |
		grep -vE "$EXPECTED_LOG" | head -n 3)
	if [ -n "$bad" ]; then
		reason="${reason:+$reason; }kernel log: $(echo "$bad" | head -n 1)"
	fi
	leaks=
	if [ -n "$leaksyms" ]; then
		if [ ! -f "$dir/kmemleak" ]; then
			reason="${reason:+$reason; }no kmemleak report was taken"
		elif ! leaks=$("$here/kmemleak.py" "$dir/kmemleak" "$leaksyms"); then
			reason="${reason:+$reason; }kmemleak: $(echo "$leaks" | head -n 1) (leaks in the series' code)"
		fi
	fi
	# The test's own TAP lines, indented as subtests.
	[ -f "$dir/output" ] && sed 's/^/    /' "$dir/output"
	if [ -n "$leaks" ]; then
		echo "    # kmemleak: $(echo "$leaks" | head -n 1) (see $dir/kmemleak)"
	fi
	if [ -z "$reason" ]; then
		echo "ok $n - $t (${secs}s)"
	else
		echo "not ok $n - $t (${secs}s): $reason"
		[ -n "$bad" ] && echo "$bad" | sed 's/^/    # /'
		failed=$((failed + 1))
	fi
done
[ $n = 0 ] && exit 4
[ $failed = 0 ]
