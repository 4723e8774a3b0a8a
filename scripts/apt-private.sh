# SPDX-License-Identifier: GPL-2.0
#
# apt-private.sh: sourced by the scripts that fetch from the Debian archive
# (scripts/deps.sh, scripts/peer-numactl.sh) without touching the system's
# apt configuration: a private apt state directory holds one source entry,
# at the address the system's own sources use for its release (a mirror or
# proxy configured there keeps working; no address is written here).

# debian_uri: print "URI RELEASE" of the archive that serves this system's
# own release, as apt is configured to reach it; fails if there is none.
debian_uri() {
	local codename line
	codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
	[ -n "$codename" ] || return 1
	# shellcheck disable=SC2016
	line=$(apt-get indextargets --no-release-info \
		--format '$(REPO_URI) $(RELEASE) $(TARGET_OF)' \
		'Identifier: Packages' |
		awk -v c="$codename" '$2 == c && $3 == "deb" { print $1 " " $2; exit }')
	[ -n "$line" ] || return 1
	echo "$line"
}

# apt_private DIR TYPE URI SUITE: make DIR an apt state of its own whose
# only source is "TYPE URI SUITE main" (TYPE deb or deb-src), and set the
# array APT_OPT to the options that make apt-get and apt-cache use it.
# As root, apt downloads as its unprivileged user _apt, which may then
# write the lists and archives there.
apt_private() {
	local dir=$1
	mkdir -p "$dir/lists/partial" "$dir/archives/partial" || return 1
	cat >"$dir/private.sources" <<SRC || return 1
Types: $2
URIs: $3
Suites: $4
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
	if [ "$(id -u)" = 0 ] && id _apt >/dev/null 2>&1; then
		chmod 755 "$dir"
		chown -R _apt "$dir/lists" "$dir/archives"
	fi
	APT_OPT=(-o Dir::Etc::SourceList=/dev/null
		-o Dir::Etc::SourceParts="$dir"
		-o Dir::State::Lists="$dir/lists"
		-o Dir::Cache::Archives="$dir/archives"
		-o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=)
}
