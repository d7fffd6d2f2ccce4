/* Evaluation harness of the matcher (src/resolve) on benchmarks with ground
 * truth: Febrl 1-4 (synthetic persons), DBLP-ACM (bibliographic linkage),
 * and the USAspending recipients, where mentions sharing a DUNS or UEI are
 * the truth and the ids are hidden from the matcher. Prints pairwise
 * precision/recall/F1 and B-cubed F1 (for linkage tasks, pairs are counted
 * across the two sources only). Also a throughput mode on synthetic
 * organization and person mentions.
 *
 *   er_bench febrl FILE [FILE2]        dedup one file, or link two (4a/4b)
 *   er_bench dblp-acm DIR
 *   er_bench recipients DIR            DIR = ../shared/data/usaspending
 *   er_bench synth N                   N synthetic mentions, timings only
 *   er_bench identical N               N identical names and odd ones
 *   er_bench explain DB PAIRS          time `behind explain` in process on
 *                                      each "A B" line of PAIRS (a resolved
 *                                      store), as the server calls it
 * Options before the mode: -t THRESHOLD, -u (u from random pairs only). */
#include "resolve/resolve.h"
#include "resolve/rstore.h"
#include "util/err.h"
#include "util/map.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define MAXCOL 400

/* ---- a small CSV reader (quoted fields, in-place unquoting) ---- */

typedef struct {
	char *buf;
	size_t len, pos;
} csvr;

static int csv_open(csvr *c, const char *path)
{
	FILE *f = fopen(path, "rb");
	long n;
	memset(c, 0, sizeof *c);
	if (!f)
		return -1;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	c->buf = malloc((size_t)n + 1);
	if (!c->buf || fread(c->buf, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(c->buf);
		return -1;
	}
	fclose(f);
	c->buf[n] = '\0';
	c->len = (size_t)n;
	if (c->len >= 3 && memcmp(c->buf, "\xef\xbb\xbf", 3) == 0)
		c->pos = 3;
	return 0;
}

/* Next row: fields point into the buffer; returns the field count, -1 at end. */
static int csv_row(csvr *c, char **fld, size_t *fl, int max)
{
	int n = 0;
	if (c->pos >= c->len)
		return -1;
	for (;;) {
		char *out = c->buf + c->pos, *start = out;
		if (c->buf[c->pos] == '"') {
			c->pos++;
			for (;;) {
				if (c->pos >= c->len)
					break;
				if (c->buf[c->pos] == '"') {
					if (c->buf[c->pos + 1] == '"') {
						*out++ = '"';
						c->pos += 2;
						continue;
					}
					c->pos++;
					break;
				}
				*out++ = c->buf[c->pos++];
			}
			while (c->pos < c->len && c->buf[c->pos] != ',' && c->buf[c->pos] != '\n')
				c->pos++;
		} else {
			while (c->pos < c->len && c->buf[c->pos] != ',' && c->buf[c->pos] != '\n')
				c->pos++;
			out = c->buf + c->pos;
		}
		size_t l = (size_t)(out - start);
		while (l > 0 && (start[l - 1] == '\r' || start[l - 1] == ' '))
			l--;
		while (l > 0 && *start == ' ')
			start++, l--;
		if (n < max) {
			fld[n] = start;
			fl[n] = l;
			n++;
		}
		if (c->pos >= c->len || c->buf[c->pos] == '\n') {
			c->pos++;
			return n;
		}
		c->pos++; /* the comma */
	}
}

static int col_of(char **h, size_t *hl, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (hl[i] == strlen(name) && memcmp(h[i], name, hl[i]) == 0)
			return i;
	return -1;
}

/* ---- metrics ---- */

typedef struct {
	int64_t pred, truth;
	int src;
} lab;

static int cmp_pt(const void *x, const void *y)
{
	const lab *a = x, *b = y;
	if (a->pred != b->pred)
		return a->pred < b->pred ? -1 : 1;
	return a->truth < b->truth ? -1 : a->truth > b->truth;
}

static int cmp_t(const void *x, const void *y)
{
	const lab *a = x, *b = y;
	return a->truth < b->truth ? -1 : a->truth > b->truth;
}

/* Pairs inside a run of records [s, e): all pairs, or cross-source ones. */
static double run_pairs(const lab *L, size_t s, size_t e, int link)
{
	double n = (double)(e - s);
	if (!link)
		return n * (n - 1) / 2;
	double a = 0;
	for (size_t k = s; k < e; k++)
		a += L[k].src == 0;
	return a * (n - a);
}

typedef struct {
	double p, r, f1, bp, br, bf1, tp, npred, ntrue;
} scores;

static void evaluate(lab *L, size_t n, int link, scores *out)
{
	double tp = 0, np = 0, nt = 0, bp = 0, br = 0;
	double *cell = calloc(n, sizeof *cell), *psz = calloc(n, sizeof *psz), *tsz = calloc(n, sizeof *tsz);
	/* index each record's position to carry sizes across the two sorts */
	qsort(L, n, sizeof *L, cmp_pt);
	for (size_t s = 0, e; s < n; s = e) {
		for (e = s; e < n && L[e].pred == L[s].pred; e++)
			;
		np += run_pairs(L, s, e, link);
		for (size_t c = s, d; c < e; c = d) {
			for (d = c; d < e && L[d].truth == L[c].truth; d++)
				;
			tp += run_pairs(L, c, d, link);
			for (size_t k = c; k < d; k++) {
				cell[k] = (double)(d - c);
				psz[k] = (double)(e - s);
			}
		}
	}
	for (size_t k = 0; k < n; k++)
		bp += cell[k] / psz[k];
	/* truth sizes: sort a copy by truth, count, then look up per record */
	lab *T = malloc(n * sizeof *T);
	memcpy(T, L, n * sizeof *T);
	qsort(T, n, sizeof *T, cmp_t);
	bh_map sizes = {0};
	for (size_t s = 0, e; s < n; s = e) {
		for (e = s; e < n && T[e].truth == T[s].truth; e++)
			;
		nt += run_pairs(T, s, e, link);
		int64_t *v;
		bh_map_put(&v, NULL, &sizes, &T[s].truth, sizeof T[s].truth);
		*v = (int64_t)(e - s);
	}
	for (size_t k = 0; k < n; k++) {
		int64_t *v;
		bh_map_get(&v, &sizes, &L[k].truth, sizeof L[k].truth);
		tsz[k] = (double)*v;
		br += cell[k] / tsz[k];
	}
	bh_map_free(&sizes);
	out->tp = tp;
	out->npred = np;
	out->ntrue = nt;
	out->p = np > 0 ? tp / np : 1.0;
	out->r = nt > 0 ? tp / nt : 1.0;
	out->f1 = out->p + out->r > 0 ? 2 * out->p * out->r / (out->p + out->r) : 0;
	out->bp = bp / (double)n;
	out->br = br / (double)n;
	out->bf1 = 2 * out->bp * out->br / (out->bp + out->br);
	free(T);
	free(cell);
	free(psz);
	free(tsz);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void dump_value(const bh_explain_part *part, void *payload)
{
	fprintf(payload, "\t%s", part->a);
}

static void dump_part(const bh_explain_part *part, void *payload)
{
	fprintf(payload, "\t%s:%d:%+.2f[%s|%s]", part->field, part->level, part->weight, part->a,
		part->b);
}

static void report(const char *name, bh_matcher *m, int64_t *truth, int *src, int link, double secs)
{
	bh_match_stats st;
	scores s;
	bh_matcher_stats(m, &st);
	lab *L = malloc((size_t)st.records * sizeof *L);
	for (int64_t i = 0; i < st.records; i++) {
		L[i].pred = bh_matcher_cluster(m, i);
		L[i].truth = truth[i];
		L[i].src = src[i];
	}
	if (getenv("ER_DUMP")) {
		/* record, predicted cluster, true cluster: for error analysis */
		FILE *d = fopen(getenv("ER_DUMP"), "w");
		for (int64_t i = 0; d && i < st.records; i++) {
			double w, p;
			fprintf(d, "%lld\t%lld\t%lld", (long long)i, (long long)L[i].pred,
				(long long)L[i].truth);
			bh_matcher_explain(m, i, i, &w, &p, dump_value, d);
			fputc('\n', d);
		}
		if (d)
			fclose(d);
	}
	if (getenv("ER_ERRORS")) {
		/* every pair put together (TP, FP) or missed (FN), with
		 * explain's fields: level, weight and the two values */
		FILE *d = fopen(getenv("ER_ERRORS"), "w");
		for (int64_t i = 0; d && i < st.records; i++)
			for (int64_t j = i + 1; j < st.records; j++) {
				int sp = L[i].pred == L[j].pred, stt = L[i].truth == L[j].truth;
				if ((!sp && !stt) || (link && L[i].src == L[j].src))
					continue;
				double w, p;
				fprintf(d, "%s\t%lld\t%lld", sp && stt ? "TP" : sp ? "FP" : "FN", (long long)i,
					(long long)j);
				bh_matcher_explain(m, i, j, &w, &p, dump_part, d);
				fprintf(d, "\ttotal=%+.2f\tp=%.3f\n", w, p);
			}
		if (d)
			fclose(d);
	}
	if (getenv("ER_MODEL"))
		for (int f = 0; f < BH_MATCH_MAXFIELDS && bh_matcher_m(m, f, 1) > 0; f++)
			for (int l = 1; l < BH_NLEVELS; l++)
				printf("  field %d level %d: m %.4f u %.4f urand %.4f weight %+.2f\n", f, l,
				       bh_matcher_m(m, f, l), bh_matcher_u(m, f, l),
				       bh_matcher_urand(m, f, l),
				       log2(bh_matcher_m(m, f, l) / bh_matcher_u(m, f, l)));
	evaluate(L, (size_t)st.records, link, &s);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("%s: records %lld candidates %lld gated %lld accepted %lld clusters %lld bridges_cut %lld "
	       "lambda %.4f\n",
	       name, (long long)st.records, (long long)st.candidates, (long long)st.gated,
	       (long long)st.accepted,
	       (long long)st.clusters, (long long)st.bridges_cut, st.lambda);
	printf("%s: pairwise P %.4f R %.4f F1 %.4f (tp %.0f pred %.0f true %.0f)  B-cubed P %.4f R %.4f F1 %.4f\n",
	       name, s.p, s.r, s.f1, s.tp, s.npred, s.ntrue, s.bp, s.br, s.bf1);
	printf("%s: time %.3fs (features %.3f block+compare %.3f em %.3f cluster %.3f) %.0f candidate "
	       "pairs/s compared (wall), %.0f per CPU second (%.3f s CPU), peak RSS %ld MiB\n",
	       name, secs, st.secs_block, st.secs_compare, st.secs_em, st.secs_cluster,
	       st.secs_compare > 0 ? (double)st.compared / st.secs_compare : 0.0,
	       st.cpu_compare > 0 ? (double)st.compared / st.cpu_compare : 0.0, st.cpu_compare,
	       ru.ru_maxrss / 1024);
	free(L);
}

/* ---- Febrl ---- */

static int64_t febrl_truth(const char *id, size_t n)
{
	/* rec-123-org / rec-123-dup-0 */
	(void)n;
	return strtoll(id + 4, NULL, 10);
}

static int add_febrl(bh_matcher *m, const char *path, int srcno, int64_t **truth, int **src, size_t *cap)
{
	csvr c;
	char *f[MAXCOL];
	size_t l[MAXCOL];
	if (csv_open(&c, path) < 0) {
		fprintf(stderr, "er_bench: cannot read %s\n", path);
		return -1;
	}
	csv_row(&c, f, l, MAXCOL); /* header */
	int n;
	while ((n = csv_row(&c, f, l, MAXCOL)) >= 0) {
		if (n < 11)
			continue;
		const char *vals[10];
		size_t lens[10];
		for (int k = 0; k < 10; k++) {
			vals[k] = f[k + 1];
			lens[k] = l[k + 1];
		}
		int64_t i = bh_matcher_add(m, srcno, -1, vals, lens);
		if (i < 0)
			return -1;
		if ((size_t)i >= *cap) {
			*cap = *cap ? *cap * 2 : 1024;
			*truth = realloc(*truth, *cap * sizeof **truth);
			*src = realloc(*src, *cap * sizeof **src);
		}
		(*truth)[i] = febrl_truth(f[0], l[0]);
		(*src)[i] = srcno;
	}
	free(c.buf);
	return 0;
}

static int run_febrl(int argc, char **argv, bh_match_opts *o)
{
	static const bh_field_spec fs[] = {
		{"given_name", BH_CMP_STRING, BH_BLK_PHONETIC, 1, 2},
		{"surname", BH_CMP_STRING, BH_BLK_PHONETIC, 1, 1},
		{"street_number", BH_CMP_NUMBER, 0, 0, 0},
		{"address_1", BH_CMP_STRING, BH_BLK_PREFIX, 0, 0},
		{"address_2", BH_CMP_STRING, 0, 0, 0},
		{"suburb", BH_CMP_STRING, BH_BLK_VALUE, 1, 0},
		{"postcode", BH_CMP_NUMBER, BH_BLK_VALUE, 1, 0},
		{"state", BH_CMP_EXACT, 0, 0, 0},
		{"date_of_birth", BH_CMP_NUMBER, BH_BLK_VALUE, 1, 0},
		{"soc_sec_id", BH_CMP_NUMBER, BH_BLK_VALUE, 1, 0},
	};
	bh_matcher *m = NULL;
	int64_t *truth = NULL;
	int *src = NULL;
	size_t cap = 0;
	int link = argc > 1;
	if (link) {
		o->link_only = 1;
		o->one_to_one = 1;
	}
	if (bh_matcher_new(&m, fs, 10, o) < 0)
		return 2;
	double t0 = now();
	if (add_febrl(m, argv[0], 0, &truth, &src, &cap) < 0 ||
	    (link && add_febrl(m, argv[1], 1, &truth, &src, &cap) < 0))
		return 2;
	if (bh_matcher_run(m) < 0) {
		fprintf(stderr, "er_bench: %s\n", bh_error_last());
		return 2;
	}
	const char *name = strrchr(argv[0], '/');
	report(name ? name + 1 : argv[0], m, truth, src, link, now() - t0);
	bh_matcher_free(m);
	free(truth);
	free(src);
	return 0;
}

/* ---- DBLP-ACM ---- */

static int run_dblp(const char *dir, bh_match_opts *o)
{
	static const bh_field_spec fs[] = {
		{"title", BH_CMP_TOKENS, BH_BLK_TOKENS | BH_BLK_SORTED, 1, 0},
		{"authors", BH_CMP_TOKENS, BH_BLK_TOKENS, 0, 0},
		{"venue", BH_CMP_TOKENS, 0, 0, 0},
		{"year", BH_CMP_EXACT, 0, 0, 0},
	};
	const char *files[2] = {"DBLP2.csv", "ACM.csv"};
	char path[4096];
	bh_matcher *m = NULL;
	bh_map ids = {0};
	int64_t *truth = NULL, *ufp = NULL;
	int *src = NULL;
	size_t cap = 0;
	char *f[MAXCOL];
	size_t l[MAXCOL];
	int n;

	o->link_only = 1;
	o->one_to_one = 1;
	if (bh_matcher_new(&m, fs, 4, o) < 0)
		return 2;
	double t0 = now();
	for (int s = 0; s < 2; s++) {
		csvr c;
		snprintf(path, sizeof path, "%s/%s", dir, files[s]);
		if (csv_open(&c, path) < 0) {
			fprintf(stderr, "er_bench: cannot read %s\n", path);
			return 2;
		}
		csv_row(&c, f, l, MAXCOL);
		while ((n = csv_row(&c, f, l, MAXCOL)) >= 0) {
			if (n < 5)
				continue;
			const char *vals[4] = {f[1], f[2], f[3], f[4]};
			size_t lens[4] = {l[1], l[2], l[3], l[4]};
			int64_t i = bh_matcher_add(m, s, -1, vals, lens), *v;
			if ((size_t)i >= cap) {
				cap = cap ? cap * 2 : 1024;
				truth = realloc(truth, cap * sizeof *truth);
				src = realloc(src, cap * sizeof *src);
			}
			src[i] = s;
			char key[512];
			int kl = snprintf(key, sizeof key, "%d:%.*s", s, (int)l[0], f[0]);
			bh_map_put(&v, NULL, &ids, key, (size_t)kl);
			*v = i;
		}
		free(c.buf);
	}
	/* truth: union-find over the perfect mapping */
	bh_match_stats st;
	int64_t nrec = 0;
	for (size_t k = 0; k < cap; k++)
		nrec = (int64_t)ids.count;
	ufp = malloc((size_t)nrec * sizeof *ufp);
	for (int64_t i = 0; i < nrec; i++)
		ufp[i] = i;
	{
		csvr c;
		snprintf(path, sizeof path, "%s/DBLP-ACM_perfectMapping.csv", dir);
		if (csv_open(&c, path) < 0)
			return 2;
		while ((n = csv_row(&c, f, l, MAXCOL)) >= 0) {
			if (n < 2)
				continue;
			char ka[512], kb[512];
			int la = snprintf(ka, sizeof ka, "0:%.*s", (int)l[0], f[0]);
			int lb = snprintf(kb, sizeof kb, "1:%.*s", (int)l[1], f[1]);
			int64_t *va, *vb;
			if (!bh_map_get(&va, &ids, ka, (size_t)la) || !bh_map_get(&vb, &ids, kb, (size_t)lb))
				continue;
			int64_t a = *va, b = *vb;
			while (ufp[a] != a)
				a = ufp[a];
			while (ufp[b] != b)
				b = ufp[b];
			if (a != b)
				ufp[b] = a;
		}
		free(c.buf);
	}
	for (int64_t i = 0; i < nrec; i++) {
		int64_t r = i;
		while (ufp[r] != r)
			r = ufp[r];
		truth[i] = r;
	}
	if (bh_matcher_run(m) < 0) {
		fprintf(stderr, "er_bench: %s\n", bh_error_last());
		return 2;
	}
	bh_matcher_stats(m, &st);
	report("dblp-acm", m, truth, src, 1, now() - t0);
	bh_matcher_free(m);
	bh_map_free(&ids);
	free(truth);
	free(src);
	free(ufp);
	return 0;
}

/* ---- USAspending recipients ---- */

static int64_t uf_root(int64_t *p, int64_t x)
{
	while (p[x] != x)
		x = p[x] = p[p[x]];
	return x;
}

/* Fields of the recipients' rows beyond name and place, each tried as one
 * more Fellegi-Sunter field (ER_FIELDS=street,phone,... : analysis of
 * which fields lift the F1; none by default, as `behind resolve` uses
 * none). The column per prefix (recipient_, subawardee_, prime_awardee_);
 * "%s" stands for the prefix; NULL: that mention has no such field. */
typedef struct {
	const char *name;
	int cmp, tf;
	const char *col[3];
} extra_field;

static const extra_field extras[] = {
	{"street", BH_CMP_STRING, 1, {"%saddress_line_1", "%saddress_line_1", "%saddress_line_1"}},
	{"phone", BH_CMP_EXACT, 1, {"recipient_phone_number", NULL, NULL}},
	{"fax", BH_CMP_EXACT, 1, {"recipient_fax_number", NULL, NULL}},
	{"parent", BH_CMP_ORG, 1, {"%sparent_name", "%sparent_name", "%sparent_name"}},
	{"dba", BH_CMP_ORG, 1, {"recipient_doing_business_as_name", "%sdba_name", "%sdba_name"}},
	{"cd", BH_CMP_EXACT, 1, {"recipient_congressional_district", "subaward_recipient_cd_original",
				 "prime_award_summary_recipient_cd_original"}},
	{"naics", BH_CMP_EXACT, 1, {"naics_code", NULL, "prime_award_naics_code"}},
	{"psc", BH_CMP_EXACT, 1, {"product_or_service_code", NULL, NULL}},
};
#define NEXTRA (int)(sizeof extras / sizeof extras[0])

/* "24" (a district of the row's state) and "MN-05" alike as "ST-NN". */
static size_t norm_cd(char *out, size_t cap, const char *v, size_t vl, const char *st, size_t sl)
{
	char tmp[32];
	if (vl == 0 || vl >= sizeof tmp)
		return 0;
	memcpy(tmp, v, vl);
	tmp[vl] = 0;
	const char *num = tmp;
	if (vl > 3 && tmp[2] == '-') {
		st = tmp;
		sl = 2;
		num = tmp + 3;
	}
	char *end;
	long d = strtol(num, &end, 10);
	if (end == num || *end || sl != 2)
		return 0;
	int n = snprintf(out, cap, "%.2s-%02ld", st, d);
	return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

static int run_recipients(const char *dir, bh_match_opts *o)
{
	static const bh_field_spec base[] = {
		{"name", BH_CMP_ORG, BH_BLK_TOKENS | BH_BLK_ACRONYM | BH_BLK_SORTED | BH_BLK_PREFIX, 1, 0,
		 BH_LVL_WEAK},
		{"city", BH_CMP_STRING, 0, 1, 0},
		{"state", BH_CMP_EXACT, 0, 0, 0},
		{"zip", BH_CMP_NUMBER, 0, 1, 0},
	};
	static const char *const files[] = {"ice_contract_transactions_fy2013-2018.csv",
					    "Contracts_PrimeAwardSummaries_ICE_MN_2025-03-21.csv",
					    "Contracts_Subawards_ICE_2025-03-28.csv"};
	static const char *const prefixes[] = {"recipient_", "subawardee_", "prime_awardee_"};
	bh_matcher *m = NULL;
	bh_map seen = {0}, idnode = {0};
	int64_t *truth = NULL, *uf = NULL, *rec_node = NULL;
	int *src = NULL;
	size_t cap = 0, ufcap = 0;
	int64_t nnodes = 0;
	char *f[MAXCOL], path[4096];
	size_t l[MAXCOL];
	int n;

	/* the fields and options of `behind resolve` for organizations (the
	 * street address only tells mentions apart, in the dedup key below),
	 * and the extra fields of ER_FIELDS */
	bh_field_spec fs[BH_MATCH_MAXFIELDS];
	int which[BH_MATCH_MAXFIELDS], nf = 4;
	memcpy(fs, base, sizeof base);
	const char *want = getenv("ER_FIELDS");
	for (int e = 0; want && e < NEXTRA && nf < BH_MATCH_MAXFIELDS; e++) {
		size_t el = strlen(extras[e].name);
		for (const char *w = want; (w = strstr(w, extras[e].name)) != NULL; w += el)
			if ((w == want || w[-1] == ',') && (w[el] == ',' || !w[el])) {
				which[nf] = e;
				fs[nf++] = (bh_field_spec){extras[e].name, extras[e].cmp, 0, extras[e].tf, 0, 0};
				break;
			}
	}
	o->em_u = 0;
	if (bh_matcher_new(&m, fs, nf, o) < 0)
		return 2;
	double t0 = now();
	for (size_t fi = 0; fi < sizeof files / sizeof files[0]; fi++) {
		csvr c;
		char *h[MAXCOL];
		size_t hl[MAXCOL];
		snprintf(path, sizeof path, "%s/%s", dir, files[fi]);
		if (csv_open(&c, path) < 0) {
			fprintf(stderr, "er_bench: cannot read %s\n", path);
			return 2;
		}
		int nh = csv_row(&c, h, hl, MAXCOL);
		int cols[3][7], xcol[3][BH_MATCH_MAXFIELDS];
		for (int p = 0; p < 3; p++)
			for (int x = 4; x < nf; x++) {
				char k[96];
				const char *cn = extras[which[x]].col[p];
				xcol[p][x] = -1;
				if (!cn)
					continue;
				snprintf(k, sizeof k, cn, prefixes[p]);
				xcol[p][x] = col_of(h, hl, nh, k);
				if (xcol[p][x] < 0 && strcmp(extras[which[x]].name, "cd") == 0)
					xcol[p][x] = col_of(h, hl, nh, "prime_award_summary_recipient_cd_original");
			}
		for (int p = 0; p < 3; p++) {
			char k[64];
			static const char *const sfx[] = {"name", "city_name", "state_code", "zip_4_code",
							  "address_line_1", "duns", "uei"};
			for (int s = 0; s < 7; s++) {
				snprintf(k, sizeof k, "%s%s", prefixes[p], sfx[s]);
				cols[p][s] = col_of(h, hl, nh, k);
				if (s == 3 && cols[p][s] < 0) {
					snprintf(k, sizeof k, "%szip_code", prefixes[p]);
					cols[p][s] = col_of(h, hl, nh, k);
				}
			}
		}
		while ((n = csv_row(&c, f, l, MAXCOL)) >= 0) {
			for (int p = 0; p < 3; p++) {
				if (cols[p][0] < 0 || cols[p][0] >= n || l[cols[p][0]] == 0)
					continue;
				const char *vals[BH_MATCH_MAXFIELDS];
				size_t lens[BH_MATCH_MAXFIELDS];
				char cdbuf[16];
				char duns[24] = "";
				const char *uei = "";
				size_t ul = 0;
				for (int s = 0; s < 5; s++) {
					int ci = cols[p][s];
					vals[s] = ci >= 0 && ci < n ? f[ci] : NULL;
					lens[s] = ci >= 0 && ci < n ? l[ci] : 0;
				}
				if (lens[3] > 5)
					lens[3] = 5;
				if (cols[p][5] >= 0 && cols[p][5] < n && l[cols[p][5]] > 0) {
					long long d = strtoll(f[cols[p][5]], NULL, 10);
					if (d > 0)
						snprintf(duns, sizeof duns, "%09lld", d);
				}
				if (cols[p][6] >= 0 && cols[p][6] < n) {
					uei = f[cols[p][6]];
					ul = l[cols[p][6]];
				}
				if (!duns[0] && !ul)
					continue; /* no truth for this mention */
				/* one record per distinct mention (values + its ids) */
				char key[2048];
				int kl = snprintf(key, sizeof key, "%.*s|%.*s|%.*s|%.*s|%.*s|%s|%.*s",
						  (int)lens[0], vals[0], (int)lens[1], vals[1] ? vals[1] : "",
						  (int)lens[2], vals[2] ? vals[2] : "", (int)lens[3],
						  vals[3] ? vals[3] : "", (int)lens[4], vals[4] ? vals[4] : "",
						  duns, (int)ul, uei);
				int64_t *sv;
				if (bh_map_put(&sv, NULL, &seen, key, (size_t)(kl < (int)sizeof key ? kl : (int)sizeof key - 1)) != 1)
					continue;
				for (int x = 4; x < nf; x++) {
					int ci = xcol[p][x];
					vals[x] = ci >= 0 && ci < n ? f[ci] : NULL;
					lens[x] = ci >= 0 && ci < n ? l[ci] : 0;
					if (strcmp(fs[x].name, "cd") == 0) {
						lens[x] = norm_cd(cdbuf, sizeof cdbuf, vals[x], lens[x], vals[2],
								  lens[2]);
						vals[x] = cdbuf;
					}
				}
				int64_t i = bh_matcher_add(m, 0, -1, vals, lens);
				if (i < 0)
					return 2;
				if ((size_t)i >= cap) {
					cap = cap ? cap * 2 : 1024;
					truth = realloc(truth, cap * sizeof *truth);
					src = realloc(src, cap * sizeof *src);
					rec_node = realloc(rec_node, cap * sizeof *rec_node);
				}
				src[i] = 0;
				/* truth: union of the record's DUNS and UEI nodes */
				int64_t nodes[2] = {-1, -1};
				const char *idv[2] = {duns, uei};
				size_t idl[2] = {strlen(duns), ul};
				for (int q = 0; q < 2; q++) {
					if (!idl[q])
						continue;
					char ik[64];
					int il = snprintf(ik, sizeof ik, "%c:%.*s", q ? 'u' : 'd', (int)idl[q], idv[q]);
					int64_t *nv;
					if (bh_map_put(&nv, NULL, &idnode, ik, (size_t)il) == 1) {
						if ((size_t)nnodes >= ufcap) {
							ufcap = ufcap ? ufcap * 2 : 1024;
							uf = realloc(uf, ufcap * sizeof *uf);
						}
						uf[nnodes] = nnodes;
						*nv = nnodes++;
					}
					nodes[q] = *nv;
				}
				if (nodes[0] >= 0 && nodes[1] >= 0) {
					int64_t a = uf_root(uf, nodes[0]), b = uf_root(uf, nodes[1]);
					if (a != b)
						uf[b] = a;
				}
				rec_node[i] = nodes[0] >= 0 ? nodes[0] : nodes[1];
			}
		}
		free(c.buf);
	}
	bh_match_stats st;
	bh_matcher_stats(m, &st);
	int64_t nrec = (int64_t)seen.count;
	for (int64_t i = 0; i < nrec; i++)
		truth[i] = uf_root(uf, rec_node[i]);
	if (bh_matcher_run(m) < 0) {
		fprintf(stderr, "er_bench: %s\n", bh_error_last());
		return 2;
	}
	report("recipients", m, truth, src, 0, now() - t0);
	bh_matcher_free(m);
	bh_map_free(&seen);
	bh_map_free(&idnode);
	free(truth);
	free(src);
	free(uf);
	free(rec_node);
	return 0;
}

/* ---- synthetic throughput ---- */

static uint64_t rng_state = 88172645463325252ULL;
static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Organization mentions: a base name from word lists, a legal form, then
 * noise (case, punctuation, a typo, a dropped word) per mention. */
static int run_synth(long n, bh_match_opts *o)
{
	static const char *const w1[] = {"ACME", "GLOBAL", "NORTHROP", "PALANTIR", "GEO", "CORE",
					 "AMAZON", "DELTA", "APEX", "SUMMIT", "PIONEER", "LIBERTY",
					 "EAGLE", "PATRIOT", "ATLAS", "VECTOR", "QUANTUM", "NOVA",
					 "UNITED", "AMERICAN", "FEDERAL", "NATIONAL", "PACIFIC", "ALPHA"};
	static const char *const w2[] = {"WEB", "DEFENSE", "SECURITY", "DETENTION", "SYSTEMS",
					 "HEALTH", "LOGISTICS", "DATA", "ANALYTICS", "TRANSPORT",
					 "CONSTRUCTION", "MEDICAL", "TECHNOLOGIES", "SOLUTIONS"};
	static const char *const w3[] = {"SERVICES", "GROUP", "HOLDINGS", "PARTNERS", "CONSULTING",
					 "INTERNATIONAL", "ASSOCIATES", "ENTERPRISES"};
	static const char *const lf[] = {"INC", "INC.", "LLC", "CORP", "CORPORATION", "CO", "LTD", ""};
	static const char *const cities[] = {"ARLINGTON", "RESTON", "HERNDON", "MCLEAN", "DALLAS",
					     "BOCA RATON", "NASHVILLE", "DENVER", "SEATTLE", "AUSTIN"};
	static const char *const st[] = {"VA", "VA", "VA", "VA", "TX", "FL", "TN", "CO", "WA", "TX"};
	static const bh_field_spec fs[] = {
		{"name", BH_CMP_ORG, BH_BLK_TOKENS | BH_BLK_ACRONYM | BH_BLK_SORTED, 1, 0, BH_LVL_WEAK},
		{"city", BH_CMP_STRING, 0, 1, 0},
		{"state", BH_CMP_EXACT, 0, 0, 0},
		{"zip", BH_CMP_NUMBER, 0, 1, 0},
	};
	bh_matcher *m = NULL;
	int64_t *truth = malloc((size_t)n * sizeof *truth);
	int *src = calloc((size_t)n, sizeof *src);
	long nent = n / 4 > 0 ? n / 4 : 1;
	o->em_u = 0;
	if (bh_matcher_new(&m, fs, 4, o) < 0)
		return 2;
	double t0 = now();
	for (long i = 0; i < n; i++) {
		uint64_t e = rnd() % (uint64_t)nent, h = e * 0x9E3779B97F4A7C15ULL;
		char name[160], zip[8], serial[16];
		/* a serial word in base 26 makes distinct entities distinct */
		uint64_t s = e;
		int sl = 0;
		do {
			serial[sl++] = (char)('A' + s % 26);
			s /= 26;
		} while (s && sl < 14);
		serial[sl] = '\0';
		int nl = snprintf(name, sizeof name, "%s %s %s %s %s", w1[h % 24], serial,
				  w2[(h >> 8) % 14], w3[(h >> 16) % 8], lf[rnd() % 8]);
		uint64_t r = rnd();
		if (r % 4 == 0 && nl > 6) /* a typo */
			name[5 + (r >> 8) % (uint64_t)(nl - 6)] = 'X';
		if (r % 7 == 1)
			for (int k = 0; k < nl; k++)
				if (name[k] >= 'A' && name[k] <= 'Z')
					name[k] = (char)(name[k] + 32);
		snprintf(zip, sizeof zip, "%05llu", (unsigned long long)((h >> 24) % 99999));
		const char *vals[4] = {name, cities[(h >> 40) % 10], st[(h >> 40) % 10], zip};
		size_t lens[4] = {strlen(name), strlen(vals[1]), 2, 5};
		if (r % 5 == 2)
			lens[3] = 0; /* zip missing */
		if (bh_matcher_add(m, 0, -1, vals, lens) < 0)
			return 2;
		truth[i] = (int64_t)e;
	}
	double t1 = now();
	if (bh_matcher_run(m) < 0) {
		fprintf(stderr, "er_bench: %s\n", bh_error_last());
		return 2;
	}
	printf("synth: %ld mentions added in %.2fs\n", n, t1 - t0);
	report("synth", m, truth, src, 0, now() - t0);
	bh_matcher_free(m);
	free(truth);
	free(src);
	return 0;
}

/* Hostile input: N identical names, plus an empty one, a 10,000-character
 * one and one in another script. Must stay linear and end in few clusters. */
static int run_identical(long n, bh_match_opts *o)
{
	static const bh_field_spec fs[] = {
		{"name", BH_CMP_ORG, BH_BLK_TOKENS | BH_BLK_ACRONYM | BH_BLK_SORTED | BH_BLK_PREFIX, 1, 0,
		 BH_LVL_WEAK},
		{"city", BH_CMP_STRING, 0, 1, 0, 0},
	};
	bh_matcher *m = NULL;
	bh_match_stats st;
	char *big = malloc(10000);
	memset(big, 'Q', 10000);
	for (int k = 9; k < 10000; k += 10)
		big[k] = ' ';
	o->em_u = 0;
	if (!big || bh_matcher_new(&m, fs, 2, o) < 0)
		return 2;
	double t0 = now();
	const char *odd[3] = {"", big, "\xe4\xb8\xad\xe5\x9b\xbd\xe5\xbb\xba\xe7\xad\x91"};
	size_t oddl[3] = {0, 10000, 12};
	for (long i = 0; i < n + 3; i++) {
		const char *v[2] = {i < n ? "SAME NAME HOLDINGS LLC" : odd[i - n], "ARLINGTON"};
		size_t l[2] = {i < n ? 22 : oddl[i - n], 9};
		if (bh_matcher_add(m, 0, -1, v, l) < 0)
			return 2;
	}
	if (bh_matcher_run(m) < 0) {
		fprintf(stderr, "er_bench: %s\n", bh_error_last());
		return 2;
	}
	bh_matcher_stats(m, &st);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("identical: %ld same names + 3 odd ones: %lld pairs compared, %lld clusters, %lld capped "
	       "blocks, %.2fs, peak RSS %ld MiB\n",
	       n, (long long)st.compared, (long long)st.clusters, (long long)st.capped_blocks, now() - t0,
	       ru.ru_maxrss / 1024);
	bh_matcher_free(m);
	free(big);
	return 0;
}

static double cpu_secs(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
}

static int cmp_dbl(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return a < b ? -1 : a > b;
}

/* Wall and CPU time of each explain (text, then JSON) of the pairs. */
static int run_explain(const char *db, const char *pairs)
{
	bh_store *s = NULL;
	FILE *in = fopen(pairs, "r"), *out = fopen("/dev/null", "w");
	char a[256], b[256];
	double wall[4096], cpu[4096];
	size_t n = 0;
	if (!in || !out || bh_store_open(&s, db, BH_STORE_RO) < 0) {
		fprintf(stderr, "er_bench explain: cannot open %s or %s\n", db, pairs);
		return 1;
	}
	while (n + 2 <= sizeof wall / sizeof wall[0] && fscanf(in, "%255s %255s", a, b) == 2)
		for (int json = 0; json < 2; json++, n++) {
			double t0 = now(), c0 = cpu_secs();
			if (bh_explain_pair(out, s, a, b, json) < 0)
				fprintf(stderr, "explain %s %s: %s\n", a, b, bh_error_last());
			wall[n] = now() - t0;
			cpu[n] = cpu_secs() - c0;
		}
	bh_store_close(s);
	fclose(in);
	fclose(out);
	if (!n)
		return 1;
	qsort(wall, n, sizeof wall[0], cmp_dbl);
	qsort(cpu, n, sizeof cpu[0], cmp_dbl);
	printf("explain: %zu calls, wall median %.2f ms p90 %.2f ms max %.2f ms; CPU median %.2f ms max %.2f ms\n",
	       n, wall[n / 2] * 1e3, wall[n * 9 / 10] * 1e3, wall[n - 1] * 1e3, cpu[n / 2] * 1e3,
	       cpu[n - 1] * 1e3);
	return 0;
}

int main(int argc, char **argv)
{
	bh_match_opts o;
	bh_match_opts_default(&o);
	int a = 1;
	while (a < argc && argv[a][0] == '-') {
		if (strcmp(argv[a], "-t") == 0 && a + 1 < argc)
			o.threshold = atof(argv[++a]);
		else if (strcmp(argv[a], "-u") == 0)
			o.em_u = 0;
		a++;
	}
	if (a >= argc) {
		fprintf(stderr, "usage: er_bench [-t P] [-u] febrl FILE [FILE2] | dblp-acm DIR | "
				"recipients DIR | synth N | identical N | explain DB PAIRS\n");
		return 2;
	}
	if (strcmp(argv[a], "febrl") == 0 && a + 1 < argc)
		return run_febrl(argc - a - 1, argv + a + 1, &o);
	if (strcmp(argv[a], "dblp-acm") == 0 && a + 1 < argc)
		return run_dblp(argv[a + 1], &o);
	if (strcmp(argv[a], "recipients") == 0 && a + 1 < argc)
		return run_recipients(argv[a + 1], &o);
	if (strcmp(argv[a], "identical") == 0 && a + 1 < argc)
		return run_identical(atol(argv[a + 1]), &o);
	if (strcmp(argv[a], "synth") == 0 && a + 1 < argc)
		return run_synth(atol(argv[a + 1]), &o);
	if (strcmp(argv[a], "explain") == 0 && a + 2 < argc)
		return run_explain(argv[a + 1], argv[a + 2]);
	fprintf(stderr, "er_bench: unknown mode %s\n", argv[a]);
	return 2;
}
