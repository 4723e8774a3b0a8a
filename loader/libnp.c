// SPDX-License-Identifier: GPL-2.0
/*
 * libnp: load, attach, replace and inspect BPF policies of private memory
 * nodes.  See libnp.h.  This file: messages, flags, where policies are
 * installed, capabilities, and the nodes' sysfs files; the rest is in
 * libnp_policy.c (opening, setting up and loading a policy), libnp_pin.c
 * (attaching, swapping and detaching, the pins in bpffs),
 * libnp_tunables.c (a running policy's tunables) and libnp_btf.c (struct
 * members found through BTF, and the rules of tunables).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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
static np_print_fn np_print;


np_print_fn np_set_print(np_print_fn fn)
{
	np_print_fn old = np_print;

	np_print = fn;
	return old;
}

/*
 * Every message of the library goes through here, to the caller's print
 * function if it set one, else to stderr; errno is kept.
 */
__attribute__((format(printf, 1, 2)))
void np_err(const char *fmt, ...)
{
	int saved = errno;
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (np_print)
		np_print(msg);
	else
		fputs(msg, stderr);
	errno = saved;
}

static const char * const np_flag_names[] = {
	"migration", "mempolicy", "demotion", "protect_write", "reclaim",
	"numa_balancing", "compaction", "longterm_pin",
};

const char *np_flag_name(unsigned int bit)
{
	if (bit >= sizeof(np_flag_names) / sizeof(np_flag_names[0]))
		return NULL;
	return np_flag_names[bit];
}

int np_flags_format(unsigned int flags, const char *sep, char *buf,
		    size_t len)
{
	size_t used = 0;
	unsigned int i;

	if (!len)
		return -E2BIG;
	buf[0] = '\0';
	for (i = 0; np_flag_name(i); i++) {
		if (!(flags & (1U << i)))
			continue;
		used += snprintf(buf + used, len - used, "%s%s",
				 used ? sep : "", np_flag_name(i));
		if (used >= len)
			return -E2BIG;
	}
	return 0;
}

int np_flags_parse(const char *s, unsigned int *flags)
{
	char *copy, *tok, *save = NULL, *end, names[160];
	unsigned long v;
	unsigned int i, out = 0;
	int ret = 0;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (*s && !*end && !errno) {
		if (v & ~(unsigned long)NP_OPS_ALL) {
			np_err("flags %#lx: unknown bits %#lx\n", v,
				v & ~(unsigned long)NP_OPS_ALL);
			return -EINVAL;
		}
		*flags = v;
		return 0;
	}
	copy = strdup(s);
	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",| ", &save); tok;
	     tok = strtok_r(NULL, ",| ", &save)) {
		for (i = 0; np_flag_name(i); i++)
			if (!strcasecmp(tok, np_flag_name(i)))
				break;
		if (!np_flag_name(i)) {
			np_flags_format(NP_OPS_ALL, " ", names, sizeof(names));
			np_err("unknown flag '%s'; flags are: %s\n", tok, names);
			ret = -EINVAL;
			goto out;
		}
		out |= 1U << i;
	}
	*flags = out;
out:
	free(copy);
	return ret;
}

const char *np_policy_dir(void)
{
	static char dir[PATH_MAX + 16];
	char exe[PATH_MAX], *slash, *base;
	const char *env = getenv("NP_POLICY_DIR");
	ssize_t n;

	if (env && *env)
		return env;
	/*
	 * In a build tree, the policies built with the binary:
	 * build/loader/npctl and build/tests/npswap -> build/bpf.  An
	 * installed binary (in no directory called "loader" or "tests")
	 * uses the installed policies only.
	 */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			base = strrchr(exe, '/');
			if (base && (!strcmp(base, "/loader") ||
				     !strcmp(base, "/tests"))) {
				snprintf(dir, sizeof(dir), "%s/../bpf", exe);
				if (!access(dir, R_OK))
					return dir;
			}
		}
	}
	return NP_LIB_DIR;
}

static const struct {
	int cap;
	const char *name;
} np_cap_names[] = {
	{ CAP_BPF, "CAP_BPF" },
	{ CAP_PERFMON, "CAP_PERFMON" },
	{ CAP_SYS_ADMIN, "CAP_SYS_ADMIN" },
};

_Static_assert(NP_CAPS_POLICY == (NP_CAP(CAP_BPF) | NP_CAP(CAP_PERFMON) |
				  NP_CAP(CAP_SYS_ADMIN)),
	       "NP_CAPS_POLICY names other capabilities");

int np_caps_missing(unsigned long long need, char *buf, size_t len)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
	unsigned long long have;
	size_t used = 0;
	unsigned int i;
	int n = 0;

	if (len)
		buf[0] = '\0';
	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	have = data[0].effective | (unsigned long long)data[1].effective << 32;
	/* As bpf_capable() and perfmon_capable() in the kernel. */
	if (have & NP_CAP(CAP_SYS_ADMIN))
		have |= NP_CAP(CAP_BPF) | NP_CAP(CAP_PERFMON);
	for (i = 0; i < sizeof(np_cap_names) / sizeof(np_cap_names[0]); i++) {
		if (!(need & NP_CAP(np_cap_names[i].cap)) ||
		    (have & NP_CAP(np_cap_names[i].cap)))
			continue;
		if (used < len)
			used += snprintf(buf + used, len - used, "%s%s",
					 n ? ", " : "", np_cap_names[i].name);
		n++;
	}
	return n;
}

/* Read a one-value sysfs file into BUF, without the final newline. */
int np_read_file(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	return 0;
}

int np_node_read(int nid, const char *file, char *buf, size_t len)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), NP_SYSFS_NODE "/%s", nid, file);
	return np_read_file(path, buf, len);
}

int np_builtin_flags_set(int nid, const unsigned int *flags)
{
	char path[PATH_MAX], text[160];
	ssize_t n;
	int fd, ret = 0;

	if (!flags) {
		strcpy(text, "default\n");
	} else {
		if (*flags & ~(unsigned int)NP_OPS_ALL)
			return -EINVAL;
		/* Room for the newline: a line without a name is no service
		 * (zero bytes would change nothing). */
		ret = np_flags_format(*flags, " ", text, sizeof(text) - 1);
		if (ret)
			return ret;
		strcat(text, "\n");
	}
	snprintf(path, sizeof(path), NP_SYSFS_NODE "/flags", nid);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	if (n < 0)
		ret = -errno;
	else if ((size_t)n != strlen(text))
		ret = -EIO;
	close(fd);
	return ret;
}

int np_private_nodes(int *nids, int max)
{
	char buf[256], *p, *end;
	long a, b;
	int fd, n = 0;
	ssize_t len;

	fd = open("/sys/devices/system/node/has_private_memory", O_RDONLY);
	if (fd < 0)
		return -errno;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len < 0)
		return -errno;
	buf[len] = '\0';
	for (p = buf; *p && *p != '\n';) {
		a = strtol(p, &end, 10);
		if (end == p)
			return -EINVAL;
		b = a;
		if (*end == '-')
			b = strtol(end + 1, &end, 10);
		for (; a <= b && n < max; a++)
			nids[n++] = a;
		p = *end == ',' ? end + 1 : end;
	}
	return n;
}

int np_node_path(int nid, const char *file, char *buf, size_t len)
{
	int n = snprintf(buf, len, NP_SYSFS_NODE "/%s", nid, file);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int np_device_counters_parse(char *text, struct np_device_counters *c)
{
	static const struct {
		const char *name;
		size_t off;
	} names[] = {
		{ "logical_bytes",
		  offsetof(struct np_device_counters, logical_bytes) },
		{ "physical_bytes",
		  offsetof(struct np_device_counters, physical_bytes) },
		{ "physical_capacity",
		  offsetof(struct np_device_counters, physical_capacity) },
	};
	char *line, *save, *val, *end;
	unsigned long long v;
	unsigned int i, found = 0;

	memset(c, 0, sizeof(*c));
	/* "name value" lines; counters this library does not know are skipped. */
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		val = strchr(line, ' ');
		if (!val)
			return -EINVAL;
		*val++ = '\0';
		errno = 0;
		v = strtoull(val, &end, 10);
		if (*val < '0' || *val > '9' || *end || errno)
			return -EINVAL;
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			if (strcmp(line, names[i].name))
				continue;
			*(unsigned long long *)((char *)c + names[i].off) = v;
			found |= 1U << i;
		}
	}
	if (!found)
		return -ENODATA;
	return found == 7 ? 0 : -EINVAL;
}

int np_device_counters(int nid, struct np_device_counters *c)
{
	char buf[1024];
	int ret;

	memset(c, 0, sizeof(*c));
	ret = np_node_read(nid, "device_counters", buf, sizeof(buf));
	return ret ? ret : np_device_counters_parse(buf, c);
}

int np_device_alert_parse(const char *text, bool *high)
{
	if (!strcmp(text, "high"))
		*high = true;
	else if (!strcmp(text, "normal"))
		*high = false;
	else
		return -EINVAL;
	return 0;
}

int np_device_alert(int nid, bool *high)
{
	char buf[32];
	int ret;

	ret = np_node_read(nid, "device_alert", buf, sizeof(buf));
	return ret ? ret : np_device_alert_parse(buf, high);
}
