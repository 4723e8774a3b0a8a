// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of what keeps npctl's JSON valid (loader/np_json.h): UTF-8
 * checked sequence by sequence, ill-formed bytes and unescaped control
 * characters replaced by U+FFFD, a cut result never splitting a
 * character, the strict number check, and bpftool's writer (linked as
 * npctl links it) producing the exact text for sanitized input.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include "np_json.h"
#include "unit.h"

#define FFFD	NP_JSON_FFFD

static const char *sanitized(const char *in)
{
	static char buf[256];

	np_json_sanitize(buf, sizeof(buf), in);
	return buf;
}

static void test_utf8_seq(void)
{
	EXPECT_INT(np_utf8_seq((const unsigned char *)"a"), 1);
	EXPECT_INT(np_utf8_seq((const unsigned char *)"\xc3\xa9"), 2);
	EXPECT_INT(np_utf8_seq((const unsigned char *)"\xe2\x82\xac"), 3);
	EXPECT_INT(np_utf8_seq((const unsigned char *)"\xf0\x9f\x98\x80"), 4);
	EXPECT_INT(np_utf8_seq((const unsigned char *)"\xf4\x8f\xbf\xbf"), 4);
	/* A lone continuation byte, and bytes that never start one. */
	EXPECT_INT(np_utf8_seq((const unsigned char *)"\x80"), -1);
	EXPECT_INT(np_utf8_seq((const unsigned char *)"\xc0\xaf"), -1);
	EXPECT_INT(np_utf8_seq((const unsigned char *)"\xff"), -1);
	EXPECT_INT(np_utf8_seq((const unsigned char *)"\xf5\x80\x80\x80"), -1);
	/* Overlong, surrogate and above U+10FFFF: the lead byte alone. */
	EXPECT_INT(np_utf8_seq((const unsigned char *)"\xe0\x80\x80"), -1);
	EXPECT_INT(np_utf8_seq((const unsigned char *)"\xed\xa0\x80"), -1);
	EXPECT_INT(np_utf8_seq((const unsigned char *)"\xf0\x80\x80\x80"), -1);
	EXPECT_INT(np_utf8_seq((const unsigned char *)"\xf4\x90\x80\x80"), -1);
	/* Truncated: the maximal subpart is what came before the break. */
	EXPECT_INT(np_utf8_seq((const unsigned char *)"\xe2\x82"), -2);
	EXPECT_INT(np_utf8_seq((const unsigned char *)"\xe2\x82x"), -2);
	EXPECT_INT(np_utf8_seq((const unsigned char *)"\xf0\x9f\x98"), -3);
	EXPECT_INT(np_utf8_seq((const unsigned char *)"\xc3"), -1);
}

static void test_sanitize(void)
{
	EXPECT_STR(sanitized(""), "");
	EXPECT_STR(sanitized("plain ascii, \"quotes\" \\ and\ttabs\n"),
		   "plain ascii, \"quotes\" \\ and\ttabs\n");
	EXPECT_STR(sanitized("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
		   "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	EXPECT_STR(sanitized("a\x80z"), "a" FFFD "z");
	EXPECT_STR(sanitized("\xff\xfe"), FFFD FFFD);
	EXPECT_STR(sanitized("x\xe2\x82"), "x" FFFD);
	EXPECT_STR(sanitized("\xe2\x82y"), FFFD "y");
	/* Unicode's example: one U+FFFD per maximal subpart. */
	EXPECT_STR(sanitized("a\xf1\x80\x80\xe1\x80\xc2" "b"),
		   "a" FFFD FFFD FFFD "b");
	EXPECT_STR(sanitized("\xed\xa0\x80"), FFFD FFFD FFFD);
	EXPECT_STR(sanitized("\xc0\xaf"), FFFD FFFD);
	/* Control characters the writer copies as they are. */
	EXPECT_STR(sanitized("a\x01" "b\x1f" "c\x7f"),
		   "a" FFFD "b" FFFD "c\x7f");
	EXPECT_STR(sanitized("\b\f\r"), "\b\f\r");
}

static void test_sanitize_cut(void)
{
	char buf[8];

	/* The length is the whole result's, as snprintf's. */
	EXPECT_INT(np_json_sanitize(NULL, 0, "abc\xff"), 6);
	EXPECT_INT(np_json_sanitize(buf, sizeof(buf), "abcdefghij"), 10);
	EXPECT_STR(buf, "abcdefg");
	/* "abcde" + a 3-byte character does not fit in 7: cut before it. */
	EXPECT_INT(np_json_sanitize(buf, sizeof(buf), "abcde\xe2\x82\xacz"),
		   9);
	EXPECT_STR(buf, "abcde");
	EXPECT_INT(np_json_sanitize(buf, sizeof(buf), "abcde\x80z"), 9);
	EXPECT_STR(buf, "abcde");
	EXPECT_INT(np_json_sanitize(buf, 1, "abc"), 3);
	EXPECT_STR(buf, "");
}

static void test_is_number(void)
{
	static const char * const yes[] = {
		"0", "7", "-0", "-12", "4096", "18446744073709551615",
		"2.37", "-0.5", "1e9", "1E+9", "2.5e-3",
	};
	static const char * const no[] = {
		"", "-", "+1", "01", "-01", "1.", ".5", "1e", "1e+",
		"0x10", " 1", "1 ", "1,5", "inf", "nan", "NaN", "--1",
		"12abc", "1.2.3", "cram",
	};
	unsigned int i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (!np_json_is_number(yes[i]))
			UNIT_FAIL("'%s' is a JSON number", yes[i]);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (np_json_is_number(no[i]))
			UNIT_FAIL("'%s' is not a JSON number", no[i]);
}

/* The writer npctl links: the exact text of a small document. */
static void test_writer(void)
{
	json_writer_t *w;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	f = open_memstream(&text, &len);
	EXPECT(f != NULL);
	if (!f)
		return;
	w = jsonw_new(f);
	EXPECT(w != NULL);
	if (!w) {
		fclose(f);
		free(text);
		return;
	}
	jsonw_start_object(w);
	jsonw_string_field(w, "version", "0.5");
	jsonw_name(w, sanitized("k\xff"));
	jsonw_string(w, sanitized("a\"b\\c\n\x01\xc3"));
	jsonw_name(w, "n");
	jsonw_printf(w, "%s", "-12");
	jsonw_name(w, "list");
	jsonw_start_array(w);
	jsonw_lluint(w, 18446744073709551615ULL);
	jsonw_null(w);
	jsonw_bool(w, true);
	jsonw_end_array(w);
	jsonw_end_object(w);
	jsonw_destroy(&w);
	fclose(f);
	EXPECT_STR(text, "{\"version\":\"0.5\",\"k" FFFD "\":\"a\\\"b\\\\c\\n"
		   FFFD FFFD "\",\"n\":-12,\"list\":[18446744073709551615,"
		   "null,true]}\n");
	free(text);
}

int main(void)
{
	RUN(test_utf8_seq, "json: UTF-8 sequences, well-formed and not");
	RUN(test_sanitize,
	    "json: ill-formed UTF-8 and raw controls become U+FFFD");
	RUN(test_sanitize_cut, "json: a cut result keeps characters whole");
	RUN(test_is_number, "json: only JSON's own number syntax is a number");
	RUN(test_writer, "json: bpftool's writer, the exact text");
	return unit_done("test_json");
}
