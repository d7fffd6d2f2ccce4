/* Unit tests of the delimited-text reader (src/ingest/csv.h).
 *
 * Every case runs with every engine this CPU supports (scalar, generic,
 * AVX2, AVX-512), with the input fed whole and a few bytes at a time, and
 * all must print the same rows. The fixtures in tests/fixtures/csv carry
 * hand-written expected output; random inputs (seeded, so reproducible)
 * check that the indexed engines agree with the scalar reference on any
 * mix of quotes, delimiters, CR, LF and NUL; and the real USAspending files
 * in ../shared/data are compared with an independent RFC 4180 parser
 * written here (skipped, saying so, when ../shared/data is absent). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/csv.h"
#include "ingest/input.h"
#include "util/err.h"

/* ---- an in-memory input that delivers at most `step` bytes per read ---- */

typedef struct {
	const char *data;
	size_t len, pos, step;
} memsrc;

static ssize_t mem_rd(bh_input *in, void *buf, size_t n)
{
	memsrc *m = in->impl;
	size_t k = m->len - m->pos;
	if (k > n)
		k = n;
	if (m->step && k > m->step)
		k = m->step;
	memcpy(buf, m->data + m->pos, k);
	m->pos += k;
	return (ssize_t)k;
}

static bh_input *mem_input(memsrc *m)
{
	bh_input *in = calloc(1, sizeof *in);
	assert_non_null(in);
	in->name = strdup("mem");
	in->sha = EVP_MD_CTX_new();
	assert_true(EVP_DigestInit_ex(in->sha, EVP_md_null(), NULL));
	in->size = (int64_t)m->len;
	in->rd = mem_rd;
	in->impl = m;
	return in;
}

/* ---- a growable string for dumps ---- */

typedef struct {
	char *p;
	size_t n, cap;
} str;

static void put(str *s, const char *p, size_t n)
{
	if (s->n + n + 1 > s->cap) {
		s->cap = (s->n + n + 1) * 2;
		s->p = realloc(s->p, s->cap);
		assert_non_null(s->p);
	}
	memcpy(s->p + s->n, p, n);
	s->n += n;
	s->p[s->n] = 0;
}

static void putf(str *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(str *s, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	put(s, tmp, (size_t)n);
}

static void put_escaped(str *s, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		switch (p[i]) {
		case '\n': put(s, "\\n", 2); break;
		case '\r': put(s, "\\r", 2); break;
		case '\0': put(s, "\\0", 2); break;
		case '|': put(s, "\\|", 2); break;
		case '\\': put(s, "\\\\", 2); break;
		default: put(s, p + i, 1);
		}
	}
}

typedef struct {
	char delim;
	unsigned flags;
	size_t max_row, max_cells;
	int with_raw; /* also print each row's raw bytes */
} opts;

/* Reads `data` with `engine`, `step` bytes per read at most (0: as much as
 * the reader asks), and prints the rows in the fixtures' format. */
static char *dump(const char *data, size_t len, const opts *o, int engine, size_t step)
{
	memsrc m = {data, len, 0, step};
	bh_input *in = mem_input(&m);
	bh_csv *r = NULL;
	bh_row *row;
	str s = {0};
	int rc;

	put(&s, "", 0);
	assert_int_equal(bh_csv_open(&r, in, o->delim, o->flags), 0);
	assert_int_equal(bh_csv_set_engine(r, engine), 0);
	bh_csv_set_limits(r, o->max_row, o->max_cells);
	while ((rc = bh_csv_next(r, &row)) > 0) {
		putf(&s, "%lld %lld %u %zu: ", (long long)row->line, (long long)row->offset, row->flags,
		     row->ncells);
		for (size_t i = 0; i < row->ncells; i++) {
			if (i)
				put(&s, "|", 1);
			put_escaped(&s, row->cells[i].p, row->cells[i].n);
		}
		if (o->with_raw) {
			put(&s, " raw=", 5);
			put_escaped(&s, row->raw, row->rawlen);
		}
		put(&s, "\n", 1);
	}
	assert_int_equal(rc, 0);
	bh_csv_free(r);
	bh_input_free(in);
	return s.p;
}

static const int engines[] = {BH_CSV_ENGINE_SCALAR, BH_CSV_ENGINE_GENERIC, BH_CSV_ENGINE_AVX2,
			      BH_CSV_ENGINE_AVX512};
static const size_t steps[] = {0, 1, 3, 64, 65537};
#define NELEM(a) (sizeof(a) / sizeof(a)[0])

/* Checks that every engine and read size prints the same as the scalar
 * engine fed whole; returns that output (caller frees). */
static char *dump_all_agree_steps(const char *data, size_t len, const opts *o, size_t nsteps)
{
	char *ref = dump(data, len, o, BH_CSV_ENGINE_SCALAR, 0);
	for (size_t e = 0; e < NELEM(engines); e++) {
		if (!bh_csv_engine_supported(engines[e]))
			continue;
		if (engines[e] == BH_CSV_ENGINE_GENERIC && len > 1000000 &&
		    (bh_csv_engine_supported(BH_CSV_ENGINE_AVX2)))
			continue; /* same algorithm as the vector engines, only slower */
		for (size_t k = 0; k < nsteps; k++) {
			if (len > 100000 && steps[k] && steps[k] < 4099)
				continue; /* small reads re-parse a big row many times: slow */
			char *got = dump(data, len, o, engines[e], steps[k]);
			if (strcmp(got, ref) != 0) {
				fprintf(stderr, "engine %s, step %zu disagrees with scalar on %zu bytes\n",
					bh_csv_engine_name(engines[e]), steps[k], len);
				if (len < 2000) {
					fprintf(stderr, "scalar:\n%s\n%s:\n%s\n", ref,
						bh_csv_engine_name(engines[e]), got);
				}
			}
			assert_string_equal(got, ref);
			free(got);
		}
	}
	return ref;
}

static char *dump_all_agree(const char *data, size_t len, const opts *o)
{
	return dump_all_agree_steps(data, len, o, NELEM(steps));
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *p = malloc((size_t)n + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
	p[n] = 0;
	fclose(f);
	*len = (size_t)n;
	return p;
}

static const char *fixtures(void)
{
	const char *f = getenv("FIXTURES");
	return f && *f ? f : "tests/fixtures";
}

/* ---- fixtures with expected output ---- */

static void check_fixture(const char *name, char delim, unsigned flags)
{
	char path[1024], exp_path[1024];
	size_t len, elen;
	snprintf(path, sizeof path, "%s/csv/%s", fixtures(), name);
	snprintf(exp_path, sizeof exp_path, "%s/csv/%.*s.expected", fixtures(),
		 (int)(strrchr(name, '.') - name), name);
	char *data = slurp(path, &len);
	char *exp = slurp(exp_path, &elen);
	if (!data || !exp)
		fail_msg("missing fixture %s or %s", path, exp_path);
	opts o = {delim, flags, 0, 0, 0};
	char *got = dump_all_agree(data, len, &o);
	if (strcmp(got, exp) != 0)
		fprintf(stderr, "%s: expected\n%s\ngot\n%s\n", name, exp, got);
	assert_string_equal(got, exp);
	o.with_raw = 1;
	free(dump_all_agree(data, len, &o));
	free(got);
	free(data);
	free(exp);
}

#define FIXTURE(fn, name, delim, flags)        \
	static void fn(void **state)           \
	{                                      \
		check_fixture(name, delim, flags); \
	}
FIXTURE(test_embedded_newlines, "embedded-newlines.csv", ',', 0)
FIXTURE(test_doubled_quotes, "doubled-quotes.csv", ',', 0)
FIXTURE(test_crlf, "crlf.csv", ',', 0)
FIXTURE(test_missing_final_newline, "missing-final-newline.csv", ',', 0)
FIXTURE(test_bad_quote, "bad-quote.csv", ',', 0)
FIXTURE(test_unterminated_quote, "unterminated-quote.csv", ',', 0)
FIXTURE(test_nul_bytes, "nul-bytes.csv", ',', 0)
FIXTURE(test_empty_lines, "empty-lines.csv", ',', 0)
FIXTURE(test_pipe_noquote, "pipe-noquote.txt", '|', BH_CSV_NOQUOTE)
FIXTURE(test_quote_inside_unquoted_cell, "quote-inside-unquoted-cell.csv", ',', 0)
FIXTURE(test_cr_without_lf, "cr-without-lf.csv", ',', 0)
FIXTURE(test_delimiter_inside_quotes, "delimiter-inside-quotes.csv", ',', 0)

/* ---- big rows, caps and resync ---- */

/* A quoted cell of 3 MiB with commas and line ends: bigger than the
 * reader's first buffer, so it must grow and re-parse. */
static void test_bigger_than_buffer(void **state)
{
	const size_t big = (size_t)3 << 20;
	str s = {0};
	put(&s, "id,text\n1,\"", 11);
	for (size_t i = 0; i < big / 8; i++)
		put(&s, i % 5 ? "abc,def " : "abc\ndef ", 8);
	put(&s, "\"\n2,after\n", 10);
	opts o = {',', 0, 0, 0, 0};
	char *out = dump_all_agree(s.p, s.n, &o);
	/* row 2 holds big/8/5 line ends, so row 3 starts that many lines on */
	char expect[64];
	snprintf(expect, sizeof expect, "\n%zu %zu 0 2: 2|after\n", (size_t)3 + big / 8 / 5 + 1,
		 (size_t)8 + 3 + big + 2);
	assert_non_null(strstr(out, expect));
	free(out);
	free(s.p);
}

/* An unterminated quote must not swallow the file: at the row cap the
 * reader hands out the first line as TOOLONG and resumes on the next. */
static void test_toolong_resync(void **state)
{
	str s = {0};
	put(&s, "h1,h2\n\"open,x\n", 14);
	for (int i = 0; i < 700000; i++)
		put(&s, "x,y\n", 4);
	opts o = {',', 0, (size_t)2 << 20, 0, 0};
	char *out = dump_all_agree(s.p, s.n, &o);
	assert_non_null(strstr(out, "1 0 0 2: h1|h2\n2 6 4 1: \"open,x\\n\n3 14 0 2: x|y\n"));
	free(out);
	free(s.p);
}

static void test_max_cells(void **state)
{
	const char *in = "a,b,c\n1,2,3,4,5\nx,y\n";
	opts o = {',', 0, 0, 3, 0};
	char *out = dump_all_agree(in, strlen(in), &o);
	assert_string_equal(out, "1 0 0 3: a|b|c\n2 6 4 3: 1|2|3\n3 16 0 2: x|y\n");
	free(out);
}

static void test_engine_env(void **state)
{
	memsrc m = {"a\n", 2, 0, 0};
	bh_input *in = mem_input(&m);
	bh_csv *r = NULL;
	setenv("BEHIND_CSV_ENGINE", "bogus", 1);
	assert_int_equal(bh_csv_open(&r, in, ',', 0), BH_EUSAGE);
	assert_non_null(strstr(bh_error_last(), "BEHIND_CSV_ENGINE=bogus"));
	setenv("BEHIND_CSV_ENGINE", "scalar", 1);
	assert_int_equal(bh_csv_open(&r, in, ',', 0), 0);
	assert_int_equal(bh_csv_engine(r), BH_CSV_ENGINE_SCALAR);
	bh_csv_free(r);
	unsetenv("BEHIND_CSV_ENGINE");
	assert_int_equal(bh_csv_open(&r, in, ',', 0), 0);
	assert_int_not_equal(bh_csv_engine(r), BH_CSV_ENGINE_AUTO);
	bh_csv_free(r);
	bh_input_free(in);
}

/* ---- random inputs: the indexed engines must agree with the scalar ---- */

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint32_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11);
}

static void random_text(str *s, size_t n, const char *alphabet, size_t na)
{
	s->n = 0;
	put(s, "", 0);
	for (size_t i = 0; i < n; i++)
		put(s, &alphabet[next_rand() % na], 1);
}

static void test_random_agree(void **state)
{
	/* mostly well-formed cells, with sprinkles of every troublemaker */
	static const char quoting[] = "aaaaab,,,,\"\"\"\n\n\r \0";
	static const char pipes[] = "aaaab||||\"\n\n\r\0";
	str s = {0};
	for (int it = 0; it < 2000; it++) {
		size_t n = next_rand() % (it < 1700 ? 200 : 5000);
		int pipe = it % 4 == 3;
		random_text(&s, n, pipe ? pipes : quoting, pipe ? sizeof pipes - 1 : sizeof quoting - 1);
		opts o = {pipe ? '|' : ',', pipe ? BH_CSV_NOQUOTE : 0, 0, it % 7 == 0 ? 4 : 0, 1};
		/* whole and byte by byte: the other read sizes add time, not cases */
		free(dump_all_agree_steps(s.p, s.n, &o, 2));
	}
	/* well-formed CSV large enough to span many index windows */
	s.n = 0;
	put(&s, "", 0);
	for (int i = 0; i < 30000; i++) {
		switch (next_rand() % 6) {
		case 0: put(&s, "\"q,\"\"x\"\"\n y\"", 12); break;
		case 1: put(&s, "plain", 5); break;
		case 2: put(&s, "\"\"", 2); break;
		default: break;
		}
		put(&s, next_rand() % 5 ? "," : (next_rand() % 2 ? "\n" : "\r\n"), next_rand() % 5 ? 1 : 2);
	}
	opts o = {',', 0, 0, 0, 1};
	free(dump_all_agree(s.p, s.n, &o));
	free(s.p);
}

/* ---- the real files against an independent parser ---- */

/* A plain RFC 4180 parser: cells of each record as NUL-free copies, joined
 * in the fixtures' format (without line numbers and flags). */
static char *rfc4180(const char *p, size_t n)
{
	str s = {0}, cell = {0};
	size_t i = 0;
	put(&s, "", 0);
	while (i < n) {
		int first = 1;
		for (;;) {
			cell.n = 0;
			put(&cell, "", 0);
			if (i < n && p[i] == '"') {
				i++;
				while (i < n) {
					if (p[i] == '"' && i + 1 < n && p[i + 1] == '"') {
						put(&cell, "\"", 1);
						i += 2;
					} else if (p[i] == '"') {
						i++;
						break;
					} else {
						put(&cell, p + i++, 1);
					}
				}
			} else {
				while (i < n && p[i] != ',' && p[i] != '\n')
					put(&cell, p + i++, 1);
				if (cell.n && cell.p[cell.n - 1] == '\r' && (i == n || p[i] == '\n'))
					cell.n--;
			}
			if (!first)
				put(&s, "|", 1);
			first = 0;
			put_escaped(&s, cell.p, cell.n);
			if (i < n && p[i] == ',') {
				i++;
				continue;
			}
			if (i < n && p[i] == '\r')
				i++;
			i++; /* the line end */
			break;
		}
		put(&s, "\n", 1);
	}
	free(cell.p);
	return s.p;
}

/* Drops "LINE OFFSET FLAGS NCELLS: " from each line of a dump. */
static void strip_prefix(char *d)
{
	char *w = d;
	for (char *r = d; *r;) {
		char *colon = strstr(r, ": ");
		assert_non_null(colon);
		r = colon + 2;
		while (*r && *r != '\n')
			*w++ = *r++;
		if (*r)
			*w++ = *r++;
	}
	*w = 0;
}

static void test_usaspending_differential(void **state)
{
	const char *data = getenv("DATA");
	char dir[1024];
	snprintf(dir, sizeof dir, "%s/usaspending", data && *data ? data : "../shared/data");
	DIR *dp = opendir(dir);
	if (!dp) {
		fprintf(stderr, "skip: %s absent, no differential test on real files\n", dir);
		skip();
	}
	struct dirent *de;
	int files = 0;
	while ((de = readdir(dp))) {
		size_t nl = strlen(de->d_name), len;
		if (nl < 5 || strcmp(de->d_name + nl - 4, ".csv") != 0)
			continue;
		char path[2048];
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		char *p = slurp(path, &len);
		assert_non_null(p);
		opts o = {',', 0, 0, 0, 0};
		char *got = dump_all_agree(p, len, &o);
		/* these clean exports flag nothing, but some lack a final line end */
		for (char *l = got; *l; l = strchr(l, '\n') + 1) {
			long long line, off;
			unsigned fl;
			assert_int_equal(sscanf(l, "%lld %lld %u", &line, &off, &fl), 3);
			if (fl == BH_ROW_NOEOL && !strchr(strchr(l, '\n') + 1, '\n'))
				fl = 0;
			assert_int_equal(fl, 0);
		}
		char *exp = rfc4180(p, len);
		strip_prefix(got);
		assert_string_equal(got, exp);
		fprintf(stderr, "  %s: %zu bytes agree\n", de->d_name, len);
		files++;
		free(got);
		free(exp);
		free(p);
	}
	closedir(dp);
	assert_true(files > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_embedded_newlines),
		cmocka_unit_test(test_doubled_quotes),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_missing_final_newline),
		cmocka_unit_test(test_bad_quote),
		cmocka_unit_test(test_unterminated_quote),
		cmocka_unit_test(test_nul_bytes),
		cmocka_unit_test(test_empty_lines),
		cmocka_unit_test(test_pipe_noquote),
		cmocka_unit_test(test_quote_inside_unquoted_cell),
		cmocka_unit_test(test_cr_without_lf),
		cmocka_unit_test(test_delimiter_inside_quotes),
		cmocka_unit_test(test_bigger_than_buffer),
		cmocka_unit_test(test_toolong_resync),
		cmocka_unit_test(test_max_cells),
		cmocka_unit_test(test_engine_env),
		cmocka_unit_test(test_random_agree),
		cmocka_unit_test(test_usaspending_differential),
	};
	for (size_t e = 0; e < NELEM(engines); e++)
		fprintf(stderr, "engine %s: %s\n", bh_csv_engine_name(engines[e]),
			bh_csv_engine_supported(engines[e]) ? "tested" : "not supported by this CPU");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
