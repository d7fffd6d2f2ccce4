/* Internals of the delimited-text reader (csv.c), shared with its indexing
 * engines (the csv_simd files). Nothing outside src/ingest/csv*.c includes this.
 *
 * Two ways to cut a row, one set of semantics:
 *
 * - the scalar scanner (parse_row in csv.c) walks the bytes of one row and
 *   is the reference: every flag, every quirk of malformed input is its;
 * - the indexed path (csv_simd.c) first turns a window of the buffer into a
 *   list of positions, 64 bytes at a time with vector compares and a
 *   carry-less multiply for the "inside quotes" state, then cuts cells from
 *   that list. It only handles rows that are well formed; any byte that
 *   could make the two disagree (a quote not at a cell's start, text after a
 *   closing quote, a CR not followed by LF, a NUL) is recorded as an anomaly
 *   and the row is handed to the scalar scanner, so malformed rows are cut
 *   by exactly one piece of code.
 *
 * The kernel body at the end of this file is stamped out once per
 * instruction set: a kernel file (csv_simd_x86.c, csv_simd_generic.c) sets the compiler's target, defines
 * BH_CSV_KERNEL_NAME and the hooks it needs, and includes this file. */
#ifndef BH_CSV_INT_H
#define BH_CSV_INT_H

#include "ingest/csv.h"

#include <stddef.h>
#include <stdint.h>

/* Bytes read past the data end by the vector loads (the buffer has this
 * much slack after `cap`). */
#define BH_CSV_PAD 128

/* Bytes indexed per window: the position lists stay in L1/L2 cache. A
 * window has at most one entry per byte, plus slack for the unrolled
 * stores of the kernel. */
#define BH_CSV_WINDOW ((size_t)32 << 10)
#define BH_CSV_IDX_SLACK 128

/* The quote state carried from one 64-byte chunk to the next: all ones
 * inside quotes; whether the previous byte was a cell boundary (delimiter
 * or line end outside quotes) or a closing quote. */
typedef struct {
	uint64_t inq, prevs, prevc;
} bh_csv_carry;

/* The byte classes of one 64-byte chunk, bit i for byte i: delimiter, LF,
 * quote, CR, NUL. */
typedef struct {
	uint64_t d, n, q, r, z;
} bh_k_mask;

/* An indexing kernel: indexes buf[from, to) (to - from <= BH_CSV_WINDOW,
 * a multiple of 64 unless `to` is the data end, where buf[to] must hold a
 * '\n' sentinel). Appends the positions of cell boundaries and doubled-quote
 * escapes to idx, and of anomalies and quoted line ends to rare; returns
 * the counts through *nidx and *nrare. Reads up to 64 bytes past `to`. */
typedef void (*bh_csv_kernel)(const char *buf, size_t from, size_t to, char delim, int quoting,
			      bh_csv_carry *cy, uint32_t *idx, size_t *nidx, uint32_t *rare,
			      size_t *nrare);

void bh_csv_kernel_generic(const char *buf, size_t from, size_t to, char delim, int quoting,
			   bh_csv_carry *cy, uint32_t *idx, size_t *nidx, uint32_t *rare,
			   size_t *nrare);
#if defined(__x86_64__) || defined(__i386__)
#define BH_CSV_HAVE_X86 1
void bh_csv_kernel_avx2(const char *buf, size_t from, size_t to, char delim, int quoting,
			bh_csv_carry *cy, uint32_t *idx, size_t *nidx, uint32_t *rare,
			size_t *nrare);
void bh_csv_kernel_avx512(const char *buf, size_t from, size_t to, char delim, int quoting,
			  bh_csv_carry *cy, uint32_t *idx, size_t *nidx, uint32_t *rare,
			  size_t *nrare);
#endif

/* The index of the buffer, valid while the buffer does not move. */
typedef struct {
	uint32_t *idx, *rare; /* position lists of the current window */
	size_t ni, ii;        /* entries in idx, entries consumed */
	size_t nr, ir;        /* the same for rare */
	size_t ix;            /* next buffer offset to index */
	size_t win;           /* bytes per window: BH_CSV_WINDOW, less for small inputs */
	size_t next_row;      /* where the next row must start for the index to hold */
	int valid;
	bh_csv_carry cy;
} bh_csv_index;

struct bh_csv {
	bh_input *in;
	char delim;
	unsigned flags;
	int engine;          /* BH_CSV_ENGINE_*, never AUTO once opened */
	bh_csv_kernel kernel; /* NULL for the scalar engine */
	char *buf;           /* cap + BH_CSV_PAD bytes */
	size_t cap, start, end;
	int eof;
	int64_t line;   /* physical line at `start` */
	int64_t offset; /* input offset of `start` */
	size_t max_row, max_cells;
	bh_cell *cells;
	unsigned char *esc; /* per cell: needs unescaping */
	size_t cells_cap;
	bh_row row;
	bh_csv_index ix;
};

/* Grows the cell arrays to hold at least `n` cells. */
int bh_csv_grow_cells(bh_csv *r, size_t n);

/* Collapses doubled quotes of the row's cells marked in r->esc. */
void bh_csv_unescape(bh_csv *r, size_t nc);

/* Cuts the row at r->start with the index. Returns 1 with the row filled
 * and *used bytes consumed; 0 when the buffer ends before the row does;
 * 2 when the row must go to the scalar scanner, with *simd_end the offset
 * where the index believes the next row starts (0 if unknown); negative on
 * error. */
int bh_csv_simd_row(bh_csv *r, size_t *used, size_t *simd_end);

#endif /* BH_CSV_INT_H */

/* ---------------------------------------------------------------------
 * The kernel template. The including file defines:
 *   BH_CSV_KERNEL_NAME       the function's name
 *   bh_k_masks(p, d, &m)     fills m.d, m.n, m.q, m.r, m.z for p[0..64)
 *   bh_k_prefix_xor(x)       bit i = xor of bits 0..i of x
 *   bh_k_flatten(out, n, base, m) appends base + index of each set bit
 * --------------------------------------------------------------------- */
#ifdef BH_CSV_KERNEL_NAME

void BH_CSV_KERNEL_NAME(const char *buf, size_t from, size_t to, char delim, int quoting,
			bh_csv_carry *cy, uint32_t *idx, size_t *nidx, uint32_t *rare,
			size_t *nrare)
{
	const uint64_t qmask = quoting ? ~(uint64_t)0 : 0;
	const unsigned char ud = (unsigned char)delim;
	size_t ni = 0, nr = 0;
	uint64_t inq = cy->inq, cprevs = cy->prevs, cprevc = cy->prevc;

	for (size_t b = from; b < to; b += 64) {
		const char *p = buf + b;
		bh_k_mask m;
		bh_k_masks(p, delim, &m);
		const size_t left = to - b;
		const uint64_t valid = left >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << left) - 1);
		const unsigned char nx = (unsigned char)p[64];

		const uint64_t q = m.q & qmask;
		const uint64_t x = bh_k_prefix_xor(q) ^ inq;
		inq = (uint64_t)((int64_t)x >> 63);
		const uint64_t s = (m.d | m.n) & ~x;
		const uint64_t open = q & x, close = q & ~x;
		const uint64_t prevs = (s << 1) | cprevs;
		const uint64_t prevc = (close << 1) | cprevc;
		cprevs = s >> 63;
		cprevc = close >> 63;
		const uint64_t esc = open & prevc;
		/* after a closing quote: a boundary, a CR, or the quote of an escape */
		const uint64_t nxf = nx == ud || nx == '\n' || nx == '\r' || (quoting && nx == '"');
		const uint64_t fnext = ((m.d | m.n | m.r | q) >> 1) | (nxf << 63);
		const uint64_t nnext = (m.n >> 1) | ((uint64_t)(nx == '\n') << 63);
		const uint64_t bad = (open & ~prevc & ~prevs) | (close & ~fnext) | (m.r & ~nnext) | m.z;

		bh_k_flatten(idx, ni, (uint32_t)b, (s | esc) & valid);
		const uint64_t rr = (bad | (m.n & x)) & valid;
		if (rr)
			bh_k_flatten(rare, nr, (uint32_t)b, rr);
	}
	cy->inq = inq;
	cy->prevs = cprevs;
	cy->prevc = cprevc;
	*nidx = ni;
	*nrare = nr;
}

#endif /* BH_CSV_KERNEL_NAME */
