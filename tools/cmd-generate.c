/* SPDX-License-Identifier: MIT */
/*
 * mtasts generate and mtasts enforce: what a domain publishes for MTA-STS
 * (the _mta-sts TXT record, the policy file, the _smtp._tls TXT record)
 * built with the library's builders, checked with its linter, printed as a
 * step-by-step text, BIND master-file lines or JSON.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

enum { FORMAT_TEXT, FORMAT_ZONE, FORMAT_JSON };

/* The names a domain publishes under. */
struct site {
	const char *domain; /* normalised: lower case, no trailing dot */
	char sts_name[CLI_DOMAIN_MAX + 16]; /* _mta-sts.D. */
	char tls_name[CLI_DOMAIN_MAX + 16]; /* _smtp._tls.D. */
	char host[CLI_DOMAIN_MAX + 16];     /* mta-sts.D */
	char url[CLI_DOMAIN_MAX + 64];
};

/* Everything one run prints. */
struct out {
	struct site site;
	const mtasts_policy *policy;
	const char *policy_text; /* canonical, CRLF */
	const char *id;
	const char *record_text;     /* the _mta-sts value */
	const mtasts_tlsrpt *tlsrpt; /* NULL: not part of the output */
	const char *tlsrpt_text;
	int default_rua;
	const mtasts_diag *findings;
	unsigned long ttl;
	const char *policy_path; /* the file named in advice */
	/* enforce only */
	int enforce;
	int old_mode;
	const char *old_id; /* NULL: unknown */
};

static void
site_init(struct site *s, const char *domain)
{
	s->domain = domain;
	snprintf(s->sts_name, sizeof(s->sts_name), "_mta-sts.%s.", domain);
	snprintf(s->tls_name, sizeof(s->tls_name), "_smtp._tls.%s.", domain);
	snprintf(s->host, sizeof(s->host), "mta-sts.%s", domain);
	snprintf(s->url, sizeof(s->url),
	         "https://mta-sts.%s/.well-known/mta-sts.txt", domain);
}

static int
parse_format(const char *s, int *out)
{
	if (!s || strcmp(s, "text") == 0)
		*out = FORMAT_TEXT;
	else if (strcmp(s, "zone") == 0)
		*out = FORMAT_ZONE;
	else if (strcmp(s, "json") == 0)
		*out = FORMAT_JSON;
	else
		return -1;
	return 0;
}

static int
parse_ttl(const char *s, unsigned long *out)
{
	unsigned long long v;

	if (!s) {
		*out = CLI_TTL_DEFAULT;
		return 0;
	}
	/* RFC 2181 §8: 0 to 2^31 - 1 */
	if (cli_parse_uint(s, 2147483647ULL, &v) != 0)
		return -1;
	*out = (unsigned long)v;
	return 0;
}

/* ---- text -------------------------------------------------------------------- */

static void
heading(int n, const char *title, const char *arg)
{
	size_t len, i;

	len = (size_t)printf("%d. %s%s\n", n, title, arg ? arg : "") - 1;
	for (i = 0; i < len; i++)
		putchar('-');
	fputs("\n\n", stdout);
}

/* The policy as lines ending with LF: what a reader sees and can copy
 * (LF is a valid line end too, A-04). */
static void
print_policy_lines(const char *text)
{
	for (; *text; text++)
		if (*text != '\r')
			putchar(*text);
}

static void
print_txt(const char *name, const char *value)
{
	printf("Name:  %s\nType:  TXT\nValue: %s\n", name, value);
	if (strlen(value) > 255)
		printf("\nThe value is %zu bytes long, more than one 255-byte "
		       "DNS string: in a zone\nfile write it as %zu quoted "
		       "strings one after the other (--format zone does);\n"
		       "most DNS providers split it for you.\n",
		       strlen(value), cli_txt_string_count(strlen(value)));
}

static void
print_policy_section(const struct out *o, int n)
{
	heading(n, "Policy file", NULL);
	printf("URL: %s\n\n", o->site.url);
	print_policy_lines(o->policy_text);
	printf("\nHosting requirements:\n"
	       "- HTTPS at exactly the URL above: status 200, no redirect.\n"
	       "- A certificate valid for %s, from a trusted CA,\n"
	       "  not expired (renew it automatically).\n"
	       "- Content-Type: text/plain\n"
	       "- UTF-8 without a byte-order mark; the canonical file ends "
	       "every line\n"
	       "  with CRLF (--policy-out PATH writes it byte for byte).\n"
	       "- %s needs an A/AAAA record or a CNAME pointing to\n"
	       "  the web server.\n",
	       o->site.host, o->site.host);
	if (mtasts_policy_mode(o->policy) != MTASTS_MODE_NONE)
		printf("- The mx lines must cover every MX host of %s (compare "
		       "with\n"
		       "  'dig +short MX %s'): in mode enforce, mail to a host "
		       "they miss\n"
		       "  is not delivered.\n",
		       o->site.domain, o->site.domain);
	putchar('\n');
}

/* A word for a POSIX shell: as is when it is made of safe bytes, else in
 * single quotes (a quote written as '\''). */
static void
put_shell_word(const char *w)
{
	const char *p;

	if (*w &&
	    strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	              "0123456789@%+=:,./_-") == strlen(w)) {
		fputs(w, stdout);
		return;
	}
	putchar('\'');
	for (p = w; *p; p++) {
		if (*p == '\'')
			fputs("'\\''", stdout);
		else
			putchar(*p);
	}
	putchar('\'');
}

static void
print_checks(const struct out *o, int n)
{
	struct cli_counts c;

	heading(n, "Checks", NULL);
	cli_print_findings(stdout, "", o->findings);
	cli_diag_counts(o->findings, &c);
	printf("%sResult: ", mtasts_diag_count(o->findings) ? "\n" : "");
	cli_print_all_counts(stdout, &c);
	printf(".\n\n"
	       "Not checked here: the certificate and the web server of\n"
	       "%s, and whether the mx lines cover the real MX hosts\n"
	       "of %s. Once everything is published, run this with one --mx\n"
	       "for each host that 'dig +short MX %s' shows:\n"
	       "  mtasts lint ",
	       o->site.host, o->site.domain, o->site.domain);
	put_shell_word(o->policy_path);
	printf(" --domain %s \\\n      --record ", o->site.domain);
	put_shell_word(o->record_text);
	if (o->tlsrpt) {
		fputs(" \\\n      --tlsrpt ", stdout);
		put_shell_word(o->tlsrpt_text);
	}
	fputs(" \\\n      --mx HOST...\n", stdout);
}

static void
print_max_age_values(void)
{
	fputs("Common max_age values: 86400 (1 day), 604800 (1 week), 2592000 "
	      "(30 days),\n"
	      "31557600 (1 year, the maximum). Keep it short (a day to a week) "
	      "while\n"
	      "testing, so corrections reach senders quickly; use weeks or more "
	      "in\n"
	      "enforce: a short max_age leaves room for downgrade attacks.\n",
	      stdout);
}

static void
print_mistakes(const struct out *o)
{
	printf("Classic mistakes:\n"
	       "- a policy file without the _mta-sts TXT record: senders never "
	       "see it;\n"
	       "- mx lines that miss a real MX host: mail to it bounces in "
	       "enforce;\n"
	       "- a changed policy under the old id: senders keep the cached "
	       "policy;\n"
	       "- an expired or mismatched certificate for %s:\n"
	       "  senders cannot fetch the policy;\n"
	       "- a max_age too long during rollout (mistakes stick) or too "
	       "short in\n"
	       "  enforce (little protection).\n",
	       o->site.host);
}

static void
print_rollout(const struct out *o, int n)
{
	int mode = mtasts_policy_mode(o->policy);

	heading(n, "Rollout", NULL);
	if (mode == MTASTS_MODE_TESTING) {
		printf("1. Publish the policy file on HTTPS first, then the two "
		       "TXT records.\n"
		       "2. Stay in mode testing for one to two weeks and read "
		       "the TLS-RPT\n"
		       "   reports: every MX host must show successful TLS "
		       "sessions and no\n"
		       "   policy failures.\n"
		       "3. Switch to enforce with\n"
		       "     mtasts enforce ");
		put_shell_word(o->policy_path);
		printf(" --domain %s \\\n         --record ", o->site.domain);
		put_shell_word(o->record_text);
		printf("\n"
		       "   It changes the mode and bumps the id in one change. "
		       "Publish the new\n"
		       "   policy on HTTPS before the new TXT record (R-55).\n"
		       "4. Once enforce works, raise max_age to weeks or more, "
		       "again with a\n"
		       "   new id.\n");
	} else if (mode == MTASTS_MODE_ENFORCE) {
		fputs("1. Publish the policy file on HTTPS first, then the two "
		      "TXT records.\n"
		      "2. Mode enforce from the start: senders refuse MX hosts "
		      "that fail\n"
		      "   validation. The safe path starts with mode testing and "
		      "one to two\n"
		      "   weeks of clean TLS-RPT reports.\n"
		      "3. Every later change of the policy file needs a new id "
		      "in the TXT\n"
		      "   record, published after the new file (R-55).\n",
		      stdout);
	} else {
		fputs("1. Mode none: senders treat the domain as having no "
		      "policy. Use it\n"
		      "   to withdraw MTA-STS (R-63): publish it with a short "
		      "max_age (a day)\n"
		      "   and a new id, wait until every policy served before "
		      "has expired,\n"
		      "   then remove the records and the policy file.\n"
		      "2. To protect mail instead, generate a policy in mode "
		      "testing.\n",
		      stdout);
	}
	putchar('\n');
	print_max_age_values();
	putchar('\n');
	print_mistakes(o);
	putchar('\n');
}

static void
print_generate_text(const struct out *o)
{
	int mode = mtasts_policy_mode(o->policy);
	unsigned long age = (unsigned long)mtasts_policy_max_age(o->policy);

	printf("MTA-STS for %s: mode %s, max_age %lu (", o->site.domain,
	       mtasts_mode_name(mode), age);
	cli_put_duration(stdout, age);
	printf("), id %s\n\n", o->id);

	heading(1, "DNS record for _mta-sts.", o->site.domain);
	print_txt(o->site.sts_name, o->record_text);
	fputs("\nSenders look this record up first: without it the policy is "
	      "invisible.\n"
	      "Publish exactly one TXT record starting with v=STSv1 at this "
	      "name, and\n"
	      "give it a new id whenever the policy file changes.\n\n",
	      stdout);

	print_policy_section(o, 2);

	heading(3, "DNS record for _smtp._tls.", o->site.domain);
	print_txt(o->site.tls_name, o->tlsrpt_text);
	fputs("\nSenders send daily TLS reports (RFC 8460) to the rua "
	      "addresses.\n",
	      stdout);
	if (o->default_rua)
		printf("%s is a default: change it with --rua\n"
		       "to an address (or https: URL) that receives the "
		       "reports.\n",
		       mtasts_tlsrpt_rua(o->tlsrpt, 0));
	putchar('\n');

	print_rollout(o, 4);
	print_checks(o, 5);
}

static void
print_enforce_text(const struct out *o)
{
	unsigned long age = (unsigned long)mtasts_policy_max_age(o->policy);

	printf("MTA-STS for %s: mode enforce (was %s), max_age %lu (",
	       o->site.domain, mtasts_mode_name(o->old_mode), age);
	cli_put_duration(stdout, age);
	printf("), id %s\n\n", o->id);

	print_policy_section(o, 1);

	heading(2, "DNS record for _mta-sts.", o->site.domain);
	print_txt(o->site.sts_name, o->record_text);
	if (o->old_id)
		printf("\nThe id changes from %s to %s:\nsenders that cached "
		       "the old policy fetch the new one.\n\n",
		       o->old_id, o->id);
	else
		fputs("\nThe id must differ from the one published now (give "
		      "the current record\n"
		      "with --record to have that checked).\n\n",
		      stdout);

	heading(3, "Order of the change", NULL);
	printf("1. Publish the new policy file at\n"
	       "   %s\n"
	       "2. Then replace the _mta-sts TXT record (R-55): a sender that "
	       "sees the\n"
	       "   new id before the new file is served caches the old policy "
	       "under\n"
	       "   the new id.\n"
	       "3. Keep reading the TLS-RPT reports: in enforce, a failure "
	       "means mail\n"
	       "   that was not delivered to that MX host.\n",
	       o->site.url);
	if (age < 2592000UL)
		fputs("4. Once enforce works, raise max_age to weeks or more "
		      "(for example\n"
		      "   --max-age 30d), again with a new id.\n",
		      stdout);
	putchar('\n');
	print_checks(o, 4);
}

/* ---- zone --------------------------------------------------------------------- */

/* The policy text as zone comment lines ";   line". */
static void
print_comment_lines(const char *text)
{
	int bol = 1;

	for (; *text; text++) {
		if (*text == '\r')
			continue;
		if (bol)
			fputs(";   ", stdout);
		putchar(*text);
		bol = *text == '\n';
	}
}

static void
print_zone(const struct out *o)
{
	int mode = mtasts_policy_mode(o->policy);
	unsigned long age = (unsigned long)mtasts_policy_max_age(o->policy);

	printf("; MTA-STS for %s: mode %s, max_age %lu, id %s\n",
	       o->site.domain, mtasts_mode_name(mode), age, o->id);
	printf("; The policy file is served at %s\n"
	       "; (Content-Type: text/plain, certificate valid for %s).\n"
	       "; %s. needs an A/AAAA record or a CNAME to that web server,\n"
	       "; for example:\n"
	       "; %s.\t%lu\tIN\tCNAME\twww.example.net.\n",
	       o->site.url, o->site.host, o->site.host, o->site.host, o->ttl);
	fputs("; Policy file contents (each line ends with CRLF):\n", stdout);
	print_comment_lines(o->policy_text);
	if (o->enforce)
		fputs("; Publish the new policy file before this record "
		      "(R-55).\n",
		      stdout);
	cli_zone_txt(stdout, o->site.sts_name, o->ttl, o->record_text);
	if (o->tlsrpt) {
		if (o->default_rua)
			printf("; %s is a default: change it with --rua.\n",
			       mtasts_tlsrpt_rua(o->tlsrpt, 0));
		cli_zone_txt(stdout, o->site.tls_name, o->ttl, o->tlsrpt_text);
	}
	cli_print_findings(stdout, "; ", o->findings);
}

/* ---- json ---------------------------------------------------------------------- */

static void
json_txt(struct cli_json *j, const char *name, const char *value)
{
	size_t len = strlen(value), off = 0;

	cli_json_key(j, "name");
	cli_json_string(j, name);
	cli_json_key(j, "type");
	cli_json_string(j, "TXT");
	cli_json_key(j, "value");
	cli_json_string(j, value);
	cli_json_key(j, "strings");
	cli_json_begin_array(j);
	do {
		size_t n = len - off < 255 ? len - off : 255;

		cli_json_string_n(j, value + off, n);
		off += n;
	} while (off < len);
	cli_json_end_array(j);
}

static void
print_json(const struct out *o)
{
	struct cli_json j;
	size_t i, n;

	cli_json_init(&j, stdout);
	cli_json_begin_object(&j);
	cli_json_key(&j, "domain");
	cli_json_string(&j, o->site.domain);
	if (o->enforce) {
		cli_json_key(&j, "previous");
		cli_json_begin_object(&j);
		cli_json_key(&j, "mode");
		cli_json_string(&j, mtasts_mode_name(o->old_mode));
		cli_json_key(&j, "id");
		cli_json_string(&j, o->old_id);
		cli_json_end_object(&j);
	}
	cli_json_key(&j, "id");
	cli_json_string(&j, o->id);

	cli_json_key(&j, "record");
	cli_json_begin_object(&j);
	json_txt(&j, o->site.sts_name, o->record_text);
	cli_json_end_object(&j);

	cli_json_key(&j, "policy");
	cli_json_begin_object(&j);
	cli_json_key(&j, "url");
	cli_json_string(&j, o->site.url);
	cli_json_key(&j, "host");
	cli_json_string(&j, o->site.host);
	cli_json_key(&j, "content_type");
	cli_json_string(&j, "text/plain");
	cli_json_key(&j, "text");
	cli_json_string(&j, o->policy_text);
	cli_json_key(&j, "mode");
	cli_json_string(&j, mtasts_mode_name(mtasts_policy_mode(o->policy)));
	cli_json_key(&j, "max_age");
	cli_json_uint(&j, mtasts_policy_max_age(o->policy));
	cli_json_key(&j, "mx");
	cli_json_begin_array(&j);
	n = mtasts_policy_mx_count(o->policy);
	for (i = 0; i < n; i++)
		cli_json_string(&j, mtasts_policy_mx(o->policy, i));
	cli_json_end_array(&j);
	cli_json_end_object(&j);

	if (o->tlsrpt) {
		cli_json_key(&j, "tlsrpt");
		cli_json_begin_object(&j);
		json_txt(&j, o->site.tls_name, o->tlsrpt_text);
		cli_json_key(&j, "rua");
		cli_json_begin_array(&j);
		n = mtasts_tlsrpt_rua_count(o->tlsrpt);
		for (i = 0; i < n; i++)
			cli_json_string(&j, mtasts_tlsrpt_rua(o->tlsrpt, i));
		cli_json_end_array(&j);
		cli_json_key(&j, "default_rua");
		cli_json_bool(&j, o->default_rua);
		cli_json_end_object(&j);
	}
	cli_json_diags(&j, o->findings);
	cli_json_end_object(&j);
	fputc('\n', stdout);
}

static void
print_out(const struct out *o, int format)
{
	if (format == FORMAT_JSON)
		print_json(o);
	else if (format == FORMAT_ZONE)
		print_zone(o);
	else if (o->enforce)
		print_enforce_text(o);
	else
		print_generate_text(o);
}

/* ---- shared steps ------------------------------------------------------------ */

/* Report a failed builder call: its diagnostics compiler-style under the
 * option's name, then a usage error naming the value. */
static int
bad_value(const struct cli_command *cmd, const char *option, const char *value,
          const mtasts_diag *diag, int status)
{
	char what[64];

	if (cli_internal_failure(option, status))
		return CLI_USAGE;
	cli_print_diags(stderr, option, diag);
	snprintf(what, sizeof(what), "invalid %s", option);
	return cli_usage_error(cmd, what, value);
}

/* Build the STSv1 record with the given id and format it. */
static int
make_record(const char *id, mtasts_record **rec, char **text)
{
	mtasts_record_builder *b = NULL;
	mtasts_diag *diag = NULL;
	int st;

	st = mtasts_diag_new(&diag);
	if (st == MTASTS_OK)
		st = mtasts_record_builder_new(&b, NULL);
	if (st == MTASTS_OK)
		st = mtasts_record_builder_set_id(b, id, diag);
	if (st == MTASTS_OK)
		st = mtasts_record_builder_build(b, rec, diag);
	if (st == MTASTS_OK)
		st = mtasts_record_format_alloc(*rec, MTASTS_FORMAT_DEFAULT,
		                                text);
	if (st != MTASTS_OK) {
		cli_print_diags(stderr, "--id", diag);
		cli_error("cannot build the _mta-sts record: %s",
		          mtasts_strerror(st));
	}
	mtasts_record_builder_free(b);
	mtasts_diag_free(diag);
	return st == MTASTS_OK ? 0 : CLI_USAGE;
}

static int
format_policy(const mtasts_policy *p, char **text)
{
	int st = mtasts_policy_format_alloc(p, MTASTS_FORMAT_DEFAULT, text);

	if (st != MTASTS_OK) {
		cli_error("cannot format the policy: %s", mtasts_strerror(st));
		return CLI_USAGE;
	}
	return 0;
}

/* Whether any diagnostic of the list is an error. */
static int
has_errors(const mtasts_diag *diag)
{
	return mtasts_diag_error_count(diag) > 0;
}

static int
lint_failed(int status)
{
	if (status == MTASTS_OK || status == MTASTS_ELINT)
		return 0;
	cli_error("cannot lint the policy: %s", mtasts_strerror(status));
	return 1;
}

/* ---- generate ------------------------------------------------------------------- */

int
cmd_generate(const struct cli_command *cmd, int argc, char **argv)
{
	const char *domain_arg = NULL, *mode_arg = NULL, *age_arg = NULL;
	const char *id_arg = NULL, *now_arg = NULL, *format_arg = NULL;
	const char *ttl_arg = NULL, *out_path = NULL;
	struct cli_list mx = { NULL, 0 }, rua = { NULL, 0 };
	const struct cli_opt opts[] = {
		CLI_VALUE("--domain", &domain_arg),
		CLI_LIST("--mx", &mx),
		CLI_VALUE("--mode", &mode_arg),
		CLI_VALUE("--max-age", &age_arg),
		CLI_LIST("--rua", &rua),
		CLI_VALUE("--id", &id_arg),
		CLI_VALUE("--now", &now_arg),
		CLI_VALUE("--format", &format_arg),
		CLI_VALUE("--ttl", &ttl_arg),
		CLI_VALUE("--policy-out", &out_path),
		CLI_OPT_END,
	};
	char *domain = NULL, *policy_text = NULL, *record_text = NULL;
	char *tlsrpt_text = NULL, *default_rua = NULL;
	char idbuf[MTASTS_ID_MAX_LEN + 1];
	mtasts_policy_builder *pb = NULL;
	mtasts_tlsrpt_builder *tb = NULL;
	mtasts_policy *policy = NULL;
	mtasts_record *record = NULL;
	mtasts_tlsrpt *tlsrpt = NULL;
	mtasts_lint *lint = NULL;
	mtasts_diag *diag = NULL, *findings = NULL;
	const char **exact = NULL;
	size_t i, n_exact = 0;
	int n, rc, st, mode = MTASTS_MODE_TESTING, format;
	uint32_t max_age = 604800;
	unsigned long ttl;
	int64_t now = 0;
	struct out o;

	rc = cli_parse_opts(cmd, argc, argv, opts, 0, 0, &n);
	if (rc != CLI_ARGS_OK) {
		rc = rc == CLI_ARGS_HELP ? cli_finish(CLI_OK) : CLI_USAGE;
		goto out;
	}
	rc = CLI_USAGE;
	if (!domain_arg) {
		cli_usage_error(cmd, "missing --domain", NULL);
		goto out;
	}
	if (mode_arg) {
		mode = mtasts_mode_from_name(mode_arg);
		if (mode < 0) {
			cli_usage_error(cmd,
			                "invalid --mode (testing, enforce "
			                "or none)",
			                mode_arg);
			goto out;
		}
	}
	if (age_arg && cli_parse_max_age(age_arg, &max_age) != 0) {
		cli_usage_error(cmd,
		                "invalid --max-age (seconds up to "
		                "31557600, or Nd, Nw, Ny)",
		                age_arg);
		goto out;
	}
	if (parse_format(format_arg, &format) != 0) {
		cli_usage_error(cmd, "invalid --format (text, zone or json)",
		                format_arg);
		goto out;
	}
	if (parse_ttl(ttl_arg, &ttl) != 0) {
		cli_usage_error(cmd, "invalid --ttl", ttl_arg);
		goto out;
	}
	if (id_arg && mtasts_id_check(id_arg) != MTASTS_OK) {
		cli_usage_error(cmd, "invalid --id (1 to 32 letters or digits)",
		                id_arg);
		goto out;
	}
	if (cli_now(cmd, now_arg, &now) != 0)
		goto out;
	if (cli_domain(cmd, domain_arg, &domain) != 0)
		goto out;
	if (mx.count == 0 && mode != MTASTS_MODE_NONE) {
		cli_usage_error(cmd,
		                "missing --mx (every MX host of the "
		                "domain, or a pattern such as "
		                "*.example.com)",
		                NULL);
		goto out;
	}
	if (mtasts_diag_new(&diag) != MTASTS_OK ||
	    mtasts_diag_new(&findings) != MTASTS_OK) {
		cli_error("out of memory");
		goto out;
	}

	/* the policy */
	if (mtasts_policy_builder_new(&pb, NULL) != MTASTS_OK ||
	    mtasts_policy_builder_set_mode(pb, mode) != MTASTS_OK ||
	    mtasts_policy_builder_set_max_age(pb, max_age) != MTASTS_OK) {
		cli_error("cannot build the policy");
		goto out;
	}
	for (i = 0; i < mx.count; i++) {
		mtasts_diag_clear(diag);
		st = mtasts_policy_builder_add_mx(pb, mx.items[i], diag);
		if (st != MTASTS_OK) {
			bad_value(cmd, "--mx", mx.items[i], diag, st);
			goto out;
		}
	}
	mtasts_diag_clear(diag);
	st = mtasts_policy_builder_build(pb, &policy, diag);
	if (st != MTASTS_OK) {
		cli_print_diags(stderr, "<policy>", diag);
		cli_error("cannot build the policy: %s", mtasts_strerror(st));
		goto out;
	}
	if (format_policy(policy, &policy_text) != 0)
		goto out;

	/* the _mta-sts record */
	if (id_arg) {
		snprintf(idbuf, sizeof(idbuf), "%s", id_arg);
	} else if (mtasts_id_from_time(idbuf, sizeof(idbuf), now) < 0) {
		cli_error("cannot make an id from the time %lld",
		          (long long)now);
		goto out;
	}
	if (make_record(idbuf, &record, &record_text) != 0)
		goto out;

	/* the _smtp._tls record */
	if (mtasts_tlsrpt_builder_new(&tb, NULL) != MTASTS_OK) {
		cli_error("out of memory");
		goto out;
	}
	if (rua.count == 0) {
		size_t len = strlen(domain) + sizeof("mailto:tlsrpt@");

		default_rua = malloc(len);
		if (!default_rua) {
			cli_error("out of memory");
			goto out;
		}
		snprintf(default_rua, len, "mailto:tlsrpt@%s", domain);
	}
	for (i = 0; i < (default_rua ? 1 : rua.count); i++) {
		const char *uri = default_rua ? default_rua : rua.items[i];

		mtasts_diag_clear(diag);
		st = mtasts_tlsrpt_builder_add_rua(tb, uri, diag);
		if (st != MTASTS_OK) {
			bad_value(cmd, "--rua", uri, diag, st);
			goto out;
		}
		/* accepted with a warning (a scheme no report can use,
		 * mailto header fields) */
		cli_print_diags(stderr, "--rua", diag);
	}
	mtasts_diag_clear(diag);
	st = mtasts_tlsrpt_builder_build(tb, &tlsrpt, diag);
	if (st == MTASTS_OK)
		st = mtasts_tlsrpt_format_alloc(tlsrpt, MTASTS_FORMAT_DEFAULT,
		                                &tlsrpt_text);
	if (st != MTASTS_OK) {
		cli_print_diags(stderr, "--rua", diag);
		cli_error("cannot build the _smtp._tls record: %s",
		          mtasts_strerror(st));
		goto out;
	}

	/* lint the set; as MX hosts, the exact --mx values. A wildcard
	 * pattern stands for hosts not listed: then the MX set is unknown
	 * and coverage is not checked (every wildcard would look unused). */
	exact = malloc((mx.count ? mx.count : 1) * sizeof(*exact));
	if (!exact) {
		cli_error("out of memory");
		goto out;
	}
	for (i = 0; i < mx.count; i++) {
		if (mx.items[i][0] == '*') {
			n_exact = 0;
			break;
		}
		exact[n_exact++] = mx.items[i];
	}
	if (mtasts_lint_new(&lint) != MTASTS_OK ||
	    mtasts_lint_set_domain(lint, domain) != MTASTS_OK ||
	    mtasts_lint_set_record(lint, record) != MTASTS_OK ||
	    mtasts_lint_set_tlsrpt(lint, tlsrpt) != MTASTS_OK ||
	    (n_exact &&
	     mtasts_lint_set_mx_hosts(lint, exact, n_exact) != MTASTS_OK)) {
		cli_error("cannot set up the linter");
		goto out;
	}
	if (lint_failed(mtasts_lint_policy(lint, policy, findings)))
		goto out;

	if (out_path &&
	    cli_write_file(out_path, policy_text, strlen(policy_text)) != 0)
		goto out;

	memset(&o, 0, sizeof(o));
	site_init(&o.site, domain);
	o.policy = policy;
	o.policy_text = policy_text;
	o.id = idbuf;
	o.record_text = record_text;
	o.tlsrpt = tlsrpt;
	o.tlsrpt_text = tlsrpt_text;
	o.default_rua = default_rua != NULL;
	o.findings = findings;
	o.ttl = ttl;
	o.policy_path = out_path ? out_path : "mta-sts.txt";
	print_out(&o, format);
	rc = cli_finish(has_errors(findings) ? CLI_FAIL : CLI_OK);
out:
	free(exact);
	mtasts_lint_free(lint);
	mtasts_tlsrpt_free(tlsrpt);
	mtasts_record_free(record);
	mtasts_policy_free(policy);
	mtasts_tlsrpt_builder_free(tb);
	mtasts_policy_builder_free(pb);
	mtasts_free(tlsrpt_text);
	mtasts_free(record_text);
	mtasts_free(policy_text);
	mtasts_diag_free(findings);
	mtasts_diag_free(diag);
	free(default_rua);
	free(domain);
	cli_list_free(&mx);
	cli_list_free(&rua);
	return rc;
}

/* ---- enforce -------------------------------------------------------------------- */

int
cmd_enforce(const struct cli_command *cmd, int argc, char **argv)
{
	const char *domain_arg = NULL, *record_arg = NULL, *id_arg = NULL;
	const char *now_arg = NULL, *format_arg = NULL, *out_path = NULL;
	const char *age_arg = NULL, *ttl_arg = NULL;
	struct cli_list mx = { NULL, 0 };
	const struct cli_opt opts[] = {
		CLI_VALUE("--domain", &domain_arg),
		CLI_VALUE("--record", &record_arg),
		CLI_VALUE("--id", &id_arg),
		CLI_VALUE("--max-age", &age_arg),
		CLI_LIST("--mx", &mx),
		CLI_VALUE("--now", &now_arg),
		CLI_VALUE("--format", &format_arg),
		CLI_VALUE("--ttl", &ttl_arg),
		CLI_VALUE("--policy-out", &out_path),
		CLI_OPT_END,
	};
	struct cli_input in = { NULL, 0, "<stdin>" };
	char *domain = NULL, *policy_text = NULL, *record_text = NULL;
	char idbuf[MTASTS_ID_MAX_LEN + 1];
	mtasts_policy *old = NULL, *policy = NULL;
	mtasts_record *old_record = NULL, *record = NULL;
	mtasts_policy_builder *pb = NULL;
	mtasts_lint *lint = NULL;
	mtasts_diag *diag = NULL, *findings = NULL;
	const char *old_id = NULL;
	size_t i;
	int n, rc, st, format;
	uint32_t max_age = 0;
	unsigned long ttl;
	int64_t now = 0;
	struct out o;

	rc = cli_parse_opts(cmd, argc, argv, opts, 1, 1, &n);
	if (rc != CLI_ARGS_OK) {
		rc = rc == CLI_ARGS_HELP ? cli_finish(CLI_OK) : CLI_USAGE;
		goto out;
	}
	rc = CLI_USAGE;
	if (!domain_arg) {
		cli_usage_error(cmd, "missing --domain", NULL);
		goto out;
	}
	if (age_arg && cli_parse_max_age(age_arg, &max_age) != 0) {
		cli_usage_error(cmd,
		                "invalid --max-age (seconds up to "
		                "31557600, or Nd, Nw, Ny)",
		                age_arg);
		goto out;
	}
	if (parse_format(format_arg, &format) != 0) {
		cli_usage_error(cmd, "invalid --format (text, zone or json)",
		                format_arg);
		goto out;
	}
	if (parse_ttl(ttl_arg, &ttl) != 0) {
		cli_usage_error(cmd, "invalid --ttl", ttl_arg);
		goto out;
	}
	if (id_arg && mtasts_id_check(id_arg) != MTASTS_OK) {
		cli_usage_error(cmd, "invalid --id (1 to 32 letters or digits)",
		                id_arg);
		goto out;
	}
	if (cli_now(cmd, now_arg, &now) != 0)
		goto out;
	if (cli_domain(cmd, domain_arg, &domain) != 0)
		goto out;
	for (i = 0; i < mx.count; i++) {
		if (!mx.items[i][0]) {
			cli_usage_error(cmd, "invalid --mx (empty)",
			                mx.items[i]);
			goto out;
		}
	}
	if (mtasts_diag_new(&diag) != MTASTS_OK ||
	    mtasts_diag_new(&findings) != MTASTS_OK) {
		cli_error("out of memory");
		goto out;
	}
	if (record_arg) {
		st = mtasts_record_parse(&old_record, record_arg,
		                         strlen(record_arg),
		                         MTASTS_PARSE_DEFAULT, diag);
		if (st != MTASTS_OK) {
			bad_value(cmd, "--record", record_arg, diag, st);
			goto out;
		}
		old_id = mtasts_record_id(old_record);
		if (id_arg && strcmp(id_arg, old_id) == 0) {
			cli_usage_error(cmd,
			                "--id must differ from the id of "
			                "--record (the policy changes)",
			                id_arg);
			goto out;
		}
		mtasts_diag_clear(diag);
	}

	/* the policy published now: strict, as senders read it */
	if (cli_read(&in, argv[1], (size_t)MTASTS_POLICY_MAX_SIZE + 1) != 0)
		goto out;
	st = mtasts_policy_parse(&old, in.data, in.len, MTASTS_PARSE_DEFAULT,
	                         diag);
	if (cli_internal_failure(in.label, st))
		goto out;
	cli_print_diags(stderr, in.label, diag);
	if (st != MTASTS_OK) {
		fputs("mtasts: ", stderr);
		cli_put_safe(stderr, in.label);
		fputs(": invalid policy\n", stderr);
		rc = cli_finish(CLI_FAIL);
		goto out;
	}
	if (mtasts_policy_mode(old) == MTASTS_MODE_ENFORCE) {
		fputs("mtasts: ", stderr);
		cli_put_safe(stderr, in.label);
		fputs(": the policy is already in mode enforce: nothing to "
		      "change\n",
		      stderr);
		rc = cli_finish(CLI_FAIL);
		goto out;
	}

	/* the same policy in mode enforce */
	mtasts_diag_clear(diag);
	if (mtasts_policy_builder_new(&pb, old) != MTASTS_OK ||
	    mtasts_policy_builder_set_mode(pb, MTASTS_MODE_ENFORCE) !=
	            MTASTS_OK ||
	    (age_arg &&
	     mtasts_policy_builder_set_max_age(pb, max_age) != MTASTS_OK)) {
		cli_error("cannot build the policy");
		goto out;
	}
	st = mtasts_policy_builder_build(pb, &policy, diag);
	if (st != MTASTS_OK) {
		if (cli_internal_failure(in.label, st))
			goto out;
		cli_print_diags(stderr, in.label, diag);
		fputs("mtasts: ", stderr);
		cli_put_safe(stderr, in.label);
		fputs(": cannot switch to enforce\n", stderr);
		rc = cli_finish(CLI_FAIL);
		goto out;
	}
	if (format_policy(policy, &policy_text) != 0)
		goto out;

	/* a new id: the policy changed (R-04) */
	if (id_arg) {
		snprintf(idbuf, sizeof(idbuf), "%s", id_arg);
	} else if (mtasts_id_next(idbuf, sizeof(idbuf), old_id, old, policy,
	                          now) < 0) {
		cli_error("cannot make an id from the time %lld",
		          (long long)now);
		goto out;
	}
	if (make_record(idbuf, &record, &record_text) != 0)
		goto out;

	if (mtasts_lint_new(&lint) != MTASTS_OK ||
	    mtasts_lint_set_domain(lint, domain) != MTASTS_OK ||
	    mtasts_lint_set_record(lint, record) != MTASTS_OK ||
	    (old_record &&
	     mtasts_lint_set_previous(lint, old, old_record) != MTASTS_OK) ||
	    (mx.count &&
	     mtasts_lint_set_mx_hosts(lint, mx.items, mx.count) != MTASTS_OK)) {
		cli_error("cannot set up the linter");
		goto out;
	}
	if (lint_failed(mtasts_lint_policy(lint, policy, findings)))
		goto out;

	/* a policy that would refuse mail is never written */
	if (out_path && !has_errors(findings) &&
	    cli_write_file(out_path, policy_text, strlen(policy_text)) != 0)
		goto out;

	memset(&o, 0, sizeof(o));
	site_init(&o.site, domain);
	o.policy = policy;
	o.policy_text = policy_text;
	o.id = idbuf;
	o.record_text = record_text;
	o.findings = findings;
	o.ttl = ttl;
	o.policy_path = out_path                    ? out_path
	                : strcmp(argv[1], "-") == 0 ? "mta-sts.txt"
	                                            : argv[1];
	o.enforce = 1;
	o.old_mode = mtasts_policy_mode(old);
	o.old_id = old_id;
	print_out(&o, format);
	rc = cli_finish(has_errors(findings) ? CLI_FAIL : CLI_OK);
out:
	mtasts_lint_free(lint);
	mtasts_record_free(record);
	mtasts_record_free(old_record);
	mtasts_policy_free(policy);
	mtasts_policy_free(old);
	mtasts_policy_builder_free(pb);
	mtasts_free(record_text);
	mtasts_free(policy_text);
	mtasts_diag_free(findings);
	mtasts_diag_free(diag);
	cli_input_free(&in);
	free(domain);
	cli_list_free(&mx);
	return rc;
}
