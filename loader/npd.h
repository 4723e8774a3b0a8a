/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What npd's two halves share: npd.c (start-up, reloads, signals, the
 * event loop, metrics and logs) and npd_node.c (each node's policy, its
 * tunables and the episodes of its device).
 */
#ifndef NPD_H
#define NPD_H

#include <stdbool.h>
#include <string.h>
#include <syslog.h>
#include "npd_config.h"
#include "npd_metrics.h"
#include "npd_rules.h"

struct npd_node {
	int nid;
	struct npd_node_conf *conf;	/* a node of npd.conf */
	bool present;			/* nid is private (and matches) now */
	bool managed;			/* npd attached or adopted its policy */
	int alert_fd;			/* nodeN/private/device_alert, or -1 */
	bool alert;
	struct npd_episode ep;
	struct npd_saved saved;		/* tunables before the episode */
	bool swapped;			/* a react swapped in this episode */
	unsigned long long actions[NPD_NR_ACTIONS];
};

struct npd {
	const char *path;		/* of the configuration */
	struct npd_config *conf;
	int nr_nodes;
	struct npd_node *nodes;		/* NPD_MAX_NODES of them */
	int sfd;			/* signalfd */
	int ufd;			/* kernel uevents (netlink), or -1 */
	int lfd;			/* metrics socket, or -1 */
	char *lpath;			/* where it is bound */
	struct npd_http *http;		/* HTTP metrics, or NULL */
	char *http_addr;		/* its address, as configured */
	int lock_fd;			/* holds the NPD_LOCK flock */
};

extern int verbose;		/* -v: npd's details; -vv: libbpf's too */

__attribute__((format(printf, 2, 3)))
void logat(int priority, const char *fmt, ...);
#define logmsg(fmt, ...)	logat(LOG_INFO, fmt, ##__VA_ARGS__)
#define logwarn(fmt, ...)	logat(LOG_WARNING, fmt, ##__VA_ARGS__)
#define logerr(fmt, ...)	logat(LOG_ERR, fmt, ##__VA_ARGS__)
#define dbg(fmt, ...)							\
	do {								\
		if (verbose)						\
			logat(LOG_DEBUG, fmt, ##__VA_ARGS__);		\
	} while (0)

static inline bool str_equal(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* npd_node.c */
/*
 * Everything --check checks: policies that open, private nodes, flags.
 * With RUNNING (a reload), a [node N] it has may be absent for now.
 */
int check_config(const struct npd_config *c, const struct npd_config *running);
void node_init(struct npd_node *n, struct npd_node_conf *nc);
/*
 * Give node N its configured policy: adopt the pinned one if it runs the
 * same programs (unless FORCE_SWAP), else swap it in on the pinned link,
 * else attach it with a pin.  A failure leaves the node as it was.
 */
int node_setup(struct npd_node *n, bool force_swap);
/* What SIGTERM does, or a node leaving the configuration. */
void node_release(struct npd_node *n, enum npd_on_exit on_exit,
		  const char *why);
/* Whether B needs the policy loaded again: policy, flags or globals. */
bool load_changed(const struct npd_node_conf *a,
		  const struct npd_node_conf *b);
/* Whether the policy attached to node N is not the configured one. */
bool live_differs(const struct npd_node *n);
void swap_conf(struct npd_node_conf *a, struct npd_node_conf *b);
/* What the device of node NID reports; -ENODATA if it has no counters. */
int read_device(int nid, struct npd_device *d);
/* Read what node N's device reports and apply its rules. */
void evaluate(struct npd_node *n);
/* Hotplug: whether present node N still is what its section names. */
bool node_still_there(const struct npd_node *n);
/*
 * The lowest private node whose device is declared and matches PATTERN,
 * leaving out those TAKEN (indexed by node id, or NULL); -1 if none.
 */
int node_find_device(const char *pattern, const bool *taken);
/* Whether section NC names node NID (its id, or its device's name). */
bool conf_claims(const struct npd_node_conf *nc, int nid);
/* Whether private node NID has its device declared. */
bool node_ready(int nid);
/* A new episode: nothing saved, nothing swapped. */
void episode_reset(struct npd_node *n);
/*
 * Node N is no longer this entry's: its alert, episode and state go, not
 * its policy or pins.
 */
void node_forget(struct npd_node *n);
/* Node N went away: its alert, episode, pins and policy state go. */
void node_gone(struct npd_node *n);
/* Node NID is there for N: set its policy up; 0 or the setup's error. */
int node_appear(struct npd_node *n, int nid);
/* Watch the alert of node N's device if it reports counters; a wake-up. */
void alert_open(struct npd_node *n);
void alert_event(struct npd_node *n);

#endif /* NPD_H */
