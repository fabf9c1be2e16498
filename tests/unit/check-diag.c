/* SPDX-License-Identifier: MIT */
/*
 * Diagnostics lists, status and code names, version, and the argument
 * checks every parse function shares (the "Conventions" of mtasts.h).
 */
#include "test-common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the list object --------------------------------------------------------- */

START_TEST(diag_new_free)
{
	mtasts_diag *d = (mtasts_diag *)&d;

	ck_assert_int_eq(mtasts_diag_new(NULL), MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_diag_new(&d), MTASTS_OK);
	ck_assert_ptr_nonnull(d);
	ck_assert_uint_eq(mtasts_diag_count(d), 0);
	ck_assert_uint_eq(mtasts_diag_error_count(d), 0);
	mtasts_diag_free(d);
	/* every *_free accepts NULL */
	mtasts_diag_free(NULL);
	mtasts_diag_clear(NULL);
}
END_TEST

START_TEST(diag_null_and_out_of_range)
{
	mtasts_diag *d = t_diag_new();
	mtasts_policy *p = NULL;

	ck_assert_uint_eq(mtasts_diag_count(NULL), 0);
	ck_assert_uint_eq(mtasts_diag_error_count(NULL), 0);
	ck_assert_int_eq(mtasts_diag_code(NULL, 0), 0);
	ck_assert_int_eq(mtasts_diag_severity(NULL, 0), 0);
	ck_assert_uint_eq(mtasts_diag_line(NULL, 0), 0);
	ck_assert_uint_eq(mtasts_diag_column(NULL, 0), 0);
	ck_assert_uint_eq(mtasts_diag_offset(NULL, 0), 0);
	ck_assert_ptr_null(mtasts_diag_message(NULL, 0));

	/* empty list */
	ck_assert_int_eq(mtasts_diag_code(d, 0), 0);
	ck_assert_ptr_null(mtasts_diag_message(d, 0));

	/* one entry: index 1 and SIZE_MAX are out of range */
	ck_assert_int_eq(t_policy_parse_str(&p,
	                                    "version: STSv1\nmode: none\n"
	                                    "max_age: x\n",
	                                    0, d),
	                 MTASTS_EMAXAGE);
	ck_assert_uint_eq(mtasts_diag_count(d), 1);
	ck_assert_int_eq(mtasts_diag_code(d, 0),
	                 MTASTS_D_POLICY_MAX_AGE_INVALID);
	ck_assert_int_eq(mtasts_diag_severity(d, 0), MTASTS_SEVERITY_ERROR);
	ck_assert_uint_eq(mtasts_diag_line(d, 0), 3);
	ck_assert_uint_eq(mtasts_diag_column(d, 0), 10);
	ck_assert_uint_eq(mtasts_diag_offset(d, 0), 15 + 11 + 9);
	ck_assert_ptr_nonnull(mtasts_diag_message(d, 0));
	ck_assert_int_eq(mtasts_diag_code(d, 1), 0);
	ck_assert_int_eq(mtasts_diag_severity(d, 1), 0);
	ck_assert_uint_eq(mtasts_diag_line(d, 1), 0);
	ck_assert_uint_eq(mtasts_diag_column(d, 1), 0);
	ck_assert_uint_eq(mtasts_diag_offset(d, 1), 0);
	ck_assert_ptr_null(mtasts_diag_message(d, 1));
	ck_assert_int_eq(mtasts_diag_code(d, SIZE_MAX), 0);
	ck_assert_ptr_null(mtasts_diag_message(d, SIZE_MAX));
	ck_assert_ptr_null(p);
	mtasts_diag_free(d);
}
END_TEST

START_TEST(diag_accumulates_and_clears)
{
	mtasts_diag *d = t_diag_new();
	mtasts_policy *p = NULL;
	mtasts_record *r = NULL;
	const char *bad = "version: STSv1\nmode: none\n";
	size_t n1;

	/* each call appends; nothing clears the list */
	ck_assert_int_eq(t_policy_parse_str(&p, bad, 0, d), MTASTS_EMAXAGE);
	n1 = mtasts_diag_count(d);
	ck_assert_uint_eq(n1, 1);
	ck_assert_int_eq(t_record_parse_str(&r, "v=STSv1; id=a-b", 0, d),
	                 MTASTS_EID);
	ck_assert_uint_gt(mtasts_diag_count(d), n1);
	ck_assert_int_eq(mtasts_diag_code(d, 0),
	                 MTASTS_D_POLICY_MAX_AGE_MISSING);
	ck_assert_int_eq(mtasts_diag_code(d, n1), MTASTS_D_RECORD_ID_INVALID);
	ck_assert_int_eq(mtasts_mx_pattern_check("a..b", d), MTASTS_EMX);
	ck_assert_int_eq(mtasts_diag_code(d, mtasts_diag_count(d) - 1),
	                 MTASTS_D_MX_EMPTY_LABEL);
	ck_assert_uint_eq(mtasts_diag_error_count(d), mtasts_diag_count(d));

	/* a successful parse with warnings appends warnings only */
	ck_assert_int_eq(t_policy_parse_str(&p,
	                                    "version: STSv1\nmode: none\n"
	                                    "max_age: 1\nmax_age: 2\n",
	                                    0, d),
	                 MTASTS_OK);
	ck_assert_uint_eq(mtasts_diag_error_count(d) + 1, mtasts_diag_count(d));
	mtasts_policy_free(p);

	mtasts_diag_clear(d);
	ck_assert_uint_eq(mtasts_diag_count(d), 0);
	ck_assert_uint_eq(mtasts_diag_error_count(d), 0);
	ck_assert_ptr_null(mtasts_diag_message(d, 0));
	/* the list is usable again after clear */
	ck_assert_int_eq(t_policy_parse_str(&p, bad, 0, d), MTASTS_EMAXAGE);
	ck_assert_uint_eq(mtasts_diag_count(d), 1);
	mtasts_diag_free(d);
}
END_TEST

/* Messages are plain printable ASCII even when the input holds controls,
 * UTF-8 or other high bytes (mtasts.h, group diag). */
static const struct {
	int policy; /* 1 policy, 0 record */
	const char *text;
	size_t len;
} hostile[] = {
#define H(p, s)                                                                \
	{                                                                      \
		p, s, sizeof(s) - 1                                            \
	}
	H(1, "version: STSv1\nmode: none\nmax_age: 1\nfoo: a\x01"
	     "b\n"),
	H(1, "version: STSv1\nmode: enforce\nmax_age: 1\n"
	     "mx: b\xc3\xbc"
	     "cher.example\n"),
	H(1, "version: STSv1\nmode: enforce\nmax_age: 1\nmx: a\x1b[31m.b\n"),
	H(1, "version: STSv1\nmode: \xff\xfe\x00\x7f\nmax_age: 1\n"),
	H(1, "version: STSv1\nmode: none\nmax_age: 1\nf\xc3\xb6o: x\n"),
	H(1, "\x7f\x80\x81\n\x00\x01\x02\n"),
	H(1, "version: STSv1\nmode: none\nmax_age: 1\nfoo: \xed\xa0\x80\n"),
	H(1, "version: STSv1\nmode: none\nmax_age: 1\n\xe2\x80\xae"
	     "evil: x\n"),
	H(1, "version: STSv1\nmode: none\nmax_age: 1\rmx: \x07\x08\x09\n"),
	H(1, "version: \x1b]0;title\x07\nmode: none\nmax_age: 1\n"),
	H(1, "\xef\xbb\xbf\xef\xbb\xbfversion: STSv1\nmode: none\n"
	     "max_age: 1\n"),
	H(0, "v=STSv1; id=\xff\xfe"),
	H(0, "v=STSv1; id=1; f\x01o=bar"),
	H(0, "v=STSv1; id=1; foo=b\xc3\xa4r"),
	H(0, "\x1b[2Jv=STSv1; id=1"),
	H(0, "v=STSv1\x00; id=1"),
	H(0, "v=STSv1; id=\x7f\x7f\x7f"),
	H(0, "v=STSv\xc3\xa9; id=1"),
	H(0, "v=STSv1; id=1;\r\n"),
#undef H
};

START_TEST(diag_messages_printable)
{
	mtasts_diag *d = t_diag_new();
	unsigned int flags;

	for (flags = 0; flags <= MTASTS_PARSE_LENIENT; flags++) {
		int st;

		if (hostile[_i].policy) {
			mtasts_policy *p = NULL;

			st = t_policy_parse(&p, hostile[_i].text,
			                    hostile[_i].len, flags, d);
			mtasts_policy_free(p);
		} else {
			mtasts_record *r = NULL;

			st = t_record_parse(&r, hostile[_i].text,
			                    hostile[_i].len, flags, d);
			mtasts_record_free(r);
		}
		ck_assert_int_ne(st, MTASTS_OK);
		ck_assert_uint_gt(mtasts_diag_error_count(d), 0);
	}
	ck_assert_msg(t_messages_printable(d), "non-printable message in: %s",
	              t_diag_str(d));
	mtasts_diag_free(d);
}
END_TEST

START_TEST(diag_messages_printable_mx)
{
	mtasts_diag *d = t_diag_new();
	char pat[4];
	unsigned int c;

	/* every byte value in an mx pattern */
	for (c = 1; c < 256; c++) {
		pat[0] = 'a';
		pat[1] = (char)c;
		pat[2] = 'b';
		pat[3] = '\0';
		(void)mtasts_mx_pattern_check(pat, d);
		mtasts_diag_clear(d);
		(void)mtasts_mx_pattern_check(pat + 1, d);
		ck_assert_msg(t_messages_printable(d), "byte 0x%02x: %s", c,
		              t_diag_str(d));
		mtasts_diag_clear(d);
	}
	mtasts_diag_free(d);
}
END_TEST

/* A policy of n lines "#", each a syntax error of its own line. */
static char *
hash_lines(size_t n, size_t *len)
{
	char *s = t_rep('#', 2 * n);
	size_t i;

	for (i = 0; i < n; i++)
		s[2 * i + 1] = '\n';
	*len = 2 * n;
	return s;
}

/* At most MTASTS_DIAG_MAX entries, then exactly one too-many warning. */
START_TEST(diag_cap)
{
	mtasts_diag *d = t_diag_new();
	mtasts_policy *p = NULL;
	size_t len, i, n;
	char *text = hash_lines(MTASTS_DIAG_MAX + 200, &len);

	ck_assert_int_eq(t_policy_parse(&p, text, len, 0, d), MTASTS_ESYNTAX);
	ck_assert_ptr_null(p);
	n = mtasts_diag_count(d);
	ck_assert_uint_eq(n, MTASTS_DIAG_MAX + 1);
	ck_assert_uint_eq(mtasts_diag_error_count(d), MTASTS_DIAG_MAX);
	/* the first problems are kept, in input order */
	ck_assert_uint_eq(mtasts_diag_line(d, 0), 1);
	for (i = 0; i < MTASTS_DIAG_MAX; i++) {
		ck_assert_int_eq(mtasts_diag_severity(d, i),
		                 MTASTS_SEVERITY_ERROR);
		if (i)
			ck_assert_uint_ge(mtasts_diag_line(d, i),
			                  mtasts_diag_line(d, i - 1));
	}
	ck_assert_int_eq(mtasts_diag_code(d, MTASTS_DIAG_MAX),
	                 MTASTS_D_TOO_MANY_DIAGNOSTICS);
	ck_assert_int_eq(mtasts_diag_severity(d, MTASTS_DIAG_MAX),
	                 MTASTS_SEVERITY_WARNING);
	ck_assert_uint_eq(t_count_diag(d, MTASTS_D_TOO_MANY_DIAGNOSTICS, 0), 1);
	ck_assert(t_messages_printable(d));

	/* a full list stays full: later calls add nothing, not even a
	 * second warning, and still return the right status */
	ck_assert_int_eq(t_policy_parse(&p, text, len, 0, d), MTASTS_ESYNTAX);
	ck_assert_int_eq(mtasts_mx_pattern_check("-", d), MTASTS_EMX);
	ck_assert_int_eq(mtasts_mx_pattern_check("ok.example", d), MTASTS_OK);
	ck_assert_uint_eq(mtasts_diag_count(d), MTASTS_DIAG_MAX + 1);
	ck_assert_uint_eq(t_count_diag(d, MTASTS_D_TOO_MANY_DIAGNOSTICS, 0), 1);

	/* clear resets the cap */
	mtasts_diag_clear(d);
	ck_assert_int_eq(t_policy_parse(&p, text, len, 0, d), MTASTS_ESYNTAX);
	ck_assert_uint_eq(mtasts_diag_count(d), MTASTS_DIAG_MAX + 1);
	ck_assert_uint_eq(t_count_diag(d, MTASTS_D_TOO_MANY_DIAGNOSTICS, 0), 1);
	free(text);

	/* exactly MTASTS_DIAG_MAX problems: no warning (an empty pattern
	 * is one problem) */
	mtasts_diag_clear(d);
	while (mtasts_diag_count(d) < MTASTS_DIAG_MAX)
		ck_assert_int_eq(mtasts_mx_pattern_check("", d), MTASTS_EMX);
	ck_assert_uint_eq(mtasts_diag_count(d), MTASTS_DIAG_MAX);
	ck_assert_no_diag(d, MTASTS_D_TOO_MANY_DIAGNOSTICS);

	/* the cap spans calls: one more problem overflows the list */
	ck_assert_int_eq(mtasts_mx_pattern_check("-", d), MTASTS_EMX);
	ck_assert_uint_eq(mtasts_diag_count(d), MTASTS_DIAG_MAX + 1);
	ck_assert_int_eq(mtasts_diag_code(d, MTASTS_DIAG_MAX),
	                 MTASTS_D_TOO_MANY_DIAGNOSTICS);
	mtasts_diag_free(d);
}
END_TEST

/* "Return statuses are not affected by that cap": an error that comes after
 * the list is full still decides the status. */
START_TEST(diag_cap_status_unaffected)
{
	mtasts_diag *d = t_diag_new();
	mtasts_policy *p = NULL;
	struct t_buf b;

	t_buf_init(&b);
	t_buf_str(&b, "version: STSv1\nmax_age: 1\n");
	t_buf_rep(&b, '\n', MTASTS_DIAG_MAX + 5); /* lenient: warnings */
	t_buf_str(&b, "mode: Enforce\n");         /* error, dropped */
	ck_assert_int_eq(t_policy_parse(&p, b.p, b.n, MTASTS_PARSE_LENIENT, d),
	                 MTASTS_EMODE);
	ck_assert_ptr_null(p);
	ck_assert_uint_eq(mtasts_diag_count(d), MTASTS_DIAG_MAX + 1);
	ck_assert_uint_eq(mtasts_diag_error_count(d), 0);
	t_buf_free(&b);

	/* warnings only: still valid */
	mtasts_diag_clear(d);
	t_buf_str(&b, "version: STSv1\nmode: none\nmax_age: 1\n");
	t_buf_rep(&b, '\n', MTASTS_DIAG_MAX + 5);
	ck_assert_int_eq(t_policy_parse(&p, b.p, b.n, MTASTS_PARSE_LENIENT, d),
	                 MTASTS_OK);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(mtasts_diag_count(d), MTASTS_DIAG_MAX + 1);
	mtasts_policy_free(p);

	/* without a list, the same status */
	ck_assert_int_eq(t_policy_parse(&p, b.p, b.n, 0, NULL), MTASTS_ESYNTAX);
	ck_assert_ptr_null(p);
	t_buf_free(&b);
	mtasts_diag_free(d);
}
END_TEST

/* ---- names --------------------------------------------------------------------- */

static const int all_statuses[] = {
	MTASTS_OK,        MTASTS_ENOMEM,   MTASTS_EINVAL,    MTASTS_ESYNTAX,
	MTASTS_ETOOLARGE, MTASTS_EVERSION, MTASTS_EID,       MTASTS_EMODE,
	MTASTS_EMAXAGE,   MTASTS_EMX,      MTASTS_ENORECORD, MTASTS_EMULTIPLE,
	MTASTS_ERUA,      MTASTS_ELINT,    MTASTS_ENOTSUP,   MTASTS_EDNS,
	MTASTS_EFETCH,    MTASTS_ETLS,
};

START_TEST(status_names)
{
	size_t i, j;

	/* values are fixed forever (mtasts.h) */
	ck_assert_int_eq(MTASTS_OK, 0);
	ck_assert_int_eq(MTASTS_ENOMEM, -1);
	ck_assert_int_eq(MTASTS_EINVAL, -2);
	ck_assert_int_eq(MTASTS_ESYNTAX, -3);
	ck_assert_int_eq(MTASTS_ETOOLARGE, -4);
	ck_assert_int_eq(MTASTS_EVERSION, -5);
	ck_assert_int_eq(MTASTS_EID, -6);
	ck_assert_int_eq(MTASTS_EMODE, -7);
	ck_assert_int_eq(MTASTS_EMAXAGE, -8);
	ck_assert_int_eq(MTASTS_EMX, -9);
	ck_assert_int_eq(MTASTS_ENORECORD, -10);
	ck_assert_int_eq(MTASTS_EMULTIPLE, -11);
	ck_assert_int_eq(MTASTS_ERUA, -12);
	ck_assert_int_eq(MTASTS_ELINT, -13);
	ck_assert_int_eq(MTASTS_ENOTSUP, -14);
	ck_assert_int_eq(MTASTS_EDNS, -15);
	ck_assert_int_eq(MTASTS_EFETCH, -16);
	ck_assert_int_eq(MTASTS_ETLS, -17);

	for (i = 0; i < T_ARRAY_LEN(all_statuses); i++) {
		int st = all_statuses[i];
		const char *text = mtasts_strerror(st);
		const char *name = mtasts_status_name(st);

		ck_assert_ptr_nonnull(text);
		ck_assert_str_ne(text, "unknown status");
		ck_assert_uint_gt(strlen(text), 0);
		ck_assert_ptr_eq(text, mtasts_strerror(st)); /* static */
		ck_assert_pstr_eq(name, t_status_name(st));
		for (j = 0; j < i; j++)
			ck_assert_str_ne(text,
			                 mtasts_strerror(all_statuses[j]));
	}
}
END_TEST

START_TEST(status_names_unknown)
{
	static const int unknown[] = { 1,   2,    100,     -18,
		                       -19, -100, INT_MIN, INT_MAX };
	size_t i;

	for (i = 0; i < T_ARRAY_LEN(unknown); i++) {
		ck_assert_str_eq(mtasts_strerror(unknown[i]), "unknown status");
		ck_assert_ptr_null(mtasts_status_name(unknown[i]));
	}
}
END_TEST

START_TEST(code_names)
{
	const struct t_code *c = &t_codes[_i];
	const char *name = mtasts_diag_code_name(c->code);

	ck_assert_msg(name != NULL, "code %d has no name", c->code);
	ck_assert_str_eq(name, c->name);
}
END_TEST

START_TEST(code_names_unknown)
{
	static const int unknown[] = { 0,   1,       -1,     100, 117, 199, 200,
		                       213, 219,     222,    299, 300, 317, 399,
		                       400, 412,     500,    509, 600, 618, 700,
		                       705, 709,     718,    719, 726, 800, 802,
		                       900, INT_MIN, INT_MAX };
	size_t i;

	for (i = 0; i < T_ARRAY_LEN(unknown); i++)
		ck_assert_msg(mtasts_diag_code_name(unknown[i]) == NULL,
		              "code %d has a name", unknown[i]);
}
END_TEST

/* The enum values of the header are fixed forever. */
START_TEST(code_values)
{
	ck_assert_int_eq(MTASTS_D_TOO_LARGE, 101);
	ck_assert_int_eq(MTASTS_D_BAD_RDATA, 116);
	ck_assert_int_eq(MTASTS_D_TXT_VERSION, 201);
	ck_assert_int_eq(MTASTS_D_RRSET_DISCARDED, 212);
	ck_assert_int_eq(MTASTS_D_RECORD_ID_MISSING, 220);
	ck_assert_int_eq(MTASTS_D_RECORD_ID_INVALID, 221);
	ck_assert_int_eq(MTASTS_D_POLICY_EMPTY_LINE, 301);
	ck_assert_int_eq(MTASTS_D_POLICY_MX_MISSING, 316);
	ck_assert_int_eq(MTASTS_D_MX_EMPTY, 401);
	ck_assert_int_eq(MTASTS_D_MX_PORT, 411);
	ck_assert_int_eq(MTASTS_D_TLSRPT_RUA_MISSING, 501);
	ck_assert_int_eq(MTASTS_D_TLSRPT_MAILTO_HEADERS, 508);
	ck_assert_int_eq(MTASTS_D_LINT_MX_UNCOVERED, 601);
	ck_assert_int_eq(MTASTS_D_LINT_MX_REDUNDANT, 617);
	ck_assert_int_eq(MTASTS_D_DNS_TEMPORARY, 701);
	ck_assert_int_eq(MTASTS_D_DNS_CNAME, 704);
	ck_assert_int_eq(MTASTS_D_FETCH_CONNECT, 710);
	ck_assert_int_eq(MTASTS_D_FETCH_ENCODING, 717);
	ck_assert_int_eq(MTASTS_D_PROBE_CONNECT, 720);
	ck_assert_int_eq(MTASTS_D_PROBE_TLS, 725);
	ck_assert_int_eq(MTASTS_D_CACHE_SYNTAX, 801);
	ck_assert_int_eq(MTASTS_SEVERITY_ERROR, 1);
	ck_assert_int_eq(MTASTS_SEVERITY_WARNING, 2);
	ck_assert_int_eq(MTASTS_SEVERITY_NOTE, 3);
	ck_assert_int_eq(MTASTS_MODE_NONE, 1);
	ck_assert_int_eq(MTASTS_MODE_TESTING, 2);
	ck_assert_int_eq(MTASTS_MODE_ENFORCE, 3);
	/* the table of this test holds every code of the enum: 16 + 14 + 16
	 * + 11 + 8 + 17 + 18 + 1 */
	ck_assert_uint_eq(t_codes_len, 101);
}
END_TEST

START_TEST(severity_names)
{
	ck_assert_pstr_eq(mtasts_severity_name(MTASTS_SEVERITY_ERROR), "error");
	ck_assert_pstr_eq(mtasts_severity_name(MTASTS_SEVERITY_WARNING),
	                  "warning");
	ck_assert_pstr_eq(mtasts_severity_name(MTASTS_SEVERITY_NOTE), "note");
	ck_assert_ptr_null(mtasts_severity_name(0));
	ck_assert_ptr_null(mtasts_severity_name(4));
	ck_assert_ptr_null(mtasts_severity_name(-1));
	ck_assert_ptr_null(mtasts_severity_name(INT_MAX));
}
END_TEST

/* ---- version ------------------------------------------------------------------- */

START_TEST(version)
{
	char s[64];

	ck_assert_uint_eq(mtasts_version(), MTASTS_VERSION_HEX);
	ck_assert_str_eq(mtasts_version_string(), MTASTS_VERSION_STRING);
	snprintf(s, sizeof(s), "%d.%d.%d", MTASTS_VERSION_MAJOR,
	         MTASTS_VERSION_MINOR, MTASTS_VERSION_MICRO);
	ck_assert_str_eq(mtasts_version_string(), s);
	ck_assert_uint_eq(MTASTS_VERSION_HEX,
	                  ((unsigned int)MTASTS_VERSION_MAJOR << 16) |
	                          ((unsigned int)MTASTS_VERSION_MINOR << 8) |
	                          (unsigned int)MTASTS_VERSION_MICRO);
	ck_assert_int_eq(MTASTS_VERSION_MAJOR, 1);
	ck_assert(MTASTS_CHECK_VERSION(1, 0, 0));
	ck_assert(MTASTS_CHECK_VERSION(MTASTS_VERSION_MAJOR,
	                               MTASTS_VERSION_MINOR,
	                               MTASTS_VERSION_MICRO));
	ck_assert(!MTASTS_CHECK_VERSION(MTASTS_VERSION_MAJOR + 1, 0, 0));
}
END_TEST

/* ---- argument validation shared by every parser ------------------------------------ */

START_TEST(args_null_out)
{
	const char *rr[1] = { "v=STSv1; id=1" };
	const unsigned char wire[] = "\x0dv=STSv1; id=1";
	const unsigned char *rd[1] = { wire };
	size_t len[1] = { 13 }, wlen[1] = { 14 };
	size_t sel = 7;

	ck_assert_int_eq(mtasts_policy_parse(NULL, "x", 1, 0, NULL),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_record_parse(NULL, rr[0], 13, 0, NULL),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_record_select(NULL, &sel, rr, len, 1, 0, NULL),
	                 MTASTS_EINVAL);
	ck_assert_uint_eq(sel, MTASTS_NO_INDEX);
	sel = 7;
	ck_assert_int_eq(
	        mtasts_record_select_rdata(NULL, &sel, rd, wlen, 1, 0, NULL),
	        MTASTS_EINVAL);
	ck_assert_uint_eq(sel, MTASTS_NO_INDEX);
}
END_TEST

/* Unknown flag bits: EINVAL, *out NULL (every bit but the lenient one). */
START_TEST(args_unknown_flags)
{
	unsigned int flags = 1u << _i;
	const char *policy = "version: STSv1\nmode: none\nmax_age: 1\n";
	const char *rec = "v=STSv1; id=1";
	const char *rr[1] = { rec };
	size_t len[1] = { 13 };
	const unsigned char wire[] = "\x0dv=STSv1; id=1";
	const unsigned char *rd[1] = { wire };
	size_t wlen[1] = { 14 };
	mtasts_policy *p = (mtasts_policy *)&p;
	mtasts_record *r = (mtasts_record *)&r;
	mtasts_diag *d = t_diag_new();
	char *s = (char *)&s;
	size_t sel = 7;

	if (flags == MTASTS_PARSE_LENIENT) {
		mtasts_diag_free(d);
		return;
	}
	ck_assert_int_eq(
	        mtasts_policy_parse(&p, policy, strlen(policy), flags, d),
	        MTASTS_EINVAL);
	ck_assert_ptr_null(p);
	ck_assert_int_eq(mtasts_policy_parse(&p, policy, strlen(policy),
	                                     flags | MTASTS_PARSE_LENIENT, d),
	                 MTASTS_EINVAL);
	ck_assert_ptr_null(p);
	ck_assert_int_eq(mtasts_record_parse(&r, rec, strlen(rec), flags, d),
	                 MTASTS_EINVAL);
	ck_assert_ptr_null(r);
	r = (mtasts_record *)&r;
	ck_assert_int_eq(mtasts_record_select(&r, &sel, rr, len, 1, flags, d),
	                 MTASTS_EINVAL);
	ck_assert_ptr_null(r);
	ck_assert_uint_eq(sel, MTASTS_NO_INDEX);
	r = (mtasts_record *)&r;
	sel = 7;
	ck_assert_int_eq(
	        mtasts_record_select_rdata(&r, &sel, rd, wlen, 1, flags, d),
	        MTASTS_EINVAL);
	ck_assert_ptr_null(r);
	ck_assert_uint_eq(sel, MTASTS_NO_INDEX);

	/* format: policies know MTASTS_FORMAT_LF only, records nothing */
	ck_assert_int_eq(mtasts_policy_parse(&p, policy, strlen(policy), 0, d),
	                 MTASTS_OK);
	ck_assert_int_eq(mtasts_record_parse(&r, rec, strlen(rec), 0, d),
	                 MTASTS_OK);
	if (flags != MTASTS_FORMAT_LF) {
		char buf[128];

		ck_assert_int_eq(
		        mtasts_policy_format(p, buf, sizeof(buf), flags),
		        MTASTS_EINVAL);
		ck_assert_int_eq(mtasts_policy_format_alloc(p, flags, &s),
		                 MTASTS_EINVAL);
		ck_assert_ptr_null(s);
		s = (char *)&s;
		ck_assert_int_eq(
		        mtasts_record_format(r, buf, sizeof(buf), flags),
		        MTASTS_EINVAL);
		ck_assert_int_eq(mtasts_record_format_alloc(r, flags, &s),
		                 MTASTS_EINVAL);
		ck_assert_ptr_null(s);
	}
	ck_assert_uint_eq(mtasts_diag_error_count(d), 0);
	mtasts_policy_free(p);
	mtasts_record_free(r);
	mtasts_diag_free(d);
}
END_TEST

START_TEST(args_null_text)
{
	mtasts_policy *p = (mtasts_policy *)&p;
	mtasts_record *r = (mtasts_record *)&r;
	mtasts_diag *d = t_diag_new();

	/* NULL with a length: invalid argument */
	ck_assert_int_eq(mtasts_policy_parse(&p, NULL, 1, 0, d), MTASTS_EINVAL);
	ck_assert_ptr_null(p);
	ck_assert_int_eq(mtasts_record_parse(&r, NULL, 5, 0, d), MTASTS_EINVAL);
	ck_assert_ptr_null(r);
	ck_assert_uint_eq(mtasts_diag_error_count(d), 0);

	/* NULL with length 0: the empty input */
	p = (mtasts_policy *)&p;
	ck_assert_int_eq(mtasts_policy_parse(&p, NULL, 0, 0, d),
	                 MTASTS_ESYNTAX);
	ck_assert_ptr_null(p);
	ck_assert_diag(d, MTASTS_D_EMPTY, MTASTS_SEVERITY_ERROR, 0, 0);
	mtasts_diag_clear(d);
	ck_assert_int_eq(
	        mtasts_policy_parse(&p, NULL, 0, MTASTS_PARSE_LENIENT, d),
	        MTASTS_ESYNTAX);
	ck_assert_diag(d, MTASTS_D_EMPTY, MTASTS_SEVERITY_ERROR, 0, 0);
	mtasts_diag_clear(d);
	r = (mtasts_record *)&r;
	ck_assert_int_eq(mtasts_record_parse(&r, NULL, 0, 0, d),
	                 MTASTS_ESYNTAX);
	ck_assert_ptr_null(r);
	ck_assert_diag(d, MTASTS_D_EMPTY, MTASTS_SEVERITY_ERROR, T_ANY, T_ANY);
	ck_assert_uint_eq(mtasts_diag_count(d), 1);
	mtasts_diag_clear(d);
	ck_assert_int_eq(mtasts_record_parse(&r, "", 0, 0, d), MTASTS_ESYNTAX);
	ck_assert_diag(d, MTASTS_D_EMPTY, MTASTS_SEVERITY_ERROR, T_ANY, T_ANY);
	mtasts_diag_free(d);
}
END_TEST

START_TEST(args_other_null)
{
	char buf[8];
	char *s = (char *)&s;
	mtasts_policy *p = NULL;
	mtasts_record *r = NULL;
	size_t idx = 0;

	ck_assert_int_eq(mtasts_policy_format(NULL, buf, sizeof(buf), 0),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_policy_format_alloc(NULL, 0, &s),
	                 MTASTS_EINVAL);
	ck_assert_ptr_null(s);
	ck_assert_int_eq(mtasts_record_format(NULL, buf, sizeof(buf), 0),
	                 MTASTS_EINVAL);
	s = (char *)&s;
	ck_assert_int_eq(mtasts_record_format_alloc(NULL, 0, &s),
	                 MTASTS_EINVAL);
	ck_assert_ptr_null(s);
	ck_assert_int_eq(t_policy_parse_str(&p,
	                                    "version: STSv1\nmode: none\n"
	                                    "max_age: 1",
	                                    0, NULL),
	                 MTASTS_OK);
	ck_assert_int_eq(t_record_parse_str(&r, "v=STSv1; id=1", 0, NULL),
	                 MTASTS_OK);
	ck_assert_int_eq(mtasts_policy_format_alloc(p, 0, NULL), MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_record_format_alloc(r, 0, NULL), MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_policy_format(p, NULL, 5, 0), MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_record_format(r, NULL, 5, 0), MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_mx_pattern_check(NULL, NULL), MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_mx_match(NULL, "a.example"), 0);
	ck_assert_int_eq(mtasts_mx_match("a.example", NULL), 0);
	ck_assert_int_eq(mtasts_policy_match(NULL, "a.example", &idx), 0);
	ck_assert_uint_eq(idx, MTASTS_NO_INDEX);
	idx = 0;
	ck_assert_int_eq(mtasts_policy_match(p, NULL, &idx), 0);
	ck_assert_uint_eq(idx, MTASTS_NO_INDEX);
	ck_assert_int_eq(mtasts_id_check(NULL), MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_mode_from_name(NULL), MTASTS_EINVAL);
	mtasts_free(NULL);
	mtasts_policy_free(p);
	mtasts_record_free(r);
	mtasts_policy_free(NULL);
	mtasts_record_free(NULL);
	mtasts_policy_builder_free(NULL);
	mtasts_record_builder_free(NULL);
}
END_TEST

/* Parsing with and without a list gives the same status and object. */
START_TEST(args_diag_optional)
{
	static const char *const policies[] = {
		"version: STSv1\nmode: none\nmax_age: 1\n",
		"version: STSv1\nmode: none\nmax_age: 1\nmax_age: 2\n",
		"version: STSv1\n\nmode: none\nmax_age: 1\n",
		"version: STSv1\nmode: enforce\nmax_age: 1\n",
		"",
		"\xef\xbb\xbfversion: STSv1\nmode: none\nmax_age: 1\n",
	};
	size_t i;
	unsigned int flags;

	for (flags = 0; flags <= MTASTS_PARSE_LENIENT; flags++) {
		for (i = 0; i < T_ARRAY_LEN(policies); i++) {
			mtasts_diag *d = t_diag_new();
			mtasts_policy *a = NULL, *b = NULL;
			int sa = t_policy_parse_str(&a, policies[i], flags, d);
			int sb = t_policy_parse_str(&b, policies[i], flags,
			                            NULL);

			ck_assert_int_eq(sa, sb);
			if (sa == MTASTS_OK)
				ck_assert(mtasts_policy_equal(a, b));
			else
				ck_assert_ptr_null(b);
			mtasts_policy_free(a);
			mtasts_policy_free(b);
			mtasts_diag_free(d);
		}
	}
}
END_TEST

MTASTS_TEST_SUITE(diag)
{
	Suite *s = suite_create("diag");
	TCase *tc;

	tc = tcase_create("list");
	tcase_add_test(tc, diag_new_free);
	tcase_add_test(tc, diag_null_and_out_of_range);
	tcase_add_test(tc, diag_accumulates_and_clears);
	tcase_add_loop_test(tc, diag_messages_printable, 0,
	                    (int)T_ARRAY_LEN(hostile));
	tcase_add_test(tc, diag_messages_printable_mx);
	tcase_add_test(tc, diag_cap);
	tcase_add_test(tc, diag_cap_status_unaffected);
	suite_add_tcase(s, tc);

	tc = tcase_create("names");
	tcase_add_test(tc, status_names);
	tcase_add_test(tc, status_names_unknown);
	tcase_add_loop_test(tc, code_names, 0, (int)t_codes_len);
	tcase_add_test(tc, code_names_unknown);
	tcase_add_test(tc, code_values);
	tcase_add_test(tc, severity_names);
	tcase_add_test(tc, version);
	suite_add_tcase(s, tc);

	tc = tcase_create("arguments");
	tcase_add_test(tc, args_null_out);
	tcase_add_loop_test(tc, args_unknown_flags, 0, 32);
	tcase_add_test(tc, args_null_text);
	tcase_add_test(tc, args_other_null);
	tcase_add_test(tc, args_diag_optional);
	suite_add_tcase(s, tc);
	return s;
}
