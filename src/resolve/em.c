/* The Fellegi-Sunter model without labels. u (how often two unrelated
 * records reach each level) is counted on random pairs; m (how often two
 * mentions of one entity do) and the share of matches among candidates
 * are estimated by expectation-maximisation over the counts of agreement
 * patterns, fields assumed independent given match status. By default EM
 * also refines u among the candidates, starting from the random-pair u:
 * blocking makes candidates agree more often than random pairs do. */
#include "resolve/resolveInt.h"
#include "util/err.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void estimate_u(bh_matcher *m)
{
	double cnt[BH_MATCH_MAXFIELDS][BH_NLEVELS];
	const int32_t *src = m->src.p;
	memset(cnt, 0, sizeof cnt);
	for (long s = 0; s < m->o.u_samples && m->nrec >= 2; s++) {
		int64_t i = (int64_t)(bh_match_next_rand(m) % (uint64_t)m->nrec);
		int64_t j = (int64_t)(bh_match_next_rand(m) % (uint64_t)m->nrec);
		int tries = 0;
		while ((j == i || (m->o.link_only && src[i] == src[j])) && tries++ < 16)
			j = (int64_t)(bh_match_next_rand(m) % (uint64_t)m->nrec);
		if (j == i || (m->o.link_only && src[i] == src[j]))
			continue;
		uint64_t code = bh_match_code(m, i, j);
		for (int f = 0; f < m->nf; f++)
			cnt[f][bh_code_level(code, f)] += 1.0;
	}
	for (int f = 0; f < m->nf; f++) {
		double tot = 0;
		for (int l = 1; l < BH_NLEVELS; l++)
			tot += cnt[f][l];
		for (int l = 1; l < BH_NLEVELS; l++)
			m->ur[f][l] = m->uu[f][l] = (cnt[f][l] + 0.5) / (tot + 0.5 * (BH_NLEVELS - 1));
	}
}

/* Distinct level patterns among the candidates, with their counts. */
static int count_patterns(bh_matcher *m, uint64_t **pat, double **cnt, size_t *np)
{
	size_t n = m->codes.n;
	uint64_t *c = malloc((n ? n : 1) * sizeof *c), *tmp = malloc((n ? n : 1) * sizeof *tmp);
	double *w = NULL;
	size_t k = 0;
	if (!c || !tmp)
		goto fail;
	memcpy(c, m->codes.p, n * sizeof *c);
	bh_radix_sort_u64(c, tmp, n);
	free(tmp);
	tmp = NULL;
	if (!(w = malloc((n ? n : 1) * sizeof *w)))
		goto fail;
	for (size_t i = 0; i < n; i++) {
		if (k == 0 || c[k - 1] != c[i]) {
			c[k] = c[i];
			w[k++] = 0;
		}
		w[k - 1] += 1.0;
	}
	*pat = c;
	*cnt = w;
	*np = k;
	return 0;
fail:
	free(c);
	free(tmp);
	free(w);
	return bh_error_set(BH_ENOMEM, "matcher: out of memory counting %zu patterns", n);
}

int bh_match_estimate(bh_matcher *m)
{
	uint64_t *pat = NULL;
	double *cnt = NULL;
	size_t np = 0;
	int rc;
	static const double m0[BH_NLEVELS] = {0, 0.03, 0.04, 0.08, 0.85};

	estimate_u(m);
	for (int f = 0; f < m->nf; f++)
		for (int l = 0; l < BH_NLEVELS; l++)
			m->mm[f][l] = m0[l];
	m->lambda = 0.2;
	m->has_model = 1;
	if ((rc = count_patterns(m, &pat, &cnt, &np)) < 0)
		return rc;
	for (int it = 0; it < m->o.em_iters && np > 0; it++) {
		double M[BH_MATCH_MAXFIELDS][BH_NLEVELS], U[BH_MATCH_MAXFIELDS][BH_NLEVELS];
		double sm = 0, tot = 0;
		memset(M, 0, sizeof M);
		memset(U, 0, sizeof U);
		for (size_t p = 0; p < np; p++) {
			double lm = log(m->lambda), lu = log(1.0 - m->lambda);
			for (int f = 0; f < m->nf; f++) {
				int l = bh_code_level(pat[p], f);
				if (l) {
					lm += log(m->mm[f][l]);
					lu += log(m->uu[f][l]);
				}
			}
			double g = 1.0 / (1.0 + exp(lu - lm));
			sm += cnt[p] * g;
			tot += cnt[p];
			for (int f = 0; f < m->nf; f++) {
				int l = bh_code_level(pat[p], f);
				M[f][l] += cnt[p] * g;
				U[f][l] += cnt[p] * (1.0 - g);
			}
		}
		m->lambda = sm / tot;
		if (m->lambda < 1e-6)
			m->lambda = 1e-6;
		/* Most candidate pairs are non-matches (blocking is loose on
		 * purpose); a class holding more than half of them is not "one
		 * entity" but some shared trait (a town, a state). */
		if (m->lambda > 0.5)
			m->lambda = 0.5;
		for (int f = 0; f < m->nf; f++) {
			double tm = 0, tu = 0;
			for (int l = 1; l < BH_NLEVELS; l++) {
				tm += M[f][l];
				tu += U[f][l];
			}
			for (int l = 1; l < BH_NLEVELS; l++) {
				/* A gate field (the name) keeps its prior m: it anchors
				 * what "one entity" means, so that EM cannot drift to
				 * another trait the candidates share (same town). */
				if (!m->fields[f].need)
					m->mm[f][l] = (M[f][l] + 0.01) / (tm + 0.01 * (BH_NLEVELS - 1));
				if (m->o.em_u)
					m->uu[f][l] = (U[f][l] + 0.01) / (tu + 0.01 * (BH_NLEVELS - 1));
			}
		}
	}
	/* A closer level is never weaker evidence than a farther one: where EM
	 * says otherwise (few pairs at that level), lower the closer-to-far
	 * level's m to the next level's ratio. */
	for (int f = 0; f < m->nf; f++)
		for (int l = BH_LVL_EXACT - 1; l >= BH_LVL_FAR; l--)
			if (m->mm[f][l] / m->uu[f][l] > m->mm[f][l + 1] / m->uu[f][l + 1])
				m->mm[f][l] = m->uu[f][l] * m->mm[f][l + 1] / m->uu[f][l + 1];
	free(pat);
	free(cnt);
	return 0;
}
