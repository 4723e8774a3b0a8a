#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# install.sh install|uninstall|list OUT
#
# What make install puts where: npctl and npd, the policies, the systemd
# unit, the man pages, bash completion, npd's documentation with an
# example configuration, and what a vendor needs to build a policy
# (INCLUDEDIR/np: np.bpf.h, np_common.h, the kernel's vmlinux.h and the
# libbpf headers they include; the template DOCDIR/examples/minimal.bpf.c).
# The paths come from OUT/paths.env, which make writes from PREFIX,
# SBINDIR, POLICYDIR, UNITDIR, SYSCONFDIR, MANDIR, DOCDIR, COMPLETIONDIR
# and INCLUDEDIR (the same paths the tools were built with);
# DESTDIR, from the environment, stages everything under another root.
# No configuration is installed: the unit starts once SYSCONFDIR/npd.conf
# exists.  uninstall removes the same files, and the directories of np
# that it leaves empty.
set -euo pipefail
top=$(dirname "$(dirname "$(readlink -f "$0")")")
usage() {
	echo "usage: install.sh install|uninstall|list OUT" >&2
	exit 2
}
if [ "${1:-}" = -h ] || [ "${1:-}" = --help ]; then
	sed -n 's/^# \?//p' "$0" | sed -n '3,17p'
	exit 0
fi
[ $# = 2 ] || usage
cmd=$1 out=$2
case "$cmd" in
install|uninstall|list) ;;
*) usage ;;
esac
if [ ! -r "$out/paths.env" ]; then
	echo "install.sh: $out/paths.env is missing (run make install)" >&2
	exit 1
fi
# shellcheck source=/dev/null
. "$out/paths.env"
dest=${DESTDIR:-}

# MODE SOURCE TARGET, one per line.
manifest() {
	local f
	echo "0755 $out/loader/npctl $SBINDIR/npctl"
	echo "0755 $out/loader/npd $SBINDIR/npd"
	for f in "$top"/bpf/*.bpf.c; do
		f=$(basename "$f" .c)
		echo "0644 $out/bpf/$f.o $POLICYDIR/$f.o"
	done
	echo "0644 $out/systemd/npd.service $UNITDIR/npd.service"
	for f in "$out"/man/*.[0-9]; do
		echo "0644 $f $MANDIR/man${f##*.}/$(basename "$f")"
	done
	echo "0644 $top/loader/completion/npctl $COMPLETIONDIR/npctl"
	echo "0644 $top/loader/completion/npd $COMPLETIONDIR/npd"
	echo "0644 $top/docs/npd.md $DOCDIR/npd.md"
	echo "0644 $top/systemd/npd.conf.example $DOCDIR/npd.conf.example"
	# Building a policy: clang -target bpf -I INCLUDEDIR/np.
	echo "0644 $top/include/np.bpf.h $INCLUDEDIR/np/np.bpf.h"
	echo "0644 $top/include/np_common.h $INCLUDEDIR/np/np_common.h"
	echo "0644 $top/vmlinux.h $INCLUDEDIR/np/vmlinux.h"
	for f in bpf_helpers.h bpf_helper_defs.h bpf_tracing.h \
		bpf_core_read.h bpf_endian.h; do
		echo "0644 $out/libbpf/include/bpf/$f $INCLUDEDIR/np/bpf/$f"
	done
	echo "0644 $top/bpf/minimal.bpf.c $DOCDIR/examples/minimal.bpf.c"
}

case "$cmd" in
list)
	manifest | while read -r _ _ target; do echo "$dest$target"; done
	;;
install)
	manifest | while read -r mode src target; do
		if [ ! -r "$src" ]; then
			echo "install.sh: $src is missing (build it first: make install)" >&2
			exit 1
		fi
		printf '  %-8s %s\n' INSTALL "$dest$target"
		install -D -m "$mode" "$src" "$dest$target"
	done
	;;
uninstall)
	manifest | while read -r _ _ target; do
		if [ -e "$dest$target" ]; then
			printf '  %-8s %s\n' RM "$dest$target"
			rm -f "$dest$target"
		fi
	done
	for d in "$POLICYDIR" "$(dirname "$POLICYDIR")" "$DOCDIR/examples" \
		"$DOCDIR" "$INCLUDEDIR/np/bpf" "$INCLUDEDIR/np"; do
		rmdir "$dest$d" 2>/dev/null || true
	done
	;;
esac
