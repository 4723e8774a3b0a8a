#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# series-parts.sh [--stat] [--out DIR] OUT
#
# The series of kernel-patch/ is posted in the parts kernel-patch/parts
# lists, each with the cover letter named there.  Works on OUT/linux-am,
# the tree `make kernel` applies the series in.
#
#   --stat     print patches, insertions and deletions of each part
#   --out DIR  write each part as a posting, DIR/partN/, with its cover
#              letter (subject, text, shortlog and diffstat) as patch 0
#
# Fails if a part's first patch is not in the series, or if the parts
# are out of order.
set -euo pipefail

usage() {
	sed -n 's/^# \?//p' "$0" | sed -n '4,15p'
}

stat=0 outdir=
while [ $# -gt 0 ]; do
	case "$1" in
	-h|--help) usage; exit 0 ;;
	--stat) stat=1; shift ;;
	--out) outdir=${2:?--out needs a directory}; shift 2 ;;
	-*) echo "series-parts: unknown option $1" >&2; usage >&2; exit 2 ;;
	*) break ;;
	esac
done
if [ $# != 1 ] || { [ $stat = 0 ] && [ -z "$outdir" ]; }; then
	usage >&2
	exit 2
fi
am=$(readlink -f "$1")/linux-am
top=$(dirname "$(readlink -f "$0")")/..
pdir=$top/kernel-patch
if ! git -C "$am" rev-parse -q --verify np-base >/dev/null 2>&1; then
	echo "series-parts: $am has no series (run 'make kernel')" >&2
	exit 1
fi

mapfile -t commits < <(git -C "$am" rev-list --reverse np-base..HEAD)
# starts[i]: index in commits of part i's first patch.
starts=() names=() covers=()
while IFS=$'\t' read -r part subject cover || [ -n "$part" ]; do
	case "$part" in ''|'#'*) continue ;; esac
	idx=-1
	for i in "${!commits[@]}"; do
		if [ "$(git -C "$am" log -1 --format=%s "${commits[$i]}")" = \
		     "$subject" ]; then
			idx=$i
			break
		fi
	done
	if [ $idx = -1 ]; then
		echo "series-parts: part $part starts with '$subject'," \
			"which is not in the series" >&2
		exit 1
	fi
	n=${#starts[@]}
	if [ $n -gt 0 ] && [ $idx -le "${starts[$((n - 1))]}" ]; then
		echo "series-parts: part $part starts before part" \
			"${names[$((n - 1))]}" >&2
		exit 1
	fi
	if [ ! -f "$pdir/cover/$cover" ]; then
		echo "series-parts: no cover letter $pdir/cover/$cover" >&2
		exit 1
	fi
	starts+=("$idx") names+=("$part") covers+=("$cover")
done <"$pdir/parts"
if [ "${#starts[@]}" = 0 ] || [ "${starts[0]}" != 0 ]; then
	echo "series-parts: the first part must start with the first patch" >&2
	exit 1
fi

total_n=0 total_i=0 total_d=0
for p in "${!starts[@]}"; do
	first=${starts[$p]}
	if [ $((p + 1)) -lt ${#starts[@]} ]; then
		end=$((${starts[$((p + 1))]} - 1))
	else
		end=$((${#commits[@]} - 1))
	fi
	base=${commits[$first]}^
	tip=${commits[$end]}
	count=$((end - first + 1))
	if [ $stat = 1 ]; then
		read -r ins del < <(git -C "$am" log --numstat --format= \
			"$base..$tip" | awk '{ i += $1; d += $2 }
			END { print i + 0, d + 0 }')
		printf 'part %s: %2d patches, +%d/-%d (%s to %s)  %s\n' \
			"${names[$p]}" $count "$ins" "$del" $((first + 1)) \
			$((end + 1)) "$(head -n1 "$pdir/cover/${covers[$p]}")"
		total_n=$((total_n + count)) total_i=$((total_i + ins))
		total_d=$((total_d + del))
	fi
	if [ -n "$outdir" ]; then
		dir=$outdir/part${names[$p]}
		rm -rf "$dir"
		mkdir -p "$dir"
		# --base names the Debian tree and lists the earlier parts
		# as prerequisite patch ids.
		git -C "$am" format-patch -q --no-signature --abbrev=9 \
			--cover-letter --base=np-base \
			-o "$(readlink -f "$dir")" \
			--subject-prefix=PATCH \
			"$base..$tip"
		python3 - "$dir/0000-cover-letter.patch" \
			"$pdir/cover/${covers[$p]}" <<'PYEOF'
import sys
letter, cover = sys.argv[1], sys.argv[2]
text = open(cover).read().split('\n', 1) + ['']
s = open(letter).read()
s = s.replace('*** SUBJECT HERE ***', text[0].strip(), 1)
s = s.replace('*** BLURB HERE ***', text[1].strip('\n'), 1)
open(letter, 'w').write(s)
PYEOF
		echo "series-parts: part ${names[$p]}: $((count + 1)) files in $dir"
	fi
done
if [ $stat = 1 ]; then
	printf 'series: %d patches, +%d/-%d\n' $total_n $total_i $total_d
fi
