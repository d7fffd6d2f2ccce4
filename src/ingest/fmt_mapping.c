/* The reader of any delimited table through a mapping file (`behind ingest
 * --mapping FILE`, see mapping.h and docs/mappings.md). It is never
 * detected: the driver picks it when a mapping is given.
 *
 * Per row: the shared CSV gate, then the typed columns (a date or amount
 * that does not parse rejects the row), then every entity's id (an empty
 * id of a required entity rejects the row; nothing of a rejected row is
 * written), then entities with their name and property statements, links
 * between them, and one mapped_row (source, line, mapping, URL) that keeps
 * the row citable. Dates under `dates: auto` share one day/month inference
 * over the whole file; provisional values are rewritten in `link` at the
 * end, so the links are flushed by this reader rather than the driver. */
#include "ingest/ingestInt.h"
#include "ingest/mapping.h"
#include "ingest/value.h"
#include "util/err.h"

#include <stdlib.h>
#include <string.h>

#define ID_CAP 512
#define NAME_CAP 1024
#define VALUE_CAP 4096

typedef struct {
	bh_ing *g;
	bh_mapping *m;
	sqlite3_stmt *ins;
	bh_datecol dates; /* one inference for every date column of the file */
	char date_names[256]; /* their names, for the warning of an unsettled order */
	char date[BH_MAP_MAX_COLUMNS][11];
	int64_t cents[BH_MAP_MAX_COLUMNS];
	int has[BH_MAP_MAX_COLUMNS];
	char id[BH_MAP_MAX_ENTITIES][ID_CAP];
	char name[BH_MAP_MAX_ENTITIES][NAME_CAP];
	int64_t rid[BH_MAP_MAX_ENTITIES];
	char value[VALUE_CAP];
	char money[128];
} state;

static int never(const char *head, size_t len)
{
	(void)head;
	(void)len;
	return 0;
}

/* Parses the amount text p/n under the mapping's currency and decimal
 * mark. Returns as bh_money_parse. */
static int amount(state *st, const char *p, size_t n, int64_t *cents)
{
	const bh_mapping *m = st->m;
	size_t cl = strlen(m->currency), o = 0;
	if (cl && n >= cl && memcmp(p, m->currency, cl) == 0)
		p += cl, n -= cl;
	else if (cl && n >= cl && memcmp(p + n - cl, m->currency, cl) == 0)
		n -= cl;
	while (n && *p == ' ')
		p++, n--;
	while (n && p[n - 1] == ' ')
		n--;
	if (m->decimal == '.')
		return bh_money_parse(p, n, cents);
	if (n >= sizeof st->money)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		if (c == '.' || c == ' ')
			continue;
		st->money[o++] = c == ',' ? '.' : c;
	}
	return bh_money_parse(st->money, o, cents);
}

static int typed_columns(state *st, const bh_row *row, int *bad)
{
	const bh_mapping *m = st->m;
	bh_ing *g = st->g;
	*bad = 0;
	for (int i = 0; i < m->ncol; i++) {
		const bh_mcolumn *c = &m->cols[i];
		size_t n;
		const char *p = bh_mapping_cell(m, row, c->idx, &n);
		int r = 0;
		st->date[i][0] = '\0';
		st->has[i] = 0;
		if (c->type == BH_COL_DATE) {
			if (m->date_order < 0)
				r = memchr(p, '/', n) ? -1 : bh_date_mdy(p, n, 0, st->date[i]);
			else
				r = bh_datecol_value(&st->dates, p, n, row->line, st->date[i]);
			if (r < 0) {
				*bad = 1;
				return bh_ing_reject(g, row->line, row->raw, row->rawlen,
						     "column '%s' is not a date: '%.*s'", c->name,
						     (int)(n < 64 ? n : 64), p);
			}
		} else if (c->type == BH_COL_MONEY) {
			r = amount(st, p, n, &st->cents[i]);
			if (r < 0) {
				*bad = 1;
				return bh_ing_reject(g, row->line, row->raw, row->rawlen,
						     "column '%s' is not an amount: '%.*s'", c->name,
						     (int)(n < 64 ? n : 64), p);
			}
			st->has[i] = r == 1;
		}
	}
	return 0;
}

/* Renders every entity's id and name; rejects the row when a required
 * entity has none. */
static int entity_ids(state *st, const bh_row *row, int *bad)
{
	const bh_mapping *m = st->m;
	*bad = 0;
	for (int i = 0; i < m->nent; i++) {
		const bh_mentity *e = &m->ents[i];
		char key[ID_CAP - 16];
		st->id[i][0] = st->name[i][0] = '\0';
		int toolong = bh_mapping_render(m, &e->name, row, 0, st->name[i], NAME_CAP) < 0;
		for (int j = 0; j < e->nid && !st->id[i][0] && !toolong; j++)
			toolong = bh_mapping_render(m, &e->id[j], row, 1, st->id[i], ID_CAP) < 0;
		if (toolong) {
			*bad = 1;
			return bh_ing_reject(st->g, row->line, row->raw, row->rawlen, "%s: %s", e->ref,
					     bh_error_last());
		}
		if (!e->nid && st->name[i][0] &&
		    bh_name_key(key, sizeof key, st->name[i], strlen(st->name[i])))
			snprintf(st->id[i], ID_CAP, "%s%s",
				 strcmp(e->kind, "person") == 0 ? "person:" : "name:", key);
		if (!st->id[i][0] && e->required) {
			*bad = 1;
			return bh_ing_reject(st->g, row->line, row->raw, row->rawlen,
					     "no %s: its %s is empty (mapping line %d)", e->ref,
					     e->nid ? "id" : "name", e->nid ? e->id[0].line : e->name.line);
		}
	}
	return 0;
}

static int one_row(state *st, const bh_row *row)
{
	const bh_mapping *m = st->m;
	bh_ing *g = st->g;
	int64_t line = row->line;
	int rc, bad;

	if ((rc = typed_columns(st, row, &bad)) < 0 || bad)
		return rc;
	if ((rc = entity_ids(st, row, &bad)) < 0 || bad)
		return rc;
	for (int i = 0; i < m->nent; i++) {
		const bh_mentity *e = &m->ents[i];
		st->rid[i] = 0;
		if (!st->id[i][0])
			continue;
		const char *nm = st->name[i][0] ? st->name[i] : st->id[i];
		if ((rc = bh_ing_entity(&st->rid[i], g, st->id[i], e->kind, nm, strlen(nm))) < 0 ||
		    (rc = bh_ing_statement(g, st->rid[i], "name", st->name[i], strlen(st->name[i]),
					   line)) < 0)
			return rc;
		for (int j = 0; j < e->nprops; j++) {
			int n = bh_mapping_render(m, &e->props[j].value, row, 0, st->value, VALUE_CAP);
			if (n < 0)
				n = 0; /* longer than a property may be: left out */
			if (n && (rc = bh_ing_statement(g, st->rid[i], e->props[j].prop, st->value,
							(size_t)n, line)) < 0)
				return rc;
		}
	}
	for (int i = 0; i < m->nlink; i++) {
		const bh_mlink *l = &m->links[i];
		const char *d = l->date_col >= 0 && st->date[l->date_col][0] ? st->date[l->date_col]
									     : NULL;
		int has = l->amount_col >= 0 && st->has[l->amount_col];
		if ((rc = bh_ing_link(g, l->kind, st->rid[l->from], st->rid[l->to], d,
				      has ? st->cents[l->amount_col] : 0, has, line)) < 0)
			return rc;
	}
	int un = m->url.nparts ? bh_mapping_render(m, &m->url, row, 1, st->value, VALUE_CAP) : 0;
	sqlite3_stmt *q = st->ins;
	sqlite3_bind_int64(q, 1, g->source_id);
	sqlite3_bind_int64(q, 2, line);
	sqlite3_bind_text(q, 3, m->name, -1, SQLITE_STATIC);
	if (un > 0)
		sqlite3_bind_text(q, 4, st->value, un, SQLITE_STATIC);
	else
		sqlite3_bind_null(q, 4);
	rc = sqlite3_step(q);
	sqlite3_reset(q);
	if (rc != SQLITE_DONE)
		return bh_store_fail(g->store, "mapped_row insert");
	g->rows++;
	bh_ing_progress(g);
	return 0;
}

static int run(bh_ing *g)
{
	bh_mapping *m = g->mapping;
	bh_csv *csv = NULL;
	state *st = NULL;
	bh_row *row;
	size_t ncols;
	int rc;

	if (!m)
		return bh_error_set(BH_EUSAGE, "%s: kind 'mapping' needs --mapping FILE",
				    g->in->name);
	if (!(st = calloc(1, sizeof *st)))
		return bh_error_set(BH_ENOMEM, "out of memory");
	st->g = g;
	st->m = m;
	for (int i = 0, o = 0; i < m->ncol && o < (int)sizeof st->date_names; i++)
		if (m->cols[i].type == BH_COL_DATE)
			o += snprintf(st->date_names + o, sizeof st->date_names - (size_t)o, "%s%s",
				      o ? ", " : "", m->cols[i].name);
	st->dates.column = st->date_names;
	st->dates.order = m->date_order > 0 ? m->date_order : BH_ORDER_UNKNOWN;
	if ((rc = bh_store_prepare(&st->ins, g->store,
				   "INSERT INTO mapped_row(source_id, line, mapping, url)"
				   " VALUES(?,?,?,?)")) < 0 ||
	    (rc = bh_csv_open(&csv, g->in, m->delim,
			       !m->quoting ? BH_CSV_NOQUOTE : m->backslash ? BH_CSV_BACKSLASH : 0)) < 0)
		goto cleanup;
	if ((rc = bh_csv_next(csv, &row)) <= 0) {
		rc = rc < 0 ? rc : bh_error_set(BH_EFORMAT, "%s: no rows", g->in->name);
		goto cleanup;
	}
	ncols = row->ncells;
	if ((rc = bh_mapping_bind(m, m->header ? row : NULL, ncols, g->in->name)) < 0)
		goto cleanup;
	if (!m->header && !bh_row_blank(row) && !bh_ing_csv_gate(g, row, ncols) &&
	    (rc = one_row(st, row)) < 0)
		goto cleanup;
	while ((rc = bh_csv_next(csv, &row)) > 0) {
		if (bh_row_blank(row) || bh_ing_csv_gate(g, row, ncols))
			continue;
		if ((rc = one_row(st, row)) < 0)
			goto cleanup;
	}
	if (rc < 0)
		goto cleanup;
	/* provisional day/month dates are in links: write them, then settle */
	if (st->dates.provisional &&
	    ((rc = bh_ing_finish(g)) < 0 ||
	     (rc = bh_datecol_finish(&st->dates, g, "link", "first_date")) < 0 ||
	     (st->dates.provisional = 1,
	      (rc = bh_datecol_finish(&st->dates, g, "link", "last_date")) < 0)))
		goto cleanup;
	rc = 0;
cleanup:
	bh_csv_free(csv);
	if (st)
		sqlite3_finalize(st->ins);
	free(st);
	return rc;
}

const bh_format bh_fmt_mapping = {
	"mapping", "Any delimited table read through a mapping file (--mapping FILE)", never, run,
};
