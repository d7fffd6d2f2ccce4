/* `behind search`: entities by name and awards by description, through the
 * full-text indexes (see query.h). Entities are grouped by cluster; awards
 * are grouped by award key and ranked by relevance, then by amount.
 *
 * Entities take one of three routes, chosen from what each would cost (a
 * full-text query costs ~0.2 us per posting of the prefix it merges and
 * 5-15 us per matching name):
 *   narrow   the full-text query of all the words, ranked by relevance
 *            (bm25), then by records: when the last word, a prefix, is not
 *            broad (search_index.c), or all the words match few names;
 *   filtered the full-text query of the complete words alone when they match
 *            few names, the prefix checked on each name by the index's own
 *            tokenizer, ranked the same way ("diamond s": "s*" has 254,000
 *            postings, "diamond" 144);
 *   broad    the precomputed clusters of the rarest broad word, most records
 *            first, each checked against all the words ("committee",
 *            "friends o").
 * Without a fresh index (a store not resolved by this version, or changed
 * since) every query takes the narrow route. */
#include "query/searchInt.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Route thresholds: the narrow route for a broad prefix with at most
 * PREFIX_MAX postings when the whole query matches at most NARROW_MAX
 * names (known without counting when a complete word is not broad and the
 * index's threshold is at most NARROW_MAX); the filtered route when the
 * complete words match at most FILTER_MAX names. */
enum { PREFIX_MAX = 10000, NARROW_MAX = 500, FILTER_MAX = 1000, MAX_WORDS = 16 };

/* A query's words as name_fts cuts them; the last is a prefix. */
typedef struct {
	char buf[1024];
	const char *w[MAX_WORDS];
	size_t n[MAX_WORDS];
	int nw, ntok; /* ntok: tokens of the word being cut */
	size_t used;
} words;

static int take_token(const char *tok, size_t n, void *payload)
{
	words *q = payload;
	if (++q->ntok > 1 || q->nw >= MAX_WORDS || q->used + n + 1 > sizeof q->buf)
		return 1;
	memcpy(q->buf + q->used, tok, n);
	q->w[q->nw] = q->buf + q->used;
	q->n[q->nw] = n;
	q->used += n + 1;
	return 0;
}

/* Cuts text into words as bh_fts_text() does, each folded by the
 * tokenizer; 0 when a word is not exactly one token (the phrase of the
 * full-text query then means more than a word: only the narrow route). */
static int cut_words(words *q, bh_search_tok *t, const char *text)
{
	const char *p = text;
	q->nw = 0;
	q->used = 0;
	for (;;) {
		while (*p && !isalnum((unsigned char)*p) && (unsigned char)*p < 0x80)
			p++;
		if (!*p)
			break;
		const char *b = p;
		while (*p && (isalnum((unsigned char)*p) || (unsigned char)*p >= 0x80))
			p++;
		q->ntok = 0;
		if (bh_search_tok_each(t, b, (size_t)(p - b), take_token, q) != 0 || q->ntok != 1)
			return 0;
		q->nw++;
	}
	return q->nw > 0;
}

/* Tokenizer callback over one name: which words it holds. */
typedef struct {
	const words *q;
	unsigned found;
} name_check;

static int check_token(const char *tok, size_t n, void *payload)
{
	name_check *c = payload;
	int last = c->q->nw - 1;
	for (int i = 0; i <= last; i++)
		if (i == last ? n >= c->q->n[i] && !memcmp(tok, c->q->w[i], c->q->n[i])
			      : n == c->q->n[i] && !memcmp(tok, c->q->w[i], n))
			c->found |= 1u << i;
	return 0;
}

/* Whether a name holds every word (the last as a prefix), as the
 * full-text query of all the words would find it. */
static int name_matches(bh_search_tok *t, const words *q, sqlite3_stmt *st, int col)
{
	name_check c = {q, 0};
	bh_search_tok_each(t, (const char *)sqlite3_column_text(st, col),
			   (size_t)sqlite3_column_bytes(st, col), check_token, &c);
	return c.found == (1u << q->nw) - 1;
}

/* The full-text query of words [0, nw): phrases, the last a prefix when
 * `prefix`. */
static void fts_of(char *out, size_t cap, const words *q, int nw, int prefix)
{
	size_t o = 0;
	out[0] = '\0';
	for (int i = 0; i < nw && o + q->n[i] + 5 < cap; i++)
		o += (size_t)snprintf(out + o, cap - o, "%s\"%.*s\"%s", i ? " " : "", (int)q->n[i],
				      q->w[i], prefix && i == nw - 1 ? "*" : "");
}

/* The statement of sql (kept prepared by the handle: bh_store_release()
 * gives it back) with ?1 = text (borrowed until then) and ?2 = n. */
static int prepare2(sqlite3_stmt **q, bh_store *s, const char *sql, const char *text, int tn,
		    int n)
{
	int rc = bh_store_cached(q, s, sql);
	if (rc < 0)
		return rc;
	sqlite3_bind_text(*q, 1, text, tn, SQLITE_STATIC);
	sqlite3_bind_int(*q, 2, n);
	return 0;
}

/* Names matching a full-text query, counted up to cap + 1. */
static int count_names(int64_t *out, bh_store *s, const char *fq, int cap)
{
	sqlite3_stmt *q = NULL;
	int rc = prepare2(&q, s,
			  "SELECT count(*) FROM (SELECT 1 FROM name_fts WHERE name_fts MATCH ?1 LIMIT ?2)",
			  fq, -1, cap + 1);
	if (rc < 0)
		return rc;
	rc = sqlite3_step(q) == SQLITE_ROW ? 0 : bh_store_fail(s, "search");
	*out = sqlite3_column_int64(q, 0);
	bh_store_release(s, q);
	return rc;
}

/* The postings of a broad word or prefix, 0 when it is not broad. */
static int64_t broad_postings(bh_store *s, const char *w, size_t n)
{
	sqlite3_stmt *q = NULL;
	int64_t p = 0;
	if (bh_store_cached(&q, s, "SELECT postings FROM search_key WHERE key = ?1") < 0)
		return 0;
	sqlite3_bind_text(q, 1, w, (int)n, SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_ROW)
		p = sqlite3_column_int64(q, 0);
	bh_store_release(s, q);
	return p;
}

/* ---- output ---------------------------------------------------------------- */

static void put_entity(FILE *out, int json, int k, const char *id, const char *kind,
		       const char *name, int64_t records)
{
	if (json) {
		fprintf(out, "%s\n{\"id\":", k ? "," : "");
		bh_json_str(out, id);
		fprintf(out, ",\"kind\":");
		bh_json_str(out, kind);
		fprintf(out, ",\"name\":");
		bh_json_str(out, name);
		fprintf(out, ",\"records\":%lld}", (long long)records);
	} else {
		fprintf(out, "  %-28s %-12s %s (%lld records)\n", id, kind, name, (long long)records);
	}
}

/* Writes cluster `canon` with its records; returns 1 when written. */
static int put_cluster(bh_store *s, FILE *out, int json, int k, int64_t canon, int64_t records)
{
	sqlite3_stmt *q = NULL;
	int rc = bh_store_cached(&q, s, "SELECT id, kind, name FROM entity WHERE rid = ?1");
	if (rc < 0)
		return rc;
	sqlite3_bind_int64(q, 1, canon);
	rc = sqlite3_step(q) == SQLITE_ROW;
	if (rc)
		put_entity(out, json, k, bh_col_text(q, 0), bh_col_text(q, 1), bh_col_text(q, 2),
			   records);
	bh_store_release(s, q);
	return rc;
}

/* ---- the routes -------------------------------------------------------------- */

/* narrow: every word through the full-text index; returns rows written */
static int route_narrow(bh_store *s, const char *fq, int limit, int json, FILE *out)
{
	sqlite3_stmt *q = NULL;
	int rc, k = 0;
	/* grouped and ranked first, the entity read for the `limit` clusters
	 * shown only (a cluster whose entity row is missing drops out before
	 * the limit, as a join of every hit would drop it) */
	rc = prepare2(
		&q, s,
		"WITH hits AS (SELECT " BH_CANON("st.entity") " AS c, f.rank AS r, st.n AS n"
		"   FROM name_fts f JOIN statement st ON st.rid = f.rowid WHERE name_fts MATCH ?1),"
		" g AS (SELECT h.c AS c, min(h.r) AS r, sum(h.n) AS n FROM hits h GROUP BY h.c"
		"   HAVING EXISTS (SELECT 1 FROM entity x WHERE x.rid = h.c)"
		"   ORDER BY min(h.r) + 0.0 - (sum(h.n) > 100) * 0.5, sum(h.n) DESC LIMIT ?2)"
		" SELECT e.id, e.kind, e.name, g.r, g.n FROM g CROSS JOIN entity e ON e.rid = g.c",
		fq, -1, limit);
	if (rc < 0)
		return rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		put_entity(out, json, k++, bh_col_text(q, 0), bh_col_text(q, 1), bh_col_text(q, 2),
			   sqlite3_column_int64(q, 4));
	bh_store_release(s, q);
	return rc == SQLITE_DONE ? k : bh_store_fail(s, "search");
}

typedef struct {
	int64_t canon, n;
	double rank;
} hit;

/* rank as the narrow route orders it: relevance, a bonus for clusters
 * named by over 100 records, then records */
static int cmp_hit(const void *x, const void *y)
{
	const hit *a = x, *b = y;
	double ra = a->rank - (a->n > 100) * 0.5, rb = b->rank - (b->n > 100) * 0.5;
	if (ra != rb)
		return ra < rb ? -1 : 1;
	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	return a->canon < b->canon ? -1 : a->canon > b->canon;
}

static int cmp_canon(const void *x, const void *y)
{
	const hit *a = x, *b = y;
	return a->canon < b->canon ? -1 : a->canon > b->canon;
}

/* filtered: the complete words through the full-text index (at most
 * FILTER_MAX names), the prefix checked on each name */
static int route_filtered(bh_store *s, bh_search_tok *t, const words *w, int limit, int json,
			  FILE *out)
{
	char fq[1024];
	sqlite3_stmt *q = NULL;
	hit *h = NULL;
	size_t nh = 0, nu = 0;
	int rc, k = 0;

	fts_of(fq, sizeof fq, w, w->nw - 1, 0);
	if (!(h = malloc((FILTER_MAX + 1) * sizeof *h)))
		return BH_ENOMEM;
	rc = prepare2(&q, s,
		      "SELECT " BH_CANON("st.entity") ", f.rank, st.n, st.value"
		      " FROM name_fts f JOIN statement st ON st.rid = f.rowid"
		      " WHERE name_fts MATCH ?1 LIMIT ?2",
		      fq, -1, FILTER_MAX + 1);
	if (rc < 0)
		goto done;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (!name_matches(t, w, q, 3))
			continue;
		h[nh].canon = sqlite3_column_int64(q, 0);
		h[nh].rank = sqlite3_column_double(q, 1);
		h[nh++].n = sqlite3_column_int64(q, 2);
	}
	if (rc != SQLITE_DONE) {
		rc = bh_store_fail(s, "search");
		goto done;
	}
	/* one hit per cluster: its best rank, its records */
	qsort(h, nh, sizeof *h, cmp_canon);
	for (size_t i = 0; i < nh; i++) {
		if (nu && h[nu - 1].canon == h[i].canon) {
			h[nu - 1].n += h[i].n;
			if (h[i].rank < h[nu - 1].rank)
				h[nu - 1].rank = h[i].rank;
		} else {
			h[nu++] = h[i];
		}
	}
	qsort(h, nu, sizeof *h, cmp_hit);
	rc = 0;
	for (size_t i = 0; i < nu && k < limit && rc >= 0; i++)
		if ((rc = put_cluster(s, out, json, k, h[i].canon, h[i].n)) > 0)
			k++;
done:
	bh_store_release(s, q);
	free(h);
	return rc < 0 ? rc : k;
}

/* broad: the clusters of the rarest broad word, most records first; with
 * one word they are the answer, else each is checked on its names */
static int route_broad(bh_store *s, bh_search_tok *t, const words *w, const char *key, size_t kn,
		       int limit, int json, FILE *out)
{
	sqlite3_stmt *q = NULL, *names = NULL;
	int rc, k = 0;

	if (w->nw == 1) {
		rc = prepare2(&q, s,
			      "SELECT e.id, e.kind, e.name, t.weight FROM search_top t"
			      " JOIN entity e ON e.rid = t.canon WHERE t.key = ?1 ORDER BY t.pos LIMIT ?2",
			      key, (int)kn, limit);
		if (rc < 0)
			return rc;
		while ((rc = sqlite3_step(q)) == SQLITE_ROW)
			put_entity(out, json, k++, bh_col_text(q, 0), bh_col_text(q, 1),
				   bh_col_text(q, 2), sqlite3_column_int64(q, 3));
		bh_store_release(s, q);
		return rc == SQLITE_DONE ? k : bh_store_fail(s, "search");
	}
	if ((rc = bh_store_cached(&q, s, "SELECT canon FROM search_top WHERE key = ?1 ORDER BY pos")) <
		    0 ||
	    (rc = bh_store_cached(&names, s,
				   "SELECT st.n, st.value FROM statement st WHERE st.prop = 'name'"
				   " AND st.entity IN (SELECT ?1 UNION ALL"
				   "  SELECT entity FROM cluster WHERE canon = ?1 AND entity <> ?1)")) < 0)
		goto done;
	sqlite3_bind_text(q, 1, key, (int)kn, SQLITE_STATIC);
	while (k < limit && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		int64_t canon = sqlite3_column_int64(q, 0), n = 0;
		sqlite3_bind_int64(names, 1, canon);
		while ((rc = sqlite3_step(names)) == SQLITE_ROW)
			if (name_matches(t, w, names, 1))
				n += sqlite3_column_int64(names, 0);
		sqlite3_reset(names);
		if (rc != SQLITE_DONE)
			break;
		if (n > 0) {
			if ((rc = put_cluster(s, out, json, k, canon, n)) < 0)
				goto done;
			k += rc;
		}
		rc = SQLITE_ROW;
	}
	rc = rc == SQLITE_DONE || rc == SQLITE_ROW ? k : bh_store_fail(s, "search");
done:
	bh_store_release(s, q);
	bh_store_release(s, names);
	return rc;
}

/* The entities part: picks the route (see the top of the file). */
static int search_entities(bh_store *s, const char *text, const char *fq, int limit, int json,
			   FILE *out)
{
	bh_search_tok *t = NULL;
	words *w = NULL;
	char fc[1024];
	int fresh = 0, rc;
	int64_t np, n;
	int best, last, broad, rare = 0;

	if (bh_search_index_fresh(&fresh, &broad, s) < 0 || !fresh || bh_search_tok_open(&t, s) < 0)
		return route_narrow(s, fq, limit, json, out);
	if (!(w = malloc(sizeof *w))) {
		bh_search_tok_close(t);
		return BH_ENOMEM;
	}
	if (!cut_words(w, t, text) ||
	    !(np = broad_postings(s, w->w[w->nw - 1], w->n[w->nw - 1]))) {
		rc = route_narrow(s, fq, limit, json, out);
		goto done;
	}
	if (w->nw > 1 && np <= PREFIX_MAX) {
		for (int i = 0; i < w->nw - 1 && broad <= NARROW_MAX; i++)
			rare |= !broad_postings(s, w->w[i], w->n[i]);
		n = 0;
		if (!rare && (rc = count_names(&n, s, fq, NARROW_MAX)) < 0)
			goto done;
		if (n <= NARROW_MAX) {
			rc = route_narrow(s, fq, limit, json, out);
			goto done;
		}
	}
	if (w->nw > 1) {
		fts_of(fc, sizeof fc, w, w->nw - 1, 0);
		if ((rc = count_names(&n, s, fc, FILTER_MAX)) < 0)
			goto done;
		if (n <= FILTER_MAX) {
			rc = route_filtered(s, t, w, limit, json, out);
			goto done;
		}
	}
	/* the rarest broad word: the prefix, or a complete word (whose
	 * clusters, as a prefix's, include every one that holds it) */
	best = last = w->nw - 1;
	for (int i = 0; i < last; i++) {
		int64_t p = broad_postings(s, w->w[i], w->n[i]);
		if (p && p < np) {
			np = p;
			best = i;
		}
	}
	rc = route_broad(s, t, w, w->w[best], w->n[best], limit, json, out);
done:
	free(w);
	bh_search_tok_close(t);
	return rc;
}

int bh_query_search(bh_store *s, const char *text, int limit, int json, FILE *out)
{
	char fq[1024], m[48], url[512];
	sqlite3_stmt *q = NULL;
	int rc, k = 0;

	bh_fts_text(fq, sizeof fq, text);
	if (!fq[0])
		return bh_error_set(BH_EUSAGE, "nothing to search for in '%s'", text);
	if (limit <= 0)
		limit = 20;
	if (json) {
		fprintf(out, "{\"query\":");
		bh_json_str(out, text);
		fprintf(out, ",\"entities\":[");
	} else {
		fprintf(out, "Entities matching '%s':\n", text);
	}
	if ((k = search_entities(s, text, fq, limit, json, out)) < 0)
		return k;
	if (!json && !k)
		fprintf(out, "  (none)\n");

	/* awards: transactions and summaries by description, subawards too */
	rc = bh_store_cached(
		&q, s,
		"WITH h AS ("
		"  SELECT t.award_key AS k, f.rank AS r, t.amount AS a, t.recipient AS who,"
		"         t.description AS d, t.action_date AS dt"
		"  FROM txn_fts f JOIN txn t ON t.rid = f.rowid WHERE txn_fts MATCH ?1"
		"  UNION ALL"
		"  SELECT a.award_key, f.rank, CASE WHEN EXISTS (SELECT 1 FROM txn x WHERE"
		"         x.award_key = a.award_key) THEN 0 ELSE a.amount END, a.recipient,"
		"         a.description, a.base_date"
		"  FROM award_fts f JOIN award a ON a.rid = f.rowid WHERE award_fts MATCH ?1)"
		/* the recipient's entity read for the awards shown, not for
		 * every matching row ("for": 1,136); `who` is a bare column, of
		 * the same row that e.name was when the join came first */
		" SELECT g.k, g.r, g.a, e.name, e.id, g.d, g.dt0, g.dt1 FROM"
		" (SELECT h.k AS k, min(h.r) AS r, sum(h.a) AS a, h.who AS who, max(h.d) AS d,"
		"   min(h.dt) AS dt0, max(h.dt) AS dt1"
		"   FROM h GROUP BY h.k ORDER BY min(h.r), sum(h.a) DESC LIMIT ?2) g"
		" LEFT JOIN entity e ON e.rid = g.who");
	if (rc < 0)
		return rc;
	sqlite3_bind_text(q, 1, fq, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 2, limit);
	if (json)
		fprintf(out, "\n],\"awards\":[");
	else
		fprintf(out, "\nAwards whose description matches '%s':\n", text);
	k = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *key = bh_col_text(q, 0);
		bh_award_url(url, sizeof url, key);
		if (json) {
			fprintf(out, "%s\n{\"award_key\":", k ? "," : "");
			bh_json_str(out, key);
			fprintf(out, ",\"amount\":");
			bh_json_money(out, sqlite3_column_int64(q, 2));
			fprintf(out, ",\"recipient\":");
			bh_json_str(out, bh_col_text(q, 3));
			fprintf(out, ",\"recipient_id\":");
			bh_json_str(out, bh_col_text(q, 4));
			fprintf(out, ",\"description\":");
			bh_json_str(out, bh_col_text(q, 5));
			fprintf(out, ",\"first_date\":");
			bh_json_str(out, bh_col_text(q, 6));
			fprintf(out, ",\"last_date\":");
			bh_json_str(out, bh_col_text(q, 7));
			fprintf(out, ",\"url\":");
			bh_json_str(out, url);
			fprintf(out, "}");
		} else {
			fprintf(out, "  %s  %s  %s\n    %.100s\n    %s\n", key,
				bh_fmt_money(m, sizeof m, sqlite3_column_int64(q, 2)), bh_col_text(q, 3),
				bh_col_text(q, 5), url);
		}
		k++;
	}
	bh_store_release(s, q);
	if (rc != SQLITE_DONE)
		return bh_store_fail(s, "search");
	if (json)
		fprintf(out, "\n]}\n");
	else if (!k)
		fprintf(out, "  (none)\n");
	return 0;
}
