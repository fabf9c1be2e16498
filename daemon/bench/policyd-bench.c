/* SPDX-License-Identifier: MIT */
/*
 * A load benchmark for socketmap policy daemons (a program, not a timed
 * test): N concurrent clients over a UNIX socket ask for cached domains,
 * one request at a time each (as Postfix's smtp processes do), chosen at
 * random; it reports lookups per second, latency percentiles and the
 * daemon's memory.
 *
 *   policyd-bench --daemon BUILD/daemon/mtasts-policyd [--domains 100000]
 *                 [--clients 100] [--seconds 10]
 *       writes a cache file of DOMAINS enforce policies, starts the daemon
 *       on it (no network: its DNS server is a closed port) and measures it
 *   policyd-bench --socket PATH --pid PID [--name postfix] ...
 *       measures a daemon that is already running (another
 *       implementation, whose cache holds the same domains)
 *   policyd-bench --write-cache FILE --domains N
 *       only writes the cache file
 *
 * The domains are domain-NNNNNN.example, each with the policy
 * "mode: enforce, mx: mx1.<domain>, mx: mx2.<domain>, max_age: 604800".
 */
#define _GNU_SOURCE 1

#include <mtasts.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static unsigned long n_domains = 100000, n_clients = 100;
static double seconds = 10, warmup = 1;
static const char *sock_path, *map_name = "postfix";
static volatile int phase; /* 0 warm-up, 1 measuring, 2 stop */

struct client {
	pthread_t th;
	uint32_t *lat; /* nanoseconds, measuring phase */
	size_t n, cap;
	unsigned long errors, notfound;
	uint64_t seed;
};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void
domain_name(char *buf, size_t size, unsigned long i)
{
	snprintf(buf, size, "domain-%06lu.example", i);
}

static int
write_cache(const char *path)
{
	FILE *f = fopen(path, "w");
	int64_t now = (int64_t)time(NULL);
	unsigned long i;

	if (!f) {
		perror(path);
		return -1;
	}
	fputs("mtasts-policyd-cache 1\n", f);
	for (i = 0; i < n_domains; i++) {
		char d[64], text[256], *ser;
		mtasts_policy *p;
		mtasts_cache_entry *e;
		size_t sl;
		int n;

		domain_name(d, sizeof(d), i);
		n = snprintf(text, sizeof(text),
		             "version: STSv1\nmode: enforce\nmx: mx1.%s\n"
		             "mx: mx2.%s\nmax_age: 604800\n",
		             d, d);
		if (mtasts_policy_parse(&p, text, (size_t)n, 0, NULL) !=
		            MTASTS_OK ||
		    mtasts_cache_entry_new(&e, d) != MTASTS_OK ||
		    mtasts_cache_entry_store(e, p, "20240101000000", now) !=
		            MTASTS_OK ||
		    mtasts_cache_entry_serialize(e, &ser, &sl) != MTASTS_OK) {
			fprintf(stderr, "cannot make entry %lu\n", i);
			fclose(f);
			return -1;
		}
		/* the TXT record was seen now with the same id: nothing to
		 * look up during the run */
		fprintf(f, "txt 1 %lld 20240101000000\nentry %zu\n",
		        (long long)now, sl);
		fwrite(ser, 1, sl, f);
		mtasts_free(ser);
		mtasts_cache_entry_free(e);
		mtasts_policy_free(p);
	}
	return fclose(f);
}

static int
connect_unix(const char *path)
{
	struct sockaddr_un sa;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Read one netstring reply into buf; its payload length, or -1. */
static ssize_t
read_reply(int fd, char *buf, size_t size)
{
	size_t have = 0, need = 0, hl = 0;

	for (;;) {
		ssize_t r = read(fd, buf + have, size - have);

		if (r <= 0)
			return -1;
		have += (size_t)r;
		if (!need) {
			char *colon = memchr(buf, ':', have);

			if (!colon)
				continue;
			hl = (size_t)(colon - buf) + 1;
			need = hl + strtoul(buf, NULL, 10) + 1;
			if (need > size)
				return -1;
		}
		if (have >= need)
			return (ssize_t)(need - hl - 1);
	}
}

static void *
client_main(void *arg)
{
	struct client *c = arg;
	char req[256], buf[4096];
	int fd = connect_unix(sock_path);

	if (fd < 0) {
		c->errors++;
		return NULL;
	}
	while (phase < 2) {
		char d[64];
		int n, m;
		int64_t t0;
		ssize_t rl;

		c->seed ^= c->seed << 13;
		c->seed ^= c->seed >> 7;
		c->seed ^= c->seed << 17;
		domain_name(d, sizeof(d), (unsigned long)(c->seed % n_domains));
		m = (int)strlen(map_name) + 1 + (int)strlen(d);
		n = snprintf(req, sizeof(req), "%d:%s %s,", m, map_name, d);
		t0 = now_ns();
		if (write(fd, req, (size_t)n) != n) {
			c->errors++;
			break;
		}
		rl = read_reply(fd, buf, sizeof(buf));
		if (rl < 0) {
			c->errors++;
			break;
		}
		if (phase == 1) {
			int64_t dt = now_ns() - t0;
			char *colon = memchr(buf, ':', 16);

			if (c->n == c->cap) {
				size_t cap = c->cap ? c->cap * 2 : 65536;
				uint32_t *p = realloc(c->lat, cap * sizeof(*p));

				if (!p)
					break;
				c->lat = p;
				c->cap = cap;
			}
			c->lat[c->n++] =
			        dt > UINT32_MAX ? UINT32_MAX : (uint32_t)dt;
			if (!colon ||
			    strncmp(colon + 1, "OK secure match=", 16) != 0)
				c->notfound++;
		}
	}
	close(fd);
	return NULL;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static long
status_kb(pid_t pid, const char *key)
{
	char path[64], line[256];
	FILE *f;
	long v = -1;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, strlen(key)) == 0)
			v = atol(line + strlen(key));
	fclose(f);
	return v;
}

/* The CPU time of a process and its threads, in seconds. */
static double
cpu_s(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long ut = 0, st = 0;
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return 0;
	}
	fclose(f);
	p = strrchr(buf, ')');
	for (i = 0; p && i < 12; i++)
		p = strchr(p + 1, ' ');
	if (p && sscanf(p + 1, "%lu %lu", &ut, &st) != 2)
		return 0;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static int
run(pid_t pid, const char *label)
{
	struct client *cl = calloc(n_clients, sizeof(*cl));
	size_t total = 0, k = 0, i;
	unsigned long errors = 0, notfound = 0;
	uint32_t *all;
	double t0, t1, c0, c1;
	long rss0 = status_kb(pid, "VmRSS:");

	if (!cl)
		return -1;
	phase = 0;
	for (i = 0; i < n_clients; i++) {
		cl[i].seed = 0x9E3779B97F4A7C15ull * (i + 1);
		pthread_create(&cl[i].th, NULL, client_main, &cl[i]);
	}
	usleep((useconds_t)(warmup * 1e6));
	c0 = cpu_s(pid);
	t0 = now_s();
	phase = 1;
	usleep((useconds_t)(seconds * 1e6));
	phase = 2;
	t1 = now_s();
	c1 = cpu_s(pid);
	for (i = 0; i < n_clients; i++) {
		pthread_join(cl[i].th, NULL);
		total += cl[i].n;
		errors += cl[i].errors;
		notfound += cl[i].notfound;
	}
	all = malloc((total ? total : 1) * sizeof(*all));
	for (i = 0; all && i < n_clients; i++) {
		memcpy(all + k, cl[i].lat, cl[i].n * sizeof(*all));
		k += cl[i].n;
		free(cl[i].lat);
	}
	free(cl);
	if (!all)
		return -1;
	qsort(all, total, sizeof(*all), cmp_u32);
#define PCT(p) (total ? all[(size_t)((double)(total - 1) * (p))] / 1000.0 : 0)
	printf("%s: %lu clients, %lu cached domains, %.1f s\n", label,
	       n_clients, n_domains, t1 - t0);
	printf("  lookups/s      %.0f\n", (double)total / (t1 - t0));
	printf("  latency (us)   p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  "
	       "max %.1f\n",
	       PCT(0.5), PCT(0.9), PCT(0.99), PCT(0.999), PCT(1.0));
	printf("  daemon CPU     %.2f cores\n", (c1 - c0) / (t1 - t0));
	printf("  daemon memory  VmRSS %ld kB (before the run %ld kB), "
	       "VmHWM %ld kB, RssAnon %ld kB\n",
	       status_kb(pid, "VmRSS:"), rss0, status_kb(pid, "VmHWM:"),
	       status_kb(pid, "RssAnon:"));
	printf("  errors %lu, answers other than OK secure: %lu\n", errors,
	       notfound);
	free(all);
	return errors ? 1 : 0;
}

static void
usage(void)
{
	fputs("usage: policyd-bench --daemon PATH | --socket PATH --pid PID |\n"
	      "       --write-cache FILE  [--domains N] [--clients N]\n"
	      "       [--seconds S] [--name MAP] [--dir DIR]\n",
	      stderr);
	exit(2);
}

int
main(int argc, char **argv)
{
	const char *daemon = NULL, *write_only = NULL, *dir = NULL;
	char tmpdir[] = "/tmp/policyd-bench-XXXXXX", cache[512], sock[512];
	pid_t pid = 0;
	int i, rc;

	/* options come in pairs: --name value */
	for (i = 1; i < argc; i += 2) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v)
			usage();
		if (!strcmp(a, "--daemon"))
			daemon = v;
		else if (!strcmp(a, "--socket"))
			sock_path = v;
		else if (!strcmp(a, "--pid"))
			pid = (pid_t)atoi(v);
		else if (!strcmp(a, "--write-cache"))
			write_only = v;
		else if (!strcmp(a, "--domains"))
			n_domains = strtoul(v, NULL, 10);
		else if (!strcmp(a, "--clients"))
			n_clients = strtoul(v, NULL, 10);
		else if (!strcmp(a, "--seconds"))
			seconds = atof(v);
		else if (!strcmp(a, "--name"))
			map_name = v;
		else if (!strcmp(a, "--dir"))
			dir = v;
		else
			usage();
	}
	if (n_domains == 0 || n_clients == 0 || seconds <= 0)
		usage();
	if (write_only)
		return write_cache(write_only) == 0 ? 0 : 1;
	if (sock_path) {
		if (!pid)
			usage();
		return run(pid, sock_path) == 0 ? 0 : 1;
	}
	if (!daemon)
		usage();
	if (!dir) {
		if (!mkdtemp(tmpdir)) {
			perror("mkdtemp");
			return 1;
		}
		dir = tmpdir;
	}
	snprintf(cache, sizeof(cache), "%s/cache", dir);
	snprintf(sock, sizeof(sock), "%s/socket", dir);
	if (write_cache(cache) != 0)
		return 1;
	pid = fork();
	if (pid == 0) {
		char listen[600];

		snprintf(listen, sizeof(listen), "unix:%s", sock);
		execl(daemon, daemon, "--foreground", "--listen", listen,
		      "--cache-file", cache, "--dns-server", "127.0.0.1:9",
		      "--workers", "2", (char *)NULL);
		perror(daemon);
		_exit(127);
	}
	for (i = 0; i < 600; i++) {
		struct stat st;
		int fd;

		if (stat(sock, &st) == 0 && (fd = connect_unix(sock)) >= 0) {
			close(fd);
			break;
		}
		usleep(50000);
	}
	sock_path = sock;
	rc = run(pid, "mtasts-policyd");
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	unlink(cache);
	if (dir == tmpdir)
		rmdir(tmpdir);
	return rc == 0 ? 0 : 1;
}
