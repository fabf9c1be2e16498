/* SPDX-License-Identifier: MIT */
/*
 * The policy file (RFC 8461 §3.2, digest §2): parse in both modes,
 * accessors, equal, canonical form (digest §2.4), mode names, the size
 * caps, and the policy builder. Grammar corner cases live in
 * tests/data/policy.
 */
#include "test-common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* RFC 8461 §3.2 example (digest §2.3, first row). */
static const char rfc_example[] = "version: STSv1\n"
                                  "mode: enforce\n"
                                  "mx: mail.example.com\n"
                                  "mx: *.example.net\n"
                                  "mx: backupmx.example.com\n"
                                  "max_age: 604800\n";

static const char rfc_example_crlf[] = "version: STSv1\r\n"
                                       "mode: enforce\r\n"
                                       "mx: mail.example.com\r\n"
                                       "mx: *.example.net\r\n"
                                       "mx: backupmx.example.com\r\n"
                                       "max_age: 604800\r\n";

static mtasts_policy *
pol(const char *text, unsigned int flags)
{
	mtasts_policy *p = NULL;
	mtasts_diag *d = t_diag_new();

	ck_assert_msg(t_policy_parse_str(&p, text, flags, d) == MTASTS_OK,
	              "cannot parse: %s", t_diag_str(d));
	mtasts_diag_free(d);
	return p;
}

/* A valid host name of exactly len bytes (labels of at most 63). */
static void
gen_name(char *dst, size_t len, char c)
{
	size_t rem = len, o = 0;

	while (rem) {
		size_t k = rem < 63 ? rem : 63;

		if (rem - k == 1)
			k--;
		memset(dst + o, c, k);
		o += k;
		rem -= k;
		if (rem) {
			dst[o++] = '.';
			rem--;
		}
	}
	dst[o] = '\0';
}

/* ---- parse and accessors --------------------------------------------------------- */

START_TEST(policy_parse_accessors)
{
	mtasts_policy *p = NULL;
	mtasts_diag *d = t_diag_new();
	static const char text[] = "version: STSv1\n"
	                           "mode: testing\n"
	                           "mx: MX1.Example.COM\n"
	                           "mx: *.EXAMPLE.net\n"
	                           "mx: mx1.example.com\n"
	                           "max_age: 0000086400\n"
	                           "foo: bar baz\n"
	                           "Foo: caf\xc3\xa9 \t\n"
	                           "x-y_z.1: a: b=c;d\n";

	ck_assert_int_eq(t_policy_parse_str(&p, text, 0, d), MTASTS_OK);
	ck_assert_uint_eq(mtasts_diag_count(d), 0);
	ck_assert_int_eq(mtasts_policy_mode(p), MTASTS_MODE_TESTING);
	ck_assert_uint_eq(mtasts_policy_max_age(p), 86400);
	/* in file order, duplicates kept, lower case (R-17, RFC 4343) */
	ck_assert_uint_eq(mtasts_policy_mx_count(p), 3);
	ck_assert_pstr_eq(mtasts_policy_mx(p, 0), "mx1.example.com");
	ck_assert_pstr_eq(mtasts_policy_mx(p, 1), "*.example.net");
	ck_assert_pstr_eq(mtasts_policy_mx(p, 2), "mx1.example.com");
	ck_assert_ptr_null(mtasts_policy_mx(p, 3));
	ck_assert_ptr_null(mtasts_policy_mx(p, SIZE_MAX));
	/* extensions in order, values without trailing whitespace */
	ck_assert_uint_eq(mtasts_policy_extension_count(p), 3);
	ck_assert_pstr_eq(mtasts_policy_extension_name(p, 0), "foo");
	ck_assert_pstr_eq(mtasts_policy_extension_value(p, 0), "bar baz");
	ck_assert_pstr_eq(mtasts_policy_extension_name(p, 1), "Foo");
	ck_assert_pstr_eq(mtasts_policy_extension_value(p, 1), "caf\xc3\xa9");
	ck_assert_pstr_eq(mtasts_policy_extension_name(p, 2), "x-y_z.1");
	ck_assert_pstr_eq(mtasts_policy_extension_value(p, 2), "a: b=c;d");
	ck_assert_ptr_null(mtasts_policy_extension_name(p, 3));
	ck_assert_ptr_null(mtasts_policy_extension_value(p, 3));
	ck_assert_ptr_null(mtasts_policy_extension_name(p, SIZE_MAX));
	ck_assert_ptr_null(mtasts_policy_extension_value(p, SIZE_MAX));
	mtasts_policy_free(p);

	/* NULL policy */
	ck_assert_int_eq(mtasts_policy_mode(NULL), 0);
	ck_assert_uint_eq(mtasts_policy_max_age(NULL), 0);
	ck_assert_uint_eq(mtasts_policy_mx_count(NULL), 0);
	ck_assert_ptr_null(mtasts_policy_mx(NULL, 0));
	ck_assert_uint_eq(mtasts_policy_extension_count(NULL), 0);
	ck_assert_ptr_null(mtasts_policy_extension_name(NULL, 0));
	ck_assert_ptr_null(mtasts_policy_extension_value(NULL, 0));
	mtasts_diag_free(d);
}
END_TEST

/* Mode none: no mx needed, count 0. */
START_TEST(policy_mode_none)
{
	mtasts_policy *p =
	        pol("version: STSv1\r\nmode: none\r\nmax_age: 86400", 0);

	ck_assert_int_eq(mtasts_policy_mode(p), MTASTS_MODE_NONE);
	ck_assert_uint_eq(mtasts_policy_max_age(p), 86400);
	ck_assert_uint_eq(mtasts_policy_mx_count(p), 0);
	ck_assert_ptr_null(mtasts_policy_mx(p, 0));
	ck_assert_uint_eq(mtasts_policy_extension_count(p), 0);
	mtasts_policy_free(p);
}
END_TEST

/* Inputs are copied: the object does not point into the caller's buffer. */
START_TEST(policy_input_copied)
{
	char *buf = t_dup(rfc_example, sizeof(rfc_example) - 1);
	mtasts_policy *p = NULL;

	ck_assert_int_eq(
	        mtasts_policy_parse(&p, buf, sizeof(rfc_example) - 1, 0, NULL),
	        MTASTS_OK);
	memset(buf, 0, sizeof(rfc_example) - 1);
	free(buf);
	ck_assert_pstr_eq(mtasts_policy_mx(p, 0), "mail.example.com");
	ck_assert_pstr_eq(mtasts_policy_mx(p, 2), "backupmx.example.com");
	mtasts_policy_free(p);
}
END_TEST

/* Lenient parsing gives the object of the correctly written text. */
START_TEST(policy_lenient_same_object)
{
	mtasts_policy *a = pol(rfc_example, 0);
	mtasts_policy *b = pol("\xef\xbb\xbf\n"
	                       "  Version : STSv1\n"
	                       "\t\n"
	                       "MODE:\tenforce \n"
	                       "Mx: Mail.Example.Com\n"
	                       " mx : *.example.net\r\n"
	                       "MX:backupmx.example.com\n"
	                       "Max_Age: 604800\n"
	                       "\n",
	                       MTASTS_PARSE_LENIENT);

	ck_assert(mtasts_policy_equal(a, b));
	mtasts_policy_free(a);
	mtasts_policy_free(b);
}
END_TEST

/* ---- equal ---------------------------------------------------------------------- */

START_TEST(policy_equal)
{
	mtasts_policy *a = pol(rfc_example, 0);
	mtasts_policy *b = pol(rfc_example_crlf, 0);
	mtasts_policy *c = pol("max_age: 604800\nmx: MAIL.example.com\n"
	                       "mx: *.Example.Net\nmode: enforce\n"
	                       "mx: backupmx.EXAMPLE.com\nversion: STSv1",
	                       0);
	mtasts_policy *m = pol("version: STSv1\nmode: testing\n"
	                       "mx: mail.example.com\nmx: *.example.net\n"
	                       "mx: backupmx.example.com\nmax_age: 604800\n",
	                       0);
	mtasts_policy *g = pol("version: STSv1\nmode: enforce\n"
	                       "mx: mail.example.com\nmx: *.example.net\n"
	                       "mx: backupmx.example.com\nmax_age: 604801\n",
	                       0);
	mtasts_policy *o = pol("version: STSv1\nmode: enforce\n"
	                       "mx: *.example.net\nmx: mail.example.com\n"
	                       "mx: backupmx.example.com\nmax_age: 604800\n",
	                       0);
	mtasts_policy *x = pol("version: STSv1\nmode: enforce\n"
	                       "mx: mail.example.com\nmx: *.example.net\n"
	                       "mx: backupmx.example.com\nmax_age: 604800\n"
	                       "a: 1\nb: 2\n",
	                       0);
	mtasts_policy *y = pol("version: STSv1\nmode: enforce\n"
	                       "mx: mail.example.com\nmx: *.example.net\n"
	                       "mx: backupmx.example.com\nmax_age: 604800\n"
	                       "b: 2\na: 1\n",
	                       0);
	mtasts_policy *z = pol("version: STSv1\nmode: enforce\n"
	                       "mx: mail.example.com\nmx: *.example.net\n"
	                       "mx: backupmx.example.com\nmax_age: 604800\n"
	                       "a: 1\nb: 3\n",
	                       0);
	mtasts_policy *u = pol("version: STSv1\nmode: enforce\n"
	                       "mx: mail.example.com\nmx: *.example.net\n"
	                       "mx: backupmx.example.com\nmax_age: 604800\n"
	                       "A: 1\nb: 2\n",
	                       0);
	mtasts_policy *w = pol("version: STSv1\nmode: enforce\n"
	                       "mx: mail.example.com\nmx: *.example.net\n"
	                       "max_age: 604800\n",
	                       0);

	ck_assert_int_eq(mtasts_policy_equal(a, a), 1);
	ck_assert_int_eq(mtasts_policy_equal(a, b), 1);
	/* field order and the case of mx patterns do not matter */
	ck_assert_int_eq(mtasts_policy_equal(a, c), 1);
	ck_assert_int_eq(mtasts_policy_equal(c, a), 1);
	ck_assert_int_eq(mtasts_policy_equal(a, m), 0);
	ck_assert_int_eq(mtasts_policy_equal(a, g), 0);
	/* the order of mx patterns does */
	ck_assert_int_eq(mtasts_policy_equal(a, o), 0);
	ck_assert_int_eq(mtasts_policy_equal(a, w), 0);
	ck_assert_int_eq(mtasts_policy_equal(w, a), 0);
	/* extensions: byte for byte, in order */
	ck_assert_int_eq(mtasts_policy_equal(a, x), 0);
	ck_assert_int_eq(mtasts_policy_equal(x, y), 0);
	ck_assert_int_eq(mtasts_policy_equal(x, z), 0);
	ck_assert_int_eq(mtasts_policy_equal(x, u), 0);
	ck_assert_int_eq(mtasts_policy_equal(a, NULL), 0);
	ck_assert_int_eq(mtasts_policy_equal(NULL, a), 0);
	ck_assert_int_eq(mtasts_policy_equal(NULL, NULL), 0);
	mtasts_policy_free(a);
	mtasts_policy_free(b);
	mtasts_policy_free(c);
	mtasts_policy_free(m);
	mtasts_policy_free(g);
	mtasts_policy_free(o);
	mtasts_policy_free(x);
	mtasts_policy_free(y);
	mtasts_policy_free(z);
	mtasts_policy_free(u);
	mtasts_policy_free(w);
}
END_TEST

/* ---- format --------------------------------------------------------------------- */

START_TEST(policy_format_canonical)
{
	/* digest §2.4: version, mode, mx in order, max_age, extensions;
	 * one ": ", CRLF, no leading zeros, lower-case mx */
	mtasts_policy *p = pol("ext: v  a l \t\n"
	                       "max_age: 0000604800\n"
	                       "mx: Mail.Example.COM\n"
	                       "mode:enforce\n"
	                       "mx: *.example.net\n"
	                       "version:\tSTSv1\n"
	                       "mx: backupmx.example.com\n"
	                       "zz: 1",
	                       0);
	static const char crlf[] = "version: STSv1\r\n"
	                           "mode: enforce\r\n"
	                           "mx: mail.example.com\r\n"
	                           "mx: *.example.net\r\n"
	                           "mx: backupmx.example.com\r\n"
	                           "max_age: 604800\r\n"
	                           "ext: v  a l\r\n"
	                           "zz: 1\r\n";
	static const char lf[] = "version: STSv1\n"
	                         "mode: enforce\n"
	                         "mx: mail.example.com\n"
	                         "mx: *.example.net\n"
	                         "mx: backupmx.example.com\n"
	                         "max_age: 604800\n"
	                         "ext: v  a l\n"
	                         "zz: 1\n";
	char buf[256];
	char *s = NULL;

	ck_assert_int_eq(mtasts_policy_format(p, NULL, 0, 0),
	                 (int)sizeof(crlf) - 1);
	ck_assert_int_eq(mtasts_policy_format(p, buf, sizeof(buf), 0),
	                 (int)sizeof(crlf) - 1);
	ck_assert_str_eq(buf, crlf);
	ck_assert_int_eq(mtasts_policy_format(p, buf, sizeof(buf),
	                                      MTASTS_FORMAT_DEFAULT),
	                 (int)sizeof(crlf) - 1);
	ck_assert_str_eq(buf, crlf);
	ck_assert_int_eq(
	        mtasts_policy_format(p, buf, sizeof(buf), MTASTS_FORMAT_LF),
	        (int)sizeof(lf) - 1);
	ck_assert_str_eq(buf, lf);

	ck_assert_int_eq(mtasts_policy_format_alloc(p, 0, &s), MTASTS_OK);
	ck_assert_pstr_eq(s, crlf);
	mtasts_free(s);
	ck_assert_int_eq(mtasts_policy_format_alloc(p, MTASTS_FORMAT_LF, &s),
	                 MTASTS_OK);
	ck_assert_pstr_eq(s, lf);
	mtasts_free(s);
	mtasts_policy_free(p);

	/* max_age 0 prints as 0; mode none without mx */
	p = pol("version: STSv1\nmode: none\nmax_age: 0000000000", 0);
	ck_assert_int_eq(
	        mtasts_policy_format(p, buf, sizeof(buf), MTASTS_FORMAT_LF),
	        37);
	ck_assert_str_eq(buf, "version: STSv1\nmode: none\nmax_age: 0\n");
	mtasts_policy_free(p);
}
END_TEST

START_TEST(policy_format_truncation)
{
	mtasts_policy *p = pol(rfc_example, 0);
	int n = (int)sizeof(rfc_example_crlf) - 1;
	char buf[256];
	size_t i;

	for (i = 1; i <= (size_t)n + 1; i++) {
		memset(buf, '#', sizeof(buf));
		ck_assert_int_eq(mtasts_policy_format(p, buf, i, 0), n);
		ck_assert_uint_eq(strlen(buf), i - 1);
		ck_assert_mem_eq(buf, rfc_example_crlf, i - 1);
		ck_assert_int_eq(buf[i], '#');
	}
	memset(buf, '#', sizeof(buf));
	ck_assert_int_eq(mtasts_policy_format(p, buf, 0, 0), n);
	ck_assert_int_eq(buf[0], '#');
	ck_assert_int_eq(mtasts_policy_format(p, NULL, 1, 0), MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_policy_format(NULL, NULL, 0, 0), MTASTS_EINVAL);
	mtasts_policy_free(p);
}
END_TEST

/* ---- modes ---------------------------------------------------------------------- */

START_TEST(mode_names)
{
	static const char *const bad[] = {
		"",        "Enforce", "ENFORCE", "enforce ",  " enforce",
		"Testing", "NONE",    "nonE",    "enforc",    "enforced",
		"strict",  "off",     "none\n",  "testing\r",
	};
	size_t i;

	ck_assert_pstr_eq(mtasts_mode_name(MTASTS_MODE_NONE), "none");
	ck_assert_pstr_eq(mtasts_mode_name(MTASTS_MODE_TESTING), "testing");
	ck_assert_pstr_eq(mtasts_mode_name(MTASTS_MODE_ENFORCE), "enforce");
	ck_assert_ptr_null(mtasts_mode_name(0));
	ck_assert_ptr_null(mtasts_mode_name(4));
	ck_assert_ptr_null(mtasts_mode_name(-1));
	ck_assert_ptr_null(mtasts_mode_name(MTASTS_EMODE));

	ck_assert_int_eq(mtasts_mode_from_name("none"), MTASTS_MODE_NONE);
	ck_assert_int_eq(mtasts_mode_from_name("testing"), MTASTS_MODE_TESTING);
	ck_assert_int_eq(mtasts_mode_from_name("enforce"), MTASTS_MODE_ENFORCE);
	/* exact and case-sensitive */
	for (i = 0; i < T_ARRAY_LEN(bad); i++)
		ck_assert_msg(mtasts_mode_from_name(bad[i]) == MTASTS_EMODE,
		              "'%s'", bad[i]);
	ck_assert_int_eq(mtasts_mode_from_name(NULL), MTASTS_EINVAL);
}
END_TEST

/* ---- caps ------------------------------------------------------------------------- */

/* MTASTS_POLICY_MAX_LINE bytes per line, terminator excluded. */
START_TEST(policy_line_cap)
{
	static const char *const eols[] = { "\n", "\r\n", "" };
	const char *eol = eols[_i];
	mtasts_diag *d = t_diag_new();
	mtasts_policy *p = NULL;
	struct t_buf b;
	size_t k;

	for (k = MTASTS_POLICY_MAX_LINE - 1; k <= MTASTS_POLICY_MAX_LINE + 1;
	     k++) {
		t_buf_init(&b);
		t_buf_str(&b, "version: STSv1\nmode: none\nmax_age: 1\n");
		t_buf_str(&b, "foo: ");
		t_buf_rep(&b, 'x', k - 5);
		t_buf_str(&b, eol);
		mtasts_diag_clear(d);
		if (k <= MTASTS_POLICY_MAX_LINE) {
			ck_assert_msg(t_policy_parse(&p, b.p, b.n, 0, d) ==
			                      MTASTS_OK,
			              "line of %zu: %s", k, t_diag_str(d));
			ck_assert_uint_eq(
			        strlen(mtasts_policy_extension_value(p, 0)),
			        k - 5);
			mtasts_policy_free(p);
			p = NULL;
		} else {
			ck_assert_int_eq(t_policy_parse(&p, b.p, b.n, 0, d),
			                 MTASTS_ETOOLARGE);
			ck_assert_ptr_null(p);
			ck_assert_diag(d, MTASTS_D_LINE_TOO_LONG,
			               MTASTS_SEVERITY_ERROR, 4,
			               MTASTS_POLICY_MAX_LINE + 1);
			ck_assert_uint_eq(mtasts_diag_error_count(d), 1);
		}
		t_buf_free(&b);
	}
	mtasts_diag_free(d);
}
END_TEST

/* Mx patterns of the given lengths, one per line, and the canonical lines
 * around them: the canonical CRLF text of a valid policy. */
static void
mx_policy(struct t_buf *b, const size_t *lens, size_t n, const char *eol)
{
	char name[MTASTS_HOST_MAX + 2];
	size_t i;

	t_buf_printf(b, "version: STSv1%smode: enforce%s", eol, eol);
	for (i = 0; i < n; i++) {
		gen_name(name, lens[i], (char)('a' + i % 26));
		t_buf_printf(b, "mx: %s%s", name, eol);
	}
	t_buf_printf(b, "max_age: 86400%s", eol);
}

/* MTASTS_POLICY_MAX_SIZE: the input and its canonical form. */
START_TEST(policy_size_cap)
{
	size_t lens[MTASTS_POLICY_MAX_MX], n = 0, total = 47;
	mtasts_diag *d = t_diag_new();
	mtasts_policy *p = NULL;
	struct t_buf b;
	char *s = NULL;

	/* 47 bytes of fixed lines, then mx lines of 6 + len bytes */
	while (total + 6 + MTASTS_HOST_MAX <= MTASTS_POLICY_MAX_SIZE) {
		lens[n++] = MTASTS_HOST_MAX;
		total += 6 + MTASTS_HOST_MAX;
	}
	lens[n++] = MTASTS_POLICY_MAX_SIZE - total - 6;
	ck_assert_uint_le(n, MTASTS_POLICY_MAX_MX);

	/* exactly 65536 bytes, already canonical: valid, a fixed point */
	t_buf_init(&b);
	mx_policy(&b, lens, n, "\r\n");
	ck_assert_uint_eq(b.n, MTASTS_POLICY_MAX_SIZE);
	ck_assert_msg(t_policy_parse(&p, b.p, b.n, 0, d) == MTASTS_OK, "%s",
	              t_diag_str(d));
	ck_assert_uint_eq(mtasts_policy_mx_count(p), n);
	ck_assert_int_eq(mtasts_policy_format_alloc(p, 0, &s), MTASTS_OK);
	ck_assert_uint_eq(strlen(s), b.n);
	ck_assert(memcmp(s, b.p, b.n) == 0);
	mtasts_free(s);
	mtasts_policy_free(p);
	t_buf_free(&b);

	/* the same with LF: smaller input, same canonical form */
	mx_policy(&b, lens, n, "\n");
	ck_assert_int_eq(t_policy_parse(&p, b.p, b.n, 0, d), MTASTS_OK);
	ck_assert_int_eq(mtasts_policy_format(p, NULL, 0, 0),
	                 MTASTS_POLICY_MAX_SIZE);
	mtasts_policy_free(p);
	t_buf_free(&b);

	/* one byte more: 65537 */
	lens[n - 1]++;
	mx_policy(&b, lens, n, "\r\n");
	ck_assert_uint_eq(b.n, MTASTS_POLICY_MAX_SIZE + 1);
	ck_assert_int_eq(t_policy_parse(&p, b.p, b.n, 0, d), MTASTS_ETOOLARGE);
	ck_assert_ptr_null(p);
	ck_assert_diag(d, MTASTS_D_TOO_LARGE, MTASTS_SEVERITY_ERROR, 0, 0);
	mtasts_diag_clear(d);
	ck_assert_int_eq(t_policy_parse(&p, b.p, b.n, MTASTS_PARSE_LENIENT, d),
	                 MTASTS_ETOOLARGE);
	mtasts_diag_clear(d);
	t_buf_free(&b);

	/* the LF input fits, but its canonical CRLF form would be 65537
	 * bytes and could not be parsed back: too large */
	mx_policy(&b, lens, n, "\n");
	ck_assert_uint_lt(b.n, MTASTS_POLICY_MAX_SIZE);
	ck_assert_int_eq(t_policy_parse(&p, b.p, b.n, 0, d), MTASTS_ETOOLARGE);
	ck_assert_ptr_null(p);
	ck_assert_diag(d, MTASTS_D_TOO_LARGE, MTASTS_SEVERITY_ERROR, 0, 0);
	mtasts_diag_clear(d);
	t_buf_free(&b);

	/* a valid policy padded to 64 KiB + 1 with a long extension line
	 * is rejected for its size alone */
	t_buf_str(&b, "version: STSv1\nmode: none\nmax_age: 1\n");
	while (b.n < MTASTS_POLICY_MAX_SIZE + 1) {
		size_t room = MTASTS_POLICY_MAX_SIZE + 1 - b.n;

		if (room > 900)
			t_buf_printf(&b, "x%04zu: %0890d\n", b.n, 0);
		else
			t_buf_rep(&b, '\n', room);
	}
	ck_assert_uint_eq(b.n, MTASTS_POLICY_MAX_SIZE + 1);
	ck_assert_int_eq(t_policy_parse(&p, b.p, b.n, MTASTS_PARSE_LENIENT, d),
	                 MTASTS_ETOOLARGE);
	ck_assert_diag(d, MTASTS_D_TOO_LARGE, MTASTS_SEVERITY_ERROR, 0, 0);
	mtasts_diag_clear(d);

	/* 1 MiB of anything: too large */
	t_buf_rep(&b, 'x', (size_t)1 << 20);
	ck_assert_int_eq(t_policy_parse(&p, b.p, b.n, 0, d), MTASTS_ETOOLARGE);
	ck_assert_uint_eq(mtasts_diag_count(d), 1);
	t_buf_free(&b);
	mtasts_diag_free(d);
}
END_TEST

/* MTASTS_POLICY_MAX_MX mx lines, MTASTS_MAX_EXTENSIONS extensions. */
START_TEST(policy_count_caps)
{
	mtasts_diag *d = t_diag_new();
	mtasts_policy *p = NULL;
	struct t_buf b;
	size_t i;

	t_buf_init(&b);
	t_buf_str(&b, "version: STSv1\nmode: enforce\nmax_age: 1\n");
	for (i = 0; i < MTASTS_POLICY_MAX_MX; i++)
		t_buf_printf(&b, "mx: mx%zu.example.com\n", i);
	for (i = 0; i < MTASTS_MAX_EXTENSIONS; i++)
		t_buf_printf(&b, "ext%zu: value %zu\n", i, i);
	ck_assert_int_eq(t_policy_parse(&p, b.p, b.n, 0, d), MTASTS_OK);
	ck_assert_uint_eq(mtasts_policy_mx_count(p), MTASTS_POLICY_MAX_MX);
	ck_assert_uint_eq(mtasts_policy_extension_count(p),
	                  MTASTS_MAX_EXTENSIONS);
	ck_assert_pstr_eq(mtasts_policy_mx(p, 255), "mx255.example.com");
	ck_assert_pstr_eq(mtasts_policy_extension_value(p, 63), "value 63");
	mtasts_policy_free(p);

	/* a duplicate extension is ignored, not counted */
	t_buf_str(&b, "ext0: again\n");
	ck_assert_int_eq(t_policy_parse(&p, b.p, b.n, 0, d), MTASTS_OK);
	ck_assert_diag(d, MTASTS_D_POLICY_DUPLICATE, MTASTS_SEVERITY_WARNING,
	               3 + MTASTS_POLICY_MAX_MX + MTASTS_MAX_EXTENSIONS + 1, 1);
	mtasts_policy_free(p);
	mtasts_diag_clear(d);

	/* one more extension (line 3 + 256 + 64 + 2) */
	t_buf_str(&b, "ext64: x\n");
	ck_assert_int_eq(t_policy_parse(&p, b.p, b.n, 0, d), MTASTS_ETOOLARGE);
	ck_assert_ptr_null(p);
	ck_assert_diag(d, MTASTS_D_TOO_MANY_EXTENSIONS, MTASTS_SEVERITY_ERROR,
	               3 + MTASTS_POLICY_MAX_MX + MTASTS_MAX_EXTENSIONS + 2,
	               T_ANY);
	ck_assert_uint_eq(mtasts_diag_error_count(d), 1);
	mtasts_diag_clear(d);
	t_buf_free(&b);

	/* one more mx, given before the others */
	t_buf_str(&b, "version: STSv1\nmode: enforce\nmax_age: 1\n");
	for (i = 0; i <= MTASTS_POLICY_MAX_MX; i++)
		t_buf_printf(&b, "mx: mx%zu.example.com\n", i);
	ck_assert_int_eq(t_policy_parse(&p, b.p, b.n, 0, d), MTASTS_ETOOLARGE);
	ck_assert_ptr_null(p);
	ck_assert_diag(d, MTASTS_D_TOO_MANY_MX, MTASTS_SEVERITY_ERROR,
	               3 + MTASTS_POLICY_MAX_MX + 1, T_ANY);
	ck_assert_uint_eq(mtasts_diag_error_count(d), 1);
	t_buf_free(&b);
	mtasts_diag_free(d);
}
END_TEST

/* ---- builder ----------------------------------------------------------------------- */

static char *
pbuild_text(const mtasts_policy_builder *b)
{
	mtasts_policy *p = NULL;
	char *s = NULL;

	if (mtasts_policy_builder_build(b, &p, NULL) != MTASTS_OK)
		return NULL;
	ck_assert_int_eq(mtasts_policy_format_alloc(p, MTASTS_FORMAT_LF, &s),
	                 MTASTS_OK);
	mtasts_policy_free(p);
	return s;
}

START_TEST(pbuilder_basic)
{
	mtasts_policy_builder *b = (mtasts_policy_builder *)&b;
	mtasts_policy *p = (mtasts_policy *)&p, *ref;
	char *s;

	ck_assert_int_eq(mtasts_policy_builder_new(NULL, NULL), MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_policy_builder_new(&b, NULL), MTASTS_OK);
	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(mtasts_policy_builder_set_mode(b, MTASTS_MODE_ENFORCE),
	                 MTASTS_OK);
	ck_assert_int_eq(mtasts_policy_builder_set_max_age(b, 604800),
	                 MTASTS_OK);
	ck_assert_int_eq(
	        mtasts_policy_builder_add_mx(b, "mail.example.com", NULL),
	        MTASTS_OK);
	ck_assert_int_eq(mtasts_policy_builder_add_mx(b, "*.example.net", NULL),
	                 MTASTS_OK);
	ck_assert_int_eq(
	        mtasts_policy_builder_add_mx(b, "BackupMX.Example.COM", NULL),
	        MTASTS_OK);
	ck_assert_int_eq(mtasts_policy_builder_build(b, &p, NULL), MTASTS_OK);
	ref = pol(rfc_example, 0);
	ck_assert(mtasts_policy_equal(p, ref));
	/* kept in lower case like a parsed pattern */
	ck_assert_pstr_eq(mtasts_policy_mx(p, 2), "backupmx.example.com");
	mtasts_policy_free(p);
	mtasts_policy_free(ref);

	/* the builder is unchanged by build and can build again */
	s = pbuild_text(b);
	ck_assert_pstr_eq(s, rfc_example);
	mtasts_free(s);
	s = pbuild_text(b);
	ck_assert_pstr_eq(s, rfc_example);
	mtasts_free(s);

	ck_assert_int_eq(mtasts_policy_builder_build(NULL, &p, NULL),
	                 MTASTS_EINVAL);
	ck_assert_ptr_null(p);
	ck_assert_int_eq(mtasts_policy_builder_build(b, NULL, NULL),
	                 MTASTS_EINVAL);
	mtasts_policy_builder_free(b);
}
END_TEST

START_TEST(pbuilder_setters)
{
	static const int bad_modes[] = { 0,       4,      -1, MTASTS_EMODE,
		                         INT_MAX, INT_MIN };
	mtasts_policy_builder *b = NULL;
	char *before, *after;
	size_t i;

	ck_assert_int_eq(mtasts_policy_builder_new(&b, NULL), MTASTS_OK);
	ck_assert_int_eq(mtasts_policy_builder_set_mode(b, MTASTS_MODE_NONE),
	                 MTASTS_OK);
	ck_assert_int_eq(mtasts_policy_builder_set_max_age(b, 1), MTASTS_OK);
	before = pbuild_text(b);
	ck_assert_pstr_eq(before, "version: STSv1\nmode: none\nmax_age: 1\n");

	ck_assert_int_eq(mtasts_policy_builder_set_mode(NULL, MTASTS_MODE_NONE),
	                 MTASTS_EINVAL);
	for (i = 0; i < T_ARRAY_LEN(bad_modes); i++)
		ck_assert_int_eq(
		        mtasts_policy_builder_set_mode(b, bad_modes[i]),
		        MTASTS_EMODE);
	ck_assert_int_eq(mtasts_policy_builder_set_max_age(NULL, 1),
	                 MTASTS_EINVAL);
	/* */
	ck_assert_int_eq(mtasts_policy_builder_set_max_age(b, 31557601u),
	                 MTASTS_EMAXAGE);
	ck_assert_int_eq(mtasts_policy_builder_set_max_age(b, UINT32_MAX),
	                 MTASTS_EMAXAGE);
	after = pbuild_text(b);
	ck_assert_pstr_eq(after, before);
	mtasts_free(after);
	mtasts_free(before);

	ck_assert_int_eq(mtasts_policy_builder_set_max_age(b, 0), MTASTS_OK);
	after = pbuild_text(b);
	ck_assert_pstr_eq(after, "version: STSv1\nmode: none\nmax_age: 0\n");
	mtasts_free(after);
	ck_assert_int_eq(
	        mtasts_policy_builder_set_max_age(b, MTASTS_MAX_AGE_MAX),
	        MTASTS_OK);
	ck_assert_int_eq(mtasts_policy_builder_set_mode(b, MTASTS_MODE_TESTING),
	                 MTASTS_OK);
	ck_assert_int_eq(mtasts_policy_builder_add_mx(b, "a.example", NULL),
	                 MTASTS_OK);
	after = pbuild_text(b);
	ck_assert_pstr_eq(after, "version: STSv1\nmode: testing\n"
	                         "mx: a.example\nmax_age: 31557600\n");
	mtasts_free(after);
	mtasts_policy_builder_free(b);
}
END_TEST

START_TEST(pbuilder_add_mx)
{
	static const struct {
		const char *pattern;
		int code;
	} bad[] = {
		{ "", MTASTS_D_MX_EMPTY },
		{ "a..example", MTASTS_D_MX_EMPTY_LABEL },
		{ "-a.example", MTASTS_D_MX_HYPHEN },
		{ "a_b.example", MTASTS_D_MX_INVALID_CHAR },
		{ "a.example.", MTASTS_D_MX_TRAILING_DOT },
		{ "*.*.example", MTASTS_D_MX_WILDCARD },
		{ "b\xc3\xbc"
		  "cher.example",
		  MTASTS_D_MX_U_LABEL },
		{ "a.example,b.example", MTASTS_D_MX_LIST },
		{ "a.example:25", MTASTS_D_MX_PORT },
	};
	mtasts_policy_builder *b = NULL;
	mtasts_policy *p = NULL;
	char *before, *after;
	size_t i;

	ck_assert_int_eq(mtasts_policy_builder_new(&b, NULL), MTASTS_OK);
	ck_assert_int_eq(mtasts_policy_builder_set_mode(b, MTASTS_MODE_ENFORCE),
	                 MTASTS_OK);
	ck_assert_int_eq(mtasts_policy_builder_set_max_age(b, 1), MTASTS_OK);
	ck_assert_int_eq(mtasts_policy_builder_add_mx(b, "keep.example", NULL),
	                 MTASTS_OK);
	before = pbuild_text(b);
	ck_assert_int_eq(mtasts_policy_builder_add_mx(NULL, "a.example", NULL),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_policy_builder_add_mx(b, NULL, NULL),
	                 MTASTS_EINVAL);
	for (i = 0; i < T_ARRAY_LEN(bad); i++) {
		mtasts_diag *d = t_diag_new();

		ck_assert_msg(mtasts_policy_builder_add_mx(b, bad[i].pattern,
		                                           d) == MTASTS_EMX,
		              "'%s' accepted", bad[i].pattern);
		ck_assert_diag(d, bad[i].code, MTASTS_SEVERITY_ERROR, 1, T_ANY);
		mtasts_diag_free(d);
	}
	after = pbuild_text(b);
	ck_assert_pstr_eq(after, before);
	mtasts_free(after);
	mtasts_free(before);

	/* up to MTASTS_POLICY_MAX_MX patterns */
	for (i = 1; i < MTASTS_POLICY_MAX_MX; i++) {
		char name[32];

		snprintf(name, sizeof(name), "mx%zu.example", i);
		ck_assert_int_eq(mtasts_policy_builder_add_mx(b, name, NULL),
		                 MTASTS_OK);
	}
	ck_assert_int_eq(mtasts_policy_builder_add_mx(b, "one.more", NULL),
	                 MTASTS_ETOOLARGE);
	ck_assert_int_eq(mtasts_policy_builder_build(b, &p, NULL), MTASTS_OK);
	ck_assert_uint_eq(mtasts_policy_mx_count(p), MTASTS_POLICY_MAX_MX);
	mtasts_policy_free(p);

	/* clear_mx empties the list; mx is then missing */
	mtasts_policy_builder_clear_mx(b);
	mtasts_policy_builder_clear_mx(NULL);
	{
		mtasts_diag *d = t_diag_new();

		p = (mtasts_policy *)&p;
		ck_assert_int_eq(mtasts_policy_builder_build(b, &p, d),
		                 MTASTS_EMX);
		ck_assert_ptr_null(p);
		ck_assert_diag(d, MTASTS_D_POLICY_MX_MISSING,
		               MTASTS_SEVERITY_ERROR, T_ANY, T_ANY);
		mtasts_diag_free(d);
	}
	ck_assert_int_eq(mtasts_policy_builder_add_mx(b, "new.example", NULL),
	                 MTASTS_OK);
	after = pbuild_text(b);
	ck_assert_pstr_eq(after, "version: STSv1\nmode: enforce\n"
	                         "mx: new.example\nmax_age: 1\n");
	mtasts_free(after);
	/* mode none needs no mx */
	mtasts_policy_builder_clear_mx(b);
	ck_assert_int_eq(mtasts_policy_builder_set_mode(b, MTASTS_MODE_NONE),
	                 MTASTS_OK);
	after = pbuild_text(b);
	ck_assert_pstr_eq(after, "version: STSv1\nmode: none\nmax_age: 1\n");
	mtasts_free(after);
	mtasts_policy_builder_free(b);
}
END_TEST

START_TEST(pbuilder_add_extension)
{
	static const struct {
		const char *name, *value;
		int status;
	} cases[] = {
		/* registered names in any case */
		{ "version", "x", MTASTS_EINVAL },
		{ "mode", "x", MTASTS_EINVAL },
		{ "max_age", "x", MTASTS_EINVAL },
		{ "mx", "x", MTASTS_EINVAL },
		{ "MODE", "x", MTASTS_EINVAL },
		{ "Mx", "x", MTASTS_EINVAL },
		{ "Max_Age", "x", MTASTS_EINVAL },
		{ "VERSION", "x", MTASTS_EINVAL },
		/* a name already added */
		{ "dup", "y", MTASTS_EINVAL },
		/* sts-policy-ext-name */
		{ "", "x", MTASTS_ESYNTAX },
		{ "_a", "x", MTASTS_ESYNTAX },
		{ "-a", "x", MTASTS_ESYNTAX },
		{ ".a", "x", MTASTS_ESYNTAX },
		{ "a b", "x", MTASTS_ESYNTAX },
		{ "a:", "x", MTASTS_ESYNTAX },
		{ "a=", "x", MTASTS_ESYNTAX },
		{ "\xc3\xa9", "x", MTASTS_ESYNTAX },
		{ "abcdefghijklmnopqrstuvwxyz0123456", "x", MTASTS_ESYNTAX },
		/* sts-policy-ext-value */
		{ "a", "", MTASTS_ESYNTAX },
		{ "a", " x", MTASTS_ESYNTAX },
		{ "a", "x ", MTASTS_ESYNTAX },
		{ "a", " ", MTASTS_ESYNTAX },
		{ "a", "x\ty", MTASTS_ESYNTAX },
		{ "a", "\tx", MTASTS_ESYNTAX },
		{ "a", "x\r", MTASTS_ESYNTAX },
		{ "a", "x\ny", MTASTS_ESYNTAX },
		{ "a", "\x7f", MTASTS_ESYNTAX },
		{ "a", "\x01", MTASTS_ESYNTAX },
		{ "a", "\xc3", MTASTS_ESYNTAX },
		{ "a", "\xc0\xaf", MTASTS_ESYNTAX },
		{ "a", "\xed\xa0\x80", MTASTS_ESYNTAX },
		{ "a", "\xf4\x90\x80\x80", MTASTS_ESYNTAX },
		{ "a", "\xff", MTASTS_ESYNTAX },
	};
	mtasts_policy_builder *b = NULL;
	char *before, *after, *big;
	size_t i;

	ck_assert_int_eq(mtasts_policy_builder_new(&b, NULL), MTASTS_OK);
	ck_assert_int_eq(mtasts_policy_builder_set_mode(b, MTASTS_MODE_NONE),
	                 MTASTS_OK);
	ck_assert_int_eq(mtasts_policy_builder_set_max_age(b, 1), MTASTS_OK);
	ck_assert_int_eq(
	        mtasts_policy_builder_add_extension(b, "dup", "x", NULL),
	        MTASTS_OK);
	before = pbuild_text(b);
	ck_assert_int_eq(
	        mtasts_policy_builder_add_extension(NULL, "a", "b", NULL),
	        MTASTS_EINVAL);
	ck_assert_int_eq(
	        mtasts_policy_builder_add_extension(b, NULL, "b", NULL),
	        MTASTS_EINVAL);
	ck_assert_int_eq(
	        mtasts_policy_builder_add_extension(b, "a", NULL, NULL),
	        MTASTS_EINVAL);
	for (i = 0; i < T_ARRAY_LEN(cases); i++) {
		mtasts_diag *d = t_diag_new();
		int st = mtasts_policy_builder_add_extension(b, cases[i].name,
		                                             cases[i].value, d);

		ck_assert_msg(st == cases[i].status,
		              "case %zu '%s': %s, expected %s", i,
		              cases[i].name, t_status_name(st),
		              t_status_name(cases[i].status));
		ck_assert_uint_gt(mtasts_diag_error_count(d), 0);
		ck_assert(t_messages_printable(d));
		mtasts_diag_free(d);
	}
	after = pbuild_text(b);
	ck_assert_pstr_eq(after, before);
	mtasts_free(after);
	mtasts_free(before);

	/* UTF-8 and inner spaces are fine; "Dup" is another name */
	ck_assert_int_eq(
	        mtasts_policy_builder_add_extension(b, "Dup",
	                                            "caf\xc3\xa9 \xe6\x97\xa5 "
	                                            "\xf0\x9f\x98\x80 a  b",
	                                            NULL),
	        MTASTS_OK);
	ck_assert_int_eq(
	        mtasts_policy_builder_add_extension(b, "modes", "1", NULL),
	        MTASTS_OK);
	/* the line may be MTASTS_POLICY_MAX_LINE bytes, not one more */
	big = t_rep('v', MTASTS_POLICY_MAX_LINE - 5);
	ck_assert_int_eq(
	        mtasts_policy_builder_add_extension(b, "big", big, NULL),
	        MTASTS_OK);
	free(big);
	big = t_rep('v', MTASTS_POLICY_MAX_LINE - 5);
	ck_assert_int_eq(
	        mtasts_policy_builder_add_extension(b, "bigg", big, NULL),
	        MTASTS_ETOOLARGE);
	free(big);
	after = pbuild_text(b);
	ck_assert_ptr_nonnull(after);
	ck_assert_ptr_nonnull(strstr(after, "\nDup: caf\xc3\xa9 \xe6\x97\xa5 "
	                                    "\xf0\x9f\x98\x80 a  b\n"));
	mtasts_free(after);

	/* up to MTASTS_MAX_EXTENSIONS */
	for (i = 4; i < MTASTS_MAX_EXTENSIONS; i++) {
		char name[16];

		snprintf(name, sizeof(name), "e%zu", i);
		ck_assert_int_eq(
		        mtasts_policy_builder_add_extension(b, name, "1", NULL),
		        MTASTS_OK);
	}
	ck_assert_int_eq(
	        mtasts_policy_builder_add_extension(b, "last", "1", NULL),
	        MTASTS_ETOOLARGE);
	mtasts_policy_builder_free(b);
}
END_TEST

START_TEST(pbuilder_build_errors)
{
	mtasts_policy_builder *b = NULL;
	mtasts_policy *p = (mtasts_policy *)&p;
	mtasts_diag *d = t_diag_new();
	int st;

	/* nothing set: mode and max_age missing, both reported */
	ck_assert_int_eq(mtasts_policy_builder_new(&b, NULL), MTASTS_OK);
	st = mtasts_policy_builder_build(b, &p, d);
	ck_assert_msg(st == MTASTS_EMODE || st == MTASTS_EMAXAGE, "%s",
	              t_status_name(st));
	ck_assert_ptr_null(p);
	ck_assert_diag(d, MTASTS_D_POLICY_MODE_MISSING, MTASTS_SEVERITY_ERROR,
	               T_ANY, T_ANY);
	ck_assert_diag(d, MTASTS_D_POLICY_MAX_AGE_MISSING,
	               MTASTS_SEVERITY_ERROR, T_ANY, T_ANY);
	mtasts_diag_clear(d);

	/* mode only */
	ck_assert_int_eq(mtasts_policy_builder_set_mode(b, MTASTS_MODE_NONE),
	                 MTASTS_OK);
	ck_assert_int_eq(mtasts_policy_builder_build(b, &p, d), MTASTS_EMAXAGE);
	ck_assert_diag(d, MTASTS_D_POLICY_MAX_AGE_MISSING,
	               MTASTS_SEVERITY_ERROR, T_ANY, T_ANY);
	ck_assert_uint_eq(mtasts_diag_error_count(d), 1);
	mtasts_policy_builder_free(b);
	mtasts_diag_clear(d);

	/* max_age only */
	ck_assert_int_eq(mtasts_policy_builder_new(&b, NULL), MTASTS_OK);
	ck_assert_int_eq(mtasts_policy_builder_set_max_age(b, 0), MTASTS_OK);
	ck_assert_int_eq(mtasts_policy_builder_build(b, &p, d), MTASTS_EMODE);
	ck_assert_diag(d, MTASTS_D_POLICY_MODE_MISSING, MTASTS_SEVERITY_ERROR,
	               T_ANY, T_ANY);
	ck_assert_uint_eq(mtasts_diag_error_count(d), 1);
	mtasts_diag_clear(d);

	/* testing / enforce without mx */
	ck_assert_int_eq(mtasts_policy_builder_set_mode(b, MTASTS_MODE_TESTING),
	                 MTASTS_OK);
	ck_assert_int_eq(mtasts_policy_builder_build(b, &p, d), MTASTS_EMX);
	ck_assert_diag(d, MTASTS_D_POLICY_MX_MISSING, MTASTS_SEVERITY_ERROR,
	               T_ANY, T_ANY);
	mtasts_diag_clear(d);
	ck_assert_int_eq(mtasts_policy_builder_set_mode(b, MTASTS_MODE_ENFORCE),
	                 MTASTS_OK);
	ck_assert_int_eq(mtasts_policy_builder_build(b, &p, d), MTASTS_EMX);
	ck_assert_ptr_null(p);
	mtasts_policy_builder_free(b);
	mtasts_diag_free(d);
}
END_TEST

/* The builder cannot make a policy whose canonical form exceeds
 * MTASTS_POLICY_MAX_SIZE. */
START_TEST(pbuilder_size_cap)
{
	mtasts_policy_builder *b = NULL;
	mtasts_policy *p = NULL;
	mtasts_diag *d = t_diag_new();
	size_t lens[MTASTS_POLICY_MAX_MX], n = 0, total = 47, i;
	char name[MTASTS_HOST_MAX + 2];

	while (total + 6 + MTASTS_HOST_MAX <= MTASTS_POLICY_MAX_SIZE) {
		lens[n++] = MTASTS_HOST_MAX;
		total += 6 + MTASTS_HOST_MAX;
	}
	lens[n++] = MTASTS_POLICY_MAX_SIZE - total - 6;

	ck_assert_int_eq(mtasts_policy_builder_new(&b, NULL), MTASTS_OK);
	ck_assert_int_eq(mtasts_policy_builder_set_mode(b, MTASTS_MODE_ENFORCE),
	                 MTASTS_OK);
	ck_assert_int_eq(mtasts_policy_builder_set_max_age(b, 86400),
	                 MTASTS_OK);
	for (i = 0; i < n; i++) {
		gen_name(name, lens[i], (char)('a' + i % 26));
		ck_assert_int_eq(mtasts_policy_builder_add_mx(b, name, NULL),
		                 MTASTS_OK);
	}
	/* exactly 65536 bytes in canonical CRLF form */
	ck_assert_int_eq(mtasts_policy_builder_build(b, &p, d), MTASTS_OK);
	ck_assert_int_eq(mtasts_policy_format(p, NULL, 0, 0),
	                 MTASTS_POLICY_MAX_SIZE);
	mtasts_policy_free(p);
	/* one more byte */
	ck_assert_int_eq(mtasts_policy_builder_add_mx(b, "x", NULL), MTASTS_OK);
	p = (mtasts_policy *)&p;
	ck_assert_int_eq(mtasts_policy_builder_build(b, &p, d),
	                 MTASTS_ETOOLARGE);
	ck_assert_ptr_null(p);
	ck_assert_diag(d, MTASTS_D_TOO_LARGE, MTASTS_SEVERITY_ERROR, T_ANY,
	               T_ANY);
	mtasts_policy_builder_free(b);
	mtasts_diag_free(d);
}
END_TEST

/* A builder made from a policy holds a copy that can be modified. */
START_TEST(pbuilder_from_policy)
{
	mtasts_policy *src = pol("version: STSv1\nmode: enforce\n"
	                         "mx: mail.example.com\nmx: *.example.net\n"
	                         "max_age: 604800\nfoo: bar\n",
	                         0);
	mtasts_policy_builder *b = NULL;
	mtasts_policy *p = NULL;
	char *s;

	ck_assert_int_eq(mtasts_policy_builder_new(&b, src), MTASTS_OK);
	ck_assert_int_eq(mtasts_policy_builder_build(b, &p, NULL), MTASTS_OK);
	ck_assert(mtasts_policy_equal(src, p));
	mtasts_policy_free(p);
	mtasts_policy_free(src);

	/* its extension names count as added */
	ck_assert_int_eq(
	        mtasts_policy_builder_add_extension(b, "foo", "baz", NULL),
	        MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_policy_builder_set_mode(b, MTASTS_MODE_TESTING),
	                 MTASTS_OK);
	ck_assert_int_eq(mtasts_policy_builder_add_mx(b, "third.example", NULL),
	                 MTASTS_OK);
	s = pbuild_text(b);
	ck_assert_pstr_eq(s, "version: STSv1\nmode: testing\n"
	                     "mx: mail.example.com\nmx: *.example.net\n"
	                     "mx: third.example\nmax_age: 604800\nfoo: bar\n");
	mtasts_free(s);
	mtasts_policy_builder_clear_mx(b);
	ck_assert_int_eq(mtasts_policy_builder_add_mx(b, "only.example", NULL),
	                 MTASTS_OK);
	ck_assert_int_eq(mtasts_policy_builder_set_max_age(b, 86400),
	                 MTASTS_OK);
	s = pbuild_text(b);
	ck_assert_pstr_eq(s, "version: STSv1\nmode: testing\n"
	                     "mx: only.example\nmax_age: 86400\nfoo: bar\n");
	mtasts_free(s);
	mtasts_policy_builder_free(b);

	/* from a mode none policy with no mx */
	src = pol("version: STSv1\nmode: none\nmax_age: 0\n", 0);
	ck_assert_int_eq(mtasts_policy_builder_new(&b, src), MTASTS_OK);
	ck_assert_int_eq(mtasts_policy_builder_build(b, &p, NULL), MTASTS_OK);
	ck_assert(mtasts_policy_equal(src, p));
	mtasts_policy_free(p);
	mtasts_policy_free(src);
	mtasts_policy_builder_free(b);
}
END_TEST

/* ---- properties over mutated inputs ------------------------------------------------- */

static const char *const mutation_bases[] = {
	rfc_example,
	rfc_example_crlf,
	"version: STSv1\nmode: testing\nmx: *.Example.NET\nmax_age: 0000086400\n"
	"note: caf\xc3\xa9 \xf0\x9f\x98\x80 a:b\nfoo: 1\n",
	"\xef\xbb\xbf  Mode : none\n\nVERSION:STSv1 \t\r\nmax_age:1",
	"version: STSv1\r\nmode: none\r\nmax_age: 31557600\r\nmx: a.b\r\n"
	"mx: 192.0.2.1\r\nx.y_z-1: ok",
};

static void
mutate(uint64_t *rs, struct t_buf *b)
{
	static const unsigned char bytes[] = { ' ',  '\t', '\r', '\n', ':',
		                               '*',  '.',  '-',  'A',  'M',
		                               '0',  '9',  '_',  0x00, 0xc3,
		                               0x80, 0xff, 0xef, 0x7f, 0x0b };
	size_t k = 1 + (size_t)(t_rand(rs) % 4), i;

	for (i = 0; i < k && b->n; i++) {
		size_t at = (size_t)(t_rand(rs) % b->n);
		unsigned char c = (t_rand(rs) % 3)
		                          ? bytes[t_rand(rs) % sizeof(bytes)]
		                          : (unsigned char)t_rand(rs);

		switch (t_rand(rs) % 5) {
		case 0: /* replace */
			b->p[at] = (char)c;
			break;
		case 1: /* insert */
			t_buf_put(b, "", 1);
			memmove(b->p + at + 1, b->p + at, b->n - at - 1);
			b->p[at] = (char)c;
			break;
		case 2: /* delete */
			memmove(b->p + at, b->p + at + 1, b->n - at - 1);
			b->n--;
			break;
		case 3: /* flip the case */
			if ((b->p[at] | 0x20) >= 'a' &&
			    (b->p[at] | 0x20) <= 'z')
				b->p[at] ^= 0x20;
			break;
		default: /* truncate */
			b->n = at;
			break;
		}
	}
}

/* For any input: a success has no error entry; a failure returns the
 * status of its first error; positions agree with offsets; messages are
 * printable; the same status without a list; and a valid policy
 * round-trips through its canonical forms (DESIGN.md, mtasts.h). */
START_TEST(policy_mutation_properties)
{
	uint64_t rs = 0x5EED0000ull + (uint64_t)_i;
	mtasts_diag *d = t_diag_new();
	int i, ok = 0;

	for (i = 0; i < 3000; i++) {
		const char *base = mutation_bases[t_rand(&rs) %
		                                  T_ARRAY_LEN(mutation_bases)];
		unsigned int flags = (unsigned int)(t_rand(&rs) % 2);
		struct t_buf b;
		mtasts_policy *p = NULL, *q = NULL, *r = NULL;
		char *text, *crlf = NULL, *lf = NULL, *again = NULL;
		int st, st2;

		t_buf_init(&b);
		t_buf_str(&b, base);
		mutate(&rs, &b);
		text = t_dup(b.p, b.n);
		mtasts_diag_clear(d);
		st = mtasts_policy_parse(&p, text, b.n, flags, d);
		st2 = mtasts_policy_parse(&q, text, b.n, flags, NULL);
		T_CHECK_MSG(st == st2, "case %d: %d with a list, %d without", i,
		            st, st2);
		T_CHECK_MSG(t_messages_printable(d), "case %d", i);
		T_CHECK_MSG(t_positions_ok(d, text, b.n, 1), "case %d: %s", i,
		            t_diag_str(d));
		if (st == MTASTS_OK) {
			ok++;
			T_CHECK_MSG(mtasts_diag_error_count(d) == 0,
			            "case %d: %s", i, t_diag_str(d));
			T_CHECK(mtasts_policy_equal(p, q));
			T_CHECK(mtasts_policy_format_alloc(p, 0, &crlf) ==
			        MTASTS_OK);
			T_CHECK(mtasts_policy_format_alloc(p, MTASTS_FORMAT_LF,
			                                   &lf) == MTASTS_OK);
			T_CHECK(strncmp(crlf, "version: STSv1\r\nmode: ", 22) ==
			        0);
			T_CHECK_MSG(t_policy_parse(&r, crlf, strlen(crlf), 0,
			                           NULL) == MTASTS_OK &&
			                    mtasts_policy_equal(p, r),
			            "case %d: '%s' does not round-trip", i,
			            crlf);
			T_CHECK(mtasts_policy_format_alloc(r, 0, &again) ==
			        MTASTS_OK);
			T_CHECK(strcmp(crlf, again) == 0);
			mtasts_policy_free(r);
			r = NULL;
			T_CHECK(t_policy_parse(&r, lf, strlen(lf), 0, NULL) ==
			                MTASTS_OK &&
			        mtasts_policy_equal(p, r));
			/* lenient only relaxes: a strict success without a
			 * name-case hint gives the same policy (mtasts.h) */
			if (!flags &&
			    !t_count_diag(d, MTASTS_D_POLICY_NAME_CASE, 0)) {
				mtasts_policy_free(r);
				r = NULL;
				T_CHECK_MSG(mtasts_policy_parse(
				                    &r, text, b.n,
				                    MTASTS_PARSE_LENIENT,
				                    NULL) == MTASTS_OK &&
				                    mtasts_policy_equal(p, r),
				            "case %d: lenient differs", i);
			}
		} else {
			T_CHECK_MSG(p == NULL && q == NULL, "case %d", i);
			T_CHECK_MSG(t_first_error_status(d, 0) == st,
			            "case %d: status %d, first error %s", i, st,
			            t_diag_str(d));
		}
		mtasts_free(crlf);
		mtasts_free(lf);
		mtasts_free(again);
		mtasts_policy_free(p);
		mtasts_policy_free(q);
		mtasts_policy_free(r);
		free(text);
		t_buf_free(&b);
	}
	ck_assert_int_gt(ok, 100);
	mtasts_diag_free(d);
}
END_TEST

MTASTS_TEST_SUITE(policy)
{
	Suite *s = suite_create("policy");
	TCase *tc;

	tc = tcase_create("parse");
	tcase_add_test(tc, policy_parse_accessors);
	tcase_add_test(tc, policy_mode_none);
	tcase_add_test(tc, policy_input_copied);
	tcase_add_test(tc, policy_lenient_same_object);
	tcase_add_test(tc, policy_equal);
	tcase_add_test(tc, policy_format_canonical);
	tcase_add_test(tc, policy_format_truncation);
	tcase_add_test(tc, mode_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("caps");
	tcase_add_loop_test(tc, policy_line_cap, 0, 3);
	tcase_add_test(tc, policy_size_cap);
	tcase_add_test(tc, policy_count_caps);
	tcase_add_loop_test(tc, policy_mutation_properties, 0, 4);
	suite_add_tcase(s, tc);

	tc = tcase_create("builder");
	tcase_add_test(tc, pbuilder_basic);
	tcase_add_test(tc, pbuilder_setters);
	tcase_add_test(tc, pbuilder_add_mx);
	tcase_add_test(tc, pbuilder_add_extension);
	tcase_add_test(tc, pbuilder_build_errors);
	tcase_add_test(tc, pbuilder_size_cap);
	tcase_add_test(tc, pbuilder_from_policy);
	suite_add_tcase(s, tc);
	return s;
}
