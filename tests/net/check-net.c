/* SPDX-License-Identifier: MIT */
/*
 * The network layer against real servers on loopback: DNS discovery over
 * c-ares (RFC 8461 §3.1; R-05…; RFC 8460 §3, T-06…T-08), the
 * HTTPS policy fetch (§3.3; …,
 * ), the MX STARTTLS probe (§4.2, §7.1; ),
 * the application's resolver and fetcher callbacks, the context's argument
 * checks and one context shared by several threads.
 *
 * The servers and their scenarios are tests/net/netenv.py's; run as
 *
 *     /usr/bin/python3 tests/net/netenv.py -- build/tests/net/check-net
 *
 * Ids (R-xx, A-xx, T-xx) refer to the project's RFC 8461 and RFC 8460
 * digests; diagnostic codes to docs/diagnostics.md. Every expectation comes
 * from those and include/mtasts.h, not from the library's output.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "test-common.h"

#define POLICY_URL(d) "https://mta-sts." d "/.well-known/mta-sts.txt"
#define VALID_ID "20240101T000000"

/* ---- the harness's environment ----------------------------------------- */

static struct {
	const char *dns;     /* "127.0.0.1:PORT" */
	const char *ca;      /* the test CA (PEM) */
	const char *dir;     /* logs */
	unsigned int https;  /* HTTPS server */
	unsigned int smtp;   /* SMTP with STARTTLS */
	unsigned int plain;  /* SMTP without STARTTLS */
	unsigned int closed; /* nothing listens */
	int port443;         /* the HTTPS server also on 127.0.0.1:443 */
} E;

static unsigned int
env_port(const char *name)
{
	const char *v = getenv(name);
	char *end;
	unsigned long p;

	if (!v || !*v)
		return 0;
	p = strtoul(v, &end, 10);
	return (*end || p == 0 || p > 65535) ? 0 : (unsigned int)p;
}

/* 1 if every MTASTS_TEST_* variable of netenv.py is there. */
static int
load_env(void)
{
	const char *p443 = getenv("MTASTS_TEST_PORT443");

	E.dns = getenv("MTASTS_TEST_DNS");
	E.ca = getenv("MTASTS_TEST_CA");
	E.dir = getenv("MTASTS_TEST_DIR");
	E.https = env_port("MTASTS_TEST_HTTPS_PORT");
	E.smtp = env_port("MTASTS_TEST_SMTP_PORT");
	E.plain = env_port("MTASTS_TEST_PLAIN_PORT");
	E.closed = env_port("MTASTS_TEST_CLOSED_PORT");
	E.port443 = p443 && strcmp(p443, "1") == 0;
	return E.dns && E.ca && E.dir && E.https && E.smtp && E.plain &&
	       E.closed && p443;
}

static double
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1000.0 + (double)t.tv_nsec / 1e6;
}

/* ---- contexts ---------------------------------------------------------- */

/* The harness's DNS server and CA, nothing mapped. */
static mtasts_ctx *
ctx_dns(void)
{
	mtasts_ctx *ctx;

	ck_assert_int_eq(mtasts_ctx_new(&ctx), MTASTS_OK);
	ck_assert_int_eq(mtasts_ctx_set_dns_servers(ctx, E.dns), MTASTS_OK);
	ck_assert_int_eq(mtasts_ctx_set_ca_file(ctx, E.ca), MTASTS_OK);
	return ctx;
}

/* Map host:port to 127.0.0.1:to. */
static void
map(mtasts_ctx *ctx, const char *host, unsigned int port, unsigned int to)
{
	char spec[300];

	snprintf(spec, sizeof(spec), "%s:%u:127.0.0.1:%u", host, port, to);
	ck_assert_int_eq(mtasts_ctx_add_connect_to(ctx, spec), MTASTS_OK);
}

/* ctx_dns() with mta-sts.<domain>:443 mapped to the HTTPS server (or
 * another port). */
static mtasts_ctx *
ctx_fetch(const char *domain, unsigned int port)
{
	mtasts_ctx *ctx = ctx_dns();
	char host[300];

	snprintf(host, sizeof(host), "mta-sts.%s", domain);
	map(ctx, host, 443, port ? port : E.https);
	return ctx;
}

/* ---- diagnostics ------------------------------------------------------- */

/* The list with messages, for failure output (static buffer). */
static const char *
diag_text(const mtasts_diag *d)
{
	static char buf[8192];
	size_t i, o = 0, n = mtasts_diag_count(d);

	if (n == 0)
		return "(no diagnostics)";
	buf[0] = '\0';
	for (i = 0; i < n && o + 1 < sizeof(buf); i++) {
		int k = snprintf(buf + o, sizeof(buf) - o, "%s%d/%d %s",
		                 i ? "; " : "", mtasts_diag_code(d, i),
		                 mtasts_diag_severity(d, i),
		                 mtasts_diag_message(d, i));

		if (k < 0)
			break;
		o += (size_t)k;
	}
	return buf;
}

/* Exactly one error, with this code; messages printable. */
#define assert_one_error(d, c)                                                 \
	do {                                                                   \
		ck_assert_msg(mtasts_diag_error_count(d) == 1 &&               \
		                      t_find_diag((d), (c),                    \
		                                  MTASTS_SEVERITY_ERROR,       \
		                                  T_ANY, T_ANY) >= 0,          \
		              "expected one error %d (%s); got: %s", (int)(c), \
		              t_code_name(c), diag_text(d));                   \
		ck_assert(t_messages_printable(d));                            \
	} while (0)

/* At least one error, and every error has this code (RRset selection
 * reports each of several records). */
#define assert_only_errors(d, c)                                               \
	ck_assert_msg(                                                         \
	        mtasts_diag_error_count(d) >= 1 &&                             \
	                mtasts_diag_error_count(d) ==                          \
	                        t_count_diag((d), (c), MTASTS_SEVERITY_ERROR), \
	        "expected only errors %d (%s); got: %s", (int)(c),             \
	        t_code_name(c), diag_text(d))

/* The one error expected of a failed lookup. */
#define assert_lookup_error(d, c)                                              \
	do {                                                                   \
		if ((c) == MTASTS_D_RRSET_MULTIPLE)                            \
			assert_only_errors(d, c);                              \
		else                                                           \
			assert_one_error(d, c);                                \
	} while (0)

#define assert_has(d, c, sev)                                                  \
	ck_assert_msg(t_find_diag((d), (c), (sev), T_ANY, T_ANY) >= 0,         \
	              "expected %d (%s) severity %d; got: %s", (int)(c),       \
	              t_code_name(c), (int)(sev), diag_text(d))

#define assert_no_errors(d)                                                    \
	ck_assert_msg(mtasts_diag_error_count(d) == 0, "unexpected: %s",       \
	              diag_text(d))

/* ---- the harness's logs ------------------------------------------------ */

/* The log file as a NUL-terminated string ("" if absent). */
static char *
log_read(const char *file)
{
	char path[1024];
	char *s;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", E.dir, file);
	s = t_read_file(path, &n);
	if (!s)
		return t_dup("", 1);
	s = realloc(s, n + 1);
	ck_assert_ptr_nonnull(s);
	s[n] = '\0';
	return s;
}

/* Field `field` (0-based, TAB-separated) of a line [b, e) equals value. */
static int
field_is(const char *b, const char *e, unsigned int field, const char *value)
{
	size_t n = strlen(value);

	while (field--) {
		const char *t = memchr(b, '\t', (size_t)(e - b));

		if (!t)
			return 0;
		b = t + 1;
	}
	return (size_t)(e - b) >= n && strncmp(b, value, n) == 0 &&
	       (b + n == e || b[n] == '\t');
}

/* Number of lines of `file` whose field `field` is `value`. */
static size_t
log_count(const char *file, unsigned int field, const char *value)
{
	char *s = log_read(file), *p = s;
	size_t k = 0;

	while (*p) {
		char *e = strchr(p, '\n');

		if (!e)
			e = p + strlen(p);
		if (field_is(p, e, field, value))
			k++;
		p = *e ? e + 1 : e;
	}
	free(s);
	return k;
}

/* A copy of the last line of `file` whose field `field` is `value`, or
 * of the last line if value is NULL; NULL if none. */
static char *
log_last(const char *file, unsigned int field, const char *value)
{
	char *s = log_read(file), *p = s, *best = NULL;
	size_t n = 0;

	while (*p) {
		char *e = strchr(p, '\n');

		if (!e)
			e = p + strlen(p);
		if (!value || field_is(p, e, field, value)) {
			best = p;
			n = (size_t)(e - p);
		}
		p = *e ? e + 1 : e;
	}
	if (best) {
		char *c = t_dup(best, n + 1);

		c[n] = '\0';
		free(s);
		return c;
	}
	free(s);
	return NULL;
}

/* Whether an https.log line carries a request header of this name. */
static int
log_has_header(const char *line, const char *name)
{
	const char *p = line;
	unsigned int f = 0;
	size_t n = strlen(name);

	for (;;) {
		if (f >= 4 && strncasecmp(p, name, n) == 0 && p[n] == ':')
			return 1;
		p = strchr(p, '\t');
		if (!p)
			return 0;
		p++;
		f++;
	}
}

/* ======================================================================= */
/* DNS discovery against the harness's server                              */
/* ======================================================================= */

struct record_case {
	const char *why;
	const char *domain;
	int status;
	int dns_result;
	int code;            /* the one error expected, or 0 for none */
	const char *id;      /* the record's id when status is OK */
	unsigned int dns_ms; /* MTASTS_TIMEOUT_DNS to set, or 0 */
};

static const struct record_case record_cases[] = {
	{ "R-05 one STSv1 record", "valid.test", MTASTS_OK, MTASTS_DNS_OK, 0,
	  VALID_ID, 0 },
	{ "trailing dot and upper case are the same domain", "VALID.Test.",
	  MTASTS_OK, MTASTS_DNS_OK, 0, VALID_ID, 0 },
	{ "R-06 NODATA: the name exists with an A record only", "nodata.test",
	  MTASTS_ENORECORD, MTASTS_DNS_NODATA, MTASTS_D_DNS_NODATA, NULL, 0 },
	{ "R-06 NXDOMAIN", "nonexistent.test", MTASTS_ENORECORD,
	  MTASTS_DNS_NXDOMAIN, MTASTS_D_DNS_NXDOMAIN, NULL, 0 },
	{ "R-06 two STSv1 records", "two.test", MTASTS_EMULTIPLE, MTASTS_DNS_OK,
	  MTASTS_D_RRSET_MULTIPLE, NULL, 0 },
	{ "R-05 other TXT records beside the STSv1 one", "mixed.test",
	  MTASTS_OK, MTASTS_DNS_OK, 0, "mixed1", 0 },
	{ "R-07 character-strings joined", "split.test", MTASTS_OK,
	  MTASTS_DNS_OK, 0, "split1", 0 },
	{ "R-08 CNAME and its target in one answer", "cname.test", MTASTS_OK,
	  MTASTS_DNS_OK, 0, VALID_ID, 0 },
	{ "R-08 CNAME only: the target is asked for", "chase.test", MTASTS_OK,
	  MTASTS_DNS_OK, 0, "split1", 0 },
	{ "R-08 a chain of 8 CNAMEs in one answer", "chain8.test", MTASTS_OK,
	  MTASTS_DNS_OK, 0, "chain8", 0 },
	{ "R-08 a chain of 9 CNAMEs in one answer is too long", "chain9.test",
	  MTASTS_EDNS, MTASTS_DNS_ERROR, MTASTS_D_DNS_CNAME, NULL, 0 },
	{ "R-08 8 CNAMEs, two per answer", "hops8.test", MTASTS_OK,
	  MTASTS_DNS_OK, 0, "hops8", 0 },
	{ "R-08 9 CNAMEs, two per answer: the limit is per lookup",
	  "hops9.test", MTASTS_EDNS, MTASTS_DNS_ERROR, MTASTS_D_DNS_CNAME, NULL,
	  0 },
	{ "R-08 a CNAME loop across queries", "loop.test", MTASTS_EDNS,
	  MTASTS_DNS_ERROR, MTASTS_D_DNS_CNAME, NULL, 0 },
	{ "A-22 SERVFAIL is temporary", "servfail.test", MTASTS_EDNS,
	  MTASTS_DNS_SERVFAIL, MTASTS_D_DNS_TEMPORARY, NULL, 0 },
	{ "A-22 REFUSED is temporary", "refused.test", MTASTS_EDNS,
	  MTASTS_DNS_SERVFAIL, MTASTS_D_DNS_TEMPORARY, NULL, 0 },
	{ "A-22 no answer in time is temporary", "timeout.test", MTASTS_EDNS,
	  MTASTS_DNS_TIMEOUT, MTASTS_D_DNS_TEMPORARY, NULL, 1000 },
	{ "a truncated UDP answer is asked again over TCP", "truncated.test",
	  MTASTS_OK, MTASTS_DNS_OK, 0, "tcp1", 0 },
	{ "R-03 A-12 the one candidate has an invalid id", "badid.test",
	  MTASTS_EID, MTASTS_DNS_OK, MTASTS_D_RECORD_ID_INVALID, NULL, 0 },
};

START_TEST(discover_record)
{
	const struct record_case *c = &record_cases[_i];
	mtasts_ctx *ctx = ctx_dns();
	mtasts_diag *d = t_diag_new();
	mtasts_record *r =
	        (mtasts_record *)&r; /* must become NULL or a record */
	int st, dr = -1;
	double t0;

	if (c->dns_ms)
		ck_assert_int_eq(mtasts_ctx_set_timeout(ctx, MTASTS_TIMEOUT_DNS,
		                                        c->dns_ms),
		                 MTASTS_OK);
	t0 = now_ms();
	st = mtasts_discover_record(ctx, c->domain, &r, &dr, 0, d);
	ck_assert_msg(st == c->status, "%s (%s): status %s, expected %s; %s",
	              c->domain, c->why, t_status_name(st),
	              t_status_name(c->status), diag_text(d));
	ck_assert_msg(dr == c->dns_result, "%s: dns_result %d, expected %d",
	              c->domain, dr, c->dns_result);
	if (c->dns_ms)
		/* a bound on the deadline (every server and retry included),
		 * not a benchmark */
		ck_assert_msg(now_ms() - t0 < 10000.0,
		              "%s: %.0f ms for a %u ms DNS timeout", c->domain,
		              now_ms() - t0, c->dns_ms);
	if (c->status == MTASTS_OK) {
		ck_assert_ptr_nonnull(r);
		ck_assert_str_eq(mtasts_record_id(r), c->id);
		assert_no_errors(d);
	} else {
		ck_assert_ptr_null(r);
		assert_lookup_error(d, c->code);
	}
	mtasts_record_free(r);
	mtasts_diag_free(d);
	mtasts_ctx_free(ctx);
}
END_TEST

/* No server answers at all (a UDP port nobody reads): temporary. */
START_TEST(discover_no_server)
{
	mtasts_ctx *ctx = ctx_dns();
	mtasts_diag *d = t_diag_new();
	mtasts_record *r;
	char servers[64];
	int dr = -1;
	double t0;

	snprintf(servers, sizeof(servers), "127.0.0.1:%u", E.closed);
	ck_assert_int_eq(mtasts_ctx_set_dns_servers(ctx, servers), MTASTS_OK);
	ck_assert_int_eq(mtasts_ctx_set_timeout(ctx, MTASTS_TIMEOUT_DNS, 1000),
	                 MTASTS_OK);
	t0 = now_ms();
	ck_assert_int_eq(
	        mtasts_discover_record(ctx, "valid.test", &r, &dr, 0, d),
	        MTASTS_EDNS);
	ck_assert_msg(now_ms() - t0 < 10000.0, "%.0f ms", now_ms() - t0);
	ck_assert_ptr_null(r);
	ck_assert_msg(dr == MTASTS_DNS_ERROR || dr == MTASTS_DNS_TIMEOUT,
	              "dns_result %d", dr);
	assert_one_error(d, MTASTS_D_DNS_TEMPORARY);
	mtasts_diag_free(d);
	mtasts_ctx_free(ctx);
}
END_TEST

START_TEST(discover_record_arguments)
{
	mtasts_ctx *ctx = ctx_dns();
	mtasts_record *r = (mtasts_record *)&r;
	int dr = 7;

	ck_assert_int_eq(
	        mtasts_discover_record(ctx, "valid.test", NULL, &dr, 0, NULL),
	        MTASTS_EINVAL);
	ck_assert_int_eq(dr, 0);
	dr = 7;
	ck_assert_int_eq(
	        mtasts_discover_record(NULL, "valid.test", &r, &dr, 0, NULL),
	        MTASTS_EINVAL);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(dr, 0);
	r = (mtasts_record *)&r;
	ck_assert_int_eq(mtasts_discover_record(ctx, NULL, &r, NULL, 0, NULL),
	                 MTASTS_EINVAL);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(mtasts_discover_record(ctx, "", &r, NULL, 0, NULL),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(
	        mtasts_discover_record(ctx, "*.valid.test", &r, NULL, 0, NULL),
	        MTASTS_EINVAL);
	ck_assert_int_eq(
	        mtasts_discover_record(ctx, "a b.test", &r, NULL, 0, NULL),
	        MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_discover_record(ctx, "valid.test", &r, NULL,
	                                        1u << 5, NULL),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(
	        mtasts_discover_tlsrpt(ctx, "valid.test", NULL, &dr, 0, NULL),
	        MTASTS_EINVAL);
	ck_assert_int_eq(dr, 0);
	/* and no diagnostics list is needed */
	ck_assert_int_eq(mtasts_discover_record(ctx, "valid.test", &r, &dr,
	                                        MTASTS_PARSE_LENIENT, NULL),
	                 MTASTS_OK);
	ck_assert_int_eq(dr, MTASTS_DNS_OK);
	mtasts_record_free(r);
	mtasts_ctx_free(ctx);
}
END_TEST

/* ---- TLSRPT (RFC 8460 §3) ---------------------------------------------- */

START_TEST(discover_tlsrpt)
{
	mtasts_ctx *ctx = ctx_dns();
	mtasts_diag *d = t_diag_new();
	mtasts_tlsrpt *t = (mtasts_tlsrpt *)&t;
	int dr = -1;

	/* T-06 one TLSRPTv1 record */
	ck_assert_int_eq(
	        mtasts_discover_tlsrpt(ctx, "valid.test", &t, &dr, 0, d),
	        MTASTS_OK);
	ck_assert_int_eq(dr, MTASTS_DNS_OK);
	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(mtasts_tlsrpt_rua_count(t), 1);
	ck_assert_str_eq(mtasts_tlsrpt_rua(t, 0), "mailto:tlsrpt@valid.test");
	assert_no_errors(d);
	mtasts_tlsrpt_free(t);

	/* T-07 two records: no TLSRPT */
	mtasts_diag_clear(d);
	t = (mtasts_tlsrpt *)&t;
	ck_assert_int_eq(mtasts_discover_tlsrpt(ctx, "two.test", &t, &dr, 0, d),
	                 MTASTS_EMULTIPLE);
	ck_assert_int_eq(dr, MTASTS_DNS_OK);
	ck_assert_ptr_null(t);
	ck_assert_uint_eq(mtasts_diag_error_count(d), 2);
	assert_only_errors(d, MTASTS_D_RRSET_MULTIPLE);

	/* T-03 the one record has an invalid rua */
	mtasts_diag_clear(d);
	ck_assert_int_eq(
	        mtasts_discover_tlsrpt(ctx, "badmx.test", &t, &dr, 0, d),
	        MTASTS_ERUA);
	ck_assert_int_eq(dr, MTASTS_DNS_OK);
	ck_assert_ptr_null(t);
	ck_assert_uint_ge(mtasts_diag_error_count(d), 1);

	/* no such name */
	mtasts_diag_clear(d);
	ck_assert_int_eq(
	        mtasts_discover_tlsrpt(ctx, "nonexistent.test", &t, &dr, 0, d),
	        MTASTS_ENORECORD);
	ck_assert_int_eq(dr, MTASTS_DNS_NXDOMAIN);
	assert_one_error(d, MTASTS_D_DNS_NXDOMAIN);

	/* a temporary failure (A-22 applies to TLSRPT too) */
	mtasts_diag_clear(d);
	ck_assert_int_eq(
	        mtasts_discover_tlsrpt(ctx, "servfail.test", &t, &dr, 0, d),
	        MTASTS_EDNS);
	ck_assert_int_eq(dr, MTASTS_DNS_SERVFAIL);
	assert_one_error(d, MTASTS_D_DNS_TEMPORARY);
	mtasts_diag_free(d);
	mtasts_ctx_free(ctx);
}
END_TEST

/* ---- MX lookup --------------------------------------------------------- */

struct mx_case {
	const char *why;
	const char *domain;
	int status;
	int dns_result;
	int code;
	int implicit;
	int null;
	const char *host[3];
	int pref[3];
};

static const struct mx_case mx_cases[] = {
	{ "sorted by preference",
	  "valid.test",
	  MTASTS_OK,
	  MTASTS_DNS_OK,
	  0,
	  0,
	  0,
	  { "mx1.valid.test", "mx2.valid.test" },
	  { 10, 20 } },
	{ "A-15 no MX: the domain itself",
	  "nomx.test",
	  MTASTS_OK,
	  MTASTS_DNS_NODATA,
	  0,
	  1,
	  0,
	  { "nomx.test" },
	  { 0 } },
	{ "RFC 7505 null MX",
	  "nullmx.test",
	  MTASTS_OK,
	  MTASTS_DNS_OK,
	  0,
	  0,
	  1,
	  { NULL },
	  { 0 } },
	{ "host names lower-cased, trailing dot removed",
	  "mixedcase.test",
	  MTASTS_OK,
	  MTASTS_DNS_OK,
	  0,
	  0,
	  0,
	  { "mx1.mixedcase.test" },
	  { 5 } },
	{ "three MX hosts",
	  "badmx.test",
	  MTASTS_OK,
	  MTASTS_DNS_OK,
	  0,
	  0,
	  0,
	  { "mx1.badmx.test", "mx.wrongname.test", "mx2.badmx.test" },
	  { 10, 20, 30 } },
	{ "the domain does not exist",
	  "nonexistent.test",
	  MTASTS_ENORECORD,
	  MTASTS_DNS_NXDOMAIN,
	  MTASTS_D_DNS_NXDOMAIN,
	  0,
	  0,
	  { NULL },
	  { 0 } },
	{ "A-22 temporary",
	  "servfail.test",
	  MTASTS_EDNS,
	  MTASTS_DNS_SERVFAIL,
	  MTASTS_D_DNS_TEMPORARY,
	  0,
	  0,
	  { NULL },
	  { 0 } },
};

START_TEST(lookup_mx)
{
	const struct mx_case *c = &mx_cases[_i];
	mtasts_ctx *ctx = ctx_dns();
	mtasts_diag *d = t_diag_new();
	mtasts_mx_list *l = (mtasts_mx_list *)&l;
	size_t n, i;
	int st, dr = -1;

	st = mtasts_lookup_mx(ctx, c->domain, &l, &dr, d);
	ck_assert_msg(st == c->status, "%s (%s): %s; %s", c->domain, c->why,
	              t_status_name(st), diag_text(d));
	ck_assert_msg(dr == c->dns_result, "%s: dns_result %d, expected %d",
	              c->domain, dr, c->dns_result);
	if (st != MTASTS_OK) {
		ck_assert_ptr_null(l);
		assert_one_error(d, c->code);
		goto out;
	}
	assert_no_errors(d);
	for (n = 0; n < T_ARRAY_LEN(c->host) && c->host[n]; n++)
		;
	ck_assert_uint_eq(mtasts_mx_list_count(l), n);
	for (i = 0; i < n; i++) {
		ck_assert_str_eq(mtasts_mx_list_host(l, i), c->host[i]);
		ck_assert_int_eq(mtasts_mx_list_preference(l, i), c->pref[i]);
	}
	ck_assert_ptr_null(mtasts_mx_list_host(l, n));
	ck_assert_int_eq(mtasts_mx_list_preference(l, n), -1);
	ck_assert_int_eq(mtasts_mx_list_implicit(l), c->implicit);
	ck_assert_int_eq(mtasts_mx_list_null(l), c->null);
out:
	mtasts_mx_list_free(l);
	mtasts_diag_free(d);
	mtasts_ctx_free(ctx);
}
END_TEST

START_TEST(lookup_mx_arguments)
{
	mtasts_ctx *ctx = ctx_dns();
	mtasts_mx_list *l = (mtasts_mx_list *)&l;
	int dr = 7;

	ck_assert_int_eq(mtasts_lookup_mx(ctx, "valid.test", NULL, &dr, NULL),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(dr, 0);
	ck_assert_int_eq(mtasts_lookup_mx(NULL, "valid.test", &l, NULL, NULL),
	                 MTASTS_EINVAL);
	ck_assert_ptr_null(l);
	ck_assert_int_eq(mtasts_lookup_mx(ctx, NULL, &l, NULL, NULL),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_lookup_mx(ctx, ".", &l, NULL, NULL),
	                 MTASTS_EINVAL);
	mtasts_ctx_free(ctx);
}
END_TEST

/* ======================================================================= */
/* The application's resolver (mtasts_ctx_set_resolver)                    */
/* ======================================================================= */

/* One answer row: the callback answers a (name, type) question with every
 * row that matches; a name with no row at all is NXDOMAIN. */
struct zone_row {
	const char *name; /* as the library must ask it: lower case, no dot */
	int rrtype;
	int result;       /* mtasts_dns_reply_set_result() value, or 0 */
	int ret;          /* the callback's return value */
	const char *data; /* TXT: strings separated by '|'; MX: "PREF HOST";
	                     A/AAAA: the address; NULL: none */
};

static const struct zone_row cb_zone[] = {
	{ "_mta-sts.cb.test", MTASTS_RRTYPE_TXT, 0, 0, "v=spf1 -all" },
	{ "_mta-sts.cb.test", MTASTS_RRTYPE_TXT, 0, 0, "v=STSv1; |id=|cb1" },
	{ "_mta-sts.cbnx.test", MTASTS_RRTYPE_TXT, MTASTS_DNS_NXDOMAIN, 0,
	  NULL },
	{ "_mta-sts.cbnodata.test", MTASTS_RRTYPE_TXT, MTASTS_DNS_OK, 0, NULL },
	{ "_mta-sts.cbfail.test", MTASTS_RRTYPE_TXT, MTASTS_DNS_SERVFAIL, 0,
	  "v=STSv1; id=dropped" },
	{ "_mta-sts.cbtimeout.test", MTASTS_RRTYPE_TXT, MTASTS_DNS_TIMEOUT, 0,
	  NULL },
	{ "_mta-sts.cberror.test", MTASTS_RRTYPE_TXT, MTASTS_DNS_ERROR, 0,
	  NULL },
	{ "_mta-sts.cbtwo.test", MTASTS_RRTYPE_TXT, 0, 0, "v=STSv1; id=a" },
	{ "_mta-sts.cbtwo.test", MTASTS_RRTYPE_TXT, 0, 0, "v=STSv1; id=b" },
	{ "_mta-sts.cbabort.test", MTASTS_RRTYPE_TXT, 0, MTASTS_ELINT, NULL },
	{ "_mta-sts.cbcustom.test", MTASTS_RRTYPE_TXT, 0, -1000, NULL },
	{ "_mta-sts.cbpositive.test", MTASTS_RRTYPE_TXT, 0, 1, NULL },
	{ "_smtp._tls.cb.test", MTASTS_RRTYPE_TXT, 0, 0,
	  "v=TLSRPTv1; |rua=mailto:r@cb.test" },
	{ "cb.test", MTASTS_RRTYPE_MX, 0, 0, "20 MX2.CB.test." },
	{ "cb.test", MTASTS_RRTYPE_MX, 0, 0, "10 mx1.cb.test" },
	{ "cb.test", MTASTS_RRTYPE_MX, 0, 0, "10 a.cb.test" },
	{ "cbnull.test", MTASTS_RRTYPE_MX, 0, 0, "0 ." },
	{ "cbnomx.test", MTASTS_RRTYPE_A, 0, 0, "192.0.2.1" },
	{ "cbmxfail.test", MTASTS_RRTYPE_MX, MTASTS_DNS_TIMEOUT, 0, NULL },
	{ "_mta-sts.valid.test", MTASTS_RRTYPE_TXT, 0, 0,
	  "v=STSv1; id=cbvalid" },
	{ "mta-sts.valid.test", MTASTS_RRTYPE_A, 0, 0, "127.0.0.1" },
	{ "valid.test", MTASTS_RRTYPE_MX, 0, 0, "10 mx1.valid.test" },
};

/* What the callback was asked, for the tests to check. */
struct cb_log {
	int calls;
	char asked[16][300]; /* "NAME/TYPE" */
};

/* TXT RDATA in wire form: each '|'-separated piece a character-string. */
static size_t
txt_rdata(unsigned char *out, size_t cap, const char *text)
{
	size_t o = 0;

	for (;;) {
		const char *bar = strchr(text, '|');
		size_t n = bar ? (size_t)(bar - text) : strlen(text);

		ck_assert(n < 256 && o + 1 + n <= cap);
		out[o++] = (unsigned char)n;
		memcpy(out + o, text, n);
		o += n;
		if (!bar)
			return o;
		text = bar + 1;
	}
}

static int
cb_resolver(void *user, const char *name, int rrtype, mtasts_dns_reply *reply)
{
	struct cb_log *log = user;
	size_t i;
	int known = 0;

	if (log->calls < (int)T_ARRAY_LEN(log->asked))
		snprintf(log->asked[log->calls], sizeof(log->asked[0]), "%s/%d",
		         name, rrtype);
	log->calls++;
	for (i = 0; i < T_ARRAY_LEN(cb_zone); i++) {
		const struct zone_row *z = &cb_zone[i];

		if (strcmp(z->name, name) != 0)
			continue;
		known = 1;
		if (z->rrtype != rrtype)
			continue;
		if (z->ret)
			return z->ret;
		if (z->result)
			ck_assert_int_eq(
			        mtasts_dns_reply_set_result(reply, z->result),
			        MTASTS_OK);
		if (!z->data)
			continue;
		if (rrtype == MTASTS_RRTYPE_TXT) {
			unsigned char rd[512];
			size_t n = txt_rdata(rd, sizeof(rd), z->data);

			ck_assert_int_eq(mtasts_dns_reply_add_txt(reply, rd, n),
			                 MTASTS_OK);
		} else if (rrtype == MTASTS_RRTYPE_MX) {
			char *end;
			unsigned long pref = strtoul(z->data, &end, 10);

			ck_assert_int_eq(
			        mtasts_dns_reply_add_mx(
			                reply, (unsigned int)pref, end + 1),
			        MTASTS_OK);
		} else {
			ck_assert_int_eq(
			        mtasts_dns_reply_add_address(reply, z->data),
			        MTASTS_OK);
		}
	}
	if (!known)
		ck_assert_int_eq(
		        mtasts_dns_reply_set_result(reply, MTASTS_DNS_NXDOMAIN),
		        MTASTS_OK);
	return MTASTS_OK;
}

/* A context that resolves through cb_resolver only (no DNS server). */
static mtasts_ctx *
ctx_cb(struct cb_log *log)
{
	mtasts_ctx *ctx;

	memset(log, 0, sizeof(*log));
	ck_assert_int_eq(mtasts_ctx_new(&ctx), MTASTS_OK);
	ck_assert_int_eq(mtasts_ctx_set_resolver(ctx, cb_resolver, log),
	                 MTASTS_OK);
	ck_assert_int_eq(mtasts_ctx_set_ca_file(ctx, E.ca), MTASTS_OK);
	return ctx;
}

struct cb_case {
	const char *why;
	const char *domain;
	int status;
	int dns_result;
	int code;
	const char *id;
};

static const struct cb_case cb_cases[] = {
	{ "R-05 R-07 wire RDATA joined, other TXT ignored", "cb.test",
	  MTASTS_OK, MTASTS_DNS_OK, 0, "cb1" },
	{ "the name is asked lower case without the dot", "CB.Test.", MTASTS_OK,
	  MTASTS_DNS_OK, 0, "cb1" },
	{ "NXDOMAIN set by the callback", "cbnx.test", MTASTS_ENORECORD,
	  MTASTS_DNS_NXDOMAIN, MTASTS_D_DNS_NXDOMAIN, NULL },
	{ "NXDOMAIN: unknown name", "unknown.test", MTASTS_ENORECORD,
	  MTASTS_DNS_NXDOMAIN, MTASTS_D_DNS_NXDOMAIN, NULL },
	{ "OK without records is NODATA", "cbnodata.test", MTASTS_ENORECORD,
	  MTASTS_DNS_NODATA, MTASTS_D_DNS_NODATA, NULL },
	{ "A-22 SERVFAIL (the records added are dropped)", "cbfail.test",
	  MTASTS_EDNS, MTASTS_DNS_SERVFAIL, MTASTS_D_DNS_TEMPORARY, NULL },
	{ "A-22 timeout", "cbtimeout.test", MTASTS_EDNS, MTASTS_DNS_TIMEOUT,
	  MTASTS_D_DNS_TEMPORARY, NULL },
	{ "A-22 other error", "cberror.test", MTASTS_EDNS, MTASTS_DNS_ERROR,
	  MTASTS_D_DNS_TEMPORARY, NULL },
	{ "R-06 two records", "cbtwo.test", MTASTS_EMULTIPLE, MTASTS_DNS_OK,
	  MTASTS_D_RRSET_MULTIPLE, NULL },
	{ "a negative status aborts with that status", "cbabort.test",
	  MTASTS_ELINT, 0, 0, NULL },
	{ "any negative status", "cbcustom.test", -1000, 0, 0, NULL },
	{ "a positive return is a callback error", "cbpositive.test",
	  MTASTS_EINVAL, 0, 0, NULL },
};

START_TEST(resolver_record)
{
	const struct cb_case *c = &cb_cases[_i];
	struct cb_log log;
	mtasts_ctx *ctx = ctx_cb(&log);
	mtasts_diag *d = t_diag_new();
	mtasts_record *r = (mtasts_record *)&r;
	char want[300], host[256];
	size_t i;
	int st, dr = -1;

	st = mtasts_discover_record(ctx, c->domain, &r, &dr, 0, d);
	ck_assert_msg(st == c->status, "%s (%s): %d (%s), expected %d; %s",
	              c->domain, c->why, st, t_status_name(st), c->status,
	              diag_text(d));
	ck_assert_msg(dr == c->dns_result, "%s: dns_result %d, expected %d",
	              c->domain, dr, c->dns_result);
	/* one question: the TXT of _mta-sts.<domain>, lower case, no dot */
	snprintf(host, sizeof(host), "%s", c->domain);
	for (i = 0; host[i]; i++)
		if (host[i] >= 'A' && host[i] <= 'Z')
			host[i] = (char)(host[i] - 'A' + 'a');
	if (i && host[i - 1] == '.')
		host[i - 1] = '\0';
	snprintf(want, sizeof(want), "_mta-sts.%s/%d", host, MTASTS_RRTYPE_TXT);
	ck_assert_int_eq(log.calls, 1);
	ck_assert_str_eq(log.asked[0], want);
	if (st == MTASTS_OK) {
		ck_assert_str_eq(mtasts_record_id(r), c->id);
		assert_no_errors(d);
	} else {
		ck_assert_ptr_null(r);
		if (c->code)
			assert_lookup_error(d, c->code);
		else
			ck_assert_uint_eq(mtasts_diag_count(d), 0);
	}
	mtasts_record_free(r);
	mtasts_diag_free(d);
	mtasts_ctx_free(ctx);
}
END_TEST

START_TEST(resolver_tlsrpt_and_mx)
{
	struct cb_log log;
	mtasts_ctx *ctx = ctx_cb(&log);
	mtasts_diag *d = t_diag_new();
	mtasts_tlsrpt *t;
	mtasts_mx_list *l;
	int dr;

	ck_assert_int_eq(mtasts_discover_tlsrpt(ctx, "cb.test", &t, &dr, 0, d),
	                 MTASTS_OK);
	ck_assert_int_eq(dr, MTASTS_DNS_OK);
	ck_assert_str_eq(mtasts_tlsrpt_rua(t, 0), "mailto:r@cb.test");
	ck_assert_str_eq(log.asked[0], "_smtp._tls.cb.test/16");
	mtasts_tlsrpt_free(t);

	/* sorted by preference, then name; lower case; no trailing dot */
	ck_assert_int_eq(mtasts_lookup_mx(ctx, "cb.test", &l, &dr, d),
	                 MTASTS_OK);
	ck_assert_int_eq(dr, MTASTS_DNS_OK);
	ck_assert_uint_eq(mtasts_mx_list_count(l), 3);
	ck_assert_str_eq(mtasts_mx_list_host(l, 0), "a.cb.test");
	ck_assert_str_eq(mtasts_mx_list_host(l, 1), "mx1.cb.test");
	ck_assert_str_eq(mtasts_mx_list_host(l, 2), "mx2.cb.test");
	ck_assert_int_eq(mtasts_mx_list_preference(l, 0), 10);
	ck_assert_int_eq(mtasts_mx_list_preference(l, 2), 20);
	ck_assert_int_eq(mtasts_mx_list_implicit(l), 0);
	ck_assert_int_eq(mtasts_mx_list_null(l), 0);
	mtasts_mx_list_free(l);

	ck_assert_int_eq(mtasts_lookup_mx(ctx, "cbnull.test", &l, &dr, d),
	                 MTASTS_OK);
	ck_assert_int_eq(mtasts_mx_list_null(l), 1);
	ck_assert_uint_eq(mtasts_mx_list_count(l), 0);
	mtasts_mx_list_free(l);

	/* A-15 the name exists (an A record) without MX */
	ck_assert_int_eq(mtasts_lookup_mx(ctx, "cbnomx.test", &l, &dr, d),
	                 MTASTS_OK);
	ck_assert_int_eq(dr, MTASTS_DNS_NODATA);
	ck_assert_int_eq(mtasts_mx_list_implicit(l), 1);
	ck_assert_uint_eq(mtasts_mx_list_count(l), 1);
	ck_assert_str_eq(mtasts_mx_list_host(l, 0), "cbnomx.test");
	ck_assert_int_eq(mtasts_mx_list_preference(l, 0), 0);
	mtasts_mx_list_free(l);
	assert_no_errors(d);

	l = (mtasts_mx_list *)&l;
	ck_assert_int_eq(mtasts_lookup_mx(ctx, "nothere.test", &l, &dr, d),
	                 MTASTS_ENORECORD);
	ck_assert_ptr_null(l);
	ck_assert_int_eq(dr, MTASTS_DNS_NXDOMAIN);
	assert_one_error(d, MTASTS_D_DNS_NXDOMAIN);
	mtasts_diag_clear(d);
	ck_assert_int_eq(mtasts_lookup_mx(ctx, "cbmxfail.test", &l, &dr, d),
	                 MTASTS_EDNS);
	ck_assert_int_eq(dr, MTASTS_DNS_TIMEOUT);
	assert_one_error(d, MTASTS_D_DNS_TEMPORARY);

	/* back to c-ares: the harness's server */
	ck_assert_int_eq(mtasts_ctx_set_resolver(ctx, NULL, NULL), MTASTS_OK);
	ck_assert_int_eq(mtasts_ctx_set_dns_servers(ctx, E.dns), MTASTS_OK);
	log.calls = 0;
	ck_assert_int_eq(mtasts_lookup_mx(ctx, "valid.test", &l, &dr, NULL),
	                 MTASTS_OK);
	ck_assert_uint_eq(mtasts_mx_list_count(l), 2);
	ck_assert_int_eq(log.calls, 0);
	mtasts_mx_list_free(l);
	mtasts_diag_free(d);
	mtasts_ctx_free(ctx);
}
END_TEST

struct checks_state {
	int calls;
	int txt_records; /* how many TXT records to offer */
};

/* The reply setters' argument checks, from inside a callback. */
static int
cb_checks(void *user, const char *name, int rrtype, mtasts_dns_reply *reply)
{
	static const unsigned char rd[] = "\x07v=STSv1\x06; id=x";
	struct checks_state *cs = user;
	int i;

	(void)name;
	cs->calls++;
	ck_assert_int_eq(mtasts_dns_reply_set_result(NULL, MTASTS_DNS_OK),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_dns_reply_set_result(reply, 0), MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_dns_reply_set_result(reply, 7), MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_dns_reply_add_txt(NULL, rd, 3), MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_dns_reply_add_txt(reply, NULL, 3),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_dns_reply_add_mx(NULL, 1, "a.test"),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_dns_reply_add_address(NULL, "192.0.2.1"),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_dns_reply_add_address(reply, NULL),
	                 MTASTS_EINVAL);
	if (rrtype == MTASTS_RRTYPE_TXT) {
		/* the wrong type for the question */
		ck_assert_int_eq(mtasts_dns_reply_add_mx(reply, 1, "a.test"),
		                 MTASTS_EINVAL);
		ck_assert_int_eq(
		        mtasts_dns_reply_add_address(reply, "192.0.2.1"),
		        MTASTS_EINVAL);
		/* MTASTS_RRSET_MAX records, then ETOOLARGE */
		for (i = 0; i < cs->txt_records; i++)
			ck_assert_int_eq(mtasts_dns_reply_add_txt(
			                         reply, rd, sizeof(rd) - 1),
			                 i < MTASTS_RRSET_MAX
			                         ? MTASTS_OK
			                         : MTASTS_ETOOLARGE);
	} else if (rrtype == MTASTS_RRTYPE_MX) {
		ck_assert_int_eq(mtasts_dns_reply_add_txt(reply, rd, 3),
		                 MTASTS_EINVAL);
		ck_assert_int_eq(
		        mtasts_dns_reply_add_mx(reply, 65536, "a.test"),
		        MTASTS_EINVAL);
		ck_assert_int_eq(mtasts_dns_reply_add_mx(reply, 1, NULL),
		                 MTASTS_EINVAL);
		ck_assert_int_eq(
		        mtasts_dns_reply_add_mx(reply, 65535, "mx.a.test"),
		        MTASTS_OK);
	} else if (rrtype == MTASTS_RRTYPE_A) {
		ck_assert_int_eq(mtasts_dns_reply_add_address(reply, "::1"),
		                 MTASTS_EINVAL);
		ck_assert_int_eq(mtasts_dns_reply_add_address(reply, "1.2.3"),
		                 MTASTS_EINVAL);
		ck_assert_int_eq(
		        mtasts_dns_reply_add_address(reply, "192.0.2.1"),
		        MTASTS_OK);
	} else if (rrtype == MTASTS_RRTYPE_AAAA) {
		ck_assert_int_eq(
		        mtasts_dns_reply_add_address(reply, "192.0.2.1"),
		        MTASTS_EINVAL);
		ck_assert_int_eq(
		        mtasts_dns_reply_add_address(reply, "2001:db8::1"),
		        MTASTS_OK);
	}
	return MTASTS_OK;
}

START_TEST(resolver_reply_arguments)
{
	mtasts_ctx *ctx;
	mtasts_diag *d = t_diag_new();
	mtasts_record *r;
	mtasts_mx_list *l;
	mtasts_fetch_result *f = NULL;
	struct checks_state cs = { 0, MTASTS_RRSET_MAX };
	int dr, st;

	ck_assert_int_eq(mtasts_ctx_new(&ctx), MTASTS_OK);
	ck_assert_int_eq(mtasts_ctx_set_resolver(NULL, cb_checks, &cs),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_ctx_set_resolver(ctx, cb_checks, &cs),
	                 MTASTS_OK);
	/* 256 copies of one STSv1 record: several records */
	ck_assert_int_eq(mtasts_discover_record(ctx, "x.test", &r, &dr, 0, d),
	                 MTASTS_EMULTIPLE);
	ck_assert_int_eq(dr, MTASTS_DNS_OK);
	ck_assert_uint_eq(mtasts_diag_error_count(d), MTASTS_RRSET_MAX);
	/* one more: the RRset is rejected as a whole, as the selection
	 * rejects a list that long (a 257th could be a second record) */
	mtasts_diag_clear(d);
	cs.txt_records = MTASTS_RRSET_MAX + 1;
	r = (mtasts_record *)&r;
	ck_assert_int_eq(mtasts_discover_record(ctx, "x.test", &r, &dr, 0, d),
	                 MTASTS_ETOOLARGE);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(dr, MTASTS_DNS_OK);
	assert_one_error(d, MTASTS_D_TOO_MANY_RECORDS);
	ck_assert_int_eq(mtasts_lookup_mx(ctx, "x.test", &l, &dr, NULL),
	                 MTASTS_OK);
	ck_assert_str_eq(mtasts_mx_list_host(l, 0), "mx.a.test");
	ck_assert_int_eq(mtasts_mx_list_preference(l, 0), 65535);
	mtasts_mx_list_free(l);
	ck_assert_int_eq(cs.calls, 3);
	/* The policy host's addresses come from the callback too (A, AAAA):
	 * 192.0.2.1 and 2001:db8::1 are not reachable, so the fetch fails to
	 * connect, quickly. */
	ck_assert_int_eq(
	        mtasts_ctx_set_timeout(ctx, MTASTS_TIMEOUT_CONNECT, 300),
	        MTASTS_OK);
	st = mtasts_policy_fetch(ctx, "x.test", NULL, 0, &f, NULL);
	ck_assert_int_eq(st, MTASTS_EFETCH);
	ck_assert_int_eq(cs.calls, 5);
	mtasts_fetch_result_free(f);
	mtasts_diag_free(d);
	mtasts_ctx_free(ctx);
}
END_TEST

/* ======================================================================= */
/* HTTPS policy fetch against the harness's server                         */
/* ======================================================================= */

#define ANY_CT ((const char *)1) /* content type not checked */
#define CLOSED 1u                /* connect to the closed port */

struct fetch_case {
	const char *why;
	const char *domain;
	unsigned int options;  /* mtasts_ctx_set_options() */
	unsigned int total_ms; /* MTASTS_TIMEOUT_TOTAL to set, or 0 */
	unsigned int port;     /* 0: the HTTPS server; CLOSED */
	int status;
	int code;          /* the one error, or a warning when status is OK */
	int type;          /* mtasts_fetch_result_type() */
	int http;          /* mtasts_fetch_result_http_status() */
	const char *ctype; /* mtasts_fetch_result_content_type(), ANY_CT */
	long body;         /* the body's length, -1 not checked, -2 at most the
	                 cap (65536) */
};

static const struct fetch_case fetch_cases[] = {
	{ "R-12 R-27 a valid policy", "valid.test", 0, 0, 0, MTASTS_OK, 0, 0,
	  200, "text/plain", 88 },
	{ "R-28 301 is not followed", "redirect301.test", 0, 0, 0,
	  MTASTS_EFETCH, MTASTS_D_FETCH_REDIRECT,
	  MTASTS_RESULT_STS_POLICY_FETCH_ERROR, 301, "text/plain", -1 },
	{ "R-28 302 is not followed", "redirect302.test", 0, 0, 0,
	  MTASTS_EFETCH, MTASTS_D_FETCH_REDIRECT,
	  MTASTS_RESULT_STS_POLICY_FETCH_ERROR, 302, "text/plain", -1 },
	{ "R-27 404", "notfound.test", 0, 0, 0, MTASTS_EFETCH,
	  MTASTS_D_FETCH_STATUS, MTASTS_RESULT_STS_POLICY_FETCH_ERROR, 404,
	  "text/plain", 10 },
	{ "R-27 500", "error500.test", 0, 0, 0, MTASTS_EFETCH,
	  MTASTS_D_FETCH_STATUS, MTASTS_RESULT_STS_POLICY_FETCH_ERROR, 500,
	  "text/plain", 5 },
	{ "R-13 A-09 text/html", "html.test", 0, 0, 0, MTASTS_EFETCH,
	  MTASTS_D_FETCH_CONTENT_TYPE, MTASTS_RESULT_STS_POLICY_FETCH_ERROR,
	  200, "text/html", -1 },
	{ "A-09 text/html, lax: a warning", "html.test",
	  MTASTS_NET_LAX_CONTENT_TYPE, 0, 0, MTASTS_OK,
	  MTASTS_D_FETCH_CONTENT_TYPE, 0, 200, "text/html", -1 },
	{ "R-13 A-09 no Content-Type", "noctype.test", 0, 0, 0, MTASTS_EFETCH,
	  MTASTS_D_FETCH_CONTENT_TYPE, MTASTS_RESULT_STS_POLICY_FETCH_ERROR,
	  200, NULL, -1 },
	{ "A-09 no Content-Type, lax: a warning", "noctype.test",
	  MTASTS_NET_LAX_CONTENT_TYPE, 0, 0, MTASTS_OK,
	  MTASTS_D_FETCH_CONTENT_TYPE, 0, 200, NULL, -1 },
	{ "A-09 parameters ignored", "charset.test", 0, 0, 0, MTASTS_OK, 0, 0,
	  200, "text/plain; charset=utf-8", -1 },
	{ "A-09 case-insensitive, parameters ignored", "upper.test", 0, 0, 0,
	  MTASTS_OK, 0, 0, 200, "TEXT/Plain ; Charset=US-ASCII", -1 },
	{ "R-31 exactly 65536 bytes", "max.test", 0, 0, 0, MTASTS_OK, 0, 0, 200,
	  "text/plain", 65536 },
	{ "R-31 65537 bytes with Content-Length", "big.test", 0, 0, 0,
	  MTASTS_EFETCH, MTASTS_D_FETCH_TOO_LARGE,
	  MTASTS_RESULT_STS_POLICY_FETCH_ERROR, 200, "text/plain", -2 },
	{ "R-31 65537 bytes chunked", "bigchunked.test", 0, 0, 0, MTASTS_EFETCH,
	  MTASTS_D_FETCH_TOO_LARGE, MTASTS_RESULT_STS_POLICY_FETCH_ERROR, 200,
	  "text/plain", -2 },
	{ "R-31 512 KiB chunked", "hugechunked.test", 0, 0, 0, MTASTS_EFETCH,
	  MTASTS_D_FETCH_TOO_LARGE, MTASTS_RESULT_STS_POLICY_FETCH_ERROR, 200,
	  "text/plain", -2 },
	{ "a valid chunked body", "chunked.test", 0, 0, 0, MTASTS_OK, 0, 0, 200,
	  "text/plain", 92 },
	{ "R-31 the deadline passes while the body drips", "drip.test", 0, 2000,
	  0, MTASTS_EFETCH, MTASTS_D_FETCH_TIMEOUT,
	  MTASTS_RESULT_STS_POLICY_FETCH_ERROR, 200, "text/plain", -2 },
	{ "R-24 an expired certificate", "expired.test", 0, 0, 0, MTASTS_ETLS,
	  MTASTS_D_FETCH_TLS, MTASTS_RESULT_STS_WEBPKI_INVALID, 0, NULL, 0 },
	{ "R-24 R-49 a certificate for another name", "wrongname.test", 0, 0, 0,
	  MTASTS_ETLS, MTASTS_D_FETCH_TLS, MTASTS_RESULT_STS_WEBPKI_INVALID, 0,
	  NULL, 0 },
	{ "R-24 an unknown CA", "unknownca.test", 0, 0, 0, MTASTS_ETLS,
	  MTASTS_D_FETCH_TLS, MTASTS_RESULT_STS_WEBPKI_INVALID, 0, NULL, 0 },
	{ "A-14 a body that is not a valid policy", "invalid.test", 0, 0, 0,
	  MTASTS_EMODE, MTASTS_D_POLICY_MODE_INVALID,
	  MTASTS_RESULT_STS_POLICY_INVALID, 200, "text/plain", 67 },
	{ "A-14 an empty body", "empty.test", 0, 0, 0, MTASTS_ESYNTAX,
	  MTASTS_D_EMPTY, MTASTS_RESULT_STS_POLICY_INVALID, 200, "text/plain",
	  0 },
	{ "a Content-Encoding never asked for", "gzip.test", 0, 0, 0,
	  MTASTS_EFETCH, MTASTS_D_FETCH_ENCODING,
	  MTASTS_RESULT_STS_POLICY_FETCH_ERROR, 200, "text/plain", -1 },
	{ "the connection closes without a response", "reset.test", 0, 0, 0,
	  MTASTS_EFETCH, MTASTS_D_FETCH_CONNECT,
	  MTASTS_RESULT_STS_POLICY_FETCH_ERROR, 0, NULL, 0 },
	{ "connection refused", "valid.test", 0, 0, CLOSED, MTASTS_EFETCH,
	  MTASTS_D_FETCH_CONNECT, MTASTS_RESULT_STS_POLICY_FETCH_ERROR, 0, NULL,
	  0 },
};

START_TEST(fetch)
{
	const struct fetch_case *c = &fetch_cases[_i];
	mtasts_ctx *ctx =
	        ctx_fetch(c->domain, c->port == CLOSED ? E.closed : 0);
	mtasts_diag *d = t_diag_new();
	mtasts_fetch_result *f = (mtasts_fetch_result *)&f;
	char url[300];
	const char *body, *ct;
	size_t len = 12345;
	time_t t0, t1;
	double m0;
	int st;

	if (c->options)
		ck_assert_int_eq(mtasts_ctx_set_options(ctx, c->options),
		                 MTASTS_OK);
	if (c->total_ms)
		ck_assert_int_eq(mtasts_ctx_set_timeout(ctx,
		                                        MTASTS_TIMEOUT_TOTAL,
		                                        c->total_ms),
		                 MTASTS_OK);
	t0 = time(NULL);
	m0 = now_ms();
	st = mtasts_policy_fetch(ctx, c->domain, VALID_ID, 0, &f, d);
	t1 = time(NULL);
	ck_assert_msg(st == c->status, "%s (%s): %s, expected %s; %s",
	              c->domain, c->why, t_status_name(st),
	              t_status_name(c->status), diag_text(d));
	/* a result whatever the outcome, carrying what was returned */
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(mtasts_fetch_result_status(f), st);
	ck_assert_int_eq(mtasts_fetch_result_type(f), c->type);
	ck_assert_int_eq(mtasts_status_result_type(st), c->type);
	snprintf(url, sizeof(url), "https://mta-sts.%s/.well-known/mta-sts.txt",
	         c->domain);
	ck_assert_str_eq(mtasts_fetch_result_url(f), url);
	/* A-21 the record id, A-20 the fetch time */
	ck_assert_str_eq(mtasts_fetch_result_record_id(f), VALID_ID);
	ck_assert_msg(mtasts_fetch_result_time(f) >= (int64_t)t0 &&
	                      mtasts_fetch_result_time(f) <= (int64_t)t1,
	              "time %lld not in [%lld, %lld]",
	              (long long)mtasts_fetch_result_time(f), (long long)t0,
	              (long long)t1);
	ck_assert_int_eq(mtasts_fetch_result_http_status(f), c->http);
	ct = mtasts_fetch_result_content_type(f);
	if (c->ctype == NULL)
		ck_assert_ptr_null(ct);
	else if (c->ctype != ANY_CT)
		ck_assert_str_eq(ct, c->ctype);
	body = mtasts_fetch_result_body(f, &len);
	if (c->body >= 0)
		ck_assert_uint_eq(len, (size_t)c->body);
	if (c->body == -2)
		ck_assert_uint_le(len, 65536);
	ck_assert(body ? body[len] == '\0' : len == 0);
	if (st == MTASTS_OK) {
		const mtasts_policy *p = mtasts_fetch_result_policy(f);

		ck_assert_ptr_nonnull(p);
		ck_assert_int_eq(mtasts_policy_mode(p), MTASTS_MODE_ENFORCE);
		ck_assert_uint_eq(mtasts_policy_max_age(p), 604800);
		ck_assert_ptr_null(mtasts_fetch_result_error(f));
		assert_no_errors(d);
		if (c->code)
			assert_has(d, c->code, MTASTS_SEVERITY_WARNING);
		else
			ck_assert_uint_eq(
			        t_count_diag(d, MTASTS_D_FETCH_CONTENT_TYPE, 0),
			        0);
	} else {
		ck_assert_ptr_null(mtasts_fetch_result_policy(f));
		ck_assert_ptr_nonnull(mtasts_fetch_result_error(f));
		ck_assert(t_messages_printable(d));
		if (c->type == MTASTS_RESULT_STS_POLICY_INVALID)
			/* the parser's own errors */
			assert_has(d, c->code, MTASTS_SEVERITY_ERROR);
		else
			assert_one_error(d, c->code);
	}
	if (c->total_ms)
		ck_assert_msg(now_ms() - m0 < 10000.0,
		              "%.0f ms for a %u ms deadline", now_ms() - m0,
		              c->total_ms);
	mtasts_fetch_result_free(f);
	mtasts_diag_free(d);
	mtasts_ctx_free(ctx);
}
END_TEST

/* What the library sends, and what the result holds. */
START_TEST(fetch_valid_details)
{
	mtasts_ctx *ctx = ctx_fetch("valid.test", 0);
	mtasts_fetch_result *f;
	const mtasts_policy *p;
	const char *body;
	char *line;
	size_t len, before = log_count("https.log", 3, "mta-sts.valid.test");

	/* the domain as a user may write it */
	ck_assert_int_eq(
	        mtasts_policy_fetch(ctx, "Valid.TEST.", NULL, 0, &f, NULL),
	        MTASTS_OK);
	ck_assert_str_eq(mtasts_fetch_result_url(f), POLICY_URL("valid.test"));
	ck_assert_ptr_null(mtasts_fetch_result_record_id(f));
	body = mtasts_fetch_result_body(f, &len);
	ck_assert_uint_eq(len, 88);
	ck_assert_mem_eq(body, "version: STSv1\r\nmode: enforce\r\n", 31);
	p = mtasts_fetch_result_policy(f);
	ck_assert_uint_eq(mtasts_policy_mx_count(p), 2);
	ck_assert_str_eq(mtasts_policy_mx(p, 0), "mx1.valid.test");
	ck_assert_str_eq(mtasts_policy_mx(p, 1), "mx2.valid.test");
	mtasts_fetch_result_free(f);

	ck_assert_uint_eq(log_count("https.log", 3, "mta-sts.valid.test"),
	                  before + 1);
	line = log_last("https.log", 3, "mta-sts.valid.test");
	ck_assert_ptr_nonnull(line);
	/* R-49 SNI is the policy host; R-12 GET of the well-known path */
	ck_assert_msg(
	        field_is(line, line + strlen(line), 0, "mta-sts.valid.test"),
	        "SNI: %s", line);
	ck_assert(field_is(line, line + strlen(line), 1, "GET"));
	ck_assert(field_is(line, line + strlen(line), 2,
	                   "/.well-known/mta-sts.txt"));
	/* R-29 no HTTP cache or conditional request; no encoding asked for */
	ck_assert_msg(!log_has_header(line, "If-Modified-Since") &&
	                      !log_has_header(line, "If-None-Match") &&
	                      !log_has_header(line, "Accept-Encoding"),
	              "request: %s", line);
	free(line);
	mtasts_ctx_free(ctx);
}
END_TEST

/* the redirect target is never requested. */
START_TEST(fetch_redirect_not_followed)
{
	static const char *const domains[] = { "redirect301.test",
		                               "redirect302.test" };
	size_t i;

	for (i = 0; i < T_ARRAY_LEN(domains); i++) {
		mtasts_ctx *ctx = ctx_fetch(domains[i], 0);
		mtasts_fetch_result *f;
		char host[100];
		size_t target, self;

		/* the target would be reachable if the library went there */
		map(ctx, "mta-sts.valid.test", 443, E.https);
		snprintf(host, sizeof(host), "mta-sts.%s", domains[i]);
		target = log_count("https.log", 3, "mta-sts.valid.test");
		self = log_count("https.log", 3, host);
		ck_assert_int_eq(
		        mtasts_policy_fetch(ctx, domains[i], NULL, 0, &f, NULL),
		        MTASTS_EFETCH);
		ck_assert_int_eq(mtasts_fetch_result_http_status(f),
		                 i == 0 ? 301 : 302);
		ck_assert_uint_eq(log_count("https.log", 3, host), self + 1);
		ck_assert_uint_eq(
		        log_count("https.log", 3, "mta-sts.valid.test"),
		        target);
		mtasts_fetch_result_free(f);
		mtasts_ctx_free(ctx);
	}
}
END_TEST

/* The environment's proxy variables are never used. */
START_TEST(fetch_ignores_env_proxy)
{
	static const char *const vars[] = { "https_proxy", "HTTPS_PROXY",
		                            "ALL_PROXY", "all_proxy" };
	mtasts_ctx *ctx = ctx_fetch("valid.test", 0);
	mtasts_fetch_result *f;
	char proxy[64];
	size_t i;
	int st;

	snprintf(proxy, sizeof(proxy), "http://127.0.0.1:%u", E.closed);
	for (i = 0; i < T_ARRAY_LEN(vars); i++)
		ck_assert_int_eq(setenv(vars[i], proxy, 1), 0);
	st = mtasts_policy_fetch(ctx, "valid.test", NULL, 0, &f, NULL);
	for (i = 0; i < T_ARRAY_LEN(vars); i++)
		unsetenv(vars[i]);
	ck_assert_msg(st == MTASTS_OK, "%s: %s", t_status_name(st),
	              mtasts_fetch_result_error(f));
	mtasts_fetch_result_free(f);

	/* a configured proxy is used: the closed port fails the fetch */
	ck_assert_int_eq(mtasts_ctx_set_proxy(ctx, proxy), MTASTS_OK);
	ck_assert_int_eq(
	        mtasts_policy_fetch(ctx, "valid.test", NULL, 0, &f, NULL),
	        MTASTS_EFETCH);
	mtasts_fetch_result_free(f);
	ck_assert_int_eq(mtasts_ctx_set_proxy(ctx, NULL), MTASTS_OK);
	ck_assert_int_eq(
	        mtasts_policy_fetch(ctx, "valid.test", NULL, 0, &f, NULL),
	        MTASTS_OK);
	mtasts_fetch_result_free(f);
	mtasts_ctx_free(ctx);
}
END_TEST

/* R-31 a smaller cap set on the context. */
START_TEST(fetch_max_body)
{
	mtasts_ctx *ctx = ctx_fetch("valid.test", 0);
	mtasts_diag *d = t_diag_new();
	mtasts_fetch_result *f;
	size_t len;

	ck_assert_int_eq(mtasts_ctx_set_max_body(ctx, 100), MTASTS_OK);
	ck_assert_int_eq(mtasts_policy_fetch(ctx, "valid.test", NULL, 0, &f, d),
	                 MTASTS_OK); /* 88 bytes */
	mtasts_fetch_result_free(f);
	ck_assert_int_eq(mtasts_ctx_set_max_body(ctx, 87), MTASTS_OK);
	ck_assert_int_eq(mtasts_policy_fetch(ctx, "valid.test", NULL, 0, &f, d),
	                 MTASTS_EFETCH);
	ck_assert_int_eq(mtasts_fetch_result_type(f),
	                 MTASTS_RESULT_STS_POLICY_FETCH_ERROR);
	assert_one_error(d, MTASTS_D_FETCH_TOO_LARGE);
	mtasts_fetch_result_body(f, &len);
	ck_assert_uint_le(len, 87);
	mtasts_fetch_result_free(f);
	/* chunked: the cap applies while the body streams in */
	mtasts_ctx_free(ctx);
	ctx = ctx_fetch("chunked.test", 0);
	mtasts_diag_clear(d);
	ck_assert_int_eq(mtasts_ctx_set_max_body(ctx, 50), MTASTS_OK);
	ck_assert_int_eq(
	        mtasts_policy_fetch(ctx, "chunked.test", NULL, 0, &f, d),
	        MTASTS_EFETCH);
	assert_one_error(d, MTASTS_D_FETCH_TOO_LARGE);
	mtasts_fetch_result_body(f, &len);
	ck_assert_uint_le(len, 50);
	mtasts_fetch_result_free(f);
	mtasts_diag_free(d);
	mtasts_ctx_free(ctx);
}
END_TEST

/* R-24 the trust anchors: the system store by default (it does not know
 * the test CA), a CA file, or an OpenSSL-hashed CA directory. */
START_TEST(fetch_trust_anchors)
{
	mtasts_ctx *ctx = ctx_fetch("valid.test", 0);
	mtasts_diag *d = t_diag_new();
	mtasts_fetch_result *f;
	char dir[1024];

	ck_assert_int_eq(mtasts_ctx_set_ca_file(ctx, NULL), MTASTS_OK);
	ck_assert_int_eq(mtasts_policy_fetch(ctx, "valid.test", NULL, 0, &f, d),
	                 MTASTS_ETLS);
	ck_assert_int_eq(mtasts_fetch_result_type(f),
	                 MTASTS_RESULT_STS_WEBPKI_INVALID);
	assert_one_error(d, MTASTS_D_FETCH_TLS);
	mtasts_fetch_result_free(f);

	snprintf(dir, sizeof(dir), "%s/capath", E.dir);
	ck_assert_int_eq(mtasts_ctx_set_ca_path(ctx, dir), MTASTS_OK);
	ck_assert_int_eq(
	        mtasts_policy_fetch(ctx, "valid.test", NULL, 0, &f, NULL),
	        MTASTS_OK);
	mtasts_fetch_result_free(f);
	/* the MX probe uses the same anchors */
	{
		mtasts_tls_probe *p;

		map(ctx, "mx1.valid.test", 25, E.smtp);
		ck_assert_int_eq(
		        mtasts_probe_mx(ctx, "mx1.valid.test", &p, NULL),
		        MTASTS_OK);
		mtasts_tls_probe_free(p);
		ck_assert_int_eq(mtasts_ctx_set_ca_path(ctx, NULL), MTASTS_OK);
		mtasts_diag_clear(d);
		ck_assert_int_eq(mtasts_probe_mx(ctx, "mx1.valid.test", &p, d),
		                 MTASTS_ETLS);
		ck_assert_int_eq(mtasts_tls_probe_result_type(p),
		                 MTASTS_RESULT_CERTIFICATE_NOT_TRUSTED);
		assert_one_error(d, MTASTS_D_PROBE_UNTRUSTED);
		mtasts_tls_probe_free(p);
	}
	mtasts_diag_free(d);
	mtasts_ctx_free(ctx);
}
END_TEST

START_TEST(fetch_arguments)
{
	mtasts_ctx *ctx = ctx_fetch("valid.test", 0);
	mtasts_fetch_result *f = (mtasts_fetch_result *)&f;

	ck_assert_int_eq(
	        mtasts_policy_fetch(ctx, "valid.test", NULL, 0, NULL, NULL),
	        MTASTS_EINVAL);
	ck_assert_int_eq(
	        mtasts_policy_fetch(NULL, "valid.test", NULL, 0, &f, NULL),
	        MTASTS_EINVAL);
	ck_assert_ptr_null(f);
	ck_assert_int_eq(mtasts_policy_fetch(ctx, NULL, NULL, 0, &f, NULL),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(
	        mtasts_policy_fetch(ctx, "*.valid.test", NULL, 0, &f, NULL),
	        MTASTS_EINVAL);
	ck_assert_int_eq(
	        mtasts_policy_fetch(ctx, "valid.test", "bad!", 0, &f, NULL),
	        MTASTS_EINVAL);
	ck_assert_int_eq(
	        mtasts_policy_fetch(ctx, "valid.test", "", 0, &f, NULL),
	        MTASTS_EINVAL);
	ck_assert_int_eq(
	        mtasts_policy_fetch(ctx, "valid.test", NULL, 1u << 7, &f, NULL),
	        MTASTS_EINVAL);
	ck_assert_ptr_null(f);
	mtasts_ctx_free(ctx);
}
END_TEST

/* ---- the application's fetcher (mtasts_ctx_set_fetcher) ---------------- */

static const char cb_policy[] = "version: STSv1\r\nmode: testing\r\n"
                                "mx: *.cb.test\r\nmax_age: 86400\r\n";

struct fetcher_case {
	const char *why;
	int http;          /* status to set, 0 none */
	const char *ctype; /* Content-Type to set, NULL none */
	const char *body;  /* body to append, NULL none */
	int error;         /* set_error() status, 0 none */
	int ret;           /* the callback's return */
	unsigned int max;  /* mtasts_ctx_set_max_body(), 0 default */
	int status;
	int code;
	int type;
};

static const struct fetcher_case fetcher_cases[] = {
	{ "200 text/plain and a policy", 200, "text/plain", cb_policy, 0, 0, 0,
	  MTASTS_OK, 0, 0 },
	{ "R-24 a certificate failure", 0, NULL, NULL, MTASTS_ETLS, 0, 0,
	  MTASTS_ETLS, MTASTS_D_FETCH_TLS, MTASTS_RESULT_STS_WEBPKI_INVALID },
	{ "no response", 0, NULL, NULL, MTASTS_EFETCH, 0, 0, MTASTS_EFETCH,
	  MTASTS_D_FETCH_CONNECT, MTASTS_RESULT_STS_POLICY_FETCH_ERROR },
	{ "R-28 a 302", 302, "text/plain", cb_policy, 0, 0, 0, MTASTS_EFETCH,
	  MTASTS_D_FETCH_REDIRECT, MTASTS_RESULT_STS_POLICY_FETCH_ERROR },
	{ "R-27 a 404", 404, "text/plain", "no", 0, 0, 0, MTASTS_EFETCH,
	  MTASTS_D_FETCH_STATUS, MTASTS_RESULT_STS_POLICY_FETCH_ERROR },
	{ "R-27 a 204", 204, "text/plain", NULL, 0, 0, 0, MTASTS_EFETCH,
	  MTASTS_D_FETCH_STATUS, MTASTS_RESULT_STS_POLICY_FETCH_ERROR },
	{ "A-09 text/html", 200, "text/html", cb_policy, 0, 0, 0, MTASTS_EFETCH,
	  MTASTS_D_FETCH_CONTENT_TYPE, MTASTS_RESULT_STS_POLICY_FETCH_ERROR },
	{ "A-09 no Content-Type", 200, NULL, cb_policy, 0, 0, 0, MTASTS_EFETCH,
	  MTASTS_D_FETCH_CONTENT_TYPE, MTASTS_RESULT_STS_POLICY_FETCH_ERROR },
	{ "A-09 text/plain with parameters", 200,
	  " Text/PLAIN;charset=us-ascii", cb_policy, 0, 0, 0, MTASTS_OK, 0, 0 },
	{ "A-09 text/plainx is another type", 200, "text/plainx", cb_policy, 0,
	  0, 0, MTASTS_EFETCH, MTASTS_D_FETCH_CONTENT_TYPE,
	  MTASTS_RESULT_STS_POLICY_FETCH_ERROR },
	{ "R-31 the body passes the cap", 200, "text/plain", cb_policy, 0, 0,
	  20, MTASTS_EFETCH, MTASTS_D_FETCH_TOO_LARGE,
	  MTASTS_RESULT_STS_POLICY_FETCH_ERROR },
	{ "A-14 an invalid body", 200, "text/plain", "version: STSv1\r\n", 0, 0,
	  0, MTASTS_EMODE, MTASTS_D_POLICY_MODE_MISSING,
	  MTASTS_RESULT_STS_POLICY_INVALID },
	{ "an error wins over a status", 200, "text/plain", cb_policy,
	  MTASTS_EFETCH, 0, 0, MTASTS_EFETCH, MTASTS_D_FETCH_CONNECT,
	  MTASTS_RESULT_STS_POLICY_FETCH_ERROR },
	{ "a negative status aborts with it", 0, NULL, NULL, 0, MTASTS_ELINT, 0,
	  MTASTS_ELINT, 0, 0 },
	{ "a positive return is a callback error", 0, NULL, NULL, 0, 3, 0,
	  MTASTS_EINVAL, 0, 0 },
};

struct fetcher_state {
	const struct fetcher_case *c;
	int calls;
	char url[300];
};

static int
cb_fetcher(void *user, const char *url, mtasts_http_reply *reply)
{
	struct fetcher_state *s = user;
	const struct fetcher_case *c = s->c;

	s->calls++;
	snprintf(s->url, sizeof(s->url), "%s", url);
	/* argument checks of the setters */
	ck_assert_int_eq(mtasts_http_reply_set_status(NULL, 200),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_http_reply_set_status(reply, 99),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_http_reply_set_status(reply, 600),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_http_reply_set_content_type(NULL, "text/plain"),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_http_reply_append_body(NULL, "x", 1),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_http_reply_append_body(reply, NULL, 1),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_http_reply_append_body(reply, NULL, 0),
	                 MTASTS_OK);
	ck_assert_int_eq(mtasts_http_reply_set_error(NULL, MTASTS_ETLS, NULL),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_http_reply_set_error(reply, MTASTS_EINVAL, "x"),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_http_reply_set_error(reply, MTASTS_OK, "x"),
	                 MTASTS_EINVAL);
	if (c->ret)
		return c->ret;
	if (c->http)
		ck_assert_int_eq(mtasts_http_reply_set_status(reply, c->http),
		                 MTASTS_OK);
	/* set twice: the last value counts */
	ck_assert_int_eq(mtasts_http_reply_set_content_type(reply, "x/y"),
	                 MTASTS_OK);
	ck_assert_int_eq(mtasts_http_reply_set_content_type(reply, c->ctype),
	                 MTASTS_OK);
	if (c->body) {
		size_t n = strlen(c->body), h = n / 2;
		int want = c->max && n > c->max ? MTASTS_ETOOLARGE : MTASTS_OK;
		int st = mtasts_http_reply_append_body(reply, c->body, h);

		/* in two pieces, as they arrive */
		if (st == MTASTS_OK)
			st = mtasts_http_reply_append_body(reply, c->body + h,
			                                   n - h);
		ck_assert_int_eq(st, want);
	}
	if (c->error)
		ck_assert_int_eq(
		        mtasts_http_reply_set_error(reply, c->error,
		                                    "from the \x01 callback"),
		        MTASTS_OK);
	return MTASTS_OK;
}

START_TEST(fetcher)
{
	const struct fetcher_case *c = &fetcher_cases[_i];
	struct fetcher_state s = { c, 0, "" };
	mtasts_ctx *ctx;
	mtasts_diag *d = t_diag_new();
	mtasts_fetch_result *f = (mtasts_fetch_result *)&f;
	const char *body;
	size_t len;
	int st;

	ck_assert_int_eq(mtasts_ctx_new(&ctx), MTASTS_OK);
	ck_assert_int_eq(mtasts_ctx_set_fetcher(NULL, cb_fetcher, &s),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_ctx_set_fetcher(ctx, cb_fetcher, &s),
	                 MTASTS_OK);
	if (c->max)
		ck_assert_int_eq(mtasts_ctx_set_max_body(ctx, c->max),
		                 MTASTS_OK);
	st = mtasts_policy_fetch(ctx, "CB.test.", "cb1", 0, &f, d);
	ck_assert_msg(st == c->status, "%s: %s, expected %s; %s", c->why,
	              t_status_name(st), t_status_name(c->status),
	              diag_text(d));
	ck_assert_int_eq(s.calls, 1);
	ck_assert_str_eq(s.url, POLICY_URL("cb.test"));
	if (c->ret) {
		/* *out NULL: only EINVAL, ENOMEM, ENOTSUP or the callback's */
		ck_assert_ptr_null(f);
		ck_assert_uint_eq(mtasts_diag_count(d), 0);
		goto out;
	}
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(mtasts_fetch_result_status(f), st);
	ck_assert_int_eq(mtasts_fetch_result_type(f), c->type);
	ck_assert_str_eq(mtasts_fetch_result_record_id(f), "cb1");
	ck_assert_int_eq(mtasts_fetch_result_http_status(f), c->http);
	if (c->ctype)
		ck_assert_str_eq(mtasts_fetch_result_content_type(f), c->ctype);
	else
		ck_assert_ptr_null(mtasts_fetch_result_content_type(f));
	body = mtasts_fetch_result_body(f, &len);
	if (c->body && !c->max) {
		ck_assert_uint_eq(len, strlen(c->body));
		ck_assert_mem_eq(body, c->body, len);
	}
	if (c->max)
		ck_assert_uint_le(len, c->max);
	if (st == MTASTS_OK) {
		const mtasts_policy *p = mtasts_fetch_result_policy(f);

		ck_assert_int_eq(mtasts_policy_mode(p), MTASTS_MODE_TESTING);
		ck_assert_str_eq(mtasts_policy_mx(p, 0), "*.cb.test");
		ck_assert_uint_eq(mtasts_diag_count(d), 0);
	} else if (c->type == MTASTS_RESULT_STS_POLICY_INVALID) {
		assert_has(d, c->code, MTASTS_SEVERITY_ERROR);
		ck_assert_ptr_nonnull(mtasts_fetch_result_error(f));
	} else {
		const char *e = mtasts_fetch_result_error(f);

		assert_one_error(d, c->code);
		ck_assert_ptr_nonnull(e);
		if (c->error) /* the callback's message, made printable */
			ck_assert_str_eq(e, "from the \\x01 callback");
	}
out:
	mtasts_fetch_result_free(f);
	mtasts_diag_free(d);
	mtasts_ctx_free(ctx);
}
END_TEST

/* ======================================================================= */
/* Without connect-to: the library's own DNS gives the policy host's       */
/* address (127.0.0.1) and the fetch goes to port 443 (root only)          */
/* ======================================================================= */

START_TEST(own_dns_to_port443)
{
	mtasts_ctx *ctx = ctx_dns();
	mtasts_diag *d = t_diag_new();
	mtasts_record *r;
	mtasts_fetch_result *f;
	char *line;
	int dr;

	ck_assert_int_eq(
	        mtasts_discover_record(ctx, "valid.test", &r, &dr, 0, d),
	        MTASTS_OK);
	ck_assert_int_eq(mtasts_policy_fetch(ctx, "valid.test",
	                                     mtasts_record_id(r), 0, &f, d),
	                 MTASTS_OK);
	ck_assert_str_eq(mtasts_fetch_result_record_id(f), VALID_ID);
	ck_assert_int_eq(mtasts_fetch_result_http_status(f), 200);
	assert_no_errors(d);
	line = log_last("https.log", 3, "mta-sts.valid.test");
	ck_assert_ptr_nonnull(line);
	ck_assert(field_is(line, line + strlen(line), 0, "mta-sts.valid.test"));
	free(line);
	mtasts_fetch_result_free(f);
	mtasts_record_free(r);

	/* the certificate is still checked against the name */
	ck_assert_int_eq(
	        mtasts_policy_fetch(ctx, "wrongname.test", NULL, 0, &f, NULL),
	        MTASTS_ETLS);
	mtasts_fetch_result_free(f);
	mtasts_diag_free(d);
	mtasts_ctx_free(ctx);
}
END_TEST

/* The same through the resolver callback: it is asked for the policy
 * host's A and AAAA records. */
START_TEST(callback_dns_to_port443)
{
	struct cb_log log;
	mtasts_ctx *ctx = ctx_cb(&log);
	mtasts_record *r;
	mtasts_fetch_result *f;
	int i, a = 0;

	ck_assert_int_eq(
	        mtasts_discover_record(ctx, "valid.test", &r, NULL, 0, NULL),
	        MTASTS_OK);
	ck_assert_str_eq(mtasts_record_id(r), "cbvalid");
	ck_assert_int_eq(mtasts_policy_fetch(ctx, "valid.test",
	                                     mtasts_record_id(r), 0, &f, NULL),
	                 MTASTS_OK);
	ck_assert_str_eq(mtasts_fetch_result_record_id(f), "cbvalid");
	for (i = 0; i < log.calls && i < (int)T_ARRAY_LEN(log.asked); i++)
		if (strcmp(log.asked[i], "mta-sts.valid.test/1") == 0)
			a++;
	ck_assert_int_eq(a, 1);
	mtasts_fetch_result_free(f);
	mtasts_record_free(r);
	mtasts_ctx_free(ctx);
}
END_TEST

/* A policy host that the context's DNS does not know must not be looked
 * up elsewhere: "mta-sts.localhost" is NXDOMAIN on the harness's server,
 * and only libcurl's built-in resolver (RFC 6761 localhost names) would
 * send it to 127.0.0.1:443 (710 fetch-connect: "its name does not
 * resolve"). */
START_TEST(own_dns_unknown_host)
{
	mtasts_ctx *ctx = ctx_dns();
	mtasts_diag *d = t_diag_new();
	mtasts_fetch_result *f;
	size_t before = log_count("sni.log", 0, "mta-sts.localhost");

	ck_assert_int_eq(mtasts_policy_fetch(ctx, "localhost", NULL, 0, &f, d),
	                 MTASTS_EFETCH);
	ck_assert_int_eq(mtasts_fetch_result_http_status(f), 0);
	assert_one_error(d, MTASTS_D_FETCH_CONNECT);
	ck_assert_uint_eq(log_count("sni.log", 0, "mta-sts.localhost"), before);
	mtasts_fetch_result_free(f);

	/* the same for an MX host */
	{
		mtasts_tls_probe *p;

		mtasts_diag_clear(d);
		ck_assert_int_eq(mtasts_probe_mx(ctx, "mx.localhost", &p, d),
		                 MTASTS_EFETCH);
		ck_assert_int_eq(mtasts_tls_probe_starttls(p), -1);
		assert_one_error(d, MTASTS_D_PROBE_CONNECT);
		mtasts_tls_probe_free(p);
	}
	mtasts_diag_free(d);
	mtasts_ctx_free(ctx);
}
END_TEST

/* ======================================================================= */
/* MX probe                                                                */
/* ======================================================================= */

#define SMTP 0u
#define PLAIN 2u /* CLOSED is 1u */

struct probe_case {
	const char *why;
	const char *host;
	unsigned int port; /* SMTP, PLAIN, CLOSED */
	int status;
	int code;
	int type;
	int starttls;
};

static const struct probe_case probe_cases[] = {
	{ "R-40 R-50 STARTTLS and a valid certificate", "mx1.valid.test", SMTP,
	  MTASTS_OK, 0, 0, 1 },
	{ "a trailing dot and upper case", "MX2.Valid.Test.", SMTP, MTASTS_OK,
	  0, 0, 1 },
	{ "R-40 A-17 the certificate names another host", "mx.wrongname.test",
	  SMTP, MTASTS_ETLS, MTASTS_D_PROBE_MISMATCH,
	  MTASTS_RESULT_CERTIFICATE_HOST_MISMATCH, 1 },
	{ "R-40 an expired certificate", "mx.expired.test", SMTP, MTASTS_ETLS,
	  MTASTS_D_PROBE_EXPIRED, MTASTS_RESULT_CERTIFICATE_EXPIRED, 1 },
	{ "R-40 an unknown CA", "mx.unknownca.test", SMTP, MTASTS_ETLS,
	  MTASTS_D_PROBE_UNTRUSTED, MTASTS_RESULT_CERTIFICATE_NOT_TRUSTED, 1 },
	{ "R-42 no STARTTLS", "mx1.valid.test", PLAIN, MTASTS_ETLS,
	  MTASTS_D_PROBE_NO_STARTTLS, MTASTS_RESULT_STARTTLS_NOT_SUPPORTED, 0 },
	{ "R-42 no STARTTLS", "mx.plain.test", PLAIN, MTASTS_ETLS,
	  MTASTS_D_PROBE_NO_STARTTLS, MTASTS_RESULT_STARTTLS_NOT_SUPPORTED, 0 },
	{ "no SMTP session", "mx1.valid.test", CLOSED, MTASTS_EFETCH,
	  MTASTS_D_PROBE_CONNECT, 0, -1 },
};

START_TEST(probe)
{
	const struct probe_case *c = &probe_cases[_i];
	mtasts_ctx *ctx = ctx_dns();
	mtasts_diag *d = t_diag_new();
	mtasts_tls_probe *p = (mtasts_tls_probe *)&p;
	char host[256];
	size_t i;
	int st;

	snprintf(host, sizeof(host), "%s", c->host);
	for (i = 0; host[i]; i++)
		if (host[i] >= 'A' && host[i] <= 'Z')
			host[i] = (char)(host[i] - 'A' + 'a');
	if (i && host[i - 1] == '.')
		host[i - 1] = '\0';
	map(ctx, host, 25,
	    c->port == SMTP    ? E.smtp
	    : c->port == PLAIN ? E.plain
	                       : E.closed);
	st = mtasts_probe_mx(ctx, c->host, &p, d);
	ck_assert_msg(st == c->status, "%s (%s): %s, expected %s; %s; %s",
	              c->host, c->why, t_status_name(st),
	              t_status_name(c->status), diag_text(d),
	              p ? mtasts_tls_probe_error(p) : "");
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(mtasts_tls_probe_status(p), st);
	ck_assert_int_eq(mtasts_tls_probe_starttls(p), c->starttls);
	ck_assert_int_eq(mtasts_tls_probe_result_type(p), c->type);
	if (st == MTASTS_OK) {
		int64_t now = (int64_t)time(NULL);
		int64_t na = mtasts_tls_probe_not_after(p);
		char *sni = log_last("sni.log", 0, NULL);

		/* the harness's leaf certificates are valid for 20 days */
		ck_assert_msg(na > now + 86400 && na < now + 30 * 86400,
		              "not_after %lld, now %lld", (long long)na,
		              (long long)now);
		ck_assert_ptr_null(mtasts_tls_probe_error(p));
		ck_assert_uint_eq(mtasts_diag_count(d), 0);
		/* R-50 SNI is the MX host name */
		ck_assert_ptr_nonnull(sni);
		ck_assert_str_eq(sni, host);
		free(sni);
	} else {
		ck_assert_int_eq(mtasts_tls_probe_not_after(p), 0);
		ck_assert_ptr_nonnull(mtasts_tls_probe_error(p));
		assert_one_error(d, c->code);
		if (c->type)
			ck_assert_int_eq(mtasts_tls_probe_result_type(p),
			                 c->type);
	}
	mtasts_tls_probe_free(p);
	mtasts_diag_free(d);
	mtasts_ctx_free(ctx);
}
END_TEST

/* A connect-to host is a host name like any other: its case and a
 * trailing dot do not matter (mtasts_ctx_add_connect_to() accepts both). */
START_TEST(connect_to_spelling)
{
	mtasts_ctx *ctx = ctx_dns();
	mtasts_tls_probe *p;
	mtasts_fetch_result *f;
	char spec[200];
	int st;

	snprintf(spec, sizeof(spec), "MX1.Valid.TEST.:25:127.0.0.1:%u", E.smtp);
	ck_assert_int_eq(mtasts_ctx_add_connect_to(ctx, spec), MTASTS_OK);
	snprintf(spec, sizeof(spec), "MTA-STS.Valid.Test.:443:127.0.0.1:%u",
	         E.https);
	ck_assert_int_eq(mtasts_ctx_add_connect_to(ctx, spec), MTASTS_OK);
	st = mtasts_probe_mx(ctx, "mx1.valid.test", &p, NULL);
	ck_assert_msg(st == MTASTS_OK, "probe: %s: %s", t_status_name(st),
	              mtasts_tls_probe_error(p));
	mtasts_tls_probe_free(p);
	st = mtasts_policy_fetch(ctx, "valid.test", NULL, 0, &f, NULL);
	ck_assert_msg(st == MTASTS_OK, "fetch: %s: %s", t_status_name(st),
	              mtasts_fetch_result_error(f));
	mtasts_fetch_result_free(f);
	mtasts_ctx_free(ctx);
}
END_TEST

START_TEST(probe_arguments)
{
	mtasts_ctx *ctx = ctx_dns();
	mtasts_tls_probe *p = (mtasts_tls_probe *)&p;

	ck_assert_int_eq(mtasts_probe_mx(ctx, "mx1.valid.test", NULL, NULL),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_probe_mx(NULL, "mx1.valid.test", &p, NULL),
	                 MTASTS_EINVAL);
	ck_assert_ptr_null(p);
	ck_assert_int_eq(mtasts_probe_mx(ctx, NULL, &p, NULL), MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_probe_mx(ctx, "*.valid.test", &p, NULL),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_probe_mx(ctx, "", &p, NULL), MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_probe_mx(ctx, "mx_1.valid.test", &p, NULL),
	                 MTASTS_EINVAL);
	ck_assert_ptr_null(p);
	mtasts_ctx_free(ctx);
}
END_TEST

/* ======================================================================= */
/* The context                                                              */
/* ======================================================================= */

START_TEST(ctx_available)
{
	mtasts_ctx *ctx;

	ck_assert_int_eq(mtasts_net_available(), 1);
	ck_assert_int_eq(mtasts_ctx_new(NULL), MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_ctx_new(&ctx), MTASTS_OK);
	ck_assert_ptr_nonnull(ctx);
	mtasts_ctx_free(ctx);
	mtasts_ctx_free(NULL);
}
END_TEST

/* "IP[:PORT]" comma-separated, IPv6 as "[IP]:PORT" (mtasts.h). What
 * lib/net.c address_ok() does: an IPv6 address must be bracketed (a bare
 * "::1" is read as an empty address before a port and rejected), the
 * brackets are only for IPv6, a port is 1-65535 in 1-5 digits, no
 * element may be empty. */
static const struct {
	const char *servers;
	int status;
} dns_server_cases[] = {
	{ "127.0.0.1", MTASTS_OK },
	{ "127.0.0.1:53", MTASTS_OK },
	{ "127.0.0.1:65535", MTASTS_OK },
	{ "127.0.0.1:1", MTASTS_OK },
	{ "[::1]", MTASTS_OK },
	{ "[::1]:53", MTASTS_OK },
	{ "[2001:db8::1]:5353", MTASTS_OK },
	{ "127.0.0.1:53,[::1]:53,192.0.2.1", MTASTS_OK },
	{ "", MTASTS_EINVAL },
	{ "1.2.3", MTASTS_EINVAL },
	{ "1.2.3.4.5", MTASTS_EINVAL },
	{ "256.0.0.1", MTASTS_EINVAL },
	{ "localhost", MTASTS_EINVAL },
	{ "127.0.0.1:0", MTASTS_EINVAL },
	{ "127.0.0.1:65536", MTASTS_EINVAL },
	{ "127.0.0.1:000053", MTASTS_EINVAL },
	{ "127.0.0.1:", MTASTS_EINVAL },
	{ "127.0.0.1:53x", MTASTS_EINVAL },
	{ "127.0.0.1:-1", MTASTS_EINVAL },
	{ "127.0.0.1 ", MTASTS_EINVAL },
	{ " 127.0.0.1", MTASTS_EINVAL },
	{ "[::1", MTASTS_EINVAL },
	{ "::1", MTASTS_EINVAL },
	{ "2001:db8::1", MTASTS_EINVAL },
	{ "[::1]:", MTASTS_EINVAL },
	{ "[::1]53", MTASTS_EINVAL },
	{ "[::1]:0", MTASTS_EINVAL },
	{ "[]", MTASTS_EINVAL },
	{ "[]:53", MTASTS_EINVAL },
	{ "[127.0.0.1]:53", MTASTS_EINVAL },
	{ "127.0.0.1,", MTASTS_EINVAL },
	{ ",127.0.0.1", MTASTS_EINVAL },
	{ "127.0.0.1,,127.0.0.2", MTASTS_EINVAL },
	{ "127.0.0.1;127.0.0.2", MTASTS_EINVAL },
};

/* HOST:PORT:ADDRESS:PORT, IPv6 in brackets. */
static const struct {
	const char *spec;
	int status;
} connect_to_cases[] = {
	{ "mta-sts.example.com:443:127.0.0.1:8443", MTASTS_OK },
	{ "MX.Example.COM.:25:127.0.0.1:2525", MTASTS_OK },
	{ "mta-sts.example.com:443:[::1]:8443", MTASTS_OK },
	{ "a:1:192.0.2.1:65535", MTASTS_OK },
	{ "", MTASTS_EINVAL },
	{ "mta-sts.example.com", MTASTS_EINVAL },
	{ ":443:127.0.0.1:8443", MTASTS_EINVAL },
	{ "mta-sts.example.com:443", MTASTS_EINVAL },
	{ "mta-sts.example.com:443:", MTASTS_EINVAL },
	{ "mta-sts.example.com:443:127.0.0.1", MTASTS_EINVAL },
	{ "mta-sts.example.com:443:127.0.0.1:", MTASTS_EINVAL },
	{ "mta-sts.example.com:443:127.0.0.1:0", MTASTS_EINVAL },
	{ "mta-sts.example.com:443:127.0.0.1:65536", MTASTS_EINVAL },
	{ "mta-sts.example.com:0:127.0.0.1:8443", MTASTS_EINVAL },
	{ "mta-sts.example.com:65536:127.0.0.1:8443", MTASTS_EINVAL },
	{ "mta-sts.example.com::127.0.0.1:8443", MTASTS_EINVAL },
	{ "mta-sts.example.com:x:127.0.0.1:8443", MTASTS_EINVAL },
	{ "mta-sts.example.com:443:localhost:8443", MTASTS_EINVAL },
	{ "mta-sts.example.com:443:[::1]", MTASTS_EINVAL },
	{ "mta-sts.example.com:443:::1:8443", MTASTS_EINVAL },
	{ "mta-sts.example.com:443:127.0.0.1:8443:1", MTASTS_EINVAL },
	{ "*.example.com:443:127.0.0.1:8443", MTASTS_EINVAL },
	{ "bad host:443:127.0.0.1:8443", MTASTS_EINVAL },
	{ "bad_host:443:127.0.0.1:8443", MTASTS_EINVAL },
	{ "[::1]:443:127.0.0.1:8443", MTASTS_EINVAL },
};

START_TEST(ctx_setters)
{
	mtasts_ctx *ctx;
	size_t i;
	int w;

	ck_assert_int_eq(mtasts_ctx_new(&ctx), MTASTS_OK);
	for (i = 0; i < T_ARRAY_LEN(dns_server_cases); i++)
		ck_assert_msg(mtasts_ctx_set_dns_servers(
		                      ctx, dns_server_cases[i].servers) ==
		                      dns_server_cases[i].status,
		              "dns servers \"%s\": expected %s",
		              dns_server_cases[i].servers,
		              t_status_name(dns_server_cases[i].status));
	ck_assert_int_eq(mtasts_ctx_set_dns_servers(ctx, NULL), MTASTS_OK);
	ck_assert_int_eq(mtasts_ctx_set_dns_servers(NULL, "127.0.0.1"),
	                 MTASTS_EINVAL);
	for (i = 0; i < T_ARRAY_LEN(connect_to_cases); i++)
		ck_assert_msg(mtasts_ctx_add_connect_to(
		                      ctx, connect_to_cases[i].spec) ==
		                      connect_to_cases[i].status,
		              "connect-to \"%s\": expected %s",
		              connect_to_cases[i].spec,
		              t_status_name(connect_to_cases[i].status));
	ck_assert_int_eq(mtasts_ctx_add_connect_to(ctx, NULL), MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_ctx_add_connect_to(NULL, "a:1:127.0.0.1:1"),
	                 MTASTS_EINVAL);

	/* R-31 timeouts 1 ms to 60 s */
	for (w = MTASTS_TIMEOUT_DNS; w <= MTASTS_TIMEOUT_TOTAL; w++) {
		ck_assert_int_eq(mtasts_ctx_set_timeout(ctx, w, 0),
		                 MTASTS_EINVAL);
		ck_assert_int_eq(mtasts_ctx_set_timeout(ctx, w, 60001),
		                 MTASTS_EINVAL);
		ck_assert_int_eq(mtasts_ctx_set_timeout(ctx, w, 1), MTASTS_OK);
		ck_assert_int_eq(mtasts_ctx_set_timeout(ctx, w, 60000),
		                 MTASTS_OK);
		ck_assert_int_eq(mtasts_ctx_set_timeout(NULL, w, 1000),
		                 MTASTS_EINVAL);
	}
	ck_assert_int_eq(mtasts_ctx_set_timeout(ctx, 0, 1000), MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_ctx_set_timeout(ctx, 4, 1000), MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_ctx_set_timeout(ctx, -1, 1000), MTASTS_EINVAL);

	/* R-31 the body cap: 1 to 65536 */
	ck_assert_int_eq(mtasts_ctx_set_max_body(ctx, 0), MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_ctx_set_max_body(ctx, 65537), MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_ctx_set_max_body(ctx, (size_t)-1),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_ctx_set_max_body(ctx, 1), MTASTS_OK);
	ck_assert_int_eq(mtasts_ctx_set_max_body(ctx, 65536), MTASTS_OK);
	ck_assert_int_eq(mtasts_ctx_set_max_body(NULL, 100), MTASTS_EINVAL);

	ck_assert_int_eq(mtasts_ctx_set_options(ctx, 0), MTASTS_OK);
	ck_assert_int_eq(
	        mtasts_ctx_set_options(ctx, MTASTS_NET_LAX_CONTENT_TYPE),
	        MTASTS_OK);
	ck_assert_int_eq(mtasts_ctx_set_options(ctx, 1u << 1), MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_ctx_set_options(ctx, ~0u), MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_ctx_set_options(NULL, 0), MTASTS_EINVAL);

	ck_assert_int_eq(mtasts_ctx_set_ca_file(ctx, "/nonexistent.pem"),
	                 MTASTS_OK);
	ck_assert_int_eq(mtasts_ctx_set_ca_file(ctx, NULL), MTASTS_OK);
	ck_assert_int_eq(mtasts_ctx_set_ca_file(NULL, "x"), MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_ctx_set_ca_path(ctx, "/etc/ssl/certs"),
	                 MTASTS_OK);
	ck_assert_int_eq(mtasts_ctx_set_ca_path(ctx, NULL), MTASTS_OK);
	ck_assert_int_eq(mtasts_ctx_set_ca_path(NULL, "x"), MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_ctx_set_proxy(ctx, "http://127.0.0.1:3128"),
	                 MTASTS_OK);
	ck_assert_int_eq(mtasts_ctx_set_proxy(ctx, NULL), MTASTS_OK);
	ck_assert_int_eq(mtasts_ctx_set_proxy(NULL, "x"), MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_ctx_set_resolver(ctx, NULL, NULL), MTASTS_OK);
	ck_assert_int_eq(mtasts_ctx_set_fetcher(ctx, NULL, NULL), MTASTS_OK);
	mtasts_ctx_free(ctx);
}
END_TEST

/* A rejected setting leaves the context as it was. */
START_TEST(ctx_rejected_setting_keeps_old)
{
	mtasts_ctx *ctx = ctx_fetch("valid.test", 0);
	mtasts_record *r;
	mtasts_fetch_result *f;

	ck_assert_int_eq(mtasts_ctx_set_dns_servers(ctx, "1.2.3"),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(
	        mtasts_ctx_add_connect_to(ctx, "mta-sts.valid.test:443"),
	        MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_ctx_set_max_body(ctx, 0), MTASTS_EINVAL);
	ck_assert_int_eq(
	        mtasts_discover_record(ctx, "valid.test", &r, NULL, 0, NULL),
	        MTASTS_OK);
	mtasts_record_free(r);
	ck_assert_int_eq(
	        mtasts_policy_fetch(ctx, "valid.test", NULL, 0, &f, NULL),
	        MTASTS_OK);
	mtasts_fetch_result_free(f);
	mtasts_ctx_free(ctx);
}
END_TEST

START_TEST(null_accessors)
{
	size_t len = 99;

	ck_assert_int_eq(mtasts_fetch_result_status(NULL), MTASTS_EINVAL);
	ck_assert_ptr_null(mtasts_fetch_result_policy(NULL));
	ck_assert_int_eq(mtasts_fetch_result_type(NULL), 0);
	ck_assert_ptr_null(mtasts_fetch_result_url(NULL));
	ck_assert_ptr_null(mtasts_fetch_result_record_id(NULL));
	ck_assert_int_eq(mtasts_fetch_result_time(NULL), 0);
	ck_assert_int_eq(mtasts_fetch_result_http_status(NULL), 0);
	ck_assert_ptr_null(mtasts_fetch_result_content_type(NULL));
	ck_assert_ptr_null(mtasts_fetch_result_body(NULL, &len));
	ck_assert_uint_eq(len, 0);
	ck_assert_ptr_null(mtasts_fetch_result_body(NULL, NULL));
	ck_assert_ptr_null(mtasts_fetch_result_error(NULL));
	mtasts_fetch_result_free(NULL);

	ck_assert_int_eq(mtasts_tls_probe_status(NULL), MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_tls_probe_starttls(NULL), -1);
	ck_assert_int_eq(mtasts_tls_probe_result_type(NULL), 0);
	ck_assert_int_eq(mtasts_tls_probe_not_after(NULL), 0);
	ck_assert_ptr_null(mtasts_tls_probe_error(NULL));
	mtasts_tls_probe_free(NULL);

	ck_assert_uint_eq(mtasts_mx_list_count(NULL), 0);
	ck_assert_ptr_null(mtasts_mx_list_host(NULL, 0));
	ck_assert_int_eq(mtasts_mx_list_preference(NULL, 0), -1);
	ck_assert_int_eq(mtasts_mx_list_implicit(NULL), 0);
	ck_assert_int_eq(mtasts_mx_list_null(NULL), 0);
	mtasts_mx_list_free(NULL);
	mtasts_ctx_free(NULL);
}
END_TEST

/* ======================================================================= */
/* One context, four threads (mtasts.h, group net)                          */
/* ======================================================================= */

#define THREADS 4
#define ROUNDS 5

struct worker {
	mtasts_ctx *ctx;
	int ok;
	char failure[256];
};

static void *
worker_run(void *arg)
{
	struct worker *w = arg;
	int i;

	for (i = 0; i < ROUNDS; i++) {
		mtasts_record *r = NULL;
		mtasts_fetch_result *f = NULL;
		mtasts_mx_list *l = NULL;
		int st, dr = 0;

		st = mtasts_discover_record(w->ctx, "valid.test", &r, &dr, 0,
		                            NULL);
		if (st != MTASTS_OK || dr != MTASTS_DNS_OK ||
		    strcmp(mtasts_record_id(r), VALID_ID) != 0) {
			snprintf(w->failure, sizeof(w->failure),
			         "round %d: discover %d, dns %d", i, st, dr);
			mtasts_record_free(r);
			return NULL;
		}
		st = mtasts_policy_fetch(w->ctx, "valid.test",
		                         mtasts_record_id(r), 0, &f, NULL);
		mtasts_record_free(r);
		if (st != MTASTS_OK ||
		    mtasts_policy_mx_count(mtasts_fetch_result_policy(f)) !=
		            2 ||
		    strcmp(mtasts_fetch_result_record_id(f), VALID_ID) != 0) {
			snprintf(w->failure, sizeof(w->failure),
			         "round %d: fetch %d: %s", i, st,
			         f ? mtasts_fetch_result_error(f) : "");
			mtasts_fetch_result_free(f);
			return NULL;
		}
		mtasts_fetch_result_free(f);
		st = mtasts_lookup_mx(w->ctx, "valid.test", &l, &dr, NULL);
		if (st != MTASTS_OK || mtasts_mx_list_count(l) != 2) {
			snprintf(w->failure, sizeof(w->failure),
			         "round %d: mx %d", i, st);
			mtasts_mx_list_free(l);
			return NULL;
		}
		mtasts_mx_list_free(l);
		w->ok++;
	}
	return NULL;
}

START_TEST(threads_share_a_context)
{
	mtasts_ctx *ctx = ctx_fetch("valid.test", 0);
	struct worker w[THREADS];
	pthread_t t[THREADS];
	int i;

	for (i = 0; i < THREADS; i++) {
		w[i].ctx = ctx;
		w[i].ok = 0;
		w[i].failure[0] = '\0';
		ck_assert_int_eq(pthread_create(&t[i], NULL, worker_run, &w[i]),
		                 0);
	}
	for (i = 0; i < THREADS; i++)
		ck_assert_int_eq(pthread_join(t[i], NULL), 0);
	for (i = 0; i < THREADS; i++)
		ck_assert_msg(w[i].ok == ROUNDS, "thread %d: %s", i,
		              w[i].failure);
	mtasts_ctx_free(ctx);
}
END_TEST

/* ======================================================================= */

START_TEST(no_environment)
{
	ck_abort_msg("MTASTS_TEST_* not set: run check-net through "
	             "/usr/bin/python3 tests/net/netenv.py -- check-net");
}
END_TEST

static TCase *
tcase(Suite *s, const char *name)
{
	TCase *tc = tcase_create(name);

	/* generous: the slowest cases wait for 1-2 s deadlines; valgrind */
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return tc;
}

MTASTS_TEST_SUITE(net)
{
	Suite *s = suite_create("net");
	TCase *tc;

	if (!load_env()) {
		tc = tcase(s, "environment");
		tcase_add_test(tc, no_environment);
		return s;
	}

	tc = tcase(s, "dns");
	tcase_add_loop_test(tc, discover_record, 0,
	                    (int)T_ARRAY_LEN(record_cases));
	tcase_add_test(tc, discover_no_server);
	tcase_add_test(tc, discover_record_arguments);
	tcase_add_test(tc, discover_tlsrpt);
	tcase_add_loop_test(tc, lookup_mx, 0, (int)T_ARRAY_LEN(mx_cases));
	tcase_add_test(tc, lookup_mx_arguments);

	tc = tcase(s, "resolver");
	tcase_add_loop_test(tc, resolver_record, 0, (int)T_ARRAY_LEN(cb_cases));
	tcase_add_test(tc, resolver_tlsrpt_and_mx);
	tcase_add_test(tc, resolver_reply_arguments);

	tc = tcase(s, "fetch");
	tcase_add_loop_test(tc, fetch, 0, (int)T_ARRAY_LEN(fetch_cases));
	tcase_add_test(tc, fetch_valid_details);
	tcase_add_test(tc, fetch_redirect_not_followed);
	tcase_add_test(tc, fetch_ignores_env_proxy);
	tcase_add_test(tc, fetch_max_body);
	tcase_add_test(tc, fetch_trust_anchors);
	tcase_add_test(tc, fetch_arguments);

	tc = tcase(s, "fetcher");
	tcase_add_loop_test(tc, fetcher, 0, (int)T_ARRAY_LEN(fetcher_cases));

	tc = tcase(s, "port443");
	if (E.port443) {
		tcase_add_test(tc, own_dns_to_port443);
		tcase_add_test(tc, callback_dns_to_port443);
		tcase_add_test(tc, own_dns_unknown_host);
	} else {
		printf("check-net: MTASTS_TEST_PORT443 is not 1 (binding "
		       "127.0.0.1:443 needs root and a free port): the "
		       "fetches without connect-to are not run\n");
	}

	tc = tcase(s, "probe");
	tcase_add_loop_test(tc, probe, 0, (int)T_ARRAY_LEN(probe_cases));
	tcase_add_test(tc, connect_to_spelling);
	tcase_add_test(tc, probe_arguments);

	tc = tcase(s, "ctx");
	tcase_add_test(tc, ctx_available);
	tcase_add_test(tc, ctx_setters);
	tcase_add_test(tc, ctx_rejected_setting_keeps_old);
	tcase_add_test(tc, null_accessors);

	tc = tcase(s, "threads");
	tcase_add_test(tc, threads_share_a_context);
	return s;
}
