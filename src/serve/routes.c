/* The route table of `behind serve`: every endpoint, its method, whether it
 * writes, its handler, its parameters and a one-line summary. The dispatch
 * (server.c), GET /api/ and docs/api.md all follow this table. */
#include "serve/serveInt.h"
#include "util/json.h"

#include <stddef.h>

const bh_route bh_routes[] = {
	{"GET", "/api/", 0, bh_api_routes, "", "this list of endpoints"},
	{"GET", "/api/search", 0, bh_api_search, "q (text, required); limit (1-100, default 10)",
	 "entities and awards matching the words of q; the last word may be a prefix"},
	{"GET", "/api/show", 0, bh_api_show, "id (entity id, code or name, required)",
	 "an entity: names, identifiers, parents, children, money by year, largest awards"},
	{"GET", "/api/top", 0, bh_api_top,
	 "agency (name or code, required); from, to (fiscal years); limit (1-200, default 25)",
	 "an agency's largest recipients rolled up to parent companies, by fiscal year"},
	{"GET", "/api/who", 0, bh_api_who, "agency (name or code, required); from, to (fiscal years)",
	 "the dossier of an agency: money, supply chain, influence"},
	{"GET", "/api/graph", 0, bh_api_graph,
	 "id (required); kinds (comma-separated link kinds); from, to (fiscal years); "
	 "limit (1-200, default 40)",
	 "the neighbourhood of an entity from the link table, clusters merged, largest first"},
	{"GET", "/api/path", 0, bh_api_path,
	 "from, to (entity ids or names, required); max_hops (1-8, default 4); limit (1-20, default 5)",
	 "the shortest chains of links between two entities, every hop with its records"},
	{"GET", "/api/export", 0, bh_api_export,
	 "id (required); depth (1-2, default 1); format (gexf, graphml, ftm, csv; default gexf)",
	 "the neighbourhood of an entity as GEXF, GraphML, FollowTheMoney JSON lines or CSV"},
	{"GET", "/api/cite", 0, bh_api_cite,
	 "figure (a figure id as in docs/cite.md, required); format (json, csv, urls or sql; default json)",
	 "the evidence pack behind one figure, as `behind cite`: the figure, its query, its records "
	 "and their official pages"},
	{"GET", "/api/session", 0, bh_api_session, "",
	 "whether judgments are enabled, and the write token when this page may hold it (loopback)"},
	{"GET", "/api/judgments", 0, bh_api_judgments, "all (0 or 1, default 0: only the current one per pair)",
	 "the judgments on pairs of entities, as `behind judgments --json`"},
	{"GET", "/api/explain", 0, bh_api_explain, "a, b (entity ids or rowids, required)",
	 "why two entities are one or not, as `behind explain --json`"},
	{"GET", "/api/review", 0, bh_api_review,
	 "limit (1-200, default 20); offset; outcome (united, below, refused or cut)",
	 "the uncertain matches of the last resolve without a judgment, most uncertain first, "
	 "each with explain's reasons"},
	{"POST", "/api/judge", 1, bh_api_judge,
	 "JSON body: decision (merge, split or unsure), a, b, who (required), why; "
	 "header X-Behind-Token",
	 "records a judgment as `behind judge` does (needs --write and the token)"},
	{NULL, NULL, 0, NULL, NULL, NULL},
};

int bh_api_routes(bh_req *r)
{
	fputs("{\"routes\":[", r->out);
	for (const bh_route *x = bh_routes; x->method; x++) {
		fprintf(r->out, "%s\n{\"method\":", x == bh_routes ? "" : ",");
		bh_json_str(r->out, x->method);
		fputs(",\"path\":", r->out);
		bh_json_str(r->out, x->path);
		fprintf(r->out, ",\"write\":%s,\"params\":", x->write ? "true" : "false");
		bh_json_str(r->out, x->params);
		fputs(",\"summary\":", r->out);
		bh_json_str(r->out, x->summary);
		fputs("}", r->out);
	}
	fputs("]}\n", r->out);
	return 0;
}
