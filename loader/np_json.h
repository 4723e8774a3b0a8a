/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What npctl uses of bpftool's streaming JSON writer, and the checks that
 * keep what it writes valid JSON.
 *
 * The writer is tools/bpf/bpftool/json_writer.c of the kernel tree the
 * build unpacks, compiled on its own: its header needs the tree's
 * <linux/compiler.h>, and tools/include shadows system headers for every
 * other file.  The prototypes below are the same as in json_writer.h; the
 * Makefile compiles json_writer.c with this header included first, so a
 * prototype that drifts fails the build.
 *
 * The writer escapes quotes, backslashes and \b \f \n \r \t, and copies
 * every other byte: np_json_sanitize() makes a string safe to give it.
 */
#ifndef NP_JSON_H
#define NP_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef struct json_writer json_writer_t;

json_writer_t *jsonw_new(FILE *f);
void jsonw_destroy(json_writer_t **self_p);
void jsonw_pretty(json_writer_t *self, bool on);
void jsonw_name(json_writer_t *self, const char *name);
__attribute__((format(printf, 2, 3)))
void jsonw_printf(json_writer_t *self, const char *fmt, ...);
void jsonw_string(json_writer_t *self, const char *value);
void jsonw_bool(json_writer_t *self, bool value);
void jsonw_null(json_writer_t *self);
void jsonw_float_fmt(json_writer_t *self, const char *fmt, double num);
void jsonw_int(json_writer_t *self, int64_t number);
void jsonw_lluint(json_writer_t *self, unsigned long long num);
void jsonw_string_field(json_writer_t *self, const char *prop,
			const char *val);
void jsonw_bool_field(json_writer_t *self, const char *prop, bool value);
void jsonw_int_field(json_writer_t *self, const char *prop, int64_t num);
void jsonw_null_field(json_writer_t *self, const char *prop);
void jsonw_start_object(json_writer_t *self);
void jsonw_end_object(json_writer_t *self);
void jsonw_start_array(json_writer_t *self);
void jsonw_end_array(json_writer_t *self);

/* U+FFFD REPLACEMENT CHARACTER in UTF-8. */
#define NP_JSON_FFFD	"\xef\xbf\xbd"

/*
 * The UTF-8 sequence at S, which ends at a NUL at the latest: its length
 * (1 to 4) when it is well-formed, else minus the length of its maximal
 * subpart, the bytes one U+FFFD replaces (at least 1: the Unicode
 * Standard's "substitution of maximal subparts", chapter 3.9).  Overlong
 * forms, surrogates and code points above U+10FFFF are ill-formed.
 */
static inline int np_utf8_seq(const unsigned char *s)
{
	unsigned char lo = 0x80, hi = 0xbf;
	int len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return -1;
	if (s[0] == 0xe0)
		lo = 0xa0;		/* overlong */
	else if (s[0] == 0xed)
		hi = 0x9f;		/* surrogates */
	else if (s[0] == 0xf0)
		lo = 0x90;		/* overlong */
	else if (s[0] == 0xf4)
		hi = 0x8f;		/* above U+10FFFF */
	for (i = 1; i < len; i++) {
		if (s[i] < lo || s[i] > hi)
			return -i;
		lo = 0x80;
		hi = 0xbf;
	}
	return len;
}

/*
 * Copy SRC into DST (LEN bytes, terminated whenever LEN > 0) as text the
 * JSON writer writes as a valid JSON string: each ill-formed UTF-8
 * sequence, and each control character the writer would copy unescaped
 * (below 0x20 but for \b \t \n \f \r), becomes U+FFFD.  A character is
 * copied whole or not at all.  Returns the length of the whole result, as
 * snprintf() does: it was cut if that is LEN or more.
 */
static inline size_t np_json_sanitize(char *dst, size_t len, const char *src)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t used = 0, kept = 0, n;
	bool full = false;
	const char *from;
	int seq;

	while (*s) {
		seq = np_utf8_seq(s);
		if (seq == 1 && *s < 0x20 && *s != '\b' && *s != '\t' &&
		    *s != '\n' && *s != '\f' && *s != '\r')
			seq = -1;
		if (seq > 0) {
			from = (const char *)s;
			n = seq;
			s += seq;
		} else {
			from = NP_JSON_FFFD;
			n = sizeof(NP_JSON_FFFD) - 1;
			s += -seq;
		}
		if (!full && kept + n < len) {
			memcpy(dst + kept, from, n);
			kept += n;
		} else {
			full = true;
		}
		used += n;
	}
	if (len)
		dst[kept] = '\0';
	return used;
}

/*
 * Whether S is a number exactly as JSON writes one, so that printing it
 * bare is valid: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?  No
 * sign "+", leading zero, space, hex, "inf" or "nan".
 */
static inline bool np_json_is_number(const char *s)
{
#define NP_DIGIT(c)	((c) >= '0' && (c) <= '9')
	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (NP_DIGIT(*s))
		while (NP_DIGIT(*s))
			s++;
	else
		return false;
	if (*s == '.') {
		if (!NP_DIGIT(s[1]))
			return false;
		for (s++; NP_DIGIT(*s); s++)
			;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!NP_DIGIT(*s))
			return false;
		while (NP_DIGIT(*s))
			s++;
	}
	return !*s;
#undef NP_DIGIT
}

#endif /* NP_JSON_H */
