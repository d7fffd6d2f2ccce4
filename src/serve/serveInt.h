/* Internals of the server (serve.h): the request a route handler sees, the
 * route table (routes.c), the embedded asset table (assets_gen.c, made by
 * web/embed.mjs) and the limits every request is held to.
 *
 * A handler borrows everything in its bh_req: the connection, the store
 * (from the server's pool, for this request only) and the output stream;
 * it writes its JSON to r->out and returns 0, or returns bh_req_fail(). */
#ifndef BH_SERVE_INT_H
#define BH_SERVE_INT_H

#include "serve/serve.h"
#include "store/store.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Limits: public networks and hostile records. */
#define BH_SERVE_MAX_URL 2048           /* request line + headers share MHD's pool */
#define BH_SERVE_MAX_BODY (64 * 1024)   /* POST bodies */
#define BH_SERVE_MAX_PARAM 512          /* one query parameter's bytes */
#define BH_SERVE_MAX_OUT (32u << 20)    /* one response's bytes */
#define BH_SERVE_MAX_ROWS 200           /* any `limit` parameter */
#define BH_SERVE_DEFAULT_TIMEOUT_MS 5000
#define BH_SERVE_CONN_TIMEOUT_S 15      /* idle or slow clients */
#define BH_SERVE_MAX_CONNS 256
#define BH_SERVE_STOP_WAIT_MS 3000      /* the stop lets answers begun go out */
#define BH_SERVE_DEFAULT_CACHE_MB 64    /* response cache (cache.h) */

typedef struct bh_req {
	void *conn;           /* struct MHD_Connection *, opaque to handlers */
	bh_store *store;      /* borrowed from the pool for this request */
	FILE *out;            /* the response body (a memstream) */
	const char *body;     /* POST body, NUL-terminated, or NULL */
	size_t body_len;
	const char *db;       /* the store's path, for the one write (a judgment) */
	int write;            /* 1: judgments enabled (--write) */
	const char *page_token; /* the write token when the served page may hold it
				 * (default loopback address), else NULL: with
				 * --listen the user types the one printed */
	int status;           /* HTTP status, 200 unless a handler fails */
	const char *ctype;    /* "application/json" unless changed */
	int timed_out;        /* set by the store's progress handler */
	char err[512];        /* the message of a failed request */
} bh_req;

/* A query parameter (URL-decoded) or NULL; longer than BH_SERVE_MAX_PARAM
 * counts as missing and bh_req_arg_ok() reports it. Borrowed. */
const char *bh_req_arg(bh_req *r, const char *name);

/* An integer parameter within [lo, hi] into *out (def when absent).
 * Anything else fails the request with 400 and returns a negative code. */
int bh_req_int(bh_req *r, int *out, const char *name, int def, int lo, int hi);

/* A required text parameter: 400 when missing, empty or too long. */
int bh_req_text(bh_req *r, const char **out, const char *name);

/* Fails the request: status and {"error": msg}; returns BH_EUSAGE-like
 * negative codes so that handlers can `return bh_req_fail(...)`. */
int bh_req_fail(bh_req *r, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Maps an engine failure (negative rc, message in bh_error_last()) to a
 * status: not found 404, usage 400, timed out 503, else 500. */
int bh_req_fail_rc(bh_req *r, int rc);

typedef struct {
	const char *method;  /* "GET" or "POST" */
	const char *path;    /* exact path, e.g. "/api/search" */
	int write;           /* 1: changes data; only with --write, and token-checked */
	int (*handler)(bh_req *r);
	const char *params;  /* for /api/ and docs: "q (text), limit (1-200, 20)" */
	const char *summary;
} bh_route;

extern const bh_route bh_routes[]; /* ends with a NULL method */

/* Route handlers, one file per group. */
int bh_api_search(bh_req *r);  /* api_query.c */
int bh_api_show(bh_req *r);
int bh_api_top(bh_req *r);
int bh_api_who(bh_req *r);
int bh_api_graph(bh_req *r);   /* api_graph.c */
int bh_api_path(bh_req *r);    /* api_paths.c */
int bh_api_export(bh_req *r);
int bh_api_cite(bh_req *r);    /* api_cite.c */
int bh_api_routes(bh_req *r);  /* routes.c */
int bh_api_session(bh_req *r); /* api_review.c */
int bh_api_judgments(bh_req *r);
int bh_api_explain(bh_req *r);
int bh_api_review(bh_req *r);
int bh_api_judge(bh_req *r);

typedef struct {
	const char *path;          /* "/", "/assets/app-HASH.js" */
	const char *type;          /* Content-Type */
	const unsigned char *data;
	size_t len;
	const unsigned char *gz;   /* the same bytes gzip -9, or NULL when no smaller */
	size_t gzlen;
	const char *etag;          /* quoted content hash (of data) */
} bh_asset;

extern const bh_asset bh_assets[]; /* ends with a NULL path */

/* The CSP sources ("'sha256-...' ...", or "") of the page's inline
 * <script> and <style> blocks: the only inline code the CSP allows. */
extern const char bh_assets_csp_script[];
extern const char bh_assets_csp_style[];

/* The embedded asset at exactly `path`, or NULL. No filesystem access. */
const bh_asset *bh_asset_find(const char *path);

/* Pages of the explorer at path URLs (page.c). bh_page_is: whether `url`
 * (a decoded path) is one. bh_page_first: the API path of the page's first
 * request into *api (static; NULL when the page has none the server can
 * make), its parameters set on the connection `conn` (a struct
 * MHD_Connection *), the one taken from the path copied into *arg (owned
 * by the caller, kept until the request ends); -1 when out of memory.
 *
 * A page with a first answer goes out in two parts (server.c streams
 * them): bh_page_head, the shell up to the content of its <main> (style,
 * script, header and search form: the browser starts on them while the
 * answer is computed), and bh_page_tail, the view rendered from the answer
 * (html.c), the rest of the shell and the answer itself in a
 * <script type="application/json" id="first-answer"> block for the script.
 * Both into *out (owned by the caller, *len bytes); 0 or -1. The view's
 * fields are borrowed. */
typedef struct {
	const char *api;   /* "/api/show", "/api/who", "/api/search", "/api/graph" */
	int status;        /* the answer's HTTP status */
	const char *q;     /* search: the words asked for */
	const char *from;  /* dossier: the years asked for, or NULL */
	const char *to;
} bh_page_view;

int bh_page_is(const char *url);
int bh_page_first(const char **api, void *conn, const char *url, char **arg);
int bh_page_head(char **out, size_t *len, const bh_asset *shell, const bh_page_view *v);
int bh_page_tail(char **out, size_t *len, const bh_asset *shell, const bh_page_view *v,
		 const char *answer, size_t n);

/* The first view of a page as HTML (html.c) into f, from the answer
 * (`answer`, n bytes of the API's JSON, borrowed; an error's
 * {"error": ...} when v->status is not 200); 0. */
int bh_html_view(FILE *f, const bh_page_view *v, const char *answer, size_t n);

#endif
