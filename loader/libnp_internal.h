/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the files of libnp share and its users do not see: the policy
 * object, struct members found through BTF, the rules of tunables, and
 * the helpers that more than one file calls.
 */
#ifndef LIBNP_INTERNAL_H
#define LIBNP_INTERNAL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

struct bpf_link;
struct bpf_map;
struct bpf_object;
struct btf;
struct btf_type;

#define NP_BPFFS	"/sys/fs/bpf"

struct np_policy {
	struct bpf_object *obj;
	struct bpf_map *map;		/* the node_private_ops map */
	const struct btf_type *type;	/* struct node_private_ops */
	char path[PATH_MAX];
	char name[NP_OPS_NAME_LEN];
	int nid;
	bool loaded;
	int load_err;			/* of np_tunables_write_initial() */
	/*
	 * The "tunables" map, if the policy has one: its value struct, and
	 * the values np_policy_set_var() stored for entry 0 until
	 * np_policy_load() writes them (tun_set: which bytes were set).
	 */
	struct bpf_map *tun_map;
	const struct btf_type *tun_type;
	unsigned char *tun_val;
	unsigned char *tun_set;
	size_t tun_size;
	bool tun_pending;
};

/* An integer member of a struct: where it is, how wide, which member. */
struct np_field {
	size_t off;
	size_t size;
	int idx;
};

/* The rules of a tunable (NP_TUNABLE_* in np_common.h). */
struct np_rules {
	bool has_max;
	bool has_def;
	bool request;
	unsigned long long max;
	unsigned long long def;
	char below[64];
};

/* libnp.c */
__attribute__((format(printf, 1, 2)))
void np_err(const char *fmt, ...);
int np_read_file(const char *path, char *buf, size_t len);

/* libnp_policy.c */
/*
 * Whether map MAP_ID is one of those the programs of the policy pinned
 * for node NID use: 1 yes, 0 no, -ESTALE when the pin holds no policy,
 * or another negative errno.
 */
int np_live_uses_map(int nid, __u32 map_id);
/* The same policy's map called NAME: 1 and its id, 0 none, or -errno. */
int np_live_map_named(int nid, const char *name, __u32 *map_id);

/* libnp_btf.c */
int np_field_find(const struct btf *btf, const struct btf_type *t,
		  const char *name, struct np_field *f);
void np_field_list(const struct btf *btf, const struct btf_type *t,
		   char *buf, size_t len);
const struct btf_type *np_struct_type(const struct btf *btf, __u32 id);
unsigned long long np_field_get(const void *data, const struct np_field *f);
void np_field_put(void *data, const struct np_field *f,
		  unsigned long long v);
int np_split_key(const char *what, const char *assignment, char *key,
		 size_t keylen, const char **value);
int np_parse_uint(const char *what, const char *assignment, const char *s,
		  size_t size, unsigned long long *val);
void np_field_rules(const struct btf *btf, const struct btf_type *t,
		    const struct np_field *f, struct np_rules *r);
unsigned long long np_effective(const struct np_rules *r,
				unsigned long long v);
int np_tunables_check(const char *what, const struct btf *btf,
		      const struct btf_type *t, const unsigned char *val,
		      size_t size, const unsigned char *set);

#endif /* LIBNP_INTERNAL_H */
