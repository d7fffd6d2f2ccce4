/* Unit tests of BH_SQL_NAMES (src/query/queryInt.h), the "; "-separated
 * list of a group's distinct names that the dossier and the entity page
 * show (registrants, the companies whose PACs gave): names that hold
 * commas stay whole, duplicates go, NULLs are skipped, a group of one or
 * none is the name or NULL. Run on an in-memory SQLite table; every
 * expected list is written out by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "query/queryInt.h"

static sqlite3 *db;

static int setup(void **state)
{
	if (sqlite3_open(":memory:", &db) != SQLITE_OK)
		return -1;
	return sqlite3_exec(db,
			    "CREATE TABLE f(g INTEGER, name TEXT);"
			    "INSERT INTO f VALUES"
			    " (1, 'Manatt, Phelps, and Phillips'), (1, 'Sisco Consulting, LLC'),"
			    " (1, 'WISE & ASSOC'), (1, 'Sisco Consulting, LLC'), (1, NULL),"
			    " (2, 'GEO GROUP, INC., THE'),"
			    " (3, NULL),"
			    " (4, 'A'), (4, 'A'), (4, 'B,C')",
			    NULL, NULL, NULL) == SQLITE_OK
		       ? 0
		       : -1;
}

static int teardown(void **state)
{
	sqlite3_close(db);
	return 0;
}

/* the group's list, or "(null)" */
static void names_of(int g, char *out, size_t cap)
{
	sqlite3_stmt *q = NULL;
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT " BH_SQL_NAMES("name") " FROM f WHERE g = ?1"
					    " GROUP BY g",
					    -1, &q, NULL),
			 SQLITE_OK);
	sqlite3_bind_int(q, 1, g);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	const char *t = (const char *)sqlite3_column_text(q, 0);
	snprintf(out, cap, "%s", t ? t : "(null)");
	sqlite3_finalize(q);
}

/* the list as a set: order within a group is SQLite's */
static void test_commas_stay_whole(void **state)
{
	char got[256];
	names_of(1, got, sizeof got);
	const char *want[] = {"Manatt, Phelps, and Phillips", "Sisco Consulting, LLC", "WISE & ASSOC"};
	size_t n = 0;
	for (char *p = got, *e; p; p = e ? e + 2 : NULL, n++) {
		e = strstr(p, "; ");
		size_t len = e ? (size_t)(e - p) : strlen(p);
		int found = 0;
		for (size_t i = 0; i < 3; i++)
			found += strlen(want[i]) == len && !strncmp(want[i], p, len);
		assert_int_equal(found, 1);
	}
	assert_int_equal(n, 3);
	assert_int_equal(strlen(got), strlen(want[0]) + strlen(want[1]) + strlen(want[2]) + 2 * 2);
}

static void test_one_none_duplicates(void **state)
{
	char got[256];
	names_of(2, got, sizeof got);
	assert_string_equal(got, "GEO GROUP, INC., THE");
	names_of(3, got, sizeof got);
	assert_string_equal(got, "(null)");
	names_of(4, got, sizeof got);
	assert_true(!strcmp(got, "A; B,C") || !strcmp(got, "B,C; A"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_commas_stay_whole),
		cmocka_unit_test(test_one_none_duplicates),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
