/* Unit tests of the generic matcher: field levels and Fellegi-Sunter
 * weights under a model set by hand (so every weight is log2(m/u) worked
 * out here), the term-frequency adjustment, the organization-name levels on
 * real spellings, and blocking that stays linear on a block of identical
 * names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "resolve/resolve.h"

static const bh_field_spec org_fields[] = {
	{"name", BH_CMP_ORG, BH_BLK_TOKENS | BH_BLK_ACRONYM | BH_BLK_SORTED, 1, 0, BH_LVL_WEAK},
	{"city", BH_CMP_STRING, 0, 0, 0, 0},
	{"zip", BH_CMP_NUMBER, 0, 0, 0, 0},
};

/* m and u for 3 fields x 5 levels; level 0 (missing) unused */
static void hand_model(double *mm, double *uu)
{
	static const double m[5] = {1, 0.05, 0.05, 0.1, 0.8};
	static const double u[5] = {1, 0.9, 0.06, 0.03, 0.01};
	for (int f = 0; f < 3; f++)
		for (int l = 0; l < 5; l++) {
			mm[f * 5 + l] = m[l];
			uu[f * 5 + l] = u[l];
		}
}

static int64_t add3(bh_matcher *m, const char *a, const char *b, const char *c)
{
	const char *v[3] = {a, b, c};
	size_t l[3] = {a ? strlen(a) : 0, b ? strlen(b) : 0, c ? strlen(c) : 0};
	return bh_matcher_add(m, 0, -1, v, l);
}

typedef struct {
	int level[3];
	double weight[3], tf_u[3];
	char a[3][64], b[3][64]; /* the values compared */
	int n;
} parts;

static void collect(const bh_explain_part *p, void *payload)
{
	parts *ps = payload;
	ps->level[ps->n] = p->level;
	ps->weight[ps->n] = p->weight;
	ps->tf_u[ps->n] = p->tf_u;
	snprintf(ps->a[ps->n], sizeof ps->a[0], "%s", p->a);
	snprintf(ps->b[ps->n], sizeof ps->b[0], "%s", p->b);
	ps->n++;
}

static void test_levels_and_weights(void **state)
{
	bh_matcher *m = NULL;
	double mm[15], uu[15], total, prob;
	parts ps;
	assert_int_equal(bh_matcher_new(&m, org_fields, 3, NULL), 0);
	int64_t a = add3(m, "AMAZON WEB SERVICES, INC.", "Seattle", "98109");
	int64_t b = add3(m, "Amazon Web Services Inc", "SEATTLE", "98108");
	int64_t c = add3(m, "AMAZON WEB SERVICES LLC", "Seatle", NULL);
	int64_t d = add3(m, "PALANTIR TECHNOLOGIES INC.", "Palo Alto", "94301");
	int64_t e = add3(m, "AWS", "Seattle", "98109");
	assert_int_equal(e, 4);
	hand_model(mm, uu);
	assert_int_equal(bh_matcher_set_model(m, mm, uu, NULL, 0.2), 0);
	assert_int_equal(bh_matcher_prepare(m), 0);

	/* a/b: name equal after normalization, city equal after folding, zip
	 * one edit apart. The name is shared by 3 of 5 records (c too, legal
	 * form aside), tf on: u = .01 * (3/5) / .01 = .6, capped at .5. */
	memset(&ps, 0, sizeof ps);
	assert_int_equal(bh_matcher_explain(m, a, b, &total, &prob, collect, &ps), 0);
	assert_int_equal(ps.level[0], BH_LVL_EXACT);
	assert_int_equal(ps.level[1], BH_LVL_EXACT);
	assert_int_equal(ps.level[2], BH_LVL_CLOSE);
	assert_float_equal(ps.tf_u[0], 0.5, 1e-12);
	/* log2(.8/.5) = .68 is below the nearly-equal weight log2(.1/.03):
	 * an exact common name is held at that floor */
	assert_float_equal(ps.weight[0], log2(0.1 / 0.03), 1e-9);
	assert_float_equal(ps.weight[1], log2(0.8 / 0.01), 1e-9);
	assert_float_equal(ps.weight[2], log2(0.1 / 0.03), 1e-9);
	double want = log2(0.2 / 0.8) + log2(0.1 / 0.03) + log2(0.8 / 0.01) + log2(0.1 / 0.03);
	assert_float_equal(total, want, 1e-9);
	assert_float_equal(prob, 1.0 / (1.0 + exp2(-want)), 1e-9);
	assert_float_equal(bh_matcher_score(m, a, b), want, 1e-9);

	/* a/c: INC against LLC: same words, different legal form -> close;
	 * Seattle/Seatle by Jaro-Winkler (.967) -> close; zip missing -> 0 */
	memset(&ps, 0, sizeof ps);
	bh_matcher_explain(m, a, c, &total, &prob, collect, &ps);
	assert_int_equal(ps.level[0], BH_LVL_CLOSE);
	assert_int_equal(ps.level[1], BH_LVL_CLOSE);
	assert_int_equal(ps.level[2], BH_LVL_MISSING);
	assert_float_equal(ps.weight[2], 0.0, 1e-12);

	/* a/d: different companies: names far, weights log2(.05/.9) */
	memset(&ps, 0, sizeof ps);
	bh_matcher_explain(m, a, d, &total, &prob, collect, &ps);
	assert_int_equal(ps.level[0], BH_LVL_FAR);
	assert_float_equal(ps.weight[0], log2(0.05 / 0.9), 1e-9);

	/* AWS is the acronym of Amazon Web Services: somewhat alike */
	memset(&ps, 0, sizeof ps);
	bh_matcher_explain(m, a, e, &total, &prob, collect, &ps);
	assert_int_equal(ps.level[0], BH_LVL_WEAK);
	bh_matcher_free(m);
	bh_matcher_free(NULL);
}

/* ---- frequencies taken from elsewhere (explain's stored counts) ---- */

static const bh_field_spec tf_fields[] = {
	{"name", BH_CMP_ORG, BH_BLK_TOKENS | BH_BLK_ACRONYM | BH_BLK_SORTED, 1, 0, BH_LVL_WEAK},
	{"city", BH_CMP_STRING, 0, 1, 0, 0},
	{"zip", BH_CMP_NUMBER, 0, 1, 0, 0},
};

static const char *const tf_recs[][3] = {
	{"ACME SERVICES INC", "Seattle", "98109"},  {"Acme Services, LLC", "SEATTLE", "98109"},
	{"ACME SVCS INC", "Seattle", NULL},         {"ACME FOODS", "Tacoma", "98402"},
	{"GLOBAL SERVICES CORP", "Tacoma", "98402"}, {"Global Services Corporation", NULL, "98403"},
	{"ACME", "Seattle", "98109"},               {"Zenith Acme Services", "Spokane", "99201"},
	{"", "Seattle", "98109"},                   {"ACME SERVICES INC", "Seattle", "98101"},
};
#define TF_N (sizeof tf_recs / sizeof tf_recs[0])

typedef struct {
	int f, kind;
	char text[64];
	int64_t n;
} tf_row;

typedef struct {
	tf_row rows[256];
	int n;
} tf_table;

static int tf_collect(int f, int kind, const char *text, size_t n, int64_t count, void *payload)
{
	tf_table *t = payload;
	assert_true(t->n < 256 && n < 64);
	tf_row *r = &t->rows[t->n++];
	r->f = f;
	r->kind = kind;
	memcpy(r->text, text, n);
	r->text[n] = '\0';
	r->n = count;
	return 0;
}

static int64_t tf_find(const tf_table *t, int f, int kind, const char *text, size_t n)
{
	for (int k = 0; k < t->n; k++)
		if (t->rows[k].f == f && t->rows[k].kind == kind && strlen(t->rows[k].text) == n &&
		    memcmp(t->rows[k].text, text, n) == 0)
			return t->rows[k].n;
	return 0;
}

static int64_t tf_tok(int f, const char *tok, size_t n, void *payload)
{
	assert_int_equal(strlen(tok), n); /* NUL-terminated, as promised */
	return tf_find(payload, f, 1, tok, n);
}

static int64_t tf_val(int f, const char *text, size_t n, void *payload)
{
	assert_int_equal(strlen(text), n);
	return tf_find(payload, f, 2, text, n);
}

/* A matcher holding two records, weighed with the counts another matcher
 * listed (bh_matcher_each_freq) through bh_matcher_prepare_freqs, explains
 * every pair exactly as the matcher holding all of them does. The counts
 * listed are checked by hand first. */
static void test_stored_freqs(void **state)
{
	bh_matcher *all = NULL;
	double mm[15], uu[15];
	static tf_table t;
	memset(&t, 0, sizeof t);
	assert_int_equal(bh_matcher_new(&all, tf_fields, 3, NULL), 0);
	for (size_t i = 0; i < TF_N; i++)
		assert_true(add3(all, tf_recs[i][0], tf_recs[i][1], tf_recs[i][2]) == (int64_t)i);
	hand_model(mm, uu);
	assert_int_equal(bh_matcher_set_model(all, mm, uu, NULL, 0.2), 0);
	assert_int_equal(bh_matcher_prepare(all), 0);
	assert_int_equal(bh_matcher_each_freq(all, tf_collect, &t), 0);
	/* by hand: 9 names (one empty), 9 cities, 9 zips; "acme" in 7 names,
	 * "services" in 6 ("svcs" is its own token), "global" in 2, "zenith"
	 * in 1 (not listed); the value "acme services" 3 times (INC, LLC and
	 * INC again: legal forms dropped), "seattle" 6, "98109" 4, "98402" 2,
	 * "98403" once (not listed) */
	static const tf_row want[] = {
		{0, 0, "", 9},         {1, 0, "", 9},         {2, 0, "", 9},
		{0, 1, "acme", 7},     {0, 1, "services", 6}, {0, 1, "global", 2},
		{0, 1, "zenith", 0},   {0, 2, "acme services", 3}, {1, 2, "seattle", 6},
		{2, 2, "98109", 4},    {2, 2, "98402", 2},    {2, 2, "98403", 0},
	};
	for (size_t k = 0; k < sizeof want / sizeof want[0]; k++)
		assert_int_equal(tf_find(&t, want[k].f, want[k].kind, want[k].text, strlen(want[k].text)),
				 want[k].n);

	for (size_t i = 0; i < TF_N; i++)
		for (size_t j = 0; j < TF_N; j++) {
			bh_matcher *two = NULL;
			bh_match_freqs fq;
			parts pa, pb;
			double ta, pra, tb, prb;
			memset(&fq, 0, sizeof fq);
			for (int f = 0; f < 3; f++)
				fq.nonmissing[f] = tf_find(&t, f, 0, "", 0);
			fq.token_df = tf_tok;
			fq.value_freq = tf_val;
			fq.payload = &t;
			assert_int_equal(bh_matcher_new(&two, tf_fields, 3, NULL), 0);
			add3(two, tf_recs[i][0], tf_recs[i][1], tf_recs[i][2]);
			add3(two, tf_recs[j][0], tf_recs[j][1], tf_recs[j][2]);
			assert_int_equal(bh_matcher_set_model(two, mm, uu, NULL, 0.2), 0);
			assert_int_equal(bh_matcher_prepare_freqs(two, &fq), 0);
			memset(&pa, 0, sizeof pa);
			memset(&pb, 0, sizeof pb);
			assert_int_equal(bh_matcher_explain(all, (int64_t)i, (int64_t)j, &ta, &pra, collect, &pa), 0);
			assert_int_equal(bh_matcher_explain(two, 0, 1, &tb, &prb, collect, &pb), 0);
			assert_memory_equal(&pa, &pb, sizeof pa); /* bit for bit */
			assert_true(ta == tb && pra == prb);
			assert_true(bh_matcher_score(all, (int64_t)i, (int64_t)j) == bh_matcher_score(two, 0, 1));
			bh_matcher_free(two);
		}
	bh_matcher_free(all);
}

static void test_org_levels(void **state)
{
	static const struct {
		const char *a, *b;
		int level;
	} cases[] = {
		{"THE GEO GROUP, INC.", "GEO GROUP INC", BH_LVL_EXACT},
		{"L-3 COMMUNICATIONS CORP", "L3 COMMUNICATIONS CORPORATION", BH_LVL_EXACT},
		{"3M COMPANY", "3M CO", BH_LVL_EXACT},
		{"ACME 1 LLC", "ACME 2 LLC", BH_LVL_FAR},       /* numbers must agree */
		{"CORECIVIC INC", "CORECIVC INC", BH_LVL_CLOSE}, /* a typo */
		{"GLOBAL TEL LINK CORP", "PALANTIR USG INC", BH_LVL_FAR},
	};
	double mm[15], uu[15];
	hand_model(mm, uu);
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		bh_matcher *m = NULL;
		parts ps;
		double t, p;
		assert_int_equal(bh_matcher_new(&m, org_fields, 3, NULL), 0);
		add3(m, cases[k].a, NULL, NULL);
		add3(m, cases[k].b, NULL, NULL);
		bh_matcher_set_model(m, mm, uu, NULL, 0.5);
		bh_matcher_prepare(m);
		memset(&ps, 0, sizeof ps);
		bh_matcher_explain(m, 0, 1, &t, &p, collect, &ps);
		if (ps.level[0] != cases[k].level)
			fail_msg("%s / %s: level %d, want %d", cases[k].a, cases[k].b, ps.level[0],
				 cases[k].level);
		bh_matcher_free(m);
	}
}

/* Names that share much but each keep a word of their own name two
 * things (siblings at best): the level is "different", whatever the
 * overlap. Fillers make the generic words common, as in real files; the
 * Dice overlap each pair would have without the rule is worked out in the
 * comments (word weight = ln((N + 1) / (df + .5))^2, N = 132 names). */
static void test_org_conflicts(void **state)
{
	static const struct {
		const char *a, *b;
		int level;
	} cases[] = {
		/* cornell in 2 names: 15.8; university, companies in 11: 6.0
		 * each; Dice 31.6 / 43.6 = .72, somewhat alike without the rule */
		{"CORNELL UNIVERSITY", "CORNELL COMPANIES INC", BH_LVL_FAR},
		/* five words in 2 names (15.8), dubai and mumbai in 1 (20.1):
		 * Dice 158 / 198 = .80, somewhat alike without the rule */
		{"TRUMP MARKS DUBAI LLC (dormant/inactive)", "TRUMP MARKS MUMBAI LLC (dormant/inactive)",
		 BH_LVL_FAR},
		/* Jaro-Winkler .943 but two edits on five letters: two brands */
		{"VISTEON CORPORATION", "VISTO CORP", BH_LVL_FAR},
		/* one edit on five letters: no typo credit, no conflict either */
		{"VISTA PAC", "VISTO CORP", BH_LVL_FAR},
		/* one side's words inside the other's: geo 15.8, group 6.0,
		 * international 20.1: Dice 43.6 / 63.7 = .68 */
		{"GEO GROUP INC", "GEO GROUP INTERNATIONAL", BH_LVL_WEAK},
		/* a typo: one edit on nine letters (a near word and nothing
		 * left over: the rule for near words below does not apply) */
		{"CORECIVIC INC", "CORECIVC INC", BH_LVL_CLOSE},
		/* emergent / emergency: two edits on eight letters, a near word
		 * (Jaro-Winkler .95), and medical, services in 11 names: Dice
		 * about .63, somewhat alike (p .988 on the full store) without
		 * the rule that a name sharing only near words is no match
		 * when either keeps other words */
		{"EMERGENCY MEDICAL SERVICES", "EMERGENT, LLC", BH_LVL_FAR},
	};
	double mm[15], uu[15];
	bh_matcher *m = NULL;
	char name[64];
	hand_model(mm, uu);
	assert_int_equal(bh_matcher_new(&m, org_fields, 3, NULL), 0);
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		add3(m, cases[k].a, NULL, NULL);
		add3(m, cases[k].b, NULL, NULL);
	}
	/* 10 fillers with each generic word, 80 with a word of their own */
	static const char *const kinds[] = {"UNIVERSITY", "COMPANIES INC", "GROUP", "MEDICAL SERVICES"};
	for (int i = 0; i < 120; i++) {
		snprintf(name, sizeof name, "K%c%c %s", 'A' + i / 26, 'A' + i % 26,
			 i < 40 ? kinds[i % 4] : "");
		add3(m, name, NULL, NULL);
	}
	bh_matcher_set_model(m, mm, uu, NULL, 0.5);
	bh_matcher_prepare(m);
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		parts ps;
		double t, p;
		memset(&ps, 0, sizeof ps);
		bh_matcher_explain(m, (int64_t)(2 * k), (int64_t)(2 * k + 1), &t, &p, collect, &ps);
		if (ps.level[0] != cases[k].level)
			fail_msg("%s / %s: level %d, want %d", cases[k].a, cases[k].b, ps.level[0],
				 cases[k].level);
	}
	bh_matcher_free(m);
}

static void test_person_levels(void **state)
{
	static const bh_field_spec pf[] = {{"person", BH_CMP_PERSON, BH_BLK_PHONETIC, 0, 0, 0}};
	static const struct {
		const char *a, *b;
		int level;
	} cases[] = {
		{"SMITH, JOHN A", "John A. Smith", BH_LVL_EXACT},
		{"SMITH, WILLIAM", "Bill Smith", BH_LVL_CLOSE},     /* nickname */
		{"SMITH, J", "John Smith", BH_LVL_CLOSE},           /* initial */
		{"Smith Jr., John", "SMITH SR, JOHN", BH_LVL_WEAK},  /* father and son */
		{"WHITE, MICHAEL J", "WHITE, MICHAEL G.", BH_LVL_WEAK}, /* middle initials */
		{"WHITE, MICHAEL J", "Michael White", BH_LVL_EXACT},
		{"SMITH, JOHN", "JONES, JOHN", BH_LVL_FAR},
	};
	double mm[5] = {1, 0.05, 0.05, 0.1, 0.8}, uu[5] = {1, 0.9, 0.06, 0.03, 0.01};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		bh_matcher *m = NULL;
		parts ps;
		double t, p;
		const char *v[1];
		size_t l[1];
		assert_int_equal(bh_matcher_new(&m, pf, 1, NULL), 0);
		v[0] = cases[k].a, l[0] = strlen(v[0]);
		bh_matcher_add(m, 0, -1, v, l);
		v[0] = cases[k].b, l[0] = strlen(v[0]);
		bh_matcher_add(m, 0, -1, v, l);
		bh_matcher_set_model(m, mm, uu, NULL, 0.5);
		bh_matcher_prepare(m);
		memset(&ps, 0, sizeof ps);
		bh_matcher_explain(m, 0, 1, &t, &p, collect, &ps);
		if (ps.level[0] != cases[k].level)
			fail_msg("%s / %s: level %d, want %d", cases[k].a, cases[k].b, ps.level[0],
				 cases[k].level);
		bh_matcher_free(m);
	}
}

/* 20,000 identical names: one key block far over the cap; the pairs stay
 * linear (window) and the records still end in one cluster. */
static void test_identical_block(void **state)
{
	bh_match_opts o;
	bh_matcher *m = NULL;
	bh_match_stats st;
	double mm[15], uu[15];
	bh_match_opts_default(&o);
	o.block_cap = 100;
	o.window = 4;
	assert_int_equal(bh_matcher_new(&m, org_fields, 3, &o), 0);
	for (int i = 0; i < 20000; i++)
		add3(m, "SAME NAME HOLDINGS LLC", "ARLINGTON", "22201");
	add3(m, "", NULL, NULL);                 /* empty name: missing, no crash */
	add3(m, "\xd0\x93\xd0\x90\xd0\x97", "", ""); /* another script */
	hand_model(mm, uu);
	bh_matcher_set_model(m, mm, uu, NULL, 0.1);
	assert_int_equal(bh_matcher_run(m), 0);
	bh_matcher_stats(m, &st);
	/* every key of the 20,000 is one over-cap block, each pairing a
	 * record with its next 4: the four blocks yield the same 79,990
	 * pairs (4 n - 4 - 3 - 2 - 1), each compared once */
	assert_int_equal(st.candidates, 20000 * 4 - 10);
	assert_true(st.capped_blocks >= 1);
	assert_int_equal(bh_matcher_cluster(m, 19999), 0);
	assert_int_equal(bh_matcher_cluster(m, 20000), 20000);
	assert_int_equal(st.clusters, 3);
	bh_matcher_free(m);
}

/* The acronym key pairs a short name with the long names whose initials
 * it spells, and nothing else: "AWS" meets both spellings of "AMAZON WEB
 * SERVICES" (no word shared), "MVM" meets "M V M"; "ABC" stands for two
 * different names here, so it meets neither; long names with the same
 * initials never meet through it. The fillers share no key. Once the two
 * sides of a key sorted apart and no acronym pair was formed. */
static void test_acronym_block(void **state)
{
	static const bh_field_spec acro[] = {
		{"name", BH_CMP_ORG, BH_BLK_ACRONYM, 0, 0, 0},
	};
	bh_matcher *m = NULL;
	bh_match_stats st;
	char name[32];
	const char *v[1];
	size_t l[1];
	static const char *const names[] = {"AWS",         "AMAZON WEB SERVICES", "AMAZON WEB SERVICES LLC",
					    "ABC",         "ASSOCIATED BUILDERS AND CONTRACTORS",
					    "ANHEUSER BUSCH COMPANIES", "MVM", "M V M INC"};
	assert_int_equal(bh_matcher_new(&m, acro, 1, NULL), 0);
	for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
		v[0] = names[k];
		l[0] = strlen(names[k]);
		assert_int_equal(bh_matcher_add(m, 0, -1, v, l), (int64_t)k);
	}
	for (int i = 0; i < 300; i++) {
		snprintf(name, sizeof name, "Q%cX%c", 'A' + i / 26 % 26, 'A' + i % 26);
		v[0] = name;
		l[0] = strlen(name);
		bh_matcher_add(m, 0, -1, v, l);
	}
	assert_int_equal(bh_matcher_run(m), 0);
	bh_matcher_stats(m, &st);
	/* AWS with each Amazon spelling, MVM with M V M: 3 pairs */
	assert_int_equal(st.candidates, 3);
	bh_matcher_free(m);
}

/* Two linkage sources, EM from scratch: three companies spelled two ways
 * each among distinct fillers; each pair found, no filler merged. */
typedef struct {
	int64_t i[4096], j[4096];
	double w[4096];
	int cut[4096];
	int n;
} pair_list;

static int list_pair(int64_t i, int64_t j, double w, void *payload)
{
	pair_list *l = payload;
	assert_true(l->n < 4096);
	l->i[l->n] = i;
	l->j[l->n] = j;
	l->w[l->n++] = w;
	return 0;
}

static int list_near(int64_t i, int64_t j, double w, int cut, void *payload)
{
	pair_list *l = payload;
	l->cut[l->n] = cut;
	return list_pair(i, j, w, payload);
}

/* Comparing on one thread or on several gives the same candidates, the
 * same model, the same accepted and review pairs and the same clusters:
 * 6,000 spellings of 1,500 companies, enough keys for the threads to
 * share the blocks. */
static void test_threads_agree(void **state)
{
	static pair_list acc[2], nr[2];
	bh_match_stats st[2];
	int64_t clus[2][6000];
	static const char *const forms[] = {"INC", "LLC", "CORP", "CORPORATION"};
	static const char *const words[] = {"ACME", "GLOBAL", "SERVICES", "SYSTEMS", "NORTH", "RIVER",
					    "DEFENSE", "HEALTH", "PARTNERS", "DATA", "SUMMIT", "VECTOR"};
	memset(acc, 0, sizeof acc);
	memset(nr, 0, sizeof nr);
	for (int t = 0; t < 2; t++) {
		bh_match_opts o;
		bh_matcher *m = NULL;
		bh_match_opts_default(&o);
		o.threads = t + 1;
		o.near = 0.2;
		assert_int_equal(bh_matcher_new(&m, org_fields, 3, &o), 0);
		for (int i = 0; i < 6000; i++) {
			int c = i / 4;
			char name[128], zip[8];
			snprintf(name, sizeof name, "%s %s %d %s%s", words[c % 12], words[(c / 12) % 12],
				 c / 144, i % 3 == 0 ? "" : words[(c * 7) % 12], i % 7 == 0 ? "" : " ");
			snprintf(name + strlen(name), sizeof name - strlen(name), " %s", forms[i % 4]);
			snprintf(zip, sizeof zip, "%05d", 20000 + c % 500 + (i % 5 == 0));
			add3(m, name, c % 2 ? "ARLINGTON" : "RESTON", zip);
		}
		assert_int_equal(bh_matcher_run(m), 0);
		bh_matcher_stats(m, &st[t]);
		assert_int_equal(bh_matcher_each_pair(m, list_pair, &acc[t]), 0);
		assert_int_equal(bh_matcher_each_near(m, list_near, &nr[t]), 0);
		for (int i = 0; i < 6000; i++)
			clus[t][i] = bh_matcher_cluster(m, i);
		bh_matcher_free(m);
	}
	assert_true(st[0].candidates > 20000 && acc[0].n > 100);
	assert_int_equal(st[0].candidates, st[1].candidates);
	assert_int_equal(st[0].gated, st[1].gated);
	assert_int_equal(st[0].accepted, st[1].accepted);
	assert_int_equal(st[0].clusters, st[1].clusters);
	assert_true(st[0].lambda == st[1].lambda);
	assert_memory_equal(&acc[0], &acc[1], sizeof acc[0]);
	assert_memory_equal(&nr[0], &nr[1], sizeof nr[0]);
	assert_memory_equal(clus[0], clus[1], sizeof clus[0]);
}

static void test_em_linkage(void **state)
{
	bh_match_opts o;
	bh_matcher *m = NULL;
	char name[64], zip[8];
	bh_match_opts_default(&o);
	o.link_only = 1;
	o.one_to_one = 1;
	o.em_u = 0;
	assert_int_equal(bh_matcher_new(&m, org_fields, 3, &o), 0);
	static const char *const w[] = {"ALPHA", "BRAVO", "CHARLIE", "DELTA", "ECHO", "FOXTROT",
					"GOLF", "HOTEL", "INDIA", "JULIET", "KILO", "LIMA"};
	/* fillers: the same 144 names on both sides, in other cities */
	for (int s = 0; s < 2; s++)
		for (int i = 0; i < 144; i++) {
			const char *v[3];
			size_t l[3];
			snprintf(name, sizeof name, "%s %s SYSTEMS INC", w[i % 12], w[i / 12]);
			snprintf(zip, sizeof zip, "%05d", 10000 + i * 7);
			v[0] = name, v[1] = s ? "RESTON" : "DALLAS", v[2] = zip;
			l[0] = strlen(name), l[1] = strlen(v[1]), l[2] = 5;
			bh_matcher_add(m, s, -1, v, l);
		}
	assert_int_equal(bh_matcher_run(m), 0);
	/* the same name on both sides is one entity (pairs i / 144 + i) */
	int same = 0;
	for (int i = 0; i < 144; i++)
		same += bh_matcher_cluster(m, 144 + i) == bh_matcher_cluster(m, i);
	assert_true(same >= 140);
	/* and no two different names share a cluster */
	assert_true(bh_matcher_cluster(m, 1) != bh_matcher_cluster(m, 2));
	bh_matcher_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_levels_and_weights), cmocka_unit_test(test_org_levels),
		cmocka_unit_test(test_person_levels),      cmocka_unit_test(test_identical_block),
		cmocka_unit_test(test_em_linkage),        cmocka_unit_test(test_org_conflicts),
		cmocka_unit_test(test_acronym_block),
		cmocka_unit_test(test_stored_freqs),       cmocka_unit_test(test_threads_agree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
