/* `behind ingest PATH...`: files, folders and archives into the store. */
#include "cli/cli.h"
#include "cli/commands.h"
#include "ingest/ingest.h"
#include "store/store.h"
#include "util/err.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char bh_usage_ingest[] =
	"usage: behind ingest [--db PATH] [--kind KIND | --mapping FILE] [--quiet] [--no-progress]\n"
	"                     PATH...\n"
	"\n"
	"Loads public-record files into the store. PATH may be a file, a folder (read\n"
	"recursively, in name order) or a zip. Each file's kind is detected from its\n"
	"content (header row, field count, root element), never from its name.\n"
	"\n"
	"Each file lands whole or not at all (one transaction). The same content again is\n"
	"skipped (\"already ingested\"); changed content at a known path replaces what the\n"
	"old version contributed. Rows that cannot be read (wrong field count, broken\n"
	"quoting, bad amounts or dates) are rejected with file, line and reason: the first\n"
	"few are printed, all are listed by `behind rejects`; the rest of the file lands\n"
	"and the exit status is 1. Bytes that are not UTF-8 are decoded as Latin-1 and\n"
	"counted. A file of an unknown kind named on the command line is refused (exit 2\n"
	"when nothing else landed); in a folder or zip it is skipped with a note.\n"
	"\n"
	"Dates: ISO, mm/dd/yyyy and dd/mm/yyyy (two-digit years: 00-69 are 20xx); the\n"
	"day/month order of slash dates is inferred per column from values with a part\n"
	"above 12; a column that never shows its order is read as mm/dd and reported.\n"
	"Money is kept as integer cents.\n"
	"\n"
	"Options:\n"
	"  --kind KIND     skip detection and read every PATH as KIND\n"
	"  --mapping FILE  read every PATH (any delimited table) through the mapping FILE,\n"
	"                  which says the entities and links of each row (docs/mappings.md);\n"
	"                  it is checked whole, and its columns against each header, before\n"
	"                  any row is written; a changed mapping re-ingests the same file\n"
	"  --quiet         no per-file lines (errors are still printed)\n"
	"  --no-progress   no progress line, even on a terminal\n"
	"\n"
	"Kinds:\n"
	"%s";

static int usage_out(FILE *f)
{
	char kinds[4096];
	size_t o = 0;
	for (const bh_kind_info *k = bh_ingest_kinds(); k->name && o < sizeof kinds - 200; k++)
		o += (size_t)snprintf(kinds + o, sizeof kinds - o, "  %-26s %s\n", k->name, k->title);
	kinds[o] = '\0';
	fprintf(f, bh_usage_ingest, kinds);
	return 0;
}

int bh_cmd_ingest(int argc, char **argv)
{
	static const struct option lo[] = {
		BH_COMMON_LONGOPTS,
		{"kind", required_argument, NULL, 'k'},
		{"mapping", required_argument, NULL, 'm'},
		{"quiet", no_argument, NULL, 'q'},
		{"no-progress", no_argument, NULL, 'P'},
		{NULL, 0, NULL, 0},
	};
	bh_ingest_opts opts = {0};
	bh_ingest_report rep;
	bh_store *s = NULL;
	int c, rc, progress = 1;

	optind = 1;
	while ((c = getopt_long(argc, argv, "k:q", lo, NULL)) != -1) {
		switch (c) {
		case BH_OPT_DB: bh_cli_set_db(optarg); break;
		case BH_OPT_JSON: break;
		case BH_OPT_HELP: return usage_out(stdout);
		case 'k': opts.force_kind = optarg; break;
		case 'm': opts.mapping = optarg; break;
		case 'q': opts.quiet = 1; break;
		case 'P': progress = 0; break;
		default: usage_out(stderr); return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "behind ingest: no PATH given\n");
		usage_out(stderr);
		return 2;
	}
	if (opts.force_kind && opts.mapping) {
		fprintf(stderr, "behind ingest: --kind and --mapping exclude each other\n");
		return 2;
	}
	opts.log = stderr;
	opts.progress = progress && isatty(2) && !getenv("CI");
	if ((rc = bh_store_open(&s, bh_cli_db(), BH_STORE_RW)) < 0)
		return bh_cli_fail("ingest");
	rc = bh_ingest_paths(&rep, s, (const char *const *)argv + optind, argc - optind, &opts);
	bh_store_close(s);
	if (rc < 0)
		return bh_cli_fail("ingest");
	if (!opts.quiet || rep.files_failed)
		fprintf(stderr,
			"ingest: %d file(s) loaded, %d already ingested, %d failed; %lld rows, "
			"%lld rejected, %lld repaired; %.1f MB in %.2f s\n",
			rep.files_loaded, rep.files_skipped, rep.files_failed, (long long)rep.rows,
			(long long)rep.rejected, (long long)rep.repaired, rep.bytes / 1e6, rep.seconds);
	return bh_ingest_exit_status(&rep);
}
