#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: npd adopts a pinned policy only if it runs the same programs with the same read-only globals as the configured object: another build under the same name, or other globals, is swapped out, the same one adopted without a re-attach
# timeout: 300
. "$NP_TESTS/lib.sh"
P=$NP_NODE
NPD=$NP_BIN/../loader/npd
run=$NP_OUT/npdadopt
pin=/sys/fs/bpf/np/node$P
mkdir -p "$run"
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
cat >"$run/npd.conf" <<EOF2
[global]
on_exit = keep
[node $P]
policy = minimal
EOF2

# ops_map: the name of the struct_ops map behind the node's pinned link.
ops_map() {
	local id
	id=$("$BPFTOOL" -j link show pinned "$pin" | python3 -c '
import json, sys; print(json.load(sys.stdin)["map_id"])') || return 1
	"$BPFTOOL" -j map show id "$id" | python3 -c '
import json, sys; print(json.load(sys.stdin)["name"])'
}

# npd_until REGEX LOG: start npd on npd.conf, wait for REGEX in LOG.
npd_until() {
	npd_start "$run/npd.conf" "$2" "$1"
}

check "attach np_samename, whose policy is also named minimal" -- \
	"$NPCTL" attach np_samename --node "$P"
ok "$([ "$(np_sys policy)" = minimal ] && [ "$(ops_map)" = samename_ops ]; echo $?)" \
	"node $P runs 'minimal' from samename_ops"
check "npd sees other programs under the name and swaps" -- \
	npd_until "running:" "$run/npd1.log"
sed 's/^/# /' "$run/npd1.log"
ok "$(grep -q "runs other programs or settings than .*minimal.bpf.o; swapping" "$run/npd1.log" &&
	[ "$(ops_map)" = minimal_ops ] && [ "$(np_sys state)" = enabled ]; echo $?)" \
	"the configured minimal now runs ($(ops_map))"
kill -TERM "$NPD_PID"
wait "$NPD_PID"
seq=$(np_sys enable_seq)
check "a new npd finds the same programs" -- \
	npd_until "running:" "$run/npd2.log"
sed 's/^/# /' "$run/npd2.log"
ok "$(grep -q "adopted policy minimal" "$run/npd2.log" &&
	[ "$(np_sys enable_seq)" = "$seq" ] && [ "$(ops_map)" = minimal_ops ]; echo $?)" \
	"adopted without a re-attach (enable_seq $seq -> $(np_sys enable_seq))"
kill -TERM "$NPD_PID"
wait "$NPD_PID"
check "detach" -- "$NPCTL" detach --node "$P"

# The same programs with other read-only globals (what set gives them)
# are another configuration: swapped, then adopted once they match.
check "attach np_testpol with admit_verdict=0 (NP_DENY)" -- \
	"$NPCTL" attach np_testpol --node "$P" --set admit_verdict=0
cat >"$run/npd.conf" <<EOF2
[global]
on_exit = keep
[node $P]
policy = np_testpol
set = admit_verdict=1
EOF2
seq=$(np_sys enable_seq)
check "npd with admit_verdict=1 configured" -- \
	npd_until "running:" "$run/npd3.log"
sed 's/^/# /' "$run/npd3.log"
ok "$(grep -q "runs other programs or settings than .*np_testpol.bpf.o; swapping" "$run/npd3.log" &&
	[ "$(np_sys enable_seq)" -gt "$seq" ] &&
	[ "$(bpf_var np_testp.rodata admit_verdict)" = 1 ]; echo $?)" \
	"other globals: swapped (enable_seq $seq -> $(np_sys enable_seq), admit_verdict $(bpf_var np_testp.rodata admit_verdict))"
kill -TERM "$NPD_PID"
wait "$NPD_PID"
seq=$(np_sys enable_seq)
check "npd again, the same configuration" -- \
	npd_until "running:" "$run/npd4.log"
ok "$(grep -q "adopted policy np_testpol" "$run/npd4.log" &&
	[ "$(np_sys enable_seq)" = "$seq" ]; echo $?)" \
	"the same globals: adopted (enable_seq $seq -> $(np_sys enable_seq))"
kill -TERM "$NPD_PID"
wait "$NPD_PID"
check "detach np_testpol" -- "$NPCTL" detach --node "$P"
done_testing
