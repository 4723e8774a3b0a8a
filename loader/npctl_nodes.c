// SPDX-License-Identifier: GPL-2.0
/*
 * npctl status, flags, tune and stats: what the nodes' sysfs files say,
 * the built-in policy's services, a running policy's tunables, and the
 * counters sampled once or every interval.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "np_common.h"
#include "np_version.h"
#include "libnp.h"
#include "npctl.h"

/* --- status -------------------------------------------------------------- */

/*
 * Call FN for each "key value" line of BUF, split at the first space; a
 * line without one is skipped.
 */
static void for_each_kv(const char *buf,
			void (*fn)(const char *key, const char *val,
				   void *arg),
			void *arg)
{
	const char *p = buf, *nl;
	char line[512], *sp;

	while (*p) {
		nl = strchr(p, '\n');
		snprintf(line, sizeof(line), "%.*s",
			 (int)(nl ? nl - p : (long)strlen(p)), p);
		p = nl ? nl + 1 : p + strlen(p);
		sp = strchr(line, ' ');
		if (!sp)
			continue;
		*sp++ = '\0';
		fn(line, sp, arg);
	}
}

static void text_kv_line(const char *key, const char *val, void *arg)
{
	printf("%s%-20s %s\n", (const char *)arg, key, val);
}

static void json_kv_line(const char *key, const char *val, void *arg)
{
	json_writer_t *w = arg;

	js_name(w, key);
	js_value(w, val);
}

static const char * const node_fields[] = {
	"device", "caps", "policy", "flags", "state", "enable_seq",
};
/* The "key value" per line files, as nested objects. */
static const char * const node_kv_files[] = { "exit", "stat" };

static void text_node(int nid)
{
	char buf[4096];
	unsigned int i;

	printf("node %d\n", nid);
	for (i = 0; i < sizeof(node_fields) / sizeof(node_fields[0]); i++) {
		if (np_node_read(nid, node_fields[i], buf, sizeof(buf)))
			strcpy(buf, "");
		printf("  %-12s %s\n", node_fields[i], buf);
	}
	for (i = 0; i < sizeof(node_kv_files) / sizeof(node_kv_files[0]);
	     i++) {
		if (np_node_read(nid, node_kv_files[i], buf, sizeof(buf)))
			continue;
		printf("  %s\n", node_kv_files[i]);
		for_each_kv(buf, text_kv_line, "    ");
	}
}

static void json_node(json_writer_t *w, int nid)
{
	char buf[4096];
	unsigned int i;

	jsonw_start_object(w);
	jsonw_int_field(w, "node", nid);
	for (i = 0; i < sizeof(node_fields) / sizeof(node_fields[0]); i++) {
		jsonw_name(w, node_fields[i]);
		if (np_node_read(nid, node_fields[i], buf, sizeof(buf)))
			jsonw_null(w);
		else if (!strcmp(node_fields[i], "enable_seq"))
			js_value(w, buf);
		else
			js_str(w, buf);
	}
	for (i = 0; i < sizeof(node_kv_files) / sizeof(node_kv_files[0]);
	     i++) {
		if (np_node_read(nid, node_kv_files[i], buf, sizeof(buf)))
			continue;
		jsonw_name(w, node_kv_files[i]);
		jsonw_start_object(w);
		for_each_kv(buf, json_kv_line, w);
		jsonw_end_object(w);
	}
	jsonw_end_object(w);
}

/* The private nodes, or only NID if it is one (>= 0); -1 after a report. */
static int select_nodes(int nid, int *nids)
{
	int n, i;

	n = np_private_nodes(nids, MAX_NODES);
	if (n < 0) {
		report("cannot read the private nodes: %s (is this kernel built with CONFIG_NODE_PRIVATE?)\n",
		       strerror(-n));
		return -1;
	}
	if (nid < 0)
		return n;
	for (i = 0; i < n && nids[i] != nid; i++)
		;
	if (i == n) {
		report("node %d is not private\n", nid);
		return -1;
	}
	nids[0] = nid;
	return 1;
}

/*
 * The N nodes of NIDS: each as TEXT prints it, or under -j a document
 * whose "nodes" array has JS's object for each.  The exit status.
 */
static int print_nodes(const int *nids, int n, void (*text)(int nid),
		       void (*js)(json_writer_t *w, int nid))
{
	json_writer_t *w;
	int i;

	if (!json) {
		for (i = 0; i < n; i++)
			text(nids[i]);
		if (!n)
			printf("no private nodes\n");
		return 0;
	}
	w = doc_begin();
	if (!w)
		return 1;
	jsonw_name(w, "nodes");
	jsonw_start_array(w);
	for (i = 0; i < n; i++)
		js(w, nids[i]);
	jsonw_end_array(w);
	doc_end(&w);
	return 0;
}

int cmd_status(int argc, char **argv)
{
	int nids[MAX_NODES], n, ret;
	struct args a;

	ret = parse_no_operand("status", argc, argv, OPT_NODE, status_usage,
			       &a);
	if (ret >= 0)
		return ret;
	n = select_nodes(a.nid, nids);
	if (n < 0)
		return 1;
	return print_nodes(nids, n, text_node, json_node);
}

/* --- flags --------------------------------------------------------------- */

/*
 * Node NID's policy and flags in force: members of W (null for a file that
 * cannot be read, as in status), or a line of text.
 */
static void flags_fields(json_writer_t *w, int nid)
{
	char policy[128], flags[256];
	bool has_policy, has_flags;

	has_policy = !np_node_read(nid, "policy", policy, sizeof(policy));
	has_flags = !np_node_read(nid, "flags", flags, sizeof(flags));
	if (!w) {
		printf("node %d: policy %s, flags %s\n", nid,
		       has_policy ? policy : "?",
		       !has_flags ? "?" : *flags ? flags : "(none)");
		return;
	}
	jsonw_int_field(w, "node", nid);
	js_str_field(w, "policy", has_policy ? policy : NULL);
	js_str_field(w, "flags", has_flags ? flags : NULL);
}

static void flags_text(int nid)
{
	flags_fields(NULL, nid);
}

static void flags_json(json_writer_t *w, int nid)
{
	jsonw_start_object(w);
	flags_fields(w, nid);
	jsonw_end_object(w);
}

#define FLAG_SEPARATORS	",| \t"

/*
 * The operands of npctl flags, into *FLAGS; *DEF for "default".  The
 * names of F may also come as several operands; an operand without a
 * name (an empty variable) is refused rather than taken for "none".  0 or
 * -EINVAL, reported.
 */
static int flags_operands(const struct args *a, unsigned int *flags,
			  bool *def)
{
	const char *op;
	unsigned int one;
	int i;

	*def = false;
	*flags = 0;
	for (i = 0; i < a->nr_rest; i++) {
		op = a->rest[i];
		if (!strcasecmp(op, "default") || !strcasecmp(op, "none")) {
			if (a->nr_rest > 1) {
				report("flags: '%s' stands alone\n", op);
				return -EINVAL;
			}
			*def = !strcasecmp(op, "default");
			return 0;
		}
		if (!op[strspn(op, FLAG_SEPARATORS)]) {
			report("flags: '%s' names no service ('none' asks for none)\n",
			       op);
			return -EINVAL;
		}
		if (np_flags_parse(op, &one))
			return -EINVAL;
		*flags |= one;
	}
	return 0;
}

/* Why writing node NID's flags failed with ERR, for WHAT (the operands). */
static void flags_refused(int nid, int err, const char *what)
{
	char policy[128], caps[256];

	switch (err) {
	case -EBUSY:
		if (np_node_read(nid, "policy", policy, sizeof(policy)))
			strcpy(policy, "?");
		report("flags: node %d: BPF policy %s decides; the built-in policy's flags can be chosen only while no BPF policy is attached (npctl detach, or attach with --flags)\n",
		       nid, policy);
		break;
	case -EINVAL:
		if (np_node_read(nid, "caps", caps, sizeof(caps)))
			strcpy(caps, "?");
		report("flags: node %d: the kernel refused '%s' for the built-in policy (the device's capabilities: %s); the kernel log says why\n",
		       nid, what, *caps ? caps : "none");
		break;
	case -ENODEV:
		report("flags: node %d is no longer private\n", nid);
		break;
	case -EACCES:
	case -EPERM:
		if (geteuid()) {
			report("flags: node %d: choosing the built-in policy's flags needs root\n",
			       nid);
			break;
		}
		/* fall through */
	default:
		report("flags: node %d: cannot write node%d/private/flags: %s\n",
		       nid, nid, strerror(-err));
	}
}

int cmd_flags(int argc, char **argv)
{
	int nids[MAX_NODES], n, ret;
	unsigned int flags = 0;
	json_writer_t *w;
	struct args a;
	bool def = false;
	char what[160];

	ret = parse_args(argc, argv, OPT_NODE, flags_usage, &a);
	if (!ret && a.nr_rest) {
		ret = need_node("flags", &a, a.nr_rest);
		if (!ret)
			ret = flags_operands(&a, &flags, &def);
	}
	ret = parse_status(ret);
	if (ret >= 0)
		return ret;
	n = select_nodes(a.nid, nids);
	if (n < 0)
		return 1;
	if (!a.nr_rest)
		return print_nodes(nids, n, flags_text, flags_json);
	ret = np_builtin_flags_set(a.nid, def ? NULL : &flags);
	if (ret) {
		if (def)
			strcpy(what, "default");
		else if (!flags)
			strcpy(what, "none");
		else
			np_flags_format(flags, ",", what, sizeof(what));
		flags_refused(a.nid, ret, what);
		return 1;
	}
	if (!json) {
		flags_text(a.nid);
		return 0;
	}
	w = doc_begin();
	if (!w)
		return 1;
	flags_fields(w, a.nid);
	jsonw_string_field(w, "action", "set");
	doc_end(&w);
	return 0;
}

/* --- tune ---------------------------------------------------------------- */

#define MAX_TUNABLES	64

struct tunables {
	int n;
	char key[MAX_TUNABLES][64];
	unsigned long long val[MAX_TUNABLES];
};

static int collect_tunable(const char *key, unsigned long long val, void *arg)
{
	struct tunables *t = arg;

	if (t->n == MAX_TUNABLES)
		return 0;
	snprintf(t->key[t->n], sizeof(t->key[0]), "%s", key);
	t->val[t->n++] = val;
	return 0;
}

static int read_tunables(int nid, struct tunables *t)
{
	char path[256];
	int ret;

	t->n = 0;
	ret = np_tunables_dump(nid, collect_tunable, t);
	if (ret == -ENOENT) {
		np_tunables_pin_path(nid, path, sizeof(path));
		report("node %d: no tunables pinned at %s: the node has no policy attached with a pin, or its policy has no tunables\n",
		       nid, path);
	}
	return ret;
}

static const unsigned long long *find_tunable(const struct tunables *t,
					      const char *key)
{
	int i;

	for (i = 0; i < t->n; i++)
		if (!strcmp(t->key[i], key))
			return &t->val[i];
	return NULL;
}

/* The KEY of assignment KEY=VALUE, into KEY (LEN bytes). */
static void assignment_key(const char *assign, char *key, size_t len)
{
	snprintf(key, len, "%.*s", (int)(strchr(assign, '=') - assign),
		 assign);
}

static void js_tunable(json_writer_t *w, const char *name,
		       const unsigned long long *val)
{
	jsonw_name(w, name);
	if (val)
		jsonw_lluint(w, *val);
	else
		jsonw_null(w);
}

static int json_tune(int nid, const char *policy, bool has_policy,
		     const struct tunables *before,
		     const struct tunables *after, char **assign, int n)
{
	char key[64], prev[64];
	json_writer_t *w;
	int i, j;

	w = doc_begin();
	if (!w)
		return -ENOMEM;
	jsonw_int_field(w, "node", nid);
	js_str_field(w, "policy", has_policy ? policy : NULL);
	jsonw_name(w, "tunables");
	jsonw_start_object(w);
	for (i = 0; i < after->n; i++) {
		js_name(w, after->key[i]);
		jsonw_lluint(w, after->val[i]);
	}
	jsonw_end_object(w);
	if (n) {
		jsonw_name(w, "changed");
		jsonw_start_object(w);
	}
	for (i = 0; i < n; i++) {
		assignment_key(assign[i], key, sizeof(key));
		/* A key assigned twice is one member. */
		for (j = 0; j < i; j++) {
			assignment_key(assign[j], prev, sizeof(prev));
			if (!strcmp(prev, key))
				break;
		}
		if (j < i)
			continue;
		js_name(w, key);
		jsonw_start_object(w);
		js_tunable(w, "old", find_tunable(before, key));
		js_tunable(w, "new", find_tunable(after, key));
		jsonw_end_object(w);
	}
	if (n)
		jsonw_end_object(w);
	doc_end(&w);
	return 0;
}

int cmd_tune(int argc, char **argv)
{
	struct tunables before, after;
	const unsigned long long *old, *now;
	char policy[64] = "", key[64];
	bool has_policy;
	struct args a;
	int nid, ret, i;

	ret = parse_status(parse_args(argc, argv, OPT_NODE, tune_usage, &a));
	if (ret >= 0)
		return ret;
	nid = a.nid;
	if (nid < 0) {
		report("tune: --node N is required\n");
		return 2;
	}
	for (i = 0; i < a.nr_rest; i++) {
		if (!strchr(a.rest[i], '=') || a.rest[i][0] == '=') {
			report("tune: '%s' is not KEY=VALUE\n", a.rest[i]);
			return 2;
		}
	}
	/* Reading them too: the tunables pin is root's. */
	if (!privileged("tune"))
		return 1;
	if (read_tunables(nid, &before))
		return 1;
	if (a.nr_rest) {
		if (np_tunables_update(nid, (const char *const *)a.rest,
				       a.nr_rest))
			return 1;
		if (read_tunables(nid, &after))
			return 1;
	} else {
		after = before;
	}
	has_policy = !np_node_read(nid, "policy", policy, sizeof(policy));
	if (json)
		return json_tune(nid, policy, has_policy, &before, &after,
				 a.rest, a.nr_rest) ? 1 : 0;
	if (!a.nr_rest) {
		printf("node %d: policy %s\n", nid, *policy ? policy : "?");
		for (i = 0; i < after.n; i++)
			printf("  %-20s %llu\n", after.key[i], after.val[i]);
		return 0;
	}
	for (i = 0; i < a.nr_rest; i++) {
		assignment_key(a.rest[i], key, sizeof(key));
		old = find_tunable(&before, key);
		now = find_tunable(&after, key);
		printf("node %d: %s %llu -> %llu\n", nid, key, old ? *old : 0,
		       now ? *now : 0);
	}
	return 0;
}

/* --- stats --------------------------------------------------------------- */

#define MAX_KV		64

struct kv {
	char key[48];
	char val[48];
};

struct node_sample {
	int nid;
	char policy[64];
	char state[32];
	int nr_stat;
	struct kv stat[MAX_KV];
	char device[64];		/* the device's name */
	int nr_dev;			/* its counters, then "alert" */
	struct kv dev_kv[MAX_KV];
};

static bool to_ll(const char *s, long long *v)
{
	char *end;

	errno = 0;
	*v = strtoll(s, &end, 10);
	return *s && !*end && !errno;
}

/* Split a "key value" per line text into at most MAX pairs. */
static int split_kv(const char *buf, struct kv *kv, int max)
{
	const char *p = buf, *nl, *sp;
	int n = 0;
	size_t len;

	for (; *p && n < max; p = nl ? nl + 1 : p + len) {
		nl = strchr(p, '\n');
		len = nl ? (size_t)(nl - p) : strlen(p);
		sp = memchr(p, ' ', len);
		if (!sp || sp == p)
			continue;
		snprintf(kv[n].key, sizeof(kv[n].key), "%.*s",
			 (int)(sp - p), p);
		while (sp < p + len && *sp == ' ')
			sp++;
		snprintf(kv[n].val, sizeof(kv[n].val), "%.*s",
			 (int)(p + len - sp), sp);
		n++;
	}
	return n;
}

static void read_sample(int nid, struct node_sample *s)
{
	char buf[8192];
	struct kv *kv;

	memset(s, 0, sizeof(*s));
	s->nid = nid;
	np_node_read(nid, "policy", s->policy, sizeof(s->policy));
	np_node_read(nid, "state", s->state, sizeof(s->state));
	if (!np_node_read(nid, "stat", buf, sizeof(buf)))
		s->nr_stat = split_kv(buf, s->stat, MAX_KV);
	/* Whatever the device: what nodeN/private/ says of it. */
	np_node_read(nid, "device", s->device, sizeof(s->device));
	if (!np_node_read(nid, "device_counters", buf, sizeof(buf)))
		s->nr_dev = split_kv(buf, s->dev_kv, MAX_KV - 1);
	kv = &s->dev_kv[s->nr_dev];
	if (!np_node_read(nid, "device_alert", kv->val, sizeof(kv->val))) {
		snprintf(kv->key, sizeof(kv->key), "alert");
		s->nr_dev++;
	}
}

/* The change of counter KV since PREV (which may lack it). */
static bool kv_delta(const struct kv *kv, const struct kv *prev, int nr_prev,
		     long long *delta)
{
	long long a, b;
	int i;

	for (i = 0; i < nr_prev; i++) {
		if (strcmp(prev[i].key, kv->key))
			continue;
		if (!to_ll(kv->val, &a) || !to_ll(prev[i].val, &b))
			return false;
		*delta = a - b;
		return true;
	}
	return false;
}

static void json_kv(json_writer_t *w, const char *name, const struct kv *kv,
		    int n)
{
	int i;

	jsonw_name(w, name);
	jsonw_start_object(w);
	for (i = 0; i < n; i++) {
		js_name(w, kv[i].key);
		js_value(w, kv[i].val);
	}
	jsonw_end_object(w);
}

/* The deltas of the counters KV, as member NAME. */
static void json_deltas(json_writer_t *w, const char *name,
			const struct kv *kv, int n, const struct kv *prev,
			int nr_prev)
{
	long long d;
	int i;

	jsonw_name(w, name);
	jsonw_start_object(w);
	for (i = 0; i < n; i++) {
		if (!kv_delta(&kv[i], prev, nr_prev, &d))
			continue;
		js_name(w, kv[i].key);
		jsonw_int(w, d);
	}
	jsonw_end_object(w);
}

/* KV, with the change since PREV of each (PREV NULL: none). */
static void text_kv(const char *indent, const struct kv *kv, int n,
		    const struct kv *prev, int nr_prev)
{
	long long d;
	int i;

	for (i = 0; i < n; i++) {
		printf("%s%-20s %s", indent, kv[i].key, kv[i].val);
		if (prev &&
		    kv_delta(&kv[i], prev, nr_prev, &d))
			printf(" (%+lld)", d);
		putchar('\n');
	}
}

static int json_sample(const struct node_sample *s, int n,
		       const struct node_sample *prev, double now,
		       double interval)
{
	const struct node_sample *p;
	json_writer_t *w;
	int i, j;

	w = doc_begin();
	if (!w)
		return -ENOMEM;
	jsonw_name(w, "time");
	jsonw_float_fmt(w, "%.3f", now);
	jsonw_name(w, "interval");
	if (prev)
		jsonw_float_fmt(w, "%.3f", interval);
	else
		jsonw_null(w);
	jsonw_name(w, "nodes");
	jsonw_start_array(w);
	for (i = 0; i < n; i++) {
		p = prev ? &prev[i] : NULL;
		jsonw_start_object(w);
		jsonw_int_field(w, "node", s[i].nid);
		jsonw_name(w, "policy");
		js_str(w, s[i].policy);
		jsonw_name(w, "state");
		js_str(w, s[i].state);
		json_kv(w, "stat", s[i].stat, s[i].nr_stat);
		if (p)
			json_deltas(w, "delta", s[i].stat, s[i].nr_stat,
				    p->stat, p->nr_stat);
		/* Levels, not counters: no deltas. */
		jsonw_name(w, "device");
		jsonw_start_object(w);
		jsonw_name(w, "name");
		js_str(w, s[i].device);
		for (j = 0; j < s[i].nr_dev; j++) {
			js_name(w, s[i].dev_kv[j].key);
			js_value(w, s[i].dev_kv[j].val);
		}
		jsonw_end_object(w);
		jsonw_end_object(w);
	}
	jsonw_end_array(w);
	doc_end(&w);
	return 0;
}

static int print_sample(const struct node_sample *s, int n,
			const struct node_sample *prev, double now,
			double interval)
{
	const struct node_sample *p;
	time_t t = now;
	char when[32];
	int i;

	if (json)
		return json_sample(s, n, prev, now, interval);
	if (prev || interval > 0) {
		strftime(when, sizeof(when), "%F %T", localtime(&t));
		if (prev)
			printf("--- %s (+%.3f s)\n", when, interval);
		else
			printf("--- %s\n", when);
	}
	for (i = 0; i < n; i++) {
		p = prev ? &prev[i] : NULL;
		printf("node %d: policy %s, state %s\n", s[i].nid,
		       *s[i].policy ? s[i].policy : "?",
		       *s[i].state ? s[i].state : "?");
		text_kv("  ", s[i].stat, s[i].nr_stat, p ? p->stat : NULL,
			p ? p->nr_stat : 0);
		printf("  device %s\n", *s[i].device ? s[i].device : "?");
		text_kv("    ", s[i].dev_kv, s[i].nr_dev, NULL, 0);
	}
	fflush(stdout);
	return 0;
}

static double now_real(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Wait until monotonic time DEADLINE or a signal in SIGS (blocked by the
 * caller); ppoll() unblocks them only while it waits, so none is lost.
 */
static void wait_until(double deadline, const sigset_t *unblocked)
{
	struct timespec ts;
	double left;

	while (!stop) {
		left = deadline - now_mono();
		if (left <= 0)
			return;
		ts.tv_sec = (time_t)left;
		ts.tv_nsec = (long)((left - ts.tv_sec) * 1e9);
		ppoll(NULL, 0, &ts, unblocked);
	}
}

int cmd_stats(int argc, char **argv)
{
	struct node_sample *cur = NULL, *prev = NULL, *tmp;
	int nids[MAX_NODES], n, i, j, ret;
	double next, last = 0, t;
	struct sigaction sa;
	sigset_t block, old;
	struct args a;

	ret = parse_no_operand("stats", argc, argv, OPT_NODE | OPT_MONITOR,
			       stats_usage, &a);
	if (ret >= 0)
		return ret;
	n = select_nodes(a.nid, nids);
	if (n < 0)
		return 1;
	if (!n) {
		report("no private nodes\n");
		return 1;
	}
	ret = 1;
	cur = calloc(n, sizeof(*cur));
	prev = calloc(n, sizeof(*prev));
	if (!cur || !prev) {
		report("stats: out of memory\n");
		goto out;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &old);
	next = now_mono();
	for (i = 0; !stop; i++) {
		t = now_mono();
		for (j = 0; j < n; j++)
			read_sample(nids[j], &cur[j]);
		if (print_sample(cur, n, i ? prev : NULL, now_real(),
				 i ? t - last : a.every))
			goto unblock;
		if (a.every <= 0)
			break;
		last = t;
		tmp = prev;
		prev = cur;
		cur = tmp;
		next += a.every;
		wait_until(next, &old);
	}
	ret = 0;
unblock:
	sigprocmask(SIG_SETMASK, &old, NULL);
out:
	free(cur);
	free(prev);
	return ret;
}
