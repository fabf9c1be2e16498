/* SPDX-License-Identifier: MIT */
/*
 * Helpers of the commands that help publish MTA-STS (generate, enforce,
 * lint): option values (domain, time, max_age), zone-file TXT lines,
 * findings without positions and replacing a file safely.
 */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- option values --------------------------------------------------------- */

int
cli_domain(const struct cli_command *cmd, const char *in, char **out)
{
	size_t n = strlen(in), i;
	mtasts_diag *diag = NULL;
	char *d;
	int st;

	*out = NULL;
	if (n && in[n - 1] == '.')
		n--;
	if (n == 0)
		return cli_usage_error(cmd, "invalid --domain", in);
	if (in[0] == '*')
		return cli_usage_error(cmd,
		                       "invalid --domain (a domain, not a "
		                       "pattern)",
		                       in);
	if (n > CLI_DOMAIN_MAX)
		return cli_usage_error(cmd,
		                       "invalid --domain (longer than 242 "
		                       "bytes, too long for _smtp._tls.)",
		                       in);
	d = malloc(n + 1);
	if (!d) {
		cli_error("out of memory");
		return CLI_USAGE;
	}
	for (i = 0; i < n; i++) {
		char c = in[i];

		d[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
	}
	d[n] = '\0';
	/* A domain is a host name: the syntax of a non-wildcard mx pattern. */
	if (mtasts_diag_new(&diag) != MTASTS_OK) {
		free(d);
		cli_error("out of memory");
		return CLI_USAGE;
	}
	st = mtasts_mx_pattern_check(d, diag);
	if (st != MTASTS_OK) {
		if (!cli_internal_failure("--domain", st))
			cli_print_diags(stderr, "--domain", diag);
		mtasts_diag_free(diag);
		free(d);
		return cli_usage_error(cmd, "invalid --domain", in);
	}
	mtasts_diag_free(diag);
	*out = d;
	return 0;
}

int
cli_now(const struct cli_command *cmd, const char *opt, int64_t *now)
{
	unsigned long long v;
	const char *env;
	time_t t;

	if (opt) {
		if (cli_parse_uint(opt, CLI_TIME_MAX, &v) != 0)
			return cli_usage_error(cmd,
			                       "invalid --now (seconds "
			                       "since 1970-01-01 UTC)",
			                       opt);
		*now = (int64_t)v;
		return 0;
	}
	env = getenv("SOURCE_DATE_EPOCH");
	if (env && *env) {
		if (cli_parse_uint(env, CLI_TIME_MAX, &v) != 0)
			return cli_usage_error(cmd, "invalid SOURCE_DATE_EPOCH",
			                       env);
		*now = (int64_t)v;
		return 0;
	}
	t = time(NULL);
	if (t == (time_t)-1 || t < 0) {
		cli_error("cannot read the current time");
		return CLI_USAGE;
	}
	*now = (int64_t)t;
	return 0;
}

int
cli_parse_max_age(const char *s, uint32_t *out)
{
	static const struct {
		char suffix;
		unsigned long long unit;
	} units[] = { { 'd', 86400 }, { 'w', 604800 }, { 'y', 31557600 } };
	unsigned long long v;
	size_t n = strlen(s), i;
	char num[16];

	if (n == 0)
		return -1;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (s[n - 1] != units[i].suffix)
			continue;
		if (n - 1 == 0 || n - 1 >= sizeof(num))
			return -1;
		memcpy(num, s, n - 1);
		num[n - 1] = '\0';
		if (cli_parse_uint(num, MTASTS_MAX_AGE_MAX / units[i].unit,
		                   &v) != 0 ||
		    v == 0)
			return -1;
		*out = (uint32_t)(v * units[i].unit);
		return 0;
	}
	if (cli_parse_uint(s, MTASTS_MAX_AGE_MAX, &v) != 0)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

void
cli_put_duration(FILE *f, unsigned long s)
{
	static const struct {
		unsigned long unit;
		const char *name;
	} units[] = { { 31557600UL, "year" },
		      { 604800UL, "week" },
		      { 86400UL, "day" },
		      { 3600UL, "hour" },
		      { 60UL, "minute" } };
	size_t i;

	for (i = 0; s && i < sizeof(units) / sizeof(units[0]); i++) {
		if (s % units[i].unit == 0) {
			unsigned long k = s / units[i].unit;

			fprintf(f, "%lu %s%s", k, units[i].name,
			        k == 1 ? "" : "s");
			return;
		}
	}
	fprintf(f, "%lu second%s", s, s == 1 ? "" : "s");
}

/* ---- files ------------------------------------------------------------------ */

int
cli_write_file(const char *path, const char *data, size_t len)
{
	static const char base[] = ".mtasts-XXXXXX";
	const char *slash = strrchr(path, '/');
	size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
	size_t done = 0;
	char *tmp;
	mode_t mask;
	int fd, err = 0;

	tmp = malloc(dirlen + sizeof(base));
	if (!tmp) {
		err = ENOMEM;
		goto report;
	}
	memcpy(tmp, path, dirlen);
	memcpy(tmp + dirlen, base, sizeof(base));
	fd = mkstemp(tmp);
	if (fd < 0) {
		err = errno;
		goto report;
	}
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, (mode_t)0666 & ~mask) != 0)
		err = errno;
	while (!err && done < len) {
		ssize_t w = write(fd, data + done, len - done);

		if (w < 0) {
			if (errno != EINTR)
				err = errno;
			continue;
		}
		done += (size_t)w;
	}
	if (!err && fsync(fd) != 0)
		err = errno;
	if (close(fd) != 0 && !err)
		err = errno;
	if (!err && rename(tmp, path) != 0)
		err = errno;
	if (err)
		unlink(tmp);
report:
	free(tmp);
	if (!err)
		return 0;
	fputs("mtasts: ", stderr);
	cli_put_safe(stderr, path);
	fprintf(stderr, ": %s\n", strerror(err));
	return -1;
}

/* ---- zone files -------------------------------------------------------------- */

/* RFC 1035 §3.3: a character-string holds at most 255 bytes. */
#define TXT_STRING_MAX 255

size_t
cli_txt_string_count(size_t len)
{
	return len == 0 ? 1 : (len + TXT_STRING_MAX - 1) / TXT_STRING_MAX;
}

static void
zone_string(FILE *f, const unsigned char *p, size_t n)
{
	size_t i;

	fputc('"', f);
	for (i = 0; i < n; i++) {
		if (p[i] == '"' || p[i] == '\\') {
			fputc('\\', f);
			fputc(p[i], f);
		} else if (p[i] < 0x20 || p[i] > 0x7E) {
			fprintf(f, "\\%03u", (unsigned int)p[i]);
		} else {
			fputc(p[i], f);
		}
	}
	fputc('"', f);
}

void
cli_zone_txt(FILE *f, const char *name, unsigned long ttl, const char *value)
{
	const unsigned char *p = (const unsigned char *)value;
	size_t len = strlen(value), off = 0;

	fprintf(f, "%s\t%lu\tIN\tTXT\t", name, ttl);
	do {
		size_t n =
		        len - off < TXT_STRING_MAX ? len - off : TXT_STRING_MAX;

		if (off)
			fputc(' ', f);
		zone_string(f, p + off, n);
		off += n;
	} while (off < len);
	fputc('\n', f);
}

/* ---- findings ------------------------------------------------------------------ */

void
cli_print_findings(FILE *f, const char *prefix, const mtasts_diag *diag)
{
	size_t i, n = mtasts_diag_count(diag);

	for (i = 0; i < n; i++) {
		int code = mtasts_diag_code(diag, i);
		const char *sev =
		        mtasts_severity_name(mtasts_diag_severity(diag, i));
		const char *name = mtasts_diag_code_name(code);
		const char *msg = mtasts_diag_message(diag, i);

		fprintf(f, "%s%s: ", prefix, sev ? sev : "unknown");
		cli_put_safe(f, msg ? msg : "");
		if (name)
			fprintf(f, " [%s]\n", name);
		else
			fprintf(f, " [%d]\n", code);
	}
}

void
cli_print_all_counts(FILE *f, const struct cli_counts *c)
{
	fprintf(f, "%zu error%s, %zu warning%s, %zu note%s", c->errors,
	        c->errors == 1 ? "" : "s", c->warnings,
	        c->warnings == 1 ? "" : "s", c->notes,
	        c->notes == 1 ? "" : "s");
}
