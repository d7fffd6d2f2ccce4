/* `behind judge merge|split|unsure A B`: a human decision on two entities,
 * kept with who, when and why, that overrides the matcher in every run. */
#include "cli/cli.h"
#include "cli/commands.h"
#include "resolve/rstore.h"
#include "util/err.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

const char bh_usage_judge[] =
	"usage: behind judge merge|split|unsure A B [--why TEXT] [--who NAME] [--db PATH]\n"
	"\n"
	"Records a decision about entities A and B (ids as shown by `behind search`,\n"
	"e.g. uei:L997DB4PEJL8, or rowids): merge (they are one), split (they are\n"
	"not, whatever the names or identifiers say) or unsure (a note, no effect).\n"
	"The latest decision on a pair counts; it takes effect at the next `behind\n"
	"resolve` and survives every later one. --who defaults to $BEHIND_USER, then\n"
	"$USER. `behind judgments` lists them.\n";

int bh_cmd_judge(int argc, char **argv)
{
	static const struct option lo[] = {
		BH_COMMON_LONGOPTS,
		{"why", required_argument, NULL, 'w'},
		{"who", required_argument, NULL, 'u'},
		{NULL, 0, NULL, 0},
	};
	const char *why = NULL, *who = getenv("BEHIND_USER");
	bh_store *s = NULL;
	int c, rc;

	if (!who || !*who)
		who = getenv("USER");
	optind = 1;
	while ((c = getopt_long(argc, argv, "w:u:", lo, NULL)) != -1) {
		switch (c) {
		case BH_OPT_DB: bh_cli_set_db(optarg); break;
		case BH_OPT_JSON: break;
		case BH_OPT_HELP: fputs(bh_usage_judge, stdout); return 0;
		case 'w': why = optarg; break;
		case 'u': who = optarg; break;
		default: fputs(bh_usage_judge, stderr); return 2;
		}
	}
	if (argc - optind != 3) {
		fputs(bh_usage_judge, stderr);
		return 2;
	}
	if (bh_store_open(&s, bh_cli_db(), BH_STORE_RW) < 0)
		return bh_cli_fail("judge");
	rc = bh_judge_add(NULL, s, argv[optind], argv[optind + 1], argv[optind + 2], who, why);
	bh_store_close(s);
	if (rc < 0)
		return bh_cli_fail("judge");
	printf("recorded: %s %s %s; run `behind resolve` to apply it\n", argv[optind],
	       argv[optind + 1], argv[optind + 2]);
	return 0;
}
