// SPDX-License-Identifier: GPL-2.0
/*
 * cgroup: memory reserved for a list of cgroups.
 *
 * What it is for: a vendor-style example of a policy driven by an agent.
 * The node is placed with mbind(), set_mempolicy() or move_pages(2) like
 * isolate, but only tasks of the cgroups listed in the "cgroups" map get
 * it; a task of any other cgroup is refused and its memory falls back to
 * ordinary nodes (or the move fails).  Moves off the node are always
 * allowed.  The agent (or an operator) keeps the list up to date while the
 * policy runs:
 *
 *	npctl attach cgroup --node N
 *	bpftool map update name cgroups key hex <cgroup id, 8 bytes LE> \
 *		value hex 01
 *
 * The cgroup id of a cgroup v2 directory is its inode number (stat -c %i).
 */
#include "np.bpf.h"

char _license[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, u64);
	__type(value, u8);
} cgroups SEC(".maps");

u64 admitted;
u64 refused;

static int listed(void)
{
	u64 id = bpf_get_current_cgroup_id();

	if (id && bpf_map_lookup_elem(&cgroups, &id)) {
		__sync_fetch_and_add(&admitted, 1);
		return NP_ALLOW;
	}
	__sync_fetch_and_add(&refused, 1);
	return NP_DENY;
}

int NP_CALLBACK(cgroup_admit, int nid, gfp_t gfp, unsigned int order)
{
	return listed();
}

int NP_CALLBACK(cgroup_migrate, int nid, int src_nid, int dst_nid,
		int reason)
{
	if (src_nid == nid)
		return NP_ALLOW;
	if (reason != MR_SYSCALL && reason != MR_MEMPOLICY_MBIND)
		return NP_DENY;
	return listed();
}

NP_POLICY(cgroup_ops,
	  .admit	= (void *)cgroup_admit,
	  .migrate	= (void *)cgroup_migrate,
	  .flags	= NP_OPS_MIGRATION | NP_OPS_MEMPOLICY,
	  .name		= "cgroup");
