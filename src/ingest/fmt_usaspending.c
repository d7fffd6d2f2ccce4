/* USAspending contract files: transactions (the older 259-column download
 * and the current one), prime award summaries (286 columns) and subawards
 * (118 columns). Kinds are told apart by header names; columns are found
 * by name, so column order and extra columns do not matter.
 *
 * Entities: agencies ("agency:<toptier code>"), sub-agencies
 * ("subagency:<code>"), offices ("office:<code>"); recipients by UEI, else
 * DUNS zero-padded to 9 digits, else normalized name ("name:<KEY>").
 * Links: awarded (sub-agency -> recipient), parent_of (parent -> child, from
 * the parent UEI/DUNS), subcontracted (prime -> sub), part_of (office ->
 * sub-agency -> agency). */
#include "ingest/ingestInt.h"
#include "ingest/value.h"
#include "util/err.h"

#include <stdlib.h>
#include <string.h>

/* ---- detection ------------------------------------------------------ */

static int detect_txn(const char *head, size_t len)
{
	static const char *const cols[] = {"federal_action_obligation", "action_date", "award_id_piid",
					   "modification_number", "recipient_name", NULL};
	int n = bh_head_has_columns(head, len, ',', cols, NULL);
	return n >= 4 ? 50 + 10 * n : 0;
}

static int detect_award(const char *head, size_t len)
{
	static const char *const cols[] = {"contract_award_unique_key", "total_obligated_amount",
					   "award_base_action_date", "recipient_name", NULL};
	static const char *const txn[] = {"federal_action_obligation", NULL};
	int n = bh_head_has_columns(head, len, ',', cols, NULL);
	if (bh_head_has_columns(head, len, ',', txn, NULL))
		return 0;
	return n >= 3 ? 50 + 10 * n : 0;
}

static int detect_sub(const char *head, size_t len)
{
	static const char *const cols[] = {"prime_award_unique_key", "subaward_number",
					   "subaward_amount", "subawardee_name", NULL};
	int n = bh_head_has_columns(head, len, ',', cols, NULL);
	return n >= 3 ? 50 + 10 * n : 0;
}

/* ---- columns -------------------------------------------------------- */

/* Column indexes of one file; -1 where the file lacks the column. */
typedef struct {
	int txn_key, award_key, piid, mod, txn_num, parent_piid, parent_agency_id, idv_flag;
	int amount, potential, date, date2;
	int agency_code, agency_name, sub_code, sub_name, office_code, office_name;
	int fsub_code, fsub_name;
	int uei, duns, name, dba, cage, p_uei, p_duns, p_name;
	int addr, city, state, zip, country;
	int desc, desc2, action_type, psc, psc_desc, naics, naics_desc;
	/* subawards */
	int s_uei, s_duns, s_name, s_dba, sp_uei, sp_duns, sp_name, s_number;
	int s_addr, s_city, s_state, s_zip, s_country;
} cols;

static int col(const bh_row *h, const char *a, const char *b)
{
	int i = bh_header_index(h, a);
	if (i < 0 && b)
		i = bh_header_index(h, b);
	return i;
}

static void map_columns(cols *c, const bh_row *h)
{
	c->txn_key = col(h, "contract_transaction_unique_key", NULL);
	c->award_key = col(h, "contract_award_unique_key", NULL);
	c->piid = col(h, "award_id_piid", NULL);
	c->mod = col(h, "modification_number", NULL);
	c->txn_num = col(h, "transaction_number", NULL);
	c->parent_piid = col(h, "parent_award_id_piid", "parent_award_id");
	c->parent_agency_id = col(h, "parent_award_agency_id", NULL);
	c->idv_flag = col(h, "award_or_idv_flag", NULL);
	c->amount = col(h, "federal_action_obligation", "total_obligated_amount");
	c->potential = col(h, "potential_total_value_of_award", NULL);
	c->date = col(h, "action_date", "award_base_action_date");
	c->date2 = col(h, "award_latest_action_date", NULL);
	c->agency_code = col(h, "awarding_agency_code", NULL);
	c->agency_name = col(h, "awarding_agency_name", NULL);
	c->sub_code = col(h, "awarding_sub_agency_code", NULL);
	c->sub_name = col(h, "awarding_sub_agency_name", NULL);
	c->office_code = col(h, "awarding_office_code", NULL);
	c->office_name = col(h, "awarding_office_name", NULL);
	c->fsub_code = col(h, "funding_sub_agency_code", NULL);
	c->fsub_name = col(h, "funding_sub_agency_name", NULL);
	c->uei = col(h, "recipient_uei", NULL);
	c->duns = col(h, "recipient_duns", NULL);
	c->name = col(h, "recipient_name", NULL);
	c->dba = col(h, "recipient_doing_business_as_name", NULL);
	c->cage = col(h, "cage_code", NULL);
	c->p_uei = col(h, "recipient_parent_uei", NULL);
	c->p_duns = col(h, "recipient_parent_duns", NULL);
	c->p_name = col(h, "recipient_parent_name", NULL);
	c->addr = col(h, "recipient_address_line_1", NULL);
	c->city = col(h, "recipient_city_name", NULL);
	c->state = col(h, "recipient_state_code", NULL);
	c->zip = col(h, "recipient_zip_4_code", "recipient_zip_code");
	c->country = col(h, "recipient_country_code", NULL);
	c->desc = col(h, "award_description", "transaction_description");
	c->desc2 = col(h, "prime_award_base_transaction_description", NULL);
	c->action_type = col(h, "action_type", "action_type_description");
	c->psc = col(h, "product_or_service_code", NULL);
	c->psc_desc = col(h, "product_or_service_code_description", NULL);
	c->naics = col(h, "naics_code", NULL);
	c->naics_desc = col(h, "naics_description", NULL);
}

static void map_sub_columns(cols *c, const bh_row *h)
{
	memset(c, -1, sizeof *c);
	c->award_key = col(h, "prime_award_unique_key", NULL);
	c->piid = col(h, "prime_award_piid", NULL);
	c->agency_code = col(h, "prime_award_awarding_agency_code", NULL);
	c->agency_name = col(h, "prime_award_awarding_agency_name", NULL);
	c->sub_code = col(h, "prime_award_awarding_sub_agency_code", NULL);
	c->sub_name = col(h, "prime_award_awarding_sub_agency_name", NULL);
	c->uei = col(h, "prime_awardee_uei", NULL);
	c->duns = col(h, "prime_awardee_duns", NULL);
	c->name = col(h, "prime_awardee_name", NULL);
	c->dba = col(h, "prime_awardee_dba_name", NULL);
	c->p_uei = col(h, "prime_awardee_parent_uei", NULL);
	c->p_duns = col(h, "prime_awardee_parent_duns", NULL);
	c->p_name = col(h, "prime_awardee_parent_name", NULL);
	c->addr = col(h, "prime_awardee_address_line_1", NULL);
	c->city = col(h, "prime_awardee_city_name", NULL);
	c->state = col(h, "prime_awardee_state_code", NULL);
	c->zip = col(h, "prime_awardee_zip_code", NULL);
	c->country = col(h, "prime_awardee_country_code", NULL);
	c->s_uei = col(h, "subawardee_uei", NULL);
	c->s_duns = col(h, "subawardee_duns", NULL);
	c->s_name = col(h, "subawardee_name", NULL);
	c->s_dba = col(h, "subawardee_dba_name", NULL);
	c->sp_uei = col(h, "subawardee_parent_uei", NULL);
	c->sp_duns = col(h, "subawardee_parent_duns", NULL);
	c->sp_name = col(h, "subawardee_parent_name", NULL);
	c->s_addr = col(h, "subawardee_address_line_1", NULL);
	c->s_city = col(h, "subawardee_city_name", NULL);
	c->s_state = col(h, "subawardee_state_code", NULL);
	c->s_zip = col(h, "subawardee_zip_code", NULL);
	c->s_country = col(h, "subawardee_country_code", NULL);
	c->s_number = col(h, "subaward_number", NULL);
	c->amount = col(h, "subaward_amount", NULL);
	c->date = col(h, "subaward_action_date", NULL);
	c->desc = col(h, "subaward_description", NULL);
}

/* A cell by column index, trimmed; empty when the column is absent. */
typedef bh_cell cellv;

static cellv cell(const bh_row *r, int i)
{
	return bh_row_cell(r, i);
}

static void op_cell(bh_ing *g, cellv v)
{
	bh_ing_op_text(g, v.p, v.n);
}

static void op_rid(bh_ing *g, int64_t rid)
{
	if (rid)
		bh_ing_op_int(g, rid, 1);
	else
		bh_ing_op_null(g);
}

/* ---- entities ------------------------------------------------------- */

/* The awarding agency, sub-agency and office of a row (rids, 0 if absent),
 * with part_of links between them. */
static int public_bodies(bh_ing *g, const bh_row *r, const cols *c, int64_t *agency,
			 int64_t *sub, int64_t *office, int64_t line)
{
	char id[128];
	int rc;
	cellv ac = cell(r, c->agency_code), an = cell(r, c->agency_name);
	cellv sc = cell(r, c->sub_code), sn = cell(r, c->sub_name);
	cellv oc = cell(r, c->office_code), on = cell(r, c->office_name);

	*agency = *sub = *office = 0;
	if (ac.n && ac.n < 32) {
		/* toptier codes are three digits; spreadsheets drop the zero ("70") */
		int pad = ac.n < 3 && strspn(ac.p, "0123456789") >= ac.n ? (int)(3 - ac.n) : 0;
		snprintf(id, sizeof id, "agency:%.*s%.*s", pad, "000", (int)ac.n, ac.p);
		if ((rc = bh_ing_entity(agency, g, id, "public_body", an.n ? an.p : ac.p,
					an.n ? an.n : ac.n)) < 0 ||
		    (rc = bh_ing_statement(g, *agency, "name", an.p, an.n, line)) < 0 ||
		    (rc = bh_ing_statement(g, *agency, "agency_code", ac.p, ac.n, line)) < 0)
			return rc;
	}
	if (sc.n && sc.n < 32) {
		snprintf(id, sizeof id, "subagency:%.*s", (int)sc.n, sc.p);
		if ((rc = bh_ing_entity(sub, g, id, "public_body", sn.n ? sn.p : sc.p,
					sn.n ? sn.n : sc.n)) < 0 ||
		    (rc = bh_ing_statement(g, *sub, "name", sn.p, sn.n, line)) < 0 ||
		    (rc = bh_ing_statement(g, *sub, "agency_code", sc.p, sc.n, line)) < 0 ||
		    (rc = bh_ing_link(g, "part_of", *sub, *agency, NULL, 0, 0, line)) < 0)
			return rc;
	}
	if (oc.n && oc.n < 32) {
		snprintf(id, sizeof id, "office:%.*s", (int)oc.n, oc.p);
		if ((rc = bh_ing_entity(office, g, id, "public_body", on.n ? on.p : oc.p,
					on.n ? on.n : oc.n)) < 0 ||
		    (rc = bh_ing_statement(g, *office, "name", on.p, on.n, line)) < 0 ||
		    (rc = bh_ing_statement(g, *office, "office_code", oc.p, oc.n, line)) < 0 ||
		    (rc = bh_ing_link(g, "part_of", *office, *sub, NULL, 0, 0, line)) < 0)
			return rc;
	}
	return 0;
}

/* The deterministic id of an organization: UEI, else DUNS, else name key.
 * Returns 0 and leaves id empty when the row names nothing. */
static void org_id(char *id, size_t cap, cellv uei, cellv duns, cellv name)
{
	char d[10], key[512];
	id[0] = '\0';
	if (uei.n && uei.n < 64) {
		snprintf(id, cap, "uei:%.*s", (int)uei.n, uei.p);
		for (char *s = id + 4; *s; s++)
			if (*s >= 'a' && *s <= 'z')
				*s = (char)(*s - 'a' + 'A');
		return;
	}
	if (bh_duns_norm(duns.p, duns.n, d) == 1) {
		snprintf(id, cap, "duns:%s", d);
		return;
	}
	if (name.n && bh_name_key(key, sizeof key, name.p, name.n))
		snprintf(id, cap, "name:%s", key);
}

typedef struct {
	cellv uei, duns, name, dba, cage, addr, city, state, zip, country;
} org_cells;

/* Finds or creates an organization and records its statements. */
static int organization(int64_t *rid, bh_ing *g, const org_cells *o, int64_t line)
{
	char id[600], d[10];
	int rc;
	*rid = 0;
	org_id(id, sizeof id, o->uei, o->duns, o->name);
	if (!id[0])
		return 0;
	if ((rc = bh_ing_entity(rid, g, id, "organization", o->name.n ? o->name.p : id + 5,
				o->name.n ? o->name.n : strlen(id + 5))) < 0)
		return rc;
	if ((rc = bh_ing_statement(g, *rid, "name", o->name.p, o->name.n, line)) < 0 ||
	    (rc = bh_ing_statement(g, *rid, "uei", o->uei.p, o->uei.n, line)) < 0 ||
	    (rc = bh_ing_statement(g, *rid, "alias", o->dba.p, o->dba.n, line)) < 0 ||
	    (rc = bh_ing_statement(g, *rid, "cage", o->cage.p, o->cage.n, line)) < 0 ||
	    (rc = bh_ing_statement(g, *rid, "address", o->addr.p, o->addr.n, line)) < 0 ||
	    (rc = bh_ing_statement(g, *rid, "city", o->city.p, o->city.n, line)) < 0 ||
	    (rc = bh_ing_statement(g, *rid, "state", o->state.p, o->state.n, line)) < 0 ||
	    (rc = bh_ing_statement(g, *rid, "zip", o->zip.p, o->zip.n > 5 ? 5 : o->zip.n, line)) < 0 ||
	    (rc = bh_ing_statement(g, *rid, "country", o->country.p, o->country.n, line)) < 0)
		return rc;
	if (bh_duns_norm(o->duns.p, o->duns.n, d) == 1 &&
	    (rc = bh_ing_statement(g, *rid, "duns", d, 9, line)) < 0)
		return rc;
	return 0;
}

/* The parent organization named by (uei, duns, name), linked parent_of
 * the child; 0 when the row names no parent or the parent is the child. */
static int parent_org(int64_t *rid, bh_ing *g, int64_t child, cellv uei, cellv duns, cellv name,
		      const char *date, int64_t line)
{
	org_cells o;
	int rc;
	*rid = 0;
	if (!uei.n && bh_duns_norm(duns.p, duns.n, (char[10]){0}) != 1)
		return 0; /* a parent by name alone is too weak to link */
	memset(&o, 0, sizeof o);
	o.uei = uei;
	o.duns = duns;
	o.name = name;
	if ((rc = organization(rid, g, &o, line)) < 0)
		return rc;
	if (*rid == child) {
		*rid = 0;
		return 0;
	}
	return bh_ing_link(g, "parent_of", *rid, child, date, 0, 0, line);
}

/* ---- transactions and award summaries ------------------------------ */

typedef struct {
	bh_ing *g;
	cols c;
	int summary; /* award summaries rather than transactions */
	size_t ncols;
	sqlite3_stmt *ins;
	bh_datecol d1, d2;
	bh_buf key;
} run_state;

/* "CONT_AWD_<piid>_<agency>_<parent piid>_<parent agency>", the form of
 * USAspending's generated unique award id, for files that lack it. */
static void build_award_key(bh_buf *b, const bh_row *r, const cols *c)
{
	cellv piid = cell(r, c->piid), sc = cell(r, c->sub_code), pp = cell(r, c->parent_piid);
	cellv pa = cell(r, c->parent_agency_id), flag = cell(r, c->idv_flag);
	int idv = flag.n == 3 && memcmp(flag.p, "IDV", 3) == 0;
	bh_buf_clear(b);
	bh_buf_printf(b, "CONT_%s_%.*s_%.*s", idv ? "IDV" : "AWD", (int)piid.n, piid.p, (int)sc.n, sc.p);
	if (!idv)
		bh_buf_printf(b, "_%.*s_%.*s", pp.n ? (int)pp.n : 6, pp.n ? pp.p : "-NONE-",
			      pa.n ? (int)pa.n : 6, pa.n ? pa.p : "-NONE-");
	for (size_t i = 0; i < b->len; i++)
		if (b->p[i] >= 'a' && b->p[i] <= 'z')
			b->p[i] = (char)(b->p[i] - 'a' + 'A');
}

static int award_row(run_state *st, bh_row *r)
{
	bh_ing *g = st->g;
	const cols *c = &st->c;
	sqlite3_stmt *q = st->ins;
	int64_t line = r->line, agency, sub, office, recipient, parent, amount = 0, potential = 0;
	char date[11] = "", date2[11] = "";
	int rc, has_amount;
	org_cells o;

	has_amount = bh_money_parse(cell(r, c->amount).p, cell(r, c->amount).n, &amount);
	if (has_amount < 0)
		return bh_ing_reject(g, line, r->raw, r->rawlen, "%s is not an amount: '%.*s'",
				     st->summary ? "total_obligated_amount" : "federal_action_obligation",
				     (int)cell(r, c->amount).n, cell(r, c->amount).p);
	cellv dv = cell(r, c->date);
	if (bh_datecol_value(&st->d1, dv.p, dv.n, line, date) < 0)
		return bh_ing_reject(g, line, r->raw, r->rawlen, "%s is not a date: '%.*s'",
				     st->d1.column, (int)dv.n, dv.p);
	if (st->summary) {
		cellv d2 = cell(r, c->date2);
		if (bh_datecol_value(&st->d2, d2.p, d2.n, line, date2) < 0)
			date2[0] = '\0';
		if (bh_money_parse(cell(r, c->potential).p, cell(r, c->potential).n, &potential) != 1)
			potential = 0;
	}
	cellv key = cell(r, c->award_key);
	if (!key.n) {
		if (!cell(r, c->piid).n)
			return bh_ing_reject(g, line, r->raw, r->rawlen,
					     "no award id (award_id_piid is empty)");
		build_award_key(&st->key, r, c);
		key.p = st->key.p;
		key.n = st->key.len;
	}
	if ((rc = public_bodies(g, r, c, &agency, &sub, &office, line)) < 0)
		return rc;
	o = (org_cells){cell(r, c->uei), cell(r, c->duns), cell(r, c->name), cell(r, c->dba),
			cell(r, c->cage), cell(r, c->addr), cell(r, c->city), cell(r, c->state),
			cell(r, c->zip), cell(r, c->country)};
	if ((rc = organization(&recipient, g, &o, line)) < 0)
		return rc;
	if (!recipient)
		return bh_ing_reject(g, line, r->raw, r->rawlen,
				     "no recipient (UEI, DUNS and name are all empty)");
	const char *ldate = date[0] && date[4] == '-' ? date : NULL;
	if ((rc = parent_org(&parent, g, recipient, cell(r, c->p_uei), cell(r, c->p_duns),
			     cell(r, c->p_name), ldate, line)) < 0)
		return rc;
	if ((rc = bh_ing_link(g, "awarded", sub ? sub : agency, recipient, ldate, amount,
			      has_amount == 1, line)) < 0)
		return rc;

	int64_t fsub = 0;
	if (!st->summary) {
		cellv fc = cell(r, c->fsub_code), fn = cell(r, c->fsub_name);
		if (fc.n && fc.n < 32) {
			char id[64];
			snprintf(id, sizeof id, "subagency:%.*s", (int)fc.n, fc.p);
			if ((rc = bh_ing_entity(&fsub, g, id, "public_body", fn.n ? fn.p : fc.p,
						fn.n ? fn.n : fc.n)) < 0 ||
			    (rc = bh_ing_statement(g, fsub, "name", fn.p, fn.n, line)) < 0)
				return rc;
		}
	}
	bh_ing_op_begin(g, q, st->summary ? 19 : 21);
	bh_ing_op_int(g, g->source_id, 0);
	bh_ing_op_int(g, line, 0);
	if (!st->summary) {
		cellv tk = cell(r, c->txn_key);
		char built[1024];
		if (!tk.n) {
			cellv piid = cell(r, c->piid), mod = cell(r, c->mod), pp = cell(r, c->parent_piid);
			cellv pa = cell(r, c->parent_agency_id), sc = cell(r, c->sub_code),
			      tn = cell(r, c->txn_num);
			snprintf(built, sizeof built, "%.*s_%.*s_%.*s_%.*s_%.*s_%.*s", (int)sc.n, sc.p,
				 pa.n ? (int)pa.n : 6, pa.n ? pa.p : "-NONE-", (int)piid.n, piid.p,
				 mod.n ? (int)mod.n : 6, mod.n ? mod.p : "-NONE-", pp.n ? (int)pp.n : 6,
				 pp.n ? pp.p : "-NONE-", tn.n ? (int)tn.n : 1, tn.n ? tn.p : "0");
			tk.p = built;
			tk.n = strlen(built);
		}
		op_cell(g, tk);
	}
	op_cell(g, key);
	op_cell(g, cell(r, c->piid));
	if (!st->summary)
		op_cell(g, cell(r, c->mod));
	op_cell(g, cell(r, c->parent_piid));
	op_rid(g, agency);
	op_rid(g, sub);
	op_rid(g, office);
	if (!st->summary)
		op_rid(g, fsub);
	op_rid(g, recipient);
	op_rid(g, parent);
	bh_ing_op_text(g, date, strlen(date));
	if (st->summary)
		bh_ing_op_text(g, date2, strlen(date2));
	if (has_amount == 1)
		bh_ing_op_int(g, amount, 0);
	else
		bh_ing_op_null(g);
	if (st->summary) {
		bh_ing_op_int(g, potential, 0);
		cellv d = cell(r, c->desc2);
		op_cell(g, d.n ? d : cell(r, c->desc));
	} else {
		op_cell(g, cell(r, c->action_type));
		op_cell(g, cell(r, c->desc));
	}
	op_cell(g, cell(r, c->psc));
	op_cell(g, cell(r, c->psc_desc));
	op_cell(g, cell(r, c->naics));
	op_cell(g, cell(r, c->naics_desc));
	if ((rc = bh_ing_op_end(g, st->summary ? "award insert" : "txn insert")) < 0)
		return rc;
	g->rows++;
	return 0;
}

/* Reads the header, then every row through `fn`. */
static int each_row(bh_ing *g, run_state *st, int (*fn)(run_state *, bh_row *),
		    void (*map)(cols *, const bh_row *))
{
	bh_csv *csv = NULL;
	bh_row *row;
	int rc;

	if ((rc = bh_csv_open(&csv, g->in, ',', 0)) < 0 || (rc = bh_ing_start_writer(g)) < 0) {
		bh_csv_free(csv);
		return rc;
	}
	rc = bh_csv_next(csv, &row);
	if (rc <= 0) {
		bh_csv_free(csv);
		return rc < 0 ? rc : bh_error_set(BH_EFORMAT, "%s: no header row", g->in->name);
	}
	/* a UTF-8 BOM before the first header name */
	if (row->ncells && row->cells[0].n >= 3 && memcmp(row->cells[0].p, "\xEF\xBB\xBF", 3) == 0) {
		row->cells[0].p += 3;
		row->cells[0].n -= 3;
	}
	map(&st->c, row);
	st->ncols = row->ncells;
	while ((rc = bh_csv_next(csv, &row)) > 0) {
		if (bh_row_blank(row))
			continue;
		if (bh_ing_csv_gate(g, row, st->ncols))
			continue;
		if ((rc = fn(st, row)) < 0)
			break;
		bh_ing_progress(g);
	}
	bh_csv_free(csv);
	return rc;
}

static int run_awards(bh_ing *g, int summary)
{
	run_state st;
	int rc;

	memset(&st, 0, sizeof st);
	st.g = g;
	st.summary = summary;
	st.d1.column = summary ? "award_base_action_date" : "action_date";
	st.d2.column = "award_latest_action_date";
	rc = bh_store_prepare(
		&st.ins, g->store,
		summary ? "INSERT INTO award(source_id, line, award_key, piid, parent_piid, agency,"
			  " subagency, office, recipient, parent, base_date, latest_date, amount,"
			  " potential, description, psc, psc_desc, naics, naics_desc)"
			  " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
			: "INSERT INTO txn(source_id, line, txn_key, award_key, piid, modification,"
			  " parent_piid, agency, subagency, office, funding_subagency, recipient, parent,"
			  " action_date, amount, action_type, description, psc, psc_desc, naics,"
			  " naics_desc) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	if (rc < 0)
		return rc;
	rc = each_row(g, &st, award_row, map_columns);
	if (rc >= 0 && st.c.amount < 0)
		rc = bh_error_set(BH_EFORMAT, "%s: header lacks %s", g->in->name,
				  summary ? "total_obligated_amount" : "federal_action_obligation");
	if (rc >= 0)
		rc = bh_datecol_finish(&st.d1, g, summary ? "award" : "txn",
				       summary ? "base_date" : "action_date");
	if (rc >= 0 && summary)
		rc = bh_datecol_finish(&st.d2, g, "award", "latest_date");
	if (rc >= 0)
		rc = bh_ing_flush(g); /* the writer may still hold ops on st.ins */
	bh_ing_stop_writer(g);
	sqlite3_finalize(st.ins);
	bh_buf_free(&st.key);
	return rc < 0 ? rc : 0;
}

static int run_txn(bh_ing *g)
{
	return run_awards(g, 0);
}

static int run_award(bh_ing *g)
{
	return run_awards(g, 1);
}

/* ---- subawards ------------------------------------------------------ */

static int sub_row(run_state *st, bh_row *r)
{
	bh_ing *g = st->g;
	const cols *c = &st->c;
	sqlite3_stmt *q = st->ins;
	int64_t line = r->line, agency, subag, office, prime, sub, sub_parent, prime_parent, amount = 0;
	char date[11] = "";
	int rc, has_amount;
	org_cells o;

	cellv key = cell(r, c->award_key);
	if (!key.n)
		return bh_ing_reject(g, line, r->raw, r->rawlen, "prime_award_unique_key is empty");
	has_amount = bh_money_parse(cell(r, c->amount).p, cell(r, c->amount).n, &amount);
	if (has_amount < 0)
		return bh_ing_reject(g, line, r->raw, r->rawlen, "subaward_amount is not an amount: '%.*s'",
				     (int)cell(r, c->amount).n, cell(r, c->amount).p);
	cellv dv = cell(r, c->date);
	if (bh_datecol_value(&st->d1, dv.p, dv.n, line, date) < 0)
		return bh_ing_reject(g, line, r->raw, r->rawlen, "subaward_action_date is not a date: '%.*s'",
				     (int)dv.n, dv.p);
	if ((rc = public_bodies(g, r, c, &agency, &subag, &office, line)) < 0)
		return rc;
	o = (org_cells){cell(r, c->uei), cell(r, c->duns), cell(r, c->name), cell(r, c->dba),
			{"", 0}, cell(r, c->addr), cell(r, c->city), cell(r, c->state),
			cell(r, c->zip), cell(r, c->country)};
	if ((rc = organization(&prime, g, &o, line)) < 0)
		return rc;
	o = (org_cells){cell(r, c->s_uei), cell(r, c->s_duns), cell(r, c->s_name), cell(r, c->s_dba),
			{"", 0}, cell(r, c->s_addr), cell(r, c->s_city), cell(r, c->s_state),
			cell(r, c->s_zip), cell(r, c->s_country)};
	if ((rc = organization(&sub, g, &o, line)) < 0)
		return rc;
	if (!prime || !sub)
		return bh_ing_reject(g, line, r->raw, r->rawlen, "no %s (UEI, DUNS and name are all empty)",
				     prime ? "subawardee" : "prime awardee");
	const char *ldate = date[0] && date[4] == '-' ? date : NULL;
	if ((rc = parent_org(&prime_parent, g, prime, cell(r, c->p_uei), cell(r, c->p_duns),
			     cell(r, c->p_name), ldate, line)) < 0 ||
	    (rc = parent_org(&sub_parent, g, sub, cell(r, c->sp_uei), cell(r, c->sp_duns),
			     cell(r, c->sp_name), ldate, line)) < 0 ||
	    (rc = bh_ing_link(g, "subcontracted", prime, sub, ldate, amount, has_amount == 1, line)) < 0)
		return rc;
	bh_ing_op_begin(g, q, 12);
	bh_ing_op_int(g, g->source_id, 0);
	bh_ing_op_int(g, line, 0);
	op_cell(g, key);
	op_cell(g, cell(r, c->piid));
	op_rid(g, subag ? subag : agency);
	op_rid(g, prime);
	op_rid(g, sub);
	op_rid(g, sub_parent);
	op_cell(g, cell(r, c->s_number));
	bh_ing_op_text(g, date, strlen(date));
	if (has_amount == 1)
		bh_ing_op_int(g, amount, 0);
	else
		bh_ing_op_null(g);
	op_cell(g, cell(r, c->desc));
	if ((rc = bh_ing_op_end(g, "subaward insert")) < 0)
		return rc;
	g->rows++;
	return 0;
}

static int run_sub(bh_ing *g)
{
	run_state st;
	int rc;
	memset(&st, 0, sizeof st);
	st.g = g;
	st.d1.column = "subaward_action_date";
	rc = bh_store_prepare(&st.ins, g->store,
			      "INSERT INTO subaward(source_id, line, prime_award_key, prime_piid, subagency,"
			      " prime, sub, sub_parent, number, action_date, amount, description)"
			      " VALUES(?,?,?,?,?,?,?,?,?,?,?,?)");
	if (rc < 0)
		return rc;
	rc = each_row(g, &st, sub_row, map_sub_columns);
	if (rc >= 0)
		rc = bh_datecol_finish(&st.d1, g, "subaward", "action_date");
	if (rc >= 0)
		rc = bh_ing_flush(g); /* the writer may still hold ops on st.ins */
	bh_ing_stop_writer(g);
	sqlite3_finalize(st.ins);
	return rc < 0 ? rc : 0;
}

const bh_format bh_fmt_usaspending_txn = {
	"usaspending-transactions",
	"USAspending contract transactions (FPDS actions; older and current download layouts)",
	detect_txn,
	run_txn,
};

const bh_format bh_fmt_usaspending_award = {
	"usaspending-awards",
	"USAspending contract prime award summaries",
	detect_award,
	run_award,
};

const bh_format bh_fmt_usaspending_sub = {
	"usaspending-subawards",
	"USAspending contract subawards (prime -> sub)",
	detect_sub,
	run_sub,
};
