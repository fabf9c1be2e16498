/* SPDX-License-Identifier: MIT */
/*
 * The tag-list grammar shared by the STSv1 record (RFC 8461 §3.1) and the
 * TLSRPTv1 record (RFC 8460 §3): a version tag first, then
 * `*WSP ";" *WSP`-separated `name=value` fields, an optional final `;`.
 * Also the RRset selection rule common to both (R-05…; T-06…T-08,
 * TA-02).
 */
#include "private.h"

#include <string.h>

/* clang-format off: one line per role, as in struct mtasts__tag */
const struct mtasts__tag mtasts__tag_sts = {
	"v=STSv1", 7,      NULL,
	"R-02",    "R-03", "A-01, E-6285",
	"R-05",    "R-06", "no policy is published",
};
const struct mtasts__tag mtasts__tag_tlsrpt = {
	"v=TLSRPTv1", 10,     "rua",
	"T-02",       "T-03", "TA-02",
	"T-06",       "T-07", "TLSRPT is not implemented",
};
/* clang-format on */

/* The field named tag->list (any case when lenient: its callback warns). */
static int
is_list_field(const struct mtasts__tag *tag, const char *name, size_t n,
              int lenient)
{
	size_t ll;

	if (!tag->list)
		return 0;
	ll = strlen(tag->list);
	if (n != ll)
		return 0;
	return lenient ? mtasts__ascii_caseeq(name, tag->list, n)
	               : memcmp(name, tag->list, n) == 0;
}

/* The extent of a URI list starting at pos: runs of visible ASCII other
 * than ';' and ',' joined by *WSP "," *WSP (RFC 8460 tlsrpt-rua). Empty
 * elements are left for the field's parser to report. */
static size_t
list_span(const char *t, size_t pos, size_t e)
{
	for (;;) {
		size_t j;

		while (pos < e && MTASTS__IS(t[pos], MTASTS__C_VCHAR) &&
		       t[pos] != ';' && t[pos] != ',')
			pos++;
		for (j = pos; j < e && MTASTS__IS_WSP(t[j]); j++)
			;
		if (j == e || t[j] != ',')
			return pos;
		for (pos = j + 1; pos < e && MTASTS__IS_WSP(t[pos]); pos++)
			;
	}
}

/*
 * Lenient pre-processing: outer whitespace and one pair of quotes around
 * the text. Adjusts [*b, *e); reports when s is not NULL. Trailing
 * whitespace after a final ';' is grammatical and left alone.
 */
static void
trim(const char *t, size_t *b, size_t *e, struct mtasts__sink *s,
     const struct mtasts__loc *loc)
{
	int round;

	for (round = 0; round < 2; round++) {
		size_t x;

		if (*b < *e && MTASTS__IS_WSP(t[*b])) {
			if (s)
				mtasts__report(
				        s, MTASTS_D_OUTER_WHITESPACE,
				        MTASTS_SEVERITY_WARNING,
				        MTASTS__AT(loc, *b),
				        "whitespace before the record text "
				        "ignored (A-02)");
			while (*b < *e && MTASTS__IS_WSP(t[*b]))
				(*b)++;
		}
		x = *e;
		while (x > *b && MTASTS__IS_WSP(t[x - 1]))
			x--;
		if (x < *e && !(x > *b && t[x - 1] == ';')) {
			if (s)
				mtasts__report(
				        s, MTASTS_D_OUTER_WHITESPACE,
				        MTASTS_SEVERITY_WARNING,
				        MTASTS__AT(loc, x),
				        "whitespace after the record text "
				        "ignored (A-02)");
			*e = x;
		}
		if (round == 0 && *e - *b >= 2 && t[*b] == '"' &&
		    t[*e - 1] == '"') {
			if (s)
				mtasts__report(
				        s, MTASTS_D_QUOTED,
				        MTASTS_SEVERITY_WARNING,
				        MTASTS__AT(loc, *b),
				        "double quotes around the record "
				        "text ignored (zone-file syntax is "
				        "not part of the record)");
			(*b)++;
			(*e)--;
		} else {
			break;
		}
	}
}

/* Find word in t[b..e). */
static int
contains(const char *t, size_t b, size_t e, const char *word, size_t wl)
{
	size_t i;

	for (i = b; i + wl <= e; i++)
		if (memcmp(t + i, word, wl) == 0)
			return 1;
	return 0;
}

static void
version_error(const char *t, size_t b, size_t e, const struct mtasts__tag *tag,
              struct mtasts__sink *s, const struct mtasts__loc *loc)
{
	const char *tw = tag->word, *req = tag->r_version;
	size_t twl = tag->len;
	char q[MTASTS__QUOTE_MAX];
	size_t show = e - b < 24 ? e - b : 24;

	if (!s->diag) {
		/* only the status matters: skip choosing a message */
		mtasts__report_status(s, MTASTS_D_TXT_VERSION,
		                      MTASTS_SEVERITY_ERROR);
		return;
	}
	mtasts__quote(s, q, sizeof(q), t + b, show);
	if (MTASTS__IS_WSP(t[b]))
		mtasts__report(s, MTASTS_D_TXT_VERSION, MTASTS_SEVERITY_ERROR,
		               MTASTS__AT(loc, b),
		               "record starts with whitespace; it must start "
		               "with exactly '%s' (%s, A-02)",
		               tw, req);
	else if (t[b] == '"')
		mtasts__report(s, MTASTS_D_TXT_VERSION, MTASTS_SEVERITY_ERROR,
		               MTASTS__AT(loc, b),
		               "record starts with a double quote: give the "
		               "record text without zone-file quotes");
	else if (e - b >= twl && mtasts__ascii_caseeq(t + b, tw, twl))
		mtasts__report(s, MTASTS_D_TXT_VERSION, MTASTS_SEVERITY_ERROR,
		               MTASTS__AT(loc, b),
		               "the version tag is case-sensitive: expected "
		               "'%s', found %s (%s)",
		               tw, mtasts__quote(s, q, sizeof(q), t + b, twl),
		               req);
	else if (contains(t, b, e, tw, twl))
		mtasts__report(
		        s, MTASTS_D_TXT_VERSION, MTASTS_SEVERITY_ERROR,
		        MTASTS__AT(loc, b),
		        "'%s' must be the first field of the record (%s)", tw,
		        req);
	else
		mtasts__report(s, MTASTS_D_TXT_VERSION, MTASTS_SEVERITY_ERROR,
		               MTASTS__AT(loc, b),
		               "record must start with '%s', found %s (%s)", tw,
		               q, req);
}

/* Skip to the next ';' (error recovery). */
static size_t
skip_field(const char *t, size_t pos, size_t e)
{
	while (pos < e && t[pos] != ';')
		pos++;
	return pos;
}

/* Report the unexpected byte at t[pos] where `what` was expected. */
static void
unexpected(const char *t, size_t pos, size_t e, int code, const char *what,
           struct mtasts__sink *s, const struct mtasts__loc *loc)
{
	unsigned char c;
	char q[MTASTS__QUOTE_MAX];

	if (pos >= e) {
		mtasts__report(s, code, MTASTS_SEVERITY_ERROR,
		               MTASTS__AT(loc, pos), "expected %s at the end",
		               what);
		return;
	}
	c = (unsigned char)t[pos];
	if (c < 0x20 || c >= 0x7F) {
		if (c != '\t') {
			mtasts__report_byte(s, c, loc, pos, "record");
			return;
		}
	}
	mtasts__report(s, code, MTASTS_SEVERITY_ERROR, MTASTS__AT(loc, pos),
	               "expected %s, found %s", what,
	               mtasts__quote(s, q, sizeof(q), t + pos, 1));
}

int
mtasts__txt_parse(const char *t, size_t len, const struct mtasts__tag *tag,
                  unsigned int line, struct mtasts__sink *s,
                  mtasts__txt_field_fn fn, void *ctx)
{
	struct mtasts__loc loc = { line, 1, 0 };
	const char *tw = tag->word;
	size_t twl = tag->len;
	size_t b = 0, e = len, pos;
	int lenient = (s->flags & MTASTS_PARSE_LENIENT) != 0;
	int fields = 0, started = 0, first = 1;

	if (lenient)
		trim(t, &b, &e, s, &loc);
	if (b == e) {
		mtasts__report(s, MTASTS_D_EMPTY, MTASTS_SEVERITY_ERROR,
		               MTASTS__AT(&loc, b), "empty record");
		return -1;
	}

	/* sts-version: the exact, case-sensitive tag */
	if (e - b >= twl && memcmp(t + b, tw, twl) == 0) {
		/* exact */
	} else if (lenient && e - b >= twl && t[b] == 'V' &&
	           memcmp(t + b + 1, tw + 1, twl - 1) == 0) {
		mtasts__report(s, MTASTS_D_TXT_NAME_CASE,
		               MTASTS_SEVERITY_WARNING, MTASTS__AT(&loc, b),
		               "'V=' read as 'v=' (field names are "
		               "case-sensitive)");
	} else {
		version_error(t, b, e, tag, s, &loc);
		return -1;
	}
	pos = b + twl;
	if (pos < e && !MTASTS__IS_WSP(t[pos]) && t[pos] != ';') {
		char q[MTASTS__QUOTE_MAX];
		size_t x = pos;

		while (x < e && !MTASTS__IS_WSP(t[x]) && t[x] != ';')
			x++;
		mtasts__report(
		        s, MTASTS_D_TXT_VERSION, MTASTS_SEVERITY_ERROR,
		        MTASTS__AT(&loc, b),
		        "version must be exactly '%s', found %s (%s)", tw + 2,
		        mtasts__quote(s, q, sizeof(q), t + b + 2, x - b - 2),
		        tag->r_version);
		return -1;
	}

	for (;;) {
		struct mtasts__txt_field f;
		size_t ws = pos, ns, vs;

		/* Without a list, the first error is all the call returns. */
		if (!s->diag && s->status != MTASTS_OK)
			return -1;
		/* sts-field-delim = *WSP ";" *WSP */
		while (pos < e && MTASTS__IS_WSP(t[pos]))
			pos++;
		if (pos == e) {
			if (!started)
				mtasts__report(s, MTASTS_D_TXT_NO_FIELDS,
				               MTASTS_SEVERITY_ERROR,
				               MTASTS__AT(&loc, ws),
				               "no field after '%s' (%s)", tw,
				               tag->r_fields);
			else if (pos > ws)
				mtasts__report(
				        s, MTASTS_D_TXT_SYNTAX,
				        MTASTS_SEVERITY_ERROR,
				        MTASTS__AT(&loc, ws),
				        "whitespace after the last field: end "
				        "the record with ';' or remove it "
				        "(A-02)");
			break;
		}
		if (t[pos] != ';') {
			unexpected(t, pos, e, MTASTS_D_TXT_SYNTAX,
			           first ? "';' after the version"
			                 : "';' between fields",
			           s, &loc);
			started = 1;
			pos = skip_field(t, pos, e);
			if (pos == e)
				break;
		} else if (first && pos > ws) {
			mtasts__report(
			        s, MTASTS_D_TXT_SPACE_BEFORE_SEMICOLON,
			        MTASTS_SEVERITY_WARNING, MTASTS__AT(&loc, ws),
			        "whitespace between '%s' and ';': valid, "
			        "but senders that look for '%s;' discard "
			        "this record (%s)",
			        tw, tw, tag->r_filter);
		}
		first = 0;
		pos++; /* ';' */
		while (pos < e && MTASTS__IS_WSP(t[pos]))
			pos++;
		if (pos == e) {
			if (!started)
				mtasts__report(s, MTASTS_D_TXT_NO_FIELDS,
				               MTASTS_SEVERITY_ERROR,
				               MTASTS__AT(&loc, pos),
				               "no field after '%s' (%s)", tw,
				               tag->r_fields);
			break;
		}
		if (t[pos] == ';') {
			mtasts__report(s, MTASTS_D_TXT_EMPTY_FIELD,
			               MTASTS_SEVERITY_ERROR,
			               MTASTS__AT(&loc, pos),
			               "empty field: two ';' in a row");
			continue;
		}
		started = 1;

		/* name "=" value */
		ns = pos;
		while (pos < e && MTASTS__IS(t[pos], MTASTS__C_NAME))
			pos++;
		if (pos == e || t[pos] != '=') {
			size_t x = pos;

			while (x < e && MTASTS__IS_WSP(t[x]))
				x++;
			if (pos > ns && x > pos && x < e && t[x] == '=') {
				mtasts__report(
				        s, MTASTS_D_TXT_SYNTAX,
				        MTASTS_SEVERITY_ERROR,
				        MTASTS__AT(&loc, pos),
				        "whitespace before '=' is not allowed");
				if (MTASTS__NAME_OK(t + ns, pos - ns)) {
					/* the field is there, with a bad shape */
					f.name = t + ns;
					f.name_len = pos - ns;
					f.name_loc = loc;
					f.name_loc.col += (unsigned int)ns;
					f.name_loc.off += ns;
					f.value = t + x + 1;
					f.value_len = 0;
					f.value_loc = f.name_loc;
					f.bad = 1;
					fn(ctx, &f, s);
				}
			} else if (pos > ns && (pos == e || t[pos] == ';' ||
			                        MTASTS__IS_WSP(t[pos])))
				mtasts__report(s, MTASTS_D_TXT_FIELD_NAME,
				               MTASTS_SEVERITY_ERROR,
				               MTASTS__AT(&loc, ns),
				               "field without '=' and value");
			else if (pos == ns && t[pos] == '=')
				mtasts__report(s, MTASTS_D_TXT_FIELD_NAME,
				               MTASTS_SEVERITY_ERROR,
				               MTASTS__AT(&loc, pos),
				               "missing field name before '='");
			else
				unexpected(
				        t, pos, e, MTASTS_D_TXT_FIELD_NAME,
				        "a field name (letters, digits, '_', "
				        "'-', '.') and '='",
				        s, &loc);
			pos = skip_field(t, pos, e);
			continue;
		}
		f.name = t + ns;
		f.name_len = pos - ns;
		f.name_loc = loc;
		f.name_loc.col += (unsigned int)ns;
		f.name_loc.off += ns;
		f.bad = 0;
		if (!MTASTS__NAME_OK(f.name, f.name_len) &&
		    !mtasts__ext_name_check(f.name, f.name_len, s, &f.name_loc,
		                            MTASTS_D_TXT_FIELD_NAME)) {
			pos = skip_field(t, pos, e);
			continue;
		}
		pos++; /* '=' */
		vs = pos;
		if (is_list_field(tag, f.name, f.name_len, lenient))
			pos = list_span(t, pos, e);
		else
			pos += mtasts__txtval_span(t + pos, e - pos);
		if (pos < e && !MTASTS__IS_WSP(t[pos]) && t[pos] != ';') {
			if (t[pos] == '=')
				mtasts__report(
				        s, MTASTS_D_TXT_FIELD_VALUE,
				        MTASTS_SEVERITY_ERROR,
				        MTASTS__AT(&loc, pos),
				        "'=' is not allowed in a field value");
			else
				mtasts__report_byte(s, (unsigned char)t[pos],
				                    &loc, pos, "field value");
			f.bad = 1;
		} else if (pos == vs) {
			if (pos < e && MTASTS__IS_WSP(t[pos]))
				mtasts__report(
				        s, MTASTS_D_TXT_SYNTAX,
				        MTASTS_SEVERITY_ERROR,
				        MTASTS__AT(&loc, pos),
				        "whitespace after '=' is not allowed");
			else
				mtasts__report(s, MTASTS_D_TXT_FIELD_VALUE,
				               MTASTS_SEVERITY_ERROR,
				               MTASTS__AT(&loc, pos),
				               "empty field value");
			f.bad = 1;
		}
		f.value = t + vs;
		f.value_len = pos - vs;
		f.value_loc = loc;
		f.value_loc.col += (unsigned int)vs;
		f.value_loc.off += vs;
		if (f.bad)
			pos = skip_field(t, pos, e);
		else
			fields++;
		fn(ctx, &f, s);
	}
	return fields;
}

/* ---- RRset selection ---------------------------------------------------- */

/* A byte cursor over either a flat text or wire RDATA (length-prefixed
 * character-strings), so that both are read by one piece of code. */
struct cursor {
	const unsigned char *p;
	size_t n;
	size_t i;
	size_t seg_end;
	int wire;
};

static void
cursor_init(struct cursor *c, const void *p, size_t n, int wire)
{
	c->p = p;
	c->n = n;
	c->i = 0;
	c->seg_end = wire ? 0 : n;
	c->wire = wire;
}

static int
cursor_next(struct cursor *c)
{
	while (c->i == c->seg_end) {
		if (!c->wire || c->i >= c->n)
			return -1;
		c->seg_end = c->i + 1 + c->p[c->i];
		c->i++;
	}
	return c->p[c->i++];
}

/* Copy up to size bytes of the joined text; returns the joined length. */
static size_t
cursor_join(const void *p, size_t n, int wire, char *buf, size_t size)
{
	struct cursor c;
	size_t k = 0;
	int ch;

	cursor_init(&c, p, n, wire);
	while ((ch = cursor_next(&c)) >= 0) {
		if (k < size)
			buf[k] = (char)ch;
		k++;
	}
	return k;
}

/* Wire RDATA is well-formed: one or more strings, lengths within bounds. */
static int
rdata_ok(const unsigned char *p, size_t n)
{
	size_t i = 0;

	if (n == 0)
		return 0;
	while (i < n) {
		i += 1 + (size_t)p[i];
		if (i > n)
			return 0;
	}
	return 1;
}

/*
 * R-05 / T-06 with A-01 / TA-02: the text begins with "v=<tag>" *WSP ";".
 * Lenient: after exactly what the parser forgives (trim(): outer
 * whitespace, one pair of quotes) and with "V=", so that selection and
 * parsing never disagree on what a record is.
 */
static int
is_candidate(const char *t, size_t len, const struct mtasts__tag *tag,
             unsigned int flags)
{
	int lenient = (flags & MTASTS_PARSE_LENIENT) != 0;
	size_t b = 0, e = len, i;

	if (lenient)
		trim(t, &b, &e, NULL, NULL);
	if (e - b < tag->len || !(t[b] == 'v' || (lenient && t[b] == 'V')) ||
	    memcmp(t + b + 1, tag->word + 1, tag->len - 1) != 0)
		return 0;
	for (i = b + tag->len; i < e && MTASTS__IS_WSP(t[i]); i++)
		;
	return i < e && t[i] == ';';
}

/* A discarded RR that looks like a mistyped record: after quotes and
 * whitespace, "v=<tag>" in any case, not followed by a letter or digit. */
static int
near_miss(const char *pre, size_t n, const char *tw, size_t twl)
{
	size_t b = 0, e = n;

	while (b < e && (MTASTS__IS_WSP(pre[b]) || pre[b] == '"'))
		b++;
	if (e - b < twl || !mtasts__ascii_caseeq(pre + b, tw, twl))
		return 0;
	return e - b == twl || !MTASTS__IS_ALNUM(pre[b + twl]);
}

/* The RRs being selected from: joined texts or wire RDATA. */
struct rrs {
	const char *const *text;
	const unsigned char *const *rdata;
	int wire;
};

static const void *
rr_at(const struct rrs *r, size_t i)
{
	return r->wire ? (const void *)r->rdata[i] : (const void *)r->text[i];
}

static int
select_core(void **out, size_t *selected, const struct rrs *r,
            const size_t *lens, size_t count, const struct mtasts__tag *tag,
            mtasts__txt_parse_fn parse, unsigned int flags, mtasts_diag *diag)
{
	int wire = r->wire;
	const char *tw = tag->word;
	size_t twl = tag->len, i, ncand = 0, first = MTASTS_NO_INDEX;
	struct mtasts__sink s;
	char buf[MTASTS_RECORD_MAX_SIZE];
	unsigned char cand[MTASTS_RRSET_MAX];

	if (selected)
		*selected = MTASTS_NO_INDEX;
	if (!out)
		return MTASTS_EINVAL;
	*out = NULL;
	if ((count && ((wire ? !r->rdata : !r->text) || !lens)) ||
	    (flags & ~MTASTS_PARSE_LENIENT))
		return MTASTS_EINVAL;
	for (i = 0; i < count; i++)
		if (!rr_at(r, i) && lens[i])
			return MTASTS_EINVAL;
	mtasts__sink_init(&s, diag, flags);
	if (count > MTASTS_RRSET_MAX) {
		mtasts__report(&s, MTASTS_D_TOO_MANY_RECORDS,
		               MTASTS_SEVERITY_ERROR, 0, 0, 0,
		               "%zu TXT records; at most %d are examined",
		               count, MTASTS_RRSET_MAX);
		return mtasts__sink_result(&s);
	}

	for (i = 0; i < count; i++) {
		const char *txt;
		size_t n;
		unsigned int fl = flags;

		if (wire) {
			if (!rdata_ok(rr_at(r, i), lens[i])) {
				mtasts__report(
				        &s, MTASTS_D_BAD_RDATA,
				        MTASTS_SEVERITY_WARNING,
				        (unsigned int)i + 1, 0, 0,
				        "TXT RDATA is malformed "
				        "(character-string lengths overrun "
				        "%zu bytes); record discarded",
				        lens[i]);
				continue;
			}
			n = cursor_join(rr_at(r, i), lens[i], 1, buf,
			                sizeof(buf));
			if (n > sizeof(buf)) {
				/* too large to parse anyway: judge it by its
				 * beginning, without the lenient trimming that
				 * would need its end */
				n = sizeof(buf);
				fl &= ~MTASTS_PARSE_LENIENT;
			}
			txt = buf;
		} else {
			txt = r->text[i];
			n = lens[i];
			if (n > sizeof(buf)) {
				/* the same rule as for wire RDATA, so that
				 * both entry points agree */
				n = sizeof(buf);
				fl &= ~MTASTS_PARSE_LENIENT;
			}
		}
		cand[i] = (unsigned char)is_candidate(txt, n, tag, fl);
		if (cand[i]) {
			if (ncand++ == 0)
				first = i;
		} else if (near_miss(txt, n < 64 ? n : 64, tw, twl)) {
			mtasts__report(&s, MTASTS_D_RRSET_DISCARDED,
			               MTASTS_SEVERITY_WARNING,
			               (unsigned int)i + 1, 1, 0,
			               "record discarded: it does not begin "
			               "with exactly '%s;' (%s)",
			               tw, tag->r_discard);
		}
	}
	if (ncand == 0) {
		mtasts__report(&s, MTASTS_D_RRSET_NONE, MTASTS_SEVERITY_ERROR,
		               0, 0, 0,
		               "none of the %zu TXT records begins with '%s;': "
		               "%s (%s)",
		               count, tw, tag->none, tag->r_one);
		return mtasts__sink_result(&s);
	}
	if (ncand > 1) {
		size_t k = 0;

		for (i = first; i < count; i++) {
			if (!cand[i])
				continue;
			mtasts__report(
			        &s, MTASTS_D_RRSET_MULTIPLE,
			        MTASTS_SEVERITY_ERROR, (unsigned int)i + 1, 1,
			        0,
			        "'%s' record %zu of %zu: exactly one must "
			        "be published, so none is used (%s)",
			        tw, ++k, ncand, tag->r_one);
		}
		return mtasts__sink_result(&s);
	}

	if (selected)
		*selected = first;
	if (!wire) {
		(void)parse(out, r->text[first], lens[first],
		            (unsigned int)first + 1, &s);
	} else {
		size_t n = cursor_join(r->rdata[first], lens[first], 1, buf,
		                       sizeof(buf));

		if (n > sizeof(buf))
			mtasts__report(
			        &s, MTASTS_D_TOO_LARGE, MTASTS_SEVERITY_ERROR,
			        (unsigned int)first + 1, 0, 0,
			        "record is %zu bytes long; at most %d are "
			        "accepted",
			        n, MTASTS_RECORD_MAX_SIZE);
		else
			(void)parse(out, buf, n, (unsigned int)first + 1, &s);
	}
	return mtasts__sink_result(&s);
}

int
mtasts__txt_select(void **out, size_t *selected, const char *const *rrs,
                   const size_t *lens, size_t count,
                   const struct mtasts__tag *tag, mtasts__txt_parse_fn parse,
                   unsigned int flags, mtasts_diag *diag)
{
	struct rrs r;

	r.text = rrs;
	r.rdata = NULL;
	r.wire = 0;
	return select_core(out, selected, &r, lens, count, tag, parse, flags,
	                   diag);
}

int
mtasts__txt_select_rdata(void **out, size_t *selected,
                         const unsigned char *const *rdata, const size_t *lens,
                         size_t count, const struct mtasts__tag *tag,
                         mtasts__txt_parse_fn parse, unsigned int flags,
                         mtasts_diag *diag)
{
	struct rrs r;

	r.text = NULL;
	r.rdata = rdata;
	r.wire = 1;
	return select_core(out, selected, &r, lens, count, tag, parse, flags,
	                   diag);
}
