/* Entity resolution over the store (see rstore.h). One run:
 *   1. load the organizations, persons and committees, with their names,
 *      identifiers and addresses (statements);
 *   2. unite by evidence that settles a match, in order of authority:
 *      merge judgments, then shared identifiers (UEI, DUNS, CAGE, FEC and
 *      LDA ids); split judgments refuse any union that would join their
 *      two entities;
 *   3. score names with the matcher (one record per name of an entity) and
 *      unite pairs above the threshold, strongest first, refusing those
 *      that would join two different UEIs or break a split judgment;
 *   4. write `cluster` (canonical: a UEI entity, else DUNS, else the
 *      oldest), the pairs and the model, and log the run.
 * Parent identifiers are ownership links made by ingest, never merges. */
#include "resolve/rstoreInt.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/json.h"
#include "util/map.h"
#include "util/timing.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const bh_field_spec bh_rs_fields[NFIELDS] = {
	{"organization name", BH_CMP_ORG,
	 BH_BLK_TOKENS | BH_BLK_ACRONYM | BH_BLK_SORTED | BH_BLK_PREFIX, 1, 0, BH_LVL_WEAK},
	/* persons: a stricter gate; common names are many people */
	{"person name", BH_CMP_PERSON, BH_BLK_PHONETIC | BH_BLK_VALUE, 1, 0, BH_LVL_CLOSE},
	{"committee name", BH_CMP_ORG, BH_BLK_TOKENS | BH_BLK_SORTED, 1, 0, BH_LVL_WEAK},
	{"city", BH_CMP_STRING, 0, 1, 0, 0},
	{"state", BH_CMP_EXACT, 0, 0, 0, 0},
	{"zip", BH_CMP_NUMBER, 0, 1, 0, 0},
};

/* Identifier props that settle a match, and entity-id prefixes alike. */
static const char *const id_props[] = {"uei", "duns", "cage", "lda_registrant_id", "lda_client_id",
				       "fec_id"};
static const char *const id_prefixes[] = {"uei:", "duns:", "fec:", "lda:"};
static const char *const id_prefix_kinds[] = {"uei", "duns", "fec", "lda"};

void bh_resolve_opts_default(bh_resolve_opts *o)
{
	memset(o, 0, sizeof *o);
	o->threshold = 0.5;
}

static void free_names(rctx *c)
{
	free(c->name_off);
	c->name_off = NULL;
	bh_vec_free(&c->nametext);
}

void bh_rs_ctx_free(rctx *c)
{
	free_names(c);
	free(c->rid);
	free(c->kind);
	free(c->rank);
	bh_vec_free(&c->idrefs);
	bh_vec_free(&c->idtext);
	free(c->uf);
	free(c->uei);
	free(c->first);
	free(c->mid);
	free(c->chead);
	free(c->cnext);
	bh_map_free(&c->ids);
	bh_map_free(&c->firsts);
	bh_vec_free(&c->splits);
	bh_vec_free(&c->applied);
	bh_vec_free(&c->rec_ent);
	bh_matcher_free(c->m);
}

static int kind_of(const char *k)
{
	if (strcmp(k, "organization") == 0)
		return K_ORG;
	if (strcmp(k, "person") == 0 || strcmp(k, "candidate") == 0)
		return K_PERSON;
	return K_COMMITTEE;
}

/* ---- loading ---- */

static int conflict(int64_t a, int64_t b, int64_t none)
{
	return a != none && b != none && (a != b || a == -2);
}

static int64_t merged(int64_t a, int64_t b, int64_t none)
{
	return a == none ? b : b == none || b == a ? a : -2;
}

/* The cluster's canonical id is its member's of the lowest rank. */
static int canon_rank(const char *id)
{
	if (strncmp(id, "uei:", 4) == 0)
		return 0;
	if (strncmp(id, "duns:", 5) == 0)
		return 1;
	if (strncmp(id, "fec:", 4) == 0 || strncmp(id, "lda:", 4) == 0)
		return 2;
	return 3;
}

/* Keeps entity e's id when it is an identifier, for load_ids: the other
 * ids (most of them: "name:...", a donor's) are not held. */
static int keep_idref(rctx *c, int64_t e, const char *id)
{
	for (size_t k = 0; k < sizeof id_prefixes / sizeof id_prefixes[0]; k++) {
		size_t pl = strlen(id_prefixes[k]), n = strlen(id + pl);
		if (strncmp(id, id_prefixes[k], pl) != 0)
			continue;
		idref r = {e, (uint32_t)c->idtext.n, (int)k};
		int rc;
		if (c->idtext.n + n + 1 > UINT32_MAX)
			return bh_error_set(BH_ETOOBIG, "resolve: more than 4 GiB of identifiers");
		if ((rc = bh_vec_grow(&c->idtext, c->idtext.n + n + 1)) < 0 ||
		    (rc = bh_vec_push(&c->idrefs, &r)) < 0)
			return rc;
		memcpy((char *)c->idtext.p + c->idtext.n, id + pl, n + 1);
		c->idtext.n += n + 1;
		return 0;
	}
	return 0;
}

/* The entities to resolve, or only those of rowids only[0..1] (explain). */
static int load_entities(rctx *c, const int64_t *only)
{
	sqlite3_stmt *q = NULL;
	int rc;
	int64_t cap = 0;
	if ((rc = bh_store_prepare(&q, c->s,
				   only ? "SELECT rid, id, kind, name FROM entity WHERE kind IN"
					  " ('organization','person','candidate','committee')"
					  " AND rid IN (?1, ?2) ORDER BY rid"
					: "SELECT rid, id, kind, name FROM entity WHERE kind IN"
					  " ('organization','person','candidate','committee') ORDER BY rid")) < 0)
		return rc;
	if (only) {
		sqlite3_bind_int64(q, 1, only[0]);
		sqlite3_bind_int64(q, 2, only[1]);
	}
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (c->n == cap) {
			cap = cap ? cap * 2 : 1024;
			int64_t *r = realloc(c->rid, (size_t)cap * sizeof *r);
			if (r)
				c->rid = r;
			uint8_t *rk = realloc(c->rank, (size_t)cap * sizeof *rk);
			if (rk)
				c->rank = rk;
			size_t *nm = realloc(c->name_off, (size_t)cap * sizeof *nm);
			if (nm)
				c->name_off = nm;
			uint8_t *k = realloc(c->kind, (size_t)cap * sizeof *k);
			if (k)
				c->kind = k;
			if (!r || !rk || !nm || !k) {
				rc = bh_error_set(BH_ENOMEM, "resolve: out of memory loading entities");
				goto done;
			}
		}
		const char *id = (const char *)sqlite3_column_text(q, 1);
		c->rid[c->n] = sqlite3_column_int64(q, 0);
		c->rank[c->n] = (uint8_t)canon_rank(id);
		c->kind[c->n] = (uint8_t)kind_of((const char *)sqlite3_column_text(q, 2));
		const char *nm = (const char *)sqlite3_column_text(q, 3);
		size_t nl = strlen(nm ? nm : "");
		c->name_off[c->n] = c->nametext.n;
		c->n++;
		if ((rc = bh_vec_grow(&c->nametext, c->nametext.n + nl + 1)) < 0)
			goto done;
		memcpy((char *)c->nametext.p + c->nametext.n, nm ? nm : "", nl + 1);
		c->nametext.n += nl + 1;
		if ((rc = keep_idref(c, c->n - 1, id)) < 0)
			goto done;
	}
	if (rc != SQLITE_DONE) {
		rc = bh_store_fail(c->s, "resolve: reading entities");
		goto done;
	}
	rc = 0;
	size_t nn = (size_t)(c->n ? c->n : 1);
	c->uf = malloc(nn * sizeof *c->uf);
	c->uei = malloc(nn * sizeof *c->uei);
	c->first = malloc(nn * sizeof *c->first);
	c->mid = malloc(nn * sizeof *c->mid);
	c->chead = malloc(nn * sizeof *c->chead);
	c->cnext = malloc(nn * sizeof *c->cnext);
	if (!c->uf || !c->uei || !c->chead || !c->cnext || !c->first || !c->mid) {
		rc = bh_error_set(BH_ENOMEM, "resolve: out of memory");
		goto done;
	}
	for (int64_t i = 0; i < c->n; i++) {
		c->uf[i] = i;
		c->uei[i] = -1;
		c->first[i] = -1;
		c->mid[i] = 0;
		c->chead[i] = c->cnext[i] = -1;
	}
done:
	sqlite3_finalize(q);
	return rc;
}

int64_t bh_rs_entity(rctx *c, int64_t rid)
{
	/* entities were loaded in rowid order: a binary search, no map */
	int64_t lo = 0, hi = c->n;
	while (lo < hi) {
		int64_t mid = lo + (hi - lo) / 2;
		if (c->rid[mid] < rid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < c->n && c->rid[lo] == rid ? lo : -1;
}

/* The records of entity e: load_records adds them in entity order, so
 * they are one run of rec_ent, found by binary search. */
static void records_of(const rctx *c, int64_t e, size_t *lo, size_t *hi)
{
	const int64_t *re = c->rec_ent.p;
	size_t l = 0, h = c->rec_ent.n;
	while (l < h) {
		size_t mid = l + (h - l) / 2;
		if (re[mid] < e)
			l = mid + 1;
		else
			h = mid;
	}
	*lo = l;
	while (h < c->rec_ent.n && re[h] == e)
		h++;
	*hi = h;
}

void bh_rs_closest(int64_t *bi, int64_t *bj, rctx *c, int64_t ea, int64_t eb)
{
	size_t alo, ahi, blo, bhi;
	double best = -INFINITY;
	*bi = *bj = -1;
	records_of(c, ea, &alo, &ahi);
	records_of(c, eb, &blo, &bhi);
	for (size_t i = alo; i < ahi; i++)
		for (size_t j = blo; j < bhi; j++) {
			double w = bh_matcher_score(c->m, (int64_t)i, (int64_t)j);
			if (w > best) {
				best = w;
				*bi = (int64_t)i;
				*bj = (int64_t)j;
			}
		}
}

/* ---- constrained union ---- */

static int split_forbids(rctx *c, int64_t ra, int64_t rb)
{
	const upair *sp = c->splits.p;
	for (int64_t x = c->chead[ra]; x >= 0; x = c->cnext[x]) {
		/* binary search of x's partners */
		size_t lo = 0, hi = c->splits.n;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (sp[mid].a < x)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < c->splits.n && sp[lo].a == x; lo++)
			if (bh_uf_find(c->uf, sp[lo].b) == rb)
				return 1;
	}
	return 0;
}

enum { U_FORCE = 0, U_ID, U_SCORE };

/* Unites the clusters of a and b unless a split judgment (or, for scored
 * pairs, two different UEIs) forbids it. Returns 1 if united, 0 if already
 * one, -1 if refused. */
static int unite(rctx *c, int64_t a, int64_t b, int how, double w, const char *reason)
{
	int64_t ra = bh_uf_find(c->uf, a), rb = bh_uf_find(c->uf, b);
	if (ra == rb)
		return 0;
	if (how != U_FORCE && (split_forbids(c, ra, rb) || split_forbids(c, rb, ra))) {
		c->refused++;
		return -1;
	}
	int64_t ua = c->uei[ra], ub = c->uei[rb];
	if (how == U_SCORE && (conflict(ua, ub, -1) || conflict(c->first[ra], c->first[rb], -1) ||
			       conflict(c->mid[ra], c->mid[rb], 0))) {
		c->refused++;
		return -1;
	}
	if (rb < ra) {
		int64_t t = ra;
		ra = rb;
		rb = t;
	}
	c->uf[rb] = ra;
	c->uei[ra] = merged(ua, ub, -1);
	c->first[ra] = merged(c->first[ra], c->first[rb], -1);
	c->mid[ra] = (int)merged(c->mid[ra], c->mid[rb], 0);
	/* append rb's constrained entities to ra's list */
	if (c->chead[rb] >= 0) {
		int64_t x = c->chead[rb];
		while (c->cnext[x] >= 0)
			x = c->cnext[x];
		c->cnext[x] = c->chead[ra];
		c->chead[ra] = c->chead[rb];
	}
	upair p = {a < b ? a : b, a < b ? b : a, w, reason};
	return bh_vec_push(&c->applied, &p) < 0 ? -2 : 1;
}

static int cmp_upair_a(const void *x, const void *y)
{
	const upair *p = x, *q = y;
	return p->a < q->a ? -1 : p->a > q->a;
}

static int cmp_upair_prob(const void *x, const void *y)
{
	const upair *p = x, *q = y;
	if (p->w != q->w)
		return p->w > q->w ? -1 : 1;
	if (p->a != q->a)
		return p->a < q->a ? -1 : 1;
	return p->b < q->b ? -1 : p->b > q->b;
}

/* by pair (a, b), the higher weight of one pair first */
static int cmp_upair_pair(const void *x, const void *y)
{
	const upair *p = x, *q = y;
	if (p->a != q->a)
		return p->a < q->a ? -1 : 1;
	if (p->b != q->b)
		return p->b < q->b ? -1 : 1;
	return p->w > q->w ? -1 : p->w < q->w;
}

static inline int before_prob(const upair *p, const upair *q)
{
	return cmp_upair_prob(p, q) < 0;
}

static inline int before_pair(const upair *p, const upair *q)
{
	return cmp_upair_pair(p, q) < 0;
}

static int cmp_upair_doubt(const void *x, const void *y);

/* A review item of the near pairs (after the unions' in the queue). */
static int outcome_late(const char *outcome)
{
	return strcmp(outcome, "cut") == 0 || strcmp(outcome, "below") == 0;
}

/* By pair, the higher weight first, and of one weight the unions' item
 * first: the order in which review_keep's stable qsort left them, so the
 * pair kept (and its outcome) is the same. */
static inline int before_pair_outcome(const upair *p, const upair *q)
{
	int c = cmp_upair_pair(p, q);
	return c ? c < 0 : outcome_late(q->reason) && !outcome_late(p->reason);
}

static inline int before_doubt(const upair *p, const upair *q)
{
	return cmp_upair_doubt(p, q) < 0;
}

BH_INTROSORT(sort_upairs_prob, upair, before_prob)
BH_INTROSORT(sort_upairs_pair, upair, before_pair)
BH_INTROSORT(sort_upairs_doubt, upair, before_doubt)
BH_INTROSORT(sort_upairs_pair_outcome, upair, before_pair_outcome)

static void sort_by_prob(bh_vec *v)
{
	sort_upairs_prob(v->p, v->n);
}

static void sort_by_pair(bh_vec *v)
{
	sort_upairs_pair(v->p, v->n);
}

static void sort_by_doubt(bh_vec *v)
{
	sort_upairs_doubt(v->p, v->n);
}

static void sort_by_pair_outcome(bh_vec *v)
{
	sort_upairs_pair_outcome(v->p, v->n);
}

/* Latest judgment per pair: merges united now, splits kept as constraints. */
static int load_judgments(rctx *c, int64_t *merges)
{
	sqlite3_stmt *q = NULL;
	int rc;
	upair *mv = NULL;
	size_t nm = 0, cap = 0;
	if ((rc = bh_store_prepare(&q, c->s,
				   "SELECT ea.rid, eb.rid, decision FROM judgment j"
				   " JOIN entity ea ON ea.id = j.a JOIN entity eb ON eb.id = j.b WHERE j.rid ="
				   " (SELECT max(rid) FROM judgment k WHERE k.a = j.a AND k.b = j.b)"
				   " ORDER BY j.rid")) < 0)
		return rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		int64_t ia = bh_rs_entity(c, sqlite3_column_int64(q, 0));
		int64_t ib = bh_rs_entity(c, sqlite3_column_int64(q, 1));
		const char *d = (const char *)sqlite3_column_text(q, 2);
		if (ia < 0 || ib < 0)
			continue; /* an entity no longer in the store, or not resolved */
		upair p = {ia, ib, INFINITY, "judgment"};
		if (strcmp(d, "split") == 0) {
			upair r = {ib, ia, INFINITY, "judgment"};
			if (bh_vec_push(&c->splits, &p) < 0 || bh_vec_push(&c->splits, &r) < 0) {
				rc = BH_ENOMEM;
				goto done;
			}
		} else if (strcmp(d, "merge") == 0) {
			if (nm == cap) {
				cap = cap ? cap * 2 : 16;
				upair *t = realloc(mv, cap * sizeof *t);
				if (!t) {
					rc = bh_error_set(BH_ENOMEM, "resolve: out of memory");
					goto done;
				}
				mv = t;
			}
			mv[nm++] = p;
		}
	}
	if (rc != SQLITE_DONE) {
		rc = bh_store_fail(c->s, "resolve: reading judgments");
		goto done;
	}
	rc = 0;
	if (c->splits.n)
		qsort(c->splits.p, c->splits.n, sizeof(upair), cmp_upair_a);
	for (size_t k = 0; k < c->splits.n; k++) {
		const upair *p = &BH_VEC_AT(c->splits, upair, k);
		if (k == 0 || BH_VEC_AT(c->splits, upair, k - 1).a != p->a) {
			c->cnext[p->a] = c->chead[p->a];
			c->chead[p->a] = p->a;
		}
	}
	for (size_t k = 0; k < nm; k++)
		if (unite(c, mv[k].a, mv[k].b, U_FORCE, INFINITY, "judgment") == 1)
			(*merges)++;
done:
	free(mv);
	sqlite3_finalize(q);
	return rc;
}

/* Shared identifiers: the first entity with each (kind, value) is the
 * anchor, later ones unite with it. */
static int id_union(rctx *c, int64_t e, const char *kind, const char *val, int64_t *merges)
{
	char key[300];
	int64_t *v;
	int n = snprintf(key, sizeof key, "%s:%s", kind, val);
	if (n <= 0 || (size_t)n >= sizeof key || !val[0])
		return 0;
	int rc = bh_map_put(&v, NULL, &c->ids, key, (size_t)n);
	if (rc < 0)
		return bh_error_set(BH_ENOMEM, "resolve: out of memory");
	if (strcmp(kind, "uei") == 0) {
		/* UEI value ids for the conflict check: the anchor's index */
		int64_t r = bh_uf_find(c->uf, e), u = rc == 1 ? e : *v;
		c->uei[r] = c->uei[r] == -1 || c->uei[r] == u ? u : -2;
	}
	if (rc == 1) {
		*v = e;
		return 0;
	}
	rc = unite(c, *v, e, U_ID, INFINITY, kind);
	if (rc == 1)
		(*merges)++;
	return rc < -1 ? rc : 0;
}

static int load_ids(rctx *c, int64_t *merges)
{
	sqlite3_stmt *q = NULL;
	int rc = 0;
	for (size_t k = 0; k < c->idrefs.n; k++) {
		const idref *r = &BH_VEC_AT(c->idrefs, idref, k);
		if ((rc = id_union(c, r->e, id_prefix_kinds[r->kind], (const char *)c->idtext.p + r->off,
				   merges)) < 0)
			return rc;
	}
	bh_vec_free(&c->idrefs);
	bh_vec_free(&c->idtext);
	if ((rc = bh_store_prepare(&q, c->s,
				   "SELECT entity, prop, value FROM statement WHERE " BH_IDENT_PROPS_SQL)) < 0)
		return rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		int64_t e = bh_rs_entity(c, sqlite3_column_int64(q, 0));
		const char *prop = (const char *)sqlite3_column_text(q, 1);
		if (e < 0)
			continue;
		for (size_t k = 0; k < sizeof id_props / sizeof id_props[0]; k++)
			if (strcmp(prop, id_props[k]) == 0) {
				int r = id_union(c, e, id_props[k], (const char *)sqlite3_column_text(q, 2),
						 merges);
				if (r < 0) {
					sqlite3_finalize(q);
					return r;
				}
			}
	}
	rc = rc == SQLITE_DONE ? 0 : bh_store_fail(c->s, "resolve: reading identifiers");
	sqlite3_finalize(q);
	return rc;
}

/* A name made only of digits and punctuation (a DUNS standing in for a
 * missing name) is no name to compare. */
static int has_letter(const char *s)
{
	for (; *s; s++)
		if ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (unsigned char)*s >= 0x80)
			return 1;
	return 0;
}

/* ---- the records: read on this thread, added to the matcher on another ----
 *
 * load_records reads each entity's names and address from SQLite and
 * copies them into a batch; a second thread normalizes them into matcher
 * records (and a person's formal first name and middle initial, from the
 * record of its name), so that reading and normalizing overlap on the
 * machine's two cores. One thread adds every record, in entity order:
 * the records and their values are those of a single thread. */

/* One entity's names and address, as offsets into its batch's text. */
typedef struct {
	int64_t e;
	int nn;
	uint32_t name[MAX_NAMES];
	uint32_t addr[3]; /* UINT32_MAX: none */
} ent_rec;

typedef struct {
	bh_vec ents; /* ent_rec */
	bh_vec text; /* char */
	int full;    /* 1: handed to the adding thread */
} rec_batch;

enum { NBATCH = 2, BATCH_ENTS = 4096 };

typedef struct {
	rctx *c;
	rec_batch b[NBATCH];
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int done;   /* the reader has no more batches */
	int rc;     /* the adding thread's first error */
	char err[256];
	int64_t new_after, first_new;
} rec_pipe;

static int batch_text(rec_batch *b, uint32_t *off, const char *s)
{
	size_t n = strlen(s ? s : "");
	int rc;
	if (b->text.n + n + 1 > UINT32_MAX)
		return bh_error_set(BH_ETOOBIG, "resolve: an entity's names exceed 4 GiB");
	if ((rc = bh_vec_grow(&b->text, b->text.n + n + 1)) < 0)
		return rc;
	*off = (uint32_t)b->text.n;
	memcpy((char *)b->text.p + b->text.n, s ? s : "", n + 1);
	b->text.n += n + 1;
	return 0;
}

/* A person's formal first name and middle initial: a cluster of persons
 * never holds two of either (through a name without them, "SMITH, MARY"
 * and "SMITH, MICHAEL" would chain via "SMITH, M"). Entity e's parsed
 * first name (NUL-terminated) and middle initial are folded into its
 * cluster's as unite() folds two clusters' (the same whatever the order,
 * so they may come after the unions by identifier). */
static int person_keys(rctx *c, int64_t e, const char *first, int mid)
{
	int64_t key = -1, r = bh_uf_find(c->uf, e);
	if (strlen(first) > 1) {
		const char *f = bh_nickname_canon(first);
		int64_t *id;
		int rc = bh_map_put(&id, NULL, &c->firsts, f, strlen(f));
		if (rc < 0)
			return bh_error_set(BH_ENOMEM, "resolve: out of memory");
		if (rc == 1)
			*id = (int64_t)c->firsts.count;
		key = *id;
	}
	c->first[r] = merged(c->first[r], key, -1);
	c->mid[r] = (int)merged(c->mid[r], mid, 0);
	return 0;
}

/* person_keys from the matcher's value of the person's name, parsed when
 * it was added ("last|first|middle|suffix"): no second parse. */
static int person_keys_value(rctx *c, int64_t e, const bh_fval *v)
{
	const char *t = bh_matcher_text(c->m, v);
	char first[64];
	if (!v->len)
		return 0; /* the name did not parse */
	memcpy(first, t + v->plen[0] + 1, v->plen[1]);
	first[v->plen[1]] = '\0';
	return person_keys(c, e, first, v->plen[2] ? (unsigned char)t[v->plen[0] + v->plen[1] + 2] : 0);
}

/* The adding thread's work on one batch. */
static int add_batch(rec_pipe *p, const rec_batch *b)
{
	rctx *c = p->c;
	const char *text = b->text.p;
	for (size_t x = 0; x < b->ents.n; x++) {
		const ent_rec *er = &BH_VEC_AT(b->ents, ent_rec, x);
		int64_t e = er->e, group = bh_uf_find(c->uf, e);
		int kf = c->kind[e] == K_ORG ? F_ORG : c->kind[e] == K_PERSON ? F_PERSON : F_COMMITTEE;
		int rc;
		if (p->first_new < 0 && c->rid[e] > p->new_after)
			p->first_new = (int64_t)c->rec_ent.n;
		for (int k = 0; k < er->nn; k++) {
			const char *vals[NFIELDS] = {NULL};
			size_t lens[NFIELDS] = {0};
			vals[kf] = text + er->name[k];
			for (int a = 0; a < 3; a++)
				vals[F_CITY + a] = er->addr[a] == UINT32_MAX ? NULL : text + er->addr[a];
			for (int f = 0; f < NFIELDS; f++)
				lens[f] = vals[f] ? strlen(vals[f]) : 0;
			int64_t i = bh_matcher_add(c->m, 0, group, vals, lens);
			if (i < 0)
				return (int)i;
			if ((rc = bh_vec_push(&c->rec_ent, &e)) < 0)
				return rc;
			/* the first name, when it has letters, is the entity's own */
			if (k == 0 && kf == F_PERSON && has_letter(bh_rs_name(c, e)) &&
			    (rc = person_keys_value(c, e, bh_match_val(c->m, i, F_PERSON))) < 0)
				return rc;
		}
		if (kf == F_PERSON && !has_letter(bh_rs_name(c, e))) {
			/* a name without letters is no record, but may parse */
			bh_person pp;
			const char *nm = bh_rs_name(c, e);
			if (bh_person_parse(&pp, nm, strlen(nm)) == 0 &&
			    (rc = person_keys(c, e, pp.first, (unsigned char)pp.middle[0])) < 0)
				return rc;
		}
	}
	return 0;
}

static void *add_thread(void *arg)
{
	rec_pipe *p = arg;
	int k = 0;
	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->b[k].full && !p->done)
			pthread_cond_wait(&p->cv, &p->mu);
		if (!p->b[k].full)
			break; /* done, and nothing left */
		pthread_mutex_unlock(&p->mu);
		int rc = p->rc < 0 ? 0 : add_batch(p, &p->b[k]);
		pthread_mutex_lock(&p->mu);
		if (rc < 0 && p->rc == 0) {
			p->rc = rc;
			snprintf(p->err, sizeof p->err, "%s", bh_error_last());
		}
		p->b[k].full = 0;
		p->b[k].ents.n = p->b[k].text.n = 0;
		pthread_cond_broadcast(&p->cv);
		k = (k + 1) % NBATCH;
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* Hands batch b to the adding thread (or adds it here when there is no
 * thread) and waits for the next one to be free. */
static int pass_batch(rec_pipe *p, int threaded, int *k)
{
	rec_batch *b = &p->b[*k];
	if (!threaded) {
		int rc = add_batch(p, b);
		b->ents.n = b->text.n = 0;
		return rc;
	}
	pthread_mutex_lock(&p->mu);
	b->full = 1;
	pthread_cond_broadcast(&p->cv);
	*k = (*k + 1) % NBATCH;
	while (p->b[*k].full)
		pthread_cond_wait(&p->cv, &p->mu);
	int rc = p->rc;
	pthread_mutex_unlock(&p->mu);
	return rc;
}

/* Reads the names and address of each entity, in entity order, into
 * batches (the SQL side of load_records). */
static int read_records(rctx *c, rec_pipe *p, sqlite3_stmt *q, int threaded)
{
	int rc = sqlite3_step(q), k = 0;
	for (int64_t e = 0; e < c->n; e++) {
		rec_batch *b = &p->b[k];
		ent_rec er;
		int r = 0;
		memset(&er, 0, sizeof er);
		er.e = e;
		er.addr[0] = er.addr[1] = er.addr[2] = UINT32_MAX;
		/* A committee is its FEC id: two ids are two committees, whatever
		 * their names ("GREEN PARTY OF UTAH" is no other PAC), so
		 * committees are united by identifiers and judgments only. */
		int named = c->kind[e] != K_COMMITTEE;
		if (named && has_letter(bh_rs_name(c, e)) && (r = batch_text(b, &er.name[0], bh_rs_name(c, e))) == 0)
			er.nn++;
		for (; rc == SQLITE_ROW && r >= 0; rc = sqlite3_step(q)) {
			int64_t srid = sqlite3_column_int64(q, 0);
			if (srid > c->rid[e])
				break;
			if (srid < c->rid[e])
				continue;
			const char *sprop = (const char *)sqlite3_column_text(q, 1);
			const char *sval = (const char *)sqlite3_column_text(q, 2);
			if (strcmp(sprop, "name") == 0 || strcmp(sprop, "alias") == 0) {
				int dup = 0;
				for (int x = 0; x < er.nn && !dup; x++)
					dup = strcmp((const char *)b->text.p + er.name[x], sval) == 0;
				if (named && !dup && er.nn < MAX_NAMES && has_letter(sval) &&
				    (r = batch_text(b, &er.name[er.nn], sval)) == 0)
					er.nn++;
			} else {
				int slot = sprop[0] == 'c' ? 0 : sprop[0] == 's' ? 1 : 2;
				if (er.addr[slot] == UINT32_MAX)
					r = batch_text(b, &er.addr[slot], sval);
			}
		}
		if (r < 0 || (r = bh_vec_push(&b->ents, &er)) < 0)
			return r;
		if ((b->ents.n >= BATCH_ENTS || e + 1 == c->n) && (r = pass_batch(p, threaded, &k)) < 0)
			return r;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return bh_store_fail(c->s, "resolve: reading names");
	return 0;
}

/* Adds one matcher record per distinct name of each entity, in entity
 * order, with the entity's address. Returns the first record of entities
 * whose rowid is above new_after in *first_new. */
static int load_records(rctx *c, int64_t new_after, int64_t *first_new, const int64_t *only)
{
	sqlite3_stmt *q = NULL;
	rec_pipe p;
	pthread_t th;
	int rc, threaded = 0;
	memset(&p, 0, sizeof p);
	p.c = c;
	p.new_after = new_after;
	p.first_new = -1;
	for (int k = 0; k < NBATCH; k++) {
		p.b[k].ents.size = sizeof(ent_rec);
		p.b[k].text.size = 1;
		p.b[k].ents.limit = p.b[k].text.limit = (size_t)1 << 33;
	}
	/* "+prop": walk the (entity, prop) index in entity order, never one
	 * led by prop (SQLite would then sort every name and address in a
	 * temporary B-tree first: minutes on 10M entities). With `only`, the
	 * same index walked for two entities: the same rows in the same order. */
	if ((rc = bh_store_prepare(&q, c->s,
				   only ? "SELECT entity, prop, value FROM statement WHERE entity IN (?1, ?2)"
					  " AND +prop IN ('name','alias','city','state','zip') ORDER BY entity"
					: "SELECT entity, prop, value FROM statement WHERE +prop IN"
					  " ('name','alias','city','state','zip') ORDER BY entity")) < 0)
		return rc;
	if (only) {
		sqlite3_bind_int64(q, 1, only[0]);
		sqlite3_bind_int64(q, 2, only[1]);
	}
	if (pthread_mutex_init(&p.mu, NULL) != 0 || pthread_cond_init(&p.cv, NULL) != 0) {
		sqlite3_finalize(q);
		return bh_error_set(BH_ENOMEM, "resolve: no thread for the records");
	}
	threaded = c->n >= BATCH_ENTS && pthread_create(&th, NULL, add_thread, &p) == 0;
	rc = read_records(c, &p, q, threaded);
	if (threaded) {
		pthread_mutex_lock(&p.mu);
		p.done = 1;
		int failed = p.rc < 0; /* the adding thread's error, set on its thread */
		if (rc < 0 && !failed)
			p.rc = rc; /* the adding thread stops */
		pthread_cond_broadcast(&p.cv);
		pthread_mutex_unlock(&p.mu);
		pthread_join(th, NULL);
		if (p.err[0] && (failed || rc == 0))
			rc = bh_error_set(p.rc, "%s", p.err);
	}
	pthread_mutex_destroy(&p.mu);
	pthread_cond_destroy(&p.cv);
	sqlite3_finalize(q);
	for (int k = 0; k < NBATCH; k++) {
		bh_vec_free(&p.b[k].ents);
		bh_vec_free(&p.b[k].text);
	}
	*first_new = p.first_new < 0 ? (int64_t)c->rec_ent.n : p.first_new;
	return rc;
}

/* The model of the last full run, if any. Returns 1 when loaded. */
int bh_rs_load_model(rctx *c)
{
	sqlite3_stmt *q = NULL;
	double mm[NFIELDS * BH_NLEVELS], uu[NFIELDS * BH_NLEVELS], ur[NFIELDS * BH_NLEVELS];
	double lambda = 0;
	int got = 0, rc;
	for (int k = 0; k < NFIELDS * BH_NLEVELS; k++)
		mm[k] = uu[k] = ur[k] = 1.0;
	if ((rc = bh_store_prepare(&q, c->s, "SELECT field, level, m, u, urand FROM resolve_model")) < 0)
		return rc;
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *f = (const char *)sqlite3_column_text(q, 0);
		int l = sqlite3_column_int(q, 1);
		if (strcmp(f, "_prior") == 0) {
			lambda = sqlite3_column_double(q, 2);
			continue;
		}
		for (int k = 0; k < NFIELDS; k++)
			if (strcmp(bh_rs_fields[k].name, f) == 0 && l > 0 && l < BH_NLEVELS) {
				mm[k * BH_NLEVELS + l] = sqlite3_column_double(q, 2);
				uu[k * BH_NLEVELS + l] = sqlite3_column_double(q, 3);
				ur[k * BH_NLEVELS + l] = sqlite3_column_double(q, 4);
				got++;
			}
	}
	sqlite3_finalize(q);
	if (got < NFIELDS * (BH_NLEVELS - 1) || !(lambda > 0 && lambda < 1))
		return 0;
	return bh_matcher_set_model(c->m, mm, uu, ur, lambda) < 0 ? 0 : 1;
}

static int ctx_init(rctx *c, bh_store *s, double threshold)
{
	bh_match_opts mo;
	c->s = s;
	c->splits.size = c->applied.size = sizeof(upair);
	c->rec_ent.size = sizeof(int64_t);
	c->idrefs.size = sizeof(idref);
	c->idtext.size = c->nametext.size = 1;
	c->idrefs.limit = c->idtext.limit = c->nametext.limit = (size_t)1 << 36;
	c->splits.limit = c->applied.limit = c->rec_ent.limit = (size_t)1 << 34;
	bh_match_opts_default(&mo);
	mo.threshold = threshold;
	mo.em_u = 0; /* u from random pairs: see docs/resolve.md */
	mo.near = REVIEW_LO;
	return bh_matcher_new(&c->m, bh_rs_fields, NFIELDS, &mo);
}

int bh_rs_load(rctx *c, bh_store *s, double threshold, int64_t new_after, int64_t *first_new,
	       int64_t *id_merges, int64_t *judgment_merges)
{
	int rc;
	if ((rc = ctx_init(c, s, threshold)) < 0 || (rc = load_entities(c, NULL)) < 0)
		return rc;
	bh_timing("resolve: load: entities");
	if ((rc = load_judgments(c, judgment_merges)) < 0 || (rc = load_ids(c, id_merges)) < 0)
		return rc;
	bh_timing("resolve: load: judgments, identifiers");
	if ((rc = load_records(c, new_after, first_new, NULL)) < 0)
		return rc;
	return 0;
}

int bh_rs_load_two(rctx *c, bh_store *s, int64_t ra, int64_t rb)
{
	int64_t only[2] = {ra, rb}, first_new;
	int rc;
	if ((rc = ctx_init(c, s, 0.5)) < 0 || (rc = load_entities(c, only)) < 0 ||
	    (rc = load_records(c, INT64_MAX, &first_new, only)) < 0)
		return rc;
	return 0; /* the names stay: explain prints them */
}

/* ---- term frequencies for explain (resolve_tf) ---- */

/* What the store holds, cheaply: a source added or removed, an entity or
 * a statement added changes it (ingest replaces a changed file's rows
 * under a new source id). */
static int store_fingerprint(bh_store *s, char *out, size_t cap)
{
	sqlite3_stmt *q = NULL;
	int rc = bh_store_prepare(&q, s,
				  "SELECT (SELECT count(*) FROM source), (SELECT max(id) FROM source),"
				  " (SELECT max(rid) FROM entity), (SELECT max(rid) FROM statement)");
	if (rc < 0)
		return rc;
	if (sqlite3_step(q) != SQLITE_ROW) {
		rc = bh_store_fail(s, "resolve: reading the store's extent");
	} else {
		snprintf(out, cap, "%lld/%lld/%lld/%lld", (long long)sqlite3_column_int64(q, 0),
			 (long long)sqlite3_column_int64(q, 1), (long long)sqlite3_column_int64(q, 2),
			 (long long)sqlite3_column_int64(q, 3));
		rc = 0;
	}
	sqlite3_finalize(q);
	return rc;
}

/* resolve_tf rows gathered before they are written: the matcher yields
 * them in token and hash order, random to the table's key */
typedef struct {
	int f, kind;
	size_t off, n; /* the text in tf_rows.text */
	int64_t count;
} tf_row;

typedef struct {
	bh_vec rows; /* tf_row */
	bh_buf text;
} tf_rows;

static int collect_tf(int f, int kind, const char *text, size_t n, int64_t count, void *payload)
{
	tf_rows *t = payload;
	tf_row r = {f, kind, t->text.len, n, count};
	if (bh_buf_put(&t->text, text, n) < 0 || bh_vec_push(&t->rows, &r) < 0)
		return bh_error_set(BH_ENOMEM, "resolve: out of memory (term frequencies)");
	return 0;
}

/* resolve_tf's key order: field name, kind, text as SQLite's BINARY */
static int cmp_tf_row(const void *x, const void *y, void *arena)
{
	const tf_row *p = x, *q = y;
	int c = strcmp(bh_rs_fields[p->f].name, bh_rs_fields[q->f].name);
	if (c)
		return c;
	if (p->kind != q->kind)
		return p->kind < q->kind ? -1 : 1;
	size_t n = p->n < q->n ? p->n : q->n;
	c = n ? memcmp((const char *)arena + p->off, (const char *)arena + q->off, n) : 0;
	return c ? c : (p->n > q->n) - (p->n < q->n);
}

/* The frequencies of this run's records, so that explain need not load
 * every name to weigh two (and the extent of the store they describe),
 * written in key order (on 10M names: 0.9M rows). */
static int write_tf(rctx *c)
{
	sqlite3_stmt *ins = NULL;
	tf_rows t = {{0}, {0}};
	char fp[128];
	int rc;
	t.rows.size = sizeof(tf_row);
	t.rows.limit = (size_t)1 << 34;
	t.text.limit = (size_t)1 << 34;
	if ((rc = bh_store_exec(c->s, BH_SCHEMA_RESOLVE_TF)) < 0 ||
	    (rc = bh_store_exec(c->s, "DELETE FROM resolve_tf")) < 0 ||
	    (rc = store_fingerprint(c->s, fp, sizeof fp)) < 0 ||
	    (rc = bh_store_prepare(&ins, c->s, "INSERT INTO resolve_tf(field, kind, text, n)"
					       " VALUES(?1, ?2, ?3, ?4)")) < 0)
		goto done;
	sqlite3_bind_text(ins, 1, "_store", -1, SQLITE_STATIC);
	sqlite3_bind_int(ins, 2, 0);
	sqlite3_bind_text(ins, 3, fp, -1, SQLITE_STATIC);
	sqlite3_bind_int64(ins, 4, 0);
	if (sqlite3_step(ins) != SQLITE_DONE) {
		rc = bh_store_fail(c->s, "resolve: writing resolve_tf");
		goto done;
	}
	sqlite3_reset(ins);
	if ((rc = bh_matcher_each_freq(c->m, collect_tf, &t)) < 0)
		goto done;
	if (t.rows.n)
		qsort_r(t.rows.p, t.rows.n, sizeof(tf_row), cmp_tf_row, t.text.p);
	for (size_t k = 0; k < t.rows.n; k++) {
		const tf_row *r = &BH_VEC_AT(t.rows, tf_row, k);
		sqlite3_bind_text(ins, 1, bh_rs_fields[r->f].name, -1, SQLITE_STATIC);
		sqlite3_bind_int(ins, 2, r->kind);
		sqlite3_bind_text(ins, 3, r->n ? t.text.p + r->off : "", (int)r->n, SQLITE_STATIC);
		sqlite3_bind_int64(ins, 4, r->count);
		if (sqlite3_step(ins) != SQLITE_DONE) {
			rc = bh_store_fail(c->s, "resolve: writing resolve_tf");
			goto done;
		}
		sqlite3_reset(ins);
	}
done:
	sqlite3_finalize(ins);
	bh_vec_free(&t.rows);
	bh_buf_free(&t.text);
	return rc;
}

typedef struct {
	sqlite3_stmt *get;
} tf_reader;

static int64_t read_tf(tf_reader *r, int f, int kind, const char *text, size_t n)
{
	int64_t v = 0;
	sqlite3_bind_text(r->get, 1, bh_rs_fields[f].name, -1, SQLITE_STATIC);
	sqlite3_bind_int(r->get, 2, kind);
	sqlite3_bind_text(r->get, 3, text, (int)n, SQLITE_STATIC);
	if (sqlite3_step(r->get) == SQLITE_ROW)
		v = sqlite3_column_int64(r->get, 0);
	sqlite3_reset(r->get);
	return v;
}

static int64_t tf_token(int f, const char *tok, size_t n, void *payload)
{
	return read_tf(payload, f, 1, tok, n);
}

static int64_t tf_value(int f, const char *text, size_t n, void *payload)
{
	return read_tf(payload, f, 2, text, n);
}

int bh_rs_prepare_stored(rctx *c)
{
	sqlite3_stmt *q = NULL;
	tf_reader r = {NULL};
	bh_match_freqs fq;
	char fp[128];
	int rc, fresh = 0;
	memset(&fq, 0, sizeof fq);
	/* a store without the table (resolved by an older build) or changed
	 * since: the caller weighs with every record instead */
	if (bh_store_prepare(&q, c->s, "SELECT text FROM resolve_tf WHERE field = '_store' AND kind = 0") < 0) {
		bh_error_clear();
		return 0;
	}
	if ((rc = store_fingerprint(c->s, fp, sizeof fp)) < 0)
		goto done;
	fresh = sqlite3_step(q) == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(q, 0), fp) == 0;
	sqlite3_finalize(q);
	q = NULL;
	if (!fresh) {
		rc = 0;
		goto done;
	}
	if ((rc = bh_store_prepare(&r.get, c->s,
				   "SELECT n FROM resolve_tf WHERE field = ?1 AND kind = ?2 AND text = ?3")) < 0)
		goto done;
	for (int f = 0; f < NFIELDS; f++)
		fq.nonmissing[f] = read_tf(&r, f, 0, "", 0);
	fq.token_df = tf_token;
	fq.value_freq = tf_value;
	fq.payload = &r;
	rc = bh_matcher_prepare_freqs(c->m, &fq);
	rc = rc < 0 ? rc : 1;
done:
	sqlite3_finalize(q);
	sqlite3_finalize(r.get);
	return rc;
}

/* ---- writing ---- */

static int write_clusters(rctx *c, bh_resolve_report *r)
{
	sqlite3_stmt *ins = NULL;
	int64_t *canon = malloc((size_t)(c->n ? c->n : 1) * sizeof *canon);
	int64_t *size = calloc((size_t)(c->n ? c->n : 1), sizeof *size);
	int rc = 0;
	if (!canon || !size) {
		rc = bh_error_set(BH_ENOMEM, "resolve: out of memory");
		goto done;
	}
	for (int64_t i = 0; i < c->n; i++)
		canon[i] = -1;
	for (int64_t i = 0; i < c->n; i++) {
		int64_t root = bh_uf_find(c->uf, i), *best = &canon[root];
		size[root]++;
		if (*best < 0 || c->rank[i] < c->rank[*best])
			*best = i;
	}
	/* the index on canon is built once, after the rows (sorting them once),
	 * instead of taking 3M inserts in random order at 10M entities */
	if ((rc = bh_store_exec(c->s, "DROP INDEX IF EXISTS cluster_canon")) < 0 ||
	    (rc = bh_store_exec(c->s, "DELETE FROM cluster")) < 0 ||
	    (rc = bh_store_prepare(&ins, c->s, "INSERT INTO cluster(entity, canon) VALUES(?1, ?2)")) < 0)
		goto done;
	for (int64_t i = 0; i < c->n; i++) {
		int64_t root = bh_uf_find(c->uf, i), k = canon[root];
		if (root == i) {
			r->clusters++;
			r->multi_clusters += size[i] > 1;
		}
		if (k == i)
			continue;
		sqlite3_bind_int64(ins, 1, c->rid[i]);
		sqlite3_bind_int64(ins, 2, c->rid[k]);
		if (sqlite3_step(ins) != SQLITE_DONE) {
			rc = bh_store_fail(c->s, "resolve: writing clusters");
			goto done;
		}
		sqlite3_reset(ins);
	}
	rc = bh_store_exec(c->s, "CREATE INDEX cluster_canon ON cluster(canon)");
done:
	sqlite3_finalize(ins);
	free(canon);
	free(size);
	return rc;
}

/* Writes the unions in resolve_pair's key order (entity indexes follow
 * their rowids; unite() records a pair once at most): inserted in the
 * order of their weights, 3M pairs rewrote random B-tree pages over and
 * over. */
static int write_pairs(rctx *c)
{
	sqlite3_stmt *ins = NULL;
	int rc;
	if ((rc = bh_store_exec(c->s, "DELETE FROM resolve_pair")) < 0 ||
	    (rc = bh_store_prepare(&ins, c->s,
				   "INSERT OR REPLACE INTO resolve_pair(a, b, prob, weight, reason)"
				   " VALUES(?1, ?2, ?3, ?4, ?5)")) < 0)
		return rc;
	if (c->applied.n)
		sort_by_pair(&c->applied); /* each pair once: no two equal */
	for (size_t k = 0; k < c->applied.n; k++) {
		const upair *p = &BH_VEC_AT(c->applied, upair, k);
		int64_t a = c->rid[p->a], b = c->rid[p->b];
		sqlite3_bind_int64(ins, 1, a < b ? a : b);
		sqlite3_bind_int64(ins, 2, a < b ? b : a);
		sqlite3_bind_double(ins, 3, isinf(p->w) ? 1.0 : 1.0 / (1.0 + exp2(-p->w)));
		if (isinf(p->w))
			sqlite3_bind_null(ins, 4); /* settled, not scored */
		else
			sqlite3_bind_double(ins, 4, p->w);
		sqlite3_bind_text(ins, 5, p->reason, -1, SQLITE_STATIC);
		if (sqlite3_step(ins) != SQLITE_DONE) {
			rc = bh_store_fail(c->s, "resolve: writing pairs");
			break;
		}
		sqlite3_reset(ins);
	}
	sqlite3_finalize(ins);
	return rc;
}

static int write_model(rctx *c)
{
	sqlite3_stmt *ins = NULL;
	int rc;
	if ((rc = bh_store_exec(c->s, "DELETE FROM resolve_model")) < 0 ||
	    (rc = bh_store_prepare(&ins, c->s,
				   "INSERT INTO resolve_model(field, level, m, u, urand)"
				   " VALUES(?1, ?2, ?3, ?4, ?5)")) < 0)
		return rc;
	for (int f = -1; f < NFIELDS && rc == 0; f++)
		for (int l = f < 0 ? 0 : 1; l < (f < 0 ? 1 : BH_NLEVELS); l++) {
			sqlite3_bind_text(ins, 1, f < 0 ? "_prior" : bh_rs_fields[f].name, -1, SQLITE_STATIC);
			sqlite3_bind_int(ins, 2, l);
			sqlite3_bind_double(ins, 3, f < 0 ? bh_matcher_lambda(c->m) : bh_matcher_m(c->m, f, l));
			sqlite3_bind_double(ins, 4, f < 0 ? 0 : bh_matcher_u(c->m, f, l));
			sqlite3_bind_double(ins, 5, f < 0 ? 0 : bh_matcher_urand(c->m, f, l));
			if (sqlite3_step(ins) != SQLITE_DONE)
				rc = bh_store_fail(c->s, "resolve: writing the model");
			sqlite3_reset(ins);
		}
	sqlite3_finalize(ins);
	return rc;
}

/* ---- the review queue ---- */

static int review_add(bh_vec *review, int64_t a, int64_t b, double w, const char *outcome)
{
	double p = 1.0 / (1.0 + exp2(-w));
	if (a == b || !(p >= REVIEW_LO && p < REVIEW_HI))
		return 0;
	upair r = {a < b ? a : b, a < b ? b : a, w, outcome};
	return bh_vec_push(review, &r);
}

typedef struct {
	rctx *c;
	bh_vec *review;
} near_ctx;

/* A near miss (or cut bridge) of two names whose entities stayed apart. */
static int collect_near(int64_t i, int64_t j, double w, int cut, void *payload)
{
	near_ctx *nc = payload;
	int64_t a = BH_VEC_AT(nc->c->rec_ent, int64_t, i), b = BH_VEC_AT(nc->c->rec_ent, int64_t, j);
	if (bh_uf_find(nc->c->uf, a) == bh_uf_find(nc->c->uf, b))
		return 0; /* one entity by other evidence: nothing to decide */
	return review_add(nc->review, a, b, w, cut ? "cut" : "below");
}

/* The Review page's order: the most uncertain first (smallest |weight|),
 * then by the entities (whose indexes follow their rowids). */
static int cmp_upair_doubt(const void *x, const void *y)
{
	const upair *p = x, *q = y;
	double u = fabs(p->w), v = fabs(q->w);
	if (u != v)
		return u < v ? -1 : 1;
	if (p->a != q->a)
		return p->a < q->a ? -1 : 1;
	return (p->b > q->b) - (p->b < q->b);
}

/* REVIEW_MAX, or less by $BEHIND_REVIEW_MAX (tests) */
static size_t review_max(void)
{
	const char *e = getenv("BEHIND_REVIEW_MAX");
	long v = e ? strtol(e, NULL, 10) : 0;
	return v > 0 && v < REVIEW_MAX ? (size_t)v : REVIEW_MAX;
}

/* One pair per entity pair (the highest weight of its names), and of
 * those the `max` most uncertain, sorted by pair again; *left counts the
 * others. */
static void review_keep(bh_vec *review, size_t max, int64_t *left)
{
	size_t n = 0;
	*left = 0;
	if (!review->n)
		return;
	sort_by_pair_outcome(review);
	for (size_t k = 0; k < review->n; k++) {
		const upair *p = &BH_VEC_AT(*review, upair, k);
		if (n > 0 && BH_VEC_AT(*review, upair, n - 1).a == p->a &&
		    BH_VEC_AT(*review, upair, n - 1).b == p->b)
			continue;
		BH_VEC_AT(*review, upair, n++) = *p;
	}
	review->n = n;
	if (n <= max)
		return;
	sort_by_doubt(review); /* one item a pair now: no two equal */
	*left = (int64_t)(n - max);
	review->n = max;
	sort_by_pair(review);
}

/* Writes the review pairs, one per entity pair, with explain's reasons
 * for their closest names (so the queue needs no model to show them). A
 * full run starts the table afresh; an incremental one replaces the pairs
 * it scored again and keeps the others, then the table keeps its
 * REVIEW_MAX most uncertain. *left counts the uncertain pairs not kept. */
static int write_review(rctx *c, bh_vec *review, int full, int64_t *n, int64_t *left)
{
	sqlite3_stmt *ins = NULL;
	char *why = NULL;
	size_t whylen = 0;
	int rc;
	size_t max = review_max();
	*n = 0;
	review_keep(review, max, left);
	if ((rc = bh_store_exec(c->s, BH_SCHEMA_RESOLVE_REVIEW)) < 0 ||
	    (full && (rc = bh_store_exec(c->s, "DELETE FROM resolve_review")) < 0))
		return rc;
	if ((rc = bh_store_prepare(&ins, c->s,
				   "INSERT OR REPLACE INTO resolve_review(a, b, prob, weight, outcome,"
				   " reasons) VALUES(?1, ?2, ?3, ?4, ?5, ?6)")) < 0)
		return rc;
	for (size_t k = 0; k < review->n; k++) {
		const upair *p = &BH_VEC_AT(*review, upair, k);
		sqlite3_bind_int64(ins, 1, c->rid[p->a]);
		sqlite3_bind_int64(ins, 2, c->rid[p->b]);
		sqlite3_bind_double(ins, 3, 1.0 / (1.0 + exp2(-p->w)));
		sqlite3_bind_double(ins, 4, p->w);
		sqlite3_bind_text(ins, 5, p->reason, -1, SQLITE_STATIC);
		int64_t bi, bj;
		FILE *f = open_memstream(&why, &whylen);
		bh_rs_closest(&bi, &bj, c, p->a, p->b);
		if (!f) {
			rc = bh_error_set(BH_ENOMEM, "resolve: out of memory");
			break;
		}
		fputc('{', f);
		rc = bi >= 0 ? bh_rs_reasons_json(f, c->m, bi, bj) : 0;
		fputc('}', f);
		if (fclose(f) != 0 && rc == 0)
			rc = bh_error_set(BH_ENOMEM, "resolve: out of memory");
		if (rc < 0)
			break;
		sqlite3_bind_text(ins, 6, why, (int)whylen, SQLITE_STATIC);
		if (sqlite3_step(ins) != SQLITE_DONE) {
			rc = bh_store_fail(c->s, "resolve: writing the review queue");
			break;
		}
		sqlite3_reset(ins);
		free(why);
		why = NULL;
		(*n)++;
	}
	free(why);
	sqlite3_finalize(ins);
	if (rc == 0 && !full) {
		/* the table is the old queue and this run's: keep the same cap */
		char sql[256];
		snprintf(sql, sizeof sql,
			 "DELETE FROM resolve_review WHERE (a, b) NOT IN (SELECT a, b FROM resolve_review"
			 " ORDER BY abs(weight), a, b LIMIT %zu)",
			 max);
		if ((rc = bh_store_exec(c->s, sql)) == 0)
			*left += sqlite3_changes(c->s->db);
		/* the queue is what the report counts, not this run's share */
		sqlite3_stmt *q = NULL;
		if (rc == 0 && (rc = bh_store_prepare(&q, c->s, "SELECT count(*) FROM resolve_review")) == 0 &&
		    sqlite3_step(q) == SQLITE_ROW)
			*n = sqlite3_column_int64(q, 0);
		sqlite3_finalize(q);
	}
	return rc;
}

/* ---- the run ---- */

typedef struct {
	rctx *c;
	bh_vec *edges;
} collect_ctx;

static int collect_pair(int64_t i, int64_t j, double w, void *payload)
{
	collect_ctx *cc = payload;
	int64_t a = BH_VEC_AT(cc->c->rec_ent, int64_t, i), b = BH_VEC_AT(cc->c->rec_ent, int64_t, j);
	if (a == b)
		return 0;
	upair p = {a < b ? a : b, a < b ? b : a, w, "name"};
	return bh_vec_push(cc->edges, &p);
}

/* Earlier scored pairs (incremental runs reuse them without rescoring). */
static int load_old_pairs(rctx *c, bh_vec *edges)
{
	sqlite3_stmt *q = NULL;
	int rc = bh_store_prepare(&q, c->s, "SELECT a, b, weight FROM resolve_pair WHERE reason = 'name'");
	if (rc < 0)
		return rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		int64_t a = bh_rs_entity(c, sqlite3_column_int64(q, 0));
		int64_t b = bh_rs_entity(c, sqlite3_column_int64(q, 1));
		if (a < 0 || b < 0)
			continue;
		upair p = {a, b, sqlite3_column_double(q, 2), "name"};
		if (sqlite3_column_type(q, 2) == SQLITE_NULL)
			p.w = INFINITY;
		if (bh_vec_push(edges, &p) < 0) {
			sqlite3_finalize(q);
			return BH_ENOMEM;
		}
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : bh_store_fail(c->s, "resolve: reading earlier pairs");
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int bh_resolve_store(bh_resolve_report *out, bh_store *s, const bh_resolve_opts *o)
{
	rctx c = {0};
	bh_vec edges = {0}, review = {0};
	sqlite3_stmt *q = NULL;
	int rc, began = 0;
	int64_t last_max = -1, first_new = 0, max_rid = 0;
	double t0 = now();
	bh_resolve_opts def;
	char started[32];
	time_t tt = time(NULL);
	struct tm tmv;

	if (!o) {
		bh_resolve_opts_default(&def);
		o = &def;
	}
	memset(out, 0, sizeof *out);
	gmtime_r(&tt, &tmv);
	strftime(started, sizeof started, "%Y-%m-%dT%H:%M:%SZ", &tmv);
	edges.size = review.size = sizeof(upair);
	edges.limit = review.limit = (size_t)1 << 34;
	if ((rc = bh_store_begin(s)) < 0)
		goto done;
	began = 1;
	if (!o->full) {
		if ((rc = bh_store_prepare(&q, s, "SELECT max_entity FROM resolve_run ORDER BY id DESC LIMIT 1")) < 0)
			goto done;
		if (sqlite3_step(q) == SQLITE_ROW)
			last_max = sqlite3_column_int64(q, 0);
		sqlite3_finalize(q);
		q = NULL;
	}
	if (o->progress)
		fprintf(o->progress, "resolve: loading entities\n");
	bh_timing("resolve: start");
	if ((rc = bh_rs_load(&c, s, o->threshold, last_max, &first_new, &out->id_merges,
			   &out->judgment_merges)) < 0)
		goto done;
	free_names(&c); /* the matcher holds the records now (explain keeps them) */
	bh_timing("resolve: load (entities, names, ids)");
	out->incremental = last_max >= 0 && bh_rs_load_model(&c) == 1;
	if (out->incremental) {
		bh_matcher_set_first_new(c.m, first_new);
		if ((rc = load_old_pairs(&c, &edges)) < 0)
			goto done;
	}
	out->entities = c.n;
	out->records = (int64_t)c.rec_ent.n;
	for (int64_t i = 0; i < c.n; i++) {
		if (c.rid[i] > max_rid)
			max_rid = c.rid[i];
		out->new_entities += c.rid[i] > last_max;
	}
	if (o->progress)
		fprintf(o->progress, "resolve: %lld entities (%lld new), %lld names; scoring\n",
			(long long)c.n, (long long)out->new_entities, (long long)out->records);
	if ((rc = bh_matcher_run(c.m)) < 0)
		goto done;
	/* the matcher's steps have their timing lines ("resolve: block: ...") */
	bh_match_stats st;
	bh_matcher_stats(c.m, &st);
	out->candidates = st.candidates;
	collect_ctx cc = {&c, &edges};
	if ((rc = bh_matcher_each_pair(c.m, collect_pair, &cc)) < 0)
		goto done;
	if (edges.n)
		sort_by_prob(&edges); /* equal items are the same pair, weight and reason */
	for (size_t k = 0; k < edges.n; k++) {
		const upair *p = &BH_VEC_AT(edges, upair, k);
		int r = unite(&c, p->a, p->b, U_SCORE, p->w, "name");
		if (r < -1 || (r != 0 && review_add(&review, p->a, p->b, p->w,
						    r == 1 ? "united" : "refused") < 0)) {
			rc = BH_ENOMEM;
			goto done;
		}
		out->name_merges += r == 1;
	}
	out->refused = c.refused;
	bh_timing("resolve: unions");
	near_ctx nc = {&c, &review};
	if ((rc = bh_matcher_each_near(c.m, collect_near, &nc)) < 0 ||
	    (rc = write_review(&c, &review, !out->incremental, &out->review, &out->review_left)) < 0)
		goto done;
	bh_timing("resolve: review queue");
	if ((rc = write_clusters(&c, out)) < 0 || (rc = write_pairs(&c)) < 0 || (rc = write_tf(&c)) < 0 ||
	    (!out->incremental && (rc = write_model(&c)) < 0))
		goto done;
	bh_timing("resolve: write clusters, pairs, tf, model");
	out->secs = now() - t0;
	if ((rc = bh_store_prepare(&q, s,
				   "INSERT INTO resolve_run(started, secs, mode, entities, new_entities,"
				   " candidates, id_merges, name_merges, refused, clusters, max_entity)"
				   " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)")) < 0)
		goto done;
	sqlite3_bind_text(q, 1, started, -1, SQLITE_STATIC);
	sqlite3_bind_double(q, 2, out->secs);
	sqlite3_bind_text(q, 3, out->incremental ? "incremental" : "full", -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 4, out->entities);
	sqlite3_bind_int64(q, 5, out->new_entities);
	sqlite3_bind_int64(q, 6, out->candidates);
	sqlite3_bind_int64(q, 7, out->id_merges);
	sqlite3_bind_int64(q, 8, out->name_merges);
	sqlite3_bind_int64(q, 9, out->refused);
	sqlite3_bind_int64(q, 10, out->clusters);
	sqlite3_bind_int64(q, 11, max_rid > last_max ? max_rid : last_max);
	if (sqlite3_step(q) != SQLITE_DONE) {
		rc = bh_store_fail(s, "resolve: logging the run");
		goto done;
	}
	rc = bh_store_commit(s);
	began = 0;
	bh_timing("resolve: commit");
done:
	if (began)
		bh_store_rollback(s);
	sqlite3_finalize(q);
	bh_vec_free(&edges);
	bh_vec_free(&review);
	bh_rs_ctx_free(&c);
	return rc;
}
