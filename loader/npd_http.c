// SPDX-License-Identifier: GPL-2.0
/*
 * npd's HTTP endpoint for Prometheus.  See npd_http.h.
 *
 * libmicrohttpd parses HTTP; this file only routes.  It runs without a
 * thread of its own (MHD_USE_EPOLL, no internal polling thread), so the
 * text callback runs on npd's thread, between its other events, and
 * needs no locking.  A slow or silent client costs one of
 * NPD_HTTP_CONNS connections for at most NPD_HTTP_TIMEOUT seconds.
 */
#include <errno.h>
#include <stdint.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <microhttpd.h>
#include "npd_http.h"

#define NPD_HTTP_CONNS		16
#define NPD_HTTP_PER_IP		4
#define NPD_HTTP_TIMEOUT	5	/* seconds */

struct npd_http {
	struct MHD_Daemon *mhd;
	npd_http_text_fn text;
	npd_http_log_fn log;
	void *arg;
};

static void http_log(void *cls, const char *fmt, va_list ap)
{
	struct npd_http *h = cls;
	char line[512];
	size_t n;

	vsnprintf(line, sizeof(line), fmt, ap);
	n = strlen(line);
	while (n && line[n - 1] == '\n')
		line[--n] = '\0';
	if (h->log)
		h->log(h->arg, line);
}

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned int code,
			     const char *type, const char *body, size_t len,
			     enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	/* Not written through: MHD takes void * for every mode. */
	r = MHD_create_response_from_buffer(len, (void *)body, mode);
	if (!r) {
		if (mode == MHD_RESPMEM_MUST_FREE)
			free((void *)body);
		return MHD_NO;
	}
	if (MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type) !=
	    MHD_YES ||
	    (code == MHD_HTTP_METHOD_NOT_ALLOWED &&
	     MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD") !=
	     MHD_YES)) {
		MHD_destroy_response(r);
		return MHD_NO;
	}
	ret = MHD_queue_response(conn, code, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *conn,
			      const char *url, const char *method,
			      const char *version, const char *upload,
			      size_t *upload_len, void **state)
{
	static const char not_found[] = "not found: the metrics are at /metrics\n";
	static const char not_allowed[] = "method not allowed: GET or HEAD\n";
	static const char failed[] = "the metrics could not be formatted\n";
	struct npd_http *h = cls;
	size_t len = 0;
	char *text;

	if (strcmp(method, MHD_HTTP_METHOD_GET) &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD))
		return reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain",
			     not_allowed, sizeof(not_allowed) - 1,
			     MHD_RESPMEM_PERSISTENT);
	if (strcmp(url, "/metrics"))
		return reply(conn, MHD_HTTP_NOT_FOUND, "text/plain", not_found,
			     sizeof(not_found) - 1, MHD_RESPMEM_PERSISTENT);
	text = h->text(h->arg, &len);
	if (!text)
		return reply(conn, MHD_HTTP_INTERNAL_SERVER_ERROR,
			     "text/plain", failed, sizeof(failed) - 1,
			     MHD_RESPMEM_PERSISTENT);
	return reply(conn, MHD_HTTP_OK, NPD_OPENMETRICS_TYPE, text, len,
		     MHD_RESPMEM_MUST_FREE);
}

int npd_http_start(const struct sockaddr *sa, npd_http_text_fn text,
		   npd_http_log_fn log, void *arg, struct npd_http **out,
		   char *err, size_t errlen)
{
	unsigned int flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
	struct npd_http *h;
	uint16_t port;
	int saved;

	h = calloc(1, sizeof(*h));
	if (!h) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	h->text = text;
	h->log = log;
	h->arg = arg;
	if (sa->sa_family == AF_INET6) {
		flags |= MHD_USE_IPv6;
		port = ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
	} else {
		port = ntohs(((const struct sockaddr_in *)sa)->sin_port);
	}
	errno = 0;
	/*
	 * MHD_OPTION_SOCK_ADDR decides where; PORT only names it in MHD's
	 * messages.  The logger comes first, so that every message goes
	 * through it.
	 */
	h->mhd = MHD_start_daemon(flags, port, NULL, NULL, answer, h,
				  MHD_OPTION_EXTERNAL_LOGGER, http_log, h,
				  MHD_OPTION_SOCK_ADDR, sa,
				  MHD_OPTION_CONNECTION_LIMIT,
				  (unsigned int)NPD_HTTP_CONNS,
				  MHD_OPTION_PER_IP_CONNECTION_LIMIT,
				  (unsigned int)NPD_HTTP_PER_IP,
				  MHD_OPTION_CONNECTION_TIMEOUT,
				  (unsigned int)NPD_HTTP_TIMEOUT,
				  MHD_OPTION_END);
	if (!h->mhd) {
		saved = errno ? errno : EADDRNOTAVAIL;
		snprintf(err, errlen, "cannot listen: %s", strerror(saved));
		free(h);
		return -saved;
	}
	*out = h;
	return 0;
}

int npd_http_fd(const struct npd_http *h)
{
	const union MHD_DaemonInfo *info;

	info = MHD_get_daemon_info(h->mhd, MHD_DAEMON_INFO_EPOLL_FD);
	return info ? info->epoll_fd : -1;
}

int npd_http_timeout(const struct npd_http *h)
{
	MHD_UNSIGNED_LONG_LONG ms;

	if (MHD_get_timeout(h->mhd, &ms) != MHD_YES)
		return -1;
	return ms > 60000 ? 60000 : (int)ms;
}

void npd_http_run(struct npd_http *h)
{
	MHD_run(h->mhd);
}

void npd_http_stop(struct npd_http *h)
{
	if (!h)
		return;
	MHD_stop_daemon(h->mhd);
	free(h);
}
