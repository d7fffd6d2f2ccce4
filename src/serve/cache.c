/* The response cache of `behind serve` (cache.h): a chained hash table of
 * entries that also sit on one doubly linked list in order of use, most
 * recent first; eviction takes from the tail. Each entry is one allocation
 * holding its key and body. */
#include "serve/cache.h"
#include "util/err.h"
#include "util/map.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct entry {
	struct entry *chain;      /* next in the bucket */
	struct entry *prev, *next; /* use order: head is the most recent */
	uint64_t hash, gen;
	size_t keylen, len;
	char ctype[64];
	char *body; /* points into this allocation, after the key */
	char key[];
} entry;

struct bh_rcache {
	pthread_mutex_t mu;
	entry **buckets;
	size_t nbuckets; /* power of two */
	entry *head, *tail;
	size_t bytes, cap, entries;
	uint64_t hits, misses, stores, evictions;
};

static size_t entry_bytes(const entry *e)
{
	return sizeof *e + e->keylen + 1 + e->len + 1;
}

int bh_rcache_new(bh_rcache **out, size_t cap)
{
	bh_rcache *c = calloc(1, sizeof *c);

	*out = NULL;
	if (!c || !(c->buckets = calloc(256, sizeof *c->buckets))) {
		free(c);
		return bh_error_set(BH_ENOMEM, "out of memory");
	}
	c->nbuckets = 256;
	c->cap = cap;
	pthread_mutex_init(&c->mu, NULL);
	*out = c;
	return 0;
}

void bh_rcache_free(bh_rcache *c)
{
	if (!c)
		return;
	for (entry *e = c->head, *n; e; e = n) {
		n = e->next;
		free(e);
	}
	free(c->buckets);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

/* ---- under the mutex ---------------------------------------------------- */

static entry **find(bh_rcache *c, const char *key, size_t keylen, uint64_t h)
{
	entry **p = &c->buckets[h & (c->nbuckets - 1)];
	while (*p && ((*p)->hash != h || (*p)->keylen != keylen || memcmp((*p)->key, key, keylen)))
		p = &(*p)->chain;
	return p;
}

static void unlink_use(bh_rcache *c, entry *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		c->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		c->tail = e->prev;
	e->prev = e->next = NULL;
}

static void push_front(bh_rcache *c, entry *e)
{
	e->prev = NULL;
	e->next = c->head;
	if (c->head)
		c->head->prev = e;
	c->head = e;
	if (!c->tail)
		c->tail = e;
}

/* Unlinks *p (found by find()) from its bucket and the use list; frees it. */
static void drop(bh_rcache *c, entry **p)
{
	entry *e = *p;
	*p = e->chain;
	unlink_use(c, e);
	c->bytes -= entry_bytes(e);
	c->entries--;
	free(e);
}

/* Doubles the bucket array when entries outnumber buckets; on failure the
 * table just stays denser. */
static void maybe_grow(bh_rcache *c)
{
	size_t n = c->nbuckets * 2;
	entry **b;

	if (c->entries <= c->nbuckets || !(b = calloc(n, sizeof *b)))
		return;
	for (entry *e = c->head; e; e = e->next) {
		e->chain = b[e->hash & (n - 1)];
		b[e->hash & (n - 1)] = e;
	}
	free(c->buckets);
	c->buckets = b;
	c->nbuckets = n;
}

/* ---- the interface ------------------------------------------------------ */

int bh_rcache_get(char **body, size_t *len, char *ctype, size_t ctype_cap, bh_rcache *c,
		  const char *key, uint64_t gen)
{
	size_t keylen = strlen(key);
	uint64_t h = bh_hash_bytes(key, keylen);
	entry **p, *e;
	int rc = 0;

	*body = NULL;
	*len = 0;
	pthread_mutex_lock(&c->mu);
	p = find(c, key, keylen, h);
	if (!(e = *p) || e->gen != gen) {
		if (e)
			drop(c, p); /* computed from data that has changed since */
		c->misses++;
		goto done;
	}
	if (!(*body = malloc(e->len + 1))) {
		rc = bh_error_set(BH_ENOMEM, "out of memory");
		goto done;
	}
	memcpy(*body, e->body, e->len + 1);
	*len = e->len;
	snprintf(ctype, ctype_cap, "%s", e->ctype);
	unlink_use(c, e);
	push_front(c, e);
	c->hits++;
	rc = 1;
done:
	pthread_mutex_unlock(&c->mu);
	return rc;
}

void bh_rcache_put(bh_rcache *c, const char *key, uint64_t gen, const char *body, size_t len,
		   const char *ctype)
{
	size_t keylen = strlen(key);
	uint64_t h = bh_hash_bytes(key, keylen);
	entry **p, *e;

	if (!c->cap || len > c->cap / 8 || strlen(ctype) >= sizeof e->ctype)
		return;
	if (!(e = malloc(sizeof *e + keylen + 1 + len + 1)))
		return;
	*e = (entry){.hash = h, .gen = gen, .keylen = keylen, .len = len};
	memcpy(e->key, key, keylen + 1);
	e->body = e->key + keylen + 1;
	memcpy(e->body, body, len);
	e->body[len] = '\0';
	snprintf(e->ctype, sizeof e->ctype, "%s", ctype);

	pthread_mutex_lock(&c->mu);
	p = find(c, key, keylen, h);
	if (*p)
		drop(c, p); /* another thread answered the same request meanwhile */
	while (c->tail && c->bytes + entry_bytes(e) > c->cap) {
		entry *old = c->tail;
		drop(c, find(c, old->key, old->keylen, old->hash));
		c->evictions++;
	}
	p = &c->buckets[h & (c->nbuckets - 1)];
	e->chain = *p;
	*p = e;
	push_front(c, e);
	c->bytes += entry_bytes(e);
	c->entries++;
	c->stores++;
	maybe_grow(c);
	pthread_mutex_unlock(&c->mu);
}

void bh_rcache_stats_get(bh_rcache_stats *out, bh_rcache *c)
{
	pthread_mutex_lock(&c->mu);
	*out = (bh_rcache_stats){c->hits, c->misses, c->stores, c->evictions,
				 c->bytes, c->entries, c->cap};
	pthread_mutex_unlock(&c->mu);
}
