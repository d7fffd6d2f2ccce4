/* `behind path`: the shortest chains of links between two clusters, and the
 * alternatives one hop longer, ranked. Also the pieces path, export and cite
 * share: a cluster's neighbours read from `link` (both directions, through
 * the link_src and link_dst indexes, each end mapped to its cluster), the
 * ball of clusters around one, and the official URL of a link's record.
 *
 * The search: breadth-first from both ends, always widening the side whose
 * frontier reads fewer rows (the sum of its nodes' neighbour counts, which
 * cluster_edge keeps beside each neighbour; the frontier's size on the link
 * route) by one whole level, until the two balls touch; that gives the
 * shortest length d. A leaf (a cluster with one neighbour) can only be an
 * end of a simple path, so through cluster_edge the search never adds one
 * other than the two ends: a committee with a million one-off contributors
 * is one range read, not a million nodes. The cap on nodes is then a bound
 * on the entities that can be inside a path, not on the store. The ball of one side is then widened once
 * more, and a depth-first walk from the other end enumerates every simple
 * path of at most d + 1 hops, pruned by the distance to the target that the
 * ball proves (a node outside a ball of radius r is more than r away).
 * Where the next hop must lie inside the target's ball, it is read from
 * the links of the ball (all read by the search), not from the node's own:
 * a hub two hops from the target is passed, not read (rev_build).
 * Every table here is capped (nodes, adjacency entries, paths, steps) so a
 * hub with a million links cannot take the machine: the walk reports
 * `truncated`, the search fails with BH_ETOOBIG naming the cap. */
#include "query/graph.h"
#include "query/queryInt.h"

#include <stdlib.h>
#include <string.h>

#define MAX_NODES ((size_t)1 << 20) /* $BEHIND_PATH_MAX_NODES lowers it (tests) */
#define MAX_ADJ ((size_t)8 << 20)
#define MAX_STEPS 5000000L

typedef struct {
	int64_t rid;
	int d[2];     /* distance from end 0 (a) and end 1 (b), -1 unknown */
	size_t off;   /* first adjacency entry */
	int32_t nadj; /* -1 while not fetched */
	int32_t deg;  /* neighbours, from cluster_edge; 1 when not known */
	int onpath;
} gnode;

typedef struct {
	uint32_t node;  /* index into nodes */
	uint32_t count; /* link rows between the two clusters */
} gadj;

typedef struct {
	bh_store *s;
	sqlite3_stmt *nbr;
	int edges; /* 1: nbr reads cluster_edge (precompute.c), already collapsed */
	int degs;  /* 1: ... with each neighbour's degree (its column deg) */
	int leaves;     /* 1: leaves other than end[] are not added (path, not ball) */
	int64_t end[2]; /* the two ends' rids */
	size_t max_nodes;
	uint32_t *slot; /* open addressing on rid: node index + 1, 0 empty */
	size_t nslot;   /* a power of two, at least twice nnodes */
	gnode *nodes;
	size_t nnodes, capnodes;
	gadj *adj;
	size_t nadj, capadj;
	int64_t *tmp; /* neighbour rids of one fetch */
	size_t ntmp, captmp;
} graph;

static const char q_neighbours[] =
	"WITH m(r) AS (SELECT ?1 UNION SELECT entity FROM cluster WHERE canon = ?1)"
	" SELECT coalesce(c.canon, l.dst) FROM m JOIN link l ON l.src = m.r"
	"   LEFT JOIN cluster c ON c.entity = l.dst"
	" UNION ALL"
	" SELECT coalesce(c.canon, l.src) FROM m JOIN link l ON l.dst = m.r"
	"   LEFT JOIN cluster c ON c.entity = l.src";

/* The same when no entity is resolved into another (no cluster rows): each
 * end is its own node, and the lookups of `cluster` can go. */
static const char q_neighbours_plain[] =
	"SELECT dst FROM link WHERE src = ?1 UNION ALL SELECT src FROM link WHERE dst = ?1";

/* The same from the precomputed cluster graph: one primary-key range,
 * neighbours in rid order with their link-row counts. */
static const char q_neighbours_edges[] =
	"SELECT b, links, deg FROM cluster_edge WHERE a = ?1 AND leaf = 0"
	" UNION ALL SELECT b, links, deg FROM cluster_edge WHERE a = ?1 AND leaf = 1";
/* The same without the leaves other than the ends ?2 and ?3 (path): each
 * leaf is an end or passed by, so only the ends are looked up. */
static const char q_neighbours_edges_path[] =
	"SELECT b, links, deg FROM cluster_edge WHERE a = ?1 AND leaf = 0"
	" UNION ALL SELECT b, links, deg FROM cluster_edge WHERE a = ?1 AND leaf = 1 AND b IN (?2, ?3)";
/* cluster_edge built before it kept the degrees */
static const char q_neighbours_edges_nodeg[] = "SELECT b, links FROM cluster_edge WHERE a = ?1";

static void graph_free(graph *g)
{
	sqlite3_finalize(g->nbr);
	free(g->slot);
	free(g->nodes);
	free(g->adj);
	free(g->tmp);
	memset(g, 0, sizeof *g);
}

/* Grows *p (of *cap elements of size `sz`) to hold `need`, up to `max`. */
static int grow(void **p, size_t *cap, size_t need, size_t sz, size_t max, const char *what)
{
	if (need <= *cap)
		return 0;
	if (need > max)
		return bh_error_set(BH_ETOOBIG,
				    "path search too wide: more than %zu %s within reach; lower --max-hops",
				    max, what);
	size_t n = *cap ? *cap : 1024;
	while (n < need)
		n *= 2;
	if (n > max)
		n = max;
	void *q = realloc(*p, n * sz);
	if (!q)
		return bh_error_set(BH_ENOMEM, "out of memory in path search");
	*p = q;
	*cap = n;
	return 0;
}

static size_t slot_of(const graph *g, int64_t rid)
{
	size_t i = (size_t)(((uint64_t)rid * 0x9E3779B97F4A7C15ull) >> 32) & (g->nslot - 1);
	while (g->slot[i] && g->nodes[g->slot[i] - 1].rid != rid)
		i = (i + 1) & (g->nslot - 1);
	return i;
}

/* Doubles the rid table (a generic byte-key map here cost a fifth of a
 * hub's search). */
static int rehash(graph *g)
{
	size_t n = g->nslot ? g->nslot * 2 : 4096;
	uint32_t *old = g->slot;
	if (!(g->slot = calloc(n, sizeof *g->slot))) {
		g->slot = old;
		return bh_error_set(BH_ENOMEM, "out of memory in path search");
	}
	g->nslot = n;
	for (size_t k = 0; k < g->nnodes; k++)
		g->slot[slot_of(g, g->nodes[k].rid)] = (uint32_t)(k + 1);
	free(old);
	return 0;
}

/* The index of the node of `rid`, added when new. */
static int node_of(graph *g, int64_t rid, uint32_t *out)
{
	int rc;
	if (2 * (g->nnodes + 1) > g->nslot && (rc = rehash(g)) < 0)
		return rc;
	size_t i = slot_of(g, rid);
	if (!g->slot[i]) {
		if ((rc = grow((void **)&g->nodes, &g->capnodes, g->nnodes + 1, sizeof *g->nodes,
			       g->max_nodes, "entities")) < 0)
			return rc;
		gnode *n = &g->nodes[g->nnodes];
		memset(n, 0, sizeof *n);
		n->rid = rid;
		n->d[0] = n->d[1] = -1;
		n->nadj = -1;
		n->deg = 1;
		g->slot[i] = (uint32_t)++g->nnodes;
	}
	*out = g->slot[i] - 1;
	return 0;
}

static int cmp_i64(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
	return (a > b) - (a < b);
}

/* expand() from cluster_edge: the rows are the collapsed adjacency. The
 * link rows behind them are capped as the other route caps them. Leaves
 * are passed by when g->leaves (they are counted in no cap either). */
static int expand_edges(graph *g, uint32_t i)
{
	int rc;
	size_t off = g->nadj, rows = 0;
	while ((rc = sqlite3_step(g->nbr)) == SQLITE_ROW) {
		int64_t b = sqlite3_column_int64(g->nbr, 0), n = sqlite3_column_int64(g->nbr, 1);
		int64_t deg = g->degs ? sqlite3_column_int64(g->nbr, 2) : 1;
		uint32_t j;
		if (g->leaves && g->degs && deg == 1 && b != g->end[0] && b != g->end[1])
			continue;
		rows += (size_t)n;
		if (rows > MAX_ADJ)
			return bh_error_set(BH_ETOOBIG, "path search too wide: more than %zu links"
					    " within reach; lower --max-hops", MAX_ADJ);
		if ((rc = node_of(g, b, &j)) < 0 ||
		    (rc = grow((void **)&g->adj, &g->capadj, g->nadj + 1, sizeof *g->adj, MAX_ADJ,
			       "links")) < 0)
			return rc;
		g->nodes[j].deg = deg > INT32_MAX ? INT32_MAX : (int32_t)deg;
		g->adj[g->nadj++] = (gadj){j, (uint32_t)n};
	}
	if (rc != SQLITE_DONE)
		return bh_store_fail(g->s, "path: reading the cluster graph");
	g->nodes[i].off = off;
	g->nodes[i].nadj = (int32_t)(g->nadj - off);
	return 0;
}

/* Reads the neighbours of node i (once): every link row from or to a member
 * of its cluster, collapsed per neighbouring cluster with a row count. */
static int expand(graph *g, uint32_t i)
{
	int rc = 0;
	if (g->nodes[i].nadj >= 0)
		return 0;
	int64_t rid = g->nodes[i].rid;
	sqlite3_reset(g->nbr);
	sqlite3_bind_int64(g->nbr, 1, rid);
	if (g->degs && g->end[1]) {
		sqlite3_bind_int64(g->nbr, 2, g->end[0]);
		sqlite3_bind_int64(g->nbr, 3, g->end[1]);
	}
	if (g->edges)
		return expand_edges(g, i);
	g->ntmp = 0;
	while ((rc = sqlite3_step(g->nbr)) == SQLITE_ROW) {
		int64_t o = sqlite3_column_int64(g->nbr, 0);
		if (o == rid)
			continue;
		if ((rc = grow((void **)&g->tmp, &g->captmp, g->ntmp + 1, sizeof *g->tmp, MAX_ADJ,
			       "links")) < 0)
			return rc;
		g->tmp[g->ntmp++] = o;
	}
	if (rc != SQLITE_DONE)
		return bh_store_fail(g->s, "path: reading links");
	if (g->ntmp > 1)
		qsort(g->tmp, g->ntmp, sizeof *g->tmp, cmp_i64);
	size_t off = g->nadj;
	for (size_t k = 0; k < g->ntmp;) {
		size_t e = k;
		while (e < g->ntmp && g->tmp[e] == g->tmp[k])
			e++;
		uint32_t j;
		if ((rc = node_of(g, g->tmp[k], &j)) < 0 ||
		    (rc = grow((void **)&g->adj, &g->capadj, g->nadj + 1, sizeof *g->adj, MAX_ADJ,
			       "links")) < 0)
			return rc;
		g->adj[g->nadj++] = (gadj){j, (uint32_t)(e - k)};
		k = e;
	}
	g->nodes[i].off = off;
	g->nodes[i].nadj = (int32_t)(g->nadj - off);
	return 0;
}

/* 1 when rid is its cluster's canonical entity (or in no cluster). */
static int is_canon(bh_store *s, int64_t rid)
{
	sqlite3_stmt *q = NULL;
	int yes = 0;
	if (bh_store_prepare(&q, s, "SELECT NOT EXISTS (SELECT 1 FROM cluster"
				    " WHERE entity = ?1 AND canon <> ?1)") == 0) {
		sqlite3_bind_int64(q, 1, rid);
		yes = sqlite3_step(q) == SQLITE_ROW && sqlite3_column_int(q, 0);
	}
	sqlite3_finalize(q);
	return yes;
}

/* Picks the route: the precomputed cluster graph when it is fresh and the
 * search starts from canonical entities (it holds no member's own links),
 * else `link` and `cluster` read directly. $BEHIND_PATH_ROUTE=link forces
 * the latter (the benchmark's old-vs-new comparison). */
static int graph_init(graph *g, bh_store *s, int64_t a, int64_t b)
{
	memset(g, 0, sizeof *g);
	g->s = s;
	g->end[0] = a;
	g->end[1] = b;
	sqlite3_stmt *q = NULL;
	int fresh = 0;
	const char *route = getenv("BEHIND_PATH_ROUTE"), *cap = getenv("BEHIND_PATH_MAX_NODES");
	g->max_nodes = cap && atol(cap) > 0 && (size_t)atol(cap) < MAX_NODES ? (size_t)atol(cap)
									     : MAX_NODES;
	int rc = route && strcmp(route, "link") == 0 ? 0 : bh_query_precomputed(&fresh, s);
	if (rc < 0)
		return rc;
	if (fresh && is_canon(s, a) && (!b || is_canon(s, b))) {
		g->edges = 1;
		/* a store whose tables predate `deg` until its next resolve */
		if (sqlite3_prepare_v2(s->db, b ? q_neighbours_edges_path : q_neighbours_edges, -1,
				       &g->nbr, NULL) == SQLITE_OK) {
			g->degs = 1;
			return 0;
		}
		sqlite3_finalize(g->nbr);
		g->nbr = NULL;
		return bh_store_prepare(&g->nbr, s, q_neighbours_edges_nodeg);
	}
	if ((rc = bh_store_prepare(&q, s, "SELECT EXISTS (SELECT 1 FROM cluster)")) < 0)
		return rc;
	int clustered = sqlite3_step(q) == SQLITE_ROW && sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	return bh_store_prepare(&g->nbr, s, clustered ? q_neighbours : q_neighbours_plain);
}

/* ---- breadth-first levels ------------------------------------------------ */

typedef struct {
	uint32_t *v;
	size_t n, cap;
} ulist;

static int ulist_push(ulist *l, uint32_t x)
{
	int rc = grow((void **)&l->v, &l->cap, l->n + 1, sizeof *l->v, MAX_NODES, "entities");
	if (rc == 0)
		l->v[l->n++] = x;
	return rc;
}

/* Widens side `side` by one level: every node of `front` is expanded, the
 * new nodes (distance r + 1) go to `next`, the sum of their degrees (what
 * widening `next` reads) to *cost. */
static int widen(graph *g, int side, int r, const ulist *front, ulist *next, uint64_t *cost)
{
	int rc = 0;
	next->n = 0;
	*cost = 0;
	if (getenv("BH_PATH_TRACE"))
		fprintf(stderr, "path: widen side %d from radius %d: %zu nodes, %zu known\n", side, r,
			front->n, g->nnodes);
	for (size_t k = 0; k < front->n; k++) {
		uint32_t i = front->v[k];
		if ((rc = expand(g, i)) < 0)
			return rc;
		const gnode *n = &g->nodes[i]; /* no node is added below */
		for (int32_t e = 0; e < n->nadj; e++) {
			gnode *m = &g->nodes[g->adj[n->off + (size_t)e].node];
			if (m->d[side] >= 0)
				continue;
			m->d[side] = r + 1;
			*cost += (uint64_t)m->deg;
			if ((rc = ulist_push(next, g->adj[n->off + (size_t)e].node)) < 0)
				return rc;
		}
	}
	return 0;
}

/* ---- depth-first enumeration ------------------------------------------- */

/* The ranking of bh_graph_paths (graph.h): fewer hops, the thicker thinnest
 * hop, more link rows, then the rids from a. */
static int cmp_path(const void *x, const void *y)
{
	const bh_path *a = x, *b = y;
	if (a->hops != b->hops)
		return a->hops - b->hops;
	if (a->weakest != b->weakest)
		return a->weakest > b->weakest ? -1 : 1;
	if (a->links != b->links)
		return a->links > b->links ? -1 : 1;
	for (int k = 0; k <= a->hops; k++)
		if (a->nodes[k] != b->nodes[k])
			return a->nodes[k] < b->nodes[k] ? -1 : 1;
	return 0;
}


/* A link seen from the target's side: `from` is a neighbour of `to`, a
 * node of the target's ball inside its radius (whose links are all read). */
typedef struct {
	uint32_t from, to, count;
} revadj;

typedef struct {
	graph *g;
	uint32_t target;
	int side_of_target; /* which distance proves closeness to target */
	int radius;         /* the target's ball: every node within it is known */
	int lmax;
	int reversed; /* 1: the walk starts from b, paths are kept from a */
	uint32_t stack[BH_PATH_MAX_HOPS + 1];
	uint32_t count[BH_PATH_MAX_HOPS + 1]; /* link rows of the hop into stack[k] */
	revadj *rev; /* rev_build: the links into the target's ball, by their outer end */
	size_t nrev;
	bh_path *found; /* the best `keep` paths so far, in no order */
	size_t nfound, capfound, keep, worst;
	long steps;
	int truncated;
} walk;

static int lower_bound(const walk *w, uint32_t i)
{
	int d = w->g->nodes[i].d[w->side_of_target];
	return d >= 0 ? d : w->radius + 1;
}

/* Ranks the path on the stack among the best `keep` found so far: every
 * path is ranked, so the answer does not depend on the order of the walk. */
static int record(walk *w, int hops)
{
	int64_t nodes[BH_PATH_MAX_HOPS + 1];
	bh_path p = {nodes, hops, INT64_MAX, 0};
	for (int k = 0; k <= hops; k++)
		nodes[w->reversed ? hops - k : k] = w->g->nodes[w->stack[k]].rid;
	for (int k = 1; k <= hops; k++) {
		p.links += w->count[k];
		if (w->count[k] < p.weakest)
			p.weakest = w->count[k];
	}
	bh_path *slot;
	if (w->nfound < w->keep) {
		int rc = grow((void **)&w->found, &w->capfound, w->nfound + 1, sizeof *w->found,
			      BH_PATH_MAX_FOUND, "paths");
		if (rc < 0)
			return rc;
		slot = &w->found[w->nfound++];
		slot->nodes = NULL;
	} else {
		if (cmp_path(&p, &w->found[w->worst]) >= 0)
			return 0;
		slot = &w->found[w->worst];
	}
	int64_t *keep = realloc(slot->nodes, (size_t)(hops + 1) * sizeof *keep);
	if (!keep)
		return bh_error_set(BH_ENOMEM, "out of memory in path search");
	memcpy(keep, nodes, (size_t)(hops + 1) * sizeof *keep);
	*slot = p;
	slot->nodes = keep;
	if (w->nfound == w->keep) { /* the next one to give way */
		w->worst = 0;
		for (size_t k = 1; k < w->nfound; k++)
			if (cmp_path(&w->found[k], &w->found[w->worst]) > 0)
				w->worst = k;
	}
	return 0;
}

static int cmp_rev(const void *x, const void *y)
{
	const revadj *a = x, *b = y;
	if (a->from != b->from)
		return (a->from > b->from) - (a->from < b->from);
	return (a->to > b->to) - (a->to < b->to);
}

/* Fills w->rev: every link of the nodes within radius - 1 of the target
 * (widened, so read whole), by the node at its other end. A node whose
 * next hop must lie that close to the target finds its hops there, without
 * reading its own links: a hub of thousands of neighbours two hops from
 * the target is not read for the one or two that lead to it. */
static int rev_build(walk *w)
{
	graph *g = w->g;
	size_t n = 0, cap = 0;
	for (size_t k = 0; k < g->nnodes; k++) {
		const gnode *t = &g->nodes[k];
		if (t->d[w->side_of_target] < 0 || t->d[w->side_of_target] > w->radius - 1)
			continue;
		for (int32_t e = 0; e < t->nadj; e++) {
			int rc = grow((void **)&w->rev, &cap, n + 1, sizeof *w->rev, MAX_ADJ, "links");
			if (rc < 0)
				return rc;
			const gadj *a = &g->adj[t->off + (size_t)e];
			w->rev[n++] = (revadj){a->node, (uint32_t)k, a->count};
		}
	}
	if (n > 1)
		qsort(w->rev, n, sizeof *w->rev, cmp_rev);
	w->nrev = n;
	return 0;
}

/* Extends the path stack[0..pos] in every way that can still reach the
 * target within lmax hops. The next node must be within lmax - pos - 1 of
 * the target: when that is inside the target's ball (w->rev), the node's
 * hops are read there, else from its own links (read once). The hops are
 * the same either way (a link counts the same rows from both ends), only
 * their order differs, and every path is ranked (record). Returns 1 to
 * stop (a cap), 0, or an error. */
static int dfs(walk *w, int pos)
{
	int rc;
	uint32_t i = w->stack[pos];
	size_t first = 0, n;
	int from_rev = w->rev && w->lmax - pos - 1 <= w->radius - 1;
	if (++w->steps > MAX_STEPS) {
		w->truncated = 1;
		return 1;
	}
	if (from_rev) {
		size_t lo = 0, hi = w->nrev;
		while (lo < hi) { /* the first entry from i */
			size_t mid = lo + (hi - lo) / 2;
			if (w->rev[mid].from < i)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (first = lo, n = 0; first + n < w->nrev && w->rev[first + n].from == i; n++)
			;
	} else {
		if ((rc = expand(w->g, i)) < 0)
			return rc;
		n = (size_t)w->g->nodes[i].nadj;
	}
	w->g->nodes[i].onpath = 1;
	for (size_t e = 0; e < n; e++) {
		/* g->adj may move when dfs below reads more links: indexed anew */
		gadj a = from_rev ? (gadj){w->rev[first + e].to, w->rev[first + e].count}
				  : w->g->adj[w->g->nodes[i].off + e];
		uint32_t j = a.node;
		w->count[pos + 1] = a.count;
		if (j == w->target) {
			w->stack[pos + 1] = j;
			if ((rc = record(w, pos + 1)) != 0)
				goto done;
			continue;
		}
		if (w->g->nodes[j].onpath || pos + 1 >= w->lmax ||
		    pos + 1 + lower_bound(w, j) > w->lmax)
			continue;
		w->stack[pos + 1] = j;
		if ((rc = dfs(w, pos + 1)) != 0)
			goto done;
	}
	rc = 0;
done:
	w->g->nodes[i].onpath = 0;
	return rc;
}

/* The degree of node i (an end) from cluster_edge, for the first choice of
 * side; 1 on the other routes, where the sides are weighed by their sizes. */
static int end_degree(graph *g, uint32_t i)
{
	sqlite3_stmt *q = NULL;
	if (!g->degs)
		return 0;
	int rc = bh_store_prepare(&q, g->s, "SELECT count(*) FROM cluster_edge WHERE a = ?1");
	if (rc < 0)
		return rc;
	sqlite3_bind_int64(q, 1, g->nodes[i].rid);
	if (sqlite3_step(q) == SQLITE_ROW) {
		int64_t n = sqlite3_column_int64(q, 0);
		g->nodes[i].deg = n > INT32_MAX ? INT32_MAX : (int32_t)n;
	} else {
		rc = bh_store_fail(g->s, "path: reading a degree");
	}
	sqlite3_finalize(q);
	return rc;
}

void bh_paths_free(bh_paths *p)
{
	if (!p)
		return;
	for (size_t k = 0; k < p->n; k++)
		free(p->v[k].nodes);
	free(p->v);
	memset(p, 0, sizeof *p);
}

int bh_graph_paths(bh_paths *out, bh_store *s, int64_t a, int64_t b, int max_hops, int limit)
{
	graph g;
	ulist front[2] = {{0}}, next = {0};
	walk w = {0};
	int r[2] = {0, 0}, d = 0;
	uint64_t cost[2];
	uint32_t end[2];
	int rc = graph_init(&g, s, a, b);
	g.leaves = 1;
	memset(out, 0, sizeof *out);
	if (limit <= 0)
		limit = 5;
	if (max_hops < 1 || max_hops > BH_PATH_MAX_HOPS) {
		rc = bh_error_set(BH_EUSAGE, "--max-hops must be 1 to %d", BH_PATH_MAX_HOPS);
		goto done;
	}
	if (a == b) {
		rc = bh_error_set(BH_EUSAGE, "both ends are the same entity (or cluster)");
		goto done;
	}
	if (rc < 0 || (rc = node_of(&g, a, &end[0])) < 0 || (rc = node_of(&g, b, &end[1])) < 0 ||
	    (rc = ulist_push(&front[0], end[0])) < 0 || (rc = ulist_push(&front[1], end[1])) < 0 ||
	    (rc = end_degree(&g, end[0])) < 0 || (rc = end_degree(&g, end[1])) < 0)
		goto done;
	g.nodes[end[0]].d[0] = 0;
	g.nodes[end[1]].d[1] = 0;
	cost[0] = (uint64_t)g.nodes[end[0]].deg;
	cost[1] = (uint64_t)g.nodes[end[1]].deg;

	/* 1. shortest length: widen the cheaper frontier until the balls meet */
	while (!d && r[0] + r[1] < max_hops && front[0].n && front[1].n) {
		int side = cost[1] < cost[0];
		if ((rc = widen(&g, side, r[side], &front[side], &next, &cost[side])) < 0)
			goto done;
		r[side]++;
		ulist t = front[side];
		front[side] = next;
		next = t;
		for (size_t k = 0; k < front[side].n; k++) {
			gnode *n = &g.nodes[front[side].v[k]];
			if (n->d[!side] >= 0 && (!d || n->d[0] + n->d[1] < d))
				d = n->d[0] + n->d[1];
		}
	}
	if (!d)
		goto done; /* no path within max_hops */
	out->shortest = d;

	/* 2. every simple path of d or d + 1 hops: the side with the cheaper
	 * frontier is widened once more (it proves distances to its end), the
	 * walk starts from the other end. */
	int lmax = d + 1 <= max_hops ? d + 1 : d;
	int side = cost[1] < cost[0];
	if (lmax > d && front[side].n) {
		if ((rc = widen(&g, side, r[side], &front[side], &next, &cost[side])) < 0)
			goto done;
		r[side]++;
	}
	w.g = &g;
	w.target = end[side];
	w.side_of_target = side;
	w.radius = r[side];
	w.lmax = lmax;
	w.reversed = side == 0; /* walked from b */
	w.keep = limit < BH_PATH_MAX_FOUND ? (size_t)limit : BH_PATH_MAX_FOUND;
	w.stack[0] = end[!side];
	if ((w.radius >= 1 && (rc = rev_build(&w)) < 0) || (rc = dfs(&w, 0)) < 0)
		goto done;
	rc = 0;
	if (w.nfound > 1)
		qsort(w.found, w.nfound, sizeof *w.found, cmp_path);
	out->v = w.found;
	out->n = w.nfound;
	out->truncated = w.truncated;
	w.found = NULL;
done:
	for (size_t k = 0; k < w.nfound && w.found; k++)
		free(w.found[k].nodes);
	free(w.found);
	free(w.rev);
	free(front[0].v);
	free(front[1].v);
	free(next.v);
	if (getenv("BH_PATH_TRACE"))
		fprintf(stderr, "path: route %s, %zu nodes known, %zu adjacency entries, radii %d/%d,"
			" %ld walk steps\n", g.edges ? "cluster_edge" : "link", g.nnodes, g.nadj, r[0],
			r[1], w.steps);
	graph_free(&g);
	return rc;
}

/* ---- the ball around one cluster (export --around) ----------------------- */

int bh_graph_ball(bh_store *s, int64_t around, int depth)
{
	graph g;
	ulist front = {0}, next = {0};
	sqlite3_stmt *ins = NULL;
	uint32_t i0;
	int rc = graph_init(&g, s, around, 0);
	if (rc < 0 || (rc = node_of(&g, around, &i0)) < 0 || (rc = ulist_push(&front, i0)) < 0)
		goto done;
	g.nodes[i0].d[0] = 0;
	uint64_t cost;
	for (int r = 0; r < depth && front.n; r++) {
		if ((rc = widen(&g, 0, r, &front, &next, &cost)) < 0)
			goto done;
		ulist t = front;
		front = next;
		next = t;
	}
	if ((rc = bh_store_exec(s, "CREATE TEMP TABLE IF NOT EXISTS gx_node(rid INTEGER PRIMARY KEY);"
				   "DELETE FROM temp.gx_node;")) < 0 ||
	    (rc = bh_store_prepare(&ins, s, "INSERT OR IGNORE INTO temp.gx_node VALUES(?)")) < 0)
		goto done;
	for (size_t k = 0; k < g.nnodes; k++) {
		if (g.nodes[k].d[0] < 0)
			continue;
		sqlite3_reset(ins);
		sqlite3_bind_int64(ins, 1, g.nodes[k].rid);
		if (sqlite3_step(ins) != SQLITE_DONE) {
			rc = bh_store_fail(s, "export: the ball around the entity");
			goto done;
		}
	}
done:
	sqlite3_finalize(ins);
	free(front.v);
	free(next.v);
	graph_free(&g);
	return rc;
}

/* ---- official pages of records ------------------------------------------ */

/* The record at (source, line) in each fact table, as a URL. The entity
 * conditions let SQLite use each table's entity indexes instead of reading a
 * whole source; LDA tables share the line of their <Filing>. */
#define FEC_TXN_SOURCE "EXISTS (SELECT 1 FROM fec_txn x WHERE x.source_id = ?1)"
/* the kind of FEC file of the source (one per source): with the committee
 * it is one range of fec_txn_cmte, so a committee's 101k contributions
 * (itcont) are not read to find one of its contributions to a candidate */
#define FEC_TXN_FILE "(SELECT x.file FROM fec_txn x WHERE x.source_id = ?1 LIMIT 1)"
static const char q_record_url[] =
	"SELECT 'https://www.usaspending.gov/award/' || award_key FROM txn"
	"  WHERE recipient IN (?3, ?4) AND source_id = ?1 AND line = ?2"
	" UNION ALL SELECT 'https://www.usaspending.gov/award/' || award_key FROM award"
	"  WHERE recipient IN (?3, ?4) AND source_id = ?1 AND line = ?2"
	" UNION ALL SELECT 'https://www.usaspending.gov/award/' || award_key FROM txn"
	"  WHERE parent IN (?3, ?4) AND source_id = ?1 AND line = ?2"
	" UNION ALL SELECT 'https://www.usaspending.gov/award/' || prime_award_key FROM subaward"
	"  WHERE sub IN (?3, ?4) AND source_id = ?1 AND line = ?2"
	/* one branch per end column, each through its own index (+source_id
	 * keeps SQLite off fec_txn_source, which would read the whole file:
	 * 9M rows for a generated itcont), and only for a source of fec_txn
	 * (a constant term, tested once: else a committee's 677k rows would be
	 * read for a line of cm.txt); the first that finds the row ends the
	 * search (LIMIT 1). `cand` has no index (fec_txn_cand is on cand_id):
	 * source and line last. */
	" UNION ALL SELECT 'https://docquery.fec.gov/cgi-bin/fecimg/?' || image_num FROM fec_txn"
	"  WHERE counterparty IN (?3, ?4) AND +source_id = ?1 AND line = ?2"
	"  AND coalesce(image_num, '') <> '' AND " FEC_TXN_SOURCE
	" UNION ALL SELECT 'https://docquery.fec.gov/cgi-bin/fecimg/?' || image_num FROM fec_txn"
	"  WHERE cmte IN (?3, ?4) AND file = " FEC_TXN_FILE " AND +source_id = ?1 AND line = ?2"
	"  AND coalesce(image_num, '') <> '' AND " FEC_TXN_SOURCE
	" UNION ALL SELECT 'https://docquery.fec.gov/cgi-bin/fecimg/?' || image_num FROM fec_txn"
	"  WHERE cand IN (?3, ?4) AND source_id = ?1 AND line = ?2 AND coalesce(image_num, '') <> ''"
	" UNION ALL SELECT 'https://lda.senate.gov/filings/public/filing/' || filing_id || '/print/'"
	"  FROM lda_filing WHERE source_id = ?1 AND line = ?2"
	" UNION ALL SELECT 'https://www.fec.gov/data/committee/' || cmte_id || '/' FROM fec_committee"
	"  WHERE source_id = ?1 AND line = ?2"
	" UNION ALL SELECT 'https://www.fec.gov/data/candidate/' || cand_id || '/' FROM fec_candidate"
	"  WHERE source_id = ?1 AND line = ?2"
	" UNION ALL SELECT 'https://www.fec.gov/data/candidate/' || cand_id || '/' FROM fec_linkage"
	"  WHERE source_id = ?1 AND line = ?2"
	" LIMIT 1";

int bh_graph_record_url(char *out, size_t cap, bh_store *s, int64_t source_id, int64_t line,
			int64_t src, int64_t dst)
{
	sqlite3_stmt *q = NULL;
	int rc = bh_store_prepare(&q, s, q_record_url);
	out[0] = '\0';
	if (rc < 0)
		return rc;
	sqlite3_bind_int64(q, 1, source_id);
	sqlite3_bind_int64(q, 2, line);
	sqlite3_bind_int64(q, 3, src);
	sqlite3_bind_int64(q, 4, dst);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		snprintf(out, cap, "%s", bh_col_text(q, 0));
	rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : bh_store_fail(s, "record url");
	sqlite3_finalize(q);
	return rc;
}

/* ---- printing -------------------------------------------------------------- */

static const char q_entity[] = "SELECT id, name, kind FROM entity WHERE rid = ?";

/* Every link row between clusters u and v, forward (u -> v) first. */
static const char q_hop[] =
	"WITH mu(r) AS (SELECT ?1 UNION SELECT entity FROM cluster WHERE canon = ?1),"
	"     mv(r) AS (SELECT ?2 UNION SELECT entity FROM cluster WHERE canon = ?2)"
	" SELECT * FROM ("
	"  SELECT 1 AS fwd, l.rid, l.kind, l.src, l.dst, l.first_date, l.last_date, l.amount, l.n,"
	"   l.source_id, l.line FROM mu JOIN link l ON l.src = mu.r WHERE l.dst IN (SELECT r FROM mv)"
	"  UNION ALL"
	"  SELECT 0, l.rid, l.kind, l.src, l.dst, l.first_date, l.last_date, l.amount, l.n,"
	"   l.source_id, l.line FROM mv JOIN link l ON l.src = mv.r WHERE l.dst IN (SELECT r FROM mu))"
	" ORDER BY fwd DESC, kind, first_date, rid LIMIT 50";

typedef struct {
	bh_store *s;
	sqlite3_stmt *ent, *hop, *src_path, *eid;
	FILE *out;
	int json;
} printer;

static void print_entity(printer *p, int64_t rid, const char *indent)
{
	sqlite3_reset(p->ent);
	sqlite3_bind_int64(p->ent, 1, rid);
	int ok = sqlite3_step(p->ent) == SQLITE_ROW;
	const char *id = ok ? bh_col_text(p->ent, 0) : "?";
	const char *name = ok ? bh_col_text(p->ent, 1) : "?";
	const char *kind = ok ? bh_col_text(p->ent, 2) : "?";
	if (p->json) {
		fputs("{\"id\":", p->out);
		bh_json_str(p->out, id);
		fputs(",\"name\":", p->out);
		bh_json_str(p->out, name);
		fputs(",\"kind\":", p->out);
		bh_json_str(p->out, kind);
		fputc('}', p->out);
	} else {
		fprintf(p->out, "%s%s  [%s, %s]\n", indent, name, id, kind);
	}
}

/* Text of column `c` of a statement bound to one rid. */
static const char *lookup(sqlite3_stmt *q, int64_t rid)
{
	sqlite3_reset(q);
	sqlite3_bind_int64(q, 1, rid);
	return sqlite3_step(q) == SQLITE_ROW ? bh_col_text(q, 0) : "";
}

static int print_hop(printer *p, int64_t u, int64_t v)
{
	int rc, first = 1;
	char url[512], money[48], file[1024], sid[256], did[256];
	sqlite3_reset(p->hop);
	sqlite3_bind_int64(p->hop, 1, u);
	sqlite3_bind_int64(p->hop, 2, v);
	while ((rc = sqlite3_step(p->hop)) == SQLITE_ROW) {
		sqlite3_stmt *h = p->hop;
		int fwd = sqlite3_column_int(h, 0);
		int64_t rid = sqlite3_column_int64(h, 1);
		const char *kind = bh_col_text(h, 2);
		int64_t src = sqlite3_column_int64(h, 3), dst = sqlite3_column_int64(h, 4);
		const char *d1 = bh_col_text(h, 5), *d2 = bh_col_text(h, 6);
		int has_amount = sqlite3_column_type(h, 7) != SQLITE_NULL;
		int64_t amount = sqlite3_column_int64(h, 7), n = sqlite3_column_int64(h, 8);
		int64_t source_id = sqlite3_column_int64(h, 9), line = sqlite3_column_int64(h, 10);
		char kind_c[64];
		snprintf(kind_c, sizeof kind_c, "%s", kind);
		char d1c[16], d2c[16];
		snprintf(d1c, sizeof d1c, "%s", d1);
		snprintf(d2c, sizeof d2c, "%s", d2);
		snprintf(file, sizeof file, "%s", lookup(p->src_path, source_id));
		snprintf(sid, sizeof sid, "%s", lookup(p->eid, src));
		snprintf(did, sizeof did, "%s", lookup(p->eid, dst));
		if ((rc = bh_graph_record_url(url, sizeof url, p->s, source_id, line, src, dst)) < 0)
			return rc;
		if (p->json) {
			fprintf(p->out, "%s{\"figure\":\"link:%lld\",\"kind\":", first ? "" : ",",
				(long long)rid);
			bh_json_str(p->out, kind_c);
			fprintf(p->out, ",\"direction\":\"%s\",\"src\":", fwd ? "forward" : "backward");
			bh_json_str(p->out, sid);
			fputs(",\"dst\":", p->out);
			bh_json_str(p->out, did);
			fputs(",\"first_date\":", p->out);
			bh_json_str(p->out, d1c[0] ? d1c : NULL);
			fputs(",\"last_date\":", p->out);
			bh_json_str(p->out, d2c[0] ? d2c : NULL);
			fputs(",\"amount\":", p->out);
			if (has_amount)
				bh_json_money(p->out, amount);
			else
				fputs("null", p->out);
			fprintf(p->out, ",\"records\":%lld,\"source\":{\"file\":", (long long)n);
			bh_json_str(p->out, file);
			fprintf(p->out, ",\"line\":%lld},\"url\":", (long long)line);
			bh_json_str(p->out, url[0] ? url : NULL);
			fputc('}', p->out);
		} else {
			fprintf(p->out, "      %s%s%s  link:%lld", fwd ? "--" : "<-", kind_c,
				fwd ? "->" : "--", (long long)rid);
			if (d1c[0])
				fprintf(p->out, "  %s%s%s", d1c, strcmp(d1c, d2c) ? " to " : "",
					strcmp(d1c, d2c) ? d2c : "");
			if (has_amount)
				fprintf(p->out, "  %s", bh_fmt_money(money, sizeof money, amount));
			fprintf(p->out, "  (%lld record%s)\n        source: %s:%lld\n", (long long)n,
				n == 1 ? "" : "s", file, (long long)line);
			if (url[0])
				fprintf(p->out, "        %s\n", url);
		}
		first = 0;
	}
	if (rc != SQLITE_DONE)
		return bh_store_fail(p->s, "path: reading a hop");
	return 0;
}

int bh_graph_path_print(bh_store *s, int64_t a, int64_t b, int max_hops, int limit, int json,
			FILE *out)
{
	bh_paths ps = {0};
	printer p = {s, NULL, NULL, NULL, NULL, out, json};
	bh_query_timing("start");
	int rc = bh_graph_paths(&ps, s, a, b, max_hops, limit);
	bh_query_timing("path: search");
	if (rc < 0 || (rc = bh_store_prepare(&p.ent, s, q_entity)) < 0 ||
	    (rc = bh_store_prepare(&p.hop, s, q_hop)) < 0 ||
	    (rc = bh_store_prepare(&p.src_path, s, "SELECT path FROM source WHERE id = ?")) < 0 ||
	    (rc = bh_store_prepare(&p.eid, s, "SELECT id FROM entity WHERE rid = ?")) < 0)
		goto done;
	if (json) {
		fputs("{\"from\":", out);
		print_entity(&p, a, "");
		fputs(",\"to\":", out);
		print_entity(&p, b, "");
		fprintf(out, ",\"max_hops\":%d,\"shortest\":%d,\"truncated\":%s,\"paths\":[", max_hops,
			ps.shortest, ps.truncated ? "true" : "false");
	} else if (!ps.n) {
		fprintf(out, "No path of at most %d hops between:\n", max_hops);
		print_entity(&p, a, "  ");
		print_entity(&p, b, "  ");
	} else {
		fprintf(out, "%zu path%s, the shortest %d hop%s%s. Each hop lists its links: --kind-->"
			" runs along the path, <--kind-- against it.\n",
			ps.n, ps.n == 1 ? "" : "s", ps.shortest, ps.shortest == 1 ? "" : "s",
			ps.truncated ? " (search truncated by a cap)" : "");
	}
	for (size_t k = 0; k < ps.n; k++) {
		bh_path *pa = &ps.v[k];
		if (json)
			fprintf(out, "%s{\"rank\":%zu,\"hops\":%d,\"weakest_hop_links\":%lld,\"nodes\":[",
				k ? "," : "", k + 1, pa->hops, (long long)pa->weakest);
		else
			fprintf(out, "\n#%zu  %d hop%s\n", k + 1, pa->hops, pa->hops == 1 ? "" : "s");
		for (int i = 0; i <= pa->hops; i++) {
			if (json && i)
				fputc(',', out);
			print_entity(&p, pa->nodes[i], "  ");
			if (!json && i < pa->hops && (rc = print_hop(&p, pa->nodes[i], pa->nodes[i + 1])) < 0)
				goto done;
		}
		if (json) {
			fputs("],\"hops_detail\":[", out);
			for (int i = 0; i < pa->hops; i++) {
				fputs(i ? ",[" : "[", out);
				if ((rc = print_hop(&p, pa->nodes[i], pa->nodes[i + 1])) < 0)
					goto done;
				fputc(']', out);
			}
			fputs("]}", out);
		}
	}
	if (json)
		fputs("]}\n", out);
	bh_query_timing("path: hops printed");
	rc = 0;
done:
	sqlite3_finalize(p.ent);
	sqlite3_finalize(p.hop);
	sqlite3_finalize(p.src_path);
	sqlite3_finalize(p.eid);
	bh_paths_free(&ps);
	return rc;
}
