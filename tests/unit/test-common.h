/* SPDX-License-Identifier: MIT */
/*
 * Shared helpers of the Check suites (tests/unit/check-*.c).
 *
 * Every suite file defines its one Suite with MTASTS_TEST_SUITE(name);
 * test-common.c holds main(), which runs it (CK_FORK=no under a debugger or
 * valgrind). Ids in comments (R-xx, A-xx) refer to the project's RFC 8461
 * digest, spec/rfc8461-digest.md.
 */
#ifndef MTASTS_TEST_COMMON_H
#define MTASTS_TEST_COMMON_H

#include <check.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "mtasts.h"

#define T_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* "Any line" / "any column" in t_find_diag() and friends. */
#define T_ANY UINT_MAX

/* ---- suite registration -------------------------------------------------- */

/* The suite of this executable (defined by MTASTS_TEST_SUITE). */
Suite *mtasts_test_suite(void);

#define MTASTS_TEST_SUITE(name)                                                \
	static Suite *mtasts_suite_##name(void);                               \
	Suite *mtasts_test_suite(void)                                         \
	{                                                                      \
		return mtasts_suite_##name();                                  \
	}                                                                      \
	static Suite *mtasts_suite_##name(void)

/* ---- the diagnostic code table (from include/mtasts.h) -------------------- */

struct t_code {
	int code;
	/* the stable kebab-case name: the enumerator without MTASTS_D_,
	 * lower case, '_' -> '-' */
	const char *name;
	/* the status a parse returns when this is its first error, from the
	 * header's @retval lists; MTASTS_OK for codes that are only warnings */
	int status;
};

extern const struct t_code t_codes[];
extern const size_t t_codes_len;

/* Code of a kebab-case name, or 0. */
int t_code_from_name(const char *name);
/* Name of a code, or NULL (from the table above, not the library). */
const char *t_code_name(int code);
/* Status of a status name such as "MTASTS_EMX"; 1 if unknown. */
int t_status_from_name(const char *name);
/* Name of a status (from the header), or "?". */
const char *t_status_name(int status);

/* Cheap assertions for hot loops: Check's ck_assert_* record a mark point
 * (a pipe write in fork mode) even when they pass; these do nothing unless
 * they fail. */
#define T_CHECK(expr)                                                          \
	do {                                                                   \
		if (!(expr))                                                   \
			ck_abort_msg("Assertion '%s' failed", #expr);          \
	} while (0)

#define T_CHECK_MSG(expr, ...)                                                 \
	do {                                                                   \
		if (!(expr))                                                   \
			ck_abort_msg(__VA_ARGS__);                             \
	} while (0)

/* ---- diagnostics ----------------------------------------------------------- */

/* A new, empty list (the test fails if that is impossible). */
mtasts_diag *t_diag_new(void);

/* Index of the first entry with this code and severity (0 = any) at this
 * line and column (T_ANY = any), or -1. */
long t_find_diag(const mtasts_diag *d, int code, int severity,
                 unsigned int line, unsigned int col);

/* Number of entries with this code (and severity, 0 = any). */
size_t t_count_diag(const mtasts_diag *d, int code, int severity);

/* The list as text, for failure messages ("code sev line:col; ..."). The
 * result lives in a static buffer that the next call overwrites. */
const char *t_diag_str(const mtasts_diag *d);

/* The status that mtasts.h gives the first error entry at or after index
 * `from` ("the status of the first error found is also the return value"),
 * or 1 if there is no error entry. */
int t_first_error_status(const mtasts_diag *d, size_t from);

/* 1 if every entry's line, column and offset agree with each other for
 * the input text[0..len) (mtasts.h, group diag): line 0 only with column
 * and offset 0; for a policy (policy = 1) line L column C is the byte at
 * offset start(L) + C - 1, for a record column C is offset C - 1. */
int t_positions_ok(const mtasts_diag *d, const char *text, size_t len,
                   int policy);

/* 1 if every message is non-empty printable ASCII (0x20-0x7E). */
int t_messages_printable(const mtasts_diag *d);

#define ck_assert_diag(d, code, sev, line, col)                                \
	ck_assert_msg(t_find_diag((d), (code), (sev), (line), (col)) >= 0,     \
	              "expected diagnostic %d (%s) severity %d at %u:%u; "     \
	              "got: %s",                                               \
	              (int)(code), t_code_name(code), (int)(sev),              \
	              (unsigned int)(line), (unsigned int)(col),               \
	              t_diag_str(d))

#define ck_assert_no_diag(d, code)                                             \
	ck_assert_msg(t_count_diag((d), (code), 0) == 0,                       \
	              "unexpected diagnostic %d (%s); got: %s", (int)(code),   \
	              t_code_name(code), t_diag_str(d))

/* ---- inputs ---------------------------------------------------------------- */

/* A heap copy of exactly n bytes (at least 1 allocated byte for n = 0), so
 * that valgrind reports any read past the end of a parser's input. */
char *t_dup(const void *p, size_t n);

/* Parse text[0..len) from an exact-size heap copy. */
int t_policy_parse(mtasts_policy **out, const char *text, size_t len,
                   unsigned int flags, mtasts_diag *d);
int t_record_parse(mtasts_record **out, const char *text, size_t len,
                   unsigned int flags, mtasts_diag *d);

/* The same for NUL-terminated text. */
int t_policy_parse_str(mtasts_policy **out, const char *text,
                       unsigned int flags, mtasts_diag *d);
int t_record_parse_str(mtasts_record **out, const char *text,
                       unsigned int flags, mtasts_diag *d);

/* Read a whole file into an exact-size heap buffer; NULL if missing. */
char *t_read_file(const char *path, size_t *len);

/* $MTASTS_TEST_DATA, or the source tree's tests/data. */
const char *t_data_dir(void);

/* ---- a growing byte buffer for generated inputs ----------------------------- */

struct t_buf {
	char *p;
	size_t n;
	size_t cap;
};

void t_buf_init(struct t_buf *b);
void t_buf_put(struct t_buf *b, const void *p, size_t n);
void t_buf_str(struct t_buf *b, const char *s);
void t_buf_printf(struct t_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 2, 3)))
#endif
        ;
void t_buf_rep(struct t_buf *b, char c, size_t n);
void t_buf_free(struct t_buf *b);

/* A NUL-terminated string of n copies of c (free with free()). */
char *t_rep(char c, size_t n);

/* Deterministic pseudo-random numbers (xorshift64*), seeded per test. */
uint64_t t_rand(uint64_t *state);

#endif /* MTASTS_TEST_COMMON_H */
