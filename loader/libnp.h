/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libnp: load, attach, replace and inspect BPF policies of private memory
 * nodes.  Shared by npctl and npd.  Functions return 0 or a negative errno
 * and print what went wrong, to stderr unless the caller set a print
 * function (np_set_print()); none of them exits.
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

/*
 * Before np_policy_load(): the node, flags, and variables.  A "KEY=VALUE"
 * assignment sets member KEY of the policy's tunables (entry 0 of its
 * one-entry array map "tunables", found by name through BTF, written by
 * np_policy_load() before the policy is attached) if it has one, else
 * the global variable KEY.  An unknown KEY is -EINVAL, with the valid
 * names in the message.
 */
int np_policy_set_node(struct np_policy *p, int nid);
int np_policy_set_flags(struct np_policy *p, unsigned int flags);
int np_policy_set_name(struct np_policy *p, const char *name);
int np_policy_set_var(struct np_policy *p, const char *assignment);
/*
 * Check the tunables assignments made so far against the rules their
 * members declare, as they would be written into a new map (zero
 * elsewhere), without loading anything: -EINVAL with the rule broken in
 * the message, prefixed by WHAT.  np_policy_load() checks them too.
 */
int np_policy_check_tunables(struct np_policy *p, const char *what);
int np_policy_load(struct np_policy *p);
/*
 * Whether the policy pinned for node NID runs the same programs as P,
 * configured the same: the tags of its programs (from the ids in its
 * struct_ops map) against those of P, which is loaded (not attached) if
 * it was not, then its read-only globals (what --set gave them) against
 * P's.  1 same, 0 different, or a negative errno (-ESTALE: the pin holds
 * no policy).  Names say little: two builds of a policy share their 15
 * characters.
 */
int np_policy_same_code(struct np_policy *p, int nid);
/* Whether KEY is a tunable, or a tunable or integer global variable. */
bool np_policy_has_tunable(const struct np_policy *p, const char *key);
bool np_policy_has_var(const struct np_policy *p, const char *key);
/*
 * All of the above at once: open POLICY for node NID, with NAME and FLAGS
 * unless NULL, the NR_SETS "VAR=VALUE" assignments of SETS, and load it.
 */
int np_policy_prepare(const char *policy, int nid, const char *name,
		      const unsigned int *flags, const char *const *sets,
		      int nr_sets, struct np_policy **out);

/*
 * Attach a loaded policy to its node.  With PIN the link is pinned at
 * np_pin_path() and the tunables map, if any, at np_tunables_pin_path();
 * both stay after the caller exits.  Without, *link is the caller's, and
 * bpf_link__destroy() detaches the policy.
 */
int np_policy_attach(struct np_policy *p, bool pin, struct bpf_link **link);
/*
 * Replace the policy of LINK's node by P, atomically.  When LINK is the
 * node's pinned link (np_link_open()), the tunables pin follows: it is
 * replaced by P's tunables with a rename(2), or removed if P has none.
 */
int np_policy_swap(struct np_policy *p, struct bpf_link *link);

/*
 * The pinned link of node NID: its path, opening it, detaching it (which
 * removes the link and tunables pins).
 */
int np_pin_path(int nid, char *buf, size_t len);
struct bpf_link *np_link_open(int nid);
/*
 * Let go of LINK without detaching it: its file descriptor is closed and
 * the kernel's link stays as long as a pin (or another holder) keeps it.
 * bpf_link__disconnect() alone would leave the descriptor open, and with
 * it the policy alive in a long-running process after its node went.
 */
void np_link_put(struct bpf_link *link);
/*
 * Whether the pins of every node (NP_PIN_ROOT) are safe from other users:
 * the directory owned by root (or by the caller) with mode 0700, bpffs'
 * root not writable by others unless sticky.  -EPERM, with the reason
 * printed, if not.  With CREATE, mount bpffs (mode 0700) and create the
 * directory if missing; without, a missing one is fine.
 */
int np_pin_dir_check(bool create);
/*
 * Whether the pin of node NID is stale: its link no longer holds a policy
 * of the node (the link was detached, the node is no longer private, or
 * the node has no policy, as after a removal and re-add).  1 with the
 * reason in WHY, 0 if it is live or there is no pin, or a negative errno.
 * np_pin_clean() removes a stale pin and its tunables pin, and temporary
 * pins left by processes that died; 1 if it removed a stale pin.
 * np_policy_attach() calls it first.
 */
int np_pin_stale(int nid, char *why, size_t len);
int np_pin_clean(int nid);
int np_link_detach(int nid);

/*
 * The tunables of the policy attached to node NID, through the pin at
 * np_tunables_pin_path() and the BTF the kernel keeps for the map.
 * Assignments are "KEY=VALUE" with an unsigned VALUE; np_tunables_update()
 * checks them all, then writes entry 0 once.  np_tunables_dump() calls FN
 * for each integer member in order, stopping at a non-zero return, which
 * it returns; it is silent and returns -ENOENT when nothing is pinned.
 */
typedef int (*np_tunable_fn)(const char *key, unsigned long long val,
			     void *arg);
int np_tunables_pin_path(int nid, char *buf, size_t len);
int np_tunables_set(int nid, const char *assignment);
int np_tunables_update(int nid, const char *const *assignments, int n);
int np_tunables_get(int nid, const char *key, unsigned long long *val);
int np_tunables_dump(int nid, np_tunable_fn fn, void *arg);

/*
 * The device behind private node NID, from nodeN/private/, whatever its
 * kind: np_device_counters() reads the counters it reports
 * (device_counters), -ENODATA if it reports none, -EINVAL if the file
 * lacks one of them or is malformed (np_device_counters_parse() parses
 * such a file's TEXT, which it changes); np_device_alert() reads
 * whether it asks for memory to be moved off the node (device_alert, which
 * poll(2) wakes on a change: np_node_path() names it).
 */
struct np_device_counters {
	unsigned long long logical_bytes;	/* data the node holds */
	unsigned long long physical_bytes;	/* device memory it takes */
	unsigned long long physical_capacity;	/* device memory in all */
};
int np_device_counters(int nid, struct np_device_counters *c);
int np_device_counters_parse(char *text, struct np_device_counters *c);
int np_device_alert(int nid, bool *high);
/* TEXT of device_alert, without its newline (a poller reads it itself). */
int np_device_alert_parse(const char *text, bool *high);
/* The path of nodeN/private/FILE. */
int np_node_path(int nid, const char *file, char *buf, size_t len);

/*
 * Choose the services of node NID's built-in policy (nodeN/private/flags):
 * FLAGS, 0 for none, or with NULL the default ones.  The kernel checks
 * them as any policy's flags.  Prints nothing (the caller knows what to
 * say); returns 0 or a negative errno: -EINVAL refused (the kernel logs
 * why), -EBUSY while a BPF policy decides, -ENOENT or -ENODEV when NID is
 * not a private node, -EACCES for a caller other than root.
 */
int np_builtin_flags_set(int nid, const unsigned int *flags);
/* Private nodes: ids into NIDS (at most MAX); returns how many. */
int np_private_nodes(int *nids, int max);
/* Read nodeN/private/FILE, without the final newline. */
int np_node_read(int nid, const char *file, char *buf, size_t len);
/* Flags: parse "migration,mempolicy" or a number; print names. */
int np_flags_parse(const char *s, unsigned int *flags);
const char *np_flag_name(unsigned int bit);
/*
 * The names of the flags in FLAGS, separated by SEP, into BUF ("" for 0);
 * -E2BIG if they do not fit (BUF then holds as much as fits).
 */
int np_flags_format(unsigned int flags, const char *sep, char *buf,
		    size_t len);
/* The directory searched for installed policies. */
const char *np_policy_dir(void);
/* A sentence about ERR for an attach or swap that failed. */
const char *np_attach_strerror(int err);
/*
 * Capabilities, as masks of NP_CAP(CAP_...).  Loading, attaching, replacing
 * and detaching a policy and writing its tunables need NP_CAPS_POLICY:
 * CAP_BPF and CAP_PERFMON for the bpf() calls of a struct_ops policy,
 * CAP_SYS_ADMIN to mount bpffs and to open other programs by id; the pins
 * themselves are root's (mode 0600 in a 0700 directory).  As in the
 * kernel, CAP_SYS_ADMIN stands for CAP_BPF and CAP_PERFMON.
 * np_caps_missing() returns how many of NEED the
 * caller's effective set lacks, their names in BUF ("CAP_BPF, ..."), or a
 * negative errno.
 */
#define NP_CAP(cap)	(1ULL << (cap))
/* CAP_BPF, CAP_PERFMON, CAP_SYS_ADMIN (<linux/capability.h>) */
#define NP_CAPS_POLICY	(NP_CAP(39) | NP_CAP(38) | NP_CAP(21))
int np_caps_missing(unsigned long long need, char *buf, size_t len);
/*
 * Where the library's messages go, as libbpf_set_print() does for libbpf's:
 * FN gets each message whole, usually ending with a newline, instead of
 * stderr (the caller adds its own prefix); NULL (the default) prints to
 * stderr.  It is the only setting the library keeps for the process.
 * Returns the function that was set before.
 */
typedef void (*np_print_fn)(const char *msg);
np_print_fn np_set_print(np_print_fn fn);

#endif /* LIBNP_H */
