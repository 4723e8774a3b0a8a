#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# npd-install.sh OUT: make install, staged with DESTDIR, on the host.
# Every file lands where the unit, the man pages and the tools expect it,
# with its mode; the unit passes systemd-analyze verify (its man: links
# resolved in the installed man pages); the man pages format without a
# warning and document every command, option and configuration key the
# tools know; the installed tools use the installed paths; bash
# completion completes commands, options, flags and policies; a policy
# builds from the installed template and headers alone; PREFIX reaches
# the built-in paths; uninstall removes everything.
set -u
out=$(readlink -f "${1:-build}")
top=$(dirname "$(dirname "$(dirname "$(readlink -f "$0")")")")
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
n=0 bad=0
ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - npd-install: $2"
	else
		echo "not ok $n - npd-install: $2"
		bad=1
	fi
}
. "$out/paths.env" || { ok 1 "$out/paths.env exists (make progs)"; exit 1; }
root=$t/root

make -s -C "$top" O="$out" install DESTDIR="$root" >"$t/install.log" 2>&1
rc=$?
ok $rc "make install DESTDIR=... (exit $rc$([ $rc != 0 ] && echo ": $(tail -n 2 "$t/install.log" | tr '\n' ' ')"))"
# make rewrites paths.env when an install path changes.
. "$out/paths.env"

# Every file of the manifest, with its mode, and nothing else.
missing=
while read -r f; do
	[ -f "$f" ] || { missing+=" ${f#"$root"}"; continue; }
	case "$f" in
	*/sbin/*) want=755 ;;
	*) want=644 ;;
	esac
	[ "$(stat -c %a "$f")" = $want ] || missing+=" ${f#"$root"}(mode $(stat -c %a "$f"))"
done < <(DESTDIR=$root "$top/scripts/install.sh" list "$out")
ok "$([ -z "$missing" ]; echo $?)" "every file installed with its mode${missing:+: wrong or missing:$missing}"
nfiles=$(find "$root" -type f | wc -l)
nlist=$(DESTDIR=$root "$top/scripts/install.sh" list "$out" | wc -l)
npol=$(ls "$top"/bpf/*.bpf.c | wc -l)
ok "$([ "$nfiles" = "$nlist" ] && [ "$nlist" = $((npol + 19)) ]; echo $?)" \
	"$nfiles files installed, the manifest's $nlist ($npol policies, 2 tools, unit, 3 man pages, 2 completions, 2 docs, 8 headers, the template)"

# A vendor's policy from what is installed, nothing of the tree: the
# template, renamed, built with -I INCLUDEDIR/np only, is a struct_ops
# object named for the vendor.
inc=$root$INCLUDEDIR/np
sed 's/minimal/acme/g' "$root$DOCDIR/examples/minimal.bpf.c" >"$t/acme.bpf.c"
(cd "$t" && clang-19 -g -O2 -target bpf -D__TARGET_ARCH_x86 -nostdinc \
	-isystem "$(clang-19 -print-resource-dir)/include" -I"$inc" \
	-c acme.bpf.c -o acme.bpf.o) >"$t/cc.log" 2>&1
rc=$?
ok "$([ $rc = 0 ] && llvm-objdump-19 -h "$t/acme.bpf.o" |
	grep -q '\.struct_ops\.link' &&
	llvm-strings-19 "$t/acme.bpf.o" | grep -qx acme; echo $?)" \
	"a policy builds from the installed template and headers alone (exit $rc$(head -c 200 "$t/cc.log" | tr '\n' ' '))"
for p in "$top"/bpf/*.bpf.c; do
	p=$(basename "$p" .c)
	cmp -s "$out/bpf/$p.o" "$root$POLICYDIR/$p.o" || missing+=" $p"
done
ok "$([ -z "$missing" ]; echo $?)" "the policies installed are the ones built${missing:+ (differ:$missing)}"

# The unit: the installed paths, and systemd-analyze verify with the
# staged npd and man pages.
unit=$root$UNITDIR/npd.service
grep -qx "ExecStart=$SBINDIR/npd -c $SYSCONFDIR/npd.conf" "$unit"
ok $? "the unit starts $SBINDIR/npd -c $SYSCONFDIR/npd.conf"
grep -q "Documentation=man:npd(8) man:npd.conf(5) file:$DOCDIR/npd.md" "$unit" &&
	[ -f "$root$DOCDIR/npd.md" ]
ok $? "the unit's documentation is installed where it points"
if command -v systemd-analyze >/dev/null; then
	sed "s|^ExecStart=$SBINDIR/npd|ExecStart=$root$SBINDIR/npd|" "$unit" \
		>"$t/npd.service"
	MANPATH=$root$MANDIR systemd-analyze verify "$t/npd.service" \
		>"$t/verify" 2>&1
	rc=$?
	ok "$([ $rc = 0 ] && [ ! -s "$t/verify" ]; echo $?)" \
		"systemd-analyze verify: exit $rc $(head -c 300 "$t/verify" | tr '\n' ' ')"
else
	ok 1 "systemd-analyze is installed (make deps)"
fi
grep -qx "Type=notify" "$unit"
ok $? "Type=notify (npd sends READY=1, RELOADING=1, STOPPING=1)"
grep -qx "CapabilityBoundingSet=CAP_BPF CAP_PERFMON CAP_SYS_ADMIN" "$unit"
ok $? "the capability bounding set is what npd checks for"
grep -qx "ProtectSystem=strict" "$unit" && grep -qx "RuntimeDirectory=npd" "$unit" &&
	grep -qx "ReadWritePaths=/sys/fs/bpf" "$unit"
ok $? "a read-only system but /sys/fs/bpf and /run/npd (its lock, its socket)"

# The man pages: no groff warning, the installed paths, and everything the
# tools' help names.
warn=
for m in "$root$MANDIR"/man*/*; do
	LC_ALL=C.UTF-8 groff -man -ww -z -t "$m" >"$t/groff" 2>&1
	[ -s "$t/groff" ] && warn+=" $(basename "$m"): $(head -n 1 "$t/groff")"
	grep -q '@[A-Z]*@' "$m" && warn+=" $(basename "$m"): unsubstituted @...@"
done
ok "$([ -z "$warn" ]; echo $?)" "the man pages format without warnings${warn:+:$warn}"
npctl=$root$SBINDIR/npctl npd=$root$SBINDIR/npd
man8=$root$MANDIR/man8 man5=$root$MANDIR/man5
undoc=
for c in $("$npctl" --help | sed -n 's/^  \([a-z]\+\)\( .*\)\?$/\1/p'); do
	grep -q "^\\\\fB$c\\\\fR\|^\.B $c$" "$man8/npctl.8" || undoc+=" npctl $c"
done
for o in $("$npctl" --help | grep -o -- '--[a-z-]\+' | sort -u) \
	 $("$npctl" attach --help | grep -o -- '--[a-z-]\+' | sort -u); do
	grep -q -- "${o//-/\\\\-}" "$man8/npctl.8" || undoc+=" npctl $o"
done
for o in $("$npd" --help | sed -n '/^Configuration/q;p' | grep -o -- '--[a-z-]\+' | sort -u); do
	grep -q -- "${o//-/\\\\-}" "$man8/npd.8" || undoc+=" npd $o"
done
for k in $("$npd" --help | sed -n '/^Configuration/,/^Signals/p' |
	   sed -n 's/^  \([a-z_]\+\) = .*/\1/p'); do
	grep -q "^\.B[IR]* \"$k = \|^\.BR* \"\?$k = " "$man5/npd.conf.5" || undoc+=" npd.conf $k"
done
ok "$([ -z "$undoc" ]; echo $?)" "the man pages document every command, option and key${undoc:+; missing:$undoc}"
MANWIDTH=80 man -l "$man8/npctl.8" 2>/dev/null | grep -q "^NAME" &&
	man -l "$man8/npctl.8" 2>/dev/null | grep -q "$POLICYDIR"
ok $? "man npctl renders and names the installed policy directory"

# The installed tools: the installed paths, not the build tree's.
"$npctl" --help | grep -q "or $POLICYDIR)"
ok $? "the installed npctl looks for policies in $POLICYDIR"
"$npd" --help | grep -q "(default $SYSCONFDIR/npd.conf)"
ok $? "the installed npd reads $SYSCONFDIR/npd.conf by default"
got=$(NP_POLICY_DIR=$root$POLICYDIR "$npctl" list | grep -c "$POLICYDIR")
ok "$([ "$got" = "$npol" ]; echo $?)" "npctl list finds the $npol installed policies ($got)"
"$npctl" version | grep -q "$(sed -n 's/^#define NP_VERSION[[:space:]]*"\(.*\)"/\1/p' "$top/include/np_version.h")" &&
	grep -q "np $("$npctl" -j version | sed 's/.*"version":"\([^"]*\)".*/\1/')" "$man8/npctl.8"
ok $? "the man pages carry the tools' version"

# bash completion, as bash calls it.
comp() {
	# WORDS... : what the completion offers for the last word.
	bash -c '
		npctl_bin=$1; shift
		source "$COMP_FILE"
		COMP_WORDS=("$npctl_bin" "$@"); COMP_CWORD=$#
		_npctl; printf "%s\n" "${COMPREPLY[@]}"' _ "$npctl" "$@" |
		sort | tr '\n' ' ' | sed 's/ $//'
}
export COMP_FILE=$root$COMPLETIONDIR/npctl NP_POLICY_DIR=$root$POLICYDIR
r1=$(comp at) r2=$(comp attach --node 2 --f) r3=$(comp attach --flags migration,me)
r4=$(comp attach mi) r5=$(comp help st) r6=$(comp -j s)
r7=$(comp flags --node 2 de) r8=$(comp flags --node 2 reclaim,de)
r9=$(comp flags --node 2 migration n)
ok "$([ "$r1" = attach ] && [ "$r2" = --flags ] &&
	[ "$r3" = migration,mempolicy ] && [ "$r4" = minimal ] &&
	[ "$r5" = "stats status" ] && [ "$r6" = "stats status swap" ] &&
	[ "$r7" = "default demotion" ] && [ "$r8" = reclaim,demotion ] &&
	[ "$r9" = numa_balancing ]
	echo $?)" \
	"bash completion: '$r1' '$r2' '$r3' '$r4' '$r5' '$r6' '$r7' '$r8' '$r9'"
unset NP_POLICY_DIR
bash -c "source '$root$COMPLETIONDIR/npd'; COMP_WORDS=(npd --ch); COMP_CWORD=1; _npd; echo \${COMPREPLY[*]}" |
	grep -qx -- --check
ok $? "bash completion of npd"

# PREFIX reaches the built-in paths, the unit and the man pages (only
# these files, in a scratch output directory: no kernel needed).
make -s -C "$top" O="$t/b" PREFIX=/opt/np SYSCONFDIR=/opt/np/etc \
	"$t/b/loader/np_paths.h" "$t/b/systemd/npd.service" \
	"$t/b/man/npd.8" >"$t/prefix.log" 2>&1
grep -q '"/opt/np/lib/np/bpf"' "$t/b/loader/np_paths.h" 2>/dev/null &&
	grep -q '"/opt/np/etc/npd.conf"' "$t/b/loader/np_paths.h" &&
	grep -qx "ExecStart=/opt/np/sbin/npd -c /opt/np/etc/npd.conf" \
		"$t/b/systemd/npd.service" &&
	grep -q "^\.B /opt/np/etc/npd.conf" "$t/b/man/npd.8"
ok $? "PREFIX=/opt/np SYSCONFDIR=/opt/np/etc reach np_paths.h, the unit and the man pages $(head -c 200 "$t/prefix.log")"

make -s -C "$top" O="$out" uninstall DESTDIR="$root" >"$t/uninstall.log" 2>&1
left=$(find "$root" -type f | sed "s|^$root||" | tr '\n' ' ')
ok "$([ -z "$left" ]; echo $?)" "make uninstall removes every file${left:+; left: $left}"
exit $bad
