// SPDX-License-Identifier: GPL-2.0
/*
 * taxbench: what ordinary memory costs, to measure the tax a kernel
 * change puts on work that never touches a private node.
 *
 *   taxbench [-r ROUNDS] [-d DIR] [-a] WORKLOAD...
 *
 * Each workload runs ROUNDS times (7 by default) after one warm-up run;
 * the line it prints gives the median and the minimum cost of one
 * operation in nanoseconds of CLOCK_MONOTONIC.  Under QEMU's -icount
 * shift=0 a guest nanosecond is one executed guest instruction, so the
 * figures are path lengths.  Run it pinned to one CPU (taskset): forked
 * children inherit the CPU.
 *
 * Two things outside the kernel's code would otherwise change a figure
 * from one run of taxbench to the next, by up to 1%:
 *  - where the address space's randomisation puts a mapping decides
 *    whether it has page tables of its own, which unmapping it frees
 *    and the next mapping allocates and zeroes again, or shares them
 *    with a neighbour.  taxbench runs itself again with randomisation
 *    off (personality ADDR_NO_RANDOMIZE), so that every run lays out the
 *    same mappings the same way; -a leaves the setting as it finds it.
 *  - a tmpfs directory numbers its entries from a counter that only
 *    grows, so creating and unlinking a file costs more or less as the
 *    directory ages.  read and mix work in a directory of their own that
 *    taxbench makes under DIR (/tmp by default) and removes at the end.
 *
 *   anon     fault in 64 MiB of anonymous memory, 4 KiB pages, and unmap
 *            it; the operation is one page (fault, zeroing, rmap, LRU,
 *            and its share of the unmap and free)
 *   fork     fork a child that has 16 MiB of anonymous memory mapped,
 *            which exits at once, and wait for it; the operation is
 *            fork + exit + wait (page table copy and zap included)
 *   mmap     map 64 KiB, touch its 16 pages, unmap it
 *   read     read a 64 MiB file that is in the page cache; the operation
 *            is one 4 KiB page copied out of the cache
 *   mix      a compile-like mix: create a 16 KiB file in a tmpfs
 *            directory, read it back, unlink it, and fault and free 256
 *            KiB of anonymous memory
 *
 * Output, one line per workload:
 *   WORKLOAD median=NS min=NS unit=WHAT rounds=N
 * Exit status 0, 1 if a system call failed, 2 on usage errors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MiB		(1024UL * 1024)
#define PAGE		4096UL
#define MAX_ROUNDS	101

/*
 * Where read and mix put their files: a directory of this run's own, made
 * under -d, which should be a tmpfs so that no device waits.
 */
static char dir[200], read_path[256], mix_path[256];

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void touch(char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i += PAGE)
		p[i] = 1;
}

/* Each run returns the number of operations it did, -1 on failure. */

static long run_anon(void)
{
	size_t len = 64 * MiB;
	char *p;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	/* Base pages only: THP would make this a different benchmark. */
	if (madvise(p, len, MADV_NOHUGEPAGE))
		return -1;
	touch(p, len);
	munmap(p, len);
	return len / PAGE;
}

static char *fork_mem;

static long run_fork(void)
{
	int i, status;
	pid_t pid;

	for (i = 0; i < 50; i++) {
		pid = fork();
		if (pid < 0)
			return -1;
		if (!pid)
			_exit(0);
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
			return -1;
	}
	return 50;
}

static long run_mmap(void)
{
	size_t len = 64 * 1024;
	char *p;
	int i;

	for (i = 0; i < 1000; i++) {
		p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return -1;
		touch(p, len);
		if (munmap(p, len))
			return -1;
	}
	return 1000;
}

static char *read_buf;

static long run_read(void)
{
	size_t len = 64 * MiB, done = 0;
	ssize_t n;
	int fd;

	fd = open(read_path, O_RDONLY);
	if (fd < 0)
		return -1;
	while (done < len) {
		n = read(fd, read_buf, MiB);
		if (n <= 0)
			break;
		done += n;
	}
	close(fd);
	return done == len ? (long)(len / PAGE) : -1;
}

static long run_mix(void)
{
	static char data[16 * 1024], back[16 * 1024];
	size_t len = 256 * 1024;
	int i, fd;
	char *p;

	for (i = 0; i < 200; i++) {
		fd = open(mix_path, O_CREAT | O_TRUNC | O_RDWR, 0600);
		if (fd < 0)
			return -1;
		if (write(fd, data, sizeof(data)) != sizeof(data) ||
		    pread(fd, back, sizeof(back), 0) != sizeof(back)) {
			close(fd);
			return -1;
		}
		close(fd);
		if (unlink(mix_path))
			return -1;
		p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return -1;
		touch(p, len);
		munmap(p, len);
	}
	return 200;
}

static int setup_read(void)
{
	size_t len = 64 * MiB, done;
	int fd;

	read_buf = malloc(MiB);
	if (!read_buf)
		return -1;
	memset(read_buf, 0x5a, MiB);
	fd = open(read_path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
	if (fd < 0)
		return -1;
	for (done = 0; done < len; done += MiB) {
		if (write(fd, read_buf, MiB) != (ssize_t)MiB) {
			close(fd);
			return -1;
		}
	}
	close(fd);
	return 0;
}

static int setup_fork(void)
{
	size_t len = 16 * MiB;

	fork_mem = mmap(NULL, len, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (fork_mem == MAP_FAILED)
		return -1;
	if (madvise(fork_mem, len, MADV_NOHUGEPAGE))
		return -1;
	touch(fork_mem, len);
	return 0;
}

static const struct workload {
	const char *name;
	const char *unit;
	int (*setup)(void);
	long (*run)(void);
} workloads[] = {
	{ "anon", "page", NULL, run_anon },
	{ "fork", "fork+exit", setup_fork, run_fork },
	{ "mmap", "mmap+touch+munmap of 64K", NULL, run_mmap },
	{ "read", "page read from the page cache", setup_read, run_read },
	{ "mix", "file+anon cycle", NULL, run_mix },
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int measure(const struct workload *w, int rounds)
{
	double cost[MAX_ROUNDS], t;
	long ops;
	int r;

	if (w->setup && w->setup()) {
		fprintf(stderr, "taxbench: %s: setting up: %s\n", w->name,
			strerror(errno));
		return 1;
	}
	for (r = -1; r < rounds; r++) {
		t = now_ns();
		ops = w->run();
		t = now_ns() - t;
		if (ops <= 0) {
			fprintf(stderr, "taxbench: %s: %s\n", w->name,
				strerror(errno));
			return 1;
		}
		if (r >= 0)
			cost[r] = t / ops;
	}
	qsort(cost, rounds, sizeof(cost[0]), cmp_double);
	printf("%s median=%.1f min=%.1f unit=\"%s\" rounds=%d\n", w->name,
	       cost[rounds / 2], cost[0], w->unit, rounds);
	fflush(stdout);
	return 0;
}

/* Returns the exit status of a usage error. */
static int usage(FILE *f)
{
	fprintf(f,
		"usage: taxbench [-r ROUNDS] [-d DIR] [-a] WORKLOAD...\n"
		"workloads: anon fork mmap read mix (see the source)\n"
		"  -r ROUNDS  measured runs of each workload (7)\n"
		"  -d DIR     where read and mix make their directory (/tmp)\n"
		"  -a         leave address randomisation as it is\n");
	return 2;
}

/* Set for the run again, which must find the randomisation off. */
#define FIXED_LAYOUT_ENV "TAXBENCH_FIXED_LAYOUT"

/*
 * Run this program again with the address space laid out the same way
 * every time; returns only on failure.
 */
static int fixed_layout(char **argv)
{
	int cur = personality(0xffffffff);

	if (getenv(FIXED_LAYOUT_ENV)) {
		/* A set-user-ID file or a security module cleared it. */
		fprintf(stderr,
			"taxbench: still randomised after running again\n");
		return 1;
	}
	if (cur == -1 || personality(cur | ADDR_NO_RANDOMIZE) == -1 ||
	    setenv(FIXED_LAYOUT_ENV, "1", 1)) {
		fprintf(stderr, "taxbench: cannot turn randomisation off: %s\n",
			strerror(errno));
		return 1;
	}
	execv("/proc/self/exe", argv);
	fprintf(stderr, "taxbench: cannot run again from /proc/self/exe: %s\n",
		strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	const char *parent = "/tmp";
	int rounds = 7, opt, i, ret = 0;
	bool randomised = false;
	size_t k;

	while ((opt = getopt(argc, argv, "r:d:ah")) != -1) {
		switch (opt) {
		case 'r':
			rounds = atoi(optarg);
			if (rounds < 1 || rounds > MAX_ROUNDS) {
				fprintf(stderr, "taxbench: -r takes 1 to %d\n",
					MAX_ROUNDS);
				return 2;
			}
			break;
		case 'd':
			parent = optarg;
			break;
		case 'a':
			randomised = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			return usage(stderr);
		}
	}
	if (optind == argc)
		return usage(stderr);
	for (i = optind; i < argc; i++) {
		for (k = 0; k < sizeof(workloads) / sizeof(workloads[0]); k++)
			if (!strcmp(argv[i], workloads[k].name))
				break;
		if (k == sizeof(workloads) / sizeof(workloads[0])) {
			fprintf(stderr, "taxbench: no workload '%s'\n",
				argv[i]);
			return usage(stderr);
		}
	}
	if (!randomised && !(personality(0xffffffff) & ADDR_NO_RANDOMIZE))
		return fixed_layout(argv);
	if (snprintf(dir, sizeof(dir), "%s/taxbench.XXXXXX", parent) >=
	    (int)sizeof(dir)) {
		fprintf(stderr, "taxbench: -d %s: the path is too long\n",
			parent);
		return 2;
	}
	if (!mkdtemp(dir)) {
		fprintf(stderr, "taxbench: cannot make a directory in %s: %s\n",
			parent, strerror(errno));
		return 1;
	}
	snprintf(read_path, sizeof(read_path), "%s/read", dir);
	snprintf(mix_path, sizeof(mix_path), "%s/mix", dir);
	for (i = optind; i < argc && !ret; i++) {
		for (k = 0; strcmp(argv[i], workloads[k].name); k++)
			;
		ret = measure(&workloads[k], rounds);
	}
	/* read's file, and what a failed run of mix may have left. */
	unlink(read_path);
	unlink(mix_path);
	if (rmdir(dir)) {
		fprintf(stderr, "taxbench: cannot remove %s: %s\n", dir,
			strerror(errno));
		ret = 1;
	}
	return ret;
}
