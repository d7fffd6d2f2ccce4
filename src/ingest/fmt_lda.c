/* Senate Lobbying Disclosure Act bulk XML (https://lda.senate.gov, the
 * quarterly downloads): LD-1 registrations and LD-2 activity reports
 * (kind "lda-ld1-ld2") and LD-203 contribution reports ("lda-ld203"). The
 * files are UTF-16LE with a byte-order mark: libxml2's xmlReader streams
 * them through bh_input_read and each <Filing> is expanded alone, so memory
 * holds one filing, never the file. The parser may not touch the network
 * or load a DTD, and entities are not substituted (no XML_PARSE_NOENT).
 *
 * Entities: registrants, clients and government entities by normalized
 * name ("name:<KEY>", the id other sources give an organization known by
 * name), lobbyists ("lobbyist:<KEY>"), LD-203 payees ("name:<KEY>", kind
 * committee). Links: lobbied_for (registrant -> client, with the LD-2
 * amount), lobbied (client -> government entity), lobbyist_at (lobbyist ->
 * registrant), contributed (LD-203 contributor -> payee). A well-formedness
 * error ends the file: the filings before it land and the error is a
 * rejected record naming its line. */
#include "ingest/ingestInt.h"
#include "ingest/value.h"
#include "util/err.h"

#include <libxml/xmlreader.h>
#include <stdlib.h>
#include <string.h>

/* ---- detection ------------------------------------------------------ */

/* Copies the first characters of `head` as ASCII (UTF-16 in either byte
 * order, with or without BOM, or UTF-8), so that markup can be searched.
 * Returns the length written; *utf16_nobom is set for UTF-16 without BOM. */
static size_t head_ascii(char *out, size_t cap, const char *head, size_t len, int *utf16_nobom)
{
	const unsigned char *h = (const unsigned char *)head;
	size_t i = 0, o = 0, step = 1, off = 0;
	*utf16_nobom = 0;
	if (len >= 2 && h[0] == 0xFF && h[1] == 0xFE)
		i = 2, step = 2, off = 0;
	else if (len >= 2 && h[0] == 0xFE && h[1] == 0xFF)
		i = 2, step = 2, off = 1;
	else if (len >= 2 && h[0] == '<' && h[1] == 0)
		step = 2, off = 0, *utf16_nobom = 1;
	else if (len >= 2 && h[0] == 0 && h[1] == '<')
		step = 2, off = 1, *utf16_nobom = 1;
	else if (len >= 3 && h[0] == 0xEF && h[1] == 0xBB && h[2] == 0xBF)
		i = 3;
	for (; i + off < len && o + 1 < cap; i += step) {
		unsigned char c = h[i + off];
		out[o++] = c && c < 0x80 ? (char)c : '?';
	}
	out[o] = '\0';
	return o;
}

/* 1 for LD-203, 0 for LD-1/LD-2, -1 for neither. */
static int lda_head_kind(const char *head, size_t len)
{
	char a[8192];
	int nobom;
	head_ascii(a, sizeof a, head, len, &nobom);
	if (!strstr(a, "<PublicFilings") || !strstr(a, "<Filing "))
		return -1;
	return strstr(a, "Type=\"LD-203") != NULL;
}

static int detect_ld2(const char *head, size_t len)
{
	return lda_head_kind(head, len) == 0 ? 90 : 0;
}

static int detect_ld203(const char *head, size_t len)
{
	return lda_head_kind(head, len) == 1 ? 90 : 0;
}

/* ---- state ---------------------------------------------------------- */

enum { Q_FILING, Q_LOBBYIST, Q_ISSUE, Q_GOV, Q_CONTRIB, NQ };

typedef struct {
	bh_ing *g;
	sqlite3_stmt *q[NQ];
	char err[300]; /* the first parser error, with its line */
	int err_line;
	int64_t filings;
} lda_run;

/* An attribute's value (owned: free with xmlFree) or NULL, trimmed views
 * are taken by sv(). */
typedef struct {
	const char *p;
	size_t n;
} sv;

static sv view(const xmlChar *s)
{
	sv v = {"", 0};
	if (!s)
		return v;
	v.p = (const char *)s;
	v.n = strlen(v.p);
	while (v.n && (*v.p == ' ' || *v.p == '\t' || *v.p == '\r' || *v.p == '\n'))
		v.p++, v.n--;
	while (v.n && (v.p[v.n - 1] == ' ' || v.p[v.n - 1] == '\t' || v.p[v.n - 1] == '\r' ||
		       v.p[v.n - 1] == '\n'))
		v.n--;
	return v;
}

/* The attributes of one element that a reader asks for, fetched once and
 * freed together. */
#define MAX_ATTRS 12
typedef struct {
	xmlChar *v[MAX_ATTRS];
	int n;
} attrs;

static sv attr(attrs *a, xmlNode *node, const char *name)
{
	xmlChar *s = xmlGetNoNsProp(node, (const xmlChar *)name);
	if (a->n < MAX_ATTRS)
		a->v[a->n++] = s;
	else {
		xmlFree(s); /* never reached: callers ask for fewer */
		s = NULL;
	}
	return view(s);
}

static void attrs_free(attrs *a)
{
	for (int i = 0; i < a->n; i++)
		xmlFree(a->v[i]);
	a->n = 0;
}

static int is_el(xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static void bind_sv(sqlite3_stmt *q, int k, sv v)
{
	if (v.n)
		sqlite3_bind_text(q, k, v.p, (int)v.n, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(q, k);
}

static void bind_rid(sqlite3_stmt *q, int k, int64_t rid)
{
	if (rid)
		sqlite3_bind_int64(q, k, rid);
	else
		sqlite3_bind_null(q, k);
}

static int step(lda_run *st, int which, const char *what)
{
	sqlite3_stmt *q = st->q[which];
	int rc = sqlite3_step(q);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return rc == SQLITE_DONE ? 0 : bh_store_fail(st->g->store, what);
}

/* The entity of a name ("<prefix><KEY>"), 0 if the name is empty or a
 * placeholder; its name is recorded as a statement. */
static int named(int64_t *rid, bh_ing *g, const char *prefix, const char *kind, sv name,
		 int64_t line)
{
	char key[512], id[540];
	*rid = 0;
	if (!name.n || !bh_name_key(key, sizeof key, name.p, name.n))
		return 0;
	if (!strcmp(key, "N A") || !strcmp(key, "NONE") || !strcmp(key, "UNDETERMINED"))
		return 0;
	snprintf(id, sizeof id, "%s%s", prefix, key);
	int rc = bh_ing_entity(rid, g, id, kind, name.p, name.n);
	if (rc < 0)
		return rc;
	return bh_ing_statement(g, *rid, "name", name.p, name.n, line);
}

/* "2005-11-01T00:00:00" -> "2005-11-01"; empty if not a date. */
static void iso_date(char out[11], sv v)
{
	out[0] = '\0';
	if (v.n >= 10 && bh_date_mdy(v.p, 10, 0, out) != 1)
		out[0] = '\0';
}

/* ---- one filing ----------------------------------------------------- */

typedef struct {
	int64_t registrant, client, line;
	sv id, lobbyist_name; /* the LD-203 filer's own lobbyist, if any */
	char received[11];
} filing_ctx;

static int lobbyist(lda_run *st, filing_ctx *f, xmlNode *n)
{
	bh_ing *g = st->g;
	attrs a = {{0}, 0};
	int64_t person = 0;
	int rc;
	sv name = attr(&a, n, "LobbyistName"), cov = attr(&a, n, "LobbyistCoveredGovPositionIndicator");
	sv pos = attr(&a, n, "OfficialPosition");
	int has_pos = pos.n && !(pos.n == 3 && !memcmp(pos.p, "N/A", 3));

	if (!name.n) {
		rc = 0;
		goto cleanup;
	}
	if ((rc = named(&person, g, "lobbyist:", "person", name, f->line)) < 0)
		goto cleanup;
	if (has_pos && (rc = bh_ing_statement(g, person, "covered_position", pos.p, pos.n, f->line)) < 0)
		goto cleanup;
	if ((rc = bh_ing_link(g, "lobbyist_at", person, f->registrant, f->received[0] ? f->received : NULL,
			      0, 0, f->line)) < 0)
		goto cleanup;
	sqlite3_stmt *q = st->q[Q_LOBBYIST];
	sqlite3_bind_int64(q, 1, g->source_id);
	sqlite3_bind_int64(q, 2, f->line);
	bind_sv(q, 3, f->id);
	bind_rid(q, 4, person);
	bind_sv(q, 5, name);
	bind_sv(q, 6, cov);
	bind_sv(q, 7, has_pos ? pos : (sv){"", 0});
	rc = step(st, Q_LOBBYIST, "lda_lobbyist insert");
cleanup:
	attrs_free(&a);
	return rc;
}

static int issue(lda_run *st, filing_ctx *f, xmlNode *n)
{
	attrs a = {{0}, 0};
	sv code = attr(&a, n, "Code"), spec = attr(&a, n, "SpecificIssue");
	sqlite3_stmt *q = st->q[Q_ISSUE];
	sqlite3_bind_int64(q, 1, st->g->source_id);
	sqlite3_bind_int64(q, 2, f->line);
	bind_sv(q, 3, f->id);
	bind_sv(q, 4, code);
	bind_sv(q, 5, spec);
	int rc = step(st, Q_ISSUE, "lda_issue insert");
	attrs_free(&a);
	return rc;
}

static int gov_entity(lda_run *st, filing_ctx *f, xmlNode *n)
{
	bh_ing *g = st->g;
	attrs a = {{0}, 0};
	int64_t body = 0;
	int rc;
	sv name = attr(&a, n, "GovEntityName");
	if (!name.n) {
		rc = 0;
		goto cleanup;
	}
	if ((rc = named(&body, g, "name:", "public_body", name, f->line)) < 0 ||
	    (rc = bh_ing_link(g, "lobbied", f->client ? f->client : f->registrant, body,
			      f->received[0] ? f->received : NULL, 0, 0, f->line)) < 0)
		goto cleanup;
	sqlite3_stmt *q = st->q[Q_GOV];
	sqlite3_bind_int64(q, 1, g->source_id);
	sqlite3_bind_int64(q, 2, f->line);
	bind_sv(q, 3, f->id);
	bind_sv(q, 4, name);
	bind_rid(q, 5, body);
	rc = step(st, Q_GOV, "lda_gov_entity insert");
cleanup:
	attrs_free(&a);
	return rc;
}

static int contribution(lda_run *st, filing_ctx *f, xmlNode *n)
{
	bh_ing *g = st->g;
	attrs a = {{0}, 0};
	int64_t amount = 0, from = 0, payee_ent = 0;
	char date[11];
	int rc, has;
	sv who = attr(&a, n, "Contributor"), type = attr(&a, n, "ContributionType");
	sv payee = attr(&a, n, "Payee"), honoree = attr(&a, n, "Honoree");
	sv amt = attr(&a, n, "Amount"), dt = attr(&a, n, "ContributionDate");

	has = bh_money_parse(amt.p, amt.n, &amount);
	if (has < 0) {
		rc = bh_ing_reject(g, f->line, NULL, 0,
				   "filing %.*s: contribution Amount is not an amount: '%.*s'",
				   (int)f->id.n, f->id.p, (int)amt.n, amt.p);
		goto cleanup;
	}
	iso_date(date, dt);
	/* the contributor is the filing's lobbyist, else an organization (the
	 * registrant's PAC) */
	if (who.n && f->lobbyist_name.n && who.n == f->lobbyist_name.n &&
	    !memcmp(who.p, f->lobbyist_name.p, who.n))
		rc = named(&from, g, "lobbyist:", "person", who, f->line);
	else
		rc = named(&from, g, "name:", "organization", who, f->line);
	if (rc < 0 || (rc = named(&payee_ent, g, "name:", "committee", payee, f->line)) < 0)
		goto cleanup;
	if (payee_ent && honoree.n &&
	    (rc = bh_ing_statement(g, payee_ent, "honoree", honoree.p, honoree.n, f->line)) < 0)
		goto cleanup;
	if ((rc = bh_ing_link(g, "contributed", from ? from : f->registrant, payee_ent,
			      date[0] ? date : NULL, amount, has == 1, f->line)) < 0)
		goto cleanup;
	sqlite3_stmt *q = st->q[Q_CONTRIB];
	int k = 1;
	sqlite3_bind_int64(q, k++, g->source_id);
	sqlite3_bind_int64(q, k++, f->line);
	bind_sv(q, k++, f->id);
	bind_rid(q, k++, f->registrant);
	bind_sv(q, k++, who);
	bind_rid(q, k++, from);
	bind_sv(q, k++, type);
	bind_sv(q, k++, payee);
	bind_rid(q, k++, payee_ent);
	bind_sv(q, k++, honoree);
	if (has == 1)
		sqlite3_bind_int64(q, k++, amount);
	else
		sqlite3_bind_null(q, k++);
	if (date[0])
		sqlite3_bind_text(q, k++, date, 10, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(q, k++);
	rc = step(st, Q_CONTRIB, "lda_contribution insert");
	g->rows++;
cleanup:
	attrs_free(&a);
	return rc;
}

/* Calls fn on each element child of n named `name`. */
static int each_child(lda_run *st, filing_ctx *f, xmlNode *n, const char *name,
		      int (*fn)(lda_run *, filing_ctx *, xmlNode *))
{
	int rc;
	for (xmlNode *c = n->children; c; c = c->next)
		if (is_el(c, name) && (rc = fn(st, f, c)) < 0)
			return rc;
	return 0;
}

static int filing(lda_run *st, xmlNode *fnode, int64_t line)
{
	bh_ing *g = st->g;
	attrs fa = {{0}, 0}, ra = {{0}, 0}, ca = {{0}, 0}, la = {{0}, 0};
	filing_ctx f;
	int64_t amount = 0;
	int rc = 0, has_amount;
	xmlNode *reg = NULL, *cli = NULL, *lob = NULL;

	memset(&f, 0, sizeof f);
	f.line = line;
	f.id = attr(&fa, fnode, "ID");
	sv type = attr(&fa, fnode, "Type"), year = attr(&fa, fnode, "Year");
	sv rec = attr(&fa, fnode, "Received"), period = attr(&fa, fnode, "Period");
	sv amt = attr(&fa, fnode, "Amount"), comments = attr(&fa, fnode, "Comments");
	if (!f.id.n) {
		rc = bh_ing_reject(g, line, NULL, 0, "<Filing> without an ID attribute");
		goto cleanup;
	}
	has_amount = bh_money_parse(amt.p, amt.n, &amount);
	if (has_amount < 0) {
		rc = bh_ing_reject(g, line, NULL, 0, "filing %.*s: Amount is not an amount: '%.*s'",
				   (int)f.id.n, f.id.p, (int)amt.n, amt.p);
		goto cleanup;
	}
	iso_date(f.received, rec);
	const char *form = type.n >= 6 && !memcmp(type.p, "LD-203", 6) ? "LD-203"
			   : type.n >= 12 && !memcmp(type.p, "REGISTRATION", 12) ? "LD-1"
										  : "LD-2";
	for (xmlNode *c = fnode->children; c; c = c->next) {
		if (is_el(c, "Registrant"))
			reg = c;
		else if (is_el(c, "Client"))
			cli = c;
		else if (is_el(c, "Lobbyist"))
			lob = c;
	}
	sv rname = {"", 0}, rid = {"", 0}, cname = {"", 0}, cid = {"", 0}, self = {"", 0};
	if (reg) {
		rname = attr(&ra, reg, "RegistrantName");
		rid = attr(&ra, reg, "RegistrantID");
		sv addr = attr(&ra, reg, "Address"), desc = attr(&ra, reg, "GeneralDescription");
		if ((rc = named(&f.registrant, g, "name:", "organization", rname, line)) < 0)
			goto cleanup;
		if (f.registrant &&
		    ((rc = bh_ing_statement(g, f.registrant, "lda_registrant_id", rid.p, rid.n, line)) < 0 ||
		     (rc = bh_ing_statement(g, f.registrant, "address", addr.p, addr.n, line)) < 0 ||
		     (rc = bh_ing_statement(g, f.registrant, "description", desc.p, desc.n, line)) < 0))
			goto cleanup;
	}
	if (cli) {
		cname = attr(&ca, cli, "ClientName");
		cid = attr(&ca, cli, "ClientID");
		self = attr(&ca, cli, "SelfFiler");
		sv st_ = attr(&ca, cli, "ClientState"), ctry = attr(&ca, cli, "ClientCountry");
		if ((rc = named(&f.client, g, "name:", "organization", cname, line)) < 0)
			goto cleanup;
		if (f.client &&
		    ((rc = bh_ing_statement(g, f.client, "state", st_.p, st_.n, line)) < 0 ||
		     (rc = bh_ing_statement(g, f.client, "country", ctry.p, ctry.n, line)) < 0))
			goto cleanup;
		if ((rc = bh_ing_link(g, "lobbied_for", f.registrant, f.client,
				      f.received[0] ? f.received : NULL, amount,
				      has_amount == 1 && !strcmp(form, "LD-2"), line)) < 0)
			goto cleanup;
	}
	if (lob) {
		f.lobbyist_name = attr(&la, lob, "LobbyistName");
		int64_t person = 0;
		if ((rc = named(&person, g, "lobbyist:", "person", f.lobbyist_name, line)) < 0 ||
		    (rc = bh_ing_link(g, "lobbyist_at", person, f.registrant,
				      f.received[0] ? f.received : NULL, 0, 0, line)) < 0)
			goto cleanup;
	}

	sqlite3_stmt *q = st->q[Q_FILING];
	int k = 1;
	sqlite3_bind_int64(q, k++, g->source_id);
	sqlite3_bind_int64(q, k++, line);
	bind_sv(q, k++, f.id);
	sqlite3_bind_text(q, k++, form, -1, SQLITE_STATIC);
	bind_sv(q, k++, type);
	if (year.n == 4)
		sqlite3_bind_int(q, k++, atoi(year.p));
	else
		sqlite3_bind_null(q, k++);
	bind_sv(q, k++, rec);
	bind_sv(q, k++, period);
	if (has_amount == 1)
		sqlite3_bind_int64(q, k++, amount);
	else
		sqlite3_bind_null(q, k++);
	bind_rid(q, k++, f.registrant);
	bind_sv(q, k++, rid);
	bind_sv(q, k++, rname);
	bind_rid(q, k++, f.client);
	bind_sv(q, k++, cid);
	bind_sv(q, k++, cname);
	if (self.n)
		sqlite3_bind_int(q, k++, self.n == 4 && !memcmp(self.p, "TRUE", 4));
	else
		sqlite3_bind_null(q, k++);
	bind_sv(q, k++, comments);
	if ((rc = step(st, Q_FILING, "lda_filing insert")) < 0)
		goto cleanup;
	g->rows++;
	st->filings++;

	for (xmlNode *c = fnode->children; c; c = c->next) {
		if (is_el(c, "Lobbyists"))
			rc = each_child(st, &f, c, "Lobbyist", lobbyist);
		else if (is_el(c, "Issues"))
			rc = each_child(st, &f, c, "Issue", issue);
		else if (is_el(c, "GovernmentEntities"))
			rc = each_child(st, &f, c, "GovernmentEntity", gov_entity);
		else if (is_el(c, "Contributions"))
			rc = each_child(st, &f, c, "Contribution", contribution);
		if (rc < 0)
			goto cleanup;
	}
cleanup:
	attrs_free(&la);
	attrs_free(&ca);
	attrs_free(&ra);
	attrs_free(&fa);
	return rc < 0 ? rc : 0;
}

/* ---- the reader ----------------------------------------------------- */

static int io_read(void *ctx, char *buf, int len)
{
	ssize_t n = bh_input_read(ctx, buf, (size_t)len);
	return n < 0 ? -1 : (int)n;
}

static int io_close(void *ctx)
{
	return 0;
}

static void on_error(void *ctx, xmlErrorPtr e)
{
	lda_run *st = ctx;
	if (!e || e->level < XML_ERR_ERROR || st->err[0])
		return;
	snprintf(st->err, sizeof st->err, "%s", e->message ? e->message : "XML error");
	size_t n = strlen(st->err);
	while (n && (st->err[n - 1] == '\n' || st->err[n - 1] == ' '))
		st->err[--n] = '\0';
	st->err_line = e->line;
}

static const char *const SQL[NQ] = {
	"INSERT INTO lda_filing(source_id, line, filing_id, form, type, year, received, period,"
	" amount, registrant, registrant_lda_id, registrant_name, client, client_lda_id,"
	" client_name, self_filer, comments) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	"INSERT INTO lda_lobbyist(source_id, line, filing_id, person, name, covered,"
	" official_position) VALUES(?,?,?,?,?,?,?)",
	"INSERT INTO lda_issue(source_id, line, filing_id, code, specific) VALUES(?,?,?,?,?)",
	"INSERT INTO lda_gov_entity(source_id, line, filing_id, name, entity) VALUES(?,?,?,?,?)",
	"INSERT INTO lda_contribution(source_id, line, filing_id, registrant, contributor,"
	" contributor_entity, type, payee, payee_entity, honoree, amount, date)"
	" VALUES(?,?,?,?,?,?,?,?,?,?,?,?)",
};

static int run_lda(bh_ing *g)
{
	lda_run st;
	xmlTextReaderPtr r = NULL;
	int rc = 0, ret, nobom;
	char a[64];

	memset(&st, 0, sizeof st);
	st.g = g;
	for (int i = 0; i < NQ; i++)
		if ((rc = bh_store_prepare(&st.q[i], g->store, SQL[i])) < 0)
			goto cleanup;
	head_ascii(a, sizeof a, g->in->head, g->in->head_len, &nobom);
	if (nobom && (rc = bh_ing_warn(g, 0, "UTF-16 without a byte-order mark: read as UTF-16%s",
				       g->in->head[0] ? "LE" : "BE")) < 0)
		goto cleanup;
	/* no network, no DTD loading, no entity substitution; big line numbers */
	r = xmlReaderForIO(io_read, io_close, g->in, g->in->name, NULL,
			   XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
				   XML_PARSE_BIG_LINES | XML_PARSE_NOCDATA);
	if (!r) {
		rc = bh_error_set(BH_ENOMEM, "%s: cannot start the XML reader", g->in->name);
		goto cleanup;
	}
	xmlTextReaderSetStructuredErrorHandler(r, on_error, &st);
	ret = xmlTextReaderRead(r);
	while (ret == 1) {
		const xmlChar *name = xmlTextReaderConstLocalName(r);
		if (xmlTextReaderNodeType(r) != XML_READER_TYPE_ELEMENT || xmlTextReaderDepth(r) != 1 ||
		    !name || strcmp((const char *)name, "Filing") != 0) {
			ret = xmlTextReaderRead(r);
			continue;
		}
		int64_t line = xmlTextReaderGetParserLineNumber(r);
		xmlNode *node = xmlTextReaderExpand(r);
		if (!node) {
			ret = -1;
			break;
		}
		if ((rc = filing(&st, node, line)) < 0)
			goto cleanup;
		bh_ing_progress(g);
		/* past the expanded subtree, which the reader frees as it moves on */
		ret = xmlTextReaderNext(r);
	}
	if (ret < 0) {
		if (!st.err[0])
			snprintf(st.err, sizeof st.err, "the XML reader stopped (bad encoding or I/O)");
		if (!st.filings && !g->rejected) {
			rc = bh_error_set(BH_EFORMAT, "%s:%d: not readable XML: %s; nothing written",
					  g->in->name, st.err_line, st.err);
			goto cleanup;
		}
		rc = bh_ing_reject(g, st.err_line, NULL, 0,
				   "XML error: %s; the file ends here for behind (%lld filings before it"
				   " were read; a truncated download?)",
				   st.err, (long long)st.filings);
	}
cleanup:
	xmlFreeTextReader(r);
	for (int i = 0; i < NQ; i++)
		sqlite3_finalize(st.q[i]);
	return rc < 0 ? rc : 0;
}

const bh_format bh_fmt_lda_ld2 = {
	"lda-ld1-ld2",
	"Senate LDA registrations and activity reports (LD-1/LD-2 bulk XML, UTF-16)",
	detect_ld2,
	run_lda,
};

const bh_format bh_fmt_lda_ld203 = {
	"lda-ld203",
	"Senate LDA contribution reports (LD-203 bulk XML, UTF-16)",
	detect_ld203,
	run_lda,
};
