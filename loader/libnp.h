/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libnp: load, attach, replace and inspect BPF policies of private memory
 * nodes.  Shared by npctl and npd.  Functions return 0 or a negative errno
 * and print what went wrong to stderr; none of them exits.
 */
#ifndef LIBNP_H
#define LIBNP_H

#include <stdbool.h>
#include <stddef.h>

struct bpf_link;
struct np_policy;

/* Open POLICY: a path to a BPF object, or the name of an installed one. */
int np_policy_open(const char *policy, struct np_policy **out);
void np_policy_close(struct np_policy *p);
/* The path of the object that was opened, and its policy name. */
const char *np_policy_path(const struct np_policy *p);
const char *np_policy_name(const struct np_policy *p);

/* Before np_policy_load(): the node, flags, and global variables. */
int np_policy_set_node(struct np_policy *p, int nid);
int np_policy_set_flags(struct np_policy *p, unsigned int flags);
int np_policy_set_name(struct np_policy *p, const char *name);
int np_policy_set_var(struct np_policy *p, const char *assignment);
int np_policy_load(struct np_policy *p);
/*
 * All of the above at once: open POLICY for node NID, with NAME and FLAGS
 * unless NULL, the NR_SETS "VAR=VALUE" assignments of SETS, and load it.
 */
int np_policy_prepare(const char *policy, int nid, const char *name,
		      const unsigned int *flags, const char *const *sets,
		      int nr_sets, struct np_policy **out);

/*
 * Attach a loaded policy to its node.  With PIN the link is pinned at
 * np_pin_path() and stays after the caller exits; without, *link is the
 * caller's, and bpf_link__destroy() detaches the policy.
 */
int np_policy_attach(struct np_policy *p, bool pin, struct bpf_link **link);
/* Replace the policy of LINK's node by P, atomically. */
int np_policy_swap(struct np_policy *p, struct bpf_link *link);

/* The pinned link of node NID: its path, opening it, detaching it. */
int np_pin_path(int nid, char *buf, size_t len);
struct bpf_link *np_link_open(int nid);
int np_link_detach(int nid);

/* Private nodes: ids into NIDS (at most MAX); returns how many. */
int np_private_nodes(int *nids, int max);
/* Read nodeN/private/FILE, without the final newline. */
int np_node_read(int nid, const char *file, char *buf, size_t len);
/* Flags: parse "migration,mempolicy" or a number; print names. */
int np_flags_parse(const char *s, unsigned int *flags);
const char *np_flag_name(unsigned int bit);
/* The directory searched for installed policies. */
const char *np_policy_dir(void);
/* A sentence about ERR for an attach or swap that failed. */
const char *np_attach_strerror(int err);

#endif /* LIBNP_H */
