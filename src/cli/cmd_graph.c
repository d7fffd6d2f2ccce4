/* `behind path`, `behind export`, `behind cite`: the graph answers, thin
 * callers of src/query/graph.h. */
#include "cli/cli.h"
#include "cli/commands.h"
#include "query/graph.h"
#include "query/query.h"
#include "util/err.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

const char bh_usage_path[] =
	"usage: behind path [--db PATH] [--json] [--max-hops N] [--limit K] A B\n"
	"\n"
	"The shortest chains of links between two entities (a company and a member of\n"
	"Congress, an official and a vendor), and the alternatives one hop longer, ranked:\n"
	"fewer hops first, then the chain whose thinnest hop rests on more link rows.\n"
	"A and B are ids as `behind search` prints them (uei:..., fec:C00498691,\n"
	"subagency:7012), bare UEIs, DUNS or agency codes, or names (quote them).\n"
	"Entities are answered through their resolved clusters.\n"
	"\n"
	"Each hop lists every link between its two ends: kind, direction (--kind->\n"
	"along the path, <-kind-- against it), dates, amount, records, the source\n"
	"file and first line, and the official page of that record (usaspending.gov\n"
	"award, FEC filing image, Senate LDA filing) where there is one. Each link's\n"
	"`link:RID` is a figure id for `behind cite`.\n"
	"\n"
	"--max-hops N  longest chain searched, 1 to 8 (default 4)\n"
	"--limit K     chains shown (default 5)\n";

const char bh_usage_export[] =
	"usage: behind export [--db PATH] --format gexf|graphml|ftm|csv [--around ID --depth N]\n"
	"                     [--out PATH]\n"
	"\n"
	"Writes the graph: nodes are resolved entities (clusters, named by their\n"
	"canonical entity), edges are links with kind, dates, amount, record count,\n"
	"source file and line, and the official URL of their first record.\n"
	"\n"
	"  gexf     GEXF 1.2 (opens in Gephi)\n"
	"  graphml  GraphML (Gephi, yEd, networkx, igraph)\n"
	"  ftm      FollowTheMoney entities as JSON lines (Aleph, OpenSanctions tools)\n"
	"  csv      nodes and edges tables; with --out DIR, DIR/nodes.csv and DIR/edges.csv,\n"
	"           else both to stdout, nodes first; cells that a spreadsheet would run\n"
	"           as a formula get a leading apostrophe\n"
	"\n"
	"--around ID --depth N  only the entities within N hops of ID (default depth 1)\n"
	"--out PATH             write there instead of stdout\n"
	"See docs/export.md.\n";

const char bh_usage_cite[] =
	"usage: behind cite [--db PATH] [--out DIR] FIGURE-ID\n"
	"\n"
	"Writes an evidence pack for one figure, so that a reporter or an editor can\n"
	"check it without this tool: DIR/figure.json (the figure and how it is counted),\n"
	"DIR/query.sql (the query that produced it, runnable with sqlite3 on the store),\n"
	"DIR/records.csv (every contributing record with its source file and line) and\n"
	"DIR/urls.txt (the official pages). DIR defaults to evidence-<FIGURE-ID>.\n"
	"\n"
	"Figure ids (docs/cite.md):\n"
	"  link:RID                       one link (as `behind path` lists them)\n"
	"  award:AWARD_KEY                one contract award's obligations\n"
	"  top:AGENCY:FY1-FY2:ENTITY-ID   a company's rolled-up total at an agency, as\n"
	"                                 `behind top` counts it (e.g. top:7012:2013-2018:duns:612706465)\n";

static int open_store(bh_store **s, const char *cmd)
{
	if (bh_store_open(s, bh_cli_db(), BH_STORE_RO) < 0)
		return bh_cli_fail(cmd);
	return 0;
}

static int to_int(const char *v, int lo, int hi, const char *what, int *out)
{
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (errno || *end || end == v || n < lo || n > hi) {
		fprintf(stderr, "behind: %s must be a number from %d to %d, not '%s'\n", what, lo, hi, v);
		return -1;
	}
	*out = (int)n;
	return 0;
}

int bh_cmd_path(int argc, char **argv)
{
	static const struct option lo[] = {
		BH_COMMON_LONGOPTS,
		{"max-hops", required_argument, NULL, 'm'},
		{"limit", required_argument, NULL, 'n'},
		{NULL, 0, NULL, 0},
	};
	int json = 0, hops = BH_PATH_DEFAULT_HOPS, limit = 5, c, rc;
	bh_store *s = NULL;
	int64_t a, b;
	optind = 1;
	while ((c = getopt_long(argc, argv, "m:n:", lo, NULL)) != -1) {
		switch (c) {
		case BH_OPT_DB: bh_cli_set_db(optarg); break;
		case BH_OPT_JSON: json = 1; break;
		case BH_OPT_HELP: fputs(bh_usage_path, stdout); return 0;
		case 'm':
			if (to_int(optarg, 1, BH_PATH_MAX_HOPS, "--max-hops", &hops) < 0)
				return 2;
			break;
		case 'n':
			if (to_int(optarg, 1, 1000, "--limit", &limit) < 0)
				return 2;
			break;
		default: fputs(bh_usage_path, stderr); return 2;
		}
	}
	if (argc - optind != 2) {
		fputs(bh_usage_path, stderr);
		return 2;
	}
	if (open_store(&s, "path") != 0)
		return 2;
	rc = bh_query_find(&a, s, argv[optind], NULL);
	if (rc >= 0)
		rc = bh_query_find(&b, s, argv[optind + 1], NULL);
	if (rc >= 0)
		rc = bh_graph_path_print(s, a, b, hops, limit, json, stdout);
	bh_store_close(s);
	return rc < 0 ? bh_cli_fail("path") : 0;
}

/* Opens `dir`/`name` for writing into *f. */
static int open_in(FILE **f, const char *dir, const char *name)
{
	char p[4096];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	*f = fopen(p, "w");
	if (!*f)
		return bh_error_set(BH_EIO, "%s: cannot write: %s", p, strerror(errno));
	return 0;
}

static int close_file(FILE *f, const char *what, int rc)
{
	if (f && f != stdout && fclose(f) != 0 && rc >= 0)
		rc = bh_error_set(BH_EIO, "%s: write failed: %s", what, strerror(errno));
	return rc;
}

int bh_cmd_export(int argc, char **argv)
{
	static const struct option lo[] = {
		BH_COMMON_LONGOPTS,
		{"format", required_argument, NULL, 'f'},
		{"around", required_argument, NULL, 'a'},
		{"depth", required_argument, NULL, 'd'},
		{"out", required_argument, NULL, 'o'},
		{NULL, 0, NULL, 0},
	};
	int format = -1, depth = 1, c, rc;
	const char *around = NULL, *outp = NULL;
	bh_store *s = NULL;
	FILE *out = stdout, *nodes = NULL;
	int64_t rid = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:a:d:o:", lo, NULL)) != -1) {
		switch (c) {
		case BH_OPT_DB: bh_cli_set_db(optarg); break;
		case BH_OPT_JSON: break;
		case BH_OPT_HELP: fputs(bh_usage_export, stdout); return 0;
		case 'f':
			if ((format = bh_export_format(optarg)) < 0) {
				fprintf(stderr, "behind export: unknown format '%s'\n", optarg);
				return 2;
			}
			break;
		case 'a': around = optarg; break;
		case 'd':
			if (to_int(optarg, 0, BH_PATH_MAX_HOPS, "--depth", &depth) < 0)
				return 2;
			break;
		case 'o': outp = optarg; break;
		default: fputs(bh_usage_export, stderr); return 2;
		}
	}
	if (format < 0 || optind != argc) {
		fputs(bh_usage_export, stderr);
		return 2;
	}
	if (open_store(&s, "export") != 0)
		return 2;
	rc = around ? bh_query_find(&rid, s, around, NULL) : 0;
	if (rc >= 0 && outp && format == BH_EXPORT_CSV) {
		if ((rc = bh_graph_mkdir(outp)) >= 0 && (rc = open_in(&nodes, outp, "nodes.csv")) >= 0)
			rc = open_in(&out, outp, "edges.csv");
	} else if (rc >= 0 && outp) {
		out = fopen(outp, "w");
		if (!out) {
			out = stdout;
			rc = bh_error_set(BH_EIO, "%s: cannot write: %s", outp, strerror(errno));
		}
	}
	if (rc >= 0)
		rc = bh_graph_export(s, format, rid, around ? depth : 0, out, nodes);
	rc = close_file(nodes, "nodes.csv", rc);
	rc = close_file(out, outp ? outp : "stdout", rc);
	bh_store_close(s);
	if (rc >= 0 && outp)
		fprintf(stderr, "export: wrote %s\n", outp);
	return rc < 0 ? bh_cli_fail("export") : 0;
}

int bh_cmd_cite(int argc, char **argv)
{
	static const struct option lo[] = {
		BH_COMMON_LONGOPTS,
		{"out", required_argument, NULL, 'o'},
		{NULL, 0, NULL, 0},
	};
	const char *dir = NULL;
	char def[512];
	bh_store *s = NULL;
	int c, rc;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:", lo, NULL)) != -1) {
		switch (c) {
		case BH_OPT_DB: bh_cli_set_db(optarg); break;
		case BH_OPT_JSON: break;
		case BH_OPT_HELP: fputs(bh_usage_cite, stdout); return 0;
		case 'o': dir = optarg; break;
		default: fputs(bh_usage_cite, stderr); return 2;
		}
	}
	if (argc - optind != 1) {
		fputs(bh_usage_cite, stderr);
		return 2;
	}
	if (!dir) {
		/* a folder name from the id: ':' and '/' become '_' */
		snprintf(def, sizeof def, "evidence-%s", argv[optind]);
		for (char *p = def; *p; p++)
			if (*p == ':' || *p == '/' || *p == '\\')
				*p = '_';
		dir = def;
	}
	if (open_store(&s, "cite") != 0)
		return 2;
	rc = bh_graph_cite(s, argv[optind], dir);
	bh_store_close(s);
	if (rc >= 0)
		fprintf(stderr, "cite: wrote %s\n", dir);
	return rc < 0 ? bh_cli_fail("cite") : 0;
}
