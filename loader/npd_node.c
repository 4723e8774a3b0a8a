// SPDX-License-Identifier: GPL-2.0
/*
 * npd's nodes: the checks of a configuration against the system, setting
 * a node's policy up (adopt, swap, attach), its tunables, the samples of
 * its device, episodes and reactions, and letting a node go.  npd.c calls
 * these from start-up, reloads and its event loop.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "np_common.h"
#include <bpf/libbpf.h>
#include "libnp.h"
#include "npd.h"

#define NPD_MAX_TUNABLES	64

/* --- the live tunables ---------------------------------------------------- */

struct keyset {
	int n;
	char key[NPD_MAX_TUNABLES][NPD_KEY_LEN];
};

static int keyset_add(const char *key, unsigned long long val, void *arg)
{
	struct keyset *ks = arg;

	if (ks->n < NPD_MAX_TUNABLES)
		snprintf(ks->key[ks->n++], NPD_KEY_LEN, "%s", key);
	return 0;
}

static bool keyset_has(const char *key, void *arg)
{
	const struct keyset *ks = arg;
	int i;

	for (i = 0; i < ks->n; i++)
		if (!strcmp(ks->key[i], key))
			return true;
	return false;
}

/* The tunables of node NID's attached policy; none if it has none. */
static int live_keys(int nid, struct keyset *ks)
{
	int ret;

	ks->n = 0;
	ret = np_tunables_dump(nid, keyset_add, ks);
	return ret == -ENOENT ? 0 : ret;
}

/* "a b c" of N assignments, for the log. */
static void join(char *buf, size_t len, const char *const *words, int n)
{
	size_t used = 0;
	int i, w;

	buf[0] = '\0';
	for (i = 0; i < n && used < len; i++) {
		w = snprintf(buf + used, len - used, "%s%s", i ? " " : "",
			     words[i]);
		if (w < 0)
			break;
		used += w;
	}
}

/* Write the configured sets of N that are tunables of the live policy. */
static int apply_sets(struct npd_node *n, const char *why)
{
	const struct npd_node_conf *nc = n->conf;
	const char *assign[NPD_MAX_SETS];
	char key[NPD_KEY_LEN], text[1024];
	struct keyset ks;
	int i, nr = 0, ret;

	if (!nc->nr_sets)
		return 0;
	ret = live_keys(n->nid, &ks);
	if (ret)
		return ret;
	for (i = 0; i < nc->nr_sets; i++) {
		npd_assign_key(nc->sets[i].text, key, sizeof(key));
		if (keyset_has(key, &ks))
			assign[nr++] = nc->sets[i].text;
		else
			dbg("node %d: set %s is not a tunable: it applies when the policy is loaded",
			    n->nid, nc->sets[i].text);
	}
	if (!nr)
		return 0;
	ret = np_tunables_update(n->nid, assign, nr);
	join(text, sizeof(text), assign, nr);
	if (ret)
		logwarn("node %d: %s: tunables %s not set", n->nid, why, text);
	else
		logmsg("node %d: %s: tunables %s", n->nid, why, text);
	return ret;
}

/* --- checking a configuration --------------------------------------------- */

/* React actions of NC against the policies they act on, in order. */
static int check_reacts(const struct npd_config *c,
			const struct npd_node_conf *nc, struct np_policy *p)
{
	struct np_policy *cur = p, *next;
	const struct npd_react *r;
	char key[NPD_KEY_LEN];
	int i, j, ret = 0;

	for (i = 0; i < nc->nr_reacts && !ret; i++) {
		r = &nc->reacts[i];
		switch (r->kind) {
		case NPD_REACT_TIGHTEN:
			for (j = 0; j < r->nr_assign && !ret; j++) {
				npd_assign_key(r->assign[j], key, sizeof(key));
				if (!np_policy_has_tunable(cur, key)) {
					logerr("%s:%d: react tighten: policy %s has no tunable '%s'",
					       c->file, r->line,
					       np_policy_name(cur), key);
					ret = -EINVAL;
				} else if (np_policy_set_var(cur,
							     r->assign[j])) {
					logerr("%s:%d: react tighten: bad value in %s",
					       c->file, r->line, r->assign[j]);
					ret = -EINVAL;
				}
			}
			/* The tunables as this tighten leaves them. */
			if (!ret && np_policy_check_tunables(cur, "tighten")) {
				logerr("%s:%d: react tighten: breaks a rule of policy %s's tunables",
				       c->file, r->line, np_policy_name(cur));
				ret = -EINVAL;
			}
			break;
		case NPD_REACT_EVACUATE:
			if (!np_policy_has_tunable(cur, "evacuate_now")) {
				logerr("%s:%d: react evacuate: policy %s has no tunable 'evacuate_now'",
				       c->file, r->line, np_policy_name(cur));
				ret = -EINVAL;
			}
			break;
		case NPD_REACT_SWAP:
			if (np_policy_open(r->policy, &next)) {
				logerr("%s:%d: react swap: policy '%s' cannot be used",
				       c->file, r->line, r->policy);
				ret = -EINVAL;
				break;
			}
			if (cur != p)
				np_policy_close(cur);
			cur = next;
			break;
		}
	}
	if (cur != p)
		np_policy_close(cur);
	return ret;
}

/* A node's flag mask from its sysfs FILE ("caps" or "flags"). */
static int node_mask(int nid, const char *file, unsigned int *mask)
{
	char buf[256];
	int ret;

	ret = np_node_read(nid, file, buf, sizeof(buf));
	if (ret)
		return ret;
	return np_flags_parse(buf, mask);
}

static int check_node(const struct npd_config *c,
		      const struct npd_node_conf *nc, const int *nids, int nr,
		      const char *private_list, const struct npd_config *running)
{
	struct np_policy *p;
	unsigned int flags;
	int i, nid = nc->nid, ret = 0;

	/*
	 * A [device] section may name a node that is not there yet; so may
	 * a [node N] that the running configuration has (its node went and
	 * will come back).  A new [node N] must name a private node: a
	 * typo is caught now, not left waiting.
	 */
	if (nc->device) {
		nid = node_find_device(nc->device, NULL);
	} else {
		for (i = 0; i < nr && nids[i] != nid; i++)
			;
		/* Registered with its memory offline counts too. */
		if (i == nr && !node_ready(nid)) {
			if (!running || !npd_config_node(running, nid)) {
				logerr("%s:%d: node %d is not private (private nodes: %s)",
				       c->file, nc->line, nc->nid,
				       *private_list ? private_list : "none");
				return -EINVAL;
			}
			nid = -1;
		}
	}
	if (nc->flags && np_flags_parse(nc->flags, &flags)) {
		logerr("%s:%d: bad flags '%s'", c->file, nc->flags_line,
		       nc->flags);
		return -EINVAL;
	}
	/* The device of a node that is not there is checked when it is. */
	if (nc->flags && nid >= 0) {
		unsigned int caps;
		char lacks[160], dev[64] = "?";

		if (node_mask(nid, "caps", &caps)) {
			logerr("%s:%d: cannot read the capabilities of node %d",
			       c->file, nc->flags_line, nid);
			return -EINVAL;
		}
		if (flags & ~caps) {
			np_node_read(nid, "device", dev, sizeof(dev));
			np_flags_format(flags & ~caps, ",", lacks,
					sizeof(lacks));
			logerr("%s:%d: flags %s: the device of node %d (%s) lacks %s",
			       c->file, nc->flags_line, nc->flags, nid,
			       dev, lacks);
			return -EINVAL;
		}
	}
	if (np_policy_open(nc->policy, &p)) {
		logerr("%s:%d: policy '%s' cannot be used", c->file,
		       nc->policy_line, nc->policy);
		return -EINVAL;
	}
	for (i = 0; i < nc->nr_sets && !ret; i++) {
		if (np_policy_set_var(p, nc->sets[i].text)) {
			logerr("%s:%d: set %s: not valid for policy %s",
			       c->file, nc->sets[i].line, nc->sets[i].text,
			       np_policy_name(p));
			ret = -EINVAL;
		}
	}
	if (!ret && np_policy_check_tunables(p, "set")) {
		char label[NPD_MAX_DEVICE_LEN + 16];

		logerr("%s:%d: the set entries of %s break a rule of policy %s's tunables",
		       c->file, nc->line,
		       npd_node_conf_label(nc, label, sizeof(label)),
		       np_policy_name(p));
		ret = -EINVAL;
	}
	if (!ret)
		ret = check_reacts(c, nc, p);
	np_policy_close(p);
	return ret;
}

/* Everything --check checks: policies that open, private nodes, flags. */
int check_config(const struct npd_config *c, const struct npd_config *running)
{
	int nids[NPD_MAX_NODE_ID + 1], nr, i, ret = 0;
	char list[512] = "";
	size_t used = 0;

	nr = np_private_nodes(nids, NPD_MAX_NODE_ID + 1);
	if (nr < 0 && c->nr_nodes) {
		logerr("cannot read the private nodes: %s (is this kernel built with CONFIG_NODE_PRIVATE?)",
		       strerror(-nr));
		return nr;
	}
	for (i = 0; i < nr && used < sizeof(list); i++)
		used += snprintf(list + used, sizeof(list) - used, "%s%d",
				 i ? "," : "", nids[i]);
	for (i = 0; i < c->nr_nodes && !ret; i++)
		ret = check_node(c, &c->nodes[i], nids, nr, list, running);
	return ret;
}

/* --- setting a node up ---------------------------------------------------- */

/*
 * Open POLICY for node NID, with FLAGS if not NULL and the sets of NC;
 * with ONLY_KNOWN, the sets the policy does not know are left out (a
 * policy swapped in by a react action).  Not loaded yet.
 */
static int open_policy(const char *policy, int nid, const char *flags,
		       const struct npd_node_conf *nc, bool only_known,
		       struct np_policy **out)
{
	struct np_policy *p;
	unsigned int f;
	char key[NPD_KEY_LEN];
	int i, ret;

	ret = np_policy_open(policy, &p);
	if (ret)
		return ret;
	ret = np_policy_set_node(p, nid);
	if (!ret && flags) {
		ret = np_flags_parse(flags, &f);
		if (!ret)
			ret = np_policy_set_flags(p, f);
	}
	for (i = 0; !ret && i < nc->nr_sets; i++) {
		npd_assign_key(nc->sets[i].text, key, sizeof(key));
		if (only_known && !np_policy_has_var(p, key))
			continue;
		ret = np_policy_set_var(p, nc->sets[i].text);
	}
	if (ret) {
		np_policy_close(p);
		return ret;
	}
	*out = p;
	return 0;
}

/* Load P and swap it in on the pinned link of node NID. */
static int swap_in(struct np_policy *p, int nid)
{
	struct bpf_link *link;
	int ret;

	ret = np_policy_load(p);
	if (ret)
		return ret;
	link = np_link_open(nid);
	if (!link)
		return -ENOENT;
	ret = np_policy_swap(p, link);
	np_link_put(link);
	return ret;
}

/*
 * Give node N its configured policy: adopt the one pinned if it is the
 * same policy (unless FORCE_SWAP: its flags or variables changed), else
 * swap it in on the pinned link, else attach it with a pin.  Any failure
 * leaves the node's policy as it was.
 */
int node_setup(struct npd_node *n, bool force_swap)
{
	const struct npd_node_conf *nc = n->conf;
	char pin[PATH_MAX], live[64] = "";
	struct np_policy *p;
	const char *name;
	bool pinned;
	int ret;

	ret = open_policy(nc->policy, n->nid, nc->flags, nc, false, &p);
	if (ret) {
		logerr("node %d: policy %s cannot be prepared; the node keeps its policy",
		       n->nid, nc->policy);
		return ret;
	}
	name = np_policy_name(p);
	np_pin_path(n->nid, pin, sizeof(pin));
	/* A stale pin (reported by libnp) is removed and the policy attached. */
	ret = np_pin_clean(n->nid);
	if (ret < 0) {
		logerr("node %d: the pins of the node cannot be used; the node keeps its policy",
		       n->nid);
		np_policy_close(p);
		return ret;
	}
	pinned = !access(pin, F_OK);
	np_node_read(n->nid, "policy", live, sizeof(live));
	/* Configured flags that differ from the running ones need a swap. */
	if (pinned && !force_swap && nc->flags) {
		unsigned int want, have;

		if (!np_flags_parse(nc->flags, &want) &&
		    !node_mask(n->nid, "flags", &have) && want != have)
			force_swap = true;
	}
	/* Adopted only if it runs the same programs, not just the name. */
	if (pinned && !force_swap && !strcmp(live, name)) {
		ret = np_policy_same_code(p, n->nid);
		if (ret < 0)
			logwarn("node %d: cannot compare the pinned policy with %s (%s); adopting it by its name",
				n->nid, np_policy_path(p), strerror(-ret));
		if (ret) {
			logmsg("node %d: adopted policy %s (pinned at %s)",
			       n->nid, name, pin);
			np_policy_close(p);
			n->managed = true;
			return apply_sets(n, "adopted");
		}
		logmsg("node %d: the pinned policy %s runs other programs or settings than %s; swapping",
		       n->nid, name, np_policy_path(p));
	}
	if (pinned) {
		ret = swap_in(p, n->nid);
		if (!ret)
			logmsg("node %d: swapped policy %s for %s (link pinned at %s)",
			       n->nid, *live ? live : "?", name, pin);
	} else {
		ret = np_policy_load(p);
		if (!ret)
			ret = np_policy_attach(p, true, NULL);
		if (!ret)
			logmsg("node %d: attached policy %s (pinned at %s)",
			       n->nid, name, pin);
	}
	if (ret)
		logerr("node %d: policy %s not set up (%s); the node keeps policy %s",
		       n->nid, name, np_attach_strerror(ret),
		       *live ? live : "?");
	else
		n->managed = true;
	np_policy_close(p);
	return ret;
}

/* --- device samples and reactions ---------------------------------------- */

int read_device(int nid, struct npd_device *d)
{
	struct np_device_counters c;
	int ret;

	memset(d, 0, sizeof(*d));
	ret = np_device_counters(nid, &c);
	if (!ret)
		ret = np_device_alert(nid, &d->alert);
	if (ret)
		return ret;
	d->logical_bytes = c.logical_bytes;
	d->physical_bytes = c.physical_bytes;
	d->physical_capacity = c.physical_capacity;
	d->ratio = c.physical_bytes ?
		   (double)c.logical_bytes / c.physical_bytes : 0;
	return 0;
}

static void to_sample(const struct npd_device *d, struct npd_sample *s)
{
	s->have_data = d->logical_bytes && d->physical_bytes;
	s->ratio = d->ratio;
	s->alert = d->alert;
}

static int react_tighten(struct npd_node *n, const struct npd_react *r)
{
	char key[NPD_KEY_LEN];
	unsigned long long old;
	int i, ret;

	/* What the episode changes first comes back at its end. */
	for (i = 0; i < r->nr_assign; i++) {
		npd_assign_key(r->assign[i], key, sizeof(key));
		if (npd_saved_has(&n->saved, key))
			continue;
		ret = np_tunables_get(n->nid, key, &old);
		if (ret)
			return ret;
		npd_saved_add(&n->saved, key, old);
	}
	return np_tunables_update(n->nid, (const char *const *)r->assign,
				  r->nr_assign);
}

static int react_swap(struct npd_node *n, const struct npd_react *r)
{
	struct np_policy *p;
	int ret;

	/* The new policy's own flags; the sets it knows. */
	ret = open_policy(r->policy, n->nid, NULL, n->conf, true, &p);
	if (ret)
		return ret;
	ret = swap_in(p, n->nid);
	np_policy_close(p);
	if (ret)
		return ret;
	/* The saved values were the old policy's. */
	n->swapped = true;
	n->saved.n = 0;
	return 0;
}

static int apply_react(struct npd_node *n, const struct npd_react *r,
		       const char *reason)
{
	char what[512], assign[64];
	int ret = -EINVAL;
	enum npd_action a = NPD_ACT_TIGHTEN;

	npd_react_format(r, what, sizeof(what));
	switch (r->kind) {
	case NPD_REACT_TIGHTEN:
		ret = react_tighten(n, r);
		a = NPD_ACT_TIGHTEN;
		break;
	case NPD_REACT_EVACUATE:
		snprintf(assign, sizeof(assign), "evacuate_now=%llu",
			 r->pages);
		ret = np_tunables_set(n->nid, assign);
		a = NPD_ACT_EVACUATE;
		break;
	case NPD_REACT_SWAP:
		ret = react_swap(n, r);
		a = NPD_ACT_SWAP;
		break;
	}
	if (ret) {
		logerr("node %d: %s: %s failed: %s", n->nid, reason, what,
		       strerror(-ret));
		return ret;
	}
	n->actions[a]++;
	logmsg("node %d: %s: %s", n->nid, reason, what);
	return 0;
}

/* The end of an episode: tunables back to their configured values. */
static void restore(struct npd_node *n, const char *reason)
{
	char out[NPD_MAX_SETS + NPD_MAX_SAVED][NPD_ASSIGN_LEN];
	const char *assign[NPD_MAX_SETS + NPD_MAX_SAVED];
	char text[2048], live[64] = "";
	struct keyset ks;
	int i, nr = 0, ret;

	if (live_keys(n->nid, &ks))
		ks.n = 0;
	nr = npd_rules_restore(n->conf->sets, n->conf->nr_sets,
			       n->swapped ? NULL : &n->saved, keyset_has, &ks,
			       out, NPD_MAX_SETS + NPD_MAX_SAVED);
	for (i = 0; i < nr; i++)
		assign[i] = out[i];
	join(text, sizeof(text), assign, nr);
	if (!nr) {
		logmsg("node %d: %s: episode over, nothing to restore", n->nid,
		       reason);
	} else {
		ret = np_tunables_update(n->nid, assign, nr);
		if (ret) {
			logerr("node %d: %s: restore %s failed: %s", n->nid,
			       reason, text, strerror(-ret));
		} else {
			n->actions[NPD_ACT_RESTORE]++;
			logmsg("node %d: %s: restore %s", n->nid, reason, text);
		}
	}
	if (n->swapped) {
		np_node_read(n->nid, "policy", live, sizeof(live));
		logwarn("node %d: policy %s stays: npd does not swap back (SIGHUP or a restart brings %s back)",
		       n->nid, *live ? live : "?", n->conf->policy);
	}
	n->swapped = false;
	n->saved.n = 0;
}

/* Read what node N's device reports and apply its rules. */
void evaluate(struct npd_node *n)
{
	const struct npd_node_conf *nc = n->conf;
	struct npd_decision d;
	struct npd_sample s;
	struct npd_device c;
	char reason[128];
	unsigned int i, done = 0;
	int ret;

	if (!n->managed || n->alert_fd < 0 || !(nc->min_ratio > 0))
		return;
	ret = read_device(n->nid, &c);
	if (ret) {
		logerr("node %d: cannot read its device's counters: %s",
		       n->nid, strerror(-ret));
		return;
	}
	to_sample(&c, &s);
	npd_rules_eval(nc->min_ratio, nc->nr_reacts, &s, &n->ep, &d);
	npd_rules_reason(nc->min_ratio, &s, reason, sizeof(reason));
	switch (d.verdict) {
	case NPD_REACT:
		if (d.started) {
			n->saved.n = 0;
			n->swapped = false;
			if (!d.count)
				logwarn("node %d: %s: no react actions configured",
				       n->nid, reason);
		}
		for (i = d.first; i < d.first + d.count; i++) {
			if (apply_react(n, &nc->reacts[i], reason))
				break;
			done++;
		}
		npd_rules_applied(&n->ep, done);
		break;
	case NPD_RESTORE:
		restore(n, reason);
		break;
	case NPD_HOLD:
		dbg("node %d: %s: the episode goes on", n->nid, reason);
		break;
	case NPD_IDLE:
		dbg("node %d: %s", n->nid, reason);
		break;
	}
}

static int alert_read(struct npd_node *n, bool *high)
{
	char buf[32];
	ssize_t len;

	len = pread(n->alert_fd, buf, sizeof(buf) - 1, 0);
	if (len < 0)
		return -errno;
	while (len > 0 && buf[len - 1] == '\n')
		len--;
	buf[len] = '\0';
	return np_device_alert_parse(buf, high);
}

/*
 * Watch the alert of node N's device, whatever the device, if the device
 * reports counters: without them there is no ratio to keep.
 */
void alert_open(struct npd_node *n)
{
	struct np_device_counters c;
	char path[PATH_MAX];
	int ret;

	if (n->alert_fd >= 0)
		return;
	ret = np_device_counters(n->nid, &c);
	if (ret) {
		if (ret == -ENODATA)
			dbg("node %d: its device reports no counters: not monitored",
			    n->nid);
		else
			logerr("node %d: cannot read its device's counters: %s; not monitored",
			       n->nid, strerror(-ret));
		return;
	}
	np_node_path(n->nid, "device_alert", path, sizeof(path));
	n->alert_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (n->alert_fd < 0) {
		logerr("node %d: cannot open %s: %s; not monitored", n->nid,
		       path, strerror(errno));
		return;
	}
	/* Reading arms poll(): it wakes at the next sysfs_notify(). */
	ret = alert_read(n, &n->alert);
	if (ret) {
		logerr("node %d: cannot read %s: %s; not monitored", n->nid,
		       path, strerror(-ret));
		close(n->alert_fd);
		n->alert_fd = -1;
		return;
	}
	logmsg("node %d: watching %s (alert %s)", n->nid, path,
	       n->alert ? "high" : "normal");
}

void alert_event(struct npd_node *n)
{
	struct npd_device c;
	bool high;
	int ret;

	ret = alert_read(n, &high);
	if (ret) {
		logerr("node %d: cannot read the device's alert: %s; monitoring stops",
		       n->nid, strerror(-ret));
		close(n->alert_fd);
		n->alert_fd = -1;
		return;
	}
	if (high != n->alert) {
		if (!read_device(n->nid, &c))
			logmsg("node %d: device alert %s: physical %llu of %llu bytes, ratio %.2f",
			       n->nid, high ? "high" : "normal",
			       c.physical_bytes, c.physical_capacity,
			       c.ratio);
		else
			logmsg("node %d: device alert %s", n->nid,
			       high ? "high" : "normal");
	}
	n->alert = high;
	evaluate(n);
}

void node_init(struct npd_node *n, struct npd_node_conf *nc)
{
	memset(n, 0, sizeof(*n));
	n->nid = nc->nid;
	n->conf = nc;
	n->alert_fd = -1;
}

void episode_reset(struct npd_node *n)
{
	memset(&n->ep, 0, sizeof(n->ep));
	n->saved.n = 0;
	n->swapped = false;
}

/* --- following hotplug ---------------------------------------------------- */

/*
 * The name of the device of private node NID into BUF: 1 if the node is
 * private and its driver declared a device, 0 if it is private without
 * one yet (no capabilities: no policy could ask for a service), or a
 * negative errno (-ENOENT: not private).
 */
static int node_device(int nid, char *buf, size_t len)
{
	int ret;

	ret = np_node_read(nid, "device", buf, len);
	if (ret)
		return ret;
	return strcmp(buf, "none") ? 1 : 0;
}

/* Whether private node NID has a declared device whose name matches. */
static bool device_matches(int nid, const char *pattern)
{
	char dev[64];

	return node_device(nid, dev, sizeof(dev)) == 1 &&
	       !fnmatch(pattern, dev, 0);
}

bool node_still_there(const struct npd_node *n)
{
	char dev[64], why[128];

	if (n->conf->device ? !device_matches(n->nid, n->conf->device) :
	    node_device(n->nid, dev, sizeof(dev)) < 0)
		return false;
	/*
	 * A node that went and came back between two looks (one batch of
	 * uevents) lost its policy with it: the pin npd made is stale.
	 */
	if (n->managed && np_pin_stale(n->nid, why, sizeof(why)) == 1) {
		logmsg("node %d: it went away and came back (%s)", n->nid, why);
		return false;
	}
	return true;
}

int node_find_device(const char *pattern, const bool *taken)
{
	struct dirent *de;
	int nid, found = -1;
	char *end;
	DIR *dir;

	dir = opendir("/sys/devices/system/node");
	if (!dir)
		return -1;
	while ((de = readdir(dir))) {
		if (strncmp(de->d_name, "node", 4))
			continue;
		nid = strtol(de->d_name + 4, &end, 10);
		if (end == de->d_name + 4 || *end || nid < 0 ||
		    nid > NPD_MAX_NODE_ID || (taken && taken[nid]))
			continue;
		if (!device_matches(nid, pattern))
			continue;
		/* The lowest node id: the same answer on every scan. */
		if (found < 0 || nid < found)
			found = nid;
	}
	closedir(dir);
	return found;
}

bool conf_claims(const struct npd_node_conf *nc, int nid)
{
	return nc->device ? device_matches(nid, nc->device) : nc->nid == nid;
}

bool node_ready(int nid)
{
	char dev[64];

	return node_device(nid, dev, sizeof(dev)) == 1;
}

void node_forget(struct npd_node *n)
{
	if (n->alert_fd >= 0)
		close(n->alert_fd);
	n->alert_fd = -1;
	n->alert = false;
	episode_reset(n);
	n->managed = false;
	n->present = false;
	if (n->conf->device)
		n->nid = -1;
}

void node_gone(struct npd_node *n)
{
	char label[NPD_MAX_DEVICE_LEN + 16];
	int ret;

	logmsg("node %d: no longer private or no longer %s: its state is dropped",
	       n->nid, npd_node_conf_label(n->conf, label, sizeof(label)));
	/* The policy went with the node: its link is stale, its pin goes. */
	ret = np_pin_clean(n->nid);
	if (ret < 0)
		logerr("node %d: cannot remove its stale pins: %s", n->nid,
		       strerror(-ret));
	node_forget(n);
}

int node_appear(struct npd_node *n, int nid)
{
	char label[NPD_MAX_DEVICE_LEN + 16], dev[64] = "?";
	int ret;

	n->nid = nid;
	n->present = true;
	node_device(nid, dev, sizeof(dev));
	logmsg("node %d: private, device %s: set up for %s", nid, dev,
	       npd_node_conf_label(n->conf, label, sizeof(label)));
	ret = node_setup(n, false);
	if (ret)
		return ret;
	alert_open(n);
	evaluate(n);
	return 0;
}

/* What SIGTERM does, or a node leaving the configuration. */
void node_release(struct npd_node *n, enum npd_on_exit on_exit,
		  const char *why)
{
	char live[64] = "";

	if (n->alert_fd >= 0)
		close(n->alert_fd);
	n->alert_fd = -1;
	if (!n->managed)
		return;
	np_node_read(n->nid, "policy", live, sizeof(live));
	if (on_exit == NPD_EXIT_DETACH) {
		if (!np_link_detach(n->nid))
			logmsg("node %d: %s: policy %s detached", n->nid, why,
			       *live ? live : "?");
	} else {
		logmsg("node %d: %s: policy %s stays attached", n->nid, why,
		       *live ? live : "?");
	}
	n->managed = false;
}

/* The sets of NC that are not tunables of P: those need a new load. */
static bool globals_equal(const struct npd_node_conf *a,
			  const struct npd_node_conf *b, struct np_policy *p)
{
	char key[NPD_KEY_LEN];
	int i = 0, j = 0;

	for (;;) {
		while (i < a->nr_sets &&
		       np_policy_has_tunable(p, npd_assign_key(a->sets[i].text,
							       key, sizeof(key))))
			i++;
		while (j < b->nr_sets &&
		       np_policy_has_tunable(p, npd_assign_key(b->sets[j].text,
							       key, sizeof(key))))
			j++;
		if (i == a->nr_sets || j == b->nr_sets)
			return i == a->nr_sets && j == b->nr_sets;
		if (strcmp(a->sets[i].text, b->sets[j].text))
			return false;
		i++;
		j++;
	}
}

/* Whether B needs the policy loaded again: policy, flags or globals. */
bool load_changed(const struct npd_node_conf *a,
		  const struct npd_node_conf *b)
{
	struct np_policy *p;
	bool changed;

	if (!str_equal(a->policy, b->policy) || !str_equal(a->flags, b->flags))
		return true;
	if (np_policy_open(b->policy, &p))
		return true;
	changed = !globals_equal(a, b, p);
	np_policy_close(p);
	return changed;
}

/* Whether the policy attached to node N is not the configured one. */
bool live_differs(const struct npd_node *n)
{
	struct np_policy *p;
	char live[64] = "";
	bool differs;

	if (np_policy_open(n->conf->policy, &p))
		return true;
	np_node_read(n->nid, "policy", live, sizeof(live));
	differs = strcmp(live, np_policy_name(p));
	np_policy_close(p);
	return differs;
}

void swap_conf(struct npd_node_conf *a, struct npd_node_conf *b)
{
	struct npd_node_conf t = *a;

	*a = *b;
	*b = t;
}
