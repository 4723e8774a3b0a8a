// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of npd's decisions (loader/npd_rules.c): when an episode
 * starts and ends, that each react action is applied once per episode,
 * and what is restored at the end.
 */
#include <errno.h>
#include <string.h>
#include "npd_rules.h"
#include "unit.h"

static const struct npd_sample high_ratio = {
	.have_data = true, .ratio = 2.5, .alert = false,
};
static const struct npd_sample low_ratio = {
	.have_data = true, .ratio = 1.31, .alert = true,
};
static const struct npd_sample recovered_high = {
	.have_data = true, .ratio = 2.1, .alert = true,
};
static const struct npd_sample recovered = {
	.have_data = true, .ratio = 2.1, .alert = false,
};
static const struct npd_sample empty = {
	.have_data = false, .ratio = 0, .alert = false,
};

static void test_no_rules(void)
{
	struct npd_episode ep = { 0 };
	struct npd_decision d;

	npd_rules_eval(0, 3, &low_ratio, &ep, &d);
	EXPECT_INT(d.verdict, NPD_IDLE);
	EXPECT(!ep.active);
}

static void test_above_and_no_data(void)
{
	struct npd_episode ep = { 0 };
	struct npd_decision d;

	npd_rules_eval(1.5, 3, &high_ratio, &ep, &d);
	EXPECT_INT(d.verdict, NPD_IDLE);
	/* An empty device reads ratio 0.00: no data, no episode. */
	npd_rules_eval(1.5, 3, &empty, &ep, &d);
	EXPECT_INT(d.verdict, NPD_IDLE);
	EXPECT(!ep.active);
	/* Exactly min_ratio is not below it. */
	npd_rules_eval(2.1, 3, &recovered, &ep, &d);
	EXPECT_INT(d.verdict, NPD_IDLE);
}

static void test_episode_once(void)
{
	struct npd_episode ep = { 0 };
	struct npd_decision d;

	npd_rules_eval(1.5, 3, &low_ratio, &ep, &d);
	EXPECT_INT(d.verdict, NPD_REACT);
	EXPECT(d.started);
	EXPECT_INT(d.first, 0);
	EXPECT_INT(d.count, 3);
	EXPECT(ep.active);
	npd_rules_applied(&ep, 3);

	/* Still low: every action was applied in this episode. */
	npd_rules_eval(1.5, 3, &low_ratio, &ep, &d);
	EXPECT_INT(d.verdict, NPD_HOLD);
	EXPECT(!d.started);
	npd_rules_eval(1.5, 3, &low_ratio, &ep, &d);
	EXPECT_INT(d.verdict, NPD_HOLD);
}

static void test_partial(void)
{
	struct npd_episode ep = { 0 };
	struct npd_decision d;

	npd_rules_eval(1.5, 3, &low_ratio, &ep, &d);
	EXPECT_INT(d.count, 3);
	/* The second action failed: the next sample retries from it. */
	npd_rules_applied(&ep, 1);
	npd_rules_eval(1.5, 3, &low_ratio, &ep, &d);
	EXPECT_INT(d.verdict, NPD_REACT);
	EXPECT(!d.started);
	EXPECT_INT(d.first, 1);
	EXPECT_INT(d.count, 2);
	/* Not reported: the same actions again. */
	npd_rules_eval(1.5, 3, &low_ratio, &ep, &d);
	EXPECT_INT(d.first, 1);
	EXPECT_INT(d.count, 2);
	npd_rules_applied(&ep, 2);
	npd_rules_eval(1.5, 3, &low_ratio, &ep, &d);
	EXPECT_INT(d.verdict, NPD_HOLD);
}

static void test_recovery(void)
{
	struct npd_episode ep = { 0 };
	struct npd_decision d;

	npd_rules_eval(1.5, 2, &low_ratio, &ep, &d);
	npd_rules_applied(&ep, d.count);
	/* The ratio is back but the alert is not over: the episode goes on. */
	npd_rules_eval(1.5, 2, &recovered_high, &ep, &d);
	EXPECT_INT(d.verdict, NPD_HOLD);
	EXPECT(ep.active);
	npd_rules_eval(1.5, 2, &recovered, &ep, &d);
	EXPECT_INT(d.verdict, NPD_RESTORE);
	EXPECT(!ep.active);
	/* Restored once. */
	npd_rules_eval(1.5, 2, &recovered, &ep, &d);
	EXPECT_INT(d.verdict, NPD_IDLE);
	/* A new episode applies every action again. */
	npd_rules_eval(1.5, 2, &low_ratio, &ep, &d);
	EXPECT_INT(d.verdict, NPD_REACT);
	EXPECT(d.started);
	EXPECT_INT(d.first, 0);
	EXPECT_INT(d.count, 2);
	npd_rules_applied(&ep, 2);
	/* The device emptied: the episode is over too. */
	npd_rules_eval(1.5, 2, &empty, &ep, &d);
	EXPECT_INT(d.verdict, NPD_RESTORE);
}

static void test_no_actions(void)
{
	struct npd_episode ep = { 0 };
	struct npd_decision d;

	npd_rules_eval(1.5, 0, &low_ratio, &ep, &d);
	EXPECT_INT(d.verdict, NPD_REACT);
	EXPECT(d.started);
	EXPECT_INT(d.count, 0);
	npd_rules_eval(1.5, 0, &low_ratio, &ep, &d);
	EXPECT_INT(d.verdict, NPD_HOLD);
	npd_rules_eval(1.5, 0, &recovered, &ep, &d);
	EXPECT_INT(d.verdict, NPD_RESTORE);
}

static void test_reason(void)
{
	char buf[128];

	EXPECT_INT(npd_rules_reason(1.5, &low_ratio, buf, sizeof(buf)), 0);
	EXPECT_STR(buf, "ratio 1.31 < 1.50, alert high");
	npd_rules_reason(1.5, &recovered, buf, sizeof(buf));
	EXPECT_STR(buf, "ratio 2.10 >= 1.50, alert normal");
	npd_rules_reason(1.5, &empty, buf, sizeof(buf));
	EXPECT_STR(buf, "no data, alert normal");
	EXPECT_INT(npd_rules_reason(1.5, &low_ratio, buf, 8), -ENOSPC);
}

static bool cram_tunable(const char *key, void *arg)
{
	static const char *const keys[] = {
		"high_pct", "low_pct", "evacuate_pct", "evacuate_pages",
		"evacuate_now",
	};
	unsigned int i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcmp(keys[i], key))
			return true;
	return false;
}

static void test_saved(void)
{
	struct npd_saved s = { 0 };
	int i;

	EXPECT(!npd_saved_has(&s, "high_pct"));
	EXPECT_INT(npd_saved_add(&s, "high_pct", 80), 0);
	/* The value before the episode, not a later one. */
	EXPECT_INT(npd_saved_add(&s, "high_pct", 60), 0);
	EXPECT_INT(s.n, 1);
	EXPECT_INT(s.value[0], 80);
	EXPECT(npd_saved_has(&s, "high_pct"));
	for (i = 1; i < NPD_MAX_SAVED; i++) {
		char key[16];

		snprintf(key, sizeof(key), "k%d", i);
		EXPECT_INT(npd_saved_add(&s, key, i), 0);
	}
	EXPECT_INT(npd_saved_add(&s, "one_too_many", 1), -ENOSPC);
}

static void test_restore(void)
{
	static const struct npd_assign sets[] = {
		{ "high_pct=80", 10 },
		{ "closed=1", 11 },	/* a global: not restored */
		{ "evacuate_pct=95", 12 },
	};
	char out[8][NPD_ASSIGN_LEN];
	struct npd_saved s = { 0 };
	int n;

	/* Tightened: high_pct (configured) and low_pct (not). */
	npd_saved_add(&s, "high_pct", 85);
	npd_saved_add(&s, "low_pct", 0);
	n = npd_rules_restore(sets, 3, &s, cram_tunable, NULL, out, 8);
	EXPECT_INT(n, 3);
	if (n == 3) {
		EXPECT_STR(out[0], "high_pct=80");
		EXPECT_STR(out[1], "evacuate_pct=95");
		EXPECT_STR(out[2], "low_pct=0");
	}
	/* After a swap the saved values are dropped. */
	n = npd_rules_restore(sets, 3, NULL, cram_tunable, NULL, out, 8);
	EXPECT_INT(n, 2);
	/* OUT is never overrun. */
	n = npd_rules_restore(sets, 3, &s, cram_tunable, NULL, out, 1);
	EXPECT_INT(n, 1);
	EXPECT_STR(out[0], "high_pct=80");
	/* Nothing configured, nothing saved. */
	n = npd_rules_restore(NULL, 0, NULL, cram_tunable, NULL, out, 8);
	EXPECT_INT(n, 0);
}

int main(void)
{
	RUN(test_no_rules, "rules: without min_ratio nothing happens");
	RUN(test_above_and_no_data,
	    "rules: ratio at or above min_ratio, or no data: idle");
	RUN(test_episode_once,
	    "rules: below min_ratio every action is applied once per episode");
	RUN(test_partial, "rules: a failed action is retried, in order");
	RUN(test_recovery,
	    "rules: recovery needs the ratio back and the alert normal");
	RUN(test_no_actions, "rules: an episode without react actions");
	RUN(test_reason, "rules: the reason logged with each action");
	RUN(test_saved, "rules: values saved before an episode");
	RUN(test_restore, "rules: what an episode's end restores");
	return unit_done("test_rules");
}
