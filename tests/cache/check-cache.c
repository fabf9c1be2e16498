/* SPDX-License-Identifier: MIT */
/*
 * The cache decisions (digest §4, C1-C12, R-23, R-30, R-32… ),
 * cache entry serialisation, and applying a policy to a delivery (digest
 * §5, R-38…R-46, TA-15). Every expectation comes from the digest's rules,
 * written out per case, not from the library's output.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mtasts.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define T0 ((int64_t)1700000000)
#define DAY 86400

static mtasts_policy *
policy(const char *mode, uint32_t max_age)
{
	char text[256];
	mtasts_policy *p = NULL;

	snprintf(text, sizeof(text),
	         "version: STSv1\nmode: %s\nmx: mx1.example.com\n"
	         "mx: *.example.net\nmax_age: %u\n",
	         mode, (unsigned int)max_age);
	ck_assert_int_eq(mtasts_policy_parse(&p, text, strlen(text), 0, NULL),
	                 MTASTS_OK);
	return p;
}

static mtasts_cache_entry *
entry_with(const char *mode, uint32_t max_age, const char *id, int64_t at)
{
	mtasts_cache_entry *e = NULL;
	mtasts_policy *p = policy(mode, max_age);

	ck_assert_int_eq(mtasts_cache_entry_new(&e, "Example.COM."), MTASTS_OK);
	ck_assert_int_eq(mtasts_cache_entry_store(e, p, id, at), MTASTS_OK);
	mtasts_policy_free(p);
	return e;
}

/* ---- entries ----------------------------------------------------------------- */

START_TEST(entry_basics)
{
	mtasts_cache_entry *e = NULL;
	mtasts_policy *p = policy("enforce", 7 * DAY);

	ck_assert_int_eq(mtasts_cache_entry_new(&e, "Example.COM."), MTASTS_OK);
	ck_assert_str_eq(mtasts_cache_entry_domain(e), "example.com");
	ck_assert_ptr_null(mtasts_cache_entry_policy(e));
	ck_assert_ptr_null(mtasts_cache_entry_id(e));
	ck_assert_int_eq(mtasts_cache_entry_fetched_at(e), 0);
	ck_assert_int_eq(mtasts_cache_entry_expires_at(e), 0);
	ck_assert_int_eq(mtasts_cache_entry_usable(e, T0), 0);
	ck_assert_int_eq(mtasts_cache_entry_failures(e), 0);
	ck_assert_ptr_null(mtasts_cache_entry_failed_id(e));

	ck_assert_int_eq(mtasts_cache_entry_store(e, p, "abc123", T0),
	                 MTASTS_OK);
	mtasts_policy_free(p); /* the entry holds its own copy */
	ck_assert_str_eq(mtasts_cache_entry_id(e), "abc123");
	ck_assert_int_eq(mtasts_cache_entry_fetched_at(e), T0);
	ck_assert_int_eq(mtasts_cache_entry_expires_at(e), T0 + 7 * DAY);
	ck_assert_int_eq(mtasts_policy_mode(mtasts_cache_entry_policy(e)),
	                 MTASTS_MODE_ENFORCE);
	/* C1, A-19: usable while now - fetched_at <= max_age */
	ck_assert_int_eq(mtasts_cache_entry_usable(e, T0), 1);
	ck_assert_int_eq(mtasts_cache_entry_usable(e, T0 + 7 * DAY), 1);
	ck_assert_int_eq(mtasts_cache_entry_usable(e, T0 + 7 * DAY + 1), 0);

	/* C5: a failure keeps the policy and counts */
	ck_assert_int_eq(mtasts_cache_entry_fail(e, "new1", T0 + 10),
	                 MTASTS_OK);
	ck_assert_int_eq(mtasts_cache_entry_fail(e, NULL, T0 + 20), MTASTS_OK);
	ck_assert_int_eq(mtasts_cache_entry_failures(e), 2);
	ck_assert_int_eq(mtasts_cache_entry_failed_at(e), T0 + 20);
	ck_assert_str_eq(mtasts_cache_entry_failed_id(e), "");
	ck_assert_int_eq(mtasts_cache_entry_usable(e, T0 + 30), 1);
	ck_assert_str_eq(mtasts_cache_entry_id(e), "abc123");

	/* C4: a new policy replaces it, mode none included; failures reset */
	p = policy("none", DAY);
	ck_assert_int_eq(mtasts_cache_entry_store(e, p, NULL, T0 + 40),
	                 MTASTS_OK);
	mtasts_policy_free(p);
	ck_assert_int_eq(mtasts_policy_mode(mtasts_cache_entry_policy(e)),
	                 MTASTS_MODE_NONE);
	/* a refresh without a record keeps the id it knew (C12) */
	ck_assert_str_eq(mtasts_cache_entry_id(e), "abc123");
	ck_assert_int_eq(mtasts_cache_entry_failures(e), 0);
	ck_assert_int_eq(mtasts_cache_entry_failed_at(e), 0);
	mtasts_cache_entry_free(e);
}
END_TEST

START_TEST(entry_arguments)
{
	mtasts_cache_entry *e = (mtasts_cache_entry *)1;
	mtasts_policy *p = policy("testing", DAY);

	ck_assert_int_eq(mtasts_cache_entry_new(NULL, "a.example"),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_cache_entry_new(&e, NULL), MTASTS_EINVAL);
	ck_assert_ptr_null(e);
	ck_assert_int_eq(mtasts_cache_entry_new(&e, ""), MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_cache_entry_new(&e, "*.example"),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_cache_entry_new(&e, "a..example"),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_cache_entry_new(&e, "a.example"), MTASTS_OK);
	ck_assert_int_eq(mtasts_cache_entry_store(NULL, p, "x", T0),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_cache_entry_store(e, NULL, "x", T0),
	                 MTASTS_EINVAL);
	/* ids are 1-32 ALPHA/DIGIT */
	ck_assert_int_eq(mtasts_cache_entry_store(e, p, "", T0), MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_cache_entry_store(e, p, "a-b", T0),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_cache_entry_store(
	                         e, p, "123456789012345678901234567890123", T0),
	                 MTASTS_EINVAL);
	ck_assert_ptr_null(mtasts_cache_entry_policy(e)); /* unchanged */
	ck_assert_int_eq(mtasts_cache_entry_fail(e, "a b", T0), MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_cache_entry_fail(NULL, NULL, T0),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_cache_entry_failures(e), 0);
	ck_assert_int_eq(mtasts_cache_entry_update(e, NULL), MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_cache_decide(e, 7, NULL, T0, NULL),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(
	        mtasts_cache_decide(e, MTASTS_TXT_FOUND, NULL, T0, NULL),
	        MTASTS_EINVAL);
	ck_assert_int_eq(
	        mtasts_cache_decide(e, MTASTS_TXT_FOUND, "bad id", T0, NULL),
	        MTASTS_EINVAL);
	/* NULL accessors */
	ck_assert_ptr_null(mtasts_cache_entry_domain(NULL));
	ck_assert_ptr_null(mtasts_cache_entry_policy(NULL));
	ck_assert_int_eq(mtasts_cache_entry_usable(NULL, T0), 0);
	ck_assert_int_eq(mtasts_cache_entry_failures(NULL), 0);
	ck_assert_ptr_null(mtasts_cache_action_name(0));
	ck_assert_ptr_null(mtasts_cache_action_name(6));
	mtasts_cache_entry_free(NULL);
	mtasts_cache_entry_free(e);
	mtasts_policy_free(p);
}
END_TEST

/* ---- the decision table -------------------------------------------------------- */

struct decide_case {
	const char *what;
	/* the entry: mode NULL = no entry at all; "" = an entry, no policy */
	const char *mode;
	uint32_t max_age;
	const char *id;      /* id of the cached policy */
	int64_t fetched;     /* offset from T0 */
	const char *fail_id; /* a failed fetch: its id ("-" for NULL) */
	int64_t failed;      /* its time, offset from T0 */
	int txt;
	const char *txt_id;
	int64_t now; /* offset from T0 */
	int action;
	int64_t recheck; /* offset from T0 */
};

#define NOFAIL NULL, 0
static const struct decide_case decide_cases[] = {
	/* nothing cached */
	{ "C3 no entry, record -> fetch", NULL, 0, NULL, 0, NOFAIL,
	  MTASTS_TXT_FOUND, "id1", 0, MTASTS_ACTION_FETCH, 0 },
	{ "no entry, not checked -> lookup", NULL, 0, NULL, 0, NOFAIL,
	  MTASTS_TXT_NOT_CHECKED, NULL, 0, MTASTS_ACTION_LOOKUP, 0 },
	{ "C6 no entry, no record -> none", NULL, 0, NULL, 0, NOFAIL,
	  MTASTS_TXT_ABSENT, NULL, 0, MTASTS_ACTION_NONE, 0 },
	{ "C12 no entry, DNS failure -> none", NULL, 0, NULL, 0, NOFAIL,
	  MTASTS_TXT_TEMPFAIL, NULL, 0, MTASTS_ACTION_NONE, 0 },
	/* a failed first fetch backs off 5 minutes for that id */
	{ "R-30 failed 299 s ago -> none", "", 0, NULL, 0, "id1", -299,
	  MTASTS_TXT_FOUND, "id1", 0, MTASTS_ACTION_NONE, 1 },
	{ "R-30 failed 300 s ago -> fetch", "", 0, NULL, 0, "id1", -300,
	  MTASTS_TXT_FOUND, "id1", 0, MTASTS_ACTION_FETCH, 0 },
	{ "R-30 per id: another id -> fetch", "", 0, NULL, 0, "id1", -10,
	  MTASTS_TXT_FOUND, "id2", 0, MTASTS_ACTION_FETCH, 0 },
	/* a usable policy, same id */
	{ "C1 same id, fresh -> use until refresh due", "enforce", 7 * DAY,
	  "id1", -3600, NOFAIL, MTASTS_TXT_FOUND, "id1", 0, MTASTS_ACTION_USE,
	  DAY - 3600 },
	{ "C8 same id, a day old -> refresh", "enforce", 7 * DAY, "id1", -DAY,
	  NOFAIL, MTASTS_TXT_FOUND, "id1", 0, MTASTS_ACTION_REFRESH, 0 },
	{ "C8 short max_age refreshes at half", "testing", 3600, "id1", -1799,
	  NOFAIL, MTASTS_TXT_FOUND, "id1", 0, MTASTS_ACTION_USE, 1 },
	{ "C8 short max_age refreshes at half (due)", "testing", 3600, "id1",
	  -1800, NOFAIL, MTASTS_TXT_FOUND, "id1", 0, MTASTS_ACTION_REFRESH, 0 },
	{ "C8 refresh due but a failure 100 s ago -> use", "enforce", 7 * DAY,
	  "id1", -2 * DAY, "id1", -100, MTASTS_TXT_FOUND, "id1", 0,
	  MTASTS_ACTION_USE, 200 },
	/* the recheck never passes the expiry */
	{ "use: recheck at the refresh", "enforce", 600, "id1", -200, NOFAIL,
	  MTASTS_TXT_FOUND, "id1", 0, MTASTS_ACTION_USE, 100 },
	{ "use: a back-off ending after the expiry -> recheck at expiry",
	  "enforce", 600, "id1", -590, "-", -10, MTASTS_TXT_FOUND, "id1", 0,
	  MTASTS_ACTION_USE, 11 },
	/* a new id */
	{ "C2 new id with a usable policy -> refresh", "enforce", 7 * DAY,
	  "id1", -60, NOFAIL, MTASTS_TXT_FOUND, "id2", 0, MTASTS_ACTION_REFRESH,
	  0 },
	{ "C5 new id failed 60 s ago -> use the cached", "enforce", 7 * DAY,
	  "id1", -3600, "id2", -60, MTASTS_TXT_FOUND, "id2", 0,
	  MTASTS_ACTION_USE, 240 },
	{ "C5 new id failed 301 s ago -> refresh", "enforce", 7 * DAY, "id1",
	  -3600, "id2", -301, MTASTS_TXT_FOUND, "id2", 0, MTASTS_ACTION_REFRESH,
	  0 },
	/* expired */
	{ "C1 expired, record -> fetch", "enforce", DAY, "id1", -DAY - 1,
	  NOFAIL, MTASTS_TXT_FOUND, "id1", 0, MTASTS_ACTION_FETCH, 0 },
	{ "C1 expired, no record -> none", "enforce", DAY, "id1", -DAY - 1,
	  NOFAIL, MTASTS_TXT_ABSENT, NULL, 0, MTASTS_ACTION_NONE, 0 },
	{ "C1 expired, not checked -> lookup", "enforce", DAY, "id1", -DAY - 1,
	  NOFAIL, MTASTS_TXT_NOT_CHECKED, NULL, 0, MTASTS_ACTION_LOOKUP, 0 },
	{ "C1 max_age 0: usable only at fetch time", "enforce", 0, "id1", 0,
	  NOFAIL, MTASTS_TXT_FOUND, "id1", 0, MTASTS_ACTION_REFRESH, 0 },
	{ "C1 max_age 0, one second later -> fetch", "enforce", 0, "id1", -1,
	  NOFAIL, MTASTS_TXT_FOUND, "id1", 0, MTASTS_ACTION_FETCH, 0 },
	/* C7: DNS trouble never evicts */
	{ "C7 record gone -> use the cached", "enforce", 7 * DAY, "id1", -3600,
	  NOFAIL, MTASTS_TXT_ABSENT, NULL, 0, MTASTS_ACTION_USE, DAY - 3600 },
	{ "C7 DNS failure -> use the cached", "testing", 7 * DAY, "id1", -3600,
	  NOFAIL, MTASTS_TXT_TEMPFAIL, NULL, 0, MTASTS_ACTION_USE, DAY - 3600 },
	{ "C12 record gone, refresh due -> refresh", "enforce", 7 * DAY, "id1",
	  -2 * DAY, NOFAIL, MTASTS_TXT_ABSENT, NULL, 0, MTASTS_ACTION_REFRESH,
	  0 },
	{ "not checked, fresh -> use", "enforce", 7 * DAY, "id1", -10, NOFAIL,
	  MTASTS_TXT_NOT_CHECKED, NULL, 0, MTASTS_ACTION_USE, DAY - 10 },
	/* C11: a cached none is a policy like any other here */
	{ "C11 mode none cached -> use", "none", DAY, "id1", -10, NOFAIL,
	  MTASTS_TXT_FOUND, "id1", 0, MTASTS_ACTION_USE, DAY / 2 - 10 },
	/* ids compare exactly: case matters */
	{ "R-04 ids are compared exactly", "enforce", 7 * DAY, "abc", -10,
	  NOFAIL, MTASTS_TXT_FOUND, "ABC", 0, MTASTS_ACTION_REFRESH, 0 },
};

START_TEST(decide)
{
	const struct decide_case *c = &decide_cases[_i];
	mtasts_cache_entry *e = NULL;
	int64_t recheck = -1;
	int action;

	if (c->mode && c->mode[0]) {
		e = entry_with(c->mode, c->max_age, c->id, T0 + c->fetched);
	} else if (c->mode) {
		ck_assert_int_eq(mtasts_cache_entry_new(&e, "example.com"),
		                 MTASTS_OK);
	}
	if (c->fail_id)
		ck_assert_int_eq(
		        mtasts_cache_entry_fail(
		                e, strcmp(c->fail_id, "-") ? c->fail_id : NULL,
		                T0 + c->failed),
		        MTASTS_OK);
	action = mtasts_cache_decide(e, c->txt, c->txt_id, T0 + c->now,
	                             &recheck);
	ck_assert_msg(action == c->action, "%s: %s, expected %s", c->what,
	              mtasts_cache_action_name(action),
	              mtasts_cache_action_name(c->action));
	ck_assert_msg(recheck == T0 + c->recheck,
	              "%s: recheck at T0%+lld, expected T0%+lld", c->what,
	              (long long)(recheck - T0), (long long)c->recheck);
	/* without recheck_at the action is the same */
	ck_assert_int_eq(
	        mtasts_cache_decide(e, c->txt, c->txt_id, T0 + c->now, NULL),
	        action);
	mtasts_cache_entry_free(e);
}
END_TEST

/* A whole life: first fetch, refresh, id change that fails, then works. */
START_TEST(decide_lifecycle)
{
	mtasts_cache_entry *e = NULL;
	mtasts_policy *p1 = policy("testing", 7 * DAY);
	mtasts_policy *p2 = policy("enforce", 7 * DAY);
	int64_t t = T0, r;

	ck_assert_int_eq(mtasts_cache_entry_new(&e, "example.com"), MTASTS_OK);
	ck_assert_int_eq(mtasts_cache_decide(e, MTASTS_TXT_FOUND, "v1", t, &r),
	                 MTASTS_ACTION_FETCH);
	ck_assert_int_eq(mtasts_cache_entry_store(e, p1, "v1", t), MTASTS_OK);
	ck_assert_int_eq(
	        mtasts_cache_decide(e, MTASTS_TXT_FOUND, "v1", t + 60, &r),
	        MTASTS_ACTION_USE);
	/* the publisher changes the id; the fetch fails twice */
	t += 3600;
	ck_assert_int_eq(mtasts_cache_decide(e, MTASTS_TXT_FOUND, "v2", t, &r),
	                 MTASTS_ACTION_REFRESH);
	ck_assert_int_eq(mtasts_cache_entry_fail(e, "v2", t), MTASTS_OK);
	ck_assert_int_eq(
	        mtasts_cache_decide(e, MTASTS_TXT_FOUND, "v2", t + 1, &r),
	        MTASTS_ACTION_USE);
	ck_assert_int_eq(r, t + 300);
	ck_assert_int_eq(mtasts_cache_decide(e, MTASTS_TXT_FOUND, "v2", r, &r),
	                 MTASTS_ACTION_REFRESH);
	ck_assert_int_eq(mtasts_cache_entry_fail(e, "v2", t + 300), MTASTS_OK);
	ck_assert_int_eq(mtasts_cache_entry_failures(e), 2);
	/* the old policy keeps applying (C5) */
	ck_assert_int_eq(mtasts_policy_mode(mtasts_cache_entry_policy(e)),
	                 MTASTS_MODE_TESTING);
	ck_assert_int_eq(mtasts_cache_entry_store(e, p2, "v2", t + 900),
	                 MTASTS_OK);
	ck_assert_int_eq(
	        mtasts_cache_decide(e, MTASTS_TXT_FOUND, "v2", t + 901, &r),
	        MTASTS_ACTION_USE);
	ck_assert_int_eq(r, t + 900 + DAY);
	ck_assert_int_eq(mtasts_policy_mode(mtasts_cache_entry_policy(e)),
	                 MTASTS_MODE_ENFORCE);
	mtasts_cache_entry_free(e);
	mtasts_policy_free(p1);
	mtasts_policy_free(p2);
}
END_TEST

/* ---- update from a fetch result ----------------------------------------------- */

static int
fetcher(void *user, const char *url, mtasts_http_reply *reply)
{
	const char *body = user;

	(void)url;
	if (!body)
		return mtasts_http_reply_set_error(reply, MTASTS_ETLS,
		                                   "certificate expired");
	ck_assert_int_eq(mtasts_http_reply_set_status(reply, 200), MTASTS_OK);
	ck_assert_int_eq(
	        mtasts_http_reply_set_content_type(reply, "text/plain"),
	        MTASTS_OK);
	return mtasts_http_reply_append_body(reply, body, strlen(body));
}

static mtasts_fetch_result *
fetch(const char *domain, const char *id, const char *body)
{
	mtasts_ctx *ctx = NULL;
	mtasts_fetch_result *r = NULL;

	ck_assert_int_eq(mtasts_ctx_new(&ctx), MTASTS_OK);
	ck_assert_int_eq(mtasts_ctx_set_fetcher(ctx, fetcher, (void *)body),
	                 MTASTS_OK);
	if (mtasts_policy_fetch(ctx, domain, id, 0, &r, NULL) != MTASTS_OK)
		ck_assert_int_ne(mtasts_fetch_result_status(r), MTASTS_OK);
	ck_assert_ptr_nonnull(r);
	mtasts_ctx_free(ctx);
	return r;
}

START_TEST(update_from_fetch)
{
	static const char good[] = "version: STSv1\nmode: enforce\n"
	                           "mx: mx.example.com\nmax_age: 86400\n";
	static const char bad[] = "version: STSv1\nmode: maybe\n"
	                          "mx: mx.example.com\nmax_age: 86400\n";
	mtasts_cache_entry *e = NULL;
	mtasts_fetch_result *r;

	ck_assert_int_eq(mtasts_cache_entry_new(&e, "example.com."), MTASTS_OK);
	r = fetch("example.com", "id7", good);
	ck_assert_int_eq(mtasts_cache_entry_update(e, r), MTASTS_OK);
	ck_assert_str_eq(mtasts_cache_entry_id(e), "id7");
	ck_assert_int_eq(mtasts_cache_entry_fetched_at(e),
	                 mtasts_fetch_result_time(r));
	ck_assert_int_eq(mtasts_policy_max_age(mtasts_cache_entry_policy(e)),
	                 86400);
	mtasts_fetch_result_free(r);

	/* an invalid body is a failure that keeps the policy (A-14, C5) */
	r = fetch("example.com", "id8", bad);
	ck_assert_int_eq(mtasts_fetch_result_status(r), MTASTS_EMODE);
	ck_assert_int_eq(mtasts_cache_entry_update(e, r), MTASTS_OK);
	ck_assert_str_eq(mtasts_cache_entry_id(e), "id7");
	ck_assert_str_eq(mtasts_cache_entry_failed_id(e), "id8");
	ck_assert_int_eq(mtasts_cache_entry_failures(e), 1);
	mtasts_fetch_result_free(r);

	r = fetch("example.com", NULL, NULL); /* a TLS failure */
	ck_assert_int_eq(mtasts_fetch_result_status(r), MTASTS_ETLS);
	ck_assert_int_eq(mtasts_cache_entry_update(e, r), MTASTS_OK);
	ck_assert_str_eq(mtasts_cache_entry_failed_id(e), "");
	ck_assert_int_eq(mtasts_cache_entry_failures(e), 2);
	mtasts_fetch_result_free(r);

	/* a result for another domain is refused */
	r = fetch("example.org", "id9", good);
	ck_assert_int_eq(mtasts_cache_entry_update(e, r), MTASTS_EINVAL);
	ck_assert_str_eq(mtasts_cache_entry_id(e), "id7");
	mtasts_fetch_result_free(r);
	r = fetch("sub.example.com", "id9", good);
	ck_assert_int_eq(mtasts_cache_entry_update(e, r), MTASTS_EINVAL);
	mtasts_fetch_result_free(r);
	mtasts_cache_entry_free(e);
}
END_TEST

/* ---- serialisation ---------------------------------------------------------------- */

static mtasts_cache_entry *
round_trip(const mtasts_cache_entry *e, char **text)
{
	mtasts_cache_entry *back = NULL;
	size_t len = 0;

	ck_assert_int_eq(mtasts_cache_entry_serialize(e, text, &len),
	                 MTASTS_OK);
	ck_assert_uint_eq(strlen(*text), len);
	ck_assert_int_eq(
	        mtasts_cache_entry_deserialize(&back, *text, len, NULL),
	        MTASTS_OK);
	return back;
}

START_TEST(serialize_round_trip)
{
	mtasts_cache_entry *e =
	        entry_with("enforce", 604800, "20240101T000000", T0);
	mtasts_cache_entry *b, *empty = NULL;
	char *text;

	ck_assert_int_eq(mtasts_cache_entry_fail(e, "NEW2", T0 + 5), MTASTS_OK);
	b = round_trip(e, &text);
	ck_assert_str_eq(text, "MTASTS-CACHE 1\n"
	                       "domain example.com\n"
	                       "id 20240101T000000\n"
	                       "fetched 1700000000\n"
	                       "failed 1700000005 NEW2\n"
	                       "failures 1\n"
	                       "policy 83\n"
	                       "version: STSv1\n"
	                       "mode: enforce\n"
	                       "mx: mx1.example.com\n"
	                       "mx: *.example.net\n"
	                       "max_age: 604800\n"
	                       "end\n");
	ck_assert_str_eq(mtasts_cache_entry_domain(b), "example.com");
	ck_assert_str_eq(mtasts_cache_entry_id(b), "20240101T000000");
	ck_assert_int_eq(mtasts_cache_entry_fetched_at(b), T0);
	ck_assert_int_eq(mtasts_cache_entry_failed_at(b), T0 + 5);
	ck_assert_str_eq(mtasts_cache_entry_failed_id(b), "NEW2");
	ck_assert_int_eq(mtasts_cache_entry_failures(b), 1);
	ck_assert(mtasts_policy_equal(mtasts_cache_entry_policy(b),
	                              mtasts_cache_entry_policy(e)));
	/* decisions agree */
	ck_assert_int_eq(
	        mtasts_cache_decide(b, MTASTS_TXT_FOUND, "NEW2", T0 + 6, NULL),
	        mtasts_cache_decide(e, MTASTS_TXT_FOUND, "NEW2", T0 + 6, NULL));
	mtasts_free(text);
	mtasts_cache_entry_free(b);

	/* an entry with a failure and no policy; one stored without id */
	ck_assert_int_eq(mtasts_cache_entry_new(&empty, "a.example"),
	                 MTASTS_OK);
	ck_assert_int_eq(mtasts_cache_entry_fail(empty, NULL, 42), MTASTS_OK);
	b = round_trip(empty, &text);
	ck_assert_str_eq(text, "MTASTS-CACHE 1\ndomain a.example\n"
	                       "failed 42 -\nfailures 1\nend\n");
	ck_assert_ptr_null(mtasts_cache_entry_policy(b));
	ck_assert_str_eq(mtasts_cache_entry_failed_id(b), "");
	mtasts_free(text);
	mtasts_cache_entry_free(b);
	mtasts_cache_entry_free(empty);

	mtasts_cache_entry_free(e);
	e = entry_with("none", 0, NULL, 0);
	b = round_trip(e, &text);
	ck_assert_str_eq(mtasts_cache_entry_id(b), "");
	ck_assert_int_eq(mtasts_cache_entry_fetched_at(b), 0);
	ck_assert_ptr_nonnull(strstr(text, "\nid -\nfetched 0\npolicy 75\n"));
	mtasts_free(text);
	mtasts_cache_entry_free(b);
	mtasts_cache_entry_free(e);
}
END_TEST

struct bad_entry {
	const char *text;
	int status;
	unsigned int line;
};

#define HDR "MTASTS-CACHE 1\ndomain example.com\n"
#define POL "policy 37\nversion: STSv1\nmode: none\nmax_age: 1\n"
static const struct bad_entry bad_entries[] = {
	{ "", MTASTS_ESYNTAX, 1 },
	{ "MTASTS-CACHE 2\ndomain example.com\nend\n", MTASTS_ESYNTAX, 1 },
	{ "MTASTS-CACHE 1", MTASTS_ESYNTAX, 1 },
	{ "MTASTS-CACHE 1\n", MTASTS_ESYNTAX, 2 },
	{ "MTASTS-CACHE 1\nend\n", MTASTS_ESYNTAX, 2 }, /* no domain */
	{ "mtasts-cache 1\ndomain example.com\nend\n", MTASTS_ESYNTAX, 1 },
	{ "MTASTS-CACHE 1\r\ndomain example.com\nend\n", MTASTS_ESYNTAX, 1 },
	/* truncated: "end" is missing */
	{ HDR, MTASTS_ESYNTAX, 3 },
	{ HDR "end", MTASTS_ESYNTAX, 3 },
	{ HDR "id x\nfetched 1\n" POL, MTASTS_ESYNTAX, 6 },
	{ HDR "id x\nfetched 1\npolicy 37\nversion: STSv1\n", MTASTS_ESYNTAX,
	  5 },
	{ HDR "end\nend\n", MTASTS_ESYNTAX, 3 },
	{ HDR "end\n\n", MTASTS_ESYNTAX, 3 },
	{ HDR "end 1\n", MTASTS_ESYNTAX, 3 },
	{ HDR "domain example.com\nend\n", MTASTS_ESYNTAX, 3 },
	{ "MTASTS-CACHE 1\ndomain Example.com\nend\n", MTASTS_ESYNTAX, 2 },
	{ "MTASTS-CACHE 1\ndomain example.com.\nend\n", MTASTS_ESYNTAX, 2 },
	{ "MTASTS-CACHE 1\ndomain *.example.com\nend\n", MTASTS_ESYNTAX, 2 },
	{ "MTASTS-CACHE 1\ndomain \nend\n", MTASTS_ESYNTAX, 2 },
	{ "MTASTS-CACHE 1\ndomain\nend\n", MTASTS_ESYNTAX, 2 },
	{ "MTASTS-CACHE 1\ndomain  example.com\nend\n", MTASTS_ESYNTAX, 2 },
	{ HDR "id x\n" POL "end\n", MTASTS_ESYNTAX, 5 },     /* no fetched */
	{ HDR "id x\nfetched 1\nend\n", MTASTS_ESYNTAX, 5 }, /* no policy */
	{ HDR POL "end\n", MTASTS_ESYNTAX, 4 },              /* no id */
	{ HDR "fetched 1\nid x\n" POL "end\n", MTASTS_ESYNTAX, 4 },
	{ HDR "id x y\nfetched 1\n" POL "end\n", MTASTS_ESYNTAX, 3 },
	{ HDR "id x-y\nfetched 1\n" POL "end\n", MTASTS_ESYNTAX, 3 },
	{ HDR "id \nfetched 1\n" POL "end\n", MTASTS_ESYNTAX, 3 },
	{ HDR "id x\nfetched 01\n" POL "end\n", MTASTS_ESYNTAX, 4 },
	{ HDR "id x\nfetched -1\n" POL "end\n", MTASTS_ESYNTAX, 4 },
	{ HDR "id x\nfetched 99999999999999999999\n" POL "end\n",
	  MTASTS_ESYNTAX, 4 },
	/* 19 digits: past INT64_MAX, and just past the largest time (2^62);
	 * found by fuzz-cache as a signed overflow in the number reader */
	{ HDR "id x\nfetched 9999999999999999999\n" POL "end\n", MTASTS_ESYNTAX,
	  4 },
	{ HDR "id x\nfetched 9223372036854775808\n" POL "end\n", MTASTS_ESYNTAX,
	  4 },
	{ HDR "id x\nfetched 4611686018427387905\n" POL "end\n", MTASTS_ESYNTAX,
	  4 },
	{ HDR "failed 9223372036854775807 x\nfailures 1\nend\n", MTASTS_ESYNTAX,
	  3 },
	{ HDR "id x\nfetched 1x\n" POL "end\n", MTASTS_ESYNTAX, 4 },
	{ HDR "failed 1 x\nend\n", MTASTS_ESYNTAX, 4 }, /* no count */
	{ HDR "failed 1 x\nfailures 0\nend\n", MTASTS_ESYNTAX, 4 },
	{ HDR "failed 1\nfailures 1\nend\n", MTASTS_ESYNTAX, 3 },
	{ HDR "failures 1\nend\n", MTASTS_ESYNTAX, 3 },
	{ HDR "failed 1 x\nfailures 4294967296\nend\n", MTASTS_ESYNTAX, 4 },
	{ HDR "expires 1\nend\n", MTASTS_ESYNTAX, 3 },
	{ HDR "id x\nfetched 1\npolicy\nversion: STSv1\nend\n", MTASTS_ESYNTAX,
	  5 },
	{ HDR "id x\nfetched 1\npolicy 65537\nend\n", MTASTS_ESYNTAX, 5 },
	{ HDR "id x\nfetched 1\npolicy 99\nversion: STSv1\nend\n",
	  MTASTS_ESYNTAX, 5 },
	/* a policy length that swallows "end" */
	{ HDR "id x\nfetched 1\npolicy 41\nversion: STSv1\nmode: none\n"
	      "max_age: 1\nend\n",
	  MTASTS_ESYNTAX, 6 },
	{ HDR "id x\xc3\xa9\nfetched 1\n" POL "end\n", MTASTS_ESYNTAX, 3 },
	/* the embedded policy is checked by the policy parser */
	{ HDR "id x\nfetched 1\npolicy 35\nversion: STSv1\nmode: on\n"
	      "max_age: 1\nend\n",
	  MTASTS_EMODE, 0 },
	{ HDR "id x\nfetched 1\npolicy 0\nend\n", MTASTS_ESYNTAX, 0 },
};

START_TEST(deserialize_rejects)
{
	const struct bad_entry *c = &bad_entries[_i];
	mtasts_cache_entry *e = (mtasts_cache_entry *)1;
	mtasts_diag *d = NULL;
	size_t len = strlen(c->text);
	char *copy = malloc(len ? len : 1);

	/* exact length, no NUL after it: the reader must stay in bounds */
	memcpy(copy, c->text, len);
	ck_assert_int_eq(mtasts_diag_new(&d), MTASTS_OK);
	ck_assert_int_eq(mtasts_cache_entry_deserialize(&e, copy, len, d),
	                 c->status);
	ck_assert_ptr_null(e);
	ck_assert_uint_gt(mtasts_diag_error_count(d), 0);
	if (c->status == MTASTS_ESYNTAX && c->line) {
		ck_assert_int_eq(mtasts_diag_code(d, 0), MTASTS_D_CACHE_SYNTAX);
		ck_assert_msg(mtasts_diag_line(d, 0) == c->line,
		              "case %d: line %u, expected %u", _i,
		              mtasts_diag_line(d, 0), c->line);
	}
	mtasts_diag_free(d);
	free(copy);
}
END_TEST

/* The largest time an entry holds (2^62 seconds) reads back exactly. */
START_TEST(deserialize_time_bound)
{
	static const char text[] =
	        HDR "id x\nfetched 4611686018427387904\n" POL "end\n";
	mtasts_cache_entry *e = NULL;

	ck_assert_int_eq(mtasts_cache_entry_deserialize(&e, text,
	                                                sizeof(text) - 1, NULL),
	                 MTASTS_OK);
	ck_assert(mtasts_cache_entry_fetched_at(e) == (int64_t)1 << 62);
	mtasts_cache_entry_free(e);
}
END_TEST

START_TEST(deserialize_limits)
{
	size_t big = MTASTS_POLICY_MAX_SIZE + 1025;
	char *buf = malloc(big);
	mtasts_cache_entry *e = NULL;

	memset(buf, 'a', big);
	ck_assert_int_eq(mtasts_cache_entry_deserialize(&e, buf, big, NULL),
	                 MTASTS_ETOOLARGE);
	ck_assert_int_eq(mtasts_cache_entry_deserialize(&e, NULL, 1, NULL),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_cache_entry_deserialize(NULL, "x", 1, NULL),
	                 MTASTS_EINVAL);
	free(buf);
	buf = (char *)1;
	ck_assert_int_eq(mtasts_cache_entry_serialize(NULL, &buf, NULL),
	                 MTASTS_EINVAL);
	ck_assert_ptr_null(buf);
}
END_TEST

/* Every prefix and every one-byte change of a valid entry: never a crash,
 * and a success only when the text is still a valid entry. */
START_TEST(deserialize_mutations)
{
	mtasts_cache_entry *e = entry_with("testing", 86400, "abc", T0), *b;
	char *text, *copy;
	size_t len, i, head;

	ck_assert_int_eq(mtasts_cache_entry_fail(e, "def", T0 + 1), MTASTS_OK);
	ck_assert_int_eq(mtasts_cache_entry_serialize(e, &text, &len),
	                 MTASTS_OK);
	copy = malloc(len);
	head = len;
	for (i = 0; i <= len; i++) {
		int st;

		memcpy(copy, text, len);
		b = NULL;
		st = mtasts_cache_entry_deserialize(&b, copy, i, NULL);
		/* "end" closes an entry: a prefix never reads as one */
		if (i < head)
			ck_assert_msg(st != MTASTS_OK, "prefix of %zu bytes",
			              i);
		ck_assert(st == MTASTS_OK ? b != NULL : b == NULL);
		mtasts_cache_entry_free(b);
	}
	b = NULL;
	ck_assert_int_eq(mtasts_cache_entry_deserialize(&b, copy, len, NULL),
	                 MTASTS_OK);
	mtasts_cache_entry_free(b);
	for (i = 0; i < len; i++) {
		static const char bytes[] = {
			'\0', '\n', ' ', 'x', '9', '\x80'
		};
		size_t k;

		for (k = 0; k < sizeof(bytes); k++) {
			memcpy(copy, text, len);
			copy[i] = bytes[k];
			b = NULL;
			if (mtasts_cache_entry_deserialize(&b, copy, len,
			                                   NULL) == MTASTS_OK)
				ck_assert_ptr_nonnull(b);
			else
				ck_assert_ptr_null(b);
			mtasts_cache_entry_free(b);
		}
	}
	free(copy);
	mtasts_free(text);
	mtasts_cache_entry_free(e);
}
END_TEST

/* ---- applying a policy ------------------------------------------------------------ */

START_TEST(plan_enforce)
{
	mtasts_policy *p = policy("enforce", DAY);
	const char *hosts[] = { "MX1.example.com.", "mail.example.net",
		                "a.b.example.net", "mx2.example.com" };
	mtasts_plan *pl = NULL;
	int report = -1;

	ck_assert_int_eq(mtasts_plan_new(&pl, p, hosts, 4), MTASTS_OK);
	ck_assert_int_eq(mtasts_plan_mode(pl), MTASTS_MODE_ENFORCE);
	ck_assert_uint_eq(mtasts_plan_count(pl), 4);
	ck_assert_str_eq(mtasts_plan_host(pl, 0), "MX1.example.com.");
	/* exact (case-insensitive, trailing dot) and one-label wildcard */
	ck_assert_int_eq(mtasts_plan_verdict(pl, 0), MTASTS_MX_REQUIRE_TLS);
	ck_assert_uint_eq(mtasts_plan_pattern(pl, 0), 0);
	ck_assert_int_eq(mtasts_plan_verdict(pl, 1), MTASTS_MX_REQUIRE_TLS);
	ck_assert_uint_eq(mtasts_plan_pattern(pl, 1), 1);
	/* R-42: *.example.net does not cover a.b.example.net */
	ck_assert_int_eq(mtasts_plan_verdict(pl, 2), MTASTS_MX_REFUSE);
	ck_assert_uint_eq(mtasts_plan_pattern(pl, 2), MTASTS_NO_INDEX);
	ck_assert_int_eq(mtasts_plan_report_type(pl, 2),
	                 MTASTS_RESULT_VALIDATION_FAILURE); /* TA-15 */
	ck_assert_int_eq(mtasts_plan_report_type(pl, 0), 0);
	ck_assert_int_eq(mtasts_plan_verdict(pl, 3), MTASTS_MX_REFUSE);
	ck_assert_int_eq(mtasts_plan_deliverable(pl), 1);
	/* a matching host needs a verified session */
	ck_assert_int_eq(mtasts_plan_tls_outcome(pl, 0, 0, &report), 1);
	ck_assert_int_eq(report, 0);
	ck_assert_int_eq(
	        mtasts_plan_tls_outcome(
	                pl, 0, MTASTS_RESULT_CERTIFICATE_EXPIRED, &report),
	        0);
	ck_assert_int_eq(report, MTASTS_RESULT_CERTIFICATE_EXPIRED);
	ck_assert_int_eq(
	        mtasts_plan_tls_outcome(
	                pl, 1, MTASTS_RESULT_STARTTLS_NOT_SUPPORTED, &report),
	        0);
	ck_assert_int_eq(report, MTASTS_RESULT_STARTTLS_NOT_SUPPORTED);
	/* a refused host has no session; bad arguments */
	ck_assert_int_eq(mtasts_plan_tls_outcome(pl, 2, 0, &report),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_plan_tls_outcome(pl, 4, 0, &report),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(
	        mtasts_plan_tls_outcome(pl, 0, MTASTS_RESULT_STS_POLICY_INVALID,
	                                &report),
	        MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_plan_tls_outcome(pl, 0, 99, NULL),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_plan_verdict(pl, 4), MTASTS_EINVAL);
	ck_assert_ptr_null(mtasts_plan_host(pl, 4));
	mtasts_plan_free(pl);

	/* enforce and no host matches: nothing may be tried */
	ck_assert_int_eq(mtasts_plan_new(&pl, p, hosts + 2, 2), MTASTS_OK);
	ck_assert_int_eq(mtasts_plan_deliverable(pl), 0);
	mtasts_plan_free(pl);
	ck_assert_int_eq(mtasts_plan_new(&pl, p, NULL, 0), MTASTS_OK);
	ck_assert_int_eq(mtasts_plan_deliverable(pl), 0);
	mtasts_plan_free(pl);
	mtasts_policy_free(p);
}
END_TEST

START_TEST(plan_testing_none)
{
	mtasts_policy *t = policy("testing", DAY), *n = policy("none", DAY);
	const char *hosts[] = { "mx1.example.com", "other.example.org" };
	mtasts_plan *pl = NULL;
	int report = -1;

	/* testing delivers anyway and reports */
	ck_assert_int_eq(mtasts_plan_new(&pl, t, hosts, 2), MTASTS_OK);
	ck_assert_int_eq(mtasts_plan_verdict(pl, 0), MTASTS_MX_OPPORTUNISTIC);
	ck_assert_uint_eq(mtasts_plan_pattern(pl, 0), 0);
	ck_assert_int_eq(mtasts_plan_verdict(pl, 1), MTASTS_MX_OPPORTUNISTIC);
	ck_assert_int_eq(mtasts_plan_report_type(pl, 1),
	                 MTASTS_RESULT_VALIDATION_FAILURE);
	ck_assert_int_eq(
	        mtasts_plan_tls_outcome(
	                pl, 0, MTASTS_RESULT_CERTIFICATE_NOT_TRUSTED, &report),
	        1);
	ck_assert_int_eq(report, MTASTS_RESULT_CERTIFICATE_NOT_TRUSTED);
	ck_assert_int_eq(mtasts_plan_deliverable(pl), 1);
	mtasts_plan_free(pl);

	/* R-44, §6: none is no active policy, nothing reported */
	ck_assert_int_eq(mtasts_plan_new(&pl, n, hosts, 2), MTASTS_OK);
	ck_assert_int_eq(mtasts_plan_mode(pl), MTASTS_MODE_NONE);
	ck_assert_int_eq(mtasts_plan_verdict(pl, 1), MTASTS_MX_OPPORTUNISTIC);
	ck_assert_int_eq(mtasts_plan_report_type(pl, 1), 0);
	ck_assert_uint_eq(mtasts_plan_pattern(pl, 0), MTASTS_NO_INDEX);
	ck_assert_int_eq(
	        mtasts_plan_tls_outcome(
	                pl, 1, MTASTS_RESULT_STARTTLS_NOT_SUPPORTED, &report),
	        1);
	ck_assert_int_eq(report, 0);
	mtasts_plan_free(pl);

	/* no policy at all */
	ck_assert_int_eq(mtasts_plan_new(&pl, NULL, hosts, 2), MTASTS_OK);
	ck_assert_int_eq(mtasts_plan_mode(pl), 0);
	ck_assert_int_eq(mtasts_plan_verdict(pl, 0), MTASTS_MX_OPPORTUNISTIC);
	ck_assert_int_eq(mtasts_plan_tls_outcome(pl, 0, 0, &report), 1);
	ck_assert_int_eq(report, 0);
	mtasts_plan_free(pl);

	/* arguments */
	ck_assert_int_eq(mtasts_plan_new(NULL, t, hosts, 2), MTASTS_EINVAL);
	pl = (mtasts_plan *)1;
	ck_assert_int_eq(mtasts_plan_new(&pl, t, NULL, 1), MTASTS_EINVAL);
	ck_assert_ptr_null(pl);
	{
		const char *with_null[] = { "a.example", NULL };

		ck_assert_int_eq(mtasts_plan_new(&pl, t, with_null, 2),
		                 MTASTS_EINVAL);
	}
	ck_assert_int_eq(mtasts_plan_deliverable(NULL), 0);
	ck_assert_uint_eq(mtasts_plan_count(NULL), 0);
	ck_assert_int_eq(mtasts_plan_mode(NULL), 0);
	ck_assert_str_eq(mtasts_mx_verdict_name(MTASTS_MX_REQUIRE_TLS),
	                 "require-tls");
	ck_assert_str_eq(mtasts_mx_verdict_name(MTASTS_MX_REFUSE), "refuse");
	ck_assert_str_eq(mtasts_mx_verdict_name(MTASTS_MX_OPPORTUNISTIC),
	                 "opportunistic");
	ck_assert_ptr_null(mtasts_mx_verdict_name(0));
	ck_assert_ptr_null(mtasts_mx_verdict_name(4));
	mtasts_plan_free(NULL);
	mtasts_policy_free(t);
	mtasts_policy_free(n);
}
END_TEST

START_TEST(txt_state_from_status)
{
	static const int absent[] = { MTASTS_ENORECORD, MTASTS_EMULTIPLE,
		                      MTASTS_ESYNTAX,   MTASTS_EID,
		                      MTASTS_EVERSION,  MTASTS_ETOOLARGE };
	static const int tempfail[] = { MTASTS_EDNS, MTASTS_ENOMEM,
		                        MTASTS_EINVAL, MTASTS_ENOTSUP };
	size_t i;

	ck_assert_int_eq(mtasts_txt_state_from_status(MTASTS_OK),
	                 MTASTS_TXT_FOUND);
	/* R-06, C7: no usable record */
	for (i = 0; i < ARRAY_LEN(absent); i++)
		ck_assert_int_eq(mtasts_txt_state_from_status(absent[i]),
		                 MTASTS_TXT_ABSENT);
	/* A-22 and local failures: nothing learnt about the domain */
	for (i = 0; i < ARRAY_LEN(tempfail); i++)
		ck_assert_int_eq(mtasts_txt_state_from_status(tempfail[i]),
		                 MTASTS_TXT_TEMPFAIL);
}
END_TEST

START_TEST(names_and_values)
{
	/* fixed forever (mtasts.h) */
	ck_assert_int_eq(MTASTS_ACTION_USE, 1);
	ck_assert_int_eq(MTASTS_ACTION_NONE, 5);
	ck_assert_int_eq(MTASTS_TXT_NOT_CHECKED, 0);
	ck_assert_int_eq(MTASTS_TXT_TEMPFAIL, 3);
	ck_assert_int_eq(MTASTS_MX_REQUIRE_TLS, 1);
	ck_assert_int_eq(MTASTS_MX_OPPORTUNISTIC, 3);
	ck_assert_int_eq(MTASTS_CACHE_RETRY_DELAY, 300); /* */
	ck_assert_str_eq(mtasts_cache_action_name(MTASTS_ACTION_USE), "use");
	ck_assert_str_eq(mtasts_cache_action_name(MTASTS_ACTION_REFRESH),
	                 "refresh");
	ck_assert_str_eq(mtasts_cache_action_name(MTASTS_ACTION_FETCH),
	                 "fetch");
	ck_assert_str_eq(mtasts_cache_action_name(MTASTS_ACTION_LOOKUP),
	                 "lookup");
	ck_assert_str_eq(mtasts_cache_action_name(MTASTS_ACTION_NONE), "none");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("cache");
	TCase *tc = tcase_create("cache");
	SRunner *sr;
	int failures;

	tcase_add_test(tc, entry_basics);
	tcase_add_test(tc, entry_arguments);
	tcase_add_loop_test(tc, decide, 0, (int)ARRAY_LEN(decide_cases));
	tcase_add_test(tc, decide_lifecycle);
	tcase_add_test(tc, update_from_fetch);
	tcase_add_test(tc, serialize_round_trip);
	tcase_add_loop_test(tc, deserialize_rejects, 0,
	                    (int)ARRAY_LEN(bad_entries));
	tcase_add_test(tc, deserialize_time_bound);
	tcase_add_test(tc, deserialize_limits);
	tcase_add_test(tc, deserialize_mutations);
	tcase_add_test(tc, plan_enforce);
	tcase_add_test(tc, plan_testing_none);
	tcase_add_test(tc, txt_state_from_status);
	tcase_add_test(tc, names_and_values);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failures = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failures == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
