/* SPDX-License-Identifier: MIT */
/*
 * Internals of the optional network layer (net.c: context and DNS;
 * fetch.c: HTTPS fetch and MX probe; dnsmsg.c: DNS message parsing).
 */
#ifndef MTASTS_NET_H
#define MTASTS_NET_H

#include "private.h"

#define NET_DNS_MS 5000u
#define NET_CONNECT_MS 10000u
#define NET_TOTAL_MS 20000u
#define NET_MAX_CNAME 8

/* An HTTP reply, filled by the backend's callbacks or by the application's
 * fetcher through the mtasts_http_reply_*() setters. */
struct mtasts_http_reply {
	int status;
	char *content_type;
	char *content_encoding;
	unsigned char *body;
	size_t len;
	size_t cap;
	size_t max;
	int too_large;
	int error; /* MTASTS_ETLS / MTASTS_EFETCH, or 0 */
	char *message;
};

/* The outcome of an MX probe; status is set by mtasts_probe_mx(). */
struct mtasts_tls_probe {
	int status;
	int starttls;
	int result_type;
	int64_t not_after;
	char *error;
};

/* Internal outcome of mtasts__dns_parse/resolve beside mtasts_dns_result:
 * a CNAME loop or a chain longer than NET_MAX_CNAME. */
#define MTASTS__DNS_LOOP 100

struct mtasts_ctx {
	char *dns_servers; /* c-ares "IP[:PORT],..." or NULL */
	char *ca_file;
	char *ca_path;
	char *proxy;
	unsigned int dns_ms;
	unsigned int connect_ms;
	unsigned int total_ms;
	size_t max_body;
	unsigned int options;
	char **connect_to; /* "HOST:PORT:ADDR:PORT" */
	size_t n_connect_to;
	mtasts_dns_fn dns_fn;
	void *dns_user;
	mtasts_https_fn http_fn;
	void *http_user;
};

/* One answer record: TXT RDATA, an MX host (NUL-terminated) with its
 * preference, or an address as text. */
struct mtasts__rr {
	unsigned char *data;
	size_t len;
	unsigned int pref;
};

struct mtasts_dns_reply {
	int rrtype;
	int result;   /* 0 until set */
	int overflow; /* a record past MTASTS_RRSET_MAX was offered */
	struct mtasts__rr *rr;
	size_t n;
	size_t cap;
};

void mtasts__dns_reply_init(struct mtasts_dns_reply *r, int rrtype);
void mtasts__dns_reply_clear(struct mtasts_dns_reply *r);
/* Append a copy of data[0..len) (NUL-terminated in the copy). Returns
 * MTASTS_OK, ETOOLARGE past MTASTS_RRSET_MAX records, or ENOMEM. */
int mtasts__dns_reply_push(struct mtasts_dns_reply *r, const void *data,
                           size_t len, unsigned int pref);

/*
 * Resolve name/rrtype through the context (callback or c-ares), following
 * CNAMEs. Fills reply; returns a mtasts_dns_result, or a negative status
 * (ENOMEM, or what a callback returned).
 */
int mtasts__dns_resolve(const mtasts_ctx *ctx, const char *name, int rrtype,
                        struct mtasts_dns_reply *reply);

/*
 * Parse a DNS response message for name/rrtype: records of that type owned
 * by the end of the CNAME chain that starts at name go to reply. *next
 * receives the name to query next when the chain leaves the message
 * (else it is set to ""). *cnames is the number of CNAME links that may
 * still be followed, shared by every message of one lookup, and
 * is decremented per link. Returns a mtasts_dns_result (MTASTS_DNS_OK,
 * NXDOMAIN, NODATA, SERVFAIL, ERROR for a malformed message),
 * MTASTS__DNS_LOOP when the chain needs more links, or ENOMEM.
 */
int mtasts__dns_parse(const unsigned char *msg, size_t len, const char *name,
                      int rrtype, struct mtasts_dns_reply *reply,
                      char next[256], unsigned int *cnames);

/* A host name argument in canonical form (lower case, no trailing dot)
 * into buf[256]; 0 if it is not a host name. */
int mtasts__host_arg(const char *host, char buf[256]);

/* Whether the connect-to list of ctx maps host:port. */
int mtasts__ctx_maps(const mtasts_ctx *ctx, const char *host, unsigned port);

/* A copy of s[0..n) with bytes outside printable ASCII as "\\xNN". */
char *mtasts__printable(const char *s, size_t n);
void mtasts__http_reply_free(struct mtasts_http_reply *r);

/*
 * The backend (net-curl.c with libcurl and c-ares, or net-none.c).
 *
 * mtasts__net_init: process-wide set-up, run once; MTASTS_OK or ENOMEM.
 * mtasts__dns_query: one query for name/rrtype to the context's servers
 *   under its DNS deadline; a mtasts_dns_result with the answer message in
 *   *msg (malloc'd) on MTASTS_DNS_OK, or ENOMEM / ENOTSUP.
 * mtasts__http_get: GET url from host (port 443) under every rule of
 *   RFC 8461 §3.3 the transport has to apply; fills r (status, content
 *   type, encoding, body within r->max; r->error and r->message on a
 *   transport failure with the diagnostic code in *code). Returns
 *   MTASTS_OK when r describes the outcome, or ENOMEM / ENOTSUP.
 * mtasts__smtp_probe: connect to host:25, require STARTTLS, verify the
 *   certificate for host; fills p (starttls, result_type, not_after,
 *   error) and *code (0 when all is well). MTASTS_OK, ENOMEM or ENOTSUP.
 */
int mtasts__net_init(void);
int mtasts__dns_query(const mtasts_ctx *ctx, const char *name, int rrtype,
                      unsigned char **msg, size_t *len);
int mtasts__http_get(const mtasts_ctx *ctx, const char *url, const char *host,
                     struct mtasts_http_reply *r, int *code);
int mtasts__smtp_probe(const mtasts_ctx *ctx, const char *host,
                       struct mtasts_tls_probe *p, int *code);

#endif /* MTASTS_NET_H */
