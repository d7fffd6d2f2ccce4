/* Generator of large benchmark inputs from the real samples, deterministic
 * for a given seed (same arguments, same bytes).
 *
 *   gen contracts SAMPLE.csv ROWS [SEED] > out.csv
 *       USAspending contract transactions in the sample's layout (the ICE
 *       FY2013-2018 file: 259 columns). Each output row starts as a sample
 *       row drawn at random, so the columns keep their real mix of values,
 *       widths, empty cells and quoting; then the fields that make rows
 *       distinct are rewritten: award id and modification number (about
 *       five modifications per award), action date (FY2008-FY2024, in the
 *       sample's dd/mm/yyyy), obligation (log-normal, some de-obligations),
 *       and the recipient (name, DUNS, parent), drawn with a skew from a
 *       pool of ROWS/100 recipients whose names are the sample's names with
 *       realistic variation (suffixes INC/INC./LLC/CORP, punctuation,
 *       recombined words).
 *
 *   gen itcont SAMPLE.txt ROWS [SEED] > out.txt
 *       FEC individual contributions (itcont.txt, 21 |-separated fields,
 *       no header). A sample row gives committee, report and transaction
 *       types; name (a sampled last name with a sampled first name), place
 *       (city, state, ZIP of one sample row), employer and occupation (of
 *       another), date (2019-2020, MMDDYYYY), amount (log-normal) and the
 *       unique SUB_ID and TRAN_ID are generated.
 *
 * The sample is read with the project's own reader (bh_csv). Everything
 * it holds stays in memory: samples are small; outputs are streamed. */
#include "ingest/csv.h"
#include "ingest/input.h"
#include "util/err.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- deterministic randomness ---- */

static uint64_t rng_state = 0x2545F4914F6CDD1Dull;

static uint64_t rnd(void)
{
	uint64_t x = rng_state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545F4914F6CDD1Dull;
}

static double unif(void)
{
	return (double)(rnd() >> 11) * (1.0 / 9007199254740992.0);
}

static size_t pick(size_t n)
{
	return (size_t)(unif() * (double)n);
}

/* Skewed pick: a few values are very common, as with real recipients. */
static size_t pick_skewed(size_t n)
{
	double u = unif();
	return (size_t)(u * u * u * (double)n);
}

static double lognormal(double mu, double sigma)
{
	double u1 = unif(), u2 = unif();
	if (u1 < 1e-300)
		u1 = 1e-300;
	return exp(mu + sigma * sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2));
}

/* ---- the sample: rows of owned strings ---- */

typedef struct {
	char **cell;
	size_t n;
} srow;

typedef struct {
	srow *rows;
	size_t n, cap;
	srow header;
} sample;

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p) {
		fprintf(stderr, "gen: out of memory\n");
		exit(2);
	}
	return p;
}

static char *xstrndup(const char *p, size_t n)
{
	char *s = xmalloc(n + 1);
	memcpy(s, p, n);
	s[n] = 0;
	return s;
}

static void copy_row(srow *dst, const bh_row *r)
{
	dst->n = r->ncells;
	dst->cell = xmalloc(r->ncells * sizeof *dst->cell);
	for (size_t i = 0; i < r->ncells; i++)
		dst->cell[i] = xstrndup(r->cells[i].p, r->cells[i].n);
}

#define MAX_SAMPLE_ROWS ((size_t)1 << 20)

/* Reads the well-formed rows (up to MAX_SAMPLE_ROWS) with `want` cells
 * (0: as many as the first row); the first row becomes the header when
 * `has_header`. */
static void load_sample(sample *s, const char *path, char delim, unsigned flags, int has_header,
			size_t want)
{
	bh_input *in = NULL;
	bh_csv *r = NULL;
	bh_row *row;
	int rc;
	memset(s, 0, sizeof *s);
	if (bh_input_open_file(&in, path) < 0 || bh_csv_open(&r, in, delim, flags) < 0) {
		fprintf(stderr, "gen: %s\n", bh_error_last());
		exit(2);
	}
	while ((rc = bh_csv_next(r, &row)) > 0) {
		if (row->flags & ~(unsigned)BH_ROW_NOEOL)
			continue;
		if (has_header && !s->header.n) {
			copy_row(&s->header, row);
			want = row->ncells;
			continue;
		}
		if (!want)
			want = row->ncells;
		if (row->ncells != want)
			continue;
		if (s->n == MAX_SAMPLE_ROWS)
			break; /* samples are small; a bigger file adds nothing */
		if (s->n == s->cap) {
			s->cap = s->cap ? s->cap * 2 : 1024;
			s->rows = realloc(s->rows, s->cap * sizeof *s->rows);
			if (!s->rows) {
				fprintf(stderr, "gen: out of memory\n");
				exit(2);
			}
		}
		copy_row(&s->rows[s->n++], row);
	}
	if (rc < 0 || !s->n) {
		fprintf(stderr, "gen: %s: %s\n", path, rc < 0 ? bh_error_last() : "no usable rows");
		exit(2);
	}
	bh_csv_free(r);
	bh_input_free(in);
}

static int column(const sample *s, const char *name)
{
	for (size_t i = 0; i < s->header.n; i++)
		if (!strcmp(s->header.cell[i], name))
			return (int)i;
	return -1;
}

/* ---- output ---- */

static void put_cell(FILE *f, const char *v, char delim, int quoting)
{
	if (quoting && strpbrk(v, "\",\n\r")) {
		putc('"', f);
		for (const char *p = v; *p; p++) {
			if (*p == '"')
				putc('"', f);
			putc(*p, f);
		}
		putc('"', f);
	} else {
		fputs(v, f);
	}
	(void)delim;
}

/* ---- name variation ---- */

static const char *const suffixes[] = {" INC", " INC.", ", INC.", " LLC", ", LLC", " CORP",
				       " CORPORATION", " CO", " LTD", " L.L.C.", " GROUP"};
#define NSUFFIX (sizeof suffixes / sizeof suffixes[0])

/* Strips a trailing company suffix so another can be put on. */
static size_t name_stem(const char *n)
{
	size_t len = strlen(n);
	static const char *const ends[] = {" INC.", " INC", ", INC.", ", INC", " LLC", ", LLC",
					   " CORP", " CORPORATION", " CO", " LTD", " L.L.C."};
	for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++) {
		size_t k = strlen(ends[i]);
		if (len > k && !strcmp(n + len - k, ends[i]))
			return len - k;
	}
	return len;
}

/* A recipient of the pool: variant `k` of a sample name. */
static char *vary_name(const sample *s, int col, size_t k)
{
	const char *base = s->rows[pick(s->n)].cell[col];
	char buf[512];
	if (!*base)
		base = "UNNAMED CONTRACTOR";
	size_t stem = name_stem(base);
	if (stem > 200)
		stem = 200;
	switch (k % 4) {
	case 0: /* as published */
		snprintf(buf, sizeof buf, "%s", base);
		break;
	case 1: /* another suffix */
		snprintf(buf, sizeof buf, "%.*s%s", (int)stem, base, suffixes[pick(NSUFFIX)]);
		break;
	case 2: { /* two sample names recombined: first word of one, rest of another */
		const char *other = s->rows[pick(s->n)].cell[col];
		const char *sp = strchr(base, ' ');
		const char *rest = strchr(other, ' ');
		snprintf(buf, sizeof buf, "%.*s%s%s", (int)(sp ? (size_t)(sp - base) : stem), base,
			 rest ? rest : " SERVICES", rest ? "" : suffixes[pick(NSUFFIX)]);
		break;
	}
	default: /* punctuation dropped, as in the sample's own variants */
		snprintf(buf, sizeof buf, "%s", base);
		for (char *p = buf; *p; p++)
			if (*p == ',' || *p == '.')
				*p = ' ';
		break;
	}
	return xstrndup(buf, strlen(buf));
}

/* ---- contracts ---- */

typedef struct {
	char *name, *parent, duns[16], pduns[16];
} recipient;

static void gen_contracts(const char *path, uint64_t rows)
{
	sample s;
	load_sample(&s, path, ',', 0, 1, 0);
	const int c_piid = column(&s, "award_id_piid"), c_mod = column(&s, "modification_number"),
		  c_obl = column(&s, "federal_action_obligation"), c_date = column(&s, "action_date"),
		  c_name = column(&s, "recipient_name"), c_duns = column(&s, "recipient_duns"),
		  c_pname = column(&s, "recipient_parent_name"),
		  c_pduns = column(&s, "recipient_parent_duns");
	if (c_piid < 0 || c_obl < 0 || c_date < 0 || c_name < 0 || c_duns < 0) {
		fprintf(stderr, "gen: %s: not a contract-transactions file (no award_id_piid, "
				"federal_action_obligation, action_date, recipient_name, recipient_duns)\n",
			path);
		exit(2);
	}
	size_t npool = rows / 100 < 2000 ? 2000 : (size_t)(rows / 100);
	recipient *pool = xmalloc(npool * sizeof *pool);
	for (size_t i = 0; i < npool; i++) {
		pool[i].name = vary_name(&s, c_name, i);
		pool[i].parent = i % 3 ? pool[i].name : pool[pick(i + 1)].name;
		snprintf(pool[i].duns, sizeof pool[i].duns, "%u", (unsigned)(10000000 + (i * 7919) % 89999999));
		snprintf(pool[i].pduns, sizeof pool[i].pduns, "%u",
			 (unsigned)(10000000 + ((i - i % 3) * 7919) % 89999999));
	}
	FILE *f = stdout;
	static char obuf[1 << 20];
	setvbuf(f, obuf, _IOFBF, sizeof obuf);
	for (size_t i = 0; i < s.header.n; i++) {
		if (i)
			putc(',', f);
		put_cell(f, s.header.cell[i], ',', 1);
	}
	putc('\n', f);
	const uint64_t awards = rows / 5 + 1;
	char piid[64], mod[32], obl[64], date[32];
	for (uint64_t r = 0; r < rows; r++) {
		const srow *src = &s.rows[pick(s.n)];
		const recipient *rc = &pool[pick_skewed(npool)];
		uint64_t award = (r * 2654435761u) % awards;
		unsigned fy = 2008 + (unsigned)(award % 17);
		snprintf(piid, sizeof piid, "70CDCR%02uC%08llu", fy % 100, (unsigned long long)award);
		snprintf(mod, sizeof mod, "%llu", (unsigned long long)(r / awards));
		double amt = lognormal(9.5, 2.0);
		if (unif() < 0.08)
			amt = -amt / 4;
		snprintf(obl, sizeof obl, "%.2f", amt);
		snprintf(date, sizeof date, "%02u/%02u/%u", 1 + (unsigned)pick(28), 1 + (unsigned)pick(12),
			 fy - (unif() < 0.25 ? 1 : 0));
		for (size_t c = 0; c < src->n; c++) {
			const char *v = src->cell[c];
			if ((int)c == c_piid)
				v = piid;
			else if ((int)c == c_mod)
				v = mod;
			else if ((int)c == c_obl)
				v = obl;
			else if ((int)c == c_date)
				v = date;
			else if ((int)c == c_name)
				v = rc->name;
			else if ((int)c == c_duns)
				v = rc->duns;
			else if ((int)c == c_pname)
				v = rc->parent;
			else if ((int)c == c_pduns)
				v = rc->pduns;
			if (c)
				putc(',', f);
			put_cell(f, v, ',', 1);
		}
		putc('\n', f);
	}
	fflush(f);
}

/* ---- FEC individual contributions ---- */

enum { F_NAME = 7, F_CITY, F_STATE, F_ZIP, F_EMPLOYER, F_OCCUPATION, F_DATE, F_AMT, F_TRAN = 16,
       F_SUB = 20, F_COUNT = 21 };

static void gen_itcont(const char *path, uint64_t rows)
{
	sample s;
	load_sample(&s, path, '|', BH_CSV_NOQUOTE, 0, F_COUNT);
	FILE *f = stdout;
	static char obuf[1 << 20];
	setvbuf(f, obuf, _IOFBF, sizeof obuf);
	char name[256], date[16], amt[32], tran[32], sub[32];
	for (uint64_t r = 0; r < rows; r++) {
		const srow *src = &s.rows[pick(s.n)];
		const srow *who = &s.rows[pick(s.n)], *first = &s.rows[pick(s.n)];
		const srow *place = &s.rows[pick(s.n)], *job = &s.rows[pick(s.n)];
		const char *last = who->cell[F_NAME], *comma = strchr(last, ',');
		const char *fn = strchr(first->cell[F_NAME], ',');
		snprintf(name, sizeof name, "%.*s,%s", (int)(comma ? comma - last : (long)strlen(last)),
			 last, fn ? fn + 1 : " PAT");
		unsigned y = 2019 + (unsigned)pick(2);
		snprintf(date, sizeof date, "%02u%02u%u", 1 + (unsigned)pick(12), 1 + (unsigned)pick(28), y);
		double a = lognormal(4.5, 1.3);
		snprintf(amt, sizeof amt, "%.0f", a < 1 ? 1.0 : a);
		snprintf(tran, sizeof tran, "SA17.%llu", (unsigned long long)(r + 1));
		snprintf(sub, sizeof sub, "%llu", (unsigned long long)(4000000000000000000ull + r));
		for (int c = 0; c < F_COUNT; c++) {
			const char *v = src->cell[c];
			switch (c) {
			case F_NAME: v = name; break;
			case F_CITY:
			case F_STATE:
			case F_ZIP: v = place->cell[c]; break;
			case F_EMPLOYER:
			case F_OCCUPATION: v = job->cell[c]; break;
			case F_DATE: v = date; break;
			case F_AMT: v = amt; break;
			case F_TRAN: v = tran; break;
			case F_SUB: v = sub; break;
			default: break;
			}
			if (c)
				putc('|', f);
			fputs(v, f);
		}
		putc('\n', f);
	}
	fflush(f);
}

int main(int argc, char **argv)
{
	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: gen contracts|itcont SAMPLE ROWS [SEED] > OUT\n");
		return 2;
	}
	char *end;
	unsigned long long rows = strtoull(argv[3], &end, 10);
	if (*end || rows == 0 || rows > 1000000000ull) {
		fprintf(stderr, "gen: ROWS must be 1..1000000000\n");
		return 2;
	}
	if (argc == 5)
		rng_state ^= strtoull(argv[4], NULL, 10) * 0x9E3779B97F4A7C15ull + 1;
	if (!strcmp(argv[1], "contracts"))
		gen_contracts(argv[2], rows);
	else if (!strcmp(argv[1], "itcont"))
		gen_itcont(argv[2], rows);
	else {
		fprintf(stderr, "gen: unknown kind %s (contracts or itcont)\n", argv[1]);
		return 2;
	}
	if (ferror(stdout)) {
		fprintf(stderr, "gen: write error\n");
		return 1;
	}
	return 0;
}
