// SPDX-License-Identifier: GPL-2.0
/*
 * minimal: the smallest complete policy of a private node, and the
 * template to copy for a new one.
 *
 * What it is for: a starting point, and a check that every callback of
 * node_private_ops can be a BPF program.  It implements each callback,
 * agrees with whatever the flags allow, and counts the calls in calls[],
 * which `bpftool map dump name minimal.bss` shows.  Its flags are those
 * of the built-in "isolated" policy, so attaching it changes nothing but
 * who decides.
 *
 * To start a policy of your own: copy this file, rename the functions,
 * the map and .name, keep the callbacks you need (np.bpf.h says when each
 * is called, which flag enables it and what it may answer), set .flags,
 * and build it outside this tree with this tree's np.bpf.h and
 * vmlinux.h:
 *
 *	clang -g -O2 -target bpf -D__TARGET_ARCH_x86 -I$NP -I$NP/include \
 *		-I$LIBBPF_INCLUDE -c mine.bpf.c -o mine.bpf.o
 *	npctl attach ./mine.bpf.o --node 2
 *
 * The "template" VM test does exactly that.  bpftool struct_ops register
 * cannot set the node: build for it with -DNP_NID=N.
 */
#include "np.bpf.h"

char _license[] SEC("license") = "GPL";

enum {
	CALL_ADMIT,
	CALL_MIGRATE,
	CALL_DEMOTE_TARGET,
	CALL_RECLAIM_BUDGET,
	CALL_WRITE_FAULT,
	CALL_INIT,
	CALL_EXIT,
	CALL_EVACUATE_TARGET,
	NR_CALLS,
};

u64 calls[NR_CALLS];
struct np_user_exit_info uei;

static void count(int call)
{
	__sync_fetch_and_add(&calls[call], 1);
}

int NP_CALLBACK(minimal_admit, int nid, gfp_t gfp, unsigned int order)
{
	count(CALL_ADMIT);
	return NP_ALLOW;
}

int NP_CALLBACK(minimal_migrate, int nid, int src_nid, int dst_nid,
		int reason)
{
	count(CALL_MIGRATE);
	return NP_ALLOW;
}

int NP_CALLBACK(minimal_demote_target, int nid, int src_nid)
{
	count(CALL_DEMOTE_TARGET);
	return nid;
}

/* Evacuations go to the ordinary node nearest to the private node. */
int NP_CALLBACK(minimal_evacuate_target, int nid, unsigned long nr_pages)
{
	count(CALL_EVACUATE_TARGET);
	return NP_NO_NODE;
}

unsigned long NP_CALLBACK(minimal_reclaim_budget, int nid,
			  unsigned long nr_to_reclaim)
{
	count(CALL_RECLAIM_BUDGET);
	return nr_to_reclaim;
}

int NP_CALLBACK(minimal_write_fault, int nid)
{
	count(CALL_WRITE_FAULT);
	return NP_ALLOW;
}

int NP_CALLBACK_SLEEPABLE(minimal_init, int nid)
{
	count(CALL_INIT);
	return 0;
}

void NP_CALLBACK_SLEEPABLE(minimal_exit, int nid,
			   const struct np_exit_info *info)
{
	count(CALL_EXIT);
	NP_RECORD_EXIT(uei, info);
}

NP_POLICY(minimal_ops,
	  .admit		= (void *)minimal_admit,
	  .migrate		= (void *)minimal_migrate,
	  .demote_target	= (void *)minimal_demote_target,
	  .evacuate_target	= (void *)minimal_evacuate_target,
	  .reclaim_budget	= (void *)minimal_reclaim_budget,
	  .write_fault		= (void *)minimal_write_fault,
	  .init			= (void *)minimal_init,
	  .exit			= (void *)minimal_exit,
	  .flags		= NP_OPS_MIGRATION | NP_OPS_MEMPOLICY,
	  .name			= "minimal");
