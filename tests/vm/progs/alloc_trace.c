// SPDX-License-Identifier: GPL-2.0
/*
 * alloc_trace: run a command and count the pages allocated in a physical
 * range while it runs (see tests/bpf/alloc_trace.bpf.c).
 *
 *   alloc_trace [-o FILE] START SIZE -- COMMAND [ARG...]
 *
 * START and SIZE are byte values (0x... accepted).  Prints
 *   total_pages=N private_pages=N unflagged_pages=N unmovable_pages=N
 * on stdout, or into FILE, and exits with the command's status.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "alloc_trace.skel.h"

static int parse_u64(const char *s, unsigned long long *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || end == s || *end ? -1 : 0;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: alloc_trace [-o FILE] START SIZE -- COMMAND [ARG...]\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct alloc_trace *skel = NULL;
	unsigned long long start, size;
	const char *outfile = NULL;
	FILE *out = stdout;
	int opt, status, ret = 1;
	pid_t pid;

	while ((opt = getopt(argc, argv, "ho:")) != -1) {
		switch (opt) {
		case 'o':
			outfile = optarg;
			break;
		default:
			return usage();
		}
	}
	if (argc - optind < 3 || parse_u64(argv[optind], &start) ||
	    parse_u64(argv[optind + 1], &size) || !size)
		return usage();
	optind += 2;
	if (!strcmp(argv[optind], "--"))
		optind++;
	if (optind >= argc)
		return usage();

	skel = alloc_trace__open();
	if (!skel) {
		fprintf(stderr, "alloc_trace: opening the BPF object failed: %s\n",
			strerror(errno));
		goto cleanup;
	}
	skel->rodata->start_pfn = start / sysconf(_SC_PAGESIZE);
	skel->rodata->end_pfn = (start + size) / sysconf(_SC_PAGESIZE);
	if (alloc_trace__load(skel)) {
		fprintf(stderr, "alloc_trace: loading the BPF object failed: %s\n",
			strerror(errno));
		goto cleanup;
	}
	if (alloc_trace__attach(skel)) {
		fprintf(stderr, "alloc_trace: attaching to kmem:mm_page_alloc failed: %s\n",
			strerror(errno));
		goto cleanup;
	}

	pid = fork();
	if (pid < 0) {
		perror("alloc_trace: fork");
		goto cleanup;
	}
	if (pid == 0) {
		execvp(argv[optind], argv + optind);
		fprintf(stderr, "alloc_trace: cannot run %s: %s\n",
			argv[optind], strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0) {
		perror("alloc_trace: waitpid");
		goto cleanup;
	}

	if (outfile) {
		out = fopen(outfile, "w");
		if (!out) {
			fprintf(stderr, "alloc_trace: cannot write %s: %s\n",
				outfile, strerror(errno));
			goto cleanup;
		}
	}
	fprintf(out,
		"total_pages=%llu private_pages=%llu unflagged_pages=%llu unmovable_pages=%llu\n",
		(unsigned long long)skel->bss->total_pages,
		(unsigned long long)skel->bss->private_pages,
		(unsigned long long)skel->bss->unflagged_pages,
		(unsigned long long)skel->bss->unmovable_pages);
	if (out != stdout)
		fclose(out);
	ret = WIFEXITED(status) ? WEXITSTATUS(status) :
				  128 + WTERMSIG(status);
cleanup:
	alloc_trace__destroy(skel);
	return ret;
}
