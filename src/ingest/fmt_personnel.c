/* Positions people held, from three comma-separated layouts told apart by
 * their header: ProPublica's Trump Town appointees (agency, title, dates;
 * kind "trumptown-staffers"), their prior outside positions from financial
 * disclosures ("trumptown-outside"), and the generic layout a user can fill
 * from any source ("positions": person, organization, role, start, end,
 * source_url, and optionally organization_kind = public_body). Columns are
 * found by name.
 *
 * Entities: Trump Town appointees "tt-staffer:<id>" (their outside
 * positions name the same id), other people "person:<KEY>", agencies and
 * organizations by normalized name ("name:<KEY>"). Link: held_position
 * (person -> organization or public body), dated by the start. */
#include "ingest/ingestInt.h"
#include "ingest/value.h"
#include "util/err.h"

#include <string.h>

enum { L_STAFF, L_OUTSIDE, L_GENERIC };

static int detect_layout(const char *head, size_t len, int want)
{
	static const char *const staff[] = {"agency_name", "name", "position_title_1",
					    "start_date", "end_date", "slug", NULL};
	static const char *const outside[] = {"organization_name", "position_held", "from_date",
					      "to_date", "staffer_id", NULL};
	static const char *const generic[] = {"person", "organization", "role", "start", "end",
					      "source_url", NULL};
	const char *const *cols = want == L_STAFF ? staff : want == L_OUTSIDE ? outside : generic;
	int need = want == L_STAFF ? 6 : want == L_OUTSIDE ? 5 : 6;
	return bh_head_has_columns(head, len, ',', cols, NULL) >= need ? 90 : 0;
}

static int detect_staff(const char *h, size_t n) { return detect_layout(h, n, L_STAFF); }
static int detect_outside(const char *h, size_t n) { return detect_layout(h, n, L_OUTSIDE); }
static int detect_generic(const char *h, size_t n) { return detect_layout(h, n, L_GENERIC); }

typedef bh_cell pv;

static pv cellat(const bh_row *r, int i)
{
	return bh_row_cell(r, i);
}

/* The columns one layout reads, by role. */
typedef struct {
	int person_id, person, org, role, start, end, url, org_kind;
} cols;

/* Finds or creates the entity "<prefix><KEY of name>" (or "<prefix><id>"
 * when `id` is given), with a name statement. */
static int entity_of(int64_t *rid, bh_ing *g, const char *prefix, pv id, pv name, const char *kind,
		     int64_t line)
{
	char key[512], eid[540];
	*rid = 0;
	if (id.n)
		snprintf(eid, sizeof eid, "%s%.*s", prefix, (int)(id.n < 64 ? id.n : 64), id.p);
	else if (name.n && bh_name_key(key, sizeof key, name.p, name.n))
		snprintf(eid, sizeof eid, "%s%s", prefix, key);
	else
		return 0;
	int rc = bh_ing_entity(rid, g, eid, kind, name.n ? name.p : eid, name.n ? name.n : strlen(eid));
	if (rc < 0)
		return rc;
	return bh_ing_statement(g, *rid, "name", name.p, name.n, line);
}

static void bind_pv(sqlite3_stmt *q, int k, pv v)
{
	if (v.n)
		sqlite3_bind_text(q, k, v.p, (int)v.n, SQLITE_STATIC);
	else
		sqlite3_bind_null(q, k);
}

static int run_layout(bh_ing *g, int layout)
{
	static const char *const origin[] = {"trumptown-staffer", "trumptown-outside", "generic"};
	bh_csv *csv = NULL;
	sqlite3_stmt *ins = NULL;
	bh_row *row;
	cols c;
	size_t ncols;
	int rc;

	if ((rc = bh_store_prepare(&ins, g->store,
				   "INSERT INTO position(source_id, line, origin, person, person_name, org,"
				   " org_name, role, start_date, end_date, source_url)"
				   " VALUES(?,?,?,?,?,?,?,?,?,?,?)")) < 0 ||
	    (rc = bh_csv_open(&csv, g->in, ',', layout == L_GENERIC ? 0 : BH_CSV_BACKSLASH)) < 0)
		goto cleanup;
	if ((rc = bh_csv_next(csv, &row)) <= 0) {
		rc = rc < 0 ? rc : bh_error_set(BH_EFORMAT, "%s: no header row", g->in->name);
		goto cleanup;
	}
	memset(&c, -1, sizeof c);
	if (layout == L_STAFF) {
		c.person_id = bh_header_index(row, "id");
		c.person = bh_header_index(row, "name");
		c.org = bh_header_index(row, "agency_name");
		c.role = bh_header_index(row, "position_title_1");
		c.start = bh_header_index(row, "start_date");
		c.end = bh_header_index(row, "end_date");
		c.url = bh_header_index(row, "financial_disclosure_url");
	} else if (layout == L_OUTSIDE) {
		c.person_id = bh_header_index(row, "staffer_id");
		c.org = bh_header_index(row, "organization_name");
		c.role = bh_header_index(row, "position_held");
		c.start = bh_header_index(row, "from_date");
		c.end = bh_header_index(row, "to_date");
	} else {
		c.person = bh_header_index(row, "person");
		c.org = bh_header_index(row, "organization");
		c.role = bh_header_index(row, "role");
		c.start = bh_header_index(row, "start");
		c.end = bh_header_index(row, "end");
		c.url = bh_header_index(row, "source_url");
		c.org_kind = bh_header_index(row, "organization_kind");
	}
	ncols = row->ncells;
	while ((rc = bh_csv_next(csv, &row)) > 0) {
		int64_t line = row->line, person = 0, org = 0;
		char d1[11] = "", d2[11] = "";
		if (bh_row_blank(row) || bh_ing_csv_gate(g, row, ncols))
			continue;
		pv pid = cellat(row, c.person_id), pname = cellat(row, c.person);
		pv oname = cellat(row, c.org), st = cellat(row, c.start), en = cellat(row, c.end);
		pv kind = cellat(row, c.org_kind);
		if ((!pid.n && !pname.n) || !oname.n) {
			rc = bh_ing_reject(g, line, row->raw, row->rawlen, "no %s",
					   oname.n ? "person" : "organization");
			if (rc < 0)
				break;
			continue;
		}
		if (bh_date_mdy(st.p, st.n, 0, d1) < 0 || bh_date_mdy(en.p, en.n, 0, d2) < 0) {
			if ((rc = bh_ing_reject(g, line, row->raw, row->rawlen,
						"start or end is not a date (YYYY-MM-DD or MM/DD/YYYY):"
						" '%.*s', '%.*s'",
						(int)st.n, st.p, (int)en.n, en.p)) < 0)
				break;
			continue;
		}
		int public_body = layout == L_STAFF ||
				  (kind.n == 11 && !memcmp(kind.p, "public_body", 11));
		if ((rc = entity_of(&person, g, pid.n ? "tt-staffer:" : "person:", pid, pname, "person",
				    line)) < 0 ||
		    (rc = entity_of(&org, g, "name:", (pv){"", 0}, oname,
				    public_body ? "public_body" : "organization", line)) < 0 ||
		    (rc = bh_ing_link(g, "held_position", person, org, d1[0] ? d1 : NULL, 0, 0, line)) < 0)
			break;
		int k = 1;
		sqlite3_bind_int64(ins, k++, g->source_id);
		sqlite3_bind_int64(ins, k++, line);
		sqlite3_bind_text(ins, k++, origin[layout], -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins, k++, person);
		bind_pv(ins, k++, pname);
		sqlite3_bind_int64(ins, k++, org);
		bind_pv(ins, k++, oname);
		bind_pv(ins, k++, cellat(row, c.role));
		bind_pv(ins, k++, (pv){d1, d1[0] ? 10 : 0});
		bind_pv(ins, k++, (pv){d2, d2[0] ? 10 : 0});
		bind_pv(ins, k++, cellat(row, c.url));
		rc = sqlite3_step(ins);
		sqlite3_reset(ins);
		if (rc != SQLITE_DONE) {
			rc = bh_store_fail(g->store, "position insert");
			break;
		}
		rc = 0;
		g->rows++;
		bh_ing_progress(g);
	}
cleanup:
	bh_csv_free(csv);
	sqlite3_finalize(ins);
	return rc < 0 ? rc : 0;
}

static int run_staff(bh_ing *g) { return run_layout(g, L_STAFF); }
static int run_outside(bh_ing *g) { return run_layout(g, L_OUTSIDE); }
static int run_generic(bh_ing *g) { return run_layout(g, L_GENERIC); }

const bh_format bh_fmt_personnel_staff = {
	"trumptown-staffers", "ProPublica Trump Town appointees (agency, title, dates)",
	detect_staff, run_staff,
};
const bh_format bh_fmt_personnel_outside = {
	"trumptown-outside", "ProPublica Trump Town prior outside positions of appointees",
	detect_outside, run_outside,
};
const bh_format bh_fmt_personnel_generic = {
	"positions",
	"Generic positions list: person, organization, role, start, end, source_url"
	" [, organization_kind]",
	detect_generic, run_generic,
};
