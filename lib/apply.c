/* SPDX-License-Identifier: MIT */
/*
 * Applying a policy to a delivery (RFC 8461 §4, §5, §5.1, §8.4; digest
 * §5): which MX hosts may be tried, with which TLS requirement, and what
 * is reported.
 */
#include "private.h"

#include <stdlib.h>
#include <string.h>

struct plan_host {
	char *host;
	int verdict;
	size_t pattern;
	int report;
};

struct mtasts_plan {
	int mode; /* 0: no policy */
	size_t n;
	struct plan_host *v;
};

const char *
mtasts_mx_verdict_name(int verdict)
{
	switch (verdict) {
	case MTASTS_MX_REQUIRE_TLS:
		return "require-tls";
	case MTASTS_MX_REFUSE:
		return "refuse";
	case MTASTS_MX_OPPORTUNISTIC:
		return "opportunistic";
	default:
		return NULL;
	}
}

void
mtasts_plan_free(mtasts_plan *plan)
{
	size_t i;

	if (!plan)
		return;
	for (i = 0; i < plan->n; i++)
		free(plan->v[i].host);
	free(plan->v);
	free(plan);
}

int
mtasts_plan_new(mtasts_plan **out, const mtasts_policy *policy,
                const char *const *hosts, size_t count)
{
	mtasts_plan *p;
	size_t i;

	if (!out)
		return MTASTS_EINVAL;
	*out = NULL;
	if ((count && !hosts) || count > 65535)
		return MTASTS_EINVAL;
	for (i = 0; i < count; i++)
		if (!hosts[i])
			return MTASTS_EINVAL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return MTASTS_ENOMEM;
	p->v = calloc(count ? count : 1, sizeof(*p->v));
	if (!p->v) {
		free(p);
		return MTASTS_ENOMEM;
	}
	p->mode = policy ? mtasts_policy_mode(policy) : 0;
	for (i = 0; i < count; i++) {
		struct plan_host *h = &p->v[i];
		int match;

		h->host = mtasts__strndup(hosts[i], strlen(hosts[i]));
		if (!h->host) {
			mtasts_plan_free(p);
			return MTASTS_ENOMEM;
		}
		p->n++;
		h->pattern = MTASTS_NO_INDEX;
		h->verdict = MTASTS_MX_OPPORTUNISTIC;
		if (!policy || p->mode == MTASTS_MODE_NONE)
			continue; /* no active policy */
		/* the host as found in DNS against the patterns */
		match = mtasts_policy_match(policy, hosts[i], &h->pattern);
		if (p->mode == MTASTS_MODE_ENFORCE)
			h->verdict = match ? MTASTS_MX_REQUIRE_TLS
			                   : MTASTS_MX_REFUSE; /* */
		if (!match)
			h->report =
			        MTASTS_RESULT_VALIDATION_FAILURE; /* TA-15 */
	}
	*out = p;
	return MTASTS_OK;
}

int
mtasts_plan_mode(const mtasts_plan *plan)
{
	return plan ? plan->mode : 0;
}

size_t
mtasts_plan_count(const mtasts_plan *plan)
{
	return plan ? plan->n : 0;
}

const char *
mtasts_plan_host(const mtasts_plan *plan, size_t index)
{
	return plan && index < plan->n ? plan->v[index].host : NULL;
}

int
mtasts_plan_verdict(const mtasts_plan *plan, size_t index)
{
	return plan && index < plan->n ? plan->v[index].verdict : MTASTS_EINVAL;
}

size_t
mtasts_plan_pattern(const mtasts_plan *plan, size_t index)
{
	return plan && index < plan->n ? plan->v[index].pattern
	                               : MTASTS_NO_INDEX;
}

int
mtasts_plan_report_type(const mtasts_plan *plan, size_t index)
{
	return plan && index < plan->n ? plan->v[index].report : 0;
}

int
mtasts_plan_deliverable(const mtasts_plan *plan)
{
	size_t i;

	if (!plan)
		return 0;
	for (i = 0; i < plan->n; i++)
		if (plan->v[i].verdict != MTASTS_MX_REFUSE)
			return 1;
	return 0;
}

int
mtasts_plan_tls_outcome(const mtasts_plan *plan, size_t index, int tls_result,
                        int *report_type)
{
	const struct plan_host *h;

	if (report_type)
		*report_type = 0;
	if (!plan || index >= plan->n)
		return MTASTS_EINVAL;
	h = &plan->v[index];
	switch (tls_result) {
	case 0:
	case MTASTS_RESULT_STARTTLS_NOT_SUPPORTED:
	case MTASTS_RESULT_CERTIFICATE_HOST_MISMATCH:
	case MTASTS_RESULT_CERTIFICATE_EXPIRED:
	case MTASTS_RESULT_CERTIFICATE_NOT_TRUSTED:
	case MTASTS_RESULT_VALIDATION_FAILURE:
		break;
	default:
		return MTASTS_EINVAL;
	}
	if (h->verdict == MTASTS_MX_REFUSE)
		return MTASTS_EINVAL; /* no session should exist */
	if (report_type && plan->mode != 0 && plan->mode != MTASTS_MODE_NONE)
		*report_type = tls_result; /* R-48 (c), not for none */
	if (h->verdict == MTASTS_MX_REQUIRE_TLS)
		return tls_result == 0; /* */
	return 1; /* testing, none, no policy: deliver anyway */
}
