// SPDX-License-Identifier: GPL-2.0
/*
 * cram: compressed memory that cannot overflow.
 *
 * What it is for: a compressed CXL device ("CRAM") advertises more memory
 * than it has.  Data reaches it by demotion or migration only, read-only,
 * so its compressed size is charged when it arrives; if the data
 * compresses badly the device runs out of physical memory and real
 * hardware answers with poison.  This policy watches the device's
 * physical use on every decision, through bpf_np_device_counter(), and
 *
 *  - admits demotions, migrations and allocations while physical use is
 *    below high_pct of the physical capacity;
 *  - closes admission when it reaches high_pct, in the kernel, with no
 *    round trip to user space, and reopens it below low_pct;
 *  - above evacuate_pct asks the kernel, at most every 10 ms, to evacuate
 *    evacuate_pages of the folios that compress worst;
 *  - evacuates evacuate_now pages when user space (npd, npctl tune) asks.
 *
 * A folio is admitted on the use measured before it is charged, so at
 * most one folio per CPU lands past high_pct.  The thresholds live in the
 * "tunables" map (struct np_cram_tunables), a zero meaning the default:
 *
 *	npctl attach cram --node N [--set high_pct=80 --set low_pct=60]
 *	npctl tune --node N high_pct=70
 */
#include "np.bpf.h"
#include "np_cram.h"

char _license[] SEC("license") = "GPL";

/* Mmapable: libnp writes each member on its own (np_common.h). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct np_cram_tunables);
} tunables SEC(".maps");

/* Admission is closed from high_pct until use falls below low_pct. */
bool closed;

/* What the policy did, for npctl and the tests. */
u64 admitted;
u64 denied;
u64 closings;
u64 reopenings;
u64 evacuations;
u64 evacuated_requested;
u64 requests_passed;		/* pages of evacuate_now the kernel accepted */
u64 requests_busy;		/* parts of evacuate_now refused for now */
u64 requests_failed;		/* pages of evacuate_now refused for good */
u64 last_request_ns;
struct np_user_exit_info uei;

#define REQUEST_INTERVAL_NS	(10 * 1000 * 1000ULL)

static u32 or_default(u32 val, u32 def)
{
	return val ? val : def;
}

/*
 * Physical use of @nid's device in hundredths of a percent of its
 * capacity (10000 and up when full), or -1 if the device does not report
 * it.  No overflow: past 10000 the exact value does not matter.
 */
static s64 use_bp(int nid)
{
	s64 phys = bpf_np_device_counter(nid, NP_DEV_PHYSICAL_BYTES);
	s64 cap = bpf_np_device_counter(nid, NP_DEV_PHYSICAL_CAPACITY);

	if (phys < 0 || cap <= 0)
		return -1;
	if (phys >= cap)
		return 10000;
	/* phys < cap < 2^63: scale both down until phys * 10000 fits. */
	while ((u64)phys > ~0ULL / 10000) {
		phys >>= 1;
		cap >>= 1;
	}
	return (u64)phys * 10000 / (u64)cap;
}

static int request(int nid, u64 pages)
{
	int ret = bpf_np_request(nid, NP_REQ_EVACUATE_COSTLY, pages);

	if (ret)
		return ret;
	__sync_fetch_and_add(&evacuations, 1);
	__sync_fetch_and_add(&evacuated_requested, pages);
	return 0;
}

/* Decide admission on the current use; ask for evacuation if needed. */
static bool may_admit(int nid)
{
	struct np_cram_tunables *t;
	u32 key = 0, high, low, evac;
	u64 now;
	s64 use = use_bp(nid);

	t = bpf_map_lookup_elem(&tunables, &key);
	if (!t)
		return false;
	/* Without counters nothing can be checked: admit nothing. */
	if (use < 0)
		return false;
	/*
	 * libnp refuses thresholds that break the rules of np_cram.h, but a
	 * write through bpftool does not: what breaks them counts as unset.
	 */
	high = or_default(t->high_pct, NP_CRAM_HIGH_PCT);
	low = or_default(t->low_pct, NP_CRAM_LOW_PCT);
	evac = or_default(t->evacuate_pct, NP_CRAM_EVACUATE_PCT);
	if (high > 100 || low >= high) {
		high = NP_CRAM_HIGH_PCT;
		low = NP_CRAM_LOW_PCT;
	}
	if (evac > 100)
		evac = NP_CRAM_EVACUATE_PCT;
	high *= 100;
	low *= 100;
	evac *= 100;

	/*
	 * Taken whole, so that a request written meanwhile waits for the
	 * next decision.  The kernel holds at most NP_REQUEST_MAX_PAGES until
	 * its work item takes them, and refuses whole (-EBUSY) a request
	 * that does not fit: that part goes back into evacuate_now, for a
	 * later decision to pass on, with the rest.  Any other refusal
	 * would come again: the part is dropped, and counted.
	 */
	now = __atomic_exchange_n(&t->evacuate_now, 0, __ATOMIC_SEQ_CST);
	if (now) {
		u64 part = now < NP_REQUEST_MAX_PAGES ? now :
			   NP_REQUEST_MAX_PAGES;
		u64 back = now - part;
		int ret = request(nid, part);

		if (ret == -EBUSY) {
			__sync_fetch_and_add(&requests_busy, 1);
			back = now;
		} else if (ret) {
			__sync_fetch_and_add(&requests_failed, part);
		} else {
			__sync_fetch_and_add(&requests_passed, part);
		}
		if (back)
			__sync_fetch_and_add(&t->evacuate_now, back);
	}
	if (use >= evac) {
		u64 ns = bpf_ktime_get_ns();

		if (ns - last_request_ns >= REQUEST_INTERVAL_NS) {
			last_request_ns = ns;
			request(nid, or_default(t->evacuate_pages,
						NP_CRAM_EVACUATE_PAGES));
		}
	}

	if (closed) {
		if (use >= low)
			return false;
		closed = false;
		__sync_fetch_and_add(&reopenings, 1);
	}
	if (use >= high) {
		closed = true;
		__sync_fetch_and_add(&closings, 1);
		return false;
	}
	return true;
}

static int verdict(bool allow)
{
	__sync_fetch_and_add(allow ? &admitted : &denied, 1);
	return allow ? NP_ALLOW : NP_DENY;
}

/* GFP_PRIVATE allocations by kernel users of the node. */
int NP_CALLBACK(cram_admit, int nid, gfp_t gfp, unsigned int order)
{
	return verdict(may_admit(nid));
}

/* Out always: evacuation, promotion on write, offlining. */
int NP_CALLBACK(cram_migrate, int nid, int src_nid, int dst_nid, int reason)
{
	if (src_nid == nid)
		return NP_ALLOW;
	return verdict(may_admit(nid));
}

/* Closed: reclaim looks for another target instead of failing here. */
int NP_CALLBACK(cram_demote_target, int nid, int src_nid)
{
	return may_admit(nid) ? nid : NP_NO_NODE;
}

/* Compressed data is never written in place. */
int NP_CALLBACK(cram_write_fault, int nid)
{
	return NP_DENY;
}

void NP_CALLBACK_SLEEPABLE(cram_exit, int nid, const struct np_exit_info *info)
{
	NP_RECORD_EXIT(uei, info);
}

NP_POLICY(cram_ops,
	  .admit		= (void *)cram_admit,
	  .migrate		= (void *)cram_migrate,
	  .demote_target	= (void *)cram_demote_target,
	  .write_fault		= (void *)cram_write_fault,
	  .exit			= (void *)cram_exit,
	  .flags		= NP_OPS_MIGRATION | NP_OPS_DEMOTION |
				  NP_OPS_PROTECT_WRITE | NP_OPS_RECLAIM,
	  .name			= "cram");
