// SPDX-License-Identifier: GPL-2.0
/*
 * npd's decisions on CRAM samples.  See npd_rules.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "npd_rules.h"

void npd_rules_eval(double min_ratio, unsigned int nr_actions,
		    const struct npd_sample *s, struct npd_episode *ep,
		    struct npd_decision *d)
{
	bool below = s->have_data && s->ratio < min_ratio;

	memset(d, 0, sizeof(*d));
	d->verdict = NPD_IDLE;
	if (!(min_ratio > 0)) {
		ep->active = false;
		ep->applied = 0;
		return;
	}
	if (below) {
		if (!ep->active) {
			ep->active = true;
			ep->applied = 0;
			d->started = true;
		}
		if (ep->applied < nr_actions) {
			d->verdict = NPD_REACT;
			d->first = ep->applied;
			d->count = nr_actions - ep->applied;
		} else {
			/*
			 * Nothing (left) to apply: a started episode still
			 * reports, so that it is logged.
			 */
			d->verdict = d->started ? NPD_REACT : NPD_HOLD;
			d->first = ep->applied;
		}
		return;
	}
	if (!ep->active)
		return;
	/* The ratio is back; the episode ends once the alert is over too. */
	if (s->alert) {
		d->verdict = NPD_HOLD;
		return;
	}
	ep->active = false;
	ep->applied = 0;
	d->verdict = NPD_RESTORE;
}

void npd_rules_applied(struct npd_episode *ep, unsigned int n)
{
	if (ep->active)
		ep->applied += n;
}

int npd_rules_reason(double min_ratio, const struct npd_sample *s,
		     char *buf, size_t len)
{
	const char *wm = s->alert ? "high" : "normal";
	int n;

	if (!s->have_data)
		n = snprintf(buf, len, "no data, alert %s", wm);
	else
		n = snprintf(buf, len, "ratio %.2f %s %.2f, alert %s",
			     s->ratio, s->ratio < min_ratio ? "<" : ">=",
			     min_ratio, wm);
	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}

bool npd_saved_has(const struct npd_saved *s, const char *key)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->key[i], key))
			return true;
	return false;
}

int npd_saved_add(struct npd_saved *s, const char *key,
		  unsigned long long value)
{
	if (npd_saved_has(s, key))
		return 0;
	if (s->n == NPD_MAX_SAVED || strlen(key) >= NPD_KEY_LEN)
		return -ENOSPC;
	snprintf(s->key[s->n], NPD_KEY_LEN, "%s", key);
	s->value[s->n++] = value;
	return 0;
}

int npd_rules_restore(const struct npd_assign *sets, int nr_sets,
		      const struct npd_saved *saved,
		      bool (*is_tunable)(const char *key, void *arg),
		      void *arg, char (*out)[NPD_ASSIGN_LEN], int max)
{
	char key[NPD_KEY_LEN];
	bool named;
	int i, j, n = 0;

	for (i = 0; i < nr_sets && n < max; i++) {
		npd_assign_key(sets[i].text, key, sizeof(key));
		if (!is_tunable(key, arg))
			continue;
		snprintf(out[n++], NPD_ASSIGN_LEN, "%s", sets[i].text);
	}
	for (i = 0; saved && i < saved->n && n < max; i++) {
		named = false;
		for (j = 0; j < nr_sets && !named; j++)
			named = !strcmp(npd_assign_key(sets[j].text, key,
						       sizeof(key)),
					saved->key[i]);
		if (named)
			continue;
		snprintf(out[n++], NPD_ASSIGN_LEN, "%s=%llu", saved->key[i],
			 saved->value[i]);
	}
	return n;
}
