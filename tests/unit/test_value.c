/* Unit tests of the typed values of ingest (src/ingest/value.h): money to
 * integer cents, dates to ISO with the per-column day/month inference, DUNS
 * zero-padding and name keys. Every expected value is worked out by hand in
 * the comment or the literal beside it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ingest/value.h"

/* ---- money ------------------------------------------------------------ */

/* money(s, &cents): bh_money_parse over a C string. */
static int money(const char *s, int64_t *cents)
{
	*cents = 0x5A5A;
	return bh_money_parse(s, strlen(s), cents);
}

#define MONEY_OK(s, want)                          \
	do {                                       \
		int64_t c_;                        \
		assert_int_equal(money(s, &c_), 1); \
		assert_int_equal(c_, (want));      \
	} while (0)

#define MONEY_BAD(s)                                \
	do {                                        \
		int64_t c_;                         \
		assert_int_equal(money(s, &c_), -1); \
	} while (0)

static void test_money_formats(void **state)
{
	MONEY_OK("1314441.64", 131444164);
	MONEY_OK("-2.32", -232);
	MONEY_OK("$1,234", 123400);
	MONEY_OK("1,000,000.00", 100000000);
	MONEY_OK("(12.50)", -1250);
	MONEY_OK("1.5E+07", 1500000000); /* 15,000,000.00 */
	MONEY_OK("2e3", 200000);
	MONEY_OK("1E-2", 1); /* one cent */
	MONEY_OK("0", 0);
	MONEY_OK("-0", 0);
	MONEY_OK(" 42 ", 4200);
	MONEY_OK("+3", 300);
	MONEY_OK("-$5.00", -500);
	MONEY_OK("$-5.00", -500);
	MONEY_OK(".5", 50);
	MONEY_OK("5.", 500);
	MONEY_OK("7000", 700000);
}

static void test_money_rounding(void **state)
{
	/* half away from zero past the second decimal */
	MONEY_OK("0.125", 13);
	MONEY_OK("-0.125", -13);
	MONEY_OK("0.124", 12);
	MONEY_OK("0.1249999", 12);
	MONEY_OK("0.005", 1);
	MONEY_OK("-0.005", -1);
	MONEY_OK("0.0049", 0);
	MONEY_OK("2.5e-3", 0); /* 0.25 cent */
	MONEY_OK("99.995", 10000);
}

static void test_money_empty_and_bad(void **state)
{
	int64_t c;
	assert_int_equal(money("", &c), 0);
	assert_int_equal(money("   ", &c), 0);
	MONEY_BAD("abc");
	MONEY_BAD("12,34x");
	MONEY_BAD("1.2.3");
	MONEY_BAD("-");
	MONEY_BAD("$");
	MONEY_BAD(".");
	MONEY_BAD("(12.50");
	MONEY_BAD("1e");
	MONEY_BAD("1e+");
	MONEY_BAD("12 34");
	MONEY_BAD("N/A");
	/* too large for int64 cents: refused, never wrapped */
	MONEY_BAD("99999999999999999999999");
	MONEY_BAD("1e30");
	MONEY_BAD("9e18");
	/* a cell is bounded by its length, not by a NUL */
	assert_int_equal(bh_money_parse("12.345678", 2, &c), 1);
	assert_int_equal(c, 1200);
}

/* ---- dates ------------------------------------------------------------ */

/* date(c, s, line, out): bh_datecol_value over a C string. */
static int date(bh_datecol *c, const char *s, int64_t line, char out[11])
{
	memset(out, 'x', 11);
	return bh_datecol_value(c, s, strlen(s), line, out);
}

static void test_date_iso(void **state)
{
	bh_datecol c = {.column = "d"};
	char out[11];
	assert_int_equal(date(&c, "2021-03-15", 2, out), 1);
	assert_string_equal(out, "2021-03-15");
	assert_int_equal(date(&c, "2021-03-15 10:00:00", 3, out), 1);
	assert_string_equal(out, "2021-03-15");
	assert_int_equal(date(&c, "2021-03-15T10:00:00Z", 4, out), 1);
	assert_string_equal(out, "2021-03-15");
	assert_int_equal(date(&c, "2020-02-29", 5, out), 1); /* leap year */
	assert_int_equal(date(&c, "2000-02-29", 6, out), 1); /* divisible by 400 */
	assert_int_equal(date(&c, "1900-02-29", 7, out), -1); /* by 100, not 400 */
	assert_int_equal(date(&c, "2021-02-29", 8, out), -1);
	assert_int_equal(date(&c, "2021-04-31", 9, out), -1);
	assert_int_equal(date(&c, "2021-13-01", 10, out), -1);
	assert_int_equal(date(&c, "2021-00-10", 11, out), -1);
	assert_int_equal(date(&c, "2021-03-15x", 12, out), -1);
	assert_int_equal(date(&c, "", 13, out), 0);
	assert_int_equal(date(&c, "  ", 14, out), 0);
	assert_int_equal(date(&c, "hello", 15, out), -1);
	assert_int_equal(date(&c, "15.03.2021", 16, out), -1);
	/* ISO values say nothing about slash order */
	assert_int_equal(c.order, BH_ORDER_UNKNOWN);
	assert_int_equal(c.slash, 0);
}

static void test_date_day_first(void **state)
{
	bh_datecol c = {.column = "action_date"};
	char out[11];
	/* 25 > 12: the column is day-first from line 2 on */
	assert_int_equal(date(&c, "25/07/2013", 2, out), 1);
	assert_string_equal(out, "2013-07-25");
	assert_int_equal(c.order, BH_ORDER_DMY);
	assert_int_equal(c.a_first_line, 2);
	assert_int_equal(date(&c, "03/02/2014", 3, out), 1); /* 3 February */
	assert_string_equal(out, "2014-02-03");
	assert_int_equal(date(&c, "25/07/13 00:00", 4, out), 1); /* two-digit year, time */
	assert_string_equal(out, "2013-07-25");
	assert_int_equal(date(&c, "1/2/2020", 5, out), 1); /* single digits */
	assert_string_equal(out, "2020-02-01");
	/* month 25 is impossible in a day-first column: refused and counted */
	assert_int_equal(date(&c, "12/25/2021", 6, out), -1);
	assert_int_equal(c.conflicts, 1);
	assert_int_equal(c.first_conflict_line, 6);
	assert_int_equal(date(&c, "31/02/2021", 7, out), -1); /* 31 February */
	assert_int_equal(c.conflicts, 2);
	assert_int_equal(c.first_conflict_line, 6);
	assert_int_equal(c.order, BH_ORDER_DMY);
	assert_int_equal(c.provisional, 0);
}

static void test_date_month_first(void **state)
{
	bh_datecol c = {.column = "award_base_action_date"};
	char out[11];
	assert_int_equal(date(&c, "12/22/17", 2, out), 1);
	assert_string_equal(out, "2017-12-22");
	assert_int_equal(c.order, BH_ORDER_MDY);
	assert_int_equal(c.b_first_line, 2);
	assert_int_equal(date(&c, "03/04/2021", 3, out), 1);
	assert_string_equal(out, "2021-03-04");
	assert_int_equal(date(&c, "22/12/2017", 4, out), -1);
	/* two-digit years: 00-69 are 20xx, 70-99 19xx */
	assert_int_equal(date(&c, "01/01/69", 5, out), 1);
	assert_string_equal(out, "2069-01-01");
	assert_int_equal(date(&c, "01/01/70", 6, out), 1);
	assert_string_equal(out, "1970-01-01");
}

static void test_date_ambiguous(void **state)
{
	bh_datecol c = {.column = "d"};
	char out[11];
	/* both parts <= 12: written provisionally as YYYY/AA/BB */
	assert_int_equal(date(&c, "03/04/2021", 2, out), 1);
	assert_string_equal(out, "2021/03/04");
	assert_int_equal(date(&c, "11/12/2021", 3, out), 1);
	assert_string_equal(out, "2021/11/12");
	assert_int_equal(c.order, BH_ORDER_UNKNOWN);
	assert_int_equal(c.provisional, 2);
	assert_int_equal(c.slash, 2);
	/* both parts > 12 is no date in either order */
	assert_int_equal(date(&c, "13/13/2020", 4, out), -1);
	assert_int_equal(c.order, BH_ORDER_UNKNOWN);
	/* then a value settles it; the later values are final */
	assert_int_equal(date(&c, "30/01/2022", 5, out), 1);
	assert_string_equal(out, "2022-01-30");
	assert_int_equal(c.order, BH_ORDER_DMY);
	assert_int_equal(c.a_first_line, 5);
	assert_int_equal(c.provisional, 2);
}

static void test_date_bad_slash(void **state)
{
	bh_datecol c = {.column = "d"};
	char out[11];
	assert_int_equal(date(&c, "03/04", 2, out), -1);
	assert_int_equal(date(&c, "03/04/202", 3, out), -1);
	assert_int_equal(date(&c, "03/04/20211", 4, out), -1);
	assert_int_equal(date(&c, "03-04-2021", 5, out), -1);
	assert_int_equal(date(&c, "00/04/2021", 6, out), -1);
	assert_int_equal(date(&c, "03/00/2021", 7, out), -1);
	assert_int_equal(date(&c, "03/04/1850", 8, out), -1); /* before 1900 */
}

static void test_date_mdy_fixed(void **state)
{
	char out[11];
	assert_int_equal(bh_date_mdy("03152021", 8, 1, out), 1);
	assert_string_equal(out, "2021-03-15");
	assert_int_equal(bh_date_mdy("03/15/2021", 10, 0, out), 1);
	assert_string_equal(out, "2021-03-15");
	assert_int_equal(bh_date_mdy("2021-03-15", 10, 0, out), 1);
	assert_string_equal(out, "2021-03-15");
	assert_int_equal(bh_date_mdy("15/03/2021", 10, 0, out), -1);
	assert_int_equal(bh_date_mdy("13152021", 8, 1, out), -1);
	assert_int_equal(bh_date_mdy("", 0, 1, out), 0);
}

/* ---- DUNS --------------------------------------------------------------- */

static void test_duns(void **state)
{
	char d[10];
	assert_int_equal(bh_duns_norm("69586055", 8, d), 1);
	assert_string_equal(d, "069586055");
	assert_int_equal(bh_duns_norm("069586055", 9, d), 1);
	assert_string_equal(d, "069586055");
	assert_int_equal(bh_duns_norm("1903723", 7, d), 1);
	assert_string_equal(d, "001903723");
	assert_int_equal(bh_duns_norm(" 12345 ", 7, d), 1);
	assert_string_equal(d, "000012345");
	/* DUNS+4: the first nine digits */
	assert_int_equal(bh_duns_norm("0695860550000", 13, d), 1);
	assert_string_equal(d, "069586055");
	assert_int_equal(bh_duns_norm("", 0, d), 0);
	assert_int_equal(bh_duns_norm("   ", 3, d), 0);
	assert_int_equal(bh_duns_norm("0", 1, d), 0);
	assert_int_equal(bh_duns_norm("000000000", 9, d), 0);
	assert_int_equal(bh_duns_norm("12A456789", 9, d), -1);
	assert_int_equal(bh_duns_norm("-12345", 6, d), -1);
	assert_int_equal(bh_duns_norm("1234567890", 10, d), -1);
	assert_int_equal(bh_duns_norm("12345678901", 11, d), -1);
	/* a cell is bounded by its length */
	assert_int_equal(bh_duns_norm("123456789999", 9, d), 1);
	assert_string_equal(d, "123456789");
}

/* ---- name keys ------------------------------------------------------------ */

static void key_is(const char *in, const char *want)
{
	char out[256];
	size_t n = bh_name_key(out, sizeof out, in, strlen(in));
	assert_string_equal(out, want);
	assert_int_equal(n, strlen(want));
}

static void test_name_key(void **state)
{
	key_is("Palantir Technologies, Inc.", "PALANTIR TECHNOLOGIES INC");
	key_is("GEO GROUP, INC., THE", "GEO GROUP INC THE");
	key_is("GEO GROUP  INC.  THE", "GEO GROUP INC THE");
	key_is("  A&B  ", "A B");
	key_is("O'Brien & Sons", "OBRIEN SONS");
	key_is("B.I. INCORPORATED", "BI INCORPORATED");
	key_is("3M", "3M");
	key_is("", "");
	key_is("---", "");
	/* bytes >= 0x80 are kept as they are (UTF-8 stays UTF-8) */
	key_is("Caf\xc3\xa9 noir", "CAF\xc3\xa9 NOIR");
}

static void test_name_key_cap(void **state)
{
	char out[8];
	memset(out, 'x', sizeof out);
	size_t n = bh_name_key(out, sizeof out, "ABCDEFGHIJKLMNOP", 16);
	assert_true(n <= sizeof out - 1);
	assert_int_equal(out[n], '\0');
	assert_int_equal(strlen(out), n);
	assert_memory_equal(out, "ABCDEFGHIJKLMNOP", n);
	/* a cap of 1 leaves just the terminator */
	n = bh_name_key(out, 1, "ABC", 3);
	assert_int_equal(n, 0);
	assert_int_equal(out[0], '\0');
	/* a cell is bounded by its length, not by a NUL */
	char big[64];
	n = bh_name_key(big, sizeof big, "ACME CORP, the rest", 9);
	assert_string_equal(big, "ACME CORP");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_money_formats),
		cmocka_unit_test(test_money_rounding),
		cmocka_unit_test(test_money_empty_and_bad),
		cmocka_unit_test(test_date_iso),
		cmocka_unit_test(test_date_day_first),
		cmocka_unit_test(test_date_month_first),
		cmocka_unit_test(test_date_ambiguous),
		cmocka_unit_test(test_date_bad_slash),
		cmocka_unit_test(test_date_mdy_fixed),
		cmocka_unit_test(test_duns),
		cmocka_unit_test(test_name_key),
		cmocka_unit_test(test_name_key_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
