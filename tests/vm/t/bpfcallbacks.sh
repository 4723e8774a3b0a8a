#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# description: bpf/minimal's demote_target, write_fault and reclaim_budget are asked
# timeout: 400
. "$NP_TESTS/lib.sh"
P=$NP_NODE
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf

# calls N: minimal's call count for callback N (see bpf/minimal.bpf.c).
calls() {
	bpf_var minimal.bss calls | tr -d '[] ' | cut -d, -f"$1"
}

echo 1 >/sys/kernel/mm/numa/demotion_enabled
check "the device takes writes in place" -- np_caps "0xff write=allow"
# MIGRATION DEMOTION PROTECT_WRITE RECLAIM
check "attach minimal with flags migration,demotion,protect_write,reclaim" -- \
	"$NPCTL" attach minimal --node "$P" \
	--flags migration,demotion,protect_write,reclaim

res=$(push_down_and_write)
echo "# $res"
n=$(kv before "$res")
ok "$([ "${n:-0}" -gt 1000 ] && [ "$(calls 3)" -ge 1 ] && echo 0 || echo 1)" \
	"demote_target was asked ($(calls 3) calls) and $n pages demoted to node $P"
ok "$([ "$(kv written "$res")" = "$n" ] && [ "$(calls 5)" -ge "$n" ] &&
	[ "$(kv intact "$res")" = 1 ] && echo 0 || echo 1)" \
	"write_fault was asked for each write and allowed it in place ($(calls 5) calls)"

# Proactive memcg reclaim of a cgroup that has nothing on the ordinary
# nodes goes on to the private nodes with RECLAIM, and asks the budget.
mountpoint -q /sys/fs/cgroup || mount -t cgroup2 none /sys/fs/cgroup
echo +memory >/sys/fs/cgroup/cgroup.subtree_control
mkdir -p /sys/fs/cgroup/npcb
echo 1M >/sys/fs/cgroup/npcb/memory.reclaim 2>/dev/null
ok "$([ "$(calls 4)" -ge 1 ] && echo 0 || echo 1)" \
	"reclaim_budget was asked ($(calls 4) calls)"
check "detach" -- "$NPCTL" detach --node "$P"
rmdir /sys/fs/cgroup/npcb
np_caps 0xff
done_testing
