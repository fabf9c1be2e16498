/* SPDX-License-Identifier: MIT */
/*
 * What a request needs, decided by mtasts_cache_decide() for every request
 * (digest §4), and the network work behind it: one job per domain at a
 * time (single-flight), run by the worker pool (whose size caps the
 * network operations in flight), foreground jobs before background ones.
 *
 *   USE      answer from the cached policy (C1, R-33)
 *   REFRESH  answer from the cached policy and fetch again in the
 *            background: a new id (C2) or a refresh that is due (C8, R-34)
 *   LOOKUP   nothing usable cached: look up the TXT record, then decide
 *            again; the client waits (up to --deadline)
 *   FETCH    a record and nothing usable cached: fetch, then decide again
 *   NONE     no policy applies: NOTFOUND (R-32, C6, C7, C12)
 *
 * The daemon also remembers the last TXT answer of a domain for --recheck
 * seconds (a negative cache for domains without MTA-STS, and "check for a
 * new policy on use", R-47): while it is fresh it is given to
 * mtasts_cache_decide() instead of MTASTS_TXT_NOT_CHECKED.
 */
#include "policyd.h"

#include <stdlib.h>
#include <string.h>

enum { JOB_TXT = 1, JOB_FETCH = 2 };

struct pd_job {
	struct pd_job *next;  /* queue */
	struct pd_job *hnext; /* registry bucket */
	char domain[256];
	int kind;
	int bg;                         /* nobody waits: a refresh */
	int queued;                     /* in a queue, not yet with a worker */
	char id[MTASTS_ID_MAX_LEN + 1]; /* FETCH: the record id, or "" */
	/* set by the worker */
	int status;
	char found_id[MTASTS_ID_MAX_LEN + 1];
	char error[200];
	mtasts_fetch_result *result;
	/* clients waiting for this domain */
	struct pd_conn *waiters;
};

#define NBUCKET 1024
#define BG_QUEUE_MAX 256

static struct {
	struct pd_job *bucket[NBUCKET];
	size_t count;
	struct pd_job *fg_head, *fg_tail, *bg_head, *bg_tail;
	size_t bg_queued;
	size_t scan_cursor;
} jobs;

struct pd_stats pd_stats;

/* ---- the job registry and queues ------------------------------------------- */

static unsigned int
bucket_of(const char *d)
{
	unsigned int h = 5381;

	while (*d)
		h = h * 33 + (unsigned char)*d++;
	return h % NBUCKET;
}

static struct pd_job *
job_find(const char *domain)
{
	struct pd_job *j;

	for (j = jobs.bucket[bucket_of(domain)]; j; j = j->hnext)
		if (strcmp(j->domain, domain) == 0)
			return j;
	return NULL;
}

static void
job_unlink(struct pd_job *job)
{
	struct pd_job **p = &jobs.bucket[bucket_of(job->domain)];

	while (*p && *p != job)
		p = &(*p)->hnext;
	if (*p)
		*p = job->hnext;
	jobs.count--;
}

static void
enqueue(struct pd_job *job)
{
	struct pd_job **head = job->bg ? &jobs.bg_head : &jobs.fg_head;
	struct pd_job **tail = job->bg ? &jobs.bg_tail : &jobs.fg_tail;

	job->next = NULL;
	job->queued = 1;
	if (*tail)
		(*tail)->next = job;
	else
		*head = job;
	*tail = job;
	if (job->bg)
		jobs.bg_queued++;
}

static struct pd_job *
dequeue(struct pd_job **head, struct pd_job **tail)
{
	struct pd_job *j = *head;

	if (!j)
		return NULL;
	*head = j->next;
	if (!*head)
		*tail = NULL;
	j->next = NULL;
	j->queued = 0;
	return j;
}

/* A client waits for a queued background job: move it to the front
 * queue. */
static void
promote(struct pd_job *job)
{
	struct pd_job **p = &jobs.bg_head, *prev = NULL;

	job->bg = 0;
	if (!job->queued)
		return;
	while (*p && *p != job) {
		prev = *p;
		p = &(*p)->next;
	}
	if (!*p)
		return;
	*p = job->next;
	if (jobs.bg_tail == job)
		jobs.bg_tail = prev;
	jobs.bg_queued--;
	enqueue(job);
}

/* Hand queued jobs to idle workers, foreground first. */
static void
dispatch(void)
{
	while (pd_pool_idle() > 0) {
		struct pd_job *j = dequeue(&jobs.fg_head, &jobs.fg_tail);

		if (!j) {
			j = dequeue(&jobs.bg_head, &jobs.bg_tail);
			if (!j)
				return;
			jobs.bg_queued--;
		}
		if (!pd_pool_submit(j)) {
			enqueue(j);
			return;
		}
	}
}

static struct pd_job *
job_start(const char *domain, int kind, const char *id, int bg)
{
	struct pd_job *j;
	unsigned int b;

	if (bg && jobs.bg_queued >= BG_QUEUE_MAX)
		return NULL; /* a later request or scan asks again */
	j = calloc(1, sizeof(*j));
	if (!j)
		return NULL;
	snprintf(j->domain, sizeof(j->domain), "%s", domain);
	j->kind = kind;
	j->bg = bg;
	snprintf(j->id, sizeof(j->id), "%s", id ? id : "");
	b = bucket_of(domain);
	j->hnext = jobs.bucket[b];
	jobs.bucket[b] = j;
	jobs.count++;
	enqueue(j);
	dispatch();
	return j;
}

size_t
pd_resolve_inflight(void)
{
	return jobs.count;
}

/* ---- the decision ------------------------------------------------------------ */

/* How long a TXT answer is trusted: --recheck, and one minute at most for
 * a temporary failure (A-22: try again soon). */
static int64_t
txt_ttl(int state)
{
	if (state == MTASTS_TXT_TEMPFAIL)
		return pd_cfg.recheck < 60 ? pd_cfg.recheck : 60;
	return pd_cfg.recheck;
}

struct view {
	mtasts_cache_entry *entry; /* NULL when nothing is cached */
	struct pd_txt txt;
	int fresh; /* txt is recent enough to use */
	int action;
};

static void
view_free(struct view *v)
{
	mtasts_cache_entry_free(v->entry);
	v->entry = NULL;
}

/* Everything known of a domain, and mtasts_cache_decide()'s action. */
static int
decide(const char *domain, int64_t now, struct view *v)
{
	struct pd_rec *rec = pd_store_find(domain);
	int state;

	memset(v, 0, sizeof(*v));
	v->txt.state = MTASTS_TXT_NOT_CHECKED;
	if (rec) {
		int st = pd_rec_has_entry(rec) ? pd_rec_entry(rec, &v->entry)
		                               : MTASTS_OK;

		if (st != MTASTS_OK)
			return st;
		pd_rec_txt(rec, &v->txt);
	}
	v->fresh = v->txt.at > 0 && v->txt.state != MTASTS_TXT_NOT_CHECKED &&
	           now >= v->txt.at && now - v->txt.at < txt_ttl(v->txt.state);
	state = v->fresh ? v->txt.state : MTASTS_TXT_NOT_CHECKED;
	v->action = mtasts_cache_decide(
	        v->entry, state, state == MTASTS_TXT_FOUND ? v->txt.id : NULL,
	        now, NULL);
	if (v->action < 0) {
		view_free(v);
		return v->action;
	}
	return MTASTS_OK;
}

/* The id a background fetch goes with: the fresh TXT id, else the cached
 * one (a refresh without a record, C12, A-21). */
static const char *
fetch_id(const struct view *v)
{
	const char *id;

	if (v->fresh && v->txt.state == MTASTS_TXT_FOUND)
		return v->txt.id;
	id = v->entry ? mtasts_cache_entry_id(v->entry) : NULL;
	return id && id[0] ? id : NULL;
}

static char *
dup_text(const char *s, size_t *len)
{
	size_t n = strlen(s);
	char *p = malloc(n + 1);

	if (p)
		memcpy(p, s, n + 1);
	*len = n;
	return p;
}

static int
reply_from(const struct view *v, const char *domain, int dialect,
           struct pd_reply *reply)
{
	reply->text = pd_answer_policy(mtasts_cache_entry_policy(v->entry),
	                               domain, dialect, &reply->len);
	return reply->text != NULL;
}

/* The reply when waiting is not possible or over: no policy yet (R-32,
 * deliver as if the domain had no MTA-STS), or TEMP when the
 * administrator prefers to defer. */
static void
reply_unknown(struct pd_reply *reply)
{
	reply->text =
	        dup_text(pd_cfg.deadline_temp ? "TEMP policy lookup in progress"
	                                      : "NOTFOUND ",
	                 &reply->len);
}

/* The reply for a domain, or 0 when a job must run first; then *kind and
 * *id say which. With may_wait 0 the reply is always given. */
static int
serve(const char *domain, int dialect, int may_wait, struct pd_reply *reply,
      int *kind, char id[MTASTS_ID_MAX_LEN + 1])
{
	int64_t now = pd_now();
	struct view v;
	int st = decide(domain, now, &v);

	reply->text = NULL;
	if (st != MTASTS_OK) {
		pd_log(PD_LOG_ERR, "%s: cache decision failed: %s", domain,
		       mtasts_strerror(st));
		reply->text = dup_text("TEMP internal error", &reply->len);
		return 1;
	}
	switch (v.action) {
	case MTASTS_ACTION_USE:
	case MTASTS_ACTION_REFRESH:
		pd_stats.hits++;
		if (v.action == MTASTS_ACTION_REFRESH || !v.fresh) {
			/* REFRESH: a new id or a due refresh, in the
			 * background; USE with an old TXT answer: look for
			 * a new id (R-47 allows checking on every use) */
			if (!job_find(domain)) {
				if (!v.fresh)
					job_start(domain, JOB_TXT, NULL, 1);
				else if (v.action == MTASTS_ACTION_REFRESH)
					job_start(domain, JOB_FETCH,
					          fetch_id(&v), 1);
			}
		}
		reply_from(&v, domain, dialect, reply);
		break;
	case MTASTS_ACTION_LOOKUP:
	case MTASTS_ACTION_FETCH:
		if (!may_wait) {
			reply_unknown(reply);
			break;
		}
		*kind = v.action == MTASTS_ACTION_LOOKUP ? JOB_TXT : JOB_FETCH;
		snprintf(id, MTASTS_ID_MAX_LEN + 1, "%s",
		         v.action == MTASTS_ACTION_FETCH ? v.txt.id : "");
		view_free(&v);
		return 0;
	case MTASTS_ACTION_NONE:
	default:
		reply->text = dup_text("NOTFOUND ", &reply->len);
		break;
	}
	view_free(&v);
	if (!reply->text)
		reply->text = dup_text("TEMP out of memory", &reply->len);
	return 1;
}

int
pd_resolve(struct pd_conn *c, const char *domain, int dialect,
           struct pd_reply *reply)
{
	char id[MTASTS_ID_MAX_LEN + 1] = "";
	int kind = 0;
	struct pd_job *j;

	pd_stats.requests++;
	if (serve(domain, dialect, 1, reply, &kind, id))
		return 1;
	j = job_find(domain);
	if (!j)
		j = job_start(domain, kind, id, 0);
	else if (j->bg)
		promote(j);
	if (!j) {
		reply->text = dup_text("TEMP out of memory", &reply->len);
		return 1;
	}
	pd_stats.waits++;
	c->job = j;
	c->dialect = dialect;
	c->job_next = j->waiters;
	j->waiters = c;
	return 0;
}

void
pd_resolve_forget(struct pd_conn *c)
{
	struct pd_conn **p;

	if (!c->job)
		return;
	for (p = &c->job->waiters; *p; p = &(*p)->job_next)
		if (*p == c) {
			*p = c->job_next;
			break;
		}
	c->job = NULL;
	c->job_next = NULL;
}

/* ---- jobs: the worker side ----------------------------------------------------- */

void
pd_job_run(struct pd_job *job, mtasts_ctx *ctx)
{
	unsigned int flags = pd_cfg.lenient ? MTASTS_PARSE_LENIENT : 0;

	if (job->kind == JOB_TXT) {
		mtasts_record *rec = NULL;
		int dns = 0;

		/* R-05..R-08: the library selects and parses the record */
		job->status = mtasts_discover_record(ctx, job->domain, &rec,
		                                     &dns, flags, NULL);
		if (job->status == MTASTS_OK)
			snprintf(job->found_id, sizeof(job->found_id), "%s",
			         mtasts_record_id(rec));
		mtasts_record_free(rec);
	} else {
		/* R-12..R-31: every rule of the fetch is the library's */
		job->status = mtasts_policy_fetch(ctx, job->domain,
		                                  job->id[0] ? job->id : NULL,
		                                  flags, &job->result, NULL);
		if (job->result && mtasts_fetch_result_error(job->result))
			snprintf(job->error, sizeof(job->error), "%s",
			         mtasts_fetch_result_error(job->result));
	}
}

/* ---- jobs: back in the loop ------------------------------------------------------ */

static void
log_fetch(const struct pd_job *job, const mtasts_cache_entry *e, int had)
{
	const mtasts_policy *p = mtasts_cache_entry_policy(e);

	if (job->status == MTASTS_OK) {
		pd_log(PD_LOG_INFO,
		       "%s: policy fetched (id %s, mode %s, max_age %u)",
		       job->domain, job->id[0] ? job->id : "-",
		       mtasts_mode_name(mtasts_policy_mode(p)),
		       (unsigned int)mtasts_policy_max_age(p));
		return;
	}
	/* C9, R-35, R-60: alert on a failed refresh of a usable policy,
	 * except for mode none */
	if (had && p && mtasts_policy_mode(p) != MTASTS_MODE_NONE)
		pd_log(PD_LOG_WARNING,
		       "%s: policy refresh failed (%u in a row), the cached "
		       "policy stays in force until %lld: %s",
		       job->domain, mtasts_cache_entry_failures(e),
		       (long long)mtasts_cache_entry_expires_at(e),
		       job->error[0] ? job->error
		                     : mtasts_strerror(job->status));
	else
		pd_log(PD_LOG_INFO, "%s: policy fetch failed: %s", job->domain,
		       job->error[0] ? job->error
		                     : mtasts_strerror(job->status));
}

/* Apply a finished job. Returns 1 when the job goes on (a fetch after the
 * lookup), 0 when it is over. */
static int
apply(struct pd_job *job)
{
	int64_t now = pd_now();
	struct view v;
	int st = decide(job->domain, now, &v);

	if (st != MTASTS_OK) {
		pd_log(PD_LOG_ERR, "%s: %s", job->domain, mtasts_strerror(st));
		return 0;
	}
	if (job->kind == JOB_TXT) {
		pd_stats.lookups++;
		v.txt.state = mtasts_txt_state_from_status(job->status);
		v.txt.at = now;
		snprintf(v.txt.id, sizeof(v.txt.id), "%s",
		         v.txt.state == MTASTS_TXT_FOUND ? job->found_id : "");
		pd_log(PD_LOG_DEBUG, "%s: TXT %s%s%s", job->domain,
		       v.txt.state == MTASTS_TXT_FOUND ? "id " : "",
		       v.txt.state == MTASTS_TXT_FOUND ? v.txt.id : "",
		       v.txt.state == MTASTS_TXT_FOUND
		               ? ""
		               : mtasts_strerror(job->status));
		if (pd_store_put(job->domain, v.entry, &v.txt) != MTASTS_OK) {
			view_free(&v);
			return 0;
		}
		st = mtasts_cache_decide(
		        v.entry, v.txt.state,
		        v.txt.state == MTASTS_TXT_FOUND ? v.txt.id : NULL, now,
		        NULL);
		if (st == MTASTS_ACTION_FETCH || st == MTASTS_ACTION_REFRESH) {
			v.fresh = 1;
			snprintf(job->id, sizeof(job->id), "%s",
			         fetch_id(&v) ? fetch_id(&v) : "");
			job->kind = JOB_FETCH;
			view_free(&v);
			return 1;
		}
		view_free(&v);
		return 0;
	}
	pd_stats.fetches++;
	{
		int had = mtasts_cache_entry_usable(v.entry, now);

		if (!v.entry && mtasts_cache_entry_new(&v.entry, job->domain) !=
		                        MTASTS_OK) {
			view_free(&v);
			return 0;
		}
		if (job->result)
			st = mtasts_cache_entry_update(v.entry, job->result);
		else
			st = mtasts_cache_entry_fail(
			        v.entry, job->id[0] ? job->id : NULL, now);
		if (st == MTASTS_OK) {
			log_fetch(job, v.entry, had);
			st = pd_store_put(job->domain, v.entry, &v.txt);
		}
		if (st != MTASTS_OK)
			pd_log(PD_LOG_ERR, "%s: cannot cache the fetch: %s",
			       job->domain, mtasts_strerror(st));
	}
	view_free(&v);
	return 0;
}

void
pd_job_done(struct pd_job *job)
{
	struct pd_conn *c, *next;

	int more = apply(job);

	mtasts_fetch_result_free(job->result);
	job->result = NULL;
	if (more) {
		job->status = 0;
		job->error[0] = '\0';
		enqueue(job);
		dispatch();
		return;
	}
	job_unlink(job);
	/* every waiting client gets its answer from the new state; no new
	 * job is started for them (no loop) */
	for (c = job->waiters; c; c = next) {
		struct pd_reply r;
		char id[MTASTS_ID_MAX_LEN + 1];
		int kind;

		next = c->job_next;
		c->job = NULL;
		c->job_next = NULL;
		(void)serve(job->domain, c->dialect, 0, &r, &kind, id);
		pd_conn_reply(c, r.text, r.len);
	}
	free(job);
	dispatch();
}

/* ---- the scanner: proactive refresh and cleaning ------------------------------------ */

#define SCAN_SLICE 2000

struct scan {
	int64_t now;
	char (*refresh)[256];
	size_t n_refresh;
	char (*drop)[256];
	size_t n_drop;
};

static void
scan_one(struct pd_rec *rec, void *arg)
{
	struct scan *s = arg;
	const char *d = pd_rec_domain(rec);
	struct pd_txt txt;

	pd_rec_txt(rec, &txt);
	if (!pd_rec_has_entry(rec)) {
		/* only a TXT answer (a negative cache): drop it once stale */
		if (s->now - txt.at >= txt_ttl(txt.state) && !job_find(d))
			snprintf(s->drop[s->n_drop++], 256, "%s", d);
		return;
	}
	if (pd_rec_refresh_at(rec) > s->now || job_find(d))
		return;
	snprintf(s->refresh[s->n_refresh++], 256, "%s", d);
}

void
pd_resolve_tick(void)
{
	static char refresh[SCAN_SLICE][256], drop[SCAN_SLICE][256];
	struct scan s = { pd_now(), refresh, 0, drop, 0 };
	size_t i;

	pd_store_scan(&jobs.scan_cursor, SCAN_SLICE, scan_one, &s);
	for (i = 0; i < s.n_drop; i++)
		pd_store_delete(drop[i]);
	for (i = 0; i < s.n_refresh; i++) {
		struct view v;

		if (decide(refresh[i], s.now, &v) != MTASTS_OK)
			continue;
		if (v.action == MTASTS_ACTION_REFRESH && pd_cfg.refresh) {
			/* C8, R-34, S-03: refresh before expiry, whether or
			 * not the domain is asked for */
			if (!v.fresh)
				job_start(refresh[i], JOB_TXT, NULL, 1);
			else
				job_start(refresh[i], JOB_FETCH, fetch_id(&v),
				          1);
		} else if (!mtasts_cache_entry_usable(v.entry, s.now) &&
		           !v.fresh &&
		           (mtasts_cache_entry_failed_at(v.entry) == 0 ||
		            s.now - mtasts_cache_entry_failed_at(v.entry) >=
		                    MTASTS_CACHE_RETRY_DELAY)) {
			/* expired (C1) and no back-off to remember */
			pd_store_delete(refresh[i]);
		} else {
			/* the memo is stale: store it again to renew it */
			(void)pd_store_put(refresh[i], v.entry, &v.txt);
		}
		view_free(&v);
	}
}

void
pd_resolve_free(void)
{
	size_t b;

	for (b = 0; b < NBUCKET; b++) {
		struct pd_job *j, *next;

		/* the pool has stopped: every job left is only here */
		for (j = jobs.bucket[b]; j; j = next) {
			next = j->hnext;
			mtasts_fetch_result_free(j->result);
			free(j);
		}
		jobs.bucket[b] = NULL;
	}
	memset(&jobs, 0, sizeof(jobs));
}
