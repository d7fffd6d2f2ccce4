/* Internals shared by the readers of each input format and the ingest
 * driver (ingest.c). A reader is a bh_format: it says how sure it is that
 * an input is its kind (from the input's first block, never its name), and
 * it streams the input into the store through a bh_ing context that dedups
 * entities, statements and links in memory and records rejects.
 *
 * To add a format: write src/ingest/fmt_<name>.c defining a bh_format and
 * add it to the table in formats.c. */
#ifndef BH_INGESTINT_H
#define BH_INGESTINT_H

#include "ingest/csv.h"
#include "ingest/ingest.h"
#include "ingest/input.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/map.h"

#include <stdint.h>

typedef struct bh_ing bh_ing;

/* The last statement said of an (entity, prop), see bh_ing_statement. */
typedef struct {
	int64_t entity;
	const char *prop;
	size_t index; /* into the pending statements */
	uint64_t gen; /* valid while equal to bh_ing.stmt_gen */
} stmt_cache;
#define STMT_CACHE 256

/* A statement waiting for its probe of the dedup map (ing.c probes them in
 * batches of STMT_BATCH); its key is at `off` in bh_ing.swait_keys. */
typedef struct {
	int64_t entity, line;
	const char *prop;
	uint64_t hash;
	size_t off, len, plen;
} stmt_wait;
#define STMT_BATCH 64

typedef struct {
	const char *name;  /* e.g. "usaspending-transactions"; stored in source.kind */
	const char *title; /* one line for --help */
	/* 0: not this kind; higher: more sure (100: certain). `head` is the
	 * first block of the input, `len` its length. */
	int (*detect)(const char *head, size_t len);
	/* Streams ing->in into the store. Returns 0 (rows may have been
	 * rejected: see bh_ing_reject) or negative to refuse the whole input. */
	int (*run)(bh_ing *ing);
} bh_format;

extern const bh_format *const bh_formats[];

/* The ingest of one input: what a reader may use. */
struct bh_ing {
	bh_store *store;
	bh_input *in;
	const bh_format *fmt;
	const bh_ingest_opts *opts;
	FILE *log;
	int64_t source_id;
	int64_t rows, rejected, repaired, warnings;
	/* dedup state, see ingest.c */
	bh_map entities;   /* id -> rid */
	bh_map stmts;      /* rid \0 prop \0 value -> index into stmt array */
	stmt_cache stmt_cache[STMT_CACHE];
	uint64_t stmt_gen; /* starts at 1: a zeroed cache entry is never valid */
	stmt_wait swait[STMT_BATCH];
	int nswait;
	bh_buf swait_keys;
	void *stmt_arr;
	size_t nstmt, stmt_cap;
	bh_map links;      /* kind \0 src \0 dst -> index into link array */
	void *link_arr;
	size_t nlink, link_cap;
	bh_buf scratch;    /* Latin-1 repairs of the current row */
	sqlite3_stmt *q_ent_get, *q_ent_put, *q_stmt, *q_link, *q_reject;
	double t0, last_progress;
	/* the writer thread (writer.c), when the format started one */
	struct bh_writer *writer;
	int64_t next_rid;      /* provisional entity rowids */
	bh_map remap;          /* provisional rowid -> stored rowid (writer.c) */
	sqlite3_stmt *op_stmt; /* op being bound, without a writer */
	int op_k;
	int op_rc;             /* first failure of the op being built */
	size_t op_start;
	struct bh_mapping *mapping; /* --mapping, loaded by the driver (fmt_mapping.c) */
};

/* ---- entities, statements, links ---------------------------------- */

/* Finds or creates the entity with deterministic `id` (e.g. "uei:ABC"),
 * of `kind`, named `name` when created; *rid is its rowid. */
int bh_ing_entity(int64_t *rid, bh_ing *g, const char *id, const char *kind, const char *name,
		  size_t name_len);

/* Records that the current input, at `line`, says entity.prop = value.
 * Repeats are counted, not stored again. Empty values are ignored. */
int bh_ing_statement(bh_ing *g, int64_t entity, const char *prop, const char *value,
		     size_t value_len, int64_t line);

/* Records one record's worth of a link; aggregated per (kind, src, dst):
 * first/last date (ISO or NULL), amount summed (has_amount 0: none), count,
 * first line. Self-links are ignored. */
int bh_ing_link(bh_ing *g, const char *kind, int64_t src, int64_t dst, const char *date,
		int64_t amount, int has_amount, int64_t line);

/* Reports a refused record: counted, stored in `reject`, the first few
 * printed. `excerpt` may be NULL. Returns 0 (the ingest goes on). */
int bh_ing_reject(bh_ing *g, int64_t line, const char *excerpt, size_t excerpt_len,
		  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* A note about the input that is not one record's fault (an ambiguous date
 * column, a repaired encoding): printed and stored with action 'warning'. */
int bh_ing_warn(bh_ing *g, int64_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Called by readers every so often (cheap): draws progress when enabled. */
void bh_ing_progress(bh_ing *g);

/* ---- delimited inputs --------------------------------------------- */

/* Makes every cell of `row` valid UTF-8: bytes that are not are decoded as
 * Latin-1 (cells are repointed into g->scratch). Returns 1 if anything was
 * repaired (counted once per row), 0 if the row was clean. */
int bh_ing_utf8_row(bh_ing *g, bh_row *row);

/* The shared gate of delimited rows: rejects (with the reason) a row with
 * broken quoting, NUL bytes, a cap hit, or a field count other than
 * `expected` (0: any), and repairs invalid UTF-8. Returns 1 if rejected. */
int bh_ing_csv_gate(bh_ing *g, bh_row *row, size_t expected);

/* Cell i of a row without surrounding blanks and tabs; an empty cell when
 * i is negative (a column the file lacks) or past the row's end. */
static inline bh_cell bh_row_cell(const bh_row *r, int i)
{
	bh_cell v = {"", 0};
	if (i < 0 || (size_t)i >= r->ncells)
		return v;
	v = r->cells[i];
	while (v.n && (*v.p == ' ' || *v.p == '\t'))
		v.p++, v.n--;
	while (v.n && (v.p[v.n - 1] == ' ' || v.p[v.n - 1] == '\t'))
		v.n--;
	return v;
}

/* 1 for an empty line (no data: skipped, not rejected). */
int bh_row_blank(const bh_row *row);

/* Index of the header cell named `name` (exact), or -1. */
int bh_header_index(const bh_row *header, const char *name);

/* Splits the first line of `head` on `delim` (honouring quotes) and counts
 * how many of `names` appear among its cells. Used by detect(). */
int bh_head_has_columns(const char *head, size_t len, char delim, const char *const *names,
			int *ncells);

/* ---- ops: statement executions, on a writer thread if started --------
 *
 * A format that calls bh_ing_start_writer() at the start of run() must do
 * every write through ops (bh_ing_op_*) and the bh_ing_* helpers above,
 * never through the connection directly, until bh_ing_sync(). The values of
 * an op are bound to ?1..?n in the order given; text is copied. Rowids of
 * entities from bh_ing_entity() must be passed with is_rid = 1. A failure
 * while building an op is kept and returned by bh_ing_op_end(), so the
 * values may be added without checking each call. */
int bh_ing_start_writer(bh_ing *g);
int bh_ing_sync(bh_ing *g);        /* waits until every queued op ran */
/* Writes the pending statements and links (through the writer, while it
 * runs: the last of them overlap with the reader's encoding), then syncs. */
int bh_ing_flush(bh_ing *g);
int bh_ing_stop_writer(bh_ing *g); /* sync, then end the thread */
int bh_ing_op_begin(bh_ing *g, sqlite3_stmt *q, int nvals);
int bh_ing_op_int(bh_ing *g, int64_t v, int is_rid);
int bh_ing_op_null(bh_ing *g);
int bh_ing_op_text(bh_ing *g, const char *p, size_t n); /* NULL or empty: NULL */
int bh_ing_op_end(bh_ing *g, const char *what);
/* The stored rowid of an entity rowid handed out while the writer ran;
 * valid after bh_ing_sync(). */
int64_t bh_ing_stored_rid(bh_ing *g, int64_t rid);

/* ---- lifecycle, for the driver (ingest.c) -------------------------- */
int bh_ing_init(bh_ing *g, bh_store *s, bh_input *in, const bh_ingest_opts *opts);
int bh_ing_finish(bh_ing *g); /* flushes pending statements and links */
void bh_ing_cleanup(bh_ing *g);

#endif
