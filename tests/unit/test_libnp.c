// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of libnp's parsers, on the host without privileges or a
 * kernel of the series: NP_OPS flags by name and number, and --set
 * assignments checked against a real policy object's BTF (the tunables
 * rules of bpf/cram, the sizes of np_testpol's variables), and the
 * device counters file of nodeN/private/.  The BPF
 * objects are found next to this program's build directory
 * (OUT/tests/unit or unit-san, then OUT/bpf).  Messages go through
 * np_set_print().
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "libnp.h"
#include "np_common.h"
#include "unit.h"

static char last_msg[1024];

static void capture(const char *msg)
{
	snprintf(last_msg, sizeof(last_msg), "%s", msg);
	last_msg[strcspn(last_msg, "\n")] = '\0';
}

static char bpf_dir[PATH_MAX + 8];

static int object(const char *name, char *buf, size_t len)
{
	return snprintf(buf, len, "%s/%s.bpf.o", bpf_dir, name) >= (int)len;
}

static void test_flags(void)
{
	unsigned int f = 0;
	char buf[64];

	EXPECT_INT(np_flags_parse("migration,mempolicy", &f), 0);
	EXPECT_INT(f, NP_OPS_MIGRATION | NP_OPS_MEMPOLICY);
	EXPECT_INT(np_flags_parse("DEMOTION|reclaim", &f), 0);
	EXPECT_INT(f, NP_OPS_DEMOTION | NP_OPS_RECLAIM);
	EXPECT_INT(np_flags_parse("0x3", &f), 0);
	EXPECT_INT(f, 3);
	EXPECT_INT(np_flags_parse("0", &f), 0);
	EXPECT_INT(f, 0);
	f = 77;
	EXPECT_INT(np_flags_parse("migration,bogus", &f), -EINVAL);
	EXPECT_INT(f, 77);
	EXPECT(!strncmp(last_msg, "unknown flag 'bogus'; flags are: migration",
			42));
	EXPECT_INT(np_flags_parse("0x10000", &f), -EINVAL);
	EXPECT_STR(last_msg, "flags 0x10000: unknown bits 0x10000");
	EXPECT_INT(np_flags_parse("-1", &f), -EINVAL);
	EXPECT_STR(np_flag_name(0), "migration");
	EXPECT(np_flag_name(31) == NULL);
	EXPECT_INT(np_flags_format(0x11, ",", buf, sizeof(buf)), 0);
	EXPECT_STR(buf, "migration,reclaim");
	EXPECT_INT(np_flags_format(0x3, " ", buf, sizeof(buf)), 0);
	EXPECT_STR(buf, "migration mempolicy");
	EXPECT_INT(np_flags_format(0, ",", buf, sizeof(buf)), 0);
	EXPECT_STR(buf, "");
	EXPECT_INT(np_flags_format(0x3, ",", buf, 10), -E2BIG);
	EXPECT_STR(buf, "migration");
}

/* Open NAME's object and apply ASSIGNMENT; the return of set_var. */
static int set_var(const char *name, const char *assignment)
{
	struct np_policy *p;
	char path[PATH_MAX];
	int ret;

	if (object(name, path, sizeof(path)))
		return -ENAMETOOLONG;
	ret = np_policy_open(path, &p);
	if (ret) {
		UNIT_FAIL("cannot open %s: %d (%s)", path, ret, last_msg);
		return ret;
	}
	last_msg[0] = '\0';
	ret = np_policy_set_var(p, assignment);
	np_policy_close(p);
	return ret;
}

static void test_set_tunables(void)
{
	EXPECT_INT(set_var("cram", "high_pct=90"), 0);
	EXPECT_INT(set_var("cram", "high_pct=0x64"), 0);
	/*
	 * Its size, here; its rules (at most 100) once loaded, with the
	 * other members set (the VM tests check those).
	 */
	EXPECT_INT(set_var("cram", "high_pct=4294967295"), 0);
	EXPECT_INT(set_var("cram", "high_pct=-1"), -EINVAL);
	EXPECT_INT(set_var("cram", "high_pct=4294967296"), -EINVAL);
	EXPECT_STR(last_msg,
		   "--set high_pct=4294967296: '4294967296' is not an integer from 0 to 4294967295");
	EXPECT_INT(set_var("cram", "high_pct="), -EINVAL);
	EXPECT_INT(set_var("cram", "high_pct=80x"), -EINVAL);
	EXPECT_INT(set_var("cram", "=80"), -EINVAL);
	EXPECT_INT(set_var("cram", "high_pct"), -EINVAL);
	EXPECT_INT(set_var("cram", "no_such=1"), -EINVAL);
	EXPECT(strstr(last_msg, "tunables: high_pct") != NULL);
	EXPECT_INT(set_var("cram", "evacuate_now=18446744073709551615"), 0);
	EXPECT_INT(set_var("cram", "evacuate_now=18446744073709551616"),
		   -EINVAL);
}

/* Apply N assignments to NAME's object; np_policy_check_tunables(). */
static int check_rules(const char *name, const char *const *sets, int n)
{
	struct np_policy *p;
	char path[PATH_MAX];
	int i, ret = 0;

	if (object(name, path, sizeof(path)) || np_policy_open(path, &p))
		return -ENOENT;
	last_msg[0] = '\0';
	for (i = 0; i < n && !ret; i++)
		ret = np_policy_set_var(p, sets[i]);
	if (!ret)
		ret = np_policy_check_tunables(p, "set");
	np_policy_close(p);
	return ret;
}

static void test_tunables_rules(void)
{
	const char *max[] = { "high_pct=101" };
	const char *below[] = { "high_pct=60", "low_pct=70" };
	const char *defaults[] = { "low_pct=85" };
	const char *fine[] = { "low_pct=70", "high_pct=90" };
	const char *equal[] = { "high_pct=100", "low_pct=100" };

	EXPECT_INT(check_rules("cram", max, 1), -EINVAL);
	EXPECT_STR(last_msg, "set: high_pct=101: high_pct is at most 100");
	EXPECT_INT(check_rules("cram", below, 2), -EINVAL);
	EXPECT_STR(last_msg, "set: low_pct (70) must be below high_pct (60)");
	/* high_pct unset means its default, 80. */
	EXPECT_INT(check_rules("cram", defaults, 1), -EINVAL);
	EXPECT_STR(last_msg,
		   "set: low_pct (85) must be below high_pct (80, its default)");
	EXPECT_INT(check_rules("cram", fine, 2), 0);
	EXPECT_INT(check_rules("cram", equal, 2), -EINVAL);
	EXPECT_INT(check_rules("cram", NULL, 0), 0);
}

static void test_set_globals(void)
{
	/* admit_verdict is an s32 variable, error_after a u32. */
	EXPECT_INT(set_var("np_testpol", "admit_verdict=-1"), 0);
	EXPECT_INT(set_var("np_testpol", "admit_verdict=2147483647"), 0);
	EXPECT_INT(set_var("np_testpol", "admit_verdict=4294967296"),
		   -EINVAL);
	EXPECT(strstr(last_msg, "does not fit admit_verdict") != NULL);
	EXPECT_INT(set_var("np_testpol", "error_after=-2147483649"),
		   -EINVAL);
	EXPECT_INT(set_var("np_testpol", "error_after=9223372036854775808"),
		   -EINVAL);
	EXPECT_INT(set_var("np_testpol", "nope=1"), -EINVAL);
	EXPECT(strstr(last_msg, "has no variable 'nope'") != NULL);
}

static void test_open_errors(void)
{
	struct np_policy *p = NULL;
	char path[PATH_MAX];

	EXPECT_INT(np_policy_open("/nonexistent/x.bpf.o", &p), -ENOENT);
	EXPECT(strstr(last_msg, "No such file") != NULL);
	/* A BPF object that is not a private node policy. */
	if (object("alloc_trace", path, sizeof(path)))
		return;
	EXPECT(np_policy_open(path, &p) < 0);
	EXPECT(last_msg[0] != '\0');
}

/* parse TEXT (copied: the parser cuts it up) into *C. */
static int counters(const char *text, struct np_device_counters *c)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "%s", text);
	return np_device_counters_parse(buf, c);
}

static void test_device_counters(void)
{
	struct np_device_counters c;

	EXPECT_INT(counters("logical_bytes 8192\nphysical_bytes 4096\n"
			    "physical_capacity 33554432\n", &c), 0);
	EXPECT(c.logical_bytes == 8192 && c.physical_bytes == 4096 &&
	       c.physical_capacity == 33554432);
	/* Counters a newer kernel adds are skipped; the order is free. */
	EXPECT_INT(counters("physical_capacity 1\nnew_counter 7\n"
			    "physical_bytes 18446744073709551615\n"
			    "logical_bytes 0", &c), 0);
	EXPECT(c.physical_bytes == 18446744073709551615ULL &&
	       c.physical_capacity == 1 && c.logical_bytes == 0);
	/* A device without counters: an empty file. */
	EXPECT_INT(counters("", &c), -ENODATA);
	EXPECT_INT(counters("new_counter 7\n", &c), -ENODATA);
	/* One missing, a value that is not a number or does not fit. */
	EXPECT_INT(counters("logical_bytes 1\nphysical_bytes 2\n", &c),
		   -EINVAL);
	EXPECT_INT(counters("logical_bytes 1\nphysical_bytes x\n"
			    "physical_capacity 3\n", &c), -EINVAL);
	EXPECT_INT(counters("logical_bytes 1\nphysical_bytes 2\n"
			    "physical_capacity 18446744073709551616\n", &c),
		   -EINVAL);
	EXPECT_INT(counters("logical_bytes -1\nphysical_bytes 2\n"
			    "physical_capacity 3\n", &c), -EINVAL);
	EXPECT_INT(counters("logical_bytes\n", &c), -EINVAL);
	EXPECT_INT(counters("logical_bytes \n", &c), -EINVAL);
}

static void test_device_alert(void)
{
	bool high = false;

	EXPECT_INT(np_device_alert_parse("high", &high), 0);
	EXPECT(high);
	EXPECT_INT(np_device_alert_parse("normal", &high), 0);
	EXPECT(!high);
	EXPECT_INT(np_device_alert_parse("High", &high), -EINVAL);
	EXPECT_INT(np_device_alert_parse("", &high), -EINVAL);
	EXPECT(!high);
}

int main(int argc, char **argv)
{
	char exe[PATH_MAX], *slash;
	ssize_t n;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return 2;
	exe[n] = '\0';
	/* OUT/tests/unit/test_libnp -> OUT/bpf */
	for (int i = 0; i < 3 && (slash = strrchr(exe, '/')); i++)
		*slash = '\0';
	snprintf(bpf_dir, sizeof(bpf_dir), "%s/bpf", exe);
	if (argc > 1)
		snprintf(bpf_dir, sizeof(bpf_dir), "%s", argv[1]);
	np_set_print(capture);
	RUN(test_flags, "libnp: NP_OPS flags by name and number, and errors");
	RUN(test_device_counters,
	    "libnp: nodeN/private/device_counters, whatever the device");
	RUN(test_device_alert, "libnp: nodeN/private/device_alert's two values");
	RUN(test_set_tunables,
	    "libnp: --set of a tunable: an unsigned value of its size");
	RUN(test_tunables_rules,
	    "libnp: the tunables' rules checked before anything is loaded");
	RUN(test_set_globals,
	    "libnp: --set of a global variable: its size, signed or not");
	RUN(test_open_errors, "libnp: objects that are not policies");
	return unit_done("test_libnp");
}
