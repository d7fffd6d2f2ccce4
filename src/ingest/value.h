/* Typed values from text cells: money to integer cents, dates to ISO, and
 * the per-column inference of day/month order for slash dates.
 *
 * Slash dates (A/B/YYYY, A/B/YY, with an optional time after a space) are
 * ambiguous until a value with A > 12 (day first) or B > 12 (month first)
 * shows up in the same column. Until a column's order is known, values are
 * written provisionally as "YYYY/AA/BB"; bh_datecol_finish() rewrites them
 * once the whole input has been seen, and warns when a column never showed
 * its order (then month-first, the US order, is assumed and said so). */
#ifndef BH_VALUE_H
#define BH_VALUE_H

#include <stddef.h>
#include <stdint.h>

struct bh_ing;

/* Parses "1314441.64", "-2.32", "$1,234", "(12.50)", "1.5E+07". Returns 1
 * with *cents set, 0 for an empty cell, -1 if not a number. Rounds half
 * away from zero past the second decimal. */
int bh_money_parse(const char *p, size_t n, int64_t *cents);

enum { BH_ORDER_UNKNOWN = 0, BH_ORDER_MDY = 1, BH_ORDER_DMY = 2 };

typedef struct {
	const char *column; /* header name, for messages */
	int order;
	int64_t slash, provisional, conflicts, first_conflict_line;
	int64_t a_first_line, b_first_line; /* lines that settled the order */
} bh_datecol;

/* Converts a date cell. Returns 1 with out (11 bytes, NUL-terminated) set
 * to "YYYY-MM-DD" or the provisional "YYYY/AA/BB"; 0 for an empty cell;
 * -1 if it is no date or impossible under the column's known order. */
int bh_datecol_value(bh_datecol *c, const char *p, size_t n, int64_t line, char out[11]);

/* Rewrites the provisional values of `column` in `table` for the current
 * source, and reports an ambiguous column as a warning. */
int bh_datecol_finish(bh_datecol *c, struct bh_ing *g, const char *table, const char *column);

/* Parses a date in ISO or month-first order only (MM/DD/YYYY, MMDDYYYY
 * with `compact`), for formats whose order is fixed. Returns 1/0/-1 as
 * above. */
int bh_date_mdy(const char *p, size_t n, int compact, char out[11]);

/* Zero-pads a DUNS number to 9 digits ("69586055" -> "069586055"); keeps
 * the first 9 of a 13-digit DUNS+4. Returns 1 with out set, 0 if empty or
 * all zeros, -1 if not digits. */
int bh_duns_norm(const char *p, size_t n, char out[10]);

/* Upper-cases ASCII letters, maps every run of other non-alphanumerics to
 * one space and trims: "Palantir Technologies, Inc." -> "PALANTIR
 * TECHNOLOGIES INC". Bytes >= 0x80 are kept. Returns the length written to
 * out (at most cap-1, NUL-terminated). */
size_t bh_name_key(char *out, size_t cap, const char *p, size_t n);

#endif
