/* `behind judgments`: lists (and with --json exports) the human decisions
 * recorded by `behind judge`. */
#include "cli/cli.h"
#include "cli/commands.h"
#include "resolve/rstore.h"
#include "util/err.h"

#include <getopt.h>
#include <stdlib.h>

const char bh_usage_judgments[] =
	"usage: behind judgments [--all] [--json] [--db PATH]\n"
	"\n"
	"Lists the judgments on pairs of entities: decision, the two entities and\n"
	"their names, who, when and why. Only the latest on each pair (the one that\n"
	"counts) unless --all. --json writes them as a JSON array, for export.\n";

static int print_one(const bh_judgment *j, void *payload)
{
	printf("#%lld %s %s: %s \"%s\" / %s \"%s\"%s\n", (long long)j->rid, j->at, j->decision, j->a,
	       j->a_name, j->b, j->b_name, j->current ? "" : " (superseded)");
	printf("    by %s%s%s\n", j->who, *j->why ? ": " : "", j->why);
	return 0;
}

int bh_cmd_judgments(int argc, char **argv)
{
	static const struct option lo[] = {
		BH_COMMON_LONGOPTS,
		{"all", no_argument, NULL, 'a'},
		{NULL, 0, NULL, 0},
	};
	int all = 0, json = 0, c, rc;
	bh_store *s = NULL;

	optind = 1;
	while ((c = getopt_long(argc, argv, "a", lo, NULL)) != -1) {
		switch (c) {
		case BH_OPT_DB: bh_cli_set_db(optarg); break;
		case BH_OPT_JSON: json = 1; break;
		case BH_OPT_HELP: fputs(bh_usage_judgments, stdout); return 0;
		case 'a': all = 1; break;
		default: fputs(bh_usage_judgments, stderr); return 2;
		}
	}
	if (optind < argc) {
		fputs(bh_usage_judgments, stderr);
		return 2;
	}
	if (bh_store_open(&s, bh_cli_db(), BH_STORE_RO) < 0)
		return bh_cli_fail("judgments");
	rc = json ? bh_judgments_json(stdout, s, all) : bh_judgments_each(s, all, print_one, NULL);
	bh_store_close(s);
	return rc < 0 ? bh_cli_fail("judgments") : 0;
}
