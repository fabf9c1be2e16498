/* SPDX-License-Identifier: MIT */
/*
 * Linting a published policy (codes 6xx), policy equivalence and the id
 * helper. Every expectation below comes from include/mtasts.h (group
 * "Linting a published policy", mtasts_policy_equivalent(),
 * mtasts_id_next()), docs/diagnostics.md ("6xx — lint findings") and the
 * RFC 8461 digest (§6, A-15, A-29, S-05, S-08, R-04), never from the
 * library's output.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mtasts.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Policy texts: version, mode, the mx lines, max_age (LF line ends). */
#define POL(mode, age, mx)                                                     \
	"version: STSv1\nmode: " mode "\n" mx "max_age: " age "\n"
#define ENF(mx) POL("enforce", "604800", mx)
#define TST(mx) POL("testing", "604800", mx)
#define NON(mx) POL("none", "86400", mx)
#define MX(p) "mx: " p "\n"
#define MX1 MX("mx1.example.com")
#define MX2 MX("mx2.example.com")

#define RECORD_TEXT "v=STSv1; id=20240101000000"
#define TLSRPT_TEXT "v=TLSRPTv1; rua=mailto:tlsrpt@example.com"

#define ERR MTASTS_SEVERITY_ERROR
#define WARN MTASTS_SEVERITY_WARNING
#define NOTE MTASTS_SEVERITY_NOTE

/* How a piece of context is given to the lint context. */
enum ctx { UNSET = 0, SET_NULL, SET_VALID };

/* ---- helpers ---------------------------------------------------------------- */

static mtasts_policy *
policy_from(const char *text)
{
	mtasts_policy *p = NULL;
	int st = mtasts_policy_parse(&p, text, strlen(text),
	                             MTASTS_PARSE_DEFAULT, NULL);

	ck_assert_msg(st == MTASTS_OK, "test policy does not parse (%d): %s",
	              st, text);
	ck_assert_ptr_nonnull(p);
	return p;
}

static mtasts_record *
record_from(const char *text)
{
	mtasts_record *r = NULL;

	ck_assert_int_eq(mtasts_record_parse(&r, text, strlen(text),
	                                     MTASTS_PARSE_DEFAULT, NULL),
	                 MTASTS_OK);
	ck_assert_ptr_nonnull(r);
	return r;
}

static mtasts_record *
record_with_id(const char *id)
{
	char text[128];

	snprintf(text, sizeof(text), "v=STSv1; id=%s", id);
	return record_from(text);
}

static mtasts_tlsrpt *
tlsrpt_from(const char *text)
{
	mtasts_tlsrpt *t = NULL;

	ck_assert_int_eq(mtasts_tlsrpt_parse(&t, text, strlen(text),
	                                     MTASTS_PARSE_DEFAULT, NULL),
	                 MTASTS_OK);
	ck_assert_ptr_nonnull(t);
	return t;
}

static mtasts_lint *
lint_new(void)
{
	mtasts_lint *l = NULL;

	ck_assert_int_eq(mtasts_lint_new(&l), MTASTS_OK);
	ck_assert_ptr_nonnull(l);
	return l;
}

static mtasts_diag *
diag_new(void)
{
	mtasts_diag *d = NULL;

	ck_assert_int_eq(mtasts_diag_new(&d), MTASTS_OK);
	ck_assert_ptr_nonnull(d);
	return d;
}

/* Number of entries with this code. */
static int
count_code(const mtasts_diag *d, int code)
{
	size_t i;
	int n = 0;

	for (i = 0; i < mtasts_diag_count(d); i++)
		if (mtasts_diag_code(d, i) == code)
			n++;
	return n;
}

/* Index of the first entry with this code, or -1. */
static long
index_of(const mtasts_diag *d, int code)
{
	size_t i;

	for (i = 0; i < mtasts_diag_count(d); i++)
		if (mtasts_diag_code(d, i) == code)
			return (long)i;
	return -1;
}

static int
is_lint_code(int code)
{
	return code >= MTASTS_D_LINT_MX_UNCOVERED &&
	       code <= MTASTS_D_LINT_MX_REDUNDANT;
}

/*
 * Invariants of every entry: the message is non-empty printable ASCII;
 * a lint finding has line 0, column 0, offset 0 (the policy as a whole),
 * a known severity, and is an error only for the three codes with status
 * MTASTS_ELINT (601, 613, 614).
 */
static void
check_invariants(const mtasts_diag *d)
{
	size_t i;

	for (i = 0; i < mtasts_diag_count(d); i++) {
		int code = mtasts_diag_code(d, i);
		int sev = mtasts_diag_severity(d, i);
		const char *msg = mtasts_diag_message(d, i);
		const unsigned char *c;

		ck_assert_ptr_nonnull(msg);
		ck_assert_msg(msg[0] != '\0', "empty message for code %d",
		              code);
		for (c = (const unsigned char *)msg; *c; c++)
			ck_assert_msg(*c >= 0x20 && *c <= 0x7e,
			              "code %d: byte 0x%02x in message \"%s\"",
			              code, *c, msg);
		if (!is_lint_code(code))
			continue;
		ck_assert_uint_eq(mtasts_diag_line(d, i), 0);
		ck_assert_uint_eq(mtasts_diag_column(d, i), 0);
		ck_assert_uint_eq(mtasts_diag_offset(d, i), 0);
		ck_assert_msg(sev == ERR || sev == WARN || sev == NOTE,
		              "code %d: severity %d", code, sev);
		if (code != MTASTS_D_LINT_MX_UNCOVERED &&
		    code != MTASTS_D_LINT_NO_RECORD &&
		    code != MTASTS_D_LINT_ID_UNCHANGED)
			ck_assert_msg(sev != ERR,
			              "code %d reported as an error", code);
	}
}

/* Exactly n entries with this code, all of this severity. */
static void
expect_code(const mtasts_diag *d, int code, int n, int severity)
{
	size_t i;

	ck_assert_msg(count_code(d, code) == n,
	              "code %d: expected %d finding(s), got %d", code, n,
	              count_code(d, code));
	for (i = 0; i < mtasts_diag_count(d); i++)
		if (mtasts_diag_code(d, i) == code)
			ck_assert_msg(mtasts_diag_severity(d, i) == severity,
			              "code %d: expected severity %d, got %d",
			              code, severity,
			              mtasts_diag_severity(d, i));
}

/* The list holds exactly these codes, in any order (n entries). */
static void
expect_exactly(const mtasts_diag *d, const int *codes, size_t n)
{
	size_t i;
	int expected;

	ck_assert_msg(mtasts_diag_count(d) == n,
	              "expected %zu findings, got %zu", n,
	              mtasts_diag_count(d));
	for (i = 0; i < n; i++) {
		size_t j;

		expected = 0;
		for (j = 0; j < n; j++)
			if (codes[j] == codes[i])
				expected++;
		ck_assert_msg(count_code(d, codes[i]) == expected,
		              "code %d: expected %d, got %d", codes[i],
		              expected, count_code(d, codes[i]));
	}
}

static size_t
str_count(const char *const *v)
{
	size_t n = 0;

	while (v[n] != NULL)
		n++;
	return n;
}

/* ---- every code 601-617, with near cases ---------------------------------------- */

struct lint_case {
	const char *name;
	const char *policy;
	const char *domain; /* NULL: mtasts_lint_set_domain() not called */
	int set_mx;         /* 0: mtasts_lint_set_mx_hosts() not called */
	const char *mx[4];  /* NULL-terminated host list */
	enum ctx record;
	enum ctx tlsrpt;
	int code;     /* the code under test */
	int count;    /* how many findings of it (0: absent) */
	int severity; /* their severity */
	int status;   /* return of mtasts_lint_policy() */
};

#define OK MTASTS_OK
#define ELINT MTASTS_ELINT
#define NOMX                                                                   \
	0,                                                                     \
	{                                                                      \
		NULL                                                           \
	}
#define HOSTS(...)                                                             \
	1,                                                                     \
	{                                                                      \
		__VA_ARGS__, NULL                                              \
	}
#define NOHOSTS                                                                \
	1,                                                                     \
	{                                                                      \
		NULL                                                           \
	}

static const struct lint_case lint_cases[] = {
	/* 601 lint-mx-uncovered: severity by mode */
	{ "601 enforce: uncovered MX is an error", ENF(MX1), NULL,
	  HOSTS("mx1.example.com", "mx2.example.com"), UNSET, UNSET, 601, 1,
	  ERR, ELINT },
	{ "601 testing: uncovered MX is a warning", TST(MX1), NULL,
	  HOSTS("mx1.example.com", "mx2.example.com"), UNSET, UNSET, 601, 1,
	  WARN, OK },
	{ "601 none: uncovered MX is a note", NON(MX1), NULL,
	  HOSTS("mx1.example.com", "mx2.example.com"), UNSET, UNSET, 601, 1,
	  NOTE, OK },
	{ "601 none without any pattern: note", NON(""), NULL,
	  HOSTS("mx1.example.com"), UNSET, UNSET, 601, 1, NOTE, OK },
	{ "601 one finding per uncovered host", ENF(MX1), NULL,
	  HOSTS("mx2.example.com", "mx3.example.com", "mx1.example.com"), UNSET,
	  UNSET, 601, 2, ERR, ELINT },
	{ "601 near: every host covered", ENF(MX1 MX2), NULL,
	  HOSTS("mx1.example.com", "mx2.example.com"), UNSET, UNSET, 601, 0, 0,
	  OK },
	{ "601 near: trailing dot and upper case still match", ENF(MX1 MX2),
	  NULL, HOSTS("MX1.Example.COM.", "mx2.EXAMPLE.com."), UNSET, UNSET,
	  601, 0, 0, OK },
	{ "601 near: wildcard covers one label", ENF(MX("*.example.com")), NULL,
	  HOSTS("mx1.example.com", "MX2.EXAMPLE.COM."), UNSET, UNSET, 601, 0, 0,
	  OK },
	{ "601 wildcard does not cover two labels", ENF(MX("*.example.com")),
	  NULL, HOSTS("a.b.example.com"), UNSET, UNSET, 601, 1, ERR, ELINT },
	{ "601 wildcard does not cover the bare domain",
	  ENF(MX("*.example.com")), NULL, HOSTS("example.com"), UNSET, UNSET,
	  601, 1, ERR, ELINT },
	{ "601 A-15 implicit MX covered", ENF(MX("example.com")), "example.com",
	  NOHOSTS, UNSET, UNSET, 601, 0, 0, OK },
	{ "601 A-15 implicit MX uncovered", ENF(MX1), "example.com", NOHOSTS,
	  UNSET, UNSET, 601, 1, ERR, ELINT },
	{ "601 A-15 implicit MX uncovered (testing)", TST(MX1), "example.com",
	  NOHOSTS, UNSET, UNSET, 601, 1, WARN, OK },
	{ "601 A-15 domain set in upper case with a dot",
	  ENF(MX("example.com")), "Example.COM.", NOHOSTS, UNSET, UNSET, 601, 0,
	  0, OK },
	{ "601 empty MX list without domain checks nothing", ENF(MX1), NULL,
	  NOHOSTS, UNSET, UNSET, 601, 0, 0, OK },
	{ "601 set_mx_hosts never called", ENF(MX1), "example.com", NOMX, UNSET,
	  UNSET, 601, 0, 0, OK },
	{ "601 the domain is no MX host when MX records exist", ENF(MX1),
	  "example.com", HOSTS("mx1.example.com"), UNSET, UNSET, 601, 0, 0,
	  OK },

	/* 602 lint-pattern-unused */
	{ "602 stale pattern", ENF(MX1 MX("old.example.com")), NULL,
	  HOSTS("mx1.example.com"), UNSET, UNSET, 602, 1, WARN, OK },
	{ "602 one finding per unused pattern",
	  ENF(MX1 MX("a.example.net") MX("*.example.org")), NULL,
	  HOSTS("mx1.example.com"), UNSET, UNSET, 602, 2, WARN, OK },
	{ "602 near: pattern used by a dotted upper-case host", ENF(MX1), NULL,
	  HOSTS("MX1.EXAMPLE.COM."), UNSET, UNSET, 602, 0, 0, OK },
	{ "602 near: wildcard used", ENF(MX("*.example.com")), NULL,
	  HOSTS("mx1.example.com"), UNSET, UNSET, 602, 0, 0, OK },
	{ "602 wildcard matching only a deeper host", ENF(MX("*.example.com")),
	  NULL, HOSTS("a.b.example.com"), UNSET, UNSET, 602, 1, WARN, ELINT },
	{ "602 A-15 pattern unused by the implicit MX", ENF(MX1), "example.com",
	  NOHOSTS, UNSET, UNSET, 602, 1, WARN, ELINT },
	{ "602 near: A-15 implicit MX uses the pattern", ENF(MX("example.com")),
	  "example.com", NOHOSTS, UNSET, UNSET, 602, 0, 0, OK },
	{ "602 empty MX list without domain checks nothing", ENF(MX1), NULL,
	  NOHOSTS, UNSET, UNSET, 602, 0, 0, OK },
	{ "602 set_mx_hosts never called", ENF(MX1 MX("old.example.com")),
	  "example.com", NOMX, UNSET, UNSET, 602, 0, 0, OK },
	{ "602 also in mode none", NON(MX1 MX("old.example.com")), NULL,
	  HOSTS("mx1.example.com"), UNSET, UNSET, 602, 1, WARN, OK },

	/* 603 lint-wildcard-suffix (S-08) */
	{ "603 *.com", ENF(MX("*.com")), NULL, NOMX, UNSET, UNSET, 603, 1, WARN,
	  OK },
	{ "603 *.co.uk", ENF(MX("*.co.uk")), NULL, NOMX, UNSET, UNSET, 603, 1,
	  WARN, OK },
	{ "603 *.uk", TST(MX("*.uk")), NULL, NOMX, UNSET, UNSET, 603, 1, WARN,
	  OK },
	{ "603 *.COM (patterns are case-insensitive)", ENF(MX("*.COM")), NULL,
	  NOMX, UNSET, UNSET, 603, 1, WARN, OK },
	{ "603 near: *.example.com", ENF(MX("*.example.com")), NULL, NOMX,
	  UNSET, UNSET, 603, 0, 0, OK },
	{ "603 near: *.example.co.uk", ENF(MX("*.example.co.uk")), NULL, NOMX,
	  UNSET, UNSET, 603, 0, 0, OK },
	{ "603 near: exact co.uk is no wildcard", ENF(MX("mx.co.uk")), NULL,
	  NOMX, UNSET, UNSET, 603, 0, 0, OK },

	/* 604 lint-single-label */
	{ "604 localhost", ENF(MX("localhost")), NULL, NOMX, UNSET, UNSET, 604,
	  1, WARN, OK },
	{ "604 LOCALHOST", TST(MX("LOCALHOST")), NULL, NOMX, UNSET, UNSET, 604,
	  1, WARN, OK },
	{ "604 one per single-label pattern", ENF(MX("mail") MX1 MX("mx")),
	  NULL, NOMX, UNSET, UNSET, 604, 2, WARN, OK },
	{ "604 near: a.com", ENF(MX("a.com")), NULL, NOMX, UNSET, UNSET, 604, 0,
	  0, OK },
	{ "604 near: *.example.com", ENF(MX("*.example.com")), NULL, NOMX,
	  UNSET, UNSET, 604, 0, 0, OK },

	/* 605 lint-ip-address */
	{ "605 192.0.2.1", ENF(MX("192.0.2.1")), NULL, NOMX, UNSET, UNSET, 605,
	  1, WARN, OK },
	{ "605 10.0.0.25 next to a host", ENF(MX1 MX("10.0.0.25")), NULL, NOMX,
	  UNSET, UNSET, 605, 1, WARN, OK },
	{ "605 near: 192.0.2.1.example", ENF(MX("192.0.2.1.example")), NULL,
	  NOMX, UNSET, UNSET, 605, 0, 0, OK },
	{ "605 near: mx1.example.com", ENF(MX1), NULL, NOMX, UNSET, UNSET, 605,
	  0, 0, OK },

	/* 606 lint-max-age-short: below 86400, not for none */
	{ "606 testing 86399", POL("testing", "86399", MX1), NULL, NOMX, UNSET,
	  UNSET, 606, 1, WARN, OK },
	{ "606 near: testing 86400", POL("testing", "86400", MX1), NULL, NOMX,
	  UNSET, UNSET, 606, 0, 0, OK },
	{ "606 enforce 86399", POL("enforce", "86399", MX1), NULL, NOMX, UNSET,
	  UNSET, 606, 1, WARN, OK },
	{ "606 testing 0", POL("testing", "0", MX1), NULL, NOMX, UNSET, UNSET,
	  606, 1, WARN, OK },
	{ "606 near: none 3600", POL("none", "3600", ""), NULL, NOMX, UNSET,
	  UNSET, 606, 0, 0, OK },

	/* 607 lint-enforce-max-age: enforce below 604800 (S-05) */
	{ "607 enforce 604799", POL("enforce", "604799", MX1), NULL, NOMX,
	  UNSET, UNSET, 607, 1, WARN, OK },
	{ "607 enforce 86400", POL("enforce", "86400", MX1), NULL, NOMX, UNSET,
	  UNSET, 607, 1, WARN, OK },
	{ "607 enforce 3600 (also below one day)", POL("enforce", "3600", MX1),
	  NULL, NOMX, UNSET, UNSET, 607, 1, WARN, OK },
	{ "607 near: enforce 604800", POL("enforce", "604800", MX1), NULL, NOMX,
	  UNSET, UNSET, 607, 0, 0, OK },
	{ "607 near: testing 86400", POL("testing", "86400", MX1), NULL, NOMX,
	  UNSET, UNSET, 607, 0, 0, OK },
	{ "607 near: none 86400", POL("none", "86400", ""), NULL, NOMX, UNSET,
	  UNSET, 607, 0, 0, OK },

	/* 608 lint-testing-max-age: testing above 604800 */
	{ "608 testing 604801", POL("testing", "604801", MX1), NULL, NOMX,
	  UNSET, UNSET, 608, 1, NOTE, OK },
	{ "608 testing 31557600", POL("testing", "31557600", MX1), NULL, NOMX,
	  UNSET, UNSET, 608, 1, NOTE, OK },
	{ "608 near: testing 604800", POL("testing", "604800", MX1), NULL, NOMX,
	  UNSET, UNSET, 608, 0, 0, OK },
	{ "608 near: enforce 31557600", POL("enforce", "31557600", MX1), NULL,
	  NOMX, UNSET, UNSET, 608, 0, 0, OK },

	/* 609 lint-none-max-age: none above 86400 */
	{ "609 none 86401", POL("none", "86401", ""), NULL, NOMX, UNSET, UNSET,
	  609, 1, NOTE, OK },
	{ "609 none 31557600", POL("none", "31557600", MX1), NULL, NOMX, UNSET,
	  UNSET, 609, 1, NOTE, OK },
	{ "609 near: none 86400", POL("none", "86400", ""), NULL, NOMX, UNSET,
	  UNSET, 609, 0, 0, OK },
	{ "609 near: testing 86401", POL("testing", "86401", MX1), NULL, NOMX,
	  UNSET, UNSET, 609, 0, 0, OK },

	/* 610 / 611: the mode itself */
	{ "610 testing", TST(MX1), NULL, NOMX, UNSET, UNSET, 610, 1, NOTE, OK },
	{ "610 near: enforce", ENF(MX1), NULL, NOMX, UNSET, UNSET, 610, 0, 0,
	  OK },
	{ "610 near: none", NON(""), NULL, NOMX, UNSET, UNSET, 610, 0, 0, OK },
	{ "611 none", NON(""), NULL, NOMX, UNSET, UNSET, 611, 1, NOTE, OK },
	{ "611 near: testing", TST(MX1), NULL, NOMX, UNSET, UNSET, 611, 0, 0,
	  OK },
	{ "611 near: enforce", ENF(MX1), NULL, NOMX, UNSET, UNSET, 611, 0, 0,
	  OK },

	/* 612 lint-no-tlsrpt: warning, not for none, needs set_tlsrpt */
	{ "612 enforce, no TLSRPT", ENF(MX1), NULL, NOMX, UNSET, SET_NULL, 612,
	  1, WARN, OK },
	{ "612 testing, no TLSRPT", TST(MX1), NULL, NOMX, UNSET, SET_NULL, 612,
	  1, WARN, OK },
	{ "612 near: none, no TLSRPT", NON(""), NULL, NOMX, UNSET, SET_NULL,
	  612, 0, 0, OK },
	{ "612 near: TLSRPT published", ENF(MX1), NULL, NOMX, UNSET, SET_VALID,
	  612, 0, 0, OK },
	{ "612 near: set_tlsrpt never called", ENF(MX1), NULL, NOMX, UNSET,
	  UNSET, 612, 0, 0, OK },

	/* 613 lint-no-record: error, note for none, needs set_record */
	{ "613 enforce, no record", ENF(MX1), NULL, NOMX, SET_NULL, UNSET, 613,
	  1, ERR, ELINT },
	{ "613 testing, no record", TST(MX1), NULL, NOMX, SET_NULL, UNSET, 613,
	  1, ERR, ELINT },
	{ "613 none, no record: note", NON(""), NULL, NOMX, SET_NULL, UNSET,
	  613, 1, NOTE, OK },
	{ "613 near: record published", ENF(MX1), NULL, NOMX, SET_VALID, UNSET,
	  613, 0, 0, OK },
	{ "613 near: set_record never called", ENF(MX1), NULL, NOMX, UNSET,
	  UNSET, 613, 0, 0, OK },

	/* 615 lint-wildcard-domain (S-08) */
	{ "615 *.<domain>", ENF(MX("*.example.com")), "example.com", NOMX,
	  UNSET, UNSET, 615, 1, NOTE, OK },
	{ "615 domain in upper case with a trailing dot",
	  ENF(MX("*.example.com")), "EXAMPLE.com.", NOMX, UNSET, UNSET, 615, 1,
	  NOTE, OK },
	{ "615 pattern in upper case", ENF(MX("*.Example.COM")), "example.com",
	  NOMX, UNSET, UNSET, 615, 1, NOTE, OK },
	{ "615 near: domain not set", ENF(MX("*.example.com")), NULL, NOMX,
	  UNSET, UNSET, 615, 0, 0, OK },
	{ "615 near: other domain", ENF(MX("*.example.com")), "example.org",
	  NOMX, UNSET, UNSET, 615, 0, 0, OK },
	{ "615 near: wildcard below the domain", ENF(MX("*.mail.example.com")),
	  "example.com", NOMX, UNSET, UNSET, 615, 0, 0, OK },
	{ "615 near: wildcard above the domain", ENF(MX("*.example.com")),
	  "mail.example.com", NOMX, UNSET, UNSET, 615, 0, 0, OK },
	{ "615 near: exact patterns in the domain", ENF(MX("example.com") MX1),
	  "example.com", NOMX, UNSET, UNSET, 615, 0, 0, OK },

	/* 616 lint-mx-duplicate */
	{ "616 same pattern twice", ENF(MX1 MX1), NULL, NOMX, UNSET, UNSET, 616,
	  1, NOTE, OK },
	{ "616 same pattern in another case",
	  ENF(MX("MX1.example.com") MX("mx1.EXAMPLE.com")), NULL, NOMX, UNSET,
	  UNSET, 616, 1, NOTE, OK },
	{ "616 same wildcard twice",
	  ENF(MX("*.example.com") MX("*.example.com")), NULL, NOMX, UNSET,
	  UNSET, 616, 1, NOTE, OK },
	{ "616 near: two patterns", ENF(MX1 MX2), NULL, NOMX, UNSET, UNSET, 616,
	  0, 0, OK },
	{ "616 near: wildcard and its base",
	  ENF(MX("*.example.com") MX("example.com")), NULL, NOMX, UNSET, UNSET,
	  616, 0, 0, OK },

	/* 617 lint-mx-redundant */
	{ "617 exact pattern covered by a wildcard",
	  ENF(MX1 MX("*.example.com")), NULL, NOMX, UNSET, UNSET, 617, 1, NOTE,
	  OK },
	{ "617 one per covered pattern", ENF(MX("*.example.com") MX1 MX2), NULL,
	  NOMX, UNSET, UNSET, 617, 2, NOTE, OK },
	{ "617 near: wildcard covers one label only",
	  ENF(MX("mx1.mail.example.com") MX("*.example.com")), NULL, NOMX,
	  UNSET, UNSET, 617, 0, 0, OK },
	{ "617 near: wildcard does not cover its base",
	  ENF(MX("example.com") MX("*.example.com")), NULL, NOMX, UNSET, UNSET,
	  617, 0, 0, OK },
	{ "617 near: other domain",
	  ENF(MX("mx1.example.org") MX("*.example.com")), NULL, NOMX, UNSET,
	  UNSET, 617, 0, 0, OK },
};

/* Configure a context from a table row. */
static mtasts_lint *
lint_from_case(const char *domain, int set_mx, const char *const *mx,
               enum ctx record, enum ctx tlsrpt)
{
	mtasts_lint *l = lint_new();

	if (domain != NULL)
		ck_assert_int_eq(mtasts_lint_set_domain(l, domain), MTASTS_OK);
	if (set_mx)
		ck_assert_int_eq(mtasts_lint_set_mx_hosts(l, mx, str_count(mx)),
		                 MTASTS_OK);
	if (record == SET_NULL) {
		ck_assert_int_eq(mtasts_lint_set_record(l, NULL), MTASTS_OK);
	} else if (record == SET_VALID) {
		mtasts_record *r = record_from(RECORD_TEXT);

		ck_assert_int_eq(mtasts_lint_set_record(l, r), MTASTS_OK);
		mtasts_record_free(r);
	}
	if (tlsrpt == SET_NULL) {
		ck_assert_int_eq(mtasts_lint_set_tlsrpt(l, NULL), MTASTS_OK);
	} else if (tlsrpt == SET_VALID) {
		mtasts_tlsrpt *t = tlsrpt_from(TLSRPT_TEXT);

		ck_assert_int_eq(mtasts_lint_set_tlsrpt(l, t), MTASTS_OK);
		mtasts_tlsrpt_free(t);
	}
	return l;
}

START_TEST(lint_codes)
{
	const struct lint_case *c = &lint_cases[_i];
	mtasts_lint *l;
	mtasts_policy *p;
	mtasts_diag *d;
	int st;

	l = lint_from_case(c->domain, c->set_mx, c->mx, c->record, c->tlsrpt);
	p = policy_from(c->policy);
	d = diag_new();
	st = mtasts_lint_policy(l, p, d);
	check_invariants(d);
	ck_assert_msg(count_code(d, c->code) == c->count,
	              "%s: code %d expected %d time(s), got %d", c->name,
	              c->code, c->count, count_code(d, c->code));
	if (c->count > 0)
		expect_code(d, c->code, c->count, c->severity);
	ck_assert_msg(st == c->status, "%s: status %d, expected %d", c->name,
	              st, c->status);
	/* only lint findings are appended */
	{
		size_t i;

		for (i = 0; i < mtasts_diag_count(d); i++)
			ck_assert(is_lint_code(mtasts_diag_code(d, i)));
	}
	/* the status does not depend on whether a list was given */
	ck_assert_int_eq(mtasts_lint_policy(l, p, NULL), c->status);
	mtasts_diag_free(d);
	mtasts_policy_free(p);
	mtasts_lint_free(l);
}
END_TEST

/* ---- exact lists of findings ------------------------------------------------------ */

START_TEST(exact_findings)
{
	static const char *const hosts[] = { "mx1.example.com.",
		                             "MX2.example.com" };
	static const int testing_only[] = { 610 };
	static const int none_only[] = { 611 };
	static const int none_no_record[] = { 611, 613 };
	mtasts_lint *l;
	mtasts_policy *p;
	mtasts_diag *d = diag_new();

	/* nothing known, a clean enforce policy: nothing to say */
	l = lint_new();
	p = policy_from(ENF(MX1 MX2));
	ck_assert_int_eq(mtasts_lint_policy(l, p, d), MTASTS_OK);
	ck_assert_uint_eq(mtasts_diag_count(d), 0);
	mtasts_policy_free(p);

	/* a clean testing policy: only the mode note */
	p = policy_from(TST(MX1));
	ck_assert_int_eq(mtasts_lint_policy(l, p, d), MTASTS_OK);
	expect_exactly(d, testing_only, ARRAY_LEN(testing_only));
	expect_code(d, 610, 1, NOTE);
	mtasts_policy_free(p);
	mtasts_diag_clear(d);

	/* a clean none policy: only the mode note */
	p = policy_from(NON(""));
	ck_assert_int_eq(mtasts_lint_policy(l, p, d), MTASTS_OK);
	expect_exactly(d, none_only, ARRAY_LEN(none_only));
	mtasts_diag_clear(d);

	/* none, no record and no TLSRPT: 611 and 613 (note), no 612 */
	ck_assert_int_eq(mtasts_lint_set_record(l, NULL), MTASTS_OK);
	ck_assert_int_eq(mtasts_lint_set_tlsrpt(l, NULL), MTASTS_OK);
	ck_assert_int_eq(mtasts_lint_policy(l, p, d), MTASTS_OK);
	expect_exactly(d, none_no_record, ARRAY_LEN(none_no_record));
	expect_code(d, 613, 1, NOTE);
	check_invariants(d);
	mtasts_diag_clear(d);
	mtasts_policy_free(p);
	mtasts_lint_free(l);

	/* everything known and right: nothing to say */
	l = lint_from_case("example.com", 0, NULL, SET_VALID, SET_VALID);
	ck_assert_int_eq(mtasts_lint_set_mx_hosts(l, hosts, 2), MTASTS_OK);
	p = policy_from(ENF(MX2 MX1));
	ck_assert_int_eq(mtasts_lint_policy(l, p, d), MTASTS_OK);
	ck_assert_uint_eq(mtasts_diag_count(d), 0);
	mtasts_policy_free(p);

	/* everything wrong at once (enforce, max_age 3600) */
	ck_assert_int_eq(mtasts_lint_set_record(l, NULL), MTASTS_OK);
	ck_assert_int_eq(mtasts_lint_set_tlsrpt(l, NULL), MTASTS_OK);
	p = policy_from(POL("enforce", "3600",
	                    MX("*.com") MX("localhost") MX("192.0.2.1")
	                            MX("*.example.com") MX("mx1.example.com")
	                                    MX("mx1.example.com")));
	ck_assert_int_eq(mtasts_lint_policy(l, p, d), MTASTS_ELINT);
	check_invariants(d);
	/*
	 * mx2 is covered by *.example.com, so no host is uncovered: 601 comes
	 * from a second list below. Unused: *.com, localhost, 192.0.2.1.
	 * Redundant: mx1.example.com (twice listed: 1 duplicate).
	 */
	ck_assert_int_eq(count_code(d, 601), 0);
	expect_code(d, 602, 3, WARN);
	expect_code(d, 603, 1, WARN);
	ck_assert_int_ge(count_code(d, 604), 1); /* localhost (and *.com?) */
	expect_code(d, 605, 1, WARN);
	expect_code(d, 606, 1, WARN);
	expect_code(d, 607, 1, WARN);
	expect_code(d, 612, 1, WARN);
	expect_code(d, 613, 1, ERR);
	expect_code(d, 615, 1, NOTE);
	expect_code(d, 616, 1, NOTE);
	ck_assert_int_ge(count_code(d, 617), 1);
	ck_assert_int_eq(count_code(d, 608) + count_code(d, 609) +
	                         count_code(d, 610) + count_code(d, 611) +
	                         count_code(d, 614),
	                 0);
	mtasts_diag_clear(d);
	{
		static const char *const other[] = { "mx.example.net" };

		ck_assert_int_eq(mtasts_lint_set_mx_hosts(l, other, 1),
		                 MTASTS_OK);
	}
	ck_assert_int_eq(mtasts_lint_policy(l, p, d), MTASTS_ELINT);
	check_invariants(d);
	expect_code(d, 601, 1, ERR);
	/* every pattern is unused now; duplicates count per listed pattern
	 * or per distinct pattern, so only bound it */
	ck_assert_int_ge(count_code(d, 602), 5);
	mtasts_policy_free(p);
	mtasts_lint_free(l);
	mtasts_diag_free(d);
}
END_TEST

/* ---- context that was not given ------------------------------------------------- */

START_TEST(skipped_checks)
{
	mtasts_lint *l = lint_new();
	mtasts_policy *p = policy_from(ENF(MX1 MX("*.example.com")));
	mtasts_diag *d = diag_new();
	static const int redundant_only[] = { 617 };

	/* no domain, no MX list, no records, no previous policy: only what the
	 * policy says by itself */
	ck_assert_int_eq(mtasts_lint_policy(l, p, d), MTASTS_OK);
	expect_exactly(d, redundant_only, ARRAY_LEN(redundant_only));
	mtasts_diag_clear(d);

	/* a record without a previous policy: no id check */
	{
		mtasts_record *r = record_from(RECORD_TEXT);

		ck_assert_int_eq(mtasts_lint_set_record(l, r), MTASTS_OK);
		mtasts_record_free(r);
	}
	ck_assert_int_eq(mtasts_lint_policy(l, p, d), MTASTS_OK);
	expect_exactly(d, redundant_only, ARRAY_LEN(redundant_only));
	mtasts_diag_clear(d);

	/* set_record(NULL) after a record: none published now */
	ck_assert_int_eq(mtasts_lint_set_record(l, NULL), MTASTS_OK);
	ck_assert_int_eq(mtasts_lint_policy(l, p, d), MTASTS_ELINT);
	expect_code(d, 613, 1, ERR);
	mtasts_diag_clear(d);

	/* a record again after NULL */
	{
		mtasts_record *r = record_from(RECORD_TEXT);

		ck_assert_int_eq(mtasts_lint_set_record(l, r), MTASTS_OK);
		mtasts_record_free(r);
	}
	ck_assert_int_eq(mtasts_lint_policy(l, p, d), MTASTS_OK);
	ck_assert_int_eq(count_code(d, 613), 0);
	mtasts_diag_clear(d);

	/* TLSRPT published, then withdrawn */
	{
		mtasts_tlsrpt *t = tlsrpt_from(TLSRPT_TEXT);

		ck_assert_int_eq(mtasts_lint_set_tlsrpt(l, t), MTASTS_OK);
		mtasts_tlsrpt_free(t);
	}
	ck_assert_int_eq(mtasts_lint_policy(l, p, d), MTASTS_OK);
	ck_assert_int_eq(count_code(d, 612), 0);
	mtasts_diag_clear(d);
	ck_assert_int_eq(mtasts_lint_set_tlsrpt(l, NULL), MTASTS_OK);
	ck_assert_int_eq(mtasts_lint_policy(l, p, d), MTASTS_OK);
	expect_code(d, 612, 1, WARN);

	mtasts_diag_free(d);
	mtasts_policy_free(p);
	mtasts_lint_free(l);
}
END_TEST

/* ---- 614 lint-id-unchanged (R-04) -------------------------------------------------- */

#define OLD_ID "20240101000000"
#define NEW_ID "20240102000000"

struct id_case {
	const char *name;
	const char *previous;
	const char *current;
	const char *record_id; /* NULL: set_record() not called */
	int equivalent;        /* mtasts_policy_equivalent(previous, current) */
	int expect;            /* 1: 614 expected */
};

static const struct id_case id_cases[] = {
	{ "same policy, same id", ENF(MX1 MX2), ENF(MX1 MX2), OLD_ID, 1, 0 },
	{ "mode changed, same id", ENF(MX1 MX2), TST(MX1 MX2), OLD_ID, 0, 1 },
	{ "mode changed to none, same id", ENF(MX1 MX2),
	  POL("none", "604800", MX1 MX2), OLD_ID, 0, 1 },
	{ "max_age changed, same id", ENF(MX1 MX2),
	  POL("enforce", "1209600", MX1 MX2), OLD_ID, 0, 1 },
	{ "mx added, same id", ENF(MX1 MX2), ENF(MX1 MX2 MX("mx3.example.com")),
	  OLD_ID, 0, 1 },
	{ "mx removed, same id", ENF(MX1 MX2), ENF(MX1), OLD_ID, 0, 1 },
	{ "mx replaced by a wildcard, same id", ENF(MX1 MX2),
	  ENF(MX("*.example.com")), OLD_ID, 0, 1 },
	{ "extension added, same id", ENF(MX1 MX2),
	  ENF(MX1 MX2) "x-note: hello\n", OLD_ID, 0, 1 },
	{ "extension value changed, same id", ENF(MX1) "x-a: 1\n",
	  ENF(MX1) "x-a: 2\n", OLD_ID, 0, 1 },
	{ "extension renamed, same id", ENF(MX1) "x-a: 1\n",
	  ENF(MX1) "x-b: 1\n", OLD_ID, 0, 1 },
	{ "mx reordered, duplicated, other case: equivalent", ENF(MX1 MX2),
	  "max_age: 604800\nmx: MX2.example.com\nmode: enforce\n"
	  "mx: mx1.EXAMPLE.com\nversion: STSv1\nmx: mx2.example.com\n",
	  OLD_ID, 1, 0 },
	{ "extensions reordered: equivalent", ENF(MX1) "x-a: 1\nx-b: 2\n",
	  ENF(MX1) "x-b: 2\nx-a: 1\n", OLD_ID, 1, 0 },
	{ "CRLF and leading zeros: equivalent", ENF(MX1),
	  "version: STSv1\r\nmode: enforce\r\nmx: mx1.example.com\r\n"
	  "max_age: 000604800\r\n",
	  OLD_ID, 1, 0 },
	{ "changed policy with a new id", ENF(MX1 MX2), TST(MX1), NEW_ID, 0,
	  0 },
	{ "changed policy, record not set: previous id checked", ENF(MX1 MX2),
	  TST(MX1), NULL, 0, 1 },
	{ "equivalent policy, record not set", ENF(MX1 MX2), ENF(MX2 MX1), NULL,
	  1, 0 },
};

START_TEST(id_unchanged)
{
	const struct id_case *c = &id_cases[_i];
	mtasts_lint *l = lint_new();
	mtasts_policy *prev = policy_from(c->previous);
	mtasts_policy *cur = policy_from(c->current);
	mtasts_record *prev_rec = record_with_id(OLD_ID);
	mtasts_diag *d = diag_new();
	int st;

	ck_assert_int_eq(mtasts_lint_set_previous(l, prev, prev_rec),
	                 MTASTS_OK);
	if (c->record_id != NULL) {
		mtasts_record *r = record_with_id(c->record_id);

		ck_assert_int_eq(mtasts_lint_set_record(l, r), MTASTS_OK);
		mtasts_record_free(r);
	}
	st = mtasts_lint_policy(l, cur, d);
	check_invariants(d);
	if (c->expect) {
		expect_code(d, 614, 1, ERR);
		ck_assert_msg(st == MTASTS_ELINT, "%s: status %d", c->name, st);
	} else {
		ck_assert_msg(count_code(d, 614) == 0, "%s: unexpected 614",
		              c->name);
		ck_assert_msg(st == MTASTS_OK, "%s: status %d", c->name, st);
	}
	/* the equivalence the check relies on agrees */
	ck_assert_int_eq(mtasts_policy_equivalent(prev, cur), c->equivalent);
	mtasts_diag_free(d);
	mtasts_record_free(prev_rec);
	mtasts_policy_free(cur);
	mtasts_policy_free(prev);
	mtasts_lint_free(l);
}
END_TEST

/* ---- messages with hostile MX host names ----------------------------------------- */

START_TEST(printable_messages)
{
	static const char *const hosts[] = {
		"mx\x01.example.com", "m\xc3\xa9x.example.com",
		"tab\there.example",  "del\x7f.example",
		"nl\n.example",       "\xff\xfe",
	};
	mtasts_lint *l = lint_new();
	mtasts_policy *p = policy_from(ENF(MX1));
	mtasts_diag *d = diag_new();

	/* any non-empty string is accepted as a host "as found in DNS" */
	ck_assert_int_eq(mtasts_lint_set_mx_hosts(l, hosts, ARRAY_LEN(hosts)),
	                 MTASTS_OK);
	ck_assert_int_eq(mtasts_lint_policy(l, p, d), MTASTS_ELINT);
	/* none of them matches: each one is uncovered */
	expect_code(d, 601, (int)ARRAY_LEN(hosts), ERR);
	expect_code(d, 602, 1, WARN);
	check_invariants(d);
	mtasts_diag_free(d);
	mtasts_policy_free(p);
	mtasts_lint_free(l);
}
END_TEST

/* ---- mtasts_lint_policy_text() --------------------------------------------------- */

START_TEST(policy_text)
{
	static const char bad_mode[] =
	        "version: STSv1\nmode: Enforce\nmx: mx1.example.com\nmax_age: 60\n";
	static const char too_old[] =
	        "version: STSv1\nmode: testing\nmx: mx1.example.com\n"
	        "max_age: 31557601\n";
	static const char bad_mx[] =
	        "version: STSv1\nmode: enforce\nmx: mx1.example.com.\nmax_age: 60\n";
	static const char good[] = TST(MX1);
	static const char lenient[] =
	        "version: STSv1\nMode: testing\nmx: mx1.example.com\n"
	        "max_age: 604800\n";
	static const char *const hosts[] = { "mx2.example.com" };
	mtasts_lint *l = lint_new();
	mtasts_diag *d = diag_new();
	size_t i;
	long a, b;

	ck_assert_int_eq(mtasts_lint_set_record(l, NULL), MTASTS_OK);
	ck_assert_int_eq(mtasts_lint_set_tlsrpt(l, NULL), MTASTS_OK);
	ck_assert_int_eq(mtasts_lint_set_mx_hosts(l, hosts, 1), MTASTS_OK);

	/* does not parse: the parse status and its diagnostics, no lint */
	ck_assert_int_eq(mtasts_lint_policy_text(l, bad_mode,
	                                         sizeof(bad_mode) - 1,
	                                         MTASTS_PARSE_DEFAULT, d),
	                 MTASTS_EMODE);
	ck_assert_int_eq(count_code(d, MTASTS_D_POLICY_MODE_INVALID), 1);
	for (i = 0; i < mtasts_diag_count(d); i++)
		ck_assert(!is_lint_code(mtasts_diag_code(d, i)));
	ck_assert_uint_ge(mtasts_diag_error_count(d), 1);
	check_invariants(d);
	mtasts_diag_clear(d);

	ck_assert_int_eq(mtasts_lint_policy_text(l, too_old,
	                                         sizeof(too_old) - 1,
	                                         MTASTS_PARSE_DEFAULT, d),
	                 MTASTS_EMAXAGE);
	ck_assert_int_eq(count_code(d, MTASTS_D_POLICY_MAX_AGE_RANGE), 1);
	for (i = 0; i < mtasts_diag_count(d); i++)
		ck_assert(!is_lint_code(mtasts_diag_code(d, i)));
	mtasts_diag_clear(d);

	ck_assert_int_eq(mtasts_lint_policy_text(l, bad_mx, sizeof(bad_mx) - 1,
	                                         MTASTS_PARSE_DEFAULT, d),
	                 MTASTS_EMX);
	ck_assert_int_eq(count_code(d, MTASTS_D_MX_TRAILING_DOT), 1);
	for (i = 0; i < mtasts_diag_count(d); i++)
		ck_assert(!is_lint_code(mtasts_diag_code(d, i)));
	mtasts_diag_clear(d);

	/* empty text: the parse's status */
	ck_assert_int_eq(
	        mtasts_lint_policy_text(l, "", 0, MTASTS_PARSE_DEFAULT, d),
	        MTASTS_ESYNTAX);
	ck_assert_int_eq(count_code(d, MTASTS_D_EMPTY), 1);
	mtasts_diag_clear(d);

	/* valid: lint results (testing: 601 warning, 602, 610, 612, 613) */
	ck_assert_int_eq(mtasts_lint_policy_text(l, good, sizeof(good) - 1,
	                                         MTASTS_PARSE_DEFAULT, d),
	                 MTASTS_ELINT);
	expect_code(d, 601, 1, WARN);
	expect_code(d, 602, 1, WARN);
	expect_code(d, 610, 1, NOTE);
	expect_code(d, 612, 1, WARN);
	expect_code(d, 613, 1, ERR);
	for (i = 0; i < mtasts_diag_count(d); i++)
		ck_assert(is_lint_code(mtasts_diag_code(d, i)));
	check_invariants(d);
	mtasts_diag_clear(d);

	/* the same without a list, and with a context that has no errors */
	ck_assert_int_eq(mtasts_lint_policy_text(l, good, sizeof(good) - 1,
	                                         MTASTS_PARSE_DEFAULT, NULL),
	                 MTASTS_ELINT);
	{
		mtasts_lint *empty = lint_new();

		ck_assert_int_eq(
		        mtasts_lint_policy_text(empty, good, sizeof(good) - 1,
		                                MTASTS_PARSE_DEFAULT, d),
		        MTASTS_OK);
		expect_code(d, 610, 1, NOTE);
		ck_assert_uint_eq(mtasts_diag_count(d), 1);
		mtasts_diag_clear(d);

		/* lenient: parse warning first, then the lint findings */
		ck_assert_int_eq(mtasts_lint_policy_text(
		                         empty, lenient, sizeof(lenient) - 1,
		                         MTASTS_PARSE_LENIENT, d),
		                 MTASTS_OK);
		a = index_of(d, MTASTS_D_POLICY_NAME_CASE);
		b = index_of(d, 610);
		ck_assert_int_ge(a, 0);
		ck_assert_int_ge(b, 0);
		ck_assert_int_lt(a, b);
		ck_assert_int_eq(mtasts_diag_severity(d, (size_t)a), WARN);
		mtasts_diag_clear(d);

		/* the same text is not a testing policy without the flag */
		ck_assert_int_eq(mtasts_lint_policy_text(
		                         empty, lenient, sizeof(lenient) - 1,
		                         MTASTS_PARSE_DEFAULT, d),
		                 MTASTS_EMODE);
		ck_assert_int_eq(count_code(d, 610), 0);
		mtasts_diag_clear(d);
		mtasts_lint_free(empty);
	}

	/* arguments */
	ck_assert_int_eq(mtasts_lint_policy_text(NULL, good, sizeof(good) - 1,
	                                         MTASTS_PARSE_DEFAULT, d),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(
	        mtasts_lint_policy_text(l, NULL, 5, MTASTS_PARSE_DEFAULT, d),
	        MTASTS_EINVAL);
	ck_assert_int_eq(
	        mtasts_lint_policy_text(l, good, sizeof(good) - 1, 0x80u, d),
	        MTASTS_EINVAL);
	for (i = 0; i < mtasts_diag_count(d); i++)
		ck_assert(!is_lint_code(mtasts_diag_code(d, i)));

	mtasts_diag_free(d);
	mtasts_lint_free(l);
}
END_TEST

/* ---- argument validation ----------------------------------------------------------- */

START_TEST(arguments)
{
	static const char *const good_hosts[] = { "mx1.example.com" };
	static const char *const null_entry[] = { "mx1.example.com", NULL };
	static const char *const empty_entry[] = { "mx1.example.com", "" };
	static const char *const bad_domains[] = {
		"",
		"*.example.com",
		"a..b",
		"bad_name",
		".example.com",
		"example.com..",
		"exa mple.com",
		"ex\xc3\xa4mple.com",
	};
	static const char *const good_domains[] = {
		"example.com",      "example.com.", "Example.COM",
		"mta-sts1.example", "localhost",
	};
	mtasts_lint *l = lint_new();
	mtasts_policy *p = policy_from(ENF(MX1));
	mtasts_record *r = record_from(RECORD_TEXT);
	mtasts_tlsrpt *t = tlsrpt_from(TLSRPT_TEXT);
	mtasts_diag *d = diag_new();
	size_t i;

	ck_assert_int_eq(mtasts_lint_new(NULL), MTASTS_EINVAL);
	mtasts_lint_free(NULL);

	ck_assert_int_eq(mtasts_lint_set_domain(NULL, "example.com"),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_lint_set_domain(l, NULL), MTASTS_EINVAL);
	for (i = 0; i < ARRAY_LEN(bad_domains); i++)
		ck_assert_msg(mtasts_lint_set_domain(l, bad_domains[i]) ==
		                      MTASTS_EINVAL,
		              "domain \"%s\" accepted", bad_domains[i]);
	for (i = 0; i < ARRAY_LEN(good_domains); i++)
		ck_assert_msg(mtasts_lint_set_domain(l, good_domains[i]) ==
		                      MTASTS_OK,
		              "domain \"%s\" rejected", good_domains[i]);

	ck_assert_int_eq(mtasts_lint_set_record(NULL, r), MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_lint_set_record(NULL, NULL), MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_lint_set_record(l, NULL), MTASTS_OK);
	ck_assert_int_eq(mtasts_lint_set_record(l, r), MTASTS_OK);

	ck_assert_int_eq(mtasts_lint_set_tlsrpt(NULL, t), MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_lint_set_tlsrpt(NULL, NULL), MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_lint_set_tlsrpt(l, NULL), MTASTS_OK);
	ck_assert_int_eq(mtasts_lint_set_tlsrpt(l, t), MTASTS_OK);

	ck_assert_int_eq(mtasts_lint_set_mx_hosts(NULL, good_hosts, 1),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_lint_set_mx_hosts(l, NULL, 1), MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_lint_set_mx_hosts(l, null_entry, 2),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_lint_set_mx_hosts(l, empty_entry, 2),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_lint_set_mx_hosts(l, NULL, 0), MTASTS_OK);
	ck_assert_int_eq(mtasts_lint_set_mx_hosts(l, good_hosts, 0), MTASTS_OK);
	ck_assert_int_eq(mtasts_lint_set_mx_hosts(l, good_hosts, 1), MTASTS_OK);

	ck_assert_int_eq(mtasts_lint_set_previous(NULL, p, r), MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_lint_set_previous(l, NULL, r), MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_lint_set_previous(l, p, NULL), MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_lint_set_previous(l, p, r), MTASTS_OK);

	ck_assert_int_eq(mtasts_lint_policy(NULL, p, d), MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_lint_policy(l, NULL, d), MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_lint_policy(NULL, NULL, NULL), MTASTS_EINVAL);
	ck_assert_uint_eq(mtasts_diag_count(d), 0);
	ck_assert_int_eq(mtasts_lint_policy(l, p, NULL), MTASTS_OK);
	ck_assert_int_eq(mtasts_lint_policy(l, p, d), MTASTS_OK);
	ck_assert_uint_eq(mtasts_diag_count(d), 0);

	mtasts_diag_free(d);
	mtasts_tlsrpt_free(t);
	mtasts_record_free(r);
	mtasts_policy_free(p);
	mtasts_lint_free(l);
}
END_TEST

/* A failed setter leaves the context as it was; a second call replaces. */
START_TEST(replacing_settings)
{
	static const char *const mx1[] = { "mx1.example.com" };
	static const char *const mx2[] = { "mx2.example.com" };
	static const char *const with_null[] = { "mx2.example.com", NULL };
	static const char *const with_empty[] = { "", "mx2.example.com" };
	mtasts_lint *l = lint_new();
	mtasts_policy *p = policy_from(ENF(MX1));
	mtasts_policy *wild = policy_from(ENF(MX("*.example.com")));
	mtasts_diag *d = diag_new();

	/* a second list replaces the first */
	ck_assert_int_eq(mtasts_lint_set_mx_hosts(l, mx2, 1), MTASTS_OK);
	ck_assert_int_eq(mtasts_lint_policy(l, p, d), MTASTS_ELINT);
	expect_code(d, 601, 1, ERR);
	mtasts_diag_clear(d);
	ck_assert_int_eq(mtasts_lint_set_mx_hosts(l, mx1, 1), MTASTS_OK);
	ck_assert_int_eq(mtasts_lint_policy(l, p, d), MTASTS_OK);
	ck_assert_int_eq(count_code(d, 601) + count_code(d, 602), 0);
	mtasts_diag_clear(d);

	/* failed calls change nothing */
	ck_assert_int_eq(mtasts_lint_set_mx_hosts(l, with_null, 2),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_lint_set_mx_hosts(l, with_empty, 2),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_lint_policy(l, p, d), MTASTS_OK);
	ck_assert_int_eq(count_code(d, 601) + count_code(d, 602), 0);
	mtasts_diag_clear(d);

	/* an empty list replaces a non-empty one: with no domain, no check */
	ck_assert_int_eq(mtasts_lint_set_mx_hosts(l, NULL, 0), MTASTS_OK);
	ck_assert_int_eq(mtasts_lint_set_mx_hosts(l, mx2, 1), MTASTS_OK);
	ck_assert_int_eq(mtasts_lint_set_mx_hosts(l, mx2, 0), MTASTS_OK);
	ck_assert_int_eq(mtasts_lint_policy(l, p, d), MTASTS_OK);
	ck_assert_int_eq(count_code(d, 601) + count_code(d, 602), 0);
	mtasts_diag_clear(d);

	/* the domain: replaced, and kept by a failed call */
	ck_assert_int_eq(mtasts_lint_set_domain(l, "example.org"), MTASTS_OK);
	ck_assert_int_eq(mtasts_lint_policy(l, wild, d), MTASTS_ELINT);
	ck_assert_int_eq(count_code(d, 615), 0);
	expect_code(d, 601, 1, ERR); /* implicit MX example.org */
	mtasts_diag_clear(d);
	ck_assert_int_eq(mtasts_lint_set_domain(l, "example.com"), MTASTS_OK);
	ck_assert_int_eq(mtasts_lint_set_domain(l, "bad_name"), MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_lint_policy(l, wild, d), MTASTS_ELINT);
	expect_code(d, 615, 1, NOTE);
	expect_code(d, 601, 1,
	            ERR); /* *.example.com does not cover example.com */
	mtasts_diag_clear(d);

	/* the previous policy: replaced by a second call */
	{
		mtasts_record *r = record_with_id(OLD_ID);
		mtasts_policy *other = policy_from(TST(MX1));

		ck_assert_int_eq(mtasts_lint_set_previous(l, other, r),
		                 MTASTS_OK);
		ck_assert_int_eq(mtasts_lint_policy(l, p, d), MTASTS_ELINT);
		expect_code(d, 614, 1, ERR);
		mtasts_diag_clear(d);
		ck_assert_int_eq(mtasts_lint_set_previous(l, p, r), MTASTS_OK);
		ck_assert_int_eq(mtasts_lint_set_previous(l, NULL, r),
		                 MTASTS_EINVAL);
		ck_assert_int_eq(mtasts_lint_policy(l, p, d), MTASTS_ELINT);
		ck_assert_int_eq(count_code(d, 614), 0);
		mtasts_diag_clear(d);
		mtasts_policy_free(other);
		mtasts_record_free(r);
	}

	mtasts_diag_free(d);
	mtasts_policy_free(wild);
	mtasts_policy_free(p);
	mtasts_lint_free(l);
}
END_TEST

/* Inputs are copied: free everything given to the setters, then lint. */
START_TEST(inputs_are_copied)
{
	char domain[32];
	char *hosts[2];
	mtasts_lint *l = lint_new();
	mtasts_record *r = record_with_id(OLD_ID);
	mtasts_record *prev_rec = record_with_id(OLD_ID);
	mtasts_tlsrpt *t = tlsrpt_from(TLSRPT_TEXT);
	mtasts_policy *prev = policy_from(ENF(MX1));
	mtasts_policy *p;
	mtasts_diag *d = diag_new();

	strcpy(domain, "example.com");
	hosts[0] = strdup("mx1.example.com");
	hosts[1] = strdup("other.example.org");
	ck_assert_ptr_nonnull(hosts[0]);
	ck_assert_ptr_nonnull(hosts[1]);

	ck_assert_int_eq(mtasts_lint_set_domain(l, domain), MTASTS_OK);
	ck_assert_int_eq(
	        mtasts_lint_set_mx_hosts(l, (const char *const *)hosts, 2),
	        MTASTS_OK);
	ck_assert_int_eq(mtasts_lint_set_record(l, r), MTASTS_OK);
	ck_assert_int_eq(mtasts_lint_set_tlsrpt(l, t), MTASTS_OK);
	ck_assert_int_eq(mtasts_lint_set_previous(l, prev, prev_rec),
	                 MTASTS_OK);

	memset(domain, 'x', sizeof(domain) - 1);
	domain[sizeof(domain) - 1] = '\0';
	memset(hosts[0], 'y', strlen(hosts[0]));
	free(hosts[0]);
	free(hosts[1]);
	mtasts_record_free(r);
	mtasts_record_free(prev_rec);
	mtasts_tlsrpt_free(t);
	mtasts_policy_free(prev);

	/* mx1 + *.example.com: 615 (domain), 617; other.example.org: 601;
	 * changed against the previous policy with the same id: 614 */
	p = policy_from(ENF(MX1 MX("*.example.com")));
	ck_assert_int_eq(mtasts_lint_policy(l, p, d), MTASTS_ELINT);
	check_invariants(d);
	expect_code(d, 601, 1, ERR);
	expect_code(d, 614, 1, ERR);
	expect_code(d, 615, 1, NOTE);
	expect_code(d, 617, 1, NOTE);
	ck_assert_int_eq(count_code(d, 612) + count_code(d, 613), 0);
	ck_assert_uint_eq(mtasts_diag_count(d), 4);
	mtasts_diag_free(d);
	mtasts_policy_free(p);
	mtasts_lint_free(l);
}
END_TEST

/* One context, many policies; linting does not change the context. */
START_TEST(context_reusable)
{
	static const char *const hosts[] = { "mx1.example.com",
		                             "mx2.example.com", NULL };
	mtasts_lint *l =
	        lint_from_case("example.com", 1, hosts, SET_VALID, SET_VALID);
	mtasts_policy *good = policy_from(ENF(MX1 MX2));
	mtasts_policy *bad = policy_from(ENF(MX1));
	mtasts_policy *none = policy_from(NON(""));
	mtasts_diag *d = diag_new();
	int round;

	for (round = 0; round < 3; round++) {
		ck_assert_int_eq(mtasts_lint_policy(l, good, d), MTASTS_OK);
		ck_assert_uint_eq(mtasts_diag_count(d), 0);
		ck_assert_int_eq(mtasts_lint_policy(l, bad, d), MTASTS_ELINT);
		ck_assert_uint_eq(mtasts_diag_count(d), 1);
		expect_code(d, 601, 1, ERR);
		ck_assert_int_eq(mtasts_lint_policy(l, none, d), MTASTS_OK);
		/* appended, never cleared: 601 error + 601 note x2 + 611 */
		ck_assert_int_eq(count_code(d, 601), 3);
		ck_assert_int_eq(count_code(d, 611), 1);
		ck_assert_uint_eq(mtasts_diag_count(d), 4);
		ck_assert_uint_eq(mtasts_diag_error_count(d), 1);
		check_invariants(d);
		mtasts_diag_clear(d);
	}
	mtasts_diag_free(d);
	mtasts_policy_free(none);
	mtasts_policy_free(bad);
	mtasts_policy_free(good);
	mtasts_lint_free(l);
}
END_TEST

/* ---- mtasts_policy_equivalent() ----------------------------------------------------- */

struct equiv_case {
	const char *name;
	const char *a;
	const char *b;
	int expect;
};

static const struct equiv_case equiv_cases[] = {
	{ "identical text", ENF(MX1 MX2), ENF(MX1 MX2), 1 },
	{ "mx order", ENF(MX1 MX2), ENF(MX2 MX1), 1 },
	{ "mx repeated", ENF(MX1 MX2), ENF(MX1 MX2 MX1 MX2), 1 },
	{ "mx case", ENF(MX1), ENF(MX("MX1.Example.COM")), 1 },
	{ "field order and CRLF", ENF(MX1),
	  "mx: mx1.example.com\r\nmax_age: 604800\r\nmode: enforce\r\n"
	  "version: STSv1\r\n",
	  1 },
	{ "max_age leading zeros", ENF(MX1), POL("enforce", "0604800", MX1),
	  1 },
	{ "extensions in another order", ENF(MX1) "x-a: 1\nx-b: 2\n",
	  ENF(MX1) "x-b: 2\nx-a: 1\n", 1 },
	{ "none without mx", NON(""), NON(""), 1 },
	{ "mode differs", ENF(MX1), TST(MX1), 0 },
	{ "mode enforce vs none", ENF(MX1), POL("none", "604800", MX1), 0 },
	{ "max_age differs", ENF(MX1), POL("enforce", "604801", MX1), 0 },
	{ "mx added", ENF(MX1), ENF(MX1 MX2), 0 },
	{ "same count, other set", ENF(MX1 MX1), ENF(MX1 MX2), 0 },
	{ "other set, same length with repeats", ENF(MX1 MX2 MX2),
	  ENF(MX1 MX1 MX("mx3.example.com")), 0 },
	{ "wildcard vs exact", ENF(MX("*.example.com")),
	  ENF(MX("mx.example.com")), 0 },
	{ "none with and without mx", NON(""), NON(MX1), 0 },
	{ "extension added", ENF(MX1), ENF(MX1) "x-a: 1\n", 0 },
	{ "extension value differs", ENF(MX1) "x-a: 1\n", ENF(MX1) "x-a: 2\n",
	  0 },
	{ "extension name differs", ENF(MX1) "x-a: 1\n", ENF(MX1) "x-b: 1\n",
	  0 },
	{ "extension values swapped", ENF(MX1) "x-a: 1\nx-b: 2\n",
	  ENF(MX1) "x-a: 2\nx-b: 1\n", 0 },
	{ "one extension more", ENF(MX1) "x-a: 1\n",
	  ENF(MX1) "x-a: 1\nx-b: 2\n", 0 },
};

START_TEST(equivalent)
{
	const struct equiv_case *c = &equiv_cases[_i];
	mtasts_policy *a = policy_from(c->a);
	mtasts_policy *b = policy_from(c->b);

	ck_assert_int_eq(mtasts_policy_equivalent(a, a), 1);
	ck_assert_int_eq(mtasts_policy_equivalent(b, b), 1);
	ck_assert_msg(mtasts_policy_equivalent(a, b) == c->expect,
	              "%s: a~b expected %d", c->name, c->expect);
	ck_assert_msg(mtasts_policy_equivalent(b, a) == c->expect,
	              "%s: b~a expected %d", c->name, c->expect);
	ck_assert_int_eq(mtasts_policy_equivalent(a, NULL), 0);
	ck_assert_int_eq(mtasts_policy_equivalent(NULL, b), 0);
	mtasts_policy_free(b);
	mtasts_policy_free(a);
}
END_TEST

START_TEST(equivalent_null)
{
	ck_assert_int_eq(mtasts_policy_equivalent(NULL, NULL), 0);
}
END_TEST

/* ---- mtasts_id_next() -------------------------------------------------------------- */

#define NOW INT64_C(1700000000) /* 2023-11-14T22:13:20Z */
#define NOW_ID "20231114221320"
#define NEXT_ID "20231114221321"

START_TEST(id_next)
{
	mtasts_policy *p = policy_from(ENF(MX1 MX2));
	mtasts_policy *same = policy_from(ENF(MX2 MX1 MX1));
	mtasts_policy *changed = policy_from(TST(MX1 MX2));
	char buf[MTASTS_ID_MAX_LEN + 1];
	char big[64];
	char ref[32];
	static const char long_id[] =
	        "abcdefghijklmnopqrstuvwxyz0123456"; /* 33 */

	/* arguments */
	ck_assert_int_eq(mtasts_id_next(NULL, sizeof(buf), NULL, NULL, p, NOW),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(
	        mtasts_id_next(buf, MTASTS_ID_MAX_LEN, NULL, NULL, p, NOW),
	        MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_id_next(buf, 15, "abc", p, same, NOW),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_id_next(buf, 0, NULL, NULL, p, NOW),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(
	        mtasts_id_next(buf, sizeof(buf), NULL, NULL, NULL, NOW),
	        MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_id_next(buf, sizeof(buf), "abc", p, NULL, NOW),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_id_next(buf, sizeof(buf), NULL, NULL, p, -1),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(mtasts_id_next(buf, sizeof(buf), NULL, NULL, p,
	                                INT64_C(253402300800)),
	                 MTASTS_EINVAL);
	ck_assert_int_eq(
	        mtasts_id_next(buf, sizeof(buf), "abc", p, same, INT64_MIN),
	        MTASTS_EINVAL);

	/* range ends */
	ck_assert_int_eq(mtasts_id_next(buf, sizeof(buf), NULL, NULL, p, 0), 1);
	ck_assert_str_eq(buf, "19700101000000");
	ck_assert_int_eq(mtasts_id_next(buf, sizeof(buf), NULL, NULL, p,
	                                INT64_C(253402300799)),
	                 1);
	ck_assert_str_eq(buf, "99991231235959");
	ck_assert_int_eq(mtasts_id_next(buf, sizeof(buf), NULL, NULL, p,
	                                INT64_C(951782400)),
	                 1);
	ck_assert_str_eq(buf, "20000229000000");

	/* no old id: a new id from now, same as mtasts_id_from_time() */
	ck_assert_int_eq(mtasts_id_from_time(ref, sizeof(ref), NOW),
	                 MTASTS_ID_TIME_LEN);
	ck_assert_str_eq(ref, NOW_ID);
	ck_assert_int_eq(mtasts_id_next(buf, sizeof(buf), NULL, NULL, p, NOW),
	                 1);
	ck_assert_str_eq(buf, NOW_ID);
	ck_assert_int_eq(mtasts_id_next(buf, sizeof(buf), NULL, p, same, NOW),
	                 1);
	ck_assert_str_eq(buf, NOW_ID);
	ck_assert_int_eq(mtasts_id_check(buf), MTASTS_OK);

	/* equivalent and a valid old id: kept */
	memset(buf, '#', sizeof(buf));
	ck_assert_int_eq(
	        mtasts_id_next(buf, sizeof(buf), "abc123", p, same, NOW), 0);
	ck_assert_str_eq(buf, "abc123");
	ck_assert_int_eq(mtasts_id_next(buf, sizeof(buf), "abc123", p, p, NOW),
	                 0);
	ck_assert_str_eq(buf, "abc123");
	ck_assert_int_eq(mtasts_id_next(buf, sizeof(buf), NOW_ID, p, same, NOW),
	                 0);
	ck_assert_str_eq(buf, NOW_ID);
	/* a 32-character old id fits the minimum buffer exactly */
	ck_assert_int_eq(mtasts_id_next(buf, sizeof(buf),
	                                "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", p,
	                                same, NOW),
	                 0);
	ck_assert_str_eq(buf, "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345");
	ck_assert_int_eq(mtasts_id_next(big, sizeof(big), "Z9", p, same, NOW),
	                 0);
	ck_assert_str_eq(big, "Z9");

	/* changed: a new id */
	ck_assert_int_eq(mtasts_id_next(buf, sizeof(buf), "20240101000000", p,
	                                changed, NOW),
	                 1);
	ck_assert_str_eq(buf, NOW_ID);
	/* no old policy: nothing to be equivalent to */
	ck_assert_int_eq(
	        mtasts_id_next(buf, sizeof(buf), "abc123", NULL, p, NOW), 1);
	ck_assert_str_eq(buf, NOW_ID);
	/* changed within the same second: the next second's id */
	ck_assert_int_eq(
	        mtasts_id_next(buf, sizeof(buf), NOW_ID, p, changed, NOW), 1);
	ck_assert_str_eq(buf, NEXT_ID);
	ck_assert_str_ne(buf, NOW_ID);
	ck_assert_int_eq(
	        mtasts_id_next(buf, sizeof(buf), NOW_ID, NULL, changed, NOW),
	        1);
	ck_assert_str_eq(buf, NEXT_ID);

	/* an invalid old id is never kept, even for an equivalent policy */
	ck_assert_int_eq(mtasts_id_next(buf, sizeof(buf), "a-b", p, same, NOW),
	                 1);
	ck_assert_str_eq(buf, NOW_ID);
	ck_assert_int_eq(mtasts_id_next(buf, sizeof(buf), "", p, same, NOW), 1);
	ck_assert_str_eq(buf, NOW_ID);
	ck_assert_int_eq(
	        mtasts_id_next(buf, sizeof(buf), long_id, p, same, NOW), 1);
	ck_assert_str_eq(buf, NOW_ID);
	ck_assert_int_eq(mtasts_id_next(big, sizeof(big), "20231114 221320", p,
	                                same, NOW),
	                 1);
	ck_assert_str_eq(big, NOW_ID);

	mtasts_policy_free(changed);
	mtasts_policy_free(same);
	mtasts_policy_free(p);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("lint");
	TCase *tc;
	SRunner *sr;
	int failures;

	tc = tcase_create("findings");
	tcase_add_loop_test(tc, lint_codes, 0, (int)ARRAY_LEN(lint_cases));
	tcase_add_test(tc, exact_findings);
	tcase_add_test(tc, skipped_checks);
	tcase_add_loop_test(tc, id_unchanged, 0, (int)ARRAY_LEN(id_cases));
	tcase_add_test(tc, printable_messages);
	tcase_add_test(tc, policy_text);
	suite_add_tcase(s, tc);
	tc = tcase_create("context");
	tcase_add_test(tc, arguments);
	tcase_add_test(tc, replacing_settings);
	tcase_add_test(tc, inputs_are_copied);
	tcase_add_test(tc, context_reusable);
	suite_add_tcase(s, tc);
	tc = tcase_create("equivalence");
	tcase_add_loop_test(tc, equivalent, 0, (int)ARRAY_LEN(equiv_cases));
	tcase_add_test(tc, equivalent_null);
	suite_add_tcase(s, tc);
	tc = tcase_create("ids");
	tcase_add_test(tc, id_next);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failures = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failures == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
