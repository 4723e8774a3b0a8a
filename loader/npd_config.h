/* SPDX-License-Identifier: GPL-2.0 */
/*
 * npd's configuration: an INI-style file parsed into a struct npd_config.
 * The parser is a pure function of the text (no BPF, no sysfs), so the
 * unit tests run it on the host; what needs the system (policies that
 * exist, private nodes, flag names) npd checks afterwards, with the line
 * numbers kept here.  docs/npd.md describes the format.
 */
#ifndef NPD_CONFIG_H
#define NPD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/socket.h>

#define NPD_MAX_NODES		64
#define NPD_MAX_SETS		32
#define NPD_MAX_REACTS		16
#define NPD_MAX_ASSIGN		16	/* KEY=VALUE per tighten */
#define NPD_MAX_NODE_ID		1023
#define NPD_MAX_DEVICE_LEN	63	/* of a [device PATTERN] */
/* An error message, with "FILE:LINE: " in front. */
#define NPD_ERR_LEN		512

enum npd_on_exit {
	NPD_EXIT_KEEP,		/* policies stay attached (pinned) */
	NPD_EXIT_DETACH,	/* npd detaches the nodes it manages */
};

enum npd_react_kind {
	NPD_REACT_TIGHTEN,	/* KEY=VALUE... into the live tunables */
	NPD_REACT_EVACUATE,	/* evacuate_now=PAGES */
	NPD_REACT_SWAP,		/* swap in another policy */
};

/* "KEY=VALUE" and the line it came from. */
struct npd_assign {
	char *text;
	int line;
};

struct npd_react {
	enum npd_react_kind kind;
	int line;
	int nr_assign;				/* tighten */
	char *assign[NPD_MAX_ASSIGN];
	unsigned long long pages;		/* evacuate */
	char *policy;				/* swap */
};

/*
 * A [node N] section names its node; a [device PATTERN] section names the
 * private node whose device (nodeN/private/device) matches PATTERN, an
 * fnmatch(3) pattern, whichever node that is and whenever it appears.
 */
struct npd_node_conf {
	int nid;			/* -1 for a [device PATTERN] */
	char *device;			/* PATTERN, or NULL for [node N] */
	int line;			/* of the section header */
	char *policy;
	int policy_line;
	char *flags;			/* as written, or NULL */
	int flags_line;
	int nr_sets;
	struct npd_assign sets[NPD_MAX_SETS];
	double min_ratio;		/* 0: no rules */
	int min_ratio_line;
	int nr_reacts;
	struct npd_react reacts[NPD_MAX_REACTS];
};

struct npd_config {
	char *file;			/* the name in messages */
	char *metrics;			/* unix socket path, or NULL */
	char *http;			/* HTTP address as written, or NULL */
	struct sockaddr_storage http_addr;	/* parsed from http */
	socklen_t http_addrlen;
	enum npd_on_exit on_exit;
	int nr_nodes;
	struct npd_node_conf nodes[NPD_MAX_NODES];
};

/*
 * Parse TEXT, the contents of the file called FILE, into *OUT.  On error
 * return a negative errno, *OUT untouched, and ERR holds one line like
 * "npd.conf:7: unknown key 'polcy'".
 */
int npd_config_parse(const char *file, const char *text,
		     struct npd_config **out, char *err, size_t errlen);
/* The same for the file at PATH, or an open stream F called PATH. */
int npd_config_load(const char *path, struct npd_config **out, char *err,
		    size_t errlen);
int npd_config_read(FILE *f, const char *path, struct npd_config **out,
		    char *err, size_t errlen);
void npd_config_free(struct npd_config *c);

/*
 * Parse an HTTP listening address: "PORT" (on 127.0.0.1), "IPV4:PORT" or
 * "[IPV6]:PORT", with PORT from 1 to 65535, into SA and *LEN.  Returns 0,
 * or -EINVAL with a reason in ERR.
 */
int npd_http_addr_parse(const char *text, struct sockaddr_storage *sa,
			socklen_t *len, char *err, size_t errlen);

const struct npd_node_conf *npd_config_node(const struct npd_config *c,
					    int nid);
/* "[node 2]" or "[device dax0.0]", into BUF. */
const char *npd_node_conf_label(const struct npd_node_conf *nc, char *buf,
				size_t len);
/* The key of an assignment, into BUF ("high_pct" of "high_pct=60"). */
const char *npd_assign_key(const char *assign, char *buf, size_t len);
/* Whether A and B configure a node the same way (lines aside). */
bool npd_node_conf_equal(const struct npd_node_conf *a,
			 const struct npd_node_conf *b);
/* The react action as it was written: "tighten high_pct=60 low_pct=40". */
int npd_react_format(const struct npd_react *r, char *buf, size_t len);
const char *npd_react_verb(enum npd_react_kind kind);

#endif /* NPD_CONFIG_H */
