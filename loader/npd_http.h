/* SPDX-License-Identifier: GPL-2.0 */
/*
 * npd's HTTP endpoint: GET /metrics answers the OpenMetrics text that a
 * callback formats, for Prometheus to scrape as it is.  Built on
 * libmicrohttpd in its external-loop mode: npd polls npd_http_fd() with
 * the rest of its descriptors, at most npd_http_timeout() milliseconds,
 * and calls npd_http_run() after every wake-up.  Nothing a client sends
 * changes npd: every other path is 404, every other method 405.
 */
#ifndef NPD_HTTP_H
#define NPD_HTTP_H

#include <stddef.h>
#include <sys/socket.h>

struct npd_http;

/*
 * The text to serve, malloc()ed (the server frees it), its length in
 * *LEN; NULL if it cannot be made (the client gets 500).
 */
typedef char *(*npd_http_text_fn)(void *arg, size_t *len);
/* Where the server's own errors go, one line without its newline. */
typedef void (*npd_http_log_fn)(void *arg, const char *line);

/*
 * Listen on SA (IPv4 or IPv6); TEXT and LOG get ARG.  Returns 0 and the
 * server in *OUT, or a negative errno with the reason in ERR.
 */
int npd_http_start(const struct sockaddr *sa, npd_http_text_fn text,
		   npd_http_log_fn log, void *arg, struct npd_http **out,
		   char *err, size_t errlen);
/* The descriptor to poll for POLLIN. */
int npd_http_fd(const struct npd_http *h);
/* How long poll() may wait for the server's timeouts, in ms; -1: no limit. */
int npd_http_timeout(const struct npd_http *h);
/* Accept, read, answer and time out what is ready; never blocks. */
void npd_http_run(struct npd_http *h);
void npd_http_stop(struct npd_http *h);

/* The media type of the answer, for tests and documentation. */
#define NPD_OPENMETRICS_TYPE \
	"application/openmetrics-text; version=1.0.0; charset=utf-8"

#endif /* NPD_HTTP_H */
