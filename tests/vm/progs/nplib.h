/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the VM test programs: TAP-style checks, anonymous
 * mappings, and where their pages are.  main() sets page_size.
 */
#ifndef NPLIB_H
#define NPLIB_H

#include <errno.h>
#include <numaif.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define MAX_NODES	64
#define MB		(1024UL * 1024)

static long page_size;
static int failures;

static inline void check(bool cond, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));	/* __printf() is kernel-only */

static inline void check(bool cond, const char *fmt, ...)
{
	va_list ap;

	printf("%s - ", cond ? "ok" : "not ok");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	if (!cond)
		failures++;
}

/* The error text for a failed call, nothing for a successful one. */
static inline const char *why(long r)
{
	return r < 0 ? strerror(errno) : "done";
}

static inline unsigned long mask_of(int a, int b)
{
	unsigned long m = 1UL << a;

	if (b >= 0)
		m |= 1UL << b;
	return m;
}

static inline void *map_anon(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		return NULL;
	}
	/* THP would make placement depend on THP settings; test base pages. */
	madvise(p, len, MADV_NOHUGEPAGE);
	return p;
}

static inline void touch(char *p, size_t len, unsigned char seed)
{
	for (size_t off = 0; off < len; off += page_size)
		p[off] = (unsigned char)(seed + off / page_size);
}

/*
 * Count, per node, where the pages of [p, p + len) are, with
 * move_pages(2) in query mode.  Returns the number of pages that are not
 * present or could not be queried.
 */
static inline long where(char *p, size_t len, long counts[MAX_NODES])
{
	unsigned long n = len / page_size;
	void **pages = calloc(n, sizeof(*pages));
	int *status = calloc(n, sizeof(*status));
	long bad = 0;

	memset(counts, 0, sizeof(long) * MAX_NODES);
	if (!pages || !status) {
		free(pages);
		free(status);
		return n;
	}
	for (unsigned long i = 0; i < n; i++)
		pages[i] = p + i * page_size;
	if (move_pages(0, n, pages, NULL, status, 0)) {
		perror("move_pages(query)");
		bad = n;
		goto out;
	}
	for (unsigned long i = 0; i < n; i++) {
		if (status[i] >= 0 && status[i] < MAX_NODES)
			counts[status[i]]++;
		else
			bad++;
	}
out:
	free(pages);
	free(status);
	return bad;
}

static inline void print_where(const char *what, long counts[MAX_NODES])
{
	printf("# %s:", what);
	for (int i = 0; i < MAX_NODES; i++)
		if (counts[i])
			printf(" N%d=%ld", i, counts[i]);
	printf("\n");
}

#endif /* NPLIB_H */
