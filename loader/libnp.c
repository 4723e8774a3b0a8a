// SPDX-License-Identifier: GPL-2.0
/*
 * libnp: load, attach, replace and inspect BPF policies of private memory
 * nodes.  See libnp.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "np_common.h"
#include "np_cram.h"
#include "libnp.h"
#include "np_paths.h"

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

static const char *np_log_prefix = "";
static np_print_fn np_print;

void np_set_log_prefix(const char *prefix)
{
	np_log_prefix = prefix ? prefix : "";
}

np_print_fn np_set_print(np_print_fn fn)
{
	np_print_fn old = np_print;

	np_print = fn;
	return old;
}

/*
 * Every message of the library goes through here, to the caller's print
 * function if it set one, else to stderr; errno is kept.
 */
__attribute__((format(printf, 1, 2)))
static void np_err(const char *fmt, ...)
{
	int saved = errno;
	char msg[1024], line[1152];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (np_print) {
		snprintf(line, sizeof(line), "%s%s", np_log_prefix, msg);
		np_print(line);
	} else {
		fprintf(stderr, "%s%s", np_log_prefix, msg);
	}
	errno = saved;
}

static const char * const np_flag_names[] = {
	"migration", "mempolicy", "demotion", "protect_write", "reclaim",
	"numa_balancing", "compaction", "longterm_pin",
};

const char *np_flag_name(unsigned int bit)
{
	if (bit >= sizeof(np_flag_names) / sizeof(np_flag_names[0]))
		return NULL;
	return np_flag_names[bit];
}

/* The flag names, separated by spaces, into BUF. */
static void np_flag_list(char *buf, size_t len)
{
	size_t used = 0;
	unsigned int i;
	int n;

	buf[0] = '\0';
	for (i = 0; np_flag_name(i) && used < len; i++) {
		n = snprintf(buf + used, len - used, "%s%s", i ? " " : "",
			     np_flag_name(i));
		if (n < 0)
			break;
		used += n;
	}
}

int np_flags_parse(const char *s, unsigned int *flags)
{
	char *copy, *tok, *save = NULL, *end, names[160];
	unsigned long v;
	unsigned int i, out = 0;
	int ret = 0;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (*s && !*end && !errno) {
		if (v & ~(unsigned long)NP_OPS_ALL) {
			np_err("flags %#lx: unknown bits %#lx\n", v,
				v & ~(unsigned long)NP_OPS_ALL);
			return -EINVAL;
		}
		*flags = v;
		return 0;
	}
	copy = strdup(s);
	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",| ", &save); tok;
	     tok = strtok_r(NULL, ",| ", &save)) {
		for (i = 0; np_flag_name(i); i++)
			if (!strcasecmp(tok, np_flag_name(i)))
				break;
		if (!np_flag_name(i)) {
			np_flag_list(names, sizeof(names));
			np_err("unknown flag '%s'; flags are: %s\n", tok, names);
			ret = -EINVAL;
			goto out;
		}
		out |= 1U << i;
	}
	*flags = out;
out:
	free(copy);
	return ret;
}

const char *np_policy_dir(void)
{
	static char dir[PATH_MAX + 16];
	char exe[PATH_MAX], *slash;
	const char *env = getenv("NP_POLICY_DIR");
	ssize_t n;

	if (env && *env)
		return env;
	/*
	 * In a build tree, the policies built with the binary:
	 * build/loader/npctl -> build/bpf.  An installed binary (not in a
	 * directory called "loader") uses the installed policies only.
	 */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash && slash - exe >= 7 &&
		    !strncmp(slash - 7, "/loader", 7)) {
			*slash = '\0';
			snprintf(dir, sizeof(dir), "%s/../bpf", exe);
			if (!access(dir, R_OK))
				return dir;
		}
	}
	return NP_LIB_DIR;
}

static int np_resolve(const char *policy, char *path, size_t len)
{
	size_t l = strlen(policy);

	if (strchr(policy, '/') || (l > 2 && !strcmp(policy + l - 2, ".o")))
		snprintf(path, len, "%s", policy);
	else
		snprintf(path, len, "%s/%s.bpf.o", np_policy_dir(), policy);
	if (access(path, R_OK)) {
		np_err("policy '%s': cannot read %s: %s\n", policy,
			path, strerror(errno));
		return -ENOENT;
	}
	return 0;
}

/* Find the member NAME of the policy's struct: its offset and size. */
static int np_member(struct np_policy *p, const char *name, size_t *off,
		     size_t *size)
{
	const struct btf *btf = bpf_object__btf(p->obj);
	const struct btf_member *m = btf_members(p->type);
	int i, sz;

	for (i = 0; i < btf_vlen(p->type); i++, m++) {
		if (strcmp(btf__name_by_offset(btf, m->name_off), name))
			continue;
		sz = btf__resolve_size(btf, m->type);
		if (sz < 0)
			return sz;
		*off = btf_member_bit_offset(p->type, i) / 8;
		*size = sz;
		return 0;
	}
	return -ENOENT;
}

static int np_set_member(struct np_policy *p, const char *name,
			 const void *val, size_t len)
{
	size_t off, size, vsize;
	char *data;
	int ret;

	ret = np_member(p, name, &off, &size);
	if (ret) {
		np_err("%s: struct node_private_ops has no member %s\n",
			p->path, name);
		return ret;
	}
	data = bpf_map__initial_value(p->map, &vsize);
	if (!data || off + size > vsize || len > size)
		return -EINVAL;
	memset(data + off, 0, size);
	memcpy(data + off, val, len);
	return 0;
}

/*
 * Integer member NAME of struct T: 1, 2, 4 or 8 bytes, byte aligned.
 * -ENOENT when T has no such member, -EINVAL when it is not an integer.
 */
static int np_field_find(const struct btf *btf, const struct btf_type *t,
			 const char *name, struct np_field *f)
{
	const struct btf_member *m = btf_members(t);
	const struct btf_type *mt;
	unsigned int bit;
	int i, id, sz;

	for (i = 0; i < btf_vlen(t); i++, m++) {
		if (strcmp(btf__name_by_offset(btf, m->name_off), name))
			continue;
		id = btf__resolve_type(btf, m->type);
		mt = id < 0 ? NULL : btf__type_by_id(btf, id);
		sz = btf__resolve_size(btf, m->type);
		bit = btf_member_bit_offset(t, i);
		if (!mt || (!btf_is_int(mt) && !btf_is_any_enum(mt)) ||
		    btf_member_bitfield_size(t, i) || bit % 8 ||
		    (sz != 1 && sz != 2 && sz != 4 && sz != 8))
			return -EINVAL;
		f->off = bit / 8;
		f->size = sz;
		f->idx = i;
		return 0;
	}
	return -ENOENT;
}

/* The names of the integer members of struct T, separated by spaces. */
static void np_field_list(const struct btf *btf, const struct btf_type *t,
			  char *buf, size_t len)
{
	const struct btf_member *m = btf_members(t);
	const char *name;
	struct np_field f;
	size_t used = 0;
	int i, n;

	buf[0] = '\0';
	for (i = 0; i < btf_vlen(t) && used < len; i++, m++) {
		name = btf__name_by_offset(btf, m->name_off);
		if (!name || !*name || np_field_find(btf, t, name, &f))
			continue;
		n = snprintf(buf + used, len - used, "%s%s", used ? " " : "",
			     name);
		if (n < 0)
			break;
		used += n;
	}
}

/* The struct that type ID is, through typedefs and modifiers, or NULL. */
static const struct btf_type *np_struct_type(const struct btf *btf, __u32 id)
{
	const struct btf_type *t;
	int rid = btf__resolve_type(btf, id);

	if (rid < 0)
		return NULL;
	t = btf__type_by_id(btf, rid);
	return t && btf_is_struct(t) ? t : NULL;
}

/* Read or write integer field F of DATA. */
static unsigned long long np_field_get(const void *data,
				       const struct np_field *f)
{
	const unsigned char *p = (const unsigned char *)data + f->off;
	__u8 v8;
	__u16 v16;
	__u32 v32;
	__u64 v64;

	switch (f->size) {
	case 1:
		memcpy(&v8, p, 1);
		return v8;
	case 2:
		memcpy(&v16, p, 2);
		return v16;
	case 4:
		memcpy(&v32, p, 4);
		return v32;
	}
	memcpy(&v64, p, 8);
	return v64;
}

static void np_field_put(void *data, const struct np_field *f,
			 unsigned long long v)
{
	unsigned char *p = (unsigned char *)data + f->off;
	__u8 v8 = v;
	__u16 v16 = v;
	__u32 v32 = v;
	__u64 v64 = v;

	switch (f->size) {
	case 1:
		memcpy(p, &v8, 1);
		break;
	case 2:
		memcpy(p, &v16, 2);
		break;
	case 4:
		memcpy(p, &v32, 4);
		break;
	default:
		memcpy(p, &v64, 8);
	}
}

/* Split "KEY=VALUE" for WHAT (a message prefix): KEY into KEY, VALUE. */
static int np_split_key(const char *what, const char *assignment, char *key,
			size_t keylen, const char **value)
{
	const char *eq = strchr(assignment, '=');

	if (!eq || eq == assignment || (size_t)(eq - assignment) >= keylen) {
		np_err("%s %s: expected KEY=VALUE\n", what, assignment);
		return -EINVAL;
	}
	snprintf(key, keylen, "%.*s", (int)(eq - assignment), assignment);
	*value = eq + 1;
	return 0;
}

/* An unsigned VALUE that fits in SIZE bytes (any when SIZE is 0). */
static int np_parse_uint(const char *what, const char *assignment,
			 const char *s, size_t size, unsigned long long *val)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (!*s || *end || errno || *s == '-' ||
	    (size && size < 8 && v >> (size * 8))) {
		if (size)
			np_err("%s %s: '%s' is not an integer from 0 to %llu\n",
			       what, assignment, s,
			       size < 8 ? (1ULL << (size * 8)) - 1 : ~0ULL);
		else
			np_err("%s %s: '%s' is not an unsigned integer\n",
			       what, assignment, s);
		return -EINVAL;
	}
	*val = v;
	return 0;
}

/*
 * The policy's "tunables" map, if it has one: a one-entry array whose
 * value is a struct.  A map of that name that is something else is an
 * error, so that a mistake in a policy does not go unnoticed.
 */
static int np_tunables_find(struct np_policy *p)
{
	const struct btf *btf = bpf_object__btf(p->obj);
	struct bpf_map *map;

	map = bpf_object__find_map_by_name(p->obj, "tunables");
	if (!map)
		return 0;
	if (bpf_map__type(map) != BPF_MAP_TYPE_ARRAY ||
	    bpf_map__max_entries(map) < 1 ||
	    bpf_map__key_size(map) != sizeof(__u32) || !btf ||
	    !bpf_map__btf_value_type_id(map)) {
		np_err("%s: map 'tunables' must be an array with a BTF value type\n",
		       p->path);
		return -EINVAL;
	}
	p->tun_type = np_struct_type(btf, bpf_map__btf_value_type_id(map));
	if (!p->tun_type) {
		np_err("%s: the value of map 'tunables' is not a struct\n",
		       p->path);
		return -EINVAL;
	}
	p->tun_size = bpf_map__value_size(map);
	p->tun_val = calloc(1, p->tun_size);
	p->tun_set = calloc(1, p->tun_size);
	if (!p->tun_val || !p->tun_set)
		return -ENOMEM;
	p->tun_map = map;
	return 0;
}

int np_policy_open(const char *policy, struct np_policy **out)
{
	struct np_policy *p;
	struct bpf_map *map;
	const struct btf *btf;
	size_t off, size, vsize;
	const char *data;
	int id, ret, n = 0;

	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	ret = np_resolve(policy, p->path, sizeof(p->path));
	if (ret)
		goto err;
	p->obj = bpf_object__open_file(p->path, NULL);
	if (!p->obj) {
		ret = -errno;
		np_err("%s: cannot open BPF object: %s\n", p->path,
			strerror(-ret));
		goto err;
	}
	bpf_object__for_each_map(map, p->obj) {
		if (bpf_map__type(map) != BPF_MAP_TYPE_STRUCT_OPS)
			continue;
		p->map = map;
		n++;
	}
	btf = bpf_object__btf(p->obj);
	id = btf ? btf__find_by_name_kind(btf, "node_private_ops",
					  BTF_KIND_STRUCT) : -ENOENT;
	if (n != 1 || id < 0) {
		np_err("%s: not a private node policy (needs exactly one struct node_private_ops map, found %d struct_ops maps)\n",
			p->path, n);
		ret = -EINVAL;
		goto err;
	}
	p->type = btf__type_by_id(btf, id);
	data = bpf_map__initial_value(p->map, &vsize);
	if (!data || np_member(p, "name", &off, &size) ||
	    off + size > vsize) {
		np_err("%s: cannot read the policy's name\n",
			p->path);
		ret = -EINVAL;
		goto err;
	}
	snprintf(p->name, sizeof(p->name), "%.*s", (int)size, data + off);
	if (np_member(p, "nid", &off, &size) || size != sizeof(int) ||
	    off + size > vsize) {
		np_err("%s: the policy has no nid member\n", p->path);
		ret = -EINVAL;
		goto err;
	}
	memcpy(&p->nid, data + off, sizeof(int));
	ret = np_tunables_find(p);
	if (ret)
		goto err;
	*out = p;
	return 0;
err:
	np_policy_close(p);
	return ret;
}

void np_policy_close(struct np_policy *p)
{
	if (!p)
		return;
	bpf_object__close(p->obj);
	free(p->tun_val);
	free(p->tun_set);
	free(p);
}

const char *np_policy_path(const struct np_policy *p)
{
	return p->path;
}

const char *np_policy_name(const struct np_policy *p)
{
	return p->name;
}

int np_policy_set_node(struct np_policy *p, int nid)
{
	int ret = np_set_member(p, "nid", &nid, sizeof(nid));

	if (!ret)
		p->nid = nid;
	return ret;
}

int np_policy_set_name(struct np_policy *p, const char *name)
{
	int ret;

	if (!*name || strlen(name) >= NP_OPS_NAME_LEN) {
		np_err("policy name '%s': 1 to %d characters\n", name,
			NP_OPS_NAME_LEN - 1);
		return -EINVAL;
	}
	ret = np_set_member(p, "name", name, strlen(name));
	if (!ret)
		snprintf(p->name, sizeof(p->name), "%s", name);
	return ret;
}

int np_policy_set_flags(struct np_policy *p, unsigned int flags)
{
	return np_set_member(p, "flags", &flags, sizeof(flags));
}

/* Find global variable NAME: its section map, offset and size. */
static int np_find_var(const struct np_policy *p, const char *name,
		       struct bpf_map **map, size_t *off, size_t *size)
{
	const struct btf *btf = bpf_object__btf(p->obj);
	const struct btf_var_secinfo *vs;
	const struct btf_type *t, *v;
	const char *sec;
	int id, i, n = btf__type_cnt(btf);

	for (id = 1; id < n; id++) {
		t = btf__type_by_id(btf, id);
		if (!btf_is_datasec(t))
			continue;
		sec = btf__name_by_offset(btf, t->name_off);
		vs = btf_var_secinfos(t);
		for (i = 0; i < btf_vlen(t); i++, vs++) {
			v = btf__type_by_id(btf, vs->type);
			if (strcmp(btf__name_by_offset(btf, v->name_off), name))
				continue;
			*map = bpf_object__find_map_by_name(p->obj, sec);
			*off = vs->offset;
			*size = vs->size;
			return *map ? 0 : -ENOENT;
		}
	}
	return -ENOENT;
}

/* Names of the policy's integer global variables, separated by spaces. */
static void np_var_list(const struct np_policy *p, char *buf, size_t len)
{
	const struct btf *btf = bpf_object__btf(p->obj);
	const struct btf_var_secinfo *vs;
	const struct btf_type *t, *v, *vt;
	const char *sec, *name;
	size_t used = 0;
	int id, i, n, tid;

	buf[0] = '\0';
	for (id = 1; btf && id < (int)btf__type_cnt(btf); id++) {
		t = btf__type_by_id(btf, id);
		if (!btf_is_datasec(t))
			continue;
		sec = btf__name_by_offset(btf, t->name_off);
		if (!bpf_object__find_map_by_name(p->obj, sec) ||
		    !strcmp(sec, ".kconfig"))
			continue;
		vs = btf_var_secinfos(t);
		for (i = 0; i < btf_vlen(t) && used < len; i++, vs++) {
			v = btf__type_by_id(btf, vs->type);
			tid = btf__resolve_type(btf, v->type);
			vt = tid < 0 ? NULL : btf__type_by_id(btf, tid);
			if (!vt || (!btf_is_int(vt) && !btf_is_any_enum(vt)))
				continue;
			name = btf__name_by_offset(btf, v->name_off);
			n = snprintf(buf + used, len - used, "%s%s",
				     used ? " " : "", name);
			if (n < 0)
				break;
			used += n;
		}
	}
}

bool np_policy_has_tunable(const struct np_policy *p, const char *key)
{
	struct np_field f;

	return p->tun_type && !np_field_find(bpf_object__btf(p->obj),
					     p->tun_type, key, &f);
}

bool np_policy_has_var(const struct np_policy *p, const char *key)
{
	struct bpf_map *map;
	size_t off, size;

	if (np_policy_has_tunable(p, key))
		return true;
	return !np_find_var(p, key, &map, &off, &size) &&
	       (size == 1 || size == 2 || size == 4 || size == 8);
}

/*
 * The rules that BTF declaration tags "np:..." give member F of struct T
 * (NP_TUNABLE_* in np_common.h); unknown tags are ignored.
 */
static void np_field_rules(const struct btf *btf, const struct btf_type *t,
			   const struct np_field *f, struct np_rules *r)
{
	__u32 id, n = btf__type_cnt(btf), tid = 0;
	const struct btf_type *tt;
	const char *tag;

	memset(r, 0, sizeof(*r));
	for (id = 1; id < n && !tid; id++)
		if (btf__type_by_id(btf, id) == t)
			tid = id;
	for (id = 1; tid && id < n; id++) {
		tt = btf__type_by_id(btf, id);
		if (!btf_is_decl_tag(tt) || tt->type != tid ||
		    btf_decl_tag(tt)->component_idx != f->idx)
			continue;
		tag = btf__name_by_offset(btf, tt->name_off);
		if (!tag || strncmp(tag, "np:", 3))
			continue;
		tag += 3;
		if (!strncmp(tag, "max=", 4)) {
			r->max = strtoull(tag + 4, NULL, 0);
			r->has_max = true;
		} else if (!strncmp(tag, "default=", 8)) {
			r->def = strtoull(tag + 8, NULL, 0);
			r->has_def = true;
		} else if (!strncmp(tag, "below=", 6)) {
			snprintf(r->below, sizeof(r->below), "%s", tag + 6);
		} else if (!strcmp(tag, "request")) {
			r->request = true;
		}
	}
}

/* What the policy uses for member F holding V: its default for 0. */
static unsigned long long np_effective(const struct np_rules *r,
				       unsigned long long v)
{
	return !v && r->has_def ? r->def : v;
}

/*
 * Check the rules of struct T's members against VAL, the tunables as they
 * would be after a write of the members whose bytes SET marks.  Only the
 * rules that the write is part of: a member written, or the other side of
 * a "below" rule.  -EINVAL with the first broken rule printed, naming
 * WHAT (the command).
 */
static int np_tunables_check(const char *what, const struct btf *btf,
			     const struct btf_type *t,
			     const unsigned char *val, size_t size,
			     const unsigned char *set)
{
	const struct btf_member *m = btf_members(t);
	struct np_rules r, ro;
	struct np_field f, fo;
	unsigned long long v, vo;
	const char *name;
	int i;

	for (i = 0; i < btf_vlen(t); i++, m++) {
		name = btf__name_by_offset(btf, m->name_off);
		if (!name || !*name || np_field_find(btf, t, name, &f) ||
		    f.off + f.size > size)
			continue;
		np_field_rules(btf, t, &f, &r);
		v = np_field_get(val, &f);
		if (set[f.off] && r.has_max && v > r.max) {
			np_err("%s: %s=%llu: %s is at most %llu\n", what, name,
			       v, name, r.max);
			return -EINVAL;
		}
		if (!r.below[0] || np_field_find(btf, t, r.below, &fo) ||
		    fo.off + fo.size > size || !(set[f.off] || set[fo.off]))
			continue;
		np_field_rules(btf, t, &fo, &ro);
		vo = np_field_get(val, &fo);
		if (np_effective(&r, v) < np_effective(&ro, vo))
			continue;
		np_err("%s: %s (%llu%s) must be below %s (%llu%s)\n", what,
		       name, np_effective(&r, v), v ? "" : ", its default",
		       r.below, np_effective(&ro, vo),
		       vo ? "" : ", its default");
		return -EINVAL;
	}
	return 0;
}

/* Store VALUE in the tunables of P, for np_policy_load() to write. */
static int np_policy_set_tunable(struct np_policy *p, const char *assignment,
				 const struct np_field *f, const char *value)
{
	unsigned long long v;

	if (f->off + f->size > p->tun_size)
		return -EINVAL;
	if (np_parse_uint("--set", assignment, value, f->size, &v))
		return -EINVAL;
	np_field_put(p->tun_val, f, v);
	memset(p->tun_set + f->off, 1, f->size);
	p->tun_pending = true;
	return 0;
}

int np_policy_set_var(struct np_policy *p, const char *assignment)
{
	const struct btf *btf = bpf_object__btf(p->obj);
	char name[128], *end, *data, tuns[256], vars[512];
	struct bpf_map *map;
	size_t off, size, vsize;
	struct np_field f;
	const char *value;
	long long v;
	int ret;

	if (np_split_key("--set", assignment, name, sizeof(name), &value))
		return -EINVAL;
	/* A member of the tunables struct wins over a global variable. */
	if (p->tun_type) {
		ret = np_field_find(btf, p->tun_type, name, &f);
		if (!ret)
			return np_policy_set_tunable(p, assignment, &f, value);
		if (ret != -ENOENT) {
			np_err("--set %s: tunable %s is not an integer\n",
			       assignment, name);
			return -EINVAL;
		}
	}
	errno = 0;
	v = strtoll(value, &end, 0);
	if (!*value || *end || errno) {
		np_err("--set %s: '%s' is not an integer\n", assignment,
		       value);
		return -EINVAL;
	}
	if (np_find_var(p, name, &map, &off, &size)) {
		np_var_list(p, vars, sizeof(vars));
		if (!p->tun_type) {
			np_err("--set %s: policy %s has no variable '%s'; variables: %s\n",
			       assignment, p->name, name,
			       *vars ? vars : "(none)");
			return -EINVAL;
		}
		np_field_list(btf, p->tun_type, tuns, sizeof(tuns));
		np_err("--set %s: policy %s has no tunable or variable '%s'; tunables: %s; variables: %s\n",
		       assignment, p->name, name, *tuns ? tuns : "(none)",
		       *vars ? vars : "(none)");
		return -EINVAL;
	}
	data = bpf_map__initial_value(map, &vsize);
	if (!data || off + size > vsize ||
	    (size != 1 && size != 2 && size != 4 && size != 8)) {
		np_err("--set %s: %s is not an integer variable\n",
			assignment, name);
		return -EINVAL;
	}
	/* It must fit, read as signed or as unsigned. */
	if (size < 8 && (v < -(1LL << (size * 8 - 1)) ||
			 v > (long long)((1ULL << (size * 8)) - 1))) {
		np_err("--set %s: %lld does not fit %s, a %zu-byte variable (%lld to %llu)\n",
		       assignment, v, name, size, -(1LL << (size * 8 - 1)),
		       (1ULL << (size * 8)) - 1);
		return -EINVAL;
	}
	switch (size) {
	case 1:
		*(signed char *)(data + off) = v;
		break;
	case 2:
		*(short *)(data + off) = v;
		break;
	case 4:
		*(int *)(data + off) = v;
		break;
	case 8:
		*(long long *)(data + off) = v;
		break;
	}
	return 0;
}

/*
 * Write what np_policy_set_var() stored for the tunables into entry 0 of
 * the loaded map, over what the map holds: the policy's own initial
 * values stay for the members nobody set.
 */
static int np_tunables_write_initial(struct np_policy *p)
{
	unsigned char *cur;
	__u32 key = 0;
	size_t i;
	int ret;

	if (!p->tun_pending)
		return 0;
	cur = malloc(p->tun_size);
	if (!cur)
		return -ENOMEM;
	ret = bpf_map__lookup_elem(p->tun_map, &key, sizeof(key), cur,
				   p->tun_size, 0);
	if (ret) {
		np_err("%s: cannot read map 'tunables': %s\n", p->path,
		       strerror(-ret));
		goto out;
	}
	for (i = 0; i < p->tun_size; i++)
		if (p->tun_set[i])
			cur[i] = p->tun_val[i];
	ret = np_tunables_check("--set", bpf_object__btf(p->obj), p->tun_type,
				cur, p->tun_size, p->tun_set);
	if (ret)
		goto out;
	ret = bpf_map__update_elem(p->tun_map, &key, sizeof(key), cur,
				   p->tun_size, BPF_ANY);
	if (ret)
		np_err("%s: cannot write map 'tunables': %s\n", p->path,
		       strerror(-ret));
out:
	free(cur);
	return ret;
}

int np_policy_load(struct np_policy *p)
{
	int ret;

	if (p->loaded)
		return p->load_err;
	ret = bpf_object__load(p->obj);
	if (ret) {
		np_err("%s: the kernel refused the policy: %s\n",
			p->path, strerror(-ret));
		return ret;
	}
	ret = np_tunables_write_initial(p);
	/* Loaded, but not as asked: a second call fails as this one did. */
	p->load_err = ret;
	p->loaded = true;
	return ret;
}

/* Sort program tags, as 64-bit numbers. */
static int np_cmp_tag(const void *a, const void *b)
{
	__u64 x = *(const __u64 *)a, y = *(const __u64 *)b;

	return x < y ? -1 : x > y;
}

/*
 * The tags of the programs of the policy whose struct_ops map is MAP_ID,
 * from the program ids the kernel keeps in the map's value, into TAGS (at
 * most MAX), sorted; returns how many, or a negative errno.
 */
static int np_live_tags(__u32 map_id, __u64 *tags, int max)
{
	const struct btf_member *m, *dm;
	const struct btf_type *vt, *ops, *mt;
	struct bpf_prog_info pinfo;
	struct bpf_map_info info;
	__u32 len = sizeof(info), plen, key = 0, id;
	struct btf *vmlinux = NULL;
	size_t data_off = 0;
	void *val = NULL;
	int fd, pfd, i, n = 0, ret;
	__u64 pid;

	fd = bpf_map_get_fd_by_id(map_id);
	if (fd < 0)
		return -errno;
	memset(&info, 0, sizeof(info));
	ret = bpf_map_get_info_by_fd(fd, &info, &len) ? -errno : 0;
	if (ret)
		goto out;
	val = calloc(1, info.value_size);
	vmlinux = btf__load_vmlinux_btf();
	if (!val || !vmlinux) {
		ret = -ENOMEM;
		goto out;
	}
	if (bpf_map_lookup_elem(fd, &key, val)) {
		ret = -errno;
		goto out;
	}
	/* struct bpf_struct_ops_node_private_ops { common; ... data; } */
	vt = btf__type_by_id(vmlinux, info.btf_vmlinux_value_type_id);
	ops = NULL;
	if (vt && btf_is_struct(vt)) {
		dm = btf_members(vt);
		for (i = 0; i < btf_vlen(vt); i++, dm++) {
			if (strcmp(btf__name_by_offset(vmlinux, dm->name_off),
				   "data"))
				continue;
			data_off = btf_member_bit_offset(vt, i) / 8;
			ops = np_struct_type(vmlinux, dm->type);
		}
	}
	if (!ops) {
		ret = -EINVAL;
		goto out;
	}
	m = btf_members(ops);
	for (i = 0; i < btf_vlen(ops) && n < max; i++, m++) {
		mt = btf__type_by_id(vmlinux, btf__resolve_type(vmlinux,
								m->type));
		if (!mt || !btf_is_ptr(mt))
			continue;
		memcpy(&pid, (char *)val + data_off +
		       btf_member_bit_offset(ops, i) / 8, sizeof(pid));
		if (!pid)
			continue;
		id = pid;
		pfd = bpf_prog_get_fd_by_id(id);
		if (pfd < 0) {
			ret = -errno;
			goto out;
		}
		memset(&pinfo, 0, sizeof(pinfo));
		plen = sizeof(pinfo);
		ret = bpf_prog_get_info_by_fd(pfd, &pinfo, &plen) ? -errno : 0;
		close(pfd);
		if (ret)
			goto out;
		memcpy(&tags[n++], pinfo.tag, sizeof(tags[0]));
	}
	qsort(tags, n, sizeof(tags[0]), np_cmp_tag);
	ret = n;
out:
	btf__free(vmlinux);
	free(val);
	close(fd);
	return ret;
}

int np_policy_same_code(struct np_policy *p, int nid)
{
	__u64 live[16], mine[16];
	struct bpf_link_info info;
	struct bpf_prog_info pinfo;
	__u32 len = sizeof(info), plen;
	struct bpf_program *prog;
	char path[PATH_MAX];
	int fd, n, m = 0, ret;

	ret = np_policy_load(p);
	if (ret)
		return ret;
	np_pin_path(nid, path, sizeof(path));
	fd = bpf_obj_get(path);
	if (fd < 0)
		return -errno;
	memset(&info, 0, sizeof(info));
	ret = bpf_link_get_info_by_fd(fd, &info, &len) ? -errno : 0;
	close(fd);
	if (ret)
		return ret;
	if (info.type != BPF_LINK_TYPE_STRUCT_OPS || !info.struct_ops.map_id)
		return -ESTALE;
	n = np_live_tags(info.struct_ops.map_id, live, 16);
	if (n < 0)
		return n;
	bpf_object__for_each_program(prog, p->obj) {
		if (bpf_program__type(prog) != BPF_PROG_TYPE_STRUCT_OPS ||
		    !bpf_program__autoload(prog) || bpf_program__fd(prog) < 0)
			continue;
		if (m == 16)
			return 0;
		memset(&pinfo, 0, sizeof(pinfo));
		plen = sizeof(pinfo);
		if (bpf_prog_get_info_by_fd(bpf_program__fd(prog), &pinfo,
					    &plen))
			return -errno;
		memcpy(&mine[m++], pinfo.tag, sizeof(mine[0]));
	}
	qsort(mine, m, sizeof(mine[0]), np_cmp_tag);
	return n == m && !memcmp(live, mine, n * sizeof(live[0]));
}

int np_policy_prepare(const char *policy, int nid, const char *name,
		      const unsigned int *flags, const char *const *sets,
		      int nr_sets, struct np_policy **out)
{
	struct np_policy *p;
	int i, ret;

	ret = np_policy_open(policy, &p);
	if (ret)
		return ret;
	ret = np_policy_set_node(p, nid);
	if (!ret && name)
		ret = np_policy_set_name(p, name);
	if (!ret && flags)
		ret = np_policy_set_flags(p, *flags);
	for (i = 0; !ret && i < nr_sets; i++)
		ret = np_policy_set_var(p, sets[i]);
	if (!ret)
		ret = np_policy_load(p);
	if (ret) {
		np_policy_close(p);
		return ret;
	}
	*out = p;
	return 0;
}

const char *np_attach_strerror(int err)
{
	switch (-err) {
	case ENODEV:
		return "the node is not private";
	case EBUSY:
		return "the node already has a policy";
	case EINVAL:
		return "the policy's flags were refused (see the kernel log)";
	case EOPNOTSUPP:
		return "struct_ops maps must be attached through a link";
	case ENOENT:
		return "the policy is no longer attached to the node";
	}
	return strerror(-err);
}

/*
 * bpffs as libnp mounts it is root's alone (mode=0700).  A bpffs mounted by
 * someone else is used as it is: its root is usually world-writable and
 * sticky (the kernel's default), which np_pin_dir_check() allows.
 */
static int np_bpffs_ready(void)
{
	struct statfs st;

	if (!statfs(NP_BPFFS, &st) && st.f_type == BPF_FS_MAGIC)
		return 0;
	if (mount("bpf", NP_BPFFS, "bpf", 0, "mode=0700")) {
		np_err("cannot mount bpffs on %s: %s\n", NP_BPFFS,
			strerror(errno));
		return -errno;
	}
	return 0;
}

/*
 * Whether directory PATH may hold the pins: owned by root or by us, and
 * without the mode bits FORBID, unless STICKY_OK and it is sticky (bpffs'
 * root by default: others may add entries but not remove ours).  Whoever
 * can unlink a pin can detach the policy it holds.  -ENOENT is silent.
 */
static int np_dir_trusted(const char *path, mode_t forbid, bool sticky_ok)
{
	struct stat st;
	int fd, ret;

	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		if (ret != -ENOENT)
			np_err("cannot open %s: %s\n", path, strerror(-ret));
		return ret;
	}
	ret = fstat(fd, &st) ? -errno : 0;
	close(fd);
	if (ret) {
		np_err("cannot stat %s: %s\n", path, strerror(-ret));
		return ret;
	}
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		np_err("refusing %s: it is owned by uid %u, not by root, and its "
		       "owner could detach the policies pinned in it (remove "
		       "it or chown it to root)\n", path,
		       (unsigned int)st.st_uid);
		return -EPERM;
	}
	if ((st.st_mode & forbid) && !(sticky_ok && (st.st_mode & S_ISVTX))) {
		np_err("refusing %s: its mode %04o gives others access to the "
		       "pins in it (chmod %04o it)\n", path,
		       (unsigned int)(st.st_mode & 07777),
		       (unsigned int)(st.st_mode & 07777 & ~forbid));
		return -EPERM;
	}
	return 0;
}

int np_pin_dir_check(bool create)
{
	int ret;

	if (create) {
		ret = np_bpffs_ready();
		if (ret)
			return ret;
	}
	ret = np_dir_trusted(NP_BPFFS, S_IWGRP | S_IWOTH, true);
	if (ret)
		return ret == -ENOENT && !create ? 0 : ret;
	if (create && mkdir(NP_PIN_ROOT, 0700) && errno != EEXIST) {
		ret = -errno;
		np_err("cannot create %s: %s\n", NP_PIN_ROOT, strerror(-ret));
		return ret;
	}
	ret = np_dir_trusted(NP_PIN_ROOT, S_IRWXG | S_IRWXO, false);
	return ret == -ENOENT && !create ? 0 : ret;
}

static const struct {
	int cap;
	const char *name;
} np_cap_names[] = {
	{ CAP_BPF, "CAP_BPF" },
	{ CAP_PERFMON, "CAP_PERFMON" },
	{ CAP_SYS_ADMIN, "CAP_SYS_ADMIN" },
};

_Static_assert(NP_CAPS_POLICY == (NP_CAP(CAP_BPF) | NP_CAP(CAP_PERFMON) |
				  NP_CAP(CAP_SYS_ADMIN)),
	       "NP_CAPS_POLICY names other capabilities");

int np_caps_missing(unsigned long long need, char *buf, size_t len)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
	unsigned long long have;
	size_t used = 0;
	unsigned int i;
	int n = 0;

	if (len)
		buf[0] = '\0';
	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	have = data[0].effective | (unsigned long long)data[1].effective << 32;
	/* As bpf_capable() and perfmon_capable() in the kernel. */
	if (have & NP_CAP(CAP_SYS_ADMIN))
		have |= NP_CAP(CAP_BPF) | NP_CAP(CAP_PERFMON);
	for (i = 0; i < sizeof(np_cap_names) / sizeof(np_cap_names[0]); i++) {
		if (!(need & NP_CAP(np_cap_names[i].cap)) ||
		    (have & NP_CAP(np_cap_names[i].cap)))
			continue;
		if (used < len)
			used += snprintf(buf + used, len - used, "%s%s",
					 n ? ", " : "", np_cap_names[i].name);
		n++;
	}
	return n;
}

int np_pin_path(int nid, char *buf, size_t len)
{
	int n = snprintf(buf, len, NP_PIN_ROOT "/node%d", nid);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* bpffs refuses names with dots: "node2_tunables", not "node2.tunables". */
int np_tunables_pin_path(int nid, char *buf, size_t len)
{
	int n = snprintf(buf, len, NP_PIN_ROOT "/node%d_tunables", nid);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/*
 * Pin the tunables map of P under a temporary name, into TMP, so that
 * np_tunables_pin_commit() can move it over the old pin in one rename(2).
 */
static int np_tunables_pin_tmp(struct np_policy *p, char *tmp, size_t len)
{
	int n, ret;

	n = snprintf(tmp, len, NP_PIN_ROOT "/node%d_tunables_new%d", p->nid,
		     (int)getpid());
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	unlink(tmp);
	if (bpf_obj_pin(bpf_map__fd(p->tun_map), tmp)) {
		ret = -errno;
		np_err("node %d: cannot pin the tunables of policy %s at %s: %s\n",
		       p->nid, p->name, tmp, strerror(-ret));
		return ret;
	}
	return 0;
}

/*
 * Put the tunables pinned at TMP in their place for node NID, replacing
 * any older pin; with TMP NULL, remove the pin of a previous policy.
 */
static int np_tunables_pin_commit(int nid, const char *tmp)
{
	char path[PATH_MAX];
	int ret;

	np_tunables_pin_path(nid, path, sizeof(path));
	if (tmp) {
		if (!rename(tmp, path))
			return 0;
		ret = -errno;
		np_err("node %d: cannot move the tunables pin %s to %s: %s\n",
		       nid, tmp, path, strerror(-ret));
		unlink(tmp);
		return ret;
	}
	if (!unlink(path) || errno == ENOENT)
		return 0;
	ret = -errno;
	np_err("node %d: cannot remove the stale tunables pin %s: %s\n", nid,
	       path, strerror(-ret));
	return ret;
}

/*
 * Every change of the pins (attach, swap, detach, the removal of a stale
 * pin) holds an exclusive flock on the pin directory: otherwise a detach
 * could remove the pin an attach had just made, or two attachers each
 * remove the other's as stale.  Returns the locked descriptor, or a
 * negative errno (-ENOENT: no directory, so no pin either).
 */
static int np_pin_lock(void)
{
	int fd, ret;

	fd = open(NP_PIN_ROOT, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		  O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX)) {
		ret = -errno;
		close(fd);
		np_err("cannot lock %s: %s\n", NP_PIN_ROOT, strerror(-ret));
		return ret;
	}
	return fd;
}

static void np_pin_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}

static int np_pin_clean_locked(int nid);

int np_policy_attach(struct np_policy *p, bool pin, struct bpf_link **out)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	bool tun = pin && p->tun_map;
	struct bpf_link *link;
	int lock = -1, ret;

	if (pin) {
		ret = np_pin_dir_check(true);
		if (ret)
			return ret;
		lock = np_pin_lock();
		if (lock < 0)
			return lock;
		ret = np_pin_clean_locked(p->nid);
		if (ret < 0)
			goto out;
	}
	if (tun) {
		ret = np_tunables_pin_tmp(p, tmp, sizeof(tmp));
		if (ret)
			goto out;
	}
	link = bpf_map__attach_struct_ops(p->map);
	if (!link) {
		ret = -errno;
		np_err("node %d: policy %s not attached: %s\n", p->nid,
			p->name, np_attach_strerror(ret));
		goto err_tmp;
	}
	if (!pin) {
		*out = link;
		return 0;
	}
	np_pin_path(p->nid, path, sizeof(path));
	ret = bpf_link__pin(link, path);
	if (ret) {
		np_err("node %d: cannot pin the link of policy %s at %s: %s\n",
			p->nid, p->name, path, strerror(-ret));
		/* Nothing half-done stays: destroying the link detaches. */
		bpf_link__destroy(link);
		goto err_tmp;
	}
	ret = np_tunables_pin_commit(p->nid, tun ? tmp : NULL);
	if (ret) {
		/* Unpinned and closed, the link goes and detaches. */
		bpf_link__unpin(link);
		bpf_link__destroy(link);
		goto out;
	}
	/* The pin keeps the policy attached now. */
	bpf_link__disconnect(link);
	bpf_link__destroy(link);
	ret = 0;
	goto out;
err_tmp:
	if (tun)
		unlink(tmp);
out:
	np_pin_unlock(lock);
	return ret;
}

int np_policy_swap(struct np_policy *p, struct bpf_link *link)
{
	const char *pinned = bpf_link__pin_path(link);
	char path[PATH_MAX], tmp[PATH_MAX];
	int lock = -1, ret;
	bool repin, tun;

	/* A pinned link of the node: its tunables pin follows the policy. */
	np_pin_path(p->nid, path, sizeof(path));
	repin = pinned && !strcmp(pinned, path);
	tun = repin && p->tun_map;
	if (repin) {
		lock = np_pin_lock();
		if (lock < 0)
			return lock;
	}
	if (tun) {
		ret = np_tunables_pin_tmp(p, tmp, sizeof(tmp));
		if (ret)
			goto out;
	}
	ret = bpf_link__update_map(link, p->map);
	if (ret) {
		np_err("node %d: policy %s not swapped in: %s\n",
			p->nid, p->name, np_attach_strerror(ret));
		if (tun)
			unlink(tmp);
		goto out;
	}
	/* The policy is in; a failure here leaves a stale pin at worst. */
	ret = repin ? np_tunables_pin_commit(p->nid, tun ? tmp : NULL) : 0;
out:
	np_pin_unlock(lock);
	return ret;
}

struct bpf_link *np_link_open(int nid)
{
	char path[PATH_MAX];
	struct bpf_link *link;

	char why[128];
	int ret;

	ret = np_pin_stale(nid, why, sizeof(why));
	if (ret > 0) {
		np_err("node %d: the pin at " NP_PIN_ROOT "/node%d is stale (%s); "
		       "attaching a policy replaces it\n", nid, nid, why);
		errno = ESTALE;
		return NULL;
	}
	if (ret < 0 && ret != -ENOENT) {
		errno = -ret;
		return NULL;
	}
	np_pin_path(nid, path, sizeof(path));
	link = bpf_link__open(path);
	if (!link)
		np_err("node %d: no policy link pinned at %s: %s\n",
			nid, path, strerror(errno));
	return link;
}

int np_pin_stale(int nid, char *why, size_t len)
{
	struct bpf_link_info info;
	__u32 ilen = sizeof(info);
	char path[PATH_MAX], state[32];
	int fd, ret;

	if (len)
		why[0] = '\0';
	ret = np_pin_dir_check(false);
	if (ret)
		return ret;
	np_pin_path(nid, path, sizeof(path));
	fd = bpf_obj_get(path);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	memset(&info, 0, sizeof(info));
	ret = bpf_link_get_info_by_fd(fd, &info, &ilen);
	close(fd);
	if (ret) {
		/* Not a link at all: nothing of a policy. */
		snprintf(why, len, "it is not a BPF link");
		return 1;
	}
	if (info.type != BPF_LINK_TYPE_STRUCT_OPS) {
		snprintf(why, len, "it is a link of type %u, not a policy's",
			 info.type);
		return 1;
	}
	if (!info.struct_ops.map_id) {
		snprintf(why, len, "its link was detached");
		return 1;
	}
	ret = np_node_read(nid, "state", state, sizeof(state));
	if (ret == -ENOENT) {
		snprintf(why, len, "node %d is no longer private", nid);
		return 1;
	}
	if (ret)
		return ret;
	if (!strcmp(state, "none")) {
		snprintf(why, len, "node %d has no policy: the link outlived it",
			 nid);
		return 1;
	}
	return 0;
}

/*
 * Remove the temporary tunables pins of node NID that np_tunables_pin_tmp()
 * left behind in a process that is gone.
 */
static void np_pin_clean_tmp(int nid)
{
	char prefix[64], path[PATH_MAX];
	struct dirent *de;
	int n, pid;
	DIR *d;

	n = snprintf(prefix, sizeof(prefix), "node%d_tunables_new", nid);
	d = opendir(NP_PIN_ROOT);
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, prefix, n))
			continue;
		pid = atoi(de->d_name + n);
		if (pid > 0 && (!kill(pid, 0) || errno != ESRCH))
			continue;
		snprintf(path, sizeof(path), NP_PIN_ROOT "/%s", de->d_name);
		if (!unlink(path))
			np_err("node %d: removed %s, left by process %d\n",
			       nid, path, pid);
	}
	closedir(d);
}

int np_pin_clean(int nid)
{
	int lock, ret;

	ret = np_pin_dir_check(false);
	if (ret)
		return ret;
	lock = np_pin_lock();
	if (lock == -ENOENT)
		return 0;
	if (lock < 0)
		return lock;
	ret = np_pin_clean_locked(nid);
	np_pin_unlock(lock);
	return ret;
}

/*
 * np_pin_clean() with the pin lock held; every caller has checked the
 * directory first, so nothing is removed from one that is not trusted.
 */
static int np_pin_clean_locked(int nid)
{
	char path[PATH_MAX], why[128];
	int ret;

	np_pin_clean_tmp(nid);
	ret = np_pin_stale(nid, why, sizeof(why));
	if (ret <= 0)
		return ret;
	np_pin_path(nid, path, sizeof(path));
	np_err("node %d: removing the stale pin %s: %s\n", nid, path, why);
	if (unlink(path) && errno != ENOENT) {
		ret = -errno;
		np_err("node %d: cannot remove %s: %s\n", nid, path,
		       strerror(-ret));
		return ret;
	}
	ret = np_tunables_pin_commit(nid, NULL);
	return ret ? ret : 1;
}

int np_link_detach(int nid)
{
	struct bpf_link *link;
	char path[PATH_MAX];
	int lock, ret;

	ret = np_pin_dir_check(false);
	if (ret)
		return ret;
	lock = np_pin_lock();
	if (lock < 0 && lock != -ENOENT)
		return lock;
	/* A stale pin holds no policy: removing it is all there is to do. */
	ret = lock < 0 ? 0 : np_pin_clean_locked(nid);
	if (ret) {
		ret = ret > 0 ? 0 : ret;
		goto out;
	}
	link = np_link_open(nid);
	if (!link) {
		ret = -ENOENT;
		goto out;
	}
	ret = bpf_link__detach(link);
	if (ret)
		np_err("node %d: detach failed: %s\n", nid,
			strerror(-ret));
	bpf_link__disconnect(link);
	bpf_link__destroy(link);
	if (ret)
		goto out;
	np_pin_path(nid, path, sizeof(path));
	if (unlink(path)) {
		ret = -errno;
		np_err("node %d: cannot remove %s: %s\n", nid, path,
			strerror(-ret));
		goto out;
	}
	ret = np_tunables_pin_commit(nid, NULL);
out:
	np_pin_unlock(lock);
	return ret;
}

/* Read a one-value sysfs file into BUF, without the final newline. */
static int np_read_file(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	return 0;
}

int np_node_read(int nid, const char *file, char *buf, size_t len)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), NP_SYSFS_NODE "/%s", nid, file);
	return np_read_file(path, buf, len);
}

int np_private_nodes(int *nids, int max)
{
	char buf[256], *p, *end;
	long a, b;
	int fd, n = 0;
	ssize_t len;

	fd = open("/sys/devices/system/node/has_private_memory", O_RDONLY);
	if (fd < 0)
		return -errno;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len < 0)
		return -errno;
	buf[len] = '\0';
	for (p = buf; *p && *p != '\n';) {
		a = strtol(p, &end, 10);
		if (end == p)
			return -EINVAL;
		b = a;
		if (*end == '-')
			b = strtol(end + 1, &end, 10);
		for (; a <= b && n < max; a++)
			nids[n++] = a;
		p = *end == ',' ? end + 1 : end;
	}
	return n;
}

/*
 * The tunables of the policy attached to a node, through their pin: the
 * map, its value struct in the kernel's copy of the policy's BTF, and
 * entry 0.
 */
struct np_live_tunables {
	int nid;
	int fd;
	struct btf *btf;
	const struct btf_type *type;
	unsigned char *val;		/* a copy of entry 0 */
	__u32 size;
	void *mem;			/* entry 0 itself, if mmapable */
	size_t mem_len;
};

static void np_live_close(struct np_live_tunables *t)
{
	if (t->mem)
		munmap(t->mem, t->mem_len);
	if (t->fd >= 0)
		close(t->fd);
	btf__free(t->btf);
	free(t->val);
}

/* Integer member F of the mapped entry at MEM: atomic load, store, add. */
static unsigned long long np_mem_load(void *mem, const struct np_field *f)
{
	void *p = (char *)mem + f->off;

	switch (f->size) {
	case 1: return __atomic_load_n((__u8 *)p, __ATOMIC_SEQ_CST);
	case 2: return __atomic_load_n((__u16 *)p, __ATOMIC_SEQ_CST);
	case 4: return __atomic_load_n((__u32 *)p, __ATOMIC_SEQ_CST);
	}
	return __atomic_load_n((__u64 *)p, __ATOMIC_SEQ_CST);
}

static void np_mem_store(void *mem, const struct np_field *f,
			 unsigned long long v, bool add)
{
	void *p = (char *)mem + f->off;

	switch (f->size) {
	case 1:
		if (add)
			__atomic_fetch_add((__u8 *)p, v, __ATOMIC_SEQ_CST);
		else
			__atomic_store_n((__u8 *)p, v, __ATOMIC_SEQ_CST);
		break;
	case 2:
		if (add)
			__atomic_fetch_add((__u16 *)p, v, __ATOMIC_SEQ_CST);
		else
			__atomic_store_n((__u16 *)p, v, __ATOMIC_SEQ_CST);
		break;
	case 4:
		if (add)
			__atomic_fetch_add((__u32 *)p, v, __ATOMIC_SEQ_CST);
		else
			__atomic_store_n((__u32 *)p, v, __ATOMIC_SEQ_CST);
		break;
	default:
		if (add)
			__atomic_fetch_add((__u64 *)p, v, __ATOMIC_SEQ_CST);
		else
			__atomic_store_n((__u64 *)p, v, __ATOMIC_SEQ_CST);
		break;
	}
}

/*
 * Open the tunables of node NID and read entry 0.  Without a pin, return
 * -ENOENT, silently if QUIET.
 */
static int np_live_open(int nid, bool quiet, struct np_live_tunables *t)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info), key = 0;
	char path[PATH_MAX];
	int ret;

	memset(t, 0, sizeof(*t));
	t->nid = nid;
	t->fd = -1;
	ret = np_pin_dir_check(false);
	if (ret)
		return ret;
	np_tunables_pin_path(nid, path, sizeof(path));
	t->fd = bpf_obj_get(path);
	if (t->fd < 0) {
		ret = -errno;
		if (ret == -ENOENT && quiet)
			return ret;
		if (ret == -ENOENT)
			np_err("node %d: no tunables pinned at %s: no policy attached with a pin, or the policy has no tunables\n",
			       nid, path);
		else
			np_err("node %d: cannot open the tunables pinned at %s: %s\n",
			       nid, path, strerror(-ret));
		return ret;
	}
	memset(&info, 0, sizeof(info));
	ret = bpf_map_get_info_by_fd(t->fd, &info, &len);
	if (ret) {
		ret = -errno;
		np_err("node %d: %s: cannot read the map's information: %s\n",
		       nid, path, strerror(-ret));
		goto err;
	}
	if (info.type != BPF_MAP_TYPE_ARRAY || info.max_entries < 1 ||
	    info.key_size != sizeof(key) || !info.btf_id ||
	    !info.btf_value_type_id) {
		np_err("node %d: %s is not a tunables map (an array with BTF)\n",
		       nid, path);
		ret = -EINVAL;
		goto err;
	}
	t->btf = btf__load_from_kernel_by_id(info.btf_id);
	if (!t->btf) {
		ret = -errno;
		np_err("node %d: cannot load the BTF of the tunables (id %u): %s\n",
		       nid, info.btf_id, strerror(-ret));
		goto err;
	}
	t->type = np_struct_type(t->btf, info.btf_value_type_id);
	if (!t->type) {
		np_err("node %d: the value of the tunables map is not a struct\n",
		       nid);
		ret = -EINVAL;
		goto err;
	}
	t->size = info.value_size;
	t->val = calloc(1, t->size);
	if (!t->val) {
		ret = -ENOMEM;
		goto err;
	}
	if (bpf_map_lookup_elem(t->fd, &key, t->val)) {
		ret = -errno;
		np_err("node %d: cannot read the tunables: %s\n", nid,
		       strerror(-ret));
		goto err;
	}
	/*
	 * Mapped, members are written with atomic operations, which need
	 * them naturally aligned: np_live_field() refuses the others then.
	 */
	if (info.map_flags & BPF_F_MMAPABLE) {
		long page = sysconf(_SC_PAGESIZE);

		/* Entry 0 is at the start of the mapping. */
		t->mem_len = (t->size + page - 1) / page * page;
		t->mem = mmap(NULL, t->mem_len, PROT_READ | PROT_WRITE,
			      MAP_SHARED, t->fd, 0);
		if (t->mem == MAP_FAILED) {
			ret = -errno;
			t->mem = NULL;
			np_err("node %d: cannot map the tunables: %s\n", nid,
			       strerror(-ret));
			goto err;
		}
	}
	return 0;
err:
	np_live_close(t);
	return ret;
}

/*
 * Member KEY of the live tunables, or an error about WHAT (the assignment
 * or key asked for) that lists the valid ones.
 */
static int np_live_field(struct np_live_tunables *t, const char *what,
			 const char *key, struct np_field *f)
{
	char names[256];
	int ret = np_field_find(t->btf, t->type, key, f);

	if (!ret && f->off + f->size <= t->size && t->mem &&
	    f->off % f->size) {
		np_err("tune %s: tunable '%s' of node %d is not aligned to its size; atomic writes need it\n",
		       what, key, t->nid);
		return -EINVAL;
	}
	if (!ret && f->off + f->size <= t->size)
		return 0;
	np_field_list(t->btf, t->type, names, sizeof(names));
	if (ret == -ENOENT)
		np_err("tune %s: node %d has no tunable '%s'; tunables: %s\n",
		       what, t->nid, key, *names ? names : "(none)");
	else
		np_err("tune %s: tunable '%s' of node %d is not an integer\n",
		       what, key, t->nid);
	return -EINVAL;
}

int np_tunables_update(int nid, const char *const *assignments, int n)
{
	struct np_live_tunables t;
	unsigned char *set = NULL, *req = NULL;
	unsigned long long v, *add = NULL;
	struct np_field *fields = NULL;
	struct np_rules r;
	const char *value;
	char key[128];
	__u32 zero = 0;
	int i, ret;

	ret = np_live_open(nid, false, &t);
	if (ret)
		return ret;
	set = calloc(1, t.size);
	add = calloc(n ? n : 1, sizeof(*add));
	req = calloc(n ? n : 1, sizeof(*req));
	fields = calloc(n ? n : 1, sizeof(*fields));
	if (!set || !add || !req || !fields) {
		ret = -ENOMEM;
		goto out;
	}
	/* Every assignment and every rule is checked before any write. */
	for (i = 0; i < n; i++) {
		ret = np_split_key("tune", assignments[i], key, sizeof(key),
				   &value);
		if (!ret)
			ret = np_live_field(&t, assignments[i], key,
					    &fields[i]);
		if (!ret)
			ret = np_parse_uint("tune", assignments[i], value,
					    fields[i].size, &v);
		if (ret)
			goto out;
		np_field_rules(t.btf, t.type, &fields[i], &r);
		/* A request adds (0 adds nothing); the others are set. */
		req[i] = r.request;
		add[i] = r.request ? v : 0;
		if (!r.request)
			np_field_put(t.val, &fields[i], v);
		memset(set + fields[i].off, 1, fields[i].size);
	}
	ret = np_tunables_check("tune", t.btf, t.type, t.val, t.size, set);
	if (ret)
		goto out;
	if (t.mem) {
		/* Each member on its own: other writers' members stay. */
		for (i = 0; i < n; i++) {
			if (req[i] && !add[i])
				continue;
			np_mem_store(t.mem, &fields[i], req[i] ? add[i] :
				     np_field_get(t.val, &fields[i]), req[i]);
		}
		goto out;
	}
	/* Not mmapable: the whole value, as read a moment ago. */
	for (i = 0; i < n; i++)
		if (req[i])
			np_field_put(t.val, &fields[i],
				     np_field_get(t.val, &fields[i]) + add[i]);
	if (bpf_map_update_elem(t.fd, &zero, t.val, BPF_ANY)) {
		ret = -errno;
		np_err("node %d: cannot write the tunables: %s\n", nid,
		       strerror(-ret));
	}
out:
	free(fields);
	free(req);
	free(add);
	free(set);
	np_live_close(&t);
	return ret;
}

int np_tunables_set(int nid, const char *assignment)
{
	return np_tunables_update(nid, &assignment, 1);
}

int np_tunables_get(int nid, const char *key, unsigned long long *val)
{
	struct np_live_tunables t;
	struct np_field f;
	int ret;

	ret = np_live_open(nid, false, &t);
	if (ret)
		return ret;
	ret = np_live_field(&t, key, key, &f);
	if (!ret)
		*val = t.mem ? np_mem_load(t.mem, &f) : np_field_get(t.val, &f);
	np_live_close(&t);
	return ret;
}

int np_tunables_dump(int nid, np_tunable_fn fn, void *arg)
{
	const struct btf_member *m;
	struct np_live_tunables t;
	const char *name;
	struct np_field f;
	int i, ret;

	ret = np_live_open(nid, true, &t);
	if (ret)
		return ret;
	m = btf_members(t.type);
	for (i = 0; i < btf_vlen(t.type); i++, m++) {
		name = btf__name_by_offset(t.btf, m->name_off);
		if (!name || !*name || np_field_find(t.btf, t.type, name, &f) ||
		    f.off + f.size > t.size)
			continue;
		ret = fn(name, t.mem ? np_mem_load(t.mem, &f) :
			 np_field_get(t.val, &f), arg);
		if (ret)
			break;
	}
	np_live_close(&t);
	return ret;
}

const char *const np_cram_files[] = {
	"logical_capacity", "physical_capacity", "logical_bytes",
	"physical_bytes", "peak_physical_bytes", "ratio", "low_watermark",
	"high_watermark", "watermark", "overflow_events", "watermark_events",
	NULL,
};

int np_cram_path(int nid, const char *file, char *buf, size_t len)
{
	int n = snprintf(buf, len, NP_CRAM_SYSFS "%s%s", nid, file ? "/" : "",
			 file ? file : "");

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

bool np_cram_node(int nid)
{
	char path[PATH_MAX];

	np_cram_path(nid, NULL, path, sizeof(path));
	return !access(path, F_OK);
}

int np_cram_read(int nid, const char *file, char *buf, size_t len)
{
	char path[PATH_MAX];

	np_cram_path(nid, file, path, sizeof(path));
	return np_read_file(path, buf, len);
}
