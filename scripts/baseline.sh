#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# baseline.sh OUT [--build-only]
#
# Builds the unpatched kernel (np-base of OUT/linux, with the
# configuration of OUT/kbuild minus what the series adds) in OUT/kbase and
# runs the kernel selftests VM test on it, without a private node, so that
# their results can be compared with the patched kernel's.  A full kernel
# build: 25-35 minutes on 2 cores when ccache has nothing.  With
# --build-only it stops after the build (make check-peer runs its own
# suites on it).
set -euo pipefail
out=$(readlink -f "$1")
build_only=${2:-}
top=$(dirname "$(readlink -f "$0")")/..
base=$out/linux-base
kout=$out/kbase

if [ ! -e "$base/.git" ]; then
	git -C "$out/linux" worktree prune
	git -C "$out/linux" worktree add -q --detach "$base" np-base
fi
mkdir -p "$kout"
cp "$out/kbuild/.config" "$kout/.config"
echo "  CONFIG   unpatched kernel (olddefconfig drops the series' options)"
make -s -C "$base" O="$kout" CC="ccache gcc" olddefconfig
echo "  KERNEL   unpatched bzImage (a cold build takes 25-35 minutes)"
make -s -C "$base" O="$kout" CC="ccache gcc" \
	KBUILD_BUILD_TIMESTAMP=2000-01-01 KBUILD_BUILD_USER=np \
	KBUILD_BUILD_HOST=np -j"$(nproc)" bzImage
[ "$build_only" = --build-only ] && exit 0
exec "$top/tests/vm/run.sh" --kernel "$kout/arch/x86/boot/bzImage" \
	--bin "$out/tests" --out "$out/baseline" --only selftests --no-private
