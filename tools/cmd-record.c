/* SPDX-License-Identifier: MIT */
/*
 * mtasts record check: the _mta-sts TXT record (RFC 8461 §3.1), one record
 * or a whole RRset.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static void
json_record(struct cli_json *j, const mtasts_record *r)
{
	size_t i, n;

	cli_json_begin_object(j);
	cli_json_key(j, "version");
	cli_json_string(j, "STSv1");
	cli_json_key(j, "id");
	cli_json_string(j, mtasts_record_id(r));
	cli_json_key(j, "extensions");
	cli_json_begin_array(j);
	n = mtasts_record_extension_count(r);
	for (i = 0; i < n; i++) {
		cli_json_begin_object(j);
		cli_json_key(j, "name");
		cli_json_string(j, mtasts_record_extension_name(r, i));
		cli_json_key(j, "value");
		cli_json_string(j, mtasts_record_extension_value(r, i));
		cli_json_end_object(j);
	}
	cli_json_end_array(j);
	cli_json_end_object(j);
}

/* What a check produced, and how to present it. */
struct result {
	const char *label;
	const mtasts_record *record;
	const mtasts_diag *diag;
	int rrset;       /* 2+ RRs: report the selection */
	size_t selected; /* valid when rrset */
	size_t count;    /* number of RRs when rrset */
};

static void
print_json(const struct result *r)
{
	struct cli_json j;

	cli_json_init(&j, stdout);
	cli_json_begin_object(&j);
	cli_json_key(&j, "valid");
	cli_json_bool(&j, r->record != NULL);
	cli_json_key(&j, "record");
	if (r->record)
		json_record(&j, r->record);
	else
		cli_json_null(&j);
	if (r->rrset) {
		cli_json_key(&j, "selected");
		if (r->selected == MTASTS_NO_INDEX)
			cli_json_null(&j);
		else
			cli_json_uint(&j, r->selected);
	}
	cli_json_diags(&j, r->diag);
	cli_json_end_object(&j);
	fputc('\n', stdout);
}

static void
print_human(const struct result *r)
{
	struct cli_counts c;

	cli_print_diags(stdout, r->label, r->diag);
	cli_diag_counts(r->diag, &c);
	cli_put_safe(stdout, r->label);
	if (r->record) {
		fputs(": valid (id ", stdout);
		cli_put_safe(stdout, mtasts_record_id(r->record));
		if (r->rrset && r->selected != MTASTS_NO_INDEX)
			printf(", RR %zu of %zu selected", r->selected + 1,
			       r->count);
		cli_print_counts(stdout, &c, 0, 1);
	} else {
		fputs(": invalid (", stdout);
		cli_print_counts(stdout, &c, 1, 0);
	}
	fputs(")\n", stdout);
}

int
cmd_record_check(const struct cli_command *cmd, int argc, char **argv)
{
	int lenient = 0, json = 0, n, rc, status, i;
	const struct cli_option opts[] = {
		{ "--lenient", &lenient },
		{ "--json", &json },
		{ NULL, NULL },
	};
	unsigned int flags;
	struct cli_input in = { NULL, 0, "<stdin>" };
	struct result res;
	mtasts_diag *diag = NULL;
	mtasts_record *record = NULL;
	const char **rrs = NULL;
	size_t *lens = NULL;

	rc = cli_parse_args(cmd, argc, argv, opts, 0, -1, &n);
	if (rc != CLI_ARGS_OK)
		return rc == CLI_ARGS_HELP ? cli_finish(CLI_OK) : CLI_USAGE;
	flags = lenient ? MTASTS_PARSE_LENIENT : MTASTS_PARSE_DEFAULT;
	memset(&res, 0, sizeof(res));
	res.label = "<arg>";
	res.selected = MTASTS_NO_INDEX;
	rc = CLI_USAGE;
	if (mtasts_diag_new(&diag) != MTASTS_OK) {
		cli_error("out of memory");
		goto out;
	}
	if (n == 0) {
		/* One record on stdin, raw: only one final LF is removed. One
		 * byte over the cap plus that LF is enough to let the parser
		 * report an oversized record. */
		if (cli_read(&in, "-", (size_t)MTASTS_RECORD_MAX_SIZE + 2) != 0)
			goto out;
		if (in.len > 0 && in.data[in.len - 1] == '\n')
			in.len--;
		res.label = in.label;
		status = mtasts_record_parse(&record, in.data, in.len, flags,
		                             diag);
	} else if (n == 1) {
		status = mtasts_record_parse(&record, argv[1], strlen(argv[1]),
		                             flags, diag);
	} else {
		rrs = malloc((size_t)n * sizeof(*rrs));
		lens = malloc((size_t)n * sizeof(*lens));
		if (!rrs || !lens) {
			cli_error("out of memory");
			goto out;
		}
		for (i = 0; i < n; i++) {
			rrs[i] = argv[1 + i];
			lens[i] = strlen(argv[1 + i]);
		}
		res.rrset = 1;
		res.count = (size_t)n;
		status = mtasts_record_select(&record, &res.selected, rrs, lens,
		                              (size_t)n, flags, diag);
	}
	if (cli_internal_failure(res.label, status))
		goto out;
	res.record = record;
	res.diag = diag;
	if (json)
		print_json(&res);
	else
		print_human(&res);
	rc = record ? CLI_OK : CLI_FAIL;
out:
	free(rrs);
	free(lens);
	mtasts_record_free(record);
	mtasts_diag_free(diag);
	cli_input_free(&in);
	return cli_finish(rc);
}
