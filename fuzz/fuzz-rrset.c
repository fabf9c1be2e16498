/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for TXT RRset selection: mtasts_record_select() on the
 * joined texts against mtasts_record_select_rdata() on the same RRs in DNS
 * wire form (RFC 8461 §3.1, R-05…R-07); with byte 0 bit 6, the same for
 * TLSRPTv1 records, mtasts_tlsrpt_select() against
 * mtasts_tlsrpt_select_rdata() (RFC 8460 §3, T-06…T-08).
 *
 * Input: two header bytes, then the RR texts separated by LF (so an RR
 * text never contains LF; fuzz-record covers that byte). No bytes after
 * the header means an empty RRset.
 *   byte 0, bit 0  MTASTS_PARSE_LENIENT
 *           bit 1  no diagnostics lists
 *           bit 2  wire form: an empty character-string before each RR's
 *           bit 3  wire form: an empty character-string after each RR's
 *           bit 4  pass NULL for the selected index
 *           bit 5  pass NULL for the text of an empty RR
 *           bit 6  TLSRPTv1 records instead of STSv1 records
 *   byte 1  character-string size of the wire form, 1-255 (0 means 255)
 *
 * Both calls must give the same status, the same selected index, equal
 * records and identical diagnostics. The index must be the one a
 * reference implementation of the R-05 (T-06) filter finds, and the status
 * that of mtasts_record_parse() (mtasts_tlsrpt_parse()) on that RR.
 */
#include "fuzz.h"

#define FLAG_LENIENT 0x01u
#define FLAG_NO_DIAG 0x02u
#define FLAG_EMPTY_BEFORE 0x04u
#define FLAG_EMPTY_AFTER 0x08u
#define FLAG_NO_SELECTED 0x10u
#define FLAG_NULL_EMPTY 0x20u
#define FLAG_TLSRPT 0x40u

/*
 * One record family: its version tag and its entry points, behind void *
 * (each wrapper presets *out to FUZZ_SENTINEL, so an out-parameter the
 * library leaves alone shows).
 */
struct family {
	const char *tag; /* "v=STSv1" */
	int (*select)(void **out, size_t *selected, const char *const *rrs,
	              const size_t *lens, size_t count, unsigned int flags,
	              mtasts_diag *diag);
	int (*select_rdata)(void **out, size_t *selected,
	                    const unsigned char *const *rdata,
	                    const size_t *lens, size_t count,
	                    unsigned int flags, mtasts_diag *diag);
	int (*parse)(void **out, const char *text, size_t len,
	             unsigned int flags);
	int (*equal)(const void *a, const void *b);
	void (*release)(void *r);
};

static int
sts_select(void **out, size_t *selected, const char *const *rrs,
           const size_t *lens, size_t count, unsigned int flags,
           mtasts_diag *diag)
{
	mtasts_record *r = FUZZ_SENTINEL;
	int st = mtasts_record_select(&r, selected, rrs, lens, count, flags,
	                              diag);

	*out = r;
	return st;
}

static int
sts_select_rdata(void **out, size_t *selected,
                 const unsigned char *const *rdata, const size_t *lens,
                 size_t count, unsigned int flags, mtasts_diag *diag)
{
	mtasts_record *r = FUZZ_SENTINEL;
	int st = mtasts_record_select_rdata(&r, selected, rdata, lens, count,
	                                    flags, diag);

	*out = r;
	return st;
}

static int
sts_parse(void **out, const char *text, size_t len, unsigned int flags)
{
	mtasts_record *r = FUZZ_SENTINEL;
	int st = mtasts_record_parse(&r, text, len, flags, NULL);

	*out = r;
	return st;
}

static int
sts_equal(const void *a, const void *b)
{
	return mtasts_record_equal(a, b);
}

static void
sts_free(void *r)
{
	mtasts_record_free(r);
}

static int
tls_select(void **out, size_t *selected, const char *const *rrs,
           const size_t *lens, size_t count, unsigned int flags,
           mtasts_diag *diag)
{
	mtasts_tlsrpt *r = FUZZ_SENTINEL;
	int st = mtasts_tlsrpt_select(&r, selected, rrs, lens, count, flags,
	                              diag);

	*out = r;
	return st;
}

static int
tls_select_rdata(void **out, size_t *selected,
                 const unsigned char *const *rdata, const size_t *lens,
                 size_t count, unsigned int flags, mtasts_diag *diag)
{
	mtasts_tlsrpt *r = FUZZ_SENTINEL;
	int st = mtasts_tlsrpt_select_rdata(&r, selected, rdata, lens, count,
	                                    flags, diag);

	*out = r;
	return st;
}

static int
tls_parse(void **out, const char *text, size_t len, unsigned int flags)
{
	mtasts_tlsrpt *r = FUZZ_SENTINEL;
	int st = mtasts_tlsrpt_parse(&r, text, len, flags, NULL);

	*out = r;
	return st;
}

static int
tls_equal(const void *a, const void *b)
{
	return mtasts_tlsrpt_equal(a, b);
}

static void
tls_free(void *r)
{
	mtasts_tlsrpt_free(r);
}

static const struct family sts = {
	.tag = "v=STSv1",
	.select = sts_select,
	.select_rdata = sts_select_rdata,
	.parse = sts_parse,
	.equal = sts_equal,
	.release = sts_free,
};

static const struct family tlsrpt = {
	.tag = "v=TLSRPTv1",
	.select = tls_select,
	.select_rdata = tls_select_rdata,
	.parse = tls_parse,
	.equal = tls_equal,
	.release = tls_free,
};

static int
is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

/* Outer whitespace: all of it before the text; after it, unless it follows
 * a final ';' (the grammar allows that trailing delimiter). */
static void
trim_wsp(const char *t, size_t *b, size_t *e)
{
	size_t x = *e;

	while (*b < *e && is_wsp(t[*b]))
		(*b)++;
	while (x > *b && is_wsp(t[x - 1]))
		x--;
	if (!(x > *b && t[x - 1] == ';'))
		*e = x;
}

/*
 * Reference R-05 filter (A-01; T-06, TA-02): the text begins with the tag
 * ("v=STSv1" or "v=TLSRPTv1") *WSP ";". Lenient (mtasts.h,
 * MTASTS_PARSE_LENIENT): first drop outer whitespace and one pair of
 * double quotes around the text (and whitespace inside them), and accept
 * "V=". An RR longer than MTASTS_RECORD_MAX_SIZE is judged by its first
 * MTASTS_RECORD_MAX_SIZE bytes, strictly (mtasts.h, mtasts_record_select()).
 */
static int
ref_candidate(const char *t, size_t n, int lenient, const char *tag)
{
	size_t b = 0, e = n, i, tl = strlen(tag);

	if (n > MTASTS_RECORD_MAX_SIZE) {
		e = MTASTS_RECORD_MAX_SIZE;
		lenient = 0;
	}
	if (lenient) {
		trim_wsp(t, &b, &e);
		if (e - b >= 2 && t[b] == '"' && t[e - 1] == '"') {
			b++;
			e--;
			trim_wsp(t, &b, &e);
		}
	}
	if (e - b < tl || !(t[b] == 'v' || (lenient && t[b] == 'V')) ||
	    memcmp(t + b + 1, tag + 1, tl - 1) != 0)
		return 0;
	for (i = b + tl; i < e && is_wsp(t[i]); i++)
		;
	return i < e && t[i] == ';';
}

/* Every diagnostic is about one of the count RRs, or about none (line 0). */
static void
lines_in_range(const mtasts_diag *d, size_t count)
{
	size_t i;

	for (i = 0; i < mtasts_diag_count(d); i++)
		FUZZ_ASSERT(mtasts_diag_line(d, i) <= count,
		            "diagnostic %zu (%s) on RR %u of %zu", i,
		            mtasts_diag_code_name(mtasts_diag_code(d, i)),
		            mtasts_diag_line(d, i), count);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned int opt, flags;
	size_t chunk, count = 0, i, pos, ncand = 0, cand = MTASTS_NO_INDEX;
	size_t sel_t = 777, sel_w = 888, *sel_tp, *sel_wp;
	const char *body;
	size_t blen;
	const char **texts;
	size_t *tlens, *wlens;
	const unsigned char **wires;
	const struct family *fam;
	void *rt, *rw;
	mtasts_diag *dt = NULL, *dw = NULL;
	int st_t, st_w;

	if (size < 2)
		return 0;
	opt = data[0];
	flags = (opt & FLAG_LENIENT) ? MTASTS_PARSE_LENIENT : 0;
	fam = (opt & FLAG_TLSRPT) ? &tlsrpt : &sts;
	chunk = data[1] ? data[1] : 255;
	body = (const char *)data + 2;
	blen = size - 2;

	if (blen) {
		count = 1;
		for (i = 0; i < blen; i++)
			if (body[i] == '\n')
				count++;
	}
	texts = calloc(count + 1, sizeof(*texts));
	tlens = calloc(count + 1, sizeof(*tlens));
	wires = calloc(count + 1, sizeof(*wires));
	wlens = calloc(count + 1, sizeof(*wlens));
	FUZZ_ASSERT(texts && tlens && wires && wlens, "out of memory");
	for (i = 0, pos = 0; i < count; i++) {
		const char *nl = memchr(body + pos, '\n', blen - pos);
		size_t end = nl ? (size_t)(nl - body) : blen;

		tlens[i] = end - pos;
		/* exact-size copies, so that an over-read is caught; an
		 * empty RR is NULL or a pointer to nothing readable */
		if (tlens[i])
			texts[i] = fuzz_memdup(body + pos, tlens[i]);
		else if (!(opt & FLAG_NULL_EMPTY))
			texts[i] = (const char *)FUZZ_SENTINEL + 1;
		wires[i] =
		        fuzz_to_wire(body + pos, tlens[i], chunk,
		                     (opt & FLAG_EMPTY_BEFORE) != 0,
		                     (opt & FLAG_EMPTY_AFTER) != 0, &wlens[i]);
		if (ref_candidate(body + pos, tlens[i], flags != 0, fam->tag) &&
		    ncand++ == 0)
			cand = i;
		pos = end + 1;
	}

	if (!(opt & FLAG_NO_DIAG)) {
		dt = fuzz_diag_new();
		dw = fuzz_diag_new();
	}
	sel_tp = (opt & FLAG_NO_SELECTED) ? NULL : &sel_t;
	sel_wp = (opt & FLAG_NO_SELECTED) ? NULL : &sel_w;
	st_t = fam->select(&rt, sel_tp, texts, tlens, count, flags, dt);
	st_w = fam->select_rdata(&rw, sel_wp, wires, wlens, count, flags, dw);

	FUZZ_ASSERT(st_t == st_w, "status %s from the texts, %s from the RDATA",
	            mtasts_status_name(st_t), mtasts_status_name(st_w));
	FUZZ_ASSERT(sel_tp == NULL || sel_t == sel_w,
	            "index %zu from the texts, %zu from the RDATA", sel_t,
	            sel_w);
	if (dt) {
		fuzz_check_diag(dt, st_t, NULL, 0, FUZZ_POS_NONE, 0);
		fuzz_check_diag(dw, st_w, NULL, 0, FUZZ_POS_NONE, 0);
		fuzz_same_diag(dt, dw, 1, "texts", "RDATA");
		lines_in_range(dt, count);
	}

	if (count > MTASTS_RRSET_MAX) {
		FUZZ_ASSERT(st_t == MTASTS_ETOOLARGE, "%zu RRs: %s", count,
		            mtasts_status_name(st_t));
		cand = MTASTS_NO_INDEX;
	} else if (ncand == 0) {
		FUZZ_ASSERT(st_t == MTASTS_ENORECORD,
		            "no candidate by the reference filter, status %s "
		            "index %zu",
		            mtasts_status_name(st_t), sel_t);
	} else if (ncand > 1) {
		FUZZ_ASSERT(st_t == MTASTS_EMULTIPLE,
		            "%zu candidates by the reference filter, status %s",
		            ncand, mtasts_status_name(st_t));
		cand = MTASTS_NO_INDEX;
	} else {
		/* exactly one: the status is that of parsing it */
		void *one;
		int st1 = fam->parse(&one, texts[cand], tlens[cand], flags);

		FUZZ_ASSERT(st1 == st_t,
		            "selected RR %zu parses with %s, selection gave %s",
		            cand, mtasts_status_name(st1),
		            mtasts_status_name(st_t));
		if (st1 == MTASTS_OK)
			FUZZ_ASSERT(fam->equal(one, rt),
			            "selection and parse give other records");
		fam->release(one);
	}
	FUZZ_ASSERT(sel_tp == NULL || sel_t == cand,
	            "selected index %zu, the reference filter says %zu", sel_t,
	            cand);

	if (st_t == MTASTS_OK) {
		FUZZ_ASSERT(rt != NULL && rw != NULL && fam->equal(rt, rw),
		            "other records from the texts and the RDATA");
	} else {
		FUZZ_ASSERT(st_t < 0 && rt == NULL && rw == NULL,
		            "failure %d without *out = NULL", st_t);
	}

	fam->release(rt);
	fam->release(rw);
	mtasts_diag_free(dt);
	mtasts_diag_free(dw);
	for (i = 0; i < count; i++) {
		if (tlens[i])
			free((char *)texts[i]);
		free((unsigned char *)wires[i]);
	}
	free(texts);
	free(tlens);
	free(wires);
	free(wlens);
	return 0;
}
