// SPDX-License-Identifier: GPL-2.0
/*
 * np_sleepable: a policy with a sleepable admit callback, which the
 * kernel must refuse: decisions are taken in atomic context.  Test-only.
 */
#include "np.bpf.h"

char _license[] SEC("license") = "GPL";

int NP_CALLBACK_SLEEPABLE(sleepy_admit, int nid, gfp_t gfp,
			  unsigned int order)
{
	return NP_ALLOW;
}

NP_POLICY(sleepy_ops,
	  .admit	= (void *)sleepy_admit,
	  .flags	= NP_OPS_MIGRATION | NP_OPS_MEMPOLICY,
	  .name		= "np_sleepable");
