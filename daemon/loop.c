/* SPDX-License-Identifier: MIT */
/*
 * The event loop: one thread, epoll, non-blocking sockets. Clients speak
 * the socketmap protocol (Postfix proto/socketmap_table): netstrings
 * "LEN:NAME KEY," answered in order by "LEN:OK data,", "LEN:NOTFOUND ,",
 * "LEN:TEMP reason," or "LEN:PERM reason,". Blocking library calls run in a
 * small worker pool; finished jobs come back through an eventfd.
 */
#include "policyd.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* Output a client has not read yet: past this, its requests wait. */
#define OUT_HIGH 262144

volatile int pd_stop;

static struct {
	int epfd, efd;
	int lfd[PD_MAX_LISTEN];
	char *lpath[PD_MAX_LISTEN];
	size_t n_listen;
	size_t n_conns;
	struct pd_conn *dl_head, *dl_tail;
	struct pd_conn *all, *dead;
	int64_t last_full_warn;
} L;

/* epoll user data for the non-client descriptors */
static char tag_event, tag_listen[PD_MAX_LISTEN];

/* ---- the worker pool --------------------------------------------------------- */

static struct {
	pthread_t *threads;
	unsigned int n, started, busy;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct pd_job **todo;
	size_t todo_head, todo_len;
	struct pd_job **done;
	size_t done_len;
	int stop;
	mtasts_ctx *ctx;
} pool = { .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER };

static void *
worker_main(void *arg)
{
	uint64_t one = 1;

	(void)arg;
	for (;;) {
		struct pd_job *job;

		pthread_mutex_lock(&pool.mu);
		while (!pool.stop && pool.todo_len == 0)
			pthread_cond_wait(&pool.cv, &pool.mu);
		if (pool.todo_len == 0) {
			pthread_mutex_unlock(&pool.mu);
			return NULL;
		}
		job = pool.todo[pool.todo_head];
		pool.todo_head = (pool.todo_head + 1) % pool.n;
		pool.todo_len--;
		pthread_mutex_unlock(&pool.mu);

		pd_job_run(job, pool.ctx);

		pthread_mutex_lock(&pool.mu);
		pool.done[pool.done_len++] = job;
		pthread_mutex_unlock(&pool.mu);
		while (write(L.efd, &one, sizeof(one)) < 0 && errno == EINTR)
			;
	}
}

unsigned int
pd_pool_idle(void)
{
	return pool.n - pool.busy;
}

int
pd_pool_submit(struct pd_job *job)
{
	if (pool.busy >= pool.n)
		return 0;
	pthread_mutex_lock(&pool.mu);
	pool.todo[(pool.todo_head + pool.todo_len) % pool.n] = job;
	pool.todo_len++;
	pthread_cond_signal(&pool.cv);
	pthread_mutex_unlock(&pool.mu);
	pool.busy++;
	return 1;
}

static int
pool_start(mtasts_ctx *ctx, unsigned int n)
{
	unsigned int i;

	pool.ctx = ctx;
	pool.n = n;
	pool.threads = calloc(n, sizeof(*pool.threads));
	pool.todo = calloc(n, sizeof(*pool.todo));
	pool.done = calloc(n, sizeof(*pool.done));
	if (!pool.threads || !pool.todo || !pool.done)
		return -1;
	for (i = 0; i < n; i++) {
		if (pthread_create(&pool.threads[i], NULL, worker_main, NULL) !=
		    0)
			return -1;
		pool.started++;
	}
	return 0;
}

/* Apply what the workers finished. */
static void
pool_drain(void)
{
	struct pd_job *done[256];
	size_t n, i;
	uint64_t v;

	while (read(L.efd, &v, sizeof(v)) < 0 && errno == EINTR)
		;
	for (;;) {
		pthread_mutex_lock(&pool.mu);
		n = pool.done_len < 256 ? pool.done_len : 256;
		memcpy(done, pool.done + pool.done_len - n, n * sizeof(*done));
		pool.done_len -= n;
		pthread_mutex_unlock(&pool.mu);
		if (n == 0)
			return;
		for (i = 0; i < n; i++) {
			pool.busy--;
			pd_job_done(done[i]);
		}
	}
}

static void
pool_stop(void)
{
	unsigned int i;

	pthread_mutex_lock(&pool.mu);
	pool.stop = 1;
	pool.todo_len = 0; /* queued jobs stay in the resolver's registry */
	pthread_cond_broadcast(&pool.cv);
	pthread_mutex_unlock(&pool.mu);
	for (i = 0; i < pool.started; i++)
		pthread_join(pool.threads[i], NULL);
	/* the last results are applied, so that the cache file has them */
	pool.busy = pool.n; /* nothing new is submitted from now on */
	pthread_mutex_lock(&pool.mu);
	while (pool.done_len) {
		struct pd_job *j = pool.done[--pool.done_len];

		pthread_mutex_unlock(&pool.mu);
		pd_job_done(j);
		pthread_mutex_lock(&pool.mu);
	}
	pthread_mutex_unlock(&pool.mu);
	free(pool.threads);
	free(pool.todo);
	free(pool.done);
}

/* ---- listeners ---------------------------------------------------------------- */

static int
set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static int
listen_unix(const char *path, char **keep)
{
	struct sockaddr_un sa;
	struct stat st;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		pd_log(PD_LOG_ERR, "socket path too long: %s", path);
		return -1;
	}
	/* a socket left by an earlier run is replaced; nothing else is */
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			pd_log(PD_LOG_ERR, "%s exists and is not a socket",
			       path);
			return -1;
		}
		unlink(path);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    chmod(path, 0666) != 0 || listen(fd, 256) != 0) {
		pd_log(PD_LOG_ERR, "cannot listen on %s: %s", path,
		       strerror(errno));
		close(fd);
		return -1;
	}
	*keep = strdup(path);
	return fd;
}

static int
listen_inet(const char *spec)
{
	char host[256];
	const char *port = strrchr(spec, ':');
	struct addrinfo hints, *ai = NULL;
	size_t hl;
	int fd, one = 1, rc;

	if (!port || port == spec ||
	    (hl = (size_t)(port - spec)) >= sizeof(host))
		goto bad;
	memcpy(host, spec, hl);
	host[hl] = '\0';
	if (host[0] == '[' && hl > 2 && host[hl - 1] == ']') {
		memmove(host, host + 1, hl - 2);
		host[hl - 2] = '\0';
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	rc = getaddrinfo(host, port + 1, &hints, &ai);
	if (rc != 0 || !ai)
		goto bad;
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		freeaddrinfo(ai);
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 ||
	    listen(fd, 256) != 0) {
		pd_log(PD_LOG_ERR, "cannot listen on inet:%s: %s", spec,
		       strerror(errno));
		close(fd);
		freeaddrinfo(ai);
		return -1;
	}
	freeaddrinfo(ai);
	return fd;
bad:
	if (ai)
		freeaddrinfo(ai);
	pd_log(PD_LOG_ERR, "invalid listen address inet:%s (ADDR:PORT)", spec);
	return -1;
}

static int
open_listeners(void)
{
	size_t i;

	for (i = 0; i < pd_cfg.n_listen; i++) {
		const char *s = pd_cfg.listen[i];
		int fd;

		L.lpath[i] = NULL;
		if (strncmp(s, "unix:", 5) == 0)
			fd = listen_unix(s + 5, &L.lpath[i]);
		else if (strncmp(s, "inet:", 5) == 0)
			fd = listen_inet(s + 5);
		else {
			pd_log(PD_LOG_ERR,
			       "invalid --listen %s (unix:PATH or "
			       "inet:ADDR:PORT)",
			       s);
			fd = -1;
		}
		if (fd < 0 || set_nonblock(fd) != 0)
			return -1;
		L.lfd[L.n_listen++] = fd;
		pd_log(PD_LOG_INFO, "listening on %s", s);
	}
	return 0;
}

/* ---- clients -------------------------------------------------------------------- */

static void
set_events(struct pd_conn *c)
{
	struct epoll_event ev;
	uint32_t want = 0;

	if (!c->closing && c->in_len < pd_cfg.max_request + 32 &&
	    c->out_len - c->out_off < OUT_HIGH)
		want |= EPOLLIN;
	if (c->out_len > c->out_off)
		want |= EPOLLOUT;
	if (want == c->events)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.events = want;
	ev.data.ptr = c;
	epoll_ctl(L.epfd, EPOLL_CTL_MOD, c->fd, &ev);
	c->events = want;
}

static void
dl_remove(struct pd_conn *c)
{
	if (!c->dl_prev && L.dl_head != c)
		return;
	if (c->dl_prev)
		c->dl_prev->dl_next = c->dl_next;
	else
		L.dl_head = c->dl_next;
	if (c->dl_next)
		c->dl_next->dl_prev = c->dl_prev;
	else
		L.dl_tail = c->dl_prev;
	c->dl_prev = c->dl_next = NULL;
}

static void
dl_append(struct pd_conn *c)
{
	/* every deadline is arrival + --deadline: the list stays sorted */
	c->dl_next = NULL;
	c->dl_prev = L.dl_tail;
	if (L.dl_tail)
		L.dl_tail->dl_next = c;
	else
		L.dl_head = c;
	L.dl_tail = c;
}

static void
conn_close(struct pd_conn *c)
{
	pd_resolve_forget(c);
	dl_remove(c);
	if (c->all_prev)
		c->all_prev->all_next = c->all_next;
	else
		L.all = c->all_next;
	if (c->all_next)
		c->all_next->all_prev = c->all_prev;
	epoll_ctl(L.epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c->in);
	free(c->out);
	c->in = c->out = NULL;
	/* freed after the current batch of events, which may still name it
	 * (a reply to a waiting client can find it gone) */
	c->fd = -1;
	c->all_prev = NULL;
	c->all_next = L.dead;
	L.dead = c;
	L.n_conns--;
}

static void
free_dead(void)
{
	while (L.dead) {
		struct pd_conn *c = L.dead;

		L.dead = c->all_next;
		free(c);
	}
}

static int
out_reserve(struct pd_conn *c, size_t n)
{
	if (c->out_off && c->out_off == c->out_len)
		c->out_off = c->out_len = 0;
	if (c->out_len + n > c->out_cap) {
		size_t cap = c->out_cap ? c->out_cap : 256;
		char *p;

		if (c->out_off) {
			memmove(c->out, c->out + c->out_off,
			        c->out_len - c->out_off);
			c->out_len -= c->out_off;
			c->out_off = 0;
		}
		while (cap < c->out_len + n)
			cap *= 2;
		if (cap != c->out_cap) {
			p = realloc(c->out, cap);
			if (!p)
				return -1;
			c->out = p;
			c->out_cap = cap;
		}
	}
	return 0;
}

/* Queue one netstring reply. */
static void
put_reply(struct pd_conn *c, const char *text, size_t len)
{
	char head[24];
	int hl = snprintf(head, sizeof(head), "%zu:", len);

	if (out_reserve(c, (size_t)hl + len + 1) != 0) {
		c->closing = 1;
		return;
	}
	memcpy(c->out + c->out_len, head, (size_t)hl);
	memcpy(c->out + c->out_len + hl, text, len);
	c->out[c->out_len + (size_t)hl + len] = ',';
	c->out_len += (size_t)hl + len + 1;
}

/* Write what can be written; 0, or -1 when the client is gone (closed). */
static int
flush(struct pd_conn *c)
{
	while (c->out_off < c->out_len) {
		ssize_t w = send(c->fd, c->out + c->out_off,
		                 c->out_len - c->out_off, MSG_NOSIGNAL);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			conn_close(c);
			return -1;
		}
		c->out_off += (size_t)w;
	}
	if (c->out_off == c->out_len)
		c->out_off = c->out_len = 0;
	if (c->closing && c->out_len == 0) {
		conn_close(c);
		return -1;
	}
	set_events(c);
	return 0;
}

/* One netstring at the start of b[0..n): 1 and its payload, 0 when more
 * bytes are needed, -1 when it is malformed or longer than max. */
static int
netstring(const char *b, size_t n, size_t max, size_t *off, size_t *len,
          size_t *total)
{
	size_t i = 0, v = 0;

	while (i < n && b[i] >= '0' && b[i] <= '9') {
		if (i == 7)
			return -1;
		v = v * 10 + (size_t)(b[i] - '0');
		i++;
	}
	if (i == n)
		return i > 7 ? -1 : 0;
	if (i == 0 || b[i] != ':' || (b[0] == '0' && i > 1) || v > max)
		return -1;
	if (n < i + 1 + v + 1)
		return 0;
	if (b[i + 1 + v] != ',')
		return -1;
	*off = i + 1;
	*len = v;
	*total = i + 1 + v + 1;
	return 1;
}

static void
request(struct pd_conn *c, const char *p, size_t n)
{
	const char *sp = memchr(p, ' ', n);
	char domain[256];
	struct pd_reply r;
	int dialect;

	if (!sp) {
		put_reply(c, "PERM malformed request (NAME KEY)", 33);
		return;
	}
	dialect = pd_dialect(p, (size_t)(sp - p));
	if (!dialect) {
		static const char msg[] = "PERM unknown socketmap name (use "
		                          "postfix or postfix-tlsrpt)";
		put_reply(c, msg, sizeof(msg) - 1);
		return;
	}
	if (!pd_normalize_key(sp + 1, n - (size_t)(sp + 1 - p), domain)) {
		pd_stats.requests++;
		put_reply(c, "NOTFOUND ", 9);
		return;
	}
	if (pd_resolve(c, domain, dialect, &r)) {
		if (r.text)
			put_reply(c, r.text, r.len);
		else
			put_reply(c, "TEMP out of memory", 18);
		free(r.text);
		return;
	}
	c->waiting = 1;
	c->deadline_ms = pd_mono_ms() + pd_cfg.deadline_ms;
	dl_append(c);
}

/* Answer the requests that are complete, in order, one at a time. */
static void
process(struct pd_conn *c)
{
	size_t used = 0;

	while (!c->waiting && !c->closing &&
	       c->out_len - c->out_off < OUT_HIGH) {
		size_t off, len, total;
		int rc = netstring(c->in + used, c->in_len - used,
		                   pd_cfg.max_request, &off, &len, &total);

		if (rc == 0)
			break;
		if (rc < 0) {
			/* a protocol error: no resynchronisation is possible */
			pd_log(PD_LOG_DEBUG,
			       "client sent a malformed or oversized netstring: "
			       "closing");
			c->closing = 1;
			break;
		}
		request(c, c->in + used + off, len);
		used += total;
	}
	if (used) {
		memmove(c->in, c->in + used, c->in_len - used);
		c->in_len -= used;
	}
}

void
pd_conn_reply(struct pd_conn *c, char *text, size_t len)
{
	dl_remove(c);
	c->waiting = 0;
	if (text)
		put_reply(c, text, len);
	else
		put_reply(c, "TEMP out of memory", 18);
	free(text);
	process(c);
	flush(c);
}

static void
on_readable(struct pd_conn *c)
{
	size_t cap = pd_cfg.max_request + 32;

	for (;;) {
		ssize_t r;

		if (c->in_len == c->in_cap) {
			size_t nc = c->in_cap ? c->in_cap * 4 : 512;
			char *p;

			if (c->in_cap >= cap)
				break;
			if (nc > cap)
				nc = cap;
			p = realloc(c->in, nc);
			if (!p) {
				conn_close(c);
				return;
			}
			c->in = p;
			c->in_cap = nc;
		}
		r = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len, 0);
		if (r > 0) {
			c->in_len += (size_t)r;
			/* a short read drained the socket: no recv() that
			 * would only say EAGAIN (epoll reports the rest) */
			if (c->in_len < c->in_cap)
				break;
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		/* end of stream or error: nobody reads the answers */
		conn_close(c);
		return;
	}
	process(c);
	flush(c);
}

static void
on_accept(int lfd)
{
	for (;;) {
		struct epoll_event ev;
		struct pd_conn *c;
		int fd = accept(lfd, NULL, NULL);

		if (fd < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				pd_log(PD_LOG_WARNING, "accept: %s",
				       strerror(errno));
			return;
		}
		if (L.n_conns >= pd_cfg.max_clients) {
			int64_t now = pd_now();

			if (now != L.last_full_warn)
				pd_log(PD_LOG_WARNING,
				       "%u clients connected: refusing more "
				       "(--max-clients)",
				       pd_cfg.max_clients);
			L.last_full_warn = now;
			close(fd);
			continue;
		}
		c = calloc(1, sizeof(*c));
		if (!c || set_nonblock(fd) != 0 ||
		    fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) {
			free(c);
			close(fd);
			continue;
		}
		c->fd = fd;
		c->events = EPOLLIN;
		memset(&ev, 0, sizeof(ev));
		ev.events = EPOLLIN;
		ev.data.ptr = c;
		if (epoll_ctl(L.epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
			free(c);
			close(fd);
			continue;
		}
		c->all_next = L.all;
		if (L.all)
			L.all->all_prev = c;
		L.all = c;
		L.n_conns++;
	}
}

/* Clients whose deadline passed get the answer for "no policy yet"; the
 * job goes on and fills the cache for later requests. */
static void
expire(int64_t now_ms)
{
	while (L.dl_head && L.dl_head->deadline_ms <= now_ms) {
		struct pd_conn *c = L.dl_head;
		static const char nf[] = "NOTFOUND ";
		static const char tf[] = "TEMP policy lookup in progress";
		const char *t = pd_cfg.deadline_temp ? tf : nf;
		size_t n =
		        pd_cfg.deadline_temp ? sizeof(tf) - 1 : sizeof(nf) - 1;
		char *copy = malloc(n + 1);

		pd_stats.timeouts++;
		pd_resolve_forget(c);
		if (copy)
			memcpy(copy, t, n + 1);
		pd_conn_reply(c, copy, n);
	}
}

/* ---- saving the cache file in the background ------------------------------------- */

static struct {
	int active; /* serialising, a slice per iteration */
	struct pd_savebuf sb;
	pthread_t writer;
	int writing;
	pthread_mutex_t mu;
	int written;
	int64_t last;
} save = { .mu = PTHREAD_MUTEX_INITIALIZER };

static void *
writer_main(void *arg)
{
	(void)arg;
	pd_store_write_file(pd_cfg.cache_file, save.sb.data, save.sb.len);
	pthread_mutex_lock(&save.mu);
	save.written = 1;
	pthread_mutex_unlock(&save.mu);
	return NULL;
}

static void
save_poll(int64_t now)
{
	int done;

	if (!pd_cfg.cache_file)
		return;
	if (save.writing) {
		pthread_mutex_lock(&save.mu);
		done = save.written;
		pthread_mutex_unlock(&save.mu);
		if (!done)
			return;
		pthread_join(save.writer, NULL);
		pd_log(PD_LOG_DEBUG, "cache file %s: %zu entries written",
		       pd_cfg.cache_file, save.sb.count);
		free(save.sb.data);
		memset(&save.sb, 0, sizeof(save.sb));
		save.writing = 0;
		save.written = 0;
	}
	if (!save.active && pd_store_dirty() &&
	    now - save.last >= (int64_t)pd_cfg.save_interval) {
		memset(&save.sb, 0, sizeof(save.sb));
		save.active = 1;
		save.last = now;
	}
}

static void
save_step(void)
{
	/* a slice small enough not to delay clients (about 0.3 ms) */
	int st = pd_store_save_step(&save.sb, 128);

	if (st == 0)
		return;
	save.active = 0;
	if (st < 0) {
		pd_log(PD_LOG_ERR, "cannot serialise the cache: out of memory");
		free(save.sb.data);
		memset(&save.sb, 0, sizeof(save.sb));
		return;
	}
	if (pthread_create(&save.writer, NULL, writer_main, NULL) != 0) {
		pd_store_write_file(pd_cfg.cache_file, save.sb.data,
		                    save.sb.len);
		free(save.sb.data);
		memset(&save.sb, 0, sizeof(save.sb));
		return;
	}
	save.writing = 1;
}

static void
save_finish(void)
{
	if (save.writing) {
		pthread_join(save.writer, NULL);
		save.writing = 0;
	}
	free(save.sb.data);
	memset(&save.sb, 0, sizeof(save.sb));
	save.active = 0;
}

/* ---- the loop ------------------------------------------------------------------------ */

static void
on_signal(int sig)
{
	(void)sig;
	pd_stop = 1;
}

int
pd_loop_run(mtasts_ctx *ctx)
{
	struct epoll_event ev, evs[128];
	struct sigaction sa;
	int64_t last_tick = 0;
	size_t i;
	int rc = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	L.epfd = epoll_create1(EPOLL_CLOEXEC);
	L.efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (L.epfd < 0 || L.efd < 0) {
		pd_log(PD_LOG_ERR, "epoll/eventfd: %s", strerror(errno));
		return -1;
	}
	if (open_listeners() != 0)
		return -1;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.ptr = &tag_event;
	epoll_ctl(L.epfd, EPOLL_CTL_ADD, L.efd, &ev);
	for (i = 0; i < L.n_listen; i++) {
		ev.data.ptr = &tag_listen[i];
		epoll_ctl(L.epfd, EPOLL_CTL_ADD, L.lfd[i], &ev);
	}
	/* workers start after the listeners, so that a daemon that cannot
	 * listen exits at once */
	if (pool_start(ctx, pd_cfg.workers) != 0) {
		pd_log(PD_LOG_ERR, "cannot start the worker threads");
		rc = -1;
		pd_stop = 1;
	}
	save.last = pd_now();
	if (!pd_stop)
		pd_log(PD_LOG_INFO,
		       "ready: %zu cached domains, %u workers, IDN %s",
		       pd_store_count(), pd_cfg.workers,
		       pd_idn_available() ? "keys converted to A-labels"
		                          : "keys answered NOTFOUND");
	while (!pd_stop) {
		int64_t now_ms = pd_mono_ms();
		int timeout = 1000, n, k;

		if (save.active)
			timeout = 0;
		else if (L.dl_head) {
			int64_t d = L.dl_head->deadline_ms - now_ms;

			if (d < timeout)
				timeout = d < 0 ? 0 : (int)d;
		}
		n = epoll_wait(L.epfd, evs, 128, timeout);
		if (n < 0 && errno != EINTR) {
			pd_log(PD_LOG_ERR, "epoll_wait: %s", strerror(errno));
			rc = -1;
			break;
		}
		for (k = 0; k < n; k++) {
			void *p = evs[k].data.ptr;

			if (p == &tag_event) {
				pool_drain();
				continue;
			}
			if ((char *)p >= tag_listen &&
			    (char *)p < tag_listen + PD_MAX_LISTEN) {
				on_accept(L.lfd[(char *)p - tag_listen]);
				continue;
			}
			if (((struct pd_conn *)p)->fd < 0)
				continue; /* closed earlier in this batch */
			if (evs[k].events & (EPOLLERR | EPOLLHUP) &&
			    !(evs[k].events & EPOLLIN)) {
				conn_close(p);
				continue;
			}
			if (evs[k].events & EPOLLOUT &&
			    flush((struct pd_conn *)p) < 0)
				continue;
			if (evs[k].events & EPOLLIN)
				on_readable(p);
		}
		now_ms = pd_mono_ms();
		expire(now_ms);
		if (now_ms - last_tick >= 1000) {
			last_tick = now_ms;
			pd_resolve_tick();
			save_poll(pd_now());
		}
		if (save.active)
			save_step();
		free_dead();
	}
	pd_log(PD_LOG_INFO,
	       "stopping: %llu requests (%llu from the cache, %llu waited, "
	       "%llu past the deadline), %llu TXT lookups, %llu fetches",
	       pd_stats.requests, pd_stats.hits, pd_stats.waits,
	       pd_stats.timeouts, pd_stats.lookups, pd_stats.fetches);
	for (i = 0; i < L.n_listen; i++) {
		close(L.lfd[i]);
		if (L.lpath[i])
			unlink(L.lpath[i]);
		free(L.lpath[i]);
	}
	if (pool.started)
		pool_stop();
	save_finish();
	if (pd_cfg.cache_file && pd_store_save(pd_cfg.cache_file) != 0)
		rc = -1;
	/* the clients still connected */
	while (L.all)
		conn_close(L.all);
	free_dead();
	pd_resolve_free();
	close(L.efd);
	close(L.epfd);
	return rc;
}
