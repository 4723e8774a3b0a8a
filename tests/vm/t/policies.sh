#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: bpf/tier demotes and lets hot pages back; bpf/cgroup admits only listed cgroups
# timeout: 500
. "$NP_TESTS/lib.sh"
P=$NP_NODE
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
objs=$(bpf_objects)

echo "# tier"
echo 1 >/sys/kernel/mm/numa/demotion_enabled
check "attach tier" -- "$NPCTL" attach tier --node "$P"
ok "$([ "$(np_sys flags)" = "migration demotion reclaim numa_balancing" ] &&
	echo 0 || echo 1)" "flags: $(np_sys flags)"
res=$(push_down_and_write)
echo "# $res"
n=$(kv before "$res")
ok "$([ "${n:-0}" -gt 1000 ] && [ "$(bpf_var tier.bss demotions_in)" -ge 1 ] &&
	echo 0 || echo 1)" \
	"pressure on node 0 demoted $n pages to node $P ($(bpf_var tier.bss demotions_in) demotions admitted)"
ok "$([ "$(kv intact "$res")" = 1 ] && [ "$(kv written "$res")" = "$n" ] &&
	echo 0 || echo 1)" "tier takes writes in place (no PROTECT_WRITE)"
# Pages demoted to the node, then read for 30 s from a CPU node: NUMA
# balancing moves them back (MR_NUMA_MISPLACED), which tier allows.
mountpoint -q /sys/fs/cgroup || mount -t cgroup2 none /sys/fs/cgroup
echo +memory >/sys/fs/cgroup/cgroup.subtree_control
mkdir -p /sys/fs/cgroup/np_tier
echo 1 >/proc/sys/kernel/numa_balancing
storm np_tier "$P" 16 text --local --touch 30
start=$STORM_LINE
storm_wait '^touched' 300
end=$(grep -m1 '^touched' "$STORM_LOG")
storm_end
echo 0 >/proc/sys/kernel/numa_balancing
echo "# demoted: $start; after 30 s of reads: $end"
s0=$(kv on_node "$start") s1=$(kv on_node "${end#touched }")
ok "$([ "${s0:-0}" -gt 1000 ] && [ "${s1:-$s0}" -lt "$s0" ] &&
	[ "$(bpf_var tier.bss promotions_out)" -ge 1 ] && echo 0 || echo 1)" \
	"hot pages went back to the CPU's node: $s0 -> $s1 on node $P ($(bpf_var tier.bss promotions_out) promotions)"
check "detach tier" -- "$NPCTL" detach --node "$P"

echo "# cgroup"
mountpoint -q /sys/fs/cgroup || mount -t cgroup2 none /sys/fs/cgroup
mkdir -p /sys/fs/cgroup/np_in /sys/fs/cgroup/np_out
check "attach cgroup" -- "$NPCTL" attach cgroup --node "$P"
id=$(stat -c %i /sys/fs/cgroup/np_in)
key=$(printf '%016x' "$id" | sed 's/../& /g' |
	awk '{ for (i = 8; i > 0; i--) printf "%s ", $i }')
# shellcheck disable=SC2086
check "list cgroup np_in (id $id) with bpftool" -- \
	"$BPFTOOL" map update name cgroups key hex $key value hex 01
# in_cgroup NAME CMD...: run CMD as a task of cgroup NAME.
in_cgroup() {
	local cg=$1
	shift
	bash -c 'echo $$ >"/sys/fs/cgroup/$0/cgroup.procs" && exec "$@"' \
		"$cg" "$@"
}
rin=$(in_cgroup np_in "$NP_BIN/npops" fault "$P" bind 8)
rout=$(in_cgroup np_out "$NP_BIN/npops" fault "$P" bind 8)
echo "# np_in: $rin"
echo "# np_out: $rout"
ok "$([ "$(kv on_node "$rin")" = 2048 ] && echo 0 || echo 1)" \
	"a listed cgroup gets node $P (2048 pages)"
ok "$([ "$(kv on_node "$rout")" = 0 ] && [ "$(kv sigbus "$rout")" = 1 ] &&
	echo 0 || echo 1)" \
	"another cgroup is refused: a bind-only fault gets SIGBUS"
ok "$([ "$(bpf_var cgroup.bss admitted)" -ge 1 ] &&
	[ "$(bpf_var cgroup.bss refused)" -ge 1 ] && echo 0 || echo 1)" \
	"cgroup counted $(bpf_var cgroup.bss admitted) admissions, $(bpf_var cgroup.bss refused) refusals"
check "detach cgroup" -- "$NPCTL" detach --node "$P"
rmdir /sys/fs/cgroup/np_in /sys/fs/cgroup/np_out /sys/fs/cgroup/np_tier
check_no_leak "$objs"
done_testing
