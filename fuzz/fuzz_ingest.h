/* The body shared by the format harnesses (fuzz_usaspending.c, fuzz_fec.c,
 * fuzz_lda.c, fuzz_personnel.c): each input is written to the same
 * temporary path and run through the real bh_ingest_paths() into one
 * store kept open for the whole run, so kind detection, the reader, the
 * writer thread and the "changed content at a known path replaces it"
 * path all run as in `behind ingest`. Reusing the path keeps the store at
 * one input's size. After each input the store must still hold exactly one
 * source or none, and the report's counts must add up.
 *
 * The including file defines FUZZ_SUFFIX (the temporary file's name end)
 * and optionally FUZZ_KINDS, a NULL-ended list of kinds: when given, the
 * first input byte picks one to force (--kind), so a format's reader is
 * reached even when mutations break its detection. */
#ifndef BH_FUZZ_INGEST_H
#define BH_FUZZ_INGEST_H

#include "fuzz.h"
#include "ingest/ingest.h"
#include "store/store.h"
#include "util/err.h"

#include <sqlite3.h>

static bh_store *fuzz_store;
static FILE *fuzz_log;

static int64_t count_sources(void)
{
	sqlite3_stmt *q = NULL;
	int64_t n = -1;
	if (sqlite3_prepare_v2(fuzz_store->db, "SELECT count(*) FROM source", -1, &q,
			       NULL) == SQLITE_OK &&
	    sqlite3_step(q) == SQLITE_ROW)
		n = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return n;
}

static char dbpath[512];

/* At exit: the store closed and its files removed, so runs leave nothing
 * behind in the temporary folder. */
static void fuzz_store_done(void)
{
	char p[600];
	bh_store_close(fuzz_store);
	fuzz_store = NULL;
	if (fuzz_log)
		fclose(fuzz_log);
	fuzz_log = NULL;
	unlink(dbpath);
	snprintf(p, sizeof p, "%s-wal", dbpath);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", dbpath);
	unlink(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[512];
	bh_ingest_opts opts = {0};
	bh_ingest_report rep;

	if (!fuzz_store) {
		fuzz_tmp_path(dbpath, sizeof dbpath, ".db");
		unlink(dbpath);
		if (bh_store_open(&fuzz_store, dbpath, BH_STORE_RW) < 0)
			abort();
		fuzz_log = fopen("/dev/null", "w");
		atexit(fuzz_store_done);
	}
#ifdef FUZZ_KINDS
	static const char *const kinds[] = {FUZZ_KINDS};
	size_t nk = sizeof kinds / sizeof kinds[0] - 1;
	if (size < 1)
		return 0;
	opts.force_kind = data[0] < nk ? kinds[data[0]] : NULL;
	data++;
	size--;
#endif
	fuzz_tmp_path(path, sizeof path, FUZZ_SUFFIX);
	fuzz_write(path, data, size);
	opts.quiet = 1;
	opts.log = fuzz_log;
	const char *paths[] = {path};
	memset(&rep, 0, sizeof rep);
	(void)bh_ingest_paths(&rep, fuzz_store, paths, 1, &opts);
	if (rep.files_loaded + rep.files_skipped + rep.files_failed > rep.files_seen)
		abort();
	int64_t n = count_sources();
	if (n < 0 || n > 1)
		abort(); /* the same path must replace its old version */
	unlink(path);
	return 0;
}

#endif
