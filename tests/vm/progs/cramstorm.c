// SPDX-License-Identifier: GPL-2.0
/*
 * cramstorm: write data of a chosen compressibility and move it onto a
 * (CRAM) private node with move_pages(2), the way demotion would.
 *
 *   cramstorm [--hold] NODE MIB text|random|zero|mixed
 *
 * Fills MIB MiB of anonymous memory on the node of the current CPU with
 *   text    English-like text (LZ4 compresses it about 4:1),
 *   random  pseudo-random bytes (incompressible),
 *   zero    zeros written explicitly,
 *   mixed   text and random pages alternating,
 * then moves it to NODE in batches of 256 pages and prints
 *   moved=N refused=N other=N pages=N
 * counting pages that landed on NODE, pages the node refused (a policy or
 * a full node) and pages that stayed or failed otherwise.  With --hold it
 * then waits for SIGINT or SIGTERM before it exits and frees the memory,
 * so that the node's counters can be read while the data is there.
 */
#include <errno.h>
#include <numaif.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
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

static void on_signal(int sig)
{
	(void)sig;
}

int main(int argc, char **argv)
{
	long psz = sysconf(_SC_PAGESIZE);
	unsigned long moved = 0, refused = 0, other = 0, i, n;
	int node, hold = 0, argi = 1;
	const char *mode;
	char *mem;
	void **pages;
	int *nodes, *status;

	if (argc > 1 && !strcmp(argv[1], "--hold")) {
		hold = 1;
		argi++;
	}
	if (argc - argi != 3) {
		fprintf(stderr,
			"usage: cramstorm [--hold] NODE MIB text|random|zero|mixed\n");
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
	nodes = calloc(BATCH, sizeof(*nodes));
	status = calloc(BATCH, sizeof(*status));
	if (mem == MAP_FAILED || !pages || !nodes || !status) {
		perror("cramstorm: allocating");
		return 1;
	}
	madvise(mem, n * psz, MADV_NOHUGEPAGE);
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
	for (i = 0; i < n; i += BATCH) {
		unsigned long j, cnt = n - i < BATCH ? n - i : BATCH;

		for (j = 0; j < cnt; j++) {
			pages[j] = mem + (i + j) * psz;
			nodes[j] = node;
		}
		if (move_pages(0, cnt, pages, nodes, status, MPOL_MF_MOVE) < 0) {
			perror("cramstorm: move_pages");
			return 1;
		}
		for (j = 0; j < cnt; j++) {
			if (status[j] == node)
				moved++;
			else if (status[j] == -EPERM || status[j] == -ENOMEM ||
				 status[j] == -EBUSY || status[j] == -ENOSPC)
				refused++;
			else
				other++;
		}
	}
	printf("moved=%lu refused=%lu other=%lu pages=%lu\n", moved, refused,
	       other, n);
	fflush(stdout);
	if (hold) {
		signal(SIGINT, on_signal);
		signal(SIGTERM, on_signal);
		pause();
	}
	munmap(mem, n * psz);
	return 0;
}
