/* The core of the data model (DESIGN.md): sources, rejects, entities and
 * their statements, links, clusters. Money is integer cents, dates ISO
 * YYYY-MM-DD text, every statement and link points back at a source and the
 * first line of that source that said it. */
#include "store/schemaInt.h"

const bh_schema_part bh_schema_core = {
	"core",
	/* One input file (or zip member: path "ZIP!MEMBER"). */
	"CREATE TABLE IF NOT EXISTS source("
	"  id INTEGER PRIMARY KEY,"
	"  path TEXT NOT NULL UNIQUE,"
	"  sha256 TEXT NOT NULL,"
	"  size INTEGER NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  ingested_at TEXT NOT NULL,"
	"  rows INTEGER NOT NULL DEFAULT 0,"     /* records that landed */
	"  rejected INTEGER NOT NULL DEFAULT 0," /* records refused, see reject */
	"  repaired INTEGER NOT NULL DEFAULT 0"  /* records with bytes decoded as Latin-1 */
	");"
	"CREATE INDEX IF NOT EXISTS source_sha256 ON source(sha256);"
	/* An archive whose members all landed: unchanged, it is skipped whole. */
	"CREATE TABLE IF NOT EXISTS archive(path TEXT PRIMARY KEY, sha256 TEXT NOT NULL);"
	/* A refused or repaired record, with the reason. */
	"CREATE TABLE IF NOT EXISTS reject("
	"  source_id INTEGER NOT NULL,"
	"  line INTEGER,"
	"  action TEXT NOT NULL DEFAULT 'rejected'," /* rejected | repaired | warning */
	"  reason TEXT NOT NULL,"
	"  excerpt TEXT"
	");"
	"CREATE INDEX IF NOT EXISTS reject_source ON reject(source_id);"
	/* Something the records mention. id is deterministic from source keys:
	 * uei:..., duns:..., name:..., agency:..., subagency:..., office:...,
	 * fec:..., lda:... */
	"CREATE TABLE IF NOT EXISTS entity("
	"  rid INTEGER PRIMARY KEY,"
	"  id TEXT NOT NULL UNIQUE,"
	"  kind TEXT NOT NULL," /* organization|public_body|person|committee|candidate */
	"  name TEXT NOT NULL"
	");"
	/* A property value of an entity and the record that said it. Ingest
	 * writes each (entity, prop, value) once per source, counting repeats
	 * in n; a very large source may write a value more than once (its
	 * in-memory dedup is flushed in chunks), so readers sum n. */
	"CREATE TABLE IF NOT EXISTS statement("
	"  rid INTEGER PRIMARY KEY,"
	"  entity INTEGER NOT NULL,"
	"  prop TEXT NOT NULL,"
	"  value TEXT NOT NULL,"
	"  source_id INTEGER NOT NULL,"
	"  line INTEGER NOT NULL," /* first line of the source that says it */
	"  n INTEGER NOT NULL DEFAULT 1" /* how many records of the source say it */
	");"
	"CREATE INDEX IF NOT EXISTS statement_source ON statement(source_id);"
	/* A typed, dated relationship, aggregated per source: amount is the sum
	 * over its records (NULL when none has one), n their count, line the
	 * first. The records themselves are in the fact tables. As with
	 * statements, a very large source may split one link over a few rows:
	 * readers sum amount and n. */
	"CREATE TABLE IF NOT EXISTS link("
	"  rid INTEGER PRIMARY KEY,"
	"  kind TEXT NOT NULL," /* awarded|subcontracted|parent_of|... */
	"  src INTEGER NOT NULL,"
	"  dst INTEGER NOT NULL,"
	"  first_date TEXT,"
	"  last_date TEXT,"
	"  amount INTEGER,"
	"  n INTEGER NOT NULL DEFAULT 1,"
	"  source_id INTEGER NOT NULL,"
	"  line INTEGER NOT NULL"
	");"
	"CREATE INDEX IF NOT EXISTS link_source ON link(source_id);"
	/* Resolution's output: entity -> canonical entity. An entity with no
	 * row here is its own canonical. */
	"CREATE TABLE IF NOT EXISTS cluster("
	"  entity INTEGER PRIMARY KEY,"
	"  canon INTEGER NOT NULL"
	");"
	"CREATE INDEX IF NOT EXISTS cluster_canon ON cluster(canon);"
	/* Full-text index over entity names (statements with prop 'name'). */
	"CREATE VIRTUAL TABLE IF NOT EXISTS name_fts USING fts5("
	"  value, content='statement', content_rowid='rid',"
	"  tokenize='unicode61 remove_diacritics 2');",
	/* Built after bulk loads (bh_store_build_indexes): random-order index
	 * inserts into a growing store are what slows a load down. */
	"CREATE INDEX IF NOT EXISTS statement_entity ON statement(entity, prop);"
	/* Values are looked up by value only for identifiers (resolve's shared
	 * identifiers, explain): a partial index over those props, covering
	 * entity, replaces the full (prop, value) index, whose sort over every
	 * name and address was the costliest step of a load (300k contract rows:
	 * 2.0 s of 17 s CPU). The planner uses it for a WHERE term identical to
	 * BH_IDENT_PROPS_SQL (store.h); tests/e2e/index_plans.sh checks. */
	"DROP INDEX IF EXISTS statement_value;"
	"CREATE INDEX IF NOT EXISTS statement_ident ON statement(prop, value, entity)"
	"  WHERE " BH_IDENT_PROPS_SQL ";"
	"CREATE INDEX IF NOT EXISTS link_src ON link(src, kind, dst);" /* covering for */
	"CREATE INDEX IF NOT EXISTS link_dst ON link(dst, kind, src);", /* graph walks */
};
