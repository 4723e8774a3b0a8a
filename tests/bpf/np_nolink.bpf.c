// SPDX-License-Identifier: GPL-2.0
/*
 * np_nolink: a policy in a plain ".struct_ops" section, which libbpf
 * attaches by updating the map rather than through a link; the kernel
 * must refuse it, as a policy that outlives its loader unseen.  Test-only.
 */
#include "np.bpf.h"

char _license[] SEC("license") = "GPL";

int NP_CALLBACK(nolink_admit, int nid, gfp_t gfp, unsigned int order)
{
	return NP_ALLOW;
}

SEC(".struct_ops")
struct node_private_ops nolink_ops = {
	.admit	= (void *)nolink_admit,
	.nid	= 2,	/* the test guest's private node: bpftool loads it */
	.flags	= NP_OPS_MIGRATION | NP_OPS_MEMPOLICY,
	.name	= "np_nolink",
};
