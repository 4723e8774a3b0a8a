#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install everything the project needs on a Debian bookworm machine.
# Idempotent: when every package is present it only checks and returns.
#
# virtme-ng is not in bookworm.  It is an arch:all package whose
# dependencies are all in bookworm, so we fetch it from trixie through a
# private apt state directory: nothing is added to the system's sources.
set -euo pipefail

VNG_VERSION=1.35
PKGS="linux-source-6.12 clang-19 llvm-19 lld-19 dwarves libelf-dev zlib1g-dev
libcap-dev bc flex bison libssl-dev cpio ccache qemu-system-x86 udev numactl
libnuma-dev stress-ng kmod file git make gcc pkg-config rsync xz-utils
python3 busybox-static procps util-linux iproute2 libzstd-dev
libllvm19 binutils-dev perl e2fsprogs"

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

if [ -z "$missing" ] && vng_ok; then
	echo "deps: all present"
	exit 0
fi

if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages:$missing${missing:+ }$(vng_ok || echo virtme-ng)" >&2
	echo "deps: run 'make deps' as root to install them" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
if [ -n "$missing" ]; then
	echo "deps: installing:$missing"
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing
fi

if ! vng_ok; then
	echo "deps: installing virtme-ng $VNG_VERSION from trixie (private apt state)"
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	mkdir -p "$tmp/lists/partial" "$tmp/archives/partial"
	cat >"$tmp/trixie.sources" <<SRC
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
	aptopt="-o Dir::Etc::SourceList=/dev/null
		-o Dir::Etc::SourceParts=$tmp
		-o Dir::State::Lists=$tmp/lists
		-o Dir::Cache::Archives=$tmp/archives
		-o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache="
	# shellcheck disable=SC2086
	apt-get $aptopt update -qq
	# shellcheck disable=SC2086
	(cd "$tmp" && apt-get $aptopt download "virtme-ng=$VNG_VERSION*")
	deb=$(ls "$tmp"/virtme-ng_*.deb)
	apt-get install -y -qq --no-install-recommends "$deb"
fi
vng_ok || { echo "deps: virtme-ng $VNG_VERSION did not install" >&2; exit 1; }
echo "deps: done"
