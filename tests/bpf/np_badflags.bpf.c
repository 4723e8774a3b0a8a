// SPDX-License-Identifier: GPL-2.0
/*
 * np_badflags: a policy for node 2 (the test guest's private node) that
 * declares a flag the kernel does not know, 0x100, for bpftool struct_ops
 * register, which, unlike npctl, does not check the flags first: the
 * kernel's own check must refuse it.  Test-only.
 */
#define NP_NID 2
#include "np.bpf.h"

char _license[] SEC("license") = "GPL";

int NP_CALLBACK(badflags_admit, int nid, gfp_t gfp, unsigned int order)
{
	return NP_ALLOW;
}

NP_POLICY(badflags_ops,
	  .admit	= (void *)badflags_admit,
	  .flags	= NP_OPS_MIGRATION | 0x100,
	  .name		= "np_badflags");
