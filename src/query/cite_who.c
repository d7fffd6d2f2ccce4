/* The evidence packs of the figures `behind who` prints (docs/cite.md):
 * each row of its JSON carries a figure id "KIND:AGENCY:YEARS:KEY" (or
 * "KIND:KEY" where the agency plays no part), and this file turns one back
 * into the query that lists the row's records.
 *
 * The records are read from the same temp tables `who` computes (temp.who_ob,
 * who_ag, who_mem: bh_who_prepare_sql, bh_who_members_sql), prepared here
 * with the same SQL, so a pack counts exactly what the dossier counted; that
 * SQL goes into query.sql ahead of the records query, so that sqlite3 alone
 * reproduces the records. Hidden vendors are the exception: their matching
 * is done in C (bh_who_hidden), so their query names the matched
 * transactions by rowid. */
#include "query/citeInt.h"
#include "query/queryInt.h"
#include "ingest/value.h"

#include <stdlib.h>
#include <string.h>

/* ---- records queries ------------------------------------------------------ */

#define OB_RECORDS \
	"SELECT o.basis AS record, s.path AS file, o.line, o.date, o.amount," \
	" " BH_AWARD_URL("o.award_key") " AS url, coalesce(ea.id, '') AS from_entity," \
	" coalesce(er.id, '') AS to_entity, o.description" \
	" FROM temp.who_ob o JOIN source s ON s.id = o.source_id" \
	" LEFT JOIN entity ea ON ea.rid = coalesce(o.subagency, o.agency)" \
	" LEFT JOIN entity er ON er.rid = o.recipient"
#define OB_ORDER " ORDER BY o.date, o.rid"

static const char q_total[] = OB_RECORDS OB_ORDER;
static const char q_psc[] = OB_RECORDS " WHERE o.psc = ?1" OB_ORDER;
static const char q_naics[] = OB_RECORDS " WHERE o.naics = ?1" OB_ORDER;
static const char q_company_award[] = OB_RECORDS " WHERE o.co = ?1 AND o.award_key = ?2" OB_ORDER;

/* ?1 prime, ?2 sub (canonical rids), ?3/?4 fiscal years (0 open) */
static const char q_sub[] =
	"SELECT 'subaward' AS record, s.path AS file, sa.line, sa.action_date AS date, sa.amount,"
	" " BH_AWARD_URL("sa.prime_award_key") " AS url, ep.id AS from_entity, es.id AS to_entity,"
	" sa.description FROM subaward sa JOIN source s ON s.id = sa.source_id"
	" JOIN entity ep ON ep.rid = sa.prime JOIN entity es ON es.rid = sa.sub"
	" WHERE sa.subagency IN (SELECT rid FROM temp.who_ag)"
	"  AND (?3 = 0 OR sa.fiscal_year >= ?3) AND (?4 = 0 OR sa.fiscal_year <= ?4)"
	"  AND " BH_CANON("sa.prime") " = ?1 AND " BH_CANON("sa.sub") " = ?2"
	" ORDER BY sa.action_date, sa.rid";

/* record, file, line, date | amount, url | from_entity, to_entity | description */
#define LDA_HEAD(f) "SELECT 'lda_filing' AS record, s.path AS file, " f ".line, " f ".received AS date,"
#define LDA_PARTIES(f) \
	" coalesce(er.id, " f ".registrant_name) AS from_entity," \
	" coalesce(ec.id, " f ".client_name) AS to_entity,"
#define LDA_JOINS(f) \
	" JOIN source s ON s.id = " f ".source_id LEFT JOIN entity er ON er.rid = " f ".registrant" \
	" LEFT JOIN entity ec ON ec.rid = " f ".client"

/* ?1 the company (canonical rid, a key of temp.who_mem) */
static const char q_lobby[] =
	"WITH m AS (SELECT member FROM temp.who_mem WHERE co = ?1),"
	" f AS (SELECT sp.* FROM m CROSS JOIN lda_spend sp ON sp.client = m.member"
	"  UNION SELECT sp.* FROM m CROSS JOIN lda_spend sp ON sp.registrant = m.member"
	"  AND sp.self_filer)"
	" " LDA_HEAD("f") " f.amount, " BH_LDA_URL("f.filing_id") " AS url," LDA_PARTIES("f")
	" trim(f.form || ' ' || coalesce(f.year, '') || ' ' || coalesce(f.period, '')) AS description"
	" FROM f" LDA_JOINS("f") " ORDER BY f.received, f.rid";

/* ?1 the company, ?2 the government entity's name as filed: one record per
 * filing (a filing present in two downloads counts once) */
static const char q_contact[] =
	"WITH m AS (SELECT member FROM temp.who_mem WHERE co = ?1),"
	" fl AS (SELECT f.rid FROM m CROSS JOIN lda_filing f ON f.client = m.member"
	"  UNION SELECT f.rid FROM m CROSS JOIN lda_filing f ON f.registrant = m.member)"
	" " LDA_HEAD("f") " NULL AS amount, " BH_LDA_URL("ge.filing_id") " AS url,"
	LDA_PARTIES("f") " ge.name AS description"
	" FROM lda_gov_entity ge JOIN lda_filing f"
	"  ON f.filing_id = ge.filing_id AND f.source_id = ge.source_id" LDA_JOINS("f")
	" WHERE ge.name = ?2 AND f.rid IN (SELECT rid FROM fl)"
	" GROUP BY ge.filing_id ORDER BY min(f.received), ge.filing_id";

/* ?1 the issue code: filings of any of the top companies, once each */
static const char q_issue[] =
	LDA_HEAD("f") " NULL AS amount, " BH_LDA_URL("i.filing_id") " AS url," LDA_PARTIES("f")
	" i.code || coalesce(': ' || substr(i.specific, 1, 200), '') AS description"
	" FROM lda_issue i JOIN lda_filing f ON f.filing_id = i.filing_id AND f.source_id = i.source_id"
	LDA_JOINS("f") " WHERE f.client IN (SELECT member FROM temp.who_mem) AND i.code = ?1"
	" GROUP BY i.filing_id ORDER BY min(f.received), i.filing_id";

/* ?1 the company, ?2 the lobbyist's name and ?3 former position as filed:
 * the filings naming that lobbyist for a client standing for the company,
 * one record per filing */
static const char q_lobbyist[] =
	LDA_HEAD("f") " NULL AS amount, " BH_LDA_URL("lb.filing_id") " AS url," LDA_PARTIES("f")
	" lb.name || ', formerly ' || lb.official_position AS description"
	" FROM lda_lobbyist lb JOIN lda_filing f"
	"  ON f.filing_id = lb.filing_id AND f.source_id = lb.source_id" LDA_JOINS("f")
	" WHERE lb.name = ?2 AND lb.official_position = ?3"
	"  AND f.client IN (SELECT member FROM temp.who_mem WHERE co = ?1)"
	" GROUP BY lb.filing_id ORDER BY min(f.received), lb.filing_id";

/* ?1 the company, ?2 the person (its own entity): the person's positions at
 * an entity standing for the company, and in government (a public body)
 * beside one of those: the records of the rows `who` pairs them in */
static const char q_appointee[] =
	"WITH pp AS (SELECT p.rid FROM position p WHERE p.person = ?2"
	"   AND p.org IN (SELECT member FROM temp.who_mem WHERE co = ?1)),"
	" gg AS (SELECT g.rid FROM position g JOIN entity b ON b.rid = g.org AND b.kind = 'public_body'"
	"   WHERE g.person = ?2 AND EXISTS (SELECT 1 FROM pp WHERE pp.rid <> g.rid))"
	" SELECT 'position' AS record, s.path AS file, p.line, p.start_date AS date, NULL AS amount,"
	" p.source_url AS url, pe.id AS from_entity, coalesce(oe.id, p.org_name) AS to_entity,"
	" trim(coalesce(p.role, '') || ' (' || coalesce(p.start_date, '?') || ' to '"
	"  || coalesce(p.end_date, '?') || ')') AS description"
	" FROM position p JOIN source s ON s.id = p.source_id JOIN entity pe ON pe.rid = p.person"
	" LEFT JOIN entity oe ON oe.rid = p.org"
	" WHERE p.rid IN (SELECT rid FROM pp UNION SELECT rid FROM gg)"
	" ORDER BY p.start_date, p.rid";

#define GIFT_RECORDS \
	"SELECT 'fec_txn' AS record, s.path AS file, g.line, g.date, g.amount," \
	" " BH_FEC_IMAGE_URL("g.image_num") " AS url, coalesce(ec.id, g.cmte_id) AS from_entity," \
	" coalesce(ed.id, g.cand_id) AS to_entity, g.tx_type AS description" \
	" FROM fec_gift g JOIN source s ON s.id = g.source_id" \
	" LEFT JOIN entity ec ON ec.rid = g.cmte LEFT JOIN entity ed ON ed.rid = g.cand"

/* ?1 the committee (its own entity, as `who` lists it) */
static const char q_pac[] = GIFT_RECORDS " WHERE g.cmte = ?1 ORDER BY g.date, g.rid";

/* ?1 the candidate (its own entity): gifts from the PACs of the top companies */
static const char q_cand[] =
	GIFT_RECORDS " WHERE g.cand = ?1 AND g.cmte IN (SELECT l.dst FROM temp.who_mem m"
	"  CROSS JOIN link l ON l.src = m.member AND l.kind = 'sponsors')"
	" ORDER BY g.date, g.rid";

/* ?1 the employer head ("PALANTIR"): itemized individual contributions */
static const char q_emp[] =
	"SELECT 'fec_txn' AS record, s.path AS file, x.line, x.date, x.amount,"
	" " BH_FEC_IMAGE_URL("x.image_num") " AS url, x.name AS from_entity,"
	" x.cmte_id AS to_entity, x.employer AS description"
	" FROM fec_txn x JOIN source s ON s.id = x.source_id"
	" WHERE x.rid IN (SELECT y.rid FROM (SELECT ?1 AS head UNION ALL SELECT 'THE ' || ?1) h"
	"  CROSS JOIN fec_txn y ON " BH_EMPLOYER_IS("y.employer", "h.head") ")"
	"  AND +x.file = 'itcont' AND coalesce(x.memo_cd, '') <> 'X'"
	" ORDER BY x.date, x.rid";

/* ---- the figures of `behind show` (an entity and its cluster) ------------ */

#define CLUSTER(x) "(SELECT " x " UNION SELECT entity FROM cluster WHERE canon = " x ")"
#define SHOW_RECORDS(cond) \
	"SELECT o.basis AS record, s.path AS file, o.line, o.date, o.amount," \
	" " BH_AWARD_URL("o.award_key") " AS url, coalesce(ea.id, '') AS from_entity," \
	" coalesce(er.id, '') AS to_entity, o.description" \
	" FROM " BH_OBLIGATIONS(cond " AND amount IS NOT NULL") " o" \
	" JOIN source s ON s.id = o.source_id" \
	" LEFT JOIN entity ea ON ea.rid = coalesce(o.subagency, o.agency)" \
	" LEFT JOIN entity er ON er.rid = o.recipient"

/* ?1 the entity (canonical), ?2 the awarding agency as recorded, ?3 the FY */
static const char q_recv[] =
	SHOW_RECORDS("recipient IN " CLUSTER("?1"))
	" WHERE coalesce(o.subagency, o.agency) = ?2 AND o.fiscal_year = ?3 ORDER BY o.date, o.rid";
static const char q_viasub[] =
	SHOW_RECORDS("parent IN " CLUSTER("?1"))
	" WHERE o.recipient NOT IN " CLUSTER("?1") " AND coalesce(o.subagency, o.agency) = ?2"
	" AND o.fiscal_year = ?3 ORDER BY o.date, o.rid";
/* ?1 the entity, ?2 the award key */
static const char q_held_award[] =
	SHOW_RECORDS("(recipient IN " CLUSTER("?1") " OR parent IN " CLUSTER("?1") ")"
		     " AND award_key = ?2") " ORDER BY o.date, o.rid";
/* ?1 prime, ?2 sub (canonical rids), every agency and year */
static const char q_subs_pair[] =
	"SELECT 'subaward' AS record, s.path AS file, sa.line, sa.action_date AS date, sa.amount,"
	" " BH_AWARD_URL("sa.prime_award_key") " AS url, ep.id AS from_entity, es.id AS to_entity,"
	" sa.description FROM subaward sa JOIN source s ON s.id = sa.source_id"
	" JOIN entity ep ON ep.rid = sa.prime JOIN entity es ON es.rid = sa.sub"
	" WHERE sa.prime IN " CLUSTER("?1") " AND sa.sub IN " CLUSTER("?2")
	" ORDER BY sa.action_date, sa.rid";

/* ?1 the committee or candidate (canonical), ?2 the year, ?3 the direction
 * (received, spent): the FEC transactions its committee(s) filed that
 * `show` counts in its campaign money (queryInt.h BH_FEC_COUNTED); the
 * other side is the sender of a receipt, the recipient of a disbursement */
static const char q_camp[] =
	"SELECT 'fec_txn' AS record, s.path AS file, x.line, x.date, x.amount,"
	" " BH_FEC_IMAGE_URL("x.image_num") " AS url,"
	" CASE WHEN ?3 = 'received' THEN coalesce(eo.id, x.other_id, x.name)"
	"  ELSE coalesce(ec.id, x.cmte_id) END AS from_entity,"
	" CASE WHEN ?3 = 'received' THEN coalesce(ec.id, x.cmte_id)"
	"  ELSE coalesce(eo.id, x.other_id, x.name) END AS to_entity,"
	" x.tx_type AS description"
	" FROM fec_txn x JOIN source s ON s.id = x.source_id"
	" LEFT JOIN entity ec ON ec.rid = x.cmte"
	" LEFT JOIN entity eo ON eo.rid = coalesce(x.counterparty, x.cand)"
	" WHERE x.cmte IN " CLUSTER("?1") " AND substr(x.date, 1, 4) = ?2"
	" AND " BH_FEC_DIRECTION("x") " = ?3 AND " BH_FEC_COUNTED("x")
	" ORDER BY x.date, x.rid";
/* ?1 the candidate (canonical), ?2 the year: gifts from committees */
static const char q_camp_gifts[] =
	GIFT_RECORDS " WHERE g.cand_id IN (SELECT substr(e.id, 5) FROM entity e"
	"  WHERE e.rid IN " CLUSTER("?1") " AND e.kind = 'candidate') AND substr(g.date, 1, 4) = ?2"
	" ORDER BY g.date, g.rid";
static const char rule_camp[] =
	"As `behind show`'s campaign money: FEC itemized transactions a committee filed (itcont, itoth, "
	"itpas2), memo entries out, each SUB_ID once; received = receipts (types 1x, and 3x into "
	"convention, headquarters and recount accounts), spent = disbursements (2x, 4x); a candidate's "
	"pac_gifts = its gifts from committees (view fec_gift: itpas2 24K and 24Z); by the calendar "
	"year of the transaction date.";

static const char rule_show[] =
	"As `behind show`: obligations (each transaction's federal_action_obligation, an award "
	"summary only for awards no transaction covers) whose recipient (recv:, award:KEY:ENTITY) "
	"or parent (viasub:, award:KEY:ENTITY) is the entity or resolved as it; recv: and viasub: "
	"by the awarding agency as the record names it and the fiscal year of the action date.";

static const char rule_who[] =
	"As `behind who`: obligations (each transaction's federal_action_obligation, an award "
	"summary only for awards no transaction covers) awarded by the agency or a sub-agency or "
	"office part of it (two levels of part_of), in the fiscal years of the id (October 1 to "
	"September 30, by action date), rolled up to the parent company the record names, else "
	"the recipient, then to its resolved cluster.";
static const char rule_sub[] =
	"Subawards under prime awards of the agency's sub-agencies, in the fiscal years of the "
	"id, between the resolved clusters of the prime awardee and of the subawardee.";
static const char rule_hidden[] =
	"Contract transactions of the agency whose description contains the distinctive head "
	"of the company's name as a phrase (full-text index), where neither the recipient nor "
	"its parent belongs to the family of companies whose names start with that head's first "
	"word (see `behind who --help`).";
static const char rule_lobby[] =
	"LD-2 reports where the company (any entity rolled into it in the agency's records, or "
	"resolved as it) is the client, or the registrant of a self-filed report; of several "
	"filings of one report (registrant, client, year, period) the one received last counts "
	"(view lda_spend).";
static const char rule_filings[] =
	"Senate LDA filings, each filing id once, whose client (or registrant) is one of the "
	"entities standing for the agency's top companies in `behind who`.";
static const char rule_lobbyist[] =
	"Senate LDA filings, each filing id once, that list the lobbyist (name as filed) with "
	"that covered government position, for a client standing for the company (as in `behind "
	"who`: an entity rolled into it in the agency's records, or resolved as it).";
static const char rule_appointee[] =
	"Position records (personnel files) of the person: those at an entity standing for the "
	"company, and those at a public body that `behind who` pairs with one of them.";
static const char rule_gift[] =
	"Money a committee gave candidates: FEC itpas2 direct (24K) and in-kind (24Z) "
	"contributions, memo entries out, each SUB_ID once (view fec_gift).";
static const char rule_emp[] =
	"FEC itemized individual contributions (itcont), memo entries out, whose employer is the "
	"company's distinctive name head (or THE and the head) or starts with it followed by a non-alphanumeric "
	"character.";

/* ---- parsing ------------------------------------------------------------------ */

void bh_figure_free(bh_figure *f)
{
	if (!f)
		return;
	free(f->prep);
	sqlite3_free(f->own_sql);
	f->prep = f->own_sql = NULL;
}

/* p (after "KIND:") = "AGENCY:YEARS[:REST]": the first segment after the
 * first that reads as years splits it (AGENCY may hold a colon). */
static int split_agency_years(const char *p, char *agency, size_t cap, int *fy1, int *fy2,
			      const char **rest)
{
	for (const char *seg = strchr(p, ':'); seg; seg = strchr(seg + 1, ':')) {
		const char *next = strchr(seg + 1, ':');
		size_t n = next ? (size_t)(next - seg - 1) : strlen(seg + 1);
		if (!bh_cite_years(seg + 1, n, fy1, fy2))
			continue;
		if (seg == p || (size_t)(seg - p) >= cap)
			return 0;
		memcpy(agency, p, (size_t)(seg - p));
		agency[seg - p] = '\0';
		*rest = next ? next + 1 : "";
		return 1;
	}
	return 0;
}

/* rest = "PREFIX:VALUE[:MORE]": an entity id holds exactly one colon, so the
 * second colon (if any) ends it. */
static void split_entity(const char *rest, char *ent, size_t cap, const char **more)
{
	const char *c1 = strchr(rest, ':');
	const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	size_t n = c2 ? (size_t)(c2 - rest) : strlen(rest);
	snprintf(ent, cap, "%.*s", (int)n, rest);
	*more = c2 ? c2 + 1 : NULL;
}

/* The entity whose id is exactly `id` (not its cluster's canonical one). */
static int exact_entity(int64_t *rid, bh_store *s, const char *id, char *name, size_t cap)
{
	sqlite3_stmt *q = NULL;
	int rc = bh_store_prepare(&q, s, "SELECT rid, name FROM entity WHERE id = ?");
	if (rc < 0)
		return rc;
	sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_ROW) {
		*rid = sqlite3_column_int64(q, 0);
		if (name)
			snprintf(name, cap, "%s", bh_col_text(q, 1));
	} else {
		rc = bh_error_set(BH_ENOTFOUND, "no entity with id '%s' in this store", id);
	}
	sqlite3_finalize(q);
	return rc;
}

/* recv:ENTITY:AGENCY:FY, viasub:ENTITY:AGENCY:FY, subs:PRIME:SUB,
 * award:AWARD_KEY:ENTITY. Returns 1 if `id` is none of these. */
static int parse_show(bh_figure *f, bh_store *s, const char *id)
{
	const char *rest, *more = NULL;
	int rc;
	if (!strncmp(id, "recv:", 5) || !strncmp(id, "viasub:", 7)) {
		f->kind = id[0] == 'r' ? "recv" : "viasub";
		rest = strchr(id, ':') + 1;
		split_entity(rest, f->arg[0], sizeof f->arg[0], &more);
		if (more)
			split_entity(more, f->arg[1], sizeof f->arg[1], &more);
		char *end = NULL;
		long fy = more ? strtol(more, &end, 10) : 0;
		if (!more || end == more || *end || fy < 1900 || fy > 2200)
			return bh_error_set(BH_EUSAGE, "figure id '%s': expected %s:ENTITY:AGENCY:FY", id,
					    f->kind);
		if ((rc = bh_query_find(&f->b[0], s, f->arg[0], NULL)) < 0 ||
		    (rc = exact_entity(&f->b[1], s, f->arg[1], NULL, 0)) < 0)
			return rc;
		f->b[2] = fy;
		f->sql = f->kind[0] == 'r' ? q_recv : q_viasub;
		f->rule = rule_show;
		snprintf(f->what, sizeof f->what, "contract obligations %s %s from %s in FY%ld",
			 f->kind[0] == 'r' ? "received by" : "received by subsidiaries of", f->arg[0],
			 f->arg[1], fy);
		return 0;
	}
	if (!strncmp(id, "camp:", 5)) {
		/* camp:ENTITY:YEAR:DIRECTION */
		split_entity(id + 5, f->arg[0], sizeof f->arg[0], &more);
		const char *dir = more ? strchr(more, ':') : NULL;
		if (!dir || dir - more != 4 || strspn(more, "0123456789") != 4 ||
		    (strcmp(dir + 1, "received") && strcmp(dir + 1, "spent") && strcmp(dir + 1, "pac_gifts")))
			return bh_error_set(BH_EUSAGE, "figure id '%s': expected camp:ENTITY:YEAR:"
					    "received|spent|pac_gifts", id);
		if ((rc = bh_query_find(&f->b[0], s, f->arg[0], NULL)) < 0)
			return rc;
		snprintf(f->arg[1], sizeof f->arg[1], "%.4s", more);
		snprintf(f->arg[2], sizeof f->arg[2], "%s", dir + 1);
		f->t[1] = f->arg[1];
		f->t[2] = f->arg[2];
		f->kind = "camp";
		f->sql = strcmp(f->arg[2], "pac_gifts") ? q_camp : q_camp_gifts;
		f->rule = rule_camp;
		snprintf(f->what, sizeof f->what, "campaign money (FEC) of %s in %s: %s", f->arg[0],
			 f->arg[1], !strcmp(f->arg[2], "pac_gifts") ? "gifts from committees" : f->arg[2]);
		return 0;
	}
	if (!strncmp(id, "subs:", 5)) {
		split_entity(id + 5, f->arg[0], sizeof f->arg[0], &more);
		if (!more || !*more)
			return bh_error_set(BH_EUSAGE, "figure id '%s': expected subs:PRIME:SUB", id);
		if ((rc = bh_query_find(&f->b[0], s, f->arg[0], NULL)) < 0 ||
		    (rc = bh_query_find(&f->b[1], s, more, NULL)) < 0)
			return rc;
		f->kind = "subs";
		f->sql = q_subs_pair;
		f->rule = rule_sub;
		snprintf(f->what, sizeof f->what, "subawards from %s to %s, every agency and year",
			 f->arg[0], more);
		return 0;
	}
	const char *colon = strncmp(id, "award:", 6) ? NULL : strchr(id + 6, ':');
	if (!colon)
		return 1; /* award:KEY alone is cite.c's */
	snprintf(f->arg[1], sizeof f->arg[1], "%.*s", (int)(colon - id - 6), id + 6);
	snprintf(f->arg[0], sizeof f->arg[0], "%s", colon + 1);
	if ((rc = bh_query_find(&f->b[0], s, f->arg[0], NULL)) < 0)
		return rc;
	f->kind = "award";
	f->t[1] = f->arg[1];
	f->sql = q_held_award;
	f->rule = rule_show;
	snprintf(f->what, sizeof f->what, "obligations of contract award %s received by %s or its"
		 " subsidiaries", f->arg[1], f->arg[0]);
	return 0;
}

/* Runs the temp tables of `who` for agency/years (and its top companies
 * when `members`), keeping their SQL in f->prep for query.sql. */
static int prepare(bh_figure *f, bh_store *s, int64_t agency, int fy1, int fy2, int members)
{
	size_t cap = 8192;
	int rc;
	if (!(f->prep = malloc(cap)))
		return bh_error_set(BH_ENOMEM, "cite: out of memory");
	if ((rc = bh_who_prepare_sql(f->prep, cap, agency, fy1, fy2)) < 0)
		return rc;
	if (members) {
		size_t n = strlen(f->prep);
		if ((rc = bh_who_members_sql(f->prep + n, cap - n, 20, 0)) < 0)
			return rc;
	}
	if ((rc = bh_store_exec(s, "PRAGMA analysis_limit=1000")) < 0)
		return rc;
	return bh_store_exec(s, f->prep);
}

/* The hidden vendor `named` (canonical rid): its matched transactions, by
 * rowid, into f->own_sql. */
static int hidden_sql(bh_figure *f, bh_store *s, int64_t named)
{
	sqlite3_stmt *q = NULL;
	char *list = NULL;
	size_t n = 0, cap = 0;
	int rc = bh_who_hidden(s, 0);
	if (rc < 0 || (rc = bh_store_prepare(&q, s, "SELECT DISTINCT rid FROM temp.who_hidden"
						    " WHERE named = ? ORDER BY rid")) < 0)
		return rc;
	sqlite3_bind_int64(q, 1, named);
	while (sqlite3_step(q) == SQLITE_ROW) {
		if (n + 24 >= cap) {
			size_t nc = cap ? cap * 2 : 256;
			char *t = realloc(list, nc);
			if (!t) {
				rc = bh_error_set(BH_ENOMEM, "cite: out of memory");
				goto done;
			}
			list = t;
			cap = nc;
		}
		n += (size_t)snprintf(list + n, cap - n, "%s%lld", n ? "," : "",
				      (long long)sqlite3_column_int64(q, 0));
	}
	f->own_sql = sqlite3_mprintf(
		"SELECT 'txn' AS record, s.path AS file, t.line, t.action_date AS date, t.amount,"
		" " BH_AWARD_URL("t.award_key") " AS url, ?1 AS from_entity, er.id AS to_entity,"
		" t.description FROM txn t JOIN source s ON s.id = t.source_id"
		" LEFT JOIN entity er ON er.rid = t.recipient WHERE t.rid IN (%s)"
		" ORDER BY t.action_date, t.rid",
		list ? list : "");
	if (!f->own_sql)
		rc = bh_error_set(BH_ENOMEM, "cite: out of memory");
done:
	sqlite3_finalize(q);
	free(list);
	return rc;
}

int bh_cite_parse_who(bh_figure *f, bh_store *s, const char *id)
{
	static const struct {
		const char *kind;
		int agency; /* AGENCY:YEARS come first */
	} kinds[] = {{"total", 1}, {"psc", 1},     {"naics", 1}, {"sub", 1},   {"hidden", 1},
		     {"lobby", 1}, {"contact", 1}, {"issue", 1}, {"cand", 1},  {"top", 1},
		     {"lobbyist", 1}, {"appointee", 1}, {"pac", 0}, {"emp", 0}, {NULL, 0}};
	const char *colon = strchr(id, ':'), *rest = NULL, *more = NULL;
	char agency_ref[256], years[32], name[512];
	int64_t agency = 0, e1 = 0, e2 = 0;
	int fy1 = 0, fy2 = 0, k, rc;

	if (!colon)
		return 1;
	if ((rc = parse_show(f, s, id)) <= 0)
		return rc;
	for (k = 0; kinds[k].kind; k++)
		if (strlen(kinds[k].kind) == (size_t)(colon - id) &&
		    memcmp(kinds[k].kind, id, (size_t)(colon - id)) == 0)
			break;
	if (!kinds[k].kind)
		return 1;
	f->kind = kinds[k].kind;
	if (!kinds[k].agency) {
		rest = colon + 1;
	} else {
		if (!split_agency_years(colon + 1, agency_ref, sizeof agency_ref, &fy1, &fy2, &rest))
			return strcmp(f->kind, "top") == 0 ? 1 : bh_error_set(BH_EUSAGE,
				"figure id '%s': expected %s:AGENCY:YEARS... (docs/cite.md)", id, f->kind);
		if (!strcmp(f->kind, "top")) {
			/* top:AGENCY:YEARS:ENTITY is cite.c's; with :AWARD_KEY, ours */
			split_entity(rest, f->arg[0], sizeof f->arg[0], &more);
			if (!more || !*more)
				return 1;
		}
		if ((rc = bh_query_find(&agency, s, agency_ref, "public_body")) < 0)
			return rc;
		bh_figure_years(years, sizeof years, fy1, fy2);
	}
	if (!strcmp(f->kind, "total") != !*rest)
		return bh_error_set(BH_EUSAGE, "figure id '%s': %s", id,
				    *rest ? "total:AGENCY:YEARS takes nothing after the years"
					  : "the key after AGENCY:YEARS is missing");
	f->rule = rule_who;
	if (!strcmp(f->kind, "total")) {
		f->sql = q_total;
		snprintf(f->what, sizeof f->what, "contract obligations of agency %s, FY %s",
			 agency_ref, years);
		return prepare(f, s, agency, fy1, fy2, 0);
	}
	if (!strcmp(f->kind, "psc") || !strcmp(f->kind, "naics")) {
		snprintf(f->arg[0], sizeof f->arg[0], "%s", rest);
		f->sql = f->kind[0] == 'p' ? q_psc : q_naics;
		f->t[0] = f->arg[0];
		snprintf(f->what, sizeof f->what, "contract obligations of agency %s, FY %s, %s %s",
			 agency_ref, years, f->kind[0] == 'p' ? "product/service code" : "NAICS code",
			 rest);
		return prepare(f, s, agency, fy1, fy2, 0);
	}
	if (!strcmp(f->kind, "top")) {
		snprintf(f->arg[1], sizeof f->arg[1], "%s", more);
		if ((rc = bh_query_find(&f->b[0], s, f->arg[0], NULL)) < 0)
			return rc;
		f->sql = q_company_award;
		f->t[1] = f->arg[1];
		snprintf(f->what, sizeof f->what,
			 "contract obligations of award %s to %s (rolled up) by agency %s, FY %s",
			 more, f->arg[0], agency_ref, years);
		return prepare(f, s, agency, fy1, fy2, 0);
	}
	if (!strcmp(f->kind, "sub")) {
		split_entity(rest, f->arg[0], sizeof f->arg[0], &more);
		if (!more || !*more)
			return bh_error_set(BH_EUSAGE, "figure id '%s': expected sub:AGENCY:YEARS:PRIME:SUB",
					    id);
		if ((rc = bh_query_find(&e1, s, f->arg[0], NULL)) < 0 ||
		    (rc = bh_query_find(&e2, s, more, NULL)) < 0)
			return rc;
		f->sql = q_sub;
		f->rule = rule_sub;
		f->b[0] = e1;
		f->b[1] = e2;
		f->b[2] = fy1;
		f->b[3] = fy2;
		snprintf(f->what, sizeof f->what, "subawards from %s to %s under agency %s, FY %s",
			 f->arg[0], more, agency_ref, years);
		return prepare(f, s, agency, fy1, fy2, 0);
	}
	if (!strcmp(f->kind, "hidden")) {
		snprintf(f->arg[0], sizeof f->arg[0], "%s", rest);
		if ((rc = bh_query_find(&e1, s, rest, NULL)) < 0 ||
		    (rc = prepare(f, s, agency, fy1, fy2, 0)) < 0 || (rc = hidden_sql(f, s, e1)) < 0)
			return rc;
		f->sql = f->own_sql;
		f->rule = rule_hidden;
		f->t[0] = f->arg[0];
		snprintf(f->what, sizeof f->what,
			 "contract transactions of agency %s, FY %s, whose description names %s "
			 "while another company is the recipient", agency_ref, years, rest);
		return 0;
	}
	if (!strcmp(f->kind, "lobby") || !strcmp(f->kind, "contact")) {
		split_entity(rest, f->arg[0], sizeof f->arg[0], &more);
		if ((rc = bh_query_find(&f->b[0], s, f->arg[0], NULL)) < 0)
			return rc;
		if (f->kind[0] == 'l') {
			f->sql = q_lobby;
			f->rule = rule_lobby;
			snprintf(f->what, sizeof f->what,
				 "lobbying spend for %s (a top company of agency %s, FY %s)", f->arg[0],
				 agency_ref, years);
		} else {
			if (!more || !*more)
				return bh_error_set(BH_EUSAGE,
						    "figure id '%s': expected contact:AGENCY:YEARS:COMPANY:NAME",
						    id);
			snprintf(f->arg[1], sizeof f->arg[1], "%s", more);
			f->t[1] = f->arg[1];
			f->sql = q_contact;
			f->rule = rule_filings;
			snprintf(f->what, sizeof f->what,
				 "lobbying filings for %s (a top company of agency %s, FY %s) that "
				 "contacted %s", f->arg[0], agency_ref, years, more);
		}
		return prepare(f, s, agency, fy1, fy2, 1);
	}
	if (!strcmp(f->kind, "lobbyist") || !strcmp(f->kind, "appointee")) {
		split_entity(rest, f->arg[0], sizeof f->arg[0], &more);
		const char *sep = more ? strchr(more, ':') : NULL;
		if (!more || !*more || (f->kind[0] == 'l' && !sep))
			return bh_error_set(BH_EUSAGE, "figure id '%s': expected %s", id,
					    f->kind[0] == 'l' ? "lobbyist:AGENCY:YEARS:COMPANY:NAME:POSITION"
							      : "appointee:AGENCY:YEARS:COMPANY:PERSON");
		if ((rc = bh_query_find(&f->b[0], s, f->arg[0], NULL)) < 0)
			return rc;
		if (f->kind[0] == 'l') {
			snprintf(f->arg[1], sizeof f->arg[1], "%.*s", (int)(sep - more), more);
			snprintf(f->arg[2], sizeof f->arg[2], "%s", sep + 1);
			f->t[1] = f->arg[1];
			f->t[2] = f->arg[2];
			f->sql = q_lobbyist;
			f->rule = rule_lobbyist;
			snprintf(f->what, sizeof f->what,
				 "lobbying filings naming %s (formerly %s) for %s (a top company of "
				 "agency %s, FY %s)", f->arg[1], f->arg[2], f->arg[0], agency_ref, years);
		} else {
			snprintf(f->arg[1], sizeof f->arg[1], "%s", more);
			if ((rc = exact_entity(&f->b[1], s, more, NULL, 0)) < 0)
				return rc;
			f->sql = q_appointee;
			f->rule = rule_appointee;
			snprintf(f->what, sizeof f->what,
				 "positions of %s at %s (a top company of agency %s, FY %s) and in "
				 "government", more, f->arg[0], agency_ref, years);
		}
		return prepare(f, s, agency, fy1, fy2, 1);
	}
	if (!strcmp(f->kind, "issue")) {
		snprintf(f->arg[0], sizeof f->arg[0], "%s", rest);
		f->t[0] = f->arg[0];
		f->sql = q_issue;
		f->rule = rule_filings;
		snprintf(f->what, sizeof f->what,
			 "lobbying filings with issue code %s for the top companies of agency %s, FY %s",
			 rest, agency_ref, years);
		return prepare(f, s, agency, fy1, fy2, 1);
	}
	if (!strcmp(f->kind, "cand")) {
		if ((rc = exact_entity(&f->b[0], s, rest, NULL, 0)) < 0)
			return rc;
		f->sql = q_cand;
		f->rule = rule_gift;
		snprintf(f->what, sizeof f->what,
			 "gifts to candidate %s from the PACs of the top companies of agency %s, FY %s",
			 rest, agency_ref, years);
		return prepare(f, s, agency, fy1, fy2, 1);
	}
	if (!strcmp(f->kind, "pac")) {
		if ((rc = exact_entity(&f->b[0], s, rest, NULL, 0)) < 0)
			return rc;
		f->sql = q_pac;
		f->rule = rule_gift;
		snprintf(f->what, sizeof f->what, "gifts to candidates from committee %s", rest);
		return 0;
	}
	/* emp:COMPANY: contributions naming the head of its name as employer */
	char key[512];
	if ((rc = exact_entity(&e1, s, rest, name, sizeof name)) < 0)
		return rc;
	bh_name_key(key, sizeof key, name, strlen(name));
	if (!bh_name_head(f->arg[0], sizeof f->arg[0], key))
		return bh_error_set(BH_ENOTFOUND, "figure id '%s': the name '%s' has no distinctive"
				    " head to match employers with", id, name);
	f->t[0] = f->arg[0];
	f->sql = q_emp;
	f->rule = rule_emp;
	snprintf(f->what, sizeof f->what,
		 "individual contributions by people naming \"%s\" (%s) as employer", f->arg[0], rest);
	return 0;
}
