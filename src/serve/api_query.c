/* The JSON API over src/query: search, show, top and who, each a thin
 * caller of the function the CLI uses with --json, so the explorer and the
 * terminal give the same answers. Parameters are checked and bounded here;
 * the queries bind them, never paste them. */
#include "query/query.h"
#include "serve/serveInt.h"

/* A fiscal year parameter: 0 (absent) or 1900-2200. */
static int fy_range(bh_req *r, int *from, int *to)
{
	int rc;
	if ((rc = bh_req_int(r, from, "from", 0, 1900, 2200)) < 0 ||
	    (rc = bh_req_int(r, to, "to", 0, 1900, 2200)) < 0)
		return rc;
	if (*from && *to && *from > *to)
		return bh_req_fail(r, 400, "from (%d) is after to (%d)", *from, *to);
	return 0;
}

int bh_api_search(bh_req *r)
{
	const char *q;
	int limit, rc;
	if ((rc = bh_req_text(r, &q, "q")) < 0 || (rc = bh_req_int(r, &limit, "limit", 10, 1, 100)) < 0)
		return rc;
	return bh_query_search(r->store, q, limit, 1, r->out);
}

int bh_api_show(bh_req *r)
{
	const char *id;
	int64_t rid;
	int rc;
	if ((rc = bh_req_text(r, &id, "id")) < 0 || (rc = bh_query_find(&rid, r->store, id, NULL)) < 0)
		return rc;
	return bh_query_show(r->store, rid, 1, r->out);
}

int bh_api_top(bh_req *r)
{
	const char *agency;
	int from, to, limit, rc;
	int64_t rid;
	if ((rc = bh_req_text(r, &agency, "agency")) < 0 || (rc = fy_range(r, &from, &to)) < 0 ||
	    (rc = bh_req_int(r, &limit, "limit", 25, 1, BH_SERVE_MAX_ROWS)) < 0 ||
	    (rc = bh_query_find(&rid, r->store, agency, "public_body")) < 0)
		return rc;
	return bh_query_top(r->store, rid, from, to, limit, 1, r->out);
}

int bh_api_who(bh_req *r)
{
	const char *agency;
	int from, to, rc;
	int64_t rid;
	if ((rc = bh_req_text(r, &agency, "agency")) < 0 || (rc = fy_range(r, &from, &to)) < 0 ||
	    (rc = bh_query_find(&rid, r->store, agency, "public_body")) < 0)
		return rc;
	return bh_query_who(r->store, rid, from, to, 1, r->out);
}
