/* The influence section of `behind show` (see influence.h). Each part is
 * one SQL query over the fact tables of FEC, LDA and personnel, restricted
 * to the entity's cluster (the entity, or every entity resolution mapped to
 * the same canonical); a part whose tables are absent is left out. Columns
 * whose name ends in "_cents" are money, printed as dollars under the name
 * without that suffix; a column "figure" (a figure id, docs/cite.md) is
 * printed in JSON only. */
#include "query/influence.h"
#include "query/queryInt.h"
#include "util/err.h"
#include "util/json.h"

#include <string.h>

#define LIST_MAX 25

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

static void json_value(FILE *out, sqlite3_stmt *q, int i)
{
	switch (sqlite3_column_type(q, i)) {
	case SQLITE_NULL:
		fputs("null", out);
		break;
	case SQLITE_INTEGER:
		if (is_money(sqlite3_column_name(q, i)))
			bh_json_money(out, sqlite3_column_int64(q, i));
		else
			fprintf(out, "%lld", (long long)sqlite3_column_int64(q, i));
		break;
	default:
		bh_json_str(out, (const char *)sqlite3_column_text(q, i));
	}
}

static void text_value(FILE *out, sqlite3_stmt *q, int i)
{
	char money[48];
	const char *col = sqlite3_column_name(q, i);
	if (sqlite3_column_type(q, i) == SQLITE_NULL)
		return;
	if (is_money(col))
		fprintf(out, "%s", bh_fmt_money(money, sizeof money, sqlite3_column_int64(q, i)));
	else
		fprintf(out, "%s", (const char *)sqlite3_column_text(q, i));
}

/* Runs one part and prints it; *first tracks JSON commas. */
static int print_part(bh_store *s, const part *p, int64_t rid, int json, int *first, FILE *out)
{
	sqlite3_stmt *q = NULL;
	int rc, nrows = 0;
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (!table_exists(s, p->needs))
		return 0;
	if ((rc = bh_store_prepare(&q, s, p->sql)) < 0)
		return rc;
	sqlite3_bind_int64(q, 1, rid);
	int ncol = sqlite3_column_count(q);
	if (json) {
		fprintf(out, "%s\n  \"%s\": [", *first ? "" : ",", p->key);
		*first = 0;
	}
	while ((rc = sqlite3_step(q)) == SQLITE_ROW && nrows < LIST_MAX) {
		if (json) {
			fputs(nrows ? ",\n    {" : "\n    {", out);
			for (int i = 0; i < ncol; i++) {
				const char *col = sqlite3_column_name(q, i);
				int n = (int)strlen(col) - (is_money(col) ? 6 : 0);
				fprintf(out, "%s\"%.*s\": ", i ? ", " : "", n, col);
				json_value(out, q, i);
			}
			fputc('}', out);
		} else {
			if (!nrows)
				fprintf(out, "\n%s\n", p->title);
			fputs("  ", out);
			for (int i = 0; i < ncol; i++) {
				const char *col = sqlite3_column_name(q, i);
				/* figure ids (docs/cite.md) are for JSON readers */
				if (sqlite3_column_type(q, i) == SQLITE_NULL || !strcmp(col, "figure"))
					continue;
				if (i)
					fprintf(out, "  %.*s: ", (int)strlen(col) - (is_money(col) ? 6 : 0), col);
				text_value(out, q, i);
			}
			fputc('\n', out);
		}
		nrows++;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		rc = bh_store_fail(s, p->key);
		sqlite3_finalize(q);
		return rc;
	}
	if (json)
		fputs(nrows ? "\n  ]" : "]", out);
	sqlite3_finalize(q);
	bh_query_trace(s, p->key, p->sql, &t0);
	return 0;
}

int bh_influence_print(bh_store *s, int64_t rid, int json, FILE *out)
{
	int rc = 0, first = 1;
	if (json)
		fputc('{', out);
	for (size_t i = 0; i < sizeof PARTS / sizeof PARTS[0]; i++)
		if ((rc = print_part(s, &PARTS[i], rid, json, &first, out)) < 0)
			break;
	if (json)
		fputs(first ? "}\n" : "\n}\n", out);
	return rc;
}
