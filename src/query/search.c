/* `behind search`: entities by name and awards by description, through the
 * full-text indexes (see query.h). Entities are grouped by cluster and
 * ranked by text relevance, then by how many records name them; awards are
 * grouped by award key and ranked by relevance, then by amount. */
#include "query/queryInt.h"

#include <string.h>

int bh_query_search(bh_store *s, const char *text, int limit, int json, FILE *out)
{
	char fq[1024], m[48], url[512];
	sqlite3_stmt *q = NULL;
	int rc, k = 0;

	bh_fts_text(fq, sizeof fq, text);
	if (!fq[0])
		return bh_error_set(BH_EUSAGE, "nothing to search for in '%s'", text);
	if (limit <= 0)
		limit = 20;
	rc = bh_store_prepare(
		&q, s,
		"WITH hits AS (SELECT " BH_CANON("st.entity") " AS c, f.rank AS r, st.n AS n"
		"   FROM name_fts f JOIN statement st ON st.rid = f.rowid WHERE name_fts MATCH ?1)"
		" SELECT e.id, e.kind, e.name, min(h.r), sum(h.n) FROM hits h JOIN entity e ON e.rid = h.c"
		" GROUP BY h.c ORDER BY min(h.r) + 0.0 - (sum(h.n) > 100) * 0.5, sum(h.n) DESC LIMIT ?2");
	if (rc < 0)
		return rc;
	sqlite3_bind_text(q, 1, fq, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 2, limit);
	if (json)
		fprintf(out, "{\"query\":");
	if (json) {
		bh_json_str(out, text);
		fprintf(out, ",\"entities\":[");
	} else {
		fprintf(out, "Entities matching '%s':\n", text);
	}
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (json) {
			fprintf(out, "%s\n{\"id\":", k ? "," : "");
			bh_json_str(out, bh_col_text(q, 0));
			fprintf(out, ",\"kind\":");
			bh_json_str(out, bh_col_text(q, 1));
			fprintf(out, ",\"name\":");
			bh_json_str(out, bh_col_text(q, 2));
			fprintf(out, ",\"records\":%lld}", sqlite3_column_int64(q, 4));
		} else {
			fprintf(out, "  %-28s %-12s %s (%lld records)\n", bh_col_text(q, 0), bh_col_text(q, 1),
				bh_col_text(q, 2), sqlite3_column_int64(q, 4));
		}
		k++;
	}
	sqlite3_finalize(q);
	q = NULL;
	if (rc != SQLITE_DONE)
		return bh_store_fail(s, "search");
	if (!json && !k)
		fprintf(out, "  (none)\n");

	/* awards: transactions and summaries by description, subawards too */
	rc = bh_store_prepare(
		&q, s,
		"WITH h AS ("
		"  SELECT t.award_key AS k, f.rank AS r, t.amount AS a, t.recipient AS who,"
		"         t.description AS d, t.action_date AS dt"
		"  FROM txn_fts f JOIN txn t ON t.rid = f.rowid WHERE txn_fts MATCH ?1"
		"  UNION ALL"
		"  SELECT a.award_key, f.rank, CASE WHEN EXISTS (SELECT 1 FROM txn x WHERE"
		"         x.award_key = a.award_key) THEN 0 ELSE a.amount END, a.recipient,"
		"         a.description, a.base_date"
		"  FROM award_fts f JOIN award a ON a.rid = f.rowid WHERE award_fts MATCH ?1)"
		" SELECT h.k, min(h.r), sum(h.a), e.name, e.id, max(h.d), min(h.dt), max(h.dt)"
		" FROM h LEFT JOIN entity e ON e.rid = h.who"
		" GROUP BY h.k ORDER BY min(h.r), sum(h.a) DESC LIMIT ?2");
	if (rc < 0)
		return rc;
	sqlite3_bind_text(q, 1, fq, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 2, limit);
	if (json)
		fprintf(out, "\n],\"awards\":[");
	else
		fprintf(out, "\nAwards whose description matches '%s':\n", text);
	k = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *key = bh_col_text(q, 0);
		bh_award_url(url, sizeof url, key);
		if (json) {
			fprintf(out, "%s\n{\"award_key\":", k ? "," : "");
			bh_json_str(out, key);
			fprintf(out, ",\"amount\":");
			bh_json_money(out, sqlite3_column_int64(q, 2));
			fprintf(out, ",\"recipient\":");
			bh_json_str(out, bh_col_text(q, 3));
			fprintf(out, ",\"recipient_id\":");
			bh_json_str(out, bh_col_text(q, 4));
			fprintf(out, ",\"description\":");
			bh_json_str(out, bh_col_text(q, 5));
			fprintf(out, ",\"first_date\":");
			bh_json_str(out, bh_col_text(q, 6));
			fprintf(out, ",\"last_date\":");
			bh_json_str(out, bh_col_text(q, 7));
			fprintf(out, ",\"url\":");
			bh_json_str(out, url);
			fprintf(out, "}");
		} else {
			fprintf(out, "  %s  %s  %s\n    %.100s\n    %s\n", key,
				bh_fmt_money(m, sizeof m, sqlite3_column_int64(q, 2)), bh_col_text(q, 3),
				bh_col_text(q, 5), url);
		}
		k++;
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return bh_store_fail(s, "search");
	if (json)
		fprintf(out, "\n]}\n");
	else if (!k)
		fprintf(out, "  (none)\n");
	return 0;
}
