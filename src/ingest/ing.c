/* The per-input ingest context (see ingestInt.h): entities, statements and
 * links deduplicated in memory and written in bulk, rejects and warnings
 * recorded and shown, UTF-8 repair of delimited rows, progress. The driver
 * that walks paths and wraps each input in a transaction is ingest.c. */
#include "ingest/ingestInt.h"
#include "util/err.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Flush thresholds: memory stays bounded whatever the input's size. */
#define MAX_PENDING_STMTS 400000
#define MAX_PENDING_LINKS 200000
#define MAX_CACHED_ENTITIES 2000000
#define MAX_STORED_REJECTS 100000

typedef struct {
	int64_t entity, line, n;
	const char *prop;
	const char *value; /* points into the map's key arena */
	size_t vlen;
} pending_stmt;

typedef struct {
	const char *kind;
	int64_t src, dst, amount, n, line;
	int has_amount;
	char first[11], last[11];
} pending_link;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Makes room for one more element in a pending array of *cap elements of
 * `size` bytes holding n (doubling it). */
static int room_for(void **arr, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return 0;
	size_t nc = *cap ? *cap * 2 : 1024;
	void *na = realloc(*arr, nc * size);
	if (!na)
		return bh_error_set(BH_ENOMEM, "out of memory");
	*arr = na;
	*cap = nc;
	return 0;
}

/* ---- entities ------------------------------------------------------ */

int bh_ing_entity(int64_t *rid, bh_ing *g, const char *id, const char *kind, const char *name,
		  size_t name_len)
{
	int64_t *slot;
	size_t idlen = strlen(id);
	int rc;

	if (bh_map_get(&slot, &g->entities, id, idlen)) {
		*rid = *slot;
		return 0;
	}
	if (g->entities.count >= MAX_CACHED_ENTITIES)
		bh_map_clear(&g->entities);
	if (g->writer) {
		/* provisional rowid; the writer maps it to a stored entity with
		 * the same id if there is one (writer.c) */
		*rid = g->next_rid++;
		if ((rc = bh_ing_op_begin(g, NULL, 4)) < 0 || (rc = bh_ing_op_int(g, *rid, 0)) < 0 ||
		    (rc = bh_ing_op_text(g, id, idlen)) < 0 ||
		    (rc = bh_ing_op_text(g, kind, strlen(kind))) < 0 ||
		    (rc = bh_ing_op_text(g, name, name_len)) < 0 || (rc = bh_ing_op_end(g, "entity")) < 0)
			return rc;
		goto cache;
	}
	sqlite3_stmt *q = g->q_ent_get;
	sqlite3_bind_text(q, 1, id, (int)idlen, SQLITE_STATIC);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		*rid = sqlite3_column_int64(q, 0);
		sqlite3_reset(q);
	} else {
		sqlite3_reset(q);
		if (rc != SQLITE_DONE)
			return bh_store_fail(g->store, "entity lookup");
		q = g->q_ent_put;
		sqlite3_bind_text(q, 1, id, (int)idlen, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 3, name, (int)name_len, SQLITE_STATIC);
		rc = sqlite3_step(q);
		sqlite3_reset(q);
		if (rc != SQLITE_DONE)
			return bh_store_fail(g->store, "entity insert");
		*rid = sqlite3_last_insert_rowid(g->store->db);
	}
cache:
	if ((rc = bh_map_put(&slot, NULL, &g->entities, id, idlen)) < 0)
		return rc;
	*slot = *rid;
	return 0;
}

/* ---- statements ---------------------------------------------------- */

static int flush_stmts(bh_ing *g)
{
	pending_stmt *a = g->stmt_arr;
	int rc;
	for (size_t i = 0; i < g->nstmt; i++) {
		if ((rc = bh_ing_op_begin(g, g->q_stmt, 6)) < 0 ||
		    (rc = bh_ing_op_int(g, a[i].entity, 1)) < 0 ||
		    (rc = bh_ing_op_text(g, a[i].prop, strlen(a[i].prop))) < 0 ||
		    (rc = bh_ing_op_text(g, a[i].value, a[i].vlen)) < 0 ||
		    (rc = bh_ing_op_int(g, g->source_id, 0)) < 0 ||
		    (rc = bh_ing_op_int(g, a[i].line, 0)) < 0 || (rc = bh_ing_op_int(g, a[i].n, 0)) < 0 ||
		    (rc = bh_ing_op_end(g, "statement insert")) < 0)
			return rc;
	}
	g->nstmt = 0;
	g->stmt_gen++; /* the cache points into what is cleared */
	bh_map_clear(&g->stmts);
	return 0;
}

/* Puts one waiting statement into the pending ones: a repeat of a pending
 * (entity, prop, value) is counted, a new one appended. */
static int probe_stmt(bh_ing *g, const stmt_wait *w, const char *key)
{
	int64_t *slot;
	const char *stored;
	size_t ci = ((size_t)w->entity * 31u + ((uintptr_t)w->prop >> 3)) & (STMT_CACHE - 1);
	stmt_cache *c = &g->stmt_cache[ci];
	int rc = bh_map_put_hashed(&slot, &stored, &g->stmts, key, w->len, w->hash);
	if (rc < 0)
		return rc;
	if (rc == 0) {
		((pending_stmt *)g->stmt_arr)[*slot].n++;
		*c = (stmt_cache){w->entity, w->prop, (size_t)*slot, g->stmt_gen};
		return 0;
	}
	if ((rc = room_for(&g->stmt_arr, &g->stmt_cap, g->nstmt, sizeof(pending_stmt))) < 0)
		return rc;
	pending_stmt *ps = &((pending_stmt *)g->stmt_arr)[g->nstmt];
	ps->entity = w->entity;
	ps->prop = w->prop;
	ps->line = w->line;
	ps->n = 1;
	ps->vlen = w->len - 9 - w->plen;
	ps->value = stored + 9 + w->plen; /* the map's copy outlives the batch */
	*c = (stmt_cache){w->entity, w->prop, g->nstmt, g->stmt_gen};
	*slot = (int64_t)g->nstmt++;
	if (g->nstmt >= MAX_PENDING_STMTS)
		return flush_stmts(g);
	return 0;
}

/* Probes the waiting statements, in the order they were said: their slots,
 * then the keys in those slots, are prefetched first, so that the cache
 * misses of the whole batch overlap. */
static int drain_stmts(bh_ing *g)
{
	int n = g->nswait, rc = 0;
	g->nswait = 0;
	for (int i = 0; i < n; i++)
		bh_map_prefetch(&g->stmts, g->swait[i].hash, 0);
	for (int i = 0; i < n; i++)
		bh_map_prefetch(&g->stmts, g->swait[i].hash, 1);
	for (int i = 0; i < n && rc == 0; i++)
		rc = probe_stmt(g, &g->swait[i], g->swait_keys.p + g->swait[i].off);
	bh_buf_clear(&g->swait_keys);
	return rc;
}

int bh_ing_statement(bh_ing *g, int64_t entity, const char *prop, const char *value,
		     size_t value_len, int64_t line)
{
	size_t plen = strlen(prop), klen;

	while (value_len && (value[value_len - 1] == ' ' || value[value_len - 1] == '\t'))
		value_len--;
	while (value_len && (*value == ' ' || *value == '\t'))
		value++, value_len--;
	if (!value_len)
		return 0;
	/* most calls repeat what the row before said of the same entity (its
	 * agency's name, its own name): a small cache by (entity, prop) skips
	 * the hash and the probe then */
	size_t ci = ((size_t)entity * 31u + ((uintptr_t)prop >> 3)) & (STMT_CACHE - 1);
	stmt_cache *c = &g->stmt_cache[ci];
	if (c->gen == g->stmt_gen && c->entity == entity && c->prop == prop) {
		pending_stmt *ps = &((pending_stmt *)g->stmt_arr)[c->index];
		if (ps->vlen == value_len && memcmp(ps->value, value, value_len) == 0) {
			ps->n++;
			return 0;
		}
	}
	/* the key, entity \0 prop \0 value, is copied: the caller's value may
	 * not outlive this call */
	klen = 8 + plen + 1 + value_len;
	stmt_wait *w = &g->swait[g->nswait];
	w->entity = entity;
	w->line = line;
	w->prop = prop;
	w->off = g->swait_keys.len;
	w->len = klen;
	w->plen = plen;
	int rc;
	if ((rc = bh_buf_put(&g->swait_keys, &entity, 8)) < 0 ||
	    (rc = bh_buf_put(&g->swait_keys, prop, plen + 1)) < 0 ||
	    (rc = bh_buf_put(&g->swait_keys, value, value_len)) < 0)
		return rc;
	w->hash = bh_hash_bytes(g->swait_keys.p + w->off, klen);
	if (++g->nswait == STMT_BATCH)
		return drain_stmts(g);
	return 0;
}

/* ---- links --------------------------------------------------------- */

static int flush_links(bh_ing *g)
{
	pending_link *a = g->link_arr;
	int rc;
	for (size_t i = 0; i < g->nlink; i++) {
		if ((rc = bh_ing_op_begin(g, g->q_link, 9)) < 0 ||
		    (rc = bh_ing_op_text(g, a[i].kind, strlen(a[i].kind))) < 0 ||
		    (rc = bh_ing_op_int(g, a[i].src, 1)) < 0 || (rc = bh_ing_op_int(g, a[i].dst, 1)) < 0 ||
		    (rc = bh_ing_op_text(g, a[i].first, strlen(a[i].first))) < 0 ||
		    (rc = bh_ing_op_text(g, a[i].last, strlen(a[i].last))) < 0 ||
		    (rc = a[i].has_amount ? bh_ing_op_int(g, a[i].amount, 0) : bh_ing_op_null(g)) < 0 ||
		    (rc = bh_ing_op_int(g, a[i].n, 0)) < 0 ||
		    (rc = bh_ing_op_int(g, g->source_id, 0)) < 0 ||
		    (rc = bh_ing_op_int(g, a[i].line, 0)) < 0 || (rc = bh_ing_op_end(g, "link insert")) < 0)
			return rc;
	}
	g->nlink = 0;
	bh_map_clear(&g->links);
	return 0;
}

int bh_ing_link(bh_ing *g, const char *kind, int64_t src, int64_t dst, const char *date,
		int64_t amount, int has_amount, int64_t line)
{
	char key[128];
	size_t kl = strlen(kind);
	int64_t *slot;
	int rc;

	if (src == dst || !src || !dst)
		return 0;
	if (kl > sizeof key - 17)
		return bh_error_set(BH_EUSAGE, "link kind too long");
	memcpy(key, kind, kl + 1);
	memcpy(key + kl + 1, &src, 8);
	memcpy(key + kl + 9, &dst, 8);
	if ((rc = bh_map_put(&slot, NULL, &g->links, key, kl + 17)) < 0)
		return rc;
	pending_link *l;
	if (rc == 0) {
		l = &((pending_link *)g->link_arr)[*slot];
		l->n++;
	} else {
		if ((rc = room_for(&g->link_arr, &g->link_cap, g->nlink, sizeof(pending_link))) < 0)
			return rc;
		*slot = (int64_t)g->nlink;
		l = &((pending_link *)g->link_arr)[g->nlink++];
		memset(l, 0, sizeof *l);
		l->kind = kind;
		l->src = src;
		l->dst = dst;
		l->n = 1;
		l->line = line;
	}
	if (date && strlen(date) == 10) {
		if (!l->first[0] || strcmp(date, l->first) < 0)
			memcpy(l->first, date, 11);
		if (!l->last[0] || strcmp(date, l->last) > 0)
			memcpy(l->last, date, 11);
	}
	if (has_amount) {
		l->amount += amount;
		l->has_amount = 1;
	}
	if (g->nlink >= MAX_PENDING_LINKS)
		return flush_links(g);
	return 0;
}

/* ---- rejects and warnings ------------------------------------------ */

static void excerpt_of(char *out, size_t cap, const char *p, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < n && o + 4 < cap; i++) {
		unsigned char c = (unsigned char)p[i];
		out[o++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	if (n && o + 4 >= cap) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

static int store_note(bh_ing *g, int64_t line, const char *action, const char *reason,
		      const char *excerpt)
{
	int rc;
	if ((rc = bh_ing_op_begin(g, g->q_reject, 5)) < 0 ||
	    (rc = bh_ing_op_int(g, g->source_id, 0)) < 0 ||
	    (rc = line > 0 ? bh_ing_op_int(g, line, 0) : bh_ing_op_null(g)) < 0 ||
	    (rc = bh_ing_op_text(g, action, strlen(action))) < 0 ||
	    (rc = bh_ing_op_text(g, reason, strlen(reason))) < 0 ||
	    (rc = bh_ing_op_text(g, excerpt, excerpt ? strlen(excerpt) : 0)) < 0)
		return rc;
	return bh_ing_op_end(g, "reject insert");
}

static void clear_progress(bh_ing *g)
{
	if (g->opts->progress && g->last_progress > 0)
		fputs("\r\033[K", g->log);
}

int bh_ing_reject(bh_ing *g, int64_t line, const char *excerpt, size_t excerpt_len,
		  const char *fmt, ...)
{
	char reason[512], ex[256];
	va_list ap;
	int shown = g->opts->max_examples > 0 ? g->opts->max_examples : 5;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof reason, fmt, ap);
	va_end(ap);
	if (excerpt)
		excerpt_of(ex, sizeof ex, excerpt, excerpt_len);
	g->rejected++;
	if (g->rejected <= shown) {
		clear_progress(g);
		fprintf(g->log, "%s:%lld: rejected: %s\n", g->in->name, (long long)line, reason);
	}
	if (g->rejected > MAX_STORED_REJECTS)
		return 0;
	if (g->rejected == MAX_STORED_REJECTS)
		snprintf(reason, sizeof reason, "more than %d rejected rows; the rest are only counted",
			 MAX_STORED_REJECTS);
	return store_note(g, line, "rejected", reason, excerpt ? ex : NULL);
}

int bh_ing_warn(bh_ing *g, int64_t line, const char *fmt, ...)
{
	char reason[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof reason, fmt, ap);
	va_end(ap);
	g->warnings++;
	clear_progress(g);
	if (line > 0)
		fprintf(g->log, "%s:%lld: warning: %s\n", g->in->name, (long long)line, reason);
	else
		fprintf(g->log, "%s: warning: %s\n", g->in->name, reason);
	return store_note(g, line, "warning", reason, NULL);
}

/* ---- progress ------------------------------------------------------ */

void bh_ing_progress(bh_ing *g)
{
	if (!g->opts->progress || (g->rows & 1023))
		return;
	double t = now();
	if (t - g->last_progress < 0.2)
		return;
	g->last_progress = t;
	double el = t - g->t0, mb = g->in->nread / 1e6;
	fprintf(g->log, "\r\033[K%s: %lld rows, %.0f rows/s, %.1f MB/s", g->in->name,
		(long long)g->rows, el > 0 ? g->rows / el : 0.0, el > 0 ? mb / el : 0.0);
	if (g->in->size > 0 && g->in->nread > 0) {
		double frac = (double)g->in->nread / (double)g->in->size;
		double eta = frac > 0 ? el / frac - el : 0;
		fprintf(g->log, ", %.0f%%, ETA %.0fs", frac * 100, eta);
	}
	fflush(g->log);
}

/* ---- delimited rows ------------------------------------------------ */

/* Length of the valid UTF-8 sequence at p (1..4), or 0 if invalid. */
static size_t utf8_seq(const unsigned char *p, size_t n)
{
	unsigned char c = p[0];
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		return n >= 2 && (p[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c >= 0xE0 && c <= 0xEF) {
		if (n < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
			return 0;
		if (c == 0xE0 && p[1] < 0xA0)
			return 0; /* overlong */
		if (c == 0xED && p[1] >= 0xA0)
			return 0; /* surrogates */
		return 3;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		if (n < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80)
			return 0;
		if (c == 0xF0 && p[1] < 0x90)
			return 0;
		if (c == 0xF4 && p[1] >= 0x90)
			return 0;
		return 4;
	}
	return 0;
}

static int utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		/* fast path over ASCII, eight bytes at a time */
		while (i + 8 <= n) {
			uint64_t w;
			memcpy(&w, p + i, 8);
			if (w & 0x8080808080808080ULL)
				break;
			i += 8;
		}
		if (i >= n)
			break;
		size_t k = utf8_seq(p + i, n - i);
		if (!k)
			return 0;
		i += k;
	}
	return 1;
}

int bh_ing_utf8_row(bh_ing *g, bh_row *row)
{
	if (utf8_valid(row->raw, row->rawlen)) {
		/* raw covers every cell except after unescaping, which only
		 * removes ASCII quotes: still valid */
		return 0;
	}
	size_t need = 0;
	for (size_t i = 0; i < row->ncells; i++)
		need += row->cells[i].n * 2;
	bh_buf_clear(&g->scratch);
	if (bh_buf_reserve(&g->scratch, need) < 0)
		return 0;
	char *o = g->scratch.p;
	int repaired = 0;
	for (size_t i = 0; i < row->ncells; i++) {
		const unsigned char *p = (const unsigned char *)row->cells[i].p;
		size_t n = row->cells[i].n;
		if (utf8_valid((const char *)p, n))
			continue;
		char *start = o;
		for (size_t j = 0; j < n;) {
			size_t k = utf8_seq(p + j, n - j);
			if (k) {
				memcpy(o, p + j, k);
				o += k;
				j += k;
			} else {
				*o++ = (char)(0xC0 | (p[j] >> 6));
				*o++ = (char)(0x80 | (p[j] & 0x3F));
				j++;
			}
		}
		row->cells[i].p = start;
		row->cells[i].n = (size_t)(o - start);
		repaired = 1;
	}
	g->scratch.len = (size_t)(o - g->scratch.p);
	if (repaired) {
		g->repaired++;
		if (g->repaired == 1)
			bh_ing_warn(g, row->line, "invalid UTF-8; bytes decoded as Latin-1 "
				    "(this and every later such row is counted in source.repaired)");
		else
			store_note(g, row->line, "repaired", "invalid UTF-8 decoded as Latin-1", NULL);
	}
	return repaired;
}

int bh_header_index(const bh_row *header, const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 0; i < header->ncells; i++)
		if (header->cells[i].n == n && memcmp(header->cells[i].p, name, n) == 0)
			return (int)i;
	return -1;
}

int bh_head_has_columns(const char *head, size_t len, char delim, const char *const *names,
			int *ncells)
{
	const char *p = head, *e = head + len;
	int found = 0, cells = 0;

	if (len >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB &&
	    (unsigned char)p[2] == 0xBF)
		p += 3; /* UTF-8 byte-order mark */
	while (p < e && *p != '\n') {
		const char *s, *t;
		if (*p == '"') {
			s = ++p;
			while (p < e && *p != '"')
				p++;
			t = p;
			if (p < e)
				p++;
		} else {
			s = p;
			while (p < e && *p != delim && *p != '\n' && *p != '\r')
				p++;
			t = p;
		}
		cells++;
		for (const char *const *nm = names; *nm; nm++)
			if ((size_t)(t - s) == strlen(*nm) && memcmp(s, *nm, (size_t)(t - s)) == 0)
				found++;
		while (p < e && *p != delim && *p != '\n')
			p++;
		if (p < e && *p == delim)
			p++;
	}
	if (ncells)
		*ncells = cells;
	return found;
}

int bh_ing_csv_gate(bh_ing *g, bh_row *row, size_t expected)
{
	if (row->flags & BH_ROW_TOOLONG)
		return bh_ing_reject(g, row->line, row->raw, row->rawlen,
				     "row longer than the reader's cap (cut at its first line)"), 1;
	if (row->flags & BH_ROW_UNTERMINATED)
		return bh_ing_reject(g, row->line, row->raw, row->rawlen,
				     "quoted field never closed (runs to the end of the file)"), 1;
	if (row->flags & BH_ROW_BADQUOTE)
		return bh_ing_reject(g, row->line, row->raw, row->rawlen,
				     "malformed quoting: text after a closing quote"), 1;
	if (row->flags & BH_ROW_NUL)
		return bh_ing_reject(g, row->line, row->raw, row->rawlen, "NUL byte in row"), 1;
	if (expected && row->ncells != expected)
		return bh_ing_reject(g, row->line, row->raw, row->rawlen,
				     "%zu fields, expected %zu%s", row->ncells, expected,
				     (row->flags & BH_ROW_NOEOL) && row->ncells < expected
					     ? " (truncated last line?)" : ""), 1;
	bh_ing_utf8_row(g, row);
	return 0;
}

int bh_row_blank(const bh_row *row)
{
	/* a flagged row is never blank: an over-long last row without a line
	 * end comes back as one empty cell and must be rejected, not skipped */
	return row->ncells == 1 && row->cells[0].n == 0 && !(row->flags & ~(unsigned)BH_ROW_NOEOL);
}

/* ---- lifecycle (used by ingest.c) ---------------------------------- */

int bh_ing_init(bh_ing *g, bh_store *s, bh_input *in, const bh_ingest_opts *opts)
{
	int rc;
	memset(g, 0, sizeof *g);
	g->stmt_gen = 1;
	g->store = s;
	g->in = in;
	g->opts = opts;
	g->log = opts->log ? opts->log : stderr;
	g->t0 = now();
	if ((rc = bh_store_prepare(&g->q_ent_get, s, "SELECT rid FROM entity WHERE id=?")) < 0 ||
	    (rc = bh_store_prepare(&g->q_ent_put, s,
				   "INSERT INTO entity(id, kind, name) VALUES(?,?,?)")) < 0 ||
	    (rc = bh_store_prepare(&g->q_stmt, s,
				   "INSERT INTO statement(entity, prop, value, source_id, line, n)"
				   " VALUES(?,?,?,?,?,?)")) < 0 ||
	    (rc = bh_store_prepare(&g->q_link, s,
				   "INSERT INTO link(kind, src, dst, first_date, last_date, amount, n,"
				   " source_id, line) VALUES(?,?,?,?,?,?,?,?,?)")) < 0 ||
	    (rc = bh_store_prepare(&g->q_reject, s,
				   "INSERT INTO reject(source_id, line, action, reason, excerpt)"
				   " VALUES(?,?,?,?,?)")) < 0)
		return rc;
	return 0;
}

int bh_ing_flush(bh_ing *g)
{
	int rc;
	if ((rc = drain_stmts(g)) < 0 || (rc = flush_stmts(g)) < 0 || (rc = flush_links(g)) < 0)
		return rc;
	return bh_ing_sync(g);
}

int bh_ing_finish(bh_ing *g)
{
	int rc;
	if ((rc = drain_stmts(g)) < 0 || (rc = flush_stmts(g)) < 0 || (rc = flush_links(g)) < 0 ||
	    (rc = bh_ing_stop_writer(g)) < 0)
		return rc;
	clear_progress(g);
	return 0;
}

void bh_ing_cleanup(bh_ing *g)
{
	bh_ing_stop_writer(g);
	sqlite3_finalize(g->q_ent_get);
	sqlite3_finalize(g->q_ent_put);
	sqlite3_finalize(g->q_stmt);
	sqlite3_finalize(g->q_link);
	sqlite3_finalize(g->q_reject);
	bh_map_free(&g->entities);
	bh_map_free(&g->stmts);
	bh_buf_free(&g->swait_keys);
	bh_map_free(&g->links);
	bh_map_free(&g->remap);
	free(g->stmt_arr);
	free(g->link_arr);
	bh_buf_free(&g->scratch);
	memset(g, 0, sizeof *g);
}
