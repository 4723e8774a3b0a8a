#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-series-builds.sh OUT
#
# Bisectability check for kernel-patch/: after each patch of the series,
# build every object the series touches, with the configuration of
# OUT/kbuild.  A full build per patch would take hours on 2 cores; the
# headers the series changes only gain declarations, so what can break
# between patches is the code that uses them, which is what this builds.
# Uses OUT/linux-am (the scratch worktree of kernel-src.sh) and
# OUT/kbisect; leaves OUT/linux alone.
set -euo pipefail
out=$(readlink -f "$1")
am=$out/linux-am
kout=$out/kbisect
mkdir -p "$kout"

commits=$(git -C "$am" rev-list --reverse np-base..HEAD)
objs=$(git -C "$am" diff --name-only np-base HEAD -- '*.c' |
	grep -v '^tools/' | sed 's/\.c$/.o/')
head=$(git -C "$am" rev-parse HEAD)
n=0 failed=0
for c in $commits; do
	n=$((n + 1))
	git -C "$am" checkout -q --detach "$c"
	subject=$(git -C "$am" log -1 --format=%s "$c")
	# Objects whose source does not exist yet at this patch, or that the
	# configuration does not build (no object in the full build), are
	# skipped.
	these=$(for o in $objs; do
		if [ -f "$am/${o%.o}.c" ] && [ -f "$out/kbuild/$o" ]; then
			echo "$o"
		fi; done)
	cp "$out/kbuild/.config" "$kout/.config"
	if make -s -C "$am" O="$kout" CC="ccache gcc" olddefconfig \
		>/dev/null 2>&1 &&
	   make -s -C "$am" O="$kout" CC="ccache gcc" \
		KBUILD_BUILD_TIMESTAMP=2000-01-01 -j"$(nproc)" $these \
		>"$kout/build-$n.log" 2>&1; then
		echo "ok $n - builds: $subject"
	else
		echo "not ok $n - builds: $subject"
		sed 's/^/    # /' "$kout/build-$n.log" | tail -n 20
		failed=$((failed + 1))
	fi
done
git -C "$am" checkout -q --detach "$head"
[ $failed = 0 ]
