/* SPDX-License-Identifier: MIT */
/*
 * Allocation-failure injection (STYLE.md R16). The library's objects are
 * linked statically with -Wl,--wrap=malloc,calloc,realloc,free, so every
 * allocation the library makes goes through the wrappers below. For each
 * operation, allocation number n (n = 0, 1, 2, ...) fails in turn until the
 * operation completes without reaching it. Each failing run must return
 * MTASTS_ENOMEM and leave no allocation behind (the wrappers count the
 * blocks allocated and freed while armed); valgrind and ASan runs of this
 * test check the same independently.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mtasts.h>

#include "net.h" /* mtasts__dns_parse(): the DNS message reader */

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t m);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t m);
void *__wrap_realloc(void *p, size_t n);
void __wrap_free(void *p);

/* ---- the injector --------------------------------------------------------- */

#define LIVE_MAX 4096

static int armed;
static long fail_at;  /* index of the allocation that fails, -1: none */
static long n_allocs; /* allocations attempted while armed */
static int failed;    /* the injected failure happened */
static void *live[LIVE_MAX];
static size_t n_live;

static void
track(void *p)
{
	if (p && n_live < LIVE_MAX)
		live[n_live++] = p;
}

static void
untrack(void *p)
{
	size_t i;

	for (i = 0; i < n_live; i++) {
		if (live[i] == p) {
			live[i] = live[--n_live];
			return;
		}
	}
}

static int
should_fail(void)
{
	if (!armed)
		return 0;
	if (n_allocs++ == fail_at) {
		failed = 1;
		return 1;
	}
	return 0;
}

void *
__wrap_malloc(size_t n)
{
	void *p;

	if (should_fail())
		return NULL;
	p = __real_malloc(n);
	if (armed)
		track(p);
	return p;
}

void *
__wrap_calloc(size_t n, size_t m)
{
	void *p;

	if (should_fail())
		return NULL;
	p = __real_calloc(n, m);
	if (armed)
		track(p);
	return p;
}

void *
__wrap_realloc(void *p, size_t n)
{
	void *q;

	if (should_fail())
		return NULL;
	q = __real_realloc(p, n);
	if (armed && q) {
		if (p)
			untrack(p);
		track(q);
	}
	return q;
}

void
__wrap_free(void *p)
{
	if (armed && p)
		untrack(p);
	__real_free(p);
}

/* ---- operations ----------------------------------------------------------- *
 * Each runs a whole scenario, frees everything it made, and returns the
 * first status that was not MTASTS_OK (or MTASTS_OK). Check's assertions
 * allocate, so while armed a broken expectation is only counted in `bad`
 * and asserted after disarming.
 */

static int bad;

#define EXPECT(cond)                                                           \
	do {                                                                   \
		if (!(cond))                                                   \
			bad++;                                                 \
	} while (0)

static const char policy_text[] =
        "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\n"
        "mx: *.example.net\r\nmax_age: 604800\r\nx-note: caf\xc3\xa9\r\n";
static const char policy_warn[] =
        "\xEF\xBB\xBFversion: STSv1\n\nMode: testing\nmx : a.example\n"
        "max_age: 86400\nmode: none\n";
static const char policy_bad[] =
        "version: STSv2\nmode: Enforce\nmx: bad_host.\nmx: a..b\n"
        "max_age: 99999999999\n\n";
static char policy_big[8192];
static const char record_text[] = "v=STSv1; id=20160831085700Z; ext=1;";

#define CHECK(expr)                                                            \
	do {                                                                   \
		int st_ = (expr);                                              \
		if (st_ != MTASTS_OK)                                          \
			return st_;                                            \
	} while (0)

static int
with_diag(int (*fn)(mtasts_diag *))
{
	mtasts_diag *d;
	int st = mtasts_diag_new(&d);

	if (st != MTASTS_OK)
		return st;
	st = fn(d);
	mtasts_diag_free(d);
	return st;
}

static int
parse_policy(const char *text, size_t len, unsigned int flags, mtasts_diag *d)
{
	mtasts_policy *p;
	int st = mtasts_policy_parse(&p, text, len, flags, d);

	EXPECT(st == MTASTS_OK ? p != NULL : p == NULL);
	mtasts_policy_free(p);
	return st;
}

static int
op_policy_small(mtasts_diag *d)
{
	return parse_policy(policy_text, sizeof(policy_text) - 1, 0, d);
}

static int
op_policy_lenient(mtasts_diag *d)
{
	return parse_policy(policy_warn, sizeof(policy_warn) - 1,
	                    MTASTS_PARSE_LENIENT, d);
}

static int
op_policy_invalid(mtasts_diag *d)
{
	int st = parse_policy(policy_bad, sizeof(policy_bad) - 1, 0, d);

	/* Invalid input: ENOMEM while recording, otherwise its own status. */
	return st == MTASTS_ENOMEM ? st : MTASTS_OK;
}

static int
op_policy_big(mtasts_diag *d)
{
	return parse_policy(policy_big, strlen(policy_big), 0, d);
}

static int
op_policy_format(mtasts_diag *d)
{
	mtasts_policy *p;
	char *a = NULL, *b = NULL;
	int st;

	(void)d;
	CHECK(mtasts_policy_parse(&p, policy_text, sizeof(policy_text) - 1, 0,
	                          NULL));
	st = mtasts_policy_format_alloc(p, 0, &a);
	if (st == MTASTS_OK)
		st = mtasts_policy_format_alloc(p, MTASTS_FORMAT_LF, &b);
	EXPECT(st == MTASTS_OK || b == NULL);
	mtasts_free(a);
	mtasts_free(b);
	mtasts_policy_free(p);
	return st;
}

static int
op_policy_builder(mtasts_diag *d)
{
	mtasts_policy_builder *b = NULL, *b2 = NULL;
	mtasts_policy *p = NULL, *q = NULL;
	int st;

	st = mtasts_policy_builder_new(&b, NULL);
	if (st == MTASTS_OK)
		st = mtasts_policy_builder_set_mode(b, MTASTS_MODE_TESTING);
	if (st == MTASTS_OK)
		st = mtasts_policy_builder_set_max_age(b, 86400);
	if (st == MTASTS_OK)
		st = mtasts_policy_builder_add_mx(b, "mx1.example.com", d);
	if (st == MTASTS_OK)
		st = mtasts_policy_builder_add_mx(b, "*.example.org", d);
	if (st == MTASTS_OK)
		st = mtasts_policy_builder_add_extension(b, "note", "a b", d);
	if (st == MTASTS_OK)
		st = mtasts_policy_builder_build(b, &p, d);
	if (st == MTASTS_OK)
		st = mtasts_policy_builder_new(&b2, p);
	if (st == MTASTS_OK)
		st = mtasts_policy_builder_build(b2, &q, d);
	if (st == MTASTS_OK)
		EXPECT(mtasts_policy_equal(p, q));
	mtasts_policy_free(p);
	mtasts_policy_free(q);
	mtasts_policy_builder_free(b);
	mtasts_policy_builder_free(b2);
	return st;
}

static int
op_record(mtasts_diag *d)
{
	mtasts_record *r;
	char *s = NULL;
	int st = mtasts_record_parse(&r, record_text, sizeof(record_text) - 1,
	                             0, d);

	if (st != MTASTS_OK) {
		EXPECT(r == NULL);
		return st;
	}
	st = mtasts_record_format_alloc(r, 0, &s);
	mtasts_free(s);
	mtasts_record_free(r);
	return st;
}

static int
op_record_lenient(mtasts_diag *d)
{
	static const char t[] = " \"V=STSv1 ; ID=abc; id=x; a=1; a=2\" ";
	mtasts_record *r;
	int st = mtasts_record_parse(&r, t, sizeof(t) - 1, MTASTS_PARSE_LENIENT,
	                             d);

	mtasts_record_free(r);
	return st;
}

static int
op_rrset(mtasts_diag *d)
{
	const char *rrs[] = { "v=spf1 -all", "V=STSv1; id=1", record_text };
	size_t lens[3];
	mtasts_record *r;
	size_t sel, i;
	int st;

	for (i = 0; i < 3; i++)
		lens[i] = strlen(rrs[i]);
	st = mtasts_record_select(&r, &sel, rrs, lens, 3, 0, d);
	mtasts_record_free(r);
	return st;
}

static int
op_rrset_rdata(mtasts_diag *d)
{
	static const unsigned char rr0[] = "\x0bv=spf1 -all";
	static const unsigned char rr1[] = "\x08v=STSv1;\x05id=42";
	const unsigned char *rd[] = { rr0, rr1 };
	size_t lens[] = { sizeof(rr0) - 1, sizeof(rr1) - 1 };
	mtasts_record *r;
	int st = mtasts_record_select_rdata(&r, NULL, rd, lens, 2, 0, d);

	mtasts_record_free(r);
	return st;
}

static int
op_record_builder(mtasts_diag *d)
{
	mtasts_record_builder *b = NULL, *b2 = NULL;
	mtasts_record *r = NULL, *r2 = NULL;
	int st;

	st = mtasts_record_builder_new(&b, NULL);
	if (st == MTASTS_OK)
		st = mtasts_record_builder_set_id(b, "20240101000000", d);
	if (st == MTASTS_OK)
		st = mtasts_record_builder_add_extension(b, "x", "y", d);
	if (st == MTASTS_OK)
		st = mtasts_record_builder_build(b, &r, d);
	if (st == MTASTS_OK)
		st = mtasts_record_builder_new(&b2, r);
	if (st == MTASTS_OK)
		st = mtasts_record_builder_build(b2, &r2, d);
	if (st == MTASTS_OK)
		EXPECT(mtasts_record_equal(r, r2));
	mtasts_record_free(r);
	mtasts_record_free(r2);
	mtasts_record_builder_free(b);
	mtasts_record_builder_free(b2);
	return st;
}

static int
op_tlsrpt(mtasts_diag *d)
{
	static const char t[] = "v=TLSRPTv1; rua=mailto:a@example.com, "
	                        "https://r.example/v1; rua=ftp://x.example/; "
	                        "x=1; x=2";
	mtasts_tlsrpt *r;
	char *s = NULL;
	int st = mtasts_tlsrpt_parse(&r, t, sizeof(t) - 1, 0, d);

	if (st != MTASTS_OK) {
		EXPECT(r == NULL);
		return st;
	}
	st = mtasts_tlsrpt_format_alloc(r, 0, &s);
	mtasts_free(s);
	mtasts_tlsrpt_free(r);
	return st;
}

static int
op_tlsrpt_rrset(mtasts_diag *d)
{
	static const unsigned char rr0[] = "\x0bv=spf1 -all";
	static const unsigned char rr1[] =
	        "\x0bv=TLSRPTv1;\x1b rua=mailto:tls@example.org";
	const unsigned char *rd[] = { rr0, rr1 };
	const char *txt[] = { "V=TLSRPTv1; rua=mailto:a@b.example",
		              "v=TLSRPTv1; rua=mailto:tls@example.org" };
	size_t lens[] = { sizeof(rr0) - 1, sizeof(rr1) - 1 };
	size_t tl[] = { strlen(txt[0]), strlen(txt[1]) };
	mtasts_tlsrpt *r = NULL, *r2 = NULL;
	int st = mtasts_tlsrpt_select_rdata(&r, NULL, rd, lens, 2, 0, d);

	if (st == MTASTS_OK)
		st = mtasts_tlsrpt_select(&r2, NULL, txt, tl, 2, 0, d);
	if (st == MTASTS_OK)
		EXPECT(mtasts_tlsrpt_equal(r, r2));
	mtasts_tlsrpt_free(r);
	mtasts_tlsrpt_free(r2);
	return st;
}

static int
op_tlsrpt_builder(mtasts_diag *d)
{
	mtasts_tlsrpt_builder *b = NULL, *b2 = NULL;
	mtasts_tlsrpt *r = NULL, *r2 = NULL;
	int st;

	st = mtasts_tlsrpt_builder_new(&b, NULL);
	if (st == MTASTS_OK)
		st = mtasts_tlsrpt_builder_add_rua(b, "mailto:tls@example.com",
		                                   d);
	if (st == MTASTS_OK)
		st = mtasts_tlsrpt_builder_add_rua(b, "gopher://x.example/", d);
	if (st == MTASTS_OK)
		st = mtasts_tlsrpt_builder_add_extension(b, "x", "y", d);
	if (st == MTASTS_OK)
		st = mtasts_tlsrpt_builder_build(b, &r, d);
	if (st == MTASTS_OK)
		st = mtasts_tlsrpt_builder_new(&b2, r);
	if (st == MTASTS_OK)
		st = mtasts_tlsrpt_builder_build(b2, &r2, d);
	if (st == MTASTS_OK)
		EXPECT(mtasts_tlsrpt_equal(r, r2));
	mtasts_tlsrpt_free(r);
	mtasts_tlsrpt_free(r2);
	mtasts_tlsrpt_builder_free(b);
	mtasts_tlsrpt_builder_free(b2);
	return st;
}

static int
op_lint(mtasts_diag *d)
{
	static const char pol[] = "version: STSv1\nmode: enforce\n"
	                          "mx: mx1.example.com\nmx: *.example.com\n"
	                          "mx: *.com\nmax_age: 3600\n";
	static const char old[] = "version: STSv1\nmode: testing\n"
	                          "mx: mx1.example.com\nmax_age: 3600\n";
	const char *hosts[] = { "mx1.example.com.", "mx9.other.example." };
	mtasts_lint *l = NULL;
	mtasts_policy *p = NULL, *o = NULL;
	mtasts_record *r = NULL;
	mtasts_tlsrpt *t = NULL;
	int st;

	st = mtasts_lint_new(&l);
	if (st == MTASTS_OK)
		st = mtasts_policy_parse(&p, pol, sizeof(pol) - 1, 0, NULL);
	if (st == MTASTS_OK)
		st = mtasts_policy_parse(&o, old, sizeof(old) - 1, 0, NULL);
	if (st == MTASTS_OK)
		st = mtasts_record_parse(&r, "v=STSv1; id=1", 13, 0, NULL);
	if (st == MTASTS_OK)
		st = mtasts_tlsrpt_parse(&t, "v=TLSRPTv1; rua=mailto:a@b.c", 28,
		                         0, NULL);
	if (st == MTASTS_OK)
		st = mtasts_lint_set_domain(l, "Example.COM.");
	if (st == MTASTS_OK)
		st = mtasts_lint_set_record(l, r);
	if (st == MTASTS_OK)
		st = mtasts_lint_set_tlsrpt(l, t);
	if (st == MTASTS_OK)
		st = mtasts_lint_set_mx_hosts(l, hosts, 2);
	if (st == MTASTS_OK)
		st = mtasts_lint_set_previous(l, o, r);
	if (st == MTASTS_OK) {
		st = mtasts_lint_policy(l, p, d);
		/* an uncovered MX and a reused id are lint errors */
		if (st == MTASTS_ELINT)
			st = MTASTS_OK;
	}
	mtasts_policy_free(p);
	mtasts_policy_free(o);
	mtasts_record_free(r);
	mtasts_tlsrpt_free(t);
	mtasts_lint_free(l);
	return st;
}

static int
op_pattern_check(mtasts_diag *d)
{
	int st = mtasts_mx_pattern_check("*.bad_label..example.com.", d);

	return st == MTASTS_ENOMEM ? st : MTASTS_OK;
}

/* ---- the network layer, through the application's callbacks ---------------- */

static int
fake_dns(void *user, const char *name, int rrtype, mtasts_dns_reply *reply)
{
	static const unsigned char spf[] = "\x0bv=spf1 -all";
	static const unsigned char sts[] = "\x09v=STSv1; \x0bid=20240101";
	static const unsigned char rpt[] = "\x1cv=TLSRPTv1; rua=mailto:a@b.c";
	int st = MTASTS_OK;

	(void)user;
	if (rrtype == MTASTS_RRTYPE_TXT && strncmp(name, "_mta-sts.", 9) == 0) {
		st = mtasts_dns_reply_add_txt(reply, spf, sizeof(spf) - 1);
		if (st == MTASTS_OK)
			st = mtasts_dns_reply_add_txt(reply, sts,
			                              sizeof(sts) - 1);
	} else if (rrtype == MTASTS_RRTYPE_TXT) {
		st = mtasts_dns_reply_add_txt(reply, rpt, sizeof(rpt) - 1);
	} else if (rrtype == MTASTS_RRTYPE_MX && strcmp(name, "nx.example")) {
		st = mtasts_dns_reply_add_mx(reply, 20, "MX2.example.com.");
		if (st == MTASTS_OK)
			st = mtasts_dns_reply_add_mx(reply, 10,
			                             "mx1.example.com.");
	} else {
		st = mtasts_dns_reply_set_result(reply, MTASTS_DNS_NXDOMAIN);
	}
	return st; /* ENOMEM from a setter aborts the lookup with it */
}

static int
fake_https(void *user, const char *url, mtasts_http_reply *reply)
{
	const char *body = user;
	int st;

	(void)url;
	st = mtasts_http_reply_set_status(reply, body ? 200 : 404);
	if (st == MTASTS_OK)
		st = mtasts_http_reply_set_content_type(
		        reply, "text/plain; charset=utf-8");
	if (st == MTASTS_OK && body)
		st = mtasts_http_reply_append_body(reply, body, strlen(body));
	return st;
}

static int
net_ctx(mtasts_ctx **c, void *http_user)
{
	CHECK(mtasts_ctx_new(c));
	CHECK(mtasts_ctx_set_dns_servers(*c, "127.0.0.1:5353,[::1]:53"));
	CHECK(mtasts_ctx_set_ca_file(*c, "/nonexistent/ca.pem"));
	CHECK(mtasts_ctx_add_connect_to(*c, "mta-sts.example.com:443:"
	                                    "127.0.0.1:8443"));
	CHECK(mtasts_ctx_set_resolver(*c, fake_dns, NULL));
	return mtasts_ctx_set_fetcher(*c, fake_https, http_user);
}

static int
op_net_discover(mtasts_diag *d)
{
	mtasts_ctx *c = NULL;
	mtasts_record *r = NULL;
	mtasts_tlsrpt *t = NULL;
	mtasts_mx_list *mx = NULL;
	int res = 0;
	int st = net_ctx(&c, NULL);

	if (st == MTASTS_OK)
		st = mtasts_discover_record(c, "Example.com.", &r, &res, 0, d);
	EXPECT(st != MTASTS_OK || (r && res == MTASTS_DNS_OK));
	if (st == MTASTS_OK)
		st = mtasts_discover_tlsrpt(c, "example.com", &t, &res, 0, d);
	if (st == MTASTS_OK)
		st = mtasts_lookup_mx(c, "example.com", &mx, &res, d);
	EXPECT(st != MTASTS_OK || mtasts_mx_list_count(mx) == 2);
	if (st == MTASTS_OK) {
		/* a failed lookup reports, and allocates, too */
		mtasts_mx_list *none = NULL;

		st = mtasts_lookup_mx(c, "nx.example", &none, &res, d);
		EXPECT(none == NULL);
		if (st == MTASTS_ENORECORD)
			st = MTASTS_OK;
	}
	mtasts_record_free(r);
	mtasts_tlsrpt_free(t);
	mtasts_mx_list_free(mx);
	mtasts_ctx_free(c);
	return st;
}

static int
op_net_fetch(mtasts_diag *d)
{
	static char body[] = "version: STSv1\nmode: enforce\n"
	                     "mx: mx1.example.com\nmax_age: 86400\n";
	mtasts_ctx *c = NULL;
	mtasts_fetch_result *f = NULL;
	int st = net_ctx(&c, body);

	if (st == MTASTS_OK)
		st = mtasts_policy_fetch(c, "example.com", "20240101", 0, &f,
		                         d);
	EXPECT(st != MTASTS_OK || mtasts_fetch_result_policy(f) != NULL);
	mtasts_fetch_result_free(f);
	f = NULL;
	if (st == MTASTS_OK) {
		/* a 404 gives a result too */
		st = mtasts_ctx_set_fetcher(c, fake_https, NULL);
		if (st == MTASTS_OK)
			st = mtasts_policy_fetch(c, "example.com", NULL, 0, &f,
			                         d);
		EXPECT(st == MTASTS_ENOMEM ? f == NULL : f != NULL);
		if (st == MTASTS_EFETCH)
			st = MTASTS_OK;
	}
	mtasts_fetch_result_free(f);
	mtasts_ctx_free(c);
	return st;
}

/* A response with a CNAME chain, TXT and MX records, compression. */
static const unsigned char dns_msg[] = {
	0x12,
	0x34,
	0x81,
	0x80,
	0,
	1,
	0,
	3,
	0,
	0,
	0,
	0,
	/* question: _mta-sts.a.example TXT IN (offset 12) */
	8,
	'_',
	'm',
	't',
	'a',
	'-',
	's',
	't',
	's',
	1,
	'a',
	7,
	'e',
	'x',
	'a',
	'm',
	'p',
	'l',
	'e',
	0,
	0,
	16,
	0,
	1,
	/* CNAME -> _mta-sts.b.example (the target at offset 48, its
	 * "example" a pointer to offset 23) */
	0xC0,
	12,
	0,
	5,
	0,
	1,
	0,
	0,
	0,
	60,
	0,
	13,
	8,
	'_',
	'm',
	't',
	'a',
	'-',
	's',
	't',
	's',
	1,
	'b',
	0xC0,
	23,
	/* two TXT RRs owned by the target */
	0xC0,
	48,
	0,
	16,
	0,
	1,
	0,
	0,
	0,
	60,
	0,
	14,
	13,
	'v',
	'=',
	'S',
	'T',
	'S',
	'v',
	'1',
	';',
	' ',
	'i',
	'd',
	'=',
	'1',
	0xC0,
	48,
	0,
	16,
	0,
	1,
	0,
	0,
	0,
	60,
	0,
	4,
	3,
	'a',
	'b',
	'c',
};

static int
op_dns_parse(mtasts_diag *d)
{
	struct mtasts_dns_reply r;
	char next[256];
	unsigned int cnames = 8;
	int res;

	(void)d;
	mtasts__dns_reply_init(&r, MTASTS_RRTYPE_TXT);
	res = mtasts__dns_parse(dns_msg, sizeof(dns_msg), "_mta-sts.a.example",
	                        MTASTS_RRTYPE_TXT, &r, next, &cnames);
	EXPECT(res == MTASTS_ENOMEM || (res == MTASTS_DNS_OK && r.n == 2));
	mtasts__dns_reply_clear(&r);
	return res == MTASTS_DNS_OK ? MTASTS_OK : res;
}

/* ---- cache entries and plans ------------------------------------------------- */

static int
op_cache(mtasts_diag *d)
{
	mtasts_cache_entry *e = NULL, *back = NULL;
	mtasts_policy *p = NULL;
	mtasts_plan *plan = NULL;
	const char *hosts[] = { "mail.example.com", "mx9.other.example" };
	char *text = NULL;
	size_t len = 0;
	int st = mtasts_cache_entry_new(&e, "Example.com");

	if (st == MTASTS_OK)
		st = mtasts_policy_parse(&p, policy_text,
		                         sizeof(policy_text) - 1, 0, NULL);
	if (st == MTASTS_OK)
		st = mtasts_cache_entry_store(e, p, "20240101", 1700000000);
	if (st == MTASTS_OK)
		st = mtasts_cache_entry_fail(e, "20240102", 1700000100);
	if (st == MTASTS_OK)
		st = mtasts_cache_entry_serialize(e, &text, &len);
	if (st == MTASTS_OK)
		st = mtasts_cache_entry_deserialize(&back, text, len, d);
	EXPECT(st != MTASTS_OK || back != NULL);
	if (st == MTASTS_OK) {
		/* a damaged entry reports, and allocates, too */
		mtasts_cache_entry *damaged = NULL;

		st = mtasts_cache_entry_deserialize(&damaged,
		                                    "MTASTS-CACHE 9\n", 15, d);
		EXPECT(damaged == NULL);
		if (st == MTASTS_ESYNTAX)
			st = MTASTS_OK;
	}
	if (st == MTASTS_OK)
		st = mtasts_plan_new(&plan, mtasts_cache_entry_policy(back),
		                     hosts, 2);
	EXPECT(st != MTASTS_OK ||
	       mtasts_plan_verdict(plan, 1) == MTASTS_MX_REFUSE);
	mtasts_plan_free(plan);
	mtasts_free(text);
	mtasts_cache_entry_free(back);
	mtasts_cache_entry_free(e);
	mtasts_policy_free(p);
	return st;
}

/* ---- the loop ------------------------------------------------------------- */

struct op {
	const char *name;
	int (*fn)(mtasts_diag *);
	int diag; /* run with a diagnostics list */
};

static const struct op ops[] = {
	{ "policy-small", op_policy_small, 0 },
	{ "policy-small-diag", op_policy_small, 1 },
	{ "policy-lenient-diag", op_policy_lenient, 1 },
	{ "policy-invalid-diag", op_policy_invalid, 1 },
	{ "policy-big", op_policy_big, 0 },
	{ "policy-big-diag", op_policy_big, 1 },
	{ "policy-format", op_policy_format, 0 },
	{ "policy-builder", op_policy_builder, 0 },
	{ "policy-builder-diag", op_policy_builder, 1 },
	{ "record", op_record, 0 },
	{ "record-diag", op_record, 1 },
	{ "record-lenient-diag", op_record_lenient, 1 },
	{ "rrset-diag", op_rrset, 1 },
	{ "rrset-rdata-diag", op_rrset_rdata, 1 },
	{ "record-builder-diag", op_record_builder, 1 },
	{ "pattern-check-diag", op_pattern_check, 1 },
	{ "tlsrpt", op_tlsrpt, 0 },
	{ "tlsrpt-diag", op_tlsrpt, 1 },
	{ "tlsrpt-rrset-diag", op_tlsrpt_rrset, 1 },
	{ "tlsrpt-builder-diag", op_tlsrpt_builder, 1 },
	{ "lint", op_lint, 0 },
	{ "lint-diag", op_lint, 1 },
	{ "net-discover", op_net_discover, 0 },
	{ "net-discover-diag", op_net_discover, 1 },
	{ "net-fetch", op_net_fetch, 0 },
	{ "net-fetch-diag", op_net_fetch, 1 },
	{ "dns-parse", op_dns_parse, 0 },
	{ "cache", op_cache, 0 },
	{ "cache-diag", op_cache, 1 },
};

START_TEST(oom_each_allocation)
{
	const struct op *op = &ops[_i];
	long n;

	for (n = 0; n < 10000; n++) {
		int st;

		n_live = 0;
		bad = 0;
		n_allocs = 0;
		failed = 0;
		fail_at = n;
		armed = 1;
		st = op->diag ? with_diag(op->fn) : op->fn(NULL);
		armed = 0;
		ck_assert_msg(bad == 0,
		              "%s: %d broken expectation(s) with "
		              "allocation %ld failing",
		              op->name, bad, n);
		ck_assert_msg(n_live == 0,
		              "%s: %zu block(s) leaked when allocation %ld "
		              "failed",
		              op->name, n_live, n);
		if (!failed) {
			/* every allocation succeeded: the operation works */
			ck_assert_msg(st == MTASTS_OK, "%s: status %s",
			              op->name, mtasts_status_name(st));
			ck_assert_msg(n > 0, "%s: made no allocation",
			              op->name);
			return;
		}
		ck_assert_msg(st == MTASTS_ENOMEM,
		              "%s: allocation %ld failed but the status is %s",
		              op->name, n, mtasts_status_name(st));
	}
	ck_abort_msg("%s: did not complete", op->name);
}
END_TEST

static void
setup(void)
{
	size_t o = 0;
	int i;

	/* A policy too large for the parser's stack workspace. */
	o += (size_t)snprintf(policy_big + o, sizeof(policy_big) - o,
	                      "version: STSv1\nmode: enforce\nmax_age: 1\n");
	for (i = 0; i < 100; i++)
		o += (size_t)snprintf(policy_big + o, sizeof(policy_big) - o,
		                      "mx: mx%d.example.com\n", i);
}

int
main(void)
{
	Suite *s = suite_create("oom");
	TCase *tc = tcase_create("allocation failures");
	SRunner *sr;
	int failures;

	setup();
	tcase_add_loop_test(tc, oom_each_allocation, 0,
	                    (int)(sizeof(ops) / sizeof(ops[0])));
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failures = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failures == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
