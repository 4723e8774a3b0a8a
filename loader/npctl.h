/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What npctl's files share: npctl.c (options, messages, JSON documents,
 * the help and main), npctl_policy.c (attach, swap, detach) and
 * npctl_nodes.c (status, flags, tune, stats).
 */
#ifndef NPCTL_H
#define NPCTL_H

#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include "np_json.h"

#define MAX_SETS	32
#define MAX_NODES	64

extern bool json;		/* -j: one JSON document per command */
extern bool pretty;		/* -p: the same, indented */
extern bool debug;		/* -d: libbpf's debug output, on stderr */
extern bool quiet;		/* drop messages (list opens non-policies) */

/* The options of some commands; -j, -p and --help are every command's. */
enum {
	OPT_NODE	= 1 << 0,	/* --node N */
	OPT_LOAD	= 1 << 1,	/* --flags F, --set VAR=VALUE */
	OPT_NO_PIN	= 1 << 2,	/* --no-pin */
	OPT_MONITOR	= 1 << 3,	/* --monitor SECONDS */
};

struct args {
	int nid;		/* -1: no --node */
	bool has_flags;
	unsigned int flags;
	const char *sets[MAX_SETS];
	int nr_sets;
	bool no_pin;
	double every;		/* --monitor; 0: once */
	char **rest;		/* the operands */
	int nr_rest;
};

/* npctl.c: messages, JSON documents, options */
__attribute__((format(printf, 1, 2)))
void report(const char *fmt, ...);
json_writer_t *doc_begin(void);
void doc_end(json_writer_t **w);
void js_str(json_writer_t *w, const char *s);
void js_name(json_writer_t *w, const char *s);
void js_str_field(json_writer_t *w, const char *name, const char *s);
/* A number when S is one in JSON's syntax, else a string. */
void js_value(json_writer_t *w, const char *s);
int parse_args(int argc, char **argv, unsigned int allowed,
	       const char *usage, struct args *a);
int parse_status(int ret);
int parse_no_operand(const char *cmd, int argc, char **argv,
		     unsigned int allowed, const char *usage,
		     struct args *a);
int need_node(const char *cmd, const struct args *a, int max_rest);
extern volatile sig_atomic_t stop;
void on_signal(int sig);
extern const char attach_usage[], swap_usage[], detach_usage[];
extern const char status_usage[], flags_usage[], tune_usage[];
extern const char stats_usage[];

/* npctl_policy.c */
/* Whether the caller may change policies; if not, say what it lacks. */
bool privileged(const char *cmd);
int cmd_attach(int argc, char **argv);
int cmd_swap(int argc, char **argv);
int cmd_detach(int argc, char **argv);

/* npctl_nodes.c */
int cmd_status(int argc, char **argv);
int cmd_flags(int argc, char **argv);
int cmd_tune(int argc, char **argv);
int cmd_stats(int argc, char **argv);

#endif /* NPCTL_H */
