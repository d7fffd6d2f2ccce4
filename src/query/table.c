/* A query result printed as a section: readable lines or a JSON array of
 * objects, from one SQL statement and a list of typed columns. The answers
 * (show, who, ...) are mostly lists of such sections. */
#include "query/queryInt.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static void json_cell(FILE *out, sqlite3_stmt *q, int i, char type)
{
	if (sqlite3_column_type(q, i) == SQLITE_NULL) {
		fputs("null", out);
		return;
	}
	switch (type) {
	case '$': bh_json_money(out, sqlite3_column_int64(q, i)); break;
	case 'i':
	case 'I': fprintf(out, "%lld", sqlite3_column_int64(q, i)); break;
	default: bh_json_str(out, bh_col_text(q, i)); break;
	}
}

int bh_query_section(bh_store *s, FILE *out, int json, int *first_section, const char *title,
		     const char *key, const bh_col *cols, const char *sql, const int64_t *binds, int nbinds)
{
	sqlite3_stmt *q = NULL;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = bh_store_cached(&q, s, sql), k = 0, ncols = 0;
	char m[48];
	if (rc < 0)
		return rc;
	while (cols[ncols].name)
		ncols++;
	for (int i = 0; i < nbinds; i++)
		sqlite3_bind_int64(q, i + 1, binds[i]);
	if (json) {
		fprintf(out, "%s\"%s\":[", *first_section ? "" : ",\n", key);
		*first_section = 0;
	}
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (json) {
			fprintf(out, "%s{", k ? ",\n " : "\n ");
			for (int i = 0; i < ncols; i++) {
				fprintf(out, "%s\"%s\":", i ? "," : "", cols[i].name);
				json_cell(out, q, i, cols[i].type);
			}
			fputc('}', out);
		} else {
			if (!k)
				fprintf(out, "\n%s\n", title);
			fputs("  ", out);
			for (int i = 0; i < ncols; i++) {
				if (cols[i].type == '-' || cols[i].type == 'I')
					continue; /* JSON only */
				if (sqlite3_column_type(q, i) == SQLITE_NULL && cols[i].type != 't')
					continue;
				const char *sep = i == 0 ? "" : cols[i].sep ? cols[i].sep : "  ";
				if (cols[i].type == '$')
					fprintf(out, "%s%s", sep, bh_fmt_money(m, sizeof m, sqlite3_column_int64(q, i)));
				else if (cols[i].type == 'i')
					fprintf(out, "%s%lld%s", sep, sqlite3_column_int64(q, i),
						cols[i].unit ? cols[i].unit : "");
				else if (sqlite3_column_type(q, i) != SQLITE_NULL && *bh_col_text(q, i))
					/* an empty text, like a NULL, with no separator
					 * ("WHITE PLAINS", not "WHITE PLAINS, ") */
					fprintf(out, "%s%s", sep, bh_col_text(q, i));
			}
			fputc('\n', out);
		}
		k++;
	}
	bh_store_release(s, q);
	bh_query_trace(s, title, sql, &t0);
	if (rc != SQLITE_DONE)
		return bh_store_fail(s, title);
	if (json)
		fputs("]", out);
	return k;
}

void bh_query_trace(bh_store *s, const char *what, const char *sql, const struct timespec *t0)
{
	const char *how = getenv("BEHIND_TIMING");
	struct timespec t1;
	sqlite3_stmt *q = NULL;
	char *eqp;

	if (!how)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fprintf(stderr, "timing: %-40.40s %.6f s\n", what,
		(double)(t1.tv_sec - t0->tv_sec) + (t1.tv_nsec - t0->tv_nsec) / 1e9);
	if (strcmp(how, "plan") != 0 || !(eqp = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", sql)))
		return;
	/* rows are (id, parent, detail): indent each under its parent */
	int depth[512] = {0};
	if (sqlite3_prepare_v2(s->db, eqp, -1, &q, NULL) == SQLITE_OK)
		while (sqlite3_step(q) == SQLITE_ROW) {
			int id = sqlite3_column_int(q, 0) & 511, up = sqlite3_column_int(q, 1) & 511;
			depth[id] = up ? depth[up] + 1 : 1;
			fprintf(stderr, "  plan: %*s%s\n", 2 * (depth[id] % 20), "", bh_col_text(q, 3));
		}
	sqlite3_finalize(q);
	sqlite3_free(eqp);
}

void bh_query_timing(const char *what)
{
	static struct timespec last, last_cpu;
	struct timespec t, c;
	if (!getenv("BEHIND_TIMING"))
		return;
	clock_gettime(CLOCK_MONOTONIC, &t);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c);
	/* CPU beside wall: on a shared machine the wall time is mostly waiting */
	if (last.tv_sec)
		fprintf(stderr, "timing: %-40.40s %.3f s (cpu %.3f s)\n", what,
			(double)(t.tv_sec - last.tv_sec) + (t.tv_nsec - last.tv_nsec) / 1e9,
			(double)(c.tv_sec - last_cpu.tv_sec) + (c.tv_nsec - last_cpu.tv_nsec) / 1e9);
	last = t;
	last_cpu = c;
}
