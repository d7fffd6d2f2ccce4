/* `behind resolve`: groups the store's mentions of one organization or
 * person into clusters (src/resolve/rstore.c does the work). */
#include "cli/cli.h"
#include "cli/commands.h"
#include "query/query.h"
#include "resolve/rstore.h"
#include "util/err.h"

#include <getopt.h>
#include <stdlib.h>
#include <unistd.h>

const char bh_usage_resolve[] =
	"usage: behind resolve [--db PATH] [--full] [--threshold P] [--json]\n"
	"\n"
	"Groups the mentions of one organization, person or committee across sources\n"
	"into one cluster, which every answer rolls up through. Shared identifiers\n"
	"(UEI, DUNS, CAGE, FEC and LDA ids) settle a match; then names are scored\n"
	"(Fellegi-Sunter, weights learned from the data without labels) together\n"
	"with city, state and ZIP, and pairs with probability >= P (default 0.5) are\n"
	"united, never joining two different UEIs. Judgments (`behind judge`)\n"
	"override both, in this run and every later one.\n"
	"\n"
	"Incremental by default: entities ingested since the last run are compared\n"
	"with all others under the saved model. --full re-learns the model and\n"
	"rescores every pair. `behind explain A B` shows why two are (not) one.\n";

int bh_cmd_resolve(int argc, char **argv)
{
	static const struct option lo[] = {
		BH_COMMON_LONGOPTS,
		{"full", no_argument, NULL, 'f'},
		{"threshold", required_argument, NULL, 't'},
		{NULL, 0, NULL, 0},
	};
	bh_resolve_opts o;
	bh_resolve_report r;
	bh_store *s = NULL;
	int json = 0, c;

	bh_resolve_opts_default(&o);
	optind = 1;
	while ((c = getopt_long(argc, argv, "ft:", lo, NULL)) != -1) {
		switch (c) {
		case BH_OPT_DB: bh_cli_set_db(optarg); break;
		case BH_OPT_JSON: json = 1; break;
		case BH_OPT_HELP: fputs(bh_usage_resolve, stdout); return 0;
		case 'f': o.full = 1; break;
		case 't':
			o.threshold = strtod(optarg, NULL);
			if (!(o.threshold > 0 && o.threshold < 1)) {
				fprintf(stderr, "behind resolve: --threshold takes a probability in (0, 1)\n");
				return 2;
			}
			break;
		default: fputs(bh_usage_resolve, stderr); return 2;
		}
	}
	if (optind < argc) {
		fputs(bh_usage_resolve, stderr);
		return 2;
	}
	if (!json && isatty(STDERR_FILENO))
		o.progress = stderr;
	if (bh_store_open(&s, bh_cli_db(), BH_STORE_RW) < 0)
		return bh_cli_fail("resolve");
	if (bh_resolve_store(&r, s, &o) < 0 || bh_query_precompute(s) < 0 ||
	    bh_search_index_refresh(s, BH_SEARCH_BROAD, BH_SEARCH_TOP) < 0) {
		bh_store_close(s);
		return bh_cli_fail("resolve");
	}
	bh_store_close(s);
	if (json)
		printf("{\"mode\":\"%s\",\"entities\":%lld,\"new_entities\":%lld,\"names\":%lld,"
		       "\"candidates\":%lld,\"id_merges\":%lld,\"name_merges\":%lld,"
		       "\"judgment_merges\":%lld,\"refused\":%lld,\"clusters\":%lld,"
		       "\"multi_clusters\":%lld,\"review\":%lld,\"review_left\":%lld,\"secs\":%.3f}\n",
		       r.incremental ? "incremental" : "full", (long long)r.entities,
		       (long long)r.new_entities, (long long)r.records, (long long)r.candidates,
		       (long long)r.id_merges, (long long)r.name_merges, (long long)r.judgment_merges,
		       (long long)r.refused, (long long)r.clusters, (long long)r.multi_clusters,
		       (long long)r.review, (long long)r.review_left, r.secs);
	else {
		printf("resolve (%s): %lld entities (%lld new), %lld names, %lld pairs scored\n"
		       "  united: %lld by shared identifier, %lld by name, %lld by judgment;"
		       " %lld refused (different UEIs or a split judgment)\n"
		       "  %lld clusters, %lld of them with more than one entity; %.2fs\n"
		       "  %lld uncertain pairs kept for review (`behind serve`, page Review)\n",
		       r.incremental ? "incremental" : "full", (long long)r.entities,
		       (long long)r.new_entities, (long long)r.records, (long long)r.candidates,
		       (long long)r.id_merges, (long long)r.name_merges, (long long)r.judgment_merges,
		       (long long)r.refused, (long long)r.clusters, (long long)r.multi_clusters, r.secs,
		       (long long)r.review);
		if (r.review_left)
			printf("  (the most uncertain; %lld less uncertain pairs not kept)\n",
			       (long long)r.review_left);
	}
	return 0;
}
