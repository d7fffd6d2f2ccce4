/* Unit tests of the Senate LDA reader (src/ingest/fmt_lda.c) on the invented
 * fixtures of tests/fixtures/lda: UTF-16 with and without BOM, covered
 * positions of lobbyists, the spend counting rule (amendments replace),
 * LD-203 contributions, a truncated file reported as a rejected record. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ingest/ingest.h"
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
	const char *paths[] = {"tests/fixtures/lda"};
	FILE *log = fopen("/dev/null", "w");

	snprintf(db_path, sizeof db_path, "/tmp/bh_test_lda_%d.db", (int)getpid());
	unlink(db_path);
	memset(&opts, 0, sizeof opts);
	memset(&rep, 0, sizeof rep);
	opts.quiet = 1;
	opts.log = log;
	if (bh_store_open(&s, db_path, BH_STORE_RW) < 0)
		return -1;
	int rc = bh_ingest_paths(&rep, s, paths, 1, &opts);
	fclose(log);
	if (rc < 0 || rep.files_loaded < 1) {
		fprintf(stderr, "ingest of tests/fixtures/lda: rc %d, %d files loaded\n", rc,
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
	assert_int_equal(scalar(s, "SELECT count(*) FROM source WHERE kind='lda-ld1-ld2'"), 2);
	assert_int_equal(scalar(s, "SELECT count(*) FROM source WHERE kind='lda-ld203'"), 2);
	/* the BOM-less file is read, with a warning */
	assert_int_equal(scalar(s, "SELECT count(*) FROM reject WHERE action='warning'"
				   " AND reason LIKE 'UTF-16 without a byte-order mark%'"),
			 1);
	assert_int_equal(scalar(s, "SELECT count(*) FROM lda_filing"
				   " WHERE filing_id='33333333-CCCC-4CCC-8CCC-000000000001'"),
			 1);
}

static void test_covered_positions(void **state)
{
	bh_store *s = *state;
	assert_int_equal(scalar(s, "SELECT count(*) FROM lda_lobbyist"
				   " WHERE filing_id='11111111-AAAA-4AAA-8AAA-000000000001'"),
			 3);
	assert_int_equal(scalar(s, "SELECT count(*) FROM lda_lobbyist"
				   " WHERE filing_id='11111111-AAAA-4AAA-8AAA-000000000001'"
				   " AND official_position IS NOT NULL"),
			 2);
	assert_int_equal(scalar(s, "SELECT count(DISTINCT st.value) FROM statement st JOIN entity e ON e.rid=st.entity"
				   " WHERE e.id='lobbyist:PARKER ALICE' AND st.prop='covered_position'"
				   " AND st.value='DEPUTY CHIEF OF STAFF, IMMIGRATION AND CUSTOMS ENFORCEMENT'"),
			 1);
	/* non-ASCII text survives UTF-16 -> UTF-8 */
	assert_int_equal(scalar(s, "SELECT count(*) FROM lda_issue WHERE specific LIKE '%\xC3\xA9migr\xC3\xA9%'"
				   " AND filing_id LIKE '11111111-%'"),
			 1);
}

static void test_spend(void **state)
{
	bh_store *s = *state;
	/* the amendment (60,000) replaces the mid-year report (40,000); plus
	 * the year-end report (20,000); the registration has no amount */
	assert_int_equal(scalar(s, "SELECT sum(amount) FROM lda_spend WHERE client_name="
				   "'ACME DETENTION SERVICES, INC.' AND year=2006"
				   " AND source_id=(SELECT id FROM source WHERE path LIKE '%ld2_2006_2.xml')"),
			 8000000);
	assert_int_equal(scalar(s, "SELECT count(*) FROM lda_gov_entity"
				   " WHERE name='Homeland Security, Dept of (DHS)' AND filing_id LIKE '11111111-%'"),
			 2);
}

static void test_ld203(void **state)
{
	bh_store *s = *state;
	assert_int_equal(scalar(s, "SELECT count(*) FROM lda_contribution c JOIN lda_filing f"
				   " ON f.filing_id=c.filing_id AND f.source_id=c.source_id"
				   " WHERE f.registrant_name='Acme Detention Services, Inc.'"),
			 2);
	assert_int_equal(scalar(s, "SELECT count(*) FROM reject WHERE action='rejected'"
				   " AND reason LIKE '%contribution Amount is not an amount: ''two thousand''%'"),
			 1);
	assert_int_equal(scalar(s, "SELECT sum(amount) FROM lda_contribution"
				   " WHERE contributor='ACME DETENTION SERVICES INC PAC'"),
			 750000);
}

static void test_truncated(void **state)
{
	bh_store *s = *state;
	assert_int_equal(scalar(s, "SELECT rejected FROM source WHERE path LIKE '%truncated.xml'"), 1);
	assert_int_equal(scalar(s, "SELECT count(*) FROM reject r JOIN source s ON s.id=r.source_id"
				   " WHERE s.path LIKE '%truncated.xml' AND r.reason LIKE 'XML error:%'"),
			 1);
	assert_true(scalar(s, "SELECT count(*) FROM lda_filing f JOIN source s ON s.id=f.source_id"
			      " WHERE s.path LIKE '%truncated.xml'") >= 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_covered_positions),
		cmocka_unit_test(test_spend),
		cmocka_unit_test(test_ld203),
		cmocka_unit_test(test_truncated),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
