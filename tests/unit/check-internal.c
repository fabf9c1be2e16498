/* SPDX-License-Identifier: MIT */
/*
 * Internals (lib/private.h), linked statically: the diagnostic registry,
 * the character tables, the two mx validators against each other and
 * against a reference, the matcher against a naive reference matcher
 * the record parsers' fast paths against the general
 * parsers, and the UTF-8 checker against RFC 3629.
 */
#include "test-common.h"

#include "private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- registry ------------------------------------------------------------------ */

START_TEST(registry_sorted_and_named)
{
	int codes[1000];
	size_t n, k, j;

	n = mtasts__diag_registry(codes, T_ARRAY_LEN(codes));
	ck_assert_uint_le(n, T_ARRAY_LEN(codes));
	ck_assert_uint_eq(n, t_codes_len);
	for (k = 0; k < n; k++) {
		int c = codes[k];

		if (k)
			ck_assert_msg(codes[k - 1] < c,
			              "registry not sorted at %zu (%d)", k, c);
		ck_assert_msg(mtasts_diag_code_name(c) != NULL,
		              "code %d has no name", c);
		ck_assert_msg(t_code_name(c) != NULL,
		              "code %d is not in the header", c);
	}
	/* every code of the header is registered, with the status the
	 * header's @retval lists give it */
	for (j = 0; j < t_codes_len; j++) {
		int found = 0;

		for (k = 0; k < n; k++)
			if (codes[k] == t_codes[j].code)
				found = 1;
		ck_assert_msg(found, "code %d not registered", t_codes[j].code);
		if (t_codes[j].status != MTASTS_OK)
			ck_assert_msg(
			        mtasts__diag_code_status(t_codes[j].code) ==
			                t_codes[j].status,
			        "%s: status %s, expected %s", t_codes[j].name,
			        t_status_name(mtasts__diag_code_status(
			                t_codes[j].code)),
			        t_status_name(t_codes[j].status));
	}
}
END_TEST

/* ---- character tables ----------------------------------------------------------- */

START_TEST(ctype_tables)
{
	unsigned int c;

	for (c = 0; c < 256; c++) {
		int alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
		int digit = c >= '0' && c <= '9';
		int ldh = alpha || digit || c == '-';
		int name = alpha || digit || c == '_' || c == '-' || c == '.';
		int txtval = (c >= 0x21 && c <= 0x3A) || c == 0x3C ||
		             (c >= 0x3E && c <= 0x7E);
		int wsp = c == ' ' || c == '\t';
		int vchar = c >= 0x21 && c <= 0x7E;
		int host = ldh || c == '.';
		unsigned int lower = (c >= 'A' && c <= 'Z') ? c + 32 : c;

		ck_assert_msg(!!MTASTS__IS(c, MTASTS__C_ALPHA) == alpha, "%u",
		              c);
		ck_assert_msg(!!MTASTS__IS(c, MTASTS__C_DIGIT) == digit, "%u",
		              c);
		ck_assert_msg(!!MTASTS__IS(c, MTASTS__C_LDH) == ldh, "%u", c);
		ck_assert_msg(!!MTASTS__IS(c, MTASTS__C_NAME) == name, "%u", c);
		ck_assert_msg(!!MTASTS__IS(c, MTASTS__C_TXTVAL) == txtval, "%u",
		              c);
		ck_assert_msg(!!MTASTS__IS(c, MTASTS__C_WSP) == wsp, "%u", c);
		ck_assert_msg(!!MTASTS__IS(c, MTASTS__C_VCHAR) == vchar, "%u",
		              c);
		ck_assert_msg(!!MTASTS__IS(c, MTASTS__C_HOST) == host, "%u", c);
		ck_assert_uint_eq(MTASTS__LOWER(c), lower);
	}
}
END_TEST

/* ---- mx pattern validity: reference, mtasts__mx_lower, mtasts__mx_check ------------ */

static int
ref_label_ok(const unsigned char *l, size_t n)
{
	size_t i;

	if (n == 0 || n > 63 || l[0] == '-' || l[n - 1] == '-')
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = l[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-'))
			return 0;
	}
	return 1;
}

/* ["*."] Domain (RFC 5321 §4.1.2), labels <= 63, name <= 253, no
 * trailing dot (R-18… ). */
static int
ref_mx_valid(const unsigned char *p, size_t n)
{
	size_t i = 0, ls;

	if (n == 0 || n > MTASTS_HOST_MAX)
		return 0;
	if (p[0] == '*') {
		if (n < 3 || p[1] != '.')
			return 0;
		i = 2;
	}
	for (ls = i; i <= n; i++) {
		if (i == n || p[i] == '.') {
			if (!ref_label_ok(p + ls, i - ls))
				return 0;
			ls = i + 1;
		}
	}
	return 1;
}

static unsigned char
ref_lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

/* Random pattern: labels of interesting lengths made mostly of LDH bytes,
 * sometimes any byte, with optional "*." and trailing dots. */
static size_t
gen_pattern(uint64_t *rs, unsigned char *p, size_t cap)
{
	static const char ldh[] = "abcxyzABCXYZ0189-";
	static const unsigned char odd[] = { '*',  '_',  ' ',  '\t', ',',  ':',
		                             '[',  ']',  '.',  '\r', '\n', 0x0e,
		                             0x10, 0x19, 0x7f, 0x80, 0xc3, 0xff,
		                             0x00, '/',  '@' };
	size_t n = 0, labels, l, i;
	uint64_t r = t_rand(rs);

	if (r % 17 == 0) {
		/* plain random bytes */
		size_t k = (size_t)(t_rand(rs) % 12);

		for (i = 0; i < k && n < cap; i++)
			p[n++] = (unsigned char)t_rand(rs);
		return n;
	}
	if (r % 5 == 0 && n + 2 <= cap) {
		p[n++] = '*';
		if (t_rand(rs) % 8)
			p[n++] = '.';
	}
	labels = (size_t)(t_rand(rs) % 6);
	for (l = 0; l <= labels; l++) {
		size_t len;
		uint64_t k = t_rand(rs) % 20;

		if (k == 0)
			len = 0;
		else if (k == 1)
			len = 62 + (size_t)(t_rand(rs) % 3);
		else if (k == 2)
			len = 40 + (size_t)(t_rand(rs) % 30);
		else
			len = 1 + (size_t)(t_rand(rs) % 8);
		for (i = 0; i < len && n < cap; i++) {
			if (t_rand(rs) % 40 == 0)
				p[n++] = odd[t_rand(rs) % sizeof(odd)];
			else
				p[n++] = (unsigned char)
				        ldh[t_rand(rs) % (sizeof(ldh) - 1)];
		}
		if (l < labels && n < cap)
			p[n++] = '.';
	}
	if (t_rand(rs) % 10 == 0 && n < cap)
		p[n++] = '.';
	return n;
}

static void
check_validators(const unsigned char *p, size_t n, mtasts_diag *d)
{
	char *dst = malloc(n ? n : 1);
	char *in = t_dup(p, n);
	struct mtasts__sink s;
	struct mtasts__loc loc = { 1, 1, 0 };
	int want = ref_mx_valid(p, n), lo, ch;
	size_t i;

	T_CHECK(dst != NULL);
	lo = mtasts__mx_lower(in, n, dst);
	mtasts__sink_init(&s, NULL, 0);
	ch = mtasts__mx_check(in, n, &s, &loc);
	T_CHECK_MSG(!!lo == !!ch,
	            "mx_lower %d, mx_check %d for '%.*s' (%zu bytes)", lo, ch,
	            (int)n, (const char *)p, n);
	T_CHECK_MSG(!!lo == want,
	            "mx_lower %d, reference %d for '%.*s' (%zu bytes)", lo,
	            want, (int)n, (const char *)p, n);
	if (lo)
		for (i = 0; i < n; i++)
			T_CHECK((unsigned char)dst[i] == ref_lower(p[i]));
	/* with a list: an invalid pattern gets at least one 4xx error, a
	 * valid one nothing */
	mtasts__sink_init(&s, d, 0);
	mtasts_diag_clear(d);
	ch = mtasts__mx_check(in, n, &s, &loc);
	T_CHECK(!!ch == want);
	T_CHECK(mtasts__sink_result(&s) == (want ? MTASTS_OK : MTASTS_EMX));
	if (want) {
		T_CHECK(mtasts_diag_count(d) == 0);
	} else {
		T_CHECK(mtasts_diag_error_count(d) > 0);
		for (i = 0; i < mtasts_diag_count(d); i++) {
			int c = mtasts_diag_code(d, i);

			T_CHECK_MSG(c > 400 && c < 500, "code %d", c);
			T_CHECK(mtasts_diag_column(d, i) <= n + 1);
		}
		T_CHECK(t_messages_printable(d));
	}
	free(dst);
	free(in);
}

START_TEST(mx_validators_agree_fixed)
{
	static const char *const fixed[] = {
		"",          "*",
		"*.",        "*.a",
		"**.a",      "*a",
		"a*",        ".",
		"..",        "a.",
		".a",        "a..b",
		"-",         "a-",
		"-a",        "a-b",
		"a--b",      "a.-b",
		"a.b-",      "*.-a",
		"*.*",       "*.*.a",
		"a.*",       "_",
		"a_b",       "a b",
		" a",        "a ",
		"\t",        "xn--bcher-kva.example",
		"192.0.2.1", "a.b.c.d.e.f.g",
	};
	mtasts_diag *d = t_diag_new();
	unsigned char buf[600];
	size_t i, k;

	for (i = 0; i < T_ARRAY_LEN(fixed); i++)
		check_validators((const unsigned char *)fixed[i],
		                 strlen(fixed[i]), d);
	/* every byte value alone, first, inside and last */
	for (k = 0; k < 256; k++) {
		buf[0] = (unsigned char)k;
		check_validators(buf, 1, d);
		memcpy(buf, "ab.cd", 5);
		for (i = 0; i < 5; i++) {
			unsigned char save = buf[i];

			buf[i] = (unsigned char)k;
			check_validators(buf, 5, d);
			buf[i] = save;
		}
	}
	/* every length up to 300 of LDH and dots, labels at 63/64 */
	for (k = 0; k <= 300; k++) {
		for (i = 0; i < k; i++)
			buf[i] = (i % 64 == 63) ? '.' : 'a';
		check_validators(buf, k, d);
		for (i = 0; i < k; i++)
			buf[i] = (i % 65 == 64) ? '.' : 'b';
		check_validators(buf, k, d);
		buf[0] = '*';
		if (k > 1)
			buf[1] = '.';
		check_validators(buf, k, d);
	}
	mtasts_diag_free(d);
}
END_TEST

/* A disagreement between mtasts__mx_lower (the parser's fast path) and
 * mtasts__mx_check (the reporting path) is a bug. */
START_TEST(mx_validators_agree_random)
{
	uint64_t rs = 0xC0FFEE1234567ull + (uint64_t)_i;
	unsigned char buf[400];
	mtasts_diag *d = t_diag_new();
	int i, valid = 0;

	for (i = 0; i < 50000; i++) {
		size_t n = gen_pattern(&rs, buf, sizeof(buf));

		check_validators(buf, n, d);
		valid += ref_mx_valid(buf, n);
	}
	/* the generator makes both kinds */
	ck_assert_int_gt(valid, 5000);
	ck_assert_int_lt(valid, 45000);
	mtasts_diag_free(d);
}
END_TEST

/* ---- matching against a naive reference --------------------------------------------- */

/* Strip one trailing dot from the host, ASCII-lower both, then compare
 * exactly, or "one LDH label" "." suffix for "*.suffix" (R-39, A-16,
 * A-18, digest §5.3). */
static int
ref_match(const char *pat, const char *host)
{
	size_t pn = strlen(pat), hn = strlen(host), i, dot;

	if (!ref_mx_valid((const unsigned char *)pat, pn))
		return 0;
	if (hn && host[hn - 1] == '.')
		hn--;
	if (hn == 0 || hn > MTASTS_HOST_MAX)
		return 0;
	if (pat[0] != '*') {
		if (hn != pn)
			return 0;
		for (i = 0; i < pn; i++)
			if (ref_lower((unsigned char)host[i]) !=
			    ref_lower((unsigned char)pat[i]))
				return 0;
		return 1;
	}
	for (dot = 0; dot < hn && host[dot] != '.'; dot++)
		;
	if (dot == hn || !ref_label_ok((const unsigned char *)host, dot))
		return 0;
	if (hn - dot - 1 != pn - 2)
		return 0;
	for (i = 0; i < pn - 2; i++)
		if (ref_lower((unsigned char)host[dot + 1 + i]) !=
		    ref_lower((unsigned char)pat[2 + i]))
			return 0;
	return 1;
}

static void
check_match(const char *pat, const char *host, long *matches)
{
	int want = ref_match(pat, host);
	int got = mtasts_mx_match(pat, host);

	T_CHECK_MSG(got == want, "pattern '%s' host '%s': %d, reference %d",
	            pat, host, got, want);
	*matches += got;
}

/* Random case flips, maybe a trailing dot, maybe two. */
static void
host_variant(uint64_t *rs, char *h)
{
	size_t i, n = strlen(h);

	for (i = 0; i < n; i++)
		if (t_rand(rs) % 3 == 0 && ((h[i] >= 'a' && h[i] <= 'z') ||
		                            (h[i] >= 'A' && h[i] <= 'Z')))
			h[i] ^= 0x20;
	switch (t_rand(rs) % 6) {
	case 0:
		strcat(h, ".");
		break;
	case 1:
		strcat(h, "..");
		break;
	default:
		break;
	}
}

START_TEST(mx_match_vs_reference)
{
	uint64_t rs = 0xDEADBEEFull * (uint64_t)(_i + 1);
	static const char *const labels[] = {
		"mx",  "a",   "MX1", "x-y", "-a",          "a-",   "",
		"a.b", "l_l", "0",   "*",   "xn--d1acufc", "m\rx", "\xc3\xa9"
	};
	long matches = 0;
	int i;

	for (i = 0; i < 40000; i++) {
		unsigned char pb[400];
		char pat[400], host[800];
		size_t n = gen_pattern(&rs, pb, 300), k;
		uint64_t mode = t_rand(&rs) % 4;

		/* C strings: drop NUL bytes */
		for (k = 0; k < n; k++)
			if (!pb[k])
				pb[k] = 'n';
		memcpy(pat, pb, n);
		pat[n] = '\0';
		if (mode == 0) {
			/* the pattern itself, "*" replaced by a label */
			if (pat[0] == '*')
				snprintf(host, sizeof(host), "%s%s",
				         labels[t_rand(&rs) %
				                T_ARRAY_LEN(labels)],
				         pat + 1);
			else
				snprintf(host, sizeof(host), "%s", pat);
			host_variant(&rs, host);
		} else if (mode == 1 || mode == 2) {
			/* one byte replaced by any byte value */
			size_t hl;

			snprintf(host, sizeof(host), "%s%s",
			         pat[0] == '*' ? "mx" : "",
			         pat[0] == '*' ? pat + 1 : pat);
			host_variant(&rs, host);
			hl = strlen(host);
			if (hl)
				host[t_rand(&rs) % hl] =
				        (char)(1 + t_rand(&rs) % 255);
		} else {
			/* another random pattern as the host */
			size_t hn =
			        gen_pattern(&rs, (unsigned char *)host, 300);

			for (k = 0; k < hn; k++)
				if (!host[k])
					host[k] = 'n';
			host[hn] = '\0';
		}
		check_match(pat, host, &matches);
	}
	/* enough positive cases to mean something */
	ck_assert_int_gt(matches, 1500);
}
END_TEST

/* Every byte value at every position of hosts for a few patterns. */
START_TEST(mx_match_every_byte)
{
	static const char *const pats[] = {
		"a",
		"ab",
		"a-b",
		"a.b",
		"mx1.example.com",
		"MX-9.Example.Net",
		"*.a",
		"*.example.com",
		"*.a-0.b9",
		"x",
		"xn--bcher-kva.example",
		"0123456789.0-9",
	};
	long matches = 0;
	size_t p, pos;
	unsigned int c;

	for (p = 0; p < T_ARRAY_LEN(pats); p++) {
		char base[64];

		if (pats[p][0] == '*')
			snprintf(base, sizeof(base), "mx-1%s", pats[p] + 1);
		else
			snprintf(base, sizeof(base), "%s", pats[p]);
		for (pos = 0; pos <= strlen(base); pos++) {
			for (c = 1; c < 256; c++) {
				char h[80];

				/* replace */
				snprintf(h, sizeof(h), "%s", base);
				if (pos < strlen(base)) {
					h[pos] = (char)c;
					check_match(pats[p], h, &matches);
				}
				/* insert */
				snprintf(h, sizeof(h), "%.*s%c%s", (int)pos,
				         base, (char)c, base + pos);
				check_match(pats[p], h, &matches);
				strcat(h, ".");
				check_match(pats[p], h, &matches);
			}
		}
	}
	ck_assert_int_gt(matches, 0);
}
END_TEST

/* ---- UTF-8 (RFC 3629 §4) --------------------------------------------------------------- */

static size_t
ref_utf8(const unsigned char *p, size_t n)
{
	unsigned char c = p[0];
	unsigned char lo = 0x80, hi = 0xBF;
	size_t len, i;

	if (c >= 0xC2 && c <= 0xDF)
		len = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		len = 3;
	else if (c >= 0xF0 && c <= 0xF4)
		len = 4;
	else
		return 0;
	if (c == 0xE0)
		lo = 0xA0;
	else if (c == 0xED)
		hi = 0x9F;
	else if (c == 0xF0)
		lo = 0x90;
	else if (c == 0xF4)
		hi = 0x8F;
	if (n < len || p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (p[i] < 0x80 || p[i] > 0xBF)
			return 0;
	return len;
}

static const struct {
	const char *bytes;
	size_t n;
	size_t want;
} utf8_vec[] = {
#define U(s, w)                                                                \
	{                                                                      \
		s, sizeof(s) - 1, w                                            \
	}
	U("\xc2\x80", 2), /* U+0080 */
	U("\xdf\xbf", 2), /* U+07FF */
	U("\xc3\xa9", 2),
	U("\xc0\x80", 0),         /* overlong NUL */
	U("\xc0\xaf", 0),         /* overlong '/' */
	U("\xc1\xbf", 0),         /* overlong */
	U("\xe0\x80\x80", 0),     /* overlong */
	U("\xe0\x9f\xbf", 0),     /* overlong U+07FF */
	U("\xe0\xa0\x80", 3),     /* U+0800 */
	U("\xe2\x82\xac", 3),     /* euro */
	U("\xed\x9f\xbf", 3),     /* U+D7FF */
	U("\xed\xa0\x80", 0),     /* U+D800 surrogate */
	U("\xed\xbf\xbf", 0),     /* U+DFFF surrogate */
	U("\xee\x80\x80", 3),     /* U+E000 */
	U("\xef\xbb\xbf", 3),     /* U+FEFF (BOM) */
	U("\xef\xbf\xbf", 3),     /* U+FFFF */
	U("\xf0\x80\x80\x80", 0), /* overlong */
	U("\xf0\x8f\xbf\xbf", 0), /* overlong U+FFFF */
	U("\xf0\x90\x80\x80", 4), /* U+10000 */
	U("\xf0\x9f\x98\x80", 4),
	U("\xf4\x8f\xbf\xbf", 4), /* U+10FFFF */
	U("\xf4\x90\x80\x80", 0), /* above U+10FFFF */
	U("\xf5\x80\x80\x80", 0),
	U("\xf8\x88\x80\x80\x80", 0),
	U("\xfe", 0),
	U("\xff", 0),
	U("\x80", 0), /* lone continuation */
	U("\xbf", 0),
	U("\xc2", 0), /* truncated */
	U("\xe2\x82", 0),
	U("\xf0\x9f\x98", 0),
	U("\xc2\x41", 0), /* bad continuation */
	U("\xc2\xc0", 0),
	U("\xe2\x28\xa1", 0),
	U("\xe2\x82\x28", 0),
	U("\xf0\x9f\x98\x41", 0),
	U("\xf0\x28\x8c\xbc", 0),
	U("\xc3\xa9\x80", 2), /* a sequence followed by more bytes */
#undef U
};

START_TEST(utf8_vectors)
{
	/* an exact-size copy: valgrind sees any read past n */
	char *c = t_dup(utf8_vec[_i].bytes, utf8_vec[_i].n);

	ck_assert_uint_eq(
	        mtasts__utf8_seq((const unsigned char *)c, utf8_vec[_i].n),
	        utf8_vec[_i].want);
	free(c);
}
END_TEST

/* Truncation: every valid sequence with n one short gives 0, reading no
 * byte at or after n. */
START_TEST(utf8_truncated)
{
	size_t i;

	for (i = 0; i < T_ARRAY_LEN(utf8_vec); i++) {
		size_t k;

		if (utf8_vec[i].want == 0)
			continue;
		for (k = 1; k < utf8_vec[i].want; k++) {
			char *c = t_dup(utf8_vec[i].bytes, k);

			ck_assert_uint_eq(
			        mtasts__utf8_seq((const unsigned char *)c, k),
			        0);
			free(c);
		}
	}
}
END_TEST

/* Every lead byte >= 0x80 with every second and third byte. */
START_TEST(utf8_exhaustive_3)
{
	unsigned char b[4];
	unsigned int c0 = 0x80 + (unsigned int)_i, c1, c2;

	b[0] = (unsigned char)c0;
	b[3] = 0x80;
	for (c1 = 0; c1 < 256; c1++) {
		b[1] = (unsigned char)c1;
		for (c2 = 0; c2 < 256; c2++) {
			b[2] = (unsigned char)c2;
			T_CHECK_MSG(mtasts__utf8_seq(b, 4) == ref_utf8(b, 4),
			            "%02x %02x %02x 80", c0, c1, c2);
			T_CHECK_MSG(mtasts__utf8_seq(b, 3) == ref_utf8(b, 3),
			            "%02x %02x %02x", c0, c1, c2);
		}
		T_CHECK(mtasts__utf8_seq(b, 2) == ref_utf8(b, 2));
	}
	ck_assert_uint_eq(mtasts__utf8_seq(b, 1), ref_utf8(b, 1));
}
END_TEST

/* The fourth byte of F0-F4 sequences. */
START_TEST(utf8_exhaustive_4)
{
	static const unsigned char mid[] = { 0x00, 0x7f, 0x80, 0x8f,
		                             0x90, 0xbf, 0xc0, 0xff };
	unsigned char b[4];
	unsigned int c0, c1, c3;
	size_t m;

	for (c0 = 0xf0; c0 <= 0xf7; c0++)
		for (c1 = 0; c1 < 256; c1++)
			for (m = 0; m < sizeof(mid); m++)
				for (c3 = 0; c3 < 256; c3++) {
					b[0] = (unsigned char)c0;
					b[1] = (unsigned char)c1;
					b[2] = mid[m];
					b[3] = (unsigned char)c3;
					T_CHECK_MSG(mtasts__utf8_seq(b, 4) ==
					                    ref_utf8(b, 4),
					            "%02x %02x %02x %02x", c0,
					            c1, mid[m], c3);
				}
}
END_TEST

/* ---- message quoting --------------------------------------------------------------------- */

START_TEST(quote_printable)
{
	struct mtasts__sink s;
	mtasts_diag *d = t_diag_new();
	char buf[MTASTS__QUOTE_MAX], in[300];
	size_t i, n;

	mtasts__sink_init(&s, d, 0);
	for (i = 0; i < sizeof(in); i++)
		in[i] = (char)(i * 7 + 3);
	for (n = 0; n < sizeof(in); n += 7) {
		const char *q = mtasts__quote(&s, buf, sizeof(buf), in, n);
		size_t k;

		ck_assert_ptr_nonnull(q);
		ck_assert_uint_lt(strlen(q), sizeof(buf));
		for (k = 0; q[k]; k++)
			ck_assert_msg((unsigned char)q[k] >= 0x20 &&
			                      (unsigned char)q[k] <= 0x7e,
			              "byte %02x", (unsigned char)q[k]);
	}
	/* without a list there is no work and no text */
	mtasts__sink_init(&s, NULL, 0);
	ck_assert_str_eq(mtasts__quote(&s, buf, sizeof(buf), in, 5), "");
	mtasts_diag_free(d);
}
END_TEST

/* ---- fast paths against the general parsers -------------------------------------- */

/*
 * mtasts_record_parse() and mtasts_tlsrpt_parse() build the common record
 * shapes directly and leave everything else to the general parser. For
 * each text, both flag settings, with and without a list, the public call
 * must give what the general parser alone gives: status, an equal object
 * and the same diagnostics (R-01…R-08, T-02, T-03). The seeds are
 * near-misses of the fast shapes; each is also mutated at random (400
 * times: the fuzz targets compare the paths on millions more).
 */
static const char *const fast_seeds[] = {
	"v=STSv1; id=20240101T000000;",
	"v=STSv1;id=abc",
	"v=STSv1 ; id=abc;",
	"v=STSv1;\tid=abc ;\t",
	"v=STSv1; id=abc; ext=value; x-y.z_w=1",
	"v=STSv1; id=abc; id=def",
	"v=STSv1; ID=abc",
	"v=STSv1; id=abc; V=1",
	"v=STSv1; id=abc; ext=1; ext=2",
	"v=STSv1; ext=1; id=abc",
	"v=STSv1; id=0123456789012345678901234567890123",
	"v=STSv1; id=abc;;",
	"v=STSv1; id=ab-c",
	"v=STSv1; id=abc; e=;",
	"v=STSv1; id=abc; a=1; b=2; c=3; d=4; e=5; f=6; g=7; h=8; i=9",
	" v=STSv1; id=abc",
	"\"v=STSv1; id=abc\"",
	"v=TLSRPTv1; rua=mailto:tls@example.com",
	"v=TLSRPTv1;rua=mailto:tls@example.com;",
	"v=TLSRPTv1; rua=mailto:a@example.com , \thttps://r.example/x ; ",
	"v=TLSRPTv1; rua=mailto:a@example.com,,https://r.example/x",
	"v=TLSRPTv1; rua=mailto:a@example.com, ",
	"v=TLSRPTv1; rua=https://r.example/a/b, mailto:b+x@example.net",
	"v=TLSRPTv1; rua=mailto:@example.com",
	/* five URIs: one more than the fast path takes */
	("v=TLSRPTv1; rua=mailto:a@b,mailto:c@d,mailto:e@f,mailto:g@h,"
	 "mailto:i@j"),
	"v=TLSRPTv1; rua=https://",
	"v=TLSRPTv1; rua=mailto:a@example.com; ext=1",
	"v=TLSRPTv1 ; rua=mailto:a@example.com",
	"v=TLSRPTv1; RUA=mailto:a@example.com",
	"v=TLSRPTv1; rua=MAILTO:a@example.com",
	"v=TLSRPTv1; rua=mailto:a%2C@example.com!10m",
};

typedef int (*parse_fn)(void **out, const char *text, size_t len,
                        unsigned int flags, mtasts_diag *diag);
typedef int (*slow_fn)(void **out, const char *text, size_t len,
                       unsigned int line, struct mtasts__sink *s);
typedef int (*equal_fn)(const void *a, const void *b);

static int
rec_parse(void **out, const char *t, size_t n, unsigned int f, mtasts_diag *d)
{
	mtasts_record *r = NULL;
	int st = mtasts_record_parse(&r, t, n, f, d);

	*out = r;
	return st;
}

static int
rec_equal(const void *a, const void *b)
{
	return mtasts_record_equal(a, b);
}

static int
rpt_parse(void **out, const char *t, size_t n, unsigned int f, mtasts_diag *d)
{
	mtasts_tlsrpt *r = NULL;
	int st = mtasts_tlsrpt_parse(&r, t, n, f, d);

	*out = r;
	return st;
}

static int
rpt_equal(const void *a, const void *b)
{
	return mtasts_tlsrpt_equal(a, b);
}

/* Compare the public parse of t[0..n) with the general parser alone. */
static void
fast_vs_slow(const char *t, size_t n, parse_fn pub, slow_fn slow, equal_fn eq)
{
	unsigned int flags;
	int list;

	for (flags = 0; flags <= MTASTS_PARSE_LENIENT; flags++)
		for (list = 0; list < 2; list++) {
			mtasts_diag *d1 = list ? t_diag_new() : NULL;
			mtasts_diag *d2 = list ? t_diag_new() : NULL;
			struct mtasts__sink s;
			void *a = NULL, *b = NULL;
			int st1, st2;
			size_t k;

			st1 = pub(&a, t, n, flags, d1);
			mtasts__sink_init(&s, d2, flags);
			(void)slow(&b, t, n, 1, &s);
			st2 = mtasts__sink_result(&s);
			ck_assert_msg(st1 == st2, "'%.*s' flags %u: %s vs %s",
			              (int)n, t, flags, mtasts_status_name(st1),
			              mtasts_status_name(st2));
			if (st1 == MTASTS_OK)
				ck_assert_msg(a && b && eq(a, b),
				              "'%.*s' flags %u: objects differ",
				              (int)n, t, flags);
			if (list) {
				ck_assert_uint_eq(mtasts_diag_count(d1),
				                  mtasts_diag_count(d2));
				for (k = 0; k < mtasts_diag_count(d1); k++) {
					ck_assert_int_eq(
					        mtasts_diag_code(d1, k),
					        mtasts_diag_code(d2, k));
					ck_assert_uint_eq(
					        mtasts_diag_column(d1, k),
					        mtasts_diag_column(d2, k));
				}
			}
			free(b); /* the general parser's object: one block */
			if (pub == rec_parse)
				mtasts_record_free(a);
			else
				mtasts_tlsrpt_free(a);
			mtasts_diag_free(d1);
			mtasts_diag_free(d2);
		}
}

START_TEST(fast_paths_agree)
{
	static const char alphabet[] = " \t;,=@.:/%!\"vVtdiI0aZ-_+~\x7f\x80";
	const char *seed = fast_seeds[_i];
	size_t n = strlen(seed), m;
	int tls = strncmp(seed, "v=TLS", 5) == 0;
	parse_fn pub = tls ? rpt_parse : rec_parse;
	slow_fn slow =
	        tls ? mtasts__tlsrpt_parse_slow : mtasts__record_parse_slow;
	equal_fn eq = tls ? rpt_equal : rec_equal;
	unsigned int x = 2463534242u + (unsigned int)_i;
	char buf[256];

	fast_vs_slow(seed, n, pub, slow, eq);
	ck_assert_uint_lt(n + 2, sizeof(buf));
	for (m = 0; m < 400; m++) {
		size_t len = n, at, k;

		memcpy(buf, seed, n);
		for (k = 0; k < 1 + m % 3; k++) {
			/* xorshift32 */
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			at = 5 + x % (len - 4); /* keep most version tags */
			if (x & 0x10000 && len + 1 < sizeof(buf)) {
				memmove(buf + at + 1, buf + at, len - at);
				len++;
			} else if (x & 0x20000 && at < len) {
				memmove(buf + at, buf + at + 1, len - at - 1);
				len--;
				continue;
			}
			if (at < len)
				buf[at] = alphabet[(x >> 8) %
				                   (sizeof(alphabet) - 1)];
		}
		fast_vs_slow(buf, len, pub, slow, eq);
	}
}
END_TEST

MTASTS_TEST_SUITE(internal)
{
	Suite *s = suite_create("internal");
	TCase *tc;

	tc = tcase_create("tables");
	tcase_add_test(tc, registry_sorted_and_named);
	tcase_add_test(tc, ctype_tables);
	tcase_add_test(tc, quote_printable);
	suite_add_tcase(s, tc);

	tc = tcase_create("mx");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, mx_validators_agree_fixed);
	tcase_add_loop_test(tc, mx_validators_agree_random, 0, 4);
	tcase_add_loop_test(tc, mx_match_vs_reference, 0, 3);
	tcase_add_test(tc, mx_match_every_byte);
	suite_add_tcase(s, tc);

	tc = tcase_create("fast-paths");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, fast_paths_agree, 0,
	                    (int)T_ARRAY_LEN(fast_seeds));
	suite_add_tcase(s, tc);

	tc = tcase_create("utf8");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, utf8_vectors, 0, (int)T_ARRAY_LEN(utf8_vec));
	tcase_add_test(tc, utf8_truncated);
	tcase_add_loop_test(tc, utf8_exhaustive_3, 0, 128);
	tcase_add_test(tc, utf8_exhaustive_4);
	suite_add_tcase(s, tc);
	return s;
}
