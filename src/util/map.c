/* Open-addressing hash map with linear probing (see map.h). Keys live in a
 * chunked arena so that growth never moves them. */
#include "util/map.h"
#include "util/err.h"

#include <stdlib.h>
#include <string.h>

struct bh_map_slot {
	const char *key; /* NULL: empty */
	uint32_t len;
	uint32_t hash32;
	int64_t value;
};

struct bh_map_chunk {
	bh_map_chunk *next;
	size_t used, cap;
	char data[];
};

uint64_t bh_hash_bytes(const void *p, size_t n)
{
	/* FNV-1a over 8-byte words then a final mix: fast, good enough for
	 * identifiers and names (no adversary can make us quadratic because
	 * the map's load stays under 1/2 and keys are capped in length). */
	const unsigned char *s = p;
	uint64_t h = 0xcbf29ce484222325ULL ^ (n * 0x9E3779B97F4A7C15ULL);
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		h = (h ^ w) * 0x100000001b3ULL;
		h ^= h >> 29;
	}
	for (; i < n; i++)
		h = (h ^ s[i]) * 0x100000001b3ULL;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

static const char *arena_copy(bh_map *m, const void *key, size_t n)
{
	bh_map_chunk *c = m->arena;
	if (!c || c->cap - c->used < n + 1) {
		size_t cap = n + 1 > 65536 ? n + 1 : 65536;
		c = malloc(sizeof *c + cap);
		if (!c)
			return NULL;
		c->next = m->arena;
		c->used = 0;
		c->cap = cap;
		m->arena = c;
	}
	char *dst = c->data + c->used;
	memcpy(dst, key, n);
	dst[n] = '\0';
	c->used += n + 1;
	return dst;
}

static bh_map_slot *find(bh_map *m, const void *key, size_t n, uint64_t h)
{
	size_t mask = m->nslots - 1, i = (size_t)h & mask;
	uint32_t h32 = (uint32_t)(h >> 32);
	for (;;) {
		bh_map_slot *s = &m->slots[i];
		if (!s->key)
			return s;
		if (s->hash32 == h32 && s->len == n && memcmp(s->key, key, n) == 0)
			return s;
		i = (i + 1) & mask;
	}
}

static int grow(bh_map *m)
{
	size_t nn = m->nslots ? m->nslots * 2 : 64;
	bh_map_slot *old = m->slots, *ns = calloc(nn, sizeof *ns);
	size_t on = m->nslots;
	if (!ns)
		return bh_error_set(BH_ENOMEM, "out of memory (map of %zu slots)", nn);
	m->slots = ns;
	m->nslots = nn;
	for (size_t i = 0; i < on; i++) {
		if (!old[i].key)
			continue;
		uint64_t h = bh_hash_bytes(old[i].key, old[i].len);
		*find(m, old[i].key, old[i].len, h) = old[i];
	}
	free(old);
	return 0;
}

int bh_map_get(int64_t **out, bh_map *m, const void *key, size_t n)
{
	if (!m->nslots)
		return 0;
	bh_map_slot *s = find(m, key, n, bh_hash_bytes(key, n));
	if (!s->key)
		return 0;
	*out = &s->value;
	return 1;
}

void bh_map_prefetch(const bh_map *m, uint64_t h, int stage)
{
	if (!m->nslots)
		return;
	const bh_map_slot *s = &m->slots[(size_t)h & (m->nslots - 1)];
	if (stage == 0)
		__builtin_prefetch(s);
	else if (s->key && s->hash32 == (uint32_t)(h >> 32))
		__builtin_prefetch(s->key);
}

int bh_map_put(int64_t **out, const char **key_out, bh_map *m, const void *key, size_t n)
{
	return bh_map_put_hashed(out, key_out, m, key, n, bh_hash_bytes(key, n));
}

int bh_map_put_hashed(int64_t **out, const char **key_out, bh_map *m, const void *key, size_t n,
		      uint64_t h)
{
	int rc;
	if (n > UINT32_MAX)
		return bh_error_set(BH_ETOOBIG, "map key too long");
	if ((m->count + 1) * 2 > m->nslots && (rc = grow(m)) < 0)
		return rc;
	bh_map_slot *s = find(m, key, n, h);
	if (s->key) {
		*out = &s->value;
		if (key_out)
			*key_out = s->key;
		return 0;
	}
	const char *k = arena_copy(m, key, n);
	if (!k)
		return bh_error_set(BH_ENOMEM, "out of memory (map key)");
	s->key = k;
	s->len = (uint32_t)n;
	s->hash32 = (uint32_t)(h >> 32);
	s->value = 0;
	m->count++;
	*out = &s->value;
	if (key_out)
		*key_out = k;
	return 1;
}

int bh_map_each(bh_map *m, int (*fn)(const char *, size_t, int64_t *, void *), void *payload)
{
	for (size_t i = 0; i < m->nslots; i++) {
		if (!m->slots[i].key)
			continue;
		int rc = fn(m->slots[i].key, m->slots[i].len, &m->slots[i].value, payload);
		if (rc)
			return rc;
	}
	return 0;
}

void bh_map_clear(bh_map *m)
{
	/* keeps the slots and the newest arena chunk: a map that is filled
	 * and cleared over and over (ingest's pending statements) does not
	 * grow back from nothing each time */
	if (!m->slots) {
		bh_map_free(m);
		return;
	}
	memset(m->slots, 0, m->nslots * sizeof *m->slots);
	m->count = 0;
	bh_map_chunk *keep = m->arena;
	if (keep) {
		for (bh_map_chunk *c = keep->next, *n; c; c = n) {
			n = c->next;
			free(c);
		}
		keep->next = NULL;
		keep->used = 0;
	}
}

void bh_map_free(bh_map *m)
{
	if (!m)
		return;
	free(m->slots);
	for (bh_map_chunk *c = m->arena, *n; c; c = n) {
		n = c->next;
		free(c);
	}
	memset(m, 0, sizeof *m);
}
