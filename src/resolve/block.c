/* Blocking: which pairs of records are compared at all. Each record gets a
 * few keys (whole value, its two rarest tokens, a prefix, a phonetic key,
 * an acronym, a sorted-token fingerprint; chosen per field); records that
 * share a key are candidates. A block bigger than the cap pairs each record
 * only with its next few neighbours, so work grows with the data and not
 * with its square, even for a million identical names. The candidates are
 * compared here as the blocks yield them, on two threads, and only those
 * that pass the gates are kept (most do not): the candidate list itself
 * is never held. */
#include "resolve/resolveInt.h"
#include "util/err.h"
#include "util/timing.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
	return a < b ? -1 : a > b;
}

/* ---- a radix sort on several threads ----
 *
 * One pass on the top 11 bits in use (each thread counts and moves its
 * part of the input; a thread's items of a digit follow those of the
 * threads before it), then each of the 2048 buckets sorted on its own by
 * LSD passes on the bits below, the buckets shared between the threads.
 * A bucket is small enough to stay in cache through its passes, where
 * six passes over the whole array each miss it for every item. */
enum { MAXT = 8, RS_BITS = 11, RS_B = 1 << RS_BITS };

typedef struct {
	const uint64_t *src; /* top pass: this thread's part of the input */
	size_t n;
	uint64_t *dst;
	size_t *cnt;        /* RS_B counters: its counts, then its cursors */
	const size_t *boff; /* bucket starts, RS_B + 1 */
	size_t blo, bhi;    /* bucket passes: its buckets */
	int shift, phase, rc;
} rs_job;

/* Runs fn on each of the nt jobs (size bytes apart), the first on this
 * thread; a job whose thread cannot be started runs here after. */
static void run_threads(void *(*fn)(void *), void *jobs, size_t size, int nt)
{
	pthread_t th[MAXT];
	int started[MAXT] = {0};
	for (int t = 1; t < nt; t++)
		started[t] = pthread_create(&th[t], NULL, fn, (char *)jobs + (size_t)t * size) == 0;
	fn(jobs);
	for (int t = 1; t < nt; t++) {
		if (started[t])
			pthread_join(th[t], NULL);
		else
			fn((char *)jobs + (size_t)t * size);
	}
}

/* Sorts a[0, n) on its bits below shift (the rest are equal), tmp[0, n)
 * as scratch; the result in a. */
static void sort_low_bits(uint64_t *a, uint64_t *tmp, size_t n, int shift, size_t *cnt)
{
	if (n <= 32) {
		for (size_t k = 1; k < n; k++) {
			uint64_t v = a[k];
			size_t x = k;
			for (; x > 0 && a[x - 1] > v; x--)
				a[x] = a[x - 1];
			a[x] = v;
		}
		return;
	}
	uint64_t *src = a, *dst = tmp;
	for (int sh = 0; sh < shift; sh += RS_BITS) {
		memset(cnt, 0, RS_B * sizeof *cnt);
		for (size_t k = 0; k < n; k++)
			cnt[(src[k] >> sh) & (RS_B - 1)]++;
		if (cnt[(src[0] >> sh) & (RS_B - 1)] == n)
			continue;
		size_t sum = 0;
		for (size_t d = 0; d < RS_B; d++) {
			size_t c = cnt[d];
			cnt[d] = sum;
			sum += c;
		}
		for (size_t k = 0; k < n; k++)
			dst[cnt[(src[k] >> sh) & (RS_B - 1)]++] = src[k];
		uint64_t *t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, n * sizeof *a);
}

void bh_radix_sort_u64(uint64_t *a, uint64_t *tmp, size_t n)
{
	size_t *cnt = malloc(RS_B * sizeof *cnt); /* 2048 counters stay in L1 */
	if (!cnt) {
		if (n)
			qsort(a, n, sizeof *a, cmp_u64); /* no memory for the counters */
		return;
	}
	sort_low_bits(a, tmp, n, 64, cnt);
	free(cnt);
}

static void *radix_part(void *arg)
{
	rs_job *j = arg;
	if (j->phase == 0) {
		memset(j->cnt, 0, RS_B * sizeof *j->cnt);
		for (size_t k = 0; k < j->n; k++)
			j->cnt[j->src[k] >> j->shift]++;
	} else if (j->phase == 1) {
		for (size_t k = 0; k < j->n; k++)
			j->dst[j->cnt[j->src[k] >> j->shift]++] = j->src[k];
	} else {
		size_t big = 1;
		for (size_t d = j->blo; d < j->bhi; d++)
			if (j->boff[d + 1] - j->boff[d] > big)
				big = j->boff[d + 1] - j->boff[d];
		uint64_t *tmp = malloc(big * sizeof *tmp);
		if (!tmp) {
			j->rc = bh_error_set(BH_ENOMEM, "matcher: out of memory sorting %zu keys", big);
			return NULL;
		}
		for (size_t d = j->blo; d < j->bhi; d++)
			sort_low_bits(j->dst + j->boff[d], tmp, j->boff[d + 1] - j->boff[d], j->shift, j->cnt);
		free(tmp);
	}
	return NULL;
}

/* Sorts the nt parts src[t][0, len[t]) together into dst on nt threads
 * (each its own part in the top pass); the order is bh_radix_sort_u64's,
 * the values ascending. The parts are left as they are. */
static int radix_sort_mt(uint64_t *dst, const uint64_t *const *src, const size_t *len, int nt)
{
	rs_job jobs[MAXT];
	size_t *cnt = malloc(((size_t)nt * RS_B + RS_B + 1) * sizeof *cnt), *boff, n = 0;
	uint64_t all = 0;
	int shift = 0, rc = 0;
	if (!cnt)
		return bh_error_set(BH_ENOMEM, "matcher: out of memory sorting keys");
	boff = cnt + (size_t)nt * RS_B;
	for (int t = 0; t < nt; t++) {
		for (size_t k = 0; k < len[t]; k++)
			all |= src[t][k];
		n += len[t];
	}
	while (shift < 64 - RS_BITS && all >> shift >= RS_B)
		shift++;
	for (int t = 0; t < nt; t++)
		jobs[t] = (rs_job){.src = src[t], .n = len[t], .dst = dst, .cnt = cnt + (size_t)t * RS_B,
				   .boff = boff, .shift = shift, .phase = 0};
	run_threads(radix_part, jobs, sizeof *jobs, nt);
	size_t sum = 0;
	for (size_t d = 0; d < RS_B; d++) {
		boff[d] = sum;
		for (int t = 0; t < nt; t++) {
			size_t c = jobs[t].cnt[d];
			jobs[t].cnt[d] = sum;
			sum += c;
		}
	}
	boff[RS_B] = sum;
	for (int t = 0; t < nt; t++)
		jobs[t].phase = 1;
	run_threads(radix_part, jobs, sizeof *jobs, nt);
	/* the buckets cut into nt runs of about n / nt items */
	size_t d = 0;
	for (int t = 0; t < nt; t++) {
		jobs[t].blo = d;
		while (d < RS_B && (t == nt - 1 || boff[d] < n * (size_t)(t + 1) / (size_t)nt))
			d++;
		jobs[t].bhi = d;
		jobs[t].phase = 2;
	}
	run_threads(radix_part, jobs, sizeof *jobs, nt);
	for (int t = 0; t < nt; t++)
		if (jobs[t].rc < 0 && rc == 0)
			rc = jobs[t].rc;
	free(cnt);
	return rc;
}

/* Key flags: the top bit marks an asymmetric key (pairs only across its
 * two sides), the next one the side as field_keys gives it. The record
 * index sits in the low bits; bh_match_block moves the side to the bit
 * just above them, so that both sides of one key sort next to each
 * other (side 0 first) and form one block. */
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

/* ---- candidate pairs, compared as they are found ----
 *
 * Pairs are never all held: each block's pairs are compared as they come
 * and only those that pass the gates are kept. A pair that shares several
 * keys is compared once, in the first block (by key order) that pairs it:
 * a later block asks, through each record's list of key positions,
 * whether an earlier block of both records paired them already. */

/* The layout of the sorted keys: per position its block's start; per
 * block start the block's end and, for an asymmetric block, its first
 * side-1 position; per record its key positions (rpos[roff[i] ..
 * roff[i + 1]]). */
typedef struct {
	const bh_matcher *m;
	const uint64_t *K;
	uint64_t recmask, side; /* side: the bit of side 1 in K (recmask + 1) */
	size_t nkeys;
	uint32_t *bs, *be, *bmid, *roff, *rpos;
	uint32_t *rblk; /* per record key position (as rpos), its block's start */
	uint32_t *chunk; /* block-aligned starts of the work chunks, nchunk + 1 */
	size_t nchunk, next;
} blocks;

/* Frees the block layout; the struct is left empty (freeing twice is safe). */
static void blocks_free(blocks *b)
{
	free(b->bs);
	free(b->be);
	free(b->bmid);
	free(b->rpos);
	free(b->roff);
	free(b->rblk);
	free(b->chunk);
	memset(b, 0, sizeof *b);
}

static int cap_of(const blocks *b, uint32_t s)
{
	return b->be[s] - s > (uint32_t)b->m->o.block_cap;
}

/* Whether the block starting at s pairs its positions x and y. */
static int block_pairs(const blocks *b, uint32_t s, uint32_t x, uint32_t y)
{
	if (x > y) {
		uint32_t t = x;
		x = y;
		y = t;
	}
	if (b->K[s] & KEY_ASYM)
		return x < b->bmid[s] && y >= b->bmid[s] && y - b->bmid[s] < (uint32_t)b->m->o.block_cap;
	return !cap_of(b, s) || y - x <= (uint32_t)b->m->o.window;
}

/* Whether a block before the one starting at s paired records i and j.
 * Each record's key positions are in key order, so its block starts
 * (rblk) ascend: the two lists are merged up to s, and only a block both
 * records are in is asked whether it paired them (a record can sit in one
 * block twice when two of its keys collide). */
static int paired_before(const blocks *b, uint32_t s, int64_t i, int64_t j)
{
	uint32_t k = b->roff[i], ke = b->roff[i + 1], l = b->roff[j], le = b->roff[j + 1];
	const uint32_t *rb = b->rblk;
	while (k < ke && l < le) {
		uint32_t si = rb[k], sj = rb[l];
		if (si >= s || sj >= s)
			return 0;
		if (si != sj) {
			k += si < sj;
			l += sj < si;
			continue;
		}
		uint32_t k2 = k, l2 = l;
		while (k2 < ke && rb[k2] == si)
			k2++;
		while (l2 < le && rb[l2] == si)
			l2++;
		for (uint32_t x = k; x < k2; x++)
			for (uint32_t y = l; y < l2; y++)
				if (block_pairs(b, si, b->rpos[x], b->rpos[y]))
					return 1;
		k = k2;
		l = l2;
	}
	return 0;
}

typedef struct {
	blocks *b;
	bh_vec pairs, codes; /* the pairs that pass the gates, unsorted */
	int64_t compared, capped;
	size_t pf; /* positions before it are prefetched */
	int rc;
} cand_job;

/* Compares records i < j found in the block starting at s, unless they
 * are not to be paired or an earlier block paired them. */
static int candidate(cand_job *j, uint32_t s, int64_t a, int64_t c)
{
	const bh_matcher *m = j->b->m;
	const int32_t *src = m->src.p;
	const int64_t *grp = m->group.p;
	int64_t i = a < c ? a : c, k = a < c ? c : a;
	if (i == k || (m->o.link_only && src[i] == src[k]) || (grp[i] >= 0 && grp[i] == grp[k]) ||
	    k < m->first_new || paired_before(j->b, s, i, k))
		return 0; /* the same record, already one by exact evidence, or old */
	j->compared++;
	uint64_t code = bh_match_code_gated(m, i, k), p = (uint64_t)i << 32 | (uint64_t)k;
	if (code == BH_CODE_GATED)
		return 0;
	int rc = bh_vec_push(&j->pairs, &p);
	return rc < 0 ? rc : bh_vec_push(&j->codes, &code);
}

/* The second record's data are cache misses, each found through the one
 * before: fetched in stages, PF positions ahead its value ids, group and
 * key list offsets, PF / 2 ahead its gate field's value and key list,
 * PF / 4 ahead that value's text and tokens, one ahead the tokens'
 * weights. */
enum { PF = 12 };

static void prefetch_rec(const blocks *b, size_t pos, size_t end, int f)
{
	if (pos >= end)
		return;
	const bh_matcher *m = b->m;
	size_t r = (size_t)(b->K[pos] & b->recmask);
	__builtin_prefetch(&BH_VEC_AT(m->rv, uint32_t, r * (size_t)m->nf));
	__builtin_prefetch(&b->roff[r]);
	__builtin_prefetch(&BH_VEC_AT(m->group, int64_t, r));
	if (pos >= PF / 2) {
		size_t q = (size_t)(b->K[pos - PF / 2] & b->recmask);
		__builtin_prefetch(bh_match_val(m, (int64_t)q, f));
		__builtin_prefetch(&b->rblk[b->roff[q]]);
	}
	if (pos >= 3 * PF / 4) {
		const bh_fval *v = bh_match_val(m, (int64_t)(b->K[pos - 3 * PF / 4] & b->recmask), f);
		__builtin_prefetch((const char *)m->arena.p + v->off);
		__builtin_prefetch(&BH_VEC_AT(m->toks, uint32_t, v->tok));
	}
	if (pos >= PF - 1 && m->tok_meta.p) {
		const bh_fval *v = bh_match_val(m, (int64_t)(b->K[pos - (PF - 1)] & b->recmask), f);
		const uint32_t *tok = &BH_VEC_AT(m->toks, uint32_t, v->tok);
		for (int t = 0; t < v->ntok && t < 4; t++)
			__builtin_prefetch(&BH_VEC_AT(m->tok_meta, bh_tokmeta, tok[t]));
	}
}

/* Prefetches each position once, in order, up to to: a pair loop
 * visits the positions of a small block, or of a big block's window,
 * fewer than PF ahead, and then the next block's. */
static void prefetch_to(cand_job *j, size_t to, int f)
{
	if (to > j->b->nkeys)
		to = j->b->nkeys;
	for (; j->pf < to; j->pf++)
		prefetch_rec(j->b, j->pf, j->b->nkeys, f);
}

/* Whether the long names of an acronym block (positions [mid, lim)) are
 * spellings of one name: each at least somewhat alike the first. "UPS"
 * stands for "UNITED PARCEL SERVICE (OF AMERICA)"; "ABC" meets
 * "ASSOCIATED BUILDERS AND CONTRACTORS" and "ANHEUSER-BUSCH COMPANIES",
 * and paired with both it would chain two companies through three
 * letters: such a block pairs nothing. */
static int acronym_one_name(const blocks *b, uint32_t mid, uint32_t lim)
{
	const bh_matcher *m = b->m;
	int64_t first = (int64_t)(b->K[mid] & b->recmask);
	for (int f = 0; f < m->nf; f++) {
		if (!(m->fields[f].block & BH_BLK_ACRONYM) || m->fields[f].cmp != BH_CMP_ORG ||
		    !bh_match_val(m, first, f)->alen)
			continue;
		for (uint32_t y = mid + 1; y < lim; y++)
			if (bh_code_level(bh_match_code(m, first, (int64_t)(b->K[y] & b->recmask)), f) <
			    BH_LVL_WEAK)
				return 0;
		return 1;
	}
	return 1;
}

static int compare_block(cand_job *j, uint32_t s, int gate)
{
	const blocks *b = j->b;
	const uint64_t *K = b->K;
	uint64_t rm = b->recmask;
	uint32_t e = b->be[s];
	int rc;
	if (e - s < 2)
		return 0;
	if (K[s] & KEY_ASYM) {
		/* side 0 (short names) sorts first: pair it with side 1 */
		uint32_t mid = b->bmid[s];
		uint32_t lim = e - mid > (uint32_t)b->m->o.block_cap ? mid + (uint32_t)b->m->o.block_cap : e;
		if (mid == s || mid == e || !acronym_one_name(b, mid, lim))
			return 0;
		for (uint32_t x = s; x < mid; x++)
			for (uint32_t y = mid; y < lim; y++) {
				prefetch_to(j, y + PF, gate);
				if ((rc = candidate(j, s, (int64_t)(K[x] & rm), (int64_t)(K[y] & rm))) < 0)
					return rc;
			}
		return 0;
	}
	if ((int64_t)(K[e - 1] & rm) < b->m->first_new)
		return 0; /* every record old: nothing to compare */
	int capped = cap_of(b, s);
	j->capped += capped;
	for (uint32_t x = s; x < e; x++) {
		uint32_t hi = capped && x + 1 + (uint32_t)b->m->o.window < e ? x + 1 + (uint32_t)b->m->o.window : e;
		for (uint32_t y = x + 1; y < hi; y++) {
			prefetch_to(j, y + PF, gate);
			if ((rc = candidate(j, s, (int64_t)(K[x] & rm), (int64_t)(K[y] & rm))) < 0)
				return rc;
		}
	}
	return 0;
}

/* A thread: takes chunks of blocks until none is left. */
static void *compare_chunks(void *arg)
{
	cand_job *j = arg;
	blocks *b = j->b;
	int gate = 0; /* the field compared first: a gate, else the first */
	for (int f = b->m->nf - 1; f >= 0; f--)
		if (b->m->fields[f].need)
			gate = f;
	for (;;) {
		size_t c = __atomic_fetch_add(&b->next, 1, __ATOMIC_RELAXED);
		if (c >= b->nchunk)
			break;
		j->pf = b->chunk[c];
		for (uint32_t s = b->chunk[c]; s < b->chunk[c + 1]; s = b->be[s])
			if ((j->rc = compare_block(j, s, gate)) < 0)
				return NULL;
	}
	return NULL;
}

/* Sorts pairs p[] with their codes c[] by pair (LSD radix, 11 bits a pass). */
static int sort_pairs(uint64_t *p, uint64_t *c, size_t n)
{
	enum { BITS = 11, B = 1 << BITS };
	uint64_t *tp = malloc((n ? n : 1) * sizeof *tp), *tc = malloc((n ? n : 1) * sizeof *tc);
	size_t *cnt = malloc(B * sizeof *cnt);
	uint64_t *sp = p, *sc = c, *dp = tp, *dc = tc;
	if (!tp || !tc || !cnt) {
		free(tp);
		free(tc);
		free(cnt);
		return bh_error_set(BH_ENOMEM, "matcher: out of memory sorting %zu pairs", n);
	}
	for (int shift = 0; shift < 64; shift += BITS) {
		memset(cnt, 0, B * sizeof *cnt);
		for (size_t k = 0; k < n; k++)
			cnt[(sp[k] >> shift) & (B - 1)]++;
		if (n && cnt[(sp[0] >> shift) & (B - 1)] == n)
			continue;
		size_t sum = 0;
		for (size_t d = 0; d < B; d++) {
			size_t t = cnt[d];
			cnt[d] = sum;
			sum += t;
		}
		for (size_t k = 0; k < n; k++) {
			size_t to = cnt[(sp[k] >> shift) & (B - 1)]++;
			dp[to] = sp[k];
			dc[to] = sc[k];
		}
		uint64_t *t = sp;
		sp = dp;
		dp = t;
		t = sc;
		sc = dc;
		dc = t;
	}
	if (sp != p) {
		memcpy(p, sp, n * sizeof *p);
		memcpy(c, sc, n * sizeof *c);
	}
	free(tp);
	free(tc);
	free(cnt);
	return 0;
}

/* As sort_pairs, in no more memory than the two lists when a pair and its
 * code fit one 64-bit word (record bits twice and 3 bits a field: 8M
 * records of 6 fields do): packed into p, sorted with c as the scratch
 * space, unpacked. Equal pairs have equal codes, so the order is
 * sort_pairs'. Returns 1 when done, 0 when they do not fit. */
static int sort_pairs_packed(uint64_t *p, uint64_t *c, size_t n, int bits, int nf)
{
	int cb = 3 * nf;
	if (2 * bits + cb > 64)
		return 0;
	uint64_t cmask = cb >= 64 ? UINT64_MAX : ((uint64_t)1 << cb) - 1;
	uint64_t rmask = ((uint64_t)1 << bits) - 1;
	for (size_t k = 0; k < n; k++)
		p[k] = (p[k] >> 32) << (bits + cb) | (p[k] & 0xffffffffu) << cb | (c[k] & cmask);
	bh_radix_sort_u64(p, c, n);
	for (size_t k = 0; k < n; k++) {
		c[k] = p[k] & cmask;
		p[k] = (p[k] >> (bits + cb)) << 32 | ((p[k] >> cb) & rmask);
	}
	return 1;
}

/* Sets v's capacity to exactly n items (n >= v->n): realloc grows a
 * large block in place where it can. */
static int shrink_to(bh_vec *v, size_t n)
{
	void *p = realloc(v->p, (n ? n : 1) * v->size);
	if (!p)
		return bh_error_set(BH_ENOMEM, "matcher: out of memory (%zu pairs)", n);
	v->p = p;
	v->cap = n ? n : 1;
	return 0;
}

/* The layout's parts, each thread its own: a run of whole blocks
 * [lo, hi) of the sorted keys, and the key lists of records [rlo, rhi). */
typedef struct {
	blocks *b;
	size_t lo, hi;
	int64_t rlo, rhi;
	double work; /* the pairs its blocks yield */
	int phase;
} layout_job;

/* The pairs a block of k keys yields: all of them, or a window each. */
static double block_work(const bh_matcher *m, double k)
{
	return k > m->o.block_cap ? k * m->o.window : k * (k - 1) / 2;
}

static void *layout_part(void *arg)
{
	layout_job *j = arg;
	blocks *b = j->b;
	const uint64_t *K = b->K;
	if (j->phase == 0) {
		for (size_t s = j->lo, e; s < j->hi; s = e) {
			uint64_t gmask = K[s] & KEY_ASYM ? ~(b->recmask | b->side) : ~b->recmask;
			for (e = s + 1; e < j->hi && (K[e] & gmask) == (K[s] & gmask); e++)
				b->bs[e] = (uint32_t)s;
			b->bs[s] = (uint32_t)s;
			b->be[s] = (uint32_t)e;
			size_t mid = s;
			while (mid < e && !(K[mid] & b->side))
				mid++;
			b->bmid[s] = (uint32_t)mid;
			j->work += block_work(b->m, (double)(e - s));
		}
		return NULL;
	}
	/* roff[i + 1] is the start of record i: fill, moving it to the end */
	for (size_t x = 0; x < b->nkeys; x++) {
		int64_t r = (int64_t)(K[x] & b->recmask);
		if (r < j->rlo || r >= j->rhi)
			continue;
		uint32_t at = b->roff[r + 1]++;
		b->rpos[at] = (uint32_t)x;
		b->rblk[at] = b->bs[x];
	}
	return NULL;
}

/* Fills the layout of the sorted keys (b->roff[i + 2] holds record i's
 * key count) and cuts it into work chunks of whole blocks, about equal
 * in pairs. */
static int layout(blocks *b, int nt)
{
	const bh_matcher *m = b->m;
	size_t n = b->nkeys;
	enum { NCHUNK = 64 };
	double work = 0, done = 0;
	layout_job jobs[MAXT];
	b->bs = malloc((n ? n : 1) * sizeof *b->bs);
	b->be = malloc((n ? n : 1) * sizeof *b->be);
	b->bmid = malloc((n ? n : 1) * sizeof *b->bmid);
	b->rpos = malloc((n ? n : 1) * sizeof *b->rpos);
	b->rblk = malloc((n ? n : 1) * sizeof *b->rblk);
	b->chunk = malloc((NCHUNK + 1) * sizeof *b->chunk);
	if (!b->bs || !b->be || !b->bmid || !b->rpos || !b->rblk || !b->chunk)
		return bh_error_set(BH_ENOMEM, "matcher: out of memory laying out %zu keys", n);
	/* the keys cut at block boundaries near n * t / nt */
	size_t at = 0;
	for (int t = 0; t < nt; t++) {
		size_t hi = t == nt - 1 ? n : n * (size_t)(t + 1) / (size_t)nt;
		if (hi < at)
			hi = at;
		while (hi > 0 && hi < n) {
			uint64_t gmask = b->K[hi - 1] & KEY_ASYM ? ~(b->recmask | b->side) : ~b->recmask;
			if ((b->K[hi] & gmask) != (b->K[hi - 1] & gmask))
				break;
			hi++;
		}
		jobs[t] = (layout_job){.b = b, .lo = at, .hi = hi, .phase = 0,
				       .rlo = m->nrec * t / nt, .rhi = m->nrec * (t + 1) / nt};
		at = hi;
	}
	run_threads(layout_part, jobs, sizeof *jobs, nt);
	for (int t = 0; t < nt; t++) {
		work += jobs[t].work;
		jobs[t].phase = 1;
	}
	for (int64_t i = 0; i <= m->nrec; i++)
		b->roff[i + 1] += b->roff[i];
	run_threads(layout_part, jobs, sizeof *jobs, nt);
	b->nchunk = 0;
	b->chunk[0] = 0;
	for (size_t s = 0; s < n; s = b->be[s]) {
		done += block_work(m, (double)(b->be[s] - s));
		if (b->nchunk + 1 < NCHUNK && done >= work * (double)(b->nchunk + 1) / NCHUNK)
			b->chunk[++b->nchunk] = b->be[s];
	}
	if (b->chunk[b->nchunk] < n)
		b->chunk[++b->nchunk] = (uint32_t)n;
	return 0;
}

/* Builds the keys of records [lo, hi), each tagged with its record, and
 * sets roff[i + 2] to record i's key count. */
typedef struct {
	const bh_matcher *m;
	int64_t lo, hi;
	uint64_t recmask, side;
	uint32_t *roff;
	bh_vec keys;
	int rc;
} key_job;

static void *keys_part(void *arg)
{
	key_job *j = arg;
	uint64_t kk[8 * BH_MATCH_MAXFIELDS];
	for (int64_t i = j->lo; i < j->hi; i++) {
		int k = 0;
		for (int f = 0; f < j->m->nf; f++)
			k += field_keys(j->m, i, f, kk + k);
		if ((j->rc = bh_vec_grow(&j->keys, j->keys.n + (size_t)k)) < 0)
			return NULL;
		for (int x = 0; x < k; x++)
			((uint64_t *)j->keys.p)[j->keys.n++] = (kk[x] & ~(j->recmask | j->side | KEY_SIDE)) |
							     (kk[x] & KEY_SIDE ? j->side : 0) | (uint64_t)i;
		j->roff[i + 2] = (uint32_t)k;
	}
	return NULL;
}

int bh_match_block(bh_matcher *m)
{
	uint64_t *K = NULL;
	int rc = 0, bits = 1;
	blocks b;
	int nt = m->o.threads > 0 ? (m->o.threads < MAXT ? m->o.threads : MAXT) : 2;
	cand_job jobs[MAXT];
	key_job kj[MAXT];
	pthread_t th[MAXT];
	int started = 0;
	size_t nkeys = 0;

	memset(&b, 0, sizeof b);
	memset(jobs, 0, sizeof jobs);
	memset(kj, 0, sizeof kj);
	while (bits < 40 && ((int64_t)1 << bits) < m->nrec)
		bits++;
	int np = m->nrec < 5000 ? 1 : nt; /* threads of keys, sort, layout: cost more than they save on few records */
	uint64_t recmask = ((uint64_t)1 << bits) - 1, side = recmask + 1;
	if (!(b.roff = calloc((size_t)m->nrec + 2, sizeof *b.roff))) {
		rc = bh_error_set(BH_ENOMEM, "matcher: out of memory laying out %lld records", (long long)m->nrec);
		goto cleanup;
	}
	for (int t = 0; t < np; t++) {
		kj[t] = (key_job){.m = m, .lo = m->nrec * t / np, .hi = m->nrec * (t + 1) / np,
				  .recmask = recmask, .side = side, .roff = b.roff};
		kj[t].keys.size = sizeof(uint64_t);
		kj[t].keys.limit = UINT32_MAX; /* positions are 32-bit */
	}
	run_threads(keys_part, kj, sizeof *kj, np);
	for (int t = 0; t < np; t++) {
		if (kj[t].rc < 0 && rc == 0)
			rc = kj[t].rc;
		nkeys += kj[t].keys.n;
	}
	if (rc < 0)
		goto cleanup;
	if (nkeys >= UINT32_MAX) {
		rc = bh_error_set(BH_ETOOBIG, "matcher: more than %u block keys", UINT32_MAX);
		goto cleanup;
	}
	if (!(K = malloc((nkeys ? nkeys : 1) * sizeof *K))) {
		rc = bh_error_set(BH_ENOMEM, "matcher: out of memory sorting %zu keys", nkeys);
		goto cleanup;
	}
	bh_timing("resolve: block: keys (matcher)");
	{
		const uint64_t *part[MAXT];
		size_t len[MAXT];
		for (int t = 0; t < np; t++) {
			part[t] = kj[t].keys.p;
			len[t] = kj[t].keys.n;
		}
		if ((rc = radix_sort_mt(K, part, len, np)) < 0)
			goto cleanup;
	}
	for (int t = 0; t < np; t++)
		bh_vec_free(&kj[t].keys);

	b.m = m;
	b.K = K;
	b.recmask = recmask;
	b.side = side;
	b.nkeys = nkeys;
	bh_timing("resolve: block: sort keys (matcher)");
	if ((rc = layout(&b, np)) < 0)
		goto cleanup;
	bh_timing("resolve: block: layout (matcher)");
	for (int t = 0; t < nt; t++) {
		jobs[t].b = &b;
		jobs[t].pairs.size = jobs[t].codes.size = sizeof(uint64_t);
		jobs[t].pairs.limit = jobs[t].codes.limit = (size_t)3 << 30;
	}
	if (nkeys >= 20000)
		for (int t = 1; t < nt; t++)
			if (pthread_create(&th[t], NULL, compare_chunks, &jobs[t]) == 0)
				started |= 1 << t;
	compare_chunks(&jobs[0]);
	for (int t = 1; t < nt; t++)
		if (started & (1 << t))
			pthread_join(th[t], NULL);
	bh_timing("resolve: block: compare (matcher)");
	/* the keys and their layout are done with: freed before the pairs
	 * are gathered and sorted, the peak of the run */
	blocks_free(&b);
	free(K);
	K = NULL;
	/* the threads' pairs, in one sorted list (the same whatever thread
	 * compared which) */
	size_t total = 0;
	m->st.compared = m->st.capped_blocks = 0;
	for (int t = 0; t < nt; t++) {
		if (jobs[t].rc < 0 && rc == 0)
			rc = jobs[t].rc;
		total += jobs[t].pairs.n;
		m->st.compared += jobs[t].compared;
		m->st.capped_blocks += jobs[t].capped;
	}
	if (rc < 0)
		goto cleanup;
	/* the first thread's lists become the matcher's (grown in place by
	 * realloc, not copied beside themselves), the others are appended */
	bh_vec_free(&m->pairs);
	bh_vec_free(&m->codes);
	m->pairs.p = jobs[0].pairs.p;
	m->pairs.n = m->pairs.cap = jobs[0].pairs.n;
	m->codes.p = jobs[0].codes.p;
	m->codes.n = m->codes.cap = jobs[0].codes.n;
	memset(&jobs[0].pairs, 0, sizeof jobs[0].pairs);
	memset(&jobs[0].codes, 0, sizeof jobs[0].codes);
	if (m->pairs.p && (rc = shrink_to(&m->pairs, total)) < 0)
		goto cleanup;
	if (m->codes.p && (rc = shrink_to(&m->codes, total)) < 0)
		goto cleanup;
	if ((rc = bh_vec_grow(&m->pairs, total ? total : 1)) < 0 ||
	    (rc = bh_vec_grow(&m->codes, total ? total : 1)) < 0)
		goto cleanup;
	for (int t = 1; t < nt; t++) {
		if (!jobs[t].pairs.n)
			continue;
		memcpy((uint64_t *)m->pairs.p + m->pairs.n, jobs[t].pairs.p, jobs[t].pairs.n * sizeof(uint64_t));
		memcpy((uint64_t *)m->codes.p + m->codes.n, jobs[t].codes.p, jobs[t].codes.n * sizeof(uint64_t));
		m->pairs.n += jobs[t].pairs.n;
		m->codes.n += jobs[t].codes.n;
		bh_vec_free(&jobs[t].pairs);
		bh_vec_free(&jobs[t].codes);
	}
	if (!sort_pairs_packed(m->pairs.p, m->codes.p, total, bits, m->nf) &&
	    (rc = sort_pairs(m->pairs.p, m->codes.p, total)) < 0)
		goto cleanup;
	/* a record whose two keys collide is in one block twice: once */
	uint64_t *P = m->pairs.p, *C = m->codes.p;
	size_t u = 0;
	for (size_t k = 0; k < total; k++)
		if (u == 0 || P[k] != P[u - 1]) {
			P[u] = P[k];
			C[u++] = C[k];
		}
	m->pairs.n = m->codes.n = u;
	m->st.gated = m->st.compared - (int64_t)u;

cleanup:
	for (int t = 0; t < MAXT; t++) {
		bh_vec_free(&jobs[t].pairs);
		bh_vec_free(&jobs[t].codes);
	}
	for (int t = 0; t < MAXT; t++)
		bh_vec_free(&kj[t].keys);
	blocks_free(&b);
	free(K);
	return rc;
}
