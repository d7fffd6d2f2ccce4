/* Ingest: files, folders and archives into the store.
 *
 * bh_ingest_paths() walks each path (folders recursively, in name order;
 * archives member by member), detects each input's kind from its content,
 * and loads it as one transaction: an input lands whole (with its rejected
 * rows reported) or not at all. The same content again is skipped; changed
 * content at a known path replaces what that path contributed.
 *
 * The caller owns `opts` and `report`; bh_ingest_report_free() releases the
 * report's strings. */
#ifndef BH_INGEST_H
#define BH_INGEST_H

#include "store/store.h"

#include <stdint.h>
#include <stdio.h>

typedef struct {
	int progress;        /* draw a progress line on `log` (a terminal) */
	int quiet;           /* no per-file lines */
	FILE *log;           /* where messages go (stderr if NULL) */
	const char *force_kind; /* skip detection (for formats without a header) */
	int max_examples;    /* rejected rows shown per file (default 5) */
	const char *mapping; /* a mapping file (docs/mappings.md): every PATH is read through it */
} bh_ingest_opts;

typedef struct {
	int files_seen;
	int files_loaded;    /* landed (possibly with rejects) */
	int files_skipped;   /* already ingested */
	int files_replaced;  /* changed content at a known path */
	int files_failed;    /* refused whole: unknown kind, unreadable, ... */
	int64_t rows;        /* records landed */
	int64_t rejected;    /* records refused */
	int64_t repaired;    /* records with bytes decoded as Latin-1 */
	int64_t warnings;    /* column-level notes (ambiguous dates, ...) */
	int64_t bytes;
	double seconds;
} bh_ingest_report;

/* Exit status for the CLI: 0 all landed, 1 partial (rows rejected or some
 * files failed while others landed), 2 nothing could be done. */
int bh_ingest_exit_status(const bh_ingest_report *r);

int bh_ingest_paths(bh_ingest_report *out, bh_store *s, const char *const *paths, int npaths,
		    const bh_ingest_opts *opts);

/* The known kinds, for --help: name and one-line description, NULL-ended. */
typedef struct {
	const char *name;
	const char *title;
} bh_kind_info;
const bh_kind_info *bh_ingest_kinds(void);

#endif
