/* `behind show`: one entity (with every member of its cluster): names and
 * identifiers with how many records say them, parents and children, money
 * by agency and fiscal year, largest awards with the file and line they
 * come from and their usaspending.gov page, subcontracts. */
#include "query/influence.h"
#include "query/queryInt.h"

#include <stdlib.h>
#include <string.h>

/* Sections, each a SQL over temp.members (the cluster of the entity). */

static const bh_col c_names[] = {{"value", 't'}, {"records", 'i', " (", " records)"}, {NULL}};
static const char q_names[] =
	"SELECT value, sum(n) FROM statement WHERE entity IN (SELECT rid FROM temp.members)"
	" AND prop IN ('name', 'alias') GROUP BY value ORDER BY sum(n) DESC LIMIT 20";

static const bh_col c_ids[] = {{"kind", 't'}, {"value", 't', ": "}, {"records", 'i', " (", " records)"}, {NULL}};
static const char q_ids[] =
	"SELECT prop, value, sum(n) FROM statement WHERE entity IN (SELECT rid FROM temp.members)"
	" AND prop NOT IN ('name', 'alias', 'address', 'city', 'state', 'zip', 'country')"
	" GROUP BY prop, value ORDER BY prop, sum(n) DESC LIMIT 50";

static const bh_col c_places[] = {{"city", 't'}, {"state", 't', ", "}, {"records", 'i', " (", " records)"}, {NULL}};
static const char q_places[] =
	"SELECT c.value, coalesce((SELECT s2.value FROM statement s2 WHERE s2.entity = c.entity"
	"   AND s2.prop = 'state' AND s2.source_id = c.source_id LIMIT 1), ''), sum(c.n)"
	" FROM statement c WHERE c.entity IN (SELECT rid FROM temp.members) AND c.prop = 'city'"
	" GROUP BY 1, 2 ORDER BY sum(c.n) DESC LIMIT 5";

static const bh_col c_rel[] = {{"relation", 't'}, {"id", 't'}, {"name", 't'},
			       {"first_date", 't', " "}, {"last_date", 't', " to "},
			       {"records", 'i', " (", " records)"}, {NULL}};
/* parent_of points from parent to child, part_of from child to parent. */
#define UP_DOWN(up_end, down_end, parent_kind, part_kind) \
	"SELECT l.kind, e.id, e.name, min(l.first_date), max(l.last_date), sum(l.n)" \
	" FROM link l JOIN entity e ON e.rid = " BH_CANON("l." up_end) "" \
	" WHERE l.kind = '" parent_kind "' AND l." down_end " IN (SELECT rid FROM temp.members)" \
	" AND " BH_CANON("l." up_end) " NOT IN (SELECT rid FROM temp.members)" \
	" GROUP BY l.kind, e.rid" \
	" UNION ALL" \
	" SELECT l.kind, e.id, e.name, min(l.first_date), max(l.last_date), sum(l.n)" \
	" FROM link l JOIN entity e ON e.rid = " BH_CANON("l." down_end) "" \
	" WHERE l.kind = '" part_kind "' AND l." up_end " IN (SELECT rid FROM temp.members)" \
	" AND " BH_CANON("l." down_end) " NOT IN (SELECT rid FROM temp.members)" \
	" GROUP BY l.kind, e.rid"
static const char q_parents[] = UP_DOWN("src", "dst", "parent_of", "part_of") " ORDER BY 6 DESC LIMIT 20";
static const char q_children[] = UP_DOWN("dst", "src", "parent_of", "part_of") " ORDER BY 6 DESC LIMIT 50";

/* Figure ids (docs/cite.md): ?1 is the entity shown (canonical). */
#define SHOWN "(SELECT id FROM entity WHERE rid = ?1)"

static const bh_col c_money[] = {{"agency", 't'}, {"agency_id", '-'}, {"fiscal_year", 'i', "  FY"},
				 {"amount", '$'}, {"records", 'i', " (", " records)"}, {"figure", '-'},
				 {NULL}};
#define MINE(col) col " IN (SELECT rid FROM temp.members)"
/* The award rows whose `col` is a member, found from the members: SQLite
 * guesses 25 values for "IN (SELECT ...)" and, where an award's parent or
 * a subaward's prime has a few dozen rows a value, scans the whole table
 * instead (6,400 of a one-entity show's VM steps on the full store). The
 * rowids come back in ascending order, as the scan read them. */
#define MEMBERS_JOIN(tab, col) "temp.members m CROSS JOIN " tab " x ON x." col " = m.rid"
#define AWARD_MINE(col) "a.rid IN (SELECT x.rid FROM " MEMBERS_JOIN("award", col) ")"
static const char q_received[] =
	"SELECT e.name, e.id, o.fiscal_year, sum(o.amount), count(*),"
	" 'recv:' || " SHOWN " || ':' || e.id || ':' || o.fiscal_year"
	" FROM " BH_OBLIGATIONS(MINE("recipient") " AND amount IS NOT NULL") " o"
	" LEFT JOIN entity e ON e.rid = coalesce(o.subagency, o.agency)"
	" GROUP BY e.rid, o.fiscal_year ORDER BY e.name, o.fiscal_year";
static const char q_via_subs[] =
	"SELECT e.name, e.id, o.fiscal_year, sum(o.amount), count(*),"
	" 'viasub:' || " SHOWN " || ':' || e.id || ':' || o.fiscal_year"
	" FROM " BH_OBLIGATIONS_2(MINE("parent") " AND amount IS NOT NULL",
				  AWARD_MINE("parent") " AND amount IS NOT NULL") " o"
	" LEFT JOIN entity e ON e.rid = coalesce(o.subagency, o.agency)"
	" WHERE o.recipient NOT IN (SELECT rid FROM temp.members)"
	" GROUP BY e.rid, o.fiscal_year ORDER BY e.name, o.fiscal_year";

static const bh_col c_awarded[] = {{"fiscal_year", 'i', "", ""}, {"amount", '$'},
				   {"records", 'i', " (", " records)"}, {"figure", '-'}, {NULL}};
/* The body (its cluster) and its parts (sub-agencies, offices); each
 * obligation row once even when both its agency and sub-agency are among
 * them. CROSS JOIN: members is small, link is not. */
#define AWARDED_AG                                                                           \
	"WITH ag(rid) AS (SELECT rid FROM temp.members UNION SELECT l.src FROM temp.members m" \
	"   CROSS JOIN link l ON l.dst = m.rid AND l.kind = 'part_of')"
#define AWARDED_MINE "(subagency IN (SELECT rid FROM ag) OR agency IN (SELECT rid FROM ag))"
static const char q_awarded[] =
	AWARDED_AG " SELECT fiscal_year, sum(amount), count(*),"
	"  'total:' || " SHOWN " || ':' || fiscal_year || '-' || fiscal_year"
	" FROM " BH_OBLIGATIONS(AWARDED_MINE " AND amount IS NOT NULL")
	" GROUP BY fiscal_year ORDER BY fiscal_year";
/* The same sums from who_agg_year (precompute.c), while it is fresh: its
 * rows are these rows grouped one level finer (agency, sub-agency, year),
 * so summing them again gives the same numbers without reading the
 * agency's obligations (ICE: 7 of show's 10 ms). */
static const char q_awarded_pre[] =
	AWARDED_AG " SELECT fy, sum(amount), sum(n),"
	"  'total:' || " SHOWN " || ':' || fy || '-' || fy"
	" FROM who_agg_year WHERE " AWARDED_MINE " GROUP BY fy ORDER BY fy";

static const bh_col c_awards[] = {{"award_key", 't'}, {"amount", '$'}, {"recipient", 't'},
				  {"first_date", 't', "  "}, {"last_date", 't', " to "},
				  {"records", 'i', " (", " records)"}, {"description", 't', "\n    "},
				  {"source", 't', "\n    source: "}, {"line", 'i', ":", ""},
				  {"url", 't', "\n    "}, {"figure", '-'}, {NULL}};
/* The source is the first (lowest id) of the award's obligation rows: its
 * transactions when it has any, else the one award summary that counts.
 * It is looked up for the 10 awards shown, not for every award of the
 * recipient before the ranking (a big recipient has hundreds: 44% of the
 * rotation's VM steps went there); the ranking keeps its own order. */
static const char q_awards[] =
	"SELECT x.award_key, x.amount, x.name, x.first, x.last, x.n, x.description, s.path, x.line,"
	" 'https://www.usaspending.gov/award/' || x.award_key,"
	" 'award:' || x.award_key || ':' || " SHOWN ""
	" FROM (SELECT o.award_key, sum(o.amount) AS amount, e.name AS name, min(o.date) AS first,"
	"   max(o.date) AS last, count(*) AS n, max(o.description) AS description,"
	"   min(o.line) AS line"
	"   FROM " BH_OBLIGATIONS_2("(" MINE("recipient") " OR " MINE("parent") ") AND amount IS NOT NULL",
				    "(" AWARD_MINE("recipient") " OR " AWARD_MINE("parent") ")"
				    " AND amount IS NOT NULL")
	"   o JOIN entity e ON e.rid = o.recipient"
	"   GROUP BY o.award_key ORDER BY sum(o.amount) DESC LIMIT 10) x"
	" JOIN source s ON s.id = coalesce((SELECT min(t.source_id) FROM txn t"
	"   WHERE t.award_key = x.award_key), (SELECT a.source_id FROM award a"
	"   WHERE a.award_key = x.award_key ORDER BY a.rid DESC LIMIT 1))";

static const bh_col c_subs[] = {{"id", 't'}, {"name", 't'}, {"amount", '$'},
				{"subawards", 'i', " (", " subawards)"}, {"first_date", 't', "  "},
				{"last_date", 't', " to "}, {"figure", '-'}, {NULL}};
static const char q_subs_out[] =
	"SELECT e.id, e.name, sum(sa.amount), count(*), min(sa.action_date), max(sa.action_date),"
	" 'subs:' || " SHOWN " || ':' || e.id"
	" FROM temp.members m CROSS JOIN subaward sa ON sa.prime = m.rid"
	" JOIN entity e ON e.rid = " BH_CANON("sa.sub") ""
	" GROUP BY e.rid ORDER BY sum(sa.amount) DESC LIMIT 20";
static const char q_subs_in[] =
	"SELECT e.id, e.name, sum(sa.amount), count(*), min(sa.action_date), max(sa.action_date),"
	" 'subs:' || e.id || ':' || " SHOWN ""
	" FROM subaward sa JOIN entity e ON e.rid = " BH_CANON("sa.prime") ""
	" WHERE sa.sub IN (SELECT rid FROM temp.members)"
	" GROUP BY e.rid ORDER BY sum(sa.amount) DESC LIMIT 20";

static const bh_col c_members[] = {{"id", 't'}, {"name", 't'}, {NULL}};
static const char q_members[] =
	"SELECT e.id, e.name FROM temp.members m CROSS JOIN entity e ON e.rid = m.rid ORDER BY e.id";

typedef struct {
	const char *title, *key;
	const bh_col *cols;
	const char *sql;
	const char *kind; /* only for entities of this kind, or NULL */
} section;

static const section sections[] = {
	{"Cluster members (records resolved as this entity):", "members", c_members, q_members},
	{"Names:", "names", c_names, q_names},
	{"Identifiers:", "identifiers", c_ids, q_ids},
	{"Places:", "places", c_places, q_places},
	{"Parents:", "parents", c_rel, q_parents},
	{"Children (subsidiaries, sub-agencies, offices):", "children", c_rel, q_children},
	{"Contract obligations received, by awarding agency and fiscal year:", "received", c_money,
	 q_received},
	{"Received by its subsidiaries (rolled up), by agency and fiscal year:", "received_via_subsidiaries",
	 c_money, q_via_subs},
	{"Contract obligations awarded, by fiscal year:", "awarded", c_awarded, q_awarded,
	 "public_body"},
	{"Largest awards:", "largest_awards", c_awards, q_awards},
	{"Subcontracts it gave (as prime):", "subcontracts_given", c_subs, q_subs_out},
	{"Subcontracts it received (as sub), by prime:", "subcontracts_received", c_subs, q_subs_in},
	{NULL, NULL, NULL, NULL},
};

/* *sql: q_awarded_pre while the precomputed sums are fresh, else
 * q_awarded; $BEHIND_SHOW_ROUTE=rows always reads the rows (the tests
 * compare both routes). */
static int awarded_sql(const char **sql, bh_store *s)
{
	const char *route = getenv("BEHIND_SHOW_ROUTE");
	int fresh = 0, rc;
	*sql = q_awarded;
	if (route && strcmp(route, "rows") == 0)
		return 0;
	if ((rc = bh_query_precomputed(&fresh, s)) < 0)
		return rc;
	if (fresh)
		*sql = q_awarded_pre;
	if (getenv("BEHIND_TIMING"))
		fprintf(stderr, "show: awarded from %s\n", fresh ? "the sums (precomputed)" : "the rows");
	return 0;
}

int bh_query_show(bh_store *s, int64_t rid, int json, FILE *out)
{
	sqlite3_stmt *q = NULL;
	int rc, first = 0;
	char id[512] = "", name[1024] = "", kind[64] = "";

	if ((rc = bh_query_members(s, rid)) < 0)
		return rc;
	if ((rc = bh_store_cached(&q, s, "SELECT id, name, kind FROM entity WHERE rid = ?")) < 0)
		return rc;
	sqlite3_bind_int64(q, 1, rid);
	if (sqlite3_step(q) == SQLITE_ROW) {
		snprintf(id, sizeof id, "%s", bh_col_text(q, 0));
		snprintf(name, sizeof name, "%s", bh_col_text(q, 1));
		snprintf(kind, sizeof kind, "%s", bh_col_text(q, 2));
	}
	bh_store_release(s, q);
	if (!id[0])
		return bh_error_set(BH_ENOTFOUND, "no entity with rowid %lld", (long long)rid);
	if (json) {
		fprintf(out, "{\"id\":");
		bh_json_str(out, id);
		fprintf(out, ",\"name\":");
		bh_json_str(out, name);
		fprintf(out, ",\"kind\":");
		bh_json_str(out, kind);
	} else {
		fprintf(out, "%s\n%s (%s)\n", name, id, kind);
	}
	for (const section *sec = sections; sec->title; sec++) {
		if (sec->kind && strcmp(sec->kind, kind) != 0)
			continue;
		if (sec->sql == q_members && !json) {
			/* only worth a text section when there is more than one */
			sqlite3_stmt *c = NULL;
			int many = 0;
			if (bh_store_cached(&c, s, "SELECT count(*) > 1 FROM temp.members") == 0 &&
			    sqlite3_step(c) == SQLITE_ROW)
				many = sqlite3_column_int(c, 0);
			bh_store_release(s, c);
			if (!many)
				continue;
		}
		const char *sql = sec->sql;
		if (sql == q_awarded && (rc = awarded_sql(&sql, s)) < 0)
			return rc;
		rc = bh_query_section(s, out, json, &first, sec->title, sec->key, sec->cols, sql, &rid, 1);
		if (rc < 0)
			return rc;
	}
	/* lobbying, PACs, revolving door (FEC, LDA and personnel records) */
	if (json)
		fprintf(out, ",\n\"influence\":");
	if ((rc = bh_influence_print(s, rid, json, out)) < 0)
		return rc;
	if (json)
		fprintf(out, "}\n");
	return 0;
}
