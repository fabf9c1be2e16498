/* SPDX-License-Identifier: MIT */
/*
 * The network backend: DNS over c-ares (answers read by dnsmsg.c), the
 * HTTPS fetch and the SMTP STARTTLS probe over libcurl. The rules of
 * RFC 8461 §3.3 that concern the transport are applied here, each set
 * explicitly rather than left to libcurl's defaults: HTTPS only, peer and
 * host verification with SNI, TLS 1.2+, no redirect, a body cap applied
 * while the body streams in, deadlines, no proxy from the environment,
 * no content decoding. The rules on the reply (200 only, media type,
 * encoding) are applied by fetch.c to every transport alike.
 */
#include "net.h"

#include <sys/select.h> /* ares.h uses fd_set without including it */

#include <ares.h>
#include <curl/curl.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- process-wide initialisation ------------------------------------------- */

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_ok;

/* libcurl and c-ares keep process-wide state set up once; both calls are
 * thread-safe on the versions this builds with, and pthread_once makes
 * the pair run exactly once. */
static void
init_libraries(void)
{
	init_ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK &&
	          ares_library_init(ARES_LIB_INIT_ALL) == ARES_SUCCESS;
}

int
mtasts_net_available(void)
{
	return 1;
}

int
mtasts__net_init(void)
{
	if (pthread_once(&init_once, init_libraries) != 0 || !init_ok)
		return MTASTS_ENOMEM;
	return MTASTS_OK;
}

/* ---- c-ares transport -------------------------------------------------------------- */

struct query {
	int done;
	int status;
	unsigned char *msg;
	size_t len;
};

static void
on_answer(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct query *q = arg;

	(void)timeouts;
	q->done = 1;
	q->status = status;
	if (abuf && alen > 0) {
		q->msg = malloc((size_t)alen);
		if (q->msg) {
			memcpy(q->msg, abuf, (size_t)alen);
			q->len = (size_t)alen;
		}
	}
}

/* ares.h's ARES_GETSOCK_READABLE/WRITABLE shift a signed 1 by up to 31
 * places (undefined behaviour for the 16th socket's write bit): the same
 * tests on unsigned bits. */
#define SOCK_READABLE(bits, i) ((bits) & (1u << (i)))
#define SOCK_WRITABLE(bits, i) ((bits) & (1u << ((i) + ARES_GETSOCK_MAXNUM)))

static long
elapsed_ms(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000L +
	       (t.tv_nsec - t0->tv_nsec) / 1000000L;
}

/* One query over c-ares under the deadline that started at t0, its
 * outcome in q: a channel of its own per query, so that threads sharing a
 * context share no c-ares state (c-ares 1.18 channels are not locked).
 * -1 if the channel could not be set up. */
static int
run_query(const mtasts_ctx *ctx, const char *name, int rrtype, int flags,
          const struct timespec *t0, struct query *q)
{
	struct ares_options o;
	ares_channel ch;

	memset(&o, 0, sizeof(o));
	o.timeout = (int)(ctx->dns_ms / 2 > 0 ? ctx->dns_ms / 2 : 1);
	o.tries = 2;
	o.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES | flags;
	if (ares_init_options(&ch, &o,
	                      ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES |
	                              ARES_OPT_FLAGS) != ARES_SUCCESS)
		return -1;
	if (ctx->dns_servers &&
	    ares_set_servers_ports_csv(ch, ctx->dns_servers) != ARES_SUCCESS) {
		ares_destroy(ch);
		return -1;
	}
	ares_query(ch, name, 1 /* IN */, rrtype, on_answer, q);
	while (!q->done) {
		ares_socket_t socks[ARES_GETSOCK_MAXNUM];
		struct pollfd pfd[ARES_GETSOCK_MAXNUM];
		struct timeval tv, *tvp, max;
		long left = (long)ctx->dns_ms - elapsed_ms(t0);
		unsigned int bits;
		int n = 0, i, wait;

		if (left <= 0) {
			ares_cancel(ch); /* calls on_answer: ARES_ECANCELLED */
			break;
		}
		bits = (unsigned int)ares_getsock(ch, socks,
		                                  ARES_GETSOCK_MAXNUM);
		for (i = 0; i < ARES_GETSOCK_MAXNUM; i++) {
			if (!SOCK_READABLE(bits, i) && !SOCK_WRITABLE(bits, i))
				continue;
			pfd[n].fd = socks[i];
			pfd[n].events =
			        (short)((SOCK_READABLE(bits, i) ? POLLIN : 0) |
			                (SOCK_WRITABLE(bits, i) ? POLLOUT : 0));
			pfd[n].revents = 0;
			n++;
		}
		max.tv_sec = left / 1000;
		max.tv_usec = (left % 1000) * 1000;
		tvp = ares_timeout(ch, &max, &tv);
		wait = (int)(tvp->tv_sec * 1000 + tvp->tv_usec / 1000);
		if (poll(pfd, (nfds_t)n, wait) < 0 && errno != EINTR)
			break;
		for (i = 0; i < n; i++) {
			ares_socket_t r = ARES_SOCKET_BAD, w = ARES_SOCKET_BAD;

			if (pfd[i].revents & (POLLIN | POLLERR | POLLHUP))
				r = pfd[i].fd;
			if (pfd[i].revents & POLLOUT)
				w = pfd[i].fd;
			if (r != ARES_SOCKET_BAD || w != ARES_SOCKET_BAD)
				ares_process_fd(ch, r, w);
		}
		if (n == 0 || !q->done)
			ares_process_fd(ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	}
	ares_destroy(ch);
	return 0;
}

int
mtasts__dns_query(const mtasts_ctx *ctx, const char *name, int rrtype,
                  unsigned char **msg, size_t *len)
{
	struct query q;
	struct timespec t0;
	int res;

	memset(&q, 0, sizeof(q));
	*msg = NULL;
	*len = 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (run_query(ctx, name, rrtype, 0, &t0, &q) < 0)
		return MTASTS_DNS_ERROR;
	/* c-ares 1.18 ends a query whose every answer was SERVFAIL, REFUSED
	 * or NOTIMP with the status it starts with, ARES_ECONNREFUSED, as if
	 * no server had been reached. Ask once more, taking the first answer
	 * as it comes (no retry, no other server), to tell the two apart. */
	if (q.status == ARES_ECONNREFUSED &&
	    elapsed_ms(&t0) < (long)ctx->dns_ms) {
		free(q.msg);
		memset(&q, 0, sizeof(q));
		if (run_query(ctx, name, rrtype, ARES_FLAG_NOCHECKRESP, &t0,
		              &q) < 0)
			return MTASTS_DNS_ERROR;
	}

	switch (q.status) {
	case ARES_SUCCESS:
		if (!q.msg)
			return MTASTS_ENOMEM;
		*msg = q.msg;
		*len = q.len;
		return MTASTS_DNS_OK;
	case ARES_ENODATA:
		res = MTASTS_DNS_NODATA;
		break;
	case ARES_ENOTFOUND:
		res = MTASTS_DNS_NXDOMAIN;
		break;
	case ARES_ESERVFAIL:
	case ARES_EREFUSED:
		res = MTASTS_DNS_SERVFAIL;
		break;
	case ARES_ETIMEOUT:
	case ARES_ECANCELLED:
		res = q.done ? MTASTS_DNS_TIMEOUT : MTASTS_DNS_ERROR;
		break;
	case ARES_ENOMEM:
		res = MTASTS_ENOMEM;
		break;
	default:
		res = MTASTS_DNS_ERROR;
		break;
	}
	free(q.msg);
	return res;
}

/* ---- HTTPS over libcurl ------------------------------------------------------------------------ */

static size_t
on_body(char *p, size_t size, size_t nmemb, void *ud)
{
	struct mtasts_http_reply *r = ud;
	size_t n = size * nmemb;

	/* the cap is applied here, while the body streams in: libcurl 7.88's
	 * CURLOPT_MAXFILESIZE does not stop a chunked body */
	return mtasts_http_reply_append_body(r, p, n) == MTASTS_OK ? n : 0;
}

static size_t
on_header(char *p, size_t size, size_t nmemb, void *ud)
{
	struct mtasts_http_reply *r = ud;
	size_t n = size * nmemb, v, e;
	static const char name[] = "content-encoding:";

	if (n > sizeof(name) - 1 &&
	    mtasts__ascii_caseeq(p, name, sizeof(name) - 1)) {
		for (v = sizeof(name) - 1; v < n && MTASTS__IS_WSP(p[v]); v++)
			;
		for (e = n; e > v && (p[e - 1] == '\r' || p[e - 1] == '\n' ||
		                      MTASTS__IS_WSP(p[e - 1]));
		     e--)
			;
		free(r->content_encoding);
		r->content_encoding = mtasts__printable(p + v, e - v);
	}
	return n;
}

/* Map a curl error to ETLS / EFETCH and a diagnostic code. */
static int
classify(CURLcode rc, int *code)
{
	switch (rc) {
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_USE_SSL_FAILED:
		*code = MTASTS_D_FETCH_TLS;
		return MTASTS_ETLS;
	case CURLE_OPERATION_TIMEDOUT:
		*code = MTASTS_D_FETCH_TIMEOUT;
		return MTASTS_EFETCH;
	case CURLE_FILESIZE_EXCEEDED:
	case CURLE_WRITE_ERROR:
		*code = MTASTS_D_FETCH_TOO_LARGE;
		return MTASTS_EFETCH;
	default:
		*code = MTASTS_D_FETCH_CONNECT;
		return MTASTS_EFETCH;
	}
}

/* The options every connection of the library gets. */
static int
common_options(CURL *h, const mtasts_ctx *ctx, const char *host,
               unsigned int port, struct curl_slist **connect_to,
               struct curl_slist **resolve, char *errbuf)
{
	size_t i;

	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(h, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)ctx->connect_ms);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)ctx->total_ms);
	/* never from the environment (https_proxy, ALL_PROXY) */
	curl_easy_setopt(h, CURLOPT_PROXY, ctx->proxy ? ctx->proxy : "");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_USERAGENT,
	                 "libmtasts/" MTASTS_VERSION_STRING);
	if (ctx->ca_file)
		curl_easy_setopt(h, CURLOPT_CAINFO, ctx->ca_file);
	if (ctx->ca_path)
		curl_easy_setopt(h, CURLOPT_CAPATH, ctx->ca_path);
	for (i = 0; i < ctx->n_connect_to; i++) {
		struct curl_slist *l =
		        curl_slist_append(*connect_to, ctx->connect_to[i]);

		if (!l)
			return MTASTS_ENOMEM;
		*connect_to = l;
	}
	if (*connect_to)
		curl_easy_setopt(h, CURLOPT_CONNECT_TO, *connect_to);

	/* With the context's own DNS (servers or a callback), the host's
	 * addresses come from it too, handed to libcurl; when it has none,
	 * MTASTS_EFETCH: libcurl must not look the name up some other way
	 * (its own resolver, the system's, its built-in *.localhost). */
	if ((ctx->dns_servers || ctx->dns_fn) &&
	    !mtasts__ctx_maps(ctx, host, port)) {
		static const int types[] = { MTASTS_RRTYPE_A,
			                     MTASTS_RRTYPE_AAAA };
		char line[600];
		size_t o = (size_t)snprintf(line, sizeof(line), "%s:%u:", host,
		                            port);
		size_t t, k, added = 0;

		for (t = 0; t < 2; t++) {
			struct mtasts_dns_reply r;

			int res;

			mtasts__dns_reply_init(&r, types[t]);
			res = mtasts__dns_resolve(ctx, host, types[t], &r);
			if (res < 0) {
				/* ENOMEM, or a resolver callback's status:
				 * the operation ends with it */
				mtasts__dns_reply_clear(&r);
				return res;
			}
			if (res == MTASTS_DNS_OK) {
				for (k = 0; k < r.n &&
				            o + r.rr[k].len + 4 < sizeof(line);
				     k++) {
					o += (size_t)snprintf(
					        line + o, sizeof(line) - o,
					        types[t] == MTASTS_RRTYPE_AAAA
					                ? "%s[%s]"
					                : "%s%s",
					        added ? "," : "",
					        (const char *)r.rr[k].data);
					added++;
				}
			}
			mtasts__dns_reply_clear(&r);
		}
		if (!added) {
			snprintf(errbuf, CURL_ERROR_SIZE,
			         "%s has no address in the context's DNS",
			         host);
			return MTASTS_EFETCH;
		}
		*resolve = curl_slist_append(NULL, line);
		if (!*resolve)
			return MTASTS_ENOMEM;
		curl_easy_setopt(h, CURLOPT_RESOLVE, *resolve);
	}
	return MTASTS_OK;
}

int
mtasts__http_get(const mtasts_ctx *ctx, const char *url, const char *host,
                 struct mtasts_http_reply *r, int *code)
{
	char errbuf[CURL_ERROR_SIZE];
	struct curl_slist *connect_to = NULL, *resolve = NULL;
	CURL *h = curl_easy_init();
	CURLcode rc;
	long status = 0;
	char *ct = NULL;
	int st;

	if (!h)
		return MTASTS_ENOMEM;
	errbuf[0] = '\0';
	st = common_options(h, ctx, host, 443, &connect_to, &resolve, errbuf);
	if (st == MTASTS_EFETCH) {
		/* the policy host does not resolve (710) */
		r->error = MTASTS_EFETCH;
		*code = MTASTS_D_FETCH_CONNECT;
		r->message = mtasts__printable(errbuf, strlen(errbuf));
		st = r->message ? MTASTS_OK : MTASTS_ENOMEM;
		goto out;
	}
	if (st != MTASTS_OK)
		goto out;
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(h, CURLOPT_HTTP_CONTENT_DECODING, 0L);
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)r->max);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, r);
	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	if (status >= 100 && status <= 599)
		r->status = (int)status;
	if (curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK &&
	    ct && !(r->content_type = mtasts__printable(ct, strlen(ct)))) {
		st = MTASTS_ENOMEM;
		goto out;
	}
	if (rc != CURLE_OK) {
		if (r->too_large)
			rc = CURLE_WRITE_ERROR;
		r->error = classify(rc, code);
		r->message = mtasts__printable(
		        errbuf[0] ? errbuf : curl_easy_strerror(rc),
		        strlen(errbuf[0] ? errbuf : curl_easy_strerror(rc)));
		if (!r->message)
			st = MTASTS_ENOMEM;
	}
out:
	curl_slist_free_all(connect_to);
	curl_slist_free_all(resolve);
	curl_easy_cleanup(h);
	return st;
}

/* Seconds since the epoch of a date as OpenSSL prints it for libcurl's
 * certificate info, "Jan  2 03:04:05 2030 GMT"; 0 if it does not parse.
 * Locale-free (no strptime) and time-zone free (no mktime). */
static int64_t
parse_cert_date(const char *s)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	unsigned int mon, day, hh, mm, ss, year;
	int64_t days, y, m;
	char mn[4];

	if (sscanf(s, "%3s %u %u:%u:%u %u", mn, &day, &hh, &mm, &ss, &year) !=
	    6)
		return 0;
	for (mon = 0; mon < 12; mon++)
		if (memcmp(months + 3 * mon, mn, 3) == 0)
			break;
	if (mon == 12 || day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 60 ||
	    year < 1970 || year > 9999)
		return 0;
	/* days from 1970-01-01 to year-mon-day (civil calendar) */
	y = (int64_t)year - (mon < 2);
	m = (int64_t)((mon + 10) % 12); /* March = 0 */
	days = 365 * y + y / 4 - y / 100 + y / 400 + (153 * m + 2) / 5 +
	       (int64_t)day - 1 - 719468;
	return days * 86400 + (int64_t)hh * 3600 + (int64_t)mm * 60 +
	       (int64_t)ss;
}

static int64_t
not_after(CURL *h)
{
	struct curl_certinfo *ci = NULL;
	struct curl_slist *l;

	if (curl_easy_getinfo(h, CURLINFO_CERTINFO, &ci) != CURLE_OK || !ci ||
	    ci->num_of_certs < 1)
		return 0;
	for (l = ci->certinfo[0]; l; l = l->next)
		if (strncmp(l->data, "Expire date:", 12) == 0)
			return parse_cert_date(l->data + 12);
	return 0;
}

/* ---- the MX probe over libcurl's SMTP --------------------------------------- */

int
mtasts__smtp_probe(const mtasts_ctx *ctx, const char *name,
                   struct mtasts_tls_probe *p, int *code)
{
	struct curl_slist *connect_to = NULL, *resolve = NULL;
	char url[300], errbuf[CURL_ERROR_SIZE];
	CURLcode rc;
	CURL *h = curl_easy_init();
	long verify = 0;
	int st;

	*code = 0;
	if (!h)
		return MTASTS_ENOMEM;
	errbuf[0] = '\0';
	snprintf(url, sizeof(url), "smtp://%s:25", name);
	st = common_options(h, ctx, name, 25, &connect_to, &resolve, errbuf);
	if (st == MTASTS_EFETCH) {
		/* the MX host does not resolve: no SMTP session (720) */
		*code = MTASTS_D_PROBE_CONNECT;
		p->error = mtasts__printable(errbuf, strlen(errbuf));
		st = p->error ? MTASTS_OK : MTASTS_ENOMEM;
		goto out;
	}
	if (st != MTASTS_OK)
		goto out;
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp");
	/* STARTTLS required, SNI and verification on the MX name (R-40,
	 * CONNECT_ONLY stops after the protocol set-up: greeting,
	 * EHLO, STARTTLS, handshake, EHLO again. */
	curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	curl_easy_setopt(h, CURLOPT_CONNECT_ONLY, 1L);
	curl_easy_setopt(h, CURLOPT_CERTINFO, 1L);
	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_SSL_VERIFYRESULT, &verify);
	if (rc == CURLE_OK) {
		size_t sent;

		p->starttls = 1;
		p->not_after = not_after(h);
		/* leave politely; the answer does not matter */
		curl_easy_send(h, "QUIT\r\n", 6, &sent);
	} else if (rc == CURLE_USE_SSL_FAILED) {
		p->starttls = 0;
		*code = MTASTS_D_PROBE_NO_STARTTLS;
		p->result_type = MTASTS_RESULT_STARTTLS_NOT_SUPPORTED;
	} else if (rc == CURLE_PEER_FAILED_VERIFICATION) {
		p->starttls = 1;
		/* OpenSSL's X509_V_ERR_* codes: 10 CERT_HAS_EXPIRED, 62
		 * HOSTNAME_MISMATCH. When libcurl's own name check fails, the
		 * chain verified but libcurl never stores that result: the
		 * value is then its initial !X509_V_OK (1, libcurl 7.88
		 * vtls/openssl.c) or 0 */
		if (verify == 10) {
			*code = MTASTS_D_PROBE_EXPIRED;
			p->result_type = MTASTS_RESULT_CERTIFICATE_EXPIRED;
		} else if (verify == 0 || verify == 1 || verify == 62) {
			*code = MTASTS_D_PROBE_MISMATCH;
			p->result_type =
			        MTASTS_RESULT_CERTIFICATE_HOST_MISMATCH;
		} else {
			*code = MTASTS_D_PROBE_UNTRUSTED;
			p->result_type = MTASTS_RESULT_CERTIFICATE_NOT_TRUSTED;
		}
	} else if (rc == CURLE_SSL_CONNECT_ERROR || rc == CURLE_SSL_CIPHER) {
		p->starttls = 1;
		*code = MTASTS_D_PROBE_TLS;
		p->result_type = MTASTS_RESULT_VALIDATION_FAILURE;
	} else {
		*code = MTASTS_D_PROBE_CONNECT;
	}
	if (*code) {
		const char *m = errbuf[0] ? errbuf : curl_easy_strerror(rc);

		p->error = mtasts__printable(m, strlen(m));
		if (!p->error)
			st = MTASTS_ENOMEM;
	}
out:
	curl_slist_free_all(connect_to);
	curl_slist_free_all(resolve);
	curl_easy_cleanup(h);
	return st;
}
