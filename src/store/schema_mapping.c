/* Rows read through a mapping file (src/ingest/fmt_mapping.c,
 * docs/mappings.md): one row per landed input row, so that every entity
 * statement and link a mapping made can be traced to its file and line
 * (statement.line and link.line point here through source_id + line) and
 * to the page the mapping's URL template names. */
#include "store/schemaInt.h"

const bh_schema_part bh_schema_mapping = {
	"mapping",
	"CREATE TABLE IF NOT EXISTS mapped_row("
	"  rid INTEGER PRIMARY KEY,"
	"  source_id INTEGER NOT NULL, line INTEGER NOT NULL,"
	"  mapping TEXT NOT NULL," /* the mapping's name: (or file name) */
	"  url TEXT"               /* the row's rendered url: template */
	");",
	"CREATE INDEX IF NOT EXISTS mapped_row_source ON mapped_row(source_id, line);",
};
