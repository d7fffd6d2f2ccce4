/* Judgments (`behind judge`, `behind judgments`): human decisions on pairs
 * of entities, appended with who, when and why; the latest on a pair is the
 * one resolve applies (rstore.c, load_judgments). Also the lookup of a
 * user's entity reference shared by the commands. */
#include "resolve/rstoreInt.h"
#include "util/err.h"
#include "util/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int bh_resolve_entity_ref(int64_t *rid, char *id, size_t cap, bh_store *s, const char *ref)
{
	sqlite3_stmt *q = NULL;
	char *end;
	long long n = strtoll(ref, &end, 10);
	int rc = bh_store_prepare(&q, s, "SELECT rid, id FROM entity WHERE id = ?1 OR rid = ?2");
	if (rc < 0)
		return rc;
	sqlite3_bind_text(q, 1, ref, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, *end == '\0' && end != ref ? n : -1);
	if (sqlite3_step(q) == SQLITE_ROW) {
		*rid = sqlite3_column_int64(q, 0);
		snprintf(id, cap, "%s", (const char *)sqlite3_column_text(q, 1));
		rc = 0;
	} else {
		rc = bh_error_set(BH_ENOTFOUND, "no entity \"%s\" (give an id such as uei:... or a rowid)", ref);
	}
	sqlite3_finalize(q);
	return rc;
}

int bh_judge_add(int64_t *rid, bh_store *s, const char *decision, const char *a, const char *b,
		 const char *who, const char *why)
{
	char ia[512], ib[512], at[32];
	int64_t ra, rb;
	sqlite3_stmt *q = NULL;
	int rc;
	time_t tt = time(NULL);
	struct tm tmv;
	if (strcmp(decision, "merge") && strcmp(decision, "split") && strcmp(decision, "unsure"))
		return bh_error_set(BH_EUSAGE, "judge: decision must be merge, split or unsure, not \"%s\"",
				    decision);
	if ((rc = bh_resolve_entity_ref(&ra, ia, sizeof ia, s, a)) < 0 ||
	    (rc = bh_resolve_entity_ref(&rb, ib, sizeof ib, s, b)) < 0)
		return rc;
	if (ra == rb)
		return bh_error_set(BH_EUSAGE, "judge: %s and %s are the same entity", a, b);
	gmtime_r(&tt, &tmv);
	strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tmv);
	if ((rc = bh_store_prepare(&q, s,
				   "INSERT INTO judgment(a, b, decision, who, at, why)"
				   " VALUES(?1, ?2, ?3, ?4, ?5, ?6)")) < 0)
		return rc;
	int swap = strcmp(ia, ib) > 0;
	sqlite3_bind_text(q, 1, swap ? ib : ia, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, swap ? ia : ib, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, decision, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, who && *who ? who : "unknown", -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 5, at, -1, SQLITE_STATIC);
	if (why && *why)
		sqlite3_bind_text(q, 6, why, -1, SQLITE_STATIC);
	rc = sqlite3_step(q) == SQLITE_DONE ? 0 : bh_store_fail(s, "judge: recording");
	sqlite3_finalize(q);
	if (rc == 0 && rid)
		*rid = sqlite3_last_insert_rowid(s->db);
	return rc;
}

int bh_judgments_each(bh_store *s, int all, int (*fn)(const bh_judgment *j, void *payload),
		      void *payload)
{
	sqlite3_stmt *q = NULL;
	int rc = bh_store_prepare(
		&q, s,
		"SELECT j.rid, j.a, j.b, j.decision, j.who, j.at, coalesce(j.why, ''),"
		" coalesce(ea.name, ''), coalesce(eb.name, ''),"
		" j.rid = (SELECT max(rid) FROM judgment k WHERE k.a = j.a AND k.b = j.b)"
		" FROM judgment j LEFT JOIN entity ea ON ea.id = j.a LEFT JOIN entity eb ON eb.id = j.b"
		" ORDER BY j.rid");
	if (rc < 0)
		return rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		bh_judgment j;
		j.rid = sqlite3_column_int64(q, 0);
		j.a = (const char *)sqlite3_column_text(q, 1);
		j.b = (const char *)sqlite3_column_text(q, 2);
		j.decision = (const char *)sqlite3_column_text(q, 3);
		j.who = (const char *)sqlite3_column_text(q, 4);
		j.at = (const char *)sqlite3_column_text(q, 5);
		j.why = (const char *)sqlite3_column_text(q, 6);
		j.a_name = (const char *)sqlite3_column_text(q, 7);
		j.b_name = (const char *)sqlite3_column_text(q, 8);
		j.current = sqlite3_column_int(q, 9);
		if (!all && !j.current)
			continue;
		int r = fn(&j, payload);
		if (r != 0) {
			sqlite3_finalize(q);
			return r;
		}
	}
	rc = rc == SQLITE_DONE ? 0 : bh_store_fail(s, "judgments: reading");
	sqlite3_finalize(q);
	return rc;
}

typedef struct {
	FILE *out;
	int n;
} json_ctx;

void bh_judgment_json(FILE *out, const bh_judgment *j)
{
	const char *const key[] = {"decision", "a", "a_name", "b", "b_name", "who", "at", "why"};
	const char *const val[] = {j->decision, j->a, j->a_name, j->b, j->b_name, j->who, j->at, j->why};
	fprintf(out, "{\"id\":%lld", (long long)j->rid);
	for (size_t k = 0; k < sizeof key / sizeof *key; k++) {
		fprintf(out, ",\"%s\":", key[k]);
		bh_json_str(out, val[k]);
	}
	fprintf(out, ",\"current\":%s}", j->current ? "true" : "false");
}

static int judgment_json(const bh_judgment *j, void *payload)
{
	json_ctx *jc = payload;
	fputs(jc->n++ ? ",\n" : "\n", jc->out);
	bh_judgment_json(jc->out, j);
	return 0;
}

int bh_judgments_json(FILE *out, bh_store *s, int all)
{
	json_ctx jc = {out, 0};
	fputs("[", out);
	int rc = bh_judgments_each(s, all, judgment_json, &jc);
	fputs("\n]\n", out);
	return rc;
}
