/* Tables of the Senate's Lobbying Disclosure Act bulk XML (see
 * docs/sources.md, "Senate LDA"): filings (LD-1 registrations, LD-2 activity
 * reports, LD-203 contribution reports), the lobbyists a filing lists with
 * their covered government positions (the revolving door), issue codes,
 * government entities contacted, and LD-203 contributions. `line` is the
 * XML line where the <Filing> element starts (one filing per line in the
 * Senate's files); filing_id is the Senate's GUID.
 *
 * The counting rule for lobbying money: a report is identified by
 * registrant, client, year and period; when several filings report the
 * same one (the report, its amendments, the same filing in two downloads),
 * the one received last counts. The view lda_spend applies it. */
#include "store/schemaInt.h"

const bh_schema_part bh_schema_lda = {
	"lda",
	"CREATE TABLE IF NOT EXISTS lda_filing("
	"  rid INTEGER PRIMARY KEY,"
	"  source_id INTEGER NOT NULL, line INTEGER NOT NULL,"
	"  filing_id TEXT NOT NULL,"
	"  form TEXT NOT NULL," /* LD-1 | LD-2 | LD-203 */
	"  type TEXT, year INTEGER, received TEXT, period TEXT,"
	"  amount INTEGER," /* LD-2 income or expenses, cents */
	"  registrant INTEGER, registrant_lda_id TEXT, registrant_name TEXT,"
	"  client INTEGER, client_lda_id TEXT, client_name TEXT, self_filer INTEGER,"
	"  comments TEXT"
	");"
	"CREATE TABLE IF NOT EXISTS lda_lobbyist("
	"  rid INTEGER PRIMARY KEY,"
	"  source_id INTEGER NOT NULL, line INTEGER NOT NULL,"
	"  filing_id TEXT NOT NULL, person INTEGER, name TEXT NOT NULL,"
	"  covered TEXT,"           /* LobbyistCoveredGovPositionIndicator */
	"  official_position TEXT" /* the former government job, NULL for N/A */
	");"
	"CREATE TABLE IF NOT EXISTS lda_issue("
	"  rid INTEGER PRIMARY KEY,"
	"  source_id INTEGER NOT NULL, line INTEGER NOT NULL,"
	"  filing_id TEXT NOT NULL, code TEXT, specific TEXT"
	");"
	"CREATE VIRTUAL TABLE IF NOT EXISTS lda_issue_fts USING fts5("
	"  code, specific, content='lda_issue', content_rowid='rid',"
	"  tokenize='unicode61 remove_diacritics 2');"
	"CREATE TABLE IF NOT EXISTS lda_gov_entity("
	"  rid INTEGER PRIMARY KEY,"
	"  source_id INTEGER NOT NULL, line INTEGER NOT NULL,"
	"  filing_id TEXT NOT NULL, name TEXT NOT NULL, entity INTEGER"
	");"
	"CREATE TABLE IF NOT EXISTS lda_contribution("
	"  rid INTEGER PRIMARY KEY,"
	"  source_id INTEGER NOT NULL, line INTEGER NOT NULL,"
	"  filing_id TEXT NOT NULL, registrant INTEGER,"
	"  contributor TEXT, contributor_entity INTEGER, type TEXT,"
	"  payee TEXT, payee_entity INTEGER, honoree TEXT,"
	"  amount INTEGER, date TEXT"
	");"
	"CREATE VIEW IF NOT EXISTS lda_spend AS"
	"  SELECT f.* FROM lda_filing f"
	"  WHERE f.form = 'LD-2' AND f.amount IS NOT NULL"
	"    AND NOT EXISTS (SELECT 1 FROM lda_filing b"
	"      WHERE b.form = 'LD-2' AND b.registrant_lda_id IS f.registrant_lda_id"
	"        AND b.client_lda_id IS f.client_lda_id AND b.year IS f.year"
	"        AND b.period IS f.period"
	"        AND (b.received > f.received OR (b.received = f.received AND b.rid > f.rid)));",
	"CREATE INDEX IF NOT EXISTS lda_filing_source ON lda_filing(source_id);"
	"CREATE INDEX IF NOT EXISTS lda_filing_id ON lda_filing(filing_id);"
	"CREATE INDEX IF NOT EXISTS lda_filing_registrant ON lda_filing(registrant);"
	"CREATE INDEX IF NOT EXISTS lda_filing_client ON lda_filing(client);"
	/* the self-filers among a registrant's filings (lobbying spend of a
	 * company that lobbies for itself), without reading its other filings */
	"CREATE INDEX IF NOT EXISTS lda_filing_self ON lda_filing(registrant) WHERE self_filer;"
	"CREATE INDEX IF NOT EXISTS lda_filing_report ON lda_filing(registrant_lda_id, client_lda_id,"
	"  year, period);"
	"CREATE INDEX IF NOT EXISTS lda_lobbyist_source ON lda_lobbyist(source_id);"
	"CREATE INDEX IF NOT EXISTS lda_lobbyist_filing ON lda_lobbyist(filing_id);"
	"CREATE INDEX IF NOT EXISTS lda_lobbyist_person ON lda_lobbyist(person);"
	"CREATE INDEX IF NOT EXISTS lda_issue_source ON lda_issue(source_id);"
	"CREATE INDEX IF NOT EXISTS lda_issue_filing ON lda_issue(filing_id);"
	"CREATE INDEX IF NOT EXISTS lda_gov_entity_source ON lda_gov_entity(source_id);"
	"CREATE INDEX IF NOT EXISTS lda_gov_entity_filing ON lda_gov_entity(filing_id);"
	"CREATE INDEX IF NOT EXISTS lda_contribution_source ON lda_contribution(source_id);"
	"CREATE INDEX IF NOT EXISTS lda_contribution_registrant ON lda_contribution(registrant);",
};
