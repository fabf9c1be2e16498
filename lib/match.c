/* SPDX-License-Identifier: MIT */
/*
 * mx patterns (RFC 8461 §3.2, R-18…R-20) and host matching (§4.1, R-39).
 * Matching never allocates and folds case with an ASCII table, so the
 * result does not depend on the locale (tr_TR's dotless i included).
 */
#include "private.h"

#include <string.h>

/* ---- pattern syntax ------------------------------------------------------ */

/* A label p[ls..j) is 1..63 letters, digits and inner hyphens. */
static int
label_bad(const char *p, size_t ls, size_t j)
{
	return j == ls || j - ls > 63 || p[ls] == '-' || p[j - 1] == '-';
}

/* A pattern ending at i, its last label starting at ls: its length, or 0
 * if it is too long or the last label is bad (a trailing dot is empty). */
static size_t
span_end(const char *p, size_t ls, size_t i)
{
	if (i > MTASTS_HOST_MAX)
		return 0;
	if (label_bad(p, ls, i))
		return 0;
	return i;
}

size_t
mtasts__mx_span(const char *p, size_t n, char *dst)
{
	size_t i = 0, ls;

	/* one byte more than a name may have is enough to see it is too long */
	if (n > MTASTS_HOST_MAX + 1)
		n = MTASTS_HOST_MAX + 1;
	if (n && p[0] == '*') {
		if (n < 2 || p[1] != '.')
			return 0;
		dst[0] = '*';
		dst[1] = '.';
		i = 2;
	}
	ls = i; /* start of the current label */
#if MTASTS__SWAR_LE
	/* Eight bytes at a time. OR-ing 0x20 lower-cases the letters and
	 * changes no digit, '-' or '.'; the controls it would turn into those
	 * and bytes above 0x7f are caught by MTASTS__SWAR_BAD. The first byte
	 * that is none of them ends the pattern: the word is stored whole,
	 * and only the dots before that byte end labels. */
	for (; i + 8 <= n; i += 8) {
		uint64_t x, y, stop, dots;

		memcpy(&x, p + i, 8);
		y = x | 0x20 * MTASTS__ONES;
		stop = (~(MTASTS__SWAR_RANGE(y, 'a', 'z') |
		          MTASTS__SWAR_RANGE(y, '0', '9') |
		          MTASTS__SWAR_RANGE(y, '-', '.')) |
		        MTASTS__SWAR_BAD(x)) &
		       MTASTS__HIGH;
		memcpy(dst + i, &y, 8);
		dots = MTASTS__SWAR_RANGE(y, '.', '.');
		if (stop)
			dots &= (stop & (0 - stop)) - 1;
		for (; dots; dots &= dots - 1) {
			size_t j = i + MTASTS__FIRST_BYTE(dots);

			if (label_bad(p, ls, j))
				return 0;
			ls = j + 1;
		}
		if (stop)
			return span_end(p, ls, i + MTASTS__FIRST_BYTE(stop));
	}
#endif
	/* labels of 1..63 letters, digits, inner hyphens; no trailing dot */
	for (; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (!MTASTS__IS(c, MTASTS__C_HOST))
			break;
		if (c == '.') {
			if (label_bad(p, ls, i))
				return 0;
			ls = i + 1;
		}
		/* letters, digits, '-' and '.': bit 0x20 lower-cases */
		dst[i] = (char)(c | 0x20);
	}
	return span_end(p, ls, i);
}

int
mtasts__mx_lower(const char *p, size_t n, char *dst)
{
	size_t got;

	if (n == 0 || n > MTASTS_HOST_MAX)
		return 0;
	got = mtasts__mx_span(p, n, dst);
	/* (got != 0 says nothing more; it keeps gcc 12's -fanalyzer from
	 * taking a 0 for a whole pattern and then reading dst unwritten) */
	return got != 0 && got == n;
}

static int
char_code(unsigned char c)
{
	if (c >= 0x80)
		return MTASTS_D_MX_U_LABEL;
	if (c == ' ' || c == '\t' || c == ',' || c == ';')
		return MTASTS_D_MX_LIST;
	if (c == ':' || c == '[' || c == ']')
		return MTASTS_D_MX_PORT;
	if (c == '*')
		return MTASTS_D_MX_WILDCARD;
	return MTASTS_D_MX_INVALID_CHAR;
}

/* Each code is reported at most once per pattern: 1 the first time. */
static int
first(unsigned int *seen, int code)
{
	unsigned int bit = 1u << (code - 400);

	if (*seen & bit)
		return 0;
	*seen |= bit;
	return 1;
}

#define ONCE(code, i, ...)                                                     \
	do {                                                                   \
		if (first(&seen, (code)))                                      \
			mtasts__report(s, (code), MTASTS_SEVERITY_ERROR,       \
			               MTASTS__AT(loc, (i)), __VA_ARGS__);     \
	} while (0)

int
mtasts__mx_check(const char *p, size_t n, struct mtasts__sink *s,
                 const struct mtasts__loc *loc)
{
	char q[MTASTS__QUOTE_MAX], low[MTASTS_HOST_MAX];
	unsigned int seen = 0;
	size_t i, start = 0;

	if (mtasts__mx_lower(p, n, low))
		return 1;
	if (n == 0) {
		mtasts__report(s, MTASTS_D_MX_EMPTY, MTASTS_SEVERITY_ERROR,
		               MTASTS__AT(loc, 0), "empty mx pattern");
		return 0;
	}
	if (p[0] == '*') {
		if (n < 2 || p[1] != '.') {
			mtasts__report(s, MTASTS_D_MX_WILDCARD,
			               MTASTS_SEVERITY_ERROR,
			               MTASTS__AT(loc, 0),
			               "'*' is allowed only as a whole first "
			               "label followed by '.', as in "
			               "'*.example.com'");
			return 0;
		}
		if (n == 2) {
			mtasts__report(
			        s, MTASTS_D_MX_WILDCARD, MTASTS_SEVERITY_ERROR,
			        MTASTS__AT(loc, 1),
			        "'*.' must be followed by a domain name");
			return 0;
		}
		start = 2;
	}
	if (n > MTASTS_HOST_MAX) {
		mtasts__report(s, MTASTS_D_MX_NAME_TOO_LONG,
		               MTASTS_SEVERITY_ERROR,
		               MTASTS__AT(loc, MTASTS_HOST_MAX),
		               "mx pattern is %zu bytes long; at most %d are "
		               "allowed",
		               n, MTASTS_HOST_MAX);
		seen |= 1u << (MTASTS_D_MX_NAME_TOO_LONG - 400);
	}

	/* Bytes: letters, digits, '-' and '.' only (RFC 5321 Domain). */
	for (i = start; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		int code;

		if (MTASTS__IS(c, MTASTS__C_LDH) || c == '.')
			continue;
		code = char_code(c);
		mtasts__quote(s, q, sizeof(q), p + i, 1);
		switch (code) {
		case MTASTS_D_MX_U_LABEL:
			ONCE(code, i,
			     "non-ASCII byte %s: write internationalized names "
			     "as A-labels ('xn--...', R-19)",
			     q);
			break;
		case MTASTS_D_MX_LIST:
			ONCE(code, i,
			     "%s in an mx value: give each pattern its own "
			     "'mx:' line (R-18)",
			     q);
			break;
		case MTASTS_D_MX_PORT:
			ONCE(code, i,
			     "%s in an mx value: a pattern is a host name, "
			     "without port or address literal",
			     q);
			break;
		case MTASTS_D_MX_WILDCARD:
			ONCE(code, i,
			     "%s is allowed only as the whole first label, as "
			     "in '*.example.com'",
			     q);
			break;
		default:
			ONCE(code, i,
			     "byte %s is not allowed in a host name (letters, "
			     "digits, '-' and '.' only)",
			     q);
			break;
		}
	}

	/* Labels: 1..63 bytes, no hyphen at either end, no trailing dot. */
	i = start;
	for (;;) {
		size_t ls = i, ll;

		while (i < n && p[i] != '.')
			i++;
		ll = i - ls;
		if (ll == 0) {
			ONCE(MTASTS_D_MX_EMPTY_LABEL, ls,
			     "empty label ('..' or a leading '.')");
		} else {
			if (ll > 63) {
				mtasts__quote(s, q, sizeof(q), p + ls, ll);
				ONCE(MTASTS_D_MX_LABEL_TOO_LONG, ls + 63,
				     "label %s is longer than 63 bytes", q);
			}
			if (p[ls] == '-' || p[i - 1] == '-') {
				mtasts__quote(s, q, sizeof(q), p + ls, ll);
				ONCE(MTASTS_D_MX_HYPHEN,
				     p[ls] == '-' ? ls : i - 1,
				     "label %s must not start or end with '-'",
				     q);
			}
		}
		if (i >= n)
			break;
		i++; /* the dot */
		if (i == n) {
			ONCE(MTASTS_D_MX_TRAILING_DOT, n - 1,
			     "trailing dot: write the name without the final "
			     "'.' (A-16)");
			break;
		}
	}
	return seen == 0;
}

int
mtasts_mx_pattern_check(const char *pattern, mtasts_diag *diag)
{
	struct mtasts__sink s;
	struct mtasts__loc loc = { 1, 1, 0 };

	if (!pattern)
		return MTASTS_EINVAL;
	mtasts__sink_init(&s, diag, 0);
	(void)mtasts__mx_check(pattern, strlen(pattern), &s, &loc);
	return mtasts__sink_result(&s);
}

/* ---- matching ------------------------------------------------------------ */

#define ONES64 0x0101010101010101ull
#define ONES32 0x01010101u

/*
 * Case-folded comparison of host bytes with lower-case pattern bytes, a
 * word at a time. OR-ing 0x20 lower-cases letters and leaves digits, '-'
 * and '.' alone (they have that bit already); the only other bytes it could
 * turn into pattern bytes are controls (0x0D -> '-', 0x10 -> '0', ...), so
 * a word with a byte below 0x20 never matches. Bytes above 0x7F keep their
 * top bit and never equal a pattern byte. Borrows in the subtraction only
 * start at a byte below 0x20, so the control test has no false positive.
 */
static int
eq8(const char *h, const char *p)
{
	uint64_t a, b;

	memcpy(&a, h, 8);
	memcpy(&b, p, 8);
	return (a | 0x20 * ONES64) == b &&
	       !((a - 0x20 * ONES64) & ~a & 0x80 * ONES64);
}

static int
eq4(const char *h, const char *p)
{
	uint32_t a, b;

	memcpy(&a, h, 4);
	memcpy(&b, p, 4);
	return (a | 0x20 * ONES32) == b &&
	       !((a - 0x20 * ONES32) & ~a & 0x80 * ONES32);
}

/* Whether host[0..n) equals the lower-case pattern low[0..n), ASCII case
 * folded (RFC 4343). Overlapping loads cover the tail. */
static int
eq_folded(const char *host, const char *low, size_t n)
{
	size_t i;

	if (n >= 8) {
		for (i = 0; i + 8 < n; i += 8)
			if (!eq8(host + i, low + i))
				return 0;
		return eq8(host + n - 8, low + n - 8);
	}
	if (n >= 4)
		return eq4(host, low) && eq4(host + n - 4, low + n - 4);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)host[i];

		if (c < 0x20 || (c | 0x20) != (unsigned char)low[i])
			return 0;
	}
	return 1;
}

/* The one label a wildcard stands for: 1..63 LDH bytes, no edge hyphen. */
static int
label_ok(const char *h, size_t k)
{
	size_t i;

	if (k == 0 || k > 63 || h[0] == '-' || h[k - 1] == '-')
		return 0;
	for (i = 0; i < k; i++)
		if (!MTASTS__IS(h[i], MTASTS__C_LDH))
			return 0;
	return 1;
}

/*
 * A host as the matcher sees it: its length without the one trailing dot
 * that may end it, and where its first dot is (n if it has none).
 * Returns 0 for a host that can match nothing (empty or too long).
 */
static inline int
host_prepare(const char *host, size_t *np, size_t *dotp)
{
	size_t n = strnlen(host, MTASTS_HOST_MAX + 2), i = 0;

	if (n && host[n - 1] == '.')
		n--;
	if (n == 0 || n > MTASTS_HOST_MAX)
		return 0;
	*np = n;
#if MTASTS__SWAR_LE
	for (; i + 8 <= n; i += 8) {
		uint64_t x, dots;

		memcpy(&x, host + i, 8);
		dots = MTASTS__ZERO_BYTES(x ^ '.' * MTASTS__ONES);
		if (dots) {
			*dotp = i + MTASTS__FIRST_BYTE(dots);
			return 1;
		}
	}
#endif
	while (i < n && host[i] != '.')
		i++;
	*dotp = i;
	return 1;
}

/* Whether the host (n bytes, first dot at dot) matches pattern m of the
 * length it needs: "*.S" stands for exactly one leftmost label
 * before ".S", so its "S" is compared with the host after its first
 * dot, and that label is checked. */
static inline int
same_len_matches(const struct mtasts__mx *m, const char *host, size_t n,
                 size_t dot)
{
	size_t skip = m->wild ? dot + 1 : 0;

	return eq_folded(host + skip, m->text + (m->wild ? 2 : 0), n - skip) &&
	       (!m->wild || label_ok(host, dot));
}

/* The length pattern m needs a host to have: n, or n - dot + 1 for "*.S"
 * ("*." and the host after its first dot). */
#define NEED(wild, n, dot) ((wild) ? (n) - (dot) + 1 : (n))

/* Patterns that are not packed (more than eight): one at a time. */
static size_t
match_each(const struct mtasts__mx *mx, size_t count, const char *host,
           size_t n, size_t dot)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (mx[i].len == NEED(mx[i].wild, n, dot) &&
		    same_len_matches(&mx[i], host, n, dot))
			return i;
	return MTASTS_NO_INDEX;
}

void
mtasts__mx8_set(struct mtasts_policy *p)
{
	size_t i;

	p->mx8.len = p->mx8.wild = 0;
	p->mx8_end = NULL;
	if (p->n_mx > 8)
		return;
	for (i = 0; i < p->n_mx; i++) {
		unsigned int shift = 8 * (unsigned int)i;

		p->mx8.len |= (uint64_t)p->mx[i].len << shift;
		if (p->mx[i].wild)
			p->mx8.wild |= (uint64_t)0xff << shift;
	}
	p->mx8_end = p->mx + p->n_mx;
}

/* Index of the lowest byte (bits 8k..8k+7) with 0x80 set in m (m != 0). */
static inline size_t
low_byte(uint64_t m)
{
#if defined(__GNUC__)
	return (size_t)__builtin_ctzll(m) >> 3;
#else
	size_t k = 0;

	while (!(m & 0x80)) {
		m >>= 8;
		k++;
	}
	return k;
#endif
}

/*
 * Index of the first pattern of policy that the host matches, or
 * MTASTS_NO_INDEX. A pattern can only match a host of the one length NEED()
 * says. With the lengths of up to eight patterns packed in a word
 * (mtasts__mx8_set), one comparison finds the few worth comparing, without
 * a branch per pattern.
 */
static inline size_t
match_policy(const mtasts_policy *policy, const char *host)
{
	const struct mtasts__mx *mx = policy->mx;
	size_t count = policy->n_mx, n, dot, i;
	uint64_t want, hit;

	if (!host_prepare(host, &n, &dot))
		return MTASTS_NO_INDEX;
	if (MTASTS__UNLIKELY(policy->mx8_end != mx + count))
		return match_each(mx, count, host, n, dot);
	/* NEED() for every pattern, a byte each (all are below 256) */
	want = (n * MTASTS__ONES & ~policy->mx8.wild) |
	       ((n - dot + 1) * MTASTS__ONES & policy->mx8.wild);
	/* past the last pattern, a length of 0 is never needed */
	hit = MTASTS__ZERO_BYTES(policy->mx8.len ^ want);
	for (; hit; hit &= hit - 1) {
		i = low_byte(hit);
		if (same_len_matches(&mx[i], host, n, dot))
			return i;
	}
	return MTASTS_NO_INDEX;
}

int
mtasts_mx_match(const char *pattern, const char *host)
{
	char low[MTASTS_HOST_MAX];
	struct mtasts__mx mx;
	size_t n, hn, dot;

	if (!pattern || !host)
		return 0;
	n = strnlen(pattern, MTASTS_HOST_MAX + 1);
	if (!mtasts__mx_lower(pattern, n, low))
		return 0;
	mx.text = low;
	mx.len = (uint32_t)n;
	mx.wild = pattern[0] == '*';
	return host_prepare(host, &hn, &dot) &&
	       match_each(&mx, 1, host, hn, dot) == 0;
}

int
mtasts_policy_match(const mtasts_policy *policy, const char *host,
                    size_t *index)
{
	size_t i = MTASTS_NO_INDEX;

	if (policy && host)
		i = match_policy(policy, host);
	if (index)
		*index = i;
	return i != MTASTS_NO_INDEX;
}
