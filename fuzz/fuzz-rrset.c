/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for TXT RRset selection: mtasts_record_select() on the
 * joined texts against mtasts_record_select_rdata() on the same RRs in DNS
 * wire form (RFC 8461 §3.1, R-05…R-07).
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
 *   byte 1  character-string size of the wire form, 1-255 (0 means 255)
 *
 * Both calls must give the same status, the same selected index, equal
 * records and identical diagnostics. The index must be the one a
 * reference implementation of the R-05 filter finds, and the status that
 * of mtasts_record_parse() on that RR.
 */
#include "fuzz.h"

#define FLAG_LENIENT 0x01u
#define FLAG_NO_DIAG 0x02u
#define FLAG_EMPTY_BEFORE 0x04u
#define FLAG_EMPTY_AFTER 0x08u
#define FLAG_NO_SELECTED 0x10u
#define FLAG_NULL_EMPTY 0x20u

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
 * Reference R-05 filter: the text begins with "v=STSv1" *WSP ";".
 * Lenient (mtasts.h, MTASTS_PARSE_LENIENT): first drop outer whitespace
 * and one pair of double quotes around the text (and whitespace inside
 * them), and accept "V=". An RR longer than MTASTS_RECORD_MAX_SIZE is
 * judged by its first MTASTS_RECORD_MAX_SIZE bytes, strictly (mtasts.h,
 * mtasts_record_select()).
 */
static int
ref_candidate(const char *t, size_t n, int lenient)
{
	size_t b = 0, e = n, i;

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
	if (e - b < 7 || !(t[b] == 'v' || (lenient && t[b] == 'V')) ||
	    memcmp(t + b + 1, "=STSv1", 6) != 0)
		return 0;
	for (i = b + 7; i < e && is_wsp(t[i]); i++)
		;
	return i < e && t[i] == ';';
}

/* RDATA for text t[0..n): character-strings of at most chunk bytes. */
static unsigned char *
to_wire(const char *t, size_t n, size_t chunk, unsigned int opt, size_t *wlen)
{
	size_t cap = n + n / chunk + 3, w = 0, i;
	unsigned char *r = malloc(cap);

	FUZZ_ASSERT(r != NULL, "out of memory");
	if (opt & FLAG_EMPTY_BEFORE)
		r[w++] = 0;
	for (i = 0; i < n; i += chunk) {
		size_t k = n - i < chunk ? n - i : chunk;

		r[w++] = (unsigned char)k;
		memcpy(r + w, t + i, k);
		w += k;
	}
	if (opt & FLAG_EMPTY_AFTER)
		r[w++] = 0;
	if (w == 0)
		r[w++] = 0; /* an empty text is one empty character-string */
	FUZZ_ASSERT(w <= cap, "wire buffer overflow in the harness");
	*wlen = w;
	return r;
}

static void
same_diag(const mtasts_diag *a, const mtasts_diag *b, size_t count)
{
	size_t i, n = mtasts_diag_count(a);

	FUZZ_ASSERT(n == mtasts_diag_count(b),
	            "%zu diagnostics from the texts, %zu from the RDATA", n,
	            mtasts_diag_count(b));
	for (i = 0; i < n; i++) {
		FUZZ_ASSERT(mtasts_diag_code(a, i) == mtasts_diag_code(b, i) &&
		                    mtasts_diag_severity(a, i) ==
		                            mtasts_diag_severity(b, i) &&
		                    mtasts_diag_line(a, i) ==
		                            mtasts_diag_line(b, i) &&
		                    mtasts_diag_column(a, i) ==
		                            mtasts_diag_column(b, i) &&
		                    mtasts_diag_offset(a, i) ==
		                            mtasts_diag_offset(b, i) &&
		                    strcmp(mtasts_diag_message(a, i),
		                           mtasts_diag_message(b, i)) == 0,
		            "diagnostic %zu differs:\n text: %s %u:%u %s\n "
		            "wire: %s %u:%u %s",
		            i, mtasts_diag_code_name(mtasts_diag_code(a, i)),
		            mtasts_diag_line(a, i), mtasts_diag_column(a, i),
		            mtasts_diag_message(a, i),
		            mtasts_diag_code_name(mtasts_diag_code(b, i)),
		            mtasts_diag_line(b, i), mtasts_diag_column(b, i),
		            mtasts_diag_message(b, i));
		FUZZ_ASSERT(mtasts_diag_line(a, i) <= count,
		            "diagnostic %zu (%s) on RR %u of %zu", i,
		            mtasts_diag_code_name(mtasts_diag_code(a, i)),
		            mtasts_diag_line(a, i), count);
	}
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
	mtasts_record *rt = FUZZ_SENTINEL, *rw = FUZZ_SENTINEL;
	mtasts_diag *dt = NULL, *dw = NULL;
	int st_t, st_w;

	if (size < 2)
		return 0;
	opt = data[0];
	flags = (opt & FLAG_LENIENT) ? MTASTS_PARSE_LENIENT : 0;
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
		wires[i] = to_wire(body + pos, tlens[i], chunk, opt, &wlens[i]);
		if (ref_candidate(body + pos, tlens[i], flags != 0) &&
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
	st_t = mtasts_record_select(&rt, sel_tp, texts, tlens, count, flags,
	                            dt);
	st_w = mtasts_record_select_rdata(&rw, sel_wp, wires, wlens, count,
	                                  flags, dw);

	FUZZ_ASSERT(st_t == st_w, "status %s from the texts, %s from the RDATA",
	            mtasts_status_name(st_t), mtasts_status_name(st_w));
	FUZZ_ASSERT(sel_tp == NULL || sel_t == sel_w,
	            "index %zu from the texts, %zu from the RDATA", sel_t,
	            sel_w);
	if (dt) {
		fuzz_check_diag(dt, st_t, NULL, 0, FUZZ_POS_NONE, 0);
		fuzz_check_diag(dw, st_w, NULL, 0, FUZZ_POS_NONE, 0);
		same_diag(dt, dw, count);
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
		mtasts_record *one = FUZZ_SENTINEL;
		int st1 = mtasts_record_parse(&one, texts[cand], tlens[cand],
		                              flags, NULL);

		FUZZ_ASSERT(st1 == st_t,
		            "selected RR %zu parses with %s, selection gave %s",
		            cand, mtasts_status_name(st1),
		            mtasts_status_name(st_t));
		if (st1 == MTASTS_OK)
			FUZZ_ASSERT(mtasts_record_equal(one, rt),
			            "selection and parse give other records");
		mtasts_record_free(one);
	}
	FUZZ_ASSERT(sel_tp == NULL || sel_t == cand,
	            "selected index %zu, the reference filter says %zu", sel_t,
	            cand);

	if (st_t == MTASTS_OK) {
		FUZZ_ASSERT(rt != NULL && rw != NULL &&
		                    mtasts_record_equal(rt, rw),
		            "other records from the texts and the RDATA");
	} else {
		FUZZ_ASSERT(st_t < 0 && rt == NULL && rw == NULL,
		            "failure %d without *out = NULL", st_t);
	}

	mtasts_record_free(rt);
	mtasts_record_free(rw);
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
