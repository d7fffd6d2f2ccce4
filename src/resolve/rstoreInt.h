/* Internals of the store-level resolve shared by its files: rstore.c (the
 * run: loading, constrained unions, writing), judge.c (judgments) and
 * explain.c. The context owns everything it loads; bh_rs_ctx_free()
 * releases it and accepts a zeroed context. */
#ifndef BH_RSTOREINT_H
#define BH_RSTOREINT_H

#include "resolve/resolveInt.h"
#include "resolve/rstore.h"
#include "util/map.h"

#define MAX_NAMES 8 /* names of one entity given to the matcher */

/* Pairs kept for human review (resolve_review): scored with a probability
 * in [REVIEW_LO, REVIEW_HI), whatever became of them. */
#define REVIEW_LO 0.2
#define REVIEW_HI 0.99
/* At most this many of them, the most uncertain (smallest |weight|, the
 * order the Review page shows them in): a person reviews hundreds, and on
 * a store of 10M generated names the band held 17.7M pairs, whose reasons
 * were most of resolve's writing (a 9 GB log) and which the page's count
 * and sort then read on every request. */
#define REVIEW_MAX 50000

enum { K_ORG = 0, K_PERSON, K_COMMITTEE };
enum { F_ORG, F_PERSON, F_COMMITTEE, F_CITY, F_STATE, F_ZIP, NFIELDS };

typedef struct {
	int64_t a, b; /* entity indexes */
	double w;     /* match weight (log2 odds); identifiers and judgments: +inf */
	const char *reason; /* static string */
} upair;

/* An entity whose id is an identifier ("uei:...", "fec:..."): its index,
 * the identifier's kind (id_prefix_kinds) and its value in rctx.idtext. */
typedef struct {
	int64_t e;
	uint32_t off;
	int kind;
} idref;

typedef struct {
	bh_store *s;
	int64_t n;
	int64_t *rid;
	size_t *name_off; /* entity names in nametext; resolve frees both once */
	bh_vec nametext;  /* the records are loaded */
	uint8_t *kind;
	uint8_t *rank;  /* canonical rank of the entity's id: uei, duns, fec/lda, other */
	bh_vec idrefs;  /* idref, in entity order */
	bh_vec idtext;  /* char: the identifiers' values, NUL-terminated */
	int64_t *uf;
	int64_t *uei;   /* per root: UEI value id, -1 none, -2 several */
	int64_t *first; /* per root: formal first name id (persons), alike */
	int *mid;       /* per root: middle initial (persons), 0 none, -2 several */
	int64_t *chead; /* per root: first split-constrained entity, -1 */
	int64_t *cnext;
	bh_map ids, firsts;
	bh_vec splits; /* upair (a, b) both directions, sorted by a */
	bh_vec applied; /* upair: unions that happened, for resolve_pair */
	bh_vec rec_ent; /* int64 entity index per matcher record */
	bh_matcher *m;
	int64_t refused;
} rctx;

/* The matcher's fields for store entities, by the F_* indexes above. */
extern const bh_field_spec bh_rs_fields[NFIELDS];

/* Loads entities, judgments (merges applied, splits kept), identifier
 * unions and one matcher record per name; records of entities whose rowid
 * is above new_after start at *first_new. */
int bh_rs_load(rctx *c, bh_store *s, double threshold, int64_t new_after, int64_t *first_new,
	       int64_t *id_merges, int64_t *judgment_merges);
void bh_rs_ctx_free(rctx *c);
/* Loads only entities of rowids ra and rb and their records, as bh_rs_load
 * would (no judgments or identifiers: explain scores names alone). */
int bh_rs_load_two(rctx *c, bh_store *s, int64_t ra, int64_t rb);
/* Prepares c->m with the term frequencies the last resolve stored, when
 * they still describe the store: 1 when done, 0 when there are none or
 * the store changed since (then the caller loads every record), < 0 on
 * error. */
int bh_rs_prepare_stored(rctx *c);

/* Term frequencies of the last run (rstore.c writes, explain reads):
 * per field (its name), kind 0: records with the field ("" text); kind
 * 1: a token's document frequency; kind 2: a value's frequency. Only
 * counts of 2 or more are kept (absent: 1). Field "_store" holds the
 * extent of the store they were counted in. Made by resolve when missing,
 * like resolve_review. */
#define BH_SCHEMA_RESOLVE_TF \
	"CREATE TABLE IF NOT EXISTS resolve_tf(" \
	"  field TEXT NOT NULL," \
	"  kind INTEGER NOT NULL," \
	"  text TEXT NOT NULL," \
	"  n INTEGER NOT NULL," \
	"  PRIMARY KEY(field, kind, text)" \
	") WITHOUT ROWID;"

/* The saved model into c->m; 1 when there was one, 0 when not. */
int bh_rs_load_model(rctx *c);
/* explain.c: the comparison of records i and j as JSON members (no braces):
 * "fields":[...],"prior":..,"total":..,"names_too_different":..,"probability":..
 * as `behind explain --json` writes them; also kept with each review pair. */
int bh_rs_reasons_json(FILE *out, const bh_matcher *m, int64_t i, int64_t j);
/* rstore.c: the closest pair of names (records *bi of entity ea, *bj of
 * eb, by match weight); both -1 when either has no name. */
void bh_rs_closest(int64_t *bi, int64_t *bj, rctx *c, int64_t ea, int64_t eb);
/* Entity e's name (borrowed from c). */
static inline const char *bh_rs_name(const rctx *c, int64_t e)
{
	return (const char *)c->nametext.p + c->name_off[e];
}

/* The entity index of a rowid, or -1. */
int64_t bh_rs_entity(rctx *c, int64_t rid);

#endif
