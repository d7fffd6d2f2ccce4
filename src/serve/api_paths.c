/* GET /api/path and GET /api/export: thin callers of src/query/graph.h
 * (`behind path --json`, `behind export`). Export is only ever of a
 * neighbourhood (id and depth 1-2), never the whole store, so that one
 * request stays bounded; `cite` writes folders and is not served. */
#include "query/graph.h"
#include "query/query.h"
#include "serve/serveInt.h"

#include <string.h>

int bh_api_path(bh_req *r)
{
	const char *from, *to;
	int hops, limit, rc;
	int64_t a, b;
	if ((rc = bh_req_text(r, &from, "from")) < 0 || (rc = bh_req_text(r, &to, "to")) < 0 ||
	    (rc = bh_req_int(r, &hops, "max_hops", BH_PATH_DEFAULT_HOPS, 1, BH_PATH_MAX_HOPS)) < 0 ||
	    (rc = bh_req_int(r, &limit, "limit", 5, 1, 20)) < 0 ||
	    (rc = bh_query_find(&a, r->store, from, NULL)) < 0 ||
	    (rc = bh_query_find(&b, r->store, to, NULL)) < 0)
		return rc;
	return bh_graph_path_print(r->store, a, b, hops, limit, 1, r->out);
}

int bh_api_export(bh_req *r)
{
	static const char *const types[] = {
		[BH_EXPORT_GEXF] = "application/gexf+xml; charset=utf-8",
		[BH_EXPORT_GRAPHML] = "application/graphml+xml; charset=utf-8",
		[BH_EXPORT_FTM] = "application/x-ndjson; charset=utf-8",
		[BH_EXPORT_CSV] = "text/csv; charset=utf-8",
	};
	const char *id, *fmt = bh_req_arg(r, "format");
	int depth, rc, f;
	int64_t around;
	if ((rc = bh_req_text(r, &id, "id")) < 0 || (rc = bh_req_int(r, &depth, "depth", 1, 1, 2)) < 0)
		return rc;
	f = bh_export_format(fmt && *fmt ? fmt : "gexf");
	if (f < 0 || (size_t)f >= sizeof types / sizeof *types)
		return bh_req_fail(r, 400, "format is gexf, graphml, ftm or csv");
	if ((rc = bh_query_find(&around, r->store, id, NULL)) < 0)
		return rc;
	r->ctype = types[f];
	return bh_graph_export(r->store, f, around, depth, r->out, NULL);
}
