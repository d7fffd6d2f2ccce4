/* Finding the entity a user means (see bh_query_find), and cluster
 * membership for the other queries. */
#include "query/queryInt.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

const char *bh_col_text(sqlite3_stmt *q, int i)
{
	const unsigned char *t = sqlite3_column_text(q, i);
	return t ? (const char *)t : "";
}

int bh_fiscal_year(const char *iso)
{
	int y, m;
	if (!iso || sscanf(iso, "%4d-%2d", &y, &m) != 2)
		return 0;
	return m >= 10 ? y + 1 : y;
}

const char *bh_award_url(char *out, size_t cap, const char *award_key)
{
	snprintf(out, cap, "https://www.usaspending.gov/award/%s", award_key ? award_key : "");
	return out;
}

static int canon_of(bh_store *s, int64_t rid, int64_t *out)
{
	sqlite3_stmt *q = NULL;
	int rc = bh_store_cached(&q, s, "SELECT canon FROM cluster WHERE entity = ?");
	if (rc < 0)
		return rc;
	sqlite3_bind_int64(q, 1, rid);
	*out = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : rid;
	bh_store_release(s, q);
	return 0;
}

static int by_id(bh_store *s, const char *id, int64_t *rid)
{
	sqlite3_stmt *q = NULL;
	int rc = bh_store_cached(&q, s, "SELECT rid FROM entity WHERE id = ?");
	if (rc < 0)
		return rc;
	sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(q) == SQLITE_ROW;
	if (rc)
		*rid = sqlite3_column_int64(q, 0);
	bh_store_release(s, q);
	return rc;
}

void bh_fts_text(char *out, size_t cap, const char *text)
{
	size_t o = 0;
	const char *p = text;
	while (*p && o + 8 < cap) {
		while (*p && !isalnum((unsigned char)*p) && (unsigned char)*p < 0x80)
			p++;
		if (!*p)
			break;
		if (o)
			out[o++] = ' ';
		out[o++] = '"';
		while (*p && (isalnum((unsigned char)*p) || (unsigned char)*p >= 0x80) && o + 4 < cap)
			out[o++] = *p++;
		out[o++] = '"';
	}
	if (o && o + 1 < cap)
		out[o++] = '*';
	out[o] = '\0';
}

int bh_query_find(int64_t *rid, bh_store *s, const char *ref, const char *kind)
{
	char id[512], fq[1024];
	sqlite3_stmt *q = NULL;
	int rc;
	size_t n = strlen(ref);

	*rid = 0;
	if (strchr(ref, ':') && (rc = by_id(s, ref, rid)) != 0)
		return rc < 0 ? rc : canon_of(s, *rid, rid);
	/* bare codes: agency codes, DUNS (any length up to 9), UEI (12) */
	int digits = n && strspn(ref, "0123456789") == n;
	static const char *const prefixes[] = {"subagency:", "agency:", "office:", "uei:", "fec:", NULL};
	for (const char *const *p = prefixes; *p; p++) {
		snprintf(id, sizeof id, "%s%s", *p, ref);
		for (char *c = id; *c; c++)
			*c = (char)toupper((unsigned char)*c);
		memcpy(id, *p, strlen(*p)); /* keep the prefix lower-case */
		if ((rc = by_id(s, id, rid)) != 0)
			return rc < 0 ? rc : canon_of(s, *rid, rid);
	}
	if (digits && n <= 9) {
		snprintf(id, sizeof id, "duns:%09d", 0);
		snprintf(id + 5 + 9 - n, sizeof id - 5 - (9 - n), "%s", ref);
		if ((rc = by_id(s, id, rid)) != 0)
			return rc < 0 ? rc : canon_of(s, *rid, rid);
	}
	/* names: best full-text match, preferring an exact name, then `kind`,
	 * then the entity with the most records behind it */
	bh_fts_text(fq, sizeof fq, ref);
	if (!fq[0])
		return bh_error_set(BH_ENOTFOUND, "no entity matches '%s'", ref);
	rc = bh_store_prepare(&q, s,
			      "SELECT st.entity FROM name_fts f JOIN statement st ON st.rid = f.rowid"
			      " JOIN entity e ON e.rid = st.entity"
			      " WHERE name_fts MATCH ?1"
			      " GROUP BY st.entity"
			      " ORDER BY max(upper(st.value) = upper(?2)) DESC,"
			      "  (e.kind = ?3) DESC, sum(st.n) DESC, min(f.rank) LIMIT 1");
	if (rc < 0)
		return rc;
	sqlite3_bind_text(q, 1, fq, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, ref, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, kind ? kind : "", -1, SQLITE_STATIC);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		*rid = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	if (!*rid)
		return bh_error_set(BH_ENOTFOUND, "no entity matches '%s' (try `behind search`)", ref);
	return canon_of(s, *rid, rid);
}

int bh_query_members(bh_store *s, int64_t rid)
{
	static const char *const sql[] = {
		"CREATE TEMP TABLE IF NOT EXISTS members(rid INTEGER PRIMARY KEY)",
		"DELETE FROM temp.members",
		"INSERT OR IGNORE INTO temp.members VALUES(?1)",
		"INSERT OR IGNORE INTO temp.members SELECT entity FROM cluster WHERE canon = ?1",
	};
	sqlite3_stmt *q = NULL;
	int rc = 0;
	/* kept prepared: a server's handle runs these on every request */
	for (size_t i = 0; i < sizeof sql / sizeof sql[0] && rc == 0; i++) {
		if ((rc = bh_store_cached(&q, s, sql[i])) < 0)
			break;
		if (sqlite3_bind_parameter_count(q))
			sqlite3_bind_int64(q, 1, rid);
		if (sqlite3_step(q) != SQLITE_DONE)
			rc = bh_store_fail(s, "the cluster's members");
		bh_store_release(s, q);
	}
	return rc;
}
