/* SPDX-License-Identifier: MIT */
/*
 * The TLSRPTv1 TXT record (RFC 8460 §3): parse, select, accessors,
 * canonical form, builder; and the RFC 8460 result-type and policy-type
 * registries. T-xx / TA-xx ids refer to the project's RFC 8460 digest.
 */
#include "private.h"

#include <stdlib.h>
#include <string.h>

#define TAG (&mtasts__tag_tlsrpt)

struct rua {
	const char *uri;
	int scheme;
};

struct mtasts_tlsrpt {
	size_t n_rua;
	size_t n_ext;
	struct rua *rua;
	struct mtasts__ext *ext;
	/* the arrays and the strings follow, in the same allocation */
};

/* ---- URIs (RFC 3986, T-04, T-05) ------------------------------------------ */

static int
is_hex(char c)
{
	return MTASTS__IS(c, MTASTS__C_DIGIT) ||
	       (MTASTS__LOWER(c) >= 'a' && MTASTS__LOWER(c) <= 'f');
}

/* Bytes a URI may hold (RFC 3986 §2: unreserved, gen-delims, sub-delims),
 * as a bitmap of ASCII: letters, digits and -._~:/?#[]@$&'()*+=. Left out:
 * ',' ';' (they separate elements and never reach here), '!' (reported on
 * its own, T-05) and '%' (checked for two hex digits). */
static const uint64_t uri_bits[2] = { 0xa7ffefd800000000ull,
	                              0x47fffffeafffffffull };

#define URI_CHAR(c) ((c) < 128 && ((uri_bits[(c) >> 6] >> ((c)&63)) & 1))

/* The index of the first of a, b or c in p[from..n), or n. */
static size_t
span_to(const char *p, size_t from, size_t n, char a, char b, char c)
{
	size_t i;

	for (i = from; i < n; i++)
		if (p[i] == a || p[i] == b || p[i] == c)
			return i;
	return n;
}

/* dec-octet "." dec-octet "." dec-octet "." dec-octet (RFC 3986 §3.2.2:
 * no leading zeros). */
static int
ipv4_ok(const char *s, size_t n)
{
	size_t i = 0;
	int part;

	for (part = 0; part < 4; part++) {
		size_t d = 0;
		unsigned int v = 0;

		if (part) {
			if (i >= n || s[i] != '.')
				return 0;
			i++;
		}
		while (i < n && d < 3 && MTASTS__IS(s[i], MTASTS__C_DIGIT)) {
			v = v * 10 + (unsigned int)(s[i++] - '0');
			d++;
		}
		if (d == 0 || v > 255 || (d > 1 && s[i - d] == '0'))
			return 0;
	}
	return i == n;
}

/* IPv6address (RFC 3986 §3.2.2): eight groups of 1-4 hex digits, or fewer
 * with one "::", the last two groups possibly an IPv4 address. */
static int
ipv6_ok(const char *s, size_t n)
{
	size_t i = 0;
	int groups = 0, gap = 0;

	if (n >= 2 && s[0] == ':' && s[1] == ':') {
		gap = 1;
		i = 2;
	} else if (n && s[0] == ':') {
		return 0;
	}
	while (i < n) {
		size_t j = i;

		while (j < n && j - i < 5 && is_hex(s[j]))
			j++;
		if (j < n && s[j] == '.') {
			if (!ipv4_ok(s + i, n - i))
				return 0;
			groups += 2;
			break;
		}
		if (j == i || j - i > 4)
			return 0;
		groups++;
		i = j;
		if (i == n)
			break;
		if (s[i] != ':' || i + 1 == n)
			return 0;
		i++;
		if (s[i] == ':') {
			if (gap)
				return 0;
			gap = 1;
			i++;
		}
	}
	return gap ? groups <= 7 : groups == 8;
}

/* IP-literal = "[" ( IPv6address / IPvFuture ) "]", without the brackets;
 * IPvFuture = "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" ). */
static int
ip_literal_ok(const char *s, size_t n)
{
	size_t i = 1;

	if (n && (s[0] == 'v' || s[0] == 'V')) {
		while (i < n && is_hex(s[i]))
			i++;
		if (i == 1 || i >= n - 1 || s[i] != '.')
			return 0;
		for (i++; i < n; i++)
			if (s[i] == '[' || s[i] == ']' || s[i] == '@' ||
			    s[i] == '/' || s[i] == '?' || s[i] == '#' ||
			    s[i] == '%')
				return 0;
		return 1;
	}
	return ipv6_ok(s, n);
}

/*
 * RFC 3986 §3 structure of a URI whose bytes are already known to be URI
 * bytes: scheme ":" hier-part [ "?" query ] [ "#" fragment ], with
 * hier-part = "//" authority path-abempty / path, and
 * authority = [ userinfo "@" ] host [ ":" port ]. What remains to check is
 * where '#', '[', ']', '@' and ':' may stand. Returns NULL if the URI is
 * well-formed, else a message, with *at the offset of the offending byte.
 */
static const char *
uri_structure(const char *p, size_t n, size_t colon, size_t *at)
{
	const char *cp;
	size_t i = colon + 1, end, hash, hs = n, he = n;

	cp = memchr(p + i, '#', n - i);
	hash = cp ? (size_t)(cp - p) : n;
	if (hash < n && (cp = memchr(p + hash + 1, '#', n - hash - 1))) {
		*at = (size_t)(cp - p);
		return "a second '#': a URI has one fragment at most";
	}
	end = span_to(p, i, hash, '?', '?', '?');
	if (end - i >= 2 && p[i] == '/' && p[i + 1] == '/') {
		size_t a = i + 2, ae = span_to(p, a, end, '/', '/', '/'), k;

		cp = memchr(p + a, '@', ae - a);
		hs = cp ? (size_t)(cp - p) + 1 : a;
		for (k = a; k + 1 < hs; k++) {
			if (p[k] == '[' || p[k] == ']') {
				*at = k;
				return "'[' or ']' in the userinfo of a URI";
			}
		}
		if (hs < ae && p[hs] == '[') {
			cp = memchr(p + hs, ']', ae - hs);
			if (!cp) {
				*at = hs;
				return "'[' without ']': an IP literal is not closed";
			}
			he = (size_t)(cp - p) + 1;
			if (!ip_literal_ok(p + hs + 1, he - hs - 2)) {
				*at = hs + 1;
				return "the IP literal is not an IPv6 address";
			}
			if (he < ae && p[he] != ':') {
				*at = he;
				return "only ':' and a port may follow an IP literal";
			}
		} else {
			cp = memchr(p + hs, ':', ae - hs);
			he = cp ? (size_t)(cp - p) : ae;
			for (k = hs; k < he; k++) {
				if (p[k] == '@' || p[k] == '[' || p[k] == ']') {
					*at = k;
					return "a host name cannot hold '@', '[' or ']'";
				}
			}
		}
		if (he < ae) {
			/* ":" port, port = *DIGIT */
			for (k = he + 1; k < ae; k++) {
				if (!MTASTS__IS(p[k], MTASTS__C_DIGIT)) {
					*at = k;
					return "the port of a URI must be digits";
				}
			}
		}
	}
	/* path, query and fragment: no '[' or ']' outside the IP literal */
	for (; i < n; i++) {
		if ((p[i] == '[' || p[i] == ']') && (i < hs || i >= he)) {
			*at = i;
			return "'[' and ']' may only enclose an IP literal host";
		}
	}
	return NULL;
}

/*
 * Check one rua URI p[0..n) and report at *loc. Returns its scheme, or 0
 * if the URI is invalid (an error was reported).
 */
static int
check_uri(const char *p, size_t n, struct mtasts__sink *s,
          const struct mtasts__loc *loc)
{
	char q[MTASTS__QUOTE_MAX];
	const char *cp;
	size_t i, colon;
	int scheme;

	/* scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" */
	cp = memchr(p, ':', n);
	colon = cp ? (size_t)(cp - p) : n;
	if (colon == n || colon == 0 || !MTASTS__IS(p[0], MTASTS__C_ALPHA)) {
		mtasts__report(s, MTASTS_D_TLSRPT_URI_SYNTAX,
		               MTASTS_SEVERITY_ERROR, MTASTS__AT(loc, 0),
		               "rua %s is not a URI: it needs a scheme such as "
		               "'mailto:' or 'https:' (T-03)",
		               mtasts__quote(s, q, sizeof(q), p, n));
		return 0;
	}
	for (i = 1; i < colon; i++) {
		if (!MTASTS__IS_ALNUM(p[i]) && p[i] != '+' && p[i] != '-' &&
		    p[i] != '.') {
			mtasts__report(
			        s, MTASTS_D_TLSRPT_URI_SYNTAX,
			        MTASTS_SEVERITY_ERROR, MTASTS__AT(loc, i),
			        "invalid URI scheme %s",
			        mtasts__quote(s, q, sizeof(q), p, colon));
			return 0;
		}
	}
	for (i = colon + 1; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (URI_CHAR(c))
			continue;
		if (c == '%' && i + 2 < n && is_hex(p[i + 1]) &&
		    is_hex(p[i + 2])) {
			i += 2;
			continue;
		}
		if (c == '!') {
			mtasts__report(
			        s, MTASTS_D_TLSRPT_URI_RESERVED,
			        MTASTS_SEVERITY_ERROR, MTASTS__AT(loc, i),
			        "'!' in rua URI %s must be percent-encoded "
			        "as %%21 (T-05, TA-03)",
			        mtasts__quote(s, q, sizeof(q), p, n));
			return 0;
		}
		if (c == '%')
			mtasts__report(
			        s, MTASTS_D_TLSRPT_URI_SYNTAX,
			        MTASTS_SEVERITY_ERROR, MTASTS__AT(loc, i),
			        "'%%' in a URI must start a percent-encoding "
			        "of two hex digits");
		else
			mtasts__report(
			        s, MTASTS_D_TLSRPT_URI_SYNTAX,
			        MTASTS_SEVERITY_ERROR, MTASTS__AT(loc, i),
			        "%s is not allowed in a URI (RFC 3986)",
			        mtasts__quote(s, q, sizeof(q), p + i, 1));
		return 0;
	}
	{
		size_t at = 0;
		const char *why = uri_structure(p, n, colon, &at);

		if (why) {
			mtasts__report(
			        s, MTASTS_D_TLSRPT_URI_SYNTAX,
			        MTASTS_SEVERITY_ERROR, MTASTS__AT(loc, at),
			        "rua %s is not a URI: %s (RFC 3986)",
			        mtasts__quote(s, q, sizeof(q), p, n), why);
			return 0;
		}
	}

	if (colon == 6 && mtasts__ascii_caseeq(p, "mailto", 6)) {
		/* mailto:local@domain[?hfields] (RFC 6068) */
		size_t end = span_to(p, colon + 1, n, '?', '#', '#'), at;

		cp = memchr(p + colon + 1, '@', end - colon - 1);
		at = cp ? (size_t)(cp - p) : end;
		if (at == end || at == colon + 1 || at + 1 == end) {
			mtasts__report(s, MTASTS_D_TLSRPT_MAILTO,
			               MTASTS_SEVERITY_ERROR,
			               MTASTS__AT(loc, 0),
			               "mailto URI %s has no 'local@domain' "
			               "address (T-04)",
			               mtasts__quote(s, q, sizeof(q), p, n));
			return 0;
		}
		if (end < n && p[end] == '?')
			mtasts__report(
			        s, MTASTS_D_TLSRPT_MAILTO_HEADERS,
			        MTASTS_SEVERITY_WARNING, MTASTS__AT(loc, end),
			        "header fields in mailto URI %s are ignored "
			        "by reporters (TA-06)",
			        mtasts__quote(s, q, sizeof(q), p, n));
		scheme = MTASTS_RUA_MAILTO;
	} else if (colon == 5 && mtasts__ascii_caseeq(p, "https", 5)) {
		/* https://[userinfo@]host[:port][/path] */
		size_t h = colon + 1, e, at;

		if (n - h < 2 || p[h] != '/' || p[h + 1] != '/') {
			mtasts__report(
			        s, MTASTS_D_TLSRPT_HTTPS, MTASTS_SEVERITY_ERROR,
			        MTASTS__AT(loc, h),
			        "https URI %s has no '//' and host (T-04)",
			        mtasts__quote(s, q, sizeof(q), p, n));
			return 0;
		}
		h += 2;
		e = span_to(p, h, n, '/', '?', '#');
		for (at = e; at > h && p[at - 1] != '@'; at--)
			;
		if (at > h)
			h = at;
		if (h == e || p[h] == ':') {
			mtasts__report(s, MTASTS_D_TLSRPT_HTTPS,
			               MTASTS_SEVERITY_ERROR,
			               MTASTS__AT(loc, h),
			               "https URI %s has no host (T-04)",
			               mtasts__quote(s, q, sizeof(q), p, n));
			return 0;
		}
		scheme = MTASTS_RUA_HTTPS;
	} else {
		mtasts__report(s, MTASTS_D_TLSRPT_URI_SCHEME,
		               MTASTS_SEVERITY_WARNING, MTASTS__AT(loc, 0),
		               "rua URI %s: only 'mailto:' and 'https:' "
		               "destinations can receive reports (T-04, TA-06)",
		               mtasts__quote(s, q, sizeof(q), p, n));
		scheme = MTASTS_RUA_OTHER;
	}
	return scheme;
}

/* ---- parse ------------------------------------------------------------------ */

struct span {
	const char *p;
	size_t n;
	int scheme;
};

struct ctx {
	size_t n_rua;
	int rua_fields;
	int case_variant;
	int too_many_rua;
	int too_many_ext;
	size_t n_ext;
	struct span rua[MTASTS_TLSRPT_MAX_RUA];
	struct span ext_name[MTASTS_MAX_EXTENSIONS];
	struct span ext_value[MTASTS_MAX_EXTENSIONS];
};

/* Split a rua value into URIs at `*WSP "," *WSP` and check each. */
static void
rua_field(struct ctx *c, const struct mtasts__txt_field *f,
          struct mtasts__sink *s)
{
	const char *v = f->value, *cp;
	size_t n = f->value_len, i = 0;

	c->rua_fields++;
	for (;;) {
		size_t b = i, e;
		struct mtasts__loc loc = f->value_loc;
		int scheme;

		cp = memchr(v + i, ',', n - i);
		i = cp ? (size_t)(cp - v) : n;
		e = i;
		while (e > b && MTASTS__IS_WSP(v[e - 1]))
			e--;
		while (b < e && MTASTS__IS_WSP(v[b]))
			b++;
		loc.col += (unsigned int)b;
		loc.off += b;
		if (b == e) {
			mtasts__report(s, MTASTS_D_TLSRPT_RUA_EMPTY,
			               MTASTS_SEVERITY_ERROR,
			               MTASTS__AT(&loc, 0),
			               "empty element in the rua list");
		} else if ((scheme = check_uri(v + b, e - b, s, &loc)) != 0) {
			if (c->n_rua == MTASTS_TLSRPT_MAX_RUA) {
				if (!c->too_many_rua)
					mtasts__report(s, MTASTS_D_TOO_LARGE,
					               MTASTS_SEVERITY_ERROR,
					               MTASTS__AT(&loc, 0),
					               "more than %d rua URIs",
					               MTASTS_TLSRPT_MAX_RUA);
				c->too_many_rua = 1;
			} else {
				c->rua[c->n_rua].p = v + b;
				c->rua[c->n_rua].n = e - b;
				c->rua[c->n_rua].scheme = scheme;
				c->n_rua++;
			}
		}
		if (i >= n)
			break;
		i++; /* the comma */
	}
}

static void
tls_field(void *vctx, const struct mtasts__txt_field *f, struct mtasts__sink *s)
{
	struct ctx *c = vctx;
	int lenient = (s->flags & MTASTS_PARSE_LENIENT) != 0;
	int is_rua = f->name_len == 3 && memcmp(f->name, "rua", 3) == 0;
	int is_v = f->name_len == 1 && f->name[0] == 'v';
	char q[MTASTS__QUOTE_MAX];
	size_t i;

	if (!is_rua && !is_v) {
		int ci_rua = f->name_len == 3 &&
		             mtasts__ascii_caseeq(f->name, "rua", 3);
		int ci_v = f->name_len == 1 && f->name[0] == 'V';

		if (ci_rua || ci_v) {
			mtasts__quote(s, q, sizeof(q), f->name, f->name_len);
			if (lenient) {
				mtasts__report(
				        s, MTASTS_D_TXT_NAME_CASE,
				        MTASTS_SEVERITY_WARNING,
				        MTASTS__AT(&f->name_loc, 0),
				        "field name %s read as '%s' (names "
				        "are case-sensitive, TA-16)",
				        q, ci_rua ? "rua" : "v");
				is_rua = ci_rua;
				is_v = ci_v;
			} else {
				mtasts__report(
				        s, MTASTS_D_TXT_NAME_CASE,
				        MTASTS_SEVERITY_WARNING,
				        MTASTS__AT(&f->name_loc, 0),
				        "field name %s is not '%s' (names "
				        "are case-sensitive, TA-16): kept as "
				        "an unknown extension",
				        q, ci_rua ? "rua" : "v");
				c->case_variant |= ci_rua;
			}
		}
	}
	if (f->bad) {
		/* the value's error is reported; a rua field is present */
		c->rua_fields += is_rua;
		return;
	}
	if (is_v) {
		mtasts__report(s, MTASTS_D_TXT_DUPLICATE,
		               MTASTS_SEVERITY_WARNING,
		               MTASTS__AT(&f->name_loc, 0),
		               "second version field ignored (TA-05)");
		return;
	}
	if (is_rua) {
		rua_field(c, f, s);
		return;
	}
	for (i = 0; i < c->n_ext; i++) {
		if (c->ext_name[i].n == f->name_len &&
		    memcmp(c->ext_name[i].p, f->name, f->name_len) == 0) {
			mtasts__report(
			        s, MTASTS_D_TXT_DUPLICATE,
			        MTASTS_SEVERITY_WARNING,
			        MTASTS__AT(&f->name_loc, 0),
			        "later %s field ignored: the first one wins "
			        "(TA-05)",
			        mtasts__quote(s, q, sizeof(q), f->name,
			                      f->name_len));
			return;
		}
	}
	if (c->n_ext == MTASTS_MAX_EXTENSIONS) {
		if (!c->too_many_ext)
			mtasts__report(s, MTASTS_D_TOO_MANY_EXTENSIONS,
			               MTASTS_SEVERITY_ERROR,
			               MTASTS__AT(&f->name_loc, 0),
			               "more than %d extension fields",
			               MTASTS_MAX_EXTENSIONS);
		c->too_many_ext = 1;
		return;
	}
	c->ext_name[c->n_ext].p = f->name;
	c->ext_name[c->n_ext].n = f->name_len;
	c->ext_value[c->n_ext].p = f->value;
	c->ext_value[c->n_ext].n = f->value_len;
	c->n_ext++;
}

static char *
put(char **w, const char *p, size_t n)
{
	char *r = *w;

	memcpy(r, p, n);
	r[n] = '\0';
	*w += n + 1;
	return r;
}

static int
parse_at(void **out, const char *text, size_t len, unsigned int line,
         struct mtasts__sink *s)
{
	struct ctx c;
	struct mtasts_tlsrpt *r;
	size_t i, size, canon;
	char *w;

	*out = NULL;
	if (len > MTASTS_RECORD_MAX_SIZE) {
		mtasts__report(
		        s, MTASTS_D_TOO_LARGE, MTASTS_SEVERITY_ERROR, line, 0,
		        0, "record is %zu bytes long; at most %d are accepted",
		        len, MTASTS_RECORD_MAX_SIZE);
		return mtasts__sink_result(s);
	}
	memset(&c, 0, offsetof(struct ctx, rua));
	if (mtasts__txt_parse(text, len, TAG, line, s, tls_field, &c) < 0)
		return mtasts__sink_result(s);
	if (!c.rua_fields)
		mtasts__report(
		        s, MTASTS_D_TLSRPT_RUA_MISSING, MTASTS_SEVERITY_ERROR,
		        line, 0, 0, "no 'rua' field (T-03)%s",
		        c.case_variant ? "; field names are case-sensitive"
		                       : "");
	if (s->status != MTASTS_OK || s->oom)
		return mtasts__sink_result(s);

	/* "v=TLSRPTv1; rua=" + URIs joined by "," + "; name=value" each */
	canon = 16 + c.n_rua - 1;
	size = sizeof(*r) + c.n_rua * sizeof(struct rua) +
	       c.n_ext * sizeof(struct mtasts__ext);
	for (i = 0; i < c.n_rua; i++) {
		canon += c.rua[i].n;
		size += c.rua[i].n + 1;
	}
	for (i = 0; i < c.n_ext; i++) {
		canon += 3 + c.ext_name[i].n + c.ext_value[i].n;
		size += c.ext_name[i].n + c.ext_value[i].n + 2;
	}
	if (canon > MTASTS_RECORD_MAX_SIZE) {
		mtasts__report(s, MTASTS_D_TOO_LARGE, MTASTS_SEVERITY_ERROR,
		               line, 0, 0,
		               "the canonical form of the record is %zu bytes "
		               "long; at most %d are accepted",
		               canon, MTASTS_RECORD_MAX_SIZE);
		return mtasts__sink_result(s);
	}
	r = malloc(size);
	if (!r) {
		s->oom = 1;
		return MTASTS_ENOMEM;
	}
	r->n_rua = c.n_rua;
	r->n_ext = c.n_ext;
	r->rua = (struct rua *)(r + 1);
	r->ext = (struct mtasts__ext *)(r->rua + c.n_rua);
	w = (char *)(r->ext + c.n_ext);
	for (i = 0; i < c.n_rua; i++) {
		r->rua[i].uri = put(&w, c.rua[i].p, c.rua[i].n);
		r->rua[i].scheme = c.rua[i].scheme;
	}
	for (i = 0; i < c.n_ext; i++) {
		r->ext[i].name = put(&w, c.ext_name[i].p, c.ext_name[i].n);
		r->ext[i].value = put(&w, c.ext_value[i].p, c.ext_value[i].n);
	}
	*out = r;
	return MTASTS_OK;
}

/* Runs of the fast path's URI parts: letters, digits, '-', '.', '_', and
 * the one extra byte given ('+' in a mailto local part, '/' in a path).
 * (A word-at-a-time version was slower: these runs are short.) */
static size_t
run(const char *t, size_t i, size_t n, char extra)
{
	while (i < n && (MTASTS__IS(t[i], MTASTS__C_HOST) || t[i] == '_' ||
	                 t[i] == extra))
		i++;
	return i;
}

/* A URI of the plainest kind at t[i..n): "mailto:local@domain" or
 * "https://host[/path]". Returns its end and scheme, or 0. */
static size_t
fast_uri(const char *t, size_t i, size_t n, int *scheme)
{
	size_t j;

	if (n - i > 7 && memcmp(t + i, "mailto:", 7) == 0) {
		j = run(t, i + 7, n, '+');
		if (j == i + 7 || j >= n || t[j] != '@')
			return 0;
		i = j + 1;
		j = run(t, i, n, '.');
		*scheme = MTASTS_RUA_MAILTO;
		return j > i ? j : 0;
	}
	if (n - i > 8 && memcmp(t + i, "https://", 8) == 0) {
		j = run(t, i + 8, n, '.');
		if (j == i + 8)
			return 0;
		if (j < n && t[j] == '/')
			j = run(t, j + 1, n, '/');
		*scheme = MTASTS_RUA_HTTPS;
		return j;
	}
	return 0;
}

/*
 * The shape nearly every published record has: exactly "v=TLSRPTv1;",
 * optional SP/HTAB, "rua=" and up to four plain mailto/https URIs
 * separated by *WSP "," *WSP, then nothing or optional SP/HTAB ";" SP/HTAB. Such a
 * record is valid and produces no diagnostic in either mode, so it is
 * built directly (1 returned; an allocation failure is flagged in the
 * sink); any other text goes to the general parser (0).
 */
static int
fast_path(void **out, const char *t, size_t n, struct mtasts__sink *s)
{
	size_t b[4], e[4], k = 0, i = 11, j, size;
	int sch[4];
	struct mtasts_tlsrpt *r;
	char *w;

	if (n < 20 || n > 1024 || memcmp(t, "v=TLSRPTv1;", 11) != 0)
		return 0;
	while (i < n && MTASTS__IS_WSP(t[i]))
		i++;
	/* cppcheck 2.10 loses track of the loop above (a false positive:
	 * "v=TLSRPTv1;" followed by 20 spaces makes it true) */
	/* cppcheck-suppress knownConditionTrueFalse */
	if (n - i < 4 || memcmp(t + i, "rua=", 4) != 0)
		return 0;
	i += 4;
	for (;;) {
		if (k == 4 || !(e[k] = fast_uri(t, i, n, &sch[k])))
			return 0;
		b[k] = i;
		i = e[k++];
		/* the rua delimiter: *WSP "," *WSP (T-03) */
		for (j = i; j < n && MTASTS__IS_WSP(t[j]); j++)
			;
		if (j == n || t[j] != ',')
			break;
		for (i = j + 1; i < n && MTASTS__IS_WSP(t[i]); i++)
			;
	}
	if (i < n) {
		while (i < n && MTASTS__IS_WSP(t[i]))
			i++;
		if (i == n || t[i] != ';')
			return 0;
		for (i++; i < n && MTASTS__IS_WSP(t[i]); i++)
			;
		if (i != n)
			return 0;
	}
	size = sizeof(*r) + k * sizeof(struct rua) + n;
	r = malloc(size);
	if (!r) {
		s->oom = 1;
		return 1;
	}
	r->n_rua = k;
	r->n_ext = 0;
	r->rua = (struct rua *)(r + 1);
	r->ext = (struct mtasts__ext *)(r->rua + k);
	w = (char *)(r->rua + k);
	for (i = 0; i < k; i++) {
		r->rua[i].uri = put(&w, t + b[i], e[i] - b[i]);
		r->rua[i].scheme = sch[i];
	}
	*out = r;
	return 1;
}

int
mtasts__tlsrpt_parse_slow(void **out, const char *text, size_t len,
                          unsigned int line, struct mtasts__sink *s)
{
	return parse_at(out, text, len, line, s);
}

int
mtasts_tlsrpt_parse(mtasts_tlsrpt **out, const char *text, size_t len,
                    unsigned int flags, mtasts_diag *diag)
{
	struct mtasts__sink s;
	void *r = NULL;

	if (!out)
		return MTASTS_EINVAL;
	*out = NULL;
	if ((!text && len) || (flags & ~MTASTS_PARSE_LENIENT))
		return MTASTS_EINVAL;
	mtasts__sink_init(&s, diag, flags);
	if (len && fast_path(&r, text, len, &s)) {
		*out = r;
		return mtasts__sink_result(&s);
	}
	(void)parse_at(&r, text ? text : "", len, 1, &s);
	if (mtasts__sink_result(&s) != MTASTS_OK) {
		free(r);
		return mtasts__sink_result(&s);
	}
	*out = r;
	return MTASTS_OK;
}

static int
finish_select(mtasts_tlsrpt **out, void *r, int status)
{
	*out = NULL;
	if (status != MTASTS_OK) {
		free(r);
		return status;
	}
	*out = r;
	return MTASTS_OK;
}

int
mtasts_tlsrpt_select(mtasts_tlsrpt **out, size_t *selected,
                     const char *const *rrs, const size_t *lens, size_t count,
                     unsigned int flags, mtasts_diag *diag)
{
	void *r = NULL;
	int st;

	if (!out) {
		if (selected)
			*selected = MTASTS_NO_INDEX;
		return MTASTS_EINVAL;
	}
	st = mtasts__txt_select(&r, selected, rrs, lens, count, TAG, parse_at,
	                        flags, diag);
	return finish_select(out, r, st);
}

int
mtasts_tlsrpt_select_rdata(mtasts_tlsrpt **out, size_t *selected,
                           const unsigned char *const *rdata,
                           const size_t *lens, size_t count, unsigned int flags,
                           mtasts_diag *diag)
{
	void *r = NULL;
	int st;

	if (!out) {
		if (selected)
			*selected = MTASTS_NO_INDEX;
		return MTASTS_EINVAL;
	}
	st = mtasts__txt_select_rdata(&r, selected, rdata, lens, count, TAG,
	                              parse_at, flags, diag);
	return finish_select(out, r, st);
}

/* ---- accessors ------------------------------------------------------------- */

void
mtasts_tlsrpt_free(mtasts_tlsrpt *record)
{
	free(record);
}

size_t
mtasts_tlsrpt_rua_count(const mtasts_tlsrpt *record)
{
	return record ? record->n_rua : 0;
}

const char *
mtasts_tlsrpt_rua(const mtasts_tlsrpt *record, size_t index)
{
	return (record && index < record->n_rua) ? record->rua[index].uri
	                                         : NULL;
}

int
mtasts_tlsrpt_rua_scheme(const mtasts_tlsrpt *record, size_t index)
{
	return (record && index < record->n_rua) ? record->rua[index].scheme
	                                         : 0;
}

size_t
mtasts_tlsrpt_extension_count(const mtasts_tlsrpt *record)
{
	return record ? record->n_ext : 0;
}

const char *
mtasts_tlsrpt_extension_name(const mtasts_tlsrpt *record, size_t index)
{
	return (record && index < record->n_ext) ? record->ext[index].name
	                                         : NULL;
}

const char *
mtasts_tlsrpt_extension_value(const mtasts_tlsrpt *record, size_t index)
{
	return (record && index < record->n_ext) ? record->ext[index].value
	                                         : NULL;
}

int
mtasts_tlsrpt_equal(const mtasts_tlsrpt *a, const mtasts_tlsrpt *b)
{
	size_t i;

	if (!a || !b || a->n_rua != b->n_rua || a->n_ext != b->n_ext)
		return 0;
	for (i = 0; i < a->n_rua; i++)
		if (strcmp(a->rua[i].uri, b->rua[i].uri) != 0)
			return 0;
	for (i = 0; i < a->n_ext; i++)
		if (strcmp(a->ext[i].name, b->ext[i].name) != 0 ||
		    strcmp(a->ext[i].value, b->ext[i].value) != 0)
			return 0;
	return 1;
}

/* ---- canonical form ----------------------------------------------------------- */

static void
write_record(struct mtasts__out *o, const char *const *rua, size_t n_rua,
             const struct mtasts__ext *ext, size_t n_ext)
{
	size_t i;

	mtasts__out_str(o, "v=TLSRPTv1; rua=");
	for (i = 0; i < n_rua; i++) {
		if (i)
			mtasts__out_put(o, ",", 1);
		mtasts__out_str(o, rua[i]);
	}
	for (i = 0; i < n_ext; i++) {
		mtasts__out_put(o, "; ", 2);
		mtasts__out_str(o, ext[i].name);
		mtasts__out_put(o, "=", 1);
		mtasts__out_str(o, ext[i].value);
	}
}

int
mtasts_tlsrpt_format(const mtasts_tlsrpt *record, char *buf, size_t size,
                     unsigned int flags)
{
	const char *uris[MTASTS_TLSRPT_MAX_RUA];
	struct mtasts__out o;
	size_t i;

	if (!record || (!buf && size) || flags)
		return MTASTS_EINVAL;
	for (i = 0; i < record->n_rua; i++)
		uris[i] = record->rua[i].uri;
	o.buf = buf;
	o.size = size;
	o.len = 0;
	write_record(&o, uris, record->n_rua, record->ext, record->n_ext);
	return mtasts__out_finish(&o);
}

static int
tlsrpt_writer(const void *obj, char *buf, size_t size, unsigned int flags)
{
	return mtasts_tlsrpt_format(obj, buf, size, flags);
}

int
mtasts_tlsrpt_format_alloc(const mtasts_tlsrpt *record, unsigned int flags,
                           char **out)
{
	if (out)
		*out = NULL;
	if (!record || !out)
		return MTASTS_EINVAL;
	return mtasts__format_alloc(tlsrpt_writer, record, flags, out);
}

/* ---- builder ------------------------------------------------------------------ */

struct mtasts_tlsrpt_builder {
	char *rua[MTASTS_TLSRPT_MAX_RUA];
	size_t n_rua;
	struct mtasts__ext ext[MTASTS_MAX_EXTENSIONS];
	size_t n_ext;
};

static const struct mtasts__loc at_start = { 1, 1, 0 };

void
mtasts_tlsrpt_builder_free(mtasts_tlsrpt_builder *b)
{
	size_t i;

	if (!b)
		return;
	for (i = 0; i < b->n_rua; i++)
		free(b->rua[i]);
	for (i = 0; i < b->n_ext; i++) {
		free((char *)b->ext[i].name);
		free((char *)b->ext[i].value);
	}
	free(b);
}

static int
push_rua(mtasts_tlsrpt_builder *b, const char *uri)
{
	char *copy = mtasts__strndup(uri, strlen(uri));

	if (!copy)
		return MTASTS_ENOMEM;
	b->rua[b->n_rua++] = copy;
	return MTASTS_OK;
}

static int
push_ext(mtasts_tlsrpt_builder *b, const char *name, const char *value)
{
	char *n = mtasts__strndup(name, strlen(name));
	char *v = mtasts__strndup(value, strlen(value));

	if (!n || !v) {
		free(n);
		free(v);
		return MTASTS_ENOMEM;
	}
	b->ext[b->n_ext].name = n;
	b->ext[b->n_ext].value = v;
	b->n_ext++;
	return MTASTS_OK;
}

int
mtasts_tlsrpt_builder_new(mtasts_tlsrpt_builder **out,
                          const mtasts_tlsrpt *from)
{
	mtasts_tlsrpt_builder *b;
	size_t i;
	int st = MTASTS_OK;

	if (!out)
		return MTASTS_EINVAL;
	*out = NULL;
	b = calloc(1, sizeof(*b));
	if (!b)
		return MTASTS_ENOMEM;
	if (from) {
		for (i = 0; st == MTASTS_OK && i < from->n_rua; i++)
			st = push_rua(b, from->rua[i].uri);
		for (i = 0; st == MTASTS_OK && i < from->n_ext; i++)
			st = push_ext(b, from->ext[i].name, from->ext[i].value);
		if (st != MTASTS_OK) {
			mtasts_tlsrpt_builder_free(b);
			return st;
		}
	}
	*out = b;
	return MTASTS_OK;
}

int
mtasts_tlsrpt_builder_add_rua(mtasts_tlsrpt_builder *b, const char *uri,
                              mtasts_diag *diag)
{
	struct mtasts__sink s;
	size_t n, i;

	if (!b || !uri)
		return MTASTS_EINVAL;
	mtasts__sink_init(&s, diag, 0);
	n = strlen(uri);
	/* One element of the rua list: visible ASCII without the separators
	 * ',' and ';' (which must be percent-encoded, T-05). */
	for (i = 0; i < n; i++)
		if (!MTASTS__IS(uri[i], MTASTS__C_VCHAR) || uri[i] == ';' ||
		    uri[i] == ',')
			break;
	if (n == 0)
		mtasts__report(&s, MTASTS_D_TLSRPT_RUA_EMPTY,
		               MTASTS_SEVERITY_ERROR, 1, 1, 0, "empty rua URI");
	else if (i < n && (uri[i] == ';' || uri[i] == ','))
		mtasts__report(
		        &s, MTASTS_D_TLSRPT_URI_SYNTAX, MTASTS_SEVERITY_ERROR,
		        MTASTS__AT(&at_start, i),
		        "'%c' in a rua URI must be percent-encoded (T-05)",
		        uri[i]);
	else if (i < n)
		mtasts__report_byte(&s, (unsigned char)uri[i], &at_start, i,
		                    "rua URI");
	if (n == 0 || i < n)
		return s.oom ? MTASTS_ENOMEM : MTASTS_ERUA;
	if (!check_uri(uri, n, &s, &at_start))
		return s.oom ? MTASTS_ENOMEM : MTASTS_ERUA;
	if (s.oom)
		return MTASTS_ENOMEM;
	if (b->n_rua == MTASTS_TLSRPT_MAX_RUA) {
		mtasts__report(&s, MTASTS_D_TOO_LARGE, MTASTS_SEVERITY_ERROR, 0,
		               0, 0, "more than %d rua URIs",
		               MTASTS_TLSRPT_MAX_RUA);
		return mtasts__sink_result(&s);
	}
	return push_rua(b, uri);
}

int
mtasts_tlsrpt_builder_add_extension(mtasts_tlsrpt_builder *b, const char *name,
                                    const char *value, mtasts_diag *diag)
{
	struct mtasts__sink s;
	char q[MTASTS__QUOTE_MAX];
	size_t nl, i;

	if (!b || !name || !value)
		return MTASTS_EINVAL;
	mtasts__sink_init(&s, diag, 0);
	nl = strlen(name);
	if (!mtasts__ext_name_check(name, nl, &s, &at_start,
	                            MTASTS_D_TXT_FIELD_NAME) ||
	    !mtasts__txt_value_check(value, strlen(value), &s, &at_start))
		return mtasts__sink_result(&s);
	mtasts__quote(&s, q, sizeof(q), name, nl);
	if ((nl == 1 && MTASTS__LOWER(name[0]) == 'v') ||
	    (nl == 3 && mtasts__ascii_caseeq(name, "rua", 3))) {
		mtasts__report(&s, MTASTS_D_TXT_FIELD_NAME,
		               MTASTS_SEVERITY_ERROR, 1, 1, 0,
		               "%s is a registered field, not an extension", q);
		return s.oom ? MTASTS_ENOMEM : MTASTS_EINVAL;
	}
	for (i = 0; i < b->n_ext; i++) {
		if (strcmp(b->ext[i].name, name) == 0) {
			mtasts__report(&s, MTASTS_D_TXT_DUPLICATE,
			               MTASTS_SEVERITY_ERROR, 1, 1, 0,
			               "extension %s was already added", q);
			return s.oom ? MTASTS_ENOMEM : MTASTS_EINVAL;
		}
	}
	if (b->n_ext == MTASTS_MAX_EXTENSIONS) {
		mtasts__report(&s, MTASTS_D_TOO_MANY_EXTENSIONS,
		               MTASTS_SEVERITY_ERROR, 0, 0, 0,
		               "more than %d extension fields",
		               MTASTS_MAX_EXTENSIONS);
		return mtasts__sink_result(&s);
	}
	return push_ext(b, name, value);
}

int
mtasts_tlsrpt_builder_build(const mtasts_tlsrpt_builder *b, mtasts_tlsrpt **out,
                            mtasts_diag *diag)
{
	struct mtasts__sink s;
	struct mtasts__out o;
	const char *const *uris;
	char *text;
	int st;

	if (out)
		*out = NULL;
	if (!b || !out)
		return MTASTS_EINVAL;
	mtasts__sink_init(&s, diag, 0);
	if (!b->n_rua) {
		mtasts__report(&s, MTASTS_D_TLSRPT_RUA_MISSING,
		               MTASTS_SEVERITY_ERROR, 0, 0, 0,
		               "no rua URI was added (T-03)");
		return mtasts__sink_result(&s);
	}
	/* Build by parsing the canonical text: it re-parses by construction. */
	uris = (const char *const *)b->rua;
	o.buf = NULL;
	o.size = 0;
	o.len = 0;
	write_record(&o, uris, b->n_rua, b->ext, b->n_ext);
	if (o.len > MTASTS_RECORD_MAX_SIZE) {
		mtasts__report(&s, MTASTS_D_TOO_LARGE, MTASTS_SEVERITY_ERROR, 0,
		               0, 0,
		               "the record would be %zu bytes long; at most %d "
		               "are allowed",
		               o.len, MTASTS_RECORD_MAX_SIZE);
		return mtasts__sink_result(&s);
	}
	text = malloc(o.len + 1);
	if (!text)
		return MTASTS_ENOMEM;
	o.buf = text;
	o.size = o.len + 1;
	o.len = 0;
	write_record(&o, uris, b->n_rua, b->ext, b->n_ext);
	(void)mtasts__out_finish(&o);
	/* Warnings (a non-mailto/https scheme) were given by add_rua. */
	st = mtasts_tlsrpt_parse(out, text, o.len, 0, NULL);
	free(text);
	return st;
}

/* ---- registries (RFC 8460 §4.3, §4.4, §6.6) ---------------------------------- */

static const char *const result_names[] = {
	NULL,
	"starttls-not-supported",
	"certificate-host-mismatch",
	"certificate-expired",
	"certificate-not-trusted",
	"validation-failure",
	"tlsa-invalid",
	"dnssec-invalid",
	"dane-required",
	"sts-policy-fetch-error",
	"sts-policy-invalid",
	"sts-webpki-invalid",
};

static const char *const policy_type_names[] = {
	NULL,
	"sts",
	"tlsa",
	"no-policy-found",
};

static int
from_name(const char *const *names, size_t n, const char *name)
{
	size_t i;

	if (!name)
		return MTASTS_EINVAL;
	for (i = 1; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return (int)i;
	return MTASTS_EINVAL;
}

const char *
mtasts_result_type_name(int type)
{
	if (type <= 0 || type >= (int)MTASTS__ARRAY_LEN(result_names))
		return NULL;
	return result_names[type];
}

int
mtasts_result_type_from_name(const char *name)
{
	return from_name(result_names, MTASTS__ARRAY_LEN(result_names), name);
}

const char *
mtasts_policy_type_name(int type)
{
	if (type <= 0 || type >= (int)MTASTS__ARRAY_LEN(policy_type_names))
		return NULL;
	return policy_type_names[type];
}

int
mtasts_policy_type_from_name(const char *name)
{
	return from_name(policy_type_names,
	                 MTASTS__ARRAY_LEN(policy_type_names), name);
}

int
mtasts_status_result_type(int status)
{
	switch (status) {
	case MTASTS_ESYNTAX:
	case MTASTS_ETOOLARGE:
	case MTASTS_EVERSION:
	case MTASTS_EMODE:
	case MTASTS_EMAXAGE:
	case MTASTS_EMX:
		/* a body was fetched, but it is not a valid policy (A-14) */
		return MTASTS_RESULT_STS_POLICY_INVALID;
	case MTASTS_EFETCH:
		return MTASTS_RESULT_STS_POLICY_FETCH_ERROR;
	case MTASTS_ETLS:
		/* for a policy fetch; an MX probe reports its own, finer
		 * type (mtasts_tls_probe_result_type()) */
		return MTASTS_RESULT_STS_WEBPKI_INVALID;
	default:
		/* success, a local failure, or no usable TXT record (R-06) */
		return 0;
	}
}
