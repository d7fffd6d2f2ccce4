/* Micro-benchmark of the answers behind the server's busiest routes: each
 * request ("show ID", "search TEXT", "who AGENCY") runs against one
 * read-only store handle, as a server thread would, several times; the
 * first run is reported apart (cold statement and page caches) and the
 * median of the rest is the warm cost. Time is the thread's CPU time (the
 * machine is shared) and wall time. JSON output goes to a memory buffer, as
 * in the server, and each request is one read transaction, as there.
 *
 *   build/bench/query_bench STORE [--reps N] [--trace] [--file LIST] [REQUEST]...
 *
 * LIST holds one request per line. Prints one Markdown row per request;
 * --trace also prints each SQL statement's time (SQLite's profile hook) to
 * stderr, to see where a request's time goes.
 */
#include "query/query.h"
#include "util/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double clock_s(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* SQLITE_TRACE_PROFILE: x is the statement's run time in nanoseconds. */
static int trace(unsigned type, void *payload, void *stmt, void *x)
{
	(void)type;
	(void)payload;
	char *sql = sqlite3_expanded_sql(stmt);
	fprintf(stderr, "trace: %8.3f ms %8d steps  %.*s\n", (double)*(sqlite3_int64 *)x / 1e6,
		sqlite3_stmt_status(stmt, SQLITE_STMTSTATUS_VM_STEP, 1), getenv("TRACE_FULL") ? 100000 : 110, sql ? sql : "?");
	sqlite3_free(sql);
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* One request; returns 0 or a negative code, *bytes the answer's size. */
static int run(bh_store *s, const char *req, size_t *bytes)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	int64_t rid;
	int rc;

	if (!out)
		return BH_ENOMEM;
	/* one read transaction, as the server's */
	sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL);
	if (!strncmp(req, "show ", 5))
		rc = bh_query_find(&rid, s, req + 5, NULL) < 0 ? -1 : bh_query_show(s, rid, 1, out);
	else if (!strncmp(req, "search ", 7))
		rc = bh_query_search(s, req + 7, 10, 1, out);
	else if (!strncmp(req, "who ", 4))
		rc = bh_query_find(&rid, s, req + 4, "public_body") < 0
			     ? -1
			     : bh_query_who(s, rid, 0, 0, 1, out);
	else
		rc = bh_error_set(BH_EUSAGE, "unknown request '%s' (show, search, who)", req);
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	fclose(out);
	*bytes = len;
	free(buf);
	return rc < 0 ? rc : 0;
}

static int bench(bh_store *s, const char *req, int reps)
{
	double cpu[64], wall[64], c0, w0, first_wall = 0;
	size_t bytes = 0;

	if (reps > 64)
		reps = 64;
	for (int i = 0; i <= reps; i++) {
		c0 = clock_s(CLOCK_THREAD_CPUTIME_ID);
		w0 = clock_s(CLOCK_MONOTONIC);
		if (run(s, req, &bytes) < 0) {
			fprintf(stderr, "query_bench: %s: %s\n", req, bh_error_last());
			return -1;
		}
		if (i == 0) {
			first_wall = clock_s(CLOCK_MONOTONIC) - w0;
			continue;
		}
		cpu[i - 1] = clock_s(CLOCK_THREAD_CPUTIME_ID) - c0;
		wall[i - 1] = clock_s(CLOCK_MONOTONIC) - w0;
	}
	qsort(cpu, (size_t)reps, sizeof *cpu, cmp_double);
	qsort(wall, (size_t)reps, sizeof *wall, cmp_double);
	printf("| %s | %.2f | %.2f | %.2f | %.2f | %zu |\n", req, first_wall * 1e3,
	       cpu[reps / 2] * 1e3, wall[reps / 2] * 1e3, cpu[reps - 1] * 1e3, bytes);
	return 0;
}

int main(int argc, char **argv)
{
	bh_store *s = NULL;
	int reps = 9, rc = 0;
	const char *list = NULL;

	if (argc < 2) {
		fprintf(stderr, "usage: query_bench STORE [--reps N] [--trace] [--file LIST] [REQUEST]...\n");
		return 2;
	}
	if (bh_store_open(&s, argv[1], BH_STORE_RO) < 0) {
		fprintf(stderr, "query_bench: %s\n", bh_error_last());
		return 2;
	}
	printf("| request | first ms (wall) | median ms (cpu) | median ms (wall) | max ms (cpu) | "
	       "bytes |\n|---|---:|---:|---:|---:|---:|\n");
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--reps") && i + 1 < argc) {
			reps = atoi(argv[++i]);
			if (reps < 1)
				reps = 1;
		} else if (!strcmp(argv[i], "--trace")) {
			sqlite3_trace_v2(s->db, SQLITE_TRACE_PROFILE, trace, NULL);
		} else if (!strcmp(argv[i], "--file") && i + 1 < argc) {
			list = argv[++i];
			FILE *f = fopen(list, "r");
			char line[1024];
			if (!f) {
				perror(list);
				rc = 2;
				break;
			}
			while (fgets(line, sizeof line, f)) {
				line[strcspn(line, "\r\n")] = '\0';
				if (line[0] && bench(s, line, reps) < 0)
					rc = 1;
			}
			fclose(f);
		} else if (bench(s, argv[i], reps) < 0) {
			rc = 1;
		}
	}
	bh_store_close(s);
	return rc;
}
