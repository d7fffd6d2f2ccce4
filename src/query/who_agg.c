/* The obligations `who` sums, precomputed per agency, sub-agency, fiscal
 * year and rolled-up company by `behind resolve` (precompute.c), and the
 * temp tables `who` fills from them for one agency and range of years.
 *
 * `who` on a big agency otherwise materializes every row of it (temp.who_ob,
 * 1M rows on the 10M-row benchmark store) and groups them once per section.
 * Each table here is the GROUP BY of one section over those rows, one level
 * finer (agency, sub-agency, fiscal year), so that filtering on the agency's
 * members and the years and summing again gives the same numbers: sums and
 * counts add up, min and max of mins and maxes are the min and max. Rows
 * count as in temp.who_ob: the view `obligation` with an amount, the
 * company `co` rolled up to the parent named on the record, then to its
 * cluster. who_agg_names keeps the candidate names of hidden vendors (a scan
 * of every contract record's parties otherwise). */
#include "query/queryInt.h"

#include "util/err.h"
#include "util/map.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char bh_who_agg_sql[] =
	"DROP TABLE IF EXISTS temp.pc_ob;"
	"CREATE TEMP TABLE pc_ob AS SELECT o.agency, o.subagency, o.fiscal_year AS fy,"
	" o.award_key, o.recipient, o.parent, o.amount, o.description, o.source_id, o.line,"
	" o.psc, o.psc_desc, o.naics, o.naics_desc,"
	" " BH_CANON("coalesce(o.parent, o.recipient)") " AS co"
	" FROM obligation o WHERE o.amount IS NOT NULL;"
	"DROP TABLE IF EXISTS who_agg_year; DROP TABLE IF EXISTS who_agg_co;"
	"DROP TABLE IF EXISTS who_agg_psc; DROP TABLE IF EXISTS who_agg_naics;"
	"DROP TABLE IF EXISTS who_agg_award; DROP TABLE IF EXISTS who_agg_mem;"
	"CREATE TABLE who_agg_co AS SELECT agency, subagency, fy, co, sum(amount) AS amount,"
	" count(*) AS n FROM temp.pc_ob GROUP BY agency, subagency, fy, co;"
	/* the same sums one level up: from who_agg_co's groups (every row of
	 * pc_ob is in one, a NULL company too) instead of sorting pc_ob again */
	"CREATE TABLE who_agg_year AS SELECT agency, subagency, fy, sum(amount) AS amount,"
	" sum(n) AS n FROM who_agg_co GROUP BY agency, subagency, fy;"
	"CREATE TABLE who_agg_psc AS SELECT agency, subagency, fy, psc, max(psc_desc) AS descr,"
	" sum(amount) AS amount, count(*) AS n FROM temp.pc_ob WHERE psc IS NOT NULL"
	" GROUP BY agency, subagency, fy, psc;"
	"CREATE TABLE who_agg_naics AS SELECT agency, subagency, fy, naics, max(naics_desc) AS descr,"
	" sum(amount) AS amount, count(*) AS n FROM temp.pc_ob WHERE naics IS NOT NULL"
	" GROUP BY agency, subagency, fy, naics;"
	/* the largest awards of a few companies: read through (co) */
	"CREATE TABLE who_agg_award AS SELECT co, award_key, agency, subagency, fy,"
	" sum(amount) AS amount, min(source_id) AS src, min(line) AS ln,"
	" max(description) AS d, max(recipient) AS who"
	" FROM temp.pc_ob GROUP BY co, award_key, agency, subagency, fy;"
	"CREATE INDEX who_agg_award_co ON who_agg_award(co, award_key);"
	/* a company's awards per cell and year, largest first: who's
	 * threshold walk (bh_who_agg_awards_settle) */
	"CREATE INDEX who_agg_award_fy ON who_agg_award(co, agency, subagency, fy, amount);"
	/* the entities a company stands for: its recipients and parents */
	"CREATE TABLE who_agg_mem AS SELECT agency, subagency, fy, co, recipient AS member"
	" FROM temp.pc_ob UNION SELECT agency, subagency, fy, co, parent FROM temp.pc_ob"
	" WHERE parent IS NOT NULL;"
	"CREATE INDEX who_agg_mem_co ON who_agg_mem(co);"
	/* the hidden vendors' candidate names, in the order who reads them */
	"DROP TABLE IF EXISTS who_agg_names;"
	"CREATE TABLE who_agg_names AS " BH_HIDDEN_NAMES ";"
	"DROP TABLE temp.pc_ob;";

/* The rows of a who_agg_* table (alias p) that belong to the agency of
 * temp.who_ag in the years of temp.who_rng. */
#define AGG_IN(p)                                                                                  \
	"(" p ".subagency IN (SELECT rid FROM temp.who_ag) OR " p ".agency IN"                    \
	" (SELECT rid FROM temp.who_ag)) AND (SELECT fy1 = 0 OR " p ".fy >= fy1 FROM temp.who_rng)"   \
	" AND (SELECT fy2 = 0 OR " p ".fy <= fy2 FROM temp.who_rng)"

/* who_agg_topaw: the largest awards of each company in each cell of the
 * store (agency, sub-agency) over all years (fy 0), and in each cell and
 * fiscal year, ranked by amount: the first N of each list, then the next
 * one marked `outside`, the largest award left out, which bounds every
 * award the list does not hold. `who` shows 3 awards per company; it reads
 * the lists of its cells, sums the listed awards exactly (who_agg_award),
 * and keeps them when the third is above the sum of the bounds (no award
 * outside the lists can reach it), else reads the company's awards. A
 * company with hundreds of thousands of awards (a resolved cluster of the
 * 10M-row store: 937k) is then read as a few rows. */
#define TOP_AWARDS 5

int bh_who_agg_top_awards_n(void)
{
	/* tests: a small N makes the bounds fail on small fixtures */
	const char *env = getenv("BEHIND_WHO_TOP_AWARDS");
	int n = env ? atoi(env) : TOP_AWARDS;
	return n < 1 ? 1 : n > 1000 ? 1000 : n;
}

int bh_who_agg_top_awards(bh_store *s)
{
	char sql[1400];
	int n = bh_who_agg_top_awards_n();
	snprintf(sql, sizeof sql,
		 "DROP TABLE IF EXISTS who_agg_topaw;"
		 "CREATE TABLE who_agg_topaw AS SELECT co, agency, subagency, fy, award_key, amount,"
		 " rk > %d AS outside FROM ("
		 "  SELECT co, agency, subagency, 0 AS fy, award_key, sum(amount) AS amount,"
		 "   row_number() OVER (PARTITION BY co, agency, subagency ORDER BY sum(amount) DESC)"
		 "   AS rk FROM who_agg_award GROUP BY co, agency, subagency, award_key"
		 "  UNION ALL"
		 "  SELECT co, agency, subagency, fy, award_key, amount,"
		 "   row_number() OVER (PARTITION BY co, agency, subagency, fy ORDER BY amount DESC)"
		 "   FROM who_agg_award WHERE fy IS NOT NULL)"
		 " WHERE rk <= %d;"
		 "CREATE INDEX who_agg_topaw_co ON who_agg_topaw(co, fy);",
		 n, n + 1);
	return bh_store_exec(s, sql);
}

/* The lists of who_agg_topaw (alias p) that cover the agency's rows in the
 * years asked for: its cells' lists of all years when no year is given,
 * else their lists of each year in the range. */
#define TOPAW_IN(p)                                                                                \
	"(" p ".subagency IN (SELECT rid FROM temp.who_ag) OR " p ".agency IN"                    \
	" (SELECT rid FROM temp.who_ag)) AND (SELECT CASE WHEN fy1 = 0 AND fy2 = 0 THEN " p ".fy = 0" \
	" ELSE " p ".fy <> 0 AND (fy1 = 0 OR " p ".fy >= fy1) AND (fy2 = 0 OR " p ".fy <= fy2) END"  \
	" FROM temp.who_rng)"

/* the companies `who` lists awards for (its top 10) */
#define WHO_AW_COS "(SELECT co FROM temp.who_co ORDER BY amount DESC LIMIT 10)"

/* the awards (p) where `cond` holds, summed over the agency's rows in the
 * years asked for */
#define WHO_AW_SUMS_FROM(from, cond)                                                               \
	" SELECT p.co, p.award_key, sum(p.amount) AS amt, max(p.d) AS d, min(p.src) AS src,"      \
	" min(p.ln) AS ln, max(p.who) AS who FROM " from " WHERE " cond " AND "                   \
	AGG_IN("p") " GROUP BY p.co, p.award_key"
#define WHO_AW_SUMS(cond) WHO_AW_SUMS_FROM("who_agg_award p", cond)

const char bh_who_agg_prepare[] =
	"DROP TABLE IF EXISTS temp.who_fy; DROP TABLE IF EXISTS temp.who_co;"
	"DROP TABLE IF EXISTS temp.who_psc; DROP TABLE IF EXISTS temp.who_naics;"
	"DROP TABLE IF EXISTS temp.who_aw; DROP TABLE IF EXISTS temp.who_awb;"
	"CREATE TEMP TABLE who_fy AS SELECT p.fy AS fiscal_year, sum(p.amount) AS amount,"
	" sum(p.n) AS n FROM who_agg_year p WHERE " AGG_IN("p") " GROUP BY p.fy;"
	"CREATE TEMP TABLE who_co AS SELECT p.co, sum(p.amount) AS amount, min(p.fy) AS f,"
	" max(p.fy) AS l, sum(p.n) AS n FROM who_agg_co p WHERE " AGG_IN("p") " GROUP BY p.co;"
	"CREATE TEMP TABLE who_psc AS SELECT p.psc AS code, max(p.descr) AS descr,"
	" sum(p.amount) AS amount, sum(p.n) AS n FROM who_agg_psc p WHERE " AGG_IN("p")
	" GROUP BY p.psc;"
	"CREATE TEMP TABLE who_naics AS SELECT p.naics AS code, max(p.descr) AS descr,"
	" sum(p.amount) AS amount, sum(p.n) AS n FROM who_agg_naics p WHERE " AGG_IN("p")
	" GROUP BY p.naics;";

/* the largest awards of the companies `who` lists awards for: the awards
 * of their lists, summed exactly */
/* (a join on the lists' distinct keys, not "(co, award_key) IN": with the
 * IN form SQLite 3.40 searched who_agg_award_fy by co alone, every award
 * of the company: 2.5 s for the 10M store's largest) */
#define WHO_AW_LISTED                                                                              \
	WHO_AW_SUMS_FROM("(SELECT DISTINCT t.co, t.award_key FROM who_agg_topaw t WHERE t.co IN "   \
			 WHO_AW_COS " AND " TOPAW_IN("t") ") k, who_agg_award p",                    \
			 "p.co = k.co AND p.award_key = k.award_key")
const char bh_who_agg_listed[] = WHO_AW_LISTED;
const char bh_who_agg_awards[] =
	"CREATE TEMP TABLE who_aw AS" WHO_AW_LISTED ";"
	/* what an award outside the lists can reach: a company whose third
	 * listed award does not exceed it is read whole */
	"CREATE TEMP TABLE who_awb AS SELECT b.co FROM (SELECT p.co, sum(max(p.amount, 0)) AS lim"
	"  FROM who_agg_topaw p WHERE p.co IN " WHO_AW_COS " AND p.outside AND " TOPAW_IN("p")
	"  GROUP BY p.co) b"
	" WHERE (SELECT count(*) FROM temp.who_aw a WHERE a.co = b.co AND a.amt > b.lim) < "
	BH_WHO_AWARDS ";"
	"DELETE FROM temp.who_aw WHERE co IN (SELECT co FROM temp.who_awb);";

/* the awards of the companies of temp.who_awb, every one of them */
static const char q_awards_whole[] =
	"INSERT INTO temp.who_aw" WHO_AW_SUMS("p.co IN (SELECT co FROM temp.who_awb)") ";";

/* the same from every award of those companies: tables built before
 * who_agg_topaw (a store precomputed by an older version, until its next
 * resolve) */
const char bh_who_agg_awards_all[] =
	"CREATE TEMP TABLE who_aw AS" WHO_AW_SUMS("p.co IN " WHO_AW_COS) ";"
	"CREATE TEMP TABLE who_awb AS SELECT co FROM temp.who_aw GROUP BY co;";

const char bh_who_agg_members[] =
	"INSERT OR IGNORE INTO who_mem SELECT p.co, p.member FROM who_agg_mem p"
	" WHERE p.co IN (SELECT co FROM who_top) AND " AGG_IN("p") ";";

/* ---- the companies the lists do not settle -------------------------- */

/* A company of temp.who_awb (its third listed award does not beat what an
 * award outside the lists could reach: with a range of years, the bounds
 * of every year add up) gets its largest awards by a threshold walk
 * (Fagin's): one list per cell and fiscal year of the agency in the range,
 * each the company's awards largest first (the index who_agg_award_fy);
 * the walk advances the list whose last amount is largest and sums each
 * new award exactly over the agency and years (WHO_AW_SUMS into
 * temp.who_aw). An award not met yet has in each list at most that list's
 * last amount (0 once the list is done or if it is not there), so at most
 * T = sum of max(last, 0): the walk stops when three awards met are above
 * T. Every award above T is then in temp.who_aw, so its three largest are
 * the company's. The 10M-row store's largest cluster (937k awards) is
 * settled by reading a few thousand index entries instead. */

/* the cells and years of the agency in the range: the walk's lists */
static const char q_walk_lists[] =
	"SELECT p.agency, p.subagency, p.fy FROM who_agg_year p WHERE " AGG_IN("p");
static const char q_walk_list[] =
	"SELECT award_key, amount FROM who_agg_award WHERE co = ?1 AND agency IS ?2"
	" AND subagency IS ?3 AND fy IS ?4 ORDER BY amount DESC";
static const char q_walk_sum[] = WHO_AW_SUMS("p.co = ?1 AND p.award_key = ?2");
static const char q_walk_insert[] = "INSERT INTO temp.who_awk VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)";
/* the awards met go to temp.who_aw in (company, award) order, as the rows
 * route's GROUP BY gives them: equal amounts then rank the same way */
static const char q_walk_begin[] = "DROP TABLE IF EXISTS temp.who_awk;"
				   "CREATE TEMP TABLE who_awk AS SELECT * FROM temp.who_aw WHERE 0;";
static const char q_walk_end[] = "INSERT INTO temp.who_aw SELECT * FROM temp.who_awk"
				 " ORDER BY co, award_key;";

typedef struct {
	sqlite3_stmt *q;
	int64_t last; /* amount of the row last read */
	int done;
} walk_list;

/* One company: reads its lists until three awards are above the bound;
 * adds the awards it summed to *nread. */
static int walk_company(bh_store *s, int64_t co, walk_list *l, int nl, sqlite3_stmt *sum,
			sqlite3_stmt *ins, int64_t *nread)
{
	bh_map seen = {0};
	int64_t best[3];
	int nbest = 0, rc = 0;
	for (int i = 0; i < nl; i++) {
		sqlite3_reset(l[i].q);
		sqlite3_bind_int64(l[i].q, 1, co);
		l[i].done = 0;
		l[i].last = INT64_MAX;
	}
	for (;;) {
		/* the bound, and the list to advance: the largest last amount */
		int64_t t = 0;
		int next = -1;
		for (int i = 0; i < nl; i++) {
			if (l[i].done)
				continue;
			if (l[i].last > 0)
				t = l[i].last == INT64_MAX || t > INT64_MAX - l[i].last ? INT64_MAX
											 : t + l[i].last;
			if (next < 0 || l[i].last > l[next].last)
				next = i;
		}
		if (next < 0 || (nbest == 3 && best[2] > t))
			break;
		int step = sqlite3_step(l[next].q);
		if (step == SQLITE_DONE) {
			l[next].done = 1;
			continue;
		}
		if (step != SQLITE_ROW) {
			rc = bh_store_fail(s, "who: reading a company's awards");
			goto done;
		}
		l[next].last = sqlite3_column_int64(l[next].q, 1);
		/* award_key is NOT NULL (the award and txn tables) */
		const void *key = sqlite3_column_blob(l[next].q, 0);
		int64_t *v;
		if ((rc = bh_map_put(&v, NULL, &seen, key ? key : "",
				     (size_t)sqlite3_column_bytes(l[next].q, 0))) < 0)
			goto done;
		if (rc == 0)
			continue; /* summed when first met */
		rc = 0;
		sqlite3_reset(sum);
		sqlite3_bind_int64(sum, 1, co);
		sqlite3_bind_value(sum, 2, sqlite3_column_value(l[next].q, 0));
		if (sqlite3_step(sum) != SQLITE_ROW) {
			rc = bh_store_fail(s, "who: summing an award");
			goto done;
		}
		sqlite3_reset(ins);
		for (int c = 0; c < 7; c++)
			sqlite3_bind_value(ins, c + 1, sqlite3_column_value(sum, c));
		if (sqlite3_step(ins) != SQLITE_DONE) {
			rc = bh_store_fail(s, "who: keeping an award");
			goto done;
		}
		(*nread)++;
		/* the three largest totals met, largest first */
		int64_t amt = sqlite3_column_int64(sum, 2);
		if (nbest < 3)
			best[nbest++] = amt;
		else if (amt > best[2])
			best[2] = amt;
		for (int k = nbest - 1; k > 0 && best[k - 1] < best[k]; k--) {
			int64_t x = best[k];
			best[k] = best[k - 1];
			best[k - 1] = x;
		}
	}
done:
	for (int i = 0; i < nl; i++)
		sqlite3_reset(l[i].q);
	bh_map_free(&seen);
	return rc;
}

int bh_who_agg_awards_settle(int64_t *ncos, int64_t *nread, bh_store *s)
{
	sqlite3_stmt *cos = NULL, *lists = NULL, *sum = NULL, *ins = NULL;
	walk_list *l = NULL;
	int nl = 0, cap = 0, rc, indexed;
	*ncos = *nread = 0;
	/* tables built before the index (layout 3) read the companies whole */
	if ((rc = bh_store_prepare(&cos, s, "SELECT count(*) FROM sqlite_master"
					    " WHERE type = 'index' AND name = 'who_agg_award_fy'")) < 0)
		return rc;
	indexed = sqlite3_step(cos) == SQLITE_ROW && sqlite3_column_int(cos, 0);
	sqlite3_finalize(cos);
	cos = NULL;
	if (!indexed || getenv("BEHIND_WHO_AWARDS_WHOLE")) {
		*nread = -1;
		return bh_store_exec(s, q_awards_whole);
	}
	if ((rc = bh_store_prepare(&lists, s, q_walk_lists)) < 0)
		goto done;
	while ((rc = sqlite3_step(lists)) == SQLITE_ROW) {
		if (nl == cap) {
			walk_list *m = realloc(l, (size_t)(cap = cap ? 2 * cap : 16) * sizeof *l);
			if (!m) {
				rc = bh_error_set(BH_ENOMEM, "who: out of memory");
				goto done;
			}
			l = m;
		}
		memset(&l[nl], 0, sizeof l[nl]);
		if ((rc = bh_store_prepare(&l[nl].q, s, q_walk_list)) < 0)
			goto done;
		for (int c = 0; c < 3; c++)
			sqlite3_bind_value(l[nl].q, c + 2, sqlite3_column_value(lists, c));
		nl++;
	}
	if (rc != SQLITE_DONE) {
		rc = bh_store_fail(s, "who: reading the agency's cells");
		goto done;
	}
	if ((rc = bh_store_exec(s, q_walk_begin)) < 0 ||
	    (rc = bh_store_prepare(&cos, s, "SELECT co FROM temp.who_awb")) < 0 ||
	    (rc = bh_store_prepare(&sum, s, q_walk_sum)) < 0 ||
	    (rc = bh_store_prepare(&ins, s, q_walk_insert)) < 0)
		goto done;
	while ((rc = sqlite3_step(cos)) == SQLITE_ROW) {
		if ((rc = walk_company(s, sqlite3_column_int64(cos, 0), l, nl, sum, ins, nread)) < 0)
			goto done;
		(*ncos)++;
	}
	if (rc != SQLITE_DONE) {
		rc = bh_store_fail(s, "who: reading the unsettled companies");
		goto done;
	}
	rc = bh_store_exec(s, q_walk_end);
done:
	for (int i = 0; i < nl; i++)
		sqlite3_finalize(l[i].q);
	free(l);
	sqlite3_finalize(cos);
	sqlite3_finalize(lists);
	sqlite3_finalize(sum);
	sqlite3_finalize(ins);
	return rc;
}
