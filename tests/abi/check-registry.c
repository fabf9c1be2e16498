/* SPDX-License-Identifier: MIT */
/*
 * docs/diagnostics.md and the library's registry agree: every code the
 * library names has exactly one table row with the same number and name,
 * every row names a code the library knows, and the status column matches
 * the status the code makes a call return (`—` for warning-only codes; the
 * 4xx table has no status column: all are MTASTS_EMX).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		perror(path);
		exit(2);
	}
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		perror(path);
		exit(2);
	}
	buf[n] = '\0';
	fclose(f);
	return buf;
}

int
main(int argc, char **argv)
{
	char path[4096], *doc, *line;
	int seen[1000] = { 0 };
	int code, failures = 0, rows = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: check-registry SOURCE_ROOT\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/docs/diagnostics.md", argv[1]);
	doc = slurp(path);

	for (line = strtok(doc, "\n"); line; line = strtok(NULL, "\n")) {
		char name[80], cells[4][200];
		const char *want;
		int n = 0;
		char *p = line, *q;

		if (sscanf(line, "| %d | `%79[^`]` |", &code, name) != 2)
			continue;
		rows++;
		/* split the remaining cells */
		for (q = strchr(p + 1, '|'); q && n < 4;
		     q = strchr(q + 1, '|')) {
			char *end = strchr(q + 1, '|');
			size_t len;

			if (!end)
				break;
			len = (size_t)(end - q - 1);
			if (len >= sizeof(cells[0]))
				len = sizeof(cells[0]) - 1;
			memcpy(cells[n], q + 1, len);
			cells[n][len] = '\0';
			n++;
		}
		if (code <= 0 || code >= 1000) {
			printf("FAIL: row for out-of-range code %d\n", code);
			failures++;
			continue;
		}
		if (seen[code]++) {
			printf("FAIL: code %d has more than one row\n", code);
			failures++;
		}
		want = mtasts_diag_code_name(code);
		if (!want || strcmp(want, name) != 0) {
			printf("FAIL: row %d `%s`: the library calls it %s\n",
			       code, name, want ? want : "(unknown code)");
			failures++;
			continue;
		}
		/* cells after the code: [0] name, [1] severity, [2] status, [3] meaning */
		if (code / 100 == 4 &&
		    mtasts__diag_registered_status(code) != MTASTS_EMX) {
			printf("FAIL: %d `%s` is not registered as MTASTS_EMX\n",
			       code, name);
			failures++;
		}
		if (code / 100 != 4 && n >= 3) {
			int reg = mtasts__diag_registered_status(code);
			const char *st = mtasts_status_name(reg);
			char cell[200];
			size_t k = 0, i;

			for (i = 0; cells[2][i] && k + 1 < sizeof(cell); i++)
				if (cells[2][i] != ' ' && cells[2][i] != '`')
					cell[k++] = cells[2][i];
			cell[k] = '\0';
			if (strcmp(cell, "\xe2\x80\x94") == 0) { /* em dash */
				if (reg != MTASTS_OK) {
					printf("FAIL: %d `%s` is documented as "
					       "warning-only but can fail a call\n",
					       code, name);
					failures++;
				}
			} else if (strcmp(cell, st) != 0) {
				printf("FAIL: %d `%s`: documented status %s, "
				       "registered %s\n",
				       code, name, cell, st);
				failures++;
			}
		}
	}
	for (code = 1; code < 1000; code++) {
		if (mtasts_diag_code_name(code) && !seen[code]) {
			printf("FAIL: code %d `%s` is not documented\n", code,
			       mtasts_diag_code_name(code));
			failures++;
		}
	}
	free(doc);
	printf("%d documented codes; %d problem(s)\n", rows, failures);
	return failures ? 1 : 0;
}
