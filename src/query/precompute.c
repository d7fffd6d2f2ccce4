/* Answers precomputed by `behind resolve`, so that `path` and `who` read a
 * few index ranges instead of every row behind a hub or a big agency:
 *
 * - cluster_edge: one row per ordered pair of distinct clusters joined by
 *   at least one link, with the number of link rows between them, both
 *   directions, keyed on the first cluster: a node's neighbours are one
 *   range of the primary key, already collapsed and in rid order (what
 *   path.c's search reads from `link` and `cluster` otherwise, 250k-470k
 *   rows for a hub);
 * - who_agg_*: the contract obligations summed per agency, sub-agency,
 *   fiscal year and rolled-up company (and per PSC, NAICS, award, member),
 *   which `who` filters and sums instead of its agency's rows (who_agg.c).
 *
 * They are only read while they describe the store as it is: the row of
 * `precomputed` records what they were built from (a hash of every
 * source's id, content hash, ingest time and rows, which changes when
 * ingest adds or replaces a file; the last resolve run, which rewrites
 * `cluster`), and a reader that finds either changed reads the rows
 * themselves. A judgment is not part of it: `behind judge` only appends
 * to `judgment`, and clusters (so every answer) change at the next
 * resolve, which rebuilds these tables, unless that resolve left the
 * clusters as they were (a hash of `cluster` kept beside the fingerprint):
 * then only the fingerprint's run is brought up to date. */
#include "query/influence.h"
#include "query/queryInt.h"
#include "util/err.h"
#include "util/timing.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The pairs, counted from both ends exactly as path.c's q_neighbours does:
 * a link row counts once for (canon(src), canon(dst)) and once for the
 * reverse, a link inside one cluster not at all. `deg` is the number of
 * neighbours of b (its rows as a): path's search reads it beside each
 * neighbour, to weigh a frontier by what expanding it reads. `leaf` (deg 1)
 * is in the key before b: a leaf cannot be a hop inside a path, so path
 * reads a node's other neighbours as one range and the leaves only by their
 * key (the two ends); a committee's million one-off contributors are not
 * read at all.
 *
 * Built in memory (build_edges): the clusters as an array indexed by
 * entity, one scan of link's (src, dst) index, the pairs packed as 64-bit
 * keys (a << 32 | b) and radix-sorted, counted in one pass, and inserted in
 * the table's key order (a, leaf, b), so every insert appends. The same
 * rows as GROUP BY over link joined twice to cluster (tests/e2e/
 * precomputed.sh compares them with python over link and cluster), at a
 * fraction of its cost (bench/RESULTS.md "Entity resolution"). */
static const char q_edges_table[] =
	"DROP TABLE IF EXISTS cluster_edge;"
	"CREATE TABLE cluster_edge("
	"  a INTEGER NOT NULL,"
	"  leaf INTEGER NOT NULL,"  /* deg = 1 */
	"  b INTEGER NOT NULL,"
	"  links INTEGER NOT NULL," /* link rows between the two clusters */
	"  deg INTEGER NOT NULL,"   /* rows of b as a: its neighbours */
	"  PRIMARY KEY(a, leaf, b)"
	") WITHOUT ROWID;";

/* entity -> canonical entity, grown to the largest rid met */
typedef struct {
	int64_t *canon;
	size_t n;
} canon_map;

static int canon_grow(canon_map *m, int64_t rid)
{
	size_t n = m->n ? m->n : 1024;
	while ((int64_t)n <= rid)
		n *= 2;
	int64_t *c = realloc(m->canon, n * sizeof *c);
	if (!c)
		return bh_error_set(BH_ENOMEM, "precomputed answers: out of memory (clusters)");
	for (size_t i = m->n; i < n; i++)
		c[i] = (int64_t)i;
	m->canon = c;
	m->n = n;
	return 0;
}

static int64_t canon_of(const canon_map *m, int64_t rid)
{
	return rid >= 0 && (size_t)rid < m->n ? m->canon[rid] : rid;
}

/* LSD radix sort of n keys, 16 bits a pass, skipping the passes whose
 * digit is the same in every key; tmp holds n keys. */
static void radix_sort(uint64_t *k, uint64_t *tmp, size_t *count, size_t n)
{
	uint64_t *src = k, *dst = tmp;
	for (int shift = 0; shift < 64; shift += 16) {
		memset(count, 0, 65536 * sizeof *count);
		for (size_t i = 0; i < n; i++)
			count[(src[i] >> shift) & 0xffff]++;
		if (n && count[(src[0] >> shift) & 0xffff] == n)
			continue; /* one digit: nothing moves */
		size_t sum = 0;
		for (size_t d = 0; d < 65536; d++) {
			size_t c = count[d];
			count[d] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[count[(src[i] >> shift) & 0xffff]++] = src[i];
		uint64_t *t = src;
		src = dst;
		dst = t;
	}
	if (src != k)
		memcpy(k, src, n * sizeof *k);
}

static int build_edges(bh_store *s)
{
	sqlite3_stmt *q = NULL;
	canon_map cm = {0};
	uint64_t *keys = NULL, *tmp = NULL;
	uint32_t *deg = NULL;
	size_t *count = NULL, n = 0, cap = 0, ndeg = 0;
	int rc;
	/* the clusters */
	if ((rc = bh_store_prepare(&q, s, "SELECT entity, canon FROM cluster")) < 0)
		goto done;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		int64_t e = sqlite3_column_int64(q, 0);
		if (e < 0 || e > 0xffffffffll)
			continue; /* no such rid in practice: canon_of keeps it as is */
		if ((size_t)e >= cm.n && (rc = canon_grow(&cm, e)) < 0)
			goto done;
		cm.canon[e] = sqlite3_column_int64(q, 1);
	}
	if (rc != SQLITE_DONE) {
		rc = bh_store_fail(s, "precomputed answers: reading the clusters");
		goto done;
	}
	sqlite3_finalize(q);
	q = NULL;
	/* the pairs, both directions */
	if ((rc = bh_store_prepare(&q, s, "SELECT src, dst FROM link")) < 0)
		goto done;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		int64_t a = canon_of(&cm, sqlite3_column_int64(q, 0));
		int64_t b = canon_of(&cm, sqlite3_column_int64(q, 1));
		if (a == b)
			continue;
		if (a < 0 || b < 0 || a > 0xffffffffll || b > 0xffffffffll) {
			rc = bh_error_set(BH_ETOOBIG, "precomputed answers: entity id %lld out of range",
					  (long long)(a < 0 || a > 0xffffffffll ? a : b));
			goto done;
		}
		if (n + 2 > cap) {
			size_t c = cap ? 2 * cap : 1 << 16;
			uint64_t *k = realloc(keys, c * sizeof *k);
			if (!k) {
				rc = bh_error_set(BH_ENOMEM, "precomputed answers: out of memory (pairs)");
				goto done;
			}
			keys = k;
			cap = c;
		}
		keys[n++] = (uint64_t)a << 32 | (uint64_t)b;
		keys[n++] = (uint64_t)b << 32 | (uint64_t)a;
	}
	if (rc != SQLITE_DONE) {
		rc = bh_store_fail(s, "precomputed answers: reading the links");
		goto done;
	}
	sqlite3_finalize(q);
	q = NULL;
	if (n && (!(tmp = malloc(n * sizeof *tmp)) || !(count = malloc(65536 * sizeof *count)))) {
		rc = bh_error_set(BH_ENOMEM, "precomputed answers: out of memory (sort)");
		goto done;
	}
	if (n) /* a store without links has no pairs (and no buffers) */
		radix_sort(keys, tmp, count, n);
	free(tmp);
	tmp = NULL;
	/* the neighbours of each cluster: distinct pairs per a */
	ndeg = n ? (size_t)(keys[n - 1] >> 32) + 1 : 0;
	if (ndeg && !(deg = calloc(ndeg, sizeof *deg))) {
		rc = bh_error_set(BH_ENOMEM, "precomputed answers: out of memory (degrees)");
		goto done;
	}
	for (size_t i = 0; i < n; i++)
		if (i == 0 || keys[i] != keys[i - 1])
			deg[keys[i] >> 32]++;
	if ((rc = bh_store_exec(s, q_edges_table)) < 0 ||
	    (rc = bh_store_prepare(&q, s, "INSERT INTO cluster_edge(a, b, links, deg, leaf)"
					  " VALUES(?1, ?2, ?3, ?4, ?5)")) < 0)
		goto done;
	/* each a's run of pairs twice: the non-leaves, then the leaves */
	for (size_t i = 0; i < n;) {
		size_t end = i;
		while (end < n && keys[end] >> 32 == keys[i] >> 32)
			end++;
		for (int leaf = 0; leaf < 2; leaf++) {
			for (size_t j = i; j < end;) {
				size_t k = j;
				while (k < end && keys[k] == keys[j])
					k++;
				uint32_t b = (uint32_t)keys[j], d = b < ndeg ? deg[b] : 0;
				if ((d == 1) == leaf) {
					sqlite3_bind_int64(q, 1, (int64_t)(keys[j] >> 32));
					sqlite3_bind_int64(q, 2, b);
					sqlite3_bind_int64(q, 3, (int64_t)(k - j));
					sqlite3_bind_int64(q, 4, d);
					sqlite3_bind_int(q, 5, leaf);
					if (sqlite3_step(q) != SQLITE_DONE) {
						rc = bh_store_fail(s, "precomputed answers: writing cluster_edge");
						goto done;
					}
					sqlite3_reset(q);
				}
				j = k;
			}
		}
		i = end;
	}
	rc = 0;
done:
	sqlite3_finalize(q);
	free(cm.canon);
	free(keys);
	free(tmp);
	free(count);
	free(deg);
	return rc;
}

/* bh_store_exec, or with $BEHIND_TIMING one statement at a time, each
 * CREATE timed under its first words (where a build's time goes). */
static int exec_timed(bh_store *s, const char *sql)
{
	if (!getenv("BEHIND_TIMING"))
		return bh_store_exec(s, sql);
	while (sql && *sql) {
		sqlite3_stmt *q = NULL;
		const char *tail = NULL;
		if (sqlite3_prepare_v2(s->db, sql, -1, &q, &tail) != SQLITE_OK)
			return bh_store_fail(s, "precomputed answers: prepare");
		if (!q) /* only spaces or comments left */
			break;
		int rc;
		while ((rc = sqlite3_step(q)) == SQLITE_ROW)
			;
		sqlite3_finalize(q);
		if (rc != SQLITE_DONE)
			return bh_store_fail(s, "precomputed answers: build");
		if (strncmp(sql, "CREATE", 6) == 0) {
			char what[48];
			snprintf(what, sizeof what, "precomputed: %.34s", sql);
			bh_timing(what);
		}
		sql = tail;
	}
	return 0;
}

/* What the store's links, clusters and obligations are made of, as one
 * string: FNV-1a of the source table, the last resolve run. */
static int fingerprint(char *out, size_t cap, bh_store *s)
{
	sqlite3_stmt *q = NULL;
	uint64_t h = 1469598103934665603ull;
	int rc = bh_store_prepare(&q, s,
				  "SELECT id, sha256, ingested_at, rows FROM source ORDER BY id");
	if (rc < 0)
		return rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		for (int c = 0; c < 4; c++) {
			const unsigned char *t = sqlite3_column_text(q, c);
			for (; t && *t; t++)
				h = (h ^ *t) * 1099511628211ull;
			h = (h ^ 0x1f) * 1099511628211ull; /* field separator */
		}
	}
	sqlite3_finalize(q);
	q = NULL;
	if (rc != SQLITE_DONE)
		return bh_store_fail(s, "precomputed answers: reading sources");
	if ((rc = bh_store_prepare(&q, s,
				   "SELECT coalesce(max(id), 0) FROM resolve_run")) < 0)
		return rc;
	if (sqlite3_step(q) != SQLITE_ROW) {
		rc = bh_store_fail(s, "precomputed answers: reading the last resolve run");
	} else {
		snprintf(out, cap, "sources:%016llx run:%lld", (unsigned long long)h,
			 (long long)sqlite3_column_int64(q, 0));
		rc = 0;
	}
	sqlite3_finalize(q);
	return rc;
}

/* The tables' layout (cluster_edge, who_agg_*, influence's): a build of an
 * older one is never kept, so a change to what any of them holds bumps it. */
#define LAYOUT 6
/* how `precomputed.clusters` starts: the layout, which readers check too */
#define LAYOUT_TAG "layout:%d "

int bh_query_clusters_hash(uint64_t *hash, int64_t *rows, bh_store *s)
{
	sqlite3_stmt *q = NULL;
	uint64_t h = 1469598103934665603ull;
	int64_t n = 0;
	int rc = bh_store_prepare(&q, s, "SELECT entity, canon FROM cluster ORDER BY entity");
	if (rc < 0)
		return rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		for (int c = 0; c < 2; c++) {
			uint64_t v = (uint64_t)sqlite3_column_int64(q, c);
			for (int k = 0; k < 8; k++, v >>= 8)
				h = (h ^ (v & 0xff)) * 1099511628211ull;
		}
		n++;
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return bh_store_fail(s, "reading the clusters");
	*hash = h;
	*rows = n;
	return 0;
}

/* The clusters' hash and the layout: a resolve run that changed nothing
 * leaves it as it was. Only the rebuild reads it (a scan of `cluster`);
 * readers check the cheap fingerprint. */
static int clusters_hash(char *out, size_t cap, bh_store *s)
{
	uint64_t h = 0;
	int64_t n = 0;
	int rc = bh_query_clusters_hash(&h, &n, s);
	if (rc < 0)
		return rc;
	/* influence.c's threshold of stored clusters is an input of the build */
	const char *min = getenv("BEHIND_INFLUENCE_STORE_MIN");
	/* and the length of who_agg_topaw's lists */
	snprintf(out, cap, LAYOUT_TAG "influence_min:%.20s top_awards:%d clusters:%016llx", LAYOUT,
		 min ? min : "-", bh_who_agg_top_awards_n(), (unsigned long long)h);
	return 0;
}

/* *out = 1 when the tables were built from the same sources and the same
 * clusters as the store has now (only the resolve run differs): a resolve
 * that found nothing new. Tables built before `precomputed` had its
 * `clusters` column (and cluster_edge its `deg`) are never kept. */
static int unchanged(int *out, bh_store *s, const char *fp, const char *ch)
{
	sqlite3_stmt *q = NULL;
	*out = 0;
	if (sqlite3_prepare_v2(s->db, "SELECT built_from, clusters FROM precomputed", -1, &q,
			       NULL) != SQLITE_OK) {
		sqlite3_finalize(q);
		return 0;
	}
	if (sqlite3_step(q) == SQLITE_ROW) {
		const char *was = bh_col_text(q, 0), *run = strstr(fp, " run:");
		size_t n = run ? (size_t)(run - fp) : strlen(fp);
		*out = strncmp(was, fp, n) == 0 && (was[n] == ' ' || !was[n]) &&
		       strcmp(bh_col_text(q, 1), ch) == 0;
	}
	sqlite3_finalize(q);
	return 0;
}

int bh_query_precompute(bh_store *s)
{
	char fp[128], ch[128];
	sqlite3_stmt *q = NULL;
	int rc, same = 0;
	bh_timing("before the precomputed answers");
	if ((rc = bh_store_begin(s)) < 0)
		return rc;
	/* an index the answers read by (show's awards of a company's
	 * subsidiaries) that stores ingested before it lack: made here, by
	 * every resolve, kept or rebuilt */
	if ((rc = bh_store_exec(s, "CREATE INDEX IF NOT EXISTS award_parent ON award(parent)")) < 0)
		goto done;
	if ((rc = fingerprint(fp, sizeof fp, s)) < 0 || (rc = clusters_hash(ch, sizeof ch, s)) < 0 ||
	    (rc = unchanged(&same, s, fp, ch)) < 0)
		goto done;
	if (same) { /* the same tables would come out: only the run is new */
		if ((rc = bh_store_prepare(&q, s, "UPDATE precomputed SET built_from = ?1")) < 0)
			goto done;
		sqlite3_bind_text(q, 1, fp, -1, SQLITE_STATIC);
		if (sqlite3_step(q) != SQLITE_DONE) {
			rc = bh_store_fail(s, "precomputed answers: recording the resolve run");
			goto done;
		}
		bh_timing("precomputed: kept (unchanged)");
		rc = bh_store_commit(s);
		goto done;
	}
	if ((rc = bh_store_exec(s, "DROP TABLE IF EXISTS precomputed;"
				   "CREATE TABLE precomputed(built_from TEXT NOT NULL,"
				   "  built_at TEXT NOT NULL, clusters TEXT NOT NULL);")) < 0 ||
	    (rc = build_edges(s)) < 0)
		goto done;
	bh_timing("precomputed: cluster graph (cluster_edge)");
	if ((rc = exec_timed(s, bh_who_agg_sql)) < 0 || (rc = bh_who_agg_top_awards(s)) < 0)
		goto done;
	bh_timing("precomputed: obligations per agency (who_agg_*)");
	if ((rc = bh_influence_precompute(s)) < 0)
		goto done;
	bh_timing("precomputed: influence of the clusters with many LDA rows");
	if ((rc = bh_store_prepare(&q, s, "INSERT INTO precomputed VALUES(?1,"
					  " strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?2)")) < 0)
		goto done;
	sqlite3_bind_text(q, 1, fp, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, ch, -1, SQLITE_STATIC);
	if (sqlite3_step(q) != SQLITE_DONE) {
		rc = bh_store_fail(s, "precomputed answers: recording what they were built from");
		goto done;
	}
	rc = bh_store_commit(s);
done:
	sqlite3_finalize(q);
	if (rc < 0)
		bh_store_rollback(s);
	return rc;
}

int bh_query_precomputed(int *out, bh_store *s)
{
	char fp[128];
	sqlite3_stmt *q = NULL;
	int64_t version = -1;
	int rc = 0;
	*out = 0;
	/* A read-only handle (the server's) remembers the answer until another
	 * connection commits: the fingerprint reads every source row. */
	if (s->readonly && (rc = bh_store_data_version(&version, s)) < 0)
		return rc;
	if (version >= 0 && version == s->fresh_version) {
		*out = s->fresh;
		return 0;
	}
	/* absent in a store never resolved by this version: not an error */
	if (sqlite3_prepare_v2(s->db, "SELECT built_from, clusters FROM precomputed", -1, &q,
			       NULL) != SQLITE_OK) {
		sqlite3_finalize(q);
		return 0;
	}
	/* and built by this layout: tables of an older one (a store resolved
	 * by an older behind) lack what this one's readers look for (a part of
	 * show's influence, say), so the records are read until the next
	 * resolve rebuilds them */
	char layout[32];
	snprintf(layout, sizeof layout, LAYOUT_TAG, LAYOUT);
	if (sqlite3_step(q) == SQLITE_ROW && (rc = fingerprint(fp, sizeof fp, s)) == 0)
		*out = strcmp(fp, bh_col_text(q, 0)) == 0 &&
		       strncmp(bh_col_text(q, 1), layout, strlen(layout)) == 0;
	sqlite3_finalize(q);
	if (rc == 0 && version >= 0) {
		s->fresh_version = version;
		s->fresh = *out;
	}
	return rc;
}
