/* SPDX-License-Identifier: MIT */
/*
 * The per-domain cache.
 *
 * Every decision is taken by mtasts_cache_decide() on a mtasts_cache_entry,
 * and every change goes through mtasts_cache_entry_update() (or _store(),
 * _fail()): the RFC 8461 caching rules (digest §4, C1-C12) live in the
 * library only. What the daemon adds is how entries are kept between two
 * requests: a mtasts_cache_entry costs about 520 bytes of heap (measured:
 * a fixed 256-byte domain buffer, the policy copy and its allocations), so
 * 100 000 cached domains would need ~55 MB. Each domain is therefore kept
 * as a compact record (~80 bytes: the canonical policy text with its fixed
 * words replaced by one-byte codes) and made into a mtasts_cache_entry
 * again for each decision, which costs about 1 microsecond (one policy
 * parse). The cache file holds mtasts_cache_entry_serialize() texts.
 */
#include "policyd.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- records -------------------------------------------------------------- */

enum {
	R_POLICY = 1 << 0,   /* an entry with a policy */
	R_FAILURE = 1 << 1,  /* an entry with a failed fetch */
	R_TXT_SAME = 1 << 2, /* the TXT id equals the policy id */
	R_RAW = 1 << 3,      /* the policy text is not compressed */
	R_ENTRY = 1 << 4     /* the record holds an entry (not only TXT) */
};

/* Times are kept as unsigned 32-bit seconds (until 2106). */
struct pd_rec {
	uint32_t hash;
	uint32_t fetched_at;
	uint32_t txt_at;
	uint32_t refresh_at; /* mtasts_cache_decide()'s recheck_at */
	uint32_t pol_len;
	uint8_t flags;
	uint8_t txt_state;
	uint8_t dlen;
	uint8_t idlen;
	/* domain NUL, policy id NUL, [TXT id NUL], [failed_at u32,
	 * failures u32, failed id NUL], compressed policy */
	char data[];
};

/* Failures replayed into a rebuilt entry (mtasts_cache_entry_fail() only
 * counts up; the exact count is kept in the record for the logs). */
#define FAIL_REPLAY_MAX 16

/* ---- a small slab allocator: records are many and small ---------------------- */

#define SLAB_PAGE 65536
#define SLAB_MAX 512

struct slab_page {
	struct slab_page *next;
};

static struct {
	void *free[SLAB_MAX / 8];
	char *cur;
	size_t left;
	struct slab_page *pages;
} slab;

static void *
rec_alloc(size_t n)
{
	size_t c = (n + 7) / 8, sz = c * 8;
	void *p;

	if (sz > SLAB_MAX)
		return malloc(n);
	if (slab.free[c - 1]) {
		p = slab.free[c - 1];
		memcpy(&slab.free[c - 1], p, sizeof(void *));
		return p;
	}
	if (slab.left < sz) {
		struct slab_page *pg = malloc(SLAB_PAGE);

		if (!pg)
			return NULL;
		pg->next = slab.pages;
		slab.pages = pg;
		/* the page's tail is lost when a larger record comes; at most
		 * SLAB_MAX bytes per page */
		slab.cur = (char *)pg + 16;
		slab.left = SLAB_PAGE - 16;
	}
	p = slab.cur;
	slab.cur += sz;
	slab.left -= sz;
	return p;
}

static void
rec_release(void *p, size_t n)
{
	size_t c = (n + 7) / 8;

	if (!p)
		return;
	if (c * 8 > SLAB_MAX) {
		free(p);
		return;
	}
	memcpy(p, &slab.free[c - 1], sizeof(void *));
	slab.free[c - 1] = p;
}

/* ---- record fields --------------------------------------------------------- */

struct rec_view {
	const char *domain, *id, *txt_id, *failed_id;
	uint32_t failed_at, failures;
	const char *pol;
	size_t size; /* the whole record */
};

static void
rec_view(const struct pd_rec *r, struct rec_view *v)
{
	const char *p = r->data;

	v->domain = p;
	p += r->dlen + 1;
	v->id = p;
	p += r->idlen + 1;
	if (r->flags & R_TXT_SAME) {
		v->txt_id = v->id;
	} else {
		v->txt_id = p;
		p += strlen(p) + 1;
	}
	v->failed_at = v->failures = 0;
	v->failed_id = NULL;
	if (r->flags & R_FAILURE) {
		memcpy(&v->failed_at, p, 4);
		memcpy(&v->failures, p + 4, 4);
		v->failed_id = p + 8;
		p += 8 + strlen(p + 8) + 1;
	}
	v->pol = p;
	v->size = (size_t)(p - (const char *)r) + r->pol_len;
}

const char *
pd_rec_domain(const struct pd_rec *r)
{
	return r->data;
}

int64_t
pd_rec_refresh_at(const struct pd_rec *r)
{
	return r->refresh_at;
}

void
pd_rec_txt(const struct pd_rec *r, struct pd_txt *txt)
{
	struct rec_view v;

	rec_view(r, &v);
	txt->state = r->txt_state;
	txt->at = r->txt_at;
	snprintf(txt->id, sizeof(txt->id), "%s", v.txt_id);
}

static uint32_t
clamp32(int64_t t)
{
	if (t < 0)
		return 0;
	if (t > (int64_t)UINT32_MAX)
		return UINT32_MAX;
	return (uint32_t)t;
}

/* ---- policy text compression -------------------------------------------------- */

/* One-byte codes for the fixed words of a canonical policy (LF form). The
 * canonical form never holds these bytes: control characters are not
 * allowed in any policy value. */
enum {
	C_VERSION = 1, /* "version: STSv1\n" */
	C_NONE = 2,    /* "mode: none\n" */
	C_TESTING = 3, /* "mode: testing\n" */
	C_ENFORCE = 4, /* "mode: enforce\n" */
	C_MX = 5,      /* "mx: " */
	C_DOMAIN = 6,  /* "." DOMAIN "\n" */
	C_MAXAGE = 7   /* "max_age: " */
};

static const char *const words[] = {
	NULL,
	"version: STSv1\n",
	"mode: none\n",
	"mode: testing\n",
	"mode: enforce\n",
	"mx: ",
	NULL,
	"max_age: ",
};

static size_t
compress(const char *t, size_t n, const char *dom, size_t dl, char *out)
{
	size_t i = 0, o = 0;

	while (i < n) {
		const char *e = memchr(t + i, '\n', n - i);
		size_t ll = e ? (size_t)(e - (t + i)) + 1 : n - i, c;
		int done = 0;

		for (c = C_VERSION; c <= C_ENFORCE; c++)
			if (ll == strlen(words[c]) &&
			    memcmp(t + i, words[c], ll) == 0) {
				out[o++] = (char)c;
				done = 1;
				break;
			}
		if (done) {
			i += ll;
			continue;
		}
		if (ll > 4 && memcmp(t + i, "mx: ", 4) == 0) {
			size_t v = ll - 4 - (e ? 1 : 0);

			out[o++] = C_MX;
			if (e && v > dl + 1 &&
			    memcmp(t + i + 4 + v - dl, dom, dl) == 0 &&
			    t[i + 4 + v - dl - 1] == '.') {
				memcpy(out + o, t + i + 4, v - dl - 1);
				o += v - dl - 1;
				out[o++] = C_DOMAIN;
			} else {
				memcpy(out + o, t + i + 4, ll - 4);
				o += ll - 4;
			}
			i += ll;
			continue;
		}
		if (ll > 9 && memcmp(t + i, "max_age: ", 9) == 0) {
			out[o++] = C_MAXAGE;
			memcpy(out + o, t + i + 9, ll - 9);
			o += ll - 9;
			i += ll;
			continue;
		}
		memcpy(out + o, t + i, ll);
		o += ll;
		i += ll;
	}
	return o;
}

/* The length of the expanded text; writes it when out is not NULL. */
static size_t
expand(const char *c, size_t n, const char *dom, size_t dl, char *out)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)c[i];
		const char *w = ch < sizeof(words) / sizeof(words[0])
		                        ? words[ch]
		                        : NULL;

		if (ch == C_DOMAIN) {
			if (out) {
				out[o] = '.';
				memcpy(out + o + 1, dom, dl);
				out[o + 1 + dl] = '\n';
			}
			o += dl + 2;
		} else if (w && ch != 0) {
			if (out)
				memcpy(out + o, w, strlen(w));
			o += strlen(w);
		} else {
			if (out)
				out[o] = (char)ch;
			o++;
		}
	}
	return o;
}

/* ---- the hash table ---------------------------------------------------------- */

static struct {
	struct pd_rec **slot;
	size_t cap, count;
	int dirty;
} tab;

static uint32_t
hash_str(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 16777619u;
	}
	return h ? h : 1;
}

int
pd_store_init(void)
{
	tab.cap = 1024;
	tab.count = 0;
	tab.slot = calloc(tab.cap, sizeof(*tab.slot));
	return tab.slot ? MTASTS_OK : MTASTS_ENOMEM;
}

void
pd_store_free(void)
{
	struct slab_page *pg, *next;
	size_t i;
	struct rec_view v;

	for (i = 0; tab.slot && i < tab.cap; i++)
		if (tab.slot[i]) {
			rec_view(tab.slot[i], &v);
			if (v.size > SLAB_MAX)
				free(tab.slot[i]);
		}
	free(tab.slot);
	tab.slot = NULL;
	tab.cap = tab.count = 0;
	for (pg = slab.pages; pg; pg = next) {
		next = pg->next;
		free(pg);
	}
	memset(&slab, 0, sizeof(slab));
}

size_t
pd_store_count(void)
{
	return tab.count;
}

int
pd_store_dirty(void)
{
	return tab.dirty;
}

static size_t
find_slot(const char *domain, uint32_t h)
{
	size_t mask = tab.cap - 1, i = h & mask;

	while (tab.slot[i]) {
		if (tab.slot[i]->hash == h &&
		    strcmp(tab.slot[i]->data, domain) == 0)
			return i;
		i = (i + 1) & mask;
	}
	return i;
}

struct pd_rec *
pd_store_find(const char *domain)
{
	return tab.slot[find_slot(domain, hash_str(domain))];
}

static int
grow(void)
{
	size_t cap = tab.cap * 2, i, mask = cap - 1;
	struct pd_rec **s = calloc(cap, sizeof(*s));

	if (!s)
		return MTASTS_ENOMEM;
	for (i = 0; i < tab.cap; i++) {
		struct pd_rec *r = tab.slot[i];
		size_t j;

		if (!r)
			continue;
		for (j = r->hash & mask; s[j]; j = (j + 1) & mask)
			;
		s[j] = r;
	}
	free(tab.slot);
	tab.slot = s;
	tab.cap = cap;
	return MTASTS_OK;
}

static void
remove_slot(size_t i)
{
	size_t mask = tab.cap - 1, j = i;
	struct rec_view v;

	rec_view(tab.slot[i], &v);
	rec_release(tab.slot[i], v.size);
	tab.slot[i] = NULL;
	tab.count--;
	/* backward-shift deletion keeps the probe chains whole */
	for (;;) {
		size_t k;

		j = (j + 1) & mask;
		if (!tab.slot[j])
			break;
		k = tab.slot[j]->hash & mask;
		if ((j > i && (k <= i || k > j)) ||
		    (j < i && (k <= i && k > j))) {
			tab.slot[i] = tab.slot[j];
			tab.slot[j] = NULL;
			i = j;
		}
	}
}

void
pd_store_delete(const char *domain)
{
	size_t i = find_slot(domain, hash_str(domain));

	if (tab.slot[i]) {
		remove_slot(i);
		tab.dirty = 1;
	}
}

int
pd_store_put(const char *domain, const mtasts_cache_entry *e,
             const struct pd_txt *txt)
{
	char stackbuf[1024], *text = NULL, *cbuf = stackbuf, *p;
	const mtasts_policy *pol = e ? mtasts_cache_entry_policy(e) : NULL;
	const char *id = "", *fid = NULL, *tid;
	size_t dl = strlen(domain), tl = 0, cl = 0, il, tidl, fidl = 0, size, i;
	uint32_t h = hash_str(domain), failed_at = 0, failures = 0;
	int64_t recheck = 0;
	uint8_t flags = 0;
	struct pd_rec *r;

	if (dl == 0 || dl > MTASTS_HOST_MAX)
		return MTASTS_EINVAL;
	if (e) {
		int64_t now = pd_now();

		flags |= R_ENTRY;
		/* what mtasts_cache_decide() would say without new
		 * information, and until when: the refresh scanner looks at
		 * this time only */
		(void)mtasts_cache_decide(e, MTASTS_TXT_NOT_CHECKED, NULL, now,
		                          &recheck);
		if (mtasts_cache_entry_failed_id(e)) {
			flags |= R_FAILURE;
			fid = mtasts_cache_entry_failed_id(e);
			fidl = strlen(fid);
			failed_at = clamp32(mtasts_cache_entry_failed_at(e));
			failures = mtasts_cache_entry_failures(e);
		}
	}
	if (pol) {
		int st = mtasts_policy_format_alloc(pol, MTASTS_FORMAT_LF,
		                                    &text);

		if (st != MTASTS_OK)
			return st;
		flags |= R_POLICY;
		id = mtasts_cache_entry_id(e);
		tl = strlen(text);
		if (tl > sizeof(stackbuf)) {
			cbuf = malloc(tl);
			if (!cbuf) {
				mtasts_free(text);
				return MTASTS_ENOMEM;
			}
		}
		cl = compress(text, tl, domain, dl, cbuf);
		if (expand(cbuf, cl, domain, dl, NULL) != tl) {
			/* never expected: keep the text as it is */
			memcpy(cbuf, text, tl);
			cl = tl;
			flags |= R_RAW;
		}
	}
	il = strlen(id);
	tid = txt ? txt->id : "";
	if (!txt || txt->state != MTASTS_TXT_FOUND)
		tid = "";
	tidl = strlen(tid);
	if (tidl == il && memcmp(tid, id, il) == 0)
		flags |= R_TXT_SAME;
	size = offsetof(struct pd_rec, data) + dl + 1 + il + 1 +
	       ((flags & R_TXT_SAME) ? 0 : tidl + 1) +
	       ((flags & R_FAILURE) ? 8 + fidl + 1 : 0) + cl;
	r = rec_alloc(size);
	if (!r) {
		if (cbuf != stackbuf)
			free(cbuf);
		mtasts_free(text);
		return MTASTS_ENOMEM;
	}
	r->hash = h;
	r->fetched_at = pol ? clamp32(mtasts_cache_entry_fetched_at(e)) : 0;
	r->txt_at = txt ? clamp32(txt->at) : 0;
	r->txt_state = txt ? (uint8_t)txt->state : MTASTS_TXT_NOT_CHECKED;
	r->refresh_at = clamp32(recheck);
	r->pol_len = (uint32_t)cl;
	r->flags = flags;
	r->dlen = (uint8_t)dl;
	r->idlen = (uint8_t)il;
	p = r->data;
	memcpy(p, domain, dl + 1);
	p += dl + 1;
	memcpy(p, id, il + 1);
	p += il + 1;
	if (!(flags & R_TXT_SAME)) {
		memcpy(p, tid, tidl + 1);
		p += tidl + 1;
	}
	if (flags & R_FAILURE) {
		memcpy(p, &failed_at, 4);
		memcpy(p + 4, &failures, 4);
		memcpy(p + 8, fid, fidl + 1);
		p += 8 + fidl + 1;
	}
	memcpy(p, cbuf, cl);
	if (cbuf != stackbuf)
		free(cbuf);
	mtasts_free(text);

	i = find_slot(domain, h);
	if (tab.slot[i]) {
		struct rec_view v;

		rec_view(tab.slot[i], &v);
		rec_release(tab.slot[i], v.size);
		tab.slot[i] = r;
	} else {
		tab.slot[i] = r;
		tab.count++;
		if (tab.count * 5 > tab.cap * 4 && grow() != MTASTS_OK) {
			/* the table is still valid, only fuller */
			pd_log(PD_LOG_WARNING, "cannot grow the cache table");
		}
	}
	if (flags & R_ENTRY)
		tab.dirty = 1;
	return MTASTS_OK;
}

int
pd_rec_entry(const struct pd_rec *r, mtasts_cache_entry **out)
{
	mtasts_cache_entry *e;
	struct rec_view v;
	int st;

	*out = NULL;
	rec_view(r, &v);
	st = mtasts_cache_entry_new(&e, v.domain);
	if (st != MTASTS_OK)
		return st;
	if (r->flags & R_POLICY) {
		char stackbuf[1024], *text = stackbuf;
		size_t tl = (r->flags & R_RAW)
		                    ? r->pol_len
		                    : expand(v.pol, r->pol_len, v.domain,
		                             r->dlen, NULL);
		mtasts_policy *pol;

		if (tl > sizeof(stackbuf)) {
			text = malloc(tl);
			if (!text) {
				mtasts_cache_entry_free(e);
				return MTASTS_ENOMEM;
			}
		}
		if (r->flags & R_RAW)
			memcpy(text, v.pol, tl);
		else
			expand(v.pol, r->pol_len, v.domain, r->dlen, text);
		st = mtasts_policy_parse(&pol, text, tl, 0, NULL);
		if (text != stackbuf)
			free(text);
		if (st == MTASTS_OK) {
			st = mtasts_cache_entry_store(
			        e, pol, v.id[0] ? v.id : NULL, r->fetched_at);
			mtasts_policy_free(pol);
		}
		if (st != MTASTS_OK) {
			mtasts_cache_entry_free(e);
			return st == MTASTS_ENOMEM ? st : MTASTS_EINVAL;
		}
	}
	if (r->flags & R_FAILURE) {
		uint32_t k, n = v.failures < FAIL_REPLAY_MAX ? v.failures
		                                             : FAIL_REPLAY_MAX;

		for (k = 0; k < (n ? n : 1); k++)
			(void)mtasts_cache_entry_fail(
			        e, v.failed_id[0] ? v.failed_id : NULL,
			        v.failed_at);
	}
	*out = e;
	return MTASTS_OK;
}

size_t
pd_store_scan(size_t *cursor, size_t max,
              void (*fn)(struct pd_rec *r, void *arg), void *arg)
{
	size_t i = *cursor, seen = 0;

	while (i < tab.cap && seen < max) {
		if (tab.slot[i]) {
			fn(tab.slot[i], arg);
			seen++;
		}
		i++;
	}
	*cursor = i < tab.cap ? i : 0;
	return seen;
}

int
pd_rec_has_entry(const struct pd_rec *r)
{
	return (r->flags & (R_POLICY | R_FAILURE)) != 0;
}

/* ---- the cache file --------------------------------------------------------- */

#define FILE_MAGIC "mtasts-policyd-cache 1\n"

static int
sb_append(struct pd_savebuf *sb, const char *s, size_t n)
{
	if (sb->len + n > sb->cap) {
		size_t cap = sb->cap ? sb->cap * 2 : 65536;
		char *p;

		while (cap < sb->len + n)
			cap *= 2;
		p = realloc(sb->data, cap);
		if (!p)
			return MTASTS_ENOMEM;
		sb->data = p;
		sb->cap = cap;
	}
	memcpy(sb->data + sb->len, s, n);
	sb->len += n;
	return MTASTS_OK;
}

int
pd_store_save_step(struct pd_savebuf *sb, size_t max)
{
	size_t i, n = 0;

	if (sb->cursor == 0 && sb->len == 0) {
		if (sb_append(sb, FILE_MAGIC, strlen(FILE_MAGIC)) != MTASTS_OK)
			return -1;
		tab.dirty = 0;
	}
	for (i = sb->cursor; i < tab.cap && n < max; i++) {
		struct pd_rec *r = tab.slot[i];
		mtasts_cache_entry *e;
		char head[32], *text;
		size_t tl;
		int hl;

		if (!r || !(r->flags & (R_POLICY | R_FAILURE)))
			continue;
		n++;
		if (r->txt_at && r->txt_state != MTASTS_TXT_NOT_CHECKED) {
			/* the last TXT answer too, so that a restart does not
			 * look up every cached domain at once */
			struct pd_txt t;
			char line[96];
			int ll;

			pd_rec_txt(r, &t);
			ll = snprintf(line, sizeof(line), "txt %d %lld %s\n",
			              t.state, (long long)t.at,
			              t.id[0] ? t.id : "-");
			if (sb_append(sb, line, (size_t)ll) != MTASTS_OK)
				return -1;
		}
		if (pd_rec_entry(r, &e) != MTASTS_OK)
			return -1;
		if (mtasts_cache_entry_serialize(e, &text, &tl) != MTASTS_OK) {
			mtasts_cache_entry_free(e);
			return -1;
		}
		mtasts_cache_entry_free(e);
		hl = snprintf(head, sizeof(head), "entry %zu\n", tl);
		if (sb_append(sb, head, (size_t)hl) != MTASTS_OK ||
		    sb_append(sb, text, tl) != MTASTS_OK) {
			mtasts_free(text);
			return -1;
		}
		mtasts_free(text);
		sb->count++;
	}
	sb->cursor = i;
	return i >= tab.cap;
}

int
pd_store_write_file(const char *path, const char *data, size_t len)
{
	size_t pl = strlen(path), off = 0;
	char *tmp = malloc(pl + 8);
	int fd, err = 0;

	if (!tmp)
		return -1;
	memcpy(tmp, path, pl);
	memcpy(tmp + pl, ".tmp", 5);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		err = errno;
		goto fail;
	}
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			err = errno;
			close(fd);
			goto fail;
		}
		off += (size_t)w;
	}
	/* the data reaches the disk before the name does: a crash leaves
	 * the old file or the new one, never a mix */
	if (fsync(fd) != 0 || close(fd) != 0) {
		err = errno;
		goto fail;
	}
	if (rename(tmp, path) != 0) {
		err = errno;
		goto fail;
	}
	free(tmp);
	return 0;
fail:
	pd_log(PD_LOG_ERR, "cannot write the cache file %s: %s", path,
	       strerror(err));
	unlink(tmp);
	free(tmp);
	return -1;
}

int
pd_store_save(const char *path)
{
	struct pd_savebuf sb = { 0 };
	int st;

	while ((st = pd_store_save_step(&sb, (size_t)-1)) == 0)
		;
	if (st < 0) {
		free(sb.data);
		pd_log(PD_LOG_ERR, "cannot serialise the cache: out of memory");
		return -1;
	}
	st = pd_store_write_file(path, sb.data, sb.len);
	if (st == 0)
		pd_log(PD_LOG_DEBUG, "cache file %s: %zu entries written", path,
		       sb.count);
	free(sb.data);
	return st;
}

/* A decimal size_t of at most 8 digits. */
static int
parse_len(const char *s, size_t n, size_t *v)
{
	size_t i;

	*v = 0;
	if (n == 0 || n > 8)
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		*v = *v * 10 + (size_t)(s[i] - '0');
	}
	return 1;
}

int
pd_store_load(const char *path)
{
	struct stat stbuf;
	size_t len, off, loaded = 0, bad = 0;
	char *data;
	int fd = open(path, O_RDONLY | O_CLOEXEC), have_txt = 0;
	int64_t now = pd_now();
	struct pd_txt txt;

	if (fd < 0) {
		if (errno == ENOENT) {
			pd_log(PD_LOG_INFO, "cache file %s: none yet", path);
			return 0;
		}
		pd_log(PD_LOG_ERR, "cannot open the cache file %s: %s", path,
		       strerror(errno));
		return -1;
	}
	if (fstat(fd, &stbuf) != 0 || stbuf.st_size < 0 ||
	    (unsigned long long)stbuf.st_size > (1ull << 30)) {
		pd_log(PD_LOG_ERR, "cache file %s: unreadable or too large",
		       path);
		close(fd);
		return -1;
	}
	len = (size_t)stbuf.st_size;
	data = malloc(len + 1);
	if (!data) {
		close(fd);
		return -1;
	}
	for (off = 0; off < len;) {
		ssize_t r = read(fd, data + off, len - off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		off += (size_t)r;
	}
	close(fd);
	len = off;
	if (len < strlen(FILE_MAGIC) ||
	    memcmp(data, FILE_MAGIC, strlen(FILE_MAGIC)) != 0) {
		pd_log(PD_LOG_ERR, "cache file %s: not a %s cache file", path,
		       PD_NAME);
		free(data);
		return -1;
	}
	off = strlen(FILE_MAGIC);
	while (off < len) {
		const char *nl = memchr(data + off, '\n', len - off);
		size_t n;
		mtasts_cache_entry *e;

		/* "txt STATE TIME ID": the TXT answer of the next entry */
		if (nl && (size_t)(nl - (data + off)) > 4 &&
		    memcmp(data + off, "txt ", 4) == 0) {
			char line[128], id[MTASTS_ID_MAX_LEN + 1];
			int state;
			long long at;
			size_t ll = (size_t)(nl - (data + off));

			have_txt = 0;
			if (ll < sizeof(line)) {
				memcpy(line, data + off, ll);
				line[ll] = '\0';
				if (sscanf(line, "txt %d %lld %32s", &state,
				           &at, id) == 3 &&
				    state >= MTASTS_TXT_FOUND &&
				    state <= MTASTS_TXT_TEMPFAIL && at > 0 &&
				    at <= now &&
				    (strcmp(id, "-") == 0 ||
				     mtasts_id_check(id) == MTASTS_OK)) {
					txt.state = state;
					txt.at = at;
					memcpy(txt.id, id, sizeof(txt.id));
					if (!strcmp(id, "-"))
						txt.id[0] = '\0';
					have_txt = 1;
				}
			}
			off = (size_t)(nl + 1 - data);
			continue;
		}

		/* "entry LEN\n" then LEN bytes of
		 * mtasts_cache_entry_serialize() */
		if (!nl || (size_t)(nl - (data + off)) < 7 ||
		    memcmp(data + off, "entry ", 6) != 0 ||
		    !parse_len(data + off + 6, (size_t)(nl - (data + off)) - 6,
		               &n) ||
		    n > len - (size_t)(nl + 1 - data)) {
			pd_log(PD_LOG_WARNING,
			       "cache file %s: damaged at byte %zu; the rest "
			       "is ignored",
			       path, off);
			break;
		}
		off = (size_t)(nl + 1 - data);
		/* the library parses each entry strictly (untrusted input) */
		if (mtasts_cache_entry_deserialize(&e, data + off, n, NULL) ==
		    MTASTS_OK) {
			/* an entry whose policy expired long ago is useless
			 * (C1); it is dropped by the scanner later anyway */
			if (pd_store_put(mtasts_cache_entry_domain(e), e,
			                 have_txt ? &txt : NULL) == MTASTS_OK)
				loaded++;
			else
				bad++;
			mtasts_cache_entry_free(e);
		} else {
			bad++;
		}
		have_txt = 0;
		off += n;
	}
	free(data);
	tab.dirty = 0;
	pd_log(PD_LOG_INFO, "cache file %s: %zu entries loaded%s", path, loaded,
	       bad ? " (some were damaged and skipped)" : "");
	return 0;
}
