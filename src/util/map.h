/* A hash map from byte strings to 64-bit values, for the in-memory
 * deduplication that keeps ingest from writing the same entity, statement or
 * link once per row. Keys are copied into the map's own arena; values are
 * plain integers (a rowid, a counter, an index into a caller's array).
 * bh_map_free() releases everything and accepts NULL or a zeroed map. */
#ifndef BH_MAP_H
#define BH_MAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct bh_map_slot bh_map_slot;
typedef struct bh_map_chunk bh_map_chunk;

typedef struct {
	bh_map_slot *slots;
	size_t nslots; /* power of two */
	size_t count;
	bh_map_chunk *arena;
} bh_map;

uint64_t bh_hash_bytes(const void *p, size_t n);

/* Finds `key`; on a hit stores a pointer to its value in *out and returns 1;
 * on a miss returns 0. The pointer stays valid until the next insertion. */
int bh_map_get(int64_t **out, bh_map *m, const void *key, size_t n);

/* Finds or inserts `key` (value 0 when new). Returns 1 if it was new, 0 if
 * it existed, or a negative code (BH_ENOMEM). *out points at its value;
 * *key_out (if not NULL) at the map's own NUL-terminated copy of the key,
 * valid until the map is cleared. */
int bh_map_put(int64_t **out, const char **key_out, bh_map *m, const void *key, size_t n);

/* The two steps of bh_map_put for a caller that probes many keys in a row
 * (ingest's statements): bh_map_prefetch() asks for the slot of hash `h`
 * (from bh_hash_bytes) and, once that slot is cached, the key it holds,
 * so that the cache misses of many probes overlap; bh_map_put_hashed() is
 * bh_map_put with the hash given. `stage` 0 prefetches the slot, 1 the key
 * of the slot (call it for every key after stage 0 for every key). */
void bh_map_prefetch(const bh_map *m, uint64_t h, int stage);
int bh_map_put_hashed(int64_t **out, const char **key_out, bh_map *m, const void *key, size_t n,
		      uint64_t h);

/* Calls fn for each entry (order unspecified); stops early on non-zero. */
int bh_map_each(bh_map *m, int (*fn)(const char *key, size_t n, int64_t *value, void *payload),
		void *payload);

/* Empties the map, keeping its memory for reuse. */
void bh_map_clear(bh_map *m);
void bh_map_free(bh_map *m);

#endif
