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

/* The errors the kfuncs return (vmlinux.h has no macros). */
#ifndef EPERM
#define EPERM		1
#endif
#ifndef EBUSY
#define EBUSY		16
#endif
#ifndef EINVAL
#define EINVAL		22
#endif
#ifndef EOPNOTSUPP
#define EOPNOTSUPP	95
#endif
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "np_common.h"

/*
 * The callbacks, members of struct node_private_ops.  Each is optional;
 * without one the node's flags decide as the built-in policy does.  @nid
 * is always the node the policy is attached to.
 *
 * admit(nid, gfp, order) -> NP_ALLOW or NP_DENY
 *	An allocation of 2^order pages made under a user memory policy
 *	(mbind, set_mempolicy: needs NP_OPS_MEMPOLICY) or by a kernel user
 *	with GFP_PRIVATE may land on the node.  Called before the page
 *	allocator is entered, never under a zone lock, in the context of
 *	the allocating task (bpf_get_current_cgroup_id() is its cgroup).
 *	NP_DENY: the allocation goes to the policy's other nodes or fails
 *	as a bound allocation does (a fault: SIGBUS, not an OOM loop).
 * migrate(nid, src_nid, dst_nid, reason) -> NP_ALLOW or NP_DENY
 *	A folio is about to move into (dst_nid == nid) or out of the node
 *	(needs NP_OPS_MIGRATION; demotion also NP_OPS_DEMOTION, NUMA
 *	balancing NP_OPS_NUMA_BALANCING, compaction NP_OPS_COMPACTION);
 *	reason is an enum migrate_reason.  The folio is unmapped and its
 *	batch locked: keep it short.  Moves out for offlining, memory
 *	failure or long-term pinning are not asked.
 * demote_target(nid, src_nid) -> a node or NP_NO_NODE
 *	The node was picked as the demotion target of src_nid (needs
 *	NP_OPS_DEMOTION): return nid, another node of the tiers below
 *	src_nid, or NP_NO_NODE for none this time (reclaim looks further).
 * evacuate_target(nid, nr_pages) -> an ordinary node or NP_NO_NODE
 *	nr_pages are about to leave the node at the policy's request
 *	(bpf_np_request()): where to.  From a work item, once per batch of
 *	at most 512 pages; NP_NO_NODE is the nearest ordinary node.
 * reclaim_budget(nid, nr_to_reclaim) -> pages
 *	How many pages reclaim may take from the node in this pass (needs
 *	NP_OPS_RECLAIM): a cap over all its cgroups and LRUs; 0 makes
 *	kswapd leave the node alone until woken for it again, without
 *	counting a failure.  Above nr_to_reclaim counts as nr_to_reclaim.
 * write_fault(nid) -> NP_ALLOW or NP_DENY
 *	A write would land in place on a read-only mapped page of the node
 *	(needs NP_OPS_PROTECT_WRITE).  Under the page table lock.  NP_DENY
 *	copies the folio to an ordinary node and writes there.
 * init(nid) -> 0 or a negative errno (sleepable)
 *	Once, when the policy is set on the node, before its first
 *	decision.  An error refuses the attach or update with that errno;
 *	any other value is refused too (EINVAL).
 * exit(nid, info) (sleepable)
 *	Once, when the policy stops deciding for the node: info->kind says
 *	why (np_exit_kind: detached, replaced, node gone, an error), with
 *	info->reason and info->msg.  Use NP_RECORD_EXIT() to keep it.
 *
 * Decision callbacks (all but init and exit) run under rcu_read_lock()
 * with preemption off and must not sleep (the verifier refuses a
 * sleepable one).  A decision callback that would start while another
 * runs on the same CPU (a nested allocation) is skipped and the flags
 * decide.  Any answer outside the ones listed (a verdict other than 0 or
 * 1, a node that is not a valid target) is an error: the kernel disables
 * the policy, the node returns to the built-in policy, and exit() gets
 * NP_EXIT_ERROR with the bad value as the reason; so does
 * bpf_np_error(), with NP_EXIT_ERROR_BPF.  nodeN/private/exit shows it.
 *
 * Kfuncs (below) are for this struct_ops type only; bpf_np_request() and
 * bpf_np_error() work in a decision callback of the node (-EPERM
 * elsewhere, init and exit included).
 *
 * Tunables: see np_common.h.  Flags: set .flags to the NP_OPS_* the
 * policy needs; the kernel refuses flags the device lacks, and
 * LONGTERM_PIN together with PROTECT_WRITE.
 */

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

/* Memory of a node in pages (free, used, ...), or -EINVAL. */
extern s64 bpf_np_node_stat(s32 nid, enum np_node_stat item) __ksym;
/* A counter of the node's device in bytes, -EOPNOTSUPP if it has none. */
extern s64 bpf_np_device_counter(s32 nid, enum np_dev_counter which) __ksym;
/*
 * Ask for nr_pages (1 to 1 GiB worth) to be evacuated or demoted off the
 * node, later, by a work item (evacuate_target() says where).  Requests of
 * one kind add up until the work item takes them; one that would take them
 * past 1 GiB worth is refused whole with -EBUSY (ask again later).  0,
 * -EBUSY, -EINVAL, or -EPERM outside a decision callback.
 */
extern int bpf_np_request(s32 nid, enum np_request what, u64 nr_pages) __ksym;
/* The most pages bpf_np_request() holds of one kind: 1 GiB of 4 KiB pages. */
#define NP_REQUEST_MAX_PAGES	(1ULL << 18)
/*
 * Report an error: the kernel disables the policy at once, with reason and
 * msg as its exit information.  0, or -EPERM outside a decision callback.
 */
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
