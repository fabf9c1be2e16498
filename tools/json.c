/* SPDX-License-Identifier: MIT */
/*
 * A minimal streaming JSON writer: enough for the CLI's one-object-per-run
 * output, with string escaping that always yields valid JSON whatever the
 * bytes it is given.
 */
#include "cli.h"

#include <string.h>

/* Length of the well-formed UTF-8 sequence (RFC 3629) at p[0..n), or 0. */
static size_t
utf8_seq(const unsigned char *p, size_t n)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xBF;
	size_t len, i;

	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F; /* no surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F; /* nothing above U+10FFFF */
	} else {
		return 0;
	}
	if (n < len || p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if ((p[i] & 0xC0) != 0x80)
			return 0;
	return len;
}

void
cli_json_escape(FILE *f, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	fputc('"', f);
	while (i < n) {
		unsigned char c = p[i];
		size_t k;

		if (c == '"' || c == '\\') {
			fputc('\\', f);
			fputc(c, f);
			i++;
		} else if (c < 0x20 || c == 0x7F) {
			/* the short forms json.dumps() uses, else \u00XX */
			const char *e = c == '\n'   ? "\\n"
			                : c == '\r' ? "\\r"
			                : c == '\t' ? "\\t"
			                : c == '\b' ? "\\b"
			                : c == '\f' ? "\\f"
			                            : NULL;

			if (e)
				fputs(e, f);
			else
				fprintf(f, "\\u%04x", (unsigned int)c);
			i++;
		} else if (c < 0x80) {
			fputc(c, f);
			i++;
		} else if ((k = utf8_seq(p + i, n - i)) != 0) {
			fwrite(p + i, 1, k, f);
			i += k;
		} else {
			fputs("\\ufffd", f);
			i++;
		}
	}
	fputc('"', f);
}

void
cli_json_init(struct cli_json *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
}

/* Before any value or key: the separator its position needs. */
static void
before_item(struct cli_json *j)
{
	if (j->after_key) {
		j->after_key = 0;
		return;
	}
	if (j->depth > 0 && j->depth <= CLI_JSON_DEPTH) {
		if (j->has_items[j->depth - 1])
			fputs(", ", j->f);
		j->has_items[j->depth - 1] = 1;
	}
}

static void
open_container(struct cli_json *j, int ch)
{
	before_item(j);
	fputc(ch, j->f);
	j->depth++;
	if (j->depth <= CLI_JSON_DEPTH)
		j->has_items[j->depth - 1] = 0;
}

static void
close_container(struct cli_json *j, int ch)
{
	fputc(ch, j->f);
	if (j->depth > 0)
		j->depth--;
}

void
cli_json_begin_object(struct cli_json *j)
{
	open_container(j, '{');
}

void
cli_json_end_object(struct cli_json *j)
{
	close_container(j, '}');
}

void
cli_json_begin_array(struct cli_json *j)
{
	open_container(j, '[');
}

void
cli_json_end_array(struct cli_json *j)
{
	close_container(j, ']');
}

void
cli_json_key(struct cli_json *j, const char *key)
{
	before_item(j);
	cli_json_escape(j->f, key, strlen(key));
	fputs(": ", j->f);
	j->after_key = 1;
}

void
cli_json_string_n(struct cli_json *j, const char *s, size_t n)
{
	before_item(j);
	cli_json_escape(j->f, s, n);
}

void
cli_json_string(struct cli_json *j, const char *s)
{
	if (!s) {
		cli_json_null(j);
		return;
	}
	cli_json_string_n(j, s, strlen(s));
}

void
cli_json_uint(struct cli_json *j, unsigned long long v)
{
	before_item(j);
	fprintf(j->f, "%llu", v);
}

void
cli_json_bool(struct cli_json *j, int v)
{
	before_item(j);
	fputs(v ? "true" : "false", j->f);
}

void
cli_json_null(struct cli_json *j)
{
	before_item(j);
	fputs("null", j->f);
}

void
cli_json_diag_item(struct cli_json *j, const mtasts_diag *diag, size_t i,
                   const char *input)
{
	int code = mtasts_diag_code(diag, i);
	const char *name = mtasts_diag_code_name(code);
	const char *sev = mtasts_severity_name(mtasts_diag_severity(diag, i));

	cli_json_begin_object(j);
	cli_json_key(j, "severity");
	cli_json_string(j, sev ? sev : "unknown");
	cli_json_key(j, "code");
	if (name) {
		cli_json_string(j, name);
	} else {
		char buf[32];

		snprintf(buf, sizeof(buf), "%d", code);
		cli_json_string(j, buf);
	}
	cli_json_key(j, "line");
	cli_json_uint(j, mtasts_diag_line(diag, i));
	cli_json_key(j, "column");
	cli_json_uint(j, mtasts_diag_column(diag, i));
	cli_json_key(j, "message");
	cli_json_string(j, mtasts_diag_message(diag, i));
	if (input) {
		cli_json_key(j, "input");
		cli_json_string(j, input);
	}
	cli_json_end_object(j);
}

void
cli_json_diag_items(struct cli_json *j, const mtasts_diag *diag,
                    const char *input)
{
	size_t i, n = mtasts_diag_count(diag);

	for (i = 0; i < n; i++)
		cli_json_diag_item(j, diag, i, input);
}

void
cli_json_diags(struct cli_json *j, const mtasts_diag *diag)
{
	cli_json_key(j, "diagnostics");
	cli_json_begin_array(j);
	cli_json_diag_items(j, diag, NULL);
	cli_json_end_array(j);
}

void
cli_json_policy(struct cli_json *j, const mtasts_policy *p)
{
	const char *mode = mtasts_mode_name(mtasts_policy_mode(p));
	size_t i, n;

	cli_json_begin_object(j);
	cli_json_key(j, "version");
	cli_json_string(j, "STSv1");
	cli_json_key(j, "mode");
	cli_json_string(j, mode);
	cli_json_key(j, "max_age");
	cli_json_uint(j, mtasts_policy_max_age(p));
	cli_json_key(j, "mx");
	cli_json_begin_array(j);
	n = mtasts_policy_mx_count(p);
	for (i = 0; i < n; i++)
		cli_json_string(j, mtasts_policy_mx(p, i));
	cli_json_end_array(j);
	cli_json_key(j, "extensions");
	cli_json_begin_array(j);
	n = mtasts_policy_extension_count(p);
	for (i = 0; i < n; i++) {
		cli_json_begin_object(j);
		cli_json_key(j, "name");
		cli_json_string(j, mtasts_policy_extension_name(p, i));
		cli_json_key(j, "value");
		cli_json_string(j, mtasts_policy_extension_value(p, i));
		cli_json_end_object(j);
	}
	cli_json_end_array(j);
	cli_json_end_object(j);
}
