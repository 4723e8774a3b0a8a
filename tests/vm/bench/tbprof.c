// SPDX-License-Identifier: GPL-2.0
/*
 * tbprof: a QEMU TCG plugin that counts the guest instructions executed
 * per translated block, and writes the counts out, then clears them, each
 * time the guest executes the instruction at a mark address.  The profile
 * benchmark (bench/profile.sh) marks each stretch it wants counted with a
 * system call nothing else makes; bench/profile-report.py names the blocks
 * by the guest kernel's symbols.
 *
 * Arguments: out=FILE (the counts, appended) and mark=ADDRESS (hex, the
 * guest virtual address of the marking instruction).  Only the few entry
 * points of the plugin interface of QEMU 7.2 (version 1) that are used
 * here are declared: QEMU does not install its header.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT __attribute__((visibility("default")))

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
struct qemu_info_t;

enum { CB_NO_REGS };
enum { INLINE_ADD_U64 };

typedef void (*tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*vcpu_udata_cb_t)(unsigned int vcpu, void *data);
typedef void (*udata_cb_t)(qemu_plugin_id_t id, void *data);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
					   tb_trans_cb_t cb);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb,
					      int op, void *ptr, uint64_t imm);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn,
					    vcpu_udata_cb_t cb, int flags,
					    void *data);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, udata_cb_t cb,
				    void *data);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *
qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);

EXPORT int qemu_plugin_version = 1;

/*
 * One translation of a block: blocks are never freed, so that the
 * addresses of their counters stay valid for QEMU's inline adds.
 */
struct block {
	uint64_t vaddr;
	uint64_t execs;
	uint32_t insns;
};

#define CHUNK 65536

static struct block **chunks;
static size_t nr_chunks, nr_blocks;
static uint64_t mark;
static FILE *out;
static unsigned int section;

static struct block *block_new(void)
{
	if (nr_blocks == nr_chunks * CHUNK) {
		struct block **c = realloc(chunks,
					   (nr_chunks + 1) * sizeof(*c));

		if (!c)
			return NULL;
		chunks = c;
		chunks[nr_chunks] = calloc(CHUNK, sizeof(struct block));
		if (!chunks[nr_chunks])
			return NULL;
		nr_chunks++;
	}
	nr_blocks++;
	return &chunks[(nr_blocks - 1) / CHUNK][(nr_blocks - 1) % CHUNK];
}

/* Write out the blocks executed since the last mark, and clear them. */
static void dump(void)
{
	size_t i;

	fprintf(out, "section %u\n", section++);
	for (i = 0; i < nr_blocks; i++) {
		struct block *b = &chunks[i / CHUNK][i % CHUNK];

		if (!b->execs)
			continue;
		fprintf(out, "%" PRIx64 " %u %" PRIu64 "\n", b->vaddr,
			b->insns, b->execs);
		b->execs = 0;
	}
	fflush(out);
}

static void on_mark(unsigned int vcpu, void *data)
{
	dump();
}

static void on_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb), i;
	struct block *b = block_new();

	if (!b) {
		fprintf(stderr, "tbprof: out of memory\n");
		abort();
	}
	b->vaddr = qemu_plugin_tb_vaddr(tb);
	b->insns = n;
	qemu_plugin_register_vcpu_tb_exec_inline(tb, INLINE_ADD_U64,
						 &b->execs, 1);
	for (i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);

		if (qemu_plugin_insn_vaddr(insn) == mark)
			qemu_plugin_register_vcpu_insn_exec_cb(insn, on_mark,
							       CB_NO_REGS,
							       NULL);
	}
}

static void at_exit(qemu_plugin_id_t id, void *data)
{
	dump();
	fclose(out);
}

EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
			       const struct qemu_info_t *info, int argc,
			       char **argv)
{
	const char *path = NULL;
	int i;

	for (i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "out=", 4))
			path = argv[i] + 4;
		else if (!strncmp(argv[i], "mark=", 5))
			mark = strtoull(argv[i] + 5, NULL, 16);
	}
	if (!path || !mark) {
		fprintf(stderr, "tbprof: needs out=FILE and mark=ADDRESS\n");
		return -1;
	}
	out = fopen(path, "w");
	if (!out) {
		perror(path);
		return -1;
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_trans);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}
