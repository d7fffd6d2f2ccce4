/* The ingest writer: SQLite statements executed on a second thread while
 * the reader thread parses and transforms the next rows (ingestInt.h, "ops").
 *
 * The reader thread records each statement execution as an op (statement
 * pointer plus its values, text copied) into a batch; full batches go to
 * the writer thread, which binds and steps them in order on the store's
 * connection. While the writer runs, only it touches the connection;
 * bh_ing_sync() waits until it has drained, after which the caller may use
 * the connection directly again.
 *
 * Entity rowids: the reader thread cannot look entities up while the writer
 * owns the connection, so bh_ing_entity() hands out provisional rowids from
 * a counter above max(rid) and queues an entity op; the writer, running it,
 * maps the provisional rowid to the stored entity when the id already
 * exists (from an earlier source), and inserts it otherwise. Values bound as
 * rids pass through that map. Without a writer thread, ops run at once. */
#include "ingest/ingestInt.h"
#include "util/err.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NBATCH 4
#define BATCH_BYTES ((size_t)1 << 20)

enum { V_NULL, V_INT, V_RID, V_TEXT };

typedef struct {
	char *p;
	size_t len;
} batch;

struct bh_writer {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	batch b[NBATCH];
	int queued;   /* batches handed over, not yet done */
	int next;     /* index of the next batch the writer takes */
	int cur;      /* index of the batch being filled */
	int stop;
	int rc;       /* first error of the writer */
	char msg[1024];
	double cpu;    /* the thread's CPU seconds, when it ended */
	bh_map *remap; /* provisional rid -> stored rid; g->remap, outlives the thread */
	bh_store *store;
	sqlite3_stmt *ent_get, *ent_put;
};

static void put(batch *b, const void *p, size_t n)
{
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

/* ---- the writer thread ---------------------------------------------- */

static int64_t remap(bh_map *m, int64_t rid)
{
	int64_t *v;
	if (m->count && bh_map_get(&v, m, &rid, sizeof rid))
		return *v;
	return rid;
}

/* Entity op: values rid, id, kind, name (already bound to ent_put, which
 * does nothing when the id is stored). Most entities of a bulk load are
 * new: the insert's own probe of the id index finds out, and only an id
 * that was already there is looked up for its rowid. */
static int entity_op(struct bh_writer *w, int64_t rid, const char *id, int idlen)
{
	int rc = sqlite3_step(w->ent_put);
	sqlite3_reset(w->ent_put);
	if (rc != SQLITE_DONE)
		return bh_store_fail(w->store, "entity insert");
	if (sqlite3_changes(w->store->db))
		return 0;
	sqlite3_bind_text(w->ent_get, 1, id, idlen, SQLITE_STATIC);
	rc = sqlite3_step(w->ent_get);
	if (rc == SQLITE_ROW) {
		int64_t real = sqlite3_column_int64(w->ent_get, 0), *v;
		sqlite3_reset(w->ent_get);
		if (bh_map_put(&v, NULL, w->remap, &rid, sizeof rid) < 0)
			return BH_ENOMEM;
		*v = real;
		return 0;
	}
	sqlite3_reset(w->ent_get);
	return bh_store_fail(w->store, "entity lookup");
}

static int exec_batch(struct bh_writer *w, const batch *b)
{
	size_t o = 0;
	while (o < b->len) {
		sqlite3_stmt *q;
		int32_t n;
		int64_t first_int = 0;
		const char *first_text = NULL;
		int first_len = 0;
		memcpy(&q, b->p + o, sizeof q);
		o += sizeof q;
		memcpy(&n, b->p + o, 4);
		o += 4;
		sqlite3_stmt *target = q ? q : w->ent_put;
		for (int k = 1; k <= n; k++) {
			char t = b->p[o++];
			if (t == V_NULL) {
				sqlite3_bind_null(target, k);
			} else if (t == V_INT || t == V_RID) {
				int64_t v;
				memcpy(&v, b->p + o, 8);
				o += 8;
				if (k == 1)
					first_int = v;
				sqlite3_bind_int64(target, k, t == V_RID && q ? remap(w->remap, v) : v);
			} else {
				uint32_t len;
				memcpy(&len, b->p + o, 4);
				o += 4;
				if (k == 2 && !first_text) {
					first_text = b->p + o;
					first_len = (int)len;
				}
				sqlite3_bind_text(target, k, b->p + o, (int)len, SQLITE_STATIC);
				o += len;
			}
		}
		int rc;
		if (!q) {
			if ((rc = entity_op(w, first_int, first_text, first_len)) < 0)
				return rc;
			continue;
		}
		rc = sqlite3_step(q);
		sqlite3_reset(q);
		if (rc != SQLITE_DONE && rc != SQLITE_ROW)
			return bh_store_fail(w->store, "insert");
	}
	return 0;
}

static void *writer_main(void *arg)
{
	struct bh_writer *w = arg;
	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (!w->queued && !w->stop)
			pthread_cond_wait(&w->cv, &w->mu);
		if (!w->queued && w->stop)
			break;
		batch *b = &w->b[w->next];
		pthread_mutex_unlock(&w->mu);
		int rc = w->rc ? 0 : exec_batch(w, b);
		pthread_mutex_lock(&w->mu);
		if (rc < 0 && !w->rc) {
			w->rc = rc;
			snprintf(w->msg, sizeof w->msg, "%s", bh_error_last());
		}
		b->len = 0;
		w->next = (w->next + 1) % NBATCH;
		w->queued--;
		pthread_cond_broadcast(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
	struct timespec t;
	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t) == 0)
		w->cpu = (double)t.tv_sec + t.tv_nsec / 1e9;
	return NULL;
}

/* Hands the batch being filled to the writer and takes a free one. */
static int hand_over(bh_ing *g)
{
	struct bh_writer *w = g->writer;
	int rc;
	pthread_mutex_lock(&w->mu);
	if (w->b[w->cur].len) {
		while (w->queued == NBATCH - 1)
			pthread_cond_wait(&w->cv, &w->mu);
		w->queued++;
		w->cur = (w->cur + 1) % NBATCH;
		pthread_cond_broadcast(&w->cv);
	}
	rc = w->rc;
	pthread_mutex_unlock(&w->mu);
	if (rc)
		return bh_error_set(rc, "%s", w->msg);
	return 0;
}

static int room_(bh_ing *g, size_t n);

/* Makes room for n more bytes of the current op; a failure is also kept
 * in g->op_rc for bh_ing_op_end(). */
static int room(bh_ing *g, size_t n)
{
	int rc = room_(g, n);
	if (rc < 0 && !g->op_rc)
		g->op_rc = rc;
	return rc;
}

static int room_(bh_ing *g, size_t n)
{
	batch *b = &g->writer->b[g->writer->cur];
	if (b->len + n <= BATCH_BYTES)
		return 0;
	/* an op never spans batches: move the unfinished one along */
	size_t keep = b->len - g->op_start;
	char tmp[256];
	char *saved = keep <= sizeof tmp ? tmp : malloc(keep);
	if (!saved)
		return bh_error_set(BH_ENOMEM, "out of memory");
	memcpy(saved, b->p + g->op_start, keep);
	b->len = g->op_start;
	int rc = hand_over(g);
	if (rc == 0) {
		b = &g->writer->b[g->writer->cur];
		memcpy(b->p, saved, keep);
		b->len = keep;
		g->op_start = 0;
	}
	if (saved != tmp)
		free(saved);
	return rc;
}

/* ---- the API of ingestInt.h ----------------------------------------- */

int bh_ing_start_writer(bh_ing *g)
{
	struct bh_writer *w;
	sqlite3_stmt *q = NULL;
	int rc;

	if (g->writer)
		return 0;
	if ((rc = bh_store_prepare(&q, g->store, "SELECT coalesce(max(rid), 0) FROM entity")) < 0)
		return rc;
	g->next_rid = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) + 1 : 1;
	sqlite3_finalize(q);
	w = calloc(1, sizeof *w);
	if (!w)
		return bh_error_set(BH_ENOMEM, "out of memory");
	w->store = g->store;
	w->remap = &g->remap;
	for (int i = 0; i < NBATCH; i++)
		if (!(w->b[i].p = malloc(BATCH_BYTES))) {
			rc = bh_error_set(BH_ENOMEM, "out of memory");
			goto fail;
		}
	if ((rc = bh_store_prepare(&w->ent_get, g->store, "SELECT rid FROM entity WHERE id = ?")) < 0 ||
	    (rc = bh_store_prepare(&w->ent_put, g->store,
				   "INSERT INTO entity(rid, id, kind, name) VALUES(?,?,?,?)"
				   " ON CONFLICT(id) DO NOTHING")) < 0)
		goto fail;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
		pthread_mutex_destroy(&w->mu);
		pthread_cond_destroy(&w->cv);
		rc = bh_error_set(BH_ERR, "cannot start the writer thread");
		goto fail;
	}
	g->writer = w;
	return 0;
fail:
	sqlite3_finalize(w->ent_get);
	sqlite3_finalize(w->ent_put);
	for (int i = 0; i < NBATCH; i++)
		free(w->b[i].p);
	free(w);
	return rc;
}

int bh_ing_sync(bh_ing *g)
{
	struct bh_writer *w = g->writer;
	int rc;
	if (!w)
		return 0;
	if ((rc = hand_over(g)) < 0)
		return rc;
	pthread_mutex_lock(&w->mu);
	while (w->queued)
		pthread_cond_wait(&w->cv, &w->mu);
	rc = w->rc;
	pthread_mutex_unlock(&w->mu);
	return rc ? bh_error_set(rc, "%s", w->msg) : 0;
}

int bh_ing_stop_writer(bh_ing *g)
{
	struct bh_writer *w = g->writer;
	int rc;
	if (!w)
		return 0;
	rc = bh_ing_sync(g);
	pthread_mutex_lock(&w->mu);
	w->stop = 1;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	if (getenv("BEHIND_TIMING"))
		fprintf(stderr, "timing: writer thread CPU %.3f s\n", w->cpu);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	sqlite3_finalize(w->ent_get);
	sqlite3_finalize(w->ent_put);
	for (int i = 0; i < NBATCH; i++)
		free(w->b[i].p);
	free(w);
	g->writer = NULL;
	return rc;
}

int64_t bh_ing_stored_rid(bh_ing *g, int64_t rid)
{
	return remap(&g->remap, rid);
}

int bh_ing_op_begin(bh_ing *g, sqlite3_stmt *q, int nvals)
{
	if (!g->writer) {
		g->op_stmt = q;
		g->op_k = 1;
		return 0;
	}
	int rc = room(g, sizeof q + 4);
	if (rc < 0)
		return rc;
	batch *b = &g->writer->b[g->writer->cur];
	g->op_start = b->len;
	put(b, &q, sizeof q);
	int32_t n = nvals;
	put(b, &n, 4);
	return 0;
}

int bh_ing_op_int(bh_ing *g, int64_t v, int is_rid)
{
	if (!g->writer) {
		/* rowids handed out while a writer ran may need mapping */
		sqlite3_bind_int64(g->op_stmt, g->op_k++, is_rid ? remap(&g->remap, v) : v);
		return 0;
	}
	int rc = room(g, 9);
	if (rc < 0)
		return rc;
	batch *b = &g->writer->b[g->writer->cur];
	b->p[b->len++] = is_rid ? V_RID : V_INT;
	put(b, &v, 8);
	return 0;
}

int bh_ing_op_null(bh_ing *g)
{
	if (!g->writer) {
		sqlite3_bind_null(g->op_stmt, g->op_k++);
		return 0;
	}
	int rc = room(g, 1);
	if (rc < 0)
		return rc;
	batch *b = &g->writer->b[g->writer->cur];
	b->p[b->len++] = V_NULL;
	return 0;
}

int bh_ing_op_text(bh_ing *g, const char *p, size_t n)
{
	if (!p || !n)
		return bh_ing_op_null(g);
	if (!g->writer) {
		sqlite3_bind_text(g->op_stmt, g->op_k++, p, (int)n, SQLITE_TRANSIENT);
		return 0;
	}
	if (n > BATCH_BYTES / 4)
		return g->op_rc = bh_error_set(BH_ETOOBIG, "a value of %zu bytes is too long to store", n);
	int rc = room(g, 5 + n);
	if (rc < 0)
		return rc;
	batch *b = &g->writer->b[g->writer->cur];
	uint32_t len = (uint32_t)n;
	b->p[b->len++] = V_TEXT;
	put(b, &len, 4);
	put(b, p, n);
	return 0;
}

int bh_ing_op_end(bh_ing *g, const char *what)
{
	if (g->op_rc) {
		int rc = g->op_rc;
		g->op_rc = 0;
		return rc;
	}
	if (g->writer)
		return 0;
	int rc = sqlite3_step(g->op_stmt);
	sqlite3_reset(g->op_stmt);
	sqlite3_clear_bindings(g->op_stmt);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return bh_store_fail(g->store, what);
	return 0;
}
