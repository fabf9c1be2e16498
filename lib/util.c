/* SPDX-License-Identifier: MIT */
/*
 * Locale-free character handling, UTF-8 checking, message quoting and the
 * snprintf-style output buffer used by every formatter.
 */
#include "private.h"

#include <stdlib.h>
#include <string.h>

/* Bit classes MTASTS__C_*, generated once for bytes 0..255. */
const unsigned char mtasts__ctype[256] = {
	0,   0,   0,   0,   0,   0,   0,   0,   0,   32,  0,   0,   0,   0,
	0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
	0,   0,   0,   0,   32,  80,  80,  80,  80,  80,  80,  80,  80,  80,
	80,  80,  80,  220, 216, 80,  222, 222, 222, 222, 222, 222, 222, 222,
	222, 222, 80,  64,  80,  64,  80,  80,  80,  221, 221, 221, 221, 221,
	221, 221, 221, 221, 221, 221, 221, 221, 221, 221, 221, 221, 221, 221,
	221, 221, 221, 221, 221, 221, 221, 80,  80,  80,  80,  88,  80,  221,
	221, 221, 221, 221, 221, 221, 221, 221, 221, 221, 221, 221, 221, 221,
	221, 221, 221, 221, 221, 221, 221, 221, 221, 221, 221, 80,  80,  80,
	80,  0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
	0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
	0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
	0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
	0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
	0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
	0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
	0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
	0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
	0,   0,   0,   0,
};

/* ASCII-only lower-casing: A-Z to a-z, every other byte unchanged. */
const unsigned char mtasts__lower[256] = {
	0,   1,   2,   3,   4,   5,   6,   7,   8,   9,   10,  11,  12,  13,
	14,  15,  16,  17,  18,  19,  20,  21,  22,  23,  24,  25,  26,  27,
	28,  29,  30,  31,  32,  33,  34,  35,  36,  37,  38,  39,  40,  41,
	42,  43,  44,  45,  46,  47,  48,  49,  50,  51,  52,  53,  54,  55,
	56,  57,  58,  59,  60,  61,  62,  63,  64,  97,  98,  99,  100, 101,
	102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115,
	116, 117, 118, 119, 120, 121, 122, 91,  92,  93,  94,  95,  96,  97,
	98,  99,  100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111,
	112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125,
	126, 127, 128, 129, 130, 131, 132, 133, 134, 135, 136, 137, 138, 139,
	140, 141, 142, 143, 144, 145, 146, 147, 148, 149, 150, 151, 152, 153,
	154, 155, 156, 157, 158, 159, 160, 161, 162, 163, 164, 165, 166, 167,
	168, 169, 170, 171, 172, 173, 174, 175, 176, 177, 178, 179, 180, 181,
	182, 183, 184, 185, 186, 187, 188, 189, 190, 191, 192, 193, 194, 195,
	196, 197, 198, 199, 200, 201, 202, 203, 204, 205, 206, 207, 208, 209,
	210, 211, 212, 213, 214, 215, 216, 217, 218, 219, 220, 221, 222, 223,
	224, 225, 226, 227, 228, 229, 230, 231, 232, 233, 234, 235, 236, 237,
	238, 239, 240, 241, 242, 243, 244, 245, 246, 247, 248, 249, 250, 251,
	252, 253, 254, 255,
};

/*
 * Bytes of the word x (loaded with memcpy) that are not ASCII letters or
 * digits, as 0x80 bits: OR-ing 0x20 folds letters to a-z and keeps digits;
 * controls, which that would fold into the digit range, and bytes above
 * 0x7f are flagged by MTASTS__SWAR_BAD (see MTASTS__SWAR_RANGE).
 */
static uint64_t
not_alnum(uint64_t x)
{
	uint64_t y = x | 0x20 * MTASTS__ONES;

	return (~(MTASTS__SWAR_RANGE(y, 0x30, 0x39) |
	          MTASTS__SWAR_RANGE(y, 0x61, 0x7a)) |
	        MTASTS__SWAR_BAD(x)) &
	       MTASTS__HIGH;
}

/* Bytes of x that are not sts-ext-value bytes (%x21-3A / %x3C / %x3E-7E:
 * visible ASCII but ';' and '='), as 0x80 bits. */
static uint64_t
not_txtval(uint64_t x)
{
	return (x | ~MTASTS__SWAR_RANGE(x, 0x21, 0x7e) |
	        MTASTS__SWAR_RANGE(x, 0x3b, 0x3b) |
	        MTASTS__SWAR_RANGE(x, 0x3d, 0x3d)) &
	       MTASTS__HIGH;
}

size_t
mtasts__alnum_span(const char *p, size_t n)
{
	size_t i = 0;
	uint64_t x, m;

	/* Eight bytes at a time. On little-endian machines the first flagged
	 * byte ends the run (MTASTS__SWAR_LE), and the last bytes are read as
	 * the word that ends at p + n: the bytes it shares with the words
	 * before are in the run already. Elsewhere the byte loop finishes. */
	for (; i + 8 <= n; i += 8) {
		memcpy(&x, p + i, 8);
		m = not_alnum(x);
#if MTASTS__SWAR_LE
		if (m)
			return i + MTASTS__FIRST_BYTE(m);
#else
		if (m)
			break;
#endif
	}
#if MTASTS__SWAR_LE
	if (i < n && n >= 8) {
		memcpy(&x, p + n - 8, 8);
		m = not_alnum(x);
		return m ? n - 8 + MTASTS__FIRST_BYTE(m) : n;
	}
#endif
	while (i < n && MTASTS__IS_ALNUM(p[i]))
		i++;
	return i;
}

size_t
mtasts__txtval_span(const char *p, size_t n)
{
	size_t i = 0;
	uint64_t x, m;

	/* as mtasts__alnum_span() */
	for (; i + 8 <= n; i += 8) {
		memcpy(&x, p + i, 8);
		m = not_txtval(x);
#if MTASTS__SWAR_LE
		if (m)
			return i + MTASTS__FIRST_BYTE(m);
#else
		if (m)
			break;
#endif
	}
#if MTASTS__SWAR_LE
	if (i < n && n >= 8) {
		memcpy(&x, p + n - 8, 8);
		m = not_txtval(x);
		return m ? n - 8 + MTASTS__FIRST_BYTE(m) : n;
	}
#endif
	while (i < n && MTASTS__IS(p[i], MTASTS__C_TXTVAL))
		i++;
	return i;
}

int
mtasts__ascii_caseeq(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (MTASTS__LOWER(a[i]) != MTASTS__LOWER(b[i]))
			return 0;
	return 1;
}

int
mtasts__eq(const char *p, size_t n, const char *word)
{
	size_t wl = strlen(word);

	return n == wl && memcmp(p, word, n) == 0;
}

size_t
mtasts__utf8_seq(const unsigned char *p, size_t n)
{
	/* RFC 3629 §4: UTF8-2 / UTF8-3 / UTF8-4, no overlongs, no surrogates,
	 * nothing above U+10FFFF. */
	unsigned char c = p[0];

	if (c >= 0xC2 && c <= 0xDF)
		return (n >= 2 && (p[1] & 0xC0) == 0x80) ? 2 : 0;
	if (c >= 0xE0 && c <= 0xEF) {
		unsigned char lo = 0x80, hi = 0xBF;

		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
		if (n < 3 || p[1] < lo || p[1] > hi || (p[2] & 0xC0) != 0x80)
			return 0;
		return 3;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		unsigned char lo = 0x80, hi = 0xBF;

		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
		if (n < 4 || p[1] < lo || p[1] > hi || (p[2] & 0xC0) != 0x80 ||
		    (p[3] & 0xC0) != 0x80)
			return 0;
		return 4;
	}
	return 0;
}

const char *
mtasts__quote(const struct mtasts__sink *s, char *buf, size_t size,
              const char *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0, i;

	if (!s->diag)
		return "";
	if (size < 8) {
		if (size)
			buf[0] = '\0';
		return buf;
	}
	buf[o++] = '\'';
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		size_t need = (c >= 0x20 && c <= 0x7E) ? 1 : 4;

		/* room for this char, "...'" and the NUL */
		if (o + need + 5 > size) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		if (need == 1) {
			buf[o++] = (char)c;
		} else {
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[c >> 4];
			buf[o++] = hex[c & 15];
		}
	}
	buf[o++] = '\'';
	buf[o] = '\0';
	return buf;
}

void
mtasts__report_byte(struct mtasts__sink *s, unsigned char c,
                    const struct mtasts__loc *loc, size_t i, const char *where)
{
	if (c == 0)
		mtasts__report(s, MTASTS_D_NUL_BYTE, MTASTS_SEVERITY_ERROR,
		               MTASTS__AT(loc, i), "NUL byte in %s", where);
	else if (c < 0x20 || c == 0x7F)
		mtasts__report(s, MTASTS_D_CONTROL_CHAR, MTASTS_SEVERITY_ERROR,
		               MTASTS__AT(loc, i),
		               "control character \\x%02x in %s", c, where);
	else
		mtasts__report(s, MTASTS_D_NON_ASCII, MTASTS_SEVERITY_ERROR,
		               MTASTS__AT(loc, i),
		               "non-ASCII byte \\x%02x in %s", c, where);
}

int
mtasts__ext_name_check(const char *p, size_t n, struct mtasts__sink *s,
                       const struct mtasts__loc *loc, int code)
{
	char q[MTASTS__QUOTE_MAX], c1[MTASTS__QUOTE_MAX];
	size_t i;

	if (n == 0) {
		mtasts__report(s, code, MTASTS_SEVERITY_ERROR,
		               MTASTS__AT(loc, 0), "missing field name");
		return 0;
	}
	if (!MTASTS__IS_ALNUM(p[0])) {
		mtasts__report(
		        s, code, MTASTS_SEVERITY_ERROR, MTASTS__AT(loc, 0),
		        "field name %s must start with a letter or digit",
		        mtasts__quote(s, q, sizeof(q), p, n));
		return 0;
	}
	for (i = 1; i < n; i++) {
		if (!MTASTS__IS(p[i], MTASTS__C_NAME)) {
			mtasts__report(
			        s, code, MTASTS_SEVERITY_ERROR,
			        MTASTS__AT(loc, i),
			        "field name %s holds %s; only letters, "
			        "digits, '_', '-' and '.' are allowed",
			        mtasts__quote(s, q, sizeof(q), p, n),
			        mtasts__quote(s, c1, sizeof(c1), p + i, 1));
			return 0;
		}
	}
	if (n > 32) {
		mtasts__report(s, code, MTASTS_SEVERITY_ERROR,
		               MTASTS__AT(loc, 32),
		               "field name is %zu characters long; at most 32 "
		               "are allowed",
		               n);
		return 0;
	}
	return 1;
}

int
mtasts__txt_value_check(const char *p, size_t n, struct mtasts__sink *s,
                        const struct mtasts__loc *loc)
{
	size_t i;

	if (n == 0) {
		mtasts__report(s, MTASTS_D_TXT_FIELD_VALUE,
		               MTASTS_SEVERITY_ERROR, MTASTS__AT(loc, 0),
		               "empty field value");
		return 0;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (MTASTS__IS(c, MTASTS__C_TXTVAL))
			continue;
		if (c == '=' || c == ';' || c == ' ')
			mtasts__report(
			        s, MTASTS_D_TXT_FIELD_VALUE,
			        MTASTS_SEVERITY_ERROR, MTASTS__AT(loc, i),
			        "'%c' is not allowed in a field value", c);
		else
			mtasts__report_byte(s, c, loc, i, "field value");
		return 0;
	}
	return 1;
}

int
mtasts__bytes_check(const char *p, size_t n, struct mtasts__sink *s,
                    const struct mtasts__loc *loc)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t i = 0;

	while (i < n) {
		unsigned char c = u[i];
		size_t k;

		if ((c >= 0x20 && c < 0x7F) || c == '\t') {
			i++;
			continue;
		}
		if (c >= 0x80 && (k = mtasts__utf8_seq(u + i, n - i)) != 0) {
			i += k;
			continue;
		}
		if (c >= 0x80)
			mtasts__report(
			        s, MTASTS_D_INVALID_UTF8, MTASTS_SEVERITY_ERROR,
			        MTASTS__AT(loc, i),
			        "byte \\x%02x does not start a well-formed "
			        "UTF-8 character",
			        c);
		else
			mtasts__report_byte(s, c, loc, i, "field value");
		return 0;
	}
	return 1;
}

int
mtasts__policy_ext_value_check(const char *p, size_t n, struct mtasts__sink *s,
                               const struct mtasts__loc *loc)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t i = 0;
	int ok = 1;

	if (n == 0) {
		mtasts__report(s, MTASTS_D_POLICY_EXTENSION_VALUE,
		               MTASTS_SEVERITY_ERROR, MTASTS__AT(loc, 0),
		               "empty extension value");
		return 0;
	}
	/* vchar [*(SP / vchar) vchar]; vchar = %x21-7E / UTF8-2/3/4 */
	if (u[0] == ' ' || u[n - 1] == ' ') {
		mtasts__report(s, MTASTS_D_POLICY_EXTENSION_VALUE,
		               MTASTS_SEVERITY_ERROR,
		               MTASTS__AT(loc, u[0] == ' ' ? 0 : n - 1),
		               "extension value must not start or end with a "
		               "space");
		ok = 0;
	}
	while (i < n) {
		unsigned char c = u[i];
		size_t k;

		if (c >= 0x20 && c <= 0x7E) {
			i++;
			continue;
		}
		if (c >= 0x80) {
			k = mtasts__utf8_seq(u + i, n - i);
			if (k) {
				i += k;
				continue;
			}
			mtasts__report(
			        s, MTASTS_D_INVALID_UTF8, MTASTS_SEVERITY_ERROR,
			        MTASTS__AT(loc, i),
			        "byte \\x%02x does not start a well-formed "
			        "UTF-8 character in extension value",
			        c);
			return 0;
		}
		if (c == '\t')
			mtasts__report(s, MTASTS_D_POLICY_EXTENSION_VALUE,
			               MTASTS_SEVERITY_ERROR,
			               MTASTS__AT(loc, i),
			               "tab inside an extension value (only "
			               "spaces may separate words)");
		else
			mtasts__report_byte(s, c, loc, i, "extension value");
		return 0;
	}
	return ok;
}

/* ---- output ------------------------------------------------------------ */

void
mtasts__out_put(struct mtasts__out *o, const char *s, size_t n)
{
	if (o->len < o->size) {
		size_t room = o->size - o->len;

		memcpy(o->buf + o->len, s, n < room ? n : room);
	}
	o->len += n;
}

void
mtasts__out_str(struct mtasts__out *o, const char *s)
{
	mtasts__out_put(o, s, strlen(s));
}

void
mtasts__out_u32(struct mtasts__out *o, uint32_t v)
{
	char tmp[10];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	mtasts__out_put(o, tmp + i, sizeof(tmp) - i);
}

int
mtasts__out_finish(struct mtasts__out *o)
{
	if (o->size) {
		if (o->len < o->size)
			o->buf[o->len] = '\0';
		else
			o->buf[o->size - 1] = '\0';
	}
	/* Every object is capped well below INT_MAX. */
	return (int)o->len;
}

int
mtasts__format_alloc(mtasts__writer w, const void *obj, unsigned int flags,
                     char **out)
{
	int n;
	char *buf;

	if (!out)
		return MTASTS_EINVAL;
	*out = NULL;
	n = w(obj, NULL, 0, flags);
	if (n < 0)
		return n;
	buf = malloc((size_t)n + 1);
	if (!buf)
		return MTASTS_ENOMEM;
	(void)w(obj, buf, (size_t)n + 1, flags);
	*out = buf;
	return MTASTS_OK;
}

char *
mtasts__strndup(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

void
mtasts_free(void *ptr)
{
	free(ptr);
}

unsigned int
mtasts_version(void)
{
	return MTASTS_VERSION_HEX;
}

const char *
mtasts_version_string(void)
{
	return MTASTS_VERSION_STRING;
}
