// SPDX-License-Identifier: GPL-2.0
/*
 * nptest: memory placement checks for private nodes, run in the test VM.
 *
 *   nptest place NODE MB       mbind a range to NODE, touch it, check with
 *                              move_pages(2) and numa_maps
 *   nptest policy NODE         set_mempolicy, migrate_pages(2),
 *                              move_pages(2) and mbind(MPOL_MF_MOVE)
 *   nptest fill NODE MODE      overfill NODE under MODE (bind|preferred)
 *   nptest badinput NODE       invalid requests fail with the documented
 *                              error and allocate nothing
 *   nptest hold NODE MB        fill a range bound to NODE with a pattern,
 *                              print "ready", wait for a line on stdin,
 *                              then check the pattern and print where the
 *                              pages are ("# after: N0=... N1=...")
 *   nptest boundio NODE DIR N [NOFAIL]
 *                              fill NODE through an mbind() range until
 *                              SIGBUS, bind the task to NODE with
 *                              set_mempolicy(), read DIR/f0..f(N-1);
 *                              every read must succeed with no OOM kill.
 *                              With NOFAIL (the test driver's nofail
 *                              file), __GFP_NOFAIL page cache allocations
 *                              made under that policy must find room.
 *
 * Prints one "ok - ..." or "not ok - ..." line per check and exits 1 if
 * any check failed, 2 on usage errors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <numaif.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nplib.h"

/*
 * Pages numa_maps reports for the VMA at @addr on @node, -1 if there is no
 * such VMA; *total gets the pages it reports on all nodes.
 */
static long numa_maps_pages(void *addr, int node, long *total)
{
	char line[4096], key[16];
	long found = -1;
	FILE *f;

	*total = 0;
	f = fopen("/proc/self/numa_maps", "r");
	if (!f)
		return -1;
	snprintf(key, sizeof(key), "N%d=", node);
	while (fgets(line, sizeof(line), f)) {
		char *tok, *save;

		if (strtoul(line, NULL, 16) != (unsigned long)addr)
			continue;
		found = 0;
		for (tok = strtok_r(line, " \n", &save); tok;
		     tok = strtok_r(NULL, " \n", &save)) {
			if (!strncmp(tok, key, strlen(key)))
				found = atol(tok + strlen(key));
			if (tok[0] == 'N' && strchr(tok, '='))
				*total += atol(strchr(tok, '=') + 1);
		}
		break;
	}
	fclose(f);
	return found;
}

static int cmd_place(int node, long mb)
{
	size_t len = mb * MB;
	unsigned long mask = mask_of(node, -1);
	long counts[MAX_NODES], bad, total, nm, r;
	char *p = map_anon(len);

	if (!p)
		return 1;
	r = mbind(p, len, MPOL_BIND, &mask, MAX_NODES, 0);
	check(r == 0, "mbind(MPOL_BIND, {%d}): %s", node, why(r));
	touch(p, len, 1);
	bad = where(p, len, counts);
	print_where("placed", counts);
	check(bad == 0 && counts[node] == (long)(len / page_size),
	      "move_pages query: all %lu pages on node %d",
	      len / page_size, node);
	nm = numa_maps_pages(p, node, &total);
	check(nm == (long)(len / page_size) && total == nm,
	      "numa_maps: N%d=%ld of %lu pages, %ld on all nodes", node, nm,
	      len / page_size, total);
	munmap(p, len);
	return 0;
}

/* Run @fn in a child under the task policy (@mode, @mask). */
static int in_child(int mode, unsigned long mask, int node, size_t len,
		    void (*fn)(int node, char *p, size_t len))
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		char *p;

		failures = 0;
		if (set_mempolicy(mode, &mask, MAX_NODES)) {
			check(false, "set_mempolicy(%d, %#lx): %s", mode, mask,
			      strerror(errno));
			_exit(1);
		}
		p = map_anon(len);
		if (!p)
			_exit(1);
		touch(p, len, 2);
		fn(node, p, len);
		_exit(failures ? 1 : 0);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void expect_all_on_node(int node, char *p, size_t len)
{
	long counts[MAX_NODES];
	long bad = where(p, len, counts);

	print_where("task policy", counts);
	check(bad == 0 && counts[node] == (long)(len / page_size),
	      "all %lu pages on node %d", len / page_size, node);
}

static void expect_interleaved(int node, char *p, size_t len)
{
	long counts[MAX_NODES], n = len / page_size;
	long bad = where(p, len, counts);

	print_where("interleave", counts);
	check(bad == 0 && counts[0] + counts[node] == n &&
	      counts[node] >= n * 4 / 10 && counts[0] >= n * 4 / 10,
	      "pages interleaved between node 0 and node %d", node);
}

static int cmd_policy(int node)
{
	size_t len = 16 * MB;
	unsigned long nodemask;
	long counts[MAX_NODES], bad, r;
	int rc;
	char *p;

	rc = in_child(MPOL_BIND, mask_of(node, -1), node, len,
		      expect_all_on_node);
	check(rc == 0, "set_mempolicy(MPOL_BIND, {%d})", node);
	rc = in_child(MPOL_PREFERRED, mask_of(node, -1), node, len,
		      expect_all_on_node);
	check(rc == 0, "set_mempolicy(MPOL_PREFERRED, {%d})", node);
	rc = in_child(MPOL_BIND, mask_of(0, node), node, len,
		      expect_all_on_node);
	check(rc == 0,
	      "set_mempolicy(MPOL_BIND, {0,%d}) tries the private node first",
	      node);
	rc = in_child(MPOL_INTERLEAVE, mask_of(0, node), node, len,
		      expect_interleaved);
	check(rc == 0, "set_mempolicy(MPOL_INTERLEAVE, {0,%d})", node);

	/* mbind(MPOL_MF_MOVE) moves pages already placed elsewhere. */
	p = map_anon(len);
	if (!p)
		return 1;
	touch(p, len, 3);
	nodemask = mask_of(node, -1);
	r = mbind(p, len, MPOL_BIND, &nodemask, MAX_NODES,
		  MPOL_MF_MOVE | MPOL_MF_STRICT);
	check(r == 0, "mbind(MPOL_BIND, {%d}, MPOL_MF_MOVE): %s", node,
	      why(r));
	bad = where(p, len, counts);
	print_where("after mbind move", counts);
	check(bad == 0 && counts[node] == (long)(len / page_size),
	      "mbind(MPOL_MF_MOVE) moved every page to node %d", node);

	/* move_pages(2) out of and back into the private node. */
	{
		unsigned long n = len / page_size;
		void **pages = calloc(n, sizeof(*pages));
		int *nodes = calloc(n, sizeof(*nodes));
		int *status = calloc(n, sizeof(*status));

		if (!pages || !nodes || !status)
			return 1;
		for (unsigned long i = 0; i < n; i++) {
			pages[i] = p + i * page_size;
			nodes[i] = 0;
		}
		/* The range is bound to the node; lift that first. */
		mbind(p, len, MPOL_DEFAULT, NULL, 0, 0);
		r = move_pages(0, n, pages, nodes, status, MPOL_MF_MOVE);
		check(r == 0, "move_pages(2) to node 0: %s", why(r));
		bad = where(p, len, counts);
		check(bad == 0 && counts[0] == (long)n,
		      "move_pages(2) moved every page to node 0");
		for (unsigned long i = 0; i < n; i++)
			nodes[i] = node;
		r = move_pages(0, n, pages, nodes, status, MPOL_MF_MOVE);
		check(r == 0, "move_pages(2) to node %d: %s", node, why(r));
		bad = where(p, len, counts);
		print_where("after move_pages", counts);
		check(bad == 0 && counts[node] == (long)n,
		      "move_pages(2) moved every page to node %d", node);

		/* migrate_pages(2) from the private node to node 1. */
		nodemask = mask_of(1, -1);
		{
			unsigned long from = mask_of(node, -1);

			r = migrate_pages(0, MAX_NODES, &from, &nodemask);
			check(r >= 0, "migrate_pages(2) {%d} -> {1}: %s", node,
			      why(r));
		}
		bad = where(p, len, counts);
		check(bad == 0 && counts[1] == (long)n,
		      "migrate_pages(2) moved every page to node 1");
		/* ... and from node 1 to the private node. */
		{
			unsigned long from = mask_of(1, -1);

			nodemask = mask_of(node, -1);
			r = migrate_pages(0, MAX_NODES, &from, &nodemask);
			check(r >= 0, "migrate_pages(2) {1} -> {%d}: %s", node,
			      why(r));
		}
		bad = where(p, len, counts);
		print_where("after migrate_pages", counts);
		check(bad == 0 && counts[node] == (long)n,
		      "migrate_pages(2) moved every page to node %d", node);
		free(pages);
		free(nodes);
		free(status);
	}
	munmap(p, len);
	return 0;
}

/* Node free memory in bytes, from nodeN/meminfo. */
static long node_free(int node)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/meminfo",
		 node);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "MemFree:"))
			sscanf(strstr(line, "MemFree:") + 8, "%ld", &kb);
	fclose(f);
	return kb < 0 ? -1 : kb * 1024;
}

static int cmd_fill(int node, const char *mode)
{
	long free_before = node_free(node);
	size_t len = (free_before / MB + 128) * MB;
	unsigned long mask = mask_of(node, -1);
	bool bind = !strcmp(mode, "bind");
	volatile long *progress;
	struct timespec t0, t1;
	int status;
	double secs;
	pid_t pid;

	if (!bind && strcmp(mode, "preferred")) {
		fprintf(stderr, "nptest: fill mode is bind or preferred\n");
		return 2;
	}
	progress = mmap(NULL, page_size, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (progress == MAP_FAILED)
		return 1;
	*progress = 0;
	printf("# node %d has %ld MB free; touching %zu MB under %s\n", node,
	       free_before / (long)MB, len / MB, mode);
	fflush(stdout);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid == 0) {
		char *p = map_anon(len);
		long counts[MAX_NODES];

		if (!p)
			_exit(10);
		if (mbind(p, len, bind ? MPOL_BIND : MPOL_PREFERRED, &mask,
			  MAX_NODES, 0))
			_exit(11);
		for (size_t off = 0; off < len; off += page_size) {
			p[off] = 1;
			*progress = off / page_size + 1;
		}
		where(p, len, counts);
		print_where("after overfilling", counts);
		/* PREFERRED must have spilled over onto ordinary nodes. */
		_exit(counts[node] > 0 &&
		      counts[node] < (long)(len / page_size) ? 0 : 12);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("# child touched %ld pages in %.1fs\n", *progress, secs);

	if (bind) {
		check(WIFSIGNALED(status) && WTERMSIG(status) == SIGBUS,
		      "MPOL_BIND to a full private node raises SIGBUS (status %#x)",
		      status);
		check(*progress * page_size >= free_before * 9 / 10,
		      "the node was filled before SIGBUS (%ld of %ld MB)",
		      *progress * page_size / (long)MB, free_before / (long)MB);
	} else {
		check(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "MPOL_PREFERRED spills over to ordinary nodes (status %#x)",
		      status);
	}
	check(secs < 120, "the outcome came within %.1fs", secs);
	return 0;
}

static int cmd_badinput(int node)
{
	size_t len = 4 * MB;
	char *p = map_anon(len);
	unsigned long mask, empty = 0, maxnode_huge = 1UL << 20;
	long free_before = node_free(node), r;
	int absent = -1;

	if (!p)
		return 1;
	/* The first node that is not online: no memory of any kind. */
	for (int i = 0; i < MAX_NODES && absent < 0; i++) {
		char path[64];

		snprintf(path, sizeof(path), "/sys/devices/system/node/node%d",
			 i);
		if (access(path, F_OK))
			absent = i;
	}
	mask = mask_of(absent, -1);

#define EXPECT_EINVAL(call, what)					\
	do {								\
		errno = 0;						\
		r = (call);						\
		check(r == -1 && errno == EINVAL, "%s: EINVAL (got %ld, %s)", \
		      what, r, strerror(errno));			\
	} while (0)

	EXPECT_EINVAL(mbind(p, len, MPOL_BIND, &mask, MAX_NODES, 0),
		      "mbind to a node that is not online");
	EXPECT_EINVAL(mbind(p, len, MPOL_BIND, &empty, MAX_NODES, 0),
		      "mbind with an empty mask");
	mask = mask_of(node, -1);
	EXPECT_EINVAL(mbind(p, len, MPOL_MAX + 3, &mask, MAX_NODES, 0),
		      "mbind with an unknown mode");
	EXPECT_EINVAL(mbind(p, len, MPOL_BIND | (1 << 10), &mask, MAX_NODES,
			    0), "mbind with unknown mode flags");
	EXPECT_EINVAL(mbind(p, len, MPOL_BIND, &mask, MAX_NODES, 1 << 20),
		      "mbind with unknown flags");
	EXPECT_EINVAL(mbind(p, len, MPOL_BIND, &mask, maxnode_huge, 0),
		      "mbind with maxnode out of range");
	mask = mask_of(absent, -1);
	EXPECT_EINVAL(set_mempolicy(MPOL_BIND, &mask, MAX_NODES),
		      "set_mempolicy to a node that is not online");
	EXPECT_EINVAL(set_mempolicy(MPOL_PREFERRED | (1 << 10), &mask,
				    MAX_NODES),
		      "set_mempolicy with unknown mode flags");
	EXPECT_EINVAL(migrate_pages(0, MAX_NODES,
				    &(unsigned long){ mask_of(0, -1) }, &mask),
		      "migrate_pages to a node that is not online");
	{
		void *pg = p;
		int to = absent, st = 0;

		p[0] = 1;
		errno = 0;
		r = move_pages(0, 1, &pg, &to, &st, MPOL_MF_MOVE);
		check(r == -1 && errno == ENODEV,
		      "move_pages to a node that is not online: ENODEV (got %ld, %s)",
		      r, strerror(errno));
	}
	/* Nothing above may have placed memory on the private node. */
	check(node_free(node) >= free_before,
	      "no memory allocated on node %d (free %ld -> %ld kB)", node,
	      free_before / 1024, node_free(node) / 1024);
	munmap(p, len);
	return 0;
}

static int cmd_hold(int node, long mb)
{
	size_t len = mb * MB;
	unsigned long mask = mask_of(node, -1);
	long counts[MAX_NODES], bad, wrong = 0;
	char line[64], *p = map_anon(len);

	if (!p)
		return 1;
	if (mbind(p, len, MPOL_BIND, &mask, MAX_NODES, 0)) {
		perror("mbind");
		return 1;
	}
	for (size_t off = 0; off < len; off++)
		p[off] = (char)(off * 7 + off / page_size);
	bad = where(p, len, counts);
	print_where("before", counts);
	check(bad == 0 && counts[node] == (long)(len / page_size),
	      "holding %zu MB on node %d", len / MB, node);
	printf("ready\n");
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return 1;
	for (size_t off = 0; off < len; off++)
		if (p[off] != (char)(off * 7 + off / page_size))
			wrong++;
	check(wrong == 0, "contents intact after the node went away (%ld bytes differ)",
	      wrong);
	bad = where(p, len, counts);
	print_where("after", counts);
	check(bad == 0, "every page is still mapped");
	return 0;
}

/* A counter of /proc/vmstat, -1 if absent. */
static long vmstat(const char *name)
{
	char key[64];
	long val, found = -1;
	FILE *f = fopen("/proc/vmstat", "r");

	if (!f)
		return -1;
	while (fscanf(f, "%63s %ld", key, &val) == 2)
		if (!strcmp(key, name))
			found = val;
	fclose(f);
	return found;
}

static sigjmp_buf boundio_jmp;

static void boundio_sigbus(int sig)
{
	siglongjmp(boundio_jmp, 1);
}

/*
 * Fill @node through an mbind() range until the kernel answers SIGBUS,
 * keep it full; return the pages placed, -1 on error.
 */
static long fill_until_sigbus(int node)
{
	size_t len = (node_free(node) / MB + 256) * MB;
	unsigned long mask = mask_of(node, -1);
	struct sigaction sa = { .sa_handler = boundio_sigbus };
	volatile long touched = 0;
	char *p = map_anon(len);

	if (!p || mbind(p, len, MPOL_BIND, &mask, MAX_NODES, 0))
		return -1;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGBUS, &sa, NULL))
		return -1;
	if (sigsetjmp(boundio_jmp, 1) == 0) {
		for (size_t off = 0; off < len; off += page_size) {
			p[off] = 1;
			touched++;
		}
		return -1;	/* never full: the test proves nothing */
	}
	signal(SIGBUS, SIG_DFL);
	return touched;
}

/*
 * Once bound to the full node, every new page of anonymous memory of ours
 * (stack, heap) faults there and gets SIGBUS, as it should: what the test
 * needs is allocated and touched before.
 */
static struct {
	char path[4096];
	char buf[65536];
	char res[256];
} bio;

/* Fault in the stack the calls below will use, before binding. */
static void __attribute__((noinline)) touch_stack(void)
{
	volatile char stack[65536];

	for (size_t i = 0; i < sizeof(stack); i += 256)
		stack[i] = 1;
}

static int cmd_boundio(int node, const char *dir, long nfiles,
		       const char *nofail)
{
	unsigned long mask = mask_of(node, -1);
	long placed, oom_before, failed = 0, bytes = 0, free_kb;
	long on_node = 0, total = 0;
	int first_errno = 0, fd = -1, bound;
	ssize_t wrote = -1, n;
	char *tok, *save;

	memset(&bio, 0, sizeof(bio));
	touch_stack();
	if (nofail) {
		fd = open(nofail, O_RDWR);
		if (fd < 0) {
			perror(nofail);
			return 1;
		}
	}
	oom_before = vmstat("oom_kill");
	placed = fill_until_sigbus(node);
	free_kb = node_free(node) / 1024;
	check(placed > 0, "node %d filled through mbind() until SIGBUS (%ld pages, %ld kB left free)",
	      node, placed, free_kb);
	if (placed <= 0)
		return 1;

	/*
	 * Bound: only system calls from here to the unbinding, no output,
	 * no new memory of ours (see bio).
	 */
	bound = set_mempolicy(MPOL_BIND, &mask, MAX_NODES);
	for (long i = 0; !bound && i < nfiles; i++) {
		int f;

		snprintf(bio.path, sizeof(bio.path), "%s/f%ld", dir, i);
		f = open(bio.path, O_RDONLY);
		if (f < 0) {
			failed++;
			first_errno = first_errno ? first_errno : errno;
			continue;
		}
		while ((n = read(f, bio.buf, sizeof(bio.buf))) > 0)
			bytes += n;
		if (n < 0) {
			failed++;
			first_errno = first_errno ? first_errno : errno;
		}
		close(f);
	}
	if (!bound && nofail) {
		wrote = write(fd, "256\n", 4);
		n = pread(fd, bio.res, sizeof(bio.res) - 1, 0);
		bio.res[n > 0 ? n : 0] = 0;
	}
	set_mempolicy(MPOL_DEFAULT, NULL, 0);

	check(!bound, "set_mempolicy(MPOL_BIND) to node %d only", node);
	if (nfiles)
		check(failed == 0,
		      "%ld cold files read under the bind to the full node: %ld failed (%s), %ld kB read",
		      nfiles, failed, first_errno ? strerror(first_errno) : "none",
		      bytes / 1024);
	if (nofail) {
		close(fd);
		check(wrote == 4,
		      "256 __GFP_NOFAIL page cache allocations under the bind returned");
		for (tok = strtok_r(bio.res, " \n", &save); tok;
		     tok = strtok_r(NULL, " \n", &save)) {
			int nid = atoi(tok);
			char *eq = strchr(tok, '=');

			total += eq ? atol(eq + 1) : 0;
			if (nid == node && eq)
				on_node += atol(eq + 1);
		}
		check(total == 256 && on_node < total,
		      "they found room, on ordinary nodes when node %d is full (%ld of %ld on it)",
		      node, on_node, total);
	}
	check(vmstat("oom_kill") == oom_before,
	      "no OOM kill on behalf of the bound task (oom_kill %ld -> %ld)",
	      oom_before, vmstat("oom_kill"));
	return 0;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: nptest place NODE MB | policy NODE | fill NODE bind|preferred\n"
		"              | badinput NODE | hold NODE MB\n"
		"              | boundio NODE DIR NFILES [NOFAIL]\n");
	return 2;
}

int main(int argc, char **argv)
{
	int node, rc;

	page_size = sysconf(_SC_PAGESIZE);
	if (argc < 3)
		return usage();
	node = atoi(argv[2]);
	if (node < 0 || node >= MAX_NODES)
		return usage();

	if (!strcmp(argv[1], "place") && argc == 4)
		rc = cmd_place(node, atol(argv[3]));
	else if (!strcmp(argv[1], "policy") && argc == 3)
		rc = cmd_policy(node);
	else if (!strcmp(argv[1], "fill") && argc == 4)
		rc = cmd_fill(node, argv[3]);
	else if (!strcmp(argv[1], "badinput") && argc == 3)
		rc = cmd_badinput(node);
	else if (!strcmp(argv[1], "hold") && argc == 4)
		rc = cmd_hold(node, atol(argv[3]));
	else if (!strcmp(argv[1], "boundio") && (argc == 5 || argc == 6))
		rc = cmd_boundio(node, argv[3], atol(argv[4]),
				 argc == 6 ? argv[5] : NULL);
	else
		return usage();
	return rc ? rc : (failures ? 1 : 0);
}
