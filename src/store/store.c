/* Opening, migrating and transacting on the SQLite store (see store.h).
 *
 * The store runs in WAL mode so that readers (the CLI's answers, the web
 * explorer) proceed while one ingest writes. Schema versions are kept in
 * PRAGMA user_version; migrate() brings an older store up to date and
 * refuses a newer one rather than guessing. */
#include "store/store.h"
#include "store/schemaInt.h"
#include "util/err.h"
#include "util/map.h"
#include "util/timing.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>

/* Version 1: the first schema. A later change appends a step to migrate(). */
#define SCHEMA_VERSION 1

/* The page cache of a read-write connection: 256 MiB (negative: KiB). */
#define LOAD_CACHE "-262144"

int bh_store_schema_version(void)
{
	return SCHEMA_VERSION;
}

int bh_store_fail(bh_store *s, const char *what)
{
	return bh_error_set(BH_EDB, "%s: %s: %s", s->path, what, sqlite3_errmsg(s->db));
}

int bh_store_exec(bh_store *s, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		int busy = sqlite3_errcode(s->db) == SQLITE_BUSY;
		bh_error_set(busy ? BH_EBUSY : BH_EDB, "%s: %s", s->path, msg ? msg : "SQL error");
		sqlite3_free(msg);
		return busy ? BH_EBUSY : BH_EDB;
	}
	return 0;
}

int bh_store_prepare(sqlite3_stmt **out, bh_store *s, const char *sql)
{
	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, out, NULL) != SQLITE_OK)
		return bh_store_fail(s, "prepare");
	return 0;
}

int bh_store_cached(sqlite3_stmt **out, bh_store *s, const char *sql)
{
	uint64_t h = bh_hash_bytes(sql, strlen(sql));
	int i, rc;
	for (i = 0; i < s->nstmts; i++) {
		bh_store_stmt *e = &s->stmts[i];
		if (e->hash == h && !e->busy && strcmp(sqlite3_sql(e->q), sql) == 0) {
			e->busy = 1;
			*out = e->q;
			return 0;
		}
	}
	if ((rc = bh_store_prepare(out, s, sql)) < 0)
		return rc;
	/* a statement of several (a script) is not kept: its tail is lost */
	if (strcmp(sqlite3_sql(*out), sql) != 0)
		return 0;
	if (s->nstmts < BH_STORE_STMT_CAP) {
		s->stmts[s->nstmts++] = (bh_store_stmt){*out, h, 1};
		return 0;
	}
	/* full: the next idle entry in turn makes room (SQL built per call,
	 * with its numbers in the text, must not keep the others out) */
	for (int k = 0; k < BH_STORE_STMT_CAP; k++) {
		bh_store_stmt *e = &s->stmts[(s->evict + k) % BH_STORE_STMT_CAP];
		if (!e->busy) {
			sqlite3_finalize(e->q);
			*e = (bh_store_stmt){*out, h, 1};
			s->evict = (s->evict + k + 1) % BH_STORE_STMT_CAP;
			break;
		}
	}
	return 0;
}

void bh_store_release(bh_store *s, sqlite3_stmt *q)
{
	if (!q)
		return;
	for (int i = 0; i < s->nstmts; i++) {
		if (s->stmts[i].q == q) {
			sqlite3_reset(q);
			sqlite3_clear_bindings(q);
			s->stmts[i].busy = 0;
			return;
		}
	}
	sqlite3_finalize(q);
}

int bh_store_data_version(int64_t *out, bh_store *s)
{
	sqlite3_stmt *q = NULL;
	int rc = bh_store_cached(&q, s, "PRAGMA data_version");
	if (rc < 0)
		return rc;
	if (sqlite3_step(q) == SQLITE_ROW) {
		*out = sqlite3_column_int64(q, 0);
		rc = 0;
	} else {
		rc = bh_store_fail(s, "PRAGMA data_version");
	}
	bh_store_release(s, q);
	return rc;
}

static int user_version(bh_store *s, int *out)
{
	sqlite3_stmt *st = NULL;
	int rc = bh_store_prepare(&st, s, "PRAGMA user_version");
	if (rc < 0)
		return rc;
	*out = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	return 0;
}

static int migrate(bh_store *s)
{
	int v = 0, rc;
	char pragma[64];

	if ((rc = user_version(s, &v)) < 0)
		return rc;
	if (v == SCHEMA_VERSION)
		return 0;
	if (v > SCHEMA_VERSION)
		return bh_error_set(BH_EFORMAT,
				    "%s: store has schema version %d, newer than this build's %d; "
				    "use a newer behind",
				    s->path, v, SCHEMA_VERSION);
	if (s->readonly)
		return bh_error_set(BH_EFORMAT, "%s: store needs migrating (version %d to %d); "
				    "open it once read-write", s->path, v, SCHEMA_VERSION);
	if ((rc = bh_store_begin(s)) < 0)
		return rc;
	/* v0 -> v1: create everything. Later versions add steps here. */
	for (const bh_schema_part *const *p = bh_schema_parts; *p; p++)
		if ((rc = bh_store_exec(s, (*p)->tables)) < 0 ||
		    ((*p)->live && (rc = bh_store_exec(s, (*p)->live)) < 0))
			goto fail;
	snprintf(pragma, sizeof pragma, "PRAGMA user_version=%d", SCHEMA_VERSION);
	if ((rc = bh_store_exec(s, pragma)) < 0)
		goto fail;
	return bh_store_commit(s);
fail:
	bh_store_rollback(s);
	return rc;
}

/* SQLite's memory statistics take one process-wide mutex on every
 * allocation and free: with the server's threads each on its own handle
 * they contended for it (futex calls, a third of the server's CPU per
 * uncached show: bench/RESULTS.md, Server, Round 7). Nothing reads them
 * (no sqlite3_status, no soft heap limit). Must run before SQLite
 * initializes; when something initialized it already, it is a no-op. */
static void no_memstatus(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int bh_store_open(bh_store **out, const char *path, int mode)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	bh_store *s = NULL;
	int rc, flags;

	*out = NULL;
	pthread_once(&once, no_memstatus);
	if (!path || !*path)
		path = BH_STORE_DEFAULT_PATH;
	s = calloc(1, sizeof *s);
	if (!s || !(s->path = strdup(path))) {
		free(s);
		return bh_error_set(BH_ENOMEM, "out of memory");
	}
	s->readonly = mode == BH_STORE_RO;
	s->fresh_version = -1; /* bh_query_precomputed() has not looked yet */
	s->search_version = -1; /* nor bh_search_index_fresh() */
	flags = s->readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	/* A store on a read-only filesystem (a DVD, a read-only mount) cannot
	 * get its WAL index: it is opened as immutable, which no writer can
	 * contradict there. */
	char *uri = NULL;
	struct statvfs vfs;
	if (s->readonly && !strpbrk(path, "?#%") && statvfs(path, &vfs) == 0 &&
	    (vfs.f_flag & ST_RDONLY)) {
		uri = sqlite3_mprintf("file:%s?immutable=1", path);
		flags |= SQLITE_OPEN_URI;
	}
	rc = sqlite3_open_v2(uri ? uri : path, &s->db, flags | SQLITE_OPEN_NOMUTEX, NULL);
	sqlite3_free(uri);
	if (rc != SQLITE_OK) {
		rc = bh_error_set(s->readonly ? BH_ENOTFOUND : BH_EIO, "%s: cannot open store: %s%s", path,
				  s->db ? sqlite3_errmsg(s->db) : "out of memory",
				  s->readonly ? " (run `behind ingest` first?)" : "");
		goto fail;
	}
	sqlite3_busy_timeout(s->db, 10000);
	sqlite3_extended_result_codes(s->db, 0);
	/* A store that is not SQLite (or is damaged) fails here, clearly.
	 * BUSY is another ingest in its bulk (rollback journal) mode: it
	 * switches the store back to WAL when it ends, and the busy timeout
	 * orders the writes meanwhile. */
	if (!s->readonly && (rc = bh_store_exec(s, "PRAGMA journal_mode=WAL")) < 0 && rc != BH_EBUSY)
		goto fail;
	if ((rc = bh_store_exec(s, "PRAGMA synchronous=NORMAL;"
				   "PRAGMA foreign_keys=OFF;"
				   "PRAGMA temp_store=MEMORY;"
				   "PRAGMA cache_size=" LOAD_CACHE ";"
				   "PRAGMA mmap_size=268435456")) < 0) /* 256 MiB */
		goto fail;
	if ((rc = migrate(s)) < 0)
		goto fail;
	/* A reader (the answers) maps the store, up to SQLite's 2 GiB limit,
	 * and keeps a small page cache: reading through the map copies
	 * nothing, while a 256 MiB cache of malloc'd pages cost `who` and
	 * `path` more in page faults than it saved (bench/RESULTS.md,
	 * "Answers": about 30% of their CPU time on the full store). */
	if (s->readonly && (rc = bh_store_exec(s, "PRAGMA cache_size=-16384;"
						  "PRAGMA mmap_size=2147418112")) < 0)
		goto fail;
	*out = s;
	return 0;
fail:
	bh_store_close(s);
	return rc;
}

void bh_store_close(bh_store *s)
{
	if (!s)
		return;
	for (int i = 0; i < s->nstmts; i++)
		sqlite3_finalize(s->stmts[i].q);
	if (s->db)
		sqlite3_close_v2(s->db);
	free(s->path);
	free(s);
}

int bh_store_begin(bh_store *s)
{
	int rc = bh_store_exec(s, "BEGIN IMMEDIATE");
	if (rc == BH_EBUSY)
		return bh_error_set(BH_EBUSY, "%s: another process is writing to this store "
				    "(an ingest or resolve still running?); try again when it ends",
				    s->path);
	return rc;
}

int bh_store_commit(bh_store *s)
{
	return bh_store_exec(s, "COMMIT");
}

void bh_store_rollback(bh_store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

int bh_store_disk_sorts(bh_store *s, int on)
{
	/* sorts on disk, on two threads: in memory, the sorts of a 10M-row
	 * load took gigabytes. SQLite's sorter keeps runs of up to cache_size
	 * bytes in memory, one per thread plus the one being filled: with the
	 * 256 MiB load cache that was over 1 GiB on a 3M-row load
	 * (bench/RESULTS.md), so the cache is cut to 32 MiB meanwhile. */
	return bh_store_exec(s, on ? "PRAGMA temp_store=FILE; PRAGMA threads=2; PRAGMA cache_size=-32768"
				   : "PRAGMA temp_store=MEMORY; PRAGMA threads=0;"
				     "PRAGMA cache_size=" LOAD_CACHE);
}

int bh_store_build_indexes(bh_store *s)
{
	int rc;
	if ((rc = bh_store_disk_sorts(s, 1)) < 0)
		return rc;
	bh_timing("indexes: start");
	for (const bh_schema_part *const *p = bh_schema_parts; *p; p++) {
		/* live indexes too: a store whose first load never finished
		 * may lack them */
		if (((*p)->live && (rc = bh_store_exec(s, (*p)->live)) < 0) ||
		    ((*p)->indexes && (rc = bh_store_exec(s, (*p)->indexes)) < 0))
			return rc;
		bh_timing((*p)->name);
	}
	if ((rc = bh_store_disk_sorts(s, 0)) < 0)
		return rc;
	/* statistics for the query planner, sampled so that they stay cheap
	 * on a large store */
	rc = bh_store_exec(s, "PRAGMA analysis_limit=2000; ANALYZE; PRAGMA optimize");
	bh_timing("indexes: analyze");
	return rc;
}
