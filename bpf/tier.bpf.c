// SPDX-License-Identifier: GPL-2.0
/*
 * tier: a slow memory tier below DRAM.
 *
 * What it is for: slow memory (far CXL, persistent memory used as RAM)
 * that should hold the cold pages of ordinary nodes instead of swap, while
 * the hot ones go back to DRAM.  The node
 *
 *  - is a demotion target: under memory pressure on an ordinary node,
 *    reclaim demotes its cold pages here, as long as min_free_pct of the
 *    node stays free (then reclaim looks elsewhere);
 *  - lets hot pages be promoted back: with NUMA balancing in tiering mode
 *    (sysctl kernel.numa_balancing=2), hinting faults on its pages move
 *    them to the faulting CPU's node;
 *  - takes explicit moves (move_pages(2), migrate_pages(2)) and never
 *    blocks a move out;
 *  - is reclaimed by kswapd like any node, so it does not fill up for good.
 *
 * No allocation lands here directly: data arrives by demotion or moves.
 *
 *	npctl attach tier --node N [--set min_free_pct=5]
 */
#include "np.bpf.h"

char _license[] SEC("license") = "GPL";

/* Below this share of free memory the node takes no more demotions. */
const volatile u32 min_free_pct = 5;

u64 demotions_in;
u64 promotions_out;
u64 refused_full;

static bool has_room(int nid)
{
	s64 free = bpf_np_node_stat(nid, NP_NODE_FREE_PAGES);
	s64 managed = bpf_np_node_stat(nid, NP_NODE_MANAGED_PAGES);

	if (free < 0 || managed <= 0)
		return false;
	return (u64)free * 100 >= (u64)managed * min_free_pct;
}

int NP_CALLBACK(tier_migrate, int nid, int src_nid, int dst_nid, int reason)
{
	if (src_nid == nid) {
		if (reason == MR_NUMA_MISPLACED)
			__sync_fetch_and_add(&promotions_out, 1);
		return NP_ALLOW;
	}
	if (!has_room(nid)) {
		__sync_fetch_and_add(&refused_full, 1);
		return NP_DENY;
	}
	if (reason == MR_DEMOTION)
		__sync_fetch_and_add(&demotions_in, 1);
	return NP_ALLOW;
}

int NP_CALLBACK(tier_demote_target, int nid, int src_nid)
{
	return has_room(nid) ? nid : NP_NO_NODE;
}

NP_POLICY(tier_ops,
	  .migrate		= (void *)tier_migrate,
	  .demote_target	= (void *)tier_demote_target,
	  .flags		= NP_OPS_MIGRATION | NP_OPS_DEMOTION |
				  NP_OPS_NUMA_BALANCING | NP_OPS_RECLAIM,
	  .name			= "tier");
