// SPDX-License-Identifier: GPL-2.0
/*
 * isolate: memory that only the workloads that ask for it get.
 *
 * What it is for: fast or slow memory (HBM, far CXL) that must never be
 * used by fallback or by any automatic mm service, but that selected
 * workloads place themselves with mbind(), set_mempolicy() or
 * numactl --membind, and may move in and out with move_pages(2) or
 * migrate_pages(2).  This is what the kernel's built-in "isolated" policy
 * does; as a BPF program it is also the baseline against which `make
 * bench` measures what a BPF decision costs.
 *
 *	npctl attach isolate --node N
 */
#include "np.bpf.h"

char _license[] SEC("license") = "GPL";

/* Only user memory policies reach admit: they named the node. */
int NP_CALLBACK(isolate_admit, int nid, gfp_t gfp, unsigned int order)
{
	return NP_ALLOW;
}

/* In only when a user asked for it; out always. */
int NP_CALLBACK(isolate_migrate, int nid, int src_nid, int dst_nid,
		int reason)
{
	if (src_nid == nid)
		return NP_ALLOW;
	return reason == MR_SYSCALL || reason == MR_MEMPOLICY_MBIND ?
	       NP_ALLOW : NP_DENY;
}

NP_POLICY(isolate_ops,
	  .admit	= (void *)isolate_admit,
	  .migrate	= (void *)isolate_migrate,
	  .flags	= NP_OPS_MIGRATION | NP_OPS_MEMPOLICY,
	  .name		= "isolate");
