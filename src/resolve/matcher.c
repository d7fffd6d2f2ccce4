/* The generic record matcher: records of a few typed fields go in, clusters
 * come out. This file keeps the records (normalized once, when added),
 * compares two of them field by field into a level pattern, turns levels
 * into Fellegi-Sunter weights with the term-frequency adjustment, and runs
 * the stages (block.c, em.c, cluster.c) in order. */
#include "resolve/resolveInt.h"
#include "util/err.h"
#include "util/timing.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_RECORDS ((int64_t)1 << 31)
#define ARENA_LIMIT ((size_t)8 << 30)

/* ---- growable arrays ---- */

int bh_vec_grow(bh_vec *v, size_t n)
{
	if (n <= v->cap)
		return 0;
	size_t cap = v->cap ? v->cap : 64;
	while (cap < n)
		cap *= 2;
	if (v->limit && cap > v->limit)
		cap = v->limit;
	if (cap < n)
		return bh_error_set(BH_ETOOBIG, "matcher: more than %zu items", v->limit);
	void *p = realloc(v->p, cap * v->size);
	if (!p)
		return bh_error_set(BH_ENOMEM, "matcher: out of memory (%zu items)", cap);
	v->p = p;
	v->cap = cap;
	return 0;
}

int bh_vec_push(bh_vec *v, const void *item)
{
	int rc = bh_vec_grow(v, v->n + 1);
	if (rc < 0)
		return rc;
	memcpy((char *)v->p + v->n * v->size, item, v->size);
	v->n++;
	return 0;
}

void bh_vec_free(bh_vec *v)
{
	free(v->p);
	v->p = NULL;
	v->n = v->cap = 0;
}

static void vec_init(bh_vec *v, size_t size, size_t limit)
{
	memset(v, 0, sizeof *v);
	v->size = size;
	v->limit = limit;
}

static double clock_secs(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double now(void)
{
	return clock_secs(CLOCK_MONOTONIC);
}

/* ---- construction ---- */

void bh_match_opts_default(bh_match_opts *o)
{
	memset(o, 0, sizeof *o);
	o->threshold = 0.5;
	o->strong = 0.99;
	o->block_cap = 500;
	o->window = 8;
	o->em_iters = 25;
	o->u_samples = 200000;
	o->em_u = 1;
	o->seed = 0x9E3779B97F4A7C15ULL;
}

int bh_matcher_new(bh_matcher **out, const bh_field_spec *fields, int nfields,
		   const bh_match_opts *opts)
{
	bh_matcher *m = NULL;
	*out = NULL;
	if (nfields < 1 || nfields > BH_MATCH_MAXFIELDS)
		return bh_error_set(BH_EUSAGE, "matcher: %d fields (1 to %d)", nfields,
				    BH_MATCH_MAXFIELDS);
	if (!(m = calloc(1, sizeof *m)))
		return bh_error_set(BH_ENOMEM, "matcher: out of memory");
	memcpy(m->fields, fields, (size_t)nfields * sizeof *fields);
	m->nf = nfields;
	if (opts)
		m->o = *opts;
	else
		bh_match_opts_default(&m->o);
	vec_init(&m->vals, sizeof(bh_fval), (size_t)UINT32_MAX);
	vec_init(&m->vuse, sizeof(uint32_t), (size_t)UINT32_MAX);
	vec_init(&m->rv, sizeof(uint32_t), (size_t)MAX_RECORDS * (size_t)nfields);
	vec_init(&m->src, sizeof(int32_t), (size_t)MAX_RECORDS);
	vec_init(&m->group, sizeof(int64_t), (size_t)MAX_RECORDS);
	vec_init(&m->arena, 1, ARENA_LIMIT);
	vec_init(&m->toks, sizeof(uint32_t), (size_t)1 << 32);
	vec_init(&m->tok_str, sizeof(const char *), (size_t)1 << 31);
	vec_init(&m->tok_len, sizeof(uint16_t), (size_t)1 << 31);
	vec_init(&m->tok_df, sizeof(uint32_t), (size_t)1 << 31);
	vec_init(&m->tok_meta, sizeof(bh_tokmeta), (size_t)1 << 31);
	vec_init(&m->pairs, sizeof(uint64_t), (size_t)3 << 30);
	vec_init(&m->codes, sizeof(uint64_t), (size_t)3 << 30);
	vec_init(&m->edges, sizeof(bh_edge), (size_t)3 << 30);
	vec_init(&m->near, sizeof(bh_edge), (size_t)3 << 30);
	vec_init(&m->uf, sizeof(int64_t), (size_t)MAX_RECORDS);
	m->rng = m->o.seed ? m->o.seed : 1;
	bh_fval missing;
	uint32_t zero = 0;
	memset(&missing, 0, sizeof missing);
	if (bh_vec_push(&m->vals, &missing) < 0 || bh_vec_push(&m->vuse, &zero) < 0) {
		bh_matcher_free(m);
		return BH_ENOMEM;
	}
	*out = m;
	return 0;
}

void bh_matcher_free(bh_matcher *m)
{
	if (!m)
		return;
	bh_vec *all[] = {&m->vals, &m->vuse, &m->rv, &m->src, &m->group, &m->arena, &m->toks, &m->tok_str,
			 &m->tok_len, &m->tok_df, &m->tok_meta, &m->pairs, &m->codes, &m->edges, &m->near, &m->uf};
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		bh_vec_free(all[i]);
	bh_map_free(&m->tokmap);
	bh_map_free(&m->freqmap);
	bh_map_free(&m->intern);
	free(m);
}

uint64_t bh_match_next_rand(bh_matcher *m)
{
	uint64_t x = m->rng;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return m->rng = x;
}

void bh_matcher_set_first_new(bh_matcher *m, int64_t first)
{
	m->first_new = first;
}

/* ---- adding records ---- */

static int arena_put(bh_matcher *m, uint32_t *off, const char *s, size_t n)
{
	int rc = bh_vec_grow(&m->arena, m->arena.n + n + 1);
	if (rc < 0)
		return rc;
	if (m->arena.n > UINT32_MAX - n - 1)
		return bh_error_set(BH_ETOOBIG, "matcher: more than 4 GiB of names");
	*off = (uint32_t)m->arena.n;
	memcpy((char *)m->arena.p + m->arena.n, s, n);
	((char *)m->arena.p)[m->arena.n + n] = '\0';
	m->arena.n += n + 1;
	return 0;
}

static int add_token(bh_matcher *m, int f, const char *t, size_t n)
{
	char key[BH_NORM_MAX + 2];
	int64_t *id;
	const char *kcopy;
	int rc;
	key[0] = (char)('A' + f);
	memcpy(key + 1, t, n);
	if ((rc = bh_map_put(&id, &kcopy, &m->tokmap, key, n + 1)) < 0)
		return bh_error_set(rc, "matcher: out of memory");
	if (rc == 1) {
		const char *str = kcopy + 1;
		uint16_t len = (uint16_t)n;
		uint32_t zero = 0;
		*id = (int64_t)m->tok_str.n;
		if ((rc = bh_vec_push(&m->tok_str, &str)) < 0 || (rc = bh_vec_push(&m->tok_len, &len)) < 0 ||
		    (rc = bh_vec_push(&m->tok_df, &zero)) < 0)
			return rc;
	}
	uint32_t tid = (uint32_t)*id;
	return bh_vec_push(&m->toks, &tid);
}

/* Tokens of a space-separated text, each once. */
static int add_tokens(bh_matcher *m, bh_fval *v, int f, const char *s, size_t n)
{
	int rc;
	v->tok = (uint32_t)m->toks.n;
	for (size_t i = 0; i < n && v->ntok < 255;) {
		size_t j = i;
		while (j < n && s[j] != ' ')
			j++;
		if (j > i) {
			int dup = 0;
			for (size_t k = v->tok; k < m->toks.n && !dup; k++) {
				uint32_t t = BH_VEC_AT(m->toks, uint32_t, k);
				dup = BH_VEC_AT(m->tok_len, uint16_t, t) == j - i &&
				      memcmp(BH_VEC_AT(m->tok_str, const char *, t), s + i, j - i) == 0;
			}
			if (!dup) {
				if ((rc = add_token(m, f, s + i, j - i)) < 0)
					return rc;
				v->ntok++;
			}
		}
		i = j + 1;
	}
	return 0;
}

static int add_field(bh_matcher *m, bh_fval *v, int f, const char *s, size_t n)
{
	char buf[BH_NORM_MAX * 2 + 8];
	size_t len;
	int rc;
	memset(v, 0, sizeof *v);
	v->field = (uint8_t)f;
	if (!s || n == 0)
		return 0;
	switch (m->fields[f].cmp) {
	case BH_CMP_ORG: {
		bh_orgname on;
		bh_norm_org(&on, s, n);
		len = strlen(on.text);
		memcpy(buf, on.text, len + 1);
		v->legal = (uint8_t)on.legal;
		v->digits = (uint8_t)on.has_digits;
		v->alen = (uint8_t)strlen(on.acronym);
		if (v->alen && (rc = arena_put(m, &v->aoff, on.acronym, v->alen)) < 0)
			return rc;
		break;
	}
	case BH_CMP_PERSON: {
		bh_person p;
		if (bh_person_parse(&p, s, n) < 0)
			return 0;
		len = (size_t)snprintf(buf, sizeof buf, "%s|%s|%s|%s", p.last, p.first, p.middle,
				       p.suffix);
		v->plen[0] = (uint8_t)strlen(p.last); /* each part < 64 bytes */
		v->plen[1] = (uint8_t)strlen(p.first);
		v->plen[2] = (uint8_t)strlen(p.middle);
		v->plen[3] = (uint8_t)strlen(p.suffix);
		v->pcanon = (uint32_t)bh_hash_bytes(bh_nickname_canon(p.first),
						    strlen(bh_nickname_canon(p.first)));
		break;
	}
	default:
		len = bh_norm_fold(buf, sizeof buf < BH_NORM_MAX + 1 ? sizeof buf : BH_NORM_MAX + 1, s, n);
		break;
	}
	if (len == 0)
		return 0;
	if ((rc = arena_put(m, &v->off, buf, len)) < 0)
		return rc;
	v->len = (uint16_t)len;
	uint32_t h = 2166136261u;
	for (size_t k = 0; k < len; k++)
		if (buf[k] != ' ')
			h = (h ^ (unsigned char)buf[k]) * 16777619u;
	v->chash = h;
	if (m->fields[f].cmp == BH_CMP_ORG || m->fields[f].cmp == BH_CMP_TOKENS ||
	    (m->fields[f].block & (BH_BLK_TOKENS | BH_BLK_SORTED))) {
		if ((rc = add_tokens(m, v, f, buf, len)) < 0)
			return rc;
	}
	return 0;
}

/* Texts longer than this are not interned: a hostile file's long names
 * would fill the map with copies, and are rarely repeated. */
#define INTERN_MAX 512

/* The value id of field f's text s (n bytes), made and normalized when
 * new; the record that holds it counts in the value's uses, its tokens'
 * document frequencies and the field's records present. */
static int64_t field_value(bh_matcher *m, int f, const char *s, size_t n)
{
	char key[INTERN_MAX + 2];
	int64_t *id = NULL;
	int rc = 0;
	if (!s || n == 0)
		return 0;
	if (n <= INTERN_MAX) {
		key[0] = (char)('A' + f);
		memcpy(key + 1, s, n);
		if ((rc = bh_map_put(&id, NULL, &m->intern, key, n + 1)) < 0)
			return bh_error_set(rc, "matcher: out of memory");
	}
	if (!id || rc == 1) {
		bh_fval v;
		uint32_t zero = 0;
		if ((rc = add_field(m, &v, f, s, n)) < 0)
			return rc;
		int64_t vid = v.len ? (int64_t)m->vals.n : 0;
		if (v.len && ((rc = bh_vec_push(&m->vals, &v)) < 0 || (rc = bh_vec_push(&m->vuse, &zero)) < 0))
			return rc;
		if (id)
			*id = vid;
		if (!vid)
			return 0;
	}
	int64_t vid = id ? *id : (int64_t)m->vals.n - 1;
	if (!vid)
		return 0;
	const bh_fval *v = &BH_VEC_AT(m->vals, bh_fval, vid);
	const uint32_t *tk = &BH_VEC_AT(m->toks, uint32_t, v->tok);
	for (int k = 0; k < v->ntok; k++)
		BH_VEC_AT(m->tok_df, uint32_t, tk[k])++;
	BH_VEC_AT(m->vuse, uint32_t, vid)++;
	m->nonmissing[f]++;
	return vid;
}

int64_t bh_matcher_add(bh_matcher *m, int source, int64_t group, const char *const *vals,
		       const size_t *lens)
{
	int rc;
	int32_t s32 = source;
	if ((rc = bh_vec_grow(&m->rv, (size_t)(m->nrec + 1) * (size_t)m->nf)) < 0 ||
	    (rc = bh_vec_push(&m->src, &s32)) < 0 || (rc = bh_vec_push(&m->group, &group)) < 0)
		return rc;
	for (int f = 0; f < m->nf; f++) {
		int64_t vid = field_value(m, f, vals[f], vals[f] ? lens[f] : 0);
		if (vid < 0)
			return vid;
		BH_VEC_AT(m->rv, uint32_t, (size_t)m->nrec * (size_t)m->nf + (size_t)f) = (uint32_t)vid;
	}
	m->rv.n += (size_t)m->nf;
	return m->nrec++;
}

#define TEXT(m, v) ((const char *)(m)->arena.p + (v)->off)

/* Fills the per-value frequencies and token weights once all are added,
 * from the counts of the records added, or from fq when not NULL. */
static int finish_features(bh_matcher *m, const bh_match_freqs *fq)
{
	int rc = bh_vec_grow(&m->tok_meta, m->tok_df.n);
	if (rc < 0)
		return rc;
	if (fq)
		memcpy(m->nonmissing, fq->nonmissing, sizeof m->nonmissing);
	for (size_t t = 0; t < m->tok_df.n; t++) {
		const char *str = BH_VEC_AT(m->tok_str, const char *, t);
		int f = str[-1] - 'A';
		if (fq) {
			int64_t df = fq->token_df(f, str, BH_VEC_AT(m->tok_len, uint16_t, t), fq->payload);
			BH_VEC_AT(m->tok_df, uint32_t, t) = df > 1 ? (uint32_t)df : 1u;
		}
		double n = (double)(m->nonmissing[f] > 0 ? m->nonmissing[f] : 1);
		/* squared IDF: a shared rare word outweighs several common ones
		 * ("corporation of america" does not make two companies one) */
		double idf = log((n + 1.0) / ((double)BH_VEC_AT(m->tok_df, uint32_t, t) + 0.5));
		if (idf < 0.2)
			idf = 0.2;
		bh_tokmeta *tm = &BH_VEC_AT(m->tok_meta, bh_tokmeta, t);
		tm->w = (float)(idf * idf);
		tm->len = BH_VEC_AT(m->tok_len, uint16_t, t);
		tm->c[0] = str[0];
		tm->c[1] = tm->len > 1 ? str[1] : '\0';
	}
	m->tok_meta.n = m->tok_df.n;
	const bh_tokmeta *meta = m->tok_meta.p;
	/* the texts as given are no longer needed: only values are compared */
	bh_map_free(&m->intern);
	memset(&m->intern, 0, sizeof m->intern);
	for (size_t x = 1; x < m->vals.n; x++) {
		bh_fval *v = &BH_VEC_AT(m->vals, bh_fval, x);
		const uint32_t *tk = &BH_VEC_AT(m->toks, uint32_t, v->tok);
		double tw = 0;
		if (m->fields[v->field].cmp == BH_CMP_PERSON)
			continue; /* no tokens; the filters' place holds its parts */
		v->lead0 = v->lead1 = 0;
		v->tokbits = 0;
		for (int k = 0; k < v->ntok; k++) {
			tw += meta[tk[k]].w;
			v->tokbits |= BH_TOKBIT(tk[k]);
			if (meta[tk[k]].len >= 3) {
				v->lead0 |= 1u << (meta[tk[k]].c[0] & 31);
				v->lead1 |= 1u << (meta[tk[k]].c[1] & 31);
			}
		}
		v->tw = (float)tw;
	}
	/* a value's frequency: the records whose field has its text, over
	 * every value of that text (texts given apart, "Acme, Inc." and
	 * "ACME INC", are one text normalized) */
	char key[BH_NORM_MAX * 2 + 8];
	if (!fq)
		bh_map_clear(&m->freqmap);
	for (int pass = fq ? 1 : 0; pass < 2; pass++)
		for (size_t x = 1; x < m->vals.n; x++) {
			bh_fval *v = &BH_VEC_AT(m->vals, bh_fval, x);
			int64_t *cnt;
			if (!m->fields[v->field].tf)
				continue;
			if (fq) {
				int64_t n = fq->value_freq(v->field, TEXT(m, v), v->len, fq->payload);
				v->freq = n > 1 ? (uint32_t)n : 1u;
				continue;
			}
			memcpy(key, TEXT(m, v), v->len);
			key[v->len] = (char)('A' + v->field); /* key: text then field byte */
			if (pass == 0) {
				if ((rc = bh_map_put(&cnt, NULL, &m->freqmap, key, v->len + 1u)) < 0)
					return bh_error_set(rc, "matcher: out of memory");
				*cnt += BH_VEC_AT(m->vuse, uint32_t, x);
			} else {
				v->freq = bh_map_get(&cnt, &m->freqmap, key, v->len + 1u) ? (uint32_t)*cnt : 1;
			}
		}
	return 0;
}

typedef struct {
	int (*fn)(int f, int kind, const char *text, size_t n, int64_t count, void *payload);
	void *payload;
} freq_walk;

static int each_value_freq(const char *key, size_t n, int64_t *value, void *payload)
{
	freq_walk *fw = payload;
	char text[BH_NORM_MAX * 2 + 8];
	if (*value < 2 || n < 1 || n > sizeof text)
		return 0;
	memcpy(text, key, n - 1); /* key: text then field byte */
	text[n - 1] = '\0';
	return fw->fn(key[n - 1] - 'A', 2, text, n - 1, *value, fw->payload);
}

int bh_matcher_each_freq(bh_matcher *m,
			 int (*fn)(int f, int kind, const char *text, size_t n, int64_t count,
				   void *payload),
			 void *payload)
{
	int rc;
	freq_walk fw = {fn, payload};
	for (int f = 0; f < m->nf; f++)
		if ((rc = fn(f, 0, "", 0, m->nonmissing[f], payload)) != 0)
			return rc;
	for (size_t t = 0; t < m->tok_df.n; t++) {
		const char *str = BH_VEC_AT(m->tok_str, const char *, t);
		uint32_t df = BH_VEC_AT(m->tok_df, uint32_t, t);
		if (df >= 2 && (rc = fn(str[-1] - 'A', 1, str, BH_VEC_AT(m->tok_len, uint16_t, t), df,
					payload)) != 0)
			return rc;
	}
	return bh_map_each(&m->freqmap, each_value_freq, &fw);
}

/* ---- comparison ---- */

/* Whether two different first names are one by nickname (their canonical
 * hashes already agree: this settles a collision). */
static int nick_equal(const char *a, size_t na, const char *b, size_t nb)
{
	char x[32], y[32];
	snprintf(x, sizeof x, "%.*s", (int)na, a);
	snprintf(y, sizeof y, "%.*s", (int)nb, b);
	return strcmp(bh_nickname_canon(x), bh_nickname_canon(y)) == 0;
}

/* Two parsed person names (see bh_fval): last names equal or close by
 * Jaro-Winkler, first names equal, one a nickname of the other, an
 * initial of the other or close; suffixes and middle initials that
 * disagree count against. */
static int level_person(const bh_fval *a, const char *sa, const bh_fval *b, const char *sb)
{
	size_t la = a->plen[0], lb = b->plen[0];
	size_t fa = a->plen[1], fb = b->plen[1];
	const char *pa1 = sa + la + 1, *pb1 = sb + lb + 1; /* first names */
	const char *pa2 = pa1 + fa + 1, *pb2 = pb1 + fb + 1; /* middle */
	const char *pa3 = pa2 + a->plen[2] + 1, *pb3 = pb2 + b->plen[2] + 1; /* suffix */
	int lastq = la == lb && memcmp(sa, sb, la) == 0 ? 2
		    : bh_jaro_winkler(sa, la, sb, lb) >= 0.92 ? 1 : 0;
	int firstq; /* as bh_person_first_agree */
	if (!fa || !fb)
		firstq = 0;
	else if (fa == fb && memcmp(pa1, pb1, fa) == 0)
		firstq = 4;
	else if (a->pcanon == b->pcanon && nick_equal(pa1, fa, pb1, fb))
		firstq = 3;
	else if ((fa == 1 || fb == 1) && pa1[0] == pb1[0])
		firstq = 2;
	else
		firstq = bh_jaro_winkler(pa1, fa, pb1, fb) >= 0.9 ? 1 : 0;
	int sfx_conflict = a->plen[3] && b->plen[3] &&
			   (a->plen[3] != b->plen[3] || memcmp(pa3, pb3, a->plen[3]) != 0);
	int lvl;
	if (lastq == 2 && firstq == 4)
		lvl = BH_LVL_EXACT;
	else if (lastq >= 1 && firstq >= 2)
		lvl = BH_LVL_CLOSE;
	else if (lastq >= 1 && (firstq >= 1 || !fa || !fb))
		lvl = BH_LVL_WEAK;
	else
		lvl = BH_LVL_FAR;
	/* different suffixes (father and son) or middle initials: two people
	 * unless the rest says otherwise, two levels down */
	int mid_conflict = a->plen[2] && b->plen[2] && pa2[0] != pb2[0];
	if (sfx_conflict || mid_conflict)
		lvl = lvl - 2 > BH_LVL_FAR ? lvl - 2 : BH_LVL_FAR;
	return lvl;
}

static int eq_compact(const char *a, size_t na, const char *b, size_t nb)
{
	size_t i = 0, j = 0;
	for (;;) {
		while (i < na && a[i] == ' ')
			i++;
		while (j < nb && b[j] == ' ')
			j++;
		if (i == na || j == nb)
			return i == na && j == nb;
		if (a[i++] != b[j++])
			return 0;
	}
}

/* An abbreviation of a word: 4+ letters, the same first letter, every
 * letter found in order in the longer word ("intl" international, "assn"
 * association, "svcs" services, "dept" department). */
static int abbreviates(const char *x, size_t lx, const char *y, size_t ly)
{
	if (lx < 4 || ly < lx + 2 || x[0] != y[0])
		return 0;
	size_t j = 1;
	for (size_t i = 1; i < lx; i++) {
		while (j < ly && y[j] != x[i])
			j++;
		if (j == ly)
			return 0;
		j++;
	}
	return 1;
}

/* How two names' words pair up: the IDF-weighted Dice overlap, whether
 * their numbers agree, and whether each side keeps a word of its own that
 * the other lacks (a conflict: "CORNELL UNIVERSITY" / "CORNELL
 * COMPANIES", "TRUMP MARKS DUBAI" / "TRUMP MARKS MUMBAI" name two
 * things, where "GEO GROUP" / "GEO GROUP INTERNATIONAL" may name one). */
typedef struct {
	double sim;
	int digits_ok;
	int conflict;
	/* a one-word name meets the other only in a near word, and the other
	 * keeps words of its own: "EMERGENT" / "EMERGENCY MEDICAL SERVICES"
	 * would be a misspelt name with words added, two departures from one
	 * name where a match has one */
	int near_only;
} tok_cmp;

/* A word of one side counts as its own when it weighs at least this share
 * of that side's words (a stray "of" is no conflict). */
#define CONFLICT_SHARE 0.1

/* A token without an equal partner may match a close one (Jaro-Winkler
 * >= .92, 4+ bytes) or one it abbreviates. The fuzzy pass runs only when
 * it could change the level in [lo, hi) or settle a conflict: below lo
 * even if every unmatched token found a partner, the level is far
 * whatever the conflict. */
static void token_sim(tok_cmp *out, const bh_matcher *m, const bh_fval *a, const bh_fval *b,
		      double lo, double hi, int abbrev)
{
	const uint32_t *ta = &BH_VEC_AT(m->toks, uint32_t, a->tok);
	const uint32_t *tb = &BH_VEC_AT(m->toks, uint32_t, b->tok);
	const bh_tokmeta *meta = m->tok_meta.p;
	double wa = a->tw, wb = b->tw, common = 0, open = 0;
	uint64_t used = 0, unmatched = 0, alone = 0;
	out->digits_ok = a->digits == b->digits;
	out->conflict = out->near_only = 0;
	for (int x = 0; x < a->ntok; x++) {
		int hit = -1;
		if (b->tokbits & BH_TOKBIT(ta[x]))
			for (int y = 0; y < b->ntok && hit < 0; y++)
				if (ta[x] == tb[y])
					hit = y;
		const bh_tokmeta mx = meta[ta[x]];
		if (hit >= 0) {
			common += mx.w;
			if (hit < 64)
				used |= (uint64_t)1 << hit;
			continue;
		}
		if (x < 64)
			alone |= (uint64_t)1 << x;
		if (mx.len > 0 && mx.c[0] >= '0' && mx.c[0] <= '9')
			out->digits_ok = 0; /* a number without its equal: numbers must agree */
		else if (mx.len >= 3 && x < 64) {
			/* a partner at Jaro-Winkler >= .92 or one edit away shares
			 * the first or the second letter (checked before any
			 * Jaro-Winkler is run); an abbreviation shares the first */
			if ((b->lead0 >> (mx.c[0] & 31) & 1) || (b->lead1 >> (mx.c[1] & 31) & 1)) {
				unmatched |= (uint64_t)1 << x;
				open += mx.w;
			}
		}
	}
	double tot = wa + wb, exact = common; /* the weight of the words shared as spelled */
	out->sim = 0.0;
	if (tot <= 0)
		return;
	out->sim = 2.0 * common / tot;
	/* b's words without an equal partner */
	uint64_t bmask = b->ntok >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << b->ntok) - 1;
	int may_conflict = alone && (bmask & ~used);
	if (2.0 * (common + open) / tot < lo)
		return;
	if (!may_conflict && (!unmatched || out->sim >= hi))
		return;
	for (int x = 0; x < a->ntok && x < 64; x++) {
		if (!(unmatched & ((uint64_t)1 << x)))
			continue;
		const char *sx = BH_VEC_AT(m->tok_str, const char *, ta[x]);
		size_t lx = BH_VEC_AT(m->tok_len, uint16_t, ta[x]);
		double best = 0.0;
		int by = -1, abbr_y = -1;
		for (int y = 0; y < b->ntok && y < 64; y++) {
			if (used & ((uint64_t)1 << y))
				continue;
			const bh_tokmeta my = meta[tb[y]];
			size_t ly = my.len;
			if (ly < 3 || (my.c[0] != sx[0] && my.c[1] != sx[1]))
				continue;
			const char *sy = BH_VEC_AT(m->tok_str, const char *, tb[y]);
			/* a typo is at most one edit in 6 or 7 letters, two from 8:
			 * VISTEON / VISTO, VISTA / VISTO are two words */
			size_t lmin = lx < ly ? lx : ly;
			int edits = lmin >= 8 ? 2 : lmin >= 6 ? 1 : 0;
			int one = bh_levenshtein_within(sx, lx, sy, ly, 1);
			double jw = 0.0;
			if (edits == 1 && one)
				jw = bh_jaro_winkler(sx, lx, sy, ly);
			else if (edits == 2 && (jw = bh_jaro_winkler(sx, lx, sy, ly)) >= 0.92 && !one &&
				 !bh_levenshtein_within(sx, lx, sy, ly, 2))
				jw = 0.0; /* the costlier check last: few pairs get here */
			if (jw >= 0.92 && jw > best) {
				best = jw;
				by = y;
			}
			if (abbrev && by < 0 && abbr_y < 0 &&
			    (one || abbreviates(sx, lx, sy, ly) || abbreviates(sy, ly, sx, lx)))
				abbr_y = y;
		}
		if (best >= 0.92) {
			used |= (uint64_t)1 << by;
			alone &= ~((uint64_t)1 << x);
			common += (meta[ta[x]].w < meta[tb[by]].w ? meta[ta[x]].w : meta[tb[by]].w) * best;
		} else if (abbr_y >= 0) {
			/* "ASSN" / "ASSOCIATION", a typo in a short word ("ACME" /
			 * "ACNE"): no word of its own, but no evidence of sameness
			 * either ("AVIS" / "AVISTA", "VISTA" / "VISTO") */
			used |= (uint64_t)1 << abbr_y;
			alone &= ~((uint64_t)1 << x);
		}
	}
	out->sim = 2.0 * common / tot;
	double oa = 0, ob = 0;
	for (int x = 0; x < a->ntok && x < 64; x++)
		if (alone & ((uint64_t)1 << x))
			oa += meta[ta[x]].w;
	for (int y = 0; y < b->ntok && y < 64; y++)
		if (!(used & ((uint64_t)1 << y)))
			ob += meta[tb[y]].w;
	out->conflict = oa >= CONFLICT_SHARE * wa && ob >= CONFLICT_SHARE * wb && oa > 0 && ob > 0;
	out->near_only = exact <= 0 && out->sim > 0 && ((a->ntok == 1 && ob > 0) || (b->ntok == 1 && oa > 0));
}

static int level_of(const bh_matcher *m, int f, const bh_fval *a, const bh_fval *b,
		    const bh_fval *bcross)
{
	const char *sa = TEXT(m, a), *sb = TEXT(m, b);
	int eq = a == b || (a->len == b->len && memcmp(sa, sb, a->len) == 0); /* one value id: one text */
	tok_cmp tc;
	double s;
	switch (m->fields[f].cmp) {
	case BH_CMP_EXACT:
		return eq ? BH_LVL_EXACT : BH_LVL_FAR;
	case BH_CMP_STRING:
		if (eq)
			return BH_LVL_EXACT;
		if (bcross && bcross->len == a->len && memcmp(sa, TEXT(m, bcross), a->len) == 0)
			return BH_LVL_CLOSE;
		s = bh_jaro_winkler(sa, a->len, sb, b->len);
		return s >= 0.92 ? BH_LVL_CLOSE : s >= 0.80 ? BH_LVL_WEAK : BH_LVL_FAR;
	case BH_CMP_NUMBER: {
		if (eq)
			return BH_LVL_EXACT;
		int d = bh_levenshtein(sa, a->len, sb, b->len);
		return d == 1 ? BH_LVL_CLOSE : d == 2 ? BH_LVL_WEAK : BH_LVL_FAR;
	}
	case BH_CMP_TOKENS:
		if (eq || (a->chash == b->chash && eq_compact(sa, a->len, sb, b->len)))
			return BH_LVL_EXACT;
		token_sim(&tc, m, a, b, 0.5, 0.8, 0);
		s = tc.sim;
		return s >= 0.8 ? BH_LVL_CLOSE : s >= 0.5 ? BH_LVL_WEAK : BH_LVL_FAR;
	case BH_CMP_ORG:
		if (eq || (a->chash == b->chash && eq_compact(sa, a->len, sb, b->len)))
			return a->legal && b->legal && a->legal != b->legal ? BH_LVL_CLOSE : BH_LVL_EXACT;
		token_sim(&tc, m, a, b, 0.6, 0.85, 1);
		s = tc.sim;
		if (!tc.digits_ok)
			return BH_LVL_FAR;
		/* each name keeps a word of its own: two things, siblings at
		 * best, however much else they share */
		if (tc.conflict)
			return BH_LVL_FAR;
		if (s >= 0.85 && !tc.near_only)
			return BH_LVL_CLOSE;
		if (s >= 0.6 && !tc.near_only)
			return BH_LVL_WEAK;
		/* "AWS" against "Amazon Web Services" */
		if ((a->alen && a->alen == b->len && memcmp(TEXT(m, b), (char *)m->arena.p + a->aoff, a->alen) == 0) ||
		    (b->alen && b->alen == a->len && memcmp(sa, (char *)m->arena.p + b->aoff, b->alen) == 0))
			return BH_LVL_WEAK;
		return BH_LVL_FAR;
	case BH_CMP_PERSON:
		return eq ? BH_LVL_EXACT : level_person(a, sa, b, sb);
	}
	return BH_LVL_FAR;
}

/* ra, rb: the value ids of the two records' fields */
static int field_level(const bh_matcher *m, const uint32_t *ra, const uint32_t *rb, int f)
{
	const bh_fval *V = m->vals.p;
	if (!ra[f] || !rb[f])
		return BH_LVL_MISSING;
	int c = m->fields[f].cross - 1;
	const bh_fval *bc = c >= 0 && c < m->nf && c != f && rb[c] ? &V[rb[c]] : NULL;
	return level_of(m, f, &V[ra[f]], &V[rb[f]], bc);
}

static const uint32_t *record_values(const bh_matcher *m, int64_t i)
{
	return &BH_VEC_AT(m->rv, uint32_t, (size_t)i * (size_t)m->nf);
}

uint64_t bh_match_code(const bh_matcher *m, int64_t i, int64_t j)
{
	uint64_t code = 0;
	const uint32_t *ra = record_values(m, i), *rb = record_values(m, j);
	for (int f = 0; f < m->nf; f++)
		code |= (uint64_t)field_level(m, ra, rb, f) << (3 * f);
	return code;
}

uint64_t bh_match_code_gated(const bh_matcher *m, int64_t i, int64_t j)
{
	uint64_t code = 0;
	const uint32_t *ra = record_values(m, i), *rb = record_values(m, j);
	for (int f = 0; f < m->nf; f++) {
		if (!m->fields[f].need)
			continue;
		int l = field_level(m, ra, rb, f);
		if (l != BH_LVL_MISSING && l < m->fields[f].need)
			return BH_CODE_GATED;
		code |= (uint64_t)l << (3 * f);
	}
	for (int f = 0; f < m->nf; f++)
		if (!m->fields[f].need)
			code |= (uint64_t)field_level(m, ra, rb, f) << (3 * f);
	return code;
}

int bh_match_gate_ok(const bh_matcher *m, uint64_t code)
{
	for (int f = 0; f < m->nf; f++) {
		int l = bh_code_level(code, f);
		if (m->fields[f].need && l != BH_LVL_MISSING && l < m->fields[f].need)
			return 0;
	}
	return 1;
}

int bh_code_level(uint64_t code, int f)
{
	return (int)((code >> (3 * f)) & 7);
}

static double field_weight(const bh_matcher *m, int f, int lvl, const bh_fval *a, double *tf_out)
{
	double tf_local = 0, *tf_u = tf_out ? tf_out : &tf_local;
	*tf_u = 0;
	if (lvl == BH_LVL_MISSING)
		return 0.0;
	double u = m->uu[f][lvl];
	if (lvl == BH_LVL_EXACT && m->fields[f].tf && a->freq > 0 && m->nonmissing[f] > 0) {
		/* A shared rare value is stronger evidence than a shared common
		 * one: u scaled by how much likelier this value is to be shared
		 * by chance than the average value (its frequency against the
		 * random-pair u of the level). */
		double t = (double)a->freq / (double)m->nonmissing[f];
		u = m->uu[f][lvl] * t / m->ur[f][lvl];
		if (u > 0.5)
			u = 0.5;
		if (u < 1e-9)
			u = 1e-9;
		*tf_u = u;
	}
	double w = log2(m->mm[f][lvl] / u);
	if (tf_u && *tf_u > 0 && lvl == BH_LVL_EXACT) {
		/* a common name shared exactly is still no weaker evidence than
		 * two names that are nearly equal */
		double wc = log2(m->mm[f][BH_LVL_CLOSE] / m->uu[f][BH_LVL_CLOSE]);
		if (w < wc)
			w = wc;
	}
	return w;
}

double bh_match_pair_weight(const bh_matcher *m, int64_t i, int64_t j, uint64_t code)
{
	double w = log2(m->lambda / (1.0 - m->lambda));
	for (int f = 0; f < m->nf; f++)
		w += field_weight(m, f, bh_code_level(code, f), bh_match_val(m, i, f), NULL);
	return w;
}

void bh_weights_init(const bh_matcher *m, bh_weights *out)
{
	out->base = log2(m->lambda / (1.0 - m->lambda));
	for (int f = 0; f < m->nf; f++) {
		/* a value with no frequency takes field_weight's plain route */
		bh_fval none = {0};
		for (int l = 0; l < BH_NLEVELS; l++)
			out->w[f][l] = field_weight(m, f, l, &none, NULL);
		out->by_value[f] = m->fields[f].tf && m->nonmissing[f] > 0;
	}
}

double bh_match_weight(const bh_matcher *m, const bh_weights *wt, int64_t i, uint64_t code)
{
	double w = wt->base;
	for (int f = 0; f < m->nf; f++) {
		int l = bh_code_level(code, f);
		if (l == BH_LVL_EXACT && wt->by_value[f])
			w += field_weight(m, f, l, bh_match_val(m, i, f), NULL);
		else
			w += wt->w[f][l];
	}
	return w;
}

double bh_matcher_score(const bh_matcher *m, int64_t i, int64_t j)
{
	return bh_match_pair_weight(m, i, j, bh_match_code(m, i, j));
}

/* ---- the run ---- */

int bh_matcher_prepare(bh_matcher *m)
{
	return finish_features(m, NULL);
}

int bh_matcher_prepare_freqs(bh_matcher *m, const bh_match_freqs *fq)
{
	return finish_features(m, fq);
}

int bh_matcher_run(bh_matcher *m)
{
	int rc;
	double t0 = now();
	if ((rc = finish_features(m, NULL)) < 0)
		return rc;
	bh_timing("resolve: block: features (matcher)");
	double t1 = now(), c1 = clock_secs(CLOCK_PROCESS_CPUTIME_ID);
	if ((rc = bh_match_block(m)) < 0)
		return rc;
	m->st.cpu_compare = clock_secs(CLOCK_PROCESS_CPUTIME_ID) - c1;
	m->st.candidates = m->st.compared;
	bh_timing("resolve: block: pairs gathered, sorted (matcher)");
	double t2 = now();
	if (!m->has_model && (rc = bh_match_estimate(m)) < 0)
		return rc;
	double t3 = now();
	bh_timing("resolve: block: EM (matcher)");
	if ((rc = bh_match_cluster(m)) < 0)
		return rc;
	/* scored into edges and near pairs: the candidates are done with */
	bh_vec_free(&m->pairs);
	bh_vec_free(&m->codes);
	double t4 = now();
	bh_timing("resolve: block: cluster (matcher)");
	m->st.records = m->nrec;
	m->st.lambda = m->lambda;
	m->st.secs_block = t1 - t0;
	m->st.secs_compare = t2 - t1;
	m->st.secs_em = t3 - t2;
	m->st.secs_cluster = t4 - t3;
	return 0;
}

void bh_matcher_stats(const bh_matcher *m, bh_match_stats *out)
{
	*out = m->st;
}

double bh_matcher_m(const bh_matcher *m, int f, int l)
{
	return f >= 0 && f < m->nf && l >= 0 && l < BH_NLEVELS ? m->mm[f][l] : 0.0;
}

double bh_matcher_u(const bh_matcher *m, int f, int l)
{
	return f >= 0 && f < m->nf && l >= 0 && l < BH_NLEVELS ? m->uu[f][l] : 0.0;
}

double bh_matcher_urand(const bh_matcher *m, int f, int l)
{
	return f >= 0 && f < m->nf && l >= 0 && l < BH_NLEVELS ? m->ur[f][l] : 0.0;
}

double bh_matcher_lambda(const bh_matcher *m)
{
	return m->lambda;
}

int bh_matcher_set_model(bh_matcher *m, const double *mm, const double *uu, const double *ur,
			 double lambda)
{
	if (!(lambda > 0.0 && lambda < 1.0))
		return bh_error_set(BH_EUSAGE, "matcher: prior %g is not a probability", lambda);
	for (int f = 0; f < m->nf; f++)
		for (int l = 0; l < BH_NLEVELS; l++) {
			m->mm[f][l] = mm[f * BH_NLEVELS + l];
			m->uu[f][l] = uu[f * BH_NLEVELS + l];
			m->ur[f][l] = ur ? ur[f * BH_NLEVELS + l] : m->uu[f][l];
			if (l > 0 && !(m->mm[f][l] > 0 && m->uu[f][l] > 0 && m->ur[f][l] > 0))
				return bh_error_set(BH_EUSAGE, "matcher: field %d level %d: m or u not positive",
						    f, l);
		}
	m->lambda = lambda;
	m->has_model = 1;
	return 0;
}

int64_t bh_matcher_cluster(const bh_matcher *m, int64_t i)
{
	if (i < 0 || i >= m->nrec || m->uf.n < (size_t)m->nrec)
		return i;
	return bh_uf_find(m->uf.p, i);
}

int bh_matcher_each_pair(const bh_matcher *m,
			 int (*fn)(int64_t i, int64_t j, double weight, void *payload), void *payload)
{
	for (size_t k = 0; k < m->edges.n; k++) {
		const bh_edge *e = &BH_VEC_AT(m->edges, bh_edge, k);
		int rc;
		if (e->cut)
			continue;
		if ((rc = fn(e->i, e->j, e->w, payload)) != 0)
			return rc;
	}
	return 0;
}

int bh_matcher_each_near(const bh_matcher *m,
			 int (*fn)(int64_t i, int64_t j, double weight, int cut, void *payload),
			 void *payload)
{
	/* two sorted lists merged, so the caller sees one order */
	size_t a = 0, b = 0;
	for (;;) {
		const bh_edge *e = NULL;
		while (a < m->edges.n && !BH_VEC_AT(m->edges, bh_edge, a).cut)
			a++;
		if (a < m->edges.n)
			e = &BH_VEC_AT(m->edges, bh_edge, a);
		if (b < m->near.n && (!e || BH_VEC_AT(m->near, bh_edge, b).w > e->w))
			e = &BH_VEC_AT(m->near, bh_edge, b++);
		else if (e)
			a++;
		else
			return 0;
		int rc = fn(e->i, e->j, e->w, e->cut, payload);
		if (rc != 0)
			return rc;
	}
}

const char *bh_level_name(int cmp, int level)
{
	static const char *const names[] = {"missing", "different", "somewhat alike", "nearly equal",
					    "equal"};
	if (cmp == BH_CMP_EXACT && level == BH_LVL_FAR)
		return "different";
	return level >= 0 && level < BH_NLEVELS ? names[level] : "?";
}

int bh_matcher_explain(const bh_matcher *m, int64_t i, int64_t j, double *total, double *prob,
		       void (*fn)(const bh_explain_part *part, void *payload), void *payload)
{
	if (i < 0 || j < 0 || i >= m->nrec || j >= m->nrec)
		return bh_error_set(BH_ENOTFOUND, "matcher: no record %lld or %lld", (long long)i,
				    (long long)j);
	if (!m->has_model)
		return bh_error_set(BH_EUSAGE, "matcher: no model yet (run or load one first)");
	uint64_t code = bh_match_code(m, i, j);
	double w = log2(m->lambda / (1.0 - m->lambda));
	for (int f = 0; f < m->nf; f++) {
		bh_explain_part p;
		const bh_fval *a = bh_match_val(m, i, f), *b = bh_match_val(m, j, f);
		p.field = m->fields[f].name;
		p.a = a->len ? TEXT(m, a) : "";
		p.b = b->len ? TEXT(m, b) : "";
		p.level = bh_code_level(code, f);
		p.weight = field_weight(m, f, p.level, a, &p.tf_u);
		w += p.weight;
		if (fn)
			fn(&p, payload);
	}
	*total = w;
	*prob = 1.0 / (1.0 + exp2(-w));
	return 0;
}
