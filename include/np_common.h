/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Constants shared by the BPF policies and the user-space tools of private
 * memory nodes.  The kernel defines the NP_OPS_* flags as macros, which
 * vmlinux.h cannot carry, so they are repeated here; the values are ABI
 * (include/linux/node_private.h in the kernel series).
 */
#ifndef NP_COMMON_H
#define NP_COMMON_H

#define NP_OPS_MIGRATION	(1U << 0)
#define NP_OPS_MEMPOLICY	(1U << 1)
#define NP_OPS_DEMOTION		(1U << 2)
#define NP_OPS_PROTECT_WRITE	(1U << 3)
#define NP_OPS_RECLAIM		(1U << 4)
#define NP_OPS_NUMA_BALANCING	(1U << 5)
#define NP_OPS_COMPACTION	(1U << 6)
#define NP_OPS_LONGTERM_PIN	(1U << 7)
#define NP_OPS_ALL		((1U << 8) - 1)

/* Length of the name member of struct node_private_ops, with its NUL. */
#define NP_OPS_NAME_LEN		16

/*
 * NUMA_NO_NODE: the "nowhere" answer of demote_target, the "wherever the
 * kernel thinks best" answer of evacuate_target.
 */
#define NP_NO_NODE		(-1)

/* Where npctl pins the link of each node's policy. */
#define NP_PIN_ROOT		"/sys/fs/bpf/np"

/* Per-node sysfs directory of a private node, with %d the node id. */
#define NP_SYSFS_NODE		"/sys/devices/system/node/node%d/private"

/*
 * Tunables.  A policy may keep its run-time settings in a one-entry array
 * map named "tunables" whose value is a struct of integer members; npctl
 * (attach --set, tune) and npd find the members by name through the map's
 * BTF.  Declare the map BPF_F_MMAPABLE: libnp then writes each member on
 * its own with an atomic store, so concurrent writers of different members
 * never undo each other (otherwise it rewrites the whole value).
 *
 * Members may carry rules, as BTF declaration tags that libnp enforces on
 * every write, before anything is written:
 *	NP_TUNABLE_MAX(100)		at most 100
 *	NP_TUNABLE_DEFAULT(80)		what the policy uses for 0
 *	NP_TUNABLE_BELOW(high_pct)	below member high_pct (0 meaning
 *					each one's default)
 *	NP_TUNABLE_REQUEST		a one-shot request: a write adds to
 *					it (atomically, in a mmapable map) and
 *					the policy takes it whole with
 *					__atomic_exchange_n(&m, 0, ...), so no
 *					request is lost or taken twice; 64 bits
 * A policy must still cope with any value (bpftool writes bypass libnp):
 * libnp's checks give the user a clear error, not safety.
 */
#if defined(__bpf__) && !defined(NP_TUNABLE_NO_TAGS)
#define NP_TUNABLE_TAG(s)	__attribute__((btf_decl_tag("np:" s)))
#else
#define NP_TUNABLE_TAG(s)
#endif
#define NP_STR(x)		#x
#define NP_XSTR(x)		NP_STR(x)
#define NP_TUNABLE_MAX(n)	NP_TUNABLE_TAG("max=" NP_XSTR(n))
#define NP_TUNABLE_DEFAULT(n)	NP_TUNABLE_TAG("default=" NP_XSTR(n))
#define NP_TUNABLE_BELOW(m)	NP_TUNABLE_TAG("below=" NP_STR(m))
#define NP_TUNABLE_REQUEST	NP_TUNABLE_TAG("request")

#endif /* NP_COMMON_H */
