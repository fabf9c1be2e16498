/* SPDX-License-Identifier: MIT */
/*
 * Lookup keys and socketmap answers (notes §1.1-§1.5).
 *
 * Postfix asks smtp_tls_policy_maps with the next-hop destination: a
 * domain, "[host]", "[host]:port", "host:port", then, for a domain that got
 * NOTFOUND, each parent as ".parent". Only the first forms have a Policy
 * Domain; a parent probe never does, nor does an address literal
 * (§3.4).
 */
#include "policyd.h"

#include <stdlib.h>
#include <string.h>

#ifdef HAVE_IDN2
#include <idn2.h>
#endif

/* Postfix reads at most 100000 bytes of reply (dict_sockmap.c,
 * socketmap_max_reply_size); keep the framing out of it. */
#define REPLY_MAX (100000 - 16)

int
pd_dialect(const char *name, size_t len)
{
	if (len == 7 && memcmp(name, "postfix", 7) == 0)
		return PD_DIALECT_POSTFIX;
	if (len == 14 && memcmp(name, "postfix-tlsrpt", 14) == 0)
		return PD_DIALECT_TLSRPT;
	return 0;
}

int
pd_idn_available(void)
{
#ifdef HAVE_IDN2
	return 1;
#else
	return 0;
#endif
}

static int
is_digits(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* An LDH host name in lower case, labels of 1-63 bytes, at most 253 bytes,
 * whose last label is not all digits (that is an IPv4 address, and no
 * top-level domain is numeric). */
static int
valid_host(const char *h, size_t n)
{
	size_t i, start = 0;

	if (n == 0 || n > MTASTS_HOST_MAX)
		return 0;
	for (i = 0; i <= n; i++) {
		if (i == n || h[i] == '.') {
			size_t l = i - start;

			if (l == 0 || l > 63 || h[start] == '-' ||
			    h[i - 1] == '-')
				return 0;
			start = i + 1;
			continue;
		}
		if (!((h[i] >= 'a' && h[i] <= 'z') ||
		      (h[i] >= '0' && h[i] <= '9') || h[i] == '-'))
			return 0;
	}
	/* start is now the beginning of the last label */
	for (i = n; i > 0 && h[i - 1] != '.'; i--)
		;
	return !is_digits(h + i, n - i);
}

int
pd_normalize_key(const char *key, size_t len, char out[256])
{
	char buf[1024];
	const char *h = key;
	size_t n = len, i;
	int ascii = 1;

	if (len == 0 || len >= sizeof(buf) || key[0] == '.')
		return 0; /* ".parent" probes never get a policy */
	if (key[0] == '[') {
		const char *close = memchr(key, ']', len);

		if (!close)
			return 0;
		h = key + 1;
		n = (size_t)(close - h);
		i = (size_t)(close - key) + 1;
		/* "[host]" or "[host]:port" */
		if (i != len &&
		    (key[i] != ':' || !is_digits(key + i + 1, len - i - 1) ||
		     len - i - 1 > 5))
			return 0;
	} else {
		const char *colon = memchr(key, ':', len);

		if (colon) {
			/* "host:port"; more colons: an IPv6 address */
			size_t p = (size_t)(colon - key) + 1;

			if (!is_digits(key + p, len - p) || len - p > 5)
				return 0;
			n = p - 1;
		}
	}
	/* address literals: "[192.0.2.1]", "[ipv6:...]", "192.0.2.1" */
	if (n >= 5 && (h[0] == 'i' || h[0] == 'I') &&
	    (memcmp(h + 1, "pv6:", 4) == 0 || memcmp(h + 1, "PV6:", 4) == 0))
		return 0;
	if (n && h[n - 1] == '.')
		n--; /* one trailing root dot */
	if (n == 0)
		return 0;
	memcpy(buf, h, n);
	buf[n] = '\0';
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)buf[i];

		if (ch >= 0x80)
			ascii = 0;
		else if (ch >= 'A' && ch <= 'Z')
			buf[i] = (char)(ch - 'A' + 'a'); /* ASCII only */
		else if (ch == 0)
			return 0;
	}
	if (!ascii) {
#ifdef HAVE_IDN2
		/* U-labels (SMTPUTF8 next hops): the A-label form, IDNA2008
		 * with UTS #46 non-transitional mapping, as Postfix's own
		 * conversion does (R-19: policies name A-labels) */
		char *alabel = NULL;

		if (idn2_to_ascii_8z(buf, &alabel,
		                     IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL) !=
		            IDN2_OK ||
		    !alabel) {
			idn2_free(alabel);
			return 0;
		}
		n = strlen(alabel);
		if (n >= sizeof(buf)) {
			idn2_free(alabel);
			return 0;
		}
		memcpy(buf, alabel, n + 1);
		idn2_free(alabel);
		for (i = 0; i < n; i++)
			if (buf[i] >= 'A' && buf[i] <= 'Z')
				buf[i] = (char)(buf[i] - 'A' + 'a');
#else
		return 0; /* no IDNA library: no policy for U-label keys */
#endif
	}
	if (!valid_host(buf, n))
		return 0;
	memcpy(out, buf, n + 1);
	return 1;
}

/* ---- answers ----------------------------------------------------------------- */

struct sbuf {
	char *p;
	size_t len, cap;
	int oom;
};

static void
sb_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p) {
			b->oom = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
sb_str(struct sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A policy line that can travel as "{ policy_string = LINE }": printable
 * ASCII without braces (Postfix's extpar() would end the value at one). */
static int
safe_line(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e || s[i] == '{' || s[i] == '}')
			return 0;
	return n > 0;
}

/* The RFC 8460 policy-string attributes: one per line of the canonical
 * policy (version, mode, mx..., max_age, extensions), extensions only when
 * with_ext. */
static void
policy_strings(struct sbuf *b, const mtasts_policy *p, int with_ext)
{
	char *text = NULL;
	const char *s, *e;
	size_t fixed = 3 + mtasts_policy_mx_count(p), line = 0;

	if (mtasts_policy_format_alloc(p, MTASTS_FORMAT_LF, &text) !=
	    MTASTS_OK) {
		b->oom = 1;
		return;
	}
	for (s = text; *s; s = e + 1, line++) {
		e = strchr(s, '\n');
		if (!e)
			break;
		if (line >= fixed &&
		    (!with_ext || !safe_line(s, (size_t)(e - s))))
			continue;
		sb_str(b, " { policy_string = ");
		sb_add(b, s, (size_t)(e - s));
		sb_str(b, " }");
	}
	mtasts_free(text);
}

char *
pd_answer_policy(const mtasts_policy *p, const char *domain, int dialect,
                 size_t *len)
{
	const char *stack[64], **pats = stack;
	size_t n = mtasts_policy_mx_count(p), i, k = 0, base;
	struct sbuf b = { 0 };
	int mode = mtasts_policy_mode(p), with_ext = 1;

	/* mode none is no policy; R-43: testing delivers as usual,
	 * so Postfix must not enforce it unless the administrator asked */
	if (mode == MTASTS_MODE_NONE ||
	    (mode == MTASTS_MODE_TESTING && !pd_cfg.strict_testing) || n == 0) {
		sb_str(&b, "NOTFOUND ");
		goto out;
	}
	if (n > sizeof(stack) / sizeof(stack[0])) {
		pats = malloc(n * sizeof(*pats));
		if (!pats)
			return NULL;
	}
	/* match=: "*.x" becomes ".x" (Postfix: any depth, wider than the
	 * one-label wildcard of R-39; see the man page, LIMITATIONS); an
	 * exact name stays; a name that is an IPv4 address never reaches
	 * match= (it would turn on an IP check); sorted, without duplicates,
	 * so that answers are deterministic */
	for (i = 0; i < n; i++) {
		const char *m = mtasts_policy_mx(p, i);
		const char *name = m[0] == '*' ? m + 2 : m;

		if (!valid_host(name, strlen(name)))
			continue;
		pats[k++] = m[0] == '*' ? m + 1 : m;
	}
	qsort(pats, k, sizeof(*pats), cmp_str);
	if (k == 0) {
		pd_log(PD_LOG_WARNING,
		       "%s: no mx pattern of the policy is a host name: no "
		       "policy applied",
		       domain);
		sb_str(&b, "NOTFOUND ");
		goto out;
	}
again:
	b.len = 0;
	sb_str(&b, "OK secure match=");
	for (i = 0; i < k; i++) {
		if (i && strcmp(pats[i], pats[i - 1]) == 0)
			continue;
		if (i)
			sb_str(&b, ":");
		sb_str(&b, pats[i]);
	}
	sb_str(&b, " servername=hostname");
	base = b.len;
	if (dialect == PD_DIALECT_TLSRPT) {
		/* Postfix >= 3.10 (TLSRPT_README): the policy for reports;
		 * from 3.10.5 the mx_host_pattern list also makes Postfix
		 * match MX names with the RFC's one-label wildcard and check
		 * certificates against the MX name */
		sb_str(&b, " policy_type=sts policy_domain=");
		sb_str(&b, domain);
		for (i = 0; i < n; i++) {
			const char *m = mtasts_policy_mx(p, i);
			size_t j;

			for (j = 0; j < i; j++)
				if (strcmp(m, mtasts_policy_mx(p, j)) == 0)
					break;
			if (j < i)
				continue;
			sb_str(&b, " mx_host_pattern=");
			sb_str(&b, m);
		}
		policy_strings(&b, p, with_ext);
		if (!b.oom && b.len > REPLY_MAX) {
			if (with_ext) {
				with_ext = 0;
				goto again;
			}
			/* still too long: the plain answer, which every
			 * Postfix accepts, rather than a truncated one */
			b.len = base;
			b.p[base] = '\0';
			pd_log(PD_LOG_WARNING,
			       "%s: TLSRPT attributes left out: the answer "
			       "would exceed %d bytes",
			       domain, REPLY_MAX);
		}
	}
out:
	if (pats != stack)
		free(pats);
	if (b.oom) {
		free(b.p);
		return NULL;
	}
	if (b.len > REPLY_MAX) {
		free(b.p);
		b.p = NULL;
		b.len = b.cap = 0;
		sb_str(&b, "TEMP policy too large for a socketmap answer");
		if (b.oom) {
			free(b.p);
			return NULL;
		}
	}
	*len = b.len;
	return b.p;
}
