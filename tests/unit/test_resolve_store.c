/* Unit tests of `resolve` over a store built here by hand: identifiers
 * settle matches, names unite the rest, two different UEIs never merge by
 * name, judgments override both and survive re-runs, incremental runs pick
 * up new entities, and explain names the shared identifier. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>

#include "resolve/rstore.h"
#include "util/err.h"

static char dbpath[256];

static void ent(bh_store *s, int64_t rid, const char *id, const char *kind, const char *name,
		const char *city, const char *state, const char *zip, const char *idprop,
		const char *idval)
{
	char sql[2048];
	snprintf(sql, sizeof sql,
		 "INSERT INTO entity(rid, id, kind, name) VALUES(%lld, '%s', '%s', '%s');"
		 "INSERT INTO statement(entity, prop, value, source_id, line) VALUES"
		 " (%lld, 'name', '%s', 1, 1), (%lld, 'city', '%s', 1, 1),"
		 " (%lld, 'state', '%s', 1, 1), (%lld, 'zip', '%s', 1, 1);",
		 (long long)rid, id, kind, name, (long long)rid, name, (long long)rid, city,
		 (long long)rid, state, (long long)rid, zip);
	assert_int_equal(bh_store_exec(s, sql), 0);
	if (idprop) {
		snprintf(sql, sizeof sql,
			 "INSERT INTO statement(entity, prop, value, source_id, line)"
			 " VALUES(%lld, '%s', '%s', 1, 1)",
			 (long long)rid, idprop, idval);
		assert_int_equal(bh_store_exec(s, sql), 0);
	}
}

static int64_t canon(bh_store *s, int64_t rid)
{
	sqlite3_stmt *q = NULL;
	int64_t c = rid;
	assert_int_equal(bh_store_prepare(&q, s, "SELECT canon FROM cluster WHERE entity = ?1"), 0);
	sqlite3_bind_int64(q, 1, rid);
	if (sqlite3_step(q) == SQLITE_ROW)
		c = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return c;
}

/* 200 distinct fillers with made-up names and scattered ZIPs, 40 of them
 * spelled a second way in the same town, so that EM has matches and
 * non-matches to learn from. */
static void fillers(bh_store *s)
{
	static const char *const syl[] = {"ka", "ro", "mi", "tu", "ve", "lo", "za", "ni", "pe",
					  "do", "shi", "gra", "bel", "tor", "vin", "qua"};
	static const char *const sfx[] = {"SERVICES", "GROUP", "SOLUTIONS", "SYSTEMS", "PARTNERS"};
	static const char *const c[] = {"DALLAS", "RESTON", "DENVER", "AUSTIN", "BOISE"};
	char id[64], name[128], word[32], zip[8];
	uint64_t x = 12345;
	for (int i = 0; i < 200; i++) {
		word[0] = '\0';
		for (int k = 0; k < 3; k++) {
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			strcat(word, syl[(x >> 33) % 16]);
		}
		for (char *p = word; *p; p++)
			*p = (char)(*p - 32);
		snprintf(id, sizeof id, "name:F%d", i);
		snprintf(name, sizeof name, "%s %s INC", word, sfx[i % 5]);
		snprintf(zip, sizeof zip, "%05d", (int)((x >> 20) % 90000) + 10000);
		ent(s, 1000 + i, id, "organization", name, c[i % 5], "TX", zip, NULL, NULL);
		if (i < 40) {
			snprintf(id, sizeof id, "name:G%d", i);
			/* the second spelling: other case and punctuation */
			snprintf(name, sizeof name, "%c%s %s, Inc.", word[0], word + 1, sfx[i % 5]);
			for (char *p = name + 1; *p && *p != ' '; p++)
				*p = (char)(*p + 32);
			ent(s, 2000 + i, id, "organization", name, c[i % 5], "TX", zip, NULL, NULL);
		}
	}
}

static void test_resolve_store(void **state)
{
	bh_store *s = NULL;
	bh_resolve_report r;
	bh_resolve_opts o;
	char *out = NULL;
	size_t outlen = 0;

	snprintf(dbpath, sizeof dbpath, "%s/test_resolve_store_%d.db",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
	unlink(dbpath);
	assert_int_equal(bh_store_open(&s, dbpath, BH_STORE_RW), 0);
	ent(s, 1, "uei:AAA111", "organization", "AMAZON WEB SERVICES, INC.", "SEATTLE", "WA", "98109",
	    "duns", "111111111");
	ent(s, 2, "duns:111111111", "organization", "AMAZON WEB SVCS", "SEATTLE", "WA", "98109",
	    "duns", "111111111");
	ent(s, 3, "name:AMAZON WEB SERVICES INC", "organization", "Amazon Web Services Inc",
	    "Seattle", "WA", "98109", NULL, NULL);
	ent(s, 4, "uei:BBB222", "organization", "AMAZON WEB SERVICES LLC", "SEATTLE", "WA", "98109",
	    NULL, NULL);
	ent(s, 5, "name:ZEBRA ONE", "organization", "ZEBRA ONE HOLDINGS", "BOSTON", "MA", "02110",
	    NULL, NULL);
	ent(s, 6, "name:QUOKKA TWO", "organization", "QUOKKA TWO PARTNERS", "MIAMI", "FL", "33101",
	    NULL, NULL);
	fillers(s);

	bh_resolve_opts_default(&o);
	assert_int_equal(bh_resolve_store(&r, s, &o), 0);
	assert_int_equal(r.incremental, 0);
	assert_int_equal(r.entities, 246);
	assert_true(r.id_merges >= 1);
	assert_int_equal(canon(s, 2), 1);     /* shared DUNS; the UEI entity is canonical */
	assert_int_equal(canon(s, 3), 1);     /* by name */
	assert_int_equal(canon(s, 4), 4);     /* a different UEI: refused */
	assert_true(r.refused >= 1);
	assert_int_equal(canon(s, 2005), 1005); /* filler spelled two ways */
	assert_int_equal(canon(s, 1006), 1006);
	assert_true(canon(s, 1007) != canon(s, 1008));

	/* judgments: split a name match, merge two unrelated names */
	assert_int_equal(bh_judge_add(NULL, s, "split", "uei:AAA111", "name:AMAZON WEB SERVICES INC", "ana",
				      "a reseller, not AWS"), 0);
	assert_int_equal(bh_judge_add(NULL, s, "merge", "5", "name:QUOKKA TWO", "ana", "same owner"), 0);
	assert_int_equal(bh_judge_add(NULL, s, "unsure", "5", "1", "ana", NULL), 0);
	assert_int_equal(bh_judge_add(NULL, s, "maybe", "5", "6", "ana", NULL), BH_EUSAGE);
	assert_int_equal(bh_judge_add(NULL, s, "merge", "5", "name:NOPE", "ana", NULL), BH_ENOTFOUND);
	assert_int_equal(bh_resolve_store(&r, s, &o), 0);
	assert_int_equal(r.incremental, 1);
	assert_int_equal(r.new_entities, 0);
	assert_true(canon(s, 3) != canon(s, 1)); /* split: it may join the LLC now */
	assert_int_equal(canon(s, 2), 1);
	assert_int_equal(canon(s, 6), canon(s, 5));
	assert_int_equal(r.judgment_merges, 1);

	/* a new entity after the run is matched incrementally */
	ent(s, 3000, "name:AMAZON WEB SERVICES", "organization", "AMAZON WEB SERVICES", "SEATTLE", "WA",
	    "98109", NULL, NULL);
	assert_int_equal(bh_resolve_store(&r, s, &o), 0);
	assert_int_equal(r.incremental, 1);
	assert_int_equal(r.new_entities, 1);
	assert_int_equal(canon(s, 3000), 1);
	assert_true(canon(s, 3) != canon(s, 1)); /* the split still holds */
	assert_int_equal(canon(s, 6), canon(s, 5));

	/* a full run keeps the judgments too */
	o.full = 1;
	assert_int_equal(bh_resolve_store(&r, s, &o), 0);
	assert_int_equal(r.incremental, 0);
	assert_true(canon(s, 3) != canon(s, 1));
	assert_int_equal(canon(s, 6), canon(s, 5));

	FILE *f = open_memstream(&out, &outlen);
	assert_int_equal(bh_explain_pair(f, s, "uei:AAA111", "duns:111111111", 0), 0);
	fclose(f);
	assert_non_null(strstr(out, "Both carry duns 111111111"));
	assert_non_null(strstr(out, "Now: one entity (canonical uei:AAA111)"));
	free(out);
	out = NULL;
	f = open_memstream(&out, &outlen);
	assert_int_equal(bh_explain_pair(f, s, "1", "3", 0), 0);
	fclose(f);
	assert_non_null(strstr(out, "Judgment: split, by ana"));
	assert_non_null(strstr(out, "organization name  equal"));
	free(out);

	/* the review queue: every pair kept has the probability explain
	 * computes on its own, lies in the band, and its outcome agrees with
	 * the clusters written */
	sqlite3_stmt *q = NULL;
	int n = 0, below = 0;
	assert_int_equal(bh_store_prepare(&q, s, "SELECT ea.id, eb.id, v.prob, v.outcome, v.a, v.b,"
						 " substr(v.reasons, 2, length(v.reasons) - 2)"
						 " FROM resolve_review v JOIN entity ea ON ea.rid = v.a"
						 " JOIN entity eb ON eb.rid = v.b"), 0);
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *outcome = (const char *)sqlite3_column_text(q, 3);
		double prob = sqlite3_column_double(q, 2), eprob = -1;
		char *p;
		assert_true(prob >= 0.2 && prob < 0.99);
		out = NULL;
		f = open_memstream(&out, &outlen);
		assert_int_equal(bh_explain_pair(f, s, (const char *)sqlite3_column_text(q, 0),
						 (const char *)sqlite3_column_text(q, 1), 1), 0);
		fclose(f);
		assert_non_null(p = strstr(out, "\"probability\":"));
		eprob = strtod(p + 14, NULL);
		if (!strstr(out, "\"judgment\""))
			assert_true(fabs(eprob - prob) < 1e-6);
		/* the reasons kept are explain's, byte for byte */
		assert_non_null(strstr(out, (const char *)sqlite3_column_text(q, 6)));
		free(out);
		int one = canon(s, sqlite3_column_int64(q, 4)) == canon(s, sqlite3_column_int64(q, 5));
		assert_int_equal(one, strcmp(outcome, "united") == 0);
		below += strcmp(outcome, "below") == 0;
		n++;
	}
	sqlite3_finalize(q);
	assert_true(below >= 1); /* near misses are kept, not only accepted pairs */
	assert_int_equal(n, r.review);

	bh_store_close(s);
	unlink(dbpath);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_resolve_store)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
