/* SPDX-License-Identifier: MIT */
/*
 * mtasts check: the live checker a domain owner runs right after
 * publishing. It looks at the domain the way a sending MTA does (RFC 8461
 * sections 3 to 5, digest sections 1 to 5) and explains every step in
 * plain language:
 *
 *   1. record        _mta-sts.DOMAIN TXT
 *   2. policy-fetch  https://mta-sts.DOMAIN/.well-known/mta-sts.txt under
 *                    every rule of section 3.3 (R-12, R-13, R-27, R-28,
 *                    R-31); the classic mistakes "policy served but no TXT
 *                    record" and "TXT record but no policy" named as such
 *   3. policy        valid; mode and max_age in words
 *   4. mx            the MX hosts (implicit MX A-15, null MX RFC 7505)
 *                    against the mx patterns
 *   5. tlsrpt        _smtp._tls.DOMAIN TXT (RFC 8460, T-06, T-07)
 *   6. mx-tls        STARTTLS and the certificate of every MX
 *
 * Independent steps all run, whatever failed before (the policy is fetched
 * even without a TXT record, to detect the classic mistake); a step that
 * cannot run is "skipped". The publisher findings (codes 6xx) come from
 * the library's linter, never from rules of this file; each is shown in
 * the step it concerns.
 *
 * Exit status: 0 all good (warnings and notes allowed), 1 problems found,
 * 2 could not run (usage, no network layer, out of memory).
 */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- steps and their outcome --------------------------------------------- */

enum { S_RECORD, S_FETCH, S_POLICY, S_MX, S_TLSRPT, S_MXTLS, S_COUNT };

static const char *const step_names[S_COUNT] = {
	"record", "policy-fetch", "policy", "mx", "tlsrpt", "mx-tls",
};

/* Outcome of a step or of one item, in increasing order of gravity. */
enum { ST_OK, ST_WARNING, ST_ERROR };

/* Where the diagnostics of a step come from: one list per library call
 * family. SRC_LINT holds findings (shown as items with a mark); the others
 * explain an item (shown as detail lines). */
enum {
	SRC_RECORD,
	SRC_FETCH,
	SRC_MX,
	SRC_TLSRPT,
	SRC_LINT,
	SRC_PROBE,
	SRC_COUNT
};

/* A certificate that expires sooner than this is a warning. */
#define EXPIRY_WARN_DAYS 14

#define MSG_MAX 1024

struct step {
	int status;  /* ST_* */
	int skipped; /* the step could not run */
	char msg[MSG_MAX];
};

/* One MX host: its coverage (step 4) and its probe (step 6). */
struct host {
	const char *name; /* owned by the MX list */
	int preference;
	int covered;    /* -1 not checked (no policy) */
	size_t pattern; /* the first covering pattern */
	mtasts_tls_probe *probe;
	int probe_st;
	int status;                /* ST_* of the probe */
	long days_left;            /* -1 unknown */
	size_t diag_from, diag_to; /* its entries of the probe list */
	char msg[MSG_MAX];
};

struct check {
	char *domain;
	mtasts_ctx *ctx;
	mtasts_diag *diag[SRC_COUNT];
	struct step steps[S_COUNT];
	int64_t now;
	int dns_temporary; /* some lookup failed temporarily: try again */

	mtasts_record *record;
	int record_st, record_dns;

	mtasts_fetch_result *fetch;
	int fetch_st;
	int served; /* a body came with status 200 and text/plain */

	mtasts_mx_list *mx;
	int mx_st, mx_dns;
	struct host *hosts;
	size_t n_hosts;

	mtasts_tlsrpt *tlsrpt;
	int tlsrpt_st, tlsrpt_dns;

	mtasts_lint *lint;
};

static void
check_free(struct check *c)
{
	size_t i;

	for (i = 0; i < SRC_COUNT; i++)
		mtasts_diag_free(c->diag[i]);
	for (i = 0; i < c->n_hosts; i++)
		mtasts_tls_probe_free(c->hosts[i].probe);
	free(c->hosts);
	mtasts_record_free(c->record);
	mtasts_fetch_result_free(c->fetch);
	mtasts_mx_list_free(c->mx);
	mtasts_tlsrpt_free(c->tlsrpt);
	mtasts_lint_free(c->lint);
	mtasts_ctx_free(c->ctx);
	free(c->domain);
}

static void set_msg(char *buf, size_t size, const char *fmt, ...)
        CLI_PRINTF(3, 4);

static void
set_msg(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
}

#define STEP(c, s, st, ...)                                                    \
	do {                                                                   \
		(c)->steps[s].status = (st);                                   \
		set_msg((c)->steps[s].msg, MSG_MAX, __VA_ARGS__);              \
	} while (0)

/* The step a diagnostic of a source is shown in. Lint findings go to the
 * step they are about: coverage to "mx", the missing TLS-RPT record to
 * "tlsrpt", the missing STSv1 record next to the classic mistake in
 * "policy-fetch", everything else (mode, max_age, patterns) to "policy". */
static int
step_of(int src, int code)
{
	switch (src) {
	case SRC_RECORD:
		return S_RECORD;
	case SRC_FETCH:
		return code >= 700 && code < 800 ? S_FETCH : S_POLICY;
	case SRC_MX:
		return S_MX;
	case SRC_TLSRPT:
		return S_TLSRPT;
	case SRC_PROBE:
		return S_MXTLS;
	default:
		break;
	}
	switch (code) {
	case MTASTS_D_LINT_MX_UNCOVERED:
	case MTASTS_D_LINT_PATTERN_UNUSED:
		return S_MX;
	case MTASTS_D_LINT_NO_TLSRPT:
		return S_TLSRPT;
	case MTASTS_D_LINT_NO_RECORD:
		return S_FETCH;
	case MTASTS_D_LINT_ID_UNCHANGED:
		return S_RECORD;
	default:
		return S_POLICY;
	}
}

static const char *
dns_result_name(int r)
{
	switch (r) {
	case MTASTS_DNS_OK:
		return "ok";
	case MTASTS_DNS_NXDOMAIN:
		return "nxdomain";
	case MTASTS_DNS_NODATA:
		return "nodata";
	case MTASTS_DNS_SERVFAIL:
		return "servfail";
	case MTASTS_DNS_TIMEOUT:
		return "timeout";
	case MTASTS_DNS_ERROR:
		return "error";
	default:
		return NULL;
	}
}

/* Why a TXT lookup of prefix + domain found no record of its family. */
static void
absence(char *buf, size_t size, const char *prefix, const char *domain,
        const char *tag, int dns_result)
{
	switch (dns_result) {
	case MTASTS_DNS_NXDOMAIN:
		set_msg(buf, size, "%s%s does not exist (NXDOMAIN)", prefix,
		        domain);
		break;
	case MTASTS_DNS_NODATA:
		set_msg(buf, size, "%s%s has no TXT record (NODATA)", prefix,
		        domain);
		break;
	default:
		set_msg(buf, size,
		        "none of the TXT records of %s%s begins with \"%s;\"",
		        prefix, domain, tag);
		break;
	}
}

static const char *
temporary(int dns_result)
{
	switch (dns_result) {
	case MTASTS_DNS_SERVFAIL:
		return "server failure";
	case MTASTS_DNS_TIMEOUT:
		return "timeout";
	default:
		return "no usable answer";
	}
}

/* "1 week", "30 days" ... (cli_put_duration() into a buffer). */
static void
duration(char *buf, size_t size, unsigned long seconds)
{
	FILE *f = fmemopen(buf, size, "w");

	buf[0] = '\0';
	if (!f)
		return;
	cli_put_duration(f, seconds);
	fclose(f);
}

/* What a mode means to senders (RFC 8461 section 5, R-42 ... R-46). */
static const char *
mode_words(int mode)
{
	switch (mode) {
	case MTASTS_MODE_ENFORCE:
		return "senders deliver only over TLS with a valid certificate "
		       "to an MX host the policy lists";
	case MTASTS_MODE_TESTING:
		return "senders deliver as usual and report TLS failures";
	default:
		return "senders treat the domain as having no policy";
	}
}

/* ---- the steps ----------------------------------------------------------- */

/* 1. The _mta-sts TXT record (R-05, R-06; a temporary failure is not an
 *    absence, A-22). */
static int
step_record(struct check *c)
{
	int st = mtasts_discover_record(c->ctx, c->domain, &c->record,
	                                &c->record_dns, MTASTS_PARSE_DEFAULT,
	                                c->diag[SRC_RECORD]);
	char why[400];

	c->record_st = st;
	switch (st) {
	case MTASTS_OK:
		STEP(c, S_RECORD, ST_OK, "valid STSv1 record, id %s",
		     mtasts_record_id(c->record));
		break;
	case MTASTS_ENORECORD:
		absence(why, sizeof(why), "_mta-sts.", c->domain, "v=STSv1",
		        c->record_dns);
		STEP(c, S_RECORD, ST_ERROR,
		     "no record: %s, so senders see no MTA-STS policy (R-05)",
		     why);
		break;
	case MTASTS_EMULTIPLE:
		STEP(c, S_RECORD, ST_ERROR,
		     "several STSv1 records: senders treat that as no policy "
		     "(R-06); publish exactly one");
		break;
	case MTASTS_EDNS:
		c->dns_temporary = 1;
		STEP(c, S_RECORD, ST_ERROR,
		     "the lookup failed temporarily (%s): try again later",
		     temporary(c->record_dns));
		break;
	case MTASTS_ENOMEM:
	case MTASTS_EINVAL:
	case MTASTS_ENOTSUP:
		return st;
	default:
		STEP(c, S_RECORD, ST_ERROR,
		     "invalid record: senders treat the domain as having no "
		     "policy (R-06)");
		break;
	}
	return MTASTS_OK;
}

/* Whether the TXT lookup said for sure that there is no usable record
 * (not a temporary failure). */
static int
record_absent(const struct check *c)
{
	return c->record_st != MTASTS_OK && c->record_st != MTASTS_EDNS;
}

/* 2. The policy fetch, with every rule of section 3.3 applied by the
 *    library. */
static int
step_fetch(struct check *c)
{
	const char *id = c->record ? mtasts_record_id(c->record) : NULL;
	int st =
	        mtasts_policy_fetch(c->ctx, c->domain, id, MTASTS_PARSE_DEFAULT,
	                            &c->fetch, c->diag[SRC_FETCH]);
	const char *ct, *err, *rt;
	char what[300];
	int http;

	c->fetch_st = st;
	if (!c->fetch)
		return st == MTASTS_OK ? MTASTS_ENOMEM : st;
	http = mtasts_fetch_result_http_status(c->fetch);
	ct = mtasts_fetch_result_content_type(c->fetch);
	err = mtasts_fetch_result_error(c->fetch);
	rt = mtasts_result_type_name(mtasts_fetch_result_type(c->fetch));
	/* served: a policy body came back (valid or not, A-14) */
	c->served = st == MTASTS_OK || mtasts_fetch_result_type(c->fetch) ==
	                                       MTASTS_RESULT_STS_POLICY_INVALID;
	if (http)
		set_msg(what, sizeof(what), "HTTP %d, Content-Type %s", http,
		        ct ? ct : "missing");
	else
		set_msg(what, sizeof(what), "no HTTP response");

	if (c->served) {
		size_t len = 0;

		(void)mtasts_fetch_result_body(c->fetch, &len);
		if (!record_absent(c)) {
			STEP(c, S_FETCH, ST_OK, "fetched: %s, %zu bytes", what,
			     len);
		} else {
			const mtasts_policy *p =
			        mtasts_fetch_result_policy(c->fetch);
			int none =
			        p && mtasts_policy_mode(p) == MTASTS_MODE_NONE;

			/* the classic mistake: without the record senders
			 * never look for the policy */
			STEP(c, S_FETCH, none ? ST_WARNING : ST_ERROR,
			     "policy served but no %sTXT record (%s): senders "
			     "look up _mta-sts.%s first and, finding no valid "
			     "record, never fetch the policy; publish the record",
			     c->record_st == MTASTS_ENORECORD ? "" : "valid ",
			     what, c->domain);
		}
	} else if (c->record_st == MTASTS_OK) {
		/* the other classic mistake: senders see the record, fail
		 * to fetch and report the failure */
		STEP(c, S_FETCH, ST_ERROR,
		     "TXT record but no policy (%s): %s; senders that see the "
		     "record report %s",
		     what, err ? err : "the fetch failed",
		     rt ? rt : "a fetch failure");
	} else {
		STEP(c, S_FETCH, ST_ERROR, "no policy (%s): %s (%s)", what,
		     err ? err : "the fetch failed",
		     rt ? rt : "a fetch failure");
	}
	return MTASTS_OK;
}

/* 3. The policy itself. */
static void
step_policy(struct check *c)
{
	const mtasts_policy *p = mtasts_fetch_result_policy(c->fetch);
	char age[64];
	unsigned long max_age;
	int mode;

	if (!c->served) {
		c->steps[S_POLICY].skipped = 1;
		STEP(c, S_POLICY, ST_OK, "skipped: no policy was fetched");
		return;
	}
	if (!p) {
		const char *rt = mtasts_result_type_name(
		        mtasts_fetch_result_type(c->fetch));

		STEP(c, S_POLICY, ST_ERROR,
		     "invalid policy file: senders ignore it and report %s "
		     "(A-14)",
		     rt ? rt : "sts-policy-invalid");
		return;
	}
	mode = mtasts_policy_mode(p);
	max_age = (unsigned long)mtasts_policy_max_age(p);
	duration(age, sizeof(age), max_age);
	STEP(c, S_POLICY, ST_OK,
	     "valid: mode %s (%s), max_age %lu s (%s), %zu mx pattern%s",
	     mtasts_mode_name(mode), mode_words(mode), max_age, age,
	     mtasts_policy_mx_count(p),
	     mtasts_policy_mx_count(p) == 1 ? "" : "s");
}

/* 4. The MX hosts (implicit MX A-15, null MX RFC 7505) against the mx
 *    patterns; the consequence of a miss depends on the mode
 *    (R-42). */
static int
step_mx(struct check *c)
{
	const mtasts_policy *p = mtasts_fetch_result_policy(c->fetch);
	size_t i, n, uncovered = 0;
	int st = mtasts_lookup_mx(c->ctx, c->domain, &c->mx, &c->mx_dns,
	                          c->diag[SRC_MX]);

	c->mx_st = st;
	if (st == MTASTS_ENORECORD) {
		STEP(c, S_MX, ST_ERROR,
		     "%s does not exist (NXDOMAIN): it receives no mail",
		     c->domain);
		return MTASTS_OK;
	}
	if (st == MTASTS_EDNS) {
		c->dns_temporary = 1;
		STEP(c, S_MX, ST_ERROR,
		     "the MX lookup failed temporarily (%s): try again later",
		     temporary(c->mx_dns));
		return MTASTS_OK;
	}
	if (st != MTASTS_OK)
		return st;
	if (mtasts_mx_list_null(c->mx)) {
		STEP(c, S_MX, ST_WARNING,
		     "null MX (RFC 7505): %s accepts no mail, so MTA-STS has "
		     "nothing to protect",
		     c->domain);
		return MTASTS_OK;
	}
	n = mtasts_mx_list_count(c->mx);
	c->hosts = calloc(n ? n : 1, sizeof(*c->hosts));
	if (!c->hosts)
		return MTASTS_ENOMEM;
	c->n_hosts = n;
	for (i = 0; i < n; i++) {
		struct host *h = &c->hosts[i];

		h->name = mtasts_mx_list_host(c->mx, i);
		h->preference = mtasts_mx_list_preference(c->mx, i);
		h->covered = -1;
		h->pattern = MTASTS_NO_INDEX;
		h->days_left = -1;
		if (p) {
			h->covered =
			        mtasts_policy_match(p, h->name, &h->pattern);
			if (!h->covered)
				uncovered++;
		}
	}
	if (!p) {
		c->steps[S_MX].skipped = 1;
		STEP(c, S_MX, ST_OK,
		     "skipped: %zu MX host%s found, but no valid policy to "
		     "compare them with",
		     n, n == 1 ? "" : "s");
		return MTASTS_OK;
	}
	if (uncovered == 0) {
		STEP(c, S_MX, ST_OK, "%s covered by the policy",
		     mtasts_mx_list_implicit(c->mx)
		             ? "no MX record: mail goes to the domain itself "
		               "(implicit MX), which is"
		     : n == 1 ? "the MX host is"
		              : "every MX host is");
	} else {
		int mode = mtasts_policy_mode(p);

		STEP(c, S_MX,
		     mode == MTASTS_MODE_ENFORCE   ? ST_ERROR
		     : mode == MTASTS_MODE_TESTING ? ST_WARNING
		                                   : ST_OK,
		     "%zu of %zu MX host%s %s not covered by the policy: %s%s",
		     uncovered, n, n == 1 ? "" : "s",
		     uncovered == 1 ? "is" : "are",
		     mode == MTASTS_MODE_ENFORCE
		             ? "senders refuse to deliver to "
		     : mode == MTASTS_MODE_TESTING
		             ? "in mode enforce senders would refuse to deliver "
		               "to "
		             : "no effect in mode none",
		     mode == MTASTS_MODE_NONE ? ""
		     : uncovered == 1         ? "it"
		                              : "them");
	}
	return MTASTS_OK;
}

/* 5. The TLS-RPT record (RFC 8460 section 3): absent is a warning, a
 *    broken one an error (senders ignore it, T-07). */
static int
step_tlsrpt(struct check *c)
{
	int st = mtasts_discover_tlsrpt(c->ctx, c->domain, &c->tlsrpt,
	                                &c->tlsrpt_dns, MTASTS_PARSE_DEFAULT,
	                                c->diag[SRC_TLSRPT]);
	char rua[MSG_MAX / 2], why[400];
	size_t i, o = 0, n;

	c->tlsrpt_st = st;
	switch (st) {
	case MTASTS_OK:
		rua[0] = '\0';
		n = mtasts_tlsrpt_rua_count(c->tlsrpt);
		for (i = 0; i < n && o < sizeof(rua); i++)
			o += (size_t)snprintf(rua + o, sizeof(rua) - o, "%s%s",
			                      i ? ", " : "",
			                      mtasts_tlsrpt_rua(c->tlsrpt, i));
		STEP(c, S_TLSRPT, ST_OK,
		     "valid TLSRPTv1 record: reports go to %s", rua);
		break;
	case MTASTS_ENORECORD:
		absence(why, sizeof(why), "_smtp._tls.", c->domain,
		        "v=TLSRPTv1", c->tlsrpt_dns);
		STEP(c, S_TLSRPT, ST_WARNING,
		     "no TLS-RPT record: %s; senders cannot tell you about "
		     "failed TLS deliveries (RFC 8460)",
		     why);
		break;
	case MTASTS_EMULTIPLE:
		STEP(c, S_TLSRPT, ST_ERROR,
		     "several TLSRPTv1 records: senders treat that as no TLS "
		     "reporting (T-07); publish exactly one");
		break;
	case MTASTS_EDNS:
		c->dns_temporary = 1;
		STEP(c, S_TLSRPT, ST_ERROR,
		     "the lookup failed temporarily (%s): try again later",
		     temporary(c->tlsrpt_dns));
		break;
	case MTASTS_ENOMEM:
	case MTASTS_EINVAL:
	case MTASTS_ENOTSUP:
		return st;
	default:
		STEP(c, S_TLSRPT, ST_ERROR,
		     "invalid TLS-RPT record: senders ignore it and send no "
		     "reports (T-07)");
		break;
	}
	return MTASTS_OK;
}

/* The linter, told what the lookups found for sure (a temporary failure
 * leaves a piece unknown, so its checks are skipped). */
static int
run_lint(struct check *c)
{
	const mtasts_policy *p = mtasts_fetch_result_policy(c->fetch);
	const char **names = NULL;
	size_t i;
	int st;

	if (!p)
		return MTASTS_OK;
	if (mtasts_lint_new(&c->lint) != MTASTS_OK ||
	    mtasts_lint_set_domain(c->lint, c->domain) != MTASTS_OK)
		return MTASTS_ENOMEM;
	if (c->record_st != MTASTS_EDNS) {
		if (mtasts_lint_set_record(c->lint, c->record) != MTASTS_OK)
			return MTASTS_ENOMEM;
	}
	if (c->tlsrpt_st != MTASTS_EDNS) {
		if (mtasts_lint_set_tlsrpt(c->lint, c->tlsrpt) != MTASTS_OK)
			return MTASTS_ENOMEM;
	}
	/* A null MX is an empty list too, which the linter reads as "no MX
	 * records" (the implicit MX): leave the hosts unset then. */
	if (c->mx_st == MTASTS_OK && !mtasts_mx_list_null(c->mx)) {
		size_t n = mtasts_mx_list_implicit(c->mx) ? 0 : c->n_hosts;

		if (n) {
			names = malloc(n * sizeof(*names));
			if (!names)
				return MTASTS_ENOMEM;
			for (i = 0; i < n; i++)
				names[i] = c->hosts[i].name;
		}
		st = mtasts_lint_set_mx_hosts(c->lint, names, n);
		free(names);
		if (st != MTASTS_OK)
			return MTASTS_ENOMEM;
	}
	st = mtasts_lint_policy(c->lint, p, c->diag[SRC_LINT]);
	return st == MTASTS_ELINT ? MTASTS_OK : st;
}

/* A step's status raised by its lint findings (an error or a warning)
 * and by warnings among its details. Errors of details need no raise:
 * the step already says what failed. */
static void
raise_status(struct check *c, int s)
{
	size_t src, i, n;

	if (c->steps[s].skipped)
		return;
	for (src = 0; src < SRC_COUNT; src++) {
		n = mtasts_diag_count(c->diag[src]);
		for (i = 0; i < n; i++) {
			int sev = mtasts_diag_severity(c->diag[src], i);
			int want = ST_OK;

			if (step_of((int)src,
			            mtasts_diag_code(c->diag[src], i)) != s)
				continue;
			if (sev == MTASTS_SEVERITY_WARNING)
				want = ST_WARNING;
			else if (sev == MTASTS_SEVERITY_ERROR &&
			         src == SRC_LINT)
				want = ST_ERROR;
			if (want > c->steps[s].status)
				c->steps[s].status = want;
		}
	}
}

/* What a failed probe means, by result type (RFC 8460 section 4.3). */
static const char *
probe_words(int result_type)
{
	switch (result_type) {
	case MTASTS_RESULT_STARTTLS_NOT_SUPPORTED:
		return "STARTTLS is not offered on port 25";
	case MTASTS_RESULT_CERTIFICATE_HOST_MISMATCH:
		return "the certificate does not name this host";
	case MTASTS_RESULT_CERTIFICATE_EXPIRED:
		return "the certificate has expired";
	case MTASTS_RESULT_CERTIFICATE_NOT_TRUSTED:
		return "the certificate does not chain to a trusted root";
	default:
		return "the TLS handshake failed";
	}
}

/* 6. One MX host: STARTTLS and its certificate, as a sender checks them
 *    (R-40, R-50). */
static int
probe_host(struct check *c, struct host *h)
{
	mtasts_diag *d = c->diag[SRC_PROBE];
	int st, rt;

	h->diag_from = mtasts_diag_count(d);
	st = mtasts_probe_mx(c->ctx, h->name, &h->probe, d);
	h->diag_to = mtasts_diag_count(d);
	h->probe_st = st;
	if (!h->probe)
		return st == MTASTS_OK ? MTASTS_ENOMEM : st;
	rt = mtasts_tls_probe_result_type(h->probe);
	if (st == MTASTS_OK) {
		int64_t na = mtasts_tls_probe_not_after(h->probe);
		char date[32] = "";

		h->status = ST_OK;
		if (na > 0) {
			time_t t = (time_t)na;
			struct tm tm;

			h->days_left =
			        na > c->now ? (long)((na - c->now) / 86400) : 0;
			if (gmtime_r(&t, &tm))
				strftime(date, sizeof(date), "%Y-%m-%d", &tm);
		}
		if (na <= 0) {
			set_msg(h->msg, sizeof(h->msg),
			        "%s: STARTTLS offered, certificate valid for the "
			        "host name (expiry date unknown)",
			        h->name);
		} else if (h->days_left < EXPIRY_WARN_DAYS) {
			h->status = ST_WARNING;
			set_msg(h->msg, sizeof(h->msg),
			        "%s: STARTTLS offered, certificate valid for the "
			        "host name, but it expires in %ld day%s (%s): "
			        "renew it now",
			        h->name, h->days_left,
			        h->days_left == 1 ? "" : "s", date);
		} else {
			set_msg(h->msg, sizeof(h->msg),
			        "%s: STARTTLS offered, certificate valid for the "
			        "host name, expires in %ld days (%s)",
			        h->name, h->days_left, date);
		}
	} else if (st == MTASTS_ETLS) {
		h->status = ST_ERROR;
		set_msg(h->msg, sizeof(h->msg), "%s: %s (senders report %s)",
		        h->name, probe_words(rt),
		        mtasts_result_type_name(rt)
		                ? mtasts_result_type_name(rt)
		                : "validation-failure");
	} else {
		h->status = ST_ERROR;
		set_msg(h->msg, sizeof(h->msg),
		        "%s: no SMTP session on port 25 (%s)", h->name,
		        mtasts_tls_probe_error(h->probe)
		                ? mtasts_tls_probe_error(h->probe)
		                : "no connection");
	}
	return MTASTS_OK;
}

/* The summary of step 6 once every host was probed. */
static void
step_mxtls(struct check *c)
{
	const mtasts_policy *p = mtasts_fetch_result_policy(c->fetch);
	int mode = p ? mtasts_policy_mode(p) : MTASTS_MODE_NONE;
	size_t i, bad = 0, warn = 0;

	if (c->mx_st != MTASTS_OK || c->n_hosts == 0) {
		c->steps[S_MXTLS].skipped = 1;
		STEP(c, S_MXTLS, ST_OK, "skipped: no MX host to check");
		return;
	}
	for (i = 0; i < c->n_hosts; i++) {
		if (c->hosts[i].status == ST_ERROR)
			bad++;
		else if (c->hosts[i].status == ST_WARNING)
			warn++;
	}
	if (bad)
		STEP(c, S_MXTLS, ST_ERROR,
		     "%zu of %zu MX host%s failed the TLS check: %s %s%s", bad,
		     c->n_hosts, c->n_hosts == 1 ? "" : "s",
		     mode == MTASTS_MODE_ENFORCE
		             ? "senders refuse to deliver to"
		     : mode == MTASTS_MODE_TESTING
		             ? "senders report it; in mode enforce they would "
		               "refuse to deliver to"
		             : "senders applying an enforce policy would refuse "
		               "to deliver to",
		     bad == 1 ? "it" : "them",
		     mode == MTASTS_MODE_ENFORCE ? " (R-42)" : "");
	else if (warn)
		STEP(c, S_MXTLS, ST_WARNING,
		     "%zu MX host%s offer%s TLS with a certificate that "
		     "expires within %d days",
		     warn, warn == 1 ? "" : "s", warn == 1 ? "s" : "",
		     EXPIRY_WARN_DAYS);
	else
		STEP(c, S_MXTLS, ST_OK, "%s STARTTLS with a valid certificate",
		     c->n_hosts == 1 ? "the MX host offers"
		                     : "every MX host offers");
}

/* ---- human output -------------------------------------------------------- */

static const char *
mark(int status)
{
	return status == ST_ERROR     ? "\u2717"
	       : status == ST_WARNING ? "!"
	                              : "\u2713";
}

static const char *
sev_mark(int severity)
{
	return severity == MTASTS_SEVERITY_ERROR     ? "\u2717"
	       : severity == MTASTS_SEVERITY_WARNING ? "!"
	                                             : "i";
}

static void
put_item(const char *m, const char *text)
{
	printf("   %s ", m);
	cli_put_safe(stdout, text);
	fputc('\n', stdout);
}

/* One diagnostic: a lint finding as an item with its mark, anything else
 * as a detail line under the item it explains. A detail that only says
 * that a name does not exist or has no record repeats the item: left out
 * (it stays in the JSON output). */
static void
put_diag(const mtasts_diag *d, size_t i, int finding)
{
	int code = mtasts_diag_code(d, i);
	int sev = mtasts_diag_severity(d, i);
	const char *name = mtasts_diag_code_name(code);
	const char *msg = mtasts_diag_message(d, i);
	const char *sname = mtasts_severity_name(sev);
	unsigned int line = mtasts_diag_line(d, i);
	unsigned int col = mtasts_diag_column(d, i);

	if (!finding &&
	    (code == MTASTS_D_DNS_NXDOMAIN || code == MTASTS_D_DNS_NODATA))
		return;
	if (finding)
		printf("   %s ", sev_mark(sev));
	else
		fputs("       ", stdout);
	if (line > 0 && col > 0)
		printf("%u:%u: ", line, col);
	else if (line > 0)
		printf("%u: ", line);
	printf("%s: ", sname ? sname : "unknown");
	cli_put_safe(stdout, msg ? msg : "");
	if (name)
		printf(" [%s]\n", name);
	else
		printf(" [%d]\n", code);
}

/* Every diagnostic shown in step s: details first, then lint findings. */
static void
put_step_diags(const struct check *c, int s, int with_probes)
{
	size_t src, i, n;

	for (src = 0; src < SRC_COUNT; src++) {
		if (src == SRC_LINT || (src == SRC_PROBE && !with_probes))
			continue;
		n = mtasts_diag_count(c->diag[src]);
		for (i = 0; i < n; i++)
			if (step_of((int)src,
			            mtasts_diag_code(c->diag[src], i)) == s)
				put_diag(c->diag[src], i, 0);
	}
	n = mtasts_diag_count(c->diag[SRC_LINT]);
	for (i = 0; i < n; i++)
		if (step_of(SRC_LINT, mtasts_diag_code(c->diag[SRC_LINT], i)) ==
		    s)
			put_diag(c->diag[SRC_LINT], i, 1);
}

static void
put_step_main(const struct check *c, int s)
{
	const struct step *st = &c->steps[s];

	put_item(st->skipped ? "-" : mark(st->status), st->msg);
}

static void
print_head(const struct check *c)
{
	fputs("MTA-STS check of ", stdout);
	cli_put_safe(stdout, c->domain);
	fputs("\n\n1. MTA-STS record: _mta-sts.", stdout);
	cli_put_safe(stdout, c->domain);
	fputs(" TXT\n", stdout);
	put_step_main(c, S_RECORD);
	put_step_diags(c, S_RECORD, 0);

	fputs("\n2. Policy fetch: ", stdout);
	cli_put_safe(stdout, mtasts_fetch_result_url(c->fetch));
	fputc('\n', stdout);
	put_step_main(c, S_FETCH);
	put_step_diags(c, S_FETCH, 0);

	fputs("\n3. Policy\n", stdout);
	put_step_main(c, S_POLICY);
	if (mtasts_fetch_result_policy(c->fetch)) {
		const mtasts_policy *p = mtasts_fetch_result_policy(c->fetch);
		size_t i, n = mtasts_policy_mx_count(p);

		fputs("   \u2713 mx patterns:", stdout);
		for (i = 0; i < n; i++) {
			fputs(i ? ", " : " ", stdout);
			cli_put_safe(stdout, mtasts_policy_mx(p, i));
		}
		fputc('\n', stdout);
	}
	put_step_diags(c, S_POLICY, 0);
}

static void
print_mx_and_tlsrpt(const struct check *c)
{
	const mtasts_policy *p = mtasts_fetch_result_policy(c->fetch);
	int mode = p ? mtasts_policy_mode(p) : 0;
	size_t i;

	fputs("\n4. MX hosts of ", stdout);
	cli_put_safe(stdout, c->domain);
	fputc('\n', stdout);
	put_step_main(c, S_MX);
	for (i = 0; i < c->n_hosts; i++) {
		const struct host *h = &c->hosts[i];
		char line[MSG_MAX], pref[48];

		if (mtasts_mx_list_implicit(c->mx))
			set_msg(pref, sizeof(pref), "implicit MX");
		else
			set_msg(pref, sizeof(pref), "preference %d",
			        h->preference);
		if (h->covered < 0) {
			set_msg(line, sizeof(line), "%s (%s)", h->name, pref);
			put_item("-", line);
		} else if (h->covered) {
			set_msg(line, sizeof(line), "%s (%s): covered by %s",
			        h->name, pref, mtasts_policy_mx(p, h->pattern));
			put_item(mark(ST_OK), line);
		} else {
			set_msg(line, sizeof(line),
			        "%s (%s): not covered by any mx pattern",
			        h->name, pref);
			put_item(mode == MTASTS_MODE_ENFORCE ? mark(ST_ERROR)
			         : mode == MTASTS_MODE_TESTING
			                 ? mark(ST_WARNING)
			                 : "i",
			         line);
		}
	}
	put_step_diags(c, S_MX, 0);

	fputs("\n5. TLS reporting: _smtp._tls.", stdout);
	cli_put_safe(stdout, c->domain);
	fputs(" TXT\n", stdout);
	put_step_main(c, S_TLSRPT);
	put_step_diags(c, S_TLSRPT, 0);

	fputs("\n6. STARTTLS on the MX hosts (port 25)\n", stdout);
}

/* One probed host of step 6, printed as soon as it is known. */
static void
print_host(const struct check *c, const struct host *h)
{
	size_t i;

	put_item(mark(h->status), h->msg);
	for (i = h->diag_from; i < h->diag_to; i++)
		put_diag(c->diag[SRC_PROBE], i, 0);
}

/* " record, policy-fetch": the steps with this status. */
static void
put_step_list(const struct check *c, int status)
{
	int s, first = 1;

	for (s = 0; s < S_COUNT; s++) {
		if (c->steps[s].skipped || c->steps[s].status != status)
			continue;
		printf("%s %s", first ? "" : ",", step_names[s]);
		first = 0;
	}
}

static void
print_tail(const struct check *c)
{
	int s, problems = 0, warnings = 0;

	if (c->steps[S_MXTLS].skipped)
		put_step_main(c, S_MXTLS);
	fputs("\nResult: ", stdout);
	for (s = 0; s < S_COUNT; s++) {
		if (c->steps[s].skipped)
			continue;
		if (c->steps[s].status == ST_ERROR)
			problems++;
		else if (c->steps[s].status == ST_WARNING)
			warnings++;
	}
	if (problems) {
		fputs("FAILED: problems in", stdout);
		put_step_list(c, ST_ERROR);
	} else {
		fputs("passed", stdout);
	}
	if (warnings) {
		fputs(problems ? "; warnings in" : " with warnings in", stdout);
		put_step_list(c, ST_WARNING);
	}
	fputs("\n", stdout);
	if (c->dns_temporary)
		fputs("Some DNS lookups failed temporarily: try again later.\n",
		      stdout);
}

/* ---- JSON output --------------------------------------------------------- */

static void
json_opt_string(struct cli_json *j, const char *key, const char *v)
{
	cli_json_key(j, key);
	cli_json_string(j, v); /* NULL gives null */
}

static void
json_step_begin(struct cli_json *j, const struct check *c, int s)
{
	const struct step *st = &c->steps[s];

	cli_json_begin_object(j);
	json_opt_string(j, "name", step_names[s]);
	json_opt_string(j, "status",
	                st->skipped                ? "skipped"
	                : st->status == ST_ERROR   ? "error"
	                : st->status == ST_WARNING ? "warning"
	                                           : "ok");
	json_opt_string(j, "message", st->msg);
}

static void
json_step_end(struct cli_json *j, const struct check *c, int s)
{
	size_t src, i, n;

	cli_json_key(j, "diagnostics");
	cli_json_begin_array(j);
	for (src = 0; src < SRC_COUNT; src++) {
		n = mtasts_diag_count(c->diag[src]);
		for (i = 0; i < n; i++)
			if (step_of((int)src,
			            mtasts_diag_code(c->diag[src], i)) == s)
				cli_json_diag_item(j, c->diag[src], i, NULL);
	}
	cli_json_end_array(j);
	cli_json_end_object(j);
}

static void
json_uint_or_null(struct cli_json *j, const char *key, long long v)
{
	cli_json_key(j, key);
	if (v < 0)
		cli_json_null(j);
	else
		cli_json_uint(j, (unsigned long long)v);
}

static void
print_json(const struct check *c, int ok)
{
	const mtasts_policy *p = mtasts_fetch_result_policy(c->fetch);
	struct cli_json j;
	size_t i, n;
	int http;

	cli_json_init(&j, stdout);
	cli_json_begin_object(&j);
	json_opt_string(&j, "domain", c->domain);
	cli_json_key(&j, "ok");
	cli_json_bool(&j, ok);
	cli_json_key(&j, "steps");
	cli_json_begin_array(&j);

	json_step_begin(&j, c, S_RECORD);
	json_opt_string(&j, "dns_result", dns_result_name(c->record_dns));
	json_opt_string(&j, "id",
	                c->record ? mtasts_record_id(c->record) : NULL);
	json_step_end(&j, c, S_RECORD);

	json_step_begin(&j, c, S_FETCH);
	json_opt_string(&j, "url", mtasts_fetch_result_url(c->fetch));
	http = mtasts_fetch_result_http_status(c->fetch);
	json_uint_or_null(&j, "http_status", http ? http : -1);
	json_opt_string(&j, "content_type",
	                mtasts_fetch_result_content_type(c->fetch));
	json_opt_string(
	        &j, "result_type",
	        mtasts_result_type_name(mtasts_fetch_result_type(c->fetch)));
	json_opt_string(&j, "error", mtasts_fetch_result_error(c->fetch));
	json_step_end(&j, c, S_FETCH);

	json_step_begin(&j, c, S_POLICY);
	json_opt_string(&j, "mode",
	                p ? mtasts_mode_name(mtasts_policy_mode(p)) : NULL);
	json_uint_or_null(&j, "max_age",
	                  p ? (long long)mtasts_policy_max_age(p) : -1);
	cli_json_key(&j, "mx");
	if (p) {
		cli_json_begin_array(&j);
		n = mtasts_policy_mx_count(p);
		for (i = 0; i < n; i++)
			cli_json_string(&j, mtasts_policy_mx(p, i));
		cli_json_end_array(&j);
	} else {
		cli_json_null(&j);
	}
	json_step_end(&j, c, S_POLICY);

	json_step_begin(&j, c, S_MX);
	json_opt_string(&j, "dns_result", dns_result_name(c->mx_dns));
	cli_json_key(&j, "implicit");
	cli_json_bool(&j, c->mx && mtasts_mx_list_implicit(c->mx));
	cli_json_key(&j, "null_mx");
	cli_json_bool(&j, c->mx && mtasts_mx_list_null(c->mx));
	cli_json_key(&j, "hosts");
	cli_json_begin_array(&j);
	for (i = 0; i < c->n_hosts; i++) {
		const struct host *h = &c->hosts[i];

		cli_json_begin_object(&j);
		json_opt_string(&j, "host", h->name);
		json_uint_or_null(&j, "preference", h->preference);
		cli_json_key(&j, "covered");
		if (h->covered < 0)
			cli_json_null(&j);
		else
			cli_json_bool(&j, h->covered);
		json_opt_string(&j, "pattern",
		                h->covered > 0 ? mtasts_policy_mx(p, h->pattern)
		                               : NULL);
		cli_json_end_object(&j);
	}
	cli_json_end_array(&j);
	json_step_end(&j, c, S_MX);

	json_step_begin(&j, c, S_TLSRPT);
	json_opt_string(&j, "dns_result", dns_result_name(c->tlsrpt_dns));
	cli_json_key(&j, "rua");
	if (c->tlsrpt) {
		cli_json_begin_array(&j);
		n = mtasts_tlsrpt_rua_count(c->tlsrpt);
		for (i = 0; i < n; i++)
			cli_json_string(&j, mtasts_tlsrpt_rua(c->tlsrpt, i));
		cli_json_end_array(&j);
	} else {
		cli_json_null(&j);
	}
	json_step_end(&j, c, S_TLSRPT);

	json_step_begin(&j, c, S_MXTLS);
	cli_json_key(&j, "hosts");
	cli_json_begin_array(&j);
	for (i = 0; i < c->n_hosts && !c->steps[S_MXTLS].skipped; i++) {
		const struct host *h = &c->hosts[i];
		int64_t na = mtasts_tls_probe_not_after(h->probe);
		int starttls = mtasts_tls_probe_starttls(h->probe);

		cli_json_begin_object(&j);
		json_opt_string(&j, "host", h->name);
		json_opt_string(&j, "status",
		                h->status == ST_ERROR     ? "error"
		                : h->status == ST_WARNING ? "warning"
		                                          : "ok");
		json_opt_string(&j, "message", h->msg);
		cli_json_key(&j, "starttls");
		if (starttls < 0)
			cli_json_null(&j);
		else
			cli_json_bool(&j, starttls);
		json_opt_string(
		        &j, "result_type",
		        mtasts_result_type_name(
		                mtasts_tls_probe_result_type(h->probe)));
		json_uint_or_null(&j, "not_after", na > 0 ? na : -1);
		json_uint_or_null(&j, "days_left", h->days_left);
		json_opt_string(&j, "error", mtasts_tls_probe_error(h->probe));
		cli_json_end_object(&j);
	}
	cli_json_end_array(&j);
	json_step_end(&j, c, S_MXTLS);

	cli_json_end_array(&j);
	cli_json_end_object(&j);
	fputc('\n', stdout);
}

/* ---- options ------------------------------------------------------------- */

/* DOMAIN: ASCII lower case, one trailing dot removed, then a host name
 * (the syntax of an mx pattern without wildcard) short enough for
 * "_smtp._tls." in front. */
static int
parse_domain(const struct cli_command *cmd, const char *in, char **out)
{
	mtasts_diag *diag = NULL;
	size_t n = strlen(in), i;
	char *d;
	int st;

	*out = NULL;
	if (n && in[n - 1] == '.')
		n--;
	if (n == 0 || in[0] == '*')
		return cli_usage_error(cmd, "invalid DOMAIN (a domain name)",
		                       in);
	if (n > CLI_DOMAIN_MAX)
		return cli_usage_error(cmd,
		                       "invalid DOMAIN (longer than 242 "
		                       "bytes, too long for _smtp._tls.)",
		                       in);
	d = malloc(n + 1);
	if (!d || mtasts_diag_new(&diag) != MTASTS_OK) {
		free(d);
		cli_error("out of memory");
		return CLI_USAGE;
	}
	for (i = 0; i < n; i++)
		d[i] = (in[i] >= 'A' && in[i] <= 'Z')
		               ? (char)(in[i] - 'A' + 'a')
		               : in[i];
	d[n] = '\0';
	st = mtasts_mx_pattern_check(d, diag);
	if (st != MTASTS_OK) {
		mtasts_diag_free(diag);
		free(d);
		if (cli_internal_failure("DOMAIN", st))
			return CLI_USAGE;
		/* the pattern checker's messages speak of mx lines: say it
		 * in terms of a domain instead */
		return cli_usage_error(cmd,
		                       "invalid DOMAIN (a host name: labels of "
		                       "letters, digits and inner hyphens, "
		                       "separated by dots)",
		                       in);
	}
	mtasts_diag_free(diag);
	*out = d;
	return 0;
}

/* The context from the options; CLI_USAGE after reporting a bad value. */
static int
make_ctx(const struct cli_command *cmd, struct check *c,
         const struct cli_list *dns, const struct cli_list *connect_to,
         const char *ca_file, const char *timeout)
{
	unsigned long long secs = 0;
	size_t i;
	int st;

	if (timeout && (cli_parse_uint(timeout, 60, &secs) != 0 || secs < 1))
		return cli_usage_error(
		        cmd, "invalid --timeout (1 to 60 seconds)", timeout);
	if (ca_file) {
		FILE *f = fopen(ca_file, "rb");

		if (!f) {
			int err = errno;

			fputs("mtasts: ", stderr);
			cli_put_safe(stderr, ca_file);
			fprintf(stderr, ": %s\n", strerror(err));
			return CLI_USAGE;
		}
		fclose(f);
	}
	if (mtasts_ctx_new(&c->ctx) != MTASTS_OK) {
		cli_error("out of memory");
		return CLI_USAGE;
	}
	if (dns->count) {
		size_t len = 1;
		char *all;

		for (i = 0; i < dns->count; i++) {
			if (!dns->items[i][0])
				return cli_usage_error(cmd,
				                       "invalid --dns-server",
				                       dns->items[i]);
			len += strlen(dns->items[i]) + 1;
		}
		all = malloc(len);
		if (!all) {
			cli_error("out of memory");
			return CLI_USAGE;
		}
		all[0] = '\0';
		for (i = 0; i < dns->count; i++) {
			if (i)
				strcat(all, ",");
			strcat(all, dns->items[i]);
		}
		st = mtasts_ctx_set_dns_servers(c->ctx, all);
		free(all);
		if (st == MTASTS_ENOMEM) {
			cli_error("out of memory");
			return CLI_USAGE;
		}
		if (st != MTASTS_OK) {
			/* name the culprit: each value alone */
			for (i = 0; i < dns->count; i++)
				if (mtasts_ctx_set_dns_servers(
				            c->ctx, dns->items[i]) != MTASTS_OK)
					break;
			return cli_usage_error(
			        cmd,
			        "invalid --dns-server (IP[:PORT], "
			        "IPv6 as [IP]:PORT, comma-separated)",
			        dns->items[i < dns->count ? i : 0]);
		}
	}
	for (i = 0; i < connect_to->count; i++) {
		st = mtasts_ctx_add_connect_to(c->ctx, connect_to->items[i]);
		if (st == MTASTS_ENOMEM) {
			cli_error("out of memory");
			return CLI_USAGE;
		}
		if (st != MTASTS_OK)
			return cli_usage_error(cmd,
			                       "invalid --connect-to "
			                       "(HOST:PORT:ADDRESS:PORT)",
			                       connect_to->items[i]);
	}
	if (ca_file && mtasts_ctx_set_ca_file(c->ctx, ca_file) != MTASTS_OK) {
		cli_error("out of memory");
		return CLI_USAGE;
	}
	if (secs) {
		unsigned int ms = (unsigned int)secs * 1000u;

		/* the whole fetch or probe gets S seconds; one DNS
		 * query and one connection never more than their defaults */
		if (mtasts_ctx_set_timeout(c->ctx, MTASTS_TIMEOUT_TOTAL, ms) !=
		            MTASTS_OK ||
		    mtasts_ctx_set_timeout(c->ctx, MTASTS_TIMEOUT_CONNECT,
		                           ms < 10000u ? ms : 10000u) !=
		            MTASTS_OK ||
		    mtasts_ctx_set_timeout(c->ctx, MTASTS_TIMEOUT_DNS,
		                           ms < 5000u ? ms : 5000u) !=
		            MTASTS_OK) {
			cli_error("cannot set the timeout");
			return CLI_USAGE;
		}
	}
	return 0;
}

/* ---- the command --------------------------------------------------------- */

static int
internal(int st)
{
	if (st == MTASTS_ENOTSUP)
		cli_error("check: built without network support (libmtasts "
		          "has no DNS, HTTPS or SMTP transport)");
	else
		cli_error("%s", st == MTASTS_ENOMEM ? "out of memory"
		                                    : mtasts_strerror(st));
	return CLI_USAGE;
}

int
cmd_check(const struct cli_command *cmd, int argc, char **argv)
{
	const char *ca_file = NULL, *timeout = NULL;
	struct cli_list dns = { NULL, 0 }, connect_to = { NULL, 0 };
	int json = 0;
	const struct cli_opt opts[] = {
		CLI_FLAG("--json", &json),
		CLI_LIST("--dns-server", &dns),
		CLI_VALUE("--ca-file", &ca_file),
		CLI_LIST("--connect-to", &connect_to),
		CLI_VALUE("--timeout", &timeout),
		CLI_OPT_END,
	};
	struct check c;
	size_t i;
	int n, rc, st, s, failed = 0;

	memset(&c, 0, sizeof(c));
	rc = cli_parse_opts(cmd, argc, argv, opts, 1, 1, &n);
	if (rc != CLI_ARGS_OK) {
		rc = rc == CLI_ARGS_HELP ? cli_finish(CLI_OK) : CLI_USAGE;
		goto out;
	}
	rc = CLI_USAGE;
	if (parse_domain(cmd, argv[1], &c.domain) != 0)
		goto out;
	if (make_ctx(cmd, &c, &dns, &connect_to, ca_file, timeout) != 0)
		goto out;
	if (!mtasts_net_available()) {
		internal(MTASTS_ENOTSUP);
		goto out;
	}
	for (i = 0; i < SRC_COUNT; i++) {
		if (mtasts_diag_new(&c.diag[i]) != MTASTS_OK) {
			internal(MTASTS_ENOMEM);
			goto out;
		}
	}
	c.now = (int64_t)time(NULL);

	/* steps 1 to 5: DNS and one HTTPS fetch; then the linter */
	if ((st = step_record(&c)) != MTASTS_OK ||
	    (st = step_fetch(&c)) != MTASTS_OK)
		goto fail;
	step_policy(&c);
	if ((st = step_mx(&c)) != MTASTS_OK ||
	    (st = step_tlsrpt(&c)) != MTASTS_OK ||
	    (st = run_lint(&c)) != MTASTS_OK)
		goto fail;
	for (s = 0; s < S_COUNT - 1; s++)
		raise_status(&c, s);
	if (!json) {
		print_head(&c);
		print_mx_and_tlsrpt(&c);
		fflush(stdout);
	}

	/* step 6: the slow part, host by host, shown as it goes */
	if (c.mx_st == MTASTS_OK) {
		for (i = 0; i < c.n_hosts; i++) {
			if ((st = probe_host(&c, &c.hosts[i])) != MTASTS_OK)
				goto fail;
			if (!json) {
				print_host(&c, &c.hosts[i]);
				fflush(stdout);
			}
		}
	}
	step_mxtls(&c);

	for (s = 0; s < S_COUNT; s++)
		if (!c.steps[s].skipped && c.steps[s].status == ST_ERROR)
			failed = 1;
	if (json)
		print_json(&c, !failed);
	else
		print_tail(&c);
	rc = cli_finish(failed ? CLI_FAIL : CLI_OK);
	goto out;
fail:
	rc = internal(st);
out:
	check_free(&c);
	cli_list_free(&dns);
	cli_list_free(&connect_to);
	return rc;
}
