/* The review side of the explorer: the session (may this page write?),
 * judgments, explain, the queue of uncertain matches and the server's one
 * write, a judgment. Thin callers of src/resolve (rstore.h) writing the
 * CLI's own JSON, so that `behind judgments --json`, `behind explain
 * --json` and these endpoints answer alike.
 *
 * The judgment is written through its own read-write connection, opened
 * for that request only: the pooled handles stay read-only, and readers
 * are never blocked (WAL). Its JSON body is read with SQLite's JSON
 * functions on the request's read-only handle (no table is touched). */
#include "resolve/rstore.h"
#include "serve/serveInt.h"
#include "util/err.h"
#include "util/json.h"

#include <string.h>

#define WHO_MAX 100   /* bytes of a judge's name */
#define WHY_MAX 2000  /* bytes of a reason */

int bh_api_session(bh_req *r)
{
	fprintf(r->out, "{\"write\":%s,\"token\":", r->write ? "true" : "false");
	if (r->page_token)
		bh_json_str(r->out, r->page_token);
	else
		fputs("null", r->out);
	/* beyond loopback the page must ask for the token printed at start-up */
	fprintf(r->out, ",\"token_needed\":%s}\n", r->write && !r->page_token ? "true" : "false");
	return 0;
}

int bh_api_judgments(bh_req *r)
{
	int all, rc;
	if ((rc = bh_req_int(r, &all, "all", 0, 0, 1)) < 0)
		return rc;
	return bh_judgments_json(r->out, r->store, all);
}

int bh_api_explain(bh_req *r)
{
	const char *a, *b;
	int rc;
	if ((rc = bh_req_text(r, &a, "a")) < 0 || (rc = bh_req_text(r, &b, "b")) < 0)
		return rc;
	return bh_explain_pair(r->out, r->store, a, b, 1);
}

/* ---- the queue ------------------------------------------------------------ */

/* Pairs without a judgment; judgment names a pair by text ids, a < b. */
#define PENDING                                                                                    \
	" FROM resolve_review v JOIN entity ea ON ea.rid = v.a JOIN entity eb ON eb.rid = v.b"    \
	" WHERE (?1 = '' OR v.outcome = ?1) AND NOT EXISTS (SELECT 1 FROM judgment j"              \
	"  WHERE j.a = min(ea.id, eb.id) AND j.b = max(ea.id, eb.id))"

static void entity_json(FILE *out, sqlite3_stmt *q, int col)
{
	fputs("{\"id\":", out);
	bh_json_str(out, (const char *)sqlite3_column_text(q, col));
	fputs(",\"name\":", out);
	bh_json_str(out, (const char *)sqlite3_column_text(q, col + 1));
	fputs(",\"kind\":", out);
	bh_json_str(out, (const char *)sqlite3_column_text(q, col + 2));
	fputs("}", out);
}

int bh_api_review(bh_req *r)
{
	static const char *const outcomes[] = {"united", "below", "refused", "cut"};
	sqlite3_stmt *q = NULL;
	const char *outcome = bh_req_arg(r, "outcome");
	int limit, offset, rc, n = 0, known = !outcome || !*outcome;
	int64_t pending = 0;

	if ((rc = bh_req_int(r, &limit, "limit", 20, 1, BH_SERVE_MAX_ROWS)) < 0 ||
	    (rc = bh_req_int(r, &offset, "offset", 0, 0, 10000000)) < 0)
		return rc;
	for (size_t k = 0; k < sizeof outcomes / sizeof *outcomes && !known; k++)
		known = strcmp(outcome, outcomes[k]) == 0;
	if (!known)
		return bh_req_fail(r, 400, "outcome is united, below, refused or cut");
	if (!outcome)
		outcome = "";

	/* never resolved, or resolved before the queue existed: no pairs */
	if ((rc = bh_store_prepare(&q, r->store, "SELECT 1 FROM sqlite_master WHERE type = 'table'"
						 " AND name = 'resolve_review'"
						 " AND EXISTS (SELECT 1 FROM resolve_run)")) < 0)
		return rc;
	int have = sqlite3_step(q) == SQLITE_ROW;
	sqlite3_finalize(q);
	q = NULL;
	if (!have) {
		fputs("{\"pending\":0,\"offset\":0,\"pairs\":[],\"note\":\"no review queue in this store:"
		      " run `behind resolve`\"}\n", r->out);
		return 0;
	}

	if ((rc = bh_store_prepare(&q, r->store, "SELECT count(*)" PENDING)) < 0)
		return rc;
	sqlite3_bind_text(q, 1, outcome, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(q)) == SQLITE_ROW)
		pending = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	q = NULL;
	if (rc != SQLITE_ROW)
		return bh_store_fail(r->store, "review: counting");

	/* the most uncertain first: the smallest |log2 odds| */
	if ((rc = bh_store_prepare(
		     &q, r->store,
		     "SELECT ea.id, ea.name, ea.kind, eb.id, eb.name, eb.kind, v.prob, v.weight,"
		     " v.outcome, v.reasons, coalesce((SELECT canon FROM cluster WHERE entity = v.a), v.a)"
		     " = coalesce((SELECT canon FROM cluster WHERE entity = v.b), v.b)" PENDING
		     " ORDER BY abs(v.weight), v.a, v.b LIMIT ?2 OFFSET ?3")) < 0)
		return rc;
	sqlite3_bind_text(q, 1, outcome, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 2, limit);
	sqlite3_bind_int(q, 3, offset);
	fprintf(r->out, "{\"pending\":%lld,\"offset\":%d,\"pairs\":[", (long long)pending, offset);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		fputs(n++ ? ",\n{\"a\":" : "\n{\"a\":", r->out);
		entity_json(r->out, q, 0);
		fputs(",\"b\":", r->out);
		entity_json(r->out, q, 3);
		fprintf(r->out, ",\"probability\":%.6f,\"weight\":%.3f,\"outcome\":",
			sqlite3_column_double(q, 6), sqlite3_column_double(q, 7));
		bh_json_str(r->out, (const char *)sqlite3_column_text(q, 8));
		/* reasons: JSON that resolve wrote (explain's own), kept verbatim */
		fprintf(r->out, ",\"one_now\":%s,\"reasons\":%s}", sqlite3_column_int(q, 10) ? "true" : "false",
			(const char *)sqlite3_column_text(q, 9));
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return bh_store_fail(r->store, "review: reading");
	fputs("\n]}\n", r->out);
	return 0;
}

/* ---- the write ------------------------------------------------------------ */

typedef struct {
	FILE *out;
	int64_t rid;
	int found;
} one_ctx;

static int print_recorded(const bh_judgment *j, void *payload)
{
	one_ctx *oc = payload;
	if (j->rid != oc->rid)
		return 0;
	oc->found = 1;
	fputs("{\"recorded\":", oc->out);
	bh_judgment_json(oc->out, j); /* the row as `behind judgments --json` lists it */
	fputs(",\"note\":\"it takes effect at the next `behind resolve`\"}\n", oc->out);
	return 1;
}

/* Copies the string member `key` of the body into out; "" when absent.
 * A member that is not a string, or longer than cap-1 bytes, fails. */
static int body_text(bh_req *r, sqlite3_stmt *q, int col, const char *key, char *out, size_t cap)
{
	int t = sqlite3_column_type(q, col);
	const char *v = (const char *)sqlite3_column_text(q, col);
	int n = sqlite3_column_bytes(q, col);
	out[0] = '\0';
	if (t == SQLITE_NULL)
		return 0;
	if (t != SQLITE_TEXT || !v)
		return bh_req_fail(r, 400, "%s must be a string", key);
	if ((size_t)n >= cap || memchr(v, '\0', (size_t)n))
		return bh_req_fail(r, 400, "%s is longer than %zu bytes", key, cap - 1);
	memcpy(out, v, (size_t)n + 1);
	return 0;
}

int bh_api_judge(bh_req *r)
{
	sqlite3_stmt *q = NULL;
	bh_store *w = NULL;
	char decision[16], a[BH_SERVE_MAX_PARAM + 1], b[BH_SERVE_MAX_PARAM + 1];
	char who[WHO_MAX + 1], why[WHY_MAX + 1];
	int64_t rid = 0;
	int rc;

	if (!r->body || !r->body_len)
		return bh_req_fail(r, 400, "the body is a JSON object: decision, a, b, who, why");
	if ((rc = bh_store_prepare(&q, r->store,
				   "SELECT json_valid(?1) AND json_type(?1) = 'object',"
				   " json_extract(?1, '$.decision'),"
				   " json_extract(?1, '$.a'), json_extract(?1, '$.b'),"
				   " json_extract(?1, '$.who'), json_extract(?1, '$.why')")) < 0)
		return rc;
	sqlite3_bind_text(q, 1, r->body, (int)r->body_len, SQLITE_STATIC);
	if (sqlite3_step(q) != SQLITE_ROW || !sqlite3_column_int(q, 0)) {
		rc = bh_req_fail(r, 400, "the body is not a JSON object");
		goto done;
	}
	if ((rc = body_text(r, q, 1, "decision", decision, sizeof decision)) < 0 ||
	    (rc = body_text(r, q, 2, "a", a, sizeof a)) < 0 ||
	    (rc = body_text(r, q, 3, "b", b, sizeof b)) < 0 ||
	    (rc = body_text(r, q, 4, "who", who, sizeof who)) < 0 ||
	    (rc = body_text(r, q, 5, "why", why, sizeof why)) < 0)
		goto done;
	if (!*decision || !*a || !*b) {
		rc = bh_req_fail(r, 400, "decision (merge, split or unsure), a and b are required");
		goto done;
	}
	if (!*who) {
		rc = bh_req_fail(r, 400, "who is required: a judgment is signed");
		goto done;
	}
	if ((rc = bh_store_open(&w, r->db, BH_STORE_RW)) < 0 ||
	    (rc = bh_judge_add(&rid, w, decision, a, b, who, why)) < 0)
		goto done;
	one_ctx oc = {r->out, rid, 0};
	if ((rc = bh_judgments_each(w, 1, print_recorded, &oc)) < 0)
		goto done;
	rc = oc.found ? 0 : bh_error_set(BH_EDB, "judge: the judgment was recorded but not found");
done:
	sqlite3_finalize(q);
	bh_store_close(w);
	return rc;
}
