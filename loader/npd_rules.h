/* SPDX-License-Identifier: GPL-2.0 */
/*
 * npd's decisions, apart from what carries them out: when the ratio of
 * logical to physical bytes of a node's device falls below its min_ratio,
 * an episode starts and the node's react actions are applied, in order,
 * each once per episode; when the ratio is back at or above min_ratio (or
 * the device holds no data) and the device's alert is not raised, the
 * episode ends and the configured values are restored.  Pure functions, tested on the host (tests/unit).
 */
#ifndef NPD_RULES_H
#define NPD_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include "npd_config.h"

#define NPD_MAX_SAVED	32
#define NPD_KEY_LEN	64
#define NPD_ASSIGN_LEN	96

/* What npd read from the device. */
struct npd_sample {
	bool have_data;		/* logical and physical bytes are not 0 */
	double ratio;		/* logical / physical */
	bool alert;		/* the device's alert is raised */
};

struct npd_episode {
	bool active;
	unsigned int applied;	/* react actions done, from the first */
};

enum npd_verdict {
	NPD_IDLE,		/* no episode, nothing to do */
	NPD_REACT,		/* apply actions [first, first + count) */
	NPD_HOLD,		/* in an episode, every action done: wait */
	NPD_RESTORE,		/* the episode is over: restore */
};

struct npd_decision {
	enum npd_verdict verdict;
	bool started;		/* this sample started the episode */
	unsigned int first;
	unsigned int count;
};

/*
 * Decide on sample S for a node with MIN_RATIO (0: no rules) and
 * NR_ACTIONS react actions; EP carries the episode from one call to the
 * next.  A REACT decision lists the actions not applied yet; the caller
 * reports how many it applied, in order, with npd_rules_applied(), and
 * the next decision of the episode starts after them.
 */
void npd_rules_eval(double min_ratio, unsigned int nr_actions,
		    const struct npd_sample *s, struct npd_episode *ep,
		    struct npd_decision *d);
void npd_rules_applied(struct npd_episode *ep, unsigned int n);

/* "ratio 1.31 < 1.50, alert high", for the log. */
int npd_rules_reason(double min_ratio, const struct npd_sample *s,
		     char *buf, size_t len);

/* The values of tunables before an episode changed them. */
struct npd_saved {
	int n;
	char key[NPD_MAX_SAVED][NPD_KEY_LEN];
	unsigned long long value[NPD_MAX_SAVED];
};

/* Remember VALUE of KEY unless it is already saved; -ENOSPC when full. */
int npd_saved_add(struct npd_saved *s, const char *key,
		  unsigned long long value);
bool npd_saved_has(const struct npd_saved *s, const char *key);

/*
 * The assignments that end an episode, into OUT (at most MAX): each of
 * the NR_SETS configured SETS whose key IS_TUNABLE(key, ARG) says the
 * live policy has, then each SAVED key that no set names, with its value
 * from before the episode.  Returns how many.
 */
int npd_rules_restore(const struct npd_assign *sets, int nr_sets,
		      const struct npd_saved *saved,
		      bool (*is_tunable)(const char *key, void *arg),
		      void *arg, char (*out)[NPD_ASSIGN_LEN], int max);

#endif /* NPD_RULES_H */
