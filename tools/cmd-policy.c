/* SPDX-License-Identifier: MIT */
/*
 * mtasts policy check | match | format: the policy file (RFC 8461 §3.2).
 */
#include "cli.h"

#include <string.h>

/* A policy file read and parsed; what every policy command starts with. */
struct loaded {
	struct cli_input in;
	mtasts_diag *diag;
	mtasts_policy *policy;
	int status; /* the parse status */
};

/*
 * Read path (bounded to one byte more than the library accepts, so an
 * oversized file is reported by the parser rather than read unbounded)
 * and parse it. Returns 0 when the parse ran (its result is in
 * ld->status), CLI_USAGE on an I/O or internal error (already reported).
 */
static int
load(struct loaded *ld, const char *path, int lenient)
{
	memset(ld, 0, sizeof(*ld));
	if (cli_read(&ld->in, path, (size_t)MTASTS_POLICY_MAX_SIZE + 1) != 0)
		return CLI_USAGE;
	if (mtasts_diag_new(&ld->diag) != MTASTS_OK) {
		cli_error("out of memory");
		return CLI_USAGE;
	}
	ld->status = mtasts_policy_parse(&ld->policy, ld->in.data, ld->in.len,
	                                 lenient ? MTASTS_PARSE_LENIENT
	                                         : MTASTS_PARSE_DEFAULT,
	                                 ld->diag);
	if (cli_internal_failure(ld->in.label, ld->status))
		return CLI_USAGE;
	return 0;
}

static void
unload(struct loaded *ld)
{
	mtasts_policy_free(ld->policy);
	mtasts_diag_free(ld->diag);
	cli_input_free(&ld->in);
}

static void
json_policy(struct cli_json *j, const mtasts_policy *p)
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

static void
print_json(const struct loaded *ld)
{
	struct cli_json j;

	cli_json_init(&j, stdout);
	cli_json_begin_object(&j);
	cli_json_key(&j, "valid");
	cli_json_bool(&j, ld->policy != NULL);
	cli_json_key(&j, "policy");
	if (ld->policy)
		json_policy(&j, ld->policy);
	else
		cli_json_null(&j);
	cli_json_diags(&j, ld->diag);
	cli_json_end_object(&j);
	fputc('\n', stdout);
}

static void
print_human(const struct loaded *ld)
{
	struct cli_counts c;
	const char *mode;

	cli_print_diags(stdout, ld->in.label, ld->diag);
	cli_diag_counts(ld->diag, &c);
	cli_put_safe(stdout, ld->in.label);
	if (ld->policy) {
		mode = mtasts_mode_name(mtasts_policy_mode(ld->policy));
		printf(": valid (mode %s, max_age %lu, %zu mx",
		       mode ? mode : "?",
		       (unsigned long)mtasts_policy_max_age(ld->policy),
		       mtasts_policy_mx_count(ld->policy));
		cli_print_counts(stdout, &c, 0, 1);
	} else {
		fputs(": invalid (", stdout);
		cli_print_counts(stdout, &c, 1, 0);
	}
	fputs(")\n", stdout);
}

int
cmd_policy_check(const struct cli_command *cmd, int argc, char **argv)
{
	int lenient = 0, json = 0, n, rc;
	const struct cli_option opts[] = {
		{ "--lenient", &lenient },
		{ "--json", &json },
		{ NULL, NULL },
	};
	struct loaded ld;

	rc = cli_parse_args(cmd, argc, argv, opts, 1, 1, &n);
	if (rc != CLI_ARGS_OK)
		return rc == CLI_ARGS_HELP ? cli_finish(CLI_OK) : CLI_USAGE;
	rc = load(&ld, argv[1], lenient);
	if (rc != 0)
		goto out;
	if (json)
		print_json(&ld);
	else
		print_human(&ld);
	rc = ld.policy ? CLI_OK : CLI_FAIL;
out:
	unload(&ld);
	return cli_finish(rc);
}

int
cmd_policy_match(const struct cli_command *cmd, int argc, char **argv)
{
	int lenient = 0, n, rc;
	const struct cli_option opts[] = {
		{ "--lenient", &lenient },
		{ NULL, NULL },
	};
	struct loaded ld;
	size_t index = MTASTS_NO_INDEX;
	const char *host;

	rc = cli_parse_args(cmd, argc, argv, opts, 2, 2, &n);
	if (rc != CLI_ARGS_OK)
		return rc == CLI_ARGS_HELP ? cli_finish(CLI_OK) : CLI_USAGE;
	host = argv[2];
	rc = load(&ld, argv[1], lenient);
	if (rc != 0)
		goto out;
	/* Warnings of a valid policy, or the errors of an invalid one. */
	cli_print_diags(stderr, ld.in.label, ld.diag);
	if (!ld.policy) {
		fputs("mtasts: ", stderr);
		cli_put_safe(stderr, ld.in.label);
		fputs(": invalid policy\n", stderr);
		rc = CLI_USAGE;
		goto out;
	}
	cli_put_safe(stdout, host);
	if (mtasts_policy_match(ld.policy, host, &index)) {
		fputs(" matches ", stdout);
		cli_put_safe(stdout, mtasts_policy_mx(ld.policy, index));
		printf(" (index %zu)\n", index);
		rc = CLI_OK;
	} else {
		fputs(" does not match any mx pattern of ", stdout);
		cli_put_safe(stdout, ld.in.label);
		fputc('\n', stdout);
		rc = CLI_FAIL;
	}
out:
	unload(&ld);
	return cli_finish(rc);
}

int
cmd_policy_format(const struct cli_command *cmd, int argc, char **argv)
{
	int lenient = 0, lf = 0, n, rc, status;
	const struct cli_option opts[] = {
		{ "--lf", &lf },
		{ "--lenient", &lenient },
		{ NULL, NULL },
	};
	struct loaded ld;
	char *text = NULL;

	rc = cli_parse_args(cmd, argc, argv, opts, 1, 1, &n);
	if (rc != CLI_ARGS_OK)
		return rc == CLI_ARGS_HELP ? cli_finish(CLI_OK) : CLI_USAGE;
	rc = load(&ld, argv[1], lenient);
	if (rc != 0)
		goto out;
	/* stdout carries only the policy; every diagnostic goes to stderr. */
	cli_print_diags(stderr, ld.in.label, ld.diag);
	if (!ld.policy) {
		fputs("mtasts: ", stderr);
		cli_put_safe(stderr, ld.in.label);
		fputs(": invalid policy\n", stderr);
		rc = CLI_FAIL;
		goto out;
	}
	status = mtasts_policy_format_alloc(
	        ld.policy, lf ? MTASTS_FORMAT_LF : MTASTS_FORMAT_DEFAULT,
	        &text);
	if (status != MTASTS_OK) {
		cli_error("cannot format the policy: %s",
		          mtasts_strerror(status));
		rc = CLI_USAGE;
		goto out;
	}
	fwrite(text, 1, strlen(text), stdout);
	rc = CLI_OK;
out:
	mtasts_free(text);
	unload(&ld);
	return cli_finish(rc);
}
