/* SPDX-License-Identifier: MIT */
/*
 * mtasts-policyd: a Postfix smtp_tls_policy_maps socketmap daemon on
 * libmtasts (issue 8). Declarations shared by its files:
 *
 *   main.c     options, configuration file, logging, start and stop
 *   loop.c     the event loop: listeners, client connections, netstrings,
 *              deadlines, the worker pool and its completion eventfd
 *   store.c    the per-domain cache: compact records in a hash table, each
 *              turned into a mtasts_cache_entry for every decision, and
 *              the cache file
 *   resolve.c  what a request needs (mtasts_cache_decide), single-flight
 *              jobs per domain, background refresh
 *   answer.c   key normalisation and the socketmap answers (dialects)
 *
 * Requirement ids (R-xx, C-xx, A-xx, S-xx) refer to the project's RFC 8461
 * digest (spec/rfc8461-digest.md).
 */
#ifndef POLICYD_H
#define POLICYD_H

#define _GNU_SOURCE 1

#include <mtasts.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PD_NAME "mtasts-policyd"

/* ---- configuration (main.c) ---------------------------------------------- */

#define PD_MAX_LISTEN 16
#define PD_MAX_CONNECT_TO 64

struct pd_config {
	const char *listen[PD_MAX_LISTEN];
	size_t n_listen;
	const char *connect_to[PD_MAX_CONNECT_TO];
	size_t n_connect_to;
	const char *dns_server;
	const char *ca_file;
	const char *cache_file;
	unsigned int timeout;       /* seconds, network operations */
	unsigned int deadline_ms;   /* a client's wait for a first fetch */
	int deadline_temp;          /* answer TEMP (1) or NOTFOUND (0) */
	unsigned int workers;       /* threads = cap on network operations */
	unsigned int recheck;       /* seconds a TXT answer is trusted */
	unsigned int save_interval; /* seconds between cache file saves */
	unsigned int max_clients;
	unsigned int max_request; /* largest netstring accepted, bytes */
	int strict_testing;
	int refresh; /* proactive refresh (C8, R-34) */
	int foreground;
	int use_syslog;
	int verbose;
	int lenient; /* MTASTS_PARSE_LENIENT for records/policies */
};

extern struct pd_config pd_cfg;

/* ---- logging (main.c) ----------------------------------------------------- */

enum { PD_LOG_ERR = 3, PD_LOG_WARNING = 4, PD_LOG_INFO = 6, PD_LOG_DEBUG = 7 };

void pd_log(int level, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

/* ---- time ------------------------------------------------------------------ */

/* Wall-clock seconds (the library's times) and a monotonic millisecond
 * clock (deadlines). */
int64_t pd_now(void);
int64_t pd_mono_ms(void);

/* ---- key normalisation and answers (answer.c) ----------------------------- */

enum pd_dialect {
	PD_DIALECT_POSTFIX = 1, /* secure match=... servername=hostname */
	PD_DIALECT_TLSRPT = 2   /* + policy_type=sts ... (Postfix >= 3.10) */
};

/* The dialect of a socketmap name, or 0 for an unknown name. */
int pd_dialect(const char *name, size_t len);

/* Normalise a lookup key into a Policy Domain (A-label, lower case, no
 * trailing dot) in out[256]. Returns 1, or 0 when the key has no policy
 * (IP literal, parent-domain probe, not a host name): NOTFOUND. */
int pd_normalize_key(const char *key, size_t len, char out[256]);

/* Whether U-label keys are converted (libidn2) or answered NOTFOUND. */
int pd_idn_available(void);

/* The reply to a request for which a policy applies, without the netstring
 * framing: "OK secure match=..." or "NOTFOUND " (mode none, testing without
 * --strict-testing, nothing usable to match). Returns a malloc'd string,
 * or NULL when out of memory. */
char *pd_answer_policy(const mtasts_policy *policy, const char *domain,
                       int dialect, size_t *len);

/* ---- the cache (store.c) ---------------------------------------------------- */

/* What is known of the _mta-sts TXT record of a domain (besides its
 * mtasts_cache_entry), and since when. */
struct pd_txt {
	int state;  /* MTASTS_TXT_* */
	int64_t at; /* when it was learnt (0: never) */
	char id[MTASTS_ID_MAX_LEN + 1];
};

struct pd_rec;

int pd_store_init(void);
void pd_store_free(void);
size_t pd_store_count(void);

/* Find the record of a domain (NULL if none). */
struct pd_rec *pd_store_find(const char *domain);

/* The record's cache entry, made afresh from the compact record (the caller
 * frees it with mtasts_cache_entry_free()), and its TXT knowledge. A record
 * without a policy or failure gives an empty entry. Returns a status. */
int pd_rec_entry(const struct pd_rec *rec, mtasts_cache_entry **out);
void pd_rec_txt(const struct pd_rec *rec, struct pd_txt *txt);
const char *pd_rec_domain(const struct pd_rec *rec);
int64_t pd_rec_refresh_at(const struct pd_rec *rec);

/* Store (insert or replace) the state of a domain: its entry (NULL for a
 * record without one) and TXT knowledge. Records are immutable: a put
 * replaces the old one, so record pointers are not kept across puts.
 * Returns a status. */
int pd_store_put(const char *domain, const mtasts_cache_entry *entry,
                 const struct pd_txt *txt);
void pd_store_delete(const char *domain);

/* Visit up to max records from *cursor on (0 to start); returns the number
 * visited and sets *cursor to 0 after the last one. The callback may not
 * put or delete. */
size_t pd_store_scan(size_t *cursor, size_t max,
                     void (*fn)(struct pd_rec *rec, void *arg), void *arg);

/* The cache file: load it (a missing file is an empty cache), and write a
 * new one atomically (temporary file + fsync + rename). */
int pd_store_load(const char *path);
int pd_store_save(const char *path);
int pd_store_dirty(void);
/* Serialise every record into a buffer for the cache file, a slice at a
 * time (see loop.c); 1 when done. */
struct pd_savebuf {
	char *data;
	size_t len, cap;
	size_t cursor;
	size_t count;
};
int pd_store_save_step(struct pd_savebuf *sb, size_t max);
int pd_store_write_file(const char *path, const char *data, size_t len);
int pd_rec_has_entry(const struct pd_rec *rec);

/* ---- resolution (resolve.c) -------------------------------------------------- */

struct pd_conn;
struct pd_job;

/* A client connection (loop.c); the resolver links waiting clients to the
 * job they wait for. */
struct pd_conn {
	int fd;
	uint32_t events; /* the epoll mask in force */
	char *in;
	size_t in_len, in_cap;
	char *out;
	size_t out_len, out_off, out_cap;
	int waiting; /* a request is being resolved */
	int closing; /* close once the output is written */
	int64_t deadline_ms;
	struct pd_conn *dl_prev, *dl_next; /* clients waiting, by deadline */
	struct pd_conn *all_prev, *all_next;
	/* resolve.c */
	struct pd_job *job;
	struct pd_conn *job_next;
	int dialect;
};

/* The outcome handed back to a client: the reply text. */
struct pd_reply {
	char *text; /* malloc'd, without netstring framing */
	size_t len;
};

/* Work out the reply for a normalised domain. Returns 1 with *reply set
 * when it is known now, 0 when the client must wait: pd_conn_reply() is
 * then called later (or the deadline passes first). */
int pd_resolve(struct pd_conn *c, const char *domain, int dialect,
               struct pd_reply *reply);

/* The client stopped waiting (deadline or disconnect). */
void pd_resolve_forget(struct pd_conn *c);

/* A job finished in a worker: apply it in the loop. */
void pd_job_done(struct pd_job *job);

/* Run a job in a worker thread (blocking network calls). */
void pd_job_run(struct pd_job *job, mtasts_ctx *ctx);

/* Periodic work: proactive refresh and cleaning (once a second). */
void pd_resolve_tick(void);

/* Free what is still queued at exit. */
void pd_resolve_free(void);
size_t pd_resolve_inflight(void);

/* ---- the loop (loop.c) --------------------------------------------------------- */

int pd_loop_run(mtasts_ctx *ctx);

/* Deliver the reply of a waiting client (takes ownership of the text). */
void pd_conn_reply(struct pd_conn *c, char *text, size_t len);

/* Queue a job for the worker pool (1), or 0 when every worker is busy:
 * the caller keeps it queued. */
int pd_pool_submit(struct pd_job *job);
unsigned int pd_pool_idle(void);

/* Ask the loop to stop (signal handlers). */
extern volatile int pd_stop;

/* Counters for the log line at exit and for the tests' debug output. */
struct pd_stats {
	unsigned long long requests, hits, waits, timeouts, fetches, lookups;
};
extern struct pd_stats pd_stats;

#endif /* POLICYD_H */
