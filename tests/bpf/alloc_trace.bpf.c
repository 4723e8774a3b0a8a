// SPDX-License-Identifier: GPL-2.0
/*
 * alloc_trace: count page allocations that land in one physical range.
 *
 * Test-only.  The VM tests point it at the private node's range while a
 * workload runs and assert that nothing lands there by fallback, and that
 * whatever does land there was asked for with __GFP_PRIVATE.  It uses the
 * kmem:mm_page_alloc tracepoint, which fires for every successful
 * allocation from the buddy allocator, after the zone was chosen.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

/* __GFP_PRIVATE is bit 9 (kernel-patch/0002); __GFP_MOVABLE is bit 3. */
#define NP_GFP_PRIVATE	0x200UL
#define NP_GFP_MOVABLE	0x08UL

const volatile __u64 start_pfn;
const volatile __u64 end_pfn;

__u64 total_pages;	/* pages allocated anywhere */
__u64 private_pages;	/* pages allocated in [start_pfn, end_pfn) */
__u64 unflagged_pages;	/* of those, allocated without __GFP_PRIVATE */
__u64 unmovable_pages;	/* of those, allocated without __GFP_MOVABLE */

SEC("tracepoint/kmem/mm_page_alloc")
int count_alloc(struct trace_event_raw_mm_page_alloc *ctx)
{
	__u64 pfn = ctx->pfn, nr = 1ULL << ctx->order;
	__u64 gfp = ctx->gfp_flags;

	/* Keep clang from re-deriving ctx + offset: the verifier refuses it. */
	barrier_var(gfp);

	__sync_fetch_and_add(&total_pages, nr);
	if (pfn < start_pfn || pfn >= end_pfn)
		return 0;
	__sync_fetch_and_add(&private_pages, nr);
	if (!(gfp & NP_GFP_PRIVATE))
		__sync_fetch_and_add(&unflagged_pages, nr);
	if (!(gfp & NP_GFP_MOVABLE))
		__sync_fetch_and_add(&unmovable_pages, nr);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
