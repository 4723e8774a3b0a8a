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

enum cram_field {
	CRAM_LOGICAL,
	CRAM_PHYSICAL,
	CRAM_CAPACITY,
	CRAM_PEAK,
	CRAM_RATIO,
	CRAM_WM_HIGH,
	CRAM_OVERFLOWS,
	CRAM_WM_EVENTS,
	CRAM_NR_FIELDS,
};

static const struct {
	const char *name;
	const char *type;
	const char *help;
} cram_families[CRAM_NR_FIELDS] = {
	[CRAM_LOGICAL] = { "np_cram_logical_bytes", "gauge",
		"Bytes stored in the CRAM device, uncompressed." },
	[CRAM_PHYSICAL] = { "np_cram_physical_bytes", "gauge",
		"Bytes the stored data takes in the CRAM device, compressed." },
	[CRAM_CAPACITY] = { "np_cram_physical_capacity_bytes", "gauge",
		"Physical capacity of the CRAM device." },
	[CRAM_PEAK] = { "np_cram_peak_physical_bytes", "gauge",
		"Highest physical use of the CRAM device." },
	[CRAM_RATIO] = { "np_cram_ratio", "gauge",
		"Compression ratio, logical over physical bytes, 0 when empty." },
	[CRAM_WM_HIGH] = { "np_cram_watermark_high", "gauge",
		"1 from the high watermark until use falls below the low one." },
	[CRAM_OVERFLOWS] = { "np_cram_overflow_events", "counter",
		"Data stored past the physical capacity of the CRAM device." },
	[CRAM_WM_EVENTS] = { "np_cram_watermark_events", "counter",
		"Crossings of the watermarks of the CRAM device." },
};

static void cram_sample(struct out *o, const struct npd_node_metrics *m,
			enum cram_field f)
{
	const struct npd_cram *c = &m->cram;
	bool counter = !strcmp(cram_families[f].type, "counter");

	out_printf(o, "%s%s{node=\"%d\"} ", cram_families[f].name,
		   counter ? "_total" : "", m->nid);
	switch (f) {
	case CRAM_LOGICAL:
		out_printf(o, "%llu\n", c->logical_bytes);
		break;
	case CRAM_PHYSICAL:
		out_printf(o, "%llu\n", c->physical_bytes);
		break;
	case CRAM_CAPACITY:
		out_printf(o, "%llu\n", c->physical_capacity);
		break;
	case CRAM_PEAK:
		out_printf(o, "%llu\n", c->peak_physical_bytes);
		break;
	case CRAM_RATIO:
		out_printf(o, "%g\n", c->ratio);
		break;
	case CRAM_WM_HIGH:
		out_printf(o, "%d\n", c->watermark_high ? 1 : 0);
		break;
	case CRAM_OVERFLOWS:
		out_printf(o, "%llu\n", c->overflow_events);
		break;
	default:
		out_printf(o, "%llu\n", c->watermark_events);
		break;
	}
}

int npd_metrics_format(const struct npd_node_metrics *nodes, int n,
		       char *buf, size_t len)
{
	struct out o = { .buf = buf, .len = len };
	bool any_cram = false;
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
		any_cram |= nodes[i].has_cram;
	for (f = 0; any_cram && f < CRAM_NR_FIELDS; f++) {
		family(&o, cram_families[f].name, cram_families[f].type,
		       cram_families[f].help);
		for (i = 0; i < n; i++)
			if (nodes[i].has_cram)
				cram_sample(&o, &nodes[i], f);
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
