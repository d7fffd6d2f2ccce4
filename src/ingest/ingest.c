/* The ingest driver (see ingest.h): walks paths, detects kinds, and loads
 * each input in one transaction, keeping ingest idempotent.
 *
 * Idempotence: a source is identified by its path (a zip member by
 * "ZIP!MEMBER"). Before loading, an input whose path and size match a
 * known source is hashed; the same hash means "already ingested". While
 * loading, the input is hashed as it streams; content identical to a source
 * at another path is rolled back and reported. Changed content at a known
 * path first deletes everything the old version contributed, in the same
 * transaction, so a failure leaves the old version in place. */
#include "ingest/ingestInt.h"
#include "ingest/mapping.h"
#include "util/err.h"
#include "util/timing.h"

#include <dirent.h>
#include <stdarg.h>
#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

typedef struct {
	bh_store *store;
	const bh_ingest_opts *opts;
	FILE *log;
	bh_ingest_report *rep;
	int explicit_path; /* the input was named by the user, not found in a walk */
	bh_mapping *mapping; /* --mapping: every input is read through it */
} walk;

extern const bh_format bh_fmt_mapping;

/* The idempotence key of an input: its content hash, combined with the
 * mapping's when one is used (a changed mapping re-ingests). */
static void source_sha(const walk *w, bh_input *in, char sha[65])
{
	bh_input_sha256(in, sha);
	if (w->mapping)
		bh_mapping_source_key(w->mapping, sha, sha);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

const bh_kind_info *bh_ingest_kinds(void)
{
	static bh_kind_info kinds[64];
	int n = 0;
	for (const bh_format *const *f = bh_formats; *f && n < 63; f++, n++) {
		kinds[n].name = (*f)->name;
		kinds[n].title = (*f)->title;
	}
	kinds[n].name = NULL;
	return kinds;
}

int bh_ingest_exit_status(const bh_ingest_report *r)
{
	if (r->files_failed && !r->files_loaded && !r->files_skipped)
		return 2;
	if (r->files_failed || r->rejected)
		return 1;
	return 0;
}

static const bh_format *detect(const bh_input *in, const char *force, int *score)
{
	const bh_format *best = NULL;
	int top = 0;
	for (const bh_format *const *f = bh_formats; *f; f++) {
		if (force) {
			if (strcmp((*f)->name, force) == 0) {
				*score = 100;
				return *f;
			}
			continue;
		}
		int s = (*f)->detect(in->head, in->head_len);
		if (s > top) {
			top = s;
			best = *f;
		}
	}
	*score = top;
	return best;
}

/* ---- what a source contributed ------------------------------------ */

/* Calls fn(table) for each table with a source_id column, but `source`. */
static int each_source_table(bh_store *s, int (*fn)(bh_store *, const char *, void *), void *payload)
{
	sqlite3_stmt *q = NULL;
	int rc = bh_store_prepare(&q, s,
				  "SELECT m.name FROM sqlite_schema m, pragma_table_info(m.name) c"
				  " WHERE m.type='table' AND c.name='source_id' AND m.name <> 'source'"
				  " AND m.name NOT LIKE '%fts%'");
	if (rc < 0)
		return rc;
	char names[64][64];
	int n = 0;
	while (sqlite3_step(q) == SQLITE_ROW && n < 64)
		snprintf(names[n++], 64, "%s", (const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	for (int i = 0; i < n; i++)
		if ((rc = fn(s, names[i], payload)) < 0)
			return rc;
	return 0;
}

/* The columns of fts table `fts` as "a, b, c" (empty if no such table). */
static int fts_columns(bh_store *s, const char *fts, char *out, size_t cap)
{
	sqlite3_stmt *q = NULL;
	char sql[256];
	size_t o = 0;
	out[0] = '\0';
	snprintf(sql, sizeof sql, "SELECT name FROM pragma_table_info('%s')", fts);
	int rc = bh_store_prepare(&q, s, sql);
	if (rc < 0)
		return rc;
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *c = (const char *)sqlite3_column_text(q, 0);
		o += (size_t)snprintf(out + o, cap - o, "%s%s", o ? ", " : "", c);
		if (o >= cap)
			break;
	}
	sqlite3_finalize(q);
	return 0;
}

/* Index maintenance of table -> table_fts (and statement -> name_fts) for
 * one source: op "insert" after a load, "delete" before removing rows. */
static int fts_sync(bh_store *s, const char *table, int64_t source_id, int insert)
{
	char fts[96], cols[512], sql[2048];
	const char *where = "";
	int rc;
	if (strcmp(table, "statement") == 0) {
		snprintf(fts, sizeof fts, "name_fts");
		where = " AND prop = 'name'";
	} else {
		snprintf(fts, sizeof fts, "%s_fts", table);
	}
	if ((rc = fts_columns(s, fts, cols, sizeof cols)) < 0)
		return rc;
	if (!cols[0])
		return 0;
	/* FTS5 flushes its pending terms as a new segment every `hashsize`
	 * bytes (1 MB by default) and merges segments as they pile up: on a
	 * bulk load, 64 MB makes far fewer segments to merge (1M contract
	 * descriptions: 4.6 -> 3.3 s CPU) */
	if (insert)
		snprintf(sql, sizeof sql,
			 "INSERT INTO %s(%s, rank) VALUES('hashsize', 67108864);"
			 "INSERT INTO %s(rowid, %s) SELECT rid, %s FROM %s WHERE source_id=%lld%s", fts,
			 fts, fts, cols, cols, table, (long long)source_id, where);
	else
		snprintf(sql, sizeof sql,
			 "INSERT INTO %s(%s, rowid, %s) SELECT 'delete', rid, %s FROM %s"
			 " WHERE source_id=%lld%s",
			 fts, fts, cols, cols, table, (long long)source_id, where);
	return bh_store_exec(s, sql);
}

typedef struct {
	int64_t id;
	int insert;
} sync_arg;

static int sync_one(bh_store *s, const char *table, void *payload)
{
	sync_arg *a = payload;
	return fts_sync(s, table, a->id, a->insert);
}

static int delete_one(bh_store *s, const char *table, void *payload)
{
	sync_arg *a = payload;
	char sql[256];
	int rc = fts_sync(s, table, a->id, 0);
	if (rc < 0)
		return rc;
	snprintf(sql, sizeof sql, "DELETE FROM %s WHERE source_id=%lld", table, (long long)a->id);
	return bh_store_exec(s, sql);
}

/* Removes everything source `id` contributed, and entities nothing else
 * mentions any more. */
static int delete_source(bh_store *s, int64_t id)
{
	sync_arg a = {id, 0};
	char sql[128];
	int rc = each_source_table(s, delete_one, &a);
	if (rc < 0)
		return rc;
	snprintf(sql, sizeof sql, "DELETE FROM source WHERE id=%lld", (long long)id);
	if ((rc = bh_store_exec(s, sql)) < 0)
		return rc;
	return bh_store_exec(s, "DELETE FROM entity WHERE NOT EXISTS"
				"(SELECT 1 FROM statement st WHERE st.entity = entity.rid)");
}

/* Names every entity that sources from `first_source` on mention by its
 * most frequent name over all sources, ties to the smallest in byte order
 * (a display choice; every name stays a statement). Run once at the end of
 * an ingest, after the indexes.
 *
 * One pass over the name statements of those entities, in (entity, value)
 * order, keeps the running best of each entity and writes only names that
 * change. The new sources' statements were appended, so they lie at or
 * above the smallest rowid any new source has. Two kinds of entities:
 * - made by this ingest (rid above `old_entities`, the largest before it):
 *   every statement of theirs is in that range, read in rowid order and
 *   grouped by a sort on disk (reading them through statement_entity
 *   instead fetched each row at random: 111 s of CPU and 1.7 GiB for 10M
 *   contract rows, bench/RESULTS.md "Scaling");
 * - older ones a new source mentions: all their names, through
 *   statement_entity (few, unless a large file is loaded again). */
typedef struct {
	bh_buf best, run, cur; /* best and current value, the entity's name */
	int64_t best_n, run_n, entity;
	int has_best;
} name_pick;

static void pick_set(bh_buf *b, const char *p, size_t n)
{
	bh_buf_clear(b);
	bh_buf_put(b, p, n);
}

/* Ends the run of one value: values come in ascending order, so an equal
 * count keeps the earlier (smaller) best. */
static void pick_run_end(name_pick *k)
{
	if (!k->has_best || k->run_n > k->best_n) {
		pick_set(&k->best, k->run.p ? k->run.p : "", k->run.len);
		k->best_n = k->run_n;
		k->has_best = 1;
	}
}

/* Ends one entity: queues its best name when it differs from the current. */
static int pick_entity_end(name_pick *k, sqlite3_stmt *ins, bh_store *s)
{
	if (!k->entity)
		return 0;
	pick_run_end(k);
	if (k->best.len == k->cur.len && (!k->cur.len || memcmp(k->best.p, k->cur.p, k->cur.len) == 0))
		return 0;
	sqlite3_bind_int64(ins, 1, k->entity);
	sqlite3_bind_text(ins, 2, k->best.p ? k->best.p : "", (int)k->best.len, SQLITE_STATIC);
	int rc = sqlite3_step(ins);
	sqlite3_reset(ins);
	return rc == SQLITE_DONE ? 0 : bh_store_fail(s, "best names");
}

/* the smallest rowid of the new sources' statements (?1: the first new source) */
#define NEW_STATEMENTS_FROM                                                                        \
	"(SELECT min((SELECT min(rid) FROM statement WHERE source_id = so.id))"                   \
	" FROM source so WHERE so.id >= ?1)"

/* ?1 the first new source, ?2 the largest entity rid before the ingest */
static const char q_names_new[] =
	"SELECT st.entity, st.value, sum(st.n), e.name FROM statement st NOT INDEXED"
	" JOIN entity e ON e.rid = st.entity"
	" WHERE st.rid >= " NEW_STATEMENTS_FROM " AND +st.source_id >= ?1 AND +st.prop = 'name'"
	" AND +st.entity > ?2"
	" GROUP BY st.entity, st.value ORDER BY st.entity, st.value";
static const char q_names_old[] =
	"SELECT st.entity, st.value, st.n, e.name FROM statement st"
	" JOIN entity e ON e.rid = st.entity"
	" WHERE st.prop = 'name' AND st.entity IN (SELECT entity FROM statement"
	"  WHERE rid >= " NEW_STATEMENTS_FROM " AND +source_id >= ?1 AND +prop = 'name'"
	"  AND +entity <= ?2)"
	" ORDER BY st.entity, st.value";

/* Feeds the rows of `q` (entity, value, n, current name; in (entity,
 * value) order) to the pick, queuing changed names into `ins`. */
static int pick_rows(name_pick *k, sqlite3_stmt *q, sqlite3_stmt *ins, bh_store *s)
{
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		int64_t e = sqlite3_column_int64(q, 0), n = sqlite3_column_int64(q, 2);
		const char *v = (const char *)sqlite3_column_text(q, 1);
		size_t vl = (size_t)sqlite3_column_bytes(q, 1);
		if (e != k->entity) {
			if ((rc = pick_entity_end(k, ins, s)) < 0)
				return rc;
			k->entity = e;
			k->has_best = 0;
			pick_set(&k->cur, (const char *)sqlite3_column_text(q, 3),
				 (size_t)sqlite3_column_bytes(q, 3));
		} else if (vl == k->run.len && (!vl || memcmp(v, k->run.p, vl) == 0)) {
			k->run_n += n;
			continue;
		} else {
			pick_run_end(k);
		}
		pick_set(&k->run, v ? v : "", vl);
		k->run_n = n;
	}
	if (rc != SQLITE_DONE)
		return bh_store_fail(s, "best names");
	/* the last entity of these rows (the two queries' entities differ) */
	rc = pick_entity_end(k, ins, s);
	k->entity = 0;
	return rc;
}

static int best_names(bh_store *s, int64_t first_source, int64_t old_entities)
{
	sqlite3_stmt *q = NULL, *ins = NULL;
	name_pick k;
	int rc;

	memset(&k, 0, sizeof k);
	/* the new names sorted on disk (first: a change of temp_store drops
	 * the temp tables) */
	if ((rc = bh_store_disk_sorts(s, 1)) < 0 ||
	    (rc = bh_store_exec(s, "CREATE TEMP TABLE IF NOT EXISTS best_name(rid INTEGER PRIMARY KEY,"
				   " name TEXT NOT NULL); DELETE FROM temp.best_name")) < 0 ||
	    (rc = bh_store_prepare(&ins, s, "INSERT INTO temp.best_name(rid, name) VALUES(?,?)")) < 0)
		goto done;
	for (int part = 0; part < 2; part++) {
		/* a first load has no older entities */
		if (part == 1 && old_entities <= 0)
			break;
		if ((rc = bh_store_prepare(&q, s, part ? q_names_old : q_names_new)) < 0)
			goto done;
		sqlite3_bind_int64(q, 1, first_source);
		sqlite3_bind_int64(q, 2, old_entities);
		if ((rc = pick_rows(&k, q, ins, s)) < 0)
			goto done;
		sqlite3_finalize(q);
		q = NULL;
	}
	rc = bh_store_exec(s, "UPDATE entity SET name = (SELECT b.name FROM temp.best_name b"
			      " WHERE b.rid = entity.rid) WHERE rid IN (SELECT rid FROM temp.best_name);"
			      "DROP TABLE temp.best_name");
done:
	sqlite3_finalize(q);
	sqlite3_finalize(ins);
	int rc2 = bh_store_disk_sorts(s, 0);
	if (rc >= 0)
		rc = rc2;
	bh_buf_free(&k.best);
	bh_buf_free(&k.run);
	bh_buf_free(&k.cur);
	return rc;
}

/* ---- one input ----------------------------------------------------- */

static int lookup_source(bh_store *s, const char *path, int64_t *id, char sha[65], int64_t *size)
{
	sqlite3_stmt *q = NULL;
	int rc = bh_store_prepare(&q, s, "SELECT id, sha256, size FROM source WHERE path=?");
	if (rc < 0)
		return rc;
	sqlite3_bind_text(q, 1, path, -1, SQLITE_STATIC);
	*id = 0;
	if (sqlite3_step(q) == SQLITE_ROW) {
		*id = sqlite3_column_int64(q, 0);
		snprintf(sha, 65, "%s", (const char *)sqlite3_column_text(q, 1));
		*size = sqlite3_column_int64(q, 2);
	}
	sqlite3_finalize(q);
	return 0;
}

static int other_with_sha(bh_store *s, const char *sha, int64_t not_id, char *path, size_t cap)
{
	sqlite3_stmt *q = NULL;
	int found = 0;
	if (bh_store_prepare(&q, s, "SELECT path FROM source WHERE sha256=? AND id<>? LIMIT 1") < 0)
		return 0;
	sqlite3_bind_text(q, 1, sha, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, not_id);
	if (sqlite3_step(q) == SQLITE_ROW) {
		snprintf(path, cap, "%s", (const char *)sqlite3_column_text(q, 0));
		found = 1;
	}
	sqlite3_finalize(q);
	return found;
}

static void say(walk *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(walk *w, const char *fmt, ...)
{
	va_list ap;
	if (w->opts->quiet)
		return;
	va_start(ap, fmt);
	vfprintf(w->log, fmt, ap);
	va_end(ap);
}

static void fail(walk *w, int rc)
{
	(void)rc;
	w->rep->files_failed++;
	fprintf(w->log, "%s\n", bh_error_last());
}

/* Loads one input whose kind is known. The store is in no transaction. */
static int load(walk *w, bh_input *in, const bh_format *fmt, int64_t old_id, const char *old_sha)
{
	bh_store *s = w->store;
	bh_ing g;
	sqlite3_stmt *q = NULL;
	char sha[65], other[PATH_MAX + 256];
	double t0 = now();
	int rc;

	if ((rc = bh_store_begin(s)) < 0)
		return rc;
	if ((rc = bh_ing_init(&g, s, in, w->opts)) < 0)
		goto fail;
	g.fmt = fmt;
	g.mapping = w->mapping;
	if (old_id && (rc = delete_source(s, old_id)) < 0)
		goto fail;
	if ((rc = bh_store_prepare(&q, s,
				   "INSERT INTO source(path, sha256, size, kind, ingested_at)"
				   " VALUES(?, '', ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ','now'))")) < 0)
		goto fail;
	sqlite3_bind_text(q, 1, in->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, in->size);
	sqlite3_bind_text(q, 3, fmt->name, -1, SQLITE_STATIC);
	if (sqlite3_step(q) != SQLITE_DONE) {
		rc = bh_store_fail(s, "source insert");
		goto fail;
	}
	sqlite3_finalize(q);
	q = NULL;
	g.source_id = sqlite3_last_insert_rowid(s->db);

	bh_timing("ingest: start");
	if ((rc = fmt->run(&g)) < 0)
		goto fail;
	bh_timing("ingest: rows");
	if ((rc = bh_ing_finish(&g)) < 0)
		goto fail;
	bh_timing("ingest: pending statements and links");
	if ((rc = bh_input_drain(in)) < 0)
		goto fail;
	source_sha(w, in, sha);
	if (old_id && strcmp(sha, old_sha) == 0) {
		snprintf(other, sizeof other, "%s", in->name);
		old_id = -1;
	}
	if (old_id < 0 || other_with_sha(s, sha, g.source_id, other, sizeof other)) {
		bh_ing_cleanup(&g);
		bh_store_rollback(s);
		w->rep->files_skipped++;
		if (old_id < 0)
			say(w, "%s: already ingested\n", in->name);
		else
			say(w, "%s: already ingested (same content as %s)\n", in->name, other);
		return 0;
	}
	sync_arg a = {g.source_id, 1};
	if ((rc = each_source_table(s, sync_one, &a)) < 0)
		goto fail;
	bh_timing("ingest: full-text indexes");
	if ((rc = bh_store_prepare(&q, s,
				   "UPDATE source SET sha256=?, size=?, rows=?, rejected=?, repaired=?"
				   " WHERE id=?")) < 0)
		goto fail;
	sqlite3_bind_text(q, 1, sha, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, in->nread);
	sqlite3_bind_int64(q, 3, g.rows);
	sqlite3_bind_int64(q, 4, g.rejected);
	sqlite3_bind_int64(q, 5, g.repaired);
	sqlite3_bind_int64(q, 6, g.source_id);
	if (sqlite3_step(q) != SQLITE_DONE) {
		rc = bh_store_fail(s, "source update");
		goto fail;
	}
	sqlite3_finalize(q);
	q = NULL;
	if ((rc = bh_store_commit(s)) < 0)
		goto fail;
	bh_timing("ingest: commit");

	double dt = now() - t0;
	bh_ingest_report *r = w->rep;
	r->files_loaded++;
	r->files_replaced += old_id != 0;
	r->rows += g.rows;
	r->rejected += g.rejected;
	r->repaired += g.repaired;
	r->warnings += g.warnings;
	r->bytes += in->nread;
	say(w, "%s: %s%s, %lld rows", in->name, fmt->name, old_id ? " (replaced)" : "",
	    (long long)g.rows);
	if (g.rejected)
		say(w, ", %lld rejected", (long long)g.rejected);
	if (g.repaired)
		say(w, ", %lld repaired", (long long)g.repaired);
	say(w, " (%.2f s, %.0f rows/s)\n", dt, dt > 0 ? g.rows / dt : 0.0);
	if (g.rejected)
		say(w, "  rejected rows are listed by `behind rejects %s`\n", in->name);
	bh_ing_cleanup(&g);
	return 0;
fail:
	sqlite3_finalize(q);
	bh_ing_cleanup(&g);
	bh_store_rollback(s);
	return rc;
}

/* Handles one opened input: idempotence check, detection, load. A plain
 * file (`path` set) whose size matches its known source is hashed first and
 * reopened if it changed; an archive member is checked after loading. */
static int handle_input(walk *w, bh_input **inp, const char *path)
{
	bh_input *in = *inp;
	int64_t old_id = 0, old_size = 0;
	char old_sha[65] = "";
	int rc, score;

	w->rep->files_seen++;
	if ((rc = lookup_source(w->store, in->name, &old_id, old_sha, &old_size)) < 0)
		return rc;
	if (path && old_id && old_size == in->size && in->size >= 0) {
		char sha[65];
		if ((rc = bh_input_drain(in)) < 0)
			return rc;
		source_sha(w, in, sha);
		if (strcmp(sha, old_sha) == 0) {
			w->rep->files_skipped++;
			say(w, "%s: already ingested\n", in->name);
			return 0;
		}
		bh_input_free(in);
		*inp = in = NULL;
		if ((rc = bh_input_open_file(inp, path)) < 0)
			return rc;
		in = *inp;
	}
	if (in->head_len == 0) {
		return bh_error_set(BH_EFORMAT, "%s: empty file; nothing to ingest", in->name);
	}
	const bh_format *fmt =
		w->mapping ? &bh_fmt_mapping : detect(in, w->opts->force_kind, &score);
	if (!fmt) {
		if (w->opts->force_kind)
			return bh_error_set(BH_EUSAGE, "%s: unknown kind '%s' (see `behind ingest --help`)",
					    in->name, w->opts->force_kind);
		if (!w->explicit_path) {
			say(w, "%s: skipped: not a kind behind reads\n", in->name);
			w->rep->files_seen--;
			return 0;
		}
		return bh_error_set(BH_EFORMAT,
				    "%s: unknown kind: the first line matches no format behind reads "
				    "(see `behind ingest --help`); nothing written", in->name);
	}
	return load(w, in, fmt, old_id, old_sha);
}

/* ---- walking paths ------------------------------------------------- */

static int archive_known(bh_store *s, const char *path, const char *sha)
{
	sqlite3_stmt *q = NULL;
	int known = 0;
	if (bh_store_prepare(&q, s, "SELECT 1 FROM archive WHERE path=? AND sha256=?") < 0)
		return 0;
	sqlite3_bind_text(q, 1, path, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, sha, -1, SQLITE_STATIC);
	known = sqlite3_step(q) == SQLITE_ROW;
	sqlite3_finalize(q);
	return known;
}

static int remember_archive(bh_store *s, const char *path, const char *sha)
{
	sqlite3_stmt *q = NULL;
	int rc = bh_store_prepare(&q, s, "INSERT OR REPLACE INTO archive(path, sha256) VALUES(?,?)");
	if (rc < 0)
		return rc;
	sqlite3_bind_text(q, 1, path, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, sha, -1, SQLITE_STATIC);
	rc = sqlite3_step(q) == SQLITE_DONE ? 0 : bh_store_fail(s, "archive insert");
	sqlite3_finalize(q);
	return rc;
}

static void do_archive(walk *w, const char *path)
{
	bh_archive *a = NULL;
	bh_input *in = NULL;
	char sha[65];
	int rc, failures = w->rep->files_failed, explicit_path = w->explicit_path;

	if ((rc = bh_file_sha256(sha, path)) < 0) {
		fail(w, rc);
		return;
	}
	if (w->mapping)
		bh_mapping_source_key(w->mapping, sha, sha);
	if (archive_known(w->store, path, sha)) {
		say(w, "%s: already ingested (archive unchanged)\n", path);
		w->rep->files_skipped++;
		return;
	}
	if ((rc = bh_archive_open(&a, path)) < 0) {
		fail(w, rc);
		return;
	}
	w->explicit_path = 0; /* members of unknown kinds are skipped, not errors */
	int members = 0;
	while ((rc = bh_archive_next(&in, a)) > 0) {
		members++;
		if ((rc = handle_input(w, &in, NULL)) < 0)
			fail(w, rc);
		bh_input_free(in);
		in = NULL;
	}
	if (rc < 0)
		fail(w, rc);
	else if (!members) {
		bh_error_set(BH_EFORMAT, "%s: archive holds no files", path);
		fail(w, BH_EFORMAT);
	}
	w->explicit_path = explicit_path;
	bh_archive_free(a);
	if (w->rep->files_failed == failures && (rc = remember_archive(w->store, path, sha)) < 0)
		fail(w, rc);
}

static void do_path(walk *w, const char *path, int depth);

static int skip_name(const char *name)
{
	return name[0] == '.';
}

static void do_dir(walk *w, const char *path, int depth)
{
	struct dirent **ents = NULL;
	int n = scandir(path, &ents, NULL, alphasort);
	if (n < 0) {
		bh_error_set(BH_EIO, "%s: cannot list folder: %s", path, strerror(errno));
		fail(w, BH_EIO);
		return;
	}
	int explicit_path = w->explicit_path;
	w->explicit_path = 0;
	for (int i = 0; i < n; i++) {
		if (!skip_name(ents[i]->d_name)) {
			char child[PATH_MAX + 256];
			snprintf(child, sizeof child, "%s/%s", path, ents[i]->d_name);
			do_path(w, child, depth + 1);
		}
		free(ents[i]);
	}
	free(ents);
	w->explicit_path = explicit_path;
}

static void do_path(walk *w, const char *path, int depth)
{
	struct stat st;
	char abs[PATH_MAX];
	int rc;

	if (depth > 32)
		return;
	if (stat(path, &st) < 0) {
		bh_error_set(BH_ENOTFOUND, "%s: %s", path, strerror(errno));
		fail(w, BH_ENOTFOUND);
		return;
	}
	if (!realpath(path, abs))
		snprintf(abs, sizeof abs, "%s", path);
	if (S_ISDIR(st.st_mode)) {
		do_dir(w, abs, depth);
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		say(w, "%s: skipped: not a regular file\n", path);
		return;
	}
	if (!w->opts->force_kind && bh_is_archive(abs)) {
		do_archive(w, abs);
		return;
	}
	bh_input *in = NULL;
	if ((rc = bh_input_open_file(&in, abs)) < 0 || (rc = handle_input(w, &in, abs)) < 0)
		fail(w, rc);
	bh_input_free(in);
}

/* the integer `sql` selects, or `none` if it fails */
static int64_t scalar(bh_store *s, const char *sql, int64_t none)
{
	sqlite3_stmt *q = NULL;
	int64_t v = none;
	if (bh_store_prepare(&q, s, sql) == 0 && sqlite3_step(q) == SQLITE_ROW)
		v = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return v;
}

int bh_ingest_paths(bh_ingest_report *out, bh_store *s, const char *const *paths, int npaths,
		    const bh_ingest_opts *opts)
{
	walk w = {s, opts, opts->log ? opts->log : stderr, out, 1};
	double t0 = now();
	int rc;

	memset(out, 0, sizeof *out);
	if (opts->mapping && (rc = bh_mapping_load(&w.mapping, opts->mapping)) < 0)
		return rc;
	int64_t first_source = scalar(s, "SELECT coalesce(max(id), 0) + 1 FROM source", 1);
	/* the largest entity rid so far (0 in an empty store) */
	int64_t old_entities = scalar(s, "SELECT coalesce(max(rid), 0) FROM entity", 0);
	/* Bulk mode: with no other connection open, a rollback journal writes
	 * each new page once, where WAL writes it twice (log, then checkpoint).
	 * The switch fails harmlessly (stays WAL) while readers are attached,
	 * and both modes keep every file's transaction atomic. */
	int bulk = bh_store_exec(s, "PRAGMA journal_mode=DELETE") == 0;
	for (int i = 0; i < npaths; i++) {
		w.explicit_path = 1;
		do_path(&w, paths[i], 0);
	}
	if (bulk)
		bh_store_exec(s, "PRAGMA journal_mode=WAL");
	bh_mapping_free(w.mapping);
	/* the loads' dedup maps are freed: give their pages back before the
	 * index builds take their own memory (peak RSS) */
	malloc_trim(0);
	if (out->files_loaded &&
	    ((rc = bh_store_build_indexes(s)) < 0 || (rc = best_names(s, first_source, old_entities)) < 0)) {
		out->seconds = now() - t0;
		return rc;
	}
	if (out->files_loaded)
		bh_timing("ingest: best names");
	out->seconds = now() - t0;
	return 0;
}
