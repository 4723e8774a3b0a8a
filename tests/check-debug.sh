#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-debug.sh --out DIR --kernel BZIMAGE --bin DIR [--only NAME[,NAME]]
#
# make check-debug once the builds are done: every VM test, the fault
# injection tests of tests/vm/debug, then the demo, on the debug kernel
# (kernel-patch/config-debug: lockdep, KASAN, KFENCE, UBSAN, kmemleak,
# debug objects, list debugging), with timeouts scaled for it
# (NP_DEBUG_SLOW, 5 by default).  A test fails as under make check, and
# also on a kmemleak report that involves the series' code.  Ends with
# "N passed, N failed".
set -u
here=$(dirname "$(readlink -f "$0")")
top=$(dirname "$here")
out= kernel= bin= only=
while [ $# -gt 0 ]; do
	case "$1" in
	--out) out=$2; shift ;;
	--kernel) kernel=$2; shift ;;
	--bin) bin=$2; shift ;;
	--only) only=$2; shift ;;
	-h|--help) sed -n 's/^# \?//p' "$0" | sed -n '3,12p'; exit 0 ;;
	*) echo "check-debug.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
	shift
done
[ -n "$out" ] && [ -n "$kernel" ] && [ -n "$bin" ] || {
	echo "usage: check-debug.sh --out DIR --kernel BZIMAGE --bin DIR [--only NAMES]" >&2
	exit 2
}
cd "$top" || exit 2
slow=${NP_DEBUG_SLOW:-5}
syms=$out/series-symbols.txt
passed=0 failed=0
start=$(date +%s)

if ! scripts/series-symbols.py kernel-patch "$out/linux" >"$syms"; then
	echo "not ok - the series' functions could not be listed"
	exit 1
fi
echo "== VM tests on the debug kernel (timeouts x$slow, kmemleak)"
echo "# $(wc -l <"$syms") functions of the series decide which leak reports fail a test"
tests/vm/run.sh --kernel "$kernel" --bin "$bin" --out "$out/vmtest-debug" \
	--slow "$slow" --kmemleak "$syms" ${only:+--only "$only"} \
	>"$out/vmtest-debug.tap"
st=$?
cat "$out/vmtest-debug.tap"
ran=$(grep -cE '^(not )?ok [0-9]+ ' "$out/vmtest-debug.tap")
passed=$((passed + $(grep -cE '^ok [0-9]+ ' "$out/vmtest-debug.tap")))
failed=$((failed + $(grep -cE '^not ok [0-9]+ ' "$out/vmtest-debug.tap")))
if [ $st != 0 ] && [ "$ran" = 0 ]; then
	echo "not ok - the VM tests did not run (run.sh exit $st)"
	failed=$((failed + 1))
fi

if [ -z "$only" ]; then
	echo "== fault injection on the debug kernel (tests/vm/debug)"
	tests/vm/run.sh --kernel "$kernel" --bin "$bin" \
		--out "$out/vmtest-debug-faults" --suite debug --slow "$slow" \
		--kmemleak "$syms" >"$out/vmtest-debug-faults.tap"
	cat "$out/vmtest-debug-faults.tap"
	passed=$((passed + $(grep -cE '^ok [0-9]+ ' "$out/vmtest-debug-faults.tap")))
	f=$(grep -cE '^not ok [0-9]+ ' "$out/vmtest-debug-faults.tap")
	[ "$(grep -cE '^(not )?ok [0-9]+ ' "$out/vmtest-debug-faults.tap")" = 0 ] && f=1
	failed=$((failed + f))

	echo "== the demo on the debug kernel"
	if tests/vm/run.sh --kernel "$kernel" --bin "$bin" \
		--out "$out/demo-debug" --demo --slow "$slow" \
		>"$out/demo-debug.log" 2>&1; then
		bad=$(grep -hE 'WARNING:|BUG:|KASAN|UBSAN|possible circular|suspicious RCU|inconsistent lock' \
			"$out/demo-debug/dmesg" 2>/dev/null | head -n 1)
		if [ -z "$bad" ]; then
			echo "ok - demo"
			passed=$((passed + 1))
		else
			echo "not ok - demo: kernel log: $bad"
			failed=$((failed + 1))
		fi
	else
		echo "not ok - demo (see $out/demo-debug.log)"
		tail -n 5 "$out/demo-debug.log" | sed 's/^/    # /'
		failed=$((failed + 1))
	fi
fi

echo "# check-debug took $((($(date +%s) - start) / 60)) minutes"
echo "$passed passed, $failed failed"
[ $failed = 0 ]
