/* SPDX-License-Identifier: MIT */
/*
 * Internal declarations shared by the library's modules. Nothing here is
 * exported: every symbol is static, hidden, or prefixed mtasts__ and left
 * out of libmtasts.sym.
 */
#ifndef MTASTS_PRIVATE_H
#define MTASTS_PRIVATE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "mtasts.h"

#if defined(__GNUC__)
#define MTASTS__PRINTF(f, a) __attribute__((format(printf, f, a)))
#define MTASTS__LIKELY(x) __builtin_expect(!!(x), 1)
#define MTASTS__UNLIKELY(x) __builtin_expect(!!(x), 0)
/* For a fast path that must not cost a call where it is used. */
#define MTASTS__ALWAYS_INLINE __attribute__((always_inline)) inline
#else
#define MTASTS__PRINTF(f, a)
#define MTASTS__LIKELY(x) (x)
#define MTASTS__UNLIKELY(x) (x)
#define MTASTS__ALWAYS_INLINE inline
#endif

#define MTASTS__ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- character classes (ASCII only, locale-free) ---------------------- */

enum {
	MTASTS__C_ALPHA = 1, /* A-Z a-z */
	MTASTS__C_DIGIT = 2, /* 0-9 */
	MTASTS__C_LDH = 4,   /* letter, digit, '-' */
	MTASTS__C_NAME = 8,  /* letter, digit, '_', '-', '.' (ext-name tail) */
	MTASTS__C_TXTVAL = 16, /* %x21-3A / %x3C / %x3E-7E (sts-ext-value) */
	MTASTS__C_WSP = 32,    /* SP, HTAB */
	MTASTS__C_VCHAR = 64,  /* %x21-7E */
	MTASTS__C_HOST = 128   /* letter, digit, '-', '.' */
};

extern const unsigned char mtasts__ctype[256];
extern const unsigned char mtasts__lower[256];

#define MTASTS__IS(c, cls) (mtasts__ctype[(unsigned char)(c)] & (cls))
#define MTASTS__IS_WSP(c) MTASTS__IS(c, MTASTS__C_WSP)
#define MTASTS__IS_ALNUM(c) MTASTS__IS(c, MTASTS__C_ALPHA | MTASTS__C_DIGIT)
#define MTASTS__LOWER(c) (mtasts__lower[(unsigned char)(c)])

/*
 * Eight bytes at a time ("SIMD within a register"). For a word x whose
 * bytes are all below 0x80, MTASTS__SWAR_RANGE(x, lo, hi) has 0x80 set in
 * exactly the bytes b with lo <= b <= hi: adding 0x80 - lo sets the top bit
 * iff b >= lo, adding 0x7f - hi iff b > hi, and neither sum can carry into
 * the next byte. MTASTS__SWAR_BAD(x) is non-zero iff some byte is a control
 * character (below 0x20) or above 0x7f: a subtraction only borrows from the
 * next byte when a byte is below 0x20, which is already a finding.
 */
#define MTASTS__ONES 0x0101010101010101ull
#define MTASTS__HIGH (0x80 * MTASTS__ONES)
#define MTASTS__SWAR_RANGE(x, lo, hi)                                          \
	(((x) + (0x80 - (lo)) * MTASTS__ONES) &                                \
	 ~((x) + (0x7f - (hi)) * MTASTS__ONES) & MTASTS__HIGH)
#define MTASTS__SWAR_BAD(x)                                                    \
	(((x) | (((x)-0x20 * MTASTS__ONES) & ~(x))) & MTASTS__HIGH)

/* 0x80 in exactly the bytes of x that are zero: no carry crosses a byte,
 * so this one holds for any byte values and either byte order. */
#define MTASTS__ZERO_BYTES(x)                                                  \
	(~((((x) & ~MTASTS__HIGH) + ~MTASTS__HIGH) | (x) | ~MTASTS__HIGH))

/*
 * Finding the first byte of a word loaded with memcpy that fails a SWAR
 * test needs a little-endian machine: carries and borrows only travel
 * towards the more significant bytes, so on little-endian ones they can
 * only disturb bytes after a failing one, and the first failing byte is
 * the lowest set 0x80 bit. Other machines use the byte loops.
 */
#if defined(__GNUC__) && defined(__BYTE_ORDER__) &&                            \
        __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define MTASTS__SWAR_LE 1
/* Memory index of the first byte with 0x80 set in m (m != 0). */
#define MTASTS__FIRST_BYTE(m) ((size_t)__builtin_ctzll(m) >> 3)
#else
#define MTASTS__SWAR_LE 0
#endif

/* Length of the run of ASCII letters and digits at the start of p[0..n). */
size_t mtasts__alnum_span(const char *p, size_t n);

/* Length of the run of sts-ext-value bytes (%x21-3A / %x3C / %x3E-7E). */
size_t mtasts__txtval_span(const char *p, size_t n);

/* ASCII case-insensitive equality of two byte ranges of length n. */
int mtasts__ascii_caseeq(const char *a, const char *b, size_t n);

/* Length of the well-formed UTF-8 sequence (RFC 3629) at p[0..n), or 0. */
size_t mtasts__utf8_seq(const unsigned char *p, size_t n);

/* ---- locations and diagnostics ----------------------------------------- */

/* Where byte 0 of the text being checked sits in the caller's input. */
struct mtasts__loc {
	unsigned int line;
	unsigned int col;
	size_t off;
};

/*
 * A parse's view of the diagnostics: the optional list, the first error's
 * status, and whether recording a diagnostic ran out of memory.
 */
struct mtasts__sink {
	mtasts_diag *diag;
	int status;
	int oom;
	unsigned int flags;
};

static inline void
mtasts__sink_init(struct mtasts__sink *s, mtasts_diag *diag, unsigned int flags)
{
	s->diag = diag;
	s->status = MTASTS_OK;
	s->oom = 0;
	s->flags = flags;
}

/* Severity of a problem that MTASTS_PARSE_LENIENT turns into a warning. */
#define MTASTS__SEV_LENIENT(s)                                                 \
	(((s)->flags & MTASTS_PARSE_LENIENT) ? MTASTS_SEVERITY_WARNING         \
	                                     : MTASTS_SEVERITY_ERROR)

/* Status an error with this code gives a call (MTASTS_ESYNTAX for
 * warning-only or unknown codes). */
int mtasts__diag_code_status(int code);

/* Record one problem in the list (the slow half of mtasts__report). */
void mtasts__report_impl(struct mtasts__sink *s, int code, int severity,
                         unsigned int line, unsigned int col, size_t off,
                         const char *fmt, ...) MTASTS__PRINTF(7, 8);

/* Without a list, a problem only matters for the call's status. */
static inline void
mtasts__report_status(struct mtasts__sink *s, int code, int severity)
{
	if (severity == MTASTS_SEVERITY_ERROR && s->status == MTASTS_OK)
		s->status = mtasts__diag_code_status(code);
}

/*
 * Record one problem: mtasts__report(s, code, severity, line, col, off,
 * fmt, ...). An error sets the sink's status (the first one wins) from the
 * code's registered status. When no list was given, the message arguments
 * (quoted input, formatted numbers) are not even evaluated.
 */
#define mtasts__report(s, code, severity, ...)                                 \
	((s)->diag ? mtasts__report_impl((s), (code), (severity), __VA_ARGS__) \
	           : mtasts__report_status((s), (code), (severity)))

/* Report at byte i of a text located at *loc. */
#define MTASTS__AT(loc, i)                                                     \
	(loc)->line, (loc)->col + (unsigned int)(i), (loc)->off + (size_t)(i)

/* The final status of a parse: ENOMEM if a diagnostic could not be stored. */
static inline int
mtasts__sink_result(const struct mtasts__sink *s)
{
	return s->oom ? MTASTS_ENOMEM : s->status;
}

/* The registry's codes, for tests: copies up to size of them in order and
 * returns how many there are. */
size_t mtasts__diag_registry(int *codes, size_t size);

/* The status a code registers: MTASTS_OK for warning-only codes,
 * MTASTS_EINVAL for unknown codes. */
int mtasts__diag_registered_status(int code);

/*
 * Render p[0..n) as printable ASCII in single quotes for a message: bytes
 * outside 0x20-0x7E become \xNN, and long input is cut with "...".
 * Always NUL-terminates buf (size > 0). Returns buf, or "" without doing
 * any work when the sink keeps no messages.
 */
const char *mtasts__quote(const struct mtasts__sink *s, char *buf, size_t size,
                          const char *p, size_t n);

/* Buffer size that holds any mtasts__quote() result. */
#define MTASTS__QUOTE_MAX 64

/* Report a byte that is never allowed where it was found (NUL, CTL,
 * non-ASCII), with the specific code for its class. */
void mtasts__report_byte(struct mtasts__sink *s, unsigned char c,
                         const struct mtasts__loc *loc, size_t i,
                         const char *where);

/* ---- output buffer with snprintf semantics ----------------------------- */

struct mtasts__out {
	char *buf;
	size_t size;
	size_t len; /* bytes the full output needs, may exceed size */
};

void mtasts__out_put(struct mtasts__out *o, const char *s, size_t n);
void mtasts__out_str(struct mtasts__out *o, const char *s);
void mtasts__out_u32(struct mtasts__out *o, uint32_t v);
/* NUL-terminate (truncating) and return the needed length or ETOOLARGE. */
int mtasts__out_finish(struct mtasts__out *o);

/* Run a writer twice (measure, then fill) to return a malloc'd string. */
typedef int (*mtasts__writer)(const void *obj, char *buf, size_t size,
                              unsigned int flags);
int mtasts__format_alloc(mtasts__writer w, const void *obj, unsigned int flags,
                         char **out);

/* ---- fields ------------------------------------------------------------ */

/* An mx pattern (in a parsed policy: lower case), its length, and whether
 * it starts with "*.". */
struct mtasts__mx {
	const char *text;
	uint32_t len;
	uint32_t wild;
};

/* An extension field. */
struct mtasts__ext {
	const char *name;
	const char *value;
};

/* Canonical writers shared by format functions and builders. */
void mtasts__policy_write(struct mtasts__out *o, int mode, uint32_t max_age,
                          const struct mtasts__mx *mx, size_t n_mx,
                          const struct mtasts__ext *ext, size_t n_ext,
                          unsigned int flags);
void mtasts__record_write(struct mtasts__out *o, const char *id,
                          const struct mtasts__ext *ext, size_t n_ext);

/* ---- mx patterns (match.c) ---------------------------------------------- */

/*
 * Up to eight patterns of a policy, for matching: byte k (bits 8k..8k+7)
 * of len is the length of pattern k, 0 past the last pattern; byte k of
 * wild is 0xff if that pattern is a wildcard. One comparison of words then
 * finds the patterns of the length a host needs.
 */
struct mtasts__mx8 {
	uint64_t len;
	uint64_t wild;
};

/* A parsed policy: one allocation holding this header, the arrays and the
 * strings (policy.c builds it; match.c reads the mx array). */
struct mtasts_policy {
	int mode;
	uint32_t max_age;
	size_t n_mx;
	size_t n_ext;
	struct mtasts__mx *mx;
	struct mtasts__ext *ext;
	/* mx[0..n_mx) packed when n_mx <= 8, in the header so that matching
	 * reads it with n_mx and mx. It describes the patterns up to mx8_end
	 * (NULL: not packed), and is only used while mx + n_mx still is
	 * mx8_end: lint.c matches against copies of this header that point
	 * mx at one pattern. */
	struct mtasts__mx8 mx8;
	const struct mtasts__mx *mx8_end;
};

/* Pack p's patterns into p->mx8 if there are at most eight of them. */
void mtasts__mx8_set(struct mtasts_policy *p);

/*
 * Validate an mx pattern p[0..n) (R-18…R-20, DNS lengths) and write its
 * lower-case form to dst[0..n). Returns 1 if valid; dst is then complete,
 * otherwise its content is unspecified. One pass, no reporting: the fast
 * path of the parser.
 */
int mtasts__mx_lower(const char *p, size_t n, char *dst);

/*
 * The same check on the pattern that starts p[0..n) and ends at its first
 * byte that cannot be part of one (not a letter, digit, '-' or '.'): its
 * lower-case form is written to dst, which must have room for n bytes
 * (bytes after the pattern may be written too). Returns the pattern's
 * length if it is valid, else 0. Finds the end of an mx line's value in
 * the same pass that checks it.
 */
size_t mtasts__mx_span(const char *p, size_t n, char *dst);

/* Check an mx pattern p[0..n) and report every problem at *loc.
 * Returns 1 if valid (always the same verdict as mtasts__mx_lower). */
int mtasts__mx_check(const char *p, size_t n, struct mtasts__sink *s,
                     const struct mtasts__loc *loc);

/* ---- shared field grammar ------------------------------------------------ */

/* Fast form of the ext-name check for a name whose bytes are all known to
 * be of class MTASTS__C_NAME. */
#define MTASTS__NAME_OK(p, n) ((n) && (n) <= 32 && MTASTS__IS_ALNUM((p)[0]))

/* ext-name: 1 alnum then up to 31 of alnum / "_" / "-" / "." (R-22, A-27;
 * the same production for TXT records). Reports at *loc; 1 if valid. */
int mtasts__ext_name_check(const char *p, size_t n, struct mtasts__sink *s,
                           const struct mtasts__loc *loc, int code);

/* Bytes no policy line may hold anywhere: NUL, controls other than HTAB,
 * malformed UTF-8 (digest §2.2). Reports the first at *loc; 1 if none. */
int mtasts__bytes_check(const char *p, size_t n, struct mtasts__sink *s,
                        const struct mtasts__loc *loc);

/* sts-policy-ext-value. Reports at *loc; 1 if valid. */
int mtasts__policy_ext_value_check(const char *p, size_t n,
                                   struct mtasts__sink *s,
                                   const struct mtasts__loc *loc);

/* sts-ext-value of TXT records. Reports at *loc; 1 if valid. */
int mtasts__txt_value_check(const char *p, size_t n, struct mtasts__sink *s,
                            const struct mtasts__loc *loc);

/* 1 if p[0..n) equals the NUL-terminated word exactly. */
int mtasts__eq(const char *p, size_t n, const char *word);

/* ---- TXT tag-list records (txt.c) ---------------------------------------- */

struct mtasts__txt_field {
	const char *name;
	size_t name_len;
	const char *value;
	size_t value_len;
	struct mtasts__loc name_loc;
	struct mtasts__loc value_loc;
	int bad; /* the value is malformed (already reported): the field is
	          * present, but its value must not be used */
};

/* A record family: its version tag ("v=STSv1"), and the name of the field
 * whose value is a `*WSP "," *WSP`-separated URI list (TLSRPT's "rua"), if
 * any: that value may hold '=' and whitespace around the commas. */
struct mtasts__tag {
	const char *word; /* "v=STSv1" */
	size_t len;       /* strlen(word) */
	const char *list; /* "rua" or NULL */
	/* requirement ids quoted in messages, per RFC digest */
	const char *r_version; /* version tag first, exact */
	const char *r_fields;  /* at least one field */
	const char *r_filter;  /* WSP before ';' vs the literal filter */
	const char *r_discard; /* RRs without the tag are discarded */
	const char *r_one;     /* exactly one record must remain */
	const char *none;      /* what no record means */
};

extern const struct mtasts__tag mtasts__tag_sts;
extern const struct mtasts__tag mtasts__tag_tlsrpt;

/* Called for every field with a valid name after the version tag. */
typedef void (*mtasts__txt_field_fn)(void *ctx,
                                     const struct mtasts__txt_field *f,
                                     struct mtasts__sink *s);

/*
 * Parse the tag-list shape shared by STSv1 and TLSRPTv1 records:
 * version ("v=" + tag) first, then *WSP ";" *WSP separated name=value
 * fields with an optional final ";". Applies the lenient pre-processing.
 * Returns the number of fields delivered, or -1 if the version tag did not
 * match (nothing after it was examined) or, when the sink keeps no list,
 * as soon as an error has decided the status (the rest cannot change it).
 */
int mtasts__txt_parse(const char *text, size_t len,
                      const struct mtasts__tag *tag, unsigned int line,
                      struct mtasts__sink *s, mtasts__txt_field_fn fn,
                      void *ctx);

/* A record parser as RRset selection calls it. */
typedef int (*mtasts__txt_parse_fn)(void **out, const char *text, size_t len,
                                    unsigned int line, struct mtasts__sink *s);

/* Select among joined RR texts and parse the single candidate. */
int mtasts__txt_select(void **out, size_t *selected, const char *const *rrs,
                       const size_t *lens, size_t count,
                       const struct mtasts__tag *tag,
                       mtasts__txt_parse_fn parse, unsigned int flags,
                       mtasts_diag *diag);

/* Same from wire RDATA. */
int mtasts__txt_select_rdata(void **out, size_t *selected,
                             const unsigned char *const *rdata,
                             const size_t *lens, size_t count,
                             const struct mtasts__tag *tag,
                             mtasts__txt_parse_fn parse, unsigned int flags,
                             mtasts_diag *diag);

/* ---- record internals (record.c) ---------------------------------------- */

int mtasts__record_parse_at(void **out, const char *text, size_t len,
                            unsigned int line, struct mtasts__sink *s);

/* The general record parser alone, without the fast path for the common
 * shape (tests compare the two). */
int mtasts__record_parse_slow(void **out, const char *text, size_t len,
                              unsigned int line, struct mtasts__sink *s);

/* The general TLSRPTv1 parser alone, without the fast path for the common
 * shape (tests compare the two). */
int mtasts__tlsrpt_parse_slow(void **out, const char *text, size_t len,
                              unsigned int line, struct mtasts__sink *s);

/* ---- small helpers ------------------------------------------------------ */

char *mtasts__strndup(const char *s, size_t n);

#endif /* MTASTS_PRIVATE_H */
