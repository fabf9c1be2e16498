/* SPDX-License-Identifier: MIT */
/*
 * mtasts record check and mtasts tlsrpt check: the _mta-sts TXT record
 * (RFC 8461 §3.1) and the _smtp._tls TXT record (RFC 8460 §3), one record
 * or a whole RRset. Both families share one command body; a struct
 * txt_family holds what differs.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

/* One record family as the command sees it. */
struct txt_family {
	int (*parse)(void **out, const char *text, size_t len,
	             unsigned int flags, mtasts_diag *diag);
	int (*select)(void **out, size_t *selected, const char *const *rrs,
	              const size_t *lens, size_t count, unsigned int flags,
	              mtasts_diag *diag);
	void (*free)(void *record);
	/* the JSON object under "record" */
	void (*json)(struct cli_json *j, const void *record);
	/* what the summary line says about a valid record */
	void (*summary)(FILE *f, const void *record);
};

static void
json_extensions(struct cli_json *j, const void *r, size_t n,
                const char *(*name)(const void *, size_t),
                const char *(*value)(const void *, size_t))
{
	size_t i;

	cli_json_key(j, "extensions");
	cli_json_begin_array(j);
	for (i = 0; i < n; i++) {
		cli_json_begin_object(j);
		cli_json_key(j, "name");
		cli_json_string(j, name(r, i));
		cli_json_key(j, "value");
		cli_json_string(j, value(r, i));
		cli_json_end_object(j);
	}
	cli_json_end_array(j);
}

/* ---- STSv1 ------------------------------------------------------------------- */

static int
sts_parse(void **out, const char *text, size_t len, unsigned int flags,
          mtasts_diag *diag)
{
	mtasts_record *r = NULL;
	int st = mtasts_record_parse(&r, text, len, flags, diag);

	*out = r;
	return st;
}

static int
sts_select(void **out, size_t *selected, const char *const *rrs,
           const size_t *lens, size_t count, unsigned int flags,
           mtasts_diag *diag)
{
	mtasts_record *r = NULL;
	int st = mtasts_record_select(&r, selected, rrs, lens, count, flags,
	                              diag);

	*out = r;
	return st;
}

static void
sts_free(void *r)
{
	mtasts_record_free(r);
}

static const char *
sts_ext_name(const void *r, size_t i)
{
	return mtasts_record_extension_name(r, i);
}

static const char *
sts_ext_value(const void *r, size_t i)
{
	return mtasts_record_extension_value(r, i);
}

static void
sts_json(struct cli_json *j, const void *r)
{
	cli_json_begin_object(j);
	cli_json_key(j, "version");
	cli_json_string(j, "STSv1");
	cli_json_key(j, "id");
	cli_json_string(j, mtasts_record_id(r));
	json_extensions(j, r, mtasts_record_extension_count(r), sts_ext_name,
	                sts_ext_value);
	cli_json_end_object(j);
}

static void
sts_summary(FILE *f, const void *r)
{
	fputs("id ", f);
	cli_put_safe(f, mtasts_record_id(r));
}

static const struct txt_family sts = {
	sts_parse, sts_select, sts_free, sts_json, sts_summary,
};

/* ---- TLSRPTv1 ------------------------------------------------------------------ */

static int
tlsrpt_parse(void **out, const char *text, size_t len, unsigned int flags,
             mtasts_diag *diag)
{
	mtasts_tlsrpt *r = NULL;
	int st = mtasts_tlsrpt_parse(&r, text, len, flags, diag);

	*out = r;
	return st;
}

static int
tlsrpt_select(void **out, size_t *selected, const char *const *rrs,
              const size_t *lens, size_t count, unsigned int flags,
              mtasts_diag *diag)
{
	mtasts_tlsrpt *r = NULL;
	int st = mtasts_tlsrpt_select(&r, selected, rrs, lens, count, flags,
	                              diag);

	*out = r;
	return st;
}

static void
tlsrpt_free(void *r)
{
	mtasts_tlsrpt_free(r);
}

static const char *
tlsrpt_ext_name(const void *r, size_t i)
{
	return mtasts_tlsrpt_extension_name(r, i);
}

static const char *
tlsrpt_ext_value(const void *r, size_t i)
{
	return mtasts_tlsrpt_extension_value(r, i);
}

static void
tlsrpt_json(struct cli_json *j, const void *r)
{
	size_t i, n = mtasts_tlsrpt_rua_count(r);

	cli_json_begin_object(j);
	cli_json_key(j, "version");
	cli_json_string(j, "TLSRPTv1");
	cli_json_key(j, "rua");
	cli_json_begin_array(j);
	for (i = 0; i < n; i++)
		cli_json_string(j, mtasts_tlsrpt_rua(r, i));
	cli_json_end_array(j);
	json_extensions(j, r, mtasts_tlsrpt_extension_count(r), tlsrpt_ext_name,
	                tlsrpt_ext_value);
	cli_json_end_object(j);
}

static void
tlsrpt_summary(FILE *f, const void *r)
{
	size_t i, n = mtasts_tlsrpt_rua_count(r);

	fputs("rua ", f);
	for (i = 0; i < n; i++) {
		if (i)
			fputs(", ", f);
		cli_put_safe(f, mtasts_tlsrpt_rua(r, i));
	}
}

static const struct txt_family tlsrpt = {
	tlsrpt_parse, tlsrpt_select, tlsrpt_free, tlsrpt_json, tlsrpt_summary,
};

/* What a check produced, and how to present it. */
struct result {
	const struct txt_family *family;
	const char *label;
	const void *record;
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
		r->family->json(&j, r->record);
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
		fputs(": valid (", stdout);
		r->family->summary(stdout, r->record);
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

static int
check(const struct txt_family *family, const struct cli_command *cmd, int argc,
      char **argv)
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
	void *record = NULL;
	const char **rrs = NULL;
	size_t *lens = NULL;

	rc = cli_parse_args(cmd, argc, argv, opts, 0, -1, &n);
	if (rc != CLI_ARGS_OK)
		return rc == CLI_ARGS_HELP ? cli_finish(CLI_OK) : CLI_USAGE;
	flags = lenient ? MTASTS_PARSE_LENIENT : MTASTS_PARSE_DEFAULT;
	memset(&res, 0, sizeof(res));
	res.family = family;
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
		status = family->parse(&record, in.data, in.len, flags, diag);
	} else if (n == 1) {
		status = family->parse(&record, argv[1], strlen(argv[1]), flags,
		                       diag);
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
		status = family->select(&record, &res.selected, rrs, lens,
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
	family->free(record);
	mtasts_diag_free(diag);
	cli_input_free(&in);
	return cli_finish(rc);
}

int
cmd_record_check(const struct cli_command *cmd, int argc, char **argv)
{
	return check(&sts, cmd, argc, argv);
}

int
cmd_tlsrpt_check(const struct cli_command *cmd, int argc, char **argv)
{
	return check(&tlsrpt, cmd, argc, argv);
}
