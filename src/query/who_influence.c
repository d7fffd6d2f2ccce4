/* Sections 3-5 of `behind who`: the influence around an agency's biggest
 * contractors. For the top companies of temp.who_ob (rolled up, resolved),
 * temp.who_mem holds every entity that stands for them (the company, its
 * cluster, the recipients and parents rolled into it); the sections follow
 * those entities into the lobbying (LDA), personnel and FEC records:
 *
 *   3. lobbying: reports where they are the client, spend by year (the
 *      lda_spend rule), first those that contacted this agency or its
 *      department; issue codes;
 *   4. revolving door: their lobbyists who held covered government
 *      positions, and people with positions both at them and at a public
 *      body, this agency's department first;
 *   5. political money: their PACs (FEC connected organization) and gifts
 *      to candidates (fec_gift rule) with office, state and party; and
 *      contributions by individuals naming them as employer.
 *
 * Links between a company's contract records and its PAC or lobbying
 * records come from resolution (`behind resolve`): without it, only
 * entities that share an identifier or an exact name key connect. */
#include "ingest/value.h"
#include "query/queryInt.h"

#include <ctype.h>
#include <string.h>

static int has_table(bh_store *s, const char *name)
{
	sqlite3_stmt *q = NULL;
	int yes = 0;
	if (bh_store_prepare(&q, s, "SELECT 1 FROM sqlite_master WHERE name = ?") < 0)
		return 0;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	yes = sqlite3_step(q) == SQLITE_ROW;
	sqlite3_finalize(q);
	return yes;
}

/* Words that identify the agency and its department in free-text names of
 * government entities ("Immigration & Customs Enforcement (ICE)",
 * "Homeland Security, Dept of (DHS)"): every word of the name but the
 * connecting and generic ones. Writes a SQL condition on `col` to out:
 * (all words of the agency) OR (all words of the department). */
void bh_who_agency_match(bh_store *s, char *out, size_t cap, const char *col)
{
	static const char *const skip[] = {"U", "S", "US", "AND", "OF", "THE", "FOR", "DEPARTMENT",
					   "DEPT", "OFFICE", "AGENCY", "BUREAU", "SERVICE", NULL};
	sqlite3_stmt *q = NULL;
	size_t o = 0;
	int groups = 0;
	out[0] = '\0';
	if (bh_store_prepare(&q, s,
			     "SELECT name FROM entity WHERE rid IN (SELECT rid FROM temp.members)"
			     " UNION SELECT e.name FROM link l JOIN entity e ON e.rid = l.dst"
			     " WHERE l.kind = 'part_of' AND l.src IN (SELECT rid FROM temp.members)") < 0)
		return;
	o += (size_t)snprintf(out + o, cap - o, "(0");
	while (sqlite3_step(q) == SQLITE_ROW && o + 200 < cap) {
		const char *n = bh_col_text(q, 0);
		char w[64];
		int words = 0;
		size_t mark = o;
		o += (size_t)snprintf(out + o, cap - o, " OR (1");
		for (const char *p = n; *p && o + 100 < cap;) {
			while (*p && !isalpha((unsigned char)*p))
				p++;
			size_t k = 0;
			while (*p && isalpha((unsigned char)*p) && k < sizeof w - 1)
				w[k++] = (char)toupper((unsigned char)*p++);
			w[k] = '\0';
			if (k < 3)
				continue;
			int skipped = 0;
			for (const char *const *sk = skip; *sk; sk++)
				if (strcmp(*sk, w) == 0)
					skipped = 1;
			if (skipped)
				continue;
			o += (size_t)snprintf(out + o, cap - o, " AND upper(%s) LIKE '%%%s%%'", col, w);
			words++;
		}
		if (!words) {
			o = mark;
			out[o] = '\0';
			continue;
		}
		o += (size_t)snprintf(out + o, cap - o, ")");
		groups++;
	}
	sqlite3_finalize(q);
	snprintf(out + o, cap - o, ")");
	(void)groups;
}

int bh_who_members_sql(char *out, size_t cap, int ntop, int fast)
{
	int n = snprintf(out, cap,
		 "DROP TABLE IF EXISTS temp.who_top; DROP TABLE IF EXISTS temp.who_mem;"
		 "CREATE TEMP TABLE who_top AS SELECT co, %s AS amt FROM temp.%s"
		 " GROUP BY co ORDER BY amt DESC LIMIT %d;"
		 "CREATE TEMP TABLE who_mem(co INTEGER, member INTEGER, PRIMARY KEY(member, co))"
		 " WITHOUT ROWID;"
		 "INSERT OR IGNORE INTO who_mem SELECT co, co FROM who_top;"
		 "%s"
		 /* through each company's distinct clusters: joined member by
		  * member, a cluster of 11k entities (10M-row store) gave 121M
		  * rows to ignore */
		 "INSERT OR IGNORE INTO who_mem SELECT x.co, c.entity FROM"
		 " (SELECT DISTINCT m.co, " BH_CANON("m.member") " AS k FROM who_mem m) x"
		 " JOIN cluster c ON c.canon = x.k;"
		 /* sizes for the planner: without them it reads whole LDA, FEC
		  * and personnel tables to join these few hundred rows */
		 "ANALYZE temp;\n",
		 fast ? "max(amount)" : "sum(amount)", fast ? "who_co" : "who_ob", ntop,
		 fast ? bh_who_agg_members
		      : "INSERT OR IGNORE INTO who_mem SELECT o.co, o.recipient FROM temp.who_ob o"
			" WHERE o.co IN (SELECT co FROM who_top);"
			"INSERT OR IGNORE INTO who_mem SELECT o.co, o.parent FROM temp.who_ob o"
			" WHERE o.co IN (SELECT co FROM who_top) AND o.parent IS NOT NULL;");
	return n < 0 || (size_t)n >= cap ? bh_error_set(BH_ETOOBIG, "who: members too long") : 0;
}

static int prepare_members(bh_store *s, int ntop, int fast)
{
	char sql[2048];
	int rc = bh_who_members_sql(sql, sizeof sql, ntop, fast);
	if (rc < 0 || (rc = bh_store_exec(s, "PRAGMA analysis_limit=1000")) < 0)
		return rc;
	return bh_store_exec(s, sql);
}

/* temp.who_head(co, head, shown): the distinctive head of each top
 * company's name, once as it is and once after "THE " (employers write "THE
 * GEO GROUP, INC." as often as "GEO GROUP"); no employer starts with both. */
static int employer_heads(bh_store *s)
{
	sqlite3_stmt *q = NULL, *ins = NULL;
	int rc = bh_store_exec(s, "DROP TABLE IF EXISTS temp.who_head;"
				  "CREATE TEMP TABLE who_head(co INTEGER, head TEXT, shown TEXT);");
	if (rc < 0)
		return rc;
	if ((rc = bh_store_prepare(&q, s, "SELECT t.co, e.name FROM temp.who_top t"
					  " JOIN entity e ON e.rid = t.co")) < 0 ||
	    (rc = bh_store_prepare(&ins, s, "INSERT INTO temp.who_head VALUES(?1, ?2, ?2),"
					    " (?1, 'THE ' || ?2, ?2)")) < 0)
		goto done;
	while (sqlite3_step(q) == SQLITE_ROW) {
		char key[512], head[128];
		const char *n = bh_col_text(q, 1);
		bh_name_key(key, sizeof key, n, strlen(n));
		if (!bh_name_head(head, sizeof head, key))
			continue;
		sqlite3_bind_int64(ins, 1, sqlite3_column_int64(q, 0));
		sqlite3_bind_text(ins, 2, head, -1, SQLITE_STATIC);
		if (sqlite3_step(ins) != SQLITE_DONE) {
			rc = bh_store_fail(s, "employer heads");
			goto done;
		}
		sqlite3_reset(ins);
	}
done:
	sqlite3_finalize(q);
	sqlite3_finalize(ins);
	return rc < 0 ? rc : 0;
}

static const bh_col c_lobby[] = {{"company", 't'}, {"spend", '$', "  lobbying spend "},
				 {"reports", 'i', " (", " reports"}, {"first_year", 'i', ", ", ""},
				 {"last_year", 'i', "-", ")"}, {"contacted_agency", 'i', "  contacted this agency: ", ""},
				 {"registrants", 't', "\n      via "}, {"figure", '-'}, {NULL}};
static const bh_col c_issue[] = {{"code", 't'}, {"filings", 'i', " (", " filings)"}, {"figure", '-'},
				 {NULL}};
static const bh_col c_contact[] = {{"company", 't'}, {"government_entity", 't', "  contacted "},
				   {"filings", 'i', " (", " filings"}, {"first_year", 'i', ", ", ""},
				   {"last_year", 'i', "-", ")"}, {"figure", '-'}, {NULL}};
static const bh_col c_lobbyist[] = {{"lobbyist", 't'}, {"former_position", 't', "  was "},
				    {"for_company", 't', "\n      lobbied for "},
				    {"registrant", 't', " via "}, {"first_year", 'i', " ", ""},
				    {"last_year", 'i', "-", ""}, {"filings", 'i', " (", " filings)"},
				    {"this_department", 'i', "  this department: ", ""},
				    {"figure", '-'}, {NULL}};
static const bh_col c_appointee[] = {{"person", 't'}, {"company", 't', "  at "},
				     {"role_there", 't', " as "}, {"company_from", 't', " ("},
				     {"company_to", 't', " to ", ")"}, {"public_body", 't', "\n      and at "},
				     {"role_in_government", 't', " as "}, {"government_from", 't', " ("},
				     {"government_to", 't', " to ", ")"}, {"direction", 't', "\n      "},
				     {"figure", '-'}, {NULL}};
static const bh_col c_pac[] = {{"company", 't'}, {"pac", 't', "  PAC: "}, {"fec_id", 't', " "},
			       {"gave", '$', "  gave candidates "}, {"gifts", 'i', " (", " gifts)"},
			       {"figure", '-'}, {NULL}};
static const bh_col c_cand[] = {{"candidate", 't'}, {"fec_id", 't', " "}, {"office", 't', "  "},
				{"state", 't', " "}, {"district", 't', "-"}, {"party", 't', " "},
				{"amount", '$', "  "}, {"gifts", 'i', " (", " gifts)"},
				{"from_companies", 't', "\n      from the PACs of "}, {"figure", '-'}, {NULL}};
static const bh_col c_emp[] = {{"company", 't'}, {"employer_match", 't', "  (employer like \""},
			       {"amount", '$', "\")  "}, {"contributions", 'i', " (", " contributions"},
			       {"people", 'i', ", ", " people)"}, {"figure", '-'}, {NULL}};

int bh_who_influence(bh_store *s, FILE *out, int json, int fast)
{
	char agcond[2048], sql[8192];
	int rc, first = 1;

	if ((rc = prepare_members(s, 20, fast)) < 0)
		return rc;
	bh_who_agency_match(s, agcond, sizeof agcond, "ge.name");

	/* 3. lobbying */
	if (json)
		fprintf(out, ",\n\"lobbying\":{");
	else
		fprintf(out, "\n3. LOBBYING (for the top 20 companies; LD-2 amendments replace reports)\n");
	if (has_table(s, "lda_filing")) {
		snprintf(sql, sizeof sql,
			 "WITH f AS (SELECT m.co, sp.* FROM temp.who_mem m JOIN lda_spend sp"
			 "   ON sp.client = m.member"
			 "  UNION SELECT m.co, sp.* FROM temp.who_mem m JOIN lda_spend sp"
			 "   ON sp.registrant = m.member AND sp.self_filer),"
			 /* EXISTS, not a join: joined, SQLite built a Bloom filter
			  * over all of lda_gov_entity for each who (50 of the
			  * section's 60 ms CPU on the full store) */
			 " c AS (SELECT DISTINCT f.co FROM f WHERE EXISTS (SELECT 1 FROM lda_gov_entity ge"
			 "   WHERE ge.filing_id = f.filing_id AND ge.source_id = f.source_id AND %s))"
			 " SELECT e.name, sum(f.amount), count(*), min(f.year), max(f.year),"
			 "  f.co IN (SELECT co FROM c), " BH_SQL_NAMES("f.registrant_name") ","
			 "  " BH_WHO_FIG("lobby") " || e.id"
			 " FROM f JOIN entity e ON e.rid = f.co GROUP BY f.co"
			 " ORDER BY f.co IN (SELECT co FROM c) DESC, sum(f.amount) DESC",
			 agcond);
		if ((rc = bh_query_section(s, out, json, &first, "Lobbying spend:", "spend", c_lobby, sql,
					   NULL, 0)) < 0)
			return rc;
		snprintf(sql, sizeof sql,
			 "SELECT e.name, ge.name, count(DISTINCT ge.filing_id), min(fl.year), max(fl.year),"
			 " " BH_WHO_FIG("contact") " || e.id || ':' || ge.name"
			 " FROM lda_gov_entity ge JOIN lda_filing fl"
			 "  ON fl.filing_id = ge.filing_id AND fl.source_id = ge.source_id"
			 " JOIN temp.who_mem m ON m.member = fl.client OR m.member = fl.registrant"
			 " JOIN entity e ON e.rid = m.co WHERE %s"
			 " GROUP BY m.co, ge.name ORDER BY 3 DESC LIMIT 40",
			 agcond);
		if ((rc = bh_query_section(s, out, json, &first,
					   "Contacts with this agency or its department:", "agency_contacts",
					   c_contact, sql, NULL, 0)) < 0)
			return rc;
		if ((rc = bh_query_section(
			     s, out, json, &first, "Issue codes of their lobbying:", "issues", c_issue,
			     "SELECT i.code, count(DISTINCT i.filing_id), " BH_WHO_FIG("issue") " || i.code"
			     " FROM lda_issue i JOIN lda_filing fl"
			     "  ON fl.filing_id = i.filing_id AND fl.source_id = i.source_id"
			     " WHERE fl.client IN (SELECT member FROM temp.who_mem) AND i.code IS NOT NULL"
			     " GROUP BY i.code ORDER BY 2 DESC LIMIT 15",
			     NULL, 0)) < 0)
			return rc;
	} else if (!json) {
		fprintf(out, "  (no lobbying disclosures ingested)\n");
	}

	/* 4. revolving door */
	first = 1;
	if (json)
		fprintf(out, "},\n\"revolving_door\":{");
	else
		fprintf(out, "\n4. REVOLVING DOOR\n");
	if (has_table(s, "lda_lobbyist")) {
		char lobcond[2048];
		bh_who_agency_match(s, lobcond, sizeof lobcond, "lb.official_position");
		snprintf(sql, sizeof sql,
			 "SELECT lb.name, lb.official_position, e.name, " BH_SQL_NAMES("fl.registrant_name") ","
			 " min(fl.year), max(fl.year), count(DISTINCT fl.filing_id), max(%s),"
			 " " BH_WHO_FIG("lobbyist") " || e.id || ':' || lb.name || ':' || lb.official_position"
			 " FROM lda_lobbyist lb JOIN lda_filing fl"
			 "  ON fl.filing_id = lb.filing_id AND fl.source_id = lb.source_id"
			 " JOIN temp.who_mem m ON m.member = fl.client"
			 " JOIN entity e ON e.rid = m.co WHERE lb.official_position IS NOT NULL"
			 " GROUP BY lb.name, lb.official_position, m.co"
			 " ORDER BY max(%s) DESC, max(fl.year) DESC LIMIT 40",
			 lobcond, lobcond);
		if ((rc = bh_query_section(s, out, json, &first,
					   "Their lobbyists who held covered government positions:",
					   "covered_lobbyists", c_lobbyist, sql, NULL, 0)) < 0)
			return rc;
	}
	if (has_table(s, "position")) {
		char poscond[2048];
		bh_who_agency_match(s, poscond, sizeof poscond, "b.name");
		snprintf(sql, sizeof sql,
			 "SELECT pe.name, ce.name, p.role, p.start_date, p.end_date, b.name, g.role,"
			 " g.start_date, g.end_date,"
			 " CASE WHEN p.end_date IS NOT NULL AND g.start_date IS NOT NULL"
			 "  AND p.end_date <= g.start_date THEN 'company to government'"
			 "  WHEN g.end_date IS NOT NULL AND p.start_date IS NOT NULL"
			 "  AND g.end_date <= p.start_date THEN 'government to company'"
			 "  ELSE 'overlapping or undated' END,"
			 " " BH_WHO_FIG("appointee") " || ce.id || ':' || pe.id"
			 " FROM position p JOIN temp.who_mem m ON m.member = p.org"
			 " JOIN entity ce ON ce.rid = m.co JOIN entity pe ON pe.rid = p.person"
			 " JOIN position g ON g.person = p.person AND g.rid <> p.rid"
			 " JOIN entity b ON b.rid = g.org AND b.kind = 'public_body'"
			 " ORDER BY (%s) DESC, pe.name LIMIT 40",
			 poscond);
		if ((rc = bh_query_section(s, out, json, &first,
					   "People with positions at these companies and in government:",
					   "appointees", c_appointee, sql, NULL, 0)) < 0)
			return rc;
	}
	if (!json && !has_table(s, "lda_lobbyist") && !has_table(s, "position"))
		fprintf(out, "  (no lobbying or personnel records ingested)\n");

	/* 5. political money */
	first = 1;
	if (json)
		fprintf(out, "},\n\"political_money\":{");
	else
		fprintf(out, "\n5. POLITICAL MONEY (FEC; gifts to candidates, memo entries out, each "
			     "SUB_ID once)\n");
	if (has_table(s, "fec_txn")) {
		if ((rc = bh_query_section(
			     s, out, json, &first, "Their PACs:", "pacs", c_pac,
			     "SELECT e.name, c.name, c.id,"
			     " coalesce((SELECT sum(g.amount) FROM fec_gift g WHERE g.cmte = c.rid), 0),"
			     " (SELECT count(*) FROM fec_gift g WHERE g.cmte = c.rid), 'pac:' || c.id"
			     " FROM link l JOIN temp.who_mem m ON m.member = l.src"
			     " JOIN entity c ON c.rid = l.dst JOIN entity e ON e.rid = m.co"
			     " WHERE l.kind = 'sponsors' GROUP BY m.co, c.rid ORDER BY 4 DESC",
			     NULL, 0)) < 0)
			return rc;
		if ((rc = bh_query_section(
			     s, out, json, &first, "Candidates their PACs gave to:", "candidates", c_cand,
			     "WITH p AS (SELECT DISTINCT m.co, l.dst AS cmte FROM link l"
			     "   JOIN temp.who_mem m ON m.member = l.src WHERE l.kind = 'sponsors')"
			     " SELECT e.name, e.id, max(fc.office), max(fc.office_state), max(fc.district),"
			     "  max(fc.party), sum(g.amount), count(*), " BH_SQL_NAMES("ce.name") ","
			     "  " BH_WHO_FIG("cand") " || e.id"
			     " FROM fec_gift g JOIN p ON p.cmte = g.cmte JOIN entity e ON e.rid = g.cand"
			     " JOIN entity ce ON ce.rid = p.co"
			     " LEFT JOIN fec_candidate fc ON fc.cand_id = g.cand_id"
			     " GROUP BY g.cand ORDER BY sum(g.amount) DESC LIMIT 25",
			     NULL, 0)) < 0)
			return rc;
		/* employees: itcont rows whose employer starts with the company's
		 * distinctive head ("GEO GROUP", "PALANTIR"; FEC text is upper case);
		 * +x.file keeps the planner on the employer index (an automatic
		 * index on file would read every FEC row) */
		if ((rc = employer_heads(s)) < 0)
			return rc;
		if ((rc = bh_query_section(
			     s, out, json, &first, "Contributions by people naming them as employer:",
			     "employees", c_emp,
			     "SELECT e.name, h.shown, sum(x.amount), count(*), count(DISTINCT x.name),"
			     " 'emp:' || e.id"
			     " FROM temp.who_head h JOIN entity e ON e.rid = h.co"
			     " CROSS JOIN fec_txn x ON " BH_EMPLOYER_IS("x.employer", "h.head")
			     "  AND +x.file = 'itcont' AND coalesce(x.memo_cd, '') <> 'X'"
			     " GROUP BY h.co ORDER BY 3 DESC",
			     NULL, 0)) < 0)
			return rc;
	} else if (!json) {
		fprintf(out, "  (no FEC files ingested)\n");
	}
	if (json)
		fprintf(out, "}");
	return 0;
}
