// SPDX-License-Identifier: GPL-2.0
/*
 * npops: single memory operations on a private node, for the VM tests of
 * node policies.  Each prints what happened as KEY=VALUE lines for the
 * calling script to judge against the policy it set; the script knows
 * whether an operation should work.
 *
 *   npops fault NODE bind|preferred MB
 *	mbind a fresh range to NODE and touch it.
 *	mbind=ERR sigbus=0|1 on_node=PAGES pages=PAGES ns=NS (the touch's time)
 *   npops pages NODE PAGES
 *	the same for PAGES base pages under MPOL_BIND: as many admission
 *	decisions (the bench that traces decisions one by one).
 *   npops move NODE MB
 *	touch a range on this CPU's node, then move_pages(2) it to NODE.
 *	ret=RET on_node=PAGES pages=PAGES
 *   npops migrate NODE MB
 *	touch a range on this CPU's node, then migrate_pages(2) the whole
 *	process from the ordinary nodes to NODE.
 *	ret=RET on_node=PAGES pages=PAGES
 *   npops mbindmove NODE MB
 *	touch a range on this CPU's node, then mbind(MPOL_MF_MOVE) it to
 *	NODE.  mbind=ERR on_node=PAGES pages=PAGES
 *   npops hold NODE MB [TARGET]
 *	fill a range bound to NODE with a pattern, print "ready" and wait
 *	for a line on stdin; then, with TARGET, move_pages(2) it there.
 *	Checks the pattern.  ret=RET on_node=PAGES on_target=PAGES intact=0|1
 *   npops forkhold NODE MB TARGET
 *	fill a range bound to NODE and fork a child that shares it; print
 *	"ready on_node=PAGES child=PID" and wait for a line on stdin; then
 *	end the child and move_pages(2) the range to TARGET.
 *	ret=RET on_node=PAGES on_target=PAGES intact=0|1
 *   npops frag NODE MB
 *	fill a range bound to NODE, free every other page of it, print
 *	"ready on_node=PAGES addr=ADDR len=BYTES" and wait for a line on
 *	stdin.
 *   npops wprotect NODE MB TARGET
 *	fill a range bound to NODE, print "ready" and wait for a line on
 *	stdin (meanwhile the caller pushes the range down to TARGET); then
 *	read every page, write every page, and check the contents.
 *	before=PAGES read=PAGES written=PAGES intact=0|1 (on TARGET after
 *	each step)
 *   npops numab NODE MB SECONDS
 *	move a range from this CPU's node to NODE, then keep touching it
 *	for SECONDS.  start=PAGES end=PAGES (on NODE)
 *   npops pin NODE MB
 *	fill a range bound to NODE, then pin it long-term by registering it
 *	as an io_uring buffer.  pin=ERR before=PAGES after=PAGES (on NODE)
 *   npops pageout NODE FILE
 *	map FILE and read it (its page cache goes where the task's policy
 *	says; run under numactl --membind=NODE), then MADV_PAGEOUT it.
 *	on_node=PAGES resident=PAGES after=PAGES resident_after=PAGES
 *	(pages on NODE, and resident, before and after)
 *   npops collapse NODE MB
 *	fault MB (a multiple of 2) of anonymous memory on this CPU's node in
 *	base pages, move_pages(2) the last 212 pages of each 2 MB to NODE,
 *	then MADV_COLLAPSE it all.  collapse=ERR before=PAGES after=PAGES
 *	(on NODE)
 *   npops pinwrite NODE MB TARGET
 *	fill a range bound to NODE; print "ready" and wait for a line
 *	(meanwhile the caller pushes it down to TARGET); print
 *	"demoted=PAGES" and wait; pin it long-term read-only through
 *	debugfs gup_test, print "pinned=PAGES" and wait; then write to
 *	every page and read them back through the pins.
 *	pin=ERR demoted=PAGES pinned=PAGES written=PAGES stale=PAGES
 *	(stale: pages whose pin does not see the task's write)
 *
 * ERR is 0 or an errno name.  Exit status 0 when the operation could be
 * attempted, 1 on setup failures, 2 on usage errors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/io_uring.h>
#include <numaif.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nplib.h"

static sigjmp_buf bus_env;

static void on_sigbus(int sig)
{
	siglongjmp(bus_env, 1);
}

static const char *err_name(long r)
{
	return r < 0 ? strerrorname_np(errno) : "0";
}

/* Pages of [p, p + len) on @node. */
static long on_node(char *p, size_t len, int node)
{
	long counts[MAX_NODES];

	where(p, len, counts);
	return counts[node];
}

/* Touch [p, p + len) unless that raises SIGBUS; return whether it did. */
static bool touch_or_sigbus(char *p, size_t len)
{
	struct sigaction sa = { .sa_handler = on_sigbus };
	bool bus = false;

	sigaction(SIGBUS, &sa, NULL);
	if (sigsetjmp(bus_env, 1))
		bus = true;
	else
		touch(p, len, 3);
	signal(SIGBUS, SIG_DFL);
	return bus;
}

static int cmd_fault(int node, const char *mode, size_t len)
{
	unsigned long mask = mask_of(node, -1);
	char *p = map_anon(len);
	struct timespec t0, t1;
	long r, ns = 0;
	bool bus = false;

	if (!p)
		return 1;
	r = mbind(p, len, strcmp(mode, "bind") ? MPOL_PREFERRED : MPOL_BIND,
		  &mask, MAX_NODES, 0);
	if (!r) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		bus = touch_or_sigbus(p, len);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		ns = (t1.tv_sec - t0.tv_sec) * 1000000000L +
		     (t1.tv_nsec - t0.tv_nsec);
	}
	printf("mbind=%s sigbus=%d on_node=%ld pages=%zu ns=%ld\n",
	       err_name(r), bus, r ? 0 : on_node(p, len, node),
	       len / page_size, ns);
	return 0;
}

/* A range whose pages are on the node of this CPU, or NULL. */
static char *local_range(size_t len)
{
	char *p = map_anon(len);

	if (p)
		touch(p, len, 4);
	return p;
}

/* move_pages(2) all of [p, p + len) to @node: its result, or -errno. */
static long move_range(char *p, size_t len, int node)
{
	unsigned long i, n = len / page_size;
	void **pages = calloc(n, sizeof(*pages));
	int *nodes = calloc(n, sizeof(*nodes));
	int *status = calloc(n, sizeof(*status));
	long r = -ENOMEM;

	if (pages && nodes && status) {
		for (i = 0; i < n; i++) {
			pages[i] = p + i * page_size;
			nodes[i] = node;
		}
		r = move_pages(0, n, pages, nodes, status, MPOL_MF_MOVE);
		if (r < 0)
			r = -errno;
	}
	free(pages);
	free(nodes);
	free(status);
	return r;
}

static int cmd_move(int node, size_t len)
{
	char *p = local_range(len);
	long r;

	if (!p)
		return 1;
	r = move_range(p, len, node);
	printf("ret=%ld on_node=%ld pages=%lu\n", r, on_node(p, len, node),
	       len / page_size);
	return 0;
}

static int cmd_migrate(int node, size_t len)
{
	unsigned long to = mask_of(node, -1), from = 0;
	char *p = local_range(len);
	long counts[MAX_NODES], r;

	if (!p)
		return 1;
	where(p, len, counts);
	for (int i = 0; i < MAX_NODES; i++)
		if (counts[i])
			from |= 1UL << i;
	r = syscall(SYS_migrate_pages, 0, MAX_NODES, &from, &to);
	printf("ret=%ld on_node=%ld pages=%zu\n", r < 0 ? -errno : r,
	       on_node(p, len, node), len / page_size);
	return 0;
}

static int cmd_mbindmove(int node, size_t len)
{
	unsigned long mask = mask_of(node, -1);
	char *p = local_range(len);
	long r;

	if (!p)
		return 1;
	r = mbind(p, len, MPOL_BIND, &mask, MAX_NODES, MPOL_MF_MOVE);
	printf("mbind=%s on_node=%ld pages=%zu\n", err_name(r),
	       on_node(p, len, node), len / page_size);
	return 0;
}

/* mbind [p, p + len) to @node and fill it with a pattern. */
static int fill_on(char *p, size_t len, int node)
{
	unsigned long mask = mask_of(node, -1);

	if (mbind(p, len, MPOL_BIND, &mask, MAX_NODES, 0)) {
		perror("mbind");
		return -1;
	}
	for (size_t off = 0; off < len; off++)
		p[off] = (char)(off * 7 + off / page_size);
	return 0;
}

static int cmd_hold(int node, size_t len, int target)
{
	char line[64], *p = map_anon(len);
	long r = 0, wrong = 0;

	if (!p || fill_on(p, len, node))
		return 1;
	printf("ready on_node=%ld addr=%p len=%zu\n", on_node(p, len, node),
	       (void *)p, len);
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return 1;
	if (target >= 0)
		r = move_range(p, len, target);
	for (size_t off = 0; off < len; off++)
		if (p[off] != (char)(off * 7 + off / page_size))
			wrong++;
	printf("ret=%ld on_node=%ld on_target=%ld intact=%d\n", r,
	       on_node(p, len, node),
	       target >= 0 ? on_node(p, len, target) : 0, wrong == 0);
	return 0;
}

static int cmd_forkhold(int node, size_t len, int target)
{
	char line[64], *p = map_anon(len);
	long r, wrong = 0;
	pid_t child;

	if (!p || fill_on(p, len, node))
		return 1;
	child = fork();
	if (child < 0) {
		perror("fork");
		return 1;
	}
	if (!child) {
		/* Keep the shared mapping until the parent ends us. */
		for (;;)
			pause();
	}
	printf("ready on_node=%ld child=%d\n", on_node(p, len, node), child);
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return 1;
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	r = move_range(p, len, target);
	for (size_t off = 0; off < len; off++)
		if (p[off] != (char)(off * 7 + off / page_size))
			wrong++;
	printf("ret=%ld on_node=%ld on_target=%ld intact=%d\n", r,
	       on_node(p, len, node), on_node(p, len, target), wrong == 0);
	return 0;
}

static int cmd_frag(int node, size_t len)
{
	char line[64], *p = map_anon(len);

	if (!p || fill_on(p, len, node))
		return 1;
	/* Holes everywhere: compaction has pages to move. */
	for (size_t off = 0; off < len; off += 2 * page_size)
		madvise(p + off, page_size, MADV_DONTNEED);
	printf("ready on_node=%ld addr=%p len=%zu\n", on_node(p, len, node),
	       (void *)p, len);
	fflush(stdout);
	return fgets(line, sizeof(line), stdin) ? 0 : 1;
}

static int cmd_wprotect(int node, size_t len, int target)
{
	char line[64], *p = map_anon(len);
	long before, read, wrong = 0;
	unsigned long sum = 0;

	if (!p || fill_on(p, len, node))
		return 1;
	printf("ready\n");
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return 1;
	before = on_node(p, len, target);
	for (size_t off = 0; off < len; off += page_size)
		sum += ((volatile char *)p)[off];
	read = on_node(p, len, target);
	/* Flip the first byte of each page, then check every byte. */
	for (size_t off = 0; off < len; off += page_size)
		p[off] = (char)~p[off];
	for (size_t off = 0; off < len; off++) {
		char want = (char)(off * 7 + off / page_size);

		if (off % page_size == 0)
			want = (char)~want;
		if (p[off] != want)
			wrong++;
	}
	printf("before=%ld read=%ld written=%ld intact=%d sum=%lu\n", before,
	       read, on_node(p, len, target), wrong == 0, sum);
	return 0;
}

static int cmd_numab(int node, size_t len, int seconds)
{
	char *p = local_range(len);
	time_t end;
	long start, r;

	if (!p)
		return 1;
	r = move_range(p, len, node);
	if (r < 0) {
		fprintf(stderr, "move_pages: %s\n", strerror(-r));
		return 1;
	}
	start = on_node(p, len, node);
	end = time(NULL) + seconds;
	while (time(NULL) < end)
		for (size_t off = 0; off < len; off += page_size)
			p[off]++;
	printf("start=%ld end=%ld pages=%zu\n", start, on_node(p, len, node),
	       len / page_size);
	return 0;
}

static int cmd_pin(int node, size_t len)
{
	struct io_uring_params params = { 0 };
	struct iovec iov;
	char *p = map_anon(len);
	long before, r;
	int ring;

	if (!p || fill_on(p, len, node))
		return 1;
	before = on_node(p, len, node);
	ring = syscall(SYS_io_uring_setup, 4, &params);
	if (ring < 0) {
		perror("io_uring_setup");
		return 1;
	}
	iov.iov_base = p;
	iov.iov_len = len;
	/* Registered buffers are pinned with FOLL_LONGTERM. */
	r = syscall(SYS_io_uring_register, ring, IORING_REGISTER_BUFFERS, &iov,
		    1);
	printf("pin=%s before=%ld after=%ld pages=%zu\n", err_name(r), before,
	       on_node(p, len, node), len / page_size);
	close(ring);
	return 0;
}

/* Resident pages of [p, p + len), by mincore(2). */
static long resident(char *p, size_t len)
{
	size_t n = len / page_size;
	unsigned char *vec = malloc(n);
	long count = 0;

	if (!vec || mincore(p, len, vec))
		return -1;
	for (size_t i = 0; i < n; i++)
		count += vec[i] & 1;
	free(vec);
	return count;
}

static int cmd_pageout(int node, const char *path)
{
	long before, res_before, after, res_after;
	unsigned long sum = 0;
	size_t len;
	char *p;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0) {
		perror(path);
		return 1;
	}
	len = lseek(fd, 0, SEEK_END) & ~(page_size - 1);
	p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	if (!len || p == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	for (size_t off = 0; off < len; off += page_size)
		sum += ((volatile char *)p)[off];
	before = on_node(p, len, node);
	res_before = resident(p, len);
	if (madvise(p, len, MADV_PAGEOUT)) {
		perror("MADV_PAGEOUT");
		return 1;
	}
	after = on_node(p, len, node);
	res_after = resident(p, len);
	printf("on_node=%ld resident=%ld after=%ld resident_after=%ld sum=%lu\n",
	       before, res_before, after, res_after, sum);
	return 0;
}

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE	25	/* Linux 6.1, not in glibc 2.36's headers */
#endif
#define HPAGE		(2UL << 20)
#define ON_NODE_PER_HPAGE	212

static int cmd_collapse(int node, size_t len)
{
	char *raw, *p;
	long before, r;

	len = len / HPAGE * HPAGE;
	raw = mmap(NULL, len + HPAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!len || raw == MAP_FAILED)
		return 1;
	p = (char *)(((unsigned long)raw + HPAGE - 1) & ~(HPAGE - 1));
	/* Base pages first; then the range may be collapsed. */
	madvise(p, len, MADV_NOHUGEPAGE);
	touch(p, len, 5);
	for (size_t h = 0; h < len; h += HPAGE) {
		size_t off = HPAGE - ON_NODE_PER_HPAGE * page_size;

		r = move_range(p + h + off, ON_NODE_PER_HPAGE * page_size,
			       node);
		if (r < 0) {
			fprintf(stderr, "move_pages: %s\n", strerror(-r));
			return 1;
		}
	}
	before = on_node(p, len, node);
	madvise(p, len, MADV_HUGEPAGE);
	r = madvise(p, len, MADV_COLLAPSE);
	printf("collapse=%s before=%ld after=%ld\n", err_name(r), before,
	       on_node(p, len, node));
	return 0;
}

/* The long-term pin test of debugfs gup_test (CONFIG_GUP_TEST). */
struct pin_longterm_test {
	unsigned long long addr;
	unsigned long long size;
	unsigned int flags;
};
#define PIN_LONGTERM_TEST_START	_IOW('g', 7, struct pin_longterm_test)
#define PIN_LONGTERM_TEST_STOP	_IO('g', 8)
#define PIN_LONGTERM_TEST_READ	_IOW('g', 9, unsigned long long)

/* Print @what and wait for the caller's line; false on end of input. */
static bool step(const char *what, long val)
{
	char line[64];

	printf("%s=%ld\n", what, val);
	fflush(stdout);
	return fgets(line, sizeof(line), stdin) != NULL;
}

static int cmd_pinwrite(int node, size_t len, int target)
{
	struct pin_longterm_test pin = { 0 };
	char *p = map_anon(len), *copy = malloc(len);
	unsigned long long where_to;
	long demoted, pinned, stale = 0, r;
	int fd;

	if (!p || !copy || fill_on(p, len, node))
		return 1;
	if (!step("ready", 0))
		return 1;
	demoted = on_node(p, len, target);
	if (!step("demoted", demoted))
		return 1;
	fd = open("/sys/kernel/debug/gup_test", O_RDWR);
	if (fd < 0) {
		perror("gup_test");
		return 1;
	}
	pin.addr = (unsigned long)p;
	pin.size = len;
	pin.flags = 0;		/* read-only, through the slow path */
	r = ioctl(fd, PIN_LONGTERM_TEST_START, &pin);
	pinned = r ? 0 : on_node(p, len, target);
	if (!step("pinned", pinned))
		return 1;
	for (size_t off = 0; off < len; off += page_size)
		p[off] = (char)~p[off];
	where_to = (unsigned long)copy;
	if (!r && ioctl(fd, PIN_LONGTERM_TEST_READ, &where_to)) {
		perror("PIN_LONGTERM_TEST_READ");
		return 1;
	}
	for (size_t off = 0; !r && off < len; off += page_size)
		if (memcmp(p + off, copy + off, page_size))
			stale++;
	printf("pin=%s demoted=%ld pinned=%ld written=%ld stale=%ld\n",
	       err_name(r), demoted, pinned, on_node(p, len, target), stale);
	ioctl(fd, PIN_LONGTERM_TEST_STOP);
	close(fd);
	return 0;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: npops fault NODE bind|preferred MB | pages NODE PAGES\n"
		"             | move NODE MB\n"
		"             | migrate NODE MB | mbindmove NODE MB\n"
		"             | hold NODE MB [TARGET] | numab NODE MB SECONDS\n"
		"             | forkhold NODE MB TARGET\n"
		"             | frag NODE MB | pin NODE MB\n"
		"             | wprotect NODE MB TARGET\n"
		"             | pinwrite NODE MB TARGET | pageout NODE FILE\n"
		"             | collapse NODE MB\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *cmd;
	int node;
	size_t len;

	page_size = sysconf(_SC_PAGESIZE);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 4)
		return usage();
	cmd = argv[1];
	node = atoi(argv[2]);
	if (node < 0 || node >= MAX_NODES)
		return usage();
	if (!strcmp(cmd, "pageout") && argc == 4)
		return cmd_pageout(node, argv[3]);
	if (!strcmp(cmd, "pages") && argc == 4) {
		if (atol(argv[3]) <= 0)
			return usage();
		return cmd_fault(node, "bind", atol(argv[3]) * page_size);
	}
	len = atol(argv[argc == 5 && !strcmp(cmd, "fault") ? 4 : 3]) * MB;
	if (!len)
		return usage();

	if (!strcmp(cmd, "fault") && argc == 5)
		return cmd_fault(node, argv[3], len);
	if (!strcmp(cmd, "move") && argc == 4)
		return cmd_move(node, len);
	if (!strcmp(cmd, "migrate") && argc == 4)
		return cmd_migrate(node, len);
	if (!strcmp(cmd, "mbindmove") && argc == 4)
		return cmd_mbindmove(node, len);
	if (!strcmp(cmd, "hold") && (argc == 4 || argc == 5))
		return cmd_hold(node, len, argc == 5 ? atoi(argv[4]) : -1);
	if (!strcmp(cmd, "forkhold") && argc == 5)
		return cmd_forkhold(node, len, atoi(argv[4]));
	if (!strcmp(cmd, "wprotect") && argc == 5)
		return cmd_wprotect(node, len, atoi(argv[4]));
	if (!strcmp(cmd, "collapse") && argc == 4)
		return cmd_collapse(node, len);
	if (!strcmp(cmd, "pinwrite") && argc == 5)
		return cmd_pinwrite(node, len, atoi(argv[4]));
	if (!strcmp(cmd, "frag") && argc == 4)
		return cmd_frag(node, len);
	if (!strcmp(cmd, "numab") && argc == 5)
		return cmd_numab(node, len, atoi(argv[4]));
	if (!strcmp(cmd, "pin") && argc == 4)
		return cmd_pin(node, len);
	return usage();
}
