/* The server's response cache: the body of a successful read request,
 * keyed by the request (route and parameters) and the store's generation,
 * bounded in bytes and evicted least recently used first. A generation
 * changes when another process (or a write route) commits to the store, so
 * an answer computed from older data is never served again.
 *
 * Thread-safe (one mutex; every operation is short). Ownership: the cache
 * copies what it is given; bh_rcache_get() hands back a copy the caller
 * owns and frees with free(). */
#ifndef BH_SERVE_CACHE_H
#define BH_SERVE_CACHE_H

#include <stddef.h>
#include <stdint.h>

typedef struct bh_rcache bh_rcache;

/* A cache of at most `cap` bytes (keys, bodies and bookkeeping); an
 * answer larger than cap/8 is not kept. 0 or a negative code. */
int bh_rcache_new(bh_rcache **out, size_t cap);

/* Frees everything; accepts NULL. */
void bh_rcache_free(bh_rcache *c);

/* The answer to `key` computed at generation `gen`: 1 and a copy in *body
 * (*len bytes, NUL-terminated) with its content type copied into
 * ctype[ctype_cap]; 0 when absent (an entry of another generation is
 * dropped); a negative code when out of memory. */
int bh_rcache_get(char **body, size_t *len, char *ctype, size_t ctype_cap, bh_rcache *c,
		  const char *key, uint64_t gen);

/* Keeps a copy of `body` as the answer to `key` at generation `gen`,
 * replacing an older one, evicting others to stay within the cap. Silently
 * keeps nothing when the answer is too large or memory is short: a cache
 * miss is always safe. */
void bh_rcache_put(bh_rcache *c, const char *key, uint64_t gen, const char *body, size_t len,
		   const char *ctype);

typedef struct {
	uint64_t hits, misses, stores, evictions;
	size_t bytes, entries, cap;
} bh_rcache_stats;

void bh_rcache_stats_get(bh_rcache_stats *out, bh_rcache *c);

#endif
