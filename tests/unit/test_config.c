// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of npd's configuration parser (loader/npd_config.c): a full
 * valid file, and every error with its line number and message.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "npd_config.h"
#include "unit.h"

static const char valid[] =
"# npd.conf for the unit tests\n"			/* 1 */
"\n"							/* 2 */
"[global]\n"						/* 3 */
"metrics = /run/npd/metrics.sock   # unix socket\n"	/* 4 */
"on_exit = detach\n"					/* 5 */
"http = [::1]:9464\n"					/* 6 */
"[node 2]\n"						/* 7 */
"policy = cram\n"					/* 8 */
"flags = migration,demotion\n"				/* 9 */
"set = high_pct=80\n"					/* 10 */
"set = low_pct = 60   # spaces around '='\n"		/* 11 */
"min_ratio = 1.5\n"					/* 12 */
"react = tighten high_pct=60 low_pct=40\n"		/* 13 */
"react = evacuate 512\n"				/* 14 */
"react = swap isolate\n"				/* 15 */
"\n"							/* 16 */
"  [ node 3 ]  \n"					/* 17 */
"\tpolicy=/usr/lib/np/bpf/minimal.bpf.o\n"		/* 18 */
"set = admit_verdict=-1\n";				/* 19 */

static struct npd_config *parse(const char *text, char *err, size_t len,
				int *ret)
{
	struct npd_config *c = NULL;

	*ret = npd_config_parse("npd.conf", text, &c, err, len);
	return c;
}

static void test_valid(void)
{
	const struct npd_node_conf *n;
	struct npd_config *c;
	char err[NPD_ERR_LEN];
	int ret;

	c = parse(valid, err, sizeof(err), &ret);
	EXPECT_INT(ret, 0);
	EXPECT_STR(err, "");
	if (!c)
		return;
	EXPECT_STR(c->file, "npd.conf");
	EXPECT_STR(c->metrics, "/run/npd/metrics.sock");
	EXPECT_STR(c->http, "[::1]:9464");
	EXPECT_INT(c->http_addr.ss_family, AF_INET6);
	EXPECT_INT(c->on_exit, NPD_EXIT_DETACH);
	EXPECT_INT(c->nr_nodes, 2);

	n = npd_config_node(c, 2);
	EXPECT(n != NULL);
	if (n) {
		EXPECT_INT(n->line, 7);
		EXPECT_STR(n->policy, "cram");
		EXPECT_INT(n->policy_line, 8);
		EXPECT_STR(n->flags, "migration,demotion");
		EXPECT_INT(n->flags_line, 9);
		EXPECT_INT(n->nr_sets, 2);
		EXPECT_STR(n->sets[0].text, "high_pct=80");
		EXPECT_INT(n->sets[0].line, 10);
		EXPECT_STR(n->sets[1].text, "low_pct=60");
		EXPECT_INT(n->sets[1].line, 11);
		EXPECT(n->min_ratio == 1.5);
		EXPECT_INT(n->min_ratio_line, 12);
		EXPECT_INT(n->nr_reacts, 3);
		EXPECT_INT(n->reacts[0].kind, NPD_REACT_TIGHTEN);
		EXPECT_INT(n->reacts[0].line, 13);
		EXPECT_INT(n->reacts[0].nr_assign, 2);
		EXPECT_STR(n->reacts[0].assign[0], "high_pct=60");
		EXPECT_STR(n->reacts[0].assign[1], "low_pct=40");
		EXPECT_INT(n->reacts[1].kind, NPD_REACT_EVACUATE);
		EXPECT_INT(n->reacts[1].pages, 512);
		EXPECT_INT(n->reacts[2].kind, NPD_REACT_SWAP);
		EXPECT_STR(n->reacts[2].policy, "isolate");
		EXPECT_INT(n->reacts[2].line, 15);
	}
	n = npd_config_node(c, 3);
	EXPECT(n != NULL);
	if (n) {
		EXPECT_INT(n->line, 17);
		EXPECT_STR(n->policy, "/usr/lib/np/bpf/minimal.bpf.o");
		EXPECT(n->flags == NULL);
		EXPECT_INT(n->nr_sets, 1);
		EXPECT_STR(n->sets[0].text, "admit_verdict=-1");
		EXPECT(n->min_ratio == 0);
		EXPECT_INT(n->nr_reacts, 0);
	}
	EXPECT(npd_config_node(c, 4) == NULL);
	npd_config_free(c);
}

static void test_defaults(void)
{
	struct npd_config *c;
	char err[NPD_ERR_LEN];
	int ret;

	c = parse("# nothing but a comment\n\n[global]\n", err, sizeof(err),
		  &ret);
	EXPECT_INT(ret, 0);
	if (!c)
		return;
	EXPECT(c->metrics == NULL);
	EXPECT_INT(c->on_exit, NPD_EXIT_KEEP);
	EXPECT_INT(c->nr_nodes, 0);
	npd_config_free(c);

	c = parse("", err, sizeof(err), &ret);
	EXPECT_INT(ret, 0);
	EXPECT(c && c->nr_nodes == 0);
	npd_config_free(c);
}

static void test_crlf_and_no_final_newline(void)
{
	struct npd_config *c;
	char err[NPD_ERR_LEN];
	int ret;

	c = parse("[node 2]\r\npolicy = cram\r\nmin_ratio = 2", err,
		  sizeof(err), &ret);
	EXPECT_INT(ret, 0);
	EXPECT_STR(err, "");
	if (!c)
		return;
	EXPECT_STR(c->nodes[0].policy, "cram");
	EXPECT(c->nodes[0].min_ratio == 2.0);
	EXPECT_INT(c->nodes[0].min_ratio_line, 3);
	npd_config_free(c);
}

struct bad {
	const char *text;
	const char *err;
};

static const struct bad bad[] = {
	/* The example of docs/npd.md: a typo on line 7. */
	{ "# npd.conf\n[global]\non_exit = keep\n\n[node 2]\n# cram\npolcy = cram\n",
	  "npd.conf:7: unknown key 'polcy'" },
	{ "[global]\npolicy = cram\n",
	  "npd.conf:2: unknown key 'policy'" },
	{ "[node 2]\npolicy = cram\nmetrics = /x\n",
	  "npd.conf:3: unknown key 'metrics'" },
	{ "\n[nodes 2]\n",
	  "npd.conf:2: unknown section [nodes 2]" },
	{ "[global\n",
	  "npd.conf:1: expected ']' at the end of '[global'" },
	{ "policy = cram\n",
	  "npd.conf:1: key 'policy' outside a section ([global], [node N] or [device PATTERN])" },
	{ "[node 2]\npolicy = cram\n\n[node 2]\npolicy = minimal\n",
	  "npd.conf:4: duplicate node 2 (first at line 1)" },
	{ "[node x]\n",
	  "npd.conf:1: bad node id 'x' (0 to 1023)" },
	{ "[node 1024]\n",
	  "npd.conf:1: bad node id '1024' (0 to 1023)" },
	{ "[node -1]\n",
	  "npd.conf:1: bad node id '-1' (0 to 1023)" },
	{ "[node 2 3]\n",
	  "npd.conf:1: bad node id '2 3' (0 to 1023)" },
	{ "[node]\n",
	  "npd.conf:1: section [node] needs a node id: [node N]" },
	{ "[global]\n[global]\n",
	  "npd.conf:2: duplicate section [global] (first at line 1)" },
	{ "[node 2]\npolicy = cram\npolicy = minimal\n",
	  "npd.conf:3: duplicate key 'policy' (first at line 2)" },
	{ "[node 2]\nflags = migration\nflags = reclaim\npolicy = cram\n",
	  "npd.conf:3: duplicate key 'flags' (first at line 2)" },
	{ "[node 2]\nflags = migration\n\n[node 3]\npolicy = cram\n",
	  "npd.conf:1: [node 2] has no policy" },
	{ "[node 2]\npolicy = cram\n\n[node 3]\n",
	  "npd.conf:4: [node 3] has no policy" },
	{ "[node 2]\npolicy\n",
	  "npd.conf:2: expected KEY = VALUE or [SECTION], not 'policy'" },
	{ "[node 2]\npolicy =   # nothing\n",
	  "npd.conf:2: key 'policy' needs a value" },
	{ "[node 2]\n= cram\n",
	  "npd.conf:2: expected KEY = VALUE or [SECTION], not '= cram'" },
	{ "[node 2]\npolicy = cram\nmin_ratio = 0\n",
	  "npd.conf:3: min_ratio: '0' is not a number greater than 0" },
	{ "[node 2]\npolicy = cram\nmin_ratio = -1.5\n",
	  "npd.conf:3: min_ratio: '-1.5' is not a number greater than 0" },
	{ "[node 2]\npolicy = cram\nmin_ratio = 1.5x\n",
	  "npd.conf:3: min_ratio: '1.5x' is not a number greater than 0" },
	{ "[node 2]\npolicy = cram\nmin_ratio = nan\n",
	  "npd.conf:3: min_ratio: 'nan' is not a number greater than 0" },
	{ "[node 2]\npolicy = cram\nmin_ratio = 1e999\n",
	  "npd.conf:3: min_ratio: '1e999' is not a number greater than 0" },
	{ "[node 2]\npolicy = cram\nmin_ratio = 1.5\nmin_ratio = 2\n",
	  "npd.conf:4: duplicate key 'min_ratio' (first at line 3)" },
	{ "[node 2]\npolicy = cram\nset = high_pct\n",
	  "npd.conf:3: set: 'high_pct' is not KEY=VALUE" },
	{ "[node 2]\npolicy = cram\nset = 9x=1\n",
	  "npd.conf:3: set: '9x=1' is not KEY=VALUE" },
	{ "[node 2]\npolicy = cram\nset = high_pct=eighty\n",
	  "npd.conf:3: set: 'eighty' is not an integer" },
	{ "[node 2]\npolicy = cram\nset = high_pct=99999999999999999999\n",
	  "npd.conf:3: set: '99999999999999999999' is not an integer" },
	{ "[node 2]\npolicy = cram\nset = high_pct=80\nset = high_pct=70\n",
	  "npd.conf:4: duplicate set of 'high_pct' (first at line 3)" },
	{ "[node 2]\npolicy = cram\nmin_ratio = 1.5\nreact = shrink 10\n",
	  "npd.conf:4: unknown react verb 'shrink' (tighten, evacuate or swap)" },
	{ "[node 2]\npolicy = cram\nmin_ratio = 1.5\nreact = tighten\n",
	  "npd.conf:4: react tighten needs KEY=VALUE..." },
	{ "[node 2]\npolicy = cram\nmin_ratio = 1.5\nreact = tighten high_pct=60 low_pct=-1\n",
	  "npd.conf:4: react tighten: '-1' is not an unsigned integer" },
	{ "[node 2]\npolicy = cram\nmin_ratio = 1.5\nreact = tighten high_pct\n",
	  "npd.conf:4: react tighten: 'high_pct' is not KEY=VALUE" },
	{ "[node 2]\npolicy = cram\nmin_ratio = 1.5\nreact = evacuate 0\n",
	  "npd.conf:4: react evacuate: '0' is not a number of pages from 1 to 4294967295" },
	{ "[node 2]\npolicy = cram\nmin_ratio = 1.5\nreact = evacuate lots\n",
	  "npd.conf:4: react evacuate: 'lots' is not a number of pages from 1 to 4294967295" },
	{ "[node 2]\npolicy = cram\nmin_ratio = 1.5\nreact = evacuate 4294967296\n",
	  "npd.conf:4: react evacuate: '4294967296' is not a number of pages from 1 to 4294967295" },
	{ "[node 2]\npolicy = cram\nmin_ratio = 1.5\nreact = evacuate 1 2\n",
	  "npd.conf:4: react evacuate takes one number of pages" },
	{ "[node 2]\npolicy = cram\nmin_ratio = 1.5\nreact = swap\n",
	  "npd.conf:4: react swap takes one POLICY" },
	{ "[node 2]\npolicy = cram\nmin_ratio = 1.5\nreact = swap a b\n",
	  "npd.conf:4: react swap takes one POLICY" },
	{ "[node 2]\npolicy = cram\nreact = evacuate 64\n\n[node 3]\npolicy = cram\n",
	  "npd.conf:3: react without min_ratio in [node 2]" },
	{ "[global]\non_exit = stay\n",
	  "npd.conf:2: on_exit: 'stay' is not keep or detach" },
	{ "[global]\non_exit = keep\non_exit = detach\n",
	  "npd.conf:3: duplicate key 'on_exit' (first at line 2)" },
	{ "[global]\nmetrics = /run/npd/m.sock\nmetrics = /run/npd/n.sock\n",
	  "npd.conf:3: duplicate key 'metrics' (first at line 2)" },
	{ "[global]\nmetrics = /run/npd/"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.sock\n",
	  "npd.conf:2: metrics: socket path longer than 107 bytes" },
	{ "[global]\nhttp = 9464\nhttp = 9465\n",
	  "npd.conf:3: duplicate key 'http' (first at line 2)" },
	{ "[global]\nhttp = localhost:9464\n",
	  "npd.conf:2: http: 'localhost' is not an IPv4 address (IPv6: [ADDR]:PORT)" },
	{ "[global]\nhttp = 127.0.0.1:0\n",
	  "npd.conf:2: http: port '0' is not a number from 1 to 65535" },
	{ "[node 1]\npolicy = x\nhttp = 9464\n",
	  "npd.conf:3: unknown key 'http'" },
	{ "[device]\n",
	  "npd.conf:1: section [device] needs a device name or pattern: [device dax0.0]" },
	{ "[device dax0.0]\npolicy = x\n[device dax0.0]\npolicy = y\n",
	  "npd.conf:3: duplicate device dax0.0 (first at line 1)" },
	{ "[device dax0.0]\nflags = migration\n",
	  "npd.conf:1: [device dax0.0] has no policy" },
	{ "[device dax*]\npolicy = cram\nreact = evacuate 64\n",
	  "npd.conf:3: react without min_ratio in [device dax*]" },
	{ "[device "
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxx]\n",
	  "npd.conf:1: device pattern longer than 63 characters" },
	{ "[device dax\x01]\n",
	  "npd.conf:1: bad character in device pattern 'dax\x01'" },
};

static void test_errors(void)
{
	struct npd_config *c;
	char err[NPD_ERR_LEN];
	unsigned int i;
	int ret;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		c = parse(bad[i].text, err, sizeof(err), &ret);
		if (ret != -EINVAL || c)
			UNIT_FAIL("case %u: returned %d, expected -EINVAL",
				  i, ret);
		EXPECT_STR(err, bad[i].err);
		npd_config_free(c);
	}
}

static void test_http_addr(void)
{
	static const struct {
		const char *text;
		int family;
		const char *addr;
		unsigned int port;
		const char *err;
	} cases[] = {
		{ "9464", AF_INET, "127.0.0.1", 9464, NULL },
		{ "0.0.0.0:80", AF_INET, "0.0.0.0", 80, NULL },
		{ "[::]:65535", AF_INET6, "::", 65535, NULL },
		{ "[fe80::1]:1", AF_INET6, "fe80::1", 1, NULL },
		{ "65536", 0, NULL, 0,
		  "port '65536' is not a number from 1 to 65535" },
		{ "127.0.0.1:", 0, NULL, 0,
		  "port '' is not a number from 1 to 65535" },
		{ "127.0.0.1:+80", 0, NULL, 0,
		  "port '+80' is not a number from 1 to 65535" },
		{ "::1:9464", 0, NULL, 0,
		  "'::1' is not an IPv4 address (IPv6: [ADDR]:PORT)" },
		{ "[::1]9464", 0, NULL, 0,
		  "'[::1]9464' is not PORT, IPV4:PORT or [IPV6]:PORT" },
		{ "[nothex]:1", 0, NULL, 0, "'nothex' is not an IPv6 address" },
		{ "", 0, NULL, 0, "port '' is not a number from 1 to 65535" },
	};
	char err[NPD_ERR_LEN], addr[INET6_ADDRSTRLEN];
	struct sockaddr_storage sa;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&sa;
	struct sockaddr_in *in = (struct sockaddr_in *)&sa;
	unsigned int i, port;
	socklen_t len;
	int ret;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err[0] = '\0';
		ret = npd_http_addr_parse(cases[i].text, &sa, &len, err,
					  sizeof(err));
		if (cases[i].err) {
			EXPECT_INT(ret, -EINVAL);
			EXPECT_STR(err, cases[i].err);
			continue;
		}
		EXPECT_INT(ret, 0);
		EXPECT_INT(sa.ss_family, cases[i].family);
		if (sa.ss_family == AF_INET6) {
			inet_ntop(AF_INET6, &in6->sin6_addr, addr,
				  sizeof(addr));
			port = ntohs(in6->sin6_port);
			EXPECT_INT(len, sizeof(*in6));
		} else {
			inet_ntop(AF_INET, &in->sin_addr, addr, sizeof(addr));
			port = ntohs(in->sin_port);
			EXPECT_INT(len, sizeof(*in));
		}
		EXPECT_STR(addr, cases[i].addr);
		EXPECT_INT(port, cases[i].port);
	}
}

/*
 * Mutated copies of the valid file (bytes replaced by ones the syntax
 * cares about, inserted, deleted, lines repeated), with a fixed seed: each
 * parses, or fails with "npd.conf:LINE: reason" and no configuration.
 * Under ASan and UBSan (make unit builds both) a stray access aborts.
 */
static unsigned int rng_state = 2463534242u;

static unsigned int rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static void test_mutations(void)
{
	static const char alphabet[] = "[]=#\n\r\t -+.0129xeaz_,\xff\xc3";
	char text[4096], err[NPD_ERR_LEN];
	struct npd_config *c;
	int i, k, ret, parsed = 0, refused = 0, bad = 0;
	size_t len, pos, n;

	for (i = 0; i < 20000; i++) {
		len = strlen(valid);
		memcpy(text, valid, len + 1);
		for (k = 1 + rng() % 8; k > 0; k--) {
			pos = len ? rng() % len : 0;
			switch (rng() % 4) {
			case 0:		/* replace */
				if (len)
					text[pos] = alphabet[rng() %
						(sizeof(alphabet) - 1)];
				break;
			case 1:		/* insert */
				if (len + 2 >= sizeof(text))
					break;
				memmove(text + pos + 1, text + pos,
					len - pos + 1);
				text[pos] = alphabet[rng() %
					(sizeof(alphabet) - 1)];
				len++;
				break;
			case 2:		/* delete a run */
				n = 1 + rng() % 16;
				if (n > len - pos)
					n = len - pos;
				memmove(text + pos, text + pos + n,
					len - pos - n + 1);
				len -= n;
				break;
			default:	/* repeat the text from pos */
				n = 1 + rng() % 64;
				if (n > len - pos)
					n = len - pos;
				if (len + n >= sizeof(text))
					break;
				memmove(text + pos + n, text + pos,
					len - pos + 1);
				len += n;
				break;
			}
		}
		err[0] = '\0';
		c = parse(text, err, sizeof(err), &ret);
		if (!ret && c && !err[0])
			parsed++;
		else if (ret == -EINVAL && !c &&
			 !strncmp(err, "npd.conf:", 9) &&
			 err[9] >= '1' && err[9] <= '9')
			refused++;
		else if (!bad++)
			UNIT_FAIL("mutation %d: ret %d, config %p, error '%s'",
				  i, ret, (void *)c, err);
		npd_config_free(c);
	}
	printf("#   %d parsed, %d refused with FILE:LINE, %d otherwise\n",
	       parsed, refused, bad);
	EXPECT_INT(bad, 0);
	EXPECT(parsed > 100 && refused > 100);
}

static void test_limits(void)
{
	char text[8192], err[NPD_ERR_LEN];
	struct npd_config *c;
	size_t used;
	int i, ret;

	used = snprintf(text, sizeof(text), "[node 2]\npolicy = cram\n");
	for (i = 0; i <= NPD_MAX_SETS; i++)
		used += snprintf(text + used, sizeof(text) - used,
				 "set = v%d=%d\n", i, i);
	c = parse(text, err, sizeof(err), &ret);
	EXPECT_INT(ret, -EINVAL);
	EXPECT_STR(err, "npd.conf:35: more than 32 set lines in [node 2]");
	npd_config_free(c);

	used = 0;
	for (i = 0; i <= NPD_MAX_NODES; i++)
		used += snprintf(text + used, sizeof(text) - used,
				 "[node %d]\npolicy = cram\n", i);
	c = parse(text, err, sizeof(err), &ret);
	EXPECT_INT(ret, -EINVAL);
	EXPECT_STR(err, "npd.conf:129: more than 64 nodes");
	npd_config_free(c);
}

static void test_read_and_load(void)
{
	struct npd_config *c = NULL;
	char err[NPD_ERR_LEN];
	FILE *f;
	int ret;

	f = fmemopen((void *)valid, strlen(valid), "r");
	EXPECT(f != NULL);
	if (!f)
		return;
	ret = npd_config_read(f, "/etc/npd.conf", &c, err, sizeof(err));
	fclose(f);
	EXPECT_INT(ret, 0);
	EXPECT(c && c->nr_nodes == 2);
	npd_config_free(c);

	f = fmemopen("[node 2]\npolcy = x\n", 19, "r");
	if (!f)
		return;
	c = NULL;
	ret = npd_config_read(f, "/etc/npd.conf", &c, err, sizeof(err));
	fclose(f);
	EXPECT_INT(ret, -EINVAL);
	EXPECT_STR(err, "/etc/npd.conf:2: unknown key 'polcy'");

	ret = npd_config_load("/nonexistent/npd.conf", &c, err, sizeof(err));
	EXPECT_INT(ret, -ENOENT);
	EXPECT_STR(err, "/nonexistent/npd.conf: No such file or directory");
}

/* [device PATTERN] sections: their own entries, nid -1, compared apart. */
static void test_device_sections(void)
{
	struct npd_config *c;
	char err[NPD_ERR_LEN], buf[96];
	int ret;

	c = parse("[node 2]\npolicy = cram\n"
		  "[ device  dax* ]\npolicy = tier\nflags = migration\n"
		  "[device cram_emu]\npolicy = cram\n", err, sizeof(err),
		  &ret);
	EXPECT_INT(ret, 0);
	EXPECT_STR(err, "");
	if (!c)
		return;
	EXPECT_INT(c->nr_nodes, 3);
	EXPECT(!c->nodes[0].device);
	EXPECT_INT(c->nodes[1].nid, -1);
	EXPECT_STR(c->nodes[1].device, "dax*");
	EXPECT_STR(c->nodes[1].policy, "tier");
	EXPECT_INT(c->nodes[1].line, 3);
	EXPECT_STR(c->nodes[2].device, "cram_emu");
	EXPECT_STR(npd_node_conf_label(&c->nodes[0], buf, sizeof(buf)),
		   "[node 2]");
	EXPECT_STR(npd_node_conf_label(&c->nodes[1], buf, sizeof(buf)),
		   "[device dax*]");
	/* npd_config_node() finds [node N] sections only. */
	EXPECT(npd_config_node(c, 2) == &c->nodes[0]);
	EXPECT(!npd_config_node(c, -1));
	EXPECT(!npd_node_conf_equal(&c->nodes[1], &c->nodes[2]));
	free(c->nodes[2].policy);
	c->nodes[2].policy = strdup("tier");
	c->nodes[2].flags = strdup("migration");
	EXPECT(!npd_node_conf_equal(&c->nodes[1], &c->nodes[2]));
	free(c->nodes[2].device);
	c->nodes[2].device = strdup("dax*");
	EXPECT(npd_node_conf_equal(&c->nodes[1], &c->nodes[2]));
	npd_config_free(c);
}

static void test_equal_and_format(void)
{
	struct npd_config *a, *b;
	char err[NPD_ERR_LEN], buf[128], *text;
	int ret;

	a = parse(valid, err, sizeof(err), &ret);
	/* The same settings, other lines and spacing. */
	b = parse("[node 2]\n\n\npolicy=cram\nflags=migration,demotion\n"
		  "set=high_pct=80\nset=low_pct=60\nmin_ratio=1.50\n"
		  "react=tighten   high_pct=60 low_pct=40\n"
		  "react=evacuate 0x200\nreact=swap isolate\n", err,
		  sizeof(err), &ret);
	EXPECT(a && b);
	if (!a || !b)
		goto out;
	EXPECT(npd_node_conf_equal(&a->nodes[0], &b->nodes[0]));
	EXPECT(!npd_node_conf_equal(&a->nodes[0], &a->nodes[1]));
	b->nodes[0].min_ratio = 2;
	EXPECT(!npd_node_conf_equal(&a->nodes[0], &b->nodes[0]));
	b->nodes[0].min_ratio = 1.5;
	text = b->nodes[0].reacts[0].assign[1];
	b->nodes[0].reacts[0].assign[1] = "low_pct=41";
	EXPECT(!npd_node_conf_equal(&a->nodes[0], &b->nodes[0]));
	b->nodes[0].reacts[0].assign[1] = text;
	EXPECT(npd_node_conf_equal(&a->nodes[0], &b->nodes[0]));

	EXPECT_INT(npd_react_format(&a->nodes[0].reacts[0], buf,
				    sizeof(buf)), 0);
	EXPECT_STR(buf, "tighten high_pct=60 low_pct=40");
	npd_react_format(&a->nodes[0].reacts[1], buf, sizeof(buf));
	EXPECT_STR(buf, "evacuate 512");
	npd_react_format(&a->nodes[0].reacts[2], buf, sizeof(buf));
	EXPECT_STR(buf, "swap isolate");
	EXPECT_INT(npd_react_format(&a->nodes[0].reacts[0], buf, 10),
		   -ENOSPC);
	EXPECT_STR(npd_assign_key("high_pct=60", buf, sizeof(buf)),
		   "high_pct");
out:
	npd_config_free(a);
	npd_config_free(b);
}

int main(void)
{
	RUN(test_valid, "config: a valid file, every key, comments and spacing");
	RUN(test_defaults, "config: empty files and defaults");
	RUN(test_crlf_and_no_final_newline,
	    "config: CRLF line ends and no final newline");
	RUN(test_errors, "config: each error names the file, line and reason");
	RUN(test_http_addr,
	    "config: HTTP addresses, IPv4 and IPv6, and bad ones");
	RUN(test_mutations,
	    "config: 20000 mutated files parse or fail with FILE:LINE");
	RUN(test_limits, "config: limits on set lines and nodes");
	RUN(test_read_and_load, "config: from a stream and from a path");
	RUN(test_device_sections,
	    "config: [device PATTERN] sections and their labels");
	RUN(test_equal_and_format,
	    "config: node comparison and react formatting");
	return unit_done("test_config");
}
