// SPDX-License-Identifier: GPL-2.0
/*
 * np_badkfunc: a policy calling a kfunc the kernel does not have, which
 * must fail to load.  Test-only.
 */
#include "np.bpf.h"

char _license[] SEC("license") = "GPL";

extern s64 bpf_np_no_such_kfunc(s32 nid) __ksym;

int NP_CALLBACK(badkfunc_admit, int nid, gfp_t gfp, unsigned int order)
{
	return bpf_np_no_such_kfunc(nid) > 0 ? NP_ALLOW : NP_DENY;
}

NP_POLICY(badkfunc_ops,
	  .admit	= (void *)badkfunc_admit,
	  .flags	= NP_OPS_MIGRATION | NP_OPS_MEMPOLICY,
	  .name		= "np_badkfunc");
