/* SPDX-License-Identifier: MIT */
/*
 * Shared helpers of the fuzz targets: the oracle assertion and the checks
 * every parser's diagnostics must pass. Each target is one translation unit
 * that includes this header, so everything here is static.
 *
 * The targets link the static library and may use the internals of
 * lib/private.h (mtasts__*), which the fuzz and replay builds can reach.
 */
#ifndef MTASTS_FUZZ_H
#define MTASTS_FUZZ_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"

/* The libFuzzer entry point; fuzz/replay.c calls it without libFuzzer. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#if defined(__GNUC__)
#define FUZZ__NORETURN __attribute__((noreturn))
#define FUZZ__PRINTF(f, a) __attribute__((format(printf, f, a)))
#define FUZZ__UNUSED __attribute__((unused))
#else
#define FUZZ__NORETURN
#define FUZZ__PRINTF(f, a)
#define FUZZ__UNUSED
#endif

/* clang-format does not know the attribute macros */
/* clang-format off */
static FUZZ__NORETURN FUZZ__PRINTF(4, 5) void
fuzz_fail(const char *file, int line, const char *expr, const char *fmt, ...)
/* clang-format on */
{
	va_list ap;

	fprintf(stderr, "%s:%d: fuzz oracle failed: %s\n  ", file, line, expr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
	abort();
}

/*
 * FUZZ_ASSERT(cond, "printf format", ...): when cond is false, print where,
 * the condition and the reason, then abort() so that libFuzzer (or the
 * replay driver) records a crash.
 */
#define FUZZ_ASSERT(cond, ...)                                                 \
	do {                                                                   \
		if (!(cond))                                                   \
			fuzz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__);     \
	} while (0)

/* Any non-NULL address that is not a valid object: parse calls must
 * overwrite an out-parameter preset to it. */
static FUZZ__UNUSED char fuzz_sentinel_byte;
#define FUZZ_SENTINEL ((void *)&fuzz_sentinel_byte)

/* 1 if s is printable ASCII (0x20-0x7E) from start to NUL. */
static FUZZ__UNUSED int
fuzz_printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7E)
			return 0;
	return 1;
}

/* How a diagnostic's position relates to the input (see mtasts.h). */
enum fuzz_pos {
	FUZZ_POS_NONE,   /* not checked */
	FUZZ_POS_POLICY, /* line counts LF, column is the byte column */
	FUZZ_POS_RECORD  /* line is the RR index, column = offset + 1 */
};

/*
 * Checks every diagnostics list must pass, whatever the input:
 * - every entry has a registered code (named) and a named severity;
 * - every message is non-empty printable ASCII;
 * - mtasts_diag_error_count() counts exactly the error entries;
 * - positions agree with the input text (when pos says how);
 * - on failure (status < 0): at least one error entry, unless the list is
 *   full (then later entries, errors included, are dropped by design), and
 *   the first error's registered status is the returned status;
 * - on success: no error entry at all.
 * For FUZZ_POS_RECORD, rr_line is the line every positioned entry must
 * carry (the 1-based RR index).
 */
static FUZZ__UNUSED void
fuzz_check_diag(const mtasts_diag *d, int status, const char *text, size_t len,
                enum fuzz_pos pos, unsigned int rr_line)
{
	size_t n = mtasts_diag_count(d), i, errors = 0, first_error = n;
	int full = n > MTASTS_DIAG_MAX;
	unsigned int *line_at = NULL; /* 1-based line of each offset */
	size_t *start_at = NULL;      /* offset of that line's first byte */

	FUZZ_ASSERT(n <= MTASTS_DIAG_MAX + 1, "%zu entries", n);
	if (pos == FUZZ_POS_POLICY && n) {
		size_t k;

		line_at = malloc((len + 1) * sizeof(*line_at));
		start_at = malloc((len + 1) * sizeof(*start_at));
		FUZZ_ASSERT(line_at && start_at, "out of memory");
		line_at[0] = 1;
		start_at[0] = 0;
		for (k = 0; k < len; k++) {
			int lf = text[k] == '\n';

			line_at[k + 1] = line_at[k] + (unsigned int)lf;
			start_at[k + 1] = lf ? k + 1 : start_at[k];
		}
	}
	for (i = 0; i < n; i++) {
		int code = mtasts_diag_code(d, i);
		int sev = mtasts_diag_severity(d, i);
		const char *msg = mtasts_diag_message(d, i);
		unsigned int line = mtasts_diag_line(d, i);
		unsigned int col = mtasts_diag_column(d, i);
		size_t off = mtasts_diag_offset(d, i);

		FUZZ_ASSERT(mtasts_diag_code_name(code) != NULL,
		            "entry %zu: unknown code %d", i, code);
		FUZZ_ASSERT(mtasts_severity_name(sev) != NULL,
		            "entry %zu: unknown severity %d", i, sev);
		FUZZ_ASSERT(msg != NULL && msg[0] != '\0',
		            "entry %zu (%s): no message", i,
		            mtasts_diag_code_name(code));
		FUZZ_ASSERT(
		        fuzz_printable(msg),
		        "entry %zu (%s): message is not printable ASCII: %s", i,
		        mtasts_diag_code_name(code), msg);
		if (sev == MTASTS_SEVERITY_ERROR) {
			errors++;
			if (first_error == n)
				first_error = i;
		}
		if (code == MTASTS_D_TOO_MANY_DIAGNOSTICS) {
			FUZZ_ASSERT(i == MTASTS_DIAG_MAX,
			            "overflow entry at index %zu", i);
			continue;
		}
		if (pos == FUZZ_POS_POLICY && line != 0) {
			FUZZ_ASSERT(off <= len,
			            "entry %zu (%s): offset %zu beyond the "
			            "%zu-byte input",
			            i, mtasts_diag_code_name(code), off, len);
			FUZZ_ASSERT(line == line_at[off] &&
			                    col == off - start_at[off] + 1,
			            "entry %zu (%s): line %u column %u, but "
			            "offset %zu is line %u column %zu",
			            i, mtasts_diag_code_name(code), line, col,
			            off, line_at[off], off - start_at[off] + 1);
		} else if (pos == FUZZ_POS_POLICY) {
			FUZZ_ASSERT(col == 0 && off == 0,
			            "entry %zu (%s): line 0 with column %u "
			            "offset %zu",
			            i, mtasts_diag_code_name(code), col, off);
		} else if (pos == FUZZ_POS_RECORD) {
			FUZZ_ASSERT(line == 0 || line == rr_line,
			            "entry %zu (%s): line %u, expected %u", i,
			            mtasts_diag_code_name(code), line, rr_line);
			if (col != 0) {
				FUZZ_ASSERT(col == off + 1 && off <= len,
				            "entry %zu (%s): column %u offset "
				            "%zu in a %zu-byte record",
				            i, mtasts_diag_code_name(code), col,
				            off, len);
			} else {
				FUZZ_ASSERT(off == 0,
				            "entry %zu (%s): column 0 with "
				            "offset %zu",
				            i, mtasts_diag_code_name(code),
				            off);
			}
		}
	}
	free(line_at);
	free(start_at);
	FUZZ_ASSERT(mtasts_diag_error_count(d) == errors,
	            "error count %zu, but %zu error entries",
	            mtasts_diag_error_count(d), errors);
	if (status == MTASTS_OK) {
		FUZZ_ASSERT(errors == 0,
		            "success with %zu error entries, the first %s",
		            errors,
		            mtasts_diag_code_name(
		                    mtasts_diag_code(d, first_error)));
		return;
	}
	if (status == MTASTS_ENOMEM || full)
		return;
	FUZZ_ASSERT(errors >= 1 && mtasts_diag_error_count(d) >= 1,
	            "failure %s without any error entry",
	            mtasts_status_name(status));
	FUZZ_ASSERT(mtasts__diag_code_status(
	                    mtasts_diag_code(d, first_error)) == status,
	            "returned %s, but the first error (%s) stands for %s",
	            mtasts_status_name(status),
	            mtasts_diag_code_name(mtasts_diag_code(d, first_error)),
	            mtasts_status_name(mtasts__diag_code_status(
	                    mtasts_diag_code(d, first_error))));
}

/* A new diagnostics list; aborts if there is no memory (fuzzing only). */
static FUZZ__UNUSED mtasts_diag *
fuzz_diag_new(void)
{
	mtasts_diag *d = NULL;

	FUZZ_ASSERT(mtasts_diag_new(&d) == MTASTS_OK && d != NULL,
	            "mtasts_diag_new failed");
	return d;
}

/* A NUL-terminated copy of p[0..n). */
static FUZZ__UNUSED char *
fuzz_strndup(const char *p, size_t n)
{
	char *s = malloc(n + 1);

	FUZZ_ASSERT(s != NULL, "out of memory");
	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

/*
 * An exact-size copy of p[0..n), with no NUL after it, for the inputs of
 * the length-taking parsers: reading one byte past the end is then caught
 * by ASan (libFuzzer builds) or valgrind. NULL for n == 0, which the API
 * allows with a zero length.
 */
static FUZZ__UNUSED char *
fuzz_memdup(const void *p, size_t n)
{
	char *s;

	if (n == 0)
		return NULL;
	s = malloc(n);
	FUZZ_ASSERT(s != NULL, "out of memory");
	memcpy(s, p, n);
	return s;
}

/* Whether p[0..n) has no byte outside class cls of private.h. */
static FUZZ__UNUSED int
fuzz_all(const char *p, size_t n, int cls)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!MTASTS__IS(p[i], cls))
			return 0;
	return 1;
}

/*
 * Diagnostics lists a and b (from two calls that must agree; an and bn name
 * them in a failure) are the same: count, codes, severities and positions,
 * and the messages too when messages is non-zero.
 */
static FUZZ__UNUSED void
fuzz_same_diag(const mtasts_diag *a, const mtasts_diag *b, int messages,
               const char *an, const char *bn)
{
	size_t i, n = mtasts_diag_count(a);

	FUZZ_ASSERT(n == mtasts_diag_count(b),
	            "%zu diagnostics from the %s, %zu from the %s", n, an,
	            mtasts_diag_count(b), bn);
	for (i = 0; i < n; i++) {
		FUZZ_ASSERT(mtasts_diag_code(a, i) == mtasts_diag_code(b, i) &&
		                    mtasts_diag_severity(a, i) ==
		                            mtasts_diag_severity(b, i) &&
		                    mtasts_diag_line(a, i) ==
		                            mtasts_diag_line(b, i) &&
		                    mtasts_diag_column(a, i) ==
		                            mtasts_diag_column(b, i) &&
		                    mtasts_diag_offset(a, i) ==
		                            mtasts_diag_offset(b, i) &&
		                    (!messages ||
		                     strcmp(mtasts_diag_message(a, i),
		                            mtasts_diag_message(b, i)) == 0),
		            "diagnostic %zu differs:\n %s: %s %u:%u %s\n "
		            "%s: %s %u:%u %s",
		            i, an,
		            mtasts_diag_code_name(mtasts_diag_code(a, i)),
		            mtasts_diag_line(a, i), mtasts_diag_column(a, i),
		            mtasts_diag_message(a, i), bn,
		            mtasts_diag_code_name(mtasts_diag_code(b, i)),
		            mtasts_diag_line(b, i), mtasts_diag_column(b, i),
		            mtasts_diag_message(b, i));
	}
}

/*
 * TXT RDATA for the text t[0..n): character-strings of at most chunk
 * (1-255) bytes, with an empty character-string before and/or after them
 * if asked. An empty text is one empty character-string. Free with free().
 */
static FUZZ__UNUSED unsigned char *
fuzz_to_wire(const char *t, size_t n, size_t chunk, int empty_before,
             int empty_after, size_t *wlen)
{
	size_t cap = n + n / chunk + 3, w = 0, i;
	unsigned char *r = malloc(cap);

	FUZZ_ASSERT(r != NULL, "out of memory");
	FUZZ_ASSERT(chunk >= 1 && chunk <= 255, "chunk %zu", chunk);
	if (empty_before)
		r[w++] = 0;
	for (i = 0; i < n; i += chunk) {
		size_t k = n - i < chunk ? n - i : chunk;

		r[w++] = (unsigned char)k;
		memcpy(r + w, t + i, k);
		w += k;
	}
	if (empty_after)
		r[w++] = 0;
	if (w == 0)
		r[w++] = 0;
	FUZZ_ASSERT(w <= cap, "wire buffer overflow in the harness");
	*wlen = w;
	return r;
}

#endif /* MTASTS_FUZZ_H */
