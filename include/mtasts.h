/* SPDX-License-Identifier: MIT */
/**
 * @file mtasts.h
 * @brief libmtasts: MTA-STS (RFC 8461) records, policies and MX matching.
 *
 * This is the only public header of libmtasts. Everything it declares is
 * part of the stable 1.x ABI described in docs/abi.md: no exported function
 * ever changes its signature or meaning, enum values are never renumbered,
 * and new symbols arrive in new version nodes of the linker map.
 *
 * Requirement ids in this file (R-xx, A-xx, S-xx, E-xxxx) refer to the
 * project's RFC 8461 digest (spec/rfc8461-digest.md).
 *
 * @section conventions Conventions that hold for every function
 *
 * - **Status codes.** Functions that can fail return an `int` status:
 *   #MTASTS_OK (0) on success, a negative ::mtasts_status on failure.
 *   mtasts_strerror() turns any status into static text.
 * - **Out-parameters first.** `mtasts_x_parse(&out, …)` stores the new object
 *   in `*out` on success and sets `*out` to NULL on every failure (when `out`
 *   itself is not NULL). A failed call has no side effect except the
 *   diagnostics it appends.
 * - **Ownership.** Every object made by a `*_new`, `*_parse`, `*_select` or
 *   `*_build` function belongs to the caller, who releases it with the
 *   matching `*_free` function; every `*_free` accepts NULL. Strings returned
 *   by accessors are borrowed: they stay valid until the owning object is
 *   freed. Strings the library allocates for the caller (`*_format_alloc`)
 *   are released with mtasts_free(), never with free(), so that bindings with
 *   another allocator stay correct.
 * - **Inputs are copied.** The library keeps no pointer into caller memory;
 *   an input buffer can be reused as soon as a call returns.
 * - **Untrusted input.** Parsers take a pointer and a length, accept every
 *   byte value (NUL included), never read outside `[text, text + len)`, and
 *   enforce the size caps below. Other string arguments (builder values,
 *   host names) are NUL-terminated C strings.
 * - **Diagnostics.** Parsers and validators append every problem they find
 *   to an optional ::mtasts_diag list (pass NULL to skip them). The status of
 *   the first error found is also the return value.
 * - **Flags.** Every parse and format call takes `unsigned int flags`. Bits
 *   the library does not know make the call fail with #MTASTS_EINVAL, so a
 *   caller can probe for features of newer versions.
 * - **Threads and locale.** There is no global mutable state. Every function
 *   is reentrant. Parsed and built objects are immutable and may be read from
 *   any number of threads at once; a builder or a diagnostics list must not
 *   be used by two threads at the same time. Nothing depends on the C locale:
 *   case folding is ASCII-only (A-06, R-39).
 */
#ifndef MTASTS_H
#define MTASTS_H

#include <stddef.h>
#include <stdint.h>

#include "mtasts-version.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @cond INTERNAL */
#if defined(__GNUC__) && __GNUC__ >= 4
#define MTASTS_EXPORT __attribute__((visibility("default")))
#define MTASTS_NODISCARD __attribute__((warn_unused_result))
#else
#define MTASTS_EXPORT
#define MTASTS_NODISCARD
#endif
/** @endcond */

/* ======================================================================= */
/**
 * @defgroup version Version
 * @brief Run-time version of the library.
 *
 * The macros in mtasts-version.h give the version of the headers an
 * application was compiled with; these functions give the version of the
 * shared object it runs with. An MTA can warn at start-up when the run-time
 * library is older than its headers:
 * @code
 * if (mtasts_version() < MTASTS_VERSION_HEX)
 *         warn("libmtasts %s is older than the headers (%s)",
 *              mtasts_version_string(), MTASTS_VERSION_STRING);
 * @endcode
 * @{
 */

/**
 * @brief The run-time library version as 0xMMmmuu (major, minor, micro).
 * @return The version number, comparable with #MTASTS_VERSION_HEX.
 * @since 1.0
 */
MTASTS_EXPORT unsigned int mtasts_version(void);

/**
 * @brief The run-time library version as a string, e.g. "1.0.0".
 * @return A static string; never NULL.
 * @since 1.0
 */
MTASTS_EXPORT const char *mtasts_version_string(void);

/** @} */

/* ======================================================================= */
/**
 * @defgroup errors Status codes
 * @brief What every fallible call returns.
 * @{
 */

/**
 * @brief Status codes. 0 is success; failures are negative.
 *
 * Values are fixed forever; new codes are only appended (with the next
 * lower number). A parse that finds several problems returns the status of
 * the first error; the full list is in the ::mtasts_diag it was given.
 * @since 1.0
 */
enum mtasts_status {
	/** Success. */
	MTASTS_OK = 0,
	/** Memory allocation failed. Nothing was leaked or half-built. */
	MTASTS_ENOMEM = -1,
	/** Invalid argument: a required pointer was NULL, an enum value or an
	 *  index was out of range, a flag bit is unknown, or a builder value
	 *  is not allowed (a registered name used as an extension, a duplicate
	 *  extension). */
	MTASTS_EINVAL = -2,
	/** The input does not follow the grammar (RFC 8461 §3.1, §3.2): a
	 *  malformed line or field, a forbidden byte, an empty input. */
	MTASTS_ESYNTAX = -3,
	/** The input exceeds one of the size caps (#MTASTS_POLICY_MAX_SIZE,
	 *  #MTASTS_POLICY_MAX_LINE, #MTASTS_POLICY_MAX_MX,
	 *  #MTASTS_MAX_EXTENSIONS, #MTASTS_RECORD_MAX_SIZE,
	 *  #MTASTS_RRSET_MAX). */
	MTASTS_ETOOLARGE = -4,
	/** The version is missing or wrong: the record does not start with
	 *  `v=STSv1` (R-02), or the policy has no valid `version: STSv1`
	 *  (R-14). */
	MTASTS_EVERSION = -5,
	/** The record has no valid `id` (1–32 letters or digits, R-03, A-12),
	 *  or a caller's id is invalid. */
	MTASTS_EID = -6,
	/** The policy has no valid `mode` (R-15, A-06, A-13). */
	MTASTS_EMODE = -7,
	/** The policy has no valid `max_age`: missing, not 1–10 digits, or
	 *  above 31557600 (R-16, A-07). */
	MTASTS_EMAXAGE = -8,
	/** An `mx` pattern is invalid (R-18…R-20), or a `testing`/`enforce`
	 *  policy has none (R-17, A-28). */
	MTASTS_EMX = -9,
	/** RRset selection: no TXT RR begins with the version tag + `;`
	 *  (`v=STSv1;`: R-05, A-01; `v=TLSRPTv1;`: T-06, TA-02); the domain
	 *  has no available policy (R-06) or does not implement TLSRPT (T-07). */
	MTASTS_ENORECORD = -10,
	/** RRset selection: more than one TXT RR carries the version tag; the
	 *  domain has no available policy (R-06) or no TLSRPT (T-07). */
	MTASTS_EMULTIPLE = -11,
	/** A TLSRPTv1 record has no `rua`, or a `rua` URI is invalid
	 *  (RFC 8460 §3, T-03, T-05). @since 1.0 */
	MTASTS_ERUA = -12,
	/** Linting found at least one error-severity problem (mail would be
	 *  refused, or the policy is invisible or stale). @since 1.0 */
	MTASTS_ELINT = -13,
	/** This build of the library has no network layer (see
	 *  mtasts_net_available()). @since 1.0 */
	MTASTS_ENOTSUP = -14,
	/** A DNS lookup failed temporarily (SERVFAIL, timeout, no server, a
	 *  malformed answer, a CNAME loop): try again later; a cached policy
	 *  still applies (A-22). @since 1.0 */
	MTASTS_EDNS = -15,
	/** A policy fetch or an SMTP connection failed: no connection, a
	 *  timeout, an HTTP status other than 200, a redirect, another media
	 *  type, a body over the cap (RFC 8461 §3.3). @since 1.0 */
	MTASTS_EFETCH = -16,
	/** A certificate or TLS failure: the policy host's certificate is not
	 *  valid for `mta-sts.<domain>` (R-24), or an MX offers no STARTTLS or
	 *  a bad certificate (R-40). @since 1.0 */
	MTASTS_ETLS = -17
};

/**
 * @brief A short static description of a status code.
 * @param[in] status A value returned by any libmtasts function.
 * @return Static English text, never NULL. Unknown values (including
 *         positive ones) give "unknown status".
 * @since 1.0
 */
MTASTS_EXPORT const char *mtasts_strerror(int status);

/**
 * @brief The symbolic name of a status code.
 * @param[in] status A status code.
 * @return The enumerator name as a static string (e.g. "MTASTS_EMAXAGE"),
 *         or NULL if @p status is not a known code.
 * @since 1.0
 */
MTASTS_EXPORT const char *mtasts_status_name(int status);

/** @} */

/* ======================================================================= */
/**
 * @defgroup diag Diagnostics
 * @brief Every problem a parse or validation found, with its position.
 *
 * A ::mtasts_diag is a list the caller creates once and hands to any number
 * of calls; each call appends what it finds (it never clears the list).
 * Every entry has a stable code (::mtasts_diag_code, documented in
 * docs/diagnostics.md), a severity, a 1-based line and byte column, the
 * byte offset into the input, and a human message in plain ASCII (bytes
 * of the input that are not printable ASCII are shown as `\xNN`).
 *
 * - For a policy file, the line counts LF terminators; the column is the
 *   byte column inside that line (a UTF-8 BOM counts as three bytes).
 * - For a TXT record, the line is the 1-based index of the record within
 *   the RRset (1 when a single record is parsed) and the column is the byte
 *   column in the record text (the concatenation of its character-strings).
 * - A problem of a whole input (a missing field) has column 0, and line 0
 *   for a policy file, or the record's index for a TXT record (so
 *   `v=STSv1; foo=bar` alone gives `record-id-missing` at line 1,
 *   column 0). Network, lint and cache diagnostics use line 0, column 0
 *   unless their code's documentation says otherwise.
 *
 * At most #MTASTS_DIAG_MAX entries are kept; once the list is full, one
 * #MTASTS_D_TOO_MANY_DIAGNOSTICS warning is added and later entries are
 * counted but dropped. Return statuses are not affected by that cap.
 * @{
 */

/** Opaque list of diagnostics. @since 1.0 */
typedef struct mtasts_diag mtasts_diag;

/** The most entries one ::mtasts_diag keeps. @since 1.0 */
#define MTASTS_DIAG_MAX 1000

/** @brief Severity of a diagnostic. Values are fixed. @since 1.0 */
enum mtasts_severity {
	/** The input is invalid; the call failed. */
	MTASTS_SEVERITY_ERROR = 1,
	/** The input was accepted, but something is wrong or was accepted only
	 *  because of #MTASTS_PARSE_LENIENT, or was ignored as the RFC says. */
	MTASTS_SEVERITY_WARNING = 2,
	/** Information only (used by checks that advise, never by parsers). */
	MTASTS_SEVERITY_NOTE = 3
};

/**
 * @brief Stable diagnostic codes (the registry in docs/diagnostics.md).
 *
 * Codes are grouped by hundreds: 1xx input, 2xx TXT records and RRsets,
 * 3xx policy files, 4xx mx patterns, 5xx TLSRPT records, 6xx lint
 * findings, 7xx network (DNS, fetch, MX probe). A code is never renumbered or reused;
 * new codes are appended. mtasts_diag_code_name() gives each one a stable
 * kebab-case name, used in the CLI's output.
 * @since 1.0
 */
enum mtasts_diag_code {
	/** Input (or its canonical form) longer than its cap. */
	MTASTS_D_TOO_LARGE = 101,
	/** Policy line longer than #MTASTS_POLICY_MAX_LINE bytes. */
	MTASTS_D_LINE_TOO_LONG = 102,
	/** More than #MTASTS_POLICY_MAX_MX `mx` lines. */
	MTASTS_D_TOO_MANY_MX = 103,
	/** More than #MTASTS_MAX_EXTENSIONS extension fields. */
	MTASTS_D_TOO_MANY_EXTENSIONS = 104,
	/** Empty input. */
	MTASTS_D_EMPTY = 105,
	/** A NUL byte. */
	MTASTS_D_NUL_BYTE = 106,
	/** A control character (other than the allowed HTAB, CR LF). */
	MTASTS_D_CONTROL_CHAR = 107,
	/** A byte above 0x7E where only ASCII is allowed (R-01). */
	MTASTS_D_NON_ASCII = 108,
	/** Bytes that are not well-formed UTF-8 (RFC 3629) in a policy
	 *  extension value. */
	MTASTS_D_INVALID_UTF8 = 109,
	/** A UTF-8 byte-order mark before the policy (A-10). */
	MTASTS_D_BOM = 110,
	/** A CR not followed by LF: not a line terminator (A-04). */
	MTASTS_D_BARE_CR = 111,
	/** TXT record text wrapped in double quotes (zone-file presentation
	 *  form pasted as the record). */
	MTASTS_D_QUOTED = 112,
	/** Whitespace before or after the TXT record text (A-02). */
	MTASTS_D_OUTER_WHITESPACE = 113,
	/** The diagnostics list is full; later entries were dropped. */
	MTASTS_D_TOO_MANY_DIAGNOSTICS = 114,
	/** More than #MTASTS_RRSET_MAX TXT RRs given for selection. */
	MTASTS_D_TOO_MANY_RECORDS = 115,
	/** TXT RDATA whose character-string lengths overrun the RDATA. */
	MTASTS_D_BAD_RDATA = 116,

	/** The record does not start with the exact version tag (R-02). */
	MTASTS_D_TXT_VERSION = 201,
	/** No field after the version tag (R-03). */
	MTASTS_D_TXT_NO_FIELDS = 202,
	/** Two `;` with nothing between them. */
	MTASTS_D_TXT_EMPTY_FIELD = 203,
	/** Something other than `;` where a field ends (missing `;`,
	 *  whitespace around `=`, trailing whitespace without `;`). */
	MTASTS_D_TXT_SYNTAX = 204,
	/** A field name that is not 1 letter/digit + up to 31 of
	 *  letter/digit/`_`/`-`/`.`, or a field without `=`. */
	MTASTS_D_TXT_FIELD_NAME = 205,
	/** A field value that is empty or holds a byte outside
	 *  %x21-3A / %x3C / %x3E-7E (R-10). */
	MTASTS_D_TXT_FIELD_VALUE = 206,
	/** A later copy of a field: ignored, the first wins (R-11, A-03). */
	MTASTS_D_TXT_DUPLICATE = 207,
	/** A field name that matches a registered one only when case is
	 *  ignored (`ID=`, `V=`) (A-06). */
	MTASTS_D_TXT_NAME_CASE = 208,
	/** Whitespace between `v=STSv1` and `;`: valid by the ABNF but
	 *  discarded by senders that apply the literal `v=STSv1;` filter
	 *  (A-01, E-6285). */
	MTASTS_D_TXT_SPACE_BEFORE_SEMICOLON = 209,
	/** No RR of the RRset is an STSv1 record (R-05, R-06). */
	MTASTS_D_RRSET_NONE = 210,
	/** More than one RR of the RRset is an STSv1 record (R-06). */
	MTASTS_D_RRSET_MULTIPLE = 211,
	/** An RR was discarded although it looks like a mistyped STSv1 record
	 *  (wrong case, leading whitespace, quotes, missing `;`). */
	MTASTS_D_RRSET_DISCARDED = 212,
	/** The record has no `id` field (R-03). */
	MTASTS_D_RECORD_ID_MISSING = 220,
	/** The first `id` is not 1–32 letters or digits (R-03, A-12). */
	MTASTS_D_RECORD_ID_INVALID = 221,

	/** An empty or whitespace-only line (A-05). */
	MTASTS_D_POLICY_EMPTY_LINE = 301,
	/** Whitespace before the field name (A-05). */
	MTASTS_D_POLICY_LEADING_WHITESPACE = 302,
	/** A line that is not `name: value` (no colon). */
	MTASTS_D_POLICY_NO_COLON = 303,
	/** Whitespace between the field name and `:` (A-05). */
	MTASTS_D_POLICY_SPACE_BEFORE_COLON = 304,
	/** A field name that is not 1 letter/digit + up to 31 of
	 *  letter/digit/`_`/`-`/`.` (R-22, A-27). */
	MTASTS_D_POLICY_FIELD_NAME = 305,
	/** A field name that matches a registered one only when case is
	 *  ignored (`Mode:`) (A-06). */
	MTASTS_D_POLICY_NAME_CASE = 306,
	/** An extension value that is empty or holds a control character or
	 *  an inner HTAB (R-22). */
	MTASTS_D_POLICY_EXTENSION_VALUE = 307,
	/** A later copy of a non-`mx` field: ignored, the first wins (R-11,
	 *  A-11, A-13). */
	MTASTS_D_POLICY_DUPLICATE = 308,
	/** No `version` field (R-14). */
	MTASTS_D_POLICY_VERSION_MISSING = 309,
	/** The first `version` is not exactly `STSv1` (R-14, A-13). */
	MTASTS_D_POLICY_VERSION_INVALID = 310,
	/** No `mode` field (R-15). */
	MTASTS_D_POLICY_MODE_MISSING = 311,
	/** The first `mode` is not exactly `enforce`, `testing` or `none`
	 *  (R-15, A-06, A-13). */
	MTASTS_D_POLICY_MODE_INVALID = 312,
	/** No `max_age` field (R-16). */
	MTASTS_D_POLICY_MAX_AGE_MISSING = 313,
	/** The first `max_age` is not 1–10 digits (R-16). */
	MTASTS_D_POLICY_MAX_AGE_INVALID = 314,
	/** `max_age` above 31557600 (R-16, A-07, E-7282). */
	MTASTS_D_POLICY_MAX_AGE_RANGE = 315,
	/** No `mx` line in a `testing` or `enforce` policy (R-17, A-28). */
	MTASTS_D_POLICY_MX_MISSING = 316,

	/** Empty mx pattern. */
	MTASTS_D_MX_EMPTY = 401,
	/** An empty label (`..`, leading `.`). */
	MTASTS_D_MX_EMPTY_LABEL = 402,
	/** A label longer than 63 bytes (RFC 1035). */
	MTASTS_D_MX_LABEL_TOO_LONG = 403,
	/** A name longer than 253 bytes (RFC 1035). */
	MTASTS_D_MX_NAME_TOO_LONG = 404,
	/** A label that starts or ends with `-` (RFC 5321 `Ldh-str`). */
	MTASTS_D_MX_HYPHEN = 405,
	/** A byte other than letter, digit, `-`, `.` (R-20). */
	MTASTS_D_MX_INVALID_CHAR = 406,
	/** A trailing dot (A-16). */
	MTASTS_D_MX_TRAILING_DOT = 407,
	/** `*` other than as a whole first label followed by `.` (R-20). */
	MTASTS_D_MX_WILDCARD = 408,
	/** A non-ASCII byte: IDNs must be written as A-labels (R-19). */
	MTASTS_D_MX_U_LABEL = 409,
	/** Several names in one value (space or comma): one `mx:` line per
	 *  pattern (R-18). */
	MTASTS_D_MX_LIST = 410,
	/** A port or address-literal syntax (`:`, `[`, `]`) (R-20). */
	MTASTS_D_MX_PORT = 411,

	/** A TLSRPTv1 record without a `rua` field (T-03). */
	MTASTS_D_TLSRPT_RUA_MISSING = 501,
	/** An empty element in a `rua` list (`rua=,x`, `rua=x,`). */
	MTASTS_D_TLSRPT_RUA_EMPTY = 502,
	/** A `rua` element that is not an RFC 3986 URI (no scheme, a byte not
	 *  allowed in URIs, a malformed percent-encoding). */
	MTASTS_D_TLSRPT_URI_SYNTAX = 503,
	/** A raw `!` in a `rua` URI: it must be percent-encoded as `%21`
	 *  (T-05, TA-03). */
	MTASTS_D_TLSRPT_URI_RESERVED = 504,
	/** A `rua` URI whose scheme is neither `mailto` nor `https`: kept, but
	 *  no report can be sent there (T-04, TA-06). Warning. */
	MTASTS_D_TLSRPT_URI_SCHEME = 505,
	/** A `mailto:` URI without a `local@domain` address (T-04). */
	MTASTS_D_TLSRPT_MAILTO = 506,
	/** An `https:` URI without `//` and a host (T-04). */
	MTASTS_D_TLSRPT_HTTPS = 507,
	/** A `mailto:` URI with `?` header fields: kept, but reporters ignore
	 *  them (TA-06). Warning. */
	MTASTS_D_TLSRPT_MAILTO_HEADERS = 508,

	/** Lint: an MX host that no `mx` pattern covers. */
	MTASTS_D_LINT_MX_UNCOVERED = 601,
	/** Lint: a pattern that covers none of the domain's MX hosts. */
	MTASTS_D_LINT_PATTERN_UNUSED = 602,
	/** Lint: a wildcard on a public-suffix-like name (S-08). */
	MTASTS_D_LINT_WILDCARD_SUFFIX = 603,
	/** Lint: a single-label pattern (A-29). */
	MTASTS_D_LINT_SINGLE_LABEL = 604,
	/** Lint: an IPv4 address used as a pattern. */
	MTASTS_D_LINT_IP_ADDRESS = 605,
	/** Lint: max_age below one day. */
	MTASTS_D_LINT_MAX_AGE_SHORT = 606,
	/** Lint: mode enforce with max_age below one week (S-05, R-58). */
	MTASTS_D_LINT_ENFORCE_MAX_AGE = 607,
	/** Lint: mode testing with max_age above one week (rollout advice). */
	MTASTS_D_LINT_TESTING_MAX_AGE = 608,
	/** Lint: mode none with max_age above one day (R-63). */
	MTASTS_D_LINT_NONE_MAX_AGE = 609,
	/** Lint: mode testing (information). */
	MTASTS_D_LINT_MODE_TESTING = 610,
	/** Lint: mode none (information). */
	MTASTS_D_LINT_MODE_NONE = 611,
	/** Lint: no TLSRPTv1 record: no failure reports. */
	MTASTS_D_LINT_NO_TLSRPT = 612,
	/** Lint: no STSv1 record: senders never see the policy. */
	MTASTS_D_LINT_NO_RECORD = 613,
	/** Lint: the policy changed but the record's id did not (R-04). */
	MTASTS_D_LINT_ID_UNCHANGED = 614,
	/** Lint: `*.<domain>` accepts every host of the domain (S-08). */
	MTASTS_D_LINT_WILDCARD_DOMAIN = 615,
	/** Lint: the same pattern twice. */
	MTASTS_D_LINT_MX_DUPLICATE = 616,
	/** Lint: an exact pattern that a wildcard pattern also covers. */
	MTASTS_D_LINT_MX_REDUNDANT = 617,

	/** DNS: the lookup failed temporarily (SERVFAIL, REFUSED, timeout, no
	 *  server, a malformed answer) (A-22). */
	MTASTS_D_DNS_TEMPORARY = 701,
	/** DNS: the name does not exist (NXDOMAIN). */
	MTASTS_D_DNS_NXDOMAIN = 702,
	/** DNS: the name has no record of the type asked for (NODATA). */
	MTASTS_D_DNS_NODATA = 703,
	/** DNS: a CNAME loop, or a chain longer than 8 (R-08). */
	MTASTS_D_DNS_CNAME = 704,
	/** Fetch: no connection to the policy host (refused, unreachable, its
	 *  name does not resolve). */
	MTASTS_D_FETCH_CONNECT = 710,
	/** Fetch: the policy host's certificate or TLS failed (R-24, R-25,
	 *  R-53). */
	MTASTS_D_FETCH_TLS = 711,
	/** Fetch: an HTTP status other than 200 (R-27). */
	MTASTS_D_FETCH_STATUS = 712,
	/** Fetch: a redirect, which is never followed (R-28). */
	MTASTS_D_FETCH_REDIRECT = 713,
	/** Fetch: a media type other than `text/plain` (R-13, A-09); a warning
	 *  with #MTASTS_NET_LAX_CONTENT_TYPE. */
	MTASTS_D_FETCH_CONTENT_TYPE = 714,
	/** Fetch: the body passed the cap (R-31). */
	MTASTS_D_FETCH_TOO_LARGE = 715,
	/** Fetch: the deadline passed (R-31). */
	MTASTS_D_FETCH_TIMEOUT = 716,
	/** Fetch: the body came with a Content-Encoding (gzip, ...) that was
	 *  never asked for; it is not decoded. */
	MTASTS_D_FETCH_ENCODING = 717,
	/** Probe: no SMTP session with the MX (refused, timeout, no
	 *  greeting). */
	MTASTS_D_PROBE_CONNECT = 720,
	/** Probe: the MX does not offer STARTTLS (R-42). */
	MTASTS_D_PROBE_NO_STARTTLS = 721,
	/** Probe: the MX certificate has expired (R-40). */
	MTASTS_D_PROBE_EXPIRED = 722,
	/** Probe: the MX certificate does not chain to a trusted root (R-40). */
	MTASTS_D_PROBE_UNTRUSTED = 723,
	/** Probe: the MX certificate does not name the MX host (R-40, A-17). */
	MTASTS_D_PROBE_MISMATCH = 724,
	/** Probe: the TLS session failed for another reason. */
	MTASTS_D_PROBE_TLS = 725,

	/** Cache: a serialised cache entry is malformed (the embedded policy
	 *  reports with the policy codes). */
	MTASTS_D_CACHE_SYNTAX = 801
};

/**
 * @brief Create an empty diagnostics list.
 * @param[out] out Receives the new list; NULL on failure.
 * @retval MTASTS_OK     Success; free the list with mtasts_diag_free().
 * @retval MTASTS_EINVAL @p out is NULL.
 * @retval MTASTS_ENOMEM Out of memory.
 * @since 1.0
 */
MTASTS_EXPORT MTASTS_NODISCARD int mtasts_diag_new(mtasts_diag **out);

/**
 * @brief Free a diagnostics list and every message in it.
 * @param[in] diag The list, or NULL (nothing happens).
 * @since 1.0
 */
MTASTS_EXPORT void mtasts_diag_free(mtasts_diag *diag);

/**
 * @brief Remove every entry; the list keeps its memory for reuse.
 * @param[in,out] diag The list, or NULL (nothing happens).
 * @since 1.0
 */
MTASTS_EXPORT void mtasts_diag_clear(mtasts_diag *diag);

/**
 * @brief Number of entries in the list.
 * @param[in] diag The list; NULL counts as empty.
 * @return The number of entries kept (at most #MTASTS_DIAG_MAX + 1).
 * @since 1.0
 */
MTASTS_EXPORT size_t mtasts_diag_count(const mtasts_diag *diag);

/**
 * @brief Number of entries of severity #MTASTS_SEVERITY_ERROR.
 * @param[in] diag The list; NULL counts as empty.
 * @return The number of error entries kept.
 * @since 1.0
 */
MTASTS_EXPORT size_t mtasts_diag_error_count(const mtasts_diag *diag);

/**
 * @brief The code of entry @p index.
 * @param[in] diag  The list.
 * @param[in] index 0-based index, below mtasts_diag_count().
 * @return A ::mtasts_diag_code value, or 0 if @p diag is NULL or @p index is
 *         out of range.
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_diag_code(const mtasts_diag *diag, size_t index);

/**
 * @brief The severity of entry @p index.
 * @param[in] diag  The list.
 * @param[in] index 0-based index.
 * @return A ::mtasts_severity value, or 0 if @p diag is NULL or @p index is
 *         out of range.
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_diag_severity(const mtasts_diag *diag, size_t index);

/**
 * @brief The 1-based line of entry @p index (see the group description).
 * @param[in] diag  The list.
 * @param[in] index 0-based index.
 * @return The line; 0 for a problem of the whole input, or when @p diag is
 *         NULL or @p index is out of range.
 * @since 1.0
 */
MTASTS_EXPORT unsigned int mtasts_diag_line(const mtasts_diag *diag,
                                            size_t index);

/**
 * @brief The 1-based byte column of entry @p index.
 * @param[in] diag  The list.
 * @param[in] index 0-based index.
 * @return The column; 0 for a problem of the whole input, or when @p diag is
 *         NULL or @p index is out of range.
 * @since 1.0
 */
MTASTS_EXPORT unsigned int mtasts_diag_column(const mtasts_diag *diag,
                                              size_t index);

/**
 * @brief The 0-based byte offset of entry @p index in the input text.
 *
 * For a policy, the offset into the buffer given to mtasts_policy_parse();
 * for a TXT record, the offset into that record's text.
 * @param[in] diag  The list.
 * @param[in] index 0-based index.
 * @return The offset; 0 when the position does not apply, when @p diag is
 *         NULL or @p index is out of range.
 * @since 1.0
 */
MTASTS_EXPORT size_t mtasts_diag_offset(const mtasts_diag *diag, size_t index);

/**
 * @brief The human-readable message of entry @p index.
 * @param[in] diag  The list.
 * @param[in] index 0-based index.
 * @return Printable ASCII text owned by @p diag, valid until the list is
 *         cleared or freed; NULL if @p diag is NULL or @p index is out of
 *         range.
 * @since 1.0
 */
MTASTS_EXPORT const char *mtasts_diag_message(const mtasts_diag *diag,
                                              size_t index);

/**
 * @brief The stable kebab-case name of a diagnostic code.
 * @param[in] code A ::mtasts_diag_code value.
 * @return A static string such as "policy-max-age-range", or NULL if @p code
 *         is not a known code.
 * @since 1.0
 */
MTASTS_EXPORT const char *mtasts_diag_code_name(int code);

/**
 * @brief The name of a severity: "error", "warning" or "note".
 * @param[in] severity A ::mtasts_severity value.
 * @return A static string, or NULL for an unknown value.
 * @since 1.0
 */
MTASTS_EXPORT const char *mtasts_severity_name(int severity);

/** @} */

/* ======================================================================= */
/**
 * @defgroup flags Parse and format flags
 * @brief Bits for the `flags` argument of parse and format functions.
 * @{
 */

/** RFC grammar exactly (the default). @since 1.0 */
#define MTASTS_PARSE_DEFAULT 0u

/**
 * @brief Accept what real publishers get wrong, with a warning for each.
 *
 * Every leniency below is reported as a #MTASTS_SEVERITY_WARNING diagnostic
 * (never silently), and the parsed object is the same as if the input had
 * been written correctly. Without this flag each is an error, except the
 * case of registered field names: by the grammar a name such as `Mode` or
 * `ID` is another, unknown field (A-06), so the strict parse keeps it as an
 * extension with a warning, and the registered field it stood for is then
 * missing (an error).
 *
 * Policy files (mtasts_policy_parse()):
 * - a UTF-8 byte-order mark at the start (#MTASTS_D_BOM, A-10);
 * - empty or whitespace-only lines, including trailing ones
 *   (#MTASTS_D_POLICY_EMPTY_LINE, A-05);
 * - whitespace before a field name (#MTASTS_D_POLICY_LEADING_WHITESPACE);
 * - whitespace between a field name and `:`
 *   (#MTASTS_D_POLICY_SPACE_BEFORE_COLON);
 * - registered field names in another case, `Mode:` read as `mode:`
 *   (#MTASTS_D_POLICY_NAME_CASE, A-06). Values stay case-sensitive:
 *   `mode: Enforce` is an error in both modes.
 *
 * TXT records (mtasts_record_parse() and RRset selection):
 * - whitespace before or after the record text (#MTASTS_D_OUTER_WHITESPACE,
 *   A-02);
 * - one pair of double quotes around the record text (#MTASTS_D_QUOTED);
 * - registered field names in another case, `V=`, `ID=`, `RUA=`
 *   (#MTASTS_D_TXT_NAME_CASE). The version value stays case-sensitive.
 *
 * Nothing else is relaxed: bare CR line ends, CTLs, NUL bytes, invalid
 * values and size caps are errors in both modes.
 * @since 1.0
 */
#define MTASTS_PARSE_LENIENT (1u << 0)

/** Format with the defaults (policy lines end with CRLF). @since 1.0 */
#define MTASTS_FORMAT_DEFAULT 0u

/** Format policy lines with LF instead of CRLF (A-04). @since 1.0 */
#define MTASTS_FORMAT_LF (1u << 0)

/** @} */

/* ======================================================================= */
/**
 * @defgroup limits Size caps
 * @brief Bounds enforced on untrusted input (S-09). Exceeding one is an
 *        error (#MTASTS_ETOOLARGE), never a crash or a silent truncation.
 * @{
 */

/** Largest policy file accepted, in bytes, and largest canonical form of a
 *  policy (RFC 8461 §3.3 suggests 64 KB). @since 1.0 */
#define MTASTS_POLICY_MAX_SIZE 65536
/** Longest policy line, in bytes, terminator excluded; also the longest
 *  line of the canonical form (`name: value`). @since 1.0 */
#define MTASTS_POLICY_MAX_LINE 1024
/** Most `mx` lines in one policy. @since 1.0 */
#define MTASTS_POLICY_MAX_MX 256
/** Most extension fields in one policy or TXT record. @since 1.0 */
#define MTASTS_MAX_EXTENSIONS 64
/** Longest TXT record text (after joining its character-strings), and
 *  longest canonical form of a record, in bytes. @since 1.0 */
#define MTASTS_RECORD_MAX_SIZE 4096
/** Most TXT RRs accepted by one RRset selection. @since 1.0 */
#define MTASTS_RRSET_MAX 256
/** Longest host name or mx pattern, in bytes, after removing one
 *  trailing dot (RFC 1035). @since 1.0 */
#define MTASTS_HOST_MAX 253

/** @} */

/* ======================================================================= */
/**
 * @defgroup record STSv1 TXT record
 * @brief The `_mta-sts.<domain>` TXT record (RFC 8461 §3.1).
 *
 * A parsed record holds the policy `id` (compare ids for equality only:
 * R-04, A-25) and the extension fields in the order they appeared.
 * @{
 */

/** Opaque, immutable parsed STSv1 record. @since 1.0 */
typedef struct mtasts_record mtasts_record;

/** Opaque, immutable parsed policy (see @ref policy). @since 1.0 */
typedef struct mtasts_policy mtasts_policy;

/** Index value meaning "no RR was selected". @since 1.0 */
#define MTASTS_NO_INDEX ((size_t)-1)

/**
 * @brief Parse the text of one STSv1 TXT record.
 *
 * Implements the ABNF of RFC 8461 §3.1 exactly (R-01…R-03, R-10, R-11): the
 * text must start with the case-sensitive `v=STSv1` (R-02), fields are
 * separated by `*WSP ";" *WSP` (a final `;` is allowed), `id=` carries 1–32
 * letters or digits (R-03), other `name=value` fields are kept as extensions
 * in order (R-10). The first occurrence of every field wins; later copies,
 * including a second `v=` or `id=`, are ignored with a warning (R-11, A-03).
 * A malformed first `id` makes the record invalid (A-12). Only printable
 * US-ASCII, SP and HTAB are allowed (R-01). Whitespace between `v=STSv1`
 * and `;` is accepted as the ABNF allows, with a warning (A-01, E-6285).
 *
 * @param[out] out   Receives the record; NULL on failure.
 * @param[in]  text  The record text: the character-strings of one TXT RR
 *                   joined with nothing in between (R-07). Any bytes.
 * @param[in]  len   Length of @p text in bytes (at most
 *                   #MTASTS_RECORD_MAX_SIZE).
 * @param[in]  flags #MTASTS_PARSE_DEFAULT or #MTASTS_PARSE_LENIENT.
 * @param[in,out] diag Optional list that receives every problem found.
 * @retval MTASTS_OK        Valid record (warnings may have been added).
 * @retval MTASTS_EINVAL    @p out is NULL, @p text is NULL with @p len > 0,
 *                          or @p flags has unknown bits.
 * @retval MTASTS_ENOMEM    Out of memory.
 * @retval MTASTS_ETOOLARGE Longer than #MTASTS_RECORD_MAX_SIZE, or more than
 *                          #MTASTS_MAX_EXTENSIONS extensions.
 * @retval MTASTS_EVERSION  Does not start with `v=STSv1`.
 * @retval MTASTS_EID       No valid `id`.
 * @retval MTASTS_ESYNTAX   Any other grammar violation.
 * @since 1.0
 */
MTASTS_EXPORT MTASTS_NODISCARD int
mtasts_record_parse(mtasts_record **out, const char *text, size_t len,
                    unsigned int flags, mtasts_diag *diag);

/**
 * @brief Choose and parse the STSv1 record of a TXT RRset (RFC 8461 §3.1).
 *
 * Each element of @p rrs is the text of one TXT RR, its character-strings
 * already joined with nothing inserted (R-07). RRs that do not begin with
 * `v=STSv1` followed by optional whitespace and `;` are discarded (R-05,
 * A-01); exactly one must remain, and it must parse, or the domain has no
 * available policy (R-06). Discarded RRs that look like a mistyped STSv1
 * record get a #MTASTS_D_RRSET_DISCARDED warning. Diagnostics give the RR
 * as their line (1-based). An RR longer than #MTASTS_RECORD_MAX_SIZE is
 * judged by its first #MTASTS_RECORD_MAX_SIZE bytes, without the lenient
 * trimming (which needs its end); if it is the one record, it is then too
 * large.
 *
 * @param[out] out      Receives the parsed record; NULL on failure.
 * @param[out] selected Optional; receives the 0-based index of the only
 *                      STSv1 RR whenever there is exactly one (even if it
 *                      then fails to parse), else #MTASTS_NO_INDEX.
 * @param[in]  rrs      Array of @p count pointers to RR texts (any bytes).
 * @param[in]  lens     Array of @p count lengths.
 * @param[in]  count    Number of RRs (0 is allowed: no record).
 * @param[in]  flags    #MTASTS_PARSE_DEFAULT or #MTASTS_PARSE_LENIENT.
 * @param[in,out] diag  Optional list that receives every problem found.
 * @retval MTASTS_OK         One valid record was selected.
 * @retval MTASTS_ENORECORD  No RR is an STSv1 record.
 * @retval MTASTS_EMULTIPLE  More than one RR is an STSv1 record.
 * @retval MTASTS_ETOOLARGE  More than #MTASTS_RRSET_MAX RRs, or the selected
 *                           record exceeds a cap.
 * @retval MTASTS_EINVAL     @p out is NULL, @p rrs or @p lens is NULL with
 *                           @p count > 0, an element of @p rrs is NULL with
 *                           a non-zero length, or unknown @p flags bits.
 * @retval MTASTS_ENOMEM     Out of memory.
 * @return Otherwise the status of mtasts_record_parse() on the selected RR.
 * @since 1.0
 */
MTASTS_EXPORT MTASTS_NODISCARD int
mtasts_record_select(mtasts_record **out, size_t *selected,
                     const char *const *rrs, const size_t *lens, size_t count,
                     unsigned int flags, mtasts_diag *diag);

/**
 * @brief Like mtasts_record_select(), from raw TXT RDATA.
 *
 * Each element of @p rdata is the RDATA of one TXT RR in DNS wire format
 * (RFC 1035 §3.3.14): one or more character-strings, each a length octet
 * followed by that many bytes, as returned by res_query() or a DNS library's
 * raw answer. The library joins the strings of each RR (R-07). An RR whose
 * lengths overrun its RDATA is discarded with #MTASTS_D_BAD_RDATA.
 *
 * @param[out] out      Receives the parsed record; NULL on failure.
 * @param[out] selected Optional; as for mtasts_record_select().
 * @param[in]  rdata    Array of @p count pointers to RDATA.
 * @param[in]  lens     Array of @p count RDATA lengths.
 * @param[in]  count    Number of RRs.
 * @param[in]  flags    #MTASTS_PARSE_DEFAULT or #MTASTS_PARSE_LENIENT.
 * @param[in,out] diag  Optional list that receives every problem found.
 * @return As mtasts_record_select().
 * @since 1.0
 */
MTASTS_EXPORT MTASTS_NODISCARD int
mtasts_record_select_rdata(mtasts_record **out, size_t *selected,
                           const unsigned char *const *rdata,
                           const size_t *lens, size_t count, unsigned int flags,
                           mtasts_diag *diag);

/**
 * @brief Free a record.
 * @param[in] record The record, or NULL (nothing happens).
 * @since 1.0
 */
MTASTS_EXPORT void mtasts_record_free(mtasts_record *record);

/**
 * @brief The policy id of a record (R-03, R-04).
 * @param[in] record A record.
 * @return The id (1–32 letters or digits), owned by @p record; NULL if
 *         @p record is NULL.
 * @since 1.0
 */
MTASTS_EXPORT const char *mtasts_record_id(const mtasts_record *record);

/**
 * @brief Number of extension fields kept, in order of appearance (R-10).
 * @param[in] record A record; NULL counts as none.
 * @return The count (duplicates dropped, see mtasts_record_parse()).
 * @since 1.0
 */
MTASTS_EXPORT size_t mtasts_record_extension_count(const mtasts_record *record);

/**
 * @brief Name of extension field @p index.
 * @param[in] record A record.
 * @param[in] index  0-based index below mtasts_record_extension_count().
 * @return The name, owned by @p record; NULL if out of range or NULL record.
 * @since 1.0
 */
MTASTS_EXPORT const char *
mtasts_record_extension_name(const mtasts_record *record, size_t index);

/**
 * @brief Value of extension field @p index.
 * @param[in] record A record.
 * @param[in] index  0-based index below mtasts_record_extension_count().
 * @return The value, owned by @p record; NULL if out of range or NULL record.
 * @since 1.0
 */
MTASTS_EXPORT const char *
mtasts_record_extension_value(const mtasts_record *record, size_t index);

/**
 * @brief Whether two records are equal: same id, same extensions (names and
 *        values, byte for byte) in the same order.
 * @param[in] a A record.
 * @param[in] b A record.
 * @return 1 if equal, 0 if not or if either is NULL.
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_record_equal(const mtasts_record *a,
                                      const mtasts_record *b);

/**
 * @brief Serialise a record canonically, snprintf-style.
 *
 * The canonical form is `v=STSv1; id=<id>;` followed by each extension as
 * ` name=value;` (RFC 8461 §3.1 example style: version first, no whitespace
 * before `;`, one space after it; digest §1.4). It always parses back to an
 * equal record. The text may exceed the 255-byte limit of one DNS
 * character-string; split it when writing a zone.
 *
 * @param[in]  record A record.
 * @param[out] buf    Buffer of @p size bytes, or NULL when @p size is 0.
 * @param[in]  size   Size of @p buf; the output is NUL-terminated and
 *                    truncated when it does not fit.
 * @param[in]  flags  #MTASTS_FORMAT_DEFAULT (no other bit applies).
 * @return The length of the full text (excluding the NUL), whether or not
 *         it fitted; #MTASTS_EINVAL if @p record is NULL, @p buf is NULL with
 *         @p size > 0, or @p flags has unknown bits.
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_record_format(const mtasts_record *record, char *buf,
                                       size_t size, unsigned int flags);

/**
 * @brief Serialise a record canonically into a new string.
 * @param[in]  record A record.
 * @param[in]  flags  #MTASTS_FORMAT_DEFAULT.
 * @param[out] out    Receives the NUL-terminated text; free it with
 *                    mtasts_free(). NULL on failure.
 * @retval MTASTS_OK     Success.
 * @retval MTASTS_EINVAL NULL argument or unknown @p flags bits.
 * @retval MTASTS_ENOMEM Out of memory.
 * @since 1.0
 */
MTASTS_EXPORT MTASTS_NODISCARD int
mtasts_record_format_alloc(const mtasts_record *record, unsigned int flags,
                           char **out);

/** @} */

/* ======================================================================= */
/**
 * @defgroup record_builder STSv1 record builder
 * @brief Build a record from an id and extensions, validating each value.
 * @{
 */

/** Opaque, mutable record builder. @since 1.0 */
typedef struct mtasts_record_builder mtasts_record_builder;

/**
 * @brief Create a record builder, empty or holding a copy of a record.
 * @param[out] out  Receives the builder; NULL on failure.
 * @param[in]  from A record to start from (copied), or NULL for an empty
 *                  builder.
 * @retval MTASTS_OK     Success; free with mtasts_record_builder_free().
 * @retval MTASTS_EINVAL @p out is NULL.
 * @retval MTASTS_ENOMEM Out of memory.
 * @since 1.0
 */
MTASTS_EXPORT MTASTS_NODISCARD int
mtasts_record_builder_new(mtasts_record_builder **out,
                          const mtasts_record *from);

/**
 * @brief Free a record builder.
 * @param[in] builder The builder, or NULL (nothing happens).
 * @since 1.0
 */
MTASTS_EXPORT void mtasts_record_builder_free(mtasts_record_builder *builder);

/**
 * @brief Set (or replace) the id.
 * @param[in,out] builder The builder.
 * @param[in]     id      1–32 ASCII letters or digits (R-03); copied.
 * @param[in,out] diag    Optional list that receives the reason of a
 *                        failure.
 * @retval MTASTS_OK     Success.
 * @retval MTASTS_EINVAL @p builder or @p id is NULL.
 * @retval MTASTS_EID    @p id is not valid; the builder is unchanged.
 * @retval MTASTS_ENOMEM Out of memory; the builder is unchanged.
 * @since 1.0
 */
MTASTS_EXPORT MTASTS_NODISCARD int
mtasts_record_builder_set_id(mtasts_record_builder *builder, const char *id,
                             mtasts_diag *diag);

/**
 * @brief Append an extension field.
 * @param[in,out] builder The builder.
 * @param[in]     name    1 letter/digit then up to 31 of letter, digit,
 *                        `_`, `-`, `.`; not `v` or `id` in any case, and not
 *                        a name already added. Copied.
 * @param[in]     value   1+ bytes of %x21-3A / %x3C / %x3E-7E. Copied.
 * @param[in,out] diag    Optional list that receives the reason of a
 *                        failure.
 * @retval MTASTS_OK        Success.
 * @retval MTASTS_EINVAL    NULL argument, a registered or duplicate name.
 * @retval MTASTS_ESYNTAX   @p name or @p value breaks the grammar.
 * @retval MTASTS_ETOOLARGE Already #MTASTS_MAX_EXTENSIONS extensions.
 * @retval MTASTS_ENOMEM    Out of memory; the builder is unchanged.
 * @since 1.0
 */
MTASTS_EXPORT MTASTS_NODISCARD int
mtasts_record_builder_add_extension(mtasts_record_builder *builder,
                                    const char *name, const char *value,
                                    mtasts_diag *diag);

/**
 * @brief Build an immutable record from the builder's current content.
 *
 * The builder is unchanged and can be modified and built again.
 * @param[in]  builder The builder.
 * @param[out] out     Receives the record; NULL on failure.
 * @param[in,out] diag Optional list that receives the reason of a failure.
 * @retval MTASTS_OK        Success.
 * @retval MTASTS_EINVAL    NULL argument.
 * @retval MTASTS_EID       No id was set.
 * @retval MTASTS_ETOOLARGE The record would exceed #MTASTS_RECORD_MAX_SIZE.
 * @retval MTASTS_ENOMEM    Out of memory.
 * @since 1.0
 */
MTASTS_EXPORT MTASTS_NODISCARD int
mtasts_record_builder_build(const mtasts_record_builder *builder,
                            mtasts_record **out, mtasts_diag *diag);

/** @} */

/* ======================================================================= */
/**
 * @defgroup tlsrpt TLSRPTv1 TXT record
 * @brief The `_smtp._tls.<domain>` TXT record of SMTP TLS Reporting
 *        (RFC 8460 §3).
 *
 * Requirement ids T-xx and TA-xx refer to the project's RFC 8460 digest.
 * A parsed record holds its `rua` URIs (where aggregate reports go) and
 * its extension fields. The grammar is the STSv1 record's shape: the same
 * delimiters, extension names and values, lenient readings and
 * diagnostics; only the version tag and the `rua` field differ.
 * @{
 */

/** Opaque, immutable parsed TLSRPTv1 record. @since 1.0 */
typedef struct mtasts_tlsrpt mtasts_tlsrpt;

/** @brief The scheme of a `rua` URI (T-04). Values are fixed. @since 1.0 */
enum mtasts_rua_scheme {
	/** `mailto:` (RFC 6068): reports are mailed to the address. */
	MTASTS_RUA_MAILTO = 1,
	/** `https:`: reports are POSTed to the URI. */
	MTASTS_RUA_HTTPS = 2,
	/** Any other scheme: valid syntax, but no report can be sent there
	 *  (TA-06). */
	MTASTS_RUA_OTHER = 3
};

/** Most `rua` URIs kept in one record. @since 1.0 */
#define MTASTS_TLSRPT_MAX_RUA 32

/**
 * @brief Parse the text of one TLSRPTv1 TXT record.
 *
 * Implements the ABNF of RFC 8460 §3 exactly (T-02, T-03, T-05, T-09): the
 * text starts with the case-sensitive `v=TLSRPTv1` (T-02); fields are
 * separated by `*WSP ";" *WSP`, a final `;` allowed; `rua=` holds one or
 * more URIs separated by `*WSP "," *WSP` (T-03). Each URI must be an RFC 3986
 * URI in which `,`, `!` and `;` are percent-encoded (T-05): a raw `!` is an
 * error (TA-03). A `mailto:` URI must hold an address and an `https:` URI a
 * host, or the record is invalid; a URI with another scheme is kept with a
 * #MTASTS_D_TLSRPT_URI_SCHEME warning, as is a `mailto:` URI with header
 * fields (TA-06). Several `rua` fields are all kept, in order (TA-01).
 * Other `name=value` fields are kept as extensions, the first of each name
 * winning (T-09, TA-05); a second `v=` is ignored with a warning. Scheme
 * names compare case-insensitively (RFC 3986 §3.1); everything else is
 * case-sensitive (TA-16). #MTASTS_PARSE_LENIENT relaxes what it relaxes for
 * STSv1 records (outer whitespace, quotes, `V=`/`RUA=`), with warnings.
 *
 * @param[out] out   Receives the record; NULL on failure.
 * @param[in]  text  The record text (its character-strings joined, T-08).
 * @param[in]  len   Length of @p text (at most #MTASTS_RECORD_MAX_SIZE).
 * @param[in]  flags #MTASTS_PARSE_DEFAULT or #MTASTS_PARSE_LENIENT.
 * @param[in,out] diag Optional list that receives every problem found.
 * @retval MTASTS_OK        Valid record (warnings may have been added).
 * @retval MTASTS_EINVAL    @p out is NULL, @p text is NULL with @p len > 0,
 *                          or @p flags has unknown bits.
 * @retval MTASTS_ENOMEM    Out of memory.
 * @retval MTASTS_ETOOLARGE Longer than #MTASTS_RECORD_MAX_SIZE, or more than
 *                          #MTASTS_TLSRPT_MAX_RUA URIs or
 *                          #MTASTS_MAX_EXTENSIONS extensions.
 * @retval MTASTS_EVERSION  Does not start with `v=TLSRPTv1`.
 * @retval MTASTS_ERUA      No `rua`, or an invalid `rua` URI.
 * @retval MTASTS_ESYNTAX   Any other grammar violation.
 * @since 1.0
 */
MTASTS_EXPORT MTASTS_NODISCARD int
mtasts_tlsrpt_parse(mtasts_tlsrpt **out, const char *text, size_t len,
                    unsigned int flags, mtasts_diag *diag);

/**
 * @brief Choose and parse the TLSRPTv1 record of a TXT RRset (RFC 8460 §3).
 *
 * As mtasts_record_select(), for the tag `v=TLSRPTv1`: RRs not beginning
 * with `v=TLSRPTv1` + optional whitespace + `;` are discarded (T-06, TA-02);
 * if not exactly one remains, or it is invalid, the domain does not
 * implement TLSRPT (T-07, TA-04).
 * @param[out] out      Receives the parsed record; NULL on failure.
 * @param[out] selected Optional; the 0-based index of the only TLSRPTv1 RR
 *                      whenever there is exactly one, else #MTASTS_NO_INDEX.
 * @param[in]  rrs      Array of @p count pointers to RR texts (any bytes).
 * @param[in]  lens     Array of @p count lengths.
 * @param[in]  count    Number of RRs.
 * @param[in]  flags    #MTASTS_PARSE_DEFAULT or #MTASTS_PARSE_LENIENT.
 * @param[in,out] diag  Optional list that receives every problem found.
 * @return As mtasts_record_select(), with mtasts_tlsrpt_parse()'s statuses
 *         for the selected RR.
 * @since 1.0
 */
MTASTS_EXPORT MTASTS_NODISCARD int
mtasts_tlsrpt_select(mtasts_tlsrpt **out, size_t *selected,
                     const char *const *rrs, const size_t *lens, size_t count,
                     unsigned int flags, mtasts_diag *diag);

/**
 * @brief Like mtasts_tlsrpt_select(), from raw TXT RDATA (wire format, the
 *        library joins each RR's character-strings: T-08).
 * @param[out] out      Receives the parsed record; NULL on failure.
 * @param[out] selected Optional; as for mtasts_tlsrpt_select().
 * @param[in]  rdata    Array of @p count pointers to RDATA.
 * @param[in]  lens     Array of @p count RDATA lengths.
 * @param[in]  count    Number of RRs.
 * @param[in]  flags    #MTASTS_PARSE_DEFAULT or #MTASTS_PARSE_LENIENT.
 * @param[in,out] diag  Optional list that receives every problem found.
 * @return As mtasts_tlsrpt_select().
 * @since 1.0
 */
MTASTS_EXPORT MTASTS_NODISCARD int
mtasts_tlsrpt_select_rdata(mtasts_tlsrpt **out, size_t *selected,
                           const unsigned char *const *rdata,
                           const size_t *lens, size_t count, unsigned int flags,
                           mtasts_diag *diag);

/**
 * @brief Free a TLSRPTv1 record.
 * @param[in] record The record, or NULL (nothing happens).
 * @since 1.0
 */
MTASTS_EXPORT void mtasts_tlsrpt_free(mtasts_tlsrpt *record);

/**
 * @brief Number of `rua` URIs, from every `rua` field in order (TA-01).
 * @param[in] record A record; NULL counts as none.
 * @return The count (at least 1 for a parsed record).
 * @since 1.0
 */
MTASTS_EXPORT size_t mtasts_tlsrpt_rua_count(const mtasts_tlsrpt *record);

/**
 * @brief `rua` URI @p index, exactly as written (percent-encodings kept).
 * @param[in] record A record.
 * @param[in] index  0-based index below mtasts_tlsrpt_rua_count().
 * @return The URI, owned by @p record; NULL if out of range or NULL record.
 * @since 1.0
 */
MTASTS_EXPORT const char *mtasts_tlsrpt_rua(const mtasts_tlsrpt *record,
                                            size_t index);

/**
 * @brief The scheme of `rua` URI @p index.
 * @param[in] record A record.
 * @param[in] index  0-based index below mtasts_tlsrpt_rua_count().
 * @return A ::mtasts_rua_scheme value; 0 if out of range or NULL record.
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_tlsrpt_rua_scheme(const mtasts_tlsrpt *record,
                                           size_t index);

/**
 * @brief Number of extension fields kept, in order of appearance (T-09).
 * @param[in] record A record; NULL counts as none.
 * @return The count.
 * @since 1.0
 */
MTASTS_EXPORT size_t mtasts_tlsrpt_extension_count(const mtasts_tlsrpt *record);

/**
 * @brief Name of extension field @p index.
 * @param[in] record A record.
 * @param[in] index  0-based index below mtasts_tlsrpt_extension_count().
 * @return The name, owned by @p record; NULL if out of range or NULL record.
 * @since 1.0
 */
MTASTS_EXPORT const char *
mtasts_tlsrpt_extension_name(const mtasts_tlsrpt *record, size_t index);

/**
 * @brief Value of extension field @p index.
 * @param[in] record A record.
 * @param[in] index  0-based index below mtasts_tlsrpt_extension_count().
 * @return The value, owned by @p record; NULL if out of range or NULL record.
 * @since 1.0
 */
MTASTS_EXPORT const char *
mtasts_tlsrpt_extension_value(const mtasts_tlsrpt *record, size_t index);

/**
 * @brief Whether two records are equal: the same `rua` URIs (byte for
 *        byte) in the same order and the same extensions in the same order.
 * @param[in] a A record.
 * @param[in] b A record.
 * @return 1 if equal, 0 if not or if either is NULL.
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_tlsrpt_equal(const mtasts_tlsrpt *a,
                                      const mtasts_tlsrpt *b);

/**
 * @brief Serialise a record canonically, snprintf-style.
 *
 * The canonical form (RFC 8460 §3 example style, digest §1.4) is
 * `v=TLSRPTv1; rua=<uri>[,<uri>…]` with every URI in one `rua` field, then
 * each extension as `; name=value`: no whitespace before `;`, one space
 * after it, none around `,`, no final `;`. It always parses back to an
 * equal record. Split it into character-strings of at most 255 bytes when
 * writing a zone.
 * @param[in]  record A record.
 * @param[out] buf    Buffer of @p size bytes, or NULL when @p size is 0.
 * @param[in]  size   Size of @p buf; output truncated snprintf-style.
 * @param[in]  flags  #MTASTS_FORMAT_DEFAULT (no other bit applies).
 * @return The length of the full text (excluding the NUL); #MTASTS_EINVAL
 *         if @p record is NULL, @p buf is NULL with @p size > 0, or @p flags
 *         has unknown bits.
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_tlsrpt_format(const mtasts_tlsrpt *record, char *buf,
                                       size_t size, unsigned int flags);

/**
 * @brief Serialise a record canonically into a new string.
 * @param[in]  record A record.
 * @param[in]  flags  #MTASTS_FORMAT_DEFAULT.
 * @param[out] out    Receives the text; free it with mtasts_free(). NULL on
 *                    failure.
 * @retval MTASTS_OK     Success.
 * @retval MTASTS_EINVAL NULL argument or unknown @p flags bits.
 * @retval MTASTS_ENOMEM Out of memory.
 * @since 1.0
 */
MTASTS_EXPORT MTASTS_NODISCARD int
mtasts_tlsrpt_format_alloc(const mtasts_tlsrpt *record, unsigned int flags,
                           char **out);

/** @} */

/* ======================================================================= */
/**
 * @defgroup tlsrpt_builder TLSRPTv1 record builder
 * @brief Build a TLSRPTv1 record from URIs and extensions.
 * @{
 */

/** Opaque, mutable TLSRPTv1 record builder. @since 1.0 */
typedef struct mtasts_tlsrpt_builder mtasts_tlsrpt_builder;

/**
 * @brief Create a builder, empty or holding a copy of a record.
 * @param[out] out  Receives the builder; NULL on failure.
 * @param[in]  from A record to start from (copied), or NULL.
 * @retval MTASTS_OK     Success; free with mtasts_tlsrpt_builder_free().
 * @retval MTASTS_EINVAL @p out is NULL.
 * @retval MTASTS_ENOMEM Out of memory.
 * @since 1.0
 */
MTASTS_EXPORT MTASTS_NODISCARD int
mtasts_tlsrpt_builder_new(mtasts_tlsrpt_builder **out,
                          const mtasts_tlsrpt *from);

/**
 * @brief Free a builder.
 * @param[in] builder The builder, or NULL (nothing happens).
 * @since 1.0
 */
MTASTS_EXPORT void mtasts_tlsrpt_builder_free(mtasts_tlsrpt_builder *builder);

/**
 * @brief Append a `rua` URI, checked as mtasts_tlsrpt_parse() checks it.
 *
 * A URI with a scheme other than `mailto`/`https` is accepted with a
 * warning, as in a parse.
 * @param[in,out] builder The builder.
 * @param[in]     uri     The URI, with `,` `!` `;` percent-encoded (T-05).
 *                        Copied.
 * @param[in,out] diag    Optional list that receives the reason of a
 *                        failure (and scheme warnings).
 * @retval MTASTS_OK        Success.
 * @retval MTASTS_EINVAL    NULL argument.
 * @retval MTASTS_ERUA      Invalid URI; the builder is unchanged.
 * @retval MTASTS_ETOOLARGE Already #MTASTS_TLSRPT_MAX_RUA URIs.
 * @retval MTASTS_ENOMEM    Out of memory; the builder is unchanged.
 * @since 1.0
 */
MTASTS_EXPORT MTASTS_NODISCARD int
mtasts_tlsrpt_builder_add_rua(mtasts_tlsrpt_builder *builder, const char *uri,
                              mtasts_diag *diag);

/**
 * @brief Append an extension field.
 * @param[in,out] builder The builder.
 * @param[in]     name    1 letter/digit then up to 31 of letter, digit,
 *                        `_`, `-`, `.`; not `v` or `rua` in any case, not a
 *                        name already added. Copied.
 * @param[in]     value   1+ bytes of %x21-3A / %x3C / %x3E-7E. Copied.
 * @param[in,out] diag    Optional list that receives the reason of a
 *                        failure.
 * @retval MTASTS_OK        Success.
 * @retval MTASTS_EINVAL    NULL argument, a registered or duplicate name.
 * @retval MTASTS_ESYNTAX   @p name or @p value breaks the grammar.
 * @retval MTASTS_ETOOLARGE Already #MTASTS_MAX_EXTENSIONS extensions.
 * @retval MTASTS_ENOMEM    Out of memory; the builder is unchanged.
 * @since 1.0
 */
MTASTS_EXPORT MTASTS_NODISCARD int
mtasts_tlsrpt_builder_add_extension(mtasts_tlsrpt_builder *builder,
                                    const char *name, const char *value,
                                    mtasts_diag *diag);

/**
 * @brief Build an immutable record from the builder's current content.
 * @param[in]  builder The builder (unchanged; can be built again).
 * @param[out] out     Receives the record; NULL on failure.
 * @param[in,out] diag Optional list that receives the reason of a failure.
 * @retval MTASTS_OK        Success.
 * @retval MTASTS_EINVAL    NULL argument.
 * @retval MTASTS_ERUA      No `rua` URI was added (T-03).
 * @retval MTASTS_ETOOLARGE The record would exceed #MTASTS_RECORD_MAX_SIZE.
 * @retval MTASTS_ENOMEM    Out of memory.
 * @since 1.0
 */
MTASTS_EXPORT MTASTS_NODISCARD int
mtasts_tlsrpt_builder_build(const mtasts_tlsrpt_builder *builder,
                            mtasts_tlsrpt **out, mtasts_diag *diag);

/** @} */

/* ======================================================================= */
/**
 * @defgroup report TLS-RPT result and policy types
 * @brief The names an MTA puts in its RFC 8460 reports (§4.3, §4.4).
 *
 * The values of these enums are libmtasts' own (fixed forever); the names
 * are the registered strings. RFC 8460's registry is open (T-33): a report
 * parser must accept names this library does not know.
 * @{
 */

/** @brief STARTTLS validation result types (RFC 8460 §4.3, IANA registry
 *  "STARTTLS Validation Result Types"). @since 1.0 */
enum mtasts_result_type {
	/** `starttls-not-supported`: the MX did not offer STARTTLS. */
	MTASTS_RESULT_STARTTLS_NOT_SUPPORTED = 1,
	/** `certificate-host-mismatch`: the certificate does not match the MX
	 *  host name. */
	MTASTS_RESULT_CERTIFICATE_HOST_MISMATCH = 2,
	/** `certificate-expired`. */
	MTASTS_RESULT_CERTIFICATE_EXPIRED = 3,
	/** `certificate-not-trusted`: untrusted CA, broken chain… (send a
	 *  failure-reason-code, T-24). */
	MTASTS_RESULT_CERTIFICATE_NOT_TRUSTED = 4,
	/** `validation-failure`: any other failure (send a
	 *  failure-reason-code, T-24); also an MX host matching no `mx` pattern
	 *  (TA-15). */
	MTASTS_RESULT_VALIDATION_FAILURE = 5,
	/** `tlsa-invalid` (DANE). */
	MTASTS_RESULT_TLSA_INVALID = 6,
	/** `dnssec-invalid` (DANE). */
	MTASTS_RESULT_DNSSEC_INVALID = 7,
	/** `dane-required` (DANE). */
	MTASTS_RESULT_DANE_REQUIRED = 8,
	/** `sts-policy-fetch-error`: the MTA-STS policy could not be
	 *  retrieved. */
	MTASTS_RESULT_STS_POLICY_FETCH_ERROR = 9,
	/** `sts-policy-invalid`: the retrieved policy failed validation. */
	MTASTS_RESULT_STS_POLICY_INVALID = 10,
	/** `sts-webpki-invalid`: the policy host's certificate failed PKIX
	 *  validation. */
	MTASTS_RESULT_STS_WEBPKI_INVALID = 11
};

/** @brief Policy types of a report (RFC 8460 §4.4 `policy-type`, T-19).
 *  @since 1.0 */
enum mtasts_policy_type {
	/** `sts`: an MTA-STS policy. */
	MTASTS_POLICY_TYPE_STS = 1,
	/** `tlsa`: a DANE TLSA RRset. */
	MTASTS_POLICY_TYPE_TLSA = 2,
	/** `no-policy-found`. */
	MTASTS_POLICY_TYPE_NO_POLICY_FOUND = 3
};

/**
 * @brief The registered name of a result type.
 * @param[in] type A ::mtasts_result_type value.
 * @return A static string such as "sts-policy-invalid", or NULL for an
 *         unknown value.
 * @since 1.0
 */
MTASTS_EXPORT const char *mtasts_result_type_name(int type);

/**
 * @brief The result type with a registered name (exact, case-sensitive).
 * @param[in] name A name such as "certificate-expired".
 * @return The ::mtasts_result_type value; #MTASTS_EINVAL if @p name is NULL
 *         or not a name this library knows (the registry is open: T-33).
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_result_type_from_name(const char *name);

/**
 * @brief The name of a policy type: "sts", "tlsa" or "no-policy-found".
 * @param[in] type A ::mtasts_policy_type value.
 * @return A static string, or NULL for an unknown value.
 * @since 1.0
 */
MTASTS_EXPORT const char *mtasts_policy_type_name(int type);

/**
 * @brief The policy type with a given name (exact, case-sensitive).
 * @param[in] name "sts", "tlsa" or "no-policy-found".
 * @return The ::mtasts_policy_type value; #MTASTS_EINVAL for NULL or any
 *         other name.
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_policy_type_from_name(const char *name);

/**
 * @brief The result type an MTA reports when obtaining a policy failed with
 *        a libmtasts status (RFC 8461 §6, RFC 8460 §4.3.2.2; digest TA-15).
 *
 * For a status returned while turning a fetched policy body into a policy
 * (mtasts_policy_parse(): #MTASTS_ESYNTAX, #MTASTS_ETOOLARGE,
 * #MTASTS_EVERSION, #MTASTS_EMODE, #MTASTS_EMAXAGE, #MTASTS_EMX): the body
 * was retrieved but is not a valid policy, so
 * #MTASTS_RESULT_STS_POLICY_INVALID (A-14). Statuses that describe the
 * caller or the host rather than the policy (#MTASTS_OK, #MTASTS_ENOMEM,
 * #MTASTS_EINVAL) and those of the TXT record (#MTASTS_EID,
 * #MTASTS_ENORECORD, #MTASTS_EMULTIPLE, #MTASTS_ERUA: no usable record
 * means no MTA-STS, nothing to report, R-06) give 0, as do #MTASTS_ELINT,
 * #MTASTS_ENOTSUP and #MTASTS_EDNS (a temporary DNS failure is not
 * reported, T-25, A-22). A failed fetch (#MTASTS_EFETCH) maps to
 * #MTASTS_RESULT_STS_POLICY_FETCH_ERROR and a policy-host certificate
 * failure (#MTASTS_ETLS) to #MTASTS_RESULT_STS_WEBPKI_INVALID. This
 * function is the single place that encodes the mapping.
 * @param[in] status A status returned by a libmtasts function.
 * @return A ::mtasts_result_type value, or 0 when nothing is to be
 *         reported.
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_status_result_type(int status);

/** @} */

/* ======================================================================= */
/**
 * @defgroup id Policy ids
 * @brief Generate and check the `id` of an STSv1 record (R-03, R-04).
 * @{
 */

/** Length of an id made by mtasts_id_from_time(). @since 1.0 */
#define MTASTS_ID_TIME_LEN 14

/**
 * @brief Make an id from a time: `YYYYMMDDHHMMSS` in UTC.
 *
 * Independent of the time zone, the locale and the C library's gmtime().
 * Two policies published in the same second get the same id; a publisher
 * must make ids unique per policy instance (R-04).
 * @param[out] buf  Buffer of @p size bytes (15 or more to hold the id and
 *                  the NUL), or NULL when @p size is 0.
 * @param[in]  size Size of @p buf; output truncated snprintf-style.
 * @param[in]  unix_time Seconds since 1970-01-01T00:00:00Z, from 0 up to
 *                  253402300799 (9999-12-31T23:59:59Z).
 * @return #MTASTS_ID_TIME_LEN on success; #MTASTS_EINVAL if @p unix_time is
 *         out of range or @p buf is NULL with @p size > 0.
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_id_from_time(char *buf, size_t size,
                                      int64_t unix_time);

/**
 * @brief Check a caller's id: 1–32 ASCII letters or digits (R-03).
 * @param[in] id A NUL-terminated string.
 * @retval MTASTS_OK     @p id is valid.
 * @retval MTASTS_EID    @p id is empty, longer than 32 or holds another
 *                       byte.
 * @retval MTASTS_EINVAL @p id is NULL.
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_id_check(const char *id);

/** Longest valid id, in bytes (R-03). @since 1.0 */
#define MTASTS_ID_MAX_LEN 32

/**
 * @brief Decide which id a policy is published under (R-04).
 *
 * When @p new_policy is equivalent to @p old_policy (see
 * mtasts_policy_equivalent()) and @p old_id is valid, the old id is kept.
 * Otherwise a new id is made from @p now as mtasts_id_from_time() does; if
 * it equals @p old_id (a change within the same second), the next second is
 * used, so the new id always differs from the old one.
 * @param[out] buf        Receives the NUL-terminated id.
 * @param[in]  size       Size of @p buf: at least #MTASTS_ID_MAX_LEN + 1.
 * @param[in]  old_id     The id currently published, or NULL if none.
 * @param[in]  old_policy The policy currently published, or NULL.
 * @param[in]  new_policy The policy about to be published.
 * @param[in]  now        The current time, seconds since the epoch.
 * @retval 1             A new id was written.
 * @retval 0             @p old_id was written: it is still right.
 * @retval MTASTS_EINVAL @p buf or @p new_policy is NULL, @p size is too
 *                       small, or @p now is out of mtasts_id_from_time()'s
 *                       range.
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_id_next(char *buf, size_t size, const char *old_id,
                                 const mtasts_policy *old_policy,
                                 const mtasts_policy *new_policy, int64_t now);

/** @} */

/* ======================================================================= */
/**
 * @defgroup policy Policy file
 * @brief The policy served at `https://mta-sts.<domain>/.well-known/mta-sts.txt`
 *        (RFC 8461 §3.2).
 * @{
 */

/** @brief Policy mode (R-15, §5). Values are fixed. @since 1.0 */
enum mtasts_mode {
	/** `none`: treat the domain as having no active policy (R-44). */
	MTASTS_MODE_NONE = 1,
	/** `testing`: deliver as usual, report failures (R-43). */
	MTASTS_MODE_TESTING = 2,
	/** `enforce`: never deliver to an MX that fails validation (R-42). */
	MTASTS_MODE_ENFORCE = 3
};

/** The largest `max_age` a policy may carry: 31557600 seconds (R-16,
 *  A-07). @since 1.0 */
#define MTASTS_MAX_AGE_MAX 31557600u

/**
 * @brief Parse a policy file.
 *
 * Implements the ABNF of RFC 8461 §3.2 exactly (R-14…R-22): lines end with
 * LF or CRLF, mixed within a file, and a bare CR ends nothing (A-04); each
 * line is `name ":" *WSP value *WSP` with no whitespace before the name or
 * the colon and no empty lines (A-05); the final terminator is optional;
 * fields come in any order (A-08); field names and the values `STSv1`,
 * `enforce`, `testing`, `none` are case-sensitive (A-06). The first
 * `version`, `mode` and `max_age` win; later copies are ignored with a
 * warning whatever their value (R-11, A-11, A-13); every `mx` line counts
 * and must be a valid pattern (see mtasts_mx_pattern_check()). A registered
 * name is never read as an extension (A-13); other fields are kept as
 * extensions in order, the first of each name winning (R-10, R-11), with
 * UTF-8 values checked against RFC 3629 (R-22). `max_age` is 1–10 digits,
 * leading zeros allowed, at most 31557600 (R-16, A-07). `mx` is required
 * unless the mode is `none` (R-17, A-28).
 *
 * @param[out] out   Receives the policy; NULL on failure.
 * @param[in]  text  The policy body. Any bytes.
 * @param[in]  len   Length in bytes (at most #MTASTS_POLICY_MAX_SIZE).
 * @param[in]  flags #MTASTS_PARSE_DEFAULT or #MTASTS_PARSE_LENIENT.
 * @param[in,out] diag Optional list that receives every problem found.
 * @retval MTASTS_OK        Valid policy (warnings may have been added).
 * @retval MTASTS_EINVAL    @p out is NULL, @p text is NULL with @p len > 0,
 *                          or @p flags has unknown bits.
 * @retval MTASTS_ENOMEM    Out of memory.
 * @retval MTASTS_ETOOLARGE A cap was exceeded (size, line, mx count,
 *                          extension count).
 * @retval MTASTS_EVERSION  `version` missing or not `STSv1`.
 * @retval MTASTS_EMODE     `mode` missing or invalid.
 * @retval MTASTS_EMAXAGE   `max_age` missing, malformed or too large.
 * @retval MTASTS_EMX       An invalid `mx`, or none with mode testing or
 *                          enforce.
 * @retval MTASTS_ESYNTAX   Any other grammar violation.
 * @since 1.0
 */
MTASTS_EXPORT MTASTS_NODISCARD int
mtasts_policy_parse(mtasts_policy **out, const char *text, size_t len,
                    unsigned int flags, mtasts_diag *diag);

/**
 * @brief Free a policy.
 * @param[in] policy The policy, or NULL (nothing happens).
 * @since 1.0
 */
MTASTS_EXPORT void mtasts_policy_free(mtasts_policy *policy);

/**
 * @brief The mode of a policy (R-15).
 * @param[in] policy A policy.
 * @return A ::mtasts_mode value; 0 if @p policy is NULL.
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_policy_mode(const mtasts_policy *policy);

/**
 * @brief The `max_age` of a policy in seconds (R-16), 0…31557600.
 * @param[in] policy A policy.
 * @return The value; 0 if @p policy is NULL.
 * @since 1.0
 */
MTASTS_EXPORT uint32_t mtasts_policy_max_age(const mtasts_policy *policy);

/**
 * @brief Number of `mx` patterns, in file order, duplicates kept (R-17).
 * @param[in] policy A policy; NULL counts as none.
 * @return The count (0 only for a mode `none` policy).
 * @since 1.0
 */
MTASTS_EXPORT size_t mtasts_policy_mx_count(const mtasts_policy *policy);

/**
 * @brief `mx` pattern @p index, in lower case.
 *
 * Domain names are case-insensitive (RFC 4343), so patterns are kept in
 * their canonical lower-case form: `mx: MX1.Example.COM` gives
 * `mx1.example.com`. Everything else about the pattern is as written.
 * @param[in] policy A policy.
 * @param[in] index  0-based index below mtasts_policy_mx_count().
 * @return The pattern (`host.example` or `*.example`), owned by @p policy;
 *         NULL if out of range or NULL policy.
 * @since 1.0
 */
MTASTS_EXPORT const char *mtasts_policy_mx(const mtasts_policy *policy,
                                           size_t index);

/**
 * @brief Number of extension fields kept, in order of appearance (R-10).
 * @param[in] policy A policy; NULL counts as none.
 * @return The count.
 * @since 1.0
 */
MTASTS_EXPORT size_t mtasts_policy_extension_count(const mtasts_policy *policy);

/**
 * @brief Name of extension field @p index.
 * @param[in] policy A policy.
 * @param[in] index  0-based index below mtasts_policy_extension_count().
 * @return The name, owned by @p policy; NULL if out of range or NULL policy.
 * @since 1.0
 */
MTASTS_EXPORT const char *
mtasts_policy_extension_name(const mtasts_policy *policy, size_t index);

/**
 * @brief Value of extension field @p index (UTF-8, trailing whitespace
 *        removed).
 * @param[in] policy A policy.
 * @param[in] index  0-based index below mtasts_policy_extension_count().
 * @return The value, owned by @p policy; NULL if out of range or NULL policy.
 * @since 1.0
 */
MTASTS_EXPORT const char *
mtasts_policy_extension_value(const mtasts_policy *policy, size_t index);

/**
 * @brief Whether two policies are equal: same mode and max_age, the same mx
 *        patterns (compared in their lower-case form) in the same order,
 *        and the same extensions (byte for byte) in the same order.
 * @param[in] a A policy.
 * @param[in] b A policy.
 * @return 1 if equal, 0 if not or if either is NULL.
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_policy_equal(const mtasts_policy *a,
                                      const mtasts_policy *b);

/**
 * @brief Serialise a policy canonically, snprintf-style.
 *
 * Canonical form (digest §2.4): `version: STSv1`, `mode: …`, one `mx: …`
 * line per pattern in order (lower case), `max_age: …` (no leading zeros),
 * then the
 * extensions in order; `name: value` with one space, no trailing
 * whitespace, every line terminated by CRLF (or LF with #MTASTS_FORMAT_LF).
 * The output always parses back to an equal policy.
 *
 * @param[in]  policy A policy.
 * @param[out] buf    Buffer of @p size bytes, or NULL when @p size is 0.
 * @param[in]  size   Size of @p buf; the output is NUL-terminated and
 *                    truncated when it does not fit.
 * @param[in]  flags  #MTASTS_FORMAT_DEFAULT or #MTASTS_FORMAT_LF.
 * @return The length of the full text (excluding the NUL), whether or not
 *         it fitted; #MTASTS_EINVAL if @p policy is NULL, @p buf is NULL
 *         with @p size > 0, or @p flags has unknown bits.
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_policy_format(const mtasts_policy *policy, char *buf,
                                       size_t size, unsigned int flags);

/**
 * @brief Serialise a policy canonically into a new string.
 * @param[in]  policy A policy.
 * @param[in]  flags  #MTASTS_FORMAT_DEFAULT or #MTASTS_FORMAT_LF.
 * @param[out] out    Receives the NUL-terminated text; free it with
 *                    mtasts_free(). NULL on failure.
 * @retval MTASTS_OK     Success.
 * @retval MTASTS_EINVAL NULL argument or unknown @p flags bits.
 * @retval MTASTS_ENOMEM Out of memory.
 * @since 1.0
 */
MTASTS_EXPORT MTASTS_NODISCARD int
mtasts_policy_format_alloc(const mtasts_policy *policy, unsigned int flags,
                           char **out);

/**
 * @brief The text of a mode: "none", "testing" or "enforce".
 * @param[in] mode A ::mtasts_mode value.
 * @return A static string, or NULL for an unknown value.
 * @since 1.0
 */
MTASTS_EXPORT const char *mtasts_mode_name(int mode);

/**
 * @brief The mode named by a string (exact, case-sensitive: A-06).
 * @param[in] name "none", "testing" or "enforce".
 * @return The ::mtasts_mode value, or #MTASTS_EMODE for any other string
 *         (#MTASTS_EINVAL if @p name is NULL).
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_mode_from_name(const char *name);

/** @} */

/* ======================================================================= */
/**
 * @defgroup policy_builder Policy builder
 * @brief Build a policy from its fields, validating each value as it is set.
 *
 * @code
 * mtasts_policy_builder *b;
 * mtasts_policy *p;
 * if (mtasts_policy_builder_new(&b, NULL) != MTASTS_OK) …
 * mtasts_policy_builder_set_mode(b, MTASTS_MODE_TESTING);
 * mtasts_policy_builder_set_max_age(b, 604800);
 * mtasts_policy_builder_add_mx(b, "mx1.example.com", NULL);
 * if (mtasts_policy_builder_build(b, &p, NULL) == MTASTS_OK) …
 * mtasts_policy_builder_free(b);
 * @endcode
 * @{
 */

/** Opaque, mutable policy builder. @since 1.0 */
typedef struct mtasts_policy_builder mtasts_policy_builder;

/**
 * @brief Create a policy builder, empty or holding a copy of a policy.
 * @param[out] out  Receives the builder; NULL on failure.
 * @param[in]  from A policy to start from (copied), or NULL for an empty
 *                  builder (no mode, no max_age, no mx).
 * @retval MTASTS_OK     Success; free with mtasts_policy_builder_free().
 * @retval MTASTS_EINVAL @p out is NULL.
 * @retval MTASTS_ENOMEM Out of memory.
 * @since 1.0
 */
MTASTS_EXPORT MTASTS_NODISCARD int
mtasts_policy_builder_new(mtasts_policy_builder **out,
                          const mtasts_policy *from);

/**
 * @brief Free a policy builder.
 * @param[in] builder The builder, or NULL (nothing happens).
 * @since 1.0
 */
MTASTS_EXPORT void mtasts_policy_builder_free(mtasts_policy_builder *builder);

/**
 * @brief Set the mode.
 * @param[in,out] builder The builder.
 * @param[in]     mode    A ::mtasts_mode value.
 * @retval MTASTS_OK     Success.
 * @retval MTASTS_EINVAL @p builder is NULL.
 * @retval MTASTS_EMODE  @p mode is not a ::mtasts_mode value.
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_policy_builder_set_mode(mtasts_policy_builder *builder,
                                                 int mode);

/**
 * @brief Set max_age in seconds.
 * @param[in,out] builder The builder.
 * @param[in]     max_age 0…31557600 (R-16, A-07).
 * @retval MTASTS_OK      Success.
 * @retval MTASTS_EINVAL  @p builder is NULL.
 * @retval MTASTS_EMAXAGE @p max_age is above #MTASTS_MAX_AGE_MAX.
 * @since 1.0
 */
MTASTS_EXPORT int
mtasts_policy_builder_set_max_age(mtasts_policy_builder *builder,
                                  uint32_t max_age);

/**
 * @brief Append an mx pattern.
 * @param[in,out] builder The builder.
 * @param[in]     pattern A pattern valid for mtasts_mx_pattern_check();
 *                        copied as given.
 * @param[in,out] diag    Optional list that receives the reason of a
 *                        failure.
 * @retval MTASTS_OK        Success.
 * @retval MTASTS_EINVAL    NULL argument.
 * @retval MTASTS_EMX       Invalid pattern; the builder is unchanged.
 * @retval MTASTS_ETOOLARGE Already #MTASTS_POLICY_MAX_MX patterns.
 * @retval MTASTS_ENOMEM    Out of memory; the builder is unchanged.
 * @since 1.0
 */
MTASTS_EXPORT MTASTS_NODISCARD int
mtasts_policy_builder_add_mx(mtasts_policy_builder *builder,
                             const char *pattern, mtasts_diag *diag);

/**
 * @brief Remove every mx pattern (to replace the list).
 * @param[in,out] builder The builder, or NULL (nothing happens).
 * @since 1.0
 */
MTASTS_EXPORT void
mtasts_policy_builder_clear_mx(mtasts_policy_builder *builder);

/**
 * @brief Append an extension field.
 * @param[in,out] builder The builder.
 * @param[in]     name    1 letter/digit then up to 31 of letter, digit,
 *                        `_`, `-`, `.`; not a registered name (`version`,
 *                        `mode`, `max_age`, `mx`, in any case: A-06, A-13)
 *                        and not a name already added. Copied.
 * @param[in]     value   Non-empty UTF-8 with no control characters, no
 *                        HTAB, no leading or trailing space (R-22). Copied.
 * @param[in,out] diag    Optional list that receives the reason of a
 *                        failure.
 * @retval MTASTS_OK        Success.
 * @retval MTASTS_EINVAL    NULL argument, a registered or duplicate name.
 * @retval MTASTS_ESYNTAX   @p name or @p value breaks the grammar.
 * @retval MTASTS_ETOOLARGE Already #MTASTS_MAX_EXTENSIONS extensions, or the
 *                          line would exceed #MTASTS_POLICY_MAX_LINE.
 * @retval MTASTS_ENOMEM    Out of memory; the builder is unchanged.
 * @since 1.0
 */
MTASTS_EXPORT MTASTS_NODISCARD int
mtasts_policy_builder_add_extension(mtasts_policy_builder *builder,
                                    const char *name, const char *value,
                                    mtasts_diag *diag);

/**
 * @brief Build an immutable policy from the builder's current content.
 *
 * Checks what a policy needs as a whole: a mode, a max_age, and at least
 * one mx unless the mode is `none` (R-17). The builder is unchanged and can
 * be modified and built again.
 * @param[in]  builder The builder.
 * @param[out] out     Receives the policy; NULL on failure.
 * @param[in,out] diag Optional list that receives every reason of a failure.
 * @retval MTASTS_OK        Success.
 * @retval MTASTS_EINVAL    NULL argument.
 * @retval MTASTS_EMODE     No mode was set.
 * @retval MTASTS_EMAXAGE   No max_age was set.
 * @retval MTASTS_EMX       No mx with mode testing or enforce.
 * @retval MTASTS_ETOOLARGE The policy would exceed #MTASTS_POLICY_MAX_SIZE.
 * @retval MTASTS_ENOMEM    Out of memory.
 * @since 1.0
 */
MTASTS_EXPORT MTASTS_NODISCARD int
mtasts_policy_builder_build(const mtasts_policy_builder *builder,
                            mtasts_policy **out, mtasts_diag *diag);

/** @} */

/* ======================================================================= */
/**
 * @defgroup lint Linting a published policy
 * @brief Best-practice checks that bind the publisher (digest §6), not the
 *        sender: what a checker or a generator warns a domain owner about.
 *
 * A ::mtasts_lint holds what is known about the domain besides its policy:
 * the domain name, its STSv1 and TLSRPTv1 records, its MX hosts, the policy
 * and record published before. Each piece is optional; a check that needs
 * a piece that was not set is skipped. mtasts_lint_policy() then appends
 * one diagnostic per finding (codes 6xx, docs/diagnostics.md), each message
 * spelling out the consequence:
 *
 * | finding | severity |
 * | --- | --- |
 * | an MX host no pattern covers (#MTASTS_D_LINT_MX_UNCOVERED) | error in `enforce` (mail to it is refused), warning in `testing`, note in `none` |
 * | a pattern that covers none of the MX hosts (#MTASTS_D_LINT_PATTERN_UNUSED) | warning |
 * | a wildcard on a public-suffix-like name, `*.com`, `*.co.uk` (#MTASTS_D_LINT_WILDCARD_SUFFIX, S-08) | warning |
 * | a single-label pattern, `localhost` (#MTASTS_D_LINT_SINGLE_LABEL, A-29) | warning |
 * | an IPv4 address as pattern (#MTASTS_D_LINT_IP_ADDRESS) | warning |
 * | max_age below one day (#MTASTS_D_LINT_MAX_AGE_SHORT) | warning |
 * | `enforce` with max_age below one week (#MTASTS_D_LINT_ENFORCE_MAX_AGE, S-05, R-58) | warning |
 * | `testing` with max_age above one week (#MTASTS_D_LINT_TESTING_MAX_AGE) | note |
 * | `none` with max_age above one day (#MTASTS_D_LINT_NONE_MAX_AGE, R-63) | note |
 * | mode `testing` / `none` (#MTASTS_D_LINT_MODE_TESTING, #MTASTS_D_LINT_MODE_NONE) | note |
 * | no TLSRPTv1 record (#MTASTS_D_LINT_NO_TLSRPT) | warning (not for `none`) |
 * | no STSv1 record: the policy is invisible (#MTASTS_D_LINT_NO_RECORD) | error (note for `none`) |
 * | the policy changed but the record's id did not (#MTASTS_D_LINT_ID_UNCHANGED, R-04) | error |
 * | `*.<domain>`: every host of the domain is acceptable (#MTASTS_D_LINT_WILDCARD_DOMAIN, S-08) | note |
 * | the same pattern twice, or an exact pattern a wildcard also covers (#MTASTS_D_LINT_MX_DUPLICATE, #MTASTS_D_LINT_MX_REDUNDANT) | note |
 *
 * A `max_age` above the maximum never reaches the linter: the parser
 * rejects it (#MTASTS_D_POLICY_MAX_AGE_RANGE); mtasts_lint_policy_text()
 * reports parse and lint findings in one list.
 * @{
 */

/** Opaque lint context: what is known about the domain. @since 1.0 */
typedef struct mtasts_lint mtasts_lint;

/**
 * @brief Create an empty lint context (nothing known beside the policy).
 * @param[out] out Receives the context; NULL on failure.
 * @retval MTASTS_OK     Success; free with mtasts_lint_free().
 * @retval MTASTS_EINVAL @p out is NULL.
 * @retval MTASTS_ENOMEM Out of memory.
 * @since 1.0
 */
MTASTS_EXPORT MTASTS_NODISCARD int mtasts_lint_new(mtasts_lint **out);

/**
 * @brief Free a lint context and the copies it holds.
 * @param[in] lint The context, or NULL (nothing happens).
 * @since 1.0
 */
MTASTS_EXPORT void mtasts_lint_free(mtasts_lint *lint);

/**
 * @brief Set the Policy Domain (enables the `*.<domain>` check and, with an
 *        empty MX list, the implicit MX).
 * @param[in,out] lint   The context.
 * @param[in]     domain A host name (letters, digits, hyphens, dots; one
 *                       trailing dot allowed); copied in lower case.
 * @retval MTASTS_OK     Success.
 * @retval MTASTS_EINVAL NULL argument, or @p domain is not a host name.
 * @retval MTASTS_ENOMEM Out of memory (the context is unchanged).
 * @since 1.0
 */
MTASTS_EXPORT MTASTS_NODISCARD int mtasts_lint_set_domain(mtasts_lint *lint,
                                                          const char *domain);

/**
 * @brief Set the domain's `_mta-sts` record as found.
 * @param[in,out] lint   The context.
 * @param[in]     record The selected record (copied), or NULL to say that
 *                       the domain publishes no usable STSv1 record.
 * @retval MTASTS_OK     Success.
 * @retval MTASTS_EINVAL @p lint is NULL.
 * @retval MTASTS_ENOMEM Out of memory (the context is unchanged).
 * @since 1.0
 */
MTASTS_EXPORT MTASTS_NODISCARD int
mtasts_lint_set_record(mtasts_lint *lint, const mtasts_record *record);

/**
 * @brief Set the domain's `_smtp._tls` record as found.
 * @param[in,out] lint   The context.
 * @param[in]     tlsrpt The selected record (copied), or NULL to say that
 *                       the domain publishes no usable TLSRPTv1 record.
 * @retval MTASTS_OK     Success.
 * @retval MTASTS_EINVAL @p lint is NULL.
 * @retval MTASTS_ENOMEM Out of memory (the context is unchanged).
 * @since 1.0
 */
MTASTS_EXPORT MTASTS_NODISCARD int
mtasts_lint_set_tlsrpt(mtasts_lint *lint, const mtasts_tlsrpt *tlsrpt);

/**
 * @brief Set the domain's MX host names, replacing any earlier list.
 *
 * An empty list (@p count 0) says that the domain has no MX records: mail
 * goes to the domain itself (the implicit MX, RFC 5321 §5.1, A-15), which
 * must then be set with mtasts_lint_set_domain() to be checked.
 * @param[in,out] lint  The context.
 * @param[in]     hosts Array of @p count host names as found in DNS (a
 *                      trailing dot is fine); copied.
 * @param[in]     count Number of hosts.
 * @retval MTASTS_OK     Success.
 * @retval MTASTS_EINVAL @p lint is NULL, @p hosts is NULL with @p count > 0,
 *                       or a host is NULL or empty.
 * @retval MTASTS_ENOMEM Out of memory (the context is unchanged).
 * @since 1.0
 */
MTASTS_EXPORT MTASTS_NODISCARD int
mtasts_lint_set_mx_hosts(mtasts_lint *lint, const char *const *hosts,
                         size_t count);

/**
 * @brief Set the policy and record published before this one, to check
 *        that a changed policy comes with a new id (R-04).
 * @param[in,out] lint   The context.
 * @param[in]     policy The previous policy (copied).
 * @param[in]     record The record it was published under (copied).
 * @retval MTASTS_OK     Success.
 * @retval MTASTS_EINVAL A NULL argument.
 * @retval MTASTS_ENOMEM Out of memory (the context is unchanged).
 * @since 1.0
 */
MTASTS_EXPORT MTASTS_NODISCARD int
mtasts_lint_set_previous(mtasts_lint *lint, const mtasts_policy *policy,
                         const mtasts_record *record);

/**
 * @brief Lint a policy against what the context knows.
 *
 * Appends one diagnostic per finding (see the group description; line and
 * column are 0: findings concern the policy as a whole). The id check uses
 * the record set with mtasts_lint_set_record(), or, when none was set, the
 * previous record (the id was not touched).
 * @param[in]     lint   The context (not modified; may be shared by threads
 *                       that do not modify it).
 * @param[in]     policy The policy.
 * @param[in,out] diag   Optional list that receives the findings.
 * @retval MTASTS_OK     No finding of severity error (warnings and notes
 *                       may have been added).
 * @retval MTASTS_ELINT  At least one error-severity finding.
 * @retval MTASTS_EINVAL @p lint or @p policy is NULL.
 * @retval MTASTS_ENOMEM Out of memory while recording a finding.
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_lint_policy(const mtasts_lint *lint,
                                     const mtasts_policy *policy,
                                     mtasts_diag *diag);

/**
 * @brief Parse a policy text and lint it: parse diagnostics, then lint
 *        findings, in one list.
 * @param[in]     lint  The context.
 * @param[in]     text  The policy body (any bytes).
 * @param[in]     len   Its length.
 * @param[in]     flags #MTASTS_PARSE_DEFAULT or #MTASTS_PARSE_LENIENT.
 * @param[in,out] diag  Optional list that receives every diagnostic.
 * @return The status of mtasts_policy_parse() when the text does not
 *         parse; otherwise that of mtasts_lint_policy().
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_lint_policy_text(const mtasts_lint *lint,
                                          const char *text, size_t len,
                                          unsigned int flags,
                                          mtasts_diag *diag);

/**
 * @brief Whether two policies mean the same to a sender: same mode and
 *        max_age, the same set of mx patterns (order and repetition do not
 *        matter), the same set of extensions.
 *
 * A publisher must give a policy that is not equivalent to the previous one
 * a new id (R-04); reformatting alone does not need one.
 * @param[in] a A policy.
 * @param[in] b A policy.
 * @return 1 if equivalent, 0 if not or if either is NULL.
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_policy_equivalent(const mtasts_policy *a,
                                           const mtasts_policy *b);

/** @} */

/* ======================================================================= */
/**
 * @defgroup mx MX patterns and matching
 * @brief Which MX hosts a policy allows (RFC 8461 §4.1).
 *
 * Matching never allocates and is ASCII case-insensitive whatever the
 * locale. The host is normalised on the fly: one trailing root dot is
 * ignored (A-16); nothing else is changed (a U-label host never matches: DNS
 * gives A-labels). A pattern `name` matches a host equal to it; `*.suffix`
 * matches a host made of exactly one non-empty leftmost label (letters,
 * digits, inner hyphens) followed by `.suffix` (R-39, A-18). A host that is
 * empty, longer than #MTASTS_HOST_MAX, or otherwise not such a name never
 * matches; an invalid pattern never matches.
 * @{
 */

/**
 * @brief Check an mx pattern: `["*."] Domain` per RFC 8461 §3.2.
 *
 * `Domain` is RFC 5321's: labels of letters, digits and hyphens, not
 * starting or ending with a hyphen, separated by single dots, no trailing
 * dot (A-16), ASCII only (IDNs as A-labels: R-19). libmtasts adds the DNS
 * limits: labels of at most 63 bytes and names of at most 253 (RFC 1035).
 * A wildcard is allowed only as the whole first label followed by a dot
 * (R-20). Single-label and public-suffix patterns are valid syntax (A-29).
 * @param[in]     pattern A NUL-terminated pattern.
 * @param[in,out] diag    Optional list that receives every problem found
 *                        (line 1, column within the pattern).
 * @retval MTASTS_OK     Valid.
 * @retval MTASTS_EMX    Invalid.
 * @retval MTASTS_EINVAL @p pattern is NULL.
 * @retval MTASTS_ENOMEM Out of memory while recording a diagnostic.
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_mx_pattern_check(const char *pattern,
                                          mtasts_diag *diag);

/**
 * @brief Match one host against one pattern (R-39).
 * @param[in] pattern An mx pattern; an invalid one never matches.
 * @param[in] host    The MX host name from DNS (a trailing dot is fine).
 * @return 1 if @p host matches @p pattern, 0 if not or if either is NULL.
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_mx_match(const char *pattern, const char *host);

/**
 * @brief Match a host against every mx pattern of a policy (R-38, R-39).
 *
 * The patterns are tried in order; the first match is reported. The mode is
 * not considered: deciding what a failed match means is up to the caller
 * (§5).
 * @param[in]  policy A policy.
 * @param[in]  host   The MX host name from DNS (a trailing dot is fine).
 * @param[out] index  Optional; receives the 0-based index of the first
 *                    matching pattern, or #MTASTS_NO_INDEX.
 * @return 1 if some pattern matches, 0 if none does or if @p policy or
 *         @p host is NULL.
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_policy_match(const mtasts_policy *policy,
                                      const char *host, size_t *index);

/** @} */

/* ======================================================================= */
/**
 * @defgroup apply Applying a policy to a delivery
 * @brief What a sending MTA does with a policy and a domain's MX hosts
 *        (RFC 8461 §4, §5, §5.1, §8.4; digest §5).
 *
 * mtasts_plan_new() takes the policy that applies (the one the cache
 * decision of mtasts_cache_decide() says to use; NULL when none applies)
 * and the MX hosts in the order the MTA will try them, and says for each
 * host whether it may be tried and with which TLS requirement:
 *
 * | mode | MX matches a pattern | MX matches none |
 * | --- | --- | --- |
 * | enforce | #MTASTS_MX_REQUIRE_TLS | #MTASTS_MX_REFUSE, report `validation-failure` |
 * | testing | #MTASTS_MX_OPPORTUNISTIC (validate, report failures) | #MTASTS_MX_OPPORTUNISTIC, report `validation-failure` |
 * | none, or no policy | #MTASTS_MX_OPPORTUNISTIC, nothing reported | the same |
 *
 * The MTA walks its MX list in its usual order and treats a refused host,
 * or a required-TLS host whose session fails validation, as unreachable
 * with a transient error (R-42, R-57): it never pre-filters the list and
 * then delivers "normally" to what is left (§8.4). When no host may be
 * tried (mtasts_plan_deliverable() is 0) the message stays queued; before
 * it is ever bounced, the MTA must look up the TXT record again and fetch
 * a policy with a new id (R-45, digest C10). A passing MTA-STS validation
 * never overrides a failing DANE validation (R-54).
 *
 * Reports: a host that matches no pattern is reported as
 * #MTASTS_RESULT_VALIDATION_FAILURE (RFC 8460 has no type of its own;
 * reading TA-15); TLS failures are reported with the type the MTA
 * observed, through mtasts_plan_tls_outcome(). Nothing is reported for
 * mode none (§6).
 * @{
 */

/** @brief What an MTA may do with one MX host. Values are fixed.
 *  @since 1.0 */
enum mtasts_mx_verdict {
	/** Enforce, and the host matches the policy: deliver only over
	 *  STARTTLS with a certificate that chains to a trusted root, is not
	 *  expired and names the MX host, SNI sent (R-38, R-40, R-50);
	 *  otherwise treat the host as unreachable (transient). */
	MTASTS_MX_REQUIRE_TLS = 1,
	/** Enforce, and the host matches no pattern: do not connect; treat it
	 *  as unreachable (transient) (R-38, R-42). */
	MTASTS_MX_REFUSE = 2,
	/** Testing, none, or no policy: deliver as without MTA-STS
	 *  (opportunistic TLS). In testing, failures are reported (R-43). */
	MTASTS_MX_OPPORTUNISTIC = 3
};

/**
 * @brief The name of a verdict: "require-tls", "refuse" or
 *        "opportunistic".
 * @param[in] verdict A ::mtasts_mx_verdict value.
 * @return A static string, or NULL for an unknown value.
 * @since 1.0
 */
MTASTS_EXPORT const char *mtasts_mx_verdict_name(int verdict);

/** Opaque delivery plan: a policy applied to a list of MX hosts.
 *  @since 1.0 */
typedef struct mtasts_plan mtasts_plan;

/**
 * @brief Apply a policy to the MX hosts of its domain.
 * @param[out] out      Receives the plan; free it with mtasts_plan_free().
 *                      NULL on failure.
 * @param[in]  policy   The policy that applies, or NULL when none does
 *                      (every host is then #MTASTS_MX_OPPORTUNISTIC).
 *                      The plan keeps no reference to it.
 * @param[in]  hosts    The MX host names as found in DNS, in the order the
 *                      MTA will try them (a trailing dot is fine; the
 *                      implicit MX, the domain itself, when it has no MX
 *                      record, A-15).
 * @param[in]  count    Number of hosts (0 allowed).
 * @retval MTASTS_OK     Success.
 * @retval MTASTS_EINVAL NULL @p out, NULL @p hosts with @p count > 0, a
 *                       NULL host, or more than 65535 hosts.
 * @retval MTASTS_ENOMEM Out of memory.
 * @since 1.0
 */
MTASTS_EXPORT MTASTS_NODISCARD int mtasts_plan_new(mtasts_plan **out,
                                                   const mtasts_policy *policy,
                                                   const char *const *hosts,
                                                   size_t count);

/**
 * @brief Free a plan.
 * @param[in] plan The plan, or NULL (nothing happens).
 * @since 1.0
 */
MTASTS_EXPORT void mtasts_plan_free(mtasts_plan *plan);

/**
 * @brief The mode of the policy the plan was made with.
 * @param[in] plan A plan.
 * @return A ::mtasts_mode value, or 0 when it was made without a policy
 *         or @p plan is NULL.
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_plan_mode(const mtasts_plan *plan);

/**
 * @brief Number of MX hosts in the plan.
 * @param[in] plan A plan; NULL counts as empty.
 * @return The count.
 * @since 1.0
 */
MTASTS_EXPORT size_t mtasts_plan_count(const mtasts_plan *plan);

/**
 * @brief Host @p index as it was given.
 * @param[in] plan  A plan.
 * @param[in] index 0-based index.
 * @return The host name, owned by @p plan; NULL if out of range.
 * @since 1.0
 */
MTASTS_EXPORT const char *mtasts_plan_host(const mtasts_plan *plan,
                                           size_t index);

/**
 * @brief The verdict for host @p index.
 * @param[in] plan  A plan.
 * @param[in] index 0-based index.
 * @return A ::mtasts_mx_verdict value, or #MTASTS_EINVAL if out of range.
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_plan_verdict(const mtasts_plan *plan, size_t index);

/**
 * @brief The first policy pattern that host @p index matches (R-39).
 * @param[in] plan  A plan.
 * @param[in] index 0-based index.
 * @return The pattern's index in the policy (see mtasts_policy_mx()), or
 *         #MTASTS_NO_INDEX when none matches, without a policy, or out of
 *         range.
 * @since 1.0
 */
MTASTS_EXPORT size_t mtasts_plan_pattern(const mtasts_plan *plan, size_t index);

/**
 * @brief What to report for host @p index before any connection.
 * @param[in] plan  A plan.
 * @param[in] index 0-based index.
 * @return #MTASTS_RESULT_VALIDATION_FAILURE for a host that matches no
 *         pattern in enforce or testing mode (TA-15), else 0.
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_plan_report_type(const mtasts_plan *plan,
                                          size_t index);

/**
 * @brief Whether any host may be tried.
 * @param[in] plan A plan.
 * @return 1 if at least one host is not #MTASTS_MX_REFUSE; 0 if none may
 *         be tried (enforce and no host matches, or no hosts): keep the
 *         message queued and re-check the TXT id before bouncing (R-45,
 *         R-46) — or if @p plan is NULL.
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_plan_deliverable(const mtasts_plan *plan);

/**
 * @brief Decide about a TLS session with host @p index once its outcome is
 *        known.
 *
 * @p tls_result is what the MTA observed: 0 when STARTTLS succeeded with a
 * certificate that chains to a trusted root, is not expired and names the
 * host (R-40); otherwise the ::mtasts_result_type of the failure
 * (#MTASTS_RESULT_STARTTLS_NOT_SUPPORTED, ..._CERTIFICATE_EXPIRED,
 * ..._CERTIFICATE_NOT_TRUSTED, ..._CERTIFICATE_HOST_MISMATCH,
 * ..._VALIDATION_FAILURE).
 * @param[in]  plan        A plan.
 * @param[in]  index       0-based host index.
 * @param[in]  tls_result  0 or a ::mtasts_result_type value.
 * @param[out] report_type Optional; receives the result type to report
 *                         (R-48): @p tls_result in enforce and testing
 *                         mode, 0 in mode none or without a policy.
 * @return 1 if the message may be delivered over this session, 0 if the
 *         MTA must not deliver to this host (enforce: treat it as
 *         unreachable, transient, R-42), #MTASTS_EINVAL for NULL @p plan,
 *         an index out of range, a refused host or an unknown
 *         @p tls_result.
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_plan_tls_outcome(const mtasts_plan *plan, size_t index,
                                          int tls_result, int *report_type);

/** @} */

/* ======================================================================= */
/**
 * @defgroup net Network context
 * @brief Options for DNS discovery, the HTTPS policy fetch and MX probes
 *        (RFC 8461 §3, digest §3).
 *
 * The library's own transports are optional: DNS over c-ares and HTTPS and
 * SMTP over libcurl (OpenSSL) are built when both are found (meson feature
 * `net`). Every function exists in every build, so the ABI is the same.
 * Without the transports, contexts, options and the application's own
 * resolver (mtasts_ctx_set_resolver()) and fetcher
 * (mtasts_ctx_set_fetcher()) work as usual, and only a call that needs a
 * missing transport returns #MTASTS_ENOTSUP; mtasts_net_available() says
 * which build runs.
 *
 * A ::mtasts_ctx is configured once and then used by any number of calls,
 * from any number of threads at the same time, as long as no setter runs
 * concurrently with them: each call makes its own resolver channel and
 * HTTP handle. Setters copy their arguments.
 *
 * Defaults, all well inside RFC 8461's suggested one minute and 64 KB
 * (R-31): the system resolver; the system trust store; 5 s per DNS query,
 * 10 s to connect, 20 s for a whole fetch or probe; a 65536-byte body cap;
 * no proxy (the `https_proxy` environment variable is ignored); the
 * media type `text/plain` required (R-13, A-09).
 * @{
 */

/** Opaque network context. @since 1.0 */
typedef struct mtasts_ctx mtasts_ctx;

/** @brief Which timeout mtasts_ctx_set_timeout() sets. @since 1.0 */
enum mtasts_timeout {
	/** Each DNS query (every server and retry included). */
	MTASTS_TIMEOUT_DNS = 1,
	/** Establishing a TCP connection and the TLS session. */
	MTASTS_TIMEOUT_CONNECT = 2,
	/** A whole HTTPS fetch or MX probe, from the first byte sent. */
	MTASTS_TIMEOUT_TOTAL = 3
};

/** Context option: a `Content-Type` other than `text/plain` is a warning
 *  (#MTASTS_D_FETCH_CONTENT_TYPE) instead of a failed fetch (A-09).
 *  @since 1.0 */
#define MTASTS_NET_LAX_CONTENT_TYPE (1u << 0)

/**
 * @brief Whether this build of the library has the network layer.
 * @return 1 if it has; 0 if lookups and fetches work only through the
 *         application's callbacks and mtasts_probe_mx() returns
 *         #MTASTS_ENOTSUP.
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_net_available(void);

/**
 * @brief Create a network context with the defaults above.
 * @param[out] out Receives the context; NULL on failure.
 * @retval MTASTS_OK      Success; free with mtasts_ctx_free().
 * @retval MTASTS_EINVAL  @p out is NULL.
 * @retval MTASTS_ENOMEM  Out of memory, or libcurl or c-ares could not be
 *                        initialised.
 * @since 1.0
 */
MTASTS_EXPORT MTASTS_NODISCARD int mtasts_ctx_new(mtasts_ctx **out);

/**
 * @brief Free a context and the copies it holds.
 * @param[in] ctx The context, or NULL (nothing happens).
 * @since 1.0
 */
MTASTS_EXPORT void mtasts_ctx_free(mtasts_ctx *ctx);

/**
 * @brief Use these DNS servers instead of the system resolver.
 * @param[in,out] ctx     The context.
 * @param[in]     servers A comma-separated list of `IP[:PORT]` (IPv6 as
 *                        `[IP]:PORT`), or NULL for the system resolver.
 * @retval MTASTS_OK      Success.
 * @retval MTASTS_EINVAL  @p ctx is NULL or @p servers is malformed.
 * @retval MTASTS_ENOMEM  Out of memory (the context is unchanged).
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_ctx_set_dns_servers(mtasts_ctx *ctx,
                                             const char *servers);

/**
 * @brief Trust the CA certificates of this PEM file (for the policy host
 *        and for MX probes) instead of the system store.
 * @param[in,out] ctx  The context.
 * @param[in]     path A PEM file, or NULL for the system default.
 * @retval MTASTS_OK      Success.
 * @retval MTASTS_EINVAL  @p ctx is NULL.
 * @retval MTASTS_ENOMEM  Out of memory.
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_ctx_set_ca_file(mtasts_ctx *ctx, const char *path);

/**
 * @brief Trust the CA certificates of this OpenSSL-hashed directory.
 * @param[in,out] ctx The context.
 * @param[in]     dir A directory, or NULL for the system default.
 * @retval MTASTS_OK      Success.
 * @retval MTASTS_EINVAL  @p ctx is NULL.
 * @retval MTASTS_ENOMEM  Out of memory.
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_ctx_set_ca_path(mtasts_ctx *ctx, const char *dir);

/**
 * @brief Set one of the timeouts.
 * @param[in,out] ctx   The context.
 * @param[in]     which A ::mtasts_timeout value.
 * @param[in]     ms    Milliseconds, 1 to 60000 (RFC 8461's suggested
 *                      maximum, R-31).
 * @retval MTASTS_OK      Success.
 * @retval MTASTS_EINVAL  @p ctx is NULL, @p which unknown or @p ms out of
 *                        range.
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_ctx_set_timeout(mtasts_ctx *ctx, int which,
                                         unsigned int ms);

/**
 * @brief Set the largest policy body accepted (R-31; read while streaming:
 *        a longer body fails the fetch as soon as the cap is passed).
 * @param[in,out] ctx   The context.
 * @param[in]     bytes 1 to #MTASTS_POLICY_MAX_SIZE.
 * @retval MTASTS_OK      Success.
 * @retval MTASTS_EINVAL  @p ctx is NULL or @p bytes out of range.
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_ctx_set_max_body(mtasts_ctx *ctx, size_t bytes);

/**
 * @brief Fetch policies through this proxy.
 * @param[in,out] ctx The context.
 * @param[in]     url A proxy URL as libcurl takes it (`http://host:3128`),
 *                    or NULL for none (the default; the environment is
 *                    never consulted).
 * @retval MTASTS_OK      Success.
 * @retval MTASTS_EINVAL  @p ctx is NULL.
 * @retval MTASTS_ENOMEM  Out of memory.
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_ctx_set_proxy(mtasts_ctx *ctx, const char *url);

/**
 * @brief Connect somewhere else for a host and port, keeping the real
 *        name for SNI, the HTTP `Host` and the certificate check.
 *
 * For tests and split-horizon setups. Applies to policy fetches (port 443)
 * and MX probes (port 25). Several calls add several mappings.
 * @param[in,out] ctx  The context.
 * @param[in]     spec `HOST:PORT:ADDRESS:PORT`, e.g.
 *                     `mta-sts.example.com:443:127.0.0.1:8443` (an IPv6
 *                     address in brackets).
 * @retval MTASTS_OK      Success.
 * @retval MTASTS_EINVAL  @p ctx is NULL or @p spec is malformed.
 * @retval MTASTS_ENOMEM  Out of memory.
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_ctx_add_connect_to(mtasts_ctx *ctx, const char *spec);

/**
 * @brief Set context options.
 * @param[in,out] ctx     The context.
 * @param[in]     options 0 or #MTASTS_NET_LAX_CONTENT_TYPE.
 * @retval MTASTS_OK      Success.
 * @retval MTASTS_EINVAL  @p ctx is NULL or unknown bits.
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_ctx_set_options(mtasts_ctx *ctx, unsigned int options);

/** @} */

/* ======================================================================= */
/**
 * @defgroup dns DNS discovery
 * @brief The `_mta-sts` and `_smtp._tls` TXT records and the MX hosts of a
 *        domain (RFC 8461 §3.1, R-05…R-08; RFC 8460 §3; digest §1.2).
 *
 * Lookups follow CNAME chains (R-08; loops and chains longer than 8 are an
 * error), join the strings of each TXT RR (R-07) and apply the record
 * families' RRset selection. The outcome of the DNS query is reported as a
 * ::mtasts_dns_result, because a temporary failure (#MTASTS_DNS_SERVFAIL,
 * #MTASTS_DNS_TIMEOUT) and the absence of a record (#MTASTS_DNS_NXDOMAIN,
 * #MTASTS_DNS_NODATA) mean different things to an MTA (A-22).
 *
 * An application with its own resolver (an MTA) installs it with
 * mtasts_ctx_set_resolver(); the library then asks it instead of c-ares (its callback is also
 * asked for the A and AAAA records of the policy host and MX hosts).
 * @{
 */

/** @brief Outcome of a DNS query. Values are fixed. @since 1.0 */
enum mtasts_dns_result {
	/** Records of the type asked for were found. */
	MTASTS_DNS_OK = 1,
	/** The name does not exist. */
	MTASTS_DNS_NXDOMAIN = 2,
	/** The name exists but has no record of that type. */
	MTASTS_DNS_NODATA = 3,
	/** The server failed (SERVFAIL, REFUSED): try again later. */
	MTASTS_DNS_SERVFAIL = 4,
	/** No answer in time: try again later. */
	MTASTS_DNS_TIMEOUT = 5,
	/** Any other failure (no server reachable, a malformed answer, a
	 *  CNAME loop): try again later. */
	MTASTS_DNS_ERROR = 6
};

/** DNS record types the library asks about. @since 1.0 */
#define MTASTS_RRTYPE_A 1
/** @copydoc MTASTS_RRTYPE_A */
#define MTASTS_RRTYPE_MX 15
/** @copydoc MTASTS_RRTYPE_A */
#define MTASTS_RRTYPE_TXT 16
/** @copydoc MTASTS_RRTYPE_A */
#define MTASTS_RRTYPE_AAAA 28

/** Opaque answer that a resolver callback fills. @since 1.0 */
typedef struct mtasts_dns_reply mtasts_dns_reply;

/**
 * @brief A resolver supplied by the application.
 *
 * Called with a fully qualified name (no trailing dot) and one of the
 * MTASTS_RRTYPE_* types; it must resolve the name as a recursive resolver
 * does (following CNAMEs), then describe the outcome with
 * mtasts_dns_reply_set_result() and the records with the
 * mtasts_dns_reply_add_*() functions. It may be called from several
 * threads at once if the context is.
 * @param[in]     user   The pointer given to mtasts_ctx_set_resolver().
 * @param[in]     name   The name to resolve.
 * @param[in]     rrtype The record type.
 * @param[in,out] reply  The answer to fill.
 * @return #MTASTS_OK, or a negative status to abort the operation with it.
 * @since 1.0
 */
typedef int (*mtasts_dns_fn)(void *user, const char *name, int rrtype,
                             mtasts_dns_reply *reply);

/**
 * @brief Resolve through the application's callback instead of c-ares.
 * @param[in,out] ctx  The context.
 * @param[in]     fn   The callback, or NULL to go back to c-ares.
 * @param[in]     user Passed to @p fn unchanged.
 * @retval MTASTS_OK      Success.
 * @retval MTASTS_EINVAL  @p ctx is NULL.
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_ctx_set_resolver(mtasts_ctx *ctx, mtasts_dns_fn fn,
                                          void *user);

/**
 * @brief Set the outcome of the query (the default is #MTASTS_DNS_OK
 *        when records were added, #MTASTS_DNS_NODATA otherwise).
 * @param[in,out] reply  The reply.
 * @param[in]     result A ::mtasts_dns_result value.
 * @retval MTASTS_OK     Success.
 * @retval MTASTS_EINVAL NULL @p reply or unknown @p result.
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_dns_reply_set_result(mtasts_dns_reply *reply,
                                              int result);

/**
 * @brief Add one TXT RR, as its RDATA in wire format (length-prefixed
 *        character-strings; the library joins them, R-07).
 * @param[in,out] reply The reply.
 * @param[in]     rdata The RDATA (copied).
 * @param[in]     len   Its length.
 * @retval MTASTS_OK        Success.
 * @retval MTASTS_EINVAL    NULL argument, or the question is not TXT.
 * @retval MTASTS_ETOOLARGE More than #MTASTS_RRSET_MAX records.
 * @retval MTASTS_ENOMEM    Out of memory.
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_dns_reply_add_txt(mtasts_dns_reply *reply,
                                           const unsigned char *rdata,
                                           size_t len);

/**
 * @brief Add one MX RR.
 * @param[in,out] reply      The reply.
 * @param[in]     preference Its preference (0-65535).
 * @param[in]     host       The exchange's name (copied; "." for a null
 *                           MX, RFC 7505).
 * @retval MTASTS_OK        Success.
 * @retval MTASTS_EINVAL    NULL argument, preference out of range, or the
 *                          question is not MX.
 * @retval MTASTS_ETOOLARGE More than #MTASTS_RRSET_MAX records.
 * @retval MTASTS_ENOMEM    Out of memory.
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_dns_reply_add_mx(mtasts_dns_reply *reply,
                                          unsigned int preference,
                                          const char *host);

/**
 * @brief Add one A or AAAA RR.
 * @param[in,out] reply   The reply.
 * @param[in]     address The address as text (`192.0.2.1`, `2001:db8::1`).
 * @retval MTASTS_OK        Success.
 * @retval MTASTS_EINVAL    NULL argument, not an address of the question's
 *                          family, or the question is not A/AAAA.
 * @retval MTASTS_ETOOLARGE More than #MTASTS_RRSET_MAX records.
 * @retval MTASTS_ENOMEM    Out of memory.
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_dns_reply_add_address(mtasts_dns_reply *reply,
                                               const char *address);

/**
 * @brief Discover a domain's STSv1 record: look up `_mta-sts.<domain>` TXT,
 *        select and parse the record (R-05…R-08).
 * @param[in]     ctx        The context.
 * @param[in]     domain     The Policy Domain (a trailing dot is fine).
 * @param[out]    out        Receives the record; NULL on failure.
 * @param[out]    dns_result Optional; receives the ::mtasts_dns_result of
 *                           the lookup (0 if it did not happen).
 * @param[in]     flags      #MTASTS_PARSE_DEFAULT or #MTASTS_PARSE_LENIENT.
 * @param[in,out] diag       Optional list that receives every problem.
 * @retval MTASTS_OK         One valid record.
 * @retval MTASTS_ENORECORD  NXDOMAIN, NODATA, or no STSv1 record among
 *                           the TXT RRs: the domain has no policy (R-06).
 * @retval MTASTS_EMULTIPLE  Several STSv1 records: no policy (R-06).
 * @retval MTASTS_ETOOLARGE  More than #MTASTS_RRSET_MAX TXT RRs, as for
 *                           mtasts_record_select().
 * @retval MTASTS_EDNS       The lookup failed temporarily (SERVFAIL,
 *                           timeout, no server, CNAME loop): keep using a
 *                           cached policy (A-22, R-09).
 * @retval MTASTS_EINVAL     NULL argument, a @p domain that is not a host
 *                           name, or unknown @p flags bits.
 * @retval MTASTS_ENOMEM     Out of memory.
 * @retval MTASTS_ENOTSUP    No resolver: built without the network layer
 *                           and none set with mtasts_ctx_set_resolver().
 * @return Otherwise the status of mtasts_record_parse() for the one
 *         candidate (an invalid record: no policy, R-06).
 * @since 1.0
 */
MTASTS_EXPORT MTASTS_NODISCARD int
mtasts_discover_record(mtasts_ctx *ctx, const char *domain, mtasts_record **out,
                       int *dns_result, unsigned int flags, mtasts_diag *diag);

/**
 * @brief Discover a domain's TLSRPTv1 record at `_smtp._tls.<domain>`
 *        (RFC 8460 §3, T-06…T-08).
 * @param[in]     ctx        The context.
 * @param[in]     domain     The Policy Domain.
 * @param[out]    out        Receives the record; NULL on failure.
 * @param[out]    dns_result Optional; the ::mtasts_dns_result of the
 *                           lookup.
 * @param[in]     flags      #MTASTS_PARSE_DEFAULT or #MTASTS_PARSE_LENIENT.
 * @param[in,out] diag       Optional list that receives every problem.
 * @return As mtasts_discover_record(), with mtasts_tlsrpt_parse()'s
 *         statuses for the one candidate.
 * @since 1.0
 */
MTASTS_EXPORT MTASTS_NODISCARD int
mtasts_discover_tlsrpt(mtasts_ctx *ctx, const char *domain, mtasts_tlsrpt **out,
                       int *dns_result, unsigned int flags, mtasts_diag *diag);

/** Opaque list of MX hosts. @since 1.0 */
typedef struct mtasts_mx_list mtasts_mx_list;

/**
 * @brief Look up a domain's MX hosts, sorted by preference then name.
 *
 * When the domain exists but has no MX record (NODATA), mail goes to the
 * domain itself (RFC 5321 §5.1): the list then holds the domain, and
 * mtasts_mx_list_implicit() says so (A-15). A null MX (RFC 7505) gives an
 * empty list and mtasts_mx_list_null().
 * @param[in]     ctx        The context.
 * @param[in]     domain     The domain.
 * @param[out]    out        Receives the list; NULL on failure.
 * @param[out]    dns_result Optional; the ::mtasts_dns_result of the
 *                           lookup.
 * @param[in,out] diag       Optional list that receives every problem.
 * @retval MTASTS_OK        A list (maybe implicit or null).
 * @retval MTASTS_ENORECORD The domain does not exist (NXDOMAIN).
 * @retval MTASTS_EDNS      The lookup failed temporarily.
 * @retval MTASTS_EINVAL    NULL argument or a @p domain that is not a host
 *                          name.
 * @retval MTASTS_ENOMEM    Out of memory.
 * @retval MTASTS_ENOTSUP  No resolver: built without the network layer
 *                          and none set with mtasts_ctx_set_resolver().
 * @since 1.0
 */
MTASTS_EXPORT MTASTS_NODISCARD int
mtasts_lookup_mx(mtasts_ctx *ctx, const char *domain, mtasts_mx_list **out,
                 int *dns_result, mtasts_diag *diag);

/**
 * @brief Free an MX list.
 * @param[in] list The list, or NULL (nothing happens).
 * @since 1.0
 */
MTASTS_EXPORT void mtasts_mx_list_free(mtasts_mx_list *list);

/**
 * @brief Number of MX hosts.
 * @param[in] list A list; NULL counts as empty.
 * @return The count.
 * @since 1.0
 */
MTASTS_EXPORT size_t mtasts_mx_list_count(const mtasts_mx_list *list);

/**
 * @brief MX host @p index, lower case, without a trailing dot.
 * @param[in] list  A list.
 * @param[in] index 0-based index.
 * @return The host name, owned by @p list; NULL if out of range.
 * @since 1.0
 */
MTASTS_EXPORT const char *mtasts_mx_list_host(const mtasts_mx_list *list,
                                              size_t index);

/**
 * @brief Preference of MX host @p index.
 * @param[in] list  A list.
 * @param[in] index 0-based index.
 * @return The preference, or -1 if out of range (0 for an implicit MX).
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_mx_list_preference(const mtasts_mx_list *list,
                                            size_t index);

/**
 * @brief Whether the list is the implicit MX: the domain has no MX record
 *        and its only entry is the domain itself (A-15).
 * @param[in] list A list.
 * @return 1 or 0.
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_mx_list_implicit(const mtasts_mx_list *list);

/**
 * @brief Whether the domain publishes a null MX (RFC 7505): it accepts no
 *        mail; the list is empty.
 * @param[in] list A list.
 * @return 1 or 0.
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_mx_list_null(const mtasts_mx_list *list);

/** @} */

/* ======================================================================= */
/**
 * @defgroup fetch Policy fetch
 * @brief `GET https://mta-sts.<domain>/.well-known/mta-sts.txt` with every
 *        rule of RFC 8461 §3.3 enforced by the library (digest §3).
 *
 * HTTPS only (R-12), the certificate verified for `mta-sts.<domain>` with
 * SNI (R-24, R-25, R-49), TLS 1.2 or later (R-53), no redirect followed
 * (R-28: a 3xx fails), only status 200 is a policy (R-27), no HTTP cache
 * or conditional request (R-29), no content encoding asked for, the media
 * type `text/plain` required (R-13, A-09; parameters ignored, compared
 * case-insensitively; see #MTASTS_NET_LAX_CONTENT_TYPE), the body capped
 * while it streams in and the whole fetch under a deadline (R-31), no
 * proxy unless configured. A body that arrives but is not a valid policy
 * is a failure too (A-14). The result carries what an MTA must cache and
 * report: the record id the policy was fetched under (A-21), the fetch
 * time (A-20), the HTTP status, the media type, the body as received (for
 * the `policy-string` of a report, RFC 8460 §4.5) and, on failure, the
 * RFC 8460 result type (R-48).
 * @{
 */

/** Opaque outcome of a policy fetch. @since 1.0 */
typedef struct mtasts_fetch_result mtasts_fetch_result;

/** Opaque description of an HTTP response that a fetch callback fills.
 *  @since 1.0 */
typedef struct mtasts_http_reply mtasts_http_reply;

/**
 * @brief An HTTPS fetcher supplied by the application.
 *
 * It must send a plain GET for @p url with SNI, verify the server's
 * certificate for the URL's host, not follow redirects and not decode
 * content encodings, and describe the response with the
 * mtasts_http_reply_*() functions; the library then applies the status,
 * media type, size and parsing rules itself.
 * @param[in]     user  The pointer given to mtasts_ctx_set_fetcher().
 * @param[in]     url   The policy URL.
 * @param[in,out] reply The response to fill.
 * @return #MTASTS_OK, or a negative status to abort the fetch with it.
 * @since 1.0
 */
typedef int (*mtasts_https_fn)(void *user, const char *url,
                               mtasts_http_reply *reply);

/**
 * @brief Fetch policies through the application's callback instead of
 *        libcurl.
 * @param[in,out] ctx  The context.
 * @param[in]     fn   The callback, or NULL to go back to libcurl.
 * @param[in]     user Passed to @p fn unchanged.
 * @retval MTASTS_OK      Success.
 * @retval MTASTS_EINVAL  @p ctx is NULL.
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_ctx_set_fetcher(mtasts_ctx *ctx, mtasts_https_fn fn,
                                         void *user);

/**
 * @brief Set the HTTP status of the response.
 * @param[in,out] reply  The reply.
 * @param[in]     status 100-599.
 * @retval MTASTS_OK     Success.
 * @retval MTASTS_EINVAL NULL @p reply or @p status out of range.
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_http_reply_set_status(mtasts_http_reply *reply,
                                               int status);

/**
 * @brief Set the value of the response's `Content-Type` header.
 * @param[in,out] reply The reply.
 * @param[in]     value The header value (copied), or NULL for none.
 * @retval MTASTS_OK     Success.
 * @retval MTASTS_EINVAL NULL @p reply.
 * @retval MTASTS_ENOMEM Out of memory.
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_http_reply_set_content_type(mtasts_http_reply *reply,
                                                     const char *value);

/**
 * @brief Append bytes of the body, as they arrive.
 * @param[in,out] reply The reply.
 * @param[in]     data  The bytes (copied).
 * @param[in]     len   Their number.
 * @retval MTASTS_OK        Success.
 * @retval MTASTS_EINVAL    NULL @p reply, or NULL @p data with @p len > 0.
 * @retval MTASTS_ETOOLARGE The body passed the context's cap: stop reading.
 * @retval MTASTS_ENOMEM    Out of memory.
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_http_reply_append_body(mtasts_http_reply *reply,
                                                const void *data, size_t len);

/**
 * @brief Report that no response could be obtained.
 * @param[in,out] reply   The reply.
 * @param[in]     status  #MTASTS_ETLS for a certificate or TLS failure,
 *                        #MTASTS_EFETCH for anything else.
 * @param[in]     message A human explanation (copied), or NULL.
 * @retval MTASTS_OK     Success.
 * @retval MTASTS_EINVAL NULL @p reply or another @p status.
 * @retval MTASTS_ENOMEM Out of memory.
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_http_reply_set_error(mtasts_http_reply *reply,
                                              int status, const char *message);

/**
 * @brief Fetch and parse a domain's policy.
 *
 * Unlike the parsers, this call gives a result object whenever a fetch was
 * attempted, whatever its outcome, so that the failure can be cached and
 * reported; *out is NULL only with #MTASTS_EINVAL, #MTASTS_ENOMEM and
 * #MTASTS_ENOTSUP.
 * @param[in]     ctx       The context.
 * @param[in]     domain    The Policy Domain (a trailing dot is fine).
 * @param[in]     record_id The id of the STSv1 record the fetch follows
 *                          (copied into the result, A-21), or NULL.
 * @param[in]     flags     Parse flags for the body: #MTASTS_PARSE_DEFAULT
 *                          or #MTASTS_PARSE_LENIENT.
 * @param[out]    out       Receives the result; free it with
 *                          mtasts_fetch_result_free().
 * @param[in,out] diag      Optional list that receives every problem
 *                          (codes 7xx for the fetch, the parser's for the
 *                          body).
 * @retval MTASTS_OK      A valid policy was fetched.
 * @retval MTASTS_ETLS    The policy host's certificate or TLS failed
 *                        (report `sts-webpki-invalid`).
 * @retval MTASTS_EFETCH  No policy was obtained: connection, timeout, a
 *                        status other than 200, a redirect, another media
 *                        type, a body over the cap (report
 *                        `sts-policy-fetch-error`).
 * @retval MTASTS_EINVAL  NULL argument, a @p domain that is not a host
 *                        name, or unknown @p flags bits.
 * @retval MTASTS_ENOMEM  Out of memory.
 * @retval MTASTS_ENOTSUP No fetcher: built without the network layer and
 *                        none set with mtasts_ctx_set_fetcher().
 * @return Otherwise the status of mtasts_policy_parse() for the body
 *         (report `sts-policy-invalid`, A-14).
 * @since 1.0
 */
MTASTS_EXPORT MTASTS_NODISCARD int
mtasts_policy_fetch(mtasts_ctx *ctx, const char *domain, const char *record_id,
                    unsigned int flags, mtasts_fetch_result **out,
                    mtasts_diag *diag);

/**
 * @brief Free a fetch result (and the policy it holds).
 * @param[in] result The result, or NULL (nothing happens).
 * @since 1.0
 */
MTASTS_EXPORT void mtasts_fetch_result_free(mtasts_fetch_result *result);

/**
 * @brief The status mtasts_policy_fetch() returned for this fetch.
 * @param[in] result A result.
 * @return The status (#MTASTS_EINVAL for NULL).
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_fetch_result_status(const mtasts_fetch_result *result);

/**
 * @brief The fetched policy.
 * @param[in] result A result.
 * @return The policy, owned by @p result; NULL unless the fetch succeeded.
 * @since 1.0
 */
MTASTS_EXPORT const mtasts_policy *
mtasts_fetch_result_policy(const mtasts_fetch_result *result);

/**
 * @brief The RFC 8460 result type to report for this fetch (R-48).
 * @param[in] result A result.
 * @return #MTASTS_RESULT_STS_POLICY_FETCH_ERROR,
 *         #MTASTS_RESULT_STS_WEBPKI_INVALID or
 *         #MTASTS_RESULT_STS_POLICY_INVALID; 0 on success or NULL.
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_fetch_result_type(const mtasts_fetch_result *result);

/**
 * @brief The URL that was fetched.
 * @param[in] result A result.
 * @return The URL, owned by @p result; NULL for NULL.
 * @since 1.0
 */
MTASTS_EXPORT const char *
mtasts_fetch_result_url(const mtasts_fetch_result *result);

/**
 * @brief The record id given to mtasts_policy_fetch() (A-21).
 * @param[in] result A result.
 * @return The id, owned by @p result, or NULL if none was given.
 * @since 1.0
 */
MTASTS_EXPORT const char *
mtasts_fetch_result_record_id(const mtasts_fetch_result *result);

/**
 * @brief When the fetch ended, in seconds since the epoch (the start of
 *        the policy's lifetime when it succeeded, A-20).
 * @param[in] result A result.
 * @return The time; 0 for NULL.
 * @since 1.0
 */
MTASTS_EXPORT int64_t
mtasts_fetch_result_time(const mtasts_fetch_result *result);

/**
 * @brief The HTTP status of the response.
 * @param[in] result A result.
 * @return The status, or 0 if no response was received.
 * @since 1.0
 */
MTASTS_EXPORT int
mtasts_fetch_result_http_status(const mtasts_fetch_result *result);

/**
 * @brief The response's `Content-Type` header value, as received.
 * @param[in] result A result.
 * @return The value (printable ASCII; other bytes as `\xNN`), owned by
 *         @p result, or NULL if there was none.
 * @since 1.0
 */
MTASTS_EXPORT const char *
mtasts_fetch_result_content_type(const mtasts_fetch_result *result);

/**
 * @brief The body as received (at most the cap).
 * @param[in]  result A result.
 * @param[out] len    Receives the length (0 when there is no body).
 * @return The bytes, owned by @p result and NUL-terminated after @p len
 *         bytes (the body itself may hold NULs); NULL if no body arrived.
 * @since 1.0
 */
MTASTS_EXPORT const char *
mtasts_fetch_result_body(const mtasts_fetch_result *result, size_t *len);

/**
 * @brief A human explanation of a failed fetch.
 * @param[in] result A result.
 * @return Printable ASCII text owned by @p result, or NULL on success.
 * @since 1.0
 */
MTASTS_EXPORT const char *
mtasts_fetch_result_error(const mtasts_fetch_result *result);

/** @} */

/* ======================================================================= */
/**
 * @defgroup probe MX TLS probe
 * @brief Check an MX host the way a sender applying a policy will
 *        (RFC 8461 §4.2, §7.1; R-40, R-50): STARTTLS offered on port 25,
 *        a certificate that chains to a trusted root, is not expired and
 *        names the MX host (SNI sent).
 * @{
 */

/** Opaque outcome of an MX probe. @since 1.0 */
typedef struct mtasts_tls_probe mtasts_tls_probe;

/**
 * @brief Connect to an MX host on port 25 and test STARTTLS and its
 *        certificate.
 *
 * The connection follows the context's connect-to mappings; the CA file
 * or directory of the context is the trust anchor. *out receives a result
 * whenever a connection was attempted.
 * @param[in]     ctx  The context.
 * @param[in]     host The MX host name (a trailing dot is fine).
 * @param[out]    out  Receives the result; free it with
 *                     mtasts_tls_probe_free().
 * @param[in,out] diag Optional list that receives every problem.
 * @retval MTASTS_OK      STARTTLS and a valid certificate for @p host.
 * @retval MTASTS_ETLS    STARTTLS is not offered, or the certificate or
 *                        the TLS session failed (the result type says
 *                        which).
 * @retval MTASTS_EFETCH  No SMTP session (connection refused, timeout, no
 *                        greeting).
 * @retval MTASTS_EINVAL  NULL argument or @p host is not a host name.
 * @retval MTASTS_ENOMEM  Out of memory.
 * @retval MTASTS_ENOTSUP Built without the network layer (the probe has
 *                        no callback form: it needs libcurl).
 * @since 1.0
 */
MTASTS_EXPORT MTASTS_NODISCARD int mtasts_probe_mx(mtasts_ctx *ctx,
                                                   const char *host,
                                                   mtasts_tls_probe **out,
                                                   mtasts_diag *diag);

/**
 * @brief Free a probe result.
 * @param[in] probe The result, or NULL (nothing happens).
 * @since 1.0
 */
MTASTS_EXPORT void mtasts_tls_probe_free(mtasts_tls_probe *probe);

/**
 * @brief The status mtasts_probe_mx() returned.
 * @param[in] probe A result.
 * @return The status (#MTASTS_EINVAL for NULL).
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_tls_probe_status(const mtasts_tls_probe *probe);

/**
 * @brief Whether the server offered STARTTLS.
 * @param[in] probe A result.
 * @return 1 offered, 0 not offered, -1 unknown (no SMTP session).
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_tls_probe_starttls(const mtasts_tls_probe *probe);

/**
 * @brief The RFC 8460 result type a sender would report for this MX
 *        (R-48): `starttls-not-supported`, `certificate-expired`,
 *        `certificate-host-mismatch`, `certificate-not-trusted` or
 *        `validation-failure`.
 * @param[in] probe A result.
 * @return A ::mtasts_result_type value; 0 if the MX passed or for NULL.
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_tls_probe_result_type(const mtasts_tls_probe *probe);

/**
 * @brief When the server's certificate expires, in seconds since the epoch.
 * @param[in] probe A result.
 * @return The notAfter time of the certificate when it verified, else 0.
 * @since 1.0
 */
MTASTS_EXPORT int64_t mtasts_tls_probe_not_after(const mtasts_tls_probe *probe);

/**
 * @brief A human explanation of a failed probe.
 * @param[in] probe A result.
 * @return Printable ASCII owned by @p probe, or NULL if it passed.
 * @since 1.0
 */
MTASTS_EXPORT const char *mtasts_tls_probe_error(const mtasts_tls_probe *probe);

/** @} */

/* ======================================================================= */
/**
 * @defgroup cache Policy cache decisions
 * @brief The caching rules of RFC 8461 (§3, §3.3, §5.1, §10.2; digest §4)
 *        as pure functions: no I/O, no clock, no threads.
 *
 * An MTA keeps one ::mtasts_cache_entry per Policy Domain, in memory or in
 * its own store (mtasts_cache_entry_serialize()). For each delivery it
 * asks mtasts_cache_decide() what to do, given the entry, what it knows of
 * the `_mta-sts` TXT record and the time; it performs the I/O the answer
 * asks for (its own DNS and HTTPS, or mtasts_discover_record() and
 * mtasts_policy_fetch()), records the outcome with
 * mtasts_cache_entry_update() (or _store() / _fail()), and applies the
 * policy with mtasts_plan_new().
 *
 * The rules encoded: a cached policy is usable while the time since its
 * fetch does not exceed its max_age (C1, A-19); a TXT id different from
 * the cached one means a new policy to fetch (C2, R-04); without a usable
 * policy, fetch (C3, R-47); a fetched valid policy replaces the cached one
 * whatever its mode, `none` included (C4); a failed fetch or a DNS failure
 * keeps the usable cached policy (C5, C7, R-33, R-09) and without one no
 * policy applies (C6, R-32); after a failed fetch for an id, no new
 * attempt for that id for 5 minutes (R-30); a usable policy is refreshed
 * in the background before it expires, at the latest one day after its
 * fetch (or at half its max_age if that is shorter) (C8, R-34); a first
 * policy needs a TXT record (C12), a refresh does not.
 *
 * Entries are not thread-safe objects: an MTA sharing one between threads
 * locks it. Times are seconds since the epoch (int64_t).
 * @{
 */

/** @brief What the MTA knows of the `_mta-sts` TXT record. Values are
 *  fixed. @since 1.0 */
enum mtasts_txt_state {
	/** Not looked up for this decision. */
	MTASTS_TXT_NOT_CHECKED = 0,
	/** One valid STSv1 record; its id is given. */
	MTASTS_TXT_FOUND = 1,
	/** No usable record: NXDOMAIN, NODATA, none or several STSv1
	 *  records, an invalid record (R-06). */
	MTASTS_TXT_ABSENT = 2,
	/** The lookup failed temporarily (SERVFAIL, timeout) (A-22). */
	MTASTS_TXT_TEMPFAIL = 3
};

/**
 * @brief The ::mtasts_txt_state that a status of mtasts_discover_record()
 *        stands for.
 *
 * #MTASTS_OK is #MTASTS_TXT_FOUND. #MTASTS_EDNS (temporary, A-22) and the
 * local failures that say nothing about the domain (#MTASTS_ENOMEM,
 * #MTASTS_EINVAL, #MTASTS_ENOTSUP) are #MTASTS_TXT_TEMPFAIL: a usable
 * cached policy keeps applying and no first policy is fetched. Every
 * other status (no record, several, an invalid one) is
 * #MTASTS_TXT_ABSENT (R-06, C7). This function is the single place that
 * encodes the mapping.
 * @param[in] status A status returned by mtasts_discover_record() (or by
 *                   the application's own discovery, in the same terms).
 * @return A ::mtasts_txt_state value.
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_txt_state_from_status(int status);

/** @brief What mtasts_cache_decide() asks the MTA to do. Values are fixed.
 *  @since 1.0 */
enum mtasts_cache_action {
	/** Apply the cached policy (mtasts_cache_entry_policy()). */
	MTASTS_ACTION_USE = 1,
	/** Apply the cached policy now, and fetch the policy again in the
	 *  background (a new id, or a refresh that is due). */
	MTASTS_ACTION_REFRESH = 2,
	/** Nothing usable is cached: fetch the policy now, record the
	 *  outcome, then decide again (or deliver without MTA-STS if the MTA
	 *  does not wait, R-47). */
	MTASTS_ACTION_FETCH = 3,
	/** Nothing usable is cached and the TXT record was not checked: look
	 *  it up, then decide again. */
	MTASTS_ACTION_LOOKUP = 4,
	/** No policy applies: deliver as if the domain had no MTA-STS
	 *  (R-32). */
	MTASTS_ACTION_NONE = 5
};

/**
 * @brief The name of an action: "use", "refresh", "fetch", "lookup",
 *        "none".
 * @param[in] action A ::mtasts_cache_action value.
 * @return A static string, or NULL for an unknown value.
 * @since 1.0
 */
MTASTS_EXPORT const char *mtasts_cache_action_name(int action);

/** The shortest wait between two fetches for the same id after a failure,
 *  in seconds (R-30). @since 1.0 */
#define MTASTS_CACHE_RETRY_DELAY 300
/** The longest time a usable policy goes without a refresh, in seconds
 *  (C8: daily). @since 1.0 */
#define MTASTS_CACHE_REFRESH_MAX 86400

/** Opaque cached state of one Policy Domain. @since 1.0 */
typedef struct mtasts_cache_entry mtasts_cache_entry;

/**
 * @brief Create an empty entry (no policy, no failure) for a domain.
 * @param[out] out    Receives the entry; free it with
 *                    mtasts_cache_entry_free(). NULL on failure.
 * @param[in]  domain The Policy Domain (stored lower case, without a
 *                    trailing dot).
 * @retval MTASTS_OK     Success.
 * @retval MTASTS_EINVAL NULL argument or @p domain is not a host name.
 * @retval MTASTS_ENOMEM Out of memory.
 * @since 1.0
 */
MTASTS_EXPORT MTASTS_NODISCARD int
mtasts_cache_entry_new(mtasts_cache_entry **out, const char *domain);

/**
 * @brief Free an entry and the policy it holds.
 * @param[in] entry The entry, or NULL (nothing happens).
 * @since 1.0
 */
MTASTS_EXPORT void mtasts_cache_entry_free(mtasts_cache_entry *entry);

/**
 * @brief The entry's Policy Domain.
 * @param[in] entry An entry.
 * @return The domain, owned by @p entry; NULL for NULL.
 * @since 1.0
 */
MTASTS_EXPORT const char *
mtasts_cache_entry_domain(const mtasts_cache_entry *entry);

/**
 * @brief The cached policy, usable or not.
 * @param[in] entry An entry.
 * @return The policy, owned by @p entry and valid until the next call
 *         that changes it; NULL when none was ever stored.
 * @since 1.0
 */
MTASTS_EXPORT const mtasts_policy *
mtasts_cache_entry_policy(const mtasts_cache_entry *entry);

/**
 * @brief The TXT id the cached policy was fetched under (A-21).
 * @param[in] entry An entry.
 * @return The id, owned by @p entry; "" when the policy was stored without
 *         an id; NULL without a policy.
 * @since 1.0
 */
MTASTS_EXPORT const char *
mtasts_cache_entry_id(const mtasts_cache_entry *entry);

/**
 * @brief When the cached policy was fetched.
 * @param[in] entry An entry.
 * @return The time, or 0 without a policy.
 * @since 1.0
 */
MTASTS_EXPORT int64_t
mtasts_cache_entry_fetched_at(const mtasts_cache_entry *entry);

/**
 * @brief The last moment the cached policy is usable: fetch time plus
 *        max_age (C1, A-19).
 * @param[in] entry An entry.
 * @return The time, or 0 without a policy.
 * @since 1.0
 */
MTASTS_EXPORT int64_t
mtasts_cache_entry_expires_at(const mtasts_cache_entry *entry);

/**
 * @brief Whether the cached policy may be applied at @p now (C1, R-23).
 * @param[in] entry An entry, or NULL.
 * @param[in] now   The current time.
 * @return 1 if a policy is cached and @p now is not after its expiry
 *         time; 0 otherwise.
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_cache_entry_usable(const mtasts_cache_entry *entry,
                                            int64_t now);

/**
 * @brief When the last failed fetch happened (cleared by a successful
 *        store).
 * @param[in] entry An entry.
 * @return The time, or 0 when none failed since the last success.
 * @since 1.0
 */
MTASTS_EXPORT int64_t
mtasts_cache_entry_failed_at(const mtasts_cache_entry *entry);

/**
 * @brief The TXT id of the last failed fetch.
 * @param[in] entry An entry.
 * @return The id ("" if the fetch had none), owned by @p entry; NULL
 *         when none failed since the last success.
 * @since 1.0
 */
MTASTS_EXPORT const char *
mtasts_cache_entry_failed_id(const mtasts_cache_entry *entry);

/**
 * @brief How many fetches failed in a row since the last success (for the
 *        administrator alerts of C9, R-35, R-60; not for mode none).
 * @param[in] entry An entry.
 * @return The count; 0 for NULL.
 * @since 1.0
 */
MTASTS_EXPORT unsigned int
mtasts_cache_entry_failures(const mtasts_cache_entry *entry);

/**
 * @brief Store a freshly fetched valid policy (C4): it replaces the
 *        cached one whatever its mode, and the failure state is cleared.
 * @param[in,out] entry      The entry.
 * @param[in]     policy     The policy (copied).
 * @param[in]     id         The TXT id it was fetched under (copied), or
 *                           NULL for a refresh made without a record
 *                           (the entry then keeps the id it had, "" if
 *                           none).
 * @param[in]     fetched_at The fetch time.
 * @retval MTASTS_OK     Success.
 * @retval MTASTS_EINVAL NULL @p entry or @p policy, or an invalid @p id
 *                       (mtasts_id_check()).
 * @retval MTASTS_ENOMEM Out of memory (the entry is unchanged).
 * @since 1.0
 */
MTASTS_EXPORT MTASTS_NODISCARD int
mtasts_cache_entry_store(mtasts_cache_entry *entry, const mtasts_policy *policy,
                         const char *id, int64_t fetched_at);

/**
 * @brief Record a failed fetch (C5, R-30): the cached policy is kept.
 * @param[in,out] entry The entry.
 * @param[in]     id    The TXT id the fetch was for (copied), or NULL.
 * @param[in]     when  The time of the failure.
 * @retval MTASTS_OK     Success.
 * @retval MTASTS_EINVAL NULL @p entry or an invalid @p id.
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_cache_entry_fail(mtasts_cache_entry *entry,
                                          const char *id, int64_t when);

/**
 * @brief Record the outcome of mtasts_policy_fetch(): store its policy on
 *        success, record a failure otherwise (an invalid body included,
 *        A-14), with the result's record id and time.
 * @param[in,out] entry  The entry.
 * @param[in]     result A fetch result for the entry's domain.
 * @retval MTASTS_OK     Success.
 * @retval MTASTS_EINVAL NULL argument, or a result for another domain.
 * @retval MTASTS_ENOMEM Out of memory (the entry is unchanged).
 * @since 1.0
 */
MTASTS_EXPORT MTASTS_NODISCARD int
mtasts_cache_entry_update(mtasts_cache_entry *entry,
                          const mtasts_fetch_result *result);

/**
 * @brief Decide what to do for a delivery to the entry's domain.
 *
 * | TXT state | usable policy cached | nothing usable cached |
 * | --- | --- | --- |
 * | not checked | USE (REFRESH when due) | LOOKUP |
 * | found, same id | USE (REFRESH when due) | FETCH (NONE within 5 min of a failure for this id) |
 * | found, new id | REFRESH (USE within 5 min of a failure for this id) | FETCH (the same back-off: NONE) |
 * | absent | USE (REFRESH when due, C12) | NONE |
 * | temporary failure | USE (REFRESH when due) | NONE |
 *
 * A refresh is due once the policy is MTASTS_CACHE_REFRESH_MAX seconds old,
 * or half its max_age if that is shorter, and not within 5 minutes of a
 * failure for its id.
 * @param[in]  entry      The domain's entry, or NULL when nothing is
 *                        cached.
 * @param[in]  txt_state  A ::mtasts_txt_state value.
 * @param[in]  txt_id     The record's id with #MTASTS_TXT_FOUND, else
 *                        ignored.
 * @param[in]  now        The current time.
 * @param[out] recheck_at Optional; receives the time at which the answer
 *                        may change without new information (the next
 *                        refresh or expiry, the end of a back-off), or
 *                        @p now when the MTA has something to do now.
 * @return A ::mtasts_cache_action value; #MTASTS_EINVAL for an unknown
 *         @p txt_state, or #MTASTS_TXT_FOUND with a NULL or invalid
 *         @p txt_id.
 * @since 1.0
 */
MTASTS_EXPORT int mtasts_cache_decide(const mtasts_cache_entry *entry,
                                      int txt_state, const char *txt_id,
                                      int64_t now, int64_t *recheck_at);

/**
 * @brief Serialise an entry for the MTA's own store.
 *
 * A small line-based text format, versioned by its first line
 * (`MTASTS-CACHE 1`): `domain`, then `id` and `fetched` with a policy,
 * `failed` and `failures` after a failed fetch, `policy LENGTH` followed
 * by the policy in canonical form, and a closing `end` line, so that a
 * truncated file is never read as a shorter valid entry. It holds only
 * printable ASCII and line feeds. mtasts_cache_entry_deserialize() reads
 * it back to an equal entry.
 * @param[in]  entry An entry.
 * @param[out] out   Receives the NUL-terminated text; free it with
 *                   mtasts_free(). NULL on failure.
 * @param[out] len   Optional; receives its length.
 * @retval MTASTS_OK     Success.
 * @retval MTASTS_EINVAL NULL @p entry or @p out.
 * @retval MTASTS_ENOMEM Out of memory.
 * @since 1.0
 */
MTASTS_EXPORT MTASTS_NODISCARD int
mtasts_cache_entry_serialize(const mtasts_cache_entry *entry, char **out,
                             size_t *len);

/**
 * @brief Read an entry written by mtasts_cache_entry_serialize().
 *
 * The input is untrusted (a file may be damaged): it is parsed strictly
 * and within bounds (at most #MTASTS_POLICY_MAX_SIZE plus 1024 bytes).
 * @param[out]    out  Receives the entry; NULL on failure.
 * @param[in]     data The text (need not be NUL-terminated).
 * @param[in]     len  Its length.
 * @param[in,out] diag Optional list that receives every problem: code
 *                     #MTASTS_D_CACHE_SYNTAX with the line, or the policy
 *                     parser's codes (lines counted from the start of the
 *                     policy).
 * @retval MTASTS_OK        Success.
 * @retval MTASTS_ESYNTAX   Malformed or of an unknown version.
 * @retval MTASTS_ETOOLARGE Longer than the bound.
 * @retval MTASTS_EINVAL    NULL @p out, or NULL @p data with @p len > 0.
 * @retval MTASTS_ENOMEM    Out of memory.
 * @return Otherwise the status of mtasts_policy_parse() for the embedded
 *         policy.
 * @since 1.0
 */
MTASTS_EXPORT MTASTS_NODISCARD int
mtasts_cache_entry_deserialize(mtasts_cache_entry **out, const char *data,
                               size_t len, mtasts_diag *diag);

/** @} */

/* ======================================================================= */
/**
 * @defgroup memory Memory
 * @{
 */

/**
 * @brief Free a string or buffer the library allocated for the caller
 *        (the `*_format_alloc` functions).
 * @param[in] ptr The pointer, or NULL (nothing happens).
 * @since 1.0
 */
MTASTS_EXPORT void mtasts_free(void *ptr);

/** @} */

#ifdef __cplusplus
}
#endif

#endif /* MTASTS_H */
