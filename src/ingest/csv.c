/* Delimited-text reader (see csv.h): buffer management, engine choice and
 * the portable scalar scanner, which is the reference for every engine.
 *
 * The buffer holds [start, end) unread bytes. A row is parsed from `start`;
 * when the bytes run out before the row ends, the unread tail moves to the
 * front, more is read (the buffer doubles up to the row cap) and the row is
 * parsed again from its start. Unescaping happens only once a row is known
 * complete, so a re-parse always sees the original bytes.
 *
 * With a vector engine, rows are first cut by the indexed path
 * (csv_simd.c); rows it declines (malformed quoting, CR without LF, NUL,
 * too many cells, the end of input without a line end) come here. */
#include "ingest/csv.h"
#include "ingest/csvInt.h"
#include "util/err.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK ((size_t)1 << 20)
#define DEFAULT_MAX_ROW ((size_t)64 << 20)
#define DEFAULT_MAX_CELLS ((size_t)1 << 16)

static int engine_from_env(int *out);


int bh_csv_open(bh_csv **out, bh_input *in, char delim, unsigned flags)
{
	bh_csv *r = NULL;
	int rc, engine;
	*out = NULL;
	if ((rc = engine_from_env(&engine)) < 0)
		return rc;
	/* a small input gets a small buffer; it grows like any other */
	size_t cap = BLOCK;
	if (in->size >= 0 && (uint64_t)in->size < BLOCK)
		cap = (size_t)in->size < 4096 ? 4096 : (size_t)in->size + 1;
	r = calloc(1, sizeof *r);
	/* zeroed: the vector engines read whole blocks past the data's end */
	if (!r || !(r->buf = calloc(1, cap + BH_CSV_PAD))) {
		free(r);
		return bh_error_set(BH_ENOMEM, "out of memory");
	}
	r->in = in;
	r->delim = delim;
	r->flags = flags;
	r->cap = cap;
	r->line = 1;
	r->max_row = DEFAULT_MAX_ROW;
	r->max_cells = DEFAULT_MAX_CELLS;
	/* backslash escapes are the scalar scanner's alone */
	if (flags & BH_CSV_BACKSLASH)
		engine = BH_CSV_ENGINE_SCALAR;
	if ((rc = bh_csv_set_engine(r, engine)) < 0) {
		bh_csv_free(r);
		return rc;
	}
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
	free(r->ix.idx);
	free(r->ix.rare);
	free(r);
}

/* Moves unread bytes to the front and reads more; grows the buffer when it
 * is full, up to the row cap. Returns 1 if bytes were added, 0 at end of
 * input or when the cap forbids growing (*capped set), negative on error. */
static int refill(bh_csv *r, int *capped)
{
	*capped = 0;
	r->ix.valid = 0; /* the buffer moves */
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
		char *nb = realloc(r->buf, ncap + BH_CSV_PAD);
		if (!nb)
			return bh_error_set(BH_ENOMEM, "%s: out of memory for a row of %zu bytes",
					    r->in->name, ncap);
		memset(nb + r->cap + BH_CSV_PAD, 0, ncap - r->cap);
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

int bh_csv_grow_cells(bh_csv *r, size_t n)
{
	if (n <= r->cells_cap)
		return 0;
	size_t nc = r->cells_cap ? r->cells_cap : 512;
	while (nc < n)
		nc *= 2;
	bh_cell *c = realloc(r->cells, nc * sizeof *c);
	if (c)
		r->cells = c;
	unsigned char *e = realloc(r->esc, nc);
	if (e)
		r->esc = e;
	if (!c || !e)
		return bh_error_set(BH_ENOMEM, "%s: out of memory for %zu cells", r->in->name, nc);
	r->cells_cap = nc;
	return 0;
}

/* 1 if the quote at q is escaped by an odd run of backslashes after
 * `start` (BH_CSV_BACKSLASH). */
static int backslashed(const char *start, const char *q)
{
	size_t k = 0;
	while (q - k > start && q[-1 - (ptrdiff_t)k] == '\\')
		k++;
	return k & 1;
}

static int push_cell(bh_csv *r, size_t ncells, const char *p, size_t n, int esc)
{
	int rc;
	if (ncells >= r->cells_cap && (rc = bh_csv_grow_cells(r, ncells + 1)) < 0)
		return rc;
	r->cells[ncells].p = p;
	r->cells[ncells].n = n;
	r->esc[ncells] = (unsigned char)esc;
	return 0;
}

void bh_csv_unescape(bh_csv *r, size_t nc)
{
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
			} else if ((r->flags & BH_CSV_BACKSLASH) && rd[0] == '\\' && rd + 1 < end &&
				   (rd[1] == '"' || rd[1] == '\\')) {
				*o++ = rd[1];
				rd += 2;
			} else {
				*o++ = *rd++;
			}
		}
		r->cells[i].n = (size_t)(o - w);
	}
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
				if ((r->flags & BH_CSV_BACKSLASH) && backslashed(p, q)) {
					esc = 1;
					q++;
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
				/* the quote never closes: hand out the row's first
				 * physical line and go on from the next one */
				const char *nl = memchr(s, '\n', (size_t)(e - s));
				if (nl) {
					nc = 0;
					if ((rc = push_cell(r, nc++, s, (size_t)(nl - s), 0)) < 0)
						return rc;
					p = nl + 1;
					lines = 1;
					goto done;
				}
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
	bh_csv_unescape(r, nc);
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
		size_t used = 0, simd_end = 0;
		int rc = 0;
		if (r->start < r->end) {
			rc = r->kernel ? bh_csv_simd_row(r, &used, &simd_end) : 2;
			if (rc == 2) {
				rc = parse_row(r, &used, r->eof);
				if (rc != 1 || r->start + used != simd_end)
					r->ix.valid = 0;
			}
		}
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

/* ---------------------------------------------------------------------
 * Engines
 * --------------------------------------------------------------------- */

static const char *const engine_names[] = {
	[BH_CSV_ENGINE_AUTO] = "auto",     [BH_CSV_ENGINE_SCALAR] = "scalar",
	[BH_CSV_ENGINE_GENERIC] = "generic", [BH_CSV_ENGINE_AVX2] = "avx2",
	[BH_CSV_ENGINE_AVX512] = "avx512",
};

const char *bh_csv_engine_name(int engine)
{
	if (engine < 0 || engine > BH_CSV_ENGINE_AVX512)
		return "?";
	return engine_names[engine];
}

int bh_csv_engine_supported(int engine)
{
	switch (engine) {
	case BH_CSV_ENGINE_AUTO:
	case BH_CSV_ENGINE_SCALAR:
	case BH_CSV_ENGINE_GENERIC:
		return 1;
#ifdef BH_CSV_HAVE_X86
	case BH_CSV_ENGINE_AVX2:
		__builtin_cpu_init();
		return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") &&
		       __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("popcnt") &&
		       __builtin_cpu_supports("pclmul");
	case BH_CSV_ENGINE_AVX512:
		__builtin_cpu_init();
		return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
		       bh_csv_engine_supported(BH_CSV_ENGINE_AVX2);
#endif
	default:
		return 0;
	}
}

static int best_engine(void)
{
	if (bh_csv_engine_supported(BH_CSV_ENGINE_AVX512))
		return BH_CSV_ENGINE_AVX512;
	if (bh_csv_engine_supported(BH_CSV_ENGINE_AVX2))
		return BH_CSV_ENGINE_AVX2;
	return BH_CSV_ENGINE_SCALAR;
}

/* BEHIND_CSV_ENGINE names the engine every reader starts with (tests and
 * benchmarks force one this way); unset or empty means auto. */
static int engine_from_env(int *out)
{
	const char *v = getenv("BEHIND_CSV_ENGINE");
	*out = BH_CSV_ENGINE_AUTO;
	if (!v || !*v)
		return 0;
	for (int e = 0; e <= BH_CSV_ENGINE_AVX512; e++) {
		if (strcmp(v, engine_names[e]) == 0) {
			*out = e;
			return 0;
		}
	}
	return bh_error_set(BH_EUSAGE,
			    "BEHIND_CSV_ENGINE=%s: expected auto, scalar, generic, avx2 or avx512", v);
}

int bh_csv_set_engine(bh_csv *r, int engine)
{
	bh_csv_kernel k = NULL;
	if (engine == BH_CSV_ENGINE_AUTO)
		engine = best_engine();
	if (!bh_csv_engine_supported(engine))
		return bh_error_set(BH_EUSAGE, "CSV engine %s: not supported by this CPU",
				    bh_csv_engine_name(engine));
	switch (engine) {
	case BH_CSV_ENGINE_GENERIC:
		k = bh_csv_kernel_generic;
		break;
#ifdef BH_CSV_HAVE_X86
	case BH_CSV_ENGINE_AVX2:
		k = bh_csv_kernel_avx2;
		break;
	case BH_CSV_ENGINE_AVX512:
		k = bh_csv_kernel_avx512;
		break;
#endif
	default:
		break;
	}
	/* bytes the indexed path cannot tell apart from its own markers */
	const char d = r->delim;
	if (d == '\n' || d == '\r' || d == '"' || d == '\0')
		k = NULL;
	if (k && !r->ix.idx) {
		/* a window need not be bigger than the first buffer */
		r->ix.win = r->cap < BH_CSV_WINDOW ? (r->cap + 63) & ~(size_t)63 : BH_CSV_WINDOW;
		const size_t n = r->ix.win + BH_CSV_IDX_SLACK;
		r->ix.idx = malloc(n * sizeof *r->ix.idx);
		r->ix.rare = malloc(n * sizeof *r->ix.rare);
		if (!r->ix.idx || !r->ix.rare)
			return bh_error_set(BH_ENOMEM, "out of memory");
	}
	r->engine = engine;
	r->kernel = k;
	r->ix.valid = 0;
	return 0;
}

int bh_csv_engine(const bh_csv *r)
{
	return r->engine;
}
