// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of npd's metrics (loader/npd_metrics.c): the exact
 * OpenMetrics text for a fixed sample, label escaping, the final # EOF,
 * a buffer too small, and the parsing of nodeN/private/stat.
 */
#include <errno.h>
#include <string.h>
#include "npd_metrics.h"
#include "unit.h"

static void sample(struct npd_node_metrics m[2])
{
	memset(m, 0, 2 * sizeof(*m));
	m[0].nid = 2;
	strcpy(m[0].policy, "cram");
	strcpy(m[0].state, "enabled");
	m[0].nr_stats = 2;
	strcpy(m[0].stats[0].name, "admitted");
	m[0].stats[0].value = 12;
	strcpy(m[0].stats[1].name, "denied");
	m[0].stats[1].value = 3;
	m[0].has_device = true;
	m[0].device = (struct npd_device){
		.logical_bytes = 8388608,
		.physical_bytes = 3538944,
		.physical_capacity = 33554432,
		.ratio = 2.37,
		.alert = true,
	};
	m[0].actions[NPD_ACT_TIGHTEN] = 1;
	m[0].actions[NPD_ACT_EVACUATE] = 2;

	m[1].nid = 3;
	strcpy(m[1].policy, "isolate");
	strcpy(m[1].state, "enabled");
	m[1].nr_stats = 2;
	strcpy(m[1].stats[0].name, "admitted");
	m[1].stats[0].value = 5;
	strcpy(m[1].stats[1].name, "migrated_in");
	m[1].stats[1].value = 7;
	m[1].actions[NPD_ACT_SWAP] = 1;
}

static const char expected[] =
"# HELP np_node The policy and state of a private node.\n"
"# TYPE np_node info\n"
"np_node_info{node=\"2\",policy=\"cram\",state=\"enabled\"} 1\n"
"np_node_info{node=\"3\",policy=\"isolate\",state=\"enabled\"} 1\n"
"# HELP np_node_admitted Counter admitted of nodeN/private/stat.\n"
"# TYPE np_node_admitted counter\n"
"np_node_admitted_total{node=\"2\"} 12\n"
"np_node_admitted_total{node=\"3\"} 5\n"
"# HELP np_node_denied Counter denied of nodeN/private/stat.\n"
"# TYPE np_node_denied counter\n"
"np_node_denied_total{node=\"2\"} 3\n"
"# HELP np_node_migrated_in Counter migrated_in of nodeN/private/stat.\n"
"# TYPE np_node_migrated_in counter\n"
"np_node_migrated_in_total{node=\"3\"} 7\n"
"# HELP np_device_logical_bytes Bytes of data the node's device holds.\n"
"# TYPE np_device_logical_bytes gauge\n"
"np_device_logical_bytes{node=\"2\"} 8388608\n"
"# HELP np_device_physical_bytes Bytes of device memory that data takes up (less if it compresses).\n"
"# TYPE np_device_physical_bytes gauge\n"
"np_device_physical_bytes{node=\"2\"} 3538944\n"
"# HELP np_device_physical_capacity_bytes Bytes of device memory in all.\n"
"# TYPE np_device_physical_capacity_bytes gauge\n"
"np_device_physical_capacity_bytes{node=\"2\"} 33554432\n"
"# HELP np_device_ratio Logical over physical bytes, 0 when the device holds nothing.\n"
"# TYPE np_device_ratio gauge\n"
"np_device_ratio{node=\"2\"} 2.37\n"
"# HELP np_device_alert 1 while the device asks for memory to be moved off the node.\n"
"# TYPE np_device_alert gauge\n"
"np_device_alert{node=\"2\"} 1\n"
"# HELP npd_actions Actions npd took on a node: tighten, evacuate, swap, restore.\n"
"# TYPE npd_actions counter\n"
"npd_actions_total{node=\"2\",action=\"tighten\"} 1\n"
"npd_actions_total{node=\"2\",action=\"evacuate\"} 2\n"
"npd_actions_total{node=\"2\",action=\"swap\"} 0\n"
"npd_actions_total{node=\"2\",action=\"restore\"} 0\n"
"npd_actions_total{node=\"3\",action=\"tighten\"} 0\n"
"npd_actions_total{node=\"3\",action=\"evacuate\"} 0\n"
"npd_actions_total{node=\"3\",action=\"swap\"} 1\n"
"npd_actions_total{node=\"3\",action=\"restore\"} 0\n"
"# EOF\n";

static void test_exact(void)
{
	struct npd_node_metrics m[2];
	char buf[8192];
	int n;

	sample(m);
	n = npd_metrics_format(m, 2, buf, sizeof(buf));
	EXPECT_INT(n, strlen(expected));
	EXPECT_STR(buf, expected);
}

static void test_escaping(void)
{
	struct npd_node_metrics m[1];
	char buf[4096];

	memset(m, 0, sizeof(m));
	m[0].nid = 7;
	strcpy(m[0].policy, "we\"ird\\na\nme");
	strcpy(m[0].state, "error");
	m[0].nr_stats = 1;
	strcpy(m[0].stats[0].name, "odd-name.x");
	m[0].stats[0].value = 1;
	EXPECT(npd_metrics_format(m, 1, buf, sizeof(buf)) > 0);
	EXPECT(strstr(buf, "np_node_info{node=\"7\",policy=\"we\\\"ird\\\\na\\nme\",state=\"error\"} 1\n") != NULL);
	EXPECT(strstr(buf, "# TYPE np_node_odd_name_x counter\n") != NULL);
	EXPECT(strstr(buf, "np_node_odd_name_x_total{node=\"7\"} 1\n") != NULL);
	/* No device with counters: no device families. */
	EXPECT(strstr(buf, "np_device") == NULL);
}

static void test_eof(void)
{
	struct npd_node_metrics m[2];
	char buf[8192];
	int n;

	sample(m);
	n = npd_metrics_format(m, 0, buf, sizeof(buf));
	EXPECT_INT(n, 6);
	EXPECT_STR(buf, "# EOF\n");

	n = npd_metrics_format(m, 2, buf, sizeof(buf));
	EXPECT(n > 6 && !strcmp(buf + n - 6, "# EOF\n"));
	/* One line ends the text: no other "# EOF". */
	EXPECT(strstr(buf, "# EOF") == buf + n - 6);
}

static void test_too_small(void)
{
	struct npd_node_metrics m[2];
	char buf[8192];
	size_t len = strlen(expected);

	sample(m);
	EXPECT_INT(npd_metrics_format(m, 2, buf, len), -ENOSPC);
	EXPECT_INT(npd_metrics_format(m, 2, buf, 100), -ENOSPC);
	EXPECT_INT(npd_metrics_format(m, 2, buf, 0), -ENOSPC);
	/* The terminating NUL fits exactly. */
	EXPECT_INT(npd_metrics_format(m, 2, buf, len + 1), len);
}

static void test_stats_parse(void)
{
	struct npd_stat st[8];
	int n;

	n = npd_stats_parse("admitted 12\ndenied  3\nbroken\n"
			    "name value\n\nmax 18446744073709551615\n"
			    "over 18446744073709551616\nneg -1\n"
			    "builtin_decisions 7", st, 8);
	EXPECT_INT(n, 4);
	if (n != 4)
		return;
	EXPECT_STR(st[0].name, "admitted");
	EXPECT_INT(st[0].value, 12);
	EXPECT_STR(st[1].name, "denied");
	EXPECT_INT(st[1].value, 3);
	EXPECT_STR(st[2].name, "max");
	EXPECT(st[2].value == 18446744073709551615ULL);
	EXPECT_STR(st[3].name, "builtin_decisions");
	EXPECT_INT(st[3].value, 7);
	EXPECT_INT(npd_stats_parse("a 1\nb 2\nc 3\n", st, 2), 2);
	EXPECT_STR(npd_action_name(NPD_ACT_RESTORE), "restore");
}

int main(void)
{
	RUN(test_exact, "metrics: the exact text for a fixed sample");
	RUN(test_escaping, "metrics: label values escaped, names sanitized");
	RUN(test_eof, "metrics: the text ends with one # EOF");
	RUN(test_too_small, "metrics: a buffer too small is -ENOSPC");
	RUN(test_stats_parse, "metrics: the stat file, line by line");
	return unit_done("test_metrics");
}
