/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cram policy (bpf/cram.bpf.c) and the tools that tune it share this
 * layout.  A policy keeps its run-time tunables in a one-entry array map
 * named "tunables"; npctl and npd find the fields by name through BTF, so
 * only the cram policy and npd's reactions need this header.
 */
#ifndef NP_CRAM_H
#define NP_CRAM_H

#ifndef __bpf__
#include <linux/types.h>
#endif
#include "np_common.h"

#define NP_CRAM_HIGH_PCT	80
#define NP_CRAM_LOW_PCT		60
#define NP_CRAM_EVACUATE_PCT	90
#define NP_CRAM_EVACUATE_PAGES	256

/*
 * Thresholds in percent of the device's physical capacity, 0 meaning the
 * default.  Admission closes when physical use reaches high_pct and
 * reopens below low_pct; above evacuate_pct the policy asks for
 * evacuate_pages of the folios that compress worst to be moved off.
 * evacuate_now is a request (see NP_TUNABLE_REQUEST): each write adds
 * pages, the policy passes them on to the kernel on its next decisions,
 * 1 GiB worth at a time when the kernel has room for them.  libnp refuses
 * what breaks the rules; the policy ignores it (uses the defaults).
 */
struct np_cram_tunables {
	__u32 high_pct NP_TUNABLE_MAX(100) NP_TUNABLE_DEFAULT(NP_CRAM_HIGH_PCT);
	__u32 low_pct NP_TUNABLE_DEFAULT(NP_CRAM_LOW_PCT)
		NP_TUNABLE_BELOW(high_pct);
	__u32 evacuate_pct NP_TUNABLE_MAX(100)
		NP_TUNABLE_DEFAULT(NP_CRAM_EVACUATE_PCT);
	__u32 evacuate_pages NP_TUNABLE_DEFAULT(NP_CRAM_EVACUATE_PAGES);
	__u64 evacuate_now NP_TUNABLE_REQUEST;
};

#endif /* NP_CRAM_H */
