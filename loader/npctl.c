// SPDX-License-Identifier: GPL-2.0
/*
 * npctl: attach, replace, detach and inspect the BPF policies of private
 * memory nodes.  `npctl help` describes the commands.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "np_common.h"
#include "libnp.h"

#define NPCTL_VERSION	"0.4"
#define MAX_SETS	32
#define MAX_NODES	64

static bool json;
static bool debug;

static const char usage_text[] =
"usage: npctl [-j] [-d] COMMAND [ARGS]\n"
"\n"
"  attach POLICY --node N [--flags F] [--set VAR=VALUE]... [--no-pin]\n"
"        Load POLICY and attach it to private node N.  Its link is pinned\n"
"        under " NP_PIN_ROOT "/nodeN, so the policy stays after npctl\n"
"        exits; with --no-pin npctl holds the link and waits for SIGINT or\n"
"        SIGTERM, and the policy goes with it.\n"
"  swap POLICY --node N [--flags F] [--set VAR=VALUE]...\n"
"        Replace the policy of node N by POLICY in one step, through its\n"
"        pinned link: no decision falls to the built-in policy meanwhile.\n"
"  detach --node N\n"
"        Detach the policy of node N; the node returns to the built-in\n"
"        policy.\n"
"  status [--node N]\n"
"        Device, policy, flags, BPF state, exit information and counters\n"
"        of each private node.\n"
"  tune --node N [KEY=VALUE]...\n"
"        Set tunables of the policy attached to node N while it runs\n"
"        (its map \"tunables\", pinned at " NP_PIN_ROOT "/nodeN_tunables);\n"
"        without KEY=VALUE, print them.\n"
"  stats [--node N] [--monitor SECONDS]\n"
"        The counters of each private node (nodeN/private/stat) and, for\n"
"        a CRAM node, the emulator's values; --monitor repeats every\n"
"        SECONDS with the change of each counter, until SIGINT or SIGTERM.\n"
"  list  The installed policies (in $NP_POLICY_DIR, or next to npctl).\n"
"  version\n"
"\n"
"  POLICY  a policy name (minimal, ...) or the path of a BPF object.\n"
"  F       flags as names (migration,mempolicy,...) or a number; by\n"
"          default those the policy was built with.\n"
"  VAR     a member of the policy's tunables, or a global variable.\n"
"  -j      JSON output (stats --monitor: one object per line and sample).\n"
"  -d      libbpf debug output.\n";

static int usage(FILE *f)
{
	fputs(usage_text, f);
	return f == stderr ? 2 : 0;
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list args)
{
	if (level == LIBBPF_DEBUG && !debug)
		return 0;
	return vfprintf(stderr, fmt, args);
}

static int parse_int(const char *s, int *v)
{
	char *end;
	long l;

	errno = 0;
	l = strtol(s, &end, 10);
	if (!*s || *end || errno || l < 0 || l > 1023)
		return -EINVAL;
	*v = l;
	return 0;
}

/*
 * Options every command takes: --node, --json, --help.  Return 0 when OPT
 * was one of them, 1 after --help, -EINVAL for a bad node, -ENOENT when
 * OPT is not a common option.
 */
static int common_opt(int opt, int *nid)
{
	switch (opt) {
	case 'n':
		if (parse_int(optarg, nid)) {
			fprintf(stderr, "--node %s: not a node id\n", optarg);
			return -EINVAL;
		}
		return 0;
	case 'j':
		json = true;
		return 0;
	case 'h':
		usage(stdout);
		return 1;
	}
	return -ENOENT;
}

struct load_args {
	const char *policy;
	int nid;
	bool has_flags;
	unsigned int flags;
	const char *sets[MAX_SETS];
	int nr_sets;
	bool no_pin;
};

static const struct option load_opts[] = {
	{ "node", required_argument, NULL, 'n' },
	{ "flags", required_argument, NULL, 'f' },
	{ "set", required_argument, NULL, 's' },
	{ "no-pin", no_argument, NULL, 'P' },
	{ "json", no_argument, NULL, 'j' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Parse the arguments of attach and swap (ALLOW_NO_PIN: attach only). */
static int parse_load_args(int argc, char **argv, struct load_args *a,
			   bool allow_no_pin)
{
	int opt, ret;

	memset(a, 0, sizeof(*a));
	a->nid = -1;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "n:f:s:jh", load_opts,
				  NULL)) != -1) {
		ret = common_opt(opt, &a->nid);
		if (ret != -ENOENT) {
			if (ret)
				return ret;
			continue;
		}
		switch (opt) {
		case 'f':
			if (np_flags_parse(optarg, &a->flags))
				return -EINVAL;
			a->has_flags = true;
			break;
		case 's':
			if (a->nr_sets == MAX_SETS) {
				fprintf(stderr, "at most %d --set\n",
					MAX_SETS);
				return -EINVAL;
			}
			a->sets[a->nr_sets++] = optarg;
			break;
		case 'P':
			if (!allow_no_pin) {
				fprintf(stderr, "--no-pin: only for attach\n");
				return -EINVAL;
			}
			a->no_pin = true;
			break;
		default:
			return -EINVAL;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "%s: expected one POLICY\n", argv[0]);
		return -EINVAL;
	}
	a->policy = argv[optind];
	if (a->nid < 0) {
		fprintf(stderr, "%s: --node N is required\n", argv[0]);
		return -EINVAL;
	}
	return 0;
}

static int open_and_load(const struct load_args *a, struct np_policy **out)
{
	return np_policy_prepare(a->policy, a->nid, NULL,
				 a->has_flags ? &a->flags : NULL, a->sets,
				 a->nr_sets, out);
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static void print_result(const char *what, int nid, struct np_policy *p)
{
	char seq[32] = "";

	np_node_read(nid, "enable_seq", seq, sizeof(seq));
	if (json)
		printf("{\"node\":%d,\"%s\":\"%s\",\"object\":\"%s\",\"enable_seq\":%s}\n",
		       nid, what, np_policy_name(p), np_policy_path(p),
		       *seq ? seq : "null");
	else
		printf("node %d: policy %s %s (enable_seq %s)\n", nid,
		       np_policy_name(p), what, *seq ? seq : "?");
}

/*
 * Whether the caller may change policies (see NP_CAPS_POLICY); if not,
 * say which capabilities CMD lacks rather than let a bpf() call fail with
 * a bare EPERM.
 */
static bool privileged(const char *cmd)
{
	char missing[128];
	int n;

	n = np_caps_missing(NP_CAPS_POLICY, missing, sizeof(missing));
	if (!n)
		return true;
	if (n < 0)
		fprintf(stderr, "npctl %s: cannot read this process's capabilities: %s\n",
			cmd, strerror(-n));
	else
		fprintf(stderr, "npctl %s: needs CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN (run it as root); this process lacks %s\n",
			cmd, missing);
	return false;
}

static int cmd_attach(int argc, char **argv)
{
	struct load_args a;
	struct np_policy *p = NULL;
	struct bpf_link *link = NULL;
	char path[256];
	int ret;

	ret = parse_load_args(argc, argv, &a, true);
	if (ret)
		return ret > 0 ? 0 : 2;
	if (!privileged("attach"))
		return 1;
	ret = open_and_load(&a, &p);
	if (ret)
		return 1;
	ret = np_policy_attach(p, !a.no_pin, &link);
	if (ret)
		goto out;
	print_result("attached", a.nid, p);
	if (!a.no_pin) {
		np_pin_path(a.nid, path, sizeof(path));
		if (!json)
			printf("node %d: link pinned at %s\n", a.nid, path);
		goto out;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (!json)
		printf("node %d: holding the link; SIGINT or SIGTERM detaches\n",
		       a.nid);
	fflush(stdout);
	while (!stop)
		pause();
	bpf_link__destroy(link);
	if (!json)
		printf("node %d: policy %s detached\n", a.nid,
		       np_policy_name(p));
out:
	np_policy_close(p);
	return ret ? 1 : 0;
}

static int cmd_swap(int argc, char **argv)
{
	struct load_args a;
	struct np_policy *p = NULL;
	struct bpf_link *link;
	int ret;

	ret = parse_load_args(argc, argv, &a, false);
	if (ret)
		return ret > 0 ? 0 : 2;
	if (!privileged("swap"))
		return 1;
	link = np_link_open(a.nid);
	if (!link)
		return 1;
	ret = open_and_load(&a, &p);
	if (ret)
		goto out;
	ret = np_policy_swap(p, link);
	if (!ret)
		print_result("swapped in", a.nid, p);
	else
		fprintf(stderr, "node %d: the running policy stays\n", a.nid);
	np_policy_close(p);
out:
	bpf_link__disconnect(link);
	bpf_link__destroy(link);
	return ret ? 1 : 0;
}

static int parse_node_only(int argc, char **argv, int *nid, bool required)
{
	static const struct option opts[] = {
		{ "node", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, ret;

	*nid = -1;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "n:jh", opts, NULL)) != -1) {
		ret = common_opt(opt, nid);
		if (ret == -ENOENT)
			return -EINVAL;
		if (ret)
			return ret;
	}
	if (optind != argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", argv[0],
			argv[optind]);
		return -EINVAL;
	}
	if (required && *nid < 0) {
		fprintf(stderr, "%s: --node N is required\n", argv[0]);
		return -EINVAL;
	}
	return 0;
}

static int cmd_detach(int argc, char **argv)
{
	int nid, ret;

	ret = parse_node_only(argc, argv, &nid, true);
	if (ret)
		return ret > 0 ? 0 : 2;
	if (!privileged("detach"))
		return 1;
	if (np_link_detach(nid))
		return 1;
	if (json)
		printf("{\"node\":%d,\"detached\":true}\n", nid);
	else
		printf("node %d: policy detached\n", nid);
	return 0;
}

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

/* Print a "key value" per line file as a JSON object or indented text. */
static void print_kv(const char *buf, const char *indent)
{
	char line[256], *sp;
	const char *p = buf, *nl;
	bool first = true;

	if (json)
		putchar('{');
	while (*p) {
		nl = strchr(p, '\n');
		snprintf(line, sizeof(line), "%.*s",
			 (int)(nl ? nl - p : (long)strlen(p)), p);
		p = nl ? nl + 1 : p + strlen(p);
		sp = strchr(line, ' ');
		if (!sp)
			continue;
		*sp++ = '\0';
		if (!json) {
			printf("%s%-20s %s\n", indent, line, sp);
			continue;
		}
		printf("%s", first ? "" : ",");
		first = false;
		json_string(line);
		putchar(':');
		if (strspn(sp, "-0123456789") == strlen(sp) && *sp)
			printf("%s", sp);
		else
			json_string(sp);
	}
	if (json)
		putchar('}');
}

static int print_node(int nid, bool first)
{
	static const char * const fields[] = {
		"device", "caps", "policy", "flags", "state", "enable_seq",
	};
	static const char * const kv_files[] = { "exit", "stat" };
	char buf[4096];
	unsigned int i;

	if (json)
		printf("%s{\"node\":%d", first ? "" : ",", nid);
	else
		printf("node %d\n", nid);
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if (np_node_read(nid, fields[i], buf, sizeof(buf)))
			strcpy(buf, "");
		if (json) {
			printf(",\"%s\":", fields[i]);
			if (!strcmp(fields[i], "enable_seq") && *buf)
				printf("%s", buf);
			else
				json_string(buf);
		} else {
			printf("  %-12s %s\n", fields[i], buf);
		}
	}
	/* The "key value" per line files, as nested objects. */
	for (i = 0; i < sizeof(kv_files) / sizeof(kv_files[0]); i++) {
		if (np_node_read(nid, kv_files[i], buf, sizeof(buf)))
			continue;
		if (json)
			printf(",\"%s\":", kv_files[i]);
		else
			printf("  %s\n", kv_files[i]);
		print_kv(buf, "    ");
	}
	if (json)
		putchar('}');
	return 0;
}

static int cmd_status(int argc, char **argv)
{
	int nids[MAX_NODES], n, i, nid, ret;

	ret = parse_node_only(argc, argv, &nid, false);
	if (ret)
		return ret > 0 ? 0 : 2;
	n = np_private_nodes(nids, MAX_NODES);
	if (n < 0) {
		fprintf(stderr, "cannot read the private nodes: %s (is this kernel built with CONFIG_NODE_PRIVATE?)\n",
			strerror(-n));
		return 1;
	}
	if (nid >= 0) {
		for (i = 0; i < n && nids[i] != nid; i++)
			;
		if (i == n) {
			fprintf(stderr, "node %d is not private\n", nid);
			return 1;
		}
		nids[0] = nid;
		n = 1;
	}
	if (json)
		printf("[");
	for (i = 0; i < n; i++)
		print_node(nids[i], i == 0);
	if (json)
		printf("]\n");
	else if (!n)
		printf("no private nodes\n");
	return 0;
}

/* --- tune ---------------------------------------------------------------- */

#define MAX_TUNABLES	64

static const char tune_usage[] =
"usage: npctl [-j] tune --node N [KEY=VALUE]...\n"
"\n"
"Set tunables of the policy attached to node N while it runs: members of\n"
"its one-entry map \"tunables\", found by name through the map's BTF and\n"
"written in one update.  Without KEY=VALUE, print them.  VALUE is an\n"
"unsigned integer (0x... for hex).  The policy must have been attached\n"
"with a pin (npctl attach, npd), which pins the map at\n"
NP_PIN_ROOT "/nodeN_tunables.\n"
"\n"
"  -n, --node N   the node\n"
"  -j, --json     {\"node\":N,\"policy\":NAME,\"tunables\":{KEY:VALUE,...}}\n";

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
		fprintf(stderr, "node %d: no tunables pinned at %s: the node has no policy attached with a pin, or its policy has no tunables\n",
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

static int cmd_tune(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "node", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct tunables before, after;
	const unsigned long long *old;
	const char *const *assign;
	char policy[64] = "", key[64];
	int opt, nid = -1, n, i;
	size_t len;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "n:jh", opts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			fputs(tune_usage, stdout);
			return 0;
		case 'n':
		case 'j':
			if (common_opt(opt, &nid))
				return 2;
			break;
		default:
			fputs(tune_usage, stderr);
			return 2;
		}
	}
	if (nid < 0) {
		fprintf(stderr, "tune: --node N is required\n");
		return 2;
	}
	assign = (const char *const *)argv + optind;
	n = argc - optind;
	for (i = 0; i < n; i++) {
		if (!strchr(assign[i], '=') || assign[i][0] == '=') {
			fprintf(stderr, "tune: '%s' is not KEY=VALUE\n",
				assign[i]);
			return 2;
		}
	}
	/* Reading them too: the tunables pin is root's. */
	if (!privileged("tune"))
		return 1;
	if (read_tunables(nid, &before))
		return 1;
	if (n) {
		if (np_tunables_update(nid, assign, n))
			return 1;
		if (read_tunables(nid, &after))
			return 1;
	} else {
		after = before;
	}
	np_node_read(nid, "policy", policy, sizeof(policy));
	if (json) {
		printf("{\"node\":%d,\"policy\":", nid);
		json_string(policy);
		printf(",\"tunables\":{");
		for (i = 0; i < after.n; i++)
			printf("%s\"%s\":%llu", i ? "," : "", after.key[i],
			       after.val[i]);
		printf("}}\n");
		return 0;
	}
	if (!n) {
		printf("node %d: policy %s\n", nid, *policy ? policy : "?");
		for (i = 0; i < after.n; i++)
			printf("  %-20s %llu\n", after.key[i], after.val[i]);
		return 0;
	}
	for (i = 0; i < n; i++) {
		len = strchr(assign[i], '=') - assign[i];
		snprintf(key, sizeof(key), "%.*s", (int)len, assign[i]);
		old = find_tunable(&before, key);
		printf("node %d: %s %llu -> %llu\n", nid, key, old ? *old : 0,
		       find_tunable(&after, key) ?
		       *find_tunable(&after, key) : 0);
	}
	return 0;
}

/* --- stats --------------------------------------------------------------- */

#define MAX_KV		64

static const char stats_usage[] =
"usage: npctl [-j] stats [--node N] [--monitor SECONDS]\n"
"\n"
"Print the counters of each private node (nodeN/private/stat), its\n"
"policy and state, and for a node driven by the CRAM emulator the\n"
"emulator's values (/sys/kernel/cram_emu/nodeN).\n"
"\n"
"  -n, --node N          only node N\n"
"  -m, --monitor SECONDS  repeat every SECONDS (decimals allowed) until\n"
"                        SIGINT or SIGTERM, with the change of each\n"
"                        counter since the previous sample\n"
"  -j, --json            one JSON object per sample, on one line:\n"
"                        {\"time\":T,\"interval\":S,\"nodes\":[{\"node\":N,\n"
"                        \"policy\":P,\"state\":S,\"stat\":{...},\"delta\":{...},\n"
"                        \"cram\":{...},\"cram_delta\":{...}},...]}\n"
"                        (interval and the deltas from the second sample)\n";

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
	bool cram;
	int nr_cram;
	struct kv cram_kv[MAX_KV];
};

/* The emulator's values that count events; the others are levels. */
static bool cram_counter(const char *key)
{
	return !strcmp(key, "overflow_events") ||
	       !strcmp(key, "watermark_events");
}

static bool is_number(const char *s)
{
	size_t n;

	if (*s == '-')
		s++;
	n = strspn(s, "0123456789");
	if (!n)
		return false;
	s += n;
	if (*s == '.') {
		n = strspn(++s, "0123456789");
		if (!n)
			return false;
		s += n;
	}
	return !*s;
}

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
	int i;

	memset(s, 0, sizeof(*s));
	s->nid = nid;
	np_node_read(nid, "policy", s->policy, sizeof(s->policy));
	np_node_read(nid, "state", s->state, sizeof(s->state));
	if (!np_node_read(nid, "stat", buf, sizeof(buf)))
		s->nr_stat = split_kv(buf, s->stat, MAX_KV);
	s->cram = np_cram_node(nid);
	for (i = 0; s->cram && np_cram_files[i] && i < MAX_KV; i++) {
		kv = &s->cram_kv[s->nr_cram];
		if (np_cram_read(nid, np_cram_files[i], kv->val,
				 sizeof(kv->val)))
			continue;
		snprintf(kv->key, sizeof(kv->key), "%s", np_cram_files[i]);
		s->nr_cram++;
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

static void json_kv(const char *name, const struct kv *kv, int n)
{
	int i;

	printf(",\"%s\":{", name);
	for (i = 0; i < n; i++) {
		printf("%s", i ? "," : "");
		json_string(kv[i].key);
		putchar(':');
		if (is_number(kv[i].val))
			printf("%s", kv[i].val);
		else
			json_string(kv[i].val);
	}
	putchar('}');
}

/* The deltas of the counters among KV, as "name":{...}; PREV may be NULL. */
static void json_deltas(const char *name, const struct kv *kv, int n,
			const struct kv *prev, int nr_prev, bool all)
{
	long long d;
	bool first = true;
	int i;

	printf(",\"%s\":{", name);
	for (i = 0; i < n; i++) {
		if (!all && !cram_counter(kv[i].key))
			continue;
		if (!kv_delta(&kv[i], prev, nr_prev, &d))
			continue;
		printf("%s", first ? "" : ",");
		first = false;
		json_string(kv[i].key);
		printf(":%lld", d);
	}
	putchar('}');
}

static void text_kv(const char *indent, const struct kv *kv, int n,
		    const struct kv *prev, int nr_prev, bool all)
{
	long long d;
	int i;

	for (i = 0; i < n; i++) {
		printf("%s%-20s %s", indent, kv[i].key, kv[i].val);
		if (prev && (all || cram_counter(kv[i].key)) &&
		    kv_delta(&kv[i], prev, nr_prev, &d))
			printf(" (%+lld)", d);
		putchar('\n');
	}
}

static void print_sample(const struct node_sample *s, int n,
			 const struct node_sample *prev, double now,
			 double interval)
{
	const struct node_sample *p;
	time_t t = now;
	char when[32];
	int i;

	if (json) {
		printf("{\"time\":%.3f,\"interval\":", now);
		if (prev)
			printf("%.3f", interval);
		else
			printf("null");
		printf(",\"nodes\":[");
	} else if (prev || interval > 0) {
		strftime(when, sizeof(when), "%F %T", localtime(&t));
		if (prev)
			printf("--- %s (+%.3f s)\n", when, interval);
		else
			printf("--- %s\n", when);
	}
	for (i = 0; i < n; i++) {
		p = prev ? &prev[i] : NULL;
		if (json) {
			printf("%s{\"node\":%d,\"policy\":", i ? "," : "",
			       s[i].nid);
			json_string(s[i].policy);
			printf(",\"state\":");
			json_string(s[i].state);
			json_kv("stat", s[i].stat, s[i].nr_stat);
			if (p)
				json_deltas("delta", s[i].stat, s[i].nr_stat,
					    p->stat, p->nr_stat, true);
			if (s[i].cram) {
				json_kv("cram", s[i].cram_kv, s[i].nr_cram);
				if (p)
					json_deltas("cram_delta", s[i].cram_kv,
						    s[i].nr_cram, p->cram_kv,
						    p->nr_cram, false);
			}
			putchar('}');
			continue;
		}
		printf("node %d: policy %s, state %s\n", s[i].nid,
		       *s[i].policy ? s[i].policy : "?",
		       *s[i].state ? s[i].state : "?");
		text_kv("  ", s[i].stat, s[i].nr_stat, p ? p->stat : NULL,
			p ? p->nr_stat : 0, true);
		if (!s[i].cram)
			continue;
		printf("  cram_emu\n");
		text_kv("    ", s[i].cram_kv, s[i].nr_cram,
			p ? p->cram_kv : NULL, p ? p->nr_cram : 0, false);
	}
	if (json)
		printf("]}\n");
	fflush(stdout);
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

static int select_nodes(int nid, int *nids)
{
	int n, i;

	n = np_private_nodes(nids, MAX_NODES);
	if (n < 0) {
		fprintf(stderr, "cannot read the private nodes: %s (is this kernel built with CONFIG_NODE_PRIVATE?)\n",
			strerror(-n));
		return -1;
	}
	if (nid < 0)
		return n;
	for (i = 0; i < n && nids[i] != nid; i++)
		;
	if (i == n) {
		fprintf(stderr, "node %d is not private\n", nid);
		return -1;
	}
	nids[0] = nid;
	return 1;
}

static int cmd_stats(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "node", required_argument, NULL, 'n' },
		{ "monitor", required_argument, NULL, 'm' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct node_sample *cur = NULL, *prev = NULL, *tmp;
	int nids[MAX_NODES], opt, nid = -1, n, i, ret = 1;
	double every = 0, next, last = 0, t;
	struct sigaction sa;
	sigset_t block, old;
	char *end;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "n:m:jh", opts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			fputs(stats_usage, stdout);
			return 0;
		case 'n':
		case 'j':
			if (common_opt(opt, &nid))
				return 2;
			break;
		case 'm':
			errno = 0;
			every = strtod(optarg, &end);
			if (!*optarg || *end || errno || !(every > 0) ||
			    every > 86400) {
				fprintf(stderr, "stats: --monitor %s: a number of seconds, more than 0 and at most 86400\n",
					optarg);
				return 2;
			}
			break;
		default:
			fputs(stats_usage, stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "stats: unexpected argument '%s'\n",
			argv[optind]);
		return 2;
	}
	n = select_nodes(nid, nids);
	if (n < 0)
		return 1;
	if (!n) {
		fprintf(stderr, "no private nodes\n");
		return 1;
	}
	cur = calloc(n, sizeof(*cur));
	prev = calloc(n, sizeof(*prev));
	if (!cur || !prev) {
		fprintf(stderr, "stats: out of memory\n");
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
		for (nid = 0; nid < n; nid++)
			read_sample(nids[nid], &cur[nid]);
		print_sample(cur, n, i ? prev : NULL, now_real(),
			     i ? t - last : every);
		if (every <= 0)
			break;
		last = t;
		tmp = prev;
		prev = cur;
		cur = tmp;
		next += every;
		wait_until(next, &old);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	ret = 0;
out:
	free(cur);
	free(prev);
	return ret;
}

static int cmd_list(int argc, char **argv)
{
	const char *dir = np_policy_dir();
	struct np_policy *p;
	struct dirent *de;
	char path[1024];
	bool first = true;
	size_t l;
	DIR *d;

	if (argc > 1) {
		fprintf(stderr, "list: unexpected argument '%s'\n", argv[1]);
		return 2;
	}
	d = opendir(dir);
	if (!d) {
		fprintf(stderr, "cannot list %s: %s\n", dir, strerror(errno));
		return 1;
	}
	if (json)
		printf("[");
	while ((de = readdir(d))) {
		l = strlen(de->d_name);
		if (l < 7 || strcmp(de->d_name + l - 6, ".bpf.o"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		/* Test objects and other programs are not policies. */
		libbpf_set_print(NULL);
		if (np_policy_open(path, &p)) {
			libbpf_set_print(libbpf_print);
			continue;
		}
		libbpf_set_print(libbpf_print);
		if (json) {
			printf("%s{\"policy\":\"%.*s\",\"name\":", first ? "" : ",",
			       (int)(l - 6), de->d_name);
			json_string(np_policy_name(p));
			printf(",\"object\":");
			json_string(path);
			putchar('}');
		} else {
			printf("%-16.*s %-16s %s\n", (int)(l - 6), de->d_name,
			       np_policy_name(p), path);
		}
		first = false;
		np_policy_close(p);
	}
	closedir(d);
	if (json)
		printf("]\n");
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd;
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json"))
			json = true;
		else if (!strcmp(argv[i], "-d") || !strcmp(argv[i], "--debug"))
			debug = true;
		else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return usage(stdout);
		else {
			fprintf(stderr, "npctl: unknown option '%s'\n", argv[i]);
			return usage(stderr);
		}
	}
	if (i == argc)
		return usage(stderr);
	libbpf_set_print(libbpf_print);
	cmd = argv[i];
	argc -= i;
	argv += i;
	if (!strcmp(cmd, "attach"))
		return cmd_attach(argc, argv);
	if (!strcmp(cmd, "swap"))
		return cmd_swap(argc, argv);
	if (!strcmp(cmd, "detach"))
		return cmd_detach(argc, argv);
	if (!strcmp(cmd, "status"))
		return cmd_status(argc, argv);
	if (!strcmp(cmd, "list"))
		return cmd_list(argc, argv);
	if (!strcmp(cmd, "tune"))
		return cmd_tune(argc, argv);
	if (!strcmp(cmd, "stats"))
		return cmd_stats(argc, argv);
	if (!strcmp(cmd, "version")) {
		printf(json ? "{\"version\":\"%s\"}\n" : "npctl %s\n",
		       NPCTL_VERSION);
		return 0;
	}
	if (!strcmp(cmd, "help"))
		return usage(stdout);
	fprintf(stderr, "npctl: unknown command '%s'\n", cmd);
	return usage(stderr);
}
