/* Delimited-text reader (see csv.h): the portable scalar scanner.
 *
 * The buffer holds [start, end) unread bytes. A row is parsed from `start`;
 * when the bytes run out before the row ends, the unread tail moves to the
 * front, more is read (the buffer doubles up to the row cap) and the row is
 * parsed again from its start. Unescaping happens only once a row is known
 * complete, so a re-parse always sees the original bytes. */
#include "ingest/csv.h"
#include "util/err.h"

#include <stdlib.h>
#include <string.h>

#define BLOCK ((size_t)1 << 20)
#define DEFAULT_MAX_ROW ((size_t)64 << 20)
#define DEFAULT_MAX_CELLS ((size_t)1 << 16)

struct bh_csv {
	bh_input *in;
	char delim;
	unsigned flags;
	char *buf;
	size_t cap, start, end;
	int eof;
	int64_t line;   /* physical line at `start` */
	int64_t offset; /* input offset of `start` */
	size_t max_row, max_cells;
	bh_cell *cells;
	unsigned char *esc; /* per cell: needs unescaping */
	size_t cells_cap;
	bh_row row;
};

int bh_csv_open(bh_csv **out, bh_input *in, char delim, unsigned flags)
{
	bh_csv *r = calloc(1, sizeof *r);
	*out = NULL;
	if (!r || !(r->buf = malloc(BLOCK + 1))) {
		free(r);
		return bh_error_set(BH_ENOMEM, "out of memory");
	}
	r->in = in;
	r->delim = delim;
	r->flags = flags;
	r->cap = BLOCK;
	r->line = 1;
	r->max_row = DEFAULT_MAX_ROW;
	r->max_cells = DEFAULT_MAX_CELLS;
	*out = r;
	return 0;
}

void bh_csv_set_limits(bh_csv *r, size_t max_row_bytes, size_t max_cells)
{
	if (max_row_bytes)
		r->max_row = max_row_bytes;
	if (max_cells)
		r->max_cells = max_cells;
}

void bh_csv_free(bh_csv *r)
{
	if (!r)
		return;
	free(r->buf);
	free(r->cells);
	free(r->esc);
	free(r);
}

/* Moves unread bytes to the front and reads more; grows the buffer when it
 * is full, up to the row cap. Returns 1 if bytes were added, 0 at end of
 * input or when the cap forbids growing (*capped set), negative on error. */
static int refill(bh_csv *r, int *capped)
{
	*capped = 0;
	if (r->eof)
		return 0;
	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	if (r->end == r->cap) {
		if (r->cap >= r->max_row) {
			*capped = 1;
			return 0;
		}
		size_t ncap = r->cap * 2 > r->max_row ? r->max_row : r->cap * 2;
		char *nb = realloc(r->buf, ncap + 1);
		if (!nb)
			return bh_error_set(BH_ENOMEM, "%s: out of memory for a row of %zu bytes",
					    r->in->name, ncap);
		r->buf = nb;
		r->cap = ncap;
	}
	ssize_t n = bh_input_read(r->in, r->buf + r->end, r->cap - r->end);
	if (n < 0)
		return (int)n;
	if (n == 0) {
		r->eof = 1;
		return 0;
	}
	r->end += (size_t)n;
	return 1;
}

static int push_cell(bh_csv *r, size_t ncells, const char *p, size_t n, int esc)
{
	if (ncells >= r->cells_cap) {
		size_t nc = r->cells_cap ? r->cells_cap * 2 : 512;
		bh_cell *c = realloc(r->cells, nc * sizeof *c);
		unsigned char *e = realloc(r->esc, nc);
		if (c)
			r->cells = c;
		if (e)
			r->esc = e;
		if (!c || !e)
			return bh_error_set(BH_ENOMEM, "out of memory");
		r->cells_cap = nc;
	}
	r->cells[ncells].p = p;
	r->cells[ncells].n = n;
	r->esc[ncells] = (unsigned char)esc;
	return 0;
}

/* Parses one row from r->start. Returns 1 when complete (row filled, *used
 * bytes consumed), 0 when the buffer ends first, negative on error. */
static int parse_row(bh_csv *r, size_t *used, int at_eof)
{
	const char *s = r->buf + r->start, *e = r->buf + r->end, *p = s;
	const char d = r->delim;
	const int quoting = !(r->flags & BH_CSV_NOQUOTE);
	size_t nc = 0;
	unsigned flags = 0;
	int64_t lines = 0;
	int rc;

	for (;;) {
		const char *cs = p;
		int esc = 0;
		if (quoting && p < e && *p == '"') {
			const char *q = ++p;
			for (;;) {
				q = memchr(q, '"', (size_t)(e - q));
				if (!q)
					break;
				if (q + 1 < e && q[1] == '"') {
					esc = 1;
					q += 2;
					continue;
				}
				if (q + 1 == e && !at_eof)
					q = NULL; /* cannot tell "" from " yet */
				break;
			}
			if (!q) {
				if (!at_eof)
					return 0;
				flags |= BH_ROW_UNTERMINATED;
				for (const char *t = p; t < e; t++)
					lines += *t == '\n';
				if ((rc = push_cell(r, nc++, p, (size_t)(e - p), esc)) < 0)
					return rc;
				p = e;
				goto row_end_eof;
			}
			for (const char *t = p; t < q; t++)
				lines += *t == '\n';
			const char *cell_end = q;
			p = q + 1;
			if (p < e && *p != d && *p != '\n' && !(*p == '\r' && p + 1 < e && p[1] == '\n') &&
			    *p != '\r') {
				flags |= BH_ROW_BADQUOTE;
				while (p < e && *p != d && *p != '\n')
					p++;
				cell_end = p;
				if (cell_end > cs && cell_end[-1] == '\r' && p < e)
					cell_end--;
			}
			if ((rc = push_cell(r, nc++, cs + 1, (size_t)(cell_end - cs - 1), esc)) < 0)
				return rc;
		} else {
			while (p < e && *p != d && *p != '\n')
				p++;
			const char *ce = p;
			if (p < e && *p == '\n' && ce > cs && ce[-1] == '\r')
				ce--;
			else if (p == e && at_eof && ce > cs && ce[-1] == '\r')
				ce--;
			if ((rc = push_cell(r, nc++, cs, (size_t)(ce - cs), 0)) < 0)
				return rc;
		}
		if (nc > r->max_cells) {
			/* keep scanning to the row end but stop storing cells */
			nc = r->max_cells;
			flags |= BH_ROW_TOOLONG;
		}
		if (p >= e) {
			if (!at_eof)
				return 0;
			goto row_end_eof;
		}
		if (*p == d) {
			p++;
			if (p == e && !at_eof)
				return 0;
			continue;
		}
		if (*p == '\r' && p + 1 < e && p[1] != '\n') {
			p++; /* stray CR after a closing quote: treat as end of line */
		}
		if (*p == '\r')
			p++;
		if (p < e && *p == '\n') {
			p++;
			lines++;
			break;
		}
		if (p >= e) {
			if (!at_eof)
				return 0;
			goto row_end_eof;
		}
	}
	goto done;
row_end_eof:
	flags |= BH_ROW_NOEOL;
done:
	r->row.cells = r->cells;
	r->row.ncells = nc;
	r->row.line = r->line;
	r->row.offset = r->offset;
	r->row.raw = s;
	r->row.rawlen = (size_t)(p - s);
	while (r->row.rawlen && (s[r->row.rawlen - 1] == '\n' || s[r->row.rawlen - 1] == '\r'))
		r->row.rawlen--;
	r->row.flags = flags;
	if (memchr(s, '\0', (size_t)(p - s)))
		r->row.flags |= BH_ROW_NUL;
	/* now that the row is whole, collapse doubled quotes in place */
	for (size_t i = 0; i < nc; i++) {
		if (!r->esc[i])
			continue;
		char *w = (char *)r->cells[i].p;
		const char *rd = w, *end = w + r->cells[i].n;
		char *o = w;
		while (rd < end) {
			if (rd[0] == '"' && rd + 1 < end && rd[1] == '"') {
				*o++ = '"';
				rd += 2;
			} else {
				*o++ = *rd++;
			}
		}
		r->cells[i].n = (size_t)(o - w);
	}
	r->line += lines;
	*used = (size_t)(p - s);
	return 1;
}

/* The row at `start` passed the cap: hand out its first physical line (or
 * the first bytes of it, if the line alone is too long) as a TOOLONG row
 * and skip past that line. */
static int too_long(bh_csv *r)
{
	char *s = r->buf + r->start;
	char *nl = memchr(s, '\n', r->end - r->start);
	size_t keep;
	int64_t off = r->offset, line = r->line;

	if (nl) {
		keep = (size_t)(nl - s) + 1;
	} else {
		/* the line itself is longer than the cap: skip to its end */
		int capped;
		keep = r->end - r->start;
		for (;;) {
			r->offset += (int64_t)keep;
			r->start = r->end = 0;
			int rc = refill(r, &capped);
			if (rc < 0)
				return rc;
			if (rc == 0) {
				keep = 0;
				break;
			}
			nl = memchr(r->buf, '\n', r->end);
			if (nl) {
				keep = (size_t)(nl - r->buf) + 1;
				break;
			}
			keep = r->end;
		}
		s = r->buf;
	}
	r->cells[0].p = s;
	r->cells[0].n = keep > 1024 ? 1024 : keep;
	r->row.cells = r->cells;
	r->row.ncells = 1;
	r->row.line = line;
	r->row.offset = off;
	r->row.raw = s;
	r->row.rawlen = r->cells[0].n;
	r->row.flags = BH_ROW_TOOLONG;
	r->start += keep;
	r->offset += (int64_t)keep;
	r->line = line + 1;
	return 1;
}

int bh_csv_next(bh_csv *r, bh_row **row)
{
	*row = NULL;
	if (!r->cells_cap && push_cell(r, 0, NULL, 0, 0) < 0)
		return BH_ENOMEM;
	for (;;) {
		if (r->start == r->end && r->eof)
			return 0;
		size_t used = 0;
		int rc = r->start < r->end ? parse_row(r, &used, r->eof) : 0;
		if (rc < 0)
			return rc;
		if (rc == 1) {
			r->start += used;
			r->offset += (int64_t)used;
			*row = &r->row;
			return 1;
		}
		int capped;
		rc = refill(r, &capped);
		if (rc < 0)
			return rc;
		if (capped) {
			if ((rc = too_long(r)) < 0)
				return rc;
			*row = &r->row;
			return 1;
		}
		if (rc == 0 && !r->eof)
			continue;
	}
}
