/* The influence section of `behind show` (see influence.h). Each part is
 * one SQL query over the fact tables of FEC, LDA and personnel, restricted
 * to the entity's cluster (the entity, or every entity resolution mapped to
 * the same canonical); a part whose tables are absent is left out. Columns
 * whose name ends in "_cents" are money, printed as dollars under the name
 * without that suffix; a column "figure" (a figure id, docs/cite.md) is
 * printed in JSON only.
 *
 * `behind resolve` finds every cluster that any part can find rows for
 * (bh_influence_precompute: the clusters named by a sponsors link, an FEC
 * gift, an LDA filing or contribution, a position; influence_canon), and
 * for those with many such rows (a big registrant's LD-203 report groups
 * 10,000 contributions, its filings join 15,000 contacts and lobbyists:
 * 20-45 ms through the records) runs the parts and stores their rows,
 * typed and in order (influence_top), with each part's column names
 * (influence_part). While the precomputed answers are fresh
 * (bh_query_precomputed) show reads the stored rows (two statements
 * instead of eight), prints a cluster that no part can find rows for with
 * its parts empty (no statement at all), and runs the parts for the rest.
 * The same rows in the same order, printed by the same code.
 * $BEHIND_SHOW_ROUTE=rows reads the records always. */
#include "query/influence.h"
#include "query/queryInt.h"
#include "util/err.h"
#include "util/json.h"

#include <stdlib.h>

#include <string.h>

#define LIST_MAX 25

#define PRE_COLS 8 /* the widest part (revolving_door) */

/* A cluster with at least this many rows for the parts to group has them
 * stored: below it the parts cost well under a millisecond together. */
#define STORE_MIN_ROWS 200

/* The entity's cluster as a subquery usable in "x IN " ME ("?1": rid). */
#define ME                                                                                    \
	"(SELECT entity FROM cluster WHERE canon = coalesce((SELECT canon FROM cluster"       \
	" WHERE entity = ?1), ?1) UNION SELECT ?1)"

/* The id of the entity's canonical (figure ids name the cluster). */
#define ME_ID "(SELECT id FROM entity WHERE rid = coalesce((SELECT canon FROM cluster WHERE entity = ?1), ?1))"

/* The FEC candidate ids of the cluster (fec_txn is indexed on cand_id). */
#define CAND_IDS "(SELECT substr(id, 5) FROM entity WHERE rid IN " ME " AND kind = 'candidate')"


typedef struct {
	const char *key;   /* JSON member */
	const char *title; /* text heading */
	const char *needs; /* a table the query reads */
	const char *sql;
} part;

static const part PARTS[] = {
	{"pacs", "Political action committees (FEC connected organization)", "fec_committee",
	 "SELECT c.id AS fec_id, c.name AS committee,"
	 " coalesce((SELECT sum(g.amount) FROM fec_gift g WHERE g.cmte = c.rid), 0) AS gave_cents,"
	 " (SELECT count(*) FROM fec_gift g WHERE g.cmte = c.rid) AS gifts, 'pac:' || c.id AS figure"
	 " FROM link l JOIN entity c ON c.rid = l.dst"
	 " WHERE l.kind = 'sponsors' AND l.src IN " ME
	 " GROUP BY c.rid ORDER BY gave_cents DESC LIMIT 25"},
	{"pac_recipients", "Candidates their PACs gave to (direct and in-kind, memo entries out)",
	 "fec_txn",
	 "SELECT e.name AS candidate, e.id AS fec_id, sum(g.amount) AS total_cents,"
	 " count(*) AS gifts, min(g.date) AS first, max(g.date) AS last"
	 " FROM fec_gift g JOIN entity e ON e.rid = g.cand"
	 " WHERE g.cmte IN (SELECT l.dst FROM link l WHERE l.kind = 'sponsors' AND l.src IN " ME
	 "   UNION SELECT rid FROM entity WHERE rid IN " ME " AND kind = 'committee')"
	 " GROUP BY g.cand ORDER BY total_cents DESC LIMIT 25"},
	{"lobbying_by_year", "Lobbying spend by year (LD-2; amendments replace reports)",
	 "lda_filing",
	 "SELECT year, sum(amount) AS spend_cents, count(*) AS reports,"
	 " count(DISTINCT registrant_name) AS registrants"
	 " FROM lda_spend WHERE client IN " ME " OR (self_filer AND registrant IN " ME ")"
	 " GROUP BY year ORDER BY year LIMIT 25"},
	{"lobbying_firms", "Registrants lobbying for it", "lda_filing",
	 "SELECT registrant_name AS registrant, count(*) AS filings, min(year) AS first_year,"
	 " max(year) AS last_year,"
	 " sum(form = 'LD-1') AS registrations FROM lda_filing"
	 " WHERE client IN " ME " GROUP BY registrant_name ORDER BY filings DESC LIMIT 25"},
	{"agencies_lobbied", "Government entities contacted", "lda_gov_entity",
	 "SELECT ge.name AS government_entity, count(DISTINCT ge.filing_id) AS filings,"
	 " min(f.year) AS first_year, max(f.year) AS last_year"
	 " FROM lda_gov_entity ge JOIN lda_filing f"
	 "   ON f.filing_id = ge.filing_id AND f.source_id = ge.source_id"
	 " WHERE f.client IN " ME " OR f.registrant IN " ME
	 " GROUP BY ge.name ORDER BY filings DESC LIMIT 25"},
	{"covered_lobbyists", "Its lobbyists who held covered government positions", "lda_lobbyist",
	 "SELECT lb.name AS lobbyist, lb.official_position AS former_position,"
	 " min(f.year) AS first_year, max(f.year) AS last_year,"
	 " " BH_SQL_NAMES("f.registrant_name") " AS registrants"
	 " FROM lda_lobbyist lb JOIN lda_filing f"
	 "   ON f.filing_id = lb.filing_id AND f.source_id = lb.source_id"
	 " WHERE (f.client IN " ME " OR f.registrant IN " ME ")"
	 "   AND lb.official_position IS NOT NULL"
	 " GROUP BY lb.name, lb.official_position ORDER BY last_year DESC, lobbyist LIMIT 25"},
	{"ld203_contributions", "Contributions it reported (LD-203)", "lda_contribution",
	 "SELECT payee, honoree, sum(amount) AS total_cents, count(*) AS contributions,"
	 " min(date) AS first, max(date) AS last"
	 " FROM lda_contribution WHERE registrant IN " ME
	 " GROUP BY payee, honoree ORDER BY total_cents DESC LIMIT 25"},
	{"revolving_door", "People who held positions at it and at a public body", "position",
	 "SELECT pe.name AS person, p.role AS role_here, p.start_date AS start_here,"
	 " p.end_date AS end_here, b.name AS public_body, g.role AS role_there,"
	 " g.start_date AS start_there, g.end_date AS end_there"
	 " FROM position p JOIN entity pe ON pe.rid = p.person"
	 " JOIN position g ON g.person = p.person AND g.rid <> p.rid"
	 " JOIN entity b ON b.rid = g.org AND b.kind = 'public_body'"
	 " WHERE p.org IN " ME " ORDER BY pe.name, g.start_date LIMIT 25"},
	/* Campaign money of a committee or a candidate (FEC): a committee's own
	 * itemized transactions (receipts 1x, disbursements 2x; memo entries
	 * out, each SUB_ID once), a candidate's gifts from committees (view
	 * fec_gift), by calendar year of the transaction date. */
	{"campaign_money",
	 "Campaign money by year (FEC itemized transactions it filed, memo entries out; "
	 "a candidate: gifts from committees)",
	 "fec_txn",
	 "SELECT year, direction, sum(amount) AS amount_cents, count(*) AS records,"
	 " 'camp:' || " ME_ID " || ':' || year || ':' || direction AS figure FROM ("
	 "  SELECT substr(x.date, 1, 4) AS year, " BH_FEC_DIRECTION("x") " AS direction, x.amount AS amount"
	 "  FROM fec_txn x WHERE x.cmte IN " ME " AND " BH_FEC_COUNTED("x")
	 "  UNION ALL SELECT substr(g.date, 1, 4), 'pac_gifts', g.amount FROM fec_gift g"
	 "  WHERE g.cand_id IN " CAND_IDS ")"
	 " GROUP BY year, direction ORDER BY year, direction LIMIT 25"},
	{"campaign_counterparties",
	 "Committees, candidates and organizations it received money from or gave to (FEC)",
	 "fec_txn",
	 "SELECT e.name AS counterparty, e.id AS id, t.direction, sum(t.amount) AS amount_cents,"
	 " count(*) AS records FROM ("
	 "  SELECT " BH_CANON("coalesce(x.counterparty, x.cand)") " AS who,"
	 "   " BH_FEC_DIRECTION("x") " AS direction, x.amount AS amount"
	 "  FROM fec_txn x WHERE x.cmte IN " ME " AND x.entity_type IS NOT 'IND'"
	 "  AND " BH_FEC_COUNTED("x") ") t"
	 " JOIN entity e ON e.rid = t.who WHERE e.kind <> 'person'"
	 " GROUP BY t.who, t.direction ORDER BY abs(sum(t.amount)) DESC LIMIT 25"},
	{"contributions_by_employer",
	 "Contributions from individuals, by the employer they gave (FEC)", "fec_txn",
	 "SELECT coalesce(nullif(trim(x.employer), ''), '(none given)') AS employer,"
	 " sum(x.amount) AS amount_cents, count(*) AS contributions,"
	 " count(DISTINCT x.counterparty) AS people"
	 " FROM fec_txn x WHERE x.cmte IN " ME " AND x.entity_type = 'IND' AND x.tx_type GLOB '[13]*'"
	 " AND " BH_FEC_COUNTED("x") " GROUP BY 1 ORDER BY sum(x.amount) DESC LIMIT 25"},
	{"pac_gifts_received",
	 "Committees that gave it money, with the organization behind each (FEC itpas2 direct and "
	 "in-kind, memo entries out)",
	 "fec_txn",
	 "SELECT c.name AS committee, c.id AS fec_id, o.name AS organization,"
	 " o.id AS organization_id, t.amount_cents AS amount_cents, t.gifts AS gifts,"
	 " t.first AS first, t.last AS last"
	 " FROM (SELECT g.cmte, sum(g.amount) AS amount_cents, count(*) AS gifts,"
	 "   min(g.date) AS first, max(g.date) AS last"
	 "   FROM fec_gift g WHERE g.cand_id IN " CAND_IDS " GROUP BY g.cmte) t"
	 " JOIN entity c ON c.rid = t.cmte"
	 /* the organization behind the committee (the first by name) */
	 " LEFT JOIN entity o ON o.rid = (SELECT s.rid FROM link l JOIN entity s ON s.rid = "
	 BH_CANON("l.src") " WHERE l.kind = 'sponsors' AND l.dst = t.cmte ORDER BY s.name LIMIT 1)"
	 " ORDER BY t.amount_cents DESC LIMIT 25"},
	{"sponsored_by", "The organization behind it (FEC connected organization)", "link",
	 "SELECT o.name AS organization, o.id AS id, sum(l.n) AS records"
	 " FROM link l JOIN entity o ON o.rid = " BH_CANON("l.src")
	 " WHERE l.kind = 'sponsors' AND l.dst IN " ME
	 " GROUP BY o.rid ORDER BY records DESC, o.name LIMIT 25"},
	{"committees_and_candidates",
	 "Its candidates' committees, or the candidates it is a committee of (FEC linkages)", "link",
	 "SELECT 'committee of the candidate' AS relation, c.name AS name, c.id AS id"
	 " FROM link l JOIN entity c ON c.rid = l.src"
	 " WHERE l.kind = 'candidate_committee' AND l.dst IN " ME
	 " UNION SELECT 'candidate of the committee', c.name, c.id"
	 " FROM link l JOIN entity c ON c.rid = l.dst"
	 " WHERE l.kind = 'candidate_committee' AND l.src IN " ME
	 " ORDER BY 1, 2 LIMIT 25"},
};

/* From the schema the handle has parsed, not a scan of sqlite_master (400
 * VM steps a call, two calls a show); the caller's statements have
 * already checked that schema against the store's. */
static int table_exists(bh_store *s, const char *name)
{
	return sqlite3_table_column_metadata(s->db, "main", name, NULL, NULL, NULL, NULL, NULL,
					     NULL) == SQLITE_OK;
}

static int is_money(const char *col)
{
	size_t n = strlen(col);
	return n > 6 && strcmp(col + n - 6, "_cents") == 0;
}

/* A part's column names: of its statement, or parsed from influence_part. */
typedef struct {
	int n;
	const char *name[PRE_COLS];
	char buf[512];
} cols;

static void cols_of_stmt(cols *c, sqlite3_stmt *q)
{
	c->n = sqlite3_column_count(q);
	if (c->n > PRE_COLS)
		c->n = PRE_COLS; /* refused by bh_influence_precompute, never met */
	for (int i = 0; i < c->n; i++)
		c->name[i] = sqlite3_column_name(q, i);
}

/* From "a\tb\tc" (influence_part.cols). */
static void cols_of_text(cols *c, const char *text)
{
	snprintf(c->buf, sizeof c->buf, "%s", text ? text : "");
	c->n = 0;
	for (char *t = c->buf; c->n < PRE_COLS;) {
		c->name[c->n++] = t;
		if (!(t = strchr(t, '\t')))
			break;
		*t++ = '\0';
	}
}

/* The value of column i of q (named `col` in the part's statement). */
static void json_value(FILE *out, sqlite3_stmt *q, int i, const char *col)
{
	switch (sqlite3_column_type(q, i)) {
	case SQLITE_NULL:
		fputs("null", out);
		break;
	case SQLITE_INTEGER:
		if (is_money(col))
			bh_json_money(out, sqlite3_column_int64(q, i));
		else
			fprintf(out, "%lld", (long long)sqlite3_column_int64(q, i));
		break;
	default:
		bh_json_str(out, (const char *)sqlite3_column_text(q, i));
	}
}

static void text_value(FILE *out, sqlite3_stmt *q, int i, const char *col)
{
	char money[48];
	if (sqlite3_column_type(q, i) == SQLITE_NULL)
		return;
	if (is_money(col))
		fprintf(out, "%s", bh_fmt_money(money, sizeof money, sqlite3_column_int64(q, i)));
	else
		fprintf(out, "%s", (const char *)sqlite3_column_text(q, i));
}

/* Prints one row of part p: columns c, values from column `off` of v on
 * (the part's statement, or a row of influence_top). */
static void print_row(FILE *out, const part *p, const cols *c, sqlite3_stmt *v, int off, int json,
		      int nrows)
{
	if (json) {
		fputs(nrows ? ",\n    {" : "\n    {", out);
		for (int i = 0; i < c->n; i++) {
			const char *col = c->name[i];
			int n = (int)strlen(col) - (is_money(col) ? 6 : 0);
			fprintf(out, "%s\"%.*s\": ", i ? ", " : "", n, col);
			json_value(out, v, off + i, col);
		}
		fputc('}', out);
		return;
	}
	if (!nrows)
		fprintf(out, "\n%s\n", p->title);
	fputs("  ", out);
	for (int i = 0; i < c->n; i++) {
		const char *col = c->name[i];
		/* figure ids (docs/cite.md) are for JSON readers */
		if (sqlite3_column_type(v, off + i) == SQLITE_NULL || !strcmp(col, "figure"))
			continue;
		if (i)
			fprintf(out, "  %.*s: ", (int)strlen(col) - (is_money(col) ? 6 : 0), col);
		text_value(out, v, off + i, col);
	}
	fputc('\n', out);
}

static void part_open(FILE *out, const part *p, int json, int *first)
{
	if (json) {
		fprintf(out, "%s\n  \"%s\": [", *first ? "" : ",", p->key);
		*first = 0;
	}
}

static void part_close(FILE *out, int json, int nrows)
{
	if (json)
		fputs(nrows ? "\n  ]" : "]", out);
}

/* Runs part number `k` over the records and prints it; *first tracks JSON
 * commas. */
static int print_part(bh_store *s, int k, int64_t rid, int json, int *first, FILE *out)
{
	const part *p = &PARTS[k];
	sqlite3_stmt *q = NULL;
	int rc, nrows = 0;
	struct timespec t0;
	cols c;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (!table_exists(s, p->needs))
		return 0;
	if ((rc = bh_store_cached(&q, s, p->sql)) < 0)
		return rc;
	sqlite3_bind_int64(q, 1, rid);
	cols_of_stmt(&c, q);
	part_open(out, p, json, first);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW && nrows < LIST_MAX)
		print_row(out, p, &c, q, 0, json, nrows++);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		rc = bh_store_fail(s, p->key);
		bh_store_release(s, q);
		return rc;
	}
	part_close(out, json, nrows);
	bh_store_release(s, q);
	bh_query_trace(s, p->key, p->sql, &t0);
	return 0;
}

/* Prints every part from the stored rows of rid's cluster: `parts` is
 * SELECT part, cols FROM influence_part ORDER BY part, prepared. */
static int print_stored(bh_store *s, sqlite3_stmt *parts, int64_t rid, int json, int *first,
			FILE *out)
{
	sqlite3_stmt *v = NULL;
	int rc, have;
	cols c;
	if ((rc = bh_store_cached(&v, s,
				   "SELECT part, c0, c1, c2, c3, c4, c5, c6, c7 FROM influence_top"
				   " WHERE canon = coalesce((SELECT canon FROM cluster WHERE entity = ?1), ?1)"
				   " ORDER BY part, ord")) < 0)
		return rc;
	sqlite3_bind_int64(v, 1, rid);
	have = sqlite3_step(v);
	while ((rc = sqlite3_step(parts)) == SQLITE_ROW) {
		int k = sqlite3_column_int(parts, 0), nrows = 0;
		if (k < 0 || k >= (int)(sizeof PARTS / sizeof PARTS[0]))
			continue;
		cols_of_text(&c, bh_col_text(parts, 1));
		part_open(out, &PARTS[k], json, first);
		for (; have == SQLITE_ROW && sqlite3_column_int(v, 0) <= k; have = sqlite3_step(v))
			if (sqlite3_column_int(v, 0) == k)
				print_row(out, &PARTS[k], &c, v, 1, json, nrows++);
		part_close(out, json, nrows);
	}
	if ((rc != SQLITE_DONE) || (have != SQLITE_ROW && have != SQLITE_DONE))
		rc = bh_store_fail(s, "influence: reading the precomputed rows");
	else
		rc = 0;
	bh_store_release(s, v);
	return rc;
}

/* *out: SELECT part, cols FROM influence_part when the stored rows are to
 * be read, or NULL (a store resolved before they existed, answers no
 * longer fresh, or $BEHIND_SHOW_ROUTE=rows). */
static int open_precomputed(sqlite3_stmt **out, bh_store *s)
{
	const char *route = getenv("BEHIND_SHOW_ROUTE");
	sqlite3_stmt *q = NULL;
	int fresh = 0, rc;
	*out = NULL;
	if (route && strcmp(route, "rows") == 0)
		return 0;
	if ((rc = bh_query_precomputed(&fresh, s)) < 0 || !fresh)
		return rc;
	/* absent from a store precomputed before this version: not an error */
	if (!table_exists(s, "influence_part") || !table_exists(s, "influence_canon"))
		return 0;
	if ((rc = bh_store_cached(&q, s, "SELECT part, cols FROM influence_part ORDER BY part")) < 0)
		return rc;
	*out = q;
	return 0;
}

/* *out: 1 when rid's cluster has its rows stored or none to find (read
 * them from influence_top), 0 when the parts are to run. */
static int stored_or_none(int *out, bh_store *s, int64_t rid)
{
	sqlite3_stmt *q = NULL;
	int rc;
	*out = 0;
	if ((rc = bh_store_cached(&q, s,
				   "SELECT stored FROM influence_canon WHERE canon = coalesce("
				   "(SELECT canon FROM cluster WHERE entity = ?1), ?1)")) < 0)
		return rc;
	sqlite3_bind_int64(q, 1, rid);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int(q, 0) != 0;
	else if (rc == SQLITE_DONE)
		*out = 1;
	rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : bh_store_fail(s, "influence_canon");
	bh_store_release(s, q);
	return rc;
}

int bh_influence_print(bh_store *s, int64_t rid, int json, FILE *out)
{
	sqlite3_stmt *pre = NULL;
	int rc, first = 1, stored = 0;
	if ((rc = open_precomputed(&pre, s)) < 0 || (pre && (rc = stored_or_none(&stored, s, rid)) < 0))
		goto done;
	if (getenv("BEHIND_TIMING"))
		fprintf(stderr, "influence: route %s\n", stored ? "precomputed" : "rows");
	if (json)
		fputc('{', out);
	if (stored)
		rc = print_stored(s, pre, rid, json, &first, out);
	else
		for (int k = 0; k < (int)(sizeof PARTS / sizeof PARTS[0]); k++)
			if ((rc = print_part(s, k, rid, json, &first, out)) < 0)
				break;
	if (json)
		fputs(first ? "}\n" : "\n}\n", out);
done:
	bh_store_release(s, pre);
	return rc;
}

/* ---- precomputed at resolve time ------------------------------------------ */

static const char q_pre_tables[] =
	"DROP TABLE IF EXISTS influence_canon;"
	"CREATE TABLE influence_canon(" /* every cluster that a part can find rows for */
	"  canon INTEGER PRIMARY KEY,"
	"  stored INTEGER NOT NULL);" /* 1: its rows are in influence_top */
	"DROP TABLE IF EXISTS influence_top;"
	"CREATE TABLE influence_top("
	"  canon INTEGER NOT NULL," /* the cluster's canonical entity */
	"  part INTEGER NOT NULL,"  /* index in PARTS */
	"  ord INTEGER NOT NULL,"   /* the row's place in the part's answer */
	"  c0, c1, c2, c3, c4, c5, c6, c7," /* its columns, typed as the part gave them */
	"  PRIMARY KEY(canon, part, ord)"
	") WITHOUT ROWID;"
	"DROP TABLE IF EXISTS influence_part;"
	"CREATE TABLE influence_part(" /* the parts whose tables exist */
	"  part INTEGER PRIMARY KEY,"
	"  cols TEXT NOT NULL);"; /* their column names, tab-separated */

/* Every cluster that some part can find rows for, in canonical order, with
 * the number of rows it has there: each part's rows hang on one of these
 * columns being in the cluster (pacs and pac_recipients through a sponsors
 * link or the committee's own gifts; campaign money through the
 * committee's transactions, a candidate's gifts, the FEC linkages). */
static const char q_candidates_head[] =
	"SELECT coalesce(c.canon, x.e) AS canon, count(*) FROM (SELECT NULL AS e";
static const char *const CANDIDATES[][2] = {
	{"link", " UNION ALL SELECT src FROM link WHERE kind = 'sponsors'"
		 " UNION ALL SELECT dst FROM link WHERE kind = 'sponsors'"
		 " UNION ALL SELECT src FROM link WHERE kind = 'candidate_committee'"
		 " UNION ALL SELECT dst FROM link WHERE kind = 'candidate_committee'"},
	{"fec_txn", " UNION ALL SELECT cmte FROM fec_txn UNION ALL SELECT cand FROM fec_gift"},
	{"lda_filing", " UNION ALL SELECT client FROM lda_filing"
		       " UNION ALL SELECT registrant FROM lda_filing"
		       " UNION ALL SELECT registrant FROM lda_contribution"},
	{"position", " UNION ALL SELECT org FROM position"},
};
static const char q_candidates_tail[] =
	") x LEFT JOIN cluster c ON c.entity = x.e WHERE x.e IS NOT NULL GROUP BY 1 ORDER BY 1";

/* Stores the rows of every part for cluster `canon`, with the parts'
 * statements `parts` (NULL for a part whose table is absent). */
static int precompute_one(bh_store *s, sqlite3_stmt **parts, sqlite3_stmt *ins, int64_t canon)
{
	int rc = 0;
	for (int k = 0; k < (int)(sizeof PARTS / sizeof PARTS[0]); k++) {
		sqlite3_stmt *q = parts[k];
		int n = 0;
		if (!q)
			continue;
		sqlite3_reset(q);
		sqlite3_bind_int64(q, 1, canon);
		while ((rc = sqlite3_step(q)) == SQLITE_ROW && n < LIST_MAX) {
			sqlite3_reset(ins);
			sqlite3_clear_bindings(ins);
			sqlite3_bind_int64(ins, 1, canon);
			sqlite3_bind_int(ins, 2, k);
			sqlite3_bind_int(ins, 3, n++);
			for (int i = 0; i < sqlite3_column_count(q); i++)
				sqlite3_bind_value(ins, 4 + i, sqlite3_column_value(q, i));
			if (sqlite3_step(ins) != SQLITE_DONE)
				return bh_store_fail(s, "influence: storing a precomputed row");
		}
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return bh_store_fail(s, PARTS[k].key);
	}
	return 0;
}

/* Prepares part k (when its table exists) and records its column names. */
static int prepare_part(sqlite3_stmt **out, bh_store *s, int k)
{
	sqlite3_stmt *ins = NULL;
	char names[512] = "";
	size_t len = 0;
	int rc;
	*out = NULL;
	if (!table_exists(s, PARTS[k].needs))
		return 0;
	if ((rc = bh_store_prepare(out, s, PARTS[k].sql)) < 0)
		return rc;
	if (sqlite3_column_count(*out) > PRE_COLS)
		return bh_error_set(BH_ERR, "influence: part %s has more than %d columns",
				    PARTS[k].key, PRE_COLS);
	for (int i = 0; i < sqlite3_column_count(*out); i++)
		len += (size_t)snprintf(names + len, len < sizeof names ? sizeof names - len : 0,
					"%s%s", i ? "\t" : "", sqlite3_column_name(*out, i));
	if (len >= sizeof names)
		return bh_error_set(BH_ETOOBIG, "influence: part %s: column names too long",
				    PARTS[k].key);
	if ((rc = bh_store_prepare(&ins, s, "INSERT INTO influence_part VALUES(?1, ?2)")) < 0)
		return rc;
	sqlite3_bind_int(ins, 1, k);
	sqlite3_bind_text(ins, 2, names, -1, SQLITE_STATIC);
	rc = sqlite3_step(ins) == SQLITE_DONE ? 0 : bh_store_fail(s, "influence: a part's columns");
	sqlite3_finalize(ins);
	return rc;
}

int bh_influence_precompute(bh_store *s)
{
	sqlite3_stmt *parts[sizeof PARTS / sizeof PARTS[0]] = {NULL};
	sqlite3_stmt *cand = NULL, *ins = NULL, *mark = NULL;
	const char *env = getenv("BEHIND_INFLUENCE_STORE_MIN"); /* tests: small fixtures */
	int64_t min = env ? atoll(env) : STORE_MIN_ROWS;
	char sql[2048];
	size_t len;
	int rc, n = 0, nstored = 0;

	if ((rc = bh_store_exec(s, q_pre_tables)) < 0)
		return rc;
	for (int k = 0; k < (int)(sizeof PARTS / sizeof PARTS[0]); k++)
		if ((rc = prepare_part(&parts[k], s, k)) < 0)
			goto done;
	len = (size_t)snprintf(sql, sizeof sql, "%s", q_candidates_head);
	for (size_t i = 0; i < sizeof CANDIDATES / sizeof CANDIDATES[0]; i++)
		if (table_exists(s, CANDIDATES[i][0]))
			len += (size_t)snprintf(sql + len, sizeof sql - len, "%s", CANDIDATES[i][1]);
	snprintf(sql + len, sizeof sql - len, "%s", q_candidates_tail);
	if ((rc = bh_store_prepare(&cand, s, sql)) < 0 ||
	    (rc = bh_store_prepare(&ins, s,
				   "INSERT INTO influence_top VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7,"
				   " ?8, ?9, ?10, ?11)")) < 0 ||
	    (rc = bh_store_prepare(&mark, s, "INSERT INTO influence_canon VALUES(?1, ?2)")) < 0)
		goto done;
	while ((rc = sqlite3_step(cand)) == SQLITE_ROW) {
		int64_t canon = sqlite3_column_int64(cand, 0);
		int store = sqlite3_column_int64(cand, 1) >= min;
		if (store && (rc = precompute_one(s, parts, ins, canon)) < 0)
			goto done;
		sqlite3_reset(mark);
		sqlite3_bind_int64(mark, 1, canon);
		sqlite3_bind_int(mark, 2, store);
		if (sqlite3_step(mark) != SQLITE_DONE) {
			rc = bh_store_fail(s, "influence: recording a cluster");
			goto done;
		}
		n++;
		nstored += store;
	}
	rc = rc == SQLITE_DONE ? 0 : bh_store_fail(s, "influence: the clusters to precompute");
	if (getenv("BEHIND_TIMING"))
		fprintf(stderr, "influence: %d clusters with rows, %d of them stored\n", n, nstored);
done:
	for (size_t k = 0; k < sizeof PARTS / sizeof PARTS[0]; k++)
		sqlite3_finalize(parts[k]);
	sqlite3_finalize(cand);
	sqlite3_finalize(ins);
	sqlite3_finalize(mark);
	return rc;
}
