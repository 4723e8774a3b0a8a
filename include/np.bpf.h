/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every BPF policy of a private memory node includes: the kernel's
 * types, the NP_OPS_* flags, the kfuncs, and macros to declare callbacks
 * and the struct_ops map.  A policy looks like:
 *
 *	#include "np.bpf.h"
 *
 *	int NP_CALLBACK(my_admit, int nid, gfp_t gfp, unsigned int order)
 *	{
 *		return NP_ALLOW;
 *	}
 *
 *	NP_POLICY(my_policy,
 *		  .admit = (void *)my_admit,
 *		  .flags = NP_OPS_MIGRATION | NP_OPS_MEMPOLICY,
 *		  .name = "my_policy");
 *
 * The node is set by the loader (npctl attach --node N); bpftool cannot
 * set it, so an object for bpftool is built with -DNP_NID=N (see
 * NP_POLICY below).
 *
 * Run-time settings go in a "tunables" map: see np_common.h for the
 * contract (mmapable, rules as NP_TUNABLE_* tags, one-shot requests) and
 * bpf/cram.bpf.c with include/np_cram.h for an example.
 */
#ifndef NP_BPF_H
#define NP_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "np_common.h"

/* A decision callback: runs in atomic context, must not sleep. */
#define NP_CALLBACK(name, args...)					\
	SEC("struct_ops/" #name) BPF_PROG(name, ##args)

/* init and exit may sleep. */
#define NP_CALLBACK_SLEEPABLE(name, args...)				\
	SEC("struct_ops.s/" #name) BPF_PROG(name, ##args)

/*
 * The policy itself: a struct_ops map attached through a link.  Its node
 * is set by the loader (npctl, npd: --node N, "[node N]").  A policy has
 * no node of its own: the kernel refuses one that reaches it without a
 * node ("names no node" in its log), rather than let it land on whatever
 * node 2 happens to be.  For loaders that cannot set it (bpftool struct_ops
 * register), build the object for its node with -DNP_NID=N.
 */
#ifdef NP_NID
#define NP_POLICY_NID	(NP_NID)
#else
#define NP_POLICY_NID	NP_NO_NODE
#endif
#define NP_POLICY(var, ...)						\
	SEC(".struct_ops.link") struct node_private_ops var = {		\
		.nid = NP_POLICY_NID, __VA_ARGS__ }

/* Memory of a node in pages, or -EINVAL. */
extern s64 bpf_np_node_stat(s32 nid, enum np_node_stat item) __ksym;
/* A counter of the node's device, -EOPNOTSUPP if it has none. */
extern s64 bpf_np_device_counter(s32 nid, enum np_dev_counter which) __ksym;
/* Cgroup id of the task the decision is for; 0 outside task context. */
extern u64 bpf_np_cgroup_id(void) __ksym;
/* Ask for pages to be moved off the node, later; from a callback. */
extern int bpf_np_request(s32 nid, enum np_request what, u64 nr_pages) __ksym;
/* Report an error: the kernel disables the policy; from a callback. */
extern int bpf_np_error(s32 nid, s64 reason, const char *msg__str) __ksym;

/* The exit information, copied for user space to read after exit. */
struct np_user_exit_info {
	s32 kind;
	s64 reason;
	u64 seq;
	char msg[128];
};

/*
 * Copy the exit information the kernel passes to the exit callback into a
 * global that user space reads, as sched_ext's user_exit_info does.
 */
#define NP_RECORD_EXIT(uei, info)	({				\
	(uei).seq = (info)->seq;					\
	(uei).reason = (info)->reason;					\
	bpf_probe_read_kernel_str((uei).msg, sizeof((uei).msg),		\
				  (info)->msg);				\
	/* kind last: readers take a non-zero kind as complete */	\
	asm volatile("" ::: "memory");					\
	(uei).kind = (info)->kind;					\
})

#endif /* NP_BPF_H */
