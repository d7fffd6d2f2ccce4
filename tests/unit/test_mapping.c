/* Unit tests of mapping files (src/ingest/mapping.h): the edit distance
 * behind "did you mean", reading the fixture mappings into their parts,
 * binding column names to a header (and the nearest-column message),
 * rendering templates with every filter and null markers, and the
 * idempotence key that changes with the mapping. Expected values are
 * worked out by hand beside each literal. Run from the repository root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ingest/mapping.h"
#include "util/err.h"

#define FIX "tests/fixtures/mapping/"

/* A row of up to 16 cells from C strings (views into the strings). */
typedef struct {
	bh_row row;
	bh_cell cells[16];
} test_row;

static void make_row(test_row *t, const char *const *cells, size_t n)
{
	memset(t, 0, sizeof *t);
	for (size_t i = 0; i < n; i++) {
		t->cells[i].p = cells[i];
		t->cells[i].n = strlen(cells[i]);
	}
	t->row.cells = t->cells;
	t->row.ncells = n;
	t->row.line = 2;
}

static int dist(const char *a, const char *b)
{
	return bh_mapping_distance(a, strlen(a), b, strlen(b));
}

static void test_distance(void **state)
{
	(void)state;
	assert_int_equal(dist("entities", "entities"), 0);
	assert_int_equal(dist("entites", "entities"), 1);      /* one insertion */
	assert_int_equal(dist("Operater", "operator"), 1);     /* case folded; e->o */
	assert_int_equal(dist("Award Date", "Awarded"), 4);    /* " Date" -> "ed": 3 del + 1 sub */
	assert_int_equal(dist("", "abc"), 3);
	assert_int_equal(dist("kitten", "sitting"), 3);
}

static void test_load_facilities(void **state)
{
	bh_mapping *m = NULL;
	(void)state;
	assert_int_equal(bh_mapping_load(&m, FIX "facilities.yaml"), 0);
	assert_string_equal(m->name, "detention-facilities");
	assert_int_equal(m->delim, ';');
	assert_int_equal(m->header, 1);
	assert_int_equal(m->decimal, ',');
	assert_string_equal(m->currency, "\xe2\x82\xac"); /* € */
	assert_int_equal(m->nnull, 2);
	assert_int_equal(m->nent, 4);
	assert_string_equal(m->ents[1].ref, "operator");
	assert_int_equal(m->ents[1].nid, 2); /* uei, else the name's key */
	assert_string_equal(m->ents[2].kind, "public_body");
	assert_int_equal(m->ents[2].nid, 0); /* default id */
	assert_int_equal(m->nlink, 3);
	assert_string_equal(m->links[2].kind, "covers facility");
	/* Notes (text), then Awarded (date, shared by two links), Value (money) */
	assert_int_equal(m->ncol, 3);
	assert_int_equal(m->links[0].date_col, m->links[2].date_col);
	assert_int_equal(m->cols[m->links[0].amount_col].type, BH_COL_MONEY);
	bh_mapping_free(m);
}

static void test_load_headerless(void **state)
{
	bh_mapping *m = NULL;
	(void)state;
	assert_int_equal(bh_mapping_load(&m, FIX "contributions.yaml"), 0);
	assert_int_equal(m->header, 0);
	assert_int_equal(m->quoting, 0);
	assert_int_equal(m->delim, '|');
	assert_string_equal(m->name, "contributions.yaml"); /* no name: the file's */
	assert_int_equal(m->ents[2].required, 0);
	bh_mapping_free(m);
}

static void test_load_errors(void **state)
{
	bh_mapping *m = NULL;
	(void)state;
	assert_int_equal(bh_mapping_load(&m, FIX "errors/unknown_top_key.yaml"), BH_EFORMAT);
	assert_null(m);
	assert_non_null(strstr(bh_error_last(), "unknown_top_key.yaml:1: unknown key 'entites'"));
	assert_non_null(strstr(bh_error_last(), "did you mean 'entities'?"));
	assert_int_equal(bh_mapping_load(&m, FIX "errors/unknown_link_kind.yaml"), BH_EFORMAT);
	assert_non_null(strstr(bh_error_last(), ":5: unknown link kind 'awared' (did you mean 'awarded'?"));
	assert_int_equal(bh_mapping_load(&m, FIX "no-such-file.yaml"), BH_EIO);
}

static void test_bind(void **state)
{
	static const char *const hdr[] = {"Facility", "Operator", "Operator UEI", "Agency",
					  "Contract No", "Awarded", "Value", "Notes"};
	bh_mapping *m = NULL;
	test_row h;
	(void)state;
	make_row(&h, hdr, 8);
	assert_int_equal(bh_mapping_load(&m, FIX "facilities.yaml"), 0);
	assert_int_equal(bh_mapping_bind(m, &h.row, 8, "data.csv"), 0);
	assert_int_equal(m->ents[1].id[0].parts[1].idx, 2); /* {Operator UEI|upper} */
	assert_int_equal(m->cols[m->links[0].amount_col].idx, 6);
	bh_mapping_free(m);

	assert_int_equal(bh_mapping_load(&m, FIX "errors/misspelt_column_name.yaml"), 0);
	assert_int_equal(bh_mapping_bind(m, &h.row, 8, "data.csv"), BH_EFORMAT);
	assert_non_null(strstr(bh_error_last(), "misspelt_column_name.yaml:4: column 'Operater' is not"
						" in the header of data.csv (nearest: 'Operator')"));
	bh_mapping_free(m);
}

static void test_render(void **state)
{
	static const char *const hdr[] = {"Facility", "Operator", "Operator UEI", "Agency",
					  "Contract No", "Awarded", "Value", "Notes"};
	static const char *const data[] = {"Pinecrest  Center", " Harbor Detention Group, Inc. ",
					   "hdg1", "N/A", "IEB 2021/003", "13/02/2019", "5", "-"};
	bh_mapping *m = NULL;
	test_row h, r;
	char out[128];
	(void)state;
	make_row(&h, hdr, 8);
	make_row(&r, data, 8);
	assert_int_equal(bh_mapping_load(&m, FIX "facilities.yaml"), 0);
	assert_int_equal(bh_mapping_bind(m, &h.row, 8, "data.csv"), 0);
	/* key: upper case, runs of other characters to one space */
	assert_int_equal(bh_mapping_render(m, &m->ents[0].id[0], &r.row, 1, out, sizeof out), 25); /* 9 + 16 */
	assert_string_equal(out, "facility:PINECREST CENTER");
	/* upper, and the cell trimmed */
	bh_mapping_render(m, &m->ents[1].id[0], &r.row, 1, out, sizeof out);
	assert_string_equal(out, "uei:HDG1");
	bh_mapping_render(m, &m->ents[1].name, &r.row, 0, out, sizeof out);
	assert_string_equal(out, "Harbor Detention Group, Inc.");
	/* url: space and slash percent-encoded */
	bh_mapping_render(m, &m->url, &r.row, 1, out, sizeof out);
	assert_string_equal(out, "https://contracts.example.org/award/IEB%202021%2F003");
	/* N/A is a null marker: Agency is empty, and so is a strict value of it */
	assert_int_equal(bh_mapping_render(m, &m->ents[2].name, &r.row, 0, out, sizeof out), 0);
	assert_string_equal(out, "");
	/* a value longer than the buffer is refused, never cut silently */
	assert_int_equal(bh_mapping_render(m, &m->ents[1].name, &r.row, 0, out, 10), BH_ETOOBIG);
	bh_mapping_free(m);
}

static void test_render_duns_lower(void **state)
{
	static const char *const hdr[] = {"Prime DUNS", "Prime", "Sub DUNS", "Sub", "Parent",
					  "Lobbyist", "Reported", "Sub Amount"};
	static const char *const data[] = {"12345678", "Harbor INC", "0", "x", "", "", "", ""};
	bh_mapping *m = NULL;
	test_row h, r;
	char out[64];
	(void)state;
	make_row(&h, hdr, 8);
	make_row(&r, data, 8);
	assert_int_equal(bh_mapping_load(&m, FIX "subawards.yaml"), 0);
	assert_int_equal(bh_mapping_bind(m, &h.row, 8, "s.tsv"), 0);
	bh_mapping_render(m, &m->ents[0].id[0], &r.row, 1, out, sizeof out);
	assert_string_equal(out, "duns:012345678"); /* zero-padded to 9 */
	bh_mapping_render(m, &m->ents[0].props[1].value, &r.row, 0, out, sizeof out);
	assert_string_equal(out, "harbor inc");
	/* DUNS "0" is no DUNS: the strict id is empty, the next alternative wins */
	assert_int_equal(bh_mapping_render(m, &m->ents[1].id[0], &r.row, 1, out, sizeof out), 0);
	bh_mapping_render(m, &m->ents[1].id[1], &r.row, 1, out, sizeof out);
	assert_string_equal(out, "name:X");
	bh_mapping_free(m);
}

static void test_source_key(void **state)
{
	bh_mapping *a = NULL, *b = NULL;
	char ka[65], kb[65], ka2[65];
	const char *sha = "0000000000000000000000000000000000000000000000000000000000000000";
	(void)state;
	assert_int_equal(bh_mapping_load(&a, FIX "trumptown_staffers.yaml"), 0);
	assert_int_equal(bh_mapping_load(&b, FIX "trumptown_outside.yaml"), 0);
	bh_mapping_source_key(a, sha, ka);
	bh_mapping_source_key(b, sha, kb);
	bh_mapping_source_key(a, sha, ka2);
	assert_int_equal(strlen(ka), 64);
	assert_string_equal(ka, ka2);        /* deterministic */
	assert_string_not_equal(ka, kb);     /* another mapping, another key */
	assert_string_not_equal(ka, sha);    /* never the input's own hash */
	bh_mapping_free(a);
	bh_mapping_free(b);
	bh_mapping_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_distance),
		cmocka_unit_test(test_load_facilities),
		cmocka_unit_test(test_load_headerless),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_bind),
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_render_duns_lower),
		cmocka_unit_test(test_source_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
