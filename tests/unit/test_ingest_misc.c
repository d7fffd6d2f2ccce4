/* Unit tests of the small structures ingest stands on: the hash map
 * (src/util/map.h), the capped growable buffer (src/util/buf.h, whose cap
 * is what keeps a hostile file from exhausting memory), header detection
 * helpers (src/ingest/ingestInt.h) and the CLI exit status rule
 * (src/ingest/ingest.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ingest/ingest.h"
#include "ingest/ingestInt.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/map.h"

/* ---- map ---------------------------------------------------------------- */

static void test_map_put_get(void **state)
{
	bh_map m;
	int64_t *v = NULL;
	const char *k = NULL;
	memset(&m, 0, sizeof m);

	assert_int_equal(bh_map_get(&v, &m, "a", 1), 0); /* empty map */
	assert_int_equal(bh_map_put(&v, &k, &m, "uei:ABC", 7), 1);
	assert_int_equal(*v, 0); /* new keys start at 0 */
	assert_string_equal(k, "uei:ABC");
	*v = 42;
	assert_int_equal(bh_map_put(&v, &k, &m, "uei:ABC", 7), 0); /* existing */
	assert_int_equal(*v, 42);
	assert_int_equal(bh_map_get(&v, &m, "uei:ABC", 7), 1);
	assert_int_equal(*v, 42);
	assert_int_equal(bh_map_get(&v, &m, "uei:AB", 6), 0); /* a prefix is another key */
	assert_int_equal(m.count, 1);
	bh_map_free(&m);
	assert_int_equal(m.count, 0);
}

static void test_map_binary_keys(void **state)
{
	/* statement keys hold a rowid and NULs: lengths, not strings, count */
	bh_map m;
	int64_t *v;
	memset(&m, 0, sizeof m);
	assert_int_equal(bh_map_put(&v, NULL, &m, "ab\0c", 4), 1);
	*v = 1;
	assert_int_equal(bh_map_put(&v, NULL, &m, "ab\0d", 4), 1);
	*v = 2;
	assert_int_equal(bh_map_put(&v, NULL, &m, "ab", 2), 1);
	*v = 3;
	assert_int_equal(bh_map_put(&v, NULL, &m, "", 0), 1); /* the empty key */
	*v = 4;
	assert_int_equal(bh_map_get(&v, &m, "ab\0c", 4), 1);
	assert_int_equal(*v, 1);
	assert_int_equal(bh_map_get(&v, &m, "ab\0d", 4), 1);
	assert_int_equal(*v, 2);
	assert_int_equal(bh_map_get(&v, &m, "ab", 2), 1);
	assert_int_equal(*v, 3);
	assert_int_equal(bh_map_get(&v, &m, "", 0), 1);
	assert_int_equal(*v, 4);
	assert_int_equal(m.count, 4);
	bh_map_free(&m);
}

static int count_and_sum(const char *key, size_t n, int64_t *value, void *payload)
{
	int64_t *acc = payload;
	assert_int_equal(strlen(key), n); /* keys are NUL-terminated copies */
	acc[0]++;
	acc[1] += *value;
	return 0;
}

static int stop_at_third(const char *key, size_t n, int64_t *value, void *payload)
{
	int *seen = payload;
	return ++*seen == 3 ? 7 : 0;
}

static void test_map_growth(void **state)
{
	/* enough keys to grow the table many times and fill several arena
	 * chunks; every value must survive every rehash */
	enum { N = 100000 };
	bh_map m;
	int64_t *v;
	char key[32];
	memset(&m, 0, sizeof m);
	for (int i = 0; i < N; i++) {
		int n = snprintf(key, sizeof key, "name:COMPANY %d", i);
		assert_int_equal(bh_map_put(&v, NULL, &m, key, (size_t)n), 1);
		*v = i;
	}
	assert_int_equal(m.count, N);
	assert_true(m.nslots >= 2 * (size_t)N); /* load stays under 1/2 */
	assert_int_equal(m.nslots & (m.nslots - 1), 0); /* a power of two */
	for (int i = 0; i < N; i++) {
		int n = snprintf(key, sizeof key, "name:COMPANY %d", i);
		assert_int_equal(bh_map_get(&v, &m, key, (size_t)n), 1);
		assert_int_equal(*v, i);
	}
	int64_t acc[2] = {0, 0};
	assert_int_equal(bh_map_each(&m, count_and_sum, acc), 0);
	assert_int_equal(acc[0], N);
	assert_int_equal(acc[1], (int64_t)N * (N - 1) / 2); /* 0 + 1 + ... + N-1 */
	int seen = 0;
	assert_int_equal(bh_map_each(&m, stop_at_third, &seen), 7);
	assert_int_equal(seen, 3);
	/* cleared, it is empty and usable again */
	bh_map_clear(&m);
	assert_int_equal(m.count, 0);
	assert_int_equal(bh_map_get(&v, &m, "name:COMPANY 1", 14), 0);
	assert_int_equal(bh_map_put(&v, NULL, &m, "x", 1), 1);
	bh_map_free(&m);
}

static void test_map_long_key(void **state)
{
	/* a key larger than an arena chunk (64 KiB) gets a chunk of its own */
	size_t n = 200000;
	char *big = malloc(n);
	bh_map m;
	int64_t *v;
	const char *k;
	assert_non_null(big);
	memset(big, 'K', n);
	memset(&m, 0, sizeof m);
	assert_int_equal(bh_map_put(&v, NULL, &m, "small", 5), 1);
	assert_int_equal(bh_map_put(&v, &k, &m, big, n), 1);
	*v = 9;
	assert_memory_equal(k, big, n);
	assert_int_equal(k[n], '\0');
	assert_int_equal(bh_map_put(&v, NULL, &m, "after", 5), 1);
	assert_int_equal(bh_map_get(&v, &m, big, n), 1);
	assert_int_equal(*v, 9);
	assert_int_equal(bh_map_get(&v, &m, "small", 5), 1);
	bh_map_free(&m);
	free(big);
}

static void test_map_free_null(void **state)
{
	bh_map m;
	memset(&m, 0, sizeof m);
	bh_map_free(NULL);
	bh_map_free(&m); /* zeroed */
	bh_map_free(&m); /* twice */
}

/* ---- buf ---------------------------------------------------------------- */

static void test_buf_basic(void **state)
{
	bh_buf b = {0};
	assert_int_equal(bh_buf_puts(&b, "GEO"), 0);
	assert_int_equal(bh_buf_putc(&b, ' '), 0);
	assert_int_equal(bh_buf_printf(&b, "%s %d", "GROUP", 7), 0);
	assert_string_equal(b.p, "GEO GROUP 7");
	assert_int_equal(b.len, 11);
	assert_int_equal(bh_buf_put(&b, "\0x", 2), 0); /* bytes, NUL included */
	assert_int_equal(b.len, 13);
	assert_int_equal(b.p[13], '\0');
	bh_buf_clear(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.p, "");
	bh_buf_free(&b);
	assert_null(b.p);
	bh_buf_free(&b); /* twice */
	bh_buf_free(NULL);
	bh_buf_clear(&b); /* a freed buffer can be cleared */
}

static void test_buf_cap(void **state)
{
	bh_buf b = {.limit = 16};
	assert_int_equal(bh_buf_put(&b, "0123456789", 10), 0);
	assert_int_equal(bh_buf_put(&b, "abcdef", 6), 0); /* exactly the cap */
	assert_int_equal(b.len, 16);
	/* one byte more is refused, and the buffer is left as it was */
	assert_int_equal(bh_buf_putc(&b, 'z'), BH_ETOOBIG);
	assert_int_equal(b.len, 16);
	assert_string_equal(b.p, "0123456789abcdef");
	assert_int_equal(bh_buf_printf(&b, "%d", 1), BH_ETOOBIG);
	assert_int_equal(b.len, 16);
	assert_true(b.cap <= 17); /* never allocates past the cap (+NUL) */
	assert_non_null(strstr(bh_error_last(), "cap"));
	bh_buf_clear(&b);
	assert_int_equal(bh_buf_printf(&b, "%s", "a string of 20 bytes"), BH_ETOOBIG);
	assert_int_equal(b.len, 0);
	bh_buf_free(&b);
}

static void test_buf_cap_overflow(void **state)
{
	/* sizes near SIZE_MAX must hit the cap, not wrap around it */
	bh_buf b = {.limit = 1024};
	assert_int_equal(bh_buf_put(&b, "hello", 5), 0);
	assert_int_equal(bh_buf_reserve(&b, SIZE_MAX), BH_ETOOBIG);
	assert_int_equal(bh_buf_reserve(&b, SIZE_MAX - 5), BH_ETOOBIG);
	assert_int_equal(bh_buf_reserve(&b, SIZE_MAX - 3), BH_ETOOBIG);
	assert_int_equal(b.len, 5);
	bh_buf_free(&b);
	/* the same on a buffer that never allocated */
	bh_buf e = {0};
	assert_int_equal(bh_buf_reserve(&e, SIZE_MAX), BH_ETOOBIG);
	bh_buf_free(&e);
}

static void test_buf_default_cap(void **state)
{
	/* limit 0 means the default cap, checked before any allocation */
	bh_buf b = {0};
	assert_int_equal(bh_buf_reserve(&b, BH_BUF_DEFAULT_LIMIT + 1), BH_ETOOBIG);
	assert_null(b.p);
	assert_int_equal(bh_buf_reserve(&b, 100), 0);
	assert_true(b.cap >= 101);
	bh_buf_free(&b);
}

/* ---- header helpers --------------------------------------------------------- */

static void test_head_has_columns(void **state)
{
	static const char *const cols[] = {"federal_action_obligation", "action_date",
					   "recipient_name", NULL};
	const char *h = "award_id_piid,federal_action_obligation,\"action_date\",x\r\nrecipient_name,1\n";
	int cells = 0;
	/* only the first line counts; quoted names count; CR is not part of a name */
	assert_int_equal(bh_head_has_columns(h, strlen(h), ',', cols, &cells), 2);
	assert_int_equal(cells, 4);
	const char *bom = "\xEF\xBB\xBF" "action_date,recipient_name\n";
	assert_int_equal(bh_head_has_columns(bom, strlen(bom), ',', cols, &cells), 2);
	assert_int_equal(cells, 2);
	const char *crlf = "a,recipient_name\r\n";
	assert_int_equal(bh_head_has_columns(crlf, strlen(crlf), ',', cols, NULL), 1);
	const char *pipe = "action_date|recipient_name|federal_action_obligation\n";
	assert_int_equal(bh_head_has_columns(pipe, strlen(pipe), '|', cols, &cells), 3);
	assert_int_equal(cells, 3);
	assert_int_equal(bh_head_has_columns(pipe, strlen(pipe), ',', cols, NULL), 0);
	assert_int_equal(bh_head_has_columns("", 0, ',', cols, &cells), 0);
	assert_int_equal(cells, 0);
	/* an unclosed quote in the first block ends at the block, no overread */
	const char *open = "\"action_date";
	assert_int_equal(bh_head_has_columns(open, strlen(open), ',', cols, NULL), 1);
}

static void test_header_index(void **state)
{
	bh_cell cells[] = {{"a", 1}, {"action_date", 11}, {"action_date_fiscal_year", 23}};
	bh_row h = {.cells = cells, .ncells = 3};
	assert_int_equal(bh_header_index(&h, "action_date"), 1);
	assert_int_equal(bh_header_index(&h, "action_date_fiscal_year"), 2);
	assert_int_equal(bh_header_index(&h, "action"), -1);
	assert_int_equal(bh_header_index(&h, "b"), -1);
	bh_cell blank[] = {{"", 0}};
	bh_row r = {.cells = blank, .ncells = 1};
	assert_int_equal(bh_row_blank(&r), 1);
	assert_int_equal(bh_row_blank(&h), 0);
}

/* ---- exit status ------------------------------------------------------------ */

static void test_exit_status(void **state)
{
	bh_ingest_report r;
	memset(&r, 0, sizeof r);
	r.files_loaded = 2;
	assert_int_equal(bh_ingest_exit_status(&r), 0);
	r.rejected = 1; /* rows refused: partial */
	assert_int_equal(bh_ingest_exit_status(&r), 1);
	r.rejected = 0;
	r.files_failed = 1; /* one file refused beside others that landed */
	assert_int_equal(bh_ingest_exit_status(&r), 1);
	memset(&r, 0, sizeof r);
	r.files_failed = 1; /* nothing landed */
	assert_int_equal(bh_ingest_exit_status(&r), 2);
	r.files_skipped = 1; /* a failure beside an already ingested file */
	assert_int_equal(bh_ingest_exit_status(&r), 1);
	memset(&r, 0, sizeof r);
	r.files_skipped = 3; /* all already ingested */
	assert_int_equal(bh_ingest_exit_status(&r), 0);
	memset(&r, 0, sizeof r);
	r.repaired = 5; /* repaired rows landed: not partial */
	r.files_loaded = 1;
	assert_int_equal(bh_ingest_exit_status(&r), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_map_put_get),
		cmocka_unit_test(test_map_binary_keys),
		cmocka_unit_test(test_map_growth),
		cmocka_unit_test(test_map_long_key),
		cmocka_unit_test(test_map_free_null),
		cmocka_unit_test(test_buf_basic),
		cmocka_unit_test(test_buf_cap),
		cmocka_unit_test(test_buf_cap_overflow),
		cmocka_unit_test(test_buf_default_cap),
		cmocka_unit_test(test_head_has_columns),
		cmocka_unit_test(test_header_index),
		cmocka_unit_test(test_exit_status),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
