/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for mtasts_policy_parse() (RFC 8461 §3.2).
 *
 * Input: byte 0 selects the flags, the rest is the policy body.
 *   bit 0  MTASTS_PARSE_LENIENT
 *   bit 1  parse without a diagnostics list (a second parse with a list
 *          must then give the same result)
 * The other bits are ignored, so seed files start with '0' (strict), '1'
 * (lenient), '2' or '3' (the same without a list).
 *
 * On success the policy must hold together: accessors in range non-NULL
 * and out of range NULL, values within their caps, the canonical form
 * (CRLF and LF) exactly what the accessors say, a strict re-parse of it
 * equal and formatting to the same bytes (fixed point), and the builders
 * (from the policy, and from its fields) giving an equal policy. Every mx
 * pattern must match a host made from it. On failure: a negative status,
 * *out set to NULL, and diagnostics that explain it (see fuzz.h).
 */
#include "fuzz.h"

#define FLAG_LENIENT 0x01u
#define FLAG_NO_DIAG 0x02u

/* Diagnostics that only a lenient parse turns into warnings. */
static int
is_leniency(int code)
{
	return code == MTASTS_D_BOM || code == MTASTS_D_POLICY_EMPTY_LINE ||
	       code == MTASTS_D_POLICY_LEADING_WHITESPACE ||
	       code == MTASTS_D_POLICY_SPACE_BEFORE_COLON ||
	       code == MTASTS_D_POLICY_NAME_CASE;
}

static int
has_leniency(const mtasts_diag *d)
{
	size_t i;

	for (i = 0; i < mtasts_diag_count(d); i++)
		if (is_leniency(mtasts_diag_code(d, i)))
			return 1;
	return 0;
}

/* A growing string for the expected canonical form. */
struct text {
	char *p;
	size_t n;
	size_t cap;
};

static void
text_add(struct text *t, const char *s)
{
	size_t k = strlen(s);

	if (t->n + k + 1 > t->cap) {
		size_t cap = (t->n + k + 1) * 2;
		char *p = realloc(t->p, cap);

		FUZZ_ASSERT(p != NULL, "out of memory");
		t->p = p;
		t->cap = cap;
	}
	memcpy(t->p + t->n, s, k + 1);
	t->n += k;
}

/* The canonical form the accessors describe (digest §2.4). */
static char *
expected_form(const mtasts_policy *p, unsigned int flags)
{
	const char *eol = (flags & MTASTS_FORMAT_LF) ? "\n" : "\r\n";
	struct text t = { NULL, 0, 0 };
	char num[16];
	size_t i;

	text_add(&t, "version: STSv1");
	text_add(&t, eol);
	text_add(&t, "mode: ");
	text_add(&t, mtasts_mode_name(mtasts_policy_mode(p)));
	text_add(&t, eol);
	for (i = 0; i < mtasts_policy_mx_count(p); i++) {
		text_add(&t, "mx: ");
		text_add(&t, mtasts_policy_mx(p, i));
		text_add(&t, eol);
	}
	snprintf(num, sizeof(num), "%lu",
	         (unsigned long)mtasts_policy_max_age(p));
	text_add(&t, "max_age: ");
	text_add(&t, num);
	text_add(&t, eol);
	for (i = 0; i < mtasts_policy_extension_count(p); i++) {
		text_add(&t, mtasts_policy_extension_name(p, i));
		text_add(&t, ": ");
		text_add(&t, mtasts_policy_extension_value(p, i));
		text_add(&t, eol);
	}
	return t.p;
}

/* Format with every API variant; they must agree. Returns a malloc'd
 * NUL-terminated copy of the text. */
static char *
format(const mtasts_policy *p, unsigned int flags)
{
	int n = mtasts_policy_format(p, NULL, 0, flags);
	char *buf, *small, *alloc = FUZZ_SENTINEL, *want;
	size_t half;

	FUZZ_ASSERT(n > 0 && n <= MTASTS_POLICY_MAX_SIZE, "format length %d",
	            n);
	buf = malloc((size_t)n + 1);
	FUZZ_ASSERT(buf != NULL, "out of memory");
	FUZZ_ASSERT(mtasts_policy_format(p, buf, (size_t)n + 1, flags) == n,
	            "second format gave another length");
	FUZZ_ASSERT(strlen(buf) == (size_t)n, "format wrote %zu bytes, said %d",
	            strlen(buf), n);

	/* snprintf semantics: a short buffer gets a NUL-terminated prefix */
	half = (size_t)n / 2 + 1;
	small = malloc(half);
	FUZZ_ASSERT(small != NULL, "out of memory");
	FUZZ_ASSERT(mtasts_policy_format(p, small, half, flags) == n,
	            "truncated format returned another length");
	FUZZ_ASSERT(strlen(small) == half - 1 &&
	                    memcmp(small, buf, half - 1) == 0,
	            "truncated format is not a prefix");
	free(small);

	FUZZ_ASSERT(mtasts_policy_format_alloc(p, flags, &alloc) == MTASTS_OK &&
	                    alloc != NULL && strcmp(alloc, buf) == 0,
	            "format_alloc differs from format");
	mtasts_free(alloc);

	want = expected_form(p, flags);
	FUZZ_ASSERT(strcmp(want, buf) == 0,
	            "canonical form differs from the accessors:\n%s\n---\n%s",
	            buf, want);
	free(want);
	return buf;
}

/* 1 if s is an ext-name: 1 alnum then up to 31 of alnum _ - . */
static int
ext_name_ok(const char *s)
{
	size_t n = strlen(s);

	return n >= 1 && n <= 32 && MTASTS__IS_ALNUM(s[0]) &&
	       fuzz_all(s, n, MTASTS__C_NAME);
}

/* 1 if s has no control byte, no HTAB, and no space at either end. */
static int
ext_value_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || s[0] == ' ' || s[n - 1] == ' ')
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] == 0x7F)
			return 0;
	return 1;
}

/* Length of the well-formed UTF-8 sequence (RFC 3629 §4) at p[0..n), or 0.
 * Written out here rather than taken from the library. */
static size_t
utf8_len(const unsigned char *p, size_t n)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xBF;
	size_t k, i;

	if (c >= 0xC2 && c <= 0xDF)
		k = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		k = 3;
	else if (c >= 0xF0 && c <= 0xF4)
		k = 4;
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
	if (n < k || p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < k; i++)
		if ((p[i] & 0xC0) != 0x80)
			return 0;
	return k;
}

/*
 * An accepted policy holds no NUL, no control character other than HTAB
 * and the LF / CRLF terminators, no DEL, and only well-formed UTF-8
 * (digest §2.2 "Encoding"; mtasts.h: CTLs and NUL bytes are errors in
 * both modes). Returns the offset of the first offending byte, or len.
 */
static size_t
first_bad_byte(const char *text, size_t len)
{
	const unsigned char *t = (const unsigned char *)text;
	size_t i, k;

	for (i = 0; i < len; i++) {
		unsigned char c = t[i];

		if (c == '\r') {
			if (i + 1 >= len || t[i + 1] != '\n')
				return i;
		} else if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F) {
			return i;
		} else if (c >= 0x80) {
			k = utf8_len(t + i, len - i);
			if (k == 0)
				return i;
			i += k - 1;
		}
	}
	return len;
}

static int
registered(const char *name, int fold)
{
	static const char *const reg[] = { "version", "mode", "max_age", "mx" };
	size_t i, n = strlen(name);

	for (i = 0; i < MTASTS__ARRAY_LEN(reg); i++) {
		if (strlen(reg[i]) != n)
			continue;
		if (fold ? mtasts__ascii_caseeq(name, reg[i], n)
		         : memcmp(name, reg[i], n) == 0)
			return 1;
	}
	return 0;
}

/* Every mx pattern must match a host made from it, at its index or an
 * earlier pattern that matches the same host. */
static void
check_match(const mtasts_policy *p)
{
	size_t i, k, idx;
	char host[MTASTS_HOST_MAX + 8];

	for (i = 0; i < mtasts_policy_mx_count(p); i++) {
		const char *mx = mtasts_policy_mx(p, i);
		size_t n = strlen(mx);

		if (mx[0] == '*') {
			host[0] = 'A';
			memcpy(host + 1, mx + 1, n);
		} else {
			memcpy(host, mx, n + 1);
		}
		idx = 12345;
		FUZZ_ASSERT(mtasts_policy_match(p, host, &idx) == 1 && idx <= i,
		            "host %s (from mx %zu, %s) does not match, index "
		            "%zu",
		            host, i, mx, idx);
		FUZZ_ASSERT(
		        mtasts_mx_match(mtasts_policy_mx(p, idx), host) == 1,
		        "policy matched %s at %zu, mtasts_mx_match does not",
		        host, idx);
		/* upper case and a trailing root dot change nothing */
		for (k = 0; host[k]; k++)
			if (host[k] >= 'a' && host[k] <= 'z')
				host[k] = (char)(host[k] - 'a' + 'A');
		if (strlen(host) < MTASTS_HOST_MAX + 1) {
			strcat(host, ".");
			FUZZ_ASSERT(mtasts_policy_match(p, host, NULL) == 1,
			            "host %s (from mx %zu) does not match",
			            host, i);
		}
	}
	idx = 12345;
	FUZZ_ASSERT(mtasts_policy_match(p, "", &idx) == 0 &&
	                    idx == MTASTS_NO_INDEX,
	            "empty host matched");
}

/* Rebuild through the builder, from the policy and from its fields. */
static void
check_builders(const mtasts_policy *p)
{
	mtasts_policy_builder *b = FUZZ_SENTINEL;
	mtasts_policy *r = FUZZ_SENTINEL;
	mtasts_diag *d = fuzz_diag_new();
	size_t i;
	int st, complete = 1;

	FUZZ_ASSERT(mtasts_policy_builder_new(&b, p) == MTASTS_OK && b,
	            "builder_new(from) failed");
	st = mtasts_policy_builder_build(b, &r, d);
	FUZZ_ASSERT(st == MTASTS_OK && r != NULL,
	            "builder_new(from) + build: %s (%s: %s)",
	            mtasts_status_name(st),
	            mtasts_diag_code_name(mtasts_diag_code(d, 0)),
	            mtasts_diag_message(d, 0) ? mtasts_diag_message(d, 0) : "");
	FUZZ_ASSERT(mtasts_policy_equal(p, r) && mtasts_policy_equal(r, p),
	            "builder_new(from) + build gives another policy");
	mtasts_policy_free(r);
	mtasts_policy_builder_free(b);

	/* From the fields: every value the parser accepted must be accepted
	 * by the setters, except a registered name in another case (kept as
	 * an extension by a strict parse, refused by the builder). */
	b = FUZZ_SENTINEL;
	FUZZ_ASSERT(mtasts_policy_builder_new(&b, NULL) == MTASTS_OK && b,
	            "builder_new failed");
	FUZZ_ASSERT(mtasts_policy_builder_set_mode(b, mtasts_policy_mode(p)) ==
	                    MTASTS_OK,
	            "set_mode refused %d", mtasts_policy_mode(p));
	FUZZ_ASSERT(mtasts_policy_builder_set_max_age(
	                    b, mtasts_policy_max_age(p)) == MTASTS_OK,
	            "set_max_age refused");
	for (i = 0; i < mtasts_policy_mx_count(p); i++) {
		st = mtasts_policy_builder_add_mx(b, mtasts_policy_mx(p, i),
		                                  NULL);
		FUZZ_ASSERT(st == MTASTS_OK, "add_mx(%s): %s",
		            mtasts_policy_mx(p, i), mtasts_status_name(st));
	}
	for (i = 0; i < mtasts_policy_extension_count(p); i++) {
		const char *name = mtasts_policy_extension_name(p, i);
		const char *value = mtasts_policy_extension_value(p, i);

		mtasts_diag_clear(d);
		st = mtasts_policy_builder_add_extension(b, name, value, d);
		if (registered(name, 1)) {
			FUZZ_ASSERT(
			        st == MTASTS_EINVAL,
			        "add_extension(%s) of a registered name: %s",
			        name, mtasts_status_name(st));
			complete = 0;
			continue;
		}
		FUZZ_ASSERT(
		        st == MTASTS_OK,
		        "add_extension(%s, %zu-byte value) refused what the "
		        "parser accepted: %s (%s)",
		        name, strlen(value), mtasts_status_name(st),
		        mtasts_diag_message(d, 0) ? mtasts_diag_message(d, 0)
		                                  : "");
	}
	mtasts_diag_clear(d);
	r = FUZZ_SENTINEL;
	st = mtasts_policy_builder_build(b, &r, d);
	FUZZ_ASSERT(st == MTASTS_OK && r != NULL, "build from fields: %s",
	            mtasts_status_name(st));
	FUZZ_ASSERT(!complete || mtasts_policy_equal(p, r),
	            "build from fields gives another policy");
	mtasts_policy_free(r);
	mtasts_policy_builder_free(b);
	mtasts_diag_free(d);
}

/* Parse canonical text strictly: must succeed, equal p, format to the
 * same bytes. */
static void
check_reparse(const mtasts_policy *p, const char *canon, unsigned int fmt,
              unsigned int pflags)
{
	mtasts_policy *q = FUZZ_SENTINEL;
	mtasts_diag *d = fuzz_diag_new();
	size_t n = strlen(canon);
	char *again;
	int st;

	st = mtasts_policy_parse(&q, canon, n, pflags, d);
	FUZZ_ASSERT(st == MTASTS_OK && q != NULL,
	            "canonical form does not re-parse (%s, flags %u): %s at "
	            "line %u column %u: %s\n--- canonical form ---\n%s",
	            mtasts_status_name(st), pflags,
	            mtasts_diag_code_name(mtasts_diag_code(d, 0)),
	            mtasts_diag_line(d, 0), mtasts_diag_column(d, 0),
	            mtasts_diag_message(d, 0) ? mtasts_diag_message(d, 0) : "",
	            canon);
	fuzz_check_diag(d, st, canon, n, FUZZ_POS_POLICY, 0);
	FUZZ_ASSERT(mtasts_policy_equal(p, q) && mtasts_policy_equal(q, p),
	            "re-parsed canonical form is another policy");
	again = format(q, fmt);
	FUZZ_ASSERT(strcmp(again, canon) == 0,
	            "formatting is not a fixed point:\n%s\n---\n%s", canon,
	            again);
	free(again);
	mtasts_policy_free(q);
	mtasts_diag_free(d);
}

static void
check_policy(const mtasts_policy *p, unsigned int flags)
{
	int mode = mtasts_policy_mode(p);
	size_t nmx = mtasts_policy_mx_count(p);
	size_t next = mtasts_policy_extension_count(p);
	size_t i, j;
	char *crlf, *lf;

	FUZZ_ASSERT(mtasts_mode_name(mode) != NULL, "mode %d", mode);
	FUZZ_ASSERT(mtasts_policy_max_age(p) <= MTASTS_MAX_AGE_MAX,
	            "max_age %lu", (unsigned long)mtasts_policy_max_age(p));
	FUZZ_ASSERT(nmx <= MTASTS_POLICY_MAX_MX, "%zu mx", nmx);
	FUZZ_ASSERT(nmx > 0 || mode == MTASTS_MODE_NONE, "mode %s without mx",
	            mtasts_mode_name(mode));
	FUZZ_ASSERT(next <= MTASTS_MAX_EXTENSIONS, "%zu extensions", next);
	for (i = 0; i < nmx; i++) {
		const char *mx = mtasts_policy_mx(p, i);

		FUZZ_ASSERT(mx != NULL, "mx %zu of %zu is NULL", i, nmx);
		FUZZ_ASSERT(mtasts_mx_pattern_check(mx, NULL) == MTASTS_OK,
		            "mx %zu (%s) is not a valid pattern", i, mx);
		for (j = 0; mx[j]; j++)
			FUZZ_ASSERT(!(mx[j] >= 'A' && mx[j] <= 'Z'),
			            "mx %zu (%s) is not lower case", i, mx);
	}
	FUZZ_ASSERT(mtasts_policy_mx(p, nmx) == NULL &&
	                    mtasts_policy_mx(p, (size_t)-1) == NULL,
	            "mx out of range is not NULL");
	for (i = 0; i < next; i++) {
		const char *name = mtasts_policy_extension_name(p, i);
		const char *value = mtasts_policy_extension_value(p, i);

		FUZZ_ASSERT(name != NULL && value != NULL,
		            "extension %zu of %zu is NULL", i, next);
		FUZZ_ASSERT(ext_name_ok(name), "extension name '%s'", name);
		FUZZ_ASSERT(ext_value_ok(value), "extension value '%s'", value);
		FUZZ_ASSERT(!registered(name, (flags & FLAG_LENIENT) != 0),
		            "registered name '%s' kept as an extension", name);
		for (j = 0; j < i; j++)
			FUZZ_ASSERT(strcmp(name, mtasts_policy_extension_name(
			                                 p, j)) != 0,
			            "extension '%s' kept twice", name);
	}
	FUZZ_ASSERT(
	        mtasts_policy_extension_name(p, next) == NULL &&
	                mtasts_policy_extension_value(p, next) == NULL &&
	                mtasts_policy_extension_name(p, (size_t)-1) == NULL &&
	                mtasts_policy_extension_value(p, (size_t)-1) == NULL,
	        "extension out of range is not NULL");
	FUZZ_ASSERT(mtasts_policy_equal(p, p) &&
	                    !mtasts_policy_equal(p, NULL) &&
	                    !mtasts_policy_equal(NULL, p),
	            "policy_equal with itself or NULL");

	crlf = format(p, MTASTS_FORMAT_DEFAULT);
	lf = format(p, MTASTS_FORMAT_LF);
	check_reparse(p, crlf, MTASTS_FORMAT_DEFAULT, MTASTS_PARSE_DEFAULT);
	check_reparse(p, lf, MTASTS_FORMAT_LF, MTASTS_PARSE_DEFAULT);
	/* A lenient parse reads an extension named "Mode" as mode. */
	for (i = 0; i < next; i++)
		if (registered(mtasts_policy_extension_name(p, i), 1))
			break;
	if (i == next)
		check_reparse(p, lf, MTASTS_FORMAT_LF, MTASTS_PARSE_LENIENT);
	free(crlf);
	free(lf);

	check_match(p);
	check_builders(p);
}

static void
check_failure(int st, const mtasts_policy *p)
{
	FUZZ_ASSERT(st < 0, "status %d", st);
	FUZZ_ASSERT(p == NULL, "*out is not NULL after %s",
	            mtasts_status_name(st));
	FUZZ_ASSERT(st == MTASTS_ENOMEM || st == MTASTS_ETOOLARGE ||
	                    st == MTASTS_EVERSION || st == MTASTS_EMODE ||
	                    st == MTASTS_EMAXAGE || st == MTASTS_EMX ||
	                    st == MTASTS_ESYNTAX,
	            "undocumented status %s (%d)",
	            mtasts_status_name(st) ? mtasts_status_name(st) : "?", st);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned int sel, flags;
	const char *text;
	size_t len;
	mtasts_policy *p = FUZZ_SENTINEL, *q = FUZZ_SENTINEL;
	mtasts_policy *other = FUZZ_SENTINEL;
	mtasts_diag *d, *od;
	int st, st2, ost;
	size_t bad;

	if (size == 0)
		return 0;
	sel = data[0];
	flags = (sel & FLAG_LENIENT) ? MTASTS_PARSE_LENIENT : 0;
	/* exactly len bytes, no NUL after them: an over-read is caught */
	len = size - 1;
	text = fuzz_memdup(data + 1, len);

	d = fuzz_diag_new();
	if (sel & FLAG_NO_DIAG) {
		st = mtasts_policy_parse(&p, text, len, flags, NULL);
		st2 = mtasts_policy_parse(&q, text, len, flags, d);
		FUZZ_ASSERT(st == st2,
		            "status %s without diagnostics, %s with them",
		            mtasts_status_name(st), mtasts_status_name(st2));
		if (st == MTASTS_OK)
			FUZZ_ASSERT(mtasts_policy_equal(p, q),
			            "another policy with diagnostics");
		else
			check_failure(st2, q);
		mtasts_policy_free(q);
	} else {
		st = mtasts_policy_parse(&p, text, len, flags, d);
	}
	fuzz_check_diag(d, st, text, len, FUZZ_POS_POLICY, 0);

	if (st != MTASTS_OK) {
		check_failure(st, p);
		goto out;
	}
	FUZZ_ASSERT(p != NULL && p != FUZZ_SENTINEL, "success without policy");
	bad = first_bad_byte(text, len);
	FUZZ_ASSERT(bad == len,
	            "accepted a policy with byte 0x%02x at offset %zu (a NUL, "
	            "a control character or malformed UTF-8)",
	            (unsigned char)text[bad], bad);
	check_policy(p, sel);

	/* Without anything a lenient parse relaxes, both modes agree. */
	if (!has_leniency(d)) {
		od = fuzz_diag_new();
		ost = mtasts_policy_parse(&other, text, len,
		                          flags ^ MTASTS_PARSE_LENIENT, od);
		FUZZ_ASSERT(ost == MTASTS_OK && mtasts_policy_equal(p, other),
		            "%s parse gives %s (%s), without any leniency "
		            "diagnostic in the %s parse",
		            flags ? "strict" : "lenient",
		            mtasts_status_name(ost),
		            mtasts_diag_code_name(mtasts_diag_code(od, 0)),
		            flags ? "lenient" : "strict");
		mtasts_policy_free(other);
		mtasts_diag_free(od);
	}

out:
	mtasts_policy_free(p);
	mtasts_diag_free(d);
	free((char *)text);
	return 0;
}
