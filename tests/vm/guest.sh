#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# guest.sh TEST OUTDIR BINDIR TIMEOUT [claim|cram|cramall|dax|noclaim] [kmemleak]
#
# Runs inside the VM (PID 1's child, as root).  Turns the memory-only NUMA
# nodes into private nodes with the test driver (with "cram", the first
# one with the CRAM emulator, cram_emu; with "cramall", every one; with
# "dax", the one node through ndctl, daxctl and dax/kmem), runs
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

# "dax": the memory-only node's range is a legacy PMEM region (memmap=!,
# X86_PMEM_LEGACY).  Debian's ndctl makes it a devdax namespace and
# daxctl hands that to dax/kmem, which adds it as a private node because
# the device's private_node attribute says so: what an operator does with
# a PMEM DIMM or a CXL expander.  NP_DAX names the dax device.  "dax2":
# two regions on the node (NP_DAXES lists their dax devices), only the
# first one added.
claim_dax() {
	local dev nid range start end kmods=/lib/modules/$(uname -r)
	# daxctl asks libkmod for dax/kmem, which is built in: give libkmod
	# the kernel's list of built-in modules (/lib is a scratch overlay).
	if [ ! -e "$kmods/modules.builtin.bin" ]; then
		[ -f "${NP_KBUILD:-}/modules.builtin" ] || {
			echo "no modules.builtin of this kernel (NP_KBUILD)" >&2
			return 1
		}
		mkdir -p "$kmods" &&
			cp "$NP_KBUILD/modules.builtin" \
				"$NP_KBUILD/modules.builtin.modinfo" "$kmods/" &&
			: >"$kmods/modules.order" &&
			depmod "$(uname -r)" || return 1
	fi
	[ -d /sys/bus/nd/devices/region0 ] || {
		echo "no legacy PMEM region (memmap=SIZE!START)" >&2
		return 1
	}
	# Each region's namespace becomes devdax; the first device is used.
	for ns in $(ndctl list -N | python3 -c 'import json, sys
d = json.load(sys.stdin)
print(" ".join(n["dev"] for n in (d if isinstance(d, list) else [d])))'); do
		echo "+ ndctl create-namespace --force --reconfig=$ns --mode=devdax"
		ndctl create-namespace --force --reconfig="$ns" \
			--mode=devdax || return 1
	done
	NP_DAXES=$(daxctl list | python3 -c 'import json, sys
print(" ".join(sorted(d["chardev"] for d in json.load(sys.stdin))))') ||
		return 1
	dev=${NP_DAXES%% *}
	echo "+ echo 1 > /sys/bus/dax/devices/$dev/private_node"
	echo 1 >"/sys/bus/dax/devices/$dev/private_node" || return 1
	echo "+ daxctl reconfigure-device --mode=system-ram $dev"
	daxctl reconfigure-device --mode=system-ram "$dev" || return 1
	nid=$(cat "/sys/bus/dax/devices/$dev/target_node")
	grep -qw "$nid" /sys/devices/system/node/has_private_memory || {
		echo "node $nid of $dev is not in has_private_memory" >&2
		return 1
	}
	range=$(grep 'System RAM (kmem)' /proc/iomem | head -n 1 |
		sed 's/^ *\([0-9a-f]*\)-\([0-9a-f]*\) .*/\1 \2/')
	read -r start end <<<"$range"
	echo "$dev: node $nid, System RAM (kmem) [0x$start-0x$end]"
	echo "NP_NODE=$nid NP_START=0x$start" \
		"NP_SIZE=$(printf '0x%x' $((0x$end - 0x$start + 1)))" \
		"NP_NODES='$nid' NP_DAX=$dev NP_DAXES='$NP_DAXES'" \
		>"$out/node.env"
}

if [ "$claim" = noclaim ]; then
	echo "NP_NODE= NP_START= NP_SIZE= NP_NODES=" >"$out/node.env"
elif [ "$claim" = dax ] || [ "$claim" = dax2 ]; then
	if ! claim_dax >"$out/setup" 2>&1; then
		cat "$out/setup"
		finish 3
	fi
elif ! claim >"$out/setup" 2>&1; then
	cat "$out/setup"
	finish 3
fi
# shellcheck disable=SC1091
. "$out/node.env"
NP_KIND=$claim
case "$claim" in claim) NP_KIND=test ;; cramall) NP_KIND=cram ;; esac
export NP_NODE NP_START NP_SIZE NP_NODES NP_KIND NP_DAX=${NP_DAX:-} \
	NP_DAXES=${NP_DAXES:-}

if [ "$test" = demo ] || [ "$test" = demo-dax ]; then
	script=$here/$test.sh
elif [ "${test#*/}" != "$test" ]; then
	# bench/NAME, peer/NAME: another directory of tests/vm
	script=$here/$test.sh
else
	script=$here/t/$test.sh
fi
timeout -k 10 "$tmo" bash "$script" >"$out/output" 2>&1
rc=$?
case "$test" in demo*) cat "$out/output" ;; esac
finish $rc
