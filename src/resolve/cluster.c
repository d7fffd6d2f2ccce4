/* From scored pairs to clusters: pairs above the threshold (optionally only
 * each record's best partner, for one-to-one linkage) are united, strongest
 * first; then any cluster held together by a single weak pair (a bridge in
 * the match graph, below the "strong" probability, with two or more records
 * on each side) is cut there, so that chains of near-misses do not grow
 * into mega-clusters. Records of one group (exact identifiers) are united
 * unconditionally. A union by name that would make a cluster larger than
 * MAX_NAME_CLUSTER records is refused: no single company appears under
 * that many distinct name keys, while chains of look-alike names ("KANSAS
 * MEDICAL SOCIETY", "MICHIGAN STATE MEDICAL SOCIETY", ...) do. Pairs whose
 * names agree exactly are exempt: they are no chain. */
#include "resolve/resolveInt.h"
#include "util/err.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int64_t bh_uf_find(int64_t *parent, int64_t x)
{
	int64_t r = x;
	while (parent[r] != r)
		r = parent[r];
	while (parent[x] != r) {
		int64_t nx = parent[x];
		parent[x] = r;
		x = nx;
	}
	return r;
}

static void uf_union(int64_t *parent, int64_t a, int64_t b)
{
	a = bh_uf_find(parent, a);
	b = bh_uf_find(parent, b);
	if (a == b)
		return;
	/* the smaller index is the root, so a cluster's id is its first record */
	if (a < b)
		parent[b] = a;
	else
		parent[a] = b;
}

#define MAX_NAME_CLUSTER 64

/* strongest first; ties (one weight) by pair, so the order is total: pairs
 * are unique */
static inline int edge_before(const bh_edge *a, const bh_edge *b)
{
	if (a->w != b->w)
		return a->w > b->w;
	if (a->i != b->i)
		return a->i < b->i;
	return a->j < b->j;
}

BH_INTROSORT(sort_edges, bh_edge, edge_before)

/* gfirst[i] = the first record of record i's group (i itself for the
 * first), -1 for a record without a group. Groups (in `behind resolve`,
 * an entity's identifier cluster: every record has one) are found by one
 * radix sort of (group, record) when every group fits in 32 bits, by a map
 * otherwise; the map was 8M lookups a pass at 10M records, three passes. */
static int group_firsts(const bh_matcher *m, int64_t *gfirst)
{
	const int64_t *grp = m->group.p;
	int64_t n = m->nrec;
	uint64_t *key = NULL, *tmp = NULL;
	size_t nk = 0;
	int wide = 0, rc = 0;
	for (int64_t i = 0; i < n; i++) {
		gfirst[i] = -1;
		if (grp[i] < 0)
			continue;
		nk++;
		wide |= (uint64_t)grp[i] > UINT32_MAX;
	}
	if (!wide) {
		if (!(key = malloc((nk + 1) * sizeof *key)) || !(tmp = malloc((nk + 1) * sizeof *tmp))) {
			rc = bh_error_set(BH_ENOMEM, "matcher: out of memory");
			goto cleanup;
		}
		size_t k = 0;
		for (int64_t i = 0; i < n; i++)
			if (grp[i] >= 0)
				key[k++] = (uint64_t)grp[i] << 32 | (uint64_t)i;
		bh_radix_sort_u64(key, tmp, nk);
		int64_t first = -1;
		for (k = 0; k < nk; k++) {
			int64_t i = (int64_t)(key[k] & 0xffffffffu);
			if (k == 0 || key[k] >> 32 != key[k - 1] >> 32)
				first = i;
			gfirst[i] = first;
		}
		goto cleanup;
	}
	bh_map gm = {0};
	for (int64_t i = 0; i < n; i++) {
		int64_t *first;
		int r;
		if (grp[i] < 0)
			continue;
		if ((r = bh_map_put(&first, NULL, &gm, &grp[i], sizeof grp[i])) < 0) {
			bh_map_free(&gm);
			rc = bh_error_set(BH_ENOMEM, "matcher: out of memory");
			goto cleanup;
		}
		if (r == 1)
			*first = i;
		gfirst[i] = *first;
	}
	bh_map_free(&gm);
cleanup:
	free(key);
	free(tmp);
	return rc;
}

/* Unites the groups, then every uncut edge; leaves the forest in m->uf. */
static int unite(bh_matcher *m, const int64_t *gfirst)
{
	int64_t *uf = m->uf.p;
	for (int64_t i = 0; i < m->nrec; i++)
		uf[i] = i;
	for (int64_t i = 0; i < m->nrec; i++)
		if (gfirst[i] >= 0 && gfirst[i] != i)
			uf_union(uf, gfirst[i], i);
	/* cluster sizes, to refuse unions by name that chain too far */
	int64_t *size = calloc((size_t)m->nrec + 1, sizeof *size);
	if (!size)
		return bh_error_set(BH_ENOMEM, "matcher: out of memory");
	for (int64_t i = 0; i < m->nrec; i++)
		size[bh_uf_find(uf, i)]++;
	for (size_t k = 0; k < m->edges.n; k++) {
		bh_edge *e = &BH_VEC_AT(m->edges, bh_edge, k);
		if (e->cut)
			continue;
		int64_t a = bh_uf_find(uf, e->i), b = bh_uf_find(uf, e->j);
		if (a == b)
			continue;
		if (size[a] + size[b] > MAX_NAME_CLUSTER && !e->exact) {
			e->cut = 1;
			m->st.bridges_cut++;
			continue;
		}
		uf_union(uf, a, b);
		int64_t r = bh_uf_find(uf, a);
		size[r] = size[a] + size[b];
	}
	free(size);
	return 0;
}

/* Cuts weak bridges (see the top of the file). Group members are tied to
 * their cluster root by strong edges, so identifiers are never cut. */
static int cut_bridges(bh_matcher *m, const int64_t *gfirst)
{
	int64_t n = m->nrec, *uf = m->uf.p;
	size_t ne = m->edges.n;
	int64_t *deg = NULL, *adj = NULL, *disc = NULL, *low = NULL, *sz = NULL, *csize = NULL;
	int64_t *stk = NULL, *pe = NULL, *it = NULL;
	int64_t *ea = NULL, *eb = NULL;
	uint8_t *keep = NULL;
	int rc = 0;
	size_t nall = ne + (size_t)n;

	if (!(deg = calloc((size_t)n + 1, sizeof *deg)) || !(csize = calloc((size_t)n, sizeof *csize)) ||
	    !(ea = malloc(nall * sizeof *ea)) || !(eb = malloc(nall * sizeof *eb)) ||
	    !(disc = malloc((size_t)n * sizeof *disc)) || !(low = malloc((size_t)n * sizeof *low)) ||
	    !(sz = malloc((size_t)n * sizeof *sz)) || !(stk = malloc((size_t)n * sizeof *stk)) ||
	    !(pe = malloc((size_t)n * sizeof *pe)) || !(it = malloc((size_t)n * sizeof *it))) {
		rc = bh_error_set(BH_ENOMEM, "matcher: out of memory cutting bridges");
		goto cleanup;
	}
	/* edges: scored ones first (index < ne), then record -> group root */
	size_t m2 = 0;
	for (size_t k = 0; k < ne; k++) {
		const bh_edge *e = &BH_VEC_AT(m->edges, bh_edge, k);
		ea[m2] = e->i;
		eb[m2++] = e->j;
	}
	/* group ties: each record to its group's first */
	for (int64_t i = 0; i < n; i++) {
		if (gfirst[i] >= 0 && gfirst[i] != i) {
			ea[m2] = gfirst[i];
			eb[m2++] = i;
		}
	}
	/* Only a connected part of 4 or more records can hold a bridge that is
	 * cut (two records on each side): the parts of 2 or 3 (most of them)
	 * take no part in the search. The parts, by a union-find over the
	 * edges in sz[], their sizes in low[] (both set afresh by the search). */
	if (!(keep = malloc(m2 + 1))) {
		rc = bh_error_set(BH_ENOMEM, "matcher: out of memory cutting bridges");
		goto cleanup;
	}
	for (int64_t i = 0; i < n; i++) {
		sz[i] = i;
		low[i] = 0;
	}
	for (size_t k = 0; k < m2; k++)
		uf_union(sz, ea[k], eb[k]);
	for (int64_t i = 0; i < n; i++)
		low[bh_uf_find(sz, i)]++;
	for (size_t k = 0; k < m2; k++) {
		keep[k] = low[bh_uf_find(sz, ea[k])] >= 4;
		if (!keep[k])
			continue;
		deg[ea[k] + 1]++;
		deg[eb[k] + 1]++;
	}
	for (int64_t i = 0; i < n; i++)
		deg[i + 1] += deg[i];
	if (!(adj = malloc((2 * m2 + 1) * sizeof *adj))) {
		rc = bh_error_set(BH_ENOMEM, "matcher: out of memory cutting bridges");
		goto cleanup;
	}
	for (int64_t i = 0; i < n; i++)
		it[i] = deg[i];
	for (size_t k = 0; k < m2; k++) {
		if (!keep[k])
			continue;
		adj[it[ea[k]]++] = (int64_t)k;
		adj[it[eb[k]]++] = (int64_t)k;
	}
	for (int64_t i = 0; i < n; i++)
		csize[bh_uf_find(uf, i)]++;
	for (int64_t i = 0; i < n; i++)
		disc[i] = -1;

	int64_t t = 0;
	for (int64_t r = 0; r < n; r++) {
		if (disc[r] >= 0 || deg[r + 1] == deg[r])
			continue;
		int64_t sp = 0;
		stk[sp++] = r;
		disc[r] = low[r] = t++;
		sz[r] = 1;
		pe[r] = -1;
		it[r] = deg[r];
		while (sp > 0) {
			int64_t v = stk[sp - 1];
			if (it[v] < deg[v + 1]) {
				int64_t k = adj[it[v]++];
				if (k == pe[v])
					continue;
				int64_t w = ea[k] == v ? eb[k] : ea[k];
				if (disc[w] < 0) {
					disc[w] = low[w] = t++;
					sz[w] = 1;
					pe[w] = k;
					it[w] = deg[w];
					stk[sp++] = w;
				} else if (disc[w] < low[v]) {
					low[v] = disc[w];
				}
				continue;
			}
			sp--;
			if (pe[v] < 0)
				continue;
			int64_t p = stk[sp - 1]; /* the parent lies below on the stack */
			sz[p] += sz[v];
			if (low[v] < low[p])
				low[p] = low[v];
			if (low[v] > disc[p] && (size_t)pe[v] < ne) {
				bh_edge *e = &BH_VEC_AT(m->edges, bh_edge, pe[v]);
				int64_t whole = csize[bh_uf_find(uf, v)];
				if (e->prob < m->o.strong && sz[v] >= 2 && whole - sz[v] >= 2) {
					e->cut = 1;
					m->st.bridges_cut++;
				}
			}
		}
	}
cleanup:
	free(deg);
	free(adj);
	free(disc);
	free(low);
	free(sz);
	free(csize);
	free(stk);
	free(pe);
	free(it);
	free(ea);
	free(eb);
	free(keep);
	return rc;
}

int bh_match_cluster(bh_matcher *m)
{
	const uint64_t *P = m->pairs.p, *C = m->codes.p;
	double *best = NULL;
	int64_t *gfirst = NULL;
	int rc = 0;
	double thr = m->o.threshold;
	bh_weights wt;

	m->edges.n = 0;
	m->near.n = 0;
	m->st.bridges_cut = 0;
	if ((rc = bh_vec_grow(&m->uf, (size_t)m->nrec + 1)) < 0)
		return rc;
	m->uf.n = (size_t)m->nrec;
	if (m->o.one_to_one && !(best = calloc((size_t)m->nrec + 1, sizeof *best)))
		return bh_error_set(BH_ENOMEM, "matcher: out of memory");
	bh_weights_init(m, &wt);
	for (size_t k = 0; k < m->pairs.n; k++) {
		int64_t i = (int64_t)(P[k] >> 32), j = (int64_t)(P[k] & 0xffffffffu);
		if (!bh_match_gate_ok(m, C[k]))
			continue; /* cannot happen after compare_all; kept for set_model runs */
		double w = bh_match_weight(m, &wt, i, C[k]);
		double p = 1.0 / (1.0 + exp2(-w));
		if (p < thr && !(m->o.near > 0 && p >= m->o.near))
			continue;
		bh_edge e = {(uint32_t)i, (uint32_t)j, (float)p, w, 0,
			     bh_code_level(C[k], 0) == BH_LVL_EXACT};
		if ((rc = bh_vec_push(p < thr ? &m->near : &m->edges, &e)) < 0)
			goto cleanup;
		if (p < thr)
			continue;
		if (best) {
			if (p > best[i])
				best[i] = p;
			if (p > best[j])
				best[j] = p;
		}
	}
	if (best) {
		size_t u = 0;
		for (size_t k = 0; k < m->edges.n; k++) {
			bh_edge *e = &BH_VEC_AT(m->edges, bh_edge, k);
			if ((double)e->prob >= (float)best[e->i] && (double)e->prob >= (float)best[e->j])
				BH_VEC_AT(m->edges, bh_edge, u++) = *e;
		}
		m->edges.n = u;
	}
	sort_edges(m->edges.p, m->edges.n);
	sort_edges(m->near.p, m->near.n);
	if (!(gfirst = malloc(((size_t)m->nrec + 1) * sizeof *gfirst))) {
		rc = bh_error_set(BH_ENOMEM, "matcher: out of memory");
		goto cleanup;
	}
	if ((rc = group_firsts(m, gfirst)) < 0 || (rc = unite(m, gfirst)) < 0 ||
	    (rc = cut_bridges(m, gfirst)) < 0)
		goto cleanup;
	if (m->st.bridges_cut && (rc = unite(m, gfirst)) < 0)
		goto cleanup;
	m->st.accepted = 0;
	for (size_t k = 0; k < m->edges.n; k++)
		m->st.accepted += !BH_VEC_AT(m->edges, bh_edge, k).cut;
	m->st.clusters = 0;
	for (int64_t i = 0; i < m->nrec; i++)
		m->st.clusters += bh_uf_find(m->uf.p, i) == i;
cleanup:
	free(best);
	free(gfirst);
	return rc;
}
