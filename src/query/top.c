/* `behind top`: an agency's largest recipients, rolled up to the parent
 * company and its cluster, by fiscal year (see query.h).
 *
 * Counting rule (the `obligation` view): each contract transaction counts
 * its federal_action_obligation in the fiscal year of its action date; an
 * award summary's total_obligated_amount counts, in the fiscal year of the
 * award's base date, only for awards that no ingested transaction covers.
 * A row rolls up to the parent its own record names (recipient_parent_uei
 * or _duns), else to the recipient; then to that entity's cluster.
 *
 * While the answers precomputed by `behind resolve` are fresh, the sums
 * are read from who_agg_co (who_agg.c: the same rows, rolled up the same
 * way, summed per agency, sub-agency, fiscal year and company) instead of
 * the agency's rows: the same numbers, since a row's fiscal_year is
 * generated from its date (schema_usaspending.c), so the date bounds below
 * and bounds on the fiscal year select the same rows. BEHIND_WHO_ROUTE=rows
 * forces the rows (the benchmark's and the tests' comparison). */
#include "query/queryInt.h"

#include <stdlib.h>
#include <string.h>

#define MAX_YEARS 64

typedef struct {
	int64_t rid;
	char *name, *id;
	int64_t total, n;
	int64_t by_year[MAX_YEARS];
} company;

static int cmp_total(const void *a, const void *b)
{
	const company *x = a, *y = b;
	return x->total < y->total ? 1 : x->total > y->total ? -1 : (x->rid > y->rid) - (x->rid < y->rid);
}

static void free_companies(company *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(c[i].name);
		free(c[i].id);
	}
	free(c);
}

/* The rows of the query below, from the precomputed sums (same members). */
static const char q_top_sums[] =
	"WITH ag(rid) AS (SELECT rid FROM temp.members"
	"   UNION SELECT l.src FROM temp.members m CROSS JOIN link l"
	"   ON l.dst = m.rid AND l.kind = 'part_of')"
	" SELECT p.co AS c, p.fy, sum(p.amount), sum(p.n) FROM who_agg_co p"
	" WHERE (p.subagency IN (SELECT rid FROM ag) OR p.agency IN (SELECT rid FROM ag))"
	"   AND (?1 = 0 OR p.fy >= ?1) AND (?2 = 0 OR p.fy <= ?2)"
	" GROUP BY c, p.fy ORDER BY c";

int bh_query_top(bh_store *s, int64_t agency, int from_fy, int to_fy, int limit, int json, FILE *out)
{
	sqlite3_stmt *q = NULL;
	company *cs = NULL;
	size_t n = 0, cap = 0;
	int64_t grand = 0, year_total[MAX_YEARS] = {0};
	int rc, ymin = 9999, ymax = 0;
	char agency_name[512] = "", agency_id[256] = "", m1[48], m2[48], years[32], fig[1024];

	const char *route = getenv("BEHIND_WHO_ROUTE");
	int fast = 0;
	bh_query_timing("start");
	if ((!route || strcmp(route, "rows") != 0) && (rc = bh_query_precomputed(&fast, s)) < 0)
		return rc;
	if ((rc = bh_query_members(s, agency)) < 0)
		return rc;
	rc = bh_store_prepare(&q, s, "SELECT name, id FROM entity WHERE rid = ?");
	if (rc < 0)
		return rc;
	sqlite3_bind_int64(q, 1, agency);
	if (sqlite3_step(q) == SQLITE_ROW) {
		snprintf(agency_name, sizeof agency_name, "%s", bh_col_text(q, 0));
		snprintf(agency_id, sizeof agency_id, "%s", bh_col_text(q, 1));
	}
	sqlite3_finalize(q);
	q = NULL;

	/* The agency or any sub-agency/office of it (members of its cluster,
	 * and sub-agencies part_of it). Date bounds use the indexable date. */
	rc = bh_store_prepare(
		&q, s,
		"WITH ag(rid) AS (SELECT rid FROM temp.members"
		"   UNION SELECT l.src FROM temp.members m CROSS JOIN link l"
		"   ON l.dst = m.rid AND l.kind = 'part_of'),"
		" o AS (SELECT coalesce(parent, recipient) AS co, fiscal_year AS fy, amount"
		"   FROM obligation"
		"   WHERE (subagency IN (SELECT rid FROM ag) OR agency IN (SELECT rid FROM ag))"
		"     AND (?1 = 0 OR date >= printf('%04d-10-01', ?1 - 1))"
		"     AND (?2 = 0 OR date < printf('%04d-10-01', ?2))"
		"     AND amount IS NOT NULL)"
		" SELECT " BH_CANON("o.co") " AS c, fy, sum(amount), count(*)"
		" FROM o GROUP BY c, fy ORDER BY c");
	if (rc < 0)
		goto done;
	if (fast) {
		sqlite3_finalize(q);
		q = NULL;
		if ((rc = bh_store_prepare(&q, s, q_top_sums)) < 0)
			goto done;
	}
	sqlite3_bind_int(q, 1, from_fy);
	sqlite3_bind_int(q, 2, to_fy);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		int64_t co = sqlite3_column_int64(q, 0);
		int fy = sqlite3_column_int(q, 1);
		int64_t amt = sqlite3_column_int64(q, 2), cnt = sqlite3_column_int64(q, 3);
		if (!n || cs[n - 1].rid != co) {
			if (n == cap) {
				size_t nc = cap ? cap * 2 : 256;
				company *nx = realloc(cs, nc * sizeof *nx);
				if (!nx) {
					rc = bh_error_set(BH_ENOMEM, "out of memory");
					goto done;
				}
				cs = nx;
				cap = nc;
			}
			memset(&cs[n], 0, sizeof cs[n]);
			cs[n++].rid = co;
		}
		company *c = &cs[n - 1];
		c->total += amt;
		c->n += cnt;
		grand += amt;
		if (fy >= 2000 && fy < 2000 + MAX_YEARS) {
			c->by_year[fy - 2000] += amt;
			year_total[fy - 2000] += amt;
			if (fy < ymin)
				ymin = fy;
			if (fy > ymax)
				ymax = fy;
		}
	}
	if (rc != SQLITE_DONE) {
		rc = bh_store_fail(s, "top");
		goto done;
	}
	bh_query_timing(fast ? "top: sums of the agency (precomputed)" : "top: rows of the agency");
	sqlite3_finalize(q);
	q = NULL;
	if (n) /* cs is NULL when the agency has no awards */
		qsort(cs, n, sizeof *cs, cmp_total);
	size_t shown = limit > 0 && (size_t)limit < n ? (size_t)limit : n;
	if ((rc = bh_store_prepare(&q, s, "SELECT name, id FROM entity WHERE rid = ?")) < 0)
		goto done;
	for (size_t i = 0; i < shown; i++) {
		sqlite3_bind_int64(q, 1, cs[i].rid);
		if (sqlite3_step(q) == SQLITE_ROW) {
			cs[i].name = strdup(bh_col_text(q, 0));
			cs[i].id = strdup(bh_col_text(q, 1));
		}
		sqlite3_reset(q);
	}
	if (json) {
		fprintf(out, "{\"agency\":{\"id\":");
		bh_json_str(out, agency_id);
		fprintf(out, ",\"name\":");
		bh_json_str(out, agency_name);
		fprintf(out, "},\"from_fy\":%d,\"to_fy\":%d,\"total\":", from_fy, to_fy);
		bh_json_money(out, grand);
		/* figure ids (docs/cite.md): `behind cite` lists each number's records */
		bh_figure_years(years, sizeof years, from_fy, to_fy);
		snprintf(fig, sizeof fig, "total:%s:%s", agency_id, years);
		fputs(",\"figure\":", out);
		bh_json_str(out, fig);
		fprintf(out, ",\"recipients_count\":%zu,\"rule\":\"transactions count "
			     "federal_action_obligation; award summaries count total_obligated_amount "
			     "only for awards without transactions; rolled up to the parent named on "
			     "each record, then to resolved clusters\",\"by_year\":{", n);
		int first = 1;
		for (int y = ymin; y <= ymax; y++) {
			fprintf(out, "%s\"%d\":", first ? "" : ",", y);
			bh_json_money(out, year_total[y - 2000]);
			first = 0;
		}
		fprintf(out, "},\"by_year_figures\":{");
		for (int y = ymin; y <= ymax; y++) {
			snprintf(fig, sizeof fig, "total:%s:%d-%d", agency_id, y, y);
			fprintf(out, "%s\"%d\":", y == ymin ? "" : ",", y);
			bh_json_str(out, fig);
		}
		fprintf(out, "},\"recipients\":[");
		for (size_t i = 0; i < shown; i++) {
			fprintf(out, "%s\n{\"rank\":%zu,\"id\":", i ? "," : "", i + 1);
			bh_json_str(out, cs[i].id);
			fprintf(out, ",\"name\":");
			bh_json_str(out, cs[i].name);
			fprintf(out, ",\"total\":");
			bh_json_money(out, cs[i].total);
			fprintf(out, ",\"share\":%.4f,\"records\":%lld,\"figure\":",
				grand ? (double)cs[i].total / (double)grand : 0.0, (long long)cs[i].n);
			snprintf(fig, sizeof fig, "top:%s:%s:%s", agency_id, years, cs[i].id ? cs[i].id : "");
			bh_json_str(out, fig);
			for (int pass = 0; pass < 2; pass++) {
				fputs(pass ? ",\"by_year_figures\":{" : ",\"by_year\":{", out);
				first = 1;
				for (int y = ymin; y <= ymax; y++) {
					if (!cs[i].by_year[y - 2000])
						continue;
					fprintf(out, "%s\"%d\":", first ? "" : ",", y);
					if (pass) {
						snprintf(fig, sizeof fig, "top:%s:%d-%d:%s", agency_id, y, y,
							 cs[i].id ? cs[i].id : "");
						bh_json_str(out, fig);
					} else {
						bh_json_money(out, cs[i].by_year[y - 2000]);
					}
					first = 0;
				}
				fputc('}', out);
			}
			fputc('}', out);
		}
		fprintf(out, "\n]}\n");
	} else {
		fprintf(out, "%s (%s): %s obligated to %zu recipients", agency_name, agency_id,
			bh_fmt_money(m1, sizeof m1, grand), n);
		if (from_fy || to_fy)
			fprintf(out, ", FY%d-FY%d", from_fy ? from_fy : ymin, to_fy ? to_fy : ymax);
		fprintf(out, "\n(rolled up to parent companies; transactions count their obligation, "
			     "award summaries only when no transaction covers the award)\n\n");
		if (ymax >= ymin) {
			fprintf(out, "By fiscal year:");
			for (int y = ymin; y <= ymax; y++)
				fprintf(out, "  FY%d %s", y, bh_fmt_money(m1, sizeof m1, year_total[y - 2000]));
			fprintf(out, "\n\n");
		}
		fprintf(out, "%4s  %-44s %18s %6s\n", "rank", "recipient (rolled up)", "obligated", "share");
		for (size_t i = 0; i < shown; i++) {
			fprintf(out, "%4zu  %-44.44s %18s %5.1f%%\n", i + 1, cs[i].name ? cs[i].name : "?",
				bh_fmt_money(m1, sizeof m1, cs[i].total),
				grand ? 100.0 * (double)cs[i].total / (double)grand : 0.0);
			fprintf(out, "      %s", cs[i].id ? cs[i].id : "");
			for (int y = ymin; y <= ymax; y++)
				if (cs[i].by_year[y - 2000])
					fprintf(out, "  FY%d %s", y,
						bh_fmt_money(m2, sizeof m2, cs[i].by_year[y - 2000]));
			fputc('\n', out);
		}
	}
	rc = 0;
done:
	sqlite3_finalize(q);
	free_companies(cs, n);
	return rc;
}
