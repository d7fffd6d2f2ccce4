/* `behind serve`: the local web explorer. An HTTP server (libmicrohttpd)
 * answering a JSON API under /api/ with the same queries as the CLI, and the
 * front end's assets from a table compiled into the binary (assets_gen.c,
 * generated from web/ by `make web`). Read-only by default; it never
 * touches the filesystem beyond the store it was given.
 *
 * Ownership: bh_server_start() returns a server the caller owns and frees
 * with bh_server_stop(); the options are copied, nothing is borrowed. */
#ifndef BH_SERVE_H
#define BH_SERVE_H

#include <stdio.h>

typedef struct {
	const char *db;     /* store path */
	const char *listen; /* address to bind; NULL or "" = 127.0.0.1 */
	int port;           /* 0 = any free port (see bh_server_port) */
	int write;          /* 1: enable write endpoints (judgments); token-protected */
	int threads;        /* worker threads; 0 = default */
	int timeout_ms;     /* time bound of one request's queries; 0 = default */
	int cache_mb;       /* response cache in MiB; 0 = default, -1 = none */
	FILE *log;          /* one line per request, or NULL */
} bh_serve_opts;

typedef struct bh_server bh_server;

/* Checks that the store opens read-only, binds and starts answering. */
int bh_server_start(bh_server **out, const bh_serve_opts *o);

/* The bound TCP port, the canonical URL ("http://127.0.0.1:8080/") and the
 * write token ("" when write endpoints are off). Borrowed from
 * the server. */
int bh_server_port(const bh_server *srv);
const char *bh_server_url(const bh_server *srv);
const char *bh_server_token(const bh_server *srv);

/* Stops answering, waits for requests in flight and frees everything;
 * accepts NULL. */
void bh_server_stop(bh_server *srv);

#endif
