/* Fuzz harness of the delimited reader (src/ingest/csv.h) over an
 * in-memory input. The first byte picks the delimiter, the quoting mode
 * and small row/cell caps, so the cap paths are reached with small inputs;
 * the rest is the text. Every input is read with the scalar engine (the
 * reference) and again with one indexed engine picked by the first byte's
 * top bits (generic, AVX2 or AVX-512, where the CPU has it): both must cut
 * identical rows (csv.h promises it), so a disagreement aborts. One other
 * engine per input, not all: each reader maps a 1 MiB buffer, and that
 * dominates the cost of an execution. Cells are touched byte by byte so ASan
 * sees any view outside the buffer. */
#include "fuzz.h"
#include "ingest/csv.h"
#include "ingest/input.h"

#include <stdint.h>

typedef struct {
	uint64_t h;     /* FNV-1a over cells, lengths, line and flags */
	int64_t rows;
	int rc;
} digest;

static void mix(uint64_t *h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		*h = (*h ^ b[i]) * 1099511628211ULL;
}

static digest read_all(const uint8_t *data, size_t size, char delim, unsigned flags,
		       size_t max_row, size_t max_cells, int engine)
{
	digest d = {1469598103934665603ULL, 0, 0};
	bh_input *in = NULL;
	bh_csv *r = NULL;
	bh_row *row;

	if (bh_input_open_mem(&in, "fuzz", data, size) < 0)
		abort();
	if (bh_csv_open(&r, in, delim, flags) < 0)
		abort();
	if (max_row)
		bh_csv_set_limits(r, max_row, max_cells);
	if (bh_csv_set_engine(r, engine) < 0)
		abort();
	while ((d.rc = bh_csv_next(r, &row)) == 1) {
		d.rows++;
		mix(&d.h, &row->line, sizeof row->line);
		mix(&d.h, &row->flags, sizeof row->flags);
		mix(&d.h, &row->ncells, sizeof row->ncells);
		for (size_t i = 0; i < row->ncells; i++) {
			mix(&d.h, &row->cells[i].n, sizeof row->cells[i].n);
			mix(&d.h, row->cells[i].p, row->cells[i].n);
		}
		/* raw must stay inside the reader's buffer too */
		volatile unsigned char sink = 0;
		for (size_t i = 0; i < row->rawlen; i++)
			sink ^= (unsigned char)row->raw[i];
		(void)sink;
		if (d.rows > 1000000)
			abort(); /* more rows than bytes: a loop that never advances */
	}
	bh_csv_free(r);
	bh_input_free(in);
	return d;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned sel = data[0];
	char delim = (sel & 1) ? '|' : ',';
	unsigned flags = (sel & 2) ? BH_CSV_NOQUOTE : 0;
	size_t max_row = (sel & 4) ? 64 + (sel >> 3) * 8 : 0;
	size_t max_cells = (sel & 4) ? 1 + (sel >> 4) : 0;
	data++;
	size--;

	digest ref = read_all(data, size, delim, flags, max_row, max_cells, BH_CSV_ENGINE_SCALAR);
	static const int others[] = {BH_CSV_ENGINE_GENERIC, BH_CSV_ENGINE_AVX2,
				     BH_CSV_ENGINE_AVX512, BH_CSV_ENGINE_GENERIC};
	int other = others[sel >> 6];
	if (!bh_csv_engine_supported(other))
		other = BH_CSV_ENGINE_GENERIC;
	digest d = read_all(data, size, delim, flags, max_row, max_cells, other);
	if (d.h != ref.h || d.rows != ref.rows || d.rc != ref.rc) {
		fprintf(stderr, "engine %s cut %lld rows (rc %d), scalar %lld (rc %d)\n",
			bh_csv_engine_name(other), (long long)d.rows, d.rc, (long long)ref.rows,
			ref.rc);
		abort();
	}
	return 0;
}
