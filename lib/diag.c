/* SPDX-License-Identifier: MIT */
/*
 * Diagnostics: the list object, the registry of codes (name + status), and
 * the status strings. The registry is the single source of truth for code
 * names; docs/diagnostics.md is checked against it by a test.
 */
#include "private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MSG_MAX 200

struct entry {
	int code;
	int severity;
	unsigned int line;
	unsigned int col;
	size_t off;
	char msg[MSG_MAX];
};

struct mtasts_diag {
	struct entry *v;
	size_t n;
	size_t cap;
	size_t errors;
	int full; /* the overflow warning has been added */
};

/* ---- registry ----------------------------------------------------------- */

struct code_info {
	int code;
	int status;
	const char *name;
};

static const struct code_info registry[] = {
	{ MTASTS_D_TOO_LARGE, MTASTS_ETOOLARGE, "too-large" },
	{ MTASTS_D_LINE_TOO_LONG, MTASTS_ETOOLARGE, "line-too-long" },
	{ MTASTS_D_TOO_MANY_MX, MTASTS_ETOOLARGE, "too-many-mx" },
	{ MTASTS_D_TOO_MANY_EXTENSIONS, MTASTS_ETOOLARGE,
	  "too-many-extensions" },
	{ MTASTS_D_EMPTY, MTASTS_ESYNTAX, "empty" },
	{ MTASTS_D_NUL_BYTE, MTASTS_ESYNTAX, "nul-byte" },
	{ MTASTS_D_CONTROL_CHAR, MTASTS_ESYNTAX, "control-char" },
	{ MTASTS_D_NON_ASCII, MTASTS_ESYNTAX, "non-ascii" },
	{ MTASTS_D_INVALID_UTF8, MTASTS_ESYNTAX, "invalid-utf8" },
	{ MTASTS_D_BOM, MTASTS_ESYNTAX, "bom" },
	{ MTASTS_D_BARE_CR, MTASTS_ESYNTAX, "bare-cr" },
	{ MTASTS_D_QUOTED, MTASTS_OK, "quoted" },
	{ MTASTS_D_OUTER_WHITESPACE, MTASTS_OK, "outer-whitespace" },
	{ MTASTS_D_TOO_MANY_DIAGNOSTICS, MTASTS_OK, "too-many-diagnostics" },
	{ MTASTS_D_TOO_MANY_RECORDS, MTASTS_ETOOLARGE, "too-many-records" },
	{ MTASTS_D_BAD_RDATA, MTASTS_OK, "bad-rdata" },

	{ MTASTS_D_TXT_VERSION, MTASTS_EVERSION, "txt-version" },
	{ MTASTS_D_TXT_NO_FIELDS, MTASTS_ESYNTAX, "txt-no-fields" },
	{ MTASTS_D_TXT_EMPTY_FIELD, MTASTS_ESYNTAX, "txt-empty-field" },
	{ MTASTS_D_TXT_SYNTAX, MTASTS_ESYNTAX, "txt-syntax" },
	{ MTASTS_D_TXT_FIELD_NAME, MTASTS_ESYNTAX, "txt-field-name" },
	{ MTASTS_D_TXT_FIELD_VALUE, MTASTS_ESYNTAX, "txt-field-value" },
	{ MTASTS_D_TXT_DUPLICATE, MTASTS_OK, "txt-duplicate" },
	{ MTASTS_D_TXT_NAME_CASE, MTASTS_OK, "txt-name-case" },
	{ MTASTS_D_TXT_SPACE_BEFORE_SEMICOLON, MTASTS_OK,
	  "txt-space-before-semicolon" },
	{ MTASTS_D_RRSET_NONE, MTASTS_ENORECORD, "rrset-none" },
	{ MTASTS_D_RRSET_MULTIPLE, MTASTS_EMULTIPLE, "rrset-multiple" },
	{ MTASTS_D_RRSET_DISCARDED, MTASTS_OK, "rrset-discarded" },
	{ MTASTS_D_RECORD_ID_MISSING, MTASTS_EID, "record-id-missing" },
	{ MTASTS_D_RECORD_ID_INVALID, MTASTS_EID, "record-id-invalid" },

	{ MTASTS_D_POLICY_EMPTY_LINE, MTASTS_ESYNTAX, "policy-empty-line" },
	{ MTASTS_D_POLICY_LEADING_WHITESPACE, MTASTS_ESYNTAX,
	  "policy-leading-whitespace" },
	{ MTASTS_D_POLICY_NO_COLON, MTASTS_ESYNTAX, "policy-no-colon" },
	{ MTASTS_D_POLICY_SPACE_BEFORE_COLON, MTASTS_ESYNTAX,
	  "policy-space-before-colon" },
	{ MTASTS_D_POLICY_FIELD_NAME, MTASTS_ESYNTAX, "policy-field-name" },
	{ MTASTS_D_POLICY_NAME_CASE, MTASTS_OK, "policy-name-case" },
	{ MTASTS_D_POLICY_EXTENSION_VALUE, MTASTS_ESYNTAX,
	  "policy-extension-value" },
	{ MTASTS_D_POLICY_DUPLICATE, MTASTS_OK, "policy-duplicate" },
	{ MTASTS_D_POLICY_VERSION_MISSING, MTASTS_EVERSION,
	  "policy-version-missing" },
	{ MTASTS_D_POLICY_VERSION_INVALID, MTASTS_EVERSION,
	  "policy-version-invalid" },
	{ MTASTS_D_POLICY_MODE_MISSING, MTASTS_EMODE, "policy-mode-missing" },
	{ MTASTS_D_POLICY_MODE_INVALID, MTASTS_EMODE, "policy-mode-invalid" },
	{ MTASTS_D_POLICY_MAX_AGE_MISSING, MTASTS_EMAXAGE,
	  "policy-max-age-missing" },
	{ MTASTS_D_POLICY_MAX_AGE_INVALID, MTASTS_EMAXAGE,
	  "policy-max-age-invalid" },
	{ MTASTS_D_POLICY_MAX_AGE_RANGE, MTASTS_EMAXAGE,
	  "policy-max-age-range" },
	{ MTASTS_D_POLICY_MX_MISSING, MTASTS_EMX, "policy-mx-missing" },

	{ MTASTS_D_MX_EMPTY, MTASTS_EMX, "mx-empty" },
	{ MTASTS_D_MX_EMPTY_LABEL, MTASTS_EMX, "mx-empty-label" },
	{ MTASTS_D_MX_LABEL_TOO_LONG, MTASTS_EMX, "mx-label-too-long" },
	{ MTASTS_D_MX_NAME_TOO_LONG, MTASTS_EMX, "mx-name-too-long" },
	{ MTASTS_D_MX_HYPHEN, MTASTS_EMX, "mx-hyphen" },
	{ MTASTS_D_MX_INVALID_CHAR, MTASTS_EMX, "mx-invalid-char" },
	{ MTASTS_D_MX_TRAILING_DOT, MTASTS_EMX, "mx-trailing-dot" },
	{ MTASTS_D_MX_WILDCARD, MTASTS_EMX, "mx-wildcard" },
	{ MTASTS_D_MX_U_LABEL, MTASTS_EMX, "mx-u-label" },
	{ MTASTS_D_MX_LIST, MTASTS_EMX, "mx-list" },
	{ MTASTS_D_MX_PORT, MTASTS_EMX, "mx-port" },

	{ MTASTS_D_TLSRPT_RUA_MISSING, MTASTS_ERUA, "tlsrpt-rua-missing" },
	{ MTASTS_D_TLSRPT_RUA_EMPTY, MTASTS_ERUA, "tlsrpt-rua-empty" },
	{ MTASTS_D_TLSRPT_URI_SYNTAX, MTASTS_ERUA, "tlsrpt-uri-syntax" },
	{ MTASTS_D_TLSRPT_URI_RESERVED, MTASTS_ERUA, "tlsrpt-uri-reserved" },
	{ MTASTS_D_TLSRPT_URI_SCHEME, MTASTS_OK, "tlsrpt-uri-scheme" },
	{ MTASTS_D_TLSRPT_MAILTO, MTASTS_ERUA, "tlsrpt-mailto" },
	{ MTASTS_D_TLSRPT_HTTPS, MTASTS_ERUA, "tlsrpt-https" },
	{ MTASTS_D_TLSRPT_MAILTO_HEADERS, MTASTS_OK, "tlsrpt-mailto-headers" },

	{ MTASTS_D_LINT_MX_UNCOVERED, MTASTS_ELINT, "lint-mx-uncovered" },
	{ MTASTS_D_LINT_PATTERN_UNUSED, MTASTS_OK, "lint-pattern-unused" },
	{ MTASTS_D_LINT_WILDCARD_SUFFIX, MTASTS_OK, "lint-wildcard-suffix" },
	{ MTASTS_D_LINT_SINGLE_LABEL, MTASTS_OK, "lint-single-label" },
	{ MTASTS_D_LINT_IP_ADDRESS, MTASTS_OK, "lint-ip-address" },
	{ MTASTS_D_LINT_MAX_AGE_SHORT, MTASTS_OK, "lint-max-age-short" },
	{ MTASTS_D_LINT_ENFORCE_MAX_AGE, MTASTS_OK, "lint-enforce-max-age" },
	{ MTASTS_D_LINT_TESTING_MAX_AGE, MTASTS_OK, "lint-testing-max-age" },
	{ MTASTS_D_LINT_NONE_MAX_AGE, MTASTS_OK, "lint-none-max-age" },
	{ MTASTS_D_LINT_MODE_TESTING, MTASTS_OK, "lint-mode-testing" },
	{ MTASTS_D_LINT_MODE_NONE, MTASTS_OK, "lint-mode-none" },
	{ MTASTS_D_LINT_NO_TLSRPT, MTASTS_OK, "lint-no-tlsrpt" },
	{ MTASTS_D_LINT_NO_RECORD, MTASTS_ELINT, "lint-no-record" },
	{ MTASTS_D_LINT_ID_UNCHANGED, MTASTS_ELINT, "lint-id-unchanged" },
	{ MTASTS_D_LINT_WILDCARD_DOMAIN, MTASTS_OK, "lint-wildcard-domain" },
	{ MTASTS_D_LINT_MX_DUPLICATE, MTASTS_OK, "lint-mx-duplicate" },
	{ MTASTS_D_LINT_MX_REDUNDANT, MTASTS_OK, "lint-mx-redundant" },

	{ MTASTS_D_DNS_TEMPORARY, MTASTS_EDNS, "dns-temporary" },
	{ MTASTS_D_DNS_NXDOMAIN, MTASTS_ENORECORD, "dns-nxdomain" },
	{ MTASTS_D_DNS_NODATA, MTASTS_ENORECORD, "dns-nodata" },
	{ MTASTS_D_DNS_CNAME, MTASTS_EDNS, "dns-cname" },
	{ MTASTS_D_FETCH_CONNECT, MTASTS_EFETCH, "fetch-connect" },
	{ MTASTS_D_FETCH_TLS, MTASTS_ETLS, "fetch-tls" },
	{ MTASTS_D_FETCH_STATUS, MTASTS_EFETCH, "fetch-status" },
	{ MTASTS_D_FETCH_REDIRECT, MTASTS_EFETCH, "fetch-redirect" },
	{ MTASTS_D_FETCH_CONTENT_TYPE, MTASTS_EFETCH, "fetch-content-type" },
	{ MTASTS_D_FETCH_TOO_LARGE, MTASTS_EFETCH, "fetch-too-large" },
	{ MTASTS_D_FETCH_TIMEOUT, MTASTS_EFETCH, "fetch-timeout" },
	{ MTASTS_D_FETCH_ENCODING, MTASTS_EFETCH, "fetch-encoding" },
	{ MTASTS_D_PROBE_CONNECT, MTASTS_EFETCH, "probe-connect" },
	{ MTASTS_D_PROBE_NO_STARTTLS, MTASTS_ETLS, "probe-no-starttls" },
	{ MTASTS_D_PROBE_EXPIRED, MTASTS_ETLS, "probe-expired" },
	{ MTASTS_D_PROBE_UNTRUSTED, MTASTS_ETLS, "probe-untrusted" },
	{ MTASTS_D_PROBE_MISMATCH, MTASTS_ETLS, "probe-mismatch" },
	{ MTASTS_D_PROBE_TLS, MTASTS_ETLS, "probe-tls" },
	{ MTASTS_D_CACHE_SYNTAX, MTASTS_ESYNTAX, "cache-syntax" },
};

/* Binary search: the registry is sorted by code (tests/check-internal.c
 * checks that), so even a parser's error path pays only a few compares. */
static const struct code_info *
lookup(int code)
{
	size_t lo = 0, hi = MTASTS__ARRAY_LEN(registry);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (registry[mid].code == code)
			return &registry[mid];
		if (registry[mid].code < code)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

size_t
mtasts__diag_registry(int *codes, size_t size)
{
	size_t i;

	for (i = 0; i < MTASTS__ARRAY_LEN(registry) && i < size; i++)
		codes[i] = registry[i].code;
	return MTASTS__ARRAY_LEN(registry);
}

const char *
mtasts_diag_code_name(int code)
{
	const struct code_info *ci = lookup(code);

	return ci ? ci->name : NULL;
}

int
mtasts__diag_registered_status(int code)
{
	const struct code_info *ci = lookup(code);

	return ci ? ci->status : MTASTS_EINVAL;
}

int
mtasts__diag_code_status(int code)
{
	const struct code_info *ci = lookup(code);

	/* A warning-only code used as an error (a builder refusing a
	 * duplicate) still fails the call. */
	return (ci && ci->status != MTASTS_OK) ? ci->status : MTASTS_ESYNTAX;
}

const char *
mtasts_severity_name(int severity)
{
	switch (severity) {
	case MTASTS_SEVERITY_ERROR:
		return "error";
	case MTASTS_SEVERITY_WARNING:
		return "warning";
	case MTASTS_SEVERITY_NOTE:
		return "note";
	default:
		return NULL;
	}
}

/* ---- status strings ---------------------------------------------------- */

struct status_info {
	int status;
	const char *name;
	const char *text;
};

static const struct status_info statuses[] = {
	{ MTASTS_OK, "MTASTS_OK", "success" },
	{ MTASTS_ENOMEM, "MTASTS_ENOMEM", "out of memory" },
	{ MTASTS_EINVAL, "MTASTS_EINVAL", "invalid argument" },
	{ MTASTS_ESYNTAX, "MTASTS_ESYNTAX", "syntax error" },
	{ MTASTS_ETOOLARGE, "MTASTS_ETOOLARGE", "input exceeds a size limit" },
	{ MTASTS_EVERSION, "MTASTS_EVERSION", "missing or invalid version" },
	{ MTASTS_EID, "MTASTS_EID", "missing or invalid policy id" },
	{ MTASTS_EMODE, "MTASTS_EMODE", "missing or invalid mode" },
	{ MTASTS_EMAXAGE, "MTASTS_EMAXAGE", "missing or invalid max_age" },
	{ MTASTS_EMX, "MTASTS_EMX", "missing or invalid mx pattern" },
	{ MTASTS_ENORECORD, "MTASTS_ENORECORD",
	  "no record of this kind in the TXT RRset" },
	{ MTASTS_EMULTIPLE, "MTASTS_EMULTIPLE",
	  "more than one record of this kind in the TXT RRset" },
	{ MTASTS_ERUA, "MTASTS_ERUA", "missing or invalid rua URI" },
	{ MTASTS_ELINT, "MTASTS_ELINT", "the policy has lint errors" },
	{ MTASTS_ENOTSUP, "MTASTS_ENOTSUP", "built without the network layer" },
	{ MTASTS_EDNS, "MTASTS_EDNS", "temporary DNS failure" },
	{ MTASTS_EFETCH, "MTASTS_EFETCH", "the fetch or connection failed" },
	{ MTASTS_ETLS, "MTASTS_ETLS", "certificate or TLS failure" },
};

static const struct status_info *
status_lookup(int status)
{
	size_t i;

	for (i = 0; i < MTASTS__ARRAY_LEN(statuses); i++)
		if (statuses[i].status == status)
			return &statuses[i];
	return NULL;
}

const char *
mtasts_strerror(int status)
{
	const struct status_info *si = status_lookup(status);

	return si ? si->text : "unknown status";
}

const char *
mtasts_status_name(int status)
{
	const struct status_info *si = status_lookup(status);

	return si ? si->name : NULL;
}

/* ---- the list ---------------------------------------------------------- */

int
mtasts_diag_new(mtasts_diag **out)
{
	mtasts_diag *d;

	if (!out)
		return MTASTS_EINVAL;
	d = calloc(1, sizeof(*d));
	*out = d;
	return d ? MTASTS_OK : MTASTS_ENOMEM;
}

void
mtasts_diag_free(mtasts_diag *diag)
{
	if (!diag)
		return;
	free(diag->v);
	free(diag);
}

void
mtasts_diag_clear(mtasts_diag *diag)
{
	if (!diag)
		return;
	diag->n = 0;
	diag->errors = 0;
	diag->full = 0;
}

size_t
mtasts_diag_count(const mtasts_diag *diag)
{
	return diag ? diag->n : 0;
}

size_t
mtasts_diag_error_count(const mtasts_diag *diag)
{
	return diag ? diag->errors : 0;
}

static const struct entry *
entry_at(const mtasts_diag *diag, size_t index)
{
	return (diag && index < diag->n) ? &diag->v[index] : NULL;
}

int
mtasts_diag_code(const mtasts_diag *diag, size_t index)
{
	const struct entry *e = entry_at(diag, index);

	return e ? e->code : 0;
}

int
mtasts_diag_severity(const mtasts_diag *diag, size_t index)
{
	const struct entry *e = entry_at(diag, index);

	return e ? e->severity : 0;
}

unsigned int
mtasts_diag_line(const mtasts_diag *diag, size_t index)
{
	const struct entry *e = entry_at(diag, index);

	return e ? e->line : 0;
}

unsigned int
mtasts_diag_column(const mtasts_diag *diag, size_t index)
{
	const struct entry *e = entry_at(diag, index);

	return e ? e->col : 0;
}

size_t
mtasts_diag_offset(const mtasts_diag *diag, size_t index)
{
	const struct entry *e = entry_at(diag, index);

	return e ? e->off : 0;
}

const char *
mtasts_diag_message(const mtasts_diag *diag, size_t index)
{
	const struct entry *e = entry_at(diag, index);

	return e ? e->msg : NULL;
}

/* Room for one more entry; 0 on allocation failure. */
static int
reserve(mtasts_diag *d)
{
	struct entry *v;
	size_t cap;

	if (d->n < d->cap)
		return 1;
	cap = d->cap ? d->cap * 2 : 8;
	if (cap > MTASTS_DIAG_MAX + 1)
		cap = MTASTS_DIAG_MAX + 1;
	v = realloc(d->v, cap * sizeof(*v));
	if (!v)
		return 0;
	d->v = v;
	d->cap = cap;
	return 1;
}

/* ---- the sink used by parsers --------------------------------------------- */

void
mtasts__report_impl(struct mtasts__sink *s, int code, int severity,
                    unsigned int line, unsigned int col, size_t off,
                    const char *fmt, ...)
{
	mtasts_diag *d = s->diag;
	struct entry *e;
	va_list ap;

	mtasts__report_status(s, code, severity);
	if (!d)
		return;
	if (d->n >= MTASTS_DIAG_MAX) {
		if (d->full)
			return;
		if (!reserve(d)) {
			s->oom = 1;
			return;
		}
		d->full = 1;
		e = &d->v[d->n++];
		e->code = MTASTS_D_TOO_MANY_DIAGNOSTICS;
		e->severity = MTASTS_SEVERITY_WARNING;
		e->line = 0;
		e->col = 0;
		e->off = 0;
		snprintf(e->msg, sizeof(e->msg),
		         "more than %d diagnostics; the rest were dropped",
		         MTASTS_DIAG_MAX);
		return;
	}
	if (!reserve(d)) {
		s->oom = 1;
		return;
	}
	e = &d->v[d->n++];
	e->code = code;
	e->severity = severity;
	e->line = line;
	e->col = col;
	e->off = off;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	if (severity == MTASTS_SEVERITY_ERROR)
		d->errors++;
}
