/* `behind sources` and `behind rejects`: what the store holds, file by
 * file, and the rows it refused. */
#include "cli/cli.h"
#include "cli/commands.h"
#include "store/store.h"
#include "util/err.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

const char bh_usage_sources[] =
	"usage: behind sources [--db PATH] [--json]\n"
	"\n"
	"Lists every ingested file: kind, rows landed, rows rejected, rows repaired\n"
	"(bytes decoded as Latin-1), SHA-256, size and when it was ingested.\n";

const char bh_usage_rejects[] =
	"usage: behind rejects [--db PATH] [--json] [--limit N] [PATH]\n"
	"\n"
	"Lists the rows ingest refused or repaired, and column-level warnings, with\n"
	"file, line, reason and an excerpt; only those of PATH (as shown by `behind\n"
	"sources`, or a suffix of it) when given. Default limit 100 (0: all).\n";

static int parse(int argc, char **argv, int *json, long *limit, const char *usage)
{
	static const struct option lo[] = {
		BH_COMMON_LONGOPTS,
		{"limit", required_argument, NULL, 'n'},
		{NULL, 0, NULL, 0},
	};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "n:", lo, NULL)) != -1) {
		switch (c) {
		case BH_OPT_DB: bh_cli_set_db(optarg); break;
		case BH_OPT_JSON: *json = 1; break;
		case BH_OPT_HELP: fputs(usage, stdout); return 0;
		case 'n': *limit = strtol(optarg, NULL, 10); break;
		default: fputs(usage, stderr); return 2;
		}
	}
	return -1;
}

int bh_cmd_sources(int argc, char **argv)
{
	int json = 0, rc, first = 1;
	long limit = 0;
	bh_store *s = NULL;
	sqlite3_stmt *q = NULL;

	if ((rc = parse(argc, argv, &json, &limit, bh_usage_sources)) >= 0)
		return rc;
	if (bh_store_open(&s, bh_cli_db(), BH_STORE_RO) < 0)
		return bh_cli_fail("sources");
	if (bh_store_prepare(&q, s, "SELECT path, kind, rows, rejected, repaired, sha256, size,"
				    " ingested_at FROM source ORDER BY path") < 0) {
		bh_store_close(s);
		return bh_cli_fail("sources");
	}
	if (json)
		fputs("[", stdout);
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *path = (const char *)sqlite3_column_text(q, 0);
		const char *kind = (const char *)sqlite3_column_text(q, 1);
		if (json) {
			printf("%s\n{\"path\":", first ? "" : ",");
			bh_json_str(stdout, path);
			printf(",\"kind\":");
			bh_json_str(stdout, kind);
			printf(",\"rows\":%lld,\"rejected\":%lld,\"repaired\":%lld,\"sha256\":\"%s\","
			       "\"size\":%lld,\"ingested_at\":\"%s\"}",
			       sqlite3_column_int64(q, 2), sqlite3_column_int64(q, 3),
			       sqlite3_column_int64(q, 4), sqlite3_column_text(q, 5),
			       sqlite3_column_int64(q, 6), sqlite3_column_text(q, 7));
		} else {
			printf("%s\n  %s: %lld rows, %lld rejected, %lld repaired; %lld bytes, sha256 %.16s..., %s\n",
			       path, kind, sqlite3_column_int64(q, 2), sqlite3_column_int64(q, 3),
			       sqlite3_column_int64(q, 4), sqlite3_column_int64(q, 6),
			       sqlite3_column_text(q, 5), sqlite3_column_text(q, 7));
		}
		first = 0;
	}
	if (json)
		puts("\n]");
	sqlite3_finalize(q);
	bh_store_close(s);
	return 0;
}

int bh_cmd_rejects(int argc, char **argv)
{
	int json = 0, rc, first = 1;
	long limit = 100;
	bh_store *s = NULL;
	sqlite3_stmt *q = NULL;

	if ((rc = parse(argc, argv, &json, &limit, bh_usage_rejects)) >= 0)
		return rc;
	const char *path = optind < argc ? argv[optind] : NULL;
	if (bh_store_open(&s, bh_cli_db(), BH_STORE_RO) < 0)
		return bh_cli_fail("rejects");
	if (bh_store_prepare(&q, s,
			     "SELECT s.path, r.line, r.action, r.reason, r.excerpt FROM reject r"
			     " JOIN source s ON s.id = r.source_id"
			     " WHERE ?1 IS NULL OR s.path = ?1 OR s.path LIKE '%' || ?1"
			     " ORDER BY s.path, r.line LIMIT ?2") < 0) {
		bh_store_close(s);
		return bh_cli_fail("rejects");
	}
	if (path)
		sqlite3_bind_text(q, 1, path, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, limit > 0 ? limit : -1);
	if (json)
		fputs("[", stdout);
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *p = (const char *)sqlite3_column_text(q, 0);
		const char *action = (const char *)sqlite3_column_text(q, 2);
		const char *reason = (const char *)sqlite3_column_text(q, 3);
		const char *ex = (const char *)sqlite3_column_text(q, 4);
		if (json) {
			printf("%s\n{\"path\":", first ? "" : ",");
			bh_json_str(stdout, p);
			if (sqlite3_column_type(q, 1) == SQLITE_NULL)
				printf(",\"line\":null,\"action\":");
			else
				printf(",\"line\":%lld,\"action\":", sqlite3_column_int64(q, 1));
			bh_json_str(stdout, action);
			printf(",\"reason\":");
			bh_json_str(stdout, reason);
			printf(",\"excerpt\":");
			bh_json_str(stdout, ex);
			printf("}");
		} else {
			if (sqlite3_column_type(q, 1) == SQLITE_NULL)
				printf("%s: %s: %s\n", p, action, reason);
			else
				printf("%s:%lld: %s: %s\n", p, sqlite3_column_int64(q, 1), action, reason);
			if (ex && *ex)
				printf("    %s\n", ex);
		}
		first = 0;
	}
	if (json)
		puts("\n]");
	sqlite3_finalize(q);
	bh_store_close(s);
	return 0;
}
