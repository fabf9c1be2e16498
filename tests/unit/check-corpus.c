/* SPDX-License-Identifier: MIT */
/*
 * The data-driven corpus (STYLE R15): walks $MTASTS_TEST_DATA and runs
 * every case of
 *
 *   policy/{valid,invalid}/<case>/   mtasts_policy_parse()
 *   record/{valid,invalid}/<case>/   mtasts_record_parse()
 *   rrset/<case>/                    mtasts_record_select() and
 *                                    mtasts_record_select_rdata()
 *   tlsrpt/{valid,invalid}/<case>/   mtasts_tlsrpt_parse()
 *   tlsrpt-rrset/<case>/             mtasts_tlsrpt_select() and
 *                                    mtasts_tlsrpt_select_rdata()
 *   mx/cases.tsv                     mtasts_mx_match(), mtasts_policy_match()
 *   mx/patterns.tsv                  mtasts_mx_pattern_check()
 *
 * The formats are described in tests/data/README.md. Every valid policy
 * and record (STSv1 and TLSRPTv1) is also round-tripped: parse -> format
 * (CRLF and LF) -> parse gives an equal object, the canonical text is the
 * one digest §1.4/§2.4 (RFC 8460 digest §1.4) prescribe and a fixed point,
 * and a builder copy builds an equal object.
 */
#include "test-common.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- case lists, filled when the suite is made ---------------------------------- */

struct list {
	char **v;
	size_t n;
	size_t cap;
};

static struct list policy_cases, record_cases, rrset_cases, tlsrpt_cases,
        tlsrpt_rrset_cases;

struct mx_case {
	char *pattern;
	char *host;
	char *expect;
	char *id;
	unsigned int lineno;
};

static struct mx_case *mx_cases, *mx_patterns;
static size_t n_mx_cases, n_mx_patterns;
static char corpus_error[1024];

static void
list_add(struct list *l, char *s)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		char **v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			abort();
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = s;
}

static void
list_free(struct list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

static char *
path_join(const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + 2;
	char *p = malloc(n);

	if (!p)
		abort();
	snprintf(p, n, "%s/%s", a, b);
	return p;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Add every subdirectory of dir (sorted) to l. */
static void
scan_dirs(const char *dir, struct list *l)
{
	DIR *dh = opendir(dir);
	struct dirent *de;
	size_t first = l->n;

	if (!dh) {
		snprintf(corpus_error, sizeof(corpus_error), "cannot open %s",
		         dir);
		return;
	}
	while ((de = readdir(dh)) != NULL) {
		struct stat st;
		char *p;

		if (de->d_name[0] == '.')
			continue;
		p = path_join(dir, de->d_name);
		if (stat(p, &st) == 0 && S_ISDIR(st.st_mode))
			list_add(l, p);
		else
			free(p);
	}
	closedir(dh);
	qsort(l->v + first, l->n - first, sizeof(char *), cmp_str);
}

/* Unescape \\ \t \r \n \xNN in place. */
static void
unescape(char *s)
{
	char *w = s;

	while (*s) {
		if (*s == '\\' && s[1]) {
			s++;
			switch (*s) {
			case 't':
				*w++ = '\t';
				s++;
				break;
			case 'r':
				*w++ = '\r';
				s++;
				break;
			case 'n':
				*w++ = '\n';
				s++;
				break;
			case 'x': {
				char hex[3] = { s[1], s[1] ? s[2] : '\0',
					        '\0' };

				*w++ = (char)strtoul(hex, NULL, 16);
				s += 3;
				break;
			}
			default:
				*w++ = *s++;
				break;
			}
		} else {
			*w++ = *s++;
		}
	}
	*w = '\0';
}

static char *
xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);

	if (!d)
		abort();
	memcpy(d, s, n);
	return d;
}

/* Read a TSV file of 3 or 4 tab-separated columns per line ('#' comments). */
static struct mx_case *
read_tsv(const char *path, size_t *count, int cols)
{
	size_t len = 0, n = 0, cap = 0;
	char *text = t_read_file(path, &len), *line, *save = NULL;
	struct mx_case *v = NULL;
	unsigned int lineno = 0;
	char *buf;

	*count = 0;
	if (!text) {
		snprintf(corpus_error, sizeof(corpus_error), "cannot read %s",
		         path);
		return NULL;
	}
	buf = malloc(len + 1);
	if (!buf)
		abort();
	memcpy(buf, text, len);
	buf[len] = '\0';
	free(text);
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *f[4] = { NULL, NULL, NULL, NULL };
		char *p = line;
		int k;

		lineno++;
		if (line[0] == '#' || line[0] == '\0')
			continue;
		for (k = 0; k < 4; k++) {
			char *tab = strchr(p, '\t');

			f[k] = p;
			if (!tab)
				break;
			*tab = '\0';
			p = tab + 1;
		}
		if (k + 1 < cols) {
			snprintf(corpus_error, sizeof(corpus_error),
			         "%s: line %u has %d columns", path, lineno,
			         k + 1);
			continue;
		}
		if (n == cap) {
			struct mx_case *x;

			cap = cap ? cap * 2 : 128;
			x = realloc(v, cap * sizeof(*v));
			if (!x)
				abort();
			v = x;
		}
		v[n].pattern = xstrdup(f[0]);
		unescape(v[n].pattern);
		if (cols == 4) {
			v[n].host = xstrdup(f[1]);
			unescape(v[n].host);
			v[n].expect = xstrdup(f[2]);
			v[n].id = xstrdup(f[3] ? f[3] : "");
		} else {
			v[n].host = NULL;
			v[n].expect = xstrdup(f[1]);
			v[n].id = xstrdup(f[2] ? f[2] : "");
		}
		v[n].lineno = lineno;
		n++;
	}
	free(buf);
	*count = n;
	return v;
}

static void
free_tsv(struct mx_case *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].pattern);
		free(v[i].host);
		free(v[i].expect);
		free(v[i].id);
	}
	free(v);
}

static void
corpus_free(void)
{
	list_free(&policy_cases);
	list_free(&record_cases);
	list_free(&rrset_cases);
	list_free(&tlsrpt_cases);
	list_free(&tlsrpt_rrset_cases);
	free_tsv(mx_cases, n_mx_cases);
	free_tsv(mx_patterns, n_mx_patterns);
	mx_cases = mx_patterns = NULL;
	n_mx_cases = n_mx_patterns = 0;
}

static void
corpus_load(void)
{
	const char *data = t_data_dir();
	static const struct {
		const char *dir;
		struct list *list;
	} sub[] = {
		{ "policy/valid", &policy_cases },
		{ "policy/invalid", &policy_cases },
		{ "record/valid", &record_cases },
		{ "record/invalid", &record_cases },
		{ "rrset", &rrset_cases },
		{ "tlsrpt/valid", &tlsrpt_cases },
		{ "tlsrpt/invalid", &tlsrpt_cases },
		{ "tlsrpt-rrset", &tlsrpt_rrset_cases },
	};
	size_t i;

	for (i = 0; i < T_ARRAY_LEN(sub); i++) {
		char *dir = path_join(data, sub[i].dir);

		scan_dirs(dir, sub[i].list);
		free(dir);
	}
	{
		char *p = path_join(data, "mx/cases.tsv");

		mx_cases = read_tsv(p, &n_mx_cases, 4);
		free(p);
		p = path_join(data, "mx/patterns.tsv");
		mx_patterns = read_tsv(p, &n_mx_patterns, 3);
		free(p);
	}
	atexit(corpus_free);
}

/* ---- expectation files -------------------------------------------------------------- */

#define MAX_ALT 4

struct exp_diag {
	int codes[MAX_ALT];
	size_t n_codes;
	int severity;
	unsigned int line, col;
	int optional;
	int matched;
	char text[96];
};

struct expect {
	int status[MAX_ALT];
	size_t n_status;
	int mode;
	int have_max_age;
	uint32_t max_age;
	struct list mx;
	struct list ext_name;
	struct list ext_value;
	/* TLSRPTv1: rua URIs in order, and the scheme of each (0 = no
	 * `scheme` line) */
	struct list rua;
	int *rua_scheme;
	char *id;
	int have_selected;
	size_t selected;
	struct exp_diag *diag;
	size_t n_diag;
	struct t_buf err;
};

static void
expect_free(struct expect *e)
{
	list_free(&e->mx);
	list_free(&e->ext_name);
	list_free(&e->ext_value);
	list_free(&e->rua);
	free(e->rua_scheme);
	free(e->id);
	free(e->diag);
	t_buf_free(&e->err);
}

static int
mode_value(const char *s)
{
	if (strcmp(s, "none") == 0)
		return MTASTS_MODE_NONE;
	if (strcmp(s, "testing") == 0)
		return MTASTS_MODE_TESTING;
	if (strcmp(s, "enforce") == 0)
		return MTASTS_MODE_ENFORCE;
	return 0;
}

static const char *
mode_text(int m)
{
	return m == MTASTS_MODE_NONE      ? "none"
	       : m == MTASTS_MODE_TESTING ? "testing"
	       : m == MTASTS_MODE_ENFORCE ? "enforce"
	                                  : "?";
}

static int
scheme_value(const char *s)
{
	if (strcmp(s, "mailto") == 0)
		return MTASTS_RUA_MAILTO;
	if (strcmp(s, "https") == 0)
		return MTASTS_RUA_HTTPS;
	if (strcmp(s, "other") == 0)
		return MTASTS_RUA_OTHER;
	return 0;
}

static const char *
scheme_text(int s)
{
	return s == MTASTS_RUA_MAILTO  ? "mailto"
	       : s == MTASTS_RUA_HTTPS ? "https"
	       : s == MTASTS_RUA_OTHER ? "other"
	                               : "?";
}

static unsigned int
pos_value(const char *s, int *ok)
{
	char *end;
	unsigned long v;

	if (strcmp(s, "*") == 0)
		return T_ANY;
	v = strtoul(s, &end, 10);
	if (*s == '\0' || *end != '\0')
		*ok = 0;
	return (unsigned int)v;
}

/* "code[|code...] line col" */
static void
parse_diag_spec(struct expect *e, char *spec, int severity, int optional,
                unsigned int lineno)
{
	char *codes = strtok(spec, " \t");
	char *line = strtok(NULL, " \t");
	char *col = strtok(NULL, " \t");
	struct exp_diag *d, *x;
	char *alt, *save = NULL;
	int ok = 1;

	if (!codes || !line || !col || strtok(NULL, " \t")) {
		t_buf_printf(&e->err,
		             "expectation line %u: want 'code line "
		             "col'; ",
		             lineno);
		return;
	}
	x = realloc(e->diag, (e->n_diag + 1) * sizeof(*x));
	if (!x)
		abort();
	e->diag = x;
	d = &e->diag[e->n_diag];
	memset(d, 0, sizeof(*d));
	snprintf(d->text, sizeof(d->text), "%s%s %s %s:%s",
	         optional ? "maybe " : "",
	         severity == MTASTS_SEVERITY_WARNING ? "warning" : "error",
	         codes, line, col);
	for (alt = strtok_r(codes, "|", &save); alt;
	     alt = strtok_r(NULL, "|", &save)) {
		int c = t_code_from_name(alt);

		if (!c || d->n_codes == MAX_ALT) {
			t_buf_printf(&e->err,
			             "expectation line %u: unknown code '%s'; ",
			             lineno, alt);
			return;
		}
		d->codes[d->n_codes++] = c;
	}
	d->severity = severity;
	d->optional = optional;
	d->line = pos_value(line, &ok);
	d->col = pos_value(col, &ok);
	if (!ok) {
		t_buf_printf(&e->err, "expectation line %u: bad position; ",
		             lineno);
		return;
	}
	e->n_diag++;
}

static void
parse_status(struct expect *e, char *s, unsigned int lineno)
{
	char *alt, *save = NULL;

	for (alt = strtok_r(s, "|", &save); alt;
	     alt = strtok_r(NULL, "|", &save)) {
		int st = t_status_from_name(alt);

		if (st == 1 || e->n_status == MAX_ALT) {
			t_buf_printf(
			        &e->err,
			        "expectation line %u: unknown status '%s'; ",
			        lineno, alt);
			return;
		}
		e->status[e->n_status++] = st;
	}
}

/* Parse an `expected` or `error` file (see tests/data/README.md). */
static void
expect_parse(struct expect *e, const char *path)
{
	size_t len = 0;
	char *raw = t_read_file(path, &len), *buf, *line, *save = NULL;
	unsigned int lineno = 0;

	memset(e, 0, sizeof(*e));
	t_buf_init(&e->err);
	if (!raw) {
		t_buf_printf(&e->err, "cannot read %s; ", path);
		return;
	}
	buf = malloc(len + 1);
	if (!buf)
		abort();
	memcpy(buf, raw, len);
	buf[len] = '\0';
	free(raw);
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		size_t n = strlen(line);
		char *rest;

		lineno++;
		if (n && line[n - 1] == '\r')
			line[--n] = '\0';
		if (n == 0 || line[0] == '#')
			continue;
		rest = strchr(line, ' ');
		if (rest)
			*rest++ = '\0';
		else
			rest = line + n;
		if (strncmp(line, "MTASTS_", 7) == 0) {
			parse_status(e, line, lineno);
		} else if (strcmp(line, "status") == 0) {
			parse_status(e, rest, lineno);
		} else if (strcmp(line, "mode") == 0) {
			e->mode = mode_value(rest);
			if (!e->mode)
				t_buf_printf(&e->err, "line %u: bad mode; ",
				             lineno);
		} else if (strcmp(line, "max_age") == 0) {
			e->have_max_age = 1;
			e->max_age = (uint32_t)strtoul(rest, NULL, 10);
		} else if (strcmp(line, "mx") == 0) {
			list_add(&e->mx, xstrdup(rest));
		} else if (strcmp(line, "ext") == 0) {
			char *v = strchr(rest, ' ');

			if (!v) {
				t_buf_printf(&e->err,
				             "line %u: ext needs a "
				             "value; ",
				             lineno);
				continue;
			}
			*v++ = '\0';
			list_add(&e->ext_name, xstrdup(rest));
			list_add(&e->ext_value, xstrdup(v));
		} else if (strcmp(line, "rua") == 0) {
			int *x = realloc(e->rua_scheme,
			                 (e->rua.n + 1) * sizeof(*x));

			if (!x)
				abort();
			e->rua_scheme = x;
			e->rua_scheme[e->rua.n] = 0;
			list_add(&e->rua, xstrdup(rest));
		} else if (strcmp(line, "scheme") == 0) {
			int sc = scheme_value(rest);

			if (!sc)
				t_buf_printf(&e->err, "line %u: bad scheme; ",
				             lineno);
			else if (e->rua.n == 0 ||
			         e->rua_scheme[e->rua.n - 1] != 0)
				t_buf_printf(&e->err,
				             "line %u: scheme without "
				             "a rua line before it; ",
				             lineno);
			else
				e->rua_scheme[e->rua.n - 1] = sc;
		} else if (strcmp(line, "id") == 0) {
			free(e->id);
			e->id = xstrdup(rest);
		} else if (strcmp(line, "selected") == 0) {
			e->have_selected = 1;
			e->selected = strcmp(rest, "none") == 0
			                      ? MTASTS_NO_INDEX
			                      : (size_t)strtoul(rest, NULL, 10);
		} else if (strcmp(line, "warning") == 0) {
			parse_diag_spec(e, rest, MTASTS_SEVERITY_WARNING, 0,
			                lineno);
		} else if (strcmp(line, "maybe") == 0) {
			parse_diag_spec(e, rest, MTASTS_SEVERITY_ERROR, 1,
			                lineno);
		} else if (strcmp(line, "maybe-warning") == 0) {
			parse_diag_spec(e, rest, MTASTS_SEVERITY_WARNING, 1,
			                lineno);
		} else {
			/* "code line col": an error; re-join the line */
			if (rest != line + n)
				rest[-1] = ' ';
			parse_diag_spec(e, line, MTASTS_SEVERITY_ERROR, 0,
			                lineno);
		}
	}
	free(buf);
	if (e->n_status == 0)
		e->status[e->n_status++] = MTASTS_OK;
}

static unsigned int
read_flags(const char *dir)
{
	char *p = path_join(dir, "flags");
	size_t len = 0;
	char *f = t_read_file(p, &len);
	unsigned int flags = 0;

	free(p);
	if (f) {
		char *s = malloc(len + 1);

		if (!s)
			abort();
		memcpy(s, f, len);
		s[len] = '\0';
		if (strstr(s, "lenient"))
			flags |= MTASTS_PARSE_LENIENT;
		free(s);
		free(f);
	}
	return flags;
}

/* ---- checking a result ------------------------------------------------------------ */

static int
status_ok(const struct expect *e, int st)
{
	size_t i;

	for (i = 0; i < e->n_status; i++)
		if (e->status[i] == st)
			return 1;
	return 0;
}

static int
diag_fits(const struct exp_diag *x, const mtasts_diag *d, size_t i)
{
	size_t k;
	int code_ok = 0;

	for (k = 0; k < x->n_codes; k++)
		if (mtasts_diag_code(d, i) == x->codes[k])
			code_ok = 1;
	return code_ok && mtasts_diag_severity(d, i) == x->severity &&
	       (x->line == T_ANY || mtasts_diag_line(d, i) == x->line) &&
	       (x->col == T_ANY || mtasts_diag_column(d, i) == x->col);
}

static void
describe(struct t_buf *r, const mtasts_diag *d, size_t i)
{
	const char *name = t_code_name(mtasts_diag_code(d, i));

	t_buf_printf(r, "%s %s %u %u",
	             mtasts_diag_severity(d, i) == MTASTS_SEVERITY_ERROR
	                     ? "error"
	             : mtasts_diag_severity(d, i) == MTASTS_SEVERITY_WARNING
	                     ? "warning"
	                     : "note",
	             name ? name : "?", mtasts_diag_line(d, i),
	             mtasts_diag_column(d, i));
}

/* Compare the diagnostics list with the expectations: every required
 * entry present, optional ones allowed, nothing else. */
static void
check_diags(struct t_buf *r, struct expect *e, const mtasts_diag *d)
{
	size_t n = mtasts_diag_count(d), i, k;
	char *used = calloc(n + 1, 1);
	int pass;

	if (!used)
		abort();
	for (k = 0; k < e->n_diag; k++)
		e->diag[k].matched = 0;
	for (pass = 0; pass < 2; pass++) {
		for (k = 0; k < e->n_diag; k++) {
			struct exp_diag *x = &e->diag[k];

			if (x->optional != pass)
				continue;
			for (i = 0; i < n; i++) {
				if (!used[i] && diag_fits(x, d, i)) {
					used[i] = 1;
					x->matched = 1;
					break;
				}
			}
			if (!x->matched && !x->optional)
				t_buf_printf(r, "missing diagnostic [%s]; ",
				             x->text);
		}
	}
	for (i = 0; i < n; i++) {
		if (used[i])
			continue;
		t_buf_str(r, "unexpected diagnostic [");
		describe(r, d, i);
		t_buf_printf(r, "] '%s'; ", mtasts_diag_message(d, i));
	}
	free(used);
}

/* Invariants of every entry: printable message; positions consistent with
 * the offset (mtasts.h, group diag). For a policy (policy = 1), line L
 * column C is the byte at offset start(L) + C - 1; for a record, column C
 * is offset C - 1 of that record's text. */
static void
check_positions(struct t_buf *r, const mtasts_diag *d, const char *text,
                size_t len, int policy)
{
	size_t n = mtasts_diag_count(d), i;

	if (!t_messages_printable(d))
		t_buf_str(r, "a message is not printable ASCII; ");
	for (i = 0; i < n; i++) {
		unsigned int line = mtasts_diag_line(d, i);
		unsigned int col = mtasts_diag_column(d, i);
		size_t off = mtasts_diag_offset(d, i);

		if (mtasts_diag_code(d, i) == MTASTS_D_TOO_MANY_DIAGNOSTICS)
			continue;
		if (line == 0 && (col != 0 || off != 0)) {
			t_buf_str(r, "line 0 with a column or offset [");
			describe(r, d, i);
			t_buf_str(r, "]; ");
			continue;
		}
		if (col == 0) {
			if (off != 0) {
				t_buf_str(r, "column 0 with an offset [");
				describe(r, d, i);
				t_buf_str(r, "]; ");
			}
			if (policy && line != 0) {
				t_buf_str(r, "policy line without column [");
				describe(r, d, i);
				t_buf_str(r, "]; ");
			}
			continue;
		}
		if (policy) {
			size_t start = 0, k;
			unsigned int l = 1;

			for (k = 0; k < len && l < line; k++)
				if (text[k] == '\n') {
					l++;
					start = k + 1;
				}
			if (l != line || off != start + col - 1 || off > len) {
				t_buf_str(r,
				          "position does not match offset [");
				describe(r, d, i);
				t_buf_printf(r, " offset %zu]; ", off);
			}
		} else if (off != (size_t)col - 1) {
			t_buf_str(r, "column does not match offset [");
			describe(r, d, i);
			t_buf_printf(r, " offset %zu]; ", off);
		}
	}
}

/* "The status of the first error found is also the return value" (mtasts.h
 * conventions); a success has no error entry. */
static void
check_first_error(struct t_buf *r, const mtasts_diag *d, int st)
{
	int want = t_first_error_status(d, 0);

	if (st == MTASTS_OK) {
		if (mtasts_diag_error_count(d))
			t_buf_str(r, "an error diagnostic with MTASTS_OK; ");
	} else if (want != st) {
		t_buf_printf(r, "status %s, but the first error says %s; ",
		             t_status_name(st), t_status_name(want));
	}
}

static void
finish(struct t_buf *r, const char *name)
{
	char msg[12000];

	if (r->n == 0) {
		t_buf_free(r);
		return;
	}
	snprintf(msg, sizeof(msg), "%s: %s", name, r->p);
	t_buf_free(r);
	ck_abort_msg("%s", msg);
}

static const char *
case_name(const char *path)
{
	static const char *const kinds[] = { "/policy/", "/record/", "/rrset/",
		                             "/tlsrpt/", "/tlsrpt-rrset/" };
	const char *best = NULL;
	size_t i;

	/* the last kind directory in the path names the case */
	for (i = 0; i < T_ARRAY_LEN(kinds); i++) {
		const char *d = path, *hit = NULL;

		while ((d = strstr(d, kinds[i])) != NULL)
			hit = d++;
		if (hit && (!best || hit > best))
			best = hit;
	}
	return best ? best + 1 : path;
}

/* ---- policies ------------------------------------------------------------------------ */

static void
canonical_policy(struct t_buf *b, const struct expect *e, const char *eol)
{
	size_t i;

	t_buf_printf(b, "version: STSv1%smode: %s%s", eol, mode_text(e->mode),
	             eol);
	for (i = 0; i < e->mx.n; i++)
		t_buf_printf(b, "mx: %s%s", e->mx.v[i], eol);
	t_buf_printf(b, "max_age: %u%s", (unsigned int)e->max_age, eol);
	for (i = 0; i < e->ext_name.n; i++) {
		t_buf_str(b, e->ext_name.v[i]);
		t_buf_str(b, ": ");
		t_buf_str(b, e->ext_value.v[i]);
		t_buf_str(b, eol);
	}
}

static void
check_policy_fields(struct t_buf *r, const struct expect *e,
                    const mtasts_policy *p)
{
	size_t i;

	if (!e->mode || !e->have_max_age) {
		t_buf_str(r, "expected file lacks mode or max_age; ");
		return;
	}
	if (mtasts_policy_mode(p) != e->mode)
		t_buf_printf(r, "mode %d, expected %s; ", mtasts_policy_mode(p),
		             mode_text(e->mode));
	if (mtasts_policy_max_age(p) != e->max_age)
		t_buf_printf(r, "max_age %u, expected %u; ",
		             (unsigned int)mtasts_policy_max_age(p),
		             (unsigned int)e->max_age);
	if (mtasts_policy_mx_count(p) != e->mx.n)
		t_buf_printf(r, "%zu mx, expected %zu; ",
		             mtasts_policy_mx_count(p), e->mx.n);
	for (i = 0; i < e->mx.n && i < mtasts_policy_mx_count(p); i++)
		if (strcmp(mtasts_policy_mx(p, i), e->mx.v[i]) != 0)
			t_buf_printf(r, "mx %zu '%s', expected '%s'; ", i,
			             mtasts_policy_mx(p, i), e->mx.v[i]);
	if (mtasts_policy_extension_count(p) != e->ext_name.n)
		t_buf_printf(r, "%zu extensions, expected %zu; ",
		             mtasts_policy_extension_count(p), e->ext_name.n);
	for (i = 0; i < e->ext_name.n && i < mtasts_policy_extension_count(p);
	     i++) {
		if (strcmp(mtasts_policy_extension_name(p, i),
		           e->ext_name.v[i]) != 0 ||
		    strcmp(mtasts_policy_extension_value(p, i),
		           e->ext_value.v[i]) != 0)
			t_buf_printf(r,
			             "extension %zu '%s: %s', expected "
			             "'%s: %s'; ",
			             i, mtasts_policy_extension_name(p, i),
			             mtasts_policy_extension_value(p, i),
			             e->ext_name.v[i], e->ext_value.v[i]);
	}
}

/* parse -> format -> parse, both line ends; canonical text; builder copy */
static void
policy_round_trip(struct t_buf *r, const struct expect *e,
                  const mtasts_policy *p)
{
	static const unsigned int fmts[] = { MTASTS_FORMAT_DEFAULT,
		                             MTASTS_FORMAT_LF };
	size_t f;

	for (f = 0; f < T_ARRAY_LEN(fmts); f++) {
		const char *eol = fmts[f] ? "\n" : "\r\n";
		struct t_buf want;
		mtasts_policy *p2 = NULL;
		mtasts_diag *d = t_diag_new();
		char *s = NULL, *s2 = NULL;
		int n = mtasts_policy_format(p, NULL, 0, fmts[f]);

		t_buf_init(&want);
		canonical_policy(&want, e, eol);
		if (mtasts_policy_format_alloc(p, fmts[f], &s) != MTASTS_OK) {
			t_buf_str(r, "format_alloc failed; ");
			goto next;
		}
		if (n < 0 || (size_t)n != strlen(s))
			t_buf_printf(r, "format returns %d for %zu bytes; ", n,
			             strlen(s));
		if (strcmp(s, want.p) != 0)
			t_buf_printf(r,
			             "canonical %s text differs: got "
			             "'%.300s' want '%.300s'; ",
			             fmts[f] ? "LF" : "CRLF", s, want.p);
		if (t_policy_parse(&p2, s, strlen(s), 0, d) != MTASTS_OK) {
			t_buf_printf(r, "canonical text does not parse: %s; ",
			             t_diag_str(d));
			goto next;
		}
		/* no diagnostics but the hint on an extension named like a
		 * registered field in another case */
		if (mtasts_diag_count(d) !=
		    t_count_diag(d, MTASTS_D_POLICY_NAME_CASE,
		                 MTASTS_SEVERITY_WARNING))
			t_buf_printf(r, "canonical text has diagnostics: %s; ",
			             t_diag_str(d));
		if (!mtasts_policy_equal(p, p2))
			t_buf_str(r, "round trip gives another policy; ");
		if (mtasts_policy_format_alloc(p2, fmts[f], &s2) != MTASTS_OK ||
		    strcmp(s, s2) != 0)
			t_buf_str(r, "canonical text is not a fixed point; ");
	next:
		mtasts_free(s);
		mtasts_free(s2);
		mtasts_policy_free(p2);
		mtasts_diag_free(d);
		t_buf_free(&want);
	}
	{
		mtasts_policy_builder *b = NULL;
		mtasts_policy *p3 = NULL;

		if (mtasts_policy_builder_new(&b, p) != MTASTS_OK ||
		    mtasts_policy_builder_build(b, &p3, NULL) != MTASTS_OK ||
		    !mtasts_policy_equal(p, p3))
			t_buf_str(r, "builder copy does not build an equal "
			             "policy; ");
		mtasts_policy_free(p3);
		mtasts_policy_builder_free(b);
	}
}

START_TEST(policy_case)
{
	const char *dir = policy_cases.v[_i];
	const char *name = case_name(dir);
	int valid = strstr(name, "/valid/") != NULL;
	char *ip = path_join(dir, "input");
	char *ep = path_join(dir, valid ? "expected" : "error");
	unsigned int flags = read_flags(dir);
	struct expect e;
	struct t_buf r;
	size_t len = 0;
	char *text = t_read_file(ip, &len);
	mtasts_policy *p = (mtasts_policy *)&p, *q = (mtasts_policy *)&q;
	mtasts_diag *d = t_diag_new();
	int st, st2 = 1;

	t_buf_init(&r);
	expect_parse(&e, ep);
	if (e.err.n)
		t_buf_printf(&r, "bad expectation file: %s", e.err.p);
	if (!text) {
		t_buf_str(&r, "no input file; ");
		goto out;
	}
	if (valid != status_ok(&e, MTASTS_OK))
		t_buf_str(&r, "valid/ cases expect MTASTS_OK, invalid/ cases "
		              "an error; ");
	st = mtasts_policy_parse(&p, text, len, flags, d);
	if (!status_ok(&e, st))
		t_buf_printf(&r, "status %s; ", t_status_name(st));
	check_first_error(&r, d, st);
	check_diags(&r, &e, d);
	check_positions(&r, d, text, len, 1);
	/* the same without a list */
	st2 = mtasts_policy_parse(&q, text, len, flags, NULL);
	if (st2 != st)
		t_buf_printf(&r, "status without a list: %s; ",
		             t_status_name(st2));
	if (st == MTASTS_OK) {
		if (!p) {
			t_buf_str(&r, "MTASTS_OK without a policy; ");
			goto out;
		}
		check_policy_fields(&r, &e, p);
		if (st2 == MTASTS_OK && !mtasts_policy_equal(p, q))
			t_buf_str(&r, "another policy without a list; ");
		policy_round_trip(&r, &e, p);
	} else if (p) {
		t_buf_str(&r, "*out not NULL after a failure; ");
		p = NULL;
	}
out:
	if (st2 != MTASTS_OK)
		q = NULL;
	mtasts_policy_free(p == (mtasts_policy *)&p ? NULL : p);
	mtasts_policy_free(q == (mtasts_policy *)&q ? NULL : q);
	mtasts_diag_free(d);
	expect_free(&e);
	free(text);
	free(ip);
	free(ep);
	finish(&r, name);
}
END_TEST

/* STSv1 expectation keys make no sense for a TLSRPTv1 case, and rua lines
 * none for an STSv1 one: catch a misplaced expectation file. */
static void
check_expect_kind(struct t_buf *r, const struct expect *e, int tlsrpt)
{
	if (tlsrpt && (e->id || e->mode || e->have_max_age || e->mx.n))
		t_buf_str(r, "bad expectation file: id/mode/max_age/mx in a "
		             "TLSRPTv1 case; ");
	if (!tlsrpt && e->rua.n)
		t_buf_str(r, "bad expectation file: rua in an STSv1 case; ");
}

/* ---- records ------------------------------------------------------------------------- */

static void
check_record_fields(struct t_buf *r, const struct expect *e,
                    const mtasts_record *rec)
{
	size_t i;

	if (!e->id) {
		t_buf_str(r, "expected file lacks id; ");
		return;
	}
	if (strcmp(mtasts_record_id(rec), e->id) != 0)
		t_buf_printf(r, "id '%s', expected '%s'; ",
		             mtasts_record_id(rec), e->id);
	if (mtasts_record_extension_count(rec) != e->ext_name.n)
		t_buf_printf(r, "%zu extensions, expected %zu; ",
		             mtasts_record_extension_count(rec), e->ext_name.n);
	for (i = 0; i < e->ext_name.n && i < mtasts_record_extension_count(rec);
	     i++)
		if (strcmp(mtasts_record_extension_name(rec, i),
		           e->ext_name.v[i]) != 0 ||
		    strcmp(mtasts_record_extension_value(rec, i),
		           e->ext_value.v[i]) != 0)
			t_buf_printf(r,
			             "extension %zu '%s=%s', expected "
			             "'%s=%s'; ",
			             i, mtasts_record_extension_name(rec, i),
			             mtasts_record_extension_value(rec, i),
			             e->ext_name.v[i], e->ext_value.v[i]);
}

static void
record_round_trip(struct t_buf *r, const struct expect *e,
                  const mtasts_record *rec)
{
	struct t_buf want;
	mtasts_record *r2 = NULL, *r3 = NULL;
	mtasts_record_builder *b = NULL;
	mtasts_diag *d = t_diag_new();
	char *s = NULL, *s2 = NULL;
	size_t i;

	/* digest §1.4: "v=STSv1; id=<id>;" then " name=value;" each */
	t_buf_init(&want);
	t_buf_printf(&want, "v=STSv1; id=%s;", e->id ? e->id : "?");
	for (i = 0; i < e->ext_name.n; i++)
		t_buf_printf(&want, " %s=%s;", e->ext_name.v[i],
		             e->ext_value.v[i]);
	if (mtasts_record_format_alloc(rec, 0, &s) != MTASTS_OK) {
		t_buf_str(r, "format_alloc failed; ");
		goto out;
	}
	if (strcmp(s, want.p) != 0)
		t_buf_printf(r, "canonical text '%.300s', expected '%.300s'; ",
		             s, want.p);
	if (mtasts_record_format(rec, NULL, 0, 0) != (int)strlen(s))
		t_buf_str(r, "format length differs; ");
	if (t_record_parse(&r2, s, strlen(s), 0, d) != MTASTS_OK) {
		t_buf_printf(r, "canonical text does not parse: %s; ",
		             t_diag_str(d));
		goto out;
	}
	if (mtasts_diag_count(d) !=
	    t_count_diag(d, MTASTS_D_TXT_NAME_CASE, MTASTS_SEVERITY_WARNING))
		t_buf_printf(r, "canonical text has diagnostics: %s; ",
		             t_diag_str(d));
	if (!mtasts_record_equal(rec, r2))
		t_buf_str(r, "round trip gives another record; ");
	if (mtasts_record_format_alloc(r2, 0, &s2) != MTASTS_OK ||
	    strcmp(s, s2) != 0)
		t_buf_str(r, "canonical text is not a fixed point; ");
	if (mtasts_record_builder_new(&b, rec) != MTASTS_OK ||
	    mtasts_record_builder_build(b, &r3, NULL) != MTASTS_OK ||
	    !mtasts_record_equal(rec, r3))
		t_buf_str(r, "builder copy does not build an equal record; ");
out:
	mtasts_free(s);
	mtasts_free(s2);
	mtasts_record_free(r2);
	mtasts_record_free(r3);
	mtasts_record_builder_free(b);
	mtasts_diag_free(d);
	t_buf_free(&want);
}

/* R-05 with A-01 (strict): "v=STSv1" *WSP ";" */
static int
is_candidate(const char *t, size_t n)
{
	size_t i = 7;

	if (n < 7 || memcmp(t, "v=STSv1", 7) != 0)
		return 0;
	while (i < n && (t[i] == ' ' || t[i] == '\t'))
		i++;
	return i < n && t[i] == ';';
}

/* Wire RDATA of text in character-strings of at most chunk bytes. */
static unsigned char *
to_wire(const char *text, size_t len, size_t chunk, size_t *out)
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
	*out = b.n;
	t_buf_free(&b);
	return w;
}

START_TEST(record_case)
{
	const char *dir = record_cases.v[_i];
	const char *name = case_name(dir);
	int valid = strstr(name, "/valid/") != NULL;
	char *ip = path_join(dir, "input");
	char *ep = path_join(dir, valid ? "expected" : "error");
	unsigned int flags = read_flags(dir);
	struct expect e;
	struct t_buf r;
	size_t len = 0;
	char *text = t_read_file(ip, &len);
	mtasts_record *rec = (mtasts_record *)&rec, *q = (mtasts_record *)&q;
	mtasts_diag *d = t_diag_new();
	int st, st2 = 1;

	t_buf_init(&r);
	expect_parse(&e, ep);
	if (e.err.n)
		t_buf_printf(&r, "bad expectation file: %s", e.err.p);
	check_expect_kind(&r, &e, 0);
	if (!text) {
		t_buf_str(&r, "no input file; ");
		rec = NULL;
		goto out;
	}
	if (valid != status_ok(&e, MTASTS_OK))
		t_buf_str(&r, "valid/ cases expect MTASTS_OK, invalid/ cases "
		              "an error; ");
	st = mtasts_record_parse(&rec, text, len, flags, d);
	if (!status_ok(&e, st))
		t_buf_printf(&r, "status %s; ", t_status_name(st));
	check_first_error(&r, d, st);
	check_diags(&r, &e, d);
	check_positions(&r, d, text, len, 0);
	/* the same without a list */
	st2 = mtasts_record_parse(&q, text, len, flags, NULL);
	if (st2 != st)
		t_buf_printf(&r, "status without a list: %s; ",
		             t_status_name(st2));
	if (st2 != MTASTS_OK && q) {
		t_buf_str(&r, "*out not NULL after a failure without a "
		              "list; ");
		q = NULL;
	}
	if (st == MTASTS_OK) {
		if (!rec) {
			t_buf_str(&r, "MTASTS_OK without a record; ");
			goto out;
		}
		check_record_fields(&r, &e, rec);
		if (st2 == MTASTS_OK && !mtasts_record_equal(rec, q))
			t_buf_str(&r, "another record without a list; ");
		record_round_trip(&r, &e, rec);
	} else if (rec) {
		t_buf_str(&r, "*out not NULL after a failure; ");
		rec = NULL;
	}

	/* As the only RR of an RRset (strict): a candidate gives the
	 * status of its parse, anything else no record. */
	if (!(flags & MTASTS_PARSE_LENIENT) && len <= 255 * 40) {
		const char *rrs[1] = { text };
		size_t lens[1] = { len }, sel = 7, wl;
		mtasts_record *s = NULL;
		int want = is_candidate(text, len) ? st : MTASTS_ENORECORD;
		int sst = mtasts_record_select(&s, &sel, rrs, lens, 1, 0, NULL);
		unsigned char *w = to_wire(text, len, 1, &wl);
		const unsigned char *rd[1] = { w };
		size_t wls[1] = { wl };
		mtasts_record *s2 = NULL;
		int wst;

		if (sst != want)
			t_buf_printf(&r, "as an RRset: %s, expected %s; ",
			             t_status_name(sst), t_status_name(want));
		if (sst == MTASTS_OK && st == MTASTS_OK &&
		    !mtasts_record_equal(s, rec))
			t_buf_str(&r, "as an RRset: another record; ");
		wst = mtasts_record_select_rdata(&s2, &sel, rd, wls, 1, 0,
		                                 NULL);
		if (wst != want)
			t_buf_printf(&r,
			             "as 1-byte wire strings: %s, expected "
			             "%s; ",
			             t_status_name(wst), t_status_name(want));
		if (wst == MTASTS_OK && st == MTASTS_OK &&
		    !mtasts_record_equal(s2, rec))
			t_buf_str(&r, "as wire strings: another record; ");
		mtasts_record_free(s);
		mtasts_record_free(s2);
		free(w);
	}
out:
	if (st2 != MTASTS_OK)
		q = NULL;
	mtasts_record_free(rec == (mtasts_record *)&rec ? NULL : rec);
	mtasts_record_free(q == (mtasts_record *)&q ? NULL : q);
	mtasts_diag_free(d);
	expect_free(&e);
	free(text);
	free(ip);
	free(ep);
	finish(&r, name);
}
END_TEST

/* ---- TLSRPTv1 records ----------------------------------------------------------------- */

/* strcasecmp() for ASCII names, without <strings.h> */
static int
ascii_casecmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		int x = (unsigned char)*a, y = (unsigned char)*b;

		if (x >= 'A' && x <= 'Z')
			x += 32;
		if (y >= 'A' && y <= 'Z')
			y += 32;
		if (x != y || x == 0)
			return x - y;
	}
}

static void
check_tlsrpt_fields(struct t_buf *r, const struct expect *e,
                    const mtasts_tlsrpt *rec)
{
	size_t i, n = mtasts_tlsrpt_rua_count(rec),
	          ne = mtasts_tlsrpt_extension_count(rec);

	if (e->rua.n == 0) {
		t_buf_str(r, "expected file lacks rua (a valid record has at "
		             "least one, T-03); ");
		return;
	}
	if (n != e->rua.n)
		t_buf_printf(r, "%zu rua, expected %zu; ", n, e->rua.n);
	for (i = 0; i < e->rua.n && i < n; i++) {
		const char *u = mtasts_tlsrpt_rua(rec, i);
		int sc = mtasts_tlsrpt_rua_scheme(rec, i);

		if (!u || strcmp(u, e->rua.v[i]) != 0)
			t_buf_printf(r, "rua %zu '%.200s', expected '%.200s'; ",
			             i, u ? u : "(null)", e->rua.v[i]);
		if (!e->rua_scheme[i])
			t_buf_printf(r,
			             "expected file: rua %zu has no scheme "
			             "line; ",
			             i);
		else if (sc != e->rua_scheme[i])
			t_buf_printf(r, "rua %zu scheme %d, expected %s; ", i,
			             sc, scheme_text(e->rua_scheme[i]));
	}
	/* past the end: NULL and 0 (mtasts.h) */
	if (mtasts_tlsrpt_rua(rec, n) != NULL ||
	    mtasts_tlsrpt_rua_scheme(rec, n) != 0 ||
	    mtasts_tlsrpt_extension_name(rec, ne) != NULL ||
	    mtasts_tlsrpt_extension_value(rec, ne) != NULL)
		t_buf_str(r, "an accessor past the end is not NULL/0; ");
	if (ne != e->ext_name.n)
		t_buf_printf(r, "%zu extensions, expected %zu; ", ne,
		             e->ext_name.n);
	for (i = 0; i < e->ext_name.n && i < ne; i++)
		if (strcmp(mtasts_tlsrpt_extension_name(rec, i),
		           e->ext_name.v[i]) != 0 ||
		    strcmp(mtasts_tlsrpt_extension_value(rec, i),
		           e->ext_value.v[i]) != 0)
			t_buf_printf(r,
			             "extension %zu '%s=%s', expected "
			             "'%s=%s'; ",
			             i, mtasts_tlsrpt_extension_name(rec, i),
			             mtasts_tlsrpt_extension_value(rec, i),
			             e->ext_name.v[i], e->ext_value.v[i]);
}

/* mtasts_tlsrpt_builder_add_rua() checks a URI "as mtasts_tlsrpt_parse()
 * checks it" (mtasts.h): an empty builder takes every URI of a valid record,
 * with one scheme warning per other-scheme URI, and every extension except
 * those the builder refuses by name (v, rua in any case), and builds an
 * equal record. */
static void
tlsrpt_fresh_builder(struct t_buf *r, const struct expect *e,
                     const mtasts_tlsrpt *rec, size_t n_other)
{
	mtasts_tlsrpt_builder *b = NULL;
	mtasts_tlsrpt *out = NULL;
	mtasts_diag *d = t_diag_new();
	int skipped = 0;
	size_t i;

	if (mtasts_tlsrpt_builder_new(&b, NULL) != MTASTS_OK) {
		t_buf_str(r, "builder_new(NULL) failed; ");
		goto out;
	}
	for (i = 0; i < e->rua.n; i++) {
		int st = mtasts_tlsrpt_builder_add_rua(b, e->rua.v[i], d);

		if (st != MTASTS_OK)
			t_buf_printf(r, "builder refuses rua '%.200s': %s; ",
			             e->rua.v[i], t_status_name(st));
	}
	if (mtasts_diag_error_count(d) ||
	    t_count_diag(d, MTASTS_D_TLSRPT_URI_SCHEME,
	                 MTASTS_SEVERITY_WARNING) != n_other)
		t_buf_printf(r, "builder rua diagnostics: %s; ", t_diag_str(d));
	for (i = 0; i < e->ext_name.n; i++) {
		const char *nm = e->ext_name.v[i];
		int st;

		if (ascii_casecmp(nm, "v") == 0 ||
		    ascii_casecmp(nm, "rua") == 0) {
			skipped = 1;
			continue;
		}
		st = mtasts_tlsrpt_builder_add_extension(
		        b, nm, e->ext_value.v[i], NULL);
		if (st != MTASTS_OK)
			t_buf_printf(r, "builder refuses extension '%s': %s; ",
			             nm, t_status_name(st));
	}
	if (mtasts_tlsrpt_builder_build(b, &out, NULL) != MTASTS_OK)
		t_buf_str(r, "a fresh builder does not build; ");
	else if (skipped ? mtasts_tlsrpt_rua_count(out) != e->rua.n
	                 : !mtasts_tlsrpt_equal(rec, out))
		t_buf_str(r, "a fresh builder builds another record; ");
out:
	mtasts_tlsrpt_free(out);
	mtasts_tlsrpt_builder_free(b);
	mtasts_diag_free(d);
}

/* parse -> format -> parse; canonical text (digest §1.4, mtasts.h:
 * "v=TLSRPTv1; rua=<uri>[,<uri>...]" then "; name=value" each, no final
 * ';'); fixed point; builder copy */
static void
tlsrpt_round_trip(struct t_buf *r, const struct expect *e,
                  const mtasts_tlsrpt *rec)
{
	struct t_buf want;
	mtasts_tlsrpt *r2 = NULL, *r3 = NULL;
	mtasts_tlsrpt_builder *b = NULL;
	mtasts_diag *d = t_diag_new();
	char *s = NULL, *s2 = NULL;
	size_t i, n_other = 0, n_rest;
	int n;

	t_buf_init(&want);
	t_buf_str(&want, "v=TLSRPTv1; rua=");
	for (i = 0; i < e->rua.n; i++) {
		t_buf_printf(&want, "%s%s", i ? "," : "", e->rua.v[i]);
		if (e->rua_scheme[i] == MTASTS_RUA_OTHER)
			n_other++;
	}
	for (i = 0; i < e->ext_name.n; i++)
		t_buf_printf(&want, "; %s=%s", e->ext_name.v[i],
		             e->ext_value.v[i]);
	if (mtasts_tlsrpt_format_alloc(rec, 0, &s) != MTASTS_OK || !s) {
		t_buf_str(r, "format_alloc failed; ");
		goto out;
	}
	if (strcmp(s, want.p) != 0)
		t_buf_printf(r, "canonical text '%.300s', expected '%.300s'; ",
		             s, want.p);
	n = mtasts_tlsrpt_format(rec, NULL, 0, 0);
	if (n < 0 || (size_t)n != strlen(s))
		t_buf_printf(r, "format returns %d for %zu bytes; ", n,
		             strlen(s));
	/* snprintf-style truncation */
	if (n > 1) {
		size_t size = (size_t)n / 2 + 1;
		char *buf = malloc(size);

		if (!buf)
			abort();
		memset(buf, 'X', size);
		if (mtasts_tlsrpt_format(rec, buf, size, 0) != n ||
		    buf[size - 1] != '\0' || strncmp(buf, s, size - 1) != 0)
			t_buf_str(r, "truncated format is not snprintf-like; ");
		free(buf);
	}
	if (mtasts_tlsrpt_parse(&r2, s, strlen(s), 0, d) != MTASTS_OK) {
		t_buf_printf(r, "canonical text does not parse: %s; ",
		             t_diag_str(d));
		goto out;
	}
	/* the canonical text may only draw the hints that the record itself
	 * carries: an extension named like rua/v in another case (TA-16), a
	 * scheme other than mailto/https (TA-06), mailto header fields
	 * (TA-06); n_rest counts everything else but the last kind */
	n_rest = mtasts_diag_count(d) -
	         t_count_diag(d, MTASTS_D_TXT_NAME_CASE,
	                      MTASTS_SEVERITY_WARNING) -
	         t_count_diag(d, MTASTS_D_TLSRPT_URI_SCHEME,
	                      MTASTS_SEVERITY_WARNING);
	if (n_rest != t_count_diag(d, MTASTS_D_TLSRPT_MAILTO_HEADERS,
	                           MTASTS_SEVERITY_WARNING))
		t_buf_printf(r, "canonical text has diagnostics: %s; ",
		             t_diag_str(d));
	if (t_count_diag(d, MTASTS_D_TLSRPT_URI_SCHEME, 0) != n_other)
		t_buf_printf(r,
		             "canonical text: %zu scheme warnings for %zu "
		             "other-scheme URIs; ",
		             t_count_diag(d, MTASTS_D_TLSRPT_URI_SCHEME, 0),
		             n_other);
	if (!mtasts_tlsrpt_equal(rec, r2))
		t_buf_str(r, "round trip gives another record; ");
	if (mtasts_tlsrpt_format_alloc(r2, 0, &s2) != MTASTS_OK || !s2 ||
	    strcmp(s, s2) != 0)
		t_buf_str(r, "canonical text is not a fixed point; ");
	if (mtasts_tlsrpt_builder_new(&b, rec) != MTASTS_OK ||
	    mtasts_tlsrpt_builder_build(b, &r3, NULL) != MTASTS_OK ||
	    !mtasts_tlsrpt_equal(rec, r3))
		t_buf_str(r, "builder copy does not build an equal record; ");
	tlsrpt_fresh_builder(r, e, rec, n_other);
out:
	mtasts_free(s);
	mtasts_free(s2);
	mtasts_tlsrpt_free(r2);
	mtasts_tlsrpt_free(r3);
	mtasts_tlsrpt_builder_free(b);
	mtasts_diag_free(d);
	t_buf_free(&want);
}

/* T-06 with TA-02 (strict): "v=TLSRPTv1" *WSP ";" */
static int
is_tlsrpt_candidate(const char *t, size_t n)
{
	size_t i = 10;

	if (n < 10 || memcmp(t, "v=TLSRPTv1", 10) != 0)
		return 0;
	while (i < n && (t[i] == ' ' || t[i] == '\t'))
		i++;
	return i < n && t[i] == ';';
}

START_TEST(tlsrpt_case)
{
	const char *dir = tlsrpt_cases.v[_i];
	const char *name = case_name(dir);
	int valid = strstr(name, "/valid/") != NULL;
	char *ip = path_join(dir, "input");
	char *ep = path_join(dir, valid ? "expected" : "error");
	unsigned int flags = read_flags(dir);
	struct expect e;
	struct t_buf r;
	size_t len = 0;
	char *text = t_read_file(ip, &len);
	mtasts_tlsrpt *rec = (mtasts_tlsrpt *)&rec, *q = (mtasts_tlsrpt *)&q;
	mtasts_diag *d = t_diag_new();
	int st, st2 = 1, mode;

	t_buf_init(&r);
	expect_parse(&e, ep);
	if (e.err.n)
		t_buf_printf(&r, "bad expectation file: %s", e.err.p);
	check_expect_kind(&r, &e, 1);
	if (!text) {
		t_buf_str(&r, "no input file; ");
		rec = NULL;
		goto out;
	}
	if (valid != status_ok(&e, MTASTS_OK))
		t_buf_str(&r, "valid/ cases expect MTASTS_OK, invalid/ cases "
		              "an error; ");
	st = mtasts_tlsrpt_parse(&rec, text, len, flags, d);
	if (!status_ok(&e, st))
		t_buf_printf(&r, "status %s; ", t_status_name(st));
	check_first_error(&r, d, st);
	check_diags(&r, &e, d);
	check_positions(&r, d, text, len, 0);
	/* the same without a list */
	st2 = mtasts_tlsrpt_parse(&q, text, len, flags, NULL);
	if (st2 != st)
		t_buf_printf(&r, "status without a list: %s; ",
		             t_status_name(st2));
	if (st2 != MTASTS_OK && q) {
		t_buf_str(&r, "*out not NULL after a failure without a "
		              "list; ");
		q = NULL;
	}
	if (st == MTASTS_OK) {
		if (!rec) {
			t_buf_str(&r, "MTASTS_OK without a record; ");
			goto out;
		}
		if (st2 == MTASTS_OK && !mtasts_tlsrpt_equal(rec, q))
			t_buf_str(&r, "another record without a list; ");
		/* an invalid case that parses has no fields to compare */
		if (valid) {
			check_tlsrpt_fields(&r, &e, rec);
			tlsrpt_round_trip(&r, &e, rec);
		}
	} else if (rec) {
		t_buf_str(&r, "*out not NULL after a failure; ");
		rec = NULL;
	}

	/* As the only RR of an RRset (strict), as text and as wire RDATA in
	 * strings of 255 and of 1 byte (T-08): a candidate (T-06, TA-02)
	 * gives the status of its parse and index 0, anything else no
	 * record (T-07). */
	for (mode = 0;
	     mode < 3 && !(flags & MTASTS_PARSE_LENIENT) && len <= 255 * 40;
	     mode++) {
		static const char *const mode_name[] = { "text", "wire/255",
			                                 "wire/1" };
		int cand = is_tlsrpt_candidate(text, len);
		int want = cand ? st : MTASTS_ENORECORD;
		size_t sel = 7, want_sel = cand ? 0 : MTASTS_NO_INDEX;
		mtasts_tlsrpt *s = NULL;
		int sst;

		if (mode == 0) {
			const char *rrs[1] = { text };
			size_t lens[1] = { len };

			sst = mtasts_tlsrpt_select(&s, &sel, rrs, lens, 1, 0,
			                           NULL);
		} else {
			size_t wl;
			unsigned char *w =
			        to_wire(text, len, mode == 1 ? 255 : 1, &wl);
			const unsigned char *rd[1] = { w };
			size_t wls[1] = { wl };

			sst = mtasts_tlsrpt_select_rdata(&s, &sel, rd, wls, 1,
			                                 0, NULL);
			free(w);
		}
		if (sst != want)
			t_buf_printf(&r, "as an RRset (%s): %s, expected %s; ",
			             mode_name[mode], t_status_name(sst),
			             t_status_name(want));
		if (sel != want_sel)
			t_buf_printf(&r, "as an RRset (%s): selected %zu; ",
			             mode_name[mode], sel);
		if (sst == MTASTS_OK && st == MTASTS_OK &&
		    !mtasts_tlsrpt_equal(s, rec))
			t_buf_printf(&r, "as an RRset (%s): another record; ",
			             mode_name[mode]);
		if (sst != MTASTS_OK && s)
			t_buf_printf(&r,
			             "as an RRset (%s): *out not NULL "
			             "after a failure; ",
			             mode_name[mode]);
		else
			mtasts_tlsrpt_free(s);
	}
out:
	if (st2 != MTASTS_OK)
		q = NULL;
	mtasts_tlsrpt_free(rec == (mtasts_tlsrpt *)&rec ? NULL : rec);
	mtasts_tlsrpt_free(q == (mtasts_tlsrpt *)&q ? NULL : q);
	mtasts_diag_free(d);
	expect_free(&e);
	free(text);
	free(ip);
	free(ep);
	finish(&r, name);
}
END_TEST

/* ---- RRsets ----------------------------------------------------------------------------- */

/* One selection of the RRset, by either family (tlsrpt = 0: STSv1,
 * mtasts_record_select*; 1: TLSRPTv1, mtasts_tlsrpt_select*). mode 0:
 * joined texts; 1: wire, strings of <= 255; 2: wire, 1 byte each. The
 * list is NULL for the repeat without diagnostics. */
static int
select_once(int tlsrpt, void **out, size_t *sel, char **rr, size_t *lens,
            size_t count, unsigned int flags, int mode, mtasts_diag *d)
{
	unsigned char **w;
	size_t *wl, i;
	int st;

	if (mode == 0)
		return tlsrpt ? mtasts_tlsrpt_select((mtasts_tlsrpt **)out, sel,
		                                     (const char *const *)rr,
		                                     lens, count, flags, d)
		              : mtasts_record_select((mtasts_record **)out, sel,
		                                     (const char *const *)rr,
		                                     lens, count, flags, d);
	w = calloc(count + 1, sizeof(*w));
	wl = calloc(count + 1, sizeof(*wl));
	if (!w || !wl)
		abort();
	for (i = 0; i < count; i++)
		w[i] = to_wire(rr[i], lens[i], mode == 1 ? 255 : 1, &wl[i]);
	st = tlsrpt ? mtasts_tlsrpt_select_rdata(
	                      (mtasts_tlsrpt **)out, sel,
	                      (const unsigned char *const *)w, wl, count, flags,
	                      d)
	            : mtasts_record_select_rdata(
	                      (mtasts_record **)out, sel,
	                      (const unsigned char *const *)w, wl, count, flags,
	                      d);
	for (i = 0; i < count; i++)
		free(w[i]);
	free(w);
	free(wl);
	return st;
}

static void
free_selected(int tlsrpt, void *p)
{
	if (tlsrpt)
		mtasts_tlsrpt_free(p);
	else
		mtasts_record_free(p);
}

static void
run_rrset(struct t_buf *r, struct expect *e, char **rr, size_t *lens,
          size_t count, unsigned int flags, int mode, int tlsrpt)
{
	static const char *const mode_name[] = { "text", "wire/255", "wire/1" };
	void *rec = &rec, *q = &q;
	mtasts_diag *d = t_diag_new();
	size_t sel = 7, sel2 = 7, i, mark = r->n;
	int st, st2;

	st = select_once(tlsrpt, &rec, &sel, rr, lens, count, flags, mode, d);
	if (!status_ok(e, st))
		t_buf_printf(r, "status %s; ", t_status_name(st));
	check_first_error(r, d, st);
	if (e->have_selected && sel != e->selected)
		t_buf_printf(r, "selected %zu; ", sel);
	check_diags(r, e, d);
	if (!t_messages_printable(d))
		t_buf_str(r, "a message is not printable ASCII; ");
	for (i = 0; i < mtasts_diag_count(d); i++)
		if (mtasts_diag_line(d, i) > count)
			t_buf_printf(r, "line %u is not an RR; ",
			             mtasts_diag_line(d, i));
	if (st == MTASTS_OK) {
		if (!rec)
			t_buf_str(r, "MTASTS_OK without a record; ");
		else if (tlsrpt)
			check_tlsrpt_fields(r, e, rec);
		else
			check_record_fields(r, e, rec);
	} else if (rec) {
		t_buf_str(r, "*out not NULL after a failure; ");
		rec = NULL;
	}
	/* the same without a list */
	st2 = select_once(tlsrpt, &q, &sel2, rr, lens, count, flags, mode,
	                  NULL);
	if (st2 != st)
		t_buf_printf(r, "status without a list: %s; ",
		             t_status_name(st2));
	if (sel2 != sel)
		t_buf_printf(r, "selected without a list: %zu; ", sel2);
	if (st2 == MTASTS_OK && st == MTASTS_OK && rec &&
	    !(tlsrpt ? mtasts_tlsrpt_equal(rec, q)
	             : mtasts_record_equal(rec, q)))
		t_buf_str(r, "another record without a list; ");
	if (st2 != MTASTS_OK) {
		if (q)
			t_buf_str(r, "*out not NULL after a failure without "
			             "a list; ");
		q = NULL;
	}
	if (r->n > mark) {
		/* say which run failed */
		char tag[32];
		size_t tl = (size_t)snprintf(tag, sizeof(tag), "[%s] ",
		                             mode_name[mode]);
		struct t_buf tmp;

		t_buf_init(&tmp);
		t_buf_put(&tmp, r->p, mark);
		t_buf_put(&tmp, tag, tl);
		t_buf_put(&tmp, r->p + mark, r->n - mark);
		t_buf_free(r);
		*r = tmp;
	}
	free_selected(tlsrpt, rec == &rec ? NULL : rec);
	free_selected(tlsrpt, q == &q ? NULL : q);
	mtasts_diag_free(d);
}

static void
rrset_dir(const char *dir, int tlsrpt)
{
	const char *name = case_name(dir);
	char *ep = path_join(dir, "expected");
	unsigned int flags = read_flags(dir);
	struct expect e;
	struct t_buf r;
	char *rr[MTASTS_RRSET_MAX + 8];
	size_t lens[MTASTS_RRSET_MAX + 8], count = 0, i;
	int mode;

	t_buf_init(&r);
	expect_parse(&e, ep);
	if (e.err.n)
		t_buf_printf(&r, "bad expectation file: %s", e.err.p);
	check_expect_kind(&r, &e, tlsrpt);
	for (count = 0; count < T_ARRAY_LEN(rr); count++) {
		char fn[32], *p;

		snprintf(fn, sizeof(fn), "rr%zu", count + 1);
		p = path_join(dir, fn);
		rr[count] = t_read_file(p, &lens[count]);
		free(p);
		if (!rr[count])
			break;
	}
	for (mode = 0; mode < 3; mode++)
		run_rrset(&r, &e, rr, lens, count, flags, mode, tlsrpt);
	for (i = 0; i < count; i++)
		free(rr[i]);
	expect_free(&e);
	free(ep);
	finish(&r, name);
}

START_TEST(rrset_case)
{
	rrset_dir(rrset_cases.v[_i], 0);
}
END_TEST

START_TEST(tlsrpt_rrset_case)
{
	rrset_dir(tlsrpt_rrset_cases.v[_i], 1);
}
END_TEST

/* ---- mx tables --------------------------------------------------------------------------- */

START_TEST(mx_case)
{
	const struct mx_case *c = &mx_cases[_i];
	int want = atoi(c->expect);
	int got = mtasts_mx_match(c->pattern, c->host);

	ck_assert_msg(got == want,
	              "mx/cases.tsv:%u %s: pattern '%s' host "
	              "'%s': %d, expected %d",
	              c->lineno, c->id, c->pattern, c->host, got, want);
	/* the same through a policy holding the pattern */
	if (mtasts_mx_pattern_check(c->pattern, NULL) == MTASTS_OK) {
		struct t_buf b;
		mtasts_policy *p = NULL;
		size_t idx = 99;

		t_buf_init(&b);
		t_buf_printf(&b,
		             "version: STSv1\nmode: enforce\nmax_age: 1\n"
		             "mx: %s\n",
		             c->pattern);
		ck_assert_int_eq(t_policy_parse(&p, b.p, b.n, 0, NULL),
		                 MTASTS_OK);
		t_buf_free(&b);
		got = mtasts_policy_match(p, c->host, &idx);
		mtasts_policy_free(p);
		ck_assert_msg(got == want &&
		                      idx == (want ? 0 : MTASTS_NO_INDEX),
		              "mx/cases.tsv:%u %s: policy match %d index %zu",
		              c->lineno, c->id, got, idx);
	} else {
		ck_assert_msg(want == 0,
		              "mx/cases.tsv:%u %s: invalid pattern "
		              "expected to match",
		              c->lineno, c->id);
	}
}
END_TEST

/* "ok", "!" (invalid, any mx code) or "code[|code]@col,..." */
START_TEST(mx_pattern)
{
	const struct mx_case *c = &mx_patterns[_i];
	mtasts_diag *d = t_diag_new();
	struct t_buf r;
	int st = mtasts_mx_pattern_check(c->pattern, d);
	int valid = strcmp(c->expect, "ok") == 0;
	int allowed[16], n_allowed = 0;
	size_t i;
	char name[80];

	t_buf_init(&r);
	snprintf(name, sizeof(name), "mx/patterns.tsv:%u %s", c->lineno, c->id);
	if (st != (valid ? MTASTS_OK : MTASTS_EMX))
		t_buf_printf(&r, "status %s; ", t_status_name(st));
	if (!valid && strcmp(c->expect, "!") != 0) {
		char *spec = xstrdup(c->expect), *item, *save = NULL;

		for (item = strtok_r(spec, ",", &save); item;
		     item = strtok_r(NULL, ",", &save)) {
			char *at = strchr(item, '@'), *alt, *s2 = NULL;
			unsigned int col = T_ANY;
			int found = 0;
			int codes[MAX_ALT], nc = 0, k;

			if (at) {
				*at = '\0';
				col = (unsigned int)atoi(at + 1);
			}
			for (alt = strtok_r(item, "|", &s2);
			     alt && nc < MAX_ALT;
			     alt = strtok_r(NULL, "|", &s2)) {
				codes[nc] = t_code_from_name(alt);
				if (!codes[nc])
					t_buf_printf(&r, "unknown code '%s'; ",
					             alt);
				if (n_allowed < 16)
					allowed[n_allowed++] = codes[nc];
				nc++;
			}
			for (k = 0; k < nc && !found; k++)
				found = t_find_diag(d, codes[k],
				                    MTASTS_SEVERITY_ERROR, 1,
				                    col) >= 0;
			if (!found)
				t_buf_printf(&r, "missing %s at column %u; ",
				             item, col);
		}
		free(spec);
		for (i = 0; i < mtasts_diag_count(d); i++) {
			int k, ok = 0;

			for (k = 0; k < n_allowed; k++)
				if (mtasts_diag_code(d, i) == allowed[k])
					ok = 1;
			if (!ok) {
				t_buf_str(&r, "unexpected [");
				describe(&r, d, i);
				t_buf_str(&r, "]; ");
			}
		}
	}
	if (valid && mtasts_diag_count(d))
		t_buf_printf(&r, "diagnostics for a valid pattern: %s; ",
		             t_diag_str(d));
	for (i = 0; i < mtasts_diag_count(d); i++) {
		int code = mtasts_diag_code(d, i);

		if (code < 401 || code > 411 ||
		    mtasts_diag_severity(d, i) != MTASTS_SEVERITY_ERROR ||
		    mtasts_diag_line(d, i) != 1)
			t_buf_printf(&r, "not a line-1 mx error: %s; ",
			             t_diag_str(d));
	}
	if (!t_messages_printable(d))
		t_buf_str(&r, "a message is not printable; ");

	/* a valid pattern matches its own hosts; an invalid one nothing */
	if (c->pattern[0] == '*' && c->pattern[1] == '.') {
		char host[600];

		snprintf(host, sizeof(host), "m%s", c->pattern + 1);
		if (mtasts_mx_match(c->pattern, host) != valid)
			t_buf_printf(&r, "does%s match '%s'; ",
			             valid ? " not" : "", host);
	} else if (mtasts_mx_match(c->pattern, c->pattern) != valid) {
		t_buf_printf(&r, "does%s match itself; ", valid ? " not" : "");
	}
	/* the builder takes exactly the valid patterns */
	{
		mtasts_policy_builder *b = NULL;

		ck_assert_int_eq(mtasts_policy_builder_new(&b, NULL),
		                 MTASTS_OK);
		if (mtasts_policy_builder_add_mx(b, c->pattern, NULL) !=
		    (valid ? MTASTS_OK : MTASTS_EMX))
			t_buf_str(&r, "builder disagrees; ");
		mtasts_policy_builder_free(b);
	}
	/* and so does a policy file, when the pattern can stand on an mx
	 * line as it is (no CTL, no outer whitespace) */
	{
		const unsigned char *u = (const unsigned char *)c->pattern;
		size_t n = strlen(c->pattern);
		int plain = n < 500 &&
		            !(n && (u[0] == ' ' || u[0] == '\t' ||
		                    u[n - 1] == ' ' || u[n - 1] == '\t'));

		for (i = 0; i < n; i++)
			if (u[i] < 0x20 || u[i] == 0x7f)
				plain = 0;
		if (plain) {
			struct t_buf b;
			mtasts_policy *p = NULL;
			mtasts_diag *pd = t_diag_new();
			int pst;

			t_buf_init(&b);
			t_buf_printf(&b,
			             "version: STSv1\nmode: enforce\n"
			             "max_age: 1\nmx: %s\n",
			             c->pattern);
			pst = t_policy_parse(&p, b.p, b.n, 0, pd);
			if (pst != (valid ? MTASTS_OK : MTASTS_EMX))
				t_buf_printf(&r, "in a policy: %s; ",
				             t_status_name(pst));
			/* the same codes, 4 columns to the right */
			for (i = 0; i < mtasts_diag_count(d); i++)
				if (t_find_diag(pd, mtasts_diag_code(d, i),
				                MTASTS_SEVERITY_ERROR, 4,
				                mtasts_diag_column(d, i) + 4) <
				    0)
					t_buf_printf(&r, "in a policy: %s; ",
					             t_diag_str(pd));
			if (valid && p) {
				char low[600];

				for (i = 0; i <= n; i++)
					low[i] = (char)((u[i] >= 'A' &&
					                 u[i] <= 'Z')
					                        ? u[i] + 32
					                        : u[i]);
				if (strcmp(mtasts_policy_mx(p, 0), low) != 0)
					t_buf_str(&r, "not kept in lower "
					              "case; ");
			}
			mtasts_policy_free(p);
			mtasts_diag_free(pd);
			t_buf_free(&b);
		}
	}
	mtasts_diag_free(d);
	finish(&r, name);
}
END_TEST

START_TEST(corpus_present)
{
	ck_assert_msg(corpus_error[0] == '\0', "%s", corpus_error);
	ck_assert_uint_gt(policy_cases.n, 0);
	ck_assert_uint_gt(record_cases.n, 0);
	ck_assert_uint_gt(rrset_cases.n, 0);
	ck_assert_uint_gt(tlsrpt_cases.n, 0);
	ck_assert_uint_gt(tlsrpt_rrset_cases.n, 0);
	ck_assert_uint_gt(n_mx_cases, 0);
	ck_assert_uint_gt(n_mx_patterns, 0);
}
END_TEST

MTASTS_TEST_SUITE(corpus)
{
	Suite *s = suite_create("corpus");
	TCase *tc;

	corpus_load();
	tc = tcase_create("corpus");
	tcase_add_test(tc, corpus_present);
	tcase_add_loop_test(tc, policy_case, 0, (int)policy_cases.n);
	tcase_add_loop_test(tc, record_case, 0, (int)record_cases.n);
	tcase_add_loop_test(tc, rrset_case, 0, (int)rrset_cases.n);
	tcase_add_loop_test(tc, tlsrpt_case, 0, (int)tlsrpt_cases.n);
	tcase_add_loop_test(tc, tlsrpt_rrset_case, 0,
	                    (int)tlsrpt_rrset_cases.n);
	tcase_add_loop_test(tc, mx_case, 0, (int)n_mx_cases);
	tcase_add_loop_test(tc, mx_pattern, 0, (int)n_mx_patterns);
	suite_add_tcase(s, tc);
	return s;
}
