// SPDX-License-Identifier: GPL-2.0
/*
 * npd: the policy daemon of private memory nodes.  It attaches (or adopts)
 * the BPF policy each configured node should have, watches the alert of
 * the device of each node whose device reports counters, reacts when the
 * ratio of its logical to physical bytes falls below the configured
 * minimum, follows private nodes as they are hotplugged (kernel uevents),
 * serves metrics, and reloads its configuration on SIGHUP.  `npd --help`
 * and docs/npd.md describe it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <bpf/libbpf.h>
#include <systemd/sd-daemon.h>
#include "np_common.h"
#include "np_version.h"
#include "libnp.h"
#include "npd.h"
#include "npd_config.h"
#include "np_paths.h"
#include "npd_http.h"
#include "npd_metrics.h"
#include "npd_rules.h"

#define NPD_VERSION		NP_VERSION
#define NPD_METRICS_MAX		(4 << 20)
/*
 * In npd's runtime directory, which its unit makes writable under
 * ProtectSystem=strict (/run itself stays read-only there) and keeps
 * across restarts, so that the file a running npd holds is never
 * removed under it.
 */
#define NPD_RUN_DIR		"/run/npd"
#define NPD_LOCK		NPD_RUN_DIR "/npd.lock"

static const char usage_text[] =
"usage: npd [-c FILE] [--check] [-v] [--metrics-dump] [--help] [--version]\n"
"\n"
"The policy daemon of private memory nodes: attaches the BPF policy of\n"
"each configured node (or adopts the one pinned there), watches the\n"
"alert and counters of each node's device (nodeN/private/device_alert\n"
"and device_counters) and reacts when the ratio of its logical to\n"
"physical bytes falls below min_ratio, and serves OpenMetrics text on a\n"
"unix socket and over HTTP.\n"
"\n"
"  -c, --config FILE  the configuration (default " NPD_DEFAULT_CONF ")\n"
"  --check            check the configuration (syntax, policies, nodes)\n"
"                     and exit: 0 if it is valid, 1 with the reason\n"
"  --metrics-dump     print the metrics of the configured nodes once\n"
"  -v, --verbose      log more (every sample and connection); -vv adds\n"
"                     libbpf's debug output\n"
"  -h, --help         this text\n"
"  -V, --version      the version\n"
"\n"
"Configuration ('#' starts a comment; KEY = VALUE lines in sections):\n"
"\n"
"  [global]\n"
"  metrics = /run/npd/metrics.sock  unix stream socket for metrics\n"
"  http = [ADDR:]PORT        HTTP for Prometheus: GET /metrics, on\n"
"                            127.0.0.1 unless ADDR ([ADDR] for IPv6)\n"
"  on_exit = keep | detach   what SIGTERM does to the managed policies\n"
"  [node N]                  one section per private node, by node id\n"
"  [device PATTERN]          or by the name of its device (fnmatch(3)\n"
"                            pattern, e.g. dax0.0, cram_emu): whichever node\n"
"                            has it, whenever it appears\n"
"  policy = NAME | PATH      installed policy name or BPF object path\n"
"  flags = F                 NP_OPS flags, names or a number (optional)\n"
"  set = KEY=VALUE           tunable or global variable, at attach time;\n"
"                            repeatable; tunables come back after an episode\n"
"  min_ratio = R             react when the device's ratio of logical to\n"
"                            physical bytes falls below R\n"
"  react = ACTION            repeatable, applied in order, once per episode:\n"
"          tighten KEY=VALUE...   write tunables\n"
"          evacuate PAGES         evacuate_now=PAGES\n"
"          swap POLICY            swap in another policy\n"
"\n"
"Hotplug: npd listens to kernel uevents; when a configured node becomes\n"
"private (a dax device onlined as a private node, a CRAM device added) it\n"
"sets its policy up, and when the node goes it drops the node's state and\n"
"removes its stale pins.\n"
"\n"
"Signals: SIGHUP reloads the configuration (kept if the new one is\n"
"invalid); SIGTERM and SIGINT exit, leaving the policies attached\n"
"(on_exit = keep) or detaching them (on_exit = detach).\n"
"\n"
"npd needs CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN (root).  One npd runs\n"
"per machine: it holds a lock on " NPD_LOCK ", and a second one\n"
"exits without touching anything.\n"
"Logs go to stderr, one line per event, prefixed \"npd: \" (with journald\n"
"priorities instead when stderr is the journal).  Under systemd it sends\n"
"READY=1, RELOADING=1 and STOPPING=1 notifications (Type=notify).\n";

int verbose;		/* -v: npd's details; -vv: libbpf's too */

/*
 * Logs: one line per event on stderr.  Under systemd, when stderr is the
 * journal's stream (JOURNAL_STREAM names its device and inode), each line
 * carries its priority as sd-daemon(3) prefixes ("<3>") and no "npd: ",
 * which the journal adds; otherwise "npd: " and the text.
 */
static bool to_journal;

static void journal_detect(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	to_journal = js && sscanf(js, "%llu:%llu", &dev, &ino) == 2 &&
		     !fstat(STDERR_FILENO, &st) && st.st_dev == dev &&
		     st.st_ino == ino;
}

/* Each line of TEXT at PRIORITY (LOG_ERR ...). */
static void log_lines(int priority, char *text)
{
	char *line, *nl;

	for (line = text; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (to_journal)
			fprintf(stderr, "<%d>%s\n", priority, line);
		else
			fprintf(stderr, "npd: %s\n", line);
		if (!nl)
			break;
	}
}

void logat(int priority, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_lines(priority, msg);
}

/* libnp's messages are errors or warnings about what npd asked. */
static void libnp_print(const char *msg)
{
	char buf[1024];

	snprintf(buf, sizeof(buf), "%s", msg);
	log_lines(LOG_WARNING, buf);
}

/* libbpf's messages, one line each; its debug output with -vv. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list args)
{
	char msg[8192];

	if (level == LIBBPF_DEBUG && verbose < 2)
		return 0;
	vsnprintf(msg, sizeof(msg), fmt, args);
	log_lines(level == LIBBPF_WARN ? LOG_WARNING :
		  level == LIBBPF_INFO ? LOG_INFO : LOG_DEBUG, msg);
	return 0;
}

/* --- metrics -------------------------------------------------------------- */

/* The metrics of the nodes present into M; how many. */
static int gather(const struct npd *d, struct npd_node_metrics *m)
{
	const struct npd_node *n;
	struct npd_node_metrics *o;
	char buf[8192];
	int i, k = 0;

	for (i = 0; i < d->nr_nodes; i++) {
		n = &d->nodes[i];
		if (!n->present)
			continue;
		o = &m[k++];
		memset(o, 0, sizeof(*o));
		o->nid = n->nid;
		np_node_read(n->nid, "policy", o->policy, sizeof(o->policy));
		np_node_read(n->nid, "state", o->state, sizeof(o->state));
		if (!np_node_read(n->nid, "stat", buf, sizeof(buf)))
			o->nr_stats = npd_stats_parse(buf, o->stats,
						      NPD_MAX_STATS);
		o->has_device = !read_device(n->nid, &o->device);
		memcpy(o->actions, n->actions, sizeof(o->actions));
	}
	return k;
}

/* The metrics text, allocated; its length in *LEN. */
static char *metrics_text(const struct npd *d, int *len)
{
	struct npd_node_metrics *m;
	size_t size = 16384;
	char *buf = NULL, *bigger;
	int n = -ENOSPC, nr;

	m = calloc(d->nr_nodes ? d->nr_nodes : 1, sizeof(*m));
	if (!m)
		return NULL;
	nr = gather(d, m);
	while (n == -ENOSPC && size <= NPD_METRICS_MAX) {
		bigger = realloc(buf, size);
		if (!bigger)
			break;
		buf = bigger;
		n = npd_metrics_format(m, nr, buf, size);
		size *= 2;
	}
	free(m);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

static void metrics_serve(const struct npd *d)
{
	struct timeval tv = { .tv_sec = 1 };
	ssize_t w;
	char *text;
	int fd, len, off = 0;

	fd = accept4(d->lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0) {
		if (errno != EAGAIN && errno != EINTR)
			logerr("metrics: accept: %s", strerror(errno));
		return;
	}
	/* A client that does not read does not hold npd up for long. */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	text = metrics_text(d, &len);
	if (!text) {
		logerr("metrics: cannot format the metrics");
		close(fd);
		return;
	}
	while (off < len) {
		w = write(fd, text + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			dbg("metrics: write: %s", strerror(errno));
			break;
		}
		off += w;
	}
	dbg("metrics: %d bytes served", off);
	free(text);
	close(fd);
}

/* A unix socket at PATH that nobody answers on is a stale one. */
static bool socket_in_use(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool used;

	if (fd < 0)
		return false;
	used = !connect(fd, (const struct sockaddr *)sa, sizeof(*sa));
	close(fd);
	return used;
}

static int metrics_listen(struct npd *d, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[sizeof(sa.sun_path)], *slash;
	struct stat st;
	int fd, ret;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0755) && errno != EEXIST) {
			ret = -errno;
			logerr("metrics: cannot create %s: %s", dir,
			       strerror(errno));
			return ret;
		}
	}
	if (!lstat(path, &st)) {
		if (!S_ISSOCK(st.st_mode)) {
			logerr("metrics: %s exists and is not a socket", path);
			return -EEXIST;
		}
		if (socket_in_use(&sa)) {
			logerr("metrics: %s is in use (another npd?)", path);
			return -EADDRINUSE;
		}
		unlink(path);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		ret = -errno;
		logerr("metrics: socket: %s", strerror(errno));
		return ret;
	}
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(fd, 16)) {
		ret = -errno;
		logerr("metrics: cannot listen on %s: %s", path,
		       strerror(errno));
		close(fd);
		return ret;
	}
	/* Metrics are not secret: any local user may read them. */
	chmod(path, 0666);
	d->lpath = strdup(path);
	if (!d->lpath) {
		close(fd);
		unlink(path);
		return -ENOMEM;
	}
	d->lfd = fd;
	logmsg("metrics on %s", path);
	return 0;
}

static void metrics_close(struct npd *d)
{
	if (d->lfd < 0)
		return;
	close(d->lfd);
	unlink(d->lpath);
	free(d->lpath);
	d->lfd = -1;
	d->lpath = NULL;
}

static char *http_text(void *arg, size_t *len)
{
	char *text;
	int n;

	text = metrics_text(arg, &n);
	if (!text) {
		logerr("metrics: cannot format the metrics");
		return NULL;
	}
	*len = n;
	return text;
}

/*
 * libmicrohttpd's own messages (a refused connection, a malformed
 * request): what a remote client causes, so at debug level only.  npd's
 * own failures (cannot listen) are logged as errors by http_listen().
 */
static void http_log(void *arg, const char *line)
{
	dbg("http: %s", line);
}

static int http_listen(struct npd *d, const struct npd_config *c)
{
	char err[256];
	int ret;

	ret = npd_http_start((const struct sockaddr *)&c->http_addr,
			     http_text, http_log, d, &d->http, err,
			     sizeof(err));
	if (ret) {
		logerr("http: %s: %s", c->http, err);
		return ret;
	}
	d->http_addr = strdup(c->http);
	if (!d->http_addr) {
		npd_http_stop(d->http);
		d->http = NULL;
		return -ENOMEM;
	}
	logmsg("metrics on http://%s/metrics", c->http);
	return 0;
}

static void http_close(struct npd *d)
{
	npd_http_stop(d->http);
	d->http = NULL;
	free(d->http_addr);
	d->http_addr = NULL;
}

/* --- start, reload, exit -------------------------------------------------- */

/* The running entry of the section NC names: same node id, or pattern. */
static struct npd_node *find_node(struct npd *d,
				  const struct npd_node_conf *nc)
{
	const struct npd_node_conf *oc;
	int i;

	for (i = 0; i < d->nr_nodes; i++) {
		oc = d->nodes[i].conf;
		if (!oc || !str_equal(oc->device, nc->device))
			continue;
		if (nc->device || oc->nid == nc->nid)
			return &d->nodes[i];
	}
	return NULL;
}

/* --- hotplug --------------------------------------------------------------- */

/*
 * Bring the entries in line with the private nodes there are now: drop
 * those whose node went (or whose device no longer matches), then give
 * each absent entry its node if it is there: a [node N] its own node once
 * its device is declared, a [device PATTERN] the lowest node with a
 * matching device that no other entry holds ([node N] entries first, then
 * in the order of the file).  An entry whose set-up fails stays present
 * and unmanaged until its node goes, with the error in the log.
 */
static void follow(struct npd *d)
{
	static bool taken[NPD_MAX_NODE_ID + 1];
	struct npd_node *n;
	int i, nid;

	memset(taken, 0, sizeof(taken));
	for (i = 0; i < d->nr_nodes; i++) {
		n = &d->nodes[i];
		if (n->present && !node_still_there(n))
			node_gone(n);
	}
	/*
	 * A node that a [node N] section names is that section's, even if
	 * a [device] section held it first (a reload added the [node N]):
	 * the [device] section lets go of it without touching its policy.
	 */
	for (i = 0; i < d->nr_nodes; i++) {
		n = &d->nodes[i];
		if (!n->conf->device || !n->present ||
		    !npd_config_node(d->conf, n->nid))
			continue;
		logmsg("node %d: now configured by [node %d], not [device %s]",
		       n->nid, n->nid, n->conf->device);
		node_forget(n);
	}
	for (i = 0; i < d->nr_nodes; i++) {
		n = &d->nodes[i];
		if (!n->conf->device || n->present)
			taken[n->nid] = true;
	}
	for (i = 0; i < d->nr_nodes; i++) {
		n = &d->nodes[i];
		if (!n->present && !n->conf->device && node_ready(n->nid))
			node_appear(n, n->nid);
	}
	for (i = 0; i < d->nr_nodes; i++) {
		n = &d->nodes[i];
		if (n->present || !n->conf->device)
			continue;
		nid = node_find_device(n->conf->device, taken);
		if (nid < 0)
			continue;
		taken[nid] = true;
		node_appear(n, nid);
	}
}

/*
 * Listen to the kernel's uevents (netlink, the kernel's multicast group:
 * no udev needed).  Only the kernel's messages are read; a node's uevent
 * only makes npd look at sysfs again, so what a message says is never
 * trusted beyond that.
 */
static int uevent_open(void)
{
	struct sockaddr_nl sa = {
		.nl_family = AF_NETLINK,
		.nl_groups = 1,
	};
	int fd, size = 1 << 20;

	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    NETLINK_KOBJECT_UEVENT);
	if (fd < 0)
		return -errno;
	/* Bursts of memory block events: room for them, best effort. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	return fd;
}

/* The value of KEY in the NUL-separated uevent BUF of LEN bytes. */
static const char *uevent_get(const char *buf, size_t len, const char *key)
{
	size_t klen = strlen(key), off;

	for (off = strlen(buf) + 1; off < len; off += strlen(buf + off) + 1)
		if (!strncmp(buf + off, key, klen) && buf[off + klen] == '=')
			return buf + off + klen + 1;
	return NULL;
}

/* Read the pending uevents; a node's (or lost ones) mean a rescan. */
static void uevent_read(struct npd *d)
{
	struct sockaddr_nl from;
	struct iovec iov;
	struct msghdr msg = {
		.msg_name = &from, .msg_namelen = sizeof(from),
		.msg_iov = &iov, .msg_iovlen = 1,
	};
	static char buf[8192];
	const char *sub, *act, *what;
	bool rescan = false;
	ssize_t len;

	for (;;) {
		iov.iov_base = buf;
		iov.iov_len = sizeof(buf) - 1;
		msg.msg_namelen = sizeof(from);
		len = recvmsg(d->ufd, &msg, 0);
		if (len < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				logwarn("uevents: some were lost; looking at every node again");
				rescan = true;
				continue;
			}
			if (errno != EAGAIN)
				logerr("uevents: %s", strerror(errno));
			break;
		}
		/* The kernel's own, whole messages only. */
		if (from.nl_pid != 0 || (msg.msg_flags & MSG_TRUNC) || !len)
			continue;
		buf[len] = '\0';
		sub = uevent_get(buf, len, "SUBSYSTEM");
		if (!sub || strcmp(sub, "node"))
			continue;
		act = uevent_get(buf, len, "ACTION");
		what = uevent_get(buf, len, "NODE_PRIVATE");
		dbg("uevent: %s %s%s%s", act ? act : "?", buf,
		    what ? " NODE_PRIVATE=" : "", what ? what : "");
		rescan = true;
	}
	if (rescan)
		follow(d);
}

/* Whether an entry of D is on node NID. */
static bool held(const struct npd *d, int nid)
{
	int i;

	for (i = 0; i < d->nr_nodes; i++)
		if (d->nodes[i].present && d->nodes[i].nid == nid)
			return true;
	return false;
}

/* Whether a section of C names node NID. */
static bool claimed(const struct npd_config *c, int nid)
{
	int i;

	for (i = 0; i < c->nr_nodes; i++)
		if (conf_claims(&c->nodes[i], nid))
			return true;
	return false;
}

/*
 * SIGHUP: read the configuration again; if it is valid, give each node
 * what changed (a swap for a new policy, flags or variables, the tunables
 * otherwise), set up new nodes and let go of removed ones.  A node whose
 * change fails keeps its policy and its previous configuration.
 */
static void reload(struct npd *d)
{
	struct npd_node_conf *nc, *oc;
	struct npd_node *nodes, *n, *old;
	struct npd_config *c, *old_conf;
	struct npd_node *old_nodes;
	char err[NPD_ERR_LEN];
	bool force;
	int i, ret, nr_old;

	logmsg("SIGHUP: reloading %s", d->path);
	if (npd_config_load(d->path, &c, err, sizeof(err))) {
		logerr("%s; keeping the running configuration", err);
		return;
	}
	if (check_config(c, d->conf)) {
		logerr("%s: not applied; keeping the running configuration",
		       d->path);
		npd_config_free(c);
		return;
	}
	nodes = calloc(NPD_MAX_NODES, sizeof(*nodes));
	if (!nodes) {
		logerr("reload: out of memory; keeping the running configuration");
		npd_config_free(c);
		return;
	}
	for (i = 0; i < c->nr_nodes; i++) {
		nc = &c->nodes[i];
		n = &nodes[i];
		old = find_node(d, nc);
		if (!old) {
			node_init(n, nc);
			/* A [device] entry waits for follow(), below. */
			if (nc->device)
				continue;
			logmsg("node %d: new in the configuration", n->nid);
			n->present = true;
			node_setup(n, false);
			alert_open(n);
			continue;
		}
		/* The node's state carries over; the old entry is done. */
		*n = *old;
		oc = old->conf;
		old->conf = NULL;
		old->alert_fd = -1;
		old->managed = false;
		old->present = false;
		n->conf = nc;
		/* Not there now: follow() sets it up when it comes. */
		if (!n->present)
			continue;
		if (n->managed && npd_node_conf_equal(oc, nc) &&
		    !live_differs(n)) {
			dbg("node %d: unchanged", n->nid);
			continue;
		}
		force = n->managed && load_changed(oc, nc);
		ret = node_setup(n, force);
		if (ret && n->managed) {
			swap_conf(oc, nc);
			logmsg("node %d: keeps its previous configuration",
			       n->nid);
			continue;
		}
		if (!ret)
			episode_reset(n);
		alert_open(n);
	}
	for (i = 0; i < d->nr_nodes; i++) {
		old = &d->nodes[i];
		if (!old->conf)
			continue;
		/*
		 * A node that another section now names (by id instead of
		 * device, or the other way round) keeps its policy: that
		 * section adopts it, no window without one.  Decided after
		 * follow() below, which gives [device] sections their nodes.
		 */
		if (old->present && claimed(c, old->nid)) {
			if (old->alert_fd >= 0)
				close(old->alert_fd);
			old->alert_fd = -1;
			continue;
		}
		node_release(old, c->on_exit, "no longer in the configuration");
		old->conf = NULL;
	}
	if (!str_equal(d->conf->metrics, c->metrics) ||
	    (c->metrics && d->lfd < 0)) {
		metrics_close(d);
		if (c->metrics && metrics_listen(d, c->metrics))
			logmsg("metrics off");
	}
	if (!str_equal(d->http_addr, c->http)) {
		http_close(d);
		if (c->http && http_listen(d, c))
			logmsg("HTTP metrics off");
	}
	old_conf = d->conf;
	old_nodes = d->nodes;
	nr_old = d->nr_nodes;
	d->conf = c;
	d->nodes = nodes;
	d->nr_nodes = c->nr_nodes;
	follow(d);
	/* A node no section took after all is let go as on_exit says. */
	for (i = 0; i < nr_old; i++) {
		old = &old_nodes[i];
		if (old->conf && !held(d, old->nid))
			node_release(old, c->on_exit,
				     "no longer in the configuration");
	}
	npd_config_free(old_conf);
	free(old_nodes);
	logmsg("reloaded %s: %d node%s, on_exit %s", d->path, d->nr_nodes,
	       d->nr_nodes == 1 ? "" : "s",
	       c->on_exit == NPD_EXIT_DETACH ? "detach" : "keep");
	for (i = 0; i < d->nr_nodes; i++)
		if (d->nodes[i].present)
			evaluate(&d->nodes[i]);
}

/* SIGTERM, SIGINT, or a start-up that failed: on_exit for every node. */
static void shutdown_nodes(struct npd *d, const char *why)
{
	int i;

	for (i = 0; i < d->nr_nodes; i++)
		node_release(&d->nodes[i], d->conf->on_exit, why);
	metrics_close(d);
	http_close(d);
	if (d->ufd >= 0)
		close(d->ufd);
	d->ufd = -1;
}

static int startup(struct npd *d)
{
	int i, ret;

	d->nr_nodes = d->conf->nr_nodes;
	for (i = 0; i < d->nr_nodes; i++)
		node_init(&d->nodes[i], &d->conf->nodes[i]);
	/* Listeners first: one that cannot listen exits before any node. */
	if (d->conf->metrics) {
		ret = metrics_listen(d, d->conf->metrics);
		if (ret)
			return ret;
	}
	if (d->conf->http) {
		ret = http_listen(d, d->conf);
		if (ret)
			return ret;
	}
	/* Before the first look at the nodes: no change is missed. */
	d->ufd = uevent_open();
	if (d->ufd < 0) {
		logerr("cannot listen to kernel uevents: %s", strerror(-d->ufd));
		return d->ufd;
	}
	/* [node N] sections: their nodes are private (check_config()). */
	for (i = 0; i < d->nr_nodes; i++) {
		if (d->nodes[i].conf->device)
			continue;
		d->nodes[i].present = true;
		ret = node_setup(&d->nodes[i], false);
		if (ret) {
			logerr("node %d cannot be set up; exiting",
			       d->nodes[i].nid);
			return ret;
		}
		alert_open(&d->nodes[i]);
	}
	/* [device PATTERN] sections: those there now, the others later. */
	follow(d);
	for (i = 0; i < d->nr_nodes; i++) {
		char label[NPD_MAX_DEVICE_LEN + 16];
		struct npd_node *n = &d->nodes[i];

		npd_node_conf_label(n->conf, label, sizeof(label));
		if (n->present && !n->managed) {
			logerr("%s cannot be set up; exiting", label);
			return -EINVAL;
		}
		if (!n->present)
			logmsg("%s: no such private node yet; waiting for it",
			       label);
	}
	logmsg("running: %d node%s, on_exit %s", d->nr_nodes,
	       d->nr_nodes == 1 ? "" : "s",
	       d->conf->on_exit == NPD_EXIT_DETACH ? "detach" : "keep");
	for (i = 0; i < d->nr_nodes; i++)
		if (d->nodes[i].present && !d->nodes[i].conf->device)
			evaluate(&d->nodes[i]);
	return 0;
}

/*
 * One npd per machine: policies, pins and tunables are global, and a
 * second npd would adopt the first one's nodes and, on exit, detach them.
 * The flock goes with the process, however it ends.
 */
static int lock_instance(struct npd *d)
{
	char pid[32] = "";
	ssize_t n;
	int fd;

	if (mkdir(NPD_RUN_DIR, 0755) && errno != EEXIST) {
		logerr("cannot create %s: %s", NPD_RUN_DIR, strerror(errno));
		return -1;
	}
	fd = open(NPD_LOCK, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		logerr("cannot open %s: %s", NPD_LOCK, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		if (errno == EWOULDBLOCK) {
			n = pread(fd, pid, sizeof(pid) - 1, 0);
			pid[n > 0 ? n : 0] = '\0';
			pid[strcspn(pid, "\n")] = '\0';
			logerr("another npd is running (pid %s holds %s); "
			       "this one changes nothing and exits",
			       pid[0] ? pid : "?", NPD_LOCK);
		} else {
			logerr("cannot lock %s: %s", NPD_LOCK, strerror(errno));
		}
		close(fd);
		return -1;
	}
	n = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	if (ftruncate(fd, 0) || pwrite(fd, pid, n, 0) != n)
		dbg("cannot write the pid into %s: %s", NPD_LOCK,
		    strerror(errno));
	d->lock_fd = fd;
	return 0;
}

/* npd changes policies: say up front which capabilities it lacks. */
static bool privileged(void)
{
	char missing[128];
	int n;

	n = np_caps_missing(NP_CAPS_POLICY, missing, sizeof(missing));
	if (n < 0)
		logerr("cannot read this process's capabilities: %s",
		       strerror(-n));
	else if (n)
		logerr("needs CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN (run it "
		       "as root); this process lacks %s", missing);
	return !n;
}

/*
 * Tell systemd (Type=notify, sd_notify(3)) STATE ("READY=1", ...) with a
 * STATUS line; nothing happens when npd does not run under systemd.
 */
static void notify(const struct npd *d, const char *state)
{
	int n = d->nr_nodes;

	sd_notifyf(0, "%s\nSTATUS=%d node%s managed, on_exit %s", state, n,
		   n == 1 ? "" : "s",
		   d->conf && d->conf->on_exit == NPD_EXIT_DETACH ?
		   "detach" : "keep");
}

/* Handle the pending signals; 1 when npd is to exit. */
static int signals(struct npd *d)
{
	struct signalfd_siginfo si;
	struct timespec ts;
	ssize_t len;

	for (;;) {
		len = read(d->sfd, &si, sizeof(si));
		if (len != sizeof(si))
			return 0;
		if (si.ssi_signo == SIGHUP) {
			clock_gettime(CLOCK_MONOTONIC, &ts);
			sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu\n"
				   "STATUS=reloading %s",
				   (unsigned long long)ts.tv_sec * 1000000 +
				   ts.tv_nsec / 1000, d->path);
			reload(d);
			notify(d, "READY=1");
			continue;
		}
		logmsg("%s: exiting",
		       si.ssi_signo == SIGTERM ? "SIGTERM" : "SIGINT");
		sd_notifyf(0, "STOPPING=1\nSTATUS=exiting on %s",
			   si.ssi_signo == SIGTERM ? "SIGTERM" : "SIGINT");
		return 1;
	}
}

static int event_loop(struct npd *d)
{
	struct pollfd fds[4 + NPD_MAX_NODES];
	int i, nr;

	for (;;) {
		fds[0] = (struct pollfd){ .fd = d->sfd, .events = POLLIN };
		fds[1] = (struct pollfd){ .fd = d->lfd, .events = POLLIN };
		fds[2] = (struct pollfd){
			.fd = d->http ? npd_http_fd(d->http) : -1,
			.events = POLLIN,
		};
		fds[3] = (struct pollfd){ .fd = d->ufd, .events = POLLIN };
		for (i = 0; i < d->nr_nodes; i++)
			fds[4 + i] = (struct pollfd){
				.fd = d->nodes[i].alert_fd,
				.events = POLLPRI | POLLERR,
			};
		nr = poll(fds, 4 + d->nr_nodes,
			  d->http ? npd_http_timeout(d->http) : -1);
		if (nr < 0) {
			if (errno == EINTR)
				continue;
			logerr("poll: %s", strerror(errno));
			return -errno;
		}
		for (i = 0; i < d->nr_nodes; i++)
			if (d->nodes[i].alert_fd >= 0 &&
			    (fds[4 + i].revents & (POLLPRI | POLLERR | POLLNVAL)))
				alert_event(&d->nodes[i]);
		/* After the alerts: a node that went closes its alert. */
		if (fds[3].revents & POLLIN)
			uevent_read(d);
		if (fds[1].revents & POLLIN)
			metrics_serve(d);
		/* Its connections' timeouts too, not only what is ready. */
		if (d->http)
			npd_http_run(d->http);
		/* Last: a reload changes the nodes. */
		if ((fds[0].revents & POLLIN) && signals(d))
			return 0;
	}
}

static int metrics_dump(struct npd *d)
{
	char *text;
	int i, len;

	d->nr_nodes = d->conf->nr_nodes;
	for (i = 0; i < d->nr_nodes; i++) {
		struct npd_node *n = &d->nodes[i];

		node_init(n, &d->conf->nodes[i]);
		if (n->conf->device)
			n->nid = node_find_device(n->conf->device, NULL);
		n->present = n->nid >= 0;
	}
	text = metrics_text(d, &len);
	if (!text) {
		logerr("cannot format the metrics");
		return 1;
	}
	fwrite(text, 1, len, stdout);
	free(text);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check", no_argument, NULL, 'C' },
		{ "metrics-dump", no_argument, NULL, 'M' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct npd d = {
		.path = NPD_DEFAULT_CONF, .sfd = -1, .lfd = -1, .lock_fd = -1,
		.ufd = -1,
	};
	bool check = false, dump = false;
	char err[NPD_ERR_LEN];
	sigset_t mask;
	int opt, ret = 1;

	while ((opt = getopt_long(argc, argv, "c:vhV", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			d.path = optarg;
			break;
		case 'C':
			check = true;
			break;
		case 'M':
			dump = true;
			break;
		case 'v':
			verbose++;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		case 'V':
			printf("npd %s\n", NPD_VERSION);
			return 0;
		default:
			fputs(usage_text, stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "npd: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	journal_detect();
	/* Checking a configuration and reading metrics need no privilege. */
	if (!check && !dump && !privileged())
		return 1;
	np_set_print(libnp_print);
	libbpf_set_print(libbpf_print);
	d.nodes = calloc(NPD_MAX_NODES, sizeof(*d.nodes));
	if (!d.nodes) {
		logerr("out of memory");
		return 1;
	}
	if (npd_config_load(d.path, &d.conf, err, sizeof(err))) {
		logerr("%s", err);
		goto out;
	}
	/* The metrics need the configured nodes only. */
	if (dump) {
		ret = metrics_dump(&d);
		goto out;
	}
	if (check_config(d.conf, NULL))
		goto out;
	if (check) {
		printf("npd: %s: valid, %d node%s\n", d.path,
		       d.conf->nr_nodes, d.conf->nr_nodes == 1 ? "" : "s");
		ret = 0;
		goto out;
	}
	/* Nothing is touched before it. */
	if (lock_instance(&d))
		goto out;
	/* Signals arrive through the signalfd only. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	if (sigprocmask(SIG_BLOCK, &mask, NULL)) {
		logerr("sigprocmask: %s", strerror(errno));
		goto out;
	}
	signal(SIGPIPE, SIG_IGN);
	d.sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (d.sfd < 0) {
		logerr("signalfd: %s", strerror(errno));
		goto out;
	}
	logmsg("npd %s starting with %s", NPD_VERSION, d.path);
	if (startup(&d)) {
		sd_notify(0, "STATUS=start-up failed (see the log)");
		shutdown_nodes(&d, "start-up failed");
		goto out;
	}
	notify(&d, "READY=1");
	ret = event_loop(&d) ? 1 : 0;
	shutdown_nodes(&d, "exit");
out:
	if (d.sfd >= 0)
		close(d.sfd);
	if (d.lock_fd >= 0)
		close(d.lock_fd);
	npd_config_free(d.conf);
	free(d.nodes);
	return ret;
}
