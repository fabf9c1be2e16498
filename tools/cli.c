/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by every mtasts command: usage and help text, option
 * parsing, bounded input reading and diagnostics output.
 */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---- usage and help ------------------------------------------------------- */

static void
put_path(FILE *f, const struct cli_command *cmd)
{
	fputs("mtasts", f);
	if (cmd->path && cmd->path[0]) {
		fputc(' ', f);
		fputs(cmd->path, f);
	}
}

static void
usage_line(FILE *f, const struct cli_command *cmd)
{
	fputs("Usage: ", f);
	put_path(f, cmd);
	if (cmd->args && cmd->args[0]) {
		fputc(' ', f);
		fputs(cmd->args, f);
	}
	fputc('\n', f);
}

static void
command_list(FILE *f, const struct cli_command *cmd)
{
	const struct cli_command *c;
	size_t w = 0;

	for (c = cmd->subs; c->name; c++)
		if (strlen(c->name) > w)
			w = strlen(c->name);
	fputs("\nCommands:\n", f);
	for (c = cmd->subs; c->name; c++)
		fprintf(f, "  %-*s  %s\n", (int)w, c->name, c->summary);
}

void
cli_usage(FILE *f, const struct cli_command *cmd)
{
	usage_line(f, cmd);
	if (cmd->subs)
		command_list(f, cmd);
}

void
cli_help(const struct cli_command *cmd)
{
	cli_usage(stdout, cmd);
	if (cmd->help && cmd->help[0]) {
		fputc('\n', stdout);
		fputs(cmd->help, stdout);
	}
}

int
cli_usage_error(const struct cli_command *cmd, const char *what,
                const char *word)
{
	fputs("mtasts: ", stderr);
	fputs(what, stderr);
	if (word) {
		fputs(" '", stderr);
		cli_put_safe(stderr, word);
		fputc('\'', stderr);
	}
	fputc('\n', stderr);
	cli_usage(stderr, cmd);
	fputs("Try '", stderr);
	put_path(stderr, cmd);
	fputs(" --help' for more information.\n", stderr);
	return CLI_USAGE;
}

/* ---- option parsing -------------------------------------------------------- */

int
cli_is_help(const char *a)
{
	return strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0;
}

/* The entry of a flag table or an option table named by a (NULL if none). */
static const struct cli_option *
find_flag(const struct cli_option *flags, const char *a)
{
	const struct cli_option *o;

	for (o = flags; o && o->name; o++)
		if (strcmp(a, o->name) == 0)
			return o;
	return NULL;
}

/* An option of the table matching a, either "--name" or "--name=VALUE"
 * (*inline_value then points after the '='). */
static const struct cli_opt *
find_opt(const struct cli_opt *opts, const char *a, const char **inline_value)
{
	const struct cli_opt *o;

	*inline_value = NULL;
	for (o = opts; o && o->name; o++) {
		size_t n = strlen(o->name);

		if (strncmp(a, o->name, n) != 0)
			continue;
		if (a[n] == '\0')
			return o;
		if (a[n] == '=' && o->kind != CLI_OPT_FLAG) {
			*inline_value = a + n + 1;
			return o;
		}
	}
	return NULL;
}

/* gcc 12's -fanalyzer loses track of the array stored in *l and calls it a
 * leak; cli_list_free() releases it (scripts/static-analysis). */
#if defined(__GNUC__) && __GNUC__ >= 10 && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-malloc-leak"
#endif
static int
list_append(struct cli_list *l, const char *v, int argc)
{
	if (!l->items) {
		l->items = malloc((size_t)argc * sizeof(*l->items));
		if (!l->items)
			return -1;
	}
	l->items[l->count++] = v;
	return 0;
}
#if defined(__GNUC__) && __GNUC__ >= 10 && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

void
cli_list_free(struct cli_list *list)
{
	free(list->items);
	list->items = NULL;
	list->count = 0;
}

/* Option parsing for both table kinds: flags (struct cli_option) and
 * options with values (struct cli_opt). */
static int
parse_common(const struct cli_command *cmd, int argc, char **argv,
             const struct cli_option *flags, const struct cli_opt *opts,
             int min_operands, int max_operands, int *n_operands)
{
	int i, n = 0, end_of_options = 0;

	/* --help wins over any error, wherever it appears before "--". */
	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (cli_is_help(argv[i])) {
			cli_help(cmd);
			return CLI_ARGS_HELP;
		}
	}
	for (i = 1; i < argc; i++) {
		char *a = argv[i];
		const struct cli_option *f;
		const struct cli_opt *o;
		const char *value;

		if (!end_of_options && strcmp(a, "--") == 0) {
			end_of_options = 1;
			continue;
		}
		if (end_of_options || a[0] != '-' || a[1] == '\0') {
			argv[1 + n++] = a;
			continue;
		}
		f = find_flag(flags, a);
		if (f) {
			*f->flag = 1;
			continue;
		}
		o = find_opt(opts, a, &value);
		if (!o) {
			cli_usage_error(cmd, "unknown option", a);
			return CLI_ARGS_ERROR;
		}
		if (o->kind == CLI_OPT_FLAG) {
			*o->flag = 1;
			continue;
		}
		if (!value) {
			if (i + 1 >= argc) {
				cli_usage_error(cmd, "option needs a value", a);
				return CLI_ARGS_ERROR;
			}
			value = argv[++i];
		}
		if (o->kind == CLI_OPT_VALUE) {
			if (*o->value) {
				cli_usage_error(cmd,
				                "option given more than once",
				                o->name);
				return CLI_ARGS_ERROR;
			}
			*o->value = value;
		} else if (list_append(o->list, value, argc) != 0) {
			cli_error("out of memory");
			return CLI_ARGS_ERROR;
		}
	}
	if (n < min_operands) {
		cli_usage_error(cmd, "missing argument", NULL);
		return CLI_ARGS_ERROR;
	}
	if (max_operands >= 0 && n > max_operands) {
		cli_usage_error(cmd, "too many arguments", NULL);
		return CLI_ARGS_ERROR;
	}
	*n_operands = n;
	return CLI_ARGS_OK;
}

int
cli_parse_args(const struct cli_command *cmd, int argc, char **argv,
               const struct cli_option *options, int min_operands,
               int max_operands, int *n_operands)
{
	return parse_common(cmd, argc, argv, options, NULL, min_operands,
	                    max_operands, n_operands);
}

int
cli_parse_opts(const struct cli_command *cmd, int argc, char **argv,
               const struct cli_opt *options, int min_operands,
               int max_operands, int *n_operands)
{
	return parse_common(cmd, argc, argv, NULL, options, min_operands,
	                    max_operands, n_operands);
}

int
cli_parse_uint(const char *s, unsigned long long max, unsigned long long *out)
{
	unsigned long long v = 0;

	if (!s || !*s)
		return -1;
	for (; *s; s++) {
		unsigned int d;

		if (*s < '0' || *s > '9')
			return -1;
		d = (unsigned int)(*s - '0');
		if (d > max || v > (max - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

/* ---- input ------------------------------------------------------------------- */

int
cli_read(struct cli_input *in, const char *path, size_t max)
{
	FILE *f;
	int is_stdin = strcmp(path, "-") == 0;
	int err;

	in->data = NULL;
	in->len = 0;
	in->label = is_stdin ? "<stdin>" : path;
	if (is_stdin) {
		f = stdin;
	} else {
		f = fopen(path, "rb");
		if (!f) {
			err = errno;
			goto fail;
		}
	}
	in->data = malloc(max ? max : 1);
	if (!in->data) {
		err = ENOMEM;
		goto fail;
	}
	while (in->len < max) {
		size_t got;

		errno = 0;
		got = fread(in->data + in->len, 1, max - in->len, f);
		in->len += got;
		if (got == 0) {
			if (ferror(f)) {
				err = errno ? errno : EIO;
				goto fail;
			}
			break;
		}
	}
	if (!is_stdin)
		fclose(f);
	return 0;

fail:
	if (f && !is_stdin)
		fclose(f);
	free(in->data);
	in->data = NULL;
	in->len = 0;
	fputs("mtasts: ", stderr);
	cli_put_safe(stderr, is_stdin ? "<stdin>" : path);
	fprintf(stderr, ": %s\n", strerror(err));
	return -1;
}

void
cli_input_free(struct cli_input *in)
{
	free(in->data);
	in->data = NULL;
	in->len = 0;
}

/* ---- output ------------------------------------------------------------------ */

void
cli_put_safe(FILE *f, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7F)
			fprintf(f, "\\x%02x", (unsigned int)*p);
		else
			fputc(*p, f);
	}
}

void
cli_error(const char *fmt, ...)
{
	va_list ap;

	fputs("mtasts: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
cli_diag_counts(const mtasts_diag *diag, struct cli_counts *c)
{
	size_t i, n = mtasts_diag_count(diag);

	c->errors = 0;
	c->warnings = 0;
	c->notes = 0;
	for (i = 0; i < n; i++) {
		switch (mtasts_diag_severity(diag, i)) {
		case MTASTS_SEVERITY_ERROR:
			c->errors++;
			break;
		case MTASTS_SEVERITY_WARNING:
			c->warnings++;
			break;
		default:
			c->notes++;
			break;
		}
	}
}

void
cli_print_diags(FILE *f, const char *label, const mtasts_diag *diag)
{
	size_t i, n = mtasts_diag_count(diag);

	for (i = 0; i < n; i++) {
		unsigned int line = mtasts_diag_line(diag, i);
		unsigned int col = mtasts_diag_column(diag, i);
		int code = mtasts_diag_code(diag, i);
		const char *sev =
		        mtasts_severity_name(mtasts_diag_severity(diag, i));
		const char *name = mtasts_diag_code_name(code);
		const char *msg = mtasts_diag_message(diag, i);

		cli_put_safe(f, label);
		if (line > 0 && col > 0)
			fprintf(f, ":%u:%u", line, col);
		else if (line > 0)
			fprintf(f, ":%u", line);
		fprintf(f, ": %s: ", sev ? sev : "unknown");
		cli_put_safe(f, msg ? msg : "");
		if (name)
			fprintf(f, " [%s]\n", name);
		else
			fprintf(f, " [%d]\n", code);
	}
}

static void
count_part(FILE *f, int *first, size_t n, const char *word)
{
	fprintf(f, "%s%zu %s%s", *first ? "" : ", ", n, word,
	        n == 1 ? "" : "s");
	*first = 0;
}

void
cli_print_counts(FILE *f, const struct cli_counts *c, int always, int separate)
{
	int first = !separate;

	if (always || c->errors)
		count_part(f, &first, c->errors, "error");
	if (always || c->warnings)
		count_part(f, &first, c->warnings, "warning");
	if (c->notes)
		count_part(f, &first, c->notes, "note");
}

int
cli_finish(int status)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_error("error writing to standard output");
		return CLI_USAGE;
	}
	return status;
}

int
cli_internal_failure(const char *label, int status)
{
	if (status != MTASTS_ENOMEM && status != MTASTS_EINVAL)
		return 0;
	fputs("mtasts: ", stderr);
	cli_put_safe(stderr, label);
	fprintf(stderr, ": %s\n", mtasts_strerror(status));
	return 1;
}
