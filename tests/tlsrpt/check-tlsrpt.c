/* SPDX-License-Identifier: MIT */
/*
 * TLSRPTv1 records (RFC 8460 §3) and the RFC 8460 registries. T-xx and
 * TA-xx ids refer to the project's RFC 8460 digest; every expectation below
 * comes from the digest, not from the library's output.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mtasts.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Does the list hold a diagnostic with this code (and severity, if > 0)? */
static int
has_diag(const mtasts_diag *d, int code, int severity)
{
	size_t i;

	for (i = 0; i < mtasts_diag_count(d); i++)
		if (mtasts_diag_code(d, i) == code &&
		    (severity <= 0 || mtasts_diag_severity(d, i) == severity))
			return 1;
	return 0;
}

/* ---- valid records: every ABNF branch ---------------------------------------- */

struct valid_case {
	const char *id;
	const char *text;
	unsigned int flags;
	const char *rua[4];
	int scheme[4];
	const char *canonical;
	int warning; /* a diagnostic code expected as a warning, or 0 */
};

static const struct valid_case valid[] = {
	{ "T-03 RFC example, no space",
	  "v=TLSRPTv1;rua=mailto:reports@example.com",
	  0,
	  { "mailto:reports@example.com" },
	  { MTASTS_RUA_MAILTO },
	  "v=TLSRPTv1; rua=mailto:reports@example.com",
	  0 },
	{ "T-03 RFC example https",
	  "v=TLSRPTv1; rua=https://reporting.example.com/v1/tlsrpt",
	  0,
	  { "https://reporting.example.com/v1/tlsrpt" },
	  { MTASTS_RUA_HTTPS },
	  "v=TLSRPTv1; rua=https://reporting.example.com/v1/tlsrpt",
	  0 },
	{ "T-03 list with WSP around ','",
	  "v=TLSRPTv1; rua=mailto:a@example.com , \thttps://r.example/x",
	  0,
	  { "mailto:a@example.com", "https://r.example/x" },
	  { MTASTS_RUA_MAILTO, MTASTS_RUA_HTTPS },
	  "v=TLSRPTv1; rua=mailto:a@example.com,https://r.example/x",
	  0 },
	{ "T-03 list without WSP",
	  "v=TLSRPTv1;rua=mailto:a@example.com,mailto:b@example.com",
	  0,
	  { "mailto:a@example.com", "mailto:b@example.com" },
	  { MTASTS_RUA_MAILTO, MTASTS_RUA_MAILTO },
	  "v=TLSRPTv1; rua=mailto:a@example.com,mailto:b@example.com",
	  0 },
	{ "T-09 extension kept",
	  "v=TLSRPTv1; rua=mailto:a@example.com; foo=bar",
	  0,
	  { "mailto:a@example.com" },
	  { MTASTS_RUA_MAILTO },
	  "v=TLSRPTv1; rua=mailto:a@example.com; foo=bar",
	  0 },
	{ "T-09 extension before rua",
	  "v=TLSRPTv1; x.y_z-1=!\"#$%&'()*+,-./:<>?@[\\]^_`{|}~; "
	  "rua=mailto:a@example.com",
	  0,
	  { "mailto:a@example.com" },
	  { MTASTS_RUA_MAILTO },
	  "v=TLSRPTv1; rua=mailto:a@example.com; "
	  "x.y_z-1=!\"#$%&'()*+,-./:<>?@[\\]^_`{|}~",
	  0 },
	{ "final ';' and WSP",
	  "v=TLSRPTv1; rua=mailto:a@example.com; \t",
	  0,
	  { "mailto:a@example.com" },
	  { MTASTS_RUA_MAILTO },
	  "v=TLSRPTv1; rua=mailto:a@example.com",
	  0 },
	{ "WSP around ';'",
	  "v=TLSRPTv1 \t; \trua=mailto:a@example.com",
	  0,
	  { "mailto:a@example.com" },
	  { MTASTS_RUA_MAILTO },
	  "v=TLSRPTv1; rua=mailto:a@example.com",
	  MTASTS_D_TXT_SPACE_BEFORE_SEMICOLON },
	{ "TA-01 several rua fields are unioned in order",
	  "v=TLSRPTv1; rua=mailto:a@example.com; rua=mailto:b@example.com,"
	  "https://c.example/",
	  0,
	  { "mailto:a@example.com", "mailto:b@example.com",
	    "https://c.example/" },
	  { MTASTS_RUA_MAILTO, MTASTS_RUA_MAILTO, MTASTS_RUA_HTTPS },
	  "v=TLSRPTv1; rua=mailto:a@example.com,mailto:b@example.com,"
	  "https://c.example/",
	  0 },
	{ "T-05 encoded ',' '!' ';' kept as written",
	  "v=TLSRPTv1; rua=mailto:a%2Cb%21c%3Bd@example.com",
	  0,
	  { "mailto:a%2Cb%21c%3Bd@example.com" },
	  { MTASTS_RUA_MAILTO },
	  "v=TLSRPTv1; rua=mailto:a%2Cb%21c%3Bd@example.com",
	  0 },
	{ "T-04 scheme case-insensitive (RFC 3986 §3.1)",
	  "v=TLSRPTv1; rua=MAILTO:a@example.com,HtTpS://r.example",
	  0,
	  { "MAILTO:a@example.com", "HtTpS://r.example" },
	  { MTASTS_RUA_MAILTO, MTASTS_RUA_HTTPS },
	  "v=TLSRPTv1; rua=MAILTO:a@example.com,HtTpS://r.example",
	  0 },
	{ "https with userinfo, port, query with '='",
	  "v=TLSRPTv1; rua=https://u@r.example:8443/p/q?a=b&c=d#f",
	  0,
	  { "https://u@r.example:8443/p/q?a=b&c=d#f" },
	  { MTASTS_RUA_HTTPS },
	  "v=TLSRPTv1; rua=https://u@r.example:8443/p/q?a=b&c=d#f",
	  0 },
	{ "https IPv6 literal host",
	  "v=TLSRPTv1; rua=https://[2001:db8::1]/r",
	  0,
	  { "https://[2001:db8::1]/r" },
	  { MTASTS_RUA_HTTPS },
	  "v=TLSRPTv1; rua=https://[2001:db8::1]/r",
	  0 },
	{ "TA-06 other scheme kept with a warning",
	  "v=TLSRPTv1; rua=ftp://r.example/in",
	  0,
	  { "ftp://r.example/in" },
	  { MTASTS_RUA_OTHER },
	  "v=TLSRPTv1; rua=ftp://r.example/in",
	  MTASTS_D_TLSRPT_URI_SCHEME },
	{ "TA-06 mailto header fields kept with a warning",
	  "v=TLSRPTv1; rua=mailto:a@example.com?subject=tls",
	  0,
	  { "mailto:a@example.com?subject=tls" },
	  { MTASTS_RUA_MAILTO },
	  "v=TLSRPTv1; rua=mailto:a@example.com?subject=tls",
	  MTASTS_D_TLSRPT_MAILTO_HEADERS },
	{ "TA-05 later extension ignored",
	  "v=TLSRPTv1; rua=mailto:a@example.com; x=1; x=2",
	  0,
	  { "mailto:a@example.com" },
	  { MTASTS_RUA_MAILTO },
	  "v=TLSRPTv1; rua=mailto:a@example.com; x=1",
	  MTASTS_D_TXT_DUPLICATE },
	{ "TA-05 second version ignored",
	  "v=TLSRPTv1; v=TLSRPTv2; rua=mailto:a@example.com",
	  0,
	  { "mailto:a@example.com" },
	  { MTASTS_RUA_MAILTO },
	  "v=TLSRPTv1; rua=mailto:a@example.com",
	  MTASTS_D_TXT_DUPLICATE },
	{ "lenient: quotes",
	  "\"v=TLSRPTv1; rua=mailto:a@example.com\"",
	  MTASTS_PARSE_LENIENT,
	  { "mailto:a@example.com" },
	  { MTASTS_RUA_MAILTO },
	  "v=TLSRPTv1; rua=mailto:a@example.com",
	  MTASTS_D_QUOTED },
	{ "lenient: outer whitespace",
	  "  v=TLSRPTv1; rua=mailto:a@example.com ",
	  MTASTS_PARSE_LENIENT,
	  { "mailto:a@example.com" },
	  { MTASTS_RUA_MAILTO },
	  "v=TLSRPTv1; rua=mailto:a@example.com",
	  MTASTS_D_OUTER_WHITESPACE },
	{ "lenient: RUA= read as rua=",
	  "v=TLSRPTv1; RUA=mailto:a@example.com, https://r.example",
	  MTASTS_PARSE_LENIENT,
	  { "mailto:a@example.com", "https://r.example" },
	  { MTASTS_RUA_MAILTO, MTASTS_RUA_HTTPS },
	  "v=TLSRPTv1; rua=mailto:a@example.com,https://r.example",
	  MTASTS_D_TXT_NAME_CASE },
	{ "lenient: V= read as v=",
	  "V=TLSRPTv1; rua=mailto:a@example.com",
	  MTASTS_PARSE_LENIENT,
	  { "mailto:a@example.com" },
	  { MTASTS_RUA_MAILTO },
	  "v=TLSRPTv1; rua=mailto:a@example.com",
	  MTASTS_D_TXT_NAME_CASE },
};

START_TEST(valid_records)
{
	const struct valid_case *c = &valid[_i];
	mtasts_tlsrpt *r, *again;
	mtasts_diag *d;
	char buf[512];
	size_t n, k;
	int len;

	ck_assert_int_eq(mtasts_diag_new(&d), MTASTS_OK);
	ck_assert_msg(mtasts_tlsrpt_parse(&r, c->text, strlen(c->text),
	                                  c->flags, d) == MTASTS_OK,
	              "%s: %s", c->id,
	              mtasts_diag_count(d) ? mtasts_diag_message(d, 0) : "");
	ck_assert_uint_eq(mtasts_diag_error_count(d), 0);
	if (c->warning)
		ck_assert_msg(has_diag(d, c->warning, MTASTS_SEVERITY_WARNING),
		              "%s: expected warning %s", c->id,
		              mtasts_diag_code_name(c->warning));
	else
		ck_assert_msg(mtasts_diag_count(d) == 0, "%s: unexpected %s",
		              c->id, mtasts_diag_message(d, 0));
	for (n = 0; n < ARRAY_LEN(c->rua) && c->rua[n]; n++) {
		ck_assert_str_eq(mtasts_tlsrpt_rua(r, n), c->rua[n]);
		ck_assert_int_eq(mtasts_tlsrpt_rua_scheme(r, n), c->scheme[n]);
	}
	ck_assert_uint_eq(mtasts_tlsrpt_rua_count(r), n);
	ck_assert_ptr_null(mtasts_tlsrpt_rua(r, n));
	ck_assert_int_eq(mtasts_tlsrpt_rua_scheme(r, n), 0);

	/* canonical form, and the round trip to an equal record */
	len = mtasts_tlsrpt_format(r, buf, sizeof(buf), 0);
	ck_assert_int_eq(len, (int)strlen(c->canonical));
	ck_assert_str_eq(buf, c->canonical);
	ck_assert_int_eq(mtasts_tlsrpt_parse(&again, buf, (size_t)len, 0, NULL),
	                 MTASTS_OK);
	ck_assert(mtasts_tlsrpt_equal(r, again));
	ck_assert_int_eq(mtasts_tlsrpt_format(again, buf, sizeof(buf), 0), len);
	ck_assert_str_eq(buf, c->canonical);
	for (k = 0; k < mtasts_tlsrpt_extension_count(r); k++) {
		ck_assert_str_eq(mtasts_tlsrpt_extension_name(r, k),
		                 mtasts_tlsrpt_extension_name(again, k));
		ck_assert_str_eq(mtasts_tlsrpt_extension_value(r, k),
		                 mtasts_tlsrpt_extension_value(again, k));
	}
	mtasts_tlsrpt_free(again);
	mtasts_tlsrpt_free(r);
	mtasts_diag_free(d);
}
END_TEST

/* ---- invalid records ------------------------------------------------------------ */

struct invalid_case {
	const char *id;
	const char *text;
	unsigned int flags;
	int status;
	int code; /* an error expected among the diagnostics */
	unsigned int col;
};

static const struct invalid_case invalid[] = {
	{ "T-03 version only", "v=TLSRPTv1", 0, MTASTS_ESYNTAX,
	  MTASTS_D_TXT_NO_FIELDS, 11 },
	{ "T-03 version and ';' only", "v=TLSRPTv1;", 0, MTASTS_ESYNTAX,
	  MTASTS_D_TXT_NO_FIELDS, 12 },
	{ "T-03 no rua", "v=TLSRPTv1; foo=bar", 0, MTASTS_ERUA,
	  MTASTS_D_TLSRPT_RUA_MISSING, 0 },
	{ "T-02 version case", "v=tlsrptv1; rua=mailto:a@example.com", 0,
	  MTASTS_EVERSION, MTASTS_D_TXT_VERSION, 1 },
	{ "T-02 other version", "v=TLSRPTv2; rua=mailto:a@example.com", 0,
	  MTASTS_EVERSION, MTASTS_D_TXT_VERSION, 1 },
	{ "T-02 version not first", "rua=mailto:a@example.com; v=TLSRPTv1", 0,
	  MTASTS_EVERSION, MTASTS_D_TXT_VERSION, 1 },
	{ "T-02 leading space (strict)",
	  " v=TLSRPTv1; rua=mailto:a@example.com", 0, MTASTS_EVERSION,
	  MTASTS_D_TXT_VERSION, 1 },
	{ "quotes (strict)", "\"v=TLSRPTv1; rua=mailto:a@example.com\"", 0,
	  MTASTS_EVERSION, MTASTS_D_TXT_VERSION, 1 },
	{ "TA-16 RUA is not rua (strict)",
	  "v=TLSRPTv1; RUA=mailto:a@example.com", 0, MTASTS_ERUA,
	  MTASTS_D_TLSRPT_RUA_MISSING, 0 },
	{ "TA-03 raw '!'", "v=TLSRPTv1; rua=mailto:a@example.com!10m", 0,
	  MTASTS_ERUA, MTASTS_D_TLSRPT_URI_RESERVED, 37 },
	{ "T-05 raw ',' splits: second element has no scheme",
	  "v=TLSRPTv1; rua=mailto:a@example.com,b@example.com", 0, MTASTS_ERUA,
	  MTASTS_D_TLSRPT_URI_SYNTAX, 38 },
	{ "empty element inside",
	  "v=TLSRPTv1; rua=mailto:a@example.com,,"
	  "mailto:b@example.com",
	  0, MTASTS_ERUA, MTASTS_D_TLSRPT_RUA_EMPTY, 38 },
	{ "empty element at the end (reported right after the ',')",
	  "v=TLSRPTv1; rua=mailto:a@example.com, ;", 0, MTASTS_ERUA,
	  MTASTS_D_TLSRPT_RUA_EMPTY, 38 },
	{ "empty rua value", "v=TLSRPTv1; rua=", 0, MTASTS_ESYNTAX,
	  MTASTS_D_TXT_FIELD_VALUE, 17 },
	{ "no scheme", "v=TLSRPTv1; rua=reports@example.com", 0, MTASTS_ERUA,
	  MTASTS_D_TLSRPT_URI_SYNTAX, 17 },
	{ "bad scheme char", "v=TLSRPTv1; rua=ma_ilto:a@example.com", 0,
	  MTASTS_ERUA, MTASTS_D_TLSRPT_URI_SYNTAX, 19 },
	{ "scheme starting with a digit",
	  "v=TLSRPTv1; rua=1mailto:a@example.com", 0, MTASTS_ERUA,
	  MTASTS_D_TLSRPT_URI_SYNTAX, 17 },
	{ "bad percent-encoding", "v=TLSRPTv1; rua=mailto:a%2@example.com", 0,
	  MTASTS_ERUA, MTASTS_D_TLSRPT_URI_SYNTAX, 25 },
	{ "percent-encoding cut at the end",
	  "v=TLSRPTv1; rua=https://r.example/%4", 0, MTASTS_ERUA,
	  MTASTS_D_TLSRPT_URI_SYNTAX, 35 },
	{ "'<' not allowed in a URI", "v=TLSRPTv1; rua=https://r.example/<x>",
	  0, MTASTS_ERUA, MTASTS_D_TLSRPT_URI_SYNTAX, 35 },
	{ "'\"' not allowed in a URI",
	  "v=TLSRPTv1; rua=mailto:\"a\"@example.com", 0, MTASTS_ERUA,
	  MTASTS_D_TLSRPT_URI_SYNTAX, 24 },
	{ "T-04 mailto without address", "v=TLSRPTv1; rua=mailto:", 0,
	  MTASTS_ERUA, MTASTS_D_TLSRPT_MAILTO, 17 },
	{ "T-04 mailto without local part",
	  "v=TLSRPTv1; rua=mailto:@example.com", 0, MTASTS_ERUA,
	  MTASTS_D_TLSRPT_MAILTO, 17 },
	{ "T-04 mailto without domain", "v=TLSRPTv1; rua=mailto:a@", 0,
	  MTASTS_ERUA, MTASTS_D_TLSRPT_MAILTO, 17 },
	{ "T-04 mailto without '@'", "v=TLSRPTv1; rua=mailto:reports", 0,
	  MTASTS_ERUA, MTASTS_D_TLSRPT_MAILTO, 17 },
	{ "T-04 https without //", "v=TLSRPTv1; rua=https:r.example/x", 0,
	  MTASTS_ERUA, MTASTS_D_TLSRPT_HTTPS, 23 },
	{ "T-04 https without host", "v=TLSRPTv1; rua=https:///x", 0,
	  MTASTS_ERUA, MTASTS_D_TLSRPT_HTTPS, 25 },
	{ "T-04 https with port only", "v=TLSRPTv1; rua=https://:443/x", 0,
	  MTASTS_ERUA, MTASTS_D_TLSRPT_HTTPS, 25 },
	{ "whitespace around '='", "v=TLSRPTv1; rua = mailto:a@example.com", 0,
	  MTASTS_ESYNTAX, MTASTS_D_TXT_SYNTAX, 16 },
	{ "trailing whitespace without ';'",
	  "v=TLSRPTv1; rua=mailto:a@example.com ", 0, MTASTS_ESYNTAX,
	  MTASTS_D_TXT_SYNTAX, 37 },
	{ "empty field", "v=TLSRPTv1;; rua=mailto:a@example.com", 0,
	  MTASTS_ESYNTAX, MTASTS_D_TXT_EMPTY_FIELD, 12 },
	{ "non-ASCII in a URI", "v=TLSRPTv1; rua=mailto:b\xc3\xbc@example.com",
	  0, MTASTS_ESYNTAX, MTASTS_D_NON_ASCII, 25 },
	{ "NUL in a URI", "v=TLSRPTv1; rua=mailto:a@x\0.example", 0,
	  MTASTS_ESYNTAX, MTASTS_D_NUL_BYTE, 27 },
	{ "bad extension name", "v=TLSRPTv1; rua=mailto:a@example.com; _x=1", 0,
	  MTASTS_ESYNTAX, MTASTS_D_TXT_FIELD_NAME, 39 },
	{ "'=' in an extension value",
	  "v=TLSRPTv1; rua=mailto:a@example.com; x=a=b", 0, MTASTS_ESYNTAX,
	  MTASTS_D_TXT_FIELD_VALUE, 42 },
	{ "empty", "", 0, MTASTS_ESYNTAX, MTASTS_D_EMPTY, 1 },
	{ "lenient does not relax the version value",
	  "v=tlsrptv1; rua=mailto:a@example.com", MTASTS_PARSE_LENIENT,
	  MTASTS_EVERSION, MTASTS_D_TXT_VERSION, 1 },
	{ "lenient does not relax '!'", "v=TLSRPTv1; rua=mailto:a@b.example!1",
	  MTASTS_PARSE_LENIENT, MTASTS_ERUA, MTASTS_D_TLSRPT_URI_RESERVED, 35 },
};

static size_t
text_len(const struct invalid_case *c)
{
	/* the NUL case carries its length in the literal */
	if (strcmp(c->id, "NUL in a URI") == 0)
		return sizeof("v=TLSRPTv1; rua=mailto:a@x\0.example") - 1;
	return strlen(c->text);
}

START_TEST(invalid_records)
{
	const struct invalid_case *c = &invalid[_i];
	mtasts_tlsrpt *r = (mtasts_tlsrpt *)&r;
	mtasts_diag *d;
	size_t i;
	int found = 0;

	ck_assert_int_eq(mtasts_diag_new(&d), MTASTS_OK);
	ck_assert_msg(mtasts_tlsrpt_parse(&r, c->text, text_len(c), c->flags,
	                                  d) == c->status,
	              "%s: status %s", c->id,
	              mtasts_status_name(mtasts_tlsrpt_parse(
	                      &r, c->text, text_len(c), c->flags, NULL)));
	ck_assert_ptr_null(r);
	ck_assert_uint_ge(mtasts_diag_error_count(d), 1);
	for (i = 0; i < mtasts_diag_count(d); i++) {
		const char *m = mtasts_diag_message(d, i);
		size_t k;

		for (k = 0; m[k]; k++)
			ck_assert(m[k] >= 0x20 && m[k] < 0x7f);
		if (mtasts_diag_code(d, i) == c->code &&
		    mtasts_diag_severity(d, i) == MTASTS_SEVERITY_ERROR) {
			found = 1;
			ck_assert_msg(mtasts_diag_column(d, i) == c->col,
			              "%s: column %u, expected %u", c->id,
			              mtasts_diag_column(d, i), c->col);
			ck_assert_uint_eq(mtasts_diag_line(d, i), 1);
		}
	}
	ck_assert_msg(found, "%s: no %s error", c->id,
	              mtasts_diag_code_name(c->code));
	mtasts_diag_free(d);
}
END_TEST

/* ---- RRset selection (T-06, T-07, T-08, TA-02, TA-04) ------------------------ */

START_TEST(select_rules)
{
	const char *set1[] = { "v=spf1 -all",
		               "v=TLSRPTv1; rua=mailto:tls@example.com",
		               "v=STSv1; id=1" };
	const char *set2[] = { "v=TLSRPTv1; rua=mailto:a@example.com",
		               "v=TLSRPTv1;rua=mailto:b@example.com" };
	const char *set3[] = { "v=TLSRPTv10; rua=mailto:a@example.com",
		               "V=TLSRPTv1; rua=mailto:a@example.com" };
	const char *set4[] = { "v=TLSRPTv1 ; rua=mailto:a@example.com" };
	const char *set5[] = { "v=TLSRPTv1; rua=mailto:a@example.com!x" };
	size_t lens[3], sel, i;
	mtasts_tlsrpt *r;
	mtasts_diag *d;

	ck_assert_int_eq(mtasts_diag_new(&d), MTASTS_OK);
	for (i = 0; i < 3; i++)
		lens[i] = strlen(set1[i]);
	ck_assert_int_eq(mtasts_tlsrpt_select(&r, &sel, set1, lens, 3, 0, d),
	                 MTASTS_OK);
	ck_assert_uint_eq(sel, 1);
	ck_assert_str_eq(mtasts_tlsrpt_rua(r, 0), "mailto:tls@example.com");
	mtasts_tlsrpt_free(r);

	/* T-07: two records: none is used; each candidate reported */
	mtasts_diag_clear(d);
	for (i = 0; i < 2; i++)
		lens[i] = strlen(set2[i]);
	ck_assert_int_eq(mtasts_tlsrpt_select(&r, &sel, set2, lens, 2, 0, d),
	                 MTASTS_EMULTIPLE);
	ck_assert_ptr_null(r);
	ck_assert_uint_eq(sel, MTASTS_NO_INDEX);
	ck_assert_uint_eq(mtasts_diag_error_count(d), 2);
	ck_assert(has_diag(d, MTASTS_D_RRSET_MULTIPLE, MTASTS_SEVERITY_ERROR));

	/* T-06: "v=TLSRPTv10" and "V=TLSRPTv1" are not candidates */
	mtasts_diag_clear(d);
	for (i = 0; i < 2; i++)
		lens[i] = strlen(set3[i]);
	ck_assert_int_eq(mtasts_tlsrpt_select(&r, &sel, set3, lens, 2, 0, d),
	                 MTASTS_ENORECORD);
	ck_assert(has_diag(d, MTASTS_D_RRSET_NONE, MTASTS_SEVERITY_ERROR));
	ck_assert(
	        has_diag(d, MTASTS_D_RRSET_DISCARDED, MTASTS_SEVERITY_WARNING));
	/* ... but with the lenient flag "V=" is read as "v=" */
	ck_assert_int_eq(mtasts_tlsrpt_select(&r, &sel, set3, lens, 2,
	                                      MTASTS_PARSE_LENIENT, NULL),
	                 MTASTS_OK);
	ck_assert_uint_eq(sel, 1);
	mtasts_tlsrpt_free(r);

	/* TA-02: WSP before ';' is a candidate, with a warning */
	mtasts_diag_clear(d);
	lens[0] = strlen(set4[0]);
	ck_assert_int_eq(mtasts_tlsrpt_select(&r, &sel, set4, lens, 1, 0, d),
	                 MTASTS_OK);
	ck_assert(has_diag(d, MTASTS_D_TXT_SPACE_BEFORE_SEMICOLON,
	                   MTASTS_SEVERITY_WARNING));
	mtasts_tlsrpt_free(r);

	/* TA-04: the one candidate is invalid: no TLSRPT, index reported */
	lens[0] = strlen(set5[0]);
	ck_assert_int_eq(mtasts_tlsrpt_select(&r, &sel, set5, lens, 1, 0, NULL),
	                 MTASTS_ERUA);
	ck_assert_ptr_null(r);
	ck_assert_uint_eq(sel, 0);

	/* zero RRs */
	ck_assert_int_eq(mtasts_tlsrpt_select(&r, &sel, NULL, NULL, 0, 0, NULL),
	                 MTASTS_ENORECORD);
	mtasts_diag_free(d);
}
END_TEST

START_TEST(select_rdata_joins_strings)
{
	/* T-08: the strings of one RR are joined without separator */
	static const unsigned char rr0[] = "\x0bv=spf1 -all";
	static const unsigned char rr1[] = "\x06v=TLSR\x05PTv1;\x04 rua\x17"
	                                   "=mailto:tls@example.com";
	static const unsigned char bad[] = "\x30v=TLSRPTv1;";
	const unsigned char *rd[] = { rr0, rr1, bad };
	size_t lens[] = { sizeof(rr0) - 1, sizeof(rr1) - 1, sizeof(bad) - 1 };
	mtasts_tlsrpt *r;
	mtasts_diag *d;
	size_t sel;

	ck_assert_int_eq(mtasts_diag_new(&d), MTASTS_OK);
	ck_assert_int_eq(
	        mtasts_tlsrpt_select_rdata(&r, &sel, rd, lens, 3, 0, d),
	        MTASTS_OK);
	ck_assert_uint_eq(sel, 1);
	ck_assert_str_eq(mtasts_tlsrpt_rua(r, 0), "mailto:tls@example.com");
	ck_assert(has_diag(d, MTASTS_D_BAD_RDATA, MTASTS_SEVERITY_WARNING));
	mtasts_tlsrpt_free(r);
	mtasts_diag_free(d);
}
END_TEST

/* ---- builder ------------------------------------------------------------------ */

START_TEST(builder)
{
	mtasts_tlsrpt_builder *b, *b2;
	mtasts_tlsrpt *r, *r2;
	mtasts_diag *d;
	char *s;

	ck_assert_int_eq(mtasts_diag_new(&d), MTASTS_OK);
	ck_assert_int_eq(mtasts_tlsrpt_builder_new(&b, NULL), MTASTS_OK);
	ck_assert_int_eq(mtasts_tlsrpt_builder_build(b, &r, d), MTASTS_ERUA);
	ck_assert(has_diag(d, MTASTS_D_TLSRPT_RUA_MISSING,
	                   MTASTS_SEVERITY_ERROR));
	ck_assert_ptr_null(r);

	ck_assert_int_eq(
	        mtasts_tlsrpt_builder_add_rua(b, "mailto:a@example.com", NULL),
	        MTASTS_OK);
	/* invalid URIs are refused and leave the builder unchanged */
	ck_assert_int_eq(mtasts_tlsrpt_builder_add_rua(b, "mailto:x@y!z", NULL),
	                 MTASTS_ERUA);
	ck_assert_int_eq(mtasts_tlsrpt_builder_add_rua(b, "mailto:a,b@x", NULL),
	                 MTASTS_ERUA);
	ck_assert_int_eq(mtasts_tlsrpt_builder_add_rua(b, "mailto:a;b@x", NULL),
	                 MTASTS_ERUA);
	ck_assert_int_eq(mtasts_tlsrpt_builder_add_rua(b, "mailto:a b@x", NULL),
	                 MTASTS_ERUA);
	ck_assert_int_eq(mtasts_tlsrpt_builder_add_rua(b, "", NULL),
	                 MTASTS_ERUA);
	ck_assert_int_eq(mtasts_tlsrpt_builder_add_rua(b, "https:x", NULL),
	                 MTASTS_ERUA);
	mtasts_diag_clear(d);
	ck_assert_int_eq(mtasts_tlsrpt_builder_add_rua(b, "ftp://r.example", d),
	                 MTASTS_OK);
	ck_assert(has_diag(d, MTASTS_D_TLSRPT_URI_SCHEME,
	                   MTASTS_SEVERITY_WARNING));
	ck_assert_int_eq(
	        mtasts_tlsrpt_builder_add_extension(b, "rua", "x", NULL),
	        MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_tlsrpt_builder_add_extension(b, "V", "x", NULL),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(
	        mtasts_tlsrpt_builder_add_extension(b, "_x", "x", NULL),
	        MTASTS_ESYNTAX);
	ck_assert_int_eq(
	        mtasts_tlsrpt_builder_add_extension(b, "x", "a;b", NULL),
	        MTASTS_ESYNTAX);
	ck_assert_int_eq(mtasts_tlsrpt_builder_add_extension(b, "x", "1", NULL),
	                 MTASTS_OK);
	ck_assert_int_eq(mtasts_tlsrpt_builder_add_extension(b, "x", "2", NULL),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_tlsrpt_builder_build(b, &r, NULL), MTASTS_OK);
	ck_assert_int_eq(mtasts_tlsrpt_format_alloc(r, 0, &s), MTASTS_OK);
	ck_assert_str_eq(s,
	                 "v=TLSRPTv1; rua=mailto:a@example.com,ftp://r.example;"
	                 " x=1");
	mtasts_free(s);
	ck_assert_int_eq(mtasts_tlsrpt_rua_scheme(r, 1), MTASTS_RUA_OTHER);

	/* a builder from a record builds an equal record */
	ck_assert_int_eq(mtasts_tlsrpt_builder_new(&b2, r), MTASTS_OK);
	ck_assert_int_eq(mtasts_tlsrpt_builder_build(b2, &r2, NULL), MTASTS_OK);
	ck_assert(mtasts_tlsrpt_equal(r, r2));
	mtasts_tlsrpt_free(r2);
	ck_assert_int_eq(
	        mtasts_tlsrpt_builder_add_rua(b2, "https://x.example", NULL),
	        MTASTS_OK);
	ck_assert_int_eq(mtasts_tlsrpt_builder_build(b2, &r2, NULL), MTASTS_OK);
	ck_assert(!mtasts_tlsrpt_equal(r, r2));
	ck_assert_uint_eq(mtasts_tlsrpt_rua_count(r2), 3);
	mtasts_tlsrpt_free(r2);
	mtasts_tlsrpt_free(r);
	mtasts_tlsrpt_builder_free(b2);
	mtasts_tlsrpt_builder_free(b);
	mtasts_diag_free(d);
}
END_TEST

START_TEST(limits_and_arguments)
{
	char buf[MTASTS_RECORD_MAX_SIZE + 64];
	mtasts_tlsrpt *r;
	size_t o;
	int i;

	/* MTASTS_TLSRPT_MAX_RUA URIs are kept; one more is too many */
	o = (size_t)snprintf(buf, sizeof(buf), "v=TLSRPTv1; rua=");
	for (i = 0; i < MTASTS_TLSRPT_MAX_RUA; i++)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o,
		                      "%smailto:r%d@e.x", i ? "," : "", i);
	ck_assert_int_eq(mtasts_tlsrpt_parse(&r, buf, o, 0, NULL), MTASTS_OK);
	ck_assert_uint_eq(mtasts_tlsrpt_rua_count(r), MTASTS_TLSRPT_MAX_RUA);
	mtasts_tlsrpt_free(r);
	o += (size_t)snprintf(buf + o, sizeof(buf) - o, ",mailto:one@more.x");
	ck_assert_int_eq(mtasts_tlsrpt_parse(&r, buf, o, 0, NULL),
	                 MTASTS_ETOOLARGE);

	/* the size cap */
	memset(buf, 'a', sizeof(buf));
	memcpy(buf, "v=TLSRPTv1; rua=https://r.example/", 34);
	ck_assert_int_eq(mtasts_tlsrpt_parse(
	                         &r, buf, MTASTS_RECORD_MAX_SIZE + 1, 0, NULL),
	                 MTASTS_ETOOLARGE);
	ck_assert_int_eq(
	        mtasts_tlsrpt_parse(&r, buf, MTASTS_RECORD_MAX_SIZE, 0, NULL),
	        MTASTS_OK);
	mtasts_tlsrpt_free(r);

	/* arguments */
	ck_assert_int_eq(mtasts_tlsrpt_parse(NULL, "v", 1, 0, NULL),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_tlsrpt_parse(&r, NULL, 1, 0, NULL),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_tlsrpt_parse(&r, "v", 1, 0x80, NULL),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_tlsrpt_parse(&r, NULL, 0, 0, NULL),
	                 MTASTS_ESYNTAX);
	ck_assert_int_eq(mtasts_tlsrpt_format(NULL, NULL, 0, 0), MTASTS_EINVAL);
	ck_assert_uint_eq(mtasts_tlsrpt_rua_count(NULL), 0);
	ck_assert_ptr_null(mtasts_tlsrpt_rua(NULL, 0));
	ck_assert_ptr_null(mtasts_tlsrpt_extension_name(NULL, 0));
	ck_assert(!mtasts_tlsrpt_equal(NULL, NULL));
	mtasts_tlsrpt_free(NULL);
	mtasts_tlsrpt_builder_free(NULL);
}
END_TEST

/* ---- registries (RFC 8460 §4.3, §4.4; T-19, T-33) ---------------------------- */

START_TEST(result_types)
{
	static const struct {
		int value;
		const char *name;
	} reg[] = {
		{ MTASTS_RESULT_STARTTLS_NOT_SUPPORTED,
		  "starttls-not-supported" },
		{ MTASTS_RESULT_CERTIFICATE_HOST_MISMATCH,
		  "certificate-host-mismatch" },
		{ MTASTS_RESULT_CERTIFICATE_EXPIRED, "certificate-expired" },
		{ MTASTS_RESULT_CERTIFICATE_NOT_TRUSTED,
		  "certificate-not-trusted" },
		{ MTASTS_RESULT_VALIDATION_FAILURE, "validation-failure" },
		{ MTASTS_RESULT_TLSA_INVALID, "tlsa-invalid" },
		{ MTASTS_RESULT_DNSSEC_INVALID, "dnssec-invalid" },
		{ MTASTS_RESULT_DANE_REQUIRED, "dane-required" },
		{ MTASTS_RESULT_STS_POLICY_FETCH_ERROR,
		  "sts-policy-fetch-error" },
		{ MTASTS_RESULT_STS_POLICY_INVALID, "sts-policy-invalid" },
		{ MTASTS_RESULT_STS_WEBPKI_INVALID, "sts-webpki-invalid" },
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(reg); i++) {
		ck_assert_str_eq(mtasts_result_type_name(reg[i].value),
		                 reg[i].name);
		ck_assert_int_eq(mtasts_result_type_from_name(reg[i].name),
		                 reg[i].value);
	}
	ck_assert_int_eq((int)ARRAY_LEN(reg), 11); /* IANA: exactly 11 */
	ck_assert_ptr_null(mtasts_result_type_name(0));
	ck_assert_ptr_null(mtasts_result_type_name(12));
	ck_assert_ptr_null(mtasts_result_type_name(-1));
	ck_assert_int_eq(mtasts_result_type_from_name("Certificate-Expired"),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_result_type_from_name("new-type"),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_result_type_from_name(NULL), MTASTS_EINVAL);

	ck_assert_str_eq(mtasts_policy_type_name(MTASTS_POLICY_TYPE_STS),
	                 "sts");
	ck_assert_str_eq(mtasts_policy_type_name(MTASTS_POLICY_TYPE_TLSA),
	                 "tlsa");
	ck_assert_str_eq(
	        mtasts_policy_type_name(MTASTS_POLICY_TYPE_NO_POLICY_FOUND),
	        "no-policy-found");
	ck_assert_int_eq(mtasts_policy_type_from_name("sts"),
	                 MTASTS_POLICY_TYPE_STS);
	ck_assert_int_eq(mtasts_policy_type_from_name("tlsa"),
	                 MTASTS_POLICY_TYPE_TLSA);
	ck_assert_int_eq(mtasts_policy_type_from_name("no-policy-found"),
	                 MTASTS_POLICY_TYPE_NO_POLICY_FOUND);
	ck_assert_int_eq(mtasts_policy_type_from_name("STS"), MTASTS_EINVAL);
	ck_assert_ptr_null(mtasts_policy_type_name(4));
}
END_TEST

START_TEST(status_mapping)
{
	static const char bad[] = "version: STSv1\nmode: Enforce\n";
	mtasts_policy *p;
	int st;

	/* A-14: a fetched body that does not parse is sts-policy-invalid */
	st = mtasts_policy_parse(&p, bad, sizeof(bad) - 1, 0, NULL);
	ck_assert_int_eq(mtasts_status_result_type(st),
	                 MTASTS_RESULT_STS_POLICY_INVALID);
	ck_assert_int_eq(mtasts_status_result_type(MTASTS_ESYNTAX),
	                 MTASTS_RESULT_STS_POLICY_INVALID);
	ck_assert_int_eq(mtasts_status_result_type(MTASTS_ETOOLARGE),
	                 MTASTS_RESULT_STS_POLICY_INVALID);
	ck_assert_int_eq(mtasts_status_result_type(MTASTS_EVERSION),
	                 MTASTS_RESULT_STS_POLICY_INVALID);
	ck_assert_int_eq(mtasts_status_result_type(MTASTS_EMAXAGE),
	                 MTASTS_RESULT_STS_POLICY_INVALID);
	ck_assert_int_eq(mtasts_status_result_type(MTASTS_EMX),
	                 MTASTS_RESULT_STS_POLICY_INVALID);
	/* nothing to report: success, local failures, no usable record */
	ck_assert_int_eq(mtasts_status_result_type(MTASTS_OK), 0);
	ck_assert_int_eq(mtasts_status_result_type(MTASTS_ENOMEM), 0);
	ck_assert_int_eq(mtasts_status_result_type(MTASTS_EINVAL), 0);
	ck_assert_int_eq(mtasts_status_result_type(MTASTS_EID), 0);
	ck_assert_int_eq(mtasts_status_result_type(MTASTS_ENORECORD), 0);
	ck_assert_int_eq(mtasts_status_result_type(MTASTS_EMULTIPLE), 0);
	ck_assert_int_eq(mtasts_status_result_type(MTASTS_ERUA), 0);
	ck_assert_int_eq(mtasts_status_result_type(MTASTS_ELINT), 0);
	ck_assert_int_eq(mtasts_status_result_type(MTASTS_ENOTSUP), 0);
	/* a temporary DNS failure is not reported (T-25, A-22) */
	ck_assert_int_eq(mtasts_status_result_type(MTASTS_EDNS), 0);
	/* the fetch failures of RFC 8460 §4.3.2 (R-48) */
	ck_assert_int_eq(mtasts_status_result_type(MTASTS_EFETCH),
	                 MTASTS_RESULT_STS_POLICY_FETCH_ERROR);
	ck_assert_int_eq(mtasts_status_result_type(MTASTS_ETLS),
	                 MTASTS_RESULT_STS_WEBPKI_INVALID);
	ck_assert_str_eq(mtasts_status_name(MTASTS_ERUA), "MTASTS_ERUA");
}
END_TEST

/*
 * The canonical form ("v=TLSRPTv1; rua=" ..., "; name=value" per
 * extension) may be longer than the text it came from; a record is only
 * accepted if that form fits the cap too, so that it round-trips. Found by
 * fuzz-tlsrpt: the size was counted one byte short.
 */
START_TEST(canonical_form_cap)
{
	static const char head[] = "v=TLSRPTv1;rua=mailto:a@example.com;n=";
	size_t hl = sizeof(head) - 1, k;
	char *text = malloc(MTASTS_RECORD_MAX_SIZE + 1), *out = NULL;
	mtasts_tlsrpt *r = NULL;

	ck_assert_ptr_nonnull(text);
	for (k = 0; k < 2; k++) {
		/* canonical: 16 + 20 ("mailto:a@example.com") + 3 + 1 ("n")
		 * + the value = 4096 + k bytes; the text is 2 bytes shorter */
		size_t vl = MTASTS_RECORD_MAX_SIZE + k - 40, len = hl + vl;

		ck_assert_uint_le(len, MTASTS_RECORD_MAX_SIZE);
		memcpy(text, head, hl);
		memset(text + hl, 'x', vl);
		if (k == 0) {
			ck_assert_int_eq(
			        mtasts_tlsrpt_parse(&r, text, len, 0, NULL),
			        MTASTS_OK);
			ck_assert_int_eq(mtasts_tlsrpt_format_alloc(r, 0, &out),
			                 MTASTS_OK);
			ck_assert_uint_eq(strlen(out), MTASTS_RECORD_MAX_SIZE);
			mtasts_free(out);
			mtasts_tlsrpt_free(r);
		} else {
			ck_assert_int_eq(
			        mtasts_tlsrpt_parse(&r, text, len, 0, NULL),
			        MTASTS_ETOOLARGE);
			ck_assert_ptr_null(r);
		}
	}
	free(text);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("tlsrpt");
	TCase *tc;
	SRunner *sr;
	int failures;

	tc = tcase_create("records");
	tcase_add_loop_test(tc, valid_records, 0, (int)ARRAY_LEN(valid));
	tcase_add_loop_test(tc, invalid_records, 0, (int)ARRAY_LEN(invalid));
	tcase_add_test(tc, select_rules);
	tcase_add_test(tc, select_rdata_joins_strings);
	tcase_add_test(tc, builder);
	tcase_add_test(tc, limits_and_arguments);
	tcase_add_test(tc, canonical_form_cap);
	suite_add_tcase(s, tc);
	tc = tcase_create("registries");
	tcase_add_test(tc, result_types);
	tcase_add_test(tc, status_mapping);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failures = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failures == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
