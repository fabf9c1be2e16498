/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: mtasts__dns_parse(), the reader of DNS response messages
 * received from the network (RFC 1035 §4; lib/dnsmsg.c). The first byte
 * chooses the record type asked for; the rest is the message, read for
 * the name "_mta-sts.example.com" (the question a real lookup asks).
 * Oracles:
 *   - the outcome is a known mtasts_dns_result, the internal loop result
 *     or MTASTS_ENOMEM;
 *   - records are stored only with MTASTS_DNS_OK, never more than
 *     MTASTS_RRSET_MAX, each within the message's size;
 *   - MX hosts and addresses are NUL-terminated printable text;
 *   - the CNAME budget never underflows;
 *   - a name to ask next is given only with NODATA and is a short,
 *     printable name.
 */
#include "fuzz.h"

#include "net.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int types[] = { MTASTS_RRTYPE_TXT, MTASTS_RRTYPE_MX,
		                     MTASTS_RRTYPE_A, MTASTS_RRTYPE_AAAA };
	struct mtasts_dns_reply r;
	char next[256] = "";
	unsigned int cnames = 8;
	size_t i, k;
	int type, res;

	if (size < 1)
		return 0;
	type = types[data[0] % 4];
	mtasts__dns_reply_init(&r, type);
	res = mtasts__dns_parse(data + 1, size - 1, "_mta-sts.example.com",
	                        type, &r, next, &cnames);
	FUZZ_ASSERT((res >= MTASTS_DNS_OK && res <= MTASTS_DNS_ERROR) ||
	                    res == MTASTS__DNS_LOOP || res == MTASTS_ENOMEM,
	            "unknown result %d", res);
	FUZZ_ASSERT(cnames <= 8, "CNAME budget underflow: %u", cnames);
	FUZZ_ASSERT(r.n == 0 || res == MTASTS_DNS_OK || res == MTASTS_ENOMEM,
	            "%zu records with result %d", r.n, res);
	FUZZ_ASSERT(r.n <= MTASTS_RRSET_MAX, "%zu records", r.n);
	FUZZ_ASSERT(next[0] == '\0' || res == MTASTS_DNS_NODATA,
	            "a next name with result %d", res);
	FUZZ_ASSERT(strlen(next) < 255, "next name too long");
	for (i = 0; next[i]; i++)
		FUZZ_ASSERT(next[i] > 0x20 && next[i] <= 0x7F,
		            "next name byte 0x%02x", (unsigned char)next[i]);
	for (k = 0; k < r.n; k++) {
		FUZZ_ASSERT(r.rr[k].len < size,
		            "record %zu longer than the "
		            "message",
		            k);
		FUZZ_ASSERT(r.rr[k].data[r.rr[k].len] == '\0',
		            "record %zu not terminated", k);
		if (type == MTASTS_RRTYPE_TXT)
			continue;
		FUZZ_ASSERT(strlen((const char *)r.rr[k].data) == r.rr[k].len,
		            "text record %zu with a NUL", k);
		for (i = 0; i < r.rr[k].len; i++)
			FUZZ_ASSERT(r.rr[k].data[i] > 0x20 &&
			                    r.rr[k].data[i] <= 0x7F,
			            "record %zu byte 0x%02x", k,
			            r.rr[k].data[i]);
		if (type == MTASTS_RRTYPE_MX)
			FUZZ_ASSERT(r.rr[k].pref <= 65535, "preference %u",
			            r.rr[k].pref);
	}
	mtasts__dns_reply_clear(&r);
	return 0;
}
