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

#endif /* NP_COMMON_H */
