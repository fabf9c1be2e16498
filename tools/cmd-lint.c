/* SPDX-License-Identifier: MIT */
/*
 * mtasts lint: a policy file checked as published, against what is known
 * of its domain (its TXT records, its MX hosts, the policy it replaces):
 * the parse diagnostics, then the library's lint findings (codes 6xx).
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

/* One input and its diagnostics, printed under its label. */
struct part {
	const char *label;
	mtasts_diag *diag;
};

enum {
	P_POLICY,
	P_RECORD,
	P_TLSRPT,
	P_PREV_POLICY,
	P_PREV_RECORD,
	P_LINT,
	P_COUNT
};

struct lint_run {
	struct part parts[P_COUNT];
	struct cli_input in, prev_in;
	mtasts_policy *policy, *prev_policy;
	mtasts_record *record, *prev_record;
	mtasts_tlsrpt *tlsrpt;
	mtasts_lint *lint;
	char *domain;
};

static void
run_free(struct lint_run *r)
{
	size_t i;

	for (i = 0; i < P_COUNT; i++)
		mtasts_diag_free(r->parts[i].diag);
	cli_input_free(&r->in);
	cli_input_free(&r->prev_in);
	mtasts_policy_free(r->policy);
	mtasts_policy_free(r->prev_policy);
	mtasts_record_free(r->record);
	mtasts_record_free(r->prev_record);
	mtasts_tlsrpt_free(r->tlsrpt);
	mtasts_lint_free(r->lint);
	free(r->domain);
}

static int
parse_record(mtasts_record **out, const char *text, unsigned int flags,
             const char *label, mtasts_diag *diag)
{
	int st = mtasts_record_parse(out, text, strlen(text), flags, diag);

	return cli_internal_failure(label, st) ? -1 : 0;
}

static int
parse_policy(mtasts_policy **out, const struct cli_input *in,
             unsigned int flags, mtasts_diag *diag)
{
	int st = mtasts_policy_parse(out, in->data, in->len, flags, diag);

	return cli_internal_failure(in->label, st) ? -1 : 0;
}

static void
print_human(const struct lint_run *r)
{
	struct cli_counts c, all = { 0, 0, 0 };
	size_t i;

	for (i = 0; i < P_COUNT; i++) {
		if (!r->parts[i].diag)
			continue;
		cli_print_diags(stdout, r->parts[i].label, r->parts[i].diag);
		cli_diag_counts(r->parts[i].diag, &c);
		all.errors += c.errors;
		all.warnings += c.warnings;
		all.notes += c.notes;
	}
	cli_put_safe(stdout, r->in.label);
	if (r->policy) {
		const char *mode =
		        mtasts_mode_name(mtasts_policy_mode(r->policy));

		printf(": %s (mode %s, max_age %lu, %zu mx; ",
		       all.errors ? "failed" : "passed", mode ? mode : "?",
		       (unsigned long)mtasts_policy_max_age(r->policy),
		       mtasts_policy_mx_count(r->policy));
	} else {
		fputs(": invalid (", stdout);
	}
	cli_print_all_counts(stdout, &all);
	fputs(")\n", stdout);
}

static void
print_json(const struct lint_run *r)
{
	struct cli_json j;
	size_t i;

	cli_json_init(&j, stdout);
	cli_json_begin_object(&j);
	cli_json_key(&j, "valid");
	cli_json_bool(&j, r->policy != NULL);
	cli_json_key(&j, "policy");
	if (r->policy)
		cli_json_policy(&j, r->policy);
	else
		cli_json_null(&j);
	cli_json_key(&j, "diagnostics");
	cli_json_begin_array(&j);
	for (i = 0; i < P_COUNT; i++)
		if (r->parts[i].diag)
			cli_json_diag_items(&j, r->parts[i].diag,
			                    r->parts[i].label);
	cli_json_end_array(&j);
	cli_json_end_object(&j);
	fputc('\n', stdout);
}

int
cmd_lint(const struct cli_command *cmd, int argc, char **argv)
{
	const char *domain_arg = NULL, *record_arg = NULL, *tlsrpt_arg = NULL;
	const char *prev_policy_arg = NULL, *prev_record_arg = NULL;
	int no_record = 0, no_tlsrpt = 0, no_mx = 0, lenient = 0, json = 0;
	struct cli_list mx = { NULL, 0 };
	const struct cli_opt opts[] = {
		CLI_VALUE("--domain", &domain_arg),
		CLI_VALUE("--record", &record_arg),
		CLI_FLAG("--no-record", &no_record),
		CLI_VALUE("--tlsrpt", &tlsrpt_arg),
		CLI_FLAG("--no-tlsrpt", &no_tlsrpt),
		CLI_LIST("--mx", &mx),
		CLI_FLAG("--no-mx", &no_mx),
		CLI_VALUE("--previous-policy", &prev_policy_arg),
		CLI_VALUE("--previous-record", &prev_record_arg),
		CLI_FLAG("--lenient", &lenient),
		CLI_FLAG("--json", &json),
		CLI_OPT_END,
	};
	struct lint_run r;
	unsigned int flags;
	size_t i, errors = 0;
	int n, rc, st;

	memset(&r, 0, sizeof(r));
	rc = cli_parse_opts(cmd, argc, argv, opts, 1, 1, &n);
	if (rc != CLI_ARGS_OK) {
		rc = rc == CLI_ARGS_HELP ? cli_finish(CLI_OK) : CLI_USAGE;
		goto out;
	}
	rc = CLI_USAGE;
	if (record_arg && no_record) {
		cli_usage_error(cmd,
		                "--record and --no-record exclude each "
		                "other",
		                NULL);
		goto out;
	}
	if (tlsrpt_arg && no_tlsrpt) {
		cli_usage_error(cmd,
		                "--tlsrpt and --no-tlsrpt exclude each "
		                "other",
		                NULL);
		goto out;
	}
	if (mx.count && no_mx) {
		cli_usage_error(cmd, "--mx and --no-mx exclude each other",
		                NULL);
		goto out;
	}
	if (no_mx && !domain_arg) {
		cli_usage_error(cmd,
		                "--no-mx needs --domain (the domain is "
		                "then its own MX host)",
		                NULL);
		goto out;
	}
	if (!prev_policy_arg != !prev_record_arg) {
		cli_usage_error(cmd,
		                "--previous-policy and --previous-record "
		                "go together",
		                NULL);
		goto out;
	}
	for (i = 0; i < mx.count; i++) {
		if (!mx.items[i][0]) {
			cli_usage_error(cmd, "invalid --mx (empty)",
			                mx.items[i]);
			goto out;
		}
	}
	if (domain_arg && cli_domain(cmd, domain_arg, &r.domain) != 0)
		goto out;

	flags = lenient ? MTASTS_PARSE_LENIENT : MTASTS_PARSE_DEFAULT;
	for (i = 0; i < P_COUNT; i++) {
		if (mtasts_diag_new(&r.parts[i].diag) != MTASTS_OK) {
			cli_error("out of memory");
			goto out;
		}
	}
	if (mtasts_lint_new(&r.lint) != MTASTS_OK) {
		cli_error("out of memory");
		goto out;
	}

	/* every input is read before anything is printed: an I/O error
	 * leaves standard output empty */
	if (cli_read(&r.in, argv[1], (size_t)MTASTS_POLICY_MAX_SIZE + 1) != 0)
		goto out;
	if (prev_policy_arg &&
	    cli_read(&r.prev_in, prev_policy_arg,
	             (size_t)MTASTS_POLICY_MAX_SIZE + 1) != 0)
		goto out;
	r.parts[P_POLICY].label = r.in.label;
	r.parts[P_LINT].label = r.in.label;
	r.parts[P_RECORD].label = "--record";
	r.parts[P_TLSRPT].label = "--tlsrpt";
	r.parts[P_PREV_POLICY].label = prev_policy_arg ? r.prev_in.label : "";
	r.parts[P_PREV_RECORD].label = "--previous-record";

	if (parse_policy(&r.policy, &r.in, flags, r.parts[P_POLICY].diag) != 0)
		goto out;

	if (r.domain && mtasts_lint_set_domain(r.lint, r.domain) != MTASTS_OK)
		goto fail;
	/* a record that does not parse counts as absent */
	if (record_arg || no_record) {
		if (record_arg &&
		    parse_record(&r.record, record_arg, flags, "--record",
		                 r.parts[P_RECORD].diag) != 0)
			goto out;
		if (mtasts_lint_set_record(r.lint, r.record) != MTASTS_OK)
			goto fail;
	}
	if (tlsrpt_arg || no_tlsrpt) {
		if (tlsrpt_arg) {
			st = mtasts_tlsrpt_parse(&r.tlsrpt, tlsrpt_arg,
			                         strlen(tlsrpt_arg), flags,
			                         r.parts[P_TLSRPT].diag);
			if (cli_internal_failure("--tlsrpt", st))
				goto out;
		}
		if (mtasts_lint_set_tlsrpt(r.lint, r.tlsrpt) != MTASTS_OK)
			goto fail;
	}
	if (mx.count || no_mx) {
		if (mtasts_lint_set_mx_hosts(r.lint, mx.items, mx.count) !=
		    MTASTS_OK)
			goto fail;
	}
	if (prev_policy_arg) {
		if (parse_policy(&r.prev_policy, &r.prev_in, flags,
		                 r.parts[P_PREV_POLICY].diag) != 0 ||
		    parse_record(&r.prev_record, prev_record_arg, flags,
		                 "--previous-record",
		                 r.parts[P_PREV_RECORD].diag) != 0)
			goto out;
		if (r.prev_policy && r.prev_record &&
		    mtasts_lint_set_previous(r.lint, r.prev_policy,
		                             r.prev_record) != MTASTS_OK)
			goto fail;
	}
	if (r.policy) {
		st = mtasts_lint_policy(r.lint, r.policy, r.parts[P_LINT].diag);
		if (st != MTASTS_OK && st != MTASTS_ELINT) {
			cli_error("cannot lint the policy: %s",
			          mtasts_strerror(st));
			goto out;
		}
	}

	if (json)
		print_json(&r);
	else
		print_human(&r);
	for (i = 0; i < P_COUNT; i++)
		errors += mtasts_diag_error_count(r.parts[i].diag);
	rc = cli_finish(errors ? CLI_FAIL : CLI_OK);
	goto out;
fail:
	cli_error("out of memory");
out:
	run_free(&r);
	cli_list_free(&mx);
	return rc;
}
