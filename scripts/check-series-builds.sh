#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-series-builds.sh [--stages LIST] OUT
#
# The build checks of kernel-patch/, on the series as `make kernel` last
# applied it (OUT/linux-am, commits on the tag np-base), checked out in a
# worktree of its own, OUT/linux-check, so that neither disturbs the
# other.  Four stages, all by default (LIST: a comma list):
#
#   bisect  after each patch, every object the series touches that the
#           project build (OUT/kbuild, which must be built: make kernel)
#           compiles, in its configuration
#   matrix  a full build with modpost (vmlinux and modules) of the small
#           configuration kernel-patch/config-matrix, whose test drivers
#           are modules, at the tip; the same with one option off in turn
#           (NODE_PRIVATE, NUMA, BPF_SYSCALL, MEMCG, TRANSPARENT_HUGEPAGE)
#   patches the small configuration's full build after each patch
#   warn    at the tip, W=1, sparse and kernel-doc on what the series
#           touches: a report on a line the series adds fails
#
# Each check prints "ok N - ..." or "not ok N - ..." with the end of its
# log; the exit status is non-zero if one failed.  Output goes to
# OUT/kbisect, OUT/kmatrix, OUT/kpatches and OUT/kwarn.  Cold, on 2
# cores, the whole takes about two hours; ccache shortens a second run.
set -euo pipefail

usage() {
	sed -n 's/^# \?//p' "$0" | sed -n '4,25p'
}

stages=bisect,matrix,patches,warn
while [ $# -gt 0 ]; do
	case "$1" in
	-h|--help) usage; exit 0 ;;
	--stages) [ $# -ge 2 ] || { usage >&2; exit 2; }
		stages=$2; shift 2 ;;
	--stages=*) stages=${1#--stages=}; shift ;;
	-*) echo "check-series-builds: unknown option $1" >&2; usage >&2
	    exit 2 ;;
	*) break ;;
	esac
done
if [ $# != 1 ]; then
	usage >&2
	exit 2
fi
if [ -z "${stages//,/}" ]; then
	echo "check-series-builds: --stages names no stage" >&2
	exit 2
fi
IFS=, read -r -a stage_list <<<"$stages"
for s in "${stage_list[@]}"; do
	case "$s" in
	bisect|matrix|patches|warn) ;;
	*) echo "check-series-builds: unknown stage '$s'" \
		"(bisect, matrix, patches, warn)" >&2; exit 2 ;;
	esac
done
want() { case ",$stages," in *",$1,"*) return 0 ;; esac; return 1; }

out=$(readlink -f "$1")
top=$(dirname "$(readlink -f "$0")")/..
matrix_frag=$top/kernel-patch/config-matrix
if ! git -C "$out/linux-am" rev-parse -q --verify np-base >/dev/null 2>&1; then
	echo "check-series-builds: $out/linux-am has no series" \
		"(run 'make kernel')" >&2
	exit 1
fi
head=$(git -C "$out/linux-am" rev-parse HEAD)
am=$out/linux-check
if ! git -C "$am" rev-parse -q --verify "$head^{commit}" >/dev/null 2>&1
then
	rm -rf "$am"
	git -C "$out/linux-am" worktree prune
	git -C "$out/linux-am" worktree add -q --detach "$am" "$head"
fi
# bisect and warn build what the project build compiled of the objects
# the series touches: without that build they would find nothing to
# build and pass having checked nothing.
if { want bisect || want warn; } && [ ! -f "$out/kbuild/vmlinux" ]; then
	echo "check-series-builds: the project kernel is not built" \
		"($out/kbuild/vmlinux missing: run 'make kernel')" >&2
	exit 1
fi
jobs=$(nproc)
# Reports are matched by their English wording and git's plain output.
export LC_ALL=C
GITDIFF=(diff --no-color --no-ext-diff --src-prefix=a/ --dst-prefix=b/)
kmake() {
	make -s -C "$am" CC="ccache gcc" KBUILD_BUILD_TIMESTAMP=2000-01-01 \
		KBUILD_BUILD_USER=np KBUILD_BUILD_HOST=np "$@"
}

git -C "$am" checkout -q -f --detach "$head"
git -C "$am" clean -q -fdx
trap 'git -C "$am" checkout -q --detach "$head"' EXIT
commits=$(git -C "$am" rev-list --reverse np-base.."$head")
total=$(echo "$commits" | wc -l)
objs=$(git -C "$am" diff --name-only np-base "$head" -- '*.c' |
	{ grep -v '^tools/' || true; } | sed 's/\.c$/.o/')
t=0 failed=0

# report OK NAME LOG: one TAP line, and the end of LOG on failure.
report() {
	t=$((t + 1))
	if [ "$1" = 0 ]; then
		echo "ok $t - $2"
	else
		echo "not ok $t - $2"
		[ -n "${3:-}" ] && sed 's/^/    # /' "$3" | tail -n 25
		failed=$((failed + 1))
	fi
}

# matrix_config DIR VARIANT: configure DIR from the matrix fragment with
# VARIANT (an option name, or "all") off, and check that Kconfig kept
# what was asked.
matrix_config() {
	local dir=$1 v=$2 frag=$1/fragment
	local line sym
	mkdir -p "$dir"
	# Before a patch adds an option, the fragment cannot ask for it.
	while IFS= read -r line; do
		case "$line" in CONFIG_*) ;; *) continue ;; esac
		sym=${line%%=*}
		sym=${sym#CONFIG_}
		[ "$sym" = "$v" ] && continue
		if git -C "$am" grep -q -E "^(menu)?config $sym\$" -- \
			'*Kconfig*'; then
			echo "$line"
		fi
	done <"$matrix_frag" >"$frag"
	[ "$v" = all ] || echo "# CONFIG_$v is not set" >>"$frag"
	kmake O="$dir" KCONFIG_ALLCONFIG="$frag" allnoconfig \
		>"$dir/config.log" 2>&1 || return 1
	if [ "$v" = all ]; then
		"$top/scripts/check-config.sh" "$dir/.config" "$frag" \
			>>"$dir/config.log" 2>&1 || return 1
	elif grep -q "^CONFIG_$v=" "$dir/.config"; then
		echo "CONFIG_$v is still set" >>"$dir/config.log"
		return 1
	fi
}

# matrix_build DIR VARIANT LOG: configure DIR (matrix_config) and build
# vmlinux and modules there, into LOG.
matrix_build() {
	if ! matrix_config "$1" "$2" >"$3" 2>&1; then
		cat "$1/config.log" >>"$3"
		return 1
	fi
	kmake O="$1" -j"$jobs" vmlinux modules >>"$3" 2>&1
}

# each_patch STAGE FUNC: check out each patch of the series in turn and
# report what FUNC N LOG returns for it (N counts from 1), then go back
# to the tip.
each_patch() {
	local c n=0 rc subject
	for c in $commits; do
		n=$((n + 1))
		git -C "$am" checkout -q --detach "$c"
		subject=$(git -C "$am" log -1 --format=%s "$c")
		rc=0
		"$2" $n "$out/k$1/build-$n.log" || rc=$?
		report $rc "$1 $n/$total: $subject" "$out/k$1/build-$n.log"
	done
	git -C "$am" checkout -q --detach "$head"
}

# --- bisect ------------------------------------------------------------
# bisect_one N LOG: the objects the series touches, as far as they exist
# at this patch and the project configuration builds them (an object in
# the full build).  bisect_built counts them.
bisect_built=0
bisect_one() {
	local o these=
	for o in $objs; do
		if [ -f "$am/${o%.o}.c" ] && [ -f "$out/kbuild/$o" ]; then
			these="$these $o"
		fi
	done
	[ -n "$these" ] || { echo "nothing to build" >"$2"; return 0; }
	bisect_built=$((bisect_built + $(echo $these | wc -w)))
	cp "$out/kbuild/.config" "$out/kbisect/.config"
	{ kmake O="$out/kbisect" olddefconfig &&
	  kmake O="$out/kbisect" -j"$jobs" $these; } >"$2" 2>&1
}

if want bisect; then
	mkdir -p "$out/kbisect"
	echo "# bisect: the objects the series touches after each of" \
		"$total patches"
	each_patch bisect bisect_one
	# A stage that built nothing checked nothing.
	rc=0
	[ $bisect_built -gt 0 ] || rc=1
	report $rc "bisect built $bisect_built objects over the $total patches"
fi

# --- matrix ------------------------------------------------------------
if want matrix; then
	kout=$out/kmatrix
	echo "# matrix: vmlinux and modules (modpost) of" \
		"kernel-patch/config-matrix at the tip, then with one option off"
	for v in all NODE_PRIVATE NUMA BPF_SYSCALL MEMCG TRANSPARENT_HUGEPAGE; do
		if [ $v = all ]; then
			dir=$kout/all name="matrix tip"
		else
			dir=$kout/no-$v name="matrix tip, CONFIG_$v=n"
		fi
		mkdir -p "$dir"
		rc=0
		matrix_build "$dir" "$v" "$dir/build-tip.log" || rc=$?
		report $rc "$name" "$dir/build-tip.log"
	done
	# What no configuration built is not checked by this stage.
	missed=$(for o in $objs; do
		ls "$kout"/*/"$o" >/dev/null 2>&1 || echo "${o%.o}.c"
		done)
	[ -z "$missed" ] ||
		echo "# matrix: built by no configuration:" $missed
fi

# --- patches -----------------------------------------------------------
# patches_one N LOG: the small configuration, vmlinux and modules.
patches_one() {
	matrix_build "$out/kmatrix/all" all "$2"
}

if want patches; then
	mkdir -p "$out/kpatches" "$out/kmatrix/all"
	echo "# patches: vmlinux and modules (modpost) of" \
		"kernel-patch/config-matrix after each patch"
	each_patch patches patches_one
fi

# --- warn --------------------------------------------------------------
# Reports of W=1, sparse and kernel-doc name FILE:LINE; those on a line
# the series adds are the series' own.  Pre-existing reports in the files
# it touches are not.
added_lines() {
	git -C "$am" "${GITDIFF[@]}" -U0 np-base "$head" | awk '
		/^\+\+\+ b\// && !hunk { f = substr($2, 3); next }
		/^diff --git / { hunk = 0; next }
		/^@@ / {
			hunk = 1
			split($3, a, ",")
			s = substr(a[1], 2); c = (2 in a) ? a[2] : 1
			for (i = 0; i < c; i++) print f ":" (s + i)
		}'
}

# own_reports ADDED LOG: the reports of LOG on added lines, one each.
own_reports() {
	awk -v am="$am/" '
		NR == FNR { added[$0] = 1; next }
		match($0, /[^ :]+:[0-9]+(:[0-9]+)?: (warning|error)/) {
			split(substr($0, RSTART, RLENGTH), p, ":")
			f = p[1]
			if (index(f, am) == 1)
				f = substr(f, length(am) + 1)
			while (f ~ /^(\.\.\/|\.\/)/)
				sub(/^[^\/]*\//, "", f)
			while (sub(/\/\.\//, "/", f))
				;
			while (sub(/[^\/]+\/\.\.\//, "", f))
				;
			if ((f ":" p[2]) in added)
				print
		}' "$1" "$2" | sort -u
}

# judge NAME LOG RC: report NAME failed if RC is not 0 or LOG has reports
# on added lines (kept in LOG.own, shown rather than LOG then).
judge() {
	local rc=$3
	own_reports "$kout/added" "$2" >"$2.own"
	[ -s "$2.own" ] && rc=1
	if [ -s "$2.own" ]; then
		report $rc "$1" "$2.own"
	else
		report $rc "$1" "$2"
	fi
}

if want warn; then
	kout=$out/kwarn
	mkdir -p "$kout"
	echo "# warn: W=1, sparse and kernel-doc at the tip, on the lines" \
		"the series adds"
	added_lines >"$kout/added"
	built=$(for o in $objs; do
		if [ -f "$out/kbuild/$o" ]; then echo "$o"; fi; done)
	if [ -z "$built" ]; then
		echo "check-series-builds: the project build has none of the" \
			"objects the series touches (run 'make kernel')" >&2
		exit 1
	fi
	cp "$out/kbuild/.config" "$kout/.config"
	# Older W=1 warnings of the files touched must not stop the build
	# (CONFIG_WERROR) before the series' own lines are seen; -k goes on
	# past a failing object, and a real error still fails below.
	"$am/scripts/config" --file "$kout/.config" -d WERROR
	kmake O="$kout" olddefconfig >/dev/null 2>&1

	rc=0
	kmake O="$kout" -k -j"$jobs" W=1 $built >"$kout/w1.log" 2>&1 || rc=$?
	judge "warn: W=1 on $(echo $built | wc -w) objects" "$kout/w1.log" $rc

	rc=0
	kmake O="$kout" -k -j"$jobs" C=2 CHECK=sparse $built \
		>"$kout/sparse.log" 2>&1 || rc=$?
	# A kfunc is called by BPF programs through BTF, never by C: sparse
	# asks for a prototype or static, as for every upstream kfunc.
	# Those reports, on a line that defines a __bpf_kfunc, are listed
	# and not judged.
	awk '
		match($0, /^[^ :]+:[0-9]+:[0-9]+: warning: symbol .* was not declared/) {
			split($0, p, ":")
			line = ""
			if ((getline line < p[1]) >= 0) {
				n = 1
				while (n < p[2] && (getline line < p[1]) > 0)
					n++
				close(p[1])
			}
			if (line ~ /^__bpf_kfunc /) {
				print > "/dev/stderr"
				next
			}
		}
		{ print }' "$kout/sparse.log" >"$kout/sparse.judged" \
		2>"$kout/sparse.kfuncs"
	[ -s "$kout/sparse.kfuncs" ] &&
		echo "# sparse: $(wc -l <"$kout/sparse.kfuncs") kfunc definition(s) reported as undeclared, not judged"
	judge "warn: sparse on the same objects" "$kout/sparse.judged" $rc

	files=$(git -C "$am" diff --name-only --diff-filter=AM np-base "$head" \
		-- '*.c' '*.h' | { grep -v '^tools/' || true; })
	# kernel-doc exits non-zero on any warning: only ours count.
	(cd "$am" && scripts/kernel-doc -none -Wall $files) \
		>"$kout/kdoc.log" 2>&1 || true
	judge "warn: kernel-doc -Wall on $(echo $files | wc -w) files" \
		"$kout/kdoc.log" 0
fi

echo "1..$t"
if [ $failed != 0 ]; then
	echo "check-series-builds: $failed of $t checks failed" >&2
	exit 1
fi
echo "check-series-builds: $t checks passed"
