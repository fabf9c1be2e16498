/* SPDX-License-Identifier: MIT */
/*
 * Linting: best-practice checks of a published policy against what is known
 * about its domain (digest §6, S-05, S-08, R-04, R-58, R-63), policy
 * equivalence and the id helper.
 */
#include "private.h"

#include <stdlib.h>
#include <string.h>

#define DAY 86400u
#define WEEK (7u * DAY)

struct mtasts_lint {
	char *domain;          /* lower case, no trailing dot; or NULL */
	int record_set;        /* mtasts_lint_set_record() was called */
	mtasts_record *record; /* NULL: none published */
	int tlsrpt_set;
	mtasts_tlsrpt *tlsrpt;
	int mx_set; /* mtasts_lint_set_mx_hosts() was called */
	char **mx;  /* lower case, no trailing dot */
	size_t n_mx;
	mtasts_policy *prev_policy;
	mtasts_record *prev_record;
};

/* ---- copies of immutable objects (through their canonical form) ------------ */

static int
clone_policy(const mtasts_policy *p, mtasts_policy **out)
{
	char *text;
	int st = mtasts_policy_format_alloc(p, MTASTS_FORMAT_LF, &text);

	*out = NULL;
	if (st != MTASTS_OK)
		return st;
	st = mtasts_policy_parse(out, text, strlen(text), 0, NULL);
	free(text);
	return st;
}

static int
clone_record(const mtasts_record *r, mtasts_record **out)
{
	char *text;
	int st = mtasts_record_format_alloc(r, 0, &text);

	*out = NULL;
	if (st != MTASTS_OK)
		return st;
	st = mtasts_record_parse(out, text, strlen(text), 0, NULL);
	free(text);
	return st;
}

static int
clone_tlsrpt(const mtasts_tlsrpt *r, mtasts_tlsrpt **out)
{
	char *text;
	int st = mtasts_tlsrpt_format_alloc(r, 0, &text);

	*out = NULL;
	if (st != MTASTS_OK)
		return st;
	st = mtasts_tlsrpt_parse(out, text, strlen(text), 0, NULL);
	free(text);
	return st;
}

/* ---- the context ----------------------------------------------------------- */

int
mtasts_lint_new(mtasts_lint **out)
{
	if (!out)
		return MTASTS_EINVAL;
	*out = calloc(1, sizeof(**out));
	return *out ? MTASTS_OK : MTASTS_ENOMEM;
}

static void
free_mx(char **mx, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(mx[i]);
	free(mx);
}

void
mtasts_lint_free(mtasts_lint *lint)
{
	if (!lint)
		return;
	free(lint->domain);
	mtasts_record_free(lint->record);
	mtasts_tlsrpt_free(lint->tlsrpt);
	free_mx(lint->mx, lint->n_mx);
	mtasts_policy_free(lint->prev_policy);
	mtasts_record_free(lint->prev_record);
	free(lint);
}

int
mtasts_lint_set_domain(mtasts_lint *lint, const char *domain)
{
	size_t n;
	char *c;

	if (!lint || !domain)
		return MTASTS_EINVAL;
	n = strlen(domain);
	if (n && domain[n - 1] == '.')
		n--;
	c = malloc(n + 1);
	if (!c)
		return MTASTS_ENOMEM;
	if (domain[0] == '*' || !mtasts__mx_lower(domain, n, c)) {
		free(c);
		return MTASTS_EINVAL;
	}
	c[n] = '\0';
	free(lint->domain);
	lint->domain = c;
	return MTASTS_OK;
}

int
mtasts_lint_set_record(mtasts_lint *lint, const mtasts_record *record)
{
	mtasts_record *copy = NULL;

	if (!lint)
		return MTASTS_EINVAL;
	if (record) {
		int st = clone_record(record, &copy);

		if (st != MTASTS_OK)
			return st;
	}
	mtasts_record_free(lint->record);
	lint->record = copy;
	lint->record_set = 1;
	return MTASTS_OK;
}

int
mtasts_lint_set_tlsrpt(mtasts_lint *lint, const mtasts_tlsrpt *tlsrpt)
{
	mtasts_tlsrpt *copy = NULL;

	if (!lint)
		return MTASTS_EINVAL;
	if (tlsrpt) {
		int st = clone_tlsrpt(tlsrpt, &copy);

		if (st != MTASTS_OK)
			return st;
	}
	mtasts_tlsrpt_free(lint->tlsrpt);
	lint->tlsrpt = copy;
	lint->tlsrpt_set = 1;
	return MTASTS_OK;
}

int
mtasts_lint_set_mx_hosts(mtasts_lint *lint, const char *const *hosts,
                         size_t count)
{
	char **mx = NULL;
	size_t i;

	if (!lint || (count && !hosts))
		return MTASTS_EINVAL;
	for (i = 0; i < count; i++)
		if (!hosts[i] || !hosts[i][0])
			return MTASTS_EINVAL;
	if (count) {
		mx = calloc(count, sizeof(*mx));
		if (!mx)
			return MTASTS_ENOMEM;
	}
	for (i = 0; i < count; i++) {
		/* kept as found (the matcher ignores one trailing dot); a host
		 * that is not a name is reported later, as uncovered */
		mx[i] = mtasts__strndup(hosts[i], strlen(hosts[i]));
		if (!mx[i]) {
			free_mx(mx, count);
			return MTASTS_ENOMEM;
		}
	}
	free_mx(lint->mx, lint->n_mx);
	lint->mx = mx;
	lint->n_mx = count;
	lint->mx_set = 1;
	return MTASTS_OK;
}

int
mtasts_lint_set_previous(mtasts_lint *lint, const mtasts_policy *policy,
                         const mtasts_record *record)
{
	mtasts_policy *p;
	mtasts_record *r;
	int st;

	if (!lint || !policy || !record)
		return MTASTS_EINVAL;
	st = clone_policy(policy, &p);
	if (st != MTASTS_OK)
		return st;
	st = clone_record(record, &r);
	if (st != MTASTS_OK) {
		mtasts_policy_free(p);
		return st;
	}
	mtasts_policy_free(lint->prev_policy);
	mtasts_record_free(lint->prev_record);
	lint->prev_policy = p;
	lint->prev_record = r;
	return MTASTS_OK;
}

/* ---- equivalence --------------------------------------------------------------- */

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The distinct strings of v[0..n) in order, sorted into out (n slots).
 * Returns how many. */
static size_t
sorted_unique(const char **out, const char *const *v, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		out[i] = v[i];
	qsort(out, n, sizeof(*out), cmp_str);
	for (i = 0; i < n; i++)
		if (k == 0 || strcmp(out[k - 1], out[i]) != 0)
			out[k++] = out[i];
	return k;
}

static int
same_mx_set(const mtasts_policy *a, const mtasts_policy *b)
{
	const char *va[MTASTS_POLICY_MAX_MX], *vb[MTASTS_POLICY_MAX_MX];
	const char *sa[MTASTS_POLICY_MAX_MX], *sb[MTASTS_POLICY_MAX_MX];
	size_t i, na, nb;

	for (i = 0; i < a->n_mx; i++)
		va[i] = a->mx[i].text;
	for (i = 0; i < b->n_mx; i++)
		vb[i] = b->mx[i].text;
	na = sorted_unique(sa, va, a->n_mx);
	nb = sorted_unique(sb, vb, b->n_mx);
	if (na != nb)
		return 0;
	for (i = 0; i < na; i++)
		if (strcmp(sa[i], sb[i]) != 0)
			return 0;
	return 1;
}

static const char *
ext_value(const mtasts_policy *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->n_ext; i++)
		if (strcmp(p->ext[i].name, name) == 0)
			return p->ext[i].value;
	return NULL;
}

int
mtasts_policy_equivalent(const mtasts_policy *a, const mtasts_policy *b)
{
	size_t i;

	if (!a || !b || a->mode != b->mode || a->max_age != b->max_age ||
	    a->n_ext != b->n_ext || !same_mx_set(a, b))
		return 0;
	/* extension names are unique within a policy (the first wins) */
	for (i = 0; i < a->n_ext; i++) {
		const char *v = ext_value(b, a->ext[i].name);

		if (!v || strcmp(v, a->ext[i].value) != 0)
			return 0;
	}
	return 1;
}

int
mtasts_id_next(char *buf, size_t size, const char *old_id,
               const mtasts_policy *old_policy, const mtasts_policy *new_policy,
               int64_t now)
{
	int64_t t = now;

	if (!buf || size < MTASTS_ID_MAX_LEN + 1 || !new_policy ||
	    mtasts_id_from_time(NULL, 0, now) < 0)
		return MTASTS_EINVAL;
	if (old_id && mtasts_id_check(old_id) == MTASTS_OK && old_policy &&
	    mtasts_policy_equivalent(old_policy, new_policy)) {
		strcpy(buf, old_id);
		return 0;
	}
	for (;;) {
		if (mtasts_id_from_time(buf, size, t) < 0)
			return MTASTS_EINVAL;
		if (!old_id || strcmp(buf, old_id) != 0)
			return 1;
		t++;
	}
}

/* ---- the checks ------------------------------------------------------------------ */

/* "*.S" where S looks like a public suffix: one label (a TLD), or two
 * labels of the "co.uk" / "com.au" shape. A heuristic, not the Public
 * Suffix List: a warning, never an error. */
static int
public_suffix_like(const char *s)
{
	static const char *const second[] = { "ac",  "co",  "com",  "edu",
		                              "gob", "gov", "govt", "mil",
		                              "ne",  "net", "nom",  "or",
		                              "org", "sch", "ltd",  "plc" };
	const char *dot = strchr(s, '.');
	size_t i, l;

	if (!dot)
		return 1;
	if (strchr(dot + 1, '.') || strlen(dot + 1) != 2)
		return 0;
	l = (size_t)(dot - s);
	for (i = 0; i < MTASTS__ARRAY_LEN(second); i++)
		if (strlen(second[i]) == l && memcmp(s, second[i], l) == 0)
			return 1;
	return 0;
}

/* Four labels of 1..3 digits, each at most 255. */
static int
ipv4_like(const char *s)
{
	int labels = 0;

	while (*s) {
		unsigned int v = 0, d = 0;

		while (*s >= '0' && *s <= '9' && d < 4) {
			v = v * 10 + (unsigned int)(*s++ - '0');
			d++;
		}
		if (d == 0 || d > 3 || v > 255)
			return 0;
		labels++;
		if (*s == '.')
			s++;
		else if (*s)
			return 0;
	}
	return labels == 4;
}

struct run {
	struct mtasts__sink *s;
	const mtasts_policy *p;
};

#define FINDING(r, code, severity, ...)                                        \
	mtasts__report((r)->s, (code), (severity), 0, 0, 0, __VA_ARGS__)

static void
check_patterns(struct run *r)
{
	const mtasts_policy *p = r->p;
	size_t i, j;

	for (i = 0; i < p->n_mx; i++) {
		const char *pat = p->mx[i].text;
		int wild = (int)p->mx[i].wild;
		const char *name = wild ? pat + 2 : pat;

		for (j = 0; j < i; j++)
			if (strcmp(p->mx[j].text, pat) == 0)
				break;
		if (j < i) {
			FINDING(r, MTASTS_D_LINT_MX_DUPLICATE,
			        MTASTS_SEVERITY_NOTE,
			        "mx pattern '%s' is listed more than once",
			        pat);
			continue;
		}
		if (wild && public_suffix_like(name))
			FINDING(r, MTASTS_D_LINT_WILDCARD_SUFFIX,
			        MTASTS_SEVERITY_WARNING,
			        "mx pattern '%s' accepts a host under a public "
			        "suffix: anyone with a certificate for such a name "
			        "passes as your MX (S-08)",
			        pat);
		else if (!strchr(name, '.'))
			FINDING(r, MTASTS_D_LINT_SINGLE_LABEL,
			        MTASTS_SEVERITY_WARNING,
			        "mx pattern '%s' is a single-label name; MX hosts "
			        "on the internet have fully qualified names (A-29)",
			        pat);
		if (!wild && ipv4_like(pat))
			FINDING(r, MTASTS_D_LINT_IP_ADDRESS,
			        MTASTS_SEVERITY_WARNING,
			        "mx pattern '%s' is an IP address: MX records name "
			        "hosts, so it never matches",
			        pat);
		if (!wild) {
			for (j = 0; j < p->n_mx; j++) {
				if (p->mx[j].wild &&
				    mtasts_mx_match(p->mx[j].text, pat)) {
					FINDING(r, MTASTS_D_LINT_MX_REDUNDANT,
					        MTASTS_SEVERITY_NOTE,
					        "mx pattern '%s' is already covered "
					        "by '%s'",
					        pat, p->mx[j].text);
					break;
				}
			}
		}
	}
}

static void
check_domain(struct run *r, const mtasts_lint *l)
{
	size_t i;

	for (i = 0; i < r->p->n_mx; i++)
		if (r->p->mx[i].wild &&
		    strcmp(r->p->mx[i].text + 2, l->domain) == 0)
			FINDING(r, MTASTS_D_LINT_WILDCARD_DOMAIN,
			        MTASTS_SEVERITY_NOTE,
			        "mx pattern '%s' accepts every host directly under "
			        "%s that has a valid certificate (S-08)",
			        r->p->mx[i].text, l->domain);
}

static void
check_coverage(struct run *r, const mtasts_lint *l)
{
	const mtasts_policy *p = r->p;
	const char *implicit[1];
	const char *const *hosts = (const char *const *)l->mx;
	size_t n = l->n_mx, i, k;
	int sev;

	if (n == 0) {
		/* no MX records: the domain itself is the MX */
		if (!l->domain)
			return;
		implicit[0] = l->domain;
		hosts = implicit;
		n = 1;
	}
	sev = p->mode == MTASTS_MODE_ENFORCE   ? MTASTS_SEVERITY_ERROR
	      : p->mode == MTASTS_MODE_TESTING ? MTASTS_SEVERITY_WARNING
	                                       : MTASTS_SEVERITY_NOTE;
	for (i = 0; i < n; i++) {
		char q[MTASTS__QUOTE_MAX];

		if (mtasts_policy_match(p, hosts[i], NULL))
			continue;
		mtasts__quote(r->s, q, sizeof(q), hosts[i], strlen(hosts[i]));
		if (p->mode == MTASTS_MODE_ENFORCE)
			FINDING(r, MTASTS_D_LINT_MX_UNCOVERED, sev,
			        "MX host %s%s matches no mx pattern: senders that "
			        "apply the policy refuse to deliver to it (mode "
			        "enforce)",
			        q,
			        n == 1 && hosts == implicit ? " (implicit MX)"
			                                    : "");
		else if (p->mode == MTASTS_MODE_TESTING)
			FINDING(r, MTASTS_D_LINT_MX_UNCOVERED, sev,
			        "MX host %s%s matches no mx pattern: in enforce "
			        "mode senders would refuse to deliver to it; now "
			        "they report the failure",
			        q,
			        n == 1 && hosts == implicit ? " (implicit MX)"
			                                    : "");
		else
			FINDING(r, MTASTS_D_LINT_MX_UNCOVERED, sev,
			        "MX host %s matches no mx pattern (no effect in "
			        "mode none)",
			        q);
	}
	for (k = 0; k < p->n_mx; k++) {
		struct mtasts__mx one = p->mx[k];
		mtasts_policy single;

		/* a policy of this one pattern, to reuse the matcher */
		single = *p;
		single.mx = &one;
		single.n_mx = 1;
		for (i = 0; i < n; i++)
			if (mtasts_policy_match(&single, hosts[i], NULL))
				break;
		if (i == n)
			FINDING(r, MTASTS_D_LINT_PATTERN_UNUSED,
			        MTASTS_SEVERITY_WARNING,
			        "mx pattern '%s' matches none of the domain's MX "
			        "hosts: stale, or a host that is not published",
			        p->mx[k].text);
	}
}

static void
check_max_age(struct run *r)
{
	const mtasts_policy *p = r->p;
	unsigned long a = (unsigned long)p->max_age;

	if (p->mode != MTASTS_MODE_NONE && a < DAY)
		FINDING(r, MTASTS_D_LINT_MAX_AGE_SHORT, MTASTS_SEVERITY_WARNING,
		        "max_age %lu is less than a day: senders forget the "
		        "policy quickly, which leaves room for downgrade attacks "
		        "(R-58)",
		        a);
	if (p->mode == MTASTS_MODE_ENFORCE && a < WEEK)
		FINDING(r, MTASTS_D_LINT_ENFORCE_MAX_AGE,
		        MTASTS_SEVERITY_WARNING,
		        "mode enforce with max_age %lu, less than a week: once "
		        "the policy works, use weeks or more (RFC 8461 section "
		        "10.2, S-05)",
		        a);
	if (p->mode == MTASTS_MODE_TESTING && a > WEEK)
		FINDING(r, MTASTS_D_LINT_TESTING_MAX_AGE, MTASTS_SEVERITY_NOTE,
		        "mode testing with max_age %lu: while testing, one day "
		        "to one week lets corrections reach senders quickly; "
		        "raise it after switching to enforce",
		        a);
	if (p->mode == MTASTS_MODE_NONE && a > DAY)
		FINDING(r, MTASTS_D_LINT_NONE_MAX_AGE, MTASTS_SEVERITY_NOTE,
		        "mode none with max_age %lu: to withdraw MTA-STS, publish "
		        "mode none with a short max_age (a day) and a new id, "
		        "then remove the records once older policies expired "
		        "(R-63)",
		        a);
}

static void
check_mode(struct run *r)
{
	if (r->p->mode == MTASTS_MODE_TESTING)
		FINDING(r, MTASTS_D_LINT_MODE_TESTING, MTASTS_SEVERITY_NOTE,
		        "mode testing: senders deliver as usual and report "
		        "failures; after one to two weeks of clean TLS-RPT "
		        "reports, switch to enforce with a new id");
	else if (r->p->mode == MTASTS_MODE_NONE)
		FINDING(r, MTASTS_D_LINT_MODE_NONE, MTASTS_SEVERITY_NOTE,
		        "mode none: senders treat the domain as having no "
		        "policy");
}

static void
check_records(struct run *r, const mtasts_lint *l)
{
	const mtasts_record *current;

	if (l->record_set && !l->record)
		FINDING(r, MTASTS_D_LINT_NO_RECORD,
		        r->p->mode == MTASTS_MODE_NONE ? MTASTS_SEVERITY_NOTE
		                                       : MTASTS_SEVERITY_ERROR,
		        "no valid _mta-sts TXT record: senders never fetch the "
		        "policy, so it has no effect");
	if (l->tlsrpt_set && !l->tlsrpt && r->p->mode != MTASTS_MODE_NONE)
		FINDING(r, MTASTS_D_LINT_NO_TLSRPT, MTASTS_SEVERITY_WARNING,
		        "no valid _smtp._tls TXT record: senders cannot report "
		        "TLS failures to you (RFC 8460)%s",
		        r->p->mode == MTASTS_MODE_TESTING
		                ? ", so testing mode shows you nothing"
		                : "");
	if (!l->prev_policy)
		return;
	current = l->record_set ? l->record : l->prev_record;
	if (current && !mtasts_policy_equivalent(l->prev_policy, r->p) &&
	    strcmp(mtasts_record_id(current),
	           mtasts_record_id(l->prev_record)) == 0)
		FINDING(r, MTASTS_D_LINT_ID_UNCHANGED, MTASTS_SEVERITY_ERROR,
		        "the policy changed but the record's id is still '%s': "
		        "senders keep the cached policy until it expires; "
		        "publish a new id (R-04)",
		        mtasts_record_id(current));
}

int
mtasts_lint_policy(const mtasts_lint *lint, const mtasts_policy *policy,
                   mtasts_diag *diag)
{
	struct mtasts__sink s;
	struct run r;

	if (!lint || !policy)
		return MTASTS_EINVAL;
	mtasts__sink_init(&s, diag, 0);
	r.s = &s;
	r.p = policy;
	check_mode(&r);
	check_max_age(&r);
	check_patterns(&r);
	if (lint->domain)
		check_domain(&r, lint);
	if (lint->mx_set)
		check_coverage(&r, lint);
	check_records(&r, lint);
	return mtasts__sink_result(&s);
}

int
mtasts_lint_policy_text(const mtasts_lint *lint, const char *text, size_t len,
                        unsigned int flags, mtasts_diag *diag)
{
	mtasts_policy *p;
	int st;

	if (!lint)
		return MTASTS_EINVAL;
	st = mtasts_policy_parse(&p, text, len, flags, diag);
	if (st != MTASTS_OK)
		return st;
	st = mtasts_lint_policy(lint, p, diag);
	mtasts_policy_free(p);
	return st;
}
