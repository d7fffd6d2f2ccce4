/* The HTTP side of `behind serve` (serve.h): libmicrohttpd with a thread
 * pool, one dispatch function that applies every rule of the house before
 * a route handler runs, and a pool of read-only store handles.
 *
 * Rules (issue 8): bind 127.0.0.1 unless told otherwise; on loopback the
 * Host header must name loopback (no DNS rebinding); URLs, bodies, query
 * time and rows are bounded; write routes exist only with --write, take a
 * JSON body, refuse foreign Origins and need the token printed at start-up
 * (which only a loopback server hands to its own page); assets come only from the embedded table; every
 * response carries a CSP without inline script or style but the page's own
 * blocks (by their hashes), nosniff and
 * frame-ancestors 'none'; no CORS header is ever sent.
 *
 * Speed: store handles are kept open and reused (each with its page
 * cache), a read request runs in one read transaction (one snapshot for
 * all its queries), and successful read answers are kept in a response
 * cache (cache.h) keyed by the request and the store's generation, which a
 * dedicated handle watches with PRAGMA data_version: a commit by any other
 * process or connection starts a new generation. */
#include "serve/cache.h"
#include "serve/flight.h"
#include "serve/serveInt.h"
#include "util/err.h"
#include "util/json.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#define POOL_CAP 64

/* A pooled read-only store and the deadline its progress handler checks. */
typedef struct {
	bh_store *s;
	int64_t deadline_ns;
	int *timed_out;
	const int *stopping; /* the server's: set, every query stops */
	int fd;              /* the request's socket, -1 between requests */
	int64_t next_poll_ns;
	int gone;            /* its client closed the connection */
} pooled;

struct bh_server {
	struct MHD_Daemon *d;
	char *db;
	FILE *log;
	int write, loopback, listened, port, timeout_ms;
	char host[INET6_ADDRSTRLEN + 2]; /* as bound: "127.0.0.1", "[::1]" */
	char url[128];
	char token[65];
	pthread_mutex_t mu;
	pooled *idle[POOL_CAP];
	int nidle;
	bh_rcache *cache;   /* NULL: no response cache */
	bh_store *watch;    /* reads PRAGMA data_version, under watch_mu */
	pthread_mutex_t watch_mu;
	int64_t data_version;
	uint64_t generation;
	bh_flights *flights; /* NULL: identical requests are not coalesced */
	int stopping;        /* read by the progress handlers (atomically) */
	int active;          /* requests begun and not yet answered (atomically) */
	int lead_delay_ms;   /* tests: a leader waits this long before computing */
};

/* Per-connection state: the POST body as it arrives, and a request that
 * follows another's computation (flight.h): suspended until `woken`, then
 * answered with `shared` (owned), or computed alone (`solo`) when the
 * leader failed. */
typedef struct {
	struct MHD_Connection *conn;
	char *body;
	size_t len;
	int too_big;
	int following, woken, solo;
	char *shared;
	size_t shared_len;
	char shared_ctype[64];
	int64_t t0; /* when the request arrived, for the log */
	char *page_arg; /* a page's parameter taken from its path (page.c) */
} conn_state;

/* No inline script or style but the page's own blocks, by their hashes
 * (made with the assets, web/embed.mjs); set up by csp_init(). */
static char CSP[1024];

static void csp_init(void)
{
	snprintf(CSP, sizeof CSP,
		 "default-src 'none'; script-src 'self' %s; style-src 'self' %s; "
		 "img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; "
		 "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
		 bh_assets_csp_script, bh_assets_csp_style);
}

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* ---- the store pool --------------------------------------------------- */

/* Whether the client of p's request closed its side of the connection
 * (wrk at the end of a run, a browser that navigated away): its query
 * then stops, as it would past the deadline, instead of taking a core
 * from the requests still waited for (50 abandoned `who` ran ~7 s of CPU
 * into the next run). HTTP clients do not half-close while they wait. */
static int client_gone(pooled *p)
{
	struct pollfd pf = {.fd = p->fd, .events = POLLRDHUP};
	if (p->fd < 0 || poll(&pf, 1, 0) <= 0 || !(pf.revents & (POLLRDHUP | POLLHUP | POLLERR)))
		return 0;
	p->gone = 1;
	return 1;
}

/* SQLite calls this every few thousand VM steps: past the deadline, the
 * running statement is interrupted (SQLITE_INTERRUPT). */
static int progress(void *payload)
{
	pooled *p = payload;
	if (__atomic_load_n(p->stopping, __ATOMIC_RELAXED))
		return 1;
	int64_t now = now_ns();
	if (p->deadline_ns && now > p->deadline_ns) {
		if (p->timed_out)
			*p->timed_out = 1;
		return 1;
	}
	/* every 20 ms of a query: has its client gone? */
	if (p->fd >= 0 && now >= p->next_poll_ns) {
		p->next_poll_ns = now + 20 * 1000000;
		return client_gone(p);
	}
	return 0;
}

static void pooled_free(pooled *p)
{
	if (!p)
		return;
	bh_store_close(p->s);
	free(p);
}

/* A store handle for one request: an idle one, else a new read-only open. */
static int pool_get(pooled **out, bh_server *srv)
{
	pooled *p = NULL;
	int rc;

	*out = NULL;
	pthread_mutex_lock(&srv->mu);
	if (srv->nidle > 0)
		p = srv->idle[--srv->nidle];
	pthread_mutex_unlock(&srv->mu);
	if (p) {
		*out = p;
		return 0;
	}
	if (!(p = calloc(1, sizeof *p)))
		return bh_error_set(BH_ENOMEM, "out of memory");
	if ((rc = bh_store_open(&p->s, srv->db, BH_STORE_RO)) < 0) {
		free(p);
		return rc;
	}
	/* Pages are shared through mmap, as much of the store as SQLite maps
	 * (2 GiB in Debian's build; the store's default is 256 MiB): a page
	 * beyond the map is read into each handle's private cache, which
	 * stays small so that many handles are cheap. */
	sqlite3_exec(p->s->db, "PRAGMA cache_size=-16384; PRAGMA mmap_size=2147418112", NULL, NULL,
		     NULL);
	p->stopping = &srv->stopping;
	p->fd = -1;
	sqlite3_progress_handler(p->s->db, 4000, progress, p);
	*out = p;
	return 0;
}

static void pool_put(bh_server *srv, pooled *p)
{
	if (!p)
		return;
	p->deadline_ns = 0;
	p->timed_out = NULL;
	p->fd = -1;
	p->gone = 0;
	pthread_mutex_lock(&srv->mu);
	if (srv->nidle < POOL_CAP) {
		srv->idle[srv->nidle++] = p;
		p = NULL;
	}
	pthread_mutex_unlock(&srv->mu);
	pooled_free(p);
}

/* ---- request helpers (serveInt.h) ------------------------------------- */

const char *bh_req_arg(bh_req *r, const char *name)
{
	const char *v = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
	if (v && strlen(v) > BH_SERVE_MAX_PARAM)
		return NULL;
	return v;
}

int bh_req_fail(bh_req *r, int status, const char *fmt, ...)
{
	char msg[sizeof r->err];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	/* Whatever the handler wrote so far is dropped by serve_api(). */
	r->status = status;
	snprintf(r->err, sizeof r->err, "%s", msg);
	return BH_EUSAGE;
}

int bh_req_fail_rc(bh_req *r, int rc)
{
	if (r->timed_out)
		return bh_req_fail(r, 503, "the query took longer than the server allows; "
					   "narrow it (fewer years, a smaller limit)");
	switch (rc) {
	case BH_ENOTFOUND: return bh_req_fail(r, 404, "%s", bh_error_last());
	case BH_EUSAGE: return bh_req_fail(r, 400, "%s", bh_error_last());
	case BH_EBUSY: return bh_req_fail(r, 503, "%s", bh_error_last());
	default: return bh_req_fail(r, 500, "%s", bh_error_last());
	}
}

int bh_req_int(bh_req *r, int *out, const char *name, int def, int lo, int hi)
{
	const char *v = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
	char *end = NULL;
	long n;

	*out = def;
	if (!v || !*v)
		return 0;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || *end || n < lo || n > hi)
		return bh_req_fail(r, 400, "parameter %s must be an integer from %d to %d", name, lo,
				   hi);
	*out = (int)n;
	return 0;
}

int bh_req_text(bh_req *r, const char **out, const char *name)
{
	const char *v = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
	*out = NULL;
	if (!v || !*v)
		return bh_req_fail(r, 400, "parameter %s is required", name);
	if (strlen(v) > BH_SERVE_MAX_PARAM)
		return bh_req_fail(r, 400, "parameter %s is longer than %d bytes", name,
				   BH_SERVE_MAX_PARAM);
	*out = v;
	return 0;
}

/* ---- responses --------------------------------------------------------- */

static void add_headers(struct MHD_Response *resp, const char *ctype)
{
	if (ctype)
		MHD_add_response_header(resp, "Content-Type", ctype);
	MHD_add_response_header(resp, "Content-Security-Policy", CSP);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "Cross-Origin-Resource-Policy", "same-origin");
	MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
}

/* Queues `len` bytes of `body`; takes ownership of body when owned.
 * `x_cache` ("hit" or "miss" for a cacheable read, else NULL) becomes the
 * X-Behind-Cache header. */
static enum MHD_Result reply(struct MHD_Connection *c, int status, const char *ctype, char *body,
			     size_t len, int owned, const char *x_cache)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(
		len, body, owned ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ok;

	if (!resp) {
		if (owned)
			free(body);
		return MHD_NO;
	}
	add_headers(resp, ctype);
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	if (x_cache)
		MHD_add_response_header(resp, "X-Behind-Cache", x_cache);
	if (status == 405)
		MHD_add_response_header(resp, "Allow", "GET, HEAD, POST");
	if (status == 503) /* stopping, busy or over time: all pass */
		MHD_add_response_header(resp, "Retry-After", "2");
	ok = MHD_queue_response(c, (unsigned)status, resp);
	MHD_destroy_response(resp);
	return ok;
}

/* {"error": msg} into *body (owned by the caller); 0 or -1. */
static int error_json(char **body, size_t *len, const char *msg)
{
	FILE *f = open_memstream(body, len);
	if (!f)
		return -1;
	fputs("{\"error\":", f);
	bh_json_str(f, msg);
	fputs("}\n", f);
	if (fclose(f) != 0) {
		free(*body);
		*body = NULL;
		return -1;
	}
	return 0;
}

static enum MHD_Result reply_error(struct MHD_Connection *c, int status, const char *msg)
{
	char *body = NULL;
	size_t len = 0;
	if (error_json(&body, &len, msg) < 0)
		return MHD_NO;
	return reply(c, status, "application/json; charset=utf-8", body, len, 1, NULL);
}

/* ---- dispatch ---------------------------------------------------------- */

/* On loopback, Host must name loopback (or the bound address): a page on
 * another site that rebinds its DNS name to 127.0.0.1 sends its own name. */
static int loopback_host(const bh_server *srv, const char *host)
{
	const char *const names[] = {"127.0.0.1", "localhost", "[::1]", srv->host};
	char want[INET6_ADDRSTRLEN + 16];
	if (!host)
		return 0; /* HTTP/1.1 requires Host; refuse rather than guess */
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		snprintf(want, sizeof want, "%s:%d", names[i], srv->port);
		if (!strcmp(host, want) || (srv->port == 80 && !strcmp(host, names[i])))
			return 1;
	}
	return 0;
}

static int token_ok(const bh_server *srv, struct MHD_Connection *c)
{
	const char *t = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Behind-Token");
	size_t n = strlen(srv->token);
	unsigned char diff = 0;

	if (!n)
		return 1;
	if (!t || strlen(t) != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		diff |= (unsigned char)(t[i] ^ srv->token[i]);
	return diff == 0;
}

/* The checks a write route needs beyond the method: enabled, JSON body,
 * same origin, token. 0 or an HTTP status to refuse with (*why set). */
static int write_refused(const bh_server *srv, struct MHD_Connection *c, const char **why)
{
	const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
	const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");

	if (!srv->write) {
		*why = "read-only server: start `behind serve --write` to record judgments";
		return 403;
	}
	if (!ct || strncmp(ct, "application/json", 16) != 0) {
		*why = "write requests take Content-Type: application/json";
		return 415;
	}
	/* Another site's page, whatever the address: its Origin is not ours,
	 * and browsers that send Sec-Fetch-Site say so outright. */
	const char *site = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Sec-Fetch-Site");
	if (site && strcmp(site, "same-origin") != 0 && strcmp(site, "none") != 0) {
		*why = "cross-origin write refused";
		return 403;
	}
	if (origin) {
		const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
		if (strncmp(origin, "http://", 7) != 0 || !host || strcmp(origin + 7, host) != 0) {
			*why = "cross-origin write refused";
			return 403;
		}
	}
	if (!token_ok(srv, c)) {
		*why = "this server needs the token it printed at start-up (header X-Behind-Token)";
		return 401;
	}
	return 0;
}

/* ---- the response cache's key and generation ---------------------------- */

/* The store's generation: bumped whenever the watch handle sees that
 * another connection committed. Read before the request's own snapshot
 * starts, so an answer is never tagged with a newer generation than the
 * data it was computed from (it may be computed from newer data, which is
 * harmless). 0 when the watch fails: then nothing is cached. */
static uint64_t generation(bh_server *srv)
{
	uint64_t gen = 0;
	int64_t v;

	pthread_mutex_lock(&srv->watch_mu);
	if (bh_store_data_version(&v, srv->watch) == 0) {
		if (v != srv->data_version) {
			srv->data_version = v;
			srv->generation++;
		}
		gen = srv->generation;
	}
	pthread_mutex_unlock(&srv->watch_mu);
	return gen;
}

typedef struct {
	char *p;
	size_t len, cap;
} keybuf;

static enum MHD_Result key_arg(void *cls, enum MHD_ValueKind kind, const char *k, const char *v)
{
	keybuf *b = cls;
	size_t need = strlen(k) + (v ? strlen(v) : 0) + 2;
	if (b->len + need + 1 > b->cap) {
		b->len = b->cap + 1; /* too long: not cached */
		return MHD_NO;
	}
	b->len += (size_t)snprintf(b->p + b->len, b->cap - b->len, "%c%s=%s", b->len ? '&' : '?', k,
				   v ? v : "");
	return MHD_YES;
}

/* The cache key of a GET: its path and decoded parameters in their order,
 * "/api/show?id=x". 0, or -1 when the request cannot be cached (too long). */
static int cache_key(char *out, size_t cap, struct MHD_Connection *c, const char *url)
{
	keybuf b = {out, 0, cap};
	int n = snprintf(out, cap, "%s", url);
	if (n < 0 || (size_t)n >= cap)
		return -1;
	b.p = out + n;
	b.cap = cap - (size_t)n;
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, key_arg, &b);
	return b.len > b.cap ? -1 : 0;
}

/* The answer of read or write route `rt` to this connection's parameters,
 * from the response cache or computed on a pooled store (then cached):
 * *body (owned by the caller) and *len, with r->status, r->err and r->ctype
 * saying how it went, *x_cache the X-Behind-Cache header. Returns 0, 1 when
 * the request now follows another connection's identical computation
 * (suspended: nothing to reply yet; only when !st->solo), or -1 when out
 * of memory. Called by serve_api and serve_page. */
static int answer(bh_server *srv, struct MHD_Connection *c, const bh_route *rt, const char *url,
		  const char *method, conn_state *st, bh_req *r, char **body, size_t *len,
		  const char **x_cache)
{
	pooled *p = NULL;
	int rc;

	*body = NULL;
	*len = 0;
	*x_cache = NULL;
	/* a read answer already computed on this generation of the store, or
	 * being computed for another connection */
	char key[BH_SERVE_MAX_URL + 64], ctype[64];
	uint64_t gen = 0;
	int keyed = (srv->cache || srv->flights) && !rt->write && strcmp(method, "POST") != 0 &&
		    cache_key(key, sizeof key, c, url) == 0 && (gen = generation(srv)) != 0;
	int cacheable = keyed && srv->cache, lead = 0;
	r->status = 200;
	if (cacheable && bh_rcache_get(body, len, ctype, sizeof ctype, srv->cache, key, gen) == 1) {
		snprintf(st->shared_ctype, sizeof st->shared_ctype, "%s", ctype);
		r->ctype = st->shared_ctype;
		*x_cache = "hit";
		return 0;
	}
	if (keyed && srv->flights && !st->solo) {
		if ((rc = bh_flight_join(srv->flights, key, gen, st)) == 0)
			return 1; /* suspended until the leader lands */
		lead = rc == 1;
		/* the test hook's wait ends early at a stop, as a query would */
		for (int64_t until = now_ns() + (int64_t)srv->lead_delay_ms * 1000000;
		     lead && now_ns() < until && !__atomic_load_n(&srv->stopping, __ATOMIC_RELAXED);)
			usleep(5000);
	}

	if (!(r->out = open_memstream(body, len)))
		return -1;
	r->conn = c;
	r->ctype = "application/json; charset=utf-8";
	r->body = st->body;
	r->body_len = st->len;
	r->db = srv->db;
	r->write = srv->write;
	r->page_token = srv->write && !srv->listened ? srv->token : NULL;
	if ((rc = pool_get(&p, srv)) < 0) {
		bh_req_fail(r, 503, "%s", bh_error_last());
	} else {
		r->store = p->s;
		p->timed_out = &r->timed_out;
		p->deadline_ns = now_ns() + (int64_t)srv->timeout_ms * 1000000;
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		p->fd = ci ? ci->connect_fd : -1;
		p->next_poll_ns = 0;
		bh_error_clear();
		/* one snapshot for all the queries of a read (and one lock, not
		 * one per statement) */
		int in_txn = !rt->write && sqlite3_exec(p->s->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
		/* a query the server's stop interrupted (the progress handler),
		 * or one not started when the stop came, fails for no fault of
		 * the request: 503, the client may ask again */
		rc = __atomic_load_n(&srv->stopping, __ATOMIC_RELAXED) || client_gone(p)
			     ? BH_EBUSY
			     : rt->handler(r);
		if (rc < 0 && __atomic_load_n(&srv->stopping, __ATOMIC_RELAXED))
			bh_req_fail(r, 503, "the server is stopping; ask again in a moment");
		else if (rc < 0 && p->gone)
			bh_req_fail(r, 503, "the client closed the connection");
		else if (rc < 0 && r->status == 200)
			bh_req_fail_rc(r, rc);
		if (in_txn && !sqlite3_get_autocommit(p->s->db))
			sqlite3_exec(p->s->db, "COMMIT", NULL, NULL, NULL);
		pool_put(srv, p);
	}
	rc = fclose(r->out);
	r->out = NULL;
	if (lead)
		bh_flight_land(srv->flights, key, gen,
			       !rc && r->status == 200 && *len <= BH_SERVE_MAX_OUT ? *body : NULL, *len,
			       r->ctype);
	if (rc != 0) {
		free(*body);
		*body = NULL;
		return -1;
	}
	if (*len > BH_SERVE_MAX_OUT) {
		free(*body);
		*body = NULL;
		bh_req_fail(r, 500, "the answer is larger than the server sends; narrow it");
		return 0;
	}
	if (r->status != 200) {
		free(*body);
		*body = NULL;
		if (r->status >= 500)
			fprintf(stderr, "behind serve: %s %s: %d %s\n", method, url, r->status, r->err);
		return 0;
	}
	if (cacheable) {
		bh_rcache_put(srv->cache, key, gen, *body, *len, r->ctype);
		*x_cache = "miss";
	}
	return 0;
}

static const bh_route *route_of(const char *url, const char *method, int *path_known)
{
	const bh_route *rt = NULL;
	int is_head = !strcmp(method, "HEAD");
	*path_known = 0;
	for (const bh_route *x = bh_routes; x->method; x++) {
		if (strcmp(x->path, url) != 0)
			continue;
		*path_known = 1;
		if (!strcmp(x->method, method) || (is_head && !strcmp(x->method, "GET")))
			rt = x;
	}
	return rt;
}

static enum MHD_Result serve_api(bh_server *srv, struct MHD_Connection *c, const char *url,
				 const char *method, conn_state *st)
{
	int path_known, rc;
	const char *why = NULL, *x_cache;
	const bh_route *rt = route_of(url, method, &path_known);
	bh_req r = {0};
	char *body;
	size_t len;

	if (!rt)
		return path_known ? reply_error(c, 405, "method not allowed")
				  : reply_error(c, 404, "no such endpoint (GET /api/ lists them)");
	if (rt->write && (rc = write_refused(srv, c, &why)) != 0)
		return reply_error(c, rc, why);
	if (st->too_big)
		return reply_error(c, 413, "request body too large");
	if ((rc = answer(srv, c, rt, url, method, st, &r, &body, &len, &x_cache)) == 1)
		return MHD_YES;
	if (rc < 0)
		return reply_error(c, 500, "out of memory");
	if (r.status != 200)
		return reply_error(c, r.status, r.err);
	return reply(c, r.status, r.ctype, body, len, 1, x_cache);
}

/* Whether Accept-Encoding allows gzip: a "gzip" token not given q=0. */
static int accepts_gzip(struct MHD_Connection *c)
{
	const char *ae = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Encoding");
	for (const char *p = ae; p && (p = strstr(p, "gzip")) != NULL; p += 4) {
		const char *e = p + 4;
		if (p != ae && p[-1] != ',' && p[-1] != ' ')
			continue;
		while (*e == ' ')
			e++;
		if (*e == ';') {
			const char *q = strstr(e, "q=");
			return !(q && strtod(q + 2, NULL) == 0);
		}
		if (*e == ',' || !*e)
			return 1;
	}
	return 0;
}

/* A page being sent (serve_page): its head at once, then, when MHD asks
 * for more, the answer computed on this connection's thread and the rest
 * of the page rendered from it. Owned by its response (page_free). */
typedef struct {
	bh_server *srv;
	struct MHD_Connection *c;
	conn_state *st;
	bh_page_view v;
	const bh_asset *shell;
	char *buf; /* the part being sent */
	size_t len, off;
	int tail_done;
	int gz;      /* 1: the parts go out gzip'd, through z */
	z_stream z;
} page_stream;

/* The part in ps->buf gzip'd in its place: flushed (the browser reads what
 * came so far) or, for the last part, the stream's end. 0 or -1. */
static int page_gzip(page_stream *ps, int last)
{
	size_t cap = deflateBound(&ps->z, (uLong)ps->len) + 64, n = 0;
	char *out = malloc(cap);
	int rc;

	if (!out)
		return -1;
	ps->z.next_in = (Bytef *)ps->buf;
	ps->z.avail_in = (uInt)ps->len;
	do {
		if (n == cap) {
			char *bigger = realloc(out, cap *= 2);
			if (!bigger) {
				free(out);
				return -1;
			}
			out = bigger;
		}
		ps->z.next_out = (Bytef *)out + n;
		ps->z.avail_out = (uInt)(cap - n);
		rc = deflate(&ps->z, last ? Z_FINISH : Z_SYNC_FLUSH);
		n = cap - ps->z.avail_out;
	} while (rc == Z_OK && (last || ps->z.avail_out == 0));
	if (rc != Z_STREAM_END && rc != Z_OK && rc != Z_BUF_ERROR) {
		free(out);
		return -1;
	}
	free(ps->buf);
	ps->buf = out;
	ps->len = n;
	return 0;
}

/* The rest of the page (the answer, through the response cache, under the
 * API's cache key) into ps->buf; 0 or -1. */
static int page_tail(page_stream *ps)
{
	int path_known;
	const char *x_cache = NULL;
	const bh_route *rt = route_of(ps->v.api, "GET", &path_known);
	bh_req r = {0};
	char *body = NULL;
	size_t len = 0;
	int rc;

	ps->st->solo = 1;
	if (!rt || answer(ps->srv, ps->c, rt, ps->v.api, "GET", ps->st, &r, &body, &len, &x_cache) < 0)
		return -1;
	if (r.status != 200 && error_json(&body, &len, r.err) < 0)
		return -1;
	ps->v.status = r.status;
	rc = bh_page_tail(&ps->buf, &ps->len, ps->shell, &ps->v, body, len);
	free(body);
	return rc < 0 || !ps->gz ? rc : page_gzip(ps, 1);
}

static ssize_t page_read(void *cls, uint64_t pos, char *out, size_t max)
{
	page_stream *ps = cls;
	if (ps->off == ps->len) {
		free(ps->buf);
		ps->buf = NULL;
		ps->len = ps->off = 0;
		if (ps->tail_done)
			return MHD_CONTENT_READER_END_OF_STREAM;
		ps->tail_done = 1;
		if (page_tail(ps) < 0)
			return MHD_CONTENT_READER_END_WITH_ERROR;
	}
	size_t n = ps->len - ps->off < max ? ps->len - ps->off : max;
	memcpy(out, ps->buf + ps->off, n);
	ps->off += n;
	return (ssize_t)n;
}

static void page_free(void *cls)
{
	page_stream *ps = cls;
	if (ps->gz)
		deflateEnd(&ps->z);
	free(ps->buf);
	free(ps);
}

/* A page of the explorer at its path URL (/entity/ID, /agency/ID,
 * /search?q=..., /network/ID, page.c): the page with the answer of its
 * first API request inside, as HTML and as JSON, so that it reads without
 * the script and a cold load needs no request of its own before drawing.
 * Streamed: the head (style, script, header) goes out at once and the rest
 * when the answer is computed, alone (never suspended behind another
 * connection) and through the response cache, under the API's cache key,
 * so the page and /api/ share answers. */
static enum MHD_Result serve_page(bh_server *srv, struct MHD_Connection *c, const char *url,
				  const char *method, conn_state *st)
{
	const bh_asset *shell = bh_asset_find("/");
	const char *api = NULL;
	page_stream *ps = NULL;
	struct MHD_Response *resp;
	enum MHD_Result ok;

	if (!shell || bh_page_first(&api, c, url, &st->page_arg) < 0)
		return reply_error(c, 500, "out of memory");
	if (!api) /* the shell alone: the script draws the page */
		return reply(c, 200, "text/html; charset=utf-8", (char *)shell->data, shell->len, 0,
			     NULL);
	if (!(ps = calloc(1, sizeof *ps)))
		return reply_error(c, 500, "out of memory");
	*ps = (page_stream){srv, c, st, {api, 200, NULL, NULL, NULL}, shell, NULL, 0, 0, 0, 0, {0}};
	ps->v.q = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "q");
	ps->v.from = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "from");
	ps->v.to = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "to");
	/* gzip (a dossier's page is ~180 KB, ~25 KB gzip'd) for browsers that
	 * take it; windowBits 16 + 15: a gzip stream */
	if (accepts_gzip(c) &&
	    deflateInit2(&ps->z, 6, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY) == Z_OK)
		ps->gz = 1;
	if (bh_page_head(&ps->buf, &ps->len, shell, &ps->v) < 0 ||
	    (ps->gz && page_gzip(ps, 0) < 0) ||
	    !(resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16 * 1024, page_read, ps,
						       page_free))) {
		page_free(ps);
		return reply_error(c, 500, "out of memory");
	}
	(void)method;
	add_headers(resp, "text/html; charset=utf-8");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "Vary", "Accept-Encoding");
	if (ps->gz)
		MHD_add_response_header(resp, "Content-Encoding", "gzip");
	ok = MHD_queue_response(c, MHD_HTTP_OK, resp);
	MHD_destroy_response(resp);
	return ok;
}

/* An embedded asset. Every asset but the page itself has its content hash
 * in its name (web/build.mjs), so browsers may keep it for good; the page
 * is revalidated by its ETag. The gzip form goes to browsers that take it,
 * under its own ETag. */
static enum MHD_Result serve_asset(struct MHD_Connection *c, const char *url)
{
	const bh_asset *a = bh_asset_find(url);
	const char *inm;
	char etag[64];
	int gz;
	struct MHD_Response *resp;
	enum MHD_Result ok;

	if (!a)
		return reply(c, 404, "text/plain; charset=utf-8", (char *)"not found\n", 10, 0, NULL);
	gz = a->gz && accepts_gzip(c);
	snprintf(etag, sizeof etag, "%.*s%s", (int)strlen(a->etag) - (gz ? 1 : 0), a->etag,
		 gz ? "-gz\"" : "");
	inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match");
	if (inm && !strcmp(inm, etag))
		resp = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	else
		resp = MHD_create_response_from_buffer(gz ? a->gzlen : a->len,
						       (void *)(gz ? a->gz : a->data),
						       MHD_RESPMEM_PERSISTENT);
	if (!resp)
		return MHD_NO;
	add_headers(resp, a->type);
	MHD_add_response_header(resp, "Cache-Control", strcmp(a->path, "/") ? "public, max-age=31536000, immutable" : "no-cache");
	MHD_add_response_header(resp, "ETag", etag);
	if (a->gz)
		MHD_add_response_header(resp, "Vary", "Accept-Encoding");
	if (gz)
		MHD_add_response_header(resp, "Content-Encoding", "gzip");
	ok = MHD_queue_response(c, inm && !strcmp(inm, etag) ? MHD_HTTP_NOT_MODIFIED : MHD_HTTP_OK, resp);
	MHD_destroy_response(resp);
	return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	bh_server *srv = cls;
	conn_state *st = *con_cls;
	enum MHD_Result ok;

	if (!st) {
		if (!(st = calloc(1, sizeof *st)))
			return MHD_NO;
		st->conn = c;
		*con_cls = st;
		__atomic_add_fetch(&srv->active, 1, __ATOMIC_RELAXED);
		return MHD_YES;
	}
	if (st->woken) {
		/* resumed: the leader's answer, or compute it alone */
		st->woken = 0;
		st->following = 0;
		if (st->shared) {
			ok = reply(c, 200, st->shared_ctype, st->shared, st->shared_len, 1, "shared");
			st->shared = NULL;
			goto logged;
		}
		st->solo = 1;
		ok = serve_api(srv, c, url, method, st);
		goto logged;
	}
	if (*upload_size) {
		if (!st->too_big && st->len + *upload_size <= BH_SERVE_MAX_BODY) {
			char *nb = realloc(st->body, st->len + *upload_size + 1);
			if (!nb)
				return MHD_NO;
			memcpy(nb + st->len, upload, *upload_size);
			st->len += *upload_size;
			nb[st->len] = '\0';
			st->body = nb;
		} else {
			st->too_big = 1;
		}
		*upload_size = 0;
		return MHD_YES;
	}

	st->t0 = now_ns();
	if (strlen(url) > BH_SERVE_MAX_URL)
		ok = reply_error(c, 414, "URL too long");
	else if (srv->loopback &&
		 !loopback_host(srv, MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host")))
		ok = reply_error(c, 421, "this server answers only to its loopback address");
	else if (strcmp(method, "GET") && strcmp(method, "HEAD") && strcmp(method, "POST"))
		ok = reply_error(c, 405, "method not allowed");
	else if (!strcmp(url, "/api") || !strncmp(url, "/api/", 5))
		ok = serve_api(srv, c, url, method, st);
	else if (strcmp(method, "POST") == 0)
		ok = reply_error(c, 405, "method not allowed");
	else if (bh_page_is(url))
		ok = serve_page(srv, c, url, method, st);
	else
		ok = serve_asset(c, url);
	if (st->following)
		return ok; /* logged when answered */
logged:
	if (srv->log)
		fprintf(srv->log, "%s %s %.1f ms\n", method, url, (double)(now_ns() - st->t0) / 1e6);
	return ok;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	bh_server *srv = cls;
	conn_state *st = *con_cls;
	if (st) {
		__atomic_sub_fetch(&srv->active, 1, __ATOMIC_RELAXED);
		free(st->shared);
		free(st->body);
		free(st->page_arg);
		free(st);
		*con_cls = NULL;
	}
}

/* ---- requests that follow another's computation (flight.h) ------------ */

/* Under the flight table's lock, from the request's own handler. */
static void follow_suspend(void *waiter)
{
	conn_state *st = waiter;
	st->following = 1;
	MHD_suspend_connection(st->conn);
}

/* From the leader's thread: the connection's own thread answers it when
 * MHD calls on_request again. */
static void follow_wake(void *waiter, char *body, size_t len, const char *ctype)
{
	conn_state *st = waiter;
	st->shared = body;
	st->shared_len = len;
	snprintf(st->shared_ctype, sizeof st->shared_ctype, "%s", ctype ? ctype : "");
	st->woken = 1;
	MHD_resume_connection(st->conn);
}

/* ---- start and stop ---------------------------------------------------- */

/* Worker threads: one per core, at least 2 and at most 16. Queries are CPU
 * bound: with more threads than cores the answers in progress share the
 * cores and each takes longer, so the slowest of them (the p99) grows: on
 * 2 cores, 50 connections of uncached, all-different searches and shows,
 * p99 7-45 ms with 2 threads against 14-58 ms with 4 and up to 278 ms with
 * 8 (bench/RESULTS.md, Server). Each thread answers its connections one at
 * a time, and a query stops at its deadline (--timeout). */
static int default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 2 ? 2 : n > 16 ? 16 : (int)n;
}

static int make_token(char out[65])
{
	unsigned char raw[32];
	size_t got = 0;
	while (got < sizeof raw) {
		ssize_t n = getrandom(raw + got, sizeof raw - got, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return bh_error_set(BH_EIO, "cannot make a token: %s", strerror(errno));
		}
		got += (size_t)n;
	}
	for (size_t i = 0; i < sizeof raw; i++)
		snprintf(out + 2 * i, 3, "%02x", raw[i]);
	return 0;
}

int bh_server_start(bh_server **out, const bh_serve_opts *o)
{
	bh_server *srv = NULL;
	pooled *probe = NULL;
	struct sockaddr_in sa4 = {0};
	struct sockaddr_in6 sa6 = {0};
	struct sockaddr *sa;
	const char *addr = o->listen && *o->listen ? o->listen : "127.0.0.1";
	char *host = NULL;
	/* MHD_USE_ITC: the stop quiesces the daemon first (bh_server_stop) */
	unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME |
			 MHD_USE_ITC;
	int rc, threads = o->threads > 0 ? o->threads : default_threads();

	*out = NULL;
	csp_init();
	if (o->port < 0 || o->port > 65535)
		return bh_error_set(BH_EUSAGE, "port %d is not a TCP port", o->port);
	if (!(srv = calloc(1, sizeof *srv)) || !(srv->db = strdup(o->db ? o->db : "behind.db"))) {
		free(srv);
		return bh_error_set(BH_ENOMEM, "out of memory");
	}
	pthread_mutex_init(&srv->mu, NULL);
	pthread_mutex_init(&srv->watch_mu, NULL);
	srv->data_version = -1;
	host = srv->host;
	srv->log = o->log;
	srv->write = o->write;
	srv->listened = o->listen && *o->listen;
	srv->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : BH_SERVE_DEFAULT_TIMEOUT_MS;

	if (inet_pton(AF_INET, addr, &sa4.sin_addr) == 1) {
		sa4.sin_family = AF_INET;
		sa4.sin_port = htons((uint16_t)o->port);
		sa = (struct sockaddr *)&sa4;
		srv->loopback = (ntohl(sa4.sin_addr.s_addr) >> 24) == 127;
		snprintf(host, sizeof srv->host, "%s", addr);
	} else {
		char bare[INET6_ADDRSTRLEN];
		size_t n = strlen(addr);
		if (addr[0] == '[' && n > 2 && addr[n - 1] == ']' && n - 2 < sizeof bare) {
			memcpy(bare, addr + 1, n - 2);
			bare[n - 2] = '\0';
		} else {
			snprintf(bare, sizeof bare, "%s", addr);
		}
		if (inet_pton(AF_INET6, bare, &sa6.sin6_addr) != 1) {
			rc = bh_error_set(BH_EUSAGE, "--listen %s: not an IPv4 or IPv6 address", addr);
			goto fail;
		}
		sa6.sin6_family = AF_INET6;
		sa6.sin6_port = htons((uint16_t)o->port);
		sa = (struct sockaddr *)&sa6;
		srv->loopback = IN6_IS_ADDR_LOOPBACK(&sa6.sin6_addr);
		flags |= MHD_USE_IPv6;
		snprintf(host, sizeof srv->host, "[%s]", bare);
	}
	/* Writes always need the token: on the default loopback address the
	 * served page fetches it (GET /api/session, same origin only); with
	 * --listen the user types it. */
	if (srv->write && (rc = make_token(srv->token)) < 0)
		goto fail;

	/* Fail now, with the store's own message, rather than on each request. */
	if ((rc = pool_get(&probe, srv)) < 0)
		goto fail;
	pool_put(srv, probe);
	if (o->cache_mb >= 0) {
		size_t mb = o->cache_mb > 0 ? (size_t)o->cache_mb : BH_SERVE_DEFAULT_CACHE_MB;
		if ((rc = bh_rcache_new(&srv->cache, mb << 20)) < 0)
			goto fail;
	}
	/* BEHIND_SERVE_COALESCE=0 (benchmarks): every request computes its
	 * own answer, to measure what one costs */
	const char *co = getenv("BEHIND_SERVE_COALESCE");
	/* tests (serve_coalesce.sh): time for the followers to arrive */
	const char *delay = getenv("BEHIND_SERVE_LEAD_DELAY_MS");
	srv->lead_delay_ms = delay ? atoi(delay) : 0;
	if (!(co && !strcmp(co, "0"))) {
		static const bh_flight_ops ops = {follow_suspend, follow_wake};
		if ((rc = bh_flights_new(&srv->flights, &ops)) < 0)
			goto fail;
	}
	if ((srv->cache || srv->flights) &&
	    (rc = bh_store_open(&srv->watch, srv->db, BH_STORE_RO)) < 0)
		goto fail;

	srv->d = MHD_start_daemon(flags, (uint16_t)o->port, NULL, NULL, on_request, srv,
				  MHD_OPTION_SOCK_ADDR, sa,
				  MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads,
				  MHD_OPTION_CONNECTION_LIMIT, (unsigned)BH_SERVE_MAX_CONNS,
				  MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)BH_SERVE_CONN_TIMEOUT_S,
				  MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
				  MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
				  MHD_OPTION_END);
	if (!srv->d) {
		rc = bh_error_set(BH_EIO, "cannot listen on %s port %d (in use, or not an address "
					  "of this machine?)", addr, o->port);
		goto fail;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(srv->d, MHD_DAEMON_INFO_BIND_PORT);
	srv->port = info ? info->port : o->port;
	snprintf(srv->url, sizeof srv->url, "http://%s:%d/", host, srv->port);
	*out = srv;
	return 0;
fail:
	bh_server_stop(srv);
	return rc;
}

int bh_server_port(const bh_server *srv)
{
	return srv->port;
}

const char *bh_server_url(const bh_server *srv)
{
	return srv->url;
}

const char *bh_server_token(const bh_server *srv)
{
	return srv->token;
}

void bh_server_stop(bh_server *srv)
{
	if (!srv)
		return;
	/* every running query stops; the followers of the flights still in
	 * progress are resumed before the daemon, which must find none
	 * suspended, stops */
	__atomic_store_n(&srv->stopping, 1, __ATOMIC_RELAXED);
	bh_flights_close(srv->flights);
	if (srv->d) {
		/* No new connections; the requests begun (their queries stop at
		 * once, and they answer 503) are let send their answers, for up
		 * to BH_SERVE_STOP_WAIT_MS: MHD_stop_daemon closes connections
		 * whatever they were doing, and a handler that queued its 503
		 * after it began to stop never got it out. */
		MHD_socket ls = MHD_quiesce_daemon(srv->d);
		int64_t until = now_ns() + (int64_t)BH_SERVE_STOP_WAIT_MS * 1000000;
		while (__atomic_load_n(&srv->active, __ATOMIC_RELAXED) > 0 && now_ns() < until)
			usleep(2000);
		MHD_stop_daemon(srv->d);
		if (ls != MHD_INVALID_SOCKET)
			close(ls);
	}
	for (int i = 0; i < srv->nidle; i++)
		pooled_free(srv->idle[i]);
	bh_rcache_free(srv->cache);
	bh_flights_free(srv->flights);
	bh_store_close(srv->watch);
	pthread_mutex_destroy(&srv->watch_mu);
	pthread_mutex_destroy(&srv->mu);
	free(srv->db);
	free(srv);
}
