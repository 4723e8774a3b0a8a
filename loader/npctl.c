// SPDX-License-Identifier: GPL-2.0
/*
 * npctl: attach, replace, detach and inspect the BPF policies of private
 * memory nodes.  `npctl help` describes the commands, `npctl COMMAND
 * --help` each one.
 *
 * With -j (or -p, indented) each command prints one JSON document, an
 * object whose first member is "version", through bpftool's JSON writer
 * (np_json.h).  A failure is the document {"version":V,"error":MESSAGE}:
 * the messages of npctl, libnp and libbpf that would have gone to stderr.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "np_common.h"
#include "np_version.h"
#include "libnp.h"
#include "np_paths.h"
#include "np_json.h"

#define NPCTL_VERSION	NP_VERSION
#define MAX_SETS	32
#define MAX_NODES	64

static bool json;		/* -j: one JSON document per command */
static bool pretty;		/* -p: the same, indented */
static bool debug;		/* -d: libbpf's debug output, on stderr */

/* What every command's help says about -j, -p and failures under them. */
#define JSON_HELP(shape)						\
"  -j, --json          " shape "\n"					\
"  -p, --pretty        the same, indented\n"				\
"  -h, --help          this text\n"					\
"\n"									\
"Under -j or -p a failure prints {\"version\":V,\"error\":MESSAGE} on stdout\n" \
"instead of messages on stderr, with the same exit status.\n"

static const char usage_text[] =
"usage: npctl [-j|-p] [-d] COMMAND [ARGS]\n"
"       npctl COMMAND --help\n"
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
"  list  The installed policies (in $NP_POLICY_DIR, or " NP_LIB_DIR ").\n"
"  version\n"
"        The version of npctl (and npd).\n"
"  help [COMMAND]\n"
"        This text, or the help of COMMAND.\n"
"\n"
"  POLICY  a policy name (minimal, ...) or the path of a BPF object.\n"
"  F       flags as names (migration,mempolicy,...) or a number; by\n"
"          default those the policy was built with.\n"
"  VAR     a member of the policy's tunables, or a global variable.\n"
"  -j, --json    JSON output: one document per command, an object whose\n"
"                first member is \"version\" (stats --monitor: one per\n"
"                sample, each on one line); `npctl COMMAND --help` shows\n"
"                its members.  A failure prints {\"version\":V,\n"
"                \"error\":MESSAGE} on stdout instead of messages on\n"
"                stderr, with the same exit status.\n"
"  -p, --pretty  JSON output, indented (implies -j).\n"
"  -d, --debug   libbpf debug output, on stderr.\n";

static const char attach_usage[] =
"usage: npctl [-j|-p] attach POLICY --node N [--flags F] [--set VAR=VALUE]...\n"
"                            [--no-pin]\n"
"\n"
"Load POLICY and attach it to private node N.  Its link is pinned at\n"
NP_PIN_ROOT "/nodeN, so the policy stays after npctl exits; with --no-pin\n"
"npctl holds the link and waits for SIGINT or SIGTERM, and the policy goes\n"
"with it.\n"
"\n"
"  POLICY              a policy name (npctl list) or the path of a BPF object\n"
"  -n, --node N        the node\n"
"  -f, --flags F       flags as names (migration,mempolicy,...) or a number;\n"
"                      by default those the policy was built with\n"
"  -s, --set VAR=VALUE set member VAR of the policy's tunables, or its\n"
"                      global variable VAR, before it is attached\n"
"      --no-pin        hold the link instead of pinning it\n"
JSON_HELP("{\"version\":V,\"node\":N,\"policy\":NAME,\"object\":PATH,\n"
"                      \"enable_seq\":SEQ,\"action\":\"attached\"}");

static const char swap_usage[] =
"usage: npctl [-j|-p] swap POLICY --node N [--flags F] [--set VAR=VALUE]...\n"
"\n"
"Replace the policy of node N by POLICY in one step, through its pinned\n"
"link: no decision falls to the built-in policy meanwhile.  On failure the\n"
"running policy stays.\n"
"\n"
"  POLICY              a policy name (npctl list) or the path of a BPF object\n"
"  -n, --node N        the node\n"
"  -f, --flags F       flags as names (migration,mempolicy,...) or a number;\n"
"                      by default those the policy was built with\n"
"  -s, --set VAR=VALUE set member VAR of the policy's tunables, or its\n"
"                      global variable VAR, before it is swapped in\n"
JSON_HELP("{\"version\":V,\"node\":N,\"policy\":NAME,\"object\":PATH,\n"
"                      \"enable_seq\":SEQ,\"action\":\"swapped\"}");

static const char detach_usage[] =
"usage: npctl [-j|-p] detach --node N\n"
"\n"
"Detach the policy of node N and remove its pins; the node returns to the\n"
"built-in policy.\n"
"\n"
"  -n, --node N        the node\n"
JSON_HELP("{\"version\":V,\"node\":N,\"detached\":true}");

static const char status_usage[] =
"usage: npctl [-j|-p] status [--node N]\n"
"\n"
"Device, capabilities, policy, flags, BPF state, exit information and\n"
"counters of each private node (or of node N), from\n"
"/sys/devices/system/node/nodeN/private/.\n"
"\n"
"  -n, --node N        only node N\n"
JSON_HELP("{\"version\":V,\"nodes\":[{\"node\":N,\"device\":D,\"caps\":C,\n"
"                      \"policy\":P,\"flags\":F,\"state\":S,\"enable_seq\":SEQ,\n"
"                      \"exit\":{KEY:VALUE,...},\"stat\":{KEY:VALUE,...}},...]}\n"
"                      (a file that cannot be read: null, or no member;\n"
"                      a value is a number when it is one)");

static const char list_usage[] =
"usage: npctl [-j|-p] list\n"
"\n"
"The installed policies: the BPF objects in $NP_POLICY_DIR (by default\n"
NP_LIB_DIR ", or in a build tree the ones built with npctl) that are\n"
"private node policies.\n"
"\n"
JSON_HELP("{\"version\":V,\"policies\":[{\"name\":NAME,\"path\":PATH,\n"
"                      \"policy\":FILE,\"object\":PATH},...]}  (NAME: the\n"
"                      policy's name; FILE: what attach takes, the file\n"
"                      name without .bpf.o; object: the same as path)");

static const char version_usage[] =
"usage: npctl [-j|-p] version\n"
"\n"
"The version of npctl, which npd shares.\n"
"\n"
JSON_HELP("{\"version\":V}");

static const char help_usage[] =
"usage: npctl help [COMMAND]\n"
"\n"
"The commands of npctl, or the help of COMMAND (as npctl COMMAND --help).\n";

static const char tune_usage[] =
"usage: npctl [-j|-p] tune --node N [KEY=VALUE]...\n"
"\n"
"Set tunables of the policy attached to node N while it runs: members of\n"
"its one-entry map \"tunables\", found by name through the map's BTF and\n"
"written in one update.  Without KEY=VALUE, print them.  VALUE is an\n"
"unsigned integer (0x... for hex).  The policy must have been attached\n"
"with a pin (npctl attach, npd), which pins the map at\n"
NP_PIN_ROOT "/nodeN_tunables.\n"
"\n"
"  -n, --node N        the node\n"
JSON_HELP("{\"version\":V,\"node\":N,\"policy\":NAME,\n"
"                      \"tunables\":{KEY:VALUE,...}} and, after KEY=VALUE,\n"
"                      \"changed\":{KEY:{\"old\":VALUE,\"new\":VALUE},...}");

static const char stats_usage[] =
"usage: npctl [-j|-p] stats [--node N] [--monitor SECONDS]\n"
"\n"
"Print the counters of each private node (nodeN/private/stat), its\n"
"policy and state, and for a node driven by the CRAM emulator the\n"
"emulator's values (/sys/kernel/cram_emu/nodeN).\n"
"\n"
"  -n, --node N        only node N\n"
"  -m, --monitor SECONDS\n"
"                      repeat every SECONDS (decimals allowed) until\n"
"                      SIGINT or SIGTERM, with the change of each\n"
"                      counter since the previous sample\n"
JSON_HELP("one document per sample, on one line (JSON Lines):\n"
"                      {\"version\":V,\"time\":T,\"interval\":S,\n"
"                      \"nodes\":[{\"node\":N,\"policy\":P,\"state\":S,\n"
"                      \"stat\":{...},\"delta\":{...},\"cram\":{...},\n"
"                      \"cram_delta\":{...}},...]}  (interval and the\n"
"                      deltas from the second sample; -p indents each)");

/* --- messages ------------------------------------------------------------ */

/*
 * Every message of npctl, of libnp (np_set_print()) and of libbpf
 * (libbpf_print()) goes through report(): to stderr in text mode, kept in
 * msgs under -j, for the command's document ("error" when it fails, else
 * "warnings").  Until a command's options are parsed -j may still come,
 * so messages are kept either way; output_decided() then prints them if
 * it did not.
 */
static char *msgs;
static size_t msgs_len;
static bool decided;		/* the options are parsed: json is final */
static bool quiet;		/* drop them: list opens non-policies too */
static bool bad_option;		/* an option error: text adds the usage */
static const char *cmd_name = "npctl";

static void msgs_clear(void)
{
	free(msgs);
	msgs = NULL;
	msgs_len = 0;
}

static void report_str(const char *s)
{
	size_t n = strlen(s);
	char *p;

	if (quiet)
		return;
	if (decided && !json) {
		fputs(s, stderr);
		return;
	}
	p = realloc(msgs, msgs_len + n + 1);
	if (!p)
		return;
	memcpy(p + msgs_len, s, n + 1);
	msgs = p;
	msgs_len += n;
}

__attribute__((format(printf, 1, 0)))
static void vreport(const char *fmt, va_list ap)
{
	char *s;

	if (quiet)
		return;
	if (decided && !json) {
		vfprintf(stderr, fmt, ap);
		return;
	}
	if (vasprintf(&s, fmt, ap) < 0)
		return;
	report_str(s);
	free(s);
}

__attribute__((format(printf, 1, 2)))
static void report(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(fmt, ap);
	va_end(ap);
}

/* The options are parsed: without -j, print what was kept meanwhile. */
static void output_decided(void)
{
	decided = true;
	if (json)
		return;
	if (msgs_len)
		fputs(msgs, stderr);
	msgs_clear();
}

static void libnp_print(const char *msg)
{
	report_str(msg);
}

/*
 * libbpf's warnings are kept with npctl's own messages; its debug output
 * (and under -j its information) goes to stderr, with -d only.
 */
static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list args)
{
	if (level == LIBBPF_DEBUG || (json && level == LIBBPF_INFO))
		return debug ? vfprintf(stderr, fmt, args) : 0;
	vreport(fmt, args);
	return 0;
}

/* --- JSON ---------------------------------------------------------------- */

/* Write S as a name (NAME) or a string, valid UTF-8 (np_json_sanitize()). */
static void js_text(json_writer_t *w, const char *s, bool name)
{
	char small[256], *buf = small;
	size_t need;

	need = np_json_sanitize(small, sizeof(small), s);
	if (need >= sizeof(small)) {
		buf = malloc(need + 1);
		if (buf)
			np_json_sanitize(buf, need + 1, s);
		else
			buf = small;	/* cut, but valid */
	}
	if (name)
		jsonw_name(w, buf);
	else
		jsonw_string(w, buf);
	if (buf != small)
		free(buf);
}

static void js_str(json_writer_t *w, const char *s)
{
	js_text(w, s, false);
}

static void js_name(json_writer_t *w, const char *s)
{
	js_text(w, s, true);
}

/* S as a number if it is one as JSON writes numbers, else as a string. */
static void js_value(json_writer_t *w, const char *s)
{
	if (np_json_is_number(s))
		jsonw_printf(w, "%s", s);
	else
		js_str(w, s);
}

/* Member NAME: the messages kept, without the final newlines, or DEF. */
static void js_msgs(json_writer_t *w, const char *name, const char *def)
{
	while (msgs_len && msgs[msgs_len - 1] == '\n')
		msgs[--msgs_len] = '\0';
	jsonw_name(w, name);
	js_str(w, msgs_len ? msgs : def);
}

/* Start a document: an object whose first member is "version". */
static json_writer_t *doc_begin(void)
{
	json_writer_t *w = jsonw_new(stdout);

	if (!w) {
		report("%s: out of memory\n", cmd_name);
		return NULL;
	}
	jsonw_pretty(w, pretty);
	jsonw_start_object(w);
	jsonw_string_field(w, "version", NPCTL_VERSION);
	return w;
}

/* End it, with the messages kept since the last one as "warnings". */
static void doc_end(json_writer_t **w)
{
	if (msgs_len) {
		js_msgs(*w, "warnings", "");
		msgs_clear();
	}
	jsonw_end_object(*w);
	jsonw_destroy(w);
}

/*
 * The end of every command, with its exit status RET.  Under -j a failure
 * is a document of its own, on stdout; in text mode an option error is
 * followed by USAGE on stderr.
 */
static int finish(int ret, const char *usage)
{
	char what[64];
	json_writer_t *w;

	if (!decided)
		output_decided();
	if (!json) {
		if (ret == 2 && bad_option && usage)
			fputs(usage, stderr);
		return ret;
	}
	if (ret) {
		snprintf(what, sizeof(what), "%s failed (exit %d)", cmd_name,
			 ret);
		w = doc_begin();
		if (w) {
			js_msgs(w, "error", what);
			jsonw_end_object(w);
			jsonw_destroy(&w);
		} else {
			printf("{\"version\":\"%s\",\"error\":\"out of memory\"}\n",
			       NPCTL_VERSION);
		}
	}
	msgs_clear();
	fflush(stdout);
	return ret;
}

/* --- options ------------------------------------------------------------- */

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

/* The options of some commands; -j, -p and --help are every command's. */
enum {
	OPT_NODE	= 1 << 0,	/* --node N */
	OPT_LOAD	= 1 << 1,	/* --flags F, --set VAR=VALUE */
	OPT_NO_PIN	= 1 << 2,	/* --no-pin */
	OPT_MONITOR	= 1 << 3,	/* --monitor SECONDS */
};

static const struct option options[] = {
	{ "node", required_argument, NULL, 'n' },
	{ "flags", required_argument, NULL, 'f' },
	{ "set", required_argument, NULL, 's' },
	{ "no-pin", no_argument, NULL, 'P' },
	{ "monitor", required_argument, NULL, 'm' },
	{ "json", no_argument, NULL, 'j' },
	{ "pretty", no_argument, NULL, 'p' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct args {
	int nid;		/* -1: no --node */
	bool has_flags;
	unsigned int flags;
	const char *sets[MAX_SETS];
	int nr_sets;
	bool no_pin;
	double every;		/* --monitor; 0: once */
	char **rest;		/* the operands */
	int nr_rest;
};

static unsigned int opt_kind(int opt)
{
	switch (opt) {
	case 'n':
		return OPT_NODE;
	case 'f':
	case 's':
		return OPT_LOAD;
	case 'P':
		return OPT_NO_PIN;
	case 'm':
		return OPT_MONITOR;
	}
	return 0;
}

static const char *opt_long_name(int opt)
{
	const struct option *o;

	for (o = options; o->name; o++)
		if (o->val == opt)
			return o->name;
	return "?";
}

/*
 * Parse the options of command ARGV[0]: those of ALLOWED, and -j, -p and
 * --help.  Every bad option is reported, and the parse goes on so that a
 * later -j still counts.  Returns 0; 1 after --help, its USAGE printed;
 * or -EINVAL.  Either way whether output is JSON is known after it.
 */
static int parse_args(int argc, char **argv, unsigned int allowed,
		      const char *usage, struct args *a)
{
	const char *arg;
	bool help = false, bad = false;
	char *end;
	int opt;

	memset(a, 0, sizeof(*a));
	a->nid = -1;
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":n:f:s:m:jph", options,
				  NULL)) != -1) {
		if (opt_kind(opt) && !(opt_kind(opt) & allowed)) {
			report("%s: unknown option --%s\n", argv[0],
			       opt_long_name(opt));
			bad = bad_option = true;
			continue;
		}
		switch (opt) {
		case 'n':
			if (parse_int(optarg, &a->nid)) {
				report("--node %s: not a node id\n", optarg);
				bad = true;
			}
			break;
		case 'f':
			if (np_flags_parse(optarg, &a->flags))
				bad = true;
			a->has_flags = true;
			break;
		case 's':
			if (a->nr_sets == MAX_SETS) {
				report("%s: at most %d --set\n", argv[0],
				       MAX_SETS);
				bad = true;
				break;
			}
			a->sets[a->nr_sets++] = optarg;
			break;
		case 'P':
			a->no_pin = true;
			break;
		case 'm':
			errno = 0;
			a->every = strtod(optarg, &end);
			if (!*optarg || *end || errno || !(a->every > 0) ||
			    a->every > 86400) {
				report("%s: --monitor %s: a number of seconds, more than 0 and at most 86400\n",
				       argv[0], optarg);
				bad = true;
			}
			break;
		case 'p':
			pretty = true;
			/* fall through */
		case 'j':
			json = true;
			break;
		case 'h':
			help = true;
			break;
		case ':':
			report("%s: option %s needs an argument\n", argv[0],
			       argv[optind - 1]);
			bad = bad_option = true;
			break;
		default:
			arg = argv[optind - 1];
			if (!strncmp(arg, "--", 2) || !optopt)
				report("%s: unknown option %s\n", argv[0], arg);
			else
				report("%s: unknown option -%c\n", argv[0],
				       optopt);
			bad = bad_option = true;
			break;
		}
	}
	a->rest = argv + optind;
	a->nr_rest = argc - optind;
	if (help) {
		msgs_clear();
		bad_option = false;
		output_decided();
		fputs(usage, stdout);
		return 1;
	}
	output_decided();
	return bad ? -EINVAL : 0;
}

/* After parse_args(): the exit status of a help or an error, else -1. */
static int parse_status(int ret)
{
	if (ret > 0)
		return 0;
	return ret ? 2 : -1;
}

/*
 * parse_args() for a command that takes no operand: the exit status to
 * return now (0 after --help, 2 on an error), or -1 to go on.
 */
static int parse_no_operand(const char *cmd, int argc, char **argv,
			    unsigned int allowed, const char *usage,
			    struct args *a)
{
	int ret = parse_args(argc, argv, allowed, usage, a);

	if (!ret && a->nr_rest) {
		report("%s: unexpected argument '%s'\n", cmd, a->rest[0]);
		ret = -EINVAL;
	}
	return parse_status(ret);
}

/* --node N is required; no operand is allowed unless MAX_REST. */
static int need_node(const char *cmd, const struct args *a, int max_rest)
{
	int ret = 0;

	if (a->nr_rest > max_rest) {
		report("%s: unexpected argument '%s'\n", cmd,
		       a->rest[max_rest]);
		ret = -EINVAL;
	}
	if (a->nid < 0) {
		report("%s: --node N is required\n", cmd);
		ret = -EINVAL;
	}
	return ret;
}

/* --- attach, swap, detach ------------------------------------------------ */

static int parse_load_args(int argc, char **argv, unsigned int allowed,
			   const char *usage, struct args *a)
{
	int ret;

	ret = parse_args(argc, argv, OPT_NODE | OPT_LOAD | allowed, usage, a);
	if (ret)
		return ret;
	if (a->nr_rest != 1) {
		report("%s: expected one POLICY\n", argv[0]);
		ret = -EINVAL;
	}
	if (a->nid < 0) {
		report("%s: --node N is required\n", argv[0]);
		ret = -EINVAL;
	}
	return ret;
}

static int open_and_load(const struct args *a, struct np_policy **out)
{
	return np_policy_prepare(a->rest[0], a->nid, NULL,
				 a->has_flags ? &a->flags : NULL, a->sets,
				 a->nr_sets, out);
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

/* ACTION: "attached" or "swapped"; in text, VERB. */
static int print_result(const char *action, const char *verb, int nid,
			struct np_policy *p)
{
	json_writer_t *w;
	char seq[32];
	bool has_seq;

	has_seq = !np_node_read(nid, "enable_seq", seq, sizeof(seq));
	if (!json) {
		printf("node %d: policy %s %s (enable_seq %s)\n", nid,
		       np_policy_name(p), verb, has_seq ? seq : "?");
		return 0;
	}
	w = doc_begin();
	if (!w)
		return -ENOMEM;
	jsonw_int_field(w, "node", nid);
	jsonw_name(w, "policy");
	js_str(w, np_policy_name(p));
	jsonw_name(w, "object");
	js_str(w, np_policy_path(p));
	jsonw_name(w, "enable_seq");
	if (has_seq)
		js_value(w, seq);
	else
		jsonw_null(w);
	jsonw_string_field(w, "action", action);
	doc_end(&w);
	return 0;
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
		report("npctl %s: cannot read this process's capabilities: %s\n",
		       cmd, strerror(-n));
	else
		report("npctl %s: needs CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN (run it as root); this process lacks %s\n",
		       cmd, missing);
	return false;
}

static int cmd_attach(int argc, char **argv)
{
	struct np_policy *p = NULL;
	struct bpf_link *link = NULL;
	struct args a;
	char path[256];
	int ret;

	ret = parse_status(parse_load_args(argc, argv, OPT_NO_PIN,
					   attach_usage, &a));
	if (ret >= 0)
		return ret;
	if (!privileged("attach"))
		return 1;
	ret = open_and_load(&a, &p);
	if (ret)
		return 1;
	ret = np_policy_attach(p, !a.no_pin, &link);
	if (ret)
		goto out;
	ret = print_result("attached", "attached", a.nid, p);
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
	struct np_policy *p = NULL;
	struct bpf_link *link;
	struct args a;
	int ret;

	ret = parse_status(parse_load_args(argc, argv, 0, swap_usage, &a));
	if (ret >= 0)
		return ret;
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
		ret = print_result("swapped", "swapped in", a.nid, p);
	else
		report("node %d: the running policy stays\n", a.nid);
	np_policy_close(p);
out:
	bpf_link__disconnect(link);
	bpf_link__destroy(link);
	return ret ? 1 : 0;
}

static int cmd_detach(int argc, char **argv)
{
	json_writer_t *w;
	struct args a;
	int ret;

	ret = parse_args(argc, argv, OPT_NODE, detach_usage, &a);
	if (!ret)
		ret = need_node(argv[0], &a, 0);
	ret = parse_status(ret);
	if (ret >= 0)
		return ret;
	if (!privileged("detach"))
		return 1;
	if (np_link_detach(a.nid))
		return 1;
	if (!json) {
		printf("node %d: policy detached\n", a.nid);
		return 0;
	}
	w = doc_begin();
	if (!w)
		return 1;
	jsonw_int_field(w, "node", a.nid);
	jsonw_bool_field(w, "detached", true);
	doc_end(&w);
	return 0;
}

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

static int cmd_status(int argc, char **argv)
{
	int nids[MAX_NODES], n, i, ret;
	json_writer_t *w;
	struct args a;

	ret = parse_no_operand("status", argc, argv, OPT_NODE, status_usage,
			       &a);
	if (ret >= 0)
		return ret;
	n = select_nodes(a.nid, nids);
	if (n < 0)
		return 1;
	if (!json) {
		for (i = 0; i < n; i++)
			text_node(nids[i]);
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
		json_node(w, nids[i]);
	jsonw_end_array(w);
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
	jsonw_name(w, "policy");
	if (has_policy)
		js_str(w, policy);
	else
		jsonw_null(w);
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

static int cmd_tune(int argc, char **argv)
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

/* The deltas of the counters among KV, as member NAME. */
static void json_deltas(json_writer_t *w, const char *name,
			const struct kv *kv, int n, const struct kv *prev,
			int nr_prev, bool all)
{
	long long d;
	int i;

	jsonw_name(w, name);
	jsonw_start_object(w);
	for (i = 0; i < n; i++) {
		if (!all && !cram_counter(kv[i].key))
			continue;
		if (!kv_delta(&kv[i], prev, nr_prev, &d))
			continue;
		js_name(w, kv[i].key);
		jsonw_int(w, d);
	}
	jsonw_end_object(w);
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

static int json_sample(const struct node_sample *s, int n,
		       const struct node_sample *prev, double now,
		       double interval)
{
	const struct node_sample *p;
	json_writer_t *w;
	int i;

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
				    p->stat, p->nr_stat, true);
		if (s[i].cram) {
			json_kv(w, "cram", s[i].cram_kv, s[i].nr_cram);
			if (p)
				json_deltas(w, "cram_delta", s[i].cram_kv,
					    s[i].nr_cram, p->cram_kv,
					    p->nr_cram, false);
		}
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
			p ? p->nr_stat : 0, true);
		if (!s[i].cram)
			continue;
		printf("  cram_emu\n");
		text_kv("    ", s[i].cram_kv, s[i].nr_cram,
			p ? p->cram_kv : NULL, p ? p->nr_cram : 0, false);
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

static int cmd_stats(int argc, char **argv)
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

/* --- list, version, help ------------------------------------------------- */

static int cmd_list(int argc, char **argv)
{
	const char *dir = np_policy_dir();
	json_writer_t *w = NULL;
	struct np_policy *p;
	struct dirent *de;
	char path[1024], stem[256];
	struct args a;
	size_t l;
	DIR *d;
	int ret;

	ret = parse_no_operand("list", argc, argv, 0, list_usage,
			       &a);
	if (ret >= 0)
		return ret;
	d = opendir(dir);
	if (!d) {
		report("cannot list %s: %s\n", dir, strerror(errno));
		return 1;
	}
	if (json) {
		w = doc_begin();
		if (!w) {
			closedir(d);
			return 1;
		}
		jsonw_name(w, "policies");
		jsonw_start_array(w);
	}
	while ((de = readdir(d))) {
		l = strlen(de->d_name);
		if (l < 7 || strcmp(de->d_name + l - 6, ".bpf.o"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		snprintf(stem, sizeof(stem), "%.*s", (int)(l - 6), de->d_name);
		/* Test objects and other programs are not policies. */
		quiet = true;
		ret = np_policy_open(path, &p);
		quiet = false;
		if (ret)
			continue;
		if (json) {
			jsonw_start_object(w);
			jsonw_name(w, "name");
			js_str(w, np_policy_name(p));
			jsonw_name(w, "path");
			js_str(w, path);
			jsonw_name(w, "policy");
			js_str(w, stem);
			jsonw_name(w, "object");
			js_str(w, path);
			jsonw_end_object(w);
		} else {
			printf("%-16s %-16s %s\n", stem, np_policy_name(p),
			       path);
		}
		np_policy_close(p);
	}
	closedir(d);
	if (json) {
		jsonw_end_array(w);
		doc_end(&w);
	}
	return 0;
}

static int cmd_version(int argc, char **argv)
{
	json_writer_t *w;
	struct args a;
	int ret;

	ret = parse_no_operand("version", argc, argv, 0, version_usage,
			       &a);
	if (ret >= 0)
		return ret;
	if (!json) {
		printf("npctl %s\n", NPCTL_VERSION);
		return 0;
	}
	w = doc_begin();
	if (!w)
		return 1;
	doc_end(&w);
	return 0;
}

static int cmd_help(int argc, char **argv);

static const struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
} commands[] = {
	{ "attach", cmd_attach, attach_usage },
	{ "swap", cmd_swap, swap_usage },
	{ "detach", cmd_detach, detach_usage },
	{ "status", cmd_status, status_usage },
	{ "tune", cmd_tune, tune_usage },
	{ "stats", cmd_stats, stats_usage },
	{ "list", cmd_list, list_usage },
	{ "version", cmd_version, version_usage },
	{ "help", cmd_help, help_usage },
};

static const struct command *find_command(const char *name)
{
	unsigned int i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static int cmd_help(int argc, char **argv)
{
	const struct command *c;
	struct args a;
	int ret;

	ret = parse_status(parse_args(argc, argv, 0, help_usage, &a));
	if (ret >= 0)
		return ret;
	if (!a.nr_rest) {
		fputs(usage_text, stdout);
		return 0;
	}
	c = a.nr_rest == 1 ? find_command(a.rest[0]) : NULL;
	if (!c) {
		report("help: no command '%s'\n", a.rest[0]);
		return 2;
	}
	fputs(c->usage, stdout);
	return 0;
}

int main(int argc, char **argv)
{
	const struct command *c;
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "-p") ||
			   !strcmp(argv[i], "--pretty")) {
			json = pretty = true;
		} else if (!strcmp(argv[i], "-d") ||
			   !strcmp(argv[i], "--debug")) {
			debug = true;
		} else if (!strcmp(argv[i], "-h") ||
			   !strcmp(argv[i], "--help")) {
			fputs(usage_text, stdout);
			return 0;
		} else {
			report("npctl: unknown option '%s'\n", argv[i]);
			bad_option = true;
			return finish(2, usage_text);
		}
	}
	if (i == argc) {
		report("npctl: no command\n");
		bad_option = true;
		return finish(2, usage_text);
	}
	c = find_command(argv[i]);
	if (!c) {
		report("npctl: unknown command '%s'\n", argv[i]);
		bad_option = true;
		return finish(2, usage_text);
	}
	cmd_name = c->name;
	libbpf_set_print(libbpf_print);
	np_set_print(libnp_print);
	return finish(c->fn(argc - i, argv + i), c->usage);
}
