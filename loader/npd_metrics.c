// SPDX-License-Identifier: GPL-2.0
/*
 * npd's metrics in the OpenMetrics text format.  See npd_metrics.h.
 *
 * A metric family is written once with its HELP and TYPE lines, then one
 * sample per node; a counter family "x" has samples "x_total", an info
 * family "x" samples "x_info".  Families without a sample are left out.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "npd_metrics.h"

static const char *const npd_action_names[NPD_NR_ACTIONS] = {
	[NPD_ACT_TIGHTEN] = "tighten",
	[NPD_ACT_EVACUATE] = "evacuate",
	[NPD_ACT_SWAP] = "swap",
	[NPD_ACT_RESTORE] = "restore",
};

const char *npd_action_name(enum npd_action a)
{
	return a < NPD_NR_ACTIONS ? npd_action_names[a] : "?";
}

int npd_stats_parse(const char *text, struct npd_stat *stats, int max)
{
	const char *p = text, *nl, *sp, *v;
	unsigned long long val;
	char num[32], *end;
	size_t len, vlen;
	int n = 0;

	for (; *p && n < max; p = nl ? nl + 1 : p + len) {
		nl = strchr(p, '\n');
		len = nl ? (size_t)(nl - p) : strlen(p);
		sp = memchr(p, ' ', len);
		if (!sp || sp == p || (size_t)(sp - p) >= NPD_STAT_NAME_LEN)
			continue;
		for (v = sp; v < p + len && *v == ' '; v++)
			;
		vlen = p + len - v;
		if (!vlen || vlen >= sizeof(num) || !isdigit((unsigned char)*v))
			continue;
		memcpy(num, v, vlen);
		num[vlen] = '\0';
		errno = 0;
		val = strtoull(num, &end, 10);
		if (*end || errno)
			continue;
		snprintf(stats[n].name, NPD_STAT_NAME_LEN, "%.*s",
			 (int)(sp - p), p);
		stats[n++].value = val;
	}
	return n;
}

struct out {
	char *buf;
	size_t len;
	size_t used;
	bool full;
};

__attribute__((format(printf, 2, 3)))
static void out_printf(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->used, o->len - o->used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->len - o->used) {
		o->full = true;
		return;
	}
	o->used += n;
}

/* A label value: backslash, double quote and newline escaped. */
static void out_label(struct out *o, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			out_printf(o, "\\\\");
		else if (*s == '"')
			out_printf(o, "\\\"");
		else if (*s == '\n')
			out_printf(o, "\\n");
		else
			out_printf(o, "%c", *s);
	}
}

/* A stat name as part of a metric name: [a-zA-Z0-9_] only. */
static void out_name(struct out *o, const char *s)
{
	for (; *s; s++)
		out_printf(o, "%c", isalnum((unsigned char)*s) ? *s : '_');
}

static void family(struct out *o, const char *name, const char *type,
		   const char *help)
{
	out_printf(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static const struct npd_stat *find_stat(const struct npd_node_metrics *m,
					const char *name)
{
	int i;

	for (i = 0; i < m->nr_stats; i++)
		if (!strcmp(m->stats[i].name, name))
			return &m->stats[i];
	return NULL;
}

/* Whether NAME appears in a node before NODES[I] or before STAT in it. */
static bool stat_seen(const struct npd_node_metrics *nodes, int i, int stat)
{
	const char *name = nodes[i].stats[stat].name;
	int j;

	for (j = 0; j < stat; j++)
		if (!strcmp(nodes[i].stats[j].name, name))
			return true;
	for (j = 0; j < i; j++)
		if (find_stat(&nodes[j], name))
			return true;
	return false;
}

/* Every node counter, in the order they first appear. */
static void node_stats(struct out *o, const struct npd_node_metrics *nodes,
		       int n)
{
	const struct npd_stat *st;
	const char *name;
	int i, j, k;

	for (i = 0; i < n; i++) {
		for (j = 0; j < nodes[i].nr_stats; j++) {
			if (stat_seen(nodes, i, j))
				continue;
			name = nodes[i].stats[j].name;
			out_printf(o, "# HELP np_node_");
			out_name(o, name);
			out_printf(o, " Counter %s of nodeN/private/stat.\n",
				   name);
			out_printf(o, "# TYPE np_node_");
			out_name(o, name);
			out_printf(o, " counter\n");
			for (k = i; k < n; k++) {
				st = find_stat(&nodes[k], name);
				if (!st)
					continue;
				out_printf(o, "np_node_");
				out_name(o, name);
				out_printf(o, "_total{node=\"%d\"} %llu\n",
					   nodes[k].nid, st->value);
			}
		}
	}
}

enum device_field {
	DEV_LOGICAL,
	DEV_PHYSICAL,
	DEV_CAPACITY,
	DEV_RATIO,
	DEV_ALERT,
	DEV_NR_FIELDS,
};

static const struct {
	const char *name;
	const char *help;
} device_families[DEV_NR_FIELDS] = {
	[DEV_LOGICAL] = { "np_device_logical_bytes",
		"Bytes of data the node's device holds." },
	[DEV_PHYSICAL] = { "np_device_physical_bytes",
		"Bytes of device memory that data takes up (less if it compresses)." },
	[DEV_CAPACITY] = { "np_device_physical_capacity_bytes",
		"Bytes of device memory in all." },
	[DEV_RATIO] = { "np_device_ratio",
		"Logical over physical bytes, 0 when the device holds nothing." },
	[DEV_ALERT] = { "np_device_alert",
		"1 while the device asks for memory to be moved off the node." },
};

static void device_sample(struct out *o, const struct npd_node_metrics *m,
			  enum device_field f)
{
	const struct npd_device *d = &m->device;

	out_printf(o, "%s{node=\"%d\"} ", device_families[f].name, m->nid);
	switch (f) {
	case DEV_LOGICAL:
		out_printf(o, "%llu\n", d->logical_bytes);
		break;
	case DEV_PHYSICAL:
		out_printf(o, "%llu\n", d->physical_bytes);
		break;
	case DEV_CAPACITY:
		out_printf(o, "%llu\n", d->physical_capacity);
		break;
	case DEV_RATIO:
		out_printf(o, "%g\n", d->ratio);
		break;
	default:
		out_printf(o, "%d\n", d->alert ? 1 : 0);
		break;
	}
}

int npd_metrics_format(const struct npd_node_metrics *nodes, int n,
		       char *buf, size_t len)
{
	struct out o = { .buf = buf, .len = len };
	bool any_device = false;
	int i, f, a;

	if (!len)
		return -ENOSPC;
	buf[0] = '\0';
	if (n) {
		family(&o, "np_node", "info",
		       "The policy and state of a private node.");
		for (i = 0; i < n; i++) {
			out_printf(&o, "np_node_info{node=\"%d\",policy=\"",
				   nodes[i].nid);
			out_label(&o, nodes[i].policy);
			out_printf(&o, "\",state=\"");
			out_label(&o, nodes[i].state);
			out_printf(&o, "\"} 1\n");
		}
	}
	node_stats(&o, nodes, n);
	for (i = 0; i < n; i++)
		any_device |= nodes[i].has_device;
	for (f = 0; any_device && f < DEV_NR_FIELDS; f++) {
		family(&o, device_families[f].name, "gauge",
		       device_families[f].help);
		for (i = 0; i < n; i++)
			if (nodes[i].has_device)
				device_sample(&o, &nodes[i], f);
	}
	if (n)
		family(&o, "npd_actions", "counter",
		       "Actions npd took on a node: tighten, evacuate, swap, restore.");
	for (i = 0; i < n; i++)
		for (a = 0; a < NPD_NR_ACTIONS; a++)
			out_printf(&o,
				   "npd_actions_total{node=\"%d\",action=\"%s\"} %llu\n",
				   nodes[i].nid, npd_action_name(a),
				   nodes[i].actions[a]);
	out_printf(&o, "# EOF\n");
	return o.full ? -ENOSPC : (int)o.used;
}
