/* SPDX-License-Identifier: MIT */
/*
 * mx patterns (RFC 8461 §3.2, R-18…R-20) and host matching (§4.1, R-39,
 * digest §5.3): pattern diagnostics, vector tables, hostile host bytes,
 * policy matching with its index, and a hostile locale. More vectors are in
 * tests/data/mx/{cases,patterns}.tsv.
 */
#include "test-common.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- pattern syntax -------------------------------------------------------------- */

static const struct {
	const char *pattern;
	int code;
	unsigned int col;
} bad_patterns[] = {
	{ "", MTASTS_D_MX_EMPTY, 1 },
	{ "a..b", MTASTS_D_MX_EMPTY_LABEL, 3 },
	{ ".a", MTASTS_D_MX_EMPTY_LABEL, 1 },
	{ "*..a", MTASTS_D_MX_EMPTY_LABEL, 3 },
	{ "-a.b", MTASTS_D_MX_HYPHEN, 1 },
	{ "a-.b", MTASTS_D_MX_HYPHEN, 2 },
	{ "a.b-", MTASTS_D_MX_HYPHEN, 4 },
	{ "*.-a", MTASTS_D_MX_HYPHEN, 3 },
	{ "a_b.c", MTASTS_D_MX_INVALID_CHAR, 2 },
	{ "a!b", MTASTS_D_MX_INVALID_CHAR, 2 },
	{ "a/b", MTASTS_D_MX_INVALID_CHAR, 2 },
	{ "a@b.c", MTASTS_D_MX_INVALID_CHAR, 2 },
	{ "a.b.", MTASTS_D_MX_TRAILING_DOT, 4 }, /* */
	{ "*.a.", MTASTS_D_MX_TRAILING_DOT, 4 },
	{ "*", MTASTS_D_MX_WILDCARD, 1 }, /* */
	{ "*a.b", MTASTS_D_MX_WILDCARD, 1 },
	{ "a.*.b", MTASTS_D_MX_WILDCARD, 3 },
	{ "*.*.b", MTASTS_D_MX_WILDCARD, 3 },
	{ "a*.b", MTASTS_D_MX_WILDCARD, 2 },
	{ "a.b*", MTASTS_D_MX_WILDCARD, 4 },
	{ "**.b", MTASTS_D_MX_WILDCARD, 1 },
	{ "b\xc3\xbc.c", MTASTS_D_MX_U_LABEL, 2 }, /* */
	{ "\xe4\xbe\x8b.example", MTASTS_D_MX_U_LABEL, 1 },
	{ "a b", MTASTS_D_MX_LIST, 2 }, /* */
	{ "a,b", MTASTS_D_MX_LIST, 2 },
	{ "a.example, b.example", MTASTS_D_MX_LIST, 10 },
	{ "a:25", MTASTS_D_MX_PORT, 2 },
	{ "[192.0.2.1]", MTASTS_D_MX_PORT, 1 },
	{ "[2001:db8::1]", MTASTS_D_MX_PORT, 1 },
	{ "a]", MTASTS_D_MX_PORT, 2 },
};

/* Every 4xx code, at its column, and only that code. */
START_TEST(pattern_check_codes)
{
	const char *pat = bad_patterns[_i].pattern;
	mtasts_diag *d = t_diag_new();
	size_t i;

	ck_assert_int_eq(mtasts_mx_pattern_check(pat, d), MTASTS_EMX);
	ck_assert_diag(d, bad_patterns[_i].code, MTASTS_SEVERITY_ERROR, 1,
	               bad_patterns[_i].col);
	for (i = 0; i < mtasts_diag_count(d); i++) {
		ck_assert_msg(mtasts_diag_code(d, i) == bad_patterns[_i].code,
		              "'%s': %s", pat, t_diag_str(d));
		ck_assert_int_eq(mtasts_diag_severity(d, i),
		                 MTASTS_SEVERITY_ERROR);
		ck_assert_uint_eq(mtasts_diag_line(d, i), 1);
		ck_assert_uint_eq(mtasts_diag_offset(d, i),
		                  mtasts_diag_column(d, i) - 1);
	}
	ck_assert(t_messages_printable(d));
	/* without a list: same verdict */
	ck_assert_int_eq(mtasts_mx_pattern_check(pat, NULL), MTASTS_EMX);
	/* an invalid pattern never matches, not even itself (header) */
	ck_assert_int_eq(mtasts_mx_match(pat, pat), 0);
	mtasts_diag_free(d);
}
END_TEST

/* The DNS limits: 63-byte labels and 253-byte names (RFC 1035). */
START_TEST(pattern_check_lengths)
{
	mtasts_diag *d = t_diag_new();
	char buf[600];

	/* a label of 63 is fine, 64 is not (column of byte 64) */
	memset(buf, 'a', 63);
	strcpy(buf + 63, ".example");
	ck_assert_int_eq(mtasts_mx_pattern_check(buf, d), MTASTS_OK);
	ck_assert_int_eq(mtasts_mx_match(buf, buf), 1);
	memset(buf, 'a', 64);
	strcpy(buf + 64, ".example");
	ck_assert_int_eq(mtasts_mx_pattern_check(buf, d), MTASTS_EMX);
	ck_assert_diag(d, MTASTS_D_MX_LABEL_TOO_LONG, MTASTS_SEVERITY_ERROR, 1,
	               64);
	ck_assert_int_eq(mtasts_mx_match(buf, buf), 0);
	mtasts_diag_clear(d);
	strcpy(buf, "x.");
	memset(buf + 2, 'b', 64);
	buf[66] = '\0';
	ck_assert_int_eq(mtasts_mx_pattern_check(buf, d), MTASTS_EMX);
	ck_assert_diag(d, MTASTS_D_MX_LABEL_TOO_LONG, MTASTS_SEVERITY_ERROR, 1,
	               66);
	mtasts_diag_clear(d);

	/* a name of 253 is fine, 254 is not (column of byte 254) */
	memset(buf, 0, sizeof(buf));
	memset(buf, 'a', 63);
	buf[63] = '.';
	memset(buf + 64, 'b', 63);
	buf[127] = '.';
	memset(buf + 128, 'c', 63);
	buf[191] = '.';
	memset(buf + 192, 'd', 61); /* 253 */
	ck_assert_int_eq(mtasts_mx_pattern_check(buf, d), MTASTS_OK);
	ck_assert_int_eq(mtasts_mx_match(buf, buf), 1);
	buf[253] = 'd';
	ck_assert_int_eq(mtasts_mx_pattern_check(buf, d), MTASTS_EMX);
	ck_assert_diag(d, MTASTS_D_MX_NAME_TOO_LONG, MTASTS_SEVERITY_ERROR, 1,
	               254);
	ck_assert_int_eq(mtasts_mx_match(buf, buf), 0);
	mtasts_diag_clear(d);

	/* "*." counts: 2 + 251 is the longest wildcard pattern */
	memset(buf, 0, sizeof(buf));
	buf[0] = '*';
	buf[1] = '.';
	memset(buf + 2, 'e', 63);
	buf[65] = '.';
	memset(buf + 66, 'f', 63);
	buf[129] = '.';
	memset(buf + 130, 'g', 63);
	buf[193] = '.';
	memset(buf + 194, 'h', 59); /* 253 */
	ck_assert_int_eq(mtasts_mx_pattern_check(buf, d), MTASTS_OK);
	buf[253] = 'h';
	ck_assert_int_eq(mtasts_mx_pattern_check(buf, d), MTASTS_EMX);
	ck_assert_diag(d, MTASTS_D_MX_NAME_TOO_LONG, MTASTS_SEVERITY_ERROR, 1,
	               254);

	/* a very long pattern: rejected, no overflow */
	memset(buf, 'a', sizeof(buf) - 1);
	buf[sizeof(buf) - 1] = '\0';
	ck_assert_int_eq(mtasts_mx_pattern_check(buf, NULL), MTASTS_EMX);
	ck_assert_int_eq(mtasts_mx_match(buf, buf), 0);
	mtasts_diag_free(d);
}
END_TEST

static const char *const good_patterns[] = {
	"a",
	"localhost", /* single label */
	"*.com",     /* public suffix */
	"*.a",
	"192.0.2.1", /* digits-only labels are a Domain */
	"xn--bcher-kva.example",
	"a--b.example",
	"a-b-c.d",
	"0.0",
	"1a.2b",
	"MX.EXAMPLE.COM",
	"*.Example.Net",
	"mail.example.com",
	"*.example.net",
};

START_TEST(pattern_check_valid)
{
	mtasts_diag *d = t_diag_new();

	ck_assert_int_eq(mtasts_mx_pattern_check(good_patterns[_i], d),
	                 MTASTS_OK);
	ck_assert_uint_eq(mtasts_diag_count(d), 0);
	ck_assert_int_eq(mtasts_mx_pattern_check(good_patterns[_i], NULL),
	                 MTASTS_OK);
	mtasts_diag_free(d);
}
END_TEST

/* ---- matching vectors ----------------------------------------------------------- */

static const struct {
	const char *pattern, *host;
	int match;
} mx_vec[] = {
	{ "mx1.example.com", "mx1.example.com", 1 },
	/* ASCII case-insensitive (RFC 4343, R-39) */
	{ "mx1.example.com", "MX1.Example.COM", 1 },
	{ "MX1.EXAMPLE.COM", "mx1.example.com", 1 },
	{ "Mx1.ExAmPlE.cOm", "mX1.eXaMpLe.CoM", 1 },
	/* one trailing root dot on the host, never two */
	{ "mx1.example.com", "mx1.example.com.", 1 },
	{ "mx1.example.com", "MX1.EXAMPLE.COM.", 1 },
	{ "mx1.example.com", "mx1.example.com..", 0 },
	{ "mx1.example.com", ".mx1.example.com", 0 },
	{ "mx1.example.com.", "mx1.example.com.", 0 },
	{ "mx1.example.com.", "mx1.example.com", 0 },
	/* exact names: no suffix or prefix matching */
	{ "example.com", "mx1.example.com", 0 },
	{ "mx1.example.com", "example.com", 0 },
	{ "mx1.example.com", "mx1.example.co", 0 },
	{ "mx1.example.com", "mx1.example.comm", 0 },
	{ "mx1.example.com", "xmx1.example.com", 0 },
	{ "mx1.example.com", "mx1-example.com", 0 },
	{ "mx1.example.com", "mx1.example.com ", 0 },
	{ "mx1.example.com", " mx1.example.com", 0 },
	/* wildcard: exactly one whole leftmost label */
	{ "*.example.com", "mx1.example.com", 1 },
	{ "*.example.com", "MX1.EXAMPLE.COM.", 1 },
	{ "*.example.com", "a.example.com", 1 },
	{ "*.example.com", "1.example.com", 1 },
	{ "*.example.com", "a-b.example.com", 1 },
	{ "*.example.com", "example.com", 0 }, /* apex */
	{ "*.example.com", "example.com.", 0 },
	{ "*.example.com", ".example.com", 0 },    /* empty label */
	{ "*.example.com", "a.b.example.com", 0 }, /* two labels */
	{ "*.example.com", "a..example.com", 0 },
	{ "*.example.com", "-a.example.com", 0 },
	{ "*.example.com", "a-.example.com", 0 },
	{ "*.example.com", "a_b.example.com", 0 },
	{ "*.example.com", "*.example.com", 0 },
	{ "*.example.com", "a*.example.com", 0 },
	{ "*.example.com", "a.example.com.x", 0 },
	{ "*.example.com", "aexample.com", 0 },
	{ "*.example.com", "a.xexample.com", 0 },
	{ "*.example.com", "a.example.co", 0 },
	{ "*.com", "example.com", 1 },
	{ "*.com", "a.example.com", 0 },
	{ "*.a", "b.a", 1 },
	{ "*.a", "a", 0 },
	{ "a", "a", 1 },
	{ "a", "A.", 1 },
	/* empty and overlong hosts */
	{ "a", "", 0 },
	{ "a", ".", 0 },
	{ "*.a", ".a", 0 },
	{ "*.a", "", 0 },
	/* U-labels never match (DNS gives A-labels) */
	{ "xn--bcher-kva.example",
	  "b\xc3\xbc"
	  "cher.example",
	  0 },
	{ "*.example",
	  "b\xc3\xbc"
	  "cher.example",
	  0 },
	{ "*.xn--bcher-kva.example",
	  "mx.b\xc3\xbc"
	  "cher.example",
	  0 },
	{ "b\xc3\xbc"
	  "cher.example",
	  "b\xc3\xbc"
	  "cher.example",
	  0 },
	{ "xn--bcher-kva.example", "XN--BCHER-KVA.EXAMPLE.", 1 },
	/* control characters that OR 0x20 would turn into '-', '.', digits */
	{ "mx1-a.example.com", "mx1\ra.example.com", 0 },
	{ "mx1.example.com",
	  "mx1\x0e"
	  "example.com",
	  0 },
	{ "mx0.example.com", "mx\x10.example.com", 0 },
	{ "mx9.example.com", "mx\x19.example.com", 0 },
	{ "a-b", "a\rb", 0 },
	{ "a.b",
	  "a\x0e"
	  "b",
	  0 },
	{ "a1b2",
	  "a\x11"
	  "b\x12",
	  0 },
	{ "*.a-b.example", "x.a\rb.example", 0 },
	{ "*.example.com", "m\rx.example.com", 0 },
	{ "*.example.com", "\x10.example.com", 0 },
	{ "*.example.com",
	  "mx\x0e"
	  "example.com",
	  0 },
	/* bytes with the high bit */
	{ "mx1.example.com", "mx1.example.co\xed", 0 },
	{ "mx1.example.com", "\xedx1.example.com", 0 },
	{ "a", "\xc1", 0 },
	{ "*.example.com", "\xc1.example.com", 0 },
	/* dotless / dotted i in a UTF-8 host */
	{ "mail.example.com", "ma\xc4\xb1l.example.com", 0 },
	{ "mail.example.com", "ma\xc4\xb0l.example.com", 0 },
	/* an invalid pattern never matches */
	{ "mx1..example.com", "mx1..example.com", 0 },
	{ "*.*.example.com", "a.b.example.com", 0 },
	{ "", "", 0 },
	{ "*", "a", 0 },
};

START_TEST(mx_vectors)
{
	ck_assert_msg(mtasts_mx_match(mx_vec[_i].pattern, mx_vec[_i].host) ==
	                      mx_vec[_i].match,
	              "pattern '%s' host '%s': expected %d", mx_vec[_i].pattern,
	              mx_vec[_i].host, mx_vec[_i].match);
}
END_TEST

/* Hosts up to MTASTS_HOST_MAX bytes after removing one trailing dot. */
START_TEST(mx_host_lengths)
{
	char pat[300], host[320];

	/* "*." + 251 bytes: hosts of 253 match, 254 do not */
	memset(pat, 0, sizeof(pat));
	pat[0] = '*';
	pat[1] = '.';
	memset(pat + 2, 'e', 63);
	pat[65] = '.';
	memset(pat + 66, 'f', 63);
	pat[129] = '.';
	memset(pat + 130, 'g', 63);
	pat[193] = '.';
	memset(pat + 194, 'h', 59);
	ck_assert_uint_eq(strlen(pat), 253);
	snprintf(host, sizeof(host), "a%s", pat + 1);
	ck_assert_uint_eq(strlen(host), 253);
	ck_assert_int_eq(mtasts_mx_match(pat, host), 1);
	strcat(host, ".");
	ck_assert_int_eq(mtasts_mx_match(pat, host), 1);
	snprintf(host, sizeof(host), "ab%s", pat + 1);
	ck_assert_int_eq(mtasts_mx_match(pat, host), 0);
	strcat(host, ".");
	ck_assert_int_eq(mtasts_mx_match(pat, host), 0);

	/* a wildcard label of 63 matches, 64 does not */
	memset(host, 0, sizeof(host));
	memset(host, 'l', 63);
	strcpy(host + 63, ".example.com");
	ck_assert_int_eq(mtasts_mx_match("*.example.com", host), 1);
	memset(host, 0, sizeof(host));
	memset(host, 'l', 64);
	strcpy(host + 64, ".example.com");
	ck_assert_int_eq(mtasts_mx_match("*.example.com", host), 0);

	/* a very long host never matches */
	memset(host, 'a', sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	ck_assert_int_eq(mtasts_mx_match("*.a", host), 0);
	ck_assert_int_eq(mtasts_mx_match("a", host), 0);
}
END_TEST

/* A valid non-wildcard pattern to build hosts from: prefixes of this that
 * are valid patterns give every length and every pattern byte class. */
static const char base_pattern[] =
        "a-0.b1-2c.3d-4.e5-6f.7g-8.h9-0i.1j-2.k3-4l.5m-6.n7-8o.9p-q";

static int
ldh_label_ok(const char *l, size_t n)
{
	size_t i;

	if (n == 0 || n > 63 || l[0] == '-' || l[n - 1] == '-')
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)l[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-'))
			return 0;
	}
	return 1;
}

static int
same_ascii_ci(unsigned char a, unsigned char b)
{
	if (a >= 'A' && a <= 'Z')
		a = (unsigned char)(a + 32);
	if (b >= 'A' && b <= 'Z')
		b = (unsigned char)(b + 32);
	return a == b;
}

/* Every byte value at every position of the host, for every pattern
 * length: only a case variant of the same byte may still match. Covers
 * the bytes 0x0D, 0x0E, 0x10-0x19 that OR 0x20 maps onto '-', '.' and
 * digits, and every byte >= 0x80. */
START_TEST(mx_every_byte_every_position)
{
	size_t len = (size_t)_i + 1, pos;
	char pat[sizeof(base_pattern) + 4], host[sizeof(base_pattern) + 16];
	unsigned int c;
	int dot;

	memcpy(pat, base_pattern, len);
	pat[len] = '\0';
	if (mtasts_mx_pattern_check(pat, NULL) != MTASTS_OK)
		return;
	for (dot = 0; dot <= 1; dot++) {
		for (pos = 0; pos < len; pos++) {
			for (c = 1; c < 256; c++) {
				int want =
				        same_ascii_ci((unsigned char)pat[pos],
				                      (unsigned char)c);

				memcpy(host, pat, len + 1);
				host[pos] = (char)c;
				if (dot)
					strcat(host, ".");
				T_CHECK_MSG(
				        mtasts_mx_match(pat, host) == want,
				        "pattern '%s' host byte %zu = 0x%02x: "
				        "expected %d",
				        pat, pos, c, want);
			}
		}
	}
}
END_TEST

/* The same for "*." + suffix: a byte in the suffix must equal the pattern
 * byte; in the leftmost label the label must stay LDH. */
START_TEST(mx_wildcard_every_byte)
{
	size_t len = (size_t)_i + 1, pos, hl;
	char pat[sizeof(base_pattern) + 4], host[sizeof(base_pattern) + 16];
	unsigned int c;

	pat[0] = '*';
	pat[1] = '.';
	memcpy(pat + 2, base_pattern, len);
	pat[len + 2] = '\0';
	if (mtasts_mx_pattern_check(pat, NULL) != MTASTS_OK)
		return;
	snprintf(host, sizeof(host), "mx-1.%s", pat + 2);
	hl = strlen(host);
	ck_assert_int_eq(mtasts_mx_match(pat, host), 1);
	for (pos = 0; pos < hl; pos++) {
		for (c = 1; c < 256; c++) {
			char h[sizeof(host)];
			int want;

			memcpy(h, host, hl + 1);
			h[pos] = (char)c;
			if (pos < 4)
				want = ldh_label_ok(h, 4);
			else
				want = same_ascii_ci((unsigned char)host[pos],
				                     (unsigned char)c);
			T_CHECK_MSG(mtasts_mx_match(pat, h) == want,
			            "pattern '%s' host byte %zu = 0x%02x: "
			            "expected %d",
			            pat, pos, c, want);
		}
	}
}
END_TEST

/* ---- policy matching --------------------------------------------------------------- */

static mtasts_policy *
pol(const char *text)
{
	mtasts_policy *p = NULL;

	ck_assert_int_eq(t_policy_parse_str(&p, text, 0, NULL), MTASTS_OK);
	return p;
}

START_TEST(policy_match_index)
{
	mtasts_policy *p = pol("version: STSv1\nmode: enforce\n"
	                       "mx: mail.example.com\nmx: *.example.net\n"
	                       "mx: backupmx.example.com\nmax_age: 604800\n");
	size_t idx = 99;

	ck_assert_int_eq(mtasts_policy_match(p, "mail.example.com", &idx), 1);
	ck_assert_uint_eq(idx, 0);
	ck_assert_int_eq(mtasts_policy_match(p, "MAIL.EXAMPLE.COM.", &idx), 1);
	ck_assert_uint_eq(idx, 0);
	ck_assert_int_eq(mtasts_policy_match(p, "mx7.example.net", &idx), 1);
	ck_assert_uint_eq(idx, 1);
	ck_assert_int_eq(mtasts_policy_match(p, "backupmx.example.com.", &idx),
	                 1);
	ck_assert_uint_eq(idx, 2);
	ck_assert_int_eq(mtasts_policy_match(p, "example.net", &idx), 0);
	ck_assert_uint_eq(idx, MTASTS_NO_INDEX);
	idx = 99;
	ck_assert_int_eq(mtasts_policy_match(p, "a.b.example.net", &idx), 0);
	ck_assert_uint_eq(idx, MTASTS_NO_INDEX);
	ck_assert_int_eq(mtasts_policy_match(p, "", &idx), 0);
	ck_assert_uint_eq(idx, MTASTS_NO_INDEX);
	ck_assert_int_eq(mtasts_policy_match(p, "mail.example.com\r", &idx), 0);
	/* index is optional */
	ck_assert_int_eq(mtasts_policy_match(p, "mail.example.com", NULL), 1);
	ck_assert_int_eq(mtasts_policy_match(p, "other.example", NULL), 0);
	mtasts_policy_free(p);

	/* the first matching pattern is reported */
	p = pol("version: STSv1\nmode: testing\nmax_age: 1\n"
	        "mx: a.example\nmx: *.example.com\nmx: mx.example.com\n"
	        "mx: MX.example.com\n");
	ck_assert_int_eq(mtasts_policy_match(p, "mx.example.com", &idx), 1);
	ck_assert_uint_eq(idx, 1);
	ck_assert_int_eq(mtasts_policy_match(p, "a.example", &idx), 1);
	ck_assert_uint_eq(idx, 0);
	mtasts_policy_free(p);

	/* mode none: no pattern, nothing matches; the mode is not
	 * considered otherwise */
	p = pol("version: STSv1\nmode: none\nmax_age: 1\n");
	idx = 99;
	ck_assert_int_eq(mtasts_policy_match(p, "mx.example.com", &idx), 0);
	ck_assert_uint_eq(idx, MTASTS_NO_INDEX);
	mtasts_policy_free(p);
	p = pol("version: STSv1\nmode: none\nmax_age: 1\nmx: mx.example.com\n");
	ck_assert_int_eq(mtasts_policy_match(p, "mx.example.com", &idx), 1);
	ck_assert_uint_eq(idx, 0);
	mtasts_policy_free(p);
}
END_TEST

/* mtasts_policy_match agrees with mtasts_mx_match on each pattern. */
START_TEST(policy_match_vs_mx_match)
{
	size_t i;

	for (i = 0; i < T_ARRAY_LEN(mx_vec); i++) {
		struct t_buf b;
		mtasts_policy *p = NULL;
		size_t idx = 99;
		int want = mx_vec[i].match;

		if (mtasts_mx_pattern_check(mx_vec[i].pattern, NULL) !=
		    MTASTS_OK)
			continue;
		t_buf_init(&b);
		t_buf_printf(&b,
		             "version: STSv1\nmode: enforce\nmax_age: 1\n"
		             "mx: %s\n",
		             mx_vec[i].pattern);
		ck_assert_int_eq(t_policy_parse(&p, b.p, b.n, 0, NULL),
		                 MTASTS_OK);
		ck_assert_msg(mtasts_policy_match(p, mx_vec[i].host, &idx) ==
		                      want,
		              "pattern '%s' host '%s'", mx_vec[i].pattern,
		              mx_vec[i].host);
		ck_assert_uint_eq(idx, want ? 0 : MTASTS_NO_INDEX);
		mtasts_policy_free(p);
		t_buf_free(&b);
	}
}
END_TEST

/* ---- locale -------------------------------------------------------------------------- */

/* Nothing depends on the C locale (mtasts.h conventions, A-06, R-39):
 * Turkish case rules (I <-> dotless i) change nothing. */
START_TEST(hostile_locale)
{
	static const char *const names[] = { "tr_TR.UTF-8", "tr_TR.utf8",
		                             "tr_TR", "tr_TR.ISO-8859-9" };
	mtasts_policy *p = NULL;
	size_t i, idx = 99;

	for (i = 0; i < T_ARRAY_LEN(names); i++)
		if (setlocale(LC_ALL, names[i]))
			break;
	/* a missing locale is not an error: the checks still run */
	ck_assert_int_eq(
	        mtasts_mx_match("MAIL.EXAMPLE.COM", "mail.example.com"), 1);
	ck_assert_int_eq(
	        mtasts_mx_match("mail.example.com", "MAIL.EXAMPLE.COM"), 1);
	ck_assert_int_eq(mtasts_mx_match("*.EXAMPLE.COM", "mail.example.com"),
	                 1);
	ck_assert_int_eq(mtasts_mx_match("*.example.com", "MAIL.EXAMPLE.COM"),
	                 1);
	ck_assert_int_eq(mtasts_mx_match("IMAP.INFO", "imap.info"), 1);
	ck_assert_int_eq(mtasts_mx_match("imap.info", "IMAP.INFO."), 1);
	ck_assert_int_eq(mtasts_mx_match("imap.info", "\xc4\xb0MAP.INFO"), 0);
	ck_assert_int_eq(mtasts_mx_match("imap.info", "\xc4\xb1map.info"), 0);
	ck_assert_int_eq(mtasts_mx_pattern_check("MAIL.EXAMPLE.COM", NULL),
	                 MTASTS_OK);

	ck_assert_int_eq(t_policy_parse_str(&p,
	                                    "version: STSv1\n"
	                                    "mode: enforce\n"
	                                    "mx: MAIL.EXAMPLE.COM\n"
	                                    "mx: *.INFO\n"
	                                    "max_age: 1\n",
	                                    0, NULL),
	                 MTASTS_OK);
	ck_assert_pstr_eq(mtasts_policy_mx(p, 0), "mail.example.com");
	ck_assert_pstr_eq(mtasts_policy_mx(p, 1), "*.info");
	ck_assert_int_eq(mtasts_policy_match(p, "mail.example.com", &idx), 1);
	ck_assert_uint_eq(idx, 0);
	ck_assert_int_eq(mtasts_policy_match(p, "IMAP.INFO", &idx), 1);
	ck_assert_uint_eq(idx, 1);
	mtasts_policy_free(p);

	/* field names stay exact, values too */
	ck_assert_int_eq(t_policy_parse_str(&p,
	                                    "VERSION: STSv1\nMODE: none\n"
	                                    "MAX_AGE: 1\n",
	                                    MTASTS_PARSE_LENIENT, NULL),
	                 MTASTS_OK);
	ck_assert_int_eq(mtasts_policy_mode(p), MTASTS_MODE_NONE);
	mtasts_policy_free(p);
	ck_assert_int_eq(t_policy_parse_str(&p,
	                                    "version: STSv1\nmode: Testing\n"
	                                    "max_age: 1\n",
	                                    MTASTS_PARSE_LENIENT, NULL),
	                 MTASTS_EMODE);
	ck_assert_int_eq(mtasts_mode_from_name("TESTING"), MTASTS_EMODE);
	ck_assert_int_eq(mtasts_mode_from_name("testing"), MTASTS_MODE_TESTING);
	setlocale(LC_ALL, "C");
}
END_TEST

MTASTS_TEST_SUITE(match)
{
	Suite *s = suite_create("match");
	TCase *tc;
	int n = (int)sizeof(base_pattern) - 1;

	tc = tcase_create("pattern");
	tcase_add_loop_test(tc, pattern_check_codes, 0,
	                    (int)T_ARRAY_LEN(bad_patterns));
	tcase_add_test(tc, pattern_check_lengths);
	tcase_add_loop_test(tc, pattern_check_valid, 0,
	                    (int)T_ARRAY_LEN(good_patterns));
	suite_add_tcase(s, tc);

	tc = tcase_create("match");
	tcase_add_loop_test(tc, mx_vectors, 0, (int)T_ARRAY_LEN(mx_vec));
	tcase_add_test(tc, mx_host_lengths);
	tcase_add_loop_test(tc, mx_every_byte_every_position, 0, n);
	tcase_add_loop_test(tc, mx_wildcard_every_byte, 0, n);
	tcase_add_test(tc, policy_match_index);
	tcase_add_test(tc, policy_match_vs_mx_match);
	tcase_add_test(tc, hostile_locale);
	suite_add_tcase(s, tc);
	return s;
}
