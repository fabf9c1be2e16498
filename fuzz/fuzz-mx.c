/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for mx patterns and host matching (RFC 8461 §3.2, §4.1;
 * R-18… ).
 *
 * Input: the pattern, a NUL, the host. Without a NUL the host is the
 * pattern itself. Both are passed as NUL-terminated copies, so the host
 * ends at its first NUL.
 *
 * Oracles:
 * - mtasts_mx_pattern_check() agrees with a reference validator written
 *   here from the grammar (["*."] Domain, labels 1-63 letters, digits and
 *   inner hyphens, at most 253 bytes);
 * - the internal fast path mtasts__mx_lower() and the reporting checker
 *   mtasts__mx_check() give the same verdict (on the pattern, and on the
 *   raw input with its NUL bytes), and the fast path lower-cases exactly;
 * - mtasts_mx_match() never matches with an invalid pattern and agrees with
 *   a naive reference matcher; case and one trailing root dot of the host
 *   do not change the answer;
 * - a one-mx policy built from a valid pattern gives the same answer
 *   through mtasts_policy_match().
 */
#include "fuzz.h"

/* One label: 1-63 letters, digits, hyphens, no hyphen at either end. */
static int
ref_label(const char *p, size_t n)
{
	size_t i;

	if (n == 0 || n > 63 || p[0] == '-' || p[n - 1] == '-')
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-'))
			return 0;
	}
	return 1;
}

/* RFC 5321 Domain: labels separated by single dots, none empty. */
static int
ref_domain(const char *p, size_t n)
{
	size_t ls = 0, i;

	for (i = 0; i <= n; i++) {
		if (i == n || p[i] == '.') {
			if (!ref_label(p + ls, i - ls))
				return 0;
			ls = i + 1;
		}
	}
	return 1;
}

/* ["*."] Domain, at most MTASTS_HOST_MAX bytes in all. */
static int
ref_pattern(const char *p, size_t n)
{
	if (n == 0 || n > MTASTS_HOST_MAX)
		return 0;
	if (n >= 2 && p[0] == '*' && p[1] == '.')
		return ref_domain(p + 2, n - 2);
	return ref_domain(p, n);
}

static void
ascii_lower(char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] >= 'A' && s[i] <= 'Z')
			s[i] = (char)(s[i] - 'A' + 'a');
}

static void
ascii_upper(char *s)
{
	for (; *s; s++)
		if (*s >= 'a' && *s <= 'z')
			*s = (char)(*s - 'a' + 'A');
}

/* The naive matcher of digest §5.3. */
static int
ref_match(const char *pattern, const char *host)
{
	size_t pn = strlen(pattern), hn = strlen(host), dot;
	char *p, *h;
	int m;

	if (!ref_pattern(pattern, pn))
		return 0;
	if (hn && host[hn - 1] == '.')
		hn--;
	if (hn == 0 || hn > MTASTS_HOST_MAX || !ref_domain(host, hn))
		return 0;
	p = fuzz_strndup(pattern, pn);
	h = fuzz_strndup(host, hn);
	ascii_lower(p, pn);
	ascii_lower(h, hn);
	if (p[0] != '*') {
		m = hn == pn && memcmp(h, p, pn) == 0;
	} else {
		for (dot = 0; dot < hn && h[dot] != '.'; dot++)
			;
		/* exactly one non-empty label, then "." S */
		m = dot > 0 && dot < hn && hn - dot - 1 == pn - 2 &&
		    memcmp(h + dot + 1, p + 2, pn - 2) == 0;
	}
	free(p);
	free(h);
	return m;
}

/* The internal checkers must agree with each other and the reference. */
static void
check_internal(const char *p, size_t n, int want)
{
	char *low = malloc(n ? n : 1), *ref;
	struct mtasts__sink s;
	struct mtasts__loc loc = { 1, 1, 0 };
	mtasts_diag *d = fuzz_diag_new();
	int fast, slow, slow_d;

	FUZZ_ASSERT(low != NULL, "out of memory");
	fast = mtasts__mx_lower(p, n, low);
	mtasts__sink_init(&s, NULL, 0);
	slow = mtasts__mx_check(p, n, &s, &loc);
	FUZZ_ASSERT(fast == slow,
	            "mtasts__mx_lower says %d, mtasts__mx_check says %d "
	            "(%zu-byte pattern)",
	            fast, slow, n);
	FUZZ_ASSERT(slow == (s.status == MTASTS_OK),
	            "mtasts__mx_check returned %d with status %s", slow,
	            mtasts_status_name(s.status));
	mtasts__sink_init(&s, d, 0);
	slow_d = mtasts__mx_check(p, n, &s, &loc);
	FUZZ_ASSERT(slow_d == slow, "mtasts__mx_check depends on the list");
	fuzz_check_diag(d, s.status, p, n, FUZZ_POS_RECORD, 1);
	FUZZ_ASSERT(fast == want,
	            "mtasts__mx_lower says %d, the reference says %d", fast,
	            want);
	if (fast) {
		ref = fuzz_strndup(p, n);
		ascii_lower(ref, n);
		FUZZ_ASSERT(memcmp(ref, low, n) == 0,
		            "mtasts__mx_lower wrote another lower-case form");
		free(ref);
	}
	mtasts_diag_free(d);
	free(low);
}

/* A one-mx policy from a valid pattern matches like mtasts_mx_match(). */
static void
check_policy(const char *pattern, const char *host, int m)
{
	mtasts_policy_builder *b = NULL;
	mtasts_policy *p = FUZZ_SENTINEL;
	mtasts_diag *d = fuzz_diag_new();
	size_t idx = 12345;
	char *low;
	int st;

	FUZZ_ASSERT(mtasts_policy_builder_new(&b, NULL) == MTASTS_OK,
	            "builder_new failed");
	FUZZ_ASSERT(mtasts_policy_builder_set_mode(b, MTASTS_MODE_TESTING) ==
	                            MTASTS_OK &&
	                    mtasts_policy_builder_set_max_age(b, 86400) ==
	                            MTASTS_OK,
	            "builder setters failed");
	st = mtasts_policy_builder_add_mx(b, pattern, d);
	FUZZ_ASSERT(st == MTASTS_OK, "add_mx refused a valid pattern: %s",
	            mtasts_status_name(st));
	st = mtasts_policy_builder_build(b, &p, d);
	FUZZ_ASSERT(st == MTASTS_OK && p != NULL, "build: %s (%s)",
	            mtasts_status_name(st),
	            mtasts_diag_message(d, 0) ? mtasts_diag_message(d, 0) : "");
	low = fuzz_strndup(pattern, strlen(pattern));
	ascii_lower(low, strlen(low));
	FUZZ_ASSERT(mtasts_policy_mx_count(p) == 1 &&
	                    strcmp(mtasts_policy_mx(p, 0), low) == 0,
	            "policy mx is '%s', expected '%s'", mtasts_policy_mx(p, 0),
	            low);
	FUZZ_ASSERT(mtasts_policy_match(p, host, &idx) == m &&
	                    idx == (m ? 0 : MTASTS_NO_INDEX),
	            "policy_match differs from mx_match (%d), index %zu", m,
	            idx);
	free(low);
	mtasts_policy_free(p);
	mtasts_policy_builder_free(b);
	mtasts_diag_free(d);
}

/* An invalid pattern is refused by the builder, which stays unchanged. */
static void
check_builder_refuses(const char *pattern)
{
	mtasts_policy_builder *b = NULL;
	mtasts_policy *p = FUZZ_SENTINEL;
	mtasts_diag *d = fuzz_diag_new();
	int st;

	FUZZ_ASSERT(mtasts_policy_builder_new(&b, NULL) == MTASTS_OK &&
	                    mtasts_policy_builder_set_mode(
	                            b, MTASTS_MODE_ENFORCE) == MTASTS_OK &&
	                    mtasts_policy_builder_set_max_age(b, 1) ==
	                            MTASTS_OK,
	            "builder setup failed");
	st = mtasts_policy_builder_add_mx(b, pattern, d);
	FUZZ_ASSERT(st == MTASTS_EMX, "add_mx of an invalid pattern: %s",
	            mtasts_status_name(st));
	fuzz_check_diag(d, st, pattern, strlen(pattern), FUZZ_POS_RECORD, 1);
	mtasts_diag_clear(d);
	st = mtasts_policy_builder_build(b, &p, d);
	FUZZ_ASSERT(st == MTASTS_EMX && p == NULL,
	            "build after a refused add_mx: %s", mtasts_status_name(st));
	mtasts_policy_builder_free(b);
	mtasts_diag_free(d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *raw = (const char *)data;
	const char *nul = memchr(raw, '\0', size);
	size_t pn = nul ? (size_t)(nul - raw) : size;
	char *pattern = fuzz_strndup(raw, pn);
	char *host = nul ? fuzz_strndup(nul + 1, size - pn - 1)
	                 : fuzz_strndup(raw, pn);
	char *alt;
	mtasts_diag *d = fuzz_diag_new();
	int valid, chk, m, want;

	/* the pattern */
	valid = ref_pattern(pattern, pn);
	chk = mtasts_mx_pattern_check(pattern, d);
	FUZZ_ASSERT(chk == MTASTS_OK || chk == MTASTS_EMX,
	            "pattern_check returned %s", mtasts_status_name(chk));
	FUZZ_ASSERT((chk == MTASTS_OK) == valid,
	            "pattern_check says %s, the reference says %s",
	            mtasts_status_name(chk), valid ? "valid" : "invalid");
	fuzz_check_diag(d, chk, pattern, pn, FUZZ_POS_RECORD, 1);
	/* exact-size copies: the internal checkers take a length, and a NUL
	 * after the bytes would hide an over-read */
	alt = fuzz_memdup(pattern, pn);
	check_internal(alt, pn, valid);
	free(alt);
	check_internal(raw, size, ref_pattern(raw, size));

	/* the match */
	m = mtasts_mx_match(pattern, host);
	FUZZ_ASSERT(m == 0 || m == 1, "mx_match returned %d", m);
	FUZZ_ASSERT(valid || !m, "invalid pattern matched");
	want = ref_match(pattern, host);
	FUZZ_ASSERT(m == want,
	            "mx_match('%s', '%s') is %d, the reference says %d",
	            pattern, host, m, want);
	FUZZ_ASSERT(!mtasts_mx_match(NULL, host) &&
	                    !mtasts_mx_match(pattern, NULL),
	            "NULL matched");

	/* case and one trailing root dot do not matter (RFC 4343, A-16) */
	alt = malloc(strlen(host) + 2);
	FUZZ_ASSERT(alt != NULL, "out of memory");
	strcpy(alt, host);
	ascii_upper(alt);
	FUZZ_ASSERT(mtasts_mx_match(pattern, alt) == m,
	            "upper-cased host changes the answer");
	if (alt[0] && alt[strlen(alt) - 1] != '.') {
		strcat(alt, ".");
		FUZZ_ASSERT(mtasts_mx_match(pattern, alt) == m,
		            "a trailing dot changes the answer");
	}
	free(alt);
	alt = fuzz_strndup(pattern, pn);
	ascii_upper(alt);
	FUZZ_ASSERT(mtasts_mx_match(alt, host) == m,
	            "upper-cased pattern changes the answer");
	free(alt);

	if (valid)
		check_policy(pattern, host, m);
	else
		check_builder_refuses(pattern);

	mtasts_diag_free(d);
	free(pattern);
	free(host);
	return 0;
}
