#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kernel-src.sh OUT SERIES_DIR
#
# Keep OUT/linux, the kernel tree we build, at "Debian linux-source-6.12 +
# kernel-patch/series" using git am.  The patches are applied in a scratch
# worktree (OUT/linux-am); the build tree is then moved to the result with
# a plain checkout, which rewrites only the files whose content changed.
# Editing one patch therefore rebuilds only what that patch touches.
set -euo pipefail

mkdir -p "$1"
out=$(readlink -f "$1")
pdir=$2
tarball=${KERNEL_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
src=$out/linux
am=$out/linux-am
export GIT_AUTHOR_NAME=np-build GIT_AUTHOR_EMAIL=np-build@localhost
export GIT_COMMITTER_NAME=np-build GIT_COMMITTER_EMAIL=np-build@localhost
export GIT_AUTHOR_DATE="2000-01-01T00:00:00Z"
export GIT_COMMITTER_DATE="2000-01-01T00:00:00Z"

if [ ! -f "$tarball" ]; then
	echo "kernel-src: $tarball not found (run 'make deps')" >&2
	exit 1
fi

# The base tree is keyed by what identifies the tarball (the package
# version): when Debian replaces the package, the tree is imported again.
here=$(dirname "$(readlink -f "$0")")
id=$(KERNEL_TARBALL=$tarball "$here/base.sh" id)
if git -C "$src" rev-parse -q --verify refs/tags/np-base >/dev/null 2>&1 &&
   [ "$(git -C "$src" config np.base-id || true)" != "$id" ]; then
	echo "  BASE     the tarball changed ($(git -C "$src" config np.base-id \
		|| echo unknown) -> $id): importing it again"
	git -C "$src" tag -d np-base >/dev/null
fi

if ! git -C "$src" rev-parse -q --verify refs/tags/np-base >/dev/null 2>&1; then
	echo "  UNPACK   $tarball (about a minute)"
	rm -rf "$src" "$am" "$out/linux-base"
	mkdir -p "$src"
	tar -C "$src" --strip-components=1 -xJf "$tarball"
	echo "  GIT      import base tree"
	git -C "$src" init -q
	git -C "$src" config core.autocrlf false
	git -C "$src" config gc.auto 0
	git -C "$src" add -A -f .
	git -C "$src" commit -q -m "Base: $id ($(basename "$tarball"))"
	git -C "$src" tag np-base
	git -C "$src" config np.base-id "$id"
fi

if [ ! -e "$am/.git" ]; then
	rm -rf "$am"
	git -C "$src" worktree prune
	git -C "$src" worktree add -q --detach "$am" np-base
fi

# Apply the series from scratch every time: the patches are the truth.
git -C "$am" am --abort >/dev/null 2>&1 || true
git -C "$am" checkout -q -f --detach np-base
git -C "$am" clean -q -fdx
n=0
while read -r p; do
	case "$p" in ''|'#'*) continue ;; esac
	if [ ! -f "$pdir/$p" ]; then
		echo "kernel-src: $pdir/series names $p, which does not exist" >&2
		exit 1
	fi
	if ! git -C "$am" am -q --keep-cr "$(readlink -f "$pdir/$p")" \
	     >"$out/am.log" 2>&1; then
		echo "kernel-src: patch does not apply: $p" >&2
		sed 's/^/  /' "$out/am.log" >&2
		git -C "$am" am --abort >/dev/null 2>&1 || true
		exit 1
	fi
	n=$((n + 1))
done <"$pdir/series"
head=$(git -C "$am" rev-parse HEAD)

if [ "$(git -C "$src" rev-parse HEAD)" != "$head" ]; then
	git -C "$src" checkout -q -f --detach "$head"
fi
echo "  PATCHED  $n patches, tree at ${head:0:12}"
