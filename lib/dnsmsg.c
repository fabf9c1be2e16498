/* SPDX-License-Identifier: MIT */
/*
 * DNS response messages (RFC 1035 §4), read without trusting a byte of
 * them: every length is checked against the message, compression pointers
 * are followed a bounded number of times, names are bounded to 255 bytes.
 * No network here; net.c feeds it what c-ares received.
 */
#include "net.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ANSWERS 512
#define MAX_POINTERS 64

/* Read the (possibly compressed) name at *pos into out as lower-case text
 * without a trailing dot. Bytes that cannot be part of a host name label
 * are replaced by 0x7F, so that such a name never equals one we asked
 * for. Returns 0, or -1 if the message is malformed. */
static int
read_name(const unsigned char *m, size_t len, size_t *pos, char out[256])
{
	size_t p = *pos, o = 0, end = 0;
	int jumped = 0, pointers = 0;

	for (;;) {
		unsigned int c;

		if (p >= len)
			return -1;
		c = m[p];
		if (c == 0) {
			p++;
			break;
		}
		if ((c & 0xC0) == 0xC0) {
			if (p + 1 >= len || ++pointers > MAX_POINTERS)
				return -1;
			if (!jumped)
				end = p + 2;
			jumped = 1;
			p = ((c & 0x3Fu) << 8) | m[p + 1];
			continue;
		}
		if (c & 0xC0)
			return -1; /* obsolete or unknown label type */
		if (p + 1 + c > len || o + c + 1 > 254)
			return -1;
		if (o)
			out[o++] = '.';
		for (p++; c--; p++) {
			unsigned char b = m[p];

			out[o++] = (b > 0x20 && b < 0x7F && b != '.')
			                   ? (char)MTASTS__LOWER(b)
			                   : (char)0x7F;
		}
	}
	out[o] = '\0';
	*pos = jumped ? end : p;
	return 0;
}

static unsigned int
u16(const unsigned char *p)
{
	return ((unsigned int)p[0] << 8) | p[1];
}

struct answer {
	char owner[256];
	unsigned int type;
	size_t rdata;
	size_t rdlen;
};

int
mtasts__dns_parse(const unsigned char *m, size_t len, const char *name,
                  int rrtype, struct mtasts_dns_reply *reply, char next[256],
                  unsigned int *cnames)
{
	struct answer *an;
	size_t qd, na, pos = 12, i, k, n0;
	char cur[256], tmp[256];
	unsigned int rcode;
	int res = MTASTS_DNS_NODATA, overflow0;

	next[0] = '\0';
	if (len < 12)
		return MTASTS_DNS_ERROR;
	rcode = m[3] & 0x0Fu;
	if (rcode == 3)
		return MTASTS_DNS_NXDOMAIN;
	if (rcode == 2 || rcode == 5)
		return MTASTS_DNS_SERVFAIL;
	if (rcode != 0 || !(m[2] & 0x80))
		return MTASTS_DNS_ERROR;
	qd = u16(m + 4);
	na = u16(m + 6);
	for (i = 0; i < qd; i++) {
		if (read_name(m, len, &pos, tmp) < 0 || pos + 4 > len)
			return MTASTS_DNS_ERROR;
		pos += 4;
	}
	if (na > MAX_ANSWERS)
		na = MAX_ANSWERS;
	an = malloc((na ? na : 1) * sizeof(*an));
	if (!an)
		return MTASTS_ENOMEM;
	for (k = 0; k < na; k++) {
		if (read_name(m, len, &pos, an[k].owner) < 0 ||
		    pos + 10 > len) {
			free(an);
			return MTASTS_DNS_ERROR;
		}
		an[k].type = u16(m + pos);
		/* class IN only (anything else is not for us) */
		if (u16(m + pos + 2) != 1)
			an[k].type = 0;
		an[k].rdlen = u16(m + pos + 8);
		an[k].rdata = pos + 10;
		pos += 10 + an[k].rdlen;
		if (pos > len) {
			free(an);
			return MTASTS_DNS_ERROR;
		}
	}

	/* Follow the CNAME chain inside the message. */
	snprintf(cur, sizeof(cur), "%s", name);
	for (;;) {
		for (k = 0; k < na; k++)
			if (an[k].type == 5 && strcmp(an[k].owner, cur) == 0)
				break;
		if (k == na)
			break;
		if (*cnames == 0) {
			free(an);
			return MTASTS__DNS_LOOP;
		}
		(*cnames)--;
		pos = an[k].rdata;
		if (read_name(m, len, &pos, cur) < 0 ||
		    pos != an[k].rdata + an[k].rdlen) {
			free(an);
			return MTASTS_DNS_ERROR;
		}
	}

	n0 = reply->n;
	overflow0 = reply->overflow;
	for (k = 0; k < na && res != MTASTS_ENOMEM; k++) {
		const unsigned char *rd = m + an[k].rdata;
		char addr[64];
		int st = MTASTS_OK;

		if (an[k].type != (unsigned int)rrtype ||
		    strcmp(an[k].owner, cur) != 0)
			continue;
		switch (rrtype) {
		case MTASTS_RRTYPE_TXT:
			st = mtasts__dns_reply_push(reply, rd, an[k].rdlen, 0);
			break;
		case MTASTS_RRTYPE_MX:
			pos = an[k].rdata + 2;
			if (an[k].rdlen < 3 ||
			    read_name(m, len, &pos, tmp) < 0 ||
			    pos != an[k].rdata + an[k].rdlen) {
				res = MTASTS_DNS_ERROR;
				break;
			}
			st = mtasts__dns_reply_push(reply, tmp, strlen(tmp),
			                            u16(rd));
			break;
		case MTASTS_RRTYPE_A:
		case MTASTS_RRTYPE_AAAA:
			if (an[k].rdlen !=
			            (rrtype == MTASTS_RRTYPE_A ? 4u : 16u) ||
			    !inet_ntop(rrtype == MTASTS_RRTYPE_A ? AF_INET
			                                         : AF_INET6,
			               rd, addr, sizeof(addr))) {
				res = MTASTS_DNS_ERROR;
				break;
			}
			st = mtasts__dns_reply_push(reply, addr, strlen(addr),
			                            0);
			break;
		default:
			break;
		}
		if (res == MTASTS_DNS_ERROR)
			break;
		if (st == MTASTS_ENOMEM)
			res = MTASTS_ENOMEM;
		else if (st == MTASTS_OK)
			res = MTASTS_DNS_OK;
		/* past MTASTS_RRSET_MAX records reply->overflow is set and
		 * the rest are not stored */
	}
	free(an);
	/* A message with a bad record is refused whole: no record of it is
	 * kept (nor after an allocation failure). */
	if (res == MTASTS_DNS_ERROR || res == MTASTS_ENOMEM) {
		while (reply->n > n0)
			free(reply->rr[--reply->n].data);
		reply->overflow = overflow0;
	}
	if (res == MTASTS_DNS_NODATA && strcmp(cur, name) != 0)
		memcpy(next, cur, strlen(cur) + 1); /* ask for the target */
	return res;
}
