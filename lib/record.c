/* SPDX-License-Identifier: MIT */
/*
 * The STSv1 TXT record (RFC 8461 §3.1): parse, select, accessors, canonical
 * form, builder, and policy ids.
 */
#include "private.h"

#include <stdlib.h>
#include <string.h>

#define TAG (&mtasts__tag_sts)

struct mtasts_record {
	const char *id;
	size_t n_ext;
	struct mtasts__ext ext[];
	/* the strings follow the array, in the same allocation */
};

/* ---- parse -------------------------------------------------------------- */

struct span {
	const char *name;
	size_t name_len;
	const char *value;
	size_t value_len;
};

struct rec_ctx {
	struct span id;
	int have_id;
	int case_variant; /* an "ID"-like extension was seen (strict) */
	size_t n_ext;
	int too_many;
	struct span ext[MTASTS_MAX_EXTENSIONS];
};

/* id = 1*32(ALPHA / DIGIT) */
static int
id_valid(const char *p, size_t n)
{
	size_t i;

	if (n == 0 || n > 32)
		return 0;
	for (i = 0; i < n; i++)
		if (!MTASTS__IS_ALNUM(p[i]))
			return 0;
	return 1;
}

static void
report_bad_id(const char *p, size_t n, struct mtasts__sink *s,
              const struct mtasts__loc *loc)
{
	char q[MTASTS__QUOTE_MAX];
	size_t i;

	if (n > 32) {
		mtasts__report(
		        s, MTASTS_D_RECORD_ID_INVALID, MTASTS_SEVERITY_ERROR,
		        MTASTS__AT(loc, 32),
		        "id is %zu characters long; at most 32 letters or "
		        "digits are allowed (R-03)",
		        n);
		return;
	}
	for (i = 0; i < n && MTASTS__IS_ALNUM(p[i]); i++)
		;
	mtasts__report(s, MTASTS_D_RECORD_ID_INVALID, MTASTS_SEVERITY_ERROR,
	               MTASTS__AT(loc, i),
	               "id %s holds %s; only letters and digits are allowed "
	               "(R-03, A-12)",
	               mtasts__quote(s, q, sizeof(q), p, n),
	               i < n ? (p[i] == '-'   ? "'-'"
	                        : p[i] == '.' ? "'.'"
	                        : p[i] == '_' ? "'_'"
	                                      : "another character")
	                     : "nothing");
}

static void
rec_field(void *vctx, const struct mtasts__txt_field *f, struct mtasts__sink *s)
{
	struct rec_ctx *c = vctx;
	int lenient = (s->flags & MTASTS_PARSE_LENIENT) != 0;
	int is_id = f->name_len == 2 && f->name[0] == 'i' && f->name[1] == 'd';
	int is_v = f->name_len == 1 && f->name[0] == 'v';
	size_t i;

	if (!is_id && !is_v && f->name_len <= 2) {
		int ci_id = f->name_len == 2 &&
		            mtasts__ascii_caseeq(f->name, "id", 2);
		int ci_v = f->name_len == 1 && f->name[0] == 'V';

		if (ci_id || ci_v) {
			char q[MTASTS__QUOTE_MAX];

			mtasts__quote(s, q, sizeof(q), f->name, f->name_len);
			if (lenient) {
				mtasts__report(
				        s, MTASTS_D_TXT_NAME_CASE,
				        MTASTS_SEVERITY_WARNING,
				        MTASTS__AT(&f->name_loc, 0),
				        "field name %s read as '%s' (names "
				        "are case-sensitive, A-06)",
				        q, ci_id ? "id" : "v");
				is_id = ci_id;
				is_v = ci_v;
			} else {
				mtasts__report(
				        s, MTASTS_D_TXT_NAME_CASE,
				        MTASTS_SEVERITY_WARNING,
				        MTASTS__AT(&f->name_loc, 0),
				        "field name %s is not '%s' (names "
				        "are case-sensitive, A-06): kept as "
				        "an unknown extension",
				        q, ci_id ? "id" : "v");
				if (ci_id)
					c->case_variant = 1;
			}
		}
	}
	if (f->bad) {
		/* the value's error is reported; an id is present, though */
		if (is_id)
			c->have_id = 1;
		return;
	}
	if (is_v) {
		mtasts__report(s, MTASTS_D_TXT_DUPLICATE,
		               MTASTS_SEVERITY_WARNING,
		               MTASTS__AT(&f->name_loc, 0),
		               "second version field ignored (R-11, A-03)");
		return;
	}
	if (is_id) {
		if (c->have_id) {
			mtasts__report(s, MTASTS_D_TXT_DUPLICATE,
			               MTASTS_SEVERITY_WARNING,
			               MTASTS__AT(&f->name_loc, 0),
			               "later 'id' ignored: the first one wins "
			               "(R-11, A-03)");
			return;
		}
		c->have_id = 1;
		if (!id_valid(f->value, f->value_len))
			report_bad_id(f->value, f->value_len, s, &f->value_loc);
		c->id.value = f->value;
		c->id.value_len = f->value_len;
		return;
	}
	for (i = 0; i < c->n_ext; i++) {
		if (c->ext[i].name_len == f->name_len &&
		    memcmp(c->ext[i].name, f->name, f->name_len) == 0) {
			char q[MTASTS__QUOTE_MAX];

			mtasts__report(
			        s, MTASTS_D_TXT_DUPLICATE,
			        MTASTS_SEVERITY_WARNING,
			        MTASTS__AT(&f->name_loc, 0),
			        "later %s field ignored: the first one wins "
			        "(R-11)",
			        mtasts__quote(s, q, sizeof(q), f->name,
			                      f->name_len));
			return;
		}
	}
	if (c->n_ext == MTASTS_MAX_EXTENSIONS) {
		if (!c->too_many)
			mtasts__report(s, MTASTS_D_TOO_MANY_EXTENSIONS,
			               MTASTS_SEVERITY_ERROR,
			               MTASTS__AT(&f->name_loc, 0),
			               "more than %d extension fields",
			               MTASTS_MAX_EXTENSIONS);
		c->too_many = 1;
		return;
	}
	c->ext[c->n_ext].name = f->name;
	c->ext[c->n_ext].name_len = f->name_len;
	c->ext[c->n_ext].value = f->value;
	c->ext[c->n_ext].value_len = f->value_len;
	c->n_ext++;
}

static char *
put(char **w, const char *p, size_t n)
{
	char *r = *w;

	memcpy(r, p, n);
	r[n] = '\0';
	*w += n + 1;
	return r;
}

/* Extensions the fast path keeps track of; records with more go the
 * general way. */
#define FAST_EXT 8

/* After a field value ending at i: the end of the text, or *WSP ";".
 * Returns where that ends (n, or the ';'), or 0 for anything else. */
static size_t
field_end(const char *t, size_t n, size_t i)
{
	size_t e = i;

	while (e < n && MTASTS__IS_WSP(t[e]))
		e++;
	if (e < n ? t[e] != ';' : e != i)
		return 0;
	return e;
}

/*
 * The fast path: a record the general parser accepts without a word in
 * either mode. That is "v=STSv1", *WSP, ";", then name=value fields
 * separated by *WSP ";" *WSP, with an optional final ";" and *WSP: exactly
 * one "id" with a valid value, and extensions with valid names, no two
 * alike, none spelling a registered name in another case. Without a list,
 * whitespace before the first ';' is taken too: its warning is lost anyway.
 * Returns 1 when built (or on allocation failure, flagged in the sink), 0
 * when the text has any other shape: the general parser then decides,
 * from the start. check-internal and fuzz-record compare both paths.
 */
static MTASTS__ALWAYS_INLINE int
fast_path(void **out, const char *t, size_t n, struct mtasts__sink *s)
{
	struct span id, ext[FAST_EXT];
	struct mtasts_record *r;
	size_t i = 7, n_ext = 0, k, size;
	char *w;

	if (n < 12 || n > MTASTS_RECORD_MAX_SIZE)
		return 0;
	if (memcmp(t, "v=STSv1;", 8) != 0) {
		if (memcmp(t, "v=STSv1", 7) != 0)
			return 0;
		while (i < n && MTASTS__IS_WSP(t[i]))
			i++;
		if (i == n || t[i] != ';' || (i > 7 && s->diag))
			return 0;
	}
	id.value = NULL;
	id.value_len = 0;
	size = 0;
	while (i < n) { /* t[i] is a ';' */
		const char *name, *value;
		size_t nl, vl;

		for (i++; i < n && MTASTS__IS_WSP(t[i]); i++)
			;
		if (i == n)
			break;
		if (n - i > 3 && memcmp(t + i, "id=", 3) == 0) {
			/* the first id, of 1 to 32 letters and digits */
			value = t + i + 3;
			vl = mtasts__alnum_span(value, n - i - 3);
			if (id.value || vl == 0 || vl > 32 ||
			    !(i = field_end(t, n, i + 3 + vl)))
				return 0;
			id.value = value;
			id.value_len = vl;
			continue;
		}

		/* an extension: name "=" value */
		name = t + i;
		while (i < n && MTASTS__IS(t[i], MTASTS__C_NAME))
			i++;
		nl = (size_t)(t + i - name);
		if (i == n || t[i] != '=' || !MTASTS__NAME_OK(name, nl) ||
		    n_ext == FAST_EXT)
			return 0;
		/* "v" again, or "V", "ID", "Id", "iD" ("id" with another
		 * shape): warned about */
		if ((nl == 1 && MTASTS__LOWER(name[0]) == 'v') ||
		    (nl == 2 && mtasts__ascii_caseeq(name, "id", 2)))
			return 0;
		for (k = 0; k < n_ext; k++)
			if (ext[k].name_len == nl &&
			    memcmp(ext[k].name, name, nl) == 0)
				return 0;
		value = t + ++i;
		vl = mtasts__txtval_span(value, n - i);
		if (vl == 0 || !(i = field_end(t, n, i + vl)))
			return 0;
		ext[n_ext].name = name;
		ext[n_ext].name_len = nl;
		ext[n_ext].value = value;
		ext[n_ext].value_len = vl;
		n_ext++;
		size += nl + vl + 2;
	}
	/* The canonical form must stay within the cap, as in the general
	 * parser: "v=STSv1; id=" id ";" and " name=value;" each, that is
	 * 13 + id + 3 per extension + the extensions' names and values. */
	if (!id.value ||
	    13 + id.value_len + n_ext + size > MTASTS_RECORD_MAX_SIZE)
		return 0;

	r = malloc(sizeof(*r) + n_ext * sizeof(r->ext[0]) + id.value_len + 1 +
	           size);
	if (!r) {
		s->oom = 1;
		return 1;
	}
	w = (char *)&r->ext[n_ext];
	r->id = put(&w, id.value, id.value_len);
	r->n_ext = n_ext;
	for (k = 0; k < n_ext; k++) {
		r->ext[k].name = put(&w, ext[k].name, ext[k].name_len);
		r->ext[k].value = put(&w, ext[k].value, ext[k].value_len);
	}
	*out = r;
	return 1;
}

int
mtasts__record_parse_at(void **out, const char *text, size_t len,
                        unsigned int line, struct mtasts__sink *s)
{
	*out = NULL;
	if (fast_path(out, text, len, s))
		return mtasts__sink_result(s);
	return mtasts__record_parse_slow(out, text, len, line, s);
}

/* The general parser: every rule, every diagnostic. */
int
mtasts__record_parse_slow(void **out, const char *text, size_t len,
                          unsigned int line, struct mtasts__sink *s)
{
	struct rec_ctx c;
	struct mtasts_record *r;
	size_t i, size, canon;
	char *w;

	*out = NULL;
	if (len > MTASTS_RECORD_MAX_SIZE) {
		mtasts__report(
		        s, MTASTS_D_TOO_LARGE, MTASTS_SEVERITY_ERROR, line, 0,
		        0, "record is %zu bytes long; at most %d are accepted",
		        len, MTASTS_RECORD_MAX_SIZE);
		return mtasts__sink_result(s);
	}
	c.have_id = 0;
	c.case_variant = 0;
	c.n_ext = 0;
	c.too_many = 0;
	if (mtasts__txt_parse(text, len, TAG, line, s, rec_field, &c) < 0)
		return mtasts__sink_result(s);
	if (!c.have_id)
		mtasts__report(
		        s, MTASTS_D_RECORD_ID_MISSING, MTASTS_SEVERITY_ERROR,
		        line, 0, 0, "no 'id' field (R-03)%s",
		        c.case_variant ? "; field names are case-sensitive"
		                       : "");
	if (s->status != MTASTS_OK || s->oom)
		return mtasts__sink_result(s);

	/* The canonical form must stay within the cap so it re-parses. */
	canon = 8 + 5 + c.id.value_len;
	size = sizeof(*r) + c.n_ext * sizeof(r->ext[0]) + c.id.value_len + 1;
	for (i = 0; i < c.n_ext; i++) {
		canon += 3 + c.ext[i].name_len + c.ext[i].value_len;
		size += c.ext[i].name_len + c.ext[i].value_len + 2;
	}
	if (canon > MTASTS_RECORD_MAX_SIZE) {
		mtasts__report(s, MTASTS_D_TOO_LARGE, MTASTS_SEVERITY_ERROR,
		               line, 0, 0,
		               "the canonical form of the record is %zu bytes "
		               "long; at most %d are accepted",
		               canon, MTASTS_RECORD_MAX_SIZE);
		return mtasts__sink_result(s);
	}
	r = malloc(size);
	if (!r) {
		s->oom = 1;
		return MTASTS_ENOMEM;
	}
	w = (char *)&r->ext[c.n_ext];
	r->id = put(&w, c.id.value, c.id.value_len);
	r->n_ext = c.n_ext;
	for (i = 0; i < c.n_ext; i++) {
		r->ext[i].name = put(&w, c.ext[i].name, c.ext[i].name_len);
		r->ext[i].value = put(&w, c.ext[i].value, c.ext[i].value_len);
	}
	*out = r;
	return MTASTS_OK;
}

int
mtasts_record_parse(mtasts_record **out, const char *text, size_t len,
                    unsigned int flags, mtasts_diag *diag)
{
	struct mtasts__sink s;
	void *r = NULL;

	if (!out)
		return MTASTS_EINVAL;
	*out = NULL;
	if ((!text && len) || (flags & ~MTASTS_PARSE_LENIENT))
		return MTASTS_EINVAL;
	mtasts__sink_init(&s, diag, flags);
	if (len && fast_path(&r, text, len, &s)) {
		*out = r;
		return mtasts__sink_result(&s);
	}
	(void)mtasts__record_parse_slow(&r, text ? text : "", len, 1, &s);
	if (mtasts__sink_result(&s) != MTASTS_OK) {
		free(r);
		return mtasts__sink_result(&s);
	}
	*out = r;
	return MTASTS_OK;
}

static int
record_parse_fn(void **out, const char *text, size_t len, unsigned int line,
                struct mtasts__sink *s)
{
	return mtasts__record_parse_at(out, text, len, line, s);
}

static int
finish_select(mtasts_record **out, void *r, int status)
{
	if (status != MTASTS_OK) {
		free(r);
		return status;
	}
	*out = r;
	return MTASTS_OK;
}

int
mtasts_record_select(mtasts_record **out, size_t *selected,
                     const char *const *rrs, const size_t *lens, size_t count,
                     unsigned int flags, mtasts_diag *diag)
{
	void *r = NULL;
	int st;

	if (!out) {
		if (selected)
			*selected = MTASTS_NO_INDEX;
		return MTASTS_EINVAL;
	}
	st = mtasts__txt_select(&r, selected, rrs, lens, count, TAG,
	                        record_parse_fn, flags, diag);
	*out = NULL;
	return finish_select(out, r, st);
}

int
mtasts_record_select_rdata(mtasts_record **out, size_t *selected,
                           const unsigned char *const *rdata,
                           const size_t *lens, size_t count, unsigned int flags,
                           mtasts_diag *diag)
{
	void *r = NULL;
	int st;

	if (!out) {
		if (selected)
			*selected = MTASTS_NO_INDEX;
		return MTASTS_EINVAL;
	}
	st = mtasts__txt_select_rdata(&r, selected, rdata, lens, count, TAG,
	                              record_parse_fn, flags, diag);
	*out = NULL;
	return finish_select(out, r, st);
}

/* ---- accessors ----------------------------------------------------------- */

void
mtasts_record_free(mtasts_record *record)
{
	free(record);
}

const char *
mtasts_record_id(const mtasts_record *record)
{
	return record ? record->id : NULL;
}

size_t
mtasts_record_extension_count(const mtasts_record *record)
{
	return record ? record->n_ext : 0;
}

const char *
mtasts_record_extension_name(const mtasts_record *record, size_t index)
{
	return (record && index < record->n_ext) ? record->ext[index].name
	                                         : NULL;
}

const char *
mtasts_record_extension_value(const mtasts_record *record, size_t index)
{
	return (record && index < record->n_ext) ? record->ext[index].value
	                                         : NULL;
}

int
mtasts_record_equal(const mtasts_record *a, const mtasts_record *b)
{
	size_t i;

	if (!a || !b || strcmp(a->id, b->id) != 0 || a->n_ext != b->n_ext)
		return 0;
	for (i = 0; i < a->n_ext; i++)
		if (strcmp(a->ext[i].name, b->ext[i].name) != 0 ||
		    strcmp(a->ext[i].value, b->ext[i].value) != 0)
			return 0;
	return 1;
}

/* ---- canonical form ------------------------------------------------------- */

void
mtasts__record_write(struct mtasts__out *o, const char *id,
                     const struct mtasts__ext *ext, size_t n_ext)
{
	size_t i;

	mtasts__out_str(o, "v=STSv1; id=");
	mtasts__out_str(o, id);
	mtasts__out_put(o, ";", 1);
	for (i = 0; i < n_ext; i++) {
		mtasts__out_put(o, " ", 1);
		mtasts__out_str(o, ext[i].name);
		mtasts__out_put(o, "=", 1);
		mtasts__out_str(o, ext[i].value);
		mtasts__out_put(o, ";", 1);
	}
}

int
mtasts_record_format(const mtasts_record *record, char *buf, size_t size,
                     unsigned int flags)
{
	struct mtasts__out o;

	if (!record || (!buf && size) || flags)
		return MTASTS_EINVAL;
	o.buf = buf;
	o.size = size;
	o.len = 0;
	mtasts__record_write(&o, record->id, record->ext, record->n_ext);
	return mtasts__out_finish(&o);
}

static int
record_writer(const void *obj, char *buf, size_t size, unsigned int flags)
{
	return mtasts_record_format(obj, buf, size, flags);
}

int
mtasts_record_format_alloc(const mtasts_record *record, unsigned int flags,
                           char **out)
{
	if (out)
		*out = NULL;
	if (!record || !out)
		return MTASTS_EINVAL;
	return mtasts__format_alloc(record_writer, record, flags, out);
}

/* ---- ids ----------------------------------------------------------------- */

int
mtasts_id_check(const char *id)
{
	if (!id)
		return MTASTS_EINVAL;
	return id_valid(id, strnlen(id, 33)) ? MTASTS_OK : MTASTS_EID;
}

static void
two(char *p, unsigned int v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
}

int
mtasts_id_from_time(char *buf, size_t size, int64_t unix_time)
{
	char id[MTASTS_ID_TIME_LEN + 1];
	int64_t days, z, era, doe, yoe, doy, mp, y, m, d, sod;
	struct mtasts__out o;

	if ((!buf && size) || unix_time < 0 || unix_time > 253402300799LL)
		return MTASTS_EINVAL;
	days = unix_time / 86400;
	sod = unix_time % 86400;
	/* Proleptic Gregorian date from a day count (days since 1970-01-01),
	 * counting 400-year eras from 0000-03-01. */
	z = days + 719468;
	era = z / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y = yoe + era * 400 + (m <= 2);

	two(id, (unsigned int)(y / 100));
	two(id + 2, (unsigned int)(y % 100));
	two(id + 4, (unsigned int)m);
	two(id + 6, (unsigned int)d);
	two(id + 8, (unsigned int)(sod / 3600));
	two(id + 10, (unsigned int)(sod / 60 % 60));
	two(id + 12, (unsigned int)(sod % 60));
	o.buf = buf;
	o.size = size;
	o.len = 0;
	mtasts__out_put(&o, id, MTASTS_ID_TIME_LEN);
	return mtasts__out_finish(&o);
}

/* ---- builder --------------------------------------------------------------- */

struct mtasts_record_builder {
	char *id;
	struct mtasts__ext *ext;
	size_t n_ext;
	size_t cap;
};

void
mtasts_record_builder_free(mtasts_record_builder *b)
{
	size_t i;

	if (!b)
		return;
	for (i = 0; i < b->n_ext; i++) {
		free((char *)b->ext[i].name);
		free((char *)b->ext[i].value);
	}
	free(b->ext);
	free(b->id);
	free(b);
}

/* Append copies of name and value; 0 on allocation failure (unchanged). */
static int
builder_push(mtasts_record_builder *b, const char *name, const char *value)
{
	char *n, *v;

	if (b->n_ext == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 4;
		struct mtasts__ext *x = realloc(b->ext, cap * sizeof(*x));

		if (!x)
			return 0;
		b->ext = x;
		b->cap = cap;
	}
	n = mtasts__strndup(name, strlen(name));
	v = mtasts__strndup(value, strlen(value));
	if (!n || !v) {
		free(n);
		free(v);
		return 0;
	}
	b->ext[b->n_ext].name = n;
	b->ext[b->n_ext].value = v;
	b->n_ext++;
	return 1;
}

int
mtasts_record_builder_new(mtasts_record_builder **out,
                          const mtasts_record *from)
{
	mtasts_record_builder *b;
	size_t i;

	if (!out)
		return MTASTS_EINVAL;
	*out = NULL;
	b = calloc(1, sizeof(*b));
	if (!b)
		return MTASTS_ENOMEM;
	if (from) {
		b->id = mtasts__strndup(from->id, strlen(from->id));
		if (!b->id) {
			mtasts_record_builder_free(b);
			return MTASTS_ENOMEM;
		}
		for (i = 0; i < from->n_ext; i++) {
			if (!builder_push(b, from->ext[i].name,
			                  from->ext[i].value)) {
				mtasts_record_builder_free(b);
				return MTASTS_ENOMEM;
			}
		}
	}
	*out = b;
	return MTASTS_OK;
}

int
mtasts_record_builder_set_id(mtasts_record_builder *b, const char *id,
                             mtasts_diag *diag)
{
	struct mtasts__sink s;
	struct mtasts__loc loc = { 1, 1, 0 };
	size_t n;
	char *copy;

	if (!b || !id)
		return MTASTS_EINVAL;
	n = strlen(id);
	if (!id_valid(id, n)) {
		mtasts__sink_init(&s, diag, 0);
		if (n == 0)
			mtasts__report(&s, MTASTS_D_RECORD_ID_INVALID,
			               MTASTS_SEVERITY_ERROR, 1, 1, 0,
			               "empty id (R-03)");
		else
			report_bad_id(id, n, &s, &loc);
		return s.oom ? MTASTS_ENOMEM : MTASTS_EID;
	}
	copy = mtasts__strndup(id, n);
	if (!copy)
		return MTASTS_ENOMEM;
	free(b->id);
	b->id = copy;
	return MTASTS_OK;
}

int
mtasts_record_builder_add_extension(mtasts_record_builder *b, const char *name,
                                    const char *value, mtasts_diag *diag)
{
	struct mtasts__sink s;
	struct mtasts__loc loc = { 1, 1, 0 };
	size_t nl, i;
	char q[MTASTS__QUOTE_MAX];

	if (!b || !name || !value)
		return MTASTS_EINVAL;
	mtasts__sink_init(&s, diag, 0);
	nl = strlen(name);
	if (!mtasts__ext_name_check(name, nl, &s, &loc,
	                            MTASTS_D_TXT_FIELD_NAME) ||
	    !mtasts__txt_value_check(value, strlen(value), &s, &loc))
		return mtasts__sink_result(&s);
	mtasts__quote(&s, q, sizeof(q), name, nl);
	if ((nl == 1 && MTASTS__LOWER(name[0]) == 'v') ||
	    (nl == 2 && mtasts__ascii_caseeq(name, "id", 2))) {
		mtasts__report(&s, MTASTS_D_TXT_FIELD_NAME,
		               MTASTS_SEVERITY_ERROR, 1, 1, 0,
		               "%s is a registered field, not an extension", q);
		return s.oom ? MTASTS_ENOMEM : MTASTS_EINVAL;
	}
	for (i = 0; i < b->n_ext; i++) {
		if (strcmp(b->ext[i].name, name) == 0) {
			mtasts__report(&s, MTASTS_D_TXT_DUPLICATE,
			               MTASTS_SEVERITY_ERROR, 1, 1, 0,
			               "extension %s was already added", q);
			return s.oom ? MTASTS_ENOMEM : MTASTS_EINVAL;
		}
	}
	if (b->n_ext == MTASTS_MAX_EXTENSIONS) {
		mtasts__report(&s, MTASTS_D_TOO_MANY_EXTENSIONS,
		               MTASTS_SEVERITY_ERROR, 1, 1, 0,
		               "more than %d extension fields",
		               MTASTS_MAX_EXTENSIONS);
		return mtasts__sink_result(&s);
	}
	return builder_push(b, name, value) ? MTASTS_OK : MTASTS_ENOMEM;
}

int
mtasts_record_builder_build(const mtasts_record_builder *b, mtasts_record **out,
                            mtasts_diag *diag)
{
	struct mtasts__sink s;
	struct mtasts__out o;
	char *text;
	int st;

	if (out)
		*out = NULL;
	if (!b || !out)
		return MTASTS_EINVAL;
	mtasts__sink_init(&s, diag, 0);
	if (!b->id) {
		mtasts__report(&s, MTASTS_D_RECORD_ID_MISSING,
		               MTASTS_SEVERITY_ERROR, 0, 0, 0,
		               "no id was set (R-03)");
		return mtasts__sink_result(&s);
	}
	/* Build by parsing the canonical text: the result re-parses by
	 * construction. */
	o.buf = NULL;
	o.size = 0;
	o.len = 0;
	mtasts__record_write(&o, b->id, b->ext, b->n_ext);
	if (o.len > MTASTS_RECORD_MAX_SIZE) {
		mtasts__report(&s, MTASTS_D_TOO_LARGE, MTASTS_SEVERITY_ERROR, 0,
		               0, 0,
		               "the record would be %zu bytes long; at most %d "
		               "are allowed",
		               o.len, MTASTS_RECORD_MAX_SIZE);
		return mtasts__sink_result(&s);
	}
	text = malloc(o.len + 1);
	if (!text)
		return MTASTS_ENOMEM;
	o.buf = text;
	o.size = o.len + 1;
	o.len = 0;
	mtasts__record_write(&o, b->id, b->ext, b->n_ext);
	(void)mtasts__out_finish(&o);
	st = mtasts_record_parse(out, text, o.len, 0, diag);
	free(text);
	return st;
}
