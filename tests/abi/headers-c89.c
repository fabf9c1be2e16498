/* SPDX-License-Identifier: MIT */
/*
 * The public header compiles as strict C89 with -pedantic -Werror (old,
 * conservative MTA builds must never be broken by it) and links.
 */
#include <mtasts.h>

int
main(void)
{
	mtasts_policy *p = NULL;
	mtasts_diag *d = NULL;
	int st;

	if (mtasts_version() != MTASTS_VERSION_HEX)
		return 1;
	st = mtasts_policy_parse(&p, "", 0, MTASTS_PARSE_DEFAULT, d);
	mtasts_policy_free(p);
	return st == MTASTS_ESYNTAX ? 0 : 1;
}
