/* SPDX-License-Identifier: GPL-2.0 */
/*
 * npd's metrics in the OpenMetrics text format, formatted from plain
 * values into a buffer (no I/O), so that the unit tests can compare the
 * text byte for byte.  docs/npd.md lists the metrics.
 */
#ifndef NPD_METRICS_H
#define NPD_METRICS_H

#include <stdbool.h>
#include <stddef.h>

#define NPD_MAX_STATS		64
#define NPD_STAT_NAME_LEN	48

/* What npd does to a node, counted by npd_actions_total. */
enum npd_action {
	NPD_ACT_TIGHTEN,
	NPD_ACT_EVACUATE,
	NPD_ACT_SWAP,
	NPD_ACT_RESTORE,
	NPD_NR_ACTIONS,
};

const char *npd_action_name(enum npd_action a);

struct npd_stat {
	char name[NPD_STAT_NAME_LEN];
	unsigned long long value;
};

/*
 * What the device of a node reports (nodeN/private/device_counters and
 * device_alert), and the ratio of its logical to physical bytes.
 */
struct npd_device {
	unsigned long long logical_bytes;
	unsigned long long physical_bytes;
	unsigned long long physical_capacity;
	double ratio;
	bool alert;
};

struct npd_node_metrics {
	int nid;
	char policy[64];
	char state[32];
	int nr_stats;
	struct npd_stat stats[NPD_MAX_STATS];
	bool has_device;		/* the device reports counters */
	struct npd_device device;
	unsigned long long actions[NPD_NR_ACTIONS];
};

/*
 * Parse the "name value" lines of nodeN/private/stat into STATS (at most
 * MAX); lines whose value is not an unsigned integer are skipped.
 * Returns how many.
 */
int npd_stats_parse(const char *text, struct npd_stat *stats, int max);

/*
 * The OpenMetrics text for the N nodes of NODES, ending with "# EOF\n",
 * into BUF.  Returns its length, or -ENOSPC if LEN is too small.
 */
int npd_metrics_format(const struct npd_node_metrics *nodes, int n,
		       char *buf, size_t len);

#endif /* NPD_METRICS_H */
