/* Entity resolution: the matcher that decides which mentions are one real
 * organization or person, and the store-level `resolve` built on it.
 *
 * Layers, each usable alone (and unit-tested alone):
 *   norm.c     Unicode fold, organization names (legal form as a class,
 *              acronym key, D/B/A split), person names (LAST, FIRST M SFX;
 *              nicknames, initials)
 *   compare.c  Jaro-Winkler, bit-parallel Levenshtein, phonetic key
 *   matcher.c  a generic record matcher: blocking on a union of capped keys,
 *              field comparison levels, Fellegi-Sunter weights with m
 *              estimated by EM and u from random pairs, term-frequency
 *              adjustment, clustering with weak-bridge splitting
 *   rstore.c   `behind resolve` over the store: exact identifiers first,
 *              then scored names; judgments; incremental runs; explain
 *
 * Ownership: normalization and comparison functions write into caller
 * buffers and allocate nothing. A bh_matcher owns copies of everything
 * added to it; bh_matcher_free() releases it and accepts NULL. Strings
 * handed to callbacks are borrowed for the duration of the call. */
#ifndef BH_RESOLVE_H
#define BH_RESOLVE_H

#include <stddef.h>
#include <stdint.h>

/* ---- normalization (norm.c) ---- */

/* Longest normalized text kept; longer input is truncated (hostile files
 * carry 10,000-character names). */
#define BH_NORM_MAX 255
#define BH_NORM_MAXTOK 32

/* Folds `s` (UTF-8, n bytes) to lower case without accents (NFKC, case
 * fold, marks stripped), turns punctuation into single spaces (a period
 * inside an initialism such as "U.S." and apostrophes vanish) and trims.
 * Writes at most cap-1 bytes and a NUL into out; returns the length. */
size_t bh_norm_fold(char *out, size_t cap, const char *s, size_t n);

enum {
	BH_LEGAL_NONE = 0,
	BH_LEGAL_CORP, /* INC, INCORPORATED, CORP, CORPORATION */
	BH_LEGAL_LLC,  /* LLC, L.L.C., PLLC, LC */
	BH_LEGAL_LP,   /* LP, LLP, LLLP */
	BH_LEGAL_CO,   /* CO, COMPANY */
	BH_LEGAL_LTD,  /* LTD, LIMITED, PLC */
	BH_LEGAL_FOREIGN, /* GMBH, AG, SA, NV, BV, SRL, SPA */
};

/* A normalized organization name: tokens without the trailing legal-form
 * words (their class is kept in `legal`), without "the"/"and". */
typedef struct {
	char text[BH_NORM_MAX + 1]; /* tokens joined by one space */
	int ntok;
	uint16_t tok_off[BH_NORM_MAXTOK];
	uint8_t tok_len[BH_NORM_MAXTOK];
	int legal;        /* BH_LEGAL_* */
	char acronym[16]; /* initials of 2+ tokens ("aws"), or "" */
	int has_digits;   /* some token has a digit: numbers must agree */
} bh_orgname;

int bh_norm_org(bh_orgname *out, const char *s, size_t n);
const char *bh_norm_legal_name(int legal);

/* Splits "ACME INC D/B/A ACME SECURITY" (also DBA, FKA, F/K/A, AKA,
 * "DOING BUSINESS AS", "FORMERLY KNOWN AS") into its names. Writes up to
 * `max` spans into off/len (byte ranges of s) and returns their count. */
int bh_norm_split_aliases(const char *s, size_t n, size_t *off, size_t *len, int max);

/* A parsed person name, normalized (folded) parts; missing parts are "". */
typedef struct {
	char last[64];
	char first[32];
	char middle[32];
	char suffix[8]; /* jr, sr, ii, iii, iv */
} bh_person;

/* Parses "SMITH, JOHN A", "Smith Jr., John", "John A. Smith III",
 * "MR. JOHN SMITH". Returns 0, or BH_EFORMAT when no name is left. */
int bh_person_parse(bh_person *out, const char *s, size_t n);

/* The formal first name a nickname stands for ("bill" -> "william"); the
 * input itself when it is not a known nickname. */
const char *bh_nickname_canon(const char *first);

/* How two first names agree: 4 equal, 3 same by nickname, 2 an initial
 * compatible with the full name, 1 close by Jaro-Winkler, 0 different. */
int bh_person_first_agree(const char *a, const char *b);

/* ---- comparison (compare.c) ---- */

double bh_jaro(const char *a, size_t na, const char *b, size_t nb);
/* Jaro-Winkler with prefix scale 0.1 over at most 4 leading characters. */
double bh_jaro_winkler(const char *a, size_t na, const char *b, size_t nb);
/* Levenshtein distance: Myers/Hyyrö bit-parallel when the shorter string
 * has at most 64 bytes, a two-row DP otherwise (both capped at 4096 bytes). */
int bh_levenshtein(const char *a, size_t na, const char *b, size_t nb);
/* Whether the Levenshtein distance is at most k (small k: a band of
 * 2k + 1 cells per row, no table to set up). */
int bh_levenshtein_within(const char *a, size_t na, const char *b, size_t nb, int k);
/* The plain O(n*m) DP, the independent route the tests check against. */
int bh_levenshtein_dp(const char *a, size_t na, const char *b, size_t nb);
/* American Soundex of the letters of s into out[5] ("robert" -> "r163"). */
void bh_soundex(char out[5], const char *s, size_t n);

/* ---- the generic matcher (matcher.c) ---- */

enum {
	BH_CMP_EXACT = 1, /* equal or not */
	BH_CMP_STRING,    /* exact / Jaro-Winkler >= .92 / >= .80 / far */
	BH_CMP_NUMBER,    /* exact / edit distance 1 / 2 / far (dates, ids, zips) */
	BH_CMP_TOKENS,    /* IDF-weighted token overlap (titles, author lists) */
	BH_CMP_ORG,       /* organization name: tokens + legal class + acronym */
	BH_CMP_PERSON,    /* person name: last, first/nickname/initial, suffix */
};

/* Blocking keys a field contributes (OR of these). */
enum {
	BH_BLK_VALUE = 1,    /* the whole normalized value */
	BH_BLK_TOKENS = 2,   /* its two rarest tokens */
	BH_BLK_PREFIX = 4,   /* its first 4 characters */
	BH_BLK_PHONETIC = 8, /* Soundex of it (persons: of the last name + initial) */
	BH_BLK_ACRONYM = 16, /* organization acronym / short single token */
	BH_BLK_SORTED = 32,  /* sorted-token fingerprint */
};

/* Comparison levels. Level 0 is "missing" (weight 0); higher is closer. */
enum { BH_LVL_MISSING = 0, BH_LVL_FAR, BH_LVL_WEAK, BH_LVL_CLOSE, BH_LVL_EXACT, BH_NLEVELS };

#define BH_MATCH_MAXFIELDS 16

typedef struct {
	const char *name;
	int cmp;   /* BH_CMP_* */
	int block; /* BH_BLK_* mask */
	int tf;    /* 1: exact agreement weighted by how rare the value is */
	/* For BH_CMP_STRING: 1 + the index of another field of the other
	 * record also tried (swapped given name / surname); 0 for none. */
	int cross;
	/* A pair whose level on this field is known and below `need` is never
	 * accepted, whatever the other fields say (0: no gate). Names gate
	 * organizations: a shared address alone does not make one company. */
	int need;
} bh_field_spec;

typedef struct {
	double threshold;  /* match probability to accept a pair (default 0.5) */
	double strong;     /* a bridge below this probability is weak (default 0.99) */
	int block_cap;     /* block size beyond which only neighbours pair (default 500) */
	int window;        /* neighbours paired in an over-cap block (default 8) */
	int link_only;     /* 1: pair only records of different sources */
	int one_to_one;    /* 1: keep a pair only if it is each side's best */
	int em_iters;      /* default 25 */
	long u_samples;    /* random pairs for u (default 200000) */
	int em_u;          /* 1 (default): EM also refines u among candidates,
			    * starting from the random-pair u */
	double near;       /* also keep candidates with probability in [near,
			    * threshold) for human review (0, default: none) */
	uint64_t seed;
	int threads;       /* threads comparing pairs (0, default: 2, the
			    * machine's cores); the results do not depend on it */
} bh_match_opts;

typedef struct bh_matcher bh_matcher;

void bh_match_opts_default(bh_match_opts *o);
int bh_matcher_new(bh_matcher **out, const bh_field_spec *fields, int nfields,
		   const bh_match_opts *opts);
void bh_matcher_free(bh_matcher *m);

/* Adds one record: vals[f]/lens[f] per field (NULL or length 0: missing).
 * `source` distinguishes the sides of a linkage; `group` is a hint that
 * records are already known to be one (-1: none; same value: merged before
 * scoring, as exact identifiers do). Returns the record's index or < 0. */
int64_t bh_matcher_add(bh_matcher *m, int source, int64_t group, const char *const *vals,
		       const size_t *lens);

/* Computes token weights and value frequencies of the records added so
 * far (run does it too); needed before explain without a run. */
int bh_matcher_prepare(bh_matcher *m);

/* Term frequencies taken from elsewhere, for a matcher that holds only a
 * few records (explain loads two entities, not the store): the count of
 * records with field f present, and lookups of a token's document
 * frequency and of a value's frequency (the counts a matcher with every
 * record would have; the lookups get the normalized text, NUL-terminated,
 * borrowed for the call). */
typedef struct {
	int64_t nonmissing[BH_MATCH_MAXFIELDS];
	int64_t (*token_df)(int f, const char *tok, size_t n, void *payload);
	int64_t (*value_freq)(int f, const char *text, size_t n, void *payload);
	void *payload;
} bh_match_freqs;

/* As bh_matcher_prepare, with the frequencies of fq in place of those of
 * the records added. */
int bh_matcher_prepare_freqs(bh_matcher *m, const bh_match_freqs *fq);

/* The frequencies that bh_matcher_prepare_freqs takes, from the records
 * added: fn(f, 0, "", 0, records with field f present) for each field,
 * then fn(f, 1, token, n, df) for each token of df >= 2 and fn(f, 2,
 * text, n, freq) for each value of freq >= 2 (a token or value not listed
 * occurs once). Stops at and returns fn's first non-zero result. */
int bh_matcher_each_freq(bh_matcher *m,
			 int (*fn)(int f, int kind, const char *text, size_t n, int64_t count,
				   void *payload),
			 void *payload);

/* Makes the next run compare only pairs with at least one record of index
 * >= first (incremental resolve: older records were settled before). */
void bh_matcher_set_first_new(bh_matcher *m, int64_t first);

/* Blocks, compares, estimates the model (unless one was loaded), scores
 * and clusters. Records added after a previous run are compared with all
 * records (only pairs touching a new one). */
int bh_matcher_run(bh_matcher *m);

/* After run: the cluster of record i (the smallest index in it). */
int64_t bh_matcher_cluster(const bh_matcher *m, int64_t i);

typedef struct {
	int64_t records, candidates, compared, gated, accepted, clusters, bridges_cut, capped_blocks;
	double lambda;        /* estimated share of candidate pairs that match */
	double secs_block, secs_compare, secs_em, secs_cluster;
	double cpu_compare; /* CPU seconds of blocking and comparing, all threads */
} bh_match_stats;
void bh_matcher_stats(const bh_matcher *m, bh_match_stats *out);

/* Model parameters of field f at level l: m, u among candidate pairs, u
 * among random pairs (the base of the term-frequency adjustment). */
double bh_matcher_m(const bh_matcher *m, int f, int l);
double bh_matcher_u(const bh_matcher *m, int f, int l);
double bh_matcher_urand(const bh_matcher *m, int f, int l);
double bh_matcher_lambda(const bh_matcher *m);
/* Replaces the model (incremental runs, explain): arrays of
 * nfields*BH_NLEVELS, and lambda. Disables EM on the next run. */
int bh_matcher_set_model(bh_matcher *m, const double *mm, const double *uu, const double *ur,
			 double lambda);

/* One field's part of a pair's score, for explain. */
typedef struct {
	const char *field;
	const char *a, *b; /* the normalized values compared (borrowed) */
	int level;
	double weight;     /* log2 m/u, after term-frequency adjustment */
	double tf_u;       /* 0, or the u used in place of the level's u */
} bh_explain_part;

/* Scores records i and j; calls fn for each field; *total gets the match
 * weight (log2 odds, prior included) and *prob the probability. */
int bh_matcher_explain(const bh_matcher *m, int64_t i, int64_t j, double *total, double *prob,
		       void (*fn)(const bh_explain_part *part, void *payload), void *payload);

/* Scores a pair without explanation (throughput benchmarks). */
double bh_matcher_score(const bh_matcher *m, int64_t i, int64_t j);

/* Each accepted pair after run, strongest first, with the weak bridges
 * already cut (i < j, match weight: probability 1 / (1 + 2^-weight)). */
int bh_matcher_each_pair(const bh_matcher *m,
			 int (*fn)(int64_t i, int64_t j, double weight, void *payload),
			 void *payload);

/* The uncertain pairs after run, for human review: candidates scored in
 * [opts.near, threshold) and accepted pairs cut as weak bridges (cut = 1),
 * strongest first (i < j, match weight as above). */
int bh_matcher_each_near(const bh_matcher *m,
			 int (*fn)(int64_t i, int64_t j, double weight, int cut, void *payload),
			 void *payload);

const char *bh_level_name(int cmp, int level);

#endif
