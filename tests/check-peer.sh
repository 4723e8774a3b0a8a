#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-peer.sh --out DIR [--suites LIST]
#
# make check-peer once the patched kernel and the test programs are built:
# suites we did not write, run in the same VMs on the patched kernel and on
# the unpatched Debian kernel (built from the same configuration by
# scripts/baseline.sh), compared test by test.
#   - tools/testing/selftests/mm through run_vmtests.sh, per category:
#     unpatched without a private node; patched without one ("plain"),
#     with one ("private"), and bound to it with numactl ("bound");
#   - the struct_ops tests of the BPF selftests (test_progs), unpatched,
#     patched, and patched with a node_private_ops policy attached;
#   - numactl's own regression tests and tools, and trinity (see their
#     tests/vm/peer/ scripts), when they are built.
# Every result that differs from the unpatched kernel must be explained in
# tests/peer/expected-differences.txt.  Writes DIR/peer/report.md; ends
# with "N passed, N failed".
# --suites LIST runs some of mm, bpf, numactl, trinity (comma-separated;
# all by default): the numactl suite alone takes about 20 minutes a kernel.
set -u
here=$(dirname "$(readlink -f "$0")")
top=$(dirname "$here")
out= suites=mm,bpf,numactl,trinity
while [ $# -gt 0 ]; do
	case "$1" in
	--out) out=$(readlink -f "$2"); shift ;;
	--suites) suites=$2; shift ;;
	-h|--help) sed -n 's/^# \?//p' "$0" | sed -n '3,21p'; exit 0 ;;
	*) echo "check-peer.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
	shift
done
[ -n "$out" ] || { echo "usage: check-peer.sh --out DIR [--suites LIST]" >&2; exit 2; }
for s in ${suites//,/ }; do
	case "$s" in
	mm|bpf|numactl|trinity) ;;
	*) echo "check-peer.sh: unknown suite '$s' (mm, bpf, numactl, trinity)" >&2
	   exit 2 ;;
	esac
done
# want SUITE: whether SUITE is to run.
want() { [[ ",$suites," == *",$1,"* ]]; }
cd "$top" || exit 2
peer=$out/peer
mkdir -p "$peer"
passed=0 failed=0
start=$(date +%s)

result() {
	if [ "$1" = 0 ]; then
		echo "ok - $2"
		passed=$((passed + 1))
	else
		echo "not ok - $2"
		failed=$((failed + 1))
	fi
}

step() { echo "== $* ($((($(date +%s) - start) / 60)) min)"; }

if want mm; then
	step "building the mm selftests (tools/testing/selftests/mm)"
	# 6.12's khugepaged.c uses KSFT_SKIP without including kselftest.h.
	make -s -C "$out/linux/tools/testing/selftests/mm" OUTPUT="$peer/mm" \
		KHDR_INCLUDES="-isystem $out/kbuild/usr/include" \
		EXTRA_CFLAGS=-DKSFT_SKIP=4 >"$peer/mm-build.log" 2>&1 &&
		# The scripts (run_vmtests.sh and those it calls) are not built.
		cp "$out/linux/tools/testing/selftests/mm/"*.sh "$peer/mm/"
	result $? "the mm selftests build (log: $peer/mm-build.log)"
fi

if want bpf; then
	step "building the BPF struct_ops selftests (test_progs subset)"
	make -s -f tests/peer/bpf-selftests.mk KSRC="$out/linux" \
		KOUT="$out/kbuild" LIBBPF_OUT="$out/libbpf" \
		BPFTOOL="$out/bpftool/bpftool" OUT="$out/peer-bpf" \
		-j"$(nproc)" >"$peer/bpf-build.log" 2>&1
	result $? "test_progs builds (log: $peer/bpf-build.log)"
fi

if want numactl; then
	step "building numactl's test suite (scripts/peer-numactl.sh)"
	scripts/peer-numactl.sh "$peer/numactl" >"$peer/numactl-build.log" 2>&1
	result $? "numactl's test suite builds (log: $peer/numactl-build.log)"
fi

step "building the unpatched kernel (scripts/baseline.sh)"
scripts/baseline.sh "$out" --build-only >"$peer/kbase-build.log" 2>&1
result $? "the unpatched kernel builds (log: $peer/kbase-build.log)"
unpatched=$out/kbase/arch/x86/boot/bzImage
patched=$out/kbuild/arch/x86/boot/bzImage

# run CONFIG KERNEL TESTS [run.sh options]: the peer tests of the chosen
# suites among TESTS, in a guest each; their results in CONFIG.txt.
run() {
	local config=$1 kernel=$2 t tests=
	shift 2
	for t in ${1//,/ }; do
		want "${t%%-*}" && tests="$tests${tests:+,}$t"
	done
	shift
	: >"$peer/$config.txt"
	[ -n "$tests" ] || return 0
	step "peer tests $tests: $config kernel"
	tests/vm/run.sh --kernel "$kernel" --bin "$out/tests" --suite peer \
		--out "$peer/$config" --only "$tests" "$@" >"$peer/$config.tap"
	sed 's/^/    /' "$peer/$config.tap" | grep -E '^    (not )?ok [0-9]|# mm|# test_progs'
	grep -qE '^not ok [0-9]' "$peer/$config.tap"
	result $((! $?)) "peer tests $tests ran on the $config kernel"
	# Only this run's: an older run may have left other tests' results.
	for t in ${tests//,/ }; do
		cat "$peer/$config/$t/results.txt" >>"$peer/$config.txt" 2>/dev/null
	done
}
run unpatched "$unpatched" mm-plain,bpf-plain,numactl --no-private
run plain "$patched" mm-plain,bpf-plain,numactl --no-private
run private "$patched" mm-private,bpf-private,numactl
run bound "$patched" mm-bound
run trinity "$patched" trinity

step "comparing with the unpatched kernel"
tests/peer/compare.py --expected tests/peer/expected-differences.txt \
	--markdown "$peer/report.md" "$peer/unpatched.txt" \
	plain="$peer/plain.txt" private="$peer/private.txt" \
	bound="$peer/bound.txt"
result $? "every difference from the unpatched kernel is explained ($peer/report.md)"

echo "# check-peer took $((($(date +%s) - start) / 60)) minutes"
echo "$passed passed, $failed failed"
[ $failed = 0 ]
