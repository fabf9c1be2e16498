/* SPDX-License-Identifier: MIT */
/*
 * Print what libmtasts makes of a corpus, one JSON object per input, for
 * test_corpus.py to compare with the corpus' expectations:
 *
 *   corpus-dump policies FILE   inputs separated by "\n%%\n"
 *       {"valid": B, "mode": S, "max_age": N, "mx": [S...]}
 *   corpus-dump records FILE    one TXT record per line
 *       {"valid": B, "id": S}
 *   corpus-dump mx FILE         rows PATTERNS<TAB>HOST<TAB>...
 *       {"match": B}            (patterns tried with mtasts_mx_match)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mtasts.h>

static char *
slurp(const char *path, size_t *len)
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
	fclose(f);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

/* Strings printed here are library output for valid inputs: printable
 * ASCII; anything else is escaped. */
static void
json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void
policy(const char *p, size_t n)
{
	mtasts_policy *pol;
	size_t i;

	if (mtasts_policy_parse(&pol, p, n, 0, NULL) != MTASTS_OK) {
		puts("{\"valid\": false}");
		return;
	}
	printf("{\"valid\": true, \"mode\": ");
	json_str(mtasts_mode_name(mtasts_policy_mode(pol)));
	printf(", \"max_age\": %lu, \"mx\": [",
	       (unsigned long)mtasts_policy_max_age(pol));
	for (i = 0; i < mtasts_policy_mx_count(pol); i++) {
		if (i)
			fputs(", ", stdout);
		json_str(mtasts_policy_mx(pol, i));
	}
	puts("]}");
	mtasts_policy_free(pol);
}

static void
record(const char *p, size_t n)
{
	mtasts_record *r;

	if (mtasts_record_parse(&r, p, n, 0, NULL) != MTASTS_OK) {
		puts("{\"valid\": false}");
		return;
	}
	printf("{\"valid\": true, \"id\": ");
	json_str(mtasts_record_id(r));
	puts("}");
	mtasts_record_free(r);
}

static void
mx_row(char *line)
{
	char *tab = strchr(line, '\t'), *host, *end, *pat, *save = NULL;
	int match = 0;

	if (!tab)
		return;
	*tab = '\0';
	host = tab + 1;
	end = strchr(host, '\t');
	if (end)
		*end = '\0';
	for (pat = strtok_r(line, " ", &save); pat;
	     pat = strtok_r(NULL, " ", &save))
		match |= mtasts_mx_match(pat, host);
	printf("{\"match\": %s}\n", match ? "true" : "false");
}

int
main(int argc, char **argv)
{
	size_t len, i, start = 0;
	char *buf;

	if (argc != 3) {
		fprintf(stderr,
		        "usage: corpus-dump policies|records|mx FILE\n");
		return 2;
	}
	buf = slurp(argv[2], &len);
	if (strcmp(argv[1], "policies") == 0) {
		for (i = 0; i + 4 <= len; i++) {
			if (memcmp(buf + i, "\n%%\n", 4) == 0) {
				policy(buf + start, i - start);
				start = i + 4;
				i += 3;
			}
		}
	} else {
		for (i = 0; i < len; i++) {
			if (buf[i] != '\n')
				continue;
			buf[i] = '\0';
			if (strcmp(argv[1], "records") == 0)
				record(buf + start, i - start);
			else
				mx_row(buf + start);
			start = i + 1;
		}
	}
	free(buf);
	return 0;
}
