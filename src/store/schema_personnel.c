/* Positions people held (see docs/sources.md, "Personnel"): political
 * appointees at agencies and their prior outside positions (ProPublica's
 * Trump Town), and any list in the generic positions layout. One row per
 * position; person and org point at entity.rid. The revolving door is two
 * positions of one person, one at a public body and one at a company. */
#include "store/schemaInt.h"

const bh_schema_part bh_schema_personnel = {
	"personnel",
	"CREATE TABLE IF NOT EXISTS position("
	"  rid INTEGER PRIMARY KEY,"
	"  source_id INTEGER NOT NULL, line INTEGER NOT NULL,"
	"  origin TEXT NOT NULL," /* trumptown-staffer | trumptown-outside | generic */
	"  person INTEGER, person_name TEXT,"
	"  org INTEGER, org_name TEXT,"
	"  role TEXT, start_date TEXT, end_date TEXT, source_url TEXT"
	");",
	"CREATE INDEX IF NOT EXISTS position_source ON position(source_id);"
	"CREATE INDEX IF NOT EXISTS position_person ON position(person);"
	"CREATE INDEX IF NOT EXISTS position_org ON position(org);",
};
