/* The first view of an explorer page as plain HTML, rendered by the server
 * from the API's own JSON answer (the bytes the page also carries for its
 * script): the search results, the entity page, the agency dossier and the
 * network's links, readable without JavaScript and without CSS. The markup
 * follows the script's views (web/src/search.js, entity.js, agency.js,
 * generic.js, chart.js, network.js: same elements, classes and headings),
 * so that when the script takes over and draws the same view from the same
 * answer nothing moves. No number is computed here but the sums the
 * script's views make too (money by year, money on a node's links); the
 * formatting is theirs (fmt.js): "$1,234.56", "1,234", "a – b".
 *
 * Every string from the answer is hostile: it goes out HTML-escaped, ids
 * in URLs percent-encoded as encodeURIComponent does, and outside links
 * only when they are http(s). */
#include "serve/serveInt.h"
#include "util/html.h"
#include "util/json.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- escaping and formatting ------------------------------------------ */

/* Text or an attribute value (double- or single-quoted alike). */
static void esc(FILE *f, const char *s)
{
	bh_html_text(f, s);
}

/* encodeURIComponent, then escaped for an attribute ('). */
static void uri_comp(FILE *f, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("-_.!~*()", *p))
			fputc(*p, f);
		else if (*p == '\'')
			fputs("&#39;", f);
		else
			fprintf(f, "%%%02X", *p);
	}
}

/* An outside link is only http(s): a record's URL could say javascript:. */
static int safe_url(const char *u)
{
	return u && (!strncasecmp(u, "http://", 7) || !strncasecmp(u, "https://", 8));
}

static const char *str(const json_t *o, const char *k)
{
	return k ? json_string_value(json_object_get(o, k)) : NULL;
}

/* A number as JavaScript's String() writes it (integers plainly, reals
 * with the fewest digits that read back the same). */
static void num(FILE *f, const json_t *v)
{
	if (json_is_integer(v)) {
		fprintf(f, "%lld", (long long)json_integer_value(v));
		return;
	}
	double d = json_real_value(v);
	char buf[64];
	if (isfinite(d) && fabs(d) < 1e21 && (d == 0 || fabs(d) >= 1e-6)) {
		for (int p = 0; p <= 17; p++) {
			snprintf(buf, sizeof buf, "%.*f", p, d);
			if (strtod(buf, NULL) == d)
				break;
		}
	} else {
		snprintf(buf, sizeof buf, "%.17g", d);
	}
	fputs(buf, f);
}

/* String(v) of a scalar: strings as they are, numbers as num(), null ''. */
static void scalar(FILE *f, const json_t *v)
{
	if (json_is_string(v))
		esc(f, json_string_value(v));
	else if (json_is_number(v))
		num(f, v);
	else if (json_is_true(v))
		fputs("true", f);
	else if (json_is_false(v))
		fputs("false", f);
}

/* String(v) of a string or a number into buf (64 bytes), or NULL. */
static const char *text_of(char buf[64], const json_t *v)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (!json_is_number(v))
		return NULL;
	FILE *m = fmemopen(buf, 64, "w");
	if (!m)
		return NULL;
	num(m, v);
	fputc('\0', m);
	fclose(m);
	return buf;
}

static int64_t cents_of(const json_t *v)
{
	return (int64_t)llround(json_number_value(v) * 100.0);
}

/* fmt.js money(): "$1,234.56", '' for null. */
static void money(FILE *f, const json_t *v)
{
	char buf[48];
	if (json_is_number(v))
		fputs(bh_fmt_money(buf, sizeof buf, cents_of(v)), f);
}

static void money_cents(FILE *f, int64_t c)
{
	char buf[48];
	fputs(bh_fmt_money(buf, sizeof buf, c), f);
}

/* fmt.js int(): "1,234". */
static void grouped(FILE *f, const json_t *v)
{
	char d[32];
	if (!json_is_number(v))
		return;
	long long x = json_is_integer(v) ? (long long)json_integer_value(v)
					 : llround(json_real_value(v));
	int n = snprintf(d, sizeof d, "%lld", x < 0 ? -x : x);
	if (x < 0)
		fputc('-', f);
	for (int i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			fputc(',', f);
		fputc(d[i], f);
	}
}

/* fmt.js span(): "a – b", or whichever is set. */
static void span(FILE *f, const char *a, const char *b)
{
	a = a && *a ? a : NULL;
	b = b && *b ? b : NULL;
	if (a && b && strcmp(a, b)) {
		esc(f, a);
		fputs(" \u2013 ", f);
		esc(f, b);
	} else {
		esc(f, a ? a : b);
	}
}

/* A kind as the views show it: the first '_' a space (all: every '_'). */
static void kind_text(FILE *f, const char *k, int all)
{
	int done = 0;
	for (; k && *k; k++) {
		if (*k == '_' && (all || !done)) {
			fputc(' ', f);
			done = 1;
		} else {
			char c[2] = {*k, 0};
			esc(f, c);
		}
	}
}

static void entity_href(FILE *f, const char *prefix, const char *id)
{
	fprintf(f, "<a href=\"%s", prefix);
	uri_comp(f, id ? id : "");
	fputs("\">", f);
}

/* <a href="/entity/ID">name</a> (prefix "/entity/", "/agency/" ...). */
static void ent_link(FILE *f, const char *prefix, const char *id, const char *name)
{
	entity_href(f, prefix, id);
	esc(f, name);
	fputs("</a>", f);
}

static void outside_link(FILE *f, const char *url, const char *text)
{
	fputs("<a href=\"", f);
	esc(f, url);
	fputs("\" rel=\"noopener noreferrer\" target=\"_blank\">", f);
	esc(f, text);
	fputs("</a>", f);
}

/* A figure id (docs/cite.md) as the link to its evidence pack. */
static void cite_link(FILE *f, const char *figure, const char *text)
{
	fputs("<a href=\"/api/cite?figure=", f);
	uri_comp(f, figure);
	fputs("\">", f);
	esc(f, text);
	fputs("</a>", f);
}

/* ---- tables (dom.js table()) ------------------------------------------ */

typedef enum {
	C_TEXT,   /* k1 as String(), '' for null */
	C_INT,    /* k1 grouped */
	C_MONEY,  /* k1 as money, linked to the row's figure's evidence pack */
	C_ENT,    /* link to /entity/k1 named k2 */
	C_ENT_OR, /* the same, or k2 as text when k1 is not set */
	C_AGENCY, /* link to /agency/k1 named k2, or k2 as text */
	C_SPAN,   /* span(k1, k2) */
	C_AWARD,  /* k2 linked to the URL k1 when it is http(s) */
	C_SOURCE, /* the file name of k1, ':', k2 */
} cell_kind;

typedef struct {
	const char *label;
	cell_kind kind;
	const char *k1, *k2;
	int num;
} column;

static void cell(FILE *f, const column *c, const json_t *r)
{
	const json_t *v = json_object_get(r, c->k1);
	const char *s1 = json_string_value(v), *s2 = str(r, c->k2);
	switch (c->kind) {
	case C_TEXT: scalar(f, v); break;
	case C_INT: grouped(f, v); break;
	case C_MONEY: {
		/* linked to its evidence pack when the row has a figure id
		 * (generic.js citedMoney()) */
		const char *fig = str(r, "figure");
		char buf[64];
		if (fig && *fig && json_is_number(v))
			cite_link(f, fig, bh_fmt_money(buf, sizeof buf, cents_of(v)));
		else
			money(f, v);
		break;
	}
	case C_ENT: ent_link(f, "/entity/", s1, s2); break;
	case C_ENT_OR:
	case C_AGENCY:
		if (s1 && *s1)
			ent_link(f, c->kind == C_AGENCY ? "/agency/" : "/entity/", s1, s2);
		else
			esc(f, s2);
		break;
	case C_SPAN: {
		char b1[64], b2[64];
		span(f, text_of(b1, v), text_of(b2, json_object_get(r, c->k2)));
		break;
	}
	case C_AWARD:
		if (safe_url(s1))
			outside_link(f, s1, s2);
		else
			esc(f, s2);
		break;
	case C_SOURCE:
		if (s1 && *s1) {
			const char *base = strrchr(s1, '/');
			esc(f, base ? base + 1 : s1);
			fputc(':', f);
			scalar(f, json_object_get(r, c->k2));
		}
		break;
	}
}

/* A table's start; its caption (NULL: none) for screen readers only
 * unless `shown` (the heading above says it on screen). */
static void table_head(FILE *f, const char *caption, int shown, const char *id)
{
	fputs("<div class=\"scroll\"", f);
	if (id)
		fprintf(f, " id=\"%s\"", id);
	fputs("><table class=\"data\">", f);
	if (caption) {
		fputs(shown ? "<caption>" : "<caption class=\"sr\">", f);
		esc(f, caption);
		fputs("</caption>", f);
	}
	fputs("<thead><tr>", f);
}

static void th(FILE *f, const char *label, int isnum)
{
	fprintf(f, "<th scope=\"col\"%s>", isnum ? " class=\"num\"" : "");
	esc(f, label);
	fputs("</th>", f);
}

static void table_empty(FILE *f, size_t ncols)
{
	fprintf(f, "<tr><td colspan=\"%zu\" class=\"empty\">none</td></tr>", ncols);
}

/* A table's start up to its first row: caption, header cells of cols. */
static void table_open(FILE *f, const char *caption, int shown, const char *id,
		       const column *cols, size_t ncols)
{
	table_head(f, caption, shown, id);
	for (size_t i = 0; i < ncols; i++)
		th(f, cols[i].label, cols[i].num);
	fputs("</tr></thead><tbody>", f);
}

/* A table of the objects in `rows` (a JSON array; anything else: none),
 * its caption for screen readers. */
static void table(FILE *f, const char *caption, const char *id, const column *cols, size_t ncols,
		  const json_t *rows)
{
	size_t i;
	const json_t *r;
	table_open(f, caption, 0, id, cols, ncols);
	json_array_foreach(rows, i, r) {
		fputs("<tr>", f);
		for (size_t j = 0; j < ncols; j++) {
			fprintf(f, "<td%s>", cols[j].num ? " class=\"num\"" : "");
			cell(f, &cols[j], r);
			fputs("</td>", f);
		}
		fputs("</tr>", f);
	}
	if (!json_array_size(rows))
		table_empty(f, ncols);
	fputs("</tbody></table></div>", f);
}

#define NCOLS(a) (sizeof(a) / sizeof *(a))

static const column award_cols[] = {
	{"Award", C_AWARD, "url", "award_key", 0},
	{"Recipient", C_TEXT, "recipient", NULL, 0},
	{"Description", C_TEXT, "description", NULL, 0},
	{"Amount", C_MONEY, "amount", NULL, 1},
	{"Source", C_SOURCE, "source", "line", 0},
};

/* ---- any section (generic.js) ----------------------------------------- */

/* generic.js title(): the words of a key apart, the first one
 * capitalised, the records' abbreviations as they are written. */
static void title(FILE *f, const char *k)
{
	static const char *const abbr[][2] = {
		{"pac", "PAC"}, {"pacs", "PACs"}, {"fec", "FEC"}, {"lda", "LDA"}, {"ld203", "LD-203"},
		{"naics", "NAICS"}, {"psc", "PSC"}, {"id", "ID"}, {"fy", "FY"}, {"url", "URL"},
		{"uei", "UEI"}, {"duns", "DUNS"}, {"pct", "%"},
	};
	for (const char *w = k;; w++) {
		size_t n = strcspn(w, "_");
		const char *as = NULL;
		for (size_t i = 0; i < NCOLS(abbr) && !as; i++)
			if (strlen(abbr[i][0]) == n && !memcmp(abbr[i][0], w, n))
				as = abbr[i][1];
		if (as) {
			fputs(as, f);
		} else {
			for (size_t i = 0; i < n; i++) {
				char c[2] = {(w == k && i == 0 && w[i] >= 'a' && w[i] <= 'z') ? w[i] - 32 : w[i], 0};
				esc(f, c);
			}
		}
		w += n;
		if (*w != '_')
			break;
		fputc(' ', f);
	}
}

static int money_key(const char *k)
{
	static const char *const words[] = {"amount", "total", "spend", "receipts", "obligat", "gave"};
	for (size_t i = 0; i < NCOLS(words); i++) {
		for (const char *p = k; (p = strstr(p, words[i])) != NULL; p++)
			if (p == k || p[-1] == '_')
				return 1;
	}
	return 0;
}

static int id_key(const char *k)
{
	size_t n = strlen(k);
	return !strcmp(k, "id") || (n >= 3 && !strcmp(k + n - 3, "_id"));
}

/* generic.js cell(). */
static void gcell(FILE *f, const char *k, const json_t *v)
{
	if (!v || json_is_null(v))
		return;
	if (json_is_object(v) || json_is_array(v)) {
		char *s = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
		esc(f, s);
		free(s);
	} else if (id_key(k) && json_is_string(v) && strchr(json_string_value(v), ':')) {
		ent_link(f, "/entity/", json_string_value(v), json_string_value(v));
	} else if (!strcmp(k, "url") && safe_url(json_string_value(v))) {
		outside_link(f, json_string_value(v), "record");
	} else if (!strcmp(k, "figure") && json_is_string(v)) {
		cite_link(f, json_string_value(v), json_string_value(v));
	} else if (json_is_number(v) && money_key(k)) {
		money(f, v);
	} else {
		scalar(f, v);
	}
}

/* generic.js generic(): arrays of objects as tables (columns from their
 * keys in order of first appearance), objects as sub-sections, the rest
 * as a line, under a heading of level depth + 1. */
static void generic(FILE *f, const char *key, const json_t *val, int depth)
{
	int hn = depth + 1 > 6 ? 6 : depth + 1;
	char hd[16];
	snprintf(hd, sizeof hd, "h%d", hn);
	if (json_is_array(val)) {
		size_t i, nk = 0;
		const json_t *r;
		const json_t *first = json_array_get(val, 0);
		if (!first) { /* no rows, so no columns either */
			fprintf(f, "<section class=\"generic\"><%s>", hd);
			title(f, key);
			fprintf(f, "</%s><p class=\"empty\">none</p></section>", hd);
			return;
		}
		if (!json_is_object(first) && !json_is_array(first)) {
			fprintf(f, "<section><%s>", hd);
			title(f, key);
			fprintf(f, "</%s><p>", hd);
			json_array_foreach(val, i, r) {
				if (i)
					fputs(", ", f);
				scalar(f, r);
			}
			fputs("</p></section>", f);
			return;
		}
		/* the union of the rows' keys, in order */
		json_t *keys = json_array();
		json_array_foreach(val, i, r) {
			const char *k;
			json_t *x;
			json_object_foreach((json_t *)r, k, x) {
				size_t j;
				json_t *have;
				int seen = 0;
				json_array_foreach(keys, j, have)
					seen |= !strcmp(json_string_value(have), k);
				if (!seen)
					json_array_append_new(keys, json_string(k));
			}
		}
		nk = json_array_size(keys);
		fprintf(f, "<section class=\"generic\"><%s>", hd);
		title(f, key);
		fprintf(f, "</%s>", hd);
		fputs("<div class=\"scroll\"><table class=\"data\"><caption class=\"sr\">", f);
		title(f, key);
		fputs("</caption><thead><tr>", f);
		int *isnum = calloc(nk ? nk : 1, sizeof *isnum);
		for (size_t j = 0; j < nk; j++) {
			const char *k = json_string_value(json_array_get(keys, j));
			json_array_foreach(val, i, r)
				if (isnum && json_is_number(json_object_get(r, k)))
					isnum[j] = 1;
			fprintf(f, "<th scope=\"col\"%s>", isnum && isnum[j] ? " class=\"num\"" : "");
			title(f, k);
			fputs("</th>", f);
		}
		fputs("</tr></thead><tbody>", f);
		json_array_foreach(val, i, r) {
			fputs("<tr>", f);
			for (size_t j = 0; j < nk; j++) {
				const char *k = json_string_value(json_array_get(keys, j));
				fprintf(f, "<td%s>", isnum && isnum[j] ? " class=\"num\"" : "");
				gcell(f, k, json_object_get(r, k));
				fputs("</td>", f);
			}
			fputs("</tr>", f);
		}
		fputs("</tbody></table></div></section>", f);
		free(isnum);
		json_decref(keys);
		return;
	}
	if (json_is_object(val)) {
		const char *k;
		json_t *x;
		fprintf(f, "<section class=\"generic\"><%s>", hd);
		title(f, key);
		fprintf(f, "</%s>", hd);
		json_object_foreach((json_t *)val, k, x)
			generic(f, k, x, depth + 1);
		fputs("</section>", f);
		return;
	}
	fputs("<p><strong>", f);
	title(f, key);
	fputs(": </strong>", f);
	gcell(f, key, val);
	fputs("</p>", f);
}

/* generic.js genericCompact(): an object's parts with rows as generic()
 * draws them, then the empty ones named in one line (an entity's
 * influence: a committee has no lobbying, a company no campaign money). */
static void generic_compact(FILE *f, const char *key, const json_t *val, int depth)
{
	const char *k;
	json_t *x;
	int hn = depth + 1 > 6 ? 6 : depth + 1, empties = 0;
	if (!json_is_object(val)) {
		generic(f, key, val, depth);
		return;
	}
	fprintf(f, "<section class=\"generic\"><h%d>", hn);
	title(f, key);
	fprintf(f, "</h%d>", hn);
	json_object_foreach((json_t *)val, k, x)
		if (!json_is_array(x) || json_array_size(x))
			generic(f, k, x, depth + 1);
	json_object_foreach((json_t *)val, k, x) {
		if (!json_is_array(x) || json_array_size(x))
			continue;
		fputs(empties++ ? ", " : "<p class=\"empty\">None recorded: ", f);
		title(f, k);
	}
	if (empties)
		fputs("</p>", f);
	fputs("</section>", f);
}

/* ---- charts' figures (chart.js) --------------------------------------- */

/* yearChart(): the figure with its caption, the chart's empty <svg> (its
 * space kept; the script draws the bars) and the figures as a table.
 * rows: [{fiscal_year, amount, records}]. */
/* yearChart(): `label` heads the years' column of its figures. */
static void year_chart_as(FILE *f, const char *t, const json_t *rows, const char *label)
{
	const column cols[] = {
		{label, C_TEXT, "fiscal_year", NULL, 0},
		{"Amount", C_MONEY, "amount", NULL, 1},
		{"Records", C_TEXT, "records", NULL, 1},
	};
	fputs("<figure class=\"chart\"><figcaption>", f);
	esc(f, t);
	fputs("</figcaption>", f);
	if (!json_array_size(rows)) {
		fputs("<p class=\"empty\">no money recorded</p></figure>", f);
		return;
	}
	fputs("<svg viewBox=\"0 0 640 220\" role=\"img\" aria-label=\"", f);
	esc(f, t);
	fputs("\" class=\"bars\"></svg><details class=\"figures\"><summary>Figures</summary>", f);
	table(f, t, NULL, cols, NCOLS(cols), rows);
	fputs("</details></figure>", f);
}

static void year_chart(FILE *f, const char *t, const json_t *rows)
{
	year_chart_as(f, t, rows, "Fiscal year");
}

/* flowChart(): the diagram's figure, as tall as the script will draw it
 * (one row per recipient with money, at most 10; its numbers are the top
 * recipients' table). The script's third column (political recipients)
 * needs an influence section the dossier does not carry yet: 640 wide. */
static void flow_chart(FILE *f, const char *t, const json_t *top)
{
	size_t i, n = 0;
	const json_t *r;
	json_array_foreach(top, i, r)
		n += json_number_value(json_object_get(r, "amount")) > 0;
	fputs("<figure class=\"chart flow\"><figcaption>", f);
	esc(f, t);
	fputs("</figcaption>", f);
	if (n) {
		fprintf(f, "<svg viewBox=\"0 0 640 %zu\" role=\"img\" aria-label=\"",
			(n > 10 ? 10 : n) * 30 + 20);
		esc(f, t);
		fputs("\" class=\"flowsvg\"></svg>", f);
	}
	fputs("</figure>", f);
}

/* entity.js byYear(): rows summed by fiscal year, in year order, to the
 * cent: [{fiscal_year, amount, records}], a new array (owned by the
 * caller; NULL when out of memory). */
static json_t *by_year(const json_t *rows)
{
	size_t n = json_array_size(rows), k = 0, i;
	json_int_t *year = calloc(n + 1, sizeof *year), *recs = calloc(n + 1, sizeof *recs);
	int64_t *cents = calloc(n + 1, sizeof *cents);
	json_t *out = NULL;
	const json_t *r;

	if (!year || !recs || !cents)
		goto done;
	json_array_foreach(rows, i, r) {
		json_int_t y = json_integer_value(json_object_get(r, "fiscal_year"));
		size_t at = 0;
		while (at < k && year[at] < y)
			at++;
		if (at == k || year[at] != y) {
			memmove(year + at + 1, year + at, (k - at) * sizeof *year);
			memmove(recs + at + 1, recs + at, (k - at) * sizeof *recs);
			memmove(cents + at + 1, cents + at, (k - at) * sizeof *cents);
			year[at] = y;
			recs[at] = 0;
			cents[at] = 0;
			k++;
		}
		cents[at] += cents_of(json_object_get(r, "amount"));
		recs[at] += json_integer_value(json_object_get(r, "records"));
	}
	out = json_array();
	for (i = 0; out && i < k; i++)
		json_array_append_new(out, json_pack("{sIsfsI}", "fiscal_year", year[i], "amount",
						     (double)cents[i] / 100.0, "records", recs[i]));
done:
	free(year);
	free(recs);
	free(cents);
	return out;
}

/* ---- the views -------------------------------------------------------- */

static const char *const groups[][2] = {
	{"organization", "Companies and organizations"},
	{"public_body", "Agencies and offices"},
	{"person", "People"},
	{"committee", "Committees"},
	{"candidate", "Candidates"},
};

/* search.js entityLink(): agencies to their dossier, the rest to /entity/. */
static void entity_link(FILE *f, const json_t *e)
{
	const char *id = str(e, "id"), *name = str(e, "name");
	const char *kind = str(e, "kind");
	ent_link(f, kind && !strcmp(kind, "public_body") ? "/agency/" : "/entity/", id,
		 name && *name ? name : id);
}

/* search.js searchPage(). */
static void search_view(FILE *f, const json_t *res, const char *q)
{
	static const column cols[] = {
		{"Description", C_TEXT, "description", NULL, 0},
		{"Recipient", C_ENT_OR, "recipient_id", "recipient", 0},
		{"Amount", C_MONEY, "amount", NULL, 1},
		{"Dates", C_SPAN, "first_date", "last_date", 0},
		{"Award", C_AWARD, "url", "award_key", 0},
	};
	const json_t *ents = json_object_get(res, "entities"), *awards = json_object_get(res, "awards");
	const json_t *e;
	size_t i;
	int any = 0;
	fputs("<h1>Search: <q>", f);
	esc(f, q);
	fputs("</q></h1>", f);
	for (size_t g = 0; g < NCOLS(groups); g++) {
		size_t n = 0;
		json_array_foreach(ents, i, e)
			n += str(e, "kind") && !strcmp(str(e, "kind"), groups[g][0]);
		if (!n)
			continue;
		any = 1;
		fprintf(f, "<section class=\"group\" data-kind=\"%s\"><h2>%s (%zu)</h2><ul class=\"hits\">",
			groups[g][0], groups[g][1], n);
		json_array_foreach(ents, i, e) {
			if (!str(e, "kind") || strcmp(str(e, "kind"), groups[g][0]))
				continue;
			fputs("<li>", f);
			entity_link(f, e);
			fputs("<span class=\"muted\"> ", f);
			esc(f, str(e, "id"));
			fputs(" \u00b7 ", f);
			scalar(f, json_object_get(e, "records"));
			fputs(" records</span></li>", f);
		}
		fputs("</ul></section>", f);
	}
	if (json_array_size(awards)) {
		any = 1;
		fprintf(f, "<section class=\"group\" data-kind=\"award\"><h2>Contracts (%zu)</h2>",
			json_array_size(awards));
		table(f, "Contracts", NULL, cols, NCOLS(cols), awards);
		fputs("</section>", f);
	}
	if (!any)
		fputs("<p class=\"empty\">Nothing matches. Every word must match; the last may be a "
		      "prefix.</p>",
		      f);
}

/* A <section> of a list of items, each written by item(); `empty`: the
 * line when there are none (NULL: the list, empty). */
static void list_section(FILE *f, const char *h2, const json_t *rows,
			 void (*item)(FILE *, const json_t *), const char *empty)
{
	size_t i;
	const json_t *r;
	fputs("<section><h2>", f);
	esc(f, h2);
	fputs("</h2>", f);
	if (empty && !json_array_size(rows)) {
		fprintf(f, "<p class=\"empty\">%s</p></section>", empty);
		return;
	}
	fputs("<ul>", f);
	json_array_foreach(rows, i, r) {
		fputs("<li>", f);
		item(f, r);
		fputs("</li>", f);
	}
	fputs("</ul></section>", f);
}

static void records_note(FILE *f, const json_t *r)
{
	fputs("<span class=\"muted\"> (", f);
	scalar(f, json_object_get(r, "records"));
	fputs(" records)</span>", f);
}

static void name_item(FILE *f, const json_t *r)
{
	esc(f, str(r, "value"));
	records_note(f, r);
}

static void ident_item(FILE *f, const json_t *r)
{
	esc(f, str(r, "kind"));
	fputs(": ", f);
	esc(f, str(r, "value"));
	records_note(f, r);
}

static void place_item(FILE *f, const json_t *r)
{
	const char *c = str(r, "city"), *s = str(r, "state");
	esc(f, c && *c ? c : "");
	if (c && *c && s && *s)
		fputs(", ", f);
	esc(f, s && *s ? s : "");
	records_note(f, r);
}

static void member_item(FILE *f, const json_t *r)
{
	ent_link(f, "/entity/", str(r, "id"), str(r, "name"));
	fputs("<span class=\"muted\"> ", f);
	esc(f, str(r, "id"));
	fputs("</span>", f);
}

/* entity.js rel(): a parent or child. */
static void rel_item(FILE *f, const json_t *r)
{
	ent_link(f, "/entity/", str(r, "id"), str(r, "name"));
	fputs("<span class=\"muted\"> ", f);
	esc(f, str(r, "relation"));
	fputs(" \u00b7 ", f);
	span(f, str(r, "first_date"), str(r, "last_date"));
	fputs(" \u00b7 ", f);
	scalar(f, json_object_get(r, "records"));
	fputs(" records</span>", f);
}

/* entity.js entityPage(). */
/* The campaign money (FEC) of a committee or a candidate: a chart per
 * direction, by calendar year (entity.js CAMPAIGN). */
static void campaign_charts(FILE *f, const json_t *rows)
{
	static const char *const dirs[][2] = {
		{"received", "Campaign money received by year (FEC)"},
		{"spent", "Campaign money given and spent by year (FEC)"},
		{"pac_gifts", "Money from committees by year (FEC)"},
	};
	for (size_t d = 0; d < NCOLS(dirs); d++) {
		json_t *sel = json_array();
		size_t i;
		const json_t *r;
		if (!sel)
			return;
		json_array_foreach(rows, i, r) {
			const char *dir = json_string_value(json_object_get(r, "direction"));
			const char *year = json_string_value(json_object_get(r, "year"));
			if (!dir || !year || strcmp(dir, dirs[d][0]))
				continue;
			json_array_append_new(sel, json_pack("{sIsOsO}", "fiscal_year",
							     (json_int_t)atoll(year), "amount",
							     json_object_get(r, "amount"), "records",
							     json_object_get(r, "records")));
		}
		json_t *years = by_year(sel);
		if (json_array_size(years))
			year_chart_as(f, dirs[d][1], years, "Year");
		json_decref(years);
		json_decref(sel);
	}
}

static void entity_view(FILE *f, const json_t *e)
{
	static const char *const known[] = {
		"id", "name", "kind", "members", "names", "identifiers", "places", "parents", "children",
		"received", "received_via_subsidiaries", "awarded", "largest_awards",
		"subcontracts_given", "subcontracts_received"};
	static const column recv_cols[] = {
		{"Agency", C_AGENCY, "agency_id", "agency", 0},
		{"Fiscal year", C_TEXT, "fiscal_year", NULL, 0},
		{"Amount", C_MONEY, "amount", NULL, 1},
		{"Records", C_INT, "records", NULL, 1},
	};
	const char *id = str(e, "id"), *kind = str(e, "kind");
	fputs("<h1>", f);
	esc(f, str(e, "name"));
	fputs("</h1><p class=\"muted\">", f);
	kind_text(f, kind, 0);
	fputs(" \u00b7 ", f);
	esc(f, id);
	fputs("</p><p class=\"actions\">", f);
	entity_href(f, "/network/", id);
	fputs("Network view</a>", f);
	if (kind && !strcmp(kind, "public_body")) {
		fputs(" \u00b7 ", f);
		entity_href(f, "/agency/", id);
		fputs("Agency dossier</a>", f);
	}
	fputs("</p><div class=\"cols\">", f);
	list_section(f, "Names", json_object_get(e, "names"), name_item, NULL);
	list_section(f, "Identifiers", json_object_get(e, "identifiers"), ident_item, NULL);
	if (json_array_size(json_object_get(e, "places")))
		list_section(f, "Places", json_object_get(e, "places"), place_item, NULL);
	if (json_array_size(json_object_get(e, "members")) > 1)
		list_section(f, "Resolved as one", json_object_get(e, "members"), member_item, NULL);
	fputs("</div>", f);

	json_t *rec = by_year(json_object_get(e, "received"));
	json_t *via = by_year(json_object_get(e, "received_via_subsidiaries"));
	json_t *giv = by_year(json_object_get(e, "awarded"));
	/* a company's contract money, said even when none (entity.js) */
	if (json_array_size(rec) || (!json_array_size(giv) && kind && !strcmp(kind, "organization")))
		year_chart(f, "Contract money received by fiscal year", rec);
	if (json_array_size(via))
		year_chart(f, "Received through subsidiaries, by fiscal year", via);
	if (json_array_size(giv))
		year_chart(f, "Contract money awarded by fiscal year", giv);
	campaign_charts(f, json_object_get(json_object_get(e, "influence"), "campaign_money"));
	json_decref(rec);
	json_decref(via);
	json_decref(giv);
	if (json_array_size(json_object_get(e, "received"))) {
		fputs("<section><h2>Received by agency and year</h2>", f);
		table(f, "Received by agency and year", NULL, recv_cols, NCOLS(recv_cols),
		      json_object_get(e, "received"));
		fputs("</section>", f);
	}
	fputs("<div class=\"cols\">", f);
	list_section(f, "Parents", json_object_get(e, "parents"), rel_item, "none recorded");
	list_section(f, "Children", json_object_get(e, "children"), rel_item, "none recorded");
	fputs("</div>", f);
	if (json_array_size(json_object_get(e, "largest_awards"))) {
		fputs("<section><h2>Largest awards</h2>", f);
		table(f, "Largest awards", NULL, award_cols, NCOLS(award_cols),
		      json_object_get(e, "largest_awards"));
		fputs("</section>", f);
	}
	for (int i = 0; i < 2; i++) {
		const char *k = i ? "subcontracts_received" : "subcontracts_given";
		if (json_array_size(json_object_get(e, k)))
			generic(f, k, json_object_get(e, k), 2);
	}
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)e, k, v) {
		size_t j = 0;
		while (j < NCOLS(known) && strcmp(known[j], k))
			j++;
		if (j == NCOLS(known)) {
			if (!strcmp(k, "influence"))
				generic_compact(f, k, v, 2);
			else
				generic(f, k, v, 2);
		}
	}
}

static int in_list(const char *k, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(*list, k))
			return 1;
	return 0;
}

/* agency.js agencyPage(): the dossier's five sections. */
static void agency_view(FILE *f, const json_t *d, const char *from, const char *to)
{
	static const column top_cols[] = {
		{"#", C_TEXT, "rank", NULL, 1},
		{"Company", C_ENT, "id", "name", 0},
		{"Amount", C_MONEY, "amount", NULL, 1},
		{"Share", C_TEXT, "share_pct", NULL, 1},
		{"Years", C_SPAN, "first_fy", "last_fy", 0},
		{"Records", C_INT, "records", NULL, 1},
	};
	static const column sub_cols[] = {
		{"Prime", C_ENT, "prime_id", "prime", 0},
		{"Subcontractor", C_ENT, "sub_id", "sub", 0},
		{"Amount", C_MONEY, "amount", NULL, 1},
		{"Subawards", C_INT, "subawards", NULL, 1},
		{"Dates", C_SPAN, "first_date", "last_date", 0},
	};
	static const char *const money_known[] = {"by_year", "top_recipients", "largest_awards",
						  "psc", "naics", NULL};
	static const char *const known[] = {"agency", "from_fy", "to_fy", "total", "records",
					    "rule", "money", "supply_chain", "figure", NULL};
	const json_t *ag = json_object_get(d, "agency"), *m = json_object_get(d, "money");
	const json_t *sc = json_object_get(d, "supply_chain");
	const char *id = str(ag, "id"), *name = str(ag, "name"), *fig = str(d, "figure");

	fputs("<h1>", f);
	esc(f, name);
	fputs("</h1><p class=\"muted\">", f);
	esc(f, id);
	fputs(" \u00b7 agency dossier</p>", f);
	/* without the script the form asks the server for the same page */
	fputs("<form class=\"years\" method=\"get\" action=\"/agency/", f);
	uri_comp(f, id);
	fputs("\"><label>From FY <input name=\"from\" type=\"number\" min=\"1990\" "
	      "max=\"2100\" value=\"", f);
	esc(f, from ? from : "");
	fputs("\" inputmode=\"numeric\"></label><label> to FY <input name=\"to\" type=\"number\" "
	      "min=\"1990\" max=\"2100\" value=\"", f);
	esc(f, to ? to : "");
	fputs("\" inputmode=\"numeric\"></label><button type=\"submit\">Apply</button> \u00b7 ", f);
	entity_href(f, "/entity/", id);
	fputs("Entity page</a> \u00b7 ", f);
	entity_href(f, "/network/", id);
	fputs("Network view</a></form>", f);
	fputs("<p class=\"total\">Total obligations: <strong id=\"total\">", f);
	money(f, json_object_get(d, "total"));
	fputs("</strong> from ", f);
	grouped(f, json_object_get(d, "records"));
	fputs(" records", f);
	if (fig) {
		fputs(" \u00b7 ", f);
		cite_link(f, fig, "cite");
	}
	fputs("</p><p class=\"rule muted\">Counting rule: ", f);
	esc(f, str(d, "rule"));
	fputs("</p>", f);

	fputs("<section id=\"money\"><h2>1. Money</h2>", f);
	year_chart(f, "Obligations by fiscal year", json_object_get(m, "by_year"));
	flow_chart(f, "Where the money goes", json_object_get(m, "top_recipients"));
	fputs("<h3>Top recipients, rolled up to parent companies</h3>", f);
	table(f, "Top recipients, rolled up to parent companies", "top-recipients", top_cols,
	      NCOLS(top_cols), json_object_get(m, "top_recipients"));
	fputs("<h3>Largest awards</h3>", f);
	table(f, "Largest awards", NULL, award_cols, NCOLS(award_cols),
	      json_object_get(m, "largest_awards"));
	if (json_object_get(m, "psc"))
		generic(f, "What was bought (PSC)", json_object_get(m, "psc"), 2);
	if (json_object_get(m, "naics"))
		generic(f, "Industries (NAICS)", json_object_get(m, "naics"), 2);
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)m, k, v)
		if (!in_list(k, money_known))
			generic(f, k, v, 2);
	fputs("</section>", f);

	fputs("<section id=\"supply-chain\"><h2>2. Supply chain</h2>"
	      "<h3>Subcontracts under the agency&#39;s awards</h3>", f);
	table(f, "Subcontracts under the agency's awards", NULL, sub_cols, NCOLS(sub_cols),
	      json_object_get(sc, "subcontracts"));
	json_t *none = json_array();
	const json_t *hv = json_object_get(sc, "hidden_vendors");
	generic(f, "Hidden vendors (named in descriptions, not the recipient)", hv ? hv : none, 2);
	json_decref(none);
	fputs("</section>", f);

	/* further sections, numbered on from 3; a scalar is a line */
	int n = 3;
	json_object_foreach((json_t *)d, k, v) {
		if (in_list(k, known))
			continue;
		if (json_is_object(v) || json_is_array(v)) {
			char t[128];
			int at = snprintf(t, sizeof t, "%d. ", n++);
			snprintf(t + at, sizeof t - (size_t)at, "%s", k);
			if (t[at] >= 'a' && t[at] <= 'z')
				t[at] = (char)(t[at] - 32);
			generic(f, t, v, 1);
		} else {
			generic(f, k, v, 1);
		}
	}
}

/* network.js's fy(): the fiscal year of an ISO date (October-September). */
static int fiscal_year(const char *d)
{
	if (!d || strlen(d) < 7)
		return 0;
	return atoi(d) + (atoi(d + 5) >= 10);
}

/* Sorts idx[0..n) by key[] descending, stably (first[] ahead of all). */
static void sort_desc(size_t *idx, size_t n, const int64_t *key)
{
	for (size_t i = 1; i < n; i++) {
		size_t x = idx[i], j = i;
		while (j > 0 && key[idx[j - 1]] < key[x]) {
			idx[j] = idx[j - 1];
			j--;
		}
		idx[j] = x;
	}
}

/* network.js networkPage()'s first view, its tables: the entities and
 * links of the first answer (links once per kind and direction, entities
 * by the money on their links, the centre first, links by amount). */
static void network_view(FILE *f, const json_t *res)
{
	/* the labels (cells are written below: they are not the answer's) */
	static const column node_cols[] = {
		{"Name", C_TEXT, NULL, NULL, 0},
		{"Kind", C_TEXT, NULL, NULL, 0},
		{"Money on its links", C_TEXT, NULL, NULL, 1},
		{"Neighbours", C_TEXT, NULL, NULL, 0},
	};
	static const column link_cols[] = {
		{"From", C_TEXT, NULL, NULL, 0},
		{"Link", C_TEXT, NULL, NULL, 0},
		{"To", C_TEXT, NULL, NULL, 0},
		{"Amount", C_TEXT, NULL, NULL, 1},
		{"Records", C_TEXT, NULL, NULL, 1},
		{"Fiscal years", C_TEXT, NULL, NULL, 0},
	};
	const json_t *c = json_object_get(res, "center"), *nb = json_object_get(res, "neighbours");
	const char *cid = str(c, "id");
	size_t n = json_array_size(nb), ne = 0, nn = 0, i;
	const json_t **edge = calloc(n ? n : 1, sizeof *edge);
	const json_t **node = calloc(n + 1, sizeof *node);
	int64_t *ekey = calloc(n ? n : 1, sizeof *ekey), *nkey = calloc(n + 1, sizeof *nkey);
	size_t *eidx = calloc(n ? n : 1, sizeof *eidx), *nidx = calloc(n + 1, sizeof *nidx);
	const json_t *r;

	fputs("<h1>Network: ", f);
	ent_link(f, "/entity/", cid, str(c, "name"));
	fputs("</h1>", f);
	if (!edge || !node || !ekey || !nkey || !eidx || !nidx)
		goto done;
	node[nn++] = c;
	json_array_foreach(nb, i, r) {
		const json_t *o = json_object_get(r, "node");
		const char *oid = str(o, "id"), *link = str(r, "link");
		int out = str(r, "direction") && !strcmp(str(r, "direction"), "out");
		size_t j, a = 0, b;
		if (!oid || !link)
			continue;
		for (j = 0; j < ne; j++) {
			const json_t *x = edge[j];
			if (!strcmp(str(x, "link"), link) && !strcmp(str(json_object_get(x, "node"), "id"), oid) &&
			    !strcmp(str(x, "direction") ? str(x, "direction") : "", out ? "out" : "in"))
				break;
		}
		if (j < ne)
			continue;
		for (b = 0; b < nn && strcmp(str(node[b], "id") ? str(node[b], "id") : "", oid); b++)
			;
		if (b == nn)
			node[nn++] = o;
		int64_t m = cents_of(json_object_get(r, "amount"));
		m = m < 0 ? -m : m;
		nkey[a] += m;
		nkey[b] += m;
		ekey[ne] = m;
		eidx[ne] = ne;
		edge[ne++] = r;
	}
	fprintf(f, "<p class=\"muted\" role=\"status\" id=\"net-status\">%zu entities, %zu links", nn, ne);
	if (json_is_true(json_object_get(res, "truncated"))) {
		fprintf(f, " (the largest %zu links of ", n);
		esc(f, str(c, "name"));
		fputs(" shown)", f);
	}
	fputs("</p><div id=\"net-tables\">", f);

	for (i = 0; i < nn; i++)
		nidx[i] = i;
	int64_t centre = nkey[0];
	nkey[0] = INT64_MAX;
	sort_desc(nidx, nn, nkey);
	nkey[0] = centre;
	table_open(f, "Entities in the view", 1, NULL, node_cols, NCOLS(node_cols));
	for (i = 0; i < nn; i++) {
		const json_t *o = node[nidx[i]];
		fputs("<tr><td>", f);
		ent_link(f, "/entity/", str(o, "id"), str(o, "name"));
		fputs("</td><td>", f);
		kind_text(f, str(o, "kind"), 0);
		fputs("</td><td class=\"num\">", f);
		money_cents(f, nkey[nidx[i]]);
		fputs("</td><td>", f);
		if (nidx[i] == 0) {
			fputs("shown", f);
		} else {
			entity_href(f, "/network/", str(o, "id"));
			fputs("Its network</a>", f);
		}
		fputs("</td></tr>", f);
	}
	fputs("</tbody></table></div>", f);

	sort_desc(eidx, ne, ekey);
	table_open(f, "Links in the view", 1, NULL, link_cols, NCOLS(link_cols));
	for (i = 0; i < ne; i++) {
		const json_t *x = edge[eidx[i]], *o = json_object_get(x, "node");
		int out = str(x, "direction") && !strcmp(str(x, "direction"), "out");
		const json_t *src = out ? c : o, *dst = out ? o : c;
		int a = fiscal_year(str(x, "first_date")), b = fiscal_year(str(x, "last_date"));
		fputs("<tr><td>", f);
		ent_link(f, "/entity/", str(src, "id"), str(src, "name"));
		fputs("</td><td>", f);
		kind_text(f, str(x, "link"), 1);
		fputs("</td><td>", f);
		ent_link(f, "/entity/", str(dst, "id"), str(dst, "name"));
		fputs("</td><td class=\"num\">", f);
		money(f, json_object_get(x, "amount"));
		fputs("</td><td class=\"num\">", f);
		scalar(f, json_object_get(x, "records"));
		fputs("</td><td>", f);
		if (a && a == b)
			fprintf(f, "%d", a);
		else if (a)
			fprintf(f, "%d\u2013%d", a, b);
		fputs("</td></tr>", f);
	}
	if (!ne)
		table_empty(f, NCOLS(link_cols));
	fputs("</tbody></table></div></div>", f);
done:
	free(edge);
	free(node);
	free(ekey);
	free(nkey);
	free(eidx);
	free(nidx);
}

/* ---- entry point ------------------------------------------------------ */

int bh_html_view(FILE *f, const bh_page_view *v, const char *answer, size_t n)
{
	json_error_t jerr;
	json_t *doc = json_loadb(answer, n, 0, &jerr);

	if (!doc) {
		/* not JSON we can read (a NUL in a string, say): the script's
		 * view, or the API's own answer */
		fprintf(stderr, "behind serve: %s: no HTML view: %s (byte %d of %zu)\n", v->api,
			jerr.text, jerr.position, n);
		fputs("<p class=\"empty\">This answer is shown by the page&#39;s script; without it, "
		      "read it as JSON at <a href=\"/api/\">/api/</a>.</p>",
		      f);
		return 0;
	}
	if (v->status != 200) {
		fprintf(f, "<h1>%s</h1><p class=\"error\" role=\"alert\">",
			v->status == 404 ? "Not found" : "Something went wrong");
		esc(f, str(doc, "error"));
		fputs("</p>", f);
	} else if (!strcmp(v->api, "/api/search")) {
		search_view(f, doc, v->q ? v->q : "");
	} else if (!strcmp(v->api, "/api/show")) {
		entity_view(f, doc);
	} else if (!strcmp(v->api, "/api/who")) {
		agency_view(f, doc, v->from, v->to);
	} else if (!strcmp(v->api, "/api/graph")) {
		network_view(f, doc);
	}
	json_decref(doc);
	return 0;
}
