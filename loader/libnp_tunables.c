// SPDX-License-Identifier: GPL-2.0
/*
 * libnp: the tunables of a running policy, through its pinned map: read,
 * checked against the rules and written member by member when the map
 * is mmapable.
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

/* Store V into P, or add it (ADD), atomically, as type T. */
#define NP_MEM_STORE(T, p, v, add)					\
	do {								\
		if (add)						\
			__atomic_fetch_add((T *)(p), (T)(v),		\
					   __ATOMIC_SEQ_CST);		\
		else							\
			__atomic_store_n((T *)(p), (T)(v),		\
					 __ATOMIC_SEQ_CST);		\
	} while (0)

static void np_mem_store(void *mem, const struct np_field *f,
			 unsigned long long v, bool add)
{
	void *p = (char *)mem + f->off;

	switch (f->size) {
	case 1:
		NP_MEM_STORE(__u8, p, v, add);
		break;
	case 2:
		NP_MEM_STORE(__u16, p, v, add);
		break;
	case 4:
		NP_MEM_STORE(__u32, p, v, add);
		break;
	default:
		NP_MEM_STORE(__u64, p, v, add);
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
	/*
	 * A pin left from an earlier policy (a crash between a swap and the
	 * move of its tunables pin, a swap by another tool) would take
	 * writes that no running program reads.
	 */
	ret = np_live_uses_map(nid, info.id);
	if (ret <= 0) {
		if (!ret)
			np_err("node %d: the tunables pinned at %s are not those of the policy attached to the node (a stale pin: npctl attach or npd replaces it)\n",
			       nid, path);
		else if (ret == -ESTALE || ret == -ENOENT)
			np_err("node %d: the tunables pinned at %s belong to no attached policy (a stale pin: npctl attach or npd replaces it)\n",
			       nid, path);
		else
			np_err("node %d: cannot tell whether the tunables pinned at %s are the attached policy's: %s\n",
			       nid, path, strerror(-ret));
		/* Not -ENOENT: that would read as "no tunables pinned". */
		ret = ret && ret != -ENOENT ? ret : -ESTALE;
		goto err;
	}
	ret = 0;
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
