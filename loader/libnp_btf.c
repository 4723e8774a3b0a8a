// SPDX-License-Identifier: GPL-2.0
/*
 * libnp: integer members of a struct found by name through BTF, read and
 * written at any width, the assignments and values that set them, and the
 * rules of tunables (NP_TUNABLE_* in np_common.h).
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
 * Integer member NAME of struct T: 1, 2, 4 or 8 bytes, byte aligned.
 * -ENOENT when T has no such member, -EINVAL when it is not an integer.
 */
int np_field_find(const struct btf *btf, const struct btf_type *t,
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
void np_field_list(const struct btf *btf, const struct btf_type *t,
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
const struct btf_type *np_struct_type(const struct btf *btf, __u32 id)
{
	const struct btf_type *t;
	int rid = btf__resolve_type(btf, id);

	if (rid < 0)
		return NULL;
	t = btf__type_by_id(btf, rid);
	return t && btf_is_struct(t) ? t : NULL;
}

/* Read or write integer field F of DATA. */
unsigned long long np_field_get(const void *data, const struct np_field *f)
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

void np_field_put(void *data, const struct np_field *f,
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
int np_split_key(const char *what, const char *assignment, char *key,
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
int np_parse_uint(const char *what, const char *assignment, const char *s,
		  size_t size, unsigned long long *val)
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
 * The rules that BTF declaration tags "np:..." give member F of struct T
 * (NP_TUNABLE_* in np_common.h); unknown tags are ignored.
 */
void np_field_rules(const struct btf *btf, const struct btf_type *t,
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
unsigned long long np_effective(const struct np_rules *r,
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
int np_tunables_check(const char *what, const struct btf *btf,
		      const struct btf_type *t, const unsigned char *val,
		      size_t size, const unsigned char *set)
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
