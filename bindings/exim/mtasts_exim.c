/* SPDX-License-Identifier: MIT */
/*
 * mtasts_exim.so: MTA-STS (RFC 8461) for Exim through ${dlfunc}.
 *
 *   ${dlfunc{/path/mtasts_exim.so}{mtasts_exim_mode}{DOMAIN}}
 *   ${dlfunc{/path/mtasts_exim.so}{mtasts_exim_mx_patterns}{DOMAIN}{FORMAT}}
 *   ${dlfunc{/path/mtasts_exim.so}{mtasts_exim_mx_ok}{DOMAIN}{HOST}}
 *   ${dlfunc{/path/mtasts_exim.so}{mtasts_exim_mx_verdict}{DOMAIN}{HOST}}
 *
 * Each call finds the policy that applies to DOMAIN the way the library
 * describes it (digest sections 4 and 5): the _mta-sts TXT record is
 * looked up (mtasts_discover_record()), mtasts_cache_decide() says whether
 * the cached policy is used, refreshed or fetched (mtasts_policy_fetch()),
 * the outcome is recorded in the domain's cache entry, and the policy is
 * applied to the host with mtasts_plan_new(). Nothing here interprets the
 * RFC on its own: the rules are the library's.
 *
 * Exim forks a process per delivery, so the cache lives in two places: in
 * memory for the life of the process (the TXT record is looked up again
 * after RECHECK_SECONDS), and on disk, one serialised entry per domain in
 * the cache directory, replaced by an atomic rename, so that every
 * delivery process shares what the others fetched.
 *
 * Settings come from a small file (README.md): its path is the
 * MTASTS_EXIM_CONFIG environment variable (which Exim passes only when
 * told to, with keep_environment or add_environment), else
 * /etc/exim4/mtasts.conf when it exists.
 *
 * Return codes follow the dlfunc ABI (local_scan.h): OK with the answer;
 * DEFER when the answer cannot be known now (a temporary DNS failure and
 * nothing cached); FAIL for a bad argument value; ERROR for a mistake in
 * Exim's or this module's configuration (Exim also writes those to its
 * panic log). Every failure makes the expansion fail, so a router or a
 * transport that uses the answer defers the message.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <mtasts.h>

#define DLFUNC_IMPL
#include <local_scan.h>

/* The functions Exim finds with dlsym(); nothing else is exported. */
#define MTASTS_EXIM_API __attribute__((visibility("default")))

MTASTS_EXIM_API int mtasts_exim_mode(uschar **yield, int argc, uschar *argv[]);
MTASTS_EXIM_API int mtasts_exim_mx_patterns(uschar **yield, int argc,
                                            uschar *argv[]);
MTASTS_EXIM_API int mtasts_exim_mx_ok(uschar **yield, int argc, uschar *argv[]);
MTASTS_EXIM_API int mtasts_exim_mx_verdict(uschar **yield, int argc,
                                           uschar *argv[]);

#define DEFAULT_CONFIG "/etc/exim4/mtasts.conf"
#define DEFAULT_CACHE_DIR "/var/spool/exim4/mtasts"

/* How long a process trusts its own TXT lookup before asking again. */
#define RECHECK_SECONDS 60
/* The most domains one process remembers (the oldest is dropped). */
#define MEMO_MAX 256
/* The longest cache file read (mtasts_cache_entry_deserialize()'s bound). */
#define CACHE_FILE_MAX (MTASTS_POLICY_MAX_SIZE + 1024)
#define MSG_MAX 1024
#define LINE_MAX_LEN 4096

/* One domain as this process knows it. */
struct memo {
	char domain[MTASTS_HOST_MAX + 1];
	mtasts_cache_entry *entry; /* NULL: nothing cached */
	int64_t checked_at;        /* when the TXT record was looked up */
	int fetched;               /* a fetch was made since then */
	int txt_state;             /* MTASTS_TXT_* */
	char txt_id[MTASTS_ID_MAX_LEN + 1];
	char dns_error[512]; /* with MTASTS_TXT_TEMPFAIL */
};

/* The per-process state: set up by the first call, inherited by the
 * processes Exim forks afterwards. */
static struct {
	int loaded;
	int rc; /* OK, or ERROR when the configuration is unusable */
	char error[MSG_MAX];
	mtasts_ctx *ctx;
	char *cache_dir;          /* NULL: memory only */
	unsigned int parse_flags; /* MTASTS_PARSE_* for record and policy */
	int tempfail_none;        /* dns_tempfail = none */
	int warned_cache;         /* the cache directory problem was logged */
	struct memo *memo[MEMO_MAX];
	size_t n_memo;
} g;

/* One call: its domain and, once found, the policy that applies. */
struct request {
	char domain[MTASTS_HOST_MAX + 1];
	int literal; /* an address literal: no MTA-STS (RFC 8461 §3.4) */
	const mtasts_policy *policy; /* NULL: no policy applies */
	char msg[MSG_MAX];
};

/* ---- small helpers ------------------------------------------------------- */

/* A printable, bounded copy of an argument for a message. */
static void
safe_copy(char *out, size_t size, const char *in)
{
	size_t i, o = 0;

	for (i = 0; in[i] && o + 4 < size; i++) {
		unsigned char c = (unsigned char)in[i];

		out[o++] = (c >= 0x20 && c < 0x7f && c != '\'') ? (char)c : '?';
		if (i == 100) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
	}
	out[o] = '\0';
}

/* The first error message of a diagnostics list, or a fallback. */
static const char *
first_error(const mtasts_diag *diag, int st)
{
	size_t i, n = mtasts_diag_count(diag);

	for (i = 0; i < n; i++)
		if (mtasts_diag_severity(diag, i) == MTASTS_SEVERITY_ERROR)
			return mtasts_diag_message(diag, i);
	return mtasts_strerror(st);
}

/*
 * DOMAIN in the form the cache is keyed by: lower case, without one
 * trailing dot. 1 for a host name, 0 for an address literal ("[...]",
 * which has no policy), -1 for anything else (a U-label included: Exim
 * converts with ${utf8_domain_to_alabel:...}).
 */
static int
canon_domain(const char *in, char out[MTASTS_HOST_MAX + 1])
{
	size_t n = strlen(in), i;

	if (n >= 2 && in[0] == '[' && in[n - 1] == ']')
		return 0;
	if (n && in[n - 1] == '.')
		n--;
	if (n == 0 || n > MTASTS_HOST_MAX)
		return -1;
	for (i = 0; i < n; i++) {
		char c = in[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '.'))
			return -1;
		out[i] = c;
	}
	out[n] = '\0';
	/* the mx pattern grammar without its wildcard is the host name
	 * grammar (LDH labels, DNS lengths): the same check as the
	 * library's, and the name is safe as a file name */
	return mtasts_mx_pattern_check(out, NULL) == MTASTS_OK ? 1 : -1;
}

/* A growing string; "oom" sticks once an allocation failed. */
struct buf {
	char *p;
	size_t len, cap;
	int oom;
};

static void
buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *p;

		while (b->len + n + 1 > cap)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p) {
			b->oom = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
buf_puts(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

/* ---- configuration ------------------------------------------------------- */

#if defined(__GNUC__)
#define MTASTS_EXIM_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define MTASTS_EXIM_PRINTF(f, a)
#endif

/* Set g.error to "mtasts: PATH[:LINE]: MESSAGE"; returns -1. */
static int config_error(const char *path, unsigned int line, const char *fmt,
                        ...) MTASTS_EXIM_PRINTF(3, 4);

static int
config_error(const char *path, unsigned int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (line)
		n = snprintf(g.error, sizeof(g.error),
		             "mtasts: %.300s:%u: ", path, line);
	else
		n = snprintf(g.error, sizeof(g.error),
		             "mtasts: %.300s: ", path);
	va_start(ap, fmt);
	vsnprintf(g.error + n, sizeof(g.error) - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static char *
trim(char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' ||
	             s[n - 1] == '\n'))
		s[--n] = '\0';
	return s;
}

/* Apply one "name = value" line; -1 with g.error set on a bad one. */
static int
config_apply(const char *path, unsigned int line, const char *name,
             const char *value, struct buf *dns)
{
	char v[300];
	int st = MTASTS_OK;

	safe_copy(v, sizeof(v), value);
	if (strcmp(name, "cache_dir") == 0) {
		size_t n = strlen(value);

		free(g.cache_dir);
		g.cache_dir = NULL;
		if (n == 0)
			return 0; /* memory only */
		if (value[0] != '/')
			return config_error(path, line,
			                    "cache_dir must be an "
			                    "absolute path: '%s'",
			                    v);
		while (n > 1 && value[n - 1] == '/')
			n--;
		g.cache_dir = strndup(value, n);
		if (!g.cache_dir)
			st = MTASTS_ENOMEM;
	} else if (strcmp(name, "dns_servers") == 0) {
		if (!value[0])
			return config_error(path, line,
			                    "dns_servers needs "
			                    "IP[:PORT][,...]");
		if (dns->len)
			buf_puts(dns, ",");
		buf_puts(dns, value);
		if (dns->oom)
			st = MTASTS_ENOMEM;
	} else if (strcmp(name, "ca_file") == 0) {
		st = mtasts_ctx_set_ca_file(g.ctx, value[0] ? value : NULL);
	} else if (strcmp(name, "ca_path") == 0) {
		st = mtasts_ctx_set_ca_path(g.ctx, value[0] ? value : NULL);
	} else if (strcmp(name, "connect_to") == 0) {
		st = mtasts_ctx_add_connect_to(g.ctx, value);
		if (st == MTASTS_EINVAL)
			return config_error(path, line,
			                    "invalid connect_to "
			                    "(HOST:PORT:ADDRESS:PORT): '%s'",
			                    v);
	} else if (strcmp(name, "timeout") == 0) {
		unsigned int secs = 0, ms;
		size_t i;

		for (i = 0; value[i] >= '0' && value[i] <= '9' && i < 3; i++)
			secs = secs * 10 + (unsigned int)(value[i] - '0');
		if (i == 0 || value[i] || secs < 1 || secs > 60)
			return config_error(path, line,
			                    "invalid timeout (1 to "
			                    "60 seconds): '%s'",
			                    v);
		/* the whole fetch gets S seconds; one DNS query and
		 * one connection never more than the library's defaults */
		ms = secs * 1000u;
		if (mtasts_ctx_set_timeout(g.ctx, MTASTS_TIMEOUT_TOTAL, ms) !=
		            MTASTS_OK ||
		    mtasts_ctx_set_timeout(g.ctx, MTASTS_TIMEOUT_CONNECT,
		                           ms < 10000u ? ms : 10000u) !=
		            MTASTS_OK ||
		    mtasts_ctx_set_timeout(g.ctx, MTASTS_TIMEOUT_DNS,
		                           ms < 5000u ? ms : 5000u) !=
		            MTASTS_OK)
			st = MTASTS_EINVAL;
	} else if (strcmp(name, "parse") == 0) {
		if (strcmp(value, "strict") == 0)
			g.parse_flags = MTASTS_PARSE_DEFAULT;
		else if (strcmp(value, "lenient") == 0)
			g.parse_flags = MTASTS_PARSE_LENIENT;
		else
			return config_error(path, line,
			                    "parse is 'strict' or "
			                    "'lenient', not '%s'",
			                    v);
	} else if (strcmp(name, "dns_tempfail") == 0) {
		if (strcmp(value, "defer") == 0)
			g.tempfail_none = 0;
		else if (strcmp(value, "none") == 0)
			g.tempfail_none = 1;
		else
			return config_error(path, line,
			                    "dns_tempfail is 'defer' "
			                    "or 'none', not '%s'",
			                    v);
	} else {
		safe_copy(v, sizeof(v), name);
		return config_error(path, line, "unknown setting '%s'", v);
	}
	if (st == MTASTS_ENOMEM)
		return config_error(path, line, "out of memory");
	if (st != MTASTS_OK)
		return config_error(path, line, "invalid %s value '%s'", name,
		                    v);
	return 0;
}

static int
config_read(const char *path, FILE *f)
{
	char line[LINE_MAX_LEN];
	struct buf dns = { NULL, 0, 0, 0 };
	unsigned int lineno = 0;
	int st, rc = 0;

	while (rc == 0 && fgets(line, sizeof(line), f)) {
		char *s, *eq;
		size_t n = strlen(line);

		lineno++;
		if (n == sizeof(line) - 1 && line[n - 1] != '\n') {
			rc = config_error(path, lineno, "line too long");
			break;
		}
		s = trim(line);
		if (!*s || *s == '#')
			continue;
		eq = strchr(s, '=');
		if (!eq) {
			rc = config_error(path, lineno,
			                  "expected NAME = VALUE");
			break;
		}
		*eq = '\0';
		rc = config_apply(path, lineno, trim(s), trim(eq + 1), &dns);
	}
	if (rc == 0 && ferror(f))
		rc = config_error(path, 0, "%s", strerror(errno));
	if (rc == 0 && dns.len) {
		st = mtasts_ctx_set_dns_servers(g.ctx, dns.p);
		if (st != MTASTS_OK) {
			char v[300];

			safe_copy(v, sizeof(v), dns.p);
			rc = config_error(
			        path, 0,
			        "invalid dns_servers (IP[:PORT], "
			        "IPv6 as [IP]:PORT, comma-separated): "
			        "'%s'",
			        v);
		}
	}
	free(dns.p);
	return rc;
}

/* Read the settings once per process; OK, or ERROR with g.error. */
static int
config_load(void)
{
	const char *path = getenv("MTASTS_EXIM_CONFIG");
	int named = path != NULL;
	FILE *f;

	if (g.loaded)
		return g.rc;
	g.loaded = 1;
	g.rc = ERROR;
	if (!mtasts_net_available()) {
		snprintf(g.error, sizeof(g.error),
		         "mtasts: libmtasts %s was built without its network "
		         "layer: no DNS lookup or policy fetch is possible",
		         mtasts_version_string());
		return g.rc;
	}
	if (mtasts_version() < MTASTS_VERSION_HEX)
		log_write(0, LOG_MAIN,
		          "mtasts: libmtasts %s is older than the headers this "
		          "module was built with (%s)",
		          mtasts_version_string(), MTASTS_VERSION_STRING);
	if (mtasts_ctx_new(&g.ctx) != MTASTS_OK) {
		snprintf(g.error, sizeof(g.error), "mtasts: out of memory");
		return g.rc;
	}
	g.cache_dir = strdup(DEFAULT_CACHE_DIR);
	if (!g.cache_dir) {
		snprintf(g.error, sizeof(g.error), "mtasts: out of memory");
		return g.rc;
	}
	if (!path)
		path = DEFAULT_CONFIG;
	if (path[0]) {
		f = fopen(path, "r");
		if (!f) {
			/* the default file is optional; a named one is not */
			if (named || errno != ENOENT) {
				config_error(path, 0, "%s", strerror(errno));
				return g.rc;
			}
		} else {
			int rc = config_read(path, f);

			fclose(f);
			if (rc != 0)
				return g.rc;
		}
	}
	g.rc = OK;
	return g.rc;
}

/* ---- the cache directory ------------------------------------------------- */

/* Log a problem of the cache directory once per process: the answers
 * stay right (from memory), only sharing between processes is lost. */
static void
cache_warning(const char *what, const char *path, int err)
{
	if (g.warned_cache)
		return;
	g.warned_cache = 1;
	log_write(0, LOG_MAIN,
	          "mtasts: cache directory: cannot %s %s: %s (policies are "
	          "not shared between Exim processes)",
	          what, path, strerror(err));
}

/* Replace the memory entry by the one on disk, if any and sound. */
static void
disk_load(struct memo *m)
{
	char path[4096], *data;
	mtasts_cache_entry *e = NULL;
	struct stat sb;
	size_t len = 0;
	ssize_t n;
	int fd;

	if (!g.cache_dir)
		return;
	snprintf(path, sizeof(path), "%s/%s", g.cache_dir, m->domain);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (errno != ENOENT)
			cache_warning("read", path, errno);
		return;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) ||
	    sb.st_size > CACHE_FILE_MAX) {
		close(fd);
		log_write(0, LOG_MAIN, "mtasts: ignoring %s: not a cache file",
		          path);
		return;
	}
	data = malloc((size_t)sb.st_size + 1);
	if (!data) {
		close(fd);
		return;
	}
	while (len <= (size_t)sb.st_size &&
	       (n = read(fd, data + len, (size_t)sb.st_size + 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	if (mtasts_cache_entry_deserialize(&e, data, len, NULL) != MTASTS_OK ||
	    strcmp(mtasts_cache_entry_domain(e), m->domain) != 0) {
		/* damaged or foreign: the next store replaces it */
		log_write(0, LOG_MAIN, "mtasts: ignoring damaged cache file %s",
		          path);
		mtasts_cache_entry_free(e);
	} else {
		mtasts_cache_entry_free(m->entry);
		m->entry = e;
	}
	free(data);
}

/* Write the entry to DIR/DOMAIN through a temporary file and rename(). */
static void
disk_save(const struct memo *m)
{
	char path[4096], tmp[4096], *text = NULL;
	size_t len = 0, off = 0;
	int fd, err = 0;

	if (!g.cache_dir || !m->entry)
		return;
	if (mtasts_cache_entry_serialize(m->entry, &text, &len) != MTASTS_OK)
		return;
	snprintf(path, sizeof(path), "%s/%s", g.cache_dir, m->domain);
	snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", g.cache_dir, m->domain);
	fd = mkstemp(tmp);
	if (fd < 0) {
		cache_warning("create a file in", g.cache_dir, errno);
		mtasts_free(text);
		return;
	}
	/* policies are public: readable by every Exim process, whichever
	 * user it runs as */
	if (fchmod(fd, 0644) != 0)
		err = errno;
	while (!err && off < len) {
		ssize_t n = write(fd, text + off, len - off);

		if (n < 0) {
			if (errno != EINTR)
				err = errno;
			continue;
		}
		off += (size_t)n;
	}
	if (!err && fsync(fd) != 0)
		err = errno;
	if (close(fd) != 0 && !err)
		err = errno;
	if (!err && rename(tmp, path) != 0)
		err = errno;
	if (err) {
		unlink(tmp);
		cache_warning("write", path, err);
	}
	mtasts_free(text);
}

/* ---- finding the policy -------------------------------------------------- */

static struct memo *
memo_get(const char *domain)
{
	struct memo *m;
	size_t i;

	for (i = 0; i < g.n_memo; i++)
		if (strcmp(g.memo[i]->domain, domain) == 0)
			return g.memo[i];
	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	if (g.n_memo == MEMO_MAX) {
		mtasts_cache_entry_free(g.memo[0]->entry);
		free(g.memo[0]);
		memmove(g.memo, g.memo + 1, (MEMO_MAX - 1) * sizeof(g.memo[0]));
		g.n_memo--;
	}
	memcpy(m->domain, domain, strlen(domain) + 1);
	g.memo[g.n_memo++] = m;
	return m;
}

/* Look up _mta-sts.DOMAIN and keep what it says. */
static void
look_up_record(struct memo *m, int64_t now)
{
	mtasts_record *record = NULL;
	mtasts_diag *diag = NULL;
	int st;

	if (mtasts_diag_new(&diag) != MTASTS_OK)
		diag = NULL;
	st = mtasts_discover_record(g.ctx, m->domain, &record, NULL,
	                            g.parse_flags, diag);
	m->checked_at = now;
	m->fetched = 0;
	m->txt_id[0] = '\0';
	m->dns_error[0] = '\0';
	switch (st) {
	case MTASTS_OK:
		m->txt_state = MTASTS_TXT_FOUND;
		snprintf(m->txt_id, sizeof(m->txt_id), "%s",
		         mtasts_record_id(record));
		break;
	case MTASTS_EDNS:
	case MTASTS_ENOMEM:
	case MTASTS_EINVAL:
	case MTASTS_ENOTSUP:
		/* nothing known about the record: not its absence */
		m->txt_state = MTASTS_TXT_TEMPFAIL;
		snprintf(m->dns_error, sizeof(m->dns_error), "%s",
		         first_error(diag, st));
		break;
	default:
		/* no record, several, or an invalid one: no policy */
		m->txt_state = MTASTS_TXT_ABSENT;
		break;
	}
	mtasts_record_free(record);
	mtasts_diag_free(diag);
}

/* Fetch the policy and record the outcome in memory and on disk; a
 * failed fetch is recorded too (R-30 back-off), only an internal
 * failure returns non-OK. */
static int
fetch(struct memo *m, const char *id, int64_t now, char *msg, size_t size)
{
	mtasts_fetch_result *result = NULL;
	const char *type, *error;
	int st;

	m->fetched = 1;
	st = mtasts_policy_fetch(g.ctx, m->domain, id, g.parse_flags, &result,
	                         NULL);
	if (!result) {
		snprintf(msg, size, "mtasts: cannot fetch the policy of %s: %s",
		         m->domain, mtasts_strerror(st));
		return st == MTASTS_ENOMEM ? DEFER : ERROR;
	}
	if ((!m->entry &&
	     mtasts_cache_entry_new(&m->entry, m->domain) != MTASTS_OK) ||
	    mtasts_cache_entry_update(m->entry, result) != MTASTS_OK) {
		mtasts_fetch_result_free(result);
		snprintf(msg, size, "mtasts: out of memory");
		return DEFER;
	}
	if (st == MTASTS_OK) {
		const mtasts_policy *p = mtasts_fetch_result_policy(result);

		log_write(0, LOG_MAIN,
		          "mtasts: fetched the policy of %s: mode %s, max_age "
		          "%lu, id %s",
		          m->domain, mtasts_mode_name(mtasts_policy_mode(p)),
		          (unsigned long)mtasts_policy_max_age(p),
		          id ? id : "(none)");
	} else {
		/* C9: tell the administrator (RFC 8460 result type named) */
		type = mtasts_result_type_name(
		        mtasts_fetch_result_type(result));
		error = mtasts_fetch_result_error(result);
		log_write(0, LOG_MAIN,
		          "mtasts: policy fetch for %s failed (%s): %s; %s",
		          m->domain, type ? type : "-",
		          error ? error : mtasts_strerror(st),
		          mtasts_cache_entry_usable(m->entry, now)
		                  ? "the cached policy still applies"
		                  : "no policy applies");
	}
	mtasts_fetch_result_free(result);
	disk_save(m);
	return OK;
}

/* The policy that applies to m's domain now (NULL: none), following
 * mtasts_cache_decide(). */
static int
resolve(struct memo *m, const mtasts_policy **policy, char *msg, size_t size)
{
	int64_t now = (int64_t)time(NULL);
	int action, rc;

	*policy = NULL;
	if (m->checked_at == 0 || now < m->checked_at ||
	    now - m->checked_at >= RECHECK_SECONDS) {
		/* another process may have fetched since */
		disk_load(m);
		look_up_record(m, now);
	}
	action = mtasts_cache_decide(m->entry, m->txt_state, m->txt_id, now,
	                             NULL);
	switch (action) {
	case MTASTS_ACTION_USE:
		break;
	case MTASTS_ACTION_REFRESH:
		/* a new id (C2) or a refresh that is due (C8): fetched now,
		 * as Exim has no background; the cached policy applies
		 * whatever the outcome (C5). Not while DNS fails, and at
		 * most once per TXT lookup (a policy with a tiny max_age
		 * is always due). */
		if (m->txt_state == MTASTS_TXT_TEMPFAIL || m->fetched)
			break;
		rc = fetch(m,
		           m->txt_state == MTASTS_TXT_FOUND ? m->txt_id : NULL,
		           now, msg, size);
		if (rc != OK)
			return rc;
		break;
	case MTASTS_ACTION_FETCH:
		/* at most once per TXT lookup: a policy that expired since
		 * (max_age 0) is no policy until the next lookup */
		if (m->fetched)
			return OK;
		rc = fetch(m, m->txt_id, now, msg, size);
		if (rc != OK)
			return rc;
		/* a valid policy is used; a failure means none (C6, R-32) */
		action = mtasts_cache_decide(m->entry, m->txt_state, m->txt_id,
		                             now, NULL);
		break;
	case MTASTS_ACTION_NONE:
		/* The library allows delivering without MTA-STS when the
		 * TXT lookup failed and nothing is cached; by default this
		 * module defers instead, as Exim does when an MX lookup
		 * fails (dns_tempfail = none restores the library's
		 * reading). */
		if (m->txt_state == MTASTS_TXT_TEMPFAIL && !g.tempfail_none) {
			snprintf(msg, size,
			         "mtasts: %s: %s; no policy is cached",
			         m->domain, m->dns_error);
			return DEFER;
		}
		return OK;
	default:
		snprintf(msg, size,
		         "mtasts: unexpected cache decision %d for "
		         "%s",
		         action, m->domain);
		return DEFER;
	}
	if ((action == MTASTS_ACTION_USE || action == MTASTS_ACTION_REFRESH) &&
	    mtasts_cache_entry_usable(m->entry, now))
		*policy = mtasts_cache_entry_policy(m->entry);
	return OK;
}

/*
 * Check the arguments of a call, read the settings and find the policy
 * for the domain in argv[0]. OK with r->policy (NULL: none applies), or
 * a dlfunc status with r->msg.
 */
static int
begin(struct request *r, int argc, uschar *argv[], int min, int max,
      const char *usage)
{
	struct memo *m;
	char v[200];
	int kind;

	memset(r, 0, sizeof(*r));
	if (argc < min || argc > max) {
		snprintf(r->msg, sizeof(r->msg),
		         "mtasts: %d argument%s given; usage: "
		         "${dlfunc{.../mtasts_exim.so}%s}",
		         argc, argc == 1 ? "" : "s", usage);
		return ERROR;
	}
	if (config_load() != OK) {
		memcpy(r->msg, g.error, sizeof(r->msg));
		return ERROR;
	}
	kind = canon_domain((const char *)argv[0], r->domain);
	if (kind < 0) {
		safe_copy(v, sizeof(v), (const char *)argv[0]);
		snprintf(r->msg, sizeof(r->msg),
		         "mtasts: not a domain name: '%s' (IDNs in A-label "
		         "form: ${utf8_domain_to_alabel:...})",
		         v);
		return FAIL;
	}
	if (kind == 0) {
		r->literal = 1;
		return OK;
	}
	m = memo_get(r->domain);
	if (!m) {
		snprintf(r->msg, sizeof(r->msg), "mtasts: out of memory");
		return DEFER;
	}
	return resolve(m, &r->policy, r->msg, sizeof(r->msg));
}

/*
 * The verdict of mtasts_plan_new() for the host in argv[1] (any
 * non-empty string: a name that is not a host name matches no pattern).
 */
static int
host_verdict(struct request *r, int argc, uschar *argv[], const char *usage,
             int *verdict)
{
	const char *hosts[1];
	mtasts_plan *plan = NULL;
	int rc;

	*verdict = MTASTS_MX_OPPORTUNISTIC;
	if (argc == 2 && !argv[1][0]) {
		snprintf(r->msg, sizeof(r->msg), "mtasts: empty MX host name");
		return FAIL;
	}
	rc = begin(r, argc, argv, 2, 2, usage);
	if (rc != OK || r->literal)
		return rc;
	hosts[0] = (const char *)argv[1];
	if (mtasts_plan_new(&plan, r->policy, hosts, 1) != MTASTS_OK) {
		snprintf(r->msg, sizeof(r->msg), "mtasts: out of memory");
		return DEFER;
	}
	*verdict = mtasts_plan_verdict(plan, 0);
	mtasts_plan_free(plan);
	return OK;
}

/*
 * An mx pattern as an item of an Exim host list: an anchored,
 * case-insensitive regular expression on the host name that matches what
 * mtasts_mx_match() matches. "mx.example.com" gives
 * ^(?i)mx\.example\.com$ and "*.example.com" gives
 * ^(?i)[a-z0-9]([a-z0-9-]*[a-z0-9])?\.example\.com$ (exactly one label,
 * R-39; Exim's own "*.example.com" would also match a.b.example.com, and a
 * plain name would be matched by its IP addresses). No ":" may appear:
 * it separates list items (so no "(?:").
 */
static void
add_regex(struct buf *b, const char *pattern)
{
	const char *p = pattern;

	buf_puts(b, "^(?i)");
	if (p[0] == '*' && p[1] == '.') {
		buf_puts(b, "[a-z0-9]([a-z0-9-]*[a-z0-9])?");
		p++;
	}
	for (; *p; p++) {
		if (*p == '.')
			buf_puts(b, "\\.");
		else
			buf_add(b, p, 1);
	}
	buf_puts(b, "$");
}

/* ---- the Exim functions -------------------------------------------------- */

static int
yield_status(uschar **yield, int rc, const char *msg)
{
	*yield = string_copy((const uschar *)msg);
	return rc;
}

/*
 * ${dlfunc{SO}{mtasts_exim_mode}{DOMAIN}}: "enforce", "testing" or "none", or
 * "" when no policy applies (no record, no valid policy, an address
 * literal).
 */
int
mtasts_exim_mode(uschar **yield, int argc, uschar *argv[])
{
	struct request r;
	int rc = begin(&r, argc, argv, 1, 1, "{mtasts_exim_mode}{DOMAIN}");

	if (rc != OK)
		return yield_status(yield, rc, r.msg);
	return yield_status(
	        yield, OK,
	        r.policy ? mtasts_mode_name(mtasts_policy_mode(r.policy)) : "");
}

/*
 * ${dlfunc{SO}{mtasts_exim_mx_patterns}{DOMAIN}{FORMAT}}: the mx patterns of
 * a testing or enforce policy as a colon-separated list, in policy order
 * without repeats; "" for mode none or no policy. FORMAT "hostlist" (the
 * default) gives host-list regular expressions (add_regex()), "policy"
 * the patterns as written (lower case).
 */
int
mtasts_exim_mx_patterns(uschar **yield, int argc, uschar *argv[])
{
	struct request r;
	struct buf b = { NULL, 0, 0, 0 };
	int rc, regex = 1;
	size_t i, j, n;

	if (argc == 2) {
		if (strcmp((const char *)argv[1], "policy") == 0) {
			regex = 0;
		} else if (strcmp((const char *)argv[1], "hostlist") != 0) {
			char v[200];

			safe_copy(v, sizeof(v), (const char *)argv[1]);
			snprintf(r.msg, sizeof(r.msg),
			         "mtasts: unknown format '%s' (hostlist or "
			         "policy)",
			         v);
			return yield_status(yield, ERROR, r.msg);
		}
	}
	rc = begin(&r, argc, argv, 1, 2,
	           "{mtasts_exim_mx_patterns}{DOMAIN}{hostlist|policy}");
	if (rc != OK)
		return yield_status(yield, rc, r.msg);
	buf_puts(&b, "");
	n = mtasts_policy_mode(r.policy) == MTASTS_MODE_NONE
	            ? 0
	            : mtasts_policy_mx_count(r.policy);
	for (i = 0; i < n; i++) {
		const char *p = mtasts_policy_mx(r.policy, i);

		for (j = 0; j < i; j++)
			if (strcmp(p, mtasts_policy_mx(r.policy, j)) == 0)
				break;
		if (j < i)
			continue;
		if (b.len)
			buf_puts(&b, ":");
		if (regex)
			add_regex(&b, p);
		else
			buf_puts(&b, p);
	}
	if (b.oom) {
		free(b.p);
		return yield_status(yield, DEFER, "mtasts: out of memory");
	}
	rc = yield_status(yield, OK, b.p);
	free(b.p);
	return rc;
}

/*
 * ${dlfunc{SO}{mtasts_exim_mx_ok}{DOMAIN}{HOST}}: "yes" when the MX host may be
 * tried, "no" when the policy forbids it (enforce and HOST matches no
 * pattern: treat it as unreachable, R-42). Testing, none and no policy
 * give "yes".
 */
int
mtasts_exim_mx_ok(uschar **yield, int argc, uschar *argv[])
{
	struct request r;
	int v, rc = host_verdict(&r, argc, argv,
	                         "{mtasts_exim_mx_ok}{DOMAIN}{HOST}", &v);

	if (rc != OK)
		return yield_status(yield, rc, r.msg);
	return yield_status(yield, OK, v == MTASTS_MX_REFUSE ? "no" : "yes");
}

/*
 * ${dlfunc{SO}{mtasts_exim_mx_verdict}{DOMAIN}{HOST}}: the library's verdict,
 * mtasts_mx_verdict_name(): "require-tls" (enforce, HOST matches: verified
 * TLS only), "refuse" (enforce, no match) or "opportunistic" (testing,
 * none, no policy).
 */
int
mtasts_exim_mx_verdict(uschar **yield, int argc, uschar *argv[])
{
	struct request r;
	int v, rc = host_verdict(&r, argc, argv,
	                         "{mtasts_exim_mx_verdict}{DOMAIN}{HOST}", &v);

	if (rc != OK)
		return yield_status(yield, rc, r.msg);
	return yield_status(yield, OK, mtasts_mx_verdict_name(v));
}
