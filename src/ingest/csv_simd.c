/* The indexed path of the delimited-text reader (see csvInt.h): cuts rows
 * from the position lists that an indexing kernel makes of the buffer, one
 * window at a time.
 *
 * Each list entry is a cell boundary (a delimiter or line end outside
 * quotes) or the second quote of a doubled-quote escape; the byte at the
 * position says which. The `rare` list holds line ends inside quotes (they
 * count physical lines) and anomalies; a row that contains an anomaly is
 * given back to the scalar scanner, which flags it exactly as it always
 * has. A well-formed row therefore never leaves this file with a flag. */
#include "ingest/csvInt.h"
#include "util/err.h"

#include <stdlib.h>

/* Indexes the next window of the buffer. The buffer's data end gets a '\n'
 * sentinel so the kernel can look one byte past a closing quote. */
static void index_window(bh_csv *r)
{
	bh_csv_index *x = &r->ix;
	size_t to = x->ix + x->win;
	if (to >= r->end) {
		to = r->end;
		r->buf[to] = '\n';
	}
	r->kernel(r->buf, x->ix, to, r->delim, !(r->flags & BH_CSV_NOQUOTE), &x->cy, x->idx, &x->ni,
		  x->rare, &x->nr);
	x->ii = 0;
	x->ir = 0;
	x->ix = to;
}

static void index_reset(bh_csv_index *x, size_t at)
{
	x->valid = 1;
	x->ix = at;
	x->next_row = at;
	x->ni = x->ii = x->nr = x->ir = 0;
	x->cy.inq = 0;
	x->cy.prevs = 1; /* a row starts where a cell starts */
	x->cy.prevc = 0;
}

int bh_csv_simd_row(bh_csv *r, size_t *used, size_t *simd_end)
{
	bh_csv_index *x = &r->ix;
	const size_t rs = r->start;
	const char d = r->delim;
	const int quoting = !(r->flags & BH_CSV_NOQUOTE);
	size_t cs = rs, nc = 0, pos = 0;
	unsigned char e = 0, any_esc = 0;
	int anomaly = 0, rc;
	int64_t lines = 0;

	*simd_end = 0;
	if (r->end >= (size_t)UINT32_MAX - BH_CSV_PAD)
		return 2; /* positions are 32-bit */
	if (!x->valid || x->next_row != rs)
		index_reset(x, rs);
	if (r->cells_cap < 512 && (rc = bh_csv_grow_cells(r, 512)) < 0)
		return rc;

	char *const buf = r->buf;
	bh_cell *cells = r->cells;
	unsigned char *esc = r->esc;
	size_t ccap = r->cells_cap;
	size_t limit = ccap < r->max_cells ? ccap : r->max_cells;
	/* the list cursor lives in locals: stores to cells[] could alias it */
	const uint32_t *idx = x->idx;
	size_t ii = x->ii, ni = x->ni;

	for (;;) {
		if (ii == ni) {
			/* what is left of `rare` lies inside this row */
			for (; x->ir < x->nr; x->ir++) {
				if (buf[x->rare[x->ir]] == '\n')
					lines++;
				else
					anomaly = 1;
			}
			if (x->ix >= r->end) {
				x->valid = 0;
				return r->eof ? 2 : 0;
			}
			index_window(r);
			ii = 0;
			ni = x->ni;
			continue;
		}
		pos = idx[ii++];
		const char c = buf[pos];
		if (c == d) { /* the common case: one more cell */
			if (nc >= limit)
				goto cells_full;
			const char *cp = buf + cs;
			const size_t quoted = quoting & (*cp == '"');
			cells[nc].p = cp + quoted;
			cells[nc].n = pos - cs - 2 * quoted; /* a quoted cell holds both quotes */
			esc[nc++] = e;
			e = 0;
			cs = pos + 1;
			continue;
		}
		if (c == '"') {
			e = 1;
			any_esc = 1;
			continue;
		}
		/* the line end: the last cell, less a CR before the LF */
		if (nc >= limit)
			goto cells_full;
		size_t ce = pos;
		if (ce > cs && buf[ce - 1] == '\r')
			ce--;
		const size_t quoted = quoting & (buf[cs] == '"');
		cells[nc].p = buf + cs + quoted;
		cells[nc].n = ce - cs - 2 * quoted;
		esc[nc++] = e;
		cs = pos + 1;
		break;
	cells_full:
		if (nc >= r->max_cells) {
			x->valid = 0;
			return 2; /* the scalar scanner flags it */
		}
		if ((rc = bh_csv_grow_cells(r, nc + 1)) < 0)
			return rc;
		cells = r->cells;
		esc = r->esc;
		ccap = r->cells_cap;
		limit = ccap < r->max_cells ? ccap : r->max_cells;
		ii--; /* take this entry again */
	}
	x->ii = ii;
	/* the row is [rs, cs): count its quoted line ends, look for anomalies */
	for (; x->ir < x->nr && x->rare[x->ir] < cs; x->ir++) {
		if (buf[x->rare[x->ir]] == '\n')
			lines++;
		else
			anomaly = 1;
	}
	x->next_row = cs;
	if (anomaly) {
		*simd_end = cs;
		return 2;
	}
	size_t rawlen = pos - rs;
	if (rawlen && buf[rs + rawlen - 1] == '\r')
		rawlen--;
	r->row.cells = cells;
	r->row.ncells = nc;
	r->row.line = r->line;
	r->row.offset = r->offset;
	r->row.raw = buf + rs;
	r->row.rawlen = rawlen;
	r->row.flags = 0;
	if (any_esc)
		bh_csv_unescape(r, nc);
	r->line += 1 + lines;
	*used = cs - rs;
	return 1;
}
