// SPDX-License-Identifier: GPL-2.0
/*
 * npctl: attach, replace, detach and inspect the BPF policies of private
 * memory nodes.  `npctl help` describes the commands.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
"  list  The installed policies (in $NP_POLICY_DIR, or next to npctl).\n"
"  version\n"
"\n"
"  POLICY  a policy name (minimal, ...) or the path of a BPF object.\n"
"  F       flags as names (migration,mempolicy,...) or a number; by\n"
"          default those the policy was built with.\n"
"  -j      JSON output.   -d  libbpf debug output.\n";

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
