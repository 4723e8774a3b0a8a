#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install everything the project needs on a Debian bookworm machine.
# Idempotent: when every package is present it only checks and returns.
#
# The kernel base, linux-source-6.12, is installed at the version recorded
# in kernel-patch/base while the archive still has it, and otherwise at the
# archive's current version, with a notice that the base moved.
# NP_BASE_VERSION=current asks for the archive's current version, and
# NP_BASE_VERSION=VERSION for that exact one (an error if the archive lacks
# it).
#
# virtme-ng is not in bookworm.  It is an arch:all package whose
# dependencies are all in bookworm, so we fetch it from trixie through a
# private apt state directory: nothing is added to the system's sources,
# and the archive address is the one the system already uses for bookworm
# (a mirror or proxy configured there keeps working).
set -euo pipefail

here=$(dirname "$(readlink -f "$0")")
. "$here/apt-private.sh"
VNG_VERSION=1.35
VNG_SUITE=trixie
PKGS="clang-19 llvm-19 lld-19 dwarves libelf-dev zlib1g-dev
libcap-dev bc flex bison libssl-dev cpio ccache qemu-system-x86 udev numactl
libnuma-dev stress-ng kmod file git make gcc pkg-config rsync xz-utils
python3 busybox-static procps util-linux iproute2 libzstd-dev
libllvm19 binutils-dev perl e2fsprogs
liburing-dev dpkg-dev autoconf automake libtool trinity sudo libsystemd-dev systemd
libmicrohttpd-dev python3-prometheus-client curl groff-base ndctl daxctl
sparse gdb"

base_pkg=$("$here/base.sh" package)
base_rec=$("$here/base.sh" recorded)
base_want=${NP_BASE_VERSION:-}
base_inst=$("$here/base.sh" installed)

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done

vng_ok() {
	local v
	v=$(dpkg-query -W -f='${Version}' virtme-ng 2>/dev/null) || return 1
	case "$v" in "$VNG_VERSION"*) return 0 ;; esac
	return 1
}

# Is the kernel base as asked?  With no request, the recorded version is
# wanted, but a machine that already has another one and cannot reach the
# archive (not root) keeps it, with the notice.
base_ok() {
	case "$base_want" in
	'') [ "$base_inst" = "$base_rec" ] ;;
	current) return 1 ;;
	*) [ "$base_inst" = "$base_want" ] ;;
	esac
}

notice_moved() {
	[ -n "$1" ] && [ "$1" != "$base_rec" ] || return 0
	cat <<EOF
deps: NOTICE: the kernel base moved: $base_pkg $1 is installed,
deps:         the series was last verified on $base_rec
deps:         (kernel-patch/base).  Builds and tests run on it; README
deps:         "Moving the base" says how to verify and record the new one.
EOF
}

if [ -z "$missing" ] && vng_ok && base_ok; then
	echo "deps: all present"
	exit 0
fi

if [ "$(id -u)" != 0 ]; then
	if [ -z "$missing" ] && vng_ok && [ -z "$base_want" ] &&
	   [ -n "$base_inst" ]; then
		notice_moved "$base_inst"
		echo "deps: all present (not root: $base_pkg left as it is)"
		exit 0
	fi
	echo "deps: missing packages:$missing$(vng_ok || echo " virtme-ng")" \
		"$(base_ok || echo "$base_pkg=${base_want:-$base_rec}")" >&2
	echo "deps: run 'make deps' as root to install them" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
updated=0
apt_update() {
	[ $updated = 1 ] && return 0
	apt-get update -qq
	updated=1
}

if [ -n "$missing" ]; then
	echo "deps: installing:$missing"
	apt_update
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing
fi

# Versions of the base package that the configured archives offer.
base_available() {
	apt-cache madison "$base_pkg" | awk -F'|' '{ gsub(/ /, "", $2); print $2 }'
}

if ! base_ok; then
	apt_update
	avail=$(base_available)
	case "$base_want" in
	'') want=$base_rec ;;
	current) want=$(echo "$avail" | head -n1) ;;
	*) want=$base_want ;;
	esac
	if [ -z "$want" ]; then
		echo "deps: no version of $base_pkg in the configured archives" >&2
		exit 1
	fi
	if ! echo "$avail" | grep -qxF "$want"; then
		if [ -n "$base_want" ]; then
			echo "deps: $base_pkg $want is not in the configured" \
				"archives (they have: $(echo $avail))" >&2
			exit 1
		fi
		# The recorded version is gone: take the current one.
		want=$(echo "$avail" | head -n1)
		echo "deps: $base_pkg $base_rec is no longer in the archive;" \
			"using $want"
	fi
	if [ "$base_inst" != "$want" ]; then
		echo "deps: installing $base_pkg $want" \
			"(${base_inst:-not installed} before)"
		apt-get install -y -qq --no-install-recommends \
			--allow-downgrades "$base_pkg=$want"
	fi
	base_inst=$("$here/base.sh" installed)
fi
notice_moved "$base_inst"


if ! vng_ok; then
	read -r uri _ < <(debian_uri || true) || true
	if [ -z "${uri:-}" ]; then
		echo "deps: cannot find the Debian archive of this release in" \
			"the apt sources (apt-get indextargets); needed to fetch" \
			"virtme-ng from $VNG_SUITE" >&2
		exit 1
	fi
	echo "deps: installing virtme-ng $VNG_VERSION from $VNG_SUITE" \
		"($uri, private apt state)"
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	apt_private "$tmp" deb "$uri" "$VNG_SUITE"
	apt-get "${APT_OPT[@]}" update -qq
	(cd "$tmp/archives" &&
		apt-get "${APT_OPT[@]}" download "virtme-ng=$VNG_VERSION*")
	deb=$(ls "$tmp"/archives/virtme-ng_*.deb)
	apt-get install -y -qq --no-install-recommends "$deb"
fi
vng_ok || { echo "deps: virtme-ng $VNG_VERSION did not install" >&2; exit 1; }
echo "deps: done"
