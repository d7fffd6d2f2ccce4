/* `behind search`, `behind show`, `behind top`: the first answers, thin
 * callers of src/query. */
#include "cli/cli.h"
#include "cli/commands.h"
#include "query/query.h"
#include "util/err.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char bh_usage_search[] =
	"usage: behind search [--db PATH] [--json] [--limit N] TEXT\n"
	"       behind search [--db PATH] --reindex[=BROAD]\n"
	"\n"
	"Finds entities (companies, agencies, people, committees) by name and awards by\n"
	"description, ranked by relevance. Every word must match; the last may be a\n"
	"prefix (\"palan\" finds Palantir). Each hit shows the id that `behind show`\n"
	"takes, and each award its usaspending.gov page. Default limit 20 per group.\n"
	"A broad word (\"committee\", \"john\") lists the entities most records name\n"
	"first, from an index that `behind resolve` builds; until the next resolve after\n"
	"an ingest or judgment such words take longer.\n"
	"\n"
	"--reindex rebuilds that index now: the words and prefixes with more than BROAD\n"
	"(default 500) postings in the names' full-text index, each with its 200\n"
	"most-named entities.\n";

const char bh_usage_show[] =
	"usage: behind show [--db PATH] [--json] ID|NAME\n"
	"       behind show [--db PATH] [--json] --stdin\n"
	"\n"
	"Everything the store knows about one entity and every record resolved as it:\n"
	"names and identifiers (with how many records say them), parents and children,\n"
	"contract obligations by awarding agency and fiscal year (October-September),\n"
	"its largest awards with the source file and line and the usaspending.gov page,\n"
	"and subcontracts given and received; then its influence where the store has\n"
	"FEC, LDA or personnel records: PACs and whom they gave to, lobbying, covered\n"
	"lobbyists, the revolving door, and for a committee or a candidate its campaign\n"
	"money by calendar year (a committee's itemized receipts and disbursements as it\n"
	"filed them, memo entries out, each SUB_ID once; a candidate's gifts from\n"
	"committees), its counterparties, its contributions by employer, the committees\n"
	"that gave and the organization behind each (docs/sources.md).\n"
	"\n"
	"ID is an entity id as `behind search` prints it (uei:..., duns:..., subagency:7012),\n"
	"or a bare UEI, DUNS or agency code; anything else is looked up as a name.\n"
	"Money follows the rule of `behind top --help`.\n"
	"\n"
	"--stdin shows each ID|NAME of standard input (one a line) in turn, from one\n"
	"opening of the store: the answers one after the other, as one `show` each\n"
	"prints them (with --json, one JSON object after another); exit 2 at the first\n"
	"that fails.\n";

const char bh_usage_top[] =
	"usage: behind top [--db PATH] [--json] --agency NAME|CODE [--from FY] [--to FY] [--limit N]\n"
	"\n"
	"The agency's biggest contract recipients, rolled up to the parent company, with\n"
	"totals per fiscal year (FY N runs from October 1 of N-1 to September 30 of N).\n"
	"An agency includes its sub-agencies and offices: `--agency 070` is DHS, `--agency\n"
	"7012` is ICE alone. Default limit 25 (0: all).\n"
	"\n"
	"Counting rule: each contract transaction counts its federal_action_obligation in\n"
	"the fiscal year of its action date. A prime award summary counts its\n"
	"total_obligated_amount, in the fiscal year of the award's base action date, only\n"
	"when no ingested transaction belongs to the same award (contract_award_unique_key,\n"
	"or the same key built from PIID, agency and parent award for older files), and\n"
	"once even when several summary files hold it. So an award is never counted twice.\n"
	"Roll-up: a record counts for the parent company its own row names (parent UEI or\n"
	"DUNS), else for the recipient; then for the resolved cluster of that company.\n";

const char bh_usage_who[] =
	"usage: behind who [--db PATH] [--json | --html FILE] [--from FY] [--to FY] AGENCY\n"
	"\n"
	"The dossier of an agency: who is behind it. AGENCY is a name or code\n"
	"(\"Immigration and Customs Enforcement\" or 7012; 070 is all of DHS) and includes\n"
	"its sub-agencies and offices.\n"
	"\n"
	"1. Money: obligations per fiscal year; the top recipients rolled up to their\n"
	"   parent companies, with share, years and largest awards (each with its source\n"
	"   file and line and usaspending.gov page); what was bought (PSC and NAICS).\n"
	"2. Supply chain: subcontracts under the agency's prime awards; hidden vendors,\n"
	"   companies named in award descriptions that are not the recipient (found by\n"
	"   matching the names of the organizations in the store, resolved to clusters,\n"
	"   against the full-text index of descriptions; never a fixed list).\n"
	"Money follows the rule of `behind top --help`.\n"
	"\n"
	"--html FILE writes the dossier as one self-contained page (no script, no network)\n"
	"with charts (obligations by year, top recipients, money flow) and a sources\n"
	"section listing every input file with its SHA-256.\n";

typedef struct {
	int json, limit, from, to, reindex, each;
	const char *agency, *html;
} qopts;

static int parse(int argc, char **argv, qopts *o, const char *usage, int with_top)
{
	static const struct option lo[] = {
		BH_COMMON_LONGOPTS,
		{"limit", required_argument, NULL, 'n'},
		{"agency", required_argument, NULL, 'a'},
		{"from", required_argument, NULL, 'f'},
		{"to", required_argument, NULL, 't'},
		{"html", required_argument, NULL, 'H'},
		{"reindex", optional_argument, NULL, 'R'},
		{"stdin", no_argument, NULL, 'S'},
		{NULL, 0, NULL, 0},
	};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "n:a:", lo, NULL)) != -1) {
		switch (c) {
		case BH_OPT_DB: bh_cli_set_db(optarg); break;
		case BH_OPT_JSON: o->json = 1; break;
		case BH_OPT_HELP: fputs(usage, stdout); return 0;
		case 'n': o->limit = atoi(optarg); break;
		case 'H': o->html = optarg; break;
		case 'S':
			if (usage != bh_usage_show) {
				fputs(usage, stderr);
				return 2;
			}
			o->each = 1;
			break;
		case 'R':
			if (usage != bh_usage_search) {
				fputs(usage, stderr);
				return 2;
			}
			o->reindex = optarg ? atoi(optarg) : BH_SEARCH_BROAD;
			if (o->reindex < 1) {
				fputs(usage, stderr);
				return 2;
			}
			break;
		case 'a':
		case 'f':
		case 't':
			if (!with_top) {
				fputs(usage, stderr);
				return 2;
			}
			if (c == 'a')
				o->agency = optarg;
			else if (c == 'f')
				o->from = atoi(optarg);
			else
				o->to = atoi(optarg);
			break;
		default: fputs(usage, stderr); return 2;
		}
	}
	return -1;
}

/* Joins argv[optind..] with spaces (a name need not be quoted). */
static char *rest(int argc, char **argv)
{
	size_t n = 1;
	for (int i = optind; i < argc; i++)
		n += strlen(argv[i]) + 1;
	char *s = calloc(1, n);
	if (!s)
		return NULL;
	for (int i = optind; i < argc; i++) {
		if (i > optind)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

static int open_store(bh_store **s, const char *cmd)
{
	if (bh_store_open(s, bh_cli_db(), BH_STORE_RO) < 0) {
		bh_cli_fail(cmd);
		return -1;
	}
	return 0;
}

int bh_cmd_search(int argc, char **argv)
{
	qopts o = {0};
	bh_store *s = NULL;
	int rc = parse(argc, argv, &o, bh_usage_search, 0);
	if (rc >= 0)
		return rc;
	if (o.reindex) {
		if (optind < argc) {
			fputs(bh_usage_search, stderr);
			return 2;
		}
		if (bh_store_open(&s, bh_cli_db(), BH_STORE_RW) < 0)
			return bh_cli_fail("search");
		rc = bh_search_index_build(s, o.reindex, BH_SEARCH_TOP);
		bh_store_close(s);
		return rc < 0 ? bh_cli_fail("search") : 0;
	}
	char *text = rest(argc, argv);
	if (!text || !*text) {
		free(text);
		fputs(bh_usage_search, stderr);
		return 2;
	}
	if (open_store(&s, "search") < 0) {
		free(text);
		return 2;
	}
	rc = bh_query_search(s, text, o.limit, o.json, stdout);
	free(text);
	bh_store_close(s);
	return rc < 0 ? bh_cli_fail("search") : 0;
}

/* show --stdin: each line of standard input, from the one store. */
static int show_each(bh_store *s, int json)
{
	char line[1024];
	int64_t rid;
	int rc = 0;
	while (rc >= 0 && fgets(line, sizeof line, stdin)) {
		if (!strchr(line, '\n') && !feof(stdin))
			return bh_error_set(BH_EUSAGE, "show --stdin: a line of more than %zu bytes",
					    sizeof line - 2);
		line[strcspn(line, "\r\n")] = 0;
		if (!*line)
			continue;
		if ((rc = bh_query_find(&rid, s, line, NULL)) >= 0)
			rc = bh_query_show(s, rid, json, stdout);
	}
	return rc;
}

int bh_cmd_show(int argc, char **argv)
{
	qopts o = {0};
	bh_store *s = NULL;
	int64_t rid;
	int rc = parse(argc, argv, &o, bh_usage_show, 0);
	if (rc >= 0)
		return rc;
	char *ref = rest(argc, argv);
	if (!ref || !*ref == !o.each) {
		free(ref);
		fputs(bh_usage_show, stderr);
		return 2;
	}
	if (open_store(&s, "show") < 0) {
		free(ref);
		return 2;
	}
	if (o.each) {
		rc = show_each(s, o.json);
	} else if ((rc = bh_query_find(&rid, s, ref, NULL)) >= 0) {
		rc = bh_query_show(s, rid, o.json, stdout);
	}
	free(ref);
	bh_store_close(s);
	return rc < 0 ? bh_cli_fail("show") : 0;
}

int bh_cmd_top(int argc, char **argv)
{
	qopts o = {.limit = 25};
	bh_store *s = NULL;
	int64_t rid;
	int rc = parse(argc, argv, &o, bh_usage_top, 1);
	if (rc >= 0)
		return rc;
	if (!o.agency) {
		if (optind < argc) {
			o.agency = argv[optind];
		} else {
			fprintf(stderr, "behind top: --agency NAME|CODE is required\n");
			fputs(bh_usage_top, stderr);
			return 2;
		}
	}
	if (o.from && o.to && o.from > o.to) {
		fprintf(stderr, "behind top: --from %d is after --to %d\n", o.from, o.to);
		return 2;
	}
	if (open_store(&s, "top") < 0)
		return 2;
	rc = bh_query_find(&rid, s, o.agency, "public_body");
	if (rc >= 0)
		rc = bh_query_top(s, rid, o.from, o.to, o.limit, o.json, stdout);
	bh_store_close(s);
	return rc < 0 ? bh_cli_fail("top") : 0;
}

int bh_cmd_who(int argc, char **argv)
{
	qopts o = {0};
	bh_store *s = NULL;
	int64_t rid;
	int rc = parse(argc, argv, &o, bh_usage_who, 1);
	if (rc >= 0)
		return rc;
	char *ref = NULL;
	if (!o.agency) {
		ref = rest(argc, argv);
		if (!ref || !*ref) {
			free(ref);
			fputs(bh_usage_who, stderr);
			return 2;
		}
		o.agency = ref;
	}
	if (open_store(&s, "who") < 0) {
		free(ref);
		return 2;
	}
	rc = bh_query_find(&rid, s, o.agency, "public_body");
	if (rc >= 0 && o.html) {
		/* written beside the target and renamed: never a half page */
		char tmp[4096];
		snprintf(tmp, sizeof tmp, "%s.tmp", o.html);
		FILE *f = fopen(tmp, "w");
		if (!f) {
			rc = bh_error_set(BH_EIO, "%s: cannot write: %s", o.html, strerror(errno));
		} else {
			rc = bh_query_who_html(s, rid, o.from, o.to, f);
			if (fclose(f) != 0 && rc >= 0)
				rc = bh_error_set(BH_EIO, "%s: write failed: %s", o.html, strerror(errno));
			if (rc >= 0 && rename(tmp, o.html) != 0)
				rc = bh_error_set(BH_EIO, "%s: cannot write: %s", o.html, strerror(errno));
			if (rc < 0)
				unlink(tmp);
		}
		if (rc >= 0)
			fprintf(stderr, "who: wrote %s\n", o.html);
	} else if (rc >= 0) {
		rc = bh_query_who(s, rid, o.from, o.to, o.json, stdout);
	}
	bh_store_close(s);
	free(ref);
	return rc < 0 ? bh_cli_fail("who") : 0;
}
