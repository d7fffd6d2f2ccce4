/* The index of broad words that keeps `behind search` cheap (search.c).
 *
 * A full-text query costs about 0.2 us per posting of a prefix it has to
 * merge and 5-15 us per matching name (rank, statement, cluster, grouping):
 * "committee" matches 49,000 names of 8,700 clusters and took 0.2-0.7 s. So
 * for every word or prefix of a word whose postings in name_fts (names x
 * distinct words under it, from fts5vocab) exceed `broad`, this file keeps
 * the `top` clusters whose names use it most: those holding it as a whole
 * word first, then by weight = the records behind the cluster's names that
 * hold it, which is what search reports as `records`. A query on such a
 * word reads one range of search_top.
 *
 *   search_key(key, postings)             every broad word or prefix
 *   search_top(key, pos, canon, weight)   its clusters, best first
 *   search_meta(built_from, broad, top)   what it describes
 *
 * `behind resolve` builds it after writing the clusters (and `behind search
 * --reindex`). It is only read while it describes the store as it is: the
 * meta row records the sources (count, last id, last ingest time, rows) and
 * the last resolve run, and search falls back to the full-text query when
 * either changed. Judgments are not part of it: they change clusters only
 * at the next resolve, which rebuilds the index. */
#include "query/searchInt.h"
#include "util/err.h"
#include "util/map.h"
#include "util/timing.h"

#include <stdlib.h>
#include <string.h>

/* ---- the tokenizer of name_fts ----------------------------------------- */

struct bh_search_tok {
	fts5_tokenizer api;
	Fts5Tokenizer *tok;
};

int bh_search_tok_open(bh_search_tok **out, bh_store *s)
{
	static const char *const args[] = {"remove_diacritics", "2"};
	fts5_api *fts = NULL;
	sqlite3_stmt *q = NULL;
	void *ud = NULL;
	bh_search_tok *t = NULL;

	*out = NULL;
	if (bh_store_cached(&q, s, "SELECT fts5(?1)") == 0) {
		sqlite3_bind_pointer(q, 1, (void *)&fts, "fts5_api_ptr", NULL);
		sqlite3_step(q);
	}
	bh_store_release(s, q);
	if (!fts || fts->iVersion < 2)
		return bh_error_set(BH_EDB, "search: this SQLite has no FTS5 API");
	if (!(t = calloc(1, sizeof *t)))
		return BH_ENOMEM;
	if (fts->xFindTokenizer(fts, "unicode61", &ud, &t->api) != SQLITE_OK ||
	    t->api.xCreate(ud, (const char **)args, 2, &t->tok) != SQLITE_OK) {
		free(t);
		return bh_error_set(BH_EDB, "search: no unicode61 tokenizer");
	}
	*out = t;
	return 0;
}

void bh_search_tok_close(bh_search_tok *t)
{
	if (!t)
		return;
	t->api.xDelete(t->tok);
	free(t);
}

typedef struct {
	int (*fn)(const char *tok, size_t n, void *payload);
	void *payload;
} tok_cb;

static int on_fts5_token(void *ctx, int flags, const char *tok, int n, int start, int end)
{
	tok_cb *c = ctx;
	(void)flags;
	(void)start;
	(void)end;
	return c->fn(tok, (size_t)n, c->payload);
}

int bh_search_tok_each(bh_search_tok *t, const char *text, size_t len,
		       int (*fn)(const char *tok, size_t n, void *payload), void *payload)
{
	tok_cb c = {fn, payload};
	return t->api.xTokenize(t->tok, &c, FTS5_TOKENIZE_DOCUMENT, text, (int)len, on_fts5_token);
}

/* ---- freshness ------------------------------------------------------------ */

/* SQL text: the sources the index was built from, as one string; with the
 * last resolve run, what readers check. */
#define SEARCH_SOURCES                                                                             \
	"(SELECT count(*) || ':' || coalesce(max(id), 0) || ':' || coalesce(max(ingested_at), '')"  \
	" || ':' || total(rows) FROM source)"
#define SEARCH_BUILT_FROM                                                                          \
	SEARCH_SOURCES " || ' run:' || (SELECT coalesce(max(id), 0) FROM resolve_run)"

int bh_search_index_fresh(int *out, int *broad, bh_store *s)
{
	sqlite3_stmt *q = NULL;
	int64_t version = -1;
	int rc;
	*out = 0;
	*broad = 0;
	/* A read-only handle (the server's) remembers the answer until another
	 * connection commits: the sources' summary was a fifth of a search. */
	if (s->readonly && (rc = bh_store_data_version(&version, s)) < 0)
		return rc;
	if (version >= 0 && version == s->search_version) {
		*out = s->search_fresh;
		*broad = s->search_broad;
		return 0;
	}
	/* absent in a store not resolved by this version: not an error */
	if (bh_store_cached(&q, s,
			    "SELECT built_from = (" SEARCH_BUILT_FROM "), broad FROM search_meta") < 0) {
		bh_error_clear();
	} else {
		if (sqlite3_step(q) == SQLITE_ROW) {
			*out = sqlite3_column_int(q, 0) == 1;
			*broad = sqlite3_column_int(q, 1);
		}
		bh_store_release(s, q);
	}
	if (version >= 0) {
		s->search_version = version;
		s->search_fresh = *out;
		s->search_broad = *broad;
	}
	return 0;
}

/* ---- the build ------------------------------------------------------------ */

typedef struct {
	int64_t exact, weight, canon; /* exact: a name holds the key as a whole word */
} top_ent;

typedef struct {
	bh_map prefixes; /* prefix -> postings; then broad key index + 1, or 0 */
	const char **key;
	int64_t *postings;
	size_t nkeys, capkeys;
	int64_t broad;
	int top;
	top_ent *heap; /* nkeys x top: per key the best clusters so far, worst first */
	int *heapn;
	int64_t *w, *ex, *stamp_c, *stamp_s; /* per key in this cluster: weight, whole word;
					      * last cluster/name that held it */
	size_t *touched, ntouched;      /* keys that this cluster's names hold */
	int64_t canon, stmt, n;
} build;

static void build_free(build *b)
{
	bh_map_free(&b->prefixes);
	free(b->key);
	free(b->postings);
	free(b->heap);
	free(b->heapn);
	free(b->w);
	free(b->ex);
	free(b->stamp_c);
	free(b->stamp_s);
	free(b->touched);
}

/* Whether byte i of a UTF-8 word starts a character (or is its end). */
static int char_start(const char *w, size_t i, size_t n)
{
	return i == n || ((unsigned char)w[i] & 0xC0) != 0x80;
}

/* The postings of every prefix of every word of name_fts. */
static int count_prefixes(build *b, bh_store *s)
{
	sqlite3_stmt *q = NULL;
	int rc;
	if ((rc = bh_store_exec(s, "DROP TABLE IF EXISTS temp.search_vocab;"
				   "CREATE VIRTUAL TABLE temp.search_vocab"
				   " USING fts5vocab(main, name_fts, row);")) < 0 ||
	    (rc = bh_store_prepare(&q, s, "SELECT term, doc FROM temp.search_vocab")) < 0)
		return rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *term = (const char *)sqlite3_column_text(q, 0);
		size_t n = (size_t)sqlite3_column_bytes(q, 0);
		int64_t doc = sqlite3_column_int64(q, 1), *v;
		for (size_t l = 1; l <= n; l++) {
			if (!char_start(term, l, n))
				continue;
			if ((rc = bh_map_put(&v, NULL, &b->prefixes, term, l)) < 0)
				goto done;
			*v += doc;
		}
	}
	rc = rc == SQLITE_DONE ? 0 : bh_store_fail(s, "search index: reading the names' words");
done:
	sqlite3_finalize(q);
	if (rc == 0)
		rc = bh_store_exec(s, "DROP TABLE temp.search_vocab");
	return rc;
}

/* bh_map_each callback: numbers the broad prefixes, marks the others 0. */
static int pick_key(const char *key, size_t n, int64_t *value, void *payload)
{
	build *b = payload;
	(void)n;
	if (*value <= b->broad) {
		*value = 0;
		return 0;
	}
	if (b->nkeys == b->capkeys) {
		size_t cap = b->capkeys ? 2 * b->capkeys : 1024;
		const char **k = realloc(b->key, cap * sizeof *k);
		int64_t *p = k ? realloc(b->postings, cap * sizeof *p) : NULL;
		if (k)
			b->key = k;
		if (!p)
			return BH_ENOMEM;
		b->postings = p;
		b->capkeys = cap;
	}
	b->key[b->nkeys] = key;
	b->postings[b->nkeys] = *value;
	*value = (int64_t)++b->nkeys;
	return 0;
}

/* a ranks below b: a cluster holding the key as a whole word ranks above
 * one whose words only start with it ("geo": THE GEO GROUP before
 * GEORGIANS FOR ISAKSON), then more weight, then the smaller rowid */
static int worse(const top_ent *a, const top_ent *b)
{
	if (a->exact != b->exact)
		return a->exact < b->exact;
	return a->weight < b->weight || (a->weight == b->weight && a->canon > b->canon);
}

static void heap_push(top_ent *h, int *n, int cap, top_ent e)
{
	size_t i;
	if (*n < cap) {
		for (i = (size_t)(*n)++; i && worse(&e, &h[(i - 1) / 2]); i = (i - 1) / 2)
			h[i] = h[(i - 1) / 2];
		h[i] = e;
		return;
	}
	if (!worse(&h[0], &e))
		return;
	for (i = 0;;) { /* e replaces the worst kept: sift it down */
		size_t c = 2 * i + 1;
		if (c >= (size_t)cap)
			break;
		if (c + 1 < (size_t)cap && worse(&h[c + 1], &h[c]))
			c++;
		if (!worse(&h[c], &e))
			break;
		h[i] = h[c];
		i = c;
	}
	h[i] = e;
}

/* Tokenizer callback over one name: credits its records once to every
 * broad prefix of its words. A prefix that is not broad has no broad
 * extension (its postings bound theirs), so the walk stops there. */
static int credit(const char *tok, size_t n, void *payload)
{
	build *b = payload;
	int64_t *v;
	for (size_t l = 1; l <= n; l++) {
		if (!char_start(tok, l, n))
			continue;
		if (!bh_map_get(&v, &b->prefixes, tok, l) || !*v)
			break;
		size_t i = (size_t)*v - 1;
		if (b->stamp_c[i] != b->canon) {
			b->stamp_c[i] = b->canon;
			b->w[i] = 0;
			b->ex[i] = 0;
			b->touched[b->ntouched++] = i;
		}
		if (l == n)
			b->ex[i] = 1;
		if (b->stamp_s[i] == b->stmt)
			continue;
		b->stamp_s[i] = b->stmt;
		b->w[i] += b->n;
	}
	return 0;
}

static void flush_cluster(build *b)
{
	for (size_t k = 0; k < b->ntouched; k++) {
		size_t i = b->touched[k];
		top_ent e = {b->ex[i], b->w[i], b->canon};
		heap_push(b->heap + i * (size_t)b->top, &b->heapn[i], b->top, e);
	}
	b->ntouched = 0;
}

/* Every name statement, cluster by cluster. */
static int credit_names(build *b, bh_store *s)
{
	bh_search_tok *t = NULL;
	sqlite3_stmt *q = NULL;
	int rc;
	size_t k = b->nkeys ? b->nkeys : 1;

	b->heap = malloc(k * (size_t)b->top * sizeof *b->heap);
	b->heapn = calloc(k, sizeof *b->heapn);
	b->w = calloc(k, sizeof *b->w);
	b->ex = calloc(k, sizeof *b->ex);
	b->stamp_c = calloc(k, sizeof *b->stamp_c);
	b->stamp_s = calloc(k, sizeof *b->stamp_s);
	b->touched = calloc(k, sizeof *b->touched);
	if (!b->heap || !b->heapn || !b->w || !b->ex || !b->stamp_c || !b->stamp_s || !b->touched)
		return BH_ENOMEM;
	if (!b->nkeys)
		return 0;
	if ((rc = bh_search_tok_open(&t, s)) < 0 ||
	    (rc = bh_store_prepare(&q, s,
				   "SELECT " BH_CANON("st.entity") " AS k, st.value, st.n FROM statement st"
				   " WHERE st.prop = 'name' ORDER BY k")) < 0)
		goto done;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		int64_t canon = sqlite3_column_int64(q, 0);
		if (canon != b->canon) {
			flush_cluster(b);
			b->canon = canon;
		}
		b->stmt++;
		b->n = sqlite3_column_int64(q, 2);
		bh_search_tok_each(t, (const char *)sqlite3_column_text(q, 1),
				   (size_t)sqlite3_column_bytes(q, 1), credit, b);
	}
	flush_cluster(b);
	rc = rc == SQLITE_DONE ? 0 : bh_store_fail(s, "search index: reading the names");
done:
	sqlite3_finalize(q);
	bh_search_tok_close(t);
	return rc;
}

static int cmp_best(const void *x, const void *y)
{
	return worse(x, y) ? 1 : worse(y, x) ? -1 : 0;
}

/* Steps an INSERT and resets it; a failure names `table`. */
static int insert_row(sqlite3_stmt *q, bh_store *s, const char *table)
{
	int rc = sqlite3_step(q);
	sqlite3_reset(q);
	return rc == SQLITE_DONE ? 0 : bh_store_fail(s, table);
}

static int write_index(build *b, bh_store *s)
{
	sqlite3_stmt *qk = NULL, *qt = NULL;
	int rc;
	if ((rc = bh_store_prepare(&qk, s, "INSERT INTO search_key VALUES(?1, ?2)")) < 0 ||
	    (rc = bh_store_prepare(&qt, s, "INSERT INTO search_top VALUES(?1, ?2, ?3, ?4)")) < 0)
		goto done;
	for (size_t i = 0; i < b->nkeys; i++) {
		top_ent *h = b->heap + i * (size_t)b->top;
		qsort(h, (size_t)b->heapn[i], sizeof *h, cmp_best);
		sqlite3_bind_text(qk, 1, b->key[i], -1, SQLITE_STATIC);
		sqlite3_bind_int64(qk, 2, b->postings[i]);
		if ((rc = insert_row(qk, s, "search index: search_key")) < 0)
			goto done;
		sqlite3_bind_text(qt, 1, b->key[i], -1, SQLITE_STATIC);
		for (int j = 0; j < b->heapn[i] && rc == 0; j++) {
			sqlite3_bind_int(qt, 2, j);
			sqlite3_bind_int64(qt, 3, h[j].canon);
			sqlite3_bind_int64(qt, 4, h[j].weight);
			rc = insert_row(qt, s, "search index: search_top");
		}
		if (rc < 0)
			goto done;
	}
done:
	sqlite3_finalize(qk);
	sqlite3_finalize(qt);
	return rc;
}

/* The clusters the index was built with, as one string: how many rows
 * `cluster` has and their hash. */
static int clusters_hash(char *out, size_t cap, bh_store *s)
{
	uint64_t h;
	int64_t n;
	int rc = bh_query_clusters_hash(&h, &n, s);
	if (rc < 0)
		return rc;
	snprintf(out, cap, "%lld:%016llx", (long long)n, (unsigned long long)h);
	return 0;
}

int bh_search_index_refresh(bh_store *s, int broad, int top)
{
	sqlite3_stmt *q = NULL;
	char clusters[64];
	int rc, same = 0;
	if ((rc = clusters_hash(clusters, sizeof clusters, s)) < 0)
		return rc;
	/* a store indexed before search_meta had these columns: rebuilt */
	if (sqlite3_prepare_v2(s->db,
			       "SELECT 1 FROM search_meta WHERE broad = ?1 AND top = ?2"
			       " AND clusters = ?3 AND sources = " SEARCH_SOURCES,
			       -1, &q, NULL) == SQLITE_OK) {
		sqlite3_bind_int(q, 1, broad);
		sqlite3_bind_int(q, 2, top);
		sqlite3_bind_text(q, 3, clusters, -1, SQLITE_STATIC);
		same = sqlite3_step(q) == SQLITE_ROW;
	}
	sqlite3_finalize(q);
	if (!same)
		return bh_search_index_build(s, broad, top);
	rc = bh_store_exec(s, "UPDATE search_meta SET built_from = " SEARCH_BUILT_FROM);
	bh_timing("search index: kept");
	return rc;
}

int bh_search_index_build(bh_store *s, int broad, int top)
{
	build b = {0};
	char meta[1024], clusters[64];
	int rc;

	if (broad < 1 || top < 1)
		return bh_error_set(BH_EUSAGE, "search index: broad and top must be positive");
	b.broad = broad;
	b.top = top;
	if ((rc = bh_store_begin(s)) < 0)
		return rc;
	if ((rc = bh_store_exec(s, "DROP TABLE IF EXISTS search_key;"
				   "DROP TABLE IF EXISTS search_top;"
				   "DROP TABLE IF EXISTS search_meta;"
				   "CREATE TABLE search_key(key TEXT PRIMARY KEY,"
				   "  postings INTEGER NOT NULL) WITHOUT ROWID;"
				   "CREATE TABLE search_top(key TEXT NOT NULL, pos INTEGER NOT NULL,"
				   "  canon INTEGER NOT NULL, weight INTEGER NOT NULL,"
				   "  PRIMARY KEY(key, pos)) WITHOUT ROWID;"
				   "CREATE TABLE search_meta(built_from TEXT NOT NULL,"
				   "  broad INTEGER NOT NULL, top INTEGER NOT NULL,"
				   "  sources TEXT NOT NULL, clusters TEXT NOT NULL);")) < 0 ||
	    (rc = count_prefixes(&b, s)) < 0 || (rc = bh_map_each(&b.prefixes, pick_key, &b)) < 0 ||
	    (rc = credit_names(&b, s)) < 0 || (rc = write_index(&b, s)) < 0)
		goto done;
	if ((rc = clusters_hash(clusters, sizeof clusters, s)) < 0)
		goto done;
	snprintf(meta, sizeof meta,
		 "INSERT INTO search_meta SELECT " SEARCH_BUILT_FROM ", %d, %d, " SEARCH_SOURCES
		 ", '%s'",
		 broad, top, clusters);
	if ((rc = bh_store_exec(s, meta)) < 0)
		goto done;
	rc = bh_store_commit(s);
done:
	if (rc < 0)
		bh_store_rollback(s);
	build_free(&b);
	bh_timing("search index (search_key, search_top)");
	return rc;
}
