/* Internals of `behind cite`: a parsed figure id, shared by cite.c (links,
 * awards, `top` totals, and the writing of the pack) and cite_who.c (the
 * figures of `behind who`). The grammar is in docs/cite.md.
 *
 * Ownership: a bh_figure owns `prep` and `own_sql` (malloc'd); release them
 * with bh_figure_free. Text binds point into the figure's own buffers or at
 * the figure id being parsed, which must outlive the figure. */
#ifndef BH_CITEINT_H
#define BH_CITEINT_H

#include "store/store.h"

#include <stddef.h>
#include <stdint.h>

/* Every records query selects these columns, in this order. */
#define BH_REC_COLS "record, file, line, date, amount, url, from_entity, to_entity, description"

#define BH_AWARD_URL(col) "'https://www.usaspending.gov/award/' || " col
#define BH_LDA_URL(col) "'https://lda.senate.gov/filings/public/filing/' || " col " || '/print/'"
#define BH_FEC_IMAGE_URL(col) \
	"CASE WHEN coalesce(" col ", '') <> ''" \
	" THEN 'https://docquery.fec.gov/cgi-bin/fecimg/?' || " col " END"

#define BH_FIGURE_BINDS 5

typedef struct {
	const char *kind;            /* "link", "award", "top", "total", ... */
	const char *sql;             /* lists the records (BH_REC_COLS) */
	int64_t b[BH_FIGURE_BINDS];  /* binds ?1..?5: integers, */
	const char *t[BH_FIGURE_BINDS]; /* or text where not NULL */
	char what[2048];             /* one line saying what the figure counts */
	const char *rule;            /* the counting rule */
	char *prep;                  /* SQL run before `sql` (temp tables), for query.sql */
	char *own_sql;               /* `sql` when built for this figure (sqlite3_malloc) */
	char arg[3][512];            /* room for the parts of the id */
} bh_figure;

/* "2013-2018", "2013-", "-2018", "all" (n bytes at p) into fy1/fy2 (0 =
 * open). Returns 1 if it reads as years, else 0. */
int bh_cite_years(const char *p, size_t n, int *fy1, int *fy2);

/* Parses the figure ids of `behind who` (total:, psc:, naics:, sub:,
 * hidden:, lobby:, contact:, issue:, cand:, pac:, emp:, and top: with an
 * award key) and prepares the temp tables their records query reads.
 * Returns 0 when parsed, 1 when `id` is none of these kinds, or a negative
 * code with the message set. */
int bh_cite_parse_who(bh_figure *f, bh_store *s, const char *id);

void bh_figure_free(bh_figure *f);

#endif
