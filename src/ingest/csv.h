/* The streaming reader of delimited text: comma-separated with RFC 4180
 * quoting (USAspending, personnel) or `|`-separated without quoting (FEC).
 *
 * It reads its bh_input in large blocks and hands out one row at a time as
 * cells: pointer-plus-length views into its own buffer, unescaped (doubled
 * quotes collapsed), valid only until the next bh_csv_next() call. Line
 * ends are \n or \r\n. A row's `line` is the physical line where it starts
 * (1-based), so messages can name it even when a quoted cell spans lines.
 *
 * Malformed quoting is flagged on the row, never mis-split silently: the
 * caller decides to reject it. A quote still open at the end of the input
 * flags the row's first physical line BH_ROW_UNTERMINATED, and reading
 * resumes on the next line, so the rows after a stray quote still count. A row longer than the cap (default 64 MiB)
 * is cut at its first physical line, flagged BH_ROW_TOOLONG, and reading
 * resumes on the next line, so one stray quote cannot swallow a file. */
#ifndef BH_CSV_H
#define BH_CSV_H

#include "ingest/input.h"

#include <stddef.h>
#include <stdint.h>

typedef struct {
	const char *p;
	size_t n;
} bh_cell;

enum {
	BH_ROW_BADQUOTE = 1,     /* text after a closing quote, before the delimiter */
	BH_ROW_UNTERMINATED = 2, /* a quoted cell still open at the end of input */
	BH_ROW_TOOLONG = 4,      /* the row passed the cap; this is its first line */
	BH_ROW_NUL = 8,          /* the row holds NUL bytes */
	BH_ROW_NOEOL = 16,       /* last row of the input, with no line end */
};

typedef struct {
	bh_cell *cells;
	size_t ncells;
	int64_t line;     /* physical line where the row starts, 1-based */
	int64_t offset;   /* byte offset of the row in the input */
	const char *raw;  /* the row's bytes as read (for excerpts); see note */
	size_t rawlen;
	unsigned flags;   /* BH_ROW_* */
} bh_row;

enum {
	BH_CSV_NOQUOTE = 1, /* quotes are ordinary characters (FEC files) */
	/* inside quoted cells, \" is a quote too (files written by tools that
	 * escape with a backslash, e.g. ProPublica's Trump Town CSVs); rows
	 * are read by the scalar engine */
	BH_CSV_BACKSLASH = 2,
};

typedef struct bh_csv bh_csv;

/* Opens a reader over `in` (borrowed: it must outlive the reader). */
int bh_csv_open(bh_csv **out, bh_input *in, char delim, unsigned flags);

/* Caps a row's size in bytes and its number of cells. */
void bh_csv_set_limits(bh_csv *r, size_t max_row_bytes, size_t max_cells);

/* Reads the next row into *row (borrowed, valid until the next call).
 * Returns 1 for a row, 0 at the end, negative on an I/O error. Note: `raw`
 * of a row whose cells were unescaped shows the unescaped bytes. */
int bh_csv_next(bh_csv *r, bh_row **row);

void bh_csv_free(bh_csv *r);

/* Engines: all cut rows identically; they differ in speed. The scalar
 * scanner is portable and the reference; the vector engines index the
 * buffer 64 bytes at a time and hand malformed rows to the scalar scanner.
 * AUTO picks the fastest the CPU supports (AVX-512, then AVX2, then
 * scalar). GENERIC is the indexed path without vector instructions, for
 * tests on any CPU. A reader starts with the engine named by the
 * environment variable BEHIND_CSV_ENGINE (auto, scalar, generic, avx2,
 * avx512), AUTO when it is unset; bh_csv_open() fails on another value. */
enum {
	BH_CSV_ENGINE_AUTO = 0,
	BH_CSV_ENGINE_SCALAR,
	BH_CSV_ENGINE_GENERIC,
	BH_CSV_ENGINE_AVX2,
	BH_CSV_ENGINE_AVX512,
};

/* Switches the reader's engine (at any point between rows); BH_EUSAGE if
 * the CPU lacks it. */
int bh_csv_set_engine(bh_csv *r, int engine);

/* The reader's engine (never AUTO), whether this CPU runs an engine, and
 * an engine's name ("scalar", ...; a static string). */
int bh_csv_engine(const bh_csv *r);
int bh_csv_engine_supported(int engine);
const char *bh_csv_engine_name(int engine);

#endif
