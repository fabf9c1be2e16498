/* SPDX-License-Identifier: MIT */
/*
 * The caching rules of RFC 8461 as pure functions (digest §4, C1-C12):
 * per-domain entries, the decision for a delivery, and a small text
 * serialisation for the MTA's own store. No I/O, no clock.
 */
#include "net.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mtasts_cache_entry {
	char domain[256];
	mtasts_policy *policy;
	char id[MTASTS_ID_MAX_LEN + 1];
	int64_t fetched_at;
	int has_failure;
	char failed_id[MTASTS_ID_MAX_LEN + 1];
	int64_t failed_at;
	unsigned int failures;
};

#define SERIAL_MAGIC "MTASTS-CACHE 1"
#define SERIAL_MAX (MTASTS_POLICY_MAX_SIZE + 1024)
#define TIME_MAX ((int64_t)1 << 62)

const char *
mtasts_cache_action_name(int action)
{
	switch (action) {
	case MTASTS_ACTION_USE:
		return "use";
	case MTASTS_ACTION_REFRESH:
		return "refresh";
	case MTASTS_ACTION_FETCH:
		return "fetch";
	case MTASTS_ACTION_LOOKUP:
		return "lookup";
	case MTASTS_ACTION_NONE:
		return "none";
	default:
		return NULL;
	}
}

int
mtasts_txt_state_from_status(int status)
{
	switch (status) {
	case MTASTS_OK:
		return MTASTS_TXT_FOUND;
	case MTASTS_EDNS:   /* temporary */
	case MTASTS_ENOMEM: /* local trouble: no conclusion about the */
	case MTASTS_EINVAL: /* domain */
	case MTASTS_ENOTSUP:
		return MTASTS_TXT_TEMPFAIL;
	default:
		/* NXDOMAIN, NODATA, none or several STSv1 records, an
		 * invalid one: no available policy (R-06, C7) */
		return MTASTS_TXT_ABSENT;
	}
}

int
mtasts_cache_entry_new(mtasts_cache_entry **out, const char *domain)
{
	mtasts_cache_entry *e;
	char host[256];

	if (!out)
		return MTASTS_EINVAL;
	*out = NULL;
	if (!domain || !mtasts__host_arg(domain, host))
		return MTASTS_EINVAL;
	e = calloc(1, sizeof(*e));
	if (!e)
		return MTASTS_ENOMEM;
	memcpy(e->domain, host, strlen(host) + 1);
	*out = e;
	return MTASTS_OK;
}

void
mtasts_cache_entry_free(mtasts_cache_entry *entry)
{
	if (!entry)
		return;
	mtasts_policy_free(entry->policy);
	free(entry);
}

const char *
mtasts_cache_entry_domain(const mtasts_cache_entry *entry)
{
	return entry ? entry->domain : NULL;
}

const mtasts_policy *
mtasts_cache_entry_policy(const mtasts_cache_entry *entry)
{
	return entry ? entry->policy : NULL;
}

const char *
mtasts_cache_entry_id(const mtasts_cache_entry *entry)
{
	return entry && entry->policy ? entry->id : NULL;
}

int64_t
mtasts_cache_entry_fetched_at(const mtasts_cache_entry *entry)
{
	return entry && entry->policy ? entry->fetched_at : 0;
}

int64_t
mtasts_cache_entry_expires_at(const mtasts_cache_entry *entry)
{
	if (!entry || !entry->policy)
		return 0;
	return entry->fetched_at +
	       (int64_t)mtasts_policy_max_age(entry->policy);
}

int
mtasts_cache_entry_usable(const mtasts_cache_entry *entry, int64_t now)
{
	/* C1, A-19: usable while now - fetched_at <= max_age */
	return entry && entry->policy &&
	       now <= mtasts_cache_entry_expires_at(entry);
}

int64_t
mtasts_cache_entry_failed_at(const mtasts_cache_entry *entry)
{
	return entry && entry->has_failure ? entry->failed_at : 0;
}

const char *
mtasts_cache_entry_failed_id(const mtasts_cache_entry *entry)
{
	return entry && entry->has_failure ? entry->failed_id : NULL;
}

unsigned int
mtasts_cache_entry_failures(const mtasts_cache_entry *entry)
{
	return entry ? entry->failures : 0;
}

/* An id argument: NULL (none) or valid; copied into dst. */
static int
id_arg(const char *id, char dst[MTASTS_ID_MAX_LEN + 1])
{
	if (!id) {
		dst[0] = '\0';
		return 1;
	}
	if (mtasts_id_check(id) != MTASTS_OK)
		return 0;
	memcpy(dst, id, strlen(id) + 1);
	return 1;
}

/* A copy of a policy: its canonical form parsed again (digest §2.4: the
 * canonical form always parses back to an equal policy). */
static int
policy_copy(const mtasts_policy *p, mtasts_policy **out)
{
	char *text;
	int st = mtasts_policy_format_alloc(p, MTASTS_FORMAT_LF, &text);

	*out = NULL;
	if (st != MTASTS_OK)
		return st;
	st = mtasts_policy_parse(out, text, strlen(text), 0, NULL);
	mtasts_free(text);
	return st == MTASTS_OK ? MTASTS_OK : MTASTS_ENOMEM;
}

int
mtasts_cache_entry_store(mtasts_cache_entry *entry, const mtasts_policy *policy,
                         const char *id, int64_t fetched_at)
{
	char idbuf[MTASTS_ID_MAX_LEN + 1];
	mtasts_policy *copy;
	int st;

	if (!entry || !policy || !id_arg(id, idbuf))
		return MTASTS_EINVAL;
	st = policy_copy(policy, &copy);
	if (st != MTASTS_OK)
		return st;
	/* a refresh made without a record (C12) keeps the id it knew */
	if (!id && entry->policy)
		memcpy(idbuf, entry->id, sizeof(idbuf));
	/* C4: the new policy replaces the cached one, whatever its mode */
	mtasts_policy_free(entry->policy);
	entry->policy = copy;
	memcpy(entry->id, idbuf, sizeof(idbuf));
	entry->fetched_at = fetched_at;
	entry->has_failure = 0;
	entry->failed_id[0] = '\0';
	entry->failed_at = 0;
	entry->failures = 0;
	return MTASTS_OK;
}

int
mtasts_cache_entry_fail(mtasts_cache_entry *entry, const char *id, int64_t when)
{
	char idbuf[MTASTS_ID_MAX_LEN + 1];

	if (!entry || !id_arg(id, idbuf))
		return MTASTS_EINVAL;
	/* C5: the cached policy stays; R-30: remember when, for which id */
	entry->has_failure = 1;
	memcpy(entry->failed_id, idbuf, sizeof(idbuf));
	entry->failed_at = when;
	if (entry->failures < 0xFFFFFFFFu)
		entry->failures++;
	return MTASTS_OK;
}

int
mtasts_cache_entry_update(mtasts_cache_entry *entry,
                          const mtasts_fetch_result *result)
{
	char url[400];
	const mtasts_policy *p;

	if (!entry || !result)
		return MTASTS_EINVAL;
	snprintf(url, sizeof(url), "https://mta-sts.%s/.well-known/mta-sts.txt",
	         entry->domain);
	if (!mtasts_fetch_result_url(result) ||
	    strcmp(url, mtasts_fetch_result_url(result)) != 0)
		return MTASTS_EINVAL;
	p = mtasts_fetch_result_policy(result);
	if (mtasts_fetch_result_status(result) == MTASTS_OK && p)
		return mtasts_cache_entry_store(
		        entry, p, mtasts_fetch_result_record_id(result),
		        mtasts_fetch_result_time(result));
	/* any failure, an invalid body included */
	return mtasts_cache_entry_fail(entry,
	                               mtasts_fetch_result_record_id(result),
	                               mtasts_fetch_result_time(result));
}

/* ---- the decision -------------------------------------------------------- */

/* Within the back-off after a failed fetch: for that id, or for
 * any id when id is NULL. */
static int
backing_off(const mtasts_cache_entry *e, const char *id, int64_t now,
            int64_t *until)
{
	if (!e || !e->has_failure ||
	    now - e->failed_at >= MTASTS_CACHE_RETRY_DELAY ||
	    (id && strcmp(id, e->failed_id) != 0))
		return 0;
	*until = e->failed_at + MTASTS_CACHE_RETRY_DELAY;
	return 1;
}

/* With a usable policy: USE, or REFRESH when one is due (C8, R-34). */
static int
use_or_refresh(const mtasts_cache_entry *e, int64_t now, int64_t *recheck)
{
	int64_t max_age = (int64_t)mtasts_policy_max_age(e->policy);
	int64_t interval = max_age / 2 < MTASTS_CACHE_REFRESH_MAX
	                           ? max_age / 2
	                           : MTASTS_CACHE_REFRESH_MAX;
	int64_t due = e->fetched_at + interval, until;

	if (now < due) {
		*recheck = due;
		return MTASTS_ACTION_USE;
	}
	if (backing_off(e, NULL, now, &until)) {
		*recheck = until;
		return MTASTS_ACTION_USE;
	}
	*recheck = now;
	return MTASTS_ACTION_REFRESH;
}

int
mtasts_cache_decide(const mtasts_cache_entry *entry, int txt_state,
                    const char *txt_id, int64_t now, int64_t *recheck_at)
{
	int64_t recheck = now, until;
	int usable = mtasts_cache_entry_usable(entry, now), action;

	if (recheck_at)
		*recheck_at = now;
	switch (txt_state) {
	case MTASTS_TXT_NOT_CHECKED:
		action = usable ? use_or_refresh(entry, now, &recheck)
		                : MTASTS_ACTION_LOOKUP;
		break;
	case MTASTS_TXT_FOUND:
		if (!txt_id || mtasts_id_check(txt_id) != MTASTS_OK)
			return MTASTS_EINVAL;
		if (usable && strcmp(txt_id, entry->id) == 0) {
			action = use_or_refresh(entry, now, &recheck);
		} else if (backing_off(entry, txt_id, now, &until)) {
			/* keep what is usable, else no policy */
			action =
			        usable ? MTASTS_ACTION_USE : MTASTS_ACTION_NONE;
			recheck = until;
		} else {
			/* a new id (C2, R-04) or nothing usable (C3) */
			action = usable ? MTASTS_ACTION_REFRESH
			                : MTASTS_ACTION_FETCH;
		}
		break;
	case MTASTS_TXT_ABSENT:
	case MTASTS_TXT_TEMPFAIL:
		/* C7, R-09: never evict on a DNS answer; C12: no first
		 * policy without a record */
		action = usable ? use_or_refresh(entry, now, &recheck)
		                : MTASTS_ACTION_NONE;
		break;
	default:
		return MTASTS_EINVAL;
	}
	if (action == MTASTS_ACTION_USE && usable) {
		int64_t expiry = mtasts_cache_entry_expires_at(entry) + 1;

		if (recheck > expiry)
			recheck = expiry;
	}
	if (recheck_at)
		*recheck_at = recheck;
	return action;
}

/* ---- serialisation ----------------------------------------------------------- */

int
mtasts_cache_entry_serialize(const mtasts_cache_entry *entry, char **out,
                             size_t *len)
{
	char head[700], *text = NULL, *buf;
	size_t hl, tl = 0;
	int n, st;

	if (len)
		*len = 0;
	if (!out)
		return MTASTS_EINVAL;
	*out = NULL;
	if (!entry)
		return MTASTS_EINVAL;
	if (entry->policy) {
		st = mtasts_policy_format_alloc(entry->policy, MTASTS_FORMAT_LF,
		                                &text);
		if (st != MTASTS_OK)
			return st;
		tl = strlen(text);
	}
	n = snprintf(head, sizeof(head), SERIAL_MAGIC "\ndomain %s\n",
	             entry->domain);
	if (entry->policy)
		n += snprintf(head + n, sizeof(head) - (size_t)n,
		              "id %s\nfetched %lld\n",
		              entry->id[0] ? entry->id : "-",
		              (long long)entry->fetched_at);
	if (entry->has_failure)
		n += snprintf(head + n, sizeof(head) - (size_t)n,
		              "failed %lld %s\nfailures %u\n",
		              (long long)entry->failed_at,
		              entry->failed_id[0] ? entry->failed_id : "-",
		              entry->failures);
	if (entry->policy)
		n += snprintf(head + n, sizeof(head) - (size_t)n,
		              "policy %zu\n", tl);
	hl = (size_t)n;
	buf = malloc(hl + tl + 5);
	if (!buf) {
		mtasts_free(text);
		return MTASTS_ENOMEM;
	}
	memcpy(buf, head, hl);
	if (text)
		memcpy(buf + hl, text, tl);
	memcpy(buf + hl + tl, "end\n", 5); /* with its NUL */
	mtasts_free(text);
	*out = buf;
	if (len)
		*len = hl + tl + 4;
	return MTASTS_OK;
}

/* A decimal number: "0" or no leading zero, at most max (max >= 0).
 * Checked before each step, so no value of any length overflows. */
static int
parse_num(const char *s, size_t n, int64_t max, int64_t *v)
{
	size_t i;

	*v = 0;
	if (n == 0 || n > 19 || (s[0] == '0' && n > 1))
		return 0;
	for (i = 0; i < n; i++) {
		int d = s[i] - '0';

		if (d < 0 || d > 9 || *v > max / 10 ||
		    (*v == max / 10 && d > max % 10))
			return 0;
		*v = *v * 10 + d;
	}
	return 1;
}

/* An id field: "-" (none) or a valid id. */
static int
parse_id(const char *s, size_t n, char dst[MTASTS_ID_MAX_LEN + 1])
{
	if (n == 1 && s[0] == '-') {
		dst[0] = '\0';
		return 1;
	}
	if (n == 0 || n > MTASTS_ID_MAX_LEN)
		return 0;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return mtasts_id_check(dst) == MTASTS_OK;
}

enum { K_DOMAIN, K_ID, K_FETCHED, K_FAILED, K_FAILURES, K_POLICY, K_END, K_N };

/* One "key value" line of an entry into e; NULL or what is wrong. */
static const char *
parse_field(mtasts_cache_entry *e, int key, const char *v, size_t vl,
            size_t *policy_len)
{
	int64_t num;

	switch (key) {
	case K_DOMAIN: {
		char tmp[256], canon[256];

		if (!v || vl >= sizeof(tmp))
			return "a bad domain";
		memcpy(tmp, v, vl);
		tmp[vl] = '\0';
		if (!mtasts__host_arg(tmp, canon) || strcmp(tmp, canon) != 0)
			return "a bad domain";
		memcpy(e->domain, canon, vl + 1);
		return NULL;
	}
	case K_ID:
		return v && parse_id(v, vl, e->id) ? NULL : "a bad id";
	case K_FETCHED:
		return v && parse_num(v, vl, TIME_MAX, &e->fetched_at)
		               ? NULL
		               : "a bad fetch time";
	case K_FAILED: {
		const char *sp = v ? memchr(v, ' ', vl) : NULL;

		e->has_failure = 1;
		if (!sp ||
		    !parse_num(v, (size_t)(sp - v), TIME_MAX, &e->failed_at) ||
		    !parse_id(sp + 1, vl - (size_t)(sp - v) - 1, e->failed_id))
			return "a bad failure record";
		return NULL;
	}
	case K_FAILURES:
		if (!v || !e->has_failure ||
		    !parse_num(v, vl, 0xFFFFFFFFll, &num) || num < 1)
			return "a bad failure count";
		e->failures = (unsigned int)num;
		return NULL;
	case K_POLICY:
		if (!v || !parse_num(v, vl, MTASTS_POLICY_MAX_SIZE, &num))
			return "a bad policy length";
		*policy_len = (size_t)num;
		return NULL;
	default: /* K_END */
		return v ? "text after \"end\"" : NULL;
	}
}

int
mtasts_cache_entry_deserialize(mtasts_cache_entry **out, const char *data,
                               size_t len, mtasts_diag *diag)
{
	static const char *const keys[K_N] = { "domain", "id",       "fetched",
		                               "failed", "failures", "policy",
		                               "end" };
	struct mtasts__sink s;
	mtasts_cache_entry *e;
	size_t pos = 0, policy_at = 0, policy_len = 0;
	unsigned int line = 0;
	int key = 0, seen[K_N] = { 0 }, st;
	const char *why = NULL;

	if (!out)
		return MTASTS_EINVAL;
	*out = NULL;
	if (!data && len)
		return MTASTS_EINVAL;
	mtasts__sink_init(&s, diag, 0);
	if (len > SERIAL_MAX) {
		mtasts__report(&s, MTASTS_D_TOO_LARGE, MTASTS_SEVERITY_ERROR, 0,
		               0, 0, "%zu bytes; a cache entry has at most %d",
		               len, SERIAL_MAX);
		return mtasts__sink_result(&s);
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		return MTASTS_ENOMEM;

	/* lines "key value" in a fixed order, each key at most once; the
	 * policy's bytes follow its line; "end" closes the entry, so a
	 * truncated entry never reads as a shorter valid one */
	while (!why && !seen[K_END]) {
		const char *l = data + pos, *nl, *v = NULL;
		size_t n, i, kl, vl = 0;

		line++;
		if (pos == len) {
			why = line == 1 ? "empty" : "no \"end\" line";
			break;
		}
		nl = memchr(l, '\n', len - pos);
		if (!nl) {
			why = "a line without its line feed";
			break;
		}
		n = (size_t)(nl - l);
		pos += n + 1;
		for (i = 0; !why && i < n; i++)
			if ((unsigned char)l[i] < 0x20 ||
			    (unsigned char)l[i] > 0x7E)
				why = "a byte that is not printable ASCII";
		if (why)
			break;
		if (line == 1) {
			if (n != sizeof(SERIAL_MAGIC) - 1 ||
			    memcmp(l, SERIAL_MAGIC, n) != 0)
				why = "not a libmtasts cache entry of version 1";
			continue;
		}
		for (kl = 0; kl < n && l[kl] != ' '; kl++)
			;
		if (kl < n) {
			v = l + kl + 1;
			vl = n - kl - 1;
		}
		while (key < K_N && !(strlen(keys[key]) == kl &&
		                      memcmp(keys[key], l, kl) == 0))
			key++;
		if (key == K_N) {
			why = "an unknown, repeated or misplaced field";
			break;
		}
		why = parse_field(e, key, v, vl, &policy_len);
		if (!why && key == K_POLICY) {
			if (policy_len > len - pos) {
				why = "a policy shorter than its length";
				break;
			}
			policy_at = pos;
			pos += policy_len;
			/* the policy's lines are counted as one */
		}
		seen[key++] = 1;
	}
	if (!why && pos != len)
		why = "bytes after \"end\"";
	else if (!why && !seen[K_DOMAIN])
		why = "no domain";
	else if (!why && (seen[K_ID] != seen[K_POLICY] ||
	                  seen[K_FETCHED] != seen[K_POLICY]))
		/* "id" and "fetched" come with a policy and only with one */
		why = "a policy without its id and fetch time, or the reverse";
	else if (!why && seen[K_FAILED] != seen[K_FAILURES])
		why = "a failure record without its count";
	if (why) {
		mtasts__report(&s, MTASTS_D_CACHE_SYNTAX, MTASTS_SEVERITY_ERROR,
		               line, 1, 0, "cache entry: %s", why);
		mtasts_cache_entry_free(e);
		return s.oom ? MTASTS_ENOMEM : MTASTS_ESYNTAX;
	}
	if (seen[K_POLICY]) {
		st = mtasts_policy_parse(&e->policy, data + policy_at,
		                         policy_len, 0, diag);
		if (st != MTASTS_OK) {
			mtasts_cache_entry_free(e);
			return st;
		}
	}
	*out = e;
	return MTASTS_OK;
}
