/* `behind explain A B`: why resolve holds two entities to be one, or not:
 * shared identifiers, judgments, and each compared field's level and
 * weight, in words a reporter can follow. */
#include "cli/cli.h"
#include "cli/commands.h"
#include "resolve/rstore.h"
#include "util/err.h"

#include <getopt.h>

const char bh_usage_explain[] =
	"usage: behind explain A B [--json] [--db PATH]\n"
	"\n"
	"Explains whether entities A and B (ids such as uei:..., or rowids) are one:\n"
	"the identifiers they share (which settle it), any judgment on the pair\n"
	"(which overrides everything), and how their closest names and their\n"
	"addresses compare: for each field the level reached (equal, nearly equal,\n"
	"somewhat alike, different, missing) and its weight, the log2 of how much\n"
	"likelier that is for one entity than for two; then the total and the\n"
	"probability. Needs a `behind resolve` run first (for the learned model).\n";

int bh_cmd_explain(int argc, char **argv)
{
	static const struct option lo[] = {BH_COMMON_LONGOPTS, {NULL, 0, NULL, 0}};
	int json = 0, c, rc;
	bh_store *s = NULL;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case BH_OPT_DB: bh_cli_set_db(optarg); break;
		case BH_OPT_JSON: json = 1; break;
		case BH_OPT_HELP: fputs(bh_usage_explain, stdout); return 0;
		default: fputs(bh_usage_explain, stderr); return 2;
		}
	}
	if (argc - optind != 2) {
		fputs(bh_usage_explain, stderr);
		return 2;
	}
	if (bh_store_open(&s, bh_cli_db(), BH_STORE_RO) < 0)
		return bh_cli_fail("explain");
	rc = bh_explain_pair(stdout, s, argv[optind], argv[optind + 1], json);
	bh_store_close(s);
	return rc < 0 ? bh_cli_fail("explain") : 0;
}
