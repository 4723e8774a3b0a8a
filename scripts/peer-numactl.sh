#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# peer-numactl.sh [OUT]: build numactl's own test suite, a peer suite.
#
# Debian's numactl binary package has no tests; they are in the source
# package (test/regress, test/regress2, test/bind_range, ...).  This fetches
# the Debian source of numactl at the installed version (the archive's
# newest if numactl is not installed, or if the archive no longer has that
# version), unpacks it under OUT (build/peer/numactl by default), builds
# numactl, libnuma and the test programs (the check_PROGRAMS), and prints
# the path of the built tree on stdout; messages go to stderr.
#
# The source comes through a private apt state directory with a deb-src
# entry for this release's Debian archive, at the address the system's own
# apt sources use (a mirror or proxy configured there keeps working):
# nothing is added to the system's sources.  Idempotent: a tree built for
# the wanted version is reported without touching the network.
#
# Build dependencies (dpkg-dev, autoconf, automake, libtool, gcc, make) are
# installed when missing only if this runs as root, and it says so;
# scripts/deps.sh is where they belong permanently.
#
# The tests run from a writable copy of the tree (make check writes its
# logs there), inside a guest: see tests/vm/peer/numactl.sh.
set -euo pipefail

here=$(dirname "$(readlink -f "$0")")
. "$here/apt-private.sh"
PKG=numactl
OUT=${1:-$here/../build/peer/numactl}
BUILD_DEPS="dpkg-dev autoconf automake libtool gcc make"

say() { echo "peer-numactl: $*" >&2; }
die() { say "ERROR: $*"; exit 1; }

mkdir -p "$OUT" || die "cannot create $OUT"
OUT=$(readlink -f "$OUT")
stamp=$OUT/built

# The version wanted: the installed numactl's, so that the suite is the one
# of the numactl under test; empty if numactl is not installed.
want=$(dpkg-query -W -f='${Version}' "$PKG" 2>/dev/null || true)

# A tree already built for that version (or for whatever version, when
# numactl is not installed) is the answer.
if [ -f "$stamp" ]; then
	read -r have tree <"$stamp" || true
	if [ -n "${tree:-}" ] && [ -x "$tree/numactl" ] &&
	   [ -x "$tree/test/move_pages" ] && [ -f "$tree/test/regress" ] &&
	   { [ -z "$want" ] || [ "$have" = "$want" ]; }; then
		say "numactl $have already built"
		echo "$tree"
		exit 0
	fi
fi

# --- build dependencies ----------------------------------------------------
missing=
for p in $BUILD_DEPS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" != 0 ]; then
		die "missing build dependencies:$missing; install them" \
			"(apt-get install$missing) or run this as root"
	fi
	say "installing the build dependencies of numactl's tests:$missing" \
		"(as root; scripts/deps.sh should list them)"
	export DEBIAN_FRONTEND=noninteractive
	# shellcheck disable=SC2086
	if ! apt-get install -y -qq --no-install-recommends $missing >&2; then
		apt-get update -qq >&2 || die "apt-get update failed"
		# shellcheck disable=SC2086
		apt-get install -y -qq --no-install-recommends $missing >&2 ||
			die "cannot install:$missing"
	fi
fi

# --- the source, through a private apt state ------------------------------
read -r uri suite < <(debian_uri || true) || true
if [ -z "${uri:-}" ]; then
	die "cannot find the Debian archive of this release in the apt" \
		"sources (apt-get indextargets); needed for the source of $PKG"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/peer-numactl.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/src"
apt_private "$tmp" deb-src "$uri" "$suite" ||
	die "cannot set up a private apt state in $tmp"
# apt-get source downloads as _apt too.
if [ "$(id -u)" = 0 ] && id _apt >/dev/null 2>&1; then
	chown _apt "$tmp/src"
fi

say "fetching the index of $suite sources from $uri (private apt state)"
apt-get "${APT_OPT[@]}" update -qq >&2 ||
	die "apt-get update of the private deb-src entry ($uri $suite) failed"

# Versions of the source package the archive has, newest first.
avail=$(apt-cache "${APT_OPT[@]}" showsrc "$PKG" 2>/dev/null |
	sed -n 's/^Version: //p' | sort -V -r)
[ -n "$avail" ] || die "the archive ($uri $suite) has no source package $PKG"
newest=$(echo "$avail" | head -n 1)
if [ -z "$want" ]; then
	say "$PKG is not installed: taking the archive's $newest"
	want=$newest
elif ! echo "$avail" | grep -qxF "$want"; then
	say "the archive has no source of $PKG $want (installed);" \
		"taking its $newest"
	want=$newest
fi

say "downloading and unpacking the source of $PKG $want"
(cd "$tmp/src" && apt-get "${APT_OPT[@]}" source -qq "$PKG=$want") >&2 ||
	die "apt-get source $PKG=$want failed"
src=$(find "$tmp/src" -mindepth 1 -maxdepth 1 -type d -name "$PKG-*" |
	head -n 1)
if [ -z "$src" ] || [ ! -f "$src/test/regress" ]; then
	die "the source of $PKG $want has no test/regress"
fi

# --- build ------------------------------------------------------------------
# In place: the stamp, written last, is what says the tree is complete.
tree=$OUT/$(basename "$src")
rm -f "$stamp"
rm -rf "$tree"
mv "$src" "$tree"
log=$OUT/build.log
say "building in $tree (log: $log)"
(
	set -e
	cd "$tree"
	nice -n 19 autoreconf -fi
	nice -n 19 ./configure
	nice -n 19 make -j2
	# The test programs, without running any test.
	nice -n 19 make -j2 check TESTS=
	rm -f test-suite.log
) >"$log" 2>&1 || {
	tail -n 20 "$log" >&2
	die "building $PKG $want failed; see $log"
}
for f in numactl numastat memhog test/move_pages test/pagesize \
	test/distance test/nodemap test/tbitmap; do
	[ -x "$tree/$f" ] || die "the build did not make $f; see $log"
done
echo "$want $tree" >"$stamp"
say "built numactl $want; tests: cd a writable copy of the tree and" \
	"run make check, as root, on a NUMA machine"
echo "$tree"
