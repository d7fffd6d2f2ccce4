/* Micro-benchmark of the delimited-text reader alone: the file is loaded
 * into memory once, then read end to end with each engine several times on
 * one core, through an in-memory input whose digest is the null digest (so
 * only the reader is timed). Time is the thread's CPU time (the machine is
 * shared; CPU time is what one core spent). Prints rows, cells and the median GB/s per
 * engine, and for scale the speed of the SHA-256 that real ingest computes
 * over the same bytes.
 *
 *   build/bench/reader_bench FILE [--delim C] [--noquote] [--reps N]
 *                           [--repeat K] [--engine NAME]...
 *
 * --repeat K reads the header line once and the rest K times (a small
 * sample made big enough that buffer set-up costs nothing); engines
 * default to every one the CPU supports.
 */
#include "ingest/csv.h"
#include "ingest/input.h"
#include "util/err.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
	const char *data;
	size_t len, pos;
} memsrc;

static ssize_t mem_rd(bh_input *in, void *buf, size_t n)
{
	memsrc *m = in->impl;
	size_t k = m->len - m->pos;
	if (k > n)
		k = n;
	memcpy(buf, m->data + m->pos, k);
	m->pos += k;
	return (ssize_t)k;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* One full read; returns seconds, fills counts. */
static double run(const char *data, size_t len, char delim, unsigned flags, int engine,
		  long long *rows, long long *cells, long long *flagged)
{
	memsrc m = {data, len, 0};
	bh_input in = {0};
	in.name = (char *)"bench";
	in.size = (int64_t)len;
	in.rd = mem_rd;
	in.impl = &m;
	in.sha = EVP_MD_CTX_new();
	EVP_DigestInit_ex(in.sha, EVP_md_null(), NULL);
	bh_csv *r = NULL;
	bh_row *row;
	size_t bytes = 0;
	*rows = *cells = *flagged = 0;
	double t0 = now();
	if (bh_csv_open(&r, &in, delim, flags) < 0 || bh_csv_set_engine(r, engine) < 0) {
		fprintf(stderr, "reader_bench: %s\n", bh_error_last());
		exit(2);
	}
	int rc;
	while ((rc = bh_csv_next(r, &row)) > 0) {
		(*rows)++;
		*cells += (long long)row->ncells;
		*flagged += row->flags != 0;
		for (size_t i = 0; i < row->ncells; i++)
			bytes += row->cells[i].n;
	}
	double t = now() - t0;
	if (rc < 0) {
		fprintf(stderr, "reader_bench: %s\n", bh_error_last());
		exit(2);
	}
	bh_csv_free(r);
	EVP_MD_CTX_free(in.sha);
	if (bytes == 0 && len > 1000)
		fprintf(stderr, "reader_bench: no cell bytes?\n");
	return t;
}

int main(int argc, char **argv)
{
	const char *path = NULL;
	char delim = ',';
	unsigned flags = 0;
	int reps = 5, repeat = 1, want[8], nwant = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--delim") && i + 1 < argc)
			delim = argv[++i][0];
		else if (!strcmp(argv[i], "--noquote"))
			flags |= BH_CSV_NOQUOTE;
		else if (!strcmp(argv[i], "--repeat") && i + 1 < argc)
			repeat = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--reps") && i + 1 < argc)
			reps = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--engine") && i + 1 < argc && nwant < 8) {
			const char *e = argv[++i];
			int found = 0;
			for (int k = BH_CSV_ENGINE_SCALAR; k <= BH_CSV_ENGINE_AVX512; k++)
				if (!strcmp(e, bh_csv_engine_name(k)))
					want[nwant++] = k, found = 1;
			if (!found) {
				fprintf(stderr, "reader_bench: unknown engine %s\n", e);
				return 2;
			}
		} else if (argv[i][0] != '-' && !path)
			path = argv[i];
		else {
			fprintf(stderr, "usage: reader_bench FILE [--delim C] [--noquote] [--reps N] "
					"[--engine scalar|generic|avx2|avx512]...\n");
			return 2;
		}
	}
	if (!path || reps < 1 || reps > 1000 || repeat < 1 || repeat > 1000) {
		fprintf(stderr, "usage: reader_bench FILE [--reps 1..1000] ...\n");
		return 2;
	}
	if (!nwant) {
		int all[] = {BH_CSV_ENGINE_SCALAR, BH_CSV_ENGINE_AVX2, BH_CSV_ENGINE_AVX512};
		for (int k = 0; k < 3; k++)
			if (bh_csv_engine_supported(all[k]))
				want[nwant++] = all[k];
	}
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return 2;
	}
	fseek(f, 0, SEEK_END);
	long len = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *data = malloc((size_t)len + 1);
	if (!data || fread(data, 1, (size_t)len, f) != (size_t)len) {
		fprintf(stderr, "reader_bench: cannot load %s\n", path);
		return 2;
	}
	fclose(f);
	if (repeat > 1) {
		const char *nl = memchr(data, '\n', (size_t)len);
		size_t head = nl ? (size_t)(nl - data) + 1 : 0, body = (size_t)len - head;
		char *big = malloc(head + body * (size_t)repeat + 1);
		if (!big) {
			fprintf(stderr, "reader_bench: out of memory\n");
			return 2;
		}
		memcpy(big, data, head);
		for (int k = 0; k < repeat; k++)
			memcpy(big + head + body * (size_t)k, data + head, body);
		free(data);
		data = big;
		len = (long)(head + body * (size_t)repeat);
	}

	printf("file %s: %.1f MB, %d runs per engine, median\n", path, (double)len / 1e6, reps);
	double *t = calloc((size_t)reps, sizeof *t);
	for (int w = 0; w < nwant; w++) {
		long long rows = 0, cells = 0, flagged = 0;
		for (int k = 0; k < reps; k++)
			t[k] = run(data, (size_t)len, delim, flags, want[w], &rows, &cells, &flagged);
		qsort(t, (size_t)reps, sizeof *t, cmp_double);
		double med = t[reps / 2];
		printf("  %-8s %8.3f s  %6.2f GB/s  %8.1f Mrows/s  (%lld rows, %lld cells, %lld flagged; "
		       "best %.2f GB/s)\n",
		       bh_csv_engine_name(want[w]), med, (double)len / med / 1e9, (double)rows / med / 1e6,
		       rows, cells, flagged, (double)len / t[0] / 1e9);
	}
	/* for scale: the content hash every real ingest computes */
	{
		EVP_MD_CTX *c = EVP_MD_CTX_new();
		unsigned char md[64];
		unsigned mdlen;
		double t0 = now();
		EVP_DigestInit_ex(c, EVP_sha256(), NULL);
		EVP_DigestUpdate(c, data, (size_t)len);
		EVP_DigestFinal_ex(c, md, &mdlen);
		double s = now() - t0;
		printf("  sha256   %8.3f s  %6.2f GB/s  (the content hash of ingest, same bytes)\n", s,
		       (double)len / s / 1e9);
		EVP_MD_CTX_free(c);
	}
	free(t);
	free(data);
	return 0;
}
