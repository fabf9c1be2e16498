/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for mtasts_record_parse() (RFC 8461 §3.1).
 *
 * Input: byte 0 selects the flags, the rest is the record text.
 *   bit 0  MTASTS_PARSE_LENIENT
 *   bit 1  parse without a diagnostics list (a second parse with a list
 *          must then give the same result)
 * The other bits are ignored, so seed files start with '0' (strict), '1'
 * (lenient), '2' or '3' (the same without a list).
 *
 * On success: accessors in range non-NULL and out of range NULL, a valid
 * id, extensions that follow the grammar, the canonical form exactly what
 * the accessors say, a strict re-parse of it equal and formatting to the
 * same bytes, the builders giving an equal record, and a one-RR selection
 * choosing the same record. On failure: a negative status, *out NULL and
 * diagnostics that explain it (see fuzz.h). Either way, the general parser
 * alone (without the public parse's fast path) gives the same status,
 * record and diagnostics.
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

/* "v" or "id" in some case: registered names (fold) or exactly. */
static int
registered(const char *name, int fold)
{
	size_t n = strlen(name);

	if (fold)
		return (n == 1 && (name[0] == 'v' || name[0] == 'V')) ||
		       (n == 2 && mtasts__ascii_caseeq(name, "id", 2));
	return strcmp(name, "v") == 0 || strcmp(name, "id") == 0;
}

static char *
expected_form(const mtasts_record *r)
{
	size_t n = 32 + strlen(mtasts_record_id(r)), i;
	char *s;

	for (i = 0; i < mtasts_record_extension_count(r); i++)
		n += 4 + strlen(mtasts_record_extension_name(r, i)) +
		     strlen(mtasts_record_extension_value(r, i));
	s = malloc(n);
	FUZZ_ASSERT(s != NULL, "out of memory");
	strcpy(s, "v=STSv1; id=");
	strcat(s, mtasts_record_id(r));
	strcat(s, ";");
	for (i = 0; i < mtasts_record_extension_count(r); i++) {
		strcat(s, " ");
		strcat(s, mtasts_record_extension_name(r, i));
		strcat(s, "=");
		strcat(s, mtasts_record_extension_value(r, i));
		strcat(s, ";");
	}
	return s;
}

static char *
format(const mtasts_record *r)
{
	int n = mtasts_record_format(r, NULL, 0, 0);
	char *buf, *small, *alloc = FUZZ_SENTINEL, *want;
	size_t half;

	FUZZ_ASSERT(n > 0 && n <= MTASTS_RECORD_MAX_SIZE, "format length %d",
	            n);
	buf = malloc((size_t)n + 1);
	FUZZ_ASSERT(buf != NULL, "out of memory");
	FUZZ_ASSERT(mtasts_record_format(r, buf, (size_t)n + 1, 0) == n,
	            "second format gave another length");
	FUZZ_ASSERT(strlen(buf) == (size_t)n, "format wrote %zu bytes, said %d",
	            strlen(buf), n);
	half = (size_t)n / 2 + 1;
	small = malloc(half);
	FUZZ_ASSERT(small != NULL, "out of memory");
	FUZZ_ASSERT(mtasts_record_format(r, small, half, 0) == n,
	            "truncated format returned another length");
	FUZZ_ASSERT(strlen(small) == half - 1 &&
	                    memcmp(small, buf, half - 1) == 0,
	            "truncated format is not a prefix");
	free(small);
	FUZZ_ASSERT(mtasts_record_format(r, NULL, 0, MTASTS_FORMAT_LF) ==
	                    MTASTS_EINVAL,
	            "record format accepted a policy-only flag");
	FUZZ_ASSERT(mtasts_record_format_alloc(r, 0, &alloc) == MTASTS_OK &&
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

static void
check_reparse(const mtasts_record *r, const char *canon, unsigned int flags)
{
	mtasts_record *q = FUZZ_SENTINEL;
	mtasts_diag *d = fuzz_diag_new();
	size_t n = strlen(canon);
	char *again;
	int st;

	st = mtasts_record_parse(&q, canon, n, flags, d);
	FUZZ_ASSERT(st == MTASTS_OK && q != NULL,
	            "canonical form does not re-parse (%s, flags %u): %s at "
	            "column %u: %s\n--- canonical form ---\n%s",
	            mtasts_status_name(st), flags,
	            mtasts_diag_code_name(mtasts_diag_code(d, 0)),
	            mtasts_diag_column(d, 0),
	            mtasts_diag_message(d, 0) ? mtasts_diag_message(d, 0) : "",
	            canon);
	fuzz_check_diag(d, st, canon, n, FUZZ_POS_RECORD, 1);
	FUZZ_ASSERT(mtasts_record_equal(r, q) && mtasts_record_equal(q, r),
	            "re-parsed canonical form is another record");
	again = format(q);
	FUZZ_ASSERT(strcmp(again, canon) == 0,
	            "formatting is not a fixed point:\n%s\n---\n%s", canon,
	            again);
	free(again);
	mtasts_record_free(q);
	mtasts_diag_free(d);
}

static void
check_builders(const mtasts_record *r)
{
	mtasts_record_builder *b = FUZZ_SENTINEL;
	mtasts_record *q = FUZZ_SENTINEL;
	mtasts_diag *d = fuzz_diag_new();
	size_t i;
	int st, complete = 1;

	FUZZ_ASSERT(mtasts_record_builder_new(&b, r) == MTASTS_OK && b,
	            "builder_new(from) failed");
	st = mtasts_record_builder_build(b, &q, d);
	FUZZ_ASSERT(st == MTASTS_OK && q != NULL,
	            "builder_new(from) + build: %s (%s)",
	            mtasts_status_name(st),
	            mtasts_diag_message(d, 0) ? mtasts_diag_message(d, 0) : "");
	FUZZ_ASSERT(mtasts_record_equal(r, q) && mtasts_record_equal(q, r),
	            "builder_new(from) + build gives another record");
	mtasts_record_free(q);
	mtasts_record_builder_free(b);

	b = FUZZ_SENTINEL;
	FUZZ_ASSERT(mtasts_record_builder_new(&b, NULL) == MTASTS_OK && b,
	            "builder_new failed");
	st = mtasts_record_builder_set_id(b, mtasts_record_id(r), NULL);
	FUZZ_ASSERT(st == MTASTS_OK, "set_id(%s): %s", mtasts_record_id(r),
	            mtasts_status_name(st));
	for (i = 0; i < mtasts_record_extension_count(r); i++) {
		const char *name = mtasts_record_extension_name(r, i);
		const char *value = mtasts_record_extension_value(r, i);

		st = mtasts_record_builder_add_extension(b, name, value, NULL);
		if (registered(name, 1)) {
			FUZZ_ASSERT(
			        st == MTASTS_EINVAL,
			        "add_extension(%s) of a registered name: %s",
			        name, mtasts_status_name(st));
			complete = 0;
			continue;
		}
		FUZZ_ASSERT(st == MTASTS_OK,
		            "add_extension(%s=%s) refused what the parser "
		            "accepted: %s",
		            name, value, mtasts_status_name(st));
	}
	mtasts_diag_clear(d);
	q = FUZZ_SENTINEL;
	st = mtasts_record_builder_build(b, &q, d);
	FUZZ_ASSERT(st == MTASTS_OK && q != NULL, "build from fields: %s",
	            mtasts_status_name(st));
	FUZZ_ASSERT(!complete || mtasts_record_equal(r, q),
	            "build from fields gives another record");
	mtasts_record_free(q);
	mtasts_record_builder_free(b);
	mtasts_diag_free(d);
}

static void
check_record(const mtasts_record *r, unsigned int flags)
{
	const char *id = mtasts_record_id(r);
	size_t next = mtasts_record_extension_count(r), i, j;
	char *canon;

	FUZZ_ASSERT(id != NULL && mtasts_id_check(id) == MTASTS_OK,
	            "invalid id '%s'", id ? id : "(null)");
	FUZZ_ASSERT(next <= MTASTS_MAX_EXTENSIONS, "%zu extensions", next);
	for (i = 0; i < next; i++) {
		const char *name = mtasts_record_extension_name(r, i);
		const char *value = mtasts_record_extension_value(r, i);

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
			FUZZ_ASSERT(strcmp(name, mtasts_record_extension_name(
			                                 r, j)) != 0,
			            "extension '%s' kept twice", name);
	}
	FUZZ_ASSERT(
	        mtasts_record_extension_name(r, next) == NULL &&
	                mtasts_record_extension_value(r, next) == NULL &&
	                mtasts_record_extension_name(r, (size_t)-1) == NULL &&
	                mtasts_record_extension_value(r, (size_t)-1) == NULL,
	        "extension out of range is not NULL");
	FUZZ_ASSERT(mtasts_record_equal(r, r) &&
	                    !mtasts_record_equal(r, NULL) &&
	                    !mtasts_record_equal(NULL, r),
	            "record_equal with itself or NULL");

	canon = format(r);
	check_reparse(r, canon, MTASTS_PARSE_DEFAULT);
	for (i = 0; i < next; i++)
		if (registered(mtasts_record_extension_name(r, i), 1))
			break;
	if (i == next)
		check_reparse(r, canon, MTASTS_PARSE_LENIENT);
	free(canon);
	check_builders(r);
}

/* A text that parses is the one STSv1 record of a one-RR RRset. */
static void
check_select(const mtasts_record *r, const char *text, size_t len,
             unsigned int flags)
{
	mtasts_record *q = FUZZ_SENTINEL;
	size_t sel = 12345;
	int st;

	st = mtasts_record_select(&q, &sel, &text, &len, 1, flags, NULL);
	FUZZ_ASSERT(st == MTASTS_OK && sel == 0 && mtasts_record_equal(r, q),
	            "a parsed record is not selected from a one-RR RRset: %s, "
	            "index %zu",
	            mtasts_status_name(st), sel);
	mtasts_record_free(q);
}

/*
 * The public parse tries a fast path for the common shape first: the
 * general parser alone (lib/private.h) must give the same status, an equal
 * record and, with a list (d not NULL), the same diagnostics.
 */
static void
check_slow(int st, const mtasts_record *r, const mtasts_diag *d,
           const char *text, size_t len, unsigned int flags)
{
	struct mtasts__sink s;
	mtasts_diag *sd = d ? fuzz_diag_new() : NULL;
	void *o = NULL;
	int sst;

	mtasts__sink_init(&s, sd, flags);
	(void)mtasts__record_parse_slow(&o, text ? text : "", len, 1, &s);
	sst = mtasts__sink_result(&s);
	FUZZ_ASSERT(sst == st, "status %s, the general parser alone gives %s",
	            mtasts_status_name(st), mtasts_status_name(sst));
	if (st == MTASTS_OK)
		FUZZ_ASSERT(o != NULL && mtasts_record_equal(r, o),
		            "the general parser alone gives another record");
	if (sd)
		fuzz_same_diag(d, sd, 0, "parse", "general parser alone");
	mtasts_record_free(o);
	mtasts_diag_free(sd);
}

static void
check_failure(int st, const mtasts_record *r)
{
	FUZZ_ASSERT(st < 0, "status %d", st);
	FUZZ_ASSERT(r == NULL, "*out is not NULL after %s",
	            mtasts_status_name(st));
	FUZZ_ASSERT(st == MTASTS_ENOMEM || st == MTASTS_ETOOLARGE ||
	                    st == MTASTS_EVERSION || st == MTASTS_EID ||
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
	mtasts_record *r = FUZZ_SENTINEL, *q = FUZZ_SENTINEL;
	mtasts_record *other = FUZZ_SENTINEL;
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
		st = mtasts_record_parse(&r, text, len, flags, NULL);
		st2 = mtasts_record_parse(&q, text, len, flags, d);
		FUZZ_ASSERT(st == st2,
		            "status %s without diagnostics, %s with them",
		            mtasts_status_name(st), mtasts_status_name(st2));
		if (st == MTASTS_OK)
			FUZZ_ASSERT(mtasts_record_equal(r, q),
			            "another record with diagnostics");
		else
			check_failure(st2, q);
		mtasts_record_free(q);
	} else {
		st = mtasts_record_parse(&r, text, len, flags, d);
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
	/* printable US-ASCII, SP and HTAB only */
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
		ost = mtasts_record_parse(&other, text, len,
		                          flags ^ MTASTS_PARSE_LENIENT, od);
		FUZZ_ASSERT(ost == MTASTS_OK && mtasts_record_equal(r, other),
		            "%s parse gives %s (%s), without any leniency "
		            "diagnostic in the %s parse",
		            flags ? "strict" : "lenient",
		            mtasts_status_name(ost),
		            mtasts_diag_code_name(mtasts_diag_code(od, 0)),
		            flags ? "lenient" : "strict");
		mtasts_record_free(other);
		mtasts_diag_free(od);
	}

out:
	mtasts_record_free(r);
	mtasts_diag_free(d);
	free((char *)text);
	return 0;
}
