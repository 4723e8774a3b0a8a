#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# checkpatch.sh KSRC PATCHDIR
#
# Run the tree's checkpatch.pl on every patch of the series, in TAP form.
# Exit status 1 if any patch has errors or warnings.
set -u
ksrc=$1 pdir=$2
n=0 failed=0
patches=$(grep -v '^#' "$pdir/series" | grep .)
echo "1..$(echo "$patches" | wc -l)"
for p in $patches; do
	n=$((n + 1))
	res=$(cd "$ksrc" && perl scripts/checkpatch.pl --no-tree --strict \
		--terse --show-types "$OLDPWD/$pdir/$p" 2>&1)
	if echo "$res" | grep -qE '(ERROR|WARNING|CHECK):'; then
		echo "not ok $n - checkpatch $p"
		echo "$res" | sed 's/^/    # /'
		failed=$((failed + 1))
	else
		echo "ok $n - checkpatch $p"
	fi
done
[ $failed = 0 ]
