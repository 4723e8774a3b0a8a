// SPDX-License-Identifier: GPL-2.0
/*
 * npd's configuration parser.  See npd_config.h and docs/npd.md.
 *
 * The file is read line by line: '#' starts a comment anywhere, blank
 * lines are skipped, "[global]", "[node N]" and "[device PATTERN]" open
 * sections, and every
 * other line is "KEY = VALUE".  The first error stops the parse and names
 * the file and line.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/un.h>
#include "npd_config.h"

#define NPD_MAX_FILE	(1024 * 1024)

struct parser {
	const char *file;
	int line;
	char *err;
	size_t errlen;
	struct npd_config *c;
	struct npd_node_conf *node;	/* the node section being read */
	bool in_global;
	int global_line;		/* of [global], 0 if none yet */
	int metrics_line;
	int http_line;
	int on_exit_line;
};

__attribute__((format(printf, 2, 3)))
static int fail(struct parser *ps, const char *fmt, ...)
{
	char msg[NPD_ERR_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(ps->err, ps->errlen, "%s:%d: %s", ps->file, ps->line, msg);
	return -EINVAL;
}

const char *npd_node_conf_label(const struct npd_node_conf *nc, char *buf,
				size_t len)
{
	if (nc->device)
		snprintf(buf, len, "[device %s]", nc->device);
	else
		snprintf(buf, len, "[node %d]", nc->nid);
	return buf;
}

/* The label of NC for one message (a static buffer: one per call). */
static const char *label(const struct npd_node_conf *nc)
{
	static char buf[NPD_MAX_DEVICE_LEN + 16];

	return npd_node_conf_label(nc, buf, sizeof(buf));
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t' || *s == '\r')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

static bool is_ident(const char *s, size_t len)
{
	size_t i;

	if (!len || !(isalpha((unsigned char)*s) || *s == '_'))
		return false;
	for (i = 1; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return false;
	return true;
}

static bool parse_ull(const char *s, unsigned long long *v)
{
	char *end;

	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return !*end && !errno;
}

static bool parse_ll(const char *s, long long *v)
{
	char *end;

	if (!isdigit((unsigned char)*s) && *s != '-' && *s != '+')
		return false;
	errno = 0;
	*v = strtoll(s, &end, 0);
	return *s && !*end && !errno;
}

/*
 * "KEY=VALUE" (spaces around '=' allowed) for WHAT: an identifier and an
 * integer, unsigned unless SIGNED_OK.  *OUT is "KEY=VALUE", allocated.
 */
static int parse_assign(struct parser *ps, const char *what, const char *s,
			bool signed_ok, char **out)
{
	const char *eq = strchr(s, '='), *v;
	size_t klen;
	unsigned long long u;
	long long l;
	int n;

	if (!eq)
		return fail(ps, "%s: '%s' is not KEY=VALUE", what, s);
	klen = eq - s;
	while (klen && (s[klen - 1] == ' ' || s[klen - 1] == '\t'))
		klen--;
	for (v = eq + 1; *v == ' ' || *v == '\t'; v++)
		;
	if (!is_ident(s, klen) || !*v)
		return fail(ps, "%s: '%s' is not KEY=VALUE", what, s);
	if (signed_ok ? !parse_ll(v, &l) : !parse_ull(v, &u))
		return fail(ps, "%s: '%s' is not %s integer", what, v,
			    signed_ok ? "an" : "an unsigned");
	n = snprintf(NULL, 0, "%.*s=%s", (int)klen, s, v);
	*out = malloc(n + 1);
	if (!*out)
		return -ENOMEM;
	snprintf(*out, n + 1, "%.*s=%s", (int)klen, s, v);
	return 0;
}

const char *npd_assign_key(const char *assign, char *buf, size_t len)
{
	const char *eq = strchr(assign, '=');
	size_t n = eq ? (size_t)(eq - assign) : strlen(assign);

	snprintf(buf, len, "%.*s", (int)n, assign);
	return buf;
}

const char *npd_react_verb(enum npd_react_kind kind)
{
	switch (kind) {
	case NPD_REACT_TIGHTEN:
		return "tighten";
	case NPD_REACT_EVACUATE:
		return "evacuate";
	case NPD_REACT_SWAP:
		return "swap";
	}
	return "?";
}

int npd_react_format(const struct npd_react *r, char *buf, size_t len)
{
	size_t used;
	int i, n;

	n = snprintf(buf, len, "%s", npd_react_verb(r->kind));
	if (n < 0 || (size_t)n >= len)
		return -ENOSPC;
	used = n;
	switch (r->kind) {
	case NPD_REACT_TIGHTEN:
		for (i = 0; i < r->nr_assign; i++) {
			n = snprintf(buf + used, len - used, " %s",
				     r->assign[i]);
			if (n < 0 || (size_t)n >= len - used)
				return -ENOSPC;
			used += n;
		}
		break;
	case NPD_REACT_EVACUATE:
		n = snprintf(buf + used, len - used, " %llu", r->pages);
		break;
	case NPD_REACT_SWAP:
		n = snprintf(buf + used, len - used, " %s", r->policy);
		break;
	}
	return n < 0 || (size_t)n >= len - used ? -ENOSPC : 0;
}

/* "tighten K=V...", "evacuate PAGES" or "swap POLICY". */
static int parse_react(struct parser *ps, char *value)
{
	struct npd_node_conf *nc = ps->node;
	struct npd_react *r;
	char *words[NPD_MAX_ASSIGN + 2], *save = NULL, *w;
	int n = 0, i, ret;

	if (nc->nr_reacts == NPD_MAX_REACTS)
		return fail(ps, "more than %d react lines in %s",
			    NPD_MAX_REACTS, label(nc));
	for (w = strtok_r(value, " \t", &save); w;
	     w = strtok_r(NULL, " \t", &save)) {
		if (n == NPD_MAX_ASSIGN + 1)
			return fail(ps, "react: more than %d KEY=VALUE",
				    NPD_MAX_ASSIGN);
		words[n++] = w;
	}
	if (!n)
		return fail(ps, "react needs an action");
	r = &nc->reacts[nc->nr_reacts];
	memset(r, 0, sizeof(*r));
	r->line = ps->line;
	if (!strcmp(words[0], "tighten")) {
		r->kind = NPD_REACT_TIGHTEN;
		if (n == 1)
			return fail(ps, "react tighten needs KEY=VALUE...");
		for (i = 1; i < n; i++) {
			ret = parse_assign(ps, "react tighten", words[i],
					   false, &r->assign[i - 1]);
			if (ret) {
				r->nr_assign = i - 1;
				goto err;
			}
		}
		r->nr_assign = n - 1;
	} else if (!strcmp(words[0], "evacuate")) {
		r->kind = NPD_REACT_EVACUATE;
		if (n != 2)
			return fail(ps, "react evacuate takes one number of pages");
		if (!parse_ull(words[1], &r->pages) || !r->pages ||
		    r->pages > UINT32_MAX)
			return fail(ps, "react evacuate: '%s' is not a number of pages from 1 to %u",
				    words[1], UINT32_MAX);
	} else if (!strcmp(words[0], "swap")) {
		r->kind = NPD_REACT_SWAP;
		if (n != 2)
			return fail(ps, "react swap takes one POLICY");
		r->policy = strdup(words[1]);
		if (!r->policy)
			return -ENOMEM;
	} else {
		return fail(ps, "unknown react verb '%s' (tighten, evacuate or swap)",
			    words[0]);
	}
	nc->nr_reacts++;
	return 0;
err:
	for (i = 0; i < r->nr_assign; i++)
		free(r->assign[i]);
	return ret;
}

static int parse_set(struct parser *ps, const char *value)
{
	struct npd_node_conf *nc = ps->node;
	char key[128], other[128];
	char *text;
	int i, ret;

	if (nc->nr_sets == NPD_MAX_SETS)
		return fail(ps, "more than %d set lines in %s",
			    NPD_MAX_SETS, label(nc));
	ret = parse_assign(ps, "set", value, true, &text);
	if (ret)
		return ret;
	npd_assign_key(text, key, sizeof(key));
	for (i = 0; i < nc->nr_sets; i++) {
		npd_assign_key(nc->sets[i].text, other, sizeof(other));
		if (!strcmp(key, other)) {
			free(text);
			return fail(ps, "duplicate set of '%s' (first at line %d)",
				    key, nc->sets[i].line);
		}
	}
	nc->sets[nc->nr_sets].text = text;
	nc->sets[nc->nr_sets].line = ps->line;
	nc->nr_sets++;
	return 0;
}

static int dup_key(struct parser *ps, const char *key, int first)
{
	return fail(ps, "duplicate key '%s' (first at line %d)", key, first);
}

static int node_key(struct parser *ps, const char *key, char *value)
{
	struct npd_node_conf *nc = ps->node;
	char *end;

	if (!strcmp(key, "policy")) {
		if (nc->policy)
			return dup_key(ps, key, nc->policy_line);
		nc->policy = strdup(value);
		nc->policy_line = ps->line;
		return nc->policy ? 0 : -ENOMEM;
	}
	if (!strcmp(key, "flags")) {
		if (nc->flags)
			return dup_key(ps, key, nc->flags_line);
		nc->flags = strdup(value);
		nc->flags_line = ps->line;
		return nc->flags ? 0 : -ENOMEM;
	}
	if (!strcmp(key, "set"))
		return parse_set(ps, value);
	if (!strcmp(key, "min_ratio")) {
		if (nc->min_ratio_line)
			return dup_key(ps, key, nc->min_ratio_line);
		errno = 0;
		nc->min_ratio = strtod(value, &end);
		if (*end || errno || !isfinite(nc->min_ratio) ||
		    !(nc->min_ratio > 0) ||
		    !(isdigit((unsigned char)*value) || *value == '.'))
			return fail(ps, "min_ratio: '%s' is not a number greater than 0",
				    value);
		nc->min_ratio_line = ps->line;
		return 0;
	}
	if (!strcmp(key, "react"))
		return parse_react(ps, value);
	return fail(ps, "unknown key '%s'", key);
}

static int global_key(struct parser *ps, const char *key, const char *value)
{
	struct npd_config *c = ps->c;

	if (!strcmp(key, "metrics")) {
		if (ps->metrics_line)
			return dup_key(ps, key, ps->metrics_line);
		if (strlen(value) >= sizeof(((struct sockaddr_un *)0)->sun_path))
			return fail(ps, "metrics: socket path longer than %zu bytes",
				    sizeof(((struct sockaddr_un *)0)->sun_path) - 1);
		c->metrics = strdup(value);
		ps->metrics_line = ps->line;
		return c->metrics ? 0 : -ENOMEM;
	}
	if (!strcmp(key, "http")) {
		char why[NPD_ERR_LEN];

		if (ps->http_line)
			return dup_key(ps, key, ps->http_line);
		if (npd_http_addr_parse(value, &c->http_addr, &c->http_addrlen,
					why, sizeof(why)))
			return fail(ps, "http: %s", why);
		c->http = strdup(value);
		ps->http_line = ps->line;
		return c->http ? 0 : -ENOMEM;
	}
	if (!strcmp(key, "on_exit")) {
		if (ps->on_exit_line)
			return dup_key(ps, key, ps->on_exit_line);
		if (!strcmp(value, "keep"))
			c->on_exit = NPD_EXIT_KEEP;
		else if (!strcmp(value, "detach"))
			c->on_exit = NPD_EXIT_DETACH;
		else
			return fail(ps, "on_exit: '%s' is not keep or detach",
				    value);
		ps->on_exit_line = ps->line;
		return 0;
	}
	return fail(ps, "unknown key '%s'", key);
}

/* The checks that need the whole [node N] section. */
static int end_node(struct parser *ps)
{
	struct npd_node_conf *nc = ps->node;

	ps->node = NULL;
	if (!nc)
		return 0;
	if (!nc->policy) {
		ps->line = nc->line;
		return fail(ps, "%s has no policy", label(nc));
	}
	if (nc->nr_reacts && !nc->min_ratio_line) {
		ps->line = nc->reacts[0].line;
		return fail(ps, "react without min_ratio in %s", label(nc));
	}
	return 0;
}

static int parse_node_header(struct parser *ps, const char *arg)
{
	struct npd_config *c = ps->c;
	unsigned long id;
	int i;

	if (!*arg)
		return fail(ps, "section [node] needs a node id: [node N]");
	id = strtoul(arg, NULL, 10);
	if (strspn(arg, "0123456789") != strlen(arg) || strlen(arg) > 4 ||
	    id > NPD_MAX_NODE_ID)
		return fail(ps, "bad node id '%s' (0 to %d)", arg,
			    NPD_MAX_NODE_ID);
	for (i = 0; i < c->nr_nodes; i++)
		if (c->nodes[i].nid == (int)id)
			return fail(ps, "duplicate node %lu (first at line %d)",
				    id, c->nodes[i].line);
	if (c->nr_nodes == NPD_MAX_NODES)
		return fail(ps, "more than %d nodes", NPD_MAX_NODES);
	ps->node = &c->nodes[c->nr_nodes++];
	ps->node->nid = id;
	ps->node->line = ps->line;
	return 0;
}

/*
 * "[device PATTERN]": the private node whose device name matches PATTERN.
 * Names are sysfs words, so the pattern has no blanks or control
 * characters.
 */
static int parse_device_header(struct parser *ps, const char *arg)
{
	struct npd_config *c = ps->c;
	const char *p;
	int i;

	if (!*arg)
		return fail(ps, "section [device] needs a device name or pattern: [device dax0.0]");
	if (strlen(arg) > NPD_MAX_DEVICE_LEN)
		return fail(ps, "device pattern longer than %d characters",
			    NPD_MAX_DEVICE_LEN);
	for (p = arg; *p; p++)
		if (!isgraph((unsigned char)*p))
			return fail(ps, "bad character in device pattern '%s'",
				    arg);
	for (i = 0; i < c->nr_nodes; i++)
		if (c->nodes[i].device && !strcmp(c->nodes[i].device, arg))
			return fail(ps, "duplicate device %s (first at line %d)",
				    arg, c->nodes[i].line);
	if (c->nr_nodes == NPD_MAX_NODES)
		return fail(ps, "more than %d nodes", NPD_MAX_NODES);
	ps->node = &c->nodes[c->nr_nodes];
	ps->node->device = strdup(arg);
	if (!ps->node->device) {
		ps->node = NULL;
		return -ENOMEM;
	}
	c->nr_nodes++;
	ps->node->nid = -1;
	ps->node->line = ps->line;
	return 0;
}

static int parse_section(struct parser *ps, char *s)
{
	size_t len = strlen(s);
	char *name;
	int ret;

	if (s[len - 1] != ']')
		return fail(ps, "expected ']' at the end of '%s'", s);
	s[len - 1] = '\0';
	name = trim(s + 1);
	ret = end_node(ps);
	if (ret)
		return ret;
	ps->in_global = false;
	if (!strcmp(name, "global")) {
		if (ps->global_line)
			return fail(ps, "duplicate section [global] (first at line %d)",
				    ps->global_line);
		ps->global_line = ps->line;
		ps->in_global = true;
		return 0;
	}
	if (!strncmp(name, "node", 4) &&
	    (!name[4] || name[4] == ' ' || name[4] == '\t'))
		return parse_node_header(ps, trim(name + 4));
	if (!strncmp(name, "device", 6) &&
	    (!name[6] || name[6] == ' ' || name[6] == '\t'))
		return parse_device_header(ps, trim(name + 6));
	return fail(ps, "unknown section [%s]", name);
}

static int parse_line(struct parser *ps, char *line)
{
	char *hash = strchr(line, '#'), *eq, *key, *value;

	if (hash)
		*hash = '\0';
	line = trim(line);
	if (!*line)
		return 0;
	if (*line == '[')
		return parse_section(ps, line);
	eq = strchr(line, '=');
	if (!eq || eq == line)
		return fail(ps, "expected KEY = VALUE or [SECTION], not '%s'",
			    line);
	*eq = '\0';
	key = trim(line);
	value = trim(eq + 1);
	if (!*key)
		return fail(ps, "expected KEY = VALUE or [SECTION]");
	if (!*value)
		return fail(ps, "key '%s' needs a value", key);
	if (ps->node)
		return node_key(ps, key, value);
	if (ps->in_global)
		return global_key(ps, key, value);
	return fail(ps, "key '%s' outside a section ([global], [node N] or [device PATTERN])",
		    key);
}

int npd_config_parse(const char *file, const char *text,
		     struct npd_config **out, char *err, size_t errlen)
{
	struct parser ps = {
		.file = file, .err = err, .errlen = errlen,
	};
	char *copy, *line, *nl;
	int ret = -ENOMEM;

	if (errlen)
		err[0] = '\0';
	copy = strdup(text);
	ps.c = calloc(1, sizeof(*ps.c));
	if (!copy || !ps.c)
		goto err;
	ps.c->file = strdup(file);
	if (!ps.c->file)
		goto err;
	ps.c->on_exit = NPD_EXIT_KEEP;
	for (line = copy; line; line = nl) {
		nl = strchr(line, '\n');
		if (nl)
			*nl++ = '\0';
		ps.line++;
		ret = parse_line(&ps, line);
		if (ret)
			goto err;
	}
	ret = end_node(&ps);
	if (ret)
		goto err;
	free(copy);
	*out = ps.c;
	return 0;
err:
	if (ret == -ENOMEM)
		snprintf(err, errlen, "%s: out of memory", file);
	free(copy);
	npd_config_free(ps.c);
	return ret;
}

int npd_config_read(FILE *f, const char *path, struct npd_config **out,
		    char *err, size_t errlen)
{
	size_t len = 0, cap = 4096, n;
	char *text, *bigger;
	int ret;

	text = malloc(cap);
	if (!text) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	while ((n = fread(text + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (len < cap - 1)
			continue;
		if (cap >= NPD_MAX_FILE) {
			snprintf(err, errlen, "%s: larger than %d bytes", path,
				 NPD_MAX_FILE);
			free(text);
			return -EFBIG;
		}
		bigger = realloc(text, cap * 2);
		if (!bigger) {
			snprintf(err, errlen, "%s: out of memory", path);
			free(text);
			return -ENOMEM;
		}
		text = bigger;
		cap *= 2;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		free(text);
		return -EIO;
	}
	text[len] = '\0';
	if (strlen(text) != len) {
		snprintf(err, errlen, "%s: contains a NUL byte", path);
		free(text);
		return -EINVAL;
	}
	ret = npd_config_parse(path, text, out, err, errlen);
	free(text);
	return ret;
}

int npd_config_load(const char *path, struct npd_config **out, char *err,
		    size_t errlen)
{
	FILE *f = fopen(path, "re");
	int ret;

	if (!f) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return ret;
	}
	ret = npd_config_read(f, path, out, err, errlen);
	fclose(f);
	return ret;
}

static void node_conf_free(struct npd_node_conf *nc)
{
	int i, j;

	free(nc->device);
	free(nc->policy);
	free(nc->flags);
	for (i = 0; i < nc->nr_sets; i++)
		free(nc->sets[i].text);
	for (i = 0; i < nc->nr_reacts; i++) {
		for (j = 0; j < nc->reacts[i].nr_assign; j++)
			free(nc->reacts[i].assign[j]);
		free(nc->reacts[i].policy);
	}
}

void npd_config_free(struct npd_config *c)
{
	int i;

	if (!c)
		return;
	for (i = 0; i < c->nr_nodes; i++)
		node_conf_free(&c->nodes[i]);
	free(c->file);
	free(c->metrics);
	free(c->http);
	free(c);
}

int npd_http_addr_parse(const char *text, struct sockaddr_storage *sa,
			socklen_t *len, char *err, size_t errlen)
{
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)sa;
	struct sockaddr_in *in = (struct sockaddr_in *)sa;
	char host[INET6_ADDRSTRLEN + 1];
	const char *port, *end;
	unsigned long p;
	size_t hl;
	char *e;

	memset(sa, 0, sizeof(*sa));
	if (text[0] == '[') {
		end = strchr(text, ']');
		if (!end || end[1] != ':')
			goto bad;
		hl = end - text - 1;
		if (hl >= sizeof(host))
			goto bad;
		memcpy(host, text + 1, hl);
		host[hl] = '\0';
		port = end + 2;
		if (inet_pton(AF_INET6, host, &in6->sin6_addr) != 1) {
			snprintf(err, errlen, "'%s' is not an IPv6 address",
				 host);
			return -EINVAL;
		}
		in6->sin6_family = AF_INET6;
		*len = sizeof(*in6);
	} else {
		end = strrchr(text, ':');
		if (end) {
			hl = end - text;
			if (hl >= sizeof(host))
				goto bad;
			memcpy(host, text, hl);
			host[hl] = '\0';
			port = end + 1;
		} else {
			snprintf(host, sizeof(host), "127.0.0.1");
			port = text;
		}
		if (inet_pton(AF_INET, host, &in->sin_addr) != 1) {
			snprintf(err, errlen,
				 "'%s' is not an IPv4 address (IPv6: [ADDR]:PORT)",
				 host);
			return -EINVAL;
		}
		in->sin_family = AF_INET;
		*len = sizeof(*in);
	}
	errno = 0;
	p = strtoul(port, &e, 10);
	if (!isdigit((unsigned char)*port) || *e || errno || !p || p > 65535) {
		snprintf(err, errlen, "port '%s' is not a number from 1 to 65535",
			 port);
		return -EINVAL;
	}
	if (sa->ss_family == AF_INET6)
		in6->sin6_port = htons(p);
	else
		in->sin_port = htons(p);
	return 0;
bad:
	snprintf(err, errlen, "'%s' is not PORT, IPV4:PORT or [IPV6]:PORT",
		 text);
	return -EINVAL;
}

const struct npd_node_conf *npd_config_node(const struct npd_config *c,
					    int nid)
{
	int i;

	for (i = 0; i < c->nr_nodes; i++)
		if (!c->nodes[i].device && c->nodes[i].nid == nid)
			return &c->nodes[i];
	return NULL;
}

static bool str_equal(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

bool npd_node_conf_equal(const struct npd_node_conf *a,
			 const struct npd_node_conf *b)
{
	const struct npd_react *ra, *rb;
	int i, j;

	if (a->nid != b->nid || !str_equal(a->device, b->device) ||
	    !str_equal(a->policy, b->policy) ||
	    !str_equal(a->flags, b->flags) || a->nr_sets != b->nr_sets ||
	    a->min_ratio != b->min_ratio || a->nr_reacts != b->nr_reacts)
		return false;
	for (i = 0; i < a->nr_sets; i++)
		if (strcmp(a->sets[i].text, b->sets[i].text))
			return false;
	for (i = 0; i < a->nr_reacts; i++) {
		ra = &a->reacts[i];
		rb = &b->reacts[i];
		if (ra->kind != rb->kind || ra->pages != rb->pages ||
		    !str_equal(ra->policy, rb->policy) ||
		    ra->nr_assign != rb->nr_assign)
			return false;
		for (j = 0; j < ra->nr_assign; j++)
			if (strcmp(ra->assign[j], rb->assign[j]))
				return false;
	}
	return true;
}
