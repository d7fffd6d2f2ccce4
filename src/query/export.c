/* `behind export`: the graph (or the ball around one cluster) as GEXF 1.2,
 * GraphML, FollowTheMoney JSON lines or CSV. The selection is made once in
 * SQL, into temp tables gx_node (clusters), gx_edge (link rows whose two ends
 * are selected clusters) and gx_url (the official page of each edge's first
 * record, found by one pass over each fact table), then each writer walks
 * the same two result sets, so the four formats always agree.
 *
 * XML goes through libxml2's xmlTextWriter (it escapes); JSON through
 * bh_json_str; CSV through bh_csv_cell (quotes, formula injection). */
#include "query/graph.h"
#include "query/queryInt.h"

#include <libxml/xmlwriter.h>
#include <string.h>
#include <time.h>

/* ---- selection ----------------------------------------------------------- */

static const char q_all_nodes[] =
	"CREATE TEMP TABLE IF NOT EXISTS gx_node(rid INTEGER PRIMARY KEY);"
	"DELETE FROM temp.gx_node;"
	"INSERT OR IGNORE INTO temp.gx_node SELECT " BH_CANON("src") " FROM link;"
	"INSERT OR IGNORE INTO temp.gx_node SELECT " BH_CANON("dst") " FROM link;";

static const char q_edges[] =
	"DROP TABLE IF EXISTS temp.gx_edge;"
	"CREATE TEMP TABLE gx_edge AS SELECT * FROM ("
	"  SELECT l.rid, l.kind, l.src, l.dst, " BH_CANON("l.src") " AS csrc,"
	"   " BH_CANON("l.dst") " AS cdst, l.first_date, l.last_date, l.amount, l.n,"
	"   l.source_id, l.line FROM link l)"
	" WHERE csrc IN (SELECT rid FROM temp.gx_node) AND cdst IN (SELECT rid FROM temp.gx_node)"
	"   AND csrc <> cdst;"
	"CREATE INDEX temp.gx_edge_rec ON gx_edge(source_id, line);"
	"DROP TABLE IF EXISTS temp.gx_url;"
	"CREATE TEMP TABLE gx_url(source_id INTEGER, line INTEGER, url TEXT,"
	"  PRIMARY KEY(source_id, line));";

/* One pass per fact table: the rows of the sources that edges cite whose
 * line an edge cites. The first table to name a record wins. */
#define URL_FROM(expr, table, extra) \
	"INSERT OR IGNORE INTO temp.gx_url SELECT t.source_id, t.line, " expr " FROM " table " t" \
	" WHERE t.source_id IN (SELECT DISTINCT source_id FROM temp.gx_edge) " extra \
	" AND EXISTS (SELECT 1 FROM temp.gx_edge e WHERE e.source_id = t.source_id" \
	"   AND e.line = t.line);"

static const char *const q_urls[] = {
	URL_FROM("'https://www.usaspending.gov/award/' || t.award_key", "txn", ""),
	URL_FROM("'https://www.usaspending.gov/award/' || t.award_key", "award", ""),
	URL_FROM("'https://www.usaspending.gov/award/' || t.prime_award_key", "subaward", ""),
	URL_FROM("'https://docquery.fec.gov/cgi-bin/fecimg/?' || t.image_num", "fec_txn",
		 "AND coalesce(t.image_num, '') <> ''"),
	URL_FROM("'https://lda.senate.gov/filings/public/filing/' || t.filing_id || '/print/'",
		 "lda_filing", ""),
	URL_FROM("'https://www.fec.gov/data/committee/' || t.cmte_id || '/'", "fec_committee", ""),
	URL_FROM("'https://www.fec.gov/data/candidate/' || t.cand_id || '/'", "fec_candidate", ""),
	URL_FROM("'https://www.fec.gov/data/candidate/' || t.cand_id || '/'", "fec_linkage", ""),
	URL_FROM("t.url", "mapped_row", "AND t.url IS NOT NULL"), /* a mapping's url: */
	NULL,
};

static const char q_node_rows[] =
	"SELECT e.id, e.name, e.kind, 1 + (SELECT count(*) FROM cluster c"
	"   WHERE c.canon = n.rid AND c.entity <> n.rid), n.rid,"
	" (SELECT group_concat(prop || ':' || value, ' ') FROM (SELECT DISTINCT s.prop, s.value"
	"   FROM statement s WHERE s.entity IN (SELECT n.rid UNION SELECT entity FROM cluster"
	"   WHERE canon = n.rid) AND s.prop IN ('uei', 'duns', 'cage', 'fec_id',"
	"   'lda_registrant_id', 'agency_code', 'office_code') ORDER BY 1, 2 LIMIT 20))"
	" FROM temp.gx_node n JOIN entity e ON e.rid = n.rid"
	" WHERE EXISTS (SELECT 1 FROM temp.gx_edge g WHERE g.csrc = n.rid OR g.cdst = n.rid)"
	"    OR (SELECT count(*) FROM temp.gx_node) = 1"
	" ORDER BY n.rid";

enum { N_ID, N_NAME, N_KIND, N_MEMBERS, N_RID, N_IDS };

static const char q_edge_rows[] =
	"SELECT g.rid, g.kind, es.id, ed.id, rs.id, rd.id, g.first_date, g.last_date, g.amount,"
	" g.n, s.path, g.line, u.url"
	" FROM temp.gx_edge g JOIN entity es ON es.rid = g.csrc JOIN entity ed ON ed.rid = g.cdst"
	" JOIN entity rs ON rs.rid = g.src JOIN entity rd ON rd.rid = g.dst"
	" JOIN source s ON s.id = g.source_id"
	" LEFT JOIN temp.gx_url u ON u.source_id = g.source_id AND u.line = g.line"
	" ORDER BY g.rid";

enum { E_RID, E_KIND, E_SRC, E_DST, E_RSRC, E_RDST, E_D1, E_D2, E_AMOUNT, E_N, E_FILE, E_LINE, E_URL };

static int select_graph(bh_store *s, int64_t around, int depth)
{
	int rc = around ? bh_graph_ball(s, around, depth) : bh_store_exec(s, q_all_nodes);
	if (rc < 0 || (rc = bh_store_exec(s, q_edges)) < 0)
		return rc;
	for (int i = 0; q_urls[i]; i++) {
		/* a family not in this store's schema has no URLs to give */
		sqlite3_stmt *q = NULL;
		if (sqlite3_prepare_v2(s->db, q_urls[i], -1, &q, NULL) != SQLITE_OK) {
			sqlite3_finalize(q);
			continue;
		}
		sqlite3_finalize(q);
		if ((rc = bh_store_exec(s, q_urls[i])) < 0)
			return rc;
	}
	return 0;
}

int bh_export_format(const char *name)
{
	static const char *const names[] = {"gexf", "graphml", "ftm", "csv"};
	for (int i = 0; i < 4; i++)
		if (strcmp(name, names[i]) == 0)
			return i;
	return -1;
}

/* Cents as dollars with two decimals, into out. */
static const char *dollars(char *out, size_t cap, sqlite3_stmt *q, int col)
{
	if (sqlite3_column_type(q, col) == SQLITE_NULL) {
		out[0] = '\0';
		return out;
	}
	int64_t c = sqlite3_column_int64(q, col);
	uint64_t a = c < 0 ? (uint64_t)0 - (uint64_t)c : (uint64_t)c;
	snprintf(out, cap, "%s%llu.%02llu", c < 0 ? "-" : "", (unsigned long long)(a / 100),
		 (unsigned long long)(a % 100));
	return out;
}

/* ---- XML (GEXF, GraphML) --------------------------------------------------- */

/* The attributes every node and edge carries, in both XML formats. */
typedef struct {
	const char *id, *gexf_type, *graphml_type;
	int col;
} xattr;

static const xattr node_attrs[] = {
	{"kind", "string", "string", N_KIND},
	{"members", "integer", "int", N_MEMBERS},
	{"identifiers", "string", "string", N_IDS},
	{NULL, NULL, NULL, 0},
};

static const xattr edge_attrs[] = {
	{"kind", "string", "string", E_KIND},
	{"first_date", "string", "string", E_D1},
	{"last_date", "string", "string", E_D2},
	{"amount", "double", "double", E_AMOUNT},
	{"records", "long", "long", E_N},
	{"source_file", "string", "string", E_FILE},
	{"source_line", "long", "long", E_LINE},
	{"url", "string", "string", E_URL},
	{"from_entity", "string", "string", E_RSRC},
	{"to_entity", "string", "string", E_RDST},
	{NULL, NULL, NULL, 0},
};

static int xw(int r)
{
	return r < 0 ? bh_error_set(BH_EIO, "export: writing XML failed") : 0;
}

#define XW(call) \
	do { \
		if ((rc = xw(call)) < 0) \
			goto done; \
	} while (0)

/* The value of attribute `a` of the current row as text ("" = absent). */
static const char *xvalue(char *buf, size_t cap, sqlite3_stmt *q, const xattr *a)
{
	if (a->col == E_AMOUNT && strcmp(a->id, "amount") == 0)
		return dollars(buf, cap, q, a->col);
	snprintf(buf, cap, "%s", bh_col_text(q, a->col));
	return buf;
}

/* The attribute values of the current row: GEXF <attvalue for= value=/>
 * inside <attvalues> (closed here), GraphML <data key=PREFIXid>. Returns
 * libxml2's negative code on failure. */
static int write_values(xmlTextWriterPtr w, sqlite3_stmt *q, const xattr *as, int gexf,
			const char *prefix)
{
	char v[4096], key[64];
	int r = 0;
	for (const xattr *a = as; a->id && r >= 0; a++) {
		xvalue(v, sizeof v, q, a);
		if (!v[0])
			continue;
		r = xmlTextWriterStartElement(w, BAD_CAST(gexf ? "attvalue" : "data"));
		if (r >= 0 && gexf) {
			r = xmlTextWriterWriteAttribute(w, BAD_CAST "for", BAD_CAST a->id);
			if (r >= 0)
				r = xmlTextWriterWriteAttribute(w, BAD_CAST "value", BAD_CAST v);
		} else if (r >= 0) {
			snprintf(key, sizeof key, "%s%s", prefix, a->id);
			r = xmlTextWriterWriteAttribute(w, BAD_CAST "key", BAD_CAST key);
			if (r >= 0)
				r = xmlTextWriterWriteString(w, BAD_CAST v);
		}
		if (r >= 0)
			r = xmlTextWriterEndElement(w);
	}
	if (r >= 0 && gexf)
		r = xmlTextWriterEndElement(w); /* attvalues */
	return r;
}

static int write_xml(bh_store *s, int gexf, FILE *out)
{
	xmlOutputBufferPtr ob = xmlOutputBufferCreateFile(out, NULL);
	xmlTextWriterPtr w = ob ? xmlNewTextWriter(ob) : NULL;
	sqlite3_stmt *q = NULL;
	char v[4096], date[16];
	int rc = 0, step;
	if (!w) {
		if (ob)
			xmlOutputBufferClose(ob);
		return bh_error_set(BH_ENOMEM, "export: cannot start the XML writer");
	}
	xmlTextWriterSetIndent(w, 1);
	xmlTextWriterSetIndentString(w, BAD_CAST "  ");
	XW(xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL));
	if (gexf) {
		time_t now = time(NULL);
		struct tm tmv;
		gmtime_r(&now, &tmv);
		strftime(date, sizeof date, "%Y-%m-%d", &tmv);
		XW(xmlTextWriterStartElement(w, BAD_CAST "gexf"));
		/* GEXF 1.2draft, not 1.3: its published schema is the one a
		 * registry ships (tests/schemas.sh), and Gephi reads both */
		XW(xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns",
					       BAD_CAST "http://www.gexf.net/1.2draft"));
		XW(xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns:xsi",
					       BAD_CAST "http://www.w3.org/2001/XMLSchema-instance"));
		XW(xmlTextWriterWriteAttribute(w, BAD_CAST "xsi:schemaLocation",
					       BAD_CAST "http://www.gexf.net/1.2draft "
							"http://www.gexf.net/1.2draft/gexf.xsd"));
		XW(xmlTextWriterWriteAttribute(w, BAD_CAST "version", BAD_CAST "1.2"));
		XW(xmlTextWriterStartElement(w, BAD_CAST "meta"));
		XW(xmlTextWriterWriteAttribute(w, BAD_CAST "lastmodifieddate", BAD_CAST date));
		XW(xmlTextWriterWriteElement(w, BAD_CAST "creator", BAD_CAST "behind"));
		XW(xmlTextWriterWriteElement(w, BAD_CAST "description",
					     BAD_CAST "Entities (resolved clusters) and the links between "
						      "them, from public records"));
		XW(xmlTextWriterEndElement(w));
		XW(xmlTextWriterStartElement(w, BAD_CAST "graph"));
		XW(xmlTextWriterWriteAttribute(w, BAD_CAST "defaultedgetype", BAD_CAST "directed"));
		XW(xmlTextWriterWriteAttribute(w, BAD_CAST "mode", BAD_CAST "static"));
		for (int c = 0; c < 2; c++) {
			const xattr *as = c ? edge_attrs : node_attrs;
			XW(xmlTextWriterStartElement(w, BAD_CAST "attributes"));
			XW(xmlTextWriterWriteAttribute(w, BAD_CAST "class", BAD_CAST(c ? "edge" : "node")));
			XW(xmlTextWriterWriteAttribute(w, BAD_CAST "mode", BAD_CAST "static"));
			for (const xattr *a = as; a->id; a++) {
				XW(xmlTextWriterStartElement(w, BAD_CAST "attribute"));
				XW(xmlTextWriterWriteAttribute(w, BAD_CAST "id", BAD_CAST a->id));
				XW(xmlTextWriterWriteAttribute(w, BAD_CAST "title", BAD_CAST a->id));
				XW(xmlTextWriterWriteAttribute(w, BAD_CAST "type", BAD_CAST a->gexf_type));
				XW(xmlTextWriterEndElement(w));
			}
			XW(xmlTextWriterEndElement(w));
		}
	} else {
		XW(xmlTextWriterStartElement(w, BAD_CAST "graphml"));
		XW(xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns",
					       BAD_CAST "http://graphml.graphdrawing.org/xmlns"));
		XW(xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns:xsi",
					       BAD_CAST "http://www.w3.org/2001/XMLSchema-instance"));
		XW(xmlTextWriterWriteAttribute(
			w, BAD_CAST "xsi:schemaLocation",
			BAD_CAST "http://graphml.graphdrawing.org/xmlns "
				 "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd"));
		for (int c = 0; c < 2; c++) {
			const xattr *as = c ? edge_attrs : node_attrs;
			if (!c) { /* the label first, as Gephi and yEd read it */
				XW(xmlTextWriterStartElement(w, BAD_CAST "key"));
				XW(xmlTextWriterWriteAttribute(w, BAD_CAST "id", BAD_CAST "label"));
				XW(xmlTextWriterWriteAttribute(w, BAD_CAST "for", BAD_CAST "node"));
				XW(xmlTextWriterWriteAttribute(w, BAD_CAST "attr.name", BAD_CAST "label"));
				XW(xmlTextWriterWriteAttribute(w, BAD_CAST "attr.type", BAD_CAST "string"));
				XW(xmlTextWriterEndElement(w));
			}
			for (const xattr *a = as; a->id; a++) {
				snprintf(v, sizeof v, "%s_%s", c ? "e" : "n", a->id);
				XW(xmlTextWriterStartElement(w, BAD_CAST "key"));
				XW(xmlTextWriterWriteAttribute(w, BAD_CAST "id", BAD_CAST v));
				XW(xmlTextWriterWriteAttribute(w, BAD_CAST "for", BAD_CAST(c ? "edge" : "node")));
				XW(xmlTextWriterWriteAttribute(w, BAD_CAST "attr.name", BAD_CAST a->id));
				XW(xmlTextWriterWriteAttribute(w, BAD_CAST "attr.type",
							       BAD_CAST a->graphml_type));
				XW(xmlTextWriterEndElement(w));
			}
		}
		XW(xmlTextWriterStartElement(w, BAD_CAST "graph"));
		XW(xmlTextWriterWriteAttribute(w, BAD_CAST "id", BAD_CAST "behind"));
		XW(xmlTextWriterWriteAttribute(w, BAD_CAST "edgedefault", BAD_CAST "directed"));
	}

	/* nodes */
	if ((rc = bh_store_prepare(&q, s, q_node_rows)) < 0)
		goto done;
	if (gexf)
		XW(xmlTextWriterStartElement(w, BAD_CAST "nodes"));
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		XW(xmlTextWriterStartElement(w, BAD_CAST "node"));
		XW(xmlTextWriterWriteAttribute(w, BAD_CAST "id", BAD_CAST bh_col_text(q, N_ID)));
		if (gexf) {
			XW(xmlTextWriterWriteAttribute(w, BAD_CAST "label", BAD_CAST bh_col_text(q, N_NAME)));
			XW(xmlTextWriterStartElement(w, BAD_CAST "attvalues"));
		} else {
			XW(xmlTextWriterStartElement(w, BAD_CAST "data"));
			XW(xmlTextWriterWriteAttribute(w, BAD_CAST "key", BAD_CAST "label"));
			XW(xmlTextWriterWriteString(w, BAD_CAST bh_col_text(q, N_NAME)));
			XW(xmlTextWriterEndElement(w));
		}
		XW(write_values(w, q, node_attrs, gexf, "n_"));
		XW(xmlTextWriterEndElement(w));
	}
	if (step != SQLITE_DONE) {
		rc = bh_store_fail(s, "export: nodes");
		goto done;
	}
	sqlite3_finalize(q);
	q = NULL;
	if (gexf) {
		XW(xmlTextWriterEndElement(w)); /* nodes */
		XW(xmlTextWriterStartElement(w, BAD_CAST "edges"));
	}

	/* edges */
	if ((rc = bh_store_prepare(&q, s, q_edge_rows)) < 0)
		goto done;
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		char id[32];
		snprintf(id, sizeof id, "link:%lld", (long long)sqlite3_column_int64(q, E_RID));
		XW(xmlTextWriterStartElement(w, BAD_CAST "edge"));
		XW(xmlTextWriterWriteAttribute(w, BAD_CAST "id", BAD_CAST id));
		XW(xmlTextWriterWriteAttribute(w, BAD_CAST "source", BAD_CAST bh_col_text(q, E_SRC)));
		XW(xmlTextWriterWriteAttribute(w, BAD_CAST "target", BAD_CAST bh_col_text(q, E_DST)));
		if (gexf) {
			XW(xmlTextWriterWriteAttribute(w, BAD_CAST "label", BAD_CAST bh_col_text(q, E_KIND)));
			snprintf(v, sizeof v, "%lld", (long long)sqlite3_column_int64(q, E_N));
			XW(xmlTextWriterWriteAttribute(w, BAD_CAST "weight", BAD_CAST v));
			XW(xmlTextWriterStartElement(w, BAD_CAST "attvalues"));
		}
		XW(write_values(w, q, edge_attrs, gexf, "e_"));
		XW(xmlTextWriterEndElement(w));
	}
	if (step != SQLITE_DONE) {
		rc = bh_store_fail(s, "export: edges");
		goto done;
	}
	XW(xmlTextWriterEndDocument(w)); /* closes every open element */
	XW(xmlTextWriterFlush(w));
done:
	sqlite3_finalize(q);
	xmlFreeTextWriter(w); /* closes ob, not `out` */
	return rc;
}

/* ---- FollowTheMoney JSON lines --------------------------------------------- */

/* The FtM schema of an entity kind. */
static const char *ftm_node_schema(const char *kind)
{
	if (strcmp(kind, "public_body") == 0)
		return "PublicBody";
	if (strcmp(kind, "person") == 0 || strcmp(kind, "candidate") == 0)
		return "Person";
	if (strcmp(kind, "organization") == 0)
		return "Company";
	return "Organization"; /* committees and anything new */
}

/* The FtM schema of a link kind, with its two entity properties (from the
 * link's src, to its dst) and a role for the generic ones. */
typedef struct {
	const char *kind, *schema, *from, *to;
} ftm_edge;

static const ftm_edge ftm_edges[] = {
	{"awarded", "Payment", "payer", "beneficiary"},
	{"subcontracted", "Payment", "payer", "beneficiary"},
	{"contributed", "Payment", "payer", "beneficiary"},
	{"contributed_to", "Payment", "payer", "beneficiary"},
	{"gave", "Payment", "payer", "beneficiary"},
	{"transferred", "Payment", "payer", "beneficiary"},
	{"parent_of", "Ownership", "owner", "asset"},
	{"part_of", "Membership", "member", "organization"},
	{"held_position", "Employment", "employee", "employer"},
	{"lobbyist_at", "Employment", "employee", "employer"},
	{"lobbied_for", "Representation", "agent", "client"},
	{NULL, "UnknownLink", "subject", "object"},
};

static const ftm_edge *ftm_edge_of(const char *kind)
{
	const ftm_edge *e = ftm_edges;
	while (e->kind && strcmp(e->kind, kind) != 0)
		e++;
	return e;
}

/* "key":["value"] (nothing when value is empty), with a leading comma. */
static void ftm_prop(FILE *f, const char *key, const char *value)
{
	if (!value || !*value)
		return;
	fprintf(f, ",\"%s\":[", key);
	bh_json_str(f, value);
	fputc(']', f);
}

/* "duns:069586055 uei:L997DB4PEJL8" -> "dunsCode":[...] and "idNumber":[...]
 * (FtM's LegalEntity has a property for D-U-N-S; the rest are ID numbers). */
static void ftm_ids(FILE *f, const char *ids)
{
	for (int pass = 0; pass < 2; pass++) {
		char tmp[2048];
		int n = 0;
		snprintf(tmp, sizeof tmp, "%s", ids);
		for (char *save = NULL, *t = strtok_r(tmp, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
			char *v = strchr(t, ':');
			if (!v || (strncmp(t, "duns:", 5) == 0) != (pass == 0))
				continue;
			fprintf(f, n++ ? "," : ",\"%s\":[", pass == 0 ? "dunsCode" : "idNumber");
			bh_json_str(f, pass == 0 ? v + 1 : t);
		}
		if (n)
			fputc(']', f);
	}
}

static int write_ftm(bh_store *s, FILE *out)
{
	sqlite3_stmt *q = NULL;
	char v[64], summary[2048];
	int rc = 0, step;
	if ((rc = bh_store_prepare(&q, s, q_node_rows)) < 0)
		return rc;
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		fputs("{\"id\":", out);
		bh_json_str(out, bh_col_text(q, N_ID));
		fputs(",\"schema\":", out);
		bh_json_str(out, ftm_node_schema(bh_col_text(q, N_KIND)));
		fputs(",\"properties\":{\"name\":[", out);
		bh_json_str(out, bh_col_text(q, N_NAME));
		fputc(']', out);
		ftm_ids(out, bh_col_text(q, N_IDS));
		fputs("}}\n", out);
	}
	if (step != SQLITE_DONE) {
		rc = bh_store_fail(s, "export: nodes");
		goto done;
	}
	sqlite3_finalize(q);
	q = NULL;
	if ((rc = bh_store_prepare(&q, s, q_edge_rows)) < 0)
		goto done;
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		const ftm_edge *e = ftm_edge_of(bh_col_text(q, E_KIND));
		fprintf(out, "{\"id\":\"link:%lld\",\"schema\":\"%s\",\"properties\":{",
			(long long)sqlite3_column_int64(q, E_RID), e->schema);
		fprintf(out, "\"%s\":[", e->from);
		bh_json_str(out, bh_col_text(q, E_SRC));
		fprintf(out, "],\"%s\":[", e->to);
		bh_json_str(out, bh_col_text(q, E_DST));
		fputc(']', out);
		if (strcmp(e->schema, "Payment") == 0) {
			ftm_prop(out, "amount", dollars(v, sizeof v, q, E_AMOUNT));
			if (v[0])
				ftm_prop(out, "currency", "USD");
			ftm_prop(out, "purpose", bh_col_text(q, E_KIND));
		} else {
			ftm_prop(out, "role", bh_col_text(q, E_KIND));
		}
		ftm_prop(out, "startDate", bh_col_text(q, E_D1));
		ftm_prop(out, "endDate", bh_col_text(q, E_D2));
		ftm_prop(out, "sourceUrl", bh_col_text(q, E_URL));
		snprintf(summary, sizeof summary, "%s:%lld", bh_col_text(q, E_FILE),
			 (long long)sqlite3_column_int64(q, E_LINE));
		ftm_prop(out, "recordId", summary);
		snprintf(summary, sizeof summary, "%s %s -> %s, %lld record(s), first at %s:%lld",
			 bh_col_text(q, E_KIND), bh_col_text(q, E_RSRC), bh_col_text(q, E_RDST),
			 (long long)sqlite3_column_int64(q, E_N), bh_col_text(q, E_FILE),
			 (long long)sqlite3_column_int64(q, E_LINE));
		ftm_prop(out, "summary", summary);
		fputs("}}\n", out);
	}
	if (step != SQLITE_DONE)
		rc = bh_store_fail(s, "export: edges");
done:
	sqlite3_finalize(q);
	return rc;
}

/* ---- CSV ---------------------------------------------------------------- */

void bh_csv_cell(FILE *f, const char *v)
{
	if (!v)
		v = "";
	int guard = v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' ||
		    v[0] == '\r';
	fputc('"', f);
	if (guard)
		fputc('\'', f);
	for (const char *p = v; *p; p++) {
		if (*p == '"')
			fputc('"', f);
		fputc(*p, f);
	}
	fputc('"', f);
}

static void csv_row(FILE *f, sqlite3_stmt *q, const int *cols, int n)
{
	char v[64];
	for (int i = 0; i < n; i++) {
		if (i)
			fputc(',', f);
		if (cols[i] == E_AMOUNT)
			fputs(dollars(v, sizeof v, q, cols[i]), f); /* a number: never guarded */
		else
			bh_csv_cell(f, bh_col_text(q, cols[i]));
	}
	fputs("\r\n", f);
}

static int write_csv(bh_store *s, FILE *out, FILE *nodes_out)
{
	static const int ncols[] = {N_ID, N_NAME, N_KIND, N_MEMBERS, N_IDS};
	static const int ecols[] = {E_RID, E_KIND, E_SRC, E_DST, E_RSRC, E_RDST, E_D1,
				    E_D2, E_AMOUNT, E_N, E_FILE, E_LINE, E_URL};
	sqlite3_stmt *q = NULL;
	FILE *nf = nodes_out ? nodes_out : out;
	int rc, step;
	if ((rc = bh_store_prepare(&q, s, q_node_rows)) < 0)
		return rc;
	fputs("id,name,kind,members,identifiers\r\n", nf);
	while ((step = sqlite3_step(q)) == SQLITE_ROW)
		csv_row(nf, q, ncols, 5);
	if (step != SQLITE_DONE) {
		rc = bh_store_fail(s, "export: nodes");
		goto done;
	}
	sqlite3_finalize(q);
	q = NULL;
	if (!nodes_out)
		fputs("\r\n", out);
	if ((rc = bh_store_prepare(&q, s, q_edge_rows)) < 0)
		goto done;
	fputs("link_id,kind,source,target,source_entity,target_entity,first_date,last_date,"
	      "amount,records,source_file,source_line,url\r\n", out);
	while ((step = sqlite3_step(q)) == SQLITE_ROW)
		csv_row(out, q, ecols, 13);
	if (step != SQLITE_DONE)
		rc = bh_store_fail(s, "export: edges");
done:
	sqlite3_finalize(q);
	return rc;
}

int bh_graph_export(bh_store *s, int format, int64_t around, int depth, FILE *out,
		    FILE *nodes_out)
{
	int rc = select_graph(s, around, depth);
	if (rc < 0)
		return rc;
	switch (format) {
	case BH_EXPORT_GEXF: return write_xml(s, 1, out);
	case BH_EXPORT_GRAPHML: return write_xml(s, 0, out);
	case BH_EXPORT_FTM: return write_ftm(s, out);
	case BH_EXPORT_CSV: return write_csv(s, out, nodes_out);
	default: return bh_error_set(BH_EUSAGE, "export: unknown format");
	}
}
