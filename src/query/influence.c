/* The influence section of `behind show` (see influence.h). Each part is
 * one SQL query over the fact tables of FEC, LDA and personnel, restricted
 * to the entity's cluster (the entity, or every entity resolution mapped to
 * the same canonical); a part whose tables are absent is left out. Columns
 * whose name ends in "_cents" are money, printed as dollars under the name
 * without that suffix; a column "figure" (a figure id, docs/cite.md) is
 * printed in JSON only.
 *
 * The clusters with many LDA rows (a big registrant's LD-203 report groups
 * 10,000 contributions, its filings join 15,000 contacts and lobbyists:
 * 20-45 ms a show) have their parts' rows computed by `behind resolve`
 * (bh_influence_precompute, into influence_top) with the same statements,
 * and read back while the precomputed answers are fresh
 * (bh_query_precomputed): the same rows in the same order, printed by the
 * same code. $BEHIND_SHOW_ROUTE=rows reads the records always. */
#include "query/influence.h"
#include "query/queryInt.h"
#include "util/err.h"
#include "util/json.h"

#include <stdlib.h>

#include <string.h>

#define LIST_MAX 25

/* A cluster whose LDA rows (filings as client or registrant, LD-203
 * contributions as registrant) number at least this many has its parts
 * precomputed: below it a part costs well under a millisecond. */
#define PRECOMPUTE_MIN_ROWS 200

/* The entity's cluster as a subquery usable in "x IN " ME ("?1": rid). */
#define ME                                                                                    \
	"(SELECT entity FROM cluster WHERE canon = coalesce((SELECT canon FROM cluster"       \
	" WHERE entity = ?1), ?1) UNION SELECT ?1)"

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
	 " group_concat(DISTINCT f.registrant_name) AS registrants"
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
};

static int table_exists(bh_store *s, const char *name)
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

static int is_money(const char *col)
{
	size_t n = strlen(col);
	return n > 6 && strcmp(col + n - 6, "_cents") == 0;
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

/* Prints one row of part p: the column names are those of the part's
 * statement `names`, the values those of `v` (the same statement, or the
 * precomputed row, whose columns are in the same order). */
static void print_row(FILE *out, const part *p, sqlite3_stmt *names, sqlite3_stmt *v, int json,
		      int nrows)
{
	int ncol = sqlite3_column_count(names);
	if (json) {
		fputs(nrows ? ",\n    {" : "\n    {", out);
		for (int i = 0; i < ncol; i++) {
			const char *col = sqlite3_column_name(names, i);
			int n = (int)strlen(col) - (is_money(col) ? 6 : 0);
			fprintf(out, "%s\"%.*s\": ", i ? ", " : "", n, col);
			json_value(out, v, i, col);
		}
		fputc('}', out);
		return;
	}
	if (!nrows)
		fprintf(out, "\n%s\n", p->title);
	fputs("  ", out);
	for (int i = 0; i < ncol; i++) {
		const char *col = sqlite3_column_name(names, i);
		/* figure ids (docs/cite.md) are for JSON readers */
		if (sqlite3_column_type(v, i) == SQLITE_NULL || !strcmp(col, "figure"))
			continue;
		if (i)
			fprintf(out, "  %.*s: ", (int)strlen(col) - (is_money(col) ? 6 : 0), col);
		text_value(out, v, i, col);
	}
	fputc('\n', out);
}

/* Runs part number `k` and prints it; *first tracks JSON commas. With `pre`
 * (SELECT c0.. FROM influence_top WHERE canon = ?1 AND part = ?2, ?1
 * bound), the rows are read from it instead of the records. */
static int print_part(bh_store *s, int k, int64_t rid, sqlite3_stmt *pre, int json, int *first,
		      FILE *out)
{
	const part *p = &PARTS[k];
	sqlite3_stmt *q = NULL, *v;
	int rc, nrows = 0;
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (!table_exists(s, p->needs))
		return 0;
	if ((rc = bh_store_prepare(&q, s, p->sql)) < 0)
		return rc;
	if (pre) {
		sqlite3_reset(pre);
		sqlite3_bind_int(pre, 2, k);
		v = pre;
	} else {
		sqlite3_bind_int64(q, 1, rid);
		v = q;
	}
	if (json) {
		fprintf(out, "%s\n  \"%s\": [", *first ? "" : ",", p->key);
		*first = 0;
	}
	while ((rc = sqlite3_step(v)) == SQLITE_ROW && nrows < LIST_MAX)
		print_row(out, p, q, v, json, nrows++);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		rc = bh_store_fail(s, p->key);
		sqlite3_finalize(q);
		return rc;
	}
	if (json)
		fputs(nrows ? "\n  ]" : "]", out);
	sqlite3_finalize(q);
	bh_query_trace(s, p->key, pre ? "SELECT * FROM influence_top" : p->sql, &t0);
	return 0;
}

/* *out: the statement reading the precomputed rows of rid's cluster, or
 * NULL when they are not there (a small cluster, a store resolved before
 * they existed, answers no longer fresh, or $BEHIND_SHOW_ROUTE=rows). */
static int open_precomputed(sqlite3_stmt **out, bh_store *s, int64_t rid)
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
	if (sqlite3_prepare_v2(s->db,
			       "SELECT c0, c1, c2, c3, c4, c5, c6, c7 FROM influence_top"
			       " WHERE canon = ?1 AND part = ?2 ORDER BY ord",
			       -1, &q, NULL) != SQLITE_OK ||
	    !table_exists(s, "influence_canon")) {
		sqlite3_finalize(q);
		return 0;
	}
	sqlite3_stmt *c = NULL;
	if ((rc = bh_store_prepare(&c, s,
				   "SELECT canon FROM influence_canon WHERE canon = coalesce("
				   "(SELECT canon FROM cluster WHERE entity = ?1), ?1)")) < 0) {
		sqlite3_finalize(q);
		return rc;
	}
	sqlite3_bind_int64(c, 1, rid);
	if (sqlite3_step(c) == SQLITE_ROW) {
		sqlite3_bind_int64(q, 1, sqlite3_column_int64(c, 0));
		*out = q;
		q = NULL;
	}
	sqlite3_finalize(c);
	sqlite3_finalize(q);
	return 0;
}

int bh_influence_print(bh_store *s, int64_t rid, int json, FILE *out)
{
	sqlite3_stmt *pre = NULL;
	int rc, first = 1;
	if ((rc = open_precomputed(&pre, s, rid)) < 0)
		return rc;
	if (getenv("BEHIND_TIMING"))
		fprintf(stderr, "influence: route %s\n", pre ? "precomputed" : "rows");
	if (json)
		fputc('{', out);
	for (int k = 0; k < (int)(sizeof PARTS / sizeof PARTS[0]); k++)
		if ((rc = print_part(s, k, rid, pre, json, &first, out)) < 0)
			break;
	if (json)
		fputs(first ? "}\n" : "\n}\n", out);
	sqlite3_finalize(pre);
	return rc;
}

/* ---- precomputed at resolve time ------------------------------------------ */

#define PRE_COLS 8 /* the widest part (revolving_door) */

static const char q_pre_tables[] =
	"DROP TABLE IF EXISTS influence_top;"
	"CREATE TABLE influence_top("
	"  canon INTEGER NOT NULL," /* the cluster's canonical entity */
	"  part INTEGER NOT NULL,"  /* index in PARTS */
	"  ord INTEGER NOT NULL,"   /* the row's place in the part's answer */
	"  c0, c1, c2, c3, c4, c5, c6, c7," /* its columns, typed as the part gave them */
	"  PRIMARY KEY(canon, part, ord)"
	") WITHOUT ROWID;"
	"DROP TABLE IF EXISTS influence_canon;"
	"CREATE TABLE influence_canon(canon INTEGER PRIMARY KEY);";

/* The clusters with at least ?1 LDA rows, in canonical order. */
static const char q_heavy[] =
	"SELECT canon FROM (SELECT coalesce(c.canon, x.e) AS canon FROM ("
	"  SELECT client AS e FROM lda_filing WHERE client IS NOT NULL"
	"  UNION ALL SELECT registrant FROM lda_filing WHERE registrant IS NOT NULL"
	"  UNION ALL SELECT registrant FROM lda_contribution WHERE registrant IS NOT NULL) x"
	" LEFT JOIN cluster c ON c.entity = x.e)"
	" GROUP BY canon HAVING count(*) >= ?1 ORDER BY canon";

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

int bh_influence_precompute(bh_store *s)
{
	sqlite3_stmt *parts[sizeof PARTS / sizeof PARTS[0]] = {NULL};
	sqlite3_stmt *heavy = NULL, *ins = NULL, *mark = NULL;
	const char *min = getenv("BEHIND_INFLUENCE_MIN_ROWS"); /* tests: small fixtures */
	int rc, n = 0;

	if ((rc = bh_store_exec(s, q_pre_tables)) < 0 || !table_exists(s, "lda_filing"))
		return rc;
	for (size_t k = 0; k < sizeof PARTS / sizeof PARTS[0]; k++) {
		if (!table_exists(s, PARTS[k].needs))
			continue;
		if ((rc = bh_store_prepare(&parts[k], s, PARTS[k].sql)) < 0)
			goto done;
		if (sqlite3_column_count(parts[k]) > PRE_COLS) {
			rc = bh_error_set(BH_ERR, "influence: part %s has more than %d columns",
					  PARTS[k].key, PRE_COLS);
			goto done;
		}
	}
	if ((rc = bh_store_prepare(&heavy, s, q_heavy)) < 0 ||
	    (rc = bh_store_prepare(&ins, s,
				   "INSERT INTO influence_top VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7,"
				   " ?8, ?9, ?10, ?11)")) < 0 ||
	    (rc = bh_store_prepare(&mark, s, "INSERT INTO influence_canon VALUES(?1)")) < 0)
		goto done;
	sqlite3_bind_int64(heavy, 1, min ? atoll(min) : PRECOMPUTE_MIN_ROWS);
	while ((rc = sqlite3_step(heavy)) == SQLITE_ROW) {
		int64_t canon = sqlite3_column_int64(heavy, 0);
		if ((rc = precompute_one(s, parts, ins, canon)) < 0)
			goto done;
		sqlite3_reset(mark);
		sqlite3_bind_int64(mark, 1, canon);
		if (sqlite3_step(mark) != SQLITE_DONE) {
			rc = bh_store_fail(s, "influence: recording a precomputed cluster");
			goto done;
		}
		n++;
	}
	rc = rc == SQLITE_DONE ? 0 : bh_store_fail(s, "influence: the clusters with many LDA rows");
	if (getenv("BEHIND_TIMING"))
		fprintf(stderr, "influence: %d clusters precomputed\n", n);
done:
	for (size_t k = 0; k < sizeof PARTS / sizeof PARTS[0]; k++)
		sqlite3_finalize(parts[k]);
	sqlite3_finalize(heavy);
	sqlite3_finalize(ins);
	sqlite3_finalize(mark);
	return rc;
}
