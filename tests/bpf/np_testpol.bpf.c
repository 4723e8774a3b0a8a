// SPDX-License-Identifier: GPL-2.0
/*
 * np_testpol: a policy whose answers the VM tests choose at load time
 * (npctl attach np_testpol --set VAR=VALUE), and which records what the
 * kernel passed to it and what its kfuncs returned.
 *
 * Test-only.  Answers: admit_verdict and migrate_verdict (NP_ALLOW,
 * NP_DENY, or anything else to test the kernel's handling of invalid
 * verdicts); error_after > 0 calls bpf_np_error() from the admit call of
 * that number; request_pages > 0 asks, from the first admit call, for
 * that many pages to be moved off the node (request_what), request_times
 * times in a row (1 if unset, 8 at most); evacuate_to is what
 * evacuate_target answers (NP_NO_NODE: the kernel's choice);
 * write_verdict is write_fault's answer; demote_to is demote_target's
 * (NP_TEST_KEEP, the default: the node itself); budget caps what
 * reclaim_budget grants (default: all it is asked); init_ret is what init
 * returns; init_uaddr and exit_uaddr, when set, make init and exit read a
 * string from that address of the loader's with the sleepable
 * bpf_copy_from_user_str(), so that a page the loader keeps waiting on
 * userfaultfd makes them sleep.  The VM tests' np_policy (tests/vm/lib.sh)
 * sets the answers; np_calls reads the *_calls counters.
 */
#include "np.bpf.h"

char _license[] SEC("license") = "GPL";

const volatile s32 admit_verdict = NP_ALLOW;
const volatile s32 migrate_verdict = NP_ALLOW;
const volatile u32 error_after;
const volatile u64 request_pages;
const volatile u32 request_what;
const volatile u32 request_times;
const volatile s32 evacuate_to = NP_NO_NODE;
const volatile s32 write_verdict = NP_ALLOW;
#define NP_TEST_KEEP	(-2)
const volatile s32 demote_to = NP_TEST_KEEP;
const volatile u64 budget = ~0ULL;
const volatile s32 init_ret;
const volatile u64 init_uaddr, exit_uaddr;

extern int bpf_copy_from_user_str(void *dst, u32 dst__sz,
				  const void *unsafe_ptr__ign,
				  u64 flags) __ksym;
char user_str[16];

u64 admit_calls, migrate_calls, init_calls, exit_calls;
u64 write_calls, demote_calls, budget_calls;
/* evacuate_target: calls, and the pages it was asked about in all. */
u64 evacuate_calls, evacuate_pages;
/* Calls whose nid was not the node the policy is attached to. */
u64 wrong_nid;
s32 attached_nid = -1;
/* What the kfuncs returned on the last admit call. */
s64 free_pages, used_pages, managed_pages;
s64 logical_bytes, physical_bytes, capacity_bytes;
u64 cgroup_id;
s32 request_ret = 1, error_ret = 1;
/* Of the requests of the first admit call: accepted, refused with EBUSY. */
u32 request_ok, request_busy;
struct np_user_exit_info uei;

static void check_nid(int nid)
{
	if (nid != attached_nid)
		__sync_fetch_and_add(&wrong_nid, 1);
}

int NP_CALLBACK(testpol_admit, int nid, gfp_t gfp, unsigned int order)
{
	u64 n = __sync_fetch_and_add(&admit_calls, 1) + 1;

	check_nid(nid);
	free_pages = bpf_np_node_stat(nid, NP_NODE_FREE_PAGES);
	used_pages = bpf_np_node_stat(nid, NP_NODE_USED_PAGES);
	managed_pages = bpf_np_node_stat(nid, NP_NODE_MANAGED_PAGES);
	logical_bytes = bpf_np_device_counter(nid, NP_DEV_LOGICAL_BYTES);
	physical_bytes = bpf_np_device_counter(nid, NP_DEV_PHYSICAL_BYTES);
	capacity_bytes = bpf_np_device_counter(nid, NP_DEV_PHYSICAL_CAPACITY);
	cgroup_id = bpf_get_current_cgroup_id();
	if (request_pages && n == 1) {
		u32 i, times = request_times ? request_times : 1;

		for (i = 0; i < times && i < 8; i++) {
			request_ret = bpf_np_request(nid, request_what,
						     request_pages);
			if (!request_ret)
				request_ok++;
			else if (request_ret == -EBUSY)
				request_busy++;
		}
	}
	if (error_after && n == error_after)
		error_ret = bpf_np_error(nid, 4242, "np_testpol: error_after reached");
	return admit_verdict;
}

int NP_CALLBACK(testpol_migrate, int nid, int src_nid, int dst_nid,
		int reason)
{
	__sync_fetch_and_add(&migrate_calls, 1);
	check_nid(nid);
	return migrate_verdict;
}

int NP_CALLBACK(testpol_evacuate_target, int nid, unsigned long nr_pages)
{
	__sync_fetch_and_add(&evacuate_calls, 1);
	__sync_fetch_and_add(&evacuate_pages, nr_pages);
	check_nid(nid);
	return evacuate_to;
}

int NP_CALLBACK(testpol_write_fault, int nid)
{
	__sync_fetch_and_add(&write_calls, 1);
	check_nid(nid);
	return write_verdict;
}

int NP_CALLBACK(testpol_demote_target, int nid, int src_nid)
{
	__sync_fetch_and_add(&demote_calls, 1);
	check_nid(nid);
	return demote_to == NP_TEST_KEEP ? nid : demote_to;
}

unsigned long NP_CALLBACK(testpol_reclaim_budget, int nid, unsigned long nr)
{
	__sync_fetch_and_add(&budget_calls, 1);
	check_nid(nid);
	return nr < budget ? nr : budget;
}

int NP_CALLBACK_SLEEPABLE(testpol_init, int nid)
{
	__sync_fetch_and_add(&init_calls, 1);
	attached_nid = nid;
	if (init_uaddr)
		bpf_copy_from_user_str(user_str, sizeof(user_str),
				       (const void *)init_uaddr, 0);
	return init_ret;
}

void NP_CALLBACK_SLEEPABLE(testpol_exit, int nid,
			   const struct np_exit_info *info)
{
	__sync_fetch_and_add(&exit_calls, 1);
	check_nid(nid);
	if (exit_uaddr)
		bpf_copy_from_user_str(user_str, sizeof(user_str),
				       (const void *)exit_uaddr, 0);
	NP_RECORD_EXIT(uei, info);
}

NP_POLICY(testpol_ops,
	  .admit	= (void *)testpol_admit,
	  .migrate	= (void *)testpol_migrate,
	  .evacuate_target = (void *)testpol_evacuate_target,
	  .demote_target = (void *)testpol_demote_target,
	  .reclaim_budget = (void *)testpol_reclaim_budget,
	  .write_fault	= (void *)testpol_write_fault,
	  .init		= (void *)testpol_init,
	  .exit		= (void *)testpol_exit,
	  .flags	= NP_OPS_MIGRATION | NP_OPS_MEMPOLICY,
	  .name		= "np_testpol");
