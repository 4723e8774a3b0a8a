#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# base.sh COMMAND
#
# The kernel base: Debian's linux-source-6.12 package, whose tarball the
# series is applied to.  kernel-patch/base records the package and the exact
# version on which the series was last verified.  Debian replaces the
# package with every point or security release and soon drops the old one
# from the archive, so the version actually used may differ from the
# recorded one; nothing may assume it silently.
#
#   package    print the package name
#   recorded   print the recorded version
#   installed  print the installed version (empty if not installed)
#   tarball    print the path of the tarball the build uses
#   id         print what identifies the tarball in use: the package
#              version, or the sha256 of a KERNEL_TARBALL given by hand
#   report     one line naming the base in use and the recorded one, and a
#              notice when they differ (exit 0 either way)
#   moved      exit 0 if the base in use differs from the recorded one
set -euo pipefail

top=$(dirname "$(readlink -f "$0")")/..
# NP_BASE_FILE: another record, for the tests of this script.
rec=${NP_BASE_FILE:-$top/kernel-patch/base}

field() {
	local v
	v=$(sed -n "s/^$1=//p" "$rec")
	if [ -z "$v" ]; then
		echo "base.sh: $rec has no '$1=' line" >&2
		exit 2
	fi
	echo "$v"
}

pkg=$(field package)
recorded=$(field version)
default_tarball=/usr/src/$pkg.tar.xz
tarball=${KERNEL_TARBALL:-$default_tarball}

installed() {
	{ dpkg-query -W -f='${db:Status-Status} ${Version}\n' "$pkg" \
		2>/dev/null || true; } | sed -n 's/^installed //p'
}

# The version of the tarball in use, or "" when it is not the package's.
in_use() {
	if [ "$(readlink -f "$tarball")" = "$default_tarball" ]; then
		installed
	fi
}

case "${1:-}" in
package)
	echo "$pkg"
	;;
recorded)
	echo "$recorded"
	;;
installed)
	installed
	;;
tarball)
	echo "$tarball"
	;;
id)
	if [ "$(readlink -f "$tarball")" = "$default_tarball" ]; then
		echo "$pkg $(installed)"
	elif [ -f "$tarball" ]; then
		echo "file $(sha256sum <"$tarball" | cut -d' ' -f1)"
	else
		echo "missing $tarball"
	fi
	;;
report)
	v=$(in_use)
	if [ -z "$v" ] && [ "$tarball" != "$default_tarball" ]; then
		echo "  BASE     $tarball (KERNEL_TARBALL; series verified on" \
			"$pkg $recorded)"
		exit 0
	fi
	echo "  BASE     $pkg ${v:-(not installed)} (series verified on" \
		"$recorded)"
	if [ -n "$v" ] && [ "$v" != "$recorded" ]; then
		cat <<EOF
  NOTICE   the base moved: Debian ships $pkg $v now,
           the series was last verified on $recorded.  Builds and
           tests run on it; README "Moving the base" says how to verify
           and record the new version.
EOF
	fi
	;;
moved)
	v=$(in_use)
	[ -n "$v" ] && [ "$v" != "$recorded" ]
	;;
*)
	echo "usage: base.sh package|recorded|installed|tarball|id|report|moved" >&2
	exit 2
	;;
esac
