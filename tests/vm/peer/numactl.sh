#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: numactl's own test suite (make check of Debian's numactl source: regress, move_pages, numademo, bind_range, ...), which takes the private node for one more NUMA node
# timeout: 2400
#
# scripts/peer-numactl.sh builds the suite on the host into
# NP_NUMACTL (build/peer/numactl; its file "built" names the tree).
# make check writes its logs into the tree, so a copy in /tmp runs; the
# copy's programs are libtool wrappers that load libnuma from the
# original tree, which the guest sees read-only at the same path.
#
# The suite counts as NUMA nodes every node with a sysfs directory and
# memory (libnuma), and "all" is the task's Mems_allowed: a private node is
# both, so regress, move_pages and numademo place memory on it with
# --membind, --preferred, interleave and move_pages(2) as on any node.
# Without a private node (the unpatched kernel, or --no-private) node 2 is
# offline and the suite runs on nodes 0 and 1: that run is the baseline.
#
# NP_OUT/results.txt gets "numactl|TEST|RESULT" lines (PASS, SKIP,
# FAIL, TIMEOUT) for tests/peer/compare.py; the logs go to NP_OUT/numactl/.
. "$NP_TESTS/lib.sh"
NP_NUMACTL=${NP_NUMACTL:-$NP_BIN/../peer/numactl}
NUMACTL_TIMEOUT=${NUMACTL_TIMEOUT:-2100}
P=${NP_NODE:-}
res=$NP_OUT/results.txt
: >"$res"

tree=
[ -f "$NP_NUMACTL/built" ] && read -r _ tree <"$NP_NUMACTL/built"
if [ -z "$tree" ] || [ ! -f "$tree/test/regress" ]; then
	ok 1 "numactl's test suite is built in $NP_NUMACTL (scripts/peer-numactl.sh)"
	done_testing
	exit
fi
# The tests make check runs (automake's TESTS), for those that never ran.
tests=$(awk '/^TESTS = /{ on = 1; next }
	on { last = ($0 !~ /\\$/); sub(/\\$/, ""); print; if (last) exit }' \
	"$tree/Makefile.am" | tr -s ' \t' '\n' | sed -n 's|^test/||p')

if [ -n "$P" ]; then
	in_list "$P" "$(cat /sys/devices/system/node/has_private_memory)"
	ok $? "node $P is private"
	held0=$(node_held_pages "$P")
	adm0=$(np_stat admitted)
fi
echo "# numactl --hardware: $(numactl --hardware | head -n 1)"

work=/tmp/numactl
rm -rf "$work"
cp -a "$tree" "$work" || exit 1
start=$(date +%s)
(cd "$work" && timeout -k 10 "$NUMACTL_TIMEOUT" make -k check) \
	>"$NP_OUT/numactl-check.log" 2>&1
rc=$?
echo "# make check: exit $rc in $(($(date +%s) - start))s"
mkdir -p "$NP_OUT/numactl"
cp "$work"/test/*.log "$work"/test-suite.log "$NP_OUT/numactl/" 2>/dev/null

for t in $tests; do
	r=$(sed -n 's/^:test-result: //p' "$work/test/$t.trs" 2>/dev/null |
		head -n 1)
	[ -n "$r" ] || r=TIMEOUT
	[ "$r" = ERROR ] && r=FAIL
	echo "numactl|$t|$r" >>"$res"
	# Every test has what it needs here (two nodes with CPUs, 1 GB each):
	# a SKIP is as wrong as a FAIL.
	ok "$([ "$r" = PASS ]; echo $?)" "numactl $t: $r"
done

if [ -n "$P" ]; then
	# The suite must have used the private node, or it proves nothing
	# about it: regress binds memhog to every node it found...
	grep -q "^=>testing numactl --membind=$P memhog" "$work/test/regress.log"
	ok $? "regress bound memory to node $P (numactl --membind=$P, --preferred=$P)"
	# ...and move_pages moves every third page to the third node.  It
	# counts only a failed call as an error, not a page left behind: the
	# status of each page meant for node P (page 2 is never touched).
	# Page i goes to the (i mod N)th of the N nodes with memory.
	nodes=$(for d in /sys/devices/system/node/node[0-9]*; do
		n=${d##*node}
		[ "$(node_mem "$n" MemTotal)" -gt 0 ] && echo "$n"
	done | sort -n)
	nr=$(echo "$nodes" | wc -l)
	idx=$(echo "$nodes" | grep -nx "$P" | cut -d: -f1)
	bad=$(awk -v p="$P" -v nr="$nr" -v idx="$((idx - 1))" '
		/^Moving pages to target nodes/ { on = 1; next }
		on && /^Page [0-9]+ vaddr=/ {
			n = $NF; sub(/^node=/, "", n)
			if ($2 != 2 && $2 % nr == idx && n != p) bad++
		}
		END { print bad + 0 }' "$work/test/move_pages.log")
	ok "$([ "$bad" = 0 ]; echo $?)" \
		"move_pages(2) put on node $P every page meant for it ($bad not)"
	ok "$([ "$(np_stat admitted)" -gt "$adm0" ]; echo $?)" \
		"the node's policy admitted the suite's allocations (admitted $adm0 -> $(np_stat admitted))"
	# The numactl tools themselves on the private node.
	out=$(memhog -r1 64M membind "$P" 2>&1)
	ok $? "memhog -r1 64M membind $P"
	numastat -n >"$NP_OUT/numastat.txt" 2>&1
	ok $(grep -q "Node $P" "$NP_OUT/numastat.txt"; echo $?) \
		"numastat -n shows node $P ($(grep -c . "$NP_OUT/numastat.txt") lines)"
	held "$NP_BIN/nptest" hold 0 32
	migratepages "$HELD_PID" 0 "$P"
	mrc=$?
	release
	ok $([ $mrc = 0 ] && grep -q "^ok - contents intact" "$HELD_LOG" &&
		grep -q "# after: .*N$P=" "$HELD_LOG"; echo $?) \
		"migratepages PID 0 $P moved a process's memory to node $P, intact ($(grep '# after:' "$HELD_LOG"))"
	rm -rf "$work"
	echo 3 >/proc/sys/vm/drop_caches
	# Free pages on per-CPU lists count as used in MemUsed: left out.
	held=$(node_held_pages "$P")
	echo "# node $P after: $held pages held, $(node_pcp_pages "$P")" \
		"free on per-CPU lists;$(node_in_use "$P")"
	ok "$([ "$held" -le $((held0 + 2048)) ]; echo $?)" \
		"nothing stayed on node $P ($held0 -> $held pages held)"
fi
done_testing
