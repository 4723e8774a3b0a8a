// SPDX-License-Identifier: GPL-2.0
/*
 * np_lookups: bpf/isolate's decisions, after a chosen amount of work per
 * admission, for the scaling benchmark (tests/vm/bench/scale.sh):
 *
 *	npctl attach np_lookups --node N --set lookups=L
 *
 * Each admit call looks up L keys (16 at most) of a hash map, as a policy
 * that keeps per-cgroup or per-range state does.  The map holds 16
 * entries, filled by the first call, so every lookup after that finds its
 * key.  Test-only.
 */
#include "np.bpf.h"

char _license[] SEC("license") = "GPL";

#define MAX_LOOKUPS	16

const volatile u32 lookups;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_LOOKUPS);
	__type(key, u64);
	__type(value, u64);
} state SEC(".maps");

/* Admissions, and those that found all their keys (bpftool map dump). */
u64 admit_calls, admit_found;
static bool filled;

int NP_CALLBACK(lookups_admit, int nid, gfp_t gfp, unsigned int order)
{
	u64 key, *v, found = 0;
	u32 i;

	__sync_fetch_and_add(&admit_calls, 1);
	if (!filled) {
#pragma unroll
		for (i = 0; i < MAX_LOOKUPS; i++) {
			u64 k = i, init = i;

			bpf_map_update_elem(&state, &k, &init, BPF_ANY);
		}
		filled = true;
	}
#pragma unroll
	for (i = 0; i < MAX_LOOKUPS; i++) {
		if (i >= lookups)
			break;
		/* Spread the keys like cgroup ids: not 0, 1, 2... */
		key = (u64)i * 0x9e3779b9 % MAX_LOOKUPS;
		v = bpf_map_lookup_elem(&state, &key);
		if (v && *v == key)
			found++;
	}
	if (found == (lookups < MAX_LOOKUPS ? lookups : MAX_LOOKUPS))
		__sync_fetch_and_add(&admit_found, 1);
	return NP_ALLOW;
}

int NP_CALLBACK(lookups_migrate, int nid, int src_nid, int dst_nid,
		int reason)
{
	if (src_nid == nid)
		return NP_ALLOW;
	return reason == MR_SYSCALL || reason == MR_MEMPOLICY_MBIND ?
	       NP_ALLOW : NP_DENY;
}

NP_POLICY(lookups_ops,
	  .admit	= (void *)lookups_admit,
	  .migrate	= (void *)lookups_migrate,
	  .flags	= NP_OPS_MIGRATION | NP_OPS_MEMPOLICY,
	  .name		= "np_lookups");
