// SPDX-License-Identifier: GPL-2.0
/*
 * libnp: attach, swap and detach policies, and keep their pins in bpffs
 * (/sys/fs/bpf/np: trusted directory, one lock around every change,
 * stale pins detected and removed).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "np_common.h"
#include "libnp.h"
#include "libnp_internal.h"
#include "np_paths.h"

/*
 * bpffs as libnp mounts it is root's alone (mode=0700).  A bpffs mounted by
 * someone else is used as it is: its root is usually world-writable and
 * sticky (the kernel's default), which np_pin_dir_check() allows.
 */
static int np_bpffs_ready(void)
{
	struct statfs st;

	if (!statfs(NP_BPFFS, &st) && st.f_type == BPF_FS_MAGIC)
		return 0;
	if (mount("bpf", NP_BPFFS, "bpf", 0, "mode=0700")) {
		np_err("cannot mount bpffs on %s: %s\n", NP_BPFFS,
			strerror(errno));
		return -errno;
	}
	return 0;
}

/*
 * Whether directory PATH may hold the pins: owned by root or by us, and
 * without the mode bits FORBID, unless STICKY_OK and it is sticky (bpffs'
 * root by default: others may add entries but not remove ours).  Whoever
 * can unlink a pin can detach the policy it holds.  -ENOENT is silent.
 */
static int np_dir_trusted(const char *path, mode_t forbid, bool sticky_ok)
{
	struct stat st;
	int fd, ret;

	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		if (ret != -ENOENT)
			np_err("cannot open %s: %s\n", path, strerror(-ret));
		return ret;
	}
	ret = fstat(fd, &st) ? -errno : 0;
	close(fd);
	if (ret) {
		np_err("cannot stat %s: %s\n", path, strerror(-ret));
		return ret;
	}
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		np_err("refusing %s: it is owned by uid %u, not by root, and its "
		       "owner could detach the policies pinned in it (remove "
		       "it or chown it to root)\n", path,
		       (unsigned int)st.st_uid);
		return -EPERM;
	}
	if ((st.st_mode & forbid) && !(sticky_ok && (st.st_mode & S_ISVTX))) {
		np_err("refusing %s: its mode %04o gives others access to the "
		       "pins in it (chmod %04o it)\n", path,
		       (unsigned int)(st.st_mode & 07777),
		       (unsigned int)(st.st_mode & 07777 & ~forbid));
		return -EPERM;
	}
	return 0;
}

int np_pin_dir_check(bool create)
{
	int ret;

	if (create) {
		ret = np_bpffs_ready();
		if (ret)
			return ret;
	}
	ret = np_dir_trusted(NP_BPFFS, S_IWGRP | S_IWOTH, true);
	if (ret)
		return ret == -ENOENT && !create ? 0 : ret;
	if (create && mkdir(NP_PIN_ROOT, 0700) && errno != EEXIST) {
		ret = -errno;
		np_err("cannot create %s: %s\n", NP_PIN_ROOT, strerror(-ret));
		return ret;
	}
	ret = np_dir_trusted(NP_PIN_ROOT, S_IRWXG | S_IRWXO, false);
	return ret == -ENOENT && !create ? 0 : ret;
}

int np_pin_path(int nid, char *buf, size_t len)
{
	int n = snprintf(buf, len, NP_PIN_ROOT "/node%d", nid);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* bpffs refuses names with dots: "node2_tunables", not "node2.tunables". */
int np_tunables_pin_path(int nid, char *buf, size_t len)
{
	int n = snprintf(buf, len, NP_PIN_ROOT "/node%d_tunables", nid);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/*
 * Pin the tunables map of P under a temporary name, into TMP, so that
 * np_tunables_pin_commit() can move it over the old pin in one rename(2).
 */
static int np_tunables_pin_tmp(struct np_policy *p, char *tmp, size_t len)
{
	int n, ret;

	n = snprintf(tmp, len, NP_PIN_ROOT "/node%d_tunables_new%d", p->nid,
		     (int)getpid());
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	unlink(tmp);
	if (bpf_obj_pin(bpf_map__fd(p->tun_map), tmp)) {
		ret = -errno;
		np_err("node %d: cannot pin the tunables of policy %s at %s: %s\n",
		       p->nid, p->name, tmp, strerror(-ret));
		return ret;
	}
	return 0;
}

/*
 * Put the tunables pinned at TMP in their place for node NID, replacing
 * any older pin; with TMP NULL, remove the pin of a previous policy.
 */
static int np_tunables_pin_commit(int nid, const char *tmp)
{
	char path[PATH_MAX];
	int ret;

	np_tunables_pin_path(nid, path, sizeof(path));
	if (tmp) {
		if (!rename(tmp, path))
			return 0;
		ret = -errno;
		np_err("node %d: cannot move the tunables pin %s to %s: %s\n",
		       nid, tmp, path, strerror(-ret));
		unlink(tmp);
		return ret;
	}
	if (!unlink(path) || errno == ENOENT)
		return 0;
	ret = -errno;
	np_err("node %d: cannot remove the stale tunables pin %s: %s\n", nid,
	       path, strerror(-ret));
	return ret;
}

/*
 * Every change of the pins (attach, swap, detach, the removal of a stale
 * pin) holds an exclusive flock on the pin directory: otherwise a detach
 * could remove the pin an attach had just made, or two attachers each
 * remove the other's as stale.  Returns the locked descriptor, or a
 * negative errno (-ENOENT: no directory, so no pin either).
 */
static int np_pin_lock(void)
{
	int fd, ret;

	fd = open(NP_PIN_ROOT, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		  O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX)) {
		ret = -errno;
		close(fd);
		np_err("cannot lock %s: %s\n", NP_PIN_ROOT, strerror(-ret));
		return ret;
	}
	return fd;
}

static void np_pin_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}

static int np_pin_clean_locked(int nid);

int np_policy_attach(struct np_policy *p, bool pin, struct bpf_link **out)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	bool tun = pin && p->tun_map;
	struct bpf_link *link;
	int lock = -1, ret;

	if (pin) {
		ret = np_pin_dir_check(true);
		if (ret)
			return ret;
		lock = np_pin_lock();
		if (lock < 0)
			return lock;
		ret = np_pin_clean_locked(p->nid);
		if (ret < 0)
			goto out;
	}
	if (tun) {
		ret = np_tunables_pin_tmp(p, tmp, sizeof(tmp));
		if (ret)
			goto out;
	}
	link = bpf_map__attach_struct_ops(p->map);
	if (!link) {
		ret = -errno;
		np_err("node %d: policy %s not attached: %s\n", p->nid,
			p->name, np_attach_strerror(ret));
		goto err_tmp;
	}
	if (!pin) {
		*out = link;
		return 0;
	}
	np_pin_path(p->nid, path, sizeof(path));
	ret = bpf_link__pin(link, path);
	if (ret) {
		np_err("node %d: cannot pin the link of policy %s at %s: %s\n",
			p->nid, p->name, path, strerror(-ret));
		/* Nothing half-done stays: destroying the link detaches. */
		bpf_link__destroy(link);
		goto err_tmp;
	}
	ret = np_tunables_pin_commit(p->nid, tun ? tmp : NULL);
	if (ret) {
		/* Unpinned and closed, the link goes and detaches. */
		bpf_link__unpin(link);
		bpf_link__destroy(link);
		goto out;
	}
	/* The pin keeps the policy attached now. */
	np_link_put(link);
	ret = 0;
	goto out;
err_tmp:
	if (tun)
		unlink(tmp);
out:
	np_pin_unlock(lock);
	return ret;
}

int np_policy_swap(struct np_policy *p, struct bpf_link *link)
{
	const char *pinned = bpf_link__pin_path(link);
	char path[PATH_MAX], tmp[PATH_MAX];
	int lock = -1, ret;
	bool repin, tun;

	/* A pinned link of the node: its tunables pin follows the policy. */
	np_pin_path(p->nid, path, sizeof(path));
	repin = pinned && !strcmp(pinned, path);
	tun = repin && p->tun_map;
	if (repin) {
		lock = np_pin_lock();
		if (lock < 0)
			return lock;
	}
	if (tun) {
		ret = np_tunables_pin_tmp(p, tmp, sizeof(tmp));
		if (ret)
			goto out;
	}
	ret = bpf_link__update_map(link, p->map);
	if (ret) {
		np_err("node %d: policy %s not swapped in: %s\n",
			p->nid, p->name, np_attach_strerror(ret));
		if (tun)
			unlink(tmp);
		goto out;
	}
	/* The policy is in; a failure here leaves a stale pin at worst. */
	ret = repin ? np_tunables_pin_commit(p->nid, tun ? tmp : NULL) : 0;
out:
	np_pin_unlock(lock);
	return ret;
}

struct bpf_link *np_link_open(int nid)
{
	char path[PATH_MAX];
	struct bpf_link *link;

	char why[128];
	int ret;

	ret = np_pin_stale(nid, why, sizeof(why));
	if (ret > 0) {
		np_err("node %d: the pin at " NP_PIN_ROOT "/node%d is stale (%s); "
		       "attaching a policy replaces it\n", nid, nid, why);
		errno = ESTALE;
		return NULL;
	}
	if (ret < 0 && ret != -ENOENT) {
		errno = -ret;
		return NULL;
	}
	np_pin_path(nid, path, sizeof(path));
	link = bpf_link__open(path);
	if (!link)
		np_err("node %d: no policy link pinned at %s: %s\n",
			nid, path, strerror(errno));
	return link;
}

int np_pin_stale(int nid, char *why, size_t len)
{
	struct bpf_link_info info;
	__u32 ilen = sizeof(info);
	char path[PATH_MAX], state[32];
	int fd, ret;

	if (len)
		why[0] = '\0';
	ret = np_pin_dir_check(false);
	if (ret)
		return ret;
	np_pin_path(nid, path, sizeof(path));
	fd = bpf_obj_get(path);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	memset(&info, 0, sizeof(info));
	ret = bpf_link_get_info_by_fd(fd, &info, &ilen);
	close(fd);
	if (ret) {
		/* Not a link at all: nothing of a policy. */
		snprintf(why, len, "it is not a BPF link");
		return 1;
	}
	if (info.type != BPF_LINK_TYPE_STRUCT_OPS) {
		snprintf(why, len, "it is a link of type %u, not a policy's",
			 info.type);
		return 1;
	}
	if (!info.struct_ops.map_id) {
		snprintf(why, len, "its link was detached");
		return 1;
	}
	ret = np_node_read(nid, "state", state, sizeof(state));
	if (ret == -ENOENT) {
		snprintf(why, len, "node %d is no longer private", nid);
		return 1;
	}
	if (ret)
		return ret;
	if (!strcmp(state, "none")) {
		snprintf(why, len, "node %d has no policy: the link outlived it",
			 nid);
		return 1;
	}
	return 0;
}

/*
 * Remove the temporary tunables pins of node NID that np_tunables_pin_tmp()
 * left behind in a process that is gone.
 */
static void np_pin_clean_tmp(int nid)
{
	char prefix[64], path[PATH_MAX];
	struct dirent *de;
	int n, pid;
	DIR *d;

	n = snprintf(prefix, sizeof(prefix), "node%d_tunables_new", nid);
	d = opendir(NP_PIN_ROOT);
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, prefix, n))
			continue;
		pid = atoi(de->d_name + n);
		if (pid > 0 && (!kill(pid, 0) || errno != ESRCH))
			continue;
		snprintf(path, sizeof(path), NP_PIN_ROOT "/%s", de->d_name);
		if (!unlink(path))
			np_err("node %d: removed %s, left by process %d\n",
			       nid, path, pid);
	}
	closedir(d);
}

int np_pin_clean(int nid)
{
	int lock, ret;

	ret = np_pin_dir_check(false);
	if (ret)
		return ret;
	lock = np_pin_lock();
	if (lock == -ENOENT)
		return 0;
	if (lock < 0)
		return lock;
	ret = np_pin_clean_locked(nid);
	np_pin_unlock(lock);
	return ret;
}

/*
 * With the pin lock held and the node's link live: a tunables pin that is
 * not the attached policy's map (left by a crash between a swap and the
 * move of the pin, or by a swap through another tool) is replaced by the
 * policy's own map called "tunables", or removed if it has none.  1 if
 * it was stale, 0 if not, or a negative errno; what it did is reported.
 */
static int np_tunables_pin_repair(int nid)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info), live;
	char path[PATH_MAX], tmp[PATH_MAX + 32];
	int fd, ret;

	np_tunables_pin_path(nid, path, sizeof(path));
	fd = bpf_obj_get(path);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	memset(&info, 0, sizeof(info));
	ret = bpf_map_get_info_by_fd(fd, &info, &len) ? -errno : 0;
	close(fd);
	if (!ret)
		ret = np_live_uses_map(nid, info.id);
	if (ret == 1 || ret == -ESTALE)
		return 0;
	if (ret < 0)
		return ret;
	ret = np_live_map_named(nid, "tunables", &live);
	if (ret < 0)
		return ret;
	if (!ret) {
		if (unlink(path) && errno != ENOENT) {
			ret = -errno;
			np_err("node %d: cannot remove the stale pin %s: %s\n",
			       nid, path, strerror(-ret));
			return ret;
		}
		np_err("node %d: removed the stale pin %s: the attached policy has no tunables\n",
		       nid, path);
		return 1;
	}
	/* Pinned aside, then renamed over the stale pin: never missing. */
	snprintf(tmp, sizeof(tmp), "%s_new%d", path, (int)getpid());
	fd = bpf_map_get_fd_by_id(live);
	ret = fd < 0 ? -errno : (bpf_obj_pin(fd, tmp) ? -errno : 0);
	if (fd >= 0)
		close(fd);
	if (!ret && rename(tmp, path)) {
		ret = -errno;
		unlink(tmp);
	}
	if (ret) {
		np_err("node %d: cannot pin the attached policy's tunables at %s: %s\n",
		       nid, path, strerror(-ret));
		return ret;
	}
	np_err("node %d: %s held another policy's tunables (map %u); now the attached policy's (map %u)\n",
	       nid, path, info.id, live);
	return 1;
}

/*
 * np_pin_clean() with the pin lock held; every caller has checked the
 * directory first, so nothing is removed from one that is not trusted.
 */
static int np_pin_clean_locked(int nid)
{
	char path[PATH_MAX], why[128];
	int ret;

	np_pin_clean_tmp(nid);
	ret = np_pin_stale(nid, why, sizeof(why));
	/*
	 * The link holds the policy: its tunables pin is repaired, best
	 * effort (np_tunables_update() refuses a stale one anyway), and the
	 * pins are not stale.
	 */
	if (!ret) {
		np_tunables_pin_repair(nid);
		return 0;
	}
	if (ret < 0)
		return ret;
	np_pin_path(nid, path, sizeof(path));
	np_err("node %d: removing the stale pin %s: %s\n", nid, path, why);
	if (unlink(path) && errno != ENOENT) {
		ret = -errno;
		np_err("node %d: cannot remove %s: %s\n", nid, path,
		       strerror(-ret));
		return ret;
	}
	ret = np_tunables_pin_commit(nid, NULL);
	return ret ? ret : 1;
}

void np_link_put(struct bpf_link *link)
{
	int fd;

	if (!link)
		return;
	fd = bpf_link__fd(link);
	bpf_link__disconnect(link);
	bpf_link__destroy(link);
	if (fd >= 0)
		close(fd);
}

int np_link_detach(int nid)
{
	struct bpf_link *link;
	char path[PATH_MAX];
	int lock, ret;

	ret = np_pin_dir_check(false);
	if (ret)
		return ret;
	lock = np_pin_lock();
	if (lock < 0 && lock != -ENOENT)
		return lock;
	/* A stale pin holds no policy: removing it is all there is to do. */
	ret = lock < 0 ? 0 : np_pin_clean_locked(nid);
	if (ret) {
		ret = ret > 0 ? 0 : ret;
		goto out;
	}
	link = np_link_open(nid);
	if (!link) {
		ret = -ENOENT;
		goto out;
	}
	ret = bpf_link__detach(link);
	if (ret)
		np_err("node %d: detach failed: %s\n", nid,
			strerror(-ret));
	np_link_put(link);
	if (ret)
		goto out;
	np_pin_path(nid, path, sizeof(path));
	if (unlink(path)) {
		ret = -errno;
		np_err("node %d: cannot remove %s: %s\n", nid, path,
			strerror(-ret));
		goto out;
	}
	ret = np_tunables_pin_commit(nid, NULL);
out:
	np_pin_unlock(lock);
	return ret;
}
