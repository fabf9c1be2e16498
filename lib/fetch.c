/* SPDX-License-Identifier: MIT */
/*
 * The HTTPS policy fetch (RFC 8461 §3.3, digest §3) and the MX STARTTLS
 * probe (§4.2, §7.1), over libcurl or the application's fetcher. Every
 * rule is enforced here, not left to libcurl's defaults: HTTPS only, peer
 * and host verification, TLS 1.2+, no redirect, 200 only, text/plain, a
 * body cap applied while the body streams in, a deadline, no proxy from
 * the environment, no content decoding.
 */
#include "net.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- the HTTP reply, filled by libcurl's callbacks or by the application ---- */

void
mtasts__http_reply_free(struct mtasts_http_reply *r)
{
	free(r->content_type);
	free(r->content_encoding);
	free(r->body);
	free(r->message);
}

/* A copy of s[0..n) in which bytes that are not printable ASCII become
 * "\xNN": header values and error texts reach messages and accessors. */
char *
mtasts__printable(const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char *d = malloc(4 * n + 1), *o = d;
	size_t i;

	if (!d)
		return NULL;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7F) {
			*o++ = (char)c;
		} else {
			*o++ = '\\';
			*o++ = 'x';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
		}
	}
	*o = '\0';
	return d;
}

int
mtasts_http_reply_set_status(mtasts_http_reply *reply, int status)
{
	if (!reply || status < 100 || status > 599)
		return MTASTS_EINVAL;
	reply->status = status;
	return MTASTS_OK;
}

int
mtasts_http_reply_set_content_type(mtasts_http_reply *reply, const char *value)
{
	char *copy = NULL;

	if (!reply)
		return MTASTS_EINVAL;
	if (value && !(copy = mtasts__printable(value, strlen(value))))
		return MTASTS_ENOMEM;
	free(reply->content_type);
	reply->content_type = copy;
	return MTASTS_OK;
}

int
mtasts_http_reply_append_body(mtasts_http_reply *reply, const void *data,
                              size_t len)
{
	if (!reply || (!data && len))
		return MTASTS_EINVAL;
	if (len > reply->max - reply->len) {
		reply->too_large = 1;
		return MTASTS_ETOOLARGE;
	}
	if (reply->len + len + 1 > reply->cap) {
		size_t cap = reply->cap ? reply->cap : 4096;
		unsigned char *b;

		while (cap < reply->len + len + 1)
			cap *= 2;
		b = realloc(reply->body, cap);
		if (!b)
			return MTASTS_ENOMEM;
		reply->body = b;
		reply->cap = cap;
	}
	if (len)
		memcpy(reply->body + reply->len, data, len);
	reply->len += len;
	reply->body[reply->len] = '\0';
	return MTASTS_OK;
}

int
mtasts_http_reply_set_error(mtasts_http_reply *reply, int status,
                            const char *message)
{
	char *copy = NULL;

	if (!reply || (status != MTASTS_ETLS && status != MTASTS_EFETCH))
		return MTASTS_EINVAL;
	if (message && !(copy = mtasts__printable(message, strlen(message))))
		return MTASTS_ENOMEM;
	free(reply->message);
	reply->message = copy;
	reply->error = status;
	return MTASTS_OK;
}

/* ---- the result --------------------------------------------------------------- */

struct mtasts_fetch_result {
	int status;
	int result_type;
	char *url;
	char *record_id;
	int64_t time;
	int http_status;
	char *content_type;
	char *body;
	size_t body_len;
	char *error;
	mtasts_policy *policy;
};

void
mtasts_fetch_result_free(mtasts_fetch_result *r)
{
	if (!r)
		return;
	free(r->url);
	free(r->record_id);
	free(r->content_type);
	free(r->body);
	free(r->error);
	mtasts_policy_free(r->policy);
	free(r);
}

int
mtasts_fetch_result_status(const mtasts_fetch_result *r)
{
	return r ? r->status : MTASTS_EINVAL;
}

const mtasts_policy *
mtasts_fetch_result_policy(const mtasts_fetch_result *r)
{
	return r ? r->policy : NULL;
}

int
mtasts_fetch_result_type(const mtasts_fetch_result *r)
{
	return r ? r->result_type : 0;
}

const char *
mtasts_fetch_result_url(const mtasts_fetch_result *r)
{
	return r ? r->url : NULL;
}

const char *
mtasts_fetch_result_record_id(const mtasts_fetch_result *r)
{
	return r ? r->record_id : NULL;
}

int64_t
mtasts_fetch_result_time(const mtasts_fetch_result *r)
{
	return r ? r->time : 0;
}

int
mtasts_fetch_result_http_status(const mtasts_fetch_result *r)
{
	return r ? r->http_status : 0;
}

const char *
mtasts_fetch_result_content_type(const mtasts_fetch_result *r)
{
	return r ? r->content_type : NULL;
}

const char *
mtasts_fetch_result_body(const mtasts_fetch_result *r, size_t *len)
{
	if (len)
		*len = r ? r->body_len : 0;
	return r ? r->body : NULL;
}

const char *
mtasts_fetch_result_error(const mtasts_fetch_result *r)
{
	return r ? r->error : NULL;
}

/* The media type of a Content-Type value is text/plain (parameters
 * ignored, case-insensitive, A-09). */
static int
is_text_plain(const char *ct)
{
	size_t b = 0, e;

	while (ct[b] == ' ' || ct[b] == '\t')
		b++;
	for (e = b; ct[e] && ct[e] != ';'; e++)
		;
	while (e > b && (ct[e - 1] == ' ' || ct[e - 1] == '\t'))
		e--;
	/* cppcheck 2.10 loses track of the loops above (a false positive,
	 * tests/net covers both outcomes) */
	/* cppcheck-suppress knownConditionTrueFalse */
	return e - b == 10 && mtasts__ascii_caseeq(ct + b, "text/plain", 10);
}

static int
fail(mtasts_fetch_result *res, struct mtasts__sink *s, int status, int code,
     const char *message)
{
	res->status = status;
	res->result_type = status == MTASTS_ETLS
	                           ? MTASTS_RESULT_STS_WEBPKI_INVALID
	                           : MTASTS_RESULT_STS_POLICY_FETCH_ERROR;
	res->error = mtasts__strndup(message, strlen(message));
	if (!res->error)
		return MTASTS_ENOMEM;
	mtasts__report(s, code, MTASTS_SEVERITY_ERROR, 0, 0, 0, "%s: %s",
	               res->url, message);
	return s->oom ? MTASTS_ENOMEM : status;
}

int
mtasts_policy_fetch(mtasts_ctx *ctx, const char *domain, const char *record_id,
                    unsigned int flags, mtasts_fetch_result **out,
                    mtasts_diag *diag)
{
	struct mtasts_http_reply r;
	struct mtasts__sink s;
	mtasts_fetch_result *res;
	char host[256], msg[512];
	int code = 0, st;

	if (!out)
		return MTASTS_EINVAL;
	*out = NULL;
	if (!ctx || !domain || (flags & ~MTASTS_PARSE_LENIENT) ||
	    !mtasts__host_arg(domain, host) ||
	    (record_id && mtasts_id_check(record_id) != MTASTS_OK))
		return MTASTS_EINVAL;
	res = calloc(1, sizeof(*res));
	if (!res)
		return MTASTS_ENOMEM;
	snprintf(msg, sizeof(msg), "https://mta-sts.%s/.well-known/mta-sts.txt",
	         host);
	res->url = mtasts__strndup(msg, strlen(msg));
	if (record_id)
		res->record_id = mtasts__strndup(record_id, strlen(record_id));
	if (!res->url || (record_id && !res->record_id)) {
		mtasts_fetch_result_free(res);
		return MTASTS_ENOMEM;
	}
	memset(&r, 0, sizeof(r));
	r.max = ctx->max_body;
	mtasts__sink_init(&s, diag, flags);

	{
		char policy_host[300];

		snprintf(policy_host, sizeof(policy_host), "mta-sts.%s", host);
		if (ctx->http_fn) {
			st = ctx->http_fn(ctx->http_user, res->url, &r);
			if (st != MTASTS_OK) {
				mtasts__http_reply_free(&r);
				mtasts_fetch_result_free(res);
				return st < 0 ? st : MTASTS_EINVAL;
			}
			if (r.error)
				code = r.error == MTASTS_ETLS
				               ? MTASTS_D_FETCH_TLS
				               : MTASTS_D_FETCH_CONNECT;
			if (r.too_large && !r.error) {
				r.error = MTASTS_EFETCH;
				code = MTASTS_D_FETCH_TOO_LARGE;
			}
		} else {
			st = mtasts__http_get(ctx, res->url, policy_host, &r,
			                      &code);
			if (st != MTASTS_OK) {
				mtasts__http_reply_free(&r);
				mtasts_fetch_result_free(res);
				return st;
			}
		}
	}
	res->time = (int64_t)time(NULL);
	res->http_status = r.status;
	res->content_type = r.content_type;
	r.content_type = NULL;
	if (r.body) {
		res->body = (char *)r.body;
		res->body_len = r.len;
		r.body = NULL;
	}

	if (r.error) {
		if (code == MTASTS_D_FETCH_TOO_LARGE)
			snprintf(msg, sizeof(msg),
			         "the body is longer than %zu bytes (R-31)",
			         r.max);
		else
			snprintf(msg, sizeof(msg), "%s",
			         r.message ? r.message : "no response");
		st = fail(res, &s, r.error, code, msg);
	} else if (r.status >= 300 && r.status < 400) {
		snprintf(msg, sizeof(msg),
		         "HTTP status %d: redirects are never followed (R-28)",
		         r.status);
		st = fail(res, &s, MTASTS_EFETCH, MTASTS_D_FETCH_REDIRECT, msg);
	} else if (r.status != 200) {
		snprintf(msg, sizeof(msg),
		         "HTTP status %d: only 200 gives a policy (R-27)",
		         r.status);
		st = fail(res, &s, MTASTS_EFETCH, MTASTS_D_FETCH_STATUS, msg);
	} else if (r.content_encoding && r.content_encoding[0] &&
	           !mtasts__eq(r.content_encoding, strlen(r.content_encoding),
	                       "identity")) {
		snprintf(msg, sizeof(msg),
		         "Content-Encoding %s was not asked for",
		         r.content_encoding);
		st = fail(res, &s, MTASTS_EFETCH, MTASTS_D_FETCH_ENCODING, msg);
	} else {
		st = MTASTS_OK;
		if (!res->content_type || !is_text_plain(res->content_type)) {
			snprintf(
			        msg, sizeof(msg),
			        "media type %s%s%s, not text/plain (R-13, A-09)",
			        res->content_type ? "'" : "",
			        res->content_type ? res->content_type
			                          : "missing",
			        res->content_type ? "'" : "");
			if (ctx->options & MTASTS_NET_LAX_CONTENT_TYPE)
				mtasts__report(&s, MTASTS_D_FETCH_CONTENT_TYPE,
				               MTASTS_SEVERITY_WARNING, 0, 0, 0,
				               "%s: %s", res->url, msg);
			else
				st = fail(res, &s, MTASTS_EFETCH,
				          MTASTS_D_FETCH_CONTENT_TYPE, msg);
		}
		if (st == MTASTS_OK) {
			st = mtasts_policy_parse(&res->policy,
			                         res->body ? res->body : "",
			                         res->body_len, flags, diag);
			res->status = st;
			if (st != MTASTS_OK && st != MTASTS_ENOMEM) {
				res->result_type =
				        MTASTS_RESULT_STS_POLICY_INVALID;
				res->error = mtasts__strndup(
				        "the body is not a valid policy (A-14)",
				        37);
				if (!res->error)
					st = MTASTS_ENOMEM;
			}
		}
	}
	mtasts__http_reply_free(&r);
	if (st == MTASTS_ENOMEM || s.oom) {
		mtasts_fetch_result_free(res);
		return MTASTS_ENOMEM;
	}
	res->status = st;
	*out = res;
	return st;
}

/* ---- MX probe ------------------------------------------------------------------------ */

void
mtasts_tls_probe_free(mtasts_tls_probe *p)
{
	if (!p)
		return;
	free(p->error);
	free(p);
}

int
mtasts_tls_probe_status(const mtasts_tls_probe *p)
{
	return p ? p->status : MTASTS_EINVAL;
}

int
mtasts_tls_probe_starttls(const mtasts_tls_probe *p)
{
	return p ? p->starttls : -1;
}

int
mtasts_tls_probe_result_type(const mtasts_tls_probe *p)
{
	return p ? p->result_type : 0;
}

int64_t
mtasts_tls_probe_not_after(const mtasts_tls_probe *p)
{
	return p ? p->not_after : 0;
}

const char *
mtasts_tls_probe_error(const mtasts_tls_probe *p)
{
	return p ? p->error : NULL;
}

int
mtasts_probe_mx(mtasts_ctx *ctx, const char *host, mtasts_tls_probe **out,
                mtasts_diag *diag)
{
	struct mtasts__sink s;
	mtasts_tls_probe *p;
	char name[256];
	int st, code = 0;

	if (!out)
		return MTASTS_EINVAL;
	*out = NULL;
	if (!ctx || !host || !mtasts__host_arg(host, name))
		return MTASTS_EINVAL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return MTASTS_ENOMEM;
	p->starttls = -1;
	st = mtasts__smtp_probe(ctx, name, p, &code);
	if (st == MTASTS_OK && code) {
		mtasts__sink_init(&s, diag, 0);
		mtasts__report(&s, code, MTASTS_SEVERITY_ERROR, 0, 0, 0,
		               "MX %s: %s", name,
		               p->error ? p->error : "probe failed");
		if (s.oom)
			st = MTASTS_ENOMEM;
		else
			st = code == MTASTS_D_PROBE_CONNECT ? MTASTS_EFETCH
			                                    : MTASTS_ETLS;
	}
	if (st == MTASTS_ENOMEM || st == MTASTS_ENOTSUP) {
		mtasts_tls_probe_free(p);
		return st;
	}
	p->status = st;
	*out = p;
	return st;
}
