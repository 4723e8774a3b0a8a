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
#include "npctl.h"

#define NPCTL_VERSION	NP_VERSION

bool json;
bool pretty;
bool debug;

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
"  flags [--node N] [F | default | none]\n"
"        The policy and flags in force on each private node; with an\n"
"        operand, choose the services of node N's built-in policy, which\n"
"        decides while no BPF policy is attached.\n"
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

const char attach_usage[] =
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

const char swap_usage[] =
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

const char detach_usage[] =
"usage: npctl [-j|-p] detach --node N\n"
"\n"
"Detach the policy of node N and remove its pins; the node returns to the\n"
"built-in policy.\n"
"\n"
"  -n, --node N        the node\n"
JSON_HELP("{\"version\":V,\"node\":N,\"detached\":true}");

const char status_usage[] =
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

const char flags_usage[] =
"usage: npctl [-j|-p] flags [--node N] [F | default | none]\n"
"\n"
"Without an operand: the policy deciding on each private node (or on\n"
"node N) and the flags in force there (nodeN/private/flags).\n"
"\n"
"With one: choose the services of node N's built-in policy (isolated),\n"
"which decides while no BPF policy is attached, then print them.  The\n"
"kernel checks them as any policy's flags, against what the device can\n"
"do, and logs why it refuses.  The choice holds until the node stops\n"
"being private or gets a device that lacks one of them; a BPF policy\n"
"attached meanwhile brings its own flags, and the choice is back when it\n"
"goes.  Needs root; refused while a BPF policy decides.\n"
"\n"
"  -n, --node N        the node (required with an operand)\n"
"  F                   flags as names (migration,mempolicy,...; several\n"
"                      operands are joined) or a number\n"
"  default             the default services: migration and mempolicy,\n"
"                      each one if the device has it\n"
"  none                no service at all\n"
JSON_HELP("{\"version\":V,\"nodes\":[{\"node\":N,\"policy\":P,\n"
"                      \"flags\":F},...]}; with an operand\n"
"                      {\"version\":V,\"node\":N,\"policy\":P,\"flags\":F,\n"
"                      \"action\":\"set\"}  (F: the names, separated by\n"
"                      spaces, as the kernel prints them)");

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

const char tune_usage[] =
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

const char stats_usage[] =
"usage: npctl [-j|-p] stats [--node N] [--monitor SECONDS]\n"
"\n"
"Print the counters of each private node (nodeN/private/stat), its\n"
"policy and state, and what its device reports: its name, counters and\n"
"alert (nodeN/private/device, device_counters, device_alert).\n"
"\n"
"  -n, --node N        only node N\n"
"  -m, --monitor SECONDS\n"
"                      repeat every SECONDS (decimals allowed) until\n"
"                      SIGINT or SIGTERM, with the change of each\n"
"                      counter since the previous sample\n"
JSON_HELP("one document per sample, on one line (JSON Lines):\n"
"                      {\"version\":V,\"time\":T,\"interval\":S,\n"
"                      \"nodes\":[{\"node\":N,\"policy\":P,\"state\":S,\n"
"                      \"stat\":{...},\"delta\":{...},\n"
"                      \"device\":{\"name\":D,COUNTER:N,...,\"alert\":A}},\n"
"                      ...]}  (interval and delta from the second\n"
"                      sample; -p indents each)");

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
bool quiet;
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
void report(const char *fmt, ...)
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

void js_str(json_writer_t *w, const char *s)
{
	js_text(w, s, false);
}

void js_name(json_writer_t *w, const char *s)
{
	js_text(w, s, true);
}

/* Member NAME: string S, or null when S is NULL (a file not read). */
void js_str_field(json_writer_t *w, const char *name, const char *s)
{
	jsonw_name(w, name);
	if (s)
		js_str(w, s);
	else
		jsonw_null(w);
}

/* S as a number if it is one as JSON writes numbers, else as a string. */
void js_value(json_writer_t *w, const char *s)
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
json_writer_t *doc_begin(void)
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
void doc_end(json_writer_t **w)
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

/* SIGINT and SIGTERM end attach --no-pin and stats --monitor. */
volatile sig_atomic_t stop;

void on_signal(int sig)
{
	stop = 1;
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
int parse_args(int argc, char **argv, unsigned int allowed,
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
int parse_status(int ret)
{
	if (ret > 0)
		return 0;
	return ret ? 2 : -1;
}

/*
 * parse_args() for a command that takes no operand: the exit status to
 * return now (0 after --help, 2 on an error), or -1 to go on.
 */
int parse_no_operand(const char *cmd, int argc, char **argv,
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
int need_node(const char *cmd, const struct args *a, int max_rest)
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
	{ "flags", cmd_flags, flags_usage },
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
