/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A very small test harness for the host unit tests: RUN() runs a test
 * function and prints "ok - NAME" or "not ok - NAME" after the reasons of
 * its failed checks ("#" lines); unit_done() is the exit status of the
 * program, non-zero if any test failed.
 */
#ifndef UNIT_H
#define UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_bad;		/* failed checks in the running test */
static int unit_tests;
static int unit_failed;

#define UNIT_FAIL(fmt, ...)						\
	do {								\
		unit_bad++;						\
		printf("#   %s:%d: " fmt "\n", __FILE__, __LINE__,	\
		       ##__VA_ARGS__);					\
	} while (0)

#define EXPECT(cond)							\
	do {								\
		if (!(cond))						\
			UNIT_FAIL("expected %s", #cond);		\
	} while (0)

#define EXPECT_INT(got, want)						\
	do {								\
		long long _g = (got), _w = (want);			\
		if (_g != _w)						\
			UNIT_FAIL("%s is %lld, expected %lld", #got,	\
				  _g, _w);				\
	} while (0)

#define EXPECT_STR(got, want)						\
	do {								\
		const char *_g = (got), *_w = (want);			\
		if (!_g || strcmp(_g, _w))				\
			UNIT_FAIL("%s\n#     got:      '%s'\n"		\
				  "#     expected: '%s'", #got,		\
				  _g ? _g : "(null)", _w);		\
	} while (0)

static inline void unit_run(void (*fn)(void), const char *name)
{
	unit_bad = 0;
	fn();
	unit_tests++;
	if (unit_bad)
		unit_failed++;
	printf("%s - %s\n", unit_bad ? "not ok" : "ok", name);
	fflush(stdout);
}

#define RUN(fn, name)	unit_run(fn, name)

static inline int unit_done(const char *what)
{
	printf("# %s: %d tests, %d failed\n", what, unit_tests, unit_failed);
	return unit_failed ? 1 : 0;
}

#endif /* UNIT_H */
