#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh --out DIR --kernel BZIMAGE --bin DIR
#
# Everything `make check` proves once the builds are done: host checks of
# the series and the generated files, then the VM tests.  Ends with the
# line "N passed, N failed" and exits non-zero if anything failed.
set -u
here=$(dirname "$(readlink -f "$0")")
top=$(dirname "$here")
out= kernel= bin=
while [ $# -gt 0 ]; do
	case "$1" in
	--out) out=$2; shift ;;
	--kernel) kernel=$2; shift ;;
	--bin) bin=$2; shift ;;
	*) echo "check.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
	shift
done
[ -n "$out" ] && [ -n "$kernel" ] && [ -n "$bin" ] || {
	echo "usage: check.sh --out DIR --kernel BZIMAGE --bin DIR" >&2
	exit 2
}
cd "$top" || exit 2
passed=0 failed=0
log=$out/check.log
: >"$log"

result() {
	if [ "$1" = 0 ]; then
		echo "ok - $2"
		passed=$((passed + 1))
	else
		echo "not ok - $2"
		failed=$((failed + 1))
	fi
}

echo "== host checks"
scripts/base.sh report | sed 's/^ */# /'
scripts/check-config.sh "$out/kbuild/.config" kernel-patch/config >>"$log" 2>&1
result $? "the kernel .config holds every option of kernel-patch/config"

# vmlinux.h: the series' own types and kfuncs exactly, drift elsewhere as
# a notice; then the checker's own tests.
tap_lines() {
	while IFS= read -r line; do
		case "$line" in
		"ok "*) result 0 "${line#ok [0-9]* - }" ;;
		"not ok "*) result 1 "${line#not ok [0-9]* - }" ;;
		"    # "*) echo "$line" ;;
		esac
	done
}
tap_lines < <(tests/host/vmlinux-h.sh "$out" 2>&1 | tee -a "$log")
tap_lines < <(tests/host/base.sh 2>&1 | tee -a "$log")
tap_lines < <(tests/host/bench-report.sh 2>&1 | tee -a "$log")
tap_lines < <(tests/host/path-report.sh 2>&1 | tee -a "$log")
tap_lines < <(tests/host/profile-report.sh 2>&1 | tee -a "$log")
# npctl on the host (no private node here): its JSON and its errors.
for t in tests/host/npctl-*.sh tests/host/npd-*.sh; do
	tap_lines < <("$t" "$out" 2>&1 | tee -a "$log")
done

# checkpatch, one result per patch.
while read -r line; do
	case "$line" in
	"ok "*) result 0 "${line#ok [0-9]* - }" ;;
	"not ok "*) result 1 "${line#not ok [0-9]* - }" ;;
	"#"*) echo "    $line" ;;
	esac
done < <(scripts/checkpatch.sh "$out/linux" kernel-patch)

# npd's host unit tests, one result per program.
for t in "$out"/tests/unit/test_*; do
	[ -x "$t" ] || continue
	"$t" >>"$log" 2>&1
	result $? "unit: $(basename "$t")"
done
[ -x "$out/tests/unit/test_config" ] || result 1 "unit: the host unit tests were built"
# The same, built with AddressSanitizer and UBSan.
for t in "$out"/tests/unit-san/test_*; do
	[ -x "$t" ] || continue
	"$t" >>"$log" 2>&1
	result $? "unit (ASan, UBSan): $(basename "$t")"
done
[ -x "$out/tests/unit-san/test_config" ] ||
	result 1 "unit: the host unit tests were built with ASan and UBSan"

echo "== VM tests (virtme-ng)"
tests/vm/run.sh --kernel "$kernel" --bin "$bin" --out "$out/vmtest" \
	>"$out/vmtest.tap"
st=$?
cat "$out/vmtest.tap"
ran=$(grep -cE '^(not )?ok [0-9]+ ' "$out/vmtest.tap")
passed=$((passed + $(grep -cE '^ok [0-9]+ ' "$out/vmtest.tap")))
failed=$((failed + $(grep -cE '^not ok [0-9]+ ' "$out/vmtest.tap")))
if [ $st != 0 ] && [ "$ran" = 0 ]; then
	echo "not ok - the VM tests did not run (run.sh exit $st)"
	failed=$((failed + 1))
fi

echo "$passed passed, $failed failed"
[ $failed = 0 ]
