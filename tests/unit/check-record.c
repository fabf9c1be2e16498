/* SPDX-License-Identifier: MIT */
/*
 * The STSv1 TXT record (RFC 8461 §3.1, digest §1): parse, accessors, equal,
 * canonical form, RRset selection from joined texts and from wire RDATA
 * (R-05… ), the record builder, and policy ids.
 * The grammar corner cases live in tests/data/record and tests/data/rrset.
 */
#include "test-common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- parse and accessors ------------------------------------------------------ */

START_TEST(record_parse_accessors)
{
	mtasts_record *r = NULL;
	mtasts_diag *d = t_diag_new();

	/* RFC 8461 §3.1 example plus extensions, in order */
	ck_assert_int_eq(t_record_parse_str(&r,
	                                    "v=STSv1; a=1; id=20160831085700Z;"
	                                    " b.c_d-e=x:y; Z=\"q\"",
	                                    0, d),
	                 MTASTS_OK);
	ck_assert_uint_eq(mtasts_diag_count(d), 0);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(mtasts_record_id(r), "20160831085700Z");
	ck_assert_uint_eq(mtasts_record_extension_count(r), 3);
	ck_assert_pstr_eq(mtasts_record_extension_name(r, 0), "a");
	ck_assert_pstr_eq(mtasts_record_extension_value(r, 0), "1");
	ck_assert_pstr_eq(mtasts_record_extension_name(r, 1), "b.c_d-e");
	ck_assert_pstr_eq(mtasts_record_extension_value(r, 1), "x:y");
	ck_assert_pstr_eq(mtasts_record_extension_name(r, 2), "Z");
	ck_assert_pstr_eq(mtasts_record_extension_value(r, 2), "\"q\"");
	/* out of range */
	ck_assert_ptr_null(mtasts_record_extension_name(r, 3));
	ck_assert_ptr_null(mtasts_record_extension_value(r, 3));
	ck_assert_ptr_null(mtasts_record_extension_name(r, SIZE_MAX));
	ck_assert_ptr_null(mtasts_record_extension_value(r, SIZE_MAX));
	mtasts_record_free(r);

	/* NULL record */
	ck_assert_ptr_null(mtasts_record_id(NULL));
	ck_assert_uint_eq(mtasts_record_extension_count(NULL), 0);
	ck_assert_ptr_null(mtasts_record_extension_name(NULL, 0));
	ck_assert_ptr_null(mtasts_record_extension_value(NULL, 0));
	mtasts_diag_free(d);
}
END_TEST

/* A failed parse sets *out to NULL and appends diagnostics. */
START_TEST(record_parse_failure_out_null)
{
	mtasts_record *r = (mtasts_record *)&r;
	mtasts_diag *d = t_diag_new();

	ck_assert_int_eq(t_record_parse_str(&r, "v=STSv1; id=a-b", 0, d),
	                 MTASTS_EID);
	ck_assert_ptr_null(r);
	/* the first id is malformed; the column is the '-' */
	ck_assert_diag(d, MTASTS_D_RECORD_ID_INVALID, MTASTS_SEVERITY_ERROR, 1,
	               14);
	ck_assert_uint_eq(mtasts_diag_offset(d, 0), 13);
	mtasts_diag_free(d);
}
END_TEST

/* only printable US-ASCII, SP and HTAB: every other byte in a value
 * is an error, in both modes; every allowed value byte is accepted. */
START_TEST(record_every_byte_in_value)
{
	unsigned int c = (unsigned int)_i;
	char text[32];
	size_t len;
	mtasts_record *r = NULL;
	mtasts_diag *d = t_diag_new();
	unsigned int flags;
	/* sts-ext-value = 1*(%x21-3A / %x3C / %x3E-7E) */
	int allowed = (c >= 0x21 && c <= 0x3A) || c == 0x3C ||
	              (c >= 0x3E && c <= 0x7E);

	len = (size_t)snprintf(text, sizeof(text), "v=STSv1; id=1; e=a%cb",
	                       'X');
	text[len - 2] = (char)c;
	for (flags = 0; flags <= MTASTS_PARSE_LENIENT; flags++) {
		int st = t_record_parse(&r, text, len, flags, d);

		if (allowed) {
			ck_assert_msg(st == MTASTS_OK, "byte 0x%02x: %s", c,
			              t_diag_str(d));
			ck_assert_uint_eq(mtasts_record_extension_count(r), 1);
			ck_assert_uint_eq(
			        (unsigned char)mtasts_record_extension_value(
			                r, 0)[1],
			        c);
		} else {
			ck_assert_msg(st != MTASTS_OK, "byte 0x%02x accepted",
			              c);
			ck_assert_ptr_null(r);
			ck_assert_uint_gt(mtasts_diag_error_count(d), 0);
		}
		if (c == 0)
			ck_assert_diag(d, MTASTS_D_NUL_BYTE,
			               MTASTS_SEVERITY_ERROR, 1, 19);
		else if (c >= 0x80)
			ck_assert_diag(d, MTASTS_D_NON_ASCII,
			               MTASTS_SEVERITY_ERROR, 1, 19);
		else if (c < 0x20 && c != '\t')
			ck_assert_diag(d, MTASTS_D_CONTROL_CHAR,
			               MTASTS_SEVERITY_ERROR, 1, 19);
		else if (c == 0x7F)
			ck_assert_diag(d, MTASTS_D_CONTROL_CHAR,
			               MTASTS_SEVERITY_ERROR, 1, 19);
		mtasts_record_free(r);
		r = NULL;
		mtasts_diag_clear(d);
	}
	mtasts_diag_free(d);
}
END_TEST

/* Records longer than MTASTS_RECORD_MAX_SIZE, or with more than
 * MTASTS_MAX_EXTENSIONS extensions: ETOOLARGE. */
START_TEST(record_caps)
{
	struct t_buf b;
	mtasts_record *r = NULL;
	mtasts_diag *d = t_diag_new();
	size_t i;
	char *v;
	int n;

	/* exactly 4096 bytes of canonical text: valid */
	t_buf_init(&b);
	t_buf_str(&b, "v=STSv1; id=1; x=");
	t_buf_rep(&b, 'y', MTASTS_RECORD_MAX_SIZE - b.n - 1);
	t_buf_str(&b, ";");
	ck_assert_uint_eq(b.n, MTASTS_RECORD_MAX_SIZE);
	ck_assert_int_eq(t_record_parse(&r, b.p, b.n, 0, d), MTASTS_OK);
	n = mtasts_record_format(r, NULL, 0, 0);
	ck_assert_int_eq(n, MTASTS_RECORD_MAX_SIZE);
	mtasts_record_free(r);

	/* one byte more */
	b.n--;
	t_buf_str(&b, "y;");
	ck_assert_uint_eq(b.n, MTASTS_RECORD_MAX_SIZE + 1);
	ck_assert_int_eq(t_record_parse(&r, b.p, b.n, 0, d), MTASTS_ETOOLARGE);
	ck_assert_ptr_null(r);
	ck_assert_diag(d, MTASTS_D_TOO_LARGE, MTASTS_SEVERITY_ERROR, T_ANY,
	               T_ANY);
	mtasts_diag_clear(d);

	/* 1 MiB of text: ETOOLARGE, quickly */
	t_buf_rep(&b, 'z', 1u << 20);
	ck_assert_int_eq(t_record_parse(&r, b.p, b.n, MTASTS_PARSE_LENIENT, d),
	                 MTASTS_ETOOLARGE);
	mtasts_diag_clear(d);
	t_buf_free(&b);

	/* the input fits, but its canonical form (one SP after every ';')
	 * does not: ETOOLARGE, so that format() always re-parses */
	t_buf_str(&b, "v=STSv1;id=1");
	v = t_rep('v', 55);
	for (i = 0; i < MTASTS_MAX_EXTENSIONS; i++)
		t_buf_printf(&b, ";e%02zu=%s", i, v);
	free(v);
	t_buf_rep(&b, 'w', MTASTS_RECORD_MAX_SIZE - b.n);
	ck_assert_uint_eq(b.n, MTASTS_RECORD_MAX_SIZE);
	ck_assert_int_eq(t_record_parse(&r, b.p, b.n, 0, d), MTASTS_ETOOLARGE);
	ck_assert_ptr_null(r);
	ck_assert_diag(d, MTASTS_D_TOO_LARGE, MTASTS_SEVERITY_ERROR, T_ANY,
	               T_ANY);
	mtasts_diag_clear(d);
	t_buf_free(&b);

	/* 64 extensions: fine; 65: too many (column of the 65th name) */
	t_buf_str(&b, "v=STSv1; id=1");
	for (i = 0; i < MTASTS_MAX_EXTENSIONS; i++)
		t_buf_printf(&b, "; e%02zu=v", i);
	ck_assert_int_eq(t_record_parse(&r, b.p, b.n, 0, d), MTASTS_OK);
	ck_assert_uint_eq(mtasts_record_extension_count(r),
	                  MTASTS_MAX_EXTENSIONS);
	ck_assert_pstr_eq(mtasts_record_extension_name(r, 63), "e63");
	mtasts_record_free(r);
	i = b.n + 3;
	t_buf_str(&b, "; f64=v");
	ck_assert_int_eq(t_record_parse(&r, b.p, b.n, 0, d), MTASTS_ETOOLARGE);
	ck_assert_ptr_null(r);
	ck_assert_diag(d, MTASTS_D_TOO_MANY_EXTENSIONS, MTASTS_SEVERITY_ERROR,
	               1, (unsigned int)i);
	/* duplicates are dropped, not counted */
	mtasts_diag_clear(d);
	b.n = i - 3;
	t_buf_str(&b, "; e00=dup; id=2; v=STSv1");
	ck_assert_int_eq(t_record_parse(&r, b.p, b.n, 0, d), MTASTS_OK);
	ck_assert_uint_eq(mtasts_record_extension_count(r),
	                  MTASTS_MAX_EXTENSIONS);
	ck_assert_str_eq(mtasts_record_id(r), "1");
	ck_assert_uint_eq(t_count_diag(d, MTASTS_D_TXT_DUPLICATE,
	                               MTASTS_SEVERITY_WARNING),
	                  3);
	mtasts_record_free(r);
	t_buf_free(&b);
	mtasts_diag_free(d);
}
END_TEST

/* ---- equal ------------------------------------------------------------------- */

static mtasts_record *
rec(const char *text)
{
	mtasts_record *r = NULL;

	ck_assert_msg(t_record_parse_str(&r, text, MTASTS_PARSE_LENIENT,
	                                 NULL) == MTASTS_OK,
	              "cannot parse %s", text);
	return r;
}

START_TEST(record_equal)
{
	mtasts_record *a = rec("v=STSv1; id=abc; x=1; y=2");
	mtasts_record *b = rec("v=STSv1;x=1;id=abc;y=2;");
	mtasts_record *c = rec("v=STSv1; id=ABC; x=1; y=2");
	mtasts_record *e = rec("v=STSv1; id=abc; y=2; x=1");
	mtasts_record *f = rec("v=STSv1; id=abc; x=1; y=3");
	mtasts_record *g = rec("v=STSv1; id=abc; x=1");
	mtasts_record *h = rec("v=STSv1; id=abc; X=1; y=2");
	mtasts_record *k = rec(" \"V=STSv1; ID=abc; x=1; y=2;\" ");

	ck_assert_int_eq(mtasts_record_equal(a, a), 1);
	ck_assert_int_eq(mtasts_record_equal(a, b), 1);
	ck_assert_int_eq(mtasts_record_equal(b, a), 1);
	/* ids compare byte for byte */
	ck_assert_int_eq(mtasts_record_equal(a, c), 0);
	/* extensions in order, names and values byte for byte */
	ck_assert_int_eq(mtasts_record_equal(a, e), 0);
	ck_assert_int_eq(mtasts_record_equal(a, f), 0);
	ck_assert_int_eq(mtasts_record_equal(a, g), 0);
	ck_assert_int_eq(mtasts_record_equal(g, a), 0);
	ck_assert_int_eq(mtasts_record_equal(a, h), 0);
	/* lenient parsing gives the object of the well-written text */
	ck_assert_int_eq(mtasts_record_equal(a, k), 1);
	ck_assert_int_eq(mtasts_record_equal(a, NULL), 0);
	ck_assert_int_eq(mtasts_record_equal(NULL, a), 0);
	ck_assert_int_eq(mtasts_record_equal(NULL, NULL), 0);
	mtasts_record_free(a);
	mtasts_record_free(b);
	mtasts_record_free(c);
	mtasts_record_free(e);
	mtasts_record_free(f);
	mtasts_record_free(g);
	mtasts_record_free(h);
	mtasts_record_free(k);
}
END_TEST

/* ---- format ------------------------------------------------------------------ */

START_TEST(record_format)
{
	/* digest §1.4: version first, "; " separators, final ';' */
	static const char canon[] = "v=STSv1; id=20160831085700Z; a=1; b=x:y;";
	mtasts_record *r = rec("v=STSv1 ;a=1;\tid=20160831085700Z\t;b=x:y");
	mtasts_record *r2 = NULL;
	char buf[64], small[8];
	char *s = (char *)&s;
	size_t i;
	int n = (int)strlen(canon);

	ck_assert_int_eq(mtasts_record_format(r, NULL, 0, 0), n);
	ck_assert_int_eq(mtasts_record_format(r, buf, sizeof(buf), 0), n);
	ck_assert_str_eq(buf, canon);
	ck_assert_int_eq(mtasts_record_format(r, buf, sizeof(buf),
	                                      MTASTS_FORMAT_DEFAULT),
	                 n);

	/* snprintf semantics: full length, truncated and NUL-terminated */
	for (i = 1; i <= (size_t)n + 1; i++) {
		memset(buf, '#', sizeof(buf));
		ck_assert_int_eq(mtasts_record_format(r, buf, i, 0), n);
		ck_assert_uint_eq(strlen(buf), i - 1);
		ck_assert_mem_eq(buf, canon, i - 1);
		/* nothing written past the buffer */
		ck_assert_int_eq(buf[i], '#');
	}
	/* size 0 with a real buffer: nothing written */
	memset(small, '#', sizeof(small));
	ck_assert_int_eq(mtasts_record_format(r, small, 0, 0), n);
	ck_assert_int_eq(small[0], '#');

	ck_assert_int_eq(mtasts_record_format_alloc(r, 0, &s), MTASTS_OK);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, canon);
	/* the canonical text parses back to an equal record, with no
	 * diagnostics at all, and is a fixed point */
	ck_assert_int_eq(t_record_parse_str(&r2, s, 0, NULL), MTASTS_OK);
	ck_assert(mtasts_record_equal(r, r2));
	ck_assert_int_eq(mtasts_record_format(r2, buf, sizeof(buf), 0), n);
	ck_assert_str_eq(buf, canon);
	mtasts_free(s);
	mtasts_record_free(r);
	mtasts_record_free(r2);

	r = rec("v=STSv1; id=1");
	ck_assert_int_eq(mtasts_record_format(r, buf, sizeof(buf), 0), 14);
	ck_assert_str_eq(buf, "v=STSv1; id=1;");
	mtasts_record_free(r);
}
END_TEST

/* ---- RRset selection from joined texts ----------------------------------------- */

START_TEST(select_basic)
{
	const char *rrs[] = { "v=spf1 -all", "v=STSv1; id=abc;",
		              "google-site-verification=xyz" };
	size_t lens[3], sel = 7;
	mtasts_record *r = (mtasts_record *)&r;
	mtasts_diag *d = t_diag_new();
	size_t i;

	for (i = 0; i < 3; i++)
		lens[i] = strlen(rrs[i]);
	ck_assert_int_eq(mtasts_record_select(&r, &sel, rrs, lens, 3, 0, d),
	                 MTASTS_OK);
	ck_assert_uint_eq(sel, 1);
	ck_assert_str_eq(mtasts_record_id(r), "abc");
	ck_assert_uint_eq(mtasts_diag_count(d), 0);
	mtasts_record_free(r);

	/* selected is optional */
	ck_assert_int_eq(mtasts_record_select(&r, NULL, rrs, lens, 3, 0, NULL),
	                 MTASTS_OK);
	mtasts_record_free(r);

	/* zero RRs (NULL arrays are fine with count 0) */
	r = (mtasts_record *)&r;
	ck_assert_int_eq(mtasts_record_select(&r, &sel, NULL, NULL, 0, 0, d),
	                 MTASTS_ENORECORD);
	ck_assert_ptr_null(r);
	ck_assert_uint_eq(sel, MTASTS_NO_INDEX);
	ck_assert_diag(d, MTASTS_D_RRSET_NONE, MTASTS_SEVERITY_ERROR, 0, 0);
	mtasts_diag_clear(d);

	/* two candidates: none is used, every candidate reported */
	rrs[0] = "v=STSv1; id=1";
	lens[0] = strlen(rrs[0]);
	sel = 7;
	ck_assert_int_eq(mtasts_record_select(&r, &sel, rrs, lens, 3, 0, d),
	                 MTASTS_EMULTIPLE);
	ck_assert_ptr_null(r);
	ck_assert_uint_eq(sel, MTASTS_NO_INDEX);
	ck_assert_uint_eq(
	        t_count_diag(d, MTASTS_D_RRSET_MULTIPLE, MTASTS_SEVERITY_ERROR),
	        2);
	ck_assert_diag(d, MTASTS_D_RRSET_MULTIPLE, MTASTS_SEVERITY_ERROR, 1,
	               T_ANY);
	ck_assert_diag(d, MTASTS_D_RRSET_MULTIPLE, MTASTS_SEVERITY_ERROR, 2,
	               T_ANY);
	mtasts_diag_free(d);
}
END_TEST

START_TEST(select_args)
{
	const char *rrs[2] = { NULL, "v=STSv1; id=1" };
	size_t lens[2] = { 0, 13 }, sel = 7;
	mtasts_record *r = (mtasts_record *)&r;

	ck_assert_int_eq(mtasts_record_select(&r, &sel, NULL, lens, 2, 0, NULL),
	                 MTASTS_EINVAL);
	ck_assert_ptr_null(r);
	ck_assert_uint_eq(sel, MTASTS_NO_INDEX);
	ck_assert_int_eq(mtasts_record_select(&r, &sel, rrs, NULL, 2, 0, NULL),
	                 MTASTS_EINVAL);
	/* a NULL element with length 0 is an empty RR */
	ck_assert_int_eq(mtasts_record_select(&r, &sel, rrs, lens, 2, 0, NULL),
	                 MTASTS_OK);
	ck_assert_uint_eq(sel, 1);
	mtasts_record_free(r);
	/* with a length it is an invalid argument */
	lens[0] = 3;
	sel = 7;
	ck_assert_int_eq(mtasts_record_select(&r, &sel, rrs, lens, 2, 0, NULL),
	                 MTASTS_EINVAL);
	ck_assert_ptr_null(r);
	ck_assert_uint_eq(sel, MTASTS_NO_INDEX);
}
END_TEST

/* MTASTS_RRSET_MAX RRs are examined; one more is ETOOLARGE. */
START_TEST(select_rrset_cap)
{
	const char *rrs[MTASTS_RRSET_MAX + 1];
	size_t lens[MTASTS_RRSET_MAX + 1], i, sel = 7;
	mtasts_record *r = NULL;
	mtasts_diag *d = t_diag_new();

	for (i = 0; i <= MTASTS_RRSET_MAX; i++) {
		rrs[i] = "v=spf1 -all";
		lens[i] = 11;
	}
	rrs[MTASTS_RRSET_MAX - 1] = "v=STSv1; id=last";
	lens[MTASTS_RRSET_MAX - 1] = 16;
	ck_assert_int_eq(mtasts_record_select(&r, &sel, rrs, lens,
	                                      MTASTS_RRSET_MAX, 0, d),
	                 MTASTS_OK);
	ck_assert_uint_eq(sel, MTASTS_RRSET_MAX - 1);
	ck_assert_str_eq(mtasts_record_id(r), "last");
	mtasts_record_free(r);
	ck_assert_int_eq(mtasts_record_select(&r, &sel, rrs, lens,
	                                      MTASTS_RRSET_MAX + 1, 0, d),
	                 MTASTS_ETOOLARGE);
	ck_assert_ptr_null(r);
	ck_assert_uint_eq(sel, MTASTS_NO_INDEX);
	ck_assert_diag(d, MTASTS_D_TOO_MANY_RECORDS, MTASTS_SEVERITY_ERROR,
	               T_ANY, T_ANY);
	mtasts_diag_free(d);
}
END_TEST

/* ---- RRset selection from wire RDATA (R-07) -------------------------------------- */

/* Encode text as character-strings of at most chunk bytes each. */
static unsigned char *
wire(const char *text, size_t len, size_t chunk, size_t *out_len)
{
	struct t_buf b;
	size_t i = 0;
	unsigned char *w;

	t_buf_init(&b);
	do {
		size_t k = len - i < chunk ? len - i : chunk;
		unsigned char l = (unsigned char)k;

		t_buf_put(&b, &l, 1);
		t_buf_put(&b, text + i, k);
		i += k;
	} while (i < len);
	w = (unsigned char *)t_dup(b.p, b.n);
	*out_len = b.n;
	t_buf_free(&b);
	return w;
}

static int
select_one_rdata(const unsigned char *w, size_t n, mtasts_record **r,
                 size_t *sel, mtasts_diag *d)
{
	const unsigned char *rd[1];
	size_t lens[1];

	rd[0] = w;
	lens[0] = n;
	return mtasts_record_select_rdata(r, sel, rd, lens, 1, 0, d);
}

/* Any split into character-strings reads as the concatenation. */
START_TEST(rdata_join_every_split)
{
	static const char text[] = "v=STSv1; id=abc; x=y";
	size_t len = sizeof(text) - 1, cut, sel, n;
	mtasts_record *r = NULL;

	for (cut = 0; cut <= len; cut++) {
		struct t_buf b;
		unsigned char l;
		unsigned char *w;

		t_buf_init(&b);
		l = (unsigned char)cut;
		t_buf_put(&b, &l, 1);
		t_buf_put(&b, text, cut);
		l = (unsigned char)(len - cut);
		t_buf_put(&b, &l, 1);
		t_buf_put(&b, text + cut, len - cut);
		w = (unsigned char *)t_dup(b.p, b.n);
		n = b.n;
		t_buf_free(&b);
		ck_assert_int_eq(select_one_rdata(w, n, &r, &sel, NULL),
		                 MTASTS_OK);
		ck_assert_uint_eq(sel, 0);
		ck_assert_str_eq(mtasts_record_id(r), "abc");
		ck_assert_pstr_eq(mtasts_record_extension_value(r, 0), "y");
		mtasts_record_free(r);
		free(w);
	}
}
END_TEST

START_TEST(rdata_join_one_byte_strings)
{
	static const char text[] = "v=STSv1; id=a-b";
	mtasts_diag *d = t_diag_new();
	mtasts_record *r = NULL;
	size_t n, sel = 7;
	unsigned char *w = wire(text, sizeof(text) - 1, 1, &n);

	/* the column is the column in the joined text (A-12: the '-') */
	ck_assert_int_eq(select_one_rdata(w, n, &r, &sel, d), MTASTS_EID);
	ck_assert_ptr_null(r);
	ck_assert_uint_eq(sel, 0);
	ck_assert_diag(d, MTASTS_D_RECORD_ID_INVALID, MTASTS_SEVERITY_ERROR, 1,
	               14);
	free(w);
	mtasts_diag_free(d);
}
END_TEST

START_TEST(rdata_empty_strings)
{
	/* empty character-strings around and between the pieces */
	static const unsigned char w[] = "\x00\x07v=STSv1\x00\x00\x06; id=1"
	                                 "\x00";
	mtasts_record *r = NULL;
	size_t sel = 7;
	unsigned char *c = (unsigned char *)t_dup(w, sizeof(w) - 1);

	ck_assert_int_eq(select_one_rdata(c, sizeof(w) - 1, &r, &sel, NULL),
	                 MTASTS_OK);
	ck_assert_uint_eq(sel, 0);
	ck_assert_str_eq(mtasts_record_id(r), "1");
	mtasts_record_free(r);
	free(c);
}
END_TEST

/* The ';' that makes an RR a candidate may sit in the next string. */
START_TEST(rdata_candidate_across_strings)
{
	static const unsigned char w1[] = "\x07v=STSv1\x01;\x04id=1";
	static const unsigned char w2[] = "\x07v=STSv1\x02 \t\x05;id=1";
	mtasts_record *r = NULL;
	size_t sel = 7;
	mtasts_diag *d = t_diag_new();
	unsigned char *c = (unsigned char *)t_dup(w1, sizeof(w1) - 1);

	ck_assert_int_eq(select_one_rdata(c, sizeof(w1) - 1, &r, &sel, d),
	                 MTASTS_OK);
	mtasts_record_free(r);
	free(c);
	/* WSP before ';' still makes a candidate, with a warning */
	c = (unsigned char *)t_dup(w2, sizeof(w2) - 1);
	ck_assert_int_eq(select_one_rdata(c, sizeof(w2) - 1, &r, &sel, d),
	                 MTASTS_OK);
	ck_assert_diag(d, MTASTS_D_TXT_SPACE_BEFORE_SEMICOLON,
	               MTASTS_SEVERITY_WARNING, 1, 8);
	mtasts_record_free(r);
	free(c);
	mtasts_diag_free(d);
}
END_TEST

/* A length octet is not text: a length of 59 (';') after "v=STSv1" does
 * not make the RR a candidate. */
START_TEST(rdata_length_octet_is_not_text)
{
	struct t_buf b;
	mtasts_record *r = NULL;
	size_t sel = 7;
	unsigned char l = ';';
	char *c;

	t_buf_init(&b);
	t_buf_str(&b, "\x07v=STSv1");
	t_buf_put(&b, &l, 1);
	t_buf_str(&b, " id=1");
	t_buf_rep(&b, 'a', 59 - 5);
	c = t_dup(b.p, b.n);
	ck_assert_int_eq(
	        select_one_rdata((unsigned char *)c, b.n, &r, &sel, NULL),
	        MTASTS_ENORECORD);
	ck_assert_uint_eq(sel, MTASTS_NO_INDEX);
	free(c);
	t_buf_free(&b);
}
END_TEST

/* Malformed RDATA: the RR is discarded with MTASTS_D_BAD_RDATA. */
START_TEST(rdata_malformed)
{
	static const struct {
		const char *w;
		size_t len;
	} bad[] = {
		{ "\x05"
		  "ab",
		  3 },
		{ "\x0e"
		  "v=STSv1; id=1",
		  14 },
		{ "\x0dv=STSv1; id=1\x05", 15 },
		{ "\x0dv=STSv1; id=1\xff"
		  "abc",
		  18 },
		{ "\xff", 1 },
	};
	static const unsigned char good[] = "\x0dv=STSv1; id=2";
	size_t i;

	for (i = 0; i < T_ARRAY_LEN(bad); i++) {
		const unsigned char *rd[2];
		size_t lens[2], sel = 7;
		mtasts_record *r = (mtasts_record *)&r;
		mtasts_diag *d = t_diag_new();
		unsigned char *c = (unsigned char *)t_dup(bad[i].w, bad[i].len);
		unsigned char *g = (unsigned char *)t_dup(good, 14);

		rd[0] = c;
		lens[0] = bad[i].len;
		rd[1] = g;
		lens[1] = 14;
		/* alone: no record */
		ck_assert_int_eq(
		        mtasts_record_select_rdata(&r, &sel, rd, lens, 1, 0, d),
		        MTASTS_ENORECORD);
		ck_assert_ptr_null(r);
		ck_assert_uint_eq(sel, MTASTS_NO_INDEX);
		ck_assert_diag(d, MTASTS_D_BAD_RDATA, MTASTS_SEVERITY_WARNING,
		               1, T_ANY);
		ck_assert_diag(d, MTASTS_D_RRSET_NONE, MTASTS_SEVERITY_ERROR, 0,
		               0);
		mtasts_diag_clear(d);
		/* beside a good RR: the good one is the only candidate, even
		 * when the bad one's bytes begin with "v=STSv1;" */
		ck_assert_int_eq(
		        mtasts_record_select_rdata(&r, &sel, rd, lens, 2, 0, d),
		        MTASTS_OK);
		ck_assert_uint_eq(sel, 1);
		ck_assert_str_eq(mtasts_record_id(r), "2");
		ck_assert_diag(d, MTASTS_D_BAD_RDATA, MTASTS_SEVERITY_WARNING,
		               1, T_ANY);
		ck_assert_uint_eq(mtasts_diag_error_count(d), 0);
		mtasts_record_free(r);
		mtasts_diag_free(d);
		free(c);
		free(g);
	}
}
END_TEST

/* RDATA without any character-string (length 0) holds no record. */
START_TEST(rdata_zero_length)
{
	const unsigned char *rd[1] = { (const unsigned char *)"" };
	size_t lens[1] = { 0 }, sel = 7;
	mtasts_record *r = NULL;
	mtasts_diag *d = t_diag_new();

	ck_assert_int_eq(
	        mtasts_record_select_rdata(&r, &sel, rd, lens, 1, 0, d),
	        MTASTS_ENORECORD);
	ck_assert_uint_eq(mtasts_diag_error_count(d), 1);
	ck_assert_diag(d, MTASTS_D_RRSET_NONE, MTASTS_SEVERITY_ERROR, 0, 0);
	/* NULL element with length 0 is fine, NULL with a length is not */
	rd[0] = NULL;
	ck_assert_int_eq(
	        mtasts_record_select_rdata(&r, &sel, rd, lens, 1, 0, NULL),
	        MTASTS_ENORECORD);
	lens[0] = 1;
	ck_assert_int_eq(
	        mtasts_record_select_rdata(&r, &sel, rd, lens, 1, 0, NULL),
	        MTASTS_EINVAL);
	ck_assert_int_eq(
	        mtasts_record_select_rdata(&r, &sel, NULL, lens, 1, 0, NULL),
	        MTASTS_EINVAL);
	ck_assert_int_eq(
	        mtasts_record_select_rdata(&r, &sel, rd, NULL, 1, 0, NULL),
	        MTASTS_EINVAL);
	ck_assert_int_eq(
	        mtasts_record_select_rdata(&r, &sel, NULL, NULL, 0, 0, NULL),
	        MTASTS_ENORECORD);
	mtasts_diag_free(d);
}
END_TEST

/* The joined text of the selected RR is capped like a parsed text. */
START_TEST(rdata_joined_cap)
{
	struct t_buf t;
	mtasts_record *r = NULL;
	mtasts_diag *d = t_diag_new();
	unsigned char *w;
	size_t n, sel = 7;

	t_buf_init(&t);
	t_buf_str(&t, "v=STSv1; id=1; x=");
	t_buf_rep(&t, 'y', MTASTS_RECORD_MAX_SIZE - t.n - 1);
	t_buf_str(&t, ";");
	w = wire(t.p, t.n, 255, &n);
	ck_assert_int_eq(select_one_rdata(w, n, &r, &sel, d), MTASTS_OK);
	ck_assert_int_eq(mtasts_record_format(r, NULL, 0, 0),
	                 MTASTS_RECORD_MAX_SIZE);
	mtasts_record_free(r);
	free(w);

	t_buf_rep(&t, 'z', 3000);
	w = wire(t.p, t.n, 255, &n);
	ck_assert_int_eq(select_one_rdata(w, n, &r, &sel, d), MTASTS_ETOOLARGE);
	ck_assert_ptr_null(r);
	ck_assert_uint_eq(sel, 0);
	ck_assert_diag(d, MTASTS_D_TOO_LARGE, MTASTS_SEVERITY_ERROR, T_ANY,
	               T_ANY);
	free(w);
	t_buf_free(&t);
	mtasts_diag_free(d);
}
END_TEST

/* ---- record builder -------------------------------------------------------------- */

static char *
build_text(const mtasts_record_builder *b)
{
	mtasts_record *r = NULL;
	char *s = NULL;

	if (mtasts_record_builder_build(b, &r, NULL) != MTASTS_OK)
		return NULL;
	ck_assert_int_eq(mtasts_record_format_alloc(r, 0, &s), MTASTS_OK);
	mtasts_record_free(r);
	return s;
}

START_TEST(rbuilder_basic)
{
	mtasts_record_builder *b = (mtasts_record_builder *)&b;
	mtasts_record *r = (mtasts_record *)&r;
	mtasts_diag *d = t_diag_new();
	char *s;

	ck_assert_int_eq(mtasts_record_builder_new(NULL, NULL), MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_record_builder_new(&b, NULL), MTASTS_OK);
	ck_assert_ptr_nonnull(b);

	/* nothing set: no id */
	ck_assert_int_eq(mtasts_record_builder_build(b, &r, d), MTASTS_EID);
	ck_assert_ptr_null(r);
	ck_assert_diag(d, MTASTS_D_RECORD_ID_MISSING, MTASTS_SEVERITY_ERROR,
	               T_ANY, T_ANY);
	ck_assert_int_eq(mtasts_record_builder_build(NULL, &r, d),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_record_builder_build(b, NULL, d),
	                 MTASTS_EINVAL);

	ck_assert_int_eq(
	        mtasts_record_builder_set_id(b, "20160831085700Z", NULL),
	        MTASTS_OK);
	ck_assert_int_eq(
	        mtasts_record_builder_add_extension(b, "foo", "bar", NULL),
	        MTASTS_OK);
	s = build_text(b);
	ck_assert_pstr_eq(s, "v=STSv1; id=20160831085700Z; foo=bar;");
	mtasts_free(s);
	/* set_id replaces; build again from the same builder */
	ck_assert_int_eq(mtasts_record_builder_set_id(b, "2", NULL), MTASTS_OK);
	s = build_text(b);
	ck_assert_pstr_eq(s, "v=STSv1; id=2; foo=bar;");
	mtasts_free(s);
	s = build_text(b);
	ck_assert_pstr_eq(s, "v=STSv1; id=2; foo=bar;");
	mtasts_free(s);
	mtasts_record_builder_free(b);
	mtasts_diag_free(d);
}
END_TEST

START_TEST(rbuilder_set_id_errors)
{
	static const char *const bad[] = {
		"",      "a-b", "a b",
		"a.b",   "a_b", "\xc3\xa9",
		"id;",   "=1",  "abcdefghijklmnopqrstuvwxyz0123456", /* 33 */
		"1\x01", " 1",  "1 ",
	};
	mtasts_record_builder *b = NULL;
	mtasts_diag *d = t_diag_new();
	char *before, *after;
	size_t i;

	ck_assert_int_eq(mtasts_record_builder_new(&b, NULL), MTASTS_OK);
	ck_assert_int_eq(mtasts_record_builder_set_id(b, "keep", NULL),
	                 MTASTS_OK);
	before = build_text(b);
	ck_assert_int_eq(mtasts_record_builder_set_id(NULL, "x", NULL),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_record_builder_set_id(b, NULL, NULL),
	                 MTASTS_EINVAL);
	for (i = 0; i < T_ARRAY_LEN(bad); i++) {
		mtasts_diag_clear(d);
		ck_assert_msg(mtasts_record_builder_set_id(b, bad[i], d) ==
		                      MTASTS_EID,
		              "id '%s' accepted", bad[i]);
		ck_assert_diag(d, MTASTS_D_RECORD_ID_INVALID,
		               MTASTS_SEVERITY_ERROR, T_ANY, T_ANY);
		ck_assert(t_messages_printable(d));
	}
	/* the builder is unchanged */
	after = build_text(b);
	ck_assert_pstr_eq(after, before);
	mtasts_free(before);
	mtasts_free(after);
	/* 1 and 32 letters or digits are fine */
	ck_assert_int_eq(mtasts_record_builder_set_id(b, "Z", NULL), MTASTS_OK);
	ck_assert_int_eq(mtasts_record_builder_set_id(
	                         b, "abcdefghijklmnopqrstuvwxyz012345", NULL),
	                 MTASTS_OK);
	mtasts_record_builder_free(b);
	mtasts_diag_free(d);
}
END_TEST

START_TEST(rbuilder_extension_errors)
{
	static const struct {
		const char *name, *value;
		int status;
	} cases[] = {
		/* registered names, in any case */
		{ "v", "x", MTASTS_EINVAL },
		{ "V", "x", MTASTS_EINVAL },
		{ "id", "x", MTASTS_EINVAL },
		{ "ID", "x", MTASTS_EINVAL },
		{ "Id", "x", MTASTS_EINVAL },
		/* a name already added */
		{ "dup", "other", MTASTS_EINVAL },
		/* sts-ext-name */
		{ "", "x", MTASTS_ESYNTAX },
		{ "_a", "x", MTASTS_ESYNTAX },
		{ "-a", "x", MTASTS_ESYNTAX },
		{ ".a", "x", MTASTS_ESYNTAX },
		{ "a b", "x", MTASTS_ESYNTAX },
		{ "a=b", "x", MTASTS_ESYNTAX },
		{ "a;", "x", MTASTS_ESYNTAX },
		{ "\xc3\xa9", "x", MTASTS_ESYNTAX },
		{ "abcdefghijklmnopqrstuvwxyz0123456", "x", MTASTS_ESYNTAX },
		/* sts-ext-value */
		{ "a", "", MTASTS_ESYNTAX },
		{ "a", "b c", MTASTS_ESYNTAX },
		{ "a", "b;c", MTASTS_ESYNTAX },
		{ "a", "b=c", MTASTS_ESYNTAX },
		{ "a", "b\tc", MTASTS_ESYNTAX },
		{ "a", " b", MTASTS_ESYNTAX },
		{ "a", "b ", MTASTS_ESYNTAX },
		{ "a", "\x7f", MTASTS_ESYNTAX },
		{ "a", "\x01", MTASTS_ESYNTAX },
		{ "a", "caf\xc3\xa9", MTASTS_ESYNTAX },
	};
	mtasts_record_builder *b = NULL;
	char *before, *after;
	size_t i;

	ck_assert_int_eq(mtasts_record_builder_new(&b, NULL), MTASTS_OK);
	ck_assert_int_eq(mtasts_record_builder_set_id(b, "1", NULL), MTASTS_OK);
	ck_assert_int_eq(
	        mtasts_record_builder_add_extension(b, "dup", "x", NULL),
	        MTASTS_OK);
	before = build_text(b);
	ck_assert_int_eq(
	        mtasts_record_builder_add_extension(NULL, "a", "b", NULL),
	        MTASTS_EINVAL);
	ck_assert_int_eq(
	        mtasts_record_builder_add_extension(b, NULL, "b", NULL),
	        MTASTS_EINVAL);
	ck_assert_int_eq(
	        mtasts_record_builder_add_extension(b, "a", NULL, NULL),
	        MTASTS_EINVAL);
	for (i = 0; i < T_ARRAY_LEN(cases); i++) {
		mtasts_diag *d = t_diag_new();
		int st = mtasts_record_builder_add_extension(b, cases[i].name,
		                                             cases[i].value, d);

		ck_assert_msg(st == cases[i].status,
		              "'%s'='%s': %s, expected %s", cases[i].name,
		              cases[i].value, t_status_name(st),
		              t_status_name(cases[i].status));
		ck_assert_uint_gt(mtasts_diag_error_count(d), 0);
		ck_assert(t_messages_printable(d));
		mtasts_diag_free(d);
	}
	after = build_text(b);
	ck_assert_pstr_eq(after, before);
	mtasts_free(before);
	mtasts_free(after);

	/* names are case-sensitive bytes: "DUP" is another name; every
	 * allowed character class is accepted */
	ck_assert_int_eq(
	        mtasts_record_builder_add_extension(b, "DUP", "x", NULL),
	        MTASTS_OK);
	ck_assert_int_eq(mtasts_record_builder_add_extension(
	                         b, "a1_-.Z",
	                         "!\"#$%&'()*+,-./09:<>?@AZ[\\]^_`az{|}~",
	                         NULL),
	                 MTASTS_OK);
	ck_assert_int_eq(
	        mtasts_record_builder_add_extension(
	                b, "abcdefghijklmnopqrstuvwxyz012345", "v", NULL),
	        MTASTS_OK);
	ck_assert_int_eq(
	        mtasts_record_builder_add_extension(b, "vv", "v", NULL),
	        MTASTS_OK);
	ck_assert_int_eq(
	        mtasts_record_builder_add_extension(b, "ids", "v", NULL),
	        MTASTS_OK);
	after = build_text(b);
	ck_assert_pstr_eq(after,
	                  "v=STSv1; id=1; dup=x; DUP=x; "
	                  "a1_-.Z=!\"#$%&'()*+,-./09:<>?@AZ[\\]^_`az{|}~; "
	                  "abcdefghijklmnopqrstuvwxyz012345=v; vv=v; ids=v;");
	mtasts_free(after);
	mtasts_record_builder_free(b);
}
END_TEST

/* 64 extensions at most; the canonical text at most 4096 bytes. */
START_TEST(rbuilder_caps)
{
	mtasts_record_builder *b = NULL, *b2 = NULL;
	mtasts_record *r = NULL;
	mtasts_diag *d = t_diag_new();
	char name[8];
	char *v57 = t_rep('v', 57), *v107 = t_rep('w', 107),
	     *v108 = t_rep('w', 108);
	int i;

	ck_assert_int_eq(mtasts_record_builder_new(&b, NULL), MTASTS_OK);
	ck_assert_int_eq(mtasts_record_builder_new(&b2, NULL), MTASTS_OK);
	ck_assert_int_eq(mtasts_record_builder_set_id(b, "a", NULL), MTASTS_OK);
	ck_assert_int_eq(mtasts_record_builder_set_id(b2, "a", NULL),
	                 MTASTS_OK);
	/* b: 64 short extensions, then one too many. b2: "v=STSv1; id=a;"
	 * is 14 bytes and each " eNN=<57 bytes>;" 63 */
	for (i = 0; i < MTASTS_MAX_EXTENSIONS - 1; i++) {
		snprintf(name, sizeof(name), "e%02d", i);
		ck_assert_int_eq(
		        mtasts_record_builder_add_extension(b, name, "x", NULL),
		        MTASTS_OK);
		ck_assert_int_eq(mtasts_record_builder_add_extension(b2, name,
		                                                     v57, NULL),
		                 MTASTS_OK);
	}
	ck_assert_int_eq(
	        mtasts_record_builder_add_extension(b, "e63", "x", NULL),
	        MTASTS_OK);
	ck_assert_int_eq(mtasts_record_builder_add_extension(b, "e64", "x", d),
	                 MTASTS_ETOOLARGE);
	ck_assert_diag(d, MTASTS_D_TOO_MANY_EXTENSIONS, MTASTS_SEVERITY_ERROR,
	               T_ANY, T_ANY);
	ck_assert_int_eq(mtasts_record_builder_build(b, &r, NULL), MTASTS_OK);
	ck_assert_uint_eq(mtasts_record_extension_count(r),
	                  MTASTS_MAX_EXTENSIONS);
	mtasts_record_free(r);

	/* 14 + 63 * 63 = 3983; a last " e63=<v>;" of 6 + 107 = 113 makes
	 * exactly 4096 */
	ck_assert_int_eq(
	        mtasts_record_builder_add_extension(b2, "e63", v107, NULL),
	        MTASTS_OK);
	ck_assert_int_eq(mtasts_record_builder_build(b2, &r, NULL), MTASTS_OK);
	ck_assert_int_eq(mtasts_record_format(r, NULL, 0, 0),
	                 MTASTS_RECORD_MAX_SIZE);
	mtasts_record_free(r);
	mtasts_record_builder_free(b2);

	ck_assert_int_eq(mtasts_record_builder_new(&b2, NULL), MTASTS_OK);
	ck_assert_int_eq(mtasts_record_builder_set_id(b2, "a", NULL),
	                 MTASTS_OK);
	for (i = 0; i < MTASTS_MAX_EXTENSIONS - 1; i++) {
		snprintf(name, sizeof(name), "e%02d", i);
		ck_assert_int_eq(mtasts_record_builder_add_extension(b2, name,
		                                                     v57, NULL),
		                 MTASTS_OK);
	}
	ck_assert_int_eq(
	        mtasts_record_builder_add_extension(b2, "e63", v108, NULL),
	        MTASTS_OK);
	mtasts_diag_clear(d);
	r = (mtasts_record *)&r;
	ck_assert_int_eq(mtasts_record_builder_build(b2, &r, d),
	                 MTASTS_ETOOLARGE);
	ck_assert_ptr_null(r);
	ck_assert_diag(d, MTASTS_D_TOO_LARGE, MTASTS_SEVERITY_ERROR, T_ANY,
	               T_ANY);
	mtasts_record_builder_free(b);
	mtasts_record_builder_free(b2);
	free(v57);
	free(v107);
	free(v108);
	mtasts_diag_free(d);
}
END_TEST

/* A builder made from a record holds a copy of it. */
START_TEST(rbuilder_from_record)
{
	mtasts_record *src = rec("v=STSv1; a=1; id=abc; b=2");
	mtasts_record_builder *b = NULL;
	mtasts_record *r = NULL;
	char *s;

	ck_assert_int_eq(mtasts_record_builder_new(&b, src), MTASTS_OK);
	ck_assert_int_eq(mtasts_record_builder_build(b, &r, NULL), MTASTS_OK);
	ck_assert(mtasts_record_equal(src, r));
	mtasts_record_free(r);
	/* the source can go; the builder does not depend on it */
	mtasts_record_free(src);
	/* names of the copy count as added */
	ck_assert_int_eq(mtasts_record_builder_add_extension(b, "a", "9", NULL),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_record_builder_add_extension(b, "c", "3", NULL),
	                 MTASTS_OK);
	ck_assert_int_eq(mtasts_record_builder_set_id(b, "def", NULL),
	                 MTASTS_OK);
	s = build_text(b);
	ck_assert_pstr_eq(s, "v=STSv1; id=def; a=1; b=2; c=3;");
	mtasts_free(s);
	mtasts_record_builder_free(b);
}
END_TEST

/* ---- ids ------------------------------------------------------------------------ */

static const struct {
	int64_t t;
	const char *id;
} id_vec[] = {
	{ 0, "19700101000000" },
	{ 59, "19700101000059" },
	{ 86399, "19700101235959" },
	{ 86400, "19700102000000" },
	{ 68214896, "19720229123456" }, /* first leap day after 1970 */
	{ 946684799, "19991231235959" },
	{ 951782399, "20000228235959" },
	{ 951782400, "20000229000000" }, /* 2000 is a leap year */
	{ 951868800, "20000301000000" },
	{ 1472633820, "20160831085700" }, /* the RFC's example id, sans Z */
	{ 2147483647, "20380119031407" },
	{ 2147483648, "20380119031408" }, /* past 32-bit time_t */
	{ 4107542399, "21000228235959" },
	{ 4107542400, "21000301000000" },   /* 2100 is not */
	{ 13574563200, "24000229000000" },  /* 2400 is again */
	{ 253402300799, "99991231235959" }, /* the last second allowed */
};

START_TEST(id_from_time_vectors)
{
	char buf[MTASTS_ID_TIME_LEN + 1];

	memset(buf, '#', sizeof(buf));
	ck_assert_int_eq(mtasts_id_from_time(buf, sizeof(buf), id_vec[_i].t),
	                 MTASTS_ID_TIME_LEN);
	ck_assert_str_eq(buf, id_vec[_i].id);
	ck_assert_int_eq(mtasts_id_check(buf), MTASTS_OK);
}
END_TEST

START_TEST(id_from_time_range_and_buffers)
{
	char buf[32];

	ck_assert_int_eq(mtasts_id_from_time(buf, sizeof(buf), -1),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_id_from_time(buf, sizeof(buf), 253402300800LL),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_id_from_time(buf, sizeof(buf), INT64_MIN),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_id_from_time(buf, sizeof(buf), INT64_MAX),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_id_from_time(NULL, 1, 0), MTASTS_EINVAL);

	/* snprintf semantics */
	ck_assert_int_eq(mtasts_id_from_time(NULL, 0, 0), MTASTS_ID_TIME_LEN);
	memset(buf, '#', sizeof(buf));
	ck_assert_int_eq(mtasts_id_from_time(buf, 0, 0), MTASTS_ID_TIME_LEN);
	ck_assert_int_eq(buf[0], '#');
	ck_assert_int_eq(mtasts_id_from_time(buf, 1, 0), MTASTS_ID_TIME_LEN);
	ck_assert_str_eq(buf, "");
	ck_assert_int_eq(buf[1], '#');
	ck_assert_int_eq(mtasts_id_from_time(buf, 9, 0), MTASTS_ID_TIME_LEN);
	ck_assert_str_eq(buf, "19700101");
	ck_assert_int_eq(buf[9], '#');
	ck_assert_int_eq(mtasts_id_from_time(buf, MTASTS_ID_TIME_LEN, 0),
	                 MTASTS_ID_TIME_LEN);
	ck_assert_str_eq(buf, "1970010100000");
	ck_assert_int_eq(mtasts_id_from_time(buf, sizeof(buf), 0),
	                 MTASTS_ID_TIME_LEN);
	ck_assert_str_eq(buf, "19700101000000");
	ck_assert_int_eq(buf[MTASTS_ID_TIME_LEN + 1], '#');
}
END_TEST

/* Agreement with the C library's gmtime() (when time_t is wide enough),
 * for any time zone. */
START_TEST(id_from_time_vs_gmtime)
{
	uint64_t seed = 0x9E3779B97F4A7C15ull;
	char buf[MTASTS_ID_TIME_LEN + 1], want[32];
	int i;

	if (sizeof(time_t) < 8)
		return;
	setenv("TZ", "Pacific/Kiritimati", 1);
	tzset();
	for (i = 0; i < 20000; i++) {
		int64_t t = (int64_t)(t_rand(&seed) % 253402300800ull);
		time_t tt;
		struct tm tm;

		if (i < 400) /* around the start of each year 1970-2369 */
			t = (int64_t)((i * 365.2425) * 86400) - 1 + i % 3;
		if (t < 0)
			t = 0;
		tt = (time_t)t;
		ck_assert_ptr_nonnull(gmtime_r(&tt, &tm));
		snprintf(want, sizeof(want), "%04d%02d%02d%02d%02d%02d",
		         tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		         tm.tm_hour, tm.tm_min, tm.tm_sec);
		ck_assert_int_eq(mtasts_id_from_time(buf, sizeof(buf), t),
		                 MTASTS_ID_TIME_LEN);
		ck_assert_msg(strcmp(buf, want) == 0, "t=%lld: %s, expected %s",
		              (long long)t, buf, want);
	}
	unsetenv("TZ");
	tzset();
}
END_TEST

START_TEST(id_check)
{
	static const char *const good[] = {
		"1",
		"a",
		"Z",
		"20160831085700Z",
		"abcdefghijklmnopqrstuvwxyz012345", /* 32 */
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ",
		"0123456789",
	};
	static const char *const bad[] = {
		"",         "a-b",
		"a.b",      "a_b",
		"a b",      " a",
		"a ",       "a\t",
		"a;",       "a=b",
		"\xc3\xa9", "a\x01",
		"\x7f",     "abcdefghijklmnopqrstuvwxyz0123456", /* 33 */
	};
	char *huge;
	size_t i;

	for (i = 0; i < T_ARRAY_LEN(good); i++)
		ck_assert_msg(mtasts_id_check(good[i]) == MTASTS_OK, "'%s'",
		              good[i]);
	for (i = 0; i < T_ARRAY_LEN(bad); i++)
		ck_assert_msg(mtasts_id_check(bad[i]) == MTASTS_EID, "'%s'",
		              bad[i]);
	ck_assert_int_eq(mtasts_id_check(NULL), MTASTS_EINVAL);
	huge = t_rep('a', 1u << 20);
	ck_assert_int_eq(mtasts_id_check(huge), MTASTS_EID);
	free(huge);
}
END_TEST

/* ---- properties over mutated inputs ------------------------------------------------- */

static const char *const mutation_bases[] = {
	"v=STSv1; id=20160831085700Z;",
	"v=STSv1;id=abc;foo=bar",
	" \"V=STSv1 ; ID=1; a.b_c-d=!x:y\" ",
	"v=STSv1\t;\tid=Z\t;\tq=\"q\";\t",
	"v=STSv1; foo=1; id=1; foo=2; id=2; v=STSv2",
};

/* R-05 with A-01 (strict): "v=STSv1" *WSP ";" */
static int
ref_candidate(const char *t, size_t n)
{
	size_t i = 7;

	if (n < 7 || memcmp(t, "v=STSv1", 7) != 0)
		return 0;
	while (i < n && (t[i] == ' ' || t[i] == '\t'))
		i++;
	return i < n && t[i] == ';';
}

/* A success has no error entry, a failure returns the status of its first
 * error, positions agree with offsets, a valid record round-trips, and a
 * strict RRset of this one text selects it exactly when it is a candidate
 * (R-05, R-06, A-01). */
START_TEST(record_mutation_properties)
{
	static const unsigned char bytes[] = { ' ',  '\t', ';',  '=', '"',
		                               'V',  'v',  'I',  '-', 0x00,
		                               0x80, 0x7f, '\r', '1' };
	uint64_t rs = 0xABCD0000ull + (uint64_t)_i;
	mtasts_diag *d = t_diag_new();
	int i, ok = 0;

	for (i = 0; i < 4000; i++) {
		const char *base = mutation_bases[t_rand(&rs) %
		                                  T_ARRAY_LEN(mutation_bases)];
		unsigned int flags = (unsigned int)(t_rand(&rs) % 2);
		char buf[128], *text, *canon = NULL;
		size_t n = strlen(base), k, sel;
		mtasts_record *r = NULL, *r2 = NULL, *s = NULL;
		int st, sst;
		const char *rrs[1];

		memcpy(buf, base, n);
		for (k = 1 + t_rand(&rs) % 3; k > 0 && n; k--) {
			size_t at = (size_t)(t_rand(&rs) % n);
			unsigned char c = bytes[t_rand(&rs) % sizeof(bytes)];

			if (t_rand(&rs) % 2 && n + 1 < sizeof(buf)) {
				memmove(buf + at + 1, buf + at, n - at);
				n++;
			}
			buf[at] = (char)c;
		}
		text = t_dup(buf, n);
		mtasts_diag_clear(d);
		st = mtasts_record_parse(&r, text, n, flags, d);
		T_CHECK_MSG(t_messages_printable(d), "case %d", i);
		T_CHECK_MSG(t_positions_ok(d, text, n, 0), "case %d: %s", i,
		            t_diag_str(d));
		if (st == MTASTS_OK) {
			ok++;
			T_CHECK(mtasts_diag_error_count(d) == 0);
			T_CHECK(mtasts_record_format_alloc(r, 0, &canon) ==
			        MTASTS_OK);
			T_CHECK_MSG(t_record_parse(&r2, canon, strlen(canon), 0,
			                           NULL) == MTASTS_OK &&
			                    mtasts_record_equal(r, r2),
			            "case %d: '%s' does not round-trip", i,
			            canon);
			/* lenient only relaxes (mtasts.h) */
			if (!flags &&
			    !t_count_diag(d, MTASTS_D_TXT_NAME_CASE, 0)) {
				mtasts_record_free(r2);
				r2 = NULL;
				T_CHECK_MSG(mtasts_record_parse(
				                    &r2, text, n,
				                    MTASTS_PARSE_LENIENT,
				                    NULL) == MTASTS_OK &&
				                    mtasts_record_equal(r, r2),
				            "case %d: lenient differs", i);
			}
		} else {
			T_CHECK(r == NULL);
			T_CHECK_MSG(t_first_error_status(d, 0) == st,
			            "case %d: status %d, first error %s", i, st,
			            t_diag_str(d));
		}
		if (!flags) {
			rrs[0] = text;
			sst = mtasts_record_select(&s, &sel, rrs, &n, 1, 0,
			                           NULL);
			if (ref_candidate(text, n))
				T_CHECK_MSG(sst == st && sel == 0,
				            "case %d: select %d, parse %d", i,
				            sst, st);
			else
				T_CHECK_MSG(
				        sst == MTASTS_ENORECORD &&
				                sel == MTASTS_NO_INDEX,
				        "case %d: select %d of a non-candidate",
				        i, sst);
		}
		mtasts_free(canon);
		mtasts_record_free(r);
		mtasts_record_free(r2);
		mtasts_record_free(s);
		free(text);
	}
	ck_assert_int_gt(ok, 100);
	mtasts_diag_free(d);
}
END_TEST

MTASTS_TEST_SUITE(record)
{
	Suite *s = suite_create("record");
	TCase *tc;

	tc = tcase_create("parse");
	tcase_add_test(tc, record_parse_accessors);
	tcase_add_test(tc, record_parse_failure_out_null);
	tcase_add_loop_test(tc, record_every_byte_in_value, 0, 256);
	tcase_add_test(tc, record_caps);
	tcase_add_test(tc, record_equal);
	tcase_add_test(tc, record_format);
	tcase_add_loop_test(tc, record_mutation_properties, 0, 4);
	suite_add_tcase(s, tc);

	tc = tcase_create("select");
	tcase_add_test(tc, select_basic);
	tcase_add_test(tc, select_args);
	tcase_add_test(tc, select_rrset_cap);
	tcase_add_test(tc, rdata_join_every_split);
	tcase_add_test(tc, rdata_join_one_byte_strings);
	tcase_add_test(tc, rdata_empty_strings);
	tcase_add_test(tc, rdata_candidate_across_strings);
	tcase_add_test(tc, rdata_length_octet_is_not_text);
	tcase_add_test(tc, rdata_malformed);
	tcase_add_test(tc, rdata_zero_length);
	tcase_add_test(tc, rdata_joined_cap);
	suite_add_tcase(s, tc);

	tc = tcase_create("builder");
	tcase_add_test(tc, rbuilder_basic);
	tcase_add_test(tc, rbuilder_set_id_errors);
	tcase_add_test(tc, rbuilder_extension_errors);
	tcase_add_test(tc, rbuilder_caps);
	tcase_add_test(tc, rbuilder_from_record);
	suite_add_tcase(s, tc);

	tc = tcase_create("id");
	tcase_add_loop_test(tc, id_from_time_vectors, 0,
	                    (int)T_ARRAY_LEN(id_vec));
	tcase_add_test(tc, id_from_time_range_and_buffers);
	tcase_add_test(tc, id_from_time_vs_gmtime);
	tcase_add_test(tc, id_check);
	suite_add_tcase(s, tc);
	return s;
}
