/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for mtasts_tlsrpt_parse() (RFC 8460 §3).
 *
 * Input: byte 0 selects the flags, the rest is the record text.
 *   bit 0  MTASTS_PARSE_LENIENT
 *   bit 1  parse without a diagnostics list (a second parse with a list
 *          must then give the same result)
 * The other bits are ignored, so seed files start with '0' (strict), '1'
 * (lenient), '2' or '3' (the same without a list).
 *
 * On success: accessors in range non-NULL and out of range NULL, at least
 * one rua URI, each of visible ASCII without ',' ';' '!' and raw '%', with
 * a scheme and the mtasts_rua_scheme its prefix says, extensions that
 * follow the grammar, the canonical form exactly what the accessors say, a
 * strict re-parse of it equal and formatting to the same bytes, the
 * builders giving an equal record, and a one-RR selection (text and wire
 * RDATA) choosing the same record. On failure: a negative status, *out
 * NULL and diagnostics that explain it (see fuzz.h). Either way, the
 * general parser alone (without the public parse's fast path) gives the
 * same status, record and diagnostics.
 *
 * Selection from RRsets of several TLSRPTv1 RRs is fuzzed by fuzz-rrset
 * (byte 0 bit 6).
 */
#include "fuzz.h"

#define FLAG_LENIENT 0x01u
#define FLAG_NO_DIAG 0x02u

static int
has_leniency(const mtasts_diag *d)
{
	size_t i;

	for (i = 0; i < mtasts_diag_count(d); i++) {
		int code = mtasts_diag_code(d, i);

		if (code == MTASTS_D_OUTER_WHITESPACE ||
		    code == MTASTS_D_QUOTED || code == MTASTS_D_TXT_NAME_CASE)
			return 1;
	}
	return 0;
}

/* Whether the list holds an entry with this code. */
static int
has_code(const mtasts_diag *d, int code)
{
	size_t i;

	for (i = 0; i < mtasts_diag_count(d); i++)
		if (mtasts_diag_code(d, i) == code)
			return 1;
	return 0;
}

/* "v" or "rua" in some case: registered names (fold) or exactly. */
static int
registered(const char *name, int fold)
{
	size_t n = strlen(name);

	if (fold)
		return (n == 1 && (name[0] == 'v' || name[0] == 'V')) ||
		       (n == 3 && mtasts__ascii_caseeq(name, "rua", 3));
	return strcmp(name, "v") == 0 || strcmp(name, "rua") == 0;
}

static int
is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

/*
 * What a kept rua URI must be (mtasts.h, mtasts_tlsrpt_parse(); RFC 8460
 * §3, RFC 3986): visible ASCII without the list and field separators ','
 * ';' or a raw '!' (T-05); every '%' starts a percent-encoding; a scheme
 * (ALPHA *(ALPHA / DIGIT / "+" / "-" / ".") ":"), whose name, compared
 * without case (T-04), gives the mtasts_rua_scheme; a mailto URI holds a
 * local@domain address and an https URI "//" and a host.
 */
static void
check_uri(const char *uri, int scheme)
{
	size_t n = strlen(uri), i, colon, end, at;
	int want = MTASTS_RUA_OTHER;

	FUZZ_ASSERT(n >= 1, "empty rua URI");
	for (i = 0; i < n; i++) {
		char c = uri[i];

		FUZZ_ASSERT(MTASTS__IS(c, MTASTS__C_VCHAR) && c != ',' &&
		                    c != ';' && c != '!',
		            "rua URI '%s': byte 0x%02x at %zu", uri,
		            (unsigned char)c, i);
		if (c == '%')
			FUZZ_ASSERT(i + 2 < n && is_hex(uri[i + 1]) &&
			                    is_hex(uri[i + 2]),
			            "rua URI '%s': '%%' at %zu is not a "
			            "percent-encoding",
			            uri, i);
	}
	for (colon = 0; colon < n && uri[colon] != ':'; colon++)
		FUZZ_ASSERT(MTASTS__IS_ALNUM(uri[colon]) ||
		                    (colon > 0 &&
		                     (uri[colon] == '+' || uri[colon] == '-' ||
		                      uri[colon] == '.')),
		            "rua URI '%s': scheme byte '%c'", uri, uri[colon]);
	FUZZ_ASSERT(colon > 0 && colon < n &&
	                    MTASTS__IS(uri[0], MTASTS__C_ALPHA),
	            "rua URI '%s' has no scheme", uri);

	if (colon == 6 && mtasts__ascii_caseeq(uri, "mailto", 6)) {
		want = MTASTS_RUA_MAILTO;
		end = strcspn(uri + 7, "?#") + 7;
		at = strcspn(uri + 7, "@") + 7;
		FUZZ_ASSERT(at > 7 && at + 1 < end,
		            "mailto URI '%s' without a local@domain address",
		            uri);
	} else if (colon == 5 && mtasts__ascii_caseeq(uri, "https", 5)) {
		want = MTASTS_RUA_HTTPS;
		FUZZ_ASSERT(n >= 8 && uri[6] == '/' && uri[7] == '/',
		            "https URI '%s' without '//'", uri);
		end = strcspn(uri + 8, "/?#") + 8;
		/* the host follows the last '@' of the authority, if any */
		for (at = end; at > 8 && uri[at - 1] != '@'; at--)
			;
		FUZZ_ASSERT(at < end && uri[at] != ':',
		            "https URI '%s' without a host", uri);
	}
	FUZZ_ASSERT(scheme == want, "rua URI '%s' has scheme %d, expected %d",
	            uri, scheme, want);
}

/* "v=TLSRPTv1; rua=" + the URIs joined by "," + "; name=value" each. */
static char *
expected_form(const mtasts_tlsrpt *r)
{
	size_t n = 32, i;
	char *s;

	for (i = 0; i < mtasts_tlsrpt_rua_count(r); i++)
		n += 1 + strlen(mtasts_tlsrpt_rua(r, i));
	for (i = 0; i < mtasts_tlsrpt_extension_count(r); i++)
		n += 4 + strlen(mtasts_tlsrpt_extension_name(r, i)) +
		     strlen(mtasts_tlsrpt_extension_value(r, i));
	s = malloc(n);
	FUZZ_ASSERT(s != NULL, "out of memory");
	strcpy(s, "v=TLSRPTv1; rua=");
	for (i = 0; i < mtasts_tlsrpt_rua_count(r); i++) {
		if (i)
			strcat(s, ",");
		strcat(s, mtasts_tlsrpt_rua(r, i));
	}
	for (i = 0; i < mtasts_tlsrpt_extension_count(r); i++) {
		strcat(s, "; ");
		strcat(s, mtasts_tlsrpt_extension_name(r, i));
		strcat(s, "=");
		strcat(s, mtasts_tlsrpt_extension_value(r, i));
	}
	return s;
}

static char *
format(const mtasts_tlsrpt *r)
{
	int n = mtasts_tlsrpt_format(r, NULL, 0, 0);
	char *buf, *small, *alloc = FUZZ_SENTINEL, *want;
	char one[1] = { 'x' };
	size_t half;

	FUZZ_ASSERT(n > 0 && n <= MTASTS_RECORD_MAX_SIZE, "format length %d",
	            n);
	buf = malloc((size_t)n + 1);
	FUZZ_ASSERT(buf != NULL, "out of memory");
	FUZZ_ASSERT(mtasts_tlsrpt_format(r, buf, (size_t)n + 1, 0) == n,
	            "second format gave another length");
	FUZZ_ASSERT(strlen(buf) == (size_t)n, "format wrote %zu bytes, said %d",
	            strlen(buf), n);
	/* snprintf-style truncation: the full length, a NUL-terminated
	 * prefix of size - 1 bytes */
	half = (size_t)n / 2 + 1;
	small = malloc(half);
	FUZZ_ASSERT(small != NULL, "out of memory");
	FUZZ_ASSERT(mtasts_tlsrpt_format(r, small, half, 0) == n,
	            "truncated format returned another length");
	FUZZ_ASSERT(strlen(small) == half - 1 &&
	                    memcmp(small, buf, half - 1) == 0,
	            "truncated format is not a prefix");
	free(small);
	FUZZ_ASSERT(mtasts_tlsrpt_format(r, one, 1, 0) == n && one[0] == '\0',
	            "format into one byte is not the empty string");
	small = malloc((size_t)n);
	FUZZ_ASSERT(small != NULL, "out of memory");
	FUZZ_ASSERT(mtasts_tlsrpt_format(r, small, (size_t)n, 0) == n &&
	                    strlen(small) == (size_t)n - 1 &&
	                    memcmp(small, buf, (size_t)n - 1) == 0,
	            "format one byte short is not a prefix");
	free(small);
	FUZZ_ASSERT(mtasts_tlsrpt_format(r, NULL, 0, MTASTS_FORMAT_LF) ==
	                    MTASTS_EINVAL,
	            "tlsrpt format accepted a policy-only flag");
	FUZZ_ASSERT(mtasts_tlsrpt_format_alloc(r, MTASTS_FORMAT_LF, &alloc) ==
	                            MTASTS_EINVAL &&
	                    alloc == NULL,
	            "tlsrpt format_alloc accepted a policy-only flag");
	alloc = FUZZ_SENTINEL;
	FUZZ_ASSERT(mtasts_tlsrpt_format_alloc(r, 0, &alloc) == MTASTS_OK &&
	                    alloc != NULL && strcmp(alloc, buf) == 0,
	            "format_alloc differs from format");
	mtasts_free(alloc);
	want = expected_form(r);
	FUZZ_ASSERT(strcmp(want, buf) == 0,
	            "canonical form differs from the accessors:\n%s\n---\n%s",
	            buf, want);
	free(want);
	return buf;
}

/*
 * The public parse tries a fast path for the common shape first: the
 * general parser alone (lib/private.h) must give the same status, an equal
 * record and, with a list (d not NULL), the same diagnostics.
 */
static void
check_slow(int st, const mtasts_tlsrpt *r, const mtasts_diag *d,
           const char *text, size_t len, unsigned int flags)
{
	struct mtasts__sink s;
	mtasts_diag *sd = d ? fuzz_diag_new() : NULL;
	void *o = NULL;
	int sst;

	mtasts__sink_init(&s, sd, flags);
	(void)mtasts__tlsrpt_parse_slow(&o, text ? text : "", len, 1, &s);
	sst = mtasts__sink_result(&s);
	FUZZ_ASSERT(sst == st, "status %s, the general parser alone gives %s",
	            mtasts_status_name(st), mtasts_status_name(sst));
	if (st == MTASTS_OK)
		FUZZ_ASSERT(o != NULL && mtasts_tlsrpt_equal(r, o),
		            "the general parser alone gives another record");
	if (sd)
		fuzz_same_diag(d, sd, 0, "parse", "general parser alone");
	mtasts_tlsrpt_free(o);
	mtasts_diag_free(sd);
}

static void
check_reparse(const mtasts_tlsrpt *r, const char *canon, unsigned int flags)
{
	mtasts_tlsrpt *q = FUZZ_SENTINEL;
	mtasts_diag *d = fuzz_diag_new();
	size_t n = strlen(canon);
	char *again;
	int st;

	st = mtasts_tlsrpt_parse(&q, canon, n, flags, d);
	FUZZ_ASSERT(st == MTASTS_OK && q != NULL,
	            "canonical form does not re-parse (%s, flags %u): %s at "
	            "column %u: %s\n--- canonical form ---\n%s",
	            mtasts_status_name(st), flags,
	            mtasts_diag_code_name(mtasts_diag_code(d, 0)),
	            mtasts_diag_column(d, 0),
	            mtasts_diag_message(d, 0) ? mtasts_diag_message(d, 0) : "",
	            canon);
	fuzz_check_diag(d, st, canon, n, FUZZ_POS_RECORD, 1);
	check_slow(st, q, d, canon, n, flags);
	FUZZ_ASSERT(mtasts_tlsrpt_equal(r, q) && mtasts_tlsrpt_equal(q, r),
	            "re-parsed canonical form is another record");
	again = format(q);
	FUZZ_ASSERT(strcmp(again, canon) == 0,
	            "formatting is not a fixed point:\n%s\n---\n%s", canon,
	            again);
	free(again);
	mtasts_tlsrpt_free(q);
	mtasts_diag_free(d);
}

static void
check_builders(const mtasts_tlsrpt *r)
{
	mtasts_tlsrpt_builder *b = FUZZ_SENTINEL;
	mtasts_tlsrpt *q = FUZZ_SENTINEL;
	mtasts_diag *d = fuzz_diag_new();
	size_t nrua = mtasts_tlsrpt_rua_count(r);
	size_t next = mtasts_tlsrpt_extension_count(r), kept = 0, i;
	int st;

	FUZZ_ASSERT(mtasts_tlsrpt_builder_new(&b, r) == MTASTS_OK && b,
	            "builder_new(from) failed");
	st = mtasts_tlsrpt_builder_build(b, &q, d);
	FUZZ_ASSERT(st == MTASTS_OK && q != NULL,
	            "builder_new(from) + build: %s (%s)",
	            mtasts_status_name(st),
	            mtasts_diag_message(d, 0) ? mtasts_diag_message(d, 0) : "");
	FUZZ_ASSERT(mtasts_tlsrpt_equal(r, q) && mtasts_tlsrpt_equal(q, r),
	            "builder_new(from) + build gives another record");
	mtasts_tlsrpt_free(q);
	mtasts_tlsrpt_builder_free(b);

	b = FUZZ_SENTINEL;
	FUZZ_ASSERT(mtasts_tlsrpt_builder_new(&b, NULL) == MTASTS_OK && b,
	            "builder_new failed");
	for (i = 0; i < nrua; i++) {
		const char *uri = mtasts_tlsrpt_rua(r, i);
		int other = mtasts_tlsrpt_rua_scheme(r, i) == MTASTS_RUA_OTHER;

		mtasts_diag_clear(d);
		st = mtasts_tlsrpt_builder_add_rua(b, uri, d);
		FUZZ_ASSERT(st == MTASTS_OK,
		            "add_rua(%s) refused what the parser accepted: %s "
		            "(%s)",
		            uri, mtasts_status_name(st),
		            mtasts_diag_message(d, 0)
		                    ? mtasts_diag_message(d, 0)
		                    : "");
		fuzz_check_diag(d, st, NULL, 0, FUZZ_POS_NONE, 0);
		FUZZ_ASSERT(other == has_code(d, MTASTS_D_TLSRPT_URI_SCHEME),
		            "add_rua(%s): scheme %d, but %s scheme warning",
		            uri, mtasts_tlsrpt_rua_scheme(r, i),
		            other ? "no" : "a");
	}
	if (nrua == MTASTS_TLSRPT_MAX_RUA) {
		st = mtasts_tlsrpt_builder_add_rua(b, mtasts_tlsrpt_rua(r, 0),
		                                   NULL);
		FUZZ_ASSERT(st == MTASTS_ETOOLARGE, "rua %zu added: %s",
		            nrua + 1, mtasts_status_name(st));
	}
	for (i = 0; i < next; i++) {
		const char *name = mtasts_tlsrpt_extension_name(r, i);
		const char *value = mtasts_tlsrpt_extension_value(r, i);

		st = mtasts_tlsrpt_builder_add_extension(b, name, value, NULL);
		if (registered(name, 1)) {
			FUZZ_ASSERT(
			        st == MTASTS_EINVAL,
			        "add_extension(%s) of a registered name: %s",
			        name, mtasts_status_name(st));
			continue;
		}
		FUZZ_ASSERT(st == MTASTS_OK,
		            "add_extension(%s=%s) refused what the parser "
		            "accepted: %s",
		            name, value, mtasts_status_name(st));
		if (kept++ == 0) {
			st = mtasts_tlsrpt_builder_add_extension(b, name, value,
			                                         NULL);
			FUZZ_ASSERT(st == MTASTS_EINVAL,
			            "add_extension(%s) twice: %s", name,
			            mtasts_status_name(st));
		}
	}
	mtasts_diag_clear(d);
	q = FUZZ_SENTINEL;
	st = mtasts_tlsrpt_builder_build(b, &q, d);
	FUZZ_ASSERT(st == MTASTS_OK && q != NULL, "build from fields: %s",
	            mtasts_status_name(st));
	FUZZ_ASSERT(kept < next || mtasts_tlsrpt_equal(r, q),
	            "build from fields gives another record");
	FUZZ_ASSERT(mtasts_tlsrpt_rua_count(q) == nrua &&
	                    mtasts_tlsrpt_extension_count(q) == kept,
	            "build from fields: %zu rua, %zu extensions; expected "
	            "%zu, %zu",
	            mtasts_tlsrpt_rua_count(q),
	            mtasts_tlsrpt_extension_count(q), nrua, kept);
	mtasts_tlsrpt_free(q);
	mtasts_tlsrpt_builder_free(b);
	mtasts_diag_free(d);
}

static void
check_record(const mtasts_tlsrpt *r, unsigned int flags)
{
	size_t nrua = mtasts_tlsrpt_rua_count(r);
	size_t next = mtasts_tlsrpt_extension_count(r), i, j;
	char *canon;

	FUZZ_ASSERT(nrua >= 1 && nrua <= MTASTS_TLSRPT_MAX_RUA, "%zu rua URIs",
	            nrua);
	for (i = 0; i < nrua; i++) {
		const char *uri = mtasts_tlsrpt_rua(r, i);

		FUZZ_ASSERT(uri != NULL, "rua %zu of %zu is NULL", i, nrua);
		check_uri(uri, mtasts_tlsrpt_rua_scheme(r, i));
	}
	FUZZ_ASSERT(mtasts_tlsrpt_rua(r, nrua) == NULL &&
	                    mtasts_tlsrpt_rua(r, (size_t)-1) == NULL &&
	                    mtasts_tlsrpt_rua_scheme(r, nrua) == 0 &&
	                    mtasts_tlsrpt_rua_scheme(r, (size_t)-1) == 0,
	            "rua out of range is not NULL / 0");
	FUZZ_ASSERT(next <= MTASTS_MAX_EXTENSIONS, "%zu extensions", next);
	for (i = 0; i < next; i++) {
		const char *name = mtasts_tlsrpt_extension_name(r, i);
		const char *value = mtasts_tlsrpt_extension_value(r, i);

		FUZZ_ASSERT(name != NULL && value != NULL,
		            "extension %zu of %zu is NULL", i, next);
		FUZZ_ASSERT(
		        strlen(name) >= 1 && strlen(name) <= 32 &&
		                MTASTS__IS_ALNUM(name[0]) &&
		                fuzz_all(name, strlen(name), MTASTS__C_NAME),
		        "extension name '%s'", name);
		FUZZ_ASSERT(value[0] != '\0' && fuzz_all(value, strlen(value),
		                                         MTASTS__C_TXTVAL),
		            "extension value '%s'", value);
		FUZZ_ASSERT(!registered(name, (flags & FLAG_LENIENT) != 0),
		            "registered name '%s' kept as an extension", name);
		for (j = 0; j < i; j++)
			FUZZ_ASSERT(strcmp(name, mtasts_tlsrpt_extension_name(
			                                 r, j)) != 0,
			            "extension '%s' kept twice", name);
	}
	FUZZ_ASSERT(
	        mtasts_tlsrpt_extension_name(r, next) == NULL &&
	                mtasts_tlsrpt_extension_value(r, next) == NULL &&
	                mtasts_tlsrpt_extension_name(r, (size_t)-1) == NULL &&
	                mtasts_tlsrpt_extension_value(r, (size_t)-1) == NULL,
	        "extension out of range is not NULL");
	FUZZ_ASSERT(mtasts_tlsrpt_equal(r, r) &&
	                    !mtasts_tlsrpt_equal(r, NULL) &&
	                    !mtasts_tlsrpt_equal(NULL, r),
	            "tlsrpt_equal with itself or NULL");

	canon = format(r);
	check_reparse(r, canon, MTASTS_PARSE_DEFAULT);
	for (i = 0; i < next; i++)
		if (registered(mtasts_tlsrpt_extension_name(r, i), 1))
			break;
	if (i == next)
		check_reparse(r, canon, MTASTS_PARSE_LENIENT);
	free(canon);
	check_builders(r);
}

/* A text that parses is the one TLSRPTv1 record of a one-RR RRset, given
 * as text or as wire RDATA (character-strings of 255 bytes). */
static void
check_select(const mtasts_tlsrpt *r, const char *text, size_t len,
             unsigned int flags)
{
	mtasts_tlsrpt *q = FUZZ_SENTINEL, *w = FUZZ_SENTINEL;
	mtasts_diag *dq = fuzz_diag_new(), *dw = fuzz_diag_new();
	size_t sel = 12345, selw = 6789, wlen;
	unsigned char *wire = fuzz_to_wire(text, len, 255, 0, 0, &wlen);
	const unsigned char *wp = wire;
	int st, stw;

	st = mtasts_tlsrpt_select(&q, &sel, &text, &len, 1, flags, dq);
	FUZZ_ASSERT(st == MTASTS_OK && sel == 0 && mtasts_tlsrpt_equal(r, q),
	            "a parsed record is not selected from a one-RR RRset: %s, "
	            "index %zu",
	            mtasts_status_name(st), sel);
	stw = mtasts_tlsrpt_select_rdata(&w, &selw, &wp, &wlen, 1, flags, dw);
	FUZZ_ASSERT(stw == MTASTS_OK && selw == 0 && mtasts_tlsrpt_equal(r, w),
	            "a parsed record is not selected from a one-RR RDATA "
	            "RRset: %s, index %zu",
	            mtasts_status_name(stw), selw);
	fuzz_check_diag(dq, st, text, len, FUZZ_POS_RECORD, 1);
	fuzz_same_diag(dq, dw, 1, "text", "RDATA");
	mtasts_tlsrpt_free(q);
	mtasts_tlsrpt_free(w);
	mtasts_diag_free(dq);
	mtasts_diag_free(dw);
	free(wire);
}

static void
check_failure(int st, const mtasts_tlsrpt *r)
{
	FUZZ_ASSERT(st < 0, "status %d", st);
	FUZZ_ASSERT(r == NULL, "*out is not NULL after %s",
	            mtasts_status_name(st));
	FUZZ_ASSERT(st == MTASTS_ENOMEM || st == MTASTS_ETOOLARGE ||
	                    st == MTASTS_EVERSION || st == MTASTS_ERUA ||
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
	mtasts_tlsrpt *r = FUZZ_SENTINEL, *q = FUZZ_SENTINEL;
	mtasts_tlsrpt *other = FUZZ_SENTINEL;
	mtasts_diag *d, *od;
	int st, st2, ost;
	size_t i;

	if (size == 0)
		return 0;
	sel = data[0];
	flags = (sel & FLAG_LENIENT) ? MTASTS_PARSE_LENIENT : 0;
	len = size - 1;
	text = fuzz_memdup(data + 1, len);

	d = fuzz_diag_new();
	if (sel & FLAG_NO_DIAG) {
		st = mtasts_tlsrpt_parse(&r, text, len, flags, NULL);
		st2 = mtasts_tlsrpt_parse(&q, text, len, flags, d);
		FUZZ_ASSERT(st == st2,
		            "status %s without diagnostics, %s with them",
		            mtasts_status_name(st), mtasts_status_name(st2));
		if (st == MTASTS_OK)
			FUZZ_ASSERT(mtasts_tlsrpt_equal(r, q),
			            "another record with diagnostics");
		else
			check_failure(st2, q);
		mtasts_tlsrpt_free(q);
	} else {
		st = mtasts_tlsrpt_parse(&r, text, len, flags, d);
	}
	fuzz_check_diag(d, st, text, len, FUZZ_POS_RECORD, 1);
	check_slow(st, r, d, text, len, flags);
	if (sel & FLAG_NO_DIAG)
		check_slow(st, r, NULL, text, len, flags);

	if (st != MTASTS_OK) {
		check_failure(st, r);
		goto out;
	}
	FUZZ_ASSERT(r != NULL && r != FUZZ_SENTINEL, "success without record");
	/* the record's bytes: printable US-ASCII, SP and HTAB only */
	for (i = 0; i < len; i++)
		FUZZ_ASSERT(text[i] == '\t' ||
		                    ((unsigned char)text[i] >= 0x20 &&
		                     (unsigned char)text[i] <= 0x7E),
		            "accepted a record with byte 0x%02x at offset %zu",
		            (unsigned char)text[i], i);
	check_record(r, sel);
	check_select(r, text, len, flags);

	if (!has_leniency(d)) {
		od = fuzz_diag_new();
		ost = mtasts_tlsrpt_parse(&other, text, len,
		                          flags ^ MTASTS_PARSE_LENIENT, od);
		FUZZ_ASSERT(ost == MTASTS_OK && mtasts_tlsrpt_equal(r, other),
		            "%s parse gives %s (%s), without any leniency "
		            "diagnostic in the %s parse",
		            flags ? "strict" : "lenient",
		            mtasts_status_name(ost),
		            mtasts_diag_code_name(mtasts_diag_code(od, 0)),
		            flags ? "lenient" : "strict");
		mtasts_tlsrpt_free(other);
		mtasts_diag_free(od);
	}

out:
	mtasts_tlsrpt_free(r);
	mtasts_diag_free(d);
	free((char *)text);
	return 0;
}
