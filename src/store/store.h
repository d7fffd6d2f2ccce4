/* The evidence store: one SQLite file (WAL mode) holding sources, typed fact
 * records, entities with their statements, links and clusters. This header
 * is the rest of the system's door to it: open/close, transactions, and the
 * schema version. A bh_store owns its sqlite3 handle; callers may borrow
 * `db` for prepared statements of their own but must finalize them before
 * bh_store_close(). */
#ifndef BH_STORE_H
#define BH_STORE_H

#include <sqlite3.h>
#include <stdint.h>

/* One statement kept prepared by bh_store_cached(). */
typedef struct {
	sqlite3_stmt *q;
	uint64_t hash; /* of its SQL text */
	int busy;      /* handed out, not yet released */
} bh_store_stmt;

#define BH_STORE_STMT_CAP 96

typedef struct {
	sqlite3 *db;
	char *path;
	int readonly;
	/* statements kept by bh_store_cached(), finalized by bh_store_close() */
	bh_store_stmt stmts[BH_STORE_STMT_CAP];
	int nstmts, evict; /* evict: the next entry a full cache replaces */
	/* bh_query_precomputed()'s answer and the PRAGMA data_version it was
	 * read at (read-only handles only: another connection's commit changes
	 * the version, and a read-only handle makes none of its own) */
	int64_t fresh_version;
	int fresh;
	/* bh_search_index_fresh()'s answer, remembered the same way */
	int64_t search_version;
	int search_fresh, search_broad;
} bh_store;

#define BH_STORE_DEFAULT_PATH "behind.db"

enum { BH_STORE_RW = 0, BH_STORE_RO = 1 };

/* Opens (creating it if needed, unless read-only) and migrates the schema
 * to the current version. *out is set to a store the caller owns. */
int bh_store_open(bh_store **out, const char *path, int mode);
void bh_store_close(bh_store *s);

/* BEGIN IMMEDIATE, waiting for a concurrent writer up to the busy timeout;
 * fails with BH_EBUSY naming the store if it cannot get the write lock. */
int bh_store_begin(bh_store *s);
int bh_store_commit(bh_store *s);
void bh_store_rollback(bh_store *s);

/* Runs one or more SQL statements with no result rows. */
int bh_store_exec(bh_store *s, const char *sql);

/* Prepares `sql`; on failure sets the message (with SQLite's) and returns
 * BH_EDB. The statement is the caller's to finalize. */
int bh_store_prepare(sqlite3_stmt **out, bh_store *s, const char *sql);

/* Like bh_store_prepare(), but the statement stays prepared in `s` (keyed
 * by its SQL text) for the next call with the same text: a server's handle
 * answers the same few dozen statements on every request, and preparing
 * them cost more than running most of them. The caller borrows *out and
 * gives it back with bh_store_release(), never sqlite3_finalize(). A
 * statement still out (a nested use of the same text) or a full cache
 * gives a fresh statement, which release finalizes. */
int bh_store_cached(sqlite3_stmt **out, bh_store *s, const char *sql);

/* Resets a statement of bh_store_cached() (and clears its bindings) for
 * its next use, or finalizes it when it was not kept; NULL is ignored. */
void bh_store_release(bh_store *s, sqlite3_stmt *q);

/* PRAGMA data_version of the handle: changes when another connection
 * commits to the store. */
int bh_store_data_version(int64_t *out, bh_store *s);

/* Sets the error message from SQLite's last error, prefixed by `what`. */
int bh_store_fail(bh_store *s, const char *what);

/* The statement props that are identifiers, as the SQL term that selects
 * them. The partial index statement_ident (schema_core.c) covers exactly
 * these rows: a query reaches it only through this same term, word for
 * word (SQLite matches a partial index's WHERE by its expression tree). */
#define BH_IDENT_PROPS_SQL \
	"prop IN ('uei','duns','cage','lda_registrant_id','lda_client_id','fec_id')"

/* The schema version this build writes (PRAGMA user_version). */
int bh_store_schema_version(void);

/* The uncertain pairs of the last runs, for the review queue: entity
 * rowids (a < b), the match weight and probability of their closest
 * names, and what resolve did: united (weakly), below (the
 * threshold), refused (different UEIs, first names or a split
 * judgment), cut (a weak bridge); reasons: explain's comparison of the
 * closest names as JSON (fields, prior, total, probability). A full run
 * rewrites it.
 * Added after schema version 1 without a version bump: `behind resolve`
 * creates it in a store that lacks it, and readers take its absence for an
 * empty queue. */
#define BH_SCHEMA_RESOLVE_REVIEW \
	"CREATE TABLE IF NOT EXISTS resolve_review(" \
	"  a INTEGER NOT NULL," \
	"  b INTEGER NOT NULL," \
	"  prob REAL NOT NULL," \
	"  weight REAL NOT NULL," \
	"  outcome TEXT NOT NULL CHECK(outcome IN ('united','below','refused','cut'))," \
	"  reasons TEXT NOT NULL," \
	"  PRIMARY KEY(a, b)" \
	") WITHOUT ROWID;"

/* Switches the sorts of the statements that follow to disk (on: temp files,
 * two threads, a 32 MiB cache: memory stays bounded whatever the size) or
 * back to the load's in-memory regime. */
int bh_store_disk_sorts(bh_store *s, int on);

/* Creates the secondary indexes that bulk ingest leaves out while loading;
 * idempotent. Called at the end of each ingest run. */
int bh_store_build_indexes(bh_store *s);

#endif
