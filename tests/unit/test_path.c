/* Unit tests of the path search (src/query/path.c) on small hand-built
 * graphs: shortest and next-shortest simple paths, their ranking, clusters
 * as nodes, the --max-hops bound, unreachable ends and the CSV cell guard.
 *
 * The graph (link rows; the number of rows per hop in brackets):
 *
 *   1 -> 2 -> 4 -> 5        1 -> 3 [2 rows, two sources] -> 4
 *   6 is resolved as 4 (cluster), 7 -> 8 is apart, 9 has no link
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "query/graph.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char db_path[256];

static int setup(void **state)
{
	bh_store *s = NULL;
	snprintf(db_path, sizeof db_path, "/tmp/bh_test_path_%d.db", (int)getpid());
	unlink(db_path);
	if (bh_store_open(&s, db_path, BH_STORE_RW) < 0)
		return -1;
	if (bh_store_exec(s,
			  "INSERT INTO source(id, path, sha256, size, kind, ingested_at) VALUES"
			  " (1, 'a.csv', 'x', 1, 'test', 'now'), (2, 'b.csv', 'y', 1, 'test', 'now');"
			  "INSERT INTO entity(rid, id, kind, name) VALUES"
			  " (1, 'e:1', 'organization', 'ONE'), (2, 'e:2', 'organization', 'TWO'),"
			  " (3, 'e:3', 'organization', 'THREE'), (4, 'e:4', 'public_body', 'FOUR'),"
			  " (5, 'e:5', 'person', 'FIVE'), (6, 'e:6', 'organization', 'FOUR TOO'),"
			  " (7, 'e:7', 'organization', 'SEVEN'), (8, 'e:8', 'organization', 'EIGHT'),"
			  " (9, 'e:9', 'organization', 'NINE');"
			  "INSERT INTO link(rid, kind, src, dst, amount, n, source_id, line) VALUES"
			  " (1, 'awarded', 1, 2, 100, 1, 1, 2), (2, 'parent_of', 2, 4, NULL, 1, 1, 3),"
			  " (3, 'awarded', 1, 3, 200, 1, 1, 4), (4, 'awarded', 1, 3, 300, 2, 2, 2),"
			  " (5, 'part_of', 4, 3, NULL, 1, 1, 5), (6, 'lobbied', 5, 4, NULL, 1, 1, 6),"
			  " (7, 'awarded', 7, 8, 5, 1, 1, 7);") < 0) {
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
	return 0;
}

static void assert_nodes(const bh_path *p, const int64_t *want, int hops)
{
	assert_int_equal(p->hops, hops);
	for (int i = 0; i <= hops; i++)
		assert_int_equal(p->nodes[i], want[i]);
}

/* 1 to 4: two shortest paths of 2 hops; the one through 3 first (its hops
 * rest on 2 and 1 link rows, 3 in all, against 1 and 1). No 3-hop simple
 * path exists. */
static void test_two_shortest(void **state)
{
	bh_paths ps;
	assert_int_equal(bh_graph_paths(&ps, *state, 1, 4, 4, 10), 0);
	assert_int_equal(ps.shortest, 2);
	assert_int_equal(ps.n, 2);
	assert_nodes(&ps.v[0], (int64_t[]){1, 3, 4}, 2);
	assert_int_equal(ps.v[0].links, 3);
	assert_int_equal(ps.v[0].weakest, 1);
	assert_nodes(&ps.v[1], (int64_t[]){1, 2, 4}, 2);
	assert_int_equal(ps.truncated, 0);
	bh_paths_free(&ps);
}

/* 1 to 5: shortest 3 hops (1-2-4-5, 1-3-4-5), none of 4 (simple paths). */
static void test_longer_and_bound(void **state)
{
	bh_paths ps;
	assert_int_equal(bh_graph_paths(&ps, *state, 1, 5, 4, 10), 0);
	assert_int_equal(ps.shortest, 3);
	assert_int_equal(ps.n, 2);
	assert_nodes(&ps.v[0], (int64_t[]){1, 3, 4, 5}, 3);
	assert_nodes(&ps.v[1], (int64_t[]){1, 2, 4, 5}, 3);
	bh_paths_free(&ps);
	/* reversed ends give the reversed paths */
	assert_int_equal(bh_graph_paths(&ps, *state, 5, 1, 4, 10), 0);
	assert_int_equal(ps.n, 2);
	assert_nodes(&ps.v[0], (int64_t[]){5, 4, 3, 1}, 3);
	bh_paths_free(&ps);
	/* --max-hops 2 cannot reach */
	assert_int_equal(bh_graph_paths(&ps, *state, 1, 5, 2, 10), 0);
	assert_int_equal(ps.n, 0);
	assert_int_equal(ps.shortest, 0);
	bh_paths_free(&ps);
	/* limit keeps the best */
	assert_int_equal(bh_graph_paths(&ps, *state, 1, 5, 4, 1), 0);
	assert_int_equal(ps.n, 1);
	assert_nodes(&ps.v[0], (int64_t[]){1, 3, 4, 5}, 3);
	bh_paths_free(&ps);
}

/* A cluster is one node: once 6 is resolved as 4, 6's link to 1 makes 1-4
 * one hop, and the 2-hop paths become the next-shortest alternatives. */
static void test_cluster(void **state)
{
	bh_store *s = *state;
	bh_paths ps;
	assert_int_equal(bh_store_exec(s, "INSERT INTO cluster VALUES (6, 4);"
					  "INSERT INTO link(rid, kind, src, dst, n, source_id, line)"
					  " VALUES (8, 'subcontracted', 1, 6, 1, 2, 9);"),
			 0);
	assert_int_equal(bh_graph_paths(&ps, s, 1, 4, 4, 10), 0);
	assert_int_equal(ps.shortest, 1);
	assert_int_equal(ps.n, 3);
	assert_nodes(&ps.v[0], (int64_t[]){1, 4}, 1);
	assert_nodes(&ps.v[1], (int64_t[]){1, 3, 4}, 2);
	assert_nodes(&ps.v[2], (int64_t[]){1, 2, 4}, 2);
	bh_paths_free(&ps);
	assert_int_equal(bh_store_exec(s, "DELETE FROM cluster; DELETE FROM link WHERE rid = 8;"), 0);
}

static void test_unreachable(void **state)
{
	bh_paths ps;
	assert_int_equal(bh_graph_paths(&ps, *state, 1, 8, 8, 10), 0);
	assert_int_equal(ps.n, 0);
	bh_paths_free(&ps);
	assert_int_equal(bh_graph_paths(&ps, *state, 9, 1, 4, 10), 0);
	assert_int_equal(ps.n, 0);
	bh_paths_free(&ps);
	assert_true(bh_graph_paths(&ps, *state, 1, 1, 4, 10) < 0);
	assert_true(bh_graph_paths(&ps, *state, 1, 4, 0, 10) < 0);
	assert_true(bh_graph_paths(&ps, *state, 1, 4, BH_PATH_MAX_HOPS + 1, 10) < 0);
}

static void test_csv_cell(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	bh_csv_cell(f, "=HYPERLINK(\"x\")");
	fputc('|', f);
	bh_csv_cell(f, "+1");
	fputc('|', f);
	bh_csv_cell(f, "-2");
	fputc('|', f);
	bh_csv_cell(f, "@SUM(A1)");
	fputc('|', f);
	bh_csv_cell(f, "\tx");
	fputc('|', f);
	bh_csv_cell(f, "\rx");
	fputc('|', f);
	bh_csv_cell(f, "ACME, \"INC\"");
	fputc('|', f);
	bh_csv_cell(f, NULL);
	fclose(f);
	assert_string_equal(buf, "\"'=HYPERLINK(\"\"x\"\")\"|\"'+1\"|\"'-2\"|\"'@SUM(A1)\"|\"'\tx\"|"
				 "\"'\rx\"|\"ACME, \"\"INC\"\"\"|\"\"");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_shortest),
		cmocka_unit_test(test_longer_and_bound),
		cmocka_unit_test(test_cluster),
		cmocka_unit_test(test_unreachable),
		cmocka_unit_test(test_csv_cell),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
