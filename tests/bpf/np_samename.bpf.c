// SPDX-License-Identifier: GPL-2.0
/*
 * np_samename: another policy that calls itself "minimal", as an older or
 * a patched build of bpf/minimal would.  npd must not adopt one for the
 * other by the name alone.  Test-only.
 */
#include "np.bpf.h"

char _license[] SEC("license") = "GPL";

u64 admits;

int NP_CALLBACK(samename_admit, int nid, gfp_t gfp, unsigned int order)
{
	__sync_fetch_and_add(&admits, 1);
	return NP_ALLOW;
}

NP_POLICY(samename_ops,
	  .admit	= (void *)samename_admit,
	  .flags	= NP_OPS_MIGRATION | NP_OPS_MEMPOLICY,
	  .name		= "minimal");
