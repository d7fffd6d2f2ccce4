/* Tables of entity resolution (src/resolve/rstore.c): the human judgments
 * that override the matcher, the pairs it accepted with their reasons, the
 * Fellegi-Sunter model of the last full run (reused by incremental runs and
 * by `behind explain`), and a log of runs. The output itself is the core
 * table `cluster`. Judgments name entities by their text id (uei:..., ...)
 * so that they survive re-ingest, which may renumber rowids. */
#include "store/schemaInt.h"
#include "store/store.h"

const bh_schema_part bh_schema_resolve = {
	"resolve",
	/* merge | split | unsure, with who, when and why; the latest judgment
	 * on an (unordered) pair is the one that counts. */
	"CREATE TABLE IF NOT EXISTS judgment("
	"  rid INTEGER PRIMARY KEY,"
	"  a TEXT NOT NULL,"
	"  b TEXT NOT NULL," /* a < b */
	"  decision TEXT NOT NULL CHECK(decision IN ('merge','split','unsure')),"
	"  who TEXT NOT NULL,"
	"  at TEXT NOT NULL,"
	"  why TEXT"
	");"
	"CREATE INDEX IF NOT EXISTS judgment_pair ON judgment(a, b);"
	/* Pairs (entity rowids, a < b) resolve united: reason is an identifier
	 * kind (uei, duns, cage, ...), 'name' (scored) or 'judgment'. */
	"CREATE TABLE IF NOT EXISTS resolve_pair("
	"  a INTEGER NOT NULL,"
	"  b INTEGER NOT NULL,"
	"  prob REAL NOT NULL,"
	"  weight REAL," /* log2 odds of a scored pair; NULL when settled */
	"  reason TEXT NOT NULL,"
	"  PRIMARY KEY(a, b)"
	") WITHOUT ROWID;"
	BH_SCHEMA_RESOLVE_REVIEW
	/* m and u per field and level; field '_prior' holds lambda in m. */
	"CREATE TABLE IF NOT EXISTS resolve_model("
	"  field TEXT NOT NULL,"
	"  level INTEGER NOT NULL,"
	"  m REAL NOT NULL,"
	"  u REAL NOT NULL,"
	"  urand REAL NOT NULL,"
	"  PRIMARY KEY(field, level)"
	") WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS resolve_run("
	"  id INTEGER PRIMARY KEY,"
	"  started TEXT NOT NULL,"
	"  secs REAL,"
	"  mode TEXT NOT NULL," /* full | incremental */
	"  entities INTEGER, new_entities INTEGER, candidates INTEGER,"
	"  id_merges INTEGER, name_merges INTEGER, refused INTEGER, clusters INTEGER,"
	"  max_entity INTEGER NOT NULL" /* entities up to this rowid were seen */
	");",
	NULL,
};
