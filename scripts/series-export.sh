#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# series-export.sh REPO [REV]
#
# Write the commits np-base..REV (HEAD by default) of the kernel git
# repository REPO into kernel-patch/ as `git format-patch` files, replacing
# the patches there, and rewrite kernel-patch/series to list them in order.
# REPO is a tree made by `make kernel` (build/linux), or a clone of it in
# which the series was edited (fixes folded into the patch they belong to
# with `git rebase -i --autosquash np-base`).  Nothing is written if the
# export fails.
set -euo pipefail

if [ $# -lt 1 ] || [ "$1" = -h ] || [ "$1" = --help ]; then
	sed -n 's/^# \?//p' "$0" | sed -n '3,10p'
	[ $# -ge 1 ]
	exit
fi
repo=$1 rev=${2:-HEAD}
top=$(dirname "$(readlink -f "$0")")/..
pdir=$top/kernel-patch

if ! git -C "$repo" rev-parse -q --verify np-base >/dev/null; then
	echo "series-export: $repo has no np-base tag (not made by make kernel?)" >&2
	exit 1
fi
n=$(git -C "$repo" rev-list --count "np-base..$rev")
if [ "$n" = 0 ]; then
	echo "series-export: no commits in np-base..$rev" >&2
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git -C "$repo" format-patch -q --no-signature --abbrev=9 -o "$tmp" "np-base..$rev"
(cd "$tmp" && ls -- *.patch) >"$tmp/series"
if [ "$(wc -l <"$tmp/series")" != "$n" ]; then
	echo "series-export: expected $n patches, got $(wc -l <"$tmp/series")" >&2
	exit 1
fi
rm -f "$pdir"/*.patch
mv "$tmp"/*.patch "$pdir/"
mv "$tmp/series" "$pdir/series"
echo "series-export: $n patches written to kernel-patch/"
