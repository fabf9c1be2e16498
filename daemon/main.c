/* SPDX-License-Identifier: MIT */
/*
 * mtasts-policyd: options, configuration file, logging, start and stop.
 */
#include "policyd.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

struct pd_config pd_cfg = {
	.timeout = 10,
	.deadline_ms = 5000,
	.workers = 8,
	.recheck = 300,
	.save_interval = 60,
	.max_clients = 1024,
	.max_request = 2048,
	.refresh = 1,
};

static int log_syslog;

void
pd_log(int level, const char *fmt, ...)
{
	va_list ap;

	if (level == PD_LOG_DEBUG && !pd_cfg.verbose)
		return;
	va_start(ap, fmt);
	if (log_syslog) {
		vsyslog(level, fmt, ap);
	} else {
		static const char *const names[] = {
			[PD_LOG_ERR] = "error",
			[PD_LOG_WARNING] = "warning",
			[PD_LOG_INFO] = "info",
			[PD_LOG_DEBUG] = "debug",
		};

		fprintf(stderr, PD_NAME ": %s: ", names[level]);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
	va_end(ap);
}

int64_t
pd_now(void)
{
	return (int64_t)time(NULL);
}

int64_t
pd_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- options ----------------------------------------------------------------- */

static const char usage_text[] =
        "Usage: " PD_NAME " [OPTIONS]\n"
        "\n"
        "A Postfix smtp_tls_policy_maps socketmap server for MTA-STS\n"
        "(RFC 8461). Postfix main.cf:\n"
        "\n"
        "  smtp_tls_policy_maps = socketmap:unix:/run/mtasts-policyd/"
        "socket:postfix\n"
        "\n"
        "The socketmap name chooses the answers: postfix (Postfix 3.4 and\n"
        "later) or postfix-tlsrpt (Postfix 3.10 and later: adds the TLSRPT\n"
        "attributes, which also make Postfix 3.10.5 and later match MX\n"
        "names as RFC 8461 says).\n"
        "\n"
        "Options:\n"
        "  --listen unix:PATH|inet:ADDR:PORT\n"
        "                      where to accept clients (repeatable; default\n"
        "                      inet:127.0.0.1:8461)\n"
        "  --cache-file PATH   keep the policy cache in PATH across restarts\n"
        "  --dns-server IP[:PORT]\n"
        "                      DNS servers instead of the system resolver\n"
        "                      (repeatable, or comma-separated)\n"
        "  --ca-file FILE      trust these CA certificates for policy hosts\n"
        "  --connect-to HOST:PORT:ADDR:PORT\n"
        "                      connect elsewhere for a policy host "
        "(repeatable)\n"
        "  --timeout S         network timeout of a fetch, 1 to 60 "
        "(default 10)\n"
        "  --deadline S        how long a client waits for a first fetch,\n"
        "                      0.1 to 60 (default 5); then NOTFOUND\n"
        "  --deadline-temp     answer TEMP instead of NOTFOUND past the "
        "deadline\n"
        "  --strict-testing    enforce mode testing policies like enforce\n"
        "  --recheck S         trust a TXT answer for S seconds (default 300)\n"
        "  --no-refresh        no proactive refresh of cached policies\n"
        "  --workers N         network operations at once, 1 to 256 "
        "(default 8)\n"
        "  --max-clients N     connected clients at most (default 1024)\n"
        "  --save-interval S   write the cache file at most every S seconds\n"
        "                      (default 60; and when stopping)\n"
        "  --lenient           accept common publisher mistakes (with a log)\n"
        "  --config FILE       read options from FILE (\"name = value\")\n"
        "  --foreground        do not detach; log to stderr\n"
        "  --syslog            log to syslog (the default when detached)\n"
        "  -v, --verbose       log every lookup and fetch\n"
        "  -h, --help          this help\n"
        "  --version           the versions of the daemon and libmtasts\n";

static char *dns_joined;
static char *owned[256];
static size_t n_owned;

static const char *
keep(const char *s)
{
	char *p = strdup(s);

	if (!p || n_owned == sizeof(owned) / sizeof(owned[0])) {
		free(p);
		fputs(PD_NAME ": out of memory\n", stderr);
		exit(2);
	}
	owned[n_owned++] = p;
	return p;
}

static int
bad(const char *name, const char *value, const char *why)
{
	fprintf(stderr, PD_NAME ": invalid %s '%s': %s\n", name,
	        value ? value : "", why);
	return -1;
}

static int
parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;
	size_t i;

	if (!s[0] || strlen(s) > 9)
		return -1;
	for (i = 0; s[i]; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

/* Seconds with up to three decimals, as milliseconds. */
static int
parse_secs_ms(const char *s, unsigned long max_ms, unsigned long *ms)
{
	unsigned long v = 0, frac = 0, scale = 1000;
	const char *p = s;

	if (!*p)
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > max_ms)
			return -1;
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9' && scale > 1; p++) {
			scale /= 10;
			frac += (unsigned long)(*p - '0') * scale;
		}
	}
	if (*p || p == s)
		return -1;
	*ms = v * 1000 + frac;
	return *ms <= max_ms ? 0 : -1;
}

static int
yesno(const char *name, const char *v, int *out)
{
	if (!v || !strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1")) {
		*out = 1;
		return 0;
	}
	if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0")) {
		*out = 0;
		return 0;
	}
	return bad(name, v, "yes or no");
}

static int from_cmdline_listen;

/* Apply one option; value is NULL for a flag given on the command line. */
static int
apply_option(const char *name, const char *v, int cmdline)
{
	unsigned long u;

#define NEED                                                                   \
	do {                                                                   \
		if (!v)                                                        \
			return bad(name, v, "a value is needed");              \
	} while (0)
	if (!strcmp(name, "listen")) {
		NEED;
		if (cmdline && !from_cmdline_listen) {
			pd_cfg.n_listen = 0; /* the command line wins */
			from_cmdline_listen = 1;
		}
		if (pd_cfg.n_listen == PD_MAX_LISTEN)
			return bad(name, v, "too many");
		pd_cfg.listen[pd_cfg.n_listen++] = keep(v);
	} else if (!strcmp(name, "cache-file")) {
		NEED;
		pd_cfg.cache_file = keep(v);
	} else if (!strcmp(name, "dns-server")) {
		size_t l = dns_joined ? strlen(dns_joined) : 0;
		char *p;

		NEED;
		p = realloc(dns_joined, l + strlen(v) + 2);
		if (!p)
			return bad(name, v, "out of memory");
		if (l)
			p[l++] = ',';
		memcpy(p + l, v, strlen(v) + 1);
		dns_joined = p;
	} else if (!strcmp(name, "ca-file")) {
		NEED;
		pd_cfg.ca_file = keep(v);
	} else if (!strcmp(name, "connect-to")) {
		NEED;
		if (pd_cfg.n_connect_to == PD_MAX_CONNECT_TO)
			return bad(name, v, "too many");
		pd_cfg.connect_to[pd_cfg.n_connect_to++] = keep(v);
	} else if (!strcmp(name, "timeout")) {
		NEED;
		if (parse_uint(v, 60, &u) || u < 1)
			return bad(name, v, "1 to 60 seconds");
		pd_cfg.timeout = (unsigned int)u;
	} else if (!strcmp(name, "deadline")) {
		NEED;
		if (parse_secs_ms(v, 60000, &u) || u < 100)
			return bad(name, v, "0.1 to 60 seconds");
		pd_cfg.deadline_ms = (unsigned int)u;
	} else if (!strcmp(name, "deadline-temp")) {
		return yesno(name, v, &pd_cfg.deadline_temp);
	} else if (!strcmp(name, "strict-testing")) {
		return yesno(name, v, &pd_cfg.strict_testing);
	} else if (!strcmp(name, "recheck")) {
		NEED;
		if (parse_uint(v, 31557600, &u) || u < 1)
			return bad(name, v, "1 to 31557600 seconds");
		pd_cfg.recheck = (unsigned int)u;
	} else if (!strcmp(name, "refresh")) {
		return yesno(name, v, &pd_cfg.refresh);
	} else if (!strcmp(name, "no-refresh")) {
		int no;

		if (yesno(name, v, &no))
			return -1;
		pd_cfg.refresh = !no;
	} else if (!strcmp(name, "workers")) {
		NEED;
		if (parse_uint(v, 256, &u) || u < 1)
			return bad(name, v, "1 to 256");
		pd_cfg.workers = (unsigned int)u;
	} else if (!strcmp(name, "max-clients")) {
		NEED;
		if (parse_uint(v, 1000000, &u) || u < 1)
			return bad(name, v, "1 to 1000000");
		pd_cfg.max_clients = (unsigned int)u;
	} else if (!strcmp(name, "save-interval")) {
		NEED;
		if (parse_uint(v, 86400, &u) || u < 1)
			return bad(name, v, "1 to 86400 seconds");
		pd_cfg.save_interval = (unsigned int)u;
	} else if (!strcmp(name, "lenient")) {
		return yesno(name, v, &pd_cfg.lenient);
	} else if (!strcmp(name, "foreground")) {
		return yesno(name, v, &pd_cfg.foreground);
	} else if (!strcmp(name, "syslog")) {
		return yesno(name, v, &pd_cfg.use_syslog);
	} else if (!strcmp(name, "verbose")) {
		return yesno(name, v, &pd_cfg.verbose);
	} else {
		fprintf(stderr, PD_NAME ": unknown option '%s'\n", name);
		return -1;
	}
	return 0;
#undef NEED
}

static int
takes_value(const char *name)
{
	static const char *const with[] = {
		"listen",     "cache-file",  "dns-server",    "ca-file",
		"connect-to", "timeout",     "deadline",      "recheck",
		"workers",    "max-clients", "save-interval", "config",
		NULL,
	};
	size_t i;

	for (i = 0; with[i]; i++)
		if (!strcmp(name, with[i]))
			return 1;
	return 0;
}

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' ||
	                 e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* "name = value" lines; "#" starts a comment line. */
static int
read_config(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	unsigned int no = 0;
	int rc = 0;

	if (!f) {
		fprintf(stderr, PD_NAME ": %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *s = trim(line), *eq, *name, *value;

		no++;
		if (!*s || *s == '#')
			continue;
		eq = strchr(s, '=');
		if (!eq) {
			fprintf(stderr,
			        PD_NAME ": %s:%u: expected name = value\n",
			        path, no);
			rc = -1;
			break;
		}
		*eq = '\0';
		name = trim(s);
		value = trim(eq + 1);
		if (!strcmp(name, "config") ||
		    apply_option(name, value, 0) != 0) {
			fprintf(stderr, PD_NAME ": %s:%u: in this line\n", path,
			        no);
			rc = -1;
			break;
		}
	}
	fclose(f);
	return rc;
}

static int
parse_args(int argc, char **argv)
{
	int i;

	/* the configuration file first, so that the command line wins */
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--config") && i + 1 < argc) {
			if (read_config(argv[i + 1]) != 0)
				return -1;
			i++;
		} else if (!strncmp(argv[i], "--config=", 9)) {
			if (read_config(argv[i] + 9) != 0)
				return -1;
		}
	}
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = NULL;
		char name[64];
		const char *eq;
		size_t nl;

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(usage_text, stdout);
			exit(0);
		}
		if (!strcmp(a, "--version")) {
			printf(PD_NAME " %s (libmtasts %s)\n",
			       MTASTS_VERSION_STRING, mtasts_version_string());
			exit(0);
		}
		if (!strcmp(a, "-v")) {
			pd_cfg.verbose = 1;
			continue;
		}
		if (strncmp(a, "--", 2) != 0) {
			fprintf(stderr, PD_NAME ": unexpected argument '%s'\n",
			        a);
			return -1;
		}
		a += 2;
		eq = strchr(a, '=');
		nl = eq ? (size_t)(eq - a) : strlen(a);
		if (nl >= sizeof(name)) {
			fprintf(stderr, PD_NAME ": unknown option '%s'\n",
			        argv[i]);
			return -1;
		}
		memcpy(name, a, nl);
		name[nl] = '\0';
		if (eq)
			v = eq + 1;
		else if (takes_value(name)) {
			if (i + 1 >= argc) {
				fprintf(stderr,
				        PD_NAME ": --%s needs a value\n", name);
				return -1;
			}
			v = argv[++i];
		}
		if (!strcmp(name, "config"))
			continue;
		if (apply_option(name, v, 1) != 0)
			return -1;
	}
	if (pd_cfg.n_listen == 0)
		pd_cfg.listen[pd_cfg.n_listen++] = "inet:127.0.0.1:8461";
	return 0;
}

/* ---- start ----------------------------------------------------------------------- */

static int
make_ctx(mtasts_ctx **out)
{
	mtasts_ctx *ctx;
	unsigned int ms = pd_cfg.timeout * 1000u;
	size_t i;

	if (mtasts_ctx_new(&ctx) != MTASTS_OK) {
		pd_log(PD_LOG_ERR, "cannot create the network context");
		return -1;
	}
	if (dns_joined &&
	    mtasts_ctx_set_dns_servers(ctx, dns_joined) != MTASTS_OK) {
		pd_log(PD_LOG_ERR,
		       "invalid --dns-server %s (IP[:PORT], IPv6 as [IP]:PORT)",
		       dns_joined);
		goto fail;
	}
	for (i = 0; i < pd_cfg.n_connect_to; i++)
		if (mtasts_ctx_add_connect_to(ctx, pd_cfg.connect_to[i]) !=
		    MTASTS_OK) {
			pd_log(PD_LOG_ERR,
			       "invalid --connect-to %s (HOST:PORT:ADDR:PORT)",
			       pd_cfg.connect_to[i]);
			goto fail;
		}
	if (pd_cfg.ca_file) {
		if (access(pd_cfg.ca_file, R_OK) != 0) {
			pd_log(PD_LOG_ERR, "--ca-file %s: %s", pd_cfg.ca_file,
			       strerror(errno));
			goto fail;
		}
		if (mtasts_ctx_set_ca_file(ctx, pd_cfg.ca_file) != MTASTS_OK)
			goto fail;
	}
	/* the whole fetch gets --timeout (R-31); a DNS query and a
	 * connection never more than the library's defaults */
	if (mtasts_ctx_set_timeout(ctx, MTASTS_TIMEOUT_TOTAL, ms) !=
	            MTASTS_OK ||
	    mtasts_ctx_set_timeout(ctx, MTASTS_TIMEOUT_CONNECT,
	                           ms < 10000u ? ms : 10000u) != MTASTS_OK ||
	    mtasts_ctx_set_timeout(ctx, MTASTS_TIMEOUT_DNS,
	                           ms < 5000u ? ms : 5000u) != MTASTS_OK)
		goto fail;
	*out = ctx;
	return 0;
fail:
	mtasts_ctx_free(ctx);
	return -1;
}

static int
detach(void)
{
	pid_t pid = fork();
	int fd;

	if (pid < 0)
		return -1;
	if (pid > 0)
		_exit(0);
	if (setsid() < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid > 0)
		_exit(0);
	if (chdir("/") != 0)
		return -1;
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	return 0;
}

int
main(int argc, char **argv)
{
	mtasts_ctx *ctx = NULL;
	struct rlimit rl;
	size_t i;
	int rc = 1;

	if (parse_args(argc, argv) != 0) {
		fputs("Try '" PD_NAME " --help'.\n", stderr);
		goto out;
	}
	log_syslog = pd_cfg.use_syslog || !pd_cfg.foreground;
	if (log_syslog)
		openlog(PD_NAME, LOG_PID, LOG_MAIL);
	if (mtasts_version() < MTASTS_VERSION_HEX)
		pd_log(PD_LOG_WARNING, "libmtasts %s is older than %s",
		       mtasts_version_string(), MTASTS_VERSION_STRING);
	if (!mtasts_net_available()) {
		pd_log(PD_LOG_ERR, "libmtasts was built without its network "
		                   "layer: nothing to fetch policies with");
		goto out;
	}
	/* one descriptor per client, plus listeners, workers' sockets */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max &&
	    rl.rlim_cur < (rlim_t)pd_cfg.max_clients + 256) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (make_ctx(&ctx) != 0 || pd_store_init() != MTASTS_OK)
		goto out;
	if (pd_cfg.cache_file && pd_store_load(pd_cfg.cache_file) != 0)
		pd_log(PD_LOG_WARNING,
		       "starting with an empty cache: domains are looked up "
		       "afresh");
	if (!pd_cfg.foreground && detach() != 0) {
		pd_log(PD_LOG_ERR, "cannot detach: %s", strerror(errno));
		goto out;
	}
	rc = pd_loop_run(ctx) == 0 ? 0 : 1;
out:
	pd_store_free();
	mtasts_ctx_free(ctx);
	free(dns_joined);
	for (i = 0; i < n_owned; i++)
		free(owned[i]);
	if (log_syslog)
		closelog();
	return rc;
}
