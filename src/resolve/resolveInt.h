/* Internals of the matcher shared by its files (matcher.c: records and
 * comparison; block.c: candidate pairs; em.c: the Fellegi-Sunter model;
 * cluster.c: union of pairs and weak-bridge cutting). Not for other
 * subsystems: they use resolve.h. */
#ifndef BH_RESOLVEINT_H
#define BH_RESOLVEINT_H

#include "resolve/resolve.h"
#include "util/map.h"

#include <stdint.h>

/* One field of one record, normalized. Strings live in the matcher's arena;
 * tokens are ids into its token table. */
typedef struct {
	uint32_t off;  /* normalized text (PERSON: "last|first|middle|suffix") */
	uint16_t len;  /* 0: missing */
	uint8_t ntok;
	uint8_t legal; /* ORG: BH_LEGAL_* */
	uint32_t tok;  /* first token id in m->toks */
	uint32_t freq; /* records (of this field) with the same text */
	uint32_t aoff; /* ORG acronym in the arena */
	uint8_t alen;
	uint8_t digits;
	uint8_t field; /* the field it is a value of */
	uint32_t chash; /* hash of the text without spaces ("l 3" = "l3") */
	float tw;       /* the sum of its tokens' weights (after prepare) */
	union {
		/* Filters that spare reading the other name's tokens: a bit per
		 * token id (BH_TOKBIT), and the first and second letters of its
		 * tokens of 3+ bytes (byte mod 32), the fuzzy prefilter. */
		struct {
			uint32_t tokbits;
			uint32_t lead0, lead1;
		};
		/* PERSON: the name parsed once, when added: the lengths of last,
		 * first, middle and suffix in "last|first|middle|suffix", and a
		 * hash of the formal first name (bh_nickname_canon), so that a
		 * pair needs no parsing and no nickname lookup. */
		struct {
			uint8_t plen[4];
			uint32_t pcanon;
		};
	};
} bh_fval;

#define BH_TOKBIT(t) ((uint32_t)1 << (((uint32_t)(t) * 2654435761u) >> 27))

/* What the comparison needs of a token, in one 8-byte cell so that a pair
 * costs one memory access per token: its weight (squared IDF), length and
 * first two bytes (the fuzzy-match prefilter). The text itself is read
 * only for the few tokens that pass the prefilter. */
typedef struct {
	float w;
	uint16_t len;
	char c[2];
} bh_tokmeta;

/* Growable arrays, each with the matcher's caps. */
typedef struct {
	void *p;
	size_t n, cap, size, limit;
} bh_vec;

struct bh_matcher {
	bh_field_spec fields[BH_MATCH_MAXFIELDS];
	int nf;
	bh_match_opts o;

	/* records: a record's fields are ids of distinct values, since a
	 * value's features depend on its text alone and most texts repeat
	 * (a city, a state, a ZIP, a donor's employer): 4 bytes a field
	 * instead of a bh_fval, and each text normalized once */
	int64_t nrec;
	bh_vec vals;   /* bh_fval per distinct value; value 0: missing */
	bh_vec vuse;   /* uint32 per value: the fields of records holding it */
	bh_vec rv;     /* uint32 value id per record and field [nrec * nf] */
	bh_map intern; /* field byte + text as given -> value id, while adding */
	bh_vec src;    /* int32 per record */
	bh_vec group;  /* int64 per record */
	bh_vec arena;  /* char */
	bh_vec toks;   /* uint32 token ids */
	int64_t first_new;

	/* token table: ids -> string, document frequency per field */
	bh_map tokmap;
	bh_vec tok_str; /* const char * (in tokmap's arena) */
	bh_vec tok_len; /* uint16 */
	bh_vec tok_df;  /* uint32 */
	bh_vec tok_meta; /* bh_tokmeta, filled by prepare */
	bh_map freqmap; /* field byte + text -> count */
	int64_t nonmissing[BH_MATCH_MAXFIELDS];

	/* model */
	double mm[BH_MATCH_MAXFIELDS][BH_NLEVELS];
	double uu[BH_MATCH_MAXFIELDS][BH_NLEVELS]; /* among candidate non-matches */
	double ur[BH_MATCH_MAXFIELDS][BH_NLEVELS]; /* among random pairs */
	double lambda;
	int has_model;

	/* results */
	bh_vec pairs;  /* uint64 (i << 32 | j), candidates */
	bh_vec codes;  /* uint64 level pattern per candidate */
	bh_vec edges;  /* bh_edge, accepted, strongest first */
	bh_vec near;   /* bh_edge, scored in [o.near, threshold), strongest first */
	bh_vec uf;     /* int64 union-find parent */
	bh_match_stats st;
	uint64_t rng;
};

typedef struct {
	uint32_t i, j;
	float prob;
	double w; /* match weight, for ordering (prob saturates at 1) */
	int cut; /* a weak bridge removed by clustering */
	int exact; /* the first field (the name) agrees exactly */
} bh_edge;

/* Record i's field f. */
static inline const bh_fval *bh_match_val(const bh_matcher *m, int64_t i, int f)
{
	uint32_t v = ((const uint32_t *)m->rv.p)[(size_t)i * (size_t)m->nf + (size_t)f];
	return &((const bh_fval *)m->vals.p)[v];
}

/* A value's normalized text (v->len bytes, NUL-terminated). */
static inline const char *bh_matcher_text(const bh_matcher *m, const bh_fval *v)
{
	return (const char *)m->arena.p + v->off;
}

int bh_vec_push(bh_vec *v, const void *item);
int bh_vec_grow(bh_vec *v, size_t n);
void bh_vec_free(bh_vec *v);
#define BH_VEC_AT(v, T, i) (((T *)(v).p)[i])

/* BH_INTROSORT(name, T, before) defines static void name(T *v, size_t n),
 * a sort with the order inlined (before(a, b): a sorts first). qsort
 * (glibc's merge sort) spent half of the unions calling the comparison
 * through a pointer and moving each 32-byte item with memmove, on a copy
 * of the array (17.7M review pairs on the 10M-row store). An introsort: quicksort, insertion sort on
 * short runs, heapsort past a depth (no quadratic input). Not stable: for
 * orders in which items that compare equal are equal. */
#define BH_INTROSORT(name, T, before)                                                    \
	static void name##_heap(T *v, size_t n)                                 \
	{                                                                           \
		for (size_t k = n / 2; k-- > 0;) {                                   \
			for (size_t r = k, c; (c = 2 * r + 1) < n; r = c) {         \
				if (c + 1 < n && before(&v[c], &v[c + 1]))           \
					c++;                                        \
				if (!before(&v[r], &v[c]))                          \
					break;                                      \
				T t = v[r];                                     \
				v[r] = v[c];                                        \
				v[c] = t;                                           \
			}                                                           \
		}                                                                   \
		for (size_t e = n; e-- > 1;) {                                      \
			T t = v[0];                                             \
			v[0] = v[e];                                                \
			v[e] = t;                                                   \
			for (size_t r = 0, c; (c = 2 * r + 1) < e; r = c) {         \
				if (c + 1 < e && before(&v[c], &v[c + 1]))           \
					c++;                                        \
				if (!before(&v[r], &v[c]))                          \
					break;                                      \
				t = v[r];                                           \
				v[r] = v[c];                                        \
				v[c] = t;                                           \
			}                                                           \
		}                                                                   \
	}                                                                           \
	static void name##_rec(T *v, size_t n, int depth)                       \
	{                                                                           \
		while (n > 16) {                                                    \
			if (depth-- == 0) {                                         \
				name##_heap(v, n);                                  \
				return;                                             \
			}                                                           \
			T p = v[n / 2], t;                                      \
			size_t i = 0, j = n - 1;                                    \
			for (;; i++, j--) {                                         \
				while (before(&v[i], &p))                           \
					i++;                                        \
				while (before(&p, &v[j]))                           \
					j--;                                        \
				if (i >= j)                                         \
					break;                                      \
				t = v[i];                                           \
				v[i] = v[j];                                        \
				v[j] = t;                                           \
			}                                                           \
			/* [0, j] before or equal to p, [j + 1, n) after or equal */ \
			size_t left = j + 1;                                        \
			if (left < n - left) {                                      \
				name##_rec(v, left, depth);                         \
				v += left;                                          \
				n -= left;                                          \
			} else {                                                    \
				name##_rec(v + left, n - left, depth);              \
				n = left;                                           \
			}                                                           \
		}                                                                   \
		for (size_t i = 1; i < n; i++) {                                    \
			T t = v[i];                                             \
			size_t k = i;                                               \
			for (; k > 0 && before(&t, &v[k - 1]); k--)                 \
				v[k] = v[k - 1];                                    \
			v[k] = t;                                                   \
		}                                                                   \
	}                                                                           \
	static void name(T *v, size_t n)                                            \
	{                                                                           \
		size_t s = 1;                                                       \
		while (s < n && !before(&v[s], &v[s - 1]))                          \
			s++;                                                        \
		if (s >= n)                                                         \
			return; /* in order already (the matcher's edges are) */    \
		int depth = 2;                                                      \
		for (size_t k = n; k > 1; k >>= 1)                                  \
			depth += 2;                                                 \
		name##_rec(v, n, depth);                                            \
	}

/* matcher.c */
#define BH_CODE_GATED UINT64_MAX
uint64_t bh_match_code(const bh_matcher *m, int64_t i, int64_t j);
int bh_code_level(uint64_t code, int f);
/* 0 if the pair fails some field's `need` (never accepted). */
int bh_match_gate_ok(const bh_matcher *m, uint64_t code);
double bh_match_pair_weight(const bh_matcher *m, int64_t i, int64_t j, uint64_t code);
uint64_t bh_match_next_rand(bh_matcher *m);

/* The weights of bh_match_pair_weight, computed once for a run of pairs:
 * a field's weight depends on its level alone, except an exact match of a
 * field weighted by term frequency, which reads record i's value. The same
 * sums in the same order: the same doubles. */
typedef struct {
	double base; /* the prior's log odds */
	double w[BH_MATCH_MAXFIELDS][BH_NLEVELS];
	int by_value[BH_MATCH_MAXFIELDS];
} bh_weights;
void bh_weights_init(const bh_matcher *m, bh_weights *out);
double bh_match_weight(const bh_matcher *m, const bh_weights *wt, int64_t i, uint64_t code);

/* As bh_match_code, but the gate fields first: a pair that fails one is
 * BH_CODE_GATED without comparing the rest (most candidates stop here). */
uint64_t bh_match_code_gated(const bh_matcher *m, int64_t i, int64_t j);

/* block.c: blocks and compares: m->pairs gets the candidate pairs that
 * pass the gates, sorted and unique, m->codes their level patterns;
 * st.compared counts every candidate, st.gated those that failed. */
int bh_match_block(bh_matcher *m);
void bh_radix_sort_u64(uint64_t *a, uint64_t *tmp, size_t n);

/* em.c: u from random pairs, m and lambda by EM over m->codes */
int bh_match_estimate(bh_matcher *m);

/* cluster.c: accepted edges, one-to-one, union-find, bridges */
int bh_match_cluster(bh_matcher *m);
int64_t bh_uf_find(int64_t *parent, int64_t x);

#endif
