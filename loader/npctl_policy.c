// SPDX-License-Identifier: GPL-2.0
/*
 * npctl attach, swap and detach: load a policy, attach it (pinned, or
 * held until a signal), replace it through its pinned link, or detach it.
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
bool privileged(const char *cmd)
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

int cmd_attach(int argc, char **argv)
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

int cmd_swap(int argc, char **argv)
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
	np_link_put(link);
	return ret ? 1 : 0;
}

int cmd_detach(int argc, char **argv)
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
