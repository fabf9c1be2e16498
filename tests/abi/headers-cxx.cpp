// SPDX-License-Identifier: MIT
// The public header compiles as C++98 with -pedantic -Werror (extern "C",
// no C-only constructs) and links.
#include <mtasts.h>

int
main()
{
	mtasts_record *r = 0;
	static const char txt[] = "v=STSv1; id=1;";
	int st = mtasts_record_parse(&r, txt, sizeof(txt) - 1, MTASTS_PARSE_DEFAULT, 0);
	int ok = st == MTASTS_OK && mtasts_version() == MTASTS_VERSION_HEX;

	mtasts_record_free(r);
	return ok ? 0 : 1;
}
