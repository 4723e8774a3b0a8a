// SPDX-License-Identifier: GPL-2.0
/*
 * npswap: replace the BPF policy of a private node many times, and time it.
 *
 *   npswap [-i USEC] NODE COUNT update|reattach POLICY [VAR=VALUE...]
 *   npswap -x OTHER NODE POLICY
 *
 * Loads POLICY twice, as "swap_a" and "swap_b", attaches swap_a to NODE
 * and then replaces the policy COUNT times, alternating the two:
 *   update    through the link (bpf_link_update, the atomic path);
 *   reattach  detaching the link and attaching the other one.
 * With -i, it sleeps USEC microseconds between two swaps, so that the
 * swaps spread over a workload; ns_per_swap counts only the swaps.
 * Prints
 *   swaps=N ns_per_swap=NS builtin_decisions=D admitted=A errors=E
 * where D and A are how much nodeN/private/stat's builtin_decisions and
 * admitted grew while swapping: decisions taken by the built-in policy
 * because no policy was attached, and allocations admitted in all.  The
 * policy is detached at the end.
 *
 * With -x, it loads POLICY for node OTHER and asks the kernel to put it
 * on NODE's pinned link (npctl attach's) with bpf_link_update: the
 * kernel's own check must refuse it.  Prints "update=ERRNO" and exits 1
 * if it was refused, 0 if not; NODE's policy is left as it was.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "libnp.h"

static long long stat_item(int nid, const char *item)
{
	char buf[4096], *p;
	size_t l = strlen(item);

	if (np_node_read(nid, "stat", buf, sizeof(buf)))
		return -1;
	for (p = buf; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, item, l) && p[l] == ' ')
			return atoll(p + l + 1);
	return -1;
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cross_node(int other, int nid, const char *policy)
{
	struct np_policy *pol = NULL;
	struct bpf_link *link;
	int ret;

	link = np_link_open(nid);
	if (!link)
		return 2;
	ret = np_policy_prepare(policy, other, "swap_x", NULL, NULL, 0, &pol);
	if (!ret)
		ret = np_policy_swap(pol, link);
	printf("update=%d\n", ret);
	/* Only the descriptor: the pin keeps the link and its policy. */
	bpf_link__destroy(link);
	np_policy_close(pol);
	return ret ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct np_policy *pol[2] = { NULL, NULL };
	struct bpf_link *link = NULL;
	long long t0, b0, b1, a0, a1, spent = 0;
	int nid, count, i, errors = 0, ret = 1, interval = 0;
	bool update;

	if (argc == 5 && !strcmp(argv[1], "-x"))
		return cross_node(atoi(argv[2]), atoi(argv[3]), argv[4]);
	if (argc > 2 && !strcmp(argv[1], "-i")) {
		interval = atoi(argv[2]);
		argc -= 2;
		argv += 2;
	}
	if (argc < 5 || (strcmp(argv[3], "update") &&
			 strcmp(argv[3], "reattach"))) {
		fprintf(stderr,
			"usage: npswap [-i USEC] NODE COUNT update|reattach POLICY [VAR=VALUE...]\n");
		return 2;
	}
	nid = atoi(argv[1]);
	count = atoi(argv[2]);
	update = !strcmp(argv[3], "update");
	if (np_policy_prepare(argv[4], nid, "swap_a", NULL,
			      (const char *const *)argv + 5, argc - 5, &pol[0]) ||
	    np_policy_prepare(argv[4], nid, "swap_b", NULL,
			      (const char *const *)argv + 5, argc - 5, &pol[1]))
		goto out;
	if (np_policy_attach(pol[0], false, &link))
		goto out;

	b0 = stat_item(nid, "builtin_decisions");
	a0 = stat_item(nid, "admitted");
	for (i = 1; i <= count; i++) {
		struct np_policy *next = pol[i % 2];

		if (interval && i > 1)
			usleep(interval);
		t0 = now_ns();
		if (update) {
			if (np_policy_swap(next, link))
				errors++;
			spent += now_ns() - t0;
			continue;
		}
		/* Detach synchronously, then attach the other map. */
		if (bpf_link__detach(link))
			errors++;
		bpf_link__destroy(link);
		link = NULL;
		if (np_policy_attach(next, false, &link)) {
			errors++;
			break;
		}
		spent += now_ns() - t0;
	}
	b1 = stat_item(nid, "builtin_decisions");
	a1 = stat_item(nid, "admitted");

	printf("swaps=%d ns_per_swap=%lld builtin_decisions=%lld admitted=%lld errors=%d\n",
	       count, count ? spent / count : 0, b1 - b0, a1 - a0,
	       errors);
	ret = errors ? 1 : 0;
out:
	bpf_link__destroy(link);
	np_policy_close(pol[0]);
	np_policy_close(pol[1]);
	return ret;
}
