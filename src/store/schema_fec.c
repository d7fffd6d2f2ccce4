/* Tables of the FEC bulk files (see docs/sources.md, "FEC"): committee and
 * candidate masters, candidate-committee linkages, itemized transactions
 * (individual contributions, committee-to-committee transactions and
 * committee-to-candidate contributions in one table, told apart by `file`)
 * and PAC summaries. Ids are the FEC's own (C..., H/S/P...); entity columns
 * point at entity.rid. Money is cents, dates ISO.
 *
 * The counting rule (a total never counts one dollar twice): a transaction
 * is its SUB_ID, counted once whatever file or snapshot repeats it; memo
 * entries (MEMO_CD 'X') are itemizations of money reported on another line
 * and never count; the FEC's bulk files already carry only the latest
 * version of an amended report, so AMNDT_IND is kept but not filtered on.
 * The view fec_gift applies it to money a committee gave candidates. */
#include "store/schemaInt.h"

const bh_schema_part bh_schema_fec = {
	"fec",
	"CREATE TABLE IF NOT EXISTS fec_committee("
	"  rid INTEGER PRIMARY KEY,"
	"  source_id INTEGER NOT NULL, line INTEGER NOT NULL,"
	"  cmte_id TEXT NOT NULL, entity INTEGER,"
	"  name TEXT, treasurer TEXT, city TEXT, state TEXT, zip TEXT,"
	"  designation TEXT," /* CMTE_DSGN: A, B (lobbyist PAC), D, J, P, U */
	"  type TEXT,"        /* CMTE_TP: Q, N, H, S, P, X, Y, ... */
	"  party TEXT, filing_freq TEXT,"
	"  org_type TEXT,"    /* ORG_TP: C corporation, L labor, M membership, T trade, ... */
	"  connected_org TEXT, connected INTEGER," /* CONNECTED_ORG_NM and its entity */
	"  cand_id TEXT"
	");"
	"CREATE TABLE IF NOT EXISTS fec_candidate("
	"  rid INTEGER PRIMARY KEY,"
	"  source_id INTEGER NOT NULL, line INTEGER NOT NULL,"
	"  cand_id TEXT NOT NULL, entity INTEGER,"
	"  name TEXT, party TEXT, election_year INTEGER,"
	"  office_state TEXT, office TEXT, district TEXT,"
	"  ici TEXT, status TEXT, pcc_id TEXT, city TEXT, state TEXT, zip TEXT"
	");"
	"CREATE TABLE IF NOT EXISTS fec_linkage("
	"  rid INTEGER PRIMARY KEY,"
	"  source_id INTEGER NOT NULL, line INTEGER NOT NULL,"
	"  cand_id TEXT NOT NULL, cand_year INTEGER, fec_year INTEGER,"
	"  cmte_id TEXT NOT NULL, cmte_type TEXT, cmte_designation TEXT, linkage_id TEXT"
	");"
	"CREATE TABLE IF NOT EXISTS fec_txn("
	"  rid INTEGER PRIMARY KEY,"
	"  source_id INTEGER NOT NULL, line INTEGER NOT NULL,"
	"  file TEXT NOT NULL," /* itcont | itoth | itpas2 */
	"  cmte_id TEXT NOT NULL, cmte INTEGER," /* the filer */
	"  amndt TEXT, report_type TEXT, pgi TEXT, image_num TEXT,"
	"  tx_type TEXT, entity_type TEXT,"
	"  name TEXT, city TEXT, state TEXT, zip TEXT, employer TEXT, occupation TEXT,"
	"  date TEXT, amount INTEGER,"
	"  other_id TEXT, counterparty INTEGER," /* contributor, payee or other committee */
	"  cand_id TEXT, cand INTEGER,"
	"  tran_id TEXT, file_num TEXT, memo_cd TEXT, memo_text TEXT,"
	"  sub_id TEXT"
	");"
	"CREATE TABLE IF NOT EXISTS fec_pac_summary("
	"  rid INTEGER PRIMARY KEY,"
	"  source_id INTEGER NOT NULL, line INTEGER NOT NULL,"
	"  cmte_id TEXT NOT NULL, cmte INTEGER, name TEXT, type TEXT, designation TEXT,"
	"  receipts INTEGER, individual_contrib INTEGER, disbursements INTEGER,"
	"  contrib_to_other INTEGER, cash_end INTEGER, coverage_end TEXT"
	");"
	/* Money a committee gave candidates: itpas2 direct (24K) and in-kind
	 * (24Z) contributions, memo entries out, each SUB_ID once. Independent
	 * expenditures (24E for, 24A against) and coordinated party spending
	 * (24C) are spending about a candidate, not gifts to one. */
	"CREATE VIEW IF NOT EXISTS fec_gift AS"
	"  SELECT t.* FROM fec_txn t"
	"  WHERE t.file = 'itpas2' AND t.tx_type IN ('24K', '24Z')"
	"    AND coalesce(t.memo_cd, '') <> 'X'"
	"    AND t.rid = (SELECT min(b.rid) FROM fec_txn b WHERE b.sub_id = t.sub_id"
	"                 AND b.file = 'itpas2');",
	"CREATE INDEX IF NOT EXISTS fec_committee_id ON fec_committee(cmte_id);"
	"CREATE INDEX IF NOT EXISTS fec_committee_connected ON fec_committee(connected);"
	"CREATE INDEX IF NOT EXISTS fec_candidate_id ON fec_candidate(cand_id);"
	"CREATE INDEX IF NOT EXISTS fec_linkage_cmte ON fec_linkage(cmte_id);"
	"CREATE INDEX IF NOT EXISTS fec_txn_cmte ON fec_txn(cmte, file);"
	"CREATE INDEX IF NOT EXISTS fec_txn_cmte_id ON fec_txn(cmte_id, file);"
	"CREATE INDEX IF NOT EXISTS fec_txn_sub ON fec_txn(sub_id);"
	"CREATE INDEX IF NOT EXISTS fec_txn_counterparty ON fec_txn(counterparty);"
	"CREATE INDEX IF NOT EXISTS fec_txn_cand ON fec_txn(cand_id);"
	"CREATE INDEX IF NOT EXISTS fec_txn_employer ON fec_txn(employer);"
	"CREATE INDEX IF NOT EXISTS fec_pac_summary_cmte ON fec_pac_summary(cmte_id);",
	"CREATE INDEX IF NOT EXISTS fec_committee_source ON fec_committee(source_id);"
	"CREATE INDEX IF NOT EXISTS fec_candidate_source ON fec_candidate(source_id);"
	"CREATE INDEX IF NOT EXISTS fec_linkage_source ON fec_linkage(source_id);"
	"CREATE INDEX IF NOT EXISTS fec_txn_source ON fec_txn(source_id);"
	"CREATE INDEX IF NOT EXISTS fec_pac_summary_source ON fec_pac_summary(source_id);",
};
