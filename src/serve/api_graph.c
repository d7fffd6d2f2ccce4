/* GET /api/graph: the neighbourhood of one entity for the network view.
 * Every link (awarded, subcontracted, parent_of, part_of, ...) that has a
 * member of the entity's cluster at either end, the far end mapped to its
 * own cluster's canonical entity, summed per (kind, direction, neighbour)
 * and ranked by money, then by record count. Bounded by `limit`; the
 * answer says when more neighbours exist. All parameters are bound. */
#include "query/query.h"
#include "serve/serveInt.h"
#include "util/err.h"
#include "util/json.h"

#include <stdio.h>
#include <string.h>

static const char GRAPH_SQL[] =
	"WITH members(rid) AS (SELECT entity FROM cluster WHERE canon = ?1 UNION SELECT ?1),"
	" edges AS ("
	"  SELECT kind, dst AS other, 1 AS outward, amount, n, first_date, last_date"
	"   FROM link WHERE src IN members"
	"  UNION ALL"
	"  SELECT kind, src, 0, amount, n, first_date, last_date FROM link WHERE dst IN members),"
	" agg AS ("
	"  SELECT e.kind, e.outward, coalesce(c.canon, e.other) AS nb, sum(e.amount) AS amount,"
	"   sum(e.n) AS n, min(e.first_date) AS first_date, max(e.last_date) AS last_date"
	"  FROM edges e LEFT JOIN cluster c ON c.entity = e.other"
	"  WHERE (?2 IS NULL OR instr(',' || ?2 || ',', ',' || e.kind || ',') > 0)"
	"   AND (?3 IS NULL OR e.last_date IS NULL OR e.last_date >= ?3)"
	"   AND (?4 IS NULL OR e.first_date IS NULL OR e.first_date <= ?4)"
	"  GROUP BY 1, 2, 3)"
	" SELECT a.kind, a.outward, x.id, x.kind, x.name, a.amount, a.n, a.first_date, a.last_date"
	" FROM agg a JOIN entity x ON x.rid = a.nb WHERE a.nb <> ?1"
	" ORDER BY abs(coalesce(a.amount, 0)) DESC, a.n DESC, x.id LIMIT ?5";

/* The kinds of link around the cluster, whatever the filter, so that the
 * view can offer them. */
static const char KINDS_SQL[] =
	"WITH members(rid) AS (SELECT entity FROM cluster WHERE canon = ?1 UNION SELECT ?1)"
	" SELECT kind FROM link WHERE src IN members UNION"
	" SELECT kind FROM link WHERE dst IN members ORDER BY 1";

static const char NODE_SQL[] = "SELECT id, kind, name FROM entity WHERE rid = ?1";

static void node(FILE *f, sqlite3_stmt *st, int col)
{
	fputs("{\"id\":", f);
	bh_json_str(f, (const char *)sqlite3_column_text(st, col));
	fputs(",\"kind\":", f);
	bh_json_str(f, (const char *)sqlite3_column_text(st, col + 1));
	fputs(",\"name\":", f);
	bh_json_str(f, (const char *)sqlite3_column_text(st, col + 2));
	fputs("}", f);
}

/* Kinds filter: letters, digits, '_' and ','; anything else is refused. */
static int kinds_ok(const char *k)
{
	for (; *k; k++)
		if (!((*k >= 'a' && *k <= 'z') || (*k >= '0' && *k <= '9') || *k == '_' || *k == ','))
			return 0;
	return 1;
}

int bh_api_graph(bh_req *r)
{
	sqlite3_stmt *st = NULL;
	const char *id, *kinds = bh_req_arg(r, "kinds");
	int from, to, limit, rc, n = 0, step;
	int64_t rid;
	char dfrom[24], dto[24];
	FILE *f = r->out;

	if ((rc = bh_req_text(r, &id, "id")) < 0 || (rc = bh_req_int(r, &from, "from", 0, 1900, 2200)) < 0 ||
	    (rc = bh_req_int(r, &to, "to", 0, 1900, 2200)) < 0 ||
	    (rc = bh_req_int(r, &limit, "limit", 40, 1, BH_SERVE_MAX_ROWS)) < 0)
		return rc;
	if (kinds && *kinds && !kinds_ok(kinds))
		return bh_req_fail(r, 400, "kinds is a comma-separated list of link kinds");
	if ((rc = bh_query_find(&rid, r->store, id, NULL)) < 0)
		return rc;
	/* Fiscal year N runs from October 1 of N-1 to September 30 of N. */
	snprintf(dfrom, sizeof dfrom, "%04d-10-01", from - 1);
	snprintf(dto, sizeof dto, "%04d-09-30", to);

	if ((rc = bh_store_prepare(&st, r->store, NODE_SQL)) < 0)
		goto done;
	sqlite3_bind_int64(st, 1, rid);
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = bh_error_set(BH_ENOTFOUND, "entity %lld is gone", (long long)rid);
		goto done;
	}
	fputs("{\"center\":", f);
	node(f, st, 0);
	sqlite3_finalize(st);
	st = NULL;

	fputs(",\"kinds\":[", f);
	if ((rc = bh_store_prepare(&st, r->store, KINDS_SQL)) < 0)
		goto done;
	sqlite3_bind_int64(st, 1, rid);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		fputs(n++ ? "," : "", f);
		bh_json_str(f, (const char *)sqlite3_column_text(st, 0));
	}
	if (step != SQLITE_DONE) {
		rc = bh_store_fail(r->store, "graph kinds");
		goto done;
	}
	sqlite3_finalize(st);
	st = NULL;

	fputs("],\"neighbours\":[", f);
	if ((rc = bh_store_prepare(&st, r->store, GRAPH_SQL)) < 0)
		goto done;
	sqlite3_bind_int64(st, 1, rid);
	if (kinds && *kinds)
		sqlite3_bind_text(st, 2, kinds, -1, SQLITE_TRANSIENT);
	if (from)
		sqlite3_bind_text(st, 3, dfrom, -1, SQLITE_TRANSIENT);
	if (to)
		sqlite3_bind_text(st, 4, dto, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 5, limit + 1);
	n = 0;
	while ((step = sqlite3_step(st)) == SQLITE_ROW && n < limit) {
		fputs(n++ ? ",\n" : "\n", f);
		fputs("{\"link\":", f);
		bh_json_str(f, (const char *)sqlite3_column_text(st, 0));
		fprintf(f, ",\"direction\":\"%s\",\"node\":", sqlite3_column_int(st, 1) ? "out" : "in");
		node(f, st, 2);
		fputs(",\"amount\":", f);
		if (sqlite3_column_type(st, 5) == SQLITE_NULL)
			fputs("null", f);
		else
			bh_json_money(f, sqlite3_column_int64(st, 5));
		fprintf(f, ",\"records\":%lld,\"first_date\":", (long long)sqlite3_column_int64(st, 6));
		bh_json_str(f, (const char *)sqlite3_column_text(st, 7));
		fputs(",\"last_date\":", f);
		bh_json_str(f, (const char *)sqlite3_column_text(st, 8));
		fputs("}", f);
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE) {
		rc = bh_store_fail(r->store, "graph");
		goto done;
	}
	fprintf(f, "],\"truncated\":%s}\n", step == SQLITE_ROW ? "true" : "false");
	rc = 0;
done:
	sqlite3_finalize(st);
	return rc;
}
