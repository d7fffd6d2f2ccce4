/* Unit tests of the server's response cache (src/serve/cache.h): hits
 * return the very bytes stored, a new generation never serves an older
 * answer, the byte cap holds with least recently used entries evicted
 * first, oversized answers are not kept, and many threads at once leave it
 * consistent. Sizes are worked out from the entry layout in each comment. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "serve/cache.h"

/* get(c, key, gen): the cached body as a string the test frees, or NULL. */
static char *get(bh_rcache *c, const char *key, uint64_t gen)
{
	char *body = NULL, ctype[64];
	size_t len = 0;
	int rc = bh_rcache_get(&body, &len, ctype, sizeof ctype, c, key, gen);
	assert_true(rc == 0 || rc == 1);
	if (rc == 1) {
		assert_int_equal(strlen(body), len);
		assert_string_equal(ctype, "application/json");
	}
	return body;
}

static void put(bh_rcache *c, const char *key, uint64_t gen, const char *body)
{
	bh_rcache_put(c, key, gen, body, strlen(body), "application/json");
}

static void test_hit_and_generation(void **state)
{
	bh_rcache *c = NULL;
	bh_rcache_stats st;
	char *b;

	assert_int_equal(bh_rcache_new(&c, 1 << 20), 0);
	assert_null(get(c, "/api/show?id=a", 1));
	put(c, "/api/show?id=a", 1, "{\"a\":1}");
	b = get(c, "/api/show?id=a", 1);
	assert_non_null(b);
	assert_string_equal(b, "{\"a\":1}");
	free(b);
	/* another key, same prefix: no confusion */
	assert_null(get(c, "/api/show?id=ab", 1));
	/* the store changed: the old answer is gone, not just hidden */
	assert_null(get(c, "/api/show?id=a", 2));
	assert_null(get(c, "/api/show?id=a", 1));
	/* replacing an answer keeps one entry */
	put(c, "/api/show?id=a", 2, "{\"a\":2}");
	put(c, "/api/show?id=a", 2, "{\"a\":3}");
	b = get(c, "/api/show?id=a", 2);
	assert_string_equal(b, "{\"a\":3}");
	free(b);
	bh_rcache_stats_get(&st, c);
	assert_int_equal(st.entries, 1);
	assert_int_equal(st.hits, 2);
	assert_int_equal(st.misses, 4);
	bh_rcache_free(c);
}

static void test_cap_and_lru(void **state)
{
	bh_rcache *c = NULL;
	bh_rcache_stats st;
	char body[1001], key[32];
	char *b;

	/* 64 KiB; an entry of a 1000-byte body costs its bookkeeping (under
	 * 200 bytes), key and body: between 1 and 1.2 KiB, so 50 fit and 60 do
	 * not (53 to 64 do) */
	memset(body, 'x', 1000);
	body[1000] = '\0';
	assert_int_equal(bh_rcache_new(&c, 64 << 10), 0);
	for (int i = 0; i < 50; i++) {
		snprintf(key, sizeof key, "/k%d", i);
		put(c, key, 7, body);
	}
	bh_rcache_stats_get(&st, c);
	assert_int_equal(st.entries, 50);
	assert_int_equal(st.evictions, 0);
	/* /k0 used again: now the most recent, so /k1 goes first */
	free(get(c, "/k0", 7));
	for (int i = 50; i < 60; i++) {
		snprintf(key, sizeof key, "/k%d", i);
		put(c, key, 7, body);
	}
	bh_rcache_stats_get(&st, c);
	assert_true(st.bytes <= st.cap);
	assert_true(st.evictions >= 1 && st.evictions <= 7);
	assert_int_equal(st.entries, 60 - st.evictions);
	assert_int_equal(st.stores, 60);
	b = get(c, "/k0", 7);
	assert_non_null(b);
	free(b);
	assert_null(get(c, "/k1", 7));
	b = get(c, "/k59", 7);
	assert_non_null(b);
	free(b);
	/* the ones evicted are exactly the oldest: /k1 .. /k<evictions> */
	snprintf(key, sizeof key, "/k%d", (int)st.evictions + 1);
	b = get(c, key, 7);
	assert_non_null(b);
	free(b);
	snprintf(key, sizeof key, "/k%d", (int)st.evictions);
	assert_null(get(c, key, 7));
	bh_rcache_free(c);
}

static void test_oversized_not_kept(void **state)
{
	bh_rcache *c = NULL;
	char *big = malloc(20000);
	bh_rcache_stats st;

	assert_non_null(big);
	memset(big, 'y', 19999);
	big[19999] = '\0';
	/* cap 128 KiB: answers above cap/8 = 16 KiB are not kept */
	assert_int_equal(bh_rcache_new(&c, 128 << 10), 0);
	put(c, "/big", 1, big);
	assert_null(get(c, "/big", 1));
	bh_rcache_stats_get(&st, c);
	assert_int_equal(st.entries, 0);
	assert_int_equal(st.bytes, 0);
	free(big);
	bh_rcache_free(c);
	/* a cap of zero keeps nothing */
	assert_int_equal(bh_rcache_new(&c, 0), 0);
	put(c, "/x", 1, "{}");
	assert_null(get(c, "/x", 1));
	bh_rcache_free(c);
}

/* ---- many threads ------------------------------------------------------ */

typedef struct {
	bh_rcache *c;
	int id;
	int bad;
} worker;

/* Each thread stores and reads keys shared with the others; a hit must
 * always be the body that belongs to its key. */
static void *work(void *payload)
{
	worker *w = payload;
	char key[32], want[64];
	for (int i = 0; i < 20000; i++) {
		int k = (i * 7 + w->id * 13) % 300;
		snprintf(key, sizeof key, "/api/show?id=%d", k);
		snprintf(want, sizeof want, "{\"id\":%d,\"pad\":\"%0*d\"}", k, k % 40, 0);
		char *b = NULL, ctype[64];
		size_t len;
		int rc = bh_rcache_get(&b, &len, ctype, sizeof ctype, w->c, key, 1);
		if (rc == 1 && strcmp(b, want) != 0)
			w->bad++;
		free(b);
		if (rc == 0)
			bh_rcache_put(w->c, key, 1, want, strlen(want), "application/json");
	}
	return NULL;
}

static void test_threads(void **state)
{
	bh_rcache *c = NULL;
	pthread_t t[4];
	worker w[4];
	bh_rcache_stats st;

	assert_int_equal(bh_rcache_new(&c, 16 << 10), 0); /* small: evictions all the time */
	for (int i = 0; i < 4; i++) {
		w[i] = (worker){c, i, 0};
		assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(w[i].bad, 0);
	}
	bh_rcache_stats_get(&st, c);
	assert_true(st.bytes <= st.cap);
	assert_int_equal(st.hits + st.misses, 80000);
	assert_true(st.evictions > 0);
	bh_rcache_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hit_and_generation),
		cmocka_unit_test(test_cap_and_lru),
		cmocka_unit_test(test_oversized_not_kept),
		cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
