/* Blocking: which pairs of records are compared at all. Each record gets a
 * few keys (whole value, its two rarest tokens, a prefix, a phonetic key,
 * an acronym, a sorted-token fingerprint; chosen per field); records that
 * share a key are candidates. A block bigger than the cap pairs each record
 * only with its next few neighbours, so work grows with the data and not
 * with its square, even for a million identical names. */
#include "resolve/resolveInt.h"
#include "util/err.h"

#include <stdlib.h>
#include <string.h>

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
	return a < b ? -1 : a > b;
}

void bh_radix_sort_u64(uint64_t *a, uint64_t *tmp, size_t n)
{
	enum { BITS = 11, B = 1 << BITS }; /* 2048 counters stay in L1 */
	size_t *cnt = malloc(B * sizeof *cnt);
	uint64_t *src = a, *dst = tmp;
	if (!cnt) {
		if (n)
			qsort(a, n, sizeof *a, cmp_u64); /* no memory for the counters */
		return;
	}
	for (int shift = 0; shift < 64; shift += BITS) {
		memset(cnt, 0, B * sizeof *cnt);
		for (size_t k = 0; k < n; k++)
			cnt[(src[k] >> shift) & (B - 1)]++;
		if (n && cnt[(src[0] >> shift) & (B - 1)] == n)
			continue; /* every key has this digit: nothing to move */
		size_t sum = 0;
		for (size_t d = 0; d < B; d++) {
			size_t c = cnt[d];
			cnt[d] = sum;
			sum += c;
		}
		for (size_t k = 0; k < n; k++)
			dst[cnt[(src[k] >> shift) & (B - 1)]++] = src[k];
		uint64_t *t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, n * sizeof *a);
	free(cnt);
}

/* Key flags: the top bit marks an asymmetric key (pairs only across its
 * two sides), the next one the side; the record index sits in the low
 * bits (see bh_match_block), well below both. */
#define KEY_ASYM ((uint64_t)1 << 63)
#define KEY_SIDE ((uint64_t)1 << 62)

static uint64_t key_hash(int f, char kind, const void *p, size_t n)
{
	char buf[BH_NORM_MAX + 8];
	if (n > BH_NORM_MAX)
		n = BH_NORM_MAX;
	buf[0] = (char)('A' + f);
	buf[1] = kind;
	memcpy(buf + 2, p, n);
	return bh_hash_bytes(buf, n + 2) & ~(KEY_ASYM | KEY_SIDE);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* Writes record i's keys of field f into keys[]; returns how many. */
static int field_keys(const bh_matcher *m, int64_t i, int f, uint64_t *keys)
{
	const bh_fval *v = bh_match_val(m, i, f);
	const char *text = (const char *)m->arena.p + v->off;
	const uint32_t *tok = &BH_VEC_AT(m->toks, uint32_t, v->tok);
	const uint32_t *df = m->tok_df.p;
	int blk = m->fields[f].block, k = 0;
	if (!v->len)
		return 0;
	if (blk & BH_BLK_VALUE)
		keys[k++] = key_hash(f, 'V', text, v->len);
	if (blk & BH_BLK_PREFIX)
		keys[k++] = key_hash(f, 'P', text, v->len < 4 ? v->len : 4);
	if (blk & BH_BLK_PHONETIC) {
		char sx[8];
		if (m->fields[f].cmp == BH_CMP_PERSON) {
			const char *bar = memchr(text, '|', v->len);
			size_t ll = bar ? (size_t)(bar - text) : v->len;
			bh_soundex(sx, text, ll);
			sx[4] = bar && bar[1] != '|' ? bar[1] : ' ';
			keys[k++] = key_hash(f, 'S', sx, 5);
		} else {
			bh_soundex(sx, text, v->len);
			keys[k++] = key_hash(f, 'S', sx, 4);
		}
	}
	if ((blk & BH_BLK_ACRONYM) && m->fields[f].cmp == BH_CMP_ORG) {
		/* asymmetric: a long name meets only short names with its
		 * initials ("AWS"), never the other long names that share them */
		if (v->alen)
			keys[k++] = (key_hash(f, 'A', (const char *)m->arena.p + v->aoff, v->alen) | KEY_ASYM) |
				    KEY_SIDE;
		else if (v->ntok == 1 && v->len >= 2 && v->len <= 6)
			keys[k++] = (key_hash(f, 'A', text, v->len) | KEY_ASYM) & ~KEY_SIDE;
	}
	if ((blk & BH_BLK_TOKENS) && v->ntok > 0) {
		/* the two rarest tokens that some other record also has */
		int best[2] = {-1, -1};
		for (int t = 0; t < v->ntok; t++) {
			if (df[tok[t]] < 2)
				continue;
			if (best[0] < 0 || df[tok[t]] < df[tok[best[0]]]) {
				best[1] = best[0];
				best[0] = t;
			} else if (best[1] < 0 || df[tok[t]] < df[tok[best[1]]]) {
				best[1] = t;
			}
		}
		for (int b = 0; b < 2; b++)
			if (best[b] >= 0)
				keys[k++] = key_hash(f, 'T', &tok[best[b]], sizeof tok[0]);
	}
	if ((blk & BH_BLK_SORTED) && v->ntok > 1) {
		uint32_t s[255];
		memcpy(s, tok, v->ntok * sizeof *s);
		qsort(s, v->ntok, sizeof *s, cmp_u32);
		keys[k++] = key_hash(f, 'F', s, v->ntok * sizeof *s);
	}
	return k;
}

static int push_pair(bh_matcher *m, int64_t a, int64_t b)
{
	const int32_t *src = m->src.p;
	const int64_t *grp = m->group.p;
	if (m->o.link_only && src[a] == src[b])
		return 0;
	if (grp[a] >= 0 && grp[a] == grp[b])
		return 0; /* already one by exact evidence */
	if (b < m->first_new)
		return 0;
	uint64_t p = (uint64_t)a << 32 | (uint64_t)b;
	return bh_vec_push(&m->pairs, &p);
}

int bh_match_block(bh_matcher *m)
{
	bh_vec keys = {0};
	uint64_t *tmp = NULL;
	int rc = 0, bits = 1;
	uint64_t kk[8 * BH_MATCH_MAXFIELDS];

	keys.size = sizeof(uint64_t);
	keys.limit = (size_t)4 << 30;
	while (bits < 40 && ((int64_t)1 << bits) < m->nrec)
		bits++;
	uint64_t recmask = ((uint64_t)1 << bits) - 1;
	for (int64_t i = 0; i < m->nrec; i++) {
		int k = 0;
		for (int f = 0; f < m->nf; f++)
			k += field_keys(m, i, f, kk + k);
		if ((rc = bh_vec_grow(&keys, keys.n + (size_t)k)) < 0)
			goto cleanup;
		for (int x = 0; x < k; x++)
			((uint64_t *)keys.p)[keys.n++] = (kk[x] & ~recmask) | (uint64_t)i;
	/* the side bit must not be taken for a record bit: bits <= 40 < 62 */
	}
	if (!(tmp = malloc((keys.n ? keys.n : 1) * sizeof *tmp))) {
		rc = bh_error_set(BH_ENOMEM, "matcher: out of memory sorting %zu keys", keys.n);
		goto cleanup;
	}
	bh_radix_sort_u64(keys.p, tmp, keys.n);
	free(tmp);
	tmp = NULL;

	m->pairs.n = 0;
	const uint64_t *K = keys.p;
	for (size_t s = 0, e; s < keys.n; s = e) {
		uint64_t gmask = K[s] & KEY_ASYM ? ~(recmask | KEY_SIDE) : ~recmask;
		for (e = s + 1; e < keys.n && (K[e] & gmask) == (K[s] & gmask); e++)
			;
		size_t n = e - s;
		if (n < 2)
			continue;
		if (K[s] & KEY_ASYM) {
			/* side 0 (short names) sorts first: pair it with side 1 */
			size_t mid = s;
			while (mid < e && !(K[mid] & KEY_SIDE))
				mid++;
			for (size_t a = s; a < mid; a++) {
				size_t lim = e - mid > (size_t)m->o.block_cap ? mid + (size_t)m->o.block_cap : e;
				for (size_t b = mid; b < lim; b++) {
					int64_t ra = (int64_t)(K[a] & recmask), rb = (int64_t)(K[b] & recmask);
					if (ra != rb && (rc = push_pair(m, ra < rb ? ra : rb, ra < rb ? rb : ra)) < 0)
						goto cleanup;
				}
			}
			continue;
		}
		if ((int64_t)(K[e - 1] & recmask) < m->first_new)
			continue;
		int capped = n > (size_t)m->o.block_cap;
		if (capped)
			m->st.capped_blocks++;
		for (size_t a = s; a < e; a++) {
			size_t hi = capped ? (a + 1 + (size_t)m->o.window < e ? a + 1 + (size_t)m->o.window : e) : e;
			for (size_t b = a + 1; b < hi; b++) {
				int64_t ra = (int64_t)(K[a] & recmask), rb = (int64_t)(K[b] & recmask);
				if (ra == rb)
					continue;
				if ((rc = push_pair(m, ra, rb)) < 0)
					goto cleanup;
			}
		}
	}
	bh_vec_free(&keys);
	if (!(tmp = malloc((m->pairs.n ? m->pairs.n : 1) * sizeof *tmp))) {
		rc = bh_error_set(BH_ENOMEM, "matcher: out of memory sorting %zu pairs", m->pairs.n);
		goto cleanup;
	}
	bh_radix_sort_u64(m->pairs.p, tmp, m->pairs.n);
	uint64_t *P = m->pairs.p;
	size_t u = 0;
	for (size_t k = 0; k < m->pairs.n; k++)
		if (u == 0 || P[k] != P[u - 1])
			P[u++] = P[k];
	m->pairs.n = u;

cleanup:
	free(tmp);
	bh_vec_free(&keys);
	return rc;
}
