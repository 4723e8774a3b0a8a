// SPDX-License-Identifier: GPL-2.0
/*
 * cramstorm: hold data of a chosen compressibility for a (CRAM) private
 * node to take by demotion.
 *
 *   cramstorm [--hold] [--local] [--touch SECONDS] NODE MIB
 *             text|random|zero|mixed
 *
 * Binds MIB MiB of anonymous memory to node 0 (with --local, leaves it to
 * the default policy: the node of the CPU) and fills it with
 *   text    English-like text (LZ4 compresses it about 3:1),
 *   random  pseudo-random bytes (incompressible),
 *   zero    zeros written explicitly,
 *   mixed   text and random pages alternating,
 * prints "filled pages=N" and waits for a line on stdin, while the caller
 * pushes the memory down (memory.reclaim of its cgroup demotes it to the
 * private node).  It then prints "on_node=N pages=N", the pages found on
 * NODE.  With --touch, it then reads every page again and again for
 * SECONDS seconds (NUMA balancing sees the accesses) and prints
 * "touched on_node=N pages=N".  With --hold it then keeps the memory
 * until stdin ends or SIGINT or SIGTERM arrives, so that the node's
 * counters can be read meanwhile;
 * each "write" line on stdin writes one byte of every page (on a
 * write-protected node each write promotes its page to an ordinary node)
 * and prints "written on_node=N pages=N".
 */
#include <numaif.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define BATCH	256

static const char *const words[] = {
	"memory ", "node ", "private ", "policy ", "the ", "of ", "page ",
	"compressed ", "device ", "a ", "kernel ", "and ", "to ", "is ",
	"folio ", "migration ", "demotion ", "reclaim ", "\n", "in ",
};

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void fill_text(char *p, size_t len)
{
	size_t off = 0;

	while (off < len) {
		const char *w = words[next() % (sizeof(words) / sizeof(*words))];
		size_t l = strlen(w);

		if (l > len - off)
			l = len - off;
		memcpy(p + off, w, l);
		off += l;
	}
}

static void fill_random(char *p, size_t len)
{
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		uint64_t v = next();

		memcpy(p + i, &v, 8);
	}
}

/* Pages of MEM (N pages of PSZ bytes) on NODE, or -1 on error. */
static unsigned long count_on_node(char *mem, unsigned long n, long psz,
				   int node, void **pages, int *status)
{
	unsigned long i, j, cnt, on_node = 0;

	for (i = 0; i < n; i += BATCH) {
		cnt = n - i < BATCH ? n - i : BATCH;
		for (j = 0; j < cnt; j++)
			pages[j] = mem + (i + j) * psz;
		if (move_pages(0, cnt, pages, NULL, status, 0) < 0) {
			perror("cramstorm: move_pages");
			return -1;
		}
		for (j = 0; j < cnt; j++)
			on_node += status[j] == node;
	}
	return on_node;
}

static void on_signal(int sig)
{
	(void)sig;
}

int main(int argc, char **argv)
{
	long psz = sysconf(_SC_PAGESIZE);
	unsigned long on_node = 0, node0 = 1, i, n;
	int node, hold = 0, local = 0, touch = 0, argi = 1;
	const char *mode;
	char *mem, line[64];
	void **pages;
	int *status;

	for (; argi < argc && !strncmp(argv[argi], "--", 2); argi++) {
		if (!strcmp(argv[argi], "--hold")) {
			hold = 1;
		} else if (!strcmp(argv[argi], "--local")) {
			local = 1;
		} else if (!strcmp(argv[argi], "--touch") && argi + 1 < argc) {
			touch = atoi(argv[++argi]);
		} else {
			argi = argc;
			break;
		}
	}
	if (argc - argi != 3) {
		fprintf(stderr,
			"usage: cramstorm [--hold] [--local] [--touch SECONDS] NODE MIB text|random|zero|mixed\n");
		return 2;
	}
	node = atoi(argv[argi]);
	n = strtoul(argv[argi + 1], NULL, 0) * (1024 * 1024 / psz);
	mode = argv[argi + 2];
	if (!n || (strcmp(mode, "text") && strcmp(mode, "random") &&
		   strcmp(mode, "zero") && strcmp(mode, "mixed"))) {
		fprintf(stderr, "cramstorm: bad size or mode '%s'\n", mode);
		return 2;
	}
	mem = mmap(NULL, n * psz, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	pages = calloc(BATCH, sizeof(*pages));
	status = calloc(BATCH, sizeof(*status));
	if (mem == MAP_FAILED || !pages || !status) {
		perror("cramstorm: allocating");
		return 1;
	}
	madvise(mem, n * psz, MADV_NOHUGEPAGE);
	if (!local && mbind(mem, n * psz, MPOL_BIND, &node0, 2, 0)) {
		perror("cramstorm: mbind to node 0");
		return 1;
	}
	for (i = 0; i < n; i++) {
		char *p = mem + i * psz;

		if (!strcmp(mode, "text") ||
		    (!strcmp(mode, "mixed") && !(i & 1)))
			fill_text(p, psz);
		else if (!strcmp(mode, "zero"))
			memset(p, 0, psz);
		else
			fill_random(p, psz);
	}
	printf("filled pages=%lu\n", n);
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return 1;
	on_node = count_on_node(mem, n, psz, node, pages, status);
	if (on_node == (unsigned long)-1)
		return 1;
	printf("on_node=%lu pages=%lu\n", on_node, n);
	fflush(stdout);
	if (touch) {
		time_t end = time(NULL) + touch;
		volatile char sink = 0;

		while (time(NULL) < end)
			for (i = 0; i < n; i++)
				sink += mem[i * psz];
		on_node = count_on_node(mem, n, psz, node, pages, status);
		printf("touched on_node=%lu pages=%lu\n", on_node, n);
		fflush(stdout);
	}
	if (hold) {
		struct sigaction sa = { .sa_handler = on_signal };

		/* No SA_RESTART: a signal ends the wait in fgets(). */
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		while (fgets(line, sizeof(line), stdin)) {
			if (strncmp(line, "write", 5))
				continue;
			for (i = 0; i < n; i++)
				mem[i * psz] ^= 1;
			on_node = count_on_node(mem, n, psz, node, pages,
						status);
			printf("written on_node=%lu pages=%lu\n", on_node, n);
			fflush(stdout);
		}
	}
	munmap(mem, n * psz);
	return 0;
}
