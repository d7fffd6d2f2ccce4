/* `behind cite FIGURE-ID`: the evidence pack behind one figure, so that a
 * number can be checked without this tool. The pack is a folder:
 *
 *   figure.json  the figure: id, what it counts, its value and record count
 *   query.sql    the SQL that lists its records, parameters filled in, runnable
 *                with `sqlite3 STORE < query.sql`
 *   records.csv  every contributing record: table, source file, line, date,
 *                amount, official URL, parties, description
 *   urls.txt     the official pages of those records, one per line, sorted
 *
 * The figure's value is the sum of records.csv's amounts, computed here
 * while writing it, so the pack cannot disagree with itself. The grammar of
 * figure ids is in docs/cite.md. */
#include "query/citeInt.h"
#include "query/graph.h"
#include "query/queryInt.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* The columns of every records query (BH_REC_COLS), in order. */
enum { R_TABLE, R_FILE, R_LINE, R_DATE, R_AMOUNT, R_URL, R_FROM, R_TO, R_DESC, R_NCOLS };

#define AWARD_URL BH_AWARD_URL

/* ---- the records of one link, by the fact table its source fills --------- */
/* ?1 source_id, ?2 src rid, ?3 dst rid, ?4 link rid */

static const char q_link_usaspending[] =
	"SELECT * FROM ("
	" SELECT 'txn' AS record, s.path AS file, t.line, t.action_date AS date, t.amount,"
	"  " AWARD_URL("t.award_key") " AS url, es.id AS from_entity, ed.id AS to_entity,"
	"  t.description FROM link l JOIN txn t ON t.source_id = l.source_id"
	"  JOIN source s ON s.id = t.source_id"
	"  JOIN entity es ON es.rid = l.src JOIN entity ed ON ed.rid = l.dst"
	"  WHERE l.rid = ?4 AND ("
	"   (l.kind = 'awarded' AND t.recipient = l.dst AND coalesce(t.subagency, t.agency) = l.src)"
	"   OR (l.kind = 'parent_of' AND t.parent = l.src AND t.recipient = l.dst))"
	" UNION ALL"
	" SELECT 'award', s.path, a.line, a.base_date, a.amount, " AWARD_URL("a.award_key") ","
	"  es.id, ed.id, a.description FROM link l JOIN award a ON a.source_id = l.source_id"
	"  JOIN source s ON s.id = a.source_id"
	"  JOIN entity es ON es.rid = l.src JOIN entity ed ON ed.rid = l.dst"
	"  WHERE l.rid = ?4 AND ("
	"   (l.kind = 'awarded' AND a.recipient = l.dst AND coalesce(a.subagency, a.agency) = l.src)"
	"   OR (l.kind = 'parent_of' AND a.parent = l.src AND a.recipient = l.dst))"
	" UNION ALL"
	" SELECT 'subaward', s.path, b.line, b.action_date, b.amount,"
	"  " AWARD_URL("b.prime_award_key") ", es.id, ed.id, b.description"
	"  FROM link l JOIN subaward b ON b.source_id = l.source_id"
	"  JOIN source s ON s.id = b.source_id"
	"  JOIN entity es ON es.rid = l.src JOIN entity ed ON ed.rid = l.dst"
	"  WHERE l.rid = ?4 AND ("
	"   (l.kind = 'subcontracted' AND b.prime = l.src AND b.sub = l.dst)"
	"   OR (l.kind = 'parent_of' AND b.sub_parent = l.src AND b.sub = l.dst)))"
	" ORDER BY file, line";

static const char q_link_fec[] =
	"SELECT 'fec_txn' AS record, s.path AS file, t.line, t.date, t.amount,"
	" CASE WHEN coalesce(t.image_num, '') <> ''"
	"  THEN 'https://docquery.fec.gov/cgi-bin/fecimg/?' || t.image_num END AS url,"
	" es.id AS from_entity, ed.id AS to_entity,"
	" trim(coalesce(t.tx_type, '') || ' ' || coalesce(t.memo_text, '')) AS description"
	" FROM link l JOIN fec_txn t ON t.source_id = l.source_id"
	" JOIN source s ON s.id = t.source_id"
	" JOIN entity es ON es.rid = l.src JOIN entity ed ON ed.rid = l.dst"
	" WHERE l.rid = ?4 AND coalesce(t.memo_cd, '') <> 'X' AND ("
	"  (t.cmte = l.dst AND t.counterparty = l.src)"
	"  OR (t.cmte = l.src AND (t.cand = l.dst OR (t.cand IS NULL AND t.counterparty = l.dst))))"
	" ORDER BY t.line";

/* Any other link: its first record, as the link row names it. */
static const char q_link_first[] =
	"SELECT 'link' AS record, s.path AS file, l.line, l.first_date AS date, l.amount,"
	" NULL AS url, es.id AS from_entity, ed.id AS to_entity,"
	" l.kind || ': first of ' || l.n || ' record(s) of this source' AS description"
	" FROM link l JOIN source s ON s.id = l.source_id"
	" JOIN entity es ON es.rid = l.src JOIN entity ed ON ed.rid = l.dst WHERE l.rid = ?4";

/* ---- an award's obligations (the counting rule of `behind top`) ------------ */

static const char q_award[] =
	"SELECT o.basis AS record, s.path AS file, o.line, o.date, o.amount,"
	" " AWARD_URL("o.award_key") " AS url, coalesce(ea.id, '') AS from_entity,"
	" coalesce(er.id, '') AS to_entity, o.description"
	" FROM obligation o JOIN source s ON s.id = o.source_id"
	" LEFT JOIN entity ea ON ea.rid = coalesce(o.subagency, o.agency)"
	" LEFT JOIN entity er ON er.rid = o.recipient"
	" WHERE o.award_key = ?1 AND o.amount IS NOT NULL ORDER BY o.date, o.rid";

/* ---- a company's rolled-up total at an agency (as `behind top` counts) ----- */
/* ?1 agency rid, ?2 first FY (0: open), ?3 last FY (0: open), ?4 company rid */

static const char q_top[] =
	"WITH am(rid) AS (SELECT ?1 UNION SELECT entity FROM cluster WHERE canon = ?1),"
	" ag(rid) AS (SELECT rid FROM am UNION SELECT l.src FROM link l JOIN am ON l.dst = am.rid"
	"   WHERE l.kind = 'part_of'),"
	" co(rid) AS (SELECT ?4 UNION SELECT entity FROM cluster WHERE canon = ?4)"
	" SELECT o.basis AS record, s.path AS file, o.line, o.date, o.amount,"
	" " AWARD_URL("o.award_key") " AS url, coalesce(ea.id, '') AS from_entity,"
	" coalesce(er.id, '') AS to_entity, o.description"
	" FROM obligation o JOIN source s ON s.id = o.source_id"
	" LEFT JOIN entity ea ON ea.rid = coalesce(o.subagency, o.agency)"
	" LEFT JOIN entity er ON er.rid = o.recipient"
	" WHERE (o.subagency IN (SELECT rid FROM ag) OR o.agency IN (SELECT rid FROM ag))"
	"  AND (?2 = 0 OR o.date >= printf('%04d-10-01', ?2 - 1))"
	"  AND (?3 = 0 OR o.date < printf('%04d-10-01', ?3))"
	"  AND o.amount IS NOT NULL AND coalesce(o.parent, o.recipient) IN (SELECT rid FROM co)"
	" ORDER BY o.date, o.rid";

/* ---- parsing figure ids ------------------------------------------------------ */

typedef bh_figure figure;

static const char rule_link[] =
	"A link aggregates the records of one source file that relate the same two "
	"entities the same way: amount is the sum of their amounts, records their count.";
static const char rule_obligation[] =
	"Each contract transaction counts its federal_action_obligation; an award summary's "
	"total_obligated_amount counts only for an award no ingested transaction covers, once "
	"(see `behind top --help`).";
static const char rule_top[] =
	"As `behind top`: obligations (each transaction's federal_action_obligation, an award "
	"summary only for awards no transaction covers) awarded by the agency or a sub-agency or "
	"office part of it, in fiscal years FY1..FY2 (October 1 to September 30) by action date, "
	"counted for the parent company the record names, else the recipient, then its cluster.";

static int is_digits(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return 0;
	return 1;
}

/* "2013-2018", "2013-", "-2018", "all" into fy1/fy2 (0 = open). */
void bh_figure_years(char *out, size_t cap, int from_fy, int to_fy)
{
	if (!from_fy && !to_fy)
		snprintf(out, cap, "all");
	else if (!to_fy)
		snprintf(out, cap, "%d-", from_fy);
	else if (!from_fy)
		snprintf(out, cap, "-%d", to_fy);
	else
		snprintf(out, cap, "%d-%d", from_fy, to_fy);
}

int bh_cite_years(const char *p, size_t n, int *fy1, int *fy2)
{
	if (n == 3 && memcmp(p, "all", 3) == 0) {
		*fy1 = *fy2 = 0;
		return 1;
	}
	const char *dash = memchr(p, '-', n);
	if (!dash)
		return 0;
	size_t a = (size_t)(dash - p), b = n - a - 1;
	if ((a != 0 && a != 4) || (b != 0 && b != 4) || (a == 0 && b == 0) || !is_digits(p, a) ||
	    !is_digits(dash + 1, b))
		return 0;
	*fy1 = a ? atoi(p) : 0;
	*fy2 = b ? atoi(dash + 1) : 0;
	return !(*fy1 && *fy2 && *fy1 > *fy2);
}

static int kind_of_link(bh_store *s, int64_t rid, const char **sql, char *what, size_t cap)
{
	sqlite3_stmt *q = NULL;
	int rc = bh_store_prepare(&q, s,
				  "SELECT l.kind, s.kind, es.id, ed.id, s.path FROM link l"
				  " JOIN source s ON s.id = l.source_id JOIN entity es ON es.rid = l.src"
				  " JOIN entity ed ON ed.rid = l.dst WHERE l.rid = ?");
	if (rc < 0)
		return rc;
	sqlite3_bind_int64(q, 1, rid);
	if (sqlite3_step(q) != SQLITE_ROW) {
		sqlite3_finalize(q);
		return bh_error_set(BH_ENOTFOUND, "no link %lld in this store", (long long)rid);
	}
	const char *lk = bh_col_text(q, 0), *sk = bh_col_text(q, 1);
	if (strncmp(sk, "usaspending", 11) == 0 &&
	    (!strcmp(lk, "awarded") || !strcmp(lk, "parent_of") || !strcmp(lk, "subcontracted")))
		*sql = q_link_usaspending;
	else if (strncmp(sk, "fec", 3) == 0 && strcmp(lk, "candidate_committee") != 0 &&
		 strcmp(lk, "sponsors") != 0)
		*sql = q_link_fec;
	else
		*sql = q_link_first;
	snprintf(what, cap, "link %s from %s to %s, recorded in %s", lk, bh_col_text(q, 2),
		 bh_col_text(q, 3), bh_col_text(q, 4));
	sqlite3_finalize(q);
	return 0;
}

static int parse_figure(figure *f, bh_store *s, const char *id, char *keybuf, size_t keycap)
{
	int rc = bh_cite_parse_who(f, s, id);
	if (rc <= 0)
		return rc;
	bh_figure_free(f);
	memset(f, 0, sizeof *f);
	if (strncmp(id, "link:", 5) == 0) {
		char *end;
		long long r = strtoll(id + 5, &end, 10);
		if (end == id + 5 || *end || r <= 0)
			return bh_error_set(BH_EUSAGE, "figure id '%s': link:RID needs a positive number", id);
		f->kind = "link";
		f->rule = rule_link;
		f->b[3] = r;
		return kind_of_link(s, r, &f->sql, f->what, sizeof f->what);
	}
	if (strncmp(id, "award:", 6) == 0 && id[6]) {
		snprintf(keybuf, keycap, "%s", id + 6);
		f->kind = "award";
		f->rule = rule_obligation;
		f->sql = q_award;
		f->t[0] = keybuf;
		snprintf(f->what, sizeof f->what, "obligations of contract award %s", keybuf);
		return 0;
	}
	if (strncmp(id, "top:", 4) == 0) {
		/* top:AGENCY:YEARS:ENTITY, AGENCY itself may hold a colon (subagency:7012):
		 * the first segment that reads as years splits the id. */
		const char *p = id + 4;
		int fy1 = 0, fy2 = 0;
		for (const char *seg = strchr(p, ':'); seg; seg = strchr(seg + 1, ':')) {
			const char *next = strchr(seg + 1, ':');
			if (!next)
				break;
			if (!bh_cite_years(seg + 1, (size_t)(next - seg - 1), &fy1, &fy2))
				continue;
			char agency[256];
			if ((size_t)(seg - p) >= sizeof agency || seg == p || !next[1])
				break;
			memcpy(agency, p, (size_t)(seg - p));
			agency[seg - p] = '\0';
			f->kind = "top";
			f->rule = rule_top;
			f->sql = q_top;
			f->b[1] = fy1;
			f->b[2] = fy2;
			if ((rc = bh_query_find(&f->b[0], s, agency, "public_body")) < 0 ||
			    (rc = bh_query_find(&f->b[3], s, next + 1, NULL)) < 0)
				return rc;
			char y1[16] = "the first", y2[16] = "the last";
			if (fy1)
				snprintf(y1, sizeof y1, "FY%d", fy1);
			if (fy2)
				snprintf(y2, sizeof y2, "FY%d", fy2);
			snprintf(f->what, sizeof f->what,
				 "contract obligations to %s (rolled up to its parent and cluster) by"
				 " agency %s and its sub-agencies and offices, %s to %s",
				 next + 1, agency, y1, y2);
			return 0;
		}
		return bh_error_set(BH_EUSAGE,
				    "figure id '%s': expected top:AGENCY:FY1-FY2:ENTITY-ID", id);
	}
	return bh_error_set(BH_EUSAGE,
			    "unknown figure id '%s': expected link:RID, award:AWARD_KEY,"
			    " top:AGENCY:FY1-FY2:ENTITY-ID or a figure id that `behind who --json`"
			    " prints (docs/cite.md)",
			    id);
}

/* ---- writing the pack --------------------------------------------------------- */

int bh_graph_mkdir(const char *dir)
{
	if (mkdir(dir, 0777) == 0 || errno == EEXIST) {
		struct stat st;
		if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
			return 0;
	}
	return bh_error_set(BH_EIO, "%s: cannot create the folder: %s", dir, strerror(errno));
}

static int open_in(FILE **f, const char *dir, const char *name)
{
	char p[4096];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	*f = fopen(p, "w");
	return *f ? 0 : bh_error_set(BH_EIO, "%s: cannot write: %s", p, strerror(errno));
}

static int close_in(FILE *f, const char *dir, const char *name, int rc)
{
	if (f && fclose(f) != 0 && rc >= 0)
		rc = bh_error_set(BH_EIO, "%s/%s: write failed: %s", dir, name, strerror(errno));
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

#define MAX_URLS 100000

/* The pack's four parts into four streams: the figure's records are those
 * q selects (cite_prepare); urls sorted, each once. */
static int cite_emit(bh_store *s, sqlite3_stmt *q, const figure *f, const char *id, FILE *csv,
		     FILE *urls, FILE *sql, FILE *fig)
{
	char **uv = NULL;
	size_t nu = 0, capu = 0;
	int64_t total = 0, n = 0, with_amount = 0;
	char *expanded = NULL;
	int rc = 0, step;
	fputs("record,file,line,date,amount,url,from_entity,to_entity,description\r\n", csv);
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		for (int c = 0; c < R_NCOLS; c++) {
			if (c)
				fputc(',', csv);
			if (c == R_AMOUNT || c == R_LINE) {
				if (sqlite3_column_type(q, c) == SQLITE_NULL)
					continue;
				int64_t v = sqlite3_column_int64(q, c);
				if (c == R_LINE) {
					fprintf(csv, "%lld", (long long)v);
					continue;
				}
				bh_json_money(csv, v); /* dollars.cents, a number */
				total += v;
				with_amount++;
			} else {
				bh_csv_cell(csv, bh_col_text(q, c));
			}
		}
		fputs("\r\n", csv);
		n++;
		const char *u = bh_col_text(q, R_URL);
		if (*u && nu < MAX_URLS) {
			if (nu == capu) {
				size_t nc = capu ? capu * 2 : 64;
				char **t = realloc(uv, nc * sizeof *uv);
				if (!t) {
					rc = bh_error_set(BH_ENOMEM, "cite: out of memory");
					goto done;
				}
				uv = t;
				capu = nc;
			}
			if (!(uv[nu] = strdup(u))) {
				rc = bh_error_set(BH_ENOMEM, "cite: out of memory");
				goto done;
			}
			nu++;
		}
	}
	if (step != SQLITE_DONE) {
		rc = bh_store_fail(s, "cite: reading records");
		goto done;
	}

	/* urls.txt: sorted, each once */
	if (nu > 1)
		qsort(uv, nu, sizeof *uv, cmp_str);
	size_t distinct = 0;
	for (size_t i = 0; i < nu; i++)
		if (i == 0 || strcmp(uv[i], uv[i - 1]) != 0) {
			fprintf(urls, "%s\n", uv[i]);
			distinct++;
		}

	/* query.sql: the statement with its parameters filled in */
	expanded = sqlite3_expanded_sql(q);
	fprintf(sql,
		"-- behind cite %s\n-- %s\n-- Run: sqlite3 -header -csv STORE < query.sql"
		" (amounts in cents)\n",
		id, f->what);
	if (f->prep)
		fprintf(sql, "-- The temp tables `behind who` computes, then the records:\n%s", f->prep);
	fprintf(sql, "%s;\n", expanded ? expanded : sqlite3_sql(q));

	/* figure.json */
	char stamp[32];
	time_t now = time(NULL);
	struct tm tmv;
	gmtime_r(&now, &tmv);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tmv);
	fputs("{\"figure\":", fig);
	bh_json_str(fig, id);
	fputs(",\"kind\":", fig);
	bh_json_str(fig, f->kind);
	fputs(",\"what\":", fig);
	bh_json_str(fig, f->what);
	fputs(",\"amount\":", fig);
	if (with_amount)
		bh_json_money(fig, total);
	else
		fputs("null", fig);
	fprintf(fig, ",\"records\":%lld,\"records_with_amount\":%lld,\"urls\":%zu,\"counting_rule\":",
		(long long)n, (long long)with_amount, distinct);
	bh_json_str(fig, f->rule);
	fputs(",\"store\":", fig);
	bh_json_str(fig, s->path);
	fputs(",\"generated_at\":", fig);
	bh_json_str(fig, stamp);
	fputs(",\"files\":[\"figure.json\",\"query.sql\",\"records.csv\",\"urls.txt\"]}\n", fig);
	if (n == 0)
		fprintf(stderr, "cite: %s has no records in this store\n", id);
done:
	sqlite3_free(expanded);
	for (size_t i = 0; i < nu; i++)
		free(uv[i]);
	free(uv);
	return rc;
}

/* Parses the figure id (into f, released with bh_figure_free) and prepares
 * its records query, parameters bound; nothing is written before this
 * succeeds. */
static int cite_prepare(sqlite3_stmt **q, figure *f, bh_store *s, const char *id, char *key,
			size_t keycap)
{
	int rc;
	*q = NULL;
	memset(f, 0, sizeof *f);
	if ((rc = parse_figure(f, s, id, key, keycap)) < 0 || (rc = bh_store_prepare(q, s, f->sql)) < 0)
		return rc;
	for (int i = 0; i < BH_FIGURE_BINDS && i < sqlite3_bind_parameter_count(*q); i++) {
		if (f->t[i])
			sqlite3_bind_text(*q, i + 1, f->t[i], -1, SQLITE_STATIC);
		else
			sqlite3_bind_int64(*q, i + 1, f->b[i]);
	}
	return 0;
}

int bh_graph_cite_write(bh_store *s, const char *id, FILE *csv, FILE *urls, FILE *sql, FILE *fig)
{
	figure f;
	char key[512];
	sqlite3_stmt *q = NULL;
	int rc = cite_prepare(&q, &f, s, id, key, sizeof key);
	if (rc == 0)
		rc = cite_emit(s, q, &f, id, csv, urls, sql, fig);
	sqlite3_finalize(q);
	bh_figure_free(&f);
	return rc;
}

int bh_graph_cite(bh_store *s, const char *id, const char *dir)
{
	figure f;
	char key[512];
	sqlite3_stmt *q = NULL;
	FILE *csv = NULL, *fig = NULL, *sql = NULL, *urls = NULL;
	int rc = cite_prepare(&q, &f, s, id, key, sizeof key);
	if (rc < 0 || (rc = bh_graph_mkdir(dir)) < 0 || (rc = open_in(&csv, dir, "records.csv")) < 0 ||
	    (rc = open_in(&urls, dir, "urls.txt")) < 0 || (rc = open_in(&sql, dir, "query.sql")) < 0 ||
	    (rc = open_in(&fig, dir, "figure.json")) < 0)
		goto done;
	rc = cite_emit(s, q, &f, id, csv, urls, sql, fig);
done:
	sqlite3_finalize(q);
	bh_figure_free(&f);
	rc = close_in(csv, dir, "records.csv", rc);
	rc = close_in(urls, dir, "urls.txt", rc);
	rc = close_in(sql, dir, "query.sql", rc);
	rc = close_in(fig, dir, "figure.json", rc);
	return rc;
}
