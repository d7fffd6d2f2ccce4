/* Tables of the USAspending family: contract transactions (one row per FPDS
 * action), prime award summaries and subawards. Entities are referenced by
 * entity.rid. Fiscal years (October to September) are derived from the
 * dates, never taken from the files. */
#include "store/schemaInt.h"

#define FY(col) \
	"CASE WHEN " col " IS NULL THEN NULL ELSE CAST(substr(" col ",1,4) AS INTEGER)" \
	" + (CAST(substr(" col ",6,2) AS INTEGER) >= 10) END"

const bh_schema_part bh_schema_usaspending = {
	"usaspending",
	"CREATE TABLE IF NOT EXISTS txn("
	"  rid INTEGER PRIMARY KEY,"
	"  source_id INTEGER NOT NULL,"
	"  line INTEGER NOT NULL,"
	"  txn_key TEXT NOT NULL,"   /* contract_transaction_unique_key, or built alike */
	"  award_key TEXT NOT NULL," /* contract_award_unique_key, or built alike */
	"  piid TEXT, modification TEXT, parent_piid TEXT,"
	"  agency INTEGER, subagency INTEGER, office INTEGER," /* awarding */
	"  funding_subagency INTEGER,"
	"  recipient INTEGER, parent INTEGER,"
	"  action_date TEXT,"
	"  fiscal_year INTEGER GENERATED ALWAYS AS (" FY("action_date") ") VIRTUAL,"
	"  amount INTEGER," /* federal_action_obligation, cents */
	"  action_type TEXT, description TEXT,"
	"  psc TEXT, psc_desc TEXT, naics TEXT, naics_desc TEXT"
	");"
	"CREATE VIRTUAL TABLE IF NOT EXISTS txn_fts USING fts5("
	"  description, content='txn', content_rowid='rid',"
	"  tokenize='unicode61 remove_diacritics 2');"
	"CREATE TABLE IF NOT EXISTS award("
	"  rid INTEGER PRIMARY KEY,"
	"  source_id INTEGER NOT NULL,"
	"  line INTEGER NOT NULL,"
	"  award_key TEXT NOT NULL,"
	"  piid TEXT, parent_piid TEXT,"
	"  agency INTEGER, subagency INTEGER, office INTEGER,"
	"  recipient INTEGER, parent INTEGER,"
	"  base_date TEXT, latest_date TEXT,"
	"  fiscal_year INTEGER GENERATED ALWAYS AS (" FY("base_date") ") VIRTUAL,"
	"  amount INTEGER,"    /* total_obligated_amount, cents */
	"  potential INTEGER," /* potential_total_value_of_award, cents */
	"  description TEXT, psc TEXT, psc_desc TEXT, naics TEXT, naics_desc TEXT"
	");"
	"CREATE VIRTUAL TABLE IF NOT EXISTS award_fts USING fts5("
	"  description, content='award', content_rowid='rid',"
	"  tokenize='unicode61 remove_diacritics 2');"
	"CREATE TABLE IF NOT EXISTS subaward("
	"  rid INTEGER PRIMARY KEY,"
	"  source_id INTEGER NOT NULL,"
	"  line INTEGER NOT NULL,"
	"  prime_award_key TEXT NOT NULL,"
	"  prime_piid TEXT,"
	"  subagency INTEGER," /* awarding sub-agency of the prime award */
	"  prime INTEGER, sub INTEGER, sub_parent INTEGER,"
	"  number TEXT,"
	"  action_date TEXT,"
	"  fiscal_year INTEGER GENERATED ALWAYS AS (" FY("action_date") ") VIRTUAL,"
	"  amount INTEGER,"
	"  description TEXT"
	");"
	"CREATE VIRTUAL TABLE IF NOT EXISTS subaward_fts USING fts5("
	"  description, content='subaward', content_rowid='rid',"
	"  tokenize='unicode61 remove_diacritics 2');"
	/* The counting rule for contract money (see `behind top --help`): every
	 * transaction counts its federal_action_obligation; an award summary's
	 * total_obligated_amount counts only for an award that no ingested
	 * transaction file covers, and once, from the newest source that has it. */
	"CREATE VIEW IF NOT EXISTS obligation AS"
	"  SELECT 'txn' AS basis, rid, source_id, line, award_key, agency, subagency, office,"
	"         recipient, parent, action_date AS date, fiscal_year, amount, description,"
	"         psc, psc_desc, naics, naics_desc"
	"  FROM txn"
	"  UNION ALL"
	"  SELECT 'award', a.rid, a.source_id, a.line, a.award_key, a.agency, a.subagency, a.office,"
	"         a.recipient, a.parent, a.base_date, a.fiscal_year, a.amount, a.description,"
	"         a.psc, a.psc_desc, a.naics, a.naics_desc"
	"  FROM award a"
	"  WHERE NOT EXISTS (SELECT 1 FROM txn t WHERE t.award_key = a.award_key)"
	"    AND a.rid = (SELECT max(b.rid) FROM award b WHERE b.award_key = a.award_key);",
	"CREATE INDEX IF NOT EXISTS txn_award ON txn(award_key);"
	"CREATE INDEX IF NOT EXISTS txn_recipient ON txn(recipient);"
	"CREATE INDEX IF NOT EXISTS txn_parent ON txn(parent);"
	"CREATE INDEX IF NOT EXISTS txn_subagency ON txn(subagency, action_date);"
	"CREATE INDEX IF NOT EXISTS txn_agency ON txn(agency);" /* a department's money (show) */
	"CREATE INDEX IF NOT EXISTS award_key ON award(award_key);"
	"CREATE INDEX IF NOT EXISTS award_recipient ON award(recipient);"
	"CREATE INDEX IF NOT EXISTS award_subagency ON award(subagency);"
	"CREATE INDEX IF NOT EXISTS award_agency ON award(agency);"
	"CREATE INDEX IF NOT EXISTS subaward_prime ON subaward(prime);"
	"CREATE INDEX IF NOT EXISTS subaward_sub ON subaward(sub);"
	"CREATE INDEX IF NOT EXISTS subaward_key ON subaward(prime_award_key);",
	"CREATE INDEX IF NOT EXISTS txn_source ON txn(source_id);"
	"CREATE INDEX IF NOT EXISTS award_source ON award(source_id);"
	"CREATE INDEX IF NOT EXISTS subaward_source ON subaward(source_id);",
};
