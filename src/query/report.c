/* `behind who --html FILE`: the dossier as one self-contained HTML page
 * (no script, no network: inline CSS and SVG charts), so it opens anywhere
 * and can be attached to a story. Every figure links to what it was
 * computed from: award pages on usaspending.gov and the source file and
 * line of each record; the sources section lists every input file with its
 * SHA-256 so an editor can check that the same files were used.
 *
 * All record text goes through bh_html_text(), never raw. */
#include "query/queryInt.h"

#include "util/html.h"

#include <stdlib.h>
#include <string.h>

/* Only http(s) links to known official hosts are emitted as links. */
static void html_link(FILE *f, const char *url, const char *text)
{
	if (url && strncmp(url, "https://www.usaspending.gov/", 28) == 0) {
		fputs("<a href=\"", f);
		bh_html_text(f, url);
		fputs("\">", f);
		bh_html_text(f, text);
		fputs("</a>", f);
	} else {
		bh_html_text(f, text);
	}
}

static void money(FILE *f, int64_t cents)
{
	char m[48];
	fputs(bh_fmt_money(m, sizeof m, cents), f);
}

typedef struct {
	char label[160];
	int64_t value;
} bar;

/* Up to `cap` (label, cents) rows of a query. */
static int fetch_bars(bh_store *s, const char *sql, bar *out, int cap, int *n)
{
	sqlite3_stmt *q = NULL;
	int rc = bh_store_prepare(&q, s, sql);
	*n = 0;
	if (rc < 0)
		return rc;
	while (*n < cap && sqlite3_step(q) == SQLITE_ROW) {
		snprintf(out[*n].label, sizeof out[*n].label, "%s", bh_col_text(q, 0));
		out[*n].value = sqlite3_column_int64(q, 1);
		(*n)++;
	}
	sqlite3_finalize(q);
	return 0;
}

static void svg_columns(FILE *f, const bar *b, int n, const char *title)
{
	int64_t max = 1;
	const int w = 720, h = 240, pad = 40;
	for (int i = 0; i < n; i++)
		if (b[i].value > max)
			max = b[i].value;
	fprintf(f, "<figure><svg viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"", w, h + 40);
	bh_html_text(f, title);
	fputs("\">", f);
	double bw = n ? (double)(w - 2 * pad) / n : 0;
	for (int i = 0; i < n; i++) {
		double v = b[i].value > 0 ? (double)b[i].value / (double)max : 0;
		double bh = v * (h - 30);
		char m[48];
		fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" class=\"bar\"><title>",
			pad + i * bw + 2, h - bh, bw - 4, bh);
		bh_html_text(f, b[i].label);
		fprintf(f, ": %s</title></rect>", bh_fmt_money(m, sizeof m, b[i].value));
		fprintf(f, "<text x=\"%.1f\" y=\"%d\" class=\"lab\" text-anchor=\"middle\">",
			pad + i * bw + bw / 2, h + 16);
		bh_html_text(f, b[i].label);
		fputs("</text>", f);
	}
	fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\"/>", pad, h, w - pad, h);
	fputs("</svg><figcaption>", f);
	bh_html_text(f, title);
	fputs("</figcaption></figure>\n", f);
}

static void svg_hbars(FILE *f, const bar *b, int n, const char *title)
{
	int64_t max = 1;
	const int w = 720, row = 22, left = 300;
	for (int i = 0; i < n; i++)
		if (b[i].value > max)
			max = b[i].value;
	fprintf(f, "<figure><svg viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"", w, n * row + 10);
	bh_html_text(f, title);
	fputs("\">", f);
	for (int i = 0; i < n; i++) {
		double v = b[i].value > 0 ? (double)b[i].value / (double)max : 0;
		char m[48];
		fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"lab\" text-anchor=\"end\">", left - 6,
			i * row + 15);
		char shortl[48];
		snprintf(shortl, sizeof shortl, "%.40s", b[i].label);
		bh_html_text(f, shortl);
		fprintf(f, "</text><rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" class=\"bar\"><title>",
			left, i * row + 3, v * (w - left - 110), row - 6);
		bh_html_text(f, b[i].label);
		fprintf(f, "</title></rect><text x=\"%.1f\" y=\"%d\" class=\"lab\">%s</text>",
			left + v * (w - left - 110) + 4, i * row + 15, bh_fmt_money(m, sizeof m, b[i].value));
	}
	fputs("</svg><figcaption>", f);
	bh_html_text(f, title);
	fputs("</figcaption></figure>\n", f);
}

/* Money flow: agency -> top companies -> who those companies pay onward
 * (subcontractors here; political recipients when the store has them).
 * Band widths are proportional to money. */
static int svg_flow(bh_store *s, FILE *f, const char *agency)
{
	bar co[8], dn[16];
	int nco = 0, ndn = 0, rc;
	sqlite3_stmt *q = NULL;
	int64_t flow[8][16] = {{0}}, total = 0;

	if ((rc = fetch_bars(s,
			     "SELECT e.name, sum(o.amount) FROM temp.who_ob o JOIN entity e ON e.rid = o.co"
			     " GROUP BY o.co HAVING sum(o.amount) > 0 ORDER BY 2 DESC LIMIT 8",
			     co, 8, &nco)) < 0)
		return rc;
	rc = bh_store_prepare(
		&q, s,
		"WITH top AS (SELECT co FROM temp.who_ob GROUP BY co HAVING sum(amount) > 0"
		"   ORDER BY sum(amount) DESC LIMIT 8)"
		" SELECT ce.name, se.name, sum(sa.amount) FROM subaward sa"
		" JOIN top t ON t.co = " BH_CANON("sa.prime") ""
		" JOIN entity ce ON ce.rid = t.co JOIN entity se ON se.rid = " BH_CANON("sa.sub") ""
		" WHERE sa.subagency IN (SELECT rid FROM temp.who_ag) AND sa.amount > 0"
		" GROUP BY t.co, se.rid ORDER BY 3 DESC LIMIT 16");
	if (rc < 0)
		return rc;
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *c = bh_col_text(q, 0), *d = bh_col_text(q, 1);
		int ci = -1, di = -1;
		for (int i = 0; i < nco; i++)
			if (strcmp(co[i].label, c) == 0)
				ci = i;
		for (int i = 0; i < ndn; i++)
			if (strcmp(dn[i].label, d) == 0)
				di = i;
		if (ci < 0)
			continue;
		if (di < 0 && ndn < 16) {
			di = ndn++;
			snprintf(dn[di].label, sizeof dn[di].label, "%s", d);
			dn[di].value = 0;
		}
		if (di < 0)
			continue;
		flow[ci][di] += sqlite3_column_int64(q, 2);
		dn[di].value += sqlite3_column_int64(q, 2);
	}
	sqlite3_finalize(q);
	for (int i = 0; i < nco; i++)
		total += co[i].value;
	if (!nco || total <= 0)
		return 0;

	const int w = 900, h = 420, bw = 14;
	const double scale = (h - 40.0) / (double)total;
	fprintf(f, "<figure><svg viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"money flow\">", w, h);
	/* agency column */
	fprintf(f, "<rect x=\"10\" y=\"20\" width=\"%d\" height=\"%.1f\" class=\"node\"/>", bw,
		total * scale);
	fprintf(f, "<text x=\"10\" y=\"14\" class=\"lab\">");
	bh_html_text(f, agency);
	fputs("</text>", f);
	double ay = 20, cy = 20;
	double cys[8];
	for (int i = 0; i < nco; i++) {
		double hh = co[i].value * scale;
		cys[i] = cy;
		fprintf(f, "<path d=\"M%d %.1f C%d %.1f %d %.1f %d %.1f L%d %.1f C%d %.1f %d %.1f %d %.1fZ\""
			   " class=\"band\"><title>",
			10 + bw, ay, 200, ay, 200, cy, 330, cy, 330, cy + hh, 200, cy + hh, 200, ay + hh,
			10 + bw, ay + hh);
		bh_html_text(f, co[i].label);
		fputs("</title></path>", f);
		fprintf(f, "<rect x=\"330\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" class=\"node\"/>", cy, bw,
			hh > 1 ? hh : 1);
		fprintf(f, "<text x=\"%d\" y=\"%.1f\" class=\"lab\">", 330 + bw + 4, cy + 11);
		char l[48];
		snprintf(l, sizeof l, "%.32s", co[i].label);
		bh_html_text(f, l);
		fputs("</text>", f);
		ay += hh;
		cy += hh + 4;
	}
	/* downstream column: scaled on its own total so small flows show */
	int64_t dtotal = 0;
	for (int i = 0; i < ndn; i++)
		dtotal += dn[i].value;
	if (ndn && dtotal > 0) {
		double ds = (h - 40.0 - ndn * 4) / (double)dtotal, dy = 20;
		double out_y[8];
		for (int i = 0; i < nco; i++)
			out_y[i] = cys[i];
		for (int j = 0; j < ndn; j++) {
			double dh = dn[j].value * ds, yy = dy;
			for (int i = 0; i < nco; i++) {
				if (!flow[i][j])
					continue;
				double fh = flow[i][j] * ds;
				fprintf(f, "<path d=\"M%d %.1f C%d %.1f %d %.1f %d %.1f L%d %.1f C%d %.1f %d %.1f %d %.1fZ\""
					   " class=\"band sub\"><title>",
					330 + bw + 200, out_y[i], 700, out_y[i], 700, yy, 760, yy, 760, yy + fh, 700,
					yy + fh, 700, out_y[i] + fh, 330 + bw + 200, out_y[i] + fh);
				bh_html_text(f, co[i].label);
				fputs(" to ", f);
				bh_html_text(f, dn[j].label);
				fputs("</title></path>", f);
				out_y[i] += fh;
				yy += fh;
			}
			fprintf(f, "<rect x=\"760\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" class=\"node\"/>", dy,
				bw, dh > 1 ? dh : 1);
			fprintf(f, "<text x=\"%d\" y=\"%.1f\" class=\"lab small\">", 760 + bw + 3, dy + 9);
			char l[40];
			snprintf(l, sizeof l, "%.22s", dn[j].label);
			bh_html_text(f, l);
			fputs("</text>", f);
			dy += dh + 4;
		}
	}
	fputs("</svg><figcaption>Money flow: the agency's obligations to its largest contractors "
	      "(left, to scale), and what those contractors passed on to subcontractors under the "
	      "agency's awards (right, scaled separately).</figcaption></figure>\n", f);
	return 0;
}

/* A table from a query: headers, and per column a kind: 't' text, '$'
 * money, 'i' integer, 'u' a usaspending link whose text is the previous
 * column, 's' "source:line" (two columns: path then line). */
static int table(bh_store *s, FILE *f, const char *sql, const char *const *heads, const char *kinds,
		 const int64_t *binds, int nb)
{
	sqlite3_stmt *q = NULL;
	int rc = bh_store_prepare(&q, s, sql), rows = 0;
	if (rc < 0)
		return rc;
	for (int i = 0; i < nb; i++)
		sqlite3_bind_int64(q, i + 1, binds[i]);
	fputs("<table><thead><tr>", f);
	for (int i = 0; heads[i]; i++) {
		fputs("<th>", f);
		bh_html_text(f, heads[i]);
		fputs("</th>", f);
	}
	fputs("</tr></thead><tbody>\n", f);
	while (sqlite3_step(q) == SQLITE_ROW) {
		fputs("<tr>", f);
		for (int i = 0, c = 0; kinds[i]; i++, c++) {
			switch (kinds[i]) {
			case '$':
				fputs("<td class=\"num\">", f);
				money(f, sqlite3_column_int64(q, c));
				break;
			case 'i':
				fprintf(f, "<td class=\"num\">%lld", sqlite3_column_int64(q, c));
				break;
			case 'u':
				fputs("<td>", f);
				html_link(f, bh_col_text(q, c + 1), bh_col_text(q, c));
				c++;
				break;
			case 's':
				fputs("<td class=\"src\">", f);
				bh_html_text(f, bh_col_text(q, c));
				fprintf(f, ":%lld", sqlite3_column_int64(q, c + 1));
				c++;
				break;
			default:
				fputs("<td>", f);
				bh_html_text(f, bh_col_text(q, c));
			}
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
		rows++;
	}
	sqlite3_finalize(q);
	fputs("</tbody></table>\n", f);
	if (!rows)
		fputs("<p class=\"none\">No records.</p>\n", f);
	return rows;
}

static const char css[] =
	"body{font:15px/1.45 system-ui,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;"
	"color:#1b1b1b}h1{font-size:1.6em}h2{border-bottom:2px solid #333;padding-bottom:.2em;"
	"margin-top:2em}table{border-collapse:collapse;width:100%;font-size:.9em;margin:.6em 0}"
	"th,td{border-bottom:1px solid #ddd;padding:.3em .4em;text-align:left;vertical-align:top;"
	"overflow-wrap:anywhere}"
	"td.num{text-align:right;white-space:nowrap}td.src{font-family:monospace;font-size:.8em;"
	"word-break:break-all}svg{width:100%;height:auto}.bar{fill:#3b6ea5}.node{fill:#333}"
	".band{fill:#3b6ea5;opacity:.35}.band.sub{fill:#a5533b}.lab{font-size:11px;fill:#222}"
	".small{font-size:9px}.axis{stroke:#999}figcaption{font-size:.85em;color:#555}"
	".rule{background:#f4f4f4;padding:.6em .8em;border-left:4px solid #3b6ea5}"
	"@media (max-width:600px){body{font-size:14px}}";

int bh_query_who_html(bh_store *s, int64_t agency, int from_fy, int to_fy, FILE *f)
{
	char name[512] = "", id[256] = "";
	int64_t total = 0, nrows = 0;
	bar b[64];
	int n, rc;
	int64_t b20[3] = {20, from_fy, to_fy};

	if ((rc = bh_who_prepare(s, agency, from_fy, to_fy, 0)) < 0 || (rc = bh_who_hidden(s, 0)) < 0)
		return rc;
	if ((rc = bh_who_summary(s, agency, name, sizeof name, id, sizeof id, &total, &nrows, 0)) < 0)
		return rc;

	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "style-src 'unsafe-inline'; img-src data:\"><title>Who is behind ", f);
	bh_html_text(f, name);
	fprintf(f, "?</title><style>%s</style></head><body>\n<h1>Who is behind ", css);
	bh_html_text(f, name);
	fputs("?</h1>\n<p>", f);
	bh_html_text(f, id);
	if (from_fy || to_fy)
		fprintf(f, ", fiscal years %d to %d", from_fy, to_fy);
	fputs(". Contract obligations: <strong>", f);
	money(f, total);
	fprintf(f, "</strong> in %lld records.</p>\n", (long long)nrows);
	fputs("<p class=\"rule\">Counting rule: each contract transaction counts its "
	      "federal_action_obligation in the fiscal year (October to September) of its action date; "
	      "a prime award summary counts its total_obligated_amount only when no ingested "
	      "transaction belongs to the same award, so no award is counted twice. Companies are "
	      "rolled up to the parent company each record names, then to resolved clusters. "
	      "Generated by <code>behind who --html</code> from the files listed under Sources.</p>\n", f);

	fputs("<h2>1. Money</h2>\n", f);
	if ((rc = fetch_bars(s, "SELECT '''' || substr(fiscal_year, 3), sum(amount) FROM temp.who_ob"
				" GROUP BY fiscal_year ORDER BY fiscal_year", b, 64, &n)) < 0)
		return rc;
	svg_columns(f, b, n, "Obligations by fiscal year ('13 = FY2013, October 2012 to September 2013)");
	if ((rc = fetch_bars(s, "SELECT e.name, sum(o.amount) FROM temp.who_ob o JOIN entity e"
				" ON e.rid = o.co GROUP BY o.co ORDER BY 2 DESC LIMIT 15", b, 15, &n)) < 0)
		return rc;
	svg_hbars(f, b, n, "Largest recipients, rolled up to parent companies");
	static const char *const h_top[] = {"#", "company", "id", "obligated", "share", "first FY",
					    "last FY", "records", NULL};
	if ((rc = table(s, f,
			"WITH t AS (SELECT co, sum(amount) AS amt, min(fiscal_year) AS fy1,"
			"  max(fiscal_year) AS fy2, count(*) AS n FROM temp.who_ob GROUP BY co),"
			" g AS (SELECT sum(amount) AS tot FROM temp.who_ob)"
			" SELECT row_number() OVER (ORDER BY t.amt DESC), e.name, e.id, t.amt,"
			"  printf('%.1f%%', 100.0 * t.amt / nullif(g.tot, 0)), t.fy1, t.fy2, t.n"
			" FROM t, g JOIN entity e ON e.rid = t.co ORDER BY t.amt DESC LIMIT ?1",
			h_top, "itt$tiii", b20, 1)) < 0)
		return rc;
	fputs("<h3>Their largest awards</h3>\n", f);
	static const char *const h_aw[] = {"company", "award", "obligated", "recipient", "description",
					   "record", NULL};
	int64_t b10[1] = {10};
	if ((rc = table(s, f,
			"WITH top AS (SELECT co FROM temp.who_ob GROUP BY co ORDER BY sum(amount) DESC"
			"  LIMIT ?1),"
			" a AS (SELECT o.co, o.award_key, sum(o.amount) AS amt, max(o.description) AS d,"
			"  min(o.source_id) AS src, min(o.line) AS ln, max(o.recipient) AS who"
			"  FROM temp.who_ob o WHERE o.co IN (SELECT co FROM top) GROUP BY o.co, o.award_key),"
			" r AS (SELECT a.*, row_number() OVER (PARTITION BY a.co ORDER BY a.amt DESC) AS k"
			"  FROM a)"
			" SELECT ce.name, r.award_key, 'https://www.usaspending.gov/award/' || r.award_key,"
			"  r.amt, we.name, r.d, s.path, r.ln"
			" FROM r JOIN entity ce ON ce.rid = r.co JOIN entity we ON we.rid = r.who"
			" JOIN source s ON s.id = r.src WHERE r.k <= 3"
			" ORDER BY (SELECT sum(amount) FROM temp.who_ob x WHERE x.co = r.co) DESC, r.amt DESC",
			h_aw, "tu$tts", b10, 1)) < 0)
		return rc;
	fputs("<h3>What was bought</h3>\n", f);
	static const char *const h_cat[] = {"product/service code", "description", "obligated",
					    "records", NULL};
	if ((rc = table(s, f,
			"SELECT psc, max(psc_desc), sum(amount), count(*) FROM temp.who_ob"
			" WHERE psc IS NOT NULL GROUP BY psc ORDER BY 3 DESC LIMIT 10",
			h_cat, "tt$i", NULL, 0)) < 0)
		return rc;

	fputs("<h2>2. Supply chain</h2>\n", f);
	if ((rc = svg_flow(s, f, name)) < 0)
		return rc;
	fputs("<h3>Subcontracts under its prime awards</h3>\n", f);
	static const char *const h_sub[] = {"prime", "subcontractor", "amount", "subawards", "first",
					    "last", NULL};
	if ((rc = table(s, f,
			"SELECT pe.name, se.name, sum(sa.amount), count(*), min(sa.action_date),"
			" max(sa.action_date) FROM subaward sa"
			" JOIN entity pe ON pe.rid = " BH_CANON("sa.prime") ""
			" JOIN entity se ON se.rid = " BH_CANON("sa.sub") ""
			" WHERE sa.subagency IN (SELECT rid FROM temp.who_ag)"
			"  AND (?2 = 0 OR sa.fiscal_year >= ?2) AND (?3 = 0 OR sa.fiscal_year <= ?3)"
			" GROUP BY pe.rid, se.rid ORDER BY 3 DESC LIMIT ?1",
			h_sub, "tt$itt", b20, 3)) < 0)
		return rc;
	fputs("<h3>Hidden vendors</h3>\n<p>Companies named in the descriptions of awards that went to "
	      "someone else (a reseller, an integrator). Found by matching the distinctive head of every "
	      "organization name in the store against the full-text index; the matched phrase is shown "
	      "so each can be judged.</p>\n", f);
	static const char *const h_hid[] = {"named company", "matched", "recipients", "obligated",
					    "awards", "example award", "example description", NULL};
	if ((rc = table(s, f,
			"SELECT ne.name, h.phrase, " BH_SQL_NAMES("re.name") ", sum(h.amount),"
			" count(DISTINCT h.award_key), max(h.award_key),"
			" 'https://www.usaspending.gov/award/' || max(h.award_key), max(h.description)"
			" FROM temp.who_hidden h JOIN entity ne ON ne.rid = h.named"
			" JOIN entity re ON re.rid = h.recipient"
			" GROUP BY h.named ORDER BY sum(h.amount) DESC LIMIT ?1",
			h_hid, "ttt$iut", b20, 1)) < 0)
		return rc;

	fputs("<h2>Sources</h2>\n<p>Every figure above was computed from these files; each record "
	      "is cited as file:line. Check a file with <code>sha256sum</code>.</p>\n", f);
	static const char *const h_src[] = {"file", "kind", "rows", "rejected", "SHA-256", NULL};
	if ((rc = table(s, f,
			"SELECT path, kind, rows, rejected, sha256 FROM source WHERE id IN"
			" (SELECT DISTINCT source_id FROM temp.who_ob) ORDER BY path",
			h_src, "ttiit", NULL, 0)) < 0)
		return rc;
	fputs("</body></html>\n", f);
	return 0;
}
