/* Money, dates, DUNS and name keys from text cells (see value.h). */
#include "ingest/value.h"
#include "ingest/ingestInt.h"
#include "util/err.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static void trim(const char **p, size_t *n)
{
	while (*n && isspace((unsigned char)**p))
		(*p)++, (*n)--;
	while (*n && isspace((unsigned char)(*p)[*n - 1]))
		(*n)--;
}

int bh_money_parse(const char *p, size_t n, int64_t *cents)
{
	int neg = 0, digits = 0, frac_digits = 0, exp = 0, exp_neg = 0;
	int64_t whole = 0; /* value * 10^frac_digits, up to 18 significant */
	int round_digit = -1;

	trim(&p, &n);
	if (!n)
		return 0;
	if (*p == '(' && p[n - 1] == ')') {
		neg = 1;
		p++, n -= 2;
		trim(&p, &n);
	}
	if (n && (*p == '-' || *p == '+')) {
		neg ^= *p == '-';
		p++, n--;
	}
	if (n && *p == '$')
		p++, n--;
	if (n && *p == '-' && !neg) {
		neg = 1;
		p++, n--;
	}
	size_t i = 0;
	for (; i < n && (isdigit((unsigned char)p[i]) || p[i] == ','); i++) {
		if (p[i] == ',')
			continue;
		if (whole > INT64_MAX / 100)
			return -1;
		whole = whole * 10 + (p[i] - '0');
		digits++;
	}
	if (i < n && p[i] == '.') {
		for (i++; i < n && isdigit((unsigned char)p[i]); i++) {
			digits++;
			if (frac_digits < 6) {
				if (whole > INT64_MAX / 100)
					return -1;
				whole = whole * 10 + (p[i] - '0');
				frac_digits++;
			}
		}
	}
	if (!digits)
		return -1;
	if (i < n && (p[i] == 'e' || p[i] == 'E')) {
		i++;
		if (i < n && (p[i] == '+' || p[i] == '-'))
			exp_neg = p[i++] == '-';
		if (i >= n || !isdigit((unsigned char)p[i]))
			return -1;
		for (; i < n && isdigit((unsigned char)p[i]); i++)
			if ((exp = exp * 10 + (p[i] - '0')) > 30)
				return -1;
	}
	if (i != n)
		return -1;
	/* value = whole * 10^(exp' ), exp' = +-exp - frac_digits; want cents */
	int shift = (exp_neg ? -exp : exp) - frac_digits + 2;
	while (shift > 0) {
		if (whole > INT64_MAX / 10)
			return -1;
		whole *= 10;
		shift--;
	}
	while (shift < 0) {
		round_digit = (int)(whole % 10);
		whole /= 10;
		shift++; /* the last digit dropped is the one that rounds */
	}
	if (round_digit >= 5)
		whole++;
	*cents = neg ? -whole : whole;
	return 1;
}

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int valid_ymd(int y, int m, int d)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1)
		return 0;
	return d <= mdays[m - 1] + (m == 2 && is_leap(y));
}

static int num(const char **p, const char *e, int maxd, int *out)
{
	int v = 0, k = 0;
	while (*p < e && k < maxd && isdigit((unsigned char)**p)) {
		v = v * 10 + (**p - '0');
		(*p)++, k++;
	}
	*out = v;
	return k;
}

/* 1: ISO y-m-d; 2: slash a/b/y; -1: no date. Anything after a space or a
 * 'T' (a time of day) is ignored. */
static int split_date(const char *p, size_t n, int *y, int *a, int *b)
{
	const char *e = p + n, *s = p;
	int k;
	if ((k = num(&s, e, 4, y)) == 4 && s < e && *s == '-') {
		s++;
		if (!num(&s, e, 2, a) || s >= e || *s != '-')
			return -1;
		s++;
		if (!num(&s, e, 2, b))
			return -1;
		if (s < e && *s != ' ' && *s != 'T')
			return -1;
		return 1;
	}
	s = p;
	if (!num(&s, e, 2, a) || s >= e || *s != '/')
		return -1;
	s++;
	if (!num(&s, e, 2, b) || s >= e || *s != '/')
		return -1;
	s++;
	k = num(&s, e, 4, y);
	if (k == 2)
		*y += *y < 70 ? 2000 : 1900;
	else if (k != 4)
		return -1;
	if (s < e && *s != ' ')
		return -1;
	return 2;
}

int bh_datecol_value(bh_datecol *c, const char *p, size_t n, int64_t line, char out[11])
{
	int y, a, b, kind;
	trim(&p, &n);
	if (!n)
		return 0;
	kind = split_date(p, n, &y, &a, &b);
	if (kind < 0)
		return -1;
	if (kind == 1) {
		if (!valid_ymd(y, a, b))
			return -1;
		snprintf(out, 11, "%04d-%02d-%02d", y, a, b);
		return 1;
	}
	c->slash++;
	if (c->order == BH_ORDER_UNKNOWN) {
		if (a > 12 && b <= 12) {
			c->order = BH_ORDER_DMY;
			c->a_first_line = line;
		} else if (b > 12 && a <= 12) {
			c->order = BH_ORDER_MDY;
			c->b_first_line = line;
		}
	}
	if (c->order == BH_ORDER_UNKNOWN) {
		if (!valid_ymd(y, a, b) && !valid_ymd(y, b, a))
			return -1;
		snprintf(out, 11, "%04d/%02d/%02d", y, a, b);
		c->provisional++;
		return 1;
	}
	int m = c->order == BH_ORDER_MDY ? a : b, d = c->order == BH_ORDER_MDY ? b : a;
	if (!valid_ymd(y, m, d)) {
		if (!c->conflicts++)
			c->first_conflict_line = line;
		return -1;
	}
	snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
	return 1;
}

int bh_datecol_finish(bh_datecol *c, bh_ing *g, const char *table, const char *column)
{
	char sql[512];
	int rc;
	if (!c->provisional)
		return 0;
	if ((rc = bh_ing_sync(g)) < 0)
		return rc;
	if (c->order == BH_ORDER_UNKNOWN) {
		bh_ing_warn(g, 0,
			    "column %s: day/month order is ambiguous (no value has a part above 12 "
			    "in %lld slash dates); read as month/day (US order)",
			    c->column, (long long)c->slash);
		c->order = BH_ORDER_MDY;
	}
	if (c->order == BH_ORDER_MDY)
		snprintf(sql, sizeof sql,
			 "UPDATE %s SET %s = substr(%s,1,4)||'-'||substr(%s,6,2)||'-'||substr(%s,9,2)"
			 " WHERE source_id=%lld AND %s LIKE '____/__/__'",
			 table, column, column, column, column, (long long)g->source_id, column);
	else
		snprintf(sql, sizeof sql,
			 "UPDATE %s SET %s = substr(%s,1,4)||'-'||substr(%s,9,2)||'-'||substr(%s,6,2)"
			 " WHERE source_id=%lld AND %s LIKE '____/__/__'",
			 table, column, column, column, column, (long long)g->source_id, column);
	if ((rc = bh_store_exec(g->store, sql)) < 0)
		return rc;
	return 0;
}

int bh_date_mdy(const char *p, size_t n, int compact, char out[11])
{
	int y, m, d, kind;
	trim(&p, &n);
	if (!n)
		return 0;
	if (compact && n == 8) {
		const char *s = p, *e = p + n;
		if (num(&s, e, 2, &m) != 2 || num(&s, e, 2, &d) != 2 || num(&s, e, 4, &y) != 4)
			return -1;
	} else {
		kind = split_date(p, n, &y, &m, &d);
		if (kind < 0)
			return -1;
	}
	if (!valid_ymd(y, m, d))
		return -1;
	snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
	return 1;
}

int bh_duns_norm(const char *p, size_t n, char out[10])
{
	trim(&p, &n);
	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)p[i]))
			return -1;
	if (n == 13)
		n = 9;
	if (n > 9)
		return -1;
	memset(out, '0', 9 - n);
	memcpy(out + 9 - n, p, n);
	out[9] = '\0';
	return strspn(out, "0") == 9 ? 0 : 1;
}

size_t bh_name_key(char *out, size_t cap, const char *p, size_t n)
{
	size_t o = 0;
	int space = 0;
	for (size_t i = 0; i < n && o + 2 < cap; i++) {
		unsigned char ch = (unsigned char)p[i];
		if (isalnum(ch) || ch >= 0x80) {
			if (space && o)
				out[o++] = ' ';
			space = 0;
			out[o++] = (char)toupper(ch);
		} else if (ch != '\'' && ch != '.') {
			space = 1;
		}
	}
	out[o] = '\0';
	return o;
}
