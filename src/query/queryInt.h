/* Internals shared by the query files: SQL fragments for clusters and
 * small statement helpers. */
#ifndef BH_QUERYINT_H
#define BH_QUERYINT_H

#include "query/query.h"
#include "util/err.h"
#include "util/json.h"

#include <time.h>

/* SQL text: the start of the figure id (docs/cite.md) of a `who` row,
 * "KIND:AGENCY:YEARS:", from temp.who_fig; the row's own key follows. */
#define BH_WHO_FIG(kind) "'" kind ":' || (SELECT ay FROM temp.who_fig) || ':'"

/* The distinct values of column X in a group, "; " between them: names
 * hold commas ("Manatt, Phelps, and Phillips"), so group_concat's ","
 * cannot tell where one ends. SQLite's DISTINCT aggregate takes no
 * separator: each value is marked with a leading U+001F, the ",\x1f"
 * seams become "; " and the first mark goes. */
#define BH_SQL_NAMES(x)                                                                           \
	"ltrim(replace(group_concat(DISTINCT char(31) || " x "), ',' || char(31), '; '), char(31))"

/* An FEC transaction that counts (docs/sources.md): a receipt (types 1x,
 * and 3x into convention, headquarters and recount accounts) or a
 * disbursement (2x, 4x), not a memo entry, its SUB_ID's first row. */
#define BH_FEC_COUNTED(x)                                                                          \
	x ".tx_type GLOB '[1-4]*' AND coalesce(" x ".memo_cd, '') <> 'X'"                        \
	" AND NOT EXISTS (SELECT 1 FROM fec_txn b WHERE b.sub_id = " x ".sub_id AND b.rid < " x ".rid)"
#define BH_FEC_DIRECTION(x) "CASE WHEN " x ".tx_type GLOB '[13]*' THEN 'received' ELSE 'spent' END"

/* The canonical entity of column X. */
#define BH_CANON(x) "coalesce((SELECT canon FROM cluster WHERE entity = " x "), " x ")"

/* The employer rule of "contributions by people naming them as employer":
 * COL is HEAD, or starts with HEAD followed by a character that is not a
 * letter or digit ("GEO GROUP, INC." for "GEO GROUP", not "GEO GROUPS").
 * The range test keeps SQLite on the employer index. */
#define BH_EMPLOYER_IS(col, head)                                                                  \
	"(" col " >= " head " AND " col " < " head " || x'7f' AND (" col " = " head                   \
	" OR substr(" col ", length(" head ") + 1, 1) NOT GLOB '[A-Z0-9]'))"

/* The rows of the view `obligation` (the counting rule for contract money,
 * schema_usaspending.c) that satisfy `cond`, as a subquery with the view's
 * columns (basis, rid, source_id, line, award_key, agency, subagency,
 * office, recipient, parent, date, fiscal_year, amount, description).
 * `cond` may name only columns that txn and award share (agency,
 * subagency, office, recipient, parent, award_key, amount, fiscal_year,
 * source_id). SQLite does not push a condition holding a subquery
 * ("recipient IN (SELECT ...)") into a UNION ALL view, so the view itself
 * scans both tables; here the condition sits inside each arm, where the
 * indexes serve it. Must stay in step with the view (tests/e2e/show_real.sh
 * compares the two). */
#define BH_OBLIGATIONS(cond) BH_OBLIGATIONS_2(cond, cond)
/* The same with one condition for the txn arm and another, meaning the same
 * rows, for the award arm (`a`): one that says which index to take where
 * SQLite's guess takes a scan (show.c). */
#define BH_OBLIGATIONS_2(tcond, acond)                                                          \
	"(SELECT 'txn' AS basis, rid, source_id, line, award_key, agency, subagency, office,"   \
	" recipient, parent, action_date AS date, fiscal_year, amount, description FROM txn"   \
	" WHERE " tcond " UNION ALL"                                                           \
	" SELECT 'award', rid, source_id, line, award_key, agency, subagency, office,"         \
	" recipient, parent, base_date, fiscal_year, amount, description FROM award a"         \
	" WHERE (" acond ") AND NOT EXISTS (SELECT 1 FROM txn t WHERE t.award_key = a.award_key)" \
	" AND a.rid = (SELECT max(b.rid) FROM award b WHERE b.award_key = a.award_key))"

/* *out = 1 when the precomputed answers (bh_query_precompute) exist and
 * still describe the store (no source, resolve run or judgment since they
 * were built), else 0. */
int bh_query_precomputed(int *out, bh_store *s);
/* An FNV-1a hash of `cluster` (each member and its canonical entity, in
 * member order, as little-endian bytes) and its row count: what the
 * precomputed tables and the search index were built from. */
int bh_query_clusters_hash(uint64_t *hash, int64_t *rows, bh_store *s);

/* The SQL that builds the who_agg_* tables (who_agg.c); the SQL that fills
 * who's temp tables from them (after temp.who_ag and who_rng); the SQL that
 * adds the members of temp.who_top to temp.who_mem from them. */
extern const char bh_who_agg_sql[];
extern const char bh_who_agg_prepare[];
/* The SQL that fills who's temp.who_aw (the awards of its top companies)
 * from who_agg_topaw's lists, or (_all) from every award when the store's
 * tables predate them; each also fills temp.who_awb, the companies whose
 * every award was read. */
extern const char bh_who_agg_awards[];
/* bh_who_agg_awards' first SELECT: the sums of the listed awards (its plan
 * is traced under BEHIND_TIMING=plan; tests/e2e/precomputed.sh reads it) */
extern const char bh_who_agg_listed[];
/* After bh_who_agg_awards: adds to temp.who_aw the largest awards of the
 * companies of temp.who_awb, by a threshold walk over their awards per cell
 * and year (who_agg.c), or every award of them in tables built without the
 * walk's index ($BEHIND_WHO_AWARDS_WHOLE=1 too). *ncos, *nread: the
 * companies walked, the awards summed (*nread -1: read whole instead). */
int bh_who_agg_awards_settle(int64_t *ncos, int64_t *nread, bh_store *s);
extern const char bh_who_agg_awards_all[];
extern const char bh_who_agg_members[];
/* Builds who_agg_topaw (who_agg.c: the largest awards of each company per
 * agency cell, all years and each year) from who_agg_award; the length of
 * its lists ($BEHIND_WHO_TOP_AWARDS, else 5), an input of the build. */
int bh_who_agg_top_awards(bh_store *s);
int bh_who_agg_top_awards_n(void);
/* The largest awards `who` shows per company (a string for the SQL). */
#define BH_WHO_AWARDS "3"

/* The candidate names of hidden vendors (bh_who_hidden): (canonical
 * entity, name) of the companies of the contract records: recipients,
 * parents, primes and subs (not every donor's or client's name). The
 * order of the rows matters (the first company to give a phrase owns it);
 * who_agg.c stores them in this order. */
#define BH_HIDDEN_NAMES                                                                           \
	"WITH c(rid) AS (SELECT recipient FROM txn UNION SELECT parent FROM txn"                  \
	"  UNION SELECT recipient FROM award UNION SELECT parent FROM award"                       \
	"  UNION SELECT prime FROM subaward UNION SELECT sub FROM subaward"                        \
	"  UNION SELECT sub_parent FROM subaward)"                                                 \
	" SELECT DISTINCT " BH_CANON("st.entity") " AS entity, st.value AS value FROM c"          \
	" CROSS JOIN statement st ON st.entity = c.rid AND st.prop IN ('name', 'alias')"

/* A temp table `members(rid)` holding every entity of rid's cluster. */
int bh_query_members(bh_store *s, int64_t rid);

/* Every word of `text` as an FTS5 string, all required, the last one as a
 * prefix: "palantir tech" -> "palantir" "tech"*. Empty if no words. */
void bh_fts_text(char *out, size_t cap, const char *text);

/* Fills temp.who_ag (the agency, its sub-agencies and offices) and
 * temp.who_ob (their obligations in the fiscal years asked for, with `co`
 * the rolled-up company cluster and `rc` the recipient cluster). Used by
 * `who` and its HTML report. With `fast` (the precomputed answers are
 * fresh: bh_query_precomputed) temp.who_ob is not made; who_agg.c's temp
 * tables who_fy, who_co, who_psc, who_naics and who_aw hold its sums. */
int bh_who_prepare(bh_store *s, int64_t agency, int from_fy, int to_fy, int fast);

/* The SQL that bh_who_prepare runs (without the sampling pragma), into out;
 * also fills temp.who_fig(ag, ay): the agency's id, and "AGENCY:YEARS" as
 * figure ids spell it. `behind cite` writes it into query.sql. */
int bh_who_prepare_sql(char *out, size_t cap, int64_t agency, int from_fy, int to_fy);

/* The SQL that fills temp.who_top (the `ntop` companies of temp.who_ob with
 * the most money) and temp.who_mem(co, member): every entity that stands
 * for each of them (the company, the recipients and parents rolled into it,
 * their clusters). Needs bh_who_prepare first. */
int bh_who_members_sql(char *out, size_t cap, int ntop, int fast);

/* A SQL condition on text column `col` that holds when it names the agency
 * of temp.members or its department (all the distinctive words of one of
 * their names), into out. */
void bh_who_agency_match(bh_store *s, char *out, size_t cap, const char *col);

/* YEARS of a figure id: "all", "2013-2018", "2013-", "-2018" (0 = open). */
void bh_figure_years(char *out, size_t cap, int from_fy, int to_fy);

/* The agency's name and id, and the total and count of temp.who_ob. */
int bh_who_summary(bh_store *s, int64_t agency, char *name, size_t name_cap, char *id,
		   size_t id_cap, int64_t *total, int64_t *nrows, int fast);

/* Fills temp.who_hidden(named, phrase, award_key, recipient, amount,
 * description) with the hidden vendors of the rows in temp.who_ob. */
int bh_who_hidden(bh_store *s, int fast);

/* Sections 3-5 of `who` (lobbying, revolving door, political money) for
 * the top companies of temp.who_ob; in JSON, each section is written as
 * ",\n\"name\":{...}". */
int bh_who_influence(bh_store *s, FILE *out, int json, int fast);

/* The distinctive head of a normalized name key (see bh_name_key): its
 * leading words up to the first generic or legal-form word, at most three
 * ("PALANTIR TECHNOLOGIES INC" -> "PALANTIR"). Returns the number of words,
 * 0 if the name has no distinctive head. */
int bh_name_head(char *out, size_t cap, const char *key);

/* With $BEHIND_TIMING set, prints to stderr the seconds since the last
 * call (or since the first) with `what`: a poor man's profile of answers. */
void bh_query_timing(const char *what);

/* With $BEHIND_TIMING set, prints the seconds since *t0 with `what`; with
 * BEHIND_TIMING=plan also the query plan of `sql`. */
void bh_query_trace(bh_store *s, const char *what, const char *sql, const struct timespec *t0);

/* Column i as text, "" for NULL. */
const char *bh_col_text(sqlite3_stmt *q, int i);

/* A typed column of a section: 't' text, '$' cents shown as money, 'i'
 * integer, '-' text in JSON only, 'I' integer in JSON only. `sep` goes before it in text output
 * (default two spaces), `unit` after an integer. */
typedef struct {
	const char *name;
	char type;
	const char *sep;
	const char *unit;
} bh_col;

/* Runs `sql` (with binds ?1..?n set from `binds`) and prints its rows: in
 * text under `title` (nothing when there are no rows), in JSON as
 * "key":[{...},...] preceded by a comma unless *first_section. Returns the
 * row count or a negative code. */
int bh_query_section(bh_store *s, FILE *out, int json, int *first_section, const char *title,
		     const char *key, const bh_col *cols, const char *sql, const int64_t *binds,
		     int nbinds);

#endif
