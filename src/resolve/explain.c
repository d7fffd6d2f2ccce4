/* `behind explain A B`: the identifiers two entities share, the judgment on
 * the pair, and the matcher's comparison of their closest names field by
 * field (level, weight, term-frequency chance), in words and in JSON. */
#include "resolve/rstoreInt.h"
#include "util/err.h"
#include "util/json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	FILE *out;
	int json, first;
	int gated; /* a name too different to make the pair a candidate */
} explain_out;

static void explain_part(const bh_explain_part *p, void *payload)
{
	explain_out *eo = payload;
	if (p->level == BH_LVL_MISSING && !p->a[0] && !p->b[0])
		return; /* a field of another kind of entity */
	for (int f = 0; f < NFIELDS; f++)
		if (strcmp(bh_rs_fields[f].name, p->field) == 0 && bh_rs_fields[f].need && p->level != BH_LVL_MISSING &&
		    p->level < bh_rs_fields[f].need)
			eo->gated = 1;
	if (eo->json) {
		fprintf(eo->out, "%s{\"field\":\"%s\",\"a\":", eo->first ? "" : ",", p->field);
		bh_json_str(eo->out, p->a);
		fputs(",\"b\":", eo->out);
		bh_json_str(eo->out, p->b);
		fprintf(eo->out, ",\"level\":\"%s\",\"weight\":%.3f", bh_level_name(0, p->level),
			p->weight);
		if (p->tf_u > 0)
			fprintf(eo->out, ",\"tf_u\":%.3g", p->tf_u);
		fputs("}", eo->out);
	} else {
		fprintf(eo->out, "  %-18s %-15s %+7.2f   \"%s\" / \"%s\"", p->field,
			bh_level_name(0, p->level), p->weight, p->a, p->b);
		if (p->tf_u > 0)
			fprintf(eo->out, "  (value seen by chance with probability %.2g)", p->tf_u);
		fputc('\n', eo->out);
	}
	eo->first = 0;
}

/* Identifiers both entities carry (statements or ids), as "prop value". */
static int shared_ids(FILE *out, bh_store *s, int64_t ra, int64_t rb, int json)
{
	sqlite3_stmt *q = NULL;
	int rc = bh_store_prepare(&q, s,
				  "SELECT DISTINCT x.prop, x.value FROM statement x JOIN statement y"
				  " ON y.prop = x.prop AND y.value = x.value WHERE x.entity = ?1"
				  " AND y.entity = ?2 AND x." BH_IDENT_PROPS_SQL);
	int n = 0;
	if (rc < 0)
		return rc;
	sqlite3_bind_int64(q, 1, ra);
	sqlite3_bind_int64(q, 2, rb);
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *p = (const char *)sqlite3_column_text(q, 0);
		const char *v = (const char *)sqlite3_column_text(q, 1);
		if (json) {
			fprintf(out, "%s{\"prop\":\"%s\",\"value\":", n ? "," : "", p);
			bh_json_str(out, v);
			fputs("}", out);
		} else {
			fprintf(out, "Both carry %s %s: a shared identifier settles the match.\n", p, v);
		}
		n++;
	}
	sqlite3_finalize(q);
	return n;
}

static int64_t canon_of(bh_store *s, int64_t rid, char *id, size_t cap)
{
	sqlite3_stmt *q = NULL;
	int64_t c = rid;
	if (bh_store_prepare(&q, s, "SELECT e.rid, e.id FROM entity e WHERE e.rid ="
				    " coalesce((SELECT canon FROM cluster WHERE entity = ?1), ?1)") < 0)
		return rid;
	sqlite3_bind_int64(q, 1, rid);
	if (sqlite3_step(q) == SQLITE_ROW) {
		c = sqlite3_column_int64(q, 0);
		snprintf(id, cap, "%s", (const char *)sqlite3_column_text(q, 1));
	}
	sqlite3_finalize(q);
	return c;
}

int bh_rs_reasons_json(FILE *out, const bh_matcher *m, int64_t i, int64_t j)
{
	double total, prob;
	explain_out eo = {out, 1, 1, 0};
	int rc;
	fputs("\"fields\":[", out);
	if ((rc = bh_matcher_explain(m, i, j, &total, &prob, explain_part, &eo)) < 0)
		return rc;
	double prior = log2(bh_matcher_lambda(m) / (1 - bh_matcher_lambda(m)));
	if (eo.gated)
		prob = 0;
	fprintf(out, "],\"prior\":%.3f,\"total\":%.3f,\"names_too_different\":%s,\"probability\":%.6f",
		prior, total, eo.gated ? "true" : "false", prob);
	return 0;
}

int bh_explain_pair(FILE *out, bh_store *s, const char *a, const char *b, int json)
{
	rctx c = {0};
	char ia[512], ib[512], ca[512] = "", cb[512] = "";
	int64_t ra, rb, fn = 0, m1 = 0, m2 = 0;
	int rc;
	sqlite3_stmt *q = NULL;

	if ((rc = bh_resolve_entity_ref(&ra, ia, sizeof ia, s, a)) < 0 ||
	    (rc = bh_resolve_entity_ref(&rb, ib, sizeof ib, s, b)) < 0)
		return rc;
	/* the two entities and the frequencies the last resolve stored; when
	 * the store changed since (or an older build resolved it), every
	 * record, to count them afresh */
	if ((rc = bh_rs_load_two(&c, s, ra, rb)) < 0 || (rc = bh_rs_load_model(&c)) < 0)
		goto done;
	if (rc != 1) {
		rc = bh_error_set(BH_ENOTFOUND, "explain: no model yet: run `behind resolve` first");
		goto done;
	}
	if ((rc = bh_rs_prepare_stored(&c)) < 0)
		goto done;
	if (rc == 0) {
		bh_rs_ctx_free(&c);
		memset(&c, 0, sizeof c);
		if ((rc = bh_rs_load(&c, s, 0.5, INT64_MAX, &fn, &m1, &m2)) < 0 ||
		    (rc = bh_rs_load_model(&c)) < 0 || (rc = bh_matcher_prepare(c.m)) < 0)
			goto done;
	}
	int64_t ea = bh_rs_entity(&c, ra), eb = bh_rs_entity(&c, rb);
	if (ea < 0 || eb < 0) {
		rc = bh_error_set(BH_EUSAGE, "explain: %s and %s must be organizations, persons or committees",
				  a, b);
		goto done;
	}
	/* the closest pair of their names */
	int64_t bi = -1, bj = -1;
	bh_rs_closest(&bi, &bj, &c, ea, eb);
	int64_t ka = canon_of(s, ra, ca, sizeof ca), kb = canon_of(s, rb, cb, sizeof cb);
	if (json) {
		fputs("{\"a\":", out);
		bh_json_str(out, ia);
		fputs(",\"a_name\":", out);
		bh_json_str(out, bh_rs_name(&c, ea));
		fputs(",\"b\":", out);
		bh_json_str(out, ib);
		fputs(",\"b_name\":", out);
		bh_json_str(out, bh_rs_name(&c, eb));
		fprintf(out, ",\"same_cluster\":%s,\"canon_a\":", ka == kb ? "true" : "false");
		bh_json_str(out, ca);
		fputs(",\"canon_b\":", out);
		bh_json_str(out, cb);
		fputs(",\"shared_ids\":[", out);
		shared_ids(out, s, ra, rb, 1);
		fputs("]", out);
	} else {
		fprintf(out, "A: %s \"%s\"\nB: %s \"%s\"\n", ia, bh_rs_name(&c, ea), ib, bh_rs_name(&c, eb));
		if (ka == kb)
			fprintf(out, "Now: one entity (canonical %s).\n", ca);
		else
			fprintf(out, "Now: two entities (canonical %s and %s).\n", ca, cb);
		shared_ids(out, s, ra, rb, 0);
	}
	/* the judgment on the pair, if any */
	if ((rc = bh_store_prepare(&q, s,
				   "SELECT decision, who, at, coalesce(why,'') FROM judgment WHERE"
				   " (a = ?1 AND b = ?2) OR (a = ?2 AND b = ?1) ORDER BY rid DESC LIMIT 1")) < 0)
		goto done;
	sqlite3_bind_text(q, 1, ia, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, ib, -1, SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_ROW) {
		const char *d = (const char *)sqlite3_column_text(q, 0);
		if (json) {
			fputs(",\"judgment\":{\"decision\":", out);
			bh_json_str(out, d);
			fputs(",\"who\":", out);
			bh_json_str(out, (const char *)sqlite3_column_text(q, 1));
			fputs(",\"at\":", out);
			bh_json_str(out, (const char *)sqlite3_column_text(q, 2));
			fputs(",\"why\":", out);
			bh_json_str(out, (const char *)sqlite3_column_text(q, 3));
			fputs("}", out);
		} else {
			fprintf(out, "Judgment: %s, by %s at %s%s%s%s; it overrides the scores.\n", d,
				sqlite3_column_text(q, 1), sqlite3_column_text(q, 2),
				*sqlite3_column_text(q, 3) ? " (\"" : "", sqlite3_column_text(q, 3),
				*sqlite3_column_text(q, 3) ? "\")" : "");
		}
	}
	sqlite3_finalize(q);
	q = NULL;
	if (bi >= 0 && json) {
		fputs(",", out);
		if ((rc = bh_rs_reasons_json(out, c.m, bi, bj)) < 0)
			goto done;
		fputs("}\n", out);
	} else if (bi >= 0) {
		double total, prob;
		explain_out eo = {out, 0, 1, 0};
		fputs("Names and addresses compared (weight = log2 of how much likelier this is for one\n"
		      "entity than for two; positive is evidence for a match):\n", out);
		if ((rc = bh_matcher_explain(c.m, bi, bj, &total, &prob, explain_part, &eo)) < 0)
			goto done;
		double prior = log2(bh_matcher_lambda(c.m) / (1 - bh_matcher_lambda(c.m)));
		if (eo.gated)
			fputs("The names are too different for them to be compared at all: not one entity\n"
			      "by name (only identifiers or a judgment can unite them).\n", out);
		else
			fprintf(out,
				"  %-18s %-15s %+7.2f   (share of compared pairs that match)\n"
				"Total %+.2f: probability %.4f that they are one entity by name (threshold 0.5).\n",
				"prior", "", prior, total, prob);
	} else if (json) {
		fputs("}\n", out);
	} else {
		fputs("No names to compare (different kinds of entity, or no name with a letter).\n", out);
	}
	rc = 0;
done:
	sqlite3_finalize(q);
	bh_rs_ctx_free(&c);
	return rc;
}
