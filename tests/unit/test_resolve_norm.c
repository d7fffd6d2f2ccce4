/* Unit tests of the matcher's normalization and string comparators, with
 * values worked out by hand (Jaro-Winkler of the textbook pairs, Soundex
 * of the census examples) and Levenshtein checked against the plain DP. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "resolve/resolve.h"

#define JW(a, b) bh_jaro_winkler(a, strlen(a), b, strlen(b))
#define LEV(a, b) bh_levenshtein(a, strlen(a), b, strlen(b))

static void test_jaro_winkler(void **state)
{
	/* MARTHA/MARHTA: m=6, t=1 -> jaro (1+1+5/6)/3 = .944444; prefix 3 ->
	 * .944444 + .3*.055556 = .961111 */
	assert_float_equal(bh_jaro("MARTHA", 6, "MARHTA", 6), 0.944444, 1e-5);
	assert_float_equal(JW("MARTHA", "MARHTA"), 0.961111, 1e-5);
	/* DWAYNE/DUANE: m=4, t=0 -> (4/6+4/5+1)/3 = .822222; prefix 1 -> .84 */
	assert_float_equal(JW("DWAYNE", "DUANE"), 0.84, 1e-5);
	/* DIXON/DICKSONX: m=4, t=0 -> (4/5+4/8+1)/3 = .766667; prefix 2 -> .813333 */
	assert_float_equal(JW("DIXON", "DICKSONX"), 0.813333, 1e-5);
	assert_float_equal(JW("abc", "abc"), 1.0, 1e-12);
	assert_float_equal(JW("abc", "xyz"), 0.0, 1e-12);
	assert_float_equal(JW("", ""), 1.0, 1e-12);
	assert_float_equal(JW("", "a"), 0.0, 1e-12);
}

static void test_levenshtein(void **state)
{
	assert_int_equal(LEV("kitten", "sitting"), 3);
	assert_int_equal(LEV("flaw", "lawn"), 2);
	assert_int_equal(LEV("", "abc"), 3);
	assert_int_equal(LEV("abc", ""), 3);
	assert_int_equal(LEV("19560409", "19560490"), 2);
	assert_int_equal(LEV("same", "same"), 0);

	/* Bit-parallel against the DP on random strings over a small alphabet
	 * (many matches), lengths 0..80 so both code paths run. */
	char a[128], b[128];
	srand(7);
	for (int r = 0; r < 3000; r++) {
		size_t na = (size_t)(rand() % 81), nb = (size_t)(rand() % 81);
		for (size_t i = 0; i < na; i++)
			a[i] = (char)('a' + rand() % 4);
		for (size_t i = 0; i < nb; i++)
			b[i] = (char)('a' + rand() % 4);
		int d = bh_levenshtein_dp(a, na, b, nb);
		assert_int_equal(bh_levenshtein(a, na, b, nb), d);
		for (int k = 0; k <= 4; k++)
			if (bh_levenshtein_within(a, na, b, nb, k) != (d <= k))
				fail_msg("within(%.*s, %.*s, %d): distance %d", (int)na, a, (int)nb, b, k, d);
	}
	/* near strings, where the band decides (one or two edits) */
	for (int r = 0; r < 3000; r++) {
		size_t na = (size_t)(rand() % 12), nb = na;
		for (size_t i = 0; i < na; i++)
			a[i] = b[i] = (char)('a' + rand() % 3);
		for (int e = rand() % 4; e > 0 && nb > 0; e--)
			b[rand() % nb] = (char)('a' + rand() % 3);
		if (rand() % 2 && nb > 0)
			nb--;
		int d = bh_levenshtein_dp(a, na, b, nb);
		for (int k = 0; k <= 3; k++)
			if (bh_levenshtein_within(a, na, b, nb, k) != (d <= k))
				fail_msg("within(%.*s, %.*s, %d): distance %d", (int)na, a, (int)nb, b, k, d);
	}
	/* 64 bytes exactly: the top bit of the pattern word */
	memset(a, 'x', 64);
	memcpy(b, a, 64);
	b[63] = 'y';
	assert_int_equal(bh_levenshtein(a, 64, b, 64), 1);
	assert_int_equal(bh_levenshtein(a, 64, b, 63), 0 + 1);
}

static void test_soundex(void **state)
{
	char s[5];
	bh_soundex(s, "Robert", 6);
	assert_string_equal(s, "r163");
	bh_soundex(s, "Rupert", 6);
	assert_string_equal(s, "r163");
	bh_soundex(s, "Ashcraft", 8);
	assert_string_equal(s, "a261");
	bh_soundex(s, "Tymczak", 7);
	assert_string_equal(s, "t522");
	bh_soundex(s, "Pfister", 7);
	assert_string_equal(s, "p236");
	bh_soundex(s, "Lee", 3);
	assert_string_equal(s, "l000");
	bh_soundex(s, "123", 3);
	assert_string_equal(s, "");
}

static void test_fold(void **state)
{
	char o[256];
	bh_norm_fold(o, sizeof o, "AMAZON WEB SERVICES, INC.", 25);
	assert_string_equal(o, "amazon web services inc");
	bh_norm_fold(o, sizeof o, "  Société  Générale S.A. ", 27);
	assert_string_equal(o, "societe generale sa");
	bh_norm_fold(o, sizeof o, "U.S. BANK", 9);
	assert_string_equal(o, "us bank");
	bh_norm_fold(o, sizeof o, "MACY'S / J.C. PENNEY", 20);
	assert_string_equal(o, "macys jc penney");
	bh_norm_fold(o, sizeof o, "AMAZON.COM", 10);
	assert_string_equal(o, "amazon com");
	/* full-width letters fold by NFKC; other scripts are kept */
	bh_norm_fold(o, sizeof o, "\xef\xbc\xa1\xef\xbc\xa2\xef\xbc\xa3 Corp", 14);
	assert_string_equal(o, "abc corp");
	bh_norm_fold(o, sizeof o, "\xd0\x93\xd0\x90\xd0\x97\xd0\x9f\xd0\xa0\xd0\x9e\xd0\x9c", 14);
	assert_string_equal(o, "\xd0\xb3\xd0\xb0\xd0\xb7\xd0\xbf\xd1\x80\xd0\xbe\xd0\xbc");
	/* not UTF-8: the ASCII survives */
	bh_norm_fold(o, sizeof o, "CAF\xe9 ROYAL", 10);
	assert_string_equal(o, "caf royal");
	bh_norm_fold(o, sizeof o, "", 0);
	assert_string_equal(o, "");
	bh_norm_fold(o, 8, "abcdefghijkl", 12);
	assert_string_equal(o, "abcdefg");
}

static void test_org(void **state)
{
	bh_orgname a, b;
	bh_norm_org(&a, "AMAZON WEB SERVICES, INC.", 25);
	bh_norm_org(&b, "Amazon Web Services Inc", 23);
	assert_string_equal(a.text, "amazon web services");
	assert_string_equal(b.text, a.text);
	assert_int_equal(a.legal, BH_LEGAL_CORP);
	assert_string_equal(a.acronym, "aws");
	assert_int_equal(a.ntok, 3);
	assert_int_equal(a.tok_len[1], 3);

	bh_norm_org(&a, "GEO GROUP, INC., THE", 20);
	assert_string_equal(a.text, "geo group");
	bh_norm_org(&a, "ACME HOLDINGS L.L.C.", 20);
	assert_string_equal(a.text, "acme holdings");
	assert_int_equal(a.legal, BH_LEGAL_LLC);
	bh_norm_org(&a, "AMAZON.COM SERVICES LLC", 23);
	assert_string_equal(a.text, "amazon services");
	bh_norm_org(&a, "Bank of America", 15);
	assert_string_equal(a.acronym, "ba");
	/* a name that is only a legal word keeps it */
	bh_norm_org(&a, "Company", 7);
	assert_string_equal(a.text, "company");
	assert_int_equal(a.legal, 0);
	bh_norm_org(&a, "BOOZ ALLEN HAMILTON INCORPORATED 3626", 37);
	assert_string_equal(a.text, "booz allen hamilton");
	bh_norm_org(&a, "WECSYS LIMITED LIABILITY COMPANY 6769", 37);
	assert_string_equal(a.text, "wecsys");
	assert_int_equal(a.legal, BH_LEGAL_LLC);
	bh_norm_org(&a, "DELL MARKETING LIMITED PARTNERSHIP", 34);
	assert_string_equal(a.text, "dell marketing");
	assert_int_equal(a.legal, BH_LEGAL_LP);
	bh_norm_org(&a, "3M CO", 5);
	assert_string_equal(a.text, "3m");
	assert_int_equal(a.has_digits, 1);
	assert_int_equal(a.legal, BH_LEGAL_CO);

	/* 10,000 characters: truncated, never overrun */
	char *big = malloc(10000);
	memset(big, 'A', 10000);
	for (int i = 7; i < 10000; i += 8)
		big[i] = ' ';
	bh_norm_org(&a, big, 10000);
	assert_true(strlen(a.text) <= BH_NORM_MAX);
	assert_true(a.ntok <= BH_NORM_MAXTOK);
	free(big);
}

static void test_aliases(void **state)
{
	size_t off[4], len[4];
	const char *s = "ACME INC D/B/A ACME SECURITY";
	int k = bh_norm_split_aliases(s, strlen(s), off, len, 4);
	assert_int_equal(k, 2);
	assert_int_equal(len[0], 8);
	assert_memory_equal(s + off[0], "ACME INC", 8);
	assert_memory_equal(s + off[1], "ACME SECURITY", 13);
	s = "Widget Co (fka Gadget Corp), dba Widgets";
	k = bh_norm_split_aliases(s, strlen(s), off, len, 4);
	assert_int_equal(k, 3);
	assert_memory_equal(s + off[1], "Gadget Corp", 11);
	assert_int_equal(len[1], 11);
	assert_memory_equal(s + off[2], "Widgets", 7);
	s = "DBA HOLDINGS LLC"; /* a leading DBA is a name, not a marker */
	k = bh_norm_split_aliases(s, strlen(s), off, len, 4);
	assert_int_equal(k, 1);
	assert_int_equal(len[0], strlen(s));
}

static void test_person(void **state)
{
	bh_person p;
	assert_int_equal(bh_person_parse(&p, "SMITH, JOHN A", 13), 0);
	assert_string_equal(p.last, "smith");
	assert_string_equal(p.first, "john");
	assert_string_equal(p.middle, "a");
	assert_string_equal(p.suffix, "");
	bh_person_parse(&p, "Smith Jr., John", 15);
	assert_string_equal(p.last, "smith");
	assert_string_equal(p.first, "john");
	assert_string_equal(p.suffix, "jr");
	bh_person_parse(&p, "John A. Smith III", 17);
	assert_string_equal(p.first, "john");
	assert_string_equal(p.middle, "a");
	assert_string_equal(p.last, "smith");
	assert_string_equal(p.suffix, "iii");
	bh_person_parse(&p, "MR. JOHN SMITH", 14);
	assert_string_equal(p.first, "john");
	assert_string_equal(p.last, "smith");
	bh_person_parse(&p, "DE LA CRUZ, MARIA", 17);
	assert_string_equal(p.last, "de la cruz");
	assert_string_equal(p.first, "maria");
	assert_int_equal(bh_person_parse(&p, " , ", 3), -4);

	assert_string_equal(bh_nickname_canon("bill"), "william");
	assert_string_equal(bh_nickname_canon("zebulon"), "zebulon");
	/* the table is searched by halves: its first, last and once
	 * misplaced rows, and names between rows */
	static const char *const nick[][2] = {
		{"abby", "abigail"}, {"will", "william"}, {"mick", "michael"}, {"mike", "michael"},
		{"steven", "stephen"}, {"philip", "phillip"}, {"al", "albert"}, {"aaron", "aaron"},
		{"zed", "zed"},       {"jo", "jo"},          {"", ""},
	};
	for (size_t k = 0; k < sizeof nick / sizeof nick[0]; k++)
		assert_string_equal(bh_nickname_canon(nick[k][0]), nick[k][1]);
	assert_int_equal(bh_person_first_agree("john", "john"), 4);
	assert_int_equal(bh_person_first_agree("bill", "william"), 3);
	assert_int_equal(bh_person_first_agree("bill", "will"), 3);
	assert_int_equal(bh_person_first_agree("j", "john"), 2);
	assert_int_equal(bh_person_first_agree("jon", "john"), 1);
	assert_int_equal(bh_person_first_agree("mary", "john"), 0);
	assert_int_equal(bh_person_first_agree("", "john"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jaro_winkler), cmocka_unit_test(test_levenshtein),
		cmocka_unit_test(test_soundex),      cmocka_unit_test(test_fold),
		cmocka_unit_test(test_org),          cmocka_unit_test(test_aliases),
		cmocka_unit_test(test_person),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
