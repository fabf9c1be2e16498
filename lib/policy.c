/* SPDX-License-Identifier: MIT */
/*
 * The policy file (RFC 8461 §3.2): one validating pass over the lines,
 * writing straight into a single allocation sized from the input length,
 * so a parse costs exactly one malloc and a policy is freed with one free.
 */
#include "private.h"

#include <stdlib.h>
#include <string.h>

enum kind { K_EXT = 0, K_VERSION, K_MODE, K_MAX_AGE, K_MX };

static const char *const kind_name[] = { "", "version", "mode", "max_age",
	                                 "mx" };

struct pstate {
	const char *t;
	size_t len;
	struct mtasts__sink *s;
	struct mtasts_policy *p;
	size_t cap_mx;
	size_t cap_ext;
	char *w;                /* where the next string goes */
	unsigned int seen[5];   /* line of the first occurrence, 0 = none */
	unsigned int case_seen; /* kinds seen with another case (strict) */
	unsigned int mx_lines;
	int too_many_mx;
	int too_many_ext;
	int mode_ok;
};

/* Registered names are case-sensitive %s literals. */
static enum kind
classify(const char *n, size_t len, int fold)
{
	int (*eq)(const char *, const char *, size_t) =
	        fold ? mtasts__ascii_caseeq : NULL;

	switch (len) {
	case 2:
		if (fold ? eq(n, "mx", 2) : (n[0] == 'm' && n[1] == 'x'))
			return K_MX;
		break;
	case 4:
		if (fold ? eq(n, "mode", 4) : memcmp(n, "mode", 4) == 0)
			return K_MODE;
		break;
	case 7:
		if (fold ? eq(n, "version", 7) : memcmp(n, "version", 7) == 0)
			return K_VERSION;
		if (fold ? eq(n, "max_age", 7) : memcmp(n, "max_age", 7) == 0)
			return K_MAX_AGE;
		break;
	default:
		break;
	}
	return K_EXT;
}

static char *
put(struct pstate *st, const char *p, size_t n)
{
	char *r = st->w;

	memcpy(r, p, n);
	r[n] = '\0';
	st->w += n + 1;
	return r;
}

static int
mode_of(const char *v, size_t n)
{
	if (n == 7 && memcmp(v, "enforce", 7) == 0)
		return MTASTS_MODE_ENFORCE;
	if (n == 7 && memcmp(v, "testing", 7) == 0)
		return MTASTS_MODE_TESTING;
	if (n == 4 && memcmp(v, "none", 4) == 0)
		return MTASTS_MODE_NONE;
	return 0;
}

static void
field_version(struct pstate *st, const char *v, size_t n,
              const struct mtasts__loc *vl)
{
	char q[MTASTS__QUOTE_MAX];

	if (n == 5 && memcmp(v, "STSv1", 5) == 0)
		return;
	mtasts__report(st->s, MTASTS_D_POLICY_VERSION_INVALID,
	               MTASTS_SEVERITY_ERROR, MTASTS__AT(vl, 0),
	               "version must be 'STSv1', found %s%s (R-14)",
	               mtasts__quote(st->s, q, sizeof(q), v, n),
	               (n == 5 && mtasts__ascii_caseeq(v, "STSv1", 5))
	                       ? "; the value is case-sensitive"
	                       : "");
}

static void
field_mode(struct pstate *st, const char *v, size_t n,
           const struct mtasts__loc *vl)
{
	char q[MTASTS__QUOTE_MAX];
	int m = mode_of(v, n);

	if (m) {
		st->p->mode = m;
		st->mode_ok = 1;
		return;
	}
	mtasts__report(st->s, MTASTS_D_POLICY_MODE_INVALID,
	               MTASTS_SEVERITY_ERROR, MTASTS__AT(vl, 0),
	               "mode must be 'enforce', 'testing' or 'none', found "
	               "%s%s (R-15)",
	               mtasts__quote(st->s, q, sizeof(q), v, n),
	               ((n == 7 && (mtasts__ascii_caseeq(v, "enforce", 7) ||
	                            mtasts__ascii_caseeq(v, "testing", 7))) ||
	                (n == 4 && mtasts__ascii_caseeq(v, "none", 4)))
	                       ? "; values are case-sensitive (A-06)"
	                       : "");
}

static void
field_max_age(struct pstate *st, const char *v, size_t n,
              const struct mtasts__loc *vl)
{
	char q[MTASTS__QUOTE_MAX];
	uint64_t x = 0;
	size_t i;

	if (n == 0) {
		mtasts__report(st->s, MTASTS_D_POLICY_MAX_AGE_INVALID,
		               MTASTS_SEVERITY_ERROR, MTASTS__AT(vl, 0),
		               "empty max_age (R-16)");
		return;
	}
	for (i = 0; i < n; i++) {
		if (!MTASTS__IS(v[i], MTASTS__C_DIGIT)) {
			mtasts__report(
			        st->s, MTASTS_D_POLICY_MAX_AGE_INVALID,
			        MTASTS_SEVERITY_ERROR, MTASTS__AT(vl, i),
			        "max_age must be 1 to 10 decimal digits, "
			        "found %s (R-16)",
			        mtasts__quote(st->s, q, sizeof(q), v, n));
			return;
		}
	}
	if (n > 10) {
		mtasts__report(st->s, MTASTS_D_POLICY_MAX_AGE_INVALID,
		               MTASTS_SEVERITY_ERROR, MTASTS__AT(vl, 10),
		               "max_age has %zu digits; at most 10 are allowed "
		               "(R-16, E-7282)",
		               n);
		return;
	}
	for (i = 0; i < n; i++)
		x = x * 10 + (uint64_t)(v[i] - '0');
	if (x > MTASTS_MAX_AGE_MAX) {
		mtasts__report(st->s, MTASTS_D_POLICY_MAX_AGE_RANGE,
		               MTASTS_SEVERITY_ERROR, MTASTS__AT(vl, 0),
		               "max_age %s is above the maximum of 31557600 "
		               "seconds (R-16, A-07)",
		               mtasts__quote(st->s, q, sizeof(q), v, n));
		return;
	}
	st->p->max_age = (uint32_t)x;
}

static void
field_mx(struct pstate *st, const char *v, size_t n,
         const struct mtasts__loc *vl)
{
	struct mtasts__mx *m;

	st->mx_lines++;
	/* One pass validates and writes the canonical lower-case form
	 * (RFC 4343); only an invalid pattern is examined again, to report. */
	if (!mtasts__mx_lower(v, n, st->w)) {
		(void)mtasts__mx_check(v, n, st->s, vl);
		return;
	}
	if (st->p->n_mx >= MTASTS_POLICY_MAX_MX || st->p->n_mx >= st->cap_mx) {
		if (!st->too_many_mx)
			mtasts__report(st->s, MTASTS_D_TOO_MANY_MX,
			               MTASTS_SEVERITY_ERROR, MTASTS__AT(vl, 0),
			               "more than %d mx lines",
			               MTASTS_POLICY_MAX_MX);
		st->too_many_mx = 1;
		return;
	}
	m = &st->p->mx[st->p->n_mx++];
	m->text = st->w;
	m->len = (uint32_t)n;
	m->wild = v[0] == '*';
	st->w[n] = '\0';
	st->w += n + 1;
}

static void
field_ext(struct pstate *st, const char *name, size_t nl, const char *v,
          size_t n, const struct mtasts__loc *nloc,
          const struct mtasts__loc *vl)
{
	struct mtasts_policy *p = st->p;
	char q[MTASTS__QUOTE_MAX];
	size_t i;

	if (!mtasts__policy_ext_value_check(v, n, st->s, vl))
		return;
	if (nl + 2 + n > MTASTS_POLICY_MAX_LINE) {
		/* the canonical line "name: value" must fit the cap too, or
		 * the canonical form would not parse again */
		mtasts__report(st->s, MTASTS_D_LINE_TOO_LONG,
		               MTASTS_SEVERITY_ERROR, MTASTS__AT(nloc, 0),
		               "the canonical form of this line is %zu bytes "
		               "long; at most %d are allowed",
		               nl + 2 + n, MTASTS_POLICY_MAX_LINE);
		return;
	}
	for (i = 0; i < p->n_ext; i++) {
		if (strlen(p->ext[i].name) == nl &&
		    memcmp(p->ext[i].name, name, nl) == 0) {
			mtasts__report(
			        st->s, MTASTS_D_POLICY_DUPLICATE,
			        MTASTS_SEVERITY_WARNING, MTASTS__AT(nloc, 0),
			        "later %s field ignored: the first one "
			        "wins (R-11)",
			        mtasts__quote(st->s, q, sizeof(q), name, nl));
			return;
		}
	}
	if (p->n_ext >= MTASTS_MAX_EXTENSIONS || p->n_ext >= st->cap_ext) {
		if (!st->too_many_ext)
			mtasts__report(st->s, MTASTS_D_TOO_MANY_EXTENSIONS,
			               MTASTS_SEVERITY_ERROR,
			               MTASTS__AT(nloc, 0),
			               "more than %d extension fields",
			               MTASTS_MAX_EXTENSIONS);
		st->too_many_ext = 1;
		return;
	}
	p->ext[p->n_ext].name = put(st, name, nl);
	p->ext[p->n_ext].value = put(st, v, n);
	p->n_ext++;
}

/* Explain a line whose name is not followed by ':'. */
static void
no_colon(struct pstate *st, size_t ns, size_t p, size_t ce,
         const struct mtasts__loc *L)
{
	const char *t = st->t;
	char q[MTASTS__QUOTE_MAX];

	/* p may be ce (the name ends the line, and maybe the input) */
	if (p < ce && memchr(t + p, ':', ce - p)) {
		unsigned char c = (unsigned char)t[p];

		if (c < 0x20 || c >= 0x7F)
			mtasts__report_byte(st->s, c, L, p, "field name");
		else
			mtasts__report(
			        st->s, MTASTS_D_POLICY_FIELD_NAME,
			        MTASTS_SEVERITY_ERROR, MTASTS__AT(L, p),
			        "%s is not allowed in a field name",
			        mtasts__quote(st->s, q, sizeof(q), t + p, 1));
		return;
	}
	mtasts__report(st->s, MTASTS_D_POLICY_NO_COLON, MTASTS_SEVERITY_ERROR,
	               MTASTS__AT(L, ns),
	               "line %s has no ':'; every line must be 'name: value'%s",
	               mtasts__quote(st->s, q, sizeof(q), t + ns, ce - ns),
	               memchr(t + ns, '=', ce - ns)
	                       ? " (policy lines use ':', not '=')"
	                       : "");
}

/* The field whose name is t[ns..ns+nl) and whose ':' is at q, on the
 * line ending at ce; k is its kind as far as the caller could tell. */
static void
do_field(struct pstate *st, enum kind k, size_t ns, size_t nl, size_t q,
         size_t ce, const struct mtasts__loc *L, unsigned int lineno)
{
	const char *t = st->t;
	struct mtasts__sink *s = st->s;
	struct mtasts__loc nloc, vloc;
	size_t vb, ve;
	char qb[MTASTS__QUOTE_MAX];

	nloc = *L;
	nloc.col += (unsigned int)ns;
	nloc.off = ns;

	/* sts-policy-field-delim = ":" *WSP; then the value, then *WSP */
	vb = q + 1;
	while (vb < ce && MTASTS__IS_WSP(t[vb]))
		vb++;
	ve = ce;
	while (ve > vb && MTASTS__IS_WSP(t[ve - 1]))
		ve--;
	vloc = *L;
	vloc.col += (unsigned int)vb;
	vloc.off = vb;

	if (k == K_EXT && nl <= 7) {
		enum kind ck = classify(t + ns, nl, 1);

		if (ck != K_EXT) {
			mtasts__quote(s, qb, sizeof(qb), t + ns, nl);
			if (s->flags & MTASTS_PARSE_LENIENT) {
				mtasts__report(
				        s, MTASTS_D_POLICY_NAME_CASE,
				        MTASTS_SEVERITY_WARNING,
				        MTASTS__AT(&nloc, 0),
				        "field name %s read as '%s' (names "
				        "are case-sensitive, A-06)",
				        qb, kind_name[ck]);
				k = ck;
			} else {
				mtasts__report(
				        s, MTASTS_D_POLICY_NAME_CASE,
				        MTASTS_SEVERITY_WARNING,
				        MTASTS__AT(&nloc, 0),
				        "field name %s is not '%s' (names "
				        "are case-sensitive, A-06): kept as "
				        "an unknown extension",
				        qb, kind_name[ck]);
				st->case_seen |= 1u << ck;
			}
		}
	}
	if (k == K_EXT) {
		field_ext(st, t + ns, nl, t + vb, ve - vb, &nloc, &vloc);
		return;
	}
	if (k != K_MX && st->seen[k]) {
		/* ignored whatever its value, but no line may hold
		 * bytes the grammar never allows */
		mtasts__bytes_check(t + vb, ve - vb, s, &vloc);
		mtasts__report(s, MTASTS_D_POLICY_DUPLICATE,
		               MTASTS_SEVERITY_WARNING, MTASTS__AT(&nloc, 0),
		               "later '%s' ignored: the first one, on line %u, "
		               "wins (R-11, A-13)",
		               kind_name[k], st->seen[k]);
		return;
	}
	st->seen[k] = lineno;
	switch (k) {
	case K_VERSION:
		field_version(st, t + vb, ve - vb, &vloc);
		break;
	case K_MODE:
		field_mode(st, t + vb, ve - vb, &vloc);
		break;
	case K_MAX_AGE:
		field_max_age(st, t + vb, ve - vb, &vloc);
		break;
	default:
		field_mx(st, t + vb, ve - vb, &vloc);
		break;
	}
}

/* One of the four registered names, exact, followed by ':' at the start of
 * p[0..n): the common line, recognised without scanning the name. Returns
 * its kind and sets *nl to the name length, or K_EXT. */
static enum kind
prefix_kind(const char *p, size_t n, size_t *nl)
{
	if (n >= 3 && p[0] == 'm') {
		if (p[1] == 'x' && p[2] == ':') {
			*nl = 2;
			return K_MX;
		}
		if (n >= 5 && memcmp(p, "mode:", 5) == 0) {
			*nl = 4;
			return K_MODE;
		}
		if (n >= 8 && memcmp(p, "max_age:", 8) == 0) {
			*nl = 7;
			return K_MAX_AGE;
		}
	} else if (n >= 8 && memcmp(p, "version:", 8) == 0) {
		*nl = 7;
		return K_VERSION;
	}
	return K_EXT;
}

/* The line [ls, ce) whose byte 0 sits at column 1 + ls - base. */
static void
do_line(struct pstate *st, size_t ls, size_t ce, size_t base,
        unsigned int lineno)
{
	const char *t = st->t;
	struct mtasts__sink *s = st->s;
	struct mtasts__loc L;
	size_t p = ls, q, ns, nl;
	char qb[MTASTS__QUOTE_MAX];
	enum kind k;

	/* L locates offset 0 of the input on this line. */
	L.line = lineno;
	L.col = 1 - (unsigned int)base;
	L.off = 0;

	if (ce - base > MTASTS_POLICY_MAX_LINE) {
		mtasts__report(s, MTASTS_D_LINE_TOO_LONG, MTASTS_SEVERITY_ERROR,
		               MTASTS__AT(&L, base + MTASTS_POLICY_MAX_LINE),
		               "line is %zu bytes long; at most %d are allowed",
		               ce - base, MTASTS_POLICY_MAX_LINE);
		return;
	}
	k = prefix_kind(t + ls, ce - ls, &nl);
	if (k != K_EXT) {
		do_field(st, k, ls, nl, ls + nl, ce, &L, lineno);
		return;
	}
	while (p < ce && MTASTS__IS_WSP(t[p]))
		p++;
	if (p == ce) {
		mtasts__report(s, MTASTS_D_POLICY_EMPTY_LINE,
		               MTASTS__SEV_LENIENT(s), MTASTS__AT(&L, ls),
		               ls == ce ? "empty line (A-05)"
		                        : "whitespace-only line (A-05)");
		return;
	}
	if (p > ls)
		mtasts__report(s, MTASTS_D_POLICY_LEADING_WHITESPACE,
		               MTASTS__SEV_LENIENT(s), MTASTS__AT(&L, ls),
		               "whitespace before the field name (A-05)");

	ns = p;
	while (p < ce && MTASTS__IS(t[p], MTASTS__C_NAME))
		p++;
	nl = p - ns;
	if (nl == 0) {
		unsigned char c = (unsigned char)t[ns];

		if (c == '#')
			mtasts__report(s, MTASTS_D_POLICY_FIELD_NAME,
			               MTASTS_SEVERITY_ERROR,
			               MTASTS__AT(&L, ns),
			               "comments are not allowed in a policy "
			               "(A-05)");
		else if (c == '<')
			mtasts__report(
			        s, MTASTS_D_POLICY_FIELD_NAME,
			        MTASTS_SEVERITY_ERROR, MTASTS__AT(&L, ns),
			        "line starts with '<': the body looks like "
			        "HTML, not a policy file");
		else if (c == ':')
			mtasts__report(s, MTASTS_D_POLICY_FIELD_NAME,
			               MTASTS_SEVERITY_ERROR,
			               MTASTS__AT(&L, ns),
			               "missing field name before ':'");
		else if (c < 0x20 || c >= 0x7F)
			mtasts__report_byte(s, c, &L, ns, "field name");
		else
			mtasts__report(
			        s, MTASTS_D_POLICY_FIELD_NAME,
			        MTASTS_SEVERITY_ERROR, MTASTS__AT(&L, ns),
			        "a line must start with a field name, "
			        "found %s",
			        mtasts__quote(s, qb, sizeof(qb), t + ns, 1));
		return;
	}
	q = p;
	while (q < ce && MTASTS__IS_WSP(t[q]))
		q++;
	if (q == ce || t[q] != ':') {
		no_colon(st, ns, p, ce, &L);
		return;
	}
	if (q > p)
		mtasts__report(s, MTASTS_D_POLICY_SPACE_BEFORE_COLON,
		               MTASTS__SEV_LENIENT(s), MTASTS__AT(&L, p),
		               "whitespace between the field name and ':' "
		               "(A-05)");
	if (!MTASTS__NAME_OK(t + ns, nl)) {
		struct mtasts__loc nloc = L;

		nloc.col += (unsigned int)ns;
		nloc.off = ns;
		if (!mtasts__ext_name_check(t + ns, nl, s, &nloc,
		                            MTASTS_D_POLICY_FIELD_NAME))
			return;
	}
	do_field(st, classify(t + ns, nl, 0), ns, nl, q, ce, &L, lineno);
}

/* The mode value at the start of v[0..n): its length, with the mode in
 * *mode, or 0. */
static size_t
mode_prefix(const char *v, size_t n, int *mode)
{
	if (n >= 7 && memcmp(v, "enforce", 7) == 0)
		*mode = MTASTS_MODE_ENFORCE;
	else if (n >= 7 && memcmp(v, "testing", 7) == 0)
		*mode = MTASTS_MODE_TESTING;
	else if (n >= 4 && memcmp(v, "none", 4) == 0)
		*mode = MTASTS_MODE_NONE;
	else
		return 0;
	return *mode == MTASTS_MODE_NONE ? 4 : 7;
}

/* After a value ending at e: *WSP, then LF, CRLF or the end of the input.
 * Returns where the next line starts, with *ce set to where this line's
 * content ends, or 0 if anything else follows the value. */
static size_t
line_end(const char *t, size_t len, size_t e, size_t *ce)
{
	while (e < len && MTASTS__IS_WSP(t[e]))
		e++;
	*ce = e;
	if (e == len)
		return len;
	if (t[e] == '\n')
		return e + 1;
	if (t[e] == '\r' && e + 1 < len && t[e + 1] == '\n')
		return e + 2;
	return 0;
}

/*
 * The line nearly every policy is made of: a registered name, exact, seen
 * for the first time, ':' and *WSP, a valid value, then *WSP and LF, CRLF
 * or the end of the input, within MTASTS_POLICY_MAX_LINE. Such a line has
 * no diagnostic in either mode, so it is applied here in one pass over its
 * bytes, without looking for its end first. Returns where the next line
 * starts, or 0 (nothing changed) for any other line: do_line() decides.
 */
static size_t
fast_line(struct pstate *st, size_t pos, size_t base, unsigned int lineno)
{
	const char *t = st->t;
	struct mtasts_policy *p = st->p;
	size_t len = st->len, nl, v, e, ce, next;
	enum kind k = prefix_kind(t + pos, len - pos, &nl);
	uint64_t age = 0;
	int mode = 0;

	if (k == K_EXT || (k != K_MX && st->seen[k]))
		return 0;
	for (v = pos + nl + 1; v < len && MTASTS__IS_WSP(t[v]); v++)
		;
	switch (k) {
	case K_MX:
		if (p->n_mx >= st->cap_mx)
			return 0;
		/* checked and lower-cased where the next string goes */
		e = v + mtasts__mx_span(t + v, len - v, st->w);
		break;
	case K_VERSION:
		e = v +
		    (len - v >= 5 && memcmp(t + v, "STSv1", 5) == 0 ? 5 : 0);
		break;
	case K_MODE:
		e = v + mode_prefix(t + v, len - v, &mode);
		break;
	default: /* K_MAX_AGE: 1 to 10 digits, at most MTASTS_MAX_AGE_MAX */
		for (e = v; e < len && e - v <= 10 &&
		            MTASTS__IS(t[e], MTASTS__C_DIGIT);
		     e++)
			age = age * 10 + (uint64_t)(t[e] - '0');
		if (e - v > 10 || age > MTASTS_MAX_AGE_MAX)
			return 0;
		break;
	}
	if (e == v)
		return 0;
	next = line_end(t, len, e, &ce);
	if (!next || ce - base > MTASTS_POLICY_MAX_LINE)
		return 0;

	st->seen[k] = lineno;
	switch (k) {
	case K_MX: {
		struct mtasts__mx *m = &p->mx[p->n_mx++];

		st->mx_lines++;
		m->text = st->w;
		m->len = (uint32_t)(e - v);
		m->wild = t[v] == '*';
		st->w[e - v] = '\0';
		st->w += e - v + 1;
		break;
	}
	case K_MODE:
		p->mode = mode;
		st->mode_ok = 1;
		break;
	case K_MAX_AGE:
		p->max_age = (uint32_t)age;
		break;
	default: /* K_VERSION: nothing to keep */
		break;
	}
	return next;
}

/* Any other line: find its end, then check it with do_line(). Returns where
 * the next line starts. */
static size_t
slow_line(struct pstate *st, size_t pos, size_t base, unsigned int lineno)
{
	const char *t = st->t, *cr;
	size_t len = st->len;
	const char *nl = memchr(t + pos, '\n', len - pos);
	size_t le = nl ? (size_t)(nl - t) : len, ce = le;

	if (nl && ce > pos && t[ce - 1] == '\r')
		ce--; /* CRLF */
	/* A CR that is not part of this line's CRLF ends nothing. */
	cr = memchr(t + pos, '\r', ce - pos);
	if (cr) {
		struct mtasts__loc L;

		L.line = lineno;
		L.col = 1 - (unsigned int)base;
		L.off = 0;
		mtasts__report(st->s, MTASTS_D_BARE_CR, MTASTS_SEVERITY_ERROR,
		               MTASTS__AT(&L, (size_t)(cr - t)),
		               "CR not followed by LF: lines end with LF "
		               "or CRLF (A-04)");
	} else {
		do_line(st, pos, ce, base, lineno);
	}
	return nl ? le + 1 : len;
}

static void
missing(struct pstate *st, enum kind k, int code, const char *req)
{
	mtasts__report(st->s, code, MTASTS_SEVERITY_ERROR, 0, 0, 0,
	               "no '%s' field (%s)%s", kind_name[k], req,
	               (st->case_seen & (1u << k))
	                       ? "; a field with this name in another case "
	                         "was seen, but names are case-sensitive (A-06)"
	                       : "");
}

static size_t
canonical_len(const struct mtasts_policy *p)
{
	/* "version: STSv1", "mode: " + mode, "max_age: " + digits, CRLF each */
	size_t n = 16 + 8 + (p->mode == MTASTS_MODE_NONE ? 4 : 7) + 11, i;
	uint32_t v = p->max_age;

	do {
		n++;
		v /= 10;
	} while (v);
	for (i = 0; i < p->n_mx; i++)
		n += 6 + p->mx[i].len;
	for (i = 0; i < p->n_ext; i++)
		n += 4 + strlen(p->ext[i].name) + strlen(p->ext[i].value);
	return n;
}

/*
 * Parses of small policies build the object in a stack workspace and copy
 * it into one exact-size allocation at the end (so an invalid policy costs
 * no allocation at all); larger ones build it in place in one allocation
 * sized from the input length.
 */
#define WORKSPACE 4096

/* Copy the policy built in the workspace ws into one exact allocation. */
static struct mtasts_policy *
compact(const struct mtasts_policy *ws, const char *strings, size_t used)
{
	struct mtasts_policy *p;
	char *str;
	size_t i;

	p = malloc(sizeof(*p) + ws->n_mx * sizeof(struct mtasts__mx) +
	           ws->n_ext * sizeof(struct mtasts__ext) + used);
	if (!p)
		return NULL;
	*p = *ws;
	p->mx = (struct mtasts__mx *)(p + 1);
	p->ext = (struct mtasts__ext *)(p->mx + ws->n_mx);
	str = (char *)(p->ext + ws->n_ext);
	memcpy(str, strings, used);
	for (i = 0; i < ws->n_mx; i++) {
		p->mx[i] = ws->mx[i];
		p->mx[i].text = str + (ws->mx[i].text - strings);
	}
	for (i = 0; i < ws->n_ext; i++) {
		p->ext[i].name = str + (ws->ext[i].name - strings);
		p->ext[i].value = str + (ws->ext[i].value - strings);
	}
	mtasts__mx8_set(p);
	return p;
}

static int
parse(struct mtasts_policy **out, const char *t, size_t len,
      struct mtasts__sink *s)
{
	union {
		struct mtasts_policy p;
		max_align_t align;
		char bytes[WORKSPACE];
	} ws;
	struct pstate st;
	struct mtasts_policy *p;
	size_t nf, pos = 0, base = 0, size;
	char *strings;
	unsigned int lineno = 1;

	if (len > MTASTS_POLICY_MAX_SIZE) {
		mtasts__report(s, MTASTS_D_TOO_LARGE, MTASTS_SEVERITY_ERROR, 0,
		               0, 0,
		               "policy is %zu bytes long; at most %d are "
		               "accepted",
		               len, MTASTS_POLICY_MAX_SIZE);
		return mtasts__sink_result(s);
	}
	if (len == 0) {
		mtasts__report(s, MTASTS_D_EMPTY, MTASTS_SEVERITY_ERROR, 0, 0,
		               0, "empty policy");
		return mtasts__sink_result(s);
	}

	/* A field line holds at least "a:b" and a terminator, so there are at
	 * most len / 4 + 1 of them. A stored field's strings (an mx value, or
	 * an extension's name and value, each with its NUL) take at most its
	 * line length + 1 bytes, so all of them fit in len + nf bytes. */
	nf = len / 4 + 2;
	st.cap_mx = nf < MTASTS_POLICY_MAX_MX ? nf : MTASTS_POLICY_MAX_MX;
	st.cap_ext = nf < MTASTS_MAX_EXTENSIONS ? nf : MTASTS_MAX_EXTENSIONS;
	size = sizeof(*p) + st.cap_mx * sizeof(struct mtasts__mx) +
	       st.cap_ext * sizeof(struct mtasts__ext) + len + nf + 1;
	if (size <= sizeof(ws)) {
		p = &ws.p;
	} else {
		p = malloc(size);
		if (!p) {
			s->oom = 1;
			return MTASTS_ENOMEM;
		}
	}
	p->mode = 0;
	p->max_age = 0;
	p->n_mx = 0;
	p->n_ext = 0;
	p->mx = (struct mtasts__mx *)(p + 1);
	p->ext = (struct mtasts__ext *)(p->mx + st.cap_mx);
	p->mx8.len = p->mx8.wild = 0;
	p->mx8_end = NULL;
	strings = (char *)(p->ext + st.cap_ext);
	st.t = t;
	st.len = len;
	st.s = s;
	st.p = p;
	st.w = strings;
	st.seen[K_EXT] = st.seen[K_VERSION] = st.seen[K_MODE] = 0;
	st.seen[K_MAX_AGE] = st.seen[K_MX] = 0;
	st.case_seen = 0;
	st.mx_lines = 0;
	st.too_many_mx = 0;
	st.too_many_ext = 0;
	st.mode_ok = 0;

	if (len >= 3 && memcmp(t, "\xEF\xBB\xBF", 3) == 0) {
		mtasts__report(
		        s, MTASTS_D_BOM, MTASTS__SEV_LENIENT(s), 1, 1, 0,
		        "UTF-8 byte-order mark before the policy (A-10)");
		pos = 3;
	}
	while (pos < len) {
		size_t next = fast_line(&st, pos, base, lineno);

		if (!next)
			next = slow_line(&st, pos, base, lineno);
		/* Without a list, the first error is all the call returns:
		 * the rest of the input cannot change it. */
		if (MTASTS__UNLIKELY(s->status != MTASTS_OK) && !s->diag)
			break;
		pos = base = next;
		lineno++;
	}

	if (!st.seen[K_VERSION])
		missing(&st, K_VERSION, MTASTS_D_POLICY_VERSION_MISSING,
		        "R-14");
	if (!st.seen[K_MODE])
		missing(&st, K_MODE, MTASTS_D_POLICY_MODE_MISSING, "R-15");
	if (!st.seen[K_MAX_AGE])
		missing(&st, K_MAX_AGE, MTASTS_D_POLICY_MAX_AGE_MISSING,
		        "R-16");
	if (st.mode_ok && p->mode != MTASTS_MODE_NONE && st.mx_lines == 0)
		mtasts__report(
		        s, MTASTS_D_POLICY_MX_MISSING, MTASTS_SEVERITY_ERROR, 0,
		        0, 0,
		        "mode '%s' requires at least one 'mx' line (R-17, "
		        "A-28)",
		        mtasts_mode_name(p->mode));
	if (s->status == MTASTS_OK && !s->oom &&
	    canonical_len(p) > MTASTS_POLICY_MAX_SIZE)
		mtasts__report(s, MTASTS_D_TOO_LARGE, MTASTS_SEVERITY_ERROR, 0,
		               0, 0,
		               "the canonical form of the policy is %zu bytes "
		               "long; at most %d are accepted",
		               canonical_len(p), MTASTS_POLICY_MAX_SIZE);
	if (s->status != MTASTS_OK || s->oom) {
		if (p != &ws.p)
			free(p);
		return mtasts__sink_result(s);
	}
	if (p == &ws.p) {
		p = compact(p, strings, (size_t)(st.w - strings));
		if (!p) {
			s->oom = 1;
			return MTASTS_ENOMEM;
		}
	} else {
		mtasts__mx8_set(p);
	}
	*out = p;
	return MTASTS_OK;
}

int
mtasts_policy_parse(mtasts_policy **out, const char *text, size_t len,
                    unsigned int flags, mtasts_diag *diag)
{
	struct mtasts__sink s;

	if (!out)
		return MTASTS_EINVAL;
	*out = NULL;
	if ((!text && len) || (flags & ~MTASTS_PARSE_LENIENT))
		return MTASTS_EINVAL;
	mtasts__sink_init(&s, diag, flags);
	return parse(out, text ? text : "", len, &s);
}

/* ---- accessors ----------------------------------------------------------- */

void
mtasts_policy_free(mtasts_policy *policy)
{
	free(policy);
}

int
mtasts_policy_mode(const mtasts_policy *policy)
{
	return policy ? policy->mode : 0;
}

uint32_t
mtasts_policy_max_age(const mtasts_policy *policy)
{
	return policy ? policy->max_age : 0;
}

size_t
mtasts_policy_mx_count(const mtasts_policy *policy)
{
	return policy ? policy->n_mx : 0;
}

const char *
mtasts_policy_mx(const mtasts_policy *policy, size_t index)
{
	return (policy && index < policy->n_mx) ? policy->mx[index].text : NULL;
}

size_t
mtasts_policy_extension_count(const mtasts_policy *policy)
{
	return policy ? policy->n_ext : 0;
}

const char *
mtasts_policy_extension_name(const mtasts_policy *policy, size_t index)
{
	return (policy && index < policy->n_ext) ? policy->ext[index].name
	                                         : NULL;
}

const char *
mtasts_policy_extension_value(const mtasts_policy *policy, size_t index)
{
	return (policy && index < policy->n_ext) ? policy->ext[index].value
	                                         : NULL;
}

int
mtasts_policy_equal(const mtasts_policy *a, const mtasts_policy *b)
{
	size_t i;

	if (!a || !b || a->mode != b->mode || a->max_age != b->max_age ||
	    a->n_mx != b->n_mx || a->n_ext != b->n_ext)
		return 0;
	for (i = 0; i < a->n_mx; i++)
		if (strcmp(a->mx[i].text, b->mx[i].text) != 0)
			return 0;
	for (i = 0; i < a->n_ext; i++)
		if (strcmp(a->ext[i].name, b->ext[i].name) != 0 ||
		    strcmp(a->ext[i].value, b->ext[i].value) != 0)
			return 0;
	return 1;
}

const char *
mtasts_mode_name(int mode)
{
	switch (mode) {
	case MTASTS_MODE_NONE:
		return "none";
	case MTASTS_MODE_TESTING:
		return "testing";
	case MTASTS_MODE_ENFORCE:
		return "enforce";
	default:
		return NULL;
	}
}

int
mtasts_mode_from_name(const char *name)
{
	int m;

	if (!name)
		return MTASTS_EINVAL;
	m = mode_of(name, strlen(name));
	return m ? m : MTASTS_EMODE;
}

/* ---- canonical form ------------------------------------------------------- */

void
mtasts__policy_write(struct mtasts__out *o, int mode, uint32_t max_age,
                     const struct mtasts__mx *mx, size_t n_mx,
                     const struct mtasts__ext *ext, size_t n_ext,
                     unsigned int flags)
{
	const char *eol = (flags & MTASTS_FORMAT_LF) ? "\n" : "\r\n";
	size_t el = strlen(eol), i;

	mtasts__out_str(o, "version: STSv1");
	mtasts__out_put(o, eol, el);
	mtasts__out_str(o, "mode: ");
	mtasts__out_str(o, mtasts_mode_name(mode));
	mtasts__out_put(o, eol, el);
	for (i = 0; i < n_mx; i++) {
		mtasts__out_str(o, "mx: ");
		mtasts__out_put(o, mx[i].text, mx[i].len);
		mtasts__out_put(o, eol, el);
	}
	mtasts__out_str(o, "max_age: ");
	mtasts__out_u32(o, max_age);
	mtasts__out_put(o, eol, el);
	for (i = 0; i < n_ext; i++) {
		mtasts__out_str(o, ext[i].name);
		mtasts__out_str(o, ": ");
		mtasts__out_str(o, ext[i].value);
		mtasts__out_put(o, eol, el);
	}
}

int
mtasts_policy_format(const mtasts_policy *policy, char *buf, size_t size,
                     unsigned int flags)
{
	struct mtasts__out o;

	if (!policy || (!buf && size) || (flags & ~MTASTS_FORMAT_LF))
		return MTASTS_EINVAL;
	o.buf = buf;
	o.size = size;
	o.len = 0;
	mtasts__policy_write(&o, policy->mode, policy->max_age, policy->mx,
	                     policy->n_mx, policy->ext, policy->n_ext, flags);
	return mtasts__out_finish(&o);
}

static int
policy_writer(const void *obj, char *buf, size_t size, unsigned int flags)
{
	return mtasts_policy_format(obj, buf, size, flags);
}

int
mtasts_policy_format_alloc(const mtasts_policy *policy, unsigned int flags,
                           char **out)
{
	if (out)
		*out = NULL;
	if (!policy || !out)
		return MTASTS_EINVAL;
	return mtasts__format_alloc(policy_writer, policy, flags, out);
}
