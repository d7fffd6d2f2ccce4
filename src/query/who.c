/* `behind who AGENCY`: the dossier of an agency (see query.h): its money by
 * year, its biggest recipients rolled up to their parents with their largest
 * awards, what it bought, the subcontractors under its prime awards, and
 * "hidden vendors" (companies named in award descriptions that are not the
 * recipient: a reseller's contract for a brand-name product). Influence
 * sections (lobbying, revolving door, political money) follow when the store
 * holds those records.
 *
 * The agency's rows are materialized once into temp.who_ob (the obligation
 * view restricted to the agency, its sub-agencies and offices, and the
 * fiscal years asked for), and every money section reads from it. */
#include "query/queryInt.h"
#include "ingest/value.h"
#include "util/map.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

int bh_who_summary(bh_store *s, int64_t agency, char *name, size_t name_cap, char *id,
		   size_t id_cap, int64_t *total, int64_t *nrows, int fast)
{
	sqlite3_stmt *q = NULL;
	int rc = bh_store_prepare(&q, s,
				  fast ? "SELECT e.name, e.id, (SELECT coalesce(sum(amount), 0) FROM temp.who_fy),"
					 " (SELECT coalesce(sum(n), 0) FROM temp.who_fy) FROM entity e WHERE e.rid = ?"
				       : "SELECT e.name, e.id, (SELECT coalesce(sum(amount), 0) FROM temp.who_ob),"
					 " (SELECT count(*) FROM temp.who_ob) FROM entity e WHERE e.rid = ?");
	if (rc < 0)
		return rc;
	sqlite3_bind_int64(q, 1, agency);
	name[0] = id[0] = '\0';
	*total = *nrows = 0;
	if (sqlite3_step(q) == SQLITE_ROW) {
		snprintf(name, name_cap, "%s", bh_col_text(q, 0));
		snprintf(id, id_cap, "%s", bh_col_text(q, 1));
		*total = sqlite3_column_int64(q, 2);
		*nrows = sqlite3_column_int64(q, 3);
	}
	sqlite3_finalize(q);
	return 0;
}

/* bh_who_prepare_sql, or with `fast` the same without temp.who_ob: the
 * years asked for go to temp.who_rng(fy1, fy2) for who_agg.c's tables. */
static int prepare_sql(char *out, size_t cap, int64_t agency, int from_fy, int to_fy, int fast)
{
	char years[32], ob[640];
	bh_figure_years(years, sizeof years, from_fy, to_fy);
	if (fast)
		snprintf(ob, sizeof ob,
			 "DROP TABLE IF EXISTS temp.who_rng;"
			 "CREATE TEMP TABLE who_rng AS SELECT %d AS fy1, %d AS fy2;\n", from_fy, to_fy);
	else
		snprintf(ob, sizeof ob,
		 "CREATE TEMP TABLE who_ob AS SELECT o.*,"
		 "  " BH_CANON("coalesce(o.parent, o.recipient)") " AS co,"
		 "  " BH_CANON("o.recipient") " AS rc"
		 " FROM obligation o WHERE (o.subagency IN (SELECT rid FROM who_ag)"
		 "   OR o.agency IN (SELECT rid FROM who_ag)) AND o.amount IS NOT NULL"
		 "  AND (%d = 0 OR o.fiscal_year >= %d) AND (%d = 0 OR o.fiscal_year <= %d);\n",
		 from_fy, from_fy, to_fy, to_fy);
	int n = snprintf(out, cap,
		 "CREATE TEMP TABLE IF NOT EXISTS members(rid INTEGER PRIMARY KEY);"
		 "DELETE FROM temp.members;"
		 "INSERT OR IGNORE INTO temp.members VALUES(%lld);"
		 "INSERT OR IGNORE INTO temp.members SELECT entity FROM cluster WHERE canon = %lld;\n"
		 "DROP TABLE IF EXISTS temp.who_ag; DROP TABLE IF EXISTS temp.who_ob;"
		 "DROP TABLE IF EXISTS temp.who_fig;\n"
		 "CREATE TEMP TABLE who_ag(rid INTEGER PRIMARY KEY);"
		 "INSERT OR IGNORE INTO who_ag SELECT rid FROM temp.members;\n"
		 /* sub-agencies and offices, two levels down. Temp tables have
		  * no statistics, so the planner would read all of `link` to
		  * join them: CROSS JOIN fixes the order (and ANALYZE gives
		  * the later queries the sizes). */
		 "INSERT OR IGNORE INTO who_ag SELECT l.src FROM who_ag a CROSS JOIN link l"
		 "  ON l.dst = a.rid AND l.kind = 'part_of';\n"
		 "INSERT OR IGNORE INTO who_ag SELECT l.src FROM who_ag a CROSS JOIN link l"
		 "  ON l.dst = a.rid AND l.kind = 'part_of';\n"
		 "%s"
		 /* "AGENCY" and "AGENCY:YEARS" of the figure ids (docs/cite.md) */
		 "CREATE TEMP TABLE who_fig AS SELECT e.id AS ag, e.id || ':%s' AS ay FROM entity e"
		 " WHERE e.rid = %lld;\n"
		 "ANALYZE temp;\n",
		 (long long)agency, (long long)agency, ob, years, (long long)agency);
	return n < 0 || (size_t)n >= cap ? bh_error_set(BH_ETOOBIG, "who: preparation too long") : 0;
}

int bh_who_prepare_sql(char *out, size_t cap, int64_t agency, int from_fy, int to_fy)
{
	return prepare_sql(out, cap, agency, from_fy, to_fy, 0);
}

int bh_who_prepare(bh_store *s, int64_t agency, int from_fy, int to_fy, int fast)
{
	char sql[4096];
	int rc = prepare_sql(sql, sizeof sql, agency, from_fy, to_fy, fast);
	/* statistics of the temp tables, sampled: who_ob may be large */
	if (rc < 0 || (rc = bh_store_exec(s, "PRAGMA analysis_limit=1000")) < 0 ||
	    (rc = bh_store_exec(s, sql)) < 0)
		return rc;
	if (!fast || (rc = bh_store_exec(s, bh_who_agg_prepare)) < 0)
		return rc;
	/* the lists of who_agg_topaw, absent from tables an older version built */
	sqlite3_stmt *q = NULL;
	if ((rc = bh_store_prepare(&q, s, "SELECT count(*) FROM sqlite_master"
					  " WHERE type = 'table' AND name = 'who_agg_topaw'")) < 0)
		return rc;
	int lists = sqlite3_step(q) == SQLITE_ROW && sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	q = NULL;
	int64_t ncos = 0, nread = 0;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((rc = bh_store_exec(s, lists ? bh_who_agg_awards : bh_who_agg_awards_all)) < 0)
		return rc;
	if (lists)
		bh_query_trace(s, "who: sums of the listed awards", bh_who_agg_listed, &t0);
	if (lists && (rc = bh_who_agg_awards_settle(&ncos, &nread, s)) < 0)
		return rc;
	if (!getenv("BEHIND_TIMING"))
		return 0;
	/* the companies whose largest awards the lists could not settle */
	if (lists && nread >= 0) {
		fprintf(stderr, "timing: who: largest awards of %lld companies walked (%lld awards summed)\n",
			(long long)ncos, (long long)nread);
		return 0;
	}
	if ((rc = bh_store_prepare(&q, s, "SELECT count(*) FROM temp.who_awb")) < 0)
		return rc;
	if (sqlite3_step(q) == SQLITE_ROW)
		fprintf(stderr, "timing: who: largest awards of %lld companies read whole\n",
			(long long)sqlite3_column_int64(q, 0));
	sqlite3_finalize(q);
	return 0;
}

/* ---- money ---------------------------------------------------------- */

static const bh_col c_years[] = {{"label", 't'}, {"fiscal_year", 'I'}, {"amount", '$', "  "},
				 {"records", 'i', " (", " records)"}, {"figure", '-'}, {NULL}};
static const char q_years[] =
	"SELECT 'FY' || fiscal_year, fiscal_year, sum(amount), count(*),"
	" 'total:' || (SELECT ag FROM temp.who_fig) || ':' || fiscal_year || '-' || fiscal_year"
	" FROM temp.who_ob GROUP BY fiscal_year ORDER BY fiscal_year";

static const bh_col c_top[] = {{"rank", 'i', "", "."}, {"id", 't', " "}, {"name", 't', "  "},
			       {"amount", '$'}, {"share_pct", 't', "  ", NULL},
			       {"first_fy", 'i', "  FY", ""}, {"last_fy", 'i', "-FY", ""},
			       {"records", 'i', " (", " records)"}, {"figure", '-'}, {NULL}};
static const char q_top[] =
	"WITH t AS (SELECT co, sum(amount) AS amt, min(fiscal_year) AS f, max(fiscal_year) AS l,"
	"   count(*) AS n FROM temp.who_ob GROUP BY co),"
	" g AS (SELECT sum(amount) AS tot FROM temp.who_ob)"
	" SELECT row_number() OVER (ORDER BY t.amt DESC), e.id, e.name, t.amt,"
	"  printf('%.1f%%', 100.0 * t.amt / nullif(g.tot, 0)), t.f, t.l, t.n, " BH_WHO_FIG("top") " || e.id"
	" FROM t, g JOIN entity e ON e.rid = t.co ORDER BY t.amt DESC LIMIT ?1";

static const bh_col c_top_awards[] = {{"company_id", 't', "", ""}, {"award_key", 't', "  "},
				      {"amount", '$'}, {"recipient", 't'},
				      {"description", 't', "\n      "}, {"source", 't', "\n      source: "},
				      {"line", 'i', ":", ""}, {"url", 't', "\n      "}, {"figure", '-'}, {NULL}};
static const char q_top_awards[] =
	"WITH top AS (SELECT co FROM temp.who_ob GROUP BY co ORDER BY sum(amount) DESC LIMIT ?1),"
	" a AS (SELECT o.co, o.award_key, sum(o.amount) AS amt, max(o.description) AS d,"
	"   min(o.source_id) AS src, min(o.line) AS ln, max(o.recipient) AS who"
	"   FROM temp.who_ob o WHERE o.co IN (SELECT co FROM top) GROUP BY o.co, o.award_key),"
	" r AS (SELECT a.*, row_number() OVER (PARTITION BY a.co ORDER BY a.amt DESC) AS k FROM a)"
	" SELECT ce.id, r.award_key, r.amt, we.name, r.d, s.path, r.ln,"
	"  'https://www.usaspending.gov/award/' || r.award_key,"
	"  " BH_WHO_FIG("top") " || ce.id || ':' || r.award_key"
	" FROM r JOIN entity ce ON ce.rid = r.co JOIN entity we ON we.rid = r.who"
	" JOIN source s ON s.id = r.src WHERE r.k <= " BH_WHO_AWARDS
	" ORDER BY (SELECT sum(amount) FROM temp.who_ob x WHERE x.co = r.co) DESC, r.amt DESC";

static const bh_col c_cat[] = {{"code", 't'}, {"description", 't', "  "}, {"amount", '$', "  "},
			       {"records", 'i', " (", " records)"}, {"figure", '-'}, {NULL}};
static const char q_psc[] =
	"SELECT psc, max(psc_desc), sum(amount), count(*), " BH_WHO_FIG("psc") " || psc"
	" FROM temp.who_ob WHERE psc IS NOT NULL GROUP BY psc ORDER BY sum(amount) DESC LIMIT 10";
static const char q_naics[] =
	"SELECT naics, max(naics_desc), sum(amount), count(*), " BH_WHO_FIG("naics") " || naics"
	" FROM temp.who_ob WHERE naics IS NOT NULL GROUP BY naics ORDER BY sum(amount) DESC LIMIT 10";

/* The same sections from who_agg.c's temp tables (`fast`): the same rows,
 * fed to the same ORDER BY and window in the same order (group keys
 * ascending), so the same output byte for byte. */
static const char q_years_fast[] =
	"SELECT 'FY' || fiscal_year, fiscal_year, amount, n,"
	" 'total:' || (SELECT ag FROM temp.who_fig) || ':' || fiscal_year || '-' || fiscal_year"
	" FROM temp.who_fy ORDER BY fiscal_year";
static const char q_top_fast[] =
	"WITH t AS (SELECT co, amount AS amt, f, l, n FROM temp.who_co),"
	" g AS (SELECT sum(amount) AS tot FROM temp.who_fy)"
	" SELECT row_number() OVER (ORDER BY t.amt DESC), e.id, e.name, t.amt,"
	"  printf('%.1f%%', 100.0 * t.amt / nullif(g.tot, 0)), t.f, t.l, t.n, " BH_WHO_FIG("top") " || e.id"
	" FROM t, g JOIN entity e ON e.rid = t.co ORDER BY t.amt DESC LIMIT ?1";
static const char q_top_awards_fast[] =
	"WITH r AS (SELECT a.*, row_number() OVER (PARTITION BY a.co ORDER BY a.amt DESC) AS k"
	"  FROM temp.who_aw a)"
	" SELECT ce.id, r.award_key, r.amt, we.name, r.d, s.path, r.ln,"
	"  'https://www.usaspending.gov/award/' || r.award_key,"
	"  " BH_WHO_FIG("top") " || ce.id || ':' || r.award_key"
	" FROM r JOIN entity ce ON ce.rid = r.co JOIN entity we ON we.rid = r.who"
	" JOIN source s ON s.id = r.src WHERE r.k <= " BH_WHO_AWARDS
	" ORDER BY (SELECT amount FROM temp.who_co x WHERE x.co = r.co) DESC, r.amt DESC";
#define Q_CAT_FAST(kind)                                                                           \
	"SELECT code, descr, amount, n, " BH_WHO_FIG(kind) " || code FROM temp.who_" kind          \
	" ORDER BY amount DESC LIMIT 10"
static const char q_psc_fast[] = Q_CAT_FAST("psc");
static const char q_naics_fast[] = Q_CAT_FAST("naics");

/* ---- supply chain ------------------------------------------------- */

static const bh_col c_subs[] = {{"prime_id", 't'}, {"prime", 't', " "}, {"sub_id", 't', "  ->  "},
				{"sub", 't', " "}, {"amount", '$', "  "},
				{"subawards", 'i', " (", " subawards)"}, {"first_date", 't', "  "},
				{"last_date", 't', " to "}, {"figure", '-'}, {NULL}};
static const char q_subs[] =
	"SELECT pe.id, pe.name, se.id, se.name, sum(sa.amount), count(*), min(sa.action_date),"
	" max(sa.action_date), " BH_WHO_FIG("sub") " || pe.id || ':' || se.id"
	" FROM subaward sa JOIN entity pe ON pe.rid = " BH_CANON("sa.prime") ""
	" JOIN entity se ON se.rid = " BH_CANON("sa.sub") ""
	" WHERE sa.subagency IN (SELECT rid FROM temp.who_ag)"
	"  AND (?2 = 0 OR sa.fiscal_year >= ?2) AND (?3 = 0 OR sa.fiscal_year <= ?3)"
	" GROUP BY pe.rid, se.rid ORDER BY sum(sa.amount) DESC LIMIT ?1";

static const bh_col c_hidden[] = {{"named", 't'}, {"named_id", 't', " ("}, {"phrase", 't', "; matched \""},
				  {"recipient", 't', "\") in awards to "},
				  {"amount", '$', ": "}, {"awards", 'i', " in ", " awards"},
				  {"example_award", 't', "\n      e.g. "}, {"example", 't', "\n      "},
				  {"url", 't', "\n      "}, {"figure", '-'}, {NULL}};

/* Words that say what a company is rather than which one. A name whose
 * first word is one of these needs a second word to be distinctive. */
static const char *const generic_words[] = {
	"THE", "A", "AN", "AND", "OF", "FOR", "NORTH", "SOUTH", "EAST", "WEST", "AMERICAN",
	"AMERICA", "NATIONAL", "INTERNATIONAL", "GLOBAL", "UNITED", "GENERAL", "FEDERAL", "US",
	"USA", "U", "S", "NEW", "FIRST", "ADVANCED", "APPLIED", "INTEGRATED", "SECURITY", "SYSTEMS",
	"SERVICES", "SOLUTIONS", "TECHNOLOGY", "TECHNOLOGIES", "GROUP", "DATA", "CONSULTING",
	"MANAGEMENT", "ENTERPRISES", "SUPPLY", "OFFICE", "COMPUTER", "NETWORK", "DIGITAL",
	"PROFESSIONAL", "STRATEGIC", "CUSTOM", "PREMIER", "PACIFIC", "ATLANTIC", "CENTRAL",
	"SOUTHERN", "NORTHERN", "WESTERN", "EASTERN", "MEDICAL", "HEALTH", "CAPITAL", "DEFENSE",
	"TRAINING", "TRANSPORT", "TRANSPORTATION", "INFORMATION", "COMMUNICATIONS", "RESEARCH",
	"SERVICE", "PROJECT", "MANAGED", "ENFORCEMENT", "LAW", "INSTALLATION", "AMMUNITION",
	"TEAM", "STRONG", "SOUTHEAST", "SOUTHWEST", "NORTHEAST", "NORTHWEST", "WORKFORCE",
	"TEXAS", "CALIFORNIA", "FLORIDA", "ARIZONA", "NEW YORK", "YORK", "VIRGINIA", "WASHINGTON",
	"GEORGIA", "CAROLINA", "DAKOTA", "COLORADO", "NEVADA", "OREGON", "ALASKA", "HAWAII",
	"MARYLAND", "JERSEY", "MEXICO", "LOUISIANA", "ALABAMA", "PENNSYLVANIA", "OHIO", "MICHIGAN",
	"ILLINOIS", "MINNESOTA", "UTAH", "IDAHO", "MONTANA", "KANSAS", "IOWA", "INDIANA", "MAINE",
	"VERMONT", "TENNESSEE", "KENTUCKY", "MISSOURI", "ARKANSAS", "OKLAHOMA", "NEBRASKA",
	"WYOMING", "WISCONSIN", "CONNECTICUT", "MASSACHUSETTS", "DELAWARE", "MISSISSIPPI",
	"HOUSTON", "DALLAS", "MIAMI", "CHICAGO", "BOSTON", "DENVER", "PHOENIX", "ATLANTA", "AURORA",
	"DETENTION", "GUARD", "COURT", "LEGAL", "LANGUAGE", "TRANSLATION", "TACTICAL", "DIRECT",
	"BUSINESS", "PUBLIC", "PRIVATE", "SAFETY", "PROTECTION", "EQUIPMENT", "CONSTRUCTION",
	"FACILITY", "FACILITIES", "POWER", "ENERGY", "WORLD", "WORLDWIDE", "QUALITY", "MOBILE",
	"ANALYTICS", "LABS", "LABORATORIES", "NETWORKS", "ELECTRONICS", "ENTERPRISE", "CONSULTANTS",
	"DYNAMICS", "CONTROLS", "INSTRUMENTS", "DEVICES", "COMPUTERS", "CLOUD", "CYBER",
	"PRODUCTS", "INDUSTRIES", "CORPORATE", "COUNTY", "CITY", "STATE", "DEPARTMENT", "OFFICE",
	"SUPPORT", "SOFTWARE", "ENGINEERING", "SCIENCE", "SCIENCES", "ASSOCIATES", "PARTNERS",
	"INNOVATIONS", "INNOVATIVE", "SMART", "TOTAL", "PRIME", "ALLIED", "UNIVERSAL", "STANDARD",
	"PRECISION", "SECURE", "CLEAR", "BLUE", "RED", "GREEN", "STAR", "EAGLE", "LIBERTY", NULL};

/* Legal-form words: never part of a match phrase. */
static const char *const legal_words[] = {"INC", "INCORPORATED", "LLC", "L", "C", "LP", "LLP",
					  "CORP", "CORPORATION", "CO", "COMPANY", "LTD", "LIMITED",
					  "PLC", "PC", "PLLC", "GMBH", "AG", "SA", "NA", "DBA", NULL};

static int in_list(const char *const *list, const char *w, size_t n)
{
	for (const char *const *p = list; *p; p++)
		if (strlen(*p) == n && memcmp(*p, w, n) == 0)
			return 1;
	return 0;
}

typedef struct {
	char phrase[128];
	int64_t entity; /* canonical */
	int ntok;
} core;

static int name_core(core *c, const char *key);

/* The distinctive head of a normalized name, as employers write it: its
 * leading words up to the first generic or legal-form word, at most three,
 * after a leading "THE" ("PALANTIR TECHNOLOGIES INC" -> "PALANTIR", "AMAZON
 * WEB SERVICES" -> "AMAZON WEB", "THE BOEING COMPANY" -> "BOEING"). A
 * distinctive word too short to stand alone keeps the word after it unless
 * that is a legal form ("THE GEO GROUP INC" -> "GEO GROUP"; "IBM CORP" has
 * none). A name that starts with any other generic word has no head. */
int bh_name_head(char *out, size_t cap, const char *key)
{
	core c = {.ntok = 0};
	if (!strncmp(key, "THE ", 4))
		key += 4;
	if (name_core(&c, key)) {
		snprintf(out, cap, "%s", c.phrase);
		return c.ntok;
	}
	/* one short word: "GEO" of "GEO GROUP INC" */
	size_t n = strcspn(key, " ");
	if (c.ntok != 1 || key[n] != ' ')
		return 0;
	const char *w = key + n + 1;
	size_t m = strcspn(w, " ");
	if (!m || in_list(legal_words, w, m) || n + 1 + m + 1 > cap)
		return 0;
	for (size_t i = 0; i < m; i++)
		if (isdigit((unsigned char)w[i]))
			return 0;
	snprintf(out, cap, "%.*s", (int)(n + 1 + m), key);
	return 2;
}

static int name_core(core *c, const char *key)
{
	const char *p = key;
	size_t o = 0;
	int k = 0;
	c->phrase[0] = '\0';
	while (*p && k < 3) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		const char *w = p;
		while (*p && *p != ' ')
			p++;
		size_t n = (size_t)(p - w);
		if (in_list(legal_words, w, n) || in_list(generic_words, w, n))
			break;
		for (size_t i = 0; i < n; i++)
			if (isdigit((unsigned char)w[i]))
				return 0; /* numbers make poor phrases */
		if (o + n + 2 >= sizeof c->phrase)
			break;
		if (o)
			c->phrase[o++] = ' ';
		memcpy(c->phrase + o, w, n);
		o += n;
		c->phrase[o] = '\0';
		k++;
	}
	c->ntok = k;
	if (!k || (k == 1 && o < 4))
		return 0;
	return 1;
}

/* Counts, per word, the organization clusters whose names contain it: a
 * one-word phrase is distinctive only if few companies share the word. */
static int count_words(bh_map *words, const char *key, int64_t entity, bh_map *pairs)
{
	const char *p = key;
	while (*p) {
		while (*p == ' ')
			p++;
		const char *w = p;
		while (*p && *p != ' ')
			p++;
		size_t n = (size_t)(p - w);
		if (!n || n > 100)
			continue;
		char pk[128];
		memcpy(pk, &entity, 8);
		memcpy(pk + 8, w, n);
		int64_t *v;
		int rc = bh_map_put(&v, NULL, pairs, pk, n + 8);
		if (rc < 0)
			return rc;
		if (rc == 0)
			continue; /* this cluster already counted for the word */
		if ((rc = bh_map_put(&v, NULL, words, w, n)) < 0)
			return rc;
		(*v)++;
	}
	return 0;
}

/* English words from the system word list (Debian's wamerican): a one-word
 * phrase that is only a common word ("spectrum", "executive") names no
 * company, while "Dell", "Oracle" or "Cisco" are listed as proper nouns too.
 * `dict` holds the one-word phrases to judge (value 0); each one found in
 * the list gets 1 for a lower-case entry, 2 for a capitalized one (3 both).
 * Only those few words are looked up: loading the whole list into a map
 * cost a third of `who`. Without the list the filter is skipped. */
#define WORDS_FILE "/usr/share/dict/words"

static void mark_words(bh_map *dict)
{
	FILE *f = fopen(WORDS_FILE, "r");
	char line[128];
	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		size_t n = strcspn(line, "\r\n");
		if (!n || n > 64)
			continue;
		int cap = isupper((unsigned char)line[0]) ? 2 : 1;
		for (size_t i = 0; i < n; i++)
			line[i] = (char)toupper((unsigned char)line[i]);
		int64_t *v;
		if (bh_map_get(&v, dict, line, n))
			*v |= cap;
	}
	fclose(f);
}

static int common_word(bh_map *dict, const char *w)
{
	int64_t *v;
	return bh_map_get(&v, dict, w, strlen(w)) && *v == 1;
}

/* Adds (phrase, entity) to temp.who_core with the prepared insert `q`. */
static int add_family(bh_store *s, sqlite3_stmt *q, const char *phrase, int64_t entity)
{
	sqlite3_bind_text(q, 1, phrase, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, entity);
	int rc = sqlite3_step(q) == SQLITE_DONE ? 0 : bh_store_fail(s, "hidden vendors");
	sqlite3_reset(q);
	return rc;
}

static int64_t family_size(bh_store *s, const char *phrase)
{
	sqlite3_stmt *q = NULL;
	int64_t n = 0;
	if (bh_store_prepare(&q, s, "SELECT count(*) FROM temp.who_core WHERE phrase = ?") < 0)
		return 0;
	sqlite3_bind_text(q, 1, phrase, -1, SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_ROW)
		n = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return n;
}

/* Hidden vendors. Candidate phrases come from the names of organizations
 * in the store (resolved to clusters); the clusters whose names start with
 * the same phrase are one family (Dell Federal Systems, Dell Marketing);
 * phrases whose first word the agency's award
 * descriptions never contain are dropped using the full-text index's
 * vocabulary; the rest are matched as phrases against the agency's awards,
 * excluding awards whose recipient (or its parent) is in the named family. */
/* The agency's transactions that bh_who_hidden matches: temp.who_txn (the
 * txn rows of temp.who_ob), or with `fast` (no who_ob) the same rows by
 * their agency and year, as who_agg.c counts them. */
static const char q_hidden_match[] =
	"INSERT INTO temp.who_hidden SELECT ?2, ?4, t.award_key, t.recipient, t.amount,"
	" t.description, t.rid FROM txn_fts f JOIN temp.who_txn w ON w.rid = f.rowid"
	" JOIN txn t ON t.rid = f.rowid"
	" WHERE txn_fts MATCH ?1"
	"  AND " BH_CANON("t.recipient") " NOT IN (SELECT entity FROM temp.who_core WHERE phrase = ?3)"
	"  AND " BH_CANON("coalesce(t.parent, t.recipient)") " NOT IN"
	"   (SELECT entity FROM temp.who_core WHERE phrase = ?3)";
static const char q_hidden_match_fast[] =
	"INSERT INTO temp.who_hidden SELECT ?2, ?4, t.award_key, t.recipient, t.amount,"
	" t.description, t.rid FROM txn_fts f JOIN txn t ON t.rid = f.rowid"
	" WHERE txn_fts MATCH ?1 AND t.amount IS NOT NULL"
	"  AND (t.subagency IN (SELECT rid FROM temp.who_ag) OR t.agency IN (SELECT rid FROM temp.who_ag))"
	"  AND (SELECT fy1 = 0 OR t.fiscal_year >= fy1 FROM temp.who_rng)"
	"  AND (SELECT fy2 = 0 OR t.fiscal_year <= fy2 FROM temp.who_rng)"
	"  AND " BH_CANON("t.recipient") " NOT IN (SELECT entity FROM temp.who_core WHERE phrase = ?3)"
	"  AND " BH_CANON("coalesce(t.parent, t.recipient)") " NOT IN"
	"   (SELECT entity FROM temp.who_core WHERE phrase = ?3)";

int bh_who_hidden(bh_store *s, int fast)
{
	sqlite3_stmt *q = NULL;
	bh_map seen = {0}, words = {0}, pairs = {0}, dict = {0};
	sqlite3_stmt *fam_ins = NULL;
	core *cores = NULL;
	size_t ncores = 0, cap = 0;
	int rc;
	char key[512];

	rc = bh_store_exec(s, "DROP TABLE IF EXISTS temp.who_vocab;"
			      "CREATE VIRTUAL TABLE temp.who_vocab USING fts5vocab(main, 'txn_fts', 'row');"
			      "DROP TABLE IF EXISTS temp.who_hidden;"
			      "DROP TABLE IF EXISTS temp.who_core;"
			      "CREATE TEMP TABLE who_core(phrase TEXT, entity INTEGER,"
			      "  PRIMARY KEY(phrase, entity)) WITHOUT ROWID;"
			      "CREATE TEMP TABLE who_hidden(named INTEGER, phrase TEXT, award_key TEXT,"
			      "  recipient INTEGER, amount INTEGER, description TEXT, rid INTEGER);");
	if (rc < 0 || (!fast && (rc = bh_store_exec(s, "DROP TABLE IF EXISTS temp.who_txn;"
			      "CREATE TEMP TABLE who_txn(rid INTEGER PRIMARY KEY);"
			      "INSERT OR IGNORE INTO who_txn SELECT rid FROM temp.who_ob WHERE basis = 'txn';")) < 0))
		return rc;
	/* the names as resolve stored them (who_agg.c), in the same order */
	rc = bh_store_prepare(&q, s, fast ? "SELECT entity, value FROM who_agg_names ORDER BY rowid"
					  : BH_HIDDEN_NAMES);
	if (rc < 0 || (rc = bh_store_prepare(&fam_ins, s,
					     "INSERT OR IGNORE INTO temp.who_core VALUES(?, ?)")) < 0)
		goto done;
	while (sqlite3_step(q) == SQLITE_ROW) {
		core c;
		const char *v = bh_col_text(q, 1);
		bh_name_key(key, sizeof key, v, strlen(v));
		if ((rc = count_words(&words, key, sqlite3_column_int64(q, 0), &pairs)) < 0)
			goto done;
		/* the family of a first word: every company whose name starts
		 * with it (Dell Federal Systems, Dell Marketing) */
		char head[128];
		size_t hl = strcspn(key, " ");
		snprintf(head, sizeof head, "%.*s", (int)(hl < sizeof head ? hl : sizeof head - 1), key);
		if (head[0] && (rc = add_family(s, fam_ins, head, sqlite3_column_int64(q, 0))) < 0)
			goto done;
		/* governments are buyers, not brands ("PHILADELPHIA, CITY OF") */
		if (strstr(key, "CITY OF") || strstr(key, "COUNTY") || strstr(key, "STATE OF") ||
		    strstr(key, "TOWN OF") || strstr(key, "DEPARTMENT") || strstr(key, "DEPT "))
			continue;
		if (!name_core(&c, key))
			continue;
		c.entity = sqlite3_column_int64(q, 0);
		int64_t *slot;
		int isnew = bh_map_put(&slot, NULL, &seen, c.phrase, strlen(c.phrase));
		if (isnew < 0) {
			rc = isnew;
			goto done;
		}
		if (!isnew)
			continue; /* one more company whose name starts with it */
		if (ncores == cap) {
			size_t nc = cap ? cap * 2 : 1024;
			core *nx = realloc(cores, nc * sizeof *nx);
			if (!nx) {
				rc = bh_error_set(BH_ENOMEM, "out of memory");
				goto done;
			}
			cores = nx;
			cap = nc;
		}
		*slot = (int64_t)ncores;
		cores[ncores++] = c;
	}
	sqlite3_finalize(q);
	q = NULL;
	bh_query_timing("hidden: candidate names");

	sqlite3_stmt *voc = NULL, *m = NULL;
	if ((rc = bh_store_prepare(&voc, s, "SELECT 1 FROM temp.who_vocab WHERE term = lower(?)")) < 0)
		goto done;
	rc = bh_store_prepare(&m, s, fast ? q_hidden_match_fast : q_hidden_match);
	if (rc < 0) {
		sqlite3_finalize(voc);
		goto done;
	}
	bh_map_free(&pairs);
	for (size_t i = 0; i < ncores && rc >= 0; i++) {
		int64_t *v;
		if (cores[i].entity && cores[i].ntok == 1)
			rc = bh_map_put(&v, NULL, &dict, cores[i].phrase, strlen(cores[i].phrase));
	}
	if (rc < 0) {
		sqlite3_finalize(voc);
		sqlite3_finalize(m);
		goto done;
	}
	mark_words(&dict);
	for (size_t i = 0; i < ncores; i++) {
		if (!cores[i].entity)
			continue;
		if (cores[i].ntok == 1) {
			/* one word: only if at most one company uses it other than
			 * as the first word of its name (else it is a common word) */
			if (common_word(&dict, cores[i].phrase))
				continue;
			int64_t *cnt, fam = family_size(s, cores[i].phrase);
			if (bh_map_get(&cnt, &words, cores[i].phrase, strlen(cores[i].phrase)) &&
			    *cnt - fam > 1)
				continue;
		}
		char first_word[128], fq[160];
		snprintf(first_word, sizeof first_word, "%s", cores[i].phrase);
		char *sp = strchr(first_word, ' ');
		if (sp)
			*sp = '\0';
		sqlite3_bind_text(voc, 1, first_word, -1, SQLITE_STATIC);
		int present = sqlite3_step(voc) == SQLITE_ROW;
		sqlite3_reset(voc);
		if (!present)
			continue;
		snprintf(fq, sizeof fq, "\"%s\"", cores[i].phrase);
		sqlite3_bind_text(m, 1, fq, -1, SQLITE_STATIC);
		sqlite3_bind_int64(m, 2, cores[i].entity);
		sqlite3_bind_text(m, 3, first_word, -1, SQLITE_STATIC);
		sqlite3_bind_text(m, 4, cores[i].phrase, -1, SQLITE_STATIC);
		int st = sqlite3_step(m);
		sqlite3_reset(m);
		if (st != SQLITE_DONE) {
			rc = bh_store_fail(s, "hidden vendors");
			break;
		}
	}
	sqlite3_finalize(voc);
	sqlite3_finalize(m);
	if (rc < 0)
		goto done;
done:
	sqlite3_finalize(q);
	sqlite3_finalize(fam_ins);
	bh_map_free(&seen);
	bh_map_free(&words);
	bh_map_free(&pairs);
	bh_map_free(&dict);
	free(cores);
	return rc < 0 ? rc : 0;
}

static const char q_hidden[] =
	"SELECT ne.name, ne.id, h.phrase, " BH_SQL_NAMES("re.name") ", sum(h.amount),"
	" count(DISTINCT h.award_key), max(h.award_key), max(h.description),"
	" 'https://www.usaspending.gov/award/' || max(h.award_key), " BH_WHO_FIG("hidden") " || ne.id"
	" FROM temp.who_hidden h JOIN entity ne ON ne.rid = h.named"
	" JOIN entity re ON re.rid = h.recipient"
	" GROUP BY h.named ORDER BY sum(h.amount) DESC LIMIT ?1";

static int hidden_vendors(bh_store *s, FILE *out, int json, int *first, int limit, int fast)
{
	int64_t binds[1] = {limit};
	bh_query_timing("before hidden vendors");
	int rc = bh_who_hidden(s, fast);
	if (rc < 0)
		return rc;
	bh_query_timing("who: hidden vendors computed");
	rc = bh_query_section(s, out, json, first,
			      "Hidden vendors (a company named in award descriptions, not the recipient):",
			      "hidden_vendors", c_hidden, q_hidden, binds, 1);
	return rc < 0 ? rc : 0;
}

int bh_query_who(bh_store *s, int64_t agency, int from_fy, int to_fy, int json, FILE *out)
{
	char name[512] = "", id[256] = "", m[48];
	int64_t total = 0, nrows = 0;
	int rc, first = 1;
	int64_t b10[3] = {10, from_fy, to_fy}, b20[3] = {20, from_fy, to_fy};

	/* the precomputed sums when they are fresh; BEHIND_WHO_ROUTE=rows
	 * reads the agency's rows (the benchmark's before/after check) */
	const char *route = getenv("BEHIND_WHO_ROUTE");
	int fast = 0;
	bh_query_timing("start");
	if ((!route || strcmp(route, "rows") != 0) && (rc = bh_query_precomputed(&fast, s)) < 0)
		return rc;
	if ((rc = bh_who_prepare(s, agency, from_fy, to_fy, fast)) < 0)
		return rc;
	bh_query_timing(fast ? "who: sums of the agency (precomputed)" : "who: rows of the agency");
	if ((rc = bh_who_summary(s, agency, name, sizeof name, id, sizeof id, &total, &nrows,
				 fast)) < 0)
		return rc;

	if (json) {
		char fig[512], years[32];
		bh_figure_years(years, sizeof years, from_fy, to_fy);
		snprintf(fig, sizeof fig, "total:%s:%s", id, years);
		fprintf(out, "{\"agency\":{\"id\":");
		bh_json_str(out, id);
		fprintf(out, ",\"name\":");
		bh_json_str(out, name);
		fprintf(out, "},\"from_fy\":%d,\"to_fy\":%d,\"total\":", from_fy, to_fy);
		bh_json_money(out, total);
		fprintf(out, ",\"records\":%lld,\"figure\":", (long long)nrows);
		bh_json_str(out, fig);
		fprintf(out, ",\"rule\":\"transactions count federal_action_obligation; "
			     "award summaries count total_obligated_amount only for awards without "
			     "transactions; companies are rolled up to the parent named on each record, "
			     "then to resolved clusters\",\n\"money\":{");
	} else {
		fprintf(out, "WHO IS BEHIND %s (%s)", name, id);
		if (from_fy || to_fy)
			fprintf(out, ", FY%d-FY%d", from_fy, to_fy);
		fprintf(out, "\n\n1. MONEY: %s in contract obligations (%lld records)\n",
			bh_fmt_money(m, sizeof m, total), (long long)nrows);
	}
	if ((rc = bh_query_section(s, out, json, &first, "By fiscal year:", "by_year", c_years,
				   fast ? q_years_fast : q_years, NULL, 0)) < 0 ||
	    (rc = bh_query_section(s, out, json, &first,
				   "Top recipients, rolled up to parent companies:", "top_recipients", c_top,
				   fast ? q_top_fast : q_top, b20, 1)) < 0 ||
	    (rc = bh_query_section(s, out, json, &first, "Their largest awards:", "largest_awards",
				   c_top_awards, fast ? q_top_awards_fast : q_top_awards, b10,
				   fast ? 0 : 1)) < 0 ||
	    (rc = bh_query_section(s, out, json, &first, "What was bought (product/service codes):",
				   "psc", c_cat, fast ? q_psc_fast : q_psc, NULL, 0)) < 0 ||
	    (rc = bh_query_section(s, out, json, &first, "What was bought (NAICS industries):", "naics",
				   c_cat, fast ? q_naics_fast : q_naics, NULL, 0)) < 0)
		return rc;
	first = 1;
	if (json)
		fprintf(out, "},\n\"supply_chain\":{");
	else
		fprintf(out, "\n2. SUPPLY CHAIN\n");
	if ((rc = bh_query_section(s, out, json, &first, "Subcontracts under its prime awards:",
				   "subcontracts", c_subs, q_subs, b20, 3)) < 0 ||
	    (rc = hidden_vendors(s, out, json, &first, 20, fast)) < 0)
		return rc;
	if (json)
		fprintf(out, "}");
	if ((rc = bh_who_influence(s, out, json, fast)) < 0)
		return rc;
	if (json)
		fprintf(out, "}\n");
	return 0;
}
