/* SPDX-License-Identifier: MIT */
/*
 * mtasts match PATTERN HOST: one mx pattern against one host (RFC 8461
 * §4.1).
 */
#include "cli.h"

int
cmd_match(const struct cli_command *cmd, int argc, char **argv)
{
	int n, rc, status;
	const struct cli_option opts[] = { { NULL, NULL } };
	const char *pattern, *host;
	mtasts_diag *diag = NULL;

	rc = cli_parse_args(cmd, argc, argv, opts, 2, 2, &n);
	if (rc != CLI_ARGS_OK)
		return rc == CLI_ARGS_HELP ? cli_finish(CLI_OK) : CLI_USAGE;
	pattern = argv[1];
	host = argv[2];
	if (mtasts_diag_new(&diag) != MTASTS_OK) {
		cli_error("out of memory");
		return CLI_USAGE;
	}
	/* An invalid pattern never matches; say why on stderr. */
	status = mtasts_mx_pattern_check(pattern, diag);
	if (cli_internal_failure("<pattern>", status)) {
		rc = CLI_USAGE;
		goto out;
	}
	cli_print_diags(stderr, "<pattern>", diag);
	cli_put_safe(stdout, host);
	if (mtasts_mx_match(pattern, host)) {
		fputs(" matches ", stdout);
		rc = CLI_OK;
	} else {
		fputs(" does not match ", stdout);
		rc = CLI_FAIL;
	}
	cli_put_safe(stdout, pattern);
	fputc('\n', stdout);
out:
	mtasts_diag_free(diag);
	return cli_finish(rc);
}
