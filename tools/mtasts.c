/* SPDX-License-Identifier: MIT */
/*
 * mtasts: the example command-line tool of libmtasts. It checks MTA-STS
 * policy files and TXT records, formats policies and matches MX host
 * names, with human output by default and --json for machines; it
 * generates what a domain publishes (generate), switches a policy to
 * enforce (enforce), lints a published policy (lint) and checks a
 * domain's live setup over the network (check).
 *
 * Exit status everywhere: 0 valid / match, 1 invalid / no match, 2 usage,
 * I/O or internal error.
 *
 * The commands form a tree (struct cli_command): a group such as "policy"
 * lists its subcommands, a leaf has a run() function in cmd-*.c. A new
 * command is one table entry and one function.
 */
#include "cli.h"

#include <string.h>

/* ---- the command tree ---------------------------------------------------- */

static const struct cli_command policy_commands[] = {
	{
	        "check",
	        "policy check",
	        "[--lenient] [--json] FILE|-",
	        "check a policy file and print every diagnostic",
	        "Check an MTA-STS policy file (RFC 8461 section 3.2) and print\n"
	        "every diagnostic, one per line (FILE:LINE:COL: severity: message\n"
	        "[code]), then a summary line. FILE '-' reads standard input.\n"
	        "\n"
	        "Options:\n"
	        "  --lenient   accept common publisher mistakes (a BOM, empty lines,\n"
	        "              'Mode:' in another case, stray whitespace), each\n"
	        "              reported as a warning instead of an error\n"
	        "  --json      print one JSON object on standard output\n"
	        "  -h, --help  show this help\n"
	        "\n"
	        "Exit status: 0 valid (warnings allowed), 1 invalid, 2 usage or\n"
	        "I/O error.\n"
	        "\n"
	        "Examples:\n"
	        "  mtasts policy check mta-sts.txt\n"
	        "  curl -s https://mta-sts.example.com/.well-known/mta-sts.txt \\\n"
	        "      | mtasts policy check --json -\n",
	        cmd_policy_check,
	        NULL,
	},
	{
	        "match",
	        "policy match",
	        "[--lenient] FILE|- HOST",
	        "match an MX host against every mx pattern of a policy",
	        "Parse a policy file, then match HOST (an MX host name from DNS;\n"
	        "a trailing dot is fine) against its mx patterns in order. Prints\n"
	        "the first matching pattern and its 0-based index.\n"
	        "\n"
	        "Options:\n"
	        "  --lenient   parse the policy leniently (see 'policy check')\n"
	        "  -h, --help  show this help\n"
	        "\n"
	        "Exit status: 0 match, 1 no match, 2 usage or I/O error or an\n"
	        "invalid policy (its diagnostics go to standard error).\n"
	        "\n"
	        "Examples:\n"
	        "  mtasts policy match mta-sts.txt mx1.example.net\n"
	        "  mtasts policy match - mail.example.com. < mta-sts.txt\n",
	        cmd_policy_match,
	        NULL,
	},
	{
	        "format",
	        "policy format",
	        "[--lf] [--lenient] FILE|-",
	        "print the canonical form of a policy",
	        "Parse a policy file and print its canonical serialization\n"
	        "(version, mode, mx lines, max_age, extensions; CRLF line ends)\n"
	        "byte for byte on standard output. Diagnostics go to standard\n"
	        "error.\n"
	        "\n"
	        "Options:\n"
	        "  --lf        end lines with LF instead of CRLF\n"
	        "  --lenient   parse the policy leniently (see 'policy check')\n"
	        "  -h, --help  show this help\n"
	        "\n"
	        "Exit status: 0 formatted, 1 invalid policy, 2 usage or I/O error.\n"
	        "\n"
	        "Examples:\n"
	        "  mtasts policy format mta-sts.txt > canonical.txt\n"
	        "  mtasts policy format --lf --lenient - < sloppy.txt\n",
	        cmd_policy_format,
	        NULL,
	},
	{ NULL, NULL, NULL, NULL, NULL, NULL, NULL },
};

static const struct cli_command record_commands[] = {
	{
	        "check",
	        "record check",
	        "[--lenient] [--json] [TXT...]",
	        "check an _mta-sts TXT record or a whole TXT RRset",
	        "Check the text of _mta-sts TXT records (RFC 8461 section 3.1).\n"
	        "Each TXT argument is the full text of one TXT RR (its strings\n"
	        "joined). One argument is parsed as a record; two or more are a\n"
	        "TXT RRset from which exactly one STSv1 record must be selected.\n"
	        "Without arguments, standard input is read as one record (raw\n"
	        "bytes; only one final LF is removed). Diagnostics name the\n"
	        "argument number as their line: <arg>:N:COL.\n"
	        "\n"
	        "Options:\n"
	        "  --lenient   accept outer whitespace, quotes and 'ID=' in another\n"
	        "              case, each reported as a warning instead of an error\n"
	        "  --json      print one JSON object on standard output (with\n"
	        "              \"selected\", the 0-based index of the selected RR,\n"
	        "              for an RRset)\n"
	        "  -h, --help  show this help\n"
	        "\n"
	        "Exit status: 0 valid (warnings allowed), 1 invalid, 2 usage or\n"
	        "I/O error.\n"
	        "\n"
	        "Examples:\n"
	        "  mtasts record check 'v=STSv1; id=20160831085700Z;'\n"
	        "  printf '%s\\n' 'v=STSv1; id=1;' | mtasts record check\n"
	        "  mtasts record check --json 'v=spf1 -all' 'v=STSv1; id=1;'\n",
	        cmd_record_check,
	        NULL,
	},
	{ NULL, NULL, NULL, NULL, NULL, NULL, NULL },
};

static const struct cli_command tlsrpt_commands[] = {
	{
	        "check",
	        "tlsrpt check",
	        "[--lenient] [--json] [TXT...]",
	        "check a _smtp._tls TXT record or a whole TXT RRset",
	        "Check the text of _smtp._tls TXT records (SMTP TLS Reporting,\n"
	        "RFC 8460 section 3): the version, every rua URI (mailto: with an\n"
	        "address, https: with a host; ',' '!' ';' percent-encoded) and the\n"
	        "extensions. Each TXT argument is the full text of one TXT RR. One\n"
	        "argument is parsed as a record; two or more are a TXT RRset from\n"
	        "which exactly one TLSRPTv1 record must be selected. Without\n"
	        "arguments, standard input is read as one record (raw bytes; only\n"
	        "one final LF is removed). Diagnostics name the argument number as\n"
	        "their line: <arg>:N:COL.\n"
	        "\n"
	        "Options:\n"
	        "  --lenient   accept outer whitespace, quotes and 'RUA=' in another\n"
	        "              case, each reported as a warning instead of an error\n"
	        "  --json      print one JSON object on standard output (with\n"
	        "              \"selected\", the 0-based index of the selected RR,\n"
	        "              for an RRset)\n"
	        "  -h, --help  show this help\n"
	        "\n"
	        "Exit status: 0 valid (warnings allowed), 1 invalid, 2 usage or\n"
	        "I/O error.\n"
	        "\n"
	        "Examples:\n"
	        "  mtasts tlsrpt check 'v=TLSRPTv1; rua=mailto:tlsrpt@example.com'\n"
	        "  mtasts tlsrpt check --json 'v=spf1 -all' \\\n"
	        "      'v=TLSRPTv1; rua=https://reports.example.com/v1'\n",
	        cmd_tlsrpt_check,
	        NULL,
	},
	{ NULL, NULL, NULL, NULL, NULL, NULL, NULL },
};

static const struct cli_command top_commands[] = {
	{
	        "policy",
	        "policy",
	        "COMMAND [ARGS...]",
	        "check, match against or format a policy file",
	        "Run 'mtasts policy COMMAND --help' for the usage of a command.\n"
	        "\n"
	        "Examples:\n"
	        "  mtasts policy check mta-sts.txt\n"
	        "  mtasts policy match mta-sts.txt mx1.example.net\n",
	        NULL,
	        policy_commands,
	},
	{
	        "record",
	        "record",
	        "COMMAND [ARGS...]",
	        "check an _mta-sts TXT record",
	        "Run 'mtasts record COMMAND --help' for the usage of a command.\n"
	        "\n"
	        "Examples:\n"
	        "  mtasts record check 'v=STSv1; id=20160831085700Z;'\n",
	        NULL,
	        record_commands,
	},
	{
	        "tlsrpt",
	        "tlsrpt",
	        "COMMAND [ARGS...]",
	        "check a _smtp._tls (TLS reporting) TXT record",
	        "Run 'mtasts tlsrpt COMMAND --help' for the usage of a command.\n"
	        "\n"
	        "Examples:\n"
	        "  mtasts tlsrpt check 'v=TLSRPTv1; rua=mailto:tls@example.com'\n",
	        NULL,
	        tlsrpt_commands,
	},
	{
	        "match",
	        "match",
	        "PATTERN HOST",
	        "match one MX host against one mx pattern",
	        "Match HOST (an MX host name from DNS; a trailing dot is fine)\n"
	        "against one mx pattern, 'host.example' or '*.example' (RFC 8461\n"
	        "section 4.1). A wildcard covers exactly one leftmost label. An\n"
	        "invalid pattern never matches; its diagnostics go to standard\n"
	        "error.\n"
	        "\n"
	        "Options:\n"
	        "  -h, --help  show this help\n"
	        "\n"
	        "Exit status: 0 match, 1 no match, 2 usage error.\n"
	        "\n"
	        "Examples:\n"
	        "  mtasts match '*.example.com' mx1.example.com\n"
	        "  mtasts match mail.example.com MAIL.EXAMPLE.COM.\n",
	        cmd_match,
	        NULL,
	},
	{
	        "generate",
	        "generate",
	        "--domain D --mx HOST... [--mode M] [--max-age N]\n"
	        "       [--rua URI...] [--id ID] [--now T] [--format text|zone|json]\n"
	        "       [--ttl N] [--policy-out PATH]",
	        "print the records and the policy file a domain publishes",
	        "Generate everything a domain publishes for MTA-STS, built and\n"
	        "checked with libmtasts: (1) the _mta-sts TXT record with a fresh\n"
	        "id, (2) the policy file with its URL and hosting requirements,\n"
	        "(3) the _smtp._tls TXT record for TLS reports (RFC 8460), and,\n"
	        "in text format, (4) rollout advice and (5) the lint findings of\n"
	        "the generated set.\n"
	        "\n"
	        "Options:\n"
	        "  --domain D        the Policy Domain (required); lower-cased, one\n"
	        "                    trailing dot removed\n"
	        "  --mx HOST         an MX host or a pattern such as *.example.net;\n"
	        "                    repeat for every MX host (required unless\n"
	        "                    --mode none)\n"
	        "  --mode M          testing (default), enforce or none\n"
	        "  --max-age N       seconds (at most 31557600), or Nd, Nw, Ny\n"
	        "                    (days, weeks, years of 365.25 days); default\n"
	        "                    604800 (1 week)\n"
	        "  --rua URI         where TLS reports go, mailto: or https:\n"
	        "                    (repeatable); default mailto:tlsrpt@D\n"
	        "  --id ID           the policy id (1 to 32 letters or digits);\n"
	        "                    default: the time as YYYYMMDDHHMMSS (UTC)\n"
	        "  --now T           the time for the id, in seconds since 1970\n"
	        "                    (default: $SOURCE_DATE_EPOCH, else the clock)\n"
	        "  --format F        text (default), zone (BIND master-file lines)\n"
	        "                    or json\n"
	        "  --ttl N           TTL of the zone lines (default 3600)\n"
	        "  --policy-out PATH also write the policy file, byte for byte\n"
	        "                    (CRLF line ends), replacing PATH atomically\n"
	        "  -h, --help        show this help\n"
	        "\n"
	        "JSON output: one object {\"domain\", \"id\", \"record\": {\"name\",\n"
	        "\"type\", \"value\", \"strings\"}, \"policy\": {\"url\", \"host\",\n"
	        "\"content_type\", \"text\", \"mode\", \"max_age\", \"mx\"}, \"tlsrpt\":\n"
	        "{\"name\", \"type\", \"value\", \"strings\", \"rua\", \"default_rua\"},\n"
	        "\"diagnostics\": [{\"severity\", \"code\", \"line\", \"column\",\n"
	        "\"message\"}]}; \"strings\" is the value cut into 255-byte DNS\n"
	        "strings.\n"
	        "\n"
	        "Exit status: 0 generated, 1 the generated set has lint errors,\n"
	        "2 usage or I/O error (an invalid --mx, --rua or --id included).\n"
	        "\n"
	        "Examples:\n"
	        "  mtasts generate --domain example.com --mx mx1.example.com \\\n"
	        "      --mx mx2.example.com\n"
	        "  mtasts generate --domain example.com --mx '*.mail.example.net' \\\n"
	        "      --max-age 1d --rua mailto:tls@example.com --format zone\n"
	        "  mtasts generate --domain example.com --mx mx.example.com \\\n"
	        "      --policy-out mta-sts.txt --format json\n",
	        cmd_generate,
	        NULL,
	},
	{
	        "enforce",
	        "enforce",
	        "POLICY_FILE|- --domain D [--record TXT] [--id ID]\n"
	        "       [--max-age N] [--mx HOST...] [--now T]\n"
	        "       [--format text|zone|json] [--ttl N] [--policy-out PATH]",
	        "switch a testing policy to enforce, with a new id",
	        "Read a policy (strictly, as senders do) and print its enforce\n"
	        "version and the new _mta-sts TXT record: the mode and the id\n"
	        "change in one step. The new id is made from the time; it always\n"
	        "differs from the id of --record. Then the lint findings of the\n"
	        "new policy (a short max_age in enforce is a warning).\n"
	        "\n"
	        "Options:\n"
	        "  --domain D        the Policy Domain (required)\n"
	        "  --record TXT      the _mta-sts record published now: its id is\n"
	        "                    never reused\n"
	        "  --id ID           the new id (default: from the time)\n"
	        "  --max-age N       a new max_age, as for 'generate'\n"
	        "  --mx HOST         an MX host of the domain (repeatable): the new\n"
	        "                    policy must cover it\n"
	        "  --now T           the time for the id (default:\n"
	        "                    $SOURCE_DATE_EPOCH, else the clock)\n"
	        "  --format F        text (default), zone or json (as 'generate',\n"
	        "                    without \"tlsrpt\", with \"previous\": {\"mode\",\n"
	        "                    \"id\"})\n"
	        "  --ttl N           TTL of the zone line (default 3600)\n"
	        "  --policy-out PATH write the new policy file, byte for byte\n"
	        "                    (not when the checks find an error)\n"
	        "  -h, --help        show this help\n"
	        "\n"
	        "Exit status: 0 done, 1 the policy is invalid or already in mode\n"
	        "enforce (nothing is written), or the new policy has lint errors,\n"
	        "2 usage or I/O error.\n"
	        "\n"
	        "Examples:\n"
	        "  mtasts enforce mta-sts.txt --domain example.com \\\n"
	        "      --record 'v=STSv1; id=20240301120000;'\n"
	        "  mtasts enforce mta-sts.txt --domain example.com --max-age 30d \\\n"
	        "      --policy-out mta-sts.txt\n",
	        cmd_enforce,
	        NULL,
	},
	{
	        "lint",
	        "lint",
	        "POLICY_FILE|- [--domain D] [--record TXT | --no-record]\n"
	        "       [--tlsrpt TXT | --no-tlsrpt] [--mx HOST... | --no-mx]\n"
	        "       [--previous-policy FILE --previous-record TXT]\n"
	        "       [--lenient] [--json]",
	        "check a policy against its domain's records and MX hosts",
	        "Check a policy file the way 'policy check' does, then lint it\n"
	        "against what is known of its domain: publisher mistakes such as\n"
	        "MX hosts the mx lines miss, no _mta-sts record, no TLS reporting,\n"
	        "a changed policy under an unchanged id, a risky max_age, broad\n"
	        "wildcards. Every diagnostic is printed, compiler style\n"
	        "(FILE:LINE:COL: severity: message [code]; FILE: for the whole\n"
	        "policy; --record:1:COL for the record), with severities error,\n"
	        "warning and note, then a summary line.\n"
	        "\n"
	        "Options:\n"
	        "  --domain D            the Policy Domain\n"
	        "  --record TXT          the _mta-sts record as published (one that\n"
	        "                        does not parse counts as absent)\n"
	        "  --no-record           checked: no _mta-sts record is published\n"
	        "  --tlsrpt TXT          the _smtp._tls record as published\n"
	        "  --no-tlsrpt           checked: no _smtp._tls record is published\n"
	        "  --mx HOST             an MX host of the domain (repeatable)\n"
	        "  --no-mx               the domain has no MX records: mail goes to\n"
	        "                        the domain itself (needs --domain)\n"
	        "  --previous-policy FILE\n"
	        "                        the policy published before\n"
	        "  --previous-record TXT the record it was published under (both\n"
	        "                        or neither): a changed policy needs a new\n"
	        "                        id\n"
	        "  --lenient             parse the inputs leniently (see 'policy\n"
	        "                        check')\n"
	        "  --json                one JSON object: {\"valid\", \"policy\",\n"
	        "                        \"diagnostics\"}, each diagnostic with an\n"
	        "                        \"input\" member (the file, \"--record\", ...)\n"
	        "  -h, --help            show this help\n"
	        "\n"
	        "Exit status: 0 no errors (warnings and notes allowed), 1 errors,\n"
	        "2 usage or I/O error.\n"
	        "\n"
	        "Examples:\n"
	        "  mtasts lint mta-sts.txt --domain example.com \\\n"
	        "      --record 'v=STSv1; id=20240301120000;' \\\n"
	        "      --tlsrpt 'v=TLSRPTv1; rua=mailto:tls@example.com' \\\n"
	        "      --mx mx1.example.com --mx mx2.example.com\n"
	        "  curl -s https://mta-sts.example.com/.well-known/mta-sts.txt \\\n"
	        "      | mtasts lint --json --no-record -\n",
	        cmd_lint,
	        NULL,
	},
	{
	        "check",
	        "check",
	        "DOMAIN [--json] [--dns-server IP[:PORT]...] [--ca-file FILE]\n"
	        "       [--connect-to HOST:PORT:ADDR:PORT...] [--timeout S]",
	        "check a domain's live MTA-STS setup over the network",
	        "Check what DOMAIN publishes, live, the way a sending mail server\n"
	        "sees it, and explain every step:\n"
	        "  1. the _mta-sts.DOMAIN TXT record: present and valid\n"
	        "  2. the policy fetch from https://mta-sts.DOMAIN/.well-known/\n"
	        "     mta-sts.txt under every rule of RFC 8461 section 3.3 (HTTP\n"
	        "     status, media type, no redirect, certificate); the classic\n"
	        "     mistakes 'policy served but no TXT record' and 'TXT record\n"
	        "     but no policy' are named as such\n"
	        "  3. the policy: valid, its mode and max_age in words\n"
	        "  4. the MX hosts (or the domain itself without MX records)\n"
	        "     against the policy's mx patterns, with the lint findings\n"
	        "  5. the _smtp._tls.DOMAIN TXT record (TLS reporting)\n"
	        "  6. every MX host on port 25: STARTTLS offered, a certificate\n"
	        "     that is trusted, names the host and is not about to expire\n"
	        "     (a warning under 14 days)\n"
	        "Every step runs even when an earlier one failed; one that cannot\n"
	        "run is skipped. Marks: \u2713 ok, \u2717 problem, ! warning, i note,\n"
	        "- skipped.\n"
	        "\n"
	        "Options:\n"
	        "  --json           print one JSON object: {\"domain\", \"ok\",\n"
	        "                   \"steps\": [{\"name\", \"status\", \"message\",\n"
	        "                   ..., \"diagnostics\"}]}; names record,\n"
	        "                   policy-fetch, policy, mx, tlsrpt, mx-tls;\n"
	        "                   status ok, warning, error or skipped\n"
	        "  --dns-server IP[:PORT]\n"
	        "                   ask these DNS servers instead of the system's\n"
	        "                   resolver (repeatable or comma-separated; IPv6\n"
	        "                   as [IP]:PORT)\n"
	        "  --ca-file FILE   trust the CA certificates of this PEM file\n"
	        "                   instead of the system store, for the policy\n"
	        "                   host and the MX hosts\n"
	        "  --connect-to HOST:PORT:ADDR:PORT\n"
	        "                   connect to ADDR:PORT instead of HOST:PORT\n"
	        "                   (port 443 for the policy host, 25 for MX\n"
	        "                   hosts), still checking the certificate for\n"
	        "                   HOST (repeatable)\n"
	        "  --timeout S      at most S seconds (1 to 60, default 20) for the\n"
	        "                   fetch and for each MX probe\n"
	        "  -h, --help       show this help\n"
	        "\n"
	        "Exit status: 0 everything works (warnings and notes allowed),\n"
	        "1 problems were found (a temporary DNS failure included: try\n"
	        "again later), 2 usage error, no network support in this build,\n"
	        "or an internal error.\n"
	        "\n"
	        "Examples:\n"
	        "  mtasts check example.com\n"
	        "  mtasts check --json --timeout 10 example.com\n"
	        "  mtasts check example.com --dns-server 127.0.0.1:5353 \\\n"
	        "      --ca-file test-ca.pem \\\n"
	        "      --connect-to mta-sts.example.com:443:127.0.0.1:8443\n",
	        cmd_check,
	        NULL,
	},
	{ NULL, NULL, NULL, NULL, NULL, NULL, NULL },
};

static const struct cli_command root = {
	"mtasts",
	"",
	"[--help] [--version] COMMAND [ARGS...]",
	"",
	"Generate, check, lint, format and apply MTA-STS (RFC 8461) policies\n"
	"and records, and check TLS reporting (RFC 8460) records.\n"
	"Run 'mtasts COMMAND --help' for the usage of a command.\n"
	"\n"
	"Options:\n"
	"  -h, --help  show this help\n"
	"  --version   print the libmtasts version\n"
	"\n"
	"Exit status: 0 valid or match, 1 invalid or no match, 2 usage or\n"
	"I/O error.\n"
	"\n"
	"Examples:\n"
	"  mtasts generate --domain example.com --mx mx1.example.com\n"
	"  mtasts lint mta-sts.txt --domain example.com --mx mx1.example.com\n"
	"  mtasts policy check mta-sts.txt\n"
	"  mtasts record check 'v=STSv1; id=20160831085700Z;'\n"
	"  mtasts tlsrpt check 'v=TLSRPTv1; rua=mailto:tls@example.com'\n"
	"  mtasts match '*.example.com' mx1.example.com\n",
	NULL,
	top_commands,
};

/* ---- dispatch ---------------------------------------------------------------- */

/*
 * Run a group: argv[0] is the group's own word, argv[1] names a
 * subcommand (or is --help).
 */
static int
dispatch(const struct cli_command *group, int argc, char **argv)
{
	const struct cli_command *c;
	const char *word;

	if (argc < 2)
		return cli_usage_error(group, "missing command", NULL);
	word = argv[1];
	if (cli_is_help(word)) {
		cli_help(group);
		return cli_finish(CLI_OK);
	}
	if (group == &root && strcmp(word, "--version") == 0) {
		puts(mtasts_version_string());
		return cli_finish(CLI_OK);
	}
	if (word[0] == '-')
		return cli_usage_error(group, "unknown option", word);
	for (c = group->subs; c->name; c++) {
		if (strcmp(c->name, word) != 0)
			continue;
		if (c->subs)
			return dispatch(c, argc - 1, argv + 1);
		return c->run(c, argc - 1, argv + 1);
	}
	return cli_usage_error(group, "unknown command", word);
}

int
main(int argc, char **argv)
{
	return dispatch(&root, argc, argv);
}
