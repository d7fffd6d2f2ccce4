/* String comparators of the matcher: Jaro and Jaro-Winkler, Levenshtein
 * distance (the Myers/Hyyrö bit-parallel form for strings of up to 64
 * bytes, a capped two-row DP beyond), a bounded check "at most k edits"
 * (Ukkonen's band; the matcher's typo test), and Soundex for blocking. They work
 * on bytes: names are folded to ASCII-heavy text before they get here. */
#include "resolve/resolve.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define JARO_MAX 256   /* longer strings are compared on their first 256 bytes */
#define LEV_MAX 4096

double bh_jaro(const char *a, size_t na, const char *b, size_t nb)
{
	unsigned char fa[JARO_MAX], fb[JARO_MAX];
	size_t i, j, m = 0, t = 0, k;
	if (na > JARO_MAX)
		na = JARO_MAX;
	if (nb > JARO_MAX)
		nb = JARO_MAX;
	if (na == 0 && nb == 0)
		return 1.0;
	if (na == 0 || nb == 0)
		return 0.0;
	size_t win = (na > nb ? na : nb) / 2;
	win = win > 0 ? win - 1 : 0;
	memset(fa, 0, na);
	memset(fb, 0, nb);
	for (i = 0; i < na; i++) {
		size_t lo = i > win ? i - win : 0, hi = i + win + 1 < nb ? i + win + 1 : nb;
		for (j = lo; j < hi; j++)
			if (!fb[j] && a[i] == b[j]) {
				fa[i] = fb[j] = 1;
				m++;
				break;
			}
	}
	if (m == 0)
		return 0.0;
	for (i = 0, k = 0; i < na; i++) {
		if (!fa[i])
			continue;
		while (!fb[k])
			k++;
		if (a[i] != b[k])
			t++;
		k++;
	}
	double dm = (double)m;
	return (dm / (double)na + dm / (double)nb + (dm - (double)t / 2.0) / dm) / 3.0;
}

double bh_jaro_winkler(const char *a, size_t na, const char *b, size_t nb)
{
	double j = bh_jaro(a, na, b, nb);
	size_t l = 0;
	while (l < 4 && l < na && l < nb && a[l] == b[l])
		l++;
	return j + (double)l * 0.1 * (1.0 - j);
}

int bh_levenshtein_dp(const char *a, size_t na, const char *b, size_t nb)
{
	if (na > LEV_MAX)
		na = LEV_MAX;
	if (nb > LEV_MAX)
		nb = LEV_MAX;
	int *row = malloc((nb + 1) * sizeof *row);
	if (!row)
		return (int)(na > nb ? na : nb); /* an upper bound, never a crash */
	for (size_t j = 0; j <= nb; j++)
		row[j] = (int)j;
	for (size_t i = 1; i <= na; i++) {
		int diag = row[0];
		row[0] = (int)i;
		for (size_t j = 1; j <= nb; j++) {
			int up = row[j];
			int best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	int d = row[nb];
	free(row);
	return d;
}

/* Myers (1999) as formulated by Hyyrö: the DP column of pattern p (m <= 64)
 * kept as vertical +1/-1 bit vectors, one text character per step. */
static int lev_myers64(const char *p, size_t m, const char *t, size_t n)
{
	uint64_t peq[256] = {0};
	uint64_t pv = ~(uint64_t)0, mv = 0, last = (uint64_t)1 << (m - 1);
	int score = (int)m;
	for (size_t i = 0; i < m; i++)
		peq[(unsigned char)p[i]] |= (uint64_t)1 << i;
	for (size_t j = 0; j < n; j++) {
		uint64_t eq = peq[(unsigned char)t[j]];
		uint64_t xv = eq | mv;
		uint64_t xh = (((eq & pv) + pv) ^ pv) | eq;
		uint64_t ph = mv | ~(xh | pv);
		uint64_t mh = pv & xh;
		if (ph & last)
			score++;
		else if (mh & last)
			score--;
		ph = (ph << 1) | 1;
		mh <<= 1;
		pv = mh | ~(xv | ph);
		mv = ph & xv;
	}
	return score;
}

int bh_levenshtein(const char *a, size_t na, const char *b, size_t nb)
{
	if (na > nb) {
		const char *t = a;
		size_t tn = na;
		a = b, na = nb, b = t, nb = tn;
	}
	if (na == 0)
		return (int)(nb > LEV_MAX ? LEV_MAX : nb);
	if (na <= 64 && nb <= LEV_MAX)
		return lev_myers64(a, na, b, nb);
	return bh_levenshtein_dp(a, na, b, nb);
}

/* Ukkonen's band: only cells within k of the diagonal can hold a distance
 * <= k, so a row costs 2k + 1 cells and the whole check O(k * n), with no
 * table to clear (the bit-parallel form sets up 2 KiB per call). */
int bh_levenshtein_within(const char *a, size_t na, const char *b, size_t nb, int k)
{
	enum { KMAX = 3 };
	int row[2][2 * KMAX + 1];
	if (k < 0)
		return 0;
	if (k > KMAX)
		return bh_levenshtein(a, na, b, nb) <= k;
	if ((na > nb ? na - nb : nb - na) > (size_t)k)
		return 0;
	if (k <= 1) {
		/* after the common prefix, the rest must be equal once one byte
		 * of the longer (or of each, same lengths) is skipped */
		size_t i = 0;
		while (i < na && i < nb && a[i] == b[i])
			i++;
		if (i == na && i == nb)
			return 1;
		if (k == 0)
			return 0;
		size_t ra = na - i, rb = nb - i;
		const char *pa = a + i + (ra >= rb), *pb = b + i + (rb >= ra);
		size_t n = (ra >= rb ? ra - 1 : ra);
		return memcmp(pa, pb, n) == 0;
	}
	if (na > LEV_MAX || nb > LEV_MAX)
		return bh_levenshtein(a, na, b, nb) <= k;
	/* row[i][d]: distance of a[0..i) and b[0..i+d-k), d = 0..2k */
	const int big = k + 1, w = 2 * k + 1;
	int *prev = row[0], *cur = row[1];
	for (int d = 0; d < w; d++) {
		long j = d - k;
		prev[d] = j >= 0 && j <= (long)nb && j <= k ? (int)j : big;
	}
	for (size_t i = 1; i <= na; i++) {
		int best = big;
		for (int d = 0; d < w; d++) {
			long j = (long)i + d - k;
			if (j < 0 || j > (long)nb) {
				cur[d] = big;
				continue;
			}
			int v = big;
			if (j == 0)
				v = (int)i;
			else {
				v = prev[d] + (a[i - 1] != b[j - 1]);       /* diagonal */
				if (d + 1 < w && prev[d + 1] + 1 < v)    /* from above */
					v = prev[d + 1] + 1;
				if (d > 0 && cur[d - 1] + 1 < v)          /* from the left */
					v = cur[d - 1] + 1;
			}
			cur[d] = v > big ? big : v;
			if (cur[d] < best)
				best = cur[d];
		}
		if (best > k)
			return 0;
		int *t = prev;
		prev = cur;
		cur = t;
	}
	long dn = (long)nb - (long)na + k;
	return dn >= 0 && dn < w && prev[dn] <= k;
}

void bh_soundex(char out[5], const char *s, size_t n)
{
	/*                          abcdefghijklmnopqrstuvwxyz */
	static const char code[] = "01230120022455012623010202";
	size_t o = 0;
	char prev = 0;
	memset(out, 0, 5);
	for (size_t i = 0; i < n && o < 4; i++) {
		int c = tolower((unsigned char)s[i]);
		if (c < 'a' || c > 'z')
			continue;
		char d = code[c - 'a'];
		if (o == 0) {
			out[o++] = (char)c;
			prev = d;
			continue;
		}
		if (d != '0' && d != prev)
			out[o++] = d;
		if (c != 'h' && c != 'w')
			prev = d;
	}
	if (o == 0)
		return;
	while (o < 4)
		out[o++] = '0';
}
