/* SPDX-License-Identifier: MIT */
/*
 * mtasts-bench: ns/op and allocations/op for policy parse, TXT record parse
 * and MX matching, through the public API of the shared library.
 *
 *   mtasts-bench [--corpus DIR] [--passes N]
 *
 * With --corpus, DIR holds the reference workload (policies.txt,
 * txt-records.txt, mx-match.tsv; format in shared/bench-corpus/README.md).
 * Without it, a deterministic corpus of the same shape is generated.
 * TLSRPTv1 records (tlsrpt_parse) come from DIR/tlsrpt-records.txt (one
 * per line) when it exists, else from a generated set of typical records.
 * Prints one JSON line per operation, the median of N passes:
 *   {"what": "policy_parse", "inputs": 1000, "ns_per_op": 61.2,
 *    "allocs_per_op": 1.00}
 */
#include <mtasts.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- allocation counting ------------------------------------------------- */

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define NO_ALLOC_COUNT 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define NO_ALLOC_COUNT 1
#endif

static unsigned long alloc_count;
static int counting;

#if defined(__GLIBC__) && !defined(NO_ALLOC_COUNT)
/* Interpose the allocator: the shared library's calls resolve here. */
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);

void *
malloc(size_t n)
{
	alloc_count += (unsigned long)counting;
	return __libc_malloc(n);
}

void *
calloc(size_t n, size_t m)
{
	alloc_count += (unsigned long)counting;
	return __libc_calloc(n, m);
}

void *
realloc(void *p, size_t n)
{
	alloc_count += (unsigned long)counting;
	return __libc_realloc(p, n);
}

void
free(void *p)
{
	__libc_free(p);
}
#define HAVE_ALLOC_COUNT 1
#else
#define HAVE_ALLOC_COUNT 0
#endif

/* ---- corpus ---------------------------------------------------------------- */

struct text {
	char *p;
	size_t n;
};

struct row {
	mtasts_policy *policy;
	char *host;
};

struct corpus {
	struct text *policies;
	size_t n_policies;
	struct text *records;
	size_t n_records;
	struct text *tlsrpt;
	size_t n_tlsrpt;
	struct row *rows;
	size_t n_rows;
};

static void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p) {
		fprintf(stderr, "mtasts-bench: out of memory\n");
		exit(2);
	}
	return p;
}

static char *
xstrndup(const char *s, size_t n)
{
	char *d = xmalloc(n + 1);

	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

static char *
read_file(const char *dir, const char *name, size_t *len)
{
	char path[4096];
	FILE *f;
	char *buf;
	long sz;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (!f || fseek(f, 0, SEEK_END) != 0 || (sz = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fprintf(stderr, "mtasts-bench: %s: %s\n", path,
		        strerror(errno));
		exit(2);
	}
	buf = xmalloc((size_t)sz + 1);
	if (fread(buf, 1, (size_t)sz, f) != (size_t)sz) {
		fprintf(stderr, "mtasts-bench: %s: short read\n", path);
		exit(2);
	}
	fclose(f);
	buf[sz] = '\0';
	*len = (size_t)sz;
	return buf;
}

static void
add_text(struct text **v, size_t *n, const char *p, size_t len)
{
	*v = realloc(*v, (*n + 1) * sizeof(**v));
	if (!*v)
		exit(2);
	(*v)[*n].p = xstrndup(p, len);
	(*v)[*n].n = len;
	(*n)++;
}

/* A policy for a row's space-separated patterns; invalid ones are left
 * out (an invalid pattern never matches). */
static void
add_row(struct corpus *c, const char *patterns, size_t plen, const char *host,
        size_t hlen)
{
	mtasts_policy_builder *b;
	struct row *r;
	size_t i = 0;

	if (mtasts_policy_builder_new(&b, NULL) != MTASTS_OK)
		exit(2);
	(void)mtasts_policy_builder_set_mode(b, MTASTS_MODE_ENFORCE);
	(void)mtasts_policy_builder_set_max_age(b, 86400);
	while (i < plen) {
		size_t j = i;
		char *pat;

		while (j < plen && patterns[j] != ' ')
			j++;
		pat = xstrndup(patterns + i, j - i);
		if (mtasts_policy_builder_add_mx(b, pat, NULL) != MTASTS_OK) {
			/* an invalid pattern never matches: leave it out */
		}
		free(pat);
		i = j + 1;
	}
	c->rows = realloc(c->rows, (c->n_rows + 1) * sizeof(*c->rows));
	if (!c->rows)
		exit(2);
	r = &c->rows[c->n_rows++];
	if (mtasts_policy_builder_build(b, &r->policy, NULL) != MTASTS_OK)
		r->policy = NULL;
	r->host = xstrndup(host, hlen);
	mtasts_policy_builder_free(b);
}

static void
split_lines(struct text **v, size_t *n, const char *buf, size_t len)
{
	size_t i, start;

	for (start = 0, i = 0; i < len; i++) {
		if (buf[i] == '\n') {
			add_text(v, n, buf + start, i - start);
			start = i + 1;
		}
	}
}

static void
load_corpus(struct corpus *c, const char *dir)
{
	char path[4096];
	FILE *f;

	size_t len, i, start;
	char *buf;
	const char *sep = "\n%%\n";

	buf = read_file(dir, "policies.txt", &len);
	for (start = 0, i = 0; i + 4 <= len; i++) {
		if (memcmp(buf + i, sep, 4) == 0) {
			add_text(&c->policies, &c->n_policies, buf + start,
			         i - start);
			start = i + 4;
			i += 3;
		}
	}
	free(buf);

	buf = read_file(dir, "txt-records.txt", &len);
	split_lines(&c->records, &c->n_records, buf, len);
	free(buf);

	snprintf(path, sizeof(path), "%s/tlsrpt-records.txt", dir);
	f = fopen(path, "rb");
	if (f) {
		fclose(f);
		buf = read_file(dir, "tlsrpt-records.txt", &len);
		split_lines(&c->tlsrpt, &c->n_tlsrpt, buf, len);
		free(buf);
	}

	buf = read_file(dir, "mx-match.tsv", &len);
	for (start = 0, i = 0; i < len; i++) {
		if (buf[i] == '\n') {
			char *line = buf + start, *t1, *t2;
			size_t ll = i - start;

			t1 = memchr(line, '\t', ll);
			t2 = t1 ? memchr(t1 + 1, '\t',
			                 ll - (size_t)(t1 + 1 - line))
			        : NULL;
			if (t1 && t2)
				add_row(c, line, (size_t)(t1 - line), t1 + 1,
				        (size_t)(t2 - t1 - 1));
			start = i + 1;
		}
	}
	free(buf);
}

/* ---- generated corpus ------------------------------------------------------- */

static unsigned long rng = 12345;

static unsigned int
rnd(unsigned int n)
{
	rng = rng * 6364136223846793005UL + 1442695040888963407UL;
	return (unsigned int)((rng >> 33) % n);
}

static const char *const words[] = {
	"mx",    "mail", "smtp", "in",      "edge",
	"relay", "mta",  "gw",   "inbound", "box"
};
static const char *const tlds[] = { "com", "net", "org", "de", "io", "co.uk" };

static void
gen_domain(char *out, size_t size)
{
	snprintf(out, size, "%s%u.%s", words[rnd(10)], rnd(100), tlds[rnd(6)]);
}

/* Typical published TLSRPTv1 records: one mailto (most), one https, or
 * both; a few with whitespace around ',' or a final ';'. */
static void
gen_tlsrpt(struct corpus *c)
{
	char buf[512], dom[64];
	size_t i;

	for (i = 0; i < 1000; i++) {
		unsigned int kind = rnd(10);
		int o;

		gen_domain(dom, sizeof(dom));
		if (kind < 7)
			o = snprintf(buf, sizeof(buf),
			             "v=TLSRPTv1;%srua=mailto:tlsrpt@%s%s",
			             rnd(2) ? " " : "", dom, rnd(4) ? "" : ";");
		else if (kind < 9)
			o = snprintf(
			        buf, sizeof(buf),
			        "v=TLSRPTv1; rua=https://tlsrpt.%s/v1/report",
			        dom);
		else
			o = snprintf(buf, sizeof(buf),
			             "v=TLSRPTv1; rua=mailto:tls@%s, "
			             "https://reports.%s/tlsrpt",
			             dom, dom);
		add_text(&c->tlsrpt, &c->n_tlsrpt, buf, (size_t)o);
	}
}

static void
gen_corpus(struct corpus *c)
{
	char buf[2048], dom[64], host[128];
	size_t i, k;

	for (i = 0; i < 1000; i++) {
		const char *eol = rnd(3) ? "\n" : "\r\n";
		unsigned int nmx = 1 + rnd(6),
		             defect = rnd(4) == 0 ? rnd(4) : 9;
		int o = 0;

		gen_domain(dom, sizeof(dom));
		o += snprintf(buf + o, sizeof(buf) - (size_t)o,
		              "version: STSv1%smode: %s%s", eol,
		              defect == 0 ? "Enforce"
		                          : (rnd(2) ? "enforce" : "testing"),
		              eol);
		for (k = 0; k < nmx; k++)
			o += snprintf(buf + o, sizeof(buf) - (size_t)o,
			              "mx: %s%s.%s%s%s", rnd(3) ? "" : "*.",
			              words[rnd(10)], dom,
			              defect == 1 && k == 0 ? "." : "", eol);
		o += snprintf(buf + o, sizeof(buf) - (size_t)o, "max_age: %u%s",
		              defect == 2 ? 99999999u : 86400u * (1 + rnd(365)),
		              rnd(2) ? eol : "");
		add_text(&c->policies, &c->n_policies, buf, (size_t)o);
	}
	for (i = 0; i < 1000; i++) {
		unsigned int defect = rnd(4) == 0 ? rnd(3) : 9;
		int o = snprintf(buf, sizeof(buf), "v=STSv1;%sid=%s%u%s",
		                 rnd(2) ? " " : "", defect == 0 ? "a-" : "2024",
		                 rnd(100000000), defect == 1 ? " " : ";");

		add_text(&c->records, &c->n_records, buf, (size_t)o);
	}
	for (i = 0; i < 2000; i++) {
		char pats[512];
		int o = 0;
		unsigned int n = 1 + rnd(5);

		gen_domain(dom, sizeof(dom));
		for (k = 0; k < n; k++)
			o += snprintf(pats + o, sizeof(pats) - (size_t)o,
			              "%s%s%s.%s", k ? " " : "",
			              rnd(3) ? "" : "*.", words[rnd(10)], dom);
		snprintf(host, sizeof(host), "%s.%s%s", words[rnd(10)],
		         rnd(4) ? dom : "other.example", rnd(5) ? "" : ".");
		add_row(c, pats, (size_t)o, host, strlen(host));
	}
}

/* ---- timing ----------------------------------------------------------------- */

static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static volatile size_t sink;

static void
run_policies(const struct corpus *c)
{
	size_t i;

	for (i = 0; i < c->n_policies; i++) {
		mtasts_policy *p;

		if (mtasts_policy_parse(&p, c->policies[i].p, c->policies[i].n,
		                        0, NULL) == MTASTS_OK) {
			sink += mtasts_policy_mx_count(p);
			mtasts_policy_free(p);
		}
	}
}

static void
run_records(const struct corpus *c)
{
	size_t i;

	for (i = 0; i < c->n_records; i++) {
		mtasts_record *r;

		if (mtasts_record_parse(&r, c->records[i].p, c->records[i].n, 0,
		                        NULL) == MTASTS_OK) {
			sink += mtasts_record_extension_count(r);
			mtasts_record_free(r);
		}
	}
}

static void
run_tlsrpt(const struct corpus *c)
{
	size_t i;

	for (i = 0; i < c->n_tlsrpt; i++) {
		mtasts_tlsrpt *r;

		if (mtasts_tlsrpt_parse(&r, c->tlsrpt[i].p, c->tlsrpt[i].n, 0,
		                        NULL) == MTASTS_OK) {
			sink += mtasts_tlsrpt_rua_count(r);
			mtasts_tlsrpt_free(r);
		}
	}
}

static void
run_rows(const struct corpus *c)
{
	size_t i;

	for (i = 0; i < c->n_rows; i++)
		sink += (size_t)mtasts_policy_match(c->rows[i].policy,
		                                    c->rows[i].host, NULL);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void
measure(const char *what, void (*fn)(const struct corpus *),
        const struct corpus *c, size_t inputs, int passes)
{
	double t[64], t0, per;
	unsigned long reps = 1;
	int p;

	/* warm up and find a repetition count giving ~20 ms per pass */
	for (;;) {
		unsigned long r;

		t0 = now_ns();
		for (r = 0; r < reps; r++)
			fn(c);
		if (now_ns() - t0 > 2e7 || reps > (1ul << 24))
			break;
		reps *= 2;
	}
	for (p = 0; p < passes; p++) {
		unsigned long r;

		t0 = now_ns();
		for (r = 0; r < reps; r++)
			fn(c);
		t[p] = (now_ns() - t0) / ((double)reps * (double)inputs);
	}
	qsort(t, (size_t)passes, sizeof(t[0]), cmp_double);
	per = t[passes / 2];

	alloc_count = 0;
	counting = 1;
	fn(c);
	counting = 0;
	if (HAVE_ALLOC_COUNT)
		printf("{\"what\": \"%s\", \"inputs\": %zu, \"ns_per_op\": %.1f, "
		       "\"allocs_per_op\": %.2f}\n",
		       what, inputs, per, (double)alloc_count / (double)inputs);
	else
		printf("{\"what\": \"%s\", \"inputs\": %zu, \"ns_per_op\": %.1f, "
		       "\"allocs_per_op\": null}\n",
		       what, inputs, per);
	fflush(stdout);
}

static void
usage(FILE *f)
{
	fprintf(f,
	        "usage: mtasts-bench [--corpus DIR] [--passes N] "
	        "[--only policy_parse|record_parse|mx_match|tlsrpt_parse]\n");
}

int
main(int argc, char **argv)
{
	struct corpus c;
	const char *dir = NULL, *only = NULL;
	int passes = 11, i;

	memset(&c, 0, sizeof(c));
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--corpus") == 0 && i + 1 < argc) {
			dir = argv[++i];
		} else if (strcmp(argv[i], "--passes") == 0 && i + 1 < argc) {
			passes = atoi(argv[++i]);
			if (passes < 1 || passes > 64) {
				usage(stderr);
				return 2;
			}
		} else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
			only = argv[++i];
		} else if (strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (dir)
		load_corpus(&c, dir);
	else
		gen_corpus(&c);
	if (!c.n_tlsrpt)
		gen_tlsrpt(&c);
	if (!c.n_policies || !c.n_records || !c.n_rows) {
		fprintf(stderr, "mtasts-bench: empty corpus\n");
		return 2;
	}
	if (!only || strcmp(only, "policy_parse") == 0)
		measure("policy_parse", run_policies, &c, c.n_policies, passes);
	if (!only || strcmp(only, "record_parse") == 0)
		measure("record_parse", run_records, &c, c.n_records, passes);
	if (!only || strcmp(only, "mx_match") == 0)
		measure("mx_match", run_rows, &c, c.n_rows, passes);
	if (!only || strcmp(only, "tlsrpt_parse") == 0)
		measure("tlsrpt_parse", run_tlsrpt, &c, c.n_tlsrpt, passes);
	return 0;
}
