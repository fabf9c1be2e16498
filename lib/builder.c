/* SPDX-License-Identifier: MIT */
/*
 * The policy builder. Each setter validates with the parser's own checks;
 * build() writes the canonical text and parses it, so a built policy is
 * exactly what a parse of its serialization gives.
 */
#include "private.h"

#include <stdlib.h>
#include <string.h>

struct mtasts_policy_builder {
	int mode;
	int has_max_age;
	uint32_t max_age;
	struct mtasts__mx *mx;
	size_t n_mx;
	size_t cap_mx;
	struct mtasts__ext *ext;
	size_t n_ext;
	size_t cap_ext;
};

static const struct mtasts__loc at_start = { 1, 1, 0 };

void
mtasts_policy_builder_free(mtasts_policy_builder *b)
{
	size_t i;

	if (!b)
		return;
	for (i = 0; i < b->n_mx; i++)
		free((char *)b->mx[i].text);
	for (i = 0; i < b->n_ext; i++) {
		free((char *)b->ext[i].name);
		free((char *)b->ext[i].value);
	}
	free(b->mx);
	free(b->ext);
	free(b);
}

/* The array v with room for element n; NULL (v untouched) on failure. */
static void *
grow(void *v, size_t *cap, size_t n, size_t elem)
{
	void *x;
	size_t c;

	if (n < *cap)
		return v;
	c = *cap ? *cap * 2 : 4;
	x = realloc(v, c * elem);
	if (x)
		*cap = c;
	return x;
}

static int
push_mx(mtasts_policy_builder *b, const char *pattern)
{
	size_t n = strlen(pattern);
	struct mtasts__mx *v = grow(b->mx, &b->cap_mx, b->n_mx, sizeof(*v));
	char *copy;

	if (!v)
		return MTASTS_ENOMEM;
	b->mx = v;
	copy = mtasts__strndup(pattern, n);
	if (!copy)
		return MTASTS_ENOMEM;
	b->mx[b->n_mx].text = copy;
	b->mx[b->n_mx].len = (uint32_t)n;
	b->mx[b->n_mx].wild = copy[0] == '*';
	b->n_mx++;
	return MTASTS_OK;
}

static int
push_ext(mtasts_policy_builder *b, const char *name, const char *value)
{
	struct mtasts__ext *x = grow(b->ext, &b->cap_ext, b->n_ext, sizeof(*x));
	char *n, *v;

	if (!x)
		return MTASTS_ENOMEM;
	b->ext = x;
	n = mtasts__strndup(name, strlen(name));
	v = mtasts__strndup(value, strlen(value));
	if (!n || !v) {
		free(n);
		free(v);
		return MTASTS_ENOMEM;
	}
	b->ext[b->n_ext].name = n;
	b->ext[b->n_ext].value = v;
	b->n_ext++;
	return MTASTS_OK;
}

int
mtasts_policy_builder_new(mtasts_policy_builder **out,
                          const mtasts_policy *from)
{
	mtasts_policy_builder *b;
	size_t i;
	int st = MTASTS_OK;

	if (!out)
		return MTASTS_EINVAL;
	*out = NULL;
	b = calloc(1, sizeof(*b));
	if (!b)
		return MTASTS_ENOMEM;
	if (from) {
		b->mode = mtasts_policy_mode(from);
		b->max_age = mtasts_policy_max_age(from);
		b->has_max_age = 1;
		for (i = 0; st == MTASTS_OK && i < mtasts_policy_mx_count(from);
		     i++)
			st = push_mx(b, mtasts_policy_mx(from, i));
		for (i = 0;
		     st == MTASTS_OK && i < mtasts_policy_extension_count(from);
		     i++)
			st = push_ext(b, mtasts_policy_extension_name(from, i),
			              mtasts_policy_extension_value(from, i));
		if (st != MTASTS_OK) {
			mtasts_policy_builder_free(b);
			return st;
		}
	}
	*out = b;
	return MTASTS_OK;
}

int
mtasts_policy_builder_set_mode(mtasts_policy_builder *b, int mode)
{
	if (!b)
		return MTASTS_EINVAL;
	if (!mtasts_mode_name(mode))
		return MTASTS_EMODE;
	b->mode = mode;
	return MTASTS_OK;
}

int
mtasts_policy_builder_set_max_age(mtasts_policy_builder *b, uint32_t max_age)
{
	if (!b)
		return MTASTS_EINVAL;
	if (max_age > MTASTS_MAX_AGE_MAX)
		return MTASTS_EMAXAGE;
	b->max_age = max_age;
	b->has_max_age = 1;
	return MTASTS_OK;
}

int
mtasts_policy_builder_add_mx(mtasts_policy_builder *b, const char *pattern,
                             mtasts_diag *diag)
{
	struct mtasts__sink s;

	if (!b || !pattern)
		return MTASTS_EINVAL;
	mtasts__sink_init(&s, diag, 0);
	if (!mtasts__mx_check(pattern, strlen(pattern), &s, &at_start))
		return mtasts__sink_result(&s);
	if (b->n_mx == MTASTS_POLICY_MAX_MX) {
		mtasts__report(&s, MTASTS_D_TOO_MANY_MX, MTASTS_SEVERITY_ERROR,
		               0, 0, 0, "more than %d mx patterns",
		               MTASTS_POLICY_MAX_MX);
		return mtasts__sink_result(&s);
	}
	return push_mx(b, pattern);
}

void
mtasts_policy_builder_clear_mx(mtasts_policy_builder *b)
{
	size_t i;

	if (!b)
		return;
	for (i = 0; i < b->n_mx; i++)
		free((char *)b->mx[i].text);
	b->n_mx = 0;
}

int
mtasts_policy_builder_add_extension(mtasts_policy_builder *b, const char *name,
                                    const char *value, mtasts_diag *diag)
{
	struct mtasts__sink s;
	char q[MTASTS__QUOTE_MAX];
	size_t nl, vl, i;
	static const char *const registered[] = { "version", "mode", "max_age",
		                                  "mx" };

	if (!b || !name || !value)
		return MTASTS_EINVAL;
	mtasts__sink_init(&s, diag, 0);
	nl = strlen(name);
	vl = strlen(value);
	if (!mtasts__ext_name_check(name, nl, &s, &at_start,
	                            MTASTS_D_POLICY_FIELD_NAME) ||
	    !mtasts__policy_ext_value_check(value, vl, &s, &at_start))
		return mtasts__sink_result(&s);
	mtasts__quote(&s, q, sizeof(q), name, nl);
	for (i = 0; i < MTASTS__ARRAY_LEN(registered); i++) {
		if (strlen(registered[i]) == nl &&
		    mtasts__ascii_caseeq(name, registered[i], nl)) {
			mtasts__report(&s, MTASTS_D_POLICY_FIELD_NAME,
			               MTASTS_SEVERITY_ERROR, 1, 1, 0,
			               "%s is a registered field, not an "
			               "extension (A-13)",
			               q);
			return s.oom ? MTASTS_ENOMEM : MTASTS_EINVAL;
		}
	}
	for (i = 0; i < b->n_ext; i++) {
		if (strcmp(b->ext[i].name, name) == 0) {
			mtasts__report(&s, MTASTS_D_POLICY_DUPLICATE,
			               MTASTS_SEVERITY_ERROR, 1, 1, 0,
			               "extension %s was already added", q);
			return s.oom ? MTASTS_ENOMEM : MTASTS_EINVAL;
		}
	}
	if (nl + 2 + vl > MTASTS_POLICY_MAX_LINE) {
		mtasts__report(&s, MTASTS_D_LINE_TOO_LONG,
		               MTASTS_SEVERITY_ERROR, 1, 1, 0,
		               "the line would be %zu bytes long; at most %d "
		               "are allowed",
		               nl + 2 + vl, MTASTS_POLICY_MAX_LINE);
		return mtasts__sink_result(&s);
	}
	if (b->n_ext == MTASTS_MAX_EXTENSIONS) {
		mtasts__report(&s, MTASTS_D_TOO_MANY_EXTENSIONS,
		               MTASTS_SEVERITY_ERROR, 0, 0, 0,
		               "more than %d extension fields",
		               MTASTS_MAX_EXTENSIONS);
		return mtasts__sink_result(&s);
	}
	return push_ext(b, name, value);
}

int
mtasts_policy_builder_build(const mtasts_policy_builder *b, mtasts_policy **out,
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
	if (!b->mode)
		mtasts__report(&s, MTASTS_D_POLICY_MODE_MISSING,
		               MTASTS_SEVERITY_ERROR, 0, 0, 0,
		               "no mode was set (R-15)");
	if (!b->has_max_age)
		mtasts__report(&s, MTASTS_D_POLICY_MAX_AGE_MISSING,
		               MTASTS_SEVERITY_ERROR, 0, 0, 0,
		               "no max_age was set (R-16)");
	if (b->mode && b->mode != MTASTS_MODE_NONE && b->n_mx == 0)
		mtasts__report(&s, MTASTS_D_POLICY_MX_MISSING,
		               MTASTS_SEVERITY_ERROR, 0, 0, 0,
		               "mode '%s' requires at least one mx pattern "
		               "(R-17)",
		               mtasts_mode_name(b->mode));
	if (mtasts__sink_result(&s) != MTASTS_OK)
		return mtasts__sink_result(&s);

	o.buf = NULL;
	o.size = 0;
	o.len = 0;
	mtasts__policy_write(&o, b->mode, b->max_age, b->mx, b->n_mx, b->ext,
	                     b->n_ext, MTASTS_FORMAT_LF);
	if (o.len > MTASTS_POLICY_MAX_SIZE) {
		mtasts__report(&s, MTASTS_D_TOO_LARGE, MTASTS_SEVERITY_ERROR, 0,
		               0, 0,
		               "the policy would be %zu bytes long; at most %d "
		               "are allowed",
		               o.len, MTASTS_POLICY_MAX_SIZE);
		return mtasts__sink_result(&s);
	}
	text = malloc(o.len + 1);
	if (!text)
		return MTASTS_ENOMEM;
	o.buf = text;
	o.size = o.len + 1;
	o.len = 0;
	mtasts__policy_write(&o, b->mode, b->max_age, b->mx, b->n_mx, b->ext,
	                     b->n_ext, MTASTS_FORMAT_LF);
	(void)mtasts__out_finish(&o);
	st = mtasts_policy_parse(out, text, o.len, 0, diag);
	free(text);
	return st;
}
