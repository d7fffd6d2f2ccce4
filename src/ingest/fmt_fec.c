/* FEC bulk files (https://www.fec.gov/data/browse-data/?tab=bulk-data):
 * committee master (cm), candidate master (cn), candidate-committee
 * linkages (ccl), itemized individual contributions (itcont), committee-to-
 * committee transactions (itoth), committee-to-candidate contributions
 * (itpas2) and PAC summaries (webk). The files are `|`-separated with no
 * header row and no quoting; their kind is told from the first lines of the
 * content (field count and the shape of the id, date and type fields),
 * never from the file name. Field orders are the FEC's header files.
 *
 * Entities: committees and candidates by FEC id ("fec:C00498691",
 * "fec:H0AL01055"); the connected organization of a PAC by normalized name
 * ("name:<KEY>", the id other sources give a nameless-id organization);
 * individual contributors as written, one per name and ZIP-5
 * ("fecind:<KEY>|<ZIP5>"; merging them into people is resolution's job).
 * Links: sponsors (connected organization -> committee), candidate_committee
 * (committee -> candidate), contributed / refunded / spent_for /
 * spent_against (by transaction type; see link_kind). Memo entries make no
 * link, and a receipt from a registered committee makes none either: the
 * giver reports the same money as its disbursement. The counting rule for
 * totals is in schema_fec.c and docs/sources.md. */
#include "ingest/ingestInt.h"
#include "ingest/value.h"
#include "util/err.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* ---- field shapes --------------------------------------------------- */

typedef struct {
	const char *p;
	size_t n;
} fv;

static fv field(const bh_row *r, size_t i)
{
	fv v = {"", 0};
	if (i >= r->ncells)
		return v;
	v.p = r->cells[i].p;
	v.n = r->cells[i].n;
	while (v.n && (*v.p == ' ' || *v.p == '\t'))
		v.p++, v.n--;
	while (v.n && (v.p[v.n - 1] == ' ' || v.p[v.n - 1] == '\t' || v.p[v.n - 1] == '\r'))
		v.n--;
	return v;
}

static int all_alnum(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)p[i]))
			return 0;
	return 1;
}

/* C followed by 8 digits. */
static int is_cmte_id(const char *p, size_t n)
{
	if (n != 9 || p[0] != 'C')
		return 0;
	for (size_t i = 1; i < 9; i++)
		if (!isdigit((unsigned char)p[i]))
			return 0;
	return 1;
}

/* H, S or P, then 8 letters or digits (e.g. H0AL01055, S2KY00012). */
static int is_cand_id(const char *p, size_t n)
{
	return n == 9 && (p[0] == 'H' || p[0] == 'S' || p[0] == 'P') && all_alnum(p, n);
}

static int is_date8(const char *p, size_t n)
{
	if (n == 0)
		return 1;
	if (n != 8)
		return 0;
	for (size_t i = 0; i < 8; i++)
		if (!isdigit((unsigned char)p[i]))
			return 0;
	return 1;
}

/* ---- detection ------------------------------------------------------ */

#define MAX_DETECT_FIELDS 40

/* Splits the line of `head` starting at *pos on '|' into f (views into
 * head); advances *pos past the line end. Returns the field count, or 0
 * when no complete line is left. */
static size_t split_line(const char *head, size_t len, size_t *pos, fv *f)
{
	size_t s = *pos, e = s, n = 0;
	if (s >= len)
		return 0;
	while (e < len && head[e] != '\n')
		e++;
	if (e == len && s != 0)
		return 0; /* a line cut by the end of the head block */
	*pos = e + 1;
	if (e > s && head[e - 1] == '\r')
		e--;
	size_t a = s;
	for (size_t i = s; i <= e; i++) {
		if (i == e || head[i] == '|') {
			if (n < MAX_DETECT_FIELDS) {
				f[n].p = head + a;
				f[n].n = i - a;
			}
			n++;
			a = i + 1;
		}
	}
	return n;
}

enum { K_CM, K_CN, K_CCL, K_INDIV, K_OTH, K_PAS2, K_WEBK, K_NONE };

/* The kind of one line, from its field count and field shapes. */
static int line_kind(const fv *f, size_t n)
{
	switch (n) {
	case 7:
		if (is_cand_id(f[0].p, f[0].n) && is_cmte_id(f[3].p, f[3].n))
			return K_CCL;
		break;
	case 15:
		if (is_cmte_id(f[0].p, f[0].n) && f[8].n <= 1 && f[9].n <= 1)
			return K_CM;
		if (is_cand_id(f[0].p, f[0].n) && f[5].n == 1 && strchr("HSP", f[5].p[0]))
			return K_CN;
		break;
	case 21:
		if (is_cmte_id(f[0].p, f[0].n) && f[1].n <= 1 && is_date8(f[13].p, f[13].n))
			return f[6].n == 3 && memcmp(f[6].p, "IND", 3) == 0 ? K_INDIV : K_OTH;
		break;
	case 22:
		if (is_cmte_id(f[0].p, f[0].n) && f[1].n <= 1 && is_date8(f[13].p, f[13].n))
			return K_PAS2;
		break;
	case 27:
		if (is_cmte_id(f[0].p, f[0].n) && f[2].n <= 1)
			return K_WEBK;
		break;
	}
	return K_NONE;
}

/* Votes over the first lines of the head: two thirds of them must have
 * the kind's shape (a few malformed rows are the reader's to reject).
 * itcont and itoth share a layout: a file whose rows are mostly
 * individuals (ENTITY_TP IND) is itcont. */
static int detect_kind(const char *head, size_t len, int want)
{
	fv f[MAX_DETECT_FIELDS];
	size_t pos = 0, n;
	int votes[K_NONE + 1] = {0}, lines = 0;

	while (lines < 200 && (n = split_line(head, len, &pos, f)) > 0) {
		if (n == 1 && f[0].n == 0)
			continue;
		lines++;
		votes[line_kind(f, n)]++;
	}
	if (!lines)
		return 0;
	int item = votes[K_INDIV] + votes[K_OTH];
	if (want == K_INDIV || want == K_OTH) {
		if (item * 3 < lines * 2)
			return 0;
		int indiv = votes[K_INDIV] * 2 >= item;
		return (want == K_INDIV) == indiv ? 90 : 0;
	}
	return votes[want] * 3 >= lines * 2 ? 90 : 0;
}

static int detect_cm(const char *h, size_t n) { return detect_kind(h, n, K_CM); }
static int detect_cn(const char *h, size_t n) { return detect_kind(h, n, K_CN); }
static int detect_ccl(const char *h, size_t n) { return detect_kind(h, n, K_CCL); }
static int detect_indiv(const char *h, size_t n) { return detect_kind(h, n, K_INDIV); }
static int detect_oth(const char *h, size_t n) { return detect_kind(h, n, K_OTH); }
static int detect_pas2(const char *h, size_t n) { return detect_kind(h, n, K_PAS2); }
static int detect_webk(const char *h, size_t n) { return detect_kind(h, n, K_WEBK); }

/* ---- shared helpers ------------------------------------------------- */

typedef struct fec_run fec_run;
struct fec_run {
	bh_ing *g;
	sqlite3_stmt *ins, *rename;
	const char *file; /* itcont | itoth | itpas2 */
	int (*row)(fec_run *, bh_row *);
	size_t nfields;
};

/* Values of the op being built (ingestInt.h, "ops"): an empty field is
 * NULL, as is an absent number or entity. */
static void op_fv(bh_ing *g, fv v)
{
	bh_ing_op_text(g, v.p, v.n);
}

static void op_opt_int(bh_ing *g, int64_t v, int has)
{
	if (has)
		bh_ing_op_int(g, v, 0);
	else
		bh_ing_op_null(g);
}

static void op_rid(bh_ing *g, int64_t rid)
{
	if (rid)
		bh_ing_op_int(g, rid, 1);
	else
		bh_ing_op_null(g);
}

/* The first values of a master file's row (cm, cn): source, line, the id,
 * its entity, then fields 1 and 2 (the name and the next field). */
static void op_master(fec_run *st, const bh_row *r, int nvals, fv id, int64_t rid)
{
	bh_ing *g = st->g;
	bh_ing_op_begin(g, st->ins, nvals);
	bh_ing_op_int(g, g->source_id, 0);
	bh_ing_op_int(g, r->line, 0);
	op_fv(g, id);
	bh_ing_op_int(g, rid, 1);
	op_fv(g, field(r, 1));
	op_fv(g, field(r, 2));
}

static int end_insert(fec_run *st, const char *what)
{
	int rc = bh_ing_op_end(st->g, what);
	if (rc < 0)
		return rc;
	st->g->rows++;
	return 0;
}

/* The entity of an FEC id, created with `name` (or the id) if new. A master
 * file names it officially: `official` renames an entity that an earlier
 * file (a linkage, a transaction) created under the id or another name. */
static int fec_entity(int64_t *rid, fec_run *st, fv id, const char *kind, fv name, int official)
{
	char key[32];
	int rc;
	snprintf(key, sizeof key, "fec:%.*s", (int)id.n, id.p);
	if ((rc = bh_ing_entity(rid, st->g, key, kind, name.n ? name.p : id.p,
				name.n ? name.n : id.n)) < 0)
		return rc;
	if (official && name.n && st->rename) {
		bh_ing_op_begin(st->g, st->rename, 2);
		bh_ing_op_int(st->g, *rid, 1);
		op_fv(st->g, name);
		return bh_ing_op_end(st->g, "entity rename");
	}
	return 0;
}

/* An organization known only by name ("name:<KEY>"); 0 if the name is
 * empty or a placeholder. */
static int named_org(int64_t *rid, bh_ing *g, fv name, const char *kind, int64_t line)
{
	char key[512], id[520];
	*rid = 0;
	if (!name.n || !bh_name_key(key, sizeof key, name.p, name.n))
		return 0;
	if (!strcmp(key, "NONE") || !strcmp(key, "N A") || !strcmp(key, "NA"))
		return 0;
	snprintf(id, sizeof id, "name:%s", key);
	int rc = bh_ing_entity(rid, g, id, kind, name.p, name.n);
	if (rc < 0)
		return rc;
	return bh_ing_statement(g, *rid, "name", name.p, name.n, line);
}

static int stmt(bh_ing *g, int64_t rid, const char *prop, fv v, int64_t line)
{
	return bh_ing_statement(g, rid, prop, v.p, v.n, line);
}

/* ---- committee master (cm) ------------------------------------------ */

/* CMTE_ID CMTE_NM TRES_NM CMTE_ST1 CMTE_ST2 CMTE_CITY CMTE_ST CMTE_ZIP
 * CMTE_DSGN CMTE_TP CMTE_PTY_AFFILIATION CMTE_FILING_FREQ ORG_TP
 * CONNECTED_ORG_NM CAND_ID */
static int cm_row(fec_run *st, bh_row *r)
{
	bh_ing *g = st->g;
	int64_t line = r->line, cmte, org = 0, cand = 0;
	fv id = field(r, 0), name = field(r, 1), cid = field(r, 14);
	int rc;

	if (!is_cmte_id(id.p, id.n))
		return bh_ing_reject(g, line, r->raw, r->rawlen, "CMTE_ID is not a committee id: '%.*s'",
				     (int)id.n, id.p);
	if ((rc = fec_entity(&cmte, st, id, "committee", name, 1)) < 0 ||
	    (rc = stmt(g, cmte, "name", name, line)) < 0 ||
	    (rc = stmt(g, cmte, "fec_id", id, line)) < 0 ||
	    (rc = stmt(g, cmte, "treasurer", field(r, 2), line)) < 0 ||
	    (rc = stmt(g, cmte, "address", field(r, 3), line)) < 0 ||
	    (rc = stmt(g, cmte, "city", field(r, 5), line)) < 0 ||
	    (rc = stmt(g, cmte, "state", field(r, 6), line)) < 0 ||
	    (rc = stmt(g, cmte, "committee_designation", field(r, 8), line)) < 0 ||
	    (rc = stmt(g, cmte, "committee_type", field(r, 9), line)) < 0 ||
	    (rc = stmt(g, cmte, "party", field(r, 10), line)) < 0 ||
	    (rc = stmt(g, cmte, "org_type", field(r, 12), line)) < 0)
		return rc;
	fv zip = field(r, 7);
	if (zip.n > 5)
		zip.n = 5;
	if ((rc = stmt(g, cmte, "zip", zip, line)) < 0)
		return rc;
	if ((rc = named_org(&org, g, field(r, 13), "organization", line)) < 0 ||
	    (rc = bh_ing_link(g, "sponsors", org, cmte, NULL, 0, 0, line)) < 0)
		return rc;
	if (is_cand_id(cid.p, cid.n)) {
		if ((rc = fec_entity(&cand, st, cid, "candidate", (fv){"", 0}, 0)) < 0 ||
		    (rc = bh_ing_link(g, "candidate_committee", cmte, cand, NULL, 0, 0, line)) < 0)
			return rc;
	}
	op_master(st, r, 17, id, cmte);
	for (size_t i = 5; i <= 13; i++)
		op_fv(g, field(r, i));
	op_rid(g, org);
	op_fv(g, cid);
	return end_insert(st, "fec_committee insert");
}

/* ---- candidate master (cn) ------------------------------------------ */

/* CAND_ID CAND_NAME CAND_PTY_AFFILIATION CAND_ELECTION_YR CAND_OFFICE_ST
 * CAND_OFFICE CAND_OFFICE_DISTRICT CAND_ICI CAND_STATUS CAND_PCC CAND_ST1
 * CAND_ST2 CAND_CITY CAND_ST CAND_ZIP */
static int cn_row(fec_run *st, bh_row *r)
{
	bh_ing *g = st->g;
	int64_t line = r->line, cand, pcc = 0;
	fv id = field(r, 0), name = field(r, 1), pid = field(r, 9), yr = field(r, 3);
	int rc;

	if (!is_cand_id(id.p, id.n))
		return bh_ing_reject(g, line, r->raw, r->rawlen, "CAND_ID is not a candidate id: '%.*s'",
				     (int)id.n, id.p);
	if ((rc = fec_entity(&cand, st, id, "candidate", name, 1)) < 0 ||
	    (rc = stmt(g, cand, "name", name, line)) < 0 ||
	    (rc = stmt(g, cand, "fec_id", id, line)) < 0 ||
	    (rc = stmt(g, cand, "party", field(r, 2), line)) < 0 ||
	    (rc = stmt(g, cand, "office", field(r, 5), line)) < 0 ||
	    (rc = stmt(g, cand, "office_state", field(r, 4), line)) < 0 ||
	    (rc = stmt(g, cand, "district", field(r, 6), line)) < 0 ||
	    (rc = stmt(g, cand, "city", field(r, 12), line)) < 0 ||
	    (rc = stmt(g, cand, "state", field(r, 13), line)) < 0)
		return rc;
	if (is_cmte_id(pid.p, pid.n) &&
	    ((rc = fec_entity(&pcc, st, pid, "committee", (fv){"", 0}, 0)) < 0 ||
	     (rc = bh_ing_link(g, "candidate_committee", pcc, cand, NULL, 0, 0, line)) < 0))
		return rc;
	op_master(st, r, 16, id, cand);
	op_opt_int(g, yr.n == 4 && all_alnum(yr.p, 4) ? atoi(yr.p) : 0, yr.n == 4 && all_alnum(yr.p, 4));
	for (size_t i = 4; i <= 9; i++)
		op_fv(g, field(r, i));
	for (size_t i = 12; i <= 14; i++)
		op_fv(g, field(r, i));
	return end_insert(st, "fec_candidate insert");
}

/* ---- candidate-committee linkages (ccl) ----------------------------- */

/* CAND_ID CAND_ELECTION_YR FEC_ELECTION_YR CMTE_ID CMTE_TP CMTE_DSGN
 * LINKAGE_ID */
static int ccl_row(fec_run *st, bh_row *r)
{
	bh_ing *g = st->g;
	int64_t line = r->line, cand, cmte;
	fv cid = field(r, 0), mid = field(r, 3);
	int rc;

	if (is_cmte_id(cid.p, cid.n))
		return bh_ing_reject(g, line, r->raw, r->rawlen,
				     "CAND_ID '%.*s' is a committee id, not a candidate id (so in the"
				     " FEC file); the linkage names no candidate",
				     (int)cid.n, cid.p);
	if (!is_cand_id(cid.p, cid.n) || !is_cmte_id(mid.p, mid.n))
		return bh_ing_reject(g, line, r->raw, r->rawlen,
				     "CAND_ID or CMTE_ID is not an FEC id: '%.*s', '%.*s'", (int)cid.n,
				     cid.p, (int)mid.n, mid.p);
	if ((rc = fec_entity(&cand, st, cid, "candidate", (fv){"", 0}, 0)) < 0 ||
	    (rc = fec_entity(&cmte, st, mid, "committee", (fv){"", 0}, 0)) < 0 ||
	    (rc = bh_ing_link(g, "candidate_committee", cmte, cand, NULL, 0, 0, line)) < 0)
		return rc;
	fv y1 = field(r, 1), y2 = field(r, 2);
	bh_ing_op_begin(g, st->ins, 9);
	bh_ing_op_int(g, g->source_id, 0);
	bh_ing_op_int(g, line, 0);
	op_fv(g, cid);
	op_opt_int(g, y1.n == 4 ? atoi(y1.p) : 0, y1.n == 4);
	op_opt_int(g, y2.n == 4 ? atoi(y2.p) : 0, y2.n == 4);
	op_fv(g, mid);
	for (size_t i = 4; i <= 6; i++)
		op_fv(g, field(r, i));
	return end_insert(st, "fec_linkage insert");
}

/* ---- itemized transactions (itcont, itoth, itpas2) ------------------ */

/* The link a transaction makes, by type: receipts (1x) come from the
 * counterparty, disbursements (2x) go to it; refunds (22x) are "refunded",
 * independent expenditures and coordinated or communication costs are
 * spending about a candidate. 3x/4x (Levin, convention accounts): none. */
static const char *link_kind(fv tp, int *inbound)
{
	*inbound = 0;
	if (tp.n < 2)
		return NULL;
	if (tp.p[0] == '1') {
		*inbound = 1;
		return "contributed";
	}
	if (tp.p[0] != '2')
		return NULL;
	if (tp.p[1] == '2')
		return "refunded";
	if (tp.n == 3 && tp.p[1] == '4') {
		switch (tp.p[2]) {
		case 'A':
		case 'N':
			return "spent_against";
		case 'C':
		case 'E':
		case 'F':
			return "spent_for";
		}
	}
	return "contributed";
}

/* Itemized layout: CMTE_ID AMNDT_IND RPT_TP TRANSACTION_PGI IMAGE_NUM
 * TRANSACTION_TP ENTITY_TP NAME CITY STATE ZIP_CODE EMPLOYER OCCUPATION
 * TRANSACTION_DT TRANSACTION_AMT OTHER_ID [CAND_ID: itpas2 only] TRAN_ID
 * FILE_NUM MEMO_CD MEMO_TEXT SUB_ID */
static int txn_row(fec_run *st, bh_row *r)
{
	bh_ing *g = st->g;
	int64_t line = r->line, cmte, other = 0, cand = 0, amount = 0;
	int pas2 = st->nfields == 22, rc = 0, has_amount, inbound;
	size_t o = pas2 ? 1 : 0;
	fv id = field(r, 0), tp = field(r, 5), etp = field(r, 6), name = field(r, 7);
	fv dt = field(r, 13), amt = field(r, 14), oid = field(r, 15), cid = pas2 ? field(r, 16) : (fv){"", 0};
	fv memo = field(r, 18 + o), sub = field(r, 20 + o), zip = field(r, 10);
	char date[11] = "";

	if (!is_cmte_id(id.p, id.n))
		return bh_ing_reject(g, line, r->raw, r->rawlen, "CMTE_ID is not a committee id: '%.*s'",
				     (int)id.n, id.p);
	if (!sub.n)
		return bh_ing_reject(g, line, r->raw, r->rawlen, "SUB_ID is empty");
	if (bh_date_mdy(dt.p, dt.n, 1, date) < 0)
		return bh_ing_reject(g, line, r->raw, r->rawlen,
				     "TRANSACTION_DT is not a MMDDYYYY date: '%.*s'", (int)dt.n, dt.p);
	has_amount = bh_money_parse(amt.p, amt.n, &amount);
	if (has_amount < 0)
		return bh_ing_reject(g, line, r->raw, r->rawlen,
				     "TRANSACTION_AMT is not an amount: '%.*s'", (int)amt.n, amt.p);
	if ((rc = fec_entity(&cmte, st, id, "committee", (fv){"", 0}, 0)) < 0)
		return rc;
	if (zip.n > 5)
		zip.n = 5;

	/* the counterparty: a registered committee or candidate by id, else a
	 * person or organization as written */
	int registered = is_cmte_id(oid.p, oid.n);
	if (registered || is_cand_id(oid.p, oid.n)) {
		if ((rc = fec_entity(&other, st, oid, registered ? "committee" : "candidate", name, 0)) < 0)
			return rc;
	} else if (name.n && etp.n == 3 && (!memcmp(etp.p, "IND", 3) || !memcmp(etp.p, "CAN", 3))) {
		char key[400], pid[420];
		if (bh_name_key(key, sizeof key, name.p, name.n)) {
			snprintf(pid, sizeof pid, "fecind:%s|%.*s", key, (int)zip.n, zip.p);
			if ((rc = bh_ing_entity(&other, g, pid, "person", name.p, name.n)) < 0 ||
			    (rc = stmt(g, other, "name", name, line)) < 0 ||
			    (rc = stmt(g, other, "city", field(r, 8), line)) < 0 ||
			    (rc = stmt(g, other, "state", field(r, 9), line)) < 0 ||
			    (rc = stmt(g, other, "zip", zip, line)) < 0 ||
			    (rc = stmt(g, other, "employer", field(r, 11), line)) < 0 ||
			    (rc = stmt(g, other, "occupation", field(r, 12), line)) < 0)
				return rc;
		}
	} else if ((rc = named_org(&other, g, name, "organization", line)) < 0) {
		return rc;
	}
	if (pas2 && is_cand_id(cid.p, cid.n) &&
	    (rc = fec_entity(&cand, st, cid, "candidate", (fv){"", 0}, 0)) < 0)
		return rc;

	int is_memo = memo.n == 1 && memo.p[0] == 'X';
	const char *kind = link_kind(tp, &inbound);
	if (!is_memo && kind) {
		const char *d = date[0] ? date : NULL;
		int64_t to = pas2 && cand ? cand : other;
		if (inbound && !registered)
			rc = bh_ing_link(g, kind, other, cmte, d, amount, has_amount == 1, line);
		else if (!inbound)
			rc = bh_ing_link(g, kind, cmte, to, d, amount, has_amount == 1, line);
		if (rc < 0)
			return rc;
	}

	bh_ing_op_begin(g, st->ins, 28);
	bh_ing_op_int(g, g->source_id, 0);
	bh_ing_op_int(g, line, 0);
	bh_ing_op_text(g, st->file, strlen(st->file));
	op_fv(g, id);
	bh_ing_op_int(g, cmte, 1);
	for (size_t i = 1; i <= 12; i++)
		op_fv(g, i == 10 ? zip : field(r, i));
	bh_ing_op_text(g, date, strlen(date));
	op_opt_int(g, amount, has_amount == 1);
	op_fv(g, oid);
	op_rid(g, other);
	op_fv(g, cid);
	op_rid(g, cand);
	for (size_t i = 16; i <= 19; i++)
		op_fv(g, field(r, i + o));
	op_fv(g, sub);
	return end_insert(st, "fec_txn insert");
}

/* ---- PAC summaries (webk) ------------------------------------------- */

static int money_field(const bh_row *r, size_t i, int64_t *cents)
{
	fv v = field(r, i);
	return bh_money_parse(v.p, v.n, cents);
}

/* CMTE_ID CMTE_NM CMTE_TP CMTE_DSGN CMTE_FILING_FREQ TTL_RECEIPTS
 * TRANS_FROM_AFF INDV_CONTRIB ... TTL_DISB (12) ... COH_COP (19) ...
 * CONTRIB_TO_OTHER_CMTE (22) ... CVG_END_DT (26, MM/DD/YYYY) */
static int webk_row(fec_run *st, bh_row *r)
{
	static const size_t money[] = {5, 7, 12, 22, 19};
	bh_ing *g = st->g;
	int64_t line = r->line, cmte, v[5];
	int has[5], rc;
	fv id = field(r, 0), end = field(r, 26);
	char date[11] = "";

	if (!is_cmte_id(id.p, id.n))
		return bh_ing_reject(g, line, r->raw, r->rawlen, "CMTE_ID is not a committee id: '%.*s'",
				     (int)id.n, id.p);
	for (int i = 0; i < 5; i++) {
		has[i] = money_field(r, money[i], &v[i]);
		if (has[i] < 0)
			return bh_ing_reject(g, line, r->raw, r->rawlen, "field %zu is not an amount",
					     money[i] + 1);
	}
	if (bh_date_mdy(end.p, end.n, 0, date) < 0)
		return bh_ing_reject(g, line, r->raw, r->rawlen, "CVG_END_DT is not a date: '%.*s'",
				     (int)end.n, end.p);
	if ((rc = fec_entity(&cmte, st, id, "committee", field(r, 1), 0)) < 0 ||
	    (rc = stmt(g, cmte, "name", field(r, 1), line)) < 0)
		return rc;
	bh_ing_op_begin(g, st->ins, 13);
	bh_ing_op_int(g, g->source_id, 0);
	bh_ing_op_int(g, line, 0);
	op_fv(g, id);
	bh_ing_op_int(g, cmte, 1);
	for (size_t i = 1; i <= 3; i++)
		op_fv(g, field(r, i));
	for (int i = 0; i < 5; i++)
		op_opt_int(g, v[i], has[i] == 1);
	bh_ing_op_text(g, date, strlen(date));
	return end_insert(st, "fec_pac_summary insert");
}

/* ---- the loop ------------------------------------------------------- */

static int run_fec(bh_ing *g, const char *sql, const char *file, size_t nfields,
		   int (*fn)(fec_run *, bh_row *))
{
	fec_run st;
	bh_csv *csv = NULL;
	bh_row *row;
	int rc;

	memset(&st, 0, sizeof st);
	st.g = g;
	st.file = file;
	st.row = fn;
	st.nfields = nfields;
	if ((rc = bh_store_prepare(&st.ins, g->store, sql)) < 0)
		goto cleanup;
	if ((fn == cm_row || fn == cn_row) &&
	    (rc = bh_store_prepare(&st.rename, g->store,
				   "UPDATE entity SET name=?2 WHERE rid=?1 AND name<>?2")) < 0)
		goto cleanup;
	if ((rc = bh_csv_open(&csv, g->in, '|', BH_CSV_NOQUOTE)) < 0 ||
	    (rc = bh_ing_start_writer(g)) < 0)
		goto cleanup;
	while ((rc = bh_csv_next(csv, &row)) > 0) {
		if (bh_row_blank(row))
			continue;
		if (bh_ing_csv_gate(g, row, nfields))
			continue;
		if ((rc = fn(&st, row)) < 0)
			break;
		bh_ing_progress(g);
	}
	if (rc >= 0)
		rc = bh_ing_flush(g); /* the writer may still hold ops on st.ins */
cleanup:
	bh_ing_stop_writer(g);
	bh_csv_free(csv);
	sqlite3_finalize(st.ins);
	sqlite3_finalize(st.rename);
	return rc < 0 ? rc : 0;
}

#define TXN_SQL                                                                                     \
	"INSERT INTO fec_txn(source_id, line, file, cmte_id, cmte, amndt, report_type, pgi,"        \
	" image_num, tx_type, entity_type, name, city, state, zip, employer, occupation, date,"      \
	" amount, other_id, counterparty, cand_id, cand, tran_id, file_num, memo_cd, memo_text,"    \
	" sub_id) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"

static int run_cm(bh_ing *g)
{
	return run_fec(g,
		       "INSERT INTO fec_committee(source_id, line, cmte_id, entity, name, treasurer,"
		       " city, state, zip, designation, type, party, filing_freq, org_type,"
		       " connected_org, connected, cand_id) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
		       NULL, 15, cm_row);
}

static int run_cn(bh_ing *g)
{
	return run_fec(g,
		       "INSERT INTO fec_candidate(source_id, line, cand_id, entity, name, party,"
		       " election_year, office_state, office, district, ici, status, pcc_id, city,"
		       " state, zip) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
		       NULL, 15, cn_row);
}

static int run_ccl(bh_ing *g)
{
	return run_fec(g,
		       "INSERT INTO fec_linkage(source_id, line, cand_id, cand_year, fec_year, cmte_id,"
		       " cmte_type, cmte_designation, linkage_id) VALUES(?,?,?,?,?,?,?,?,?)",
		       NULL, 7, ccl_row);
}

static int run_indiv(bh_ing *g)
{
	return run_fec(g, TXN_SQL, "itcont", 21, txn_row);
}

static int run_oth(bh_ing *g)
{
	return run_fec(g, TXN_SQL, "itoth", 21, txn_row);
}

static int run_pas2(bh_ing *g)
{
	return run_fec(g, TXN_SQL, "itpas2", 22, txn_row);
}

static int run_webk(bh_ing *g)
{
	return run_fec(g,
		       "INSERT INTO fec_pac_summary(source_id, line, cmte_id, cmte, name, type,"
		       " designation, receipts, individual_contrib, disbursements, contrib_to_other,"
		       " cash_end, coverage_end) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)",
		       NULL, 27, webk_row);
}

const bh_format bh_fmt_fec_cm = {
	"fec-committees", "FEC committee master (cm.txt, |-separated, no header)", detect_cm, run_cm,
};
const bh_format bh_fmt_fec_cn = {
	"fec-candidates", "FEC candidate master (cn.txt)", detect_cn, run_cn,
};
const bh_format bh_fmt_fec_ccl = {
	"fec-linkages", "FEC candidate-committee linkages (ccl.txt)", detect_ccl, run_ccl,
};
const bh_format bh_fmt_fec_indiv = {
	"fec-individual", "FEC contributions by individuals (itcont.txt)", detect_indiv, run_indiv,
};
const bh_format bh_fmt_fec_oth = {
	"fec-committee-txn", "FEC transactions between committees (itoth.txt)", detect_oth, run_oth,
};
const bh_format bh_fmt_fec_pas2 = {
	"fec-to-candidates", "FEC contributions from committees to candidates (itpas2.txt)",
	detect_pas2, run_pas2,
};
const bh_format bh_fmt_fec_webk = {
	"fec-pac-summary", "FEC PAC and party summary financials (webk.txt)", detect_webk, run_webk,
};
