// SPDX-License-Identifier: GPL-2.0
/*
 * libnp: load, attach, replace and inspect BPF policies of private memory
 * nodes.  See libnp.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/magic.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "np_common.h"
#include "libnp.h"

#define NP_BPFFS	"/sys/fs/bpf"
#define NP_LIB_DIR	"/usr/lib/np/bpf"

struct np_policy {
	struct bpf_object *obj;
	struct bpf_map *map;		/* the node_private_ops map */
	const struct btf_type *type;	/* struct node_private_ops */
	char path[PATH_MAX];
	char name[NP_OPS_NAME_LEN];
	int nid;
};

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

int np_flags_parse(const char *s, unsigned int *flags)
{
	char *copy, *tok, *save = NULL, *end;
	unsigned long v;
	unsigned int i, out = 0;
	int ret = 0;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (*s && !*end && !errno) {
		if (v & ~(unsigned long)NP_OPS_ALL) {
			fprintf(stderr, "flags %#lx: unknown bits %#lx\n", v,
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
			fprintf(stderr, "unknown flag '%s'; flags are:", tok);
			for (i = 0; np_flag_name(i); i++)
				fprintf(stderr, " %s", np_flag_name(i));
			fprintf(stderr, "\n");
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
	/* Next to the binary in a build tree: build/loader -> build/bpf. */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
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
		fprintf(stderr, "policy '%s': cannot read %s: %s\n", policy,
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
		fprintf(stderr, "%s: struct node_private_ops has no member %s\n",
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
		fprintf(stderr, "%s: cannot open BPF object: %s\n", p->path,
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
		fprintf(stderr,
			"%s: not a private node policy (needs exactly one struct node_private_ops map, found %d struct_ops maps)\n",
			p->path, n);
		ret = -EINVAL;
		goto err;
	}
	p->type = btf__type_by_id(btf, id);
	data = bpf_map__initial_value(p->map, &vsize);
	if (!data || np_member(p, "name", &off, &size) ||
	    off + size > vsize) {
		fprintf(stderr, "%s: cannot read the policy's name\n",
			p->path);
		ret = -EINVAL;
		goto err;
	}
	snprintf(p->name, sizeof(p->name), "%.*s", (int)size, data + off);
	if (np_member(p, "nid", &off, &size) || size != sizeof(int) ||
	    off + size > vsize) {
		fprintf(stderr, "%s: the policy has no nid member\n", p->path);
		ret = -EINVAL;
		goto err;
	}
	memcpy(&p->nid, data + off, sizeof(int));
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
		fprintf(stderr, "policy name '%s': 1 to %d characters\n", name,
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
static int np_find_var(struct np_policy *p, const char *name,
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

int np_policy_set_var(struct np_policy *p, const char *assignment)
{
	const char *eq = strchr(assignment, '=');
	char name[128], *end, *data;
	struct bpf_map *map;
	size_t off, size, vsize;
	long long v;

	if (!eq || eq == assignment || (size_t)(eq - assignment) >= sizeof(name)) {
		fprintf(stderr, "--set %s: expected VARIABLE=VALUE\n",
			assignment);
		return -EINVAL;
	}
	snprintf(name, sizeof(name), "%.*s", (int)(eq - assignment),
		 assignment);
	errno = 0;
	v = strtoll(eq + 1, &end, 0);
	if (!eq[1] || *end || errno) {
		fprintf(stderr, "--set %s: '%s' is not an integer\n",
			assignment, eq + 1);
		return -EINVAL;
	}
	if (np_find_var(p, name, &map, &off, &size)) {
		fprintf(stderr, "--set %s: policy %s has no variable %s\n",
			assignment, p->name, name);
		return -ENOENT;
	}
	data = bpf_map__initial_value(map, &vsize);
	if (!data || off + size > vsize ||
	    (size != 1 && size != 2 && size != 4 && size != 8)) {
		fprintf(stderr, "--set %s: %s is not an integer variable\n",
			assignment, name);
		return -EINVAL;
	}
	switch (size) {
	case 1: *(signed char *)(data + off) = v; break;
	case 2: *(short *)(data + off) = v; break;
	case 4: *(int *)(data + off) = v; break;
	case 8: *(long long *)(data + off) = v; break;
	}
	return 0;
}

int np_policy_load(struct np_policy *p)
{
	int ret = bpf_object__load(p->obj);

	if (ret)
		fprintf(stderr, "%s: the kernel refused the policy: %s\n",
			p->path, strerror(-ret));
	return ret;
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

static int np_bpffs_ready(void)
{
	struct statfs st;

	if (!statfs(NP_BPFFS, &st) && st.f_type == BPF_FS_MAGIC)
		return 0;
	if (mount("bpf", NP_BPFFS, "bpf", 0, NULL)) {
		fprintf(stderr, "cannot mount bpffs on %s: %s\n", NP_BPFFS,
			strerror(errno));
		return -errno;
	}
	return 0;
}

int np_pin_path(int nid, char *buf, size_t len)
{
	int n = snprintf(buf, len, NP_PIN_ROOT "/node%d", nid);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int np_policy_attach(struct np_policy *p, bool pin, struct bpf_link **out)
{
	char path[PATH_MAX];
	struct bpf_link *link;
	int ret;

	if (pin) {
		ret = np_bpffs_ready();
		if (ret)
			return ret;
		if (mkdir(NP_PIN_ROOT, 0700) && errno != EEXIST) {
			ret = -errno;
			fprintf(stderr, "cannot create %s: %s\n", NP_PIN_ROOT,
				strerror(errno));
			return ret;
		}
	}
	link = bpf_map__attach_struct_ops(p->map);
	if (!link) {
		ret = -errno;
		fprintf(stderr, "node %d: policy %s not attached: %s\n", p->nid,
			p->name, np_attach_strerror(ret));
		return ret;
	}
	if (!pin) {
		*out = link;
		return 0;
	}
	np_pin_path(p->nid, path, sizeof(path));
	ret = bpf_link__pin(link, path);
	if (ret) {
		fprintf(stderr, "node %d: cannot pin the link of policy %s at %s: %s\n",
			p->nid, p->name, path, strerror(-ret));
		/* Nothing half-done stays: destroying the link detaches. */
		bpf_link__destroy(link);
		return ret;
	}
	/* The pin keeps the policy attached now. */
	bpf_link__disconnect(link);
	bpf_link__destroy(link);
	return 0;
}

int np_policy_swap(struct np_policy *p, struct bpf_link *link)
{
	int ret = bpf_link__update_map(link, p->map);

	if (ret)
		fprintf(stderr, "node %d: policy %s not swapped in: %s\n",
			p->nid, p->name, np_attach_strerror(ret));
	return ret;
}

struct bpf_link *np_link_open(int nid)
{
	char path[PATH_MAX];
	struct bpf_link *link;

	np_pin_path(nid, path, sizeof(path));
	link = bpf_link__open(path);
	if (!link)
		fprintf(stderr, "node %d: no policy link pinned at %s: %s\n",
			nid, path, strerror(errno));
	return link;
}

int np_link_detach(int nid)
{
	struct bpf_link *link;
	char path[PATH_MAX];
	int ret;

	link = np_link_open(nid);
	if (!link)
		return -ENOENT;
	ret = bpf_link__detach(link);
	if (ret)
		fprintf(stderr, "node %d: detach failed: %s\n", nid,
			strerror(-ret));
	bpf_link__disconnect(link);
	bpf_link__destroy(link);
	np_pin_path(nid, path, sizeof(path));
	if (!ret && unlink(path)) {
		ret = -errno;
		fprintf(stderr, "node %d: cannot remove %s: %s\n", nid, path,
			strerror(-ret));
	}
	return ret;
}

int np_node_read(int nid, const char *file, char *buf, size_t len)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), NP_SYSFS_NODE "/%s", nid, file);
	fd = open(path, O_RDONLY);
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
