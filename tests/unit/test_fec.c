/* Unit tests of the FEC readers (src/ingest/fmt_fec.c) on the invented
 * fixtures of tests/fixtures/fec: kind detection from content, the
 * counting rule for gifts to candidates (memo entries and independent
 * expenditures out), rejects with reasons, Latin-1 repair. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ingest/ingest.h"
#include "query/influence.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char db_path[256];

static int64_t scalar(bh_store *s, const char *sql)
{
	sqlite3_stmt *q = NULL;
	int64_t v = -1;
	assert_int_equal(bh_store_prepare(&q, s, sql), 0);
	if (sqlite3_step(q) == SQLITE_ROW)
		v = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return v;
}

static int setup(void **state)
{
	bh_store *s = NULL;
	bh_ingest_report rep;
	bh_ingest_opts opts;
	const char *paths[] = {"tests/fixtures/fec"};
	FILE *log = fopen("/dev/null", "w");

	snprintf(db_path, sizeof db_path, "/tmp/bh_test_fec_%d.db", (int)getpid());
	unlink(db_path);
	memset(&opts, 0, sizeof opts);
	memset(&rep, 0, sizeof rep);
	opts.quiet = 1;
	opts.log = log;
	if (bh_store_open(&s, db_path, BH_STORE_RW) < 0)
		return -1;
	int rc = bh_ingest_paths(&rep, s, paths, 1, &opts);
	fclose(log);
	if (rc < 0 || rep.files_loaded != 4) {
		fprintf(stderr, "ingest of tests/fixtures/fec: rc %d, %d files loaded\n", rc,
			rep.files_loaded);
		bh_store_close(s);
		return -1;
	}
	*state = s;
	return 0;
}

static int teardown(void **state)
{
	bh_store_close(*state);
	unlink(db_path);
	char p[300];
	snprintf(p, sizeof p, "%s-wal", db_path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", db_path);
	unlink(p);
	return 0;
}

static void test_kinds(void **state)
{
	bh_store *s = *state;
	assert_int_equal(scalar(s, "SELECT count(*) FROM source WHERE kind='fec-committees'"), 1);
	assert_int_equal(scalar(s, "SELECT count(*) FROM source WHERE kind='fec-candidates'"), 1);
	assert_int_equal(scalar(s, "SELECT count(*) FROM source WHERE kind='fec-to-candidates'"), 1);
	assert_int_equal(scalar(s, "SELECT count(*) FROM source WHERE kind='fec-individual'"), 1);
}

static void test_gifts(void **state)
{
	bh_store *s = *state;
	/* 5000 + 2500 - 500; the memo (1000) and the 24E (700) do not count */
	assert_int_equal(scalar(s, "SELECT sum(amount) FROM fec_gift WHERE cmte_id='C90000001'"),
			 700000);
	assert_int_equal(scalar(s, "SELECT count(*) FROM fec_txn WHERE file='itpas2'"), 5);
	assert_int_equal(scalar(s, "SELECT amount FROM link l JOIN entity e ON e.rid=l.src"
				   " JOIN entity c ON c.rid=l.dst WHERE l.kind='contributed'"
				   " AND e.id='fec:C90000001' AND c.id='fec:H0NY99001'"),
			 450000);
	assert_int_equal(scalar(s, "SELECT amount FROM link l JOIN entity e ON e.rid=l.src"
				   " WHERE l.kind='spent_for' AND e.id='fec:C90000001'"),
			 70000);
}

static void test_entities(void **state)
{
	bh_store *s = *state;
	/* the connected organization sponsors the PAC */
	assert_int_equal(scalar(s, "SELECT count(*) FROM link l JOIN entity o ON o.rid=l.src"
				   " JOIN entity c ON c.rid=l.dst WHERE l.kind='sponsors'"
				   " AND o.id='name:ACME DETENTION SERVICES INC' AND c.id='fec:C90000001'"),
			 1);
	/* the candidate master names the candidate officially */
	assert_int_equal(scalar(s, "SELECT count(*) FROM entity WHERE id='fec:H0NY99001'"
				   " AND name='SMITH, JOHN' AND kind='candidate'"),
			 1);
	/* one contributor per name and ZIP-5, with two contributions */
	assert_int_equal(scalar(s, "SELECT n FROM link l JOIN entity p ON p.rid=l.src"
				   " WHERE p.id='fecind:DOE JOHN|22150' AND l.kind='contributed'"),
			 2);
}

static void test_rejects(void **state)
{
	bh_store *s = *state;
	assert_int_equal(scalar(s, "SELECT rejected FROM source WHERE kind='fec-individual'"), 2);
	assert_int_equal(scalar(s, "SELECT count(*) FROM reject WHERE action='rejected'"
				   " AND reason LIKE '15 fields, expected 21%'"),
			 1);
	assert_int_equal(scalar(s, "SELECT count(*) FROM reject WHERE action='rejected'"
				   " AND reason LIKE 'TRANSACTION_DT is not a MMDDYYYY date%'"),
			 1);
	/* Latin-1 bytes decoded and counted */
	assert_int_equal(scalar(s, "SELECT repaired FROM source WHERE kind='fec-individual'"), 1);
	assert_int_equal(scalar(s, "SELECT count(*) FROM fec_txn WHERE name='MU\xC3\x91OZ, JOS\xC3\x89'"),
			 1);
}

/* the influence section of the PAC's connected organization */
static void test_influence(void **state)
{
	bh_store *s = *state;
	char *buf = NULL;
	size_t len = 0;
	int64_t org = scalar(s, "SELECT rid FROM entity WHERE id='name:ACME DETENTION SERVICES INC'");
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(bh_influence_print(s, org, 1, f), 0);
	fclose(f);
	assert_non_null(strstr(buf, "\"fec_id\": \"fec:C90000001\""));
	assert_non_null(strstr(buf, "\"gave\": 7000.00"));
	assert_non_null(strstr(buf, "\"candidate\": \"SMITH, JOHN\""));
	assert_non_null(strstr(buf, "\"total\": 4500.00"));
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_gifts),
		cmocka_unit_test(test_entities),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_influence),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
