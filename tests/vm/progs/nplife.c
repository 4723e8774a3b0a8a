// SPDX-License-Identifier: GPL-2.0
/*
 * nplife: the life cycle of a BPF policy around its init and exit
 * callbacks, with bpf/np_testpol.  Run in the test VM, as root.
 *
 *   nplife NODE initret
 *	an init that returns a positive value, or a negative errno, on
 *	attach and on update: the first is refused with EINVAL, the second
 *	reaches the caller; a refused update leaves the old policy deciding;
 *	a poller of nodeN/private/state wakes for "enabling" while the init
 *	sleeps, and again for "none" once it has returned 5
 *   nplife NODE initblock
 *	an init that sleeps (it reads a page of ours that waits on
 *	userfaultfd): meanwhile the node's sysfs files answer, and show the
 *	policy as "enabling", which wakes a poller of state; the attach
 *	completes once the page comes, which wakes it again
 *   nplife NODE updateerror
 *	an update whose old policy's exit sleeps (as above) while the new
 *	policy reports an error from its first decision: the error counts,
 *	and disables the new policy; its flags (compaction besides the
 *	built-in policy's) are gone at once, not only once the update is
 *	over and the error is acted on
 *
 * Prints one "ok - ..." or "not ok - ..." line per check; exits 1 if a
 * check failed, 2 on usage errors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/userfaultfd.h>
#include <numaif.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "libnp.h"
#include "nplib.h"

#define POLICY "np_testpol"

static int nid;

/* A page that faults through userfaultfd until uffd_release() fills it. */
struct uffd_page {
	int fd;
	char *addr;
};

static int uffd_setup(struct uffd_page *u)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { 0 };

	u->fd = syscall(SYS_userfaultfd, O_CLOEXEC);
	if (u->fd < 0) {
		perror("userfaultfd");
		return -1;
	}
	u->addr = mmap(NULL, page_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (u->addr == MAP_FAILED || ioctl(u->fd, UFFDIO_API, &api)) {
		perror("uffd");
		return -1;
	}
	reg.range.start = (unsigned long)u->addr;
	reg.range.len = page_size;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	if (ioctl(u->fd, UFFDIO_REGISTER, &reg)) {
		perror("UFFDIO_REGISTER");
		return -1;
	}
	return 0;
}

/* Wait up to @ms for the kernel to fault on the page. */
static bool uffd_faulted(struct uffd_page *u, int ms)
{
	struct pollfd pfd = { .fd = u->fd, .events = POLLIN };
	struct uffd_msg msg;

	if (poll(&pfd, 1, ms) != 1)
		return false;
	return read(u->fd, &msg, sizeof(msg)) == sizeof(msg) &&
	       msg.event == UFFD_EVENT_PAGEFAULT;
}

static void uffd_release(struct uffd_page *u)
{
	struct uffdio_zeropage zp = { 0 };

	zp.range.start = (unsigned long)u->addr;
	zp.range.len = page_size;
	ioctl(u->fd, UFFDIO_ZEROPAGE, &zp);
}

/* np_testpol as NAME with FLAGS (NULL: its own), SET1 and SET2. */
static struct np_policy *prepare_flags(const char *name, const char *flags,
				       const char *set1, const char *set2)
{
	const char *sets[2] = { set1, set2 };
	struct np_policy *p = NULL;
	unsigned int f;

	if (flags && np_flags_parse(flags, &f))
		return NULL;
	if (np_policy_prepare(POLICY, nid, name, flags ? &f : NULL, sets,
			      set1 ? (set2 ? 2 : 1) : 0, &p))
		return NULL;
	return p;
}

static struct np_policy *prepare(const char *name, const char *set1,
				 const char *set2)
{
	return prepare_flags(name, NULL, set1, set2);
}

static void node_file(const char *file, char *buf, size_t len)
{
	if (np_node_read(nid, file, buf, len))
		snprintf(buf, len, "(unreadable)");
}

/* The "KEY VALUE" line of nodeN/private/exit, as a string. */
static void exit_field(const char *key, char *out, size_t len)
{
	char buf[512], *p;
	size_t l = strlen(key);

	out[0] = 0;
	node_file("exit", buf, sizeof(buf));
	for (p = buf; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, l) && p[l] == ' ') {
			snprintf(out, len, "%.*s", (int)strcspn(p + l + 1, "\n"),
				 p + l + 1);
			return;
		}
}

/* nodeN/private/state, read once so that poll() waits for a change. */
static int state_arm(void)
{
	char path[PATH_MAX], buf[64];
	int fd;

	if (np_node_path(nid, "state", path, sizeof(path)))
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && pread(fd, buf, sizeof(buf), 0) < 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/*
 * Whether a notification of state came within @ms; then the state, read
 * again (which waits for the next one), in @buf.
 */
static bool state_woke(int fd, int ms, char *buf, size_t len)
{
	struct pollfd p = { .fd = fd, .events = POLLPRI | POLLERR };
	ssize_t n;

	buf[0] = 0;
	if (fd < 0 || poll(&p, 1, ms) != 1)
		return false;
	n = pread(fd, buf, len - 1, 0);
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n > 0 ? n : 0] = 0;
	return true;
}

struct attach_job {
	struct np_policy *p;
	struct np_policy *next;		/* for an update: the new policy */
	struct bpf_link *link;
	int ret;
};

static void *attach_thread(void *arg)
{
	struct attach_job *j = arg;

	if (j->next)
		j->ret = np_policy_swap(j->next, j->link);
	else
		j->ret = np_policy_attach(j->p, false, &j->link);
	return NULL;
}

static int cmd_initret(void)
{
	struct np_policy *a = NULL, *b = NULL, *c = NULL, *d = NULL;
	char state[64], policy[64], woke[64], set[64];
	struct attach_job job = { 0 };
	struct bpf_link *link = NULL;
	struct uffd_page u;
	pthread_t t;
	int r, fd;

	/* An init that sleeps on our page, then returns 5. */
	if (uffd_setup(&u))
		return 1;
	snprintf(set, sizeof(set), "init_uaddr=%#lx", (unsigned long)u.addr);
	a = prepare("life_pos", "init_ret=5", set);
	if (!a)
		return 1;
	fd = state_arm();
	job.p = a;
	if (pthread_create(&t, NULL, attach_thread, &job))
		return 1;
	check(uffd_faulted(&u, 20000), "the init callback is waiting for our page");
	check(state_woke(fd, 3000, woke, sizeof(woke)) &&
	      !strcmp(woke, "enabling"),
	      "a poller of state woke for enabling (read '%s')", woke);
	uffd_release(&u);
	pthread_join(t, NULL);
	r = job.ret;
	check(r == -EINVAL && !job.link,
	      "attach: an init that returns 5 is refused with EINVAL (got %d)",
	      r);
	node_file("state", state, sizeof(state));
	check(!strcmp(state, "none"), "the node has no BPF policy (%s)", state);
	check(state_woke(fd, 3000, woke, sizeof(woke)) &&
	      !strcmp(woke, "none"),
	      "and again for the refused attach (read '%s')", woke);
	if (fd >= 0)
		close(fd);
	bpf_link__destroy(job.link);

	b = prepare("life_a", NULL, NULL);
	c = prepare("life_pos2", "init_ret=7", NULL);
	d = prepare("life_neg", "init_ret=-95", NULL);
	if (!b || !c || !d || np_policy_attach(b, false, &link))
		return 1;
	r = np_policy_swap(c, link);
	check(r == -EINVAL,
	      "update: an init that returns 7 is refused with EINVAL (got %d)",
	      r);
	r = np_policy_swap(d, link);
	check(r == -EOPNOTSUPP,
	      "update: an init that returns -EOPNOTSUPP passes it on (got %d)",
	      r);
	node_file("state", state, sizeof(state));
	node_file("policy", policy, sizeof(policy));
	check(!strcmp(state, "enabled") && !strcmp(policy, "life_a"),
	      "the old policy still decides (%s, %s)", state, policy);
	bpf_link__destroy(link);
	np_policy_close(a);
	np_policy_close(b);
	np_policy_close(c);
	np_policy_close(d);
	return 0;
}

/* Read nodeN/private/@file in a child; true if it answered within @ms. */
static bool read_within(const char *file, int ms, char *out, size_t len)
{
	int pfd[2], status;
	long waited = 0;
	ssize_t n;
	pid_t pid;

	if (pipe(pfd))
		return false;
	pid = fork();
	if (pid == 0) {
		char buf[256];

		close(pfd[0]);
		node_file(file, buf, sizeof(buf));
		n = write(pfd[1], buf, strlen(buf));
		_exit(n < 0);
	}
	close(pfd[1]);
	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (waited >= ms) {
			/* Still blocked: it finishes once the init does. */
			close(pfd[0]);
			return false;
		}
		usleep(10000);
		waited += 10;
	}
	n = read(pfd[0], out, len - 1);
	out[n > 0 ? n : 0] = 0;
	close(pfd[0]);
	return true;
}

static int cmd_initblock(void)
{
	struct attach_job job = { 0 };
	struct uffd_page u;
	char set[64], state[256] = "", policy[256] = "", woke[64];
	pthread_t t;
	bool faulted, quick_state, quick_policy;
	int fd;

	if (uffd_setup(&u))
		return 1;
	snprintf(set, sizeof(set), "init_uaddr=%#lx", (unsigned long)u.addr);
	job.p = prepare("life_block", set, NULL);
	fd = state_arm();
	if (!job.p || pthread_create(&t, NULL, attach_thread, &job))
		return 1;
	faulted = uffd_faulted(&u, 20000);
	check(faulted, "the init callback is waiting for our page");
	check(state_woke(fd, 3000, woke, sizeof(woke)) &&
	      !strcmp(woke, "enabling"),
	      "a poller of state woke for enabling (read '%s')", woke);
	quick_state = read_within("state", 3000, state, sizeof(state));
	quick_policy = read_within("policy", 3000, policy, sizeof(policy));
	check(quick_state && !strcmp(state, "enabling"),
	      "meanwhile nodeN/private/state answers: %s",
	      quick_state ? state : "(blocked)");
	check(quick_policy, "meanwhile nodeN/private/policy answers: %s",
	      quick_policy ? policy : "(blocked)");
	uffd_release(&u);
	pthread_join(t, NULL);
	check(job.ret == 0, "the attach completes once the page comes (%d)",
	      job.ret);
	node_file("state", state, sizeof(state));
	check(!strcmp(state, "enabled"), "the policy is enabled (%s)", state);
	check(state_woke(fd, 3000, woke, sizeof(woke)) &&
	      !strcmp(woke, "enabled"),
	      "the poller woke again for enabled (read '%s')", woke);
	if (fd >= 0)
		close(fd);
	bpf_link__destroy(job.link);
	np_policy_close(job.p);
	return 0;
}

/* Fault one page in a range bound to the node: one admit decision. */
static void fault_on_node(void)
{
	unsigned long mask = mask_of(nid, -1);
	char *p = map_anon(page_size);

	if (p && !mbind(p, page_size, MPOL_BIND, &mask, MAX_NODES, 0))
		p[0] = 1;
	if (p)
		munmap(p, page_size);
}

static int cmd_updateerror(void)
{
	struct attach_job job = { 0 };
	char set[64], state[64] = "", kind[64], reason[64], flags[128];
	struct uffd_page u;
	bool faulted;
	pthread_t t;
	int i;

	if (uffd_setup(&u))
		return 1;
	snprintf(set, sizeof(set), "exit_uaddr=%#lx", (unsigned long)u.addr);
	job.p = prepare("life_old", set, NULL);
	job.next = prepare_flags("life_new", "migration,mempolicy,compaction",
				 "error_after=1", NULL);
	if (!job.p || !job.next || np_policy_attach(job.p, false, &job.link))
		return 1;
	if (pthread_create(&t, NULL, attach_thread, &job))
		return 1;
	/* The update waits in the old policy's exit... */
	faulted = uffd_faulted(&u, 20000);
	check(faulted, "the old policy's exit callback is waiting for our page");
	/* ...while the new policy decides, and errs at once. */
	fault_on_node();
	/* The error is acted on after the update: its flags go before. */
	node_file("flags", flags, sizeof(flags));
	check(!strcmp(flags, "migration mempolicy"),
	      "while the update still runs, the flags are the built-in policy's (%s)",
	      flags);
	uffd_release(&u);
	pthread_join(t, NULL);
	check(job.ret == 0, "the update completes (%d)", job.ret);
	for (i = 0; i < 100; i++) {
		node_file("state", state, sizeof(state));
		if (!strcmp(state, "error"))
			break;
		usleep(50000);
	}
	exit_field("kind", kind, sizeof(kind));
	exit_field("reason", reason, sizeof(reason));
	check(!strcmp(state, "error") && !strcmp(kind, "error_bpf") &&
	      !strcmp(reason, "4242"),
	      "the new policy's first error disabled it (state %s, exit %s %s)",
	      state, kind, reason);
	bpf_link__destroy(job.link);
	np_policy_close(job.p);
	np_policy_close(job.next);
	return 0;
}

int main(int argc, char **argv)
{
	int rc;

	page_size = sysconf(_SC_PAGESIZE);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 3) {
		fprintf(stderr, "usage: nplife NODE initret|initblock|updateerror\n");
		return 2;
	}
	nid = atoi(argv[1]);
	if (!strcmp(argv[2], "initret"))
		rc = cmd_initret();
	else if (!strcmp(argv[2], "initblock"))
		rc = cmd_initblock();
	else if (!strcmp(argv[2], "updateerror"))
		rc = cmd_updateerror();
	else
		return 2;
	return rc ? rc : (failures ? 1 : 0);
}
