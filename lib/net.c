/* SPDX-License-Identifier: MIT */
/*
 * The network context and DNS discovery (RFC 8461 §3.1, digest §1.2):
 * the transport of the backend (net-curl.c) read by dnsmsg.c, or the
 * application's own resolver through a callback. Built with or without
 * the network backend: without it, callbacks are the only transport.
 */
#include "net.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the context -------------------------------------------------------------- */

int
mtasts_ctx_new(mtasts_ctx **out)
{
	mtasts_ctx *c;

	if (!out)
		return MTASTS_EINVAL;
	*out = NULL;
	if (mtasts__net_init() != MTASTS_OK)
		return MTASTS_ENOMEM;
	c = calloc(1, sizeof(*c));
	if (!c)
		return MTASTS_ENOMEM;
	c->dns_ms = NET_DNS_MS;
	c->connect_ms = NET_CONNECT_MS;
	c->total_ms = NET_TOTAL_MS;
	c->max_body = MTASTS_POLICY_MAX_SIZE;
	*out = c;
	return MTASTS_OK;
}

void
mtasts_ctx_free(mtasts_ctx *ctx)
{
	size_t i;

	if (!ctx)
		return;
	free(ctx->dns_servers);
	free(ctx->ca_file);
	free(ctx->ca_path);
	free(ctx->proxy);
	for (i = 0; i < ctx->n_connect_to; i++)
		free(ctx->connect_to[i]);
	free(ctx->connect_to);
	free(ctx);
}

/* Replace *slot by a copy of value (NULL allowed). */
static int
set_string(char **slot, const char *value)
{
	char *copy = NULL;

	if (value) {
		copy = mtasts__strndup(value, strlen(value));
		if (!copy)
			return MTASTS_ENOMEM;
	}
	free(*slot);
	*slot = copy;
	return MTASTS_OK;
}

/* An address with an optional port: "IP", "IP:PORT", "[IP6]", "[IP6]:PORT".
 * Returns the end of the address part, or NULL if malformed. */
static int
address_ok(const char *s, size_t n, int port_allowed)
{
	char buf[64];
	unsigned char tmp[16];
	size_t a = 0, e = n;

	if (n && s[0] == '[') {
		const char *rb = memchr(s, ']', n);

		if (!rb)
			return 0;
		a = 1;
		e = (size_t)(rb - s);
		if (e + 1 < n && (!port_allowed || s[e + 1] != ':'))
			return 0;
	} else {
		const char *colon = memchr(s, ':', n);

		if (colon) {
			if (!port_allowed)
				return 0;
			e = (size_t)(colon - s);
		}
	}
	if (e - a == 0 || e - a >= sizeof(buf))
		return 0;
	memcpy(buf, s + a, e - a);
	buf[e - a] = '\0';
	if (inet_pton(a ? AF_INET6 : AF_INET, buf, tmp) != 1)
		return 0;
	if (s[0] == '[')
		e++; /* the ']' */
	if (e < n) {
		/* ":" 1*5DIGIT, 1..65535 */
		unsigned long port = 0;
		size_t i;

		if (e + 1 == n || n - e - 1 > 5)
			return 0;
		for (i = e + 1; i < n; i++) {
			if (!MTASTS__IS(s[i], MTASTS__C_DIGIT))
				return 0;
			port = port * 10 + (unsigned long)(s[i] - '0');
		}
		if (port == 0 || port > 65535)
			return 0;
	}
	return 1;
}

int
mtasts_ctx_set_dns_servers(mtasts_ctx *ctx, const char *servers)
{
	const char *p;

	if (!ctx)
		return MTASTS_EINVAL;
	if (servers) {
		if (!*servers)
			return MTASTS_EINVAL;
		for (p = servers;;) {
			const char *comma = strchr(p, ',');
			size_t n = comma ? (size_t)(comma - p) : strlen(p);

			if (!address_ok(p, n, 1))
				return MTASTS_EINVAL;
			if (!comma)
				break;
			p = comma + 1;
		}
	}
	return set_string(&ctx->dns_servers, servers);
}

int
mtasts_ctx_set_ca_file(mtasts_ctx *ctx, const char *path)
{
	return ctx ? set_string(&ctx->ca_file, path) : MTASTS_EINVAL;
}

int
mtasts_ctx_set_ca_path(mtasts_ctx *ctx, const char *dir)
{
	return ctx ? set_string(&ctx->ca_path, dir) : MTASTS_EINVAL;
}

int
mtasts_ctx_set_proxy(mtasts_ctx *ctx, const char *url)
{
	return ctx ? set_string(&ctx->proxy, url) : MTASTS_EINVAL;
}

int
mtasts_ctx_set_timeout(mtasts_ctx *ctx, int which, unsigned int ms)
{
	if (!ctx || ms == 0 || ms > 60000)
		return MTASTS_EINVAL;
	switch (which) {
	case MTASTS_TIMEOUT_DNS:
		ctx->dns_ms = ms;
		return MTASTS_OK;
	case MTASTS_TIMEOUT_CONNECT:
		ctx->connect_ms = ms;
		return MTASTS_OK;
	case MTASTS_TIMEOUT_TOTAL:
		ctx->total_ms = ms;
		return MTASTS_OK;
	default:
		return MTASTS_EINVAL;
	}
}

int
mtasts_ctx_set_max_body(mtasts_ctx *ctx, size_t bytes)
{
	if (!ctx || bytes == 0 || bytes > MTASTS_POLICY_MAX_SIZE)
		return MTASTS_EINVAL;
	ctx->max_body = bytes;
	return MTASTS_OK;
}

int
mtasts_ctx_set_options(mtasts_ctx *ctx, unsigned int options)
{
	if (!ctx || (options & ~MTASTS_NET_LAX_CONTENT_TYPE))
		return MTASTS_EINVAL;
	ctx->options = options;
	return MTASTS_OK;
}

int
mtasts_ctx_add_connect_to(mtasts_ctx *ctx, const char *spec)
{
	const char *c1, *c2;
	char host[256], canon[256], **v, *copy;
	size_t n, hl, cl;
	unsigned long port = 0;

	if (!ctx || !spec)
		return MTASTS_EINVAL;
	/* HOST:PORT:ADDRESS:PORT */
	c1 = strchr(spec, ':');
	if (!c1)
		return MTASTS_EINVAL;
	hl = (size_t)(c1 - spec);
	if (hl == 0 || hl >= sizeof(host))
		return MTASTS_EINVAL;
	memcpy(host, spec, hl);
	host[hl] = '\0';
	if (!mtasts__host_arg(host, canon))
		return MTASTS_EINVAL;
	for (c2 = c1 + 1; *c2 >= '0' && *c2 <= '9'; c2++)
		port = port * 10 + (unsigned long)(*c2 - '0');
	if (c2 == c1 + 1 || *c2 != ':' || port == 0 || port > 65535 ||
	    c2 - c1 > 6)
		return MTASTS_EINVAL;
	n = strlen(c2 + 1);
	if (!address_ok(c2 + 1, n, 1) || !strchr(c2 + 1, ':') ||
	    (c2[1] == '[' && !strstr(c2 + 1, "]:")))
		return MTASTS_EINVAL; /* the address needs its port */
	/* stored with the host in canonical form (lower case, no trailing
	 * dot): libcurl compares it with the URL's host, which has no
	 * trailing dot, and so does mtasts__ctx_maps() */
	cl = strlen(canon);
	n = strlen(c1);
	copy = malloc(cl + n + 1);
	if (!copy)
		return MTASTS_ENOMEM;
	memcpy(copy, canon, cl);
	memcpy(copy + cl, c1, n + 1);
	v = realloc(ctx->connect_to, (ctx->n_connect_to + 1) * sizeof(*v));
	if (!v) {
		free(copy);
		return MTASTS_ENOMEM;
	}
	v[ctx->n_connect_to++] = copy;
	ctx->connect_to = v;
	return MTASTS_OK;
}

int
mtasts__ctx_maps(const mtasts_ctx *ctx, const char *host, unsigned port)
{
	char prefix[300];
	size_t i, n;

	n = (size_t)snprintf(prefix, sizeof(prefix), "%s:%u:", host, port);
	for (i = 0; i < ctx->n_connect_to; i++)
		if (strlen(ctx->connect_to[i]) > n &&
		    mtasts__ascii_caseeq(ctx->connect_to[i], prefix, n))
			return 1;
	return 0;
}

int
mtasts_ctx_set_resolver(mtasts_ctx *ctx, mtasts_dns_fn fn, void *user)
{
	if (!ctx)
		return MTASTS_EINVAL;
	ctx->dns_fn = fn;
	ctx->dns_user = user;
	return MTASTS_OK;
}

int
mtasts_ctx_set_fetcher(mtasts_ctx *ctx, mtasts_https_fn fn, void *user)
{
	if (!ctx)
		return MTASTS_EINVAL;
	ctx->http_fn = fn;
	ctx->http_user = user;
	return MTASTS_OK;
}

int
mtasts__host_arg(const char *host, char buf[256])
{
	size_t n = strlen(host);

	if (n && host[n - 1] == '.')
		n--;
	if (n == 0 || host[0] == '*' || !mtasts__mx_lower(host, n, buf))
		return 0;
	buf[n] = '\0';
	return 1;
}

/* ---- replies ---------------------------------------------------------------------- */

void
mtasts__dns_reply_init(struct mtasts_dns_reply *r, int rrtype)
{
	memset(r, 0, sizeof(*r));
	r->rrtype = rrtype;
}

void
mtasts__dns_reply_clear(struct mtasts_dns_reply *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->rr[i].data);
	free(r->rr);
	r->rr = NULL;
	r->n = r->cap = 0;
	r->result = 0;
	r->overflow = 0;
}

int
mtasts__dns_reply_push(struct mtasts_dns_reply *r, const void *data, size_t len,
                       unsigned int pref)
{
	unsigned char *copy;

	if (r->n == MTASTS_RRSET_MAX) {
		r->overflow = 1;
		return MTASTS_ETOOLARGE;
	}
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 4;
		struct mtasts__rr *v = realloc(r->rr, cap * sizeof(*v));

		if (!v)
			return MTASTS_ENOMEM;
		r->rr = v;
		r->cap = cap;
	}
	copy = malloc(len + 1);
	if (!copy)
		return MTASTS_ENOMEM;
	if (len)
		memcpy(copy, data, len);
	copy[len] = '\0';
	r->rr[r->n].data = copy;
	r->rr[r->n].len = len;
	r->rr[r->n].pref = pref;
	r->n++;
	return MTASTS_OK;
}

int
mtasts_dns_reply_set_result(mtasts_dns_reply *reply, int result)
{
	if (!reply || result < MTASTS_DNS_OK || result > MTASTS_DNS_ERROR)
		return MTASTS_EINVAL;
	reply->result = result;
	return MTASTS_OK;
}

int
mtasts_dns_reply_add_txt(mtasts_dns_reply *reply, const unsigned char *rdata,
                         size_t len)
{
	if (!reply || (!rdata && len) || reply->rrtype != MTASTS_RRTYPE_TXT)
		return MTASTS_EINVAL;
	return mtasts__dns_reply_push(reply, rdata, len, 0);
}

int
mtasts_dns_reply_add_mx(mtasts_dns_reply *reply, unsigned int preference,
                        const char *host)
{
	if (!reply || !host || preference > 65535 ||
	    reply->rrtype != MTASTS_RRTYPE_MX)
		return MTASTS_EINVAL;
	return mtasts__dns_reply_push(reply, host, strlen(host), preference);
}

int
mtasts_dns_reply_add_address(mtasts_dns_reply *reply, const char *address)
{
	unsigned char tmp[16];
	int af;

	if (!reply || !address)
		return MTASTS_EINVAL;
	if (reply->rrtype == MTASTS_RRTYPE_A)
		af = AF_INET;
	else if (reply->rrtype == MTASTS_RRTYPE_AAAA)
		af = AF_INET6;
	else
		return MTASTS_EINVAL;
	if (inet_pton(af, address, tmp) != 1)
		return MTASTS_EINVAL;
	return mtasts__dns_reply_push(reply, address, strlen(address), 0);
}

int
mtasts__dns_resolve(const mtasts_ctx *ctx, const char *name, int rrtype,
                    struct mtasts_dns_reply *reply)
{
	char cur[256], next[256];
	unsigned int cnames = NET_MAX_CNAME; /* for the whole chain */

	if (ctx->dns_fn) {
		int st = ctx->dns_fn(ctx->dns_user, name, rrtype, reply), res;

		if (st != MTASTS_OK)
			return st < 0 ? st : MTASTS_EINVAL;
		res = reply->result ? reply->result : MTASTS_DNS_OK;
		if (res == MTASTS_DNS_OK && reply->n == 0)
			res = MTASTS_DNS_NODATA;
		if (res != MTASTS_DNS_OK)
			mtasts__dns_reply_clear(
			        reply); /* records of a failure */
		return res;
	}
	snprintf(cur, sizeof(cur), "%s", name);
	/* Each new query follows at least one more link, so the shared
	 * budget bounds the number of queries too. */
	for (;;) {
		unsigned char *msg;
		size_t len;
		int res = mtasts__dns_query(ctx, cur, rrtype, &msg, &len);

		if (res != MTASTS_DNS_OK)
			return res;
		res = mtasts__dns_parse(msg, len, cur, rrtype, reply, next,
		                        &cnames);
		free(msg);
		if (res != MTASTS_DNS_NODATA || !next[0])
			return res;
		/* the chain continues outside this answer: ask for its end */
		memcpy(cur, next, strlen(next) + 1);
	}
}

/* ---- discovery ---------------------------------------------------------------- */

/* Report a lookup that gave no records, and return its status. */
static int
dns_failure(struct mtasts__sink *s, const char *name, int res, int rrtype)
{
	const char *type = rrtype == MTASTS_RRTYPE_MX ? "MX" : "TXT";

	switch (res) {
	case MTASTS_DNS_NXDOMAIN:
		mtasts__report(s, MTASTS_D_DNS_NXDOMAIN, MTASTS_SEVERITY_ERROR,
		               0, 0, 0, "%s does not exist (NXDOMAIN)", name);
		return MTASTS_ENORECORD;
	case MTASTS_DNS_NODATA:
		mtasts__report(s, MTASTS_D_DNS_NODATA, MTASTS_SEVERITY_ERROR, 0,
		               0, 0, "%s has no %s record", name, type);
		return MTASTS_ENORECORD;
	case MTASTS__DNS_LOOP:
		mtasts__report(
		        s, MTASTS_D_DNS_CNAME, MTASTS_SEVERITY_ERROR, 0, 0, 0,
		        "the CNAME chain of %s loops or is longer than %d "
		        "(R-08)",
		        name, NET_MAX_CNAME);
		return MTASTS_EDNS;
	default:
		mtasts__report(
		        s, MTASTS_D_DNS_TEMPORARY, MTASTS_SEVERITY_ERROR, 0, 0,
		        0,
		        "the %s lookup of %s failed temporarily (%s): try "
		        "again later (A-22)",
		        type, name,
		        res == MTASTS_DNS_SERVFAIL  ? "server failure"
		        : res == MTASTS_DNS_TIMEOUT ? "timeout"
		                                    : "no usable answer");
		return MTASTS_EDNS;
	}
}

typedef int (*select_fn)(void **out, const unsigned char *const *rdata,
                         const size_t *lens, size_t count, unsigned int flags,
                         mtasts_diag *diag);

static int
select_record(void **out, const unsigned char *const *rdata, const size_t *lens,
              size_t count, unsigned int flags, mtasts_diag *diag)
{
	mtasts_record *r = NULL;
	int st = mtasts_record_select_rdata(&r, NULL, rdata, lens, count, flags,
	                                    diag);

	*out = r;
	return st;
}

static int
select_tlsrpt(void **out, const unsigned char *const *rdata, const size_t *lens,
              size_t count, unsigned int flags, mtasts_diag *diag)
{
	mtasts_tlsrpt *r = NULL;
	int st = mtasts_tlsrpt_select_rdata(&r, NULL, rdata, lens, count, flags,
	                                    diag);

	*out = r;
	return st;
}

/* Look up prefix + domain TXT and select the family's record. */
static int
discover(mtasts_ctx *ctx, const char *prefix, const char *domain, void **out,
         int *dns_result, unsigned int flags, mtasts_diag *diag,
         select_fn select)
{
	struct mtasts_dns_reply reply;
	struct mtasts__sink s;
	const unsigned char **rd;
	size_t *lens, i;
	char host[256], name[300];
	int res, st;

	if (dns_result)
		*dns_result = 0;
	if (!out)
		return MTASTS_EINVAL;
	*out = NULL;
	if (!ctx || !domain || (flags & ~MTASTS_PARSE_LENIENT) ||
	    !mtasts__host_arg(domain, host))
		return MTASTS_EINVAL;
	snprintf(name, sizeof(name), "%s%s", prefix, host);
	mtasts__sink_init(&s, diag, flags);
	mtasts__dns_reply_init(&reply, MTASTS_RRTYPE_TXT);
	res = mtasts__dns_resolve(ctx, name, MTASTS_RRTYPE_TXT, &reply);
	if (dns_result)
		*dns_result = res == MTASTS__DNS_LOOP ? MTASTS_DNS_ERROR
		              : res > 0               ? res
		                                      : 0;
	if (res < 0) {
		mtasts__dns_reply_clear(&reply);
		return res;
	}
	if (res != MTASTS_DNS_OK) {
		mtasts__dns_reply_clear(&reply);
		st = dns_failure(&s, name, res, MTASTS_RRTYPE_TXT);
		return s.oom ? MTASTS_ENOMEM : st;
	}
	if (reply.overflow) {
		/* as the RRset selection does for a list this long: dropping
		 * the rest could hide a second record */
		mtasts__dns_reply_clear(&reply);
		mtasts__report(&s, MTASTS_D_TOO_MANY_RECORDS,
		               MTASTS_SEVERITY_ERROR, 0, 0, 0,
		               "%s: more than %d TXT records; at most %d are "
		               "examined",
		               name, MTASTS_RRSET_MAX, MTASTS_RRSET_MAX);
		return mtasts__sink_result(&s);
	}
	rd = malloc(reply.n * sizeof(*rd));
	lens = malloc(reply.n * sizeof(*lens));
	if (!rd || !lens) {
		free(rd);
		free(lens);
		mtasts__dns_reply_clear(&reply);
		return MTASTS_ENOMEM;
	}
	for (i = 0; i < reply.n; i++) {
		rd[i] = reply.rr[i].data;
		lens[i] = reply.rr[i].len;
	}
	st = select(out, rd, lens, reply.n, flags, diag);
	free(rd);
	free(lens);
	mtasts__dns_reply_clear(&reply);
	return st;
}

int
mtasts_discover_record(mtasts_ctx *ctx, const char *domain, mtasts_record **out,
                       int *dns_result, unsigned int flags, mtasts_diag *diag)
{
	void *r = NULL;
	int st;

	if (!out) {
		if (dns_result)
			*dns_result = 0;
		return MTASTS_EINVAL;
	}
	st = discover(ctx, "_mta-sts.", domain, &r, dns_result, flags, diag,
	              select_record);
	*out = r;
	return st;
}

int
mtasts_discover_tlsrpt(mtasts_ctx *ctx, const char *domain, mtasts_tlsrpt **out,
                       int *dns_result, unsigned int flags, mtasts_diag *diag)
{
	void *r = NULL;
	int st;

	if (!out) {
		if (dns_result)
			*dns_result = 0;
		return MTASTS_EINVAL;
	}
	st = discover(ctx, "_smtp._tls.", domain, &r, dns_result, flags, diag,
	              select_tlsrpt);
	*out = r;
	return st;
}

/* ---- MX hosts ----------------------------------------------------------------------- */

struct mx_entry {
	char *host;
	unsigned int pref;
};

struct mtasts_mx_list {
	struct mx_entry *v;
	size_t n;
	int implicit;
	int null;
};

static int
cmp_mx(const void *a, const void *b)
{
	const struct mx_entry *x = a, *y = b;

	if (x->pref != y->pref)
		return x->pref < y->pref ? -1 : 1;
	return strcmp(x->host, y->host);
}

void
mtasts_mx_list_free(mtasts_mx_list *list)
{
	size_t i;

	if (!list)
		return;
	for (i = 0; i < list->n; i++)
		free(list->v[i].host);
	free(list->v);
	free(list);
}

int
mtasts_lookup_mx(mtasts_ctx *ctx, const char *domain, mtasts_mx_list **out,
                 int *dns_result, mtasts_diag *diag)
{
	struct mtasts_dns_reply reply;
	struct mtasts__sink s;
	mtasts_mx_list *l;
	char host[256];
	size_t i;
	int res;

	if (dns_result)
		*dns_result = 0;
	if (!out)
		return MTASTS_EINVAL;
	*out = NULL;
	if (!ctx || !domain || !mtasts__host_arg(domain, host))
		return MTASTS_EINVAL;
	mtasts__sink_init(&s, diag, 0);
	mtasts__dns_reply_init(&reply, MTASTS_RRTYPE_MX);
	res = mtasts__dns_resolve(ctx, host, MTASTS_RRTYPE_MX, &reply);
	if (dns_result)
		*dns_result = res == MTASTS__DNS_LOOP ? MTASTS_DNS_ERROR
		              : res > 0               ? res
		                                      : 0;
	if (res < 0) {
		mtasts__dns_reply_clear(&reply);
		return res;
	}
	if (res != MTASTS_DNS_OK && res != MTASTS_DNS_NODATA) {
		int st;

		mtasts__dns_reply_clear(&reply);
		st = dns_failure(&s, host, res, MTASTS_RRTYPE_MX);
		return s.oom ? MTASTS_ENOMEM : st;
	}
	l = calloc(1, sizeof(*l));
	if (!l || !(l->v = calloc(reply.n ? reply.n : 1, sizeof(*l->v)))) {
		free(l);
		mtasts__dns_reply_clear(&reply);
		return MTASTS_ENOMEM;
	}
	if (res == MTASTS_DNS_NODATA) {
		/* no MX: the domain itself (RFC 5321 §5.1, A-15) */
		l->implicit = 1;
		l->v[0].host = mtasts__strndup(host, strlen(host));
		if (!l->v[0].host) {
			/* nothing else is in the list yet */
			free(l->v);
			free(l);
			mtasts__dns_reply_clear(&reply);
			return MTASTS_ENOMEM;
		}
		l->n = 1;
	}
	for (i = 0; i < reply.n; i++) {
		char *h = (char *)reply.rr[i].data;
		size_t n = strlen(h);

		if (n && h[n - 1] == '.')
			h[--n] = '\0';
		if (n == 0) {
			/* "." : a null MX (RFC 7505) */
			l->null = 1;
			continue;
		}
		for (n = 0; h[n]; n++)
			h[n] = (char)MTASTS__LOWER(h[n]);
		l->v[l->n].host = h;
		l->v[l->n].pref = reply.rr[i].pref;
		reply.rr[i].data = NULL;
		l->n++;
	}
	mtasts__dns_reply_clear(&reply);
	if (l->null) {
		/* a null MX means no mail at all, whatever else is there */
		for (i = 0; i < l->n; i++)
			free(l->v[i].host);
		l->n = 0;
	}
	qsort(l->v, l->n, sizeof(*l->v), cmp_mx);
	*out = l;
	return MTASTS_OK;
}

size_t
mtasts_mx_list_count(const mtasts_mx_list *list)
{
	return list ? list->n : 0;
}

const char *
mtasts_mx_list_host(const mtasts_mx_list *list, size_t index)
{
	return (list && index < list->n) ? list->v[index].host : NULL;
}

int
mtasts_mx_list_preference(const mtasts_mx_list *list, size_t index)
{
	return (list && index < list->n) ? (int)list->v[index].pref : -1;
}

int
mtasts_mx_list_implicit(const mtasts_mx_list *list)
{
	return list ? list->implicit : 0;
}

int
mtasts_mx_list_null(const mtasts_mx_list *list)
{
	return list ? list->null : 0;
}
