/* SPDX-License-Identifier: MIT */
/*
 * The network backend of a build without libcurl and c-ares (meson
 * option net=disabled). Contexts, callbacks, discovery through an
 * application's resolver and fetch through an application's fetcher all
 * work; only the library's own transports answer MTASTS_ENOTSUP.
 */
#include "net.h"

int
mtasts_net_available(void)
{
	return 0;
}

int
mtasts__net_init(void)
{
	return MTASTS_OK;
}

int
mtasts__dns_query(const mtasts_ctx *ctx, const char *name, int rrtype,
                  unsigned char **msg, size_t *len)
{
	(void)ctx;
	(void)name;
	(void)rrtype;
	*msg = NULL;
	*len = 0;
	return MTASTS_ENOTSUP;
}

int
mtasts__http_get(const mtasts_ctx *ctx, const char *url, const char *host,
                 struct mtasts_http_reply *r, int *code)
{
	(void)ctx;
	(void)url;
	(void)host;
	(void)r;
	*code = 0;
	return MTASTS_ENOTSUP;
}

int
mtasts__smtp_probe(const mtasts_ctx *ctx, const char *host,
                   struct mtasts_tls_probe *p, int *code)
{
	(void)ctx;
	(void)host;
	(void)p;
	*code = 0;
	return MTASTS_ENOTSUP;
}
