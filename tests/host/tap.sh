# SPDX-License-Identifier: GPL-2.0
#
# tap.sh: what the host tests share, sourced after setting TAP_NAME (the
# prefix of every result).  Gives $tmp, a directory removed at exit;
# tap STATUS TEXT, one result, which on failure shows the files named in
# TAP_LOGS ($tmp/out by default) as comments; tap_end, the plan and the
# exit status.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0

tap() {
	local f
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $TAP_NAME: $2"
		return
	fi
	echo "not ok $n - $TAP_NAME: $2"
	failed=$((failed + 1))
	for f in ${TAP_LOGS:-$tmp/out}; do
		[ -f "$f" ] && sed 's/^/    # /' "$f"
	done
}

tap_end() {
	echo "1..$n"
	[ "$failed" = 0 ]
}
