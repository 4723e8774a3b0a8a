// SPDX-License-Identifier: GPL-2.0
/*
 * libnp: open a policy's BPF object, set its node, name, flags, tunables
 * and variables, load it, and compare it with the policy running on a
 * node.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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
#include "libnp.h"
#include "libnp_internal.h"
#include "np_paths.h"

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

int np_policy_check_tunables(struct np_policy *p, const char *what)
{
	unsigned char *val;
	size_t i;
	int ret;

	if (!p->tun_pending)
		return 0;
	/* The kernel creates the map zeroed; the assignments go over it. */
	val = calloc(1, p->tun_size);
	if (!val)
		return -ENOMEM;
	for (i = 0; i < p->tun_size; i++)
		if (p->tun_set[i])
			val[i] = p->tun_val[i];
	ret = np_tunables_check(what, bpf_object__btf(p->obj), p->tun_type,
				val, p->tun_size, p->tun_set);
	free(val);
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
 * The ids of the programs of the policy whose struct_ops map is MAP_ID,
 * which the kernel keeps in the map's value, into IDS (at most MAX);
 * returns how many, or a negative errno.
 */
static int np_live_prog_ids(__u32 map_id, __u32 *ids, int max)
{
	const struct btf_member *m, *dm;
	const struct btf_type *vt, *ops, *mt;
	struct bpf_map_info info;
	__u32 len = sizeof(info), key = 0;
	struct btf *vmlinux = NULL;
	size_t data_off = 0;
	void *val = NULL;
	int fd, i, n = 0, ret;
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
		if (pid)
			ids[n++] = pid;
	}
	ret = n;
out:
	btf__free(vmlinux);
	free(val);
	close(fd);
	return ret;
}

/* What the kernel says of program ID: its tag, its maps. */
static int np_prog_info(__u32 id, struct bpf_prog_info *info, __u32 *maps,
			__u32 nr_maps)
{
	__u32 len = sizeof(*info);
	int fd, ret;

	fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0)
		return -errno;
	memset(info, 0, sizeof(*info));
	if (maps) {
		info->nr_map_ids = nr_maps;
		info->map_ids = (__u64)(unsigned long)maps;
	}
	ret = bpf_prog_get_info_by_fd(fd, info, &len) ? -errno : 0;
	close(fd);
	return ret;
}

/*
 * The tags of the programs of the policy whose struct_ops map is MAP_ID,
 * into TAGS (at most MAX), sorted; returns how many, or a negative errno.
 */
static int np_live_tags(__u32 map_id, __u64 *tags, int max)
{
	struct bpf_prog_info info;
	__u32 ids[16];
	int i, n, ret;

	n = np_live_prog_ids(map_id, ids, max < 16 ? max : 16);
	for (i = 0; i < n; i++) {
		ret = np_prog_info(ids[i], &info, NULL, 0);
		if (ret)
			return ret;
		memcpy(&tags[i], info.tag, sizeof(tags[0]));
	}
	if (n > 0)
		qsort(tags, n, sizeof(tags[0]), np_cmp_tag);
	return n;
}

/* The struct_ops map of the link pinned for node NID; -ESTALE: none. */
static int np_live_ops_map(int nid, __u32 *map_id)
{
	struct bpf_link_info info;
	__u32 len = sizeof(info);
	char path[PATH_MAX];
	int fd, ret;

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
	*map_id = info.struct_ops.map_id;
	return 0;
}

/*
 * The ids of the maps that the programs of the policy pinned for node NID
 * use, into MAPS (at most MAX, with repeats); how many, or a negative
 * errno (-ESTALE: the pin holds no policy).
 */
static int np_live_maps(int nid, __u32 *maps, int max)
{
	__u32 ids[16], ops;
	struct bpf_prog_info info;
	int i, n, ret, used = 0;

	ret = np_live_ops_map(nid, &ops);
	if (ret)
		return ret;
	n = np_live_prog_ids(ops, ids, 16);
	for (i = 0; i < n && used < max; i++) {
		ret = np_prog_info(ids[i], &info, maps + used, max - used);
		if (ret)
			return ret;
		used += info.nr_map_ids < (__u32)(max - used) ?
			info.nr_map_ids : (__u32)(max - used);
	}
	return n < 0 ? n : used;
}

int np_live_uses_map(int nid, __u32 map_id)
{
	__u32 maps[128];
	int i, n;

	n = np_live_maps(nid, maps, 128);
	for (i = 0; i < n; i++)
		if (maps[i] == map_id)
			return 1;
	return n < 0 ? n : 0;
}

int np_live_map_named(int nid, const char *name, __u32 *map_id)
{
	struct bpf_map_info info;
	__u32 maps[128], len;
	int i, n, fd, ret;

	n = np_live_maps(nid, maps, 128);
	for (i = 0; i < n; i++) {
		fd = bpf_map_get_fd_by_id(maps[i]);
		if (fd < 0)
			return -errno;
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		ret = bpf_map_get_info_by_fd(fd, &info, &len) ? -errno : 0;
		close(fd);
		if (ret)
			return ret;
		if (!strcmp(info.name, name)) {
			*map_id = maps[i];
			return 1;
		}
	}
	return n < 0 ? n : 0;
}

/*
 * Whether the read-only globals (const volatile: what --set configures)
 * of the policy pinned for node NID hold what P's do: 1 same, 0 not, or a
 * negative errno.  Its other data changes as it runs and is not compared.
 */
static int np_same_rodata(struct np_policy *p, int nid)
{
	const struct bpf_map *map;
	struct bpf_map_info info;
	const char *name;
	void *live = NULL;
	const void *mine;
	__u32 id, key = 0, len;
	size_t size, l;
	int fd, ret = 1;

	bpf_object__for_each_map(map, p->obj) {
		name = bpf_map__name(map);
		l = strlen(name);
		if (l < 7 || strcmp(name + l - 7, ".rodata"))
			continue;
		mine = bpf_map__initial_value(map, &size);
		if (!mine)
			continue;
		ret = np_live_map_named(nid, name, &id);
		if (ret <= 0)
			return ret;
		fd = bpf_map_get_fd_by_id(id);
		if (fd < 0)
			return -errno;
		/* Another layout is another configuration (and too big). */
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		if (bpf_map_get_info_by_fd(fd, &info, &len) ||
		    info.value_size != size) {
			ret = 0;
			close(fd);
			return ret;
		}
		live = calloc(1, size);
		ret = !live ? -ENOMEM :
		      bpf_map_lookup_elem(fd, &key, live) ? -errno :
		      !memcmp(live, mine, size);
		free(live);
		close(fd);
		if (ret <= 0)
			return ret;
	}
	return ret;
}

int np_policy_same_code(struct np_policy *p, int nid)
{
	__u64 live[16], mine[16];
	struct bpf_prog_info pinfo;
	struct bpf_program *prog;
	__u32 plen, ops;
	int n, m = 0, ret;

	ret = np_policy_load(p);
	if (ret)
		return ret;
	ret = np_live_ops_map(nid, &ops);
	if (ret)
		return ret;
	n = np_live_tags(ops, live, 16);
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
	if (n != m || memcmp(live, mine, n * sizeof(live[0])))
		return 0;
	return np_same_rodata(p, nid);
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
		return "the kernel refused it: its flags, or on a swap its node (the kernel log says which)";
	case EOPNOTSUPP:
		return "struct_ops maps must be attached through a link";
	case ENOENT:
		return "the policy is no longer attached to the node";
	}
	return strerror(-err);
}
