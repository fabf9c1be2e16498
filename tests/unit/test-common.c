/* SPDX-License-Identifier: MIT */
/*
 * Shared helpers of the Check suites and the one main() that runs the suite
 * of each test executable.
 */
#include "test-common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- code table -------------------------------------------------------------- */

/* Every ::mtasts_diag_code of include/mtasts.h, its kebab-case name and the
 * status a parse returns when it is the first error (@retval lists of the
 * header). Warning-only codes carry MTASTS_OK. */
const struct t_code t_codes[] = {
	{ MTASTS_D_TOO_LARGE, "too-large", MTASTS_ETOOLARGE },
	{ MTASTS_D_LINE_TOO_LONG, "line-too-long", MTASTS_ETOOLARGE },
	{ MTASTS_D_TOO_MANY_MX, "too-many-mx", MTASTS_ETOOLARGE },
	{ MTASTS_D_TOO_MANY_EXTENSIONS, "too-many-extensions",
	  MTASTS_ETOOLARGE },
	{ MTASTS_D_EMPTY, "empty", MTASTS_ESYNTAX },
	{ MTASTS_D_NUL_BYTE, "nul-byte", MTASTS_ESYNTAX },
	{ MTASTS_D_CONTROL_CHAR, "control-char", MTASTS_ESYNTAX },
	{ MTASTS_D_NON_ASCII, "non-ascii", MTASTS_ESYNTAX },
	{ MTASTS_D_INVALID_UTF8, "invalid-utf8", MTASTS_ESYNTAX },
	{ MTASTS_D_BOM, "bom", MTASTS_ESYNTAX },
	{ MTASTS_D_BARE_CR, "bare-cr", MTASTS_ESYNTAX },
	{ MTASTS_D_QUOTED, "quoted", MTASTS_ESYNTAX },
	{ MTASTS_D_OUTER_WHITESPACE, "outer-whitespace", MTASTS_ESYNTAX },
	{ MTASTS_D_TOO_MANY_DIAGNOSTICS, "too-many-diagnostics", MTASTS_OK },
	{ MTASTS_D_TOO_MANY_RECORDS, "too-many-records", MTASTS_ETOOLARGE },
	{ MTASTS_D_BAD_RDATA, "bad-rdata", MTASTS_OK },

	{ MTASTS_D_TXT_VERSION, "txt-version", MTASTS_EVERSION },
	{ MTASTS_D_TXT_NO_FIELDS, "txt-no-fields", MTASTS_ESYNTAX },
	{ MTASTS_D_TXT_EMPTY_FIELD, "txt-empty-field", MTASTS_ESYNTAX },
	{ MTASTS_D_TXT_SYNTAX, "txt-syntax", MTASTS_ESYNTAX },
	{ MTASTS_D_TXT_FIELD_NAME, "txt-field-name", MTASTS_ESYNTAX },
	{ MTASTS_D_TXT_FIELD_VALUE, "txt-field-value", MTASTS_ESYNTAX },
	{ MTASTS_D_TXT_DUPLICATE, "txt-duplicate", MTASTS_OK },
	{ MTASTS_D_TXT_NAME_CASE, "txt-name-case", MTASTS_OK },
	{ MTASTS_D_TXT_SPACE_BEFORE_SEMICOLON, "txt-space-before-semicolon",
	  MTASTS_OK },
	{ MTASTS_D_RRSET_NONE, "rrset-none", MTASTS_ENORECORD },
	{ MTASTS_D_RRSET_MULTIPLE, "rrset-multiple", MTASTS_EMULTIPLE },
	{ MTASTS_D_RRSET_DISCARDED, "rrset-discarded", MTASTS_OK },
	{ MTASTS_D_RECORD_ID_MISSING, "record-id-missing", MTASTS_EID },
	{ MTASTS_D_RECORD_ID_INVALID, "record-id-invalid", MTASTS_EID },

	{ MTASTS_D_POLICY_EMPTY_LINE, "policy-empty-line", MTASTS_ESYNTAX },
	{ MTASTS_D_POLICY_LEADING_WHITESPACE, "policy-leading-whitespace",
	  MTASTS_ESYNTAX },
	{ MTASTS_D_POLICY_NO_COLON, "policy-no-colon", MTASTS_ESYNTAX },
	{ MTASTS_D_POLICY_SPACE_BEFORE_COLON, "policy-space-before-colon",
	  MTASTS_ESYNTAX },
	{ MTASTS_D_POLICY_FIELD_NAME, "policy-field-name", MTASTS_ESYNTAX },
	{ MTASTS_D_POLICY_NAME_CASE, "policy-name-case", MTASTS_OK },
	{ MTASTS_D_POLICY_EXTENSION_VALUE, "policy-extension-value",
	  MTASTS_ESYNTAX },
	{ MTASTS_D_POLICY_DUPLICATE, "policy-duplicate", MTASTS_OK },
	{ MTASTS_D_POLICY_VERSION_MISSING, "policy-version-missing",
	  MTASTS_EVERSION },
	{ MTASTS_D_POLICY_VERSION_INVALID, "policy-version-invalid",
	  MTASTS_EVERSION },
	{ MTASTS_D_POLICY_MODE_MISSING, "policy-mode-missing", MTASTS_EMODE },
	{ MTASTS_D_POLICY_MODE_INVALID, "policy-mode-invalid", MTASTS_EMODE },
	{ MTASTS_D_POLICY_MAX_AGE_MISSING, "policy-max-age-missing",
	  MTASTS_EMAXAGE },
	{ MTASTS_D_POLICY_MAX_AGE_INVALID, "policy-max-age-invalid",
	  MTASTS_EMAXAGE },
	{ MTASTS_D_POLICY_MAX_AGE_RANGE, "policy-max-age-range",
	  MTASTS_EMAXAGE },
	{ MTASTS_D_POLICY_MX_MISSING, "policy-mx-missing", MTASTS_EMX },

	{ MTASTS_D_MX_EMPTY, "mx-empty", MTASTS_EMX },
	{ MTASTS_D_MX_EMPTY_LABEL, "mx-empty-label", MTASTS_EMX },
	{ MTASTS_D_MX_LABEL_TOO_LONG, "mx-label-too-long", MTASTS_EMX },
	{ MTASTS_D_MX_NAME_TOO_LONG, "mx-name-too-long", MTASTS_EMX },
	{ MTASTS_D_MX_HYPHEN, "mx-hyphen", MTASTS_EMX },
	{ MTASTS_D_MX_INVALID_CHAR, "mx-invalid-char", MTASTS_EMX },
	{ MTASTS_D_MX_TRAILING_DOT, "mx-trailing-dot", MTASTS_EMX },
	{ MTASTS_D_MX_WILDCARD, "mx-wildcard", MTASTS_EMX },
	{ MTASTS_D_MX_U_LABEL, "mx-u-label", MTASTS_EMX },
	{ MTASTS_D_MX_LIST, "mx-list", MTASTS_EMX },
	{ MTASTS_D_MX_PORT, "mx-port", MTASTS_EMX },

	{ MTASTS_D_TLSRPT_RUA_MISSING, "tlsrpt-rua-missing", MTASTS_ERUA },
	{ MTASTS_D_TLSRPT_RUA_EMPTY, "tlsrpt-rua-empty", MTASTS_ERUA },
	{ MTASTS_D_TLSRPT_URI_SYNTAX, "tlsrpt-uri-syntax", MTASTS_ERUA },
	{ MTASTS_D_TLSRPT_URI_RESERVED, "tlsrpt-uri-reserved", MTASTS_ERUA },
	{ MTASTS_D_TLSRPT_URI_SCHEME, "tlsrpt-uri-scheme", MTASTS_OK },
	{ MTASTS_D_TLSRPT_MAILTO, "tlsrpt-mailto", MTASTS_ERUA },
	{ MTASTS_D_TLSRPT_HTTPS, "tlsrpt-https", MTASTS_ERUA },
	{ MTASTS_D_TLSRPT_MAILTO_HEADERS, "tlsrpt-mailto-headers", MTASTS_OK },

	{ MTASTS_D_LINT_MX_UNCOVERED, "lint-mx-uncovered", MTASTS_ELINT },
	{ MTASTS_D_LINT_PATTERN_UNUSED, "lint-pattern-unused", MTASTS_OK },
	{ MTASTS_D_LINT_WILDCARD_SUFFIX, "lint-wildcard-suffix", MTASTS_OK },
	{ MTASTS_D_LINT_SINGLE_LABEL, "lint-single-label", MTASTS_OK },
	{ MTASTS_D_LINT_IP_ADDRESS, "lint-ip-address", MTASTS_OK },
	{ MTASTS_D_LINT_MAX_AGE_SHORT, "lint-max-age-short", MTASTS_OK },
	{ MTASTS_D_LINT_ENFORCE_MAX_AGE, "lint-enforce-max-age", MTASTS_OK },
	{ MTASTS_D_LINT_TESTING_MAX_AGE, "lint-testing-max-age", MTASTS_OK },
	{ MTASTS_D_LINT_NONE_MAX_AGE, "lint-none-max-age", MTASTS_OK },
	{ MTASTS_D_LINT_MODE_TESTING, "lint-mode-testing", MTASTS_OK },
	{ MTASTS_D_LINT_MODE_NONE, "lint-mode-none", MTASTS_OK },
	{ MTASTS_D_LINT_NO_TLSRPT, "lint-no-tlsrpt", MTASTS_OK },
	{ MTASTS_D_LINT_NO_RECORD, "lint-no-record", MTASTS_ELINT },
	{ MTASTS_D_LINT_ID_UNCHANGED, "lint-id-unchanged", MTASTS_ELINT },
	{ MTASTS_D_LINT_WILDCARD_DOMAIN, "lint-wildcard-domain", MTASTS_OK },
	{ MTASTS_D_LINT_MX_DUPLICATE, "lint-mx-duplicate", MTASTS_OK },
	{ MTASTS_D_LINT_MX_REDUNDANT, "lint-mx-redundant", MTASTS_OK },

	{ MTASTS_D_DNS_TEMPORARY, "dns-temporary", MTASTS_EDNS },
	{ MTASTS_D_DNS_NXDOMAIN, "dns-nxdomain", MTASTS_ENORECORD },
	{ MTASTS_D_DNS_NODATA, "dns-nodata", MTASTS_ENORECORD },
	{ MTASTS_D_DNS_CNAME, "dns-cname", MTASTS_EDNS },
	{ MTASTS_D_FETCH_CONNECT, "fetch-connect", MTASTS_EFETCH },
	{ MTASTS_D_FETCH_TLS, "fetch-tls", MTASTS_ETLS },
	{ MTASTS_D_FETCH_STATUS, "fetch-status", MTASTS_EFETCH },
	{ MTASTS_D_FETCH_REDIRECT, "fetch-redirect", MTASTS_EFETCH },
	{ MTASTS_D_FETCH_CONTENT_TYPE, "fetch-content-type", MTASTS_EFETCH },
	{ MTASTS_D_FETCH_TOO_LARGE, "fetch-too-large", MTASTS_EFETCH },
	{ MTASTS_D_FETCH_TIMEOUT, "fetch-timeout", MTASTS_EFETCH },
	{ MTASTS_D_FETCH_ENCODING, "fetch-encoding", MTASTS_EFETCH },
	{ MTASTS_D_PROBE_CONNECT, "probe-connect", MTASTS_EFETCH },
	{ MTASTS_D_PROBE_NO_STARTTLS, "probe-no-starttls", MTASTS_ETLS },
	{ MTASTS_D_PROBE_EXPIRED, "probe-expired", MTASTS_ETLS },
	{ MTASTS_D_PROBE_UNTRUSTED, "probe-untrusted", MTASTS_ETLS },
	{ MTASTS_D_PROBE_MISMATCH, "probe-mismatch", MTASTS_ETLS },
	{ MTASTS_D_PROBE_TLS, "probe-tls", MTASTS_ETLS },

	{ MTASTS_D_CACHE_SYNTAX, "cache-syntax", MTASTS_ESYNTAX },
};

const size_t t_codes_len = T_ARRAY_LEN(t_codes);

int
t_code_from_name(const char *name)
{
	size_t i;

	for (i = 0; i < t_codes_len; i++)
		if (strcmp(t_codes[i].name, name) == 0)
			return t_codes[i].code;
	return 0;
}

const char *
t_code_name(int code)
{
	size_t i;

	for (i = 0; i < t_codes_len; i++)
		if (t_codes[i].code == code)
			return t_codes[i].name;
	return NULL;
}

static const struct {
	int status;
	const char *name;
} statuses[] = {
	{ MTASTS_OK, "MTASTS_OK" },
	{ MTASTS_ENOMEM, "MTASTS_ENOMEM" },
	{ MTASTS_EINVAL, "MTASTS_EINVAL" },
	{ MTASTS_ESYNTAX, "MTASTS_ESYNTAX" },
	{ MTASTS_ETOOLARGE, "MTASTS_ETOOLARGE" },
	{ MTASTS_EVERSION, "MTASTS_EVERSION" },
	{ MTASTS_EID, "MTASTS_EID" },
	{ MTASTS_EMODE, "MTASTS_EMODE" },
	{ MTASTS_EMAXAGE, "MTASTS_EMAXAGE" },
	{ MTASTS_EMX, "MTASTS_EMX" },
	{ MTASTS_ENORECORD, "MTASTS_ENORECORD" },
	{ MTASTS_EMULTIPLE, "MTASTS_EMULTIPLE" },
	{ MTASTS_ERUA, "MTASTS_ERUA" },
	{ MTASTS_ELINT, "MTASTS_ELINT" },
	{ MTASTS_ENOTSUP, "MTASTS_ENOTSUP" },
	{ MTASTS_EDNS, "MTASTS_EDNS" },
	{ MTASTS_EFETCH, "MTASTS_EFETCH" },
	{ MTASTS_ETLS, "MTASTS_ETLS" },
};

int
t_status_from_name(const char *name)
{
	size_t i;

	for (i = 0; i < T_ARRAY_LEN(statuses); i++)
		if (strcmp(statuses[i].name, name) == 0)
			return statuses[i].status;
	return 1;
}

const char *
t_status_name(int status)
{
	size_t i;

	for (i = 0; i < T_ARRAY_LEN(statuses); i++)
		if (statuses[i].status == status)
			return statuses[i].name;
	return "?";
}

/* ---- diagnostics --------------------------------------------------------------- */

mtasts_diag *
t_diag_new(void)
{
	mtasts_diag *d = NULL;

	ck_assert_int_eq(mtasts_diag_new(&d), MTASTS_OK);
	ck_assert_ptr_nonnull(d);
	return d;
}

long
t_find_diag(const mtasts_diag *d, int code, int severity, unsigned int line,
            unsigned int col)
{
	size_t i, n = mtasts_diag_count(d);

	for (i = 0; i < n; i++) {
		if (mtasts_diag_code(d, i) != code)
			continue;
		if (severity && mtasts_diag_severity(d, i) != severity)
			continue;
		if (line != T_ANY && mtasts_diag_line(d, i) != line)
			continue;
		if (col != T_ANY && mtasts_diag_column(d, i) != col)
			continue;
		return (long)i;
	}
	return -1;
}

size_t
t_count_diag(const mtasts_diag *d, int code, int severity)
{
	size_t i, n = mtasts_diag_count(d), k = 0;

	for (i = 0; i < n; i++)
		if (mtasts_diag_code(d, i) == code &&
		    (!severity || mtasts_diag_severity(d, i) == severity))
			k++;
	return k;
}

const char *
t_diag_str(const mtasts_diag *d)
{
	static char buf[4096];
	size_t i, n = mtasts_diag_count(d), o = 0;

	buf[0] = '\0';
	if (n == 0)
		return "(no diagnostics)";
	for (i = 0; i < n && o + 1 < sizeof(buf); i++) {
		const char *name = t_code_name(mtasts_diag_code(d, i));
		int k = snprintf(
		        buf + o, sizeof(buf) - o, "%s%s(%d) %s %u:%u",
		        i ? "; " : "", name ? name : "?",
		        mtasts_diag_code(d, i),
		        mtasts_diag_severity(d, i) == MTASTS_SEVERITY_ERROR
		                ? "error"
		                : "warning",
		        mtasts_diag_line(d, i), mtasts_diag_column(d, i));

		if (k < 0)
			break;
		o += (size_t)k;
	}
	return buf;
}

int
t_first_error_status(const mtasts_diag *d, size_t from)
{
	size_t i, n = mtasts_diag_count(d), k;

	for (i = from; i < n; i++) {
		if (mtasts_diag_severity(d, i) != MTASTS_SEVERITY_ERROR)
			continue;
		for (k = 0; k < t_codes_len; k++)
			if (t_codes[k].code == mtasts_diag_code(d, i))
				return t_codes[k].status;
		return 1;
	}
	return 1;
}

int
t_positions_ok(const mtasts_diag *d, const char *text, size_t len, int policy)
{
	size_t i, n = mtasts_diag_count(d);

	for (i = 0; i < n; i++) {
		unsigned int line = mtasts_diag_line(d, i);
		unsigned int col = mtasts_diag_column(d, i);
		size_t off = mtasts_diag_offset(d, i), start = 0, k;
		unsigned int l = 1;

		if (mtasts_diag_code(d, i) == MTASTS_D_TOO_MANY_DIAGNOSTICS)
			continue;
		if (line == 0 && (col || off))
			return 0;
		if (col == 0) {
			if (off || (policy && line))
				return 0;
			continue;
		}
		if (!policy) {
			if (off != (size_t)col - 1 || off > len)
				return 0;
			continue;
		}
		for (k = 0; k < len && l < line; k++)
			if (text[k] == '\n') {
				l++;
				start = k + 1;
			}
		if (l != line || off != start + col - 1 || off > len)
			return 0;
	}
	return 1;
}

int
t_messages_printable(const mtasts_diag *d)
{
	size_t i, n = mtasts_diag_count(d);

	for (i = 0; i < n; i++) {
		const unsigned char *m =
		        (const unsigned char *)mtasts_diag_message(d, i);

		if (!m || !*m)
			return 0;
		for (; *m; m++)
			if (*m < 0x20 || *m > 0x7E)
				return 0;
	}
	return 1;
}

/* ---- inputs ------------------------------------------------------------------------ */

char *
t_dup(const void *p, size_t n)
{
	char *c = malloc(n ? n : 1);

	if (!c)
		abort();
	if (n)
		memcpy(c, p, n);
	return c;
}

int
t_policy_parse(mtasts_policy **out, const char *text, size_t len,
               unsigned int flags, mtasts_diag *d)
{
	char *c = t_dup(text, len);
	int st = mtasts_policy_parse(out, c, len, flags, d);

	/* Inputs are copied: the object must not point into the buffer. */
	memset(c, 'X', len);
	free(c);
	return st;
}

int
t_record_parse(mtasts_record **out, const char *text, size_t len,
               unsigned int flags, mtasts_diag *d)
{
	char *c = t_dup(text, len);
	int st = mtasts_record_parse(out, c, len, flags, d);

	memset(c, 'X', len);
	free(c);
	return st;
}

int
t_policy_parse_str(mtasts_policy **out, const char *text, unsigned int flags,
                   mtasts_diag *d)
{
	return t_policy_parse(out, text, strlen(text), flags, d);
}

int
t_record_parse_str(mtasts_record **out, const char *text, unsigned int flags,
                   mtasts_diag *d)
{
	return t_record_parse(out, text, strlen(text), flags, d);
}

char *
t_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct t_buf b;
	char tmp[4096];
	size_t k;
	char *exact;

	if (!f)
		return NULL;
	t_buf_init(&b);
	while ((k = fread(tmp, 1, sizeof(tmp), f)) > 0)
		t_buf_put(&b, tmp, k);
	fclose(f);
	exact = t_dup(b.p, b.n);
	*len = b.n;
	t_buf_free(&b);
	return exact;
}

const char *
t_data_dir(void)
{
	const char *d = getenv("MTASTS_TEST_DATA");

	return (d && *d) ? d : "tests/data";
}

/* ---- buffers ------------------------------------------------------------------------- */

void
t_buf_init(struct t_buf *b)
{
	b->p = NULL;
	b->n = 0;
	b->cap = 0;
}

void
t_buf_put(struct t_buf *b, const void *p, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *x;

		while (cap < b->n + n + 1)
			cap *= 2;
		x = realloc(b->p, cap);
		if (!x)
			abort();
		b->p = x;
		b->cap = cap;
	}
	if (n)
		memcpy(b->p + b->n, p, n);
	b->n += n;
	b->p[b->n] = '\0';
}

void
t_buf_str(struct t_buf *b, const char *s)
{
	t_buf_put(b, s, strlen(s));
}

void
t_buf_printf(struct t_buf *b, const char *fmt, ...)
{
	char tmp[512], *big;
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (k < 0)
		ck_abort_msg("vsnprintf failed");
	if ((size_t)k < sizeof(tmp)) {
		t_buf_put(b, tmp, (size_t)k);
		return;
	}
	big = malloc((size_t)k + 1);
	if (!big)
		ck_abort_msg("out of memory");
	va_start(ap, fmt);
	(void)vsnprintf(big, (size_t)k + 1, fmt, ap);
	va_end(ap);
	t_buf_put(b, big, (size_t)k);
	free(big);
}

void
t_buf_rep(struct t_buf *b, char c, size_t n)
{
	while (n) {
		char chunk[512];
		size_t k = n < sizeof(chunk) ? n : sizeof(chunk);

		memset(chunk, c, k);
		t_buf_put(b, chunk, k);
		n -= k;
	}
}

void
t_buf_free(struct t_buf *b)
{
	free(b->p);
	t_buf_init(b);
}

char *
t_rep(char c, size_t n)
{
	char *s = malloc(n + 1);

	if (!s)
		abort();
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

uint64_t
t_rand(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545F4914F6CDD1Dull;
}

/* ---- main ------------------------------------------------------------------------------ */

int
main(void)
{
	SRunner *sr;
	int failed;

	check_set_max_msg_size(16384);
	sr = srunner_create(mtasts_test_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
