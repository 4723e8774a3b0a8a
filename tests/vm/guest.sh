#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# guest.sh TEST OUTDIR BINDIR TIMEOUT [claim|cram|cramall|noclaim] [kmemleak]
#
# Runs inside the VM (PID 1's child, as root).  Turns the memory-only NUMA
# nodes into private nodes with the test driver (with "cram", the first
# one with the CRAM emulator, cram_emu; with "cramall", every one), runs
# one test script from tests/vm/t/ (or the demo), and leaves in OUTDIR:
#   output  what the test printed     rc     its exit status
#   dmesg   the whole kernel log      setup  the node claim log
#   kmemleak (with "kmemleak") the leak reports kmemleak made after the
#           test, from objects allocated since the guest booted
set -u
test=$1 out=$2 bin=$3 tmo=$4 claim=${5:-claim} leaks=${6:-}
here=$(dirname "$(readlink -f "$0")")

mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
export NP_BIN=$bin NP_OUT=$out NP_TESTS=$here NP_SLOW=${NP_SLOW:-1}

KMEMLEAK=/sys/kernel/debug/kmemleak
if [ -n "$leaks" ]; then
	# Forget what boot left behind: only what follows counts.
	echo scan >"$KMEMLEAK" 2>/dev/null && echo clear >"$KMEMLEAK"
fi

finish() {
	if [ -n "$leaks" ] && [ -w "$KMEMLEAK" ]; then
		# Objects younger than 5 s are never reported: let them age.
		sleep 6
		echo scan >"$KMEMLEAK"
		cat "$KMEMLEAK" >"$out/kmemleak" 2>&1
	fi
	dmesg >"$out/dmesg" 2>&1
	echo "$1" >"$out/rc"
	sync
	exit 0
}

# The nodes QEMU made memory-only are reserved by memmap= on the command
# line; find them in the SRAT and claim each whole.  NP_NODE is the first,
# NP_NODES lists them all.
claim() {
	local nid start end size nodes= first=
	while read -r nid start end; do
		size=$(printf '0x%x' $((end - start + 1)))
		if [ "$claim" = cramall ] ||
			{ [ "$claim" = cram ] && [ -z "$first" ]; }; then
			echo "claiming node $nid [$start-$end] as CRAM (cram_emu)"
			echo "$nid $start $size" >/sys/kernel/cram_emu/add ||
				return 1
		else
			echo "claiming node $nid [$start-$end] as private memory"
			echo "$nid $start $size" \
				>/sys/kernel/debug/private_node_test/add ||
				return 1
		fi
		grep -qw "$nid" /sys/devices/system/node/has_private_memory || {
			echo "node $nid is not in has_private_memory" >&2
			return 1
		}
		[ -z "$first" ] && first="NP_NODE=$nid NP_START=$start NP_SIZE=$size"
		nodes="$nodes${nodes:+ }$nid"
	done < <(dmesg | grep -E 'ACPI: SRAT: Node [0-9]+ PXM [0-9]+ \[mem' |
		sed -n 's/.*Node \([0-9]*\) PXM.*\[mem \(0x[0-9a-f]*\)-\(0x[0-9a-f]*\)\].*/\1 \2 \3/p' |
		while read -r nid start end; do
			[ -d "/sys/devices/system/node/node$nid" ] ||
				echo "$nid $start $end"
		done)
	if [ -z "$first" ]; then
		echo "no memory-only node left offline by memmap= in SRAT" >&2
		return 1
	fi
	echo "$first NP_NODES='$nodes'" >"$out/node.env"
}

if [ "$claim" = noclaim ]; then
	echo "NP_NODE= NP_START= NP_SIZE= NP_NODES=" >"$out/node.env"
elif ! claim >"$out/setup" 2>&1; then
	cat "$out/setup"
	finish 3
fi
# shellcheck disable=SC1091
. "$out/node.env"
export NP_NODE NP_START NP_SIZE NP_NODES

if [ "$test" = demo ]; then
	script=$here/demo.sh
elif [ "${test#*/}" != "$test" ]; then
	# bench/NAME, peer/NAME: another directory of tests/vm
	script=$here/$test.sh
else
	script=$here/t/$test.sh
fi
timeout -k 10 "$tmo" bash "$script" >"$out/output" 2>&1
rc=$?
[ "$test" = demo ] && cat "$out/output"
finish $rc
