/* SPDX-License-Identifier: MIT */
/*
 * Shared declarations of the mtasts command-line tool: the command table,
 * option parsing, input reading, diagnostics output (human and JSON) and a
 * small streaming JSON writer. Nothing here is part of libmtasts.
 */
#ifndef MTASTS_CLI_H
#define MTASTS_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <mtasts.h>

#if defined(__GNUC__)
#define CLI_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CLI_PRINTF(f, a)
#endif

/* Exit statuses shared by every command. */
enum {
	CLI_OK = 0,   /* valid / match */
	CLI_FAIL = 1, /* invalid / no match */
	CLI_USAGE = 2 /* usage error, I/O error, internal error */
};

/* ---- command table ------------------------------------------------------- */

struct cli_command;

/*
 * A command's entry point. argv[0] is the command's own name; the options
 * and operands follow. The return value is the exit status.
 */
typedef int (*cli_run_fn)(const struct cli_command *cmd, int argc, char **argv);

/*
 * One node of the command tree: either a leaf with run(), or a group with
 * a NULL-name-terminated table of subcommands. Adding a command (e.g.
 * "tlsrpt check", "generate", "lint") is adding one entry here.
 */
struct cli_command {
	const char *name;    /* word on the command line */
	const char *path;    /* full name, e.g. "policy check" */
	const char *args;    /* usage after the path, e.g. "[--json] FILE|-" */
	const char *summary; /* one line for the parent's command list */
	const char *help; /* body of --help: description, options, examples */
	cli_run_fn run;   /* leaf commands */
	const struct cli_command *subs; /* groups */
};

/* Print "Usage: mtasts PATH ARGS" (and, for a group, its commands). */
void cli_usage(FILE *f, const struct cli_command *cmd);

/* Print the full --help text of a command on stdout. */
void cli_help(const struct cli_command *cmd);

/*
 * Report a usage error on stderr: "mtasts: WHAT 'WORD'" (WORD, from the
 * command line, shown safely; omitted when NULL), the usage line and a
 * hint to --help. Returns CLI_USAGE.
 */
int cli_usage_error(const struct cli_command *cmd, const char *what,
                    const char *word);

/* Whether an argument asks for help: "--help" or "-h". */
int cli_is_help(const char *arg);

/* ---- option parsing -------------------------------------------------------- */

/* A boolean long option such as "--json"; *flag is set to 1 when seen. */
struct cli_option {
	const char *name;
	int *flag;
};

enum {
	CLI_ARGS_OK = 0,
	CLI_ARGS_HELP = 1, /* --help or -h was given: help printed */
	CLI_ARGS_ERROR = 2 /* usage error: already reported */
};

/*
 * Parse argv[1..argc) against a NULL-name-terminated option table. Options
 * and operands may be mixed; "--" ends the options; "-" is an operand. The
 * operands are moved, in order, to the front of argv + 1 and their number
 * stored in *n_operands. Checks min_operands <= count <= max_operands
 * (max_operands < 0: no upper bound).
 */
int cli_parse_args(const struct cli_command *cmd, int argc, char **argv,
                   const struct cli_option *options, int min_operands,
                   int max_operands, int *n_operands);

/*
 * Options with a value, for commands that need more than flags. A table of
 * struct cli_opt ends with CLI_OPT_END; build entries with the macros:
 *   CLI_FLAG("--json", &json)       a flag: *flag = 1
 *   CLI_VALUE("--domain", &domain)  one value: "--domain D" or "--domain=D";
 *                                   given twice is a usage error
 *   CLI_LIST("--mx", &mx)           a repeatable value, appended in order
 * Values point into argv.
 */
enum { CLI_OPT_FLAG = 1, CLI_OPT_VALUE = 2, CLI_OPT_LIST = 3 };

/* The values of a repeatable option, in command-line order. */
struct cli_list {
	const char **items; /* malloc'd; free with cli_list_free() */
	size_t count;
};

struct cli_opt {
	const char *name;
	int kind;
	int *flag;
	const char **value;
	struct cli_list *list;
};

#define CLI_FLAG(n, p)                                                         \
	{                                                                      \
		(n), CLI_OPT_FLAG, (p), NULL, NULL                             \
	}
#define CLI_VALUE(n, p)                                                        \
	{                                                                      \
		(n), CLI_OPT_VALUE, NULL, (p), NULL                            \
	}
#define CLI_LIST(n, p)                                                         \
	{                                                                      \
		(n), CLI_OPT_LIST, NULL, NULL, (p)                             \
	}
#define CLI_OPT_END                                                            \
	{                                                                      \
		NULL, 0, NULL, NULL, NULL                                      \
	}

/*
 * As cli_parse_args(), with a table of struct cli_opt. On CLI_ARGS_ERROR
 * and CLI_ARGS_HELP the lists may hold values: free them in every case.
 */
int cli_parse_opts(const struct cli_command *cmd, int argc, char **argv,
                   const struct cli_opt *options, int min_operands,
                   int max_operands, int *n_operands);

void cli_list_free(struct cli_list *list);

/*
 * Parse a decimal number: one or more ASCII digits, nothing else (no sign,
 * no space), at most max. Returns 0 on success, -1 otherwise.
 */
int cli_parse_uint(const char *s, unsigned long long max,
                   unsigned long long *out);

/* ---- input ------------------------------------------------------------------- */

/* An input read into memory: at most the bound given to cli_read(). */
struct cli_input {
	char *data; /* malloc'd, len bytes (not NUL-terminated) */
	size_t len;
	const char *label; /* "<stdin>" or the path, for diagnostics */
};

/*
 * Read at most max bytes of path ("-" for standard input). Never reads
 * more than max bytes, so an endless input cannot exhaust memory. On
 * failure prints "mtasts: PATH: reason" on stderr and returns -1.
 */
int cli_read(struct cli_input *in, const char *path, size_t max);

void cli_input_free(struct cli_input *in);

/* ---- output helpers ------------------------------------------------------------ */

/*
 * Write s with every control byte (and DEL) shown as \xNN, so a label or a
 * host name from the command line cannot break the one-line-per-item
 * output.
 */
void cli_put_safe(FILE *f, const char *s);

/* Print a message on stderr prefixed with "mtasts: ". */
void cli_error(const char *fmt, ...) CLI_PRINTF(1, 2);

/* Counts of a diagnostics list by severity. */
struct cli_counts {
	size_t errors;
	size_t warnings;
	size_t notes;
};

void cli_diag_counts(const mtasts_diag *diag, struct cli_counts *c);

/*
 * Print every diagnostic, one per line, compiler style:
 *   LABEL:LINE:COL: severity: message [code]
 * (LABEL:LINE: … when the column is 0, LABEL: … when the line is 0).
 */
void cli_print_diags(FILE *f, const char *label, const mtasts_diag *diag);

/*
 * Print "N errors, M warnings" with correct plurals (and ", K notes" when
 * there are notes). Error and warning counts of 0 are skipped unless
 * always is set. With separate, the first part is preceded by ", ".
 */
void cli_print_counts(FILE *f, const struct cli_counts *c, int always,
                      int separate);

/*
 * Finish standard output: flush it and report a write error (for example
 * to a full disk or a closed pipe). Returns status, or CLI_USAGE if writing
 * failed.
 */
int cli_finish(int status);

/*
 * Report a parse status the diagnostics cannot explain (out of memory, an
 * invalid argument) on stderr. Returns 1 if the status was such an
 * internal failure, 0 if it is an ordinary "input is invalid" status.
 */
int cli_internal_failure(const char *label, int status);

/* ---- JSON writer ----------------------------------------------------------- */

#define CLI_JSON_DEPTH 16

/*
 * A streaming writer for one JSON value on one line, formatted like
 * Python's json.dumps(): ", " between members, ": " after keys. Commas
 * are inserted automatically.
 */
struct cli_json {
	FILE *f;
	int depth;
	int after_key;
	unsigned char has_items[CLI_JSON_DEPTH];
};

void cli_json_init(struct cli_json *j, FILE *f);
void cli_json_begin_object(struct cli_json *j);
void cli_json_end_object(struct cli_json *j);
void cli_json_begin_array(struct cli_json *j);
void cli_json_end_array(struct cli_json *j);
void cli_json_key(struct cli_json *j, const char *key);
void cli_json_string(struct cli_json *j, const char *s);
void cli_json_string_n(struct cli_json *j, const char *s, size_t n);
void cli_json_uint(struct cli_json *j, unsigned long long v);
void cli_json_bool(struct cli_json *j, int v);
void cli_json_null(struct cli_json *j);

/*
 * Write s as a JSON string literal: '"', '\' and control bytes escaped
 * (\n \r \t \b \f, else \u00XX), well-formed UTF-8 passed through,
 * any other byte replaced by U+FFFD so the output is always valid JSON.
 */
void cli_json_escape(FILE *f, const char *s, size_t n);

/* Write the "diagnostics" array of a diagnostics list. */
void cli_json_diags(struct cli_json *j, const mtasts_diag *diag);

/*
 * Write the entries of a diagnostics list as objects into an array the
 * caller opened. With input non-NULL each object ends with an "input"
 * member naming what the diagnostic is about (a file, "--record", ...).
 */
void cli_json_diag_items(struct cli_json *j, const mtasts_diag *diag,
                         const char *input);

/* Write entry i of a diagnostics list as one such object (for a caller
 * that shows only some entries of a list). */
void cli_json_diag_item(struct cli_json *j, const mtasts_diag *diag, size_t i,
                        const char *input);

/*
 * Write a policy as the object "policy check --json" prints: version,
 * mode, max_age, mx, extensions.
 */
void cli_json_policy(struct cli_json *j, const mtasts_policy *p);

/* ---- publishing helpers (generate, enforce, lint) ------------------------------ */

/* Longest domain the tool accepts: "_smtp._tls." + domain must stay a
 * valid DNS name of at most 253 bytes. */
#define CLI_DOMAIN_MAX 242

/* The largest --now / SOURCE_DATE_EPOCH: 9999-12-31T23:59:59Z. */
#define CLI_TIME_MAX 253402300799ULL

/* Default TTL of the zone output. */
#define CLI_TTL_DEFAULT 3600UL

/*
 * Normalise a --domain value: ASCII lower case, one trailing dot removed;
 * it must then be a host name (letters, digits, hyphens, dots; labels of
 * at most 63 bytes) of at most CLI_DOMAIN_MAX bytes. On success stores a
 * malloc'd copy in *out and returns 0; otherwise reports a usage error
 * (with the library's diagnostics, label "--domain") and returns
 * CLI_USAGE.
 */
int cli_domain(const struct cli_command *cmd, const char *in, char **out);

/*
 * The current time for new ids: the --now value when given, else the
 * SOURCE_DATE_EPOCH environment variable when set, else time(NULL).
 * Returns 0, or CLI_USAGE after reporting an invalid value.
 */
int cli_now(const struct cli_command *cmd, const char *opt, int64_t *now);

/*
 * Parse a --max-age value: seconds as a plain number, or a positive
 * number followed by d (86400), w (604800) or y (31557600). The result
 * must be at most MTASTS_MAX_AGE_MAX. Returns 0 or -1.
 */
int cli_parse_max_age(const char *s, uint32_t *out);

/* "1 week", "30 days", "1 year", "2 hours", "45 seconds". */
void cli_put_duration(FILE *f, unsigned long seconds);

/*
 * Replace path with exactly len bytes of data: written to a temporary file
 * in the same directory, flushed to disk, then renamed over path (mode
 * 0666 minus the umask). Returns 0, or -1 after printing
 * "mtasts: PATH: reason" on stderr.
 */
int cli_write_file(const char *path, const char *data, size_t len);

/*
 * Write one TXT resource record as a BIND master-file line:
 *   NAME<TAB>TTL<TAB>IN<TAB>TXT<TAB>"..." ["..."...]
 * The value is split into character-strings of at most 255 bytes (split
 * before escaping, so no escape is broken); '"' and '\' are written as
 * \" and \\, other bytes outside printable ASCII as \DDD.
 */
void cli_zone_txt(FILE *f, const char *name, unsigned long ttl,
                  const char *value);

/* Number of 255-byte character-strings a TXT value of len bytes needs. */
size_t cli_txt_string_count(size_t len);

/*
 * Print every diagnostic without a position, one per line:
 *   PREFIXseverity: message [code]
 */
void cli_print_findings(FILE *f, const char *prefix, const mtasts_diag *diag);

/* "N errors, M warnings, K notes", every count shown, plurals right. */
void cli_print_all_counts(FILE *f, const struct cli_counts *c);

/* ---- commands ------------------------------------------------------------------ */

int cmd_policy_check(const struct cli_command *cmd, int argc, char **argv);
int cmd_policy_match(const struct cli_command *cmd, int argc, char **argv);
int cmd_policy_format(const struct cli_command *cmd, int argc, char **argv);
int cmd_record_check(const struct cli_command *cmd, int argc, char **argv);
int cmd_tlsrpt_check(const struct cli_command *cmd, int argc, char **argv);
int cmd_match(const struct cli_command *cmd, int argc, char **argv);
int cmd_generate(const struct cli_command *cmd, int argc, char **argv);
int cmd_enforce(const struct cli_command *cmd, int argc, char **argv);
int cmd_lint(const struct cli_command *cmd, int argc, char **argv);
int cmd_check(const struct cli_command *cmd, int argc, char **argv);

#endif /* MTASTS_CLI_H */
